package graph

import (
	"encoding/json"

	"math"
	"sort"
	"strings"
	"unicode"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// filterOps maps the operator names of the schema's filter inputs to domain
// operators.
var filterOps = map[string]emnkg.Op{
	"eq": emnkg.OpEq, "in": emnkg.OpIn, "contains": emnkg.OpContains, "startsWith": emnkg.OpStartsWith,
	"gt": emnkg.OpGt, "gte": emnkg.OpGte, "lt": emnkg.OpLt, "lte": emnkg.OpLte, "exists": emnkg.OpExists,
}

// buildFilter turns a where input (as decoded by gqlgen into a map) into a
// domain filter over properties defs. It returns nil for an empty input.
func buildFilter(where map[string]any, defs []emnkg.PropDef) (*emnkg.Filter, error) {
	if where == nil {
		return nil, nil
	}
	where, err := plainJSON(where)
	if err != nil {
		return nil, err
	}
	f, err := buildFilterNode(where, defs, 0)
	if err != nil {
		return nil, err
	}
	if err := emnkg.ValidateFilter(f, defs); err != nil {
		return nil, err
	}
	return f, nil
}

func buildFilterNode(where map[string]any, defs []emnkg.PropDef, depth int) (*emnkg.Filter, error) {
	if depth > emnkg.MaxFilterDepth {
		return nil, emnkg.Errorf(emnkg.EINVALID, "Filters nest at most %d levels deep.", emnkg.MaxFilterDepth)
	}
	keys := make([]string, 0, len(where))
	for k := range where {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []*emnkg.Filter
	for _, k := range keys {
		v := where[k]
		if v == nil {
			continue
		}
		switch k {
		case "AND", "OR":
			list, ok := v.([]any)
			if !ok {
				return nil, emnkg.FieldErrorf(emnkg.EINVALID, k, "%s takes a list of filters.", k)
			}
			var subs []*emnkg.Filter
			for _, item := range list {
				m, ok := item.(map[string]any)
				if !ok {
					return nil, emnkg.FieldErrorf(emnkg.EINVALID, k, "%s takes a list of filters.", k)
				}
				sub, err := buildFilterNode(m, defs, depth+1)
				if err != nil {
					return nil, err
				}
				if sub == nil {
					sub = &emnkg.Filter{And: []*emnkg.Filter{}}
				}
				subs = append(subs, sub)
			}
			if len(subs) == 0 {
				continue
			}
			if k == "AND" {
				parts = append(parts, &emnkg.Filter{And: subs})
			} else {
				parts = append(parts, &emnkg.Filter{Or: subs})
			}
		case "NOT":
			m, ok := v.(map[string]any)
			if !ok {
				return nil, emnkg.FieldErrorf(emnkg.EINVALID, k, "NOT takes a filter.")
			}
			sub, err := buildFilterNode(m, defs, depth+1)
			if err != nil {
				return nil, err
			}
			if sub != nil {
				parts = append(parts, &emnkg.Filter{Not: sub})
			}
		default:
			ops, ok := v.(map[string]any)
			if !ok {
				return nil, emnkg.FieldErrorf(emnkg.EINVALID, k, "Field %q takes an object of operators.", k)
			}
			cmp, err := buildComparisons(k, ops, defs)
			if err != nil {
				return nil, err
			}
			parts = append(parts, cmp...)
		}
	}
	switch len(parts) {
	case 0:
		return nil, nil
	case 1:
		return parts[0], nil
	}
	return &emnkg.Filter{And: parts}, nil
}

// buildComparisons turns one field's operator object into comparisons.
func buildComparisons(field string, ops map[string]any, defs []emnkg.PropDef) ([]*emnkg.Filter, error) {
	key := field
	typ := emnkg.PropString
	if field != "id" {
		if lang, ok := ops["language"]; ok {
			l, _ := lang.(string)
			if !emnkg.ValidLanguage(l) {
				return nil, emnkg.FieldErrorf(emnkg.EINVALID, field, "Invalid language code %q.", l)
			}
			key = emnkg.LangKey(field, l)
		}
		d, ok := emnkg.LookupProp(defs, key)
		if !ok {
			return nil, emnkg.FieldErrorf(emnkg.EINVALID, field, "Cannot filter on %q.", field)
		}
		typ = d.Type
	}
	names := make([]string, 0, len(ops))
	for n := range ops {
		names = append(names, n)
	}
	sort.Strings(names)
	var out []*emnkg.Filter
	for _, name := range names {
		if name == "language" || ops[name] == nil {
			continue
		}
		op, ok := filterOps[name]
		if !ok {
			return nil, emnkg.FieldErrorf(emnkg.EINVALID, field, "Unknown operator %q.", name)
		}
		var value any
		var err error
		switch op {
		case emnkg.OpExists:
			b, ok := ops[name].(bool)
			if !ok {
				return nil, emnkg.FieldErrorf(emnkg.EINVALID, field, "exists takes a boolean.")
			}
			value = b
		case emnkg.OpIn:
			list, ok := ops[name].([]any)
			if !ok {
				return nil, emnkg.FieldErrorf(emnkg.EINVALID, field, "in takes a list.")
			}
			vals := make([]any, 0, len(list))
			for _, x := range list {
				cv, err := coerce(field, typ, x)
				if err != nil {
					return nil, err
				}
				vals = append(vals, cv)
			}
			value = vals
		default:
			if value, err = coerce(field, typ, ops[name]); err != nil {
				return nil, err
			}
		}
		out = append(out, &emnkg.Filter{Field: key, Op: op, Value: value})
	}
	return out, nil
}

// coerce converts a decoded GraphQL input value to the Go type of typ.
func coerce(field string, typ emnkg.PropType, v any) (any, error) {
	bad := emnkg.FieldErrorf(emnkg.EINVALID, field, "Wrong value type for %q.", field)
	switch typ {
	case emnkg.PropInt:
		switch x := v.(type) {
		case int:
			return int64(x), nil
		case int64:
			return x, nil
		case int32:
			return int64(x), nil
		case float64:
			if x != math.Trunc(x) {
				return nil, bad
			}
			return int64(x), nil
		case json.Number:
			i, err := x.Int64()
			if err != nil {
				return nil, bad
			}
			return i, nil
		}
		return nil, bad
	case emnkg.PropFloat:
		switch x := v.(type) {
		case float64:
			return x, nil
		case int64:
			return float64(x), nil
		case int:
			return float64(x), nil
		case json.Number:
			f, err := x.Float64()
			if err != nil {
				return nil, bad
			}
			return f, nil
		}
		return nil, bad
	case emnkg.PropBool:
		if b, ok := v.(bool); ok {
			return b, nil
		}
		return nil, bad
	default:
		if s, ok := v.(string); ok {
			return s, nil
		}
		return nil, bad
	}
}

// buildSort turns orderBy inputs into domain sort fields. onEdge marks
// relationship sort keys.
func buildSort(orders []map[string]any, onEdge bool) ([]emnkg.SortField, error) {
	var out []emnkg.SortField
	for _, typed := range orders {
		o, err := plainJSON(typed)
		if err != nil {
			return nil, err
		}
		field, _ := o["field"].(string)
		if field == "" {
			return nil, emnkg.FieldErrorf(emnkg.EINVALID, "orderBy", "Each order needs a field.")
		}
		key := camel(field)
		if lang, ok := o["language"].(string); ok && (key == "prefLabel" || key == "definition") {
			if !emnkg.ValidLanguage(lang) {
				return nil, emnkg.FieldErrorf(emnkg.EINVALID, "orderBy", "Invalid language code %q.", lang)
			}
			key = emnkg.LangKey(key, lang)
		}
		dir, _ := o["direction"].(string)
		out = append(out, emnkg.SortField{Field: key, Desc: dir == "DESC", OnEdge: onEdge})
	}
	return out, nil
}

// camel turns an enum value such as COUNTRY_CODE into a property key such as
// countryCode.
func camel(s string) string {
	if s == "ID" {
		return "id"
	}
	var b strings.Builder
	up := false
	for i, r := range strings.ToLower(s) {
		switch {
		case r == '_':
			up = true
		case up && i > 0:
			b.WriteRune(unicode.ToUpper(r))
			up = false
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// kindDefs returns the property definitions a where input of kind k is
// checked against ("" for the common fields of every node).
func kindDefs(k emnkg.Kind) []emnkg.PropDef {
	if k == "" {
		return emnkg.NodeProps("")
	}
	return emnkg.NodeProps(k)
}

// plainJSON turns an input map as gqlgen decodes it (nested inputs as
// generated structs, enums as named string types) into plain JSON values:
// maps, lists, strings, json.Number and booleans.
func plainJSON(in map[string]any) (map[string]any, error) {
	raw, err := json.Marshal(in)
	if err != nil {
		return nil, emnkg.Errorf(emnkg.EINVALID, "Unreadable filter input.")
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	var out map[string]any
	if err := dec.Decode(&out); err != nil {
		return nil, emnkg.Errorf(emnkg.EINVALID, "Unreadable filter input.")
	}
	return out, nil
}
