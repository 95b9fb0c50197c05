package neo4j

import (
	"context"
	"fmt"
	"maps"
	"strings"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// ImportGraph upserts the nodes and relationships of g in one write
// transaction. It first reads what is stored under the IDs of g, then
// decides in Go, item by item and in order, what is created, updated or
// unchanged (so an ID that appears twice behaves as two imports in a row),
// and finally writes the changes in batches with UNWIND. Any error rolls
// the whole transaction back.
func (s *Store) ImportGraph(ctx context.Context, g *emnkg.Graph) (*emnkg.ImportResult, error) {
	if g == nil {
		return nil, emnkg.Errorf(emnkg.EINVALID, "No graph to import.")
	}
	// ValidateGraph normalises properties in place: work on a copy, so that
	// the caller's graph stays as it was.
	g = copyGraph(g)
	missing, err := emnkg.ValidateGraph(g)
	if err != nil {
		return nil, err
	}
	if err := checkIndexedLengths(g); err != nil {
		return nil, err
	}
	if len(g.Nodes) == 0 && len(g.Edges) == 0 {
		return &emnkg.ImportResult{}, nil
	}
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (*emnkg.ImportResult, error) {
		return s.importTx(ctx, tx, g, missing)
	})
}

// copyGraph copies g, its nodes and relationships and their property maps
// (not the values, which are not modified).
func copyGraph(g *emnkg.Graph) *emnkg.Graph {
	c := &emnkg.Graph{Nodes: make([]*emnkg.Node, len(g.Nodes)), Edges: make([]*emnkg.Edge, len(g.Edges))}
	for i, n := range g.Nodes {
		if n != nil {
			cn := *n
			cn.Props = maps.Clone(n.Props)
			n = &cn
		}
		c.Nodes[i] = n
	}
	for i, e := range g.Edges {
		if e != nil {
			ce := *e
			ce.Props = maps.Clone(e.Props)
			e = &ce
		}
		c.Edges[i] = e
	}
	return c
}

// checkIndexedLengths refuses text too long for Neo4j's range indexes
// before anything is written, with a message that names the property.
func checkIndexedLengths(g *emnkg.Graph) error {
	for _, n := range g.Nodes {
		for _, f := range indexedProps(n.Kind) {
			if v, ok := n.Props[f].(string); ok && len(v) > maxIndexedBytes {
				return emnkg.FieldErrorf(emnkg.EINVALID, f,
					"Node %s: %s is %d bytes long; the Neo4j store indexes it and accepts at most %d bytes.",
					n.ID, f, len(v), maxIndexedBytes)
			}
		}
	}
	return nil
}

// nodeChange is the state of one node ID during an import.
type nodeChange struct {
	kind    emnkg.Kind
	version int64
	props   map[string]any
	isNew   bool // not stored before the import
	dirty   bool // must be written
}

// edgeChange is the state of one relationship ID during an import.
type edgeChange struct {
	typ      emnkg.RelType
	from, to string
	props    map[string]any
	isNew    bool
	dirty    bool
}

