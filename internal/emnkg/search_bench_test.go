package emnkg_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// searchCorpus generates synthetic search candidates as a store returns
// them for a query: multilingual glossary terms with labels in most of
// corpusLanguages and documents with long abstracts, all of them
// containing the query word somewhere. Every node is synthetic (IDs start
// with "syn-"); words are made of syllables, like those of internal/synth,
// but the corpus does not depend on that package, so that the pinned
// digest of TestRankSearchPinned only changes with search.
type searchCorpus struct {
	r *rand.Rand
	// vocab picks word ranks, common words more often.
	vocab *rand.Zipf
	// hit is the rank of the word that every candidate contains.
	hit int
}

func newSearchCorpus(seed uint64) *searchCorpus {
	r := rand.New(rand.NewPCG(seed, 0x7365617263680000)) // "search"
	return &searchCorpus{r: r, vocab: rand.NewZipf(r, 1.1, 2, 4999), hit: 7}
}

// corpusLanguages are the languages of the labels, English first.
var corpusLanguages = []string{"en", "bg", "cs", "de", "el", "es", "et", "fi", "fr", "ga", "hr", "hu", "hy", "it",
	"ka", "lt", "lv", "mt", "nl", "pl", "pt", "ro", "sk", "sl", "sv", "uk"}

// corpusSyllables returns the syllables that spell the words of a language:
// languages of a family share them, with the diacritics and scripts of the
// family.
func corpusSyllables(lang string) []string {
	switch lang {
	case "de", "nl", "sv":
		return []string{"ka", "lü", "mo", "nie", "ro", "schä", "te", "wa", "bau", "gen", "hei", "ber", "stö", "ding",
			"ker", "feld", "mar", "tun", "rei", "sel", "dö", "fu", "lin", "gra", "ø", "å", "vik", "berg"}
	case "fr", "es", "it", "pt", "ro":
		return []string{"ré", "la", "mé", "nou", "sé", "ti", "vé", "pa", "co", "lon", "eau", "ber", "cha", "tion", "mi",
			"dé", "gne", "rou", "ssa", "val", "lé", "qui", "fon", "ris", "ção", "ña", "ță", "dad"}
	case "cs", "sk", "pl", "sl", "hr":
		return []string{"ča", "ře", "ko", "šte", "vo", "ży", "na", "ló", "ść", "pra", "dě", "mi", "ski", "brá", "no",
			"ľu", "vić", "zo", "cz", "gó", "tra", "je", "ha", "dř"}
	case "bg", "uk":
		return []string{"ка", "ло", "ми", "не", "ру", "са", "те", "ви", "до", "ра", "ли", "мо", "пе", "су", "та",
			"ве", "жи", "що", "ця", "ба", "гра", "дзе", "ни", "ков"}
	case "el":
		return []string{"κα", "λο", "μι", "νε", "ρυ", "σα", "τε", "βι", "δο", "ρα", "λι", "μό", "πε", "συ", "τά", "βε",
			"ση", "ος", "ία", "θε"}
	case "lt", "lv":
		return []string{"ka", "lū", "mi", "ne", "ru", "šas", "te", "vi", "dė", "ra", "lį", "mo", "pe", "su", "tai",
			"vė", "ņa", "ļi", "ģe", "ķa"}
	case "fi", "et", "hu":
		return []string{"kä", "lo", "mi", "ne", "ru", "sa", "te", "vi", "dö", "ra", "li", "mö", "pe", "su", "ta", "ve",
			"ő", "ssä", "gy", "ny"}
	case "ga":
		return []string{"bha", "chá", "dó", "éa", "fhí", "gh", "lú", "mha", "ní", "ó", "ra", "sé", "tí", "úr", "ach", "ann"}
	case "mt":
		return []string{"ħa", "ġe", "ż", "ċi", "ka", "lo", "mi", "ne", "ru", "sa", "te", "vi", "għ", "ija", "tal", "ment"}
	case "hy":
		return []string{"կա", "լո", "մի", "նե", "ռու", "սա", "տե", "վի", "դո", "րա", "լի", "մո", "պե", "սու", "յան", "ություն"}
	case "ka":
		return []string{"კა", "ლო", "მი", "ნე", "რუ", "სა", "ტე", "ვი", "დო", "რა", "ლი", "მო", "პე", "სუ", "ძე", "შვილი"}
	}
	return []string{"ka", "lo", "mi", "ne", "ru", "sa", "te", "vi", "do", "ra", "li", "mo", "pe", "su", "ta", "ve",
		"ri", "no", "la", "me", "ko", "tu", "bi", "fa", "kan", "lor", "mis", "tel", "ven", "dar", "sol", "pin"}
}

