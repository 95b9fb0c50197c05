package neo4j_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/emnkg/emnkg/internal/neo4j"
	"github.com/emnkg/emnkg/internal/neo4jtest"
	"github.com/emnkg/emnkg/internal/storetest"
)

// schemaNames returns the names of the constraints and indexes.
func schemaNames(t *testing.T) []string {
	t.Helper()
	var names []string
	for _, q := range []string{"SHOW CONSTRAINTS YIELD name RETURN name", "SHOW INDEXES YIELD name RETURN name"} {
		for _, r := range neo4jtest.Exec(t, q, nil).Records {
			names = append(names, r.Values[0].(string))
		}
	}
	slices.Sort(names)
	return names
}

// searchConfig returns the index configuration of the search index.
func searchConfig(t *testing.T) map[string]any {
	t.Helper()
	recs := neo4jtest.Exec(t, "SHOW INDEXES YIELD name, options WHERE name = 'node_search' RETURN options", nil).Records
	if len(recs) != 1 {
		t.Fatalf("%d search indexes", len(recs))
	}
	return recs[0].Values[0].(map[string]any)["indexConfig"].(map[string]any)
}

// searchIDs returns the IDs, sorted, of the search candidates for tokens.
func searchIDs(t *testing.T, s *neo4j.Store, tokens ...string) []string {
	t.Helper()
	set, err := s.SearchCandidates(t.Context(), emnkg.SearchCandidatesQuery{Tokens: tokens, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	got := ids(set.Nodes)
	slices.Sort(got)
	return got
}

func TestMigrateIdempotent(t *testing.T) {
	s := neo4jtest.NewStore(t)
	want := schemaNames(t)
	for _, name := range []string{"node_id", "node_search", "audit_seq", "audit_time", "audit_actor", "audit_target",
		"audit_from", "audit_to", "audit_counter_id", "apikey_id", "apikey_hash", "rel_HOSTED_BY_id", "node_Document_title",
		"facet_count_key", "facet_count_pair", "facet_count_state_name"} {
		if !slices.Contains(want, name) {
			t.Errorf("no %s among %q", name, want)
		}
	}
	for range 2 {
		if err := s.Migrate(t.Context()); err != nil {
			t.Fatal(err)
		}
		if got := schemaNames(t); !slices.Equal(got, want) {
			t.Errorf("after Migrate again: %q, want %q", got, want)
		}
	}
	// Updated when a transaction commits, so that search sees writes at
	// once; words split at white space only.
	if c := searchConfig(t); c["fulltext.eventually_consistent"] != false || c["fulltext.analyzer"] != "whitespace" {
		t.Errorf("search index config %v", c)
	}
}

func TestMigrateRepairsSearch(t *testing.T) {
	s := neo4jtest.NewStore(t)
	mustImport(t, s, testGraph())
	// A search index configured otherwise is created anew.
	neo4jtest.Exec(t, "DROP INDEX node_search", nil)
	neo4jtest.Exec(t, "CREATE FULLTEXT INDEX node_search FOR (n:Node) ON EACH [n._search] "+
		"OPTIONS {indexConfig: {`fulltext.analyzer`: 'english', `fulltext.eventually_consistent`: true}}", nil)
	// Nodes written before the store kept search words get theirs; nodes
	// that kept them in one property, as the store did before it split
	// them by weight, get them split, and lose the old property.
	// Nodes that kept the words split but not the number of top words get
	// that number.
	neo4jtest.Exec(t, "MATCH (n:Node {id: 't-org-b'}) REMOVE n._search_top, n._search_mid, n._search_low, n._search_top_length", nil)
	neo4jtest.Exec(t, "CREATE (:Node:Network {id: 't-net-old', _version: 1, name: 'Old Networks'})", nil)
	neo4jtest.Exec(t, "MATCH (n:Node {id: 't-net'}) REMOVE n._search_top, n._search_mid, n._search_low, n._search_top_length "+
		"SET n._search = 'words of an older version'", nil)
	neo4jtest.Exec(t, "MATCH (n:Node {id: 't-org-a'}) REMOVE n._search_top_length", nil)
	if err := s.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	if c := searchConfig(t); c["fulltext.eventually_consistent"] != false || c["fulltext.analyzer"] != "whitespace" {
		t.Errorf("search index config %v", c)
	}
	if got := searchIDs(t, s, "bet"); !slices.Equal(got, []string{"t-org-b"}) {
		t.Errorf("bet: %q", got)
	}
	// "networks" would be stemmed by the English analyzer.
	if got := searchIDs(t, s, "networks"); !slices.Equal(got, []string{"t-net-old"}) {
		t.Errorf("networks: %q", got)
	}
	if got := searchIDs(t, s, "net"); !slices.Equal(got, []string{"t-net", "t-net-old"}) {
		t.Errorf("net: %q", got)
	}
	if got := searchIDs(t, s, "older"); len(got) != 0 {
		t.Errorf("older: %q", got)
	}
	if n := neo4jtest.Exec(t, "MATCH (n:Node) WHERE n._search IS NOT NULL OR n._search_low IS NULL OR "+
		"n._search_top_length <> CASE n._search_top WHEN '' THEN 0 ELSE size(split(n._search_top, ' ')) END "+
		"OR n._search_top_length IS NULL RETURN count(n)", nil).Records[0].Values[0].(int64); n != 0 {
		t.Errorf("%d nodes keep the old search words or lack the new ones", n)
	}
}

// TestMigrateCountsFacets opens nodes stored without kept facet counts, or
// with counts made for other counted keys: Migrate counts them anew, once.
func TestMigrateCountsFacets(t *testing.T) {
	s := neo4jtest.NewStore(t)
	r := rand.New(rand.NewPCG(3, 5))
	g := &emnkg.Graph{}
	for i := range 40 {
		k := []emnkg.Kind{emnkg.KindDocument, emnkg.KindNationalContactPoint}[i%2]
		g.Nodes = append(g.Nodes, &emnkg.Node{ID: fmt.Sprintf("syn-m-%02d", i), Kind: k, Props: storetest.FacetCountProps(r, k)})
	}
	mustImport(t, s, g)
	storetest.CheckFacetCounts(t, s, "after the import")
	counts := func() int64 {
		t.Helper()
		return neo4jtest.Exec(t, "MATCH (c:FacetCount) RETURN count(c)", nil).Records[0].Values[0].(int64)
	}
	made := counts()
	for _, tc := range []struct{ name, cypher string }{
		{"no counts", "MATCH (c:FacetCount|FacetCountState) DELETE c"},
		{"counts of other keys", "MATCH (c:FacetCount) WITH c LIMIT 3 SET c.n = c.n + 1 WITH count(*) AS changed " +
			"MATCH (m:FacetCountState) SET m.pairs = 'Document/kind/'"},
	} {
		neo4jtest.Exec(t, tc.cypher, nil)
		if err := s.Migrate(t.Context()); err != nil {
			t.Fatal(err)
		}
		if got := counts(); got != made {
			t.Errorf("%s: %d counts after Migrate, want %d", tc.name, got, made)
		}
		storetest.CheckFacetCounts(t, s, "after Migrate from "+tc.name)
	}
	// Counts made for these keys are left alone: a wrong count stays.
	neo4jtest.Exec(t, "MATCH (c:FacetCount) WITH c LIMIT 1 SET c.n = c.n + 100", nil)
	if err := s.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := neo4jtest.Exec(t, "MATCH (c:FacetCount) WHERE c.n > 100 RETURN count(c)", nil).Records[0].Values[0].(int64); got != 1 {
		t.Errorf("Migrate counted again counts made for its keys (%d changed counts left)", got)
	}
}
