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
)

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
			name := fmt.Sprintf("node_%s_%s", k, f)
			items = append(items, schemaItem{
				name:   name,
				create: fmt.Sprintf("CREATE INDEX %s IF NOT EXISTS FOR (n:%s) ON (n.%s)", quote(name), quote(string(k)), quote(f)),
			})
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
	return items
}

// indexedProps returns the properties of a kind that get a range index:
// those of the common sort fields that the kind has.
func indexedProps(k emnkg.Kind) []string {
	defs := emnkg.NodeProps(k)
	var out []string
	for _, f := range []string{"name", "title", "year", "countryCode", "kind"} {
		if _, ok := emnkg.LookupProp(defs, f); ok {
			out = append(out, f)
		}
	}
	return out
}

// Migrate creates the constraints and indexes the store needs and waits
// until they are online. It is idempotent, and cheap when nothing is
// missing.
func (s *Store) Migrate(ctx context.Context) error {
	existing, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (map[string]bool, error) {
		names := map[string]bool{}
		for _, q := range []string{"SHOW CONSTRAINTS YIELD name", "SHOW INDEXES YIELD name"} {
			recs, err := s.run(ctx, tx, q, nil)
			if err != nil {
				return nil, err
			}
			for _, r := range recs {
				if name, ok := r.Values[0].(string); ok {
					names[name] = true
				}
			}
		}
		return names, nil
	})
	if err != nil {
		return err
	}
	// Schema changes cannot share a transaction with each other's data
	// reads, so each runs in a transaction of its own.
	for _, item := range schema() {
		if existing[item.name] {
			continue
		}
		if _, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
			_, err := s.run(ctx, tx, item.create, nil)
			return struct{}{}, err
		}); err != nil {
			return fmt.Errorf("neo4j: migrate %s: %w", item.name, err)
		}
	}
	_, err = write(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		_, err := s.run(ctx, tx, "CALL db.awaitIndexes(300)", nil)
		return struct{}{}, err
	})
	return err
}
