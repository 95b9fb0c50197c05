package emnkg

import (
	"context"
	"sort"
)

// GraphReader is a store that can both read nodes and traverse.
type GraphReader interface {
	GetNodes(ctx context.Context, ids []string) ([]*Node, error)
	Explorer
}

// NeighbourhoodQuery asks for the subgraph around some nodes.
type NeighbourhoodQuery struct {
	IDs       []string
	Depth     int
	Types     []RelType
	Direction Direction
	// Kinds restricts the nodes reached (start nodes are always kept).
	Kinds []Kind
	// Limit caps the number of nodes.
	Limit int
}

// Subgraph is a set of nodes and the relationships among them.
type Subgraph struct {
	Nodes []*Node
	Edges []*Edge
	// Truncated reports that a cap cut the answer short.
	Truncated bool
}

// Caps on traversals, overridable by configuration below these values.
const (
	MaxTraversalStartIDs = 100
	MaxNeighbourhoodSize = 5000
	MaxNeighbourhoodHops = 5
	MaxPathDepth         = 8
	MaxPaths             = 100
	maxPathVisited       = 200000
)

// ValidateTraversal checks the relationship types, direction and kinds of
// a traversal.
func ValidateTraversal(types []RelType, dir Direction, kinds []Kind) error {
	for _, t := range types {
		if _, ok := LookupRel(t); !ok {
			return Errorf(EINVALID, "Unknown relationship type %q.", t)
		}
	}
	if !dir.Valid() {
		return Errorf(EINVALID, "Unknown direction %q.", dir)
	}
	for _, k := range kinds {
		if !k.Valid() {
			return Errorf(EINVALID, "Unknown node kind %q.", k)
		}
	}
	return nil
}

// Neighbourhood returns the nodes within q.Depth relationships of q.IDs,
// breadth first (level by level, each level ordered by ID, cut at q.Limit
// nodes), and every relationship of the allowed types among them. Its
// answer depends only on the graph, so every store gives the same one.
func Neighbourhood(ctx context.Context, g GraphReader, q NeighbourhoodQuery) (*Subgraph, error) {
	if len(q.IDs) == 0 || len(q.IDs) > MaxTraversalStartIDs {
		return nil, Errorf(EINVALID, "Give between 1 and %d start IDs.", MaxTraversalStartIDs)
	}
	if q.Depth < 0 || q.Depth > MaxNeighbourhoodHops {
		return nil, Errorf(EINVALID, "Depth must be between 0 and %d.", MaxNeighbourhoodHops)
	}
	if q.Limit <= 0 || q.Limit > MaxNeighbourhoodSize {
		return nil, Errorf(EINVALID, "Limit must be between 1 and %d.", MaxNeighbourhoodSize)
	}
	if q.Direction == "" {
		q.Direction = DirectionBoth
	}
	if err := ValidateTraversal(q.Types, q.Direction, q.Kinds); err != nil {
		return nil, err
	}
	start, err := g.GetNodes(ctx, q.IDs)
	if err != nil {
		return nil, err
	}
	sg := &Subgraph{}
	seen := map[string]bool{}
	var frontier []string
	for _, n := range start {
		if seen[n.ID] {
			continue
		}
		if len(sg.Nodes) == q.Limit {
			sg.Truncated = true
			break
		}
		seen[n.ID] = true
		sg.Nodes = append(sg.Nodes, n)
		frontier = append(frontier, n.ID)
	}
	for depth := 1; depth <= q.Depth && len(frontier) > 0 && !sg.Truncated; depth++ {
		exp, err := expandAll(ctx, g, ExpandQuery{NodeIDs: frontier, Types: q.Types, Direction: q.Direction,
			Kinds: q.Kinds, Limit: min(MaxExpandLimit, 20*q.Limit+len(frontier))})
		if err != nil {
			return nil, err
		}
		if exp.Truncated {
			sg.Truncated = true
		}
		frontier = frontier[:0]
		for _, n := range exp.Nodes { // ordered by ID
			if seen[n.ID] {
				continue
			}
			if len(sg.Nodes) == q.Limit {
				sg.Truncated = true
				break
			}
			seen[n.ID] = true
			sg.Nodes = append(sg.Nodes, n)
			frontier = append(frontier, n.ID)
		}
	}
	ids := make([]string, len(sg.Nodes))
	for i, n := range sg.Nodes {
		ids[i] = n.ID
	}
	if sg.Edges, err = g.EdgesAmong(ctx, ids, q.Types); err != nil {
		return nil, err
	}
	return sg, nil
}

