package neo4j

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// GetNodes returns the nodes with the given IDs in the order of ids,
// skipping unknown IDs and repeated ones.
func (s *Store) GetNodes(ctx context.Context, ids []string) ([]*emnkg.Node, error) {
	uniq := make([]string, 0, len(ids))
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			uniq = append(uniq, id)
		}
	}
	out := make([]*emnkg.Node, 0, len(uniq))
	if len(uniq) == 0 {
		return out, nil
	}
	byID, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (map[string]*storedNode, error) {
		return s.lookupNodes(ctx, tx, uniq)
	})
	if err != nil {
		return nil, err
	}
	for _, id := range uniq {
		if n, ok := byID[id]; ok {
			out = append(out, n.node())
		}
	}
	return out, nil
}

// lookupBatch is the number of IDs looked up, or rows written, per query.
const lookupBatch = 2000

// nodeLookupBatch is the number of IDs lookupNodes looks up per query.
const nodeLookupBatch = 10000

// lookupNodes reads the stored nodes among ids (which hold no duplicates).
func (s *Store) lookupNodes(ctx context.Context, tx neo4j.ManagedTransaction, ids []string) (map[string]*storedNode, error) {
	out := make(map[string]*storedNode, len(ids))
	defs := propDefs{}
	for start := 0; start < len(ids); start += nodeLookupBatch {
		batch := ids[start:min(start+nodeLookupBatch, len(ids))]
		// One record holding a list: many small records cost Bolt more.
		recs, err := s.run(ctx, tx,
			"MATCH (n:"+nodeLabel+")"+idHint("n")+" WHERE n.id IN $ids RETURN collect("+nodeMap("n")+") AS ns",
			map[string]any{"ids": batch})
		if err != nil {
			return nil, err
		}
		if len(recs) != 1 {
			return nil, fmt.Errorf("neo4j: node lookup returned %d rows", len(recs))
		}
		list, _ := recs[0].Values[0].([]any)
		for _, v := range list {
			n, err := decodeNodeWith(v, defs)
			if err != nil {
				return nil, err
			}
			out[n.id] = n
		}
	}
	return out, nil
}

// FindNodes returns a page of nodes of one kind.
//
// Pages follow the range indexes where they can, so that a page costs the
// rows up to it, not a sort of every node of the kind: every node has an
// ID, so ordering by ID (the default) reads the kind's ID index in order;
// a page ordered first by an indexed property (see sortedByIndex) reads
// the nodes that have the property in the index's order and those without
// it apart (pageInTwoParts).
func (s *Store) FindNodes(ctx context.Context, q emnkg.NodeQuery) (*emnkg.NodePage, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	p := newParams()
	pred, err := p.filter(q.Filter, "n")
	if err != nil {
		return nil, err
	}
	labels := ":" + quote(string(q.Kind))
	if filterUsesID(q.Filter) {
		// Lets the planner use the ID constraint's index.
		labels = ":" + nodeLabel + labels
	}
	match := "MATCH (n" + labels + ")"
	// page returns the query of the nodes that pass pred and the extra
	// conditions, ordered by sorts, from skip on, at most limit; it sets
	// $skip and $limit, so each query runs before the next is made.
	page := func(sorts []emnkg.SortField, skip, limit int, conds ...string) string {
		if len(sorts) == 0 || sorts[0].Field == "id" {
			conds = append(conds, "n."+keyID+" IS NOT NULL") // true of every node: lets the ID index give the order
		}
		return match + where(append([]string{pred}, conds...)...) + " WITH n" + orderBy(sorts, "n", "") +
			" SKIP " + p.set("skip", int64(skip)) + " LIMIT " + p.set("limit", int64(limit)) + " RETURN " + nodeMap("n") + " AS n"
	}
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (*emnkg.NodePage, error) {
		// One node more than the page tells whether more follow.
		var recs []*neo4j.Record
		var err error
		if field, ok := sortedByIndex(q, pred); ok {
			recs, err = s.pageInTwoParts(ctx, tx, q, field, match, pred, p.m, page)
		} else {
			recs, err = s.run(ctx, tx, page(q.Sort, q.Offset, q.Limit+1), p.m)
		}
		if err != nil {
			return nil, err
		}
		res := &emnkg.NodePage{Nodes: make([]*emnkg.Node, 0, min(len(recs), q.Limit)), TotalCount: -1}
		defs := propDefs{}
		for i, r := range recs {
			if i == q.Limit {
				res.HasMore = true
				break
			}
			n, err := decodeNodeWith(r.Values[0], defs)
			if err != nil {
				return nil, err
			}
			res.Nodes = append(res.Nodes, n.node())
		}
		if q.WithTotal {
			if res.TotalCount, err = s.count(ctx, tx, match+where(pred)+" RETURN count(n)", p.m); err != nil {
				return nil, err
			}
		}
		return res, nil
	})
}

