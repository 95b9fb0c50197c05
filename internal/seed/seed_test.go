package seed

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// graphIndex looks up the nodes and relationships of a graph.
type graphIndex struct {
	g     *emnkg.Graph
	nodes map[string]*emnkg.Node
	// edges maps "from|TYPE|to" (without key) to the relationships.
	edges map[string][]*emnkg.Edge
}

func mustGraph(tb testing.TB) *emnkg.Graph {
	tb.Helper()
	g, err := Graph()
	if err != nil {
		tb.Fatalf("Graph: %v", err)
	}
	return g
}

func indexGraph(tb testing.TB, g *emnkg.Graph) *graphIndex {
	tb.Helper()
	ix := &graphIndex{g: g, nodes: map[string]*emnkg.Node{}, edges: map[string][]*emnkg.Edge{}}
	for _, n := range g.Nodes {
		ix.nodes[n.ID] = n
	}
	for _, e := range g.Edges {
		k := emnkg.EdgeID(e.From, e.Type, e.To, "")
		ix.edges[k] = append(ix.edges[k], e)
	}
	return ix
}

func mustIndex(tb testing.TB) *graphIndex {
	tb.Helper()
	return indexGraph(tb, mustGraph(tb))
}

// node returns a node of the given kind or fails.
func (ix *graphIndex) node(tb testing.TB, id string, kind emnkg.Kind) *emnkg.Node {
	tb.Helper()
	n, ok := ix.nodes[id]
	if !ok {
		tb.Fatalf("node %s is missing", id)
	}
	if n.Kind != kind {
		tb.Fatalf("node %s is a %s, want %s", id, n.Kind, kind)
	}
	return n
}

// edge returns the relationships from -t-> to; symmetric types match in
// either direction.
func (ix *graphIndex) edge(from string, t emnkg.RelType, to string) []*emnkg.Edge {
	es := ix.edges[emnkg.EdgeID(from, t, to, "")]
	if def, _ := emnkg.LookupRel(t); def.Symmetric {
		es = append(es, ix.edges[emnkg.EdgeID(to, t, from, "")]...)
	}
	return es
}

func (ix *graphIndex) requireEdge(tb testing.TB, from string, t emnkg.RelType, to string) *emnkg.Edge {
	tb.Helper()
	es := ix.edge(from, t, to)
	if len(es) == 0 {
		tb.Fatalf("relationship %s -%s-> %s is missing", from, t, to)
	}
	return es[0]
}

// related returns the IDs at the other end of t relationships of id.
func (ix *graphIndex) related(id string, t emnkg.RelType, out bool) []string {
	var ids []string
	for _, e := range ix.g.Edges {
		if e.Type != t {
			continue
		}
		if out && e.From == id {
			ids = append(ids, e.To)
		}
		if !out && e.To == id {
			ids = append(ids, e.From)
		}
	}
	sort.Strings(ids)
	return ids
}

func TestGraphValidates(t *testing.T) {
	g := mustGraph(t)
	missing, err := emnkg.ValidateGraph(g)
	if err != nil {
		t.Fatalf("ValidateGraph: %v", err)
	}
	if len(missing) > 0 {
		t.Fatalf("dangling relationship ends: %v", missing)
	}
	kinds := map[string]emnkg.Kind{}
	for _, n := range g.Nodes {
		kinds[n.ID] = n.Kind
	}
	if err := emnkg.CheckEdgeEnds(g, kinds); err != nil {
		t.Fatalf("CheckEdgeEnds: %v", err)
	}
	for _, e := range g.Edges {
		if _, ok := kinds[e.From]; !ok {
			t.Errorf("%s: unknown from", e.ID)
		}
		if _, ok := kinds[e.To]; !ok {
			t.Errorf("%s: unknown to", e.ID)
		}
		if e.From == e.To {
			t.Errorf("%s joins a node to itself", e.ID)
		}
	}
	if len(g.Nodes) == 0 || len(g.Edges) == 0 {
		t.Fatal("empty graph")
	}
}

