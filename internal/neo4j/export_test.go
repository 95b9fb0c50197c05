package neo4j

import (
	"sync"

	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// SetQueryHook makes s call hook with the text of every query it runs
// (nil: none). The calls are serialised: store calls may run at the same
// time (a traversal's final reads do).
func SetQueryHook(s *Store, hook func(cypher string)) {
	if hook == nil {
		s.queryHook = nil
		return
	}
	SetQueryParamsHook(s, func(cypher string, _ map[string]any) { hook(cypher) })
}

// SetQueryParamsHook makes s call hook with every query it runs and its
// parameters (nil: none), one call at a time.
func SetQueryParamsHook(s *Store, hook func(cypher string, params map[string]any)) {
	if hook == nil {
		s.queryHook = nil
		return
	}
	var mu sync.Mutex
	s.queryHook = func(cypher string, params map[string]any) {
		mu.Lock()
		defer mu.Unlock()
		hook(cypher, params)
	}
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
