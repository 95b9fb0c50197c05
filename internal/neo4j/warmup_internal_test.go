package neo4j

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

func TestQueryRecordIsBounded(t *testing.T) {
	r := newQueryRecord(maxRecordedQueries)
	for i := range maxRecordedQueries + 44 {
		r.record("MATCH (n) WHERE n.i = "+strconv.Itoa(i)+" RETURN n", nil, false)
	}
	got := r.snapshot()
	if len(got) != maxRecordedQueries {
		t.Fatalf("%d queries recorded, want the bound, %d", len(got), maxRecordedQueries)
	}
	if want := "MATCH (n) WHERE n.i = 299 RETURN n"; got[0].text != want {
		t.Errorf("most recent: %q, want %q", got[0].text, want)
	}
	if want := "MATCH (n) WHERE n.i = 44 RETURN n"; got[len(got)-1].text != want {
		t.Errorf("oldest kept: %q, want %q", got[len(got)-1].text, want)
	}
	// Running an old query again makes it the most recent; the same
	// query with the same shape is recorded once.
	r.record("MATCH (n) WHERE n.i = 100 RETURN n", nil, false)
	r.record("MATCH (n) WHERE n.i = 100 RETURN n", nil, false)
	got = r.snapshot()
	if len(got) != maxRecordedQueries || got[0].text != "MATCH (n) WHERE n.i = 100 RETURN n" {
		t.Errorf("after running an old query again: %d queries, most recent %q", len(got), got[0].text)
	}
	var nilRecord *queryRecord
	nilRecord.record("RETURN 1", nil, false)
	if nilRecord.snapshot() != nil {
		t.Error("a nil record recorded a query")
	}
}

func TestQueryRecordKeepsShapesNotValues(t *testing.T) {
	r := newQueryRecord(maxRecordedQueries)
	const text = "MATCH (n:Node) WHERE n.id IN $ids AND n.title = $title SET n += $props RETURN n LIMIT $limit"
	secret := map[string]any{
		"ids":   []string{"secret-id-1", "secret-id-2"},
		"title": "Secret title é",
		"props": map[string]any{"title": "secret"},
		"limit": 10,
		"score": 0.5,
		"flag":  true,
		"when":  time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		"none":  nil,
		"rows":  []map[string]any{{"id": "secret-row"}},
	}
	r.record(text, secret, true)
	// Another length of a list or string is another shape (Neo4j caches
	// plans by parameter lengths); the access mode is part of it too.
	r.record(text, map[string]any{"ids": []string{"x"}}, true)
	r.record(text, map[string]any{"ids": []string{"x"}}, false)
	r.record(text, map[string]any{"ids": []string{"y"}}, false)
	got := r.snapshot()
	if len(got) != 3 {
		t.Fatalf("%d queries recorded, want 3 (two shapes, two access modes)", len(got))
	}
	q := got[2]
	if !q.write || q.text != text {
		t.Fatalf("first recorded: %+v", q)
	}
	if dump := fmt.Sprintf("%#v", q); strings.Contains(dump, "secret") || strings.Contains(dump, "Secret") {
		t.Errorf("the record holds a parameter value: %s", dump)
	}
	want := map[string]any{
		"ids":   []any{"", ""},
		"title": "______________",
		"props": map[string]any{},
		"limit": int64(0),
		"score": 0.0,
		"flag":  false,
		"when":  nil,
		"none":  nil,
		"rows":  []any{map[string]any{}},
	}
	if p := q.placeholders(); !reflect.DeepEqual(p, want) {
		t.Errorf("placeholders %#v, want %#v", p, want)
	}
}

// fakeTx is a transaction whose queries return no record, counting them.
type fakeTx struct {
	neo4j.ManagedTransaction
	runs int
}

func (tx *fakeTx) Run(ctx context.Context, cypher string, params map[string]any) (neo4j.ResultWithContext, error) {
	tx.runs++
	return emptyResult{}, nil
}

// emptyResult is a result without records.
type emptyResult struct{ neo4j.ResultWithContext }

func (emptyResult) Collect(ctx context.Context) ([]*neo4j.Record, error) { return nil, nil }

