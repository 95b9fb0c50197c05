package sqlite

import (
	"testing"
	"time"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/emnkg/emnkg/internal/synth"
)

func TestZZProf7(t *testing.T) {
	s := openPerfStore(t, 100_000)
	ctx := t.Context()
	for _, id := range []string{synth.NCPID(0), synth.DocumentID(1000)} {
		for range 3 {
			t0 := time.Now()
			for range 10 {
				if _, err := emnkg.Neighbourhood(ctx, s, emnkg.NeighbourhoodQuery{IDs: []string{id}, Depth: 2, Limit: 500}); err != nil {
					t.Fatal(err)
				}
			}
			t.Logf("%s avg %v", id, time.Since(t0)/10)
		}
	}
}
