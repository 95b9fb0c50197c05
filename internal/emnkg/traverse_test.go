package emnkg_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/emnkg/emnkg/internal/storetest"
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
