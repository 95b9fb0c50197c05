package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emnkg/emnkg/internal/app"
	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/emnkg/emnkg/internal/neo4j"
	"github.com/emnkg/emnkg/internal/server"
	"github.com/emnkg/emnkg/internal/sqlite"
)

// newTestServer serves the seeded embedded store with cfg over HTTP.
func newTestServer(tb testing.TB, cfg server.Config, logger *slog.Logger) *httptest.Server {
	tb.Helper()
	return newTestServerOn(tb, cfg, logger, storeOpeners[0].open(tb))
}

// newTestServerOn serves the seeded store with cfg over HTTP.
func newTestServerOn(tb testing.TB, cfg server.Config, logger *slog.Logger, store emnkg.Store) *httptest.Server {
	tb.Helper()
	if _, err := app.LoadSeed(context.Background(), store); err != nil {
		tb.Fatalf("seed: %v", err)
	}
	srv, err := server.New(cfg, store, logger)
	if err != nil {
		tb.Fatalf("server: %v", err)
	}
	ts := httptest.NewServer(srv.Handler())
	tb.Cleanup(ts.Close)
	return ts
}

// exchange is one HTTP request and its answer.
type exchange struct {
	status int
	header http.Header
	body   []byte
}

// send sends one request and reads the whole answer.
func send(tb testing.TB, method, target string, headers map[string]string, body string) exchange {
	tb.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, target, rd)
	if err != nil {
		tb.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return exchange{resp.StatusCode, resp.Header, out}
}

// gqlBody decodes a GraphQL response body generically.
func gqlBody(tb testing.TB, raw []byte) (data json.RawMessage, hasData bool, code string) {
	tb.Helper()
	var resp map[string]json.RawMessage
	if err := json.Unmarshal(raw, &resp); err != nil {
		tb.Fatalf("body is not a JSON object: %q", raw)
	}
	data, hasData = resp["data"]
	var errs []struct {
		Extensions map[string]any `json:"extensions"`
	}
	if e, ok := resp["errors"]; ok {
		if err := json.Unmarshal(e, &errs); err != nil {
			tb.Fatalf("errors: %v: %s", err, e)
		}
	}
	if len(errs) > 0 {
		code, _ = errs[0].Extensions["code"].(string)
	}
	return data, hasData, code
}

const (
	jsonType = "application/json"
	gqlType  = "application/graphql-response+json"
)

