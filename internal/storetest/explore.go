package storetest

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// RunExplorer runs the conformance suite of emnkg.Explorer against the
// store that open returns; open works as for Run, and the store must also
// implement emnkg.Explorer. RunExplorer imports ExploreFixture into one
// store and runs many read-only table rows against it, checks the answers
// of an empty store, and ends by importing changed nodes to check that
// search follows them.
//
// Where the contracts in internal/emnkg leave a point open, the suite
// decides it as follows; every store and MemStore keep these rules.
//
// Validation comes first and fails with EINVALID: unknown kinds, types and
// directions (an empty direction included), filters that ValidateFilter
// rejects, negative limits and offsets, limits above the method's maximum,
// more than MaxQueryIDs node IDs (MaxNeighbourhoodSize for EdgesAmong).
//
// SearchCandidates: every token must be one folded word, exactly as
// Tokenize returns it (Tokenize(tok) == []string{tok}); anything else
// (upper case, accents, blanks, punctuation, wildcards, "") is EINVALID, so
// no store passes query syntax on to its full-text engine. A token matches
// a node when it is a prefix of a word of SearchWordsOf(node); other
// properties (note, kind, text, scheme, ...) never match. No tokens match
// no node. Nodes come by tier (SearchWords.Tier), then by TopLength, then
// by ID. Limit is 0..MaxSearchLimit; 0 returns no nodes, and More says
// whether any match.
//
// Expand: a relationship qualifies when, seen from one of its ends in
// NodeIDs in q.Direction, the node at its other end is of q.Kinds (any when
// empty). It is returned once, as a Link (ID, type, ends), even when it
// qualifies from both ends. A relationship from a node to itself is
// returned once. OUT and IN follow the stored direction, also of symmetric
// types. Limit is 0..MaxExpandLimit; 0 returns no links, with Truncated
// saying whether any qualify. Unknown IDs are ignored.
//
// Neighbours: every other end through which a qualifying relationship
// qualified (so given nodes appear when a relationship joins two given
// nodes, and a loop's node is its own other end), each once, by ID, the
// first Limit of them. Limit is 0..MaxExpandLimit.
//
// EdgesAmong: unknown and repeated IDs are ignored; a relationship from a
// node of ids to itself is returned.
//
// MatchPattern: a pattern has 1 to MaxPatternSteps+1 node steps (a "step"
// of MaxPatternSteps is a relationship step; a single node step is allowed
// and matches nodes alone). A relationship step's direction is seen from
// the node step before it: OUT goes from NodeSteps[i] to NodeSteps[i+1].
// MinHops/MaxHops (0,0) and (1,1) are a single relationship; any other pair
// is a variable-length step and needs 0 <= MinHops <= MaxHops, 1 <= MaxHops
// <= MaxPatternHops, else EINVALID. A variable-length step never binds zero
// hops unless MinHops is 0; zero hops bind one node to both node steps,
// which must then satisfy both. A pattern whose kinds no relationship type
// can join is valid and matches nothing. A row is a distinct binding of the
// node steps plus the relationships of the single-hop steps: within one
// match a relationship is used at most once, in single-hop and
// variable-length steps alike (Cypher's relationship isomorphism), while
// nodes may repeat; a variable-length step binds a pair of nodes when some
// path of distinct, unused relationships joins them, so paths through
// different intermediate nodes give one row. Row.Edges has an entry per
// relationship step, nil for variable-length ones. Rows are ordered by the
// IDs of their nodes step by step, then by the IDs of their single-hop
// relationships step by step. Offset and Limit work as for FindNodes
// (Limit at most MaxPageSize, 0 returns no rows); TotalCount is -1 unless
// WithTotal.
//
// Facets: one or two group keys. A key's Field is "id" or a filterable
// property (never a list) of q.Kind, or of Via.Kind with a hop. A hop needs
// a known type, direction and kind, and the type must be able to join
// q.Kind to Via.Kind in that direction (as FindRelated's OtherKind), else
// EINVALID. With a hop a node counts once per distinct value among its
// related nodes of Via.Kind (relationships to other kinds are ignored); a
// related node without the property gives the value nil, and a node with
// no related node groups under nil. With two keys a node counts once in
// each combination of its values. Only groups that have nodes are buckets.
// Values have the property's Go type. Buckets are ordered by count
// descending, then by their values key by key ascending (text by code
// point, false before true), nil last. Limit is 0..MaxPageSize; 0 returns
// no buckets.
//
// LanguageCoverage: property is the name of a multilingual property of the
// kind ("prefLabel", "altLabels"), else EINVALID. A node has a value in a
// language when it has the key, even with an empty text or list.
// Languages without nodes are not listed.
//
// Degrees: a node's degree is the number of its relationships of q.Types
// (all when empty) in q.Direction; a relationship from a node to itself
// counts once, also for BOTH. Nodes of degree 0 are not listed. Limit is
// 0..MaxPageSize.
func RunExplorer(t *testing.T, open func(tb testing.TB) emnkg.Store) {
	t.Helper()
	t.Run("Empty", func(t *testing.T) { testExploreEmpty(t, explorer(t, open(t))) })
	// Before the fixture's store is opened: a store of Neo4j's tests
	// empties the one database when it is opened.
	t.Run("MatchPatternAgainstReference", func(t *testing.T) { testMatchPatternAgainstReference(t, open(t)) })
	s := open(t)
	x := explorer(t, s)
	checkImportResult(t, importGraph(t, s, ExploreFixture()),
		emnkg.ImportResult{NodesCreated: exploreNodeCount, EdgesCreated: exploreEdgeCount})
	ref := newIndex(ExploreFixture())
	t.Run("SearchCandidates", func(t *testing.T) { testSearchCandidates(t, x, ref) })
	t.Run("RankSearch", func(t *testing.T) { testRankSearch(t, x, ref) })
	t.Run("SearchLanguages", func(t *testing.T) { testSearchLanguages(t, x, ref) })
	t.Run("SearchInvalid", func(t *testing.T) { testSearchInvalid(t, x) })
	t.Run("Expand", func(t *testing.T) { testExpand(t, x, ref) })
	t.Run("ExpandInvalid", func(t *testing.T) { testExpandInvalid(t, x) })
	t.Run("EdgesAmong", func(t *testing.T) { testEdgesAmong(t, x, ref) })
	t.Run("MatchPattern", func(t *testing.T) { testMatchPattern(t, x, ref) })
	t.Run("MatchPatternVariableLength", func(t *testing.T) { testMatchPatternVarLength(t, x, ref) })
	t.Run("MatchPatternPage", func(t *testing.T) { testMatchPatternPage(t, x, ref) })
	t.Run("MatchPatternInvalid", func(t *testing.T) { testMatchPatternInvalid(t, x) })
	t.Run("Facets", func(t *testing.T) { testFacets(t, x) })
	t.Run("FacetsInvalid", func(t *testing.T) { testFacetsInvalid(t, x) })
	t.Run("LanguageCoverage", func(t *testing.T) { testLanguageCoverage(t, x) })
	t.Run("Degrees", func(t *testing.T) { testDegrees(t, x, ref) })
	t.Run("DegreesInvalid", func(t *testing.T) { testDegreesInvalid(t, x) })
	// Last: it changes the store.
	t.Run("Reindex", func(t *testing.T) { testSearchReindex(t, s, x) })
}

