package emnkg

import (
	"regexp"
	"sort"
	"strings"
)

// Kind is the kind of a node. The set of kinds is closed: it is the
// allow-list from which store labels are taken.
type Kind string

// The node kinds of the EMN graph.
const (
	KindOrganisation         Kind = "Organisation"
	KindNationalContactPoint Kind = "NationalContactPoint"
	KindPerson               Kind = "Person"
	KindNetwork              Kind = "Network"
	KindCountry              Kind = "Country"
	KindDocument             Kind = "Document"
	KindGlossaryTerm         Kind = "GlossaryTerm"
	KindFund                 Kind = "Fund"
)

// Kinds lists every node kind in a stable order.
func Kinds() []Kind {
	return []Kind{KindOrganisation, KindNationalContactPoint, KindPerson, KindNetwork,
		KindCountry, KindDocument, KindGlossaryTerm, KindFund}
}

// Valid reports whether k is one of the known kinds.
func (k Kind) Valid() bool {
	_, ok := kindProps[k]
	return ok
}

// RelType is the type of a relationship. The set is closed: it is the
// allow-list from which store relationship types are taken.
type RelType string

// The relationship types of the EMN graph.
const (
	RelHostedBy           RelType = "HOSTED_BY"
	RelPartner            RelType = "PARTNER"
	RelRepresents         RelType = "REPRESENTS"
	RelMemberOf           RelType = "MEMBER_OF"
	RelObserverOf         RelType = "OBSERVER_OF"
	RelCoordinates        RelType = "COORDINATES"
	RelChairs             RelType = "CHAIRS"
	RelFundedBy           RelType = "FUNDED_BY"
	RelCoFinancedBy       RelType = "CO_FINANCED_BY"
	RelEstablishedBy      RelType = "ESTABLISHED_BY"
	RelAmends             RelType = "AMENDS"
	RelProposalFor        RelType = "PROPOSAL_FOR"
	RelRelatesTo          RelType = "RELATES_TO"
	RelPublishedBy        RelType = "PUBLISHED_BY"
	RelAuthoredBy         RelType = "AUTHORED_BY"
	RelContributedTo      RelType = "CONTRIBUTED_TO"
	RelReportsOn          RelType = "REPORTS_ON"
	RelPartOf             RelType = "PART_OF"
	RelCollaboratesWith   RelType = "COLLABORATES_WITH"
	RelProvidesServicesTo RelType = "PROVIDES_SERVICES_TO"
	RelLocatedIn          RelType = "LOCATED_IN"
	RelWorksFor           RelType = "WORKS_FOR"
	RelBroader            RelType = "BROADER"
	RelRelated            RelType = "RELATED"
	RelUsesTerm           RelType = "USES_TERM"
	// RelRejectedTerm records that an editor rejected a suggested glossary
	// term for a document, so it is not suggested again.
	RelRejectedTerm RelType = "REJECTED_TERM"
)

// Direction says which way a relationship is followed from a node.
type Direction string

// The directions in which relationships can be followed.
const (
	DirectionOut  Direction = "OUT"
	DirectionIn   Direction = "IN"
	DirectionBoth Direction = "BOTH"
)

// Valid reports whether d is a known direction.
func (d Direction) Valid() bool {
	return d == DirectionOut || d == DirectionIn || d == DirectionBoth
}

// PropType is the type of a node or relationship property.
type PropType int

// The property types. Values in Props maps use these Go types:
// PropString and PropDate: string; PropInt: int64; PropFloat: float64;
// PropBool: bool; PropStringList: []string.
const (
	PropString PropType = iota + 1
	PropDate
	PropInt
	PropFloat
	PropBool
	PropStringList
)

// PropDef describes one property. A Multilingual property is stored as one
// key per language, "<name>_<lang>" (for example prefLabel_en).
type PropDef struct {
	Name         string
	Type         PropType
	Multilingual bool
	// Sortable and Filterable say whether queries may sort and filter on it.
	// List properties are never sortable or filterable.
	Sortable   bool
	Filterable bool
}

// RelDef describes one relationship type and the node kinds it may join.
type RelDef struct {
	Type RelType
	From []Kind
	To   []Kind
	// Symmetric relationships are stored once per pair and read in both
	// directions.
	Symmetric bool
}

// Allows reports whether a relationship of this type may go from a node of
// kind from to a node of kind to.
func (r RelDef) Allows(from, to Kind) bool {
	return containsKind(r.From, from) && containsKind(r.To, to)
}

func containsKind(ks []Kind, k Kind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}

// Common properties carried by every node. The id is not a property.
var commonNodeProps = []PropDef{
	{Name: "source", Type: PropString, Filterable: true, Sortable: true},
	{Name: "additionalSources", Type: PropStringList},
	{Name: "note", Type: PropString, Filterable: true},
	{Name: "uncertain", Type: PropBool, Filterable: true, Sortable: true},
	{Name: "synthetic", Type: PropBool, Filterable: true},
}

