package neo4j

import (
	"context"
	"fmt"
	"maps"
	"strconv"
	"strings"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// ImportGraph upserts the nodes and relationships of g in one write
// transaction. It validates g before the transaction starts, then reads
// what is stored under the IDs of g (nodes by seeks in the ID constraint's
// index; relationships as lookupEdges does), decides in Go, item by item
// and in order, what is created, updated or unchanged (so an ID that
// appears twice behaves as two imports in a row) and what conflicts, and
// only then writes the changes in batches with UNWIND, one query shape per
// kind or relationship type: new relationships are created between the
// element IDs of their ends, which the reads and the node creations
// returned, so that no end is looked up by ID twice. Any error rolls the
// whole transaction back.
func (s *Store) ImportGraph(ctx context.Context, g *emnkg.Graph) (*emnkg.ImportResult, error) {
	if g == nil {
		return nil, emnkg.Errorf(emnkg.EINVALID, "No graph to import.")
	}
	// ValidateGraph normalises properties in place: work on a copy, so that
	// the caller's graph stays as it was.
	g = copyGraph(g)
	missing, err := emnkg.ValidateGraph(g)
	if err != nil {
		return nil, err
	}
	if err := checkIndexedLengths(g); err != nil {
		return nil, err
	}
	if len(g.Nodes) == 0 && len(g.Edges) == 0 {
		return &emnkg.ImportResult{}, nil
	}
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (*emnkg.ImportResult, error) {
		return s.importTx(ctx, tx, g, missing)
	})
}

// copyGraph copies g, its nodes and relationships and their property maps
// (not the values, which are not modified).
func copyGraph(g *emnkg.Graph) *emnkg.Graph {
	c := &emnkg.Graph{Nodes: make([]*emnkg.Node, len(g.Nodes)), Edges: make([]*emnkg.Edge, len(g.Edges))}
	for i, n := range g.Nodes {
		if n != nil {
			cn := *n
			cn.Props = maps.Clone(n.Props)
			n = &cn
		}
		c.Nodes[i] = n
	}
	for i, e := range g.Edges {
		if e != nil {
			ce := *e
			ce.Props = maps.Clone(e.Props)
			e = &ce
		}
		c.Edges[i] = e
	}
	return c
}

// checkIndexedLengths refuses text too long for Neo4j's range indexes
// before anything is written, with a message that names the property.
func checkIndexedLengths(g *emnkg.Graph) error {
	for _, n := range g.Nodes {
		for _, f := range indexedProps(n.Kind) {
			if v, ok := n.Props[f].(string); ok && len(v) > maxIndexedBytes {
				return emnkg.FieldErrorf(emnkg.EINVALID, f,
					"Node %s: %s is %d bytes long; the Neo4j store indexes it and accepts at most %d bytes.",
					n.ID, f, len(v), maxIndexedBytes)
			}
		}
	}
	return nil
}

// nodeChange is the state of one node ID during an import.
type nodeChange struct {
	kind    emnkg.Kind
	version int64
	props   map[string]any
	isNew   bool // not stored before the import
	dirty   bool // must be written
}

// edgeChange is the state of one relationship ID during an import.
type edgeChange struct {
	typ      emnkg.RelType
	from, to string
	props    map[string]any
	isNew    bool
	dirty    bool
}

// importNodes holds what an import reads of the nodes it touches: the
// stored nodes among those of the graph, the kinds of the stored ends that
// are not in the graph, and the element IDs of both, which the
// relationships are created between.
type importNodes struct {
	stored   map[string]*storedNode
	kinds    map[string]emnkg.Kind
	elements map[string]string
}

