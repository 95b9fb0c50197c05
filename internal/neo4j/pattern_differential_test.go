package neo4j_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/emnkg/emnkg/internal/neo4jtest"
	"github.com/emnkg/emnkg/internal/storetest"
	"github.com/emnkg/emnkg/internal/synth"
)

// patternRowIDs returns the IDs of a page's rows, one string per row:
// the node IDs and relationship IDs ("-" for a variable-length step).
func patternRowIDs(p *emnkg.PatternPage) []string {
	out := make([]string, len(p.Rows))
	for i, r := range p.Rows {
		var parts []string
		for j, n := range r.Nodes {
			parts = append(parts, n.ID)
			if j < len(r.Edges) {
				if r.Edges[j] == nil {
					parts = append(parts, "-")
				} else {
					parts = append(parts, r.Edges[j].ID)
				}
			}
		}
		out[i] = strings.Join(parts, " ")
	}
	return out
}

// TestMatchPatternAgreesWithReference loads a small synthetic graph into
// the store and into storetest's reference MemStore and checks that
// patterns of every shape (both of the store's plans, single-hop and
// variable-length steps, directions, filters, pinned steps) give the same
// pages, totals and HasMore, at several offsets.
func TestMatchPatternAgreesWithReference(t *testing.T) {
	s := neo4jtest.NewStore(t)
	ref := storetest.NewMemStore()
	err := synth.Generate(1000, 7, func(g *emnkg.Graph) error {
		if _, err := ref.ImportGraph(t.Context(), g); err != nil {
			return err
		}
		_, err := s.ImportGraph(t.Context(), g)
		return err
	}, 5000)
	if err != nil {
		t.Fatal(err)
	}
	c, ncp, d := emnkg.KindCountry, emnkg.KindNationalContactPoint, emnkg.KindDocument
	g, org, net := emnkg.KindGlossaryTerm, emnkg.KindOrganisation, emnkg.KindNetwork
	out, in, both := emnkg.DirectionOut, emnkg.DirectionIn, emnkg.DirectionBoth
	node := func(k emnkg.Kind, ids ...string) emnkg.NodeStep { return emnkg.NodeStep{Kind: k, IDs: ids} }
	rel := func(dir emnkg.Direction, ts ...emnkg.RelType) emnkg.RelStep {
		return emnkg.RelStep{Types: ts, Direction: dir}
	}
	vrel := func(dir emnkg.Direction, lo, hi int, ts ...emnkg.RelType) emnkg.RelStep {
		return emnkg.RelStep{Types: ts, Direction: dir, MinHops: lo, MaxHops: hi}
	}
	recent := &emnkg.Filter{Field: "year", Op: emnkg.OpGte, Value: int64(2015)}
	pattern := func(steps ...any) emnkg.PatternQuery {
		var q emnkg.PatternQuery
		for _, st := range steps {
			switch x := st.(type) {
			case emnkg.NodeStep:
				q.NodeSteps = append(q.NodeSteps, x)
			case emnkg.RelStep:
				q.RelSteps = append(q.RelSteps, x)
			}
		}
		return q
	}
	patterns := []struct {
		name string
		q    emnkg.PatternQuery
	}{
		{"bench three steps", pattern(node(c), rel(in, emnkg.RelRepresents), node(ncp),
			rel(out, emnkg.RelContributedTo), node(d), rel(out, emnkg.RelUsesTerm), node(g))},
		{"nodes repeat, relationships do not", pattern(node(d), rel(out, emnkg.RelUsesTerm), node(g),
			rel(in, emnkg.RelUsesTerm), node(d))},
		{"filter and any type both", pattern(emnkg.NodeStep{Kind: d, Filter: recent}, rel(both), node(""))},
		{"any kinds and types", pattern(node(net), rel(both), node(""), rel(out), node(""))},
		{"variable length", pattern(node(g), vrel(out, 1, 3, emnkg.RelBroader), node(g))},
		{"zero hops both", pattern(node(g), vrel(both, 0, 2, emnkg.RelBroader, emnkg.RelRelated), node(g))},
		{"single hop then variable length", pattern(node(d), rel(out, emnkg.RelUsesTerm), node(g),
			vrel(both, 1, 2, emnkg.RelBroader), node(g))},
		{"variable length in the middle", pattern(node(g), vrel(in, 1, 2, emnkg.RelBroader), node(g),
			rel(in, emnkg.RelUsesTerm), emnkg.NodeStep{Kind: d, Filter: recent})},
		{"first step pinned", pattern(node(c, synth.CountryID(3), synth.CountryID(1), "nope"),
			rel(both), node(""), rel(out, emnkg.RelMemberOf, emnkg.RelPartOf), node(""))},
		{"middle step pinned", pattern(node(c), rel(in, emnkg.RelRepresents), node(ncp, synth.NCPID(2), synth.NCPID(0)),
			rel(out, emnkg.RelContributedTo), node(d))},
		{"last step pinned", pattern(node(org), rel(out), node(""), rel(both), node(c, synth.CountryID(0)))},
		{"one node step", pattern(emnkg.NodeStep{Kind: d, Filter: recent})},
		{"nothing", pattern(node(c), rel(out, emnkg.RelUsesTerm), node(g))},
	}
	pages := []struct{ offset, limit int }{{0, 10}, {0, 1}, {3, 7}, {17, 50}, {0, 0}, {0, emnkg.MaxPageSize}}
	for _, pt := range patterns {
		t.Run(pt.name, func(t *testing.T) {
			all := pt.q
			all.Limit, all.WithTotal = emnkg.MaxPageSize, true
			want, err := ref.MatchPattern(t.Context(), all)
			if err != nil {
				t.Fatal(err)
			}
			offsets := []int{max(want.TotalCount-3, 0), want.TotalCount, want.TotalCount + 1}
			cases := slices.Clone(pages)
			for _, o := range offsets {
				cases = append(cases, struct{ offset, limit int }{o, 5})
			}
			for i, pg := range cases {
				q := pt.q
				q.Offset, q.Limit, q.WithTotal = pg.offset, pg.limit, i%2 == 0
				t.Run(fmt.Sprintf("offset %d limit %d", pg.offset, pg.limit), func(t *testing.T) {
					want, err := ref.MatchPattern(t.Context(), q)
					if err != nil {
						t.Fatal(err)
					}
					got, err := s.MatchPattern(t.Context(), q)
					if err != nil {
						t.Fatal(err)
					}
					if g, w := patternRowIDs(got), patternRowIDs(want); !slices.Equal(g, w) {
						t.Errorf("rows:\n got  %q\n want %q", g, w)
					}
					if got.TotalCount != want.TotalCount || got.HasMore != want.HasMore {
						t.Errorf("TotalCount %d, HasMore %v; want %d, %v", got.TotalCount, got.HasMore,
							want.TotalCount, want.HasMore)
					}
				})
			}
			t.Logf("%d rows", want.TotalCount)
		})
	}
}
