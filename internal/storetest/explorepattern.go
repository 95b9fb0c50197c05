package storetest

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// patRow is an expected pattern row: node and relationship IDs alternating,
// node first, with "" for the nil relationship of a variable-length step.
type patRow []string

// comparePatRows orders rows as MatchPattern must: by the node IDs step by
// step, then by the single-hop relationship IDs step by step.
func comparePatRows(a, b patRow) int {
	for i := 0; i < min(len(a), len(b)); i += 2 {
		if c := strings.Compare(a[i], b[i]); c != 0 {
			return c
		}
	}
	for i := 1; i < min(len(a), len(b)); i += 2 {
		if c := strings.Compare(a[i], b[i]); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(a), len(b))
}

func gotPatRow(r emnkg.PatternRow) patRow {
	var out patRow
	for i, n := range r.Nodes {
		if n == nil {
			out = append(out, "<nil node>")
		} else {
			out = append(out, n.ID)
		}
		if i < len(r.Edges) {
			if r.Edges[i] == nil {
				out = append(out, "")
			} else {
				out = append(out, r.Edges[i].ID)
			}
		}
	}
	if len(r.Edges) != max(len(r.Nodes)-1, 0) {
		out = append(out, "<wrong number of edges>")
	}
	return out
}

func patRowsString(rows []patRow) string {
	parts := make([]string, len(rows))
	for i, r := range rows {
		parts[i] = "(" + strings.Join(r, " ") + ")"
	}
	return "[" + strings.Join(parts, "\n       ") + "]"
}

// checkPatternPage checks a page of rows: their IDs in order (and in full
// against ref when it is not nil), TotalCount and HasMore.
func checkPatternPage(tb testing.TB, p *emnkg.PatternPage, want []patRow, wantTotal int, wantMore bool, ref *index) {
	tb.Helper()
	got := make([]patRow, len(p.Rows))
	for i, r := range p.Rows {
		got[i] = gotPatRow(r)
	}
	if !slices.EqualFunc(got, want, func(a, b patRow) bool { return slices.Equal(a, b) }) {
		tb.Errorf("rows:\n got  %s\n want %s", patRowsString(got), patRowsString(want))
	} else if ref != nil {
		for _, r := range p.Rows {
			for _, n := range r.Nodes {
				if d := nodeDiff(n, ref.nodes[n.ID]); d != "" {
					tb.Error(d)
				}
			}
			for _, e := range r.Edges {
				if e == nil {
					continue
				}
				if d := edgeDiff(e, ref.edges[e.ID]); d != "" {
					tb.Error(d)
				}
			}
		}
	}
	if p.TotalCount != wantTotal {
		tb.Errorf("TotalCount = %d, want %d", p.TotalCount, wantTotal)
	}
	if p.HasMore != wantMore {
		tb.Errorf("HasMore = %v, want %v", p.HasMore, wantMore)
	}
}

// pat builds a pattern from node and relationship steps in path order, with
// room for 100 rows and the total asked for.
func pat(steps ...any) emnkg.PatternQuery {
	q := emnkg.PatternQuery{Limit: 100, WithTotal: true}
	for _, s := range steps {
		switch x := s.(type) {
		case emnkg.NodeStep:
			q.NodeSteps = append(q.NodeSteps, x)
		case emnkg.RelStep:
			q.RelSteps = append(q.RelSteps, x)
		default:
			panic("storetest: pat takes NodeStep and RelStep values")
		}
	}
	return q
}

// ns is a node step of a kind ("" for any), pinned to ids when given.
func ns(kind emnkg.Kind, ids ...string) emnkg.NodeStep { return emnkg.NodeStep{Kind: kind, IDs: ids} }

// nf is a node step of a kind with a filter.
func nf(kind emnkg.Kind, f *emnkg.Filter) emnkg.NodeStep {
	return emnkg.NodeStep{Kind: kind, Filter: f}
}

// rs is a single-hop relationship step.
func rs(dir emnkg.Direction, types ...emnkg.RelType) emnkg.RelStep {
	return emnkg.RelStep{Types: types, Direction: dir}
}

// vr is a variable-length relationship step.
func vr(dir emnkg.Direction, minHops, maxHops int, types ...emnkg.RelType) emnkg.RelStep {
	return emnkg.RelStep{Types: types, Direction: dir, MinHops: minHops, MaxHops: maxHops}
}

// patternCase is one MatchPattern row: the whole answer, in order.
type patternCase struct {
	name string
	q    emnkg.PatternQuery
	want []patRow
}

func runPatternCases(t *testing.T, x emnkg.Explorer, ref *index, cases []patternCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			if !slices.IsSortedFunc(tt.want, comparePatRows) {
				t.Fatalf("test table: rows not in the contract's order")
			}
			checkPatternPage(t, matchPattern(t, x, tt.q), tt.want, len(tt.want), false, ref)
		})
	}
}

