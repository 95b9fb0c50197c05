package storetest

import (
	"math"
	"strings"
	"testing"

	"github.com/emnkg/emnkg/internal/emnkg"
)

func testPingMigrate(t *testing.T, s emnkg.Store) {
	ctx := t.Context()
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	for i := range 2 {
		if err := s.Migrate(ctx); err != nil {
			t.Fatalf("Migrate on an empty, migrated store (call %d): %v", i+1, err)
		}
	}
	importGraph(t, s, Fixture())
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("Migrate on a store with data: %v", err)
	}
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("Ping after Migrate: %v", err)
	}
	checkStats(t, stats(t, s), fixtureStats())
	ref := newIndex(Fixture())
	all := []string{"syn-country-at", "syn-doc-1", "syn-term-asylum", netEMN}
	checkNodes(t, getNodes(t, s, all...), all, ref.nodes)
	checkImportResult(t, importGraph(t, s, Fixture()),
		emnkg.ImportResult{NodesUnchanged: fixtureNodeCount, EdgesUnchanged: fixtureEdgeCount})
}

func testEmptyStore(t *testing.T, s emnkg.Store) {
	checkStats(t, stats(t, s), fullStats(nil, nil))
	if ns := getNodes(t, s, "syn-country-at"); len(ns) != 0 {
		t.Errorf("GetNodes on an empty store: got %q", nodeIDs(ns))
	}
	for _, k := range emnkg.Kinds() {
		p := findNodes(t, s, emnkg.NodeQuery{Kind: k, Limit: 10, WithTotal: true})
		checkNodePage(t, p, []string{}, 0, false, nil)
	}
	q := emnkg.RelatedQuery{NodeIDs: []string{"syn-country-at"}, Type: emnkg.RelMemberOf,
		Direction: emnkg.DirectionOut, Limit: 10, WithTotal: true}
	checkRelated(t, q, findRelated(t, s, q), map[string]relWant{"syn-country-at": {}}, nil)
	checkImportResult(t, importGraph(t, s, &emnkg.Graph{}), emnkg.ImportResult{})
	checkStats(t, stats(t, s), fullStats(nil, nil))
}

func testFixtureStats(t *testing.T, s emnkg.Store) {
	checkStats(t, stats(t, s), fixtureStats())
}

func testGetNodes(t *testing.T, s emnkg.Store) {
	ref := newIndex(Fixture())
	all := make([]string, 0, len(ref.nodes))
	for _, n := range Fixture().Nodes {
		all = append(all, n.ID)
	}
	tests := []struct {
		name string
		ids  []string
		want []string
	}{
		{"nil", nil, []string{}},
		{"empty", []string{}, []string{}},
		{"one", []string{"syn-doc-1"}, []string{"syn-doc-1"}},
		{"order of ids", []string{"syn-term-refugee", "syn-country-no", "syn-org-bfa", "syn-country-at"},
			[]string{"syn-term-refugee", "syn-country-no", "syn-org-bfa", "syn-country-at"}},
		{"unknown skipped", []string{"syn-unknown", "syn-country-no", "syn-missing", "syn-country-at", "nope"},
			[]string{"syn-country-no", "syn-country-at"}},
		{"all unknown", []string{"syn-unknown", "x"}, []string{}},
		{"duplicates once at first place", []string{"syn-country-no", "syn-doc-2", "syn-country-no", "syn-doc-2", "syn-country-at"},
			[]string{"syn-country-no", "syn-doc-2", "syn-country-at"}},
		{"not an ID", []string{"'}) DETACH DELETE n //", "", "syn-doc-3"}, []string{"syn-doc-3"}},
		{"every node with every value type", all, all},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkNodes(t, getNodes(t, s, tt.ids...), tt.want, ref.nodes)
		})
	}
}

// nodeFilterCase is one FindNodes row: the IDs of the matching nodes in
// the order of the query's sort (id ascending when it has none).
type nodeFilterCase struct {
	name   string
	kind   emnkg.Kind
	filter *emnkg.Filter
	sort   []emnkg.SortField
	want   []string
}

func runNodeCases(t *testing.T, s emnkg.Store, cases []nodeFilterCase) {
	t.Helper()
	runNodeCasesRef(t, s, newIndex(Fixture()), cases)
}

