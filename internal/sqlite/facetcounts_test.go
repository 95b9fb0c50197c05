package sqlite

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// countedFacets returns a facet query for every count of facet_counts, in
// both orders of its keys.
func countedFacets() []emnkg.FacetQuery {
	var out []emnkg.FacetQuery
	for _, p := range facetPairs() {
		q := emnkg.FacetQuery{Kind: p.kind, GroupBy: []emnkg.GroupKey{{Field: p.key1}}, Limit: emnkg.MaxPageSize}
		if p.key2 != "" {
			q.GroupBy = append(q.GroupBy, emnkg.GroupKey{Field: p.key2})
			out = append(out, emnkg.FacetQuery{Kind: p.kind, GroupBy: []emnkg.GroupKey{q.GroupBy[1], q.GroupBy[0]}, Limit: 3})
		}
		out = append(out, q)
	}
	return out
}

// checkFacetCounts checks that every counted facet answers as the facet
// counted from the nodes does.
func checkFacetCounts(tb testing.TB, s *Store, when string) {
	tb.Helper()
	for _, q := range countedFacets() {
		counted, args, ok := countedFacetsQuery(q)
		if !ok {
			tb.Fatalf("%+v is not counted", q)
		}
		got := readFacetBuckets(tb, s, q, counted, args)
		query, args, err := facetsQuery(q)
		if err != nil {
			tb.Fatal(err)
		}
		if want := readFacetBuckets(tb, s, q, query, args); !reflect.DeepEqual(got, want) {
			tb.Errorf("%s: %s by %v: counted %v, from the nodes %v", when, q.Kind, q.GroupBy, got, want)
		}
	}
}

