package neo4j_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/emnkg/emnkg/internal/neo4j"
	"github.com/emnkg/emnkg/internal/neo4jtest"
)

// testGraph is a small graph: three organisations (one without a name),
// a network they belong to, and a document.
func testGraph() *emnkg.Graph {
	org := func(id string, props map[string]any) *emnkg.Node {
		return &emnkg.Node{ID: id, Kind: emnkg.KindOrganisation, Props: props}
	}
	member := func(from, role string) *emnkg.Edge {
		e := &emnkg.Edge{ID: emnkg.EdgeID(from, emnkg.RelMemberOf, "t-net", ""), Type: emnkg.RelMemberOf,
			From: from, To: "t-net", Props: map[string]any{}}
		if role != "" {
			e.Props["role"] = role
		}
		return e
	}
	return &emnkg.Graph{
		Nodes: []*emnkg.Node{
			org("t-org-b", map[string]any{"name": "Beta", "kind": "agency", "uncertain": true}),
			org("t-org-a", map[string]any{"name": "alpha", "kind": "ministry", "uncertain": false}),
			org("t-org-c", map[string]any{"kind": "agency", "serviceProviderPeriods": []string{"2008-2012"}}),
			{ID: "t-net", Kind: emnkg.KindNetwork, Props: map[string]any{"name": "Net"}},
			{ID: "t-doc", Kind: emnkg.KindDocument, Props: map[string]any{"title": "Doc", "year": int64(2020)}},
		},
		Edges: []*emnkg.Edge{
			member("t-org-b", "member"),
			member("t-org-a", "observer"),
			member("t-org-c", ""),
		},
	}
}

func mustImport(t *testing.T, s emnkg.Store, g *emnkg.Graph) *emnkg.ImportResult {
	t.Helper()
	res, err := s.ImportGraph(t.Context(), g)
	if err != nil {
		t.Fatalf("ImportGraph: %v", err)
	}
	return res
}

func ids(ns []*emnkg.Node) []string {
	out := []string{}
	for _, n := range ns {
		out = append(out, n.ID)
	}
	return out
}

func cmpF(field string, op emnkg.Op, v any) *emnkg.Filter {
	return &emnkg.Filter{Field: field, Op: op, Value: v}
}

func TestFilters(t *testing.T) {
	s := neo4jtest.NewStore(t)
	mustImport(t, s, testGraph())
	not := func(f *emnkg.Filter) *emnkg.Filter { return &emnkg.Filter{Not: f} }
	cases := []struct {
		name   string
		filter *emnkg.Filter
		want   []string
	}{
		{"none", nil, []string{"t-org-a", "t-org-b", "t-org-c"}},
		{"eq", cmpF("name", emnkg.OpEq, "Beta"), []string{"t-org-b"}},
		{"not eq skips absent", not(cmpF("name", emnkg.OpEq, "Beta")), []string{"t-org-a"}},
		{"id", cmpF("id", emnkg.OpEq, "t-org-c"), []string{"t-org-c"}},
		{"id in", cmpF("id", emnkg.OpIn, []any{"t-org-c", "t-org-a", "t-net"}), []string{"t-org-a", "t-org-c"}},
		{"in", cmpF("kind", emnkg.OpIn, []any{"agency"}), []string{"t-org-b", "t-org-c"}},
		{"in empty", cmpF("name", emnkg.OpIn, []any{}), []string{}},
		{"not in empty skips absent", not(cmpF("name", emnkg.OpIn, []any{})), []string{"t-org-a", "t-org-b"}},
		{"contains is case-sensitive", cmpF("name", emnkg.OpContains, "eta"), []string{"t-org-b"}},
		{"contains upper", cmpF("name", emnkg.OpContains, "ALPHA"), []string{}},
		{"startsWith", cmpF("name", emnkg.OpStartsWith, "al"), []string{"t-org-a"}},
		{"gt", cmpF("name", emnkg.OpGt, "B"), []string{"t-org-a", "t-org-b"}},
		{"lt", cmpF("name", emnkg.OpLt, "a"), []string{"t-org-b"}},
		{"bool", cmpF("uncertain", emnkg.OpEq, false), []string{"t-org-a"}},
		{"exists", cmpF("name", emnkg.OpExists, true), []string{"t-org-a", "t-org-b"}},
		{"not exists", cmpF("name", emnkg.OpExists, false), []string{"t-org-c"}},
		{"not not exists", not(cmpF("name", emnkg.OpExists, false)), []string{"t-org-a", "t-org-b"}},
		{"or with null", &emnkg.Filter{Or: []*emnkg.Filter{cmpF("name", emnkg.OpEq, "x"),
			cmpF("kind", emnkg.OpEq, "agency")}}, []string{"t-org-b", "t-org-c"}},
		{"and", &emnkg.Filter{And: []*emnkg.Filter{cmpF("kind", emnkg.OpEq, "agency"),
			not(cmpF("name", emnkg.OpEq, "x"))}}, []string{"t-org-b"}},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			p, err := s.FindNodes(t.Context(), emnkg.NodeQuery{Kind: emnkg.KindOrganisation, Filter: tt.filter,
				Limit: 10, WithTotal: true})
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(p.Nodes); !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if p.TotalCount != len(tt.want) || p.HasMore {
				t.Errorf("TotalCount %d, HasMore %v; want %d, false", p.TotalCount, p.HasMore, len(tt.want))
			}
		})
	}

	_, err := s.FindNodes(t.Context(), emnkg.NodeQuery{Kind: emnkg.KindOrganisation,
		Filter: cmpF("title", emnkg.OpEq, "x"), Limit: 10})
	if emnkg.ErrorCode(err) != emnkg.EINVALID {
		t.Errorf("filter on another kind's property: %v, want EINVALID", err)
	}
}

