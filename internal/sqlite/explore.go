package sqlite

import (
	"context"
	"database/sql"
	"math"
	"slices"
	"strings"

	"github.com/emnkg/emnkg/internal/emnkg"
)

var _ emnkg.Explorer = (*Store)(nil)

// invalid returns an EINVALID error.
func invalid(format string, args ...any) error { return emnkg.Errorf(emnkg.EINVALID, format, args...) }

func checkKinds(ks []emnkg.Kind) error {
	for _, k := range ks {
		if !k.Valid() {
			return invalid("Unknown node kind %q.", k)
		}
	}
	return nil
}

func checkTypes(ts []emnkg.RelType) error {
	for _, t := range ts {
		if _, ok := emnkg.LookupRel(t); !ok {
			return invalid("Unknown relationship type %q.", t)
		}
	}
	return nil
}

func checkDirection(d emnkg.Direction) error {
	if !d.Valid() {
		return invalid("Unknown direction %q.", d)
	}
	return nil
}

func checkLimit(limit, maxLimit int) error {
	if limit < 0 || limit > maxLimit {
		return invalid("The limit must be between 0 and %d.", maxLimit)
	}
	return nil
}

func checkPage(offset, limit int) error {
	if offset < 0 || offset > math.MaxInt32 {
		return invalid("Offset out of range.")
	}
	return checkLimit(limit, emnkg.MaxPageSize)
}

func checkIDs(ids []string) error {
	if len(ids) > emnkg.MaxQueryIDs {
		return invalid("At most %d node IDs may be given at once.", emnkg.MaxQueryIDs)
	}
	return nil
}

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

// hopBranch returns the SELECT of the relationships that leave (this =
// "src") or enter (this = "dst") the nodes of the JSON list bound at list,
// under the condition cond on e: their columns and which end is the other
// one (1 for dst, 0 for src).
func hopBranch(list, this, cond string) string {
	side := "0"
	if this == "src" {
		side = "1"
	}
	return `SELECT ` + edgeColumns + `, ` + side + ` AS side
		FROM json_each(` + list + `) AS s
		CROSS JOIN edges AS e ON e.` + this + ` = s.value AND ` + cond
}

// hopBranches returns the UNION ALL of the hop branches of a direction. In
// BOTH a relationship from a node to itself is found by the first branch
// only.
func hopBranches(list string, dir emnkg.Direction, cond string) string {
	switch dir {
	case emnkg.DirectionOut:
		return hopBranch(list, "src", cond)
	case emnkg.DirectionIn:
		return hopBranch(list, "dst", cond)
	}
	return hopBranch(list, "src", cond) + " UNION ALL " + hopBranch(list, "dst", cond+" AND e.src <> e.dst")
}

// expandQuery returns the SQL of Expand. Its rows are (edge columns, side
// of the other end) ordered by edge ID: one row per qualifying
// (relationship, other end) pair, so at most two per relationship, and at
// most 2*(limit+1) rows, enough to tell limit+1 relationships apart (the
// rows of the first limit relationships all come within the first
// 2*limit). Each relationship's row is read once, through the (src, type)
// and (dst, type) indexes.
func expandQuery(q emnkg.ExpandQuery, seeds []string) (string, []any, error) {
	var b builder
	list, err := b.idList(seeds)
	if err != nil {
		return "", nil, err
	}
	types, err := b.typeIn("e.type", q.Types)
	if err != nil {
		return "", nil, err
	}
	kinds, err := b.kindIn("n.kind", q.Kinds)
	if err != nil {
		return "", nil, err
	}
	join := ""
	if len(q.Kinds) > 0 {
		// Without kinds the other end need not be read: it exists.
		join = " CROSS JOIN nodes AS n ON n.id = CASE h.side WHEN 1 THEN h.dst ELSE h.src END"
	}
	query := `SELECT h.id, h.type, h.src, h.dst, h.props, h.side
	FROM (` + hopBranches(list, q.Direction, types) + `) AS h` + join + `
	WHERE ` + kinds + ` ORDER BY h.id LIMIT ` + b.arg(2*int64(q.Limit)+2)
	return query, b.args, nil
}

func validateExpand(q emnkg.ExpandQuery) error {
	if err := checkDirection(q.Direction); err != nil {
		return err
	}
	if err := checkTypes(q.Types); err != nil {
		return err
	}
	if err := checkKinds(q.Kinds); err != nil {
		return err
	}
	if err := checkLimit(q.Limit, emnkg.MaxExpandLimit); err != nil {
		return err
	}
	return checkIDs(q.NodeIDs)
}

