package emnkg

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// This file holds the content rules that edits must follow, beyond the
// property types that NormalizeProps checks: required fields, code lists
// (ISO 3166-1, ISO 639-1), identifier formats (CELEX, ELI), dates, URLs,
// text limits and the SKOS labelling rules of glossary terms. Imports
// (ValidateGraph) do not apply them, so that test fixtures may hold
// deliberately odd data; every edit (Editor.Apply) does.

// ValidationError holds every problem found in one input. It unwraps to
// an *Error with code EINVALID that describes the first problem and says
// how many more there are, so ErrorCode and ErrorMessage work on it; use
// FieldErrors to report the problems field by field.
type ValidationError struct {
	// Errors lists the problems, each an *Error with code EINVALID and,
	// where the problem is about one field, Field set to its key.
	Errors []*Error
}

// Error implements the error interface.
func (e *ValidationError) Error() string {
	s := e.summary()
	if len(e.Errors) <= 1 {
		return s.Error()
	}
	parts := make([]string, 0, len(e.Errors))
	for _, fe := range e.Errors {
		parts = append(parts, fe.Error())
	}
	return strings.Join(parts, "; ")
}

// Unwrap returns the first problem as an *Error whose message also counts
// the others.
func (e *ValidationError) Unwrap() error { return e.summary() }

func (e *ValidationError) summary() *Error {
	if len(e.Errors) == 0 {
		return &Error{Code: EINVALID, Message: "Invalid input."}
	}
	first := e.Errors[0]
	s := &Error{Code: EINVALID, Field: first.Field, Message: first.Message}
	if n := len(e.Errors) - 1; n > 0 {
		var fields []string
		seen := map[string]bool{}
		for _, fe := range e.Errors[1:] {
			if fe.Field != "" && !seen[fe.Field] {
				seen[fe.Field] = true
				fields = append(fields, fe.Field)
			}
		}
		if n == 1 {
			s.Message += " There is 1 more problem"
		} else {
			s.Message += fmt.Sprintf(" There are %d more problems", n)
		}
		if len(fields) > 0 {
			s.Message += " (" + strings.Join(fields, ", ") + ")"
		}
		s.Message += "."
	}
	return s
}

// FieldErrors returns the problems that err describes: the Errors of a
// *ValidationError, or the *Error in err's chain alone. It returns nil for
// nil and for errors that are not client errors.
func FieldErrors(err error) []*Error {
	var ve *ValidationError
	if errors.As(err, &ve) {
		return append([]*Error(nil), ve.Errors...)
	}
	var e *Error
	if errors.As(err, &e) {
		return []*Error{e}
	}
	return nil
}

// asError returns nil for no problems and a *ValidationError otherwise.
func asError(errs []*Error) error {
	if len(errs) == 0 {
		return nil
	}
	return &ValidationError{Errors: errs}
}

// The plausible range of the years of dates and of Document.year.
const (
	MinYear = 1900
	MaxYear = 2100
)

// Limits on the content of properties, in runes.
const (
	// MaxShortText bounds codes and keywords (kind, status, role, ...).
	MaxShortText = 200
	// MaxNameText bounds names, titles, labels and list items.
	MaxNameText = 1000
	// MaxURLText bounds URLs and sources.
	MaxURLText = 2048
	// MaxLongText bounds notes, descriptions, definitions and abstracts.
	MaxLongText = 20000
	// MaxListItems bounds the number of items of a list property.
	MaxListItems = 1000
)

