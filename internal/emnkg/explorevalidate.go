package emnkg

import "slices"

// This file validates the queries of the Explorer contract, once for every
// store: a store calls the query's Validate method before it builds any
// query of its own language.

// ValidateKinds checks that every kind is known.
func ValidateKinds(ks []Kind) error {
	for _, k := range ks {
		if !k.Valid() {
			return Errorf(EINVALID, "Unknown node kind %q.", k)
		}
	}
	return nil
}

// ValidateRelTypes checks that every relationship type is in the schema's
// allow-list.
func ValidateRelTypes(ts []RelType) error {
	for _, t := range ts {
		if _, ok := LookupRel(t); !ok {
			return Errorf(EINVALID, "Unknown relationship type %q.", t)
		}
	}
	return nil
}

// ValidateIDs checks that at most MaxQueryIDs IDs are given at once.
func ValidateIDs(ids []string) error {
	if len(ids) > MaxQueryIDs {
		return Errorf(EINVALID, "At most %d node IDs may be given at once.", MaxQueryIDs)
	}
	return nil
}

func validateDirection(d Direction) error {
	if !d.Valid() {
		return Errorf(EINVALID, "Unknown direction %q.", d)
	}
	return nil
}

func validateLimit(limit, maxLimit int) error {
	if limit < 0 || limit > maxLimit {
		return Errorf(EINVALID, "The limit must be between 0 and %d.", maxLimit)
	}
	return nil
}

// Validate checks a search-candidates query: every token must be one
// folded word exactly as Tokenize returns it, so that no full-text query
// syntax can reach a store's index.
func (q *SearchCandidatesQuery) Validate() error {
	if err := validateLimit(q.Limit, MaxSearchLimit); err != nil {
		return err
	}
	if err := ValidateKinds(q.Kinds); err != nil {
		return err
	}
	for _, tok := range q.Tokens {
		if ws := Tokenize(tok); len(ws) != 1 || ws[0] != tok {
			return Errorf(EINVALID, "Search tokens must be folded words, as Tokenize returns them.")
		}
	}
	for _, l := range q.Languages {
		if !ValidLanguage(l) {
			return FieldErrorf(EINVALID, "languages", "Invalid language code %q.", l)
		}
	}
	return nil
}

// Validate checks an expansion step.
func (q *ExpandQuery) Validate() error {
	if err := validateDirection(q.Direction); err != nil {
		return err
	}
	if err := ValidateRelTypes(q.Types); err != nil {
		return err
	}
	if err := ValidateKinds(q.Kinds); err != nil {
		return err
	}
	if err := validateLimit(q.Limit, MaxExpandLimit); err != nil {
		return err
	}
	return ValidateIDs(q.NodeIDs)
}

// SingleHop reports whether a relationship step is exactly one
// relationship.
func (r RelStep) SingleHop() bool {
	return (r.MinHops == 0 && r.MaxHops == 0) || (r.MinHops == 1 && r.MaxHops == 1)
}

// Validate checks the shape, kinds, types, directions, hops, filters
// (against the properties of each step's kind, the common ones when the
// kind is empty) and the page of a pattern.
func (q *PatternQuery) Validate() error {
	if len(q.NodeSteps) == 0 {
		return Errorf(EINVALID, "A pattern needs a node step.")
	}
	if len(q.RelSteps) > MaxPatternSteps {
		return Errorf(EINVALID, "A pattern has at most %d relationship steps.", MaxPatternSteps)
	}
	if len(q.NodeSteps) != len(q.RelSteps)+1 {
		return Errorf(EINVALID, "A pattern alternates node and relationship steps, starting and ending with a node.")
	}
	for _, n := range q.NodeSteps {
		if n.Kind != "" && !n.Kind.Valid() {
			return Errorf(EINVALID, "Unknown node kind %q.", n.Kind)
		}
		if err := ValidateIDs(n.IDs); err != nil {
			return err
		}
		if err := ValidateFilter(n.Filter, NodeProps(n.Kind)); err != nil {
			return err
		}
	}
	for _, r := range q.RelSteps {
		if err := ValidateRelTypes(r.Types); err != nil {
			return err
		}
		if err := validateDirection(r.Direction); err != nil {
			return err
		}
		if !r.SingleHop() && (r.MinHops < 0 || r.MaxHops < 1 || r.MinHops > r.MaxHops || r.MaxHops > MaxPatternHops) {
			return Errorf(EINVALID, "Hops must satisfy 0 <= min <= max <= %d.", MaxPatternHops)
		}
	}
	return validatePage(q.Offset, q.Limit)
}

