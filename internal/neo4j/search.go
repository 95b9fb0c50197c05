package neo4j

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Full-text search: every node keeps emnkg.SearchWordsOf itself in the
// properties keySearchTop, keySearchMid and keySearchLow, written in the
// same transaction as the node, and the full-text index searchIndex
// indexes them, one Lucene field each. The words are already folded and
// split, so the index's analyzer only splits at whitespace. The index is
// created with fulltext.eventually_consistent false (Neo4j's default, made
// explicit): it is updated when a transaction commits, so a search right
// after an import or edit sees it. Migrate recreates an index of that name
// that is configured otherwise.

// searchIndex is the name of the full-text index of search words.
const searchIndex = "node_search"

// searchIndexCreate creates searchIndex.
const searchIndexCreate = "CREATE FULLTEXT INDEX " + searchIndex + " IF NOT EXISTS FOR (n:" + nodeLabel +
	") ON EACH [n." + keySearchTop + ", n." + keySearchMid + ", n." + keySearchLow + "] " +
	"OPTIONS {indexConfig: {`fulltext.analyzer`: 'whitespace', `fulltext.eventually_consistent`: false}}"

// searchIndexConfigured reports whether info (from SHOW INDEXES, see
// Migrate) describes searchIndex as searchIndexCreate creates it.
func searchIndexConfigured(info any) bool {
	m, _ := info.(map[string]any)
	options, _ := m["options"].(map[string]any)
	config, _ := options["indexConfig"].(map[string]any)
	labels, _ := m["labels"].([]any)
	props, _ := m["properties"].([]any)
	return m["type"] == "FULLTEXT" && config["fulltext.analyzer"] == "whitespace" &&
		config["fulltext.eventually_consistent"] == false &&
		slices.Equal(labels, []any{nodeLabel}) && slices.Equal(props, []any{keySearchTop, keySearchMid, keySearchLow})
}

// setSearchWords sets the search words of a node, and the number of its
// top words, among its stored properties.
func setSearchWords(stored map[string]any, id string, kind emnkg.Kind, props map[string]any) {
	w := emnkg.SearchWordsOf(&emnkg.Node{ID: id, Kind: kind, Props: props})
	stored[keySearchTop], stored[keySearchMid], stored[keySearchLow] = w.Top, w.Mid, w.Low
	stored[keySearchTopLength] = int64(w.TopLength())
}

// backfillSearch gives every node without search words, or without the
// number of its top words (kept since 28 Nov 2026), its words (and
// removes the one property that held them before), in batches of a write
// transaction each.
func (s *Store) backfillSearch(ctx context.Context) error {
	for {
		n, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (int, error) {
			recs, err := s.run(ctx, tx, "MATCH (n:"+nodeLabel+") WHERE n."+keySearchTopLength+" IS NULL OR n."+keySearchLow+" IS NULL "+
				"RETURN "+nodeMap("n")+" AS n LIMIT $batch", map[string]any{"batch": lookupBatch})
			if err != nil {
				return 0, err
			}
			rows := make([]any, 0, len(recs))
			for _, r := range recs {
				n, err := decodeNode(r.Values[0])
				if err != nil {
					return 0, err
				}
				row := map[string]any{"id": n.id}
				setSearchWords(row, n.id, n.kind, n.props)
				rows = append(rows, row)
			}
			err = s.writeRows(ctx, tx, rows, "UNWIND $rows AS row MATCH (n:"+nodeLabel+" {id: row.id})"+idHint("n")+" "+
				"SET n."+keySearchTop+" = row."+keySearchTop+", n."+keySearchMid+" = row."+keySearchMid+", "+
				"n."+keySearchLow+" = row."+keySearchLow+", n."+keySearchTopLength+" = row."+keySearchTopLength+
				" REMOVE n."+keyLegacySearch+" RETURN count(n)")
			return len(rows), err
		})
		if err != nil {
			return fmt.Errorf("neo4j: migrate: search words: %w", err)
		}
		if n < lookupBatch {
			return nil
		}
	}
}

// maxPrefixRunes bounds the prefix that a token puts into the full-text
// query. Lucene's whitespace tokenizer cuts words after 255 UTF-16 code
// units, so a longer token would find nothing there; the query asks for
// the token's start and the exact check in Cypher does the rest.
const maxPrefixRunes = 100

// luceneSpecial are the characters that Lucene's query parser treats as
// syntax.
const luceneSpecial = `\+-!():^[]"{}~*?|&/`

