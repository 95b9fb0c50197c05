package emnkg_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html"
	"math/rand/v2"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// The legacy* functions below are a verbatim copy of the search ranking as
// it was before it was optimised (commit 6b79404). The optimised code must
// give byte-identical answers; the differential tests compare the two.

func legacyFoldText(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	return strings.ToLower(out)
}

func legacyTokenize(s string) []string {
	return strings.FieldsFunc(legacyFoldText(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

type legacySearchField struct {
	name         string
	multilingual bool
	weight       float64
}

var legacySearchFields = []legacySearchField{
	{"prefLabel", true, 3}, {"name", false, 3}, {"title", false, 3}, {"acronym", false, 3},
	{"altLabels", true, 2}, {"hiddenLabels", true, 2}, {"celex", false, 2},
	{"definition", true, 1}, {"abstract", false, 1}, {"description", false, 1}, {"scopeNote", true, 1},
	{"publisher", false, 0.5},
}

var legacyLangSuffix = regexp.MustCompile(`^[a-z]{2,3}$`)

func legacySearchTexts(n *emnkg.Node) map[string]string {
	out := map[string]string{}
	for key, v := range n.Props {
		if _, ok := legacySearchWeight(key); !ok {
			continue
		}
		switch x := v.(type) {
		case string:
			out[key] = x
		case []string:
			out[key] = strings.Join(x, " | ")
		}
	}
	return out
}

// legacySearchWords returns the words of every searchable text of n,
// sorted.
func legacySearchWords(n *emnkg.Node) []string {
	words := strings.Fields(legacySearchDocument(n))
	sort.Strings(words)
	return words
}

// allSearchWords returns the words of all three parts of w, sorted.
func allSearchWords(w emnkg.SearchWords) []string {
	words := strings.Fields(w.Top + " " + w.Mid + " " + w.Low)
	sort.Strings(words)
	return words
}

func legacySearchDocument(n *emnkg.Node) string {
	texts := legacySearchTexts(n)
	keys := make([]string, 0, len(texts))
	for k := range texts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var words []string
	for _, k := range keys {
		words = append(words, legacyTokenize(texts[k])...)
	}
	return strings.Join(words, " ")
}

func legacySearchWeight(key string) (float64, bool) {
	for _, f := range legacySearchFields {
		if !f.multilingual && key == f.name {
			return f.weight, true
		}
		if f.multilingual && strings.HasPrefix(key, f.name+"_") && legacyLangSuffix.MatchString(key[len(f.name)+1:]) {
			return f.weight, true
		}
	}
	return 0, false
}

func legacyKeyLanguage(key string) string {
	i := strings.LastIndexByte(key, '_')
	if i < 0 || !legacyLangSuffix.MatchString(key[i+1:]) {
		return ""
	}
	return key[i+1:]
}

func legacyRankSearch(candidates []*emnkg.Node, query string, languages []string) []emnkg.SearchHit {
	tokens := legacyTokenize(query)
	if len(tokens) == 0 {
		return nil
	}
	langOK := func(key string) bool {
		l := legacyKeyLanguage(key)
		if l == "" || len(languages) == 0 {
			return true
		}
		for _, want := range languages {
			if l == want {
				return true
			}
		}
		return false
	}
	var hits []emnkg.SearchHit
	for _, n := range candidates {
		texts := legacySearchTexts(n)
		keys := make([]string, 0, len(texts))
		for k := range texts {
			if langOK(k) {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		score, bestField, bestScore := 0.0, "", 0.0
		matchedAll := true
		for _, tok := range tokens {
			tokBest := 0.0
			for _, k := range keys {
				w, _ := legacySearchWeight(k)
				for _, word := range legacyTokenize(texts[k]) {
					s := 0.0
					if word == tok {
						s = 2 * w
					} else if strings.HasPrefix(word, tok) {
						s = w
					}
					if s > tokBest {
						tokBest = s
					}
				}
			}
			if tokBest == 0 {
				matchedAll = false
				break
			}
			score += tokBest
		}
		if !matchedAll {
			continue
		}
		for _, k := range keys {
			w, _ := legacySearchWeight(k)
			fs := 0.0
			words := legacyTokenize(texts[k])
			for _, tok := range tokens {
				for _, word := range words {
					if word == tok {
						fs += 2 * w
						break
					} else if strings.HasPrefix(word, tok) {
						fs += w
						break
					}
				}
			}
			if fs > 0 {
				fs += 1 / float64(len(words)+1)
			}
			if fs > bestScore {
				bestField, bestScore = k, fs
			}
		}
		hits = append(hits, emnkg.SearchHit{Node: n, Score: score + bestScore/10, Field: bestField,
			Snippet: legacyHighlight(texts[bestField], tokens)})
	}
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].Score != hits[j].Score {
			return hits[i].Score > hits[j].Score
		}
		return hits[i].Node.ID < hits[j].Node.ID
	})
	return hits
}

const legacySnippetRunes = 200

func legacyHighlight(text string, tokens []string) string {
	rs := []rune(text)
	type span struct{ start, end int }
	var spans []span
	for i := 0; i < len(rs); {
		if !unicode.IsLetter(rs[i]) && !unicode.IsDigit(rs[i]) {
			i++
			continue
		}
		j := i
		for j < len(rs) && (unicode.IsLetter(rs[j]) || unicode.IsDigit(rs[j])) {
			j++
		}
		word := legacyFoldText(string(rs[i:j]))
		for _, tok := range tokens {
			if strings.HasPrefix(word, tok) {
				spans = append(spans, span{i, j})
				break
			}
		}
		i = j
	}
	from, to := 0, len(rs)
	if len(rs) > legacySnippetRunes {
		if len(spans) > 0 {
			from = max(0, spans[0].start-legacySnippetRunes/4)
		}
		to = min(len(rs), from+legacySnippetRunes)
	}
	var b strings.Builder
	if from > 0 {
		b.WriteString("…")
	}
	pos := from
	for _, sp := range spans {
		if sp.start < from || sp.end > to {
			continue
		}
		b.WriteString(html.EscapeString(string(rs[pos:sp.start])))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(string(rs[sp.start:sp.end])))
		b.WriteString("</mark>")
		pos = sp.end
	}
	b.WriteString(html.EscapeString(string(rs[pos:to])))
	if to < len(rs) {
		b.WriteString("…")
	}
	return b.String()
}

// End of the legacy copy.

// hitsString renders hits exactly, scores to the last bit.
func hitsString(hs []emnkg.SearchHit) string {
	var b strings.Builder
	for _, h := range hs {
		fmt.Fprintf(&b, "%s %b %s %q\n", h.Node.ID, h.Score, h.Field, h.Snippet)
	}
	return b.String()
}

// searchQueries returns the queries the differential tests run on the
// synthetic corpus: the corpus queries and edge cases of folding.
func searchQueries() []string {
	c := newSearchCorpus(1)
	return append(c.queries(), "", "   ", "&", "<mark>", "a", "RÜCK", "ρυ", "στα", "Ħa", "xyzzy nothing",
		"2019", "kaka kaka", "ΣΑ", "ς", "ı", "İstanbul", "ǅemal", "ﬁ", "ß", "Å")
}

// TestRankSearchMatchesLegacy checks that ranking synthetic candidates
// gives byte-identical hits to the legacy implementation, query by query.
// (The legacy implementation is slow: TestRankSearchPinned covers a larger
// corpus.)
func TestRankSearchMatchesLegacy(t *testing.T) {
	cands := newSearchCorpus(2).nodes(60)
	for _, q := range searchQueries() {
		for _, langs := range [][]string{nil, {"en"}, {"xx"}} {
			got, want := emnkg.RankSearch(cands, q, langs), legacyRankSearch(cands, q, langs)
			if g, w := hitsString(got), hitsString(want); g != w {
				t.Errorf("query %q languages %q:\n got  %.2000s\n want %.2000s", q, langs, g, w)
			}
		}
	}
}

// TestRankSearchPinned pins the ranking of the synthetic corpus: the
// digest of its hits as the implementation before optimisation gave them.
// Should the corpus change, compute the digest anew with legacyRankSearch
// in place of emnkg.RankSearch.
func TestRankSearchPinned(t *testing.T) {
	cands := newSearchCorpus(1).nodes(500)
	h := sha256.New()
	total := 0
	for _, q := range searchQueries() {
		for _, langs := range [][]string{nil, {"de", "fr"}, {"el"}} {
			hits := emnkg.RankSearch(cands, q, langs)
			total += len(hits)
			fmt.Fprintf(h, "%q %q\n%s", q, langs, hitsString(hits))
		}
	}
	const want = "70656816bf2b5aef7b1db545a657e54cb1fa001ec68d16795a7b9e01a228cdce"
	if got := hex.EncodeToString(h.Sum(nil)); got != want {
		t.Errorf("digest of %d hits: got %s, want %s", total, got, want)
	}
}

// TestRankSearchTable pins hits of hand-made nodes: folding, prefix and
// exact matches, field choice, language filters, escaping and shortening.
func TestRankSearchTable(t *testing.T) {
	long := strings.Repeat("Lorem ipsum dolor sit amet, ", 12) + "the Rückkehr & <return> decision " +
		strings.Repeat("consectetur adipiscing elit, ", 10)
	nodes := []*emnkg.Node{
		{ID: "t1", Kind: emnkg.KindGlossaryTerm, Props: map[string]any{
			"prefLabel_de": "Rückkehr", "prefLabel_en": "return", "prefLabel_fr": "retour",
			"altLabels_en": []string{"returning", "go back"}, "definition_en": "The act of returning to a country of origin.",
			"languages": []string{"de", "en", "fr"}}},
		{ID: "t2", Kind: emnkg.KindGlossaryTerm, Props: map[string]any{
			"prefLabel_de": "Freiwillige Rückkehr", "prefLabel_en": "voluntary return", "prefLabel_el": "Εθελοντική επιστροφή",
			"scopeNote_en": "Not the same as <forced> return & removal."}},
		{ID: "d1", Kind: emnkg.KindDocument, Props: map[string]any{
			"title": "Return policies in Europe, 2021", "abstract": long, "publisher": "European Migration Network",
			"celex": "32008L0115", "acronym": "RD"}},
		{ID: "d0", Kind: emnkg.KindDocument, Props: map[string]any{"title": "Returnees and RETURN", "year": int64(2021)}},
		{ID: "o1", Kind: emnkg.KindOrganisation, Props: map[string]any{"name": "Bundesamt für Migration und Flüchtlinge",
			"acronym": "BAMF", "description": "Germany's federal office: asylum, return and integration."}},
	}
	tests := []struct {
		query string
		langs []string
		want  string
	}{
		{"return", nil, `t1 6.7 prefLabel_en "<mark>return</mark>"
t2 6.6 prefLabel_en "voluntary <mark>return</mark>"
d1 6.6 title "<mark>Return</mark> policies in Europe, 2021"
d0 6.3 title "<mark>Returnees</mark> and <mark>RETURN</mark>"
o1 2.2 description "Germany&#39;s federal office: asylum, <mark>return</mark> and integration."
`},
		{"RÜCKKEHR", []string{"de"}, `t1 6.7 prefLabel_de "<mark>Rückkehr</mark>"
t2 6.6 prefLabel_de "Freiwillige <mark>Rückkehr</mark>"
d1 2.2 abstract "…m dolor sit amet, Lorem ipsum dolor sit amet, the <mark>Rückkehr</mark> &amp; &lt;return&gt; decision consectetur adipiscing elit, consectetur adipiscing elit, consectetur adipiscing elit, consectetur adipiscing elit, conse…"
`},
		{"ruck", nil, `t1 3.4 prefLabel_de "<mark>Rückkehr</mark>"
t2 3.3 prefLabel_de "Freiwillige <mark>Rückkehr</mark>"
d1 1.1 abstract "…m dolor sit amet, Lorem ipsum dolor sit amet, the <mark>Rückkehr</mark> &amp; &lt;return&gt; decision consectetur adipiscing elit, consectetur adipiscing elit, consectetur adipiscing elit, consectetur adipiscing elit, conse…"
`},
		{"ruckkehr", []string{"fr"}, `d1 2.2 abstract "…m dolor sit amet, Lorem ipsum dolor sit amet, the <mark>Rückkehr</mark> &amp; &lt;return&gt; decision consectetur adipiscing elit, consectetur adipiscing elit, consectetur adipiscing elit, consectetur adipiscing elit, conse…"
`},
		{"επιστροφη", nil, `t2 6.6 prefLabel_el "Εθελοντική <mark>επιστροφή</mark>"
`},
		{"fluchtlinge bamf", nil, `o1 12.7 acronym "<mark>BAMF</mark>"
`},
		{"decision", nil, `d1 2.2 abstract "…rem ipsum dolor sit amet, the Rückkehr &amp; &lt;return&gt; <mark>decision</mark> consectetur adipiscing elit, consectetur adipiscing elit, consectetur adipiscing elit, consectetur adipiscing elit, consectetur adipiscing el…"
`},
		{"32008", nil, `d1 2.2 celex "<mark>32008L0115</mark>"
`},
		{"forced", nil, `t2 2.2 scopeNote_en "Not the same as &lt;<mark>forced</mark>&gt; return &amp; removal."
`},
		{"", nil, ``},
	}
	for _, tt := range tests {
		got := emnkg.RankSearch(nodes, tt.query, tt.langs)
		var b strings.Builder
		for _, h := range got {
			fmt.Fprintf(&b, "%s %.1f %s %q\n", h.Node.ID, h.Score, h.Field, h.Snippet)
		}
		if b.String() != tt.want {
			t.Errorf("query %q languages %q:\n got\n%s want\n%s", tt.query, tt.langs, b.String(), tt.want)
		}
	}
}

// TestFoldTextMatchesLegacy folds every rune of the first two planes (and
// every 97th beyond) alone, and random strings of letters, marks and jamo, and checks
// that FoldText, Tokenize and Highlight agree with the legacy
// implementation (which normalises every text in full).
func TestFoldTextMatchesLegacy(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if r >= 0x20000 && r%97 != 0 {
			continue
		}
		if s := string(r); emnkg.FoldText(s) != legacyFoldText(s) {
			t.Fatalf("FoldText(%U) = %q, want %q", r, emnkg.FoldText(s), legacyFoldText(s))
		}
	}
	ranges := [][2]rune{{0x20, 0x7f}, {0x80, 0x800}, {0x300, 0x370}, {0x300, 0x370}, {0x1100, 0x1200}, {0xac00, 0xac40},
		{0x0900, 0x0e00}, {0x10a0, 0x1100}, {0x1e00, 0x2000}, {0x2000, 0x2200}, {0x1d15e, 0x1d170}, {0x0, 0x10000}}
	rnd := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	for range 20000 {
		b.Reset()
		for range 1 + rnd.IntN(6) {
			rg := ranges[rnd.IntN(len(ranges))]
			b.WriteRune(rg[0] + rnd.Int32N(rg[1]-rg[0]))
		}
		s := b.String()
		if g, w := emnkg.FoldText(s), legacyFoldText(s); g != w {
			t.Fatalf("FoldText(%+q) = %+q, want %+q", s, g, w)
		}
		if g, w := emnkg.Tokenize(s), legacyTokenize(s); !slices.Equal(g, w) {
			t.Fatalf("Tokenize(%+q) = %+q, want %+q", s, g, w)
		}
		if toks := legacyTokenize(s); len(toks) > 0 {
			toks = toks[:1]
			if g, w := emnkg.Highlight(s, toks), legacyHighlight(s, toks); g != w {
				t.Fatalf("Highlight(%+q, %q) = %+q, want %+q", s, toks, g, w)
			}
		}
	}
}

