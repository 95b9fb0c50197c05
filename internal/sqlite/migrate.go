package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// indexedKeys are the node properties with an expression index on
// (kind, json_extract(props, '$.<key>')). Queries must spell the expression
// exactly as the index does for SQLite to use it, so for these keys the
// JSON path is the constant literal below rather than a bound parameter;
// every other key's path is bound. The set is fixed at compile time.
func indexedKeys() []string {
	return []string{"name", "title", "year", "countryCode"}
}

// indexedPath returns the constant SQL literal of the JSON path of key when
// key has an expression index.
func indexedPath(key string) (string, bool) {
	for _, k := range indexedKeys() {
		if k == key {
			return quoteLiteral("$." + k), true
		}
	}
	return "", false
}

// migration is one step of the schema: SQL statements, then optionally Go
// code (for data that only Go can compute, such as search documents). Both
// run in the migrating transaction.
type migration struct {
	stmts []string
	run   func(s *Store, ctx context.Context, tx *sql.Tx) error
}

// migrations returns the schema migrations, in order. Migration i brings
// the schema to version i+1. Each is idempotent, so that re-running one
// whose version was not recorded is harmless. Never edit a released
// migration; append a new one.
func migrations() []migration {
	v1 := []string{
		`CREATE TABLE IF NOT EXISTS nodes (
			id      TEXT NOT NULL PRIMARY KEY,
			kind    TEXT NOT NULL,
			version INTEGER NOT NULL CHECK (version >= 1),
			props   TEXT NOT NULL CHECK (json_valid(props))
		) STRICT`,
		`CREATE TABLE IF NOT EXISTS edges (
			id    TEXT NOT NULL PRIMARY KEY,
			type  TEXT NOT NULL,
			src   TEXT NOT NULL REFERENCES nodes (id),
			dst   TEXT NOT NULL REFERENCES nodes (id),
			props TEXT NOT NULL CHECK (json_valid(props))
		) STRICT`,
		`CREATE INDEX IF NOT EXISTS nodes_kind ON nodes (kind, id)`,
		`CREATE INDEX IF NOT EXISTS edges_src_type ON edges (src, type)`,
		`CREATE INDEX IF NOT EXISTS edges_dst_type ON edges (dst, type)`,
		`CREATE INDEX IF NOT EXISTS edges_type ON edges (type)`,
	}
	for _, k := range indexedKeys() {
		p, _ := indexedPath(k)
		v1 = append(v1, fmt.Sprintf(
			`CREATE INDEX IF NOT EXISTS nodes_kind_%s ON nodes (kind, json_extract(props, %s), id)`, k, p))
	}
	// Version 2 indexed the nodes for search too; version 8 builds that
	// index anew, so it alone fills it.
	return []migration{{stmts: v1}, {stmts: migrationV2()}, {stmts: migrationV3()}, {stmts: migrationV4()}, {stmts: migrationV5()},
		{stmts: migrationV6()}, {stmts: migrationV7()}, {stmts: migrationV8(), run: (*Store).migrateV8}}
}

// migrationV8 makes node_search index the search words of a node in three
// columns, top, mid and low (see emnkg.SearchWords), so that search can
// find the nodes whose names, titles and labels match first. Column
// filters need detail=column: the index keeps, for each word and row, the
// columns holding it (still no positions). The table is dropped and
// created anew; migrateV8 then adds nodes.search_top_length and indexes
// every node.
func migrationV8() []string {
	return []string{
		`DROP TABLE IF EXISTS node_search`,
		`CREATE VIRTUAL TABLE node_search USING fts5(
			top, mid, low, tokenize = 'ascii', detail = 'column', content = '', contentless_delete = 1)`,
	}
}

