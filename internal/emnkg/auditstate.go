package emnkg

import (
	"encoding/json"
	"fmt"
	"strings"
)

// DecodeAuditState reads the stored JSON of the Before or After of audit
// record r: the properties with their Go types and, for a node,
// VersionKey as an int64. Properties that no longer fit the schema keep
// their plain JSON values (see PlainValues), so that the log stays
// readable whatever the schema becomes.
func DecodeAuditState(r *ChangeRecord, text string) (map[string]any, error) {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	var raw map[string]any
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("audit record %d: %w", r.Seq, err)
	}
	defs := EdgeProps()
	isNode := r.RelType == ""
	var version any
	if isNode {
		defs = NodeProps(r.TargetKind)
		version = raw[VersionKey]
		delete(raw, VersionKey)
	}
	props, err := NormalizeProps(defs, raw)
	if err != nil {
		props = PlainValues(raw)
	}
	if n, ok := version.(json.Number); isNode && ok {
		if props[VersionKey], err = n.Int64(); err != nil {
			return nil, fmt.Errorf("audit record %d: version: %w", r.Seq, err)
		}
	}
	return props, nil
}

// PlainValues converts decoded JSON values (numbers as json.Number) to the
// Go types of properties as far as they go: integers to int64, other
// numbers to float64, lists of text to []string; null values are left out.
func PlainValues(raw map[string]any) map[string]any {
	out := make(map[string]any, len(raw))
	for k, v := range raw {
		switch x := v.(type) {
		case nil:
			continue
		case json.Number:
			if i, err := x.Int64(); err == nil {
				v = i
			} else if f, err := x.Float64(); err == nil {
				v = f
			}
		case []any:
			list := make([]string, 0, len(x))
			for _, e := range x {
				if s, ok := e.(string); ok {
					list = append(list, s)
				}
			}
			if len(list) == len(x) {
				v = list
			}
		}
		out[k] = v
	}
	return out
}
