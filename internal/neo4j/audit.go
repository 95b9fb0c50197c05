package neo4j

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// The audit log: each emnkg.ChangeRecord is a node
//
//	(:AuditRecord {seq, time, actor, op, targetId, targetKind, relType,
//	               from, to, before, after})
//
// without the :Node label, so that no graph query, Stats or search sees
// it. time is the set's time in nanoseconds since the Unix epoch (UTC), so
// that it orders and compares as time does and keeps the instant to the
// nanosecond; before and after are JSON objects (absent for nil), read
// back with the properties' Go types. Sequence numbers come from the one
// (:AuditCounter {id: "audit", seq}) node, incremented by the transaction
// that writes the records: writers of records serialise on it.
const (
	auditLabel   = "AuditRecord"
	counterLabel = "AuditCounter"
	counterID    = "audit"
)

// auditSchema lists the constraints and indexes of the audit log.
func auditSchema() []schemaItem {
	return []schemaItem{
		uniqueConstraint("audit_seq", auditLabel, "seq"),
		rangeIndex("audit_time", auditLabel, "time"),
		rangeIndex("audit_actor", auditLabel, "actor"),
		rangeIndex("audit_target", auditLabel, "targetId"),
		rangeIndex("audit_from", auditLabel, "from"),
		rangeIndex("audit_to", auditLabel, "to"),
		uniqueConstraint("audit_counter_id", counterLabel, "id"),
	}
}

// encodeTime returns the stored form of t: nanoseconds since the Unix
// epoch. Times that do not fit (before 1678 or after 2262) are refused.
func encodeTime(t time.Time) (int64, error) {
	minT, maxT := time.Unix(0, math.MinInt64), time.Unix(0, math.MaxInt64)
	if t.Before(minT) || t.After(maxT) {
		return 0, invalid("The time %s is out of range.", t.UTC().Format(time.RFC3339))
	}
	return t.UnixNano(), nil
}

// decodeTime reads a stored time, in UTC.
func decodeTime(v any) (time.Time, error) {
	n, ok := v.(int64)
	if !ok {
		return time.Time{}, fmt.Errorf("neo4j: stored time is a %T", v)
	}
	return time.Unix(0, n).UTC(), nil
}

// encodeState returns the stored JSON of the Before or After of an audit
// record, or nil for nil.
func encodeState(state map[string]any) (any, error) {
	if state == nil {
		return nil, nil
	}
	b, err := json.Marshal(state)
	if err != nil {
		return nil, emnkg.Errorf(emnkg.EINVALID, "The change cannot be recorded (%v).", err)
	}
	return string(b), nil
}

// decodeState reads the Before or After of a stored audit record (see
// emnkg.DecodeAuditState); null is nil.
func decodeState(r *emnkg.ChangeRecord, v any) (map[string]any, error) {
	if v == nil {
		return nil, nil
	}
	text, ok := v.(string)
	if !ok {
		return nil, fmt.Errorf("neo4j: audit record %d: state is a %T", r.Seq, v)
	}
	state, err := emnkg.DecodeAuditState(r, text)
	if err != nil {
		return nil, fmt.Errorf("neo4j: %w", err)
	}
	return state, nil
}

