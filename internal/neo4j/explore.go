package neo4j

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// This file holds the graph queries of emnkg.Explorer other than search,
// patterns and facets: Expand, Neighbours, EdgesAmong, Degrees and
// LanguageCoverage. Each validates its query with the domain's methods
// (emnkg.ExpandQuery.Validate and the like) before it builds any Cypher,
// and runs one query in one read transaction. The rules where the
// contracts leave a point open are those of storetest.RunExplorer.

var _ emnkg.Explorer = (*Store)(nil)

// invalid returns an EINVALID error.
func invalid(format string, args ...any) error { return emnkg.Errorf(emnkg.EINVALID, format, args...) }

// checkLimit checks a limit against its maximum (audit.go's queries; the
// graph queries validate through the emnkg queries' methods).
func checkLimit(limit, maxLimit int) error {
	if limit < 0 || limit > maxLimit {
		return invalid("The limit must be between 0 and %d.", maxLimit)
	}
	return nil
}

// labelExpr returns the label expression ("`A`|`B`") of validated kinds.
func labelExpr(ks []emnkg.Kind) string {
	parts := make([]string, len(ks))
	for i, k := range ks {
		parts[i] = quote(string(k))
	}
	return strings.Join(parts, "|")
}

// nodePattern returns a node pattern of variable v with the labels of the
// given validated kinds, or the :Node label when there are none.
func nodePattern(v string, ks ...emnkg.Kind) string {
	if len(ks) == 0 {
		return "(" + v + ":" + nodeLabel + ")"
	}
	return "(" + v + ":" + labelExpr(ks) + ")"
}

// relPattern returns the relationship part of a pattern, from the node
// before it to the node after it, of variable v ("" for none), validated
// types (any when empty), direction and, when not "", a length such as
// "*1..3".
func relPattern(v string, ts []emnkg.RelType, dir emnkg.Direction, length string) string {
	inner := v
	if len(ts) > 0 {
		parts := make([]string, len(ts))
		for i, t := range ts {
			parts[i] = quote(string(t))
		}
		inner += ":" + strings.Join(parts, "|")
	}
	inner = "[" + inner + length + "]"
	switch dir {
	case emnkg.DirectionOut:
		return "-" + inner + "->"
	case emnkg.DirectionIn:
		return "<-" + inner + "-"
	}
	return "-" + inner + "-"
}

// uniqueIDs returns ids without repetitions, in their first order.
func uniqueIDs(ids []string) []string {
	out := make([]string, 0, len(ids))
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// seekIDs returns the clause that binds v to each stored node whose ID is
// in the list parameter $ids, by seeks in the ID constraint's index.
func seekIDs(v string) string {
	return "MATCH (" + v + ":" + nodeLabel + ")" + idHint(v) + " WHERE " + v + ".id IN $ids"
}

// kindsPredicate returns " WHERE v:A|B" for validated kinds, or "" when
// there are none.
func kindsPredicate(v string, ks []emnkg.Kind) string {
	if len(ks) == 0 {
		return ""
	}
	return " WHERE " + v + ":" + labelExpr(ks)
}

// Expand returns the qualifying links of the given nodes, at most q.Limit
// of them by ID, in one query of one read transaction. The given nodes are
// looked up in the ID constraint's index and their relationships expanded
// (by type, in the query's direction); DISTINCT keeps a relationship that
// qualifies from both its ends (or is a loop) once, and only then is its
// ID read, ordered and cut at q.Limit+1, which tells whether more exist.
// The answer is one record holding a list of [id, type, from, to]: no
// properties travel, and Bolt streams one list faster than many records.
func (s *Store) Expand(ctx context.Context, q emnkg.ExpandQuery) (*emnkg.Expansion, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	ids := uniqueIDs(q.NodeIDs)
	if len(ids) == 0 {
		return &emnkg.Expansion{Links: []emnkg.Link{}}, nil
	}
	cypher := seekIDs("s") + " MATCH (s)" + relPattern("r", q.Types, q.Direction, "") + "(o)" + kindsPredicate("o", q.Kinds) +
		" WITH DISTINCT r WITH r, r.id AS rid ORDER BY rid LIMIT $fetch" +
		" RETURN collect([rid, type(r), startNode(r).id, endNode(r).id]) AS links"
	p := map[string]any{"ids": ids, "fetch": int64(q.Limit) + 1}
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (*emnkg.Expansion, error) {
		list, err := s.runList(ctx, tx, cypher, p)
		if err != nil {
			return nil, err
		}
		res := &emnkg.Expansion{Links: make([]emnkg.Link, 0, min(len(list), q.Limit))}
		for _, v := range list {
			if len(res.Links) == q.Limit {
				res.Truncated = true
				break
			}
			l, err := decodeLink(v)
			if err != nil {
				return nil, err
			}
			res.Links = append(res.Links, l)
		}
		return res, nil
	})
}

