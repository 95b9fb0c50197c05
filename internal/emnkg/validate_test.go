package emnkg_test

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"golang.org/x/text/language"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/emnkg/emnkg/internal/seed"
)

// fields returns the sorted, distinct fields of errs.
func fields(tb testing.TB, errs []*emnkg.Error) []string {
	tb.Helper()
	var out []string
	for _, e := range errs {
		if e.Code != emnkg.EINVALID {
			tb.Errorf("error %v has code %q, want %q", e, e.Code, emnkg.EINVALID)
		}
		if e.Message == "" || !strings.HasSuffix(e.Message, ".") {
			tb.Errorf("error %v: message is not a sentence", e)
		}
		if !slices.Contains(out, e.Field) {
			out = append(out, e.Field)
		}
	}
	sort.Strings(out)
	return out
}

// checkFields compares the fields of errs with want (nil: no error).
func checkFields(tb testing.TB, errs []*emnkg.Error, want []string) {
	tb.Helper()
	got := fields(tb, errs)
	w := append([]string(nil), want...)
	sort.Strings(w)
	if !slices.Equal(got, w) {
		var msgs []string
		for _, e := range errs {
			msgs = append(msgs, e.Field+": "+e.Message)
		}
		tb.Errorf("fields with errors = %v, want %v\n%s", got, w, strings.Join(msgs, "\n"))
	}
}

// props builds a property map from key, value pairs.
func props(kv ...any) map[string]any {
	m := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}

// with returns a copy of base with the pairs kv set.
func with(base map[string]any, kv ...any) map[string]any {
	m := make(map[string]any, len(base))
	for k, v := range base {
		m[k] = v
	}
	for k, v := range props(kv...) {
		m[k] = v
	}
	return m
}

func TestSeedValidates(t *testing.T) {
	g, err := seed.Graph()
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range g.Nodes {
		if errs := emnkg.ValidateNode(n); len(errs) > 0 {
			t.Errorf("seed node %s (%s): %v", n.ID, n.Kind, errs)
		}
		c := emnkg.Change{Op: emnkg.OpCreateNode, NodeID: n.ID, Kind: n.Kind, Props: n.Props}
		if err := emnkg.ValidateChange(c); err != nil {
			t.Errorf("creating seed node %s: %v", n.ID, err)
		}
		if err := emnkg.ValidateChange(emnkg.Change{Op: emnkg.OpUpdateNode, NodeID: n.ID, Kind: n.Kind,
			Props: n.Props}); err != nil {
			t.Errorf("updating seed node %s with its own properties: %v", n.ID, err)
		}
	}
	for _, e := range g.Edges {
		if errs := emnkg.ValidateEdge(e); len(errs) > 0 {
			t.Errorf("seed relationship %s: %v", e.ID, errs)
		}
		if err := emnkg.ValidateChange(emnkg.Change{Op: emnkg.OpLink, Edge: e}); err != nil {
			t.Errorf("linking seed relationship %s: %v", e.ID, err)
		}
	}
}

func TestCodeLists(t *testing.T) {
	countries, langs := emnkg.CountryCodes(), emnkg.LanguageCodes()
	if len(countries) != 249 || !slices.IsSorted(countries) {
		t.Errorf("%d country codes (sorted: %v), want 249 sorted", len(countries), slices.IsSorted(countries))
	}
	if len(langs) != 183 || !slices.IsSorted(langs) {
		t.Errorf("%d language codes (sorted: %v), want 183 sorted", len(langs), slices.IsSorted(langs))
	}
	// golang.org/x/text knows every official code, and besides them only
	// deprecated, reserved and user-assigned ones.
	notOfficialRegions := strings.Fields("AC AN BU CP CQ CS CT DD DG DY EA EZ FQ FX HV IC JT MI NH NQ NT PC PU PZ " +
		"RH SU TA TP UK UN VD WK XK YD YU ZR")
	notOfficialLangs := strings.Fields("bh in iw ji jw mo sh")
	var extraRegions, extraLangs []string
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			code := string([]rune{a, b})
			r, err := language.ParseRegion(code)
			known := err == nil && r.String() == code && r.IsCountry()
			if emnkg.ValidCountryCode(code) && !known {
				t.Errorf("country code %s is not known to x/text", code)
			}
			if known && !emnkg.ValidCountryCode(code) {
				extraRegions = append(extraRegions, code)
			}
			lc := strings.ToLower(code)
			base, err := language.ParseBase(lc)
			known = err == nil && base.String() == lc
			if emnkg.ValidLanguageCode(lc) && !known {
				t.Errorf("language code %s is not known to x/text", lc)
			}
			if known && !emnkg.ValidLanguageCode(lc) {
				extraLangs = append(extraLangs, lc)
			}
		}
	}
	if !slices.Equal(extraRegions, notOfficialRegions) {
		t.Errorf("regions known to x/text but not official: %v, want %v", extraRegions, notOfficialRegions)
	}
	if !slices.Equal(extraLangs, notOfficialLangs) {
		t.Errorf("languages known to x/text but not ISO 639-1: %v, want %v", extraLangs, notOfficialLangs)
	}
	for _, c := range []string{"at", "EU", "UK", "EL", "XK", "A", "AUT", ""} {
		if emnkg.ValidCountryCode(c) {
			t.Errorf("ValidCountryCode(%q) = true", c)
		}
	}
	for _, l := range []string{"EN", "eng", "gsw", "e", "", "xx"} {
		if emnkg.ValidLanguageCode(l) {
			t.Errorf("ValidLanguageCode(%q) = true", l)
		}
	}
}

