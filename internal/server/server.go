// Package server is emnkg's HTTP server: the GraphQL endpoint, GraphiQL,
// health checks and CORS.
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
}

// Server serves the API.
type Server struct {
	cfg     Config
	store   emnkg.Store
	logger  *slog.Logger
	handler http.Handler
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
	s := &Server{cfg: cfg, store: store, logger: logger}
	resolver := graph.NewResolver(store, logger)
	gql := graph.NewHandler(resolver, graph.HandlerOptions{Introspection: cfg.Introspection})

	mux := http.NewServeMux()
	mux.Handle("/graphql", s.limitRequest(gql))
	if cfg.Introspection {
		mux.Handle("GET /{$}", playground.Handler("emnkg: EMN knowledge graph", "/graphql"))
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", s.ready)
	s.handler = corsHandler.Handler(mux)
	return s, nil
}

// Handler returns the server's HTTP handler.
func (s *Server) Handler() http.Handler { return s.handler }

// limitRequest bounds the body size and the duration of a request.
func (s *Server) limitRequest(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
		ctx, cancel := context.WithTimeout(r.Context(), s.cfg.RequestTimeout)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// ready reports whether the store answers.
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
// gracefully. ready, when not nil, receives the bound address.
func (s *Server) ListenAndServe(ctx context.Context, ready func(addr string)) error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.cfg.Addr, err)
	}
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if ready != nil {
		ready(ln.Addr().String())
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// newCORS builds the CORS middleware from the config.
func newCORS(cfg Config) (*cors.Cors, error) {
	opts := cors.Options{
		AllowedMethods:   []string{http.MethodGet, http.MethodPost, http.MethodOptions},
		AllowedHeaders:   []string{"Content-Type", "Authorization", "Accept"},
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