func testFindNodesFilter(t *testing.T, s emnkg.Store) {
	c := emnkg.KindCountry
	cs := func(s ...string) []string { return ids("syn-country-", s...) }
	d := emnkg.KindDocument
	ds := func(s ...string) []string { return ids("syn-doc-", s...) }
	g := emnkg.KindGlossaryTerm
	gs := func(s ...string) []string { return ids("syn-term-", s...) }
	none := []string{}
	runNodeCases(t, s, []nodeFilterCase{
		{"no filter", c, nil, nil, cs("at", "ax", "be", "dk", "fr", "ge", "no", "zz")},
		{"kind without nodes", emnkg.KindPerson, nil, nil, none},
		{"other kind", emnkg.KindOrganisation, nil, nil, ids("syn-org-", "bfa", "fedasil", "udi")},
		{"eq", c, eq("name", "Austria"), nil, cs("at")},
		{"eq is case-sensitive", c, eq("name", "austria"), nil, none},
		{"eq non-ASCII", c, eq("name", "Åland Islands"), nil, cs("ax")},
		{"eq no match", c, eq("name", "Atlantis"), nil, none},
		{"id eq", c, eq("id", "syn-country-be"), nil, cs("be")},
		{"id eq of another kind", c, eq("id", "syn-doc-1"), nil, none},
		{"id in", c, in("id", "syn-country-no", "syn-unknown", "syn-country-be"), nil, cs("be", "no")},
		{"id startsWith", c, cmpF("id", emnkg.OpStartsWith, "syn-country-a"), nil, cs("at", "ax")},
		{"id contains", c, cmpF("id", emnkg.OpContains, "-n"), nil, cs("no")},
		{"id gt", c, cmpF("id", emnkg.OpGt, "syn-country-fr"), nil, cs("ge", "no", "zz")},
		{"in", c, in("name", "Norway", "Åland Islands", "Nowhere"), nil, cs("ax", "no")},
		{"in empty list", c, in("name"), nil, none},
		// An absent property is unknown for in [] too, like for every
		// comparison, although Cypher alone says null IN [] is false.
		{"not in empty list skips absent", c, not(in("joined")), nil, cs("at", "be", "fr", "ge", "no")},
		{"eq empty string", c, eq("name", ""), nil, none},
		{"contains empty string", c, cmpF("name", emnkg.OpContains, ""), nil,
			cs("at", "ax", "be", "dk", "fr", "ge", "no")},
		{"startsWith empty string", c, cmpF("name", emnkg.OpStartsWith, ""), nil,
			cs("at", "ax", "be", "dk", "fr", "ge", "no")},
		{"contains", c, cmpF("name", emnkg.OpContains, "an"), nil, cs("ax", "fr")},
		{"contains is case-sensitive", c, cmpF("name", emnkg.OpContains, "AN"), nil, none},
		{"startsWith", c, cmpF("name", emnkg.OpStartsWith, "A"), nil, cs("at")},
		{"startsWith non-ASCII", c, cmpF("name", emnkg.OpStartsWith, "Å"), nil, cs("ax")},
		{"startsWith is case-sensitive", c, cmpF("name", emnkg.OpStartsWith, "a"), nil, none},
		{"gt by code point", c, cmpF("name", emnkg.OpGt, "Denmark"), nil, cs("ax", "fr", "ge", "no")},
		{"gte", c, cmpF("name", emnkg.OpGte, "Denmark"), nil, cs("ax", "dk", "fr", "ge", "no")},
		{"lt", c, cmpF("name", emnkg.OpLt, "Belgium"), nil, cs("at")},
		{"lte", c, cmpF("name", emnkg.OpLte, "Belgium"), nil, cs("at", "be")},
		{"date gte", c, cmpF("joined", emnkg.OpGte, "2011-01-01"), nil, cs("ge", "no")},
		{"date lt", c, cmpF("joined", emnkg.OpLt, "2008-12-01"), nil, cs("at", "be")},
		{"bool eq true", c, eq("euMember", true), nil, cs("at", "be", "dk", "fr")},
		{"bool eq false", c, eq("euMember", false), nil, cs("ge", "no")},
		{"bool in", c, in("uncertain", true), nil, cs("dk", "no")},
		{"not on absent does not match", c, not(eq("euMember", true)), nil, cs("ge", "no")},
		{"not bool", c, not(eq("uncertain", true)), nil, cs("at", "ge")},
		{"not eq skips absent", c, not(eq("name", "Austria")), nil, cs("ax", "be", "dk", "fr", "ge", "no")},
		{"not in skips absent", c, not(in("joined", "2008-05-14")), nil, cs("fr", "ge", "no")},
		{"not contains skips absent", c, not(cmpF("name", emnkg.OpContains, "a")), nil, cs("be")},
		{"not not", c, not(not(eq("name", "Austria"))), nil, cs("at")},
		{"exists true", c, exists("euMember", true), nil, cs("at", "be", "dk", "fr", "ge", "no")},
		{"exists false", c, exists("euMember", false), nil, cs("ax", "zz")},
		{"exists false common prop", c, exists("uncertain", false), nil, cs("ax", "be", "fr", "zz")},
		{"not exists", c, not(exists("joined", true)), nil, cs("ax", "dk", "zz")},
		{"not exists false", c, not(exists("name", false)), nil, cs("at", "ax", "be", "dk", "fr", "ge", "no")},
		{"and", c, and(eq("emnStatus", "member"), eq("joined", "2008-05-14")), nil, cs("at", "be")},
		{"and one", c, and(eq("emnStatus", "other")), nil, cs("ax")},
		{"or", c, or(eq("emnStatus", "other"), eq("euMember", false)), nil, cs("ax", "ge", "no")},
		{"or with nested and", c, or(eq("name", "Austria"), and(eq("euMember", false),
			cmpF("joined", emnkg.OpGt, "2012-01-01"))), nil, cs("at", "ge")},
		// null AND false is false, so its negation matches (dk);
		// null AND null is null, whose negation does not (ax, zz).
		{"not of and with null", c, not(and(eq("joined", "2008-05-14"), eq("euMember", false))), nil,
			cs("at", "be", "dk", "fr", "ge", "no")},
		// null OR false is null, so its negation does not match (dk).
		{"not of or with null", c, not(or(eq("joined", "2008-05-14"), eq("euMember", false))), nil, cs("fr")},
		// null OR true is true (dk has no joined, but uncertain=true).
		{"or with null and true", c, or(eq("joined", "2016-03-01"), eq("uncertain", true)), nil,
			cs("dk", "ge", "no")},
		{"and with exists", c, and(exists("joined", false), exists("name", true)), nil, cs("ax", "dk")},
		{"common synthetic", c, eq("synthetic", true), nil, cs("at", "ax", "be", "dk", "fr", "ge", "no", "zz")},
		{"common source", c, eq("source", "synthetic fixture"), nil, cs("at")},
		{"common note", c, cmpF("note", emnkg.OpContains, "no name"), nil, cs("zz")},
		{"deep nesting", c, and(or(not(not(and(or(eq("emnCode", "DK"), eq("emnCode", "NO")))))),
			not(eq("uncertain", false))), nil, cs("dk", "no")},

		{"int gt", d, cmpF("year", emnkg.OpGt, int64(2020)), nil, ds("2", "3")},
		{"int lt numerically", d, cmpF("year", emnkg.OpLt, int64(2020)), nil, ds("4", "6")},
		{"int gte", d, cmpF("year", emnkg.OpGte, int64(1000)), nil, ds("1", "2", "3", "4")},
		{"int lte", d, cmpF("year", emnkg.OpLte, int64(999)), nil, ds("6")},
		{"int eq", d, eq("year", int64(2021)), nil, ds("2")},
		{"int in", d, in("year", int64(2019), int64(2022), int64(1)), nil, ds("3", "4")},
		{"not int", d, not(cmpF("year", emnkg.OpGte, int64(2020))), nil, ds("4", "6")},
		{"exists int false", d, exists("year", false), nil, ds("5")},
		{"date lte", d, cmpF("date", emnkg.OpLte, "2021-06-01"), nil, ds("1", "4", "6")},
		{"date startsWith", d, cmpF("date", emnkg.OpStartsWith, "20"), nil, ds("1", "2", "4")},
		{"date contains", d, cmpF("date", emnkg.OpContains, "-06-"), nil, ds("1", "2")},
		{"title contains", d, cmpF("title", emnkg.OpContains, "Report"), nil, ds("1", "2")},
		{"title contains case", d, cmpF("title", emnkg.OpContains, "report"), nil, none},
		{"title startsWith case", d, cmpF("title", emnkg.OpStartsWith, "annual"), nil, none},
		{"title contains dot", d, cmpF("title", emnkg.OpContains, "8.0"), nil, ds("3")},
		{"and int string", d, and(eq("kind", "report"), cmpF("year", emnkg.OpGte, int64(2021))), nil, ds("2")},

		{"multilingual eq", g, eq("prefLabel_fr", "réfugié"), nil, gs("refugee")},
		{"multilingual exists", g, exists("prefLabel_de", true), nil, gs("asylum", "refugee")},
		{"multilingual exists false", g, exists("prefLabel_de", false), nil, gs("migrant", "stateless")},
		{"multilingual unused language", g, exists("prefLabel_es", true), nil, none},
		{"multilingual startsWith", g, cmpF("prefLabel_fr", emnkg.OpStartsWith, "a"), nil, gs("asylum", "stateless")},
		{"multilingual contains", g, cmpF("prefLabel_en", emnkg.OpContains, "person"), nil, gs("stateless")},
		{"multilingual not", g, not(eq("prefLabel_de", "Asyl")), nil, gs("refugee")},
		{"multilingual definition", g, cmpF("definition_en", emnkg.OpContains, "protection"), nil, gs("asylum")},
		{"scheme", g, eq("scheme", "emn-glossary"), nil, gs("asylum", "migrant", "refugee")},
	})
}

