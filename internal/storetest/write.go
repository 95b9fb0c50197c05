package storetest

import (
	"sort"
	"strings"
	"testing"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// checkHolds checks that the store holds exactly the nodes and edges of
// want: every node in full (with its version), every edge in full as seen
// from its From node together with the node at its To end, and Stats
// counting exactly these nodes and edges.
func checkHolds(tb testing.TB, s emnkg.Store, want *index) {
	tb.Helper()
	nodeIDs := make([]string, 0, len(want.nodes))
	nodeCounts := map[emnkg.Kind]int{}
	for id, n := range want.nodes {
		nodeIDs = append(nodeIDs, id)
		nodeCounts[n.Kind]++
	}
	sort.Strings(nodeIDs)
	checkNodes(tb, getNodes(tb, s, nodeIDs...), nodeIDs, want.nodes)

	byType := map[emnkg.RelType][]*emnkg.Edge{}
	edgeCounts := map[emnkg.RelType]int{}
	for _, e := range want.edges {
		byType[e.Type] = append(byType[e.Type], e)
		edgeCounts[e.Type]++
	}
	for typ, edges := range byType {
		from := map[string]bool{}
		for _, e := range edges {
			from[e.From] = true
		}
		q := emnkg.RelatedQuery{Type: typ, Direction: emnkg.DirectionOut, Limit: emnkg.MaxPageSize}
		for id := range from {
			q.NodeIDs = append(q.NodeIDs, id)
		}
		sort.Strings(q.NodeIDs)
		got := map[string]emnkg.Related{}
		for id, p := range findRelated(tb, s, q) {
			if p == nil {
				tb.Errorf("%s %s: nil page", typ, id)
				continue
			}
			for _, it := range p.Items {
				if it.Edge == nil || it.Edge.From != id {
					tb.Errorf("%s %s: item with edge %+v", typ, id, it.Edge)
					continue
				}
				got[it.Edge.ID] = it
			}
		}
		for _, e := range edges {
			it, ok := got[e.ID]
			if !ok {
				tb.Errorf("edge %q is missing", e.ID)
				continue
			}
			if d := edgeDiff(it.Edge, e); d != "" {
				tb.Error(d)
			}
			if d := nodeDiff(it.Node, want.nodes[e.To]); d != "" {
				tb.Errorf("edge %q: %s", e.ID, d)
			}
			delete(got, e.ID)
		}
		for id := range got {
			tb.Errorf("unexpected %s edge %q", typ, id)
		}
	}
	checkStats(tb, stats(tb, s), fullStats(nodeCounts, edgeCounts))
}

func testImportReimport(t *testing.T, s emnkg.Store) {
	ref := newIndex(Fixture())
	checkImportResult(t, importGraph(t, s, Fixture()),
		emnkg.ImportResult{NodesCreated: fixtureNodeCount, EdgesCreated: fixtureEdgeCount})
	checkHolds(t, s, ref)
	checkStats(t, stats(t, s), fixtureStats())
	for range 2 {
		checkImportResult(t, importGraph(t, s, Fixture()),
			emnkg.ImportResult{NodesUnchanged: fixtureNodeCount, EdgesUnchanged: fixtureEdgeCount})
	}
	checkHolds(t, s, ref)
	// A part of what is stored, imported again, changes nothing either.
	part := Fixture()
	part.Nodes = part.Nodes[:3]
	part.Edges = part.Edges[len(part.Edges)-2:]
	checkImportResult(t, importGraph(t, s, part), emnkg.ImportResult{NodesUnchanged: 3, EdgesUnchanged: 2})
	checkImportResult(t, importGraph(t, s, &emnkg.Graph{}), emnkg.ImportResult{})
	checkHolds(t, s, ref)
}

func testImportUpdate(t *testing.T, s emnkg.Store) {
	importGraph(t, s, Fixture())
	ref := newIndex(Fixture())
	mo := emnkg.RelMemberOf
	// Austria changes (keys removed, one added, one changed) and its edge
	// too; Belgium and its edge are unchanged; a new country joins the
	// stored network, which is not in the graph.
	step := func(atNote string) *emnkg.Graph {
		return &emnkg.Graph{
			Nodes: []*emnkg.Node{
				node("syn-country-at", emnkg.KindCountry, map[string]any{"name": "Republic of Austria",
					"emnCode": "AT", "euMember": true, "emnStatus": "member", "note": atNote}),
				Fixture().Nodes[2], // syn-country-be
				node("syn-country-new", emnkg.KindCountry, map[string]any{"name": "Newland"}),
			},
			Edges: []*emnkg.Edge{
				edge("syn-country-at", mo, netEMN, "", map[string]any{"role": "founding member"}),
				edge("syn-country-be", mo, netEMN, "", map[string]any{"since": "2008-05-14", "role": "member"}),
				edge("syn-country-new", mo, netEMN, "", map[string]any{"role": "observer", "uncertain": true}),
			},
		}
	}
	checkImportResult(t, importGraph(t, s, step("renamed")), emnkg.ImportResult{
		NodesCreated: 1, NodesUpdated: 1, NodesUnchanged: 1, EdgesCreated: 1, EdgesUpdated: 1, EdgesUnchanged: 1})
	g := step("renamed")
	for _, n := range g.Nodes {
		c := *n
		c.Version = 1
		if c.ID == "syn-country-at" {
			c.Version = 2
		}
		ref.nodes[c.ID] = &c
	}
	for _, e := range g.Edges {
		ref.edges[e.ID] = e
	}
	checkHolds(t, s, ref)

	// The same again: nothing changes, versions stay.
	checkImportResult(t, importGraph(t, s, step("renamed")),
		emnkg.ImportResult{NodesUnchanged: 3, EdgesUnchanged: 3})
	checkHolds(t, s, ref)

	// One more change: version 3.
	g = step("renamed twice")
	checkImportResult(t, importGraph(t, s, &emnkg.Graph{Nodes: g.Nodes[:1]}), emnkg.ImportResult{NodesUpdated: 1})
	at := *ref.nodes["syn-country-at"]
	at.Props = step("renamed twice").Nodes[0].Props
	at.Version = 3
	ref.nodes[at.ID] = &at

	// Only a relationship changes (a key removed, one added): the nodes at
	// its ends keep their versions.
	beEdge := edge("syn-country-be", mo, netEMN, "", map[string]any{"role": "member", "note": "since unknown"})
	checkImportResult(t, importGraph(t, s, &emnkg.Graph{Edges: []*emnkg.Edge{beEdge}}),
		emnkg.ImportResult{EdgesUpdated: 1})
	ref.edges[beEdge.ID] = edge("syn-country-be", mo, netEMN, "", map[string]any{"role": "member", "note": "since unknown"})

	// A node loses every property but synthetic; a list value changes.
	zz := &emnkg.Node{ID: "syn-country-zz", Kind: emnkg.KindCountry, Props: map[string]any{"synthetic": true}}
	fed := node("syn-org-fedasil", emnkg.KindOrganisation, map[string]any{"name": "Fedasil", "kind": "agency",
		"countryCode": "BE", "serviceProviderPeriods": []string{"2008-2012", "2016-"}})
	checkImportResult(t, importGraph(t, s, &emnkg.Graph{Nodes: []*emnkg.Node{zz, fed}}),
		emnkg.ImportResult{NodesUpdated: 2})
	for _, n := range []*emnkg.Node{
		{ID: "syn-country-zz", Kind: emnkg.KindCountry, Version: 2, Props: map[string]any{"synthetic": true}},
		node("syn-org-fedasil", emnkg.KindOrganisation, map[string]any{"name": "Fedasil", "kind": "agency",
			"countryCode": "BE", "serviceProviderPeriods": []string{"2008-2012", "2016-"}}),
	} {
		if n.Version == 0 {
			n.Version = 2
		}
		ref.nodes[n.ID] = n
	}
	checkHolds(t, s, ref)

	// Filters see the new values, not the old ones.
	p := findNodes(t, s, emnkg.NodeQuery{Kind: emnkg.KindCountry, Filter: or(eq("name", "Austria"),
		eq("joined", "2008-05-14")), Limit: 10, WithTotal: true})
	checkNodePage(t, p, []string{"syn-country-be"}, 1, false, ref.nodes)
	p = findNodes(t, s, emnkg.NodeQuery{Kind: emnkg.KindCountry, Filter: eq("note", "renamed twice"),
		Limit: 10, WithTotal: true})
	checkNodePage(t, p, []string{"syn-country-at"}, 1, false, ref.nodes)
	q := emnkg.RelatedQuery{NodeIDs: []string{netEMN}, Type: mo, Direction: emnkg.DirectionIn,
		EdgeFilter: eq("role", "member"), Limit: 10, WithTotal: true}
	checkRelated(t, q, findRelated(t, s, q), map[string]relWant{netEMN: {
		edges: []string{memberOf("syn-country-be"), memberOf("syn-country-fr")}, total: 2}}, ref)
}

func testImportEdgesToStoredNodes(t *testing.T, s emnkg.Store) {
	ref := newIndex(Fixture())
	nodes := Fixture()
	nodes.Edges = nil
	checkImportResult(t, importGraph(t, s, nodes), emnkg.ImportResult{NodesCreated: fixtureNodeCount})
	edges := Fixture()
	edges.Nodes = nil
	checkImportResult(t, importGraph(t, s, edges), emnkg.ImportResult{EdgesCreated: fixtureEdgeCount})
	checkHolds(t, s, ref)
	checkImportResult(t, importGraph(t, s, Fixture()),
		emnkg.ImportResult{NodesUnchanged: fixtureNodeCount, EdgesUnchanged: fixtureEdgeCount})
	// An edge between a new node and a stored one, imported with the new
	// node only.
	g := &emnkg.Graph{
		Nodes: []*emnkg.Node{node("syn-term-new", emnkg.KindGlossaryTerm, map[string]any{"prefLabel_en": "new"})},
		Edges: []*emnkg.Edge{edge("syn-doc-5", emnkg.RelUsesTerm, "syn-term-new", "", nil)},
	}
	checkImportResult(t, importGraph(t, s, g), emnkg.ImportResult{NodesCreated: 1, EdgesCreated: 1})
	n := *node("syn-term-new", emnkg.KindGlossaryTerm, map[string]any{"prefLabel_en": "new"})
	n.Version = 1
	ref.nodes[n.ID] = &n
	e := edge("syn-doc-5", emnkg.RelUsesTerm, "syn-term-new", "", nil)
	ref.edges[e.ID] = e
	checkHolds(t, s, ref)
}

// probeNodes are valid changes added to every failing import: a new node
// and a changed stored one, neither of which may be written.
func probeNodes() []*emnkg.Node {
	return []*emnkg.Node{
		node("syn-probe-new", emnkg.KindCountry, map[string]any{"name": "Probe"}),
		node("syn-country-be", emnkg.KindCountry, map[string]any{"name": "Changed by a failed import"}),
	}
}

// probeEdges are valid changes added to failing imports: a new edge to a
// stored node and a changed stored edge.
func probeEdges() []*emnkg.Edge {
	return []*emnkg.Edge{
		edge("syn-probe-new", emnkg.RelMemberOf, netEMN, "", map[string]any{"role": "probe"}),
		edge("syn-country-dk", emnkg.RelMemberOf, netEMN, "", map[string]any{"role": "changed"}),
	}
}

// failCase is an import that must fail with code and change nothing.
type failCase struct {
	name  string
	graph func() *emnkg.Graph
}

func runFailCases(t *testing.T, s emnkg.Store, code string, cases []failCase) {
	t.Helper()
	importGraph(t, s, Fixture())
	ref := newIndex(Fixture())
	want := fixtureStats()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			res, err := s.ImportGraph(t.Context(), tt.graph())
			checkCode(t, err, code)
			if err == nil && res != nil {
				t.Errorf("import succeeded: %+v", *res)
			}
			checkStats(t, stats(t, s), want)
			checkNodes(t, getNodes(t, s, "syn-probe-new", "syn-country-be", "syn-country-at"),
				[]string{"syn-country-be", "syn-country-at"}, ref.nodes)
		})
	}
	checkHolds(t, s, ref)
}

