package emnkg_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/emnkg/emnkg/internal/seed"
)

// term builds a glossary term from key, value pairs.
func term(id string, kv ...any) *emnkg.Node {
	return &emnkg.Node{ID: id, Kind: emnkg.KindGlossaryTerm, Props: props(kv...)}
}

// document builds a document with a title, an abstract and a text ("" for
// none).
func document(title, abstract, text string) *emnkg.Node {
	p := map[string]any{}
	for k, v := range map[string]string{"title": title, "abstract": abstract, "text": text} {
		if v != "" {
			p[k] = v
		}
	}
	return &emnkg.Node{ID: "doc", Kind: emnkg.KindDocument, Props: p}
}

// summarize renders suggestions as "term/lang/field:matched", in order.
func summarize(tb testing.TB, doc *emnkg.Node, got []emnkg.TermSuggestion) []string {
	tb.Helper()
	var out []string
	for _, s := range got {
		checkSuggestion(tb, doc, s)
		out = append(out, fmt.Sprintf("%s/%s/%s:%s", s.TermID, s.Language, s.Field, s.MatchedText))
	}
	return out
}

// checkSuggestion checks the invariants of a suggestion.
func checkSuggestion(tb testing.TB, doc *emnkg.Node, s emnkg.TermSuggestion) {
	tb.Helper()
	field := []rune(doc.String(s.Field))
	if s.Start < 0 || s.End > len(field) || s.Start >= s.End {
		tb.Fatalf("%+v: offsets outside the field of %d runes", s, len(field))
	}
	if got := string(field[s.Start:s.End]); got != s.MatchedText {
		tb.Errorf("%+v: field[Start:End] = %q, not MatchedText", s, got)
	}
	if s.Score <= 0 || s.Score > 1 {
		tb.Errorf("%+v: score outside (0, 1]", s)
	}
	if s.Label == "" || s.Language == "" {
		tb.Errorf("%+v: no label or language", s)
	}
}

var glossary = []*emnkg.Node{
	term("return", "prefLabel_en", "return", "prefLabel_de", "Rückkehr", "prefLabel_fr", "retour",
		"altLabels_en", []string{"returning"}),
	term("return-decision", "prefLabel_en", "return decision", "prefLabel_de", "Rückkehrentscheidung",
		"altLabels_de", []string{"Rückführungsentscheidung"}, "altLabels_en", []string{"decision to return"},
		"hiddenLabels_en", []string{"retrun decision"}),
	term("entry-ban", "prefLabel_en", "entry ban", "altLabels_en", []string{"re-entry ban"},
		"prefLabel_fr", "interdiction d’entrée"),
	term("asylum-seeker", "prefLabel_en", "asylum seeker", "prefLabel_fr", "demandeur d’asile",
		"prefLabel_el", "αιτών άσυλο", "altLabels_el", []string{"αναζητών άσυλο"}),
	term("refugee", "prefLabel_en", "refugee", "prefLabel_fr", "réfugié", "prefLabel_el", "πρόσφυγας"),
	term("tcn", "prefLabel_en", "third-country national", "altLabels_en", []string{"TCN"}),
	term("applicant", "prefLabel_en", "applicant", "prefLabel_mt", "Applikant(a) għall-ażil"),
	term("sponsor", "prefLabel_en", "sponsor", "prefLabel_fr", "sponsor"),
	term("eu-sponsor", "prefLabel_en", "EU sponsor"),
	term("voluntary-departure", "prefLabel_en", "voluntary departure"),
	term("departure", "prefLabel_en", "departure"),
	term("international-protection", "prefLabel_en", "international protection"),
	term("protection-status", "prefLabel_en", "protection status"),
}

