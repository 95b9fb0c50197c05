package sqlite

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// planCase is one query whose plan TestExploreQueryPlans checks.
type planCase struct {
	name  string
	query string
	args  []any
	// check returns a complaint about the plan's steps, or "".
	check func(steps []string) string
}

// explorePlanCases returns the queries of the Explorer and Editor methods
// on the graph of TestExploreQueryPlans.
func explorePlanCases(t *testing.T) []planCase {
	t.Helper()
	doc, term := emnkg.KindDocument, emnkg.KindGlossaryTerm
	ut := []emnkg.RelType{emnkg.RelUsesTerm}
	docs := []string{"syn-doc-000001", "syn-doc-000002"}
	terms := []string{"syn-term-00001", "syn-term-00002"}
	// Too many nodes to merge their lists in Neighbours.
	var manyDocs []string
	for i := range maxMergedArms + 1 {
		manyDocs = append(manyDocs, fmt.Sprintf("syn-doc-%06d", i))
	}
	var cases []planCase
	add := func(name, query string, args []any, err error, check func([]string) string) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		cases = append(cases, planCase{name, query, args, check})
	}
	pattern := func(name string, q emnkg.PatternQuery, check func([]string) string) {
		t.Helper()
		ps, err := compilePattern(q)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if ps.ordered != "" {
			// check is of the plan tried first.
			add(name, ps.ordered, ps.orderedArgs, nil, check)
			add(name+" flat", ps.rows, ps.args, nil, nil)
		} else {
			add(name, ps.rows, ps.args, nil, check)
		}
		add(name+" count", ps.count, ps.args, nil, nil)
	}
	for tier, match := range tierMatches([]string{"synthetic", "te"}) {
		sq, sa, err := searchQuery(match, []emnkg.Kind{term}, []string{"syn-t-1", "syn-t-2"}[:min(tier, 2)], 10)
		add(fmt.Sprintf("search tier %d", tier), sq, sa, err,
			requireSteps("SCAN node_search VIRTUAL TABLE INDEX 0:M", "SEARCH m USING INTEGER PRIMARY KEY (rowid=?)"))
	}
	for _, dir := range []emnkg.Direction{emnkg.DirectionOut, emnkg.DirectionIn, emnkg.DirectionBoth} {
		ends := endIndexes(dir)
		for _, q := range []emnkg.ExpandQuery{
			{Direction: dir, Limit: 10},
			{Direction: dir, Types: ut, Limit: 10},
			{Direction: dir, Types: []emnkg.RelType{emnkg.RelUsesTerm, emnkg.RelRejectedTerm}, Limit: 10},
			{Direction: dir, Kinds: []emnkg.Kind{term}, Limit: 10},
			{Direction: dir, Types: ut, Kinds: []emnkg.Kind{term, doc}, Limit: 10},
		} {
			name := fmt.Sprintf("%s types=%d kinds=%d", dir, len(q.Types), len(q.Kinds))
			kinds := 0
			if len(q.Kinds) > 0 {
				kinds = len(ends)
			}
			eq, ea, err := expandQuery(q, docs)
			add("expand "+name, eq, ea, err, indexesOnly(ends, kinds))
			eq, ea, err = expandQuery(q, terms)
			add("expand from terms "+name, eq, ea, err, indexesOnly(ends, kinds))
			nq, na, err := neighboursQuery(q, docs)
			add("neighbours "+name, nq, na, err, merged(len(docs), dir, min(kinds, 1)))
			nq, na, err = neighboursQuery(q, terms)
			add("neighbours from terms "+name, nq, na, err, merged(len(terms), dir, min(kinds, 1)))
			nq, na, err = neighboursQuery(q, manyDocs)
			add("neighbours from many "+name, nq, na, err, indexesOnly(ends, min(kinds, 1)))
		}
	}
	among := append(docs, terms...)
	aq, aa, err := edgesAmongQuery(among, nil)
	add("edges among", aq, aa, err, both(requireSteps("SEARCH x USING COVERING INDEX edges_src_",
		"SEARCH e USING INTEGER PRIMARY KEY (rowid=?)"), forbidSteps("SEARCH y ", "SEARCH x USING COVERING INDEX edges_dst")))
	aq, aa, err = edgesAmongQuery(among, ut)
	add("edges among types", aq, aa, err, both(requireSteps("SEARCH x USING COVERING INDEX edges_src_type_dst (src=? AND type=?)",
		"SEARCH e USING INTEGER PRIMARY KEY (rowid=?)"), forbidSteps("SEARCH y ", "SEARCH x USING COVERING INDEX edges_dst")))
	aq, aa, err = edgesAmongQuery(among, []emnkg.RelType{emnkg.RelUsesTerm, emnkg.RelRejectedTerm})
	add("edges among two types", aq, aa, err, both(requireSteps("SEARCH x USING COVERING INDEX edges_src_type_dst (src=? AND type=?)",
		"SEARCH e USING INTEGER PRIMARY KEY (rowid=?)"), forbidSteps("SEARCH y ", "SEARCH x USING COVERING INDEX edges_dst")))

	year := &emnkg.Filter{Field: "year", Op: emnkg.OpGte, Value: int64(2000)}
	pattern("pattern from the first step", emnkg.PatternQuery{
		NodeSteps: []emnkg.NodeStep{{Kind: doc}, {Kind: term}},
		RelSteps:  []emnkg.RelStep{{Types: ut, Direction: emnkg.DirectionOut}}, Limit: 10},
		orderedPattern(1))
	pattern("pattern of three steps from the first", emnkg.PatternQuery{
		NodeSteps: []emnkg.NodeStep{{Kind: emnkg.KindCountry}, {Kind: emnkg.KindNationalContactPoint}, {Kind: doc}, {Kind: term}},
		RelSteps: []emnkg.RelStep{{Types: []emnkg.RelType{emnkg.RelRepresents}, Direction: emnkg.DirectionIn},
			{Types: []emnkg.RelType{emnkg.RelContributedTo}, Direction: emnkg.DirectionOut},
			{Types: ut, Direction: emnkg.DirectionOut}}, Limit: 10},
		orderedPattern(3))
	pattern("pattern from the first step, both ways, any type", emnkg.PatternQuery{
		NodeSteps: []emnkg.NodeStep{{Kind: doc, Filter: year}, {}, {Kind: term}},
		RelSteps:  []emnkg.RelStep{{Direction: emnkg.DirectionBoth}, {Types: ut, Direction: emnkg.DirectionBoth}}, Limit: 10},
		orderedPattern(2))
	pattern("pattern from a pinned last step", emnkg.PatternQuery{
		NodeSteps: []emnkg.NodeStep{{Kind: doc, Filter: year}, {Kind: term, IDs: terms}},
		RelSteps:  []emnkg.RelStep{{Types: ut, Direction: emnkg.DirectionOut}}, Limit: 10},
		firstSearch("n1"))
	pattern("pattern from a pinned middle step", emnkg.PatternQuery{
		NodeSteps: []emnkg.NodeStep{{Kind: term}, {Kind: doc, IDs: docs[:1]}, {Kind: term}},
		RelSteps: []emnkg.RelStep{{Types: ut, Direction: emnkg.DirectionIn},
			{Types: ut, Direction: emnkg.DirectionOut}}, Limit: 10},
		firstSearch("n1"))
	pattern("pattern both ways, any kind", emnkg.PatternQuery{
		NodeSteps: []emnkg.NodeStep{{IDs: docs}, {}},
		RelSteps:  []emnkg.RelStep{{Direction: emnkg.DirectionBoth}}, Limit: 10},
		requireSteps("MULTI-INDEX OR"))
	pattern("pattern both ways, one type", emnkg.PatternQuery{
		NodeSteps: []emnkg.NodeStep{{IDs: terms}, {Kind: doc}},
		RelSteps:  []emnkg.RelStep{{Types: ut, Direction: emnkg.DirectionBoth}}, Limit: 10},
		requireSteps("MULTI-INDEX OR"))
	pattern("pattern both ways, two types", emnkg.PatternQuery{
		NodeSteps: []emnkg.NodeStep{{IDs: terms}, {Kind: doc}},
		RelSteps: []emnkg.RelStep{{Types: []emnkg.RelType{emnkg.RelUsesTerm, emnkg.RelRejectedTerm},
			Direction: emnkg.DirectionBoth}}, Limit: 10},
		requireSteps("MULTI-INDEX OR"))
	pattern("variable length", emnkg.PatternQuery{
		NodeSteps: []emnkg.NodeStep{{Kind: doc, IDs: docs}, {Kind: term}, {Kind: doc}},
		RelSteps: []emnkg.RelStep{{Types: ut, Direction: emnkg.DirectionOut},
			{Types: ut, Direction: emnkg.DirectionBoth, MinHops: 0, MaxHops: 3}}, Limit: 10, WithTotal: true},
		requireSteps("RECURSIVE STEP", "USE TEMP B-TREE FOR DISTINCT"))
	pattern("variable length out, two types", emnkg.PatternQuery{
		NodeSteps: []emnkg.NodeStep{{Kind: doc, IDs: docs}, {}},
		RelSteps: []emnkg.RelStep{{Types: []emnkg.RelType{emnkg.RelUsesTerm, emnkg.RelRejectedTerm},
			Direction: emnkg.DirectionOut, MinHops: 1, MaxHops: 2}}, Limit: 10},
		requireSteps("RECURSIVE STEP"))

	for _, dir := range []emnkg.Direction{emnkg.DirectionOut, emnkg.DirectionIn, emnkg.DirectionBoth} {
		dq, da, err := degreesQuery(emnkg.DegreeQuery{Direction: dir, Limit: 10})
		var loops func([]string) string
		if dir == emnkg.DirectionBoth {
			// The loops are few: counted from their partial index.
			loops = requireSteps("SCAN e USING INDEX edges_loops")
		}
		add("degrees "+string(dir), dq, da, err, loops)
		dq, da, err = degreesQuery(emnkg.DegreeQuery{Direction: dir, Kinds: []emnkg.Kind{doc}, Types: ut, Limit: 10})
		add("degrees with kinds and types "+string(dir), dq, da, err, nil)
	}
	fq, fa, err := facetsQuery(emnkg.FacetQuery{Kind: doc, Filter: year,
		GroupBy: []emnkg.GroupKey{{Field: "kind"}, {Field: "prefLabel_en",
			Via: &emnkg.Hop{Type: emnkg.RelUsesTerm, Direction: emnkg.DirectionBoth, Kind: term}}}, Limit: 10})
	add("facets", fq, fa, err, nil)
	cq, ca, ok := countedFacetsQuery(emnkg.FacetQuery{Kind: doc, GroupBy: []emnkg.GroupKey{{Field: "year"}, {Field: "kind"}}, Limit: 10})
	if !ok {
		t.Fatal("documents by year and kind are not counted")
	}
	add("counted facets", cq, ca, nil, both(requireSteps("SEARCH c USING PRIMARY KEY (kind=? AND key1=? AND key2=?)"),
		forbidSteps("SCAN", "SEARCH n")))
	for _, cq := range []emnkg.ChangeQuery{
		{NodeID: docs[0], Limit: 10},
		{Actor: "alice", AfterSeq: 3, Limit: 10},
		{Since: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), Until: time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC), Limit: 10},
	} {
		q, a, err := changesQuery(cq)
		add("changes", q, a, err, nil)
	}
	return cases
}

