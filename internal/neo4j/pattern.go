package neo4j

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// This file compiles a PatternQuery to parameterised Cypher.
//
// The whole pattern is one path pattern, so that Cypher's relationship
// isomorphism (a relationship is used at most once per match) holds across
// all its steps. Node step i is n<i>, labelled with its kind (:Node for any
// kind, and :Node too when the step is pinned to IDs, so that the ID
// constraint's index can find it); a single-hop step j is r<j>, and a
// variable-length step an anonymous [:T*min..max]. A row is a distinct
// binding of the node variables and the single-hop relationships, and rows
// come ordered by the node IDs step by step, then the relationship IDs.
//
// Sorting every match before paging costs as much as the matches are many
// (hundreds of thousands on a large graph), so the page is found start node
// by start node instead (the ordered plan): the nodes of the first step
// come in ID order (read from the ID constraint's index, or sorted when
// they are few), and for each of them a CALL subquery binds the second
// step's candidates in ID order, and so on; the last subquery matches the
// whole path with every earlier node bound, which checks relationship
// isomorphism and binds the relationships. Each subquery keeps, in order,
// only the first offset+limit+1 rows of its node, which the rows of the
// page are among; its ORDER BY starts with the node its outer query sorted
// on, so Neo4j sorts only the rows of that node (PartialTop) and stops
// taking nodes once it has enough rows. The enumeration of a step's
// candidates ignores the other steps, so it may bind nodes whose subquery
// finds nothing, which costs time but changes no row. A pattern without
// variable-length steps needs no DISTINCT: each of its matches is a
// different row.
//
// As in the SQLite store, a pattern whose first step is not the step
// pinned to the fewest IDs starts from that pinned step instead: Cypher
// then plans the one path pattern as it likes (from the pinned nodes, which
// bound the work), and all the matches are sorted before paging (the flat
// plan).
//
// The total, when asked for, is a second query that counts the distinct
// rows of the flat pattern.

// compiledPattern is a validated pattern compiled to Cypher.
type compiledPattern struct {
	q emnkg.PatternQuery
	p *params
	// nodes holds n0, n1, ...; rels the variables of the single-hop steps
	// in step order; edgeSteps whether each relationship step is a single
	// hop (and so has a relationship in the row).
	nodes, rels []string
	edgeSteps   []bool
	// hasVar tells whether a step is of variable length: only then can two
	// matches make the same row, so that rows need DISTINCT.
	hasVar bool
	// labels holds the label expression of each node step (":Country",
	// ":Node:Country"); preds the predicate of its IDs and filter ("" for
	// none).
	labels, preds []string
}

// compilePattern compiles a validated pattern: its variables, labels and
// predicates, whose parameters it adds to c.p.
func compilePattern(q emnkg.PatternQuery) (*compiledPattern, error) {
	c := &compiledPattern{q: q, p: newParams(), edgeSteps: make([]bool, len(q.RelSteps))}
	for i, st := range q.NodeSteps {
		v := "n" + strconv.Itoa(i)
		c.nodes = append(c.nodes, v)
		label := ":" + nodeLabel
		switch {
		case st.Kind != "" && len(st.IDs) > 0:
			label += ":" + quote(string(st.Kind))
		case st.Kind != "":
			label = ":" + quote(string(st.Kind))
		}
		c.labels = append(c.labels, label)
		var preds []string
		if len(st.IDs) > 0 {
			preds = append(preds, v+".id IN "+c.p.add(uniqueIDs(st.IDs)))
		}
		f, err := c.p.filter(st.Filter, v)
		if err != nil {
			return nil, err
		}
		preds = append(preds, f)
		c.preds = append(c.preds, strings.TrimPrefix(where(preds...), " WHERE "))
	}
	for j, r := range q.RelSteps {
		if r.SingleHop() {
			c.edgeSteps[j] = true
			c.rels = append(c.rels, "r"+strconv.Itoa(j))
		} else {
			c.hasVar = true
		}
	}
	return c, nil
}

// relStep returns the relationship pattern of step j, with variable r<j>
// when named and the step is a single hop.
func (c *compiledPattern) relStep(j int, named bool) string {
	r := c.q.RelSteps[j]
	if r.SingleHop() {
		v := ""
		if named {
			v = "r" + strconv.Itoa(j)
		}
		return relPattern(v, r.Types, r.Direction, "")
	}
	return relPattern("", r.Types, r.Direction, fmt.Sprintf("*%d..%d", r.MinHops, r.MaxHops))
}