// decodeLink decodes a link returned as [id, type, from, to].
func decodeLink(v any) (emnkg.Link, error) {
	row, _ := v.([]any)
	var f [4]string
	if len(row) == len(f) {
		for i, x := range row {
			f[i], _ = x.(string)
		}
	}
	if f[0] == "" || f[2] == "" || f[3] == "" {
		return emnkg.Link{}, fmt.Errorf("neo4j: link %v lacks an id or ends", v)
	}
	return emnkg.Link{ID: f[0], Type: emnkg.RelType(f[1]), From: f[2], To: f[3]}, nil
}

// Neighbours returns the IDs of the other ends of the qualifying links of
// the given nodes, each once, at most q.Limit of them by ID, in one query
// of one read transaction. The given nodes are looked up in the ID
// constraint's index and their relationships expanded (by type, in the
// query's direction) to the other ends of the kinds asked for. A given
// node reached from another given node, or from itself by a loop, is among
// them, as the pattern matches it. The first q.Limit IDs are then found one
// of two ways:
//
//   - Directly: the other ends are grouped into distinct nodes, the ID of
//     each read and the first q.Limit kept (Top), at 1.5 to 2.5 µs per
//     other end at 100k nodes.
//   - By walking the ID index in order from its start, keeping the other
//     ends, until q.Limit are found (see neighboursWalkCypher), at about
//     0.5 µs per index entry and no property read. The other ends of hubs
//     (thousands of nodes, a good part of the graph) are dense in the
//     index: from a depth-2 level of a document at 100k nodes (9.2k other
//     ends) the walk steps over 2.9k entries, and the query takes 14 ms
//     instead of 32 ms on the server.
//
// The walk is tried only for more than one given node and no kinds: it
// would pay for one node only if that node were linked to a twelfth of
// the graph, and trying costs about a millisecond of query machinery; and
// the nodes of some kinds can all sort late in the index (IDs often start
// with their kind), where the walk would run out of budget and waste it.
func (s *Store) Neighbours(ctx context.Context, q emnkg.ExpandQuery) ([]string, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	ids := uniqueIDs(q.NodeIDs)
	if len(ids) == 0 || q.Limit == 0 {
		return []string{}, nil
	}
	expand := seekIDs("s") + " MATCH (s)" + relPattern("", q.Types, q.Direction, "") + "(o)" + kindsPredicate("o", q.Kinds)
	cypher := expand + " WITH o, count(*) AS links WITH o.id AS id ORDER BY id LIMIT $limit RETURN collect(id) AS ids"
	p := map[string]any{"ids": ids, "limit": int64(q.Limit)}
	if len(ids) > 1 && len(q.Kinds) == 0 {
		cypher = neighboursWalkCypher(expand)
		p["scan"] = int64(q.Limit) * neighbourScanPerLimit
	}
	return read(ctx, s, func(tx neo4j.ManagedTransaction) ([]string, error) {
		list, err := s.runList(ctx, tx, cypher, p)
		if err != nil {
			return nil, err
		}
		out := make([]string, 0, len(list))
		for _, v := range list {
			id, ok := v.(string)
			if !ok {
				return nil, fmt.Errorf("neo4j: neighbours returned %T", v)
			}
			out = append(out, id)
		}
		return out, nil
	})
}

// neighbourScanPerLimit is how many entries of the ID index Neighbours
// walks at most, per ID asked for, looking for the first other ends.
const neighbourScanPerLimit = 50

