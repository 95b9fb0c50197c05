// Package synth generates synthetic EMN knowledge graphs of any size, for
// load tests and benchmarks.
//
// A generated graph has the shape of the factual EMN graph (internal/seed):
// a few dozen countries, one National Contact Point per country hosted by an
// organisation (former hosts too), organisations of the real kinds located
// in countries, people working for organisations, networks with members,
// documents of the real kinds (2000-2025) with publishers, contributors,
// authors and the countries they report on, multilingual glossary terms
// whose labels are built from syllables (with BROADER and RELATED links)
// that documents use, and funds. It uses the same relationship types between
// the same kinds as the factual graph, about five relationships per node.
//
// Every node and relationship is marked synthetic (synthetic=true, source
// Source(seed)), and every node ID starts with "syn-", so a synthetic graph
// never collides with the factual one and can be told apart from it. The
// same (nodes, seed) always give the same graph, batch for batch.
package synth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// MinNodes is the smallest graph Generate makes.
const MinNodes = 200

// DefaultBatchSize is the batch size Generate uses when given 0 or less.
const DefaultBatchSize = 5000

// IDPrefix starts every synthetic node ID.
const IDPrefix = "syn-"

// Source returns the source property of the nodes and relationships
// generated with seed.
func Source(seed int64) string { return fmt.Sprintf("synthetic: emnkg generate seed=%d", seed) }

// Plan is how many nodes of each kind Generate makes for a size.
type Plan struct {
	Countries, NCPs, Funds, Networks, Organisations, People, Terms, Documents int
}

// Total returns the number of nodes of the plan.
func (p Plan) Total() int {
	return p.Countries + p.NCPs + p.Funds + p.Networks + p.Organisations + p.People + p.Terms + p.Documents
}

// PlanFor returns the numbers of nodes of each kind of a graph of about
// nodes nodes (exactly nodes for nodes >= MinNodes): up to 40 countries and
// as many NCPs, one fund per 5,000 nodes, one network per 500 nodes, and of
// the rest 18% organisations, 22% people, 12% glossary terms and 48%
// documents.
func PlanFor(nodes int) Plan {
	p := Plan{Countries: clamp(nodes/50, 2, 40), Funds: clamp(nodes/5000, 1, 1000), Networks: clamp(nodes/500, 3, 10000)}
	p.NCPs = p.Countries
	rest := nodes - p.Countries - p.NCPs - p.Funds - p.Networks
	p.Organisations = max(rest*18/100, 2*p.Countries)
	p.People = rest * 22 / 100
	p.Terms = max(rest*12/100, 10)
	p.Documents = max(rest-p.Organisations-p.People-p.Terms, 10)
	return p
}

func clamp(x, lo, hi int) int { return min(max(x, lo), hi) }

// Node ID forms.
func countryID(i int) string { return fmt.Sprintf("syn-c-%03d", i) }
func ncpID(i int) string     { return fmt.Sprintf("syn-ncp-%03d", i) }
func fundID(i int) string    { return fmt.Sprintf("syn-fund-%04d", i) }
func netID(i int) string     { return fmt.Sprintf("syn-net-%05d", i) }
func orgID(i int) string     { return fmt.Sprintf("syn-org-%07d", i) }
func personID(i int) string  { return fmt.Sprintf("syn-p-%07d", i) }
func termID(i int) string    { return fmt.Sprintf("syn-t-%07d", i) }
func docID(i int) string     { return fmt.Sprintf("syn-doc-%07d", i) }

// CountryID returns the ID of synthetic country i.
func CountryID(i int) string { return countryID(i) }

// NCPID returns the ID of the National Contact Point of synthetic country i.
func NCPID(i int) string { return ncpID(i) }

// DocumentID returns the ID of synthetic document i.
func DocumentID(i int) string { return docID(i) }

// TermID returns the ID of synthetic glossary term i.
func TermID(i int) string { return termID(i) }

// OrganisationID returns the ID of synthetic organisation i; organisation
// i < Countries hosts the NCP of country i.
func OrganisationID(i int) string { return orgID(i) }

// weighted is a value drawn with a weight.
type weighted struct {
	v string
	w int
}

