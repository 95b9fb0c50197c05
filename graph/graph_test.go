package graph_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/99designs/gqlgen/client"

	"github.com/emnkg/emnkg/graph"
	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/emnkg/emnkg/internal/neo4jtest"
	"github.com/emnkg/emnkg/internal/seed"
	"github.com/emnkg/emnkg/internal/sqlite"
)

// countingStore counts the store round trips a request makes.
type countingStore struct {
	emnkg.Store
	calls atomic.Int64
}

func (s *countingStore) GetNodes(ctx context.Context, ids []string) ([]*emnkg.Node, error) {
	s.calls.Add(1)
	return s.Store.GetNodes(ctx, ids)
}

func (s *countingStore) FindNodes(ctx context.Context, q emnkg.NodeQuery) (*emnkg.NodePage, error) {
	s.calls.Add(1)
	return s.Store.FindNodes(ctx, q)
}

func (s *countingStore) FindRelated(ctx context.Context, q emnkg.RelatedQuery) (map[string]*emnkg.RelatedPage, error) {
	s.calls.Add(1)
	return s.Store.FindRelated(ctx, q)
}

// storeKinds open a fresh, empty store of each kind: the GraphQL layer is
// tested end to end on both.
var storeKinds = []struct {
	name string
	open func(tb testing.TB) emnkg.Store
}{
	{"embedded", func(tb testing.TB) emnkg.Store {
		tb.Helper()
		s, err := sqlite.Open(context.Background(), tb.TempDir())
		if err != nil {
			tb.Fatalf("open: %v", err)
		}
		tb.Cleanup(func() { s.Close() })
		return s
	}},
	{"neo4j", func(tb testing.TB) emnkg.Store {
		tb.Helper()
		return neo4jtest.NewStore(tb)
	}},
}

// forEachStore runs test once per kind of store.
func forEachStore(t *testing.T, test func(t *testing.T, open func(tb testing.TB) emnkg.Store)) {
	t.Helper()
	for _, sk := range storeKinds {
		t.Run(sk.name, func(t *testing.T) { test(t, sk.open) })
	}
}

// seededStore returns an embedded store holding the factual dataset.
func seededStore(tb testing.TB) emnkg.Store {
	tb.Helper()
	return seededStoreOn(tb, storeKinds[0].open)
}

// seededStoreOn returns a store opened by open holding the factual dataset.
func seededStoreOn(tb testing.TB, open func(tb testing.TB) emnkg.Store) emnkg.Store {
	tb.Helper()
	ctx := context.Background()
	s := open(tb)
	g, err := seed.Graph()
	if err != nil {
		tb.Fatalf("seed: %v", err)
	}
	if _, err := s.ImportGraph(ctx, g); err != nil {
		tb.Fatalf("seed: %v", err)
	}
	return s
}

func newClient(tb testing.TB, store emnkg.Store) *client.Client {
	tb.Helper()
	r := graph.NewResolver(store, nil)
	r.BatchWait = 50 * time.Millisecond
	return client.New(graph.NewHandler(r, graph.HandlerOptions{Introspection: true}))
}

// gqlErrors is the errors part of a GraphQL response.
type gqlErrors []struct {
	Message    string         `json:"message"`
	Extensions map[string]any `json:"extensions"`
}

// query runs q through the handler and returns data as generic JSON and
// the errors. Unlike client.Post it also decodes answers with an HTTP error
// status, which GraphQL-over-HTTP uses for requests that fail validation.
func query(tb testing.TB, c *client.Client, q string, opts ...client.Option) (map[string]any, gqlErrors) {
	tb.Helper()
	var resp struct {
		Data   map[string]any `json:"data"`
		Errors gqlErrors      `json:"errors"`
	}
	raw, err := c.RawPost(q, opts...)
	if err != nil {
		msg := err.Error()
		i := strings.Index(msg, "{")
		if !strings.HasPrefix(msg, "http ") || i < 0 {
			tb.Fatalf("post: %v", err)
		}
		if err := json.Unmarshal([]byte(msg[i:]), &resp); err != nil {
			tb.Fatalf("decode %q: %v", msg, err)
		}
		return resp.Data, resp.Errors
	}
	body, err := json.Marshal(raw)
	if err != nil {
		tb.Fatalf("encode: %v", err)
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		tb.Fatalf("decode: %v", err)
	}
	return resp.Data, resp.Errors
}

