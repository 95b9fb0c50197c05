package emnkg

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Folding.
//
// FoldText is defined as: decompose (NFD), drop the nonspacing marks (Mn),
// recompose (NFC), lower-case. Search folds every word of up to a thousand
// candidates per query, so it folds rune by rune where that is known to
// give the same result (foldRune), and falls back to the full definition
// (foldTextSlow) for the rare texts where it is not.

// FoldText lowercases s and strips diacritics ("Rückkehr" → "ruckkehr"), so
// that search is case- and accent-insensitive in every store alike.
func FoldText(s string) string {
	if isASCII(s) {
		return strings.ToLower(s)
	}
	if out, ok := foldRunes(make([]byte, 0, len(s)), s); ok {
		return string(out)
	}
	return foldTextSlow(s)
}

// foldTextSlow folds s as FoldText is defined, with a full Unicode
// normalisation.
func foldTextSlow(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	return strings.ToLower(out)
}

// foldRunes appends the folded s to dst rune by rune (see foldRune). It
// reports false when s is not valid UTF-8 or holds a rune that folds only
// in context; dst then holds a part of the result.
func foldRunes(dst []byte, s string) ([]byte, bool) {
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			dst = append(dst, asciiLower(b))
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		f := lookupFold(r, size)
		if f&foldOK == 0 {
			return dst, false
		}
		if f&foldKeep != 0 {
			dst = utf8.AppendRune(dst, f.rune())
		}
	}
	return dst, true
}

// runeFold is how a non-ASCII rune folds on its own (see foldRune): the
// folded rune in the low 21 bits and flags.
type runeFold uint32

const (
	// foldOK marks runes that fold on their own.
	foldOK runeFold = 1 << (21 + iota)
	// foldKeep marks runes that do not fold to nothing.
	foldKeep
	// foldWord marks runes that fold to a letter or digit.
	foldWord

	foldRuneMask runeFold = 1<<21 - 1
)

// rune returns the folded rune.
func (f runeFold) rune() rune { return rune(f & foldRuneMask) }

// foldTable holds how the two-byte runes (U+0080 to U+07FF: Latin,
// Greek, Cyrillic, Armenian and more) fold on their own, from U+0080 on.
var foldTable = func() *[0x800 - 0x80]runeFold {
	var t [0x800 - 0x80]runeFold
	for i := range t {
		t[i] = foldRune(rune(i + 0x80))
	}
	return &t
}()

// lookupFold returns how non-ASCII r (of UTF-8 length size) folds on its
// own.
func lookupFold(r rune, size int) runeFold {
	if size == 2 {
		return foldTable[r-0x80]
	}
	if r == utf8.RuneError && size == 1 {
		return 0
	}
	return foldRune(r)
}

// decodeRune is utf8.DecodeRuneInString of non-ASCII s, with a fast path
// for two-byte runes.
func decodeRune(s string) (rune, int) {
	if len(s) >= 2 && 0xc2 <= s[0] && s[0] < 0xe0 && s[1]&0xc0 == 0x80 {
		return rune(s[0]&0x1f)<<6 | rune(s[1]&0x3f), 2
	}
	return utf8.DecodeRuneInString(s)
}

// foldCache remembers how the runes beyond foldTable fold, for a text
// written in, say, Georgian.
type foldCache [256]struct {
	r rune
	f runeFold
}

// lookup returns how non-ASCII r (of UTF-8 length size) folds on its own.
func (c *foldCache) lookup(r rune, size int) runeFold {
	if size <= 2 {
		return lookupFold(r, size)
	}
	e := &c[r&0xff]
	if e.r != r {
		e.r, e.f = r, foldRune(r)
	}
	return e.f
}

// foldRune folds the non-ASCII rune r as FoldText does, when it can be
// folded on its own: its canonical decomposition is at most one starter
// that no rune before it can combine with in NFC, and nonspacing marks,
// which FoldText drops. The folded text of a string of such runes is the
// concatenation of their folded forms, since NFD reorders only marks, and
// NFC composes nothing. foldRune returns the lower-cased starter, or no
// rune (foldKeep clear) for a rune that folds to nothing; foldOK is clear
// when r cannot be folded on its own.
func foldRune(r rune) runeFold {
	var buf [utf8.UTFMax]byte
	p := norm.NFD.Properties(utf8.AppendRune(buf[:0], r))
	base := r
	if d := p.Decomposition(); d != nil {
		base = -1
		for len(d) > 0 {
			c, n := utf8.DecodeRune(d)
			d = d[n:]
			if unicode.Is(unicode.Mn, c) {
				continue
			}
			if base >= 0 {
				return 0
			}
			base = c
		}
		if base < 0 {
			return foldOK
		}
		p = norm.NFC.Properties(utf8.AppendRune(buf[:0], base))
	} else if unicode.Is(unicode.Mn, r) {
		return foldOK
	}
	if !p.BoundaryBefore() {
		return 0
	}
	f := unicode.ToLower(base)
	out := runeFold(f) | foldOK | foldKeep
	if isWordRune(f) {
		out |= foldWord
	}
	return out
}