// The kinds of the factual data, weighted by how often they occur there.
var (
	docKinds = []weighted{{"study", 13}, {"annual-report", 7}, {"annual-policy-report", 6}, {"work-programme", 5},
		{"inform", 4}, {"bulletin", 4}, {"glossary", 4}, {"regulation", 4}, {"status-report", 4}, {"quarterly", 2},
		{"commission-decision", 1}, {"commission-proposal", 1}, {"commission-report", 1}, {"council-conclusions", 1},
		{"council-decision", 1}, {"country-factsheet", 1}, {"directory", 1}, {"green-paper", 1}, {"leaflet", 1},
		{"progress-report", 1}, {"report", 1}}
	netKinds = []weighted{{"working-group", 6}, {"network", 4}, {"eu-network", 2}, {"expert-group", 1},
		{"governance-body", 1}, {"information-mechanism", 1}, {"information-system", 1}, {"national-network", 1},
		{"platform", 1}, {"specific-action-programme", 1}}
	orgKinds = []weighted{{"ministry", 28}, {"agency", 21}, {"", 12}, {"eu-agency", 3}, {"eu-directorate-general", 3},
		{"eu-institution", 3}, {"international-organisation", 3}, {"international-organisation-office", 4},
		{"ngo", 4}, {"research-institute", 3}, {"service-provider", 3}, {"university", 3}}
	hostKinds = []weighted{{"ministry", 5}, {"agency", 3}, {"international-organisation-office", 1}, {"research-institute", 1}}
)

// docPrefix starts the title of a document of a kind.
var docPrefix = map[string]string{
	"study": "EMN Study", "annual-report": "Annual Report on Migration and Asylum",
	"annual-policy-report": "Annual Policy Report", "work-programme": "Work Programme", "inform": "EMN Inform",
	"bulletin": "EMN Bulletin", "glossary": "Glossary", "regulation": "Regulation",
	"status-report": "Status Report", "quarterly": "EMN Quarterly", "commission-decision": "Commission Decision",
	"commission-proposal": "Proposal for a Regulation", "commission-report": "Report from the Commission",
	"council-conclusions": "Council Conclusions", "council-decision": "Council Decision",
	"country-factsheet": "Country Factsheet", "directory": "Directory", "green-paper": "Green Paper",
	"leaflet": "Leaflet", "progress-report": "Progress Report", "report": "Report",
}

// isLegal reports whether documents of a kind are legal or policy acts,
// which report on no country and have no NCP contributions.
func isLegal(kind string) bool {
	switch kind {
	case "regulation", "council-decision", "commission-decision", "commission-proposal", "council-conclusions", "green-paper":
		return true
	}
	return false
}

// contributed reports whether NCPs contribute to documents of a kind.
func contributed(kind string) bool {
	switch kind {
	case "study", "inform", "annual-report", "annual-policy-report", "country-factsheet", "status-report", "bulletin", "quarterly":
		return true
	}
	return false
}

// Generate makes a synthetic graph of about nodes nodes (see PlanFor) with
// about five relationships per node, and hands it to emit in batches of
// batchSize nodes (DefaultBatchSize when batchSize <= 0) with the
// relationships whose later end is among them: every relationship ends at
// nodes of its own batch or of earlier ones. emit may keep or modify a
// batch; an error from it stops Generate, which returns it. The same nodes
// and seed always give the same batches.
func Generate(nodes int, seed int64, emit func(batch *emnkg.Graph) error, batchSize int) error {
	if nodes < MinNodes {
		return emnkg.Errorf(emnkg.EINVALID, "A synthetic graph has at least %d nodes.", MinNodes)
	}
	if nodes > 100_000_000 {
		return emnkg.Errorf(emnkg.EINVALID, "A synthetic graph has at most 100,000,000 nodes.")
	}
	if batchSize <= 0 {
		batchSize = DefaultBatchSize
	}
	g := newGen(PlanFor(nodes), seed, emit, batchSize)
	for _, step := range []func() error{g.countries, g.funds, g.networks, g.organisations, g.ncps, g.people, g.terms, g.documents} {
		if err := step(); err != nil {
			return err
		}
	}
	return g.flush()
}