// path walks generic JSON by keys and list indexes ("a.b.0.c").
func path(tb testing.TB, v any, p string) any {
	tb.Helper()
	for _, k := range strings.Split(p, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[k]
		case []any:
			var i int
			if err := json.Unmarshal([]byte(k), &i); err != nil || i >= len(x) {
				tb.Fatalf("path %s: bad index %s", p, k)
			}
			v = x[i]
		default:
			tb.Fatalf("path %s: cannot index %T with %s", p, v, k)
		}
	}
	return v
}

func ids(tb testing.TB, nodes any) []string {
	tb.Helper()
	var out []string
	for _, n := range nodes.([]any) {
		out = append(out, n.(map[string]any)["id"].(string))
	}
	return out
}

func TestRoundTripsDoNotGrowWithRows(t *testing.T) {
	store := &countingStore{Store: seededStore(t)}
	c := newClient(t, store)
	const q = `query($ids: [ID!]) { countries(where: {id: {in: $ids}}) { nodes { id
		nationalContactPoints { nodes { id host { name } partners { nodes { name country { id } } } } } } } }`
	// Countries whose NCPs have partners, so that every level is reached.
	few := []string{"BE", "BG", "ES"}
	many := []string{"BE", "BG", "CY", "ES", "LT", "LU", "MT", "PL", "SI", "SK", "NO", "AT", "DE", "FR", "IE", "HR"}
	count := func(ids []string) int64 {
		n := len(ids)
		store.calls.Store(0)
		data, errs := query(t, c, q, client.Var("ids", ids))
		if len(errs) > 0 {
			t.Fatalf("errors: %v", errs)
		}
		if got := len(path(t, data, "countries.nodes").([]any)); got != n {
			t.Fatalf("got %d countries, want %d", got, n)
		}
		return store.calls.Load()
	}
	fewTrips, manyTrips := count(few), count(many)
	t.Logf("store round trips: %d for %d countries, %d for %d countries", fewTrips, len(few), manyTrips, len(many))
	if manyTrips != fewTrips {
		t.Errorf("round trips grew with rows: %d for %d countries, %d for %d", fewTrips, len(few), manyTrips, len(many))
	}
	// One per level: countries, NCPs, host and partners, partners' country.
	if manyTrips != 5 {
		t.Errorf("%d round trips for this query, want 5", manyTrips)
	}
}

