package neo4j

import (
	"context"
	"maps"
	"slices"
	"strings"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

var _ emnkg.Editor = (*Store)(nil)

// Apply validates and applies a change set, with its audit records, in one
// write transaction: whole or not at all. Changes apply in order, each
// seeing the ones before it; the first failing change decides the error,
// which the transaction function returns as it is (an *emnkg.Error or
// *emnkg.ValidationError, which the driver never retries), so the
// transaction rolls back. Every node write also writes the node's search
// document. The rules are those of emnkg.Editor and storetest.RunEditor:
//
//   - each change passes emnkg.ValidateChange first (EINVALID); an UPDATE
//     without a kind passes emnkg.ValidatePatch against the stored kind,
//     and its merged properties emnkg.ValidateMerged;
//   - a target that does not exist is ENOTFOUND; a kind given for a stored
//     node of another kind, a stale ExpectedVersion, CREATE of an existing
//     ID and a relationship ID stored with another type or other ends are
//     ECONFLICT; LINK between kinds its type does not allow is EINVALID;
//   - DELETE removes the node's relationships first, by ID, each with its
//     own record (whose Op is DELETE, the op of the change), then the node.
//
// The records get their sequence numbers at the end, from the audit
// counter (see writeRecords).
func (s *Store) Apply(ctx context.Context, cs emnkg.ChangeSet) (*emnkg.ApplyResult, error) {
	switch {
	case cs.Actor == "":
		return nil, invalid("A change set needs an actor.")
	case cs.Time.IsZero():
		return nil, invalid("A change set needs a time.")
	case len(cs.Changes) == 0:
		return nil, invalid("A change set needs changes.")
	}
	at, err := encodeTime(cs.Time)
	if err != nil {
		return nil, err
	}
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (*emnkg.ApplyResult, error) {
		// A retried transaction starts afresh.
		a := &applier{s: s, ctx: ctx, tx: tx}
		for _, c := range cs.Changes {
			if err := a.apply(c); err != nil {
				return nil, err
			}
		}
		if err := s.writeRecords(ctx, tx, cs, at, a.records); err != nil {
			return nil, err
		}
		return a.result()
	})
}

// applier applies the changes of one change set in its transaction.
type applier struct {
	s   *Store
	ctx context.Context
	tx  neo4j.ManagedTransaction
	// records are the audit records written so far, without their
	// sequence numbers, times and actors.
	records []emnkg.ChangeRecord
	// nodeIDs are the targets of the node changes and links the IDs and
	// types of the LINKs, in order, for the result.
	nodeIDs []string
	links   []*emnkg.Edge
}

// node returns the stored node with this ID, or nil.
func (a *applier) node(id string) (*storedNode, error) {
	found, err := a.s.lookupNodes(a.ctx, a.tx, []string{id})
	if err != nil {
		return nil, err
	}
	return found[id], nil
}

// edge returns the stored relationship with this ID, or nil; typ, when not
// "", is the type to look under first.
func (a *applier) edge(id string, typ emnkg.RelType) (*storedEdge, error) {
	found, err := a.s.lookupEdges(a.ctx, a.tx, []*emnkg.Edge{{ID: id, Type: typ}})
	if err != nil {
		return nil, err
	}
	return found[id], nil
}

func (a *applier) apply(c emnkg.Change) error {
	if err := emnkg.ValidateChange(c); err != nil {
		return err
	}
	switch c.Op {
	case emnkg.OpCreateNode, emnkg.OpUpsertNode:
		a.nodeIDs = append(a.nodeIDs, c.NodeID)
		return a.put(c)
	case emnkg.OpUpdateNode:
		a.nodeIDs = append(a.nodeIDs, c.NodeID)
		return a.update(c)
	case emnkg.OpDeleteNode:
		a.nodeIDs = append(a.nodeIDs, c.NodeID)
		return a.delete(c)
	case emnkg.OpLink:
		a.links = append(a.links, &emnkg.Edge{ID: c.Edge.ID, Type: c.Edge.Type})
		return a.link(c)
	case emnkg.OpUnlink:
		return a.unlink(c)
	}
	return invalid("Unknown change operation %q.", c.Op)
}

// target returns the stored node an UPDATE or DELETE is about, checking
// that it exists and has the kind given.
func (a *applier) target(c emnkg.Change) (*storedNode, error) {
	n, err := a.node(c.NodeID)
	if err != nil {
		return nil, err
	}
	if n == nil {
		return nil, emnkg.Errorf(emnkg.ENOTFOUND, "Node %s does not exist.", c.NodeID)
	}
	if c.Kind != "" && c.Kind != n.kind {
		return nil, emnkg.Errorf(emnkg.ECONFLICT, "Node %s is a %s, not a %s.", n.id, n.kind, c.Kind)
	}
	return n, nil
}