func fs(name string) PropDef {
	return PropDef{Name: name, Type: PropString, Filterable: true, Sortable: true}
}
func ft(name string) PropDef { return PropDef{Name: name, Type: PropString, Filterable: true} }
func fd(name string) PropDef {
	return PropDef{Name: name, Type: PropDate, Filterable: true, Sortable: true}
}
func fi(name string) PropDef {
	return PropDef{Name: name, Type: PropInt, Filterable: true, Sortable: true}
}
func fb(name string) PropDef {
	return PropDef{Name: name, Type: PropBool, Filterable: true, Sortable: true}
}
func fl(name string) PropDef { return PropDef{Name: name, Type: PropStringList} }
func fm(name string) PropDef {
	return PropDef{Name: name, Type: PropString, Multilingual: true, Filterable: true, Sortable: true}
}
func fml(name string) PropDef { return PropDef{Name: name, Type: PropStringList, Multilingual: true} }

// kindProps lists the kind-specific properties of each kind.
var kindProps = map[Kind][]PropDef{
	KindOrganisation: {fs("name"), fs("kind"), fs("countryCode"), fs("acronym"), fl("serviceProviderPeriods")},
	KindNationalContactPoint: {fs("name"), fs("countryCode"), fs("status"), fd("since"), fd("until"),
		fs("role")},
	KindPerson:  {fs("name"), fs("givenName"), fs("familyName")},
	KindNetwork: {fs("name"), fs("kind"), fd("established"), ft("description"), fs("acronym")},
	KindCountry: {fs("name"), fs("emnCode"), fb("euMember"), fs("emnStatus"), fd("joined"),
		ft("joinedNote"), fl("conflictingSources")},
	KindDocument: {fs("title"), fs("kind"), fi("year"), fs("yearBasis"), fd("date"), fs("publisher"),
		fs("url"), fs("celex"), fs("eli"), fs("officialJournal"), fd("entryIntoForce"), ft("legalBasis"),
		fs("consolidatedVersion"), fl("languages"), fs("languageNote"), fl("repeals"), fl("amendsOther"),
		ft("abstract"), ft("text")},
	KindGlossaryTerm: {fm("prefLabel"), fml("altLabels"), fml("hiddenLabels"), fm("definition"), fm("scopeNote"),
		fs("scheme"), fs("sourceTitle"), fs("sourceUrl"), fs("sourceCelex"), fs("labelSourceTitle"),
		fs("labelSourceUrl"), fl("languages")},
	KindFund: {fs("name"), fs("acronym"), fd("established"), ft("description")},
}

// commonEdgeProps are the properties any relationship may carry.
var commonEdgeProps = []PropDef{
	fs("role"), fd("since"), fd("until"), fs("status"), fs("source"), fl("additionalSources"), fs("note"),
	fb("uncertain"), fs("method"), fs("createdBy"), fs("createdAt"), fb("synthetic"),
}

var allOrgLike = []Kind{KindOrganisation, KindNetwork}

