package sqlite

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// newTestStore opens a fresh, empty store in a temporary directory and
// closes it when the test ends.
func newTestStore(tb testing.TB) *Store {
	tb.Helper()
	return openTestStore(tb, tb.TempDir())
}

// openTestStore opens the store in dir and closes it when the test ends.
func openTestStore(tb testing.TB, dir string) *Store {
	tb.Helper()
	s, err := Open(context.Background(), dir)
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return s
}

// props builds a property map from key/value pairs.
func props(kv ...any) map[string]any {
	m := make(map[string]any, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}

func node(id string, k emnkg.Kind, kv ...any) *emnkg.Node {
	p := props(kv...)
	p["synthetic"] = true
	return &emnkg.Node{ID: id, Kind: k, Props: p}
}

func edge(from string, t emnkg.RelType, to string, kv ...any) *emnkg.Edge {
	return &emnkg.Edge{ID: emnkg.EdgeID(from, t, to, ""), Type: t, From: from, To: to, Props: props(kv...)}
}

// testGraph returns a small synthetic graph: documents with and without
// years and titles, synthetic countries, and relationships between them.
func testGraph() *emnkg.Graph {
	d, c := emnkg.KindDocument, emnkg.KindCountry
	return &emnkg.Graph{
		Nodes: []*emnkg.Node{
			node("syn-d1", d, "title", "Alpha report", "year", int64(2020), "kind", "report"),
			node("syn-d2", d, "title", "beta study", "year", int64(2019), "kind", "study", "uncertain", true),
			node("syn-d3", d, "title", "Alphabet", "kind", "report", "uncertain", false),
			node("syn-d4", d, "year", int64(2020), "note", "no title"),
			node("syn-d5", d, "title", "Ähnlich", "year", int64(999), "languages", []string{"de", "en"}),
			node("syn-c1", c, "name", "Aland", "euMember", true),
			node("syn-c2", c, "name", "Borduria", "euMember", false),
			node("syn-c3", c, "emnCode", "ZZ"),
		},
		Edges: []*emnkg.Edge{
			edge("syn-d1", emnkg.RelReportsOn, "syn-c1", "since", "2020-01-01"),
			edge("syn-d1", emnkg.RelReportsOn, "syn-c2", "since", "2019-01-01", "role", "main"),
			edge("syn-d1", emnkg.RelReportsOn, "syn-c3"),
			edge("syn-d2", emnkg.RelReportsOn, "syn-c1", "role", "minor"),
			edge("syn-d1", emnkg.RelAmends, "syn-d2"),
			edge("syn-d3", emnkg.RelAmends, "syn-d1"),
			edge("syn-d1", emnkg.RelAmends, "syn-d1", "note", "loop"),
		},
	}
}

func mustImport(tb testing.TB, s *Store, g *emnkg.Graph) *emnkg.ImportResult {
	tb.Helper()
	res, err := s.ImportGraph(context.Background(), g)
	if err != nil {
		tb.Fatalf("ImportGraph: %v", err)
	}
	return res
}

func mustFind(tb testing.TB, s *Store, q emnkg.NodeQuery) *emnkg.NodePage {
	tb.Helper()
	p, err := s.FindNodes(context.Background(), q)
	if err != nil {
		tb.Fatalf("FindNodes: %v", err)
	}
	return p
}

func mustRelated(tb testing.TB, s *Store, q emnkg.RelatedQuery) map[string]*emnkg.RelatedPage {
	tb.Helper()
	m, err := s.FindRelated(context.Background(), q)
	if err != nil {
		tb.Fatalf("FindRelated: %v", err)
	}
	return m
}

func nodeIDs(ns []*emnkg.Node) []string {
	out := []string{}
	for _, n := range ns {
		out = append(out, n.ID)
	}
	return out
}

func edgeIDs(items []emnkg.Related) []string {
	out := []string{}
	for _, it := range items {
		out = append(out, it.Edge.ID)
	}
	return out
}

func wantCode(tb testing.TB, err error, code string) {
	tb.Helper()
	if got := emnkg.ErrorCode(err); got != code {
		tb.Fatalf("error code %q (%v), want %q", got, err, code)
	}
}

func TestReopenKeepsData(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	mustImport(t, s, testGraph())
	before, err := s.GetNodes(t.Context(), []string{"syn-d1", "syn-d5", "syn-c1"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}

	s = openTestStore(t, dir)
	after, err := s.GetNodes(t.Context(), []string{"syn-d1", "syn-d5", "syn-c1"})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(before, after) {
		t.Errorf("after reopening:\n got  %+v\n want %+v", after, before)
	}
	want := props("title", "Ähnlich", "year", int64(999), "languages", []string{"de", "en"}, "synthetic", true)
	if !reflect.DeepEqual(after[1].Props, want) {
		t.Errorf("props: got %#v, want %#v", after[1].Props, want)
	}
	res := mustImport(t, s, testGraph())
	if res.NodesUnchanged != 8 || res.EdgesUnchanged != 7 || res.NodesCreated+res.NodesUpdated+res.EdgesCreated+res.EdgesUpdated != 0 {
		t.Errorf("re-import after reopening: %+v", res)
	}
}

func TestOpenOddPath(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a dir?x=1#frag%20", "nested")
	s := openTestStore(t, dir)
	mustImport(t, s, testGraph())
	if _, err := os.Stat(filepath.Join(dir, FileName)); err != nil {
		t.Errorf("database file not where expected: %v", err)
	}
}

func TestSettings(t *testing.T) {
	s := newTestStore(t)
	ctx := t.Context()
	var mode string
	var fk, sync, version int
	if err := s.wdb.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if err := s.rdb.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil {
		t.Fatal(err)
	}
	if err := s.wdb.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync); err != nil {
		t.Fatal(err)
	}
	if err := s.rdb.QueryRowContext(ctx, "SELECT version FROM schema_version").Scan(&version); err != nil {
		t.Fatal(err)
	}
	if mode != "wal" || fk != 1 || sync != 2 || version != len(migrations()) {
		t.Errorf("journal_mode=%s foreign_keys=%d synchronous=%d schema version=%d", mode, fk, sync, version)
	}
	for range 2 {
		if err := s.Migrate(ctx); err != nil {
			t.Fatalf("Migrate again: %v", err)
		}
	}
	if _, err := s.rdb.ExecContext(ctx, "DELETE FROM nodes"); err == nil {
		t.Error("a reader connection could write")
	}
	if err := s.Ping(ctx); err != nil {
		t.Errorf("Ping: %v", err)
	}
}

func TestFindNodesFilter(t *testing.T) {
	s := newTestStore(t)
	mustImport(t, s, testGraph())
	d, c := emnkg.KindDocument, emnkg.KindCountry
	f := func(field string, op emnkg.Op, v any) *emnkg.Filter {
		return &emnkg.Filter{Field: field, Op: op, Value: v}
	}
	not := func(x *emnkg.Filter) *emnkg.Filter { return &emnkg.Filter{Not: x} }
	tests := []struct {
		name   string
		kind   emnkg.Kind
		filter *emnkg.Filter
		want   []string
	}{
		{"none", d, nil, []string{"syn-d1", "syn-d2", "syn-d3", "syn-d4", "syn-d5"}},
		{"eq string", d, f("title", emnkg.OpEq, "Alphabet"), []string{"syn-d3"}},
		{"eq int", d, f("year", emnkg.OpEq, int64(2020)), []string{"syn-d1", "syn-d4"}},
		{"not eq skips absent", d, not(f("year", emnkg.OpEq, int64(2020))), []string{"syn-d2", "syn-d5"}},
		{"gt int numeric not text", d, f("year", emnkg.OpGt, int64(1000)), []string{"syn-d1", "syn-d2", "syn-d4"}},
		{"lte int", d, f("year", emnkg.OpLte, int64(2019)), []string{"syn-d2", "syn-d5"}},
		{"gte string by code point", d, f("title", emnkg.OpGte, "Z"), []string{"syn-d2", "syn-d5"}},
		{"lt string", d, f("title", emnkg.OpLt, "Alphabet"), []string{"syn-d1"}},
		{"in", d, f("year", emnkg.OpIn, []any{int64(999), int64(2019)}), []string{"syn-d2", "syn-d5"}},
		{"in empty", d, f("year", emnkg.OpIn, []any{}), []string{}},
		{"not in empty skips absent", d, not(f("year", emnkg.OpIn, []any{})),
			[]string{"syn-d1", "syn-d2", "syn-d4", "syn-d5"}},
		{"id not in empty", d, not(f("id", emnkg.OpIn, []any{})),
			[]string{"syn-d1", "syn-d2", "syn-d3", "syn-d4", "syn-d5"}},
		{"not in skips absent", d, not(f("year", emnkg.OpIn, []any{int64(2020)})), []string{"syn-d2", "syn-d5"}},
		{"contains case-sensitive", d, f("title", emnkg.OpContains, "lpha"), []string{"syn-d1", "syn-d3"}},
		{"contains no wildcards", d, f("title", emnkg.OpContains, "%"), []string{}},
		{"contains underscore literal", d, f("title", emnkg.OpContains, "_"), []string{}},
		{"startsWith case-sensitive", d, f("title", emnkg.OpStartsWith, "alpha"), []string{}},
		{"startsWith", d, f("title", emnkg.OpStartsWith, "Alpha"), []string{"syn-d1", "syn-d3"}},
		{"startsWith non-ASCII", d, f("title", emnkg.OpStartsWith, "Äh"), []string{"syn-d5"}},
		{"startsWith empty matches present only", d, f("title", emnkg.OpStartsWith, ""),
			[]string{"syn-d1", "syn-d2", "syn-d3", "syn-d5"}},
		{"bool true", d, f("uncertain", emnkg.OpEq, true), []string{"syn-d2"}},
		{"bool false", d, f("uncertain", emnkg.OpEq, false), []string{"syn-d3"}},
		{"not bool skips absent", d, not(f("uncertain", emnkg.OpEq, true)), []string{"syn-d3"}},
		{"bool in", c, f("euMember", emnkg.OpIn, []any{false}), []string{"syn-c2"}},
		{"exists", d, f("year", emnkg.OpExists, true), []string{"syn-d1", "syn-d2", "syn-d4", "syn-d5"}},
		{"not exists", d, f("year", emnkg.OpExists, false), []string{"syn-d3"}},
		{"not of exists", d, not(f("title", emnkg.OpExists, true)), []string{"syn-d4"}},
		{"id eq", d, f("id", emnkg.OpEq, "syn-d2"), []string{"syn-d2"}},
		{"id in", d, f("id", emnkg.OpIn, []any{"syn-d2", "syn-c1", "syn-d4"}), []string{"syn-d2", "syn-d4"}},
		{"id startsWith", c, f("id", emnkg.OpStartsWith, "syn-c"), []string{"syn-c1", "syn-c2", "syn-c3"}},
		{"id exists", c, f("id", emnkg.OpExists, true), []string{"syn-c1", "syn-c2", "syn-c3"}},
		{"id not exists", c, f("id", emnkg.OpExists, false), []string{}},
		{"and", d, &emnkg.Filter{And: []*emnkg.Filter{
			f("year", emnkg.OpEq, int64(2020)), f("title", emnkg.OpExists, true)}}, []string{"syn-d1"}},
		{"or with absent", d, &emnkg.Filter{Or: []*emnkg.Filter{
			f("year", emnkg.OpLt, int64(2000)), f("uncertain", emnkg.OpEq, false)}}, []string{"syn-d3", "syn-d5"}},
		{"not of or with unknown side", d, not(&emnkg.Filter{Or: []*emnkg.Filter{
			f("year", emnkg.OpEq, int64(2020)), f("uncertain", emnkg.OpEq, true)}}), []string{}},
		{"not of or", d, not(&emnkg.Filter{Or: []*emnkg.Filter{
			f("year", emnkg.OpEq, int64(2020)), f("title", emnkg.OpStartsWith, "b")}}), []string{"syn-d5"}},
		{"hostile value", d, f("title", emnkg.OpEq, "x'); DROP TABLE nodes; --"), []string{}},
		{"other kind only", c, f("name", emnkg.OpGte, "A"), []string{"syn-c1", "syn-c2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustFind(t, s, emnkg.NodeQuery{Kind: tt.kind, Filter: tt.filter, Limit: 100, WithTotal: true})
			if got := nodeIDs(p.Nodes); !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if p.TotalCount != len(tt.want) || p.HasMore {
				t.Errorf("TotalCount %d HasMore %v, want %d false", p.TotalCount, p.HasMore, len(tt.want))
			}
		})
	}
}

func TestFindNodesSortAndPage(t *testing.T) {
	s := newTestStore(t)
	mustImport(t, s, testGraph())
	d := emnkg.KindDocument
	asc := func(f string) emnkg.SortField { return emnkg.SortField{Field: f} }
	desc := func(f string) emnkg.SortField { return emnkg.SortField{Field: f, Desc: true} }
	tests := []struct {
		name string
		sort []emnkg.SortField
		want []string
	}{
		{"default id", nil, []string{"syn-d1", "syn-d2", "syn-d3", "syn-d4", "syn-d5"}},
		{"id desc", []emnkg.SortField{desc("id")}, []string{"syn-d5", "syn-d4", "syn-d3", "syn-d2", "syn-d1"}},
		{"asc absent last, ties by id", []emnkg.SortField{asc("year")},
			[]string{"syn-d5", "syn-d2", "syn-d1", "syn-d4", "syn-d3"}},
		{"desc absent first, ties by id asc", []emnkg.SortField{desc("year")},
			[]string{"syn-d3", "syn-d1", "syn-d4", "syn-d2", "syn-d5"}},
		{"string by code point", []emnkg.SortField{asc("title")},
			[]string{"syn-d1", "syn-d3", "syn-d2", "syn-d5", "syn-d4"}},
		{"bool false first, absent last", []emnkg.SortField{asc("uncertain")},
			[]string{"syn-d3", "syn-d2", "syn-d1", "syn-d4", "syn-d5"}},
		{"two fields", []emnkg.SortField{desc("year"), asc("title")},
			[]string{"syn-d3", "syn-d1", "syn-d4", "syn-d2", "syn-d5"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustFind(t, s, emnkg.NodeQuery{Kind: d, Sort: tt.sort, Limit: 10})
			if got := nodeIDs(p.Nodes); !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if p.TotalCount != -1 {
				t.Errorf("TotalCount = %d without WithTotal", p.TotalCount)
			}
			// Every page agrees with the full order.
			for off := 0; off <= len(tt.want); off++ {
				for lim := 0; lim <= 3; lim++ {
					p := mustFind(t, s, emnkg.NodeQuery{Kind: d, Sort: tt.sort, Offset: off, Limit: lim, WithTotal: true})
					end := min(off+lim, len(tt.want))
					if got := nodeIDs(p.Nodes); !slices.Equal(got, tt.want[off:end]) {
						t.Errorf("offset %d limit %d: got %q, want %q", off, lim, got, tt.want[off:end])
					}
					if more := off+lim < len(tt.want); p.HasMore != more || p.TotalCount != len(tt.want) {
						t.Errorf("offset %d limit %d: HasMore %v TotalCount %d", off, lim, p.HasMore, p.TotalCount)
					}
				}
			}
		})
	}
}

func TestFindNodesInvalid(t *testing.T) {
	s := newTestStore(t)
	tests := []emnkg.NodeQuery{
		{Kind: "Nope", Limit: 1},
		{Kind: emnkg.KindDocument, Limit: -1},
		{Kind: emnkg.KindDocument, Limit: emnkg.MaxPageSize + 1},
		{Kind: emnkg.KindDocument, Filter: &emnkg.Filter{Field: "name') --", Op: emnkg.OpEq, Value: "x"}},
		{Kind: emnkg.KindDocument, Filter: &emnkg.Filter{Field: "year", Op: emnkg.OpEq, Value: "2020"}},
		{Kind: emnkg.KindDocument, Sort: []emnkg.SortField{{Field: "languages"}}},
	}
	for i, q := range tests {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			_, err := s.FindNodes(t.Context(), q)
			wantCode(t, err, emnkg.EINVALID)
		})
	}
}

