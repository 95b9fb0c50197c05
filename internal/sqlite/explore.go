package sqlite

import (
	"context"
	"database/sql"
	"slices"
	"strings"

	"github.com/emnkg/emnkg/internal/emnkg"
)

var _ emnkg.Explorer = (*Store)(nil)

// invalid returns an EINVALID error.
func invalid(format string, args ...any) error { return emnkg.Errorf(emnkg.EINVALID, format, args...) }

// edgeColumns are the columns of a relationship, from the table aliased e,
// in the order newEdge takes them.
const edgeColumns = "e.id, e.type, e.src, e.dst, e.props"

// newEdge returns the relationship of one row of edgeColumns.
func (s *Store) newEdge(id, typ, src, dst, props string) (*emnkg.Edge, error) {
	p, err := s.edgeProps(id, props)
	if err != nil {
		return nil, err
	}
	return &emnkg.Edge{ID: id, Type: emnkg.RelType(typ), From: src, To: dst, Props: p}, nil
}

// hopFrom returns the FROM clause of the relationships e that leave (this
// = "src") or enter (this = "dst") the nodes of the JSON list bound at
// list, of the types that typeCond accepts, read from the covering index
// of that end (edges_src_type_dst or edges_dst_type_src), never from the
// table. When kindCond is not "" the node n at the other end is joined
// (searched in nodes_kind by kind and ID, reading the index only) and
// kindCond is the WHERE clause.
func hopFrom(list, this, typeCond, kindCond string) string {
	from := ` FROM json_each(` + list + `) AS s
		CROSS JOIN edges AS e ON e.` + this + ` = s.value AND ` + typeCond
	if kindCond != "" {
		from += ` CROSS JOIN nodes AS n ON n.id = e.` + otherEnd(this) + ` WHERE ` + kindCond
	}
	return from
}

// sortedIDs returns the distinct IDs of ids in order, so that the indexes
// are searched in key order and neighbouring keys share pages.
func sortedIDs(ids []string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

// hopEnds returns the ends ("src", "dst") from which a direction follows
// relationships.
func hopEnds(dir emnkg.Direction) []string {
	switch dir {
	case emnkg.DirectionOut:
		return []string{"src"}
	case emnkg.DirectionIn:
		return []string{"dst"}
	}
	return []string{"src", "dst"}
}

// otherEnd returns the column of the other end of a relationship seen from
// the end this.
func otherEnd(this string) string {
	if this == "src" {
		return "dst"
	}
	return "src"
}

// hopConds returns the bound type condition on e and, when q has kinds,
// the kind condition on n ("" without kinds: the other end exists, so it
// need not be read).
func (b *builder) hopConds(q emnkg.ExpandQuery) (typeCond, kindCond string, err error) {
	if typeCond, err = b.typeIn("e.type", q.Types); err != nil {
		return "", "", err
	}
	if len(q.Kinds) > 0 {
		if kindCond, err = b.kindIn("n.kind", q.Kinds); err != nil {
			return "", "", err
		}
	}
	return typeCond, kindCond, nil
}

// expandQuery returns the SQL of Expand. Its rows are the links (id, type,
// src, dst) of the qualifying (relationship, seed end) pairs, ordered by
// link ID: at most two rows per relationship (one per end among seeds, a
// loop included), so the first 2*(limit+1) rows hold the first limit+1
// relationships. Only the covering indexes are read.
func expandQuery(q emnkg.ExpandQuery, seeds []string) (string, []any, error) {
	var b builder
	list, err := b.idList(seeds)
	if err != nil {
		return "", nil, err
	}
	typeCond, kindCond, err := b.hopConds(q)
	if err != nil {
		return "", nil, err
	}
	var branches []string
	for _, this := range hopEnds(q.Direction) {
		branches = append(branches, `SELECT e.id AS id, e.type AS type, e.src AS src, e.dst AS dst`+
			hopFrom(list, this, typeCond, kindCond))
	}
	query := `SELECT h.id, h.type, h.src, h.dst FROM (` + strings.Join(branches, " UNION ALL ") + `) AS h
		ORDER BY h.id LIMIT ` + b.arg(2*int64(q.Limit)+2)
	return query, b.args, nil
}

// Expand returns the qualifying links of the given nodes, by ID, in one
// query that reads the covering indexes of the relationships' ends (and of
// the nodes' kinds when q.Kinds is given), never a relationship's
// properties.
func (s *Store) Expand(ctx context.Context, q emnkg.ExpandQuery) (*emnkg.Expansion, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	res := &emnkg.Expansion{Links: []emnkg.Link{}}
	seeds := sortedIDs(q.NodeIDs)
	if len(seeds) == 0 {
		return res, nil
	}
	query, args, err := expandQuery(q, seeds)
	if err != nil {
		return nil, err
	}
	err = s.read(ctx, func(tx *sql.Tx) error { return readLinks(ctx, tx, res, q.Limit, query, args) })
	if err != nil {
		return nil, err
	}
	return res, nil
}

// readLinks reads the rows of expandQuery into res: each link once, at
// most limit of them, and whether more exist.
func readLinks(ctx context.Context, tx *sql.Tx, res *emnkg.Expansion, limit int, query string, args []any) error {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return wrapf(err, "expand")
	}
	defer rows.Close()
	var l emnkg.Link
	var typ string
	for rows.Next() {
		if err := rows.Scan(&l.ID, &typ, &l.From, &l.To); err != nil {
			return wrapf(err, "expand")
		}
		if n := len(res.Links); n > 0 && res.Links[n-1].ID == l.ID {
			continue
		}
		if len(res.Links) == limit {
			res.Truncated = true
			break
		}
		l.Type = emnkg.RelType(typ)
		res.Links = append(res.Links, l)
	}
	return wrapf(rows.Err(), "expand")
}