// TestRankSearchKeysMatchLegacy checks which property keys count, and how
// much, against the legacy implementation, with and without languages.
func TestRankSearchKeysMatchLegacy(t *testing.T) {
	keys := []string{"prefLabel_en", "prefLabel_EN", "prefLabel_e", "prefLabel_eng", "prefLabel_engl", "prefLabel_en_x",
		"prefLabel_", "prefLabel", "name", "name_en", "title", "title_de", "acronym", "altLabels_de", "altLabels",
		"hiddenLabels_fr", "celex", "definition_de", "definition_d1", "abstract", "description", "scopeNote_el",
		"publisher", "publisher_en", "text", "_en", "x_en", "prefLabel_ünd", "Name"}
	var nodes []*emnkg.Node
	for i, k := range keys {
		nodes = append(nodes, &emnkg.Node{ID: fmt.Sprintf("n%02d", i), Props: map[string]any{k: "Retour au pays"}},
			&emnkg.Node{ID: fmt.Sprintf("m%02d", i), Props: map[string]any{k: []string{"Retour", "au pays d'origine"},
				"prefLabel_de": "Rückkehr"}},
			&emnkg.Node{ID: fmt.Sprintf("o%02d", i), Props: map[string]any{k: []string(nil), "name": "retour", "year": int64(2000)}})
	}
	for _, q := range []string{"retour", "ret pays", "au", "origine"} {
		for _, langs := range [][]string{nil, {"en"}, {"de", "eng"}, {"EN"}} {
			if g, w := hitsString(emnkg.RankSearch(nodes, q, langs)), hitsString(legacyRankSearch(nodes, q, langs)); g != w {
				t.Errorf("query %q languages %q:\n got  %s\n want %s", q, langs, g, w)
			}
		}
	}
}