// migrateV8 adds the column search_top_length to nodes, unless it exists
// (migrations may run again), and indexes every node for search. The
// column holds the number of words of the node's SearchWords.Top, by which
// search orders the nodes of a tier: search reads each matching node's row
// anyway, where the number costs nothing more (kept in the full-text
// table, reading it cost 1.2 µs a row, doubling the time of a search
// matching 44k nodes at 100k).
func (s *Store) migrateV8(ctx context.Context, tx *sql.Tx) error {
	var exists int
	if err := tx.QueryRowContext(ctx,
		`SELECT count(*) FROM pragma_table_info('nodes') WHERE name = 'search_top_length'`).Scan(&exists); err != nil {
		return wrapf(err, "read the columns of nodes")
	}
	if exists == 0 {
		if _, err := tx.ExecContext(ctx,
			`ALTER TABLE nodes ADD COLUMN search_top_length INTEGER NOT NULL DEFAULT 0`); err != nil {
			return wrapf(err, "add nodes.search_top_length")
		}
	}
	return s.reindexSearch(ctx, tx)
}

// migrationV7 makes nodes_kind, the index of the nodes by kind and ID,
// UNIQUE, which it is in fact (IDs are the primary key). SQLite takes the
// order of a join from its indexes only through loops it knows give each
// value once ("order-distinct"): with a plain index it cannot tell that
// nodes read by kind come once per ID, so it sorted every row of a
// pattern's first node before paging instead of stopping at the page's
// end (see compiler.ordered).
func migrationV7() []string {
	return []string{
		`DROP INDEX IF EXISTS nodes_kind`,
		`CREATE UNIQUE INDEX IF NOT EXISTS nodes_kind ON nodes (kind, id)`,
	}
}

// migrationV6 adds, for each key with an expression index, an index in the
// order of a descending sort (see builder.orderBy): absent values first, as
// in Cypher, then values descending, then IDs ascending; so that a page of
// nodes sorted descending by the key reads the index in order instead of
// sorting every node of the kind.
func migrationV6() []string {
	var stmts []string
	for _, k := range indexedKeys() {
		p, _ := indexedPath(k)
		stmts = append(stmts, fmt.Sprintf(`CREATE INDEX IF NOT EXISTS nodes_kind_%s_desc ON nodes `+
			`(kind, (json_extract(props, %s) IS NULL) DESC, json_extract(props, %s) DESC, id)`, k, p, p))
	}
	return stmts
}

// migrationV2 adds the full-text index of the nodes' search documents, the
// audit log and the API keys.
//
// node_search holds one row per node, whose rowid is the node's rowid and
// whose text is the folded words of the node's searchable texts, separated
// by spaces (version 8 splits them into three columns: see migrationV8).
// The ascii tokenizer splits at ASCII spaces and punctuation only and
// keeps every non-ASCII byte in its token, so each folded word is exactly
// one token (the words are folded in Go, identically for the documents and
// the query tokens). The table stores no text (content=”) and no positions
// (detail=none): SearchCandidates asks only for token prefixes, never for
// phrases. contentless_delete lets writes delete and replace rows by rowid.
//
// Audit times and key times are stored as UTC RFC 3339 text with exactly
// nine fractional digits (see timeLayout), so that text order is time order
// and the instant round-trips to the nanosecond.
func migrationV2() []string {
	return []string{
		`CREATE VIRTUAL TABLE IF NOT EXISTS node_search USING fts5(
			doc, tokenize = 'ascii', detail = 'none', content = '', contentless_delete = 1)`,
		// The relationships from a node to itself, which Degrees counts
		// once in BOTH; few, so the index is small.
		`CREATE INDEX IF NOT EXISTS edges_loops ON edges (src, type) WHERE src = dst`,
		`CREATE TABLE IF NOT EXISTS changes (
			seq         INTEGER PRIMARY KEY AUTOINCREMENT,
			time        TEXT NOT NULL,
			actor       TEXT NOT NULL,
			op          TEXT NOT NULL,
			target_id   TEXT NOT NULL,
			target_kind TEXT NOT NULL DEFAULT '',
			rel_type    TEXT NOT NULL DEFAULT '',
			src         TEXT NOT NULL DEFAULT '',
			dst         TEXT NOT NULL DEFAULT '',
			before      TEXT CHECK (before IS NULL OR json_valid(before)),
			after       TEXT CHECK (after IS NULL OR json_valid(after))
		) STRICT`,
		// Each index ends with the rowid (seq), so the records of one
		// actor or node come in sequence order.
		`CREATE INDEX IF NOT EXISTS changes_time ON changes (time)`,
		`CREATE INDEX IF NOT EXISTS changes_actor ON changes (actor)`,
		`CREATE INDEX IF NOT EXISTS changes_target ON changes (target_id)`,
		`CREATE INDEX IF NOT EXISTS changes_src ON changes (src)`,
		`CREATE INDEX IF NOT EXISTS changes_dst ON changes (dst)`,
		`CREATE TABLE IF NOT EXISTS api_keys (
			id         TEXT NOT NULL PRIMARY KEY,
			name       TEXT NOT NULL,
			role       TEXT NOT NULL,
			hash       TEXT NOT NULL UNIQUE,
			created_at TEXT NOT NULL,
			revoked_at TEXT
		) STRICT`,
		`CREATE INDEX IF NOT EXISTS api_keys_created ON api_keys (created_at, id)`,
	}
}

