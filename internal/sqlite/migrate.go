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

// migrations returns the schema migrations, in order. Migration i brings
// the schema to version i+1. Each is idempotent, so that re-running one
// whose version was not recorded is harmless. Never edit a released
// migration; append a new one.
func migrations() [][]string {
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
	return [][]string{v1}
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
			for _, stmt := range all[i] {
				if _, err := tx.ExecContext(ctx, stmt); err != nil {
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