func checkVersion(c emnkg.Change, n *storedNode) error {
	if c.ExpectedVersion != 0 && c.ExpectedVersion != n.version {
		return emnkg.Errorf(emnkg.ECONFLICT, "Node %s is at version %d, not %d.", n.id, n.version, c.ExpectedVersion)
	}
	return nil
}

// put applies CREATE and UPSERT.
func (a *applier) put(c emnkg.Change) error {
	props, err := emnkg.NormalizeProps(emnkg.NodeProps(c.Kind), c.Props)
	if err != nil {
		return err
	}
	old, err := a.node(c.NodeID)
	if err != nil {
		return err
	}
	n := &storedNode{id: c.NodeID, kind: c.Kind, version: 1, props: props}
	if old != nil {
		switch {
		case c.Op == emnkg.OpCreateNode:
			return emnkg.Errorf(emnkg.ECONFLICT, "Node %s exists.", c.NodeID)
		case old.kind != c.Kind:
			return emnkg.Errorf(emnkg.ECONFLICT, "Node %s is a %s, not a %s.", old.id, old.kind, c.Kind)
		}
		if err := checkVersion(c, old); err != nil {
			return err
		}
		n.version = old.version + 1
	}
	if err := a.writeNode(n, old == nil); err != nil {
		return err
	}
	a.recordNode(c.Op, old, n)
	return nil
}

// update applies UPDATE: the patch is merged into the stored properties
// (a nil value removes a key) and the result checked whole.
func (a *applier) update(c emnkg.Change) error {
	old, err := a.target(c)
	if err != nil {
		return err
	}
	if c.Kind == "" {
		if err := emnkg.ValidatePatch(old.kind, c.Props); err != nil {
			return err
		}
	}
	if err := checkVersion(c, old); err != nil {
		return err
	}
	set := make(map[string]any, len(c.Props))
	merged := maps.Clone(old.props)
	for k, v := range c.Props {
		if v == nil {
			delete(merged, k)
		} else {
			set[k] = v
		}
	}
	norm, err := emnkg.NormalizeProps(emnkg.NodeProps(old.kind), set)
	if err != nil {
		return err
	}
	maps.Copy(merged, norm)
	if err := emnkg.ValidateMerged(old.kind, merged); err != nil {
		return err
	}
	n := &storedNode{id: old.id, kind: old.kind, version: old.version + 1, props: merged}
	if err := a.writeNode(n, false); err != nil {
		return err
	}
	a.recordNode(c.Op, old, n)
	return nil
}

// writeNode creates a node or replaces its properties, with its version
// and search document.
func (a *applier) writeNode(n *storedNode, create bool) error {
	props := make(map[string]any, len(n.props)+3)
	maps.Copy(props, n.props)
	props[keyID] = n.id
	props[keyVersion] = n.version
	props[keySearch] = searchDoc(n.id, n.kind, n.props)
	cypher := "MATCH (n:" + nodeLabel + " {id: $id})" + idHint("n") + " SET n = $props"
	if create {
		cypher = "CREATE (n:" + nodeLabel + ":" + quote(string(n.kind)) + ") SET n = $props"
	}
	_, err := a.s.run(a.ctx, a.tx, cypher, map[string]any{"id": n.id, "props": props})
	return err
}

// delete applies DELETE: the node's relationships go first, by ID, each
// with its own record, then the node.
func (a *applier) delete(c emnkg.Change) error {
	old, err := a.target(c)
	if err != nil {
		return err
	}
	if err := checkVersion(c, old); err != nil {
		return err
	}
	p := map[string]any{"id": old.id}
	recs, err := a.s.run(a.ctx, a.tx, "MATCH (n:"+nodeLabel+" {id: $id})-[r]-()"+idHint("n")+" WITH DISTINCT r RETURN "+edgeMap("r"), p)
	if err != nil {
		return err
	}
	touching := make([]*storedEdge, 0, len(recs))
	for _, r := range recs {
		e, err := decodeEdge(r.Values[0])
		if err != nil {
			return err
		}
		touching = append(touching, e)
	}
	slices.SortFunc(touching, func(x, y *storedEdge) int { return strings.Compare(x.id, y.id) })
	if _, err := a.s.run(a.ctx, a.tx, "MATCH (n:"+nodeLabel+" {id: $id})"+idHint("n")+" DETACH DELETE n", p); err != nil {
		return err
	}
	for _, e := range touching {
		a.recordEdge(c.Op, e.edge(), nil)
	}
	a.recordNode(c.Op, old, nil)
	return nil
}

