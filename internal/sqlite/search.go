package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// searchDoc is the search words of one node, by node ID.
type searchDoc struct {
	id    string
	words emnkg.SearchWords
}

// newSearchDoc returns the search words of n.
func newSearchDoc(n *emnkg.Node) searchDoc {
	return searchDoc{id: n.ID, words: emnkg.SearchWordsOf(n)}
}

// indexNodes replaces the rows of node_search of the given nodes, which
// must be stored, with their search words. It runs in the caller's write
// transaction, so the index always agrees with the nodes.
func indexNodes(ctx context.Context, tx *sql.Tx, docs []searchDoc) error {
	if len(docs) == 0 {
		return nil
	}
	rows := make([][5]any, len(docs))
	for i, d := range docs {
		rows[i] = [5]any{d.id, d.words.Top, d.words.Mid, d.words.Low, d.words.TopLength()}
	}
	list, err := encodeJSON(rows)
	if err != nil {
		return wrapf(err, "search index")
	}
	// Deleting the row of a node that has none (a new node) does nothing.
	if _, err := tx.ExecContext(ctx, `DELETE FROM node_search WHERE rowid IN (
			SELECT n.rowid FROM json_each(?1) AS j CROSS JOIN nodes AS n ON n.id = j.value ->> 0)`, list); err != nil {
		return wrapf(err, "search index: delete")
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO node_search (rowid, top, mid, low)
			SELECT n.rowid, j.value ->> 1, j.value ->> 2, j.value ->> 3
			FROM json_each(?1) AS j CROSS JOIN nodes AS n ON n.id = j.value ->> 0`,
		list); err != nil {
		return wrapf(err, "search index: insert")
	}
	if _, err := tx.ExecContext(ctx, `UPDATE nodes SET search_top_length = j.value ->> 4
			FROM json_each(?1) AS j WHERE nodes.id = j.value ->> 0`, list); err != nil {
		return wrapf(err, "search index: top lengths")
	}
	return nil
}

// unindexNode removes the row of node_search of a stored node, before the
// node itself is deleted.
func unindexNode(ctx context.Context, tx *sql.Tx, id string) error {
	_, err := tx.ExecContext(ctx,
		`DELETE FROM node_search WHERE rowid = (SELECT rowid FROM nodes WHERE id = ?1)`, id)
	return wrapf(err, "search index: delete")
}

// reindexChunk is how many nodes reindexSearch reads at a time.
const reindexChunk = 1000

// reindexSearch rebuilds node_search from every stored node. Migrate runs
// it when it creates the index.
func (s *Store) reindexSearch(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO node_search (node_search) VALUES ('delete-all')`); err != nil {
		return wrapf(err, "search index: clear")
	}
	var after int64
	for {
		docs, last, err := s.readDocs(ctx, tx, after)
		if err != nil {
			return err
		}
		if len(docs) == 0 {
			return nil
		}
		if err := indexNodes(ctx, tx, docs); err != nil {
			return err
		}
		after = last
	}
}

// readDocs returns the search documents of up to reindexChunk nodes whose
// rowid follows after, and the last rowid read.
func (s *Store) readDocs(ctx context.Context, tx *sql.Tx, after int64) ([]searchDoc, int64, error) {
	rows, err := tx.QueryContext(ctx,
		`SELECT rowid, id, kind, props FROM nodes WHERE rowid > ?1 ORDER BY rowid LIMIT ?2`, after, reindexChunk)
	if err != nil {
		return nil, 0, wrapf(err, "search index: read nodes")
	}
	defer rows.Close()
	var docs []searchDoc
	last := after
	for rows.Next() {
		var n emnkg.Node
		var kind, props string
		if err := rows.Scan(&last, &n.ID, &kind, &props); err != nil {
			return nil, 0, wrapf(err, "search index: read nodes")
		}
		n.Kind = emnkg.Kind(kind)
		if n.Props, err = s.nodeProps(n.Kind, n.ID, props); err != nil {
			// Properties stored before today's rules are indexed as
			// they are, rather than keep the store from opening.
			n.Props = plainProps(props)
		}
		docs = append(docs, newSearchDoc(&n))
	}
	return docs, last, wrapf(rows.Err(), "search index: read nodes")
}

// plainProps decodes stored properties without checking them against the
// schema (see emnkg.PlainValues); text that is no JSON object gives none.
func plainProps(text string) map[string]any {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	var raw map[string]any
	if err := dec.Decode(&raw); err != nil {
		return map[string]any{}
	}
	return emnkg.PlainValues(raw)
}

