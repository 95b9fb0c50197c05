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

// Full-text search: every node keeps emnkg.SearchDocument of itself in the
// property keySearch, written in the same transaction as the node, and the
// full-text index searchIndex indexes it. The document is already folded
// and split into words, so the index's analyzer only splits at whitespace.
// The index is created with fulltext.eventually_consistent false (Neo4j's
// default, made explicit): it is updated when a transaction commits, so a
// search right after an import or edit sees it. Migrate recreates an index
// of that name that is configured otherwise.

// searchIndex is the name of the full-text index of search documents.
const searchIndex = "node_search"

// searchIndexCreate creates searchIndex.
const searchIndexCreate = "CREATE FULLTEXT INDEX " + searchIndex + " IF NOT EXISTS FOR (n:" + nodeLabel +
	") ON EACH [n." + keySearch + "] OPTIONS {indexConfig: {`fulltext.analyzer`: 'whitespace', " +
	"`fulltext.eventually_consistent`: false}}"

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
		slices.Equal(labels, []any{nodeLabel}) && slices.Equal(props, []any{keySearch})
}

// searchDoc returns the search document of a node.
func searchDoc(id string, kind emnkg.Kind, props map[string]any) string {
	return emnkg.SearchDocument(&emnkg.Node{ID: id, Kind: kind, Props: props})
}

// backfillSearch gives every node without a search document its document,
// in batches of a write transaction each.
func (s *Store) backfillSearch(ctx context.Context) error {
	for {
		n, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (int, error) {
			recs, err := s.run(ctx, tx, "MATCH (n:"+nodeLabel+") WHERE n."+keySearch+" IS NULL "+
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
				rows = append(rows, map[string]any{"id": n.id, "doc": searchDoc(n.id, n.kind, n.props)})
			}
			err = s.writeRows(ctx, tx, rows, "UNWIND $rows AS row MATCH (n:"+nodeLabel+" {id: row.id})"+idHint("n")+" "+
				"SET n."+keySearch+" = row.doc RETURN count(n)")
			return len(rows), err
		})
		if err != nil {
			return fmt.Errorf("neo4j: migrate: search documents: %w", err)
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

// luceneQuery returns the full-text query that finds the documents in
// which every token starts a word (and possibly more: see maxPrefixRunes).
func luceneQuery(tokens []string) string {
	parts := make([]string, len(tokens))
	for i, tok := range tokens {
		if utf8.RuneCountInString(tok) > maxPrefixRunes {
			tok = string([]rune(tok)[:maxPrefixRunes])
		}
		var b strings.Builder
		for _, r := range tok {
			if strings.ContainsRune(luceneSpecial, r) {
				b.WriteByte('\\')
			}
			b.WriteRune(r)
		}
		parts[i] = "+" + b.String() + "*"
	}
	return strings.Join(parts, " ")
}

// SearchCandidates returns the nodes (at most q.Limit, by ID) in whose
// search document every token starts a word. The full-text index finds the
// documents with a word starting with each token; Cypher then checks the
// rule on the document's words exactly, filters kinds, orders by ID and
// limits.
func (s *Store) SearchCandidates(ctx context.Context, q emnkg.SearchCandidatesQuery) ([]*emnkg.Node, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	out := []*emnkg.Node{}
	if len(q.Tokens) == 0 || q.Limit == 0 {
		return out, nil
	}
	p := map[string]any{"index": searchIndex, "query": luceneQuery(q.Tokens), "tokens": q.Tokens,
		"limit": int64(q.Limit)}
	kinds := ""
	if len(q.Kinds) > 0 {
		kinds = " AND n:" + labelExpr(q.Kinds)
	}
	cypher := "CALL db.index.fulltext.queryNodes($index, $query) YIELD node AS n " +
		"WHERE all(t IN $tokens WHERE any(w IN split(n." + keySearch + ", ' ') WHERE w STARTS WITH t))" + kinds +
		" WITH n ORDER BY n.id LIMIT $limit RETURN collect(" + nodeMap("n") + ") AS ns"
	return read(ctx, s, func(tx neo4j.ManagedTransaction) ([]*emnkg.Node, error) {
		recs, err := s.run(ctx, tx, cypher, p)
		if err != nil {
			return nil, err
		}
		if len(recs) != 1 {
			return nil, fmt.Errorf("neo4j: search returned %d rows", len(recs))
		}
		return decodeNodeList(recs[0].Values[0])
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