func TestGraphQLOverHTTP(t *testing.T) {
	ts := newTestServer(t, server.Config{Introspection: true, MaxBodyBytes: 4096}, nil)
	csrf := newTestServer(t, server.Config{RequireGETPreflight: true}, nil)
	get := func(params ...string) string {
		v := url.Values{}
		for i := 0; i+1 < len(params); i += 2 {
			v.Set(params[i], params[i+1])
		}
		return "/graphql?" + v.Encode()
	}
	ok := `{"query":"{ countries(first: 1) { totalCount } }"}`
	ct := map[string]string{"Content-Type": jsonType}
	ctAccept := func(accept string) map[string]string {
		return map[string]string{"Content-Type": jsonType, "Accept": accept}
	}
	tests := []struct {
		name        string
		base        *httptest.Server
		method      string
		target      string
		headers     map[string]string
		body        string
		status      int
		contentType string
		code        string // extensions.code of the first error; "" for none
		data        bool   // whether the data entry must be there
		header      [2]string
	}{
		{"POST application/json", ts, "POST", "/graphql", ct, ok, 200, jsonType, "", true, [2]string{}},
		{"POST accepting graphql-response+json", ts, "POST", "/graphql", ctAccept(gqlType), ok, 200, gqlType, "", true, [2]string{}},
		{"Accept by quality", ts, "POST", "/graphql", ctAccept("application/json;q=0.5, " + gqlType), ok, 200, gqlType, "", true, [2]string{}},
		{"Accept */* means JSON", ts, "POST", "/graphql", ctAccept("*/*"), ok, 200, jsonType, "", true, [2]string{}},
		{"Accept application/* means JSON", ts, "POST", "/graphql", ctAccept("text/html, application/*;q=0.8"), ok, 200, jsonType, "", true, [2]string{}},
		{"Accept nothing usable", ts, "POST", "/graphql", ctAccept("text/html"), ok, 406, jsonType, server.CodeNotAcceptable, false, [2]string{}},
		{"charset utf-8", ts, "POST", "/graphql", map[string]string{"Content-Type": "application/json; charset=UTF-8"}, ok, 200, jsonType, "", true, [2]string{}},
		{"no Content-Type", ts, "POST", "/graphql", nil, ok, 415, jsonType, server.CodeUnsupportedMediaType, false, [2]string{}},
		{"text/plain (CSRF)", ts, "POST", "/graphql", map[string]string{"Content-Type": "text/plain"}, ok, 415, jsonType, server.CodeUnsupportedMediaType, false, [2]string{}},
		{"form (CSRF)", ts, "POST", "/graphql", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, "query=%7B__typename%7D", 415, jsonType, server.CodeUnsupportedMediaType, false, [2]string{}},
		{"multipart (CSRF)", ts, "POST", "/graphql", map[string]string{"Content-Type": "multipart/form-data; boundary=x"}, "--x--", 415, jsonType, server.CodeUnsupportedMediaType, false, [2]string{}},
		{"other charset", ts, "POST", "/graphql", map[string]string{"Content-Type": "application/json; charset=latin1"}, ok, 415, jsonType, server.CodeUnsupportedMediaType, false, [2]string{}},
		{"unparsable JSON", ts, "POST", "/graphql", ct, `{"query": "{ __typename }"`, 400, jsonType, server.CodeBadRequest, false, [2]string{}},
		{"unparsable JSON, graphql-response", ts, "POST", "/graphql", ctAccept(gqlType), `{ "not a JSON`, 400, gqlType, server.CodeBadRequest, false, [2]string{}},
		{"empty body", ts, "POST", "/graphql", ct, "", 400, jsonType, server.CodeBadRequest, false, [2]string{}},
		{"batch", ts, "POST", "/graphql", ct, `[` + ok + `]`, 400, jsonType, server.CodeBadRequest, false, [2]string{}},
		{"two JSON values", ts, "POST", "/graphql", ct, ok + ok, 400, jsonType, server.CodeBadRequest, false, [2]string{}},
		{"no query", ts, "POST", "/graphql", ct, `{"qeury": "{ __typename }"}`, 400, jsonType, server.CodeBadRequest, false, [2]string{}},
		{"query not a string", ts, "POST", "/graphql", ct, `{"query": {"obj": "ect"}}`, 400, jsonType, server.CodeBadRequest, false, [2]string{}},
		{"variables not an object", ts, "POST", "/graphql", ct, `{"query": "{ __typename }", "variables": "x"}`, 400, jsonType, server.CodeBadRequest, false, [2]string{}},
		{"extensions not an object", ts, "POST", "/graphql", ct, `{"query": "{ __typename }", "extensions": [1]}`, 400, jsonType, server.CodeBadRequest, false, [2]string{}},
		{"operationName not a string", ts, "POST", "/graphql", ct, `{"query": "{ __typename }", "operationName": false}`, 400, jsonType, server.CodeBadRequest, false, [2]string{}},
		{"null parameters", ts, "POST", "/graphql", ct, `{"query": "{ __typename }", "operationName": null, "variables": null, "extensions": null}`, 200, jsonType, "", true, [2]string{}},
		{"body too large", ts, "POST", "/graphql", ct, `{"query": "{ __typename }", "variables": {"x": "` + strings.Repeat("x", 5000) + `"}}`, 413, jsonType, server.CodePayloadTooLarge, false, [2]string{}},
		{"parse error, JSON", ts, "POST", "/graphql", ctAccept(jsonType), `{"query": "{"}`, 200, jsonType, "GRAPHQL_PARSE_FAILED", false, [2]string{}},
		{"parse error, graphql-response", ts, "POST", "/graphql", ctAccept(gqlType), `{"query": "{"}`, 400, gqlType, "GRAPHQL_PARSE_FAILED", false, [2]string{}},
		{"invalid, graphql-response", ts, "POST", "/graphql", ctAccept(gqlType), `{"query": "{ nope }"}`, 400, gqlType, "GRAPHQL_VALIDATION_FAILED", false, [2]string{}},
		{"variable coercion, JSON", ts, "POST", "/graphql", ctAccept(jsonType), `{"query": "query Q($id: ID!) { __typename }", "variables": {"id": null}}`, 200, jsonType, "GRAPHQL_VALIDATION_FAILED", false, [2]string{}},
		{"variable coercion, graphql-response", ts, "POST", "/graphql", ctAccept(gqlType), `{"query": "query Q($id: ID!) { __typename }", "variables": {"id": null}}`, 400, gqlType, "GRAPHQL_VALIDATION_FAILED", false, [2]string{}},
		{"over a limit, graphql-response", ts, "POST", "/graphql", ctAccept(gqlType), `{"query": "{ documents(first: 100000) { nodes { id } } }"}`, 400, gqlType, "COST_LIMIT_EXCEEDED", false, [2]string{}},
		{"field error keeps data", ts, "POST", "/graphql", ctAccept(gqlType), `{"query": "{ documents(first: -1) { totalCount } }"}`, 200, gqlType, "BAD_USER_INPUT", true, [2]string{}},
		{"GET query", ts, "GET", get("query", "{ countries(first: 1) { totalCount } }"), nil, "", 200, jsonType, "", true, [2]string{}},
		{"GET with variables", ts, "GET", get("query", "query Q($n: Int) { countries(first: $n) { totalCount } }", "variables", `{"n": 1}`, "operationName", "Q"), map[string]string{"Accept": gqlType}, "", 200, gqlType, "", true, [2]string{}},
		{"GET mutation", ts, "GET", get("query", `mutation { unlink(id: "x") { id } }`), map[string]string{"Accept": gqlType}, "", 405, gqlType, server.CodeMethodNotAllowed, false, [2]string{"Allow", "POST"}},
		{"GET named mutation among queries", ts, "GET", get("query", "query A { __typename } mutation B { __typename }", "operationName", "B"), nil, "", 405, jsonType, server.CodeMethodNotAllowed, false, [2]string{"Allow", "POST"}},
		{"GET subscription", ts, "GET", get("query", "subscription { __typename }"), nil, "", 405, jsonType, server.CodeMethodNotAllowed, false, [2]string{"Allow", "POST"}},
		{"subscription without a stream", ts, "POST", "/graphql", ct, `{"query": "subscription S { changes { __typename } }"}`, 406, jsonType, server.CodeNotAcceptable, false, [2]string{}},
		{"GET without query", ts, "GET", "/graphql", nil, "", 400, jsonType, server.CodeBadRequest, false, [2]string{}},
		{"GET variables not an object", ts, "GET", get("query", "{ __typename }", "variables", "[1]"), nil, "", 400, jsonType, server.CodeBadRequest, false, [2]string{}},
		{"PUT", ts, "PUT", "/graphql", ct, ok, 405, jsonType, server.CodeMethodNotAllowed, false, [2]string{"Allow", "GET, POST, OPTIONS"}},
		{"DELETE", ts, "DELETE", "/graphql", nil, "", 405, jsonType, server.CodeMethodNotAllowed, false, [2]string{"Allow", "GET, POST, OPTIONS"}},
		{"GET without preflight header", csrf, "GET", get("query", "{ __typename }"), nil, "", 403, jsonType, server.CodeCSRFPrevented, false, [2]string{}},
		{"GET with preflight header", csrf, "GET", get("query", "{ __typename }"), map[string]string{server.PreflightHeader: "1"}, "", 200, jsonType, "", true, [2]string{}},
		{"POST needs no preflight header", csrf, "POST", "/graphql", ct, ok, 200, jsonType, "", true, [2]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ex := send(t, tt.method, tt.base.URL+tt.target, tt.headers, tt.body)
			if ex.status != tt.status {
				t.Errorf("status %d, want %d: %s", ex.status, tt.status, ex.body)
			}
			if got := ex.header.Get("Content-Type"); !strings.HasPrefix(got, tt.contentType) {
				t.Errorf("Content-Type %q, want %q", got, tt.contentType)
			}
			_, hasData, code := gqlBody(t, ex.body)
			if code != tt.code {
				t.Errorf("code %q, want %q: %s", code, tt.code, ex.body)
			}
			if hasData != tt.data {
				t.Errorf("data entry present = %v, want %v: %s", hasData, tt.data, ex.body)
			}
			if tt.header[0] != "" && ex.header.Get(tt.header[0]) != tt.header[1] {
				t.Errorf("%s = %q, want %q", tt.header[0], ex.header.Get(tt.header[0]), tt.header[1])
			}
			if id := ex.header.Get(server.RequestIDHeader); id == "" {
				t.Error("no request ID")
			}
		})
	}
}