func testFindNodesSort(t *testing.T, s emnkg.Store) {
	c := emnkg.KindCountry
	cs := func(s ...string) []string { return ids("syn-country-", s...) }
	d := emnkg.KindDocument
	ds := func(s ...string) []string { return ids("syn-doc-", s...) }
	g := emnkg.KindGlossaryTerm
	gs := func(s ...string) []string { return ids("syn-term-", s...) }
	srt := func(f ...emnkg.SortField) []emnkg.SortField { return f }
	runNodeCases(t, s, []nodeFilterCase{
		{"none is id", c, nil, nil, cs("at", "ax", "be", "dk", "fr", "ge", "no", "zz")},
		{"id asc", c, nil, srt(asc("id")), cs("at", "ax", "be", "dk", "fr", "ge", "no", "zz")},
		{"id desc", c, nil, srt(desc("id")), cs("zz", "no", "ge", "fr", "dk", "be", "ax", "at")},
		{"string asc absent last", c, nil, srt(asc("name")), cs("at", "be", "dk", "fr", "ge", "no", "ax", "zz")},
		{"string desc absent first", c, nil, srt(desc("name")), cs("zz", "ax", "no", "ge", "fr", "dk", "be", "at")},
		{"date asc ties by id", c, nil, srt(asc("joined")), cs("at", "be", "fr", "no", "ge", "ax", "dk", "zz")},
		{"date desc ties by id asc", c, nil, srt(desc("joined")), cs("ax", "dk", "zz", "ge", "no", "fr", "at", "be")},
		{"two fields", c, nil, srt(asc("emnStatus"), desc("joined")), cs("fr", "at", "be", "dk", "ge", "no", "ax", "zz")},
		{"two fields desc asc", c, nil, srt(desc("emnStatus"), asc("name")), cs("zz", "ax", "dk", "ge", "no", "at", "be", "fr")},
		{"bool asc", c, nil, srt(asc("euMember")), cs("ge", "no", "at", "be", "dk", "fr", "ax", "zz")},
		{"bool desc", c, nil, srt(desc("euMember")), cs("ax", "zz", "at", "be", "dk", "fr", "ge", "no")},
		{"bool then id desc", c, nil, srt(asc("uncertain"), desc("id")), cs("ge", "at", "no", "dk", "zz", "fr", "be", "ax")},
		{"three fields", c, nil, srt(desc("euMember"), asc("emnStatus"), desc("name")),
			cs("ax", "zz", "fr", "be", "at", "dk", "no", "ge")},
		{"sort with filter", c, eq("emnStatus", "observer"), srt(desc("joined")), cs("dk", "ge", "no")},
		{"int asc numerically", d, nil, srt(asc("year")), ds("6", "4", "1", "2", "3", "5")},
		{"int desc", d, nil, srt(desc("year")), ds("5", "3", "2", "1", "4", "6")},
		{"string then int", d, nil, srt(asc("kind"), desc("year")), ds("6", "3", "4", "2", "1", "5")},
		{"multilingual asc", g, nil, srt(asc("prefLabel_fr")), gs("stateless", "asylum", "migrant", "refugee")},
		{"multilingual desc", g, nil, srt(desc("prefLabel_de")), gs("migrant", "stateless", "refugee", "asylum")},
	})
}

