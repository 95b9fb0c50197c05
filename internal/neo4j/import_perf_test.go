package neo4j_test

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/emnkg/emnkg/internal/neo4j"
	"github.com/emnkg/emnkg/internal/neo4jtest"
	"github.com/emnkg/emnkg/internal/synth"
)

// EnvImportPerf, when set to a node count, makes TestImportProfile load a
// synthetic graph of that many nodes (as internal/bench does: seed 1,
// batches of 5000) into a wiped database.
const EnvImportPerf = "EMNKG_NEO4J_IMPORT_PERF"

// queryClass names a query for the import profile: its first words, with
// backticked names (labels and types) and parameter numbers replaced, so
// that the queries of one shape add up.
func queryClass(cypher string) string {
	var b strings.Builder
	inName, inParam := false, false
	for _, r := range cypher {
		switch {
		case r == '`':
			if !inName {
				b.WriteString("T")
			}
			inName = !inName
		case inName:
		case r == '$':
			inParam = true
			b.WriteRune(r)
		case inParam && r >= '0' && r <= '9':
		default:
			inParam = inParam && (r >= 'a' && r <= 'z')
			b.WriteRune(r)
		}
	}
	s := b.String()
	if len(s) > 110 {
		s = s[:110]
	}
	return s
}

// TestImportProfile loads the synthetic graph of EnvImportPerf nodes and
// logs the load time and where it went, query shape by query shape (the
// time until the next query starts, or the import ends, counts for a
// query). It runs only when EnvImportPerf is set.
func TestImportProfile(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv(EnvImportPerf))
	if n == 0 {
		t.Skip("set " + EnvImportPerf + "=<nodes> to profile the import of a synthetic graph")
	}
	s := neo4jtest.NewStore(t)
	type stat struct {
		calls int
		d     time.Duration
	}
	stats := map[string]*stat{}
	var last string
	var lastAt time.Time
	account := func(now time.Time) {
		if last == "" {
			return
		}
		st := stats[last]
		if st == nil {
			st = &stat{}
			stats[last] = st
		}
		st.calls++
		st.d += now.Sub(lastAt)
	}
	neo4j.SetQueryHook(s, func(cypher string) {
		now := time.Now()
		account(now)
		last, lastAt = queryClass(cypher), now
	})
	ctx := context.Background()
	nodes, edges := 0, 0
	start := time.Now()
	err := synth.Generate(n, 1, func(g *emnkg.Graph) error {
		nodes += len(g.Nodes)
		edges += len(g.Edges)
		_, err := s.ImportGraph(ctx, g)
		if last != "" {
			// The last query ran, and the transaction committed.
			last = "(last query and commit) " + last
		}
		account(time.Now())
		last = ""
		return err
	}, 5000)
	if err != nil {
		t.Fatal(err)
	}
	total := time.Since(start)
	neo4j.SetQueryHook(s, nil)
	t.Logf("LOAD nodes=%d relationships=%d seconds=%.1f", nodes, edges, total.Seconds())
	names := make([]string, 0, len(stats))
	for name := range stats {
		names = append(names, name)
	}
	slices.SortFunc(names, func(a, b string) int { return cmp.Compare(stats[b].d, stats[a].d) })
	for _, name := range names {
		t.Log(fmt.Sprintf("%8.1fs %6d  %s", stats[name].d.Seconds(), stats[name].calls, name))
	}
}
