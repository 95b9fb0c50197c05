package sqlite

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// This file compiles a PatternQuery to parameterised SQL.
//
// A pattern without variable-length steps becomes one flat join: a nodes
// alias nI per node step and an edges alias eJ per relationship step, each
// relationship found from a node already bound next to it by its end and
// type in edges_src_type_dst or edges_dst_type_src (both, OR-ed, in BOTH),
// and the node at its other end by ID. Every match is then a distinct row,
// so no DISTINCT is needed. The join starts from the step pinned to the
// fewest IDs, else from the first step, whose nodes then come in ID order
// so that SQLite sorts only the rows of each first node and stops at the
// end of the page; CROSS JOIN keeps that order. The page is sorted on the
// matches' IDs, and the nodes' and relationships' columns are read for its
// rows only. A pattern of single hops whose join starts from the first step
// has a second plan, the ordered plan (see compiler.ordered), which sorts
// nothing and is tried first (see Store.patternRows).
//
// A variable-length step cuts the join in segments. What the steps before
// it bound becomes a CTE (pJ), from which a recursive CTE (wJ) walks up to
// MaxHops relationships, one row per path; the steps after it join to the
// walk's end. Rows are then made distinct, as a path is not part of a row.
//
// Relationship uniqueness (Cypher's relationship isomorphism) holds over
// the whole match, as storetest requires: within a segment the single-hop
// relationships differ pairwise (eJ.rowid <> eK.rowid); across segments
// every row carries "used", the rowids of the relationships it bound so
// far (",12,40,"), and no later relationship (single-hop or on a
// variable-length path) may be in it. So a variable-length path is a trail
// (its relationships are distinct, its nodes may repeat, it may come back
// to its start), it uses no relationship of an earlier step, and steps
// after it use none of its relationships. A pair of nodes is bound when
// some such path joins them; paths through different intermediate nodes
// give one row. Zero hops (MinHops 0) bind one node to both node steps,
// which must both accept it.

// planFence is joined second in every segment. SQLite considers Bloom
// filters for the lookups of a join only while every table after the
// first has planner statistics (sqlite_stat1, which PRAGMA optimize
// writes); this one-row table has none, so the lookups stay plain index
// searches. Built before the first row, such filters would scan whole
// kinds and relationship types, which costs far more than the page of a
// pattern whose ORDER BY the join follows and which stops early.
const planFence = "CROSS JOIN json_each('[0]') AS fence"

// patternSQL is a compiled pattern.
type patternSQL struct {
	// rows selects a page of matches by the flat plan, limit+1 rows from
	// the offset: for each node step nodeColumns, for each single-hop step
	// edgeColumns.
	rows string
	// ordered selects the same rows by the ordered plan (see
	// compiler.ordered), or is "" when the pattern cannot take it.
	ordered string
	// count counts every match (by the flat plan, which counts faster).
	count string
	// args are the arguments of rows and count (one compiler built both),
	// orderedArgs those of ordered.
	args, orderedArgs []any
}

// compiler builds the SQL of a pattern, segment by segment.
type compiler struct {
	b      builder
	q      emnkg.PatternQuery
	hasVar bool // the pattern has a variable-length step

	ctes []string
	// The current segment: its FROM clause and conditions.
	from  []string
	where []string
	// nodeIDs and edgeIDs are the SQL expressions of the IDs bound so far,
	// by step ("" while unbound, and always for a variable-length step).
	nodeIDs, edgeIDs []string
	// segEdges are the rowid expressions of the single-hop relationships
	// of the current segment; used is the expression of the rowids bound
	// by earlier segments ("" in the first).
	segEdges []string
	used     string
}

// compilePattern compiles a validated pattern to the flat plan and, when
// its steps are all single hops and its join starts from the first step,
// to the ordered plan (see compiler.ordered) as well.
func compilePattern(q emnkg.PatternQuery) (*patternSQL, error) {
	ps, err := compileFlat(q)
	if err != nil {
		return nil, err
	}
	c := newCompiler(q)
	if c.orderable() {
		if err := c.ordered(); err != nil {
			return nil, err
		}
		ordered := c.finish()
		ps.ordered, ps.orderedArgs = ordered.rows, ordered.args
	}
	return ps, nil
}

