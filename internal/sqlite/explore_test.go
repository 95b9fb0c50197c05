package sqlite

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/emnkg/emnkg/internal/storetest"
)

// randomGraph returns a small random graph for differential tests: a few
// nodes of several kinds with properties drawn from small pools (so that
// facets group and filters match), and relationships of random allowed
// types, with parallel relationships and loops.
func randomGraph(r *rand.Rand) *emnkg.Graph {
	g := &emnkg.Graph{}
	kinds := map[emnkg.Kind]int{emnkg.KindGlossaryTerm: 8, emnkg.KindDocument: 7, emnkg.KindCountry: 4,
		emnkg.KindNationalContactPoint: 4, emnkg.KindOrganisation: 3, emnkg.KindNetwork: 2}
	words := []string{"return", "asylum", "Rückkehr", "retour", "migration", "réfugié", "emn", "reintegration"}
	pick := func(vs ...string) string { return vs[r.IntN(len(vs))] }
	var ids []string
	byKind := map[emnkg.Kind][]string{}
	for _, k := range emnkg.Kinds() {
		for i := range kinds[k] {
			id := fmt.Sprintf("syn-%s-%d", strings.ToLower(string(k)), i)
			p := map[string]any{"synthetic": true}
			if r.IntN(3) > 0 {
				p["uncertain"] = r.IntN(2) == 0
			}
			switch k {
			case emnkg.KindGlossaryTerm:
				for _, lang := range []string{"en", "de", "fr"} {
					if r.IntN(3) > 0 {
						p["prefLabel_"+lang] = pick(words...) + " " + pick(words...)
					}
				}
				if r.IntN(2) == 0 {
					p["altLabels_en"] = []string{pick(words...), pick(words...)}
				}
				if r.IntN(2) == 0 {
					p["scheme"] = pick("emn", "unhcr")
				}
			case emnkg.KindDocument:
				if r.IntN(4) > 0 {
					p["title"] = pick(words...) + " " + pick("report", "study")
				}
				if r.IntN(3) > 0 {
					p["year"] = int64(2018 + r.IntN(4))
				}
				if r.IntN(3) > 0 {
					p["kind"] = pick("report", "study")
				}
			default:
				if r.IntN(5) > 0 {
					p["name"] = pick(words...)
				}
				if k == emnkg.KindCountry && r.IntN(3) > 0 {
					p["euMember"] = r.IntN(2) == 0
				}
			}
			g.Nodes = append(g.Nodes, &emnkg.Node{ID: id, Kind: k, Props: p})
			ids = append(ids, id)
			byKind[k] = append(byKind[k], id)
		}
	}
	defs := emnkg.RelDefs()
	for i := range 60 {
		d := defs[r.IntN(len(defs))]
		froms, tos := []string{}, []string{}
		for _, k := range d.From {
			froms = append(froms, byKind[k]...)
		}
		for _, k := range d.To {
			tos = append(tos, byKind[k]...)
		}
		if len(froms) == 0 || len(tos) == 0 {
			continue
		}
		from, to := froms[r.IntN(len(froms))], tos[r.IntN(len(tos))]
		if r.IntN(15) == 0 && slices.Contains(tos, from) {
			to = from
		}
		p := map[string]any{}
		if r.IntN(2) == 0 {
			p["role"] = pick("member", "host")
		}
		g.Edges = append(g.Edges, &emnkg.Edge{ID: emnkg.EdgeID(from, d.Type, to, fmt.Sprint(i%3)), Type: d.Type,
			From: from, To: to, Props: p})
	}
	_ = ids
	return g
}

// differ compares the answers of the store and of MemStore to one query:
// the same error code, or equal results.
func differ(t *testing.T, what string, got, want any, gotErr, wantErr error) {
	t.Helper()
	if emnkg.ErrorCode(gotErr) != emnkg.ErrorCode(wantErr) {
		t.Errorf("%s: error %v, want %v", what, gotErr, wantErr)
		return
	}
	if wantErr == nil && !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got  %s\n want %s", what, describe(got), describe(want))
	}
}

// describe prints nodes and relationships by ID, for messages.
func describe(v any) string {
	s := fmt.Sprintf("%+v", v)
	if len(s) > 2000 {
		s = s[:2000] + "…"
	}
	return s
}