// isASCII reports whether s is all ASCII.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// asciiLower lower-cases an ASCII byte.
func asciiLower(b byte) byte {
	if 'A' <= b && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}

// asciiWordFold maps the ASCII letters and digits to their lower case, and
// the other ASCII bytes to 0.
var asciiWordFold = func() *[utf8.RuneSelf]byte {
	var t [utf8.RuneSelf]byte
	for b := range t {
		if isWordRune(rune(b)) {
			t[b] = asciiLower(byte(b))
		}
	}
	return &t
}()

// isWordRune reports whether r belongs to a word: a letter or a digit.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// Tokenize splits folded text into words of letters and digits.
func Tokenize(s string) []string {
	return strings.FieldsFunc(FoldText(s), func(r rune) bool { return !isWordRune(r) })
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

// listSeparator joins the values of a list property in its searchable text.
const listSeparator = " | "

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
			out[key] = strings.Join(x, listSeparator)
		}
	}
	return out
}

// SearchWords is what a store indexes of a node for SearchCandidates: the
// folded words of its searchable texts (see Tokenize), space-separated, in
// three parts by the ranking weight of their fields, each part's texts in
// key order.
type SearchWords struct {
	// Top holds the words of names, titles, acronyms and preferred labels
	// (the fields of weight 3).
	Top string
	// Mid holds the words of alternative and hidden labels and CELEX
	// numbers (weight 2).
	Mid string
	// Low holds the words of the other searchable texts: definitions,
	// abstracts, descriptions, scope notes, publishers.
	Low string
}

// Weights of the fields whose words go to SearchWords.Top and Mid.
const (
	topSearchWeight = 3
	midSearchWeight = 2
)

// SearchWordsOf returns the search words of n.
func SearchWordsOf(n *Node) SearchWords {
	texts := SearchTexts(n)
	keys := make([]string, 0, len(texts))
	for k := range texts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var top, mid, low []string
	for _, k := range keys {
		w, _ := searchWeight(k)
		words := Tokenize(texts[k])
		switch {
		case w >= topSearchWeight:
			top = append(top, words...)
		case w >= midSearchWeight:
			mid = append(mid, words...)
		default:
			low = append(low, words...)
		}
	}
	return SearchWords{Top: strings.Join(top, " "), Mid: strings.Join(mid, " "), Low: strings.Join(low, " ")}
}

// TopLength returns the number of words of w.Top.
func (w SearchWords) TopLength() int { return len(strings.Fields(w.Top)) }

// Search candidate tiers: how a node's words (SearchWords) match the
// tokens of a query. SearchCandidates returns better tiers first, and
// within a tier the nodes with fewer words in their names, titles and
// labels (TopLength) first, as ranking prefers short texts that match; so
// that when more nodes match than it returns, the ones it leaves out are
// those RankSearch would most likely rank last.
const (
	// SearchTierExactTop is the tier of words in whose Top every token
	// is a word.
	SearchTierExactTop = iota
	// SearchTierTop is the tier of words in whose Top every token starts
	// a word.
	SearchTierTop
	// SearchTierLabels is the tier of words in whose Top or Mid every
	// token starts a word.
	SearchTierLabels
	// SearchTierAny is the tier of words in any part of which every token
	// starts a word.
	SearchTierAny
)

// SearchScanFactor bounds what a search with languages reads: the
// candidates of a SearchCandidatesQuery with languages are looked for
// among the first SearchScanFactor × Limit nodes that match its tokens (a
// common word asked in a rare language costs a bounded read).
const SearchScanFactor = 20