// gen is the state of one generation. Only small per-node facts (names,
// countries) are kept for the nodes already emitted.
type gen struct {
	p      Plan
	r      *rand.Rand
	source string
	emit   func(*emnkg.Graph) error
	batch  int
	cur    *emnkg.Graph
	// seen holds the IDs of the relationships of the current node, to keep
	// them distinct.
	seen map[string]bool

	vocab     *rand.Zipf // word ranks
	netPick   *rand.Zipf // networks, big ones first
	termPick  *rand.Zipf // terms, popular ones first
	vocabSize int

	countryName   []string
	countryStatus []string
	netName       []string
	orgName       []string
	orgsOf        [][]int32 // organisations by country
	ncpName       []string
	termLabel     []string // English preferred labels
	proposals     []int32  // commission proposals not yet adopted
	legal         []int32  // legal acts, for AMENDS
	nextFund      int      // next fund without a founding act
	nextNet       int      // next network without a founding act
}

func newGen(p Plan, seed int64, emit func(*emnkg.Graph) error, batch int) *gen {
	r := rand.New(rand.NewPCG(uint64(seed), 0x656d6e6b67)) // "emnkg"
	g := &gen{p: p, r: r, source: Source(seed), emit: emit, batch: batch, cur: &emnkg.Graph{},
		seen: map[string]bool{}, orgsOf: make([][]int32, p.Countries), nextNet: 3}
	g.vocabSize = max(500, p.Total()/10)
	g.vocab = rand.NewZipf(r, 1.1, 2, uint64(g.vocabSize-1))
	g.netPick = rand.NewZipf(r, 1.3, 1, uint64(p.Networks-1))
	g.termPick = rand.NewZipf(r, 1.2, 20, uint64(p.Terms-1))
	return g
}

// base returns the properties every synthetic node and relationship has.
func (g *gen) base() map[string]any {
	return map[string]any{"synthetic": true, "source": g.source}
}

// node starts a node: it joins the current batch, and the relationships
// added until the next node are its own.
func (g *gen) node(id string, kind emnkg.Kind, props map[string]any) {
	props["synthetic"] = true
	props["source"] = g.source
	g.cur.Nodes = append(g.cur.Nodes, &emnkg.Node{ID: id, Kind: kind, Props: props})
	clear(g.seen)
}

// edge adds a relationship of the current node (one of its ends) with the
// given extra properties (which it takes over); a relationship the node
// already has is skipped. Symmetric relationships go from the smaller ID.
func (g *gen) edge(from string, t emnkg.RelType, to string, extra map[string]any) {
	if from == to {
		return
	}
	if t == emnkg.RelCollaboratesWith || t == emnkg.RelRelated {
		if to < from {
			from, to = to, from
		}
	}
	id := emnkg.EdgeID(from, t, to, "")
	if g.seen[id] {
		return
	}
	g.seen[id] = true
	p := g.base()
	for k, v := range extra {
		p[k] = v
	}
	g.cur.Edges = append(g.cur.Edges, &emnkg.Edge{ID: id, Type: t, From: from, To: to, Props: p})
}

// done ends a node: the batch is emitted once it is full.
func (g *gen) done() error {
	if len(g.cur.Nodes) >= g.batch {
		return g.flush()
	}
	return nil
}

func (g *gen) flush() error {
	if len(g.cur.Nodes) == 0 && len(g.cur.Edges) == 0 {
		return nil
	}
	b := g.cur
	g.cur = &emnkg.Graph{Nodes: make([]*emnkg.Node, 0, g.batch), Edges: make([]*emnkg.Edge, 0, 6*g.batch)}
	return g.emit(b)
}

// chance reports true with probability p.
func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

// pick returns a uniform index below n.
func (g *gen) pick(n int) int { return g.r.IntN(n) }

func (g *gen) weighted(ws []weighted) string {
	total := 0
	for _, w := range ws {
		total += w.w
	}
	x := g.r.IntN(total)
	for _, w := range ws {
		if x < w.w {
			return w.v
		}
		x -= w.w
	}
	return ws[len(ws)-1].v
}

// words returns n vocabulary ranks, common words more often.
func (g *gen) words(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = int(g.vocab.Uint64())
	}
	return out
}

// phrase spells vocabulary ranks in a language.
func phrase(lang string, ws []int) string {
	parts := make([]string, len(ws))
	for i, w := range ws {
		parts[i] = Word(lang, w)
	}
	return strings.Join(parts, " ")
}

// date returns a date of year y.
func (g *gen) date(y int) string {
	return fmt.Sprintf("%04d-%02d-%02d", y, 1+g.pick(12), 1+g.pick(28))
}