// neighboursWalkCypher returns the query of Neighbours that may walk the ID
// index, given the clauses that bind the other ends to o; its parameters
// are $ids, $limit and $scan (the most index entries walked).
//
// The other ends are collected as distinct nodes (os), reading no
// property. The walk is tried when, were they spread evenly over the
// index, it would find $limit of them within a quarter of its budget: then
// from is "", else null, and a range seek from null finds nothing. A walk
// that runs out of budget wastes at most $scan entries (12 ms for 25k),
// and is tried only when reading the IDs directly costs more (8k other
// ends or more at 100k nodes). The walk is a
// range seek whose first $scan entries are kept in index order (Limit, not
// Top: the order comes from the index), then those in os, at most $limit.
// A full answer ($limit IDs) is the answer (done); otherwise (no walk, or
// a walk that ran out of budget) os is unwound and the IDs read and ordered
// directly. Grouping by node after the UNWIND makes new rows that do not
// carry os: a Top over rows that do would account for the whole list once
// per row and can run out of transaction memory. Every node with a
// relationship is a :Node (the store's own nodes have none), so the walk
// misses none of os.
func neighboursWalkCypher(expand string) string {
	n := "(n:" + nodeLabel + ")"
	return expand + " WITH collect(DISTINCT o) AS os" +
		" CALL { MATCH " + n + " RETURN count(n) AS total }" +
		" WITH os, CASE WHEN size(os) > $limit AND size(os) * $scan >= 4 * $limit * total THEN '' END AS from" +
		" CALL { WITH os, from MATCH " + n + idHint("n") + " WHERE n.id >= from" +
		" WITH n, os ORDER BY n.id LIMIT $scan WITH n WHERE n IN os WITH n ORDER BY n.id LIMIT $limit" +
		" RETURN collect(n.id) AS scanned }" +
		" WITH os, CASE WHEN size(scanned) = $limit THEN scanned END AS done" +
		" UNWIND CASE WHEN done IS NOT NULL OR size(os) = 0 THEN [null] ELSE os END AS o" +
		" WITH done, o, count(*) AS links WITH done, o.id AS id ORDER BY id LIMIT $limit" +
		" WITH done, collect(id) AS direct RETURN coalesce(done, direct) AS ids"
}

// runList runs a query that returns one record whose only value is a
// list, and returns that list.
func (s *Store) runList(ctx context.Context, tx neo4j.ManagedTransaction, cypher string, params map[string]any) ([]any, error) {
	recs, err := s.run(ctx, tx, cypher, params)
	if err != nil {
		return nil, err
	}
	if len(recs) != 1 || len(recs[0].Values) != 1 {
		return nil, fmt.Errorf("neo4j: expected one list, got %d records", len(recs))
	}
	list, ok := recs[0].Values[0].([]any)
	if !ok {
		return nil, fmt.Errorf("neo4j: expected a list, got %T", recs[0].Values[0])
	}
	return list, nil
}

// EdgesAmong returns the relationships of the given types whose two ends
// are both in ids, by ID, in one query of one read transaction. The given
// nodes are looked up in the ID constraint's index and collected; the
// outgoing relationships of each are kept when their end is one of the
// collected nodes, which compares nodes, not IDs, so that no property of
// the many ends left out is read. Only the kept relationships' properties
// are read; they are returned as [from, to, type, properties] and ordered
// by ID here.
func (s *Store) EdgesAmong(ctx context.Context, ids []string, types []emnkg.RelType) ([]*emnkg.Edge, error) {
	if err := emnkg.ValidateEdgesAmong(ids, types); err != nil {
		return nil, err
	}
	ids = uniqueIDs(ids)
	if len(ids) == 0 {
		return []*emnkg.Edge{}, nil
	}
	cypher := seekIDs("a") + " WITH collect(a) AS ns UNWIND ns AS a MATCH (a)" + relPattern("r", types, emnkg.DirectionOut, "") +
		"(b) WHERE b IN ns RETURN collect([a.id, b.id, type(r), properties(r)]) AS rs"
	return read(ctx, s, func(tx neo4j.ManagedTransaction) ([]*emnkg.Edge, error) {
		list, err := s.runList(ctx, tx, cypher, map[string]any{"ids": ids})
		if err != nil {
			return nil, err
		}
		out := make([]*emnkg.Edge, 0, len(list))
		defs := emnkg.EdgeProps()
		for _, v := range list {
			e, err := decodeEdgeRow(v, defs)
			if err != nil {
				return nil, err
			}
			out = append(out, e)
		}
		slices.SortFunc(out, func(a, b *emnkg.Edge) int { return strings.Compare(a.ID, b.ID) })
		return out, nil
	})
}

