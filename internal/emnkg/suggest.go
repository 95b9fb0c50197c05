package emnkg

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// This file finds glossary terms that a document mentions, to suggest
// USES_TERM relationships to an editor.

// TermSuggestion is a glossary term that a document mentions, with the
// mention that supports it best.
type TermSuggestion struct {
	// TermID is the glossary term's node ID.
	TermID string
	// Language is the language of the label that matched.
	Language string
	// Label is the term's label that matched, as the term spells it.
	Label string
	// Field is the document property the mention is in: title, abstract
	// or text.
	Field string
	// MatchedText is the mention as the document spells it.
	MatchedText string
	// Start and End are the rune offsets of the mention in the field:
	// MatchedText is []rune(field)[Start:End].
	Start, End int
	// Score rates the suggestion in (0, 1); see SuggestTerms.
	Score float64
}

// Weights of the score of a suggestion. They nest: any match of a
// preferred label outscores any match of an alternative label, and for
// the same kind of label any match in the title outscores any in the
// abstract, which outscores any in the text; length decides last.
const (
	scorePrefLabel    = 0.6
	scoreAltLabel     = 0.3
	scoreTitle        = 0.27
	scoreAbstract     = 0.18
	scoreText         = 0.09
	scoreLengthWeight = 0.09
)

// suggestFields are the document properties searched, best first.
var suggestFields = []string{"title", "abstract", "text"}

// SuggestTerms finds the glossary terms that a document mentions in its
// title, abstract and text, and returns one suggestion per term not in
// linked (term IDs already linked to the document).
//
// A term is mentioned where one of its labels (prefLabel_* and
// altLabels_*; hidden labels are not shown to users and are not used)
// occurs as whole words, comparing words folded by FoldText (case and
// accents do not matter) and ignoring the punctuation and spaces between
// them, so "asylum-seeker" mentions "asylum seeker" and "DEMANDEUR D'ASILE"
// mentions "demandeur d’asile". A mention does not run across sentence
// punctuation (. ! ? ; : , brackets, quotes, dashes, line breaks) unless
// the label has punctuation there too, and it does not cut a hyphenated
// compound: "re-entry ban" does not mention "entry ban". There is no
// stemming: "decisions" does not mention "decision". With languages
// given, only labels in those languages count; terms are nodes of kind
// GlossaryTerm (others are ignored).
//
// Where mentions overlap, the longest (in words, then characters) wins and
// the overlapping shorter ones are dropped, whatever their terms: in "the
// return decision", the term "return decision" is mentioned and the term
// "return" is not, even when "return decision" is linked already.
// Mentions of exactly the same words by several terms are all kept.
//
// Each term's suggestion reports its best mention: a preferred label
// before an alternative one, then the title before the abstract before
// the text, then the longer, then the earlier, then a language of the
// document's languages property, then by language code. Its score is the
// sum of a label weight (preferred 0.6, alternative 0.3), a field weight
// (title 0.27, abstract 0.18, text 0.09) and a length weight 0.09·n/(n+1)
// for a label of n words, so it lies in (0, 1) and orders as the
// preferences above. Suggestions come by score, highest first, then by
// term ID.
//
// SuggestTerms indexes the terms' labels first; to check many documents
// against the same terms, build a TermIndex once and call its Suggest.
func SuggestTerms(doc *Node, terms []*Node, languages []string, linked map[string]bool) []TermSuggestion {
	return NewTermIndex(terms, languages).Suggest(doc, linked)
}

// TermIndex is an index of the labels of glossary terms, for finding their
// mentions in documents (see SuggestTerms). It is safe for concurrent use.
type TermIndex struct {
	terms []string // term IDs by index
	// The labels form a trie of words: node 0 is the root, next maps a
	// node and a word to the following node, and labels lists the labels
	// that end at each node.
	next   map[trieStep]int32
	labels [][]*indexedLabel
}

// trieStep is an edge of the trie of label words.
type trieStep struct {
	node int32
	word string
}

// indexedLabel is one label of a term.
type indexedLabel struct {
	term  int
	lang  string
	label string
	pref  bool
	// words is the number of words; breaks[k] tells whether sentence
	// punctuation precedes word k.
	words  int
	breaks []bool
}

// NewTermIndex indexes the preferred and alternative labels of terms, in
// the given languages (all when empty). Terms that are nil, not of kind
// GlossaryTerm, or repeat an earlier ID are skipped.
func NewTermIndex(terms []*Node, languages []string) *TermIndex {
	ix := &TermIndex{next: map[trieStep]int32{}, labels: make([][]*indexedLabel, 1)}
	langOK := func(l string) bool {
		if len(languages) == 0 {
			return true
		}
		for _, want := range languages {
			if l == want {
				return true
			}
		}
		return false
	}
	seen := map[string]bool{}
	f := newFolder()
	for _, t := range terms {
		if t == nil || t.Kind != KindGlossaryTerm || seen[t.ID] {
			continue
		}
		seen[t.ID] = true
		ti := len(ix.terms)
		ix.terms = append(ix.terms, t.ID)
		langs, prefs := LangValues(t.Props, "prefLabel")
		for _, l := range langs {
			if s, ok := prefs[l].(string); ok && langOK(l) {
				ix.add(f, ti, l, s, true)
			}
		}
		langs, alts := LangValues(t.Props, "altLabels")
		for _, l := range langs {
			if list, ok := alts[l].([]string); ok && langOK(l) {
				for _, s := range list {
					ix.add(f, ti, l, s, false)
				}
			}
		}
	}
	return ix
}

