package emnkg_test

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/emnkg/emnkg/internal/storetest"
	"github.com/emnkg/emnkg/internal/synth"
)

// twoHubs returns a synthetic graph of two networks with 2500 spokes each
// (countries MEMBER_OF syn-hub, NCPs MEMBER_OF syn-end), joined only by
// the last NCP REPRESENTS the last country: both hubs' frontiers hold more
// IDs than one Expand or Neighbours call takes.
func twoHubs(tb testing.TB) (*storetest.MemStore, string, string) {
	tb.Helper()
	g := &emnkg.Graph{}
	g.Nodes = append(g.Nodes, &emnkg.Node{ID: "syn-hub", Kind: emnkg.KindNetwork, Props: map[string]any{"name": "hub", "synthetic": true}},
		&emnkg.Node{ID: "syn-end", Kind: emnkg.KindNetwork, Props: map[string]any{"name": "end", "synthetic": true}})
	const spokes = 2500
	for i := range spokes {
		c, n := fmt.Sprintf("syn-c-%04d", i), fmt.Sprintf("syn-n-%04d", i)
		g.Nodes = append(g.Nodes, &emnkg.Node{ID: c, Kind: emnkg.KindCountry, Props: map[string]any{"name": c, "synthetic": true}},
			&emnkg.Node{ID: n, Kind: emnkg.KindNationalContactPoint, Props: map[string]any{"name": n, "synthetic": true}})
		g.Edges = append(g.Edges,
			&emnkg.Edge{ID: emnkg.EdgeID(c, emnkg.RelMemberOf, "syn-hub", ""), Type: emnkg.RelMemberOf, From: c, To: "syn-hub"},
			&emnkg.Edge{ID: emnkg.EdgeID(n, emnkg.RelMemberOf, "syn-end", ""), Type: emnkg.RelMemberOf, From: n, To: "syn-end"})
	}
	lastC, lastN := fmt.Sprintf("syn-c-%04d", spokes-1), fmt.Sprintf("syn-n-%04d", spokes-1)
	g.Edges = append(g.Edges, &emnkg.Edge{ID: emnkg.EdgeID(lastN, emnkg.RelRepresents, lastC, ""), Type: emnkg.RelRepresents, From: lastN, To: lastC})
	store := storetest.NewMemStore()
	if _, err := store.ImportGraph(context.Background(), g); err != nil {
		tb.Fatal(err)
	}
	return store, lastC, lastN
}

// TestShortestPathsBetweenHubs finds the one path between two hubs whose
// frontiers are split into several Expand calls, in both directions.
func TestShortestPathsBetweenHubs(t *testing.T) {
	store, lastC, lastN := twoHubs(t)
	tests := []struct {
		name     string
		q        emnkg.PathQuery
		want     []string
		wantNone bool
	}{
		{"both", emnkg.PathQuery{From: "syn-hub", To: "syn-end", MaxDepth: 4}, []string{"syn-hub", lastC, lastN, "syn-end"}, false},
		{"reversed", emnkg.PathQuery{From: "syn-end", To: "syn-hub", MaxDepth: 4}, []string{"syn-end", lastN, lastC, "syn-hub"}, false},
		{"too short", emnkg.PathQuery{From: "syn-hub", To: "syn-end", MaxDepth: 2}, nil, true},
		{"against the links", emnkg.PathQuery{From: "syn-hub", To: "syn-end", MaxDepth: 4, Direction: emnkg.DirectionOut}, nil, true},
		{"out from a spoke", emnkg.PathQuery{From: lastN, To: "syn-hub", MaxDepth: 4, Direction: emnkg.DirectionOut},
			[]string{lastN, lastC, "syn-hub"}, false},
		{"in to a spoke", emnkg.PathQuery{From: "syn-hub", To: lastN, MaxDepth: 4, Direction: emnkg.DirectionIn},
			[]string{"syn-hub", lastC, lastN}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			paths, err := emnkg.ShortestPaths(t.Context(), store, tt.q, true)
			if err != nil {
				t.Fatal(err)
			}
			if tt.wantNone {
				if len(paths) != 0 {
					t.Fatalf("got %d paths, want none", len(paths))
				}
				return
			}
			if len(paths) != 1 {
				t.Fatalf("got %d paths, want 1", len(paths))
			}
			var ids []string
			for _, n := range paths[0].Nodes {
				ids = append(ids, n.ID)
			}
			if !slices.Equal(ids, tt.want) || len(paths[0].Edges) != len(tt.want)-1 {
				t.Fatalf("path %q (%d edges), want %q", ids, len(paths[0].Edges), tt.want)
			}
			for i, e := range paths[0].Edges {
				if a, b := ids[i], ids[i+1]; !(e.From == a && e.To == b || e.From == b && e.To == a) {
					t.Errorf("edge %d %s joins %s and %s, not %s and %s", i, e.ID, e.From, e.To, a, b)
				}
			}
		})
	}
}