func testFindNodesPage(t *testing.T, s emnkg.Store) {
	ref := newIndex(Fixture())
	cs := func(s ...string) []string { return ids("syn-country-", s...) }
	tests := []struct {
		name          string
		filter        *emnkg.Filter
		sort          []emnkg.SortField
		offset, limit int
		withTotal     bool
		want          []string
		total         int
		more          bool
	}{
		{"first page", nil, nil, 0, 3, true, cs("at", "ax", "be"), 8, true},
		{"middle page", nil, nil, 3, 3, true, cs("dk", "fr", "ge"), 8, true},
		{"last page short", nil, nil, 6, 3, true, cs("no", "zz"), 8, false},
		{"last page exact", nil, nil, 5, 3, true, cs("ge", "no", "zz"), 8, false},
		{"after the end", nil, nil, 8, 3, true, []string{}, 8, false},
		{"far after the end", nil, nil, 100, 3, true, []string{}, 8, false},
		{"limit 0", nil, nil, 0, 0, true, []string{}, 8, true},
		{"limit 0 before last", nil, nil, 7, 0, true, []string{}, 8, true},
		{"limit 0 at end", nil, nil, 8, 0, true, []string{}, 8, false},
		{"limit 0 without total", nil, nil, 2, 0, false, []string{}, -1, true},
		{"without total", nil, nil, 0, 3, false, cs("at", "ax", "be"), -1, true},
		{"without total last", nil, nil, 6, 10, false, cs("no", "zz"), -1, false},
		{"limit 1", nil, nil, 7, 1, true, cs("zz"), 8, false},
		{"largest offset", nil, nil, math.MaxInt32, emnkg.MaxPageSize, true, []string{}, 8, false},
		{"max page size", nil, nil, 0, emnkg.MaxPageSize, true, cs("at", "ax", "be", "dk", "fr", "ge", "no", "zz"), 8, false},
		{"filtered and sorted", eq("euMember", true), []emnkg.SortField{desc("name")}, 1, 2, true, cs("dk", "be"), 4, true},
		{"filtered and sorted end", eq("euMember", true), []emnkg.SortField{desc("name")}, 2, 2, true, cs("be", "at"), 4, false},
		{"no match", eq("name", "Atlantis"), nil, 0, 5, true, []string{}, 0, false},
		{"no match limit 0", eq("name", "Atlantis"), nil, 0, 0, true, []string{}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := findNodes(t, s, emnkg.NodeQuery{Kind: emnkg.KindCountry, Filter: tt.filter, Sort: tt.sort,
				Offset: tt.offset, Limit: tt.limit, WithTotal: tt.withTotal})
			checkNodePage(t, p, tt.want, tt.total, tt.more, ref.nodes)
		})
	}
}

// runNodeCasesRef is runNodeCases against the nodes of ref.
func runNodeCasesRef(t *testing.T, s emnkg.Store, ref *index, cases []nodeFilterCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			p := findNodes(t, s, emnkg.NodeQuery{Kind: tt.kind, Filter: tt.filter, Sort: tt.sort,
				Limit: 100, WithTotal: true})
			checkNodePage(t, p, tt.want, len(tt.want), false, ref.nodes)
		})
	}
}

// relatedCase is one FindRelated row.
type relatedCase struct {
	name string
	q    emnkg.RelatedQuery
	want map[string]relWant
}

func runRelatedCases(t *testing.T, s emnkg.Store, cases []relatedCase) {
	t.Helper()
	ref := newIndex(Fixture())
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			checkRelated(t, tt.q, findRelated(t, s, tt.q), tt.want, ref)
		})
	}
}