// TestRankSearchPage checks that a page of hits is the slice of all hits,
// with the number of all hits.
func TestRankSearchPage(t *testing.T) {
	cands := newSearchCorpus(3).nodes(200)
	query := newSearchCorpus(3).queries()[0]
	all := emnkg.RankSearch(cands, query, nil)
	if len(all) < 50 {
		t.Fatalf("only %d hits", len(all))
	}
	for _, w := range [][2]int{{0, 20}, {20, 20}, {len(all) - 5, 20}, {len(all), 20}, {len(all) + 3, 20}, {0, 0},
		{-1, 5}, {3, -1}, {0, len(all) * 2}} {
		page, total := emnkg.RankSearchPage(cands, query, nil, w[0], w[1])
		from := min(max(w[0], 0), len(all))
		to := from + min(max(w[1], 0), len(all)-from)
		if total != len(all) || hitsString(page) != hitsString(all[from:to]) {
			t.Errorf("offset %d limit %d: %d hits of %d, want %d of %d", w[0], w[1], len(page), total, to-from, len(all))
		}
	}
	if page, total := emnkg.RankSearchPage(cands, " ", nil, 0, 10); page != nil || total != 0 {
		t.Errorf("no words: %d hits of %d", len(page), total)
	}
}

// FuzzRankSearchMatchesLegacy checks that ranking, highlighting, folding,
// tokenising and search documents agree with the legacy implementation on
// arbitrary texts and queries.
func FuzzRankSearchMatchesLegacy(f *testing.F) {
	f.Add("Rückkehr", "Rückkehrentscheidung und Rückkehr", "de")
	f.Add("retour <b>", "décision de retour & <script>", "fr")
	f.Add("\xff\xfe", "a\u0301\u0301b", "en")
	f.Add("a", "a\u0301b \u0301c", "el")
	f.Add("σ", "ΣΑΣ ς Ⅻ Ǆ ǅ İ ı ß ﬁ K Å Ω", "xx")
	f.Add("ka", strings.Repeat("ka lo mi, ", 40)+"kaka", "")
	f.Fuzz(func(t *testing.T, q, text, lang string) {
		if g, w := emnkg.FoldText(text), legacyFoldText(text); g != w {
			t.Fatalf("FoldText(%q) = %q, want %q", text, g, w)
		}
		if g, w := emnkg.Tokenize(text), legacyTokenize(text); strings.Join(g, "\x00") != strings.Join(w, "\x00") || len(g) != len(w) {
			t.Fatalf("Tokenize(%q) = %q, want %q", text, g, w)
		}
		if toks := legacyTokenize(q); len(toks) > 0 {
			if g, w := emnkg.Highlight(text, toks), legacyHighlight(text, toks); g != w {
				t.Fatalf("Highlight(%q, %q) = %q, want %q", text, toks, g, w)
			}
		}
		nodes := []*emnkg.Node{
			{ID: "b", Kind: emnkg.KindDocument, Props: map[string]any{"title": text, "abstract": q + " " + text}},
			{ID: "a", Kind: emnkg.KindGlossaryTerm, Props: map[string]any{"prefLabel_" + lang: text,
				"altLabels_en": []string{text, q}, "definition_de": q}},
		}
		for _, n := range nodes {
			if g, w := allSearchWords(emnkg.SearchWordsOf(n)), legacySearchWords(n); !slices.Equal(g, w) {
				t.Fatalf("SearchWordsOf = %q, want the words %q", g, w)
			}
		}
		for _, langs := range [][]string{nil, {lang}, {"de"}} {
			if g, w := hitsString(emnkg.RankSearch(nodes, q, langs)), hitsString(legacyRankSearch(nodes, q, langs)); g != w {
				t.Fatalf("RankSearch(%q, %q):\n got  %s\n want %s", q, langs, g, w)
			}
		}
	})
}