func (ix *TermIndex) add(f *folder, term int, lang, label string, pref bool) {
	toks := f.tokenize([]rune(label))
	if len(toks) == 0 {
		return
	}
	node := int32(0)
	breaks := make([]bool, len(toks))
	for i, tok := range toks {
		if i > 0 {
			breaks[i] = tok.breakBefore
		}
		next, ok := ix.next[trieStep{node, tok.word}]
		if !ok {
			next = int32(len(ix.labels))
			ix.labels = append(ix.labels, nil)
			ix.next[trieStep{node, tok.word}] = next
		}
		node = next
	}
	for _, l := range ix.labels[node] {
		if l.term == term && l.lang == lang && l.pref == pref && l.label == label {
			return
		}
	}
	ix.labels[node] = append(ix.labels[node], &indexedLabel{term: term, lang: lang, label: label, pref: pref,
		words: len(toks), breaks: breaks})
}

// mention is one occurrence of a label in a field.
type mention struct {
	field      int // index in suggestFields
	start, end int // token indexes
	runeStart  int
	runeEnd    int
	label      *indexedLabel
}

// Suggest returns the suggestions for doc; see SuggestTerms.
func (ix *TermIndex) Suggest(doc *Node, linked map[string]bool) []TermSuggestion {
	if doc == nil || len(ix.terms) == 0 {
		return nil
	}
	docLangs := map[string]bool{}
	if ls, ok := doc.Props["languages"].([]string); ok {
		for _, l := range ls {
			docLangs[l] = true
		}
	}
	best := map[int]mention{}
	texts := make([][]rune, len(suggestFields))
	for fi, name := range suggestFields {
		s, ok := doc.Props[name].(string)
		if !ok || s == "" {
			continue
		}
		texts[fi] = []rune(s)
		for _, m := range ix.mentions(fi, texts[fi], linked) {
			if b, ok := best[m.label.term]; !ok || betterMention(m, b, docLangs) {
				best[m.label.term] = m
			}
		}
	}
	out := make([]TermSuggestion, 0, len(best))
	for term, m := range best {
		out = append(out, TermSuggestion{
			TermID:      ix.terms[term],
			Language:    m.label.lang,
			Label:       m.label.label,
			Field:       suggestFields[m.field],
			MatchedText: string(texts[m.field][m.runeStart:m.runeEnd]),
			Start:       m.runeStart,
			End:         m.runeEnd,
			Score:       mentionScore(m),
		})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].TermID < out[j].TermID
	})
	return out
}

// mentions finds the label mentions of one field that survive the
// longest-match rule, leaving out linked terms.
func (ix *TermIndex) mentions(field int, text []rune, linked map[string]bool) []mention {
	toks := newFolder().tokenize(text)
	var all []mention
	for i := range toks {
		if toks[i].joinedBefore {
			continue // a mention does not start inside a compound
		}
		node := int32(0)
		spanBreaks := false
		for j := i; j < len(toks); j++ {
			next, ok := ix.next[trieStep{node, toks[j].word}]
			if !ok {
				break
			}
			node = next
			if j > i && toks[j].breakBefore {
				spanBreaks = true
			}
			if len(ix.labels[node]) == 0 || (j+1 < len(toks) && toks[j+1].joinedBefore) {
				continue // no label ends here, or the word goes on with a hyphen
			}
			for _, l := range ix.labels[node] {
				if spanBreaks && !breaksFit(toks[i:j+1], l.breaks) {
					continue
				}
				all = append(all, mention{field: field, start: i, end: j + 1,
					runeStart: toks[i].start, runeEnd: toks[j].end, label: l})
			}
		}
	}
	// Longest first; among equals the earlier; the rest only orders the
	// mentions of one span, which are all kept.
	sort.SliceStable(all, func(a, b int) bool {
		ma, mb := all[a], all[b]
		if la, lb := ma.end-ma.start, mb.end-mb.start; la != lb {
			return la > lb
		}
		if la, lb := ma.runeEnd-ma.runeStart, mb.runeEnd-mb.runeStart; la != lb {
			return la > lb
		}
		return ma.start < mb.start
	})
	covered := make([]bool, len(toks))
	type span struct{ start, end int }
	taken := map[span]bool{}
	kept := all[:0]
	for _, m := range all {
		sp := span{m.start, m.end}
		if !taken[sp] {
			free := true
			for k := m.start; k < m.end; k++ {
				if covered[k] {
					free = false
					break
				}
			}
			if !free {
				continue
			}
			for k := m.start; k < m.end; k++ {
				covered[k] = true
			}
			taken[sp] = true
		}
		// Linked terms take part in the longest-match rule, so that the
		// words of a linked "return decision" do not suggest "return".
		if !linked[ix.terms[m.label.term]] {
			kept = append(kept, m)
		}
	}
	return kept
}

