// Package seed builds the built-in factual dataset of the EMN knowledge
// graph from sourced data files that the binary carries (see data/): the
// founding text "About the EMN", the EMN facts and the glossary terms.
//
// Every node and relationship carries the source of the record it came
// from. Relationships that rest on the founding text carry the source
// SeedSource and a note quoting the sentence they rest on. Nothing is
// invented: free-text fields are mapped to nodes by hand (mapping.go), and
// the only derived relationships (USES_TERM) are marked with their method.
package seed

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// SeedSource is the source of facts taken from the founding text.
const SeedSource = "seed: About the EMN"

var (
	//go:embed data/about-emn.txt
	aboutEMN string
	//go:embed data/emn-facts.json
	factsJSON []byte
	//go:embed data/glossary-terms.json
	glossaryJSON []byte
)

// AboutEMN returns the founding text that facts with source SeedSource
// come from.
func AboutEMN() string { return aboutEMN }

// Sentences of the founding text that relationships rest on.
const (
	qEstablished     = "The EMN was legally established under Council Decision 2008/381/EC, as amended."
	qAmended         = "The European Migration Network was legally established in 2008 (Council Decision 2008/381/EC) and amended by Regulation (EU) No 516/2014 of the European Parliament and of the Council in April 2014."
	qCoordinates     = "The European Commission (Directorate-General for Migration and Home Affairs) coordinates the European Migration Network."
	qServiceProvider = "The European Commission is assisted in its coordination role by service providers."
	qBoardGuidance   = "The EMN Steering Board provides strategic guidance on EMN activities."
	qBoard           = "It is chaired by the European Commission and comprised of one representative from all Member States, as well as observers from the European Parliament and Norway."
	qFunded          = "The EMN is funded by the European Commission through the Asylum, Migration and Integration Fund."
	qNCPFunding      = "A bi-annual budget is allocated to support EMN NCPs who are co-financed from national funds."
	qCollaborates    = "EMN collaborates with other EU level agencies and institutions and EU funded networks (European Reintegration Network (ERIN) and European Integrated Return Management Initiative (EURINT)) on legal and irregular migration and return."
)

// seedQuotes lists the sentences above, for the test that they are in the
// founding text word for word.
var seedQuotes = []string{qEstablished, qAmended, qCoordinates, qServiceProvider, qBoardGuidance,
	qBoard, qFunded, qNCPFunding, qCollaborates}

const seedNotePrefix = "Seed text: "

func seedNote(q string) string { return seedNotePrefix + `"` + q + `"` }

// seedProps are the properties of a relationship that rests on a sentence
// of the founding text, with the sources of the statement records that
// restate it.
func seedProps(q string, also ...[]string) props {
	return src(SeedSource, also...).str("note", seedNote(q))
}

// IDs of nodes the founding text names.
const (
	idEMN           = "net-emn"
	idBoard         = "net-emn-steering-board"
	idNCPNetwork    = "net-emn-ncps"
	idREG           = "net-reg"
	idERIN          = "net-erin"
	idEURINT        = "net-eurint"
	idCommission    = "org-european-commission"
	idDGHome        = "org-dg-home"
	idParliament    = "org-european-parliament"
	idAMIF          = "fund-amif"
	idDecision2008  = "32008D0381"
	establishesAMIF = "establishing the Asylum, Migration and Integration Fund"
)

// Graph returns the built-in dataset as nodes and relationships in a
// deterministic order. Each call returns a fresh graph that the caller may
// change. The graph passes emnkg.ValidateGraph and every relationship ends
// at one of its nodes.
func Graph() (*emnkg.Graph, error) {
	var facts factsFile
	if err := decodeStrict("emn-facts.json", factsJSON, &facts); err != nil {
		return nil, err
	}
	var meta factsMeta
	if err := json.Unmarshal(facts.Meta, &meta); err != nil {
		return nil, fmt.Errorf("seed: decoding emn-facts.json meta: %w", err)
	}
	if meta.Conventions.SeedMarker != SeedSource {
		return nil, fmt.Errorf("seed: the data's seed marker is %q, want %q", meta.Conventions.SeedMarker, SeedSource)
	}
	var glossary glossaryFile
	if err := decodeStrict("glossary-terms.json", glossaryJSON, &glossary); err != nil {
		return nil, err
	}
	s := &seeder{builder: newBuilder(), facts: &facts, glossary: &glossary,
		countries: map[string]*countryRec{}, orgs: map[string]*orgRec{}, nets: map[string]*networkRec{},
		statements: map[string]*statementRec{}, docIDs: map[string]string{}, ncps: map[string]string{}}
	s.build()
	g, err := s.graph()
	if err != nil {
		return nil, err
	}
	missing, err := emnkg.ValidateGraph(g)
	if err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("seed: relationships end at unknown nodes %v", missing)
	}
	return g, nil
}