// SearchCollector gathers the answer to a SearchCandidatesQuery from the
// nodes that match its tokens, read in the answer's order (tier, top
// length, ID): a store reads at most RowLimit more nodes and gives each to
// Add until Add returns false (Done). Without languages it keeps every
// node; with languages, those that match in texts of no language or of
// one of them (as RankSearch ranks them), and it reads at most
// SearchScanFactor × Limit nodes. Both stores and the reference store
// answer through it, so the rule is written once.
type SearchCollector struct {
	limit, scan int
	// ranker checks nodes against the languages; nil without them.
	ranker *ranker
	read   int
	set    SearchCandidateSet
	done   bool
}

// NewSearchCollector returns a collector for q, which must be valid.
func NewSearchCollector(q SearchCandidatesQuery) *SearchCollector {
	c := &SearchCollector{limit: q.Limit, set: SearchCandidateSet{Nodes: []*Node{}}}
	if len(q.Languages) > 0 {
		c.ranker = newRanker(q.Tokens, q.Languages)
		c.scan = SearchScanFactor * q.Limit
	}
	return c
}

// RowLimit returns how many more matching nodes the store may read: one
// more than Add can take, so that reading it tells that more exist; 0 once
// Add wants no more.
func (c *SearchCollector) RowLimit() int {
	switch {
	case c.done:
		return 0
	case c.ranker == nil:
		return c.limit - len(c.set.Nodes) + 1
	}
	return c.scan - c.read + 1
}

// Add takes the next matching node and reports whether the store should
// read on.
func (c *SearchCollector) Add(n *Node) bool {
	if c.done {
		return false
	}
	if c.ranker != nil {
		if c.read == c.scan {
			c.set.More, c.done = true, true
			return false
		}
		c.read++
		if _, ok := c.ranker.rank(n); !ok {
			return true
		}
	}
	if len(c.set.Nodes) == c.limit {
		c.set.More, c.done = true, true
		return false
	}
	c.set.Nodes = append(c.set.Nodes, n)
	return true
}

// Done reports whether Add wants no more nodes.
func (c *SearchCollector) Done() bool { return c.done }

// Result returns the candidates gathered.
func (c *SearchCollector) Result() *SearchCandidateSet { return &c.set }

// Tier returns the best tier of w for tokens (see SearchTierExactTop), and
// false when some token starts no word of w at all.
func (w SearchWords) Tier(tokens []string) (int, bool) {
	top, mid, low := strings.Fields(w.Top), strings.Fields(w.Mid), strings.Fields(w.Low)
	all := func(match func(tok string) bool) bool {
		for _, tok := range tokens {
			if !match(tok) {
				return false
			}
		}
		return true
	}
	starts := func(words []string, tok string) bool {
		return slices.ContainsFunc(words, func(w string) bool { return strings.HasPrefix(w, tok) })
	}
	switch {
	case all(func(tok string) bool { return slices.Contains(top, tok) }):
		return SearchTierExactTop, true
	case all(func(tok string) bool { return starts(top, tok) }):
		return SearchTierTop, true
	case all(func(tok string) bool { return starts(top, tok) || starts(mid, tok) }):
		return SearchTierLabels, true
	case all(func(tok string) bool { return starts(top, tok) || starts(mid, tok) || starts(low, tok) }):
		return SearchTierAny, true
	}
	return 0, false
}

// searchFieldsByName indexes searchFields by name.
var searchFieldsByName = func() map[string]searchField {
	m := make(map[string]searchField, len(searchFields))
	for _, f := range searchFields {
		if strings.Contains(f.name, "_") {
			panic("emnkg: a search field name has an underscore: " + f.name)
		}
		m[f.name] = f
	}
	return m
}()

// searchWeight returns the ranking weight of a property key and whether it
// is searchable at all.
func searchWeight(key string) (float64, bool) {
	// Field names have no underscore: a multilingual key is the name, an
	// underscore and a language.
	name, lang, multilingual := key, "", false
	if i := strings.IndexByte(key, '_'); i >= 0 {
		name, lang, multilingual = key[:i], key[i+1:], true
	}
	f, ok := searchFieldsByName[name]
	if !ok || f.multilingual != multilingual || multilingual && !isLangCode(lang) {
		return 0, false
	}
	return f.weight, true
}

// isLangCode reports whether s is two or three letters a-z, as the
// language part of a multilingual key is (see ValidLanguage).
func isLangCode(s string) bool {
	if len(s) < 2 || len(s) > 3 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return true
}

