package graph_test

import (
	"context"
	"fmt"
	"maps"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/client"

	"github.com/emnkg/emnkg/graph"
	"github.com/emnkg/emnkg/internal/auth"
	"github.com/emnkg/emnkg/internal/emnkg"
)

func TestExploreQueries(t *testing.T) { forEachStore(t, testExploreQueries) }

func testExploreQueries(t *testing.T, open func(tb testing.TB) emnkg.Store) {
	c := newClient(t, seededStoreOn(t, open))
	tests := []struct {
		name  string
		query string
		vars  map[string]any
		check func(tb testing.TB, data map[string]any)
	}{
		{"search finds return through its French and German labels",
			`{ fr: search(query: "retour") { totalCount edges { node { id } field language snippet } }
			   de: search(query: "RÜCKKEHR", kinds: [GLOSSARY_TERM], languages: ["de"]) { edges { node { id } field snippet } } }`, nil,
			func(tb testing.TB, data map[string]any) {
				if len(path(tb, data, "fr.edges").([]any)) == 0 {
					tb.Fatalf("no hits for retour")
				}
				var frIDs, deIDs []string
				for _, e := range path(tb, data, "fr.edges").([]any) {
					frIDs = append(frIDs, path(tb, e, "node.id").(string))
				}
				for _, e := range path(tb, data, "de.edges").([]any) {
					deIDs = append(deIDs, path(tb, e, "node.id").(string))
				}
				if frIDs[0] != "return" || len(deIDs) == 0 || deIDs[0] != "return" {
					tb.Errorf("fr hits %v, de hits %v; want return first", frIDs, deIDs)
				}
				if got := path(tb, data, "de.edges.0.field"); got != "prefLabel_de" {
					tb.Errorf("matched field %v, want prefLabel_de", got)
				}
				if got := path(tb, data, "de.edges.0.snippet").(string); !strings.Contains(got, "<mark>Rückkehr</mark>") {
					tb.Errorf("snippet %q lacks the highlighted word", got)
				}
			}},
		{"neighbourhood of Norway's NCP",
			`{ neighbourhood(ids: ["ncp-NO"], depth: 2, limit: 40) { truncated nodes { id } edges { id type source target } } }`, nil,
			func(tb testing.TB, data map[string]any) {
				got := strings.Join(ids(tb, path(tb, data, "neighbourhood.nodes")), ",")
				for _, want := range []string{"ncp-NO", "NO", "org-udi"} {
					if !strings.Contains(","+got+",", ","+want+",") {
						tb.Errorf("neighbourhood %s lacks %s", got, want)
					}
				}
				if !strings.HasPrefix(got, "ncp-NO,") {
					tb.Errorf("start node not first: %s", got)
				}
				if len(path(tb, data, "neighbourhood.edges").([]any)) == 0 {
					tb.Errorf("no edges")
				}
			}},
		{"subgraph among given nodes",
			`{ subgraph(ids: ["NO", "ncp-NO", "nope"]) { nodes { id } edges { type source target } } }`, nil,
			func(tb testing.TB, data map[string]any) {
				if got := strings.Join(ids(tb, path(tb, data, "subgraph.nodes")), ","); got != "NO,ncp-NO" {
					tb.Errorf("nodes %s", got)
				}
				found := false
				for _, e := range path(tb, data, "subgraph.edges").([]any) {
					m := e.(map[string]any)
					if m["type"] == "REPRESENTS" && m["source"] == "ncp-NO" && m["target"] == "NO" {
						found = true
					}
				}
				if !found {
					tb.Errorf("REPRESENTS edge missing: %v", path(tb, data, "subgraph.edges"))
				}
			}},
		{"shortest path from Norway's NCP to ERIN",
			`{ p: shortestPath(from: "ncp-NO", to: "net-erin") { length nodes { id } edges { type source target } }
			   all: allShortestPaths(from: "ncp-NO", to: "net-erin") { length nodes { id } }
			   none: shortestPath(from: "ncp-NO", to: "net-erin", relationshipTypes: [BROADER]) { length }
			   noneAll: allShortestPaths(from: "ncp-NO", to: "nope") { length } }`, nil,
			func(tb testing.TB, data map[string]any) {
				nodes := ids(tb, path(tb, data, "p.nodes"))
				if nodes[0] != "ncp-NO" || nodes[len(nodes)-1] != "net-erin" {
					tb.Errorf("path %v", nodes)
				}
				length := path(tb, data, "p.length").(float64)
				if int(length) != len(nodes)-1 {
					tb.Errorf("length %v for %d nodes", length, len(nodes))
				}
				all := path(tb, data, "all").([]any)
				if len(all) == 0 {
					tb.Fatalf("no shortest paths")
				}
				for _, p := range all {
					if path(tb, p, "length").(float64) != length {
						tb.Errorf("paths of different lengths")
					}
				}
				if path(tb, data, "none") != nil || len(path(tb, data, "noneAll").([]any)) != 0 {
					tb.Errorf("no path must be an empty answer: %v %v", path(tb, data, "none"), path(tb, data, "noneAll"))
				}
			}},
		{"pattern: NCPs hosted by national offices of international organisations",
			`{ match(pattern: {start: {kind: COUNTRY}, steps: [
				{relationship: {types: [REPRESENTS], direction: IN}, node: {kind: NATIONAL_CONTACT_POINT}},
				{relationship: {types: [HOSTED_BY]}, node: {kind: ORGANISATION, where: [{property: "kind", op: EQ, value: "international-organisation-office"}]}}]}, first: 50) {
				totalCount edges { node { nodes { id } relationships { type } } } } }`, nil,
			func(tb testing.TB, data map[string]any) {
				var countries []string
				for _, e := range path(tb, data, "match.edges").([]any) {
					countries = append(countries, path(tb, e, "node.nodes.0.id").(string))
				}
				got := strings.Join(countries, ",")
				for _, want := range []string{"AT", "LT", "SK", "HR"} {
					if !strings.Contains(got, want) {
						tb.Errorf("countries %s lack %s", got, want)
					}
				}
			}},
		{"pattern: terms a document uses and the other documents using them",
			`query($doc: ID!) { match(pattern: {start: {kind: DOCUMENT, ids: [$doc]}, steps: [
				{relationship: {types: [USES_TERM]}, node: {kind: GLOSSARY_TERM}},
				{relationship: {types: [USES_TERM], direction: IN}, node: {kind: DOCUMENT}}]}) {
				totalCount edges { node { nodes { id } } } } }`, map[string]any{"doc": "pub-return-2017"},
			func(tb testing.TB, data map[string]any) {
				if path(tb, data, "match.totalCount").(float64) < 0 {
					tb.Errorf("bad total")
				}
			}},
		{"facets for dashboards",
			`{ byStatus: facets(kind: COUNTRY, groupBy: [{property: "emnStatus"}]) { values count }
			   hostKinds: facets(kind: NATIONAL_CONTACT_POINT, groupBy: [{property: "kind", via: {type: HOSTED_BY, kind: ORGANISATION}}]) { values count }
			   docs: facets(kind: DOCUMENT, where: [{property: "year", op: GTE, value: 2014}], groupBy: [{property: "kind"}, {property: "year"}], limit: 5) { values count }
			   top: degreeRanking(first: 3) { node { id } degree }
			   coverage: languageCoverage { language count } }`, nil,
			func(tb testing.TB, data map[string]any) {
				counts := map[string]float64{}
				for _, b := range path(tb, data, "byStatus").([]any) {
					v, _ := path(tb, b, "values.0").(string)
					counts[v] = path(tb, b, "count").(float64)
				}
				if counts["member"] != 26 || counts["none"] < 1 {
					tb.Errorf("countries by status %v", counts)
				}
				if len(path(tb, data, "hostKinds").([]any)) < 3 {
					tb.Errorf("host kinds %v", path(tb, data, "hostKinds"))
				}
				if len(path(tb, data, "docs").([]any)) != 5 {
					tb.Errorf("doc facets %v", path(tb, data, "docs"))
				}
				if path(tb, data, "top.0.degree").(float64) < path(tb, data, "top.1.degree").(float64) {
					tb.Errorf("ranking not descending")
				}
				cov := map[string]float64{}
				for _, b := range path(tb, data, "coverage").([]any) {
					cov[path(tb, b, "language").(string)] = path(tb, b, "count").(float64)
				}
				if cov["en"] != 27 || cov["de"] == 0 {
					tb.Errorf("coverage %v", cov)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var opts []client.Option
			for k, v := range tt.vars {
				opts = append(opts, client.Var(k, v))
			}
			data, errs := query(t, c, tt.query, opts...)
			if len(errs) > 0 {
				t.Fatalf("errors: %+v", errs)
			}
			tt.check(t, data)
		})
	}
}

func TestExploreRejectsHostileArguments(t *testing.T) {
	forEachStore(t, testExploreRejectsHostileArguments)
}

func testExploreRejectsHostileArguments(t *testing.T, open func(tb testing.TB) emnkg.Store) {
	c := newClient(t, seededStoreOn(t, open))
	tests := []struct{ name, query, code string }{
		{"deep neighbourhood", `{ neighbourhood(ids: ["NO"], depth: 100) { truncated } }`, "BAD_USER_INPUT"},
		{"huge neighbourhood", `{ neighbourhood(ids: ["NO"], limit: 1000000) { truncated } }`, "BAD_USER_INPUT"},
		{"deep path", `{ shortestPath(from: "NO", to: "DK", maxDepth: 99) { length } }`, "BAD_USER_INPUT"},
		{"empty search", `{ search(query: "  ** ") { totalCount } }`, "BAD_USER_INPUT"},
		{"long pattern", `{ match(pattern: {start: {}, steps: [` + strings.Repeat(`{relationship: {}, node: {}},`, 9) + `]}) { totalCount } }`, "BAD_USER_INPUT"},
		{"many hops", `{ match(pattern: {start: {}, steps: [{relationship: {minHops: 1, maxHops: 50}, node: {}}]}) { totalCount } }`, "BAD_USER_INPUT"},
		{"unknown property", `{ facets(kind: COUNTRY, groupBy: [{property: "x') RETURN 1 //"}]) { count } }`, "BAD_USER_INPUT"},
		{"injection in a predicate", `{ match(pattern: {start: {kind: COUNTRY, where: [{property: "name", op: EQ, value: "x' OR 1=1 --"}]}, steps: [{relationship: {}, node: {}}]}) { totalCount } }`, ""},
		{"cypher on the embedded store", `{ cypher(query: "MATCH (n) RETURN n") { columns } }`, "FORBIDDEN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, errs := query(t, c, tt.query)
			if tt.code == "" {
				if len(errs) > 0 {
					t.Fatalf("errors: %v", errs)
				}
				if got := path(t, data, "match.totalCount").(float64); got != 0 {
					t.Errorf("injection matched %v rows", got)
				}
				return
			}
			if len(errs) == 0 {
				t.Fatalf("no error")
			}
			if got := errs[0].Extensions["code"]; got != tt.code {
				t.Errorf("code %v (%s), want %s", got, errs[0].Message, tt.code)
			}
		})
	}
}

