package model

// GlossaryTerm is a term of the EMN glossary. It is written by hand, not
// generated, because its multilingual fields take a language argument.
type GlossaryTerm struct {
	ID                string         `json:"id"`
	Version           int            `json:"version"`
	DisplayName       string         `json:"displayName"`
	Source            *string        `json:"source"`
	AdditionalSources []string       `json:"additionalSources"`
	Note              *string        `json:"note"`
	Uncertain         *bool          `json:"uncertain"`
	Synthetic         *bool          `json:"synthetic"`
	PrefLabels        []*LangString  `json:"prefLabels"`
	AltLabels         []*LangStrings `json:"altLabels"`
	HiddenLabels      []*LangStrings `json:"hiddenLabels"`
	Definitions       []*LangString  `json:"definitions"`
	ScopeNotes        []*LangString  `json:"scopeNotes"`
	Scheme            *string        `json:"scheme"`
	SourceTitle       *string        `json:"sourceTitle"`
	SourceURL         *string        `json:"sourceUrl"`
	SourceCelex       *string        `json:"sourceCelex"`
	LabelSourceTitle  *string        `json:"labelSourceTitle"`
	LabelSourceURL    *string        `json:"labelSourceUrl"`
	Languages         []string       `json:"languages"`
}

// PrefLabel returns the preferred label in a language, or nil.
func (t GlossaryTerm) PrefLabel(language string) *string { return pick(t.PrefLabels, language) }

// Definition returns the definition in a language, or nil.
func (t GlossaryTerm) Definition(language string) *string { return pick(t.Definitions, language) }

func pick(values []*LangString, language string) *string {
	for _, v := range values {
		if v.Language == language {
			s := v.Value
			return &s
		}
	}
	return nil
}

// IsNode marks GlossaryTerm as a Node.
func (GlossaryTerm) IsNode() {}

// GetID returns the term's ID.
func (t GlossaryTerm) GetID() string { return t.ID }

// GetVersion returns the term's version.
func (t GlossaryTerm) GetVersion() int { return t.Version }

// GetDisplayName returns the term's display name.
func (t GlossaryTerm) GetDisplayName() string { return t.DisplayName }

// GetSource returns the term's source.
func (t GlossaryTerm) GetSource() *string { return t.Source }

// GetAdditionalSources returns the term's additional sources.
func (t GlossaryTerm) GetAdditionalSources() []string { return t.AdditionalSources }

// GetNote returns the term's note.
func (t GlossaryTerm) GetNote() *string { return t.Note }

// GetUncertain reports whether the term is uncertain.
func (t GlossaryTerm) GetUncertain() *bool { return t.Uncertain }

// GetSynthetic reports whether the term is synthetic test data.
func (t GlossaryTerm) GetSynthetic() *bool { return t.Synthetic }
