package emnkg

import (
	"context"
	"time"
)

// This file holds the contracts of editing: changes applied in one
// transaction with their audit records, the audit log, and API keys.

// Role is what a caller may do.
type Role string

// The roles, from least to most powerful.
const (
	RoleAnonymous  Role = "anonymous"
	RoleResearcher Role = "researcher"
	RoleEditor     Role = "editor"
	RoleAdmin      Role = "admin"
)

// Rank orders roles: a role may do what every lower-ranked role may.
func (r Role) Rank() int {
	switch r {
	case RoleResearcher:
		return 1
	case RoleEditor:
		return 2
	case RoleAdmin:
		return 3
	}
	return 0
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	return r == RoleAnonymous || r == RoleResearcher || r == RoleEditor || r == RoleAdmin
}

// ChangeOp is the operation of one change.
type ChangeOp string

// The change operations.
const (
	OpCreateNode ChangeOp = "CREATE"
	OpUpdateNode ChangeOp = "UPDATE"
	OpUpsertNode ChangeOp = "UPSERT"
	OpDeleteNode ChangeOp = "DELETE"
	OpLink       ChangeOp = "LINK"
	OpUnlink     ChangeOp = "UNLINK"
)

// Change is one operation of a change set.
type Change struct {
	Op ChangeOp

	// For node operations: the node's ID and kind. For CREATE and UPSERT,
	// Props are the node's properties; for UPDATE, Props are set (a nil
	// value removes the key) and other keys are kept. DELETE also removes
	// the node's relationships (each gets its own audit record).
	NodeID string
	Kind   Kind
	Props  map[string]any
	// ExpectedVersion, when not 0, must equal the stored version of the
	// node (UPDATE, UPSERT of an existing node, DELETE) or the change
	// fails with ECONFLICT.
	ExpectedVersion int64

	// For LINK and UNLINK: the relationship. LINK creates it, or replaces
	// the properties of the relationship with the same ID. UNLINK removes
	// it (by Edge.ID) and fails with ENOTFOUND when it does not exist.
	Edge *Edge
}

// ChangeSet is a list of changes applied whole or not at all, in one
// transaction, by one actor at one time.
type ChangeSet struct {
	Actor   string
	Time    time.Time
	Changes []Change
}

// ChangeRecord is one audit record: what one change did.
type ChangeRecord struct {
	// Seq orders records; it grows with every record a store writes.
	Seq   int64
	Time  time.Time
	Actor string
	Op    ChangeOp
	// TargetID is the node's or relationship's ID; TargetKind the node's
	// kind, or "" for a relationship; RelType the relationship's type.
	TargetID   string
	TargetKind Kind
	RelType    RelType
	// From and To are a relationship's ends.
	From, To string
	// Before and After are the properties before and after the change (nil
	// when the target did not exist before or does not exist after), with
	// "_version" holding a node's version.
	Before, After map[string]any
}

// ApplyResult is what a change set did.
type ApplyResult struct {
	// Nodes are the nodes as they are after the change set, one per node
	// change in order (nil for a deleted node).
	Nodes []*Node
	// Edges are the relationships after the change set, one per LINK.
	Edges   []*Edge
	Records []ChangeRecord
}

// ChangeQuery selects audit records, oldest first.
type ChangeQuery struct {
	Since, Until time.Time // zero means unbounded; Until is exclusive
	Actor        string
	// NodeID selects records about this node, including its relationships.
	NodeID string
	// AfterSeq starts after this sequence number.
	AfterSeq int64
	Limit    int
}

// ChangePage is a page of audit records.
type ChangePage struct {
	Records []ChangeRecord
	HasMore bool
}

// APIKey is a long-lived credential. Only a hash of the secret is stored.
type APIKey struct {
	ID        string
	Name      string
	Role      Role
	Hash      string
	CreatedAt time.Time
	RevokedAt *time.Time
}

// Validate checks what every store needs of a key it creates: an ID, a
// hash, a known role and a creation time.
func (k APIKey) Validate() error {
	switch {
	case k.ID == "" || k.Hash == "":
		return Errorf(EINVALID, "An API key needs an ID and a hash.")
	case !k.Role.Valid():
		return Errorf(EINVALID, "Unknown role %q.", k.Role)
	case k.CreatedAt.IsZero():
		return Errorf(EINVALID, "An API key needs a creation time.")
	}
	return nil
}

// ValidateRevocation checks the time at which a key is revoked.
func ValidateRevocation(at time.Time) error {
	if at.IsZero() {
		return Errorf(EINVALID, "Revoking needs a time.")
	}
	return nil
}

// Editor is the write side of a store. Every method is one transaction.
type Editor interface {
	// Apply validates and applies a change set with its audit records, in
	// one transaction: whole or not at all. Validation problems fail with
	// EINVALID, stale versions and ID clashes with ECONFLICT, unknown
	// targets with ENOTFOUND.
	Apply(ctx context.Context, cs ChangeSet) (*ApplyResult, error)
	// Changes lists audit records.
	Changes(ctx context.Context, q ChangeQuery) (*ChangePage, error)

	// CreateAPIKey stores a key (ID and Hash set by the caller).
	CreateAPIKey(ctx context.Context, k APIKey) error
	// APIKeys lists every key, revoked ones included, by creation time.
	APIKeys(ctx context.Context) ([]APIKey, error)
	// APIKeyByHash returns the key with this hash, or ENOTFOUND.
	APIKeyByHash(ctx context.Context, hash string) (*APIKey, error)
	// RevokeAPIKey marks a key revoked at time at; ENOTFOUND if unknown.
	RevokeAPIKey(ctx context.Context, id string, at time.Time) error
}
