package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"strings"
	"testing"
	"time"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/emnkg/emnkg/internal/sqlite"
	"github.com/emnkg/emnkg/internal/synth"
)

// runGenerate runs the generate command with args and returns its output.
func runGenerate(t *testing.T, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	err := realMain(ctx, append([]string{"generate"}, args...), env(nil), &stdout, &stderr)
	return stdout.String() + stderr.String(), err
}

func TestGenerateImportsASyntheticGraph(t *testing.T) {
	dir := t.TempDir()
	out, err := runGenerate(t, "--data", dir, "--nodes", "2000", "--seed", "5", "--batch", "500")
	if err != nil {
		t.Fatalf("generate: %v\n%s", err, out)
	}
	for _, want := range []string{"batch 4: 2000/2000 nodes", "2000 nodes (2000 created", `synthetic: emnkg generate seed=5`} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	// A second run changes nothing.
	out, err = runGenerate(t, "--data", dir, "--nodes", "2000", "--seed", "5")
	if err != nil {
		t.Fatalf("second generate: %v\n%s", err, out)
	}
	if !strings.Contains(out, "2000 nodes (0 created, 0 updated, 2000 unchanged)") ||
		!strings.Contains(out, "0 created, 0 updated, ") {
		t.Errorf("second run changed the store:\n%s", out)
	}

	ctx := context.Background()
	s, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	stats, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	nodes, edges := 0, 0
	for _, n := range stats.NodesByKind {
		nodes += n
	}
	for _, n := range stats.EdgesByType {
		edges += n
	}
	if nodes != 2000 || edges < 9000 || edges > 11000 {
		t.Errorf("store holds %d nodes and %d relationships, want 2000 and about 10000", nodes, edges)
	}
	got, err := s.GetNodes(ctx, []string{synth.NCPID(0), synth.CountryID(0)})
	if err != nil || len(got) != 2 {
		t.Fatalf("GetNodes: %v, %d nodes", err, len(got))
	}
	for _, n := range got {
		if n.Props["synthetic"] != true || n.String("source") != synth.Source(5) {
			t.Errorf("%s is not marked synthetic: %v", n.ID, n.Props)
		}
	}
	page, err := s.FindRelated(ctx, emnkg.RelatedQuery{NodeIDs: []string{synth.NCPID(0)}, Type: emnkg.RelHostedBy,
		Direction: emnkg.DirectionOut, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if items := page[synth.NCPID(0)].Items; len(items) == 0 || items[0].Edge.Props["since"] == nil {
		t.Errorf("the first NCP has no dated host: %+v", items)
	}
}

func TestGenerateFlags(t *testing.T) {
	out, err := runGenerate(t, "--help")
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("err = %v, want flag.ErrHelp", err)
	}
	for _, want := range []string{"-nodes", "-seed", "-batch", "-data", "-neo4j-uri"} {
		if !strings.Contains(out, want) {
			t.Errorf("help lacks %s:\n%s", want, out)
		}
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--nodes", "10"}, "--nodes must be at least"},
		{[]string{"--nodes", "1000", "--batch", "0"}, "--batch must be between"},
		{[]string{"--nodes", "lots"}, "invalid value"},
	} {
		out, err := runGenerate(t, append(tt.args, "--data", t.TempDir())...)
		if err == nil || !strings.Contains(describe(err)+out, tt.want) {
			t.Errorf("%v: err = %v, output %q; want %q", tt.args, err, out, tt.want)
		}
	}
}
