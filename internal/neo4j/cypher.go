package neo4j

import (
	"fmt"
	"strings"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// params collects the parameters of one query as $p0, $p1, ...
type params struct {
	m map[string]any
}

func newParams() *params { return &params{m: map[string]any{}} }

// add stores v as a new parameter and returns its reference.
func (p *params) add(v any) string {
	name := fmt.Sprintf("p%d", len(p.m))
	p.m[name] = v
	return "$" + name
}

// set stores v under a fixed name (which must not look like $p<n>).
func (p *params) set(name string, v any) string {
	p.m[name] = v
	return "$" + name
}

// fieldExpr returns the Cypher expression for a validated filter or sort
// field of variable v: the ID or a (backticked) property.
func fieldExpr(v, field string) string {
	if field == "id" {
		return v + "." + keyID
	}
	return v + "." + quote(field)
}

// filter returns the Cypher predicate of a validated filter on variable v,
// or "" for no filter. Cypher's three-valued logic gives the semantics of
// emnkg.Filter: a comparison on an absent property is null, which neither
// matches nor matches when negated.
func (p *params) filter(f *emnkg.Filter, v string) (string, error) {
	if f == nil {
		return "", nil
	}
	switch {
	case len(f.And) > 0 || len(f.Or) > 0:
		list, sep := f.And, " AND "
		if len(f.Or) > 0 {
			list, sep = f.Or, " OR "
		}
		parts := make([]string, 0, len(list))
		for _, c := range list {
			s, err := p.filter(c, v)
			if err != nil {
				return "", err
			}
			if s == "" {
				return "", emnkg.Errorf(emnkg.EINVALID, "Empty filter in a list.")
			}
			parts = append(parts, s)
		}
		return "(" + strings.Join(parts, sep) + ")", nil
	case f.Not != nil:
		s, err := p.filter(f.Not, v)
		if err != nil {
			return "", err
		}
		if s == "" {
			return "", emnkg.Errorf(emnkg.EINVALID, "Empty filter under NOT.")
		}
		return "(NOT " + s + ")", nil
	}
	if f.Field == "" {
		return "", emnkg.Errorf(emnkg.EINVALID, "A filter comparison needs a field.")
	}
	x := fieldExpr(v, f.Field)
	switch f.Op {
	case emnkg.OpEq:
		return x + " = " + p.add(f.Value), nil
	case emnkg.OpGt:
		return x + " > " + p.add(f.Value), nil
	case emnkg.OpGte:
		return x + " >= " + p.add(f.Value), nil
	case emnkg.OpLt:
		return x + " < " + p.add(f.Value), nil
	case emnkg.OpLte:
		return x + " <= " + p.add(f.Value), nil
	case emnkg.OpContains:
		return x + " CONTAINS " + p.add(f.Value), nil
	case emnkg.OpStartsWith:
		return x + " STARTS WITH " + p.add(f.Value), nil
	case emnkg.OpIn:
		vs, ok := f.Value.([]any)
		if !ok {
			return "", emnkg.FieldErrorf(emnkg.EINVALID, f.Field, "in takes a list of values.")
		}
		if len(vs) == 0 {
			// Cypher says null IN [] is false; keep an absent property
			// unknown, like every other comparison.
			return "(CASE WHEN " + x + " IS NULL THEN null ELSE false END)", nil
		}
		return x + " IN " + p.add(vs), nil
	case emnkg.OpExists:
		b, ok := f.Value.(bool)
		if !ok {
			return "", emnkg.FieldErrorf(emnkg.EINVALID, f.Field, "exists takes true or false.")
		}
		if b {
			return x + " IS NOT NULL", nil
		}
		return x + " IS NULL", nil
	}
	return "", emnkg.FieldErrorf(emnkg.EINVALID, f.Field, "Unknown filter operator %q.", f.Op)
}

// where joins predicates into a WHERE clause, or "" when there are none.
func where(preds ...string) string {
	var parts []string
	for _, p := range preds {
		if p != "" {
			parts = append(parts, p)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(parts, " AND ")
}

// orderBy returns the ORDER BY clause of validated sort fields over node
// variable n and (when not "") relationship variable r. The node ID, then
// the relationship ID, end every order so that it is total. Cypher puts
// nulls last in ascending and first in descending order, as emnkg wants.
func orderBy(sorts []emnkg.SortField, n, r string) string {
	parts := make([]string, 0, len(sorts)+2)
	for _, s := range sorts {
		v := n
		if s.OnEdge {
			v = r
		}
		dir := " ASC"
		if s.Desc {
			dir = " DESC"
		}
		parts = append(parts, fieldExpr(v, s.Field)+dir)
	}
	parts = append(parts, n+"."+keyID+" ASC")
	if r != "" {
		parts = append(parts, r+"."+keyID+" ASC")
	}
	return " ORDER BY " + strings.Join(parts, ", ")
}

// idHint returns the hint that makes Cypher find node variable v by seeks
// in the ID constraint's index. Without it the planner may scan that index
// and filter (it did so, at times, on a small test database), which costs
// a scan of every node per ID on a large one.
func idHint(v string) string { return " USING INDEX SEEK " + v + ":" + nodeLabel + "(id)" }

// relIDHint returns the hint that makes Cypher find relationship variable
// v of type t by seeks in its ID constraint's index.
func relIDHint(v string, t emnkg.RelType) string {
	return " USING INDEX SEEK " + v + ":" + quote(string(t)) + "(id)"
}

// filterUsesID reports whether a filter compares the ID anywhere.
func filterUsesID(f *emnkg.Filter) bool {
	if f == nil {
		return false
	}
	if f.Field == "id" {
		return true
	}
	for _, c := range f.And {
		if filterUsesID(c) {
			return true
		}
	}
	for _, c := range f.Or {
		if filterUsesID(c) {
			return true
		}
	}
	return filterUsesID(f.Not)
}

// Projections that return nodes and relationships as maps, decoded by
// decodeNode and decodeEdge. A node's search words stay in the database:
// they can be as long as all its texts together.
func nodeMap(v string) string {
	return fmt.Sprintf("{id: %[1]s.id, labels: labels(%[1]s), props: %[1]s{.*, %[2]s: null, %[3]s: null, %[4]s: null, %[5]s: null}}",
		v, keySearchTop, keySearchMid, keySearchLow, keySearchTopLength)
}

func edgeMap(v string) string {
	return fmt.Sprintf("{type: type(%[1]s), from: startNode(%[1]s).id, to: endNode(%[1]s).id, props: properties(%[1]s)}", v)
}
