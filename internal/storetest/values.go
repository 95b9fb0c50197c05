package storetest

import (
	"math"
	"strings"
	"testing"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// valuesGraph holds edge values: extreme integers, empty texts and lists, a
// text of the largest allowed size, false booleans, many languages, and a
// relationship from a node to itself next to two opposite ones.
func valuesGraph() *emnkg.Graph {
	d := emnkg.KindDocument
	t := emnkg.KindGlossaryTerm
	br := emnkg.RelBroader
	return &emnkg.Graph{
		Nodes: []*emnkg.Node{
			node("syn-val-empty", d, map[string]any{"title": "", "languages": []string{}, "abstract": "x"}),
			node("syn-val-max", d, map[string]any{"title": "max", "year": int64(math.MaxInt64)}),
			node("syn-val-min", d, map[string]any{"title": "min", "year": int64(math.MinInt64)}),
			node("syn-val-big", d, map[string]any{"title": "big", "year": int64(1<<53 + 1)}),
			node("syn-val-neg", d, map[string]any{"title": "neg", "year": int64(-1)}),
			node("syn-val-zero", d, map[string]any{"title": "zero", "year": int64(0)}),
			node("syn-val-long", d, map[string]any{"title": "long",
				"text": strings.Repeat("ä", emnkg.MaxStringLength/2)}),
			node("syn-val-bools", emnkg.KindCountry, map[string]any{"euMember": false, "uncertain": false}),
			node("syn-val-t1", t, map[string]any{"prefLabel_en": "one", "prefLabel_ast": "un",
				"prefLabel_pt": "um", "altLabels_de": []string{"eins", "Eins", "eins"}, "hiddenLabels_en": []string{""},
				"definition_fr": "premier", "scopeNote_en": "note"}),
			node("syn-val-t2", t, map[string]any{"prefLabel_en": "two"}),
		},
		Edges: []*emnkg.Edge{
			edge("syn-val-t1", br, "syn-val-t1", "", map[string]any{"note": "loop", "additionalSources": []string{}}),
			edge("syn-val-t1", br, "syn-val-t2", "", map[string]any{"note": ""}),
			edge("syn-val-t2", br, "syn-val-t1", "", map[string]any{"uncertain": false}),
		},
	}
}

func testValues(t *testing.T, s emnkg.Store) {
	checkImportResult(t, importGraph(t, s, valuesGraph()), emnkg.ImportResult{NodesCreated: 10, EdgesCreated: 3})
	ref := newIndex(valuesGraph())
	t.Run("Holds", func(t *testing.T) { checkHolds(t, s, ref) })
	t.Run("Reimport", func(t *testing.T) {
		checkImportResult(t, importGraph(t, s, valuesGraph()), emnkg.ImportResult{NodesUnchanged: 10, EdgesUnchanged: 3})
		checkHolds(t, s, ref)
	})

	d := emnkg.KindDocument
	vs := func(s ...string) []string { return ids("syn-val-", s...) }
	all := vs("big", "empty", "long", "max", "min", "neg", "zero")
	t.Run("FindNodes", func(t *testing.T) {
		runNodeCasesRef(t, s, ref, []nodeFilterCase{
			{"max int", d, eq("year", int64(math.MaxInt64)), nil, vs("max")},
			{"min int", d, eq("year", int64(math.MinInt64)), nil, vs("min")},
			{"beyond float precision", d, eq("year", int64(1<<53+1)), nil, vs("big")},
			{"next to beyond float precision", d, eq("year", int64(1<<53)), nil, []string{}},
			{"gt float precision", d, cmpF("year", emnkg.OpGt, int64(1<<53)), nil, vs("big", "max")},
			{"negative", d, cmpF("year", emnkg.OpLt, int64(0)), nil, vs("min", "neg")},
			{"zero", d, eq("year", int64(0)), nil, vs("zero")},
			{"not zero", d, not(eq("year", int64(0))), nil, vs("big", "max", "min", "neg")},
			{"int sort", d, nil, []emnkg.SortField{asc("year")}, vs("min", "neg", "zero", "big", "max", "empty", "long")},
			{"int sort desc", d, nil, []emnkg.SortField{desc("year")}, vs("empty", "long", "max", "big", "zero", "neg", "min")},
			{"empty string eq", d, eq("title", ""), nil, vs("empty")},
			{"empty string exists", d, exists("title", true), nil, all},
			{"empty string lt", d, cmpF("title", emnkg.OpLt, "a"), nil, vs("empty")},
			{"empty string sorts first", d, nil, []emnkg.SortField{asc("title")},
				vs("empty", "big", "long", "max", "min", "neg", "zero")},
			{"contains empty", d, cmpF("title", emnkg.OpContains, ""), nil, all},
			{"long text", d, cmpF("text", emnkg.OpContains, "ää"), nil, vs("long")},
			{"long text eq", d, eq("text", strings.Repeat("ä", emnkg.MaxStringLength/2)), nil, vs("long")},
			{"false stored", emnkg.KindCountry, eq("euMember", false), nil, vs("bools")},
			{"false exists", emnkg.KindCountry, and(exists("euMember", true), exists("uncertain", true)), nil, vs("bools")},
			{"false in", emnkg.KindCountry, in("uncertain", false, true), nil, vs("bools")},
			{"three-letter language", emnkg.KindGlossaryTerm, eq("prefLabel_ast", "un"), nil, vs("t1")},
			{"language sort", emnkg.KindGlossaryTerm, nil, []emnkg.SortField{desc("prefLabel_pt")}, vs("t2", "t1")},
		})
	})

	t.Run("Loops", func(t *testing.T) {
		br := emnkg.RelBroader
		loop := eid("syn-val-t1", br, "syn-val-t1")
		down := eid("syn-val-t1", br, "syn-val-t2")
		up := eid("syn-val-t2", br, "syn-val-t1")
		cases := []struct {
			name string
			id   string
			dir  emnkg.Direction
			want []string
		}{
			{"out", "syn-val-t1", emnkg.DirectionOut, []string{loop, down}},
			{"in", "syn-val-t1", emnkg.DirectionIn, []string{loop, up}},
			// A relationship from a node to itself is listed once.
			{"both", "syn-val-t1", emnkg.DirectionBoth, []string{loop, down, up}},
			{"both other end", "syn-val-t2", emnkg.DirectionBoth, []string{down, up}},
		}
		for _, tt := range cases {
			t.Run(tt.name, func(t *testing.T) {
				q := emnkg.RelatedQuery{NodeIDs: []string{tt.id}, Type: br, Direction: tt.dir, Limit: 10, WithTotal: true}
				checkRelated(t, q, findRelated(t, s, q), map[string]relWant{tt.id: {edges: tt.want, total: len(tt.want)}}, ref)
				q.Limit, q.Offset = 1, len(tt.want)-1
				checkRelated(t, q, findRelated(t, s, q), map[string]relWant{
					tt.id: {edges: tt.want[len(tt.want)-1:], total: len(tt.want)}}, ref)
			})
		}
	})
}