// endIndexes returns the covering indexes of the relationships' ends that a
// hop in direction dir reads.
func endIndexes(dir emnkg.Direction) []string {
	switch dir {
	case emnkg.DirectionOut:
		return []string{"edges_src_type_dst"}
	case emnkg.DirectionIn:
		return []string{"edges_dst_type_src"}
	}
	return []string{"edges_src_type_dst", "edges_dst_type_src"}
}

// endOf returns the end of the relationships whose covering indexes are
// named after it (edges_src_dst and edges_src_type_dst both serve the
// relationships leaving a node, and SQLite may pick either), or the name
// of any other index.
func endOf(index string) string {
	for _, end := range []string{"edges_src_", "edges_dst_"} {
		if strings.HasPrefix(index, end) {
			return end + "*"
		}
	}
	return index
}

// merged returns the check of the plan of Neighbours from a few nodes:
// the ordered lists of each of the seeds nodes' relationships at the ends
// of direction dir are merged, each read from the index of its end ordered
// by the other end, the kinds of the other ends checked in nodes_kind
// (kinds times), no table read and nothing sorted.
func merged(seeds int, dir emnkg.Direction, kinds int) func([]string) string {
	var ends []string
	for _, this := range hopEnds(dir) {
		for range seeds {
			ends = append(ends, "edges_"+this+"_"+otherEnd(this))
		}
	}
	only := indexesOnly(ends, kinds)
	return func(steps []string) string {
		if c := only(steps); c != "" {
			return c
		}
		if seeds*len(hopEnds(dir)) > 1 {
			if c := requireSteps("MERGE (UNION)")(steps); c != "" {
				return c
			}
		}
		return forbidSteps("USE TEMP B-TREE")(steps)
	}
}