// seeder turns the decoded records into a graph.
type seeder struct {
	*builder
	facts    *factsFile
	glossary *glossaryFile

	countries  map[string]*countryRec
	orgs       map[string]*orgRec
	nets       map[string]*networkRec
	statements map[string]*statementRec
	// docIDs maps legal-act record IDs to their node IDs (CELEX when known).
	docIDs map[string]string
	// ncps maps country codes to their NCP node IDs.
	ncps map[string]string
}

func (s *seeder) build() {
	for i := range s.facts.Statements {
		st := &s.facts.Statements[i]
		s.statements[st.ID] = st
	}
	s.addNode(idAMIF, emnkg.KindFund, src(SeedSource).
		str("name", "Asylum, Migration and Integration Fund").str("acronym", "AMIF"))
	s.buildCountries()
	s.buildOrganisations()
	s.buildNetworks()
	s.buildLegalActs()
	s.buildPublications()
	s.buildNCPs()
	s.buildPublicationEdges()
	s.buildOrganisationEdges()
	s.buildNetworkEdges()
	s.buildPeople()
	s.buildGlossary()
	s.buildTermUses()
}

// stmt returns the sources of a statement record, to add to the
// relationships it supports.
func (s *seeder) stmt(id string) []string {
	st, ok := s.statements[id]
	if !ok {
		s.fail("unknown statement %q", id)
		return nil
	}
	return append([]string{st.Source}, st.AdditionalSources...)
}

func (s *seeder) buildCountries() {
	for i := range s.facts.Countries {
		c := &s.facts.Countries[i]
		s.countries[c.ISO2] = c
		p := src(c.Source, c.AdditionalSources, []string{c.JoinedSource, c.EMNCodeSource}).
			str("name", c.Name).str("emnCode", c.EMNCode).str("emnStatus", c.EMNStatus).
			str("joined", c.Joined).str("joinedNote", c.JoinedNote).str("note", c.Note).
			list("conflictingSources", c.ConflictingSources)
		p["euMember"] = c.EUMember
		s.addNode(c.ISO2, emnkg.KindCountry, p)
	}
	for i := range s.facts.Countries {
		c := &s.facts.Countries[i]
		member := src(c.Source, c.AdditionalSources, []string{c.JoinedSource}).
			str("since", c.Joined).str("note", c.JoinedNote)
		switch c.EMNStatus {
		case "member":
			s.edge(c.ISO2, emnkg.RelMemberOf, idEMN, "", member)
			s.edge(c.ISO2, emnkg.RelMemberOf, idBoard, "",
				seedProps(qBoard, s.stmt("st-steering-board")).str("role", "representative"))
		case "observer":
			s.edge(c.ISO2, emnkg.RelObserverOf, idEMN, "", member)
		case "none":
		default:
			s.fail("country %s: unknown emnStatus %q", c.ISO2, c.EMNStatus)
		}
	}
	// The founding text names Norway an observer of the Steering Board.
	s.edge("NO", emnkg.RelObserverOf, idBoard, "", seedProps(qBoard, s.stmt("st-steering-board")))
}

// isCountry reports whether code is a country of the data (not "EU").
func (s *seeder) isCountry(code string) bool {
	_, ok := s.countries[code]
	return ok
}

func (s *seeder) buildOrganisations() {
	for i := range s.facts.Orgs {
		o := &s.facts.Orgs[i]
		s.orgs[o.ID] = o
		s.addNode(o.ID, emnkg.KindOrganisation, src(o.Source, o.AdditionalSources).
			str("name", o.Name).str("kind", o.Kind).str("countryCode", o.Country).str("note", o.Note).
			list("serviceProviderPeriods", o.SeenAsServiceProvider))
	}
}

func (s *seeder) buildNetworks() {
	for i := range s.facts.Networks {
		n := &s.facts.Networks[i]
		s.nets[n.ID] = n
		s.addNode(n.ID, emnkg.KindNetwork, src(n.Source, n.AdditionalSources).
			str("name", n.Name).str("kind", n.Kind).str("established", n.Established).
			str("description", n.Description).str("note", n.Note).flag("uncertain", n.Uncertain))
	}
}