func TestFindRelated(t *testing.T) {
	s := newTestStore(t)
	mustImport(t, s, testGraph())
	ro, am := emnkg.RelReportsOn, emnkg.RelAmends
	eid := func(from string, t emnkg.RelType, to string) string { return emnkg.EdgeID(from, t, to, "") }
	tests := []struct {
		name string
		q    emnkg.RelatedQuery
		want map[string][]string
		tot  map[string]int
		more map[string]bool
	}{
		{"out", emnkg.RelatedQuery{NodeIDs: []string{"syn-d1", "syn-d2", "syn-none"}, Type: ro,
			Direction: emnkg.DirectionOut, Limit: 10, WithTotal: true},
			map[string][]string{
				"syn-d1":   {eid("syn-d1", ro, "syn-c1"), eid("syn-d1", ro, "syn-c2"), eid("syn-d1", ro, "syn-c3")},
				"syn-d2":   {eid("syn-d2", ro, "syn-c1")},
				"syn-none": {}},
			map[string]int{"syn-d1": 3, "syn-d2": 1}, nil},
		{"in, sorted by edge property desc", emnkg.RelatedQuery{NodeIDs: []string{"syn-c1"}, Type: ro,
			Direction: emnkg.DirectionIn, Sort: []emnkg.SortField{{Field: "since", OnEdge: true, Desc: true}}, Limit: 10},
			map[string][]string{"syn-c1": {eid("syn-d2", ro, "syn-c1"), eid("syn-d1", ro, "syn-c1")}}, nil, nil},
		{"both, loop once", emnkg.RelatedQuery{NodeIDs: []string{"syn-d1"}, Type: am,
			Direction: emnkg.DirectionBoth, Limit: 10, WithTotal: true},
			map[string][]string{"syn-d1": {eid("syn-d1", am, "syn-d1"), eid("syn-d1", am, "syn-d2"), eid("syn-d3", am, "syn-d1")}},
			map[string]int{"syn-d1": 3}, nil},
		{"node filter and sort", emnkg.RelatedQuery{NodeIDs: []string{"syn-d1"}, Type: ro,
			Direction: emnkg.DirectionOut, OtherKind: emnkg.KindCountry,
			Filter: &emnkg.Filter{Not: &emnkg.Filter{Field: "euMember", Op: emnkg.OpEq, Value: false}},
			Sort:   []emnkg.SortField{{Field: "name", Desc: true}}, Limit: 10},
			map[string][]string{"syn-d1": {eid("syn-d1", ro, "syn-c1")}}, nil, nil},
		{"sort absent first in desc", emnkg.RelatedQuery{NodeIDs: []string{"syn-d1"}, Type: ro,
			Direction: emnkg.DirectionOut, OtherKind: emnkg.KindCountry,
			Sort: []emnkg.SortField{{Field: "name", Desc: true}}, Limit: 10},
			map[string][]string{"syn-d1": {eid("syn-d1", ro, "syn-c3"), eid("syn-d1", ro, "syn-c2"), eid("syn-d1", ro, "syn-c1")}}, nil, nil},
		{"edge filter", emnkg.RelatedQuery{NodeIDs: []string{"syn-d1", "syn-d2"}, Type: ro,
			Direction: emnkg.DirectionOut, EdgeFilter: &emnkg.Filter{Field: "role", Op: emnkg.OpExists, Value: true},
			Limit: 10, WithTotal: true},
			map[string][]string{"syn-d1": {eid("syn-d1", ro, "syn-c2")}, "syn-d2": {eid("syn-d2", ro, "syn-c1")}},
			map[string]int{"syn-d1": 1, "syn-d2": 1}, nil},
		{"page per node", emnkg.RelatedQuery{NodeIDs: []string{"syn-d1", "syn-d2"}, Type: ro,
			Direction: emnkg.DirectionOut, Offset: 1, Limit: 1, WithTotal: true},
			map[string][]string{"syn-d1": {eid("syn-d1", ro, "syn-c2")}, "syn-d2": {}},
			map[string]int{"syn-d1": 3, "syn-d2": 1}, map[string]bool{"syn-d1": true}},
		{"limit 0", emnkg.RelatedQuery{NodeIDs: []string{"syn-d1", "syn-d2", "syn-c1"}, Type: ro,
			Direction: emnkg.DirectionOut, Limit: 0, WithTotal: true},
			map[string][]string{"syn-d1": {}, "syn-d2": {}, "syn-c1": {}},
			map[string]int{"syn-d1": 3, "syn-d2": 1}, map[string]bool{"syn-d1": true, "syn-d2": true}},
		{"duplicate ids", emnkg.RelatedQuery{NodeIDs: []string{"syn-d2", "syn-d2"}, Type: ro,
			Direction: emnkg.DirectionOut, Limit: 10},
			map[string][]string{"syn-d2": {eid("syn-d2", ro, "syn-c1")}}, nil, nil},
		{"no ids", emnkg.RelatedQuery{Type: ro, Direction: emnkg.DirectionOut, Limit: 10},
			map[string][]string{}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := mustRelated(t, s, tt.q)
			if len(m) != len(tt.want) {
				t.Errorf("%d entries, want %d", len(m), len(tt.want))
			}
			for id, want := range tt.want {
				p := m[id]
				if p == nil {
					t.Errorf("%s: no entry", id)
					continue
				}
				if got := edgeIDs(p.Items); !slices.Equal(got, want) {
					t.Errorf("%s: got %q, want %q", id, got, want)
				}
				wantTotal := -1
				if tt.q.WithTotal {
					wantTotal = tt.tot[id]
				}
				if p.TotalCount != wantTotal || p.HasMore != tt.more[id] {
					t.Errorf("%s: TotalCount %d HasMore %v, want %d %v", id, p.TotalCount, p.HasMore, wantTotal, tt.more[id])
				}
				for _, it := range p.Items {
					other := it.Edge.To
					if it.Edge.To == id && (tt.q.Direction != emnkg.DirectionOut) {
						other = it.Edge.From
					}
					if it.Node == nil || it.Node.ID != other || it.Node.Version != 1 || it.Node.Props["synthetic"] != true {
						t.Errorf("%s: edge %s: node %+v, want %s", id, it.Edge.ID, it.Node, other)
					}
				}
			}
		})
	}
}

