package emnkg

import (
	"context"
	"slices"
	"sort"
	"strings"

	"golang.org/x/sync/errgroup"
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
	if err := ValidateRelTypes(types); err != nil {
		return err
	}
	if err := validateDirection(dir); err != nil {
		return err
	}
	return ValidateKinds(kinds)
}

// Neighbourhood returns the nodes within q.Depth relationships of q.IDs,
// breadth first (level by level, each level ordered by ID, cut at q.Limit
// nodes), and every relationship of the allowed types among them. Its
// answer depends only on the graph, so every store gives the same one.
//
// Each level is one Neighbours call asking for just enough IDs to fill the
// answer (and one more, to tell whether it was cut), so no level reads more
// than about twice q.Limit IDs however many relationships it crosses. The
// first level is asked at the same time as the start nodes are read (see
// startAndLevel1), and the nodes and relationships kept are read once at
// the end, at the same time (g must be safe for concurrent use, as stores
// are).
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
	start, level1, haveLevel1, err := startAndLevel1(ctx, g, q)
	if err != nil {
		return nil, err
	}
	sg := &Subgraph{}
	seen := map[string]bool{}
	var kept, frontier []string
	for _, n := range start {
		if seen[n.ID] {
			continue
		}
		if len(kept) == q.Limit {
			sg.Truncated = true
			break
		}
		seen[n.ID] = true
		kept = append(kept, n.ID)
		frontier = append(frontier, n.ID)
		sg.Nodes = append(sg.Nodes, n)
	}
	for depth := 1; depth <= q.Depth && len(frontier) > 0 && !sg.Truncated; depth++ {
		// At most len(seen) of the IDs returned are known already, so
		// asking for len(seen) more than the room left, plus one, finds
		// every new node that fits and tells whether another exists.
		room := q.Limit - len(kept)
		ids := level1
		if depth > 1 || !haveLevel1 {
			ids, err = neighboursAll(ctx, g, ExpandQuery{NodeIDs: frontier, Types: q.Types, Direction: q.Direction,
				Kinds: q.Kinds, Limit: len(seen) + room + 1})
			if err != nil {
				return nil, err
			}
		}
		frontier = frontier[:0]
		for _, id := range ids { // ordered by ID
			if seen[id] {
				continue
			}
			if len(kept) == q.Limit {
				sg.Truncated = true
				break
			}
			seen[id] = true
			kept = append(kept, id)
			frontier = append(frontier, id)
		}
	}
	// The start nodes were read already; read the nodes reached and the
	// relationships among all of them.
	reached, edges, err := nodesAndEdges(ctx, g, kept[len(sg.Nodes):], kept, q.Types)
	if err != nil {
		return nil, err
	}
	sg.Nodes, sg.Edges = append(sg.Nodes, reached...), edges
	return sg, nil
}

// startAndLevel1 reads the start nodes of q and, at the same time, the
// first level of q's neighbourhood, which it returns (and true) unless it
// cannot tell it: when q asks for no level, or gives more start IDs than
// q.Limit (which then cuts the answer to start nodes). The first level
// does not depend on which start IDs name stored nodes: an ID without a
// node has no relationships, and the level asks for len(seen) + room + 1
// = q.Limit + 1 IDs whatever the number of start nodes found. So a
// neighbourhood waits for one store call less.
func startAndLevel1(ctx context.Context, g GraphReader, q NeighbourhoodQuery) (start []*Node, level1 []string, ok bool, err error) {
	ids := slices.Compact(slices.Sorted(slices.Values(q.IDs)))
	if q.Depth < 1 || len(ids) > q.Limit {
		start, err = g.GetNodes(ctx, q.IDs)
		return start, nil, false, err
	}
	group, gctx := errgroup.WithContext(ctx)
	group.Go(func() (err error) {
		start, err = g.GetNodes(gctx, q.IDs)
		return err
	})
	group.Go(func() (err error) {
		level1, err = neighboursAll(gctx, g, ExpandQuery{NodeIDs: ids, Types: q.Types, Direction: q.Direction,
			Kinds: q.Kinds, Limit: q.Limit + 1})
		return err
	})
	if err := group.Wait(); err != nil {
		return nil, nil, false, err
	}
	return start, level1, true, nil
}

// nodesAndEdges reads the nodes of ids (getNodesAll) and the
// relationships of the given types among the nodes of among (EdgesAmong)
// at the same time, as two store calls of their own: neither needs the
// other, so the answer comes after the slower of them, not after both.
func nodesAndEdges(ctx context.Context, g GraphReader, ids, among []string, types []RelType) ([]*Node, []*Edge, error) {
	var nodes []*Node
	var edges []*Edge
	group, gctx := errgroup.WithContext(ctx)
	group.Go(func() (err error) {
		nodes, err = getNodesAll(gctx, g, ids)
		return err
	})
	group.Go(func() (err error) {
		edges, err = g.EdgesAmong(gctx, among, types)
		return err
	})
	if err := group.Wait(); err != nil {
		return nil, nil, err
	}
	return nodes, edges, nil
}

// chunks calls f with consecutive parts of ids of at most MaxQueryIDs IDs.
func chunks(ids []string, f func(part []string) error) error {
	for start := 0; start < len(ids); start += MaxQueryIDs {
		if err := f(ids[start:min(len(ids), start+MaxQueryIDs)]); err != nil {
			return err
		}
	}
	return nil
}

// getNodesAll is GetNodes over any number of IDs (none asks nothing), in
// the order of ids.
func getNodesAll(ctx context.Context, g GraphReader, ids []string) ([]*Node, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	if len(ids) <= MaxQueryIDs {
		return g.GetNodes(ctx, ids)
	}
	var out []*Node
	err := chunks(ids, func(part []string) error {
		nodes, err := g.GetNodes(ctx, part)
		out = append(out, nodes...)
		return err
	})
	return out, err
}

