package graph

import (
	"context"
	"strings"
	"time"

	"github.com/emnkg/emnkg/graph/model"
	"github.com/emnkg/emnkg/internal/emnkg"
)

// Limits of researcher queries that the resolver enforces.
const (
	maxSearchQueryLength = 500
	maxSearchTokens      = 12
	maxFacetBuckets      = 1000
	maxDegreeRanking     = 1000
	maxCypherRows        = 10000
	defaultCypherRows    = 1000
	maxCypherTimeout     = 60 * time.Second
	defaultCypherTimeout = 10 * time.Second
)

// explorer returns the store's graph-query side.
func (r *Resolver) explorer() (emnkg.GraphReader, error) {
	g, ok := r.Store.(emnkg.GraphReader)
	if !ok {
		return nil, emnkg.Errorf(emnkg.ENOTSUPPORTED, "This store does not support graph queries.")
	}
	return g, nil
}

func domainKinds(kinds []model.NodeKind) []emnkg.Kind {
	out := make([]emnkg.Kind, 0, len(kinds))
	for _, k := range kinds {
		out = append(out, kindEnum[k])
	}
	return out
}

func domainTypes(types []model.RelationshipType) []emnkg.RelType {
	out := make([]emnkg.RelType, 0, len(types))
	for _, t := range types {
		out = append(out, emnkg.RelType(t))
	}
	return out
}

func domainDirection(d *model.Direction) emnkg.Direction {
	if d == nil {
		return emnkg.DirectionBoth
	}
	return emnkg.Direction(*d)
}

func intOr(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}

// toGraphEdge converts a relationship for graph-drawing clients.
func toGraphEdge(e *emnkg.Edge) *model.GraphEdge {
	if e == nil {
		return nil
	}
	props := make(map[string]any, len(e.Props))
	for k, v := range e.Props {
		props[k] = v
	}
	return &model.GraphEdge{ID: e.ID, Type: model.RelationshipType(e.Type), Source: e.From, Target: e.To,
		Properties: props, Relationship: toRelationship(e)}
}

func toSubgraph(sg *emnkg.Subgraph) *model.Subgraph {
	out := &model.Subgraph{Nodes: make([]model.Node, 0, len(sg.Nodes)), Edges: make([]*model.GraphEdge, 0, len(sg.Edges)),
		Truncated: sg.Truncated}
	for _, n := range sg.Nodes {
		out.Nodes = append(out.Nodes, toModel(n))
	}
	for _, e := range sg.Edges {
		out.Edges = append(out.Edges, toGraphEdge(e))
	}
	return out
}

func toPath(p emnkg.Path) *model.Path {
	out := &model.Path{Length: len(p.Edges), Nodes: make([]model.Node, 0, len(p.Nodes)), Edges: make([]*model.GraphEdge, 0, len(p.Edges))}
	for _, n := range p.Nodes {
		out.Nodes = append(out.Nodes, toModel(n))
	}
	for _, e := range p.Edges {
		out.Edges = append(out.Edges, toGraphEdge(e))
	}
	return out
}

// search answers the search field.
func (r *Resolver) search(ctx context.Context, query string, kinds []model.NodeKind, languages []string,
	first *int, after *string) (*model.SearchConnection, error) {
	g, err := r.explorer()
	if err != nil {
		return nil, err
	}
	if len(query) > maxSearchQueryLength {
		return nil, emnkg.FieldErrorf(emnkg.EINVALID, "query", "A search query has at most %d characters.", maxSearchQueryLength)
	}
	tokens := emnkg.Tokenize(query)
	if len(tokens) == 0 {
		return nil, emnkg.FieldErrorf(emnkg.EINVALID, "query", "A search query needs at least one word.")
	}
	if len(tokens) > maxSearchTokens {
		return nil, emnkg.FieldErrorf(emnkg.EINVALID, "query", "A search query has at most %d words.", maxSearchTokens)
	}
	w, err := pageArgs{First: first, After: after}.window(r.DefaultPageSize)
	if err != nil {
		return nil, err
	}
	// The store checks the languages.
	cands, err := g.SearchCandidates(ctx, emnkg.SearchCandidatesQuery{Tokens: tokens, Kinds: domainKinds(kinds),
		Languages: languages, Limit: emnkg.MaxSearchLimit})
	if err != nil {
		return nil, err
	}
	// Every candidate is ranked; only the page's hits get snippets.
	page, total := emnkg.RankSearchPage(cands.Nodes, query, languages, w.Offset, w.Limit)
	end := w.Offset + len(page)
	placedHits, info := arrange(w, page, total, end < total)
	conn := &model.SearchConnection{PageInfo: info, TotalCount: total, Truncated: cands.More,
		Edges: []*model.SearchHit{}, Nodes: []model.Node{}}
	for _, ph := range placedHits {
		h := ph.Item
		n := toModel(h.Node)
		hit := &model.SearchHit{Cursor: encodeCursor(ph.Offset), Node: n, Score: h.Score, Field: h.Field, Snippet: h.Snippet}
		if i := strings.LastIndexByte(h.Field, '_'); i > 0 {
			lang := h.Field[i+1:]
			hit.Language = &lang
		}
		conn.Edges = append(conn.Edges, hit)
		conn.Nodes = append(conn.Nodes, n)
	}
	return conn, nil
}

