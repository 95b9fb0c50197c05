package emnkg

import "slices"

// Kept facet counts: for a few properties of each kind that dashboards
// group by (low-cardinality ones: a document's kind and year, a country's
// EMN status, an NCP's country), stores keep the number of nodes having
// each value, and each pair of values, exact in the transaction of every
// write. A facet over these keys without a filter then reads a few hundred
// kept counts instead of every node of the kind: its cost follows the
// number of buckets, not of nodes. Every other facet is counted from the
// nodes.

// CountedFacetKeys returns, per kind, the properties whose values stores
// keep counts of, alone and in pairs. Each is a scalar property. Changing
// the list makes the stores count anew when they migrate.
func CountedFacetKeys() map[Kind][]string {
	return map[Kind][]string{
		KindDocument:             {"kind", "year", "yearBasis", "publisher"},
		KindCountry:              {"euMember", "emnStatus"},
		KindNationalContactPoint: {"countryCode", "status", "role"},
		KindOrganisation:         {"kind", "countryCode"},
		KindNetwork:              {"kind"},
		KindGlossaryTerm:         {"scheme"},
	}
}

// FacetPair is one kept count: of the values of Key1 alone (Key2 "") or of
// the pairs of values of Key1 and Key2, Key1 before Key2 in
// CountedFacetKeys' order, over the nodes of Kind.
type FacetPair struct {
	Kind       Kind
	Key1, Key2 string
}

// FacetPairs returns every count that CountedFacetKeys asks for, by kind.
func FacetPairs() []FacetPair {
	var out []FacetPair
	counted := CountedFacetKeys()
	for _, k := range Kinds() {
		keys := counted[k]
		for i, a := range keys {
			out = append(out, FacetPair{k, a, ""})
			for _, b := range keys[i+1:] {
				out = append(out, FacetPair{k, a, b})
			}
		}
	}
	return out
}

// CountedPair returns the kept count that answers q, and whether q's keys
// come in the pair's reverse order (q groups by Key2, then Key1). ok is
// false when the answer must be counted from the nodes: q has a filter, a
// key over a relationship, a key that is not counted, or one key twice.
func (q *FacetQuery) CountedPair() (p FacetPair, swapped, ok bool) {
	if q.Filter != nil || len(q.GroupBy) == 0 || len(q.GroupBy) > 2 {
		return FacetPair{}, false, false
	}
	keys := CountedFacetKeys()[q.Kind]
	pos := make([]int, len(q.GroupBy))
	for i, k := range q.GroupBy {
		pos[i] = slices.Index(keys, k.Field)
		if k.Via != nil || pos[i] < 0 {
			return FacetPair{}, false, false
		}
	}
	p = FacetPair{Kind: q.Kind, Key1: q.GroupBy[0].Field}
	if len(q.GroupBy) == 2 {
		if pos[0] == pos[1] {
			return FacetPair{}, false, false
		}
		p.Key2 = q.GroupBy[1].Field
		if pos[0] > pos[1] {
			p.Key1, p.Key2, swapped = p.Key2, p.Key1, true
		}
	}
	return p, swapped, true
}
