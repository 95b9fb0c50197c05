package neo4j

import (
	"context"
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
	b.WriteString(" WITH " + strings.Join(keys, ", ") + ", count(*) AS c")
	b.WriteString(" RETURN [" + strings.Join(keys, ", ") + "] AS vs, c ORDER BY c DESC, " +
		strings.Join(keys, ", ") + " LIMIT " + p.set("limit", int64(q.Limit)))
	cypher := b.String()
	return read(ctx, s, func(tx neo4j.ManagedTransaction) ([]emnkg.FacetBucket, error) {
		recs, err := s.run(ctx, tx, cypher, p.m)
		if err != nil {
			return nil, err
		}
		return decodeBuckets(recs)
	})
}

// decodeBuckets decodes the records of a facet query: the list of a
// bucket's values, and its count.
func decodeBuckets(recs []*neo4j.Record) ([]emnkg.FacetBucket, error) {
	out := make([]emnkg.FacetBucket, 0, len(recs))
	for _, r := range recs {
		vs, _ := r.Values[0].([]any)
		c, err := asInt(r.Values[1])
		if err != nil {
			return nil, err
		}
		out = append(out, emnkg.FacetBucket{Values: vs, Count: c})
	}
	return out, nil
}
