package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"math"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// Media types of GraphQL over HTTP.
const (
	mediaJSON            = "application/json"
	mediaGraphQLResponse = "application/graphql-response+json"
	mediaEventStream     = "text/event-stream"
)

// PreflightHeader is the header a GET request must carry when
// Config.RequireGETPreflight is set (any value will do): a browser sends a
// custom header cross-site only after a CORS preflight the server approves,
// so a request that carries it cannot be a forged "simple" request.
const PreflightHeader = "GraphQL-Require-Preflight"

// Codes of requests the HTTP layer refuses before GraphQL sees them, in
// extensions.code.
const (
	CodeBadRequest           = "BAD_REQUEST"
	CodeMethodNotAllowed     = "METHOD_NOT_ALLOWED"
	CodeNotAcceptable        = "NOT_ACCEPTABLE"
	CodeUnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE"
	CodePayloadTooLarge      = "PAYLOAD_TOO_LARGE"
	CodeCSRFPrevented        = "CSRF_PREVENTED"
	CodeUnavailable          = "SERVICE_UNAVAILABLE"
	CodeInternal             = "INTERNAL"
)

// writeError answers with one GraphQL error and no data, in media (JSON
// when empty).
func writeError(w http.ResponseWriter, media string, status int, code, msg string) {
	if media == "" {
		media = mediaJSON
	}
	body, _ := json.Marshal(map[string]any{"errors": []map[string]any{
		{"message": msg, "extensions": map[string]any{"code": code}},
	}})
	h := w.Header()
	h.Set("Content-Type", media)
	h.Del("Content-Length")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// graphqlHTTP applies the GraphQL-over-HTTP rules around the gqlgen
// handler next:
//
//   - only GET, POST and OPTIONS (405 with Allow otherwise);
//   - the response media type is negotiated from Accept between
//     application/graphql-response+json and application/json (the default,
//     also for */*), 406 when neither is acceptable;
//   - POST needs Content-Type application/json in UTF-8 (415 otherwise),
//     which also makes every POST a non-simple request that browsers
//     preflight: the CSRF protection;
//   - a POST body must be one JSON object with a string query and optional
//     operationName (string), variables and extensions (objects); anything
//     else is 400, and 413 when it is too large;
//   - GET runs queries only: a mutation or subscription is 405 with
//     Allow: POST; with RequireGETPreflight a GET must carry
//     PreflightHeader (403 otherwise);
//   - a subscription must be streamed (Accept: text/event-stream, or a
//     websocket): 406 otherwise;
//   - a request error (nothing executed, so no data) is answered without a
//     data entry, with 400 for application/graphql-response+json (401 or
//     403 for UNAUTHENTICATED or FORBIDDEN) and 200 for application/json,
//     as the specification asks.
//
// Websocket upgrades and event streams pass through untouched.
func (s *Server) graphqlHTTP(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info := infoFrom(r.Context())
		info.setGraphQL()
		if r.Header.Get("Upgrade") != "" {
			info.setStream()
			ctx, st, ok := s.streams.start(r.Context())
			if !ok {
				s.refuseShuttingDown(w, r)
				return
			}
			defer s.streams.end(st)
			next.ServeHTTP(&hijackWriter{ResponseWriter: w, st: st}, r.WithContext(ctx))
			return
		}
		switch r.Method {
		case http.MethodGet, http.MethodPost:
		case http.MethodOptions:
			next.ServeHTTP(w, r)
			return
		default:
			w.Header().Set("Allow", "GET, POST, OPTIONS")
			s.refuse(w, r, "", http.StatusMethodNotAllowed, CodeMethodNotAllowed,
				"GraphQL is served over GET (queries) and POST.")
			return
		}
		media, ok := negotiate(r.Header.Values("Accept"), r.Method == http.MethodPost)
		if !ok {
			s.refuse(w, r, "", http.StatusNotAcceptable, CodeNotAcceptable,
				"Accept must allow application/graphql-response+json or application/json.")
			return
		}
		var opName, query string
		if r.Method == http.MethodPost {
			if !isJSONContentType(r.Header.Get("Content-Type")) {
				s.refuse(w, r, media, http.StatusUnsupportedMediaType, CodeUnsupportedMediaType,
					"POST requests must have Content-Type application/json (UTF-8).")
				return
			}
			body, status, code, msg := readParams(r.Body)
			if status != 0 {
				s.refuse(w, r, media, status, code, msg)
				return
			}
			opName, query = body.OperationName, body.Query
			canonical, err := json.Marshal(body)
			if err != nil {
				s.refuse(w, r, media, http.StatusBadRequest, CodeBadRequest, "The request's variables or extensions are not valid JSON.")
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(canonical))
			r.ContentLength = int64(len(canonical))
		} else {
			if s.cfg.RequireGETPreflight && r.Header.Get(PreflightHeader) == "" {
				s.refuse(w, r, media, http.StatusForbidden, CodeCSRFPrevented,
					"GET requests must carry the "+PreflightHeader+" header; or send the query with POST and Content-Type application/json.")
				return
			}
			name, status, code, msg := s.checkGET(r)
			if status != 0 {
				if status == http.StatusMethodNotAllowed {
					w.Header().Set("Allow", "POST")
				}
				s.refuse(w, r, media, status, code, msg)
				return
			}
			opName = name
		}
		info.setOperationName(opName)
		if r.Method == http.MethodPost && media != mediaEventStream && s.isSubscription(query, opName) {
			s.refuse(w, r, media, http.StatusNotAcceptable, CodeNotAcceptable,
				"Subscriptions are streamed: send them with Accept: text/event-stream, or over a websocket.")
			return
		}
		if media == mediaEventStream {
			// limitRequest leaves event streams unbounded for
			// subscriptions; anything else streamed is bounded here.
			if !s.isSubscription(query, opName) {
				if s.refuseUnavailable(w, r, "") {
					return
				}
				ctx, cancel := context.WithTimeout(r.Context(), s.cfg.RequestTimeout)
				defer cancel()
				r = r.WithContext(ctx)
			} else {
				// A shutdown ends subscriptions.
				ctx, st, ok := s.streams.start(r.Context())
				if !ok {
					s.refuseShuttingDown(w, r)
					return
				}
				defer s.streams.end(st)
				r = r.WithContext(ctx)
			}
			info.setStream()
			next.ServeHTTP(w, r)
			return
		}
		if s.refuseUnavailable(w, r, media) {
			return
		}
		r.Header.Set("Accept", media)
		gw := &gqlWriter{w: w, info: info}
		next.ServeHTTP(gw, r)
		gw.finish(media)
	})
}

