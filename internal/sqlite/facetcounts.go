package sqlite

import (
	"slices"
	"strconv"
	"strings"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// Facet counts: for a few properties of each kind that dashboards group
// by (low-cardinality ones: a document's kind and year, a country's EMN
// status, an NCP's country), the store keeps the number of nodes having
// each value, and each pair of values, in the table facet_counts. Triggers
// on nodes keep it exact in the transaction of every write (edits,
// imports, deletions), so a facet over these keys without a filter reads
// its buckets (a few hundred rows) instead of every node of the kind:
// its cost follows the number of buckets, not of nodes. Every other facet
// is counted from the nodes (see facetsQuery).
//
// A value is kept as its JSON text (the -> operator's answer: '"study"',
// '2015', 'true'), or 'null' for a node without the property, so that
// absent values are a value of their own and the key is never NULL. A
// single-key count has key2 and value2 ''.

// countedKeys returns, per kind, the properties whose values facet_counts
// counts, alone and in pairs. Changing the list needs a migration that
// rebuilds the counts.
func countedKeys() map[emnkg.Kind][]string {
	return map[emnkg.Kind][]string{
		emnkg.KindDocument:             {"kind", "year", "yearBasis", "publisher"},
		emnkg.KindCountry:              {"euMember", "emnStatus"},
		emnkg.KindNationalContactPoint: {"countryCode", "status", "role"},
		emnkg.KindOrganisation:         {"kind", "countryCode"},
		emnkg.KindNetwork:              {"kind"},
		emnkg.KindGlossaryTerm:         {"scheme"},
	}
}

// facetPair is one count of facet_counts: a key alone (key2 "") or two
// keys, key1 before key2 in countedKeys' order.
type facetPair struct {
	kind       emnkg.Kind
	key1, key2 string
}

// facetPairs returns every count that countedKeys asks for, by kind.
func facetPairs() []facetPair {
	var out []facetPair
	counted := countedKeys()
	for _, k := range emnkg.Kinds() {
		keys := counted[k]
		for i, a := range keys {
			out = append(out, facetPair{k, a, ""})
			for _, b := range keys[i+1:] {
				out = append(out, facetPair{k, a, b})
			}
		}
	}
	return out
}

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
	for _, p := range facetPairs() {
		path2 := ""
		if p.key2 != "" {
			path2 = "$." + p.key2
		}
		stmts = append(stmts, `INSERT INTO facet_pairs (kind, key1, path1, key2, path2) VALUES (`+
			quoteLiteral(string(p.kind))+`, `+quoteLiteral(p.key1)+`, `+quoteLiteral("$."+p.key1)+`, `+
			quoteLiteral(p.key2)+`, `+quoteLiteral(path2)+`)`)
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
// false when q is not counted there: it has a filter, or a key over a
// relationship, or a key that countedKeys does not count for the kind.
func countedFacetsQuery(q emnkg.FacetQuery) (string, []any, bool) {
	if q.Filter != nil {
		return "", nil, false
	}
	keys := countedKeys()[q.Kind]
	pos := make([]int, len(q.GroupBy))
	for i, k := range q.GroupBy {
		pos[i] = slices.Index(keys, k.Field)
		if k.Via != nil || pos[i] < 0 {
			return "", nil, false
		}
	}
	// The pair is stored in countedKeys' order; value columns follow the
	// query's keys.
	cols := []string{"value1", "value2"}
	key1, key2 := q.GroupBy[0].Field, ""
	if len(q.GroupBy) == 2 {
		if pos[0] == pos[1] {
			return "", nil, false
		}
		key2 = q.GroupBy[1].Field
		if pos[0] > pos[1] {
			key1, key2 = key2, key1
			cols[0], cols[1] = cols[1], cols[0]
		}
	}
	var b builder
	var sel, order []string
	for i := range q.GroupBy {
		name := "k" + strconv.Itoa(i)
		sel = append(sel, "json_extract(c."+cols[i]+", '$') AS "+name)
		order = append(order, name+" ASC NULLS LAST")
	}
	query := "SELECT " + strings.Join(sel, ", ") + ", c.n FROM facet_counts AS c WHERE c.kind = " + b.arg(string(q.Kind)) +
		" AND c.key1 = " + b.arg(key1) + " AND c.key2 = " + b.arg(key2) +
		" ORDER BY c.n DESC, " + strings.Join(order, ", ") + " LIMIT " + b.arg(int64(q.Limit))
	return query, b.args, true
}
