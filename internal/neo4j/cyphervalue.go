package neo4j

import (
	"encoding/base64"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"
)

// valueConverter turns the values of a Cypher result into the values of
// emnkg.CypherResult:
//
//   - a node labelled :Node with an ID and a known kind becomes an
//     *emnkg.Node (properties normalised, internal keys left out); any
//     other node a map {labels, properties};
//   - a relationship with an ID, a known type and ends that are such nodes
//     becomes an *emnkg.Edge; any other a map {type, properties};
//   - a path of such nodes and relationships becomes an
//     *emnkg.CypherPath; any other a map {nodes, relationships};
//   - temporal and spatial values become their ISO 8601 and Cypher text
//     forms, byte arrays base64 text, NaN and infinities the text "NaN",
//     "Infinity" and "-Infinity";
//   - lists and maps are converted throughout; nil, booleans, integers,
//     other floats and text stay as they are.
//
// A relationship knows its ends by element ID only, so the converter first
// collects the element IDs of the nodes in the result and of the ends it
// needs; the ends missing from the result are looked up (see lookupEnds).
type valueConverter struct {
	// ids maps element IDs to the IDs of :Node nodes.
	ids map[string]string
	// ends are the element IDs of relationship ends.
	ends map[string]bool
}

func newValueConverter() *valueConverter {
	return &valueConverter{ids: map[string]string{}, ends: map[string]bool{}}
}

// collect notes the nodes and relationship ends of v.
func (c *valueConverter) collect(v any) {
	switch x := v.(type) {
	case dbtype.Node:
		if id, ok := domainNodeID(x); ok {
			c.ids[x.ElementId] = id
		}
	case dbtype.Relationship:
		c.ends[x.StartElementId] = true
		c.ends[x.EndElementId] = true
	case dbtype.Path:
		for _, n := range x.Nodes {
			c.collect(n)
		}
		for _, r := range x.Relationships {
			c.collect(r)
		}
	case []any:
		for _, e := range x {
			c.collect(e)
		}
	case map[string]any:
		for _, e := range x {
			c.collect(e)
		}
	}
}

// missingEnds returns the element IDs of relationship ends whose node IDs
// are not known yet.
func (c *valueConverter) missingEnds() []string {
	var out []string
	for eid := range c.ends {
		if _, ok := c.ids[eid]; !ok {
			out = append(out, eid)
		}
	}
	return out
}

// domainNodeID returns the ID of a node that is a graph node: labelled
// :Node, with a text ID.
func domainNodeID(n dbtype.Node) (string, bool) {
	id, ok := n.Props[keyID].(string)
	if !ok || id == "" {
		return "", false
	}
	for _, l := range n.Labels {
		if l == nodeLabel {
			return id, true
		}
	}
	return "", false
}

// convert converts one value (see valueConverter).
func (c *valueConverter) convert(v any) any {
	switch x := v.(type) {
	case nil, bool, int64, string:
		return x
	case float64:
		switch {
		case math.IsNaN(x):
			return "NaN"
		case math.IsInf(x, 1):
			return "Infinity"
		case math.IsInf(x, -1):
			return "-Infinity"
		}
		return x
	case []byte:
		return base64.StdEncoding.EncodeToString(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = c.convert(e)
		}
		return out
	case map[string]any:
		return c.convertMap(x)
	case dbtype.Node:
		if n := c.node(x); n != nil {
			return n
		}
		return map[string]any{"labels": stringsToAny(x.Labels), "properties": c.plainProps(x.Props)}
	case dbtype.Relationship:
		if e := c.edge(x); e != nil {
			return e
		}
		return map[string]any{"type": x.Type, "properties": c.plainProps(x.Props)}
	case dbtype.Path:
		return c.path(x)
	case time.Time:
		return x.Format(time.RFC3339Nano)
	case dbtype.Point2D:
		return fmt.Sprintf("point({srid: %d, x: %s, y: %s})", x.SpatialRefId, num(x.X), num(x.Y))
	case dbtype.Point3D:
		return fmt.Sprintf("point({srid: %d, x: %s, y: %s, z: %s})", x.SpatialRefId, num(x.X), num(x.Y), num(x.Z))
	case fmt.Stringer:
		// dbtype.Date, LocalTime, LocalDateTime, Time and Duration: ISO
		// 8601.
		return x.String()
	}
	return fmt.Sprint(v)
}

func (c *valueConverter) convertMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, e := range m {
		out[k] = c.convert(e)
	}
	return out
}

// plainProps converts the properties of a node or relationship that is not
// a graph node or relationship, leaving out search words.
func (c *valueConverter) plainProps(props map[string]any) map[string]any {
	out := c.convertMap(props)
	deleteSearchWords(out)
	return out
}

// num formats a coordinate as Cypher would read it back.
func num(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

func stringsToAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// node returns the graph node of x, or nil when x is none.
func (c *valueConverter) node(x dbtype.Node) *emnkg.Node {
	id, ok := domainNodeID(x)
	if !ok {
		return nil
	}
	var kind emnkg.Kind
	for _, l := range x.Labels {
		if l != nodeLabel && emnkg.Kind(l).Valid() {
			kind = emnkg.Kind(l)
			break
		}
	}
	if kind == "" {
		return nil
	}
	props, err := normalize(emnkg.NodeProps(kind), x.Props)
	if err != nil {
		return nil
	}
	version, _ := x.Props[keyVersion].(int64)
	return &emnkg.Node{ID: id, Kind: kind, Version: version, Props: props}
}

// edge returns the graph relationship of x, or nil when x is none.
func (c *valueConverter) edge(x dbtype.Relationship) *emnkg.Edge {
	id, ok := x.Props[keyID].(string)
	if _, known := emnkg.LookupRel(emnkg.RelType(x.Type)); !ok || id == "" || !known {
		return nil
	}
	from, fok := c.ids[x.StartElementId]
	to, tok := c.ids[x.EndElementId]
	if !fok || !tok {
		return nil
	}
	props, err := normalize(emnkg.EdgeProps(), x.Props)
	if err != nil {
		return nil
	}
	return &emnkg.Edge{ID: id, Type: emnkg.RelType(x.Type), From: from, To: to, Props: props}
}

// path returns the *emnkg.CypherPath of x, or a map when one of its nodes
// or relationships is not of the graph.
func (c *valueConverter) path(x dbtype.Path) any {
	p := &emnkg.CypherPath{Nodes: make([]*emnkg.Node, 0, len(x.Nodes)), Edges: make([]*emnkg.Edge, 0, len(x.Relationships))}
	whole := true
	for _, n := range x.Nodes {
		dn := c.node(n)
		whole = whole && dn != nil
		p.Nodes = append(p.Nodes, dn)
	}
	for _, r := range x.Relationships {
		de := c.edge(r)
		whole = whole && de != nil
		p.Edges = append(p.Edges, de)
	}
	if whole {
		return p
	}
	nodes := make([]any, len(x.Nodes))
	for i, n := range x.Nodes {
		nodes[i] = c.convert(n)
	}
	rels := make([]any, len(x.Relationships))
	for i, r := range x.Relationships {
		rels[i] = c.convert(r)
	}
	return map[string]any{"nodes": nodes, "relationships": rels}
}
