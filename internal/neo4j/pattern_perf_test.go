package neo4j_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/emnkg/emnkg/internal/neo4j"
	"github.com/emnkg/emnkg/internal/neo4jtest"
)

// patternDigest digests the node IDs of a page's rows as internal/bench
// does, so that answers can be compared with the benchmark's log.
func patternDigest(p *emnkg.PatternPage) string {
	h := sha256.New()
	for _, r := range p.Rows {
		for _, n := range r.Nodes {
			fmt.Fprint(h, n.ID, " ")
		}
		fmt.Fprintln(h)
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// TestPattern100k times patterns on the 100k-node synthetic graph (the
// median of several runs after a warm-up), among them the one
// internal/bench benchmarks, and logs the operators of each page query's
// plan and the answer's digest. It runs only when EnvPerf is set.
func TestPattern100k(t *testing.T) {
	if os.Getenv(EnvPerf) == "" {
		t.Skip("set " + EnvPerf + "=1 to load 100k nodes and time patterns")
	}
	s := openPerfStore(t, 100_000)
	c, ncp, d, g := emnkg.KindCountry, emnkg.KindNationalContactPoint, emnkg.KindDocument, emnkg.KindGlossaryTerm
	out, in, both := emnkg.DirectionOut, emnkg.DirectionIn, emnkg.DirectionBoth
	bench := emnkg.PatternQuery{
		NodeSteps: []emnkg.NodeStep{{Kind: c}, {Kind: ncp}, {Kind: d}, {Kind: g}},
		RelSteps: []emnkg.RelStep{
			{Types: []emnkg.RelType{emnkg.RelRepresents}, Direction: in},
			{Types: []emnkg.RelType{emnkg.RelContributedTo}, Direction: out},
			{Types: []emnkg.RelType{emnkg.RelUsesTerm}, Direction: out}},
		Limit: 50}
	deep := bench
	deep.Offset = 5000
	total := bench
	total.WithTotal = true
	docs := emnkg.PatternQuery{
		NodeSteps: []emnkg.NodeStep{{Kind: d}, {Kind: g}, {Kind: d}},
		RelSteps: []emnkg.RelStep{{Types: []emnkg.RelType{emnkg.RelUsesTerm}, Direction: out},
			{Types: []emnkg.RelType{emnkg.RelUsesTerm}, Direction: in}},
		Limit: 50}
	broader := emnkg.PatternQuery{
		NodeSteps: []emnkg.NodeStep{{Kind: g}, {Kind: g}},
		RelSteps:  []emnkg.RelStep{{Types: []emnkg.RelType{emnkg.RelBroader}, Direction: both, MinHops: 1, MaxHops: 3}},
		Limit:     50}
	for _, tt := range []struct {
		name string
		q    emnkg.PatternQuery
	}{{"bench", bench}, {"bench offset 5000", deep}, {"bench with total", total}, {"documents sharing a term", docs},
		{"broader 1..3 both", broader}} {
		var queries []string
		var params []map[string]any
		neo4j.SetQueryParamsHook(s, func(cypher string, p map[string]any) {
			queries, params = append(queries, cypher), append(params, p)
		})
		var times []time.Duration
		var page *emnkg.PatternPage
		for range 6 {
			start := time.Now()
			var err error
			if page, err = s.MatchPattern(t.Context(), tt.q); err != nil {
				t.Fatal(err)
			}
			times = append(times, time.Since(start))
		}
		neo4j.SetQueryParamsHook(s, nil)
		first := times[0]
		times = times[1:]
		slices.Sort(times)
		t.Logf("%s: %d rows, total %d, more %v, digest %s: cold %v, median %v, min %v, max %v", tt.name,
			len(page.Rows), page.TotalCount, page.HasMore, patternDigest(page), first, times[len(times)/2], times[0],
			times[len(times)-1])
		ops := neo4j.PlanOperators(neo4jtest.Exec(t, "EXPLAIN "+queries[0], params[0]).Summary.Plan())
		t.Logf("%s\n%s", queries[0], strings.Join(ops, " < "))
	}
}