// relDefs is the allow-list of relationship types and the kinds they join.
var relDefs = []RelDef{
	{Type: RelHostedBy, From: []Kind{KindNationalContactPoint}, To: []Kind{KindOrganisation}},
	{Type: RelPartner, From: []Kind{KindNationalContactPoint}, To: []Kind{KindOrganisation}},
	{Type: RelRepresents, From: []Kind{KindNationalContactPoint}, To: []Kind{KindCountry}},
	{Type: RelMemberOf, From: []Kind{KindCountry, KindOrganisation, KindNationalContactPoint, KindNetwork, KindPerson},
		To: []Kind{KindNetwork}},
	{Type: RelObserverOf, From: []Kind{KindCountry, KindOrganisation, KindNetwork}, To: []Kind{KindNetwork}},
	{Type: RelCoordinates, From: []Kind{KindOrganisation, KindPerson}, To: []Kind{KindNetwork, KindNationalContactPoint}},
	{Type: RelChairs, From: []Kind{KindOrganisation, KindPerson, KindCountry}, To: []Kind{KindNetwork}},
	{Type: RelFundedBy, From: []Kind{KindNetwork, KindNationalContactPoint, KindDocument, KindOrganisation}, To: []Kind{KindFund}},
	{Type: RelCoFinancedBy, From: []Kind{KindNationalContactPoint}, To: []Kind{KindCountry}},
	{Type: RelEstablishedBy, From: []Kind{KindNetwork, KindFund, KindOrganisation}, To: []Kind{KindDocument}},
	{Type: RelAmends, From: []Kind{KindDocument}, To: []Kind{KindDocument}},
	{Type: RelProposalFor, From: []Kind{KindDocument}, To: []Kind{KindDocument}},
	{Type: RelRelatesTo, From: []Kind{KindDocument}, To: []Kind{KindDocument}},
	{Type: RelPublishedBy, From: []Kind{KindDocument}, To: []Kind{KindOrganisation, KindNetwork, KindNationalContactPoint}},
	{Type: RelAuthoredBy, From: []Kind{KindDocument}, To: []Kind{KindPerson, KindOrganisation}},
	{Type: RelContributedTo, From: []Kind{KindNationalContactPoint, KindOrganisation, KindPerson}, To: []Kind{KindDocument}},
	{Type: RelReportsOn, From: []Kind{KindDocument}, To: []Kind{KindCountry}},
	{Type: RelPartOf, From: allOrgLike, To: allOrgLike},
	{Type: RelCollaboratesWith, From: allOrgLike, To: allOrgLike, Symmetric: true},
	{Type: RelProvidesServicesTo, From: []Kind{KindOrganisation}, To: allOrgLike},
	{Type: RelLocatedIn, From: []Kind{KindOrganisation, KindNationalContactPoint}, To: []Kind{KindCountry}},
	{Type: RelWorksFor, From: []Kind{KindPerson}, To: []Kind{KindOrganisation, KindNationalContactPoint}},
	{Type: RelBroader, From: []Kind{KindGlossaryTerm}, To: []Kind{KindGlossaryTerm}},
	{Type: RelRelated, From: []Kind{KindGlossaryTerm}, To: []Kind{KindGlossaryTerm}, Symmetric: true},
	{Type: RelUsesTerm, From: []Kind{KindDocument}, To: []Kind{KindGlossaryTerm}},
	{Type: RelRejectedTerm, From: []Kind{KindDocument}, To: []Kind{KindGlossaryTerm}},
}

// RelDefs returns the allow-list of relationship types.
func RelDefs() []RelDef {
	out := make([]RelDef, len(relDefs))
	copy(out, relDefs)
	return out
}

// RelTypes returns every relationship type in a stable order.
func RelTypes() []RelType {
	out := make([]RelType, len(relDefs))
	for i, r := range relDefs {
		out[i] = r.Type
	}
	return out
}

// LookupRel returns the definition of a relationship type.
func LookupRel(t RelType) (RelDef, bool) {
	for _, r := range relDefs {
		if r.Type == t {
			return r, true
		}
	}
	return RelDef{}, false
}

// NodeProps returns the property definitions of a kind, common ones first.
func NodeProps(k Kind) []PropDef {
	out := append([]PropDef(nil), commonNodeProps...)
	return append(out, kindProps[k]...)
}

// EdgeProps returns the property definitions any relationship may carry.
func EdgeProps() []PropDef {
	return append([]PropDef(nil), commonEdgeProps...)
}

// langSuffix matches the language part of a multilingual property key.
var langSuffix = regexp.MustCompile(`^[a-z]{2,3}$`)

// ValidLanguage reports whether s looks like an ISO 639 language code.
func ValidLanguage(s string) bool { return langSuffix.MatchString(s) }

// LookupProp resolves a property key (for example "name" or "prefLabel_en")
// against a list of definitions and returns its definition.
func LookupProp(defs []PropDef, key string) (PropDef, bool) {
	for _, d := range defs {
		if !d.Multilingual && d.Name == key {
			return d, true
		}
		if d.Multilingual && strings.HasPrefix(key, d.Name+"_") && langSuffix.MatchString(key[len(d.Name)+1:]) {
			return d, true
		}
	}
	return PropDef{}, false
}

// LangKey returns the stored key of a multilingual property in a language.
func LangKey(name, lang string) string { return name + "_" + lang }

// LangValues returns a multilingual property's values by language, sorted
// by language code in the returned slice of languages.
func LangValues(props map[string]any, name string) (langs []string, values map[string]any) {
	values = map[string]any{}
	prefix := name + "_"
	for k, v := range props {
		if strings.HasPrefix(k, prefix) && langSuffix.MatchString(k[len(prefix):]) {
			values[k[len(prefix):]] = v
			langs = append(langs, k[len(prefix):])
		}
	}
	sort.Strings(langs)
	return langs, values
}

// NodeIDPattern is the form every node ID takes: readable, stable and safe in
// URLs and store keys.
var NodeIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$`)

// ValidNodeID reports whether id has the form of a node ID.
func ValidNodeID(id string) bool { return NodeIDPattern.MatchString(id) }

// EdgeID returns the stable ID of a relationship: "<from>|<TYPE>|<to>", with
// "|<key>" appended when key is not empty (for several relationships of one
// type between the same two nodes).
func EdgeID(from string, t RelType, to, key string) string {
	id := from + "|" + string(t) + "|" + to
	if key != "" {
		id += "|" + key
	}
	return id
}
