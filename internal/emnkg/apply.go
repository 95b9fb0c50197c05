package emnkg

import (
	"context"
	"maps"
	"slices"
	"strings"
)

// This file holds the semantics of Editor.Apply, once for every store: a
// store opens its write transaction, offers its reads and writes in it as a
// ChangeTx, calls ApplyChanges, writes the audit records it returns and
// commits. storetest.RunEditor states the rules; storetest.MemStore keeps
// an independent reference model of them.

// ChangeTx is what a store offers ApplyChanges inside one write
// transaction. Each call sees the writes made before it.
type ChangeTx interface {
	// Node returns the stored node with this ID, or nil when there is none.
	Node(ctx context.Context, id string) (*Node, error)
	// Edge returns the stored relationship with this ID, or nil when there
	// is none. typ, when not "", is the type the caller expects, which a
	// store may look under first.
	Edge(ctx context.Context, id string, typ RelType) (*Edge, error)
	// WriteNode creates the node (create) or replaces the kind-checked
	// properties and version of the stored one, with its search document.
	WriteNode(ctx context.Context, n *Node, create bool) error
	// DeleteNode deletes the node and every relationship touching it, and
	// returns those relationships.
	DeleteNode(ctx context.Context, id string) ([]*Edge, error)
	// WriteEdge creates the relationship (create) or replaces the
	// properties of the stored one with this ID.
	WriteEdge(ctx context.Context, e *Edge, create bool) error
	// DeleteEdge deletes the stored relationship e.
	DeleteEdge(ctx context.Context, e *Edge) error
}

// VersionKey is the key of a node's version in the Before and After states
// of audit records.
const VersionKey = "_version"

// Validate checks what a change set needs besides its changes: an actor, a
// time and at least one change.
func (cs *ChangeSet) Validate() error {
	switch {
	case cs.Actor == "":
		return Errorf(EINVALID, "A change set needs an actor.")
	case cs.Time.IsZero():
		return Errorf(EINVALID, "A change set needs a time.")
	case len(cs.Changes) == 0:
		return Errorf(EINVALID, "A change set needs changes.")
	}
	return nil
}

// ApplyChanges validates cs and applies its changes in order through tx;
// the first failing change decides the error, and the store must then roll
// its transaction back. The rules:
//
//   - each change passes ValidateChange first (EINVALID); an UPDATE without
//     a kind passes ValidatePatch against the stored kind, and its merged
//     properties ValidateMerged;
//   - a target that does not exist is ENOTFOUND; a kind given for a stored
//     node of another kind, a stale ExpectedVersion, CREATE of an existing
//     ID and a relationship ID stored with another type or other ends are
//     ECONFLICT; LINK between kinds its type does not allow is EINVALID;
//   - DELETE removes the node's relationships first, by ID, each with its
//     own record (whose Op is DELETE, the op of the change), then the node.
//
// The result holds the nodes and relationships as they are after the set
// and its audit records, with the set's time and actor but no sequence
// numbers: the store writes them and numbers them.
func ApplyChanges(ctx context.Context, tx ChangeTx, cs ChangeSet) (*ApplyResult, error) {
	if err := cs.Validate(); err != nil {
		return nil, err
	}
	a := &applier{ctx: ctx, tx: tx}
	for _, c := range cs.Changes {
		if err := a.apply(c); err != nil {
			return nil, err
		}
	}
	for i := range a.records {
		a.records[i].Time, a.records[i].Actor = cs.Time, cs.Actor
	}
	return a.result()
}

// applier applies the changes of one change set.
type applier struct {
	ctx     context.Context
	tx      ChangeTx
	records []ChangeRecord
	// nodeIDs are the targets of the node changes and links the LINKs, in
	// order, for the result.
	nodeIDs []string
	links   []*Edge
}

