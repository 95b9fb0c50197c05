package storetest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// RunEditor runs the conformance suite of emnkg.Editor against the store
// that open returns; open works as for Run, and the store must also
// implement emnkg.Editor. RunEditor opens one store, imports a small graph,
// and applies a sequence of change sets to it, checking after each what the
// store holds, the audit records and, when the store is also an
// emnkg.Explorer, that search follows the changes. Failing change sets,
// the audit log queries and API keys are checked on the same store.
//
// Where the contracts in internal/emnkg leave a point open, the suite
// decides it as follows; every store and MemStore keep these rules.
//
// A change set needs an Actor, a non-zero Time and at least one change,
// else EINVALID. Changes apply in order, each seeing the ones before it (a
// node created by a change can be linked, updated and deleted by later
// ones, and versions grow within the set); the first failing change
// decides the error, and nothing of the set remains: no node, no
// relationship, no audit record. Sequence numbers are positive and grow
// with every record; a failed set may leave gaps.
//
// Node changes: an invalid node ID or unknown kind is EINVALID. CREATE and
// UPSERT need the kind. UPDATE and DELETE may leave Kind empty; a given
// kind must be the stored one, else ECONFLICT (as ImportGraph does for an
// ID stored with another kind). Properties are normalised as ImportGraph
// does (a Go int becomes int64) and checked against the kind: unknown keys
// and wrong types are EINVALID, also a nil value (removal) of an unknown
// key in UPDATE. ExpectedVersion is ignored when UPSERT creates the node.
// UPDATE and UPSERT of an existing node always add 1 to the version and
// write a record, even when no value changes. A node created again after
// DELETE starts at version 1.
//
// DELETE removes the node's relationships first, in the order of their
// IDs, each with a record whose Op is DELETE (the op of the change that
// removed it), then the node with its own record.
//
// LINK needs a relationship with a known type and a non-empty ID (at most
// 400 bytes of UTF-8), else EINVALID; properties are checked against
// EdgeProps (EINVALID); a missing end is ENOTFOUND; ends of kinds the type
// does not allow are EINVALID; an ID stored with another type or other
// ends is ECONFLICT. LINK of an existing ID replaces its properties and
// writes a record even when nothing changes. UNLINK uses Edge.ID only; a
// nil Edge or an empty ID is EINVALID.
//
// ApplyResult: Nodes has an entry per node change and Edges one per LINK,
// each as it is after the whole set (nil when a later change of the set
// removed it); Records are the records written, in sequence order, with
// their Seq.
//
// Audit records: Time is the set's Time (the same instant; the location
// may differ), Actor is the set's actor. A node record has TargetID,
// TargetKind, and Before/After with the properties plus "_version" (an
// int64); RelType, From and To are empty. A relationship record has
// TargetID (the relationship's ID), TargetKind "", RelType, From, To, and
// Before/After with its properties only, an empty map (not nil) when it
// exists without properties. Property values have their Go types.
//
// Changes: records oldest first (by Seq); Since is inclusive and Until
// exclusive; NodeID selects the records whose TargetID, From or To is the
// node. Limit is 0..MaxPageSize (0 returns no records, HasMore says
// whether any match); a negative AfterSeq is EINVALID. ImportGraph writes
// no records.
//
// API keys: ID, Hash and a valid Role are needed, and a non-zero CreatedAt,
// else EINVALID (Name may be empty); an ID or a hash already stored is ECONFLICT. APIKeys
// lists keys by CreatedAt, then ID. APIKeyByHash returns revoked keys too
// (the caller checks RevokedAt). Revoking a revoked key succeeds and keeps
// the first time. Times keep the instant to the nanosecond. Keys are no
// nodes and write no audit records.
func RunEditor(t *testing.T, open func(tb testing.TB) emnkg.Store) {
	t.Helper()
	s := open(t)
	ed, ok := s.(emnkg.Editor)
	if !ok {
		t.Fatalf("%T does not implement emnkg.Editor", s)
	}
	x, _ := s.(emnkg.Explorer)
	checkImportResult(t, importGraph(t, s, editBase()), emnkg.ImportResult{NodesCreated: 5, EdgesCreated: 2})
	r := &editRun{s: s, ed: ed, x: x, ix: newIndex(editBase())}
	t.Run("ImportWritesNoRecords", func(t *testing.T) { r.checkNoRecordsAfter(t, 0) })
	t.Run("APIKeys", r.testAPIKeys)
	t.Run("Create", r.testCreate)
	t.Run("Update", r.testUpdate)
	t.Run("UpsertCreates", r.testUpsertCreates)
	t.Run("UpsertReplaces", r.testUpsertReplaces)
	t.Run("Link", r.testLink)
	t.Run("Failures", r.testFailures)
	t.Run("Unlink", r.testUnlink)
	t.Run("Delete", r.testDelete)
	t.Run("DeleteAndCreateAgain", r.testDeleteCreateAgain)
	t.Run("WithinOneSet", r.testWithinOneSet)
	t.Run("Changes", r.testChanges)
	t.Run("ImportAfterApply", r.testImportAfterApply)
	t.Run("APIKeysSurvive", r.testAPIKeysSurvive)
	t.Run("FacetCounts", func(t *testing.T) { testFacetCounts(t, open(t)) })
}

// editRun is the state of the RunEditor sequence: what the store must
// hold, and every audit record written so far, as Apply returned them.
type editRun struct {
	s    emnkg.Store
	ed   emnkg.Editor
	x    emnkg.Explorer // nil when the store is not one
	ix   *index
	recs []emnkg.ChangeRecord
	keys []emnkg.APIKey // the API keys, in the order of APIKeys
}

// The IDs of the nodes and relationships that RunEditor changes.
const (
	edDocNew  = "syn-doc-new"
	edTermNew = "syn-term-new"
	edTermUp  = "syn-term-up"
	edDocTmp  = "syn-doc-tmp"
)

var (
	edUseNew  = eid(edDocNew, emnkg.RelUsesTerm, edTermNew)
	edConNew  = eid("syn-ncp-at", emnkg.RelContributedTo, edDocNew)
	edOnNew   = eid(edDocNew, emnkg.RelReportsOn, "syn-country-at")
	edLoopUp  = eid(edTermUp, emnkg.RelBroader, edTermUp)
	edUseTmp  = eid(edDocTmp, emnkg.RelUsesTerm, "syn-term-asylum")
	edBaseRep = eid("syn-ncp-at", emnkg.RelRepresents, "syn-country-at")
	edBaseMem = eid("syn-country-at", emnkg.RelMemberOf, "syn-net-emn")
)