func testMatchPattern(t *testing.T, x emnkg.Explorer, ref *index) {
	c, ncp, org := emnkg.KindCountry, emnkg.KindNationalContactPoint, emnkg.KindOrganisation
	d, g := emnkg.KindDocument, emnkg.KindGlossaryTerm
	out, inn, both := emnkg.DirectionOut, emnkg.DirectionIn, emnkg.DirectionBoth
	rp, ct, ut := emnkg.RelRepresents, emnkg.RelContributedTo, emnkg.RelUsesTerm
	ro, mo, rl := emnkg.RelReportsOn, emnkg.RelMemberOf, emnkg.RelRelated
	cAT, cBE, cDE, cNO := "syn-country-at", "syn-country-be", "syn-country-de", "syn-country-no"
	nAT, nBE, nDE, nNO := "syn-ncp-at", "syn-ncp-be", "syn-ncp-de", "syn-ncp-no"
	dAsylum, dMinors, dReturn := "syn-doc-asylum", "syn-doc-minors", "syn-doc-return"
	dGlossary, dReg := "syn-doc-glossary", "syn-doc-reg"
	tAsylum, tRefugee, tMigration, tReturn := "syn-term-asylum", "syn-term-refugee", "syn-term-migration", "syn-term-return"
	net := "syn-net-emn"
	maxSteps := []any{ns(c, "syn-country-zz")}
	for range emnkg.MaxPatternSteps {
		maxSteps = append(maxSteps, rs(both), ns(""))
	}
	single00 := emnkg.RelStep{Types: []emnkg.RelType{rp}, Direction: out, MinHops: 0, MaxHops: 0}
	single11 := emnkg.RelStep{Types: []emnkg.RelType{rp}, Direction: out, MinHops: 1, MaxHops: 1}
	runPatternCases(t, x, ref, []patternCase{
		{"one step in", pat(ns(c), rs(inn, rp), ns(ncp)), []patRow{
			{cAT, xReprAT, nAT}, {cBE, xReprBE, nBE}, {cDE, xReprDE, nDE}, {cNO, xReprNO, nNO}}},
		{"one step out", pat(ns(ncp), rs(out, rp), ns(c)), []patRow{
			{nAT, xReprAT, cAT}, {nBE, xReprBE, cBE}, {nDE, xReprDE, cDE}, {nNO, xReprNO, cNO}}},
		{"wrong direction", pat(ns(c), rs(out, rp), ns(ncp)), nil},
		{"hops 0,0 are one relationship", pat(ns(ncp, nNO), single00, ns(c)), []patRow{{nNO, xReprNO, cNO}}},
		{"hops 1,1 are one relationship", pat(ns(ncp, nNO), single11, ns(c)), []patRow{{nNO, xReprNO, cNO}}},
		{"three steps, last pinned", pat(ns(c), rs(inn, rp), ns(ncp), rs(out, ct), ns(d), rs(out, ut), ns(g, tAsylum)),
			[]patRow{
				{cAT, xReprAT, nAT, xConATAsylum, dAsylum, xUseAsylum, tAsylum},
				{cAT, xReprAT, nAT, xConATAsylum, dAsylum, xUseAsylum2, tAsylum},
				{cBE, xReprBE, nBE, xConBEAsylum, dAsylum, xUseAsylum, tAsylum},
				{cBE, xReprBE, nBE, xConBEAsylum, dAsylum, xUseAsylum2, tAsylum},
				{cDE, xReprDE, nDE, xConDEMinors, dMinors, xUseMinors, tAsylum},
				{cNO, xReprNO, nNO, xConNOMinors, dMinors, xUseMinors, tAsylum},
			}},
		{"filter on a step", pat(nf(ncp, eq("status", "active")), rs(out, ct), ns(d), rs(out, ro), ns(c)), []patRow{
			{nAT, xConATAsylum, dAsylum, xOnAsylumAT, cAT},
			{nAT, xConATAsylum, dAsylum, xOnAsylumBE, cBE},
			{nAT, xConATReturn, dReturn, xOnReturnAT, cAT},
			{nBE, xConBEAsylum, dAsylum, xOnAsylumAT, cAT},
			{nBE, xConBEAsylum, dAsylum, xOnAsylumBE, cBE},
		}},
		{"filters on two steps", pat(nf(ncp, eq("status", "active")), rs(out, ct), nf(d, eq("year", int64(2020))),
			rs(out, ro), ns(c)), []patRow{{nAT, xConATReturn, dReturn, xOnReturnAT, cAT}}},
		{"filter skips absent values", pat(nf(ncp, not(eq("status", "active"))), rs(out, rp), ns(c)),
			[]patRow{{nDE, xReprDE, cDE}}},
		{"filter on id", pat(nf(c, in("id", cAT, cNO)), rs(inn, rp), ns(ncp)), []patRow{
			{cAT, xReprAT, nAT}, {cNO, xReprNO, nNO}}},
		{"ids pin a middle step", pat(ns(c), rs(inn, rp), ns(ncp, nDE, nNO, "syn-unknown"), rs(out, ct), ns(d)), []patRow{
			{cDE, xReprDE, nDE, xConDEMinors, dMinors},
			{cDE, xReprDE, nDE, xConDEReturn, dReturn},
			{cNO, xReprNO, nNO, xConNOMinors, dMinors},
		}},
		{"repeated ids", pat(ns(ncp, nNO, nNO), rs(out, rp), ns(c)), []patRow{{nNO, xReprNO, cNO}}},
		{"ids of another kind", pat(ns(ncp, cAT), rs(both), ns("")), nil},
		{"any kind", pat(ns("", net), rs(inn, mo), ns("")), []patRow{
			{net, xMemAT, cAT}, {net, xMemBE, cBE}, {net, xMemDE, cDE}, {net, xMemNO, cNO},
			{net, xMemNCPAT, nAT}, {net, xMemBFA, "syn-org-bfa"}}},
		{"any kind with a common filter", pat(ns("", net), rs(inn, mo), nf("", eq("uncertain", true))), []patRow{
			{net, xMemNO, cNO}, {net, xMemBFA, "syn-org-bfa"}}},
		// Parallel bindings of one node pair are ordered by relationship ID.
		{"any type both", pat(ns(d, dReturn), rs(both), ns("")), []patRow{
			{dReturn, xOnReturnAT, cAT},
			{dReturn, xPubReturn, nAT},
			{dReturn, xConATReturn, nAT},
			{dReturn, xConDEReturn, nDE},
			{dReturn, xConBAMFReturn, "syn-org-bamf"},
			{dReturn, xUseAVR, "syn-term-avr"},
			{dReturn, xUseReturn, tReturn},
		}},
		{"two types both", pat(ns(d, dReturn), rs(both, emnkg.RelPublishedBy, ct), ns(ncp)), []patRow{
			{dReturn, xPubReturn, nAT}, {dReturn, xConATReturn, nAT}, {dReturn, xConDEReturn, nDE}}},
		{"symmetric both", pat(ns(g, tAsylum), rs(both, rl), ns(g)), []patRow{
			{tAsylum, xRelMigrAsylum, tMigration}, {tAsylum, xRelAsylumRefu, tRefugee}}},
		{"symmetric out", pat(ns(g), rs(out, rl), ns(g)), []patRow{
			{tAsylum, xRelAsylumRefu, tRefugee}, {tMigration, xRelMigrAsylum, tAsylum}}},
		{"loop out", pat(ns(d), rs(out, emnkg.RelRelatesTo), ns(d)), []patRow{
			{dGlossary, xLoop, dGlossary}, {dReg, xRelReg, dAsylum}}},
		{"loop both once", pat(ns(d), rs(both, emnkg.RelRelatesTo), ns(d)), []patRow{
			{dAsylum, xRelReg, dReg}, {dGlossary, xLoop, dGlossary}, {dReg, xRelReg, dAsylum}}},
		// Nodes repeat across steps; a relationship does not.
		{"relationship used once, nodes repeat", pat(ns(d, dAsylum), rs(out, ut), ns(g), rs(inn, ut), ns(d)), []patRow{
			{dAsylum, xUseAsylum, tAsylum, xUseAsylum2, dAsylum},
			{dAsylum, xUseAsylum2, tAsylum, xUseAsylum, dAsylum},
			{dAsylum, xUseAsylum, tAsylum, xUseMinors, dMinors},
			{dAsylum, xUseAsylum2, tAsylum, xUseMinors, dMinors},
		}},
		{"no way back over the same relationship", pat(ns(g, tAsylum), rs(both, rl), ns(g), rs(both, rl), ns(g)), nil},
		{"second step of any type", pat(ns(g, tAsylum), rs(both, rl), ns(""), rs(both), ns("")), []patRow{
			{tAsylum, xRelMigrAsylum, tMigration, xUseGloMigr, dGlossary},
			{tAsylum, xRelMigrAsylum, tMigration, xBrReturn, tReturn},
			{tAsylum, xRelAsylumRefu, tRefugee, xUseRefugee, dAsylum},
		}},
		{"kinds no type joins", pat(ns(c), rs(out, emnkg.RelHostedBy), ns(org)), nil},
		{"one node step", pat(nf(c, eq("euMember", true))), []patRow{{cAT}, {cBE}, {cDE}}},
		{"one node step of any kind", pat(ns("", "syn-term-avr", dReg, "syn-unknown", dReg)), []patRow{
			{dReg}, {"syn-term-avr"}}},
		{"most steps", pat(maxSteps...), nil},
	})
}

