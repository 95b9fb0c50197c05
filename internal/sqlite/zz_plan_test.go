package sqlite

import (
	"testing"
	"time"

	"github.com/emnkg/emnkg/internal/emnkg"
)

func TestZZPlan(t *testing.T) {
	s := openPerfStore(t, 100_000)
	for _, st := range migrationV2() {
		if _, err := s.wdb.Exec(st); err != nil { t.Fatal(err) }
	}
	show := func(name, q string, args []any) {
		t.Log("== " + name)
		for _, st := range queryPlan(t, s, q, args) { t.Log("   ", st) }
		c0 := time.Now()
		rows, err := s.rdb.Query(q, args...)
		if err != nil { t.Fatal(err) }
		n := 0
		for rows.Next() { n++ }
		rows.Close()
		t.Logf("   rows %d in %v", n, time.Since(c0))
	}
	pats := map[string]emnkg.PatternQuery{
		"pattern3": {NodeSteps: []emnkg.NodeStep{{Kind: emnkg.KindCountry}, {Kind: emnkg.KindNationalContactPoint},
			{Kind: emnkg.KindDocument}, {Kind: emnkg.KindGlossaryTerm}},
			RelSteps: []emnkg.RelStep{
				{Types: []emnkg.RelType{emnkg.RelRepresents}, Direction: emnkg.DirectionIn},
				{Types: []emnkg.RelType{emnkg.RelContributedTo}, Direction: emnkg.DirectionOut},
				{Types: []emnkg.RelType{emnkg.RelUsesTerm}, Direction: emnkg.DirectionOut}}, Limit: 50},
		"pinned-last": {NodeSteps: []emnkg.NodeStep{{Kind: emnkg.KindDocument}, {Kind: emnkg.KindGlossaryTerm, IDs: []string{"syn-t-0000100"}}},
			RelSteps: []emnkg.RelStep{{Types: []emnkg.RelType{emnkg.RelUsesTerm}, Direction: emnkg.DirectionOut}}, Limit: 50},
		"both": {NodeSteps: []emnkg.NodeStep{{IDs: []string{"syn-doc-0001000"}}, {}},
			RelSteps: []emnkg.RelStep{{Direction: emnkg.DirectionBoth}}, Limit: 50},
		"var": {NodeSteps: []emnkg.NodeStep{{Kind: emnkg.KindGlossaryTerm, IDs: []string{"syn-t-0000100"}}, {Kind: emnkg.KindGlossaryTerm}},
			RelSteps: []emnkg.RelStep{{Types: []emnkg.RelType{emnkg.RelBroader}, Direction: emnkg.DirectionBoth, MinHops: 1, MaxHops: 3}}, Limit: 50},
		"var-mid": {NodeSteps: []emnkg.NodeStep{{Kind: emnkg.KindDocument, IDs: []string{"syn-doc-0001000"}}, {Kind: emnkg.KindGlossaryTerm}, {Kind: emnkg.KindGlossaryTerm}},
			RelSteps: []emnkg.RelStep{{Types: []emnkg.RelType{emnkg.RelUsesTerm}, Direction: emnkg.DirectionOut}, {Types: []emnkg.RelType{emnkg.RelBroader}, Direction: emnkg.DirectionOut, MinHops: 1, MaxHops: 2}}, Limit: 50},
	}
	for name, q := range pats {
		ps, err := compilePattern(q)
		if err != nil { t.Fatal(err) }
		show(name, ps.rows, ps.args)
		show(name+" count", ps.count, ps.args)
	}
	fq, fa, _ := facetsQuery(emnkg.FacetQuery{Kind: emnkg.KindDocument, GroupBy: []emnkg.GroupKey{{Field: "kind"}, {Field: "year"}}, Limit: 1000})
	show("facets own", fq, fa)
	fq, fa, _ = facetsQuery(emnkg.FacetQuery{Kind: emnkg.KindDocument, GroupBy: []emnkg.GroupKey{{Field: "name", Via: &emnkg.Hop{Type: emnkg.RelReportsOn, Direction: emnkg.DirectionOut, Kind: emnkg.KindCountry}}}, Limit: 1000})
	show("facets via", fq, fa)
	sq, sa, _ := searchQuery(emnkg.SearchCandidatesQuery{Tokens: []string{"a"}, Limit: 1000})
	show("search a", sq, sa)
	sq, sa, _ = searchQuery(emnkg.SearchCandidatesQuery{Tokens: []string{"return"}, Kinds: []emnkg.Kind{emnkg.KindGlossaryTerm}, Limit: 1000})
	show("search return", sq, sa)
	dq, da, _ := degreesQuery(emnkg.DegreeQuery{Direction: emnkg.DirectionBoth, Limit: 100})
	show("degrees both", dq, da)
	dq, da, _ = degreesQuery(emnkg.DegreeQuery{Direction: emnkg.DirectionOut, Types: []emnkg.RelType{emnkg.RelUsesTerm}, Limit: 100})
	show("degrees out", dq, da)
	cq, ca, _ := changesQuery(emnkg.ChangeQuery{NodeID: "x", Limit: 10})
	show("changes node", cq, ca)
	cq, ca, _ = changesQuery(emnkg.ChangeQuery{Actor: "x", Since: time.Now(), Limit: 10})
	show("changes actor since", cq, ca)
	eq, ea, _ := expandQuery(emnkg.ExpandQuery{Direction: emnkg.DirectionOut, Kinds: []emnkg.Kind{emnkg.KindCountry}, Limit: 5}, []string{"a"})
	show("expand kinds", eq, ea)
}
