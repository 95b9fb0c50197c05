package emnkg_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/emnkg/emnkg/internal/storetest"
)

// TestShortestPathsThroughAHub finds paths through a node with more
// neighbours than one Expand call takes IDs: the frontier is split.
func TestShortestPathsThroughAHub(t *testing.T) {
	ctx := context.Background()
	store := storetest.NewMemStore()
	g := &emnkg.Graph{}
	g.Nodes = append(g.Nodes, &emnkg.Node{ID: "syn-hub", Kind: emnkg.KindNetwork, Props: map[string]any{"name": "hub", "synthetic": true}},
		&emnkg.Node{ID: "syn-end", Kind: emnkg.KindNetwork, Props: map[string]any{"name": "end", "synthetic": true}})
	const spokes = 2500
	for i := 0; i < spokes; i++ {
		id := fmt.Sprintf("syn-c-%04d", i)
		g.Nodes = append(g.Nodes, &emnkg.Node{ID: id, Kind: emnkg.KindCountry, Props: map[string]any{"name": id, "synthetic": true}})
		g.Edges = append(g.Edges, &emnkg.Edge{ID: emnkg.EdgeID(id, emnkg.RelMemberOf, "syn-hub", ""), Type: emnkg.RelMemberOf, From: id, To: "syn-hub"})
	}
	last := fmt.Sprintf("syn-c-%04d", spokes-1)
	g.Edges = append(g.Edges, &emnkg.Edge{ID: emnkg.EdgeID(last, emnkg.RelObserverOf, "syn-end", ""), Type: emnkg.RelObserverOf, From: last, To: "syn-end"})
	if _, err := store.ImportGraph(ctx, g); err != nil {
		t.Fatal(err)
	}
	paths, err := emnkg.ShortestPaths(ctx, store, emnkg.PathQuery{From: "syn-hub", To: "syn-end", MaxDepth: 4}, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 1 || len(paths[0].Edges) != 2 || paths[0].Nodes[1].ID != last {
		t.Fatalf("paths %+v", paths)
	}
}
