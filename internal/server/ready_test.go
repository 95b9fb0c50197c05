package server_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/emnkg/emnkg/internal/neo4j"
	"github.com/emnkg/emnkg/internal/neo4jtest"
	"github.com/emnkg/emnkg/internal/server"
)

// flakyStore fails Ping while down is set.
type flakyStore struct {
	emnkg.Store
	down *atomic.Bool
}

func (s flakyStore) Ping(ctx context.Context) error {
	if s.down.Load() {
		return emnkg.Errorf(emnkg.EUNAVAILABLE, "The store is down.")
	}
	return s.Store.Ping(ctx)
}

// awayStore is a store that says its database is away while away is
// set, as the Neo4j store does (server.StoreAvailability).
type awayStore struct {
	emnkg.Store
	away *atomic.Bool
}

func (s awayStore) Available() (time.Duration, error) {
	if s.away.Load() {
		return 1500 * time.Millisecond, emnkg.Errorf(emnkg.EUNAVAILABLE, "The database has not answered since noon; the request was not run.")
	}
	return 0, nil
}

// TestRefusedWhileTheStoreIsAway checks that queries and mutations are
// refused before running, with 503, Retry-After and SERVICE_UNAVAILABLE,
// while the store says its database is away, and run again as soon as it
// says it is back.
func TestRefusedWhileTheStoreIsAway(t *testing.T) {
	away := &atomic.Bool{}
	srv, err := server.New(server.Config{}, awayStore{storeOpeners[0].open(t), away}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	const query = `{"query": "{ countries(first: 1) { totalCount } }"}`
	requests := []struct {
		name, method, path, body string
		headers                  map[string]string
		media                    string
	}{
		{"POST", "POST", "/graphql", query, map[string]string{"Content-Type": "application/json"}, "application/json"},
		{"POST graphql-response", "POST", "/graphql", query, map[string]string{"Content-Type": "application/json",
			"Accept": "application/graphql-response+json"}, "application/graphql-response+json"},
		{"GET", "GET", "/graphql?query=%7Bcountries(first:1)%7BtotalCount%7D%7D", "", nil, "application/json"},
		{"mutation", "POST", "/graphql", `{"query": "mutation { deleteNode(id: \"x\") { id } }"}`,
			map[string]string{"Content-Type": "application/json"}, "application/json"},
		{"event stream", "POST", "/graphql", query, map[string]string{"Content-Type": "application/json",
			"Accept": "text/event-stream"}, "application/json"},
	}
	for _, rq := range requests {
		ex := send(t, rq.method, ts.URL+rq.path, rq.headers, rq.body)
		if ex.status != 200 {
			t.Errorf("%s while up: status %d: %s", rq.name, ex.status, ex.body)
		}
	}
	away.Store(true)
	for _, rq := range requests {
		ex := send(t, rq.method, ts.URL+rq.path, rq.headers, rq.body)
		_, hasData, code := gqlBody(t, ex.body)
		if ex.status != http.StatusServiceUnavailable || code != server.CodeUnavailable || hasData {
			t.Errorf("%s while away: status %d, code %s, data %v: %s", rq.name, ex.status, code, hasData, ex.body)
		}
		if got := ex.header.Get("Retry-After"); got != "2" {
			t.Errorf("%s: Retry-After %q, want 2 (1.5 s rounded up)", rq.name, got)
		}
		if got := ex.header.Get("Content-Type"); !strings.HasPrefix(got, rq.media) {
			t.Errorf("%s: Content-Type %q, want %s", rq.name, got, rq.media)
		}
		if !strings.Contains(string(ex.body), "the request was not run") {
			t.Errorf("%s: the store's message is missing: %s", rq.name, ex.body)
		}
	}
	// Malformed requests are still answered for what they are.
	if ex := send(t, "POST", ts.URL+"/graphql", map[string]string{"Content-Type": "application/json"}, "[]"); ex.status != http.StatusBadRequest {
		t.Errorf("malformed request while away: status %d, want 400", ex.status)
	}
	// /healthz says the process serves.
	if ex := send(t, "GET", ts.URL+"/healthz", nil, ""); ex.status != 200 {
		t.Errorf("/healthz while away: %d", ex.status)
	}
	away.Store(false)
	for _, rq := range requests {
		if ex := send(t, rq.method, ts.URL+rq.path, rq.headers, rq.body); ex.status != 200 {
			t.Errorf("%s when back: status %d: %s", rq.name, ex.status, ex.body)
		}
	}
}

// tcpProxy forwards connections from a loopback port to target. down
// makes the target "go away": it stops listening and cuts every
// connection; up listens again on the same port.
type tcpProxy struct {
	tb     testing.TB
	target string
	addr   string

	mu    sync.Mutex
	ln    net.Listener
	conns map[net.Conn]struct{}
	wg    sync.WaitGroup
}

// newTCPProxy starts a proxy to target; it stops at the end of the test.
func newTCPProxy(tb testing.TB, target string) *tcpProxy {
	tb.Helper()
	p := &tcpProxy{tb: tb, target: target, addr: "127.0.0.1:0", conns: map[net.Conn]struct{}{}}
	p.up()
	tb.Cleanup(func() {
		p.down()
		p.wg.Wait()
	})
	return p
}

func (p *tcpProxy) up() {
	p.tb.Helper()
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		p.tb.Fatalf("proxy: %v", err)
	}
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	p.mu.Unlock()
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.wg.Add(1)
			go func() {
				defer p.wg.Done()
				p.forward(c)
			}()
		}
	}()
}

