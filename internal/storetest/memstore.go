package storetest

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// MemStore is an in-memory emnkg.Store, emnkg.Explorer and emnkg.Editor:
// the reference model of the semantics that Run, RunExplorer and RunEditor
// check, used by the suite's own test to keep the suite honest. It scans
// everything on every query and is not meant for real use.
//
// Stored nodes and relationships are never changed in place: every change
// stores new values, so readers may hold on to old ones.
type MemStore struct {
	mu     sync.RWMutex
	nodes  map[string]*emnkg.Node
	edges  map[string]*emnkg.Edge
	closed bool

	// The audit log, oldest first, and the last sequence number used.
	records []emnkg.ChangeRecord
	seq     int64
	// API keys by ID.
	keys map[string]emnkg.APIKey
}

// NewMemStore returns an empty MemStore.
func NewMemStore() *MemStore {
	return &MemStore{nodes: map[string]*emnkg.Node{}, edges: map[string]*emnkg.Edge{},
		keys: map[string]emnkg.APIKey{}}
}

var _ emnkg.Store = (*MemStore)(nil)

// Migrate does nothing: a MemStore needs no schema.
func (m *MemStore) Migrate(ctx context.Context) error { return m.check(ctx) }

// Ping reports whether the store is open.
func (m *MemStore) Ping(ctx context.Context) error { return m.check(ctx) }

// Close marks the store closed; closing twice is allowed.
func (m *MemStore) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	return nil
}

func (m *MemStore) check(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return emnkg.Errorf(emnkg.EUNAVAILABLE, "The store is closed.")
	}
	return nil
}

func copyProps(p map[string]any) map[string]any {
	out := make(map[string]any, len(p))
	for k, v := range p {
		if l, ok := v.([]string); ok {
			v = slices.Clone(l)
		}
		out[k] = v
	}
	return out
}

func copyNode(n *emnkg.Node) *emnkg.Node {
	c := *n
	c.Props = copyProps(n.Props)
	return &c
}

func copyEdge(e *emnkg.Edge) *emnkg.Edge {
	c := *e
	c.Props = copyProps(e.Props)
	return &c
}

