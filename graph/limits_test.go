package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2"

	"github.com/emnkg/emnkg/graph"
	"github.com/emnkg/emnkg/internal/seed"
	"github.com/emnkg/emnkg/internal/sqlite"
)

// limitsDocumentedQueries are the queries of README.md and of the server
// tests, and GraphiQL's introspection query: all must pass DefaultLimits.
var limitsDocumentedQueries = []struct{ name, query string }{
	{"README: NCPs and hosts", `{ nationalContactPoints(first: 100, orderBy: [{field: COUNTRY_CODE}]) {
		totalCount
		nodes { id country { name emnStatus } host { name kind } } } }`},
	{"README: who coordinates the EMN", `{ node(id: "net-emn") { ... on Network {
		coordinators { nodes { displayName } }
		establishedBy { nodes { id title amendedBy { nodes { id title } } } }
		fundedBy { edges { relationship { source } node { name } } } } } }`},
	{"README: German glossary labels", `{ glossaryTerms(where: {prefLabel: {language: "de", startsWith: "Rück"}}) {
		nodes { id prefLabel(language: "de") definition related { nodes { id } } } } }`},
	{"server: NCP countries and hosts", `{ nationalContactPoints(first: 100, orderBy: [{field: COUNTRY_CODE}]) { totalCount
		nodes { id name status country { id name emnStatus } host { id name kind }
		partners(first: 3, orderBy: [{field: NAME, direction: DESC}]) { totalCount nodes { id } } } } }`},
	{"server: EMN coordination and board", `{
		emn: node(id: "net-emn") { id ... on Network { name coordinators { nodes { id displayName } }
			fundedBy { edges { relationship { type source } node { id name } } }
			establishedBy { nodes { id title celex amendedBy { nodes { id title } } } }
			collaboratesWith(orderBy: [{field: ID}]) { totalCount nodes { id displayName } } } }
		board: node(id: "net-emn-steering-board") { ... on Network { chairedBy { nodes { id } }
			observers(orderBy: [{field: ID}]) { nodes { id displayName } }
			members(first: 5, orderBy: [{field: ID, direction: DESC}]) { totalCount nodes { id } } } } }`},
	{"server: work programmes", `{ documents(where: {kind: {eq: "work-programme"}}, orderBy: [{field: YEAR, direction: DESC}]) {
		totalCount edges { cursor node { id title year date publishedBy { nodes { id } } } } pageInfo { hasNextPage endCursor } } }`},
	{"server: glossary terms with links", `{ glossaryTerms(first: 50, orderBy: [{field: PREF_LABEL, language: "en"}]) { totalCount
		nodes { id prefLabel prefLabelDe: prefLabel(language: "de") definition altLabels { language values }
		broader { nodes { id } } narrower { nodes { id } } related(orderBy: [{field: ID}]) { nodes { id } }
		documents { nodes { id } } } } }`},
	{"server: filters, ranges and pages", `{ a: documents(first: 4, where: {AND: [{year: {gte: 2014}}, {year: {lt: 2020}}],
		NOT: {kind: {in: ["bulletin", "quarterly"]}}, OR: [{title: {contains: "EMN"}}, {publisher: {startsWith: "EMN"}}]},
		orderBy: [{field: YEAR}, {field: TITLE, direction: DESC}]) { totalCount nodes { id year } pageInfo { hasNextPage hasPreviousPage } }
		b: documents(last: 3, where: {date: {startsWith: "2014"}}) { nodes { id date } pageInfo { hasPreviousPage } }
		c: organisations(where: {kind: {eq: "international-organisation-office"}}) { totalCount nodes { id hostedContactPoints { nodes { id } } } } }`},
	{"server: Croatia's hosts over time", `{ node(id: "ncp-HR") { ... on NationalContactPoint {
		hosts(relationshipOrderBy: [{field: SINCE}]) { edges { relationship { id type from to role status since until source } node { id name } } } } } }`},
	{"GraphiQL introspection", limitsIntrospectionQuery},
}

// limitsIntrospectionQuery is the introspection query GraphiQL sends.
const limitsIntrospectionQuery = `query IntrospectionQuery {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }`

