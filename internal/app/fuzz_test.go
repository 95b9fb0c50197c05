package app

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzReadConfigFile feeds arbitrary JSON and YAML files to the config
// file parser: it never panics.
func FuzzReadConfigFile(f *testing.F) {
	f.Add(`{"addr": "127.0.0.1:9000", "cors-origins": ["https://a.example"]}`, false)
	f.Add("addr: 127.0.0.1:9000\nmetrics: false\n", true)
	f.Add(`{"nope": 1}`, false)
	f.Add("- [a: {b", true)
	f.Fuzz(func(t *testing.T, content string, yaml bool) {
		name := "c.json"
		if yaml {
			name = "c.yaml"
		}
		path := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		_, _ = ReadConfigFile(path)
	})
}
