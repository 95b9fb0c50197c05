package app

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestNeo4jResilienceSettings checks the defaults and the precedence of
// --neo4j-retry-time and --neo4j-probe-interval, which every command
// takes (they are store settings).
func TestNeo4jResilienceSettings(t *testing.T) {
	file := filepath.Join(t.TempDir(), "emnkg.json")
	if err := os.WriteFile(file, []byte(`{"neo4j-retry-time": "3s", "neo4j-probe-interval": "2s"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name            string
		args            []string
		env             map[string]string
		retry, interval time.Duration
	}{
		{"defaults", nil, nil, 5 * time.Second, time.Second},
		{"file", []string{"--config", file}, nil, 3 * time.Second, 2 * time.Second},
		{"environment over file", []string{"--config", file},
			map[string]string{"EMNKG_NEO4J_RETRY_TIME": "4s"}, 4 * time.Second, 2 * time.Second},
		{"flags over environment", []string{"--neo4j-retry-time", "1500ms", "--neo4j-probe-interval", "250ms"},
			map[string]string{"EMNKG_NEO4J_RETRY_TIME": "4s", "EMNKG_NEO4J_PROBE_INTERVAL": "3s"},
			1500 * time.Millisecond, 250 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := flag.NewFlagSet("test", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			cfg, err := BindFlags(fs, func(k string) string { return tt.env[k] }, true)
			if err != nil {
				t.Fatal(err)
			}
			if err := fs.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			if cfg.Neo4jRetryTime != tt.retry || cfg.Neo4jProbeInterval != tt.interval {
				t.Errorf("retry time %s, probe interval %s; want %s, %s",
					cfg.Neo4jRetryTime, cfg.Neo4jProbeInterval, tt.retry, tt.interval)
			}
		})
	}
}
