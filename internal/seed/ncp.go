package seed

import (
	"fmt"
	"strings"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// buildNCPs makes one NationalContactPoint node per country with NCP
// records, a HOSTED_BY relationship per record (former hosts too) and a
// PARTNER relationship per partner.
func (s *seeder) buildNCPs() {
	byCountry := map[string][]*ncpRec{}
	var order []string
	for i := range s.facts.NCPs {
		r := &s.facts.NCPs[i]
		if !s.isCountry(r.Country) {
			s.fail("NCP record for unknown country %q", r.Country)
			continue
		}
		if _, ok := byCountry[r.Country]; !ok {
			order = append(order, r.Country)
		}
		byCountry[r.Country] = append(byCountry[r.Country], r)
	}
	usedHosts := map[ncpKey]bool{}
	usedPartners := map[ncpKey]bool{}
	for _, cc := range order {
		recs := byCountry[cc]
		country := s.countries[cc]
		id := "ncp-" + cc
		s.ncps[cc] = id

		cur := recs[len(recs)-1]
		for _, r := range recs {
			if r.Status == "current" {
				cur = r
				break
			}
		}
		s.addNode(id, emnkg.KindNationalContactPoint, src(cur.Source, cur.AdditionalSources).
			str("name", "EMN National Contact Point "+country.Name).str("countryCode", cc).
			str("status", cur.Status).str("since", cur.Since).str("role", cur.Role).str("note", cur.Note))
		s.edge(id, emnkg.RelRepresents, cc, "", src(cur.Source, cur.AdditionalSources))

		// Resolve hosts first, to give a key to each of several records
		// of the same host.
		hosts := make([]string, len(recs))
		count := map[string]int{}
		for i, r := range recs {
			k := ncpKey{cc, r.HostOrganisation}
			org, ok := hostOrgs[k]
			if !ok {
				s.fail("NCP %s: host %q is not mapped", cc, r.HostOrganisation)
				continue
			}
			usedHosts[k] = true
			if org == createHost {
				org = "org-" + strings.ToLower(cc) + "-" + slug(r.HostOrganisation)
				s.ensureNode(org, emnkg.KindOrganisation, src(r.Source, r.AdditionalSources).
					str("name", r.HostOrganisation).str("kind", r.HostKind).str("countryCode", cc))
			} else if _, ok := s.orgs[org]; !ok {
				s.fail("NCP %s: host mapped to unknown organisation %q", cc, org)
				continue
			}
			hosts[i] = org
			count[org]++
		}
		for i, r := range recs {
			if hosts[i] == "" {
				continue
			}
			key := ""
			if count[hosts[i]] > 1 {
				key = r.Since
				if key == "" {
					key = fmt.Sprintf("record-%d", i+1)
				}
			}
			note := r.Note
			for _, o := range r.OtherReports {
				other := fmt.Sprintf("Other report: %q named as host by %s", o.HostOrganisation, o.Source)
				if o.Note != "" {
					other += " (" + strings.TrimSuffix(o.Note, ".") + ")"
				}
				note = strings.TrimSpace(note + " " + other + ".")
			}
			s.edge(id, emnkg.RelHostedBy, hosts[i], key, src(r.Source, r.AdditionalSources).
				str("status", r.Status).str("since", r.Since).str("until", r.Until).str("role", r.Role).
				str("note", note).flag("uncertain", r.Uncertain))

			for _, partner := range r.Partners {
				k := ncpKey{cc, partner}
				refs, ok := partnerOrgs[k]
				if !ok {
					s.fail("NCP %s: partner %q is not mapped", cc, partner)
					continue
				}
				usedPartners[k] = true
				for _, ref := range refs {
					if _, ok := s.orgs[ref.ID]; !ok {
						name := ref.Name
						if name == "" {
							name = partner
						}
						p := src(r.Source, r.AdditionalSources).str("name", name).str("kind", ref.Kind).
							str("countryCode", cc)
						if ref.Note != "" {
							p.str("note", fmt.Sprintf(ref.Note, partner))
						}
						s.ensureNode(ref.ID, emnkg.KindOrganisation, p)
					}
					s.edge(id, emnkg.RelPartner, ref.ID, "", src(r.Source, r.AdditionalSources).
						str("status", r.Status))
				}
			}
		}

		if country.EMNStatus == "member" {
			s.edge(id, emnkg.RelCoFinancedBy, cc, "", seedProps(qNCPFunding, s.stmt("st-funding")))
			s.edge(id, emnkg.RelFundedBy, idAMIF, "", seedProps(qNCPFunding, s.stmt("st-funding")))
		}
		// The record of the network of NCPs: "The national bodies, one per
		// participating country, that carry out EMN tasks nationally".
		s.edge(id, emnkg.RelMemberOf, idNCPNetwork, "", s.netSrc(idNCPNetwork))
	}
	for k := range hostOrgs {
		if !usedHosts[k] {
			s.fail("host mapping %v matches no NCP record", k)
		}
	}
	for k := range partnerOrgs {
		if !usedPartners[k] {
			s.fail("partner mapping %v matches no NCP record", k)
		}
	}
}

// buildOrganisationEdges adds the relationships of organisations: where
// they are, and what their records and the founding text say they do.
func (s *seeder) buildOrganisationEdges() {
	for _, n := range s.nodes {
		if n.Kind != emnkg.KindOrganisation {
			continue
		}
		cc := n.String("countryCode")
		if cc != "" && s.isCountry(cc) {
			add, _ := n.Props["additionalSources"].([]string)
			s.edge(n.ID, emnkg.RelLocatedIn, cc, "", src(n.String("source"), add))
		}
	}
	// Its name: "Directorate-General for Migration and Home Affairs (DG
	// HOME), European Commission".
	s.edge(idDGHome, emnkg.RelPartOf, idCommission, "", s.orgSrc(idDGHome))
	for i := range s.facts.Orgs {
		o := &s.facts.Orgs[i]
		if o.Kind == "service-provider" {
			p := src(o.Source, o.AdditionalSources, []string{SeedSource}, s.stmt("st-coordination")).
				str("note", seedNote(qServiceProvider))
			s.edge(o.ID, emnkg.RelProvidesServicesTo, idEMN, "", p)
		}
	}
	// Relationships stated in the notes of organisation records.
	s.orgNoteEdge("org-eurostat", "EU-level partner", emnkg.RelCollaboratesWith, idEMN, "")
	s.orgNoteEdge("org-jrc", "Listed among EMN partners", emnkg.RelCollaboratesWith, idEMN, "")
	s.orgNoteEdge("org-unhcr", "Partner; co-launched statelessness ad-hoc queries with the EMN", emnkg.RelCollaboratesWith, idEMN, "")
	s.orgNoteEdge("org-ens", "Worked with the EMN Platform on Statelessness", emnkg.RelCollaboratesWith, "net-platform-statelessness", "")
	s.orgNoteEdge("org-nl-rds", "Leads EURINT", emnkg.RelCoordinates, idEURINT, "lead")
	s.orgNoteEdge("org-nl-rds", "lead partner of ERRIN", emnkg.RelCoordinates, "net-errin", "lead partner")
	s.orgNoteEdge("org-icmpd", "Implementing partner of ERRIN", emnkg.RelProvidesServicesTo, "net-errin", "implementing partner")
}

// orgNoteEdge adds a relationship from an organisation whose record's note
// states it, with the record's sources and note.
func (s *seeder) orgNoteEdge(id, fact string, t emnkg.RelType, to, role string) {
	o, ok := s.orgs[id]
	if !ok {
		s.fail("unknown organisation %q", id)
		return
	}
	if !strings.Contains(o.Note, fact) {
		s.fail("organisation %s no longer states %q", id, fact)
		return
	}
	s.edge(id, t, to, "", recordSrc(o.Source, o.AdditionalSources).str("role", role).str("note", o.Note))
}

// recordSrc returns the sources of a record for a fact stated in its note
// or description. Where the record's main source is the founding text but
// the fact is not in it, its first other source comes first.
func recordSrc(source string, additional []string) props {
	if source == SeedSource {
		for _, a := range additional {
			if a != SeedSource {
				return src(a, []string{SeedSource}, additional)
			}
		}
	}
	return src(source, additional)
}

// buildNetworkEdges adds the relationships of networks that the founding
// text and the network records state.
func (s *seeder) buildNetworkEdges() {
	// The founding text (first, so that its notes are kept when the
	// records state the same relationship).
	s.edge(idCommission, emnkg.RelCoordinates, idEMN, "", seedProps(qCoordinates, s.stmt("st-coordination")))
	s.edge(idDGHome, emnkg.RelCoordinates, idEMN, "", seedProps(qCoordinates, s.stmt("st-coordination")))
	s.edge(idCommission, emnkg.RelChairs, idBoard, "", seedProps(qBoard, s.stmt("st-steering-board")))
	s.edge(idParliament, emnkg.RelObserverOf, idBoard, "", seedProps(qBoard, s.stmt("st-steering-board")))
	s.edge(idBoard, emnkg.RelPartOf, idEMN, "", seedProps(qBoardGuidance))
	s.edge(idEMN, emnkg.RelFundedBy, idAMIF, "", seedProps(qFunded, s.stmt("st-funding")))
	s.edge(idEMN, emnkg.RelCollaboratesWith, idERIN, "", seedProps(qCollaborates))
	s.edge(idEMN, emnkg.RelCollaboratesWith, idEURINT, "", seedProps(qCollaborates))
	for i := range s.facts.Networks {
		n := &s.facts.Networks[i]
		if n.CoordinatedBy != "" {
			s.edge(n.CoordinatedBy, emnkg.RelCoordinates, n.ID, "", src(n.Source, n.AdditionalSources, s.stmt("st-coordination")))
		}
		if n.ChairedBy != "" {
			s.edge(n.ChairedBy, emnkg.RelChairs, n.ID, "", src(n.Source, n.AdditionalSources, s.stmt("st-steering-board")))
		}
		if n.FundedBy != "" {
			if !strings.Contains(n.FundedBy, "Asylum, Migration and Integration Fund") {
				s.fail("network %s: fundedBy %q is not mapped", n.ID, n.FundedBy)
			} else {
				s.edge(n.ID, emnkg.RelFundedBy, idAMIF, "", src(n.Source, n.AdditionalSources, s.stmt("st-funding")))
			}
		}
	}

	reg := s.statements["st-reg-erin-eurint"]
	if reg == nil {
		s.fail("statement st-reg-erin-eurint is missing")
	} else {
		for _, to := range []string{idERIN, idEURINT} {
			s.edge(idREG, emnkg.RelCollaboratesWith, to, "", src(reg.Source, reg.AdditionalSources).
				str("note", reg.Statement))
		}
	}

	// Parts of the EMN: bodies whose records name them as EMN groups,
	// platforms or mechanisms.
	for _, id := range []string{idREG, idNCPNetwork, "net-platform-statelessness", "net-statelessness-wg",
		"net-gtwg", "net-ahq-wg", "net-iarc-wg", "net-wg-communication", "net-wg-statistics", "net-ies", "net-ahq"} {
		s.edge(id, emnkg.RelPartOf, idEMN, "", s.netSrc(id))
	}

	// Stated in the records' descriptions and notes.
	s.netTextEdge("net-erin", "AMIF-funded", func(rec props) {
		s.edge("net-erin", emnkg.RelFundedBy, idAMIF, "", rec)
	})
	s.netTextEdge("net-errin", "AMIF-funded", func(rec props) {
		s.edge("net-errin", emnkg.RelFundedBy, idAMIF, "", rec)
	})
	s.netTextEdge(idEURINT, "financed by AMIF", func(rec props) {
		s.edge(idEURINT, emnkg.RelFundedBy, idAMIF, "", rec)
	})
	s.netTextEdge(idEURINT, "network of Member State return authorities and Frontex", func(rec props) {
		s.edge("org-frontex", emnkg.RelMemberOf, idEURINT, "", rec)
	})
	s.netTextEdge(idEURINT, "launched in 2011 by NL, BE, DE and RO", func(rec props) {
		for _, cc := range []string{"NL", "BE", "DE", "RO"} {
			s.edge(cc, emnkg.RelMemberOf, idEURINT, "", rec.with(props{"role": "launching member",
				"note": "The Commission page says EURINT was launched in 2011 by NL, BE, DE and RO; a 2015 EURINT presentation says these four launched the first phase in 2010."}))
		}
	})
	s.netTextEdge("net-ncp-integration", "with which the EMN works at EU level", func(rec props) {
		s.edge("net-ncp-integration", emnkg.RelCollaboratesWith, idEMN, "", rec)
	})
	s.netTextEdge("net-platform-statelessness", "coordinated by the Luxembourg NCP (jointly with the Commission)", func(rec props) {
		s.edge(idCommission, emnkg.RelCoordinates, "net-platform-statelessness", "", rec.with(props{
			"note": "Coordinated by the Luxembourg NCP jointly with the Commission."}))
	})
	s.netTextEdge("net-statelessness-wg", "Members: LU (coordinator), EE, HU, IE, LV, NL and SE.", func(rec props) {
		for _, cc := range []string{"LU", "EE", "HU", "IE", "LV", "NL", "SE"} {
			role := ""
			if cc == "LU" {
				role = "coordinator"
			}
			s.edge("ncp-"+cc, emnkg.RelMemberOf, "net-statelessness-wg", "", rec.with(nil).str("role", role))
		}
	})
	s.netTextEdge("net-ies", "provided for in Decision 2008/381/EC", func(rec props) {
		s.edge("net-ies", emnkg.RelEstablishedBy, idDecision2008, "", rec.with(props{
			"note": "The system is provided for in Decision 2008/381/EC."}))
	})
}

// netTextEdge calls add with the sources of a network record when its
// description or note states the given fact.
func (s *seeder) netTextEdge(id, fact string, add func(rec props)) {
	n, ok := s.nets[id]
	if !ok {
		s.fail("unknown network %q", id)
		return
	}
	if !strings.Contains(n.Description, fact) && !strings.Contains(n.Note, fact) {
		s.fail("network %s no longer states %q", id, fact)
		return
	}
	add(recordSrc(n.Source, n.AdditionalSources))
}

// buildPeople adds the people that record notes name in a role.
func (s *seeder) buildPeople() {
	const ovilius = "https://www.euzatebe.rs/en/news/three-day-workshop-on-serbias-cooperation-with-the-european-migration-network"
	if b, ok := s.nets[idBoard]; !ok || !strings.Contains(b.Note, "Magnus Ovilius was named as 'Chair of the European Migration Network' in September 2021") ||
		!contains(b.AdditionalSources, ovilius) {
		s.fail("the Steering Board record no longer names Magnus Ovilius with its source")
	} else {
		s.addNode("person-magnus-ovilius", emnkg.KindPerson, src(ovilius).str("name", "Magnus Ovilius"))
		s.edge("person-magnus-ovilius", emnkg.RelChairs, idEMN, "", src(ovilius).str("note",
			"Named as 'Chair of the European Migration Network' in September 2021."))
	}
	for i := range s.facts.NCPs {
		r := &s.facts.NCPs[i]
		switch {
		case r.Country == "LU" && strings.Contains(r.Note, "Coordinator: Prof. Birte Nienaber."):
			s.addNode("person-birte-nienaber", emnkg.KindPerson, src(r.Source, r.AdditionalSources).
				str("name", "Birte Nienaber"))
			s.edge("person-birte-nienaber", emnkg.RelCoordinates, "ncp-LU", "", src(r.Source, r.AdditionalSources).
				str("role", "coordinator"))
		case r.Country == "AM" && strings.Contains(r.Note, "Its Head, Armen Ghazaryan, signed the joining document"):
			s.addNode("person-armen-ghazaryan", emnkg.KindPerson, src(r.Source, r.AdditionalSources).
				str("name", "Armen Ghazaryan"))
			s.edge("person-armen-ghazaryan", emnkg.RelWorksFor, "org-am-"+slug(r.HostOrganisation), "",
				src(r.Source, r.AdditionalSources).str("role", "Head").
					str("note", "Signed the document by which Armenia joined the EMN as an observer."))
		}
	}
	for _, id := range []string{"person-birte-nienaber", "person-armen-ghazaryan"} {
		if s.kindOf(id) == "" {
			s.fail("the NCP records no longer name %s", id)
		}
	}
	// The Italian NCP records: IDOS and then CNR worked under the
	// coordination of the Ministry of the Interior's Department for Civil
	// Liberties and Immigration.
	for i := range s.facts.NCPs {
		r := &s.facts.NCPs[i]
		if r.Country == "IT" && strings.Contains(r.Note, "Coordinated by the Ministry of the Interior, Department for Civil Liberties and Immigration") {
			s.edge("org-it-dlci", emnkg.RelCoordinates, "ncp-IT", "", src(r.Source, r.AdditionalSources).
				str("note", "Coordinated the NCP while the National Research Council (CNR) hosted it."))
		}
	}
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}