// refuse answers a request the HTTP layer does not pass to GraphQL.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, media string, status int, code, msg string) {
	if media == mediaEventStream {
		media = ""
	}
	infoFrom(r.Context()).setRefused(code)
	writeError(w, media, status, code, msg)
}

// refuseShuttingDown refuses a subscription that arrives while the server
// shuts down.
func (s *Server) refuseShuttingDown(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Retry-After", "1")
	w.Header().Set("Connection", "close")
	s.refuse(w, r, "", http.StatusServiceUnavailable, CodeUnavailable, "The server is shutting down; retry shortly.")
}

// refuseUnavailable refuses a query or mutation while the store knows
// its database does not answer (after holding it, see storeAvailable):
// 503 SERVICE_UNAVAILABLE, with Retry-After (whole seconds, at least 1)
// and the store's message, and tells whether it did. Nothing was run, so
// the client may retry any operation.
func (s *Server) refuseUnavailable(w http.ResponseWriter, r *http.Request, media string) bool {
	retryAfter, err := s.storeAvailable(r.Context())
	if err == nil {
		return false
	}
	w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(retryAfter.Seconds())))))
	s.refuse(w, r, media, http.StatusServiceUnavailable, CodeUnavailable, emnkg.ErrorMessage(err))
	return true
}

