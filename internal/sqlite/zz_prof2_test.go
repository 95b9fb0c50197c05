package sqlite

import (
	"testing"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/emnkg/emnkg/internal/synth"
)

func TestZZProf2(t *testing.T) {
	s := openPerfStore(t, 100_000)
	ctx := t.Context()
	for _, id := range []string{synth.DocumentID(1000), synth.NCPID(0)} {
	for range 3 {
		c0 := cpuNow()
		e1, err := s.Expand(ctx, emnkg.ExpandQuery{NodeIDs: []string{id}, Direction: emnkg.DirectionBoth, Limit: 10001})
		if err != nil { t.Fatal(err) }
		var fr []string
		for _, n := range e1.Nodes { fr = append(fr, n.ID) }
		c1 := cpuNow()
		var e2 *emnkg.Expansion
		if len(fr) < 500 {
		e2, err = s.Expand(ctx, emnkg.ExpandQuery{NodeIDs: fr, Direction: emnkg.DirectionBoth, Limit: 10000 + len(fr)})
		if err != nil { t.Fatal(err) }
		} else { e2 = &emnkg.Expansion{} ; fr = fr[:499]}
		c2 := cpuNow()
		var all []string
		all = append(all, id)
		all = append(all, fr...)
		for _, n := range e2.Nodes { if len(all) < 500 { all = append(all, n.ID) } }
		ea, err := s.EdgesAmong(ctx, all, nil)
		if err != nil { t.Fatal(err) }
		c3 := cpuNow()
		t.Logf("%s expand1 %d %v; expand2 %d edges %d nodes %v; among %d edges %v", id, len(e1.Edges), c1-c0, len(e2.Edges), len(e2.Nodes), c2-c1, len(ea), c3-c2)
	}
	}
}