// expandAll runs an Expand over a frontier of any size, in chunks of at
// most MaxQueryIDs IDs, and merges the answers as one Expand would give
// them: edges ordered by ID and cut at q.Limit, each node once, ordered by
// ID.
func expandAll(ctx context.Context, g GraphReader, q ExpandQuery) (*Expansion, error) {
	if len(q.NodeIDs) <= MaxQueryIDs {
		return g.Expand(ctx, q)
	}
	out := &Expansion{}
	seenEdge := map[string]bool{}
	nodes := map[string]*Node{}
	for start := 0; start < len(q.NodeIDs); start += MaxQueryIDs {
		chunk := q
		chunk.NodeIDs = q.NodeIDs[start:min(len(q.NodeIDs), start+MaxQueryIDs)]
		exp, err := g.Expand(ctx, chunk)
		if err != nil {
			return nil, err
		}
		out.Truncated = out.Truncated || exp.Truncated
		for _, e := range exp.Edges {
			if !seenEdge[e.ID] {
				seenEdge[e.ID] = true
				out.Edges = append(out.Edges, e)
			}
		}
		for _, n := range exp.Nodes {
			nodes[n.ID] = n
		}
	}
	sort.Slice(out.Edges, func(i, j int) bool { return out.Edges[i].ID < out.Edges[j].ID })
	if len(out.Edges) > q.Limit {
		out.Edges, out.Truncated = out.Edges[:q.Limit], true
	}
	// Keep the nodes at the other ends of the edges kept.
	frontier := make(map[string]bool, len(q.NodeIDs))
	for _, id := range q.NodeIDs {
		frontier[id] = true
	}
	kept := map[string]bool{}
	for _, e := range out.Edges {
		for _, pair := range [][2]string{{e.From, e.To}, {e.To, e.From}} {
			if frontier[pair[0]] && nodes[pair[1]] != nil {
				kept[pair[1]] = true
			}
		}
	}
	for id := range kept {
		out.Nodes = append(out.Nodes, nodes[id])
	}
	sort.Slice(out.Nodes, func(i, j int) bool { return out.Nodes[i].ID < out.Nodes[j].ID })
	return out, nil
}

// SubgraphOf returns the given nodes (in the order of ids, unknown ones
// skipped) and every relationship among them.
func SubgraphOf(ctx context.Context, g GraphReader, ids []string) (*Subgraph, error) {
	if len(ids) == 0 || len(ids) > MaxNeighbourhoodSize {
		return nil, Errorf(EINVALID, "Give between 1 and %d IDs.", MaxNeighbourhoodSize)
	}
	nodes, err := g.GetNodes(ctx, ids)
	if err != nil {
		return nil, err
	}
	found := make([]string, len(nodes))
	for i, n := range nodes {
		found[i] = n.ID
	}
	edges, err := g.EdgesAmong(ctx, found, nil)
	if err != nil {
		return nil, err
	}
	return &Subgraph{Nodes: nodes, Edges: edges}, nil
}

// PathQuery asks for shortest paths between two nodes.
type PathQuery struct {
	From, To  string
	Types     []RelType
	Direction Direction
	MaxDepth  int
	// MaxPaths caps the number of paths returned by AllShortestPaths.
	MaxPaths int
}

// Path is an ordered walk: Nodes[i] and Nodes[i+1] are joined by Edges[i].
type Path struct {
	Nodes []*Node
	Edges []*Edge
}

// step is how BFS reached a node: from a node over an edge.
type step struct {
	from string
	edge *Edge
}

