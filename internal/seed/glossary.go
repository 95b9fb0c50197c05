package seed

import (
	"sort"
	"strings"
	"unicode"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// buildGlossary adds the glossary terms with their labels and definitions,
// and BROADER and RELATED relationships between terms of the data.
func (s *seeder) buildGlossary() {
	terms := map[string]*termRec{}
	for i := range s.glossary.Terms {
		t := &s.glossary.Terms[i]
		terms[t.ID] = t
		if t.Source.URL == "" {
			s.fail("term %s has no source URL", t.ID)
		}
		// The label source, when there is one, is among the term's sources.
		var labelSource []string
		if t.LabelSource != nil {
			labelSource = []string{t.LabelSource.URL}
		}
		p := src(t.Source.URL, labelSource).str("scheme", s.glossary.Scheme.ID).
			str("sourceTitle", t.Source.Title).str("sourceUrl", t.Source.URL).str("sourceCelex", t.Source.CELEX)
		var langs []string
		for lang, label := range t.PrefLabel {
			s.checkLang(t.ID, lang)
			if label != "" {
				p[emnkg.LangKey("prefLabel", lang)] = label
				langs = append(langs, lang)
			}
		}
		sort.Strings(langs)
		p.list("languages", langs)
		for lang, labels := range t.AltLabels {
			s.checkLang(t.ID, lang)
			p.list(emnkg.LangKey("altLabels", lang), labels)
		}
		for lang, def := range t.Definition {
			s.checkLang(t.ID, lang)
			p.str(emnkg.LangKey("definition", lang), def)
		}
		var notes []string
		if lb := t.Source.LegalBasis; lb != nil {
			n := "Legal basis of the definition (per its source): " + strings.TrimSuffix(lb.Citation, ".")
			if len(lb.CELEX) > 0 {
				n += " (CELEX " + strings.Join(lb.CELEX, ", ") + ")"
			}
			notes = append(notes, n+".")
		}
		if ls := t.LabelSource; ls != nil {
			p.str("labelSourceTitle", ls.Title).str("labelSourceUrl", ls.URL)
			if ls.Note != "" {
				notes = append(notes, "Label source: "+ls.Note)
			}
		}
		p.str("note", strings.Join(notes, " "))
		s.addNode(t.ID, emnkg.KindGlossaryTerm, p)
	}
	for i := range s.glossary.Terms {
		t := &s.glossary.Terms[i]
		rec := src(t.Source.URL)
		link := func(from string, rt emnkg.RelType, to string) {
			if terms[from] == nil || terms[to] == nil {
				s.fail("term %s: %s %s -> %s names a term not in the data", t.ID, rt, from, to)
				return
			}
			if from == to {
				s.fail("term %s: %s to itself", t.ID, rt)
				return
			}
			s.edge(from, rt, to, "", rec)
		}
		for _, b := range t.Broader {
			link(t.ID, emnkg.RelBroader, b)
		}
		for _, n := range t.Narrower {
			link(n, emnkg.RelBroader, t.ID)
		}
		for _, r := range t.Related {
			link(t.ID, emnkg.RelRelated, r) // s.edge orders symmetric pairs
		}
	}
}

func (s *seeder) checkLang(term, lang string) {
	if !emnkg.ValidLanguage(lang) {
		s.fail("term %s: invalid language code %q", term, lang)
	}
}

const (
	usesTermMethod = "derived-title-match"
	usesTermNote   = "Term label found in the document title."
)

// termLabel is one English label of a term, lower-cased, as runes.
type termLabel struct {
	runes []rune
	term  string
}

// buildTermUses derives USES_TERM relationships: a document uses a term
// when its title contains one of the term's English labels (preferred or
// alternative) as whole words, ignoring case. Where labels overlap in a
// title, the longest match wins.
func (s *seeder) buildTermUses() {
	var labels []termLabel
	for i := range s.glossary.Terms {
		t := &s.glossary.Terms[i]
		all := append([]string{t.PrefLabel["en"]}, t.AltLabels["en"]...)
		for _, l := range all {
			if strings.TrimSpace(l) != "" {
				labels = append(labels, termLabel{runes: lowerRunes(l), term: t.ID})
			}
		}
	}
	var docs []*emnkg.Node
	for _, n := range s.nodes {
		if n.Kind == emnkg.KindDocument {
			docs = append(docs, n)
		}
	}
	sort.Slice(docs, func(i, j int) bool { return docs[i].ID < docs[j].ID })
	for _, d := range docs {
		add, _ := d.Props["additionalSources"].([]string)
		for _, term := range matchTerms(d.String("title"), labels) {
			s.edge(d.ID, emnkg.RelUsesTerm, term, "", src(d.String("source"), add).
				str("method", usesTermMethod).str("note", usesTermNote))
		}
	}
}

// matchTerms returns the terms whose labels occur in title as whole words,
// longest matches first claiming their span, in order of first occurrence.
func matchTerms(title string, labels []termLabel) []string {
	text := lowerRunes(title)
	type span struct {
		start, end int
		term       string
	}
	var spans []span
	for _, l := range labels {
		n := len(l.runes)
		for i := 0; i+n <= len(text); i++ {
			if !equalRunes(text[i:i+n], l.runes) {
				continue
			}
			if i > 0 && isWordRune(text[i-1]) || i+n < len(text) && isWordRune(text[i+n]) {
				continue
			}
			spans = append(spans, span{i, i + n, l.term})
		}
	}
	sort.SliceStable(spans, func(i, j int) bool {
		li, lj := spans[i].end-spans[i].start, spans[j].end-spans[j].start
		if li != lj {
			return li > lj
		}
		if spans[i].start != spans[j].start {
			return spans[i].start < spans[j].start
		}
		return spans[i].term < spans[j].term
	})
	var taken []span
	for _, sp := range spans {
		free := true
		for _, t := range taken {
			if sp.start < t.end && t.start < sp.end {
				free = false
				break
			}
		}
		if free {
			taken = append(taken, sp)
		}
	}
	sort.Slice(taken, func(i, j int) bool { return taken[i].start < taken[j].start })
	var out []string
	seen := map[string]bool{}
	for _, t := range taken {
		if !seen[t.term] {
			seen[t.term] = true
			out = append(out, t.term)
		}
	}
	return out
}

// isWordRune reports whether r belongs to a word: letters, digits and the
// hyphen of compounds ("re-entry ban" does not contain the word "entry").
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-'
}

func lowerRunes(s string) []rune {
	rs := []rune(s)
	for i, r := range rs {
		rs[i] = unicode.ToLower(r)
	}
	return rs
}

func equalRunes(a, b []rune) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