func explorer(tb testing.TB, s emnkg.Store) emnkg.Explorer {
	tb.Helper()
	x, ok := s.(emnkg.Explorer)
	if !ok {
		tb.Fatalf("%T does not implement emnkg.Explorer", s)
	}
	return x
}

// ---------------------------------------------------------------------------
// Calls that must succeed.

func searchCandidates(tb testing.TB, x emnkg.Explorer, q emnkg.SearchCandidatesQuery) *emnkg.SearchCandidateSet {
	tb.Helper()
	set, err := x.SearchCandidates(tb.Context(), q)
	if err != nil {
		tb.Fatalf("SearchCandidates(%q): %v", q.Tokens, err)
	}
	return set
}

func expand(tb testing.TB, x emnkg.Explorer, q emnkg.ExpandQuery) *emnkg.Expansion {
	tb.Helper()
	e, err := x.Expand(tb.Context(), q)
	if err != nil {
		tb.Fatalf("Expand: %v", err)
	}
	if e == nil {
		tb.Fatalf("Expand returned nil")
	}
	return e
}

func neighbours(tb testing.TB, x emnkg.Explorer, q emnkg.ExpandQuery) []string {
	tb.Helper()
	ids, err := x.Neighbours(tb.Context(), q)
	if err != nil {
		tb.Fatalf("Neighbours: %v", err)
	}
	if ids == nil {
		tb.Fatalf("Neighbours returned nil")
	}
	return ids
}

// checkLinks checks that got holds exactly the links wantIDs in that order,
// each matching its relationship in ref.
func checkLinks(tb testing.TB, got []emnkg.Link, wantIDs []string, ref map[string]*emnkg.Edge) {
	tb.Helper()
	ids := make([]string, len(got))
	for i, l := range got {
		ids[i] = l.ID
	}
	if !slices.Equal(ids, wantIDs) {
		tb.Errorf("link IDs:\n got  %q\n want %q", ids, wantIDs)
		return
	}
	for _, l := range got {
		if e := ref[l.ID]; e == nil || l != (emnkg.Link{ID: e.ID, Type: e.Type, From: e.From, To: e.To}) {
			tb.Errorf("link %+v does not match relationship %+v", l, e)
		}
	}
}

func edgesAmong(tb testing.TB, x emnkg.Explorer, ids []string, types []emnkg.RelType) []*emnkg.Edge {
	tb.Helper()
	es, err := x.EdgesAmong(tb.Context(), ids, types)
	if err != nil {
		tb.Fatalf("EdgesAmong: %v", err)
	}
	return es
}

func matchPattern(tb testing.TB, x emnkg.Explorer, q emnkg.PatternQuery) *emnkg.PatternPage {
	tb.Helper()
	p, err := x.MatchPattern(tb.Context(), q)
	if err != nil {
		tb.Fatalf("MatchPattern: %v", err)
	}
	if p == nil {
		tb.Fatalf("MatchPattern returned a nil page")
	}
	return p
}

func facets(tb testing.TB, x emnkg.Explorer, q emnkg.FacetQuery) []emnkg.FacetBucket {
	tb.Helper()
	bs, err := x.Facets(tb.Context(), q)
	if err != nil {
		tb.Fatalf("Facets: %v", err)
	}
	return bs
}

func degrees(tb testing.TB, x emnkg.Explorer, q emnkg.DegreeQuery) []emnkg.NodeDegree {
	tb.Helper()
	ds, err := x.Degrees(tb.Context(), q)
	if err != nil {
		tb.Fatalf("Degrees: %v", err)
	}
	return ds
}

// ---------------------------------------------------------------------------
// Comparisons.

func edgeIDList(es []*emnkg.Edge) []string {
	out := make([]string, len(es))
	for i, e := range es {
		if e == nil {
			out[i] = "<nil>"
			continue
		}
		out[i] = e.ID
	}
	return out
}

// sorted returns a sorted copy of ids: the order the contracts give by ID.
func sorted(ids []string) []string {
	out := append([]string{}, ids...)
	slices.Sort(out)
	return out
}

// checkEdges checks that got holds exactly the edges wantIDs in that order,
// each equal to its entry in ref.
func checkEdges(tb testing.TB, got []*emnkg.Edge, wantIDs []string, ref map[string]*emnkg.Edge) {
	tb.Helper()
	if g := edgeIDList(got); !slices.Equal(g, wantIDs) {
		tb.Errorf("edge IDs:\n got  %q\n want %q", g, wantIDs)
		return
	}
	for _, e := range got {
		if d := edgeDiff(e, ref[e.ID]); d != "" {
			tb.Error(d)
		}
	}
}

// ---------------------------------------------------------------------------
// An empty store.

func testExploreEmpty(t *testing.T, x emnkg.Explorer) {
	if set := searchCandidates(t, x, emnkg.SearchCandidatesQuery{Tokens: []string{"a"}, Limit: 10}); len(set.Nodes) != 0 || set.More {
		t.Errorf("SearchCandidates: got %q, more %v", nodeIDs(set.Nodes), set.More)
	}
	eq := emnkg.ExpandQuery{NodeIDs: []string{"syn-country-at"}, Direction: emnkg.DirectionBoth, Limit: 10}
	if e := expand(t, x, eq); len(e.Links) != 0 || e.Truncated {
		t.Errorf("Expand: got %+v", e)
	}
	if ids := neighbours(t, x, eq); len(ids) != 0 {
		t.Errorf("Neighbours: got %q", ids)
	}
	if es := edgesAmong(t, x, []string{"syn-country-at", "syn-net-emn"}, nil); len(es) != 0 {
		t.Errorf("EdgesAmong: got %q", edgeIDList(es))
	}
	p := matchPattern(t, x, emnkg.PatternQuery{
		NodeSteps: []emnkg.NodeStep{{Kind: emnkg.KindCountry}, {}},
		RelSteps:  []emnkg.RelStep{{Direction: emnkg.DirectionBoth}},
		Limit:     10, WithTotal: true})
	checkPatternPage(t, p, nil, 0, false, nil)
	for _, by := range [][]emnkg.GroupKey{{{Field: "name"}},
		{{Field: "name", Via: &emnkg.Hop{Type: emnkg.RelMemberOf, Direction: emnkg.DirectionOut, Kind: emnkg.KindNetwork}}}} {
		if bs := facets(t, x, emnkg.FacetQuery{Kind: emnkg.KindCountry, GroupBy: by, Limit: 10}); len(bs) != 0 {
			t.Errorf("Facets: got %v", bs)
		}
	}
	bs, err := x.LanguageCoverage(t.Context(), emnkg.KindGlossaryTerm, "prefLabel")
	if err != nil {
		t.Errorf("LanguageCoverage: %v", err)
	} else if len(bs) != 0 {
		t.Errorf("LanguageCoverage: got %v", bs)
	}
	if ds := degrees(t, x, emnkg.DegreeQuery{Direction: emnkg.DirectionBoth, Limit: 10}); len(ds) != 0 {
		t.Errorf("Degrees: got %v", ds)
	}
}