// indexesOnly returns the check of an Expand or Neighbours plan: the
// relationships are searched in the covering indexes ends (once each),
// the kinds of the other ends in nodes_kind (kinds times), and no table
// is read.
func indexesOnly(ends []string, kinds int) func([]string) string {
	return func(steps []string) string {
		count := map[string]int{}
		for _, st := range steps {
			st = strings.TrimSpace(st)
			if !strings.HasPrefix(st, "SEARCH ") {
				continue
			}
			// An EXISTS subquery run as a join says so after the alias.
			f := slices.DeleteFunc(strings.Fields(st), func(w string) bool { return w == "EXISTS" })
			if len(f) < 6 || f[2] != "USING" || f[3] != "COVERING" || f[4] != "INDEX" {
				return "reads a table: " + st
			}
			count[f[1]+" "+endOf(f[5])]++
		}
		want := map[string]int{}
		for _, ix := range ends {
			want["e "+endOf(ix)]++
		}
		if kinds > 0 {
			want["n nodes_kind"] = kinds
		}
		if !maps.Equal(count, want) {
			return fmt.Sprintf("searches %v, want %v", count, want)
		}
		return ""
	}
}

// orderedPattern returns the check of the ordered plan of a pattern of
// rels single-hop steps from a first step of some kind: the nodes of the
// first step are read in ID order from nodes_kind, each later node and
// each relationship looked up by ID in the list of a correlated subquery,
// and nothing sorted.
func orderedPattern(rels int) func([]string) string {
	return func(steps []string) string {
		subqueries := 0
		for _, st := range steps {
			st = strings.TrimSpace(st)
			if strings.HasPrefix(st, "CORRELATED LIST SUBQUERY") {
				subqueries++
			}
			if strings.HasPrefix(st, "USE TEMP B-TREE") {
				return "sorts: " + st
			}
		}
		if subqueries != 2*rels {
			return fmt.Sprintf("%d correlated list subqueries, want %d", subqueries, 2*rels)
		}
		for _, st := range steps {
			// Covering unless a filter reads the node's properties.
			st = strings.Replace(strings.TrimSpace(st), "USING COVERING INDEX", "USING INDEX", 1)
			if st == "SEARCH n0 USING INDEX nodes_kind (kind=?)" {
				return ""
			}
		}
		return "the first step's nodes are not read in nodes_kind"
	}
}