// GetNodes returns the stored nodes of ids, in order, each once.
func (m *MemStore) GetNodes(ctx context.Context, ids []string) ([]*emnkg.Node, error) {
	if err := m.check(ctx); err != nil {
		return nil, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := []*emnkg.Node{}
	seen := map[string]bool{}
	for _, id := range ids {
		n, ok := m.nodes[id]
		if !ok || seen[id] {
			continue
		}
		seen[id] = true
		out = append(out, copyNode(n))
	}
	return out, nil
}

// FindNodes returns a page of the nodes of q.Kind that match q.Filter.
func (m *MemStore) FindNodes(ctx context.Context, q emnkg.NodeQuery) (*emnkg.NodePage, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	if err := m.check(ctx); err != nil {
		return nil, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	var items []refItem
	for _, n := range m.nodes {
		if n.Kind == q.Kind && matches(q.Filter, nodeGetter(n)) {
			items = append(items, refItem{node: n})
		}
	}
	memOrder(items, q.Sort)
	page := &emnkg.NodePage{Nodes: []*emnkg.Node{}, TotalCount: -1}
	if q.WithTotal {
		page.TotalCount = len(items)
	}
	for i := q.Offset; i < min(q.Offset+q.Limit, len(items)); i++ {
		page.Nodes = append(page.Nodes, copyNode(items[i].node))
	}
	page.HasMore = len(items) > q.Offset+q.Limit
	return page, nil
}

// FindRelated returns, for each distinct ID of q.NodeIDs, a page of its
// relationships of type q.Type with the nodes at their other ends.
func (m *MemStore) FindRelated(ctx context.Context, q emnkg.RelatedQuery) (map[string]*emnkg.RelatedPage, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	if err := m.check(ctx); err != nil {
		return nil, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := map[string]*emnkg.RelatedPage{}
	for _, id := range q.NodeIDs {
		if _, done := out[id]; done {
			continue
		}
		var items []refItem
		for _, e := range m.edges {
			if e.Type != q.Type {
				continue
			}
			var other string
			switch {
			case q.Direction != emnkg.DirectionIn && e.From == id:
				other = e.To
			case q.Direction != emnkg.DirectionOut && e.To == id:
				other = e.From
			default:
				continue
			}
			n := m.nodes[other]
			if q.OtherKind != "" && n.Kind != q.OtherKind {
				continue
			}
			if !matches(q.Filter, nodeGetter(n)) || !matches(q.EdgeFilter, edgeGetter(e)) {
				continue
			}
			items = append(items, refItem{node: n, edge: e})
		}
		memOrder(items, q.Sort)
		page := &emnkg.RelatedPage{Items: []emnkg.Related{}, TotalCount: -1}
		if q.WithTotal {
			page.TotalCount = len(items)
		}
		for i := q.Offset; i < min(q.Offset+q.Limit, len(items)); i++ {
			page.Items = append(page.Items, emnkg.Related{Edge: copyEdge(items[i].edge), Node: copyNode(items[i].node)})
		}
		page.HasMore = len(items) > q.Offset+q.Limit
		out[id] = page
	}
	return out, nil
}

// Stats counts the nodes by kind and the relationships by type.
func (m *MemStore) Stats(ctx context.Context) (*emnkg.GraphStats, error) {
	if err := m.check(ctx); err != nil {
		return nil, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	st := &emnkg.GraphStats{NodesByKind: map[emnkg.Kind]int{}, EdgesByType: map[emnkg.RelType]int{}}
	for _, k := range emnkg.Kinds() {
		st.NodesByKind[k] = 0
	}
	for _, t := range emnkg.RelTypes() {
		st.EdgesByType[t] = 0
	}
	for _, n := range m.nodes {
		st.NodesByKind[n.Kind]++
	}
	for _, e := range m.edges {
		st.EdgesByType[e.Type]++
	}
	return st, nil
}

// ImportGraph upserts g's nodes and relationships, all or nothing.
func (m *MemStore) ImportGraph(ctx context.Context, g *emnkg.Graph) (*emnkg.ImportResult, error) {
	if g == nil {
		return nil, emnkg.Errorf(emnkg.EINVALID, "No graph to import.")
	}
	if err := m.check(ctx); err != nil {
		return nil, err
	}
	// Work on a copy: ValidateGraph normalises in place.
	c := &emnkg.Graph{}
	for _, n := range g.Nodes {
		if n != nil {
			n = copyNode(n)
		}
		c.Nodes = append(c.Nodes, n)
	}
	for _, e := range g.Edges {
		if e != nil {
			e = copyEdge(e)
		}
		c.Edges = append(c.Edges, e)
	}
	missing, err := emnkg.ValidateGraph(c)
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	kinds := map[string]emnkg.Kind{}
	for _, n := range c.Nodes {
		if old, ok := m.nodes[n.ID]; ok && old.Kind != n.Kind {
			return nil, emnkg.Errorf(emnkg.ECONFLICT, "Node %s is stored as a %s, not a %s.", n.ID, old.Kind, n.Kind)
		}
		kinds[n.ID] = n.Kind
	}
	for _, id := range missing {
		if n, ok := m.nodes[id]; ok {
			kinds[id] = n.Kind
		}
	}
	if err := emnkg.CheckEdgeEnds(c, kinds); err != nil {
		return nil, err
	}
	batch := map[string]*emnkg.Edge{}
	for _, e := range c.Edges {
		old, ok := batch[e.ID]
		if !ok {
			old, ok = m.edges[e.ID]
		}
		if ok && (old.Type != e.Type || old.From != e.From || old.To != e.To) {
			return nil, emnkg.Errorf(emnkg.ECONFLICT, "Relationship %s is stored with other ends.", e.ID)
		}
		batch[e.ID] = e
	}
	res := &emnkg.ImportResult{}
	for _, n := range c.Nodes {
		old, ok := m.nodes[n.ID]
		switch {
		case !ok:
			n.Version = 1
			m.nodes[n.ID] = n
			res.NodesCreated++
		case emnkg.PropsEqual(old.Props, n.Props):
			res.NodesUnchanged++
		default:
			n.Version = old.Version + 1
			m.nodes[n.ID] = n
			res.NodesUpdated++
		}
	}
	for _, e := range c.Edges {
		old, ok := m.edges[e.ID]
		switch {
		case !ok:
			m.edges[e.ID] = e
			res.EdgesCreated++
		case emnkg.PropsEqual(old.Props, e.Props):
			res.EdgesUnchanged++
		default:
			m.edges[e.ID] = e
			res.EdgesUpdated++
		}
	}
	return res, nil
}

// tri is a value of three-valued logic, ordered so that AND is the minimum
// and OR the maximum.
type tri int8

const (
	triFalse tri = iota
	triNull
	triTrue
)

func triOf(b bool) tri {
	if b {
		return triTrue
	}
	return triFalse
}

type getter func(field string) (any, bool)

func nodeGetter(n *emnkg.Node) getter {
	return func(f string) (any, bool) {
		if f == "id" {
			return n.ID, true
		}
		v, ok := n.Props[f]
		return v, ok
	}
}

func edgeGetter(e *emnkg.Edge) getter {
	return func(f string) (any, bool) {
		if f == "id" {
			return e.ID, true
		}
		v, ok := e.Props[f]
		return v, ok
	}
}

// matches reports whether f is true (not false, not null) for get.
func matches(f *emnkg.Filter, get getter) bool {
	return f == nil || eval(f, get) == triTrue
}

func eval(f *emnkg.Filter, get getter) tri {
	switch {
	case len(f.And) > 0:
		r := triTrue
		for _, c := range f.And {
			r = min(r, eval(c, get))
		}
		return r
	case len(f.Or) > 0:
		r := triFalse
		for _, c := range f.Or {
			r = max(r, eval(c, get))
		}
		return r
	case f.Not != nil:
		switch eval(f.Not, get) {
		case triTrue:
			return triFalse
		case triFalse:
			return triTrue
		}
		return triNull
	}
	v, ok := get(f.Field)
	if f.Op == emnkg.OpExists {
		return triOf(ok == f.Value.(bool))
	}
	if !ok {
		return triNull
	}
	switch f.Op {
	case emnkg.OpEq:
		return triOf(v == f.Value)
	case emnkg.OpIn:
		return triOf(slices.Contains(f.Value.([]any), v))
	case emnkg.OpContains:
		return triOf(strings.Contains(v.(string), f.Value.(string)))
	case emnkg.OpStartsWith:
		return triOf(strings.HasPrefix(v.(string), f.Value.(string)))
	}
	c := memCompare(v, f.Value)
	switch f.Op {
	case emnkg.OpGt:
		return triOf(c > 0)
	case emnkg.OpGte:
		return triOf(c >= 0)
	case emnkg.OpLt:
		return triOf(c < 0)
	default: // OpLte
		return triOf(c <= 0)
	}
}

// memCompare compares two values of one property type.
func memCompare(a, b any) int {
	switch x := a.(type) {
	case string:
		return strings.Compare(x, b.(string))
	case int64:
		return cmp.Compare(x, b.(int64))
	case float64:
		return cmp.Compare(x, b.(float64))
	case bool:
		y := b.(bool)
		switch {
		case x == y:
			return 0
		case !x:
			return -1
		}
		return 1
	}
	return 0
}

// memOrder sorts items by the sort fields (absent values last ascending,
// first descending), then by node ID, then by relationship ID.
func memOrder(items []refItem, sorts []emnkg.SortField) {
	slices.SortFunc(items, func(a, b refItem) int {
		for _, f := range sorts {
			av, aok := refValue(a, f)
			bv, bok := refValue(b, f)
			c := 0
			switch {
			case !aok && !bok:
			case !aok:
				c = 1
			case !bok:
				c = -1
			default:
				c = memCompare(av, bv)
			}
			if f.Desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		if c := strings.Compare(a.node.ID, b.node.ID); c != 0 {
			return c
		}
		if a.edge != nil {
			return strings.Compare(a.edge.ID, b.edge.ID)
		}
		return 0
	})
}