func TestIDsUnique(t *testing.T) {
	g := mustGraph(t)
	seen := map[string]bool{}
	for _, n := range g.Nodes {
		if seen[n.ID] {
			t.Errorf("duplicate node ID %s", n.ID)
		}
		seen[n.ID] = true
	}
	seenEdge := map[string]bool{}
	for _, e := range g.Edges {
		if seenEdge[e.ID] {
			t.Errorf("duplicate relationship ID %s", e.ID)
		}
		seenEdge[e.ID] = true
		if !strings.HasPrefix(e.ID, emnkg.EdgeID(e.From, e.Type, e.To, "")) {
			t.Errorf("relationship ID %s does not follow emnkg.EdgeID", e.ID)
		}
	}
}

func TestEverythingHasASource(t *testing.T) {
	g := mustGraph(t)
	check := func(what string, p map[string]any) {
		t.Helper()
		src, _ := p["source"].(string)
		if strings.TrimSpace(src) == "" {
			t.Errorf("%s has no source", what)
		}
		add, _ := p["additionalSources"].([]string)
		seen := map[string]bool{src: true}
		for _, a := range add {
			if a == "" || seen[a] {
				t.Errorf("%s: additional source %q is empty or repeated", what, a)
			}
			seen[a] = true
		}
	}
	for _, n := range g.Nodes {
		check("node "+n.ID, n.Props)
	}
	for _, e := range g.Edges {
		check("relationship "+e.ID, e.Props)
	}
}

func TestSeedQuotesAreInTheFoundingText(t *testing.T) {
	text := strings.Join(strings.Fields(AboutEMN()), " ")
	for _, q := range seedQuotes {
		if !strings.Contains(text, q) {
			t.Errorf("the founding text lacks %q", q)
		}
	}
	g := mustGraph(t)
	quoted := 0
	for _, e := range g.Edges {
		note, _ := e.Props["note"].(string)
		if !strings.HasPrefix(note, seedNotePrefix) {
			continue
		}
		quoted++
		q := strings.TrimSuffix(strings.TrimPrefix(note, seedNotePrefix+`"`), `"`)
		if !strings.Contains(text, q) {
			t.Errorf("%s quotes %q, which the founding text lacks", e.ID, q)
		}
		if src, _ := e.Props["source"].(string); src != SeedSource && !slices.Contains(e.Props["additionalSources"].([]string), SeedSource) {
			t.Errorf("%s quotes the founding text but does not cite it", e.ID)
		}
	}
	if quoted == 0 {
		t.Error("no relationship quotes the founding text")
	}
}