// luceneToken returns a token as a Lucene term query, Lucene's syntax
// escaped; as a prefix query, cut to maxPrefixRunes and with a wildcard
// after it.
func luceneToken(tok string, prefix bool) string {
	if prefix && utf8.RuneCountInString(tok) > maxPrefixRunes {
		tok = string([]rune(tok)[:maxPrefixRunes])
	}
	var b strings.Builder
	for _, r := range tok {
		if strings.ContainsRune(luceneSpecial, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	if prefix {
		b.WriteByte('*')
	}
	return b.String()
}

// luceneQuery returns the full-text query that finds the nodes in which
// every token starts a word of one of the given fields (and possibly
// more: see maxPrefixRunes).
func luceneQuery(tokens, fields []string) string {
	parts := make([]string, len(tokens))
	for i, tok := range tokens {
		alts := make([]string, len(fields))
		for j, f := range fields {
			alts[j] = f + ":" + luceneToken(tok, true)
		}
		parts[i] = "+(" + strings.Join(alts, " ") + ")"
	}
	return strings.Join(parts, " ")
}

// luceneWordsQuery returns the full-text query that finds the nodes in
// which every token is a word of the field, and true; or false when a
// token is longer than maxPrefixRunes: the index splits words after 255
// UTF-16 code units, so it could not tell such a token exactly.
func luceneWordsQuery(tokens []string, field string) (string, bool) {
	parts := make([]string, len(tokens))
	for i, tok := range tokens {
		if utf8.RuneCountInString(tok) > maxPrefixRunes {
			return "", false
		}
		parts[i] = "+" + field + ":" + luceneToken(tok, false)
	}
	return strings.Join(parts, " "), true
}

// searchTierGroup is one of the full-text queries SearchCandidates runs
// one after the other for some tokens: the query, and the tier (see
// emnkg.SearchWords.Tier) whose nodes it returns. The index finds the
// nodes of that tier and possibly of better ones, which an earlier query
// returned, or (words) the nodes of that tier and possibly a few more: a
// word longer than the index's 255 UTF-16 code units is indexed as parts,
// whose last part a token can equal.
type searchTierGroup struct {
	query string
	tier  int64
	words bool
}

// searchTierGroups returns the groups for tokens, best tier first. The
// best tier (every token a word of the top field) is asked of the index
// as words, which spares computing the tier of each node; the next
// (every token starts a word of it) leaves those out in the index.
func searchTierGroups(tokens []string) []searchTierGroup {
	top := luceneQuery(tokens, []string{keySearchTop})
	labels := luceneQuery(tokens, []string{keySearchTop, keySearchMid})
	anywhere := luceneQuery(tokens, searchKeys())
	if words, ok := luceneWordsQuery(tokens, keySearchTop); ok {
		return []searchTierGroup{
			{words, emnkg.SearchTierExactTop, true},
			{top + " -(" + words + ")", emnkg.SearchTierTop, false},
			{labels, emnkg.SearchTierLabels, false},
			{anywhere, emnkg.SearchTierAny, false},
		}
	}
	return []searchTierGroup{
		{top, emnkg.SearchTierExactTop, false},
		{top, emnkg.SearchTierTop, false},
		{labels, emnkg.SearchTierLabels, false},
		{anywhere, emnkg.SearchTierAny, false},
	}
}

// tokensAreWords returns the Cypher condition that every token of $tokens
// is a word of words, an expression of words joined by single spaces: as
// tokens have no spaces, a token is one when " " + words + " " contains
// " " + token + " ", a string search, which costs much less than
// splitting the words into a list for each node.
func tokensAreWords(words string) string {
	return "all(t IN $tokens WHERE ' ' + " + words + " + ' ' CONTAINS ' ' + t + ' ')"
}

// tokensStartWords returns the Cypher condition that every token of
// $tokens starts a word of words (see tokensAreWords): " " + words
// contains " " + token.
func tokensStartWords(words string) string {
	return "all(t IN $tokens WHERE ' ' + " + words + " CONTAINS ' ' + t)"
}

// searchTierCypher returns the Cypher expression of the tier of the node
// n for $tokens, computed from its search words exactly as
// emnkg.SearchWords.Tier does; null when some token starts no word (the
// index can find more: see maxPrefixRunes).
func searchTierCypher() string {
	top := "n." + keySearchTop
	labels := top + " + ' ' + n." + keySearchMid
	all := labels + " + ' ' + n." + keySearchLow
	return fmt.Sprintf("CASE WHEN %s THEN %d WHEN %s THEN %d WHEN %s THEN %d WHEN %s THEN %d END",
		tokensAreWords(top), emnkg.SearchTierExactTop, tokensStartWords(top), emnkg.SearchTierTop,
		tokensStartWords(labels), emnkg.SearchTierLabels, tokensStartWords(all), emnkg.SearchTierAny)
}

// SearchCandidates returns up to q.Limit nodes whose search words have
// every token, by tier, then by the number of their top words (kept in
// keySearchTopLength), then by ID. For each tier the full-text index
// finds the nodes of that tier (the best one, see searchTierGroups) or
// those with a word starting with each token in the tier's fields, whose
// tier Cypher then computes exactly; the tier's nodes of the kinds asked
// are ordered and limited. Tiers are asked one after the other, in one
// transaction, and the nodes go to an
// emnkg.SearchCollector until it has what it needs. Without languages a
// group's nodes come as one list (Bolt sends one list faster than many
// records); with languages, which may read many nodes to keep a few, one
// record each, and the records the collector does not want are never
// sent.
func (s *Store) SearchCandidates(ctx context.Context, q emnkg.SearchCandidatesQuery) (*emnkg.SearchCandidateSet, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	if len(q.Tokens) == 0 {
		return &emnkg.SearchCandidateSet{Nodes: []*emnkg.Node{}}, nil
	}
	kinds := ""
	if len(q.Kinds) > 0 {
		kinds = " AND n:" + labelExpr(q.Kinds)
	}
	// The nodes written before the number of top words was kept count
	// them here, until Migrate has kept it for them.
	topLength := "coalesce(n." + keySearchTopLength + ", CASE n." + keySearchTop + " WHEN '' THEN 0 ELSE size(split(n." +
		keySearchTop + ", ' ')) END)"
	found := "CALL db.index.fulltext.queryNodes($index, $query) YIELD node AS n "
	ordered := " WITH n ORDER BY " + topLength + ", n.id LIMIT $limit"
	queries := func(where string) (asList, asRecords string) {
		q := found + where + ordered
		return q + " RETURN collect(" + nodeMap("n") + ") AS ns", q + " RETURN " + nodeMap("n") + " AS n"
	}
	// The index finds the best tier's nodes, but for words longer than it
	// indexes whole (see searchTierGroup): a string search tells those.
	wordsList, wordsRecords := queries("WITH n WHERE " + tokensAreWords("n."+keySearchTop) + kinds)
	tierList, tierRecords := queries("WITH n, " + searchTierCypher() + " AS tier WHERE tier = $tier" + kinds)
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (*emnkg.SearchCandidateSet, error) {
		c := emnkg.NewSearchCollector(q)
		for _, g := range searchTierGroups(q.Tokens) {
			p := map[string]any{"index": searchIndex, "query": g.query, "tokens": q.Tokens, "tier": g.tier,
				"limit": int64(c.RowLimit())}
			asList, asRecords := tierList, tierRecords
			if g.words {
				asList, asRecords = wordsList, wordsRecords
			}
			if len(q.Languages) > 0 {
				err := s.each(ctx, tx, asRecords, p, func(r *neo4j.Record) (bool, error) {
					n, err := decodeNode(r.Values[0])
					if err != nil {
						return false, err
					}
					return c.Add(n.node()), nil
				})
				if err != nil {
					return nil, err
				}
			} else {
				recs, err := s.run(ctx, tx, asList, p)
				if err != nil {
					return nil, err
				}
				if len(recs) != 1 {
					return nil, fmt.Errorf("neo4j: search returned %d rows", len(recs))
				}
				ns, err := decodeNodeList(recs[0].Values[0])
				if err != nil {
					return nil, err
				}
				for _, n := range ns {
					if !c.Add(n) {
						break
					}
				}
			}
			if c.Done() {
				break
			}
		}
		return c.Result(), nil
	})
}

// decodeNodeList decodes a list of nodeMap projections.
func decodeNodeList(v any) ([]*emnkg.Node, error) {
	list, _ := v.([]any)
	out := make([]*emnkg.Node, 0, len(list))
	for _, x := range list {
		n, err := decodeNode(x)
		if err != nil {
			return nil, err
		}
		out = append(out, n.node())
	}
	return out, nil
}