// TestNeighbourhoodOverManyIDs reaches more than MaxQueryIDs nodes: the
// frontier is split and the kept nodes' relationships come in one call.
func TestNeighbourhoodOverManyIDs(t *testing.T) {
	store, lastC, lastN := twoHubs(t)
	sg, err := emnkg.Neighbourhood(t.Context(), store, emnkg.NeighbourhoodQuery{IDs: []string{"syn-hub"}, Depth: 3, Limit: 2504})
	if err != nil {
		t.Fatal(err)
	}
	// The hub, its 2500 countries, then at depth 2 only lastN is new, then
	// syn-end at depth 3; one node short of the 2504 cap.
	if len(sg.Nodes) != 2503 || sg.Truncated {
		t.Fatalf("%d nodes, truncated %v", len(sg.Nodes), sg.Truncated)
	}
	if sg.Nodes[2501].ID != lastN || sg.Nodes[2502].ID != "syn-end" || sg.Nodes[2500].ID != lastC {
		t.Errorf("last nodes %s %s %s", sg.Nodes[2500].ID, sg.Nodes[2501].ID, sg.Nodes[2502].ID)
	}
	if len(sg.Edges) != 2502 {
		t.Errorf("%d edges, want 2502", len(sg.Edges))
	}
	cut, err := emnkg.Neighbourhood(t.Context(), store, emnkg.NeighbourhoodQuery{IDs: []string{"syn-hub"}, Depth: 3, Limit: 1200})
	if err != nil {
		t.Fatal(err)
	}
	if len(cut.Nodes) != 1200 || !cut.Truncated || cut.Nodes[1199].ID != "syn-c-1198" {
		t.Fatalf("%d nodes (last %s), truncated %v", len(cut.Nodes), cut.Nodes[len(cut.Nodes)-1].ID, cut.Truncated)
	}
	if len(cut.Edges) != 1199 {
		t.Errorf("%d edges, want 1199", len(cut.Edges))
	}
}

// breadthFirst is the plain statement of what emnkg.Neighbourhood answers,
// over a graph held in memory: the stored start nodes in their order, then
// level by level the other ends of the qualifying relationships of the
// previous level, each level in ID order, every node once, cut at q.Limit
// (truncated when a node was left out); then the qualifying relationships
// among the nodes kept.
func breadthFirst(g *emnkg.Graph, q emnkg.NeighbourhoodQuery) (nodes, edges []string, truncated bool) {
	kinds := map[string]emnkg.Kind{}
	for _, n := range g.Nodes {
		kinds[n.ID] = n.Kind
	}
	typeOK := func(e *emnkg.Edge) bool { return len(q.Types) == 0 || slices.Contains(q.Types, e.Type) }
	seen := map[string]bool{}
	keep := func(id string) bool {
		if seen[id] {
			return true
		}
		if len(nodes) == q.Limit {
			truncated = true
			return false
		}
		seen[id] = true
		nodes = append(nodes, id)
		return true
	}
	var frontier []string
	for _, id := range q.IDs {
		if _, ok := kinds[id]; ok && !seen[id] {
			if !keep(id) {
				break
			}
			frontier = append(frontier, id)
		}
	}
	for depth := 1; depth <= q.Depth && len(frontier) > 0 && !truncated; depth++ {
		from := map[string]bool{}
		for _, id := range frontier {
			from[id] = true
		}
		reached := map[string]bool{}
		for _, e := range g.Edges {
			if !typeOK(e) {
				continue
			}
			if q.Direction != emnkg.DirectionIn && from[e.From] {
				reached[e.To] = true
			}
			if q.Direction != emnkg.DirectionOut && from[e.To] {
				reached[e.From] = true
			}
		}
		frontier = nil
		for _, id := range slices.Sorted(maps.Keys(reached)) {
			if seen[id] || len(q.Kinds) > 0 && !slices.Contains(q.Kinds, kinds[id]) {
				continue
			}
			if !keep(id) {
				break
			}
			frontier = append(frontier, id)
		}
	}
	for _, e := range g.Edges {
		if typeOK(e) && seen[e.From] && seen[e.To] {
			edges = append(edges, e.ID)
		}
	}
	slices.Sort(edges)
	return nodes, edges, truncated
}