func (r *Resolver) neighbourhood(ctx context.Context, ids []string, depth *int, types []model.RelationshipType,
	dir *model.Direction, kinds []model.NodeKind, limit *int) (*model.Subgraph, error) {
	g, err := r.explorer()
	if err != nil {
		return nil, err
	}
	sg, err := emnkg.Neighbourhood(ctx, g, emnkg.NeighbourhoodQuery{IDs: ids, Depth: intOr(depth, 1),
		Types: domainTypes(types), Direction: domainDirection(dir), Kinds: domainKinds(kinds), Limit: intOr(limit, 200)})
	if err != nil {
		return nil, err
	}
	return toSubgraph(sg), nil
}

func (r *Resolver) subgraph(ctx context.Context, ids []string) (*model.Subgraph, error) {
	g, err := r.explorer()
	if err != nil {
		return nil, err
	}
	sg, err := emnkg.SubgraphOf(ctx, g, ids)
	if err != nil {
		return nil, err
	}
	return toSubgraph(sg), nil
}

func (r *Resolver) shortestPaths(ctx context.Context, from, to string, types []model.RelationshipType,
	dir *model.Direction, maxDepth, maxPaths *int, all bool) ([]*model.Path, error) {
	g, err := r.explorer()
	if err != nil {
		return nil, err
	}
	paths, err := emnkg.ShortestPaths(ctx, g, emnkg.PathQuery{From: from, To: to, Types: domainTypes(types),
		Direction: domainDirection(dir), MaxDepth: intOr(maxDepth, 6), MaxPaths: intOr(maxPaths, 25)}, all)
	if err != nil {
		return nil, err
	}
	out := make([]*model.Path, 0, len(paths))
	for _, p := range paths {
		out = append(out, toPath(p))
	}
	return out, nil
}

// filterOperators maps the FilterOperator enum to domain operators.
var filterOperators = map[string]emnkg.Op{
	"EQ": emnkg.OpEq, "IN": emnkg.OpIn, "CONTAINS": emnkg.OpContains, "STARTS_WITH": emnkg.OpStartsWith,
	"GT": emnkg.OpGt, "GTE": emnkg.OpGte, "LT": emnkg.OpLt, "LTE": emnkg.OpLte, "EXISTS": emnkg.OpExists,
}

// propertyKey resolves a property name and optional language to a key of
// defs.
func propertyKey(field string, m map[string]any, defs []emnkg.PropDef) (string, emnkg.PropDef, error) {
	name, _ := m["property"].(string)
	key := name
	if lang, ok := m["language"].(string); ok && lang != "" {
		if !emnkg.ValidLanguage(lang) {
			return "", emnkg.PropDef{}, emnkg.FieldErrorf(emnkg.EINVALID, field, "Invalid language code %q.", lang)
		}
		key = emnkg.LangKey(name, lang)
	}
	if key == "id" {
		return key, emnkg.PropDef{Name: "id", Type: emnkg.PropString, Filterable: true, Sortable: true}, nil
	}
	d, ok := emnkg.LookupProp(defs, key)
	if !ok {
		return "", d, emnkg.FieldErrorf(emnkg.EINVALID, field, "Unknown property %q here.", key)
	}
	return key, d, nil
}

