// Package sqlite implements emnkg.Store, emnkg.Explorer and emnkg.Editor
// over an embedded SQLite database, through the pure-Go driver
// modernc.org/sqlite.
//
// Nodes and relationships live in two tables whose properties are JSON
// objects. Beside them: node_search, an FTS5 index of each node's
// emnkg.SearchWords, written in the same transaction as the node
// (search.go); changes, the audit log, written by Apply in the transaction
// of its change set (edit.go, audit.go); and api_keys (apikeys.go). Graph
// queries compile to SQL with bound parameters only (explore.go,
// pattern.go, facets.go).
//
// Writes go through a single connection (so they are serialised) and take
// the write lock when they begin (BEGIN IMMEDIATE); with synchronous=FULL
// in WAL mode a write that returned survives a crash of the process or the
// machine. Reads use a pool of read-only connections that map the database
// file into memory and, thanks to the WAL journal, run concurrently with
// each other and with the writer.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/emnkg/emnkg/internal/emnkg"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// FileName is the name of the database file inside the store's directory.
const FileName = "emnkg.db"

// busyTimeoutMillis is how long a connection waits for a lock held by
// another connection (or process) before failing with SQLITE_BUSY.
const busyTimeoutMillis = 10000

// Store is the embedded graph store. It is safe for concurrent use.
type Store struct {
	// wdb has a single connection: every write transaction goes through it.
	wdb *sql.DB
	// rdb is a pool of query-only connections for read transactions.
	rdb *sql.DB
	// nodeDefs and edgeDefs cache the property definitions used to
	// normalise what is read; they are never modified after Open.
	nodeDefs map[emnkg.Kind][]emnkg.PropDef
	edgeDefs []emnkg.PropDef
	// nodeIdx and edgeIdx index the same definitions by key, for
	// decodeFast; they are never modified after Open either.
	nodeIdx map[emnkg.Kind]propIndex
	edgeIdx propIndex
	// orderedPatternBudget is how long MatchPattern lets a pattern's
	// ordered plan look for its page (see patternRows); set by Open.
	orderedPatternBudget time.Duration

	// RoundTrips tells an observer of every transaction (see
	// emnkg.RoundTrips).
	emnkg.RoundTrips

	closeOnce sync.Once
	closeErr  error
}

var _ emnkg.Store = (*Store)(nil)

// Open opens (creating it if needed) the store kept in directory dir, in the
// file FileName, and migrates its schema.
func Open(ctx context.Context, dir string) (*Store, error) {
	if dir == "" {
		return nil, emnkg.Errorf(emnkg.EINVALID, "The store needs a directory.")
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("sqlite: create store directory: %w", err)
	}
	path, err := filepath.Abs(filepath.Join(dir, FileName))
	if err != nil {
		return nil, fmt.Errorf("sqlite: store path: %w", err)
	}
	s := &Store{
		nodeDefs:             make(map[emnkg.Kind][]emnkg.PropDef),
		edgeDefs:             emnkg.EdgeProps(),
		nodeIdx:              make(map[emnkg.Kind]propIndex),
		orderedPatternBudget: orderedPatternBudget,
	}
	for _, k := range emnkg.Kinds() {
		s.nodeDefs[k] = emnkg.NodeProps(k)
		s.nodeIdx[k] = newPropIndex(s.nodeDefs[k])
	}
	s.edgeIdx = newPropIndex(s.edgeDefs)

	// The writer is opened (and the schema migrated) first, so that the
	// database file exists and is in WAL mode before any reader opens it.
	s.wdb, err = sql.Open("sqlite", dsn(path, true))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open: %w", err)
	}
	s.wdb.SetMaxOpenConns(1)
	s.wdb.SetMaxIdleConns(1)
	s.wdb.SetConnMaxLifetime(0)
	s.wdb.SetConnMaxIdleTime(0)
	if err := s.Migrate(ctx); err != nil {
		_ = s.wdb.Close()
		return nil, err
	}

	s.rdb, err = sql.Open("sqlite", dsn(path, false))
	if err != nil {
		_ = s.wdb.Close()
		return nil, fmt.Errorf("sqlite: open: %w", err)
	}
	readers := max(4, runtime.GOMAXPROCS(0))
	s.rdb.SetMaxOpenConns(readers)
	s.rdb.SetMaxIdleConns(readers)
	if err := s.Ping(ctx); err != nil {
		_ = s.Close()
		return nil, err
	}
	return s, nil
}