// forbidSteps returns a check that no step starts with any of bad.
func forbidSteps(bad ...string) func([]string) string {
	return func(steps []string) string {
		for _, st := range steps {
			for _, b := range bad {
				if strings.HasPrefix(strings.TrimSpace(st), b) {
					return "step " + st
				}
			}
		}
		return ""
	}
}

// both returns a check that passes when a and b pass.
func both(a, b func([]string) string) func([]string) string {
	return func(steps []string) string {
		if msg := a(steps); msg != "" {
			return msg
		}
		return b(steps)
	}
}

// requireSteps returns a check that every one of want starts some step.
func requireSteps(want ...string) func([]string) string {
	return func(steps []string) string {
		for _, w := range want {
			found := false
			for _, st := range steps {
				if strings.HasPrefix(strings.TrimSpace(st), w) {
					found = true
				}
			}
			if !found {
				return "no step " + w
			}
		}
		return ""
	}
}

// firstSearch returns a check that the join starts by searching alias.
func firstSearch(alias string) func([]string) string {
	return func(steps []string) string {
		for _, st := range steps {
			if strings.HasPrefix(st, "SEARCH ") || strings.HasPrefix(st, "SCAN ") {
				if strings.HasPrefix(st, "SEARCH "+alias+" ") {
					return ""
				}
				if !strings.HasPrefix(st, "SCAN json_each") {
					return "starts with " + st
				}
			}
		}
		return "never searches " + alias
	}
}

