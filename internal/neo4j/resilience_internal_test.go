package neo4j

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// fakeNeo4j is a probe whose answer the test sets, counting the probes.
type fakeNeo4j struct {
	mu     sync.Mutex
	up     bool
	probes int
}

func (f *fakeNeo4j) probe(ctx context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.probes++
	if !f.up {
		return emnkg.Errorf(emnkg.EUNAVAILABLE, "Cannot reach Neo4j.")
	}
	return nil
}

func (f *fakeNeo4j) set(up bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.up = up
}

func (f *fakeNeo4j) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.probes
}

// newTestAvailability returns an availability over f that probes every
// second, without hold time, closed at the end of the test.
func newTestAvailability(t *testing.T, f *fakeNeo4j) *availability {
	t.Helper()
	return newTestAvailabilityWith(t, availabilityConfig{probe: f.probe})
}

// newTestAvailabilityWith returns an availability configured by cfg, with
// a probe interval of a second and the probe timeout unless set, closed
// at the end of the test.
func newTestAvailabilityWith(t *testing.T, cfg availabilityConfig) *availability {
	t.Helper()
	if cfg.interval == 0 {
		cfg.interval = time.Second
	}
	if cfg.timeout == 0 {
		cfg.timeout = probeTimeout
	}
	a, err := newAvailability(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.close)
	return a
}

// The tests run in synctest bubbles: time is fake and synctest.Wait
// returns once the probe loop is blocked, so nothing depends on sleeping.

func TestAvailabilityFailsFastWhileDownAndRecovers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fakeNeo4j{up: true}
		a := newTestAvailability(t, f)
		if err := a.err(); err != nil {
			t.Fatalf("a new store: %v, want available", err)
		}

		// A call fails as if Neo4j were away; a probe runs at once and
		// confirms it.
		f.set(false)
		a.suspect()
		synctest.Wait()
		err := a.err()
		if emnkg.ErrorCode(err) != emnkg.EUNAVAILABLE {
			t.Fatalf("after a failed probe: %v, want EUNAVAILABLE", err)
		}
		if f.count() != 1 {
			t.Errorf("%d probes, want 1 (at once)", f.count())
		}

		// Probes repeat every 250 ms while Neo4j is away.
		time.Sleep(3*time.Second + time.Millisecond)
		synctest.Wait()
		if got := f.count(); got != 13 {
			t.Errorf("%d probes after 3 s down, want 13 (four per second)", got)
		}
		if emnkg.ErrorCode(a.err()) != emnkg.EUNAVAILABLE {
			t.Errorf("still down: %v, want EUNAVAILABLE", a.err())
		}

		// Neo4j is back: the next probe notices, by itself.
		f.set(true)
		time.Sleep(downProbeInterval)
		synctest.Wait()
		if err := a.err(); err != nil {
			t.Fatalf("after Neo4j came back: %v, want available", err)
		}
		// Back to one probe per interval.
		n := f.count()
		time.Sleep(time.Second)
		synctest.Wait()
		if got := f.count() - n; got != 1 {
			t.Errorf("%d probes in the second after Neo4j came back, want 1", got)
		}
	})
}

func TestAvailabilityNoticesWithoutCalls(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fakeNeo4j{up: true}
		a := newTestAvailability(t, f)
		// Probes go on while Neo4j answers, one per interval.
		time.Sleep(10*time.Second + time.Millisecond)
		synctest.Wait()
		if got := f.count(); got != 10 {
			t.Errorf("%d probes in 10 s, want 10", got)
		}
		// Neo4j goes away while no call runs: the next probe notices.
		f.set(false)
		time.Sleep(time.Second)
		synctest.Wait()
		if emnkg.ErrorCode(a.err()) != emnkg.EUNAVAILABLE {
			t.Errorf("one interval after Neo4j went away: %v, want EUNAVAILABLE", a.err())
		}
	})
}

func TestAvailabilityIgnoresAFalseAlarm(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fakeNeo4j{up: true}
		a := newTestAvailability(t, f)
		a.suspect()
		synctest.Wait()
		if f.count() != 1 {
			t.Errorf("%d probes, want 1 (at once)", f.count())
		}
		if err := a.err(); err != nil {
			t.Fatalf("after a successful probe: %v, want available", err)
		}
	})
}