// edTime is the time of the change set of step i of RunEditor: an hour
// apart, with nanoseconds, and step 3 in another time zone.
func edTime(i int) time.Time {
	t := time.Date(2025, 3, 1, 9, 0, 0, 123456789, time.UTC).Add(time.Duration(i) * time.Hour)
	if i == 3 {
		t = t.In(time.FixedZone("UTC+2", 2*60*60))
	}
	return t
}

// editBase is the graph RunEditor starts from.
func editBase() *emnkg.Graph {
	return &emnkg.Graph{
		Nodes: []*emnkg.Node{
			node("syn-country-at", emnkg.KindCountry, map[string]any{"name": "Austria"}),
			node("syn-country-be", emnkg.KindCountry, map[string]any{"name": "Belgium"}),
			node("syn-ncp-at", emnkg.KindNationalContactPoint, map[string]any{"name": "EMN Austria"}),
			node("syn-net-emn", emnkg.KindNetwork, map[string]any{"name": "European Migration Network"}),
			node("syn-term-asylum", emnkg.KindGlossaryTerm, map[string]any{"prefLabel_en": "asylum"}),
		},
		Edges: []*emnkg.Edge{
			edge("syn-ncp-at", emnkg.RelRepresents, "syn-country-at", "", nil),
			edge("syn-country-at", emnkg.RelMemberOf, "syn-net-emn", "", map[string]any{"role": "member"}),
		},
	}
}

// ---------------------------------------------------------------------------
// Builders.

func syn(props map[string]any) map[string]any {
	props["synthetic"] = true
	return props
}

func create(id string, kind emnkg.Kind, props map[string]any) emnkg.Change {
	return emnkg.Change{Op: emnkg.OpCreateNode, NodeID: id, Kind: kind, Props: props}
}

func update(id string, kind emnkg.Kind, expected int64, props map[string]any) emnkg.Change {
	return emnkg.Change{Op: emnkg.OpUpdateNode, NodeID: id, Kind: kind, ExpectedVersion: expected, Props: props}
}

func upsert(id string, kind emnkg.Kind, expected int64, props map[string]any) emnkg.Change {
	return emnkg.Change{Op: emnkg.OpUpsertNode, NodeID: id, Kind: kind, ExpectedVersion: expected, Props: props}
}

func del(id string, kind emnkg.Kind, expected int64) emnkg.Change {
	return emnkg.Change{Op: emnkg.OpDeleteNode, NodeID: id, Kind: kind, ExpectedVersion: expected}
}

func link(id string, t emnkg.RelType, from, to string, props map[string]any) emnkg.Change {
	return emnkg.Change{Op: emnkg.OpLink, Edge: &emnkg.Edge{ID: id, Type: t, From: from, To: to, Props: props}}
}

func unlink(id string) emnkg.Change {
	return emnkg.Change{Op: emnkg.OpUnlink, Edge: &emnkg.Edge{ID: id}}
}

// vnode is an expected node.
func vnode(id string, kind emnkg.Kind, version int64, props map[string]any) *emnkg.Node {
	return &emnkg.Node{ID: id, Kind: kind, Version: version, Props: props}
}

// vedge is an expected relationship; nil props are no properties.
func vedge(id string, t emnkg.RelType, from, to string, props map[string]any) *emnkg.Edge {
	if props == nil {
		props = map[string]any{}
	}
	return &emnkg.Edge{ID: id, Type: t, From: from, To: to, Props: props}
}

func withVersion(n *emnkg.Node) map[string]any {
	p := map[string]any{"_version": n.Version}
	for k, v := range n.Props {
		p[k] = v
	}
	return p
}

// nodeRec is the expected record of a node change (Time and Actor are
// filled in by apply).
func nodeRec(op emnkg.ChangeOp, before, after *emnkg.Node) emnkg.ChangeRecord {
	r := emnkg.ChangeRecord{Op: op}
	for _, n := range []*emnkg.Node{before, after} {
		if n != nil {
			r.TargetID, r.TargetKind = n.ID, n.Kind
		}
	}
	if before != nil {
		r.Before = withVersion(before)
	}
	if after != nil {
		r.After = withVersion(after)
	}
	return r
}

// edgeRec is the expected record of a relationship change.
func edgeRec(op emnkg.ChangeOp, before, after *emnkg.Edge) emnkg.ChangeRecord {
	e := after
	if e == nil {
		e = before
	}
	r := emnkg.ChangeRecord{Op: op, TargetID: e.ID, RelType: e.Type, From: e.From, To: e.To}
	if before != nil {
		r.Before = before.Props
	}
	if after != nil {
		r.After = after.Props
	}
	return r
}

// ---------------------------------------------------------------------------
// Comparisons.

func recordString(r emnkg.ChangeRecord) string {
	return fmt.Sprintf("#%d %s %s kind=%s type=%s %s->%s by %s at %s", r.Seq, r.Op, r.TargetID, r.TargetKind,
		r.RelType, r.From, r.To, r.Actor, r.Time.UTC().Format(time.RFC3339Nano))
}

// recordDiff describes how got differs from want, Seq aside, or returns "".
func recordDiff(got, want emnkg.ChangeRecord) string {
	var diffs []string
	if !got.Time.Equal(want.Time) {
		diffs = append(diffs, fmt.Sprintf("Time %s, want %s", got.Time, want.Time))
	}
	str := func(name, g, w string) {
		if g != w {
			diffs = append(diffs, fmt.Sprintf("%s %q, want %q", name, g, w))
		}
	}
	str("Actor", got.Actor, want.Actor)
	str("Op", string(got.Op), string(want.Op))
	str("TargetID", got.TargetID, want.TargetID)
	str("TargetKind", string(got.TargetKind), string(want.TargetKind))
	str("RelType", string(got.RelType), string(want.RelType))
	str("From", got.From, want.From)
	str("To", got.To, want.To)
	state := func(name string, g, w map[string]any) {
		switch {
		case g == nil && w != nil:
			diffs = append(diffs, name+" is nil")
		case g != nil && w == nil:
			diffs = append(diffs, fmt.Sprintf("%s %v, want nil", name, g))
		default:
			if d := propsDiff(g, w); d != "" {
				diffs = append(diffs, name+": "+d)
			}
		}
	}
	state("Before", got.Before, want.Before)
	state("After", got.After, want.After)
	if len(diffs) == 0 {
		return ""
	}
	return fmt.Sprintf("record of %s %s: %s", want.Op, want.TargetID, strings.Join(diffs, ", "))
}

