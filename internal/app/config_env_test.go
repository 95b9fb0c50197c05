package app

import (
	"flag"
	"io"
	"testing"
)

func TestEnvProductionImpliesProductionMode(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		env      map[string]string
		wantProd bool
		wantErr  bool
	}{
		{"default", nil, nil, false, false},
		{"flag", []string{"--env", "production"}, nil, true, false},
		{"environment", nil, map[string]string{"EMNKG_ENV": "production"}, true, false},
		{"development", []string{"--env", "development"}, nil, false, false},
		{"unknown", []string{"--env", "staging"}, nil, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := flag.NewFlagSet("test", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			cfg, err := BindFlags(fs, func(k string) string { return tt.env[k] }, false)
			if err == nil {
				err = fs.Parse(tt.args)
			}
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if err == nil && cfg.Production != tt.wantProd {
				t.Errorf("Production = %v, want %v", cfg.Production, tt.wantProd)
			}
		})
	}
}
