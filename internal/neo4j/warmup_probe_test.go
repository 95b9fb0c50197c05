package neo4j_test

import (
	"context"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/emnkg/emnkg/internal/neo4j"
	"github.com/emnkg/emnkg/internal/neo4jtest"
	"github.com/emnkg/emnkg/internal/seed"
	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// EnvWarmupProbe turns on TestProbeExplainWarmsThePlanCache.
const EnvWarmupProbe = "EMNKG_TEST_WARMUP_PROBE"

// TestProbeExplainWarmsThePlanCache is an opt-in measurement, not a check
// (it asserts nothing about time): for queries of the store, it logs how
// long Neo4j takes to make the first result of a real run available
// after CALL db.clearQueryCaches() and one warming step: none (cold),
// EXPLAIN without parameters, EXPLAIN or a run with parameters of the
// same types (empty strings and lists, or the same lengths, as the
// warm-up's placeholders), and a real run (hot). docs/reliability.md
// quotes it to say why the warm-up runs read queries and what EXPLAIN
// does. Run it with EMNKG_TEST_WARMUP_PROBE=1 and -v.
func TestProbeExplainWarmsThePlanCache(t *testing.T) {
	if os.Getenv(EnvWarmupProbe) == "" {
		t.Skip("a measurement: set " + EnvWarmupProbe + "=1 to run it")
	}
	s := neo4jtest.NewStore(t)
	ctx := t.Context()
	g, err := seed.Graph()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportGraph(ctx, g); err != nil {
		t.Fatal(err)
	}
	type query struct {
		text   string
		params map[string]any
	}
	var queries []query
	neo4j.SetQueryParamsHook(s, func(cypher string, params map[string]any) {
		queries = append(queries, query{cypher, params})
	})
	if _, err := s.GetNodes(ctx, []string{"net-emn", "ncp-DE"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FindNodes(ctx, emnkg.NodeQuery{Kind: emnkg.Kind("Document"), Limit: 10, WithTotal: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Expand(ctx, emnkg.ExpandQuery{NodeIDs: []string{"net-emn"}, Direction: emnkg.DirectionBoth, Limit: 50}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Stats(ctx); err != nil {
		t.Fatal(err)
	}
	neo4j.SetQueryParamsHook(s, nil)
	queries = append(queries, query{"MATCH (n:Node) WHERE n.id = $id RETURN n.id", map[string]any{"id": "net-emn"}})

	cfg := neo4jtest.Config(t)
	auth := driver.NoAuth()
	if cfg.User != "" {
		auth = driver.BasicAuth(cfg.User, cfg.Password, "")
	}
	drv, err := driver.NewDriverWithContext(cfg.URI, auth)
	if err != nil {
		t.Fatal(err)
	}
	defer drv.Close(context.Background())
	exec := func(text string, params map[string]any) time.Duration {
		t.Helper()
		res, err := driver.ExecuteQuery(ctx, drv, text, params, driver.EagerResultTransformer,
			driver.ExecuteQueryWithDatabase(cfg.Database))
		if err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		return res.Summary.ResultAvailableAfter()
	}
	steps := []struct {
		name string
		warm func(q query)
	}{
		{"cold", func(query) {}},
		{"EXPLAIN without parameters", func(q query) { exec("EXPLAIN "+q.text, nil) }},
		{"EXPLAIN, same types, empty", func(q query) { exec("EXPLAIN "+q.text, probePlaceholders(q.params, false)) }},
		{"EXPLAIN, same types and lengths", func(q query) { exec("EXPLAIN "+q.text, probePlaceholders(q.params, true)) }},
		{"run, same types, empty", func(q query) { exec(q.text, probePlaceholders(q.params, false)) }},
		{"run, same types and lengths", func(q query) { exec(q.text, probePlaceholders(q.params, true)) }},
		{"hot", func(q query) { exec(q.text, q.params) }},
	}
	const rounds = 5
	for _, q := range queries {
		var line []string
		for _, step := range steps {
			var ds []time.Duration
			for range rounds {
				exec("CALL db.clearQueryCaches()", nil)
				step.warm(q)
				ds = append(ds, exec(q.text, q.params))
			}
			slices.Sort(ds)
			line = append(line, step.name+" "+ds[len(ds)/2].String())
		}
		var names []string
		for k := range q.params {
			names = append(names, k)
		}
		sort.Strings(names)
		t.Logf("first result after (median of %d): %s; parameters %v; query %.80s",
			rounds, strings.Join(line, "; "), names, q.text)
	}
}

// probePlaceholders returns parameters of the types of params without
// their values: empty strings and lists, or, with sameLength, strings of
// "_" and lists of the same lengths (as the warm-up's placeholders).
func probePlaceholders(params map[string]any, sameLength bool) map[string]any {
	out := map[string]any{}
	for k, v := range params {
		switch x := v.(type) {
		case string:
			if sameLength {
				out[k] = strings.Repeat("_", utf8.RuneCountInString(x))
			} else {
				out[k] = ""
			}
		case int, int64:
			out[k] = int64(0)
		case []string:
			if sameLength {
				out[k] = make([]string, len(x))
			} else {
				out[k] = []string{}
			}
		case []any:
			if sameLength {
				out[k] = make([]any, len(x))
			} else {
				out[k] = []any{}
			}
		default:
			out[k] = v
		}
	}
	return out
}