// limitsServer serves the seeded embedded store through graph.NewHandler
// with the limits l, in production mode when prod is set.
func limitsServer(tb testing.TB, l graph.Limits, prod bool) *httptest.Server {
	tb.Helper()
	ctx := context.Background()
	store, err := sqlite.Open(ctx, tb.TempDir())
	if err != nil {
		tb.Fatalf("open: %v", err)
	}
	tb.Cleanup(func() { store.Close() })
	g, err := seed.Graph()
	if err != nil {
		tb.Fatalf("seed: %v", err)
	}
	if _, err := store.ImportGraph(ctx, g); err != nil {
		tb.Fatalf("seed: %v", err)
	}
	r := graph.NewResolver(store, nil)
	r.BatchWait = time.Millisecond
	h := graph.NewHandler(r, graph.HandlerOptions{Introspection: true})
	graph.UseLimits(h, l)
	if prod {
		graph.ProductionMode(h)
	}
	ts := httptest.NewServer(h)
	tb.Cleanup(ts.Close)
	return ts
}

// limitsResponse is a decoded GraphQL response.
type limitsResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

// limitsPost posts a GraphQL request and decodes the answer.
func limitsPost(tb testing.TB, url, query string, vars map[string]any) (int, limitsResponse) {
	tb.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		tb.Fatal(err)
	}
	resp, err := http.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		tb.Fatalf("post: %v", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	var out limitsResponse
	if err := json.Unmarshal(raw, &out); err != nil {
		tb.Fatalf("decode %q: %v", raw, err)
	}
	return resp.StatusCode, out
}

func TestDocumentedQueriesPassDefaultLimits(t *testing.T) {
	ts := limitsServer(t, graph.DefaultLimits(), true)
	schema := graph.NewExecutableSchema(graph.Config{}).Schema()
	l := graph.DefaultLimits()
	for _, q := range limitsDocumentedQueries {
		t.Run(q.name, func(t *testing.T) {
			status, resp := limitsPost(t, ts.URL, q.query, nil)
			if status != http.StatusOK || len(resp.Errors) > 0 {
				t.Fatalf("status %d, errors %+v", status, resp.Errors)
			}
			doc, errs := gqlparser.LoadQuery(schema, q.query)
			if errs != nil {
				t.Fatalf("validate: %v", errs)
			}
			m := graph.Measure(schema, doc, doc.Operations[0], nil, l)
			t.Logf("measures: %+v", m)
			// Room to spare: twice the measure must fit too.
			if 2*m.Cost > l.MaxCost || m.Depth+2 > l.MaxDepth || 2*m.Aliases > l.MaxAliases {
				t.Errorf("too close to the limits: %+v", m)
			}
		})
	}
}

// repeat returns s n times, each followed by a space.
func repeat(s string, n int) string { return strings.Repeat(s+" ", n) }

