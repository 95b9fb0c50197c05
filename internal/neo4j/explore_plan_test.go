package neo4j_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/emnkg/emnkg/internal/neo4j"
	"github.com/emnkg/emnkg/internal/neo4jtest"
	"github.com/emnkg/emnkg/internal/storetest"
)

// recordedQuery is a query the store ran, with its parameters.
type recordedQuery struct {
	cypher string
	params map[string]any
}

// recordQueries runs f and returns the queries s ran meanwhile.
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
// starting from seeks in the ID constraint's index; Neighbours reads no
// property but the ID.
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
	for i, q := range queries {
		checkSeeksIDIndex(t, q)
		if i == 1 || i == 2 {
			if strings.Contains(q.cypher, ".*") || strings.Contains(q.cypher, "properties(") {
				t.Errorf("Neighbours reads properties: %s", q.cypher)
			}
		}
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