// checkRecords checks records against the records written before (by
// index into r.recs), including their sequence numbers.
func (r *editRun) checkRecords(tb testing.TB, got []emnkg.ChangeRecord, want []int) {
	tb.Helper()
	gs := make([]string, len(got))
	for i, g := range got {
		gs[i] = recordString(g)
	}
	ws := make([]string, len(want))
	for i, w := range want {
		ws[i] = recordString(r.recs[w-1])
	}
	if !slices.Equal(gs, ws) {
		tb.Errorf("records:\n got  %s\n want %s", strings.Join(gs, "\n      "), strings.Join(ws, "\n      "))
		return
	}
	for i, g := range got {
		if d := recordDiff(g, r.recs[want[i]-1]); d != "" {
			tb.Error(d)
		}
	}
}

// checkNoRecordsAfter checks that no record follows sequence number seq.
func (r *editRun) checkNoRecordsAfter(tb testing.TB, seq int64) {
	tb.Helper()
	p, err := r.ed.Changes(tb.Context(), emnkg.ChangeQuery{AfterSeq: seq, Limit: 10})
	if err != nil {
		tb.Fatalf("Changes: %v", err)
	}
	if len(p.Records) != 0 || p.HasMore {
		gs := make([]string, len(p.Records))
		for i, g := range p.Records {
			gs[i] = recordString(g)
		}
		tb.Errorf("records after #%d: %q (HasMore %v), want none", seq, gs, p.HasMore)
	}
}

func (r *editRun) lastSeq() int64 {
	if len(r.recs) == 0 {
		return 0
	}
	return r.recs[len(r.recs)-1].Seq
}

// search checks, when the store is an Explorer, that tokens find exactly
// the nodes want (sorted by ID; the order of tiers is tested elsewhere).
func (r *editRun) search(tb testing.TB, want []string, tokens ...string) {
	tb.Helper()
	if r.x == nil {
		return
	}
	got := searchCandidates(tb, r.x, emnkg.SearchCandidatesQuery{Tokens: tokens, Limit: 100})
	if g := sorted(nodeIDs(got.Nodes)); !slices.Equal(g, want) {
		tb.Errorf("search %q: got %q, want %q", tokens, g, want)
	}
}

// apply applies a change set that must succeed and checks its result: the
// nodes and relationships (nil for removed ones) and the records, whose
// Time and Actor are the set's. It adds the records to r.recs and checks
// that the store then holds r.ix, which the caller has updated.
func (r *editRun) apply(tb testing.TB, cs emnkg.ChangeSet, nodes []*emnkg.Node, edges []*emnkg.Edge, recs []emnkg.ChangeRecord) {
	tb.Helper()
	res, err := r.ed.Apply(tb.Context(), cs)
	if err != nil {
		tb.Fatalf("Apply: %v", err)
	}
	if res == nil {
		tb.Fatalf("Apply returned a nil result")
	}
	if len(res.Nodes) != len(nodes) {
		tb.Errorf("result has %d nodes (%q), want %d", len(res.Nodes), nodeIDs(res.Nodes), len(nodes))
	} else {
		for i, n := range nodes {
			switch {
			case n == nil && res.Nodes[i] != nil:
				tb.Errorf("result node %d: got %s, want nil", i, res.Nodes[i].ID)
			case n != nil:
				if d := nodeDiff(res.Nodes[i], n); d != "" {
					tb.Errorf("result node %d: %s", i, d)
				}
			}
		}
	}
	if len(res.Edges) != len(edges) {
		tb.Errorf("result has %d edges (%q), want %d", len(res.Edges), edgeIDList(res.Edges), len(edges))
	} else {
		for i, e := range edges {
			switch {
			case e == nil && res.Edges[i] != nil:
				tb.Errorf("result edge %d: got %s, want nil", i, res.Edges[i].ID)
			case e != nil:
				if d := edgeDiff(res.Edges[i], e); d != "" {
					tb.Errorf("result edge %d: %s", i, d)
				}
			}
		}
	}
	if len(res.Records) != len(recs) {
		gs := make([]string, len(res.Records))
		for i, g := range res.Records {
			gs[i] = recordString(g)
		}
		tb.Fatalf("result has %d records, want %d:\n %s", len(res.Records), len(recs), strings.Join(gs, "\n "))
	}
	before := r.lastSeq()
	seq := before
	for i, want := range recs {
		want.Time, want.Actor = cs.Time, cs.Actor
		got := res.Records[i]
		if got.Seq <= seq {
			tb.Errorf("record %d: Seq %d does not follow %d", i, got.Seq, seq)
		}
		seq = got.Seq
		if d := recordDiff(got, want); d != "" {
			tb.Errorf("record %d: %s", i, d)
		}
		r.recs = append(r.recs, got)
	}
	checkHolds(tb, r.s, r.ix)
	// Changes lists the records as Apply returned them, and no others.
	p, err := r.ed.Changes(tb.Context(), emnkg.ChangeQuery{AfterSeq: before, Limit: 100})
	if err != nil {
		tb.Fatalf("Changes: %v", err)
	}
	var added []int
	for i := len(r.recs) - len(recs); i < len(r.recs); i++ {
		added = append(added, i+1)
	}
	r.checkRecords(tb, p.Records, added)
	if p.HasMore {
		tb.Errorf("Changes: HasMore after the last record")
	}
}

func (r *editRun) setNode(n *emnkg.Node) { r.ix.nodes[n.ID] = n }

func (r *editRun) setEdge(e *emnkg.Edge) { r.ix.edges[e.ID] = e }

// ---------------------------------------------------------------------------
// The sequence.

func (r *editRun) testCreate(t *testing.T) {
	cs := emnkg.ChangeSet{Actor: "alice", Time: edTime(1), Changes: []emnkg.Change{
		// A Go int is normalised to int64; the node is linked in the set
		// that creates it.
		create(edDocNew, emnkg.KindDocument, syn(map[string]any{"title": "Draft report", "year": 2024})),
		create(edTermNew, emnkg.KindGlossaryTerm, syn(map[string]any{"prefLabel_en": "pushback",
			"prefLabel_de": "Zurückweisung", "altLabels_en": []string{"push-back"}})),
		link(edUseNew, emnkg.RelUsesTerm, edDocNew, edTermNew, nil),
		link(edConNew, emnkg.RelContributedTo, "syn-ncp-at", edDocNew, map[string]any{"role": "author"}),
	}}
	doc := vnode(edDocNew, emnkg.KindDocument, 1, syn(map[string]any{"title": "Draft report", "year": int64(2024)}))
	term := vnode(edTermNew, emnkg.KindGlossaryTerm, 1, syn(map[string]any{"prefLabel_en": "pushback",
		"prefLabel_de": "Zurückweisung", "altLabels_en": []string{"push-back"}}))
	use := vedge(edUseNew, emnkg.RelUsesTerm, edDocNew, edTermNew, nil)
	con := vedge(edConNew, emnkg.RelContributedTo, "syn-ncp-at", edDocNew, map[string]any{"role": "author"})
	r.setNode(doc)
	r.setNode(term)
	r.setEdge(use)
	r.setEdge(con)
	r.apply(t, cs, []*emnkg.Node{doc, term}, []*emnkg.Edge{use, con}, []emnkg.ChangeRecord{
		nodeRec(emnkg.OpCreateNode, nil, doc), nodeRec(emnkg.OpCreateNode, nil, term),
		edgeRec(emnkg.OpLink, nil, use), edgeRec(emnkg.OpLink, nil, con),
	})
	r.search(t, []string{edDocNew}, "draft")
	r.search(t, []string{edTermNew}, "zuruckw")
	r.search(t, []string{edTermNew}, "push", "back")
}

