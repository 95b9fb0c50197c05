package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"maps"
	"time"

	"github.com/emnkg/emnkg/internal/emnkg"
)

var _ emnkg.Editor = (*Store)(nil)

// Apply validates and applies a change set, with its audit records, in one
// write transaction (BEGIN IMMEDIATE): whole or not at all. Changes apply
// in order, each seeing the ones before it; the first failing change
// decides the error. Every node write updates the search index in the same
// transaction. The rules are those of emnkg.Editor and storetest.RunEditor:
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
func (s *Store) Apply(ctx context.Context, cs emnkg.ChangeSet) (*emnkg.ApplyResult, error) {
	switch {
	case cs.Actor == "":
		return nil, invalid("A change set needs an actor.")
	case cs.Time.IsZero():
		return nil, invalid("A change set needs a time.")
	case len(cs.Changes) == 0:
		return nil, invalid("A change set needs changes.")
	}
	at, err := formatTime(cs.Time)
	if err != nil {
		return nil, err
	}
	var res *emnkg.ApplyResult
	err = s.write(ctx, func(tx *sql.Tx) error {
		a := &applier{s: s, ctx: ctx, tx: tx, cs: cs, at: at}
		for i, c := range cs.Changes {
			if err := a.apply(c); err != nil {
				// Client errors name their target; internal ones get the
				// position of the change.
				return wrapf(err, "change %d", i)
			}
		}
		var rerr error
		res, rerr = a.result()
		return rerr
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// applier applies the changes of one change set in its transaction.
type applier struct {
	s   *Store
	ctx context.Context
	tx  *sql.Tx
	cs  emnkg.ChangeSet
	at  string // the set's time as stored
	// records are the audit records written so far.
	records []emnkg.ChangeRecord
	// nodeIDs and edgeIDs are the targets of the node changes and LINKs,
	// in order, for the result.
	nodeIDs, edgeIDs []string
}

// storedNode is a node as the transaction sees it.
type storedNode struct {
	id      string
	kind    emnkg.Kind
	version int64
	props   map[string]any
}

// node returns the stored node with this ID, or nil.
func (a *applier) node(id string) (*storedNode, error) {
	var kind, props string
	n := &storedNode{id: id}
	err := a.tx.QueryRowContext(a.ctx, `SELECT kind, version, props FROM nodes WHERE id = ?1`, id).
		Scan(&kind, &n.version, &props)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, wrapf(err, "read node")
	}
	n.kind = emnkg.Kind(kind)
	if n.props, err = a.s.nodeProps(n.kind, id, props); err != nil {
		return nil, err
	}
	return n, nil
}

// edge returns the stored relationship with this ID, or nil.
func (a *applier) edge(id string) (*emnkg.Edge, error) {
	var typ, src, dst, props string
	err := a.tx.QueryRowContext(a.ctx, `SELECT type, src, dst, props FROM edges WHERE id = ?1`, id).
		Scan(&typ, &src, &dst, &props)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, wrapf(err, "read relationship")
	}
	return a.s.newEdge(id, typ, src, dst, props)
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
		a.edgeIDs = append(a.edgeIDs, c.Edge.ID)
		return a.link(c)
	case emnkg.OpUnlink:
		return a.unlink(c)
	}
	return invalid("Unknown change operation %q.", c.Op)
}

// target returns the stored node an UPDATE or DELETE is about, checking
// that it exists, has the kind given and has the expected version.
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
	return a.recordNode(c.Op, old, n)
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
	return a.recordNode(c.Op, old, n)
}

// writeNode inserts or updates a node and its row of the search index.
func (a *applier) writeNode(n *storedNode, insert bool) error {
	text, err := encodeProps("Node", n.id, n.props)
	if err != nil {
		return err
	}
	if insert {
		_, err = a.tx.ExecContext(a.ctx, `INSERT INTO nodes (id, kind, version, props) VALUES (?1, ?2, ?3, ?4)`,
			n.id, string(n.kind), n.version, text)
	} else {
		_, err = a.tx.ExecContext(a.ctx, `UPDATE nodes SET version = ?2, props = ?3 WHERE id = ?1`,
			n.id, n.version, text)
	}
	if err != nil {
		return wrapf(err, "write node")
	}
	doc := emnkg.SearchDocument(&emnkg.Node{ID: n.id, Kind: n.kind, Props: n.props})
	return indexNodes(a.ctx, a.tx, []searchDoc{{id: n.id, doc: doc}})
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
	touching, err := a.s.queryEdges(a.ctx, a.tx, "read relationships", `SELECT `+edgeColumns+` FROM edges AS e
		WHERE e.src = ?1 UNION SELECT `+edgeColumns+` FROM edges AS e WHERE e.dst = ?1 ORDER BY 1`, []any{old.id})
	if err != nil {
		return err
	}
	if _, err := a.tx.ExecContext(a.ctx, `DELETE FROM edges WHERE src = ?1 OR dst = ?1`, old.id); err != nil {
		return wrapf(err, "delete relationships")
	}
	for _, e := range touching {
		if err := a.recordEdge(c.Op, e, nil); err != nil {
			return err
		}
	}
	if err := unindexNode(a.ctx, a.tx, old.id); err != nil {
		return err
	}
	if _, err := a.tx.ExecContext(a.ctx, `DELETE FROM nodes WHERE id = ?1`, old.id); err != nil {
		return wrapf(err, "delete node")
	}
	return a.recordNode(c.Op, old, nil)
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
	from, err := a.node(e.From)
	if err != nil {
		return err
	}
	to, err := a.node(e.To)
	if err != nil {
		return err
	}
	if from == nil || to == nil {
		return emnkg.Errorf(emnkg.ENOTFOUND, "Relationship %s ends at a node that does not exist.", e.ID)
	}
	if !def.Allows(from.kind, to.kind) {
		return invalid("A %s relationship cannot join a %s to a %s.", e.Type, from.kind, to.kind)
	}
	old, err := a.edge(e.ID)
	if err != nil {
		return err
	}
	if old != nil && (old.Type != e.Type || old.From != e.From || old.To != e.To) {
		return emnkg.Errorf(emnkg.ECONFLICT, "Relationship %s is stored with other ends.", e.ID)
	}
	text, err := encodeProps("Relationship", e.ID, props)
	if err != nil {
		return err
	}
	if old == nil {
		_, err = a.tx.ExecContext(a.ctx, `INSERT INTO edges (id, type, src, dst, props) VALUES (?1, ?2, ?3, ?4, ?5)`,
			e.ID, string(e.Type), e.From, e.To, text)
	} else {
		_, err = a.tx.ExecContext(a.ctx, `UPDATE edges SET props = ?2 WHERE id = ?1`, e.ID, text)
	}
	if err != nil {
		return wrapf(err, "write relationship")
	}
	return a.recordEdge(c.Op, old, &emnkg.Edge{ID: e.ID, Type: e.Type, From: e.From, To: e.To, Props: props})
}