func TestSuggestTerms(t *testing.T) {
	for _, tc := range []struct {
		name      string
		doc       *emnkg.Node
		languages []string
		linked    []string
		want      []string
	}{
		{"nothing", document("Annual report", "", ""), nil, nil, nil},
		{"one word", document("The right of return", "", ""), nil, nil,
			[]string{"return/en/title:return"}},
		{"longest wins", document("", "", "The return decision was issued."), nil, nil,
			[]string{"return-decision/en/text:return decision"}},
		{"longest wins, shorter elsewhere", document("", "", "A return decision precedes the return."), nil, nil,
			[]string{"return-decision/en/text:return decision", "return/en/text:return"}},
		{"linked term still claims its words", document("", "", "The return decision was issued."), nil,
			[]string{"return-decision"}, nil},
		{"linked excluded", document("Return and entry bans", "", "An entry ban."), nil, []string{"return"},
			[]string{"entry-ban/en/text:entry ban"}},
		{"whole words only", document("Returned returnees", "", "returning"), nil, nil,
			[]string{"return/en/text:returning"}},
		{"no stemming", document("Return decisions", "", ""), nil, nil, []string{"return/en/title:Return"}},
		{"German compound", document("Die Rückkehrentscheidung", "", ""), nil, nil,
			[]string{"return-decision/de/title:Rückkehrentscheidung"}},
		{"German word", document("Rückkehr und Rückkehrentscheidung", "", ""), nil, nil,
			[]string{"return/de/title:Rückkehr", "return-decision/de/title:Rückkehrentscheidung"}},
		{"case and accents", document("RUCKKEHRENTSCHEIDUNG", "", ""), nil, nil,
			[]string{"return-decision/de/title:RUCKKEHRENTSCHEIDUNG"}},
		{"accents added", document("", "", "Un réfugiê"), nil, nil, []string{"refugee/fr/text:réfugiê"}},
		{"decomposed accents", document("", "", "Le re\u0301fugie\u0301 arrive"), nil, nil,
			[]string{"refugee/fr/text:re\u0301fugie\u0301"}},
		{"apostrophes", document("", "", "Le DEMANDEUR D'ASILE attend."), nil, nil,
			[]string{"asylum-seeker/fr/text:DEMANDEUR D'ASILE"}},
		{"Greek final sigma", document("ΠΡΟΣΦΥΓΑΣ", "", ""), nil, nil, []string{"refugee/el/title:ΠΡΟΣΦΥΓΑΣ"}},
		{"Greek accents", document("", "Ο αιτων ασυλο", ""), nil, nil,
			[]string{"asylum-seeker/el/abstract:αιτων ασυλο"}},
		{"hyphen matches space", document("Third country nationals and a third country national", "", ""), nil, nil,
			[]string{"tcn/en/title:third country national"}},
		{"space matches hyphen", document("Asylum-seeker", "", ""), nil, nil,
			[]string{"asylum-seeker/en/title:Asylum-seeker"}},
		{"compound not cut", document("A re-entry ban", "", ""), nil, nil,
			[]string{"entry-ban/en/title:re-entry ban"}},
		{"compound not cut at end", document("Return-related costs; return-", "", ""), nil, nil,
			[]string{"return/en/title:return"}},
		{"no match across a full stop", document("", "", "Asylum. Seeker"), nil, nil, nil},
		{"no match across a comma", document("", "", "return, decision-making"), nil, nil,
			[]string{"return/en/text:return"}},
		{"no match across brackets", document("", "", "asylum (seeker)"), nil, nil, nil},
		{"label punctuation", document("", "", "Applikant(a) għall-ażil"), nil, nil,
			[]string{"applicant/mt/text:Applikant(a) għall-ażil"}},
		{"label punctuation loosely", document("", "", "applikant a GĦALL azil"), nil, nil,
			[]string{"applicant/mt/text:applikant a GĦALL azil"}},
		{"spaces and line breaks inside", document("", "", "asylum\u00a0 seeker and international\nprotection"),
			nil, nil, []string{"asylum-seeker/en/text:asylum\u00a0 seeker"}},
		{"equal overlap: earlier wins", document("international protection status", "", ""), nil, nil,
			[]string{"international-protection/en/title:international protection"}},
		{"same words, two terms", document("A sponsor", "", ""), nil, nil,
			[]string{"sponsor/en/title:sponsor"}},
		{"longer label of other term", document("The EU sponsor", "", ""), nil, nil,
			[]string{"eu-sponsor/en/title:EU sponsor"}},
		{"languages restrict", document("Return and Rückkehr", "", ""), []string{"de"}, nil,
			[]string{"return/de/title:Rückkehr"}},
		{"languages restrict all out", document("Return", "", ""), []string{"fr"}, nil, nil},
		{"preferred over alternative", document("Returning", "", "The return."), nil, nil,
			[]string{"return/en/text:return"}},
		{"title over abstract over text", document("x return", "return", "return"), nil, nil,
			[]string{"return/en/title:return"}},
		{"abstract over text", document("x", "and return", "return"), nil, nil,
			[]string{"return/en/abstract:return"}},
		{"longer label of same term", document("", "", "a decision to return, a return decision"), nil, nil,
			[]string{"return-decision/en/text:return decision"}},
		{"earlier wins", document("", "", "Return here, return there"), nil, nil,
			[]string{"return/en/text:Return"}},
		{"hidden labels unused", document("retrun decision", "", ""), nil, nil, nil},
		{"order by score then ID", document("Voluntary departure of a refugee", "sponsor", ""), nil, nil,
			[]string{"voluntary-departure/en/title:Voluntary departure", "refugee/en/title:refugee",
				"sponsor/en/abstract:sponsor"}},
		{"digits and offsets after wide runes", document("𝔘𝔫𝔦 🙂 return", "", ""), nil, nil,
			[]string{"return/en/title:return"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			linked := map[string]bool{}
			for _, id := range tc.linked {
				linked[id] = true
			}
			got := summarize(t, tc.doc, emnkg.SuggestTerms(tc.doc, glossary, tc.languages, linked))
			if !slices.Equal(got, tc.want) {
				t.Errorf("suggestions =\n  %v\nwant\n  %v", got, tc.want)
			}
		})
	}
}