func TestValidCELEX(t *testing.T) {
	for _, tc := range []struct {
		celex string
		want  bool
	}{
		{"32008D0381", true},
		{"32014R0516", true},
		{"52005DC0606", true},
		{"52012DC0427", true},
		{"02008D0381-20140101", true},
		{"32008L0115", true},
		{"32008L0115R(01)", true},
		{"32019R0947(01)", true},
		{"62014CJ0362", true},
		{"92014E000123", true},
		{"11957E", true},
		{"E2009C0003", true},
		{"C2016/202/01", true},
		{"", false},
		{"32008d0381", false},
		{"3200D0381", false},
		{"X2008D0381", false},
		{"31850D0381", false},
		{"32008D0381-20140101", false},
		{"02008D0381", false},
		{"02008D0381-20141301", false},
		{"02008D0381-2014010", false},
		{"32008ABC0381", false},
		{"32008D03810001", false},
		{" 32008D0381", false},
		{"32008D0381 ", false},
		{"CELEX:32008D0381", false},
		{"32008D0381R", false},
	} {
		if got := emnkg.ValidCELEX(tc.celex); got != tc.want {
			t.Errorf("ValidCELEX(%q) = %v, want %v", tc.celex, got, tc.want)
		}
	}
}

func TestValidELI(t *testing.T) {
	for _, tc := range []struct {
		eli  string
		want bool
	}{
		{"http://data.europa.eu/eli/reg/2021/1147/oj", true},
		{"https://data.europa.eu/eli/dec/2008/381/oj", true},
		{"http://data.europa.eu/eli/dir/2008/115/oj/eng", true},
		{"http://data.europa.eu/eli/reg_impl/2020/1234/oj", true},
		{"http://data.europa.eu/eli/reg/2016/679/2016-05-04", true},
		{"http://data.europa.eu/eli/reg/2021/1147", true},
		{"http://data.europa.eu/eli/reg/2021/1147/oj/", true},
		{"", false},
		{"data.europa.eu/eli/reg/2021/1147/oj", false},
		{"ftp://data.europa.eu/eli/reg/2021/1147/oj", false},
		{"http://example.org/eli/reg/2021/1147/oj", false},
		{"http://data.europa.eu/eli/reg/21/1147/oj", false},
		{"http://data.europa.eu/eli/reg/1800/1147/oj", false},
		{"http://data.europa.eu/eli/REG/2021/1147/oj", false},
		{"http://data.europa.eu/eli/reg/2021/oj", false},
		{"http://data.europa.eu/eli/reg/2021/1147/o j", false},
		{"http://data.europa.eu.evil.com/eli/reg/2021/1147/oj", false},
	} {
		if got := emnkg.ValidELI(tc.eli); got != tc.want {
			t.Errorf("ValidELI(%q) = %v, want %v", tc.eli, got, tc.want)
		}
	}
}

func TestValidDate(t *testing.T) {
	for _, tc := range []struct {
		date string
		want bool
	}{
		{"2008", true},
		{"2008-05", true},
		{"2008-05-14", true},
		{"2024-02-29", true},
		{"2000-02-29", true},
		{"1900-01-01", true},
		{"2100-12-31", true},
		{"", false},
		{"08", false},
		{"2008-5-14", false},
		{"2008-05-1", false},
		{"2008/05/14", false},
		{"2008-13", false},
		{"2008-00", false},
		{"2008-04-31", false},
		{"2023-02-29", false},
		{"1900-02-29", false},
		{"2008-05-00", false},
		{"1899-12-31", false},
		{"2101", false},
		{"0999-01-01", false},
		{"2008-05-14T10:00:00Z", false},
		{"14.05.2008", false},
		{"２００８", false},
	} {
		if got := emnkg.ValidDate(tc.date); got != tc.want {
			t.Errorf("ValidDate(%q) = %v, want %v", tc.date, got, tc.want)
		}
	}
}

