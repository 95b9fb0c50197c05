package sqlite

import (
	"context"
	"database/sql"
	"strings"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// nodeColumns are the columns scanNode reads, from the table aliased n.
const nodeColumns = "n.id, n.kind, n.version, n.props"

// scanNode reads one row of nodeColumns.
func (s *Store) scanNode(rows *sql.Rows) (*emnkg.Node, error) {
	var n emnkg.Node
	var kind, props string
	if err := rows.Scan(&n.ID, &kind, &n.Version, &props); err != nil {
		return nil, wrapf(err, "read node")
	}
	n.Kind = emnkg.Kind(kind)
	p, err := s.nodeProps(n.Kind, n.ID, props)
	if err != nil {
		return nil, err
	}
	n.Props = p
	return &n, nil
}

// uniqueIDs returns ids without repetitions, in order of first occurrence.
func uniqueIDs(ids []string) []string {
	seen := make(map[string]struct{}, len(ids))
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if _, dup := seen[id]; !dup {
			seen[id] = struct{}{}
			out = append(out, id)
		}
	}
	return out
}

// GetNodes returns the nodes with the given IDs in the order of ids, each
// once (at its first occurrence); unknown IDs are skipped.
func (s *Store) GetNodes(ctx context.Context, ids []string) ([]*emnkg.Node, error) {
	ids = uniqueIDs(ids)
	out := make([]*emnkg.Node, 0, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	list, err := encodeJSON(ids)
	if err != nil {
		return nil, emnkg.Errorf(emnkg.EINVALID, "Invalid node IDs.")
	}
	byID := make(map[string]*emnkg.Node, len(ids))
	err = s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx,
			`SELECT `+nodeColumns+` FROM json_each(?1) AS j CROSS JOIN nodes AS n ON n.id = j.value`, list)
		if err != nil {
			return wrapf(err, "get nodes")
		}
		defer rows.Close()
		for rows.Next() {
			n, err := s.scanNode(rows)
			if err != nil {
				return err
			}
			byID[n.ID] = n
		}
		return wrapf(rows.Err(), "get nodes")
	})
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		if n, ok := byID[id]; ok {
			out = append(out, n)
		}
	}
	return out, nil
}