// ---------------------------------------------------------------------------
// Search.

func testSearchCandidates(t *testing.T, x emnkg.Explorer, ref *index) {
	ncp, d := emnkg.KindNationalContactPoint, emnkg.KindDocument
	emn := []string{"syn-doc-glossary", "syn-doc-return", "syn-ncp-at", "syn-ncp-be", "syn-ncp-de", "syn-ncp-no", "syn-net-emn"}
	aWords := []string{"syn-country-at", "syn-doc-asylum", "syn-ncp-at", "syn-org-bfa", "syn-term-asylum",
		"syn-term-avr", "syn-term-forced", "syn-term-return"}
	none := []string{}
	tests := []struct {
		name   string
		tokens []string
		kinds  []emnkg.Kind
		limit  int
		want   []string
	}{
		{"accent folded: ruck finds Rückkehr and Rückführung", []string{"ruck"}, nil, 100,
			[]string{"syn-doc-return", "syn-term-forced", "syn-term-return"}},
		{"whole folded word", []string{"ruckkehr"}, nil, 100, []string{"syn-doc-return", "syn-term-return"}},
		{"multilingual label", []string{"retour"}, nil, 100, []string{"syn-term-return", "syn-term-voluntary"}},
		{"accented label", []string{"refugi"}, nil, 100, []string{"syn-term-refugee"}},
		{"prefix in two languages", []string{"refug"}, nil, 100, []string{"syn-term-refugee"}},
		{"umlaut in name", []string{"fur"}, nil, 100, []string{"syn-org-bamf", "syn-org-bfa"}},
		{"umlaut in name, longer", []string{"fluchtl"}, nil, 100, []string{"syn-org-bamf"}},
		{"names, titles and labels", []string{"asyl"}, nil, 100, []string{"syn-doc-asylum", "syn-org-bfa", "syn-term-asylum"}},
		{"other language only", []string{"asil"}, nil, 100, []string{"syn-term-asylum"}},
		{"altLabels", []string{"repatriation"}, nil, 100, []string{"syn-term-return"}},
		{"altLabels in German", []string{"abschieb"}, nil, 100, []string{"syn-term-forced"}},
		{"hiddenLabels", []string{"retrun"}, nil, 100, []string{"syn-term-return"}},
		{"definition", []string{"origin"}, nil, 100, []string{"syn-term-return"}},
		{"definition in French", []string{"protection"}, nil, 100, []string{"syn-term-asylum"}},
		{"scopeNote and title", []string{"reintegration"}, nil, 100, []string{"syn-doc-return", "syn-term-avr"}},
		{"abstract", []string{"applications"}, nil, 100, []string{"syn-doc-asylum"}},
		{"publisher", []string{"osterreich"}, nil, 100, []string{"syn-doc-return"}},
		{"celex", []string{"32007"}, nil, 100, []string{"syn-doc-reg"}},
		{"acronym", []string{"avrr"}, nil, 100, []string{"syn-term-avr"}},
		{"acronym prefix", []string{"avr"}, nil, 100, []string{"syn-term-avr"}},
		{"longer than every word", []string{"avrrr"}, nil, 100, none},
		{"digits in a title", []string{"2021"}, nil, 100, []string{"syn-doc-asylum"}},
		{"year is not searchable", []string{"2020"}, nil, 100, none},
		{"text is not searchable", []string{"zebrafish"}, nil, 100, none},
		{"note is not searchable", []string{"placeholder"}, nil, 100, none},
		{"kind is not searchable", []string{"ministry"}, nil, 100, none},
		{"scheme is not searchable", []string{"unhcr"}, nil, 100, none},
		{"inside a word does not match", []string{"grat"}, nil, 100, none},
		{"end of a word does not match", []string{"sylum"}, nil, 100, none},
		{"unknown word", []string{"xyzzy"}, nil, 100, none},
		{"all tokens must match", []string{"return", "volunt"}, nil, 100, []string{"syn-term-avr", "syn-term-voluntary"}},
		{"tokens in different fields", []string{"bundesamt", "bfa"}, nil, 100, []string{"syn-org-bfa"}},
		{"tokens in one name", []string{"bundesamt", "migration"}, nil, 100, []string{"syn-org-bamf"}},
		{"tokens in any order", []string{"austria", "emn"}, nil, 100, []string{"syn-ncp-at"}},
		{"one token misses", []string{"emn", "xyzzy"}, nil, 100, none},
		{"repeated token", []string{"und", "und"}, nil, 100, []string{"syn-doc-return", "syn-org-bamf", "syn-org-bfa"}},
		{"acronym, names, titles and publisher", []string{"emn"}, nil, 100, emn},
		{"one letter", []string{"a"}, nil, 100, aWords},
		{"kinds", []string{"emn"}, []emnkg.Kind{ncp}, 100, ids("syn-ncp-", "at", "be", "de", "no")},
		{"two kinds", []string{"emn"}, []emnkg.Kind{d, emnkg.KindNetwork}, 100,
			[]string{"syn-doc-glossary", "syn-doc-return", "syn-net-emn"}},
		{"kind without matches", []string{"emn"}, []emnkg.Kind{emnkg.KindPerson}, 100, none},
		{"limit keeps the best tiers", []string{"a"}, nil, 3, aWords},
		{"limit with kinds", []string{"emn"}, []emnkg.Kind{ncp, d}, 3,
			[]string{"syn-doc-glossary", "syn-doc-return", "syn-ncp-at", "syn-ncp-be", "syn-ncp-de", "syn-ncp-no"}},
		{"limit equal to the matches", []string{"a"}, nil, len(aWords), aWords},
		{"limit 0", []string{"a"}, nil, 0, aWords},
		{"max limit", []string{"emn"}, nil, emnkg.MaxSearchLimit, emn},
		{"no tokens", nil, nil, 100, none},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := searchCandidates(t, x, emnkg.SearchCandidatesQuery{Tokens: tt.tokens, Kinds: tt.kinds, Limit: tt.limit})
			want := searchIDsInOrder(t, tt.want, tt.tokens, ref.nodes)
			more := len(want) > tt.limit
			if more {
				want = want[:tt.limit]
			}
			checkNodes(t, got.Nodes, want, ref.nodes)
			if got.More != more {
				t.Errorf("More = %v, want %v", got.More, more)
			}
		})
	}
	// The order pinned by hand: a name, title or label matching the token
	// as a whole word comes before one it starts, one a title starts before
	// a label or a publisher; in a tier, fewer words of names, titles and
	// labels first; a limit keeps the first.
	pinned := []struct {
		token string
		limit int
		want  []string
	}{
		{"asyl", 1, []string{"syn-term-asylum"}},
		{"asyl", 3, []string{"syn-term-asylum", "syn-org-bfa", "syn-doc-asylum"}},
		{"emn", 6, []string{"syn-doc-glossary", "syn-ncp-at", "syn-ncp-be", "syn-ncp-de", "syn-ncp-no", "syn-net-emn"}},
		{"emn", 7, []string{"syn-doc-glossary", "syn-ncp-at", "syn-ncp-be", "syn-ncp-de", "syn-ncp-no", "syn-net-emn",
			"syn-doc-return"}},
		{"32007", 1, []string{"syn-doc-reg"}},
		{"a", 8, []string{"syn-country-at", "syn-ncp-at", "syn-doc-asylum", "syn-term-asylum", "syn-term-avr",
			"syn-org-bfa", "syn-term-forced", "syn-term-return"}},
	}
	for _, p := range pinned {
		got := searchCandidates(t, x, emnkg.SearchCandidatesQuery{Tokens: []string{p.token}, Limit: p.limit})
		if g := nodeIDs(got.Nodes); !slices.Equal(g, p.want) {
			t.Errorf("SearchCandidates(%q, limit %d) = %q, want %q", p.token, p.limit, g, p.want)
		}
	}
}

