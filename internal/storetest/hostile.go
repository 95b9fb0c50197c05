package storetest

import (
	"fmt"
	"sort"
	"testing"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// hostileStrings are values that break stores which build queries by
// pasting text, match with LIKE, GLOB or regular expressions, or fold case.
var hostileStrings = []string{
	`O'Brien "quoted" \backslash`,
	"`backtick` $param {braces} ${x}",
	`'}) DETACH DELETE n //`,
	`"}) MATCH (m) DETACH DELETE m //`,
	`'; DROP TABLE nodes; --`,
	`100% _under_ [glob*?] \ regex .* ^$ |`,
	"Ünïcødé — 日本語 — emoji 🎉🇪🇺 — zero\u200bwidth",
	"line\nbreak\ttab\r",
}

func hostileID(i int) string { return fmt.Sprintf("syn-hostile-%d", i+1) }

const hostileNCP = "syn-hostile-ncp"

// hostileEdgeID is a relationship ID: any UTF-8 text is allowed there.
var hostileEdgeID = emnkg.EdgeID(hostileNCP, emnkg.RelHostedBy, hostileID(2), hostileStrings[2]+hostileStrings[6])

func hostileGraph() *emnkg.Graph {
	g := &emnkg.Graph{}
	for i, h := range hostileStrings {
		g.Nodes = append(g.Nodes, node(hostileID(i), emnkg.KindOrganisation, map[string]any{"name": h, "kind": "hostile"}))
	}
	g.Nodes = append(g.Nodes,
		node("syn-hostile-control", emnkg.KindOrganisation, map[string]any{"name": "control", "kind": "control"}),
		node("syn-hostile-term", emnkg.KindGlossaryTerm, map[string]any{"prefLabel_en": hostileStrings[2],
			"prefLabel_fr": hostileStrings[6], "altLabels_fr": append([]string{}, hostileStrings...)}),
		node(hostileNCP, emnkg.KindNationalContactPoint, map[string]any{"name": hostileStrings[3],
			"note": hostileStrings[4]}),
	)
	g.Edges = []*emnkg.Edge{{ID: hostileEdgeID, Type: emnkg.RelHostedBy, From: hostileNCP, To: hostileID(2),
		Props: map[string]any{"role": hostileStrings[4], "note": hostileStrings[6], "source": hostileStrings[0],
			"additionalSources": append([]string{}, hostileStrings...)}}}
	return g
}

func testHostile(t *testing.T, s emnkg.Store) {
	checkImportResult(t, importGraph(t, s, hostileGraph()), emnkg.ImportResult{NodesCreated: 11, EdgesCreated: 1})
	ref := newIndex(hostileGraph())
	t.Run("Holds", func(t *testing.T) { checkHolds(t, s, ref) })

	t.Run("FindNodesEq", func(t *testing.T) {
		for i, h := range hostileStrings {
			p := findNodes(t, s, emnkg.NodeQuery{Kind: emnkg.KindOrganisation, Filter: eq("name", h), Limit: 10, WithTotal: true})
			checkNodePage(t, p, []string{hostileID(i)}, 1, false, ref.nodes)
		}
	})

	h := func(is ...int) []string {
		out := make([]string, len(is))
		for k, i := range is {
			out[k] = hostileID(i - 1)
		}
		return out
	}
	org := emnkg.KindOrganisation
	t.Run("FindNodes", func(t *testing.T) {
		runNodeCasesRef(t, s, ref, []nodeFilterCase{
			{"eq injection", org, eq("name", `x' OR '1'='1`), nil, []string{}},
			{"eq injection double", org, eq("name", `x" OR "1"="1`), nil, []string{}},
			{"id injection", org, eq("id", `' OR 1=1 --`), nil, []string{}},
			{"id in injection", org, in("id", `syn-hostile-1' OR '1'='1`, hostileID(4)), nil, h(5)},
			{"in", org, in("name", hostileStrings[2], hostileStrings[4], "nope"), nil, h(3, 5)},
			{"not eq", org, not(eq("kind", "hostile")), nil, []string{"syn-hostile-control"}},
			{"contains quote brace", org, cmpF("name", emnkg.OpContains, `'})`), nil, h(3)},
			{"contains double quote brace", org, cmpF("name", emnkg.OpContains, `"})`), nil, h(4)},
			{"contains percent", org, cmpF("name", emnkg.OpContains, "%"), nil, h(6)},
			{"contains underscore", org, cmpF("name", emnkg.OpContains, "_"), nil, h(6)},
			{"contains star", org, cmpF("name", emnkg.OpContains, "*"), nil, h(6)},
			{"contains question mark", org, cmpF("name", emnkg.OpContains, "?"), nil, h(6)},
			{"contains bracket", org, cmpF("name", emnkg.OpContains, "[glob"), nil, h(6)},
			{"contains dot star", org, cmpF("name", emnkg.OpContains, ".*"), nil, h(6)},
			{"contains pipe", org, cmpF("name", emnkg.OpContains, "|"), nil, h(6)},
			{"contains backslash", org, cmpF("name", emnkg.OpContains, `\`), nil, h(1, 6)},
			{"contains dollar", org, cmpF("name", emnkg.OpContains, "$"), nil, h(2, 6)},
			{"contains backtick", org, cmpF("name", emnkg.OpContains, "`"), nil, h(2)},
			{"contains case", org, cmpF("name", emnkg.OpContains, "drop"), nil, []string{}},
			{"contains upper", org, cmpF("name", emnkg.OpContains, "DROP"), nil, h(5)},
			{"contains emoji", org, cmpF("name", emnkg.OpContains, "🇪🇺"), nil, h(7)},
			{"contains zero width", org, cmpF("name", emnkg.OpContains, "zero\u200bwidth"), nil, h(7)},
			{"contains without zero width", org, cmpF("name", emnkg.OpContains, "zerowidth"), nil, []string{}},
			{"contains newline", org, cmpF("name", emnkg.OpContains, "\n"), nil, h(8)},
			{"contains tab cr", org, cmpF("name", emnkg.OpContains, "\ttab\r"), nil, h(8)},
			{"startsWith digit", org, cmpF("name", emnkg.OpStartsWith, "100%"), nil, h(6)},
			{"startsWith percent", org, cmpF("name", emnkg.OpStartsWith, "%"), nil, []string{}},
			{"startsWith underscore", org, cmpF("name", emnkg.OpStartsWith, "_"), nil, []string{}},
			{"startsWith non-ASCII", org, cmpF("name", emnkg.OpStartsWith, "Ünï"), nil, h(7)},
			{"startsWith non-ASCII case", org, cmpF("name", emnkg.OpStartsWith, "ünï"), nil, []string{}},
			{"startsWith quote", org, cmpF("name", emnkg.OpStartsWith, `'`), nil, h(3, 5)},
			{"gt quote", org, and(eq("kind", "hostile"), cmpF("name", emnkg.OpGt, `'`)), nil, h(1, 2, 3, 5, 6, 7, 8)},
			{"multilingual eq", emnkg.KindGlossaryTerm, eq("prefLabel_en", hostileStrings[2]), nil,
				[]string{"syn-hostile-term"}},
			{"multilingual contains", emnkg.KindGlossaryTerm, cmpF("prefLabel_fr", emnkg.OpContains, "🎉"), nil,
				[]string{"syn-hostile-term"}},
			{"common note", emnkg.KindNationalContactPoint, eq("note", hostileStrings[4]), nil, []string{hostileNCP}},
		})
	})

	t.Run("SortByCodePoint", func(t *testing.T) {
		want := make([]string, 0, len(hostileStrings)+1)
		byName := map[string]string{"control": "syn-hostile-control"}
		names := []string{"control"}
		for i, s := range hostileStrings {
			byName[s] = hostileID(i)
			names = append(names, s)
		}
		sort.Strings(names)
		for _, n := range names {
			want = append(want, byName[n])
		}
		p := findNodes(t, s, emnkg.NodeQuery{Kind: org, Sort: []emnkg.SortField{asc("name")}, Limit: 100})
		checkNodePage(t, p, want, -1, false, ref.nodes)
	})

	t.Run("FindRelated", func(t *testing.T) {
		cases := []struct {
			name string
			q    emnkg.RelatedQuery
			want []string
		}{
			{"plain", emnkg.RelatedQuery{}, []string{hostileEdgeID}},
			{"node filter", emnkg.RelatedQuery{OtherKind: org, Filter: eq("name", hostileStrings[2])}, []string{hostileEdgeID}},
			{"node filter other", emnkg.RelatedQuery{OtherKind: org, Filter: eq("name", hostileStrings[3])}, []string{}},
			{"edge filter", emnkg.RelatedQuery{EdgeFilter: eq("role", hostileStrings[4])}, []string{hostileEdgeID}},
			{"edge filter contains", emnkg.RelatedQuery{EdgeFilter: cmpF("note", emnkg.OpContains, "日本語")},
				[]string{hostileEdgeID}},
			{"edge filter injection", emnkg.RelatedQuery{EdgeFilter: eq("role", `x' OR '1'='1`)}, []string{}},
		}
		for _, tt := range cases {
			t.Run(tt.name, func(t *testing.T) {
				q := tt.q
				q.NodeIDs, q.Type, q.Direction, q.Limit, q.WithTotal = []string{hostileNCP}, emnkg.RelHostedBy,
					emnkg.DirectionOut, 10, true
				checkRelated(t, q, findRelated(t, s, q), map[string]relWant{hostileNCP: {edges: tt.want, total: len(tt.want)}}, ref)
			})
		}
		q := emnkg.RelatedQuery{NodeIDs: []string{hostileID(2), `'}) DETACH DELETE n //`}, Type: emnkg.RelHostedBy,
			Direction: emnkg.DirectionIn, Limit: 10}
		checkRelated(t, q, findRelated(t, s, q), map[string]relWant{
			hostileID(2): {edges: []string{hostileEdgeID}}, `'}) DETACH DELETE n //`: {edges: []string{}}}, ref)
	})

	t.Run("Unchanged", func(t *testing.T) {
		checkImportResult(t, importGraph(t, s, hostileGraph()), emnkg.ImportResult{NodesUnchanged: 11, EdgesUnchanged: 1})
		checkHolds(t, s, ref)
		if ns := getNodes(t, s, `'}) DETACH DELETE n //`, `' OR '1'='1`); len(ns) != 0 {
			t.Errorf("GetNodes of hostile IDs: got %q", nodeIDs(ns))
		}
	})
}