func testMatchPatternVarLength(t *testing.T, x emnkg.Explorer, ref *index) {
	d, g := emnkg.KindDocument, emnkg.KindGlossaryTerm
	out, inn, both := emnkg.DirectionOut, emnkg.DirectionIn, emnkg.DirectionBoth
	br, ut := emnkg.RelBroader, emnkg.RelUsesTerm
	tAVR, tForced, tVolunt := "syn-term-avr", "syn-term-forced", "syn-term-voluntary"
	tReturn, tMigration := "syn-term-return", "syn-term-migration"
	dGlossary := "syn-doc-glossary"
	runPatternCases(t, x, ref, []patternCase{
		// avr reaches return over one and over two relationships, and
		// migration over two and three: each pair is one row.
		{"1..3 out", pat(ns(g, tAVR), vr(out, 1, 3, br), ns(g)), []patRow{
			{tAVR, "", tMigration}, {tAVR, "", tReturn}, {tAVR, "", tVolunt}}},
		{"2..2 out", pat(ns(g, tAVR), vr(out, 2, 2, br), ns(g)), []patRow{
			{tAVR, "", tMigration}, {tAVR, "", tReturn}}},
		{"3..3 out", pat(ns(g, tAVR), vr(out, 3, 3, br), ns(g)), []patRow{{tAVR, "", tMigration}}},
		{"0..1 binds zero hops", pat(ns(g, tAVR), vr(out, 0, 1, br), ns(g)), []patRow{
			{tAVR, "", tAVR}, {tAVR, "", tReturn}, {tAVR, "", tVolunt}}},
		{"zero hops must satisfy both steps", pat(ns(g, tAVR), vr(out, 0, 1, br), ns(d)), nil},
		{"zero hops and a filter", pat(ns(g, tAVR), vr(out, 0, 2, br), nf(g, cmpF("prefLabel_en", emnkg.OpContains, "return"))),
			[]patRow{{tAVR, "", tAVR}, {tAVR, "", tReturn}, {tAVR, "", tVolunt}}},
		{"every start", pat(ns(g), vr(out, 1, 2, br), ns(g)), []patRow{
			{tAVR, "", tMigration}, {tAVR, "", tReturn}, {tAVR, "", tVolunt},
			{tForced, "", tMigration}, {tForced, "", tReturn},
			{tReturn, "", tMigration},
			{tVolunt, "", tMigration}, {tVolunt, "", tReturn},
		}},
		{"in", pat(ns(g, tMigration), vr(inn, 1, 3, br), ns(g)), []patRow{
			{tMigration, "", tAVR}, {tMigration, "", tForced}, {tMigration, "", tReturn}, {tMigration, "", tVolunt}}},
		{"nothing above the top", pat(ns(g, tMigration), vr(out, 1, emnkg.MaxPatternHops, br), ns(g)), nil},
		{"both", pat(ns(g, tForced), vr(both, 1, 2, br), ns(g)), []patRow{
			{tForced, "", tAVR}, {tForced, "", tMigration}, {tForced, "", tReturn}, {tForced, "", tVolunt}}},
		{"any type", pat(ns(g, tForced), vr(out, 1, 2), ns("")), []patRow{
			{tForced, "", tMigration}, {tForced, "", tReturn}}},
		// forced is reached from return only over the relationship the
		// single-hop step used.
		{"a single-hop relationship is not reused", pat(ns(g, tForced), rs(out, br), ns(g), vr(both, 1, 2, br), ns(g)),
			[]patRow{
				{tForced, xBrForced, tReturn, "", tAVR},
				{tForced, xBrForced, tReturn, "", tMigration},
				{tForced, xBrForced, tReturn, "", tVolunt},
			}},
		{"single hop then variable length", pat(ns(d, dGlossary), rs(out, ut), ns(g), vr(both, 1, 2, br), ns(g)),
			[]patRow{
				{dGlossary, xUseGloMigr, tMigration, "", tAVR},
				{dGlossary, xUseGloMigr, tMigration, "", tForced},
				{dGlossary, xUseGloMigr, tMigration, "", tReturn},
				{dGlossary, xUseGloMigr, tMigration, "", tVolunt},
				{dGlossary, xUseGloRetur, tReturn, "", tAVR},
				{dGlossary, xUseGloRetur, tReturn, "", tForced},
				{dGlossary, xUseGloRetur, tReturn, "", tMigration},
				{dGlossary, xUseGloRetur, tReturn, "", tVolunt},
			}},
		// return comes back to itself over three distinct relationships
		// (return-voluntary-avr-return); migration cannot.
		{"a path back to its start", pat(ns(d, dGlossary), rs(out, ut), ns(g), vr(both, 1, 3, br), ns(g)),
			[]patRow{
				{dGlossary, xUseGloMigr, tMigration, "", tAVR},
				{dGlossary, xUseGloMigr, tMigration, "", tForced},
				{dGlossary, xUseGloMigr, tMigration, "", tReturn},
				{dGlossary, xUseGloMigr, tMigration, "", tVolunt},
				{dGlossary, xUseGloRetur, tReturn, "", tAVR},
				{dGlossary, xUseGloRetur, tReturn, "", tForced},
				{dGlossary, xUseGloRetur, tReturn, "", tMigration},
				{dGlossary, xUseGloRetur, tReturn, "", tReturn},
				{dGlossary, xUseGloRetur, tReturn, "", tVolunt},
			}},
		{"two variable-length steps", pat(ns(g, tAVR), vr(out, 1, 2, br), ns(g), vr(out, 1, 2, br), ns(g)), []patRow{
			{tAVR, "", tReturn, "", tMigration}, {tAVR, "", tVolunt, "", tMigration}, {tAVR, "", tVolunt, "", tReturn}}},
		// Both paths between forced and return need forced's only
		// relationship.
		{"two variable-length steps share no relationship",
			pat(ns(g, tForced), vr(both, 1, 2, br), ns(g, tReturn), vr(both, 1, 2, br), ns(g, tForced)), nil},
		{"two variable-length steps, distinct relationships",
			pat(ns(g, tAVR), vr(both, 1, 2, br), ns(g, tReturn), vr(both, 1, 2, br), ns(g, tAVR)), []patRow{
				{tAVR, "", tReturn, "", tAVR}}},
	})
}

