// Package server is emnkg's HTTP server: the GraphQL endpoint (with
// request limits and the GraphQL-over-HTTP rules), GraphiQL, health
// checks, CORS, Prometheus metrics, request IDs, request logs and panic
// recovery.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql/playground"
	"github.com/rs/cors"

	"github.com/emnkg/emnkg/graph"
	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/emnkg/emnkg/internal/metrics"
)

// Config configures the HTTP server.
type Config struct {
	// Addr is the address to listen on, e.g. 127.0.0.1:8080.
	Addr string
	// CORSOrigins are the origins allowed to call the API from a browser.
	// Empty means the development default: http://localhost:* and
	// http://127.0.0.1:* only. "*" allows every origin (without credentials).
	CORSOrigins []string
	// CORSCredentials allows credentialed cross-origin requests; it cannot
	// be combined with the "*" origin.
	CORSCredentials bool
	// Introspection and GraphiQL are served when true.
	Introspection bool
	// ShutdownTimeout bounds the wait for in-flight requests on shutdown.
	ShutdownTimeout time.Duration
	// RequestTimeout bounds each GraphQL request; the store call is
	// cancelled with it.
	RequestTimeout time.Duration
	// MaxBodyBytes bounds the size of a request body.
	MaxBodyBytes int64
	// Limits bound each GraphQL request; nil means graph.DefaultLimits().
	// A zero DefaultListSize is the resolver's default page size.
	Limits *graph.Limits
	// Production turns off "did you mean" suggestions and masks unexpected
	// errors (graph.ProductionMode).
	Production bool
	// RequireGETPreflight makes GraphQL GET requests carry PreflightHeader,
	// so that no cross-site page can make a browser send one without a
	// CORS preflight. POST requests are always protected: they must be
	// application/json, which browsers preflight.
	RequireGETPreflight bool
	// Metrics serves Prometheus metrics at /metrics.
	Metrics bool
	// MetricsAddr, when set with Metrics, serves /metrics on this address
	// instead of Addr, e.g. 127.0.0.1:9090, so it need not be public.
	MetricsAddr string
	// HandlerOptions are passed to graph.NewHandler, with Introspection
	// taken from Config.Introspection.
	HandlerOptions graph.HandlerOptions
	// ConfigureResolver, when set, adjusts the resolver before the GraphQL
	// handler is built over it.
	ConfigureResolver func(*graph.Resolver)
}

// StoreAvailability is implemented by stores that know, without asking,
// whether their database answers (the Neo4j store). While the store says
// it does not, the server holds GraphQL queries and mutations before
// running them when the store implements StoreAvailabilityWaiter, and
// refuses them (at once, or when the hold ends without the database
// answering): 503 with Retry-After and SERVICE_UNAVAILABLE.
type StoreAvailability interface {
	// Available returns nil while the database is believed to answer, and
	// otherwise an error with a client-safe message and how long to wait
	// before trying again.
	Available() (retryAfter time.Duration, err error)
}

// StoreAvailabilityWaiter is implemented by stores that can hold a
// request while their database does not answer (the Neo4j store, with
// its hold time).
type StoreAvailabilityWaiter interface {
	StoreAvailability
	// AwaitAvailable returns nil at once while the database is believed
	// to answer; otherwise it waits for the database to answer again,
	// for at most the store's hold time, returning nil as soon as it
	// does, and what Available returns when the hold time passes or ctx
	// ends first.
	AwaitAvailable(ctx context.Context) (retryAfter time.Duration, err error)
}

// StoreRoundTrips is implemented by stores that tell an observer of each
// round trip to their database (both stores, through emnkg.RoundTrips):
// with metrics on, the server counts them.
type StoreRoundTrips interface {
	ObserveRoundTrips(o emnkg.RoundTripObserver)
}

// Server serves the API.
type Server struct {
	cfg   Config
	store emnkg.Store
	// avail is the store's availability, when it tracks it.
	avail StoreAvailability
	// waiter is avail when the store can hold requests.
	waiter  StoreAvailabilityWaiter
	logger  *slog.Logger
	limits  graph.Limits
	metrics *metrics.Metrics
	handler http.Handler
	// resolver is the GraphQL resolver, whose change broker a shutdown
	// closes.
	resolver *graph.Resolver
	// streams are the subscriptions being streamed, which a shutdown ends.
	streams streams
}

