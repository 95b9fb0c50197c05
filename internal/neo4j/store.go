// Package neo4j implements emnkg.Store on Neo4j 5 with the official Go
// driver.
//
// Every node is stored as (:Node:<Kind> {id, _version, _search, ...props})
// and every relationship as [:<TYPE> {id, ...props}]; _search holds the
// node's emnkg.SearchDocument for the full-text index (see search.go). The
// audit log (:AuditRecord, :AuditCounter, see audit.go) and API keys
// (:APIKey, see apikeys.go) are nodes without the :Node label, which no
// graph query sees. Labels and relationship types are only ever taken from
// the domain's allow-lists (emnkg.Kind and emnkg.RelType), property keys
// only after the domain validated them, and every value travels as a query
// parameter. Every store method runs in one managed transaction
// (ExecuteRead or ExecuteWrite), which the driver retries on transient
// errors; the store's own errors (*emnkg.Error) are never retried.
//
// Besides emnkg.Store the store implements emnkg.Explorer (explore.go,
// search.go, pattern.go, facets.go), emnkg.Editor (edit.go, audit.go,
// apikeys.go) and emnkg.CypherRunner (readcypher.go, cyphervalue.go).
package neo4j

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/config"
)

// Config says how to reach Neo4j.
type Config struct {
	// URI is a bolt:// (direct) or neo4j:// (routing) URI, optionally with
	// +s or +ssc for TLS.
	URI string
	// User and Password authenticate with basic auth; an empty User connects
	// without authentication.
	User     string
	Password string
	// Database is the database to use; "" is the user's home database.
	Database string
}

// verifyTimeout bounds how long Open and Ping wait for Neo4j when the
// caller's context has no earlier deadline.
const verifyTimeout = 15 * time.Second

// Store is an emnkg.Store backed by Neo4j. It is safe for concurrent use.
type Store struct {
	driver neo4j.DriverWithContext
	db     string
	// uri is the configured URI without user information, for messages.
	uri string
	// queryHook, when set (by tests), sees every query the store runs,
	// with its parameters.
	queryHook func(cypher string, params map[string]any)
}

var _ emnkg.Store = (*Store)(nil)

// Open connects to Neo4j and checks that it answers. When Neo4j cannot be
// reached or refuses the credentials it returns an *emnkg.Error with code
// EUNAVAILABLE that names the URI (never the password).
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if strings.TrimSpace(cfg.URI) == "" {
		return nil, emnkg.Errorf(emnkg.EINVALID, "No Neo4j URI configured.")
	}
	shown := redactURI(cfg.URI)
	auth := neo4j.NoAuth()
	if cfg.User != "" {
		auth = neo4j.BasicAuth(cfg.User, cfg.Password, "")
	}
	driver, err := neo4j.NewDriverWithContext(cfg.URI, auth, func(c *config.Config) {
		c.SocketConnectTimeout = 5 * time.Second
		// While Neo4j restarts, requests wait for a connection (and the
		// driver retries transient errors) rather than failing at once;
		// the request timeout bounds the wait. docs/reliability.md
		// measured this setting.
		c.ConnectionAcquisitionTimeout = 30 * time.Second
	})
	if err != nil {
		// The driver's message may quote the URI, so it is not passed on.
		return nil, emnkg.Errorf(emnkg.EINVALID, "Invalid Neo4j URI %q: use bolt://host:port or neo4j://host:port.", shown)
	}
	s := &Store{driver: driver, db: cfg.Database, uri: shown}
	if err := s.Ping(ctx); err != nil {
		_ = driver.Close(context.Background())
		return nil, err
	}
	return s, nil
}

// redactURI returns uri without any user information.
func redactURI(uri string) string {
	u, err := url.Parse(uri)
	if err != nil {
		return "(unparsable URI)"
	}
	u.User = nil
	return u.String()
}

// Ping checks that Neo4j answers and accepts the credentials.
func (s *Store) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, verifyTimeout)
	defer cancel()
	if err := s.driver.VerifyConnectivity(ctx); err != nil {
		return s.unavailable(err)
	}
	return nil
}

