package storetest

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// This file is MemStore's emnkg.Editor: the reference model of the rules
// that RunEditor states.

var _ emnkg.Editor = (*MemStore)(nil)

// editWork is a change set being applied to copies of the store's maps,
// which replace the store's only when every change succeeded.
type editWork struct {
	cs      emnkg.ChangeSet
	nodes   map[string]*emnkg.Node
	edges   map[string]*emnkg.Edge
	records []emnkg.ChangeRecord
}

// nodeState is a node's properties with its version, as audit records
// hold them.
func nodeState(n *emnkg.Node) map[string]any {
	p := copyProps(n.Props)
	p["_version"] = n.Version
	return p
}

func (w *editWork) record(op emnkg.ChangeOp, r emnkg.ChangeRecord) {
	r.Time, r.Actor, r.Op = w.cs.Time, w.cs.Actor, op
	w.records = append(w.records, r)
}

func (w *editWork) recordNode(op emnkg.ChangeOp, before, after *emnkg.Node) {
	r := emnkg.ChangeRecord{}
	if before != nil {
		r.TargetID, r.TargetKind, r.Before = before.ID, before.Kind, nodeState(before)
	}
	if after != nil {
		r.TargetID, r.TargetKind, r.After = after.ID, after.Kind, nodeState(after)
	}
	w.record(op, r)
}

func (w *editWork) recordEdge(op emnkg.ChangeOp, before, after *emnkg.Edge) {
	e := after
	if e == nil {
		e = before
	}
	r := emnkg.ChangeRecord{TargetID: e.ID, RelType: e.Type, From: e.From, To: e.To}
	if before != nil {
		r.Before = copyProps(before.Props)
	}
	if after != nil {
		r.After = copyProps(after.Props)
	}
	w.record(op, r)
}

// storedNode returns the node a change targets, checking its ID, kind and
// expected version.
func (w *editWork) storedNode(c emnkg.Change) (*emnkg.Node, error) {
	if !emnkg.ValidNodeID(c.NodeID) {
		return nil, emnkg.FieldErrorf(emnkg.EINVALID, "id", "Invalid node ID %q.", c.NodeID)
	}
	if c.Kind != "" && !c.Kind.Valid() {
		return nil, invalid("Unknown node kind %q.", c.Kind)
	}
	n, ok := w.nodes[c.NodeID]
	if !ok {
		return nil, emnkg.Errorf(emnkg.ENOTFOUND, "Node %s does not exist.", c.NodeID)
	}
	if c.Kind != "" && c.Kind != n.Kind {
		return nil, emnkg.Errorf(emnkg.ECONFLICT, "Node %s is a %s, not a %s.", n.ID, n.Kind, c.Kind)
	}
	return n, nil
}

func checkVersion(c emnkg.Change, n *emnkg.Node) error {
	if c.ExpectedVersion != 0 && c.ExpectedVersion != n.Version {
		return emnkg.Errorf(emnkg.ECONFLICT, "Node %s is at version %d, not %d.", n.ID, n.Version, c.ExpectedVersion)
	}
	return nil
}