// corpusWord spells word rank i in a language: in its syllables, shifted by
// language so that languages of a family spell a word differently, and of
// at least two syllables.
func corpusWord(lang string, i int) string {
	syl := corpusSyllables(lang)
	if lang != "en" {
		i += int(lang[0])*31 + int(lang[1])
	}
	var b strings.Builder
	for k := 0; k < 2 || i > 0; k++ {
		b.WriteString(syl[i%len(syl)])
		i /= len(syl)
	}
	return b.String()
}

// queries returns queries that the candidates match in various ways: the
// hit word in English, folded or not, a prefix of it, two words, and the
// hit word in languages with diacritics and other scripts.
func (c *searchCorpus) queries() []string {
	en := corpusWord("en", c.hit)
	return []string{
		en,
		en[:3],
		strings.ToUpper(en) + " " + corpusWord("en", 0),
		corpusWord("de", c.hit),
		corpusWord("fr", c.hit),
		strings.ToUpper(corpusWord("el", c.hit)),
		corpusWord("pl", c.hit) + " " + corpusWord("hy", c.hit)[:4],
		en + " " + corpusWord("en", 1) + " " + corpusWord("en", 2),
	}
}

// word returns a vocabulary rank.
func (c *searchCorpus) word() int { return int(c.vocab.Uint64()) }

// phrase spells vocabulary ranks in a language.
func (c *searchCorpus) phrase(lang string, ranks []int) string {
	parts := make([]string, len(ranks))
	for i, w := range ranks {
		parts[i] = corpusWord(lang, w)
	}
	return strings.Join(parts, " ")
}

// sentences returns about n words of text in a language, with
// punctuation, capitals, numbers and characters that HTML escapes; the
// hit word occurs once, at a random place, when withHit.
func (c *searchCorpus) sentences(lang string, n int, withHit bool) string {
	at := -1
	if withHit {
		at = c.r.IntN(n)
	}
	var b strings.Builder
	start := true
	for i := range n {
		w := c.word()
		if i == at {
			w = c.hit
		}
		s := corpusWord(lang, w)
		if start && s[0] < 0x80 {
			s = strings.ToUpper(s[:1]) + s[1:]
		}
		b.WriteString(s)
		start = false
		switch x := c.r.IntN(40); {
		case x == 0:
			b.WriteString(". ")
			start = true
		case x == 1:
			b.WriteString(", ")
		case x == 2:
			fmt.Fprintf(&b, " (%d) ", 2000+c.r.IntN(26))
		case x == 3:
			b.WriteString(" & ")
		case x == 4:
			b.WriteString(" <i>")
		default:
			b.WriteByte(' ')
		}
	}
	b.WriteString(".")
	return b.String()
}

// term returns glossary term i: a label of one to three words, one of them
// the hit word, in most languages, and a definition.
func (c *searchCorpus) term(i int) *emnkg.Node {
	ranks := make([]int, 1+c.r.IntN(3))
	for k := range ranks {
		ranks[k] = c.word()
	}
	ranks[c.r.IntN(len(ranks))] = c.hit
	p := map[string]any{"synthetic": true, "scheme": "synthetic-glossary",
		"definition_en": "In this synthetic glossary, " + c.phrase("en", ranks) + " is " + c.sentences("en", 20+c.r.IntN(20), false)}
	langs := corpusLanguages
	if c.r.IntN(10) < 4 {
		langs = langs[:1+c.r.IntN(5)]
	}
	for _, l := range langs {
		if l != "en" && c.r.IntN(10) == 0 {
			continue
		}
		p[emnkg.LangKey("prefLabel", l)] = c.phrase(l, ranks)
		if c.r.IntN(5) == 0 {
			p[emnkg.LangKey("altLabels", l)] = []string{c.phrase(l, []int{c.word(), c.word()}), c.phrase(l, []int{c.word()})}
		}
		if c.r.IntN(8) == 0 {
			p[emnkg.LangKey("definition", l)] = c.sentences(l, 15+c.r.IntN(25), false)
		}
	}
	if c.r.IntN(6) == 0 {
		p["scopeNote_en"] = c.sentences("en", 30, c.r.IntN(2) == 0)
	}
	return &emnkg.Node{ID: fmt.Sprintf("syn-t-%07d", i), Kind: emnkg.KindGlossaryTerm, Props: p}
}

