package neo4j

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// API keys are nodes (:APIKey {id, name, role, hash, createdAt, revokedAt})
// without the :Node label, with times stored as audit times are (see
// encodeTime). Uniqueness constraints on id and hash back the lookups and
// keep concurrent creators honest.
const apiKeyLabel = "APIKey"

// apiKeySchema lists the constraints of API keys.
func apiKeySchema() []schemaItem {
	return []schemaItem{
		uniqueConstraint("apikey_id", apiKeyLabel, "id"),
		uniqueConstraint("apikey_hash", apiKeyLabel, "hash"),
	}
}

// CreateAPIKey stores a key; its ID and hash must be new (ECONFLICT).
func (s *Store) CreateAPIKey(ctx context.Context, k emnkg.APIKey) error {
	if err := k.Validate(); err != nil {
		return err
	}
	created, err := encodeTime(k.CreatedAt)
	if err != nil {
		return err
	}
	props := map[string]any{"id": k.ID, "name": k.Name, "role": string(k.Role), "hash": k.Hash, "createdAt": created}
	if k.RevokedAt != nil {
		if props["revokedAt"], err = encodeTime(*k.RevokedAt); err != nil {
			return err
		}
	}
	_, err = write(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		// A key stored meanwhile by another transaction makes the CREATE
		// fail on a constraint; the transaction then runs again and finds
		// it here.
		recs, err := s.run(ctx, tx, "MATCH (k:"+apiKeyLabel+") WHERE k.id = $id OR k.hash = $hash RETURN count(k)",
			map[string]any{"id": k.ID, "hash": k.Hash})
		if err != nil {
			return struct{}{}, err
		}
		if n, err := asInt(recs[0].Values[0]); err != nil || n > 0 {
			if err == nil {
				err = emnkg.Errorf(emnkg.ECONFLICT, "An API key with this ID or hash exists.")
			}
			return struct{}{}, err
		}
		_, err = s.run(ctx, tx, "CREATE (k:"+apiKeyLabel+") SET k = $props", map[string]any{"props": props})
		return struct{}{}, err
	})
	return err
}

// decodeAPIKey decodes the properties of an API key node.
func decodeAPIKey(v any) (emnkg.APIKey, error) {
	m, _ := v.(map[string]any)
	str := func(k string) string { s, _ := m[k].(string); return s }
	k := emnkg.APIKey{ID: str("id"), Name: str("name"), Role: emnkg.Role(str("role")), Hash: str("hash")}
	var err error
	if k.CreatedAt, err = decodeTime(m["createdAt"]); err != nil {
		return k, fmt.Errorf("neo4j: API key %s: %w", k.ID, err)
	}
	if m["revokedAt"] != nil {
		at, err := decodeTime(m["revokedAt"])
		if err != nil {
			return k, fmt.Errorf("neo4j: API key %s: %w", k.ID, err)
		}
		k.RevokedAt = &at
	}
	return k, nil
}

// APIKeys lists every key, revoked ones included, by creation time, then
// ID.
func (s *Store) APIKeys(ctx context.Context) ([]emnkg.APIKey, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) ([]emnkg.APIKey, error) {
		recs, err := s.run(ctx, tx, "MATCH (k:"+apiKeyLabel+") RETURN properties(k)", nil)
		if err != nil {
			return nil, err
		}
		out := make([]emnkg.APIKey, 0, len(recs))
		for _, r := range recs {
			k, err := decodeAPIKey(r.Values[0])
			if err != nil {
				return nil, err
			}
			out = append(out, k)
		}
		slices.SortFunc(out, func(a, b emnkg.APIKey) int {
			if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
				return c
			}
			return cmp.Compare(a.ID, b.ID)
		})
		return out, nil
	})
}

// APIKeyByHash returns the key with this hash, revoked or not, or
// ENOTFOUND.
func (s *Store) APIKeyByHash(ctx context.Context, hash string) (*emnkg.APIKey, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (*emnkg.APIKey, error) {
		recs, err := s.run(ctx, tx, "MATCH (k:"+apiKeyLabel+" {hash: $hash}) RETURN properties(k)",
			map[string]any{"hash": hash})
		if err != nil {
			return nil, err
		}
		if len(recs) == 0 {
			return nil, emnkg.Errorf(emnkg.ENOTFOUND, "No such API key.")
		}
		k, err := decodeAPIKey(recs[0].Values[0])
		return &k, err
	})
}

// RevokeAPIKey marks a key revoked at time at; a revoked key keeps its
// first time. An unknown ID is ENOTFOUND.
func (s *Store) RevokeAPIKey(ctx context.Context, id string, at time.Time) error {
	if err := emnkg.ValidateRevocation(at); err != nil {
		return err
	}
	when, err := encodeTime(at)
	if err != nil {
		return err
	}
	_, err = write(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		recs, err := s.run(ctx, tx, "MATCH (k:"+apiKeyLabel+" {id: $id}) SET k.revokedAt = coalesce(k.revokedAt, $at) "+
			"RETURN count(k)", map[string]any{"id": id, "at": when})
		if err != nil {
			return struct{}{}, err
		}
		if n, err := asInt(recs[0].Values[0]); err != nil || n == 0 {
			if err == nil {
				err = emnkg.Errorf(emnkg.ENOTFOUND, "No such API key.")
			}
			return struct{}{}, err
		}
		return struct{}{}, nil
	})
	return err
}
