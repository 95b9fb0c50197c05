package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/emnkg/emnkg/internal/app"
)

// effective runs 'emnkg config' with args and env and returns each
// setting's value and source as printed.
func effective(t *testing.T, args []string, environ map[string]string) (map[string][2]string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if err := realMain(context.Background(), append([]string{"config"}, args...), env(environ), &stdout, &stderr); err != nil {
		t.Fatalf("emnkg config: %v\n%s", err, stderr.String())
	}
	rows := map[string][2]string{}
	cols := regexp.MustCompile(`\s{2,}`)
	for _, line := range strings.Split(strings.TrimSpace(stdout.String()), "\n")[2:] {
		f := cols.Split(strings.TrimSpace(line), 3)
		if len(f) != 3 {
			t.Fatalf("malformed line %q", line)
		}
		if f[1] == `""` {
			f[1] = ""
		}
		rows[f[0]] = [2]string{f[1], f[2]}
	}
	return rows, stdout.String() + stderr.String()
}

// writeFile writes a file named name in dir and returns its path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestConfigPrecedence(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, dir, "emnkg.json", `{"addr": "127.0.0.1:1001", "data": "/file/data", "max-query-depth": 12,
		"cors-origins": ["https://a.example.org", "https://b.example.org"], "introspection": false, "log-level": null}`)
	other := writeFile(t, dir, "other.json", `{"addr": "127.0.0.1:1002"}`)
	yml := writeFile(t, dir, "emnkg.yaml", "addr: 127.0.0.1:1003\nmetrics: false\nrequest-timeout: 5s\ncors-origins:\n  - https://y.example.org\n")
	type row = [2]string
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want map[string]row
	}{
		{"defaults", nil, nil, map[string]row{
			"config": {"", "default"}, "addr": {"127.0.0.1:8080", "default"}, "data": {"./data", "default"},
			"max-query-depth": {"10", "default"}, "introspection": {"true", "default"}, "cors-origins": {"", "default"}}},
		{"file over defaults", []string{"--config", file}, nil, map[string]row{
			"config":           {file, "flag --config"},
			"addr":             {"127.0.0.1:1001", "file " + file},
			"data":             {"/file/data", "file " + file},
			"max-query-depth":  {"12", "file " + file},
			"introspection":    {"false", "file " + file},
			"cors-origins":     {"https://a.example.org,https://b.example.org", "file " + file},
			"log-level":        {"info", "default"},
			"shutdown-timeout": {"15s", "default"}}},
		{"file named by the environment", nil, map[string]string{"EMNKG_CONFIG": file}, map[string]row{
			"config": {file, "env EMNKG_CONFIG"}, "addr": {"127.0.0.1:1001", "file " + file}}},
		{"environment over file", []string{"--config", file}, map[string]string{"EMNKG_ADDR": "127.0.0.1:2001", "EMNKG_MAX_QUERY_DEPTH": "3"},
			map[string]row{"addr": {"127.0.0.1:2001", "env EMNKG_ADDR"}, "max-query-depth": {"3", "env EMNKG_MAX_QUERY_DEPTH"},
				"data": {"/file/data", "file " + file}}},
		{"flag over environment and file", []string{"--config", file, "--addr", "127.0.0.1:3001", "--introspection=true"},
			map[string]string{"EMNKG_ADDR": "127.0.0.1:2001"},
			map[string]row{"addr": {"127.0.0.1:3001", "flag --addr"}, "introspection": {"true", "flag --introspection"},
				"data": {"/file/data", "file " + file}}},
		{"flag before --config still wins", []string{"--addr", "127.0.0.1:3001", "--config", file},
			nil, map[string]row{"addr": {"127.0.0.1:3001", "flag --addr"}, "data": {"/file/data", "file " + file}}},
		{"--config over EMNKG_CONFIG, whose values are dropped", []string{"--config", other}, map[string]string{"EMNKG_CONFIG": file},
			map[string]row{"config": {other, "flag --config"}, "addr": {"127.0.0.1:1002", "file " + other},
				"data": {"./data", "default"}, "max-query-depth": {"10", "default"}}},
		{"YAML file", []string{"--config", yml}, nil, map[string]row{
			"addr": {"127.0.0.1:1003", "file " + yml}, "metrics": {"false", "file " + yml},
			"request-timeout": {"5s", "file " + yml}, "cors-origins": {"https://y.example.org", "file " + yml}}},
		{"empty environment value is unset", []string{"--config", file}, map[string]string{"EMNKG_ADDR": ""},
			map[string]row{"addr": {"127.0.0.1:1001", "file " + file}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, out := effective(t, tt.args, tt.env)
			for name, want := range tt.want {
				if got, ok := rows[name]; !ok || got != want {
					t.Errorf("%s = %q, want %q\n%s", name, got, want, out)
				}
			}
			if len(rows) < 30 {
				t.Errorf("only %d settings printed:\n%s", len(rows), out)
			}
		})
	}
}

func TestConfigRedactsSecrets(t *testing.T) {
	dir := t.TempDir()
	const pw, jwt, tok = "neo4j-pw-0xdeadbeef", "jwt-secret-that-is-long-enough-0123456789", "tok-abcdef123"
	file := writeFile(t, dir, "emnkg.json", `{"jwt-secret": "`+jwt+`", "neo4j-uri": "neo4j://reader:`+pw+`@db.example.org:7687"}`)
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		secrets []string
		want    map[string][2]string
	}{
		{"password from the environment", nil, map[string]string{"NEO4J_PASSWORD": pw}, []string{pw},
			map[string][2]string{"neo4j-password": {app.Redacted, "env NEO4J_PASSWORD"}}},
		{"password from a flag", []string{"--neo4j-password", pw}, nil, []string{pw},
			map[string][2]string{"neo4j-password": {app.Redacted, "flag --neo4j-password"}}},
		{"JWT secret and URL password from the file", []string{"--config", file}, nil, []string{pw, jwt},
			map[string][2]string{"jwt-secret": {app.Redacted, "file " + file},
				"neo4j-uri": {"neo4j://reader:" + app.Redacted + "@db.example.org:7687", "file " + file}}},
		{"token in a URL's query", []string{"--jwks-url", "https://idp.example.org/jwks?access_token=" + tok + "&v=2"}, nil, []string{tok},
			map[string][2]string{"jwks-url": {"https://idp.example.org/jwks?access_token=" + app.Redacted + "&v=2", "flag --jwks-url"}}},
		{"unset secrets stay visibly unset", nil, nil, nil,
			map[string][2]string{"neo4j-password": {"", "default"}, "jwt-secret": {"", "default"}}},
		{"non-secrets named like secrets are shown", []string{"--cors-credentials", "--max-query-tokens", "99"}, nil, nil,
			map[string][2]string{"cors-credentials": {"true", "flag --cors-credentials"}, "max-query-tokens": {"99", "flag --max-query-tokens"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, out := effective(t, tt.args, tt.env)
			for _, s := range tt.secrets {
				if strings.Contains(out, s) {
					t.Errorf("output shows the secret %q:\n%s", s, out)
				}
			}
			for name, want := range tt.want {
				if got := rows[name]; got != want {
					t.Errorf("%s = %q, want %q", name, got, want)
				}
			}
		})
	}
}

func TestConfigFileErrors(t *testing.T) {
	dir := t.TempDir()
	const pw = "secret-value-42"
	tests := []struct {
		name, file, content string
		viaEnv              bool
		want                string
	}{
		{"unknown key", "a.json", `{"adr": "127.0.0.1:1"}`, false, `unknown key "adr"`},
		{"unknown key via the environment", "a.json", `{"adr": "127.0.0.1:1"}`, true, `unknown key "adr"`},
		{"bad value", "b.json", `{"request-timeout": "soon"}`, false, `"request-timeout"`},
		{"bad value of a setting serve alone takes", "c.json", `{"max-query-depth": "deep"}`, true, `"max-query-depth"`},
		{"not an object", "d.json", `["addr"]`, false, "not a valid JSON object"},
		{"two values", "e.json", `{} {}`, false, "more than one JSON value"},
		{"nested object", "f.json", `{"addr": {"host": "x"}}`, false, `"addr"`},
		{"bad YAML", "g.yaml", "addr: [unclosed\n", false, "not valid YAML"},
		{"missing file", "missing.json", "", false, "missing.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, tt.file)
			if tt.content != "" {
				path = writeFile(t, dir, tt.file, tt.content)
			}
			for _, cmd := range []string{"config", "migrate"} {
				args, environ := []string{cmd, "--config", path}, map[string]string{"NEO4J_PASSWORD": pw}
				if tt.viaEnv {
					args, environ["EMNKG_CONFIG"] = []string{cmd}, path
				}
				args = append(args, "--data", filepath.Join(dir, "never-created"))
				var out bytes.Buffer
				err := realMain(context.Background(), args, env(environ), &out, &out)
				if err == nil || errors.Is(err, flag.ErrHelp) {
					t.Fatalf("%s: err = %v, want an error", cmd, err)
				}
				if line := describe(err); !strings.Contains(line, tt.want) || strings.Contains(line, "\n") {
					t.Errorf("%s: error %q lacks %q", cmd, line, tt.want)
				}
				if strings.Contains(out.String()+err.Error(), pw) {
					t.Errorf("%s: the password leaked", cmd)
				}
			}
			if _, err := os.Stat(filepath.Join(dir, "never-created")); err == nil {
				t.Errorf("a command ran despite the bad file")
			}
		})
	}
}

func TestConfigFileReachesTheStore(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "from-file")
	file := writeFile(t, dir, "emnkg.yaml", "data: "+data+"\nlog-level: warn\n")
	var out bytes.Buffer
	if err := realMain(context.Background(), []string{"migrate", "--config", file}, env(nil), &out, &out); err != nil {
		t.Fatalf("migrate: %v\n%s", err, out.String())
	}
	if _, err := os.Stat(filepath.Join(data, "emnkg.db")); err != nil {
		t.Errorf("the store is not in the file's data directory: %v", err)
	}
	if strings.Contains(out.String(), "store migrated") {
		t.Errorf("log-level warn from the file was not applied:\n%s", out.String())
	}
}

func TestHelpStatesThePrecedence(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if err := realMain(context.Background(), []string{"serve", "--help"}, env(nil), &stdout, &stderr); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("err = %v", err)
	}
	for _, want := range []string{"-config", "EMNKG_CONFIG", app.Precedence} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("serve help lacks %q", want)
		}
	}
	stdout.Reset()
	if err := realMain(context.Background(), []string{"--help"}, env(nil), &stdout, &stdout); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout.String(), "config ") {
		t.Errorf("usage lacks the config command:\n%s", stdout.String())
	}
}