// predicatesFilter turns property predicates into one filter (AND).
func predicatesFilter(preds []any, defs []emnkg.PropDef) (*emnkg.Filter, error) {
	var parts []*emnkg.Filter
	for _, p := range preds {
		m, ok := p.(map[string]any)
		if !ok {
			return nil, emnkg.FieldErrorf(emnkg.EINVALID, "where", "A predicate must be an object.")
		}
		key, def, err := propertyKey("where", m, defs)
		if err != nil {
			return nil, err
		}
		opName, _ := m["op"].(string)
		op, ok := filterOperators[opName]
		if !ok {
			return nil, emnkg.FieldErrorf(emnkg.EINVALID, "where", "Unknown operator %q.", opName)
		}
		var value any
		switch op {
		case emnkg.OpExists:
			b, ok := m["value"].(bool)
			if !ok {
				return nil, emnkg.FieldErrorf(emnkg.EINVALID, key, "EXISTS takes true or false.")
			}
			value = b
		case emnkg.OpIn:
			list, ok := m["value"].([]any)
			if !ok {
				return nil, emnkg.FieldErrorf(emnkg.EINVALID, key, "IN takes a list.")
			}
			vals := make([]any, 0, len(list))
			for _, x := range list {
				v, err := coerce(key, def.Type, x)
				if err != nil {
					return nil, err
				}
				vals = append(vals, v)
			}
			value = vals
		default:
			if value, err = coerce(key, def.Type, m["value"]); err != nil {
				return nil, err
			}
		}
		parts = append(parts, &emnkg.Filter{Field: key, Op: op, Value: value})
	}
	var f *emnkg.Filter
	switch len(parts) {
	case 0:
	case 1:
		f = parts[0]
	default:
		f = &emnkg.Filter{And: parts}
	}
	if err := emnkg.ValidateFilter(f, defs); err != nil {
		return nil, err
	}
	return f, nil
}

// patternNode reads one node of a pattern input.
func patternNode(m map[string]any) (emnkg.NodeStep, error) {
	var step emnkg.NodeStep
	if k, ok := m["kind"].(string); ok {
		step.Kind = kindEnum[model.NodeKind(k)]
	}
	if ids, ok := m["ids"].([]any); ok {
		for _, id := range ids {
			s, _ := id.(string)
			step.IDs = append(step.IDs, s)
		}
	}
	preds, _ := m["where"].([]any)
	f, err := predicatesFilter(preds, kindDefs(step.Kind))
	if err != nil {
		return step, err
	}
	step.Filter = f
	return step, nil
}

func jsonInt(v any, def int) int {
	switch x := v.(type) {
	case nil:
		return def
	case interface{ Int64() (int64, error) }:
		i, err := x.Int64()
		if err != nil {
			return -1
		}
		return int(i)
	}
	return -1
}

// match answers the match field.
func (r *Resolver) match(ctx context.Context, pattern map[string]any, first *int, after *string) (*model.PatternMatchConnection, error) {
	g, err := r.explorer()
	if err != nil {
		return nil, err
	}
	p, err := plainJSON(pattern)
	if err != nil {
		return nil, err
	}
	start, _ := p["start"].(map[string]any)
	steps, _ := p["steps"].([]any)
	if len(steps) == 0 || len(steps) > emnkg.MaxPatternSteps {
		return nil, emnkg.FieldErrorf(emnkg.EINVALID, "pattern", "A pattern has between 1 and %d steps.", emnkg.MaxPatternSteps)
	}
	var q emnkg.PatternQuery
	first0, err := patternNode(start)
	if err != nil {
		return nil, err
	}
	q.NodeSteps = append(q.NodeSteps, first0)
	for _, s := range steps {
		sm, _ := s.(map[string]any)
		rel, _ := sm["relationship"].(map[string]any)
		node, _ := sm["node"].(map[string]any)
		rs := emnkg.RelStep{Direction: emnkg.DirectionOut, MinHops: jsonInt(rel["minHops"], 1), MaxHops: jsonInt(rel["maxHops"], 1)}
		if d, ok := rel["direction"].(string); ok {
			rs.Direction = emnkg.Direction(d)
		}
		if ts, ok := rel["types"].([]any); ok {
			for _, t := range ts {
				s, _ := t.(string)
				rs.Types = append(rs.Types, emnkg.RelType(s))
			}
		}
		ns, err := patternNode(node)
		if err != nil {
			return nil, err
		}
		q.RelSteps = append(q.RelSteps, rs)
		q.NodeSteps = append(q.NodeSteps, ns)
	}
	w, err := pageArgs{First: first, After: after}.window(r.DefaultPageSize)
	if err != nil {
		return nil, err
	}
	q.Offset, q.Limit, q.WithTotal = w.Offset, w.Limit, wantsTotal(ctx)
	page, err := g.MatchPattern(ctx, q)
	if err != nil {
		return nil, err
	}
	rows, info := arrange(w, page.Rows, page.TotalCount, page.HasMore)
	conn := &model.PatternMatchConnection{PageInfo: info, TotalCount: max(page.TotalCount, 0), Edges: []*model.PatternMatchEdge{}}
	for _, row := range rows {
		m := &model.PatternMatch{Nodes: []model.Node{}, Relationships: []*model.GraphEdge{}}
		for _, n := range row.Item.Nodes {
			m.Nodes = append(m.Nodes, toModel(n))
		}
		for _, e := range row.Item.Edges {
			m.Relationships = append(m.Relationships, toGraphEdge(e))
		}
		conn.Edges = append(conn.Edges, &model.PatternMatchEdge{Cursor: encodeCursor(row.Offset), Node: m})
	}
	return conn, nil
}

