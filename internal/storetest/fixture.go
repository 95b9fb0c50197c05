package storetest

import (
	"fmt"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// Sizes of Fixture.
const (
	fixtureNodeCount = 25
	fixtureEdgeCount = 26
)

const netEMN = "syn-net-emn"

func node(id string, kind emnkg.Kind, props map[string]any) *emnkg.Node {
	props["synthetic"] = true
	return &emnkg.Node{ID: id, Kind: kind, Props: props}
}

func edge(from string, t emnkg.RelType, to, key string, props map[string]any) *emnkg.Edge {
	return &emnkg.Edge{ID: emnkg.EdgeID(from, t, to, key), Type: t, From: from, To: to, Props: props}
}

// eid returns the ID of the edge from-t->to without a key.
func eid(from string, t emnkg.RelType, to string) string { return emnkg.EdgeID(from, t, to, "") }

// memberOf returns the ID of the MEMBER_OF edge from id to the network.
func memberOf(id string) string { return eid(id, emnkg.RelMemberOf, netEMN) }

// usesTerm returns the ID of the USES_TERM edge from syn-doc-<doc> to
// syn-term-<term>.
func usesTerm(doc, term string) string {
	return eid("syn-doc-"+doc, emnkg.RelUsesTerm, "syn-term-"+term)
}

// Fixture returns a new copy of the small, hand-built, synthetic graph that
// the suite's read tests query: 8 countries, 3 organisations, 3 national
// contact points, 1 network, 6 documents and 4 glossary terms, joined by 26
// relationships. Every node has synthetic=true and an ID starting "syn-".
// Stores may normalise the graph in place, so every call builds a new one.
func Fixture() *emnkg.Graph {
	c := emnkg.KindCountry
	nodes := []*emnkg.Node{
		node("syn-country-at", c, map[string]any{"name": "Austria", "emnCode": "AT", "euMember": true,
			"emnStatus": "member", "joined": "2008-05-14", "uncertain": false,
			"conflictingSources": []string{"source-a", "source-b"}, "source": "synthetic fixture"}),
		node("syn-country-ax", c, map[string]any{"name": "Åland Islands", "emnCode": "AX", "emnStatus": "other"}),
		node("syn-country-be", c, map[string]any{"name": "Belgium", "emnCode": "BE", "euMember": true,
			"emnStatus": "member", "joined": "2008-05-14"}),
		node("syn-country-dk", c, map[string]any{"name": "Denmark", "emnCode": "DK", "euMember": true,
			"emnStatus": "observer", "uncertain": true, "joinedNote": "never joined"}),
		node("syn-country-fr", c, map[string]any{"name": "France", "emnCode": "FR", "euMember": true,
			"emnStatus": "member", "joined": "2008-12-01"}),
		node("syn-country-ge", c, map[string]any{"name": "Georgia", "emnCode": "GE", "euMember": false,
			"emnStatus": "observer", "joined": "2016-03-01", "uncertain": false}),
		node("syn-country-no", c, map[string]any{"name": "Norway", "emnCode": "NO", "euMember": false,
			"emnStatus": "observer", "joined": "2011-01-01", "uncertain": true}),
		node("syn-country-zz", c, map[string]any{"emnCode": "ZZ", "note": "placeholder with no name"}),

		node("syn-org-bfa", emnkg.KindOrganisation, map[string]any{"name": "Federal Office for Immigration and Asylum",
			"kind": "ministry", "countryCode": "AT", "acronym": "BFA"}),
		node("syn-org-fedasil", emnkg.KindOrganisation, map[string]any{"name": "Fedasil", "kind": "agency",
			"countryCode": "BE", "serviceProviderPeriods": []string{"2008-2012", "2015-"}}),
		node("syn-org-udi", emnkg.KindOrganisation, map[string]any{"name": "Directorate of Immigration",
			"kind": "agency", "countryCode": "NO"}),

		node("syn-ncp-at", emnkg.KindNationalContactPoint, map[string]any{"name": "EMN Austria",
			"countryCode": "AT", "status": "active", "since": "2008-05-14"}),
		node("syn-ncp-be", emnkg.KindNationalContactPoint, map[string]any{"name": "EMN Belgium",
			"countryCode": "BE", "status": "active", "since": "2008-05-14"}),
		node("syn-ncp-no", emnkg.KindNationalContactPoint, map[string]any{"name": "EMN Norway",
			"countryCode": "NO", "status": "active", "since": "2011-01-01", "role": "observer"}),

		node(netEMN, emnkg.KindNetwork, map[string]any{"name": "European Migration Network", "kind": "network",
			"established": "2008-05-14", "acronym": "EMN"}),

		node("syn-doc-1", emnkg.KindDocument, map[string]any{"title": "Annual Report 2020", "kind": "report",
			"year": int64(2020), "date": "2021-06-01", "languages": []string{"en", "de"}, "publisher": "EMN"}),
		node("syn-doc-2", emnkg.KindDocument, map[string]any{"title": "Annual Report 2021", "kind": "report",
			"year": int64(2021), "date": "2022-06-01"}),
		node("syn-doc-3", emnkg.KindDocument, map[string]any{"title": "EMN Glossary 8.0", "kind": "glossary",
			"year": int64(2022)}),
		node("syn-doc-4", emnkg.KindDocument, map[string]any{"title": "Inform on asylum", "kind": "inform",
			"year": int64(2019), "date": "2019-12-31", "abstract": "A short synthetic abstract."}),
		node("syn-doc-5", emnkg.KindDocument, map[string]any{"title": "Undated note", "note": "no year"}),
		node("syn-doc-6", emnkg.KindDocument, map[string]any{"title": "Ancient charter", "kind": "charter",
			"year": int64(999), "date": "0999-01-01"}),

		node("syn-term-asylum", emnkg.KindGlossaryTerm, map[string]any{"prefLabel_en": "asylum",
			"prefLabel_fr": "asile", "prefLabel_de": "Asyl", "altLabels_fr": []string{"droit d'asile"},
			"scheme": "emn-glossary", "languages": []string{"de", "en", "fr"},
			"definition_en": "A form of protection given by a State on its territory."}),
		node("syn-term-migrant", emnkg.KindGlossaryTerm, map[string]any{"prefLabel_en": "migrant",
			"prefLabel_fr": "migrant", "altLabels_en": []string{"migrants"}, "scheme": "emn-glossary"}),
		node("syn-term-refugee", emnkg.KindGlossaryTerm, map[string]any{"prefLabel_en": "refugee",
			"prefLabel_fr": "réfugié", "prefLabel_de": "Flüchtling",
			"altLabels_en": []string{"refugees", "displaced person"}, "scheme": "emn-glossary"}),
		node("syn-term-stateless", emnkg.KindGlossaryTerm, map[string]any{"prefLabel_en": "stateless person",
			"prefLabel_fr": "apatride", "scheme": "unhcr"}),
	}
	hb, rep, mo := emnkg.RelHostedBy, emnkg.RelRepresents, emnkg.RelMemberOf
	rel, ut := emnkg.RelRelated, emnkg.RelUsesTerm
	edges := []*emnkg.Edge{
		edge("syn-ncp-at", hb, "syn-org-bfa", "", map[string]any{"since": "2008-05-14", "role": "host",
			"source": "synthetic fixture"}),
		edge("syn-ncp-be", hb, "syn-org-fedasil", "", map[string]any{"since": "2008-05-14"}),
		edge("syn-ncp-no", hb, "syn-org-udi", "", map[string]any{"since": "2011-01-01", "until": "2015-12-31",
			"status": "ended"}),
		edge("syn-ncp-no", hb, "syn-org-udi", "2016", map[string]any{"since": "2016-01-01", "status": "active",
			"uncertain": false, "additionalSources": []string{"a", "b"}}),

		edge("syn-ncp-at", rep, "syn-country-at", "", nil),
		edge("syn-ncp-be", rep, "syn-country-be", "", nil),
		edge("syn-ncp-no", rep, "syn-country-no", "", nil),

		edge("syn-country-at", mo, netEMN, "", map[string]any{"since": "2008-05-14", "role": "member"}),
		edge("syn-country-be", mo, netEMN, "", map[string]any{"since": "2008-05-14", "role": "member"}),
		edge("syn-country-dk", mo, netEMN, "", map[string]any{"role": "observer"}),
		edge("syn-country-fr", mo, netEMN, "", map[string]any{"since": "2008-12-01", "role": "member"}),
		edge("syn-country-ge", mo, netEMN, "", map[string]any{"since": "2016-03-01", "role": "observer"}),
		edge("syn-country-no", mo, netEMN, "", map[string]any{"since": "2011-01-01", "role": "observer",
			"uncertain": true}),
		edge("syn-ncp-at", mo, netEMN, "", map[string]any{"since": "2008-05-14", "role": "contact point"}),
		edge("syn-org-bfa", mo, netEMN, "", map[string]any{"role": "partner"}),

		edge("syn-term-asylum", rel, "syn-term-refugee", "", map[string]any{"source": "glossary"}),
		edge("syn-term-stateless", rel, "syn-term-refugee", "", nil),
		edge("syn-term-migrant", rel, "syn-term-asylum", "", nil),

		edge("syn-doc-1", ut, "syn-term-asylum", "", map[string]any{"source": "p. 3"}),
		edge("syn-doc-1", ut, "syn-term-refugee", "", map[string]any{"source": "p. 7"}),
		edge("syn-doc-2", ut, "syn-term-asylum", "", nil),
		edge("syn-doc-3", ut, "syn-term-asylum", "", nil),
		edge("syn-doc-3", ut, "syn-term-migrant", "", nil),
		edge("syn-doc-3", ut, "syn-term-refugee", "", nil),
		edge("syn-doc-3", ut, "syn-term-stateless", "", nil),
		edge("syn-doc-4", ut, "syn-term-asylum", "", map[string]any{"status": "draft"}),
	}
	return &emnkg.Graph{Nodes: nodes, Edges: edges}
}

// fixtureStats is what a store holds after importing Fixture.
func fixtureStats() *emnkg.GraphStats {
	return fullStats(map[emnkg.Kind]int{
		emnkg.KindCountry: 8, emnkg.KindOrganisation: 3, emnkg.KindNationalContactPoint: 3,
		emnkg.KindNetwork: 1, emnkg.KindDocument: 6, emnkg.KindGlossaryTerm: 4,
	}, map[emnkg.RelType]int{
		emnkg.RelHostedBy: 4, emnkg.RelRepresents: 3, emnkg.RelMemberOf: 8, emnkg.RelRelated: 3,
		emnkg.RelUsesTerm: 8,
	})
}

// index holds the expected nodes (at version 1) and edges of a graph by ID.
type index struct {
	nodes map[string]*emnkg.Node
	edges map[string]*emnkg.Edge
}

func newIndex(g *emnkg.Graph) *index {
	ix := &index{nodes: map[string]*emnkg.Node{}, edges: map[string]*emnkg.Edge{}}
	for _, n := range g.Nodes {
		c := *n
		c.Version = 1
		ix.nodes[n.ID] = &c
	}
	for _, e := range g.Edges {
		ix.edges[e.ID] = e
	}
	return ix
}

// Sizes of Generated.
const (
	genDocs  = 250
	genTerms = 50
)

func genDocID(i int) string  { return fmt.Sprintf("syn-gen-doc-%03d", i) }
func genTermID(j int) string { return fmt.Sprintf("syn-gen-term-%02d", j) }

// Generated returns a new copy of a deterministic, synthetic graph of 250
// documents and 50 glossary terms joined by 334 USES_TERM relationships, for
// the pagination tests. Properties are missing in a regular pattern (every
// tenth document has no year, every fourth no date) so that sorts meet
// absent values and ties.
func Generated() *emnkg.Graph {
	g := &emnkg.Graph{}
	kinds := []string{"report", "inform", "study"}
	for i := range genDocs {
		p := map[string]any{
			"title": fmt.Sprintf("Generated document %03d", i),
			"kind":  kinds[i%3],
		}
		year := int64(1990 + (i*7)%30)
		if i%10 != 0 {
			p["year"] = year
		}
		if i%4 != 0 {
			p["date"] = fmt.Sprintf("%04d-%02d-01", year, 1+i%12)
		}
		if i%5 == 0 {
			p["uncertain"] = true
		}
		g.Nodes = append(g.Nodes, node(genDocID(i), emnkg.KindDocument, p))
	}
	for j := range genTerms {
		g.Nodes = append(g.Nodes, node(genTermID(j), emnkg.KindGlossaryTerm,
			map[string]any{"prefLabel_en": fmt.Sprintf("term %02d", j)}))
	}
	for i := range genDocs {
		props := map[string]any{}
		if i%2 == 0 {
			props["since"] = fmt.Sprintf("20%02d-01-01", i%20)
		}
		g.Edges = append(g.Edges, edge(genDocID(i), emnkg.RelUsesTerm, genTermID(i%genTerms), "", props))
		if i%3 == 0 {
			g.Edges = append(g.Edges, edge(genDocID(i), emnkg.RelUsesTerm, genTermID((i*7+3)%genTerms), "",
				map[string]any{"role": "secondary"}))
		}
	}
	return g
}
