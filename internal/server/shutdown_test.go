package server_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	coderws "github.com/coder/websocket"

	"github.com/emnkg/emnkg/internal/app"
	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/emnkg/emnkg/internal/server"
)

// slowStore makes GetNodes take delay (or, with delay < 0, block until its
// context is done), to keep requests in flight; entered receives a value
// when a call starts and cancelled counts calls whose context was
// cancelled.
type slowStore struct {
	emnkg.Store
	delay     time.Duration
	entered   chan struct{}
	cancelled *atomic.Int32
}

func (s slowStore) GetNodes(ctx context.Context, ids []string) ([]*emnkg.Node, error) {
	select {
	case s.entered <- struct{}{}:
	default:
	}
	var wait <-chan time.Time
	if s.delay >= 0 {
		wait = time.After(s.delay)
	}
	select {
	case <-wait:
	case <-ctx.Done():
		s.cancelled.Add(1)
		return nil, ctx.Err()
	}
	return s.Store.GetNodes(ctx, ids)
}

// newSlowStore returns the seeded embedded store behind a slowStore.
func newSlowStore(tb testing.TB, delay time.Duration) slowStore {
	tb.Helper()
	store := storeOpeners[0].open(tb)
	if _, err := app.LoadSeed(context.Background(), store); err != nil {
		tb.Fatalf("seed: %v", err)
	}
	return slowStore{Store: store, delay: delay, entered: make(chan struct{}, 1), cancelled: &atomic.Int32{}}
}

// running is a server started with ListenAndServe.
type running struct {
	srv    *server.Server
	addr   string
	cancel context.CancelFunc
	done   chan error
}

// listenAndServe serves store with cfg on a free loopback port until the
// returned cancel is called.
func listenAndServe(tb testing.TB, cfg server.Config, store emnkg.Store) *running {
	tb.Helper()
	cfg.Addr = "127.0.0.1:0"
	srv, err := server.New(cfg, store, nil)
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{srv: srv, cancel: cancel, done: make(chan error, 1)}
	addrc := make(chan string, 1)
	go func() { r.done <- srv.ListenAndServe(ctx, func(addr string) { addrc <- addr }) }()
	select {
	case r.addr = <-addrc:
	case err := <-r.done:
		tb.Fatalf("serve: %v", err)
	}
	tb.Cleanup(func() {
		cancel()
		select {
		case <-r.done:
		case <-time.After(20 * time.Second):
			tb.Error("the server did not stop")
		}
	})
	return r
}

// wait returns ListenAndServe's result, failing after limit.
func (r *running) wait(tb testing.TB, limit time.Duration) error {
	tb.Helper()
	select {
	case err := <-r.done:
		r.done <- err // for the cleanup
		return err
	case <-time.After(limit):
		tb.Fatalf("ListenAndServe did not return within %s", limit)
		return nil
	}
}

// gauge reads the active subscriptions gauge.
func gauge(tb testing.TB, h http.Handler) string {
	tb.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	m := regexp.MustCompile(`(?m)^emnkg_graphql_active_subscriptions (\d+)`).FindStringSubmatch(rec.Body.String())
	if m == nil {
		tb.Fatalf("no subscription gauge:\n%s", rec.Body.String())
	}
	return m[1]
}

