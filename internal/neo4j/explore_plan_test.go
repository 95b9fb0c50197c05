package neo4j_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/emnkg/emnkg/internal/neo4j"
	"github.com/emnkg/emnkg/internal/neo4jtest"
	"github.com/emnkg/emnkg/internal/storetest"
	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// recordedQuery is a query the store ran, with its parameters.
type recordedQuery struct {
	cypher string
	params map[string]any
}

// recordQueries runs f and returns the queries s ran meanwhile, in the
// order they started (f may run some at the same time; the hook's calls
// are serialised).
func recordQueries(t *testing.T, s *neo4j.Store, f func()) []recordedQuery {
	t.Helper()
	var queries []recordedQuery
	neo4j.SetQueryParamsHook(s, func(cypher string, params map[string]any) {
		queries = append(queries, recordedQuery{cypher, params})
	})
	defer neo4j.SetQueryParamsHook(s, nil)
	f()
	return queries
}

// checkSeeksIDIndex fails the test unless the plan of q starts from seeks
// in the ID constraint's index and scans nothing.
func checkSeeksIDIndex(t *testing.T, q recordedQuery) {
	t.Helper()
	ops := neo4j.PlanOperators(neo4jtest.Exec(t, "EXPLAIN "+q.cypher, q.params).Summary.Plan())
	if !slices.Contains(ops, "NodeUniqueIndexSeek") {
		t.Errorf("%s\nuses no index seek: %v", q.cypher, ops)
	}
	for _, op := range ops {
		if strings.Contains(op, "Scan") {
			t.Errorf("%s\nscans: %v", q.cypher, ops)
		}
	}
}

