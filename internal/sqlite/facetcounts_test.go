package sqlite

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/emnkg/emnkg/internal/storetest"
)

// The conformance suite (storetest's FacetCounts) checks that the kept
// counts stay exact through imports, edits and deletions; a plan test
// checks which table a counted facet reads.

// TestFacetCountsOfMigratedNodes opens nodes stored before facet_counts
// existed: the migration counts them.
func TestFacetCountsOfMigratedNodes(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	s := newTestStore(t)
	g := &emnkg.Graph{}
	for i := range 40 {
		k := []emnkg.Kind{emnkg.KindDocument, emnkg.KindCountry}[i%2]
		g.Nodes = append(g.Nodes, &emnkg.Node{ID: fmt.Sprintf("syn-m-%02d", i), Kind: k, Props: storetest.FacetCountProps(r, k)})
	}
	mustImport(t, s, g)
	// Forget the counts, as a database of version 4 has none, and run the
	// migration again.
	for _, st := range []string{`DROP TRIGGER nodes_facets_insert`, `DROP TRIGGER nodes_facets_delete`,
		`DROP TRIGGER nodes_facets_update`, `DROP TABLE facet_counts`, `DROP TABLE facet_pairs`,
		`DELETE FROM schema_version`, `INSERT INTO schema_version (version) VALUES (4)`} {
		if _, err := s.wdb.Exec(st); err != nil {
			t.Fatal(st, err)
		}
	}
	if err := s.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := s.rdb.QueryRow(`SELECT count(*) FROM facet_counts`).Scan(&n); err != nil || n == 0 {
		t.Fatalf("%d counts after the migration (%v)", n, err)
	}
	storetest.CheckFacetCounts(t, s, "after the migration")
}
