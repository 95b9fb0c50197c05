package storetest

import "github.com/emnkg/emnkg/internal/emnkg"

// Sizes of ExploreFixture.
const (
	exploreNodeCount = 25
	exploreEdgeCount = 43
)

// The relationships of ExploreFixture, by what they join.
var (
	xReprAT = eid("syn-ncp-at", emnkg.RelRepresents, "syn-country-at")
	xReprBE = eid("syn-ncp-be", emnkg.RelRepresents, "syn-country-be")
	xReprDE = eid("syn-ncp-de", emnkg.RelRepresents, "syn-country-de")
	xReprNO = eid("syn-ncp-no", emnkg.RelRepresents, "syn-country-no")

	xHostAT = eid("syn-ncp-at", emnkg.RelHostedBy, "syn-org-bfa")
	xHostBE = eid("syn-ncp-be", emnkg.RelHostedBy, "syn-org-fedasil")
	xHostDE = eid("syn-ncp-de", emnkg.RelHostedBy, "syn-org-bamf")

	xMemAT    = eid("syn-country-at", emnkg.RelMemberOf, "syn-net-emn")
	xMemBE    = eid("syn-country-be", emnkg.RelMemberOf, "syn-net-emn")
	xMemDE    = eid("syn-country-de", emnkg.RelMemberOf, "syn-net-emn")
	xMemNO    = eid("syn-country-no", emnkg.RelMemberOf, "syn-net-emn")
	xMemNCPAT = eid("syn-ncp-at", emnkg.RelMemberOf, "syn-net-emn")
	xMemBFA   = eid("syn-org-bfa", emnkg.RelMemberOf, "syn-net-emn")

	xConATAsylum   = eid("syn-ncp-at", emnkg.RelContributedTo, "syn-doc-asylum")
	xConATReturn   = eid("syn-ncp-at", emnkg.RelContributedTo, "syn-doc-return")
	xConBEAsylum   = eid("syn-ncp-be", emnkg.RelContributedTo, "syn-doc-asylum")
	xConDEReturn   = eid("syn-ncp-de", emnkg.RelContributedTo, "syn-doc-return")
	xConDEMinors   = eid("syn-ncp-de", emnkg.RelContributedTo, "syn-doc-minors")
	xConBAMFReturn = eid("syn-org-bamf", emnkg.RelContributedTo, "syn-doc-return")
	xConNOMinors   = eid("syn-ncp-no", emnkg.RelContributedTo, "syn-doc-minors")

	xUseAsylum   = eid("syn-doc-asylum", emnkg.RelUsesTerm, "syn-term-asylum")
	xUseAsylum2  = emnkg.EdgeID("syn-doc-asylum", emnkg.RelUsesTerm, "syn-term-asylum", "p2")
	xUseRefugee  = eid("syn-doc-asylum", emnkg.RelUsesTerm, "syn-term-refugee")
	xUseReturn   = eid("syn-doc-return", emnkg.RelUsesTerm, "syn-term-return")
	xUseAVR      = eid("syn-doc-return", emnkg.RelUsesTerm, "syn-term-avr")
	xUseMinors   = eid("syn-doc-minors", emnkg.RelUsesTerm, "syn-term-asylum")
	xUseGloMigr  = eid("syn-doc-glossary", emnkg.RelUsesTerm, "syn-term-migration")
	xUseGloRetur = eid("syn-doc-glossary", emnkg.RelUsesTerm, "syn-term-return")

	xOnAsylumAT = eid("syn-doc-asylum", emnkg.RelReportsOn, "syn-country-at")
	xOnAsylumBE = eid("syn-doc-asylum", emnkg.RelReportsOn, "syn-country-be")
	xOnReturnAT = eid("syn-doc-return", emnkg.RelReportsOn, "syn-country-at")
	xOnMinorsDE = eid("syn-doc-minors", emnkg.RelReportsOn, "syn-country-de")

	xPubGlossary = eid("syn-doc-glossary", emnkg.RelPublishedBy, "syn-net-emn")
	xPubReturn   = eid("syn-doc-return", emnkg.RelPublishedBy, "syn-ncp-at")

	xLoop   = eid("syn-doc-glossary", emnkg.RelRelatesTo, "syn-doc-glossary")
	xRelReg = eid("syn-doc-reg", emnkg.RelRelatesTo, "syn-doc-asylum")

	xBrReturn      = eid("syn-term-return", emnkg.RelBroader, "syn-term-migration")
	xBrForced      = eid("syn-term-forced", emnkg.RelBroader, "syn-term-return")
	xBrVoluntary   = eid("syn-term-voluntary", emnkg.RelBroader, "syn-term-return")
	xBrAVRVolunt   = eid("syn-term-avr", emnkg.RelBroader, "syn-term-voluntary")
	xBrAVRReturn   = eid("syn-term-avr", emnkg.RelBroader, "syn-term-return")
	xRelAsylumRefu = eid("syn-term-asylum", emnkg.RelRelated, "syn-term-refugee")
	xRelMigrAsylum = eid("syn-term-migration", emnkg.RelRelated, "syn-term-asylum")
)