// textLimits gives the length limit of each property by its (base) name;
// names not listed are single-line and at most MaxNameText runes long.
var textLimits = map[string]int{
	"kind": MaxShortText, "status": MaxShortText, "emnStatus": MaxShortText, "emnCode": MaxShortText,
	"role": MaxShortText, "yearBasis": MaxShortText, "scheme": MaxShortText, "method": MaxShortText,
	"createdBy": MaxShortText, "createdAt": MaxShortText, "celex": MaxShortText, "sourceCelex": MaxShortText,
	"consolidatedVersion": MaxShortText, "countryCode": MaxShortText, "acronym": MaxShortText,
	"languages": MaxShortText,

	"url": MaxURLText, "sourceUrl": MaxURLText, "labelSourceUrl": MaxURLText, "eli": MaxURLText,
	"source": MaxURLText, "additionalSources": MaxURLText, "conflictingSources": MaxURLText,

	"note": MaxLongText, "description": MaxLongText, "definition": MaxLongText, "scopeNote": MaxLongText,
	"joinedNote": MaxLongText, "abstract": MaxLongText, "languageNote": MaxLongText,
	"text": MaxStringLength,
}

// multiLine lists the properties whose text may hold line breaks and tabs.
var multiLine = map[string]bool{
	"note": true, "description": true, "definition": true, "scopeNote": true, "joinedNote": true,
	"abstract": true, "languageNote": true, "text": true,
}

// requiredName lists the property every node of a kind must have.
var requiredName = map[Kind]string{
	KindOrganisation: "name", KindNationalContactPoint: "name", KindPerson: "name", KindNetwork: "name",
	KindFund: "name", KindCountry: "name", KindDocument: "title",
}

// Closed vocabularies.
var (
	emnStatuses = []string{"member", "observer", "none"}
	ncpStatuses = []string{"current", "former", "unclear"}
	yearBases   = []string{"publication", "coverage", "coverage-start", "adoption", "unknown"}
)

// iso3166 lists the officially assigned ISO 3166-1 alpha-2 codes (249).
// User-assigned codes such as XK (Kosovo) and exceptionally reserved ones
// such as EU, UK and EL are not in it.
const iso3166 = `
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ
BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ
DE DJ DK DM DO DZ
EC EE EG EH ER ES ET
FI FJ FK FM FO FR
GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY
HK HM HN HR HT HU
ID IE IL IM IN IO IQ IR IS IT
JE JM JO JP
KE KG KH KI KM KN KP KR KW KY KZ
LA LB LC LI LK LR LS LT LU LV LY
MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ
NA NC NE NF NG NI NL NO NP NR NU NZ
OM
PA PE PF PG PH PK PL PM PN PR PS PT PW PY
QA
RE RO RS RU RW
SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ
TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ
UA UG UM US UY UZ
VA VC VE VG VI VN VU
WF WS
YE YT
ZA ZM ZW`

// iso639 lists the ISO 639-1 two-letter language codes (183).
const iso639 = `
aa ab ae af ak am an ar as av ay az
ba be bg bi bm bn bo br bs
ca ce ch co cr cs cu cv cy
da de dv dz
ee el en eo es et eu
fa ff fi fj fo fr fy
ga gd gl gn gu gv
ha he hi ho hr ht hu hy hz
ia id ie ig ii ik io is it iu
ja jv
ka kg ki kj kk kl km kn ko kr ks ku kv kw ky
la lb lg li ln lo lt lu lv
mg mh mi mk ml mn mr ms mt my
na nb nd ne ng nl nn no nr nv ny
oc oj om or os
pa pi pl ps pt
qu
rm rn ro ru rw
sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw
ta te tg th ti tk tl tn to tr ts tt tw ty
ug uk ur uz
ve vi vo
wa wo
xh
yi yo
za zh zu`

var (
	countryCodes  = codeSet(iso3166)
	languageCodes = codeSet(iso639)
)

func codeSet(list string) map[string]bool {
	m := map[string]bool{}
	for _, c := range strings.Fields(list) {
		m[c] = true
	}
	return m
}

// CountryCodes returns the ISO 3166-1 alpha-2 codes that ValidCountryCode
// accepts, sorted.
func CountryCodes() []string { return strings.Fields(iso3166) }

// LanguageCodes returns the ISO 639-1 codes that ValidLanguageCode accepts,
// sorted.
func LanguageCodes() []string { return strings.Fields(iso639) }

