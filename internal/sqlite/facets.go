package sqlite

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// viaValues returns the SELECT of the distinct (node ID, value) pairs of a
// group key with a hop: the value of the field of each related node of the
// hop's kind, for each node of base.
func (b *builder) viaValues(k emnkg.GroupKey) string {
	typ := b.arg(string(k.Via.Type))
	kind := b.arg(string(k.Via.Kind))
	value := b.field("o", k.Field)
	branch := func(this, other string) string {
		return `SELECT b.id AS nid, ` + value + ` AS v FROM base AS b
			CROSS JOIN edges AS e ON e.` + this + ` = b.id AND e.type = ` + typ + `
			CROSS JOIN nodes AS o ON o.id = e.` + other + `
			WHERE o.kind = ` + kind
	}
	switch k.Via.Direction {
	case emnkg.DirectionOut:
		return "SELECT DISTINCT nid, v FROM (" + branch("src", "dst") + ")"
	case emnkg.DirectionIn:
		return "SELECT DISTINCT nid, v FROM (" + branch("dst", "src") + ")"
	}
	// UNION removes the pairs both branches give.
	return branch("src", "dst") + " UNION " + branch("dst", "src")
}

// facetsQuery returns the SQL of Facets: the nodes of the kind that pass
// the filter (base), each joined to the values of each key (a LEFT JOIN
// with the distinct values of its related nodes for a key with a hop, so
// that a node without related nodes groups under NULL), counted with
// GROUP BY and ordered by count, then by values with NULL last.
func facetsQuery(q emnkg.FacetQuery) (string, []any, error) {
	var b builder
	cond, err := b.filter(q.Filter, "n")
	if err != nil {
		return "", nil, err
	}
	ctes := []string{`base AS (SELECT n.id AS id, n.props AS props FROM nodes AS n
		WHERE n.kind = ` + b.arg(string(q.Kind)) + ` AND ` + cond + `)`}
	var keys, joins, order []string
	for i, k := range q.GroupBy {
		name := "k" + strconv.Itoa(i)
		if k.Via == nil {
			keys = append(keys, b.field("b", k.Field)+" AS "+name)
		} else {
			v := "v" + strconv.Itoa(i)
			ctes = append(ctes, v+" AS ("+b.viaValues(k)+")")
			keys = append(keys, v+".v AS "+name)
			joins = append(joins, " LEFT JOIN "+v+" ON "+v+".nid = b.id")
		}
		order = append(order, name+" ASC NULLS LAST")
	}
	groups := make([]string, len(q.GroupBy))
	for i := range groups {
		groups[i] = "k" + strconv.Itoa(i)
	}
	query := "WITH " + strings.Join(ctes, ",\n") + "\n" +
		"SELECT " + strings.Join(keys, ", ") + ", count(*) AS c FROM base AS b" + strings.Join(joins, "") +
		" GROUP BY " + strings.Join(groups, ", ") +
		" ORDER BY c DESC, " + strings.Join(order, ", ") +
		" LIMIT " + b.arg(int64(q.Limit))
	return query, b.args, nil
}

// Facets counts the nodes of a kind that pass the filter, grouped by one
// or two keys, in SQL: from the counts kept in facet_counts when they hold
// the answer (see countedFacetsQuery), else from the nodes.
func (s *Store) Facets(ctx context.Context, q emnkg.FacetQuery) ([]emnkg.FacetBucket, error) {
	types, err := q.KeyTypes()
	if err != nil {
		return nil, err
	}
	out := []emnkg.FacetBucket{}
	if q.Limit == 0 {
		return out, nil
	}
	query, args, counted := countedFacetsQuery(q)
	if !counted {
		if query, args, err = facetsQuery(q); err != nil {
			return nil, err
		}
	}
	err = s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, query, args...)
		if err != nil {
			return wrapf(err, "facets")
		}
		defer rows.Close()
		for rows.Next() {
			vals := make([]any, len(types)+1)
			ptrs := make([]any, len(vals))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				return wrapf(err, "facets")
			}
			bk := emnkg.FacetBucket{Values: make([]any, len(types))}
			for i, t := range types {
				bk.Values[i] = groupValue(vals[i], t)
			}
			c, _ := vals[len(types)].(int64)
			bk.Count = int(c)
			out = append(out, bk)
		}
		return wrapf(rows.Err(), "facets")
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// groupValue converts a value json_extract returned to the Go type of its
// property: JSON booleans come back as 1 and 0, numbers as integers when
// they have no fraction.
func groupValue(v any, t emnkg.PropType) any {
	switch x := v.(type) {
	case int64:
		switch t {
		case emnkg.PropBool:
			return x != 0
		case emnkg.PropFloat:
			return float64(x)
		}
	case float64:
		if t == emnkg.PropInt {
			return int64(x)
		}
	case []byte:
		return string(x)
	}
	return v
}
