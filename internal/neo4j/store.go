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
// errors for up to Config.RetryTime; the store's own errors (*emnkg.Error)
// are never retried. A background probe asks Neo4j every
// Config.ProbeInterval whether it answers; while it does not, store
// methods wait for it for up to Config.HoldTime and then fail with
// EUNAVAILABLE (resilience.go).
//
// Besides emnkg.Store the store implements emnkg.Explorer (explore.go,
// search.go, pattern.go, facets.go), emnkg.Editor (edit.go, audit.go,
// apikeys.go) and emnkg.CypherRunner (readcypher.go, cyphervalue.go).
package neo4j

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
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
	// RetryTime bounds how long the driver retries a transaction that
	// fails with a transient error (Neo4j away, restarting or busy) and
	// how long a call waits for a connection; 0 means DefaultRetryTime.
	RetryTime time.Duration
	// ProbeInterval is how often the store probes whether Neo4j answers;
	// 0 means DefaultProbeInterval.
	ProbeInterval time.Duration
	// HoldTime is how long a store call (and, through AwaitAvailable,
	// a request of the server) made while Neo4j does not answer waits
	// for it to answer again before failing with EUNAVAILABLE; 0 fails at
	// once. DefaultHoldTime is the suggested value.
	HoldTime time.Duration
	// Logger receives the store's notes on Neo4j going away and coming
	// back; nil discards them.
	Logger *slog.Logger
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
	// avail is whether Neo4j answers, as far as the store knows.
	avail *availability
	// RoundTrips tells an observer of every transaction (see
	// emnkg.RoundTrips).
	emnkg.RoundTrips
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
	if cfg.RetryTime < 0 || cfg.ProbeInterval < 0 || cfg.HoldTime < 0 {
		return nil, emnkg.Errorf(emnkg.EINVALID, "The Neo4j retry time, probe interval and hold time must not be negative.")
	}
	retryTime, interval := cfg.RetryTime, cfg.ProbeInterval
	if retryTime == 0 {
		retryTime = DefaultRetryTime
	}
	if interval == 0 {
		interval = DefaultProbeInterval
	}
	shown := redactURI(cfg.URI)
	auth := neo4j.NoAuth()
	if cfg.User != "" {
		auth = neo4j.BasicAuth(cfg.User, cfg.Password, "")
	}
	driver, err := neo4j.NewDriverWithContext(cfg.URI, auth, func(c *config.Config) {
		c.SocketConnectTimeout = 5 * time.Second
		// While Neo4j restarts, a call already running is retried for
		// at most retryTime and then fails; calls made once the store
		// knows Neo4j is away fail at once (availability).
		// docs/reliability.md measured this setting.
		c.ConnectionAcquisitionTimeout = retryTime
		c.MaxTransactionRetryTime = retryTime
	})
	if err != nil {
		// The driver's message may quote the URI, so it is not passed on.
		return nil, emnkg.Errorf(emnkg.EINVALID, "Invalid Neo4j URI %q: use bolt://host:port or neo4j://host:port.", shown)
	}
	s := &Store{driver: driver, db: cfg.Database, uri: shown}
	verifyCtx, cancel := context.WithTimeout(ctx, verifyTimeout)
	defer cancel()
	if err := s.probe(verifyCtx); err != nil {
		_ = driver.Close(context.Background())
		return nil, err
	}
	s.avail, err = newAvailability(availabilityConfig{probe: s.probe, interval: interval,
		timeout: probeTimeout, hold: cfg.HoldTime, logger: cfg.Logger})
	if err != nil {
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

// Ping checks that Neo4j answers queries on the store's database and that
// the database is migrated (every constraint and index that Migrate
// creates exists). Whether Neo4j answered also updates the store's view of
// its availability (see Available), unless ctx ended first.
func (s *Store) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, verifyTimeout)
	defer cancel()
	if err := s.avail.check(ctx); err != nil {
		return err
	}
	return s.checkMigrated(ctx)
}