func (w *editWork) apply(c emnkg.Change) error {
	switch c.Op {
	case emnkg.OpCreateNode, emnkg.OpUpsertNode:
		if !emnkg.ValidNodeID(c.NodeID) {
			return emnkg.FieldErrorf(emnkg.EINVALID, "id", "Invalid node ID %q.", c.NodeID)
		}
		if !c.Kind.Valid() {
			return invalid("Unknown node kind %q.", c.Kind)
		}
		props, err := emnkg.NormalizeProps(emnkg.NodeProps(c.Kind), c.Props)
		if err != nil {
			return err
		}
		old, exists := w.nodes[c.NodeID]
		n := &emnkg.Node{ID: c.NodeID, Kind: c.Kind, Version: 1, Props: props}
		if exists {
			if c.Op == emnkg.OpCreateNode {
				return emnkg.Errorf(emnkg.ECONFLICT, "Node %s exists.", c.NodeID)
			}
			if old.Kind != c.Kind {
				return emnkg.Errorf(emnkg.ECONFLICT, "Node %s is a %s, not a %s.", old.ID, old.Kind, c.Kind)
			}
			if err := checkVersion(c, old); err != nil {
				return err
			}
			n.Version = old.Version + 1
		} else {
			old = nil
		}
		w.nodes[n.ID] = n
		w.recordNode(c.Op, old, n)
	case emnkg.OpUpdateNode:
		old, err := w.storedNode(c)
		if err != nil {
			return err
		}
		defs := emnkg.NodeProps(old.Kind)
		set := map[string]any{}
		props := copyProps(old.Props)
		for k, v := range c.Props {
			if v != nil {
				set[k] = v
				continue
			}
			if _, ok := emnkg.LookupProp(defs, k); !ok {
				return emnkg.FieldErrorf(emnkg.EINVALID, k, "Unknown property %q.", k)
			}
			delete(props, k)
		}
		norm, err := emnkg.NormalizeProps(defs, set)
		if err != nil {
			return err
		}
		maps.Copy(props, norm)
		if err := checkVersion(c, old); err != nil {
			return err
		}
		n := &emnkg.Node{ID: old.ID, Kind: old.Kind, Version: old.Version + 1, Props: props}
		w.nodes[n.ID] = n
		w.recordNode(c.Op, old, n)
	case emnkg.OpDeleteNode:
		old, err := w.storedNode(c)
		if err != nil {
			return err
		}
		if err := checkVersion(c, old); err != nil {
			return err
		}
		var touching []*emnkg.Edge
		for _, e := range w.edges {
			if e.From == old.ID || e.To == old.ID {
				touching = append(touching, e)
			}
		}
		slices.SortFunc(touching, func(a, b *emnkg.Edge) int { return strings.Compare(a.ID, b.ID) })
		for _, e := range touching {
			delete(w.edges, e.ID)
			w.recordEdge(c.Op, e, nil)
		}
		delete(w.nodes, old.ID)
		w.recordNode(c.Op, old, nil)
	case emnkg.OpLink:
		e := c.Edge
		if e == nil {
			return invalid("LINK needs a relationship.")
		}
		def, ok := emnkg.LookupRel(e.Type)
		if !ok {
			return invalid("Unknown relationship type %q.", e.Type)
		}
		if e.ID == "" || len(e.ID) > 400 || !utf8.ValidString(e.ID) {
			return invalid("Invalid relationship ID.")
		}
		props, err := emnkg.NormalizeProps(emnkg.EdgeProps(), e.Props)
		if err != nil {
			return err
		}
		from, fok := w.nodes[e.From]
		to, tok := w.nodes[e.To]
		if !fok || !tok {
			return emnkg.Errorf(emnkg.ENOTFOUND, "Relationship %s ends at a node that does not exist.", e.ID)
		}
		if !def.Allows(from.Kind, to.Kind) {
			return invalid("A %s relationship cannot join a %s to a %s.", e.Type, from.Kind, to.Kind)
		}
		old, exists := w.edges[e.ID]
		if exists && (old.Type != e.Type || old.From != e.From || old.To != e.To) {
			return emnkg.Errorf(emnkg.ECONFLICT, "Relationship %s is stored with other ends.", e.ID)
		}
		if !exists {
			old = nil
		}
		ne := &emnkg.Edge{ID: e.ID, Type: e.Type, From: e.From, To: e.To, Props: props}
		w.edges[ne.ID] = ne
		w.recordEdge(c.Op, old, ne)
	case emnkg.OpUnlink:
		if c.Edge == nil || c.Edge.ID == "" {
			return invalid("UNLINK needs a relationship ID.")
		}
		old, ok := w.edges[c.Edge.ID]
		if !ok {
			return emnkg.Errorf(emnkg.ENOTFOUND, "Relationship %s does not exist.", c.Edge.ID)
		}
		delete(w.edges, old.ID)
		w.recordEdge(c.Op, old, nil)
	default:
		return invalid("Unknown change operation %q.", c.Op)
	}
	return nil
}

func copyRecord(r emnkg.ChangeRecord) emnkg.ChangeRecord {
	if r.Before != nil {
		r.Before = copyProps(r.Before)
	}
	if r.After != nil {
		r.After = copyProps(r.After)
	}
	return r
}

