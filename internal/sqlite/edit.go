package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/emnkg/emnkg/internal/emnkg"
)

var _ emnkg.Editor = (*Store)(nil)

// Apply validates and applies a change set, with its audit records, in one
// write transaction (BEGIN IMMEDIATE): whole or not at all, by the rules of
// emnkg.ApplyChanges. The first failing change decides the error. Every
// node write updates the search index in the same transaction; the audit
// records are numbered by the changes table.
func (s *Store) Apply(ctx context.Context, cs emnkg.ChangeSet) (*emnkg.ApplyResult, error) {
	if err := cs.Validate(); err != nil {
		return nil, err
	}
	at, err := formatTime(cs.Time)
	if err != nil {
		return nil, err
	}
	when, err := parseTime(at)
	if err != nil {
		return nil, err
	}
	var res *emnkg.ApplyResult
	err = s.write(ctx, func(tx *sql.Tx) error {
		var err error
		if res, err = emnkg.ApplyChanges(ctx, &changeTx{s: s, tx: tx}, cs); err != nil {
			return err
		}
		for i := range res.Records {
			r := &res.Records[i]
			r.Time = when
			if r.Seq, err = writeRecord(ctx, tx, at, r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// changeTx is the emnkg.ChangeTx of one write transaction.
type changeTx struct {
	s  *Store
	tx *sql.Tx
}

// Node returns the stored node with this ID, or nil.
func (c *changeTx) Node(ctx context.Context, id string) (*emnkg.Node, error) {
	var kind, props string
	n := &emnkg.Node{ID: id}
	err := c.tx.QueryRowContext(ctx, `SELECT kind, version, props FROM nodes WHERE id = ?1`, id).
		Scan(&kind, &n.Version, &props)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, wrapf(err, "read node")
	}
	n.Kind = emnkg.Kind(kind)
	if n.Props, err = c.s.nodeProps(n.Kind, id, props); err != nil {
		return nil, err
	}
	return n, nil
}

// Edge returns the stored relationship with this ID, or nil.
func (c *changeTx) Edge(ctx context.Context, id string, _ emnkg.RelType) (*emnkg.Edge, error) {
	var typ, src, dst, props string
	err := c.tx.QueryRowContext(ctx, `SELECT type, src, dst, props FROM edges WHERE id = ?1`, id).
		Scan(&typ, &src, &dst, &props)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, wrapf(err, "read relationship")
	}
	return c.s.newEdge(id, typ, src, dst, props)
}

// WriteNode inserts or updates a node and its row of the search index.
func (c *changeTx) WriteNode(ctx context.Context, n *emnkg.Node, create bool) error {
	text, err := encodeProps("Node", n.ID, n.Props)
	if err != nil {
		return err
	}
	if create {
		_, err = c.tx.ExecContext(ctx, `INSERT INTO nodes (id, kind, version, props) VALUES (?1, ?2, ?3, ?4)`,
			n.ID, string(n.Kind), n.Version, text)
	} else {
		_, err = c.tx.ExecContext(ctx, `UPDATE nodes SET version = ?2, props = ?3 WHERE id = ?1`,
			n.ID, n.Version, text)
	}
	if err != nil {
		return wrapf(err, "write node")
	}
	return indexNodes(ctx, c.tx, []searchDoc{newSearchDoc(n)})
}

// DeleteNode deletes a node, its relationships (which it returns) and its
// row of the search index.
func (c *changeTx) DeleteNode(ctx context.Context, id string) ([]*emnkg.Edge, error) {
	touching, err := c.s.queryEdges(ctx, c.tx, "read relationships", `SELECT `+edgeColumns+` FROM edges AS e
		WHERE e.src = ?1 UNION SELECT `+edgeColumns+` FROM edges AS e WHERE e.dst = ?1`, []any{id})
	if err != nil {
		return nil, err
	}
	if _, err := c.tx.ExecContext(ctx, `DELETE FROM edges WHERE src = ?1 OR dst = ?1`, id); err != nil {
		return nil, wrapf(err, "delete relationships")
	}
	if err := unindexNode(ctx, c.tx, id); err != nil {
		return nil, err
	}
	if _, err := c.tx.ExecContext(ctx, `DELETE FROM nodes WHERE id = ?1`, id); err != nil {
		return nil, wrapf(err, "delete node")
	}
	return touching, nil
}

// WriteEdge inserts a relationship or replaces its properties.
func (c *changeTx) WriteEdge(ctx context.Context, e *emnkg.Edge, create bool) error {
	text, err := encodeProps("Relationship", e.ID, e.Props)
	if err != nil {
		return err
	}
	if create {
		_, err = c.tx.ExecContext(ctx, `INSERT INTO edges (id, type, src, dst, props) VALUES (?1, ?2, ?3, ?4, ?5)`,
			e.ID, string(e.Type), e.From, e.To, text)
	} else {
		_, err = c.tx.ExecContext(ctx, `UPDATE edges SET props = ?2 WHERE id = ?1`, e.ID, text)
	}
	return wrapf(err, "write relationship")
}

// DeleteEdge deletes a relationship.
func (c *changeTx) DeleteEdge(ctx context.Context, e *emnkg.Edge) error {
	_, err := c.tx.ExecContext(ctx, `DELETE FROM edges WHERE id = ?1`, e.ID)
	return wrapf(err, "delete relationship")
}

// writeRecord writes an audit record, stamped with the set's stored time
// at, and returns its sequence number.
func writeRecord(ctx context.Context, tx *sql.Tx, at string, r *emnkg.ChangeRecord) (int64, error) {
	before, err := encodeState(r.Before)
	if err != nil {
		return 0, err
	}
	after, err := encodeState(r.After)
	if err != nil {
		return 0, err
	}
	var seq int64
	err = tx.QueryRowContext(ctx, `INSERT INTO changes
		(time, actor, op, target_id, target_kind, rel_type, src, dst, before, after)
		VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING seq`,
		at, r.Actor, string(r.Op), r.TargetID, string(r.TargetKind), string(r.RelType), r.From, r.To,
		before, after).Scan(&seq)
	return seq, wrapf(err, "write audit record")
}

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
