package sqlite

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// groupField returns the type of the values of a group key's field on
// nodes of kind: "id" or a filterable property (never a list).
func groupField(kind emnkg.Kind, field string) (emnkg.PropType, error) {
	if field == "id" {
		return emnkg.PropString, nil
	}
	d, ok := emnkg.LookupProp(emnkg.NodeProps(kind), field)
	if !ok || !d.Filterable {
		return 0, emnkg.FieldErrorf(emnkg.EINVALID, field, "Cannot group %s nodes by %q.", kind, field)
	}
	return d.Type, nil
}

// validateHop checks the hop of a group key from nodes of kind.
func validateHop(kind emnkg.Kind, h *emnkg.Hop) error {
	def, ok := emnkg.LookupRel(h.Type)
	if !ok {
		return invalid("Unknown relationship type %q.", h.Type)
	}
	if err := checkDirection(h.Direction); err != nil {
		return err
	}
	if !h.Kind.Valid() {
		return invalid("Unknown node kind %q.", h.Kind)
	}
	outOK := h.Direction != emnkg.DirectionIn && def.Allows(kind, h.Kind)
	inOK := h.Direction != emnkg.DirectionOut && def.Allows(h.Kind, kind)
	if !outOK && !inOK {
		return invalid("A %s relationship never joins a %s to a %s that way.", h.Type, kind, h.Kind)
	}
	return nil
}

// validateFacets checks q and returns the value type of each group key.
func validateFacets(q emnkg.FacetQuery) ([]emnkg.PropType, error) {
	if !q.Kind.Valid() {
		return nil, invalid("Unknown node kind %q.", q.Kind)
	}
	if len(q.GroupBy) < 1 || len(q.GroupBy) > 2 {
		return nil, invalid("Group by one or two keys.")
	}
	if err := checkLimit(q.Limit, emnkg.MaxPageSize); err != nil {
		return nil, err
	}
	if err := emnkg.ValidateFilter(q.Filter, emnkg.NodeProps(q.Kind)); err != nil {
		return nil, err
	}
	types := make([]emnkg.PropType, len(q.GroupBy))
	for i, k := range q.GroupBy {
		kind := q.Kind
		if k.Via != nil {
			if err := validateHop(q.Kind, k.Via); err != nil {
				return nil, err
			}
			kind = k.Via.Kind
		}
		t, err := groupField(kind, k.Field)
		if err != nil {
			return nil, err
		}
		types[i] = t
	}
	return types, nil
}

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
// or two keys, in SQL.
func (s *Store) Facets(ctx context.Context, q emnkg.FacetQuery) ([]emnkg.FacetBucket, error) {
	types, err := validateFacets(q)
	if err != nil {
		return nil, err
	}
	out := []emnkg.FacetBucket{}
	if q.Limit == 0 {
		return out, nil
	}
	query, args, err := facetsQuery(q)
	if err != nil {
		return nil, err
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
