package neo4j

import (
	"fmt"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// storedNode is a node as read back from Neo4j.
type storedNode struct {
	id      string
	kind    emnkg.Kind
	version int64
	props   map[string]any
}

// decodeNode decodes a nodeMap projection. Properties go through
// emnkg.NormalizeProps so that their Go types match the other store's. It
// takes v over: v's property map is changed in place (v comes from a
// record the caller drops).
func decodeNode(v any) (*storedNode, error) { return decodeNodeWith(v, nil) }

// propDefs caches emnkg.NodeProps by kind for the nodes of one answer, so
// that decoding many nodes builds each kind's definitions once. It belongs
// to one call; the nil cache caches nothing.
type propDefs map[emnkg.Kind][]emnkg.PropDef

// of returns the property definitions of kind k.
func (c propDefs) of(k emnkg.Kind) []emnkg.PropDef {
	if defs, ok := c[k]; ok {
		return defs
	}
	defs := emnkg.NodeProps(k)
	if c != nil {
		c[k] = defs
	}
	return defs
}

// decodeNodeWith is decodeNode taking the property definitions from defs.
func decodeNodeWith(v any, defs propDefs) (*storedNode, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("neo4j: node: unexpected value %T", v)
	}
	id, _ := m["id"].(string)
	if id == "" {
		return nil, fmt.Errorf("neo4j: node without an id")
	}
	labels, _ := m["labels"].([]any)
	var kind emnkg.Kind
	for _, l := range labels {
		if s, ok := l.(string); ok && s != nodeLabel && emnkg.Kind(s).Valid() {
			kind = emnkg.Kind(s)
			break
		}
	}
	if kind == "" {
		return nil, fmt.Errorf("neo4j: node %s has no known kind among its labels %v", id, labels)
	}
	raw, _ := m["props"].(map[string]any)
	version, _ := raw[keyVersion].(int64)
	props, err := normalizeOwned(defs.of(kind), raw)
	if err != nil {
		return nil, fmt.Errorf("neo4j: node %s: %v", id, err)
	}
	return &storedNode{id: id, kind: kind, version: version, props: props}, nil
}

// node returns the domain node.
func (n *storedNode) node() *emnkg.Node {
	return &emnkg.Node{ID: n.id, Kind: n.kind, Version: n.version, Props: n.props}
}

// storedEdge is a relationship as read back from Neo4j.
type storedEdge struct {
	id       string
	typ      emnkg.RelType
	from, to string
	props    map[string]any
}

// decodeEdge decodes an edgeMap projection.
func decodeEdge(v any) (*storedEdge, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("neo4j: relationship: unexpected value %T", v)
	}
	raw, _ := m["props"].(map[string]any)
	e := &storedEdge{}
	e.id, _ = raw[keyID].(string)
	t, _ := m["type"].(string)
	e.typ = emnkg.RelType(t)
	e.from, _ = m["from"].(string)
	e.to, _ = m["to"].(string)
	if e.id == "" || e.from == "" || e.to == "" {
		return nil, fmt.Errorf("neo4j: relationship %q (%s from %q to %q) lacks an id or ends", e.id, t, e.from, e.to)
	}
	props, err := normalize(emnkg.EdgeProps(), raw)
	if err != nil {
		return nil, fmt.Errorf("neo4j: relationship %s: %v", e.id, err)
	}
	e.props = props
	return e, nil
}

// edge returns the domain relationship.
func (e *storedEdge) edge() *emnkg.Edge {
	return &emnkg.Edge{ID: e.id, Type: e.typ, From: e.from, To: e.to, Props: e.props}
}

// normalize strips the internal keys from stored properties and normalises
// the rest, leaving raw as it was. Its errors are about stored data, so
// they are reported as internal errors (never as the caller's EINVALID).
func normalize(defs []emnkg.PropDef, raw map[string]any) (map[string]any, error) {
	props := make(map[string]any, len(raw))
	for k, v := range raw {
		if !internalKey(k) {
			props[k] = v
		}
	}
	return normalizeOwned(defs, props)
}

// normalizeOwned is normalize for a map the caller owns and drops: it
// deletes the internal keys from raw instead of copying the rest.
func normalizeOwned(defs []emnkg.PropDef, raw map[string]any) (map[string]any, error) {
	delete(raw, keyID)
	delete(raw, keyVersion)
	deleteSearchWords(raw)
	if raw == nil {
		raw = map[string]any{}
	}
	if err := emnkg.NormalizeOwnedProps(defs, raw); err != nil {
		return nil, fmt.Errorf("stored properties do not fit the schema: %s", emnkg.ErrorMessage(err))
	}
	return raw, nil
}

// deleteSearchWords deletes the search words from a node's stored
// properties.
func deleteSearchWords(props map[string]any) {
	delete(props, keySearchTop)
	delete(props, keySearchMid)
	delete(props, keySearchLow)
	delete(props, keySearchTopLength)
	delete(props, keyLegacySearch)
}

// internalKey reports whether a stored property key is the store's own
// (the ID, the version, the search words) rather than a domain property.
func internalKey(k string) bool {
	switch k {
	case keyID, keyVersion, keySearchTop, keySearchMid, keySearchLow, keySearchTopLength, keyLegacySearch:
		return true
	}
	return false
}

// asInt converts a count or version read from Neo4j.
func asInt(v any) (int, error) {
	i, ok := v.(int64)
	if !ok {
		return 0, fmt.Errorf("neo4j: expected an integer, got %T", v)
	}
	return int(i), nil
}