// facets answers the facets field.
func (r *Resolver) facets(ctx context.Context, kind model.NodeKind, where, groupBy []map[string]any, limit *int) ([]*model.FacetBucket, error) {
	g, err := r.explorer()
	if err != nil {
		return nil, err
	}
	k := kindEnum[kind]
	defs := emnkg.NodeProps(k)
	var preds []any
	for _, w := range where {
		m, err := plainJSON(w)
		if err != nil {
			return nil, err
		}
		preds = append(preds, m)
	}
	f, err := predicatesFilter(preds, defs)
	if err != nil {
		return nil, err
	}
	if len(groupBy) == 0 || len(groupBy) > 2 {
		return nil, emnkg.FieldErrorf(emnkg.EINVALID, "groupBy", "Group by one or two keys.")
	}
	q := emnkg.FacetQuery{Kind: k, Filter: f, Limit: intOr(limit, 100)}
	if q.Limit < 1 || q.Limit > maxFacetBuckets {
		return nil, emnkg.FieldErrorf(emnkg.EINVALID, "limit", "limit must be between 1 and %d.", maxFacetBuckets)
	}
	for _, gb := range groupBy {
		m, err := plainJSON(gb)
		if err != nil {
			return nil, err
		}
		key := emnkg.GroupKey{}
		keyDefs := defs
		if via, ok := m["via"].(map[string]any); ok {
			hop := &emnkg.Hop{Direction: emnkg.DirectionOut}
			t, _ := via["type"].(string)
			hop.Type = emnkg.RelType(t)
			if d, ok := via["direction"].(string); ok {
				hop.Direction = emnkg.Direction(d)
			}
			kk, _ := via["kind"].(string)
			hop.Kind = kindEnum[model.NodeKind(kk)]
			key.Via = hop
			keyDefs = emnkg.NodeProps(hop.Kind)
		}
		if key.Field, _, err = propertyKey("groupBy", m, keyDefs); err != nil {
			return nil, err
		}
		q.GroupBy = append(q.GroupBy, key)
	}
	buckets, err := g.Facets(ctx, q)
	if err != nil {
		return nil, err
	}
	out := make([]*model.FacetBucket, 0, len(buckets))
	for _, b := range buckets {
		out = append(out, &model.FacetBucket{Values: b.Values, Count: b.Count})
	}
	return out, nil
}

func (r *Resolver) degreeRanking(ctx context.Context, kinds []model.NodeKind, types []model.RelationshipType,
	dir *model.Direction, first *int) ([]*model.NodeDegree, error) {
	g, err := r.explorer()
	if err != nil {
		return nil, err
	}
	n := intOr(first, 10)
	if n < 1 || n > maxDegreeRanking {
		return nil, emnkg.FieldErrorf(emnkg.EINVALID, "first", "first must be between 1 and %d.", maxDegreeRanking)
	}
	if err := emnkg.ValidateTraversal(domainTypes(types), domainDirection(dir), domainKinds(kinds)); err != nil {
		return nil, err
	}
	ranked, err := g.Degrees(ctx, emnkg.DegreeQuery{Kinds: domainKinds(kinds), Types: domainTypes(types),
		Direction: domainDirection(dir), Limit: n})
	if err != nil {
		return nil, err
	}
	out := make([]*model.NodeDegree, 0, len(ranked))
	for _, d := range ranked {
		out = append(out, &model.NodeDegree{Node: toModel(d.Node), Degree: d.Degree})
	}
	return out, nil
}

func (r *Resolver) languageCoverage(ctx context.Context, kind *model.NodeKind, property *string) ([]*model.LanguageCount, error) {
	g, err := r.explorer()
	if err != nil {
		return nil, err
	}
	k := emnkg.KindGlossaryTerm
	if kind != nil {
		k = kindEnum[*kind]
	}
	prop := "prefLabel"
	if property != nil {
		prop = *property
	}
	d, ok := emnkg.LookupProp(emnkg.NodeProps(k), emnkg.LangKey(prop, "en"))
	if !ok || !d.Multilingual {
		return nil, emnkg.FieldErrorf(emnkg.EINVALID, "property", "%s has no multilingual property %q.", k, prop)
	}
	buckets, err := g.LanguageCoverage(ctx, k, prop)
	if err != nil {
		return nil, err
	}
	out := make([]*model.LanguageCount, 0, len(buckets))
	for _, b := range buckets {
		lang, _ := b.Values[0].(string)
		out = append(out, &model.LanguageCount{Language: lang, Count: b.Count})
	}
	return out, nil
}