// path returns the whole path pattern, in which the node variables before
// node step from are bound already (so carry no label), and the WHERE
// clause of the node steps from from on.
func (c *compiledPattern) path(from int) string {
	var b strings.Builder
	for i, v := range c.nodes {
		if i > 0 {
			b.WriteString(c.relStep(i-1, true))
		}
		if i < from {
			b.WriteString("(" + v + ")")
		} else {
			b.WriteString("(" + v + c.labels[i] + ")")
		}
	}
	return b.String() + where(c.preds[from:]...)
}

// seekPinned returns the hint that makes the flat plan start from the step
// pinned to the fewest IDs, by seeks in the ID index, or "" when no step is
// pinned. Without it Neo4j may prefer reading a small kind in ID order.
func (c *compiledPattern) seekPinned() string {
	best := -1
	for i, st := range c.q.NodeSteps {
		if n := len(st.IDs); n > 0 && (best < 0 || n < len(c.q.NodeSteps[best].IDs)) {
			best = i
		}
	}
	if best < 0 {
		return ""
	}
	return idHint(c.nodes[best])
}

// idKeys returns the ORDER BY keys of variables: their IDs.
func idKeys(vars []string) string {
	out := make([]string, len(vars))
	for i, v := range vars {
		out[i] = v + ".id"
	}
	return strings.Join(out, ", ")
}

// rowVars returns the variables of a row from node step i on: the nodes,
// then the single-hop relationships.
func (c *compiledPattern) rowVars(i int) []string {
	return append(append([]string{}, c.nodes[i:]...), c.rels...)
}

// project returns the RETURN expression of a row: a list of nodeMap, then
// edgeMap projections, which decodeRow reads.
func (c *compiledPattern) project() string {
	items := make([]string, 0, len(c.nodes)+len(c.rels))
	for _, v := range c.nodes {
		items = append(items, nodeMap(v))
	}
	for _, v := range c.rels {
		items = append(items, edgeMap(v))
	}
	return "[" + strings.Join(items, ", ") + "]"
}

// distinct returns the WITH clause that projects vars, made distinct when
// two matches can make the same row.
func (c *compiledPattern) distinct(vars string) string {
	if c.hasVar {
		return " WITH DISTINCT " + vars
	}
	return " WITH " + vars
}

// pageTail returns the clauses that sort and page the bound rows and
// return them, each as one list; $skip and $fetch are the page's.
func (c *compiledPattern) pageTail(distinct bool) string {
	vars := c.rowVars(0)
	with := " WITH " + strings.Join(vars, ", ")
	if distinct {
		with = c.distinct(strings.Join(vars, ", "))
	}
	return with + " ORDER BY " + idKeys(vars) +
		" SKIP " + c.p.set("skip", int64(c.q.Offset)) + " LIMIT " + c.p.set("fetch", int64(c.q.Limit)+1) +
		" RETURN " + c.project() + " AS row"
}

// flatPage returns the query of the flat plan: every match, made distinct,
// sorted and paged.
func (c *compiledPattern) flatPage() string {
	path := c.path(0)
	if hint := c.seekPinned(); hint != "" {
		// The hint goes between the pattern and its WHERE clause.
		if i := strings.Index(path, " WHERE "); i >= 0 {
			path = path[:i] + hint + path[i:]
		}
	}
	return "MATCH " + path + c.pageTail(true)
}

// count returns the query that counts the distinct rows of the pattern.
func (c *compiledPattern) count() string {
	if !c.hasVar {
		return "MATCH " + c.path(0) + " RETURN count(*) AS total"
	}
	return "MATCH " + c.path(0) + " WITH DISTINCT " + strings.Join(c.rowVars(0), ", ") + " RETURN count(*) AS total"
}