func TestOrderAndPages(t *testing.T) {
	s := neo4jtest.NewStore(t)
	mustImport(t, s, testGraph())
	find := func(q emnkg.NodeQuery) *emnkg.NodePage {
		t.Helper()
		q.Kind = emnkg.KindOrganisation
		p, err := s.FindNodes(t.Context(), q)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	asc := []emnkg.SortField{{Field: "name"}}
	desc := []emnkg.SortField{{Field: "name", Desc: true}}
	for _, tt := range []struct {
		name string
		q    emnkg.NodeQuery
		want []string
		more bool
	}{
		// Code point order ("B" < "a"), absent names last ascending...
		{"asc", emnkg.NodeQuery{Sort: asc, Limit: 10}, []string{"t-org-b", "t-org-a", "t-org-c"}, false},
		// ... and first descending.
		{"desc", emnkg.NodeQuery{Sort: desc, Limit: 10}, []string{"t-org-c", "t-org-a", "t-org-b"}, false},
		{"tie broken by id", emnkg.NodeQuery{Sort: []emnkg.SortField{{Field: "kind"}}, Limit: 10},
			[]string{"t-org-b", "t-org-c", "t-org-a"}, false},
		{"page", emnkg.NodeQuery{Sort: asc, Offset: 1, Limit: 1}, []string{"t-org-a"}, true},
		{"last page", emnkg.NodeQuery{Sort: asc, Offset: 2, Limit: 1}, []string{"t-org-c"}, false},
		{"limit 0", emnkg.NodeQuery{Limit: 0, WithTotal: true}, []string{}, true},
		{"past the end", emnkg.NodeQuery{Offset: 5, Limit: 10}, []string{}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := find(tt.q)
			if got := ids(p.Nodes); !slices.Equal(got, tt.want) || p.HasMore != tt.more {
				t.Errorf("got %q (more %v), want %q (more %v)", got, p.HasMore, tt.want, tt.more)
			}
			wantTotal := -1
			if tt.q.WithTotal {
				wantTotal = 3
			}
			if p.TotalCount != wantTotal {
				t.Errorf("TotalCount %d, want %d", p.TotalCount, wantTotal)
			}
		})
	}
}