func (a *applier) apply(c Change) error {
	if err := ValidateChange(c); err != nil {
		return err
	}
	switch c.Op {
	case OpCreateNode, OpUpsertNode:
		a.nodeIDs = append(a.nodeIDs, c.NodeID)
		return a.put(c)
	case OpUpdateNode:
		a.nodeIDs = append(a.nodeIDs, c.NodeID)
		return a.update(c)
	case OpDeleteNode:
		a.nodeIDs = append(a.nodeIDs, c.NodeID)
		return a.delete(c)
	case OpLink:
		a.links = append(a.links, c.Edge)
		return a.link(c)
	case OpUnlink:
		return a.unlink(c)
	}
	return Errorf(EINVALID, "Unknown change operation %q.", c.Op)
}

// target returns the stored node an UPDATE or DELETE is about, checking
// that it exists, has the kind given and has the expected version.
func (a *applier) target(c Change) (*Node, error) {
	n, err := a.tx.Node(a.ctx, c.NodeID)
	if err != nil {
		return nil, err
	}
	if n == nil {
		return nil, Errorf(ENOTFOUND, "Node %s does not exist.", c.NodeID)
	}
	if c.Kind != "" && c.Kind != n.Kind {
		return nil, Errorf(ECONFLICT, "Node %s is a %s, not a %s.", n.ID, n.Kind, c.Kind)
	}
	return n, checkVersion(c, n)
}

func checkVersion(c Change, n *Node) error {
	if c.ExpectedVersion != 0 && c.ExpectedVersion != n.Version {
		return Errorf(ECONFLICT, "Node %s is at version %d, not %d.", n.ID, n.Version, c.ExpectedVersion)
	}
	return nil
}

// put applies CREATE and UPSERT.
func (a *applier) put(c Change) error {
	props, err := NormalizeProps(NodeProps(c.Kind), c.Props)
	if err != nil {
		return err
	}
	old, err := a.tx.Node(a.ctx, c.NodeID)
	if err != nil {
		return err
	}
	n := &Node{ID: c.NodeID, Kind: c.Kind, Version: 1, Props: props}
	if old != nil {
		switch {
		case c.Op == OpCreateNode:
			return Errorf(ECONFLICT, "Node %s exists.", c.NodeID)
		case old.Kind != c.Kind:
			return Errorf(ECONFLICT, "Node %s is a %s, not a %s.", old.ID, old.Kind, c.Kind)
		}
		if err := checkVersion(c, old); err != nil {
			return err
		}
		n.Version = old.Version + 1
	}
	if err := a.tx.WriteNode(a.ctx, n, old == nil); err != nil {
		return err
	}
	a.recordNode(c.Op, old, n)
	return nil
}

// update applies UPDATE: the patch is merged into the stored properties
// (a nil value removes a key) and the result checked whole.
func (a *applier) update(c Change) error {
	old, err := a.target(c)
	if err != nil {
		return err
	}
	if c.Kind == "" {
		if err := ValidatePatch(old.Kind, c.Props); err != nil {
			return err
		}
	}
	set := make(map[string]any, len(c.Props))
	merged := maps.Clone(old.Props)
	if merged == nil {
		merged = map[string]any{}
	}
	for k, v := range c.Props {
		if v == nil {
			delete(merged, k)
		} else {
			set[k] = v
		}
	}
	norm, err := NormalizeProps(NodeProps(old.Kind), set)
	if err != nil {
		return err
	}
	maps.Copy(merged, norm)
	if err := ValidateMerged(old.Kind, merged); err != nil {
		return err
	}
	n := &Node{ID: old.ID, Kind: old.Kind, Version: old.Version + 1, Props: merged}
	if err := a.tx.WriteNode(a.ctx, n, false); err != nil {
		return err
	}
	a.recordNode(c.Op, old, n)
	return nil
}

// delete applies DELETE: the node's relationships go first, by ID, each
// with its own record, then the node.
func (a *applier) delete(c Change) error {
	old, err := a.target(c)
	if err != nil {
		return err
	}
	touching, err := a.tx.DeleteNode(a.ctx, old.ID)
	if err != nil {
		return err
	}
	slices.SortFunc(touching, func(x, y *Edge) int { return strings.Compare(x.ID, y.ID) })
	for _, e := range touching {
		a.recordEdge(c.Op, e, nil)
	}
	a.recordNode(c.Op, old, nil)
	return nil
}

