package neo4j

// SetQueryHook makes s call hook with the text of every query it runs.
func SetQueryHook(s *Store, hook func(cypher string)) { s.queryHook = hook }
