package server

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// streams tracks the requests that stream subscriptions, websockets and
// event streams, so that a shutdown can end them: http.Server.Shutdown
// would wait for event streams until its deadline, and does not see the
// connections that websockets hijack at all.
type streams struct {
	mu      sync.Mutex
	closing bool
	active  map[*stream]struct{}
	wg      sync.WaitGroup
}

// stream is one streaming request.
type stream struct {
	cancel context.CancelFunc

	mu   sync.Mutex
	conn net.Conn // the hijacked connection of a websocket, once hijacked
}

// start registers a streaming request and returns the context to serve
// it with, which a shutdown cancels; ok is false once shutting down.
func (ss *streams) start(ctx context.Context) (_ context.Context, _ *stream, ok bool) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.closing {
		return ctx, nil, false
	}
	ctx, cancel := context.WithCancel(ctx)
	st := &stream{cancel: cancel}
	if ss.active == nil {
		ss.active = map[*stream]struct{}{}
	}
	ss.active[st] = struct{}{}
	ss.wg.Add(1)
	return ctx, st, true
}

// end unregisters a stream whose handler returned.
func (ss *streams) end(st *stream) {
	st.cancel()
	ss.mu.Lock()
	delete(ss.active, st)
	ss.mu.Unlock()
	ss.wg.Done()
}

// cancelAll refuses new streams and cancels the context of every active
// one: gqlgen then ends its subscriptions, sends "event: complete" on
// event streams and closes websockets with a close frame.
func (ss *streams) cancelAll() {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	ss.closing = true
	for st := range ss.active {
		st.cancel()
	}
}

// closeConns closes the hijacked connections of the streams still
// running, such as a websocket still waiting for its connection_init.
func (ss *streams) closeConns() {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	for st := range ss.active {
		st.mu.Lock()
		if st.conn != nil {
			_ = st.conn.Close()
		}
		st.mu.Unlock()
	}
}

// count returns the number of active streams.
func (ss *streams) count() int {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return len(ss.active)
}

// wait waits until every stream handler has returned, or ctx is done.
func (ss *streams) wait(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		ss.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// hijackWriter records the connection a websocket hijacks in its stream.
type hijackWriter struct {
	http.ResponseWriter
	st *stream
}

// Hijack hands the connection over and records it.
func (h *hijackWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, rw, err := http.NewResponseController(h.ResponseWriter).Hijack()
	if err == nil {
		h.st.mu.Lock()
		h.st.conn = conn
		h.st.mu.Unlock()
	}
	return conn, rw, err
}

// Unwrap returns the underlying writer, for http.ResponseController.
func (h *hijackWriter) Unwrap() http.ResponseWriter { return h.ResponseWriter }

// inflight counts the requests being served.
type inflight struct{ n atomic.Int64 }

// wrap counts the requests next serves.
func (f *inflight) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.n.Add(1)
		defer f.n.Add(-1)
		next.ServeHTTP(w, r)
	})
}

// waitIdle waits until no request is being served, or for at most d; it
// tells whether none is.
func (f *inflight) waitIdle(d time.Duration) bool {
	deadline := time.Now().Add(d)
	for f.n.Load() > 0 {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
	return true
}

// streamGrace is how long a shutdown lets websockets close themselves
// cleanly before it closes their connections.
const streamGrace = time.Second

// hardStopGrace is how long a shutdown whose deadline passed waits for
// the requests it cancelled to return.
const hardStopGrace = 2 * time.Second
