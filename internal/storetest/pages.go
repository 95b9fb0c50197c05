package storetest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// testFindNodesPagesAgainstReference pages through organisations of which
// some lack the properties sorted on and many share values, with every
// offset around the nodes that have a value and those that do not, in
// both directions, filtered or not, and compares each page with the
// reference model's. A store that reads pages in index order (and the
// nodes without the property apart) must cut and join them exactly.
func testFindNodesPagesAgainstReference(t *testing.T, s emnkg.Store) {
	r := rand.New(rand.NewPCG(5, 8))
	g := &emnkg.Graph{}
	for i := range 23 {
		p := map[string]any{"synthetic": true}
		if r.IntN(5) > 0 {
			p["name"] = []string{"Alpha", "Beta", "beta", "Gamma"}[r.IntN(4)]
		}
		if r.IntN(3) > 0 {
			p["countryCode"] = []string{"AT", "BE", "NO"}[r.IntN(3)]
		}
		if r.IntN(3) > 0 {
			p["kind"] = []string{"agency", "ministry"}[r.IntN(2)]
		}
		g.Nodes = append(g.Nodes, &emnkg.Node{ID: fmt.Sprintf("syn-pg-%02d", (i*7)%23), Kind: emnkg.KindOrganisation, Props: p})
	}
	importGraph(t, s, g)
	ref := NewMemStore()
	defer ref.Close()
	importGraph(t, ref, g)

	asc := func(f string) emnkg.SortField { return emnkg.SortField{Field: f} }
	sorts := [][]emnkg.SortField{
		nil,
		{asc("id")},
		{asc("countryCode")},
		{desc("countryCode")},
		{asc("countryCode"), desc("name")},
		{asc("kind"), asc("countryCode"), asc("name")},
		{asc("name")},
		{desc("name"), asc("countryCode")},
		{desc("kind")},
	}
	filters := []*emnkg.Filter{nil, eq("kind", "agency"), eq("synthetic", true)}
	for _, sort := range sorts {
		for _, filter := range filters {
			for _, limit := range []int{0, 1, 2, 5} {
				for offset := 0; offset <= len(g.Nodes)+1; offset++ {
					q := emnkg.NodeQuery{Kind: emnkg.KindOrganisation, Filter: filter, Sort: sort, Offset: offset, Limit: limit,
						WithTotal: offset%2 == 0}
					got, want := findNodes(t, s, q), findNodes(t, ref, q)
					if g, w := pageIDs(got), pageIDs(want); !slices.Equal(g, w) || got.HasMore != want.HasMore ||
						got.TotalCount != want.TotalCount {
						t.Errorf("sort %v, filter %v, offset %d, limit %d: got %v (more %v, total %d), want %v (more %v, total %d)",
							sort, filter, offset, limit, g, got.HasMore, got.TotalCount, w, want.HasMore, want.TotalCount)
					}
				}
			}
		}
	}
}

// pageIDs returns the IDs of a page's nodes.
func pageIDs(p *emnkg.NodePage) []string {
	out := make([]string, len(p.Nodes))
	for i, n := range p.Nodes {
		out[i] = n.ID
	}
	return out
}
