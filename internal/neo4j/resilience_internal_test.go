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
// second, closed at the end of the test.
func newTestAvailability(t *testing.T, f *fakeNeo4j) *availability {
	t.Helper()
	a, err := newAvailability(f.probe, time.Second, probeTimeout, nil)
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

		// Probes repeat every interval while Neo4j is away.
		time.Sleep(3*time.Second + time.Millisecond)
		synctest.Wait()
		if got := f.count(); got != 4 {
			t.Errorf("%d probes after 3 s down, want 4 (one per second)", got)
		}
		if emnkg.ErrorCode(a.err()) != emnkg.EUNAVAILABLE {
			t.Errorf("still down: %v, want EUNAVAILABLE", a.err())
		}

		// Neo4j is back: the next probe notices, by itself.
		f.set(true)
		time.Sleep(time.Second)
		synctest.Wait()
		if err := a.err(); err != nil {
			t.Fatalf("after Neo4j came back: %v, want available", err)
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
		a, err := newAvailability(hung, time.Second, 5*time.Second, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer a.close()
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
		a, err := newAvailability(f.probe, time.Second, probeTimeout, nil)
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
	for _, c := range []struct{ interval, timeout time.Duration }{{0, time.Second}, {time.Second, 0}, {-time.Second, time.Second}} {
		if _, err := newAvailability(f.probe, c.interval, c.timeout, nil); err == nil {
			t.Errorf("interval %s, timeout %s: accepted", c.interval, c.timeout)
		}
	}
	if _, err := newAvailability(nil, time.Second, time.Second, nil); err == nil {
		t.Error("no probe: accepted")
	}
}

// TestStoreCallsFailFastWhileDown checks that read and write refuse to
// run while Neo4j is known to be away: the store has no driver, so any
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
