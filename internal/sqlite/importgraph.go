package sqlite

import (
	"context"
	"database/sql"
	"strings"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// importChunk is how many nodes or relationships one lookup query and one
// multi-row INSERT handle during an import.
const importChunk = 500

// ImportGraph upserts the nodes and relationships of g in one transaction;
// on any error nothing changes. The caller's graph is not modified.
//
// Nodes and relationships are applied in the order of g, as if imported one
// at a time: an ID given twice with different properties is created (or
// updated) and then updated again, and counted each time. A node ID stored
// with another kind, or a relationship ID stored (or given earlier in g)
// with another type or other ends, is a conflict.
func (s *Store) ImportGraph(ctx context.Context, g *emnkg.Graph) (*emnkg.ImportResult, error) {
	if g == nil {
		return nil, emnkg.Errorf(emnkg.EINVALID, "No graph to import.")
	}
	// ValidateGraph normalises properties in place, by replacing each
	// Props map: shallow copies keep the caller's graph as it was.
	g = shallowCopy(g)
	missing, err := emnkg.ValidateGraph(g)
	if err != nil {
		return nil, err
	}
	// kinds gives the kind of every node of g and, once looked up, of the
	// stored nodes that relationships end at.
	kinds := make(map[string]emnkg.Kind, len(g.Nodes)+len(missing))
	for _, n := range g.Nodes {
		kinds[n.ID] = n.Kind
	}

	var res emnkg.ImportResult
	err = s.write(ctx, func(tx *sql.Tx) error {
		res = emnkg.ImportResult{}
		im, err := s.newImporter(ctx, tx, &res)
		if err != nil {
			return err
		}
		defer im.close()
		if err := im.nodes(ctx, g.Nodes); err != nil {
			return err
		}
		if err := im.storedKinds(ctx, missing, kinds); err != nil {
			return err
		}
		if err := emnkg.CheckEdgeEnds(g, kinds); err != nil {
			return err
		}
		return im.edges(ctx, g.Edges)
	})
	if err != nil {
		return nil, err
	}
	return &res, nil
}

// shallowCopy copies g and its nodes and relationships, sharing their
// property maps.
func shallowCopy(g *emnkg.Graph) *emnkg.Graph {
	c := &emnkg.Graph{Nodes: make([]*emnkg.Node, len(g.Nodes)), Edges: make([]*emnkg.Edge, len(g.Edges))}
	for i, n := range g.Nodes {
		if n != nil {
			cn := *n
			n = &cn
		}
		c.Nodes[i] = n
	}
	for i, e := range g.Edges {
		if e != nil {
			ce := *e
			e = &ce
		}
		c.Edges[i] = e
	}
	return c
}

// propsState is the current properties of a node or relationship during an
// import: their JSON text and, once needed, their decoded values.
type propsState struct {
	text    string
	decoded bool
	props   map[string]any
	bad     bool // the stored text does not fit the schema
}

// equal reports whether the properties equal props, whose JSON text is
// text: either the texts are equal or, decoded and normalised, the values
// are (emnkg.PropsEqual). Stored properties that no longer fit the schema
// are unequal to anything, so that the import replaces them.
func (p *propsState) equal(defs []emnkg.PropDef, what, id, text string, props map[string]any) bool {
	if p.text == text {
		return true
	}
	if !p.decoded {
		var err error
		p.props, err = decodeProps(defs, what, id, p.text)
		p.decoded, p.bad = true, err != nil
	}
	return !p.bad && emnkg.PropsEqual(p.props, props)
}

// set replaces the properties.
func (p *propsState) set(text string, props map[string]any) {
	*p = propsState{text: text, decoded: true, props: props}
}

// importer holds the prepared statements and counts of one import.
type importer struct {
	s   *Store
	tx  *sql.Tx
	res *emnkg.ImportResult

	getNodes, getKinds, getEdges *sql.Stmt
	putNodes, putEdges           *batchWriter
}

func (s *Store) newImporter(ctx context.Context, tx *sql.Tx, res *emnkg.ImportResult) (*importer, error) {
	im := &importer{s: s, tx: tx, res: res}
	prep := func(query string) (*sql.Stmt, error) {
		st, err := tx.PrepareContext(ctx, query)
		return st, wrapf(err, "import: prepare")
	}
	var err error
	if im.getNodes, err = prep(`SELECT n.id, n.kind, n.version, n.props
		FROM json_each(?1) AS j CROSS JOIN nodes AS n ON n.id = j.value`); err != nil {
		im.close()
		return nil, err
	}
	if im.getKinds, err = prep(`SELECT n.id, n.kind
		FROM json_each(?1) AS j CROSS JOIN nodes AS n ON n.id = j.value`); err != nil {
		im.close()
		return nil, err
	}
	if im.getEdges, err = prep(`SELECT e.id, e.type, e.src, e.dst, e.props
		FROM json_each(?1) AS j CROSS JOIN edges AS e ON e.id = j.value`); err != nil {
		im.close()
		return nil, err
	}
	im.putNodes = &batchWriter{tx: tx, width: 4,
		head: `INSERT INTO nodes (id, kind, version, props) VALUES `,
		tail: ` ON CONFLICT (id) DO UPDATE SET version = excluded.version, props = excluded.props`}
	im.putEdges = &batchWriter{tx: tx, width: 5,
		head: `INSERT INTO edges (id, type, src, dst, props) VALUES `,
		tail: ` ON CONFLICT (id) DO UPDATE SET props = excluded.props`}
	return im, nil
}

func (im *importer) close() {
	for _, st := range []*sql.Stmt{im.getNodes, im.getKinds, im.getEdges} {
		if st != nil {
			_ = st.Close()
		}
	}
	for _, w := range []*batchWriter{im.putNodes, im.putEdges} {
		if w != nil {
			w.close()
		}
	}
}

// nodes upserts nodes, a chunk at a time.
func (im *importer) nodes(ctx context.Context, nodes []*emnkg.Node) error {
	for start := 0; start < len(nodes); start += importChunk {
		if err := im.nodeChunk(ctx, nodes[start:min(start+importChunk, len(nodes))]); err != nil {
			return err
		}
	}
	return nil
}

// nodeState is a node's state during an import.
type nodeState struct {
	kind    string
	version int64
	props   propsState
	dirty   bool // to be written
}

// nodeChunk upserts nodes in order. The stored state of their IDs includes
// what earlier chunks wrote; a chunk writes each changed ID once, with its
// final state.
func (im *importer) nodeChunk(ctx context.Context, nodes []*emnkg.Node) error {
	ids := make([]string, 0, len(nodes))
	state := make(map[string]*nodeState, len(nodes))
	for _, n := range nodes {
		if _, dup := state[n.ID]; !dup {
			state[n.ID] = nil
			ids = append(ids, n.ID)
		}
	}
	err := im.lookup(ctx, im.getNodes, ids, func(rows *sql.Rows) error {
		var id string
		st := &nodeState{}
		if err := rows.Scan(&id, &st.kind, &st.version, &st.props.text); err != nil {
			return err
		}
		state[id] = st
		return nil
	})
	if err != nil {
		return err
	}
	for _, n := range nodes {
		text, err := encodeProps("Node", n.ID, n.Props)
		if err != nil {
			return err
		}
		st := state[n.ID]
		switch {
		case st == nil:
			st = &nodeState{kind: string(n.Kind), version: 1, dirty: true}
			st.props.set(text, n.Props)
			state[n.ID] = st
			im.res.NodesCreated++
		case st.kind != string(n.Kind):
			return emnkg.Errorf(emnkg.ECONFLICT, "Node %s is stored as a %s, not a %s.", n.ID, st.kind, n.Kind)
		case st.props.equal(im.s.nodeDefsOf(n.Kind), "node", n.ID, text, n.Props):
			im.res.NodesUnchanged++
		default:
			st.version++
			st.props.set(text, n.Props)
			st.dirty = true
			im.res.NodesUpdated++
		}
	}
	var docs []searchDoc
	for _, id := range ids {
		if st := state[id]; st.dirty {
			if err := im.putNodes.add(ctx, id, st.kind, st.version, st.props.text); err != nil {
				return err
			}
			n := emnkg.Node{ID: id, Kind: emnkg.Kind(st.kind), Props: st.props.props}
			docs = append(docs, newSearchDoc(&n))
		}
	}
	if err := im.putNodes.flush(ctx); err != nil {
		return err
	}
	// The search index follows the written nodes in the same transaction.
	return indexNodes(ctx, im.tx, docs)
}

// storedKinds adds the kinds of the stored nodes among ids to kinds.
func (im *importer) storedKinds(ctx context.Context, ids []string, kinds map[string]emnkg.Kind) error {
	for start := 0; start < len(ids); start += importChunk {
		part := ids[start:min(start+importChunk, len(ids))]
		err := im.lookup(ctx, im.getKinds, part, func(rows *sql.Rows) error {
			var id, kind string
			if err := rows.Scan(&id, &kind); err != nil {
				return err
			}
			kinds[id] = emnkg.Kind(kind)
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// edges upserts relationships, a chunk at a time.
func (im *importer) edges(ctx context.Context, edges []*emnkg.Edge) error {
	for start := 0; start < len(edges); start += importChunk {
		if err := im.edgeChunk(ctx, edges[start:min(start+importChunk, len(edges))]); err != nil {
			return err
		}
	}
	return nil
}

// edgeState is a relationship's state during an import.
type edgeState struct {
	typ, src, dst string
	props         propsState
	dirty         bool
}

// edgeChunk upserts relationships in order, as nodeChunk does nodes.
func (im *importer) edgeChunk(ctx context.Context, edges []*emnkg.Edge) error {
	ids := make([]string, 0, len(edges))
	state := make(map[string]*edgeState, len(edges))
	for _, e := range edges {
		if _, dup := state[e.ID]; !dup {
			state[e.ID] = nil
			ids = append(ids, e.ID)
		}
	}
	err := im.lookup(ctx, im.getEdges, ids, func(rows *sql.Rows) error {
		var id string
		st := &edgeState{}
		if err := rows.Scan(&id, &st.typ, &st.src, &st.dst, &st.props.text); err != nil {
			return err
		}
		state[id] = st
		return nil
	})
	if err != nil {
		return err
	}
	for _, e := range edges {
		text, err := encodeProps("Relationship", e.ID, e.Props)
		if err != nil {
			return err
		}
		st := state[e.ID]
		switch {
		case st == nil:
			st = &edgeState{typ: string(e.Type), src: e.From, dst: e.To, dirty: true}
			st.props.set(text, e.Props)
			state[e.ID] = st
			im.res.EdgesCreated++
		case st.typ != string(e.Type) || st.src != e.From || st.dst != e.To:
			return emnkg.Errorf(emnkg.ECONFLICT, "Relationship %s is stored as %s from %s to %s, not %s from %s to %s.",
				e.ID, st.typ, st.src, st.dst, e.Type, e.From, e.To)
		case st.props.equal(im.s.edgeDefs, "relationship", e.ID, text, e.Props):
			im.res.EdgesUnchanged++
		default:
			st.props.set(text, e.Props)
			st.dirty = true
			im.res.EdgesUpdated++
		}
	}
	for _, id := range ids {
		if st := state[id]; st.dirty {
			if err := im.putEdges.add(ctx, id, st.typ, st.src, st.dst, st.props.text); err != nil {
				return err
			}
		}
	}
	return im.putEdges.flush(ctx)
}

// lookup runs a prepared query taking a JSON list of IDs and hands each row
// to scan.
func (im *importer) lookup(ctx context.Context, st *sql.Stmt, ids []string, scan func(*sql.Rows) error) error {
	list, err := encodeJSON(ids)
	if err != nil {
		return emnkg.Errorf(emnkg.EINVALID, "Invalid IDs.")
	}
	rows, err := st.QueryContext(ctx, list)
	if err != nil {
		return wrapf(err, "import: look up")
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return wrapf(err, "import: look up")
		}
	}
	return wrapf(rows.Err(), "import: look up")
}

// batchWriter runs a multi-row INSERT for up to importChunk rows at a time.
type batchWriter struct {
	tx         *sql.Tx
	head, tail string
	width      int // values per row
	args       []any
	full       *sql.Stmt // prepared for importChunk rows
}

// add queues one row, writing the queue when it is full.
func (w *batchWriter) add(ctx context.Context, row ...any) error {
	w.args = append(w.args, row...)
	if len(w.args) >= importChunk*w.width {
		return w.flush(ctx)
	}
	return nil
}

// flush writes the queued rows.
func (w *batchWriter) flush(ctx context.Context) error {
	n := len(w.args) / w.width
	if n == 0 {
		return nil
	}
	defer func() { w.args = w.args[:0] }()
	var err error
	if n == importChunk {
		if w.full == nil {
			if w.full, err = w.tx.PrepareContext(ctx, w.query(n)); err != nil {
				return wrapf(err, "import: prepare")
			}
		}
		_, err = w.full.ExecContext(ctx, w.args...)
	} else {
		_, err = w.tx.ExecContext(ctx, w.query(n), w.args...)
	}
	return wrapf(err, "import: write")
}

// query returns the INSERT statement for n rows.
func (w *batchWriter) query(n int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", w.width), ", ") + ")"
	var sb strings.Builder
	sb.Grow(len(w.head) + n*(len(row)+2) + len(w.tail))
	sb.WriteString(w.head)
	for i := range n {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(row)
	}
	sb.WriteString(w.tail)
	return sb.String()
}

func (w *batchWriter) close() {
	if w.full != nil {
		_ = w.full.Close()
	}
}