// year returns a year of 2000-2025, recent years more often.
func (g *gen) year() int {
	return min(2025, 2000+int(26*math.Pow(g.r.Float64(), 0.7)))
}

func (g *gen) network() int { return int(g.netPick.Uint64()) }
func (g *gen) term() int    { return int(g.termPick.Uint64()) }

func (g *gen) countries() error {
	for i := range g.p.Countries {
		status := "member"
		if i > 0 {
			switch x := g.r.Float64(); {
			case x < 0.7:
			case x < 0.95:
				status = "observer"
			default:
				status = "none"
			}
		}
		name := countryName(i)
		g.countryName = append(g.countryName, name)
		g.countryStatus = append(g.countryStatus, status)
		p := map[string]any{"name": name, "emnStatus": status, "euMember": status == "member"}
		switch status {
		case "member":
			p["joined"] = g.date(2003 + g.pick(12))
		case "observer":
			p["joined"] = g.date(2010 + g.pick(16))
		}
		g.node(countryID(i), emnkg.KindCountry, p)
		if err := g.done(); err != nil {
			return err
		}
	}
	return nil
}

func (g *gen) funds() error {
	for i := range g.p.Funds {
		ws := g.words(2)
		name := fmt.Sprintf("%s and %s Fund", title(Word("en", ws[0])), title(Word("en", ws[1])))
		g.node(fundID(i), emnkg.KindFund, map[string]any{
			"name": name, "acronym": acronym(name), "established": g.date(2000 + g.pick(22)),
			"description": "A synthetic fund for " + phrase("en", g.words(3)) + ".",
		})
		if err := g.done(); err != nil {
			return err
		}
	}
	return nil
}

// acronym returns the upper-cased initials of the words of name.
func acronym(name string) string {
	var b strings.Builder
	for _, w := range strings.Fields(name) {
		if w == "and" || w == "of" || w == "for" || w == "the" {
			continue
		}
		b.WriteString(strings.ToUpper(string([]rune(w)[:1])))
	}
	return b.String()
}

func (g *gen) networks() error {
	for i := range g.p.Networks {
		var name, kind string
		switch i {
		case 0:
			name, kind = "Synthetic Migration Network", "eu-network"
		case 1:
			name, kind = "Network of the synthetic National Contact Points", "network"
		case 2:
			name, kind = "Synthetic Migration Network Steering Board", "governance-body"
		default:
			kind = g.weighted(netKinds)
			name = fmt.Sprintf("%s %s on %s", title(Word("en", g.words(1)[0])),
				strings.ReplaceAll(title(kind), "-", " "), phrase("en", g.words(1+g.pick(2))))
		}
		g.netName = append(g.netName, name)
		p := map[string]any{"name": name, "kind": kind,
			"description": "A synthetic " + strings.ReplaceAll(kind, "-", " ") + " on " + phrase("en", g.words(4)) + "."}
		if g.chance(0.4) {
			p["established"] = g.date(2000 + g.pick(26))
		}
		if g.chance(0.3) {
			p["acronym"] = acronym(name)
		}
		id := netID(i)
		g.node(id, emnkg.KindNetwork, p)
		switch {
		case i == 0 || i == 2:
			for c, status := range g.countryStatus {
				switch status {
				case "member":
					g.edge(countryID(c), emnkg.RelMemberOf, id, nil)
				case "observer":
					g.edge(countryID(c), emnkg.RelObserverOf, id, nil)
				}
			}
		case i > 2:
			if g.chance(0.5) {
				g.edge(id, emnkg.RelPartOf, netID(g.pick(i)), nil)
			}
			if g.chance(0.3) {
				g.edge(id, emnkg.RelCollaboratesWith, netID(g.pick(i)), nil)
			}
			if g.chance(0.25) {
				g.edge(id, emnkg.RelFundedBy, fundID(g.pick(g.p.Funds)), nil)
			}
			if g.chance(0.2) {
				for range 1 + g.pick(5) {
					g.edge(countryID(g.pick(g.p.Countries)), emnkg.RelMemberOf, id, map[string]any{"role": "member"})
				}
			}
		}
		if i == 0 {
			g.edge(id, emnkg.RelFundedBy, fundID(0), nil)
		}
		if i == 2 {
			g.edge(id, emnkg.RelPartOf, netID(0), nil)
		}
		if err := g.done(); err != nil {
			return err
		}
	}
	return nil
}