// sortedByIndex returns the property that q's page is ordered by first
// when the kind's range index of it (see indexedProps) can give that
// order: a property of the node, not its ID (which every node has), sorted
// ascending, or descending when q has no filter (pred is ""), for then the
// nodes without it, which Cypher orders first, are counted from counts
// Neo4j keeps and its index.
func sortedByIndex(q emnkg.NodeQuery, pred string) (string, bool) {
	if len(q.Sort) == 0 || q.Sort[0].OnEdge || q.Sort[0].Field == "id" || (q.Sort[0].Desc && pred != "") {
		return "", false
	}
	f := q.Sort[0].Field
	return f, slices.Contains(indexedProps(q.Kind), f)
}

// pageInTwoParts reads the page of q ordered first by field (see
// sortedByIndex) as two parts in a row: the nodes with the property, which
// the index orders, and those without it, ordered by the other sort
// fields; ascending the first, descending the second, as Cypher orders
// absent values. It reads a part only when the page reaches into it,
// which needs the number of nodes of the first part: known when the first
// part ended inside the page, else counted. page makes the query of a
// part (see FindNodes).
func (s *Store) pageInTwoParts(ctx context.Context, tx neo4j.ManagedTransaction, q emnkg.NodeQuery, field, match, pred string,
	params map[string]any, page func(sorts []emnkg.SortField, skip, limit int, conds ...string) string) ([]*neo4j.Record, error) {
	has, hasNot := fieldExpr("n", field)+" IS NOT NULL", fieldExpr("n", field)+" IS NULL"
	type part struct {
		sorts []emnkg.SortField
		cond  string
	}
	first, second := part{q.Sort, has}, part{q.Sort[1:], hasNot}
	firstCount := -1 // unknown
	if q.Sort[0].Desc {
		first, second = second, first
		var err error
		if firstCount, err = s.countWithout(ctx, tx, q.Kind, field, match, has, params); err != nil {
			return nil, err
		}
	}
	want := q.Limit + 1 // one more tells whether more follow
	var recs []*neo4j.Record
	if firstCount < 0 || q.Offset < firstCount {
		var err error
		if recs, err = s.run(ctx, tx, page(first.sorts, q.Offset, want, first.cond), params); err != nil {
			return nil, err
		}
		if len(recs) == want {
			return recs, nil
		}
	}
	if firstCount < 0 {
		firstCount = q.Offset + len(recs)
		if len(recs) == 0 && q.Offset > 0 {
			var err error
			if firstCount, err = s.count(ctx, tx, match+where(pred, first.cond)+" RETURN count(n)", params); err != nil {
				return nil, err
			}
		}
	}
	rest, err := s.run(ctx, tx, page(second.sorts, max(0, q.Offset-firstCount), want-len(recs), second.cond), params)
	return append(recs, rest...), err
}

// countWithout returns the number of nodes of kind k without the property
// field: from the kept facet counts when they count field alone (the count
// of its absent value, see facetcounts.go), else as the number of nodes of
// the kind (from Neo4j's count store) less the number with the property
// (from its index; has is the condition, match the query's MATCH).
func (s *Store) countWithout(ctx context.Context, tx neo4j.ManagedTransaction, k emnkg.Kind, field, match, has string,
	params map[string]any) (int, error) {
	if slices.Contains(emnkg.CountedFacetKeys()[k], field) {
		key, err := facetCountKey(emnkg.FacetPair{Kind: k, Key1: field}, nil, nil)
		if err != nil {
			return 0, err
		}
		return s.count(ctx, tx, "OPTIONAL MATCH (c:"+facetCountLabel+" {key: $absentKey}) RETURN coalesce(c.n, 0)",
			map[string]any{"absentKey": key})
	}
	all, err := s.count(ctx, tx, match+" RETURN count(n)", params)
	if err != nil {
		return 0, err
	}
	with, err := s.count(ctx, tx, match+where(has)+" RETURN count(n)", params)
	return all - with, err
}

// count runs a query returning one count.
func (s *Store) count(ctx context.Context, tx neo4j.ManagedTransaction, cypher string, params map[string]any) (int, error) {
	recs, err := s.run(ctx, tx, cypher, params)
	if err != nil {
		return 0, err
	}
	if len(recs) != 1 {
		return 0, fmt.Errorf("neo4j: count returned %d rows", len(recs))
	}
	return asInt(recs[0].Values[0])
}

