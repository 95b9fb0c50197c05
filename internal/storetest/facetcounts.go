package storetest

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// countedFacetQueries returns a facet query for every kept count (see
// emnkg.CountedFacetKeys), a pair's keys in both orders.
func countedFacetQueries() []emnkg.FacetQuery {
	var out []emnkg.FacetQuery
	for _, p := range emnkg.FacetPairs() {
		q := emnkg.FacetQuery{Kind: p.Kind, GroupBy: []emnkg.GroupKey{{Field: p.Key1}}, Limit: emnkg.MaxPageSize}
		if p.Key2 != "" {
			q.GroupBy = append(q.GroupBy, emnkg.GroupKey{Field: p.Key2})
			out = append(out, emnkg.FacetQuery{Kind: p.Kind, GroupBy: []emnkg.GroupKey{q.GroupBy[1], q.GroupBy[0]}, Limit: 3})
		}
		out = append(out, q)
	}
	return out
}

// CheckFacetCounts checks that every facet a store answers from its kept
// counts (no filter) gives the buckets that counting the nodes gives: the
// same facet filtered on synthetic = true, which every node of the suite
// has, and which no kept count answers.
func CheckFacetCounts(tb testing.TB, x emnkg.Explorer, when string) {
	tb.Helper()
	for _, q := range countedFacetQueries() {
		counted, err := x.Facets(tb.Context(), q)
		if err != nil {
			tb.Fatalf("%s: Facets %+v: %v", when, q, err)
		}
		q.Filter = &emnkg.Filter{Field: "synthetic", Op: emnkg.OpEq, Value: true}
		fromNodes, err := x.Facets(tb.Context(), q)
		if err != nil {
			tb.Fatalf("%s: Facets %+v: %v", when, q, err)
		}
		if !reflect.DeepEqual(counted, fromNodes) {
			tb.Errorf("%s: %s by %v: counted %v, from the nodes %v", when, q.Kind, q.GroupBy, counted, fromNodes)
		}
	}
}

// FacetCountProps draws the counted properties of a synthetic node of kind
// k from small pools, leaving some out.
func FacetCountProps(r *rand.Rand, k emnkg.Kind) map[string]any {
	p := map[string]any{"synthetic": true}
	switch k {
	case emnkg.KindDocument:
		p["title"] = "Synthetic document"
	case emnkg.KindGlossaryTerm:
		p["prefLabel_en"] = "synthetic term"
	default:
		p["name"] = "Synthetic " + string(k)
	}
	pools := map[string][]any{
		"kind":        {"study", "inform", "report", "Ad-Hoc Query"},
		"year":        {int64(2019), int64(2020), int64(2021)},
		"yearBasis":   {"publication", "coverage"},
		"publisher":   {"EMN", "European Commission", "Rückkehr \"Büro\""},
		"euMember":    {true, false},
		"emnStatus":   {"member", "observer"},
		"countryCode": {"AT", "BE", "NO"},
		"status":      {"current", "former"},
		"role":        {"coordinator", "member"},
		"scheme":      {"emn", "unhcr"},
	}
	for _, key := range emnkg.CountedFacetKeys()[k] {
		if r.IntN(4) > 0 {
			vs := pools[key]
			p[key] = vs[r.IntN(len(vs))]
		}
	}
	return p
}

