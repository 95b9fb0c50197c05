package neo4j

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Defaults of the resilience settings of Config.
const (
	// DefaultRetryTime bounds the driver's retries of one transaction
	// and its wait for a connection. The driver waits about 2 s and then
	// about 4 s between attempts, so with 5 s a call that keeps failing
	// ends after about 6 s.
	DefaultRetryTime = 5 * time.Second
	// DefaultProbeInterval is how often the store probes whether Neo4j
	// answers (a trivial query).
	DefaultProbeInterval = time.Second
	// DefaultHoldTime is the hold time that emnkg's configuration
	// suggests (Config.HoldTime, whose zero value means no hold): long
	// enough for a restart of Neo4j of up to about 20 s, and shorter than
	// the server's default request timeout (30 s), so that a held request
	// still has time to run.
	DefaultHoldTime = 20 * time.Second
)

// probeTimeout bounds one probe of Neo4j.
const probeTimeout = 5 * time.Second

// downProbeInterval is the longest interval between probes while Neo4j
// does not answer: a probe then fails at once (the connection is refused)
// or soon (the database is not yet available), so probing often is cheap
// and lets held calls go as soon as Neo4j answers again.
const downProbeInterval = 250 * time.Millisecond

// availabilityConfig configures an availability.
type availabilityConfig struct {
	// probe tells whether Neo4j answers now; it returns nil when it does.
	probe func(ctx context.Context) error
	// interval is the time between probes while Neo4j answers, timeout
	// the limit of one probe.
	interval, timeout time.Duration
	// hold is how long wait waits for Neo4j while it does not answer;
	// zero fails at once.
	hold time.Duration
	// logger receives the transitions; nil discards them.
	logger *slog.Logger
}

// availability is the store's view of whether Neo4j answers, so that
// calls made while it does not wait for it to come back for a bounded
// time (the hold time) instead of each waiting for the driver's retries
// to run out, and fail at once with EUNAVAILABLE when there is no hold
// time.
//
// A background loop probes Neo4j every interval (every
// downProbeInterval at most while Neo4j does not answer), and at once
// when a store call failed as if Neo4j were away (suspect). A probe that
// fails marks Neo4j unavailable; the next one that succeeds marks it
// available, which releases the calls held by wait. Ping probes too (for
// /readyz), with the same effect.
//
// Calls already running when Neo4j goes away are left to the driver's
// retries, which Config.RetryTime bounds: they complete if Neo4j comes
// back in time. Otherwise a read is held like a new call and run once
// more (Store.readAgain), and a write fails once.
type availability struct {
	cfg availabilityConfig

	// wake asks the loop for a probe at once; ctx ends the loop when the
	// store closes (stop).
	wake chan struct{}
	ctx  context.Context
	stop context.CancelFunc
	wg   sync.WaitGroup

	mu sync.Mutex
	// down is set while Neo4j is known not to answer, since when, and
	// why (the last failed probe).
	down  bool
	since time.Time
	cause error
	// back is closed when Neo4j is marked available again; a new one is
	// made each time it is marked unavailable.
	back chan struct{}
}

// newAvailability starts probing a Neo4j that answered just now. Call
// close to stop it.
func newAvailability(cfg availabilityConfig) (*availability, error) {
	if cfg.probe == nil {
		return nil, errors.New("neo4j: availability needs a probe")
	}
	if cfg.interval <= 0 || cfg.timeout <= 0 {
		return nil, emnkg.Errorf(emnkg.EINVALID, "The Neo4j probe interval and timeout must be positive, not %s and %s.", cfg.interval, cfg.timeout)
	}
	if cfg.hold < 0 {
		return nil, emnkg.Errorf(emnkg.EINVALID, "The Neo4j hold time must not be negative, not %s.", cfg.hold)
	}
	if cfg.logger == nil {
		cfg.logger = slog.New(slog.DiscardHandler)
	}
	ctx, stop := context.WithCancel(context.Background())
	a := &availability{cfg: cfg, wake: make(chan struct{}, 1), ctx: ctx, stop: stop}
	a.wg.Add(1)
	go a.loop()
	return a, nil
}

// err returns nil while Neo4j is believed to answer, and otherwise the
// EUNAVAILABLE error that store calls fail with without running.
func (a *availability) err() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.down {
		return nil
	}
	return fmt.Errorf("%w: %w", emnkg.Errorf(emnkg.EUNAVAILABLE,
		"The database has not answered since %s; the request was not run. Retry in a few seconds.",
		a.since.UTC().Format(time.RFC3339)), a.cause)
}

// wait returns nil at once while Neo4j is believed to answer. While it
// is not, wait holds the caller until Neo4j is marked available again
// (then it returns nil), for at most the hold time: when that passes, or
// ctx ends first, it returns the EUNAVAILABLE error of err (with ctx's
// error in the chain when ctx ended). With no hold time it returns that
// error at once.
func (a *availability) wait(ctx context.Context) error {
	a.mu.Lock()
	if !a.down {
		a.mu.Unlock()
		return nil
	}
	back := a.back
	a.mu.Unlock()
	if a.cfg.hold > 0 {
		timer := time.NewTimer(a.cfg.hold)
		defer timer.Stop()
		select {
		case <-back:
			return nil
		case <-timer.C:
		case <-ctx.Done():
		}
	}
	err := a.err()
	if err != nil && ctx.Err() != nil {
		err = fmt.Errorf("%w (%w)", err, context.Cause(ctx))
	}
	return err
}