func TestAvailabilityCheck(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fakeNeo4j{}
		a := newTestAvailability(t, f)

		// A caller that gives up says nothing about Neo4j.
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if err := a.check(ctx); err == nil {
			t.Error("check with an ended context succeeded")
		}
		if err := a.err(); err != nil {
			t.Fatalf("after a cancelled check: %v, want still available", err)
		}

		// A failed check marks Neo4j down; the probes notice by
		// themselves when it is back.
		if err := a.check(t.Context()); emnkg.ErrorCode(err) != emnkg.EUNAVAILABLE {
			t.Fatalf("check while down: %v, want EUNAVAILABLE", err)
		}
		if emnkg.ErrorCode(a.err()) != emnkg.EUNAVAILABLE {
			t.Fatalf("after a failed check: %v, want EUNAVAILABLE", a.err())
		}
		f.set(true)
		time.Sleep(2 * time.Second)
		synctest.Wait()
		if err := a.err(); err != nil {
			t.Fatalf("Neo4j back, no check made: %v, want available", err)
		}

		// A successful check marks it up at once.
		f.set(false)
		a.suspect()
		synctest.Wait()
		f.set(true)
		if err := a.check(t.Context()); err != nil {
			t.Fatalf("check: %v", err)
		}
		if err := a.err(); err != nil {
			t.Fatalf("after a successful check: %v, want available", err)
		}
	})
}

func TestAvailabilityProbeTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// A Neo4j that does not answer at all: each probe ends at its
		// timeout, and counts as a failure.
		hung := func(ctx context.Context) error {
			<-ctx.Done()
			return ctx.Err()
		}
		a := newTestAvailabilityWith(t, availabilityConfig{probe: hung, timeout: 5 * time.Second})
		a.suspect()
		time.Sleep(5*time.Second + time.Millisecond)
		synctest.Wait()
		if !errors.Is(a.err(), context.DeadlineExceeded) {
			t.Fatalf("after a probe timed out: %v, want unavailable because of the deadline", a.err())
		}
	})
}

func TestAvailabilityCloseStopsProbing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fakeNeo4j{}
		a, err := newAvailability(availabilityConfig{probe: f.probe, interval: time.Second, timeout: probeTimeout})
		if err != nil {
			t.Fatal(err)
		}
		a.suspect()
		synctest.Wait()
		a.close() // returns once the loop has: synctest fails on a leak
		n := f.count()
		a.suspect()
		time.Sleep(5 * time.Second)
		a.close() // a second close does no harm
		if f.count() != n {
			t.Errorf("%d probes after close", f.count()-n)
		}
	})
}

func TestNewAvailabilityRefusesBadSettings(t *testing.T) {
	f := &fakeNeo4j{}
	s := time.Second
	for _, c := range []availabilityConfig{
		{interval: 0, timeout: s}, {interval: s, timeout: 0}, {interval: -s, timeout: s},
		{interval: s, timeout: s, hold: -s},
	} {
		c.probe = f.probe
		if a, err := newAvailability(c); err == nil {
			a.close()
			t.Errorf("interval %s, timeout %s, hold %s: accepted", c.interval, c.timeout, c.hold)
		}
	}
	if _, err := newAvailability(availabilityConfig{interval: s, timeout: s}); err == nil {
		t.Error("no probe: accepted")
	}
}

// TestStoreCallsFailFastWhileDown checks that read, write and read-only
// Cypher refuse to run while Neo4j is known to be away: the store has no driver, so any
// attempt to run would panic.
func TestStoreCallsFailFastWhileDown(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fakeNeo4j{}
		s := &Store{uri: "bolt://127.0.0.1:1", avail: newTestAvailability(t, f)}
		s.avail.suspect()
		synctest.Wait()
		work := func(tx neo4j.ManagedTransaction) (int, error) {
			t.Error("work ran while Neo4j was down")
			return 0, nil
		}
		if _, err := read(t.Context(), s, work); emnkg.ErrorCode(err) != emnkg.EUNAVAILABLE {
			t.Errorf("read: %v, want EUNAVAILABLE", err)
		}
		if _, err := write(t.Context(), s, work); emnkg.ErrorCode(err) != emnkg.EUNAVAILABLE {
			t.Errorf("write: %v, want EUNAVAILABLE", err)
		}
		q := emnkg.CypherQuery{Query: "RETURN 1", MaxRows: 1, Timeout: time.Second}
		if _, err := s.RunReadCypher(t.Context(), q); emnkg.ErrorCode(err) != emnkg.EUNAVAILABLE {
			t.Errorf("RunReadCypher: %v, want EUNAVAILABLE", err)
		}
		retryAfter, err := s.Available()
		if emnkg.ErrorCode(err) != emnkg.EUNAVAILABLE || retryAfter != time.Second {
			t.Errorf("Available: %s, %v; want 1s, EUNAVAILABLE", retryAfter, err)
		}
	})
}