// TestExplorerMatchesReference runs random queries against the store and
// against MemStore, the reference model of storetest, on random graphs.
func TestExplorerMatchesReference(t *testing.T) {
	for seed := range uint64(8) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 42))
			g := randomGraph(r)
			s := newTestStore(t)
			m := storetest.NewMemStore()
			t.Cleanup(func() { _ = m.Close() })
			mustImport(t, s, g)
			if _, err := m.ImportGraph(t.Context(), randomGraph(rand.New(rand.NewPCG(seed, 42)))); err != nil {
				t.Fatal(err)
			}
			q := &randomQueries{r: r, g: g}
			for i := range 150 {
				q.compare(t, i, s, m)
			}
		})
	}
}

// randomQueries draws queries about a graph.
type randomQueries struct {
	r *rand.Rand
	g *emnkg.Graph
}

func (q *randomQueries) ids(n int) []string {
	var out []string
	for range n {
		if q.r.IntN(8) == 0 {
			out = append(out, "syn-unknown")
		} else {
			out = append(out, q.g.Nodes[q.r.IntN(len(q.g.Nodes))].ID)
		}
	}
	return out
}

func (q *randomQueries) types(n int) []emnkg.RelType {
	var out []emnkg.RelType
	for range n {
		out = append(out, q.g.Edges[q.r.IntN(len(q.g.Edges))].Type)
	}
	return out
}

func (q *randomQueries) kinds(n int) []emnkg.Kind {
	ks := emnkg.Kinds()
	var out []emnkg.Kind
	for range n {
		out = append(out, ks[q.r.IntN(6)])
	}
	return out
}

func (q *randomQueries) dir() emnkg.Direction {
	return []emnkg.Direction{emnkg.DirectionOut, emnkg.DirectionIn, emnkg.DirectionBoth}[q.r.IntN(3)]
}

func (q *randomQueries) compare(t *testing.T, i int, s *Store, m *storetest.MemStore) {
	t.Helper()
	ctx := t.Context()
	switch i % 7 {
	case 0:
		eq := emnkg.ExpandQuery{NodeIDs: q.ids(1 + q.r.IntN(4) + 30*q.r.IntN(2)), Types: q.types(q.r.IntN(3)), Direction: q.dir(),
			Kinds: q.kinds(q.r.IntN(3)), Limit: q.r.IntN(12)}
		got, err1 := s.Expand(ctx, eq)
		want, err2 := m.Expand(ctx, eq)
		differ(t, fmt.Sprintf("Expand %+v", eq), got, want, err1, err2)
		gotIDs, err1 := s.Neighbours(ctx, eq)
		wantIDs, err2 := m.Neighbours(ctx, eq)
		differ(t, fmt.Sprintf("Neighbours %+v", eq), gotIDs, wantIDs, err1, err2)
		// Neighbours merges the lists of a few nodes; the grouped form
		// it uses for many must give the same answer.
		if err2 == nil && len(wantIDs) > 0 {
			query, args, err := neighboursSQL(eq, sortedIDs(eq.NodeIDs), false)
			if err != nil {
				t.Fatal(err)
			}
			grouped, err := s.readIDs(ctx, "neighbours", query, args)
			differ(t, fmt.Sprintf("grouped Neighbours %+v", eq), grouped, wantIDs, err, nil)
		}
	case 1:
		ids, types := q.ids(2+q.r.IntN(10)), q.types(q.r.IntN(3))
		got, err1 := s.EdgesAmong(ctx, ids, types)
		want, err2 := m.EdgesAmong(ctx, ids, types)
		differ(t, fmt.Sprintf("EdgesAmong %q %q", ids, types), got, want, err1, err2)
	case 2, 3:
		pq := q.pattern()
		want, err2 := m.MatchPattern(ctx, pq)
		// Both plans of a pattern that has two: the ordered one (given all
		// the time it needs), the flat one, and the flat one after the
		// ordered one ran out of time.
		for _, budget := range []time.Duration{time.Hour, 0, time.Nanosecond} {
			s.orderedPatternBudget = budget
			got, err1 := s.MatchPattern(ctx, pq)
			differ(t, fmt.Sprintf("MatchPattern (ordered plan budget %v) %+v", budget, pq), got, want, err1, err2)
		}
		s.orderedPatternBudget = orderedPatternBudget
	case 4:
		fq := q.facets()
		got, err1 := s.Facets(ctx, fq)
		want, err2 := m.Facets(ctx, fq)
		differ(t, fmt.Sprintf("Facets %+v", fq), got, want, err1, err2)
	case 5:
		dq := emnkg.DegreeQuery{Kinds: q.kinds(q.r.IntN(3)), Types: q.types(q.r.IntN(3)), Direction: q.dir(),
			Limit: q.r.IntN(20)}
		got, err1 := s.Degrees(ctx, dq)
		want, err2 := m.Degrees(ctx, dq)
		differ(t, fmt.Sprintf("Degrees %+v", dq), got, want, err1, err2)
		prop := []string{"prefLabel", "altLabels", "definition"}[q.r.IntN(3)]
		got2, err1 := s.LanguageCoverage(ctx, emnkg.KindGlossaryTerm, prop)
		want2, err2 := m.LanguageCoverage(ctx, emnkg.KindGlossaryTerm, prop)
		differ(t, "LanguageCoverage "+prop, got2, want2, err1, err2)
	case 6:
		words := []string{"r", "re", "ret", "return", "ruck", "asyl", "emn", "m", "migration", "refugie", "report", "st"}
		sq := emnkg.SearchCandidatesQuery{Kinds: q.kinds(q.r.IntN(2)), Limit: q.r.IntN(15)}
		for range 1 + q.r.IntN(2) {
			sq.Tokens = append(sq.Tokens, words[q.r.IntN(len(words))])
		}
		got, err1 := s.SearchCandidates(ctx, sq)
		want, err2 := m.SearchCandidates(ctx, sq)
		differ(t, fmt.Sprintf("SearchCandidates %+v", sq), got, want, err1, err2)
	}
}