// orderedPage returns the query of the ordered plan (see the top of the
// file); the pattern has a relationship step. The first step's nodes carry
// the :Node label and a predicate on the ID even when not pinned, so that
// Neo4j may read them in ID order from the ID constraint's index (and stop
// early) rather than sort all nodes of a large kind; for a small kind it
// sorts them.
func (c *compiledPattern) orderedPage() string {
	c.p.set("all", int64(c.q.Offset)+int64(c.q.Limit)+1)
	label, pred := ":"+nodeLabel, c.preds[0]
	if k := c.q.NodeSteps[0].Kind; k != "" {
		label += ":" + quote(string(k))
	}
	if len(c.q.NodeSteps[0].IDs) == 0 {
		pred = strings.TrimPrefix(where("n0.id IS NOT NULL", pred), " WHERE ")
	}
	return "MATCH (n0" + label + ")" + where(pred) + " WITH n0 ORDER BY n0.id" +
		" CALL (n0) { " + c.level(1) + " }" + c.pageTail(false)
}

// level returns the subquery that binds node step j and the steps after
// it for bound n0..n<j-1>, and returns their first $all rows in order.
func (c *compiledPattern) level(j int) string {
	vars := strings.Join(c.rowVars(j), ", ")
	limit := " ORDER BY " + idKeys(c.rowVars(j)) + " LIMIT $all RETURN " + vars
	if j == len(c.q.RelSteps) {
		return "MATCH " + c.path(j) + c.distinct(vars) + limit
	}
	v, bound := c.nodes[j], strings.Join(c.nodes[:j+1], ", ")
	return "MATCH (" + c.nodes[j-1] + ")" + c.relStep(j-1, false) + "(" + v + c.labels[j] + ")" + where(c.preds[j]) +
		" WITH DISTINCT " + bound + " ORDER BY " + v + ".id" +
		" CALL (" + bound + ") { " + c.level(j+1) + " }" +
		" WITH " + vars + limit
}

// ordered reports whether the pattern takes the ordered plan: it has a
// relationship step, and no step is pinned to fewer IDs than the first.
func (c *compiledPattern) ordered() bool {
	if len(c.q.RelSteps) == 0 {
		return false
	}
	first := len(c.q.NodeSteps[0].IDs)
	for _, st := range c.q.NodeSteps[1:] {
		if n := len(st.IDs); n > 0 && (first == 0 || n < first) {
			return false
		}
	}
	return true
}

// MatchPattern answers the page of a pattern with one Cypher query (see
// the top of the file) and, when asked for, counts the matches with a
// second one, in one read transaction.
func (s *Store) MatchPattern(ctx context.Context, q emnkg.PatternQuery) (*emnkg.PatternPage, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	c, err := compilePattern(q)
	if err != nil {
		return nil, err
	}
	page := c.flatPage()
	if c.ordered() {
		page = c.orderedPage()
	}
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (*emnkg.PatternPage, error) {
		recs, err := s.run(ctx, tx, page, c.p.m)
		if err != nil {
			return nil, err
		}
		res := &emnkg.PatternPage{Rows: make([]emnkg.PatternRow, 0, min(len(recs), q.Limit)), TotalCount: -1}
		for i, r := range recs {
			if i == q.Limit {
				res.HasMore = true
				break
			}
			row, err := c.decodeRow(r.Values[0])
			if err != nil {
				return nil, err
			}
			res.Rows = append(res.Rows, row)
		}
		if q.WithTotal {
			if res.TotalCount, err = s.count(ctx, tx, c.count(), c.p.m); err != nil {
				return nil, err
			}
		}
		return res, nil
	})
}

// decodeRow decodes one row of the project list: the nodes of the node
// steps, then the relationships of the single-hop steps.
func (c *compiledPattern) decodeRow(v any) (emnkg.PatternRow, error) {
	list, _ := v.([]any)
	pr := emnkg.PatternRow{Nodes: make([]*emnkg.Node, 0, len(c.nodes)), Edges: make([]*emnkg.Edge, len(c.edgeSteps))}
	if len(list) != len(c.nodes)+len(c.rels) {
		return pr, fmt.Errorf("neo4j: pattern row of %d values", len(list))
	}
	for _, x := range list[:len(c.nodes)] {
		n, err := decodeNode(x)
		if err != nil {
			return pr, err
		}
		pr.Nodes = append(pr.Nodes, n.node())
	}
	rest := list[len(c.nodes):]
	for j, single := range c.edgeSteps {
		if !single {
			continue
		}
		e, err := decodeEdge(rest[0])
		if err != nil {
			return pr, err
		}
		pr.Edges[j] = e.edge()
		rest = rest[1:]
	}
	return pr, nil
}