func TestNationalContactPoints(t *testing.T) {
	ix := mustIndex(t)
	var facts factsFile
	if err := decodeStrict("emn-facts.json", factsJSON, &facts); err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"NO": true}
	for _, c := range facts.Countries {
		if c.EUMember && c.ISO2 != "DK" {
			want[c.ISO2] = true
		}
	}
	if len(want) != 27 {
		t.Fatalf("want 26 Member States and Norway, got %d countries", len(want))
	}
	// Observer countries have NCPs as the data has them.
	for _, r := range facts.NCPs {
		for _, c := range facts.Countries {
			if c.ISO2 == r.Country && c.EMNStatus == "observer" {
				want[r.Country] = true
			}
		}
	}
	got := map[string]bool{}
	for _, n := range ix.g.Nodes {
		if n.Kind != emnkg.KindNationalContactPoint {
			continue
		}
		cc := n.String("countryCode")
		got[cc] = true
		if n.ID != "ncp-"+cc {
			t.Errorf("NCP %s has country code %s", n.ID, cc)
		}
		if reps := ix.related(n.ID, emnkg.RelRepresents, true); !reflect.DeepEqual(reps, []string{cc}) {
			t.Errorf("%s represents %v, want [%s]", n.ID, reps, cc)
		}
		if hosts := ix.related(n.ID, emnkg.RelHostedBy, true); len(hosts) == 0 {
			t.Errorf("%s has no host", n.ID)
		}
		if !strings.HasPrefix(n.String("name"), "EMN National Contact Point ") {
			t.Errorf("%s is named %q", n.ID, n.String("name"))
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("NCP countries = %v, want %v", keys(got), keys(want))
	}
	for _, cc := range []string{"DK", "GE", "MD", "GB"} {
		if _, ok := ix.nodes["ncp-"+cc]; ok {
			t.Errorf("%s has an NCP", cc)
		}
	}
	for _, c := range []string{"NO", "UA", "AL"} {
		if got[c] != want[c] || !got[c] {
			t.Errorf("NCP of %s missing", c)
		}
	}
	// Member-State NCPs are co-financed nationally and funded by AMIF.
	for _, c := range facts.Countries {
		if c.EMNStatus != "member" {
			continue
		}
		ix.requireEdge(t, "ncp-"+c.ISO2, emnkg.RelCoFinancedBy, c.ISO2)
		ix.requireEdge(t, "ncp-"+c.ISO2, emnkg.RelFundedBy, "fund-amif")
	}
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestHosts(t *testing.T) {
	ix := mustIndex(t)
	tests := []struct {
		ncp, org, status string
	}{
		{"ncp-AT", "org-iom-austria", "current"},
		{"ncp-IE", "org-esri", "current"},
		{"ncp-DE", "org-bamf", "current"},
		{"ncp-NO", "org-udi", "current"},
		{"ncp-HR", "org-iom-croatia", "former"},
		{"ncp-EE", "org-tlu", "former"},
		{"ncp-EE", "org-eass", "current"},
		{"ncp-SE", "org-scb", "former"},
		{"ncp-RO", "org-ro-immigration-office-romanian-immigration-office", "unclear"},
		{"ncp-GR", "org-gr-ministry-of-interior-and-administrative-reform", "former"},
	}
	for _, tt := range tests {
		t.Run(tt.ncp+"/"+tt.org, func(t *testing.T) {
			e := ix.requireEdge(t, tt.ncp, emnkg.RelHostedBy, tt.org)
			if got := e.Props["status"]; got != tt.status {
				t.Errorf("status = %v, want %s", got, tt.status)
			}
		})
	}
	// Croatia's Ministry of the Interior hosted twice: two keyed edges.
	hr := ix.edge("ncp-HR", emnkg.RelHostedBy, "org-hr-moi")
	if len(hr) != 2 || hr[0].ID == hr[1].ID {
		t.Fatalf("ncp-HR HOSTED_BY org-hr-moi: %d edges, want 2 with distinct IDs", len(hr))
	}
	// Created host organisations come from the NCP record.
	ro := ix.node(t, "org-ro-immigration-office-romanian-immigration-office", emnkg.KindOrganisation)
	if ro.String("kind") != "agency" || ro.String("countryCode") != "RO" {
		t.Errorf("RO host: %v", ro.Props)
	}
	if ix.g.Nodes[0].Kind != emnkg.KindOrganisation {
		t.Errorf("nodes are not ordered by kind")
	}
	partners := []struct{ ncp, org string }{
		{"ncp-BE", "org-cgrs"}, {"ncp-BE", "org-fedasil"}, {"ncp-BE", "org-myria"}, {"ncp-NO", "org-no-moj"},
		{"ncp-ES", "org-es-ministry-of-justice"}, {"ncp-ES", "org-es-general-prosecutors-office"},
	}
	for _, p := range partners {
		ix.requireEdge(t, p.ncp, emnkg.RelPartner, p.org)
	}
}

func TestRelationships(t *testing.T) {
	ix := mustIndex(t)
	tests := []struct {
		name     string
		from     string
		typ      emnkg.RelType
		to       string
		wantSeed bool
	}{
		{"DG HOME coordinates the EMN", "org-dg-home", emnkg.RelCoordinates, "net-emn", true},
		{"the Commission coordinates the EMN", "org-european-commission", emnkg.RelCoordinates, "net-emn", true},
		{"the Commission chairs the Steering Board", "org-european-commission", emnkg.RelChairs, "net-emn-steering-board", true},
		{"the EP observes the Steering Board", "org-european-parliament", emnkg.RelObserverOf, "net-emn-steering-board", true},
		{"Norway observes the Steering Board", "NO", emnkg.RelObserverOf, "net-emn-steering-board", true},
		{"Austria sits on the Steering Board", "AT", emnkg.RelMemberOf, "net-emn-steering-board", true},
		{"the Steering Board is part of the EMN", "net-emn-steering-board", emnkg.RelPartOf, "net-emn", true},
		{"the EMN rests on Decision 2008/381/EC", "net-emn", emnkg.RelEstablishedBy, "32008D0381", true},
		{"Regulation 516/2014 amends the Decision", "32014R0516", emnkg.RelAmends, "32008D0381", true},
		{"the EMN is funded by AMIF", "net-emn", emnkg.RelFundedBy, "fund-amif", true},
		{"the EMN works with ERIN", "net-emn", emnkg.RelCollaboratesWith, "net-erin", true},
		{"the EMN works with EURINT", "net-emn", emnkg.RelCollaboratesWith, "net-eurint", true},
		{"REG works with ERIN", "net-reg", emnkg.RelCollaboratesWith, "net-erin", true},
		{"REG works with EURINT", "net-reg", emnkg.RelCollaboratesWith, "net-eurint", true},
		{"REG is part of the EMN", "net-reg", emnkg.RelPartOf, "net-emn", true},
		{"AMIF rests on Regulation 516/2014", "fund-amif", emnkg.RelEstablishedBy, "32014R0516", true},
		{"AMIF rests on Regulation 2021/1147", "fund-amif", emnkg.RelEstablishedBy, "32021R1147", false},
		{"Regulation 2022/585 amends 2021/1147", "32022R0585", emnkg.RelAmends, "32021R1147", false},
		{"the proposal led to the Decision", "la-com-2007-466", emnkg.RelProposalFor, "32008D0381", false},
		{"the Irish decision relates to the Decision", "la-dec-2009-350", emnkg.RelRelatesTo, "32008D0381", false},
		{"DG HOME is part of the Commission", "org-dg-home", emnkg.RelPartOf, "org-european-commission", true},
		{"ICF serves the EMN", "org-icf", emnkg.RelProvidesServicesTo, "net-emn", false},
		{"Austria is an EMN member", "AT", emnkg.RelMemberOf, "net-emn", false},
		{"Norway observes the EMN", "NO", emnkg.RelObserverOf, "net-emn", false},
		{"Georgia observes the EMN", "GE", emnkg.RelObserverOf, "net-emn", false},
		{"BAMF is in Germany", "org-bamf", emnkg.RelLocatedIn, "DE", false},
		{"the NO NCP is in the network of NCPs", "ncp-NO", emnkg.RelMemberOf, "net-emn-ncps", false},
		{"the Platform on Statelessness is part of the EMN", "net-platform-statelessness", emnkg.RelPartOf, "net-emn", false},
		{"the German factsheet reports on Germany", "pub-cf-de-2014", emnkg.RelReportsOn, "DE", false},
		{"the NL NCP published its report", "pub-nl-organisation-2012", emnkg.RelPublishedBy, "ncp-NL", false},
		{"the NL NCP contributed to its report", "ncp-NL", emnkg.RelContributedTo, "pub-nl-organisation-2012", false},
		{"the Irish NCP published its report", "pub-ie-arm-2022", emnkg.RelPublishedBy, "ncp-IE", false},
		{"REG published its directory", "pub-reg-directory-2014", emnkg.RelPublishedBy, "net-reg", false},
		{"the Maltese study has authors", "pub-mt-organisation-2008", emnkg.RelAuthoredBy, "person-martha-delicata", false},
		{"a glossary term is narrower", "refugee-status", emnkg.RelBroader, "international-protection", false},
		{"narrower lists are inverted", "applicant-in-need-of-special-procedural-guarantees", emnkg.RelBroader, "applicant-for-international-protection", false},
		{"related terms", "return", emnkg.RelRelated, "return-decision", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := ix.requireEdge(t, tt.from, tt.typ, tt.to)
			src, _ := e.Props["source"].(string)
			add, _ := e.Props["additionalSources"].([]string)
			if tt.wantSeed && src != SeedSource && !slices.Contains(add, SeedSource) {
				t.Errorf("%s does not cite the founding text: %v", e.ID, e.Props)
			}
		})
	}
	if got := ix.related("net-emn", emnkg.RelCoordinates, false); !reflect.DeepEqual(got, []string{"org-dg-home", "org-european-commission"}) {
		t.Errorf("net-emn coordinated by %v", got)
	}
	if got := ix.related("net-emn-steering-board", emnkg.RelChairs, false); !reflect.DeepEqual(got, []string{"org-european-commission"}) {
		t.Errorf("Steering Board chaired by %v", got)
	}
	if got := ix.related("net-emn-steering-board", emnkg.RelObserverOf, false); !reflect.DeepEqual(got, []string{"NO", "org-european-parliament"}) {
		t.Errorf("Steering Board observers %v", got)
	}
	if _, ok := ix.nodes["DK"]; !ok {
		t.Fatal("Denmark is missing")
	}
	for _, typ := range []emnkg.RelType{emnkg.RelMemberOf, emnkg.RelObserverOf} {
		if got := ix.related("DK", typ, true); len(got) != 0 {
			t.Errorf("Denmark %s %v", typ, got)
		}
	}
	// Service providers only.
	for _, id := range ix.related("net-emn", emnkg.RelProvidesServicesTo, false) {
		if k := ix.nodes[id].String("kind"); k != "service-provider" {
			t.Errorf("%s (%s) provides services to the EMN", id, k)
		}
	}
}

