package neo4j

import (
	"context"
	"maps"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

var _ emnkg.Editor = (*Store)(nil)

// Apply validates and applies a change set, with its audit records, in one
// write transaction: whole or not at all, by the rules of
// emnkg.ApplyChanges. The first failing change decides the error, which the
// transaction function returns as it is (an *emnkg.Error or
// *emnkg.ValidationError, which the driver never retries), so the
// transaction rolls back. Every node write also writes the node's search
// document. The records get their sequence numbers at the end, from the
// audit counter (see writeRecords), after the node writes' changes of the
// kept facet counts are added to them.
func (s *Store) Apply(ctx context.Context, cs emnkg.ChangeSet) (*emnkg.ApplyResult, error) {
	if err := cs.Validate(); err != nil {
		return nil, err
	}
	at, err := encodeTime(cs.Time)
	if err != nil {
		return nil, err
	}
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (*emnkg.ApplyResult, error) {
		// A retried transaction starts afresh.
		c := &changeTx{s: s, tx: tx, facets: newFacetDeltas()}
		res, err := emnkg.ApplyChanges(ctx, c, cs)
		if err != nil {
			return nil, err
		}
		if err := s.writeFacetDeltas(ctx, tx, c.facets); err != nil {
			return nil, err
		}
		if err := s.writeRecords(ctx, tx, cs, at, res.Records); err != nil {
			return nil, err
		}
		return res, nil
	})
}

// changeTx is the emnkg.ChangeTx of one write transaction.
type changeTx struct {
	s  *Store
	tx neo4j.ManagedTransaction
	// facets collects what the node writes change in the kept facet
	// counts.
	facets *facetDeltas
}

// Node returns the stored node with this ID, or nil.
func (c *changeTx) Node(ctx context.Context, id string) (*emnkg.Node, error) {
	found, err := c.s.lookupNodes(ctx, c.tx, []string{id})
	if err != nil || found[id] == nil {
		return nil, err
	}
	return found[id].node(), nil
}

// Edge returns the stored relationship with this ID, or nil, looking under
// typ first when it is given.
func (c *changeTx) Edge(ctx context.Context, id string, typ emnkg.RelType) (*emnkg.Edge, error) {
	found, err := c.s.lookupEdges(ctx, c.tx, []*emnkg.Edge{{ID: id, Type: typ}})
	if err != nil || found[id] == nil {
		return nil, err
	}
	return found[id].edge(), nil
}

// WriteNode creates a node or replaces its properties, with its version
// and search words, and counts the change in the kept facet counts: the
// replaced node's stored values out, the written ones in.
func (c *changeTx) WriteNode(ctx context.Context, n *emnkg.Node, create bool) error {
	props := make(map[string]any, len(n.Props)+6) // ID, version, search words in three parts, top length
	maps.Copy(props, n.Props)
	props[keyID] = n.ID
	props[keyVersion] = n.Version
	setSearchWords(props, n.ID, n.Kind, n.Props)
	cypher := "MATCH (n:" + nodeLabel + " {id: $id})" + idHint("n") + " WITH n, " + nodeMap("n") + " AS old SET n = $props RETURN old"
	if create {
		cypher = "CREATE (n:" + nodeLabel + ":" + quote(string(n.Kind)) + ") SET n = $props"
	}
	recs, err := c.s.run(ctx, c.tx, cypher, map[string]any{"id": n.ID, "props": props})
	if err != nil {
		return err
	}
	if err := c.countOut(recs); err != nil {
		return err
	}
	return c.facets.addNode(n.Kind, n.Props, 1)
}

// countOut counts the nodes of records holding their nodeMap projections
// before a write out of the kept facet counts.
func (c *changeTx) countOut(recs []*neo4j.Record) error {
	for _, r := range recs {
		old, err := decodeNode(r.Values[0])
		if err != nil {
			return err
		}
		if err := c.facets.addNode(old.kind, old.props, -1); err != nil {
			return err
		}
	}
	return nil
}

// DeleteNode deletes a node with its relationships, which it returns, and
// counts it out of the kept facet counts.
func (c *changeTx) DeleteNode(ctx context.Context, id string) ([]*emnkg.Edge, error) {
	p := map[string]any{"id": id}
	recs, err := c.s.run(ctx, c.tx, "MATCH (n:"+nodeLabel+" {id: $id})-[r]-()"+idHint("n")+" WITH DISTINCT r RETURN "+edgeMap("r"), p)
	if err != nil {
		return nil, err
	}
	touching := make([]*emnkg.Edge, 0, len(recs))
	for _, r := range recs {
		e, err := decodeEdge(r.Values[0])
		if err != nil {
			return nil, err
		}
		touching = append(touching, e.edge())
	}
	recs, err = c.s.run(ctx, c.tx, "MATCH (n:"+nodeLabel+" {id: $id})"+idHint("n")+" WITH n, "+nodeMap("n")+" AS old DETACH DELETE n RETURN old", p)
	if err != nil {
		return nil, err
	}
	return touching, c.countOut(recs)
}

// WriteEdge creates a relationship or replaces its properties.
func (c *changeTx) WriteEdge(ctx context.Context, e *emnkg.Edge, create bool) error {
	stored := maps.Clone(e.Props)
	if stored == nil {
		stored = map[string]any{}
	}
	stored[keyID] = e.ID
	typ := quote(string(e.Type))
	cypher := "MATCH ()-[r:" + typ + " {id: $id}]->()" + relIDHint("r", e.Type) + " SET r = $props"
	if create {
		cypher = "MATCH (a:" + nodeLabel + " {id: $from})" + idHint("a") + " MATCH (b:" + nodeLabel + " {id: $to})" + idHint("b") + " " +
			"CREATE (a)-[r:" + typ + "]->(b) SET r = $props"
	}
	_, err := c.s.run(ctx, c.tx, cypher, map[string]any{"id": e.ID, "from": e.From, "to": e.To, "props": stored})
	return err
}

// DeleteEdge deletes a relationship.
func (c *changeTx) DeleteEdge(ctx context.Context, e *emnkg.Edge) error {
	_, err := c.s.run(ctx, c.tx, "MATCH ()-[r:"+quote(string(e.Type))+" {id: $id}]->()"+relIDHint("r", e.Type)+" DELETE r",
		map[string]any{"id": e.ID})
	return err
}
