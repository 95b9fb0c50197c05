package storetest_test

import (
	"os"
	"strconv"
	"testing"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/emnkg/emnkg/internal/storetest"
	"github.com/emnkg/emnkg/internal/synth"
)

// TestSearchCandidatesKeepTheBestHits searches words of a synthetic graph
// that thousands of nodes hold, more than search ranks: ranking the
// candidates in the order of the SearchCandidates contract (the reference
// store's) must give the best hit that ranking every match gives. It logs,
// for each query, at how many of the first 20 and 100 places the two
// rankings have a hit of the same score. The graph has 10,000 nodes, or
// EMNKG_SEARCH_QUALITY_NODES (docs/benchmarks.md has the figures at
// 100,000).
func TestSearchCandidatesKeepTheBestHits(t *testing.T) {
	size := 10000
	if v := os.Getenv("EMNKG_SEARCH_QUALITY_NODES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			t.Fatalf("EMNKG_SEARCH_QUALITY_NODES: %v", err)
		}
		size = n
	}
	m := storetest.NewMemStore()
	var nodes []*emnkg.Node
	err := synth.Generate(size, 1, func(g *emnkg.Graph) error {
		nodes = append(nodes, g.Nodes...)
		_, err := m.ImportGraph(t.Context(), g)
		return err
	}, 5000)
	if err != nil {
		t.Fatal(err)
	}
	queries := []string{synth.Word("en", 0), synth.Word("en", 1), synth.Word("en", 5), synth.Word("de", 3),
		synth.Word("en", 400), synth.Word("en", 0) + " " + synth.Word("en", 2)}
	for _, q := range queries {
		tokens := emnkg.Tokenize(q)
		var matches []*emnkg.Node
		for _, n := range nodes {
			if _, ok := emnkg.SearchWordsOf(n).Tier(tokens); ok {
				matches = append(matches, n)
			}
		}
		exact := emnkg.RankSearch(matches, q, nil)
		set, err := m.SearchCandidates(t.Context(), emnkg.SearchCandidatesQuery{Tokens: tokens, Limit: emnkg.MaxSearchLimit})
		if err != nil {
			t.Fatal(err)
		}
		if set.More != (len(matches) > emnkg.MaxSearchLimit) {
			t.Errorf("%q: More = %v with %d matches", q, set.More, len(matches))
		}
		got := emnkg.RankSearch(set.Nodes, q, nil)
		sameScore := func(k int) int {
			same := 0
			for i := range min(k, len(got), len(exact)) {
				if got[i].Score == exact[i].Score {
					same++
				}
			}
			return same
		}
		t.Logf("%d nodes, %q: %d matches; hits of the score ranking every match gives at %d of the first 20 places, %d of 100",
			size, q, len(matches), sameScore(20), sameScore(100))
		if len(exact) > 0 && (len(got) == 0 || got[0].Score != exact[0].Score) {
			t.Errorf("%q: the best hit ranked from the candidates scores %v, from every match %v (%s, %s)",
				q, got[0].Score, exact[0].Score, got[0].Field, exact[0].Field)
		}
	}
}