func TestValidateNodeFields(t *testing.T) {
	org := props("name", "Federal Office for Migration and Refugees", "countryCode", "DE", "kind", "agency")
	ncp := props("name", "EMN NCP Austria", "countryCode", "AT", "status", "current", "since", "2008",
		"until", "2015-03")
	doc := props("title", "Council Decision 2008/381/EC", "kind", "council-decision", "celex", "32008D0381",
		"eli", "http://data.europa.eu/eli/dec/2008/381/oj", "date", "2008-05-14", "year", int64(2008),
		"consolidatedVersion", "02008D0381-20140101", "url", "https://eur-lex.europa.eu/eli/dec/2008/381/oj",
		"languages", []string{"en", "de"}, "yearBasis", "adoption", "entryIntoForce", "2008-05-21",
		"abstract", "Establishes the EMN.\n\nSecond paragraph.", "text", "Article 1\tSubject matter")
	term := props("prefLabel_en", "return decision", "prefLabel_de", "Rückkehrentscheidung",
		"altLabels_de", []string{"Rückführungsentscheidung"}, "altLabels_en", []string{"decision to return"},
		"hiddenLabels_en", []string{"retrun decision"}, "definition_en", "An administrative decision.",
		"sourceUrl", "https://eur-lex.europa.eu/eli/dir/2008/115/oj", "sourceCelex", "32008L0115",
		"languages", []string{"de", "en"}, "scheme", "emn-glossary")
	country := props("name", "Greece", "emnCode", "EL", "emnStatus", "member", "euMember", true, "joined", "2008")
	long := strings.Repeat("x", emnkg.MaxNameText+1)

	for _, tc := range []struct {
		name  string
		kind  emnkg.Kind
		props map[string]any
		want  []string
	}{
		// Valid nodes.
		{"organisation", emnkg.KindOrganisation, org, nil},
		{"organisation EU", emnkg.KindOrganisation, with(org, "countryCode", "EU"), nil},
		{"organisation nil value is absent", emnkg.KindOrganisation, with(org, "acronym", nil), nil},
		{"ncp", emnkg.KindNationalContactPoint, ncp, nil},
		{"ncp same year", emnkg.KindNationalContactPoint, with(ncp, "since", "2015-06", "until", "2015"), nil},
		{"person", emnkg.KindPerson, props("name", "Joseph St. John"), nil},
		{"network", emnkg.KindNetwork, props("name", "EMN", "established", "2008-05-14"), nil},
		{"fund", emnkg.KindFund, props("name", "AMIF", "established", "2014"), nil},
		{"country", emnkg.KindCountry, country, nil},
		{"document", emnkg.KindDocument, doc, nil},
		{"document from JSON", emnkg.KindDocument, props("title", "T", "year", float64(2020),
			"languages", []any{"en", "fr"}), nil},
		{"glossary term", emnkg.KindGlossaryTerm, term, nil},
		{"term in one language", emnkg.KindGlossaryTerm, props("prefLabel_ga", "iarratasóir ar thearmann"), nil},
		{"term alt without pref in that language", emnkg.KindGlossaryTerm, props("prefLabel_en", "return",
			"altLabels_fr", []string{"retour"}), nil},
		{"common props", emnkg.KindPerson, props("name", "A", "source", "seed: About the EMN",
			"additionalSources", []string{"https://example.org/a"}, "note", "Line one.\nLine two.",
			"uncertain", true, "synthetic", false), nil},

		// Kinds and keys.
		{"unknown kind", emnkg.Kind("Planet"), props("name", "Earth"), []string{"kind"}},
		{"unknown key", emnkg.KindPerson, props("name", "A", "age", int64(3)), []string{"age"}},
		{"wrong type", emnkg.KindDocument, props("title", "T", "year", "2008"), []string{"year"}},
		{"wrong list type", emnkg.KindDocument, props("title", "T", "languages", "en"), []string{"languages"}},
		{"non-ISO 639-1 key", emnkg.KindGlossaryTerm, props("prefLabel_en", "a", "prefLabel_eng", "b"),
			[]string{"prefLabel_eng"}},
		{"unknown language key", emnkg.KindGlossaryTerm, props("prefLabel_en", "a", "definition_xx", "b"),
			[]string{"definition_xx"}},
		{"upper-case language key", emnkg.KindGlossaryTerm, props("prefLabel_en", "a", "prefLabel_EN", "b"),
			[]string{"prefLabel_EN"}},
		{"language key without language", emnkg.KindGlossaryTerm, props("prefLabel_en", "a", "prefLabel", "b"),
			[]string{"prefLabel"}},

		// Required fields.
		{"organisation without name", emnkg.KindOrganisation, props("countryCode", "DE"), []string{"name"}},
		{"ncp without name", emnkg.KindNationalContactPoint, props("countryCode", "AT"), []string{"name"}},
		{"person without name", emnkg.KindPerson, props("givenName", "A"), []string{"name"}},
		{"network without name", emnkg.KindNetwork, nil, []string{"name"}},
		{"fund without name", emnkg.KindFund, props("acronym", "AMIF"), []string{"name"}},
		{"country without name", emnkg.KindCountry, props("emnStatus", "member"), []string{"name"}},
		{"document without title", emnkg.KindDocument, props("name", "x"), []string{"name", "title"}},
		{"term without prefLabel", emnkg.KindGlossaryTerm, props("altLabels_en", []string{"a"}),
			[]string{"prefLabel"}},
		{"blank name", emnkg.KindPerson, props("name", "  "), []string{"name"}},
		{"empty name", emnkg.KindPerson, props("name", ""), []string{"name"}},
		{"nil name", emnkg.KindPerson, props("name", nil), []string{"name"}},

		// Text.
		{"name too long", emnkg.KindPerson, props("name", long), []string{"name"}},
		{"long note", emnkg.KindPerson, props("name", "A", "note", strings.Repeat("x", emnkg.MaxLongText)), nil},
		{"note too long", emnkg.KindPerson, props("name", "A", "note", strings.Repeat("é", emnkg.MaxLongText+1)),
			[]string{"note"}},
		{"kind too long", emnkg.KindOrganisation, with(org, "kind", strings.Repeat("k", emnkg.MaxShortText+1)),
			[]string{"kind"}},
		{"name with line break", emnkg.KindPerson, props("name", "A\nB"), []string{"name"}},
		{"name with tab", emnkg.KindPerson, props("name", "A\tB"), []string{"name"}},
		{"note with NUL", emnkg.KindPerson, props("name", "A", "note", "a\x00b"), []string{"note"}},
		{"name with spaces around", emnkg.KindPerson, props("name", " A"), []string{"name"}},
		{"invalid UTF-8", emnkg.KindPerson, props("name", "A\xff"), []string{"name"}},
		{"blank list item", emnkg.KindPerson, props("name", "A", "additionalSources", []string{"a", " "}),
			[]string{"additionalSources"}},
		{"too many list items", emnkg.KindPerson, props("name", "A",
			"additionalSources", slices.Repeat([]string{"a"}, emnkg.MaxListItems+1)), []string{"additionalSources"}},

		// Codes.
		{"lower-case countryCode", emnkg.KindOrganisation, with(org, "countryCode", "de"), []string{"countryCode"}},
		{"alpha-3 countryCode", emnkg.KindOrganisation, with(org, "countryCode", "DEU"), []string{"countryCode"}},
		{"EMN code as countryCode", emnkg.KindOrganisation, with(org, "countryCode", "EL"), []string{"countryCode"}},
		{"ncp with EU", emnkg.KindNationalContactPoint, with(ncp, "countryCode", "EU"), []string{"countryCode"}},
		{"ncp with UK", emnkg.KindNationalContactPoint, with(ncp, "countryCode", "UK"), []string{"countryCode"}},
		{"emnCode three letters", emnkg.KindCountry, with(country, "emnCode", "GRC"), []string{"emnCode"}},
		{"emnCode lower case", emnkg.KindCountry, with(country, "emnCode", "el"), []string{"emnCode"}},
		{"emnStatus", emnkg.KindCountry, with(country, "emnStatus", "other"), []string{"emnStatus"}},
		{"emnStatus case", emnkg.KindCountry, with(country, "emnStatus", "Member"), []string{"emnStatus"}},
		{"ncp status", emnkg.KindNationalContactPoint, with(ncp, "status", "active"), []string{"status"}},
		{"ncp statuses", emnkg.KindNationalContactPoint, with(ncp, "status", "former"), nil},
		{"yearBasis", emnkg.KindDocument, with(doc, "yearBasis", "publishing"), []string{"yearBasis"}},
		{"document language", emnkg.KindDocument, with(doc, "languages", []string{"en", "eng"}),
			[]string{"languages"}},
		{"document language twice", emnkg.KindDocument, with(doc, "languages", []string{"en", "en"}),
			[]string{"languages"}},
		{"term languages", emnkg.KindGlossaryTerm, with(term, "languages", []string{"EN"}), []string{"languages"}},

		// Identifiers and URLs.
		{"celex", emnkg.KindDocument, with(doc, "celex", "2008/381/EC"), []string{"celex"}},
		{"sourceCelex", emnkg.KindGlossaryTerm, with(term, "sourceCelex", "L0115"), []string{"sourceCelex"}},
		{"consolidatedVersion", emnkg.KindDocument, with(doc, "consolidatedVersion", "02008D0381"),
			[]string{"consolidatedVersion"}},
		{"eli", emnkg.KindDocument, with(doc, "eli", "https://eur-lex.europa.eu/eli/dec/2008/381/oj"),
			[]string{"eli"}},
		{"url scheme", emnkg.KindDocument, with(doc, "url", "ftp://example.org/a"), []string{"url"}},
		{"url relative", emnkg.KindDocument, with(doc, "url", "/publications/a"), []string{"url"}},
		{"url without host", emnkg.KindDocument, with(doc, "url", "https:///a"), []string{"url"}},
		{"url with space", emnkg.KindDocument, with(doc, "url", "https://example.org/a b"), []string{"url"}},
		{"url javascript", emnkg.KindDocument, with(doc, "url", "javascript:alert(1)"), []string{"url"}},
		{"url upper-case scheme", emnkg.KindDocument, with(doc, "url", "HTTPS://example.org/"), nil},
		{"url trailing-dot host", emnkg.KindDocument, with(doc, "url", "https://slideplayer.com./slide/9484187"), nil},
		{"sourceUrl", emnkg.KindGlossaryTerm, with(term, "sourceUrl", "eur-lex.europa.eu"), []string{"sourceUrl"}},
		{"labelSourceUrl", emnkg.KindGlossaryTerm, with(term, "labelSourceUrl", "mailto:a@b.c"),
			[]string{"labelSourceUrl"}},

		// Dates and years.
		{"date format", emnkg.KindDocument, with(doc, "date", "14/05/2008"), []string{"date"}},
		{"date not in calendar", emnkg.KindDocument, with(doc, "date", "2008-02-30"), []string{"date"}},
		{"entryIntoForce", emnkg.KindDocument, with(doc, "entryIntoForce", "2008-5-21"), []string{"entryIntoForce"}},
		{"joined implausible", emnkg.KindCountry, with(country, "joined", "1850"), []string{"joined"}},
		{"established", emnkg.KindNetwork, props("name", "N", "established", "2016-13"), []string{"established"}},
		{"year low", emnkg.KindDocument, with(doc, "year", int64(999)), []string{"year"}},
		{"year high", emnkg.KindDocument, with(doc, "year", int64(2101)), []string{"year"}},
		{"ncp since after until", emnkg.KindNationalContactPoint, with(ncp, "since", "2016", "until", "2015-12-31"),
			[]string{"until"}},
		{"ncp until bad", emnkg.KindNationalContactPoint, with(ncp, "until", "soon"), []string{"until"}},

		// SKOS.
		{"blank prefLabel", emnkg.KindGlossaryTerm, props("prefLabel_en", " "), []string{"prefLabel_en"}},
		{"blank altLabel", emnkg.KindGlossaryTerm, with(term, "altLabels_en", []string{""}), []string{"altLabels_en"}},
		{"alt repeats pref", emnkg.KindGlossaryTerm, with(term, "altLabels_en", []string{"Return  Decision"}),
			[]string{"altLabels_en"}},
		{"alt repeats pref accents", emnkg.KindGlossaryTerm, with(term, "altLabels_de",
			[]string{"RUCKKEHRENTSCHEIDUNG"}), []string{"altLabels_de"}},
		{"alt twice", emnkg.KindGlossaryTerm, with(term, "altLabels_en", []string{"a", "b", "A"}),
			[]string{"altLabels_en"}},
		{"hidden repeats pref", emnkg.KindGlossaryTerm, with(term, "hiddenLabels_en", []string{"return decision"}),
			[]string{"hiddenLabels_en"}},
		{"hidden repeats alt", emnkg.KindGlossaryTerm, with(term, "hiddenLabels_en", []string{"Decision to Return"}),
			[]string{"hiddenLabels_en"}},
		{"hidden twice", emnkg.KindGlossaryTerm, with(term, "hiddenLabels_en", []string{"x", "x"}),
			[]string{"hiddenLabels_en"}},
		{"same label in two languages", emnkg.KindGlossaryTerm, props("prefLabel_en", "sponsor",
			"prefLabel_fr", "sponsor", "altLabels_nl", []string{"sponsor"}), nil},
		{"alt in another language", emnkg.KindGlossaryTerm, with(term, "altLabels_fr", []string{"return decision"}),
			nil},

		// Several problems at once.
		{"several", emnkg.KindNationalContactPoint, props("countryCode", "XX", "status", "gone", "since", "x"),
			[]string{"countryCode", "name", "since", "status"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkFields(t, emnkg.ValidateNodeFields(tc.kind, tc.props), tc.want)
		})
	}
}

