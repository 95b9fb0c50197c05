package graph

import (
	"reflect"
	"strings"

	"github.com/emnkg/emnkg/graph/model"
	"github.com/emnkg/emnkg/internal/emnkg"
)

// kindByName maps the schema's NodeKind enum to domain kinds and back.
var kindEnum = map[model.NodeKind]emnkg.Kind{
	model.NodeKindOrganisation:         emnkg.KindOrganisation,
	model.NodeKindNationalContactPoint: emnkg.KindNationalContactPoint,
	model.NodeKindPerson:               emnkg.KindPerson,
	model.NodeKindNetwork:              emnkg.KindNetwork,
	model.NodeKindCountry:              emnkg.KindCountry,
	model.NodeKindDocument:             emnkg.KindDocument,
	model.NodeKindGlossaryTerm:         emnkg.KindGlossaryTerm,
	model.NodeKindFund:                 emnkg.KindFund,
}

// toModel converts a domain node into the API type of its kind.
func toModel(n *emnkg.Node) model.Node {
	if n == nil {
		return nil
	}
	switch n.Kind {
	case emnkg.KindOrganisation:
		return fill(&model.Organisation{}, n)
	case emnkg.KindNationalContactPoint:
		return fill(&model.NationalContactPoint{}, n)
	case emnkg.KindPerson:
		return fill(&model.Person{}, n)
	case emnkg.KindNetwork:
		return fill(&model.Network{}, n)
	case emnkg.KindCountry:
		return fill(&model.Country{}, n)
	case emnkg.KindDocument:
		return fill(&model.Document{}, n)
	case emnkg.KindGlossaryTerm:
		t := fill(&model.GlossaryTerm{}, n)
		t.PrefLabels = langStrings(n, "prefLabel")
		t.Definitions = langStrings(n, "definition")
		t.ScopeNotes = langStrings(n, "scopeNote")
		t.AltLabels = langStringLists(n, "altLabels")
		t.HiddenLabels = langStringLists(n, "hiddenLabels")
		return t
	case emnkg.KindFund:
		return fill(&model.Fund{}, n)
	}
	return nil
}

// asKind converts a node and asserts its API type; a node of another kind
// yields the zero value (it cannot occur: queries restrict the kind).
func asKind[T model.Node](n *emnkg.Node) T {
	t, _ := toModel(n).(T)
	return t
}

// displayName picks the text a person would call the node by.
func displayName(n *emnkg.Node) string {
	for _, k := range []string{"name", "title", "prefLabel_en"} {
		if s := n.String(k); s != "" {
			return s
		}
	}
	if langs, vals := emnkg.LangValues(n.Props, "prefLabel"); len(langs) > 0 {
		if s, ok := vals[langs[0]].(string); ok {
			return s
		}
	}
	return n.ID
}

// fieldPlan says which property fills which struct field of a model type.
type fieldPlan struct {
	index int
	key   string
}

// planFor lists the struct fields of model type t that hold properties.
func planFor(t reflect.Type) []fieldPlan {
	var out []fieldPlan
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		key, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch key {
		case "", "-", "id", "version", "displayName":
			continue
		}
		switch f.Type {
		case reflect.TypeFor[string](), reflect.TypeFor[*string](), reflect.TypeFor[*int](),
			reflect.TypeFor[*bool](), reflect.TypeFor[[]string]():
			out = append(out, fieldPlan{index: i, key: key})
		}
	}
	return out
}

// fill copies a node's ID, version and properties into the model struct
// dst, matching properties to fields by their JSON names, and returns dst.
func fill[T any](dst *T, n *emnkg.Node) *T {
	v := reflect.ValueOf(dst).Elem()
	v.FieldByName("ID").SetString(n.ID)
	v.FieldByName("Version").SetInt(n.Version)
	v.FieldByName("DisplayName").SetString(displayName(n))
	for _, p := range planFor(v.Type()) {
		f := v.Field(p.index)
		val, ok := n.Props[p.key]
		switch f.Type() {
		case reflect.TypeFor[[]string]():
			list, _ := val.([]string)
			if list == nil {
				list = []string{}
			}
			f.Set(reflect.ValueOf(list))
		case reflect.TypeFor[string]():
			s, _ := val.(string)
			f.SetString(s)
		case reflect.TypeFor[*string]():
			if s, isStr := val.(string); ok && isStr {
				f.Set(reflect.ValueOf(&s))
			}
		case reflect.TypeFor[*int]():
			if i, isInt := val.(int64); ok && isInt {
				x := int(i)
				f.Set(reflect.ValueOf(&x))
			}
		case reflect.TypeFor[*bool]():
			if b, isBool := val.(bool); ok && isBool {
				f.Set(reflect.ValueOf(&b))
			}
		}
	}
	return dst
}

func langStrings(n *emnkg.Node, name string) []*model.LangString {
	langs, vals := emnkg.LangValues(n.Props, name)
	out := make([]*model.LangString, 0, len(langs))
	for _, l := range langs {
		if s, ok := vals[l].(string); ok {
			out = append(out, &model.LangString{Language: l, Value: s})
		}
	}
	return out
}

func langStringLists(n *emnkg.Node, name string) []*model.LangStrings {
	langs, vals := emnkg.LangValues(n.Props, name)
	out := make([]*model.LangStrings, 0, len(langs))
	for _, l := range langs {
		if s, ok := vals[l].([]string); ok {
			out = append(out, &model.LangStrings{Language: l, Values: s})
		}
	}
	return out
}

// toRelationship converts a domain edge into the API type.
func toRelationship(e *emnkg.Edge) *model.Relationship {
	r := &model.Relationship{ID: e.ID, Type: model.RelationshipType(e.Type), From: e.From, To: e.To}
	str := func(k string) *string {
		if s, ok := e.Props[k].(string); ok {
			return &s
		}
		return nil
	}
	boolean := func(k string) *bool {
		if b, ok := e.Props[k].(bool); ok {
			return &b
		}
		return nil
	}
	r.Role, r.Since, r.Until, r.Status = str("role"), str("since"), str("until"), str("status")
	r.Source, r.Note, r.Method = str("source"), str("note"), str("method")
	r.CreatedBy, r.CreatedAt = str("createdBy"), str("createdAt")
	r.Uncertain, r.Synthetic = boolean("uncertain"), boolean("synthetic")
	r.AdditionalSources, _ = e.Props["additionalSources"].([]string)
	if r.AdditionalSources == nil {
		r.AdditionalSources = []string{}
	}
	return r
}