// maxMergedArms bounds the ordered lists (given node times end) that
// neighboursQuery merges; more nodes are grouped and sorted instead, as a
// merge of many lists costs more per row than a sort.
const maxMergedArms = 64

// neighboursQuery returns the SQL of Neighbours: the other ends of the
// qualifying relationships, read from indexes only, each once, ordered by
// ID and cut at the limit.
//
// For a few given nodes (at most maxMergedArms lists) each node's
// relationships at each end are read from the index ordered by the other
// end (edges_src_dst, edges_dst_src), and the compound UNION of these
// ordered lists is merged (SQLite's MERGE of co-routines), so the query
// stops once it has the limit's IDs (DISTINCT makes one list, which is not
// merged, hold each ID once): a hub among the given nodes costs the
// entries up to the limit, not all its relationships. For more nodes the
// other ends are read from the covering indexes of the ends, grouped
// (which sorts them by ID) and cut at the limit. With kinds, the kind of
// each end is checked in nodes_kind (named, or SQLite would read the
// node's row through the primary key) as the ends come out in ID order, so
// only the ends up to the limit are looked up.
func neighboursQuery(q emnkg.ExpandQuery, seeds []string) (string, []any, error) {
	return neighboursSQL(q, seeds, len(seeds)*len(hopEnds(q.Direction)) <= maxMergedArms)
}

// neighboursSQL returns the SQL of Neighbours in the merged form (merge)
// or the grouped one.
func neighboursSQL(q emnkg.ExpandQuery, seeds []string, merge bool) (string, []any, error) {
	var b builder
	typeCond, kindCond, err := b.hopConds(q)
	if err != nil {
		return "", nil, err
	}
	ends := hopEnds(q.Direction)
	var ordered string
	if merge {
		var arms []string
		for _, seed := range seeds {
			p := b.arg(seed)
			for _, this := range ends {
				arms = append(arms, `SELECT DISTINCT e.`+otherEnd(this)+` AS id FROM edges AS e INDEXED BY edges_`+this+`_`+otherEnd(this)+
					` WHERE e.`+this+` = `+p+` AND `+typeCond)
			}
		}
		ordered = strings.Join(arms, " UNION ") + " ORDER BY 1"
	} else {
		list, err := b.idList(seeds)
		if err != nil {
			return "", nil, err
		}
		var branches []string
		for _, this := range ends {
			branches = append(branches, `SELECT e.`+otherEnd(this)+` AS id`+hopFrom(list, this, typeCond, ""))
		}
		ordered = `SELECT h.id FROM (` + strings.Join(branches, " UNION ALL ") + `) AS h GROUP BY h.id ORDER BY h.id`
	}
	limit := " LIMIT " + b.arg(int64(q.Limit))
	if kindCond == "" {
		return ordered + limit, b.args, nil
	}
	query := `SELECT o.id FROM (` + ordered + `) AS o
		WHERE EXISTS (SELECT 1 FROM nodes AS n INDEXED BY nodes_kind WHERE n.id = o.id AND ` + kindCond + `)` + limit
	return query, b.args, nil
}