// negotiate picks the response media type from the Accept header values:
// the acceptable type of highest quality, then most specific, then first
// listed. No Accept, */* and application/* mean application/json;
// text/event-stream is kept for the streaming transport when stream is
// set (it serves POST only).
func negotiate(accepts []string, stream bool) (string, bool) {
	best, bestQ, bestSpec := "", 0.0, -1
	seen := false
	for _, header := range accepts {
		for part := range strings.SplitSeq(header, ",") {
			if strings.TrimSpace(part) == "" {
				continue
			}
			seen = true
			mt, params, err := mime.ParseMediaType(part)
			if err != nil {
				continue
			}
			q := 1.0
			if v, ok := params["q"]; ok {
				if q, err = strconv.ParseFloat(v, 64); err != nil || q < 0 || q > 1 {
					continue
				}
			}
			var media string
			spec := 2
			switch mt {
			case mediaGraphQLResponse, mediaJSON:
				media = mt
			case mediaEventStream:
				if !stream {
					continue
				}
				media = mt
			case "application/*":
				media, spec = mediaJSON, 1
			case "*/*":
				media, spec = mediaJSON, 0
			default:
				continue
			}
			if q > 0 && (q > bestQ || (q == bestQ && spec > bestSpec)) {
				best, bestQ, bestSpec = media, q, spec
			}
		}
	}
	if !seen {
		return mediaJSON, true
	}
	return best, best != ""
}

// isJSONContentType tells application/json, with no charset or UTF-8.
func isJSONContentType(v string) bool {
	mt, params, err := mime.ParseMediaType(v)
	if err != nil || mt != mediaJSON {
		return false
	}
	cs, ok := params["charset"]
	return !ok || strings.EqualFold(cs, "utf-8") || strings.EqualFold(cs, "utf8")
}

// params is a GraphQL-over-HTTP request, as passed on to gqlgen.
type params struct {
	Query         string          `json:"query"`
	OperationName string          `json:"operationName,omitempty"`
	Variables     json.RawMessage `json:"variables,omitempty"`
	Extensions    json.RawMessage `json:"extensions,omitempty"`
}

// readParams reads and checks a POST body; a non-zero status refuses it
// with code and msg.
func readParams(body io.Reader) (p params, status int, code, msg string) {
	raw, err := io.ReadAll(body)
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return p, http.StatusRequestEntityTooLarge, CodePayloadTooLarge,
			"The request body is larger than " + strconv.FormatInt(tooLarge.Limit, 10) + " bytes."
	case err != nil:
		return p, http.StatusBadRequest, CodeBadRequest, "The request body could not be read."
	}
	raw = bytes.TrimSpace(raw)
	bad := func(m string) (params, int, string, string) { return p, http.StatusBadRequest, CodeBadRequest, m }
	switch {
	case len(raw) == 0:
		return bad("The request body is empty; send a JSON object with a query.")
	case raw[0] == '[':
		return bad("Batched requests (a JSON array) are not supported; send one JSON object.")
	case raw[0] != '{':
		return bad("The request body must be a JSON object with a query.")
	}
	var fields map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&fields); err != nil {
		return bad("The request body is not valid JSON.")
	}
	if _, err := dec.Token(); err != io.EOF {
		return bad("The request body holds more than one JSON value.")
	}
	q, ok := fields["query"]
	if !ok || !isJSONString(q) || json.Unmarshal(q, &p.Query) != nil {
		return bad("The request must have a query, as a string.")
	}
	if v, ok := fields["operationName"]; ok && !isJSONNull(v) {
		if !isJSONString(v) || json.Unmarshal(v, &p.OperationName) != nil {
			return bad("operationName must be a string or null.")
		}
	}
	for _, f := range []struct {
		name string
		dst  *json.RawMessage
	}{{"variables", &p.Variables}, {"extensions", &p.Extensions}} {
		if v, ok := fields[f.name]; ok && !isJSONNull(v) {
			if !isJSONObject(v) {
				return bad(f.name + " must be a JSON object or null.")
			}
			*f.dst = v
		}
	}
	return p, 0, "", ""
}

func isJSONNull(v json.RawMessage) bool   { return string(bytes.TrimSpace(v)) == "null" }
func isJSONString(v json.RawMessage) bool { v = bytes.TrimSpace(v); return len(v) > 0 && v[0] == '"' }
func isJSONObject(v json.RawMessage) bool { v = bytes.TrimSpace(v); return len(v) > 0 && v[0] == '{' }