// ExploreFixture returns a new copy of the small, hand-built, synthetic
// graph that RunExplorer queries: 5 countries, 4 national contact points, 3
// organisations, 1 network, 5 documents and 7 glossary terms, joined by 43
// relationships. It holds texts with accents in several languages (labels,
// alternative and hidden labels, definitions, scope notes), texts in
// properties that are not searchable, a BROADER hierarchy with two paths
// between some terms, two parallel relationships between one pair of
// nodes, a relationship from a node to itself and a node without any.
// Every node has synthetic=true and an ID starting "syn-".
func ExploreFixture() *emnkg.Graph {
	c, ncp, org := emnkg.KindCountry, emnkg.KindNationalContactPoint, emnkg.KindOrganisation
	d, g := emnkg.KindDocument, emnkg.KindGlossaryTerm
	nodes := []*emnkg.Node{
		node("syn-country-at", c, map[string]any{"name": "Austria", "emnCode": "AT", "euMember": true,
			"emnStatus": "member", "joined": "2008-05-14"}),
		node("syn-country-be", c, map[string]any{"name": "Belgium", "emnCode": "BE", "euMember": true,
			"emnStatus": "member"}),
		node("syn-country-de", c, map[string]any{"name": "Germany", "emnCode": "DE", "euMember": true,
			"emnStatus": "member"}),
		node("syn-country-no", c, map[string]any{"name": "Norway", "emnCode": "NO", "euMember": false,
			"emnStatus": "observer", "uncertain": true}),
		node("syn-country-zz", c, map[string]any{"emnCode": "ZZ", "note": "placeholder without a name"}),

		node("syn-ncp-at", ncp, map[string]any{"name": "EMN Austria", "countryCode": "AT", "status": "active"}),
		node("syn-ncp-be", ncp, map[string]any{"name": "EMN Belgium", "countryCode": "BE", "status": "active"}),
		node("syn-ncp-de", ncp, map[string]any{"name": "EMN Germany", "countryCode": "DE", "status": "inactive"}),
		node("syn-ncp-no", ncp, map[string]any{"name": "EMN Norway", "countryCode": "NO"}),

		node("syn-org-bfa", org, map[string]any{"name": "Bundesamt für Fremdenwesen und Asyl", "acronym": "BFA",
			"kind": "ministry", "countryCode": "AT", "uncertain": true}),
		node("syn-org-fedasil", org, map[string]any{"name": "Fedasil", "kind": "agency", "countryCode": "BE"}),
		node("syn-org-bamf", org, map[string]any{"name": "Bundesamt für Migration und Flüchtlinge",
			"acronym": "BAMF", "kind": "agency", "countryCode": "DE"}),

		node("syn-net-emn", emnkg.KindNetwork, map[string]any{"name": "European Migration Network",
			"acronym": "EMN", "kind": "network"}),

		node("syn-doc-asylum", d, map[string]any{"title": "Asylum statistics 2021", "kind": "report",
			"year": int64(2021), "abstract": "Annual figures on asylum applications."}),
		node("syn-doc-minors", d, map[string]any{"title": "Unaccompanied minors", "kind": "study",
			"year": int64(2020)}),
		node("syn-doc-return", d, map[string]any{"title": "Rückkehr und Reintegration", "kind": "study",
			"year": int64(2020), "publisher": "EMN Österreich"}),
		node("syn-doc-glossary", d, map[string]any{"title": "EMN Glossary", "kind": "glossary",
			"year": int64(2022)}),
		node("syn-doc-reg", d, map[string]any{"title": "Regulation on statistics", "kind": "regulation",
			"year": int64(2007), "celex": "32007R0862", "text": "The full text mentions zebrafish.",
			"note": "placeholder"}),

		node("syn-term-migration", g, map[string]any{"prefLabel_en": "migration", "prefLabel_de": "Migration",
			"prefLabel_fr": "migration", "scheme": "emn"}),
		node("syn-term-return", g, map[string]any{"prefLabel_en": "return", "prefLabel_de": "Rückkehr",
			"prefLabel_fr": "retour", "altLabels_en": []string{"repatriation"},
			"hiddenLabels_en": []string{"retrun"},
			"definition_en":   "The movement of a person going back to their country of origin.",
			"scheme":          "emn"}),
		node("syn-term-forced", g, map[string]any{"prefLabel_en": "forced return", "prefLabel_de": "Rückführung",
			"altLabels_de": []string{"Abschiebung"}, "scheme": "emn"}),
		node("syn-term-voluntary", g, map[string]any{"prefLabel_en": "voluntary return",
			"prefLabel_fr": "retour volontaire", "scheme": "emn"}),
		node("syn-term-avr", g, map[string]any{"prefLabel_en": "assisted voluntary return",
			"altLabels_en": []string{"AVR", "AVRR"}, "scopeNote_en": "Includes reintegration support.",
			"scheme": "emn"}),
		node("syn-term-asylum", g, map[string]any{"prefLabel_en": "asylum", "prefLabel_de": "Asyl",
			"prefLabel_fr": "asile", "definition_fr": "Une forme de protection.", "scheme": "emn"}),
		node("syn-term-refugee", g, map[string]any{"prefLabel_en": "refugee", "prefLabel_fr": "réfugié",
			"scheme": "unhcr"}),
	}
	rp, hb, mo := emnkg.RelRepresents, emnkg.RelHostedBy, emnkg.RelMemberOf
	ct, ut, ro := emnkg.RelContributedTo, emnkg.RelUsesTerm, emnkg.RelReportsOn
	pb, rt, br, rl := emnkg.RelPublishedBy, emnkg.RelRelatesTo, emnkg.RelBroader, emnkg.RelRelated
	edges := []*emnkg.Edge{
		edge("syn-ncp-at", rp, "syn-country-at", "", nil),
		edge("syn-ncp-be", rp, "syn-country-be", "", nil),
		edge("syn-ncp-de", rp, "syn-country-de", "", nil),
		edge("syn-ncp-no", rp, "syn-country-no", "", nil),

		edge("syn-ncp-at", hb, "syn-org-bfa", "", map[string]any{"since": "2008-05-14"}),
		edge("syn-ncp-be", hb, "syn-org-fedasil", "", nil),
		edge("syn-ncp-de", hb, "syn-org-bamf", "", nil),

		edge("syn-country-at", mo, "syn-net-emn", "", map[string]any{"role": "member"}),
		edge("syn-country-be", mo, "syn-net-emn", "", map[string]any{"role": "member"}),
		edge("syn-country-de", mo, "syn-net-emn", "", map[string]any{"role": "member"}),
		edge("syn-country-no", mo, "syn-net-emn", "", map[string]any{"role": "observer", "uncertain": true}),
		edge("syn-ncp-at", mo, "syn-net-emn", "", nil),
		edge("syn-org-bfa", mo, "syn-net-emn", "", map[string]any{"role": "partner"}),

		edge("syn-ncp-at", ct, "syn-doc-asylum", "", map[string]any{"role": "lead"}),
		edge("syn-ncp-at", ct, "syn-doc-return", "", nil),
		edge("syn-ncp-be", ct, "syn-doc-asylum", "", nil),
		edge("syn-ncp-de", ct, "syn-doc-return", "", nil),
		edge("syn-ncp-de", ct, "syn-doc-minors", "", nil),
		edge("syn-org-bamf", ct, "syn-doc-return", "", nil),
		edge("syn-ncp-no", ct, "syn-doc-minors", "", nil),

		edge("syn-doc-asylum", ut, "syn-term-asylum", "", map[string]any{"source": "p. 1"}),
		edge("syn-doc-asylum", ut, "syn-term-asylum", "p2", map[string]any{"source": "p. 2", "note": "second mention"}),
		edge("syn-doc-asylum", ut, "syn-term-refugee", "", nil),
		edge("syn-doc-return", ut, "syn-term-return", "", nil),
		edge("syn-doc-return", ut, "syn-term-avr", "", nil),
		edge("syn-doc-minors", ut, "syn-term-asylum", "", nil),
		edge("syn-doc-glossary", ut, "syn-term-migration", "", nil),
		edge("syn-doc-glossary", ut, "syn-term-return", "", nil),

		edge("syn-doc-asylum", ro, "syn-country-at", "", nil),
		edge("syn-doc-asylum", ro, "syn-country-be", "", nil),
		edge("syn-doc-return", ro, "syn-country-at", "", nil),
		edge("syn-doc-minors", ro, "syn-country-de", "", nil),

		edge("syn-doc-glossary", pb, "syn-net-emn", "", nil),
		edge("syn-doc-return", pb, "syn-ncp-at", "", map[string]any{"note": "national edition"}),

		edge("syn-doc-glossary", rt, "syn-doc-glossary", "", map[string]any{"note": "loop"}),
		edge("syn-doc-reg", rt, "syn-doc-asylum", "", nil),

		edge("syn-term-return", br, "syn-term-migration", "", nil),
		edge("syn-term-forced", br, "syn-term-return", "", nil),
		edge("syn-term-voluntary", br, "syn-term-return", "", nil),
		edge("syn-term-avr", br, "syn-term-voluntary", "", nil),
		edge("syn-term-avr", br, "syn-term-return", "", map[string]any{"note": "shortcut"}),

		edge("syn-term-asylum", rl, "syn-term-refugee", "", nil),
		edge("syn-term-migration", rl, "syn-term-asylum", "", nil),
	}
	return &emnkg.Graph{Nodes: nodes, Edges: edges}
}
