package neo4j

import driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"

// SetQueryHook makes s call hook with the text of every query it runs
// (nil: none).
func SetQueryHook(s *Store, hook func(cypher string)) {
	s.queryHook = nil
	if hook != nil {
		s.queryHook = func(cypher string, _ map[string]any) { hook(cypher) }
	}
}

// SetQueryParamsHook makes s call hook with every query it runs and its
// parameters.
func SetQueryParamsHook(s *Store, hook func(cypher string, params map[string]any)) {
	s.queryHook = hook
}

// PlanOperators returns the operators of a plan, depth first.
func PlanOperators(p driver.Plan) []string {
	var out []string
	var walk func(n planNode)
	walk = func(n planNode) {
		out = append(out, n.op)
		for _, c := range n.children {
			walk(c)
		}
	}
	walk(planTree(p))
	return out
}
