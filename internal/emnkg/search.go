package emnkg

import (
	"html"
	"sort"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// FoldText lowercases s and strips diacritics ("Rückkehr" → "ruckkehr"), so
// that search is case- and accent-insensitive in every store alike.
func FoldText(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	return strings.ToLower(out)
}

// Tokenize splits folded text into words of letters and digits.
func Tokenize(s string) []string {
	return strings.FieldsFunc(FoldText(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// searchField is a searchable property and its weight in ranking.
type searchField struct {
	name         string
	multilingual bool
	weight       float64
}

var searchFields = []searchField{
	{"prefLabel", true, 3}, {"name", false, 3}, {"title", false, 3}, {"acronym", false, 3},
	{"altLabels", true, 2}, {"hiddenLabels", true, 2}, {"celex", false, 2},
	{"definition", true, 1}, {"abstract", false, 1}, {"description", false, 1}, {"scopeNote", true, 1},
	{"publisher", false, 0.5},
}

// SearchTexts returns the searchable texts of a node by property key (list
// values joined by " | ").
func SearchTexts(n *Node) map[string]string {
	out := map[string]string{}
	for key, v := range n.Props {
		if _, ok := searchWeight(key); !ok {
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

// SearchDocument returns the folded words of all searchable texts of n,
// space-separated: what a store indexes for SearchCandidates.
func SearchDocument(n *Node) string {
	texts := SearchTexts(n)
	keys := make([]string, 0, len(texts))
	for k := range texts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var words []string
	for _, k := range keys {
		words = append(words, Tokenize(texts[k])...)
	}
	return strings.Join(words, " ")
}

// searchWeight returns the ranking weight of a property key and whether it
// is searchable at all.
func searchWeight(key string) (float64, bool) {
	for _, f := range searchFields {
		if !f.multilingual && key == f.name {
			return f.weight, true
		}
		if f.multilingual && strings.HasPrefix(key, f.name+"_") && langSuffix.MatchString(key[len(f.name)+1:]) {
			return f.weight, true
		}
	}
	return 0, false
}

// keyLanguage returns the language of a multilingual key, or "".
func keyLanguage(key string) string {
	i := strings.LastIndexByte(key, '_')
	if i < 0 || !langSuffix.MatchString(key[i+1:]) {
		return ""
	}
	return key[i+1:]
}

// SearchHit is one ranked search result.
type SearchHit struct {
	Node  *Node
	Score float64
	// Field is the property key that matched best, e.g. prefLabel_de.
	Field string
	// Snippet is the matched text, HTML-escaped, with the matched words in
	// <mark> elements, shortened around the first match.
	Snippet string
}

// RankSearch scores candidates against the query words and returns the
// hits, best first (ties by ID). A candidate is a hit when every query
// word starts a word of one of its searchable texts; with languages given,
// multilingual texts in other languages do not count. An exact word match
// scores twice a prefix match; fields weigh by importance.
func RankSearch(candidates []*Node, query string, languages []string) []SearchHit {
	tokens := Tokenize(query)
	if len(tokens) == 0 {
		return nil
	}
	langOK := func(key string) bool {
		l := keyLanguage(key)
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
	var hits []SearchHit
	for _, n := range candidates {
		texts := SearchTexts(n)
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
				w, _ := searchWeight(k)
				for _, word := range Tokenize(texts[k]) {
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
			w, _ := searchWeight(k)
			fs := 0.0
			words := Tokenize(texts[k])
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
			// Shorter texts that match as well are better evidence.
			if fs > 0 {
				fs += 1 / float64(len(words)+1)
			}
			if fs > bestScore {
				bestField, bestScore = k, fs
			}
		}
		hits = append(hits, SearchHit{Node: n, Score: score + bestScore/10, Field: bestField,
			Snippet: Highlight(texts[bestField], tokens)})
	}
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].Score != hits[j].Score {
			return hits[i].Score > hits[j].Score
		}
		return hits[i].Node.ID < hits[j].Node.ID
	})
	return hits
}

// snippetRunes is the length a snippet is shortened to.
const snippetRunes = 200

// Highlight HTML-escapes text and wraps the words that a token starts in
// <mark> elements, shortening long text around the first match.
func Highlight(text string, tokens []string) string {
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
		word := FoldText(string(rs[i:j]))
		for _, tok := range tokens {
			if strings.HasPrefix(word, tok) {
				spans = append(spans, span{i, j})
				break
			}
		}
		i = j
	}
	from, to := 0, len(rs)
	if len(rs) > snippetRunes {
		if len(spans) > 0 {
			from = max(0, spans[0].start-snippetRunes/4)
		}
		to = min(len(rs), from+snippetRunes)
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