// newCompiler returns a compiler of q with nothing bound.
func newCompiler(q emnkg.PatternQuery) *compiler {
	return &compiler{q: q, nodeIDs: make([]string, len(q.NodeSteps)), edgeIDs: make([]string, len(q.RelSteps))}
}

// compileFlat compiles a validated pattern to the flat plan.
func compileFlat(q emnkg.PatternQuery) (*patternSQL, error) {
	c := newCompiler(q)
	// The first segment spans the node steps up to the first
	// variable-length step.
	last := len(q.RelSteps)
	for j, r := range q.RelSteps {
		if !r.SingleHop() {
			c.hasVar = true
			last = min(last, j)
		}
	}
	start := startStep(q.NodeSteps[:last+1])
	if err := c.firstNode(start); err != nil {
		return nil, err
	}
	for j := start; j < last; j++ {
		if err := c.singleStep(j, j, j+1); err != nil {
			return nil, err
		}
	}
	for j := start - 1; j >= 0; j-- {
		if err := c.singleStep(j, j+1, j); err != nil {
			return nil, err
		}
	}
	for j := last; j < len(q.RelSteps); j++ {
		var err error
		if r := q.RelSteps[j]; r.SingleHop() {
			err = c.singleStep(j, j, j+1)
		} else {
			err = c.varStep(j, r)
		}
		if err != nil {
			return nil, err
		}
	}
	return c.finish(), nil
}

// orderable reports whether the pattern can take the ordered plan: every
// relationship step is a single hop and no later node step is pinned to
// fewer IDs than the first (whose join would start there).
func (c *compiler) orderable() bool {
	for _, r := range c.q.RelSteps {
		if !r.SingleHop() {
			return false
		}
	}
	return startStep(c.q.NodeSteps) == 0
}

// ordered builds the ordered plan, in which SQLite reads the matches in
// the order of the page and stops at its end. The flat join binds each
// relationship before the node it leads to, so its rows come ordered by
// (n0, n1, e0, n2, e1, ...), not by the nodes first as pages are: when two
// relationships join the same two nodes, the rows of the second come after
// every row of the first, and SQLite must sort all the rows of each first
// node (every document of an NCP and their terms, growing with the graph).
// Here the node steps are bound first, each from the one before it:
// node step i+1 is looked up by ID among the other ends of the step's
// relationships from node step i (a correlated IN subquery, which SQLite
// reads in ID order, each ID once); then each relationship is found between
// its two bound nodes, by ID in the list of the pair's relationships. The
// rows come in the order of the node IDs step by step, then of the
// relationship IDs, and nothing is sorted: every loop reads each value once
// (IDs by the primary key or the UNIQUE nodes_kind index), which SQLite
// needs to take a join's order from its indexes. The kind of a node looked
// up is tested on its row (+n.kind), so that SQLite searches it by ID and
// builds no Bloom filter for the step, which would scan the whole kind.
func (c *compiler) ordered() error {
	n0 := alias("n", 0)
	conds, err := c.nodeStep(0, n0)
	if err != nil {
		return err
	}
	from := "nodes AS " + n0
	if st := c.q.NodeSteps[0]; st.Kind != "" && len(st.IDs) == 0 {
		from += " INDEXED BY nodes_kind"
	}
	c.from, c.where = []string{from}, conds
	c.nodeIDs[0] = n0 + ".id"
	for j, r := range c.q.RelSteps {
		n := alias("n", j+1)
		tcOut, tcIn, err := c.typeConds("x", r.Types)
		if err != nil {
			return err
		}
		on, other := follow("x", c.nodeIDs[j], r.Direction, tcOut, tcIn)
		c.from = append(c.from, "CROSS JOIN nodes AS "+n+" ON "+n+".id IN (SELECT "+other+" FROM edges AS x WHERE "+on+")")
		// The kind is tested on the node found (see above).
		conds, err := c.nodeStepOn(j+1, n, "+"+n+".kind")
		if err != nil {
			return err
		}
		c.where = append(c.where, conds...)
		c.nodeIDs[j+1] = n + ".id"
	}
	for j, r := range c.q.RelSteps {
		e := alias("e", j)
		between, err := c.between(c.nodeIDs[j], c.nodeIDs[j+1], r)
		if err != nil {
			return err
		}
		c.from = append(c.from, "CROSS JOIN edges AS "+e+" ON "+e+".id IN ("+between+")")
		for _, prev := range c.segEdges {
			c.where = append(c.where, e+".rowid <> "+prev)
		}
		c.segEdges = append(c.segEdges, e+".rowid")
		c.edgeIDs[j] = e + ".id"
	}
	return nil
}

