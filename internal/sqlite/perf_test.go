package sqlite

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/emnkg/emnkg/internal/synth"
)

// perfDirEnv names a directory that keeps the synthetic 100k-node store
// between runs of TestNeighbourhood100k, which runs only when it is set:
//
//	EMNKG_SQLITE_PERF_DIR=/tmp/emnkg-perf go test -run Neighbourhood100k -v ./internal/sqlite/
//
// The first run loads the graph (a minute or two); later ones reuse it.
const perfDirEnv = "EMNKG_SQLITE_PERF_DIR"

// neighbourhoodBudget is the latency budget of a depth-2 neighbourhood of
// at most 500 nodes on the 100k-node graph.
const neighbourhoodBudget = 20 * time.Millisecond

// openPerfStore opens the store in the perf directory holding the
// synthetic graph of n nodes, built as internal/bench builds it (seed 1,
// batches of 5000), loading it first when needed.
func openPerfStore(tb testing.TB, n int) *Store {
	tb.Helper()
	dir := os.Getenv(perfDirEnv)
	if dir == "" {
		tb.Skipf("set %s to run the 100k-node performance test", perfDirEnv)
	}
	s := openTestStore(tb, filepath.Join(dir, fmt.Sprintf("synth-%d", n)))
	ns, err := s.GetNodes(context.Background(), []string{synth.DocumentID(0)})
	if err != nil {
		tb.Fatal(err)
	}
	if len(ns) == 1 {
		return s
	}
	start := time.Now()
	err = synth.Generate(n, 1, func(g *emnkg.Graph) error {
		_, err := s.ImportGraph(context.Background(), g)
		return err
	}, 5000)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Logf("loaded %d nodes in %v", n, time.Since(start))
	return s
}

// TestNeighbourhood100k measures depth-2 neighbourhoods capped at 500
// nodes on the synthetic 100k-node graph, from a typical document, an NCP
// (a hub), a glossary term and a country, and reports each median (after
// a warm-up) beside neighbourhoodBudget. It only prints figures.
func TestNeighbourhood100k(t *testing.T) {
	s := openPerfStore(t, 100_000)
	ctx := t.Context()
	for _, id := range []string{synth.DocumentID(1000), synth.NCPID(0), synth.TermID(10), synth.CountryID(3)} {
		var times []time.Duration
		var sg *emnkg.Subgraph
		for i := range 12 {
			start := time.Now()
			var err error
			sg, err = emnkg.Neighbourhood(ctx, s, emnkg.NeighbourhoodQuery{IDs: []string{id}, Depth: 2, Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			if i > 0 {
				times = append(times, time.Since(start))
			}
		}
		slices.Sort(times)
		median := times[len(times)/2]
		// A figure to read, not a check: timings depend on the machine.
		t.Logf("%s: %d nodes, %d edges: median %v (min %v, max %v; budget %v)", id, len(sg.Nodes), len(sg.Edges),
			median, times[0], times[len(times)-1], neighbourhoodBudget)
	}
}
