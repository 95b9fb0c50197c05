package server_test

import (
	"context"
	"io"
	"net"
	"net/http/httptest"
	"net/url"
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
		store, err := neo4j.Open(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer store.Close()
		srv, err := server.New(server.Config{}, store, nil)
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(srv.Handler())
		defer ts.Close()
		waitReady(t, ts.URL, 200, 5*time.Second)
		proxy.down()
		d := waitReady(t, ts.URL, 503, 10*time.Second)
		t.Logf("/readyz false %s after Neo4j went away", d)
		if err := store.Ping(ctx); emnkg.ErrorCode(err) != emnkg.EUNAVAILABLE {
			t.Errorf("Ping while down: %v, want EUNAVAILABLE", err)
		}
		proxy.up()
		d = waitReady(t, ts.URL, 200, 15*time.Second)
		t.Logf("/readyz true %s after Neo4j came back", d)
	})
}