// between returns the query of the IDs of the relationships of step r
// from the node whose ID is at a to the node whose ID is at b: a search of
// each pair of ends, in an index holding the ID when the types are given
// (edges_src_type_dst or edges_dst_type_src), else in edges_src_dst
// (named: with no type to search by, SQLite would rather read every
// relationship of one end in another index). In BOTH a
// relationship from a node to itself is found by both halves, and the IN
// list holds it once.
func (c *compiler) between(a, b string, r emnkg.RelStep) (string, error) {
	table := "edges AS x"
	if len(r.Types) == 0 {
		table += " INDEXED BY edges_src_dst"
	}
	pair := func(src, dst string) (string, error) {
		tc, err := c.b.typeIn("x.type", r.Types)
		return "SELECT x.id FROM " + table + " WHERE x.src = " + src + " AND x.dst = " + dst + " AND " + tc, err
	}
	switch r.Direction {
	case emnkg.DirectionOut:
		return pair(a, b)
	case emnkg.DirectionIn:
		return pair(b, a)
	}
	out, err := pair(a, b)
	if err != nil {
		return "", err
	}
	in, err := pair(b, a)
	return out + " UNION ALL " + in, err
}

// startStep returns the node step a segment's join starts from: the step
// pinned to the fewest IDs, else the first one, whose nodes then come in
// ID order (through the nodes_kind index) so that SQLite sorts rows only
// within each of them and stops at the page's end.
func startStep(steps []emnkg.NodeStep) int {
	start := 0
	for i, st := range steps {
		if len(st.IDs) > 0 && (len(steps[start].IDs) == 0 || len(st.IDs) < len(steps[start].IDs)) {
			start = i
		}
	}
	return start
}

func alias(prefix string, i int) string { return prefix + strconv.Itoa(i) }

// nodeStep returns the conditions of node step i on the nodes aliased a.
func (c *compiler) nodeStep(i int, a string) ([]string, error) {
	return c.nodeStepOn(i, a, a+".kind")
}

// nodeStepOn is nodeStep with the kind read from the expression kind.
func (c *compiler) nodeStepOn(i int, a, kind string) ([]string, error) {
	st := c.q.NodeSteps[i]
	var conds []string
	if st.Kind != "" {
		conds = append(conds, kind+" = "+c.b.arg(string(st.Kind)))
	}
	if len(st.IDs) > 0 {
		ic, err := c.b.inList(a+".id", st.IDs)
		if err != nil {
			return nil, err
		}
		conds = append(conds, ic)
	}
	if st.Filter != nil {
		fc, err := c.b.filter(st.Filter, a)
		if err != nil {
			return nil, err
		}
		conds = append(conds, fc)
	}
	return conds, nil
}

// firstNode starts the first segment at node step i.
func (c *compiler) firstNode(i int) error {
	n := alias("n", i)
	conds, err := c.nodeStep(i, n)
	if err != nil {
		return err
	}
	from := "nodes AS " + n
	if st := c.q.NodeSteps[i]; st.Kind != "" && len(st.IDs) == 0 {
		// The nodes of the kind in ID order, which the ORDER BY of a
		// pattern starting here follows.
		from += " INDEXED BY nodes_kind"
	}
	c.from = []string{from, planFence}
	c.where = conds
	c.nodeIDs[i] = n + ".id"
	return nil
}

// follow returns the join condition of the relationships aliased e that
// can be followed from the node whose ID is at in direction dir, with the
// type conditions tcOut (on relationships leaving at) and tcIn (entering
// it), and the expression of the node at their other end. In BOTH the two
// index searches are OR-ed, so that a relationship from a node to itself
// is found once; tcOut and tcIn bind the types separately, or SQLite would
// factor the type out of the OR and search the type's index instead.
func follow(e, at string, dir emnkg.Direction, tcOut, tcIn string) (on, other string) {
	switch dir {
	case emnkg.DirectionOut:
		return e + ".src = " + at + " AND " + tcOut, e + ".dst"
	case emnkg.DirectionIn:
		return e + ".dst = " + at + " AND " + tcIn, e + ".src"
	}
	return "((" + e + ".src = " + at + " AND " + tcOut + ") OR (" + e + ".dst = " + at + " AND " + tcIn + "))",
		"CASE WHEN " + e + ".src = " + at + " THEN " + e + ".dst ELSE " + e + ".src END"
}

