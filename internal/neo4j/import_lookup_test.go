package neo4j_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/emnkg/emnkg/internal/neo4j"
	"github.com/emnkg/emnkg/internal/neo4jtest"
)

// lookupGraph is a network with n member organisations (MEMBER_OF), and
// two glossary terms related to each other (RELATED, first) and one
// broader than the other (BROADER, last).
func lookupGraph(n int) *emnkg.Graph {
	g := &emnkg.Graph{Nodes: []*emnkg.Node{
		{ID: "lk-net", Kind: emnkg.KindNetwork, Props: map[string]any{"name": "Net"}},
		{ID: "lk-t1", Kind: emnkg.KindGlossaryTerm, Props: map[string]any{"prefLabel_en": "one"}},
		{ID: "lk-t2", Kind: emnkg.KindGlossaryTerm, Props: map[string]any{"prefLabel_en": "two"}},
	}}
	g.Edges = append(g.Edges, &emnkg.Edge{ID: "lk-related", Type: emnkg.RelRelated, From: "lk-t1", To: "lk-t2"})
	for i := range n {
		id := fmt.Sprintf("lk-org-%04d", i)
		g.Nodes = append(g.Nodes, &emnkg.Node{ID: id, Kind: emnkg.KindOrganisation, Props: map[string]any{"name": id}})
		g.Edges = append(g.Edges, &emnkg.Edge{ID: "lk-member-" + id, Type: emnkg.RelMemberOf, From: id, To: "lk-net",
			Props: map[string]any{"role": "member"}})
	}
	g.Edges = append(g.Edges, &emnkg.Edge{ID: "lk-broader", Type: emnkg.RelBroader, From: "lk-t1", To: "lk-t2"})
	return g
}

// partOf returns n new PART_OF relationships between the organisations of
// lookupGraph, with IDs lk-<prefix>-<i>, but the first, which gets the ID
// first.
func partOf(n int, prefix, first string) []*emnkg.Edge {
	var out []*emnkg.Edge
	for i := range n {
		id := fmt.Sprintf("lk-%s-%04d", prefix, i)
		if i == 0 {
			id = first
		}
		out = append(out, &emnkg.Edge{ID: id, Type: emnkg.RelPartOf, From: fmt.Sprintf("lk-org-%04d", i),
			To: fmt.Sprintf("lk-org-%04d", i+1)})
	}
	return out
}