// openSSE starts an event-stream subscription and returns a channel that
// receives its lines and is closed at the end of the stream.
func openSSE(tb testing.TB, ctx context.Context, addr string) <-chan string {
	tb.Helper()
	req, _ := http.NewRequestWithContext(ctx, "POST", "http://"+addr+"/graphql",
		strings.NewReader(`{"query": "subscription { changes { seq } }"}`))
	req.Header.Set("Content-Type", jsonType)
	req.Header.Set("Accept", "text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	if resp.StatusCode != 200 {
		tb.Fatalf("SSE status %d", resp.StatusCode)
	}
	lines := make(chan string, 100)
	go func() {
		defer close(lines)
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	return lines
}

// openWS starts a graphql-transport-ws connection; with init it is
// initialised and subscribes.
func openWS(tb testing.TB, ctx context.Context, addr string, init bool) *coderws.Conn {
	tb.Helper()
	conn, _, err := coderws.Dial(ctx, "ws://"+addr+"/graphql", &coderws.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		tb.Fatalf("dial: %v", err)
	}
	tb.Cleanup(func() { conn.CloseNow() })
	if !init {
		return conn
	}
	for _, m := range []string{`{"type": "connection_init"}`, `{"id": "1", "type": "subscribe", "payload": {"query": "subscription { changes { seq } }"}}`} {
		if err := conn.Write(ctx, coderws.MessageText, []byte(m)); err != nil {
			tb.Fatal(err)
		}
		if strings.Contains(m, "init") {
			if _, b, err := conn.Read(ctx); err != nil || !strings.Contains(string(b), "connection_ack") {
				tb.Fatalf("init: %s %v", b, err)
			}
		}
	}
	return conn
}

// readUntilClosed reads ws messages until the connection ends and returns
// the error that ended it.
func readUntilClosed(ctx context.Context, conn *coderws.Conn) error {
	for {
		if _, _, err := conn.Read(ctx); err != nil {
			return err
		}
	}
}

func TestShutdownEndsSubscriptionsAndFinishesRequests(t *testing.T) {
	store := newSlowStore(t, 700*time.Millisecond)
	r := listenAndServe(t, server.Config{Metrics: true, ShutdownTimeout: 10 * time.Second}, store)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	sse := openSSE(t, ctx, r.addr)
	ws := openWS(t, ctx, r.addr, true)
	deadline := time.Now().Add(5 * time.Second)
	for gauge(t, r.srv.Metrics().Handler()) != "2" {
		if time.Now().After(deadline) {
			t.Fatalf("active subscriptions %s, want 2", gauge(t, r.srv.Metrics().Handler()))
		}
		time.Sleep(20 * time.Millisecond)
	}

	// A request in flight when the shutdown starts.
	type answer struct {
		status int
		body   string
		err    error
	}
	inFlight := make(chan answer, 1)
	go func() {
		resp, err := http.Post("http://"+r.addr+"/graphql", jsonType, strings.NewReader(`{"query": "{ node(id: \"NO\") { id } }"}`))
		if err != nil {
			inFlight <- answer{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		inFlight <- answer{resp.StatusCode, string(b), err}
	}()
	<-store.entered

	start := time.Now()
	r.cancel()
	wsEnd := make(chan error, 1)
	go func() { wsEnd <- readUntilClosed(ctx, ws) }()

	var sawComplete bool
	for line := range sse {
		if line == "event: complete" {
			sawComplete = true
		}
	}
	if !sawComplete {
		t.Errorf("the event stream ended without event: complete")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("the event stream ended %s after the shutdown began", d)
	}
	select {
	case err := <-wsEnd:
		if coderws.CloseStatus(err) != coderws.StatusNormalClosure {
			t.Errorf("websocket ended with %v, want a normal closure", err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("the websocket ended %s after the shutdown began", d)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the websocket was not closed")
	}

	a := <-inFlight
	if a.err != nil || a.status != 200 || !strings.Contains(a.body, `"id":"NO"`) {
		t.Errorf("in-flight request: %d %q %v", a.status, a.body, a.err)
	}
	if err := r.wait(t, 5*time.Second); err != nil {
		t.Errorf("ListenAndServe: %v", err)
	}
	if store.cancelled.Load() != 0 {
		t.Errorf("%d in-flight store calls were cancelled", store.cancelled.Load())
	}
	if g := gauge(t, r.srv.Metrics().Handler()); g != "0" {
		t.Errorf("active subscriptions %s after shutdown", g)
	}
	if conn, err := net.DialTimeout("tcp", r.addr, time.Second); err == nil {
		conn.Close()
		t.Errorf("still accepting connections after shutdown")
	}
}

func TestShutdownCancelsRequestsPastTheDeadline(t *testing.T) {
	store := newSlowStore(t, -1)
	r := listenAndServe(t, server.Config{ShutdownTimeout: 300 * time.Millisecond}, store)
	go func() {
		resp, err := http.Post("http://"+r.addr+"/graphql", jsonType, strings.NewReader(`{"query": "{ node(id: \"NO\") { id } }"}`))
		if err == nil {
			resp.Body.Close()
		}
	}()
	<-store.entered
	start := time.Now()
	r.cancel()
	err := r.wait(t, 5*time.Second)
	if err == nil || !strings.Contains(err.Error(), "cancelled") {
		t.Errorf("ListenAndServe returned %v, want the cancelled requests reported", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("shutdown took %s with a 300ms deadline", d)
	} else {
		t.Logf("shutdown took %s", d)
	}
	if store.cancelled.Load() != 1 {
		t.Errorf("the straggling store call was not cancelled")
	}
}

func TestShutdownClosesWebsocketsWaitingForInit(t *testing.T) {
	r := listenAndServe(t, server.Config{ShutdownTimeout: 10 * time.Second}, storeOpeners[0].open(t))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ws := openWS(t, ctx, r.addr, false) // never sends connection_init
	time.Sleep(100 * time.Millisecond)
	start := time.Now()
	r.cancel()
	if err := r.wait(t, 5*time.Second); err != nil {
		t.Errorf("ListenAndServe: %v", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("shutdown took %s: it waited for the websocket's init timeout", d)
	}
	if err := readUntilClosed(ctx, ws); err == nil || errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("websocket still open: %v", err)
	}
}

func TestSubscriptionsRefusedWhileShuttingDown(t *testing.T) {
	r := listenAndServe(t, server.Config{}, storeOpeners[0].open(t))
	h := r.srv.Handler()
	r.cancel()
	if err := r.wait(t, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	// The handler outlives the listener in tests that serve it themselves.
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("POST", "/graphql", strings.NewReader(`{"query": "subscription { changes { seq } }"}`))
	req.Header.Set("Content-Type", jsonType)
	req.Header.Set("Accept", "text/event-stream")
	h.ServeHTTP(rec, req)
	var body struct {
		Errors []struct {
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	_ = json.Unmarshal(rec.Body.Bytes(), &body)
	if rec.Code != http.StatusServiceUnavailable || len(body.Errors) == 0 || body.Errors[0].Extensions["code"] != server.CodeUnavailable {
		t.Errorf("status %d: %s", rec.Code, rec.Body.String())
	}
	// Queries are still answered by the handler.
	if ex := httptest.NewRecorder(); true {
		req := httptest.NewRequest("POST", "/graphql", strings.NewReader(`{"query": "{ __typename }"}`))
		req.Header.Set("Content-Type", jsonType)
		h.ServeHTTP(ex, req)
		if ex.Code != 200 {
			t.Errorf("query after shutdown: %d", ex.Code)
		}
	}
}
