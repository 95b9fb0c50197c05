package neo4j

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Kept facet counts (see emnkg.CountedFacetKeys) are FacetCount nodes, one
// per value, or pair of values, of each emnkg.FacetPair:
//
//	(:FacetCount {key, pair, v1, v2, n})
//
// pair names the FacetPair (pairName), v1 and v2 hold the values of its
// keys as the nodes hold them (absent for a node without the property, so
// that Cypher orders them as it orders the nodes' values), n the number of
// nodes, and key, unique, the JSON text of [pair, v1, v2]. A count that
// falls to zero is deleted. Every write that changes nodes (Apply,
// ImportGraph) adds its changes to the counts in its own transaction
// (writeFacetDeltas), so they are exact whenever it commits; Migrate counts
// the stored nodes anew when the counted keys differ from those the counts
// were made for (the FacetCountState node records them), or when there is
// no record.
const (
	facetCountLabel = "FacetCount"
	facetStateLabel = "FacetCountState"
)

// facetCountSchema returns the constraints that kept counts need: MERGE by
// key finds a count by a seek and, the key being unique, two writers of a
// new value wait for each other instead of both creating it.
func facetCountSchema() []schemaItem {
	return []schemaItem{
		uniqueConstraint("facet_count_key", facetCountLabel, "key"),
		rangeIndex("facet_count_pair", facetCountLabel, "pair"),
		uniqueConstraint("facet_count_state_name", facetStateLabel, "name"),
	}
}

// pairName is the text that names a FacetPair in its counts.
func pairName(p emnkg.FacetPair) string {
	return string(p.Kind) + "/" + p.Key1 + "/" + p.Key2
}

// countedPairsSignature names every kept count, so that Migrate can tell
// whether the counts were made for them.
func countedPairsSignature() string {
	var names []string
	for _, p := range emnkg.FacetPairs() {
		names = append(names, pairName(p))
	}
	return strings.Join(names, ";")
}

// facetDeltas is what the writes of one transaction change in the kept
// counts: the change of each count, by key.
type facetDeltas struct {
	pairs  map[emnkg.Kind][]emnkg.FacetPair
	counts map[string]*facetDelta
}

// facetDelta is the change of one count.
type facetDelta struct {
	pair   string
	v1, v2 any
	n      int64
}

// newFacetDeltas returns an empty change of the kept counts.
func newFacetDeltas() *facetDeltas {
	d := &facetDeltas{pairs: map[emnkg.Kind][]emnkg.FacetPair{}, counts: map[string]*facetDelta{}}
	for _, p := range emnkg.FacetPairs() {
		d.pairs[p.Kind] = append(d.pairs[p.Kind], p)
	}
	return d
}

// addNode counts a node of kind k with the stored properties props in
// (sign 1: written) or out (sign -1: replaced or deleted).
func (d *facetDeltas) addNode(k emnkg.Kind, props map[string]any, sign int64) error {
	for _, p := range d.pairs[k] {
		var v2 any
		if p.Key2 != "" {
			v2 = props[p.Key2]
		}
		if err := d.add(p, props[p.Key1], v2, sign); err != nil {
			return err
		}
	}
	return nil
}

// facetCountKey returns the key of the count of the values v1 and v2
// (nil when absent) of pair p.
func facetCountKey(p emnkg.FacetPair, v1, v2 any) (string, error) {
	key, err := json.Marshal([]any{pairName(p), v1, v2})
	if err != nil {
		return "", fmt.Errorf("neo4j: facet count of %s: %v", pairName(p), err)
	}
	return string(key), nil
}

// add adds n to the count of the values v1 and v2 of pair p.
func (d *facetDeltas) add(p emnkg.FacetPair, v1, v2 any, n int64) error {
	key, err := facetCountKey(p, v1, v2)
	if err != nil {
		return err
	}
	c := d.counts[key]
	if c == nil {
		c = &facetDelta{pair: pairName(p), v1: v1, v2: v2}
		d.counts[key] = c
	}
	c.n += n
	return nil
}