// Expand returns the qualifying relationships of the given nodes, by ID,
// and the nodes at their other ends. Two queries in one read transaction:
// the relationships (through the (src, type) and (dst, type) indexes) and
// then the nodes they reach.
func (s *Store) Expand(ctx context.Context, q emnkg.ExpandQuery) (*emnkg.Expansion, error) {
	if err := validateExpand(q); err != nil {
		return nil, err
	}
	res := &emnkg.Expansion{Edges: []*emnkg.Edge{}, Nodes: []*emnkg.Node{}}
	seeds := uniqueIDs(q.NodeIDs)
	if len(seeds) == 0 {
		return res, nil
	}
	query, args, err := expandQuery(q, seeds)
	if err != nil {
		return nil, err
	}
	err = s.read(ctx, func(tx *sql.Tx) error {
		reached, err := s.expandEdges(ctx, tx, res, q.Limit, query, args)
		if err != nil {
			return err
		}
		res.Nodes, err = s.nodesByID(ctx, tx, reached)
		return err
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// expandEdges reads the rows of expandQuery into res and returns the other
// ends of the relationships kept.
func (s *Store) expandEdges(ctx context.Context, tx *sql.Tx, res *emnkg.Expansion, limit int, query string, args []any) ([]string, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, wrapf(err, "expand")
	}
	defer rows.Close()
	var reached []string
	seen := make(map[string]struct{})
	last := ""
	for rows.Next() {
		var eid, typ, src, dst, props string
		var side int64
		if err := rows.Scan(&eid, &typ, &src, &dst, &props, &side); err != nil {
			return nil, wrapf(err, "expand")
		}
		other := src
		if side == 1 {
			other = dst
		}
		if eid != last {
			if len(res.Edges) == limit {
				res.Truncated = true
				break
			}
			e, err := s.newEdge(eid, typ, src, dst, props)
			if err != nil {
				return nil, err
			}
			res.Edges = append(res.Edges, e)
			last = eid
		}
		if _, dup := seen[other]; !dup {
			seen[other] = struct{}{}
			reached = append(reached, other)
		}
	}
	return reached, wrapf(rows.Err(), "expand")
}

// nodesByID returns the stored nodes among ids (which are unique), ordered
// by ID. The IDs are looked up in order, so that neighbouring keys share
// index pages, and come back in that order.
func (s *Store) nodesByID(ctx context.Context, tx *sql.Tx, ids []string) ([]*emnkg.Node, error) {
	if len(ids) == 0 {
		return []*emnkg.Node{}, nil
	}
	slices.Sort(ids)
	list, err := encodeJSON(ids)
	if err != nil {
		return nil, invalid("Invalid node IDs.")
	}
	ns, err := s.queryNodes(ctx, tx, "read nodes",
		`SELECT `+nodeColumns+` FROM json_each(?1) AS j CROSS JOIN nodes AS n ON n.id = j.value`, []any{list})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(ns, func(a, b *emnkg.Node) int { return strings.Compare(a.ID, b.ID) })
	return ns, nil
}

// edgesAmongQuery returns the SQL of EdgesAmong: the rowids of the
// relationships leaving the nodes of ids (from the (src, type) index) and
// those of the relationships entering them (from the (dst, type) index)
// are intersected, reading the indexes only, and just the relationships in
// both are read from the table. A hub among ids costs index entries, not
// rows.
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
	yt := strings.ReplaceAll(xt, "x.type", "y.type")
	query := `SELECT ` + edgeColumns + ` FROM edges AS e WHERE e.rowid IN (
		SELECT x.rowid FROM json_each(` + list + `) AS s CROSS JOIN edges AS x ON x.src = s.value AND ` + xt + `
		INTERSECT
		SELECT y.rowid FROM json_each(` + list + `) AS s CROSS JOIN edges AS y ON y.dst = s.value AND ` + yt + `)
		ORDER BY e.id`
	return query, b.args, nil
}

// EdgesAmong returns the relationships of the given types (all when empty)
// whose two ends are in ids, by ID.
func (s *Store) EdgesAmong(ctx context.Context, ids []string, types []emnkg.RelType) ([]*emnkg.Edge, error) {
	if err := checkTypes(types); err != nil {
		return nil, err
	}
	if err := checkIDs(ids); err != nil {
		return nil, err
	}
	out := []*emnkg.Edge{}
	ids = uniqueIDs(ids)
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
// per end with GROUP BY, each end from its own index (edges_src_type,
// edges_dst_type: read in order, so the groups stream without a sort); in
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
		loops := `SELECT e.src AS id, -count(*) AS deg FROM edges AS e WHERE e.src = e.dst AND ` + tc + ` GROUP BY e.src`
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
	if err := checkKinds(q.Kinds); err != nil {
		return nil, err
	}
	if err := checkTypes(q.Types); err != nil {
		return nil, err
	}
	if err := checkDirection(q.Direction); err != nil {
		return nil, err
	}
	if err := checkLimit(q.Limit, emnkg.MaxPageSize); err != nil {
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

// multilingual reports whether property is the name of a multilingual
// property of kind.
func multilingual(kind emnkg.Kind, property string) bool {
	return slices.ContainsFunc(emnkg.NodeProps(kind), func(d emnkg.PropDef) bool {
		return d.Multilingual && d.Name == property
	})
}

// LanguageCoverage counts, per language, the nodes of kind that have a key
// of the multilingual property in that language, by language code. The
// keys come from json_each over the nodes' properties.
func (s *Store) LanguageCoverage(ctx context.Context, kind emnkg.Kind, property string) ([]emnkg.FacetBucket, error) {
	if !kind.Valid() {
		return nil, invalid("Unknown node kind %q.", kind)
	}
	if !multilingual(kind, property) {
		return nil, emnkg.FieldErrorf(emnkg.EINVALID, property, "%q is not a multilingual property of %s.", property, kind)
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