// keyLanguage returns the language of a multilingual key, or "".
func keyLanguage(key string) string {
	i := strings.LastIndexByte(key, '_')
	if i < 0 || !isLangCode(key[i+1:]) {
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
	hits, _ := RankSearchPage(candidates, query, languages, 0, len(candidates))
	return hits
}

// RankSearchPage ranks candidates as RankSearch does and returns the hits
// from offset on, at most limit of them, and the number of all hits. Only
// the returned hits get snippets, which makes a page of hits much cheaper
// than all of them.
func RankSearchPage(candidates []*Node, query string, languages []string, offset, limit int) (page []SearchHit, total int) {
	tokens := Tokenize(query)
	if len(tokens) == 0 {
		return nil, 0
	}
	r := newRanker(tokens, languages)
	var ranked []rankedHit
	for i, n := range candidates {
		if h, ok := r.rank(n); ok {
			h.order = i
			ranked = append(ranked, h)
		}
	}
	slices.SortFunc(ranked, func(a, b rankedHit) int {
		if a.Score != b.Score {
			return cmp.Compare(b.Score, a.Score)
		}
		if c := strings.Compare(a.Node.ID, b.Node.ID); c != 0 {
			return c
		}
		return cmp.Compare(a.order, b.order)
	})
	offset = min(max(offset, 0), len(ranked))
	end := offset + min(max(limit, 0), len(ranked)-offset)
	if offset == end {
		return nil, len(ranked)
	}
	page = make([]SearchHit, 0, end-offset)
	for _, h := range ranked[offset:end] {
		h.Snippet = Highlight(h.text.String(), tokens)
		page = append(page, h.SearchHit)
	}
	return page, len(ranked)
}

// rankedHit is a hit before highlighting, with the text of its field and
// its position among the candidates, which orders equal hits.
type rankedHit struct {
	SearchHit
	text  fieldText
	order int
}

// fieldText is the searchable text of a property: a string, or the values
// of a list, which stand for the values joined by listSeparator.
type fieldText struct {
	s    string
	list []string
}

// String returns the text, list values joined.
func (t fieldText) String() string {
	if t.list != nil {
		return strings.Join(t.list, listSeparator)
	}
	return t.s
}

// Match kinds of a word for a query token, better ones greater.
const (
	noMatch     = 0
	prefixMatch = 1 // the token starts the word
	exactMatch  = 2 // the token is the word
)

// fieldScore is what ranking needs of one searchable text.
type fieldScore struct {
	key    string
	weight float64
	text   fieldText
	// words is the number of words of the text.
	words int
	// first and best hold for each token the match kind of the first word
	// the token starts, and of the best word.
	first, best []uint8
}

// ranker ranks candidates against the folded words of a query. It keeps
// its buffers from candidate to candidate.
type ranker struct {
	tokens    []string
	languages []string
	fields    []fieldScore
	// kinds backs the first and best slices of fields.
	kinds []uint8
	// word is the folded word being scanned.
	word []byte
	// folded is a text folded as a whole, for texts not foldable rune by
	// rune.
	folded []byte
	// cache remembers how runes beyond foldTable fold.
	cache foldCache
}

// newRanker returns a ranker for the folded query tokens and the language
// filter.
func newRanker(tokens, languages []string) *ranker {
	return &ranker{tokens: tokens, languages: languages}
}

// langOK reports whether a key counts under the language filter.
func (r *ranker) langOK(key string) bool {
	l := keyLanguage(key)
	return l == "" || len(r.languages) == 0 || slices.Contains(r.languages, l)
}

// rank scores n: the sum over tokens of the best weighted match in any
// text, plus a tenth of the score of the best-matching field.
func (r *ranker) rank(n *Node) (rankedHit, bool) {
	r.collect(n)
	nt := len(r.tokens)
	if need := len(r.fields) * 2 * nt; cap(r.kinds) < need {
		r.kinds = make([]uint8, need)
	}
	for i := range r.fields {
		f := &r.fields[i]
		f.first = r.kinds[2*i*nt : (2*i+1)*nt]
		f.best = r.kinds[(2*i+1)*nt : (2*i+2)*nt]
		r.scan(f)
	}
	score := 0.0
	for t := range r.tokens {
		tokBest := 0.0
		for i := range r.fields {
			f := &r.fields[i]
			s := 0.0
			switch f.best[t] {
			case exactMatch:
				s = 2 * f.weight
			case prefixMatch:
				s = f.weight
			}
			tokBest = max(tokBest, s)
		}
		if tokBest == 0 {
			return rankedHit{}, false
		}
		score += tokBest
	}
	best, bestScore := -1, 0.0
	for i := range r.fields {
		f := &r.fields[i]
		fs := 0.0
		for t := range r.tokens {
			switch f.first[t] {
			case exactMatch:
				fs += 2 * f.weight
			case prefixMatch:
				fs += f.weight
			}
		}
		// Shorter texts that match as well are better evidence.
		if fs > 0 {
			fs += 1 / float64(f.words+1)
		}
		// The first best field in key order wins.
		if fs > bestScore || fs > 0 && fs == bestScore && f.key < r.fields[best].key {
			best, bestScore = i, fs
		}
	}
	h := rankedHit{SearchHit: SearchHit{Node: n, Score: score + bestScore/10}}
	if best >= 0 {
		h.Field, h.text = r.fields[best].key, r.fields[best].text
	}
	return h, true
}

// collect gathers the searchable texts of n that pass the language filter
// into r.fields, in no particular order.
func (r *ranker) collect(n *Node) {
	r.fields = r.fields[:0]
	for key, v := range n.Props {
		var t fieldText
		switch x := v.(type) {
		case string:
			t.s = x
		case []string:
			if x == nil {
				x = []string{}
			}
			t.list = x
		default:
			continue
		}
		w, ok := searchWeight(key)
		if !ok || !r.langOK(key) {
			continue
		}
		r.fields = append(r.fields, fieldScore{key: key, weight: w, text: t})
	}
}

// scan matches the words of a field's text against the tokens.
func (r *ranker) scan(f *fieldScore) {
	f.words = 0
	clear(f.first)
	clear(f.best)
	if f.text.list == nil {
		if r.scanRunes(f, f.text.s) {
			return
		}
	} else if r.scanList(f) {
		return
	}
	// A text that does not fold rune by rune: fold it as a whole and start
	// again.
	f.words = 0
	clear(f.first)
	clear(f.best)
	r.folded = append(r.folded[:0], FoldText(f.text.String())...)
	start := -1
	for i, c := range string(r.folded) {
		if isWordRune(c) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			r.match(f, r.folded[start:i])
			start = -1
		}
	}
	if start >= 0 {
		r.match(f, r.folded[start:])
	}
}

