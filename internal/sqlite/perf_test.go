package sqlite

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/emnkg/emnkg/internal/synth"
)

// perfDirEnv names a directory that keeps the 100k-node store between runs
// of TestNeighbourhood100k; without it the test builds the store in a
// temporary directory.
const perfDirEnv = "EMNKG_SQLITE_PERF_DIR"

// openPerfStore opens a store holding the synthetic graph of n nodes, built
// as internal/bench builds it (seed 1, batches of 5000).
func openPerfStore(tb testing.TB, n int) *Store {
	tb.Helper()
	dir := os.Getenv(perfDirEnv)
	if dir == "" {
		dir = tb.TempDir()
	}
	dir = filepath.Join(dir, "synth-"+time.Duration(n).String())
	s := openTestStore(tb, dir)
	st, err := s.Stats(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	total := 0
	for _, c := range st.NodesByKind {
		total += c
	}
	if total >= n {
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

// TestNeighbourhood100k checks the latency budget of a depth-2
// neighbourhood capped at 500 nodes on a 100k-node graph: under 20 ms (the
// median of several runs, after a warm-up), for a typical node and a hub.
// It loads 100k nodes, so it runs only without -short.
func TestNeighbourhood100k(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 100k nodes")
	}
	s := openPerfStore(t, 100_000)
	ctx := t.Context()
	for _, id := range []string{synth.DocumentID(1000), synth.NCPID(0), synth.TermID(10), synth.CountryID(3)} {
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
		sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
		t.Logf("%s: %d nodes, %d edges, truncated %v: median %v, min %v, max %v",
			id, len(sg.Nodes), len(sg.Edges), sg.Truncated, times[len(times)/2], times[0], times[len(times)-1])
	}
}