// syncBuffer is a bytes.Buffer safe for concurrent log writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// lines returns the JSON log records written so far.
func (b *syncBuffer) lines(tb testing.TB) []map[string]any {
	tb.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	for _, l := range bytes.Split(bytes.TrimSpace(b.buf.Bytes()), []byte("\n")) {
		if len(l) == 0 {
			continue
		}
		var rec map[string]any
		if err := json.Unmarshal(l, &rec); err != nil {
			tb.Fatalf("log line %q: %v", l, err)
		}
		out = append(out, rec)
	}
	return out
}

func TestRequestLogs(t *testing.T) {
	logs := &syncBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ts := newTestServer(t, server.Config{}, logger)
	const secret = "s3cr3t-t0ken-value"
	tests := []struct {
		name      string
		method    string
		target    string
		headers   map[string]string
		body      string
		wantID    string // "" for a generated one
		operation string
		outcome   string
	}{
		{"named query with the client's ID", "POST", "/graphql",
			map[string]string{"Content-Type": jsonType, server.RequestIDHeader: "client-id-1"},
			`{"query": "query Countries { countries(first: 1) { totalCount } }", "operationName": "Countries"}`,
			"client-id-1", "Countries", "success"},
		{"token never logged", "POST", "/graphql",
			map[string]string{"Content-Type": jsonType, "Authorization": "Bearer " + secret, "Cookie": "session=" + secret},
			`{"query": "query Q { __typename }", "operationName": "Q", "variables": {"password": "` + secret + `"}}`, "", "Q", ""},
		{"GET query string never logged", "GET", "/graphql?query=%7B__typename%7D&variables=%7B%22p%22%3A%22" + secret + "%22%7D",
			nil, "", "", "", "success"},
		{"malformed client ID replaced", "POST", "/graphql",
			map[string]string{"Content-Type": jsonType, server.RequestIDHeader: "bad id {\"x\": 1}"},
			`{"query": "{ nope }"}`, "", "", "request_error"},
		{"refused by HTTP layer", "POST", "/graphql", map[string]string{"Content-Type": "text/plain"}, `{}`, "", "", "http_error"},
		{"over a limit", "POST", "/graphql", map[string]string{"Content-Type": jsonType},
			`{"query": "query Big { documents(first: 100000) { nodes { id } } }"}`, "", "Big", "request_error"},
	}
	generated := regexp.MustCompile(`^[0-9a-f]{32}$`)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ex := send(t, tt.method, ts.URL+tt.target, tt.headers, tt.body)
			id := ex.header.Get(server.RequestIDHeader)
			if tt.wantID != "" && id != tt.wantID {
				t.Errorf("request ID %q, want %q", id, tt.wantID)
			}
			if tt.wantID == "" && !generated.MatchString(id) {
				t.Errorf("request ID %q, want a generated one", id)
			}
			var line map[string]any
			for _, rec := range logs.lines(t) {
				if rec["msg"] == "request" && rec["request_id"] == id {
					line = rec
				}
			}
			if line == nil {
				t.Fatalf("no request line with request_id %s", id)
			}
			if line["path"] != "/graphql" || line["method"] != tt.method || line["duration_ms"] == nil || line["status"] == nil {
				t.Errorf("request line lacks fields: %v", line)
			}
			if line["operation"] != tt.operation {
				t.Errorf("operation %v, want %q", line["operation"], tt.operation)
			}
			if tt.outcome != "" && line["outcome"] != tt.outcome {
				t.Errorf("outcome %v, want %q", line["outcome"], tt.outcome)
			}
		})
	}
	logs.mu.Lock()
	all := logs.buf.String()
	logs.mu.Unlock()
	for _, leak := range []string{secret, "Authorization", "Bearer", "Cookie"} {
		if strings.Contains(all, leak) {
			t.Errorf("logs contain %q:\n%s", leak, all)
		}
	}
}