// migrationV3 lets traversals read indexes only. Each end of a
// relationship gets a covering index holding the other end and the
// relationship's ID: Expand reads the links (id, type, src, dst) of a node
// from it and Neighbours the other ends, never the table and its
// properties. They replace the (src, type) and (dst, type) indexes of
// version 1, of which they are extensions, so every query that searched
// those searches these. (The kinds of Expand and Neighbours are checked
// in nodes_kind, by kind and ID.)
func migrationV3() []string {
	return []string{
		`CREATE INDEX IF NOT EXISTS edges_src_type_dst ON edges (src, type, dst, id)`,
		`CREATE INDEX IF NOT EXISTS edges_dst_type_src ON edges (dst, type, src, id)`,
		`DROP INDEX IF EXISTS edges_src_type`,
		`DROP INDEX IF EXISTS edges_dst_type`,
	}
}

// migrationV4 gives each end of a relationship an index ordered by the
// other end (then the type): the relationships of one node come out in the
// order of their other ends' IDs whatever their types, so Neighbours of a
// few nodes merges those ordered lists and stops at its limit instead of
// sorting every relationship of the hubs among them (see neighboursQuery).
func migrationV4() []string {
	return []string{
		`CREATE INDEX IF NOT EXISTS edges_src_dst ON edges (src, dst, type)`,
		`CREATE INDEX IF NOT EXISTS edges_dst_src ON edges (dst, src, type)`,
	}
}

// Migrate creates the tables and indexes the store needs and brings an older
// schema up to date. It is idempotent.
func (s *Store) Migrate(ctx context.Context) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx,
			`CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL) STRICT`); err != nil {
			return wrapf(err, "migrate")
		}
		var current int
		if err := tx.QueryRowContext(ctx,
			`SELECT coalesce(max(version), 0) FROM schema_version`).Scan(&current); err != nil {
			return wrapf(err, "migrate: read schema version")
		}
		all := migrations()
		if current > len(all) {
			return fmt.Errorf("sqlite: the database has schema version %d; this program knows only up to %d",
				current, len(all))
		}
		for i := current; i < len(all); i++ {
			for _, stmt := range all[i].stmts {
				if _, err := tx.ExecContext(ctx, stmt); err != nil {
					return wrapf(err, "migrate to version %d", i+1)
				}
			}
			if all[i].run != nil {
				if err := all[i].run(s, ctx, tx); err != nil {
					return wrapf(err, "migrate to version %d", i+1)
				}
			}
		}
		if current < len(all) {
			if _, err := tx.ExecContext(ctx, `DELETE FROM schema_version`); err != nil {
				return wrapf(err, "migrate")
			}
			if _, err := tx.ExecContext(ctx,
				`INSERT INTO schema_version (version) VALUES (?)`, int64(len(all))); err != nil {
				return wrapf(err, "migrate")
			}
		}
		return nil
	})
}