func TestSearchWordsOfSplitsByWeight(t *testing.T) {
	n := &emnkg.Node{ID: "t", Kind: emnkg.KindGlossaryTerm, Props: map[string]any{
		"prefLabel_en": "Return", "prefLabel_de": "Rückkehr", "altLabels_fr": []string{"retour", "Éloignement"},
		"definition_en": "The process of going back", "scopeNote_en": "Note", "notation": "ignored",
	}}
	want := emnkg.SearchWords{Top: "ruckkehr return", Mid: "retour eloignement", Low: "the process of going back note"}
	if got := emnkg.SearchWordsOf(n); got != want {
		t.Fatalf("SearchWordsOf = %+v, want %+v", got, want)
	}
}

func TestSearchWordsTier(t *testing.T) {
	w := emnkg.SearchWords{Top: "return policy", Mid: "retour", Low: "voluntary departure policy"}
	for _, tc := range []struct {
		tokens []string
		tier   int
		ok     bool
	}{
		{[]string{"return"}, emnkg.SearchTierExactTop, true},
		{[]string{"policy", "return"}, emnkg.SearchTierExactTop, true},
		{[]string{"ret"}, emnkg.SearchTierTop, true},
		{[]string{"return", "pol"}, emnkg.SearchTierTop, true},
		{[]string{"retour"}, emnkg.SearchTierLabels, true},
		{[]string{"return", "reto"}, emnkg.SearchTierLabels, true},
		{[]string{"vol"}, emnkg.SearchTierAny, true},
		{[]string{"return", "retour", "departure"}, emnkg.SearchTierAny, true},
		{[]string{"return", "asylum"}, 0, false},
		{[]string{"olicy"}, 0, false},
	} {
		tier, ok := w.Tier(tc.tokens)
		if tier != tc.tier || ok != tc.ok {
			t.Errorf("Tier(%q) = %d, %v; want %d, %v", tc.tokens, tier, ok, tc.tier, tc.ok)
		}
	}
}