func TestValidateNodeFieldsRequiredFirst(t *testing.T) {
	errs := emnkg.ValidateNodeFields(emnkg.KindOrganisation, props("countryCode", "XX", "acronym", " "))
	if len(errs) != 3 || errs[0].Field != "name" || errs[1].Field != "acronym" || errs[2].Field != "countryCode" {
		t.Fatalf("errors = %v, want name first, then by key", errs)
	}
}

func TestValidateNode(t *testing.T) {
	for _, tc := range []struct {
		name string
		node *emnkg.Node
		want []string
	}{
		{"country", &emnkg.Node{ID: "AT", Kind: emnkg.KindCountry, Props: props("name", "Austria")}, nil},
		{"country GB", &emnkg.Node{ID: "GB", Kind: emnkg.KindCountry, Props: props("name", "United Kingdom",
			"emnCode", "UK")}, nil},
		{"country UK", &emnkg.Node{ID: "UK", Kind: emnkg.KindCountry, Props: props("name", "United Kingdom")},
			[]string{"id"}},
		{"country lower case", &emnkg.Node{ID: "at", Kind: emnkg.KindCountry, Props: props("name", "Austria")},
			[]string{"id"}},
		{"country slug", &emnkg.Node{ID: "country-at", Kind: emnkg.KindCountry, Props: props("name", "Austria")},
			[]string{"id"}},
		{"bad ID", &emnkg.Node{ID: "-x", Kind: emnkg.KindPerson, Props: props("name", "A")}, []string{"id"}},
		{"empty ID", &emnkg.Node{Kind: emnkg.KindPerson, Props: props("name", "A")}, []string{"id"}},
		{"ID and props", &emnkg.Node{ID: "a b", Kind: emnkg.KindPerson}, []string{"id", "name"}},
		{"nil", nil, []string{""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkFields(t, emnkg.ValidateNode(tc.node), tc.want)
		})
	}
}