func testMatchPatternPage(t *testing.T, x emnkg.Explorer, ref *index) {
	g := emnkg.KindGlossaryTerm
	tAVR, tForced, tVolunt := "syn-term-avr", "syn-term-forced", "syn-term-voluntary"
	tReturn, tMigration := "syn-term-return", "syn-term-migration"
	all := []patRow{
		{tAVR, "", tMigration}, {tAVR, "", tReturn}, {tAVR, "", tVolunt},
		{tForced, "", tMigration}, {tForced, "", tReturn},
		{tReturn, "", tMigration},
		{tVolunt, "", tMigration}, {tVolunt, "", tReturn},
	}
	base := pat(ns(g), vr(emnkg.DirectionOut, 1, 2, emnkg.RelBroader), ns(g))
	tests := []struct {
		name          string
		offset, limit int
		withTotal     bool
		want          []patRow
		total         int
		more          bool
	}{
		{"first page", 0, 3, true, all[:3], 8, true},
		{"middle page", 2, 3, true, all[2:5], 8, true},
		{"last page short", 6, 3, true, all[6:], 8, false},
		{"last page exact", 5, 3, true, all[5:], 8, false},
		{"after the end", 8, 3, true, nil, 8, false},
		{"far after the end", 100, 3, true, nil, 8, false},
		{"limit 0", 0, 0, true, nil, 8, true},
		{"limit 0 at the end", 8, 0, true, nil, 8, false},
		{"without total", 0, 3, false, all[:3], -1, true},
		{"without total last", 4, 10, false, all[4:], -1, false},
		{"largest offset", math.MaxInt32, emnkg.MaxPageSize, true, nil, 8, false},
		{"max page size", 0, emnkg.MaxPageSize, true, all, 8, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := base
			q.Offset, q.Limit, q.WithTotal = tt.offset, tt.limit, tt.withTotal
			checkPatternPage(t, matchPattern(t, x, q), tt.want, tt.total, tt.more, ref)
		})
	}
	t.Run("three steps", func(t *testing.T) {
		q := pat(ns(emnkg.KindCountry), rs(emnkg.DirectionIn, emnkg.RelRepresents), ns(emnkg.KindNationalContactPoint),
			rs(emnkg.DirectionOut, emnkg.RelContributedTo), ns(emnkg.KindDocument),
			rs(emnkg.DirectionOut, emnkg.RelUsesTerm), ns(g, "syn-term-asylum"))
		q.Offset, q.Limit = 1, 2
		checkPatternPage(t, matchPattern(t, x, q), []patRow{
			{"syn-country-at", xReprAT, "syn-ncp-at", xConATAsylum, "syn-doc-asylum", xUseAsylum2, "syn-term-asylum"},
			{"syn-country-be", xReprBE, "syn-ncp-be", xConBEAsylum, "syn-doc-asylum", xUseAsylum, "syn-term-asylum"},
		}, 6, true, ref)
	})
}