// decodeEdgeRow decodes a relationship returned as [from, to, type,
// properties], whose properties are checked against defs (emnkg.EdgeProps).
// It takes v over: the property map is changed in place.
func decodeEdgeRow(v any, defs []emnkg.PropDef) (*emnkg.Edge, error) {
	row, _ := v.([]any)
	if len(row) != 4 {
		return nil, fmt.Errorf("neo4j: relationship: unexpected value %v", v)
	}
	from, _ := row[0].(string)
	to, _ := row[1].(string)
	t, _ := row[2].(string)
	raw, _ := row[3].(map[string]any)
	id, _ := raw[keyID].(string)
	if id == "" || from == "" || to == "" {
		return nil, fmt.Errorf("neo4j: relationship %q (%s from %q to %q) lacks an id or ends", id, t, from, to)
	}
	props, err := normalizeOwned(defs, raw)
	if err != nil {
		return nil, fmt.Errorf("neo4j: relationship %s: %v", id, err)
	}
	return &emnkg.Edge{ID: id, Type: emnkg.RelType(t), From: from, To: to, Props: props}, nil
}

// Degrees ranks nodes by their number of relationships of the given types
// in the given direction (a loop counts once, as Cypher's COUNT of an
// undirected pattern does), highest first, ties by ID. Nodes of degree 0
// are left out.
func (s *Store) Degrees(ctx context.Context, q emnkg.DegreeQuery) ([]emnkg.NodeDegree, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	out := []emnkg.NodeDegree{}
	if q.Limit == 0 {
		return out, nil
	}
	cypher := "MATCH " + nodePattern("n", q.Kinds...) +
		" WITH n, COUNT { (n)" + relPattern("", q.Types, q.Direction, "") + "() } AS d WHERE d > 0" +
		" WITH n, d ORDER BY d DESC, n.id LIMIT $limit RETURN " + nodeMap("n") + " AS n, d"
	return read(ctx, s, func(tx neo4j.ManagedTransaction) ([]emnkg.NodeDegree, error) {
		recs, err := s.run(ctx, tx, cypher, map[string]any{"limit": int64(q.Limit)})
		if err != nil {
			return nil, err
		}
		res := make([]emnkg.NodeDegree, 0, len(recs))
		for _, r := range recs {
			n, err := decodeNode(r.Values[0])
			if err != nil {
				return nil, err
			}
			d, err := asInt(r.Values[1])
			if err != nil {
				return nil, err
			}
			res = append(res, emnkg.NodeDegree{Node: n.node(), Degree: d})
		}
		return res, nil
	})
}

// LanguageCoverage counts the nodes of a kind having a key of a
// multilingual property, by language code: Cypher reads the keys of each
// node of the kind.
func (s *Store) LanguageCoverage(ctx context.Context, kind emnkg.Kind, property string) ([]emnkg.FacetBucket, error) {
	if err := emnkg.ValidateLanguageCoverage(kind, property); err != nil {
		return nil, err
	}
	// The language suffix has the form of emnkg.ValidLanguage.
	cypher := "MATCH (n:" + quote(string(kind)) + ") UNWIND keys(n) AS k" +
		" WITH k WHERE k STARTS WITH $prefix AND substring(k, size($prefix)) =~ '[a-z]{2,3}'" +
		" RETURN substring(k, size($prefix)) AS lang, count(*) AS c ORDER BY lang"
	return read(ctx, s, func(tx neo4j.ManagedTransaction) ([]emnkg.FacetBucket, error) {
		recs, err := s.run(ctx, tx, cypher, map[string]any{"prefix": property + "_"})
		if err != nil {
			return nil, err
		}
		out := make([]emnkg.FacetBucket, 0, len(recs))
		for _, r := range recs {
			lang, _ := r.Values[0].(string)
			c, err := asInt(r.Values[1])
			if err != nil {
				return nil, err
			}
			out = append(out, emnkg.FacetBucket{Values: []any{lang}, Count: c})
		}
		return out, nil
	})
}