func TestValidateEdge(t *testing.T) {
	hb := emnkg.RelHostedBy
	edge := func(from string, typ emnkg.RelType, to, key string, p map[string]any) *emnkg.Edge {
		return &emnkg.Edge{ID: emnkg.EdgeID(from, typ, to, key), Type: typ, From: from, To: to, Props: p}
	}
	for _, tc := range []struct {
		name string
		edge *emnkg.Edge
		want []string
	}{
		{"plain", edge("ncp-AT", hb, "org-bfa", "", nil), nil},
		{"with key", edge("ncp-HR", hb, "org-hr-moi", "2013", props("since", "2013", "until", "2015-03")), nil},
		{"props", edge("ncp-AT", hb, "org-bfa", "", props("role", "host/coordinator", "status", "former",
			"since", "2008-05-14", "until", "2015", "source", "https://example.org", "uncertain", true,
			"method", "manual", "createdBy", "editor-1", "createdAt", "2025-01-01T10:00:00Z",
			"additionalSources", []any{"a"})), nil},
		{"symmetric reversed", &emnkg.Edge{ID: "net-b|COLLABORATES_WITH|net-a", Type: emnkg.RelCollaboratesWith,
			From: "net-a", To: "net-b"}, nil},
		// Any ID: the store answers one stored with other ends with ECONFLICT.
		{"other ID", &emnkg.Edge{ID: "e1", Type: hb, From: "a", To: "b"}, nil},
		{"ID of other ends", &emnkg.Edge{ID: "a|HOSTED_BY|c", Type: hb, From: "a", To: "b"}, nil},
		{"self loop", edge("a", emnkg.RelBroader, "a", "", nil), nil},
		{"nil", nil, []string{""}},
		{"unknown type", &emnkg.Edge{ID: "a|KNOWS|b", Type: "KNOWS", From: "a", To: "b"}, []string{"type"}},
		{"no ID", &emnkg.Edge{Type: hb, From: "a", To: "b"}, []string{"id"}},
		{"long ID", edge("a", hb, "b", strings.Repeat("k", 400), nil), []string{"id"}},
		{"ID not UTF-8", &emnkg.Edge{ID: "a\xff", Type: hb, From: "a", To: "b"}, []string{"id"}},
		{"bad ends", edge("", hb, "b c", "", nil), []string{"from", "to"}},
		{"unknown prop", edge("a", hb, "b", "", props("weight", 1.5)), []string{"weight"}},
		{"bad since", edge("a", hb, "b", "", props("since", "May 2008")), []string{"since"}},
		{"until before since", edge("a", hb, "b", "", props("since", "2015-06-01", "until", "2015-05")),
			[]string{"until"}},
		{"blank role", edge("a", hb, "b", "", props("role", "")), []string{"role"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkFields(t, emnkg.ValidateEdge(tc.edge), tc.want)
		})
	}
}