func TestHostileQueriesAreRefused(t *testing.T) {
	ts := limitsServer(t, graph.DefaultLimits(), false)
	nested := func(k int) string {
		return `{ glossaryTerms(first: 1) { nodes { ` + strings.Repeat(`broader(first: 1) { nodes { `, k) + `id` +
			strings.Repeat(` } }`, k) + ` } } }`
	}
	var bomb strings.Builder
	bomb.WriteString(`{ glossaryTerms(first: 1) { nodes { ...F0 } } }`)
	for i := range 40 {
		fmt.Fprintf(&bomb, "\nfragment F%d on GlossaryTerm { ...F%d ...F%d }", i, i+1, i+1)
	}
	bomb.WriteString("\nfragment F40 on GlossaryTerm { a: id }")
	var rootBomb strings.Builder
	rootBomb.WriteString(`{ ...R0 }`)
	for i := range 40 {
		fmt.Fprintf(&rootBomb, "\nfragment R%d on Query { ...R%d ...R%d }", i, i+1, i+1)
	}
	rootBomb.WriteString("\nfragment R40 on Query { __typename }")
	var aliases strings.Builder
	for i := range 16 {
		fmt.Fprintf(&aliases, "a%d: id ", i)
	}
	tests := []struct {
		name, query string
		vars        map[string]any
		code        string
		limit       float64
	}{
		{"too many tokens", `{ ` + repeat("__typename", 2001) + `}`, nil, graph.CodeTokenLimit, 2000},
		{"tokens counted before parsing", `{ ` + repeat("a(", 3000), nil, graph.CodeTokenLimit, 2000},
		{"too deep", nested(5), nil, graph.CodeDepthLimit, 10},
		{"too many aliases", `{ glossaryTerms(first: 1) { nodes { ` + aliases.String() + `} } }`, nil, graph.CodeAliasLimit, 15},
		{"alias fragment bomb", bomb.String(), nil, graph.CodeAliasLimit, 15},
		{"root fragment bomb", rootBomb.String(), nil, graph.CodeRootFieldLimit, 10},
		{"too many root fields", `{ organisations { totalCount } nationalContactPoints { totalCount } people { totalCount }
			networks { totalCount } countries { totalCount } documents { totalCount } glossaryTerms { totalCount }
			funds { totalCount } node(id: "x") { id } nodes(ids: []) { id } __typename }`, nil, graph.CodeRootFieldLimit, 10},
		{"too many directives", `{ glossaryTerms(first: 1) { nodes { ` + repeat("id @include(if: true)", 51) + `} } }`,
			nil, graph.CodeDirectiveLimit, 50},
		{"one field repeated", `{ countries { nodes { ` + repeat("id", 101) + `} } }`, nil, graph.CodeFieldRepeatLimit, 100},
		{"repeated across inline fragments", `{ countries { nodes { ... on Country { ` + repeat("id", 51) + `}
			... on Node { ` + repeat("id", 50) + `} } } }`, nil, graph.CodeFieldRepeatLimit, 100},
		{"repeated in a fragment", `{ countries { nodes { ...C } } } fragment C on Country { name ` + repeat("id", 101) + `}`,
			nil, graph.CodeFieldRepeatLimit, 100},
		{"root field repeated", `{ ` + repeat("__typename", 101) + `}`, nil, graph.CodeFieldRepeatLimit, 100},
		{"repeated under fields that merge", `{ countries { nodes { ` + repeat("id", 51) + `} nodes { ` + repeat("id", 50) + `} } }`,
			nil, graph.CodeFieldRepeatLimit, 100},
		{"repeated by fragments spread together", `{ countries { nodes { ...A ...B } } }
			fragment A on Country { ` + repeat("id", 51) + `} fragment B on Country { ` + repeat("id", 50) + `}`,
			nil, graph.CodeFieldRepeatLimit, 100},
		{"huge page", `{ documents(first: 100000) { nodes { id } } }`, nil, graph.CodeCostLimit, 50000},
		{"huge page by variable", `query Q($n: Int) { documents(first: $n) { nodes { id } } }`,
			map[string]any{"n": 100000}, graph.CodeCostLimit, 50000},
		{"huge last", `{ documents(last: 60000) { edges { node { id } } } }`, nil, graph.CodeCostLimit, 50000},
		{"nested pages multiply", `{ documents(first: 1000) { nodes { publishedBy(first: 1000) { nodes { id } } } } }`,
			nil, graph.CodeCostLimit, 50000},
		{"default pages multiply", `{ glossaryTerms { nodes { broader { nodes { narrower { nodes { id } } } } } } }`,
			nil, graph.CodeCostLimit, 50000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			status, resp := limitsPost(t, ts.URL, tt.query, tt.vars)
			if status < 400 || status > 499 {
				t.Errorf("status %d, want 4xx", status)
			}
			if len(resp.Errors) != 1 {
				t.Fatalf("errors %+v, want one", resp.Errors)
			}
			e := resp.Errors[0]
			if e.Extensions["code"] != tt.code || e.Extensions["limit"] != tt.limit {
				t.Errorf("error %q %v, want code %s and limit %v", e.Message, e.Extensions, tt.code, tt.limit)
			}
			if string(resp.Data) != "" && string(resp.Data) != "null" {
				t.Errorf("data %s, want none", resp.Data)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("took %s to refuse", d)
			}
		})
	}
}

// TestFieldRepeatLimitAllowsItsLimit checks that a field may be selected
// as often as the limit allows, in one selection set and in each of
// several.
func TestFieldRepeatLimitAllowsItsLimit(t *testing.T) {
	ts := limitsServer(t, graph.DefaultLimits(), false)
	for name, query := range map[string]string{
		"one selection set": `{ countries(first: 1) { nodes { ` + repeat("id", 100) + `} } }`,
		"inline fragments":  `{ countries(first: 1) { nodes { ... on Country { ` + repeat("id", 50) + `} ` + repeat("id", 50) + `} } }`,
		"several sets": `{ countries(first: 1) { nodes { ` + repeat("id", 100) + ` memberOf(first: 1) { nodes { ` +
			repeat("id", 100) + `} } } } }`,
		"one fragment spread twice": `{ countries(first: 1) { nodes { ...A ...A } n: nodes { ...A } } }
			fragment A on Country { ` + repeat("id", 100) + `}`,
	} {
		t.Run(name, func(t *testing.T) {
			status, resp := limitsPost(t, ts.URL, query, nil)
			if status != http.StatusOK || len(resp.Errors) > 0 {
				t.Errorf("status %d, errors %+v", status, resp.Errors)
			}
		})
	}
}