func TestFindRelatedOneRoundTrip(t *testing.T) {
	s := neo4jtest.NewStore(t)
	mustImport(t, s, testGraph())
	var queries []string
	neo4j.SetQueryHook(s, func(q string) { queries = append(queries, q) })

	q := emnkg.RelatedQuery{
		NodeIDs:   []string{"t-net", "t-org-a", "t-unknown", "t-net"},
		Type:      emnkg.RelMemberOf,
		Direction: emnkg.DirectionBoth,
		Sort:      []emnkg.SortField{{Field: "role", OnEdge: true, Desc: true}},
		Limit:     2,
		WithTotal: true,
	}
	got, err := s.FindRelated(t.Context(), q)
	if err != nil {
		t.Fatal(err)
	}
	if len(queries) != 1 {
		t.Errorf("FindRelated ran %d queries, want 1:\n%s", len(queries), strings.Join(queries, "\n"))
	}
	if len(got) != 3 {
		t.Errorf("got %d entries, want 3", len(got))
	}
	type page struct {
		others []string
		total  int
		more   bool
	}
	want := map[string]page{
		// Absent roles first in descending order.
		"t-net":     {[]string{"t-org-c", "t-org-a"}, 3, true},
		"t-org-a":   {[]string{"t-net"}, 1, false},
		"t-unknown": {[]string{}, 0, false},
	}
	for id, w := range want {
		p := got[id]
		if p == nil {
			t.Errorf("%s: no entry", id)
			continue
		}
		others := []string{}
		for _, it := range p.Items {
			others = append(others, it.Node.ID)
			if it.Edge.To != "t-net" || it.Edge.Type != emnkg.RelMemberOf {
				t.Errorf("%s: edge %+v", id, it.Edge)
			}
		}
		if !slices.Equal(others, w.others) || p.TotalCount != w.total || p.HasMore != w.more {
			t.Errorf("%s: got %q total %d more %v, want %q total %d more %v",
				id, others, p.TotalCount, p.HasMore, w.others, w.total, w.more)
		}
	}
	org := got["t-org-a"].Items[0]
	if org.Node.Kind != emnkg.KindNetwork || org.Node.Version != 1 || org.Node.Props["name"] != "Net" ||
		org.Edge.Props["role"] != "observer" || len(org.Edge.Props) != 1 {
		t.Errorf("t-org-a: item %+v %+v", org.Node, org.Edge)
	}

	// Filters on both ends, without totals.
	q = emnkg.RelatedQuery{NodeIDs: []string{"t-net"}, Type: emnkg.RelMemberOf, Direction: emnkg.DirectionIn,
		OtherKind: emnkg.KindOrganisation, Filter: cmpF("kind", emnkg.OpEq, "agency"),
		EdgeFilter: &emnkg.Filter{Not: cmpF("role", emnkg.OpEq, "observer")}, Limit: 10}
	if got, err = s.FindRelated(t.Context(), q); err != nil {
		t.Fatal(err)
	}
	p := got["t-net"]
	if len(p.Items) != 1 || p.Items[0].Node.ID != "t-org-b" || p.TotalCount != -1 {
		t.Errorf("filtered: %+v", p)
	}
}

func TestGetNodes(t *testing.T) {
	s := neo4jtest.NewStore(t)
	mustImport(t, s, testGraph())
	ns, err := s.GetNodes(t.Context(), []string{"t-doc", "t-nope", "t-org-c", "t-doc"})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(ns); !slices.Equal(got, []string{"t-doc", "t-org-c"}) {
		t.Fatalf("got %q", got)
	}
	// Go types match the domain's: int64, []string; no internal keys.
	if y, ok := ns[0].Props["year"].(int64); !ok || y != 2020 || len(ns[0].Props) != 2 {
		t.Errorf("t-doc props %#v", ns[0].Props)
	}
	if l, ok := ns[1].Props["serviceProviderPeriods"].([]string); !ok || !slices.Equal(l, []string{"2008-2012"}) {
		t.Errorf("t-org-c props %#v", ns[1].Props)
	}
}