// New returns a server over store, or an error for an invalid config.
func New(cfg Config, store emnkg.Store, logger *slog.Logger) (*Server, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if cfg.ShutdownTimeout <= 0 {
		cfg.ShutdownTimeout = 15 * time.Second
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = 30 * time.Second
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	corsHandler, err := newCORS(cfg)
	if err != nil {
		return nil, err
	}
	logger = slog.New(contextHandler{logger.Handler()})
	s := &Server{cfg: cfg, store: store, logger: logger}
	if a, ok := store.(StoreAvailability); ok {
		s.avail = a
	}
	if w, ok := store.(StoreAvailabilityWaiter); ok {
		s.waiter = w
	}
	if cfg.Metrics {
		s.metrics = metrics.New()
		if rt, ok := store.(StoreRoundTrips); ok {
			rt.ObserveRoundTrips(s.metrics.RoundTrip)
		}
	}
	resolver := graph.NewResolver(store, logger)
	if cfg.ConfigureResolver != nil {
		cfg.ConfigureResolver(resolver)
	}
	s.resolver = resolver
	opts := cfg.HandlerOptions
	opts.Introspection = cfg.Introspection
	opts.RequestID = RequestID
	gql := graph.NewHandler(resolver, opts)
	s.limits = graph.DefaultLimits()
	if cfg.Limits != nil {
		s.limits = *cfg.Limits
	}
	if s.limits.DefaultListSize <= 0 {
		s.limits.DefaultListSize = resolver.DefaultPageSize
	}
	graph.UseLimits(gql, s.limits)
	if cfg.Production {
		graph.ProductionMode(gql)
	}
	gql.Use(observer{metrics: s.metrics})

	mux := http.NewServeMux()
	mux.Handle("/graphql", s.limitRequest(s.graphqlHTTP(gql)))
	if s.metrics != nil && cfg.MetricsAddr == "" {
		mux.Handle("GET /metrics", s.metrics.Handler())
	}
	if cfg.Introspection {
		mux.Handle("GET /{$}", playground.Handler("emnkg: EMN knowledge graph", "/graphql"))
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", s.ready)
	s.handler = withRequestID(s.observe(s.recoverPanics(corsHandler.Handler(mux))))
	return s, nil
}

// Handler returns the server's HTTP handler.
func (s *Server) Handler() http.Handler { return s.handler }

// Metrics returns the server's metrics, or nil when Config.Metrics is off.
func (s *Server) Metrics() *metrics.Metrics { return s.metrics }

// limitRequest bounds the body size and the duration of a request; the
// duration of websockets and event streams, which carry subscriptions, is
// not bounded here (graphqlHTTP bounds event streams of queries and
// mutations).
func (s *Server) limitRequest(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
		if r.Header.Get("Upgrade") != "" || strings.Contains(r.Header.Get("Accept"), mediaEventStream) {
			next.ServeHTTP(w, r)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), s.cfg.RequestTimeout)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// storeAvailable tells whether a GraphQL query or mutation may run: nil
// while the store's database is believed to answer (or the store does not
// track it). While it does not answer, a store that can hold requests
// (StoreAvailabilityWaiter) holds this one until it answers again, for
// at most its hold time or until ctx ends; otherwise, or when the hold
// ends first, storeAvailable returns the store's error and how long the
// client should wait before trying again. Each hold is counted in the
// metrics (emnkg_store_hold_seconds, by how it ended).
func (s *Server) storeAvailable(ctx context.Context) (retryAfter time.Duration, err error) {
	switch {
	case s.waiter != nil:
		if _, err := s.waiter.Available(); err == nil {
			return 0, nil
		}
		start := time.Now()
		retryAfter, err := s.waiter.AwaitAvailable(ctx)
		if s.metrics != nil {
			outcome := metrics.HoldReleased
			if err != nil {
				outcome = metrics.HoldRefused
			}
			s.metrics.Held(outcome, time.Since(start))
		}
		return retryAfter, err
	case s.avail != nil:
		return s.avail.Available()
	}
	return 0, nil
}

// ready reports whether the store answers (and, for Neo4j, is migrated).
func (s *Server) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := s.store.Ping(ctx); err != nil {
		s.logger.WarnContext(ctx, "store not ready", "error", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, "store unavailable")
		return
	}
	fmt.Fprintln(w, "ready")
}

// ListenAndServe serves on cfg.Addr until ctx is done, then shuts down
// gracefully: it stops accepting connections, ends the subscriptions
// (their contexts are cancelled: event streams get their "event: complete",
// websockets a close frame, and websockets that do not close within a
// second have their connections closed), lets in-flight requests finish
// until cfg.ShutdownTimeout, then cancels those still running and returns
// once they have (or two seconds later), so that the caller can close the
// store. ready, when not nil, receives the bound address.
func (s *Server) ListenAndServe(ctx context.Context, ready func(addr string)) error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.cfg.Addr, err)
	}
	// Requests run on baseCtx, which ctx does not cancel: in-flight
	// requests may finish after ctx is done; hardStop cancels them once
	// the shutdown deadline has passed.
	baseCtx, hardStop := context.WithCancel(context.WithoutCancel(ctx))
	defer hardStop()
	var running inflight
	srv := &http.Server{
		Handler:           running.wrap(s.handler),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return baseCtx },
	}
	servers := []*http.Server{srv}
	listeners := []net.Listener{ln}
	if s.metrics != nil && s.cfg.MetricsAddr != "" {
		mln, err := net.Listen("tcp", s.cfg.MetricsAddr)
		if err != nil {
			ln.Close()
			return fmt.Errorf("listen on %s: %w", s.cfg.MetricsAddr, err)
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", s.metrics.Handler())
		servers = append(servers, &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second,
			BaseContext: func(net.Listener) context.Context { return baseCtx }})
		listeners = append(listeners, mln)
		s.logger.Info("metrics are served", "metrics", "http://"+mln.Addr().String()+"/metrics")
	}
	errc := make(chan error, len(servers))
	for i, hs := range servers {
		go func() { errc <- hs.Serve(listeners[i]) }()
	}
	if ready != nil {
		ready(ln.Addr().String())
	}
	var serveErr error
	select {
	case serveErr = <-errc:
	case <-ctx.Done():
	}
	start := time.Now()
	s.logger.Info("shutting down: ending subscriptions, finishing in-flight requests",
		"subscriptions", s.streams.count(), "timeout", s.cfg.ShutdownTimeout.String())
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.ShutdownTimeout)
	defer cancel()
	var errs []error
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		errs = append(errs, serveErr)
	}

	// End the subscriptions first: Shutdown waits for event streams, and
	// new ones started from now on are refused.
	s.streams.cancelAll()
	if s.resolver != nil && s.resolver.Changes != nil {
		s.resolver.Changes.Close()
	}
	shutdownErrs := make(chan error, len(servers))
	for _, hs := range servers {
		go func() { shutdownErrs <- hs.Shutdown(shutdownCtx) }()
	}
	graceCtx, graceCancel := context.WithTimeout(shutdownCtx, streamGrace)
	if s.streams.wait(graceCtx) != nil {
		s.logger.Warn("closing the connections of subscriptions that did not end", "subscriptions", s.streams.count())
		s.streams.closeConns()
	}
	graceCancel()
	forced := false
	for range servers {
		if err := <-shutdownErrs; err != nil {
			forced = true
		}
	}
	if s.streams.wait(shutdownCtx) != nil {
		forced = true
	}
	if forced {
		// The deadline passed: cancel what still runs, and give it a
		// moment to return before the caller closes the store.
		hardStop()
		for _, hs := range servers {
			_ = hs.Close()
		}
		s.streams.closeConns()
		idle := running.waitIdle(hardStopGrace)
		s.logger.Warn("shutdown deadline passed: in-flight requests were cancelled",
			"timeout", s.cfg.ShutdownTimeout.String(), "all_returned", idle)
		errs = append(errs, fmt.Errorf("shutdown: in-flight requests still running after %s were cancelled", s.cfg.ShutdownTimeout))
	}
	remaining := len(servers)
	if serveErr != nil {
		remaining--
	}
	for range remaining {
		if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
			errs = append(errs, err)
		}
	}
	s.logger.Info("server stopped", "duration_ms", time.Since(start).Milliseconds())
	return errors.Join(errs...)
}

