package storetest

import (
	"strings"
	"testing"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// refItem is a node, or a relationship with the node at its other end, in
// the reference ordering of the generated graph's tests.
type refItem struct {
	node *emnkg.Node
	edge *emnkg.Edge
}

// refValue returns the value a sort field takes on an item.
func refValue(it refItem, f emnkg.SortField) (any, bool) {
	if f.OnEdge {
		v, ok := it.edge.Props[f.Field]
		return v, ok
	}
	if f.Field == "id" {
		return it.node.ID, true
	}
	v, ok := it.node.Props[f.Field]
	return v, ok
}

func testGenerated(t *testing.T, s emnkg.Store) {
	g := Generated()
	checkImportResult(t, importGraph(t, s, Generated()),
		emnkg.ImportResult{NodesCreated: genDocs + genTerms, EdgesCreated: len(g.Edges)})
	if len(g.Edges) != 334 {
		t.Fatalf("Generated has %d edges, want 334", len(g.Edges))
	}
	ref := newIndex(g)
	var docs []*emnkg.Node
	for _, n := range g.Nodes {
		if n.Kind == emnkg.KindDocument {
			docs = append(docs, ref.nodes[n.ID])
		}
	}

	t.Run("Stats", func(t *testing.T) {
		checkStats(t, stats(t, s), fullStats(
			map[emnkg.Kind]int{emnkg.KindDocument: genDocs, emnkg.KindGlossaryTerm: genTerms},
			map[emnkg.RelType]int{emnkg.RelUsesTerm: 334}))
	})

	t.Run("PageThrough", func(t *testing.T) {
		year := func(n *emnkg.Node) (int64, bool) { y, ok := n.Props["year"].(int64); return y, ok }
		tests := []struct {
			name   string
			filter *emnkg.Filter
			keep   func(n *emnkg.Node) bool
			sort   []emnkg.SortField
			limit  int
		}{
			{"by id", nil, nil, nil, 100},
			{"year desc kind", nil, nil, []emnkg.SortField{desc("year"), asc("kind")}, 37},
			{"filtered by date", and(cmpF("year", emnkg.OpGte, int64(2005)), in("kind", "report", "study")),
				func(n *emnkg.Node) bool {
					y, ok := year(n)
					return ok && y >= 2005 && (n.Props["kind"] == "report" || n.Props["kind"] == "study")
				}, []emnkg.SortField{asc("date")}, 30},
			{"absent and bool", or(eq("uncertain", true), not(exists("date", true))),
				func(n *emnkg.Node) bool { _, ok := n.Props["date"]; return n.Props["uncertain"] == true || !ok },
				[]emnkg.SortField{desc("date"), asc("title")}, 13},
			{"not skips absent", not(cmpF("year", emnkg.OpLt, int64(2000))),
				func(n *emnkg.Node) bool { y, ok := year(n); return ok && y >= 2000 },
				[]emnkg.SortField{asc("year"), desc("id")}, 29},
			{"bool sort", cmpF("title", emnkg.OpContains, "document 1"),
				func(n *emnkg.Node) bool { return strings.Contains(n.String("title"), "document 1") },
				[]emnkg.SortField{desc("uncertain"), desc("kind"), asc("date")}, 11},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				var items []refItem
				for _, n := range docs {
					if tt.keep == nil || tt.keep(n) {
						items = append(items, refItem{node: n})
					}
				}
				memOrder(items, tt.sort)
				want := make([]string, len(items))
				for i, it := range items {
					want[i] = it.node.ID
				}
				if len(want) < 2*tt.limit {
					t.Fatalf("the test wants at least two pages, has %d matches", len(want))
				}
				for off := 0; off <= len(want); off += tt.limit {
					p := findNodes(t, s, emnkg.NodeQuery{Kind: emnkg.KindDocument, Filter: tt.filter, Sort: tt.sort,
						Offset: off, Limit: tt.limit, WithTotal: true})
					end := min(off+tt.limit, len(want))
					checkNodePage(t, p, want[off:end], len(want), end < len(want), ref.nodes)
					if t.Failed() {
						t.Fatalf("page at offset %d failed", off)
					}
				}
			})
		}
	})

	t.Run("PageEdges", func(t *testing.T) {
		all := make([]string, len(docs))
		for i, n := range docs {
			all[i] = n.ID
		}
		tests := []struct {
			name          string
			offset, limit int
			want          []string
			more          bool
		}{
			{"max page size", 0, emnkg.MaxPageSize, all, false},
			{"limit 0", 0, 0, []string{}, true},
			{"limit 0 before last", genDocs - 1, 0, []string{}, true},
			{"limit 0 at end", genDocs, 0, []string{}, false},
			{"last one", genDocs - 1, 5, all[genDocs-1:], false},
			{"ends at end", genDocs - 10, 10, all[genDocs-10:], false},
			{"one before end", genDocs - 11, 10, all[genDocs-11 : genDocs-1], true},
			{"far", 100000, 10, []string{}, false},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				p := findNodes(t, s, emnkg.NodeQuery{Kind: emnkg.KindDocument, Offset: tt.offset, Limit: tt.limit,
					WithTotal: true})
				checkNodePage(t, p, tt.want, genDocs, tt.more, nil)
			})
		}
	})

	t.Run("RelatedPerParent", func(t *testing.T) {
		terms := make([]string, genTerms)
		for j := range terms {
			terms[j] = genTermID(j)
		}
		allDocs := make([]string, genDocs)
		for i := range allDocs {
			allDocs[i] = genDocID(i)
		}
		tests := []struct {
			name string
			q    emnkg.RelatedQuery
			keep func(e *emnkg.Edge) bool
		}{
			{"in by node year", emnkg.RelatedQuery{NodeIDs: terms, Direction: emnkg.DirectionIn,
				OtherKind: emnkg.KindDocument, Sort: []emnkg.SortField{desc("year")}, Offset: 1, Limit: 3, WithTotal: true}, nil},
			{"in by edge since", emnkg.RelatedQuery{NodeIDs: terms, Direction: emnkg.DirectionIn,
				EdgeFilter: exists("since", true), Sort: []emnkg.SortField{edgeAsc("since")}, Limit: 2, WithTotal: true},
				func(e *emnkg.Edge) bool { _, ok := e.Props["since"]; return ok }},
			{"in limit 0", emnkg.RelatedQuery{NodeIDs: terms, Direction: emnkg.DirectionIn, Offset: 6, Limit: 0,
				WithTotal: true}, nil},
			{"both by edge role", emnkg.RelatedQuery{NodeIDs: terms[:10], Direction: emnkg.DirectionBoth,
				Sort: []emnkg.SortField{edgeDesc("role"), asc("id")}, Offset: 2, Limit: 4}, nil},
			{"out first", emnkg.RelatedQuery{NodeIDs: allDocs, Direction: emnkg.DirectionOut, Limit: 1}, nil},
			{"out second", emnkg.RelatedQuery{NodeIDs: allDocs, Direction: emnkg.DirectionOut, Offset: 1, Limit: 1,
				WithTotal: true}, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				q := tt.q
				q.Type = emnkg.RelUsesTerm
				want := map[string]relWant{}
				for _, id := range q.NodeIDs {
					var items []refItem
					for _, e := range g.Edges {
						other := ""
						switch {
						case q.Direction != emnkg.DirectionIn && e.From == id:
							other = e.To
						case q.Direction != emnkg.DirectionOut && e.To == id:
							other = e.From
						default:
							continue
						}
						if tt.keep == nil || tt.keep(e) {
							items = append(items, refItem{node: ref.nodes[other], edge: e})
						}
					}
					memOrder(items, q.Sort)
					w := relWant{edges: []string{}, total: len(items)}
					for i := q.Offset; i < min(q.Offset+q.Limit, len(items)); i++ {
						w.edges = append(w.edges, items[i].edge.ID)
					}
					w.more = len(items) > q.Offset+q.Limit
					want[id] = w
				}
				checkRelated(t, q, findRelated(t, s, q), want, ref)
			})
		}
	})
}