// checkGET checks the parameters of a GET request and returns its
// operation name; a non-zero status refuses it with code and msg. A query
// that does not parse is left to gqlgen, which reports it.
func (s *Server) checkGET(r *http.Request) (opName string, status int, code, msg string) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return "", http.StatusBadRequest, CodeBadRequest, "The URL's query string is malformed."
	}
	query := q.Get("query")
	if query == "" {
		return "", http.StatusBadRequest, CodeBadRequest, "The request must have a query parameter."
	}
	for _, name := range []string{"variables", "extensions"} {
		if v := q.Get(name); v != "" {
			var obj map[string]any
			if !isJSONObject(json.RawMessage(v)) || json.Unmarshal([]byte(v), &obj) != nil {
				return "", http.StatusBadRequest, CodeBadRequest, name + " must be a JSON object."
			}
		}
	}
	opName = q.Get("operationName")
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: query}, s.limits.MaxTokens)
	if err != nil {
		return opName, 0, "", ""
	}
	if op := selectOperation(doc, opName); op != nil && op.Operation != ast.Query {
		return opName, http.StatusMethodNotAllowed, CodeMethodNotAllowed,
			"GET requests can only run queries; send " + string(op.Operation) + "s with POST."
	}
	return opName, 0, "", ""
}

// isSubscription tells whether the operation opName of query is a
// subscription; a query that does not parse is left to gqlgen.
func (s *Server) isSubscription(query, opName string) bool {
	if !strings.Contains(query, "subscription") {
		return false
	}
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: query}, s.limits.MaxTokens)
	if err != nil {
		return false
	}
	op := selectOperation(doc, opName)
	return op != nil && op.Operation == ast.Subscription
}

// selectOperation returns the operation named name, or the only one when
// name is empty.
func selectOperation(doc *ast.QueryDocument, name string) *ast.OperationDefinition {
	if name == "" {
		if len(doc.Operations) == 1 {
			return doc.Operations[0]
		}
		return nil
	}
	return doc.Operations.ForName(name)
}

// gqlWriter passes an executed operation's response straight through and
// holds back the response to a request error, which finish rewrites.
type gqlWriter struct {
	w       http.ResponseWriter
	info    *requestInfo
	status  int
	decided bool
	pass    bool
	buf     bytes.Buffer
}

// Header returns the response headers.
func (g *gqlWriter) Header() http.Header { return g.w.Header() }

// WriteHeader records the status, passing it on for executed operations.
func (g *gqlWriter) WriteHeader(code int) {
	if g.decided {
		return
	}
	g.status = code
	g.decide()
}

// Write writes or holds back b.
func (g *gqlWriter) Write(b []byte) (int, error) {
	if !g.decided {
		g.status = http.StatusOK
		g.decide()
	}
	if g.pass {
		return g.w.Write(b)
	}
	return g.buf.Write(b)
}

// Flush flushes an executed operation's response.
func (g *gqlWriter) Flush() {
	if g.pass {
		if f, ok := g.w.(http.Flusher); ok {
			f.Flush()
		}
	}
}

// Unwrap returns the underlying writer, for http.ResponseController.
func (g *gqlWriter) Unwrap() http.ResponseWriter { return g.w }

func (g *gqlWriter) decide() {
	g.decided = true
	g.pass = g.info.wasExecuted() || g.status >= 500
	if g.pass {
		g.w.WriteHeader(g.status)
	}
}

// finish writes a held-back request error without its data entry, with
// the status GraphQL over HTTP asks for in media.
func (g *gqlWriter) finish(media string) {
	if !g.decided || g.pass {
		return
	}
	body := g.buf.Bytes()
	var resp map[string]json.RawMessage
	var codes []string
	if err := json.Unmarshal(body, &resp); err == nil {
		delete(resp, "data")
		if b, err := json.Marshal(resp); err == nil {
			body = b
		}
		var errs []struct {
			Extensions struct {
				Code string `json:"code"`
			} `json:"extensions"`
		}
		_ = json.Unmarshal(resp["errors"], &errs)
		for _, e := range errs {
			codes = append(codes, e.Extensions.Code)
		}
	}
	g.info.setCodes(codes)
	status := http.StatusOK
	if media == mediaGraphQLResponse {
		status = http.StatusBadRequest
	}
	switch g.info.firstCode() {
	case "UNAUTHENTICATED":
		status = http.StatusUnauthorized
	case "FORBIDDEN":
		status = http.StatusForbidden
	}
	g.w.Header().Del("Content-Length")
	g.w.WriteHeader(status)
	_, _ = g.w.Write(body)
}
