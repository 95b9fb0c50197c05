package sqlite

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/emnkg/emnkg/internal/storetest"
)

func TestZZDiff(t *testing.T) {
	seed := uint64(0)
	r := rand.New(rand.NewPCG(seed, 42))
	g := randomGraph(r)
	s := newTestStore(t)
	m := storetest.NewMemStore()
	mustImport(t, s, g)
	m.ImportGraph(t.Context(), randomGraph(rand.New(rand.NewPCG(seed, 42))))
	q := &randomQueries{r: r, g: g}
	for i := range 150 {
		if i%7 != 2 && i%7 != 3 { q.compare(t, i, s, m); continue }
		pq := q.pattern()
		t0 := time.Now()
		p1, err := s.MatchPattern(t.Context(), pq)
		t1 := time.Now()
		_, _ = m.MatchPattern(t.Context(), pq)
		t2 := time.Now()
		if t1.Sub(t0) > 100*time.Millisecond || t2.Sub(t1) > 100*time.Millisecond {
			n := -1
			if p1 != nil { n = p1.TotalCount }
			t.Logf("sql %v mem %v total %d err %v: %s", t1.Sub(t0), t2.Sub(t1), n, err, fmt.Sprintf("%+v", pq))
		}
	}
}