// ValidCountryCode reports whether s is an officially assigned ISO 3166-1
// alpha-2 code, in upper case.
func ValidCountryCode(s string) bool { return countryCodes[s] }

// ValidLanguageCode reports whether s is an ISO 639-1 language code, in
// lower case. Unlike ValidLanguage, which only checks the shape of a
// stored key, it accepts registered codes only.
func ValidLanguageCode(s string) bool { return languageCodes[s] }

// celexPattern matches CELEX numbers: a sector (0-9, C or E), a four-digit
// year, a document type of one or two letters, a number, an optional
// "(nn)" for documents sharing a number, an optional corrigendum "R(nn)"
// and, for consolidated versions (sector 0), "-YYYYMMDD".
var celexPattern = regexp.MustCompile(`^([0-9CE])(\d{4})[A-Z]{1,2}\d{0,6}(?:\(\d{1,2}\))?(?:R\(\d{1,2}\))?(?:-(\d{8}))?$`)

// celexOJCPattern matches the CELEX numbers of sector C notices
// ("C2016/202/01").
var celexOJCPattern = regexp.MustCompile(`^C(\d{4})/\d{3}/\d{2}$`)

// ValidCELEX reports whether s has the form of a CELEX number, such as
// 32008D0381, 52005DC0606, 32008L0115R(01) or the consolidated version
// 02008D0381-20140101. Consolidated versions are sector 0 and carry the
// date of the version, and sector 0 numbers always do.
func ValidCELEX(s string) bool {
	if m := celexOJCPattern.FindStringSubmatch(s); m != nil {
		return plausibleYear(m[1])
	}
	m := celexPattern.FindStringSubmatch(s)
	if m == nil || !plausibleYear(m[2]) {
		return false
	}
	if (m[1] == "0") != (m[3] != "") {
		return false
	}
	if m[3] != "" {
		d := m[3][:4] + "-" + m[3][4:6] + "-" + m[3][6:]
		if _, _, msg := dateBounds(d); msg != "" {
			return false
		}
	}
	return true
}

func plausibleYear(digits string) bool {
	y := 0
	for _, r := range digits {
		y = y*10 + int(r-'0')
	}
	return y >= MinYear && y <= MaxYear
}

// eliPattern matches European Legislation Identifiers of EU acts:
// http(s)://data.europa.eu/eli/<type>/<year>/<number>, optionally
// followed by further components such as /oj or a version date.
var eliPattern = regexp.MustCompile(`^https?://data\.europa\.eu/eli/[a-z]+(?:_[a-z]+)*/(\d{4})/\d+(?:/[A-Za-z0-9_.-]+)*/?$`)

// ValidELI reports whether s is an ELI URI of an EU act, such as
// http://data.europa.eu/eli/reg/2021/1147/oj.
func ValidELI(s string) bool {
	m := eliPattern.FindStringSubmatch(s)
	return m != nil && plausibleYear(m[1])
}

