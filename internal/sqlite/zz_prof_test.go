package sqlite

import (
	"syscall"
	"testing"
	"time"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/emnkg/emnkg/internal/synth"
)

func cpuNow() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func TestZZProf(t *testing.T) {
	s := openPerfStore(t, 100_000)
	ctx := t.Context()
	for _, id := range []string{synth.DocumentID(1000), synth.NCPID(0), synth.TermID(10), synth.CountryID(3), synth.OrganisationID(5)} {
		var best, bestCPU time.Duration
		for i := range 10 {
			c0, t0 := cpuNow(), time.Now()
			if _, err := emnkg.Neighbourhood(ctx, s, emnkg.NeighbourhoodQuery{IDs: []string{id}, Depth: 2, Limit: 500}); err != nil {
				t.Fatal(err)
			}
			d, c := time.Since(t0), cpuNow()-c0
			if i == 0 || d < best {
				best = d
			}
			if i == 0 || c < bestCPU {
				bestCPU = c
			}
		}
		t.Logf("%s best wall %v, best cpu %v", id, best, bestCPU)
	}
}
