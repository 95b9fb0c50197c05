// Package neo4jtest helps tests use the shared test Neo4j: a real Neo4j
// that the test command starts with scripts/neo4j.sh and announces in
// EMNKG_TEST_NEO4J_URI (and, when it needs them, EMNKG_TEST_NEO4J_USER,
// EMNKG_TEST_NEO4J_PASSWORD and EMNKG_TEST_NEO4J_DATABASE).
//
// Neo4j Community has a single user database, and go test runs the test
// binaries of several packages at once, so every test that touches the
// database holds an exclusive file lock (see Lock) while it runs. Within one
// test binary, tests that use the database must not run in parallel with
// each other (no t.Parallel): they share, and wipe, the same database.
package neo4jtest

import (
	"context"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emnkg/emnkg/internal/neo4j"
	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// The environment variables that describe the test Neo4j.
const (
	EnvURI      = "EMNKG_TEST_NEO4J_URI"
	EnvUser     = "EMNKG_TEST_NEO4J_USER"
	EnvPassword = "EMNKG_TEST_NEO4J_PASSWORD"
	EnvDatabase = "EMNKG_TEST_NEO4J_DATABASE"
)

// LockFile is the name, in os.TempDir(), of the file that Lock locks; a
// hash of the test database (URI and database name) is inserted before
// its extension, so that tests of different Neo4j servers do not wait for
// each other.
const LockFile = "emnkg-neo4j-test.lock"

// lockPath returns the path of the lock file of the configured test
// database.
func lockPath() string {
	h := fnv.New64a()
	h.Write([]byte(os.Getenv(EnvURI) + "\x00" + os.Getenv(EnvDatabase)))
	name := strings.TrimSuffix(LockFile, ".lock") + fmt.Sprintf("-%016x.lock", h.Sum64())
	return filepath.Join(os.TempDir(), name)
}

// URI returns the URI of the test Neo4j. When none is configured it skips
// the test with a loud message, or fails it when the environment variable
// CI is true: in CI a skipped database test is a failure.
func URI(tb testing.TB) string {
	tb.Helper()
	uri := os.Getenv(EnvURI)
	if uri != "" {
		return uri
	}
	msg := "!!! " + EnvURI + " is not set, so this test, which needs a real Neo4j, does NOT run. " +
		"Start one with `bash scripts/neo4j.sh start /tmp/emnkg-neo4j` and export " +
		EnvURI + "=<the URI it prints> (stop it with `bash scripts/neo4j.sh stop /tmp/emnkg-neo4j`)."
	if ci, _ := strconv.ParseBool(os.Getenv("CI")); ci {
		tb.Fatal(msg)
	} else {
		tb.Skip(msg)
	}
	return ""
}

// Config returns the store configuration of the test Neo4j (see URI for
// what happens when there is none).
func Config(tb testing.TB) neo4j.Config {
	tb.Helper()
	return neo4j.Config{
		URI:      URI(tb),
		User:     os.Getenv(EnvUser),
		Password: os.Getenv(EnvPassword),
		Database: os.Getenv(EnvDatabase),
	}
}

// processLock counts the holders of this process's lock on LockFile. It is
// process-wide state on purpose: the file lock belongs to the process.
var processLock struct {
	mu      sync.Mutex
	holders int
	release func()
}

// Lock takes an exclusive lock on the lock file of the test database (see
// LockFile) until the end of the test (tb.Cleanup), so that only one test
// binary at a time uses the test Neo4j. Within a process the lock is shared: it is taken when the
// first holder asks for it and released when the last one's test ends, so a
// test may call Lock (or NewStore) more than once.
func Lock(tb testing.TB) {
	tb.Helper()
	processLock.mu.Lock()
	defer processLock.mu.Unlock()
	if processLock.holders == 0 {
		path := lockPath()
		release, err := lockFile(path, func() {
			tb.Logf("waiting for %s: another package's Neo4j tests are running", path)
		})
		if err != nil {
			tb.Fatalf("neo4jtest: lock %s: %v", path, err)
		}
		processLock.release = release
	}
	processLock.holders++
	tb.Cleanup(func() {
		processLock.mu.Lock()
		defer processLock.mu.Unlock()
		processLock.holders--
		if processLock.holders == 0 {
			processLock.release()
			processLock.release = nil
		}
	})
}

// NewStore returns a migrated, empty store on the test Neo4j, closed at
// the end of the test. It holds Lock for the test, and wipes all data of
// the database (every call returns a fresh empty store, so earlier stores
// of the same test see their data disappear).
func NewStore(tb testing.TB) *neo4j.Store {
	tb.Helper()
	cfg := Config(tb)
	Lock(tb)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	s, err := neo4j.Open(ctx, cfg)
	if err != nil {
		tb.Fatalf("neo4jtest: open the test Neo4j: %v", err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("neo4jtest: close store: %v", err)
		}
	})
	if err := Wipe(ctx, cfg); err != nil {
		tb.Fatalf("neo4jtest: wipe the test Neo4j: %v", err)
	}
	if err := s.Migrate(ctx); err != nil {
		tb.Fatalf("neo4jtest: migrate the test Neo4j: %v", err)
	}
	return s
}

// wipeBatch is how many nodes Wipe deletes per transaction.
const wipeBatch = 10000

// Wipe deletes every node and relationship of the database that cfg
// names, in batches; constraints and indexes stay. Callers must hold Lock.
func Wipe(ctx context.Context, cfg neo4j.Config) error {
	auth := driver.NoAuth()
	if cfg.User != "" {
		auth = driver.BasicAuth(cfg.User, cfg.Password, "")
	}
	d, err := driver.NewDriverWithContext(cfg.URI, auth)
	if err != nil {
		return err
	}
	defer func() { _ = d.Close(context.WithoutCancel(ctx)) }()
	sess := d.NewSession(ctx, driver.SessionConfig{DatabaseName: cfg.Database, AccessMode: driver.AccessModeWrite})
	defer func() { _ = sess.Close(context.WithoutCancel(ctx)) }()
	for {
		deleted, err := driver.ExecuteWrite(ctx, sess, func(tx driver.ManagedTransaction) (int64, error) {
			res, err := tx.Run(ctx, "MATCH (n) WITH n LIMIT $batch DETACH DELETE n RETURN count(*)",
				map[string]any{"batch": wipeBatch})
			if err != nil {
				return 0, err
			}
			rec, err := res.Single(ctx)
			if err != nil {
				return 0, err
			}
			n, _ := rec.Values[0].(int64)
			return n, nil
		})
		if err != nil {
			return err
		}
		if deleted < wipeBatch {
			return nil
		}
	}
}

// Exec runs one query on the test database in a write transaction and
// returns its records and summary, failing the test on errors. It is for tests that
// need to see or arrange what the store's API does not show; callers hold
// Lock (NewStore takes it).
func Exec(tb testing.TB, cypher string, params map[string]any) *driver.EagerResult {
	tb.Helper()
	cfg := Config(tb)
	ctx := context.Background()
	auth := driver.NoAuth()
	if cfg.User != "" {
		auth = driver.BasicAuth(cfg.User, cfg.Password, "")
	}
	d, err := driver.NewDriverWithContext(cfg.URI, auth)
	if err != nil {
		tb.Fatalf("neo4jtest: %v", err)
	}
	defer func() { _ = d.Close(ctx) }()
	res, err := driver.ExecuteQuery(ctx, d, cypher, params, driver.EagerResultTransformer,
		driver.ExecuteQueryWithDatabase(cfg.Database))
	if err != nil {
		tb.Fatalf("neo4jtest: %s: %v", cypher, err)
	}
	return res
}
