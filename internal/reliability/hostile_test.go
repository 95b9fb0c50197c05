package reliability_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/emnkg/emnkg/graph"
	"github.com/emnkg/emnkg/internal/app"
	"github.com/emnkg/emnkg/internal/auth"
	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/emnkg/emnkg/internal/neo4jtest"
	"github.com/emnkg/emnkg/internal/reliability"
	"github.com/emnkg/emnkg/internal/sqlite"
)

// injections are the hostile strings put in every string argument: SQL and
// Cypher injections, LIKE and regex wildcards, a NUL, bidi and astral
// characters, and a long string. None is a valid node ID.
var injections = []string{
	`' OR '1'='1`,
	`"; DROP TABLE nodes; --`,
	`x') RETURN n //`,
	"} MATCH (n) DETACH DELETE n //",
	`%`,
	`_`,
	"a\x00b",
	`$id {x} ${y} \\ .* (?i)`,
	"ñ 🚀 \u202e غ",
	strings.Repeat("A", 5000) + `'--`,
}

// hostileTarget is a server, configured as emnkg serve is by default,
// over a seeded store.
type hostileTarget struct {
	store  emnkg.Store
	url    string
	editor string
	client *http.Client
}

func newHostileTarget(tb testing.TB, store emnkg.Store) *hostileTarget {
	tb.Helper()
	ctx := context.Background()
	if _, err := app.LoadSeed(ctx, store); err != nil {
		tb.Fatalf("seed: %v", err)
	}
	ed, ok := store.(emnkg.Editor)
	if !ok {
		tb.Fatal("the store cannot edit")
	}
	secret, key, err := auth.NewAPIKey("hostile-test", emnkg.RoleEditor, time.Now())
	if err != nil {
		tb.Fatal(err)
	}
	if err := ed.CreateAPIKey(ctx, key); err != nil {
		tb.Fatal(err)
	}
	authn, err := app.NewAuthenticator(ctx, &app.Config{}, store)
	if err != nil {
		tb.Fatal(err)
	}
	srv, err := serverNew(store, authn)
	if err != nil {
		tb.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	tb.Cleanup(ts.Close)
	return &hostileTarget{store: store, url: ts.URL, editor: secret, client: ts.Client()}
}

// exchange is one hostile request and its answer.
type exchange struct {
	status  int
	body    []byte
	elapsed time.Duration
	codes   []string
	hasData bool
}

// send sends one raw request.
func (h *hostileTarget) send(tb testing.TB, method, target, contentType, token string, body []byte) exchange {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, h.url+target, bytes.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	switch token {
	case "":
	case "editor":
		req.Header.Set("Authorization", "Bearer "+h.editor)
	default:
		req.Header.Set("Authorization", "Bearer "+token)
	}
	start := time.Now()
	resp, err := h.client.Do(req)
	if err != nil {
		tb.Fatalf("%s %.80s: %v", method, target, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	ex := exchange{status: resp.StatusCode, body: out, elapsed: time.Since(start)}
	var gql struct {
		Data   json.RawMessage `json:"data"`
		Errors []struct {
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	if json.Unmarshal(out, &gql) == nil {
		ex.hasData = len(gql.Data) > 0 && string(gql.Data) != "null"
		for _, e := range gql.Errors {
			c, _ := e.Extensions["code"].(string)
			ex.codes = append(ex.codes, c)
		}
	}
	return ex
}

// gqlBody is a JSON request body.
func gqlBody(query string, vars map[string]any) []byte {
	b, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	return b
}

// hostileCase is one hand-written hostile request and what must happen.
type hostileCase struct {
	name        string
	method      string // POST when empty
	target      string // /graphql when empty
	contentType string // application/json when empty; "-" for none
	token       string // "editor" for the editor's key, another value for itself
	body        []byte
	status      int    // the HTTP status wanted
	code        string // the first error's code wanted ("" for none); alternatives separated by |
}

func repeat(format string, n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, format, i)
	}
	return b.String()
}

// nested returns a query nesting a relationship depth times.
func nested(depth int) string {
	return `{ glossaryTerms(first: 1) { nodes { ` + strings.Repeat(`broader { nodes { `, depth) + `id` +
		strings.Repeat(` } }`, depth) + ` } } }`
}

// laughs returns n+1 fragments on type on, each spreading the next
// twice, the last selecting leaf: 2^n spreads of leaf.
func laughs(on, leaf string, n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "fragment F%d on %s { ...F%d ...F%d } ", i, on, i+1, i+1)
	}
	fmt.Fprintf(&b, "fragment F%d on %s { %s }", n, on, leaf)
	return b.String()
}

func hostileCases() []hostileCase {
	ids := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("id-%06d", i)
		}
		return out
	}
	idsQuery := `query Q($ids: [ID!]!) { nodes(ids: $ids) { id } }`
	huge := bytes.Repeat([]byte(" "), 2<<20)
	copy(huge, `{"query": "{ __typename }"}`)
	return []hostileCase{
		{name: "alias overloading", body: gqlBody(`{ countries(first: 1) { nodes { `+repeat("a%d: id ", 300)+`} } }`, nil), status: 200, code: graph.CodeAliasLimit},
		{name: "alias overloading at the root", body: gqlBody(`{ `+repeat("a%d: __typename ", 300)+`}`, nil), status: 200, code: graph.CodeRootFieldLimit},
		{name: "alias overloading over the token limit", body: gqlBody(`{ `+repeat("a%d: __typename ", 5000)+`}`, nil), status: 200, code: graph.CodeTokenLimit},
		{name: "alias overloading of mutations", token: "editor", body: gqlBody(`mutation { `+
			repeat(`m%d: unlink(id: "x") { id } `, 100)+`}`, nil), status: 200, code: graph.CodeRootFieldLimit},
		{name: "alias overloading of costly fields", body: gqlBody(`{ `+repeat(`a%d: documents(first: 1000) { nodes { id } } `, 14)+`}`, nil),
			status: 200, code: graph.CodeRootFieldLimit},
		{name: "field duplication over the token limit", body: gqlBody(`{ countries(first: 1) { nodes { `+strings.Repeat("id ", 5000)+`} } }`, nil),
			status: 200, code: graph.CodeTokenLimit},
		{name: "field duplication under the token limit", body: gqlBody(`{ countries(first: 1) { nodes { `+strings.Repeat("id ", 1500)+`} } }`, nil),
			status: 200, code: graph.CodeFieldRepeatLimit},
		{name: "field duplication up to the repeat limit is answered", body: gqlBody(`{ countries(first: 1) { nodes { `+strings.Repeat("id ", 100)+`} } }`, nil),
			status: 200},
		{name: "fragment duplication", body: gqlBody(`{ countries(first: 1) { nodes { ...F ...F ...F ...F ...F } } } fragment F on Country { id name }`, nil), status: 200},
		{name: "directive overloading", body: gqlBody(`{ countries(first: 1) { nodes { `+strings.Repeat("id @include(if: true) ", 60)+`} } }`, nil),
			status: 200, code: graph.CodeDirectiveLimit},
		{name: "repeated non-repeatable directive", body: gqlBody(`{ __typename `+strings.Repeat("@include(if: true) ", 200)+`}`, nil), status: 200, code: "GRAPHQL_VALIDATION_FAILED"},
		{name: "unknown directives", body: gqlBody(`{ __typename `+strings.Repeat("@nope ", 40)+`}`, nil), status: 200, code: "GRAPHQL_VALIDATION_FAILED"},
		{name: "deep nesting", body: gqlBody(nested(30), nil), status: 200, code: graph.CodeDepthLimit},
		{name: "deep introspection", body: gqlBody(`{ __schema { types { `+strings.Repeat("fields { type { ", 8)+`name`+strings.Repeat(" } }", 8)+` } } }`, nil),
			status: 200, code: "GRAPHQL_VALIDATION_FAILED"},
		{name: "circular fragments", body: gqlBody(`{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }`, nil), status: 200, code: "GRAPHQL_VALIDATION_FAILED"},
		{name: "self-referencing fragment", body: gqlBody(`{ countries { nodes { ...C } } } fragment C on Country { id ...C }`, nil), status: 200, code: "GRAPHQL_VALIDATION_FAILED"},
		{name: "fragment fan-out at the root (billion laughs)", body: gqlBody(`{ ...F0 } `+laughs("Query", `countries(first: 100) { nodes { id name } }`, 12), nil),
			status: 200, code: graph.CodeRootFieldLimit},
		{name: "fragment fan-out (billion laughs)", body: gqlBody(`{ countries(first: 100) { nodes { ...F0 } } } `+laughs("Country", "id name", 16), nil),
			status: 200, code: "|" + graph.CodeCostLimit + "|" + graph.CodeDepthLimit},
		{name: "field merging fan-out", body: gqlBody(`{ countries(first: 100) { nodes { `+strings.Repeat(`...on Country { id name } `, 150)+`} } }`, nil),
			status: 200, code: graph.CodeFieldRepeatLimit},
		{name: "huge page size", body: gqlBody(`{ documents(first: 100000000) { nodes { id } } }`, nil), status: 200, code: graph.CodeCostLimit},
		{name: "huge list of IDs in the query", body: gqlBody(`{ nodes(ids: [`+strings.Repeat(`"x", `, 20000)+`]) { id } }`, nil), status: 200, code: graph.CodeTokenLimit},
		{name: "huge list of IDs in variables", body: gqlBody(idsQuery, map[string]any{"ids": ids(5000)}), status: 200, code: "BAD_USER_INPUT"},
		{name: "huge in filter", body: gqlBody(`query Q($t: [String!]) { documents(where: {title: {in: $t}}) { totalCount } }`,
			map[string]any{"t": ids(5000)}), status: 200, code: "BAD_USER_INPUT"},
		{name: "huge string", body: gqlBody(`query Q($q: String!) { search(query: $q) { totalCount } }`,
			map[string]any{"q": strings.Repeat("Rückkehr ", 12000)}), status: 200, code: "BAD_USER_INPUT"},
		{name: "batch of queries", body: []byte(`[` + strings.TrimSuffix(strings.Repeat(`{"query": "{ countries { totalCount } }"},`, 1000), ",") + `]`),
			status: 400, code: "BAD_REQUEST"},
		{name: "several operations, none named", body: gqlBody(`query A { __typename } query B { __typename }`, nil), status: 200, code: "GRAPHQL_VALIDATION_FAILED"},
		{name: "oversized body", body: huge, status: 413, code: "PAYLOAD_TOO_LARGE"},
		{name: "oversized variables", body: gqlBody(idsQuery, map[string]any{"ids": ids(100000)}), status: 413, code: "PAYLOAD_TOO_LARGE"},
		{name: "oversized GET", method: "GET", target: "/graphql?query=" + url.QueryEscape(`{ `+strings.Repeat("__typename ", 120000)+`}`), status: 431},
		{name: "invalid UTF-8 in the query", body: []byte("{\"query\": \"{ __typename \xff\xfe }\"}"), status: 200, code: "GRAPHQL_PARSE_FAILED"},
		{name: "invalid UTF-8 in a variable", body: []byte("{\"query\": \"query Q($q: String!) { search(query: $q) { totalCount } }\", \"variables\": {\"q\": \"\xff\xfe\xc3\"}}"),
			status: 200, code: "BAD_USER_INPUT"},
		{name: "invalid UTF-8 inside a word", body: []byte("{\"query\": \"query Q($q: String!) { search(query: $q) { totalCount } }\", \"variables\": {\"q\": \"R\xfcckkehr return\"}}"),
			status: 200},
		{name: "invalid UTF-8 in a GET query", method: "GET", target: "/graphql?query=%7B%20__typename%20%FF%7D", status: 200, code: "GRAPHQL_PARSE_FAILED"},
		{name: "mutation over GET", method: "GET", target: "/graphql?query=" + url.QueryEscape(`mutation { unlink(id: "x") { id } }`), status: 405, code: "METHOD_NOT_ALLOWED"},
		{name: "invalid UTF-8 outside strings", body: []byte("{\"query\": \"{ __typename }\"\xff}"), status: 400, code: "BAD_REQUEST"},
		{name: "UTF-16 body", contentType: "application/json; charset=utf-16", body: []byte("\xff\xfe{\x00}\x00"), status: 415, code: "UNSUPPORTED_MEDIA_TYPE"},
		{name: "text/plain", contentType: "text/plain", body: gqlBody(`{ __typename }`, nil), status: 415, code: "UNSUPPORTED_MEDIA_TYPE"},
		{name: "form", contentType: "application/x-www-form-urlencoded", body: []byte("query=%7B__typename%7D"), status: 415, code: "UNSUPPORTED_MEDIA_TYPE"},
		{name: "multipart", contentType: "multipart/form-data; boundary=x", body: []byte("--x\r\n\r\n--x--"), status: 415, code: "UNSUPPORTED_MEDIA_TYPE"},
		{name: "application/graphql", contentType: "application/graphql", body: []byte(`{ __typename }`), status: 415, code: "UNSUPPORTED_MEDIA_TYPE"},
		{name: "no content type", contentType: "-", body: gqlBody(`{ __typename }`, nil), status: 415, code: "UNSUPPORTED_MEDIA_TYPE"},
		{name: "XML", contentType: "application/xml", body: []byte(`<query>{ __typename }</query>`), status: 415, code: "UNSUPPORTED_MEDIA_TYPE"},
		{name: "anonymous mutation", body: gqlBody(`mutation { createDocument(input: {id: "hostile-anon", title: "x"}) { id } }`, nil),
			status: 200, code: "UNAUTHENTICATED"},
		{name: "forged token", token: "emnkg_" + strings.Repeat("0", 40), body: gqlBody(`{ __typename }`, nil), status: 401, code: "UNAUTHENTICATED"},
		{name: "injection in the token", token: "' OR '1'='1", body: gqlBody(`{ __typename }`, nil), status: 401, code: "UNAUTHENTICATED"},
		{name: "injection in the operation name", body: []byte(`{"query": "query A { __typename }", "operationName": "A' OR 1=1 --"}`),
			status: 200, code: "GRAPHQL_VALIDATION_FAILED|BAD_REQUEST"},
	}
}

