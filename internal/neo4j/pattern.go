package neo4j

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// singleHop reports whether a relationship step is one relationship.
func singleHop(r emnkg.RelStep) bool {
	return (r.MinHops == 0 && r.MaxHops == 0) || (r.MinHops == 1 && r.MaxHops == 1)
}

func validatePattern(q emnkg.PatternQuery) error {
	if len(q.NodeSteps) == 0 {
		return invalid("A pattern needs a node step.")
	}
	if len(q.RelSteps) > emnkg.MaxPatternSteps {
		return invalid("A pattern has at most %d relationship steps.", emnkg.MaxPatternSteps)
	}
	if len(q.NodeSteps) != len(q.RelSteps)+1 {
		return invalid("A pattern alternates node and relationship steps, starting and ending with a node.")
	}
	for _, n := range q.NodeSteps {
		if n.Kind != "" && !n.Kind.Valid() {
			return invalid("Unknown node kind %q.", n.Kind)
		}
		if err := checkIDs(n.IDs); err != nil {
			return err
		}
		if err := emnkg.ValidateFilter(n.Filter, emnkg.NodeProps(n.Kind)); err != nil {
			return err
		}
	}
	for _, r := range q.RelSteps {
		if err := checkTypes(r.Types); err != nil {
			return err
		}
		if err := checkDirection(r.Direction); err != nil {
			return err
		}
		if !singleHop(r) && (r.MinHops < 0 || r.MaxHops < 1 || r.MinHops > r.MaxHops || r.MaxHops > emnkg.MaxPatternHops) {
			return invalid("Hops must satisfy 0 <= min <= max <= %d.", emnkg.MaxPatternHops)
		}
	}
	return checkPage(q.Offset, q.Limit)
}

// compiledPattern is a pattern compiled to Cypher.
type compiledPattern struct {
	// match is the MATCH clause with its WHERE; bound lists the variables
	// of a row (the node steps', then the single-hop steps'), and order
	// their ORDER BY.
	match, bound, order string
	// project returns a row as a list of nodeMap and edgeMap projections.
	project string
	// edgeSteps holds, for each relationship step, whether it is a
	// single hop and so has a relationship in the row.
	edgeSteps []bool
	p         *params
}

// compilePattern compiles a validated pattern into one path pattern, so
// that Cypher's relationship isomorphism applies across all its steps.
// Node step i is n<i> (labelled with its kind, or :Node for any kind), a
// single-hop step i is r<i>, and a variable-length step is an anonymous
// [:T*min..max].
func compilePattern(q emnkg.PatternQuery) (*compiledPattern, error) {
	c := &compiledPattern{p: newParams(), edgeSteps: make([]bool, len(q.RelSteps))}
	var path strings.Builder
	var preds, nodeVars, relVars, maps []string
	for i, st := range q.NodeSteps {
		v := "n" + strconv.Itoa(i)
		if i > 0 {
			r := q.RelSteps[i-1]
			if singleHop(r) {
				rv := "r" + strconv.Itoa(i-1)
				path.WriteString(relPattern(rv, r.Types, r.Direction, ""))
				relVars = append(relVars, rv)
				c.edgeSteps[i-1] = true
			} else {
				path.WriteString(relPattern("", r.Types, r.Direction, fmt.Sprintf("*%d..%d", r.MinHops, r.MaxHops)))
			}
		}
		if st.Kind == "" {
			path.WriteString(nodePattern(v))
		} else {
			path.WriteString(nodePattern(v, st.Kind))
		}
		if len(st.IDs) > 0 {
			preds = append(preds, v+".id IN "+c.p.add(uniqueIDs(st.IDs)))
		}
		f, err := c.p.filter(st.Filter, v)
		if err != nil {
			return nil, err
		}
		preds = append(preds, f)
		nodeVars = append(nodeVars, v)
		maps = append(maps, nodeMap(v))
	}
	for _, rv := range relVars {
		maps = append(maps, edgeMap(rv))
	}
	vars := append(append([]string{}, nodeVars...), relVars...)
	orders := make([]string, len(vars))
	for i, v := range vars {
		orders[i] = v + ".id"
	}
	c.match = "MATCH " + path.String() + where(preds...)
	c.bound = strings.Join(vars, ", ")
	c.order = strings.Join(orders, ", ")
	c.project = "[" + strings.Join(maps, ", ") + "]"
	return c, nil
}

// MatchPattern compiles the pattern to one parameterised Cypher query that
// answers the page (the distinct bindings of node steps and single-hop
// relationships, ordered by node IDs step by step, then relationship IDs,
// with SKIP and LIMIT) in a COLLECT subquery and, when asked for, the
// total in a COUNT subquery.
func (s *Store) MatchPattern(ctx context.Context, q emnkg.PatternQuery) (*emnkg.PatternPage, error) {
	if err := validatePattern(q); err != nil {
		return nil, err
	}
	c, err := compilePattern(q)
	if err != nil {
		return nil, err
	}
	distinct := c.match + " WITH DISTINCT " + c.bound
	cypher := "RETURN COLLECT { " + distinct + " ORDER BY " + c.order +
		" SKIP " + c.p.set("skip", int64(q.Offset)) + " LIMIT " + c.p.set("fetch", int64(q.Limit)+1) +
		" RETURN " + c.project + " } AS rows"
	if q.WithTotal {
		cypher += ", COUNT { " + distinct + " RETURN 0 } AS total"
	}
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (*emnkg.PatternPage, error) {
		recs, err := s.run(ctx, tx, cypher, c.p.m)
		if err != nil {
			return nil, err
		}
		if len(recs) != 1 {
			return nil, fmt.Errorf("neo4j: pattern returned %d rows", len(recs))
		}
		page := &emnkg.PatternPage{Rows: []emnkg.PatternRow{}, TotalCount: -1}
		rows, _ := recs[0].Values[0].([]any)
		for i, row := range rows {
			if i == q.Limit {
				page.HasMore = true
				break
			}
			pr, err := c.decodeRow(row, len(q.NodeSteps))
			if err != nil {
				return nil, err
			}
			page.Rows = append(page.Rows, pr)
		}
		if q.WithTotal {
			if page.TotalCount, err = asInt(recs[0].Values[1]); err != nil {
				return nil, err
			}
		}
		return page, nil
	})
}

// decodeRow decodes one row of the project list: the nodes of the node
// steps, then the relationships of the single-hop steps.
func (c *compiledPattern) decodeRow(v any, nodes int) (emnkg.PatternRow, error) {
	list, _ := v.([]any)
	pr := emnkg.PatternRow{Nodes: make([]*emnkg.Node, 0, nodes), Edges: make([]*emnkg.Edge, len(c.edgeSteps))}
	if len(list) < nodes {
		return pr, fmt.Errorf("neo4j: pattern row of %d values", len(list))
	}
	for _, x := range list[:nodes] {
		n, err := decodeNode(x)
		if err != nil {
			return pr, err
		}
		pr.Nodes = append(pr.Nodes, n.node())
	}
	rest := list[nodes:]
	for i, single := range c.edgeSteps {
		if !single {
			continue
		}
		if len(rest) == 0 {
			return pr, fmt.Errorf("neo4j: pattern row lacks relationships")
		}
		e, err := decodeEdge(rest[0])
		if err != nil {
			return pr, err
		}
		pr.Edges[i] = e.edge()
		rest = rest[1:]
	}
	return pr, nil
}