// testFacetCounts writes, updates, re-imports and deletes nodes at random
// and checks after each step that the facets over kept counts answer as
// counting the nodes does, and that a change set that fails changes no
// count.
func testFacetCounts(t *testing.T, s emnkg.Store) {
	ed, x := s.(emnkg.Editor), explorer(t, s)
	r := rand.New(rand.NewPCG(7, 11))
	kinds := []emnkg.Kind{emnkg.KindDocument, emnkg.KindCountry, emnkg.KindNationalContactPoint,
		emnkg.KindOrganisation, emnkg.KindNetwork, emnkg.KindGlossaryTerm}
	g := &emnkg.Graph{}
	var ids []string
	kindOf := map[string]emnkg.Kind{}
	for i := range 60 {
		k := kinds[i%len(kinds)]
		id := fmt.Sprintf("syn-f-%03d", i)
		if k == emnkg.KindCountry { // a country's ID is its ISO code
			id = []string{"AT", "BE", "BG", "CY", "CZ", "DE", "EE", "ES", "FI", "FR"}[i/len(kinds)]
		}
		g.Nodes = append(g.Nodes, &emnkg.Node{ID: id, Kind: k, Props: FacetCountProps(r, k)})
		ids = append(ids, id)
		kindOf[id] = k
	}
	importGraph(t, s, g)
	CheckFacetCounts(t, x, "after the import")

	// Importing again replaces the properties of stored nodes; a node
	// given twice counts as its last version.
	for _, n := range g.Nodes[:30] {
		n.Props = FacetCountProps(r, n.Kind)
	}
	again := append(g.Nodes[:30:30], &emnkg.Node{ID: g.Nodes[0].ID, Kind: g.Nodes[0].Kind, Props: FacetCountProps(r, g.Nodes[0].Kind)})
	importGraph(t, s, &emnkg.Graph{Nodes: again})
	CheckFacetCounts(t, x, "after a second import")

	apply := func(tb testing.TB, changes ...emnkg.Change) error {
		tb.Helper()
		_, err := ed.Apply(tb.Context(), emnkg.ChangeSet{Actor: "tester", Time: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Changes: changes})
		return err
	}
	for step := range 40 {
		id := ids[r.IntN(len(ids))]
		var c emnkg.Change
		switch r.IntN(4) {
		case 0: // Set some counted keys and remove others.
			p := FacetCountProps(r, kindOf[id])
			for _, key := range emnkg.CountedFacetKeys()[kindOf[id]] {
				if _, ok := p[key]; !ok && r.IntN(2) == 0 {
					p[key] = nil
				}
			}
			c = emnkg.Change{Op: emnkg.OpUpdateNode, NodeID: id, Props: p}
		case 1:
			c = emnkg.Change{Op: emnkg.OpUpsertNode, NodeID: id, Kind: kindOf[id], Props: FacetCountProps(r, kindOf[id])}
		case 2:
			c = emnkg.Change{Op: emnkg.OpDeleteNode, NodeID: id}
		default:
			id = fmt.Sprintf("syn-f-new-%03d", step)
			k := kinds[r.IntN(len(kinds))]
			if k == emnkg.KindCountry { // whose ID must be its ISO code
				k = emnkg.KindNetwork
			}
			c = emnkg.Change{Op: emnkg.OpCreateNode, NodeID: id, Kind: k, Props: FacetCountProps(r, k)}
			ids = append(ids, id)
			kindOf[id] = k
		}
		ns, err := s.GetNodes(t.Context(), []string{id})
		if err != nil {
			t.Fatal(err)
		}
		// A deleted node is neither updated nor deleted again.
		if (c.Op != emnkg.OpDeleteNode && c.Op != emnkg.OpUpdateNode) || len(ns) == 1 {
			if err := apply(t, c); err != nil {
				t.Fatalf("step %d: Apply %s %s: %v", step, c.Op, id, err)
			}
		}
		CheckFacetCounts(t, x, fmt.Sprintf("after step %d (%s %s)", step, c.Op, id))
	}

	// A node written twice in one change set counts once.
	const twice = "syn-f-twice"
	if err := apply(t,
		emnkg.Change{Op: emnkg.OpCreateNode, NodeID: twice, Kind: emnkg.KindDocument, Props: FacetCountProps(r, emnkg.KindDocument)},
		emnkg.Change{Op: emnkg.OpUpdateNode, NodeID: twice, Props: map[string]any{"kind": "study", "year": int64(2020)}},
	); err != nil {
		t.Fatal(err)
	}
	CheckFacetCounts(t, x, "after writing a node twice in one change set")

	// A failed change set leaves the counts as they were.
	all := func() [][]emnkg.FacetBucket {
		var out [][]emnkg.FacetBucket
		for _, q := range countedFacetQueries() {
			bs, err := x.Facets(t.Context(), q)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, bs)
		}
		return out
	}
	before := all()
	if err := apply(t,
		emnkg.Change{Op: emnkg.OpCreateNode, NodeID: "syn-f-fails", Kind: emnkg.KindDocument, Props: syn(map[string]any{"title": "x", "kind": "study"})},
		emnkg.Change{Op: emnkg.OpDeleteNode, NodeID: ids[0]},
		emnkg.Change{Op: emnkg.OpUpdateNode, NodeID: "syn-f-unknown", Props: map[string]any{"kind": "study"}},
	); err == nil {
		t.Fatal("a change set updating an unknown node succeeded")
	}
	if after := all(); !reflect.DeepEqual(before, after) {
		t.Errorf("a failed change set changed the counts:\n before %v\n after  %v", before, after)
	}
}