// netSrc returns the sources of a network record, for relationships its
// text states.
func (s *seeder) netSrc(id string) props {
	n, ok := s.nets[id]
	if !ok {
		s.fail("unknown network %q", id)
		return src("unknown")
	}
	return src(n.Source, n.AdditionalSources)
}

// orgSrc returns the sources of an organisation record.
func (s *seeder) orgSrc(id string) props {
	o, ok := s.orgs[id]
	if !ok {
		s.fail("unknown organisation %q", id)
		return src("unknown")
	}
	return src(o.Source, o.AdditionalSources)
}

func (s *seeder) buildLegalActs() {
	for i := range s.facts.LegalActs {
		a := &s.facts.LegalActs[i]
		id := a.ID
		celex := ""
		if a.CELEX != nil && *a.CELEX != "" {
			celex = *a.CELEX
			id = celex
		}
		s.docIDs[a.ID] = id
		p := src(a.Source, a.AdditionalSources).
			str("title", a.Title).str("kind", a.Type).str("date", a.Date).str("celex", celex).
			str("eli", a.ELI).str("officialJournal", a.OfficialJournal).str("entryIntoForce", a.EntryIntoForce).
			str("legalBasis", a.LegalBasis).str("consolidatedVersion", a.ConsolidatedVersion).
			list("repeals", a.Repeals).str("note", a.Note)
		if y, ok := yearOf(a.Date); ok {
			p["year"] = y
		}
		s.addNode(id, emnkg.KindDocument, p)
	}
	// The founding text: established by Decision 2008/381/EC, amended by
	// Regulation 516/2014. It comes first, so that its notes are kept when
	// the records state the same.
	s.edge(idEMN, emnkg.RelEstablishedBy, idDecision2008, "", seedProps(qEstablished, s.stmt("st-legal-basis")))
	s.edge("32014R0516", emnkg.RelAmends, idDecision2008, "", seedProps(qAmended, s.stmt("st-amended-2014")))
	// What each act's record says of the act itself (amends, led_to,
	// relatesTo) comes before what other records say of it (amendedBy,
	// proposal), so that a relationship's main source is the record of the
	// act it starts from.
	for i := range s.facts.LegalActs {
		a := &s.facts.LegalActs[i]
		id := s.docIDs[a.ID]
		rec := src(a.Source, a.AdditionalSources)
		var other []string
		for _, t := range a.Amends {
			if to, ok := s.docIDs[t]; ok {
				s.edge(id, emnkg.RelAmends, to, "", rec)
			} else {
				other = append(other, t)
			}
		}
		if len(other) > 0 {
			s.nodes[id].Props["amendsOther"] = other
		}
		if a.LedTo != "" {
			s.legalEdge(id, emnkg.RelProposalFor, a.LedTo, rec, "led_to")
		}
		for _, t := range a.RelatesTo {
			s.legalEdge(id, emnkg.RelRelatesTo, t, rec, "relatesTo")
		}
		if strings.Contains(a.Title, establishesAMIF) {
			s.edge(idAMIF, emnkg.RelEstablishedBy, id, "", rec)
		}
	}
	for i := range s.facts.LegalActs {
		a := &s.facts.LegalActs[i]
		id := s.docIDs[a.ID]
		rec := src(a.Source, a.AdditionalSources)
		for _, t := range a.AmendedBy {
			s.legalEdge(t, emnkg.RelAmends, id, rec, "amendedBy")
		}
		if a.Proposal != "" {
			s.legalEdge(a.Proposal, emnkg.RelProposalFor, id, rec, "proposal")
		}
	}
}

// legalEdge joins two legal acts given by record or node ID; both must be
// acts of the data.
func (s *seeder) legalEdge(from string, t emnkg.RelType, to string, p props, field string) {
	resolve := func(id string) (string, bool) {
		if n, ok := s.docIDs[id]; ok {
			return n, true
		}
		for _, n := range s.docIDs {
			if n == id {
				return n, true
			}
		}
		return "", false
	}
	f, ok1 := resolve(from)
	g, ok2 := resolve(to)
	if !ok1 || !ok2 {
		s.fail("legal act field %s: %q -> %q is not between acts of the data", field, from, to)
		return
	}
	s.edge(f, t, g, "", p)
}