// FindRelated returns, for each of q.NodeIDs, a page of related nodes. All
// IDs are answered by one query in one transaction: UNWIND over the IDs, a
// COLLECT subquery for each page and a COUNT subquery for each total.
func (s *Store) FindRelated(ctx context.Context, q emnkg.RelatedQuery) (map[string]*emnkg.RelatedPage, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	out := make(map[string]*emnkg.RelatedPage, len(q.NodeIDs))
	var ids []string
	for _, id := range q.NodeIDs {
		if _, ok := out[id]; !ok {
			out[id] = &emnkg.RelatedPage{Items: []emnkg.Related{}, TotalCount: -1}
			if q.WithTotal {
				out[id].TotalCount = 0
			}
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return out, nil
	}

	p := newParams()
	nodePred, err := p.filter(q.Filter, "o")
	if err != nil {
		return nil, err
	}
	edgePred, err := p.filter(q.EdgeFilter, "r")
	if err != nil {
		return nil, err
	}
	rel := "[r:" + quote(string(q.Type)) + "]"
	var pattern string
	switch q.Direction {
	case emnkg.DirectionOut:
		pattern = "-" + rel + "->"
	case emnkg.DirectionIn:
		pattern = "<-" + rel + "-"
	default:
		pattern = "-" + rel + "-"
	}
	other := "(o)"
	if q.OtherKind != "" {
		other = "(o:" + quote(string(q.OtherKind)) + ")"
	}
	match := "MATCH (p:" + nodeLabel + " {id: pid})" + pattern + other + idHint("p") + where(nodePred, edgePred)

	var b strings.Builder
	b.WriteString("UNWIND $ids AS pid RETURN pid, COLLECT { ")
	b.WriteString(match)
	b.WriteString(" WITH r, o" + orderBy(q.Sort, "o", "r"))
	b.WriteString(" SKIP " + p.set("skip", int64(q.Offset)) + " LIMIT " + p.set("limit", int64(q.Limit)+1))
	b.WriteString(" RETURN {edge: " + edgeMap("r") + ", node: " + nodeMap("o") + "} } AS items")
	if q.WithTotal {
		b.WriteString(", COUNT { " + match + " } AS total")
	}
	p.set("ids", ids)
	cypher := b.String()

	return read(ctx, s, func(tx neo4j.ManagedTransaction) (map[string]*emnkg.RelatedPage, error) {
		recs, err := s.run(ctx, tx, cypher, p.m)
		if err != nil {
			return nil, err
		}
		// A retried transaction starts again from empty pages.
		res := make(map[string]*emnkg.RelatedPage, len(out))
		for id, pg := range out {
			res[id] = &emnkg.RelatedPage{Items: []emnkg.Related{}, TotalCount: pg.TotalCount}
		}
		for _, r := range recs {
			pid, _ := r.Values[0].(string)
			pg, ok := res[pid]
			if !ok {
				return nil, fmt.Errorf("neo4j: related: unexpected id %q", pid)
			}
			items, _ := r.Values[1].([]any)
			for i, it := range items {
				if i == q.Limit {
					pg.HasMore = true
					break
				}
				m, _ := it.(map[string]any)
				e, err := decodeEdge(m["edge"])
				if err != nil {
					return nil, err
				}
				n, err := decodeNode(m["node"])
				if err != nil {
					return nil, err
				}
				pg.Items = append(pg.Items, emnkg.Related{Edge: e.edge(), Node: n.node()})
			}
			if q.WithTotal {
				if pg.TotalCount, err = asInt(r.Values[2]); err != nil {
					return nil, err
				}
			}
		}
		return res, nil
	})
}

// Stats counts nodes by kind and relationships by type. Each count is a
// label or type count that Neo4j answers from its count store.
func (s *Store) Stats(ctx context.Context) (*emnkg.GraphStats, error) {
	var parts []string
	for _, k := range emnkg.Kinds() {
		parts = append(parts, fmt.Sprintf("MATCH (n:%s) RETURN 'node' AS what, %q AS name, count(n) AS c", quote(string(k)), k))
	}
	for _, t := range emnkg.RelTypes() {
		parts = append(parts, fmt.Sprintf("MATCH ()-[r:%s]->() RETURN 'rel' AS what, %q AS name, count(r) AS c", quote(string(t)), t))
	}
	cypher := strings.Join(parts, " UNION ALL ")
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (*emnkg.GraphStats, error) {
		recs, err := s.run(ctx, tx, cypher, nil)
		if err != nil {
			return nil, err
		}
		st := &emnkg.GraphStats{NodesByKind: map[emnkg.Kind]int{}, EdgesByType: map[emnkg.RelType]int{}}
		for _, k := range emnkg.Kinds() {
			st.NodesByKind[k] = 0
		}
		for _, t := range emnkg.RelTypes() {
			st.EdgesByType[t] = 0
		}
		for _, r := range recs {
			what, _ := r.Values[0].(string)
			name, _ := r.Values[1].(string)
			c, err := asInt(r.Values[2])
			if err != nil {
				return nil, err
			}
			if what == "node" {
				st.NodesByKind[emnkg.Kind(name)] = c
			} else {
				st.EdgesByType[emnkg.RelType(name)] = c
			}
		}
		return st, nil
	})
}