// retryAfter is how long a client refused by err should wait before
// trying again: the probe interval.
func (a *availability) retryAfter() time.Duration { return a.cfg.interval }

// suspect is told that a store call failed as if Neo4j were away: the
// loop probes at once (once for any number of calls meanwhile).
func (a *availability) suspect() {
	select {
	case a.wake <- struct{}{}:
	default:
	}
}

// check probes Neo4j now, on behalf of a caller (Ping), and returns the
// outcome. The outcome is recorded unless ctx ended first (the caller
// gave up, which says nothing about Neo4j).
func (a *availability) check(ctx context.Context) error {
	err := a.probeOnce(ctx)
	if ctx.Err() != nil {
		if err == nil {
			err = ctx.Err()
		}
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.recordLocked(err)
	return err
}

// close stops the loop and waits for it to return.
func (a *availability) close() {
	a.stop()
	a.wg.Wait()
}

// probeOnce runs one probe, bounded by the probe timeout.
func (a *availability) probeOnce(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, a.cfg.timeout)
	defer cancel()
	return a.cfg.probe(ctx)
}

// loop probes every interval (more often while Neo4j is down), and at
// once when woken, until the store closes.
func (a *availability) loop() {
	defer a.wg.Done()
	timer := time.NewTimer(a.cfg.interval)
	defer timer.Stop()
	for {
		select {
		case <-a.ctx.Done():
			return
		case <-timer.C:
		case <-a.wake:
		}
		err := a.probeOnce(a.ctx)
		if a.ctx.Err() != nil {
			return
		}
		a.mu.Lock()
		a.recordLocked(err)
		next := a.cfg.interval
		if a.down {
			next = min(next, downProbeInterval)
		}
		a.mu.Unlock()
		timer.Reset(next)
	}
}

// recordLocked records the outcome of a probe, releases the held calls
// when Neo4j answers again, and logs the transitions; a.mu must be held.
func (a *availability) recordLocked(err error) {
	now := time.Now()
	switch {
	case err != nil && !a.down:
		a.down, a.since, a.cause = true, now, err
		a.back = make(chan struct{})
		a.cfg.logger.Warn("Neo4j does not answer: store calls wait for it (hold time) or fail at once until a probe succeeds",
			"error", err.Error(), "hold_time", a.cfg.hold.String(), "probe_interval", min(a.cfg.interval, downProbeInterval).String())
	case err != nil:
		a.cause = err
	case a.down:
		a.down, a.cause = false, nil
		close(a.back)
		a.cfg.logger.Info("Neo4j answers again", "unavailable_ms", now.Sub(a.since).Milliseconds())
	}
}

// probe tells whether Neo4j answers queries on the store's database now:
// it verifies the connectivity (which also drops pooled connections that
// died, checking each) and runs a trivial query in an auto-commit
// transaction, which the driver does not retry. A failure is EUNAVAILABLE.
func (s *Store) probe(ctx context.Context) error {
	if err := s.driver.VerifyConnectivity(ctx); err != nil {
		return s.unavailable(err)
	}
	sess := s.session(ctx, neo4j.AccessModeRead)
	defer func() { _ = sess.Close(context.WithoutCancel(ctx)) }()
	res, err := sess.Run(ctx, "RETURN 1", nil)
	if err == nil {
		_, err = res.Consume(ctx)
	}
	if err != nil {
		return s.unavailable(err)
	}
	return nil
}

// checkMigrated returns EUNAVAILABLE unless every constraint and index
// that Migrate creates exists.
func (s *Store) checkMigrated(ctx context.Context) error {
	sess := s.session(ctx, neo4j.AccessModeRead)
	defer func() { _ = sess.Close(context.WithoutCancel(ctx)) }()
	have := map[string]bool{}
	for _, q := range []string{"SHOW CONSTRAINTS YIELD name RETURN name", "SHOW INDEXES YIELD name RETURN name"} {
		res, err := sess.Run(ctx, q, nil)
		var recs []*neo4j.Record
		if err == nil {
			recs, err = res.Collect(ctx)
		}
		if err != nil {
			return s.unavailable(err)
		}
		for _, r := range recs {
			if name, ok := r.Values[0].(string); ok {
				have[name] = true
			}
		}
	}
	var missing []string
	for _, item := range schema() {
		if !have[item.name] {
			missing = append(missing, item.name)
		}
	}
	if len(missing) > 0 {
		return emnkg.Errorf(emnkg.EUNAVAILABLE, "Neo4j at %s answers but is not migrated (%d of %d constraints and indexes missing, such as %s): run emnkg migrate.",
			s.uri, len(missing), len(schema()), missing[0])
	}
	return nil
}