// Neighbours returns the other ends of the qualifying relationships of the
// given nodes, each once, by ID, at most q.Limit of them, in one query
// that reads indexes only.
func (s *Store) Neighbours(ctx context.Context, q emnkg.ExpandQuery) ([]string, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	seeds := sortedIDs(q.NodeIDs)
	if len(seeds) == 0 || q.Limit == 0 {
		return []string{}, nil
	}
	query, args, err := neighboursQuery(q, seeds)
	if err != nil {
		return nil, err
	}
	return s.readIDs(ctx, "neighbours", query, args)
}

// readIDs runs a query of one text column in a read transaction and
// returns its values.
func (s *Store) readIDs(ctx context.Context, what, query string, args []any) ([]string, error) {
	out := []string{}
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, query, args...)
		if err != nil {
			return wrapf(err, "%s", what)
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return wrapf(err, "%s", what)
			}
			out = append(out, id)
		}
		return wrapf(rows.Err(), "%s", what)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// edgesAmongQuery returns the SQL of EdgesAmong. The relationships
// leaving the nodes of ids are read from the covering index
// edges_src_type_dst, each kept when its other end is in ids too (a lookup
// in a temporary index of ids, built once), and only the relationships kept
// are read from the table. A hub among ids costs index entries, not rows,
// and the relationships entering the nodes are never read. The unary + on
// x.dst keeps SQLite from seeking edges_dst_type_src once per pair of
// IDs, which costs len(ids)² searches. The rows come in rowid order, the
// order in which they are read; EdgesAmong sorts them by ID.
func edgesAmongQuery(ids []string, types []emnkg.RelType) (string, []any, error) {
	var b builder
	list, err := b.idList(ids)
	if err != nil {
		return "", nil, err
	}
	xt, err := b.typeIn("x.type", types)
	if err != nil {
		return "", nil, err
	}
	query := `SELECT ` + edgeColumns + ` FROM edges AS e WHERE e.rowid IN (
		SELECT x.rowid FROM json_each(` + list + `) AS s CROSS JOIN edges AS x ON x.src = s.value AND ` + xt + `
		WHERE +x.dst IN (SELECT d.value FROM json_each(` + list + `) AS d))`
	return query, b.args, nil
}