func (r *editRun) testUpdate(t *testing.T) {
	cs := emnkg.ChangeSet{Actor: "bob", Time: edTime(2), Changes: []emnkg.Change{
		update(edDocNew, emnkg.KindDocument, 1, map[string]any{"title": "Final report",
			"abstract": "Pushback practices.", "year": int64(2025)}),
		// No kind, no expected version; nil removes a key.
		update(edDocNew, "", 0, map[string]any{"abstract": nil, "kind": "report"}),
		update("syn-country-at", emnkg.KindCountry, 1, map[string]any{"note": "edited"}),
	}}
	doc1 := r.ix.nodes[edDocNew]
	doc2 := vnode(edDocNew, emnkg.KindDocument, 2, syn(map[string]any{"title": "Final report",
		"abstract": "Pushback practices.", "year": int64(2025)}))
	doc3 := vnode(edDocNew, emnkg.KindDocument, 3, syn(map[string]any{"title": "Final report",
		"year": int64(2025), "kind": "report"}))
	at1 := r.ix.nodes["syn-country-at"]
	at2 := vnode("syn-country-at", emnkg.KindCountry, 2, syn(map[string]any{"name": "Austria", "note": "edited"}))
	r.setNode(doc3)
	r.setNode(at2)
	r.apply(t, cs, []*emnkg.Node{doc3, doc3, at2}, nil, []emnkg.ChangeRecord{
		nodeRec(emnkg.OpUpdateNode, doc1, doc2), nodeRec(emnkg.OpUpdateNode, doc2, doc3),
		nodeRec(emnkg.OpUpdateNode, at1, at2),
	})
	r.search(t, []string{}, "draft")
	r.search(t, []string{edDocNew}, "final")
	r.search(t, []string{edTermNew}, "pushb")
}

func (r *editRun) testUpsertCreates(t *testing.T) {
	// ExpectedVersion is ignored when UPSERT creates the node.
	cs := emnkg.ChangeSet{Actor: "carol", Time: edTime(3), Changes: []emnkg.Change{
		upsert(edTermUp, emnkg.KindGlossaryTerm, 5, syn(map[string]any{"prefLabel_en": "upserted",
			"definition_en": "To be replaced."})),
	}}
	up := vnode(edTermUp, emnkg.KindGlossaryTerm, 1, syn(map[string]any{"prefLabel_en": "upserted",
		"definition_en": "To be replaced."}))
	r.setNode(up)
	r.apply(t, cs, []*emnkg.Node{up}, nil, []emnkg.ChangeRecord{nodeRec(emnkg.OpUpsertNode, nil, up)})
	r.search(t, []string{edTermUp}, "upserted")
}

func (r *editRun) testUpsertReplaces(t *testing.T) {
	cs := emnkg.ChangeSet{Actor: "carol", Time: edTime(4), Changes: []emnkg.Change{
		upsert(edTermUp, emnkg.KindGlossaryTerm, 1, syn(map[string]any{"prefLabel_en": "replaced label",
			"scheme": "emn"})),
	}}
	up1 := r.ix.nodes[edTermUp]
	up2 := vnode(edTermUp, emnkg.KindGlossaryTerm, 2, syn(map[string]any{"prefLabel_en": "replaced label",
		"scheme": "emn"}))
	r.setNode(up2)
	r.apply(t, cs, []*emnkg.Node{up2}, nil, []emnkg.ChangeRecord{nodeRec(emnkg.OpUpsertNode, up1, up2)})
	r.search(t, []string{}, "upserted")
	r.search(t, []string{edTermUp}, "replac", "label")
}

func (r *editRun) testLink(t *testing.T) {
	cs := emnkg.ChangeSet{Actor: "alice", Time: edTime(5), Changes: []emnkg.Change{
		// The same ID again replaces the properties.
		link(edConNew, emnkg.RelContributedTo, "syn-ncp-at", edDocNew, map[string]any{"status": "final"}),
		link(edOnNew, emnkg.RelReportsOn, edDocNew, "syn-country-at", nil),
		link(edLoopUp, emnkg.RelBroader, edTermUp, edTermUp, map[string]any{"note": "loop"}),
	}}
	con1 := r.ix.edges[edConNew]
	con2 := vedge(edConNew, emnkg.RelContributedTo, "syn-ncp-at", edDocNew, map[string]any{"status": "final"})
	on := vedge(edOnNew, emnkg.RelReportsOn, edDocNew, "syn-country-at", nil)
	loop := vedge(edLoopUp, emnkg.RelBroader, edTermUp, edTermUp, map[string]any{"note": "loop"})
	r.setEdge(con2)
	r.setEdge(on)
	r.setEdge(loop)
	r.apply(t, cs, nil, []*emnkg.Edge{con2, on, loop}, []emnkg.ChangeRecord{
		edgeRec(emnkg.OpLink, con1, con2), edgeRec(emnkg.OpLink, nil, on), edgeRec(emnkg.OpLink, nil, loop),
	})
}

func (r *editRun) testUnlink(t *testing.T) {
	cs := emnkg.ChangeSet{Actor: "bob", Time: edTime(6), Changes: []emnkg.Change{unlink(edUseNew)}}
	use := r.ix.edges[edUseNew]
	delete(r.ix.edges, edUseNew)
	r.apply(t, cs, nil, nil, []emnkg.ChangeRecord{edgeRec(emnkg.OpUnlink, use, nil)})
}

func (r *editRun) testDelete(t *testing.T) {
	cs := emnkg.ChangeSet{Actor: "bob", Time: edTime(7), Changes: []emnkg.Change{
		del(edDocNew, emnkg.KindDocument, 3),
	}}
	doc, on, con := r.ix.nodes[edDocNew], r.ix.edges[edOnNew], r.ix.edges[edConNew]
	delete(r.ix.nodes, edDocNew)
	delete(r.ix.edges, edOnNew)
	delete(r.ix.edges, edConNew)
	// Its relationships go first, in the order of their IDs.
	r.apply(t, cs, []*emnkg.Node{nil}, nil, []emnkg.ChangeRecord{
		edgeRec(emnkg.OpDeleteNode, on, nil), edgeRec(emnkg.OpDeleteNode, con, nil),
		nodeRec(emnkg.OpDeleteNode, doc, nil),
	})
	r.search(t, []string{}, "final")
}

