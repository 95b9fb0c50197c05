package neo4j

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// unwindGroup returns the Cypher that binds v to each value that node n
// takes for a validated group key, one row per value: its own property,
// or each distinct value among its related nodes (null when it has none).
// bound lists the variables bound before, which a WITH must keep.
func unwindGroup(n, v string, k emnkg.GroupKey, bound []string) string {
	if k.Via == nil {
		return " UNWIND [" + fieldExpr(n, k.Field) + "] AS " + v
	}
	h := k.Via
	list := "l" + v
	values := "COLLECT { MATCH (" + n + ")" + relPattern("", []emnkg.RelType{h.Type}, h.Direction, "") +
		"(o:" + quote(string(h.Kind)) + ") RETURN DISTINCT " + fieldExpr("o", k.Field) + " }"
	return " WITH " + strings.Join(append([]string{n}, bound...), ", ") + ", " + values + " AS " + list +
		" UNWIND CASE WHEN size(" + list + ") = 0 THEN [null] ELSE " + list + " END AS " + v
}

// Facets counts the nodes of a kind that pass the filter by the values of
// one or two group keys: from the kept counts when they hold the answer
// (see countedFacets), else all in Cypher: each node's list of values per key
// is unwound (a node counts once per combination), grouped and counted,
// and the buckets ordered (count descending, then values ascending, nulls
// last, as Cypher orders) and cut.
func (s *Store) Facets(ctx context.Context, q emnkg.FacetQuery) ([]emnkg.FacetBucket, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	if q.Limit == 0 {
		return []emnkg.FacetBucket{}, nil
	}
	if out, counted, err := s.countedFacets(ctx, q); counted || err != nil {
		return out, err
	}
	p := newParams()
	pred, err := p.filter(q.Filter, "n")
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	b.WriteString("MATCH (n:" + quote(string(q.Kind)) + ")" + where(pred))
	var keys []string
	for i, k := range q.GroupBy {
		v := "v" + strconv.Itoa(i)
		b.WriteString(unwindGroup("n", v, k, keys))
		keys = append(keys, v)
	}
	b.WriteString(" WITH " + strings.Join(keys, ", ") + ", count(*) AS c ORDER BY c DESC, " +
		strings.Join(keys, ", ") + " LIMIT " + p.set("limit", int64(q.Limit)))
	b.WriteString(" RETURN collect([[" + strings.Join(keys, ", ") + "], c]) AS buckets")
	cypher := b.String()
	return read(ctx, s, func(tx neo4j.ManagedTransaction) ([]emnkg.FacetBucket, error) {
		return s.readBuckets(ctx, tx, cypher, p.m)
	})
}

// readBuckets runs a facet query, which returns one record holding the
// list of its buckets in order (one record: many small records cost Bolt
// more), each as [values, count].
func (s *Store) readBuckets(ctx context.Context, tx neo4j.ManagedTransaction, cypher string, params map[string]any) ([]emnkg.FacetBucket, error) {
	list, err := s.runList(ctx, tx, cypher, params)
	if err != nil {
		return nil, err
	}
	out := make([]emnkg.FacetBucket, 0, len(list))
	for _, v := range list {
		b, _ := v.([]any)
		if len(b) != 2 {
			return nil, fmt.Errorf("neo4j: facets: unexpected bucket %v", v)
		}
		vs, _ := b[0].([]any)
		c, err := asInt(b[1])
		if err != nil {
			return nil, err
		}
		out = append(out, emnkg.FacetBucket{Values: vs, Count: c})
	}
	return out, nil
}
