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

// TestPatternPlanStopsEarly checks the plan of a pattern's page query: each
// of its levels sorts only the rows of one node of the level above
// (PartialTop), so that Neo4j stops once it has the page instead of
// sorting every match; and a pattern pinned at a later step starts from
// the pinned nodes by seeks.
func TestPatternPlanStopsEarly(t *testing.T) {
	s := neo4jtest.NewStore(t)
	mustImport(t, s, storetest.ExploreFixture())
	c, ncp, d, g := emnkg.KindCountry, emnkg.KindNationalContactPoint, emnkg.KindDocument, emnkg.KindGlossaryTerm
	q := emnkg.PatternQuery{
		NodeSteps: []emnkg.NodeStep{{Kind: c}, {Kind: ncp}, {Kind: d}, {Kind: g}},
		RelSteps: []emnkg.RelStep{
			{Types: []emnkg.RelType{emnkg.RelRepresents}, Direction: emnkg.DirectionIn},
			{Types: []emnkg.RelType{emnkg.RelContributedTo}, Direction: emnkg.DirectionOut},
			{Types: []emnkg.RelType{emnkg.RelUsesTerm}, Direction: emnkg.DirectionOut}},
		Limit: 2, WithTotal: true}
	pinned := q
	pinned.NodeSteps = slices.Clone(q.NodeSteps)
	pinned.NodeSteps[3].IDs = []string{"syn-term-asylum"}
	plan := func(q emnkg.PatternQuery) (string, []string) {
		t.Helper()
		var cypher []string
		var params []map[string]any
		neo4j.SetQueryParamsHook(s, func(c string, p map[string]any) {
			cypher, params = append(cypher, c), append(params, p)
		})
		defer neo4j.SetQueryParamsHook(s, nil)
		if _, err := s.MatchPattern(t.Context(), q); err != nil {
			t.Fatal(err)
		}
		// The page, then the count.
		if len(cypher) != 2 {
			t.Fatalf("%d queries: %q", len(cypher), cypher)
		}
		return cypher[0], neo4j.PlanOperators(neo4jtest.Exec(t, "EXPLAIN "+cypher[0], params[0]).Summary.Plan())
	}
	cypher, ops := plan(q)
	partial := 0
	for _, op := range ops {
		if op == "PartialTop" {
			partial++
		}
	}
	if partial != len(q.RelSteps) {
		t.Errorf("%s\n%d PartialTop operators, want %d: %v", cypher, partial, len(q.RelSteps), ops)
	}
	cypher, ops = plan(pinned)
	if !slices.Contains(ops, "NodeUniqueIndexSeek") {
		t.Errorf("%s\ndoes not start from the pinned node: %v", cypher, ops)
	}
	if strings.Contains(cypher, "CALL") {
		t.Errorf("%s\nis not one path pattern", cypher)
	}
}