func (r *editRun) testDeleteCreateAgain(t *testing.T) {
	cs := emnkg.ChangeSet{Actor: "alice", Time: edTime(8), Changes: []emnkg.Change{
		del(edTermUp, "", 2),
		create(edDocNew, emnkg.KindDocument, syn(map[string]any{"title": "Recreated"})),
	}}
	up, loop := r.ix.nodes[edTermUp], r.ix.edges[edLoopUp]
	doc := vnode(edDocNew, emnkg.KindDocument, 1, syn(map[string]any{"title": "Recreated"}))
	delete(r.ix.nodes, edTermUp)
	delete(r.ix.edges, edLoopUp)
	r.setNode(doc)
	// A relationship from the node to itself is removed once.
	r.apply(t, cs, []*emnkg.Node{nil, doc}, nil, []emnkg.ChangeRecord{
		edgeRec(emnkg.OpDeleteNode, loop, nil), nodeRec(emnkg.OpDeleteNode, up, nil),
		nodeRec(emnkg.OpCreateNode, nil, doc),
	})
	r.search(t, []string{}, "replaced")
	r.search(t, []string{edDocNew}, "recreated")
}

func (r *editRun) testWithinOneSet(t *testing.T) {
	// Each change sees the ones before it; the result shows the state
	// after the whole set.
	cs := emnkg.ChangeSet{Actor: "dave", Time: edTime(9), Changes: []emnkg.Change{
		create(edDocTmp, emnkg.KindDocument, syn(map[string]any{"title": "Temporary"})),
		link(edUseTmp, emnkg.RelUsesTerm, edDocTmp, "syn-term-asylum", nil),
		update(edDocTmp, "", 1, map[string]any{"year": int64(2000)}),
		del(edDocTmp, emnkg.KindDocument, 2),
	}}
	tmp1 := vnode(edDocTmp, emnkg.KindDocument, 1, syn(map[string]any{"title": "Temporary"}))
	tmp2 := vnode(edDocTmp, emnkg.KindDocument, 2, syn(map[string]any{"title": "Temporary", "year": int64(2000)}))
	use := vedge(edUseTmp, emnkg.RelUsesTerm, edDocTmp, "syn-term-asylum", nil)
	r.apply(t, cs, []*emnkg.Node{nil, nil, nil}, []*emnkg.Edge{nil}, []emnkg.ChangeRecord{
		nodeRec(emnkg.OpCreateNode, nil, tmp1), edgeRec(emnkg.OpLink, nil, use),
		nodeRec(emnkg.OpUpdateNode, tmp1, tmp2), edgeRec(emnkg.OpDeleteNode, use, nil),
		nodeRec(emnkg.OpDeleteNode, tmp2, nil),
	})
	r.search(t, []string{}, "temporary")
}