func testFindRelated(t *testing.T, s emnkg.Store) {
	hb, mo, ut := emnkg.RelHostedBy, emnkg.RelMemberOf, emnkg.RelUsesTerm
	out, inn, both := emnkg.DirectionOut, emnkg.DirectionIn, emnkg.DirectionBoth
	net := []string{netEMN}
	moC := func(cs ...string) []string {
		out := make([]string, len(cs))
		for i, c := range cs {
			switch c {
			case "ncp-at", "org-bfa":
				out[i] = memberOf("syn-" + c)
			default:
				out[i] = memberOf("syn-country-" + c)
			}
		}
		return out
	}
	allMembers := moC("at", "be", "dk", "fr", "ge", "no", "ncp-at", "org-bfa")
	hbAT := eid("syn-ncp-at", hb, "syn-org-bfa")
	hbBE := eid("syn-ncp-be", hb, "syn-org-fedasil")
	hbNO := eid("syn-ncp-no", hb, "syn-org-udi")
	hbNO16 := emnkg.EdgeID("syn-ncp-no", hb, "syn-org-udi", "2016")
	rq := func(nodeIDs []string, t emnkg.RelType, d emnkg.Direction) emnkg.RelatedQuery {
		return emnkg.RelatedQuery{NodeIDs: nodeIDs, Type: t, Direction: d, Limit: 100, WithTotal: true}
	}
	with := func(q emnkg.RelatedQuery, f func(*emnkg.RelatedQuery)) emnkg.RelatedQuery {
		f(&q)
		return q
	}
	one := func(id string, edges ...string) map[string]relWant {
		return map[string]relWant{id: {edges: edges, total: len(edges)}}
	}
	runRelatedCases(t, s, []relatedCase{
		{"out with unknown and unrelated ids", with(rq([]string{"syn-ncp-at", "syn-ncp-be", "syn-ncp-no", "syn-unknown",
			"syn-country-at"}, hb, out), func(q *emnkg.RelatedQuery) { q.Sort = []emnkg.SortField{edgeAsc("since")} }),
			map[string]relWant{
				"syn-ncp-at":     {edges: []string{hbAT}, total: 1},
				"syn-ncp-be":     {edges: []string{hbBE}, total: 1},
				"syn-ncp-no":     {edges: []string{hbNO, hbNO16}, total: 2},
				"syn-unknown":    {edges: []string{}, total: 0},
				"syn-country-at": {edges: []string{}, total: 0},
			}},
		{"in parallel edges by edge prop desc", with(rq([]string{"syn-org-udi"}, hb, inn), func(q *emnkg.RelatedQuery) {
			q.Sort = []emnkg.SortField{edgeDesc("since")}
			q.WithTotal = false
		}), one("syn-org-udi", hbNO16, hbNO)},
		// Parallel relationships to one node are ordered by relationship ID
		// (a prefix first) after the node ID.
		{"parallel edges by edge id", rq([]string{"syn-org-udi"}, hb, inn), one("syn-org-udi", hbNO, hbNO16)},
		{"edge filter id", with(rq([]string{"syn-org-udi", "syn-ncp-no"}, hb, both), func(q *emnkg.RelatedQuery) {
			q.EdgeFilter = eq("id", hbNO16)
		}), map[string]relWant{"syn-org-udi": {edges: []string{hbNO16}, total: 1},
			"syn-ncp-no": {edges: []string{hbNO16}, total: 1}}},
		{"edge filter eq", with(rq([]string{"syn-org-udi"}, hb, inn), func(q *emnkg.RelatedQuery) {
			q.EdgeFilter = eq("status", "active")
		}), one("syn-org-udi", hbNO16)},
		{"edge filter not exists", with(rq([]string{"syn-org-udi"}, hb, inn), func(q *emnkg.RelatedQuery) {
			q.EdgeFilter = not(exists("until", true))
		}), one("syn-org-udi", hbNO16)},
		{"edge filter not bool skips absent", with(rq([]string{"syn-org-udi"}, hb, inn), func(q *emnkg.RelatedQuery) {
			q.EdgeFilter = not(eq("uncertain", true))
		}), one("syn-org-udi", hbNO16)},
		{"in all kinds", rq(net, mo, inn), one(netEMN, allMembers...)},
		{"in other kind country", with(rq(net, mo, inn), func(q *emnkg.RelatedQuery) { q.OtherKind = emnkg.KindCountry }),
			one(netEMN, moC("at", "be", "dk", "fr", "ge", "no")...)},
		{"in other kind ncp", with(rq(net, mo, inn), func(q *emnkg.RelatedQuery) {
			q.OtherKind = emnkg.KindNationalContactPoint
		}), one(netEMN, moC("ncp-at")...)},
		{"in other kind organisation", with(rq(net, mo, inn), func(q *emnkg.RelatedQuery) {
			q.OtherKind = emnkg.KindOrganisation
		}), one(netEMN, moC("org-bfa")...)},
		{"in other kind person none", with(rq(net, mo, inn), func(q *emnkg.RelatedQuery) {
			q.OtherKind = emnkg.KindPerson
		}), one(netEMN)},
		{"node filter", with(rq(net, mo, inn), func(q *emnkg.RelatedQuery) {
			q.OtherKind = emnkg.KindCountry
			q.Filter = eq("euMember", true)
		}), one(netEMN, moC("at", "be", "dk", "fr")...)},
		{"node filter not skips absent", with(rq(net, mo, inn), func(q *emnkg.RelatedQuery) {
			q.OtherKind = emnkg.KindCountry
			q.Filter = not(cmpF("joined", emnkg.OpLt, "2010-01-01"))
		}), one(netEMN, moC("ge", "no")...)},
		{"node filter common prop any kind", with(rq(net, mo, inn), func(q *emnkg.RelatedQuery) {
			q.Filter = eq("uncertain", true)
		}), one(netEMN, moC("dk", "no")...)},
		{"node filter synthetic", with(rq(net, mo, inn), func(q *emnkg.RelatedQuery) {
			q.Filter = eq("synthetic", true)
		}), one(netEMN, allMembers...)},
		{"node filter id and edge filter", with(rq(net, mo, inn), func(q *emnkg.RelatedQuery) {
			q.Filter = cmpF("id", emnkg.OpStartsWith, "syn-country-")
			q.EdgeFilter = eq("role", "member")
		}), one(netEMN, moC("at", "be", "fr")...)},
		{"edge filter", with(rq(net, mo, inn), func(q *emnkg.RelatedQuery) {
			q.EdgeFilter = eq("role", "observer")
		}), one(netEMN, moC("dk", "ge", "no")...)},
		{"edge filter not skips absent", with(rq(net, mo, inn), func(q *emnkg.RelatedQuery) {
			q.EdgeFilter = not(cmpF("since", emnkg.OpLt, "2010-01-01"))
		}), one(netEMN, moC("ge", "no")...)},
		{"edge filter or in", with(rq(net, mo, inn), func(q *emnkg.RelatedQuery) {
			q.EdgeFilter = or(in("role", "partner", "contact point"), eq("uncertain", true))
		}), one(netEMN, moC("no", "ncp-at", "org-bfa")...)},
		{"edge sort desc absent first", with(rq(net, mo, inn), func(q *emnkg.RelatedQuery) {
			q.Sort = []emnkg.SortField{edgeDesc("since")}
		}), one(netEMN, moC("dk", "org-bfa", "ge", "no", "fr", "at", "be", "ncp-at")...)},
		{"edge sort asc absent last", with(rq(net, mo, inn), func(q *emnkg.RelatedQuery) {
			q.Sort = []emnkg.SortField{edgeAsc("since")}
		}), one(netEMN, moC("at", "be", "ncp-at", "fr", "no", "ge", "dk", "org-bfa")...)},
		{"edge sort two fields", with(rq(net, mo, inn), func(q *emnkg.RelatedQuery) {
			q.Sort = []emnkg.SortField{edgeAsc("role"), edgeDesc("since")}
		}), one(netEMN, moC("ncp-at", "fr", "at", "be", "dk", "ge", "no", "org-bfa")...)},
		{"node sort", with(rq(net, mo, inn), func(q *emnkg.RelatedQuery) {
			q.OtherKind = emnkg.KindCountry
			q.Sort = []emnkg.SortField{desc("name")}
		}), one(netEMN, moC("no", "ge", "fr", "dk", "be", "at")...)},
		{"node sort id desc", with(rq(net, mo, inn), func(q *emnkg.RelatedQuery) {
			q.Sort = []emnkg.SortField{desc("id")}
		}), one(netEMN, moC("org-bfa", "ncp-at", "no", "ge", "fr", "dk", "be", "at")...)},
		{"edge then node sort", with(rq(net, mo, inn), func(q *emnkg.RelatedQuery) {
			q.OtherKind = emnkg.KindCountry
			q.Sort = []emnkg.SortField{edgeAsc("role"), desc("name")}
		}), one(netEMN, moC("fr", "be", "at", "no", "ge", "dk")...)},
		{"out", rq([]string{"syn-country-at", "syn-country-dk", "syn-country-zz", netEMN}, mo, out),
			map[string]relWant{
				"syn-country-at": {edges: moC("at"), total: 1},
				"syn-country-dk": {edges: moC("dk"), total: 1},
				"syn-country-zz": {edges: []string{}},
				netEMN:           {edges: []string{}},
			}},
		{"in", rq(ids("syn-country-", "at", "no", "dk"), emnkg.RelRepresents, inn), map[string]relWant{
			"syn-country-at": {edges: []string{eid("syn-ncp-at", emnkg.RelRepresents, "syn-country-at")}, total: 1},
			"syn-country-no": {edges: []string{eid("syn-ncp-no", emnkg.RelRepresents, "syn-country-no")}, total: 1},
			"syn-country-dk": {edges: []string{}},
		}},
		{"both from end", rq([]string{"syn-country-at"}, mo, both), one("syn-country-at", moC("at")...)},
		{"both to end", rq(net, mo, both), one(netEMN, allMembers...)},
		{"both other kind", with(rq([]string{"syn-ncp-at"}, hb, both), func(q *emnkg.RelatedQuery) {
			q.OtherKind = emnkg.KindOrganisation
		}), one("syn-ncp-at", hbAT)},
		{"both other kind of own side", with(rq([]string{"syn-ncp-at"}, hb, both), func(q *emnkg.RelatedQuery) {
			q.OtherKind = emnkg.KindNationalContactPoint
		}), one("syn-ncp-at")},
		{"both from the in side", rq([]string{"syn-org-bfa"}, hb, both), one("syn-org-bfa", hbAT)},
		{"both symmetric", rq(ids("syn-term-", "refugee", "asylum", "migrant"), emnkg.RelRelated, both),
			map[string]relWant{
				"syn-term-refugee": {edges: []string{eid("syn-term-asylum", emnkg.RelRelated, "syn-term-refugee"),
					eid("syn-term-stateless", emnkg.RelRelated, "syn-term-refugee")}, total: 2},
				"syn-term-asylum": {edges: []string{eid("syn-term-migrant", emnkg.RelRelated, "syn-term-asylum"),
					eid("syn-term-asylum", emnkg.RelRelated, "syn-term-refugee")}, total: 2},
				"syn-term-migrant": {edges: []string{eid("syn-term-migrant", emnkg.RelRelated, "syn-term-asylum")}, total: 1},
			}},
		// Symmetric types are stored once per pair; OUT and IN follow the
		// stored direction, BOTH reads them from either end.
		{"symmetric out", rq(ids("syn-term-", "asylum", "refugee"), emnkg.RelRelated, out), map[string]relWant{
			"syn-term-asylum":  {edges: []string{eid("syn-term-asylum", emnkg.RelRelated, "syn-term-refugee")}, total: 1},
			"syn-term-refugee": {edges: []string{}},
		}},
		{"symmetric in", rq(ids("syn-term-", "asylum", "refugee"), emnkg.RelRelated, inn), map[string]relWant{
			"syn-term-asylum": {edges: []string{eid("syn-term-migrant", emnkg.RelRelated, "syn-term-asylum")}, total: 1},
			"syn-term-refugee": {edges: []string{eid("syn-term-asylum", emnkg.RelRelated, "syn-term-refugee"),
				eid("syn-term-stateless", emnkg.RelRelated, "syn-term-refugee")}, total: 2},
		}},
		{"both symmetric filtered", with(rq([]string{"syn-term-refugee"}, emnkg.RelRelated, both), func(q *emnkg.RelatedQuery) {
			q.OtherKind = emnkg.KindGlossaryTerm
			q.Filter = cmpF("prefLabel_en", emnkg.OpStartsWith, "s")
		}), one("syn-term-refugee", eid("syn-term-stateless", emnkg.RelRelated, "syn-term-refugee"))},
		{"in sorted by node int", with(rq([]string{"syn-term-asylum"}, ut, inn), func(q *emnkg.RelatedQuery) {
			q.OtherKind = emnkg.KindDocument
			q.Sort = []emnkg.SortField{desc("year")}
		}), one("syn-term-asylum", usesTerm("3", "asylum"), usesTerm("2", "asylum"), usesTerm("1", "asylum"),
			usesTerm("4", "asylum"))},
		{"in filtered by node int", with(rq([]string{"syn-term-asylum"}, ut, inn), func(q *emnkg.RelatedQuery) {
			q.OtherKind = emnkg.KindDocument
			q.Filter = cmpF("year", emnkg.OpGte, int64(2021))
		}), one("syn-term-asylum", usesTerm("2", "asylum"), usesTerm("3", "asylum"))},
		{"edge filter exists", with(rq([]string{"syn-term-asylum"}, ut, inn), func(q *emnkg.RelatedQuery) {
			q.EdgeFilter = exists("source", true)
		}), one("syn-term-asylum", usesTerm("1", "asylum"))},
		{"edge filter exists false", with(rq([]string{"syn-term-asylum"}, ut, inn), func(q *emnkg.RelatedQuery) {
			q.EdgeFilter = exists("source", false)
		}), one("syn-term-asylum", usesTerm("2", "asylum"), usesTerm("3", "asylum"), usesTerm("4", "asylum"))},
		{"empty ids", rq([]string{}, mo, inn), map[string]relWant{}},
		{"nil ids", rq(nil, mo, inn), map[string]relWant{}},
		{"duplicate ids", rq([]string{"syn-ncp-at", "syn-ncp-at"}, hb, out), one("syn-ncp-at", hbAT)},
		{"without total", with(rq([]string{"syn-ncp-at", "syn-unknown"}, hb, out), func(q *emnkg.RelatedQuery) {
			q.WithTotal = false
		}), map[string]relWant{"syn-ncp-at": {edges: []string{hbAT}}, "syn-unknown": {edges: []string{}}}},
	})
}