// searchIDsInOrder returns ids ordered as SearchCandidates orders its
// nodes for tokens (see searchOrder), from the reference nodes, each of
// which must match.
func searchIDsInOrder(tb testing.TB, ids, tokens []string, ref map[string]*emnkg.Node) []string {
	tb.Helper()
	nodes := make([]*emnkg.Node, len(ids))
	for i, id := range ids {
		nodes[i] = ref[id]
	}
	out := nodeIDs(searchOrder(nodes, tokens))
	if len(out) != len(ids) {
		tb.Fatalf("only %q of the fixture nodes %q match %q", out, ids, tokens)
	}
	return out
}

// testRankSearch checks that ranking the store's candidates gives the
// hits that ranking the fixture itself gives, and that the candidates are
// exactly the nodes RankSearch finds among all nodes.
func testRankSearch(t *testing.T, x emnkg.Explorer, ref *index) {
	all := ExploreFixture().Nodes
	for _, n := range all {
		n.Version = 1
	}
	queries := []string{"Rückkehr", "RUCK", "retour", "return volunt", "EMN", "asyl", "réfugié", "AVR",
		"Bundesamt für", "d'asile", "origin", "2021 statistics"}
	languages := [][]string{nil, {"en"}, {"de", "fr"}}
	for _, query := range queries {
		t.Run(query, func(t *testing.T) {
			tokens := emnkg.Tokenize(query)
			cands := searchCandidates(t, x, emnkg.SearchCandidatesQuery{Tokens: tokens, Limit: emnkg.MaxSearchLimit})
			var wantIDs []string
			for _, h := range emnkg.RankSearch(all, query, nil) {
				wantIDs = append(wantIDs, h.Node.ID)
			}
			checkNodes(t, cands.Nodes, searchIDsInOrder(t, wantIDs, tokens, ref.nodes), ref.nodes)
			for _, langs := range languages {
				got := emnkg.RankSearch(cands.Nodes, query, langs)
				want := emnkg.RankSearch(all, query, langs)
				if g, w := hitsString(got), hitsString(want); g != w {
					t.Errorf("languages %q: hits\n got  %s\n want %s", langs, g, w)
				}
			}
		})
	}
	// The ranking itself, pinned for one query.
	cands := searchCandidates(t, x, emnkg.SearchCandidatesQuery{Tokens: []string{"retour"}, Limit: 10})
	hits := emnkg.RankSearch(cands.Nodes, "retour", nil)
	if len(hits) != 2 || hits[0].Node.ID != "syn-term-return" || hits[0].Field != "prefLabel_fr" ||
		hits[0].Snippet != "<mark>retour</mark>" || hits[1].Node.ID != "syn-term-voluntary" {
		t.Errorf("hits for retour: %s", hitsString(hits))
	}
}

// testSearchLanguages checks the candidates of searches with languages:
// in the order of all matching nodes, the first Limit that RankSearch
// ranks under the languages, looked for among the first SearchScanFactor ×
// Limit matching nodes; More when more of those pass or more nodes match
// than were looked at. (The fixture is too small for a scan limit to cut:
// emnkg's tests check SearchCollector with more nodes.)
func testSearchLanguages(t *testing.T, x emnkg.Explorer, ref *index) {
	all := slices.Collect(maps.Values(ref.nodes))
	queries := []string{"a", "emn", "return", "retour", "Rückkehr", "asyl", "r", "v", "d", "mig"}
	languages := [][]string{{"en"}, {"fr"}, {"de", "fr"}, {"nl"}}
	cutByLanguage := false
	for _, query := range queries {
		tokens := emnkg.Tokenize(query)
		ordered := searchOrder(all, tokens)
		for _, langs := range languages {
			for _, limit := range []int{1, 2, 3, 10, emnkg.MaxSearchLimit} {
				scan := min(len(ordered), emnkg.SearchScanFactor*limit)
				var admitted []string
				for _, n := range ordered[:scan] {
					if len(emnkg.RankSearch([]*emnkg.Node{n}, query, langs)) == 1 {
						admitted = append(admitted, n.ID)
					}
				}
				cutByLanguage = cutByLanguage || len(admitted) < scan
				more := len(admitted) > limit || len(ordered) > scan
				want := admitted[:min(limit, len(admitted))]
				got := searchCandidates(t, x, emnkg.SearchCandidatesQuery{Tokens: tokens, Languages: langs, Limit: limit})
				if g := nodeIDs(got.Nodes); !slices.Equal(g, want) || got.More != more {
					t.Errorf("SearchCandidates(%q, languages %q, limit %d) = %q (More %v), want %q (More %v)",
						query, langs, limit, g, got.More, want, more)
				}
			}
		}
	}
	if !cutByLanguage {
		t.Error("no language left out a matching node: the fixture no longer tests the languages")
	}
	_, err := x.SearchCandidates(t.Context(), emnkg.SearchCandidatesQuery{Tokens: []string{"a"}, Languages: []string{"EN"}, Limit: 10})
	checkCode(t, err, emnkg.EINVALID)
}