// panickyStore panics where the tests make it.
type panickyStore struct{ emnkg.Store }

func (panickyStore) Ping(context.Context) error { panic("ping exploded") }

func (panickyStore) GetNodes(context.Context, []string) ([]*emnkg.Node, error) {
	panic("get nodes exploded")
}

func TestPanicsAreRecovered(t *testing.T) {
	logs := &syncBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, nil))
	ts := newTestServerOn(t, server.Config{}, logger, panickyStore{storeOpeners[0].open(t)})
	tests := []struct {
		name, method, target, body string
		status                     int
		code                       string
	}{
		{"outside GraphQL", "GET", "/readyz", "", 500, "INTERNAL"},
		{"in a resolver", "POST", "/graphql", `{"query": "{ node(id: \"net-emn\") { id } }"}`, 200, "INTERNAL"},
		{"still serving", "POST", "/graphql", `{"query": "{ __typename }"}`, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ex := send(t, tt.method, ts.URL+tt.target, map[string]string{"Content-Type": jsonType}, tt.body)
			if ex.status != tt.status {
				t.Errorf("status %d, want %d: %s", ex.status, tt.status, ex.body)
			}
			if _, _, code := gqlBody(t, ex.body); code != tt.code {
				t.Errorf("code %q, want %q: %s", code, tt.code, ex.body)
			}
			if bytes.Contains(ex.body, []byte("exploded")) {
				t.Errorf("panic leaked to the client: %s", ex.body)
			}
		})
	}
	found := false
	for _, rec := range logs.lines(t) {
		if strings.Contains(rec["msg"].(string), "panic") && rec["request_id"] != nil && rec["stack"] != nil {
			found = true
		}
	}
	if !found {
		t.Errorf("no panic logged with a request ID and a stack:\n%s", logs.buf.String())
	}
}

