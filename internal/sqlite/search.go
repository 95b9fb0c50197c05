package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// searchDoc is the search document of one node, by node ID.
type searchDoc struct {
	id, doc string
}

// indexNodes replaces the rows of node_search of the given nodes, which
// must be stored, with their documents. It runs in the caller's write
// transaction, so the index always agrees with the nodes.
func indexNodes(ctx context.Context, tx *sql.Tx, docs []searchDoc) error {
	if len(docs) == 0 {
		return nil
	}
	pairs := make([][2]string, len(docs))
	for i, d := range docs {
		pairs[i] = [2]string{d.id, d.doc}
	}
	list, err := encodeJSON(pairs)
	if err != nil {
		return wrapf(err, "search index")
	}
	// Deleting the row of a node that has none (a new node) does nothing.
	if _, err := tx.ExecContext(ctx, `DELETE FROM node_search WHERE rowid IN (
			SELECT n.rowid FROM json_each(?1) AS j CROSS JOIN nodes AS n ON n.id = j.value ->> 0)`, list); err != nil {
		return wrapf(err, "search index: delete")
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO node_search (rowid, doc)
			SELECT n.rowid, j.value ->> 1 FROM json_each(?1) AS j CROSS JOIN nodes AS n ON n.id = j.value ->> 0`,
		list); err != nil {
		return wrapf(err, "search index: insert")
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
		docs = append(docs, searchDoc{id: n.ID, doc: emnkg.SearchDocument(&n)})
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

// matchExpr returns the FTS5 query of tokens: each a quoted prefix query,
// all of them required. Tokens hold letters and digits only, so quoting is
// a second line of defence.
func matchExpr(tokens []string) string {
	parts := make([]string, len(tokens))
	for i, tok := range tokens {
		parts[i] = `"` + strings.ReplaceAll(tok, `"`, `""`) + `"*`
	}
	return strings.Join(parts, " ")
}

// searchQuery returns the SQL of SearchCandidates: the full-text index
// finds the rowids of the matching nodes; their IDs (and kinds) are read by
// rowid and sorted, and only the nodes of the page are read whole.
func searchQuery(q emnkg.SearchCandidatesQuery) (string, []any, error) {
	var b builder
	match := b.arg(matchExpr(q.Tokens))
	kinds, err := b.kindIn("m.kind", q.Kinds)
	if err != nil {
		return "", nil, err
	}
	query := `SELECT ` + nodeColumns + ` FROM (
			SELECT m.rowid AS r, m.id AS id FROM node_search
			CROSS JOIN nodes AS m ON m.rowid = node_search.rowid
			WHERE node_search MATCH ` + match + ` AND ` + kinds + `
			ORDER BY m.id LIMIT ` + b.arg(int64(q.Limit)) + `) AS p
		CROSS JOIN nodes AS n ON n.rowid = p.r
		ORDER BY p.id`
	return query, b.args, nil
}

// SearchCandidates returns up to q.Limit nodes, by ID, in whose search
// document every token starts a word. The full-text index answers.
func (s *Store) SearchCandidates(ctx context.Context, q emnkg.SearchCandidatesQuery) ([]*emnkg.Node, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	out := []*emnkg.Node{}
	if len(q.Tokens) == 0 || q.Limit == 0 {
		return out, nil
	}
	query, args, err := searchQuery(q)
	if err != nil {
		return nil, err
	}
	err = s.read(ctx, func(tx *sql.Tx) error {
		out, err = s.queryNodes(ctx, tx, "search", query, args)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// queryNodes runs a query of nodeColumns rows and returns the nodes.
func (s *Store) queryNodes(ctx context.Context, tx *sql.Tx, what, query string, args []any) ([]*emnkg.Node, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, wrapf(err, "%s", what)
	}
	defer rows.Close()
	out := []*emnkg.Node{}
	for rows.Next() {
		n, err := s.scanNode(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, wrapf(rows.Err(), "%s", what)
}
