package storetest

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// This file is MemStore's emnkg.Explorer: the reference model of the rules
// that RunExplorer states. It scans everything and favours plainness.

var _ emnkg.Explorer = (*MemStore)(nil)

func invalid(format string, args ...any) error { return emnkg.Errorf(emnkg.EINVALID, format, args...) }

// kindIn reports whether k is one of ks, or ks is empty.
func kindIn(ks []emnkg.Kind, k emnkg.Kind) bool { return len(ks) == 0 || slices.Contains(ks, k) }

// typeIn reports whether t is one of ts, or ts is empty.
func typeIn(ts []emnkg.RelType, t emnkg.RelType) bool { return len(ts) == 0 || slices.Contains(ts, t) }

// others returns the node at the other end of e seen from id in direction
// dir, if e can be followed that way; a loop gives id itself, once.
func others(e *emnkg.Edge, id string, dir emnkg.Direction) (string, bool) {
	switch {
	case dir != emnkg.DirectionIn && e.From == id:
		return e.To, true
	case dir != emnkg.DirectionOut && e.To == id:
		return e.From, true
	}
	return "", false
}

// sortedNodesLocked returns the stored nodes ordered by ID.
func (m *MemStore) sortedNodesLocked() []*emnkg.Node {
	out := make([]*emnkg.Node, 0, len(m.nodes))
	for _, n := range m.nodes {
		out = append(out, n)
	}
	slices.SortFunc(out, func(a, b *emnkg.Node) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// sortedEdgesLocked returns the stored relationships ordered by ID.
func (m *MemStore) sortedEdgesLocked() []*emnkg.Edge {
	out := make([]*emnkg.Edge, 0, len(m.edges))
	for _, e := range m.edges {
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b *emnkg.Edge) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// adjacencyLocked returns, for every node, the relationships touching it
// ordered by ID (a loop once).
func (m *MemStore) adjacencyLocked() map[string][]*emnkg.Edge {
	adj := map[string][]*emnkg.Edge{}
	for _, e := range m.sortedEdgesLocked() {
		adj[e.From] = append(adj[e.From], e)
		if e.To != e.From {
			adj[e.To] = append(adj[e.To], e)
		}
	}
	return adj
}

// SearchCandidates returns the nodes whose search words match every
// token, by tier (see emnkg.SearchWords.Tier), then by the number of words
// of their names, titles and labels, then by ID.
func (m *MemStore) SearchCandidates(ctx context.Context, q emnkg.SearchCandidatesQuery) (*emnkg.SearchCandidateSet, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	if err := m.check(ctx); err != nil {
		return nil, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	if len(q.Tokens) == 0 {
		return &emnkg.SearchCandidateSet{Nodes: []*emnkg.Node{}}, nil
	}
	var ofKinds []*emnkg.Node
	for _, n := range m.sortedNodesLocked() {
		if kindIn(q.Kinds, n.Kind) {
			ofKinds = append(ofKinds, n)
		}
	}
	c := emnkg.NewSearchCollector(q)
	for _, n := range searchOrder(ofKinds, q.Tokens) {
		if !c.Add(copyNode(n)) {
			break
		}
	}
	return c.Result(), nil
}

// searchOrder returns the nodes whose search words match every token, in
// the order of SearchCandidates: by tier (see emnkg.SearchWords.Tier),
// then by TopLength, then by ID.
func searchOrder(nodes []*emnkg.Node, tokens []string) []*emnkg.Node {
	type candidate struct {
		n               *emnkg.Node
		tier, topLength int
	}
	var cands []candidate
	for _, n := range nodes {
		w := emnkg.SearchWordsOf(n)
		if tier, ok := w.Tier(tokens); ok {
			cands = append(cands, candidate{n, tier, w.TopLength()})
		}
	}
	slices.SortFunc(cands, func(a, b candidate) int {
		return cmp.Or(cmp.Compare(a.tier, b.tier), cmp.Compare(a.topLength, b.topLength), strings.Compare(a.n.ID, b.n.ID))
	})
	out := make([]*emnkg.Node, len(cands))
	for i, c := range cands {
		out[i] = c.n
	}
	return out
}

// linksLocked returns the qualifying links of q (ignoring its limit), by ID,
// and the other ends each reaches.
func (m *MemStore) linksLocked(q emnkg.ExpandQuery) ([]emnkg.Link, [][]string) {
	seeds := map[string]bool{}
	for _, id := range q.NodeIDs {
		seeds[id] = true
	}
	var links []emnkg.Link
	var ends [][]string
	for _, e := range m.sortedEdgesLocked() {
		if !typeIn(q.Types, e.Type) {
			continue
		}
		var reached []string
		for _, seed := range []string{e.From, e.To} {
			if !seeds[seed] {
				continue
			}
			if other, ok := others(e, seed, q.Direction); ok && kindIn(q.Kinds, m.nodes[other].Kind) {
				reached = append(reached, other)
			}
		}
		if len(reached) > 0 {
			links = append(links, emnkg.Link{ID: e.ID, Type: e.Type, From: e.From, To: e.To})
			ends = append(ends, reached)
		}
	}
	return links, ends
}

// Expand returns the qualifying links of the given nodes, by ID.
func (m *MemStore) Expand(ctx context.Context, q emnkg.ExpandQuery) (*emnkg.Expansion, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	if err := m.check(ctx); err != nil {
		return nil, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	links, _ := m.linksLocked(q)
	res := &emnkg.Expansion{Links: []emnkg.Link{}, Truncated: len(links) > q.Limit}
	res.Links = append(res.Links, links[:min(len(links), q.Limit)]...)
	return res, nil
}

// Neighbours returns the other ends of the qualifying links, by ID.
func (m *MemStore) Neighbours(ctx context.Context, q emnkg.ExpandQuery) ([]string, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	if err := m.check(ctx); err != nil {
		return nil, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	_, ends := m.linksLocked(q)
	ids := []string{}
	for _, reached := range ends {
		ids = append(ids, reached...)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	return ids[:min(len(ids), q.Limit)], nil
}

// EdgesAmong returns the relationships of the given types between nodes of
// ids, by ID.
func (m *MemStore) EdgesAmong(ctx context.Context, ids []string, types []emnkg.RelType) ([]*emnkg.Edge, error) {
	if err := emnkg.ValidateEdgesAmong(ids, types); err != nil {
		return nil, err
	}
	if err := m.check(ctx); err != nil {
		return nil, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	set := map[string]bool{}
	for _, id := range ids {
		set[id] = true
	}
	out := []*emnkg.Edge{}
	for _, e := range m.sortedEdgesLocked() {
		if typeIn(types, e.Type) && set[e.From] && set[e.To] {
			out = append(out, copyEdge(e))
		}
	}
	return out, nil
}

// MatchPattern enumerates every match of the pattern (relationships used
// at most once per match), keeps the distinct rows and pages them.
func (m *MemStore) MatchPattern(ctx context.Context, q emnkg.PatternQuery) (*emnkg.PatternPage, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	if err := m.check(ctx); err != nil {
		return nil, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	all := m.patternMatchesLocked(q)
	page := &emnkg.PatternPage{Rows: []emnkg.PatternRow{}, TotalCount: -1}
	if q.WithTotal {
		page.TotalCount = len(all)
	}
	for i := q.Offset; i < min(q.Offset+q.Limit, len(all)); i++ {
		pr := emnkg.PatternRow{Edges: make([]*emnkg.Edge, len(all[i].edges))}
		for _, id := range all[i].nodes {
			pr.Nodes = append(pr.Nodes, copyNode(m.nodes[id]))
		}
		for j, id := range all[i].edges {
			if id != "" {
				pr.Edges[j] = copyEdge(m.edges[id])
			}
		}
		page.Rows = append(page.Rows, pr)
	}
	page.HasMore = len(all) > q.Offset+q.Limit
	return page, nil
}

// patternMatch is a match of a pattern: its node IDs and relationship IDs
// ("" for a variable-length step).
type patternMatch struct{ nodes, edges []string }

// patternMatches returns every match of a valid pattern, in the
// contract's order, ignoring q's page.
func (m *MemStore) patternMatches(q emnkg.PatternQuery) []patternMatch {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.patternMatchesLocked(q)
}

// patternMatchesLocked is patternMatches with m.mu held.
func (m *MemStore) patternMatchesLocked(q emnkg.PatternQuery) []patternMatch {
	fits := make([]map[string]bool, len(q.NodeSteps))
	for i, st := range q.NodeSteps {
		fits[i] = map[string]bool{}
		for _, n := range m.nodes {
			if (st.Kind == "" || n.Kind == st.Kind) && (len(st.IDs) == 0 || slices.Contains(st.IDs, n.ID)) &&
				matches(st.Filter, nodeGetter(n)) {
				fits[i][n.ID] = true
			}
		}
	}
	adj := m.adjacencyLocked()
	rows := map[string]patternMatch{}
	used := map[string]bool{}
	var bind func(step int, at string, nodes, edges []string)
	bind = func(step int, at string, nodes, edges []string) {
		if step == len(q.RelSteps) {
			key := strings.Join(nodes, "\x00") + "\x01" + strings.Join(edges, "\x00")
			rows[key] = patternMatch{slices.Clone(nodes), slices.Clone(edges)}
			return
		}
		r := q.RelSteps[step]
		if r.SingleHop() {
			for _, e := range adj[at] {
				if used[e.ID] || !typeIn(r.Types, e.Type) {
					continue
				}
				other, ok := others(e, at, r.Direction)
				if !ok || !fits[step+1][other] {
					continue
				}
				used[e.ID] = true
				bind(step+1, other, append(nodes, other), append(edges, e.ID))
				used[e.ID] = false
			}
			return
		}
		var walk func(cur string, hops int)
		walk = func(cur string, hops int) {
			if hops >= r.MinHops && fits[step+1][cur] {
				bind(step+1, cur, append(nodes, cur), append(edges, ""))
			}
			if hops == r.MaxHops {
				return
			}
			for _, e := range adj[cur] {
				if used[e.ID] || !typeIn(r.Types, e.Type) {
					continue
				}
				other, ok := others(e, cur, r.Direction)
				if !ok {
					continue
				}
				used[e.ID] = true
				walk(other, hops+1)
				used[e.ID] = false
			}
		}
		walk(at, 0)
	}
	for _, n := range m.sortedNodesLocked() {
		if fits[0][n.ID] {
			bind(0, n.ID, []string{n.ID}, nil)
		}
	}
	all := make([]patternMatch, 0, len(rows))
	for _, r := range rows {
		all = append(all, r)
	}
	slices.SortFunc(all, func(a, b patternMatch) int {
		if c := slices.Compare(a.nodes, b.nodes); c != 0 {
			return c
		}
		return slices.Compare(a.edges, b.edges)
	})
	return all
}

// groupValues returns the distinct values a node takes for a group key.
func (m *MemStore) groupValues(n *emnkg.Node, k emnkg.GroupKey, adj map[string][]*emnkg.Edge) []any {
	if k.Via == nil {
		v, ok := nodeGetter(n)(k.Field)
		if !ok {
			return []any{nil}
		}
		return []any{v}
	}
	var vs []any
	seen := map[string]bool{}
	for _, e := range adj[n.ID] {
		if e.Type != k.Via.Type {
			continue
		}
		other, ok := others(e, n.ID, k.Via.Direction)
		if !ok || m.nodes[other].Kind != k.Via.Kind {
			continue
		}
		v, ok := nodeGetter(m.nodes[other])(k.Field)
		if !ok {
			v = nil
		}
		if key := valueKey(v); !seen[key] {
			seen[key] = true
			vs = append(vs, v)
		}
	}
	if len(vs) == 0 {
		return []any{nil}
	}
	return vs
}

func valueKey(v any) string { return fmt.Sprintf("%T:%v", v, v) }

// compareGroupValues orders values ascending with nil last.
func compareGroupValues(a, b []any) int {
	for i := range a {
		switch {
		case a[i] == nil && b[i] == nil:
			continue
		case a[i] == nil:
			return 1
		case b[i] == nil:
			return -1
		}
		if c := memCompare(a[i], b[i]); c != 0 {
			return c
		}
	}
	return 0
}

// Facets counts the nodes of a kind by the values of one or two keys.
func (m *MemStore) Facets(ctx context.Context, q emnkg.FacetQuery) ([]emnkg.FacetBucket, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	if err := m.check(ctx); err != nil {
		return nil, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	adj := m.adjacencyLocked()
	buckets := map[string]*emnkg.FacetBucket{}
	for _, n := range m.nodes {
		if n.Kind != q.Kind || !matches(q.Filter, nodeGetter(n)) {
			continue
		}
		combos := [][]any{{}}
		for _, k := range q.GroupBy {
			var next [][]any
			for _, c := range combos {
				for _, v := range m.groupValues(n, k, adj) {
					next = append(next, append(slices.Clone(c), v))
				}
			}
			combos = next
		}
		for _, c := range combos {
			parts := make([]string, len(c))
			for i, v := range c {
				parts[i] = valueKey(v)
			}
			key := strings.Join(parts, "\x00")
			b, ok := buckets[key]
			if !ok {
				b = &emnkg.FacetBucket{Values: c}
				buckets[key] = b
			}
			b.Count++
		}
	}
	out := []emnkg.FacetBucket{}
	for _, b := range buckets {
		out = append(out, *b)
	}
	slices.SortFunc(out, func(a, b emnkg.FacetBucket) int {
		if c := cmp.Compare(b.Count, a.Count); c != 0 {
			return c
		}
		return compareGroupValues(a.Values, b.Values)
	})
	return out[:min(len(out), q.Limit)], nil
}

// LanguageCoverage counts the nodes of a kind with a value of a
// multilingual property, by language.
func (m *MemStore) LanguageCoverage(ctx context.Context, kind emnkg.Kind, property string) ([]emnkg.FacetBucket, error) {
	if err := emnkg.ValidateLanguageCoverage(kind, property); err != nil {
		return nil, err
	}
	if err := m.check(ctx); err != nil {
		return nil, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	counts := map[string]int{}
	for _, n := range m.nodes {
		if n.Kind != kind {
			continue
		}
		langs, _ := emnkg.LangValues(n.Props, property)
		for _, l := range langs {
			counts[l]++
		}
	}
	out := []emnkg.FacetBucket{}
	for l, c := range counts {
		out = append(out, emnkg.FacetBucket{Values: []any{l}, Count: c})
	}
	slices.SortFunc(out, func(a, b emnkg.FacetBucket) int {
		return strings.Compare(a.Values[0].(string), b.Values[0].(string))
	})
	return out, nil
}

// Degrees ranks nodes by their number of relationships.
func (m *MemStore) Degrees(ctx context.Context, q emnkg.DegreeQuery) ([]emnkg.NodeDegree, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	if err := m.check(ctx); err != nil {
		return nil, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	adj := m.adjacencyLocked()
	out := []emnkg.NodeDegree{}
	for _, n := range m.sortedNodesLocked() {
		if !kindIn(q.Kinds, n.Kind) {
			continue
		}
		deg := 0
		for _, e := range adj[n.ID] {
			if _, ok := others(e, n.ID, q.Direction); ok && typeIn(q.Types, e.Type) {
				deg++
			}
		}
		if deg > 0 {
			out = append(out, emnkg.NodeDegree{Node: n, Degree: deg})
		}
	}
	slices.SortStableFunc(out, func(a, b emnkg.NodeDegree) int { return cmp.Compare(b.Degree, a.Degree) })
	out = out[:min(len(out), q.Limit)]
	for i := range out {
		out[i].Node = copyNode(out[i].Node)
	}
	return out, nil
}