// TestFindRelatedOneQuery checks that the pages of many nodes come from one
// SQL statement and agree with asking for each node alone.
func TestFindRelatedOneQuery(t *testing.T) {
	s := newTestStore(t)
	g := syntheticGraph(200, 3)
	mustImport(t, s, g)
	var ids []string
	for _, n := range g.Nodes {
		if n.Kind == emnkg.KindDocument {
			ids = append(ids, n.ID)
		}
	}
	q := emnkg.RelatedQuery{NodeIDs: ids, Type: emnkg.RelUsesTerm, Direction: emnkg.DirectionOut,
		Sort: []emnkg.SortField{{Field: "since", OnEdge: true}}, Offset: 1, Limit: 2, WithTotal: true}
	query, args, err := relatedQuery(q, ids)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(query, ";") {
		t.Fatalf("the query has several statements:\n%s", query)
	}
	if _, err := s.rdb.ExecContext(t.Context(), "EXPLAIN "+query, args...); err != nil {
		t.Fatalf("the query is not one statement: %v", err)
	}
	all := mustRelated(t, s, q)
	if len(all) != len(ids) {
		t.Fatalf("%d entries, want %d", len(all), len(ids))
	}
	for _, id := range ids {
		one := q
		one.NodeIDs = []string{id}
		alone := mustRelated(t, s, one)[id]
		if !reflect.DeepEqual(all[id], alone) {
			t.Errorf("%s: together %+v, alone %+v", id, all[id], alone)
		}
	}
}

