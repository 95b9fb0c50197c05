package neo4j

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// This file holds the graph queries of emnkg.Explorer other than search,
// patterns and facets: Expand, EdgesAmong, Degrees and LanguageCoverage.
// The rules where the contracts leave a point open are those of
// storetest.RunExplorer.

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

// Expand returns the qualifying relationships of the given nodes (at most
// q.Limit, by ID) and the nodes at their other ends, in one read
// transaction of two queries. The first looks the given IDs up in the ID
// constraint's index and returns their relationships with the other end
// of each, ordered by relationship ID: a relationship between two given
// nodes comes once from each (both its ends may be other ends), so
// 2*(q.Limit+1) rows hold the first q.Limit+1 relationships. The second
// reads the other ends of the kept relationships by ID. Both return one
// record holding a list, which Bolt streams much faster than many small
// records; and the nodes are not collected in the first query, which would
// make Neo4j account for the list of relationships once per row.
func (s *Store) Expand(ctx context.Context, q emnkg.ExpandQuery) (*emnkg.Expansion, error) {
	if err := validateExpand(q); err != nil {
		return nil, err
	}
	ids := uniqueIDs(q.NodeIDs)
	if len(ids) == 0 {
		return &emnkg.Expansion{Edges: []*emnkg.Edge{}, Nodes: []*emnkg.Node{}}, nil
	}
	where := ""
	if len(q.Kinds) > 0 {
		where = " WHERE o:" + labelExpr(q.Kinds)
	}
	cypher := "UNWIND $ids AS sid MATCH (s:" + nodeLabel + " {id: sid})" + relPattern("r", q.Types, q.Direction, "") +
		"(o)" + idHint("s") + where + " WITH r, o ORDER BY r.id LIMIT $fetch RETURN collect([" + edgeMap("r") + ", o.id]) AS pairs"
	p := map[string]any{"ids": ids, "fetch": 2 * (int64(q.Limit) + 1)}
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (*emnkg.Expansion, error) {
		recs, err := s.run(ctx, tx, cypher, p)
		if err != nil {
			return nil, err
		}
		if len(recs) != 1 {
			return nil, fmt.Errorf("neo4j: expand returned %d rows", len(recs))
		}
		res := &emnkg.Expansion{Edges: []*emnkg.Edge{}, Nodes: []*emnkg.Node{}}
		var reached []string
		seen := map[string]bool{}
		pairs, _ := recs[0].Values[0].([]any)
		for _, pair := range pairs {
			pr, _ := pair.([]any)
			if len(pr) != 2 {
				return nil, fmt.Errorf("neo4j: expand returned %v", pair)
			}
			e, err := decodeEdge(pr[0])
			if err != nil {
				return nil, err
			}
			if n := len(res.Edges); n == 0 || res.Edges[n-1].ID != e.id {
				if n == q.Limit {
					res.Truncated = true
					break
				}
				res.Edges = append(res.Edges, e.edge())
			}
			if id, ok := pr[1].(string); ok && !seen[id] {
				seen[id] = true
				reached = append(reached, id)
			}
		}
		nodes, err := s.lookupNodes(ctx, tx, reached)
		if err != nil {
			return nil, err
		}
		slices.Sort(reached)
		for _, id := range reached {
			if n, ok := nodes[id]; ok {
				res.Nodes = append(res.Nodes, n.node())
			}
		}
		return res, nil
	})
}

// EdgesAmong returns the relationships of the given types whose two ends
// are both in ids, by ID: each given node is looked up in the ID
// constraint's index and its outgoing relationships kept when their end is
// given too.
func (s *Store) EdgesAmong(ctx context.Context, ids []string, types []emnkg.RelType) ([]*emnkg.Edge, error) {
	if err := checkTypes(types); err != nil {
		return nil, err
	}
	if err := checkIDs(ids); err != nil {
		return nil, err
	}
	ids = uniqueIDs(ids)
	if len(ids) == 0 {
		return []*emnkg.Edge{}, nil
	}
	cypher := "UNWIND $ids AS aid MATCH (a:" + nodeLabel + " {id: aid})" + relPattern("r", types, emnkg.DirectionOut, "") +
		"(b)" + idHint("a") + " WHERE b.id IN $ids WITH r ORDER BY r.id RETURN collect(" + edgeMap("r") + ") AS rs"
	return read(ctx, s, func(tx neo4j.ManagedTransaction) ([]*emnkg.Edge, error) {
		recs, err := s.run(ctx, tx, cypher, map[string]any{"ids": ids})
		if err != nil {
			return nil, err
		}
		if len(recs) != 1 {
			return nil, fmt.Errorf("neo4j: edges among returned %d rows", len(recs))
		}
		list, _ := recs[0].Values[0].([]any)
		out := make([]*emnkg.Edge, 0, len(list))
		for _, v := range list {
			e, err := decodeEdge(v)
			if err != nil {
				return nil, err
			}
			out = append(out, e.edge())
		}
		return out, nil
	})
}

// Degrees ranks nodes by their number of relationships of the given types
// in the given direction (a loop counts once, as Cypher's COUNT of an
// undirected pattern does), highest first, ties by ID. Nodes of degree 0
// are left out.
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
	if !kind.Valid() {
		return nil, invalid("Unknown node kind %q.", kind)
	}
	if !slices.ContainsFunc(emnkg.NodeProps(kind), func(d emnkg.PropDef) bool {
		return d.Multilingual && d.Name == property
	}) {
		return nil, emnkg.FieldErrorf(emnkg.EINVALID, property, "%q is not a multilingual property of %s.", property, kind)
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