// badStep reports a plan step that reads a whole table or an index it
// should not, or builds a Bloom filter over a table (a scan of a whole kind
// or type).
// Scans of the plan's co-routines and materialised subqueries (subs), of
// json_each and of the full-text index are fine.
func badStep(name, step string, subs map[string]bool) bool {
	switch {
	case strings.HasPrefix(step, "BLOOM FILTER ON "):
		// One over a materialised subquery costs nothing more.
		f := strings.Fields(step)
		return len(f) < 4 || !subs[f[3]]
	case strings.HasPrefix(step, "SCAN "):
		f := strings.Fields(step)
		if strings.Contains(step, "VIRTUAL TABLE") || strings.HasPrefix(step, "SCAN (subquery") ||
			(len(f) == 2 && (subs[f[1]] || subs["RECURSIVE STEP"] && f[1] == "w")) {
			return false
		}
		// Degrees counts every relationship, reading an index.
		return !strings.HasPrefix(name, "degrees") || !(strings.Contains(step, "USING COVERING INDEX edges_src_") ||
			strings.Contains(step, "USING COVERING INDEX edges_dst_") || strings.Contains(step, "USING INDEX edges_loops"))
	case strings.HasPrefix(step, "SEARCH "):
		return !strings.Contains(step, "=?") && !strings.Contains(step, ">?")
	}
	return false
}

// subqueries returns the names of the co-routines and materialised
// subqueries of a plan.
func subqueries(steps []string) map[string]bool {
	subs := map[string]bool{}
	for _, st := range steps {
		if st == "RECURSIVE STEP" {
			// The queue of a recursive CTE, which the step scans.
			subs[st] = true
		}
		for _, p := range []string{"CO-ROUTINE ", "MATERIALIZE "} {
			if name, ok := strings.CutPrefix(st, p); ok {
				subs[name] = true
			}
		}
	}
	return subs
}

// TestExploreQueryPlans guards the plans of the Explorer and Editor
// queries, with and without planner statistics: nodes and relationships
// are reached through indexes (the (end, type) indexes, nodes_kind, the
// primary keys, the full-text index), never by scanning a table, and no
// Bloom filter makes a join read a whole kind first.
func TestExploreQueryPlans(t *testing.T) {
	s := newTestStore(t)
	mustImport(t, s, syntheticGraph(2000, 3))
	cases := explorePlanCases(t)
	for _, analyzed := range []bool{false, true} {
		if analyzed {
			if _, err := s.wdb.ExecContext(t.Context(), "ANALYZE"); err != nil {
				t.Fatal(err)
			}
		}
		for _, c := range cases {
			steps := queryPlan(t, s, c.query, c.args)
			subs := subqueries(steps)
			for _, st := range steps {
				if badStep(c.name, st, subs) {
					t.Errorf("analyzed=%v, %s: plan step %q\n%s", analyzed, c.name, st, strings.Join(steps, "\n"))
				}
			}
			if c.check != nil {
				if msg := c.check(steps); msg != "" {
					t.Errorf("analyzed=%v, %s: %s\n%s", analyzed, c.name, msg, strings.Join(steps, "\n"))
				}
			}
		}
	}
}