// forbiddenCodes are codes no hostile request may cause: a server fault,
// a request that ran out of time, or (in generated requests) a query the
// generator got wrong.
var forbiddenCodes = []string{"INTERNAL", "TIMEOUT", "", "UNKNOWN"}

// maxLatency bounds the answer to any hostile request.
func maxLatency() time.Duration {
	if reliability.RaceEnabled {
		return 15 * time.Second
	}
	return 5 * time.Second
}

// TestHostileInputs sends the hostile corpus to each store's server: every
// request must be refused or answered correctly within maxLatency, and
// the stored data (Stats and a checksum of every node) must not change.
func TestHostileInputs(t *testing.T) {
	stores := []struct {
		name string
		open func(tb testing.TB) emnkg.Store
	}{
		{"embedded", func(tb testing.TB) emnkg.Store {
			s, err := sqlite.Open(context.Background(), tb.TempDir())
			if err != nil {
				tb.Fatal(err)
			}
			tb.Cleanup(func() { s.Close() })
			return s
		}},
		{"neo4j", func(tb testing.TB) emnkg.Store { return neo4jtest.NewStore(tb) }},
	}
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			h := newHostileTarget(t, st.open(t))
			ctx := context.Background()
			before, err := reliability.TakeSnapshot(ctx, h.store)
			if err != nil {
				t.Fatal(err)
			}
			var slowest time.Duration
			var slowestName string
			count := 0
			note := func(name string, ex exchange) {
				count++
				if ex.elapsed > slowest {
					slowest, slowestName = ex.elapsed, name
				}
				if ex.elapsed > maxLatency() {
					t.Errorf("%s: answered in %s, over %s", name, ex.elapsed, maxLatency())
				}
				if ex.status >= 500 {
					t.Errorf("%s: status %d: %.300s", name, ex.status, ex.body)
				}
			}
			t.Run("corpus", func(t *testing.T) {
				for _, c := range hostileCases() {
					method, target, ct := c.method, c.target, c.contentType
					if method == "" {
						method = "POST"
					}
					if target == "" {
						target = "/graphql"
					}
					switch ct {
					case "":
						ct = "application/json"
					case "-":
						ct = ""
					}
					ex := h.send(t, method, target, ct, c.token, c.body)
					note(c.name, ex)
					if ex.elapsed > 100*time.Millisecond {
						t.Logf("%s: answered in %s", c.name, ex.elapsed.Round(time.Millisecond))
					}
					first := ""
					if len(ex.codes) > 0 {
						first = ex.codes[0]
					}
					if ex.status != c.status || !slices.Contains(strings.Split(c.code, "|"), first) {
						t.Errorf("%s: status %d, code %q; want %d, %q: %.300s", c.name, ex.status, first, c.status, c.code, ex.body)
					}
				}
			})
			t.Run("injections in every string argument", func(t *testing.T) {
				reqs := injectionRequests(t)
				codes := map[string]int{}
				for _, r := range reqs {
					ex := h.send(t, "POST", "/graphql", "application/json", "editor", gqlBody(r.query, r.vars))
					note(r.name, ex)
					if ex.status != 200 {
						t.Errorf("%s: status %d: %.300s", r.name, ex.status, ex.body)
						continue
					}
					if len(ex.codes) == 0 {
						codes["(answered)"]++
					} else {
						codes[ex.codes[0]]++
					}
					for _, code := range ex.codes {
						if slices.Contains(forbiddenCodes, code) || strings.HasPrefix(code, "GRAPHQL_") || strings.HasSuffix(code, "_LIMIT_EXCEEDED") {
							t.Errorf("%s: error code %q: %.500s\nquery: %s", r.name, code, ex.body, r.query)
							break
						}
					}
				}
				t.Logf("%s: %d requests (full: %v) with %d injection strings; first error codes: %v", st.name, len(reqs), fullInjections(), len(injections), codes)
			})
			t.Run("injection strings are compared literally", func(t *testing.T) {
				literalComparisons(t, h)
			})
			after, err := reliability.TakeSnapshot(ctx, h.store)
			if err != nil {
				t.Fatal(err)
			}
			if !before.Equal(after) {
				t.Errorf("stored data changed:\nbefore %s\nafter  %s", before, after)
			}
			t.Logf("%s: %d hostile requests; slowest %s (%s); data unchanged: %s", st.name, count, slowest.Round(time.Millisecond), slowestName, after)
		})
	}
}