// typeConds returns the type conditions of a relationship step on the
// relationships aliased e, one for each side (see follow).
func (c *compiler) typeConds(e string, types []emnkg.RelType) (tcOut, tcIn string, err error) {
	if tcOut, err = c.b.typeIn(e+".type", types); err != nil {
		return "", "", err
	}
	tcIn, err = c.b.typeIn(e+".type", types)
	return tcOut, tcIn, err
}

// notUsed returns the condition that the relationship whose rowid is at
// row is not among the rowids listed by used.
func notUsed(used, row string) string {
	return "instr(" + used + ", ',' || " + row + " || ',') = 0"
}

// reverse returns the direction in which a relationship step is followed
// from the node step after it to the one before it.
func reverse(d emnkg.Direction) emnkg.Direction {
	switch d {
	case emnkg.DirectionOut:
		return emnkg.DirectionIn
	case emnkg.DirectionIn:
		return emnkg.DirectionOut
	}
	return d
}

// singleStep joins single-hop relationship step j to the segment, followed
// from node step from (bound) to node step to (j or j+1), and then node
// step to. The joins are CROSS JOINs, which SQLite keeps in this order.
func (c *compiler) singleStep(j, from, to int) error {
	r := c.q.RelSteps[j]
	e, n := alias("e", j), alias("n", to)
	tcOut, tcIn, err := c.typeConds(e, r.Types)
	if err != nil {
		return err
	}
	dir := r.Direction
	if to < from {
		dir = reverse(dir)
	}
	on, other := follow(e, c.nodeIDs[from], dir, tcOut, tcIn)
	c.from = append(c.from, "CROSS JOIN edges AS "+e+" ON "+on, "CROSS JOIN nodes AS "+n+" ON "+n+".id = "+other)
	for _, prev := range c.segEdges {
		c.where = append(c.where, e+".rowid <> "+prev)
	}
	if c.used != "" {
		c.where = append(c.where, notUsed(c.used, e+".rowid"))
	}
	conds, err := c.nodeStep(to, n)
	if err != nil {
		return err
	}
	c.where = append(c.where, conds...)
	c.segEdges = append(c.segEdges, e+".rowid")
	c.nodeIDs[to] = n + ".id"
	c.edgeIDs[j] = e + ".id"
	return nil
}

// segment returns the SELECT of the current segment with the given
// columns.
func (c *compiler) segment(cols []string, distinct bool) string {
	sel := "SELECT "
	if distinct {
		sel += "DISTINCT "
	}
	where := "1"
	if len(c.where) > 0 {
		where = strings.Join(c.where, " AND ")
	}
	return sel + strings.Join(cols, ", ") + " FROM " + strings.Join(c.from, " ") + " WHERE " + where
}

// boundColumns returns the ID columns bound so far, named n0.., e0.., as
// "expr AS name" and as names.
func (c *compiler) boundColumns() (cols, names []string) {
	for i, x := range c.nodeIDs {
		if x != "" {
			cols = append(cols, x+" AS "+alias("n", i))
			names = append(names, alias("n", i))
		}
	}
	for j, x := range c.edgeIDs {
		if x != "" {
			cols = append(cols, x+" AS "+alias("e", j))
			names = append(names, alias("e", j))
		}
	}
	return cols, names
}

