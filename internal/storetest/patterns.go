package storetest

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/emnkg/emnkg/internal/synth"
)

// patternRowIDs returns the IDs of a page's rows, one string per row (see
// matchIDs).
func patternRowIDs(p *emnkg.PatternPage) []string {
	out := make([]string, len(p.Rows))
	for i, r := range p.Rows {
		nodes, edges := make([]string, len(r.Nodes)), make([]string, len(r.Edges))
		for j, n := range r.Nodes {
			nodes[j] = n.ID
		}
		for j, e := range r.Edges {
			if e != nil {
				edges[j] = e.ID
			}
		}
		out[i] = matchIDs(nodes, edges)
	}
	return out
}

// matchIDs returns the IDs of a match as one string: the node IDs and
// between them the relationship IDs ("-" for a variable-length step).
func matchIDs(nodes, edges []string) string {
	var parts []string
	for j, n := range nodes {
		parts = append(parts, n)
		if j < len(edges) {
			e := edges[j]
			if e == "" {
				e = "-"
			}
			parts = append(parts, e)
		}
	}
	return strings.Join(parts, " ")
}

// testMatchPatternAgainstReference loads a small synthetic graph into the
// store s (empty) and into the reference MemStore and checks that patterns
// of every shape (every plan of both stores: from the first step, from a
// pinned one, single-hop and variable-length steps, directions, filters)
// give the same pages, totals and HasMore, at several offsets.
func testMatchPatternAgainstReference(t *testing.T, s emnkg.Store) {
	x := explorer(t, s)
	ref := NewMemStore()
	load := func(g *emnkg.Graph) error {
		if _, err := ref.ImportGraph(t.Context(), g); err != nil {
			return err
		}
		_, err := s.ImportGraph(t.Context(), g)
		return err
	}
	// Every relationship of the first nodes of some kinds (whose rows come
	// first) gets a parallel one (same type and ends, another ID), so that
	// rows differ by relationship only.
	first := map[string]bool{}
	for i := range 3 {
		for _, id := range []string{synth.CountryID(i), synth.NCPID(i), synth.DocumentID(i), synth.TermID(i)} {
			first[id] = true
		}
	}
	parallel := &emnkg.Graph{}
	err := synth.Generate(300, 7, func(g *emnkg.Graph) error {
		for _, e := range g.Edges {
			if first[e.From] || first[e.To] {
				parallel.Edges = append(parallel.Edges, &emnkg.Edge{ID: emnkg.EdgeID(e.From, e.Type, e.To, "parallel"),
					Type: e.Type, From: e.From, To: e.To, Props: maps.Clone(e.Props)})
			}
		}
		return load(g)
	}, 5000)
	if err == nil {
		err = load(parallel)
	}
	if err != nil {
		t.Fatal(err)
	}
	c, ncp, d := emnkg.KindCountry, emnkg.KindNationalContactPoint, emnkg.KindDocument
	g, org, net := emnkg.KindGlossaryTerm, emnkg.KindOrganisation, emnkg.KindNetwork
	out, in, both := emnkg.DirectionOut, emnkg.DirectionIn, emnkg.DirectionBoth
	recent := &emnkg.Filter{Field: "year", Op: emnkg.OpGte, Value: int64(2015)}
	patterns := []struct {
		name string
		q    emnkg.PatternQuery
	}{
		{"bench three steps", pat(ns(c), rs(in, emnkg.RelRepresents), ns(ncp),
			rs(out, emnkg.RelContributedTo), ns(d), rs(out, emnkg.RelUsesTerm), ns(g))},
		{"nodes repeat, relationships do not", pat(ns(d), rs(out, emnkg.RelUsesTerm), ns(g),
			rs(in, emnkg.RelUsesTerm), nf(d, recent))},
		{"filter and any type both", pat(nf(d, recent), rs(both), ns(""))},
		{"any kinds and types", pat(ns(net), rs(both), ns(""), rs(out), ns(""))},
		{"variable length", pat(ns(g), vr(out, 1, 3, emnkg.RelBroader), ns(g))},
		{"zero hops both", pat(ns(g), vr(both, 0, 2, emnkg.RelBroader, emnkg.RelRelated), ns(g))},
		{"single hop then variable length", pat(nf(d, recent), rs(out, emnkg.RelUsesTerm), ns(g),
			vr(both, 1, 2, emnkg.RelBroader), ns(g))},
		{"variable length in the middle", pat(ns(g), vr(in, 1, 2, emnkg.RelBroader), ns(g),
			rs(in, emnkg.RelUsesTerm), nf(d, recent))},
		{"first step pinned", pat(ns(c, synth.CountryID(3), synth.CountryID(1), "nope"),
			rs(both), ns(""), rs(out, emnkg.RelMemberOf, emnkg.RelPartOf), ns(""))},
		{"middle step pinned", pat(ns(c), rs(in, emnkg.RelRepresents), ns(ncp, synth.NCPID(2), synth.NCPID(0)),
			rs(out, emnkg.RelContributedTo), ns(d))},
		{"last step pinned", pat(ns(org), rs(out), ns(""), rs(both), ns(c, synth.CountryID(0)))},
		{"one node step", pat(nf(d, recent))},
		{"nothing", pat(ns(c), rs(out, emnkg.RelUsesTerm), ns(g))},
	}
	pages := []struct{ offset, limit int }{{0, 10}, {0, 1}, {3, 7}, {17, 50}, {0, 0}, {0, emnkg.MaxPageSize}}
	for _, pt := range patterns {
		t.Run(pt.name, func(t *testing.T) {
			if err := pt.q.Validate(); err != nil {
				t.Fatal(err)
			}
			// Every match, in order, from the reference, once: each page
			// is a slice of it.
			var all []string
			for _, m := range ref.patternMatches(pt.q) {
				all = append(all, matchIDs(m.nodes, m.edges))
			}
			cases := slices.Clone(pages)
			for _, o := range []int{max(len(all)-3, 0), len(all), len(all) + 1} {
				cases = append(cases, struct{ offset, limit int }{o, 5})
			}
			for i, pg := range cases {
				q := pt.q
				q.Offset, q.Limit, q.WithTotal = pg.offset, pg.limit, i%3 == 0
				t.Run(fmt.Sprintf("offset %d limit %d", pg.offset, pg.limit), func(t *testing.T) {
					got, err := x.MatchPattern(t.Context(), q)
					if err != nil {
						t.Fatal(err)
					}
					want := all[min(q.Offset, len(all)):min(q.Offset+q.Limit, len(all))]
					if g := patternRowIDs(got); !slices.Equal(g, want) {
						t.Errorf("rows:\n got  %q\n want %q", g, want)
					}
					wantTotal := -1
					if q.WithTotal {
						wantTotal = len(all)
					}
					if wantMore := len(all) > q.Offset+q.Limit; got.TotalCount != wantTotal || got.HasMore != wantMore {
						t.Errorf("TotalCount %d, HasMore %v; want %d, %v", got.TotalCount, got.HasMore, wantTotal, wantMore)
					}
				})
			}
			t.Logf("%d rows", len(all))
		})
	}
}