// tokenQuery returns the FTS5 query that finds the rows having every
// token: as a whole word, or with prefix as the start of a word. Tokens
// hold letters and digits only, so quoting is a second line of defence.
func tokenQuery(tokens []string, prefix bool) string {
	parts := make([]string, len(tokens))
	for i, tok := range tokens {
		parts[i] = `"` + strings.ReplaceAll(tok, `"`, `""`) + `"`
		if prefix {
			parts[i] += "*"
		}
	}
	return "(" + strings.Join(parts, " AND ") + ")"
}

// tierMatches returns, for each search tier (see emnkg.SearchWords.Tier)
// from the best, the FTS5 query that finds the rows of that tier or of a
// better one.
func tierMatches(tokens []string) []string {
	prefix := tokenQuery(tokens, true)
	return []string{
		emnkg.SearchTierExactTop: "{top} : " + tokenQuery(tokens, false),
		emnkg.SearchTierTop:      "{top} : " + prefix,
		emnkg.SearchTierLabels:   "{top mid} : " + prefix,
		emnkg.SearchTierAny:      prefix,
	}
}

// searchQuery returns the SQL that reads the nodes of a search tier: the
// full-text index finds the rows match finds; the nodes of better tiers, which the caller has read already, are left out
// by ID (exclude); the other IDs, kinds and search_top_lengths are read by
// rowid, the rows sorted by search_top_length and ID, and only the first
// limit nodes are read whole. Leaving out the better tiers by ID rather than by a NOT in the
// full-text query spares the index a second search (a query of twelve
// one-letter words took 0.85 s with NOT at 100k nodes).
func searchQuery(match string, kindsIn []emnkg.Kind, exclude []string, limit int) (string, []any, error) {
	var b builder
	m := b.arg(match)
	kinds, err := b.kindIn("m.kind", kindsIn)
	if err != nil {
		return "", nil, err
	}
	if len(exclude) > 0 {
		in, err := b.inList("m.id", exclude)
		if err != nil {
			return "", nil, err
		}
		kinds += " AND NOT " + in
	}
	query := `SELECT ` + nodeColumns + ` FROM (
			SELECT m.rowid AS r, m.search_top_length AS l, m.id AS id FROM node_search
			CROSS JOIN nodes AS m ON m.rowid = node_search.rowid
			WHERE node_search MATCH ` + m + ` AND ` + kinds + `
			ORDER BY l, m.id LIMIT ` + b.arg(int64(limit)) + `) AS p
		CROSS JOIN nodes AS n ON n.rowid = p.r
		ORDER BY p.l, p.id`
	return query, b.args, nil
}

// SearchCandidates returns up to q.Limit nodes whose search words have
// every token, by tier, then by the number of their top words, then by
// ID: the full-text index answers one tier after the other, and the nodes
// go to an emnkg.SearchCollector (which leaves out those not in
// q.Languages) until it has what it needs. A tier is asked only when the
// collector took every node of the better tiers, so the nodes read so far
// are exactly those of the better tiers.
func (s *Store) SearchCandidates(ctx context.Context, q emnkg.SearchCandidatesQuery) (*emnkg.SearchCandidateSet, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	if len(q.Tokens) == 0 {
		return &emnkg.SearchCandidateSet{Nodes: []*emnkg.Node{}}, nil
	}
	var out *emnkg.SearchCandidateSet
	err := s.read(ctx, func(tx *sql.Tx) error {
		c := emnkg.NewSearchCollector(q)
		var read []string
		for _, match := range tierMatches(q.Tokens) {
			query, args, err := searchQuery(match, q.Kinds, read, c.RowLimit())
			if err != nil {
				return err
			}
			err = s.eachNode(ctx, tx, "search", query, args, func(n *emnkg.Node) bool {
				read = append(read, n.ID)
				return c.Add(n)
			})
			if err != nil {
				return err
			}
			if c.Done() {
				break
			}
		}
		out = c.Result()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// eachNode runs a query of nodeColumns rows and gives f the nodes, one
// after the other, until there are no more or f returns false (the rows
// left are not read).
func (s *Store) eachNode(ctx context.Context, tx *sql.Tx, what, query string, args []any, f func(*emnkg.Node) bool) error {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return wrapf(err, "%s", what)
	}
	defer rows.Close()
	for rows.Next() {
		n, err := s.scanNode(rows)
		if err != nil {
			return err
		}
		if !f(n) {
			break
		}
	}
	return wrapf(rows.Err(), "%s", what)
}