func hitsString(hs []emnkg.SearchHit) string {
	parts := make([]string, len(hs))
	for i, h := range hs {
		parts[i] = fmt.Sprintf("%s(%v %s %q)", h.Node.ID, h.Score, h.Field, h.Snippet)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func testSearchInvalid(t *testing.T, x emnkg.Explorer) {
	tests := []struct {
		name string
		q    emnkg.SearchCandidatesQuery
	}{
		{"limit too large", emnkg.SearchCandidatesQuery{Tokens: []string{"a"}, Limit: emnkg.MaxSearchLimit + 1}},
		{"negative limit", emnkg.SearchCandidatesQuery{Tokens: []string{"a"}, Limit: -1}},
		{"unknown kind", emnkg.SearchCandidatesQuery{Tokens: []string{"a"}, Kinds: []emnkg.Kind{"Planet"}, Limit: 10}},
		{"kind case", emnkg.SearchCandidatesQuery{Tokens: []string{"a"}, Kinds: []emnkg.Kind{"country"}, Limit: 10}},
		{"token not folded", emnkg.SearchCandidatesQuery{Tokens: []string{"Ruck"}, Limit: 10}},
		{"token with accent", emnkg.SearchCandidatesQuery{Tokens: []string{"rück"}, Limit: 10}},
		{"empty token", emnkg.SearchCandidatesQuery{Tokens: []string{"a", ""}, Limit: 10}},
		{"two words", emnkg.SearchCandidatesQuery{Tokens: []string{"forced return"}, Limit: 10}},
		{"wildcard", emnkg.SearchCandidatesQuery{Tokens: []string{"ret*"}, Limit: 10}},
		{"query syntax", emnkg.SearchCandidatesQuery{Tokens: []string{`a" OR "b`}, Limit: 10}},
		{"punctuation", emnkg.SearchCandidatesQuery{Tokens: []string{"d'asile"}, Limit: 10}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, err := x.SearchCandidates(t.Context(), tt.q)
			checkCode(t, err, emnkg.EINVALID)
			if err == nil {
				t.Errorf("got %q", nodeIDs(set.Nodes))
			}
		})
	}
}

// testSearchReindex imports changed and new nodes and checks that search
// finds their new texts and no longer their old ones.
func testSearchReindex(t *testing.T, s emnkg.Store, x emnkg.Explorer) {
	fx := ExploreFixture()
	var fedasil, forced *emnkg.Node
	for _, n := range fx.Nodes {
		switch n.ID {
		case "syn-org-fedasil":
			fedasil = n
		case "syn-term-forced":
			forced = n
		}
	}
	fedasil.Props["name"] = "Federal Agency for the Reception of Asylum Seekers"
	forced.Props["prefLabel_de"] = "Zwangsrückführung"
	fresh := node("syn-term-pushback", emnkg.KindGlossaryTerm, map[string]any{"prefLabel_en": "pushback"})
	g := &emnkg.Graph{Nodes: []*emnkg.Node{fedasil, forced, fresh}}
	checkImportResult(t, importGraph(t, s, g), emnkg.ImportResult{NodesCreated: 1, NodesUpdated: 2})
	tests := []struct {
		tokens []string
		want   []string
	}{
		{[]string{"fedasil"}, []string{}},
		{[]string{"seekers"}, []string{"syn-org-fedasil"}},
		{[]string{"asyl"}, []string{"syn-doc-asylum", "syn-org-bfa", "syn-org-fedasil", "syn-term-asylum"}},
		{[]string{"ruckf"}, []string{}},
		{[]string{"ruck"}, []string{"syn-doc-return", "syn-term-return"}},
		{[]string{"zwang"}, []string{"syn-term-forced"}},
		{[]string{"forced"}, []string{"syn-term-forced"}},
		{[]string{"pushb"}, []string{"syn-term-pushback"}},
	}
	for _, tt := range tests {
		// The order of tiers is tested above; here only which nodes.
		got := searchCandidates(t, x, emnkg.SearchCandidatesQuery{Tokens: tt.tokens, Limit: 100})
		if g := sorted(nodeIDs(got.Nodes)); !slices.Equal(g, tt.want) {
			t.Errorf("%q after import: got %q, want %q", tt.tokens, g, tt.want)
		}
	}
	got := searchCandidates(t, x, emnkg.SearchCandidatesQuery{Tokens: []string{"seekers"}, Limit: 100}).Nodes
	if len(got) == 1 && (got[0].Version != 2 || got[0].String("name") != fedasil.Props["name"]) {
		t.Errorf("re-imported node: %+v", got[0])
	}
}

// ---------------------------------------------------------------------------
// Expand and EdgesAmong.

// expandCase is one Expand row. The wanted relationships and nodes are
// sets, in any order: the answer must list them by ID. The nodes are the
// other ends of the wanted relationships, which Neighbours returns when the
// case is not truncated.
type expandCase struct {
	name      string
	q         emnkg.ExpandQuery
	edges     []string
	nodes     []string
	truncated bool
}

func testExpand(t *testing.T, x emnkg.Explorer, ref *index) {
	out, inn, both := emnkg.DirectionOut, emnkg.DirectionIn, emnkg.DirectionBoth
	xq := func(nodeIDs []string, dir emnkg.Direction, types ...emnkg.RelType) emnkg.ExpandQuery {
		return emnkg.ExpandQuery{NodeIDs: nodeIDs, Direction: dir, Types: types, Limit: 100}
	}
	with := func(q emnkg.ExpandQuery, f func(*emnkg.ExpandQuery)) emnkg.ExpandQuery {
		f(&q)
		return q
	}
	kinds := func(q emnkg.ExpandQuery, ks ...emnkg.Kind) emnkg.ExpandQuery {
		return with(q, func(q *emnkg.ExpandQuery) { q.Kinds = ks })
	}
	limit := func(q emnkg.ExpandQuery, l int) emnkg.ExpandQuery {
		return with(q, func(q *emnkg.ExpandQuery) { q.Limit = l })
	}
	ncpAT := []string{"syn-ncp-at"}
	net := []string{"syn-net-emn"}
	glossary := []string{"syn-doc-glossary"}
	countries := ids("syn-country-", "at", "be", "de", "no")
	netIn := []string{xMemAT, xMemBE, xMemDE, xMemNO, xMemNCPAT, xMemBFA, xPubGlossary}
	netInSorted := sorted(netIn)
	ct, pb, ut, mo := emnkg.RelContributedTo, emnkg.RelPublishedBy, emnkg.RelUsesTerm, emnkg.RelMemberOf
	tests := []expandCase{
		{"out all types", xq(ncpAT, out), []string{xReprAT, xHostAT, xMemNCPAT, xConATAsylum, xConATReturn},
			[]string{"syn-country-at", "syn-org-bfa", "syn-net-emn", "syn-doc-asylum", "syn-doc-return"}, false},
		{"in all types", xq(ncpAT, inn), []string{xPubReturn}, []string{"syn-doc-return"}, false},
		{"both: a node reached twice is listed once", xq(ncpAT, both),
			[]string{xReprAT, xHostAT, xMemNCPAT, xConATAsylum, xConATReturn, xPubReturn},
			[]string{"syn-country-at", "syn-org-bfa", "syn-net-emn", "syn-doc-asylum", "syn-doc-return"}, false},
		{"types", xq(ncpAT, both, ct, pb), []string{xConATAsylum, xConATReturn, xPubReturn},
			[]string{"syn-doc-asylum", "syn-doc-return"}, false},
		{"type of the other direction only", xq(ncpAT, out, pb), nil, nil, false},
		{"kinds leave out edges to other kinds", kinds(xq(net, inn, mo), emnkg.KindCountry),
			[]string{xMemAT, xMemBE, xMemDE, xMemNO}, countries, false},
		{"two kinds", kinds(xq(net, inn), emnkg.KindCountry, emnkg.KindOrganisation),
			[]string{xMemAT, xMemBE, xMemDE, xMemNO, xMemBFA}, append([]string{"syn-org-bfa"}, countries...), false},
		{"kinds without matches", kinds(xq(net, inn), emnkg.KindFund), nil, nil, false},
		{"seeds sharing a neighbour", xq(ids("syn-doc-", "asylum", "minors"), out, ut),
			[]string{xUseAsylum, xUseAsylum2, xUseRefugee, xUseMinors}, []string{"syn-term-asylum", "syn-term-refugee"}, false},
		{"parallel relationships", xq([]string{"syn-term-asylum"}, inn, ut),
			[]string{xUseAsylum, xUseAsylum2, xUseMinors}, []string{"syn-doc-asylum", "syn-doc-minors"}, false},
		// A relationship between two given nodes is listed once, and both
		// of its ends are other ends.
		{"seeds joined to each other", xq([]string{"syn-ncp-at", "syn-doc-return"}, both, ct, pb),
			[]string{xConATAsylum, xConATReturn, xConDEReturn, xConBAMFReturn, xPubReturn},
			[]string{"syn-doc-asylum", "syn-doc-return", "syn-ncp-at", "syn-ncp-de", "syn-org-bamf"}, false},
		// ncp-at -CONTRIBUTED_TO-> doc-return qualifies from doc-return,
		// whose other end is an NCP, though not from ncp-at.
		{"kinds seen from either seed", kinds(xq([]string{"syn-ncp-at", "syn-doc-return"}, both, ct, pb),
			emnkg.KindNationalContactPoint),
			[]string{xConATReturn, xConDEReturn, xPubReturn}, []string{"syn-ncp-at", "syn-ncp-de"}, false},
		{"seeds joined, out", xq([]string{"syn-ncp-at", "syn-doc-return"}, out, ct, pb),
			[]string{xConATAsylum, xConATReturn, xPubReturn}, []string{"syn-doc-asylum", "syn-doc-return", "syn-ncp-at"}, false},
		{"loop both", xq(glossary, both), []string{xUseGloMigr, xUseGloRetur, xPubGlossary, xLoop},
			[]string{"syn-doc-glossary", "syn-net-emn", "syn-term-migration", "syn-term-return"}, false},
		{"loop out", xq(glossary, out, emnkg.RelRelatesTo), []string{xLoop}, glossary, false},
		{"loop in", xq(glossary, inn), []string{xLoop}, glossary, false},
		{"symmetric type out", xq([]string{"syn-term-asylum"}, out, emnkg.RelRelated), []string{xRelAsylumRefu},
			[]string{"syn-term-refugee"}, false},
		{"symmetric type in", xq([]string{"syn-term-asylum"}, inn, emnkg.RelRelated), []string{xRelMigrAsylum},
			[]string{"syn-term-migration"}, false},
		{"symmetric type both", xq([]string{"syn-term-asylum"}, both, emnkg.RelRelated),
			[]string{xRelAsylumRefu, xRelMigrAsylum}, []string{"syn-term-migration", "syn-term-refugee"}, false},
		{"limit cuts by ID", limit(xq(net, inn), 3), netInSorted[:3], countries[:3], true},
		{"limit one short", limit(xq(net, inn), 6), netInSorted[:6],
			[]string{"syn-country-at", "syn-country-be", "syn-country-de", "syn-country-no", "syn-doc-glossary", "syn-ncp-at"}, true},
		{"limit exact", limit(xq(net, inn), 7), netIn,
			append([]string{"syn-doc-glossary", "syn-ncp-at", "syn-org-bfa"}, countries...), false},
		{"limit counts qualifying edges only", limit(kinds(xq(net, inn), emnkg.KindCountry), 4),
			[]string{xMemAT, xMemBE, xMemDE, xMemNO}, countries, false},
		{"limit 0", limit(xq(ncpAT, out), 0), nil, nil, true},
		{"limit 0 without edges", limit(xq([]string{"syn-country-zz"}, both), 0), nil, nil, false},
		{"max limit", limit(xq(ncpAT, inn), emnkg.MaxExpandLimit), []string{xPubReturn}, []string{"syn-doc-return"}, false},
		{"node without relationships", xq([]string{"syn-country-zz"}, both), nil, nil, false},
		{"unknown id", xq([]string{"syn-unknown"}, both), nil, nil, false},
		{"unknown and known ids", xq([]string{"syn-unknown", "syn-doc-reg", "syn-doc-reg"}, out), []string{xRelReg},
			[]string{"syn-doc-asylum"}, false},
		{"no ids", xq(nil, both), nil, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := expand(t, x, tt.q)
			checkLinks(t, got.Links, sorted(tt.edges), ref.edges)
			if got.Truncated != tt.truncated {
				t.Errorf("Truncated = %v, want %v", got.Truncated, tt.truncated)
			}
			all := tt.q
			all.Limit = emnkg.MaxExpandLimit
			full := neighbours(t, x, all)
			if want := sorted(tt.nodes); !tt.truncated && !slices.Equal(full, want) {
				t.Errorf("Neighbours:\n got  %q\n want %q", full, want)
			}
			if ids, want := neighbours(t, x, tt.q), full[:min(len(full), tt.q.Limit)]; !slices.Equal(ids, want) {
				t.Errorf("Neighbours with limit %d:\n got  %q\n want %q", tt.q.Limit, ids, want)
			}
		})
	}
}

