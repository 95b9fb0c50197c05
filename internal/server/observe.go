package server

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"slices"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/emnkg/emnkg/graph"
	"github.com/emnkg/emnkg/internal/metrics"
)

// RequestIDHeader carries the request ID, in and out.
const RequestIDHeader = "X-Request-Id"

type ctxKey int

const (
	requestIDKey ctxKey = iota
	infoKey
)

// RequestID returns the ID of the request ctx belongs to, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

// validRequestID tells an incoming request ID safe to reuse: 1 to 128
// letters, digits and ._:- only, so it cannot forge log lines or headers.
func validRequestID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for _, c := range []byte(id) {
		ok := c == '.' || c == '_' || c == ':' || c == '-' ||
			('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
		if !ok {
			return false
		}
	}
	return true
}

// newRequestID returns a random 128-bit ID in hex.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// withRequestID gives every request an ID: the client's X-Request-Id when
// it is well-formed, a random one otherwise. It is set on the response and
// in the context, where the logger finds it.
func withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(RequestIDHeader)
		if !validRequestID(id) {
			id = newRequestID()
		}
		w.Header().Set(RequestIDHeader, id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey, id)))
	})
}

// contextHandler adds the request ID of the context to every record.
type contextHandler struct{ slog.Handler }

// Handle adds request_id, then passes the record on.
func (h contextHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := RequestID(ctx); id != "" {
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

// WithAttrs keeps adding the request ID.
func (h contextHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return contextHandler{h.Handler.WithAttrs(attrs)}
}

// WithGroup keeps adding the request ID.
func (h contextHandler) WithGroup(name string) slog.Handler {
	return contextHandler{h.Handler.WithGroup(name)}
}

// requestInfo is what is learnt about one request while serving it, for
// its log line and metrics. A websocket runs several operations on one
// request, hence the lock.
type requestInfo struct {
	mu       sync.Mutex
	graphQL  bool
	stream   bool
	executed bool
	refused  string
	opName   string
	opType   string
	codes    []string
}

// infoFrom returns the request info of ctx; without one, a throwaway one.
func infoFrom(ctx context.Context) *requestInfo {
	if i, ok := ctx.Value(infoKey).(*requestInfo); ok {
		return i
	}
	return &requestInfo{}
}

func (i *requestInfo) setGraphQL() {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.graphQL = true
}

func (i *requestInfo) setStream() {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.stream = true
}

func (i *requestInfo) setRefused(code string) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.refused = code
}

func (i *requestInfo) setOperationName(name string) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.opName = name
}

// setCodes sets the error codes of a request error from its response,
// unless the observer saw them already.
func (i *requestInfo) setCodes(codes []string) {
	i.mu.Lock()
	defer i.mu.Unlock()
	if len(i.codes) > 0 {
		return
	}
	for _, c := range codes {
		if c == "" {
			c = "UNKNOWN"
		}
		if len(i.codes) < 20 {
			i.codes = append(i.codes, c)
		}
	}
}

func (i *requestInfo) wasExecuted() bool {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.executed
}

func (i *requestInfo) firstCode() string {
	i.mu.Lock()
	defer i.mu.Unlock()
	if len(i.codes) == 0 {
		return ""
	}
	return i.codes[0]
}

// observer is the gqlgen extension that tells the request info which
// operation ran and which errors it returned, and counts subscriptions.
type observer struct{ metrics *metrics.Metrics }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
	graphql.ResponseInterceptor
} = observer{}

// ExtensionName names the extension.
func (observer) ExtensionName() string { return "Observer" }

// Validate accepts every schema.
func (observer) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptOperation records an operation that is about to run; it is not
// called for requests refused before running.
func (o observer) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	info := infoFrom(ctx)
	opType := ""
	if graphql.HasOperationContext(ctx) {
		op := graphql.GetOperationContext(ctx).Operation
		info.mu.Lock()
		info.executed = true
		if op != nil {
			opType = string(op.Operation)
			info.opType = opType
			info.opName = op.Name
		}
		info.mu.Unlock()
	}
	h := next(ctx)
	if opType != "subscription" || o.metrics == nil {
		return h
	}
	ended := o.metrics.SubscriptionStarted()
	context.AfterFunc(ctx, ended)
	return func(ctx context.Context) *graphql.Response {
		resp := h(ctx)
		if resp == nil {
			ended()
		}
		return resp
	}
}