func TestImport(t *testing.T) {
	ctx := t.Context()
	s := newTestStore(t)
	res := mustImport(t, s, testGraph())
	if want := (emnkg.ImportResult{NodesCreated: 8, EdgesCreated: 7}); *res != want {
		t.Errorf("first import: %+v, want %+v", *res, want)
	}
	res = mustImport(t, s, testGraph())
	if want := (emnkg.ImportResult{NodesUnchanged: 8, EdgesUnchanged: 7}); *res != want {
		t.Errorf("second import: %+v, want %+v", *res, want)
	}

	// Changed properties replace the stored ones and bump the version;
	// edges may end at stored nodes. The caller's graph is left as it was.
	d1 := node("syn-d1", emnkg.KindDocument, "title", "Alpha report, revised", "year", 2021)
	g := &emnkg.Graph{
		Nodes: []*emnkg.Node{
			d1,
			node("syn-d2", emnkg.KindDocument, "title", "beta study", "year", int64(2019), "kind", "study", "uncertain", true),
			node("syn-d9", emnkg.KindDocument),
		},
		Edges: []*emnkg.Edge{
			edge("syn-d9", emnkg.RelReportsOn, "syn-c2"),
			edge("syn-d1", emnkg.RelReportsOn, "syn-c1", "since", "2021-01-01"),
			edge("syn-d1", emnkg.RelReportsOn, "syn-c2", "since", "2019-01-01", "role", "main"),
		},
	}
	d1Props := d1.Props
	res = mustImport(t, s, g)
	want := emnkg.ImportResult{NodesCreated: 1, NodesUpdated: 1, NodesUnchanged: 1,
		EdgesCreated: 1, EdgesUpdated: 1, EdgesUnchanged: 1}
	if *res != want {
		t.Errorf("update: %+v, want %+v", *res, want)
	}
	if _, isInt := d1.Props["year"].(int); !isInt || reflect.ValueOf(d1.Props).Pointer() != reflect.ValueOf(d1Props).Pointer() {
		t.Errorf("ImportGraph modified the caller's node: %#v", d1)
	}
	ns, err := s.GetNodes(ctx, []string{"syn-d1", "syn-d2", "syn-d9"})
	if err != nil {
		t.Fatal(err)
	}
	if len(ns) != 3 || ns[0].Version != 2 || ns[1].Version != 1 || ns[2].Version != 1 ||
		!reflect.DeepEqual(ns[0].Props, props("title", "Alpha report, revised", "year", int64(2021), "synthetic", true)) {
		t.Errorf("after update: %+v %+v %+v", ns[0], ns[1], ns[2])
	}
	m := mustRelated(t, s, emnkg.RelatedQuery{NodeIDs: []string{"syn-d1"}, Type: emnkg.RelReportsOn,
		Direction: emnkg.DirectionOut, Limit: 1})
	if it := m["syn-d1"].Items; len(it) != 1 || !reflect.DeepEqual(it[0].Edge.Props, props("since", "2021-01-01")) {
		t.Errorf("edge after update: %+v", it)
	}
	res = mustImport(t, s, g)
	if want := (emnkg.ImportResult{NodesUnchanged: 3, EdgesUnchanged: 3}); *res != want {
		t.Errorf("re-import of the update: %+v, want %+v", *res, want)
	}
}