// yearOf returns the year of an ISO date (YYYY, YYYY-MM or YYYY-MM-DD).
func yearOf(date string) (int64, bool) {
	if len(date) < 4 {
		return 0, false
	}
	var y int64
	for _, r := range date[:4] {
		if r < '0' || r > '9' {
			return 0, false
		}
		y = y*10 + int64(r-'0')
	}
	return y, true
}

func (s *seeder) buildPublications() {
	for i := range s.facts.Publications {
		pub := &s.facts.Publications[i]
		p := src(pub.Source, pub.AdditionalSources).
			str("title", pub.Title).str("kind", pub.Kind).str("yearBasis", pub.YearBasis).
			str("date", pub.Date).str("publisher", pub.Publisher).str("note", pub.Note).
			flag("uncertain", pub.Uncertain)
		if pub.Year != nil {
			p["year"] = *pub.Year
		}
		if pub.URL != nil {
			p.str("url", *pub.URL)
		}
		langs, langNote, err := pub.languages()
		if err != nil {
			s.fail("publication %s: languages: %v", pub.ID, err)
		}
		p.list("languages", langs).str("languageNote", langNote)
		s.addNode(pub.ID, emnkg.KindDocument, p)
	}
}

// buildPublicationEdges runs after the NCP nodes exist.
func (s *seeder) buildPublicationEdges() {
	usedPublishers := map[string]bool{}
	for i := range s.facts.Publications {
		pub := &s.facts.Publications[i]
		rec := src(pub.Source, pub.AdditionalSources)
		targets, ok := publishers[pub.Publisher]
		usedPublishers[pub.Publisher] = true
		if !ok {
			s.fail("publication %s: publisher %q is not mapped", pub.ID, pub.Publisher)
		}
		for _, t := range targets {
			s.edge(pub.ID, emnkg.RelPublishedBy, t, "", rec)
			if s.kindOf(t) == emnkg.KindNationalContactPoint {
				s.edge(t, emnkg.RelContributedTo, pub.ID, "", rec)
			}
		}
		if c, ok := reportsOn[pub.ID]; ok {
			s.edge(pub.ID, emnkg.RelReportsOn, c, "", rec)
		}
		for _, a := range pub.Authors {
			id := "person-" + slug(a)
			s.ensureNode(id, emnkg.KindPerson, src(pub.Source, pub.AdditionalSources).str("name", a))
			s.edge(pub.ID, emnkg.RelAuthoredBy, id, "", rec)
		}
		if pub.Kind == "work-programme" && pub.Publisher == "" {
			s.fail("work programme %s has no publisher", pub.ID)
		}
	}
	for name, targets := range publishers {
		if !usedPublishers[name] {
			s.fail("publisher mapping %q matches no publication", name)
		}
		for _, t := range targets {
			if s.kindOf(t) == "" {
				s.fail("publisher mapping %q names unknown node %q", name, t)
			}
		}
	}
	for id := range reportsOn {
		if s.kindOf(id) != emnkg.KindDocument {
			s.fail("reportsOn names unknown publication %q", id)
		}
	}
	// Facts stated in the notes of publication records.
	s.pubNoteEdge("pub-fr-arm-2019", "funded by AMIF", func(rec props) {
		s.edge("pub-fr-arm-2019", emnkg.RelFundedBy, idAMIF, "", rec)
	})
	s.pubNoteEdge("pub-detention-2014-inform", "IOM Slovakia (SK NCP coordinator) prepared a Slovak version", func(rec props) {
		s.edge("org-iom-slovakia", emnkg.RelContributedTo, "pub-detention-2014-inform", "",
			rec.with(props{"role": "prepared the Slovak version"}))
	})
	s.pubNoteEdge("pub-arm-2022", "Eurostat publishes a Statistical Annex alongside it", func(rec props) {
		s.edge("org-eurostat", emnkg.RelContributedTo, "pub-arm-2022", "",
			rec.with(props{"role": "Statistical Annex", "note": "Eurostat publishes a Statistical Annex alongside the report."}))
	})
}

// pubNoteEdge calls add with the sources of a publication record when its
// note states the given fact.
func (s *seeder) pubNoteEdge(id, fact string, add func(rec props)) {
	for i := range s.facts.Publications {
		pub := &s.facts.Publications[i]
		if pub.ID != id {
			continue
		}
		if !strings.Contains(pub.Note, fact) {
			s.fail("publication %s no longer states %q", id, fact)
			return
		}
		add(recordSrc(pub.Source, pub.AdditionalSources))
		return
	}
	s.fail("unknown publication %q", id)
}