// EdgesAmong returns the relationships of the given types (all when empty)
// whose two ends are in ids, by ID.
func (s *Store) EdgesAmong(ctx context.Context, ids []string, types []emnkg.RelType) ([]*emnkg.Edge, error) {
	if err := emnkg.ValidateEdgesAmong(ids, types); err != nil {
		return nil, err
	}
	out := []*emnkg.Edge{}
	ids = sortedIDs(ids)
	if len(ids) == 0 {
		return out, nil
	}
	query, args, err := edgesAmongQuery(ids, types)
	if err != nil {
		return nil, err
	}
	err = s.read(ctx, func(tx *sql.Tx) error {
		out, err = s.queryEdges(ctx, tx, "edges among", query, args)
		return err
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b *emnkg.Edge) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// queryEdges runs a query of edgeColumns rows and returns the
// relationships.
func (s *Store) queryEdges(ctx context.Context, tx *sql.Tx, what, query string, args []any) ([]*emnkg.Edge, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, wrapf(err, "%s", what)
	}
	defer rows.Close()
	out := []*emnkg.Edge{}
	for rows.Next() {
		var id, typ, src, dst, props string
		if err := rows.Scan(&id, &typ, &src, &dst, &props); err != nil {
			return nil, wrapf(err, "%s", what)
		}
		e, err := s.newEdge(id, typ, src, dst, props)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, wrapf(rows.Err(), "%s", what)
}

// degreesQuery returns the SQL of Degrees. The relationships are counted
// per end with GROUP BY, each end from a covering index of its own
// (edges_src_dst or edges_dst_src, the narrowest, or the (end, type) ones
// with types: read in order, so the groups stream without a sort); in
// BOTH a node's degree is its outgoing plus its incoming count minus its
// loops (edges_loops), so that a loop counts once. The degrees are ranked
// on narrow rows, the kinds checked through nodes_kind, and only the nodes
// of the page are read.
func degreesQuery(q emnkg.DegreeQuery) (string, []any, error) {
	var b builder
	tc, err := b.typeIn("e.type", q.Types)
	if err != nil {
		return "", nil, err
	}
	kc, err := b.kindIn("k.kind", q.Kinds)
	if err != nil {
		return "", nil, err
	}
	out := `SELECT e.src AS id, count(*) AS deg FROM edges AS e WHERE ` + tc + ` GROUP BY e.src`
	in := `SELECT e.dst AS id, count(*) AS deg FROM edges AS e WHERE ` + tc + ` GROUP BY e.dst`
	var counts string
	switch q.Direction {
	case emnkg.DirectionOut:
		counts = out
	case emnkg.DirectionIn:
		counts = in
	default:
		loops := `SELECT e.src AS id, -count(*) AS deg FROM edges AS e INDEXED BY edges_loops WHERE e.src = e.dst AND ` + tc + ` GROUP BY e.src`
		counts = `SELECT x.id AS id, sum(x.deg) AS deg FROM (` + out + ` UNION ALL ` + in + ` UNION ALL ` + loops + `) AS x
			GROUP BY x.id`
	}
	kinds := ""
	if len(q.Kinds) > 0 {
		kinds = ` CROSS JOIN nodes AS k ON k.id = d.id WHERE ` + kc
	}
	query := `WITH d AS (` + counts + `),
	top AS (SELECT d.id AS id, d.deg AS deg FROM d` + kinds + ` ORDER BY d.deg DESC, d.id LIMIT ` + b.arg(int64(q.Limit)) + `)
	SELECT ` + nodeColumns + `, top.deg FROM top CROSS JOIN nodes AS n ON n.id = top.id
	WHERE top.deg > 0 ORDER BY top.deg DESC, n.id`
	return query, b.args, nil
}

// Degrees ranks nodes by their number of relationships, highest first,
// ties by ID; nodes without relationships are left out.
func (s *Store) Degrees(ctx context.Context, q emnkg.DegreeQuery) ([]emnkg.NodeDegree, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	out := []emnkg.NodeDegree{}
	if q.Limit == 0 {
		return out, nil
	}
	query, args, err := degreesQuery(q)
	if err != nil {
		return nil, err
	}
	err = s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, query, args...)
		if err != nil {
			return wrapf(err, "degrees")
		}
		defer rows.Close()
		for rows.Next() {
			var n emnkg.Node
			var kind, props string
			var deg int64
			if err := rows.Scan(&n.ID, &kind, &n.Version, &props, &deg); err != nil {
				return wrapf(err, "degrees")
			}
			n.Kind = emnkg.Kind(kind)
			if n.Props, err = s.nodeProps(n.Kind, n.ID, props); err != nil {
				return err
			}
			out = append(out, emnkg.NodeDegree{Node: &n, Degree: int(deg)})
		}
		return wrapf(rows.Err(), "degrees")
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// LanguageCoverage counts, per language, the nodes of kind that have a key
// of the multilingual property in that language, by language code. The
// keys come from json_each over the nodes' properties.
func (s *Store) LanguageCoverage(ctx context.Context, kind emnkg.Kind, property string) ([]emnkg.FacetBucket, error) {
	if err := emnkg.ValidateLanguageCoverage(kind, property); err != nil {
		return nil, err
	}
	prefix := property + "_"
	out := []emnkg.FacetBucket{}
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT substr(j.key, ?3 + 1) AS lang, count(*)
			FROM nodes AS n, json_each(n.props) AS j
			WHERE n.kind = ?1 AND substr(j.key, 1, ?3) = ?2
			GROUP BY lang ORDER BY lang`, string(kind), prefix, int64(len(prefix)))
		if err != nil {
			return wrapf(err, "language coverage")
		}
		defer rows.Close()
		for rows.Next() {
			var lang string
			var c int64
			if err := rows.Scan(&lang, &c); err != nil {
				return wrapf(err, "language coverage")
			}
			out = append(out, emnkg.FacetBucket{Values: []any{lang}, Count: int(c)})
		}
		return wrapf(rows.Err(), "language coverage")
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