// orgName returns a name for an organisation of a kind in a country (-1
// for none).
func (g *gen) newOrgName(kind string, country int) string {
	w := title(phrase("en", g.words(1+g.pick(2))))
	cn := "Europe"
	if country >= 0 {
		cn = g.countryName[country]
	}
	switch kind {
	case "ministry":
		return fmt.Sprintf("Ministry of %s Affairs of %s", w, cn)
	case "agency":
		return fmt.Sprintf("%s Agency for %s", cn, w)
	case "eu-agency":
		return "European Union Agency for " + w
	case "eu-directorate-general":
		return "Directorate-General for " + w
	case "eu-institution":
		return "European " + w + " Council"
	case "international-organisation":
		return "International Organisation for " + w
	case "international-organisation-office":
		return fmt.Sprintf("International Organisation for %s, Office in %s", w, cn)
	case "ngo":
		return fmt.Sprintf("%s Council for %s", cn, w)
	case "research-institute":
		return fmt.Sprintf("%s Institute for Migration Research (%s)", w, cn)
	case "service-provider":
		return w + " Consulting"
	case "university":
		return fmt.Sprintf("University of %s, %s", w, cn)
	}
	return fmt.Sprintf("%s Centre, %s", w, cn)
}

func (g *gen) organisations() error {
	nc := g.p.Countries
	for i := range g.p.Organisations {
		country := -1
		var kind string
		switch {
		case i < 2*nc: // current and former hosts of NCP i%nc
			kind, country = g.weighted(hostKinds), i%nc
		default:
			kind = g.weighted(orgKinds)
			if !strings.HasPrefix(kind, "eu-") && kind != "international-organisation" && kind != "service-provider" {
				country = g.pick(nc)
			}
		}
		name := g.newOrgName(kind, country)
		g.orgName = append(g.orgName, name)
		id := orgID(i)
		p := map[string]any{"name": name}
		if kind != "" {
			p["kind"] = kind
		}
		if country >= 0 {
			p["countryCode"] = countryID(country)
			g.orgsOf[country] = append(g.orgsOf[country], int32(i))
		}
		if g.chance(0.2) {
			p["acronym"] = acronym(name)
		}
		g.node(id, emnkg.KindOrganisation, p)
		if country >= 0 && g.chance(0.95) {
			g.edge(id, emnkg.RelLocatedIn, countryID(country), nil)
		}
		if g.chance(0.35) {
			g.edge(id, emnkg.RelMemberOf, netID(g.network()), nil)
		}
		if g.chance(0.02) {
			g.edge(id, emnkg.RelObserverOf, netID(g.network()), nil)
		}
		if i > 2*nc && g.chance(0.08) {
			g.edge(id, emnkg.RelPartOf, orgID(2*nc+g.pick(i-2*nc)), nil)
		}
		if g.chance(0.12) {
			g.edge(netID(g.network()), emnkg.RelCollaboratesWith, id, nil)
		}
		if kind == "service-provider" || g.chance(0.02) {
			g.edge(id, emnkg.RelProvidesServicesTo, netID(g.network()), map[string]any{"role": "service provider"})
		}
		if g.chance(0.02) {
			g.edge(id, emnkg.RelCoordinates, netID(g.network()), map[string]any{"role": "lead"})
		}
		if g.chance(0.005) {
			g.edge(id, emnkg.RelChairs, netID(g.network()), nil)
		}
		if err := g.done(); err != nil {
			return err
		}
	}
	return nil
}