// writeRecords gives records their sequence numbers, from the counter
// node, and stores them, all in tx. Every record gets the set's time and
// actor.
func (s *Store) writeRecords(ctx context.Context, tx neo4j.ManagedTransaction, cs emnkg.ChangeSet, at int64, records []emnkg.ChangeRecord) error {
	if len(records) == 0 {
		return nil
	}
	recs, err := s.run(ctx, tx, "MERGE (c:"+counterLabel+" {id: $id}) SET c.seq = coalesce(c.seq, 0) + $n RETURN c.seq",
		map[string]any{"id": counterID, "n": int64(len(records))})
	if err != nil {
		return err
	}
	if len(recs) != 1 {
		return fmt.Errorf("neo4j: audit counter returned %d rows", len(recs))
	}
	last, ok := recs[0].Values[0].(int64)
	if !ok {
		return fmt.Errorf("neo4j: audit counter holds a %T", recs[0].Values[0])
	}
	when, err := decodeTime(at)
	if err != nil {
		return err
	}
	rows := make([]any, len(records))
	for i := range records {
		r := &records[i]
		r.Seq = last - int64(len(records)) + int64(i) + 1
		r.Time, r.Actor = when, cs.Actor
		before, err := encodeState(r.Before)
		if err != nil {
			return err
		}
		after, err := encodeState(r.After)
		if err != nil {
			return err
		}
		rows[i] = map[string]any{"seq": r.Seq, "time": at, "actor": r.Actor, "op": string(r.Op),
			"targetId": r.TargetID, "targetKind": string(r.TargetKind), "relType": string(r.RelType),
			"from": r.From, "to": r.To, "before": before, "after": after}
	}
	return s.writeRows(ctx, tx, rows, "UNWIND $rows AS row CREATE (a:"+auditLabel+") SET a = row RETURN count(a)")
}

// Changes lists the audit records that match q, oldest first. The filters
// are index-backed: seq (also the order), time, actor, and the target, from
// and to IDs for NodeID.
func (s *Store) Changes(ctx context.Context, q emnkg.ChangeQuery) (*emnkg.ChangePage, error) {
	if err := checkLimit(q.Limit, emnkg.MaxPageSize); err != nil {
		return nil, err
	}
	if q.AfterSeq < 0 {
		return nil, invalid("AfterSeq cannot be negative.")
	}
	p := map[string]any{"after": q.AfterSeq, "fetch": int64(q.Limit) + 1}
	preds := []string{"a.seq > $after"}
	if !q.Since.IsZero() {
		since, err := encodeTime(q.Since)
		if err != nil {
			return nil, err
		}
		preds, p["since"] = append(preds, "a.time >= $since"), since
	}
	if !q.Until.IsZero() {
		until, err := encodeTime(q.Until)
		if err != nil {
			return nil, err
		}
		preds, p["until"] = append(preds, "a.time < $until"), until
	}
	if q.Actor != "" {
		preds, p["actor"] = append(preds, "a.actor = $actor"), q.Actor
	}
	if q.NodeID != "" {
		preds, p["node"] = append(preds, "(a.targetId = $node OR a.from = $node OR a.to = $node)"), q.NodeID
	}
	cypher := "MATCH (a:" + auditLabel + ")" + where(preds...) + " WITH a ORDER BY a.seq LIMIT $fetch RETURN properties(a) AS a"
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (*emnkg.ChangePage, error) {
		recs, err := s.run(ctx, tx, cypher, p)
		if err != nil {
			return nil, err
		}
		page := &emnkg.ChangePage{Records: []emnkg.ChangeRecord{}}
		for i, rec := range recs {
			if i == q.Limit {
				page.HasMore = true
				break
			}
			r, err := decodeRecord(rec.Values[0])
			if err != nil {
				return nil, err
			}
			page.Records = append(page.Records, r)
		}
		return page, nil
	})
}

// decodeRecord decodes the properties of an audit record node.
func decodeRecord(v any) (emnkg.ChangeRecord, error) {
	m, _ := v.(map[string]any)
	str := func(k string) string { s, _ := m[k].(string); return s }
	r := emnkg.ChangeRecord{Actor: str("actor"), Op: emnkg.ChangeOp(str("op")), TargetID: str("targetId"),
		TargetKind: emnkg.Kind(str("targetKind")), RelType: emnkg.RelType(str("relType")), From: str("from"), To: str("to")}
	var ok bool
	if r.Seq, ok = m["seq"].(int64); !ok {
		return r, fmt.Errorf("neo4j: audit record without a sequence number")
	}
	var err error
	if r.Time, err = decodeTime(m["time"]); err != nil {
		return r, err
	}
	if r.Before, err = decodeState(&r, m["before"]); err != nil {
		return r, err
	}
	r.After, err = decodeState(&r, m["after"])
	return r, err
}
