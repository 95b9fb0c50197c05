package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// CreateAPIKey stores a key; its ID and hash must be new (ECONFLICT).
func (s *Store) CreateAPIKey(ctx context.Context, k emnkg.APIKey) error {
	if err := k.Validate(); err != nil {
		return err
	}
	created, err := formatTime(k.CreatedAt)
	if err != nil {
		return err
	}
	var revoked any
	if k.RevokedAt != nil {
		if revoked, err = formatTime(*k.RevokedAt); err != nil {
			return err
		}
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		var n int64
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM api_keys WHERE id = ?1 OR hash = ?2`,
			k.ID, k.Hash).Scan(&n); err != nil {
			return wrapf(err, "create API key")
		}
		if n > 0 {
			return emnkg.Errorf(emnkg.ECONFLICT, "An API key with this ID or hash exists.")
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO api_keys (id, name, role, hash, created_at, revoked_at)
			VALUES (?1, ?2, ?3, ?4, ?5, ?6)`, k.ID, k.Name, string(k.Role), k.Hash, created, revoked)
		return wrapf(err, "create API key")
	})
}

// keyColumns are the columns scanKey reads.
const keyColumns = "id, name, role, hash, created_at, revoked_at"

// scanKey reads one row of keyColumns.
func scanKey(row interface{ Scan(...any) error }) (emnkg.APIKey, error) {
	var k emnkg.APIKey
	var role, created string
	var revoked sql.NullString
	if err := row.Scan(&k.ID, &k.Name, &role, &k.Hash, &created, &revoked); err != nil {
		return k, err
	}
	k.Role = emnkg.Role(role)
	var err error
	if k.CreatedAt, err = parseTime(created); err != nil {
		return k, err
	}
	if revoked.Valid {
		at, err := parseTime(revoked.String)
		if err != nil {
			return k, err
		}
		k.RevokedAt = &at
	}
	return k, nil
}

// APIKeys lists every key, revoked ones included, by creation time, then
// ID.
func (s *Store) APIKeys(ctx context.Context) ([]emnkg.APIKey, error) {
	out := []emnkg.APIKey{}
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+keyColumns+` FROM api_keys ORDER BY created_at, id`)
		if err != nil {
			return wrapf(err, "API keys")
		}
		defer rows.Close()
		for rows.Next() {
			k, err := scanKey(rows)
			if err != nil {
				return wrapf(err, "API keys")
			}
			out = append(out, k)
		}
		return wrapf(rows.Err(), "API keys")
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// APIKeyByHash returns the key with this hash, revoked or not, or
// ENOTFOUND.
func (s *Store) APIKeyByHash(ctx context.Context, hash string) (*emnkg.APIKey, error) {
	var k emnkg.APIKey
	err := s.read(ctx, func(tx *sql.Tx) error {
		var err error
		k, err = scanKey(tx.QueryRowContext(ctx, `SELECT `+keyColumns+` FROM api_keys WHERE hash = ?1`, hash))
		if errors.Is(err, sql.ErrNoRows) {
			return emnkg.Errorf(emnkg.ENOTFOUND, "No such API key.")
		}
		return wrapf(err, "API key")
	})
	if err != nil {
		return nil, err
	}
	return &k, nil
}

// RevokeAPIKey marks a key revoked at time at; a revoked key keeps its
// first revocation time.
func (s *Store) RevokeAPIKey(ctx context.Context, id string, at time.Time) error {
	if err := emnkg.ValidateRevocation(at); err != nil {
		return err
	}
	when, err := formatTime(at)
	if err != nil {
		return err
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx,
			`UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?2) WHERE id = ?1`, id, when)
		if err != nil {
			return wrapf(err, "revoke API key")
		}
		n, err := res.RowsAffected()
		if err != nil {
			return wrapf(err, "revoke API key")
		}
		if n == 0 {
			return emnkg.Errorf(emnkg.ENOTFOUND, "No such API key.")
		}
		return nil
	})
}