func (g *gen) ncps() error {
	nc := g.p.Countries
	for i := range g.p.NCPs {
		id, cid := ncpID(i), countryID(i)
		status := "current"
		if g.chance(0.03) {
			status = "unclear"
		}
		since := 2003 + g.pick(20)
		name := "EMN National Contact Point " + g.countryName[i]
		g.ncpName = append(g.ncpName, name)
		g.node(id, emnkg.KindNationalContactPoint, map[string]any{"name": name, "countryCode": cid,
			"status": status, "since": g.date(since), "role": "host/coordinator"})
		g.edge(id, emnkg.RelRepresents, cid, nil)
		g.edge(id, emnkg.RelHostedBy, orgID(i), map[string]any{"status": status, "since": g.date(since),
			"role": "host/coordinator"})
		if since > 2004 && g.chance(0.3) {
			from := 2002 + g.pick(since-2003)
			g.edge(id, emnkg.RelHostedBy, orgID(nc+i), map[string]any{"status": "former",
				"since": g.date(from), "until": g.date(since), "role": "host/coordinator"})
		}
		orgs := g.orgsOf[i]
		for range g.pick(4) {
			if o := int(orgs[g.pick(len(orgs))]); o != i {
				g.edge(id, emnkg.RelPartner, orgID(o), map[string]any{"status": "current"})
			}
		}
		if g.countryStatus[i] == "member" {
			g.edge(id, emnkg.RelCoFinancedBy, cid, nil)
			g.edge(id, emnkg.RelFundedBy, fundID(0), nil)
		}
		g.edge(id, emnkg.RelMemberOf, netID(1), nil)
		if g.chance(0.1) {
			g.edge(orgID(i), emnkg.RelCoordinates, id, nil)
		}
		if err := g.done(); err != nil {
			return err
		}
	}
	return nil
}