// TestImportLookupPaths checks that the lookups of relationship IDs find
// what is stored, by scans of a type's ID index and by seeks in it, both
// under the imported type (updates) and under other types (conflicts,
// which change nothing). More than fewEdgeIDs IDs are looked up each time,
// so that the lookups count the relationships of each type and choose.
func TestImportLookupPaths(t *testing.T) {
	s := neo4jtest.NewStore(t)
	const n = 1200
	mustImport(t, s, lookupGraph(n))
	var queries []string
	neo4j.SetQueryHook(s, func(cypher string) { queries = append(queries, cypher) })
	scan := func(t emnkg.RelType) string {
		return "MATCH ()-[r:`" + string(t) + "`]->() WHERE r.id IS NOT NULL WITH r, r.id AS id WHERE id IN $"
	}
	seek := func(t emnkg.RelType) string {
		return "MATCH ()-[r:`" + string(t) + "`]->() USING INDEX SEEK r:`" + string(t) + "`(id) WHERE r.id IN $"
	}
	for _, tt := range []struct {
		name string
		// updated is how many MEMBER_OF relationships get a new role.
		updated int
		// extra is added to the graph; code is the error it must give.
		extra []*emnkg.Edge
		code  string
		// want is a branch of a query that must run.
		want string
	}{
		// 1200 stored, 1200 looked up: one scan finds them all.
		{name: "updates found by a scan", updated: n, want: scan(emnkg.RelMemberOf)},
		// 1200 stored, 250 looked up: seeks.
		{name: "updates found by seeks", updated: 250, extra: partOf(800, "b", "lk-b-new"), want: seek(emnkg.RelMemberOf)},
		// 100 new PART_OF IDs are looked up under MEMBER_OF (1200 stored:
		// seeks) and BROADER (1 stored: a scan).
		{name: "conflict found by seeks", extra: partOf(100, "c", "lk-member-lk-org-0300"), code: emnkg.ECONFLICT,
			want: seek(emnkg.RelMemberOf)},
		{name: "conflict found by a scan", extra: partOf(100, "d", "lk-broader"), code: emnkg.ECONFLICT,
			want: scan(emnkg.RelBroader)},
		{name: "new relationships", extra: partOf(100, "e", "lk-e-new"), want: scan(emnkg.RelBroader)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before, err := s.Stats(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			g := lookupGraph(n)
			g.Edges = g.Edges[:1+tt.updated]
			for _, e := range g.Edges[1:] {
				e.Props = map[string]any{"role": tt.name}
			}
			g.Edges = append(g.Edges, tt.extra...)
			queries = nil
			res, err := s.ImportGraph(t.Context(), g)
			if emnkg.ErrorCode(err) != tt.code {
				t.Fatalf("got %v, want %q", err, tt.code)
			}
			found := false
			for _, q := range queries {
				found = found || strings.Contains(q, tt.want)
			}
			if !found {
				t.Errorf("no query %s...:\n%s", tt.want, strings.Join(queries, "\n"))
			}
			if tt.code != "" {
				after, err := s.Stats(t.Context())
				if err != nil {
					t.Fatal(err)
				}
				if fmt.Sprint(after) != fmt.Sprint(before) {
					t.Errorf("stats changed:\n%v\n%v", before, after)
				}
				return
			}
			if res.EdgesUpdated != tt.updated || res.EdgesCreated != len(tt.extra) {
				t.Errorf("import: %+v", *res)
			}
		})
	}
	neo4j.SetQueryHook(s, nil)
	// Every relationship is as last imported.
	edges, err := s.EdgesAmong(t.Context(), []string{"lk-net", "lk-org-0000", "lk-org-0001", "lk-org-1199"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	roles := map[string]any{}
	for _, e := range edges {
		roles[e.ID] = e.Props["role"]
	}
	want := map[string]any{"lk-member-lk-org-0000": "updates found by seeks", "lk-member-lk-org-0001": "updates found by seeks",
		"lk-member-lk-org-1199": "updates found by a scan", "lk-b-new": nil, "lk-e-new": nil}
	if fmt.Sprint(roles) != fmt.Sprint(want) {
		t.Errorf("roles %v, want %v", roles, want)
	}
}

// TestImportPlans checks the plans of an import's queries: a scan of a
// type's ID index stays a scan (Cypher could plan the membership test as
// seeks), and relationships are created between ends found by their
// element IDs, without index lookups.
func TestImportPlans(t *testing.T) {
	s := neo4jtest.NewStore(t)
	mustImport(t, s, lookupGraph(10))
	type query struct {
		cypher string
		params map[string]any
	}
	var queries []query
	neo4j.SetQueryParamsHook(s, func(cypher string, params map[string]any) {
		queries = append(queries, query{cypher, params})
	})
	g := lookupGraph(1200)
	g.Edges = append(g.Edges, partOf(100, "p", "lk-p-first")...)
	mustImport(t, s, g)
	neo4j.SetQueryParamsHook(s, nil)
	scans, creates := 0, 0
	for _, q := range queries {
		scanBranches := strings.Count(q.cypher, "WITH r, r.id AS id WHERE id IN $")
		seekBranches := strings.Count(q.cypher, "]->() USING INDEX SEEK r:")
		isCreate := strings.Contains(q.cypher, "CREATE (a)-[r:")
		if scanBranches == 0 && !isCreate {
			continue
		}
		ops := neo4j.PlanOperators(neo4jtest.Exec(t, "EXPLAIN "+q.cypher, q.params).Summary.Plan())
		joined := strings.Join(ops, " ")
		switch {
		case scanBranches > 0:
			scans += scanBranches
			if strings.Count(joined, "RelationshipIndexScan") != scanBranches ||
				strings.Count(joined, "RelationshipUniqueIndexSeek") != seekBranches {
				t.Errorf("%s\ndoes not scan the ID indexes %d times and seek in them %d times: %v", q.cypher,
					scanBranches, seekBranches, ops)
			}
		case isCreate:
			creates++
			if strings.Count(joined, "NodeByElementIdSeek") != 2 || strings.Contains(joined, "Scan") {
				t.Errorf("%s\ndoes not find the ends by element ID: %v", q.cypher, ops)
			}
		}
	}
	if scans == 0 || creates == 0 {
		t.Errorf("%d scans, %d creations of relationships", scans, creates)
	}
}
