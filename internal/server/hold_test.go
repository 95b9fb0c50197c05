package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/emnkg/emnkg/internal/neo4j"
	"github.com/emnkg/emnkg/internal/neo4jtest"
	"github.com/emnkg/emnkg/internal/server"
)

// holdingStore is a store whose database is away until back is closed,
// and which holds requests as the Neo4j store does
// (server.StoreAvailabilityWaiter): AwaitAvailable returns nil once back
// is closed, and the store's error when expire is closed first (the hold
// time ended) or the request's context ends.
type holdingStore struct {
	emnkg.Store
	back, expire chan struct{}
	// held receives the context of each request that starts waiting.
	held chan context.Context
}

// newHoldingStore returns a holdingStore over store, away.
func newHoldingStore(store emnkg.Store) *holdingStore {
	return &holdingStore{Store: store, back: make(chan struct{}), expire: make(chan struct{}),
		held: make(chan context.Context, 16)}
}

// unavailable is the error of holdingStore while its database is away.
func unavailable() (time.Duration, error) {
	return 1500 * time.Millisecond, emnkg.Errorf(emnkg.EUNAVAILABLE, "The database has not answered since noon; the request was not run.")
}

func (s *holdingStore) Available() (time.Duration, error) {
	select {
	case <-s.back:
		return 0, nil
	default:
		return unavailable()
	}
}

func (s *holdingStore) AwaitAvailable(ctx context.Context) (time.Duration, error) {
	select {
	case <-s.back:
		return 0, nil
	default:
	}
	s.held <- ctx
	select {
	case <-s.back:
		return 0, nil
	case <-s.expire:
	case <-ctx.Done():
	}
	return unavailable()
}

var _ server.StoreAvailabilityWaiter = (*holdingStore)(nil)

// holdTestQuery is a query of the held requests.
const holdTestQuery = `{"query": "{ countries(first: 1) { totalCount } }"}`

// sendHeld sends holdTestQuery in a new goroutine; the answer arrives on
// the returned channel.
func sendHeld(t *testing.T, url string) <-chan exchange {
	t.Helper()
	out := make(chan exchange, 1)
	var wg sync.WaitGroup
	wg.Add(1)
	t.Cleanup(wg.Wait)
	go func() {
		defer wg.Done()
		out <- send(t, "POST", url+"/graphql", map[string]string{"Content-Type": "application/json"}, holdTestQuery)
	}()
	return out
}

// wantMetric checks that the server at url serves the metric line want.
func wantMetric(tb testing.TB, url, want string) {
	tb.Helper()
	ex := send(tb, "GET", url+"/metrics", nil, "")
	if ex.status != http.StatusOK || !strings.Contains(string(ex.body), want) {
		tb.Errorf("metrics (status %d) lack %s", ex.status, want)
	}
}

// TestHeldWhileTheStoreIsAway checks that a query or mutation arriving
// while the store's database is away waits for it (within the store's
// hold time) and is answered normally when it comes back, and gets 503
// with Retry-After and SERVICE_UNAVAILABLE when the hold ends first.
func TestHeldWhileTheStoreIsAway(t *testing.T) {
	t.Run("released when the database is back", func(t *testing.T) {
		store := newHoldingStore(storeOpeners[0].open(t))
		ts := newTestServerOn(t, server.Config{RequestTimeout: time.Minute, Metrics: true}, nil, store)
		answer := sendHeld(t, ts.URL)
		ctx := <-store.held // the request waits for the store
		if _, ok := ctx.Deadline(); !ok {
			t.Error("the held request's context has no deadline: the request timeout does not bound the hold")
		}
		close(store.back)
		ex := <-answer
		_, hasData, code := gqlBody(t, ex.body)
		if ex.status != http.StatusOK || !hasData || code != "" {
			t.Fatalf("held, then the database came back: status %d, code %q: %s", ex.status, code, ex.body)
		}
		if !strings.Contains(string(ex.body), "totalCount") {
			t.Errorf("no answer to the query: %s", ex.body)
		}
		wantMetric(t, ts.URL, `emnkg_store_hold_seconds_count{outcome="released"} 1`)
	})
	t.Run("refused when the hold ends", func(t *testing.T) {
		store := newHoldingStore(storeOpeners[0].open(t))
		ts := newTestServerOn(t, server.Config{Metrics: true}, nil, store)
		answer := sendHeld(t, ts.URL)
		<-store.held
		close(store.expire)
		ex := <-answer
		_, hasData, code := gqlBody(t, ex.body)
		if ex.status != http.StatusServiceUnavailable || code != server.CodeUnavailable || hasData {
			t.Fatalf("the hold ended: status %d, code %s, data %v: %s", ex.status, code, hasData, ex.body)
		}
		if got := ex.header.Get("Retry-After"); got != "2" {
			t.Errorf("Retry-After %q, want 2 (1.5 s rounded up)", got)
		}
		if !strings.Contains(string(ex.body), "the request was not run") {
			t.Errorf("the store's message is missing: %s", ex.body)
		}
		wantMetric(t, ts.URL, `emnkg_store_hold_seconds_count{outcome="refused"} 1`)
	})
	t.Run("refused when the request times out", func(t *testing.T) {
		store := newHoldingStore(storeOpeners[0].open(t))
		ts := newTestServerOn(t, server.Config{RequestTimeout: time.Millisecond}, nil, store)
		ex := <-sendHeld(t, ts.URL)
		<-store.held
		if _, _, code := gqlBody(t, ex.body); ex.status != http.StatusServiceUnavailable || code != server.CodeUnavailable {
			t.Fatalf("the request timed out while held: status %d, code %s: %s", ex.status, code, ex.body)
		}
		if ex.header.Get("Retry-After") == "" {
			t.Error("no Retry-After")
		}
	})
}