// unlink applies UNLINK.
func (a *applier) unlink(c emnkg.Change) error {
	old, err := a.edge(c.Edge.ID)
	if err != nil {
		return err
	}
	if old == nil {
		return emnkg.Errorf(emnkg.ENOTFOUND, "Relationship %s does not exist.", c.Edge.ID)
	}
	if _, err := a.tx.ExecContext(a.ctx, `DELETE FROM edges WHERE id = ?1`, old.ID); err != nil {
		return wrapf(err, "delete relationship")
	}
	return a.recordEdge(c.Op, old, nil)
}

// auditState returns what an audit record holds of a node: its properties
// and "_version".
func auditState(n *storedNode) map[string]any {
	if n == nil {
		return nil
	}
	p := maps.Clone(n.props)
	if p == nil {
		p = map[string]any{}
	}
	p[versionKey] = n.version
	return p
}

// auditEdgeState returns what an audit record holds of a relationship: its
// properties, an empty map when it has none.
func auditEdgeState(e *emnkg.Edge) map[string]any {
	if e == nil {
		return nil
	}
	p := maps.Clone(e.Props)
	if p == nil {
		p = map[string]any{}
	}
	return p
}

func (a *applier) recordNode(op emnkg.ChangeOp, before, after *storedNode) error {
	n := after
	if n == nil {
		n = before
	}
	return a.record(emnkg.ChangeRecord{Op: op, TargetID: n.id, TargetKind: n.kind,
		Before: auditState(before), After: auditState(after)})
}

func (a *applier) recordEdge(op emnkg.ChangeOp, before, after *emnkg.Edge) error {
	e := after
	if e == nil {
		e = before
	}
	return a.record(emnkg.ChangeRecord{Op: op, TargetID: e.ID, RelType: e.Type, From: e.From, To: e.To,
		Before: auditEdgeState(before), After: auditEdgeState(after)})
}

// record writes an audit record with the set's time and actor and adds it,
// with its sequence number, to the result.
func (a *applier) record(r emnkg.ChangeRecord) error {
	before, err := encodeState(r.Before)
	if err != nil {
		return err
	}
	after, err := encodeState(r.After)
	if err != nil {
		return err
	}
	err = a.tx.QueryRowContext(a.ctx, `INSERT INTO changes
		(time, actor, op, target_id, target_kind, rel_type, src, dst, before, after)
		VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING seq`,
		a.at, a.cs.Actor, string(r.Op), r.TargetID, string(r.TargetKind), string(r.RelType), r.From, r.To,
		before, after).Scan(&r.Seq)
	if err != nil {
		return wrapf(err, "write audit record")
	}
	r.Actor = a.cs.Actor
	r.Time, err = parseTime(a.at)
	if err != nil {
		return err
	}
	a.records = append(a.records, r)
	return nil
}

// result returns the nodes and relationships the set changed, as they are
// after it, and its records.
func (a *applier) result() (*emnkg.ApplyResult, error) {
	res := &emnkg.ApplyResult{Nodes: []*emnkg.Node{}, Edges: []*emnkg.Edge{}, Records: a.records}
	for _, id := range a.nodeIDs {
		n, err := a.node(id)
		if err != nil {
			return nil, err
		}
		var out *emnkg.Node
		if n != nil {
			out = &emnkg.Node{ID: n.id, Kind: n.kind, Version: n.version, Props: n.props}
		}
		res.Nodes = append(res.Nodes, out)
	}
	for _, id := range a.edgeIDs {
		e, err := a.edge(id)
		if err != nil {
			return nil, err
		}
		res.Edges = append(res.Edges, e)
	}
	return res, nil
}

// versionKey is the key of a node's version in audit records.
const versionKey = "_version"

// timeLayout is how times are stored: UTC, RFC 3339 with exactly nine
// fractional digits, so that text order is time order and the instant
// round-trips to the nanosecond.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

// formatTime returns the stored form of t. Years outside 1 to 9999 have
// no fixed-width form and are refused.
func formatTime(t time.Time) (string, error) {
	u := t.UTC()
	if u.Year() < 1 || u.Year() > 9999 {
		return "", invalid("The time %s is out of range.", t.Format(time.RFC3339))
	}
	return u.Format(timeLayout), nil
}

// parseTime reads a stored time.
func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, wrapf(err, "stored time %q", s)
	}
	return t, nil
}
