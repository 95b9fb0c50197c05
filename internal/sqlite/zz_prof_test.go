package sqlite

import (
	"testing"
	"time"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/emnkg/emnkg/internal/synth"
)

func TestZZProf(t *testing.T) {
	s := openPerfStore(t, 100_000)
	ctx := t.Context()
	for _, id := range []string{synth.DocumentID(1000), synth.NCPID(0)} {
		var best time.Duration
		for i := range 10 {
			t0 := time.Now()
			if _, err := emnkg.Neighbourhood(ctx, s, emnkg.NeighbourhoodQuery{IDs: []string{id}, Depth: 2, Limit: 500}); err != nil {
				t.Fatal(err)
			}
			if d := time.Since(t0); i == 0 || d < best {
				best = d
			}
		}
		t.Logf("%s best %v", id, best)
	}
}