// Available returns nil while Neo4j is believed to answer. While the
// store knows it does not, it returns the EUNAVAILABLE error that store
// calls fail with, and how long to wait before trying again.
func (s *Store) Available() (retryAfter time.Duration, err error) {
	if err := s.avail.err(); err != nil {
		return s.avail.retryAfter(), err
	}
	return 0, nil
}

// AwaitAvailable returns nil at once while Neo4j is believed to answer.
// While the store knows it does not, it waits for Neo4j to answer again
// for at most Config.HoldTime, and returns nil as soon as it does; when
// the hold time passes or ctx ends first, it returns what Available
// returns. With no hold time it is Available.
func (s *Store) AwaitAvailable(ctx context.Context) (retryAfter time.Duration, err error) {
	if err := s.avail.wait(ctx); err != nil {
		return s.avail.retryAfter(), err
	}
	return 0, nil
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

// Close stops probing Neo4j and closes the driver and its connections.
func (s *Store) Close() error {
	s.avail.close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return s.driver.Close(ctx)
}

// session opens a session on the configured database.
func (s *Store) session(ctx context.Context, mode neo4j.AccessMode) neo4j.SessionWithContext {
	return s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.db, AccessMode: mode})
}

// read runs work in one managed read transaction. While Neo4j is known
// not to answer, it first waits for it for up to the hold time, and fails
// without running when it does not come back in time. A read that Neo4j
// going away made fail while it ran is run once more when Neo4j answers
// again within the hold time (see readAgain).
func read[T any](ctx context.Context, s *Store, work func(tx neo4j.ManagedTransaction) (T, error)) (T, error) {
	return held(ctx, s, func() (T, error) { return readOnce(ctx, s, work) })
}

// held runs call, which reads, once Neo4j is believed to answer (waiting
// for it for up to the hold time), and once more when it failed because
// Neo4j went away and came back within the hold time (see readAgain).
func held[T any](ctx context.Context, s *Store, call func() (T, error)) (T, error) {
	if err := s.avail.wait(ctx); err != nil {
		var zero T
		return zero, err
	}
	v, err := call()
	if err != nil && s.readAgain(ctx, err) {
		v, err = call()
	}
	return v, err
}

// readOnce runs work in one managed read transaction, with the driver's
// retries.
func readOnce[T any](ctx context.Context, s *Store, work func(tx neo4j.ManagedTransaction) (T, error)) (_ T, err error) {
	defer func(start time.Time) { s.Observe(false, start, err) }(time.Now())
	sess := s.session(ctx, neo4j.AccessModeRead)
	defer func() { _ = sess.Close(context.WithoutCancel(ctx)) }()
	v, err := neo4j.ExecuteRead(ctx, sess, work)
	return v, s.callError(ctx, err)
}

// readAgain tells whether a read that failed with err is to run once
// more: it failed because Neo4j did not answer (EUNAVAILABLE, after the
// driver's retries), the store holds calls (a hold time), and Neo4j
// answers again within the hold time. It probes Neo4j at once, so that a
// Neo4j that went away is known to be away, and waits for it as a new
// call would. A read changed nothing, so running it again is safe; a
// write is never run again, as it may have committed.
func (s *Store) readAgain(ctx context.Context, err error) bool {
	if emnkg.ErrorCode(err) != emnkg.EUNAVAILABLE || s.avail.cfg.hold <= 0 || ctx.Err() != nil {
		return false
	}
	_ = s.avail.check(ctx)
	return s.avail.wait(ctx) == nil
}

// write runs work in one managed write transaction; the transaction rolls
// back when work returns an error. While Neo4j is known not to answer, it
// first waits for it as read does.
func write[T any](ctx context.Context, s *Store, work func(tx neo4j.ManagedTransaction) (T, error)) (_ T, err error) {
	if err := s.avail.wait(ctx); err != nil {
		var zero T
		return zero, err
	}
	defer func(start time.Time) { s.Observe(true, start, err) }(time.Now())
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer func() { _ = sess.Close(context.WithoutCancel(ctx)) }()
	v, err := neo4j.ExecuteWrite(ctx, sess, work)
	return v, s.callError(ctx, err)
}

