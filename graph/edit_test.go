package graph_test

import (
	"bufio"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/client"
	coderws "github.com/coder/websocket"

	"github.com/emnkg/emnkg/graph"
	"github.com/emnkg/emnkg/internal/auth"
	"github.com/emnkg/emnkg/internal/emnkg"
)

// editorSetup serves the seeded embedded store with authentication, and
// returns the handler's URL and an editor's and an admin's API keys.
func editorSetup(t *testing.T, open func(tb testing.TB) emnkg.Store) (store emnkg.Store, url, editorKey, adminKey string) {
	t.Helper()
	ctx := context.Background()
	store = seededStoreOn(t, open)
	ed, ok := store.(emnkg.Editor)
	if !ok {
		t.Fatalf("the embedded store does not implement emnkg.Editor")
	}
	keys := map[emnkg.Role]string{}
	for _, role := range []emnkg.Role{emnkg.RoleEditor, emnkg.RoleAdmin} {
		secret, key, err := auth.NewAPIKey("test-"+string(role), role, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if err := ed.CreateAPIKey(ctx, key); err != nil {
			t.Fatal(err)
		}
		keys[role] = secret
	}
	authn, err := auth.New(ctx, auth.Config{}, ed, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := graph.NewResolver(store, slog.New(slog.NewTextHandler(os.Stderr, nil)))
	srv := httptest.NewServer(graph.NewHandler(r, graph.HandlerOptions{Introspection: true, Authenticator: authn}))
	t.Cleanup(srv.Close)
	return store, srv.URL, keys[emnkg.RoleEditor], keys[emnkg.RoleAdmin]
}

// httpQuery posts a GraphQL request with an optional bearer token.
func httpQuery(tb testing.TB, url, token, q string, vars map[string]any) (map[string]any, gqlErrors) {
	tb.Helper()
	body, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Data   map[string]any `json:"data"`
		Errors gqlErrors      `json:"errors"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		tb.Fatalf("decode: %v", err)
	}
	return out.Data, out.Errors
}

// wsSubscribe opens a graphql-transport-ws subscription and returns a
// function that reads the next event's data.
func wsSubscribe(t *testing.T, url, token, q string) func() map[string]any {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	conn, _, err := coderws.Dial(ctx, "ws"+strings.TrimPrefix(url, "http"), &coderws.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { conn.Close(coderws.StatusNormalClosure, "") })
	send := func(v any) {
		b, _ := json.Marshal(v)
		if err := conn.Write(ctx, coderws.MessageText, b); err != nil {
			t.Fatalf("write: %v", err)
		}
	}
	read := func() map[string]any {
		for {
			_, b, err := conn.Read(ctx)
			if err != nil {
				t.Fatalf("read: %v", err)
			}
			var m map[string]any
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
			if m["type"] == "ping" {
				send(map[string]any{"type": "pong"})
				continue
			}
			return m
		}
	}
	payload := map[string]any{}
	if token != "" {
		payload["Authorization"] = "Bearer " + token
	}
	send(map[string]any{"type": "connection_init", "payload": payload})
	if m := read(); m["type"] != "connection_ack" {
		t.Fatalf("got %v, want connection_ack", m)
	}
	send(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": q}})
	return func() map[string]any {
		m := read()
		if m["type"] != "next" {
			t.Fatalf("got %v, want next", m)
		}
		return m["payload"].(map[string]any)["data"].(map[string]any)
	}
}

// TestEditorWorkflow is the story: an editor with an API key links
// three glossary terms to a study, one by accepting a suggestion; an
// anonymous reader sees the links with their provenance; the audit lists
// the changes; a subscribed dashboard receives them live; an anonymous
// mutation, a stale-version update and an invalid CELEX number fail with
// their codes and change nothing.
func TestEditorWorkflow(t *testing.T) { forEachStore(t, testEditorWorkflow) }

func testEditorWorkflow(t *testing.T, open func(tb testing.TB) emnkg.Store) {
	store, url, editorKey, _ := editorSetup(t, open)
	url += "/"
	next := wsSubscribe(t, url, "", `subscription { changes(nodeIds: ["pub-study-test"]) { seq operation targetId relationshipType actor } }`)

	// The study.
	data, errs := httpQuery(t, url, editorKey, `mutation { createDocument(input: {id: "pub-study-test", title: "Test study",
		kind: "study", year: 2026, source: "test",
		abstract: "This study follows each return decision, voluntary departure and entry ban of a third-country national."}) { id version } }`, nil)
	if len(errs) > 0 {
		t.Fatalf("create: %v", errs)
	}
	if path(t, data, "createDocument.version").(float64) != 1 {
		t.Errorf("new document version %v", path(t, data, "createDocument.version"))
	}
	if ev := next(); path(t, ev, "changes.operation") != "CREATE" {
		t.Errorf("first event %v", ev)
	}

	// Two manual links.
	for _, term := range []string{"asylum-seeker", "unaccompanied-minor"} {
		_, errs := httpQuery(t, url, editorKey, `mutation($t: ID!) { linkGlossaryTerm(documentId: "pub-study-test", termId: $t,
			note: "Discussed in chapter 2.", source: "https://example.org/study") { id method createdBy } }`, map[string]any{"t": term})
		if len(errs) > 0 {
			t.Fatalf("link %s: %v", term, errs)
		}
	}

	// Suggestions: terms in the abstract, none of the linked ones.
	data, errs = httpQuery(t, url, editorKey, `{ suggestGlossaryTerms(documentId: "pub-study-test") { term { id } matchedText field score } }`, nil)
	if len(errs) > 0 {
		t.Fatalf("suggest: %v", errs)
	}
	var suggested []string
	for _, s := range path(t, data, "suggestGlossaryTerms").([]any) {
		suggested = append(suggested, path(t, s, "term.id").(string))
	}
	joined := strings.Join(suggested, ",")
	for _, want := range []string{"return-decision", "voluntary-departure", "third-country-national"} {
		if !strings.Contains(joined, want) {
			t.Errorf("suggestions %s lack %s", joined, want)
		}
	}
	if strings.Contains(","+joined+",", ",return,") {
		t.Errorf("suggestions %s hold return, which the longer return decision covers", joined)
	}

	// Accept one, reject one, in one mutation.
	data, errs = httpQuery(t, url, editorKey, `mutation { reviewGlossaryTermSuggestions(documentId: "pub-study-test",
		accept: ["return-decision"], reject: ["voluntary-departure"]) { accepted { id method } rejected { id } } }`, nil)
	if len(errs) > 0 {
		t.Fatalf("review: %v", errs)
	}
	if path(t, data, "reviewGlossaryTermSuggestions.accepted.0.method") != "accepted-suggestion" {
		t.Errorf("review %v", data)
	}

	// An anonymous reader sees three links with provenance.
	data, errs = httpQuery(t, url, "", `{ node(id: "pub-study-test") { ... on Document { glossaryTerms(orderBy: [{field: ID}]) {
		totalCount edges { node { id } relationship { method createdBy createdAt note source } } } } } }`, nil)
	if len(errs) > 0 {
		t.Fatalf("read: %v", errs)
	}
	if got := path(t, data, "node.glossaryTerms.totalCount").(float64); got != 3 {
		t.Errorf("%v linked terms, want 3", got)
	}
	for _, e := range path(t, data, "node.glossaryTerms.edges").([]any) {
		if path(t, e, "relationship.createdBy") != "apikey:test-editor" || path(t, e, "relationship.createdAt") == nil {
			t.Errorf("link without provenance: %v", e)
		}
	}

	// The audit lists every change; the subscriber saw them live.
	data, _ = httpQuery(t, url, "", `{ changes(nodeId: "pub-study-test") { nodes { operation targetId actor after } } }`, nil)
	changes := path(t, data, "changes.nodes").([]any)
	if len(changes) != 5 {
		t.Errorf("%d changes, want 5 (create, 2 links, accepted and rejected suggestion): %v", len(changes), changes)
	}
	for i := 0; i < 4; i++ {
		if ev := next(); path(t, ev, "changes.operation") != "LINK" {
			t.Errorf("event %d: %v", i, ev)
		}
	}

	// Failures change nothing.
	before, _ := store.Stats(context.Background())
	failures := []struct{ name, token, query, code string }{
		{"anonymous mutation", "", `mutation { linkGlossaryTerm(documentId: "pub-study-test", termId: "refugee") { id } }`, "UNAUTHENTICATED"},
		{"stale version", editorKey, `mutation { updateDocument(id: "pub-study-test", version: 7, input: {title: "Changed"}) { id } }`, "CONFLICT"},
		{"invalid CELEX", editorKey, `mutation { createDocument(input: {id: "la-test", title: "An act", celex: "not-a-celex"}) { id } }`, "BAD_USER_INPUT"},
		{"forged token", "emnkg_forged", `mutation { deleteNode(id: "NO") { id } }`, "UNAUTHENTICATED"},
		{"editor may not delete", editorKey, `mutation { deleteNode(id: "pub-study-test") { id } }`, "FORBIDDEN"},
	}
	for _, f := range failures {
		_, errs := httpQuery(t, url, f.token, f.query, nil)
		if len(errs) == 0 || errs[0].Extensions["code"] != f.code {
			t.Errorf("%s: errors %v, want code %s", f.name, errs, f.code)
		}
	}
	after, _ := store.Stats(context.Background())
	for k, n := range before.NodesByKind {
		if after.NodesByKind[k] != n {
			t.Errorf("%s nodes changed from %d to %d", k, n, after.NodesByKind[k])
		}
	}
	for k, n := range before.EdgesByType {
		if after.EdgesByType[k] != n {
			t.Errorf("%s relationships changed from %d to %d", k, n, after.EdgesByType[k])
		}
	}
	data, _ = httpQuery(t, url, "", `{ node(id: "pub-study-test") { ... on Document { title version history { nodes { operation } } } } }`, nil)
	if path(t, data, "node.title") != "Test study" || path(t, data, "node.version").(float64) != 1 {
		t.Errorf("document changed: %v", data)
	}
}

func TestSSESubscription(t *testing.T) {
	_, url, editorKey, _ := editorSetup(t, storeKinds[0].open)
	url += "/"
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	body := `{"query":"subscription { changes(kinds: [COUNTRY]) { operation targetId } }"}`
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	events := make(chan string, 10)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if line := sc.Text(); strings.HasPrefix(line, "data:") {
				events <- line
			}
		}
		close(events)
	}()
	time.Sleep(200 * time.Millisecond) // let the subscription register
	if _, errs := httpQuery(t, url, editorKey, `mutation { updateCountry(id: "NO", input: {note: "Updated in a test."}) { version } }`, nil); len(errs) > 0 {
		t.Fatalf("update: %v", errs)
	}
	select {
	case ev := <-events:
		if !strings.Contains(ev, `"targetId":"NO"`) || !strings.Contains(ev, `"UPDATE"`) {
			t.Errorf("event %s", ev)
		}
	case <-ctx.Done():
		t.Fatal("no event")
	}
}

func TestEveryMutationNeedsARole(t *testing.T) {
	c := client.New(graph.NewHandler(graph.NewResolver(seededStore(t), nil), graph.HandlerOptions{Introspection: true}))
	var resp struct {
		Schema struct {
			MutationType struct {
				Fields []struct{ Name string }
			}
		} `json:"__schema"`
	}
	c.MustPost(`{ __schema { mutationType { fields { name } } } }`, &resp)
	if len(resp.Schema.MutationType.Fields) < 20 {
		t.Fatalf("only %d mutations", len(resp.Schema.MutationType.Fields))
	}
	src := graph.NewExecutableSchema(graph.Config{}).Schema()
	for _, f := range src.Mutation.Fields {
		if f.Directives.ForName("auth") == nil {
			t.Errorf("mutation %s has no @auth role", f.Name)
		}
	}
}

// TestUpsertLinkAndDelete covers the generic mutations on both stores:
// upserting by natural key twice leaves one node, link and unlink any
// allowed relationship with properties, and an admin deletes.
func TestUpsertLinkAndDelete(t *testing.T) {
	forEachStore(t, func(t *testing.T, open func(tb testing.TB) emnkg.Store) {
		store, url, editorKey, adminKey := editorSetup(t, open)
		url += "/"
		const upsert = `mutation { upsertCountry(input: {id: "LI", name: "Liechtenstein", emnStatus: "none", source: "test"}) { id version } }`
		for i := 1; i <= 2; i++ {
			data, errs := httpQuery(t, url, editorKey, upsert, nil)
			if len(errs) > 0 {
				t.Fatalf("upsert %d: %v", i, errs)
			}
			if got := path(t, data, "upsertCountry.version").(float64); int(got) != i {
				t.Errorf("upsert %d: version %v", i, got)
			}
		}
		page, err := store.FindNodes(context.Background(), emnkg.NodeQuery{Kind: emnkg.KindCountry,
			Filter: &emnkg.Filter{Field: "id", Op: emnkg.OpEq, Value: "LI"}, Limit: 10, WithTotal: true})
		if err != nil || page.TotalCount != 1 {
			t.Fatalf("after two upserts: %v nodes, err %v", page.TotalCount, err)
		}
		data, errs := httpQuery(t, url, editorKey, `mutation { link(type: OBSERVER_OF, from: "LI", to: "net-emn",
			properties: {since: "2026-01", source: "test", role: "observer"}) { id type from to since role createdBy } }`, nil)
		if len(errs) > 0 {
			t.Fatalf("link: %v", errs)
		}
		id := path(t, data, "link.id").(string)
		if path(t, data, "link.since") != "2026-01" || path(t, data, "link.createdBy") != "apikey:test-editor" {
			t.Errorf("link %v", data)
		}
		_, errs = httpQuery(t, url, editorKey, `mutation { link(type: HOSTED_BY, from: "LI", to: "net-emn") { id } }`, nil)
		if len(errs) == 0 || errs[0].Extensions["code"] != "BAD_USER_INPUT" {
			t.Errorf("disallowed pair: %v", errs)
		}
		if _, errs = httpQuery(t, url, editorKey, `mutation($id: ID!) { unlink(id: $id) { id type } }`, map[string]any{"id": id}); len(errs) > 0 {
			t.Fatalf("unlink: %v", errs)
		}
		data, errs = httpQuery(t, url, adminKey, `mutation { deleteNode(id: "LI", version: 2) { id kind deletedRelationships } }`, nil)
		if len(errs) > 0 || path(t, data, "deleteNode.kind") != "COUNTRY" {
			t.Fatalf("delete: %v %v", data, errs)
		}
		data, _ = httpQuery(t, url, "", `{ node(id: "LI") { id } changes(nodeId: "LI") { nodes { operation } } }`, nil)
		if path(t, data, "node") != nil || len(path(t, data, "changes.nodes").([]any)) != 5 {
			t.Errorf("after delete: %v", data)
		}
	})
}