// newCORS builds the CORS middleware from the config.
func newCORS(cfg Config) (*cors.Cors, error) {
	opts := cors.Options{
		AllowedMethods:   []string{http.MethodGet, http.MethodPost, http.MethodOptions},
		AllowedHeaders:   []string{"Content-Type", "Authorization", "Accept", RequestIDHeader, PreflightHeader},
		ExposedHeaders:   []string{RequestIDHeader},
		AllowCredentials: cfg.CORSCredentials,
		MaxAge:           600,
	}
	if len(cfg.CORSOrigins) == 0 {
		opts.AllowOriginFunc = isLocalDevOrigin
		return cors.New(opts), nil
	}
	for _, o := range cfg.CORSOrigins {
		if o == "*" && cfg.CORSCredentials {
			return nil, emnkg.Errorf(emnkg.EINVALID, "CORS credentials cannot be allowed for the origin \"*\".")
		}
		if o != "*" && !strings.Contains(o, "://") {
			return nil, emnkg.Errorf(emnkg.EINVALID, "CORS origin %q must look like https://example.org.", o)
		}
	}
	opts.AllowedOrigins = cfg.CORSOrigins
	return cors.New(opts), nil
}

// isLocalDevOrigin allows http://localhost:<port> and http://127.0.0.1:<port>.
func isLocalDevOrigin(origin string) bool {
	u, err := url.Parse(origin)
	if err != nil || u.Scheme != "http" || u.Path != "" {
		return false
	}
	h := u.Hostname()
	return h == "localhost" || h == "127.0.0.1"
}
