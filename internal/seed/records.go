package seed

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// The record types mirror the sourced data files field by field. Decoding
// rejects unknown fields, so that a field added to the data cannot be
// silently dropped: it must be mapped (or knowingly ignored) here first.

type factsFile struct {
	Meta         json.RawMessage `json:"meta"`
	Countries    []countryRec    `json:"countries"`
	NCPs         []ncpRec        `json:"ncps"`
	Orgs         []orgRec        `json:"organisations"`
	Networks     []networkRec    `json:"networks"`
	LegalActs    []legalActRec   `json:"legalActs"`
	Publications []pubRec        `json:"publications"`
	Statements   []statementRec  `json:"statements"`
	// Conflicts are summaries of disagreements that the records themselves
	// already carry in their notes and source lists; they are not mapped.
	Conflicts []json.RawMessage `json:"conflictsAndUncertainties"`
}

type factsMeta struct {
	Conventions struct {
		SeedMarker string `json:"seedMarker"`
	} `json:"conventions"`
}

type countryRec struct {
	ISO2               string   `json:"iso2"`
	Name               string   `json:"name"`
	EUMember           bool     `json:"euMember"`
	EMNStatus          string   `json:"emnStatus"`
	EMNCode            string   `json:"emnCode"`
	EMNCodeSource      string   `json:"emnCodeSource"`
	Joined             string   `json:"joined"`
	JoinedSource       string   `json:"joinedSource"`
	JoinedNote         string   `json:"joinedNote"`
	Note               string   `json:"note"`
	Source             string   `json:"source"`
	AdditionalSources  []string `json:"additionalSources"`
	ConflictingSources []string `json:"conflictingSources"`
}

type otherReport struct {
	HostOrganisation string `json:"hostOrganisation"`
	Source           string `json:"source"`
	Note             string `json:"note"`
}

type ncpRec struct {
	Country           string        `json:"country"`
	HostOrganisation  string        `json:"hostOrganisation"`
	HostKind          string        `json:"hostKind"`
	Role              string        `json:"role"`
	Status            string        `json:"status"`
	Since             string        `json:"since"`
	Until             string        `json:"until"`
	Partners          []string      `json:"partners"`
	Source            string        `json:"source"`
	AdditionalSources []string      `json:"additionalSources"`
	Note              string        `json:"note"`
	OtherReports      []otherReport `json:"otherReports"`
	Uncertain         bool          `json:"uncertain"`
}

type orgRec struct {
	ID                    string   `json:"id"`
	Name                  string   `json:"name"`
	Kind                  string   `json:"kind"`
	Country               string   `json:"country"`
	Source                string   `json:"source"`
	AdditionalSources     []string `json:"additionalSources"`
	Note                  string   `json:"note"`
	SeenAsServiceProvider []string `json:"seenAsServiceProvider"`
}

type networkRec struct {
	ID                string   `json:"id"`
	Name              string   `json:"name"`
	Kind              string   `json:"kind"`
	Established       string   `json:"established"`
	Description       string   `json:"description"`
	Source            string   `json:"source"`
	AdditionalSources []string `json:"additionalSources"`
	Note              string   `json:"note"`
	Uncertain         bool     `json:"uncertain"`
	// FundedBy is free text; the one record that has it names AMIF.
	FundedBy      string `json:"fundedBy"`
	CoordinatedBy string `json:"coordinatedBy"`
	ChairedBy     string `json:"chairedBy"`
}

type legalActRec struct {
	ID                  string   `json:"id"`
	Title               string   `json:"title"`
	Type                string   `json:"type"`
	CELEX               *string  `json:"celex"`
	ELI                 string   `json:"eli"`
	Date                string   `json:"date"`
	OfficialJournal     string   `json:"officialJournal"`
	EntryIntoForce      string   `json:"entryIntoForce"`
	LegalBasis          string   `json:"legalBasis"`
	ConsolidatedVersion string   `json:"consolidatedVersion"`
	Proposal            string   `json:"proposal"`
	LedTo               string   `json:"led_to"`
	Amends              []string `json:"amends"`
	AmendedBy           []string `json:"amendedBy"`
	RelatesTo           []string `json:"relatesTo"`
	Repeals             []string `json:"repeals"`
	Source              string   `json:"source"`
	AdditionalSources   []string `json:"additionalSources"`
	Note                string   `json:"note"`
}

type pubRec struct {
	ID                string          `json:"id"`
	Title             string          `json:"title"`
	Kind              string          `json:"kind"`
	Year              *int64          `json:"year"`
	YearBasis         string          `json:"yearBasis"`
	Date              string          `json:"date"`
	Publisher         string          `json:"publisher"`
	URL               *string         `json:"url"`
	Languages         json.RawMessage `json:"languages"`
	Authors           []string        `json:"authors"`
	Source            string          `json:"source"`
	AdditionalSources []string        `json:"additionalSources"`
	Note              string          `json:"note"`
	Uncertain         bool            `json:"uncertain"`
}

type statementRec struct {
	ID                string   `json:"id"`
	Statement         string   `json:"statement"`
	Source            string   `json:"source"`
	AdditionalSources []string `json:"additionalSources"`
	Note              string   `json:"note"`
}

type glossaryFile struct {
	Scheme struct {
		ID    string `json:"id"`
		Title string `json:"title"`
		Note  string `json:"note"`
	} `json:"scheme"`
	Terms []termRec `json:"terms"`
}

type termRec struct {
	ID         string              `json:"id"`
	PrefLabel  map[string]string   `json:"prefLabel"`
	AltLabels  map[string][]string `json:"altLabels"`
	Definition map[string]string   `json:"definition"`
	Source     struct {
		Title      string `json:"title"`
		URL        string `json:"url"`
		CELEX      string `json:"celex"`
		LegalBasis *struct {
			Citation string   `json:"citation"`
			CELEX    []string `json:"celex"`
		} `json:"legalBasis"`
	} `json:"source"`
	LabelSource *struct {
		Title string `json:"title"`
		URL   string `json:"url"`
		Note  string `json:"note"`
	} `json:"labelSource"`
	Broader  []string `json:"broader"`
	Narrower []string `json:"narrower"`
	Related  []string `json:"related"`
}

// decodeStrict decodes JSON into v, rejecting unknown fields and trailing
// data.
func decodeStrict(name string, data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("seed: decoding %s: %w", name, err)
	}
	if dec.More() {
		return fmt.Errorf("seed: decoding %s: trailing data", name)
	}
	return nil
}

// languages returns the list form of a publication's languages, or the
// free-text note when the record gives a string instead of a list.
func (p *pubRec) languages() (list []string, note string, err error) {
	raw := bytes.TrimSpace(p.Languages)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, "", nil
	}
	if raw[0] == '"' {
		err = json.Unmarshal(raw, &note)
		return nil, note, err
	}
	err = json.Unmarshal(raw, &list)
	return list, "", err
}
