package emnkg_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// FuzzSearchText feeds arbitrary queries and texts to the search parsers:
// folding, tokenising, ranking and highlighting never panic, tokens are
// non-empty words, and snippets are valid UTF-8 with balanced marks.
func FuzzSearchText(f *testing.F) {
	f.Add("Rückkehr", "Rückkehrentscheidung und Rückkehr")
	f.Add("retour <b>", "décision de retour & <script>")
	f.Add("\xff\xfe", "a\u0301\u0301b")
	f.Fuzz(func(t *testing.T, q, text string) {
		for _, tok := range emnkg.Tokenize(q) {
			if tok == "" {
				t.Fatalf("empty token from %q", q)
			}
		}
		n := &emnkg.Node{ID: "x", Kind: emnkg.KindDocument, Props: map[string]any{"title": text}}
		for _, h := range emnkg.RankSearch([]*emnkg.Node{n}, q, nil) {
			if !utf8.ValidString(h.Snippet) && utf8.ValidString(text) {
				t.Fatalf("invalid snippet %q", h.Snippet)
			}
			if strings.Count(h.Snippet, "<mark>") != strings.Count(h.Snippet, "</mark>") {
				t.Fatalf("unbalanced marks in %q", h.Snippet)
			}
		}
		_ = emnkg.SearchWordsOf(n)
	})
}

// FuzzValidateNodeFields feeds arbitrary values of formatted fields to the
// validator: it never panics and reports problems as EINVALID.
func FuzzValidateNodeFields(f *testing.F) {
	f.Add("32008D0381", "http://data.europa.eu/eli/reg/2021/1147/oj", "2014-04-16", "de")
	f.Add("not-a-celex", "ftp://x", "2014-02-30", "x'y")
	f.Fuzz(func(t *testing.T, celex, eli, date, lang string) {
		props := map[string]any{"title": "t", "celex": celex, "eli": eli, "date": date}
		for _, e := range emnkg.ValidateNodeFields(emnkg.KindDocument, props) {
			if e.Code != emnkg.EINVALID {
				t.Fatalf("code %s", e.Code)
			}
		}
		term := map[string]any{"prefLabel_en": "x"}
		if len(lang) <= 3 {
			term["prefLabel_"+lang] = "y"
		}
		_ = emnkg.ValidateNodeFields(emnkg.KindGlossaryTerm, term)
	})
}