func TestValidateChange(t *testing.T) {
	person := props("name", "Birte Nienaber")
	link := &emnkg.Edge{ID: "ncp-AT|HOSTED_BY|org-bfa", Type: emnkg.RelHostedBy, From: "ncp-AT", To: "org-bfa"}
	for _, tc := range []struct {
		name   string
		change emnkg.Change
		want   []string
	}{
		{"create", emnkg.Change{Op: emnkg.OpCreateNode, NodeID: "person-a", Kind: emnkg.KindPerson, Props: person}, nil},
		{"upsert", emnkg.Change{Op: emnkg.OpUpsertNode, NodeID: "person-a", Kind: emnkg.KindPerson, Props: person,
			ExpectedVersion: 3}, nil},
		{"create country", emnkg.Change{Op: emnkg.OpCreateNode, NodeID: "IS", Kind: emnkg.KindCountry,
			Props: props("name", "Iceland")}, nil},
		{"create country bad ID", emnkg.Change{Op: emnkg.OpCreateNode, NodeID: "ISL", Kind: emnkg.KindCountry,
			Props: props("name", "Iceland")}, []string{"id"}},
		{"create without kind", emnkg.Change{Op: emnkg.OpCreateNode, NodeID: "person-a", Props: person},
			[]string{"kind"}},
		{"create unknown kind", emnkg.Change{Op: emnkg.OpCreateNode, NodeID: "x", Kind: "Planet", Props: person},
			[]string{"kind"}},
		{"create bad ID", emnkg.Change{Op: emnkg.OpCreateNode, NodeID: "a/b", Kind: emnkg.KindPerson, Props: person},
			[]string{"id"}},
		{"create without name", emnkg.Change{Op: emnkg.OpCreateNode, NodeID: "p", Kind: emnkg.KindPerson},
			[]string{"name"}},
		{"create with edge", emnkg.Change{Op: emnkg.OpCreateNode, NodeID: "p", Kind: emnkg.KindPerson, Props: person,
			Edge: link}, []string{"edge"}},
		{"negative version", emnkg.Change{Op: emnkg.OpUpsertNode, NodeID: "p", Kind: emnkg.KindPerson, Props: person,
			ExpectedVersion: -1}, []string{"expectedVersion"}},

		{"update", emnkg.Change{Op: emnkg.OpUpdateNode, NodeID: "ncp-AT", Kind: emnkg.KindNationalContactPoint,
			Props: props("status", "former", "until", "2020", "role", nil)}, nil},
		{"update partial", emnkg.Change{Op: emnkg.OpUpdateNode, NodeID: "t", Kind: emnkg.KindGlossaryTerm,
			Props: props("altLabels_fr", []string{"retour"}, "prefLabel_de", nil)}, nil},
		{"update empty", emnkg.Change{Op: emnkg.OpUpdateNode, NodeID: "p", Kind: emnkg.KindPerson}, nil},
		{"update legacy country ID", emnkg.Change{Op: emnkg.OpUpdateNode, NodeID: "syn-country-at",
			Kind: emnkg.KindCountry, Props: props("note", "n")}, nil},
		{"update removes name", emnkg.Change{Op: emnkg.OpUpdateNode, NodeID: "p", Kind: emnkg.KindPerson,
			Props: props("name", nil)}, []string{"name"}},
		{"update removes title", emnkg.Change{Op: emnkg.OpUpdateNode, NodeID: "d", Kind: emnkg.KindDocument,
			Props: props("title", nil, "note", nil)}, []string{"title"}},
		{"update blank name", emnkg.Change{Op: emnkg.OpUpdateNode, NodeID: "p", Kind: emnkg.KindPerson,
			Props: props("name", "")}, []string{"name"}},
		{"update unknown key", emnkg.Change{Op: emnkg.OpUpdateNode, NodeID: "p", Kind: emnkg.KindPerson,
			Props: props("title", nil)}, []string{"title"}},
		{"update bad value", emnkg.Change{Op: emnkg.OpUpdateNode, NodeID: "p", Kind: emnkg.KindNationalContactPoint,
			Props: props("since", "2008-02-30", "countryCode", "AUT")}, []string{"countryCode", "since"}},
		{"update removes legacy language key", emnkg.Change{Op: emnkg.OpUpdateNode, NodeID: "t",
			Kind: emnkg.KindGlossaryTerm, Props: props("prefLabel_gsw", nil)}, nil},
		{"update sets bad language key", emnkg.Change{Op: emnkg.OpUpdateNode, NodeID: "t",
			Kind: emnkg.KindGlossaryTerm, Props: props("prefLabel_gsw", "Asyl")}, []string{"prefLabel_gsw"}},
		{"update removes unknown key", emnkg.Change{Op: emnkg.OpUpdateNode, NodeID: "t",
			Kind: emnkg.KindGlossaryTerm, Props: props("prefLabel_x1", nil)}, []string{"prefLabel_x1"}},
		// Without the kind, the store checks the patch with ValidatePatch.
		{"update without kind", emnkg.Change{Op: emnkg.OpUpdateNode, NodeID: "p", Props: props("colour", "red")}, nil},
		{"update without kind, bad ID", emnkg.Change{Op: emnkg.OpUpdateNode, NodeID: "a b"}, []string{"id"}},
		{"update unknown kind", emnkg.Change{Op: emnkg.OpUpdateNode, NodeID: "p", Kind: "Planet"}, []string{"kind"}},
		{"update bad ID", emnkg.Change{Op: emnkg.OpUpdateNode, Kind: emnkg.KindPerson, Props: person}, []string{"id"}},

		{"delete", emnkg.Change{Op: emnkg.OpDeleteNode, NodeID: "p", ExpectedVersion: 2}, nil},
		{"delete with kind", emnkg.Change{Op: emnkg.OpDeleteNode, NodeID: "syn-country-at", Kind: emnkg.KindCountry},
			nil},
		{"delete bad kind", emnkg.Change{Op: emnkg.OpDeleteNode, NodeID: "p", Kind: "Planet"}, []string{"kind"}},
		{"delete bad ID", emnkg.Change{Op: emnkg.OpDeleteNode, NodeID: ""}, []string{"id"}},
		{"delete with props", emnkg.Change{Op: emnkg.OpDeleteNode, NodeID: "p", Props: person}, []string{"props"}},

		{"link", emnkg.Change{Op: emnkg.OpLink, Edge: link}, nil},
		{"link without edge", emnkg.Change{Op: emnkg.OpLink}, []string{"edge"}},
		{"link with props", emnkg.Change{Op: emnkg.OpLink, Edge: link, Props: person}, []string{"props"}},
		{"link bad", emnkg.Change{Op: emnkg.OpLink, Edge: &emnkg.Edge{Type: "X", From: "a", To: "b",
			Props: props("since", "2020-99")}}, []string{"id", "since", "type"}},
		{"link loop", emnkg.Change{Op: emnkg.OpLink, Edge: &emnkg.Edge{ID: "t|BROADER|t", Type: emnkg.RelBroader,
			From: "t", To: "t", Props: props("note", "loop")}}, nil},
		{"unlink", emnkg.Change{Op: emnkg.OpUnlink, Edge: &emnkg.Edge{ID: "anything"}}, nil},
		{"unlink without ID", emnkg.Change{Op: emnkg.OpUnlink, Edge: &emnkg.Edge{}}, []string{"id"}},
		{"unlink without edge", emnkg.Change{Op: emnkg.OpUnlink}, []string{"edge"}},

		{"unknown op", emnkg.Change{Op: "MERGE"}, []string{"op"}},
		{"empty op", emnkg.Change{}, []string{"op"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := emnkg.ValidateChange(tc.change)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("ValidateChange: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("ValidateChange = nil, want errors on %v", tc.want)
			}
			if code := emnkg.ErrorCode(err); code != emnkg.EINVALID {
				t.Errorf("ErrorCode = %q, want %q", code, emnkg.EINVALID)
			}
			checkFields(t, emnkg.FieldErrors(err), tc.want)
		})
	}
}