func testFindRelatedPage(t *testing.T, s emnkg.Store) {
	moC := func(cs ...string) []string {
		out := make([]string, len(cs))
		for i, c := range cs {
			if strings.Contains(c, "-") {
				out[i] = memberOf("syn-" + c)
			} else {
				out[i] = memberOf("syn-country-" + c)
			}
		}
		return out
	}
	tests := []struct {
		name          string
		nodeIDs       []string
		typ           emnkg.RelType
		dir           emnkg.Direction
		offset, limit int
		withTotal     bool
		want          map[string]relWant
	}{
		{"middle", []string{netEMN}, emnkg.RelMemberOf, emnkg.DirectionIn, 2, 3, true,
			map[string]relWant{netEMN: {moC("dk", "fr", "ge"), 8, true}}},
		{"last", []string{netEMN}, emnkg.RelMemberOf, emnkg.DirectionIn, 6, 3, true,
			map[string]relWant{netEMN: {moC("ncp-at", "org-bfa"), 8, false}}},
		{"limit 0", []string{netEMN}, emnkg.RelMemberOf, emnkg.DirectionIn, 0, 0, true,
			map[string]relWant{netEMN: {[]string{}, 8, true}}},
		{"limit 0 before end", []string{netEMN}, emnkg.RelMemberOf, emnkg.DirectionIn, 7, 0, true,
			map[string]relWant{netEMN: {[]string{}, 8, true}}},
		{"limit 0 at end", []string{netEMN}, emnkg.RelMemberOf, emnkg.DirectionIn, 8, 0, true,
			map[string]relWant{netEMN: {[]string{}, 8, false}}},
		{"after end", []string{netEMN}, emnkg.RelMemberOf, emnkg.DirectionIn, 20, 5, true,
			map[string]relWant{netEMN: {[]string{}, 8, false}}},
		{"without total", []string{netEMN}, emnkg.RelMemberOf, emnkg.DirectionIn, 0, 1, false,
			map[string]relWant{netEMN: {moC("at"), 0, true}}},
		{"per parent", ids("syn-doc-", "1", "3", "5"), emnkg.RelUsesTerm, emnkg.DirectionOut, 1, 2, true,
			map[string]relWant{
				"syn-doc-1": {[]string{usesTerm("1", "refugee")}, 2, false},
				"syn-doc-3": {[]string{usesTerm("3", "migrant"), usesTerm("3", "refugee")}, 4, true},
				"syn-doc-5": {[]string{}, 0, false},
			}},
		{"per parent limit 0", ids("syn-doc-", "1", "3", "5"), emnkg.RelUsesTerm, emnkg.DirectionOut, 2, 0, true,
			map[string]relWant{
				"syn-doc-1": {[]string{}, 2, false},
				"syn-doc-3": {[]string{}, 4, true},
				"syn-doc-5": {[]string{}, 0, false},
			}},
	}
	ref := newIndex(Fixture())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := emnkg.RelatedQuery{NodeIDs: tt.nodeIDs, Type: tt.typ, Direction: tt.dir,
				Offset: tt.offset, Limit: tt.limit, WithTotal: tt.withTotal}
			checkRelated(t, q, findRelated(t, s, q), tt.want, ref)
		})
	}
}

