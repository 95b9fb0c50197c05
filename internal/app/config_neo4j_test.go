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
// --neo4j-retry-time, --neo4j-probe-interval and --neo4j-hold-time,
// which every command takes (they are store settings).
func TestNeo4jResilienceSettings(t *testing.T) {
	file := filepath.Join(t.TempDir(), "emnkg.json")
	if err := os.WriteFile(file, []byte(`{"neo4j-retry-time": "3s", "neo4j-probe-interval": "2s", "neo4j-hold-time": "12s"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	type want struct{ retry, interval, hold time.Duration }
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want want
	}{
		{"defaults", nil, nil, want{5 * time.Second, time.Second, 20 * time.Second}},
		{"file", []string{"--config", file}, nil, want{3 * time.Second, 2 * time.Second, 12 * time.Second}},
		{"environment over file", []string{"--config", file},
			map[string]string{"EMNKG_NEO4J_RETRY_TIME": "4s", "EMNKG_NEO4J_HOLD_TIME": "0s"},
			want{4 * time.Second, 2 * time.Second, 0}},
		{"flags over environment", []string{"--neo4j-retry-time", "1500ms", "--neo4j-probe-interval", "250ms",
			"--neo4j-hold-time", "15s"},
			map[string]string{"EMNKG_NEO4J_RETRY_TIME": "4s", "EMNKG_NEO4J_PROBE_INTERVAL": "3s",
				"EMNKG_NEO4J_HOLD_TIME": "1s"},
			want{1500 * time.Millisecond, 250 * time.Millisecond, 15 * time.Second}},
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
			got := want{cfg.Neo4jRetryTime, cfg.Neo4jProbeInterval, cfg.Neo4jHoldTime}
			if got != tt.want {
				t.Errorf("retry time, probe interval, hold time: %v; want %v", got, tt.want)
			}
		})
	}
}
