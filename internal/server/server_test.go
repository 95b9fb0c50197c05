package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/emnkg/emnkg/internal/app"
	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/emnkg/emnkg/internal/neo4jtest"
	"github.com/emnkg/emnkg/internal/server"
	"github.com/emnkg/emnkg/internal/sqlite"
)

// storeOpeners open a fresh, empty store of each kind.
var storeOpeners = []struct {
	name string
	open func(tb testing.TB) emnkg.Store
}{
	{"embedded", func(tb testing.TB) emnkg.Store {
		tb.Helper()
		s, err := sqlite.Open(context.Background(), tb.TempDir())
		if err != nil {
			tb.Fatalf("open embedded store: %v", err)
		}
		tb.Cleanup(func() { s.Close() })
		return s
	}},
	{"neo4j", func(tb testing.TB) emnkg.Store {
		tb.Helper()
		return neo4jtest.NewStore(tb)
	}},
}

// newSeededServer serves the factual dataset from store over HTTP.
func newSeededServer(tb testing.TB, store emnkg.Store) *httptest.Server {
	tb.Helper()
	if _, err := app.LoadSeed(context.Background(), store); err != nil {
		tb.Fatalf("seed: %v", err)
	}
	srv, err := server.New(server.Config{Introspection: true}, store, nil)
	if err != nil {
		tb.Fatalf("server: %v", err)
	}
	ts := httptest.NewServer(srv.Handler())
	tb.Cleanup(ts.Close)
	return ts
}