func (s *Store) importTx(ctx context.Context, tx neo4j.ManagedTransaction, g *emnkg.Graph, missing []string) (*emnkg.ImportResult, error) {
	res := &emnkg.ImportResult{}

	// Read the stored nodes under the graph's node IDs and missing ends.
	ids := make([]string, 0, len(g.Nodes)+len(missing))
	seen := make(map[string]bool, cap(ids))
	for _, n := range g.Nodes {
		if !seen[n.ID] {
			seen[n.ID] = true
			ids = append(ids, n.ID)
		}
	}
	for _, id := range missing {
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	stored, err := s.lookupNodes(ctx, tx, ids)
	if err != nil {
		return nil, err
	}

	kinds := make(map[string]emnkg.Kind, len(ids))
	for _, id := range missing {
		if n, ok := stored[id]; ok {
			kinds[id] = n.kind
		}
	}
	for _, n := range g.Nodes {
		if st, ok := stored[n.ID]; ok && st.kind != n.Kind {
			return nil, emnkg.Errorf(emnkg.ECONFLICT, "Node %s is stored as a %s, not a %s.", n.ID, st.kind, n.Kind)
		}
		kinds[n.ID] = n.Kind
	}
	if err := emnkg.CheckEdgeEnds(g, kinds); err != nil {
		return nil, err
	}

	// Decide node by node.
	nodes := make(map[string]*nodeChange, len(g.Nodes))
	var nodeOrder []string
	for _, n := range g.Nodes {
		c, ok := nodes[n.ID]
		if !ok {
			if st, found := stored[n.ID]; found {
				c = &nodeChange{kind: st.kind, version: st.version, props: st.props}
			}
		}
		switch {
		case c == nil:
			c = &nodeChange{kind: n.Kind, version: 1, props: n.Props, isNew: true, dirty: true}
			res.NodesCreated++
		case emnkg.PropsEqual(c.props, n.Props):
			res.NodesUnchanged++
		default:
			c.props, c.version, c.dirty = n.Props, c.version+1, true
			res.NodesUpdated++
		}
		if !ok {
			nodes[n.ID] = c
			nodeOrder = append(nodeOrder, n.ID)
		}
	}

	// Read the stored relationships under the graph's relationship IDs.
	var uniqEdges []*emnkg.Edge
	seenEdge := make(map[string]bool, len(g.Edges))
	for _, e := range g.Edges {
		if !seenEdge[e.ID] {
			seenEdge[e.ID] = true
			uniqEdges = append(uniqEdges, e)
		}
	}
	storedEdges, err := s.lookupEdges(ctx, tx, uniqEdges)
	if err != nil {
		return nil, err
	}

	// Decide relationship by relationship.
	edges := make(map[string]*edgeChange, len(g.Edges))
	var edgeOrder []string
	for _, e := range g.Edges {
		c, ok := edges[e.ID]
		if !ok {
			if st, found := storedEdges[e.ID]; found {
				c = &edgeChange{typ: st.typ, from: st.from, to: st.to, props: st.props}
			}
		}
		switch {
		case c == nil:
			c = &edgeChange{typ: e.Type, from: e.From, to: e.To, props: e.Props, isNew: true, dirty: true}
			res.EdgesCreated++
		case c.typ != e.Type || c.from != e.From || c.to != e.To:
			return nil, emnkg.Errorf(emnkg.ECONFLICT,
				"Relationship %s is stored as %s from %s to %s, not %s from %s to %s.",
				e.ID, c.typ, c.from, c.to, e.Type, e.From, e.To)
		case emnkg.PropsEqual(c.props, e.Props):
			res.EdgesUnchanged++
		default:
			c.props, c.dirty = e.Props, true
			res.EdgesUpdated++
		}
		if !ok {
			edges[e.ID] = c
			edgeOrder = append(edgeOrder, e.ID)
		}
	}

	// Write nodes: new ones by kind, changed ones by ID.
	newByKind := map[emnkg.Kind][]any{}
	var changed []any
	for _, id := range nodeOrder {
		c := nodes[id]
		if !c.dirty {
			continue
		}
		row := make(map[string]any, len(c.props)+2)
		for k, v := range c.props {
			row[k] = v
		}
		row[keyID] = id
		row[keyVersion] = c.version
		row[keySearch] = searchDoc(id, c.kind, c.props)
		if c.isNew {
			newByKind[c.kind] = append(newByKind[c.kind], row)
		} else {
			changed = append(changed, row)
		}
	}
	for _, k := range emnkg.Kinds() {
		if err := s.writeRows(ctx, tx, newByKind[k],
			"UNWIND $rows AS row CREATE (n:"+nodeLabel+":"+quote(string(k))+") SET n = row RETURN count(n)"); err != nil {
			return nil, err
		}
	}
	if err := s.writeRows(ctx, tx, changed,
		"UNWIND $rows AS row MATCH (n:"+nodeLabel+" {id: row.id})"+idHint("n")+" SET n = row RETURN count(n)"); err != nil {
		return nil, err
	}

	// Write relationships: new ones and changed ones, by type.
	newByType := map[emnkg.RelType][]any{}
	changedByType := map[emnkg.RelType][]any{}
	for _, id := range edgeOrder {
		c := edges[id]
		if !c.dirty {
			continue
		}
		props := make(map[string]any, len(c.props)+1)
		for k, v := range c.props {
			props[k] = v
		}
		props[keyID] = id
		row := map[string]any{"id": id, "from": c.from, "to": c.to, "props": props}
		if c.isNew {
			newByType[c.typ] = append(newByType[c.typ], row)
		} else {
			changedByType[c.typ] = append(changedByType[c.typ], row)
		}
	}
	for _, t := range emnkg.RelTypes() {
		typ := quote(string(t))
		if err := s.writeRows(ctx, tx, newByType[t],
			"UNWIND $rows AS row MATCH (a:"+nodeLabel+" {id: row.from})"+idHint("a")+" MATCH (b:"+nodeLabel+" {id: row.to})"+idHint("b")+" "+
				"CREATE (a)-[r:"+typ+"]->(b) SET r = row.props RETURN count(r)"); err != nil {
			return nil, err
		}
		if err := s.writeRows(ctx, tx, changedByType[t],
			"UNWIND $rows AS row MATCH ()-[r:"+typ+" {id: row.id}]->()"+relIDHint("r", t)+" SET r = row.props RETURN count(r)"); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// writeRows runs a write query over rows in batches; the query returns how
// many rows it wrote, which must be all of them.
func (s *Store) writeRows(ctx context.Context, tx neo4j.ManagedTransaction, rows []any, cypher string) error {
	for start := 0; start < len(rows); start += lookupBatch {
		batch := rows[start:min(start+lookupBatch, len(rows))]
		recs, err := s.run(ctx, tx, cypher, map[string]any{"rows": batch})
		if err != nil {
			return err
		}
		if len(recs) != 1 {
			return fmt.Errorf("neo4j: import: write returned %d rows", len(recs))
		}
		if n, err := asInt(recs[0].Values[0]); err != nil || n != len(batch) {
			return fmt.Errorf("neo4j: import: wrote %d of %d rows (%v)", n, len(batch), err)
		}
	}
	return nil
}

// lookupEdges reads the stored relationships among the IDs of edges (which
// hold no duplicate IDs), whatever their type. IDs are indexed per type, and
// the store holds every ID once across all types, so each ID is first
// looked up under the type it is imported with (one index seek: enough for
// every relationship that is already stored), and only the IDs not found
// there are looked up under every type.
func (s *Store) lookupEdges(ctx context.Context, tx neo4j.ManagedTransaction, edges []*emnkg.Edge) (map[string]*storedEdge, error) {
	out := make(map[string]*storedEdge, len(edges))
	byType := map[emnkg.RelType][]string{}
	for _, e := range edges {
		byType[e.Type] = append(byType[e.Type], e.ID)
	}
	for _, t := range emnkg.RelTypes() {
		if err := s.lookupEdgeBatches(ctx, tx, byType[t], edgeLookup(t), out); err != nil {
			return nil, err
		}
	}
	var rest []string
	for _, e := range edges {
		if _, ok := out[e.ID]; !ok {
			rest = append(rest, e.ID)
		}
	}
	var parts []string
	for _, t := range emnkg.RelTypes() {
		parts = append(parts, edgeLookup(t))
	}
	if err := s.lookupEdgeBatches(ctx, tx, rest, strings.Join(parts, " UNION ALL "), out); err != nil {
		return nil, err
	}
	return out, nil
}

// edgeLookup is the query that finds relationships of type t by ID.
func edgeLookup(t emnkg.RelType) string {
	return "MATCH ()-[r:" + quote(string(t)) + "]->()" + relIDHint("r", t) + " WHERE r.id IN $ids RETURN " + edgeMap("r") + " AS r"
}

// lookupEdgeBatches runs an edge lookup query over ids in batches and adds
// what it finds to out.
func (s *Store) lookupEdgeBatches(ctx context.Context, tx neo4j.ManagedTransaction, ids []string, cypher string, out map[string]*storedEdge) error {
	for start := 0; start < len(ids); start += lookupBatch {
		batch := ids[start:min(start+lookupBatch, len(ids))]
		recs, err := s.run(ctx, tx, cypher, map[string]any{"ids": batch})
		if err != nil {
			return err
		}
		for _, r := range recs {
			e, err := decodeEdge(r.Values[0])
			if err != nil {
				return err
			}
			if prev, dup := out[e.id]; dup {
				return fmt.Errorf("neo4j: relationship ID %s is stored twice (%s and %s)", e.id, prev.typ, e.typ)
			}
			out[e.id] = e
		}
	}
	return nil
}
