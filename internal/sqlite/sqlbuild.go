package sqlite

import (
	"math"
	"strconv"
	"strings"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// builder collects the bound arguments of one SQL statement. Placeholders
// are numbered (?1, ?2, ...) so that fragments may be built in any order and
// a value used twice, such as a JSON path, is bound once.
//
// Nothing a caller sends is ever pasted into SQL text: values and JSON paths
// are bound. The text holds only what this package chose: table aliases,
// column names and the constant JSON paths of the expression indexes (see
// indexedPath), which a query must spell out for SQLite to use the index.
type builder struct {
	args  []any
	paths map[string]string
}

// arg binds v and returns its placeholder.
func (b *builder) arg(v any) string {
	b.args = append(b.args, v)
	return "?" + strconv.Itoa(len(b.args))
}

// path binds the JSON path of a property key (once per statement) and
// returns its placeholder.
func (b *builder) path(key string) string {
	if p, ok := b.paths[key]; ok {
		return p
	}
	if b.paths == nil {
		b.paths = make(map[string]string)
	}
	// The key comes from the schema's allow-list (checked by Validate), and
	// is quoted in the path all the same.
	p := b.arg(`$."` + key + `"`)
	b.paths[key] = p
	return p
}

// prop returns the SQL expression of property key of the row aliased alias:
// NULL when the property is absent.
func (b *builder) prop(alias, key string) string {
	if p, ok := indexedPath(key); ok {
		return "json_extract(" + alias + ".props, " + p + ")"
	}
	return "json_extract(" + alias + ".props, " + b.path(key) + ")"
}

// field returns the SQL expression of a filter or sort field: the id column
// for "id", else the property.
func (b *builder) field(alias, name string) string {
	if name == "id" {
		return alias + ".id"
	}
	return b.prop(alias, name)
}

// filter returns the SQL condition of a validated filter on the row aliased
// alias. SQL's three-valued logic is Cypher's: a comparison with an absent
// property (NULL) is NULL, NOT NULL is NULL, and a row matches only when
// the condition is true.
func (b *builder) filter(f *emnkg.Filter, alias string) (string, error) {
	if f == nil {
		return "1", nil
	}
	switch {
	case len(f.And) > 0:
		return b.combine(f.And, alias, " AND ")
	case len(f.Or) > 0:
		return b.combine(f.Or, alias, " OR ")
	case f.Not != nil:
		c, err := b.filter(f.Not, alias)
		if err != nil {
			return "", err
		}
		return "(NOT " + c + ")", nil
	}
	x := b.field(alias, f.Field)
	if f.Op == emnkg.OpExists {
		want, _ := f.Value.(bool)
		switch {
		case f.Field == "id" && want:
			return "1", nil
		case f.Field == "id":
			return "0", nil
		case want:
			return "(" + x + " IS NOT NULL)", nil
		default:
			return "(" + x + " IS NULL)", nil
		}
	}
	if f.Op == emnkg.OpIn {
		vs, _ := f.Value.([]any)
		if len(vs) == 0 {
			// SQL (and Cypher) say NULL IN () is false; an absent
			// property stays unknown, as in every other comparison.
			return "(CASE WHEN " + x + " IS NULL THEN NULL ELSE 0 END)", nil
		}
		list := make([]any, len(vs))
		for i, v := range vs {
			sv, err := sqlValue(f.Field, v)
			if err != nil {
				return "", err
			}
			list[i] = sv
		}
		js, err := encodeJSON(list)
		if err != nil {
			return "", emnkg.FieldErrorf(emnkg.EINVALID, f.Field, "Invalid list of values.")
		}
		// json_each yields the values with their SQL types: text, integer
		// or real.
		return "(" + x + " IN (SELECT value FROM json_each(" + b.arg(js) + ")))", nil
	}
	v, err := sqlValue(f.Field, f.Value)
	if err != nil {
		return "", err
	}
	switch f.Op {
	case emnkg.OpEq:
		return "(" + x + " = " + b.arg(v) + ")", nil
	case emnkg.OpGt:
		return "(" + x + " > " + b.arg(v) + ")", nil
	case emnkg.OpGte:
		return "(" + x + " >= " + b.arg(v) + ")", nil
	case emnkg.OpLt:
		return "(" + x + " < " + b.arg(v) + ")", nil
	case emnkg.OpLte:
		return "(" + x + " <= " + b.arg(v) + ")", nil
	case emnkg.OpContains:
		// instr is case-sensitive and, unlike LIKE, has no wildcards.
		return "(instr(" + x + ", " + b.arg(v) + ") > 0)", nil
	case emnkg.OpStartsWith:
		return "(instr(" + x + ", " + b.arg(v) + ") = 1)", nil
	}
	return "", emnkg.FieldErrorf(emnkg.EINVALID, f.Field, "Unknown filter operator %q.", f.Op)
}

func (b *builder) combine(fs []*emnkg.Filter, alias, op string) (string, error) {
	parts := make([]string, len(fs))
	for i, c := range fs {
		s, err := b.filter(c, alias)
		if err != nil {
			return "", err
		}
		parts[i] = s
	}
	return "(" + strings.Join(parts, op) + ")", nil
}

// sqlValue converts a validated filter value to the value SQLite compares
// json_extract's result with: booleans become 1 and 0, as JSON true and
// false do.
func sqlValue(field string, v any) (any, error) {
	switch x := v.(type) {
	case bool:
		if x {
			return int64(1), nil
		}
		return int64(0), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, emnkg.FieldErrorf(emnkg.EINVALID, field, "Numbers must be finite.")
		}
	}
	return v, nil
}