func TestMetrics(t *testing.T) {
	ts := newTestServer(t, server.Config{Metrics: true}, nil)
	ct := map[string]string{"Content-Type": jsonType}
	send(t, "POST", ts.URL+"/graphql", ct, `{"query": "query Countries { countries(first: 1) { totalCount } }"}`)
	send(t, "POST", ts.URL+"/graphql", ct, `{"query": "query Countries { countries(first: 1) { totalCount } }"}`)
	send(t, "POST", ts.URL+"/graphql", ct, `{"query": "query Big { documents(first: 100000) { nodes { id } } }"}`)
	send(t, "POST", ts.URL+"/graphql", ct, `{"query": "{ `+strings.Repeat("__typename ", 3000)+`}"}`)
	send(t, "POST", ts.URL+"/graphql", map[string]string{"Content-Type": "text/plain"}, `{}`)
	ex := send(t, "GET", ts.URL+"/metrics", nil, "")
	if ex.status != 200 {
		t.Fatalf("status %d", ex.status)
	}
	for _, want := range []string{
		`emnkg_graphql_requests_total{operation="Countries",outcome="success",type="query"} 2`,
		`emnkg_graphql_requests_total{operation="Big",outcome="request_error",type="unknown"} 1`,
		`emnkg_graphql_requests_total{operation="(anonymous)",outcome="http_error",type="unknown"} 1`,
		`emnkg_graphql_rejected_total{limit="COST_LIMIT_EXCEEDED"} 1`,
		`emnkg_graphql_rejected_total{limit="TOKEN_LIMIT_EXCEEDED"} 1`,
		`emnkg_graphql_request_duration_seconds_count{operation="Countries",outcome="success"} 2`,
		`emnkg_graphql_active_subscriptions 0`,
		`go_goroutines`,
	} {
		if !bytes.Contains(ex.body, []byte(want)) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if off := send(t, "GET", newTestServer(t, server.Config{}, nil).URL+"/metrics", nil, ""); off.status != 404 {
		t.Errorf("metrics served when off: %d", off.status)
	}
}

// TestMetricsCountStoreRoundTrips checks, on each store, that the
// store's transactions are counted by mode and outcome, with their time.
func TestMetricsCountStoreRoundTrips(t *testing.T) {
	for _, so := range storeOpeners {
		t.Run(so.name, func(t *testing.T) {
			ts := newTestServerOn(t, server.Config{Metrics: true}, nil, so.open(t))
			ct := map[string]string{"Content-Type": jsonType}
			send(t, "POST", ts.URL+"/graphql", ct, `{"query": "{ countries(first: 2) { nodes { id } } }"}`)
			send(t, "POST", ts.URL+"/graphql", ct, `{"query": "{ node(id: \"NO\") { id } }"}`)
			// A mutation without credentials is refused before the store.
			send(t, "POST", ts.URL+"/graphql", ct, `{"query": "mutation { deleteNode(id: \"NO\") { id } }"}`)
			ex := send(t, "GET", ts.URL+"/metrics", nil, "")
			reads := regexp.MustCompile(`emnkg_store_round_trips_total\{mode="read",outcome="ok"\} (\d+)`).FindSubmatch(ex.body)
			if reads == nil || string(reads[1]) == "0" {
				t.Fatalf("no read round trips counted:\n%s", ex.body)
			}
			if !bytes.Contains(ex.body, []byte(`emnkg_store_round_trip_duration_seconds_count{mode="read"} `+string(reads[1]))) {
				t.Errorf("the round trips' durations are not counted as often as the round trips (%s)", reads[1])
			}
			if bytes.Contains(ex.body, []byte(`emnkg_store_round_trips_total{mode="write"`)) {
				t.Errorf("a refused mutation counted a write round trip")
			}
		})
	}
}

// Both stores tell the server of their round trips.
var (
	_ server.StoreRoundTrips = (*sqlite.Store)(nil)
	_ server.StoreRoundTrips = (*neo4j.Store)(nil)
)

func TestMetricsOnTheirOwnAddress(t *testing.T) {
	store := storeOpeners[0].open(t)
	srv, err := server.New(server.Config{Addr: "127.0.0.1:0", Metrics: true, MetricsAddr: "127.0.0.1:0"}, store, nil)
	if err != nil {
		t.Fatal(err)
	}
	if srv.Metrics() == nil {
		t.Fatal("no metrics")
	}
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- srv.ListenAndServe(ctx, func(addr string) { addrc <- addr }) }()
	addr := <-addrc
	if ex := send(t, "GET", "http://"+addr+"/metrics", nil, ""); ex.status != 404 {
		t.Errorf("metrics on the public address: %d", ex.status)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("shutdown: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no shutdown")
	}
}

func TestSubscriptionGauge(t *testing.T) {
	ts := newTestServer(t, server.Config{Metrics: true, Introspection: true}, nil)
	ct := map[string]string{"Content-Type": jsonType}
	ex := send(t, "POST", ts.URL+"/graphql", ct, `{"query": "{ __schema { subscriptionType { fields { name } } } }"}`)
	if !bytes.Contains(ex.body, []byte(`"name":"changes"`)) {
		t.Skip("the schema has no changes subscription")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "POST", ts.URL+"/graphql",
		strings.NewReader(`{"query": "subscription Watch { changes { __typename } }"}`))
	req.Header.Set("Content-Type", jsonType)
	req.Header.Set("Accept", "text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	gauge := func() string {
		m := send(t, "GET", ts.URL+"/metrics", nil, "")
		return regexp.MustCompile(`(?m)^emnkg_graphql_active_subscriptions (\d+)`).FindStringSubmatch(string(m.body))[1]
	}
	waitFor := func(want string) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for gauge() != want {
			if time.Now().After(deadline) {
				t.Fatalf("active subscriptions %s, want %s", gauge(), want)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitFor("1")
	cancel()
	resp.Body.Close()
	waitFor("0")
}
