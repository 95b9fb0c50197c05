package neo4j_test

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/emnkg/emnkg/internal/neo4j"
	"github.com/emnkg/emnkg/internal/neo4jtest"
	"github.com/emnkg/emnkg/internal/storetest"
)

// cypherStore returns a store holding storetest.ExploreFixture.
func cypherStore(t *testing.T) *neo4j.Store {
	t.Helper()
	s := neo4jtest.NewStore(t)
	mustImport(t, s, storetest.ExploreFixture())
	return s
}

func runCypher(t *testing.T, s *neo4j.Store, query string, params map[string]any) *emnkg.CypherResult {
	t.Helper()
	res, err := s.RunReadCypher(t.Context(), emnkg.CypherQuery{Query: query, Parameters: params,
		Timeout: 10 * time.Second, MaxRows: 100})
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return res
}

// dbFingerprint describes everything the database holds, to tell that a
// refused query changed nothing.
func dbFingerprint(t *testing.T) string {
	t.Helper()
	recs := neo4jtest.Exec(t, "MATCH (n) OPTIONAL MATCH (n)-[r]->() "+
		"WITH n, collect(r{.*, type: type(r)}) AS rs ORDER BY elementId(n) "+
		"RETURN collect([labels(n), properties(n), rs])", nil).Records
	b, err := json.Marshal(recs[0].Values[0])
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestRunReadCypherRefusesWrites(t *testing.T) {
	s := cypherStore(t)
	before := dbFingerprint(t)
	queries := []string{
		"CREATE (n:Node:Country {id: 'XX', name: 'Nowhere'})",
		"MATCH (n:Country {id: 'syn-country-at'}) CREATE (n)-[:HOSTED_BY {id: 'x'}]->(n)",
		"MERGE (n:Node:Country {id: 'syn-country-xx'}) RETURN n",
		"MATCH (n:Country) SET n.name = 'hacked' RETURN n",
		"MATCH (n:Country) REMOVE n.name RETURN n",
		"MATCH (n:Country) SET n:Hacked",
		"MATCH (n:Country) DETACH DELETE n",
		"MATCH (n:Country {id: 'syn-country-at'})-[r]-() DELETE r",
		"MATCH (n:Country) FOREACH (x IN [1] | SET n.x = x)",
		"MATCH (n:Country) CALL (n) { SET n.y = 1 } RETURN count(*)",
		"MATCH (n:Country) WITH n CALL { WITH n DELETE n } RETURN 1",
		"match (n) set n.z = 1 return n",
		"MATCH (n:Country) WITH n LIMIT 1 /* read only */ SET n.w = 1",
		"CALL db.createLabel('Hacked')",
		"CALL db.createProperty('hacked')",
		"CALL dbms.components()",
		"CALL dbms.listConfig()",
		"CALL db.clearQueryCaches()",
		"CALL tx.setMetaData({x: 1})",
		"LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line",
		"LOAD CSV WITH HEADERS FROM 'http://127.0.0.1:1/x.csv' AS row CREATE (:Hacked {x: row.x})",
		"CALL { MATCH (n:Country) SET n.t = 1 } IN TRANSACTIONS",
		"CALL () { MATCH (n:Country) RETURN n } IN TRANSACTIONS OF 1 ROW RETURN n",
		"CREATE INDEX hacked FOR (n:Country) ON (n.hacked)",
		"DROP INDEX node_search",
		"DROP CONSTRAINT node_id",
		"SHOW TRANSACTIONS",
		"TERMINATE TRANSACTIONS 'neo4j-transaction-1'",
		"SHOW USERS",
		"USE system SHOW DATABASES",
		"EXPLAIN CREATE (n:X)",
	}
	for _, q := range queries {
		res, err := s.RunReadCypher(t.Context(), emnkg.CypherQuery{Query: q, Timeout: 10 * time.Second, MaxRows: 10})
		code := emnkg.ErrorCode(err)
		if err == nil || (code != emnkg.EFORBIDDEN && code != emnkg.EINVALID) {
			t.Errorf("%s: got %v (%+v), want EFORBIDDEN or EINVALID", q, err, res)
			continue
		}
		if strings.Contains(emnkg.ErrorMessage(err), "Neo4jError") {
			t.Errorf("%s: message %q quotes the driver", q, emnkg.ErrorMessage(err))
		}
	}
	if after := dbFingerprint(t); after != before {
		t.Errorf("refused queries changed the database:\nbefore %s\nafter  %s", before, after)
	}
	// Every write is refused before it runs.
	var ran []string
	neo4j.SetQueryHook(s, func(cypher string) { ran = append(ran, cypher) })
	defer neo4j.SetQueryHook(s, nil)
	for _, q := range queries {
		_, _ = s.RunReadCypher(t.Context(), emnkg.CypherQuery{Query: q, Timeout: 10 * time.Second, MaxRows: 10})
	}
	for _, q := range ran {
		if !strings.HasPrefix(q, "EXPLAIN ") {
			t.Errorf("ran %q", q)
		}
	}
}

func TestRunReadCypherReads(t *testing.T) {
	s := cypherStore(t)
	res := runCypher(t, s, "MATCH (c:Country)<-[r:REPRESENTS]-(n:NationalContactPoint) WHERE c.id IN $ids "+
		"RETURN c, r, n.name AS name, c.euMember ORDER BY c.id", map[string]any{"ids": []any{"syn-country-at", "syn-country-no"}})
	if want := []string{"c", "r", "name", "c.euMember"}; !reflect.DeepEqual(res.Columns, want) {
		t.Errorf("columns %q, want %q", res.Columns, want)
	}
	if len(res.Rows) != 2 || res.Truncated {
		t.Fatalf("rows %v, truncated %v", res.Rows, res.Truncated)
	}
	c, ok := res.Rows[0][0].(*emnkg.Node)
	if !ok || c.ID != "syn-country-at" || c.Kind != emnkg.KindCountry || c.Version != 1 || c.Props["name"] != "Austria" {
		t.Errorf("node: %#v", res.Rows[0][0])
	} else {
		for k := range c.Props {
			if strings.HasPrefix(k, "_") || k == "id" {
				t.Errorf("node has the internal key %s", k)
			}
		}
	}
	r, ok := res.Rows[0][1].(*emnkg.Edge)
	if !ok || r.Type != emnkg.RelRepresents || r.From != "syn-ncp-at" || r.To != "syn-country-at" ||
		r.ID != emnkg.EdgeID("syn-ncp-at", emnkg.RelRepresents, "syn-country-at", "") {
		t.Errorf("relationship: %#v", res.Rows[0][1])
	}
	if _, ok := res.Rows[1][2].(string); !ok {
		t.Errorf("name: %#v", res.Rows[1][2])
	}

	// A relationship alone: its ends are looked up.
	res = runCypher(t, s, "MATCH ()-[r:BROADER]->() RETURN r ORDER BY r.id LIMIT 1", nil)
	if e, ok := res.Rows[0][0].(*emnkg.Edge); !ok || e.From == "" || e.To == "" {
		t.Errorf("relationship alone: %#v", res.Rows[0][0])
	}

	// Paths.
	res = runCypher(t, s, "MATCH p = (:GlossaryTerm {id: 'syn-term-forced'})-[:BROADER*2]->(t) RETURN p", nil)
	p, ok := res.Rows[0][0].(*emnkg.CypherPath)
	if !ok || len(p.Nodes) != 3 || len(p.Edges) != 2 || p.Nodes[0].ID != "syn-term-forced" ||
		p.Nodes[2].ID != "syn-term-migration" || p.Edges[1].From != "syn-term-return" {
		t.Errorf("path: %#v", res.Rows[0][0])
	}

	// Plain values, temporal and spatial ones as text.
	res = runCypher(t, s, "RETURN 1 AS i, 2.5 AS f, 'x' AS s, true AS b, null AS z, [1, 'a'] AS l, {k: [date('2024-02-29')]} AS m, "+
		"date('2024-02-29') AS d, datetime('2024-02-29T10:11:12.123456789Z') AS dt, localdatetime('2024-02-29T10:11:12') AS ldt, "+
		"localtime('10:11:12') AS lt, time('10:11:12+01:00') AS t, duration('P1DT2H') AS du, "+
		"point({x: 1.5, y: 2}) AS pt, 0.0/0.0 AS nan, $n AS n", map[string]any{"n": json.Number("42")})
	want := []any{int64(1), 2.5, "x", true, nil, []any{int64(1), "a"}, map[string]any{"k": []any{"2024-02-29"}},
		"2024-02-29", "2024-02-29T10:11:12.123456789Z", "2024-02-29T10:11:12", "10:11:12", "10:11:12+01:00",
		"P0M1DT7200S", "point({srid: 7203, x: 1.5, y: 2})", "NaN", int64(42)}
	if !reflect.DeepEqual(res.Rows[0], want) {
		t.Errorf("values:\n got  %#v\n want %#v", res.Rows[0], want)
	}

	// Nodes that are not graph nodes are plain maps.
	if err := s.CreateAPIKey(t.Context(), emnkg.APIKey{ID: "syn-key", Role: emnkg.RoleEditor, Hash: "h", CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	res = runCypher(t, s, "MATCH (k:APIKey) RETURN k", nil)
	if m, ok := res.Rows[0][0].(map[string]any); !ok || !reflect.DeepEqual(m["labels"], []any{"APIKey"}) {
		t.Errorf("API key: %#v", res.Rows[0][0])
	}

	// Allowed procedures.
	res = runCypher(t, s, "CALL db.index.fulltext.queryNodes('node_search', 'asyl*') YIELD node RETURN node.id ORDER BY node.id", nil)
	if len(res.Rows) != 3 {
		t.Errorf("full-text procedure: %v", res.Rows)
	}
	runCypher(t, s, "CALL db.labels()", nil)

	// No rows.
	res = runCypher(t, s, "MATCH (n:Fund) RETURN n", nil)
	if len(res.Rows) != 0 || res.Rows == nil || !reflect.DeepEqual(res.Columns, []string{"n"}) {
		t.Errorf("no rows: %#v", res)
	}
}

func TestRunReadCypherLimits(t *testing.T) {
	s := cypherStore(t)
	ctx := t.Context()
	q := emnkg.CypherQuery{Query: "UNWIND range(1, 10) AS x RETURN x", Timeout: 10 * time.Second}
	for _, tt := range []struct {
		maxRows   int
		rows      int
		truncated bool
	}{{3, 3, true}, {9, 9, true}, {10, 10, false}, {1000, 10, false}} {
		q.MaxRows = tt.maxRows
		res, err := s.RunReadCypher(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Rows) != tt.rows || res.Truncated != tt.truncated || res.Rows[len(res.Rows)-1][0] != int64(tt.rows) {
			t.Errorf("MaxRows %d: %d rows, truncated %v", tt.maxRows, len(res.Rows), res.Truncated)
		}
	}
	// A row cap stops reading a huge result early.
	start := time.Now()
	res, err := s.RunReadCypher(ctx, emnkg.CypherQuery{Query: "UNWIND range(1, 100000000) AS x RETURN x",
		Timeout: 10 * time.Second, MaxRows: 5})
	if err != nil || len(res.Rows) != 5 || !res.Truncated {
		t.Errorf("huge result: %v, %+v", err, res)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("huge result took %v", d)
	}

	start = time.Now()
	_, err = s.RunReadCypher(ctx, emnkg.CypherQuery{
		Query:   "UNWIND range(1, 1000000000) AS x WITH x WHERE x % 7 = 123 RETURN count(*)",
		Timeout: 300 * time.Millisecond, MaxRows: 5})
	if emnkg.ErrorCode(err) != emnkg.EINVALID || !strings.Contains(emnkg.ErrorMessage(err), "timeout") {
		t.Errorf("timeout: %v", err)
	}
	if d := time.Since(start); d > 8*time.Second {
		t.Errorf("timeout took %v", d)
	}

	for _, bad := range []emnkg.CypherQuery{
		{Query: "RETURN 1", Timeout: time.Second},
		{Query: "RETURN 1", MaxRows: 1},
		{Query: " ", Timeout: time.Second, MaxRows: 1},
		{Query: "MATCH (n RETURN n", Timeout: time.Second, MaxRows: 1},
		{Query: "RETURN $missing", Timeout: time.Second, MaxRows: 1},
		{Query: "RETURN 1/0", Timeout: time.Second, MaxRows: 1},
		{Query: "CALL db.nope()", Timeout: time.Second, MaxRows: 1},
	} {
		_, err := s.RunReadCypher(ctx, bad)
		if code := emnkg.ErrorCode(err); code != emnkg.EINVALID && code != emnkg.EFORBIDDEN {
			t.Errorf("%q: %v, want a client error", bad.Query, err)
		}
	}
}

// TestPlanOperatorsSeesEveryBranch checks that plans are read whole: the
// driver's Plan.Children repeats the last child (see planTree).
func TestPlanOperatorsSeesEveryBranch(t *testing.T) {
	neo4jtest.Lock(t)
	plan := neo4jtest.Exec(t, "EXPLAIN MATCH (a:Country) WITH a LIMIT 1 CALL db.labels() YIELD label "+
		"MATCH (b:Document) RETURN a, b, label", nil).Summary.Plan()
	ops := neo4j.PlanOperators(plan)
	scans := 0
	for _, op := range ops {
		if op == "NodeByLabelScan" {
			scans++
		}
	}
	if scans != 2 || !slices.Contains(ops, "ProcedureCall") {
		t.Errorf("operators %v", ops)
	}
}