func testMatchPatternInvalid(t *testing.T, x emnkg.Explorer) {
	c, ncp := emnkg.KindCountry, emnkg.KindNationalContactPoint
	out, inn, both := emnkg.DirectionOut, emnkg.DirectionIn, emnkg.DirectionBoth
	rp := emnkg.RelRepresents
	manyIDs := make([]string, emnkg.MaxQueryIDs+1)
	for i := range manyIDs {
		manyIDs[i] = "syn-ncp-at"
	}
	tooMany := []any{ns(c)}
	for range emnkg.MaxPatternSteps + 1 {
		tooMany = append(tooMany, rs(both), ns(""))
	}
	page := func(offset, limit int) emnkg.PatternQuery {
		q := pat(ns(c), rs(inn, rp), ns(ncp))
		q.Offset, q.Limit = offset, limit
		return q
	}
	tests := []struct {
		name string
		q    emnkg.PatternQuery
	}{
		{"no steps", emnkg.PatternQuery{Limit: 10}},
		{"relationship step missing", pat(ns(c), ns(ncp))},
		{"node step missing", pat(ns(c), rs(inn, rp))},
		{"too many steps", pat(tooMany...)},
		{"too many hops", pat(ns(c), vr(out, 1, emnkg.MaxPatternHops+1), ns(""))},
		{"min above max", pat(ns(c), vr(out, 3, 2), ns(""))},
		{"hops 1,0", pat(ns(c), vr(out, 1, 0), ns(""))},
		{"negative min", pat(ns(c), vr(out, -1, 2), ns(""))},
		{"negative max", pat(ns(c), vr(out, 0, -1), ns(""))},
		{"unknown kind", pat(ns("Planet"), rs(inn, rp), ns(ncp))},
		{"kind case", pat(ns(c), rs(inn, rp), ns("nationalContactPoint"))},
		{"unknown type", pat(ns(c), rs(inn, rp, "LIKES"), ns(ncp))},
		{"unknown direction", pat(ns(c), rs("SIDEWAYS", rp), ns(ncp))},
		{"empty direction", pat(ns(c), rs("", rp), ns(ncp))},
		{"unknown field", pat(nf(c, eq("colour", "red")), rs(inn, rp), ns(ncp))},
		{"field of another kind", pat(ns(c), rs(inn, rp), nf(ncp, eq("emnCode", "AT")))},
		{"kind field on any kind", pat(ns(c), rs(inn, rp), nf("", eq("name", "EMN Austria")))},
		{"wrong value type", pat(nf(c, eq("euMember", "yes")), rs(inn, rp), ns(ncp))},
		{"list field", pat(nf(c, eq("conflictingSources", "x")), rs(inn, rp), ns(ncp))},
		{"too many ids", pat(ns(c), rs(inn, rp), ns(ncp, manyIDs...))},
		{"negative offset", page(-1, 10)},
		{"negative limit", page(0, -1)},
		{"limit too large", page(0, emnkg.MaxPageSize+1)},
		{"offset too large", page(math.MaxInt32+1, 10)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := x.MatchPattern(t.Context(), tt.q)
			checkCode(t, err, emnkg.EINVALID)
			if err == nil && p != nil {
				t.Errorf("got %d rows", len(p.Rows))
			}
		})
	}
}

