package neo4j_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/emnkg/emnkg/internal/neo4j"
	"github.com/emnkg/emnkg/internal/synth"
)

// timedReader is an emnkg.GraphReader that records the time of each call
// of the methods a neighbourhood uses.
type timedReader struct {
	*neo4j.Store
	mu    sync.Mutex
	calls []string
	times []time.Duration
}

func (r *timedReader) record(name string, start time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, name)
	r.times = append(r.times, time.Since(start))
}

func (r *timedReader) GetNodes(ctx context.Context, ids []string) ([]*emnkg.Node, error) {
	defer r.record(fmt.Sprintf("GetNodes(%d)", len(ids)), time.Now())
	return r.Store.GetNodes(ctx, ids)
}

func (r *timedReader) Neighbours(ctx context.Context, q emnkg.ExpandQuery) ([]string, error) {
	defer r.record(fmt.Sprintf("Neighbours(%d)", len(q.NodeIDs)), time.Now())
	return r.Store.Neighbours(ctx, q)
}

func (r *timedReader) EdgesAmong(ctx context.Context, ids []string, types []emnkg.RelType) ([]*emnkg.Edge, error) {
	defer r.record(fmt.Sprintf("EdgesAmong(%d)", len(ids)), time.Now())
	return r.Store.EdgesAmong(ctx, ids, types)
}

// TestExploreNeighbourhoodCalls100k logs, for depth-2 neighbourhoods
// capped at 500 nodes on the 100k-node graph of TestNeighbourhood100k, the
// median time of each store call (after a warm-up). With
// EMNKG_EXPLORE_DUMP set to a file name it also writes the queries of the
// last run and their parameters there, as JSON lines, to PROFILE them. It
// runs only when EnvPerf is set.
func TestExploreNeighbourhoodCalls100k(t *testing.T) {
	if os.Getenv(EnvPerf) == "" {
		t.Skip("set " + EnvPerf + "=1 to load 100k nodes and time neighbourhood calls")
	}
	s := openPerfStore(t, 100_000)
	ctx := t.Context()
	var dump []recordedQuery
	for _, id := range []string{synth.DocumentID(500), synth.DocumentID(1000), synth.TermID(10), synth.NCPID(0), synth.CountryID(3)} {
		const runs = 11
		var totals []time.Duration
		perCall := map[string][]time.Duration{}
		var order []string
		for i := range runs {
			r := &timedReader{Store: s}
			var queries []recordedQuery
			if i == runs-1 {
				neo4j.SetQueryParamsHook(s, func(cypher string, params map[string]any) {
					queries = append(queries, recordedQuery{cypher, params})
				})
			}
			start := time.Now()
			_, err := emnkg.Neighbourhood(ctx, r, emnkg.NeighbourhoodQuery{IDs: []string{id}, Depth: 2, Limit: 500})
			totals = append(totals, time.Since(start))
			neo4j.SetQueryParamsHook(s, nil)
			if err != nil {
				t.Fatal(err)
			}
			dump = append(dump, queries...)
			// The last calls run at the same time and may end in either
			// order: a call is known by its name and how many calls of
			// that name came before it.
			seen := map[string]int{}
			for j, c := range r.calls {
				seen[c]++
				key := fmt.Sprintf("%s#%d", c, seen[c])
				if _, ok := perCall[key]; !ok {
					order = append(order, key)
				}
				perCall[key] = append(perCall[key], r.times[j])
			}
		}
		var parts []string
		for _, key := range order {
			times := perCall[key]
			if len(times) > 1 { // the first run warms up
				times = times[1:]
			}
			parts = append(parts, fmt.Sprintf("%s %v", key, median(times)))
		}
		t.Logf("%s: median %v (min %v): %s", id, median(totals[1:]), slices.Min(totals[1:]), strings.Join(parts, ", "))
	}
	if name := os.Getenv("EMNKG_EXPLORE_DUMP"); name != "" {
		f, err := os.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		enc := json.NewEncoder(f)
		for _, q := range dump {
			if err := enc.Encode(map[string]any{"cypher": q.cypher, "params": q.params}); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// median returns the median of ds.
func median(ds []time.Duration) time.Duration {
	ds = slices.Clone(ds)
	slices.Sort(ds)
	return ds[len(ds)/2]
}