// scanList scans the values of a list field, as if joined by
// listSeparator, rune by rune; see scanRunes.
func (r *ranker) scanList(f *fieldScore) bool {
	for _, s := range f.text.list {
		if !r.scanRunes(f, s) {
			return false
		}
	}
	return true
}

// scanRunes matches the words of s, folded rune by rune, against the
// tokens. It reports false, with a part of s scanned, when s does not fold
// rune by rune (see foldRune).
func (r *ranker) scanRunes(f *fieldScore, s string) bool {
	for i := 0; i < len(s); {
		r.word = r.word[:0]
		if b := s[i]; b < utf8.RuneSelf {
			if asciiWordFold[b] == 0 {
				i++
				continue
			}
			// Most words are ASCII: match them where they are.
			j := i + 1
			for j < len(s) && s[j] < utf8.RuneSelf && asciiWordFold[s[j]] != 0 {
				j++
			}
			if j == len(s) || s[j] < utf8.RuneSelf {
				r.matchASCII(f, s[i:j])
				i = j
				continue
			}
			for ; i < j; i++ {
				r.word = append(r.word, asciiWordFold[s[i]])
			}
		}
		// A word with other runes, or a non-ASCII separator.
	word:
		for i < len(s) {
			if b := s[i]; b < utf8.RuneSelf {
				c := asciiWordFold[b]
				if c == 0 {
					break
				}
				r.word = append(r.word, c)
				i++
				continue
			}
			c, size := decodeRune(s[i:])
			i += size
			switch fc := r.cache.lookup(c, size); {
			case fc&foldOK == 0:
				return false
			case fc&foldWord != 0:
				r.word = utf8.AppendRune(r.word, fc.rune())
			case fc&foldKeep != 0:
				break word
			}
		}
		if len(r.word) > 0 {
			r.match(f, r.word)
		}
	}
	return true
}

// match records how a folded word of a field matches each token.
func (r *ranker) match(f *fieldScore, word []byte) {
	f.words++
	for t, tok := range r.tokens {
		if f.best[t] == exactMatch || len(word) < len(tok) || string(word[:len(tok)]) != tok {
			continue
		}
		r.record(f, t, len(word) == len(tok))
	}
}