// ---------------------------------------------------------------------------
// Facets.

func bucket(count int, values ...any) emnkg.FacetBucket {
	return emnkg.FacetBucket{Values: values, Count: count}
}

// compareBuckets orders buckets as Facets must: count descending, then the
// values key by key ascending, absent (nil) last.
func compareBuckets(a, b emnkg.FacetBucket) int {
	if a.Count != b.Count {
		return cmp.Compare(b.Count, a.Count)
	}
	for i := range min(len(a.Values), len(b.Values)) {
		av, bv := a.Values[i], b.Values[i]
		switch {
		case av == nil && bv == nil:
			continue
		case av == nil:
			return 1
		case bv == nil:
			return -1
		}
		if c := memCompare(av, bv); c != 0 {
			return c
		}
	}
	return 0
}

func testFacets(t *testing.T, x emnkg.Explorer) {
	c, ncp, d := emnkg.KindCountry, emnkg.KindNationalContactPoint, emnkg.KindDocument
	g, org := emnkg.KindGlossaryTerm, emnkg.KindOrganisation
	out, inn, both := emnkg.DirectionOut, emnkg.DirectionIn, emnkg.DirectionBoth
	own := func(field string) emnkg.GroupKey { return emnkg.GroupKey{Field: field} }
	via := func(field string, t emnkg.RelType, dir emnkg.Direction, kind emnkg.Kind) emnkg.GroupKey {
		return emnkg.GroupKey{Field: field, Via: &emnkg.Hop{Type: t, Direction: dir, Kind: kind}}
	}
	by := func(ks ...emnkg.GroupKey) []emnkg.GroupKey { return ks }
	reportsOn := via("name", emnkg.RelReportsOn, out, c)
	tests := []struct {
		name string
		q    emnkg.FacetQuery
		want []emnkg.FacetBucket
	}{
		{"own text", emnkg.FacetQuery{Kind: c, GroupBy: by(own("emnStatus")), Limit: 100},
			[]emnkg.FacetBucket{bucket(3, "member"), bucket(1, "observer"), bucket(1, nil)}},
		{"own bool", emnkg.FacetQuery{Kind: c, GroupBy: by(own("euMember")), Limit: 100},
			[]emnkg.FacetBucket{bucket(3, true), bucket(1, false), bucket(1, nil)}},
		{"own int", emnkg.FacetQuery{Kind: d, GroupBy: by(own("year")), Limit: 100},
			[]emnkg.FacetBucket{bucket(2, int64(2020)), bucket(1, int64(2007)), bucket(1, int64(2021)), bucket(1, int64(2022))}},
		{"common property", emnkg.FacetQuery{Kind: c, GroupBy: by(own("uncertain")), Limit: 100},
			[]emnkg.FacetBucket{bucket(4, nil), bucket(1, true)}},
		{"multilingual", emnkg.FacetQuery{Kind: g, GroupBy: by(own("prefLabel_de")), Limit: 100},
			[]emnkg.FacetBucket{bucket(3, nil), bucket(1, "Asyl"), bucket(1, "Migration"), bucket(1, "Rückführung"),
				bucket(1, "Rückkehr")}},
		{"own id", emnkg.FacetQuery{Kind: c, Filter: eq("emnStatus", "observer"), GroupBy: by(own("id")), Limit: 100},
			[]emnkg.FacetBucket{bucket(1, "syn-country-no")}},
		{"two keys", emnkg.FacetQuery{Kind: d, GroupBy: by(own("kind"), own("year")), Limit: 100},
			[]emnkg.FacetBucket{bucket(2, "study", int64(2020)), bucket(1, "glossary", int64(2022)),
				bucket(1, "regulation", int64(2007)), bucket(1, "report", int64(2021))}},
		{"two keys with absent values", emnkg.FacetQuery{Kind: c, GroupBy: by(own("emnStatus"), own("euMember")), Limit: 100},
			[]emnkg.FacetBucket{bucket(3, "member", true), bucket(1, "observer", false), bucket(1, nil, nil)}},
		{"filter", emnkg.FacetQuery{Kind: c, Filter: eq("euMember", true), GroupBy: by(own("emnStatus")), Limit: 100},
			[]emnkg.FacetBucket{bucket(3, "member")}},
		{"filter skips absent values", emnkg.FacetQuery{Kind: c, Filter: not(eq("euMember", true)),
			GroupBy: by(own("emnStatus")), Limit: 100}, []emnkg.FacetBucket{bucket(1, "observer")}},
		{"filter without matches", emnkg.FacetQuery{Kind: c, Filter: eq("name", "Atlantis"), GroupBy: by(own("name")),
			Limit: 100}, nil},
		{"kind without nodes", emnkg.FacetQuery{Kind: emnkg.KindFund, GroupBy: by(own("name")), Limit: 100}, nil},
		{"limit", emnkg.FacetQuery{Kind: d, GroupBy: by(own("kind")), Limit: 2},
			[]emnkg.FacetBucket{bucket(2, "study"), bucket(1, "glossary")}},
		{"limit 0", emnkg.FacetQuery{Kind: d, GroupBy: by(own("kind")), Limit: 0}, nil},
		{"max limit", emnkg.FacetQuery{Kind: c, GroupBy: by(own("euMember")), Limit: emnkg.MaxPageSize},
			[]emnkg.FacetBucket{bucket(3, true), bucket(1, false), bucket(1, nil)}},
		// doc-glossary and doc-reg report on no country.
		{"hop", emnkg.FacetQuery{Kind: d, GroupBy: by(reportsOn), Limit: 100},
			[]emnkg.FacetBucket{bucket(2, "Austria"), bucket(2, nil), bucket(1, "Belgium"), bucket(1, "Germany")}},
		{"hop to id", emnkg.FacetQuery{Kind: d, GroupBy: by(via("id", emnkg.RelReportsOn, out, c)), Limit: 100},
			[]emnkg.FacetBucket{bucket(2, "syn-country-at"), bucket(2, nil), bucket(1, "syn-country-be"),
				bucket(1, "syn-country-de")}},
		{"hop and filter", emnkg.FacetQuery{Kind: d, Filter: cmpF("year", emnkg.OpGte, int64(2020)), GroupBy: by(reportsOn),
			Limit: 100}, []emnkg.FacetBucket{bucket(2, "Austria"), bucket(1, "Belgium"), bucket(1, "Germany"),
			bucket(1, nil)}},
		// doc-asylum has two active NCPs and counts once for active;
		// doc-minors has an NCP without status (nil); doc-return's
		// organisation is of another kind; doc-glossary and doc-reg have
		// no NCP (nil).
		{"hop counts a node once per value", emnkg.FacetQuery{Kind: d,
			GroupBy: by(via("status", emnkg.RelContributedTo, inn, ncp)), Limit: 100},
			[]emnkg.FacetBucket{bucket(3, nil), bucket(2, "active"), bucket(2, "inactive")}},
		{"hop ignores other kinds", emnkg.FacetQuery{Kind: emnkg.KindNetwork, GroupBy: by(via("name", emnkg.RelMemberOf, inn, c)),
			Limit: 100}, []emnkg.FacetBucket{bucket(1, "Austria"), bucket(1, "Belgium"), bucket(1, "Germany"),
			bucket(1, "Norway")}},
		{"hop out", emnkg.FacetQuery{Kind: org, GroupBy: by(via("title", emnkg.RelContributedTo, out, d)), Limit: 100},
			[]emnkg.FacetBucket{bucket(2, nil), bucket(1, "Rückkehr und Reintegration")}},
		{"hop both, symmetric type", emnkg.FacetQuery{Kind: g, GroupBy: by(via("prefLabel_en", emnkg.RelRelated, both, g)),
			Limit: 100}, []emnkg.FacetBucket{bucket(4, nil), bucket(2, "asylum"), bucket(1, "migration"),
			bucket(1, "refugee")}},
		{"own and hop", emnkg.FacetQuery{Kind: d, GroupBy: by(own("kind"), reportsOn), Limit: 100},
			[]emnkg.FacetBucket{bucket(1, "glossary", nil), bucket(1, "regulation", nil), bucket(1, "report", "Austria"),
				bucket(1, "report", "Belgium"), bucket(1, "study", "Austria"), bucket(1, "study", "Germany")}},
		// ncp-de contributed to two studies and counts once for them.
		{"two hops", emnkg.FacetQuery{Kind: ncp, GroupBy: by(via("emnStatus", emnkg.RelRepresents, out, c),
			via("kind", emnkg.RelContributedTo, out, d)), Limit: 100},
			[]emnkg.FacetBucket{bucket(2, "member", "report"), bucket(2, "member", "study"),
				bucket(1, "observer", "study")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !slices.IsSortedFunc(tt.want, compareBuckets) {
				t.Fatalf("test table: buckets not in the contract's order")
			}
			checkBuckets(t, facets(t, x, tt.q), tt.want)
		})
	}
}