// breaksFit reports whether every sentence break inside a span of text
// words is matched by punctuation in the label at the same place.
func breaksFit(toks []matchToken, labelBreaks []bool) bool {
	for k := 1; k < len(toks); k++ {
		if toks[k].breakBefore && !labelBreaks[k] {
			return false
		}
	}
	return true
}

// betterMention reports whether a is a better mention of its term than b.
func betterMention(a, b mention, docLangs map[string]bool) bool {
	if a.label.pref != b.label.pref {
		return a.label.pref
	}
	if a.field != b.field {
		return a.field < b.field
	}
	if la, lb := a.end-a.start, b.end-b.start; la != lb {
		return la > lb
	}
	if la, lb := a.runeEnd-a.runeStart, b.runeEnd-b.runeStart; la != lb {
		return la > lb
	}
	if a.runeStart != b.runeStart {
		return a.runeStart < b.runeStart
	}
	if da, db := docLangs[a.label.lang], docLangs[b.label.lang]; da != db {
		return da
	}
	if a.label.lang != b.label.lang {
		return a.label.lang < b.label.lang
	}
	return a.label.label < b.label.label
}

func mentionScore(m mention) float64 {
	s := scoreAltLabel
	if m.label.pref {
		s = scorePrefLabel
	}
	switch suggestFields[m.field] {
	case "title":
		s += scoreTitle
	case "abstract":
		s += scoreAbstract
	default:
		s += scoreText
	}
	n := float64(m.label.words)
	return s + scoreLengthWeight*n/(n+1)
}

// matchToken is one word of a text, folded for matching.
type matchToken struct {
	word       string
	start, end int // rune offsets
	// breakBefore tells whether sentence punctuation separates the word
	// from the one before; joinedBefore whether a hyphen alone does.
	breakBefore  bool
	joinedBefore bool
}

// isMatchWordRune reports whether r belongs to a word: letters, digits
// and combining marks.
func isMatchWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.In(r, unicode.Mn, unicode.Mc, unicode.Me)
}

// isSentenceBreak reports whether r separates phrases: a mention does not
// run across it unless its label does.
func isSentenceBreak(r rune) bool {
	switch r {
	case '\'', '\u2019', '\u02bc': // apostrophes: "d'asile"
		return false
	case '.', '!', '?', ';', ':', ',', '…', '–', '—', '\n', '\r', '\u2028', '\u2029':
		return true
	}
	return unicode.In(r, unicode.Ps, unicode.Pe, unicode.Pi, unicode.Pf, unicode.Quotation_Mark)
}

// isHyphen reports whether r is a hyphen that joins compound words.
func isHyphen(r rune) bool { return r == '-' || r == '\u2010' || r == '\u2011' }

// folder folds words, remembering the words it folded before: texts
// repeat their words, and folding is costly.
type folder struct {
	cache map[string]string
	buf   []rune
}

func newFolder() *folder { return &folder{cache: map[string]string{}} }

// tokenize splits text into folded words with their rune offsets.
func (f *folder) tokenize(rs []rune) []matchToken {
	var toks []matchToken
	brk, gap := false, 0
	hyphen := false
	for i := 0; i < len(rs); {
		if !isMatchWordRune(rs[i]) {
			if isSentenceBreak(rs[i]) {
				brk = true
			}
			hyphen = isHyphen(rs[i])
			gap++
			i++
			continue
		}
		j := i
		for j < len(rs) && isMatchWordRune(rs[j]) {
			j++
		}
		w := f.fold(rs[i:j])
		if w == "" {
			i = j
			continue
		}
		toks = append(toks, matchToken{word: w, start: i, end: j, breakBefore: brk,
			joinedBefore: len(toks) > 0 && gap == 1 && hyphen})
		brk, gap, hyphen = false, 0, false
		i = j
	}
	return toks
}

// fold folds one word as FoldText does (decompose, drop nonspacing marks,
// recompose, lower-case), and writes the Greek final sigma as a plain
// sigma, since upper case does not tell them apart.
func (f *folder) fold(rs []rune) string {
	s := string(rs)
	if w, ok := f.cache[s]; ok {
		return w
	}
	ascii := true
	for _, r := range rs {
		if r >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	var w string
	if ascii {
		w = strings.ToLower(s)
	} else {
		f.buf = f.buf[:0]
		for _, r := range norm.NFD.String(s) {
			if !unicode.Is(unicode.Mn, r) {
				f.buf = append(f.buf, r)
			}
		}
		w = strings.ReplaceAll(strings.ToLower(norm.NFC.String(string(f.buf))), "ς", "σ")
	}
	f.cache[s] = w
	return w
}