// validHTTPURL reports whether s is an absolute http or https URL with a
// host and without spaces.
func validHTTPURL(s string) bool {
	if strings.IndexFunc(s, unicode.IsSpace) >= 0 {
		return false
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || u.Opaque != "" {
		return false
	}
	return true
}

// dateBounds parses an ISO 8601 calendar date of the form YYYY, YYYY-MM or
// YYYY-MM-DD and returns the first and last day it covers, or a
// client-safe description of what is wrong with it.
func dateBounds(s string) (first, last time.Time, problem string) {
	digitsAt := func(from, to int) (int, bool) {
		n := 0
		for i := from; i < to; i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	const form = "must be an ISO 8601 date: YYYY, YYYY-MM or YYYY-MM-DD"
	var y, m, d int
	ok := true
	switch len(s) {
	case 4:
		y, ok = digitsAt(0, 4)
	case 7:
		var okm bool
		y, ok = digitsAt(0, 4)
		m, okm = digitsAt(5, 7)
		ok = ok && okm && s[4] == '-'
	case 10:
		var okm, okd bool
		y, ok = digitsAt(0, 4)
		m, okm = digitsAt(5, 7)
		d, okd = digitsAt(8, 10)
		ok = ok && okm && okd && s[4] == '-' && s[7] == '-'
	default:
		ok = false
	}
	if !ok {
		return first, last, form
	}
	if y < MinYear || y > MaxYear {
		return first, last, fmt.Sprintf("has the implausible year %d (allowed: %d to %d)", y, MinYear, MaxYear)
	}
	switch len(s) {
	case 4:
		return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC), ""
	case 7:
		if m < 1 || m > 12 {
			return first, last, "has no such month"
		}
		first = time.Date(y, time.Month(m), 1, 0, 0, 0, 0, time.UTC)
		return first, first.AddDate(0, 1, -1), ""
	}
	if m < 1 || m > 12 {
		return first, last, "has no such month"
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if d < 1 || t.Day() != d || t.Month() != time.Month(m) {
		return first, last, "is not a calendar date"
	}
	return t, t, ""
}

// ValidDate reports whether s is an ISO 8601 date (YYYY, YYYY-MM or
// YYYY-MM-DD) of a real calendar day in a plausible year.
func ValidDate(s string) bool {
	_, _, p := dateBounds(s)
	return p == ""
}

// checker collects the problems of one input.
type checker struct {
	errs []*Error
}

func (c *checker) add(field, format string, args ...any) {
	c.errs = append(c.errs, FieldErrorf(EINVALID, field, format, args...))
}

// quote shows a value in a message, shortened.
func quote(s string) string {
	const limit = 40
	if utf8.RuneCountInString(s) > limit {
		s = string([]rune(s)[:limit]) + "…"
	}
	return fmt.Sprintf("%q", s)
}

// ValidateNodeFields checks the properties of a node of the given kind
// against the content rules and returns every problem, each an *Error with
// code EINVALID and Field set to the property key (or "kind"). props may
// hold values as decoded from JSON; nil values count as absent. The rules:
//
//   - every key is a property of the kind with a value of its type, and
//     multilingual keys end in an ISO 639-1 code;
//   - Organisation, NationalContactPoint, Person, Network, Fund and Country
//     have a name, a Document a title, a GlossaryTerm at least one
//     prefLabel;
//   - texts are not blank, have no surrounding spaces or control
//     characters (line breaks only in notes, descriptions, definitions,
//     abstracts and text) and stay within their length limit; lists hold
//     at most MaxListItems non-blank items;
//   - countryCode is an ISO 3166-1 alpha-2 code (an Organisation may also
//     use EU), emnCode two capital letters, languages ISO 639-1 codes
//     without repeats;
//   - emnStatus is member, observer or none; a NationalContactPoint's
//     status is current, former or unclear; yearBasis is publication,
//     coverage, coverage-start, adoption or unknown;
//   - celex, sourceCelex and consolidatedVersion are CELEX numbers (see
//     ValidCELEX), eli an ELI URI (see ValidELI), url, sourceUrl and
//     labelSourceUrl http(s) URLs;
//   - dates are ISO 8601 dates (see ValidDate), year lies between MinYear
//     and MaxYear, and since is not after until;
//   - a GlossaryTerm follows SKOS: labels are not blank, alternative and
//     hidden labels do not repeat, and in each language the preferred,
//     alternative and hidden labels are disjoint, comparing folded text
//     (FoldText).
func ValidateNodeFields(kind Kind, props map[string]any) []*Error {
	if !kind.Valid() {
		return []*Error{FieldErrorf(EINVALID, "kind", "Unknown node kind %q.", kind)}
	}
	c := &checker{}
	norm := c.props(kind, NodeProps(kind), props)
	var req checker
	if name, ok := requiredName[kind]; ok {
		if _, has := norm[name]; !has && c.fieldClean(name) {
			req.add(name, "A %s needs a %s.", kind, name)
		}
	}
	if kind == KindGlossaryTerm {
		if langs, _ := LangValues(norm, "prefLabel"); len(langs) == 0 && !c.hasPrefix("prefLabel_") {
			req.add("prefLabel", "A glossary term needs a preferred label (prefLabel_<language>) in at least one language.")
		}
		c.skos(norm)
	}
	c.dateOrder(norm)
	return append(req.errs, c.errs...)
}

// ValidateMerged checks the properties a node of the given kind has after
// an UPDATE merged its patch into the stored properties: the whole set of
// ValidateNodeFields rules, including required fields and the rules that
// join several properties. It returns a *ValidationError or nil.
func ValidateMerged(kind Kind, props map[string]any) error {
	return asError(ValidateNodeFields(kind, props))
}

// ValidateNode checks a whole node: its ID (see ValidNodeID; a Country's
// ID is its ISO 3166-1 alpha-2 code), its kind and its properties (see
// ValidateNodeFields).
func ValidateNode(n *Node) []*Error {
	if n == nil {
		return []*Error{Errorf(EINVALID, "No node given.")}
	}
	c := &checker{}
	c.nodeID(n.ID, n.Kind)
	return append(c.errs, ValidateNodeFields(n.Kind, n.Props)...)
}

func (c *checker) nodeID(id string, kind Kind) {
	switch {
	case !ValidNodeID(id):
		c.add("id", "Invalid node ID %s: it starts with a letter or digit and holds at most 128 letters, digits and . _ : -.", quote(id))
	case kind == KindCountry && !ValidCountryCode(id):
		c.add("id", "A country's ID is its ISO 3166-1 alpha-2 code, such as \"AT\"; %s is not one.", quote(id))
	}
}

// ValidateEdge checks a relationship: its type, that it has an ID (by
// convention EdgeID(from, type, to, key), but any ID is accepted: a store
// answers an ID stored with other ends with ECONFLICT), its end IDs and its
// properties (text limits, dates, since not after until). Whether the ends
// exist and have kinds the type allows is for the store to check
// (CheckEdgeEnds).
func ValidateEdge(e *Edge) []*Error {
	if e == nil {
		return []*Error{Errorf(EINVALID, "No relationship given.")}
	}
	c := &checker{}
	if _, ok := LookupRel(e.Type); !ok {
		c.add("type", "Unknown relationship type %q.", e.Type)
	}
	for _, end := range []struct{ field, id string }{{"from", e.From}, {"to", e.To}} {
		if !ValidNodeID(end.id) {
			c.add(end.field, "Invalid node ID %s at the relationship's end.", quote(end.id))
		}
	}
	switch {
	case e.ID == "":
		c.add("id", "A relationship needs an ID.")
	case len(e.ID) > 400 || !utf8.ValidString(e.ID):
		c.add("id", "Invalid relationship ID: at most 400 bytes of UTF-8.")
	}
	norm := c.props("", EdgeProps(), e.Props)
	c.dateOrder(norm)
	return c.errs
}

// ValidateChange checks one change of a change set before a store applies
// it, and returns a *ValidationError (see FieldErrors) or nil:
//
//   - CREATE and UPSERT need a node ID, a kind and properties that pass
//     ValidateNode (so a new Country's ID is an ISO 3166-1 code);
//   - UPDATE needs a node ID (of any form: the node exists). With the
//     node's kind given, its patch must pass ValidatePatch; with Kind
//     empty, the store calls ValidatePatch once it knows the stored kind.
//     Either way the store checks the merged properties with
//     ValidateMerged;
//   - DELETE needs a node ID of any form;
//   - LINK needs a relationship that passes ValidateEdge; UNLINK needs a
//     relationship ID;
//   - node changes carry no relationship, relationship changes no node
//     properties, and ExpectedVersion is not negative.
func ValidateChange(c Change) error {
	ch := &checker{}
	if c.ExpectedVersion < 0 {
		ch.add("expectedVersion", "The expected version cannot be negative.")
	}
	switch c.Op {
	case OpCreateNode, OpUpsertNode, OpUpdateNode, OpDeleteNode:
		if c.Edge != nil {
			ch.add("edge", "A %s change is about a node and carries no relationship.", c.Op)
		}
		if c.Op == OpDeleteNode {
			ch.nodeID(c.NodeID, "")
			if c.Kind != "" && !c.Kind.Valid() {
				ch.add("kind", "Unknown node kind %q.", c.Kind)
			}
			if len(c.Props) > 0 {
				ch.add("props", "A DELETE change carries no properties.")
			}
			break
		}
		if c.Op == OpUpdateNode && c.Kind == "" {
			ch.nodeID(c.NodeID, "")
			break
		}
		if !c.Kind.Valid() {
			if c.Kind == "" {
				ch.add("kind", "A %s change needs the node's kind.", c.Op)
			} else {
				ch.add("kind", "Unknown node kind %q.", c.Kind)
			}
			ch.nodeID(c.NodeID, "")
			break
		}
		if c.Op == OpUpdateNode {
			// A stored node keeps its ID, whatever its form.
			ch.nodeID(c.NodeID, "")
			ch.patch(c.Kind, c.Props)
		} else {
			ch.nodeID(c.NodeID, c.Kind)
			ch.errs = append(ch.errs, ValidateNodeFields(c.Kind, c.Props)...)
		}
	case OpLink, OpUnlink:
		if len(c.Props) > 0 {
			ch.add("props", "A %s change carries its properties on the relationship.", c.Op)
		}
		if c.Edge == nil {
			ch.add("edge", "A %s change needs a relationship.", c.Op)
			break
		}
		if c.Op == OpLink {
			ch.errs = append(ch.errs, ValidateEdge(c.Edge)...)
		} else if c.Edge.ID == "" {
			ch.add("id", "An UNLINK change needs the relationship's ID.")
		}
	default:
		ch.add("op", "Unknown change operation %q.", c.Op)
	}
	return asError(ch.errs)
}

// ValidatePatch checks the properties of an UPDATE of a node of the given
// kind, before they are merged into the stored ones: each key is a
// property of the kind; a value sets it and must pass the rules of that
// property (see ValidateNodeFields), nil removes it (even a key that no
// longer passes, such as a language key not in ISO 639-1), but a required
// name or title cannot be removed. Rules that need the merged properties
// (a prefLabel left, SKOS, since not after until) are for ValidateMerged.
// It returns a *ValidationError or nil.
func ValidatePatch(kind Kind, props map[string]any) error {
	if !kind.Valid() {
		return asError([]*Error{FieldErrorf(EINVALID, "kind", "Unknown node kind %q.", kind)})
	}
	c := &checker{}
	c.patch(kind, props)
	return asError(c.errs)
}

// patch checks the properties of an UPDATE.
func (c *checker) patch(kind Kind, props map[string]any) {
	c.props(kind, NodeProps(kind), props)
	if name, ok := requiredName[kind]; ok {
		if v, has := props[name]; has && v == nil {
			c.add(name, "A %s needs a %s; it cannot be removed.", kind, name)
		}
	}
}

// props checks each property and returns the normalised values of those
// that passed. Nil values (absent, or removed by a patch) need only have a
// known key.
func (c *checker) props(kind Kind, defs []PropDef, props map[string]any) map[string]any {
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	norm := make(map[string]any, len(props))
	for _, key := range keys {
		d, ok := LookupProp(defs, key)
		if !ok {
			c.unknownKey(defs, key)
			continue
		}
		v := props[key]
		if v == nil {
			// Removing a key stored before these rules is allowed.
			continue
		}
		if d.Multilingual {
			if lang := key[len(d.Name)+1:]; !ValidLanguageCode(lang) {
				c.add(key, "%q is not an ISO 639-1 language code, so %q is not a valid key.", lang, key)
				continue
			}
		}
		nv, err := normalizeValue(d.Type, v)
		if err != nil {
			c.add(key, "Property %q: %v.", key, err)
			continue
		}
		if c.value(kind, d, key, nv) {
			norm[key] = nv
		}
	}
	return norm
}

func (c *checker) unknownKey(defs []PropDef, key string) {
	for _, d := range defs {
		if d.Multilingual && strings.HasPrefix(key, d.Name+"_") {
			c.add(key, "%q is not an ISO 639-1 language code, so %q is not a valid key.", key[len(d.Name)+1:], key)
			return
		}
	}
	c.add(key, "Unknown property %q.", key)
}

// value checks one normalised value and reports whether it passed.
func (c *checker) value(kind Kind, d PropDef, key string, v any) bool {
	n := len(c.errs)
	switch x := v.(type) {
	case string:
		if c.text(key, d.Name, x, "") {
			c.format(kind, d, key, x, "")
		}
	case int64:
		if d.Name == "year" && (x < MinYear || x > MaxYear) {
			c.add(key, "The year %d is implausible (allowed: %d to %d).", x, MinYear, MaxYear)
		}
	case []string:
		if len(x) > MaxListItems {
			c.add(key, "%q holds at most %d items.", key, MaxListItems)
			break
		}
		seen := map[string]bool{}
		for i, s := range x {
			item := fmt.Sprintf(" (item %d)", i+1)
			if !c.text(key, d.Name, s, item) {
				continue
			}
			c.format(kind, d, key, s, item)
			if d.Name == "languages" {
				if seen[s] {
					c.add(key, "%q lists %q twice.", key, s)
				}
				seen[s] = true
			}
		}
	}
	return len(c.errs) == n
}

// text checks the generic rules of a text value.
func (c *checker) text(key, name, s, item string) bool {
	limit, ok := textLimits[name]
	if !ok {
		limit = MaxNameText
	}
	switch {
	case strings.TrimSpace(s) == "":
		c.add(key, "%q%s is blank; remove the property instead.", key, item)
	case strings.TrimSpace(s) != s:
		c.add(key, "%q%s has leading or trailing spaces.", key, item)
	case utf8.RuneCountInString(s) > limit:
		c.add(key, "%q%s is longer than %d characters.", key, item, limit)
	default:
		for _, r := range s {
			if unicode.IsControl(r) && !(multiLine[name] && (r == '\n' || r == '\r' || r == '\t')) {
				if r == '\n' || r == '\r' {
					c.add(key, "%q%s must be a single line.", key, item)
				} else {
					c.add(key, "%q%s holds a control character.", key, item)
				}
				return false
			}
		}
		return true
	}
	return false
}

// format checks the format rules of a text value.
func (c *checker) format(kind Kind, d PropDef, key, s, item string) {
	if d.Type == PropDate {
		if _, _, p := dateBounds(s); p != "" {
			c.add(key, "%q%s %s; got %s.", key, item, p, quote(s))
		}
		return
	}
	oneOf := func(allowed []string) {
		for _, a := range allowed {
			if s == a {
				return
			}
		}
		c.add(key, "%q%s must be one of %s; got %s.", key, item, strings.Join(allowed, ", "), quote(s))
	}
	switch d.Name {
	case "countryCode":
		if !ValidCountryCode(s) && !(kind == KindOrganisation && s == "EU") {
			also := ""
			if kind == KindOrganisation {
				also = " (or EU)"
			}
			c.add(key, "%q must be an ISO 3166-1 alpha-2 code such as \"AT\"%s; got %s.", key, also, quote(s))
		}
	case "emnCode":
		if len(s) != 2 || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' || s[1] > 'Z' {
			c.add(key, "%q must be two capital letters; got %s.", key, quote(s))
		}
	case "emnStatus":
		oneOf(emnStatuses)
	case "status":
		if kind == KindNationalContactPoint {
			oneOf(ncpStatuses)
		}
	case "yearBasis":
		oneOf(yearBases)
	case "languages":
		if !ValidLanguageCode(s) {
			c.add(key, "%q%s must be an ISO 639-1 language code such as \"en\"; got %s.", key, item, quote(s))
		}
	case "celex", "sourceCelex", "consolidatedVersion":
		if !ValidCELEX(s) {
			c.add(key, "%q must be a CELEX number such as \"32008D0381\"; got %s.", key, quote(s))
		}
	case "eli":
		if !ValidELI(s) {
			c.add(key, "%q must be an ELI URI such as \"http://data.europa.eu/eli/dec/2008/381/oj\"; got %s.", key, quote(s))
		}
	case "url", "sourceUrl", "labelSourceUrl":
		if !validHTTPURL(s) {
			c.add(key, "%q must be an http or https URL; got %s.", key, quote(s))
		}
	}
}

// fieldClean reports whether no problem was reported for field.
func (c *checker) fieldClean(field string) bool {
	for _, e := range c.errs {
		if e.Field == field {
			return false
		}
	}
	return true
}

// hasPrefix reports whether a problem was reported for a field with the
// given prefix.
func (c *checker) hasPrefix(prefix string) bool {
	for _, e := range c.errs {
		if strings.HasPrefix(e.Field, prefix) {
			return true
		}
	}
	return false
}

// dateOrder checks that since is not after until (a node's or a
// relationship's). Partial dates compare by the days they cover: since
// 2015-03 and until 2015 are in order.
func (c *checker) dateOrder(props map[string]any) {
	since, ok1 := props["since"].(string)
	until, ok2 := props["until"].(string)
	if !ok1 || !ok2 {
		return
	}
	s, _, p1 := dateBounds(since)
	_, u, p2 := dateBounds(until)
	if p1 == "" && p2 == "" && s.After(u) {
		c.add("until", "until (%s) is before since (%s).", until, since)
	}
}

// labelKey is how SKOS label uniqueness compares labels: folded, with
// runs of spaces collapsed.
func labelKey(s string) string { return strings.Join(strings.Fields(FoldText(s)), " ") }

// skos checks the labelling rules of a glossary term on its normalised
// properties.
func (c *checker) skos(props map[string]any) {
	langs := map[string]bool{}
	for _, name := range []string{"prefLabel", "altLabels", "hiddenLabels"} {
		ls, _ := LangValues(props, name)
		for _, l := range ls {
			langs[l] = true
		}
	}
	order := make([]string, 0, len(langs))
	for l := range langs {
		order = append(order, l)
	}
	sort.Strings(order)
	for _, lang := range order {
		pref, _ := props[LangKey("prefLabel", lang)].(string)
		alt, _ := props[LangKey("altLabels", lang)].([]string)
		hidden, _ := props[LangKey("hiddenLabels", lang)].([]string)
		prefKey := labelKey(pref)
		altSeen := map[string]bool{}
		for _, a := range alt {
			k := labelKey(a)
			key := LangKey("altLabels", lang)
			switch {
			case pref != "" && k == prefKey:
				c.add(key, "The alternative label %s repeats the preferred label in %q.", quote(a), lang)
			case altSeen[k]:
				c.add(key, "The alternative label %s is given twice in %q.", quote(a), lang)
			}
			altSeen[k] = true
		}
		hiddenSeen := map[string]bool{}
		for _, h := range hidden {
			k := labelKey(h)
			key := LangKey("hiddenLabels", lang)
			switch {
			case pref != "" && k == prefKey:
				c.add(key, "The hidden label %s repeats the preferred label in %q.", quote(h), lang)
			case altSeen[k]:
				c.add(key, "The hidden label %s is also an alternative label in %q.", quote(h), lang)
			case hiddenSeen[k]:
				c.add(key, "The hidden label %s is given twice in %q.", quote(h), lang)
			}
			hiddenSeen[k] = true
		}
	}
}