func testExpandInvalid(t *testing.T, x emnkg.Explorer) {
	manyIDs := make([]string, emnkg.MaxQueryIDs+1)
	for i := range manyIDs {
		manyIDs[i] = "syn-ncp-at"
	}
	base := emnkg.ExpandQuery{NodeIDs: []string{"syn-ncp-at"}, Direction: emnkg.DirectionOut, Limit: 10}
	with := func(f func(*emnkg.ExpandQuery)) emnkg.ExpandQuery {
		q := base
		f(&q)
		return q
	}
	tests := []struct {
		name string
		q    emnkg.ExpandQuery
	}{
		{"unknown type", with(func(q *emnkg.ExpandQuery) { q.Types = []emnkg.RelType{emnkg.RelHostedBy, "LIKES"} })},
		{"unknown kind", with(func(q *emnkg.ExpandQuery) { q.Kinds = []emnkg.Kind{"Planet"} })},
		{"unknown direction", with(func(q *emnkg.ExpandQuery) { q.Direction = "SIDEWAYS" })},
		{"empty direction", with(func(q *emnkg.ExpandQuery) { q.Direction = "" })},
		{"negative limit", with(func(q *emnkg.ExpandQuery) { q.Limit = -1 })},
		{"limit too large", with(func(q *emnkg.ExpandQuery) { q.Limit = emnkg.MaxExpandLimit + 1 })},
		{"too many ids", with(func(q *emnkg.ExpandQuery) { q.NodeIDs = manyIDs })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := x.Expand(t.Context(), tt.q)
			checkCode(t, err, emnkg.EINVALID)
			if err == nil {
				t.Errorf("got %+v", e)
			}
			ids, err := x.Neighbours(t.Context(), tt.q)
			checkCode(t, err, emnkg.EINVALID)
			if err == nil {
				t.Errorf("Neighbours: got %q", ids)
			}
		})
	}
}