func testFindNodesInvalid(t *testing.T, s emnkg.Store) {
	deep := eq("name", "Austria")
	for range emnkg.MaxFilterDepth + 1 {
		deep = not(deep)
	}
	wide := make([]*emnkg.Filter, emnkg.MaxFilterNodes+1)
	for i := range wide {
		wide[i] = eq("name", "Austria")
	}
	manyValues := make([]any, emnkg.MaxInValues+1)
	for i := range manyValues {
		manyValues[i] = "x"
	}
	c, d := emnkg.KindCountry, emnkg.KindDocument
	tests := []struct {
		name string
		q    emnkg.NodeQuery
	}{
		{"unknown kind", emnkg.NodeQuery{Kind: "Planet", Limit: 10}},
		{"empty kind", emnkg.NodeQuery{Kind: "", Limit: 10}},
		{"kind case", emnkg.NodeQuery{Kind: "country", Limit: 10}},
		{"limit too large", emnkg.NodeQuery{Kind: c, Limit: emnkg.MaxPageSize + 1}},
		{"negative limit", emnkg.NodeQuery{Kind: c, Limit: -1}},
		{"negative offset", emnkg.NodeQuery{Kind: c, Offset: -1, Limit: 10}},
		{"offset too large", emnkg.NodeQuery{Kind: c, Offset: math.MaxInt32 + 1, Limit: 10}},
		{"unknown field", emnkg.NodeQuery{Kind: c, Limit: 10, Filter: eq("colour", "red")}},
		{"field of another kind", emnkg.NodeQuery{Kind: c, Limit: 10, Filter: eq("title", "x")}},
		{"list field", emnkg.NodeQuery{Kind: c, Limit: 10, Filter: eq("conflictingSources", "x")}},
		{"multilingual list field", emnkg.NodeQuery{Kind: emnkg.KindGlossaryTerm, Limit: 10,
			Filter: eq("altLabels_fr", "x")}},
		{"multilingual bad language", emnkg.NodeQuery{Kind: emnkg.KindGlossaryTerm, Limit: 10,
			Filter: eq("prefLabel_EN", "x")}},
		{"multilingual without language", emnkg.NodeQuery{Kind: emnkg.KindGlossaryTerm, Limit: 10,
			Filter: eq("prefLabel", "x")}},
		{"string field int value", emnkg.NodeQuery{Kind: c, Limit: 10, Filter: eq("name", int64(3))}},
		{"int field string value", emnkg.NodeQuery{Kind: d, Limit: 10, Filter: eq("year", "2020")}},
		{"int field Go int value", emnkg.NodeQuery{Kind: d, Limit: 10, Filter: eq("year", 2020)}},
		{"int field float value", emnkg.NodeQuery{Kind: d, Limit: 10, Filter: eq("year", 2020.0)}},
		{"bool field string value", emnkg.NodeQuery{Kind: c, Limit: 10, Filter: eq("euMember", "true")}},
		{"bool gt", emnkg.NodeQuery{Kind: c, Limit: 10, Filter: cmpF("euMember", emnkg.OpGt, false)}},
		{"contains on int", emnkg.NodeQuery{Kind: d, Limit: 10, Filter: cmpF("year", emnkg.OpContains, int64(2))}},
		{"id int value", emnkg.NodeQuery{Kind: c, Limit: 10, Filter: eq("id", int64(1))}},
		{"unknown op", emnkg.NodeQuery{Kind: c, Limit: 10, Filter: cmpF("name", "like", "A%")}},
		{"empty op", emnkg.NodeQuery{Kind: c, Limit: 10, Filter: cmpF("name", "", "A")}},
		{"in not a list", emnkg.NodeQuery{Kind: c, Limit: 10, Filter: cmpF("name", emnkg.OpIn, "Austria")}},
		{"in wrong element", emnkg.NodeQuery{Kind: c, Limit: 10, Filter: in("name", "Austria", int64(1))}},
		{"in too many", emnkg.NodeQuery{Kind: c, Limit: 10, Filter: in("name", manyValues...)}},
		{"exists not bool", emnkg.NodeQuery{Kind: c, Limit: 10, Filter: cmpF("name", emnkg.OpExists, "yes")}},
		{"empty comparison", emnkg.NodeQuery{Kind: c, Limit: 10, Filter: &emnkg.Filter{}}},
		{"and with comparison", emnkg.NodeQuery{Kind: c, Limit: 10, Filter: &emnkg.Filter{
			And: []*emnkg.Filter{eq("name", "Austria")}, Field: "name", Op: emnkg.OpEq, Value: "x"}}},
		{"and with or", emnkg.NodeQuery{Kind: c, Limit: 10, Filter: &emnkg.Filter{
			And: []*emnkg.Filter{eq("name", "Austria")}, Or: []*emnkg.Filter{eq("name", "Austria")}}}},
		{"nil in and", emnkg.NodeQuery{Kind: c, Limit: 10, Filter: and(eq("name", "Austria"), nil)}},
		{"invalid nested", emnkg.NodeQuery{Kind: c, Limit: 10, Filter: or(eq("name", "A"), not(eq("colour", "red")))}},
		{"too deep", emnkg.NodeQuery{Kind: c, Limit: 10, Filter: deep}},
		{"too many conditions", emnkg.NodeQuery{Kind: c, Limit: 10, Filter: or(wide...)}},
		{"sort unknown field", emnkg.NodeQuery{Kind: c, Limit: 10, Sort: []emnkg.SortField{asc("colour")}}},
		{"sort unsortable field", emnkg.NodeQuery{Kind: c, Limit: 10, Sort: []emnkg.SortField{asc("note")}}},
		{"sort list field", emnkg.NodeQuery{Kind: d, Limit: 10, Sort: []emnkg.SortField{asc("languages")}}},
		{"sort on edge", emnkg.NodeQuery{Kind: c, Limit: 10, Sort: []emnkg.SortField{edgeAsc("since")}}},
		{"too many sort fields", emnkg.NodeQuery{Kind: c, Limit: 10, Sort: []emnkg.SortField{asc("name"),
			asc("emnCode"), asc("joined"), asc("emnStatus"), asc("euMember"), asc("id")}}},
	}
	before := stats(t, s)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := s.FindNodes(t.Context(), tt.q)
			checkCode(t, err, emnkg.EINVALID)
			if err == nil && p != nil {
				t.Errorf("got page %q", nodeIDs(p.Nodes))
			}
		})
	}
	checkStats(t, stats(t, s), before)
}