// Validate checks a facet query: its kind, one or two group keys whose
// fields may group (the ID or a filterable property) and whose hops can
// join the nodes, the filter and the limit.
func (q *FacetQuery) Validate() error {
	_, err := q.KeyTypes()
	return err
}

// KeyTypes validates q (see Validate) and returns the type of the values of
// each group key.
func (q *FacetQuery) KeyTypes() ([]PropType, error) {
	if !q.Kind.Valid() {
		return nil, Errorf(EINVALID, "Unknown node kind %q.", q.Kind)
	}
	if len(q.GroupBy) < 1 || len(q.GroupBy) > 2 {
		return nil, Errorf(EINVALID, "Group by one or two keys.")
	}
	if err := validateLimit(q.Limit, MaxPageSize); err != nil {
		return nil, err
	}
	if err := ValidateFilter(q.Filter, NodeProps(q.Kind)); err != nil {
		return nil, err
	}
	types := make([]PropType, len(q.GroupBy))
	for i, k := range q.GroupBy {
		kind := q.Kind
		if k.Via != nil {
			if err := k.Via.validateFrom(q.Kind); err != nil {
				return nil, err
			}
			kind = k.Via.Kind
		}
		t, err := groupFieldType(kind, k.Field)
		if err != nil {
			return nil, err
		}
		types[i] = t
	}
	return types, nil
}

// groupFieldType returns the type of the values of a group key's field on
// nodes of kind: "id" or a filterable property.
func groupFieldType(kind Kind, field string) (PropType, error) {
	if field == "id" {
		return PropString, nil
	}
	d, ok := LookupProp(NodeProps(kind), field)
	if !ok || !d.Filterable {
		return 0, FieldErrorf(EINVALID, field, "Cannot group %s nodes by %q.", kind, field)
	}
	return d.Type, nil
}

// validateFrom checks that the hop can join nodes of kind to nodes of
// h.Kind.
func (h *Hop) validateFrom(kind Kind) error {
	def, ok := LookupRel(h.Type)
	if !ok {
		return Errorf(EINVALID, "Unknown relationship type %q.", h.Type)
	}
	if err := validateDirection(h.Direction); err != nil {
		return err
	}
	if !h.Kind.Valid() {
		return Errorf(EINVALID, "Unknown node kind %q.", h.Kind)
	}
	outOK := h.Direction != DirectionIn && def.Allows(kind, h.Kind)
	inOK := h.Direction != DirectionOut && def.Allows(h.Kind, kind)
	if !outOK && !inOK {
		return Errorf(EINVALID, "A %s relationship never joins a %s to a %s that way.", h.Type, kind, h.Kind)
	}
	return nil
}

// Validate checks a degree ranking.
func (q *DegreeQuery) Validate() error {
	if err := ValidateKinds(q.Kinds); err != nil {
		return err
	}
	if err := ValidateRelTypes(q.Types); err != nil {
		return err
	}
	if err := validateDirection(q.Direction); err != nil {
		return err
	}
	return validateLimit(q.Limit, MaxPageSize)
}

// ValidateLanguageCoverage checks that property is a multilingual property
// of kind.
func ValidateLanguageCoverage(kind Kind, property string) error {
	if !kind.Valid() {
		return Errorf(EINVALID, "Unknown node kind %q.", kind)
	}
	multilingual := slices.ContainsFunc(NodeProps(kind), func(d PropDef) bool {
		return d.Multilingual && d.Name == property
	})
	if !multilingual {
		return FieldErrorf(EINVALID, property, "%q is not a multilingual property of %s.", property, kind)
	}
	return nil
}

// ValidateEdgesAmong checks the arguments of Explorer.EdgesAmong: at most
// MaxNeighbourhoodSize IDs, so that a whole neighbourhood's relationships
// come in one call.
func ValidateEdgesAmong(ids []string, types []RelType) error {
	if err := ValidateRelTypes(types); err != nil {
		return err
	}
	if len(ids) > MaxNeighbourhoodSize {
		return Errorf(EINVALID, "At most %d node IDs may be given at once.", MaxNeighbourhoodSize)
	}
	return nil
}
