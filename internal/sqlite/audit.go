package sqlite

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// encodeState returns the stored JSON of the Before or After of an audit
// record, or NULL for nil.
func encodeState(state map[string]any) (any, error) {
	if state == nil {
		return nil, nil
	}
	text, err := encodeJSON(state)
	if err != nil {
		return nil, emnkg.Errorf(emnkg.EINVALID, "The change cannot be recorded (%v).", err)
	}
	return text, nil
}

// decodeState reads the Before or After of a stored audit record (see
// emnkg.DecodeAuditState); NULL is nil.
func decodeState(r *emnkg.ChangeRecord, text sql.NullString) (map[string]any, error) {
	if !text.Valid {
		return nil, nil
	}
	state, err := emnkg.DecodeAuditState(r, text.String)
	return state, wrapf(err, "stored state")
}

// boundTime returns the stored form of a time bound of a query. Stored
// times lie in years 1 to 9999; a bound outside them compares as the
// first or last instant that can be stored.
func boundTime(t time.Time) string {
	if s, err := formatTime(t); err == nil {
		return s
	}
	if t.UTC().Year() < 1 {
		return "0001-01-01T00:00:00.000000000Z"
	}
	return "9999-12-31T23:59:59.999999999Z~"
}

// changesQuery returns the SQL of Changes. Each filter has an index
// (changes_time, changes_actor, and changes_target, changes_src and
// changes_dst for NodeID); the records come by seq, the rowid.
func changesQuery(q emnkg.ChangeQuery) (string, []any, error) {
	var b builder
	conds := []string{"c.seq > " + b.arg(q.AfterSeq)}
	if !q.Since.IsZero() {
		conds = append(conds, "c.time >= "+b.arg(boundTime(q.Since)))
	}
	if !q.Until.IsZero() {
		conds = append(conds, "c.time < "+b.arg(boundTime(q.Until)))
	}
	if q.Actor != "" {
		conds = append(conds, "c.actor = "+b.arg(q.Actor))
	}
	if q.NodeID != "" {
		id := b.arg(q.NodeID)
		conds = append(conds, "(c.target_id = "+id+" OR c.src = "+id+" OR c.dst = "+id+")")
	}
	query := `SELECT c.seq, c.time, c.actor, c.op, c.target_id, c.target_kind, c.rel_type, c.src, c.dst,
		c.before, c.after FROM changes AS c WHERE ` + strings.Join(conds, " AND ") + `
		ORDER BY c.seq LIMIT ` + b.arg(int64(q.Limit)+1)
	return query, b.args, nil
}

// Changes lists the audit records that match q, oldest first.
func (s *Store) Changes(ctx context.Context, q emnkg.ChangeQuery) (*emnkg.ChangePage, error) {
	if q.Limit < 0 || q.Limit > emnkg.MaxPageSize {
		return nil, invalid("The limit must be between 0 and %d.", emnkg.MaxPageSize)
	}
	if q.AfterSeq < 0 {
		return nil, invalid("AfterSeq cannot be negative.")
	}
	query, args, err := changesQuery(q)
	if err != nil {
		return nil, err
	}
	page := &emnkg.ChangePage{Records: []emnkg.ChangeRecord{}}
	err = s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, query, args...)
		if err != nil {
			return wrapf(err, "changes")
		}
		defer rows.Close()
		for rows.Next() {
			if len(page.Records) == q.Limit {
				page.HasMore = true
				break
			}
			r, err := s.scanRecord(rows)
			if err != nil {
				return err
			}
			page.Records = append(page.Records, r)
		}
		return wrapf(rows.Err(), "changes")
	})
	if err != nil {
		return nil, err
	}
	return page, nil
}

// scanRecord reads one audit record.
func (s *Store) scanRecord(rows *sql.Rows) (emnkg.ChangeRecord, error) {
	var (
		r                     emnkg.ChangeRecord
		at, op, kind, typ     string
		beforeText, afterText sql.NullString
	)
	if err := rows.Scan(&r.Seq, &at, &r.Actor, &op, &r.TargetID, &kind, &typ, &r.From, &r.To,
		&beforeText, &afterText); err != nil {
		return r, wrapf(err, "read audit record")
	}
	r.Op, r.TargetKind, r.RelType = emnkg.ChangeOp(op), emnkg.Kind(kind), emnkg.RelType(typ)
	var err error
	if r.Time, err = parseTime(at); err != nil {
		return r, err
	}
	if r.Before, err = decodeState(&r, beforeText); err != nil {
		return r, err
	}
	if r.After, err = decodeState(&r, afterText); err != nil {
		return r, err
	}
	return r, nil
}
