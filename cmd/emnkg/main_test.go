package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestHelpNamesEveryFlagAndVariable(t *testing.T) {
	for _, cmd := range []string{"serve", "migrate", "seed"} {
		t.Run(cmd, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := realMain(context.Background(), []string{cmd, "--help"}, env(nil), &stdout, &stderr)
			if !errors.Is(err, flag.ErrHelp) {
				t.Fatalf("err = %v, want flag.ErrHelp", err)
			}
			for _, want := range []string{"-data", "EMNKG_DATA", "-neo4j-uri", "NEO4J_URI", "NEO4J_PASSWORD", "NEO4J_DATABASE"} {
				if !strings.Contains(stderr.String(), want) {
					t.Errorf("help lacks %s:\n%s", want, stderr.String())
				}
			}
			if cmd == "serve" && !strings.Contains(stderr.String(), "EMNKG_CORS_ORIGINS") {
				t.Errorf("serve help lacks the CORS flag")
			}
		})
	}
	var stdout bytes.Buffer
	if err := realMain(context.Background(), []string{"--help"}, env(nil), &stdout, &stdout); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"serve", "migrate", "seed"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("usage lacks %s", want)
		}
	}
}

func TestBadInvocationsFailClearly(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"unknown command", []string{"frobnicate"}, nil, "unknown command"},
		{"bad duration in env", []string{"serve"}, map[string]string{"EMNKG_REQUEST_TIMEOUT": "soon"}, "EMNKG_REQUEST_TIMEOUT"},
		{"bad log format", []string{"migrate", "--data", "DATA"}, map[string]string{"EMNKG_LOG_FORMAT": "xml"}, "log format"},
		{"unreachable neo4j", []string{"migrate", "--neo4j-uri", "bolt://127.0.0.1:1"}, map[string]string{"NEO4J_PASSWORD": "s3cret-pw"}, "127.0.0.1:1"},
		{"unsupported neo4j scheme", []string{"migrate", "--neo4j-uri", "http://127.0.0.1:1"}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for i, a := range tt.args {
				if a == "DATA" {
					tt.args[i] = t.TempDir()
				}
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			var out bytes.Buffer
			err := realMain(ctx, tt.args, env(tt.env), &out, &out)
			if err == nil {
				t.Fatalf("no error")
			}
			line := describe(err)
			if strings.Contains(line, "\n") || strings.Contains(line, "goroutine") {
				t.Errorf("not one clear line: %q", line)
			}
			if !strings.Contains(line, tt.want) {
				t.Errorf("message %q lacks %q", line, tt.want)
			}
			if strings.Contains(line, "s3cret-pw") || strings.Contains(out.String(), "s3cret-pw") {
				t.Errorf("password leaked: %q", line)
			}
		})
	}
}

func TestServeAnswersFromTheEmbeddedStore(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- realMain(ctx, []string{"serve", "--addr", addr, "--data", t.TempDir()}, env(nil), io.Discard, io.Discard)
	}()
	deadline := time.Now().Add(30 * time.Second)
	var body string
	for time.Now().Before(deadline) {
		resp, err := http.Post("http://"+addr+"/graphql", "application/json",
			strings.NewReader(`{"query":"{ node(id: \"NO\") { id displayName } }"}`))
		if err == nil {
			var b bytes.Buffer
			b.ReadFrom(resp.Body)
			resp.Body.Close()
			body = b.String()
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve returned %v", err)
	}
	if !strings.Contains(body, `"displayName":"Norway"`) {
		t.Errorf("first query answered %q, want Norway from the factual dataset", body)
	}
}