// readFacetBuckets runs a facet query's SQL and returns its buckets as
// text.
func readFacetBuckets(tb testing.TB, s *Store, q emnkg.FacetQuery, query string, args []any) []string {
	tb.Helper()
	rows, err := s.rdb.QueryContext(context.Background(), query, args...)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		vals := make([]any, len(q.GroupBy)+1)
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			tb.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%#v", vals))
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// facetProps draws the counted properties of a node of kind k from small
// pools, leaving some out.
func facetProps(r *rand.Rand, k emnkg.Kind) map[string]any {
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
	for _, key := range countedKeys()[k] {
		if r.IntN(4) > 0 {
			vs := pools[key]
			p[key] = vs[r.IntN(len(vs))]
		}
	}
	return p
}

// TestFacetCountsStayExact writes, updates, re-imports and deletes nodes
// at random and checks after each step that the counts kept in
// facet_counts answer every counted facet as counting the nodes does; and
// that Facets answers from them.
func TestFacetCountsStayExact(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	s := newTestStore(t)
	ctx := t.Context()
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
		g.Nodes = append(g.Nodes, &emnkg.Node{ID: id, Kind: k, Props: facetProps(r, k)})
		ids = append(ids, id)
		kindOf[id] = k
	}
	mustImport(t, s, g)
	checkFacetCounts(t, s, "after the import")

	// Importing again replaces the properties of stored nodes.
	for _, n := range g.Nodes[:30] {
		n.Props = facetProps(r, n.Kind)
	}
	mustImport(t, s, &emnkg.Graph{Nodes: g.Nodes[:30]})
	checkFacetCounts(t, s, "after a second import")

	for step := range 40 {
		id := ids[r.IntN(len(ids))]
		var c emnkg.Change
		switch r.IntN(4) {
		case 0: // Set some counted keys and remove others.
			p := facetProps(r, kindOf[id])
			for _, key := range countedKeys()[kindOf[id]] {
				if _, ok := p[key]; !ok && r.IntN(2) == 0 {
					p[key] = nil
				}
			}
			c = emnkg.Change{Op: emnkg.OpUpdateNode, NodeID: id, Props: p}
		case 1:
			c = emnkg.Change{Op: emnkg.OpUpsertNode, NodeID: id, Kind: kindOf[id], Props: facetProps(r, kindOf[id])}
		case 2:
			c = emnkg.Change{Op: emnkg.OpDeleteNode, NodeID: id}
		default:
			id = fmt.Sprintf("syn-f-new-%03d", step)
			// Not a country, whose ID must be its ISO code.
			k := kinds[r.IntN(len(kinds))]
			if k == emnkg.KindCountry {
				k = emnkg.KindNetwork
			}
			c = emnkg.Change{Op: emnkg.OpCreateNode, NodeID: id, Kind: k, Props: facetProps(r, k)}
			ids = append(ids, id)
			kindOf[id] = k
		}
		if c.Op != emnkg.OpDeleteNode || slicesContains(t, s, id) {
			mustApply(t, s, c)
		}
		checkFacetCounts(t, s, fmt.Sprintf("after step %d (%s %s)", step, c.Op, id))
	}

	// A failed change set leaves the counts as they were.
	const snapshot = `SELECT json_group_array(json_array(kind, key1, key2, value1, value2)), sum(n) FROM facet_counts`
	oneKey := emnkg.FacetQuery{GroupBy: make([]emnkg.GroupKey, 1)}
	before := readFacetBuckets(t, s, oneKey, snapshot, nil)
	_, err := s.Apply(ctx, emnkg.ChangeSet{Actor: "tester", Changes: []emnkg.Change{
		{Op: emnkg.OpCreateNode, NodeID: "syn-f-fails", Kind: emnkg.KindDocument, Props: map[string]any{"synthetic": true, "kind": "study"}},
		{Op: emnkg.OpUpdateNode, NodeID: "syn-f-unknown", Props: map[string]any{"kind": "study"}},
	}})
	if err == nil {
		t.Fatal("a change set updating an unknown node succeeded")
	}
	after := readFacetBuckets(t, s, oneKey, snapshot, nil)
	if !reflect.DeepEqual(before, after) {
		t.Errorf("a failed change set changed the counts:\n before %v\n after  %v", before, after)
	}

	// Facets answers a counted facet from the counts (a plan test checks
	// which table it reads) with the same buckets as the reference.
	q := emnkg.FacetQuery{Kind: emnkg.KindDocument, GroupBy: []emnkg.GroupKey{{Field: "year"}, {Field: "kind"}}, Limit: 5}
	got, err := s.Facets(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	q.Filter = &emnkg.Filter{Field: "synthetic", Op: emnkg.OpEq, Value: true} // counted from the nodes
	want, err := s.Facets(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Facets from the counts %v, from the nodes %v", got, want)
	}
}

// slicesContains reports whether a node is stored.
func slicesContains(tb testing.TB, s *Store, id string) bool {
	tb.Helper()
	ns, err := s.GetNodes(context.Background(), []string{id})
	if err != nil {
		tb.Fatal(err)
	}
	return len(ns) == 1
}

// TestFacetCountsOfMigratedNodes opens nodes stored before facet_counts
// existed: the migration counts them.
func TestFacetCountsOfMigratedNodes(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	s := newTestStore(t)
	g := &emnkg.Graph{}
	for i := range 40 {
		k := []emnkg.Kind{emnkg.KindDocument, emnkg.KindCountry}[i%2]
		g.Nodes = append(g.Nodes, &emnkg.Node{ID: fmt.Sprintf("syn-m-%02d", i), Kind: k, Props: facetProps(r, k)})
	}
	mustImport(t, s, g)
	// Forget the counts, as a database of version 4 has none, and run the
	// migration again.
	for _, st := range []string{`DROP TRIGGER nodes_facets_insert`, `DROP TRIGGER nodes_facets_delete`,
		`DROP TRIGGER nodes_facets_update`, `DROP TABLE facet_counts`, `DROP TABLE facet_pairs`,
		`DELETE FROM schema_version`, `INSERT INTO schema_version (version) VALUES (4)`} {
		if _, err := s.wdb.Exec(st); err != nil {
			t.Fatal(st, err)
		}
	}
	if err := s.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := s.rdb.QueryRow(`SELECT count(*) FROM facet_counts`).Scan(&n); err != nil || n == 0 {
		t.Fatalf("%d counts after the migration (%v)", n, err)
	}
	checkFacetCounts(t, s, "after the migration")
}