// withProbes returns a graph of the probe nodes and edges plus nodes and
// edges; the extra ones come last, after the valid changes.
func withProbes(nodes []*emnkg.Node, edges []*emnkg.Edge) func() *emnkg.Graph {
	return func() *emnkg.Graph {
		return &emnkg.Graph{Nodes: append(probeNodes(), nodes...), Edges: append(probeEdges(), edges...)}
	}
}

func testImportConflict(t *testing.T, s emnkg.Store) {
	hbAT := eid("syn-ncp-at", emnkg.RelHostedBy, "syn-org-bfa")
	runFailCases(t, s, emnkg.ECONFLICT, []failCase{
		{"node stored with another kind", withProbes([]*emnkg.Node{
			node("syn-country-at", emnkg.KindOrganisation, map[string]any{"name": "Clash"})}, nil)},
		{"node stored with another kind first", func() *emnkg.Graph {
			return &emnkg.Graph{Nodes: append([]*emnkg.Node{node("syn-doc-1", emnkg.KindGlossaryTerm,
				map[string]any{"prefLabel_en": "clash"})}, probeNodes()...), Edges: probeEdges()}
		}},
		{"node with two kinds in one import", withProbes([]*emnkg.Node{
			node("syn-probe-two", emnkg.KindCountry, map[string]any{}),
			node("syn-probe-two", emnkg.KindOrganisation, map[string]any{})}, nil)},
		{"edge id with another end", withProbes(nil, []*emnkg.Edge{
			{ID: hbAT, Type: emnkg.RelHostedBy, From: "syn-ncp-at", To: "syn-org-fedasil"}})},
		{"edge id with another start", withProbes(nil, []*emnkg.Edge{
			{ID: hbAT, Type: emnkg.RelHostedBy, From: "syn-ncp-be", To: "syn-org-bfa"}})},
		{"edge id with another type", withProbes(nil, []*emnkg.Edge{
			{ID: hbAT, Type: emnkg.RelPartner, From: "syn-ncp-at", To: "syn-org-bfa"}})},
		{"edge id from a new node", withProbes(nil, []*emnkg.Edge{
			{ID: memberOf("syn-country-at"), Type: emnkg.RelMemberOf, From: "syn-probe-new", To: netEMN}})},
	})
}