// TestRunRecordsTheQueriesOfStoreCalls checks that Store.run records the
// queries of read and write transactions (storeTx), and no other: the
// researchers' Cypher runs in a transaction of its own (readcypher.go).
func TestRunRecordsTheQueriesOfStoreCalls(t *testing.T) {
	s := &Store{queries: newQueryRecord(maxRecordedQueries)}
	tx := &fakeTx{}
	ctx := t.Context()
	for _, c := range []struct {
		tx    neo4j.ManagedTransaction
		query string
	}{
		{storeTx{tx, false}, "MATCH (n:Node {id: $id}) RETURN n"},
		{storeTx{tx, true}, "MATCH (n:Node {id: $id}) SET n.title = $title"},
		{tx, "MATCH (n) RETURN 'researcher' AS who"},
	} {
		if _, err := s.run(ctx, c.tx, c.query, map[string]any{"id": "x"}); err != nil {
			t.Fatal(err)
		}
	}
	if tx.runs != 3 {
		t.Fatalf("%d queries ran, want 3", tx.runs)
	}
	var got []string
	for _, q := range s.queries.snapshot() {
		got = append(got, fmt.Sprintf("%v %s", q.write, q.text))
	}
	want := []string{"true MATCH (n:Node {id: $id}) SET n.title = $title", "false MATCH (n:Node {id: $id}) RETURN n"}
	if !slices.Equal(got, want) {
		t.Errorf("recorded %q, want %q", got, want)
	}
}

// TestWarmUpOnNeo4j runs the warm-up against the test Neo4j (reads only:
// the database is not locked): a store call's query is recorded and run
// again by the warm-up, a write's is only explained (nothing is created),
// and a researcher's Cypher is never recorded.
func TestWarmUpOnNeo4j(t *testing.T) {
	uri := os.Getenv("EMNKG_TEST_NEO4J_URI")
	if uri == "" {
		if ci, _ := strconv.ParseBool(os.Getenv("CI")); ci {
			t.Fatal("EMNKG_TEST_NEO4J_URI is not set: this test needs a real Neo4j (scripts/neo4j.sh)")
		}
		t.Skip("EMNKG_TEST_NEO4J_URI is not set: this test needs a real Neo4j (scripts/neo4j.sh)")
	}
	ctx := t.Context()
	s, err := Open(ctx, Config{URI: uri, User: os.Getenv("EMNKG_TEST_NEO4J_USER"),
		Password: os.Getenv("EMNKG_TEST_NEO4J_PASSWORD"), Database: os.Getenv("EMNKG_TEST_NEO4J_DATABASE"),
		WarmupTime: DefaultWarmupTime})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	if _, err := s.Stats(ctx); err != nil {
		t.Fatal(err)
	}
	const researcher = "RETURN 'only-a-researcher-wrote-this' AS marker"
	if _, err := s.RunReadCypher(ctx, emnkg.CypherQuery{Query: researcher, Timeout: 5 * time.Second, MaxRows: 10}); err != nil {
		t.Fatal(err)
	}
	const create = "CREATE (n:WarmUpProbe {id: $id}) RETURN n.id"
	s.queries.record(create, map[string]any{"id": "warm-up-probe"}, true)
	recorded := s.queries.snapshot()
	for _, q := range recorded {
		if strings.Contains(q.text, "only-a-researcher-wrote-this") {
			t.Errorf("a researcher's Cypher was recorded: %q", q.text)
		}
	}
	if len(recorded) < 2 {
		t.Fatalf("%d queries recorded, want Stats' and the write", len(recorded))
	}

	var mu sync.Mutex
	var warmed []string
	s.queryHook = func(cypher string, _ map[string]any) {
		mu.Lock()
		defer mu.Unlock()
		warmed = append(warmed, cypher)
	}
	s.warmUp(ctx)
	s.queryHook = nil
	var want []string
	for _, q := range recorded {
		if q.write {
			want = append(want, "EXPLAIN "+q.text)
		} else {
			want = append(want, q.text)
		}
	}
	slices.Sort(warmed)
	slices.Sort(want)
	if !slices.Equal(warmed, want) {
		t.Errorf("the warm-up ran %q, want %q", warmed, want)
	}
	res, err := neo4j.ExecuteQuery(ctx, s.driver, "MATCH (n:WarmUpProbe) RETURN count(n) AS c", nil,
		neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(s.db))
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := res.Records[0].Get("c"); c != int64(0) {
		t.Errorf("%v nodes created by the warm-up's EXPLAIN, want none", c)
	}
}
