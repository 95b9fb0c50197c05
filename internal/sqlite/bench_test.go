package sqlite

import (
	"testing"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// benchDocs is the number of synthetic documents of the benchmark graph; it
// has benchDocs/10+1 glossary terms and 3 relationships per document.
const benchDocs = 10000

// newBenchStore returns a store holding the synthetic benchmark graph.
func newBenchStore(b *testing.B) (*Store, *emnkg.Graph) {
	b.Helper()
	s := newTestStore(b)
	g := syntheticGraph(benchDocs, 3)
	mustImport(b, s, g)
	return s, g
}

func BenchmarkFindNodes(b *testing.B) {
	s, _ := newBenchStore(b)
	cmp := func(field string, op emnkg.Op, v any) *emnkg.Filter {
		return &emnkg.Filter{Field: field, Op: op, Value: v}
	}
	cases := []struct {
		name string
		q    emnkg.NodeQuery
	}{
		{"ById", emnkg.NodeQuery{Kind: emnkg.KindDocument, Limit: 20}},
		{"SortIndexedTitle", emnkg.NodeQuery{Kind: emnkg.KindDocument, Limit: 20,
			Sort: []emnkg.SortField{{Field: "title"}}}},
		{"SortIndexedYearDescDeepPage", emnkg.NodeQuery{Kind: emnkg.KindDocument, Offset: 5000, Limit: 20,
			Sort: []emnkg.SortField{{Field: "year", Desc: true}}}},
		{"SortUnindexedKindWithTotal", emnkg.NodeQuery{Kind: emnkg.KindDocument, Limit: 20, WithTotal: true,
			Sort: []emnkg.SortField{{Field: "kind"}, {Field: "title", Desc: true}}}},
		{"FilterEqIndexed", emnkg.NodeQuery{Kind: emnkg.KindDocument, Limit: 20, WithTotal: true,
			Filter: cmp("title", emnkg.OpEq, "Synthetic document 004242")}},
		{"FilterRangeAndContains", emnkg.NodeQuery{Kind: emnkg.KindDocument, Limit: 20, WithTotal: true,
			Filter: &emnkg.Filter{And: []*emnkg.Filter{
				cmp("year", emnkg.OpGte, int64(2000)),
				cmp("title", emnkg.OpContains, "42"),
				{Not: cmp("kind", emnkg.OpIn, []any{"study"})},
			}}}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			ctx := b.Context()
			for b.Loop() {
				if _, err := s.FindNodes(ctx, c.q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkFindRelated(b *testing.B) {
	s, g := newBenchStore(b)
	var docs, terms []string
	for _, n := range g.Nodes {
		switch {
		case n.Kind == emnkg.KindDocument && len(docs) < 100:
			docs = append(docs, n.ID)
		case n.Kind == emnkg.KindGlossaryTerm && len(terms) < 100:
			terms = append(terms, n.ID)
		}
	}
	cases := []struct {
		name string
		q    emnkg.RelatedQuery
	}{
		{"Out100Nodes", emnkg.RelatedQuery{NodeIDs: docs, Type: emnkg.RelUsesTerm,
			Direction: emnkg.DirectionOut, Limit: 10}},
		{"Out100NodesEdgeSortWithTotal", emnkg.RelatedQuery{NodeIDs: docs, Type: emnkg.RelUsesTerm,
			Direction: emnkg.DirectionOut, Limit: 2, WithTotal: true,
			Sort: []emnkg.SortField{{Field: "since", OnEdge: true, Desc: true}}}},
		{"In100NodesFilterWithTotal", emnkg.RelatedQuery{NodeIDs: terms, Type: emnkg.RelUsesTerm,
			Direction: emnkg.DirectionIn, OtherKind: emnkg.KindDocument, Limit: 10, WithTotal: true,
			Filter: &emnkg.Filter{Field: "year", Op: emnkg.OpGte, Value: int64(2000)},
			Sort:   []emnkg.SortField{{Field: "title"}}}},
		{"Both1Node", emnkg.RelatedQuery{NodeIDs: terms[:1], Type: emnkg.RelUsesTerm,
			Direction: emnkg.DirectionBoth, Offset: 20, Limit: 10, WithTotal: true}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			ctx := b.Context()
			for b.Loop() {
				if _, err := s.FindRelated(ctx, c.q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkImport(b *testing.B) {
	g := syntheticGraph(benchDocs, 3)
	b.Run("Create", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			s := newTestStore(b)
			b.StartTimer()
			mustImport(b, s, g)
		}
	})
	b.Run("Unchanged", func(b *testing.B) {
		s := newTestStore(b)
		mustImport(b, s, g)
		for b.Loop() {
			mustImport(b, s, g)
		}
	})
}