// TestImportRepeatedIDs checks that an ID given several times in one graph
// is applied occurrence by occurrence, across chunk boundaries too.
func TestImportRepeatedIDs(t *testing.T) {
	s := newTestStore(t)
	d := emnkg.KindDocument
	g := &emnkg.Graph{Nodes: []*emnkg.Node{node("syn-a", d, "title", "one"), node("syn-a", d, "title", "one")}}
	for i := range importChunk + 10 {
		g.Nodes = append(g.Nodes, node(fmt.Sprintf("syn-fill-%04d", i), d))
	}
	g.Nodes = append(g.Nodes, node("syn-a", d, "title", "two"))
	g.Edges = []*emnkg.Edge{
		edge("syn-a", emnkg.RelAmends, "syn-fill-0000"),
		edge("syn-a", emnkg.RelAmends, "syn-fill-0000", "note", "changed"),
	}
	res := mustImport(t, s, g)
	want := emnkg.ImportResult{NodesCreated: importChunk + 11, NodesUnchanged: 1, NodesUpdated: 1,
		EdgesCreated: 1, EdgesUpdated: 1}
	if *res != want {
		t.Errorf("import: %+v, want %+v", *res, want)
	}
	ns, err := s.GetNodes(t.Context(), []string{"syn-a"})
	if err != nil {
		t.Fatal(err)
	}
	if len(ns) != 1 || ns[0].Version != 2 || ns[0].Props["title"] != "two" {
		t.Errorf("node: %+v", ns)
	}
	// Importing again replays the same changes.
	res = mustImport(t, s, g)
	want = emnkg.ImportResult{NodesUnchanged: importChunk + 11, NodesUpdated: 2, EdgesUpdated: 2}
	if *res != want {
		t.Errorf("second import: %+v, want %+v", *res, want)
	}
}

