package neo4j

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// TestCheckCypherText checks the first gate of RunReadCypher, which needs
// no database.
func TestCheckCypherText(t *testing.T) {
	tests := []struct {
		query string
		code  string // "" for allowed
	}{
		{"MATCH (n:Country) RETURN n", ""},
		{"MATCH (n) WHERE n.name = 'LOAD CSV' RETURN n", ""},
		{`MATCH (n) WHERE n.name = "CALL dbms.components()" RETURN n // USE system`, ""},
		{"MATCH (n) /* LOAD CSV FROM x */ RETURN n", ""},
		{"MATCH (n) RETURN n.transactions, n.use, {load: 1, csv: 2}", ""},
		{"MATCH (n:`LOAD` {`TRANSACTIONS`: 1}) RETURN n", ""},
		{"WITH 1 AS use RETURN use", ""},
		{"CALL db.labels() YIELD label RETURN label", ""},
		{"call db.index.fulltext.queryNodes('node_search', 'asyl*') YIELD node RETURN node", ""},
		{"CALL `db`.`labels`()", ""},
		{"MATCH (n) CALL { WITH n RETURN n.id AS x } RETURN x", ""},
		{"MATCH (n) CALL (n) { RETURN n.id AS x } RETURN x", ""},
		{"UNWIND range(1, 3) AS x RETURN x", ""},
		{"", emnkg.EINVALID},
		{"  // only a comment", emnkg.EINVALID},
		{"EXPLAIN MATCH (n) RETURN n", emnkg.EINVALID},
		{"profile MATCH (n) RETURN n", emnkg.EINVALID},
		{"CYPHER runtime=slotted MATCH (n) RETURN n", emnkg.EINVALID},
		{"LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l", emnkg.EFORBIDDEN},
		{"load  csv WITH HEADERS FROM 'http://127.0.0.1/' AS l RETURN l", emnkg.EFORBIDDEN},
		{"MATCH (n) /* x */ LOAD /* y */ CSV FROM 'x' AS l RETURN l", emnkg.EFORBIDDEN},
		{"CALL { MATCH (n) RETURN n } IN TRANSACTIONS RETURN 1", emnkg.EFORBIDDEN},
		{"CALL () { MATCH (n) RETURN n } IN 2 CONCURRENT TRANSACTIONS OF 10 ROWS RETURN 1", emnkg.EFORBIDDEN},
		{"SHOW TRANSACTIONS", emnkg.EFORBIDDEN},
		{"TERMINATE TRANSACTIONS 'neo4j-transaction-1'", emnkg.EFORBIDDEN},
		{"SHOW INDEXES", emnkg.EFORBIDDEN},
		{"show users", emnkg.EFORBIDDEN},
		{"CREATE (n:X)", emnkg.EFORBIDDEN},
		{"DROP INDEX node_search", emnkg.EFORBIDDEN},
		{"GRANT ROLE admin TO neo4j", emnkg.EFORBIDDEN},
		{"USE system MATCH (n) RETURN n", emnkg.EFORBIDDEN},
		{"MATCH (n) CALL { USE neo4j MATCH (m) RETURN m } RETURN n", emnkg.EFORBIDDEN},
		{"CALL dbms.components()", emnkg.EFORBIDDEN},
		{"CALL db.createLabel('X')", emnkg.EFORBIDDEN},
		{"CALL db.clearQueryCaches()", emnkg.EFORBIDDEN},
		{"CALL `dbms`.`killQuery`('x')", emnkg.EFORBIDDEN},
		{"MATCH (n) CALL tx.setMetaData({a: 1}) RETURN n", emnkg.EFORBIDDEN},
		{"CALL db.labels.extra()", emnkg.EFORBIDDEN},
	}
	for _, tt := range tests {
		err := checkCypherText(tt.query)
		if got := emnkg.ErrorCode(err); (err == nil) != (tt.code == "") || (err != nil && got != tt.code) {
			t.Errorf("%q: %v, want code %q", tt.query, err, tt.code)
		}
	}
}

func TestCypherParams(t *testing.T) {
	in := map[string]any{"i": json.Number("10"), "f": json.Number("2.5"), "n": 3,
		"l": []any{json.Number("1"), "x"}, "m": map[string]any{"a": json.Number("-7")}, "s": "t", "b": true, "z": nil}
	got, err := cypherParams(in)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"i": int64(10), "f": 2.5, "n": int64(3), "l": []any{int64(1), "x"},
		"m": map[string]any{"a": int64(-7)}, "s": "t", "b": true, "z": nil}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v, want %#v", got, want)
	}
	if _, err := cypherParams(map[string]any{"x": json.Number("1e999")}); emnkg.ErrorCode(err) != emnkg.EINVALID {
		t.Errorf("out-of-range number: %v", err)
	}
}

func TestLuceneQuery(t *testing.T) {
	long := ""
	for range 150 {
		long += "ä"
	}
	tests := []struct {
		tokens []string
		want   string
	}{
		{[]string{"ruck"}, "+(f:ruck*)"},
		{[]string{"a", "32007"}, "+(f:a*) +(f:32007*)"},
		{[]string{"and"}, "+(f:and*)"},
		{[]string{`a+b`, "c*"}, `+(f:a\+b*) +(f:c\**)`},
		{[]string{long}, "+(f:" + long[:2*maxPrefixRunes] + "*)"},
	}
	for _, tt := range tests {
		if got := luceneQuery(tt.tokens, []string{"f"}); got != tt.want {
			t.Errorf("%q: got %q, want %q", tt.tokens, got, tt.want)
		}
	}
	if got, want := luceneQuery([]string{"a", "b"}, []string{"f", "g"}), "+(f:a* g:a*) +(f:b* g:b*)"; got != want {
		t.Errorf("two fields: got %q, want %q", got, want)
	}
	words := []struct {
		tokens []string
		want   string
		ok     bool
	}{
		{[]string{"ruck"}, "+f:ruck", true},
		{[]string{"a", "32007"}, "+f:a +f:32007", true},
		{[]string{`a+b`, "c*"}, `+f:a\+b +f:c\*`, true},
		{[]string{"a", long}, "", false},
	}
	for _, tt := range words {
		if got, ok := luceneWordsQuery(tt.tokens, "f"); got != tt.want || ok != tt.ok {
			t.Errorf("words %q: got %q %v, want %q %v", tt.tokens, got, ok, tt.want, tt.ok)
		}
	}
	// The second tier leaves the first out; a long token makes both
	// tiers compute their tier.
	groups := searchTierGroups([]string{"a"})
	if len(groups) != 4 || !groups[0].words || groups[1].words || groups[1].query != "+(_search_top:a*) -(+_search_top:a)" {
		t.Errorf("groups %+v", groups)
	}
	for _, g := range searchTierGroups([]string{long}) {
		if g.words {
			t.Errorf("a long token's tier %d asked as words", g.tier)
		}
	}
}