// TestReadCutByNeo4jGoingAwayIsAnsweredWhenItReturns checks, on a real
// Neo4j behind a proxy that cuts it, that a query whose reads fail
// because Neo4j went away after the store last saw it (so nothing held
// it) is not answered with an error: the store notices, holds the read,
// and runs it again when Neo4j answers within the hold time.
func TestReadCutByNeo4jGoingAwayIsAnsweredWhenItReturns(t *testing.T) {
	cfg := neo4jtest.Config(t)
	// The queries read the test database: not while another package's
	// tests wipe it or change its schema.
	neo4jtest.Lock(t)
	u, err := url.Parse(cfg.URI)
	if err != nil {
		t.Fatal(err)
	}
	proxy := newTCPProxy(t, u.Host)
	cfg.URI = "bolt://" + proxy.addr
	// The probe is too slow to notice the outage before the query does;
	// the driver gives up on the cut read after 1 s; the hold is long.
	cfg.ProbeInterval, cfg.RetryTime, cfg.HoldTime = time.Hour, time.Second, 20*time.Second
	store, err := neo4j.Open(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	srv, err := server.New(server.Config{RequestTimeout: time.Minute}, store, nil)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	const query = `{ countries(first: 1) { totalCount } }`
	if status, body := post(t, ts.URL, query, nil); status != 200 || strings.Contains(string(body), "errors") {
		t.Fatalf("query while up: %d %s", status, body)
	}
	var status int
	var body []byte
	cutDuring(t, proxy, store, func() { status, body = post(t, ts.URL, query, nil) })
	if status != 200 || strings.Contains(string(body), "errors") || !strings.Contains(string(body), "totalCount") {
		t.Errorf("query cut by the outage: %d %s, want its answer", status, body)
	}
	// Read-only Cypher is held and run again the same way.
	var res *emnkg.CypherResult
	cutDuring(t, proxy, store, func() {
		res, err = store.RunReadCypher(t.Context(), emnkg.CypherQuery{Query: "MATCH (n:Country) RETURN count(n) AS c",
			MaxRows: 1, Timeout: 10 * time.Second})
	})
	if err != nil || len(res.Rows) != 1 {
		t.Errorf("Cypher cut by the outage: %v, %+v; want its answer", err, res)
	}
}

// cutDuring cuts Neo4j off (proxy.down) and runs call, which reaches
// Neo4j first; Neo4j comes back (proxy.up) once the store has noticed the
// outage, as only that call can show it (the store's probe is too slow).
func cutDuring(t *testing.T, proxy *tcpProxy, store *neo4j.Store, call func()) {
	t.Helper()
	proxy.down()
	if _, err := store.Available(); err != nil {
		t.Fatalf("the store noticed the outage before any call: %v", err)
	}
	comeback := make(chan struct{})
	go func() {
		defer close(comeback)
		defer proxy.up()
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			if _, err := store.Available(); err != nil {
				return
			}
		}
		t.Error("the store never noticed the outage")
	}()
	call()
	<-comeback
}