// testFailures applies change sets that fail, to the store as it is after
// testLink, and checks that each leaves nothing behind.
func (r *editRun) testFailures(t *testing.T) {
	ut, doc, term := emnkg.RelUsesTerm, emnkg.KindDocument, emnkg.KindGlossaryTerm
	at := edTime(5).Add(30 * time.Minute)
	sets := []struct {
		name string
		cs   emnkg.ChangeSet
		code string
	}{
		{"no changes", emnkg.ChangeSet{Actor: "mallory", Time: at}, emnkg.EINVALID},
		{"no actor", emnkg.ChangeSet{Time: at, Changes: []emnkg.Change{update(edDocNew, "", 0, nil)}}, emnkg.EINVALID},
		{"no time", emnkg.ChangeSet{Actor: "mallory", Changes: []emnkg.Change{update(edDocNew, "", 0, nil)}}, emnkg.EINVALID},
	}
	tests := []struct {
		name    string
		changes []emnkg.Change
		code    string
	}{
		{"unknown op", []emnkg.Change{{Op: "RENAME", NodeID: edDocNew}}, emnkg.EINVALID},
		{"create existing", []emnkg.Change{create(edDocNew, doc, map[string]any{"title": "x"})}, emnkg.ECONFLICT},
		{"create existing of another kind", []emnkg.Change{create("syn-country-be", doc, map[string]any{"title": "x"})},
			emnkg.ECONFLICT},
		{"create invalid id", []emnkg.Change{create("bad id!", doc, map[string]any{"title": "x"})}, emnkg.EINVALID},
		{"create empty id", []emnkg.Change{create("", doc, map[string]any{"title": "x"})}, emnkg.EINVALID},
		{"create unknown kind", []emnkg.Change{create("syn-doc-x", "Planet", nil)}, emnkg.EINVALID},
		{"create without kind", []emnkg.Change{create("syn-doc-x", "", nil)}, emnkg.EINVALID},
		{"create unknown property", []emnkg.Change{create("syn-doc-x", doc, map[string]any{"colour": "red"})},
			emnkg.EINVALID},
		{"create property of another kind", []emnkg.Change{create("syn-doc-x", doc, map[string]any{"emnCode": "X"})},
			emnkg.EINVALID},
		{"create wrong value type", []emnkg.Change{create("syn-doc-x", doc, map[string]any{"year": "2024"})},
			emnkg.EINVALID},
		{"update unknown", []emnkg.Change{update("syn-unknown", "", 0, map[string]any{"note": "x"})}, emnkg.ENOTFOUND},
		{"update stale", []emnkg.Change{update(edDocNew, doc, 1, map[string]any{"note": "x"})}, emnkg.ECONFLICT},
		{"update of another kind", []emnkg.Change{update(edDocNew, emnkg.KindCountry, 0, map[string]any{"note": "x"})},
			emnkg.ECONFLICT},
		{"update unknown kind", []emnkg.Change{update(edDocNew, "Planet", 0, map[string]any{"note": "x"})}, emnkg.EINVALID},
		{"update unknown property", []emnkg.Change{update(edDocNew, "", 0, map[string]any{"colour": "red"})},
			emnkg.EINVALID},
		{"update removes unknown property", []emnkg.Change{update(edDocNew, "", 0, map[string]any{"colour": nil})},
			emnkg.EINVALID},
		{"update wrong value type", []emnkg.Change{update(edDocNew, "", 0, map[string]any{"year": "2025"})},
			emnkg.EINVALID},
		{"upsert stale", []emnkg.Change{upsert(edTermUp, term, 1, map[string]any{"prefLabel_en": "x"})}, emnkg.ECONFLICT},
		{"upsert of another kind", []emnkg.Change{upsert(edTermUp, doc, 0, map[string]any{"title": "x"})},
			emnkg.ECONFLICT},
		{"upsert unknown property", []emnkg.Change{upsert("syn-term-x", term, 0, map[string]any{"title": "x"})},
			emnkg.EINVALID},
		{"delete unknown", []emnkg.Change{del("syn-unknown", "", 0)}, emnkg.ENOTFOUND},
		{"delete stale", []emnkg.Change{del(edDocNew, "", 2)}, emnkg.ECONFLICT},
		{"delete of another kind", []emnkg.Change{del(edDocNew, emnkg.KindCountry, 0)}, emnkg.ECONFLICT},
		{"link missing from", []emnkg.Change{link(eid("syn-doc-missing", ut, edTermNew), ut, "syn-doc-missing", edTermNew,
			nil)}, emnkg.ENOTFOUND},
		{"link missing to", []emnkg.Change{link(eid(edDocNew, ut, "syn-term-missing"), ut, edDocNew, "syn-term-missing",
			nil)}, emnkg.ENOTFOUND},
		{"link kinds not allowed", []emnkg.Change{link(eid("syn-country-at", ut, edTermNew), ut, "syn-country-at",
			edTermNew, nil)}, emnkg.EINVALID},
		{"link in the wrong direction", []emnkg.Change{link(eid(edTermNew, ut, edDocNew), ut, edTermNew, edDocNew, nil)},
			emnkg.EINVALID},
		{"link unknown type", []emnkg.Change{link(eid(edDocNew, "LIKES", edTermNew), "LIKES", edDocNew, edTermNew, nil)},
			emnkg.EINVALID},
		{"link without relationship", []emnkg.Change{{Op: emnkg.OpLink}}, emnkg.EINVALID},
		{"link without id", []emnkg.Change{link("", ut, edDocNew, "syn-term-asylum", nil)}, emnkg.EINVALID},
		{"link unknown property", []emnkg.Change{link(eid(edDocNew, ut, "syn-term-asylum"), ut, edDocNew,
			"syn-term-asylum", map[string]any{"weight": int64(1)})}, emnkg.EINVALID},
		{"link id stored with other ends", []emnkg.Change{link(edOnNew, emnkg.RelReportsOn, edDocNew, "syn-country-be",
			nil)}, emnkg.ECONFLICT},
		{"unlink unknown", []emnkg.Change{unlink(eid(edDocNew, ut, "syn-term-asylum"))}, emnkg.ENOTFOUND},
		{"unlink an ID never stored", []emnkg.Change{unlink(eid("syn-ncp-at", emnkg.RelHostedBy,
			"syn-country-at"))}, emnkg.ENOTFOUND},
		{"unlink without relationship", []emnkg.Change{{Op: emnkg.OpUnlink}}, emnkg.EINVALID},
		{"unlink without id", []emnkg.Change{unlink("")}, emnkg.EINVALID},
		{"first failure decides: not found", []emnkg.Change{update("syn-unknown", "", 0, nil),
			create("syn-doc-x", "Planet", nil)}, emnkg.ENOTFOUND},
		{"first failure decides: invalid", []emnkg.Change{create("syn-doc-x", "Planet", nil),
			update("syn-unknown", "", 0, nil)}, emnkg.EINVALID},
		{"versions grow within the set", []emnkg.Change{update(edTermNew, "", 1, map[string]any{"scheme": "a"}),
			update(edTermNew, "", 1, map[string]any{"scheme": "b"})}, emnkg.ECONFLICT},
		{"unlinked within the set", []emnkg.Change{unlink(edUseNew), unlink(edUseNew)}, emnkg.ENOTFOUND},
		{"deleted within the set", []emnkg.Change{del(edTermNew, "", 0), update(edTermNew, "", 0, nil)}, emnkg.ENOTFOUND},
		{"end deleted within the set", []emnkg.Change{del(edTermNew, "", 0),
			link(emnkg.EdgeID(edDocNew, ut, edTermNew, "k2"), ut, edDocNew, edTermNew, nil)}, emnkg.ENOTFOUND},
		{"nothing of the set remains: last change fails", []emnkg.Change{
			create("syn-doc-x", doc, syn(map[string]any{"title": "Refoulement"})),
			link(eid("syn-doc-x", ut, edTermNew), ut, "syn-doc-x", edTermNew, nil),
			update(edTermNew, "", 1, map[string]any{"prefLabel_fr": "refoulement"}),
			upsert(edTermUp, term, 2, syn(map[string]any{"prefLabel_en": "refoulement"})),
			del("syn-net-emn", "", 0),
			unlink(edConNew),
			link(edLoopUp, emnkg.RelBroader, edTermUp, edTermUp, map[string]any{"note": "changed"}),
			update("syn-unknown", "", 0, nil),
		}, emnkg.ENOTFOUND},
		{"nothing of the set remains: middle change fails", []emnkg.Change{
			update(edTermNew, term, 1, map[string]any{"prefLabel_fr": "refoulement"}),
			create(edDocNew, doc, map[string]any{"title": "Refoulement"}),
			create("syn-doc-y", doc, syn(map[string]any{"title": "Refoulement"})),
		}, emnkg.ECONFLICT},
	}
	for _, tt := range tests {
		sets = append(sets, struct {
			name string
			cs   emnkg.ChangeSet
			code string
		}{tt.name, emnkg.ChangeSet{Actor: "mallory", Time: at, Changes: tt.changes}, tt.code})
	}
	seq := r.lastSeq()
	for _, tt := range sets {
		t.Run(tt.name, func(t *testing.T) {
			res, err := r.ed.Apply(t.Context(), tt.cs)
			checkCode(t, err, tt.code)
			if err == nil && res != nil {
				t.Errorf("got %d records", len(res.Records))
			}
			r.checkNoRecordsAfter(t, seq)
		})
	}
	t.Run("NothingChanged", func(t *testing.T) {
		checkHolds(t, r.s, r.ix)
		r.checkNoRecordsAfter(t, seq)
		r.search(t, []string{}, "refoulement")
		r.search(t, []string{edTermUp}, "replaced")
	})
}

