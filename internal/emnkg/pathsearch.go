package emnkg

import (
	"context"
	"slices"
	"sort"
)

// step is how a breadth-first search reached a node: from a node, one
// level closer to the search's start, over a link.
type step struct {
	from string
	link Link
}

// search is one side of the bidirectional search of ShortestPaths: the
// levels of the nodes it reached, how it reached them, and its frontier.
type search struct {
	dir      Direction // the direction this side follows links in
	level    map[string]int
	parents  map[string][]step
	frontier []string
	depth    int
}

func newSearch(start string, dir Direction) *search {
	return &search{dir: dir, level: map[string]int{start: 0}, parents: map[string][]step{}, frontier: []string{start}}
}

// expand reaches the next level and returns, ordered by ID, its nodes
// that other reached too.
func (s *search) expand(ctx context.Context, g GraphReader, types []RelType, other *search) ([]string, error) {
	exp, err := expandAll(ctx, g, ExpandQuery{NodeIDs: s.frontier, Types: types, Direction: s.dir, Limit: MaxExpandLimit})
	if err != nil {
		return nil, err
	}
	if exp.Truncated || len(s.level)+len(other.level) > maxPathVisited {
		return nil, Errorf(EINVALID, "The search for a path reached too much of the graph; narrow it with relationship types, a direction or a smaller maxDepth.")
	}
	s.depth++
	inFrontier := make(map[string]bool, len(s.frontier))
	for _, id := range s.frontier {
		inFrontier[id] = true
	}
	var next, met []string
	for _, l := range exp.Links { // ordered by ID
		for _, pair := range [][2]string{{l.From, l.To}, {l.To, l.From}} {
			u, v := pair[0], pair[1]
			if !inFrontier[u] || s.dir == DirectionOut && u != l.From || s.dir == DirectionIn && u != l.To {
				continue
			}
			if lv, ok := s.level[v]; ok && lv < s.depth {
				continue
			}
			if _, ok := s.level[v]; !ok {
				s.level[v] = s.depth
				next = append(next, v)
				if _, ok := other.level[v]; ok {
					met = append(met, v)
				}
			}
			s.parents[v] = append(s.parents[v], step{from: u, link: l})
		}
	}
	sort.Strings(next)
	sort.Strings(met)
	s.frontier = next
	return met, nil
}

// walks returns the walks from the side's start to id, nodes and links in
// the order of the search (from its start), at most limit of them.
func (s *search) walks(id string, limit int) []walk {
	var out []walk
	var visit func(id string, revNodes []string, revLinks []Link) bool
	visit = func(id string, revNodes []string, revLinks []Link) bool {
		revNodes = append(revNodes, id)
		if s.level[id] == 0 {
			w := walk{nodes: slices.Clone(revNodes), links: slices.Clone(revLinks)}
			slices.Reverse(w.nodes)
			slices.Reverse(w.links)
			out = append(out, w)
			return len(out) < limit
		}
		for _, st := range s.parents[id] {
			if !visit(st.from, revNodes, append(revLinks, st.link)) {
				return false
			}
		}
		return true
	}
	visit(id, nil, nil)
	return out
}

// shortestWalks searches from both ends, one level at a time on the side
// with the smaller frontier, and returns up to limit shortest walks from
// fromID to toID of at most maxDepth links. Until the sides meet no node
// is reached by both, so the first level that reaches nodes of the other
// side reaches them all at the shortest distance, and every shortest walk
// crosses one of them.
func shortestWalks(ctx context.Context, g GraphReader, fromID, toID string, types []RelType, dir Direction, maxDepth, limit int) ([]walk, error) {
	from, to := newSearch(fromID, dir), newSearch(toID, reverse(dir))
	var met []string
	for len(met) == 0 && from.depth+to.depth < maxDepth && len(from.frontier) > 0 && len(to.frontier) > 0 {
		side, other := from, to
		if len(to.frontier) < len(from.frontier) {
			side, other = to, from
		}
		var err error
		if met, err = side.expand(ctx, g, types, other); err != nil {
			return nil, err
		}
	}
	var walks []walk
	for _, m := range met {
		tails := to.walks(m, limit)
		for _, head := range from.walks(m, limit) {
			for _, tail := range tails {
				w := walk{nodes: slices.Clone(head.nodes), links: slices.Clone(head.links)}
				for i := len(tail.nodes) - 2; i >= 0; i-- {
					w.nodes = append(w.nodes, tail.nodes[i])
				}
				for i := len(tail.links) - 1; i >= 0; i-- {
					w.links = append(w.links, tail.links[i])
				}
				if walks = append(walks, w); len(walks) == limit {
					return walks, nil
				}
			}
		}
	}
	return walks, nil
}

// reverse returns the direction that follows links the other way.
func reverse(d Direction) Direction {
	switch d {
	case DirectionOut:
		return DirectionIn
	case DirectionIn:
		return DirectionOut
	}
	return d
}