// ShortestPaths returns the shortest paths from q.From to q.To, at most
// q.MaxPaths of them (all when all is true, else one), ordered by the IDs of
// their nodes and then of their edges. No path is an empty answer. Each
// path's relationships are distinct and its nodes are distinct.
func ShortestPaths(ctx context.Context, g GraphReader, q PathQuery, all bool) ([]Path, error) {
	if q.Direction == "" {
		q.Direction = DirectionBoth
	}
	if q.MaxDepth == 0 {
		q.MaxDepth = 6
	}
	if q.MaxDepth < 1 || q.MaxDepth > MaxPathDepth {
		return nil, Errorf(EINVALID, "maxDepth must be between 1 and %d.", MaxPathDepth)
	}
	if q.MaxPaths <= 0 || q.MaxPaths > MaxPaths {
		q.MaxPaths = MaxPaths
	}
	if !all {
		q.MaxPaths = 1
	}
	if err := ValidateTraversal(q.Types, q.Direction, nil); err != nil {
		return nil, err
	}
	ends, err := g.GetNodes(ctx, []string{q.From, q.To})
	if err != nil {
		return nil, err
	}
	nodes := map[string]*Node{}
	for _, n := range ends {
		nodes[n.ID] = n
	}
	if nodes[q.From] == nil || nodes[q.To] == nil {
		return []Path{}, nil
	}
	if q.From == q.To {
		return []Path{{Nodes: []*Node{nodes[q.From]}, Edges: []*Edge{}}}, nil
	}
	level := map[string]int{q.From: 0}
	parents := map[string][]step{}
	frontier := []string{q.From}
	found := false
	for depth := 1; depth <= q.MaxDepth && len(frontier) > 0 && !found; depth++ {
		exp, err := expandAll(ctx, g, ExpandQuery{NodeIDs: frontier, Types: q.Types, Direction: q.Direction,
			Limit: MaxExpandLimit})
		if err != nil {
			return nil, err
		}
		if exp.Truncated || len(level) > maxPathVisited {
			return nil, Errorf(EINVALID, "The search for a path reached too much of the graph; narrow it with relationship types, a direction or a smaller maxDepth.")
		}
		for _, n := range exp.Nodes {
			nodes[n.ID] = n
		}
		inFrontier := make(map[string]bool, len(frontier))
		for _, id := range frontier {
			inFrontier[id] = true
		}
		var next []string
		for _, e := range exp.Edges { // ordered by ID
			for _, pair := range [][2]string{{e.From, e.To}, {e.To, e.From}} {
				u, v := pair[0], pair[1]
				if !inFrontier[u] || nodes[v] == nil {
					continue
				}
				if q.Direction == DirectionOut && u != e.From || q.Direction == DirectionIn && u != e.To {
					continue
				}
				if l, ok := level[v]; ok && l < depth {
					continue
				}
				if _, ok := level[v]; !ok {
					level[v] = depth
					next = append(next, v)
				}
				parents[v] = append(parents[v], step{from: u, edge: e})
				if v == q.To {
					found = true
				}
			}
		}
		sort.Strings(next)
		frontier = next
	}
	if !found {
		return []Path{}, nil
	}
	var paths []Path
	var walk func(id string, revNodes []string, revEdges []*Edge) bool
	walk = func(id string, revNodes []string, revEdges []*Edge) bool {
		revNodes = append(revNodes, id)
		if id == q.From {
			p := Path{}
			for i := len(revNodes) - 1; i >= 0; i-- {
				p.Nodes = append(p.Nodes, nodes[revNodes[i]])
			}
			for i := len(revEdges) - 1; i >= 0; i-- {
				p.Edges = append(p.Edges, revEdges[i])
			}
			paths = append(paths, p)
			return len(paths) < maxPathCandidates(q.MaxPaths)
		}
		for _, s := range parents[id] {
			if !walk(s.from, revNodes, append(revEdges, s.edge)) {
				return false
			}
		}
		return true
	}
	walk(q.To, nil, nil)
	sort.SliceStable(paths, func(i, j int) bool { return pathKey(paths[i]) < pathKey(paths[j]) })
	if len(paths) > q.MaxPaths {
		paths = paths[:q.MaxPaths]
	}
	return paths, nil
}

// maxPathCandidates bounds the paths enumerated before ordering; the
// ordering of the first ones found is then exact only below that bound.
func maxPathCandidates(n int) int { return max(n, 10000) }

func pathKey(p Path) string {
	k := ""
	for _, n := range p.Nodes {
		k += n.ID + "\x00"
	}
	k += "\x01"
	for _, e := range p.Edges {
		k += e.ID + "\x00"
	}
	return k
}