func TestSymmetricRelationshipsStoredOnce(t *testing.T) {
	g := mustGraph(t)
	for _, e := range g.Edges {
		if def, _ := emnkg.LookupRel(e.Type); def.Symmetric && e.From > e.To {
			t.Errorf("%s is not stored from the smaller ID", e.ID)
		}
	}
}

func TestNodes(t *testing.T) {
	ix := mustIndex(t)
	tests := []struct {
		id   string
		kind emnkg.Kind
		want map[string]any
	}{
		{"NO", emnkg.KindCountry, map[string]any{"name": "Norway", "euMember": false, "emnStatus": "observer", "joined": "2011-01-01"}},
		{"GR", emnkg.KindCountry, map[string]any{"emnCode": "EL", "euMember": true, "emnStatus": "member"}},
		{"DK", emnkg.KindCountry, map[string]any{"emnStatus": "none"}},
		{"ncp-NO", emnkg.KindNationalContactPoint, map[string]any{"name": "EMN National Contact Point Norway", "countryCode": "NO", "status": "current", "since": "2011-01-01"}},
		{"ncp-RO", emnkg.KindNationalContactPoint, map[string]any{"status": "unclear"}},
		{"org-icf", emnkg.KindOrganisation, map[string]any{"kind": "service-provider"}},
		{"net-emn", emnkg.KindNetwork, map[string]any{"established": "2008-05-14", "source": SeedSource}},
		{"net-vren", emnkg.KindNetwork, map[string]any{"uncertain": true}},
		{"fund-amif", emnkg.KindFund, map[string]any{"name": "Asylum, Migration and Integration Fund", "acronym": "AMIF", "source": SeedSource}},
		{"32008D0381", emnkg.KindDocument, map[string]any{"kind": "council-decision", "year": int64(2008), "celex": "32008D0381", "date": "2008-05-14"}},
		{"la-com-2007-466", emnkg.KindDocument, map[string]any{"kind": "commission-proposal", "year": int64(2007)}},
		{"pub-wp-2015-2016", emnkg.KindDocument, map[string]any{"kind": "work-programme"}},
		{"pub-wp-2017-2018", emnkg.KindDocument, map[string]any{"kind": "work-programme"}},
		{"pub-wp-2019-2020", emnkg.KindDocument, map[string]any{"kind": "work-programme", "uncertain": true}},
		{"pub-glossary-8-0", emnkg.KindDocument, map[string]any{"languageNote": "all EU Member State languages plus Norwegian, except Danish (as stated on the page)"}},
		{"person-joseph-st-john", emnkg.KindPerson, map[string]any{"name": "Joseph St. John"}},
		{"return", emnkg.KindGlossaryTerm, map[string]any{"prefLabel_en": "return", "prefLabel_de": "Rückkehr", "scheme": "emn-glossary", "sourceCelex": "32008L0115"}},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			n := ix.node(t, tt.id, tt.kind)
			for k, v := range tt.want {
				if got := n.Props[k]; !reflect.DeepEqual(got, v) {
					t.Errorf("%s = %#v, want %#v", k, got, v)
				}
			}
		})
	}
	if _, ok := ix.nodes["pub-glossary-8-0"].Props["languages"]; ok {
		t.Error("pub-glossary-8-0 has a languages list")
	}
	if got := ix.nodes["32022R0585"].Props["amendsOther"]; !reflect.DeepEqual(got, []string{"Regulation (EU) No 514/2014"}) {
		t.Errorf("amendsOther = %v", got)
	}
	for _, n := range ix.g.Nodes {
		if n.Kind == emnkg.KindOrganisation && n.String("countryCode") == "" {
			if _, ok := n.Props["countryCode"]; ok {
				t.Errorf("%s has an empty country code", n.ID)
			}
		}
	}
}

