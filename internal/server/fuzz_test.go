package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/emnkg/emnkg/internal/app"
	"github.com/emnkg/emnkg/internal/server"
)

// fuzzHandler returns the HTTP handler of a server over the seeded
// embedded store, called in-process by the fuzz targets.
func fuzzHandler(tb testing.TB) http.Handler {
	tb.Helper()
	store := storeOpeners[0].open(tb)
	if _, err := app.LoadSeed(context.Background(), store); err != nil {
		tb.Fatalf("seed: %v", err)
	}
	srv, err := server.New(server.Config{Introspection: true, RequestTimeout: 5 * time.Second, MaxBodyBytes: 64 << 10}, store, nil)
	if err != nil {
		tb.Fatalf("server: %v", err)
	}
	return srv.Handler()
}

// fuzzQueries seed both targets: documented, hostile and broken queries.
func fuzzQueries() []string {
	qs := []string{
		`{ __typename }`,
		`query Q($n: Int) { countries(first: $n) { totalCount nodes { id name } } }`,
		`{ documents(first: 100000) { nodes { id } } }`,
		`{ glossaryTerms(first: 1) { nodes { a: id b: id ...F } } } fragment F on GlossaryTerm { broader { nodes { id } } }`,
		`mutation { unlink(id: "x") { id } }`,
		`subscription { changes { __typename } }`,
		`{ node(id: "net-emn") { ... on Network { name members(first: 2) { edges { relationship { type } node { id } } } } } }`,
		`{`, `{ nope }`, `query A { __typename } query B { __typename }`, `{ a(`, "\x00", `"""`,
		`{ __schema { types { name fields { name type { ofType { ofType { name } } } } } } }`,
	}
	for _, q := range sameAnswerQueries {
		qs = append(qs, q.query)
	}
	return qs
}

// checkGraphQLResponse checks what every answer of /graphql must be: no
// server error, a GraphQL response in a negotiated JSON media type, with
// the status GraphQL over HTTP asks for, and a request ID.
func checkGraphQLResponse(t *testing.T, rec *httptest.ResponseRecorder) {
	t.Helper()
	status := rec.Code
	if status >= 500 {
		t.Fatalf("status %d: %s", status, rec.Body.Bytes())
	}
	if id := rec.Header().Get(server.RequestIDHeader); id == "" {
		t.Error("no request ID")
	}
	media := rec.Header().Get("Content-Type")
	if media == "text/event-stream" && status == http.StatusOK {
		return
	}
	if media != jsonType && media != gqlType {
		t.Fatalf("Content-Type %q (status %d): %.200s", media, status, rec.Body.Bytes())
	}
	var resp map[string]json.RawMessage
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		t.Fatalf("body is not a JSON object (status %d): %.200q", status, rec.Body.Bytes())
	}
	_, hasData := resp["data"]
	_, hasErrors := resp["errors"]
	if !hasData && !hasErrors {
		t.Fatalf("neither data nor errors: %.200s", rec.Body.Bytes())
	}
	if hasData && status != http.StatusOK {
		t.Errorf("data with status %d: %.200s", status, rec.Body.Bytes())
	}
	if media == gqlType && !hasData && status < 400 {
		t.Errorf("graphql-response+json without data and status %d: %.200s", status, rec.Body.Bytes())
	}
}

// FuzzGraphQLPost fuzzes POST bodies and their headers.
func FuzzGraphQLPost(f *testing.F) {
	for _, q := range fuzzQueries() {
		body, _ := json.Marshal(map[string]any{"query": q, "variables": map[string]any{"n": 2}})
		f.Add(string(body), jsonType, "", "")
		f.Add(string(body), "application/json; charset=utf-8", gqlType, "req-1")
	}
	for _, body := range []string{"", "[]", "null", `{"query": 1}`, `{"query": "{ __typename }", "variables": "x"}`,
		`{"query": "{ __typename }"}{}`, `{"query": "query Q($id: ID!) { node(id: $id) { id } }", "variables": {"id": null}}`,
		`{"query": "{ __typename }", "operationName": "X"}`, `{"Query": "{ __typename }", "query": "{ __typename }"}`} {
		f.Add(body, jsonType, "*/*", "")
		f.Add(body, "text/plain", "text/html", "bad id")
	}
	h := fuzzHandler(f)
	f.Add(`{"query": "subscription { changes { __typename } }"}`, jsonType, "text/event-stream", "")
	f.Add(`{"query": "{ __typename }"}`, jsonType, "text/event-stream", "")
	f.Fuzz(func(t *testing.T, body, contentType, accept, requestID string) {
		// Subscriptions stream until the client leaves: leave after a while.
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", contentType)
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		if requestID != "" {
			req.Header.Set(server.RequestIDHeader, requestID)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		checkGraphQLResponse(t, rec)
	})
}

// FuzzGraphQLGet fuzzes GET parameters and the Accept header.
func FuzzGraphQLGet(f *testing.F) {
	for _, q := range fuzzQueries() {
		f.Add(q, "", "", "")
		f.Add(q, `{"n": 3}`, "Q", gqlType)
	}
	f.Add("{ __typename }", "[1]", "", "application/json;q=0")
	f.Add("{ __typename }", `{"a":`, "nope", "*/*;q=0.1, text/html")
	h := fuzzHandler(f)
	f.Fuzz(func(t *testing.T, query, variables, operationName, accept string) {
		v := url.Values{}
		v.Set("query", query)
		if variables != "" {
			v.Set("variables", variables)
		}
		if operationName != "" {
			v.Set("operationName", operationName)
		}
		req := httptest.NewRequest(http.MethodGet, "/graphql?"+v.Encode(), nil)
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		checkGraphQLResponse(t, rec)
	})
}