func testEdgesAmong(t *testing.T, x emnkg.Explorer, ref *index) {
	set := []string{"syn-ncp-at", "syn-doc-asylum", "syn-doc-return", "syn-country-at"}
	tests := []struct {
		name  string
		ids   []string
		types []emnkg.RelType
		want  []string
	}{
		{"all types", set, nil, []string{xConATAsylum, xConATReturn, xReprAT, xOnAsylumAT, xOnReturnAT, xPubReturn}},
		{"types", set, []emnkg.RelType{emnkg.RelContributedTo, emnkg.RelRepresents},
			[]string{xConATAsylum, xConATReturn, xReprAT}},
		{"type without edges among", set, []emnkg.RelType{emnkg.RelUsesTerm}, nil},
		{"loop", []string{"syn-doc-glossary"}, nil, []string{xLoop}},
		{"loop and others", []string{"syn-term-return", "syn-doc-glossary", "syn-term-migration"}, nil,
			[]string{xLoop, xUseGloMigr, xUseGloRetur, xBrReturn}},
		{"parallel", []string{"syn-doc-asylum", "syn-term-asylum"}, nil, []string{xUseAsylum, xUseAsylum2}},
		{"symmetric", []string{"syn-term-refugee", "syn-term-asylum", "syn-term-migration"}, []emnkg.RelType{emnkg.RelRelated},
			[]string{xRelAsylumRefu, xRelMigrAsylum}},
		{"repeated and unknown ids", []string{"syn-term-avr", "syn-unknown", "syn-term-avr", "syn-term-return"}, nil,
			[]string{xBrAVRReturn}},
		{"one node", []string{"syn-ncp-at"}, nil, nil},
		{"unknown ids", []string{"syn-unknown", "syn-missing"}, nil, nil},
		{"no ids", nil, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkEdges(t, edgesAmong(t, x, tt.ids, tt.types), sorted(tt.want), ref.edges)
		})
	}
	manyIDs := make([]string, emnkg.MaxNeighbourhoodSize+1)
	for i := range manyIDs {
		manyIDs[i] = fmt.Sprintf("syn-many-%d", i)
	}
	for name, call := range map[string]func() ([]*emnkg.Edge, error){
		"unknown type": func() ([]*emnkg.Edge, error) {
			return x.EdgesAmong(t.Context(), set, []emnkg.RelType{"LIKES"})
		},
		"too many ids": func() ([]*emnkg.Edge, error) { return x.EdgesAmong(t.Context(), manyIDs, nil) },
	} {
		t.Run("invalid "+name, func(t *testing.T) {
			es, err := call()
			checkCode(t, err, emnkg.EINVALID)
			if err == nil {
				t.Errorf("got %q", edgeIDList(es))
			}
		})
	}
}

// ---------------------------------------------------------------------------
// Degrees and LanguageCoverage.

