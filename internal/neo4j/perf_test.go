package neo4j_test

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/emnkg/emnkg/internal/neo4j"
	"github.com/emnkg/emnkg/internal/neo4jtest"
	"github.com/emnkg/emnkg/internal/synth"
)

// EnvPerf, when set, makes TestNeighbourhood100k run: it loads 100k nodes
// (and keeps them for its next run, unless another test wipes them).
const EnvPerf = "EMNKG_NEO4J_PERF"

// perfBudget is the latency budget of a depth-2 neighbourhood capped at
// 500 nodes on a 100k-node graph.
const perfBudget = 20 * time.Millisecond

// openPerfStore returns a store holding the synthetic graph of n nodes
// built as internal/bench builds it (seed 1, batches of 5000), loading it
// unless the database holds it already.
func openPerfStore(t *testing.T, n int) *neo4j.Store {
	t.Helper()
	cfg := neo4jtest.Config(t)
	neo4jtest.Lock(t)
	ctx := context.Background()
	s, err := neo4j.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, c := range st.NodesByKind {
		total += c
	}
	if found, err := s.GetNodes(ctx, []string{synth.NCPID(0)}); err == nil && len(found) == 1 && total == n {
		return s
	}
	if err := neo4jtest.Wipe(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err = synth.Generate(n, 1, func(g *emnkg.Graph) error {
		_, err := s.ImportGraph(ctx, g)
		return err
	}, 5000)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("loaded %d nodes in %v", n, time.Since(start))
	return s
}

// TestNeighbourhood100k prints, beside the latency budget, the time of a
// depth-2 neighbourhood capped at 500 nodes on a 100k-node graph (the
// median of several runs, after a warm-up) for a typical node and hubs.
// It runs only when EnvPerf is set.
func TestNeighbourhood100k(t *testing.T) {
	if os.Getenv(EnvPerf) == "" {
		t.Skip("set " + EnvPerf + "=1 to load 100k nodes and time neighbourhoods")
	}
	s := openPerfStore(t, 100_000)
	ctx := t.Context()
	for _, id := range []string{synth.DocumentID(1000), synth.TermID(10), synth.NCPID(0), synth.CountryID(3)} {
		var times []time.Duration
		var sg *emnkg.Subgraph
		for range 11 {
			start := time.Now()
			var err error
			sg, err = emnkg.Neighbourhood(ctx, s, emnkg.NeighbourhoodQuery{IDs: []string{id}, Depth: 2, Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			times = append(times, time.Since(start))
		}
		slices.Sort(times)
		median := times[len(times)/2]
		// A figure to read, not a check: timings depend on the machine.
		t.Logf("%s: %d nodes, %d edges, truncated %v: median %v, min %v, max %v (budget %v)",
			id, len(sg.Nodes), len(sg.Edges), sg.Truncated, median, times[0], times[len(times)-1], perfBudget)
	}
}