func TestImportIdempotentAndVersions(t *testing.T) {
	s := neo4jtest.NewStore(t)
	g := testGraph()
	res := mustImport(t, s, g)
	if *res != (emnkg.ImportResult{NodesCreated: 5, EdgesCreated: 3}) {
		t.Errorf("first import: %+v", *res)
	}
	// The caller's graph is not modified.
	if g.Nodes[0].Version != 0 || len(g.Nodes[0].Props) != 3 {
		t.Errorf("graph changed: %+v", g.Nodes[0])
	}
	res = mustImport(t, s, testGraph())
	if *res != (emnkg.ImportResult{NodesUnchanged: 5, EdgesUnchanged: 3}) {
		t.Errorf("second import: %+v", *res)
	}

	// A changed node (a key dropped) and a changed edge; the node twice in
	// one import counts as two imports in a row.
	g = &emnkg.Graph{
		Nodes: []*emnkg.Node{
			{ID: "t-org-a", Kind: emnkg.KindOrganisation, Props: map[string]any{"name": "alpha"}},
			{ID: "t-org-a", Kind: emnkg.KindOrganisation, Props: map[string]any{"name": "alpha"}},
		},
		Edges: []*emnkg.Edge{{ID: testGraph().Edges[0].ID, Type: emnkg.RelMemberOf, From: "t-org-b", To: "t-net",
			Props: map[string]any{"role": "chair"}}},
	}
	res = mustImport(t, s, g)
	if *res != (emnkg.ImportResult{NodesUpdated: 1, NodesUnchanged: 1, EdgesUpdated: 1}) {
		t.Errorf("update: %+v", *res)
	}
	ns, err := s.GetNodes(t.Context(), []string{"t-org-a"})
	if err != nil {
		t.Fatal(err)
	}
	if n := ns[0]; n.Version != 2 || len(n.Props) != 1 || n.Props["name"] != "alpha" {
		t.Errorf("updated node: %+v", n)
	}
	res = mustImport(t, s, g)
	if *res != (emnkg.ImportResult{NodesUnchanged: 2, EdgesUnchanged: 1}) {
		t.Errorf("update again: %+v", *res)
	}
}