// link applies LINK: it creates the relationship or replaces its
// properties.
func (a *applier) link(c Change) error {
	e := c.Edge
	def, ok := LookupRel(e.Type)
	if !ok {
		return Errorf(EINVALID, "Unknown relationship type %q.", e.Type)
	}
	props, err := NormalizeProps(EdgeProps(), e.Props)
	if err != nil {
		return err
	}
	from, err := a.tx.Node(a.ctx, e.From)
	if err != nil {
		return err
	}
	to := from
	if e.To != e.From {
		if to, err = a.tx.Node(a.ctx, e.To); err != nil {
			return err
		}
	}
	if from == nil || to == nil {
		return Errorf(ENOTFOUND, "Relationship %s ends at a node that does not exist.", e.ID)
	}
	if !def.Allows(from.Kind, to.Kind) {
		return Errorf(EINVALID, "A %s relationship cannot join a %s to a %s.", e.Type, from.Kind, to.Kind)
	}
	old, err := a.tx.Edge(a.ctx, e.ID, e.Type)
	if err != nil {
		return err
	}
	if old != nil && (old.Type != e.Type || old.From != e.From || old.To != e.To) {
		return Errorf(ECONFLICT, "Relationship %s is stored with other ends.", e.ID)
	}
	stored := &Edge{ID: e.ID, Type: e.Type, From: e.From, To: e.To, Props: props}
	if err := a.tx.WriteEdge(a.ctx, stored, old == nil); err != nil {
		return err
	}
	a.recordEdge(c.Op, old, stored)
	return nil
}

// unlink applies UNLINK.
func (a *applier) unlink(c Change) error {
	old, err := a.tx.Edge(a.ctx, c.Edge.ID, "")
	if err != nil {
		return err
	}
	if old == nil {
		return Errorf(ENOTFOUND, "Relationship %s does not exist.", c.Edge.ID)
	}
	if err := a.tx.DeleteEdge(a.ctx, old); err != nil {
		return err
	}
	a.recordEdge(c.Op, old, nil)
	return nil
}

// nodeState returns what an audit record holds of a node: its properties
// and VersionKey, or nil for no node.
func nodeState(n *Node) map[string]any {
	if n == nil {
		return nil
	}
	p := make(map[string]any, len(n.Props)+1)
	maps.Copy(p, n.Props)
	p[VersionKey] = n.Version
	return p
}

// edgeState returns what an audit record holds of a relationship: its
// properties, an empty map when it has none, or nil for no relationship.
func edgeState(e *Edge) map[string]any {
	if e == nil {
		return nil
	}
	p := make(map[string]any, len(e.Props))
	maps.Copy(p, e.Props)
	return p
}

func (a *applier) recordNode(op ChangeOp, before, after *Node) {
	n := after
	if n == nil {
		n = before
	}
	a.records = append(a.records, ChangeRecord{Op: op, TargetID: n.ID, TargetKind: n.Kind,
		Before: nodeState(before), After: nodeState(after)})
}

func (a *applier) recordEdge(op ChangeOp, before, after *Edge) {
	e := after
	if e == nil {
		e = before
	}
	a.records = append(a.records, ChangeRecord{Op: op, TargetID: e.ID, RelType: e.Type, From: e.From, To: e.To,
		Before: edgeState(before), After: edgeState(after)})
}

// result returns the nodes and relationships the set changed, as they are
// after it, and its records.
func (a *applier) result() (*ApplyResult, error) {
	res := &ApplyResult{Nodes: make([]*Node, 0, len(a.nodeIDs)), Edges: make([]*Edge, 0, len(a.links)),
		Records: a.records}
	for _, id := range a.nodeIDs {
		n, err := a.tx.Node(a.ctx, id)
		if err != nil {
			return nil, err
		}
		res.Nodes = append(res.Nodes, n)
	}
	for _, l := range a.links {
		e, err := a.tx.Edge(a.ctx, l.ID, l.Type)
		if err != nil {
			return nil, err
		}
		res.Edges = append(res.Edges, e)
	}
	return res, nil
}