func TestRootConnections(t *testing.T) {
	c := newClient(t, seededStore(t))
	tests := []struct {
		name  string
		query string
		check func(tb testing.TB, data map[string]any)
	}{
		{"countries with NCPs: all Member States but Denmark, and Norway",
			`{ countries(first: 100, where: {OR: [{euMember: {eq: true}}, {id: {eq: "NO"}}]}) { totalCount nodes { id nationalContactPoints { totalCount } } } }`,
			func(tb testing.TB, data map[string]any) {
				for _, n := range path(tb, data, "countries.nodes").([]any) {
					id := n.(map[string]any)["id"].(string)
					want := 1.0
					if id == "DK" {
						want = 0
					}
					if got := path(tb, n, "nationalContactPoints.totalCount").(float64); got != want {
						tb.Errorf("%s has %v NCPs, want %v", id, got, want)
					}
				}
				if got := path(tb, data, "countries.totalCount").(float64); got != 28 {
					tb.Errorf("%v countries, want 28 (27 Member States and Norway)", got)
				}
			}},
		{"filters combine with AND, OR and NOT",
			`{ countries(where: {OR: [{id: {eq: "NO"}}, {id: {eq: "DK"}}], NOT: {emnStatus: {eq: "none"}}}) { nodes { id } } }`,
			func(tb testing.TB, data map[string]any) {
				if got := ids(tb, path(tb, data, "countries.nodes")); strings.Join(got, ",") != "NO" {
					tb.Errorf("got %v, want [NO]", got)
				}
			}},
		{"work programmes sorted by year, starts with and ranges",
			`{ documents(where: {kind: {eq: "work-programme"}, year: {gte: 2015, lte: 2023}}, orderBy: [{field: YEAR, direction: ASC}]) { nodes { id year } } }`,
			func(tb testing.TB, data map[string]any) {
				got := ids(tb, path(tb, data, "documents.nodes"))
				want := "pub-wp-2015-2016,pub-wp-2017-2018,pub-action-plan-2023-2025"
				if strings.Join(got, ",") != want {
					tb.Errorf("got %v, want %s", got, want)
				}
			}},
		{"glossary terms filter on a label in one language",
			`{ glossaryTerms(where: {prefLabel: {language: "de", startsWith: "Rück"}}) { nodes { id prefLabel(language: "de") definition } } }`,
			func(tb testing.TB, data map[string]any) {
				got := ids(tb, path(tb, data, "glossaryTerms.nodes"))
				if len(got) == 0 || got[0] != "return" {
					tb.Errorf("got %v, want return first", got)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, errs := query(t, c, tt.query)
			if len(errs) > 0 {
				t.Fatalf("errors: %+v", errs)
			}
			tt.check(t, data)
		})
	}
}

func TestPagination(t *testing.T) {
	c := newClient(t, seededStore(t))
	const q = `query($first: Int, $after: String, $last: Int, $before: String) {
		countries(first: $first, after: $after, last: $last, before: $before, orderBy: [{field: NAME}]) {
			totalCount edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`
	all, errs := query(t, c, q, client.Var("first", 1000))
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	var want []string
	for _, e := range path(t, all, "countries.edges").([]any) {
		want = append(want, path(t, e, "node.id").(string))
	}
	total := int(path(t, all, "countries.totalCount").(float64))
	if total != len(want) || total < 30 {
		t.Fatalf("totalCount %d, %d edges", total, len(want))
	}
	// Walk forward in pages of 7.
	var got []string
	var after any
	for pages := 0; ; pages++ {
		data, errs := query(t, c, q, client.Var("first", 7), client.Var("after", after))
		if len(errs) > 0 {
			t.Fatalf("errors: %v", errs)
		}
		for _, e := range path(t, data, "countries.edges").([]any) {
			got = append(got, path(t, e, "node.id").(string))
		}
		if path(t, data, "countries.pageInfo.hasPreviousPage").(bool) != (pages > 0) {
			t.Errorf("page %d: wrong hasPreviousPage", pages)
		}
		if !path(t, data, "countries.pageInfo.hasNextPage").(bool) {
			break
		}
		after = path(t, data, "countries.pageInfo.endCursor")
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("forward pages differ:\n got %v\nwant %v", got, want)
	}
	// The last 5, then the 5 before those.
	data, _ := query(t, c, q, client.Var("last", 5))
	var last []string
	for _, e := range path(t, data, "countries.edges").([]any) {
		last = append(last, path(t, e, "node.id").(string))
	}
	if strings.Join(last, ",") != strings.Join(want[len(want)-5:], ",") {
		t.Errorf("last 5 = %v, want %v", last, want[len(want)-5:])
	}
	if !path(t, data, "countries.pageInfo.hasPreviousPage").(bool) || path(t, data, "countries.pageInfo.hasNextPage").(bool) {
		t.Errorf("last page info wrong: %v", path(t, data, "countries.pageInfo"))
	}
	before := path(t, data, "countries.pageInfo.startCursor")
	data, _ = query(t, c, q, client.Var("last", 5), client.Var("before", before))
	var prev []string
	for _, e := range path(t, data, "countries.edges").([]any) {
		prev = append(prev, path(t, e, "node.id").(string))
	}
	if strings.Join(prev, ",") != strings.Join(want[len(want)-10:len(want)-5], ",") {
		t.Errorf("5 before = %v, want %v", prev, want[len(want)-10:len(want)-5])
	}
}

func TestRelationshipFields(t *testing.T) {
	c := newClient(t, seededStore(t))
	data, errs := query(t, c, `{
		emn: node(id: "net-emn") { ... on Network {
			coordinators { nodes { id } }
			fundedBy { nodes { id name } }
			establishedBy { nodes { id celex amendedBy { nodes { id } } } }
			collaboratesWith(orderBy: [{field: ID}]) { nodes { id } } } }
		board: node(id: "net-emn-steering-board") { ... on Network {
			chairedBy { nodes { id } } observers(orderBy: [{field: ID}]) { nodes { id } } } }
		hr: node(id: "ncp-HR") { ... on NationalContactPoint { country { id } host { id }
			hosts(relationshipOrderBy: [{field: SINCE}]) { totalCount edges { relationship { status since until source } node { id } } } } }
		ret: node(id: "return") { ... on GlossaryTerm { prefLabel definition related { nodes { id } } } }
	}`)
	if len(errs) > 0 {
		t.Fatalf("errors: %+v", errs)
	}
	checks := []struct {
		path string
		want string
	}{
		{"emn.coordinators.nodes", "org-dg-home,org-european-commission"},
		{"emn.fundedBy.nodes", "fund-amif"},
		{"emn.establishedBy.nodes", "32008D0381"},
		{"emn.establishedBy.nodes.0.amendedBy.nodes", "32014R0516"},
		{"board.chairedBy.nodes", "org-european-commission"},
		{"hr.hosts.edges.0.node.id", "org-hr-moi"},
	}
	for _, ck := range checks {
		v := path(t, data, ck.path)
		var got string
		switch x := v.(type) {
		case []any:
			got = strings.Join(ids(t, x), ",")
		case string:
			got = x
		}
		if !strings.Contains(","+got+",", ","+ck.want+",") && got != ck.want {
			t.Errorf("%s = %q, want it to hold %q", ck.path, got, ck.want)
		}
	}
	collab := strings.Join(ids(t, path(t, data, "emn.collaboratesWith.nodes")), ",")
	for _, id := range []string{"net-erin", "net-eurint"} {
		if !strings.Contains(collab, id) {
			t.Errorf("EMN collaborates with %s, want %s among them", collab, id)
		}
	}
	observers := strings.Join(ids(t, path(t, data, "board.observers.nodes")), ",")
	for _, id := range []string{"NO", "org-european-parliament"} {
		if !strings.Contains(observers, id) {
			t.Errorf("Steering Board observers %s, want %s among them", observers, id)
		}
	}
	if got := path(t, data, "hr.host.id"); got != "org-hr-moi" {
		t.Errorf("Croatian NCP's current host = %v, want org-hr-moi", got)
	}
	if got := path(t, data, "hr.hosts.totalCount").(float64); got < 2 {
		t.Errorf("Croatian NCP had %v hosts, want at least 2", got)
	}
	if path(t, data, "hr.hosts.edges.0.relationship.source") == nil {
		t.Errorf("hosting relationship has no source")
	}
	if path(t, data, "ret.prefLabel") != "return" || path(t, data, "ret.definition") == nil {
		t.Errorf("term return: %v", path(t, data, "ret"))
	}
}

func TestErrorsHaveCodes(t *testing.T) {
	c := newClient(t, seededStore(t))
	tests := []struct {
		name, query, code string
	}{
		{"negative first", `{ countries(first: -1) { nodes { id } } }`, "BAD_USER_INPUT"},
		{"first over the cap", `{ countries(first: 100000) { nodes { id } } }`, "BAD_USER_INPUT"},
		{"forged cursor", `{ countries(after: "bm9wZQ") { nodes { id } } }`, "BAD_USER_INPUT"},
		{"first and last", `{ countries(first: 1, last: 1) { nodes { id } } }`, "BAD_USER_INPUT"},
		{"bad language", `{ glossaryTerms(where: {prefLabel: {language: "x'y", eq: "a"}}) { nodes { id } } }`, "BAD_USER_INPUT"},
		{"wrong type", `{ countries(where: {euMember: {eq: "yes"}}) { nodes { id } } }`, "GRAPHQL_VALIDATION_FAILED"},
		{"unknown field", `{ countries { nodes { nope } } }`, "GRAPHQL_VALIDATION_FAILED"},
		{"parse error", `{ countries( `, "GRAPHQL_PARSE_FAILED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errs := query(t, c, tt.query)
			if len(errs) == 0 {
				t.Fatalf("no error")
			}
			if got := errs[0].Extensions["code"]; got != tt.code {
				t.Errorf("code %v (%s), want %s", got, errs[0].Message, tt.code)
			}
		})
	}
	data, errs := query(t, c, `{ node(id: "no-such-node") { id } nodes(ids: ["NO", "nope"]) { id } }`)
	if len(errs) > 0 || path(t, data, "node") != nil || path(t, data, "nodes.1") != nil || path(t, data, "nodes.0.id") != "NO" {
		t.Errorf("unknown IDs: data %v errors %v", data, errs)
	}
}

// failingStore fails every node query with an internal error.
type failingStore struct{ emnkg.Store }

func (failingStore) FindNodes(context.Context, emnkg.NodeQuery) (*emnkg.NodePage, error) {
	return nil, errors.New("disk on fire at /var/lib/secret")
}

func TestInternalErrorsAreMasked(t *testing.T) {
	r := graph.NewResolver(failingStore{seededStore(t)}, nil)
	h := graph.NewHandler(r, graph.HandlerOptions{RequestID: func(context.Context) string { return "req-42" }})
	_, errs := query(t, client.New(h), `{ countries { totalCount } }`)
	if len(errs) != 1 {
		t.Fatalf("errors %v", errs)
	}
	e := errs[0]
	if e.Message != "Internal error." || e.Extensions["code"] != "INTERNAL" || e.Extensions["requestId"] != "req-42" {
		t.Errorf("error %+v", e)
	}
	if strings.Contains(fmt.Sprint(e), "secret") {
		t.Errorf("details leaked: %+v", e)
	}
}