// orderBy returns the terms of an ORDER BY for the sort fields, node
// properties read from the row aliased node and relationship properties
// from the row aliased edge, ending with the node's id ascending (and the
// edge's id when there is an edge). Absent values sort last in ascending
// and first in descending order, as in Cypher.
func (b *builder) orderBy(sorts []emnkg.SortField, node, edge string) string {
	terms := make([]string, 0, len(sorts)+2)
	for _, s := range sorts {
		var x string
		if s.OnEdge {
			x = b.field(edge, s.Field)
		} else {
			x = b.field(node, s.Field)
		}
		switch {
		case s.Desc && s.Field == "id":
			terms = append(terms, x+" DESC")
		case s.Desc:
			// NULLS FIRST, spelled as the descending indexes of
			// migrationV6 order, so that SQLite can read one in order.
			terms = append(terms, "("+x+" IS NULL) DESC, "+x+" DESC")
		default:
			terms = append(terms, x+" ASC NULLS LAST")
		}
	}
	terms = append(terms, node+".id ASC")
	if edge != "" {
		terms = append(terms, edge+".id ASC")
	}
	return strings.Join(terms, ", ")
}

// inList returns the condition that expr is one of values, bound as one
// JSON list (or as one value when there is one), or "1" when values is
// empty (no restriction).
func (b *builder) inList(expr string, values []string) (string, error) {
	switch len(values) {
	case 0:
		return "1", nil
	case 1:
		return "(" + expr + " = " + b.arg(values[0]) + ")", nil
	}
	js, err := encodeJSON(values)
	if err != nil {
		return "", emnkg.Errorf(emnkg.EINVALID, "Invalid list of values.")
	}
	return "(" + expr + " IN (SELECT value FROM json_each(" + b.arg(js) + ")))", nil
}

// kindIn returns the condition that expr is one of kinds (any when empty).
func (b *builder) kindIn(expr string, kinds []emnkg.Kind) (string, error) {
	vs := make([]string, len(kinds))
	for i, k := range kinds {
		vs[i] = string(k)
	}
	return b.inList(expr, vs)
}

// typeIn returns the condition that expr is one of types (any when empty).
func (b *builder) typeIn(expr string, types []emnkg.RelType) (string, error) {
	vs := make([]string, len(types))
	for i, t := range types {
		vs[i] = string(t)
	}
	return b.inList(expr, vs)
}

// idList binds ids as one JSON list and returns its placeholder.
func (b *builder) idList(ids []string) (string, error) {
	js, err := encodeJSON(ids)
	if err != nil {
		return "", emnkg.Errorf(emnkg.EINVALID, "Invalid IDs.")
	}
	return b.arg(js), nil
}