// varStep ends the current segment with variable-length step j: the
// segment becomes the CTE pJ, the walk the recursive CTE wJ, and node step
// j+1 starts the next segment at the walk's ends.
func (c *compiler) varStep(j int, r emnkg.RelStep) error {
	p, w, n := alias("p", j), alias("w", j), alias("n", j+1)
	cols, names := c.boundColumns()
	used := "','"
	if c.used != "" {
		used = c.used
	}
	for _, e := range c.segEdges {
		used += " || " + e + " || ','"
	}
	c.ctes = append(c.ctes, p+" AS ("+c.segment(append(cols, used+" AS used"), false)+")")

	tc, err := c.b.typeIn("x.type", r.Types)
	if err != nil {
		return err
	}
	carried := make([]string, len(names))
	for i, name := range names {
		carried[i] = "w." + name
	}
	maxHops := c.b.arg(int64(r.MaxHops))
	// One recursive SELECT per direction, each searching its own index;
	// in BOTH a relationship from a node to itself is followed once.
	var steps []string
	for _, d := range []emnkg.Direction{emnkg.DirectionOut, emnkg.DirectionIn} {
		if r.Direction != emnkg.DirectionBoth && r.Direction != d {
			continue
		}
		cond := tc
		if r.Direction == emnkg.DirectionBoth && d == emnkg.DirectionIn {
			cond += " AND x.src <> x.dst"
		}
		on, other := follow("x", "w.cur", d, cond, cond)
		steps = append(steps, "SELECT "+strings.Join(carried, ", ")+", "+other+", w.hops + 1, w.used || x.rowid || ','"+
			" FROM "+w+" AS w "+planFence+" CROSS JOIN edges AS x ON "+on+
			" WHERE w.hops < "+maxHops+" AND "+notUsed("w.used", "x.rowid"))
	}
	c.ctes = append(c.ctes, w+"("+strings.Join(names, ", ")+", cur, hops, used) AS (\n"+
		"SELECT "+strings.Join(names, ", ")+", "+alias("n", j)+", 0, used FROM "+p+"\n"+
		"UNION ALL\n"+strings.Join(steps, "\nUNION ALL\n")+")")

	c.from = []string{w, planFence, "CROSS JOIN nodes AS " + n + " ON " + n + ".id = " + w + ".cur"}
	c.where = []string{w + ".hops >= " + c.b.arg(int64(r.MinHops))}
	conds, err := c.nodeStep(j+1, n)
	if err != nil {
		return err
	}
	c.where = append(c.where, conds...)
	for i := range c.nodeIDs {
		if c.nodeIDs[i] != "" {
			c.nodeIDs[i] = w + "." + alias("n", i)
		}
	}
	for k := range c.edgeIDs {
		if c.edgeIDs[k] != "" {
			c.edgeIDs[k] = w + "." + alias("e", k)
		}
	}
	c.nodeIDs[j+1] = n + ".id"
	c.segEdges = nil
	c.used = w + ".used"
	return nil
}

// finish returns the page and count queries. Both read r, the IDs of the
// matches (made distinct when a variable-length step may give a match more
// than once). The page is sorted on these narrow rows; the nodes'
// and relationships' columns are read for the rows of the page only.
func (c *compiler) finish() *patternSQL {
	bound, names := c.boundColumns()
	c.ctes = append(c.ctes, "r AS ("+c.segment(bound, c.hasVar)+")")
	with := "WITH "
	if c.hasVar {
		with = "WITH RECURSIVE "
	}
	with += strings.Join(c.ctes, ",\n") + "\n"
	var cols, joins, order []string
	for i := range c.nodeIDs {
		x := alias("x", i)
		cols = append(cols, strings.ReplaceAll(nodeColumns, "n.", x+"."))
		joins = append(joins, "CROSS JOIN nodes AS "+x+" ON "+x+".id = m."+alias("n", i))
	}
	for j, id := range c.edgeIDs {
		if id == "" {
			continue
		}
		y := alias("y", j)
		cols = append(cols, strings.ReplaceAll(edgeColumns, "e.", y+"."))
		joins = append(joins, "CROSS JOIN edges AS "+y+" ON "+y+".id = m."+alias("e", j))
	}
	for _, name := range names {
		order = append(order, "m."+name)
	}
	page := "SELECT * FROM r ORDER BY " + strings.Join(names, ", ") +
		" LIMIT " + c.b.arg(int64(c.q.Limit)+1) + " OFFSET " + c.b.arg(int64(c.q.Offset))
	return &patternSQL{
		rows: with + "SELECT " + strings.Join(cols, ", ") + " FROM (" + page + ") AS m " + strings.Join(joins, " ") +
			" ORDER BY " + strings.Join(order, ", "),
		count: with + "SELECT count(*) FROM r",
		args:  c.b.args,
	}
}