// pattern draws a pattern of one to three relationship steps, at most one
// of variable length (several unanchored ones over every type enumerate
// exponentially many trails, in any store), some node steps pinned or
// filtered.
func (q *randomQueries) pattern() emnkg.PatternQuery {
	steps := 1 + q.r.IntN(3)
	varLen := false
	pq := emnkg.PatternQuery{Offset: q.r.IntN(3), Limit: q.r.IntN(30), WithTotal: q.r.IntN(2) == 0}
	for i := 0; i <= steps; i++ {
		st := emnkg.NodeStep{}
		switch q.r.IntN(4) {
		case 0:
			st.Kind = q.kinds(1)[0]
		case 1:
			st.IDs = q.ids(1 + q.r.IntN(2))
		case 2:
			st.Filter = &emnkg.Filter{Field: "uncertain", Op: emnkg.OpEq, Value: q.r.IntN(2) == 0}
		}
		pq.NodeSteps = append(pq.NodeSteps, st)
		if i == steps {
			break
		}
		rs := emnkg.RelStep{Types: q.types(q.r.IntN(2)), Direction: q.dir()}
		if !varLen && q.r.IntN(3) == 0 {
			varLen = true
			rs.MinHops = q.r.IntN(2)
			rs.MaxHops = 2 + q.r.IntN(2)
		}
		pq.RelSteps = append(pq.RelSteps, rs)
	}
	return pq
}

// facets draws a facet query, own keys and keys over a hop.
func (q *randomQueries) facets() emnkg.FacetQuery {
	type opt struct {
		kind emnkg.Kind
		keys []emnkg.GroupKey
	}
	via := func(field string, t emnkg.RelType, d emnkg.Direction, k emnkg.Kind) emnkg.GroupKey {
		return emnkg.GroupKey{Field: field, Via: &emnkg.Hop{Type: t, Direction: d, Kind: k}}
	}
	opts := []opt{
		{emnkg.KindDocument, []emnkg.GroupKey{{Field: "kind"}, {Field: "year"}}},
		{emnkg.KindDocument, []emnkg.GroupKey{via("name", emnkg.RelReportsOn, emnkg.DirectionOut, emnkg.KindCountry)}},
		{emnkg.KindCountry, []emnkg.GroupKey{{Field: "euMember"}, via("id", emnkg.RelReportsOn, emnkg.DirectionIn, emnkg.KindDocument)}},
		{emnkg.KindGlossaryTerm, []emnkg.GroupKey{via("prefLabel_en", emnkg.RelRelated, emnkg.DirectionBoth, emnkg.KindGlossaryTerm)}},
		{emnkg.KindGlossaryTerm, []emnkg.GroupKey{{Field: "scheme"}, {Field: "uncertain"}}},
		{emnkg.KindNetwork, []emnkg.GroupKey{via("uncertain", emnkg.RelMemberOf, emnkg.DirectionIn, emnkg.KindCountry)}},
	}
	o := opts[q.r.IntN(len(opts))]
	fq := emnkg.FacetQuery{Kind: o.kind, GroupBy: o.keys, Limit: q.r.IntN(10)}
	if q.r.IntN(3) == 0 {
		fq.Filter = &emnkg.Filter{Not: &emnkg.Filter{Field: "uncertain", Op: emnkg.OpEq, Value: true}}
	}
	return fq
}
