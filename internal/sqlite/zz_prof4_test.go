package sqlite

import (
	"strings"
	"testing"
	"time"

	"github.com/emnkg/emnkg/internal/emnkg"
)

func TestZZProf4(t *testing.T) {
	s := openPerfStore(t, 100_000)
	q := emnkg.PatternQuery{NodeSteps: []emnkg.NodeStep{{Kind: emnkg.KindCountry}, {Kind: emnkg.KindNationalContactPoint},
			{Kind: emnkg.KindDocument}, {Kind: emnkg.KindGlossaryTerm}},
			RelSteps: []emnkg.RelStep{
				{Types: []emnkg.RelType{emnkg.RelRepresents}, Direction: emnkg.DirectionIn},
				{Types: []emnkg.RelType{emnkg.RelContributedTo}, Direction: emnkg.DirectionOut},
				{Types: []emnkg.RelType{emnkg.RelUsesTerm}, Direction: emnkg.DirectionOut}}, Limit: 50, WithTotal: true}
	for range 3 {
		c0, t0 := cpuNow(), time.Now()
		p, err := s.MatchPattern(t.Context(), q)
		if err != nil { t.Fatal(err) }
		t.Logf("total %d rows %d wall %v cpu %v", p.TotalCount, len(p.Rows), time.Since(t0), cpuNow()-c0)
		q2 := q; q2.WithTotal = false
		c0, t0 = cpuNow(), time.Now()
		p, err = s.MatchPattern(t.Context(), q2)
		if err != nil { t.Fatal(err) }
		t.Logf("no total: rows %d wall %v cpu %v; first %s", len(p.Rows), time.Since(t0), cpuNow()-c0, p.Rows[0].Nodes[0].ID)
	}
	q3 := q; q3.NodeSteps = append([]emnkg.NodeStep(nil), q.NodeSteps...); q3.NodeSteps[0].IDs = []string{"syn-c-000"}; q3.WithTotal = true
	p, _ := s.MatchPattern(t.Context(), q3)
	t.Logf("first country total %d", p.TotalCount)
}

func TestZZProf5(t *testing.T) {
	s := openPerfStore(t, 100_000)
	q := emnkg.PatternQuery{NodeSteps: []emnkg.NodeStep{{Kind: emnkg.KindCountry}, {Kind: emnkg.KindNationalContactPoint},
			{Kind: emnkg.KindDocument}, {Kind: emnkg.KindGlossaryTerm}},
			RelSteps: []emnkg.RelStep{
				{Types: []emnkg.RelType{emnkg.RelRepresents}, Direction: emnkg.DirectionIn},
				{Types: []emnkg.RelType{emnkg.RelContributedTo}, Direction: emnkg.DirectionOut},
				{Types: []emnkg.RelType{emnkg.RelUsesTerm}, Direction: emnkg.DirectionOut}}, Limit: 50}
	ps, _ := compilePattern(q)
	w := strings.Index(ps.rows, "\nSELECT ")
	i := strings.Index(ps.rows, "SELECT * FROM r ORDER BY")
	j := strings.Index(ps.rows[i:], ") AS m")
	inner := ps.rows[:w+1] + ps.rows[i:i+j]
	t.Log(inner[len(inner)-200:])
	for _, qq := range []string{inner, strings.Replace(inner, "SELECT * FROM r ORDER BY", "SELECT * FROM r WHERE n0 = 'syn-c-000' ORDER BY", 1),
		strings.Replace(ps.count, "SELECT count(*) FROM r", "SELECT count(*) FROM r WHERE n0 = 'syn-c-000'", 1)} {
		for range 2 {
			c0 := cpuNow()
			rows, err := s.rdb.Query(qq, ps.args...)
			if err != nil { t.Fatal(err) }
			n := 0
			for rows.Next() { n++ }
			rows.Close()
			t.Logf("rows %d cpu %v", n, cpuNow()-c0)
		}
	}
}
