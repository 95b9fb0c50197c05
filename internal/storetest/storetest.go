// Package storetest is the conformance suite that every emnkg.Store
// implementation runs, so that the embedded store and the Neo4j store give
// the same answers to the same questions.
//
// A store's test calls Run with a function that opens a fresh, empty,
// migrated store:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(tb testing.TB) emnkg.Store {
//			s := openEmptyStore(tb) // registers its cleanup on tb
//			return s
//		})
//	}
//
// All data the suite writes is synthetic: every node carries the property
// synthetic=true and every ID starts with "syn-". The package also holds
// MemStore, a small in-memory reference model of the semantics that the
// suite checks; it is used by the suite's own test and is not a store for
// production use.
package storetest

import (
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// Run runs the conformance suite against the store that open returns. Each
// call of open must return a fresh, empty store on which Migrate has run;
// open registers the store's cleanup (closing it, dropping its data) on the
// testing.TB it is given. Run opens a store per group of subtests, imports
// the group's fixture once, and runs many read-only table rows against it.
// Subtests do not run in parallel, so open may reuse one database.
//
// The "Close" subtest closes a store itself, so open's cleanup must
// tolerate a store that was already closed.
func Run(t *testing.T, open func(tb testing.TB) emnkg.Store) {
	t.Helper()
	t.Run("PingMigrate", func(t *testing.T) { testPingMigrate(t, open(t)) })
	t.Run("EmptyStore", func(t *testing.T) { testEmptyStore(t, open(t)) })
	t.Run("Read", func(t *testing.T) {
		s := open(t)
		res := importGraph(t, s, Fixture())
		checkImportResult(t, res, emnkg.ImportResult{NodesCreated: fixtureNodeCount, EdgesCreated: fixtureEdgeCount})
		t.Run("Stats", func(t *testing.T) { testFixtureStats(t, s) })
		t.Run("GetNodes", func(t *testing.T) { testGetNodes(t, s) })
		t.Run("FindNodesFilter", func(t *testing.T) { testFindNodesFilter(t, s) })
		t.Run("FindNodesSort", func(t *testing.T) { testFindNodesSort(t, s) })
		t.Run("FindNodesPage", func(t *testing.T) { testFindNodesPage(t, s) })
		t.Run("FindRelated", func(t *testing.T) { testFindRelated(t, s) })
		t.Run("FindRelatedPage", func(t *testing.T) { testFindRelatedPage(t, s) })
		t.Run("FindNodesInvalid", func(t *testing.T) { testFindNodesInvalid(t, s) })
		t.Run("FindRelatedInvalid", func(t *testing.T) { testFindRelatedInvalid(t, s) })
	})
	t.Run("Import", func(t *testing.T) {
		t.Run("CreateAndReimport", func(t *testing.T) { testImportReimport(t, open(t)) })
		t.Run("Update", func(t *testing.T) { testImportUpdate(t, open(t)) })
		t.Run("EdgesToStoredNodes", func(t *testing.T) { testImportEdgesToStoredNodes(t, open(t)) })
		t.Run("Conflict", func(t *testing.T) { testImportConflict(t, open(t)) })
		t.Run("Invalid", func(t *testing.T) { testImportInvalid(t, open(t)) })
	})
	t.Run("FindNodesPages", func(t *testing.T) { testFindNodesPagesAgainstReference(t, open(t)) })
	t.Run("Hostile", func(t *testing.T) { testHostile(t, open(t)) })
	t.Run("Values", func(t *testing.T) { testValues(t, open(t)) })
	t.Run("Generated", func(t *testing.T) { testGenerated(t, open(t)) })
	t.Run("Close", func(t *testing.T) {
		s := open(t)
		if err := s.Ping(t.Context()); err != nil {
			t.Fatalf("Ping: %v", err)
		}
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
}

// ---------------------------------------------------------------------------
// Filter and sort builders, to keep the tables short.

func cmpF(field string, op emnkg.Op, v any) *emnkg.Filter {
	return &emnkg.Filter{Field: field, Op: op, Value: v}
}

func eq(field string, v any) *emnkg.Filter { return cmpF(field, emnkg.OpEq, v) }

func in(field string, vs ...any) *emnkg.Filter {
	return cmpF(field, emnkg.OpIn, append([]any{}, vs...))
}

func exists(field string, b bool) *emnkg.Filter { return cmpF(field, emnkg.OpExists, b) }

func and(fs ...*emnkg.Filter) *emnkg.Filter { return &emnkg.Filter{And: fs} }

func or(fs ...*emnkg.Filter) *emnkg.Filter { return &emnkg.Filter{Or: fs} }

func not(f *emnkg.Filter) *emnkg.Filter { return &emnkg.Filter{Not: f} }

func asc(field string) emnkg.SortField { return emnkg.SortField{Field: field} }

func desc(field string) emnkg.SortField { return emnkg.SortField{Field: field, Desc: true} }

func edgeAsc(field string) emnkg.SortField { return emnkg.SortField{Field: field, OnEdge: true} }

func edgeDesc(field string) emnkg.SortField {
	return emnkg.SortField{Field: field, Desc: true, OnEdge: true}
}

// ids prefixes every suffix with prefix.
func ids(prefix string, suffixes ...string) []string {
	out := make([]string, len(suffixes))
	for i, s := range suffixes {
		out[i] = prefix + s
	}
	return out
}

// ---------------------------------------------------------------------------
// Calls that must succeed.

func importGraph(tb testing.TB, s emnkg.Store, g *emnkg.Graph) *emnkg.ImportResult {
	tb.Helper()
	res, err := s.ImportGraph(tb.Context(), g)
	if err != nil {
		tb.Fatalf("ImportGraph: %v", err)
	}
	if res == nil {
		tb.Fatalf("ImportGraph returned a nil result")
	}
	return res
}

func stats(tb testing.TB, s emnkg.Store) *emnkg.GraphStats {
	tb.Helper()
	st, err := s.Stats(tb.Context())
	if err != nil {
		tb.Fatalf("Stats: %v", err)
	}
	if st == nil {
		tb.Fatalf("Stats returned nil")
	}
	return st
}

func getNodes(tb testing.TB, s emnkg.Store, ids ...string) []*emnkg.Node {
	tb.Helper()
	ns, err := s.GetNodes(tb.Context(), ids)
	if err != nil {
		tb.Fatalf("GetNodes(%q): %v", ids, err)
	}
	return ns
}

func findNodes(tb testing.TB, s emnkg.Store, q emnkg.NodeQuery) *emnkg.NodePage {
	tb.Helper()
	p, err := s.FindNodes(tb.Context(), q)
	if err != nil {
		tb.Fatalf("FindNodes: %v", err)
	}
	if p == nil {
		tb.Fatalf("FindNodes returned a nil page")
	}
	return p
}

func findRelated(tb testing.TB, s emnkg.Store, q emnkg.RelatedQuery) map[string]*emnkg.RelatedPage {
	tb.Helper()
	m, err := s.FindRelated(tb.Context(), q)
	if err != nil {
		tb.Fatalf("FindRelated: %v", err)
	}
	return m
}

// ---------------------------------------------------------------------------
// Comparisons.

// valueEqual compares two property values exactly, including their Go type;
// a nil and an empty []string are equal.
func valueEqual(a, b any) bool {
	if x, ok := a.([]string); ok {
		y, ok := b.([]string)
		return ok && slices.Equal(x, y)
	}
	return reflect.DeepEqual(a, b)
}

// propsDiff describes how got differs from want, or returns "". A nil and an
// empty map are equal.
func propsDiff(got, want map[string]any) string {
	keys := map[string]bool{}
	for k := range got {
		keys[k] = true
	}
	for k := range want {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	var diffs []string
	for _, k := range sorted {
		g, gok := got[k]
		w, wok := want[k]
		switch {
		case !gok:
			diffs = append(diffs, fmt.Sprintf("%s: missing, want %T %#v", k, w, w))
		case !wok:
			diffs = append(diffs, fmt.Sprintf("%s: got %T %#v, want absent", k, g, g))
		case !valueEqual(g, w):
			diffs = append(diffs, fmt.Sprintf("%s: got %T %#v, want %T %#v", k, g, g, w, w))
		}
	}
	return strings.Join(diffs, "; ")
}

// nodeDiff describes how got differs from want, or returns "".
func nodeDiff(got, want *emnkg.Node) string {
	if got == nil {
		return "got a nil node"
	}
	var diffs []string
	if got.ID != want.ID {
		diffs = append(diffs, fmt.Sprintf("ID %q, want %q", got.ID, want.ID))
	}
	if got.Kind != want.Kind {
		diffs = append(diffs, fmt.Sprintf("Kind %q, want %q", got.Kind, want.Kind))
	}
	if got.Version != want.Version {
		diffs = append(diffs, fmt.Sprintf("Version %d, want %d", got.Version, want.Version))
	}
	if d := propsDiff(got.Props, want.Props); d != "" {
		diffs = append(diffs, "Props: "+d)
	}
	if len(diffs) == 0 {
		return ""
	}
	return fmt.Sprintf("node %s: %s", want.ID, strings.Join(diffs, ", "))
}

// edgeDiff describes how got differs from want, or returns "".
func edgeDiff(got, want *emnkg.Edge) string {
	if got == nil {
		return "got a nil edge"
	}
	var diffs []string
	if got.ID != want.ID {
		diffs = append(diffs, fmt.Sprintf("ID %q, want %q", got.ID, want.ID))
	}
	if got.Type != want.Type {
		diffs = append(diffs, fmt.Sprintf("Type %q, want %q", got.Type, want.Type))
	}
	if got.From != want.From || got.To != want.To {
		diffs = append(diffs, fmt.Sprintf("ends %q->%q, want %q->%q", got.From, got.To, want.From, want.To))
	}
	if d := propsDiff(got.Props, want.Props); d != "" {
		diffs = append(diffs, "Props: "+d)
	}
	if len(diffs) == 0 {
		return ""
	}
	return fmt.Sprintf("edge %q: %s", want.ID, strings.Join(diffs, ", "))
}

func nodeIDs(ns []*emnkg.Node) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		if n == nil {
			out[i] = "<nil>"
			continue
		}
		out[i] = n.ID
	}
	return out
}

func edgeIDs(items []emnkg.Related) []string {
	out := make([]string, len(items))
	for i, it := range items {
		if it.Edge == nil {
			out[i] = "<nil>"
			continue
		}
		out[i] = it.Edge.ID
	}
	return out
}

// checkNodes checks that got holds exactly the nodes wantIDs in that order,
// each equal to its entry in ref (skipped when ref is nil).
func checkNodes(tb testing.TB, got []*emnkg.Node, wantIDs []string, ref map[string]*emnkg.Node) {
	tb.Helper()
	if g := nodeIDs(got); !slices.Equal(g, wantIDs) {
		tb.Errorf("node IDs:\n got  %q\n want %q", g, wantIDs)
		return
	}
	if ref == nil {
		return
	}
	for _, n := range got {
		if d := nodeDiff(n, ref[n.ID]); d != "" {
			tb.Error(d)
		}
	}
}

// checkNodePage checks a page: its nodes (see checkNodes), TotalCount and
// HasMore.
func checkNodePage(tb testing.TB, p *emnkg.NodePage, wantIDs []string, wantTotal int, wantMore bool, ref map[string]*emnkg.Node) {
	tb.Helper()
	checkNodes(tb, p.Nodes, wantIDs, ref)
	if p.TotalCount != wantTotal {
		tb.Errorf("TotalCount = %d, want %d", p.TotalCount, wantTotal)
	}
	if p.HasMore != wantMore {
		tb.Errorf("HasMore = %v, want %v", p.HasMore, wantMore)
	}
}

// relWant is the expected page of one node in a FindRelated answer.
type relWant struct {
	edges []string // edge IDs, in order
	total int      // TotalCount when the query asks WithTotal
	more  bool
}

// checkRelated checks a FindRelated answer: exactly one entry per distinct
// requested ID, each page with the wanted edges in order (compared in full
// to ref, as is the node at the other end), TotalCount and HasMore.
func checkRelated(tb testing.TB, q emnkg.RelatedQuery, got map[string]*emnkg.RelatedPage, want map[string]relWant, ref *index) {
	tb.Helper()
	if len(got) != len(want) {
		keys := make([]string, 0, len(got))
		for k := range got {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		tb.Errorf("answer has entries for %q, want %d entries", keys, len(want))
	}
	wantIDs := make([]string, 0, len(want))
	for id := range want {
		wantIDs = append(wantIDs, id)
	}
	sort.Strings(wantIDs)
	for _, id := range wantIDs {
		w := want[id]
		p, ok := got[id]
		if !ok || p == nil {
			tb.Errorf("%s: no entry in the answer", id)
			continue
		}
		if g := edgeIDs(p.Items); !slices.Equal(g, w.edges) {
			tb.Errorf("%s: edge IDs:\n got  %q\n want %q", id, g, w.edges)
		} else if ref != nil {
			for _, it := range p.Items {
				we := ref.edges[it.Edge.ID]
				if d := edgeDiff(it.Edge, we); d != "" {
					tb.Errorf("%s: %s", id, d)
				}
				other := we.To
				if q.Direction == emnkg.DirectionIn || (q.Direction == emnkg.DirectionBoth && we.To == id) {
					other = we.From
				}
				if it.Node == nil {
					tb.Errorf("%s: edge %q has no node", id, we.ID)
				} else if d := nodeDiff(it.Node, ref.nodes[other]); d != "" {
					tb.Errorf("%s: %s", id, d)
				}
			}
		}
		wantTotal := -1
		if q.WithTotal {
			wantTotal = w.total
		}
		if p.TotalCount != wantTotal {
			tb.Errorf("%s: TotalCount = %d, want %d", id, p.TotalCount, wantTotal)
		}
		if p.HasMore != w.more {
			tb.Errorf("%s: HasMore = %v, want %v", id, p.HasMore, w.more)
		}
	}
}

func checkImportResult(tb testing.TB, got *emnkg.ImportResult, want emnkg.ImportResult) {
	tb.Helper()
	if *got != want {
		tb.Errorf("ImportResult = %+v, want %+v", *got, want)
	}
}

func checkCode(tb testing.TB, err error, want string) {
	tb.Helper()
	if got := emnkg.ErrorCode(err); got != want {
		tb.Errorf("error code %q (%v), want %q", got, err, want)
	}
}

// fullStats returns stats with every kind and type, zero unless given.
func fullStats(nodes map[emnkg.Kind]int, edges map[emnkg.RelType]int) *emnkg.GraphStats {
	st := &emnkg.GraphStats{NodesByKind: map[emnkg.Kind]int{}, EdgesByType: map[emnkg.RelType]int{}}
	for _, k := range emnkg.Kinds() {
		st.NodesByKind[k] = nodes[k]
	}
	for _, t := range emnkg.RelTypes() {
		st.EdgesByType[t] = edges[t]
	}
	return st
}

func checkStats(tb testing.TB, got, want *emnkg.GraphStats) {
	tb.Helper()
	if !reflect.DeepEqual(got.NodesByKind, want.NodesByKind) {
		tb.Errorf("NodesByKind:\n got  %v\n want %v", got.NodesByKind, want.NodesByKind)
	}
	if !reflect.DeepEqual(got.EdgesByType, want.EdgesByType) {
		tb.Errorf("EdgesByType:\n got  %v\n want %v", got.EdgesByType, want.EdgesByType)
	}
}