// TestCypherForResearchers runs read-only Cypher on Neo4j as a researcher:
// reads answer with the API's own types, writes are refused before they
// reach the database, anonymous callers are refused.
func TestCypherForResearchers(t *testing.T) {
	open := storeKinds[1].open
	store := seededStoreOn(t, open)
	ctx := context.Background()
	ed := store.(emnkg.Editor)
	secret, key, err := auth.NewAPIKey("researcher", emnkg.RoleResearcher, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := ed.CreateAPIKey(ctx, key); err != nil {
		t.Fatal(err)
	}
	authn, err := auth.New(ctx, auth.Config{}, ed, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := graph.NewResolver(store, nil)
	r.CypherEnabled = true
	srv := httptest.NewServer(graph.NewHandler(r, graph.HandlerOptions{Authenticator: authn}))
	t.Cleanup(srv.Close)
	const read = `query($p: JSON) { cypher(query: "MATCH (c:Country {id: $id})<-[r:REPRESENTS]-(n) RETURN c, r, n.id AS ncp, count(*) AS k", parameters: $p) {
		columns rows { values { json node { id displayName } relationship { type source target } } } truncated } }`
	data, errs := httpQuery(t, srv.URL, secret, read, map[string]any{"p": map[string]any{"id": "NO"}})
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	if got := path(t, data, "cypher.rows.0.values.0.node.displayName"); got != "Norway" {
		t.Errorf("node value %v", got)
	}
	if got := path(t, data, "cypher.rows.0.values.1.relationship.type"); got != "REPRESENTS" {
		t.Errorf("relationship value %v", got)
	}
	if got := path(t, data, "cypher.rows.0.values.2.json"); got != "ncp-NO" {
		t.Errorf("plain value %v", got)
	}
	before, _ := store.Stats(ctx)
	for _, q := range []string{
		`CREATE (n:Node {id: 'x'}) RETURN n`,
		`MATCH (n:Country {id: 'NO'}) SET n.name = 'x' RETURN n`,
		`MATCH (n) DETACH DELETE n`,
		`LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l`,
	} {
		_, errs := httpQuery(t, srv.URL, secret, `query($q: String!) { cypher(query: $q) { columns } }`, map[string]any{"q": q})
		if len(errs) == 0 {
			t.Errorf("%s: accepted", q)
		}
	}
	after, _ := store.Stats(ctx)
	if before.NodesByKind[emnkg.KindCountry] != after.NodesByKind[emnkg.KindCountry] || after.NodesByKind[emnkg.KindCountry] == 0 {
		t.Errorf("data changed")
	}
	if _, errs := httpQuery(t, srv.URL, "", `{ cypher(query: "RETURN 1") { columns } }`, nil); len(errs) == 0 || errs[0].Extensions["code"] != "UNAUTHENTICATED" {
		t.Errorf("anonymous: %v", errs)
	}
}

func TestSearchRanksTitlesFirstWhenTruncated(t *testing.T) {
	forEachStore(t, testSearchRanksTitlesFirstWhenTruncated)
}

// testSearchRanksTitlesFirstWhenTruncated searches a word that more nodes
// hold than search ranks: the nodes titled with it come first in ID order
// last, and must still be the first hits.
func testSearchRanksTitlesFirstWhenTruncated(t *testing.T, open func(tb testing.TB) emnkg.Store) {
	// Documents that only mention the word in their abstract, before (in ID
	// order) a few titled with it.
	c := newClient(t, importBehindFiller(t, open(t), emnkg.KindDocument,
		map[string]any{"title": "Synthetic filler", "abstract": "Mentions quokka once."},
		map[string]any{"title": "Quokka study"}))
	checkSearches(t, c, []searchCase{
		{`query: "quokka"`, true, emnkg.MaxSearchLimit, "syn-z-0"},
		{`query: "quokka study"`, false, 3, "syn-z-0"},
		{`query: "filler mentions"`, true, emnkg.MaxSearchLimit, "syn-a-0000"},
	})
	data, _ := query(t, c, `{ search(query: "quokka", first: 4) { edges { node { id } field } } }`)
	var got []string
	for _, e := range path(t, data, "search.edges").([]any) {
		got = append(got, path(t, e, "node.id").(string)+" "+path(t, e, "field").(string))
	}
	if want := []string{"syn-z-0 title", "syn-z-1 title", "syn-z-2 title", "syn-a-0000 abstract"}; !slices.Equal(got, want) {
		t.Errorf("hits %q, want %q", got, want)
	}
}

func TestSearchLanguagesBeyondTheRanked(t *testing.T) {
	forEachStore(t, testSearchLanguagesBeyondTheRanked)
}

// testSearchLanguagesBeyondTheRanked searches a word that more terms hold
// in English than search ranks, and a few, last in search order, in
// French: asked in French, search must still find those few.
func testSearchLanguagesBeyondTheRanked(t *testing.T, open func(tb testing.TB) emnkg.Store) {
	c := newClient(t, importBehindFiller(t, open(t), emnkg.KindGlossaryTerm,
		map[string]any{"prefLabel_en": "Quokka"},
		map[string]any{"prefLabel_en": "Short-tailed scrub wallaby", "prefLabel_fr": "Quokka"}))
	checkSearches(t, c, []searchCase{
		{`query: "quokka", languages: ["fr"]`, false, 3, "syn-z-0"},
		{`query: "quokka", languages: ["de", "fr"]`, false, 3, "syn-z-0"},
		{`query: "quokka", languages: ["en"]`, true, emnkg.MaxSearchLimit, "syn-a-0000"},
		{`query: "quokka", languages: ["nl"]`, false, 0, ""},
	})
}

// importBehindFiller imports into s, as synthetic test data, more nodes of
// a kind with the filler properties than search ranks (syn-a-0000 on),
// then three with the special ones (syn-z-0 to 2), and returns s.
func importBehindFiller(tb testing.TB, s emnkg.Store, kind emnkg.Kind, filler, special map[string]any) emnkg.Store {
	tb.Helper()
	g := &emnkg.Graph{}
	add := func(id string, props map[string]any) {
		props = maps.Clone(props)
		props["synthetic"] = true
		g.Nodes = append(g.Nodes, &emnkg.Node{ID: id, Kind: kind, Props: props})
	}
	for i := range emnkg.MaxSearchLimit + 20 {
		add(fmt.Sprintf("syn-a-%04d", i), filler)
	}
	for i := range 3 {
		add(fmt.Sprintf("syn-z-%d", i), special)
	}
	if _, err := s.ImportGraph(tb.Context(), g); err != nil {
		tb.Fatal(err)
	}
	return s
}

// searchCase is a search (its arguments) and what its answer must say:
// whether it was truncated, its totalCount and its first hit ("" for none).
type searchCase struct {
	args      string
	truncated bool
	total     int
	first     string
}

// checkSearches runs the searches and checks their answers.
func checkSearches(tb testing.TB, c *client.Client, cases []searchCase) {
	tb.Helper()
	for _, tc := range cases {
		data, errs := query(tb, c, fmt.Sprintf(`{ search(%s, first: 4) { totalCount truncated edges { node { id } field } } }`, tc.args))
		if len(errs) > 0 {
			tb.Fatalf("%s: %v", tc.args, errs)
		}
		if got := path(tb, data, "search.truncated"); got != tc.truncated {
			tb.Errorf("%s: truncated %v, want %v", tc.args, got, tc.truncated)
		}
		if got := path(tb, data, "search.totalCount"); got != float64(tc.total) {
			tb.Errorf("%s: totalCount %v, want %d", tc.args, got, tc.total)
		}
		if tc.first != "" {
			if got := path(tb, data, "search.edges.0.node.id"); got != tc.first {
				tb.Errorf("%s: first hit %v, want %s", tc.args, got, tc.first)
			}
		}
	}
}