func (p *tcpProxy) forward(c net.Conn) {
	t, err := net.DialTimeout("tcp", p.target, 5*time.Second)
	if err != nil {
		c.Close()
		return
	}
	if !p.track(c, t) {
		return
	}
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(t, c); done <- struct{}{} }()
	go func() { _, _ = io.Copy(c, t); done <- struct{}{} }()
	<-done
	c.Close()
	t.Close()
	<-done
	p.mu.Lock()
	delete(p.conns, c)
	delete(p.conns, t)
	p.mu.Unlock()
}

// track records a forwarded pair, or closes it when the proxy is down.
func (p *tcpProxy) track(c, t net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln == nil {
		c.Close()
		t.Close()
		return false
	}
	p.conns[c], p.conns[t] = struct{}{}, struct{}{}
	return true
}

func (p *tcpProxy) down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
	}
}

// waitReady polls /readyz until it answers want, for at most limit, and
// returns how long that took.
func waitReady(tb testing.TB, url string, want int, limit time.Duration) time.Duration {
	tb.Helper()
	start := time.Now()
	for {
		ex := send(tb, "GET", url+"/readyz", nil, "")
		if ex.status == want {
			return time.Since(start)
		}
		if time.Since(start) > limit {
			tb.Fatalf("/readyz still answers %d after %s, want %d: %s", ex.status, limit, want, ex.body)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitAvailable polls store.Available until it says want, for at most
// limit, and returns how long that took.
func waitAvailable(tb testing.TB, store server.StoreAvailability, want bool, limit time.Duration) time.Duration {
	tb.Helper()
	start := time.Now()
	for {
		_, err := store.Available()
		if (err == nil) == want {
			return time.Since(start)
		}
		if time.Since(start) > limit {
			tb.Fatalf("the store still says %v after %s, want available %v", err, limit, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestReadyzFollowsTheStore(t *testing.T) {
	t.Run("embedded", func(t *testing.T) {
		down := &atomic.Bool{}
		srv, err := server.New(server.Config{}, flakyStore{storeOpeners[0].open(t), down}, nil)
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(srv.Handler())
		defer ts.Close()
		waitReady(t, ts.URL, 200, time.Second)
		down.Store(true)
		waitReady(t, ts.URL, 503, time.Second)
		down.Store(false)
		waitReady(t, ts.URL, 200, time.Second)
	})
	// Neo4j goes away and comes back: a proxy in front of the test Neo4j
	// cuts every connection and refuses new ones, then forwards again.
	// (scripts/faults/neo4j-restart.sh stops and restarts a real Neo4j.)
	t.Run("neo4j", func(t *testing.T) {
		cfg := neo4jtest.Config(t)
		u, err := url.Parse(cfg.URI)
		if err != nil {
			t.Fatal(err)
		}
		proxy := newTCPProxy(t, u.Host)
		// bolt:// (direct), even for a neo4j:// URI: routing would
		// announce the real address and bypass the proxy.
		cfg.URI = "bolt://" + proxy.addr
		ctx := context.Background()
		// A probe every 200 ms, and retries bounded at 2 s, keep the
		// test short.
		cfg.ProbeInterval, cfg.RetryTime = 200*time.Millisecond, 2*time.Second
		store, err := neo4j.Open(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer store.Close()
		// /readyz wants a migrated database.
		neo4jtest.Lock(t)
		if err := store.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		srv, err := server.New(server.Config{}, store, nil)
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(srv.Handler())
		defer ts.Close()
		const query = `{ countries(first: 1) { totalCount } }`
		waitReady(t, ts.URL, 200, 5*time.Second)
		if status, body := post(t, ts.URL, query, nil); status != 200 || strings.Contains(string(body), "errors") {
			t.Fatalf("query while up: %d %s", status, body)
		}
		proxy.down()
		// The store notices by itself (no request, no /readyz call):
		// its probe runs every 200 ms.
		d := waitAvailable(t, store, false, 5*time.Second)
		t.Logf("store unavailable %s after Neo4j went away", d)
		d = waitReady(t, ts.URL, 503, 10*time.Second)
		t.Logf("/readyz false %s after the store noticed", d)
		if err := store.Ping(ctx); emnkg.ErrorCode(err) != emnkg.EUNAVAILABLE {
			t.Errorf("Ping while down: %v, want EUNAVAILABLE", err)
		}
		// Requests fail fast while Neo4j is away, with 503.
		for range 3 {
			start := time.Now()
			status, body := post(t, ts.URL, query, nil)
			took := time.Since(start)
			_, _, code := gqlBody(t, body)
			if status != http.StatusServiceUnavailable || code != server.CodeUnavailable {
				t.Errorf("query while down: %d %s, want 503 SERVICE_UNAVAILABLE", status, body)
			}
			if took > time.Second {
				t.Errorf("query while down took %s, want an answer at once", took)
			}
		}
		proxy.up()
		// The store notices by itself that Neo4j is back.
		d = waitAvailable(t, store, true, 15*time.Second)
		t.Logf("store available again %s after Neo4j came back", d)
		if status, body := post(t, ts.URL, query, nil); status != 200 || strings.Contains(string(body), "errors") {
			t.Errorf("query after Neo4j came back: %d %s", status, body)
		}
		d = waitReady(t, ts.URL, 200, 15*time.Second)
		t.Logf("/readyz true %s after the store noticed", d)
	})
}