func testFindRelatedInvalid(t *testing.T, s emnkg.Store) {
	manyIDs := make([]string, emnkg.MaxQueryIDs+1)
	for i := range manyIDs {
		manyIDs[i] = "syn-country-at"
	}
	base := emnkg.RelatedQuery{NodeIDs: []string{netEMN}, Type: emnkg.RelMemberOf,
		Direction: emnkg.DirectionIn, Limit: 10}
	with := func(f func(*emnkg.RelatedQuery)) emnkg.RelatedQuery {
		q := base
		f(&q)
		return q
	}
	tests := []struct {
		name string
		q    emnkg.RelatedQuery
	}{
		{"unknown type", with(func(q *emnkg.RelatedQuery) { q.Type = "LIKES" })},
		{"empty type", with(func(q *emnkg.RelatedQuery) { q.Type = "" })},
		{"type case", with(func(q *emnkg.RelatedQuery) { q.Type = "member_of" })},
		{"unknown direction", with(func(q *emnkg.RelatedQuery) { q.Direction = "SIDEWAYS" })},
		{"empty direction", with(func(q *emnkg.RelatedQuery) { q.Direction = "" })},
		{"unknown other kind", with(func(q *emnkg.RelatedQuery) { q.OtherKind = "Planet" })},
		{"other kind not reachable in", with(func(q *emnkg.RelatedQuery) { q.OtherKind = emnkg.KindDocument })},
		{"other kind not reachable out", with(func(q *emnkg.RelatedQuery) {
			q.Direction = emnkg.DirectionOut
			q.OtherKind = emnkg.KindCountry
		})},
		{"other kind not reachable both", with(func(q *emnkg.RelatedQuery) {
			q.Direction = emnkg.DirectionBoth
			q.OtherKind = emnkg.KindGlossaryTerm
		})},
		{"kind field without other kind", with(func(q *emnkg.RelatedQuery) { q.Filter = eq("name", "Austria") })},
		{"field of another kind", with(func(q *emnkg.RelatedQuery) {
			q.OtherKind = emnkg.KindCountry
			q.Filter = eq("title", "x")
		})},
		{"wrong value type", with(func(q *emnkg.RelatedQuery) {
			q.OtherKind = emnkg.KindCountry
			q.Filter = eq("euMember", "yes")
		})},
		{"unknown edge field", with(func(q *emnkg.RelatedQuery) { q.EdgeFilter = eq("weight", int64(1)) })},
		{"edge field wrong type", with(func(q *emnkg.RelatedQuery) { q.EdgeFilter = eq("since", int64(2008)) })},
		{"edge list field", with(func(q *emnkg.RelatedQuery) { q.EdgeFilter = eq("additionalSources", "x") })},
		{"edge bool gt", with(func(q *emnkg.RelatedQuery) { q.EdgeFilter = cmpF("uncertain", emnkg.OpGte, true) })},
		{"sort unknown edge field", with(func(q *emnkg.RelatedQuery) {
			q.Sort = []emnkg.SortField{edgeAsc("weight")}
		})},
		{"sort edge id", with(func(q *emnkg.RelatedQuery) { q.Sort = []emnkg.SortField{edgeAsc("id")} })},
		{"sort kind field without other kind", with(func(q *emnkg.RelatedQuery) {
			q.Sort = []emnkg.SortField{asc("name")}
		})},
		{"sort unsortable", with(func(q *emnkg.RelatedQuery) { q.Sort = []emnkg.SortField{asc("synthetic")} })},
		{"limit too large", with(func(q *emnkg.RelatedQuery) { q.Limit = emnkg.MaxPageSize + 1 })},
		{"negative offset", with(func(q *emnkg.RelatedQuery) { q.Offset = -1 })},
		{"negative limit", with(func(q *emnkg.RelatedQuery) { q.Limit = -1 })},
		{"offset too large", with(func(q *emnkg.RelatedQuery) { q.Offset = math.MaxInt32 + 1 })},
		{"too many ids", with(func(q *emnkg.RelatedQuery) { q.NodeIDs = manyIDs })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := s.FindRelated(t.Context(), tt.q)
			checkCode(t, err, emnkg.EINVALID)
			if err == nil {
				t.Errorf("got answer with %d entries", len(m))
			}
		})
	}
}