// link applies LINK: it creates the relationship or replaces its
// properties.
func (a *applier) link(c emnkg.Change) error {
	e := c.Edge
	def, ok := emnkg.LookupRel(e.Type)
	if !ok {
		return invalid("Unknown relationship type %q.", e.Type)
	}
	props, err := emnkg.NormalizeProps(emnkg.EdgeProps(), e.Props)
	if err != nil {
		return err
	}
	ends, err := a.s.lookupNodes(a.ctx, a.tx, uniqueIDs([]string{e.From, e.To}))
	if err != nil {
		return err
	}
	from, to := ends[e.From], ends[e.To]
	if from == nil || to == nil {
		return emnkg.Errorf(emnkg.ENOTFOUND, "Relationship %s ends at a node that does not exist.", e.ID)
	}
	if !def.Allows(from.kind, to.kind) {
		return invalid("A %s relationship cannot join a %s to a %s.", e.Type, from.kind, to.kind)
	}
	old, err := a.edge(e.ID, e.Type)
	if err != nil {
		return err
	}
	if old != nil && (old.typ != e.Type || old.from != e.From || old.to != e.To) {
		return emnkg.Errorf(emnkg.ECONFLICT, "Relationship %s is stored with other ends.", e.ID)
	}
	stored := maps.Clone(props)
	stored[keyID] = e.ID
	typ := quote(string(e.Type))
	cypher := "MATCH ()-[r:" + typ + " {id: $id}]->()" + relIDHint("r", e.Type) + " SET r = $props"
	if old == nil {
		cypher = "MATCH (a:" + nodeLabel + " {id: $from})" + idHint("a") + " MATCH (b:" + nodeLabel + " {id: $to})" + idHint("b") + " " +
			"CREATE (a)-[r:" + typ + "]->(b) SET r = $props"
	}
	if _, err := a.s.run(a.ctx, a.tx, cypher, map[string]any{"id": e.ID, "from": e.From, "to": e.To, "props": stored}); err != nil {
		return err
	}
	var before *emnkg.Edge
	if old != nil {
		before = old.edge()
	}
	a.recordEdge(c.Op, before, &emnkg.Edge{ID: e.ID, Type: e.Type, From: e.From, To: e.To, Props: props})
	return nil
}

// unlink applies UNLINK.
func (a *applier) unlink(c emnkg.Change) error {
	old, err := a.edge(c.Edge.ID, "")
	if err != nil {
		return err
	}
	if old == nil {
		return emnkg.Errorf(emnkg.ENOTFOUND, "Relationship %s does not exist.", c.Edge.ID)
	}
	if _, err := a.s.run(a.ctx, a.tx, "MATCH ()-[r:"+quote(string(old.typ))+" {id: $id}]->()"+relIDHint("r", old.typ)+" DELETE r",
		map[string]any{"id": old.id}); err != nil {
		return err
	}
	a.recordEdge(c.Op, old.edge(), nil)
	return nil
}

// nodeState returns what an audit record holds of a node: its properties
// and "_version", or nil for no node.
func nodeState(n *storedNode) map[string]any {
	if n == nil {
		return nil
	}
	p := make(map[string]any, len(n.props)+1)
	maps.Copy(p, n.props)
	p[versionKey] = n.version
	return p
}

// edgeState returns what an audit record holds of a relationship: its
// properties, an empty map when it has none, or nil for no relationship.
func edgeState(e *emnkg.Edge) map[string]any {
	if e == nil {
		return nil
	}
	p := make(map[string]any, len(e.Props))
	maps.Copy(p, e.Props)
	return p
}

func (a *applier) recordNode(op emnkg.ChangeOp, before, after *storedNode) {
	n := after
	if n == nil {
		n = before
	}
	a.records = append(a.records, emnkg.ChangeRecord{Op: op, TargetID: n.id, TargetKind: n.kind,
		Before: nodeState(before), After: nodeState(after)})
}

func (a *applier) recordEdge(op emnkg.ChangeOp, before, after *emnkg.Edge) {
	e := after
	if e == nil {
		e = before
	}
	a.records = append(a.records, emnkg.ChangeRecord{Op: op, TargetID: e.ID, RelType: e.Type, From: e.From, To: e.To,
		Before: edgeState(before), After: edgeState(after)})
}

// result returns the nodes and relationships the set changed, as they are
// after it, and its records.
func (a *applier) result() (*emnkg.ApplyResult, error) {
	res := &emnkg.ApplyResult{Nodes: make([]*emnkg.Node, 0, len(a.nodeIDs)),
		Edges: make([]*emnkg.Edge, 0, len(a.links)), Records: a.records}
	nodes, err := a.s.lookupNodes(a.ctx, a.tx, uniqueIDs(a.nodeIDs))
	if err != nil {
		return nil, err
	}
	for _, id := range a.nodeIDs {
		var n *emnkg.Node
		if st, ok := nodes[id]; ok {
			n = st.node()
		}
		res.Nodes = append(res.Nodes, n)
	}
	var linked []*emnkg.Edge
	seen := map[string]bool{}
	for _, l := range a.links {
		if !seen[l.ID] {
			seen[l.ID] = true
			linked = append(linked, l)
		}
	}
	edges, err := a.s.lookupEdges(a.ctx, a.tx, linked)
	if err != nil {
		return nil, err
	}
	for _, l := range a.links {
		var e *emnkg.Edge
		if st, ok := edges[l.ID]; ok {
			e = st.edge()
		}
		res.Edges = append(res.Edges, e)
	}
	return res, nil
}
