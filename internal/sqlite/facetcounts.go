package sqlite

import (
	"strconv"
	"strings"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// Facet counts (see emnkg.CountedFacetKeys) are kept in the table
// facet_counts. Triggers on nodes keep it exact in the transaction of every
// write (edits, imports, deletions). Every other facet is counted from the
// nodes (see facetsQuery).
//
// A value is kept as its JSON text (the -> operator's answer: '"study"',
// '2015', 'true'), or 'null' for a node without the property, so that
// absent values are a value of their own and the key is never NULL. A
// single-key count has key2 and value2 ''.

// facetValue is the SQL of the counted value of the key whose JSON path
// is in column path of the pair p, for the node row r (NEW, OLD or n).
func facetValue(r, path string) string {
	return "coalesce(" + r + ".props -> p." + path + ", 'null')"
}

// facetRows is the SELECT of the (kind, key1, value1, key2, value2) rows
// of facet_counts that node row r (a trigger's NEW or OLD) counts in,
// followed by the columns extra (", 1"); from names any other tables the
// rows are drawn from.
func facetRows(r, from, extra string) string {
	return "SELECT " + r + ".kind, p.key1, " + facetValue(r, "path1") + ", p.key2, iif(p.key2 = '', '', " +
		facetValue(r, "path2") + ")" + extra + " FROM " + from + "facet_pairs AS p WHERE p.kind = " + r + ".kind"
}

// migrationV5 creates facet_counts, the pairs it counts (facet_pairs),
// the triggers that keep it exact, and counts the nodes already stored.
func migrationV5() []string {
	stmts := []string{
		`CREATE TABLE IF NOT EXISTS facet_pairs (
			kind  TEXT NOT NULL,
			key1  TEXT NOT NULL,
			path1 TEXT NOT NULL,
			key2  TEXT NOT NULL,
			path2 TEXT NOT NULL,
			PRIMARY KEY (kind, key1, key2)
		) STRICT, WITHOUT ROWID`,
		`CREATE TABLE IF NOT EXISTS facet_counts (
			kind   TEXT NOT NULL,
			key1   TEXT NOT NULL,
			key2   TEXT NOT NULL,
			value1 TEXT NOT NULL,
			value2 TEXT NOT NULL,
			n      INTEGER NOT NULL CHECK (n > 0),
			PRIMARY KEY (kind, key1, key2, value1, value2)
		) STRICT, WITHOUT ROWID`,
		`DELETE FROM facet_pairs`,
		`DELETE FROM facet_counts`,
	}
	for _, p := range emnkg.FacetPairs() {
		path2 := ""
		if p.Key2 != "" {
			path2 = "$." + p.Key2
		}
		stmts = append(stmts, `INSERT INTO facet_pairs (kind, key1, path1, key2, path2) VALUES (`+
			quoteLiteral(string(p.Kind))+`, `+quoteLiteral(p.Key1)+`, `+quoteLiteral("$."+p.Key1)+`, `+
			quoteLiteral(p.Key2)+`, `+quoteLiteral(path2)+`)`)
	}
	const cols = `(kind, key1, value1, key2, value2)`
	add := `INSERT INTO facet_counts (kind, key1, value1, key2, value2, n) ` + facetRows("NEW", "", ", 1") +
		` ON CONFLICT DO UPDATE SET n = n + 1;`
	// A count of one goes; the others lose one.
	remove := `DELETE FROM facet_counts WHERE n = 1 AND ` + cols + ` IN (` + facetRows("OLD", "", "") + `);
		UPDATE facet_counts SET n = n - 1 WHERE ` + cols + ` IN (` + facetRows("OLD", "", "") + `);`
	return append(stmts,
		`INSERT INTO facet_counts (kind, key1, value1, key2, value2, n)
			WITH x (kind, key1, value1, key2, value2) AS (`+facetRows("n", "nodes AS n CROSS JOIN ", "")+`)
			SELECT kind, key1, value1, key2, value2, count(*) FROM x WHERE 1
			GROUP BY kind, key1, value1, key2, value2`,
		`CREATE TRIGGER IF NOT EXISTS nodes_facets_insert AFTER INSERT ON nodes BEGIN `+add+` END`,
		`CREATE TRIGGER IF NOT EXISTS nodes_facets_delete AFTER DELETE ON nodes BEGIN `+remove+` END`,
		`CREATE TRIGGER IF NOT EXISTS nodes_facets_update AFTER UPDATE OF kind, props ON nodes
			WHEN OLD.kind IS NOT NEW.kind OR OLD.props IS NOT NEW.props BEGIN `+remove+` `+add+` END`,
	)
}

// countedFacetsQuery returns the SQL of Facets read from facet_counts, and
// false when q is not counted there (see emnkg.FacetQuery.CountedPair).
func countedFacetsQuery(q emnkg.FacetQuery) (string, []any, bool) {
	p, swapped, ok := q.CountedPair()
	if !ok {
		return "", nil, false
	}
	// Value columns follow the query's keys.
	cols := []string{"value1", "value2"}
	if swapped {
		cols[0], cols[1] = cols[1], cols[0]
	}
	var b builder
	var sel, order []string
	for i := range q.GroupBy {
		name := "k" + strconv.Itoa(i)
		sel = append(sel, "json_extract(c."+cols[i]+", '$') AS "+name)
		order = append(order, name+" ASC NULLS LAST")
	}
	query := "SELECT " + strings.Join(sel, ", ") + ", c.n FROM facet_counts AS c WHERE c.kind = " + b.arg(string(q.Kind)) +
		" AND c.key1 = " + b.arg(p.Key1) + " AND c.key2 = " + b.arg(p.Key2) +
		" ORDER BY c.n DESC, " + strings.Join(order, ", ") + " LIMIT " + b.arg(int64(q.Limit))
	return query, b.args, true
}