func TestWorkProgrammes(t *testing.T) {
	ix := mustIndex(t)
	for _, id := range []string{"pub-wp-2015-2016", "pub-wp-2017-2018", "pub-wp-2019-2020"} {
		t.Run(id, func(t *testing.T) {
			n := ix.node(t, id, emnkg.KindDocument)
			if n.String("kind") != "work-programme" {
				t.Errorf("kind = %q", n.String("kind"))
			}
			if got := ix.related(id, emnkg.RelPublishedBy, true); len(got) == 0 {
				t.Error("no publisher")
			}
		})
	}
}

func TestGlossaryTerms(t *testing.T) {
	ix := mustIndex(t)
	ret := ix.node(t, "return", emnkg.KindGlossaryTerm)
	for _, k := range []string{"prefLabel_en", "prefLabel_de", "prefLabel_fr", "definition_en", "source", "sourceTitle", "sourceUrl", "labelSourceUrl"} {
		if s, _ := ret.Props[k].(string); s == "" {
			t.Errorf("return: %s is empty", k)
		}
	}
	langs, _ := ret.Props["languages"].([]string)
	if !sort.StringsAreSorted(langs) || !slices.Contains(langs, "de") || !slices.Contains(langs, "en") {
		t.Errorf("return: languages %v", langs)
	}
	for _, n := range ix.g.Nodes {
		if n.Kind != emnkg.KindGlossaryTerm {
			continue
		}
		if n.String("prefLabel_en") == "" || n.String("definition_en") == "" {
			t.Errorf("%s lacks an English label or definition", n.ID)
		}
		if n.String("source") != n.String("sourceUrl") {
			t.Errorf("%s: source %q is not the definition's source URL", n.ID, n.String("source"))
		}
	}
	// RELATED is stored once per pair.
	pairs := map[[2]string]bool{}
	for _, e := range ix.g.Edges {
		if e.Type != emnkg.RelRelated {
			continue
		}
		p := [2]string{min(e.From, e.To), max(e.From, e.To)}
		if pairs[p] {
			t.Errorf("RELATED %v stored twice", p)
		}
		pairs[p] = true
	}
}