func TestMapError(t *testing.T) {
	transient := &neo4j.Neo4jError{Code: "Neo.TransientError.General.DatabaseUnavailable", Msg: "The database is not currently available."}
	constraint := &neo4j.Neo4jError{Code: codeConstraintFailed, Msg: "already exists"}
	conn := &neo4j.ConnectivityError{Inner: errors.New("connection refused")}
	limit := func(errs ...error) error {
		return &neo4j.TransactionExecutionLimit{Cause: "timeout (exceeded max retry time: 5s)", Errors: errs}
	}
	cases := []struct {
		name    string
		err     error
		code    string
		suspect bool
	}{
		{"connectivity", conn, emnkg.EUNAVAILABLE, true},
		{"retries ran out: connectivity", limit(transient, conn), emnkg.EUNAVAILABLE, true},
		{"retries ran out: database unavailable", limit(conn, transient), emnkg.EUNAVAILABLE, true},
		{"retries ran out: constraint", limit(constraint, constraint), emnkg.ECONFLICT, false},
		{"retries ran out: domain error", limit(emnkg.Errorf(emnkg.ENOTFOUND, "gone")), emnkg.ENOTFOUND, false},
		{"constraint", constraint, emnkg.ECONFLICT, false},
		{"credentials", &neo4j.Neo4jError{Code: "Neo.ClientError.Security.Unauthorized"}, emnkg.EUNAVAILABLE, false},
		{"syntax", &neo4j.Neo4jError{Code: "Neo.ClientError.Statement.SyntaxError"}, emnkg.EINTERNAL, false},
		{"domain", emnkg.Errorf(emnkg.EINVALID, "bad"), emnkg.EINVALID, false},
		{"deadline", fmt.Errorf("x: %w", context.DeadlineExceeded), emnkg.EINTERNAL, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := &fakeNeo4j{up: true}
				s := &Store{uri: "bolt://127.0.0.1:1", avail: newTestAvailability(t, f)}
				err := s.mapError(c.err)
				if got := emnkg.ErrorCode(err); got != c.code {
					t.Errorf("code %s (%v), want %s", got, err, c.code)
				}
				synctest.Wait()
				if probed := f.count() > 0; probed != c.suspect {
					t.Errorf("probed: %v, want %v", probed, c.suspect)
				}
			})
		})
	}
}

func TestCallErrorReportsTheContext(t *testing.T) {
	s := &Store{}
	ctx, cancel := context.WithTimeout(t.Context(), 0)
	defer cancel()
	<-ctx.Done()
	err := s.callError(ctx, &neo4j.TransactionExecutionLimit{Cause: "context deadline exceeded", Errors: []error{errors.New("x")}})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("%v, want the context's deadline", err)
	}
	appErr := emnkg.Errorf(emnkg.ENOTFOUND, "gone")
	if err := s.callError(ctx, appErr); err != appErr {
		t.Errorf("%v, want the domain error unchanged", err)
	}
}

// heldCall is a call of wait made in its own goroutine: when it returned
// and with what.
type heldCall struct {
	mu       sync.Mutex
	returned bool
	at       time.Time
	err      error
}

// holdCall calls a.wait(ctx) in a new goroutine.
func holdCall(a *availability, ctx context.Context) *heldCall {
	c := &heldCall{}
	go func() {
		err := a.wait(ctx)
		c.mu.Lock()
		defer c.mu.Unlock()
		c.returned, c.at, c.err = true, time.Now(), err
	}()
	return c
}

// result tells whether the call returned, and how.
func (c *heldCall) result() (returned bool, at time.Time, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.returned, c.at, c.err
}

// downAvailability returns an availability with the given hold time over
// a Neo4j that has just been found away.
func downAvailability(t *testing.T, f *fakeNeo4j, hold time.Duration) *availability {
	t.Helper()
	a := newTestAvailabilityWith(t, availabilityConfig{probe: f.probe, hold: hold})
	f.set(false)
	a.suspect()
	synctest.Wait()
	if emnkg.ErrorCode(a.err()) != emnkg.EUNAVAILABLE {
		t.Fatalf("after a failed probe: %v, want EUNAVAILABLE", a.err())
	}
	return a
}