// document returns document i: a title, a long abstract (mostly English)
// that names the hit word once, a publisher and sometimes a description.
func (c *searchCorpus) document(i int) *emnkg.Node {
	lang := "en"
	if c.r.IntN(10) < 3 {
		lang = corpusLanguages[1+c.r.IntN(len(corpusLanguages)-1)]
	}
	title := fmt.Sprintf("Synthetic study: %s in %s, %d", c.phrase("en", []int{c.word(), c.word()}),
		c.phrase("en", []int{c.word()}), 2000+c.r.IntN(26))
	if c.r.IntN(4) == 0 {
		title = fmt.Sprintf("Synthetic report on %s", c.phrase("en", []int{c.hit, c.word()}))
	}
	p := map[string]any{"synthetic": true, "title": title, "kind": "study", "year": int64(2000 + c.r.IntN(26)),
		"abstract":  c.sentences(lang, 150+c.r.IntN(250), true),
		"publisher": "Synthetic " + c.phrase("en", []int{c.word(), c.word()}) + " Network"}
	if c.r.IntN(3) == 0 {
		p["description"] = c.sentences("en", 40, false)
	}
	if c.r.IntN(5) == 0 {
		p["acronym"] = strings.ToUpper(c.phrase("en", []int{c.word()}))
	}
	return &emnkg.Node{ID: fmt.Sprintf("syn-doc-%07d", i), Kind: emnkg.KindDocument, Props: p}
}

// nodes returns n candidates, three in five of them glossary terms.
func (c *searchCorpus) nodes(n int) []*emnkg.Node {
	out := make([]*emnkg.Node, n)
	for i := range out {
		if c.r.IntN(5) < 3 {
			out[i] = c.term(i)
		} else {
			out[i] = c.document(i)
		}
	}
	return out
}

// benchmarkRankSearch ranks 1000 synthetic candidates (as many as a store
// returns at most) with rank, for queries of one to three words, in all
// languages and in two.
func benchmarkRankSearch(b *testing.B, rank func([]*emnkg.Node, string, []string) []emnkg.SearchHit) {
	c := newSearchCorpus(1)
	cands := c.nodes(emnkg.MaxSearchLimit)
	qs := c.queries()
	cases := []struct {
		name  string
		query string
		langs []string
	}{
		{"word", qs[0], nil},
		{"prefix", qs[1], nil},
		{"two-words", qs[2], nil},
		{"greek", qs[5], nil},
		{"word-de-fr", qs[0], []string{"de", "fr"}},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			hits := 0
			for b.Loop() {
				hits = len(rank(cands, tc.query, tc.langs))
			}
			b.ReportMetric(float64(hits), "hits")
		})
	}
}

// BenchmarkRankSearch ranks 1000 synthetic candidates and highlights all
// hits.
func BenchmarkRankSearch(b *testing.B) { benchmarkRankSearch(b, emnkg.RankSearch) }

// BenchmarkRankSearchLegacy is BenchmarkRankSearch on the implementation
// before optimisation (see search_test.go), for comparison on the same
// machine under the same load.
func BenchmarkRankSearchLegacy(b *testing.B) { benchmarkRankSearch(b, legacyRankSearch) }

// BenchmarkRankSearchPage ranks as BenchmarkRankSearch does but highlights
// only a first page of 20 hits, as the GraphQL search needs.
func BenchmarkRankSearchPage(b *testing.B) {
	c := newSearchCorpus(1)
	cands := c.nodes(emnkg.MaxSearchLimit)
	query := c.queries()[0]
	b.ReportAllocs()
	for b.Loop() {
		emnkg.RankSearchPage(cands, query, nil, 0, 20)
	}
}