func TestImportFailureChangesNothing(t *testing.T) {
	d := emnkg.KindDocument
	tests := []struct {
		name string
		g    *emnkg.Graph
		code string
	}{
		{"node stored with another kind", &emnkg.Graph{Nodes: []*emnkg.Node{
			node("syn-new", d), node("syn-d4", d, "title", "changed"), node("syn-c1", d)}}, emnkg.ECONFLICT},
		{"edge stored with other ends", &emnkg.Graph{
			Nodes: []*emnkg.Node{node("syn-new", d)},
			Edges: []*emnkg.Edge{{ID: emnkg.EdgeID("syn-d1", emnkg.RelReportsOn, "syn-c1", ""),
				Type: emnkg.RelReportsOn, From: "syn-d2", To: "syn-c1"}}}, emnkg.ECONFLICT},
		{"edge twice with other ends", &emnkg.Graph{
			Nodes: []*emnkg.Node{node("syn-new", d)},
			Edges: []*emnkg.Edge{
				{ID: "syn-x", Type: emnkg.RelAmends, From: "syn-new", To: "syn-d1"},
				{ID: "syn-x", Type: emnkg.RelAmends, From: "syn-new", To: "syn-d2"}}}, emnkg.ECONFLICT},
		{"edge to unknown node", &emnkg.Graph{
			Nodes: []*emnkg.Node{node("syn-new", d)},
			Edges: []*emnkg.Edge{edge("syn-new", emnkg.RelAmends, "syn-missing")}}, emnkg.EINVALID},
		{"edge to stored node of a wrong kind", &emnkg.Graph{
			Nodes: []*emnkg.Node{node("syn-new", d)},
			Edges: []*emnkg.Edge{edge("syn-new", emnkg.RelAmends, "syn-c1")}}, emnkg.EINVALID},
		{"unknown property", &emnkg.Graph{Nodes: []*emnkg.Node{node("syn-new", d, "colour", "red")}}, emnkg.EINVALID},
		{"bad id", &emnkg.Graph{Nodes: []*emnkg.Node{node("'); DROP TABLE nodes; --", d)}}, emnkg.EINVALID},
		{"nil graph", nil, emnkg.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestStore(t)
			mustImport(t, s, testGraph())
			before := dump(t, s)
			_, err := s.ImportGraph(t.Context(), tt.g)
			wantCode(t, err, tt.code)
			if after := dump(t, s); !reflect.DeepEqual(before, after) {
				t.Errorf("the failed import changed the store")
			}
		})
	}
}