// TestNeighbourhoodIsBreadthFirst checks Neighbourhood against
// breadthFirst on a synthetic graph, for random start nodes (with unknown
// and repeated IDs among them), depths, limits, types, directions and
// kinds: limits that cut the start nodes, the first level or a later one.
func TestNeighbourhoodIsBreadthFirst(t *testing.T) {
	g := &emnkg.Graph{}
	err := synth.Generate(600, 7, func(b *emnkg.Graph) error {
		g.Nodes = append(g.Nodes, b.Nodes...)
		g.Edges = append(g.Edges, b.Edges...)
		return nil
	}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	store := storetest.NewMemStore()
	if _, err := store.ImportGraph(t.Context(), g); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	directions := []emnkg.Direction{emnkg.DirectionBoth, emnkg.DirectionOut, emnkg.DirectionIn}
	for i := range 400 {
		q := emnkg.NeighbourhoodQuery{Depth: rng.IntN(4), Limit: 1 + rng.IntN(80), Direction: directions[rng.IntN(3)]}
		for range 1 + rng.IntN(4) {
			switch rng.IntN(6) {
			case 0:
				q.IDs = append(q.IDs, "syn-unknown")
			case 1:
				if len(q.IDs) > 0 {
					q.IDs = append(q.IDs, q.IDs[0])
					continue
				}
				fallthrough
			case 2: // start nodes that are neighbours of each other
				e := g.Edges[rng.IntN(len(g.Edges))]
				q.IDs = append(q.IDs, e.From, e.To)
			default:
				q.IDs = append(q.IDs, g.Nodes[rng.IntN(len(g.Nodes))].ID)
			}
		}
		if rng.IntN(3) == 0 {
			q.Types = []emnkg.RelType{g.Edges[rng.IntN(len(g.Edges))].Type, g.Edges[rng.IntN(len(g.Edges))].Type}
		}
		if rng.IntN(4) == 0 {
			q.Kinds = []emnkg.Kind{g.Nodes[rng.IntN(len(g.Nodes))].Kind}
		}
		switch rng.IntN(4) {
		case 0: // cut among the start nodes
			q.Limit = 1 + rng.IntN(len(q.IDs))
		case 1: // just enough for every node, or one short
			all := q
			all.Limit = emnkg.MaxNeighbourhoodSize
			nodes, _, _ := breadthFirst(g, all)
			q.Limit = max(1, len(nodes)-rng.IntN(2))
		}
		wantNodes, wantEdges, wantTruncated := breadthFirst(g, q)
		sg, err := emnkg.Neighbourhood(t.Context(), store, q)
		if err != nil {
			t.Fatalf("query %d %+v: %v", i, q, err)
		}
		var nodes, edges []string
		for _, n := range sg.Nodes {
			nodes = append(nodes, n.ID)
		}
		for _, e := range sg.Edges {
			edges = append(edges, e.ID)
		}
		slices.Sort(edges)
		if !slices.Equal(nodes, wantNodes) || !slices.Equal(edges, wantEdges) || sg.Truncated != wantTruncated {
			t.Fatalf("query %d %+v:\n got %d nodes %v, %d edges, truncated %v\nwant %d nodes %v, %d edges, truncated %v",
				i, q, len(nodes), nodes, len(edges), sg.Truncated, len(wantNodes), wantNodes, len(wantEdges), wantTruncated)
		}
	}
}
