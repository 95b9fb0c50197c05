package seed

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// props is a property map under construction; its setters skip empty
// values, so that absent facts stay absent keys.
type props map[string]any

func (p props) str(k, v string) props {
	if v != "" {
		p[k] = v
	}
	return p
}

func (p props) list(k string, v []string) props {
	if len(v) > 0 {
		p[k] = append([]string(nil), v...)
	}
	return p
}

func (p props) flag(k string, v bool) props {
	if v {
		p[k] = true
	}
	return p
}

// src sets source and additionalSources: the union of the given lists in
// order, without duplicates and without the main source.
func src(source string, additional ...[]string) props {
	p := props{"source": source}
	seen := map[string]bool{source: true}
	var extra []string
	for _, l := range additional {
		for _, s := range l {
			if s != "" && !seen[s] {
				seen[s] = true
				extra = append(extra, s)
			}
		}
	}
	return p.list("additionalSources", extra)
}

// with copies p and adds the entries of q.
func (p props) with(q props) props {
	out := make(props, len(p)+len(q))
	for k, v := range p {
		out[k] = v
	}
	for k, v := range q {
		out[k] = v
	}
	return out
}

// clone copies p and its lists, so that one property map is never shared
// by two nodes or relationships.
func (p props) clone() map[string]any {
	out := make(map[string]any, len(p))
	for k, v := range p {
		if l, ok := v.([]string); ok {
			v = append([]string(nil), l...)
		}
		out[k] = v
	}
	return out
}

// builder collects nodes and edges by ID.
type builder struct {
	nodes map[string]*emnkg.Node
	edges map[string]*emnkg.Edge
	errs  []error
}

func newBuilder() *builder {
	return &builder{nodes: map[string]*emnkg.Node{}, edges: map[string]*emnkg.Edge{}}
}

func (b *builder) fail(format string, args ...any) {
	b.errs = append(b.errs, fmt.Errorf("seed: "+format, args...))
}

// addNode adds a node from a data record; an ID seen before is an error.
func (b *builder) addNode(id string, kind emnkg.Kind, p props) {
	if _, dup := b.nodes[id]; dup {
		b.fail("duplicate node ID %q", id)
		return
	}
	if s, _ := p["source"].(string); s == "" {
		b.fail("node %s has no source", id)
	}
	b.nodes[id] = &emnkg.Node{ID: id, Kind: kind, Props: p.clone()}
}

// ensureNode adds a node made from free text unless it exists; an existing
// node of the same kind gains the new sources.
func (b *builder) ensureNode(id string, kind emnkg.Kind, p props) {
	n, ok := b.nodes[id]
	if !ok {
		b.addNode(id, kind, p)
		return
	}
	if n.Kind != kind {
		b.fail("node %s exists as %s, wanted %s", id, n.Kind, kind)
		return
	}
	mergeSources(n.Props, p)
}

func (b *builder) kindOf(id string) emnkg.Kind {
	if n, ok := b.nodes[id]; ok {
		return n.Kind
	}
	return ""
}

// edge adds a relationship; the same relationship added again (from
// another record) only gains that record's sources.
func (b *builder) edge(from string, t emnkg.RelType, to, key string, p props) {
	if s, _ := p["source"].(string); s == "" {
		b.fail("%s %s->%s has no source", t, from, to)
	}
	if def, ok := emnkg.LookupRel(t); ok && def.Symmetric && to < from {
		from, to = to, from
	}
	id := emnkg.EdgeID(from, t, to, key)
	if e, ok := b.edges[id]; ok {
		mergeSources(e.Props, p)
		return
	}
	b.edges[id] = &emnkg.Edge{ID: id, Type: t, From: from, To: to, Props: p.clone()}
}

// mergeSources adds the source and additional sources of q to dst's
// additional sources.
func mergeSources(dst map[string]any, q props) {
	main, _ := dst["source"].(string)
	have, _ := dst["additionalSources"].([]string)
	add := []string{}
	if s, ok := q["source"].(string); ok {
		add = append(add, s)
	}
	if l, ok := q["additionalSources"].([]string); ok {
		add = append(add, l...)
	}
	merged := src(main, have, add)
	if l, ok := merged["additionalSources"]; ok {
		dst["additionalSources"] = l
	}
}

// graph returns the collected graph in a canonical order: nodes by kind
// (in the order of emnkg.Kinds) then ID, relationships by ID. Every
// relationship end must be a collected node.
func (b *builder) graph() (*emnkg.Graph, error) {
	for _, e := range b.edges {
		for _, end := range []string{e.From, e.To} {
			if _, ok := b.nodes[end]; !ok {
				b.fail("relationship %s ends at unknown node %q", e.ID, end)
			}
		}
	}
	if len(b.errs) > 0 {
		sort.Slice(b.errs, func(i, j int) bool { return b.errs[i].Error() < b.errs[j].Error() })
		return nil, errors.Join(b.errs...)
	}
	rank := map[emnkg.Kind]int{}
	for i, k := range emnkg.Kinds() {
		rank[k] = i
	}
	g := &emnkg.Graph{}
	for _, n := range b.nodes {
		g.Nodes = append(g.Nodes, n)
	}
	sort.Slice(g.Nodes, func(i, j int) bool {
		a, c := g.Nodes[i], g.Nodes[j]
		if rank[a.Kind] != rank[c.Kind] {
			return rank[a.Kind] < rank[c.Kind]
		}
		return a.ID < c.ID
	})
	for _, e := range b.edges {
		g.Edges = append(g.Edges, e)
	}
	sort.Slice(g.Edges, func(i, j int) bool { return g.Edges[i].ID < g.Edges[j].ID })
	return g, nil
}

// slug lower-cases s and joins its runs of ASCII letters and digits with
// hyphens; apostrophes are dropped ("Prosecutor's" gives "prosecutors").
func slug(s string) string {
	var sb strings.Builder
	pending := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r == '\'' || r == '\u2019':
			continue
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if pending && sb.Len() > 0 {
				sb.WriteByte('-')
			}
			pending = false
			sb.WriteRune(r)
		default:
			pending = true
		}
	}
	return sb.String()
}