func TestMeasure(t *testing.T) {
	schema := graph.NewExecutableSchema(graph.Config{}).Schema()
	tests := []struct {
		name, query string
		vars        map[string]any
		limits      graph.Limits
		want        graph.Measures
	}{
		{"scalar root", `{ __typename }`, nil, graph.Limits{}, graph.Measures{Depth: 1, RootFields: 1}},
		{"default page", `{ documents { totalCount nodes { id } } }`, nil, graph.Limits{},
			graph.Measures{Depth: 3, RootFields: 1, Cost: 101}},
		{"first sets the page", `{ documents(first: 7) { nodes { id } edges { node { id } } pageInfo { hasNextPage } } }`,
			nil, graph.Limits{}, graph.Measures{Depth: 4, RootFields: 1, Cost: 1 + 7 + 7*2 + 1}},
		{"last by variable, larger of both", `query Q($n: Int) { documents(first: 2, last: $n) { nodes { id } } }`,
			map[string]any{"n": 30}, graph.Limits{}, graph.Measures{Depth: 3, RootFields: 1, Cost: 31}},
		{"nested pages multiply", `{ glossaryTerms(first: 10) { nodes { broader(first: 5) { nodes { id } } } } }`,
			nil, graph.Limits{}, graph.Measures{Depth: 5, RootFields: 1, Cost: 1 + 10*(1+1+5)}},
		{"list argument", `{ nodes(ids: ["a", "b", "c"]) { id } }`, nil, graph.Limits{},
			graph.Measures{Depth: 2, RootFields: 1, Cost: 3}},
		{"ids multiply the lists of an object", `{ subgraph(ids: ["a", "b", "c", "d"]) { nodes { id } edges { type } } }`, nil, graph.Limits{},
			graph.Measures{Depth: 3, RootFields: 1, Cost: 1 + 4 + 4}},
		{"default list size", `{ documents { nodes { id } } }`, nil, graph.Limits{DefaultListSize: 10},
			graph.Measures{Depth: 3, RootFields: 1, Cost: 11}},
		{"field cost", `{ a: node(id: "x") { id } b: node(id: "y") { id } }`, nil,
			graph.Limits{FieldCosts: map[string]int{"Query.node": 40}},
			graph.Measures{Depth: 2, Aliases: 2, RootFields: 2, Cost: 80}},
		{"fragments and directives", `query Q { ...R ... on Query { node(id: "x") @include(if: true) { id } } }
			fragment R on Query { x: __typename y: documents(first: 2) { nodes { ...D } } }
			fragment D on Document { id @skip(if: false) t: title }`, nil, graph.Limits{},
			graph.Measures{Depth: 3, Aliases: 3, RootFields: 3, Directives: 2, Cost: 1 + 1 + 2}},
		{"introspection is free", limitsIntrospectionQuery, nil, graph.Limits{},
			graph.Measures{Depth: 1, RootFields: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, errs := gqlparser.LoadQuery(schema, tt.query)
			if errs != nil {
				t.Fatalf("validate: %v", errs)
			}
			got := graph.Measure(schema, doc, doc.Operations[0], tt.vars, tt.limits)
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestProductionMode(t *testing.T) {
	tests := []struct {
		name, query string
		prod        bool
		suggests    bool
	}{
		{"field suggestion in development", `{ glossaryTerms { nodes { idd } } }`, false, true},
		{"no field suggestion in production", `{ glossaryTerms { nodes { idd } } }`, true, false},
		{"no argument suggestion in production", `{ glossaryTerms(frist: 1) { totalCount } }`, true, false},
		{"no enum suggestion in production", `{ documents(orderBy: [{field: YEARR}]) { totalCount } }`, true, false},
	}
	servers := map[bool]*httptest.Server{
		false: limitsServer(t, graph.DefaultLimits(), false),
		true:  limitsServer(t, graph.DefaultLimits(), true),
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, resp := limitsPost(t, servers[tt.prod].URL, tt.query, nil)
			if len(resp.Errors) == 0 {
				t.Fatal("no error")
			}
			msg := resp.Errors[0].Message
			if strings.Contains(msg, "Did you mean") != tt.suggests {
				t.Errorf("message %q: suggestion present = %v, want %v", msg, !tt.suggests, tt.suggests)
			}
			if resp.Errors[0].Extensions["code"] == nil {
				t.Errorf("error without code: %+v", resp.Errors[0])
			}
		})
	}
}