// neighboursAll runs Neighbours over a frontier of any size, in chunks of
// at most MaxQueryIDs IDs, and merges the answers as one call would give
// them: each ID once, ordered by ID, at most q.Limit.
func neighboursAll(ctx context.Context, g GraphReader, q ExpandQuery) ([]string, error) {
	if len(q.NodeIDs) <= MaxQueryIDs {
		return g.Neighbours(ctx, q)
	}
	var all []string
	err := chunks(q.NodeIDs, func(part []string) error {
		chunk := q
		chunk.NodeIDs = part
		ids, err := g.Neighbours(ctx, chunk)
		all = append(all, ids...)
		return err
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(all)
	all = slices.Compact(all)
	return all[:min(len(all), q.Limit)], nil
}

// expandAll runs an Expand over a frontier of any size, in chunks of at
// most MaxQueryIDs IDs, and merges the answers as one Expand would give
// them: links ordered by ID, each once, cut at q.Limit.
func expandAll(ctx context.Context, g GraphReader, q ExpandQuery) (*Expansion, error) {
	if len(q.NodeIDs) <= MaxQueryIDs {
		return g.Expand(ctx, q)
	}
	out := &Expansion{}
	err := chunks(q.NodeIDs, func(part []string) error {
		chunk := q
		chunk.NodeIDs = part
		exp, err := g.Expand(ctx, chunk)
		if err != nil {
			return err
		}
		out.Truncated = out.Truncated || exp.Truncated
		out.Links = append(out.Links, exp.Links...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out.Links, func(a, b Link) int { return strings.Compare(a.ID, b.ID) })
	out.Links = slices.CompactFunc(out.Links, func(a, b Link) bool { return a.ID == b.ID })
	if len(out.Links) > q.Limit {
		out.Links, out.Truncated = out.Links[:q.Limit], true
	}
	return out, nil
}

// SubgraphOf returns the given nodes (in the order of ids, unknown ones
// skipped) and every relationship among them.
func SubgraphOf(ctx context.Context, g GraphReader, ids []string) (*Subgraph, error) {
	if len(ids) == 0 || len(ids) > MaxNeighbourhoodSize {
		return nil, Errorf(EINVALID, "Give between 1 and %d IDs.", MaxNeighbourhoodSize)
	}
	// Unknown IDs have no relationships, so the relationships among ids
	// are those among the nodes found.
	nodes, edges, err := nodesAndEdges(ctx, g, ids, ids, nil)
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
	if len(ends) == 0 || (len(ends) == 1 && q.From != q.To) {
		return []Path{}, nil
	}
	if q.From == q.To {
		return []Path{{Nodes: ends[:1], Edges: []*Edge{}}}, nil
	}
	walks, err := shortestWalks(ctx, g, q.From, q.To, q.Types, q.Direction, q.MaxDepth, maxPathCandidates(q.MaxPaths))
	if err != nil {
		return nil, err
	}
	if len(walks) == 0 {
		return []Path{}, nil
	}
	sort.SliceStable(walks, func(i, j int) bool { return walks[i].key() < walks[j].key() })
	if len(walks) > q.MaxPaths {
		walks = walks[:q.MaxPaths]
	}
	return pathsOf(ctx, g, walks)
}

// walk is a path found by ShortestPaths, by IDs.
type walk struct {
	nodes []string
	links []Link
}

// key orders walks by the IDs of their nodes and then of their links.
func (w walk) key() string {
	var b strings.Builder
	for _, id := range w.nodes {
		b.WriteString(id + "\x00")
	}
	b.WriteString("\x01")
	for _, l := range w.links {
		b.WriteString(l.ID + "\x00")
	}
	return b.String()
}

// pathsOf reads the nodes and relationships of walks and returns them as
// paths.
func pathsOf(ctx context.Context, g GraphReader, walks []walk) ([]Path, error) {
	var ids []string
	for _, w := range walks {
		ids = append(ids, w.nodes...)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	// At most MaxPaths walks of MaxPathDepth links: fewer nodes than
	// MaxQueryIDs, so one call reads them and one finds every link among
	// them.
	nodes, edges, err := nodesAndEdges(ctx, g, ids, ids, nil)
	if err != nil {
		return nil, err
	}
	nodeByID := make(map[string]*Node, len(nodes))
	for _, n := range nodes {
		nodeByID[n.ID] = n
	}
	edgeByID := make(map[string]*Edge, len(edges))
	for _, e := range edges {
		edgeByID[e.ID] = e
	}
	paths := make([]Path, 0, len(walks))
	for _, w := range walks {
		p := Path{Nodes: make([]*Node, len(w.nodes)), Edges: make([]*Edge, len(w.links))}
		for i, id := range w.nodes {
			if p.Nodes[i] = nodeByID[id]; p.Nodes[i] == nil {
				return nil, Errorf(ECONFLICT, "The graph changed while the path was read; try again.")
			}
		}
		for i, l := range w.links {
			if p.Edges[i] = edgeByID[l.ID]; p.Edges[i] == nil {
				return nil, Errorf(ECONFLICT, "The graph changed while the path was read; try again.")
			}
		}
		paths = append(paths, p)
	}
	return paths, nil
}

// maxPathCandidates bounds the paths enumerated before ordering; the
// ordering of the first ones found is then exact only below that bound.
func maxPathCandidates(n int) int { return max(n, 10000) }

// Walks of pathsOf fit one GetNodes and one EdgesAmong call.
const _ = uint(MaxQueryIDs - MaxPaths*(MaxPathDepth+1))