func TestSuggestTermsDetails(t *testing.T) {
	doc := document("Ärger: the Rückkehrentscheidung", "", "")
	doc.Props["languages"] = []string{"fr"}
	got := emnkg.SuggestTerms(doc, glossary, nil, nil)
	want := []emnkg.TermSuggestion{{TermID: "return-decision", Language: "de", Label: "Rückkehrentscheidung",
		Field: "title", MatchedText: "Rückkehrentscheidung", Start: 11, End: 31, Score: 0.6 + 0.27 + 0.045}}
	if len(got) != 1 || got[0].Score-want[0].Score > 1e-9 || want[0].Score-got[0].Score > 1e-9 {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	got[0].Score = want[0].Score
	if got[0] != want[0] {
		t.Errorf("got %+v, want %+v", got[0], want[0])
	}

	// The same label in two languages: the document's language wins, then
	// the language code.
	sponsorDoc := document("sponsor", "", "")
	if got := emnkg.SuggestTerms(sponsorDoc, glossary, nil, nil); len(got) != 1 || got[0].Language != "en" {
		t.Errorf("without document languages: %+v, want en", got)
	}
	sponsorDoc.Props["languages"] = []string{"fr"}
	if got := emnkg.SuggestTerms(sponsorDoc, glossary, nil, nil); len(got) != 1 || got[0].Language != "fr" {
		t.Errorf("with document language fr: %+v, want fr", got)
	}

	// Scores nest: any preferred label outscores any alternative one, and
	// the title any abstract.
	pt := emnkg.SuggestTerms(document("", "", "return"), glossary, nil, nil)[0].Score
	at := emnkg.SuggestTerms(document("returning", "", ""), glossary, nil, nil)[0].Score
	if !(pt > at) {
		t.Errorf("preferred label in text %v <= alternative label in title %v", pt, at)
	}
	ta := emnkg.SuggestTerms(document("return", "", ""), glossary, nil, nil)[0].Score
	ab := emnkg.SuggestTerms(document("", "return decision to return", ""), glossary, nil, nil)[0].Score
	if !(ta > ab) {
		t.Errorf("title %v <= abstract %v", ta, ab)
	}
}

func TestSuggestTermsEdgeCases(t *testing.T) {
	if got := emnkg.SuggestTerms(nil, glossary, nil, nil); got != nil {
		t.Errorf("nil document: %v", got)
	}
	if got := emnkg.SuggestTerms(document("return", "", ""), nil, nil, nil); len(got) != 0 {
		t.Errorf("no terms: %v", got)
	}
	odd := []*emnkg.Node{
		nil,
		{ID: "org", Kind: emnkg.KindOrganisation, Props: props("name", "return", "prefLabel_en", "return")},
		term("empty", "prefLabel_en", "", "altLabels_en", []string{" ", "--"}),
		term("dup", "prefLabel_en", "return"),
		term("dup", "prefLabel_en", "departure"),
		term("wrong-types", "prefLabel_en", []string{"return"}, "altLabels_en", "return"),
	}
	got := summarize(t, document("return departure", "", ""), emnkg.SuggestTerms(document("return departure", "", ""),
		odd, nil, nil))
	if want := []string{"dup/en/title:return"}; !slices.Equal(got, want) {
		t.Errorf("odd terms: %v, want %v", got, want)
	}
	onlyShort := []*emnkg.Node{term("eb", "prefLabel_en", "entry ban"), term("ret", "prefLabel_en", "return")}
	for _, title := range []string{"A re-entry ban", "Entry ban-related rules", "return-oriented"} {
		if got := emnkg.SuggestTerms(document(title, "", ""), onlyShort, nil, nil); len(got) != 0 {
			t.Errorf("%q: a compound was cut: %+v", title, got)
		}
	}
	ix := emnkg.NewTermIndex(glossary, nil)
	doc := document("A return decision", "", "")
	first := ix.Suggest(doc, nil)
	if again := ix.Suggest(doc, nil); !slices.Equal(first, again) {
		t.Errorf("index reuse: %v then %v", first, again)
	}
}

// TestSuggestTermsSeed checks that the suggestions find every term the
// seed links to a document by matching its title.
func TestSuggestTermsSeed(t *testing.T) {
	g, err := seed.Graph()
	if err != nil {
		t.Fatal(err)
	}
	nodes := map[string]*emnkg.Node{}
	var terms []*emnkg.Node
	for _, n := range g.Nodes {
		nodes[n.ID] = n
		if n.Kind == emnkg.KindGlossaryTerm {
			terms = append(terms, n)
		}
	}
	ix := emnkg.NewTermIndex(terms, []string{"en"})
	derived := 0
	for _, e := range g.Edges {
		if e.Type != emnkg.RelUsesTerm || e.Props["method"] != "derived-title-match" {
			continue
		}
		derived++
		doc := nodes[e.From]
		var found *emnkg.TermSuggestion
		for _, s := range ix.Suggest(doc, nil) {
			checkSuggestion(t, doc, s)
			if s.TermID == e.To {
				found = &s
			}
		}
		if found == nil || found.Field != "title" {
			t.Errorf("%s: term %s not suggested from the title %q (got %+v)", doc.ID, e.To, doc.String("title"), found)
		}
		if got := ix.Suggest(doc, map[string]bool{e.To: true}); slices.ContainsFunc(got,
			func(s emnkg.TermSuggestion) bool { return s.TermID == e.To }) {
			t.Errorf("%s: linked term %s suggested", doc.ID, e.To)
		}
	}
	if derived == 0 {
		t.Fatal("the seed has no derived USES_TERM relationships")
	}
}

// bigGlossary makes n terms of two to four words in three languages, from
// a vocabulary of w words.
func bigGlossary(tb testing.TB, n, w int) ([]*emnkg.Node, []string) {
	tb.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	vocab := make([]string, w)
	for i := range vocab {
		vocab[i] = fmt.Sprintf("wörd%dx", i)
	}
	phrase := func() string {
		k := 2 + r.IntN(3)
		ws := make([]string, k)
		for i := range ws {
			ws[i] = vocab[r.IntN(w)]
		}
		return strings.Join(ws, " ")
	}
	terms := make([]*emnkg.Node, n)
	for i := range terms {
		terms[i] = term(fmt.Sprintf("t%05d", i), "prefLabel_en", phrase(), "prefLabel_de", phrase(),
			"prefLabel_fr", phrase(), "altLabels_en", []string{phrase(), phrase()})
	}
	return terms, vocab
}

func bigText(tb testing.TB, vocab []string, words int) string {
	tb.Helper()
	r := rand.New(rand.NewPCG(3, 4))
	var b strings.Builder
	for i := 0; i < words; i++ {
		b.WriteString(vocab[r.IntN(len(vocab))])
		if r.IntN(12) == 0 {
			b.WriteString(". ")
		} else {
			b.WriteString(" ")
		}
	}
	return b.String()
}

func TestSuggestTermsScales(t *testing.T) {
	if testing.Short() {
		t.Skip("large input")
	}
	terms, vocab := bigGlossary(t, 5000, 400)
	text := bigText(t, vocab, 12000)
	doc := document("title", "abstract", text)
	start := time.Now()
	got := emnkg.SuggestTerms(doc, terms, nil, nil)
	elapsed := time.Since(start)
	if len(got) == 0 {
		t.Fatal("no suggestions in a large random text")
	}
	for _, s := range got[:min(len(got), 50)] {
		checkSuggestion(t, doc, s)
	}
	if !slices.IsSortedFunc(got, func(a, b emnkg.TermSuggestion) int {
		if a.Score != b.Score {
			if a.Score > b.Score {
				return -1
			}
			return 1
		}
		return strings.Compare(a.TermID, b.TermID)
	}) {
		t.Error("suggestions not ordered by score, then term ID")
	}
	// Generous, to stay reliable under -race on a busy machine: the work is
	// linear in the labels and the text (about 0.2 s without -race), where
	// a scan of the text per label would take minutes.
	if elapsed > 30*time.Second {
		t.Errorf("5000 terms against %d runes took %v", len([]rune(text)), elapsed)
	}
	t.Logf("%d suggestions from %d terms and %d runes in %v", len(got), len(terms), len([]rune(text)), elapsed)
}

func BenchmarkSuggestTerms(b *testing.B) {
	terms, vocab := bigGlossary(b, 5000, 400)
	doc := document("title", "abstract", bigText(b, vocab, 12000))
	ix := emnkg.NewTermIndex(terms, nil)
	b.Run("index", func(b *testing.B) {
		for b.Loop() {
			emnkg.NewTermIndex(terms, nil)
		}
	})
	b.Run("suggest", func(b *testing.B) {
		for b.Loop() {
			ix.Suggest(doc, nil)
		}
	})
}