// importTx imports g (validated; missing lists the relationship ends not
// in g) in tx: it reads, decides, and only then writes.
func (s *Store) importTx(ctx context.Context, tx neo4j.ManagedTransaction, g *emnkg.Graph, missing []string) (*emnkg.ImportResult, error) {
	// Read the stored nodes under the graph's node IDs, and the kinds of
	// the missing ends.
	ids := make([]string, 0, len(g.Nodes))
	seen := make(map[string]bool, len(g.Nodes)+len(missing))
	for _, n := range g.Nodes {
		if !seen[n.ID] {
			seen[n.ID] = true
			ids = append(ids, n.ID)
		}
	}
	var ends []string
	for _, id := range missing {
		if !seen[id] {
			seen[id] = true
			ends = append(ends, id)
		}
	}
	known, err := s.lookupImportNodes(ctx, tx, ids, ends)
	if err != nil {
		return nil, err
	}
	kinds := make(map[string]emnkg.Kind, len(ids)+len(ends))
	maps.Copy(kinds, known.kinds)
	for _, n := range g.Nodes {
		if st, ok := known.stored[n.ID]; ok && st.kind != n.Kind {
			return nil, emnkg.Errorf(emnkg.ECONFLICT, "Node %s is stored as a %s, not a %s.", n.ID, st.kind, n.Kind)
		}
		kinds[n.ID] = n.Kind
	}
	if err := emnkg.CheckEdgeEnds(g, kinds); err != nil {
		return nil, err
	}
	res := &emnkg.ImportResult{}
	nodes, nodeOrder := decideNodes(g, known.stored, res)

	// Read the stored relationships under the graph's relationship IDs.
	var uniqEdges []*emnkg.Edge
	seenEdge := make(map[string]bool, len(g.Edges))
	for _, e := range g.Edges {
		if !seenEdge[e.ID] {
			seenEdge[e.ID] = true
			uniqEdges = append(uniqEdges, e)
		}
	}
	storedEdges, err := s.lookupEdges(ctx, tx, uniqEdges)
	if err != nil {
		return nil, err
	}
	edges, edgeOrder, err := decideEdges(g, storedEdges, res)
	if err != nil {
		return nil, err
	}

	if err := s.writeNodes(ctx, tx, nodeOrder, nodes, known.elements); err != nil {
		return nil, err
	}
	facets, err := importFacetDeltas(nodeOrder, nodes, known.stored)
	if err != nil {
		return nil, err
	}
	if err := s.writeFacetDeltas(ctx, tx, facets); err != nil {
		return nil, err
	}
	if err := s.writeEdges(ctx, tx, edgeOrder, edges, known.elements); err != nil {
		return nil, err
	}
	return res, nil
}