func (g *gen) people() error {
	for i := range g.p.People {
		x := uint64(g.r.Int64N(1 << 40))
		given := title(spell(givenSyl, int(x%4096)))
		family := title(spell(familySyl, int(x>>12%100000)))
		id := personID(i)
		g.node(id, emnkg.KindPerson, map[string]any{"name": given + " " + family, "givenName": given, "familyName": family})
		for range 1 + btoi(g.chance(0.15)) {
			g.edge(id, emnkg.RelWorksFor, orgID(g.pick(g.p.Organisations)), nil)
		}
		if g.chance(0.005) {
			g.edge(id, emnkg.RelCoordinates, ncpID(g.pick(g.p.NCPs)), nil)
		}
		if g.chance(0.003) {
			g.edge(id, emnkg.RelChairs, netID(g.network()), nil)
		}
		if err := g.done(); err != nil {
			return err
		}
	}
	return nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (g *gen) terms() error {
	others := Languages[1:]
	for i := range g.p.Terms {
		ws := g.words(1 + g.pick(3))
		id := termID(i)
		en := phrase("en", ws)
		g.termLabel = append(g.termLabel, en)
		p := map[string]any{"prefLabel_en": en, "scheme": "synthetic-glossary",
			"definition_en": fmt.Sprintf("In this synthetic glossary, %s is the %s of %s.", en,
				phrase("en", g.words(2)), phrase("en", g.words(2))),
			"sourceTitle": "Synthetic glossary"}
		langs := []string{"en"}
		if g.chance(0.6) {
			// A translated term: most languages, in a random selection.
			idx := g.r.Perm(len(others))[:14+g.pick(len(others)-13)]
			slices.Sort(idx)
			for _, k := range idx {
				l := others[k]
				langs = append(langs, l)
				p[emnkg.LangKey("prefLabel", l)] = phrase(l, ws)
				if g.chance(0.08) {
					p[emnkg.LangKey("altLabels", l)] = []string{phrase(l, g.words(2))}
				}
			}
		}
		if g.chance(0.3) {
			p["altLabels_en"] = []string{phrase("en", g.words(1+g.pick(2)))}
		}
		slices.Sort(langs)
		p["languages"] = langs
		g.node(id, emnkg.KindGlossaryTerm, p)
		if i > 0 && g.chance(0.75) {
			g.edge(id, emnkg.RelBroader, termID(g.pick(i)), nil)
		}
		if i > 0 {
			for range g.pick(3) {
				g.edge(id, emnkg.RelRelated, termID(g.pick(i)), nil)
			}
		}
		if err := g.done(); err != nil {
			return err
		}
	}
	return nil
}

func (g *gen) documents() error {
	p := g.p
	for i := range p.Documents {
		id := docID(i)
		kind := g.weighted(docKinds)
		year := g.year()
		country := g.pick(p.Countries)
		// Terms the document uses; the first ones are named in its title.
		nterms := 3 + g.pick(3)
		terms := make([]int, 0, nterms)
		for len(terms) < nterms {
			t := g.term()
			if !slices.Contains(terms, t) {
				terms = append(terms, t)
			}
		}
		named := 1 + g.pick(2)
		labels := make([]string, named)
		for k := range labels {
			labels[k] = g.termLabel[terms[k]]
		}
		var ttl string
		if isLegal(kind) {
			ttl = fmt.Sprintf("%s (%d) on %s", docPrefix[kind], year, strings.Join(labels, " and "))
		} else {
			ttl = fmt.Sprintf("%s: %s in %s, %d", docPrefix[kind], strings.Join(labels, " and "),
				g.countryName[country], year)
		}
		// The publisher: a network (mostly the big ones), an NCP or an
		// organisation.
		var pubID, pubName string
		switch x := g.r.Float64(); {
		case x < 0.55 || isLegal(kind):
			n := g.network()
			pubID, pubName = netID(n), g.netName[n]
		case x < 0.8:
			pubID, pubName = ncpID(country), g.ncpName[country]
		default:
			o := g.pick(p.Organisations)
			pubID, pubName = orgID(o), g.orgName[o]
		}
		props := map[string]any{"title": ttl, "kind": kind, "year": int64(year), "yearBasis": "publication",
			"publisher": pubName, "url": "https://example.org/synthetic/" + id}
		if g.chance(0.5) {
			props["date"] = g.date(year)
		}
		if g.chance(0.4) {
			props["abstract"] = fmt.Sprintf("This synthetic %s covers %s, with a focus on %s.",
				strings.ReplaceAll(kind, "-", " "), g.termLabel[terms[len(terms)-1]], phrase("en", g.words(3)))
		}
		if g.chance(0.1) {
			props["languages"] = []string{"en", Languages[1+g.pick(len(Languages)-1)]}
		}
		g.node(id, emnkg.KindDocument, props)
		g.edge(id, emnkg.RelPublishedBy, pubID, nil)
		for k, t := range terms {
			extra := map[string]any{"method": "synthetic"}
			if k < named {
				extra = map[string]any{"method": "derived-title-match", "note": "Term label found in the document title."}
			}
			g.edge(id, emnkg.RelUsesTerm, termID(t), extra)
		}
		if !isLegal(kind) {
			g.edge(id, emnkg.RelReportsOn, countryID(country), nil)
			if g.chance(0.25) {
				g.edge(id, emnkg.RelReportsOn, countryID(g.pick(p.Countries)), nil)
			}
		}
		if contributed(kind) {
			g.edge(ncpID(country), emnkg.RelContributedTo, id, map[string]any{"role": "national report"})
			if kind == "study" || kind == "inform" || g.chance(0.3) {
				for range 1 + g.pick(4) {
					g.edge(ncpID(g.pick(p.NCPs)), emnkg.RelContributedTo, id, map[string]any{"role": "national report"})
				}
			}
		}
		if g.chance(0.3) {
			g.edge(orgID(g.pick(p.Organisations)), emnkg.RelContributedTo, id, nil)
		}
		for range g.pick(3) {
			g.edge(id, emnkg.RelAuthoredBy, personID(g.pick(p.People)), nil)
		}
		if g.chance(0.05) {
			g.edge(id, emnkg.RelFundedBy, fundID(g.pick(p.Funds)), nil)
		}
		if i > 0 && g.chance(0.08) {
			g.edge(id, emnkg.RelRelatesTo, docID(g.pick(i)), nil)
		}
		switch kind {
		case "commission-proposal":
			g.proposals = append(g.proposals, int32(i))
		case "regulation", "council-decision", "commission-decision":
			if len(g.legal) > 0 && g.chance(0.3) {
				g.edge(id, emnkg.RelAmends, docID(int(g.legal[g.pick(len(g.legal))])), nil)
			}
			if n := len(g.proposals); n > 0 && g.chance(0.5) {
				k := g.pick(n)
				g.edge(docID(int(g.proposals[k])), emnkg.RelProposalFor, id, nil)
				g.proposals = slices.Delete(g.proposals, k, k+1)
			}
			if kind != "commission-decision" {
				if g.nextFund < p.Funds && g.chance(0.5) {
					g.edge(fundID(g.nextFund), emnkg.RelEstablishedBy, id, nil)
					g.nextFund++
				} else if g.nextNet < p.Networks && g.chance(0.5) {
					g.edge(netID(g.nextNet), emnkg.RelEstablishedBy, id, nil)
					g.nextNet++
				}
			}
			g.legal = append(g.legal, int32(i))
		}
		if err := g.done(); err != nil {
			return err
		}
	}
	return nil
}