func TestValidationError(t *testing.T) {
	err := emnkg.ValidateChange(emnkg.Change{Op: emnkg.OpCreateNode, NodeID: "ncp-x",
		Kind: emnkg.KindNationalContactPoint, Props: props("countryCode", "XX", "status", "gone")})
	var ve *emnkg.ValidationError
	if !errors.As(err, &ve) || len(ve.Errors) != 3 {
		t.Fatalf("err = %#v, want a *ValidationError with 3 errors", err)
	}
	var first *emnkg.Error
	if !errors.As(err, &first) {
		t.Fatal("errors.As(*Error) failed")
	}
	if first.Code != emnkg.EINVALID || first.Field != "name" {
		t.Errorf("first = %+v, want the missing name", first)
	}
	msg := emnkg.ErrorMessage(err)
	want := "A NationalContactPoint needs a name. There are 2 more problems (countryCode, status)."
	if msg != want {
		t.Errorf("ErrorMessage = %q, want %q", msg, want)
	}
	if s := err.Error(); !strings.Contains(s, "field=countryCode") || !strings.Contains(s, "field=status") {
		t.Errorf("Error() = %q, want every problem", s)
	}
	if got := emnkg.FieldErrors(fmt.Errorf("wrapped: %w", err)); len(got) != 3 {
		t.Errorf("FieldErrors(wrapped) = %v", got)
	}

	one := emnkg.ValidateChange(emnkg.Change{Op: emnkg.OpDeleteNode})
	if got := emnkg.ErrorMessage(one); strings.Contains(got, "more problem") {
		t.Errorf("single problem message = %q", got)
	}
	two := emnkg.ValidateMerged(emnkg.KindPerson, props("name", nil, "givenName", ""))
	if got := emnkg.ErrorMessage(two); !strings.HasSuffix(got, "There is 1 more problem (givenName).") {
		t.Errorf("two problems message = %q", got)
	}

	plain := emnkg.Errorf(emnkg.ENOTFOUND, "No such node.")
	if got := emnkg.FieldErrors(plain); len(got) != 1 || got[0] != plain {
		t.Errorf("FieldErrors(*Error) = %v", got)
	}
	if got := emnkg.FieldErrors(errors.New("boom")); got != nil {
		t.Errorf("FieldErrors(internal) = %v", got)
	}
	if got := emnkg.FieldErrors(nil); got != nil {
		t.Errorf("FieldErrors(nil) = %v", got)
	}
	if err := emnkg.ValidateMerged(emnkg.KindPerson, props("name", "A")); err != nil {
		t.Errorf("ValidateMerged(valid) = %v", err)
	}
	empty := &emnkg.ValidationError{}
	if emnkg.ErrorCode(empty) != emnkg.EINVALID || empty.Error() == "" {
		t.Errorf("empty ValidationError: code %q, text %q", emnkg.ErrorCode(empty), empty.Error())
	}
}