// importFacetDeltas returns what writing the nodes that changed changes in
// the kept facet counts: the stored values of the replaced ones out, the
// values written in.
func importFacetDeltas(order []string, nodes map[string]*nodeChange, stored map[string]*storedNode) (*facetDeltas, error) {
	d := newFacetDeltas()
	for _, id := range order {
		c := nodes[id]
		if !c.dirty {
			continue
		}
		if old, ok := stored[id]; ok {
			if err := d.addNode(old.kind, old.props, -1); err != nil {
				return nil, err
			}
		}
		if err := d.addNode(c.kind, c.props, 1); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// decideNodes decides node by node, in order, what the import does to the
// nodes of g given those stored, and counts it in res. It returns the
// state of each node ID and the IDs in their first order.
func decideNodes(g *emnkg.Graph, stored map[string]*storedNode, res *emnkg.ImportResult) (map[string]*nodeChange, []string) {
	nodes := make(map[string]*nodeChange, len(g.Nodes))
	var order []string
	for _, n := range g.Nodes {
		c, ok := nodes[n.ID]
		if !ok {
			if st, found := stored[n.ID]; found {
				c = &nodeChange{kind: st.kind, version: st.version, props: st.props}
			}
		}
		switch {
		case c == nil:
			c = &nodeChange{kind: n.Kind, version: 1, props: n.Props, isNew: true, dirty: true}
			res.NodesCreated++
		case emnkg.PropsEqual(c.props, n.Props):
			res.NodesUnchanged++
		default:
			c.props, c.version, c.dirty = n.Props, c.version+1, true
			res.NodesUpdated++
		}
		if !ok {
			nodes[n.ID] = c
			order = append(order, n.ID)
		}
	}
	return nodes, order
}

// decideEdges decides relationship by relationship, in order, what the
// import does to the relationships of g given those stored, and counts it
// in res. It returns the state of each relationship ID and the IDs in
// their first order, or ECONFLICT when an ID is stored with another type
// or other ends.
func decideEdges(g *emnkg.Graph, stored map[string]*storedEdge, res *emnkg.ImportResult) (map[string]*edgeChange, []string, error) {
	edges := make(map[string]*edgeChange, len(g.Edges))
	var order []string
	for _, e := range g.Edges {
		c, ok := edges[e.ID]
		if !ok {
			if st, found := stored[e.ID]; found {
				c = &edgeChange{typ: st.typ, from: st.from, to: st.to, props: st.props}
			}
		}
		switch {
		case c == nil:
			c = &edgeChange{typ: e.Type, from: e.From, to: e.To, props: e.Props, isNew: true, dirty: true}
			res.EdgesCreated++
		case c.typ != e.Type || c.from != e.From || c.to != e.To:
			return nil, nil, emnkg.Errorf(emnkg.ECONFLICT,
				"Relationship %s is stored as %s from %s to %s, not %s from %s to %s.",
				e.ID, c.typ, c.from, c.to, e.Type, e.From, e.To)
		case emnkg.PropsEqual(c.props, e.Props):
			res.EdgesUnchanged++
		default:
			c.props, c.dirty = e.Props, true
			res.EdgesUpdated++
		}
		if !ok {
			edges[e.ID] = c
			order = append(order, e.ID)
		}
	}
	return edges, order, nil
}

// lookupImportNodes reads, by seeks in the ID constraint's index, the
// stored nodes among ids and the kinds of the stored nodes among ends (only
// their labels: the properties of an end outside the graph are not
// needed), with the element IDs of both. Neither list holds duplicates.
func (s *Store) lookupImportNodes(ctx context.Context, tx neo4j.ManagedTransaction, ids, ends []string) (*importNodes, error) {
	known := &importNodes{stored: make(map[string]*storedNode, len(ids)), kinds: make(map[string]emnkg.Kind, len(ends)),
		elements: make(map[string]string, len(ids)+len(ends))}
	match := "MATCH (n:" + nodeLabel + ")" + idHint("n") + " WHERE n.id IN $ids RETURN collect("
	for _, part := range []struct {
		ids  []string
		full bool
	}{{ids, true}, {ends, false}} {
		item := "{el: elementId(n), id: n.id, labels: labels(n)}"
		if part.full {
			item = "{el: elementId(n), n: " + nodeMap("n") + "}"
		}
		for start := 0; start < len(part.ids); start += nodeLookupBatch {
			batch := part.ids[start:min(start+nodeLookupBatch, len(part.ids))]
			// One record holding a list: many small records cost Bolt more.
			recs, err := s.run(ctx, tx, match+item+") AS ns", map[string]any{"ids": batch})
			if err != nil {
				return nil, err
			}
			if len(recs) != 1 {
				return nil, fmt.Errorf("neo4j: import: node lookup returned %d rows", len(recs))
			}
			list, _ := recs[0].Values[0].([]any)
			for _, v := range list {
				if err := known.add(v, part.full); err != nil {
					return nil, err
				}
			}
		}
	}
	return known, nil
}

// add records one item of a lookupImportNodes query: a stored node (full)
// or the kind of an end.
func (k *importNodes) add(v any, full bool) error {
	m, _ := v.(map[string]any)
	el, _ := m["el"].(string)
	if el == "" {
		return fmt.Errorf("neo4j: import: node lookup item without an element ID: %T", v)
	}
	if full {
		n, err := decodeNode(m["n"])
		if err != nil {
			return err
		}
		k.stored[n.id], k.elements[n.id] = n, el
		return nil
	}
	id, _ := m["id"].(string)
	labels, _ := m["labels"].([]any)
	kind := kindOf(labels)
	if id == "" || kind == "" {
		return fmt.Errorf("neo4j: import: node %q has no known kind among its labels %v", id, labels)
	}
	k.kinds[id], k.elements[id] = kind, el
	return nil
}

// kindOf returns the kind among a node's labels, or "".
func kindOf(labels []any) emnkg.Kind {
	for _, l := range labels {
		if s, ok := l.(string); ok && s != nodeLabel && emnkg.Kind(s).Valid() {
			return emnkg.Kind(s)
		}
	}
	return ""
}

// writeNodes writes the nodes that changed: new ones created kind by kind
// (their element IDs are added to elements), changed ones found by their
// element IDs.
func (s *Store) writeNodes(ctx context.Context, tx neo4j.ManagedTransaction, order []string, nodes map[string]*nodeChange, elements map[string]string) error {
	newByKind := map[emnkg.Kind][]any{}
	var changed []any
	for _, id := range order {
		c := nodes[id]
		if !c.dirty {
			continue
		}
		row := make(map[string]any, len(c.props)+6) // ID, version, search words in three parts, top length
		maps.Copy(row, c.props)
		row[keyID] = id
		row[keyVersion] = c.version
		setSearchWords(row, id, c.kind, c.props)
		if c.isNew {
			newByKind[c.kind] = append(newByKind[c.kind], row)
		} else {
			changed = append(changed, map[string]any{"el": elements[id], "props": row})
		}
	}
	for _, k := range emnkg.Kinds() {
		if err := s.createNodes(ctx, tx, k, newByKind[k], elements); err != nil {
			return err
		}
	}
	return s.writeRows(ctx, tx, changed,
		"UNWIND $rows AS row MATCH (n) WHERE elementId(n) = row.el SET n = row.props RETURN count(n)")
}

// createNodes creates nodes of kind k from rows of properties, in batches,
// and adds their element IDs to elements.
func (s *Store) createNodes(ctx context.Context, tx neo4j.ManagedTransaction, k emnkg.Kind, rows []any, elements map[string]string) error {
	cypher := "UNWIND $rows AS row CREATE (n:" + nodeLabel + ":" + quote(string(k)) + ") SET n = row " +
		"RETURN collect([n.id, elementId(n)]) AS els"
	return s.runBatches(ctx, tx, cypher, rows, func(batch []any, result any) error {
		list, _ := result.([]any)
		if len(list) != len(batch) {
			return fmt.Errorf("neo4j: import: created %d of %d nodes", len(list), len(batch))
		}
		for _, v := range list {
			pair, _ := v.([]any)
			if len(pair) != 2 {
				return fmt.Errorf("neo4j: import: node creation returned %v", v)
			}
			id, _ := pair[0].(string)
			el, _ := pair[1].(string)
			elements[id] = el
		}
		return nil
	})
}

// writeEdges writes the relationships that changed, type by type: new ones
// created between the element IDs of their ends, changed ones found by
// seeks in their type's ID index.
func (s *Store) writeEdges(ctx context.Context, tx neo4j.ManagedTransaction, order []string, edges map[string]*edgeChange, elements map[string]string) error {
	newByType := map[emnkg.RelType][]any{}
	changedByType := map[emnkg.RelType][]any{}
	for _, id := range order {
		c := edges[id]
		if !c.dirty {
			continue
		}
		props := make(map[string]any, len(c.props)+1)
		maps.Copy(props, c.props)
		props[keyID] = id
		if !c.isNew {
			changedByType[c.typ] = append(changedByType[c.typ], map[string]any{"id": id, "props": props})
			continue
		}
		from, to := elements[c.from], elements[c.to]
		if from == "" || to == "" {
			return fmt.Errorf("neo4j: import: no element ID for an end of relationship %s", id)
		}
		newByType[c.typ] = append(newByType[c.typ], map[string]any{"a": from, "b": to, "props": props})
	}
	for _, t := range emnkg.RelTypes() {
		typ := quote(string(t))
		if err := s.writeRows(ctx, tx, newByType[t],
			"UNWIND $rows AS row MATCH (a) WHERE elementId(a) = row.a MATCH (b) WHERE elementId(b) = row.b "+
				"CREATE (a)-[r:"+typ+"]->(b) SET r = row.props RETURN count(r)"); err != nil {
			return err
		}
		if err := s.writeRows(ctx, tx, changedByType[t],
			"UNWIND $rows AS row MATCH ()-[r:"+typ+" {id: row.id}]->()"+relIDHint("r", t)+" SET r = row.props RETURN count(r)"); err != nil {
			return err
		}
	}
	return nil
}

// writeRows runs a write query over rows in batches; the query returns how
// many rows it wrote, which must be all of them.
func (s *Store) writeRows(ctx context.Context, tx neo4j.ManagedTransaction, rows []any, cypher string) error {
	return s.runBatches(ctx, tx, cypher, rows, func(batch []any, result any) error {
		if n, err := asInt(result); err != nil || n != len(batch) {
			return fmt.Errorf("neo4j: import: wrote %d of %d rows (%v)", n, len(batch), err)
		}
		return nil
	})
}

// runBatches runs a query over rows, lookupBatch of them ($rows) at a time;
// the query returns one record of one value, which each checks for its
// batch.
func (s *Store) runBatches(ctx context.Context, tx neo4j.ManagedTransaction, cypher string, rows []any, each func(batch []any, result any) error) error {
	for start := 0; start < len(rows); start += lookupBatch {
		batch := rows[start:min(start+lookupBatch, len(rows))]
		recs, err := s.run(ctx, tx, cypher, map[string]any{"rows": batch})
		if err != nil {
			return err
		}
		if len(recs) != 1 || len(recs[0].Values) != 1 {
			return fmt.Errorf("neo4j: import: a batch query returned %d rows", len(recs))
		}
		if err := each(batch, recs[0].Values[0]); err != nil {
			return err
		}
	}
	return nil
}

// Relationship IDs are indexed per type (the rel_<TYPE>_id constraints),
// and the store holds every ID once across all types. lookupEdges finds
// IDs among the relationships of one type either by seeks in that type's
// index or, when the type holds few relationships for the number of IDs
// looked for, by one scan of that index that keeps the IDs looked for
// (Cypher tests a list parameter's membership with a hash set): a seek
// costs about as much as reading five index entries, so scanning a small
// type is cheaper than seeking many IDs in it. Each step of a lookup is one
// query, a UNION ALL of one branch per type, so that a list of IDs is sent
// once rather than once per type.
const (
	// scanPerSeek is the number of index entries a scan may read per ID
	// instead of seeking it.
	scanPerSeek = 4
	// fewEdgeIDs is the number of (ID, type) pairs up to which a lookup
	// seeks them all, without counting the types' relationships first (an
	// edit looks up one ID under every type).
	fewEdgeIDs = 1000
	// edgeLookupBatch is the number of relationships whose IDs one lookup
	// step looks up.
	edgeLookupBatch = 50000
)

// lookupEdges reads the stored relationships among the IDs of edges (which
// hold no duplicate IDs), whatever their type, in batches. Each ID is
// first looked up under the type it is imported with, which finds every
// relationship that is already stored as it is imported; only the IDs not
// found there are looked up under every other type.
func (s *Store) lookupEdges(ctx context.Context, tx neo4j.ManagedTransaction, edges []*emnkg.Edge) (map[string]*storedEdge, error) {
	f := &edgeFinder{s: s, tx: tx, out: make(map[string]*storedEdge, len(edges))}
	for start := 0; start < len(edges); start += edgeLookupBatch {
		if err := f.lookup(ctx, edges[start:min(start+edgeLookupBatch, len(edges))]); err != nil {
			return nil, err
		}
	}
	return f.out, nil
}

// edgeFinder finds stored relationships by ID for lookupEdges.
type edgeFinder struct {
	s   *Store
	tx  neo4j.ManagedTransaction
	out map[string]*storedEdge
	// counts holds the number of relationships of each type, read once
	// when first needed.
	counts map[emnkg.RelType]int
}

// lookup adds to f.out the stored relationships among the IDs of edges,
// with two queries: one under the imported types, one under the others.
func (f *edgeFinder) lookup(ctx context.Context, edges []*emnkg.Edge) error {
	types := emnkg.RelTypes()
	own := map[emnkg.RelType][]string{}
	for _, e := range edges {
		own[e.Type] = append(own[e.Type], e.ID)
	}
	q := &edgeQuery{p: map[string]any{}}
	for i, t := range types {
		ids := own[t]
		m, err := f.mode(ctx, t, len(ids), len(edges) <= fewEdgeIDs)
		if err != nil {
			return err
		}
		q.add(m, t, "o"+strconv.Itoa(i), ids)
	}
	if err := f.run(ctx, q); err != nil {
		return err
	}

	var rest []*emnkg.Edge
	restOfType := map[emnkg.RelType]int{}
	for _, e := range edges {
		if _, ok := f.out[e.ID]; !ok {
			rest = append(rest, e)
			restOfType[e.Type]++
		}
	}
	q = &edgeQuery{p: map[string]any{}}
	for i, t := range types {
		n := len(rest) - restOfType[t]
		m, err := f.mode(ctx, t, n, len(rest)*len(types) <= fewEdgeIDs)
		if err != nil {
			return err
		}
		switch m {
		case scanType:
			// One list of every ID not found serves all scans: an ID
			// imported with type t is not stored under t.
			if q.p["rest"] == nil {
				all := make([]string, len(rest))
				for j, e := range rest {
					all[j] = e.ID
				}
				q.p["rest"] = all
			}
			q.add(m, t, "rest", nil)
		case seekType:
			ids := make([]string, 0, n)
			for _, e := range rest {
				if e.Type != t {
					ids = append(ids, e.ID)
				}
			}
			q.add(m, t, "r"+strconv.Itoa(i), ids)
		}
	}
	return f.run(ctx, q)
}

// How a lookup finds IDs under one type.
const (
	skipType = iota // no need: no ID to look for, or none stored
	seekType        // by seeks in the type's ID index
	scanType        // by one scan of the type's ID index
)

// mode returns how to look up n IDs under type t: by seeks when few
// (without counting relationships) or when t holds more than scanPerSeek
// relationships per ID, else by a scan.
func (f *edgeFinder) mode(ctx context.Context, t emnkg.RelType, n int, few bool) (int, error) {
	switch {
	case n == 0:
		return skipType, nil
	case few:
		return seekType, nil
	}
	if f.counts == nil {
		var err error
		if f.counts, err = f.s.relCounts(ctx, f.tx); err != nil {
			return 0, err
		}
	}
	switch c := f.counts[t]; {
	case c == 0:
		return skipType, nil
	case c <= scanPerSeek*n:
		return scanType, nil
	}
	return seekType, nil
}

// edgeQuery is a lookup query in the making: a UNION ALL of branches whose
// rows are edgeMap projections, and their parameters.
type edgeQuery struct {
	parts []string
	p     map[string]any
}

// add adds the branch that looks up, in mode m, the IDs of the list
// parameter param under type t; ids, when not nil, is the parameter's
// value.
func (q *edgeQuery) add(m int, t emnkg.RelType, param string, ids []string) {
	switch m {
	case skipType:
		return
	case seekType:
		q.parts = append(q.parts, edgeSeek(t, param))
	case scanType:
		q.parts = append(q.parts, edgeScan(t, param))
	}
	if ids != nil {
		q.p[param] = ids
	}
}

// run runs a lookup query and adds the relationships it finds to f.out.
func (f *edgeFinder) run(ctx context.Context, q *edgeQuery) error {
	if len(q.parts) == 0 {
		return nil
	}
	recs, err := f.s.run(ctx, f.tx, strings.Join(q.parts, " UNION ALL "), q.p)
	if err != nil {
		return err
	}
	for _, r := range recs {
		e, err := decodeEdge(r.Values[0])
		if err != nil {
			return err
		}
		if prev, dup := f.out[e.id]; dup {
			return fmt.Errorf("neo4j: relationship ID %s is stored twice (%s and %s)", e.id, prev.typ, e.typ)
		}
		f.out[e.id] = e
	}
	return nil
}

// relCounts returns the number of relationships of each type, from
// Neo4j's count store (one query, which sees the transaction's own
// writes).
func (s *Store) relCounts(ctx context.Context, tx neo4j.ManagedTransaction) (map[emnkg.RelType]int, error) {
	types := emnkg.RelTypes()
	parts := make([]string, len(types))
	for i, t := range types {
		parts[i] = "MATCH ()-[r:" + quote(string(t)) + "]->() RETURN " + strconv.Itoa(i) + " AS i, count(r) AS n"
	}
	recs, err := s.run(ctx, tx, strings.Join(parts, " UNION ALL "), nil)
	if err != nil {
		return nil, err
	}
	counts := make(map[emnkg.RelType]int, len(types))
	for _, r := range recs {
		i, err := asInt(r.Values[0])
		if err != nil || i < 0 || i >= len(types) {
			return nil, fmt.Errorf("neo4j: relationship count of type #%v (%v)", r.Values[0], err)
		}
		if counts[types[i]], err = asInt(r.Values[1]); err != nil {
			return nil, err
		}
	}
	return counts, nil
}

// edgeSeek is the query that finds relationships of type t among the IDs
// of the list parameter param by seeks in its ID index.
func edgeSeek(t emnkg.RelType, param string) string {
	return "MATCH ()-[r:" + quote(string(t)) + "]->()" + relIDHint("r", t) + " WHERE r.id IN $" + param +
		" RETURN " + edgeMap("r") + " AS r"
}

// edgeScan is the query that finds relationships of type t among the IDs
// of the list parameter param by one scan of its ID index: the projection
// to id keeps Cypher from planning seeks for the membership test.
func edgeScan(t emnkg.RelType, param string) string {
	return "MATCH ()-[r:" + quote(string(t)) + "]->() WHERE r.id IS NOT NULL WITH r, r.id AS id WHERE id IN $" + param +
		" RETURN " + edgeMap("r") + " AS r"
}