// dsn returns the driver data source name of the database file at path, for
// the writer connection or for a reader.
func dsn(path string, writer bool) string {
	q := url.Values{}
	pragmas := []string{
		fmt.Sprintf("busy_timeout(%d)", busyTimeoutMillis),
		"foreign_keys(1)",
		"synchronous(FULL)",
		"temp_store(MEMORY)",
	}
	if writer {
		// journal_mode is persistent: setting it once, on the writer,
		// puts the file in WAL mode for every connection.
		pragmas = append(pragmas, "journal_mode(WAL)", "cache_size(-65536)")
		// BEGIN IMMEDIATE takes the write lock up front, so a write
		// transaction never fails half-way on a lock upgrade.
		q.Set("_txlock", "immediate")
	} else {
		pragmas = append(pragmas, "query_only(1)", "cache_size(-16384)", "mmap_size(2147418112)")
	}
	q["_pragma"] = pragmas
	// The path is escaped because SQLite reads "file:" names as URIs.
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// Close closes the database. The store cannot be used afterwards; closing
// it again does nothing and returns the first call's error.
func (s *Store) Close() error {
	s.closeOnce.Do(func() { s.closeErr = s.close() })
	return s.closeErr
}

func (s *Store) close() error {
	var errs []error
	if s.rdb != nil {
		errs = append(errs, s.rdb.Close())
	}
	if s.wdb != nil {
		// Let SQLite refresh its planner statistics where useful; a
		// failure here does not matter.
		_, _ = s.wdb.Exec("PRAGMA optimize")
		errs = append(errs, s.wdb.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("sqlite: close: %w", err)
	}
	return nil
}

// Ping checks that the database answers a trivial query.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	if err := s.rdb.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("sqlite: ping: %w", err)
	}
	return nil
}

// read runs fn in a read transaction, which sees one consistent snapshot of
// the database.
func (s *Store) read(ctx context.Context, fn func(tx *sql.Tx) error) (err error) {
	defer func(start time.Time) { s.Observe(false, start, err) }(time.Now())
	tx, err := s.rdb.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("sqlite: begin read: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: end read: %w", err)
	}
	return nil
}

// write runs fn in a write transaction, committed only when fn succeeds.
func (s *Store) write(ctx context.Context, fn func(tx *sql.Tx) error) (err error) {
	defer func(start time.Time) { s.Observe(true, start, err) }(time.Now())
	tx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: begin write: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: commit: %w", err)
	}
	return nil
}

// wrapf wraps a driver error as an internal error, keeping *emnkg.Error
// values (which are meant for the caller) as they are.
func wrapf(err error, format string, args ...any) error {
	var e *emnkg.Error
	if err == nil || errors.As(err, &e) {
		return err
	}
	return fmt.Errorf("sqlite: "+format+": %w", append(args, err)...)
}

// nodeDefsOf returns the property definitions of a kind.
func (s *Store) nodeDefsOf(k emnkg.Kind) []emnkg.PropDef {
	if d, ok := s.nodeDefs[k]; ok {
		return d
	}
	return emnkg.NodeProps(k)
}

// nodeProps decodes the stored properties of a node of kind k.
func (s *Store) nodeProps(k emnkg.Kind, id, text string) (map[string]any, error) {
	idx, ok := s.nodeIdx[k]
	if !ok {
		return decodeProps(s.nodeDefsOf(k), "node", id, text)
	}
	return decodeFast(idx, s.nodeDefs[k], "node", id, text)
}

// edgeProps decodes the stored properties of a relationship.
func (s *Store) edgeProps(id, text string) (map[string]any, error) {
	return decodeFast(s.edgeIdx, s.edgeDefs, "relationship", id, text)
}

// quoteLiteral returns s as an SQL string literal. It is used only for the
// compile-time constant JSON paths of the expression indexes.
func quoteLiteral(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