func TestTermUses(t *testing.T) {
	ix := mustIndex(t)
	n := 0
	for _, e := range ix.g.Edges {
		if e.Type != emnkg.RelUsesTerm {
			continue
		}
		n++
		if e.Props["method"] != usesTermMethod || e.Props["note"] != usesTermNote {
			t.Errorf("%s is not marked as derived: %v", e.ID, e.Props)
		}
		doc := ix.nodes[e.From]
		if e.Props["source"] != doc.Props["source"] {
			t.Errorf("%s: source is not the document's", e.ID)
		}
	}
	if n == 0 {
		t.Fatal("no USES_TERM relationships")
	}
	ix.requireEdge(t, "pub-return-2017", emnkg.RelUsesTerm, "return")
	ix.requireEdge(t, "pub-bip-travel-2018", emnkg.RelUsesTerm, "international-protection")

	labels := []termLabel{
		{lowerRunes("return"), "return"},
		{lowerRunes("return decision"), "return-decision"},
		{lowerRunes("entry ban"), "entry-ban"},
		{lowerRunes("re-entry ban"), "entry-ban"},
		{lowerRunes("international protection"), "international-protection"},
		{lowerRunes("applicant"), "applicant"},
	}
	tests := []struct {
		title string
		want  []string
	}{
		{"The Effectiveness of Return in the EU", []string{"return"}},
		{"Return Decisions", []string{"return"}}, // no plural forms
		{"A Return Decision and return", []string{"return-decision", "return"}},
		{"Return decision practice", []string{"return-decision"}},
		{"Re-entry bans", nil},
		{"The re-entry ban", []string{"entry-ban"}},
		{"Returning migrants", nil},
		{"Applicants' identity", nil},
		{"Beneficiaries of International Protection", []string{"international-protection"}},
		{"", nil},
	}
	for _, tt := range tests {
		t.Run(tt.title, func(t *testing.T) {
			if got := matchTerms(tt.title, labels); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("matchTerms(%q) = %v, want %v", tt.title, got, tt.want)
			}
		})
	}
}

