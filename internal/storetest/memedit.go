package storetest

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"time"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// This file is MemStore's emnkg.Editor: the reference model of the rules
// that RunEditor states.

var _ emnkg.Editor = (*MemStore)(nil)

// memChangeTx is the emnkg.ChangeTx of MemStore: copies of the store's
// maps, which replace the store's only when every change succeeded.
type memChangeTx struct {
	nodes map[string]*emnkg.Node
	edges map[string]*emnkg.Edge
}

// Node returns a copy of the node with this ID, or nil.
func (w *memChangeTx) Node(_ context.Context, id string) (*emnkg.Node, error) {
	if n, ok := w.nodes[id]; ok {
		return copyNode(n), nil
	}
	return nil, nil
}

// Edge returns a copy of the relationship with this ID, or nil.
func (w *memChangeTx) Edge(_ context.Context, id string, _ emnkg.RelType) (*emnkg.Edge, error) {
	if e, ok := w.edges[id]; ok {
		return copyEdge(e), nil
	}
	return nil, nil
}

// WriteNode stores a copy of n.
func (w *memChangeTx) WriteNode(_ context.Context, n *emnkg.Node, _ bool) error {
	w.nodes[n.ID] = copyNode(n)
	return nil
}

// DeleteNode removes the node and its relationships.
func (w *memChangeTx) DeleteNode(_ context.Context, id string) ([]*emnkg.Edge, error) {
	var touching []*emnkg.Edge
	for _, e := range w.edges {
		if e.From == id || e.To == id {
			touching = append(touching, e)
			delete(w.edges, e.ID)
		}
	}
	delete(w.nodes, id)
	return touching, nil
}

// WriteEdge stores a copy of e.
func (w *memChangeTx) WriteEdge(_ context.Context, e *emnkg.Edge, _ bool) error {
	w.edges[e.ID] = copyEdge(e)
	return nil
}

// DeleteEdge removes e.
func (w *memChangeTx) DeleteEdge(_ context.Context, e *emnkg.Edge) error {
	delete(w.edges, e.ID)
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

// Apply applies the changes in order, by emnkg.ApplyChanges, to copies of
// the store's maps and keeps them, with the audit records, only when all
// succeed.
func (m *MemStore) Apply(ctx context.Context, cs emnkg.ChangeSet) (*emnkg.ApplyResult, error) {
	if err := cs.Validate(); err != nil {
		return nil, err
	}
	if err := m.check(ctx); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	w := &memChangeTx{nodes: maps.Clone(m.nodes), edges: maps.Clone(m.edges)}
	res, err := emnkg.ApplyChanges(ctx, w, cs)
	if err != nil {
		return nil, err
	}
	m.nodes, m.edges = w.nodes, w.edges
	for i := range res.Records {
		m.seq++
		res.Records[i].Seq = m.seq
		m.records = append(m.records, copyRecord(res.Records[i]))
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
	if err := k.Validate(); err != nil {
		return err
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
	if err := emnkg.ValidateRevocation(at); err != nil {
		return err
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