// matchASCII records how a word of ASCII letters and digits, not yet
// folded, matches each token.
func (r *ranker) matchASCII(f *fieldScore, word string) {
	f.words++
	for t, tok := range r.tokens {
		if f.best[t] == exactMatch || len(word) < len(tok) {
			continue
		}
		k := 0
		for k < len(tok) && asciiWordFold[word[k]] == tok[k] {
			k++
		}
		if k == len(tok) {
			r.record(f, t, len(word) == len(tok))
		}
	}
}

// record records that token t starts a word of a field, or is the word.
func (r *ranker) record(f *fieldScore, t int, exact bool) {
	k := uint8(prefixMatch)
	if exact {
		k = exactMatch
	}
	if f.first[t] == noMatch {
		f.first[t] = k
	}
	f.best[t] = max(f.best[t], k)
}

// snippetRunes is the length a snippet is shortened to.
const snippetRunes = 200

// Highlight HTML-escapes text and wraps the words that a token starts in
// <mark> elements, shortening long text around the first match.
func Highlight(text string, tokens []string) string {
	if !utf8.ValidString(text) {
		// As runes, invalid bytes are U+FFFD.
		text = string([]rune(text))
	}
	total := utf8.RuneCountInString(text)
	from, to := 0, total
	var spans []wordSpan
	var buf []byte
	for sp := range wordSpans(text) {
		if len(spans) > 0 && sp.start >= to {
			break
		}
		var ok bool
		if buf, ok = startsWithToken(buf[:0], text[sp.bstart:sp.bend], tokens); !ok {
			continue
		}
		if len(spans) == 0 && total > snippetRunes {
			from = max(0, sp.start-snippetRunes/4)
			to = min(total, from+snippetRunes)
		}
		spans = append(spans, sp)
	}
	if len(spans) == 0 && total > snippetRunes {
		to = snippetRunes
	}
	bfrom, bto := runeOffset(text, 0, 0, from), len(text)
	if to < total {
		bto = runeOffset(text, bfrom, from, to)
	}
	var b strings.Builder
	b.Grow(bto - bfrom + len(spans)*len("<mark></mark>") + 2*len("…") + 16)
	if from > 0 {
		b.WriteString("…")
	}
	pos := bfrom
	for _, sp := range spans {
		if sp.start < from || sp.end > to {
			continue
		}
		escapeHTML(&b, text[pos:sp.bstart])
		b.WriteString("<mark>")
		escapeHTML(&b, text[sp.bstart:sp.bend])
		b.WriteString("</mark>")
		pos = sp.bend
	}
	escapeHTML(&b, text[pos:bto])
	if to < total {
		b.WriteString("…")
	}
	return b.String()
}

// wordSpan is a word of a text: a run of letters and digits, in runes and
// in bytes.
type wordSpan struct {
	start, end   int
	bstart, bend int
}

// wordSpans yields the words of valid UTF-8 text, in order.
func wordSpans(text string) func(yield func(wordSpan) bool) {
	return func(yield func(wordSpan) bool) {
		ri := 0
		inWord := false
		var sp wordSpan
		for bi, c := range text {
			w := isWordRune(c)
			if w && !inWord {
				sp.start, sp.bstart, inWord = ri, bi, true
			} else if !w && inWord {
				sp.end, sp.bend, inWord = ri, bi, false
				if !yield(sp) {
					return
				}
			}
			ri++
		}
		if inWord {
			sp.end, sp.bend = ri, len(text)
			yield(sp)
		}
	}
}

// startsWithToken reports whether one of tokens starts the folded word,
// using buf to fold it.
func startsWithToken(buf []byte, word string, tokens []string) ([]byte, bool) {
	buf, ok := foldRunes(buf, word)
	if !ok {
		buf = append(buf[:0], foldTextSlow(word)...)
	}
	for _, tok := range tokens {
		if len(buf) >= len(tok) && string(buf[:len(tok)]) == tok {
			return buf, true
		}
	}
	return buf, false
}

// runeOffset returns the byte offset of rune index ri of text, counting
// from the known byte offset from of rune index rfrom.
func runeOffset(text string, from, rfrom, ri int) int {
	for from < len(text) && rfrom < ri {
		_, size := utf8.DecodeRuneInString(text[from:])
		from += size
		rfrom++
	}
	return from
}

// escapeHTML writes s to b escaped as html.EscapeString does.
func escapeHTML(b *strings.Builder, s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '&':
			esc = "&amp;"
		case '\'':
			esc = "&#39;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '"':
			esc = "&#34;"
		default:
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(esc)
		last = i + 1
	}
	b.WriteString(s[last:])
}