func TestDeterministicAndFresh(t *testing.T) {
	a := mustGraph(t)
	b := mustGraph(t)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two calls returned different graphs")
	}
	// Changing one result leaves the next untouched.
	a.Nodes[0].Props["name"] = "changed"
	a.Edges[0].Props["source"] = "changed"
	if l, ok := a.Nodes[0].Props["additionalSources"].([]string); ok && len(l) > 0 {
		l[0] = "changed"
	}
	c := mustGraph(t)
	if !reflect.DeepEqual(b, c) {
		t.Fatal("a change to one result leaked into the next")
	}
}

func TestSlug(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Joseph St. John", "joseph-st-john"},
		{"Immigration Office (Romanian Immigration Office)", "immigration-office-romanian-immigration-office"},
		{"General Prosecutor's Office", "general-prosecutors-office"},
		{"  A--B  ", "a-b"},
		{"Ščř é", ""},
	}
	for _, tt := range tests {
		if got := slug(tt.in); got != tt.want {
			t.Errorf("slug(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestEmbeddedDataMatchesShared checks that the embedded copies are the
// shared originals byte for byte, where shared/ is beside the repository.
func TestEmbeddedDataMatchesShared(t *testing.T) {
	shared := filepath.Join("..", "..", "..", "shared")
	if _, err := os.Stat(shared); err != nil {
		t.Skipf("shared/ is absent (%v)", err)
	}
	tests := []struct {
		name     string
		embedded []byte
		original string
	}{
		{"about-emn.txt", []byte(aboutEMN), filepath.Join(shared, "seed", "about-emn.txt")},
		{"emn-facts.json", factsJSON, filepath.Join(shared, "data", "emn-facts.json")},
		{"glossary-terms.json", glossaryJSON, filepath.Join(shared, "data", "glossary-terms.json")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, err := os.ReadFile(tt.original)
			if err != nil {
				t.Fatalf("reading the original: %v", err)
			}
			if !bytes.Equal(tt.embedded, want) {
				t.Errorf("data/%s differs from %s; copy it again", tt.name, tt.original)
			}
		})
	}
}