// writeFacetDeltas adds the changes d to the kept counts, in the order of
// their keys (so that two transactions lock the counts they share in the
// same order), creating counts that are new and deleting those that fall
// to zero.
func (s *Store) writeFacetDeltas(ctx context.Context, tx neo4j.ManagedTransaction, d *facetDeltas) error {
	keys := make([]string, 0, len(d.counts))
	for k, c := range d.counts {
		if c.n != 0 {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	rows := make([]any, 0, len(keys))
	for _, k := range keys {
		c := d.counts[k]
		rows = append(rows, map[string]any{"key": k, "pair": c.pair, "v1": c.v1, "v2": c.v2, "n": c.n})
	}
	return s.writeRows(ctx, tx, rows, "UNWIND $rows AS d MERGE (c:"+facetCountLabel+" {key: d.key})"+
		" ON CREATE SET c.pair = d.pair, c.v1 = d.v1, c.v2 = d.v2, c.n = 0"+
		" SET c.n = c.n + d.n FOREACH (gone IN CASE WHEN c.n = 0 THEN [1] ELSE [] END | DELETE c) RETURN count(*)")
}

// ensureFacetCounts counts the stored nodes anew, in one write
// transaction, unless the kept counts were made for the counted keys of
// this version. The transaction first locks the FacetCountState node, so
// that of two servers migrating at once the second finds the counts made.
func (s *Store) ensureFacetCounts(ctx context.Context) error {
	sig := countedPairsSignature()
	current, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (bool, error) {
		recs, err := s.run(ctx, tx, "OPTIONAL MATCH (m:"+facetStateLabel+" {name: 'counts'}) RETURN m.pairs = $sig", map[string]any{"sig": sig})
		if err != nil || len(recs) != 1 {
			return false, err
		}
		ok, _ := recs[0].Values[0].(bool)
		return ok, nil
	})
	if err != nil || current {
		return err
	}
	_, err = write(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		recs, err := s.run(ctx, tx, "MERGE (m:"+facetStateLabel+" {name: 'counts'}) SET m.counting = true RETURN m.pairs = $sig",
			map[string]any{"sig": sig})
		if err != nil {
			return struct{}{}, err
		}
		if len(recs) != 1 {
			return struct{}{}, fmt.Errorf("neo4j: facet counts: the state node query returned %d rows", len(recs))
		}
		if done, _ := recs[0].Values[0].(bool); done {
			return struct{}{}, nil
		}
		if _, err := s.run(ctx, tx, "MATCH (c:"+facetCountLabel+") DELETE c", nil); err != nil {
			return struct{}{}, err
		}
		d := newFacetDeltas()
		for _, p := range emnkg.FacetPairs() {
			v2 := "null"
			if p.Key2 != "" {
				v2 = "n." + quote(p.Key2)
			}
			recs, err := s.run(ctx, tx, "MATCH (n:"+quote(string(p.Kind))+") RETURN n."+quote(p.Key1)+" AS v1, "+v2+" AS v2, count(*) AS n", nil)
			if err != nil {
				return struct{}{}, err
			}
			for _, r := range recs {
				n, err := asInt(r.Values[2])
				if err != nil {
					return struct{}{}, err
				}
				if err := d.add(p, r.Values[0], r.Values[1], int64(n)); err != nil {
					return struct{}{}, err
				}
			}
		}
		if err := s.writeFacetDeltas(ctx, tx, d); err != nil {
			return struct{}{}, err
		}
		_, err = s.run(ctx, tx, "MATCH (m:"+facetStateLabel+" {name: 'counts'}) SET m.pairs = $sig REMOVE m.counting",
			map[string]any{"sig": sig})
		return struct{}{}, err
	})
	if err != nil {
		return fmt.Errorf("neo4j: migrate: facet counts: %w", err)
	}
	return nil
}

// countedFacets answers a facet query from the kept counts, or returns
// false when they do not hold its answer (see emnkg.FacetQuery.CountedPair):
// the counts of its pair, ordered as Facets orders buckets.
func (s *Store) countedFacets(ctx context.Context, q emnkg.FacetQuery) ([]emnkg.FacetBucket, bool, error) {
	p, swapped, ok := q.CountedPair()
	if !ok {
		return nil, false, nil
	}
	vs := []string{"c.v1", "c.v2"}
	if swapped {
		vs[0], vs[1] = vs[1], vs[0]
	}
	vs = vs[:len(q.GroupBy)]
	cypher := "MATCH (c:" + facetCountLabel + ") WHERE c.pair = $pair WITH c ORDER BY c.n DESC, " + strings.Join(vs, ", ") +
		" LIMIT $limit RETURN collect([[" + strings.Join(vs, ", ") + "], c.n]) AS buckets"
	out, err := read(ctx, s, func(tx neo4j.ManagedTransaction) ([]emnkg.FacetBucket, error) {
		return s.readBuckets(ctx, tx, cypher, map[string]any{"pair": pairName(p), "limit": int64(q.Limit)})
	})
	return out, true, err
}