// InterceptResponse records the error codes of a response, including the
// response to a request refused before running.
func (observer) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp == nil || len(resp.Errors) == 0 {
		return resp
	}
	info := infoFrom(ctx)
	info.mu.Lock()
	defer info.mu.Unlock()
	if info.opName == "" && graphql.HasOperationContext(ctx) {
		if op := graphql.GetOperationContext(ctx).Operation; op != nil {
			info.opName = op.Name
		}
	}
	for _, e := range resp.Errors {
		code, _ := e.Extensions["code"].(string)
		if code == "" {
			code = "UNKNOWN"
		}
		if len(info.codes) < 20 {
			info.codes = append(info.codes, code)
		}
	}
	return resp
}

// statusWriter records the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

// WriteHeader records the status.
func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

// Write records the size.
func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += int64(n)
	return n, err
}

// Flush flushes the response, for event streams.
func (s *statusWriter) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		if s.status == 0 {
			s.status = http.StatusOK
		}
		f.Flush()
	}
}

// Hijack hands the connection over, for websockets.
func (s *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h, ok := s.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("hijacking is not supported")
	}
	s.status = http.StatusSwitchingProtocols
	return h.Hijack()
}

// Unwrap returns the underlying writer, for http.ResponseController.
func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// isProbe tells requests logged at debug level only.
func isProbe(path string) bool {
	return path == "/healthz" || path == "/readyz" || path == "/metrics"
}

// observe logs one line per request and records the GraphQL metrics. The
// line has the request ID, method, path (never the query string, which can
// hold a GraphQL document and its variables), status, duration, size, and
// for GraphQL the operation name and type, outcome and error codes. No
// header is logged, so neither are tokens nor Authorization.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		if s.metrics != nil {
			defer s.metrics.RequestStarted()()
		}
		info := &requestInfo{}
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), infoKey, info)))
		d := time.Since(start)
		status := sw.status
		if status == 0 {
			status = http.StatusOK
		}
		info.mu.Lock()
		defer info.mu.Unlock()
		attrs := []slog.Attr{
			slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Int("status", status),
			slog.Float64("duration_ms", float64(d.Microseconds())/1000), slog.Int64("bytes", sw.bytes),
		}
		level := slog.LevelInfo
		if isProbe(r.URL.Path) {
			level = slog.LevelDebug
		}
		if info.graphQL {
			outcome := info.outcomeLocked(status)
			attrs = append(attrs, slog.String("operation", info.opName), slog.String("operation_type", info.opType),
				slog.String("outcome", outcome))
			codes := info.codes
			if info.refused != "" {
				codes = []string{info.refused}
			}
			if len(codes) > 0 {
				attrs = append(attrs, slog.Any("error_codes", codes))
			}
			if s.metrics != nil {
				s.metrics.ObserveRequest(info.opName, info.opType, outcome, d)
				for _, c := range codes {
					if c == CodePayloadTooLarge || slices.Contains(graph.LimitCodes(), c) {
						s.metrics.Rejected(c)
					}
				}
			}
		}
		switch {
		case status == http.StatusServiceUnavailable && info.refused == CodeUnavailable:
			// Refused while the store is away (or the server shuts
			// down): expected, and not an error of the server.
			level = slog.LevelWarn
		case status >= 500:
			level = slog.LevelError
		}
		s.logger.LogAttrs(r.Context(), level, "request", attrs...)
	})
}

// outcomeLocked classifies a GraphQL request; the lock must be held.
func (i *requestInfo) outcomeLocked(status int) string {
	switch {
	case status >= 500:
		return metrics.OutcomeServerError
	case i.refused != "":
		return metrics.OutcomeHTTPError
	case !i.executed && (!i.stream || len(i.codes) > 0):
		return metrics.OutcomeRequestError
	case len(i.codes) > 0:
		return metrics.OutcomeFieldError
	}
	return metrics.OutcomeSuccess
}

// recoverPanics turns a panic outside gqlgen (which recovers its own) into
// a logged error and a 500 answer.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			p := recover()
			if p == nil {
				return
			}
			if p == http.ErrAbortHandler {
				panic(p)
			}
			s.logger.ErrorContext(r.Context(), "panic while serving", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			writeError(w, "", http.StatusInternalServerError, CodeInternal, "Internal error.")
		}()
		next.ServeHTTP(w, r)
	})
}