func testDegrees(t *testing.T, x emnkg.Explorer, ref *index) {
	out, inn, both := emnkg.DirectionOut, emnkg.DirectionIn, emnkg.DirectionBoth
	type nd struct {
		id     string
		degree int
	}
	all := []nd{
		{"syn-doc-asylum", 8}, {"syn-doc-return", 7}, {"syn-net-emn", 7}, {"syn-ncp-at", 6}, {"syn-term-return", 6},
		{"syn-term-asylum", 5}, {"syn-country-at", 4}, {"syn-doc-glossary", 4}, {"syn-doc-minors", 4},
		{"syn-ncp-de", 4}, {"syn-country-be", 3}, {"syn-country-de", 3}, {"syn-ncp-be", 3}, {"syn-term-avr", 3},
		{"syn-term-migration", 3}, {"syn-country-no", 2}, {"syn-ncp-no", 2}, {"syn-org-bamf", 2},
		{"syn-org-bfa", 2}, {"syn-term-refugee", 2}, {"syn-term-voluntary", 2}, {"syn-doc-reg", 1},
		{"syn-org-fedasil", 1}, {"syn-term-forced", 1},
	}
	tests := []struct {
		name string
		q    emnkg.DegreeQuery
		want []nd
	}{
		{"all, zero degree left out", emnkg.DegreeQuery{Direction: both, Limit: 100}, all},
		{"limit", emnkg.DegreeQuery{Direction: both, Limit: 5}, all[:5]},
		{"limit 0", emnkg.DegreeQuery{Direction: both, Limit: 0}, nil},
		{"kinds", emnkg.DegreeQuery{Kinds: []emnkg.Kind{emnkg.KindCountry}, Direction: both, Limit: 100},
			[]nd{{"syn-country-at", 4}, {"syn-country-be", 3}, {"syn-country-de", 3}, {"syn-country-no", 2}}},
		{"out", emnkg.DegreeQuery{Kinds: []emnkg.Kind{emnkg.KindNationalContactPoint, emnkg.KindNetwork}, Direction: out, Limit: 100},
			[]nd{{"syn-ncp-at", 5}, {"syn-ncp-de", 4}, {"syn-ncp-be", 3}, {"syn-ncp-no", 2}}},
		{"in", emnkg.DegreeQuery{Kinds: []emnkg.Kind{emnkg.KindNationalContactPoint, emnkg.KindNetwork}, Direction: inn, Limit: 100},
			[]nd{{"syn-net-emn", 7}, {"syn-ncp-at", 1}}},
		{"types in", emnkg.DegreeQuery{Types: []emnkg.RelType{emnkg.RelBroader}, Direction: inn, Limit: 100},
			[]nd{{"syn-term-return", 3}, {"syn-term-migration", 1}, {"syn-term-voluntary", 1}}},
		{"types out", emnkg.DegreeQuery{Kinds: []emnkg.Kind{emnkg.KindGlossaryTerm}, Types: []emnkg.RelType{emnkg.RelBroader},
			Direction: out, Limit: 100},
			[]nd{{"syn-term-avr", 2}, {"syn-term-forced", 1}, {"syn-term-return", 1}, {"syn-term-voluntary", 1}}},
		{"loop counts once", emnkg.DegreeQuery{Types: []emnkg.RelType{emnkg.RelRelatesTo}, Direction: both, Limit: 100},
			[]nd{{"syn-doc-asylum", 1}, {"syn-doc-glossary", 1}, {"syn-doc-reg", 1}}},
		{"loop out", emnkg.DegreeQuery{Types: []emnkg.RelType{emnkg.RelRelatesTo}, Direction: out, Limit: 100},
			[]nd{{"syn-doc-glossary", 1}, {"syn-doc-reg", 1}}},
		{"loop in", emnkg.DegreeQuery{Types: []emnkg.RelType{emnkg.RelRelatesTo}, Direction: inn, Limit: 100},
			[]nd{{"syn-doc-asylum", 1}, {"syn-doc-glossary", 1}}},
		{"kinds and types", emnkg.DegreeQuery{Kinds: []emnkg.Kind{emnkg.KindDocument, emnkg.KindNationalContactPoint},
			Types: []emnkg.RelType{emnkg.RelContributedTo, emnkg.RelUsesTerm}, Direction: both, Limit: 4},
			[]nd{{"syn-doc-asylum", 5}, {"syn-doc-return", 5}, {"syn-doc-minors", 3}, {"syn-doc-glossary", 2}}},
		{"ties by id", emnkg.DegreeQuery{Kinds: []emnkg.Kind{emnkg.KindDocument, emnkg.KindNationalContactPoint},
			Types: []emnkg.RelType{emnkg.RelContributedTo, emnkg.RelUsesTerm}, Direction: both, Limit: 100},
			[]nd{{"syn-doc-asylum", 5}, {"syn-doc-return", 5}, {"syn-doc-minors", 3}, {"syn-doc-glossary", 2},
				{"syn-ncp-at", 2}, {"syn-ncp-de", 2}, {"syn-ncp-be", 1}, {"syn-ncp-no", 1}}},
		{"symmetric type", emnkg.DegreeQuery{Types: []emnkg.RelType{emnkg.RelRelated}, Direction: out, Limit: 100},
			[]nd{{"syn-term-asylum", 1}, {"syn-term-migration", 1}}},
		{"kind without relationships", emnkg.DegreeQuery{Kinds: []emnkg.Kind{emnkg.KindFund}, Direction: both, Limit: 100}, nil},
		{"max limit", emnkg.DegreeQuery{Kinds: []emnkg.Kind{emnkg.KindCountry}, Types: []emnkg.RelType{emnkg.RelMemberOf},
			Direction: out, Limit: emnkg.MaxPageSize},
			[]nd{{"syn-country-at", 1}, {"syn-country-be", 1}, {"syn-country-de", 1}, {"syn-country-no", 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := degrees(t, x, tt.q)
			g := make([]nd, len(got))
			for i, d := range got {
				if d.Node == nil {
					t.Fatalf("entry %d has no node", i)
				}
				g[i] = nd{d.Node.ID, d.Degree}
				if diff := nodeDiff(d.Node, ref.nodes[d.Node.ID]); diff != "" {
					t.Error(diff)
				}
			}
			if !slices.Equal(g, tt.want) {
				t.Errorf("degrees:\n got  %v\n want %v", g, tt.want)
			}
		})
	}
}

func testDegreesInvalid(t *testing.T, x emnkg.Explorer) {
	both := emnkg.DirectionBoth
	tests := []struct {
		name string
		q    emnkg.DegreeQuery
	}{
		{"unknown kind", emnkg.DegreeQuery{Kinds: []emnkg.Kind{"Planet"}, Direction: both, Limit: 10}},
		{"unknown type", emnkg.DegreeQuery{Types: []emnkg.RelType{"LIKES"}, Direction: both, Limit: 10}},
		{"unknown direction", emnkg.DegreeQuery{Direction: "SIDEWAYS", Limit: 10}},
		{"empty direction", emnkg.DegreeQuery{Limit: 10}},
		{"negative limit", emnkg.DegreeQuery{Direction: both, Limit: -1}},
		{"limit too large", emnkg.DegreeQuery{Direction: both, Limit: emnkg.MaxPageSize + 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds, err := x.Degrees(t.Context(), tt.q)
			checkCode(t, err, emnkg.EINVALID)
			if err == nil {
				t.Errorf("got %v", ds)
			}
		})
	}
}

func testLanguageCoverage(t *testing.T, x emnkg.Explorer) {
	g := emnkg.KindGlossaryTerm
	lb := func(lang string, n int) emnkg.FacetBucket { return emnkg.FacetBucket{Values: []any{lang}, Count: n} }
	tests := []struct {
		name     string
		kind     emnkg.Kind
		property string
		want     []emnkg.FacetBucket
	}{
		{"prefLabel", g, "prefLabel", []emnkg.FacetBucket{lb("de", 4), lb("en", 7), lb("fr", 5)}},
		{"altLabels list", g, "altLabels", []emnkg.FacetBucket{lb("de", 1), lb("en", 2)}},
		{"hiddenLabels", g, "hiddenLabels", []emnkg.FacetBucket{lb("en", 1)}},
		{"definition", g, "definition", []emnkg.FacetBucket{lb("en", 1), lb("fr", 1)}},
		{"scopeNote", g, "scopeNote", []emnkg.FacetBucket{lb("en", 1)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := x.LanguageCoverage(t.Context(), tt.kind, tt.property)
			if err != nil {
				t.Fatalf("LanguageCoverage: %v", err)
			}
			checkBuckets(t, got, tt.want)
		})
	}
	invalid := []struct {
		name     string
		kind     emnkg.Kind
		property string
	}{
		{"unknown kind", "Planet", "prefLabel"},
		{"property of another kind", emnkg.KindDocument, "prefLabel"},
		{"not multilingual", g, "scheme"},
		{"a language key", g, "prefLabel_en"},
		{"unknown property", g, "colour"},
		{"empty property", g, ""},
	}
	for _, tt := range invalid {
		t.Run("invalid "+tt.name, func(t *testing.T) {
			bs, err := x.LanguageCoverage(t.Context(), tt.kind, tt.property)
			checkCode(t, err, emnkg.EINVALID)
			if err == nil {
				t.Errorf("got %v", bs)
			}
		})
	}
}

// checkBuckets checks buckets exactly: values (with their Go types),
// counts and order.
func checkBuckets(tb testing.TB, got, want []emnkg.FacetBucket) {
	tb.Helper()
	if bucketsString(got) != bucketsString(want) {
		tb.Errorf("buckets:\n got  %s\n want %s", bucketsString(got), bucketsString(want))
	}
}

func bucketsString(bs []emnkg.FacetBucket) string {
	parts := make([]string, len(bs))
	for i, b := range bs {
		vs := make([]string, len(b.Values))
		for j, v := range b.Values {
			if v == nil {
				vs[j] = "nil"
			} else {
				vs[j] = fmt.Sprintf("%T(%#v)", v, v)
			}
		}
		parts[i] = fmt.Sprintf("{%s}:%d", strings.Join(vs, ", "), b.Count)
	}
	return "[" + strings.Join(parts, " ") + "]"
}