// FindNodes returns a page of the nodes of one kind that match q.Filter, in
// the order of q.Sort and then of id.
func (s *Store) FindNodes(ctx context.Context, q emnkg.NodeQuery) (*emnkg.NodePage, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	var b builder
	cond, err := b.filter(q.Filter, "n")
	if err != nil {
		return nil, err
	}
	where := "n.kind = " + b.arg(string(q.Kind)) + " AND " + cond
	// The count uses the arguments bound so far: those of the condition.
	countArgs := b.args
	order := b.orderBy(q.Sort, "n", "")
	query := "SELECT " + nodeColumns + " FROM nodes AS n WHERE " + where +
		" ORDER BY " + order +
		" LIMIT " + b.arg(int64(q.Limit)+1) + " OFFSET " + b.arg(int64(q.Offset))

	page := &emnkg.NodePage{Nodes: make([]*emnkg.Node, 0, q.Limit), TotalCount: -1}
	err = s.read(ctx, func(tx *sql.Tx) error {
		if err := s.nodePage(ctx, tx, page, q.Limit, query, b.args); err != nil {
			return err
		}
		if !q.WithTotal {
			return nil
		}
		var total int64
		if err := tx.QueryRowContext(ctx,
			"SELECT count(*) FROM nodes AS n WHERE "+where, countArgs...).Scan(&total); err != nil {
			return wrapf(err, "count nodes")
		}
		page.TotalCount = int(total)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return page, nil
}

// nodePage runs query, which returns up to limit+1 nodes, and fills page
// with the first limit of them.
func (s *Store) nodePage(ctx context.Context, tx *sql.Tx, page *emnkg.NodePage, limit int, query string, args []any) error {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return wrapf(err, "find nodes")
	}
	defer rows.Close()
	for rows.Next() {
		if len(page.Nodes) == limit {
			// The one row fetched beyond the page.
			page.HasMore = true
			break
		}
		n, err := s.scanNode(rows)
		if err != nil {
			return err
		}
		page.Nodes = append(page.Nodes, n)
	}
	return wrapf(rows.Err(), "find nodes")
}

// FindRelated returns, for every ID of q.NodeIDs, a page of the
// relationships of type q.Type seen from that node, with the node at their
// other end. All pages come from one SQL query: the candidates of every
// requested node are numbered in sort order with ROW_NUMBER() and counted
// with COUNT(*), both partitioned by the requested node.
//
// In direction BOTH a relationship from a node to itself is listed once.
func (s *Store) FindRelated(ctx context.Context, q emnkg.RelatedQuery) (map[string]*emnkg.RelatedPage, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	ids := uniqueIDs(q.NodeIDs)
	out := make(map[string]*emnkg.RelatedPage, len(ids))
	for _, id := range ids {
		total := -1
		if q.WithTotal {
			total = 0
		}
		out[id] = &emnkg.RelatedPage{Items: []emnkg.Related{}, TotalCount: total}
	}
	if len(ids) == 0 {
		return out, nil
	}
	query, args, err := relatedQuery(q, ids)
	if err != nil {
		return nil, err
	}
	err = s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, query, args...)
		if err != nil {
			return wrapf(err, "find related")
		}
		defer rows.Close()
		for rows.Next() {
			if err := s.scanRelated(rows, q, out); err != nil {
				return err
			}
		}
		return wrapf(rows.Err(), "find related")
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// relatedQuery builds the SQL of FindRelated. Its rows are, per requested
// node (pid), the rows numbered rn in (offset, offset+limit] (the page),
// the row offset+limit+1 (telling that more follow) and, when totals are
// asked for, the first row (carrying the total even when the page is
// empty), in order of pid and rn.
func relatedQuery(q emnkg.RelatedQuery, ids []string) (string, []any, error) {
	var b builder
	list, err := encodeJSON(ids)
	if err != nil {
		return "", nil, emnkg.Errorf(emnkg.EINVALID, "Invalid node IDs.")
	}
	pids := b.arg(list)
	typ := b.arg(string(q.Type))

	// hop lists, per requested node, the rowids of its relationships and
	// of the nodes at their other ends. The nodes are looked up here by ID
	// alone, so that the planner cannot prefer an index of the filter.
	branch := func(this, other, extra string) string {
		return `SELECT r.value AS pid, e.rowid AS erow, o.rowid AS nrow
			FROM json_each(` + pids + `) AS r
			CROSS JOIN edges AS e ON e.` + this + ` = r.value AND e.type = ` + typ + extra + `
			CROSS JOIN nodes AS o ON o.id = e.` + other
	}
	var hops []string
	switch q.Direction {
	case emnkg.DirectionOut:
		hops = append(hops, branch("src", "dst", ""))
	case emnkg.DirectionIn:
		hops = append(hops, branch("dst", "src", ""))
	case emnkg.DirectionBoth:
		// A loop is found by the first branch only.
		hops = append(hops, branch("src", "dst", ""), branch("dst", "src", " AND e.src <> e.dst"))
	}

	conds := []string{"1"}
	if q.OtherKind != "" {
		conds = append(conds, "n.kind = "+b.arg(string(q.OtherKind)))
	}
	nc, err := b.filter(q.Filter, "n")
	if err != nil {
		return "", nil, err
	}
	ec, err := b.filter(q.EdgeFilter, "e")
	if err != nil {
		return "", nil, err
	}
	conds = append(conds, nc, ec)

	// The window sorts narrow rows (rowids and sort keys); the wide
	// columns are read only for the rows kept.
	window := "PARTITION BY h.pid ORDER BY " + b.orderBy(q.Sort, "n", "e")
	total := "0"
	if q.WithTotal {
		// The same window with a frame of the whole partition: one sort
		// serves both functions.
		total = "count(*) OVER (" + window + " ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)"
	}
	from := b.arg(int64(q.Offset))
	to := b.arg(int64(q.Offset) + int64(q.Limit) + 1)
	keep := "c.rn > " + from + " AND c.rn <= " + to
	if q.WithTotal {
		keep = "(" + keep + ") OR c.rn = 1"
	}

	query := `WITH hop AS (` + strings.Join(hops, " UNION ALL ") + `),
	cand AS (
		SELECT h.pid AS pid, h.erow AS erow, h.nrow AS nrow,
			row_number() OVER (` + window + `) AS rn,
			` + total + ` AS total
		FROM hop AS h
		CROSS JOIN edges AS e ON e.rowid = h.erow
		CROSS JOIN nodes AS n ON n.rowid = h.nrow
		WHERE ` + strings.Join(conds, " AND ") + `
	)
	SELECT c.pid, c.rn, c.total, e.id, e.type, e.src, e.dst, e.props, n.id, n.kind, n.version, n.props
	FROM cand AS c
	CROSS JOIN edges AS e ON e.rowid = c.erow
	CROSS JOIN nodes AS n ON n.rowid = c.nrow
	WHERE ` + keep + `
	ORDER BY c.pid, c.rn`
	return query, b.args, nil
}

// scanRelated reads one row of the FindRelated query into its page.
func (s *Store) scanRelated(rows *sql.Rows, q emnkg.RelatedQuery, out map[string]*emnkg.RelatedPage) error {
	var (
		pid, etype, eprops, nkind, nprops string
		rn, total                         int64
		e                                 emnkg.Edge
		n                                 emnkg.Node
	)
	if err := rows.Scan(&pid, &rn, &total, &e.ID, &etype, &e.From, &e.To, &eprops,
		&n.ID, &nkind, &n.Version, &nprops); err != nil {
		return wrapf(err, "read related")
	}
	page, ok := out[pid]
	if !ok {
		return nil
	}
	if q.WithTotal {
		page.TotalCount = int(total)
	}
	switch {
	case rn <= int64(q.Offset):
		// The first row, read for the total only.
		return nil
	case rn > int64(q.Offset)+int64(q.Limit):
		page.HasMore = true
		return nil
	}
	e.Type = emnkg.RelType(etype)
	n.Kind = emnkg.Kind(nkind)
	var err error
	if e.Props, err = s.edgeProps(e.ID, eprops); err != nil {
		return err
	}
	if n.Props, err = s.nodeProps(n.Kind, n.ID, nprops); err != nil {
		return err
	}
	page.Items = append(page.Items, emnkg.Related{Edge: &e, Node: &n})
	return nil
}

// Stats counts the nodes of every kind and the relationships of every type.
func (s *Store) Stats(ctx context.Context) (*emnkg.GraphStats, error) {
	st := &emnkg.GraphStats{
		NodesByKind: make(map[emnkg.Kind]int),
		EdgesByType: make(map[emnkg.RelType]int),
	}
	for _, k := range emnkg.Kinds() {
		st.NodesByKind[k] = 0
	}
	for _, t := range emnkg.RelTypes() {
		st.EdgesByType[t] = 0
	}
	err := s.read(ctx, func(tx *sql.Tx) error {
		err := countGroups(ctx, tx, `SELECT kind, count(*) FROM nodes GROUP BY kind`, func(k string, c int) {
			st.NodesByKind[emnkg.Kind(k)] = c
		})
		if err != nil {
			return err
		}
		return countGroups(ctx, tx, `SELECT type, count(*) FROM edges GROUP BY type`, func(t string, c int) {
			st.EdgesByType[emnkg.RelType(t)] = c
		})
	})
	if err != nil {
		return nil, err
	}
	return st, nil
}

// countGroups runs a query of (name, count) rows and hands each to set.
func countGroups(ctx context.Context, tx *sql.Tx, query string, set func(string, int)) error {
	rows, err := tx.QueryContext(ctx, query)
	if err != nil {
		return wrapf(err, "stats")
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var c int64
		if err := rows.Scan(&name, &c); err != nil {
			return wrapf(err, "stats")
		}
		set(name, int(c))
	}
	return wrapf(rows.Err(), "stats")
}