// MatchPattern finds the matches of a pattern with one SQL query (and a
// second one counting them when q.WithTotal), in one read transaction.
// Rows are ordered by the IDs of their nodes step by step, then by the IDs
// of their single-hop relationships.
func (s *Store) MatchPattern(ctx context.Context, q emnkg.PatternQuery) (*emnkg.PatternPage, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	ps, err := compilePattern(q)
	if err != nil {
		return nil, err
	}
	page := &emnkg.PatternPage{Rows: []emnkg.PatternRow{}, TotalCount: -1}
	err = s.read(ctx, func(tx *sql.Tx) error {
		if err := s.patternRows(ctx, tx, q, ps, page); err != nil {
			return err
		}
		if !q.WithTotal {
			return nil
		}
		var total int64
		if err := tx.QueryRowContext(ctx, ps.count, ps.args...).Scan(&total); err != nil {
			return wrapf(err, "count pattern matches")
		}
		page.TotalCount = int(total)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return page, nil
}

// orderedPatternBudget is how long MatchPattern lets the ordered plan of a
// pattern look for its page before it runs the flat plan instead.
//
// Each plan wins where the other loses. The ordered plan stops at the end
// of the page, however many matches follow (the benchmark's pattern: 31 →
// 8 ms at 100k nodes, 425 → 21 ms at a million), but pays a list per node
// and step for it, so where the matches are few and far between and every
// first node must be tried, it takes about three times as long as the
// flat plan (a two-step pattern without matches at 100k: 0.5 → 1.5 s).
// Trying it first for a bounded time keeps the first case and costs the
// second at most this budget.
const orderedPatternBudget = 50 * time.Millisecond

// patternRows reads the page of matches: by the ordered plan, when the
// pattern has one and it finds the page within s.orderedPatternBudget,
// else by the flat plan. Both give the same rows.
func (s *Store) patternRows(ctx context.Context, tx *sql.Tx, q emnkg.PatternQuery, ps *patternSQL, page *emnkg.PatternPage) error {
	if ps.ordered != "" && s.orderedPatternBudget > 0 {
		octx, cancel := context.WithTimeout(ctx, s.orderedPatternBudget)
		tried := &emnkg.PatternPage{Rows: []emnkg.PatternRow{}}
		err := s.scanPatternRows(octx, tx, q, ps.ordered, ps.orderedArgs, tried)
		cancel()
		if err == nil {
			page.Rows, page.HasMore = tried.Rows, tried.HasMore
			return nil
		}
		if ctx.Err() != nil || octx.Err() == nil {
			return err
		}
	}
	return s.scanPatternRows(ctx, tx, q, ps.rows, ps.args, page)
}

// scanPatternRows reads the page of matches selected by query.
func (s *Store) scanPatternRows(ctx context.Context, tx *sql.Tx, q emnkg.PatternQuery, query string, args []any, page *emnkg.PatternPage) error {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return wrapf(err, "match pattern")
	}
	defer rows.Close()
	nNodes, nEdges := len(q.NodeSteps), 0
	for _, r := range q.RelSteps {
		if r.SingleHop() {
			nEdges++
		}
	}
	vals := make([]string, 4*nNodes+5*nEdges)
	versions := make([]int64, nNodes)
	ptrs := make([]any, 0, len(vals))
	for i := range nNodes {
		ptrs = append(ptrs, &vals[4*i], &vals[4*i+1], &versions[i], &vals[4*i+3])
	}
	for j := range nEdges {
		base := 4*nNodes + 5*j
		ptrs = append(ptrs, &vals[base], &vals[base+1], &vals[base+2], &vals[base+3], &vals[base+4])
	}
	for rows.Next() {
		if len(page.Rows) == q.Limit {
			page.HasMore = true
			break
		}
		if err := rows.Scan(ptrs...); err != nil {
			return wrapf(err, "match pattern")
		}
		row := emnkg.PatternRow{Nodes: make([]*emnkg.Node, nNodes), Edges: make([]*emnkg.Edge, len(q.RelSteps))}
		for i := range nNodes {
			n := &emnkg.Node{ID: vals[4*i], Kind: emnkg.Kind(vals[4*i+1]), Version: versions[i]}
			if n.Props, err = s.nodeProps(n.Kind, n.ID, vals[4*i+3]); err != nil {
				return err
			}
			row.Nodes[i] = n
		}
		k := 0
		for j, r := range q.RelSteps {
			if !r.SingleHop() {
				continue
			}
			base := 4*nNodes + 5*k
			if row.Edges[j], err = s.newEdge(vals[base], vals[base+1], vals[base+2], vals[base+3], vals[base+4]); err != nil {
				return err
			}
			k++
		}
		page.Rows = append(page.Rows, row)
	}
	return wrapf(rows.Err(), "match pattern")
}