func TestValidateMergedAfterPatch(t *testing.T) {
	// The store merges an UPDATE's patch into the stored properties and
	// checks the result: rules across properties apply there.
	stored := props("prefLabel_en", "return", "altLabels_en", []string{"returning"})
	for _, tc := range []struct {
		name  string
		patch map[string]any
		want  []string
	}{
		{"fine", props("altLabels_en", []string{"going back"}), nil},
		{"removes last prefLabel", props("prefLabel_en", nil), []string{"prefLabel"}},
		{"alt clashes with pref", props("prefLabel_en", "Returning"), []string{"altLabels_en"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			change := emnkg.Change{Op: emnkg.OpUpdateNode, NodeID: "t", Kind: emnkg.KindGlossaryTerm, Props: tc.patch}
			if err := emnkg.ValidateChange(change); err != nil {
				t.Fatalf("the patch alone is valid: %v", err)
			}
			merged := with(stored)
			for k, v := range tc.patch {
				if v == nil {
					delete(merged, k)
				} else {
					merged[k] = v
				}
			}
			checkFields(t, emnkg.FieldErrors(emnkg.ValidateMerged(emnkg.KindGlossaryTerm, merged)), tc.want)
		})
	}
}

func TestValidatePatch(t *testing.T) {
	for _, tc := range []struct {
		name  string
		kind  emnkg.Kind
		patch map[string]any
		want  []string
	}{
		{"sets and removes", emnkg.KindDocument, props("title", "Final report", "abstract", nil, "year", 2025), nil},
		{"empty", emnkg.KindDocument, nil, nil},
		{"unknown kind", "Planet", props("note", "x"), []string{"kind"}},
		{"unknown property", emnkg.KindDocument, props("colour", "red"), []string{"colour"}},
		{"removes unknown property", emnkg.KindDocument, props("colour", nil), []string{"colour"}},
		{"wrong value type", emnkg.KindDocument, props("year", "2025"), []string{"year"}},
		{"removes title", emnkg.KindDocument, props("title", nil), []string{"title"}},
		{"removes name", emnkg.KindCountry, props("name", nil), []string{"name"}},
		{"removes a prefLabel", emnkg.KindGlossaryTerm, props("prefLabel_en", nil), nil},
		{"bad value", emnkg.KindCountry, props("emnStatus", "maybe"), []string{"emnStatus"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := emnkg.ValidatePatch(tc.kind, tc.patch)
			if (err == nil) != (tc.want == nil) {
				t.Fatalf("ValidatePatch = %v, want errors on %v", err, tc.want)
			}
			if err != nil {
				checkFields(t, emnkg.FieldErrors(err), tc.want)
			}
		})
	}
}