func (r *editRun) testChanges(t *testing.T) {
	if len(r.recs) != 24 {
		t.Fatalf("the sequence wrote %d records, want 24", len(r.recs))
	}
	for i := 1; i < len(r.recs); i++ {
		if r.recs[i].Seq <= r.recs[i-1].Seq || r.recs[i-1].Seq <= 0 {
			t.Fatalf("sequence numbers do not grow: %d, %d", r.recs[i-1].Seq, r.recs[i].Seq)
		}
	}
	span := func(from, to int) []int {
		var out []int
		for i := from; i <= to; i++ {
			out = append(out, i)
		}
		return out
	}
	seq := func(i int) int64 { return r.recs[i-1].Seq }
	tests := []struct {
		name string
		q    emnkg.ChangeQuery
		want []int
		more bool
	}{
		{"all", emnkg.ChangeQuery{Limit: 100}, span(1, 24), false},
		{"actor", emnkg.ChangeQuery{Actor: "bob", Limit: 100}, []int{5, 6, 7, 13, 14, 15, 16}, false},
		{"unknown actor", emnkg.ChangeQuery{Actor: "nobody", Limit: 100}, nil, false},
		{"since is inclusive", emnkg.ChangeQuery{Since: edTime(5), Limit: 100}, span(10, 24), false},
		{"until is exclusive", emnkg.ChangeQuery{Until: edTime(3), Limit: 100}, span(1, 7), false},
		{"since and until across time zones", emnkg.ChangeQuery{Since: edTime(3).UTC(), Until: edTime(5), Limit: 100},
			[]int{8, 9}, false},
		{"until the first", emnkg.ChangeQuery{Until: edTime(1), Limit: 100}, nil, false},
		{"since after the last", emnkg.ChangeQuery{Since: edTime(9).Add(time.Nanosecond), Limit: 100}, nil, false},
		{"node with its relationships", emnkg.ChangeQuery{NodeID: edDocNew, Limit: 100},
			[]int{1, 3, 4, 5, 6, 10, 11, 13, 14, 15, 16, 19}, false},
		{"node created in a set", emnkg.ChangeQuery{NodeID: edTermNew, Limit: 100}, []int{2, 3, 13}, false},
		{"imported node, changed relationships", emnkg.ChangeQuery{NodeID: "syn-ncp-at", Limit: 100}, []int{4, 10, 15}, false},
		{"imported node, changed", emnkg.ChangeQuery{NodeID: "syn-country-at", Limit: 100}, []int{7, 11, 14}, false},
		{"node with a loop", emnkg.ChangeQuery{NodeID: edTermUp, Limit: 100}, []int{8, 9, 12, 17, 18}, false},
		{"node only linked", emnkg.ChangeQuery{NodeID: "syn-term-asylum", Limit: 100}, []int{21, 23}, false},
		{"node only imported", emnkg.ChangeQuery{NodeID: "syn-net-emn", Limit: 100}, nil, false},
		{"node and actor", emnkg.ChangeQuery{NodeID: edDocNew, Actor: "alice", Limit: 100}, []int{1, 3, 4, 10, 11, 19}, false},
		{"node, actor and since", emnkg.ChangeQuery{NodeID: edDocNew, Actor: "bob", Since: edTime(2), Limit: 100},
			[]int{5, 6, 13, 14, 15, 16}, false},
		{"after seq", emnkg.ChangeQuery{AfterSeq: seq(20), Limit: 100}, span(21, 24), false},
		{"after the last seq", emnkg.ChangeQuery{AfterSeq: seq(24), Limit: 100}, nil, false},
		{"limit", emnkg.ChangeQuery{Limit: 5}, span(1, 5), true},
		{"limit exact", emnkg.ChangeQuery{Actor: "carol", Limit: 2}, []int{8, 9}, false},
		{"limit 0", emnkg.ChangeQuery{Limit: 0}, nil, true},
		{"limit 0 without matches", emnkg.ChangeQuery{Actor: "nobody", Limit: 0}, nil, false},
		{"node and limit", emnkg.ChangeQuery{NodeID: edDocNew, Limit: 3}, []int{1, 3, 4}, true},
		{"node after seq", emnkg.ChangeQuery{NodeID: edDocNew, AfterSeq: seq(4), Limit: 100},
			[]int{5, 6, 10, 11, 13, 14, 15, 16, 19}, false},
		{"max limit", emnkg.ChangeQuery{Actor: "dave", Limit: emnkg.MaxPageSize}, span(20, 24), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := r.ed.Changes(t.Context(), tt.q)
			if err != nil {
				t.Fatalf("Changes: %v", err)
			}
			r.checkRecords(t, p.Records, tt.want)
			if p.HasMore != tt.more {
				t.Errorf("HasMore = %v, want %v", p.HasMore, tt.more)
			}
		})
	}
	t.Run("pages", func(t *testing.T) {
		var after int64
		for page := 0; page < 5; page++ {
			p, err := r.ed.Changes(t.Context(), emnkg.ChangeQuery{AfterSeq: after, Limit: 5})
			if err != nil {
				t.Fatalf("Changes: %v", err)
			}
			r.checkRecords(t, p.Records, span(page*5+1, min(page*5+5, 24)))
			if p.HasMore != (page < 4) {
				t.Errorf("page %d: HasMore = %v", page, p.HasMore)
			}
			if len(p.Records) == 0 {
				t.Fatalf("page %d is empty", page)
			}
			after = p.Records[len(p.Records)-1].Seq
		}
	})
	for _, tt := range []struct {
		name string
		q    emnkg.ChangeQuery
	}{
		{"negative limit", emnkg.ChangeQuery{Limit: -1}},
		{"limit too large", emnkg.ChangeQuery{Limit: emnkg.MaxPageSize + 1}},
		{"negative after seq", emnkg.ChangeQuery{AfterSeq: -1, Limit: 10}},
	} {
		t.Run("invalid "+tt.name, func(t *testing.T) {
			p, err := r.ed.Changes(t.Context(), tt.q)
			checkCode(t, err, emnkg.EINVALID)
			if err == nil && p != nil {
				t.Errorf("got %d records", len(p.Records))
			}
		})
	}
}

// testImportAfterApply checks that ImportGraph writes no record, also for
// nodes that change sets made, and that versions it grows count for
// ExpectedVersion.
func (r *editRun) testImportAfterApply(t *testing.T) {
	props := func() map[string]any {
		return syn(map[string]any{"prefLabel_en": "pushback", "prefLabel_de": "Zurückweisung",
			"altLabels_en": []string{"push-back"}, "prefLabel_fr": "refoulement"})
	}
	g := &emnkg.Graph{Nodes: []*emnkg.Node{node(edTermNew, emnkg.KindGlossaryTerm, props())}}
	checkImportResult(t, importGraph(t, r.s, g), emnkg.ImportResult{NodesUpdated: 1})
	term2 := vnode(edTermNew, emnkg.KindGlossaryTerm, 2, props())
	r.setNode(term2)
	checkHolds(t, r.s, r.ix)
	r.checkNoRecordsAfter(t, r.lastSeq())
	r.search(t, []string{edTermNew}, "refoulement")

	_, err := r.ed.Apply(t.Context(), emnkg.ChangeSet{Actor: "erin", Time: edTime(10), Changes: []emnkg.Change{
		update(edTermNew, "", 1, map[string]any{"scheme": "emn"})}})
	checkCode(t, err, emnkg.ECONFLICT)
	term3 := vnode(edTermNew, emnkg.KindGlossaryTerm, 3, syn(map[string]any{"prefLabel_en": "pushback",
		"prefLabel_de": "Zurückweisung", "altLabels_en": []string{"push-back"}, "prefLabel_fr": "refoulement",
		"scheme": "emn"}))
	r.setNode(term3)
	r.apply(t, emnkg.ChangeSet{Actor: "erin", Time: edTime(10), Changes: []emnkg.Change{
		update(edTermNew, "", 2, map[string]any{"scheme": "emn"})}},
		[]*emnkg.Node{term3}, nil, []emnkg.ChangeRecord{nodeRec(emnkg.OpUpdateNode, term2, term3)})
}