func TestImportConflictRollsBack(t *testing.T) {
	s := neo4jtest.NewStore(t)
	mustImport(t, s, testGraph())
	before, err := s.Stats(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	valid := func() *emnkg.Graph {
		return &emnkg.Graph{
			Nodes: []*emnkg.Node{
				{ID: "t-new", Kind: emnkg.KindOrganisation, Props: map[string]any{"name": "New"}},
				{ID: "t-org-a", Kind: emnkg.KindOrganisation, Props: map[string]any{"name": "changed"}},
			},
			Edges: []*emnkg.Edge{{ID: "t-new-edge", Type: emnkg.RelMemberOf, From: "t-new", To: "t-net"}},
		}
	}
	for _, tt := range []struct {
		name string
		add  func(g *emnkg.Graph)
		code string
	}{
		{"node kind", func(g *emnkg.Graph) {
			g.Nodes = append(g.Nodes, &emnkg.Node{ID: "t-doc", Kind: emnkg.KindFund})
		}, emnkg.ECONFLICT},
		{"edge ends", func(g *emnkg.Graph) {
			g.Edges = append(g.Edges, &emnkg.Edge{ID: testGraph().Edges[0].ID, Type: emnkg.RelMemberOf,
				From: "t-org-a", To: "t-net"})
		}, emnkg.ECONFLICT},
		{"edge type", func(g *emnkg.Graph) {
			g.Edges = append(g.Edges, &emnkg.Edge{ID: testGraph().Edges[0].ID, Type: emnkg.RelObserverOf,
				From: "t-org-b", To: "t-net"})
		}, emnkg.ECONFLICT},
		{"missing end", func(g *emnkg.Graph) {
			g.Edges = append(g.Edges, &emnkg.Edge{ID: "x", Type: emnkg.RelMemberOf, From: "t-nope", To: "t-net"})
		}, emnkg.EINVALID},
		{"too long to index", func(g *emnkg.Graph) {
			g.Nodes = append(g.Nodes, &emnkg.Node{ID: "t-long", Kind: emnkg.KindOrganisation,
				Props: map[string]any{"name": strings.Repeat("x", 9000)}})
		}, emnkg.EINVALID},
	} {
		t.Run(tt.name, func(t *testing.T) {
			g := valid()
			tt.add(g)
			_, err := s.ImportGraph(t.Context(), g)
			if emnkg.ErrorCode(err) != tt.code {
				t.Fatalf("got %v, want %s", err, tt.code)
			}
			after, err := s.Stats(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(after) != fmt.Sprint(before) {
				t.Errorf("stats changed:\n%v\n%v", before, after)
			}
			ns, err := s.GetNodes(t.Context(), []string{"t-org-a", "t-new"})
			if err != nil {
				t.Fatal(err)
			}
			if len(ns) != 1 || ns[0].Props["name"] != "alpha" || ns[0].Version != 1 {
				t.Errorf("nodes changed: %+v", ns)
			}
		})
	}
	// Long text in a property without an index is fine.
	long := strings.Repeat("ü", emnkg.MaxStringLength/2)
	mustImport(t, s, &emnkg.Graph{Nodes: []*emnkg.Node{{ID: "t-doc-long", Kind: emnkg.KindDocument,
		Props: map[string]any{"text": long}}}})
	ns, err := s.GetNodes(t.Context(), []string{"t-doc-long"})
	if err != nil || len(ns) != 1 || ns[0].Props["text"] != long {
		t.Errorf("long text: %v", err)
	}
}

func TestImportLargeAndConcurrent(t *testing.T) {
	s := neo4jtest.NewStore(t)
	const n = 5000 // more than two batches
	g := &emnkg.Graph{Nodes: []*emnkg.Node{{ID: "big-net", Kind: emnkg.KindNetwork}}}
	for i := range n {
		id := fmt.Sprintf("big-org-%05d", i)
		g.Nodes = append(g.Nodes, &emnkg.Node{ID: id, Kind: emnkg.KindOrganisation,
			Props: map[string]any{"name": fmt.Sprintf("Org %d", i), "countryCode": "AT"}})
		g.Edges = append(g.Edges, &emnkg.Edge{ID: emnkg.EdgeID(id, emnkg.RelMemberOf, "big-net", ""),
			Type: emnkg.RelMemberOf, From: id, To: "big-net", Props: map[string]any{"role": "member"}})
	}
	start := time.Now()
	res := mustImport(t, s, g)
	t.Logf("imported %d nodes and %d relationships in %v", len(g.Nodes), len(g.Edges), time.Since(start))
	if res.NodesCreated != n+1 || res.EdgesCreated != n {
		t.Errorf("import: %+v", *res)
	}
	start = time.Now()
	res = mustImport(t, s, g)
	t.Logf("imported them again in %v", time.Since(start))
	if res.NodesUnchanged != n+1 || res.EdgesUnchanged != n {
		t.Errorf("reimport: %+v", *res)
	}

	// Concurrent imports of the same new nodes all succeed; each node is
	// created once.
	var wg sync.WaitGroup
	results := make([]*emnkg.ImportResult, 4)
	errs := make([]error, 4)
	for i := range results {
		wg.Go(func() {
			g := &emnkg.Graph{}
			for j := range 50 {
				g.Nodes = append(g.Nodes, &emnkg.Node{ID: fmt.Sprintf("conc-%d", j), Kind: emnkg.KindPerson})
			}
			results[i], errs[i] = s.ImportGraph(context.Background(), g)
		})
	}
	wg.Wait()
	created := 0
	for i, err := range errs {
		if err != nil {
			t.Fatalf("concurrent import %d: %v", i, err)
		}
		created += results[i].NodesCreated
	}
	if created != 50 {
		t.Errorf("%d nodes created concurrently, want 50", created)
	}
}

func TestRoutingURI(t *testing.T) {
	cfg := neo4jtest.Config(t)
	if !strings.HasPrefix(cfg.URI, "bolt://") {
		t.Skip("the test Neo4j has no bolt:// URI")
	}
	neo4jtest.Lock(t)
	cfg.URI = "neo4j://" + strings.TrimPrefix(cfg.URI, "bolt://")
	s, err := neo4j.Open(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Stats(t.Context()); err != nil {
		t.Fatal(err)
	}
}

func TestUnreachable(t *testing.T) {
	for _, uri := range []string{"bolt://127.0.0.1:1", "neo4j://127.0.0.1:1"} {
		start := time.Now()
		_, err := neo4j.Open(t.Context(), neo4j.Config{URI: uri, User: "neo4j", Password: "s3cret-pw"})
		if emnkg.ErrorCode(err) != emnkg.EUNAVAILABLE {
			t.Errorf("%s: %v, want EUNAVAILABLE", uri, err)
			continue
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("%s: took %v", uri, d)
		}
		msg := emnkg.ErrorMessage(err)
		if !strings.Contains(msg, uri) || strings.Contains(err.Error(), "s3cret-pw") {
			t.Errorf("%s: message %q / error %q", uri, msg, err)
		}
	}
	_, err := neo4j.Open(t.Context(), neo4j.Config{URI: "bolt://user:s3cret-pw@127.0.0.1:1"})
	if err == nil || strings.Contains(err.Error(), "s3cret-pw") {
		t.Errorf("URI with a password: %v", err)
	}
	_, err = neo4j.Open(t.Context(), neo4j.Config{URI: "http://127.0.0.1:1"})
	if emnkg.ErrorCode(err) != emnkg.EINVALID {
		t.Errorf("http URI: %v, want EINVALID", err)
	}
}