// Apply applies the changes in order to copies of the store's maps and
// keeps them, with the audit records, only when all succeed.
func (m *MemStore) Apply(ctx context.Context, cs emnkg.ChangeSet) (*emnkg.ApplyResult, error) {
	switch {
	case cs.Actor == "":
		return nil, invalid("A change set needs an actor.")
	case cs.Time.IsZero():
		return nil, invalid("A change set needs a time.")
	case len(cs.Changes) == 0:
		return nil, invalid("A change set needs changes.")
	}
	if err := m.check(ctx); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	w := &editWork{cs: cs, nodes: maps.Clone(m.nodes), edges: maps.Clone(m.edges)}
	var nodeIDs, edgeIDs []string
	for _, c := range cs.Changes {
		if err := w.apply(c); err != nil {
			return nil, err
		}
		switch c.Op {
		case emnkg.OpLink:
			edgeIDs = append(edgeIDs, c.Edge.ID)
		case emnkg.OpUnlink:
		default:
			nodeIDs = append(nodeIDs, c.NodeID)
		}
	}
	m.nodes, m.edges = w.nodes, w.edges
	res := &emnkg.ApplyResult{Nodes: []*emnkg.Node{}, Edges: []*emnkg.Edge{}, Records: []emnkg.ChangeRecord{}}
	for _, r := range w.records {
		m.seq++
		r.Seq = m.seq
		m.records = append(m.records, r)
		res.Records = append(res.Records, copyRecord(r))
	}
	for _, id := range nodeIDs {
		var n *emnkg.Node
		if stored, ok := m.nodes[id]; ok {
			n = copyNode(stored)
		}
		res.Nodes = append(res.Nodes, n)
	}
	for _, id := range edgeIDs {
		var e *emnkg.Edge
		if stored, ok := m.edges[id]; ok {
			e = copyEdge(stored)
		}
		res.Edges = append(res.Edges, e)
	}
	return res, nil
}

// Changes lists the audit records that match q, oldest first.
func (m *MemStore) Changes(ctx context.Context, q emnkg.ChangeQuery) (*emnkg.ChangePage, error) {
	if q.Limit < 0 || q.Limit > emnkg.MaxPageSize {
		return nil, invalid("The limit must be between 0 and %d.", emnkg.MaxPageSize)
	}
	if q.AfterSeq < 0 {
		return nil, invalid("AfterSeq cannot be negative.")
	}
	if err := m.check(ctx); err != nil {
		return nil, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	page := &emnkg.ChangePage{Records: []emnkg.ChangeRecord{}}
	for _, r := range m.records {
		switch {
		case r.Seq <= q.AfterSeq,
			!q.Since.IsZero() && r.Time.Before(q.Since),
			!q.Until.IsZero() && !r.Time.Before(q.Until),
			q.Actor != "" && r.Actor != q.Actor,
			q.NodeID != "" && r.TargetID != q.NodeID && r.From != q.NodeID && r.To != q.NodeID:
			continue
		}
		if len(page.Records) == q.Limit {
			page.HasMore = true
			break
		}
		page.Records = append(page.Records, copyRecord(r))
	}
	return page, nil
}

func copyKey(k emnkg.APIKey) emnkg.APIKey {
	if k.RevokedAt != nil {
		at := *k.RevokedAt
		k.RevokedAt = &at
	}
	return k
}

// CreateAPIKey stores a key; its ID and hash must be new.
func (m *MemStore) CreateAPIKey(ctx context.Context, k emnkg.APIKey) error {
	switch {
	case k.ID == "" || k.Hash == "":
		return invalid("An API key needs an ID and a hash.")
	case !k.Role.Valid():
		return invalid("Unknown role %q.", k.Role)
	case k.CreatedAt.IsZero():
		return invalid("An API key needs a creation time.")
	}
	if err := m.check(ctx); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, old := range m.keys {
		if old.ID == k.ID || old.Hash == k.Hash {
			return emnkg.Errorf(emnkg.ECONFLICT, "An API key with this ID or hash exists.")
		}
	}
	m.keys[k.ID] = copyKey(k)
	return nil
}

// APIKeys lists every key by creation time, then ID.
func (m *MemStore) APIKeys(ctx context.Context) ([]emnkg.APIKey, error) {
	if err := m.check(ctx); err != nil {
		return nil, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := []emnkg.APIKey{}
	for _, k := range m.keys {
		out = append(out, copyKey(k))
	}
	slices.SortFunc(out, func(a, b emnkg.APIKey) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out, nil
}

// APIKeyByHash returns the key with this hash, revoked or not.
func (m *MemStore) APIKeyByHash(ctx context.Context, hash string) (*emnkg.APIKey, error) {
	if err := m.check(ctx); err != nil {
		return nil, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	for _, k := range m.keys {
		if k.Hash == hash {
			c := copyKey(k)
			return &c, nil
		}
	}
	return nil, emnkg.Errorf(emnkg.ENOTFOUND, "No such API key.")
}

// RevokeAPIKey marks a key revoked; a revoked key keeps its first time.
func (m *MemStore) RevokeAPIKey(ctx context.Context, id string, at time.Time) error {
	if at.IsZero() {
		return invalid("Revoking needs a time.")
	}
	if err := m.check(ctx); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	k, ok := m.keys[id]
	if !ok {
		return emnkg.Errorf(emnkg.ENOTFOUND, "No such API key.")
	}
	if k.RevokedAt == nil {
		k.RevokedAt = &at
		m.keys[id] = k
	}
	return nil
}