// literalComparisons checks that filters and lookups treat injection
// strings as plain text: the counts match those computed here.
func literalComparisons(t *testing.T, h *hostileTarget) {
	ex := h.send(t, "POST", "/graphql", "application/json", "",
		gqlBody(`{ documents(first: 1000) { totalCount nodes { title } } }`, nil))
	var all struct {
		Data struct {
			Documents struct {
				TotalCount int
				Nodes      []struct{ Title string }
			}
		}
	}
	if err := json.Unmarshal(ex.body, &all); err != nil || all.Data.Documents.TotalCount == 0 ||
		all.Data.Documents.TotalCount != len(all.Data.Documents.Nodes) {
		t.Fatalf("documents: %v %.300s", err, ex.body)
	}
	titles := all.Data.Documents.Nodes
	// Plain strings too, so that the comparison is not vacuous.
	probes := append([]string{"EMN", "Annual", "a", "'"}, injections...)
	probes = append(probes, titles[0].Title, titles[0].Title[:len(titles[0].Title)/2])
	ops := map[string]func(title, p string) bool{
		"eq":         func(title, p string) bool { return title == p },
		"contains":   strings.Contains,
		"startsWith": strings.HasPrefix,
	}
	for _, p := range probes {
		if !utf8.ValidString(p) {
			continue
		}
		for op, match := range ops {
			want := 0
			for _, d := range titles {
				if match(d.Title, p) {
					want++
				}
			}
			ex := h.send(t, "POST", "/graphql", "application/json", "",
				gqlBody(`query Q($p: String) { documents(where: {title: {`+op+`: $p}}) { totalCount } }`, map[string]any{"p": p}))
			var got struct {
				Data struct{ Documents struct{ TotalCount int } }
			}
			if err := json.Unmarshal(ex.body, &got); err != nil || len(ex.codes) > 0 {
				t.Errorf("title %s %.40q: %.300s", op, p, ex.body)
				continue
			}
			if got.Data.Documents.TotalCount != want {
				t.Errorf("title %s %.40q: %d documents, want %d", op, p, got.Data.Documents.TotalCount, want)
			}
		}
		ex := h.send(t, "POST", "/graphql", "application/json", "",
			gqlBody(`query Q($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": p}))
		if !bytes.Equal(ex.body, []byte(`{"data":{"node":null}}`)) {
			t.Errorf("node(id: %.40q): %.300s", p, ex.body)
		}
		ex = h.send(t, "POST", "/graphql", "application/json", "",
			gqlBody(`query Q($q: String!) { search(query: $q, first: 3) { totalCount } }`, map[string]any{"q": p}))
		if len(ex.codes) > 0 && ex.codes[0] != "BAD_USER_INPUT" || len(ex.codes) == 0 && !ex.hasData {
			t.Errorf("search(query: %.40q): %.300s", p, ex.body)
		}
	}
}

// injectionRequest is one generated request.
type injectionRequest struct {
	name  string
	query string
	vars  map[string]any
}

// probe is one hostile string argument: a root field called with its
// argument at path set to a variable.
type probe struct {
	op, name string
	// field writes the aliased field with the variable ref.
	field func(alias, ref string) string
	// varType is the variable's type; list tells a list variable.
	varType string
	list    bool
}

// fullInjections tells (EMNKG_RELIABILITY_FULL=1, set by
// scripts/reliability.sh) to pass every injection string to every
// argument; otherwise every argument gets one of them, in turn.
func fullInjections() bool { return os.Getenv("EMNKG_RELIABILITY_FULL") == "1" }

// injectionRequests generates requests that pass injection strings to
// every String or ID argument of every root query and mutation field (also
// inside input objects), each through an alias of its own: with
// fullInjections, one request per argument with every string; otherwise
// requests of ten arguments, each with the next string in turn. They are
// sent with an editor's key, so that the fields for editors run too; the
// IDs mutations need are hostile too, so that none can succeed.
func injectionRequests(tb testing.TB) []injectionRequest {
	tb.Helper()
	s := graph.NewExecutableSchema(graph.Config{}).Schema()
	g := generator{s: s}
	var probes []probe
	for _, root := range []*ast.Definition{s.Query, s.Mutation} {
		op := "query"
		if root == s.Mutation {
			op = "mutation"
		}
		for _, f := range root.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			expanded := map[string]bool{}
			for _, a := range f.Arguments {
				for _, path := range g.leaves(a.Type, 0, expanded, nil) {
					leaf := g.typeAt(a.Type, path)
					probes = append(probes, probe{
						op: op, name: fmt.Sprintf("%s(%s)", f.Name, strings.Join(append([]string{a.Name}, path...), ".")),
						varType: leaf.String(), list: leaf.Elem != nil,
						field: func(alias, ref string) string {
							var args []string
							for _, b := range f.Arguments {
								switch {
								case b == a:
									args = append(args, b.Name+": "+g.value(b.Type, path, ref))
								case b.Type.NonNull && b.DefaultValue == nil:
									args = append(args, b.Name+": "+g.fill(b.Type, 0))
								}
							}
							return fmt.Sprintf("%s: %s(%s)%s", alias, f.Name, strings.Join(args, ", "), g.selection(f.Type))
						},
					})
				}
			}
		}
	}
	// request builds one request of (probe, injection) pairs of one
	// operation type.
	request := func(name string, ps []probe, injs []int) injectionRequest {
		var decls, fields []string
		vars := map[string]any{}
		for i, p := range ps {
			v := fmt.Sprintf("v%d", i)
			decls = append(decls, "$"+v+": "+p.varType)
			inj := injections[injs[i]]
			if p.list {
				vars[v] = []string{inj}
			} else {
				vars[v] = inj
			}
			fields = append(fields, p.field(fmt.Sprintf("a%d", i), "$"+v))
		}
		return injectionRequest{name: name, vars: vars,
			query: fmt.Sprintf("%s Hostile(%s) { %s }", ps[0].op, strings.Join(decls, ", "), strings.Join(fields, " "))}
	}
	var out []injectionRequest
	if fullInjections() {
		for _, p := range probes {
			ps, injs := make([]probe, len(injections)), make([]int, len(injections))
			for i := range injections {
				ps[i], injs[i] = p, i
			}
			out = append(out, request(p.op+" "+p.name, ps, injs))
		}
		return out
	}
	const perRequest = 10 // the default root field limit
	for _, op := range []string{"query", "mutation"} {
		var ps []probe
		for _, p := range probes {
			if p.op == op {
				ps = append(ps, p)
			}
		}
		for start := 0; start < len(ps); start += perRequest {
			chunk := ps[start:min(start+perRequest, len(ps))]
			injs := make([]int, len(chunk))
			var names []string
			for i, p := range chunk {
				injs[i] = (start + i) % len(injections)
				names = append(names, p.name)
			}
			out = append(out, request(op+" "+strings.Join(names, ", "), chunk, injs))
		}
	}
	return out
}

// generator writes GraphQL values for a schema.
type generator struct{ s *ast.Schema }

// leaves returns the paths, through input object fields, to the String and
// ID values under type t (an empty path when t is one). An input type met
// again within one root field (expanded) contributes its first leaf only,
// which keeps the request count down; recursion stops at depth 4 and at
// input types already on the path.
func (g generator) leaves(t *ast.Type, depth int, expanded map[string]bool, onPath []string) [][]string {
	name := t.Name()
	def := g.s.Types[name]
	if def == nil {
		return nil
	}
	switch def.Kind {
	case ast.Scalar:
		if name == "String" || name == "ID" {
			return [][]string{{}}
		}
	case ast.InputObject:
		if depth >= 4 || slices.Contains(onPath, name) {
			return nil
		}
		var out [][]string
		for _, f := range def.Fields {
			for _, p := range g.leaves(f.Type, depth+1, expanded, append(onPath, name)) {
				out = append(out, append([]string{f.Name}, p...))
			}
		}
		if expanded[name] && len(out) > 1 {
			out = out[:1]
		}
		expanded[name] = true
		return out
	}
	return nil
}

// typeAt returns the type at path under t.
func (g generator) typeAt(t *ast.Type, path []string) *ast.Type {
	for _, p := range path {
		t = g.s.Types[t.Name()].Fields.ForName(p).Type
	}
	return t
}

// value writes a value of type t whose leaf at path is ref, with the
// required input fields filled.
func (g generator) value(t *ast.Type, path []string, ref string) string {
	if len(path) == 0 {
		return ref
	}
	if t.Elem != nil {
		return "[" + g.value(t.Elem, path, ref) + "]"
	}
	def := g.s.Types[t.Name()]
	parts := []string{path[0] + ": " + g.value(def.Fields.ForName(path[0]).Type, path[1:], ref)}
	for _, f := range def.Fields {
		if f.Name != path[0] && f.Type.NonNull && f.DefaultValue == nil {
			parts = append(parts, f.Name+": "+g.fill(f.Type, 0))
		}
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// fill writes a harmless value of type t.
func (g generator) fill(t *ast.Type, depth int) string {
	if t.Elem != nil {
		return "[" + g.fill(t.Elem, depth) + "]"
	}
	def := g.s.Types[t.Name()]
	switch {
	case def.Kind == ast.Enum:
		return def.EnumValues[0].Name
	case def.Kind == ast.InputObject:
		var parts []string
		for _, f := range def.Fields {
			if f.Type.NonNull && f.DefaultValue == nil && depth < 4 {
				parts = append(parts, f.Name+": "+g.fill(f.Type, depth+1))
			}
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	switch t.Name() {
	case "Int", "Float":
		return "1"
	case "Boolean":
		return "false"
	case "String", "ID":
		return `"no such thing"`
	}
	return "{}"
}

// selection writes the selection set of a field of type t.
func (g generator) selection(t *ast.Type) string {
	switch g.s.Types[t.Name()].Kind {
	case ast.Object, ast.Interface, ast.Union:
		return " { __typename }"
	}
	return ""
}