// TestSearchCollector feeds a collector matching nodes in order: 50 terms
// labelled in English only, then 10 labelled in French too.
func TestSearchCollector(t *testing.T) {
	var nodes []*emnkg.Node
	for i := range 60 {
		props := map[string]any{"prefLabel_en": fmt.Sprintf("alpha %d", i)}
		if i >= 50 {
			props["prefLabel_fr"] = fmt.Sprintf("alpha %d", i)
		}
		nodes = append(nodes, &emnkg.Node{ID: fmt.Sprintf("t%02d", i), Kind: emnkg.KindGlossaryTerm, Props: props})
	}
	tests := []struct {
		name      string
		languages []string
		limit     int
		wantIDs   []string
		wantMore  bool
		wantRead  int // nodes read before Add said stop
	}{
		{"no languages", nil, 3, []string{"t00", "t01", "t02"}, true, 4},
		{"no languages, all fit", nil, 60, nodes60(), false, 60},
		{"limit 0", nil, 0, nil, true, 1},
		{"english", []string{"en"}, 2, []string{"t00", "t01"}, true, 3},
		// 2 × 20 = 40 nodes looked at: none in French among them.
		{"french out of reach", []string{"fr"}, 2, nil, true, 41},
		// 3 × 20 = 60 nodes: the ten French ones are the last.
		{"french within reach", []string{"fr"}, 3, []string{"t50", "t51", "t52"}, true, 54},
		{"french, all fit", []string{"fr", "de"}, 10, []string{"t50", "t51", "t52", "t53", "t54", "t55", "t56", "t57", "t58", "t59"}, false, 60},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := emnkg.SearchCandidatesQuery{Tokens: []string{"alpha"}, Languages: tt.languages, Limit: tt.limit}
			c := emnkg.NewSearchCollector(q)
			first := tt.limit + 1
			if tt.languages != nil {
				first = emnkg.SearchScanFactor*tt.limit + 1
			}
			if got := c.RowLimit(); got != first {
				t.Errorf("first RowLimit %d, want %d", got, first)
			}
			read := 0
			for _, n := range nodes {
				rowLimit := c.RowLimit()
				if rowLimit <= 0 {
					t.Fatalf("RowLimit %d after %d nodes, and Add did not say stop", rowLimit, read)
				}
				read++
				if !c.Add(n) {
					break
				}
				if c.Done() {
					t.Fatal("Done before Add said stop")
				}
			}
			set := c.Result()
			var ids []string
			for _, n := range set.Nodes {
				ids = append(ids, n.ID)
			}
			if !slices.Equal(ids, tt.wantIDs) || set.More != tt.wantMore || read != tt.wantRead {
				t.Errorf("got %q More %v after reading %d, want %q More %v after %d", ids, set.More, read, tt.wantIDs, tt.wantMore, tt.wantRead)
			}
			if tt.wantMore && (!c.Done() || c.RowLimit() != 0 || c.Add(nodes[0])) {
				t.Errorf("after stop: Done %v, RowLimit %d", c.Done(), c.RowLimit())
			}
		})
	}
}

// nodes60 returns the IDs t00 to t59.
func nodes60() []string {
	var ids []string
	for i := range 60 {
		ids = append(ids, fmt.Sprintf("t%02d", i))
	}
	return ids
}