// post sends a GraphQL request over HTTP and returns the status and body.
func post(tb testing.TB, url, query string, vars map[string]any) (int, []byte) {
	tb.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		tb.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, url+"/graphql", bytes.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatalf("post: %v", err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return resp.StatusCode, out
}

// sameAnswerQueries are answered on the factual seed by every store; the
// answers must be byte-for-byte the same.
var sameAnswerQueries = []struct {
	name, query string
	// contains are substrings the answer must hold.
	contains []string
}{
	{"NCP countries and hosts", `{ nationalContactPoints(first: 100, orderBy: [{field: COUNTRY_CODE}]) { totalCount
		nodes { id name status country { id name emnStatus } host { id name kind }
		partners(first: 3, orderBy: [{field: NAME, direction: DESC}]) { totalCount nodes { id } } } } }`,
		[]string{`"ncp-NO"`, `"org-udi"`, `"ncp-IE"`, `"org-esri"`}},
	{"who coordinates the EMN, who chairs and observes the Steering Board", `{
		emn: node(id: "net-emn") { id ... on Network { name coordinators { nodes { id displayName } }
			fundedBy { edges { relationship { type source } node { id name } } }
			establishedBy { nodes { id title celex amendedBy { nodes { id title } } } }
			collaboratesWith(orderBy: [{field: ID}]) { totalCount nodes { id displayName } } } }
		board: node(id: "net-emn-steering-board") { ... on Network { chairedBy { nodes { id } }
			observers(orderBy: [{field: ID}]) { nodes { id displayName } }
			members(first: 5, orderBy: [{field: ID, direction: DESC}]) { totalCount nodes { id } } } } }`,
		[]string{`"org-dg-home"`, `"fund-amif"`, `"32008D0381"`, `"32014R0516"`, `"net-erin"`, `"net-eurint"`, `"org-european-parliament"`}},
	{"work programmes", `{ documents(where: {kind: {eq: "work-programme"}}, orderBy: [{field: YEAR, direction: DESC}]) {
		totalCount edges { cursor node { id title year date publishedBy { nodes { id } } } } pageInfo { hasNextPage endCursor } } }`,
		[]string{`"pub-wp-2019-2020"`, `"pub-wp-2017-2018"`, `"pub-wp-2015-2016"`}},
	{"glossary terms with definitions and links", `{ glossaryTerms(first: 50, orderBy: [{field: PREF_LABEL, language: "en"}]) { totalCount
		nodes { id prefLabel prefLabelDe: prefLabel(language: "de") definition altLabels { language values }
		broader { nodes { id } } narrower { nodes { id } } related(orderBy: [{field: ID}]) { nodes { id } }
		documents { nodes { id } } } } }`,
		[]string{`"return"`, `"Rückkehr"`, `"international-protection"`}},
	{"filters, ranges and pages", `{ a: documents(first: 4, where: {AND: [{year: {gte: 2014}}, {year: {lt: 2020}}],
		NOT: {kind: {in: ["bulletin", "quarterly"]}}, OR: [{title: {contains: "EMN"}}, {publisher: {startsWith: "EMN"}}]},
		orderBy: [{field: YEAR}, {field: TITLE, direction: DESC}]) { totalCount nodes { id year } pageInfo { hasNextPage hasPreviousPage } }
		b: documents(last: 3, where: {date: {startsWith: "2014"}}) { nodes { id date } pageInfo { hasPreviousPage } }
		c: organisations(where: {kind: {eq: "international-organisation-office"}}) { totalCount nodes { id hostedContactPoints { nodes { id } } } } }`,
		nil},
	{"Croatia's hosts over time", `{ node(id: "ncp-HR") { ... on NationalContactPoint {
		hosts(relationshipOrderBy: [{field: SINCE}]) { edges { relationship { id type from to role status since until source } node { id name } } } } } }`,
		[]string{`"org-hr-moi"`, `"org-iom-croatia"`}},
}

func TestSameAnswersOnBothStores(t *testing.T) {
	answers := map[string][]string{}
	for _, so := range storeOpeners {
		t.Run(so.name, func(t *testing.T) {
			ts := newSeededServer(t, so.open(t))
			for _, q := range sameAnswerQueries {
				status, body := post(t, ts.URL, q.query, nil)
				if status != http.StatusOK || bytes.Contains(body, []byte(`"errors"`)) {
					t.Errorf("%s: status %d: %s", q.name, status, body)
				}
				for _, want := range q.contains {
					if !bytes.Contains(body, []byte(want)) {
						t.Errorf("%s: answer lacks %s: %s", q.name, want, body)
					}
				}
				answers[q.name] = append(answers[q.name], string(body))
			}
		})
	}
	for name, got := range answers {
		if len(got) == 2 && got[0] != got[1] {
			t.Errorf("%s: stores disagree:\nembedded: %s\n   neo4j: %s", name, got[0], got[1])
		}
	}
}

func TestSeedIsIdempotent(t *testing.T) {
	for _, so := range storeOpeners {
		t.Run(so.name, func(t *testing.T) {
			ctx := context.Background()
			store := so.open(t)
			first, err := app.LoadSeed(ctx, store)
			if err != nil {
				t.Fatal(err)
			}
			before, err := store.Stats(ctx)
			if err != nil {
				t.Fatal(err)
			}
			second, err := app.LoadSeed(ctx, store)
			if err != nil {
				t.Fatal(err)
			}
			after, _ := store.Stats(ctx)
			if second.NodesCreated+second.NodesUpdated+second.EdgesCreated+second.EdgesUpdated != 0 {
				t.Errorf("second seed changed things: %+v", second)
			}
			if second.NodesUnchanged != first.NodesCreated || second.EdgesUnchanged != first.EdgesCreated {
				t.Errorf("first %+v, second %+v", first, second)
			}
			for k, n := range before.NodesByKind {
				if after.NodesByKind[k] != n {
					t.Errorf("%s: %d nodes before, %d after", k, n, after.NodesByKind[k])
				}
			}
		})
	}
}

func TestHTTPEndpoints(t *testing.T) {
	ts := newSeededServer(t, storeOpeners[0].open(t))
	tests := []struct {
		name, method, path string
		headers            map[string]string
		status             int
		contains           string
		header             [2]string
	}{
		{"health", "GET", "/healthz", nil, 200, "ok", [2]string{}},
		{"ready", "GET", "/readyz", nil, 200, "ready", [2]string{}},
		{"GraphiQL", "GET", "/", nil, 200, "graphiql", [2]string{}},
		{"GET query", "GET", "/graphql?query=%7Bcountries(first:1)%7BtotalCount%7D%7D", nil, 200, "totalCount", [2]string{}},
		{"dev CORS origin allowed", "OPTIONS", "/graphql", map[string]string{"Origin": "http://localhost:5173",
			"Access-Control-Request-Method": "POST"}, 204, "", [2]string{"Access-Control-Allow-Origin", "http://localhost:5173"}},
		{"foreign CORS origin refused", "OPTIONS", "/graphql", map[string]string{"Origin": "https://evil.example",
			"Access-Control-Request-Method": "POST"}, 204, "", [2]string{"Access-Control-Allow-Origin", ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, ts.URL+tt.path, nil)
			for k, v := range tt.headers {
				req.Header.Set(k, v)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.status {
				t.Errorf("status %d, want %d: %s", resp.StatusCode, tt.status, body)
			}
			if !strings.Contains(strings.ToLower(string(body)), strings.ToLower(tt.contains)) {
				t.Errorf("body lacks %q: %.200s", tt.contains, body)
			}
			if tt.header[0] != "" && resp.Header.Get(tt.header[0]) != tt.header[1] {
				t.Errorf("%s = %q, want %q", tt.header[0], resp.Header.Get(tt.header[0]), tt.header[1])
			}
		})
	}
}

func TestCORSConfig(t *testing.T) {
	store := storeOpeners[0].open(t)
	tests := []struct {
		name    string
		cfg     server.Config
		wantErr bool
	}{
		{"wildcard without credentials", server.Config{CORSOrigins: []string{"*"}}, false},
		{"wildcard with credentials", server.Config{CORSOrigins: []string{"*"}, CORSCredentials: true}, true},
		{"explicit origin with credentials", server.Config{CORSOrigins: []string{"https://dash.example.org"}, CORSCredentials: true}, false},
		{"malformed origin", server.Config{CORSOrigins: []string{"dash.example.org"}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := server.New(tt.cfg, store, nil)
			if (err != nil) != tt.wantErr {
				t.Errorf("err = %v, wantErr %v", err, tt.wantErr)
			}
		})
	}
}