// ---------------------------------------------------------------------------
// API keys.

func keyString(k emnkg.APIKey) string {
	revoked := "-"
	if k.RevokedAt != nil {
		revoked = k.RevokedAt.UTC().Format(time.RFC3339Nano)
	}
	return fmt.Sprintf("%s(%q %s %q created %s revoked %s)", k.ID, k.Name, k.Role, k.Hash,
		k.CreatedAt.UTC().Format(time.RFC3339Nano), revoked)
}

func checkKeys(tb testing.TB, got, want []emnkg.APIKey) {
	tb.Helper()
	gs := make([]string, len(got))
	for i, k := range got {
		gs[i] = keyString(k)
	}
	ws := make([]string, len(want))
	for i, k := range want {
		ws[i] = keyString(k)
	}
	if !slices.Equal(gs, ws) {
		tb.Errorf("API keys:\n got  %s\n want %s", strings.Join(gs, "\n      "), strings.Join(ws, "\n      "))
	}
}

func (r *editRun) apiKeys(tb testing.TB) []emnkg.APIKey {
	tb.Helper()
	ks, err := r.ed.APIKeys(tb.Context())
	if err != nil {
		tb.Fatalf("APIKeys: %v", err)
	}
	return ks
}

func (r *editRun) checkKeyByHash(tb testing.TB, hash string, want emnkg.APIKey) {
	tb.Helper()
	k, err := r.ed.APIKeyByHash(tb.Context(), hash)
	if err != nil {
		tb.Errorf("APIKeyByHash(%q): %v", hash, err)
		return
	}
	checkKeys(tb, []emnkg.APIKey{*k}, []emnkg.APIKey{want})
}

func (r *editRun) testAPIKeys(t *testing.T) {
	ctx := t.Context()
	created := time.Date(2025, 2, 1, 8, 0, 0, 5000, time.UTC)
	k1 := emnkg.APIKey{ID: "syn-key-1", Name: "ci", Role: emnkg.RoleEditor, Hash: "hash-1", CreatedAt: created}
	k2 := emnkg.APIKey{ID: "syn-key-2", Name: "dashboard", Role: emnkg.RoleResearcher, Hash: "hash-2",
		CreatedAt: created.Add(-time.Hour).In(time.FixedZone("UTC-5", -5*60*60))}
	k0 := emnkg.APIKey{ID: "syn-key-0", Name: "", Role: emnkg.RoleAdmin, Hash: "hash-0", CreatedAt: created}
	checkKeys(t, r.apiKeys(t), nil)
	for _, k := range []emnkg.APIKey{k1, k2, k0} {
		if err := r.ed.CreateAPIKey(ctx, k); err != nil {
			t.Fatalf("CreateAPIKey(%s): %v", k.ID, err)
		}
	}
	// By creation time, then by ID.
	r.keys = []emnkg.APIKey{k2, k0, k1}
	checkKeys(t, r.apiKeys(t), r.keys)
	r.checkKeyByHash(t, "hash-1", k1)
	r.checkKeyByHash(t, "hash-2", k2)
	_, err := r.ed.APIKeyByHash(ctx, "hash-unknown")
	checkCode(t, err, emnkg.ENOTFOUND)

	bad := []struct {
		name string
		k    emnkg.APIKey
		code string
	}{
		{"same id", emnkg.APIKey{ID: "syn-key-1", Role: emnkg.RoleEditor, Hash: "hash-new", CreatedAt: created}, emnkg.ECONFLICT},
		{"same hash", emnkg.APIKey{ID: "syn-key-new", Role: emnkg.RoleEditor, Hash: "hash-2", CreatedAt: created}, emnkg.ECONFLICT},
		{"unknown role", emnkg.APIKey{ID: "syn-key-new", Role: "superuser", Hash: "hash-new", CreatedAt: created}, emnkg.EINVALID},
		{"no role", emnkg.APIKey{ID: "syn-key-new", Hash: "hash-new", CreatedAt: created}, emnkg.EINVALID},
		{"no id", emnkg.APIKey{Role: emnkg.RoleEditor, Hash: "hash-new", CreatedAt: created}, emnkg.EINVALID},
		{"no hash", emnkg.APIKey{ID: "syn-key-new", Role: emnkg.RoleEditor, CreatedAt: created}, emnkg.EINVALID},
		{"no create time", emnkg.APIKey{ID: "syn-key-new", Role: emnkg.RoleEditor, Hash: "hash-new"}, emnkg.EINVALID},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			checkCode(t, r.ed.CreateAPIKey(t.Context(), tt.k), tt.code)
		})
	}
	checkKeys(t, r.apiKeys(t), r.keys)

	revoked := created.Add(24*time.Hour + 7)
	if err := r.ed.RevokeAPIKey(ctx, "syn-key-1", revoked); err != nil {
		t.Fatalf("RevokeAPIKey: %v", err)
	}
	k1.RevokedAt = &revoked
	r.keys[2] = k1
	// A revoked key is still found, and keeps its first revocation time.
	r.checkKeyByHash(t, "hash-1", k1)
	if err := r.ed.RevokeAPIKey(ctx, "syn-key-1", revoked.Add(time.Hour)); err != nil {
		t.Errorf("RevokeAPIKey again: %v", err)
	}
	checkCode(t, r.ed.RevokeAPIKey(ctx, "syn-key-unknown", revoked), emnkg.ENOTFOUND)
	checkKeys(t, r.apiKeys(t), r.keys)
	r.checkKeyByHash(t, "hash-0", k0)
	// Keys are neither nodes nor audited.
	checkHolds(t, r.s, r.ix)
	r.checkNoRecordsAfter(t, 0)
}

func (r *editRun) testAPIKeysSurvive(t *testing.T) {
	checkKeys(t, r.apiKeys(t), r.keys)
	for _, k := range r.keys {
		r.checkKeyByHash(t, k.Hash, k)
	}
}