func testFacetsInvalid(t *testing.T, x emnkg.Explorer) {
	c, d := emnkg.KindCountry, emnkg.KindDocument
	out, inn := emnkg.DirectionOut, emnkg.DirectionIn
	own := func(field string) emnkg.GroupKey { return emnkg.GroupKey{Field: field} }
	via := func(field string, t emnkg.RelType, dir emnkg.Direction, kind emnkg.Kind) emnkg.GroupKey {
		return emnkg.GroupKey{Field: field, Via: &emnkg.Hop{Type: t, Direction: dir, Kind: kind}}
	}
	q := func(kind emnkg.Kind, keys ...emnkg.GroupKey) emnkg.FacetQuery {
		return emnkg.FacetQuery{Kind: kind, GroupBy: keys, Limit: 10}
	}
	tests := []struct {
		name string
		q    emnkg.FacetQuery
	}{
		{"unknown kind", q("Planet", own("name"))},
		{"empty kind", q("", own("name"))},
		{"no keys", q(c)},
		{"three keys", q(c, own("name"), own("emnCode"), own("euMember"))},
		{"unknown field", q(c, own("colour"))},
		{"empty field", q(c, own(""))},
		{"field of another kind", q(c, own("title"))},
		{"list field", q(d, own("languages"))},
		{"multilingual without language", q(emnkg.KindGlossaryTerm, own("prefLabel"))},
		{"bad filter", emnkg.FacetQuery{Kind: c, Filter: eq("title", "x"), GroupBy: []emnkg.GroupKey{own("name")}, Limit: 10}},
		{"negative limit", emnkg.FacetQuery{Kind: c, GroupBy: []emnkg.GroupKey{own("name")}, Limit: -1}},
		{"limit too large", emnkg.FacetQuery{Kind: c, GroupBy: []emnkg.GroupKey{own("name")}, Limit: emnkg.MaxPageSize + 1}},
		{"hop unknown type", q(d, via("name", "LIKES", out, c))},
		{"hop unknown direction", q(d, via("name", emnkg.RelReportsOn, "SIDEWAYS", c))},
		{"hop empty direction", q(d, via("name", emnkg.RelReportsOn, "", c))},
		{"hop unknown kind", q(d, via("name", emnkg.RelReportsOn, out, "Planet"))},
		{"hop without kind", q(d, via("name", emnkg.RelReportsOn, out, ""))},
		{"hop type cannot join the kinds", q(c, via("name", emnkg.RelHostedBy, out, emnkg.KindOrganisation))},
		{"hop in the wrong direction", q(d, via("name", emnkg.RelReportsOn, inn, c))},
		{"hop field of another kind", q(d, via("title", emnkg.RelReportsOn, out, c))},
		{"hop list field", q(d, via("conflictingSources", emnkg.RelReportsOn, out, c))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bs, err := x.Facets(t.Context(), tt.q)
			checkCode(t, err, emnkg.EINVALID)
			if err == nil {
				t.Errorf("got %v", bs)
			}
		})
	}
}