// callError maps the error of a managed transaction run with ctx (see
// mapError); when ctx ended, the driver's error (which may only quote the
// context's error) is reported as the context's error.
func (s *Store) callError(ctx context.Context, err error) error {
	var appErr *emnkg.Error
	if err == nil || errors.As(err, &appErr) {
		return err
	}
	if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
		return fmt.Errorf("neo4j: %w (%v)", ctxErr, err)
	}
	return s.mapError(err)
}

// run runs one query in tx and returns all its records.
func (s *Store) run(ctx context.Context, tx neo4j.ManagedTransaction, cypher string, params map[string]any) ([]*neo4j.Record, error) {
	var recs []*neo4j.Record
	err := s.each(ctx, tx, cypher, params, func(r *neo4j.Record) (bool, error) {
		recs = append(recs, r)
		return true, nil
	})
	var dbErr *neo4j.Neo4jError
	if errors.As(err, &dbErr) && dbErr.Code == codeConstraintFailed {
		// Another transaction stored the same ID meanwhile: running the
		// transaction again sees it and decides anew.
		dbErr.MarkRetriable()
	}
	if err != nil {
		return nil, err
	}
	return recs, nil
}

// each runs a query in tx and gives f its records one after the other,
// until there are no more, f returns false or an error; the records left
// are never sent (the driver discards them when the transaction ends).
func (s *Store) each(ctx context.Context, tx neo4j.ManagedTransaction, cypher string, params map[string]any,
	f func(*neo4j.Record) (bool, error)) error {
	if s.queryHook != nil {
		s.queryHook(cypher, params)
	}
	res, err := tx.Run(ctx, cypher, params)
	if err != nil {
		return err
	}
	for res.Next(ctx) {
		more, err := f(res.Record())
		if err != nil || !more {
			return err
		}
	}
	return res.Err()
}

// codeConstraintFailed is the Neo4j error code of a uniqueness violation.
const codeConstraintFailed = "Neo.ClientError.Schema.ConstraintValidationFailed"

// mapError turns errors from a transaction into the store's errors:
// *emnkg.Error values pass unchanged; Neo4j being unreachable, restarting
// or busy past the retries becomes EUNAVAILABLE (and makes the store probe
// whether Neo4j still answers); a few Neo4j errors that the caller can fix
// get their codes; everything else stays internal (wrapped). A
// transaction whose retries ran out is mapped by its last error.
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
	last := err
	var limitErr *neo4j.TransactionExecutionLimit
	if errors.As(err, &limitErr) && len(limitErr.Errors) > 0 {
		last = limitErr.Errors[len(limitErr.Errors)-1]
		if errors.As(last, &appErr) {
			return fmt.Errorf("%w (%v)", last, err)
		}
	}
	var connErr *neo4j.ConnectivityError
	if errors.As(last, &connErr) {
		s.avail.suspect()
		if !neo4j.IsRetryable(connErr) {
			// The connection was lost while committing: the driver
			// does not retry, since the commit may have happened.
			return fmt.Errorf("%w: %w", emnkg.Errorf(emnkg.EUNAVAILABLE,
				"The connection to the database was lost while the change was committed: it may or may not have been saved. Read it back before trying again."), err)
		}
		return fmt.Errorf("%w: %w", emnkg.Errorf(emnkg.EUNAVAILABLE,
			"The database did not answer; retry in a few seconds."), err)
	}
	var dbErr *neo4j.Neo4jError
	if errors.As(last, &dbErr) {
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
		case dbErr.IsRetriableTransient() || dbErr.IsRetriableCluster():
			// Neo4j is starting, stopping or busy (the driver's
			// retries ran out).
			s.avail.suspect()
			return fmt.Errorf("%w: %w", emnkg.Errorf(emnkg.EUNAVAILABLE,
				"The database could not serve the request for now; retry in a few seconds."), err)
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