// dump returns every stored row, as text.
func dump(tb testing.TB, s *Store) []string {
	tb.Helper()
	rows, err := s.rdb.Query(`SELECT 'n|' || id || '|' || kind || '|' || version || '|' || props FROM nodes
		UNION ALL SELECT 'e|' || id || '|' || type || '|' || src || '|' || dst || '|' || props FROM edges
		ORDER BY 1`)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			tb.Fatal(err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

func TestStats(t *testing.T) {
	s := newTestStore(t)
	st, err := s.Stats(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(st.NodesByKind) != len(emnkg.Kinds()) || len(st.EdgesByType) != len(emnkg.RelTypes()) {
		t.Errorf("empty store: %+v", st)
	}
	mustImport(t, s, testGraph())
	st, err = s.Stats(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if st.NodesByKind[emnkg.KindDocument] != 5 || st.NodesByKind[emnkg.KindCountry] != 3 ||
		st.NodesByKind[emnkg.KindFund] != 0 || st.EdgesByType[emnkg.RelReportsOn] != 4 ||
		st.EdgesByType[emnkg.RelAmends] != 3 || st.EdgesByType[emnkg.RelBroader] != 0 ||
		len(st.NodesByKind) != len(emnkg.Kinds()) || len(st.EdgesByType) != len(emnkg.RelTypes()) {
		t.Errorf("stats: %+v", st)
	}
}

// TestConcurrentReadsAndWrites runs readers while imports write, for the
// race detector and for the locking between connections.
func TestConcurrentReadsAndWrites(t *testing.T) {
	s := newTestStore(t)
	mustImport(t, s, testGraph())
	ctx := t.Context()
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 4 {
		wg.Go(func() {
			g := testGraph()
			g.Nodes = append(g.Nodes, node(fmt.Sprintf("syn-w%d", i), emnkg.KindDocument))
			if _, err := s.ImportGraph(ctx, g); err != nil {
				errs <- err
			}
		})
		wg.Go(func() {
			for range 10 {
				if _, err := s.FindNodes(ctx, emnkg.NodeQuery{Kind: emnkg.KindDocument, Limit: 10, WithTotal: true}); err != nil {
					errs <- err
					return
				}
				if _, err := s.FindRelated(ctx, emnkg.RelatedQuery{NodeIDs: []string{"syn-d1"},
					Type: emnkg.RelReportsOn, Direction: emnkg.DirectionOut, Limit: 10}); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	p := mustFind(t, s, emnkg.NodeQuery{Kind: emnkg.KindDocument, Limit: 0, WithTotal: true})
	if p.TotalCount != 9 {
		t.Errorf("TotalCount = %d, want 9", p.TotalCount)
	}
}

// syntheticGraph returns a generated, clearly synthetic graph of docs
// documents and docs/10+1 glossary terms; each document uses perDoc terms.
func syntheticGraph(docs, perDoc int) *emnkg.Graph {
	g := &emnkg.Graph{}
	terms := docs/10 + 1
	for i := range docs {
		n := node(fmt.Sprintf("syn-doc-%06d", i), emnkg.KindDocument,
			"title", fmt.Sprintf("Synthetic document %06d", (i*7919)%docs), "kind", []string{"report", "study", "inform"}[i%3])
		if i%10 != 0 {
			n.Props["year"] = int64(1990 + i%35)
		}
		g.Nodes = append(g.Nodes, n)
	}
	for j := range terms {
		g.Nodes = append(g.Nodes, node(fmt.Sprintf("syn-term-%05d", j), emnkg.KindGlossaryTerm,
			"prefLabel_en", fmt.Sprintf("synthetic term %05d", j)))
	}
	for i := range docs {
		for k := range perDoc {
			j := (i*31 + k*17) % terms
			e := edge(fmt.Sprintf("syn-doc-%06d", i), emnkg.RelUsesTerm, fmt.Sprintf("syn-term-%05d", j))
			e.ID = emnkg.EdgeID(e.From, e.Type, e.To, fmt.Sprint(k))
			if k%2 == 0 {
				e.Props["since"] = fmt.Sprintf("20%02d-01-01", (i+k)%25)
			}
			g.Edges = append(g.Edges, e)
		}
	}
	return g
}

// TestSortMatchesReference checks, on a graph large enough for SQLite to
// prefer the expression indexes, that every sort orders absent values last
// ascending and first descending, with ties by id, on every page.
func TestSortMatchesReference(t *testing.T) {
	s := newTestStore(t)
	g := &emnkg.Graph{}
	for i := range 400 {
		n := node(fmt.Sprintf("syn-s%03d", (i*37)%400), emnkg.KindDocument)
		if i%7 != 0 {
			n.Props["title"] = fmt.Sprintf("title %02d", i%50)
		}
		if i%5 != 0 {
			n.Props["year"] = int64(1990 + i%13)
		}
		if i%3 != 0 {
			n.Props["kind"] = []string{"report", "study"}[i%2]
		}
		g.Nodes = append(g.Nodes, n)
	}
	mustImport(t, s, g)
	if _, err := s.wdb.ExecContext(t.Context(), "ANALYZE"); err != nil {
		t.Fatal(err)
	}
	byID := map[string]*emnkg.Node{}
	for _, n := range g.Nodes {
		byID[n.ID] = n
	}
	for _, sorts := range [][]emnkg.SortField{
		{{Field: "title"}}, {{Field: "title", Desc: true}},
		{{Field: "year"}}, {{Field: "year", Desc: true}},
		{{Field: "kind"}, {Field: "year", Desc: true}},
		{{Field: "year", Desc: true}, {Field: "title"}},
	} {
		want := referenceOrder(g.Nodes, sorts)
		for _, page := range []struct{ off, lim int }{{0, 1000}, {0, 7}, {55, 20}, {390, 20}} {
			p := mustFind(t, s, emnkg.NodeQuery{Kind: emnkg.KindDocument, Sort: sorts, Offset: page.off, Limit: page.lim})
			end := min(page.off+page.lim, len(want))
			if got := nodeIDs(p.Nodes); !slices.Equal(got, want[page.off:end]) {
				t.Errorf("sort %+v offset %d limit %d:\n got  %q\n want %q", sorts, page.off, page.lim, got, want[page.off:end])
			}
		}
	}
}

// referenceOrder sorts nodes in Go with the store's documented semantics.
func referenceOrder(nodes []*emnkg.Node, sorts []emnkg.SortField) []string {
	ns := slices.Clone(nodes)
	cmpVal := func(a, b any) int {
		switch x := a.(type) {
		case string:
			return strings.Compare(x, b.(string))
		case int64:
			return int(x - b.(int64))
		}
		panic("unexpected type")
	}
	slices.SortFunc(ns, func(a, b *emnkg.Node) int {
		for _, s := range sorts {
			av, aok := a.Props[s.Field]
			bv, bok := b.Props[s.Field]
			c := 0
			switch {
			case !aok && !bok:
			case !aok:
				c = 1 // absent is largest: last ascending, first descending
			case !bok:
				c = -1
			default:
				c = cmpVal(av, bv)
			}
			if s.Desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return strings.Compare(a.ID, b.ID)
	})
	return nodeIDs(ns)
}

// TestQueryPlans guards the plans of FindRelated (and of a few FindNodes
// queries), with and without planner statistics: requested IDs drive the
// search, relationships are found through their (end, type) indexes and the
// related nodes by primary key or rowid, never by scanning or by an index
// that happens to match the filter.
func TestQueryPlans(t *testing.T) {
	s := newTestStore(t)
	mustImport(t, s, syntheticGraph(2000, 3))
	docs := []string{"syn-doc-000001", "syn-doc-000002"}
	terms := []string{"syn-term-00001", "syn-term-00002"}
	year := &emnkg.Filter{Field: "year", Op: emnkg.OpGte, Value: int64(2000)}
	title := []emnkg.SortField{{Field: "title"}}
	related := []emnkg.RelatedQuery{
		{NodeIDs: docs, Type: emnkg.RelUsesTerm, Direction: emnkg.DirectionOut, Limit: 10, WithTotal: true},
		{NodeIDs: terms, Type: emnkg.RelUsesTerm, Direction: emnkg.DirectionIn, OtherKind: emnkg.KindDocument,
			Filter: year, Sort: title, Limit: 10, WithTotal: true},
		{NodeIDs: terms, Type: emnkg.RelUsesTerm, Direction: emnkg.DirectionBoth, OtherKind: emnkg.KindDocument,
			Filter: &emnkg.Filter{Field: "title", Op: emnkg.OpEq, Value: "x"}, Limit: 10},
		{NodeIDs: docs, Type: emnkg.RelUsesTerm, Direction: emnkg.DirectionOut,
			EdgeFilter: &emnkg.Filter{Field: "since", Op: emnkg.OpExists, Value: true},
			Sort:       []emnkg.SortField{{Field: "since", OnEdge: true}}, Limit: 10},
	}
	nodes := []emnkg.NodeQuery{
		{Kind: emnkg.KindDocument, Limit: 10},
		{Kind: emnkg.KindDocument, Filter: year, Sort: title, Limit: 10},
	}
	for _, analyzed := range []bool{false, true} {
		if analyzed {
			if _, err := s.wdb.ExecContext(t.Context(), "ANALYZE"); err != nil {
				t.Fatal(err)
			}
		}
		for i, q := range related {
			query, args, err := relatedQuery(q, q.NodeIDs)
			if err != nil {
				t.Fatal(err)
			}
			for _, step := range queryPlan(t, s, query, args) {
				bad := strings.HasPrefix(step, "SCAN") && !strings.HasPrefix(step, "SCAN r VIRTUAL TABLE") &&
					!strings.HasPrefix(step, "SCAN (subquery") && step != "SCAN c"
				switch {
				case strings.HasPrefix(step, "SEARCH e USING COVERING INDEX edges_src_type_dst "),
					strings.HasPrefix(step, "SEARCH e USING COVERING INDEX edges_dst_type_src "):
					bad = !strings.Contains(step, "(src=? AND type=?)") && !strings.Contains(step, "(dst=? AND type=?)")
				case strings.HasPrefix(step, "SEARCH o "):
					bad = !strings.Contains(step, "(id=?)")
				case strings.HasPrefix(step, "SEARCH n "), strings.HasPrefix(step, "SEARCH e "):
					bad = bad || !strings.Contains(step, "(rowid=?)")
				}
				if bad {
					t.Errorf("analyzed=%v, related query %d: plan step %q", analyzed, i, step)
				}
			}
		}
		for i, q := range nodes {
			var b builder
			cond, err := b.filter(q.Filter, "n")
			if err != nil {
				t.Fatal(err)
			}
			query := "SELECT n.id FROM nodes AS n WHERE n.kind = " + b.arg(string(q.Kind)) + " AND " + cond +
				" ORDER BY " + b.orderBy(q.Sort, "n", "") + " LIMIT 10"
			for _, step := range queryPlan(t, s, query, b.args) {
				if strings.HasPrefix(step, "SCAN") {
					t.Errorf("analyzed=%v, node query %d: plan step %q", analyzed, i, step)
				}
			}
		}
	}
}

// queryPlan returns the steps of the plan of query.
func queryPlan(tb testing.TB, s *Store, query string, args []any) []string {
	tb.Helper()
	rows, err := s.rdb.Query("EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var steps []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			tb.Fatal(err)
		}
		steps = append(steps, detail)
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return steps
}

// TestPagePlansFollowIndexes checks that a page of nodes ordered by one
// expression-indexed property, ascending or descending (absent values
// last or first), reads that property's index in order: no sort.
func TestPagePlansFollowIndexes(t *testing.T) {
	s := newTestStore(t)
	mustImport(t, s, syntheticGraph(2000, 3))
	for _, analyzed := range []bool{false, true} {
		if analyzed {
			if _, err := s.wdb.ExecContext(t.Context(), "ANALYZE"); err != nil {
				t.Fatal(err)
			}
		}
		for _, key := range indexedKeys() {
			for _, desc := range []bool{false, true} {
				var b builder
				query := "SELECT " + nodeColumns + " FROM nodes AS n WHERE n.kind = " + b.arg(string(emnkg.KindDocument)) +
					" ORDER BY " + b.orderBy([]emnkg.SortField{{Field: key, Desc: desc}}, "n", "") + " LIMIT 21"
				plan := queryPlan(t, s, query, b.args)
				if len(plan) != 1 || !strings.HasPrefix(plan[0], "SEARCH n USING INDEX nodes_kind_"+key) {
					t.Errorf("analyzed=%v, %s descending=%v: plan %q", analyzed, key, desc, plan)
				}
			}
		}
	}
}