func TestHeldCallIsReleasedWhenNeo4jAnswers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fakeNeo4j{up: true}
		a := downAvailability(t, f, 20*time.Second)
		start := time.Now()
		call := holdCall(a, t.Context())
		time.Sleep(5 * time.Second)
		synctest.Wait()
		if returned, _, err := call.result(); returned {
			t.Fatalf("the call returned (%v) while Neo4j was away, within the hold time", err)
		}
		// Neo4j answers again: the next probe (within 250 ms) releases
		// the call.
		f.set(true)
		time.Sleep(downProbeInterval)
		synctest.Wait()
		returned, at, err := call.result()
		if !returned || err != nil {
			t.Fatalf("after Neo4j answered again: returned %v, %v; want released without error", returned, err)
		}
		if held := at.Sub(start); held > 5*time.Second+downProbeInterval {
			t.Errorf("held %s, want at most %s (until the first probe after Neo4j came back)", held, 5*time.Second+downProbeInterval)
		}
		// A new call does not wait.
		if err := a.wait(t.Context()); err != nil {
			t.Errorf("a call once Neo4j answers: %v", err)
		}
	})
}

func TestHeldCallFailsWhenTheHoldTimeEnds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fakeNeo4j{up: true}
		a := downAvailability(t, f, 20*time.Second)
		start := time.Now()
		call := holdCall(a, t.Context())
		time.Sleep(20*time.Second - time.Millisecond)
		synctest.Wait()
		if returned, _, _ := call.result(); returned {
			t.Fatal("the call returned before the hold time ended")
		}
		time.Sleep(time.Millisecond)
		synctest.Wait()
		returned, at, err := call.result()
		if !returned || emnkg.ErrorCode(err) != emnkg.EUNAVAILABLE {
			t.Fatalf("after the hold time: returned %v, %v; want EUNAVAILABLE", returned, err)
		}
		if held := at.Sub(start); held != 20*time.Second {
			t.Errorf("held %s, want the hold time, 20s", held)
		}
	})
}

func TestHeldCallHonoursItsContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fakeNeo4j{up: true}
		a := downAvailability(t, f, 20*time.Second)
		ctx, cancel := context.WithCancel(t.Context())
		call := holdCall(a, ctx)
		time.Sleep(3 * time.Second)
		cancel()
		synctest.Wait()
		returned, _, err := call.result()
		if !returned || emnkg.ErrorCode(err) != emnkg.EUNAVAILABLE || !errors.Is(err, context.Canceled) {
			t.Fatalf("after the caller gave up: returned %v, %v; want EUNAVAILABLE because of the cancellation", returned, err)
		}
	})
}

func TestZeroHoldTimeFailsFast(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fakeNeo4j{up: true}
		a := downAvailability(t, f, 0)
		start := time.Now()
		err := a.wait(t.Context())
		if emnkg.ErrorCode(err) != emnkg.EUNAVAILABLE {
			t.Fatalf("wait without hold time: %v, want EUNAVAILABLE", err)
		}
		if time.Since(start) != 0 {
			t.Errorf("wait without hold time took %s, want no time", time.Since(start))
		}
	})
}

// TestStoreCallsAreHeldWhileDown checks that read and write wait for
// Neo4j within the hold time, and fail without running when it does not
// come back (the store has no driver: running would panic).
func TestStoreCallsAreHeldWhileDown(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fakeNeo4j{up: true}
		s := &Store{uri: "bolt://127.0.0.1:1", avail: downAvailability(t, f, 10*time.Second)}
		work := func(tx neo4j.ManagedTransaction) (int, error) {
			t.Error("work ran while Neo4j was down")
			return 0, nil
		}
		start := time.Now()
		if _, err := read(t.Context(), s, work); emnkg.ErrorCode(err) != emnkg.EUNAVAILABLE {
			t.Errorf("read: %v, want EUNAVAILABLE", err)
		}
		if _, err := write(t.Context(), s, work); emnkg.ErrorCode(err) != emnkg.EUNAVAILABLE {
			t.Errorf("write: %v, want EUNAVAILABLE", err)
		}
		if held := time.Since(start); held != 20*time.Second {
			t.Errorf("read and write held %s, want twice the hold time, 20s", held)
		}
		ctx, cancel := context.WithCancel(t.Context())
		go func() {
			time.Sleep(time.Second)
			cancel()
		}()
		retryAfter, err := s.AwaitAvailable(ctx)
		if emnkg.ErrorCode(err) != emnkg.EUNAVAILABLE || retryAfter != time.Second || !errors.Is(err, context.Canceled) {
			t.Errorf("AwaitAvailable, cancelled: %s, %v; want 1s, EUNAVAILABLE", retryAfter, err)
		}
	})
}
