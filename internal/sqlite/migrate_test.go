package sqlite

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// indexNames returns the names of the indexes of a table, sorted, without
// SQLite's automatic ones.
func indexNames(tb testing.TB, s *Store, table string) []string {
	tb.Helper()
	rows, err := s.rdb.Query(`SELECT name FROM sqlite_master
		WHERE type = 'index' AND tbl_name = ?1 AND name NOT LIKE 'sqlite_autoindex_%' ORDER BY name`, table)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			tb.Fatal(err)
		}
		out = append(out, name)
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// writeOldDatabase writes, in dir, a database of schema version v: the
// statements of the first v migrations (without their Go steps), then
// extra.
func writeOldDatabase(tb testing.TB, dir string, v int, extra ...string) {
	tb.Helper()
	db, err := sql.Open("sqlite", dsn(filepath.Join(dir, FileName), true))
	if err != nil {
		tb.Fatal(err)
	}
	stmts := []string{`CREATE TABLE schema_version (version INTEGER NOT NULL) STRICT`,
		fmt.Sprintf(`INSERT INTO schema_version (version) VALUES (%d)`, v)}
	for _, m := range migrations()[:v] {
		stmts = append(stmts, m.stmts...)
	}
	for _, st := range append(stmts, extra...) {
		if _, err := db.Exec(st); err != nil {
			tb.Fatalf("%s: %v", st, err)
		}
	}
	if err := db.Close(); err != nil {
		tb.Fatal(err)
	}
}

// TestMigrateFromVersion2 opens a database written by the second schema
// version: Migrate replaces the (end, type) indexes of the relationships by
// the covering ones and adds those ordered by the other end (versions 3
// and 4), and traversals then answer from them. Migrating again changes
// nothing.
func TestMigrateFromVersion2(t *testing.T) {
	dir := t.TempDir()
	writeOldDatabase(t, dir, 2,
		`INSERT INTO nodes (id, kind, version, props) VALUES
			('syn-t1', 'GlossaryTerm', 1, '{"prefLabel_en":"return","synthetic":true}'),
			('syn-d1', 'Document', 1, '{"synthetic":true,"title":"Return study"}'),
			('syn-d2', 'Document', 1, '{"synthetic":true,"title":"Asylum study"}')`,
		`INSERT INTO edges (id, type, src, dst, props) VALUES
			('syn-d1|USES_TERM|syn-t1', 'USES_TERM', 'syn-d1', 'syn-t1', '{}'),
			('syn-d2|USES_TERM|syn-t1', 'USES_TERM', 'syn-d2', 'syn-t1', '{}'),
			('syn-d1|AMENDS|syn-d2', 'AMENDS', 'syn-d1', 'syn-d2', '{}')`)

	s := openTestStore(t, dir)
	ctx := t.Context()
	wantIndexes := []string{"edges_dst_src", "edges_dst_type_src", "edges_loops", "edges_src_dst", "edges_src_type_dst", "edges_type"}
	for range 2 {
		var version int
		if err := s.rdb.QueryRow(`SELECT version FROM schema_version`).Scan(&version); err != nil || version != len(migrations()) {
			t.Fatalf("schema version %d (%v), want %d", version, err, len(migrations()))
		}
		if got := indexNames(t, s, "edges"); !slices.Equal(got, wantIndexes) {
			t.Errorf("indexes of edges: %q, want %q", got, wantIndexes)
		}
		ids, err := s.Neighbours(ctx, emnkg.ExpandQuery{NodeIDs: []string{"syn-t1"}, Direction: emnkg.DirectionBoth, Limit: 10})
		if err != nil || !slices.Equal(ids, []string{"syn-d1", "syn-d2"}) {
			t.Errorf("Neighbours of syn-t1: %q (%v)", ids, err)
		}
		exp, err := s.Expand(ctx, emnkg.ExpandQuery{NodeIDs: []string{"syn-d1"}, Direction: emnkg.DirectionOut, Limit: 1})
		want := []emnkg.Link{{ID: "syn-d1|AMENDS|syn-d2", Type: emnkg.RelAmends, From: "syn-d1", To: "syn-d2"}}
		if err != nil || !slices.Equal(exp.Links, want) || !exp.Truncated {
			t.Errorf("Expand of syn-d1: %+v (%v)", exp, err)
		}
		if err := s.Migrate(ctx); err != nil {
			t.Fatalf("Migrate again: %v", err)
		}
	}
}