// unavailable describes a failure to reach Neo4j as EUNAVAILABLE, keeping
// the driver's error in the chain for logs.
func (s *Store) unavailable(err error) error {
	var dbErr *neo4j.Neo4jError
	msg := fmt.Sprintf("Cannot reach Neo4j at %s.", s.uri)
	if errors.As(err, &dbErr) && dbErr.HasSecurityCode() {
		msg = fmt.Sprintf("Neo4j at %s refused the credentials.", s.uri)
	} else if errors.Is(err, context.DeadlineExceeded) {
		msg = fmt.Sprintf("Neo4j at %s did not answer in time.", s.uri)
	}
	return fmt.Errorf("%w: %w", emnkg.Errorf(emnkg.EUNAVAILABLE, "%s", msg), err)
}

// Close closes the driver and its connections.
func (s *Store) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return s.driver.Close(ctx)
}

// session opens a session on the configured database.
func (s *Store) session(ctx context.Context, mode neo4j.AccessMode) neo4j.SessionWithContext {
	return s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.db, AccessMode: mode})
}

// read runs work in one managed read transaction.
func read[T any](ctx context.Context, s *Store, work func(tx neo4j.ManagedTransaction) (T, error)) (T, error) {
	sess := s.session(ctx, neo4j.AccessModeRead)
	defer func() { _ = sess.Close(context.WithoutCancel(ctx)) }()
	v, err := neo4j.ExecuteRead(ctx, sess, work)
	return v, s.mapError(err)
}

// write runs work in one managed write transaction; the transaction rolls
// back when work returns an error.
func write[T any](ctx context.Context, s *Store, work func(tx neo4j.ManagedTransaction) (T, error)) (T, error) {
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer func() { _ = sess.Close(context.WithoutCancel(ctx)) }()
	v, err := neo4j.ExecuteWrite(ctx, sess, work)
	return v, s.mapError(err)
}

// run runs one query in tx and returns all its records.
func (s *Store) run(ctx context.Context, tx neo4j.ManagedTransaction, cypher string, params map[string]any) ([]*neo4j.Record, error) {
	if s.queryHook != nil {
		s.queryHook(cypher, params)
	}
	res, err := tx.Run(ctx, cypher, params)
	var recs []*neo4j.Record
	if err == nil {
		recs, err = res.Collect(ctx)
	}
	var dbErr *neo4j.Neo4jError
	if errors.As(err, &dbErr) && dbErr.Code == codeConstraintFailed {
		// Another transaction stored the same ID meanwhile: running the
		// transaction again sees it and decides anew.
		dbErr.MarkRetriable()
	}
	return recs, err
}

// codeConstraintFailed is the Neo4j error code of a uniqueness violation.
const codeConstraintFailed = "Neo.ClientError.Schema.ConstraintValidationFailed"

// mapError turns errors from a transaction into the store's errors:
// *emnkg.Error values pass unchanged, Neo4j being unreachable becomes
// EUNAVAILABLE, a few Neo4j errors that the caller can fix get their codes,
// and everything else stays internal (wrapped).
func (s *Store) mapError(err error) error {
	if err == nil {
		return nil
	}
	var appErr *emnkg.Error
	if errors.As(err, &appErr) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("neo4j: %w", err)
	}
	var connErr *neo4j.ConnectivityError
	var limitErr *neo4j.TransactionExecutionLimit
	if errors.As(err, &connErr) {
		return s.unavailable(err)
	}
	if errors.As(err, &limitErr) {
		for _, e := range limitErr.Errors {
			if errors.As(e, &connErr) {
				return s.unavailable(err)
			}
		}
	}
	var dbErr *neo4j.Neo4jError
	if errors.As(err, &dbErr) {
		switch {
		case dbErr.HasSecurityCode():
			return s.unavailable(err)
		case dbErr.Code == codeConstraintFailed:
			// Another transaction stored the same node or relationship ID
			// at the same time.
			return fmt.Errorf("%w: %w", emnkg.Errorf(emnkg.ECONFLICT,
				"An ID was stored concurrently by another import; try again."), err)
		case strings.Contains(dbErr.Msg, "too large to index"):
			return fmt.Errorf("%w: %w", emnkg.Errorf(emnkg.EINVALID,
				"A property value is too long for the store's indexes."), err)
		}
	}
	return fmt.Errorf("neo4j: %w", err)
}

// quote returns name as a Cypher identifier in backticks. Names come from
// the domain's allow-lists or from validated property keys; quoting is a
// second line of defence.
func quote(name string) string {
	return "`" + strings.ReplaceAll(name, "`", "``") + "`"
}