// TestExploreNeighbourhoodQueries checks the queries of a depth-2
// neighbourhood: one GetNodes for the start, one Neighbours per level, one
// GetNodes for the nodes kept and one EdgesAmong, each a single query
// starting from seeks in the ID constraint's index; Neighbours (the
// queries returning ids) reads no property but the ID. Some of them run
// at the same time, so they are told apart by what they return.
func TestExploreNeighbourhoodQueries(t *testing.T) {
	s := neo4jtest.NewStore(t)
	mustImport(t, s, storetest.ExploreFixture())
	var sg *emnkg.Subgraph
	queries := recordQueries(t, s, func() {
		var err error
		sg, err = emnkg.Neighbourhood(t.Context(), s, emnkg.NeighbourhoodQuery{IDs: []string{"syn-ncp-at"}, Depth: 2, Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
	})
	if len(sg.Nodes) < 10 || len(queries) != 5 {
		t.Fatalf("%d nodes, %d queries", len(sg.Nodes), len(queries))
	}
	neighbours := 0
	for _, q := range queries {
		checkSeeksIDIndex(t, q)
		if strings.HasSuffix(q.cypher, " AS ids") {
			neighbours++
			if strings.Contains(q.cypher, ".*") || strings.Contains(q.cypher, "properties(") {
				t.Errorf("Neighbours reads properties: %s", q.cypher)
			}
		}
	}
	if neighbours != 2 {
		t.Errorf("%d Neighbours queries, want 2", neighbours)
	}
}

// TestExploreExpandReadsNoProperties checks that Expand is one query that
// seeks the ID index and returns links without properties.
func TestExploreExpandReadsNoProperties(t *testing.T) {
	s := neo4jtest.NewStore(t)
	mustImport(t, s, storetest.ExploreFixture())
	var exp *emnkg.Expansion
	queries := recordQueries(t, s, func() {
		var err error
		exp, err = s.Expand(t.Context(), emnkg.ExpandQuery{NodeIDs: []string{"syn-ncp-at", "syn-country-at"},
			Direction: emnkg.DirectionBoth, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
	})
	if len(exp.Links) == 0 || exp.Truncated || len(queries) != 1 {
		t.Fatalf("%d links, truncated %v, %d queries", len(exp.Links), exp.Truncated, len(queries))
	}
	checkSeeksIDIndex(t, queries[0])
	if strings.Contains(queries[0].cypher, ".*") || strings.Contains(queries[0].cypher, "properties(") {
		t.Errorf("Expand reads properties: %s", queries[0].cypher)
	}
}

// TestNeighboursIndexWalk checks both ways Neighbours finds the first IDs
// (walking the ID index in order, or reading every other end's ID) and the
// fallback from an index walk whose budget runs out, against the answers
// computed here. Sixty documents a-doc-NN come first in the index; the term
// t-late is used by a-doc-55 and five documents z-doc-N after them, so that
// an index walk for one ID (a budget of neighbourScanPerLimit = 50 entries)
// finds none and the answer comes from reading the IDs; the term t-spread
// is used by documents spread over the index. One given node is always
// answered directly.
func TestNeighboursIndexWalk(t *testing.T) {
	s := neo4jtest.NewStore(t)
	g := &emnkg.Graph{}
	doc := func(id string) {
		g.Nodes = append(g.Nodes, &emnkg.Node{ID: id, Kind: emnkg.KindDocument, Props: map[string]any{"title": id}})
	}
	term := func(id string) {
		g.Nodes = append(g.Nodes, &emnkg.Node{ID: id, Kind: emnkg.KindGlossaryTerm, Props: map[string]any{"prefLabel_en": id}})
	}
	uses := func(d, tm string) {
		g.Edges = append(g.Edges, &emnkg.Edge{ID: emnkg.EdgeID(d, emnkg.RelUsesTerm, tm, ""), Type: emnkg.RelUsesTerm, From: d, To: tm})
	}
	for i := range 60 {
		doc(fmt.Sprintf("a-doc-%02d", i))
	}
	for i := range 5 {
		doc(fmt.Sprintf("z-doc-%d", i))
	}
	term("t-late")
	term("t-spread")
	for i := range 5 {
		uses(fmt.Sprintf("z-doc-%d", i), "t-late")
	}
	for _, d := range []string{"a-doc-10", "a-doc-20", "a-doc-30", "a-doc-40", "a-doc-50", "z-doc-0"} {
		uses(d, "t-spread")
	}
	uses("a-doc-55", "t-late")
	mustImport(t, s, g)

	// want returns the other ends of the USES_TERM edges of start in dir,
	// by ID, cut at limit.
	want := func(start []string, dir emnkg.Direction, limit int) []string {
		set := map[string]bool{}
		for _, e := range g.Edges {
			for _, id := range start {
				if e.From == id && dir != emnkg.DirectionIn {
					set[e.To] = true
				}
				if e.To == id && dir != emnkg.DirectionOut {
					set[e.From] = true
				}
			}
		}
		out := []string{}
		for id := range set {
			out = append(out, id)
		}
		slices.Sort(out)
		return out[:min(len(out), limit)]
	}
	var walked, read bool
	// a-doc-00 has no relationship: it makes a one-node start a
	// two-node one, which may walk the index.
	starts := [][]string{{"t-late"}, {"t-late", "a-doc-00"}, {"t-spread", "a-doc-00"}, {"t-late", "t-spread"}, {"a-doc-55"}}
	for _, start := range starts {
		for _, dir := range []emnkg.Direction{emnkg.DirectionBoth, emnkg.DirectionIn, emnkg.DirectionOut} {
			for limit := 1; limit <= 8; limit++ {
				q := emnkg.ExpandQuery{NodeIDs: start, Direction: dir, Limit: limit}
				var got []string
				queries := recordQueries(t, s, func() {
					var err error
					if got, err = s.Neighbours(t.Context(), q); err != nil {
						t.Fatal(err)
					}
				})
				if w := want(start, dir, limit); !slices.Equal(got, w) {
					t.Errorf("Neighbours(%v, %s, limit %d):\n got  %q\n want %q", start, dir, limit, got, w)
				}
				if len(queries) != 1 {
					t.Fatalf("%d queries", len(queries))
				}
				res := neo4jtest.Exec(t, "PROFILE "+queries[0].cypher, queries[0].params)
				walked = walked || profiledRows(res.Summary.Profile(), "NodeUniqueIndexSeekByRange") > 0
				read = read || profiledRows(res.Summary.Profile(), "Top") > 0
				if slices.Equal(start, starts[1]) && dir != emnkg.DirectionOut && limit == 1 &&
					(profiledRows(res.Summary.Profile(), "NodeUniqueIndexSeekByRange") == 0 || profiledRows(res.Summary.Profile(), "Top") == 0) {
					t.Errorf("Neighbours(t-late, limit 1) did not fall back from an index walk:\n%s", queries[0].cypher)
				}
			}
		}
	}
	if !walked || !read {
		t.Errorf("index walked %v, IDs read %v: both ways should have answered", walked, read)
	}
}

// profiledRows returns the rows produced by the operators of a profiled
// plan whose names start with op.
func profiledRows(p driver.ProfiledPlan, op string) int64 {
	if p == nil {
		return 0
	}
	var n int64
	if strings.HasPrefix(p.Operator(), op) {
		n = p.Records()
	}
	for _, c := range p.Children() {
		n += profiledRows(c, op)
	}
	return n
}

// TestCountedFacetsReadCounts checks that a facet over counted keys is one
// query that seeks the kept counts of its pair and reads no node of the
// kind, and that a filtered one counts the nodes.
func TestCountedFacetsReadCounts(t *testing.T) {
	s := neo4jtest.NewStore(t)
	mustImport(t, s, storetest.ExploreFixture())
	q := emnkg.FacetQuery{Kind: emnkg.KindDocument, GroupBy: []emnkg.GroupKey{{Field: "year"}, {Field: "kind"}}, Limit: 10}
	var counted []emnkg.FacetBucket
	queries := recordQueries(t, s, func() {
		var err error
		if counted, err = s.Facets(t.Context(), q); err != nil {
			t.Fatal(err)
		}
	})
	if len(counted) == 0 || len(queries) != 1 {
		t.Fatalf("%d buckets, %d queries", len(counted), len(queries))
	}
	ops := neo4j.PlanOperators(neo4jtest.Exec(t, "EXPLAIN "+queries[0].cypher, queries[0].params).Summary.Plan())
	if !slices.Contains(ops, "NodeIndexSeek") || strings.Contains(queries[0].cypher, "`Document`") {
		t.Errorf("%s\ndoes not seek the counts: %v", queries[0].cypher, ops)
	}
	q.Filter = &emnkg.Filter{Field: "synthetic", Op: emnkg.OpEq, Value: true}
	queries = recordQueries(t, s, func() {
		if _, err := s.Facets(t.Context(), q); err != nil {
			t.Fatal(err)
		}
	})
	if len(queries) != 1 || !strings.Contains(queries[0].cypher, "`Document`") {
		t.Errorf("a filtered facet does not count the documents: %v", queries)
	}
}

// TestFindNodesPagesFollowIndexes checks that a page of nodes ordered by
// ID (the default) or first by an indexed property ascending reads the
// kind's range index in order instead of sorting every node of the kind.
func TestFindNodesPagesFollowIndexes(t *testing.T) {
	s := neo4jtest.NewStore(t)
	mustImport(t, s, storetest.ExploreFixture())
	for _, sort := range [][]emnkg.SortField{nil, {{Field: "title"}}, {{Field: "year"}, {Field: "title", Desc: true}}} {
		queries := recordQueries(t, s, func() {
			if _, err := s.FindNodes(t.Context(), emnkg.NodeQuery{Kind: emnkg.KindDocument, Sort: sort, Limit: 2}); err != nil {
				t.Fatal(err)
			}
		})
		if len(queries) != 1 {
			t.Fatalf("sort %v: %d queries", sort, len(queries))
		}
		ops := neo4j.PlanOperators(neo4jtest.Exec(t, "EXPLAIN "+queries[0].cypher, queries[0].params).Summary.Plan())
		if !slices.Contains(ops, "NodeIndexScan") || slices.Contains(ops, "Top") || slices.Contains(ops, "Sort") {
			t.Errorf("sort %v: %s\nsorts the kind: %v", sort, queries[0].cypher, ops)
		}
	}
}
