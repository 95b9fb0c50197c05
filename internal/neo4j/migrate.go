package neo4j

import (
	"context"
	"fmt"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// nodeLabel is the label every node carries besides its kind.
const nodeLabel = "Node"

// Internal property keys: never part of a node's Props.
const (
	keyID      = "id"
	keyVersion = "_version"
	// keySearchTop, keySearchMid and keySearchLow hold the node's
	// emnkg.SearchWords, which the full-text index searchIndex indexes.
	keySearchTop = "_search_top"
	keySearchMid = "_search_mid"
	keySearchLow = "_search_low"
	// keySearchTopLength holds the number of words of keySearchTop
	// (emnkg.SearchWords.TopLength), by which search orders candidates.
	keySearchTopLength = "_search_top_length"
	// keyLegacySearch held all search words of a node before they were
	// split; Migrate removes it.
	keyLegacySearch = "_search"
)

// searchKeys returns the keys of a node's search words.
func searchKeys() []string { return []string{keySearchTop, keySearchMid, keySearchLow} }

// maxIndexedBytes is the longest text an indexed property may hold: Neo4j's
// range indexes refuse keys longer than about 8 KiB.
const maxIndexedBytes = 8000

// schemaItem is one constraint or index the store needs.
type schemaItem struct {
	name   string
	create string
}

// schema lists the constraints and indexes the store needs, all named, so
// that Migrate can tell which exist.
func schema() []schemaItem {
	items := []schemaItem{{
		name:   "node_id",
		create: "CREATE CONSTRAINT node_id IF NOT EXISTS FOR (n:" + nodeLabel + ") REQUIRE n.id IS UNIQUE",
	}}
	for _, k := range emnkg.Kinds() {
		for _, f := range indexedProps(k) {
			items = append(items, rangeIndex(fmt.Sprintf("node_%s_%s", k, f), string(k), f))
		}
	}
	// A uniqueness constraint per type gives relationship IDs an index
	// (Community Edition supports both since 5.7).
	for _, t := range emnkg.RelTypes() {
		name := fmt.Sprintf("rel_%s_id", t)
		items = append(items, schemaItem{
			name:   name,
			create: fmt.Sprintf("CREATE CONSTRAINT %s IF NOT EXISTS FOR ()-[r:%s]-() REQUIRE r.id IS UNIQUE", quote(name), quote(string(t))),
		})
	}
	items = append(items, schemaItem{name: searchIndex, create: searchIndexCreate})
	items = append(items, facetCountSchema()...)
	items = append(items, auditSchema()...)
	return append(items, apiKeySchema()...)
}

// uniqueConstraint returns the schema item of a uniqueness constraint on
// label.prop.
func uniqueConstraint(name, label, prop string) schemaItem {
	return schemaItem{name: name, create: fmt.Sprintf("CREATE CONSTRAINT %s IF NOT EXISTS FOR (n:%s) REQUIRE n.%s IS UNIQUE",
		quote(name), quote(label), quote(prop))}
}

// rangeIndex returns the schema item of a range index on label.prop.
func rangeIndex(name, label, prop string) schemaItem {
	return schemaItem{name: name, create: fmt.Sprintf("CREATE INDEX %s IF NOT EXISTS FOR (n:%s) ON (n.%s)",
		quote(name), quote(label), quote(prop))}
}

// indexedProps returns the properties of a kind that get a range index:
// the ID (so that patterns starting from one kind read its nodes in ID
// order) and those of the common sort fields that the kind has.
func indexedProps(k emnkg.Kind) []string {
	defs := emnkg.NodeProps(k)
	out := []string{"id"}
	for _, f := range []string{"name", "title", "year", "countryCode", "kind"} {
		if _, ok := emnkg.LookupProp(defs, f); ok {
			out = append(out, f)
		}
	}
	return out
}

// Migrate creates the constraints and indexes the store needs, waits
// until they are online, gives every node that lacks them its search
// words (nodes written before the store kept them, or kept them in one
// property), and counts the
// stored nodes into the kept facet counts when these were not made for the
// counted keys of this version (ensureFacetCounts). A full-text index
// of the search words that is configured otherwise than the store
// needs (see searchIndexCreate) is dropped and created anew. Migrate is
// idempotent, and cheap when nothing is missing.
func (s *Store) Migrate(ctx context.Context) error {
	type state struct {
		names      map[string]bool
		dropSearch bool
	}
	st, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (state, error) {
		st := state{names: map[string]bool{}}
		for _, q := range []string{"SHOW CONSTRAINTS YIELD name RETURN name, null AS info",
			"SHOW INDEXES YIELD name, type, options, labelsOrTypes, properties " +
				"RETURN name, {type: type, options: options, labels: labelsOrTypes, properties: properties} AS info"} {
			recs, err := s.run(ctx, tx, q, nil)
			if err != nil {
				return state{}, err
			}
			for _, r := range recs {
				name, _ := r.Values[0].(string)
				if name == searchIndex && !searchIndexConfigured(r.Values[1]) {
					st.dropSearch = true
					continue
				}
				st.names[name] = true
			}
		}
		return st, nil
	})
	if err != nil {
		return err
	}
	if st.dropSearch {
		if err := s.schemaWrite(ctx, "DROP INDEX "+quote(searchIndex)+" IF EXISTS"); err != nil {
			return fmt.Errorf("neo4j: migrate: drop %s: %w", searchIndex, err)
		}
	}
	existing := st.names
	for _, item := range schema() {
		if existing[item.name] {
			continue
		}
		if err := s.schemaWrite(ctx, item.create); err != nil {
			return fmt.Errorf("neo4j: migrate %s: %w", item.name, err)
		}
	}
	if err := s.schemaWrite(ctx, "CALL db.awaitIndexes(300)"); err != nil {
		return err
	}
	if err := s.backfillSearch(ctx); err != nil {
		return err
	}
	return s.ensureFacetCounts(ctx)
}

// schemaWrite runs one schema command in a write transaction of its own:
// schema changes cannot share a transaction with data reads or writes.
func (s *Store) schemaWrite(ctx context.Context, cypher string) error {
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		_, err := s.run(ctx, tx, cypher, nil)
		return struct{}{}, err
	})
	return err
}