func testImportInvalid(t *testing.T, s emnkg.Store) {
	c := emnkg.KindCountry
	n := func(id string, kind emnkg.Kind, props map[string]any) []*emnkg.Node {
		return []*emnkg.Node{{ID: id, Kind: kind, Props: props}}
	}
	e := func(from string, typ emnkg.RelType, to string, props map[string]any) []*emnkg.Edge {
		return []*emnkg.Edge{edge(from, typ, to, "", props)}
	}
	runFailCases(t, s, emnkg.EINVALID, []failCase{
		{"unknown kind", withProbes(n("syn-probe-x", "Planet", nil), nil)},
		{"empty kind", withProbes(n("syn-probe-x", "", nil), nil)},
		{"kind case", withProbes(n("syn-probe-x", "country", nil), nil)},
		{"id with space", withProbes(n("syn probe", c, nil), nil)},
		{"empty id", withProbes(n("", c, nil), nil)},
		{"id starting with dash", withProbes(n("-syn-probe", c, nil), nil)},
		{"id with quote", withProbes(n("syn-'probe", c, nil), nil)},
		{"id too long", withProbes(n("syn-"+strings.Repeat("x", 125), c, nil), nil)},
		{"unknown property", withProbes(n("syn-probe-x", c, map[string]any{"colour": "red"}), nil)},
		{"property of another kind", withProbes(n("syn-probe-x", c, map[string]any{"title": "x"}), nil)},
		{"id as property", withProbes(n("syn-probe-x", c, map[string]any{"id": "x"}), nil)},
		{"string for int", withProbes(n("syn-probe-x", emnkg.KindDocument, map[string]any{"year": "2020"}), nil)},
		{"fraction for int", withProbes(n("syn-probe-x", emnkg.KindDocument, map[string]any{"year": 2020.5}), nil)},
		{"string for bool", withProbes(n("syn-probe-x", c, map[string]any{"euMember": "yes"}), nil)},
		{"int for string", withProbes(n("syn-probe-x", c, map[string]any{"name": int64(42)}), nil)},
		{"int for date", withProbes(n("syn-probe-x", c, map[string]any{"joined": int64(2008)}), nil)},
		{"string for list", withProbes(n("syn-probe-x", c, map[string]any{"conflictingSources": "a"}), nil)},
		{"list of int", withProbes(n("syn-probe-x", c, map[string]any{"conflictingSources": []any{"a", int64(1)}}), nil)},
		{"list for string", withProbes(n("syn-probe-x", c, map[string]any{"name": []string{"a"}}), nil)},
		{"map value", withProbes(n("syn-probe-x", c, map[string]any{"name": map[string]any{"a": "b"}}), nil)},
		{"multilingual bad language", withProbes(n("syn-probe-x", emnkg.KindGlossaryTerm,
			map[string]any{"prefLabel_EN": "x"}), nil)},
		{"multilingual without language", withProbes(n("syn-probe-x", emnkg.KindGlossaryTerm,
			map[string]any{"prefLabel": "x"}), nil)},
		{"string too long", withProbes(n("syn-probe-x", c,
			map[string]any{"name": strings.Repeat("x", emnkg.MaxStringLength+1)}), nil)},
		{"not UTF-8", withProbes(n("syn-probe-x", c, map[string]any{"name": "bad \xff\xfe"}), nil)},
		{"nil node", withProbes([]*emnkg.Node{nil}, nil)},
		{"nil edge", withProbes(nil, []*emnkg.Edge{nil})},
		{"unknown relationship type", withProbes(nil, e("syn-ncp-at", "LIKES", "syn-org-bfa", nil))},
		{"empty edge id", withProbes(nil, []*emnkg.Edge{{Type: emnkg.RelHostedBy, From: "syn-ncp-at", To: "syn-org-fedasil"}})},
		{"pair not allowed in import", withProbes(n("syn-probe-x", c, nil),
			e("syn-probe-new", emnkg.RelRepresents, "syn-probe-x", nil))},
		{"pair not allowed new to stored", withProbes(nil, e("syn-probe-new", emnkg.RelRepresents, "syn-country-at", nil))},
		{"pair not allowed stored", withProbes(nil, e("syn-ncp-at", emnkg.RelHostedBy, "syn-country-at", nil))},
		{"pair reversed", withProbes(nil, e("syn-country-at", emnkg.RelRepresents, "syn-ncp-at", nil))},
		{"edge to missing node", withProbes(nil, e("syn-ncp-at", emnkg.RelHostedBy, "syn-org-missing", nil))},
		{"edge from missing node", withProbes(nil, e("syn-missing", emnkg.RelMemberOf, netEMN, nil))},
		{"edge to invalid id", withProbes(nil, e("syn-ncp-at", emnkg.RelHostedBy, "'}) DETACH DELETE n //", nil))},
		{"unknown edge property", withProbes(nil, e("syn-ncp-at", emnkg.RelPartner, "syn-org-bfa",
			map[string]any{"weight": int64(1)}))},
		{"edge property wrong type", withProbes(nil, e("syn-ncp-at", emnkg.RelPartner, "syn-org-bfa",
			map[string]any{"uncertain": "yes"}))},
		{"edge date wrong type", withProbes(nil, e("syn-ncp-at", emnkg.RelPartner, "syn-org-bfa",
			map[string]any{"since": int64(2008)}))},
	})
}
