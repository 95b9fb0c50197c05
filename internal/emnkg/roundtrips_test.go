package emnkg_test

import (
	"errors"
	"testing"
	"time"

	"github.com/emnkg/emnkg/internal/emnkg"
)

func TestRoundTripsTellTheLastObserver(t *testing.T) {
	var r emnkg.RoundTrips
	r.Observe(false, time.Now(), nil) // no observer: nothing happens
	type trip struct {
		write bool
		err   error
	}
	var first, second []trip
	r.ObserveRoundTrips(func(write bool, d time.Duration, err error) { first = append(first, trip{write, err}) })
	failed := errors.New("failed")
	r.Observe(true, time.Now().Add(-time.Millisecond), failed)
	r.ObserveRoundTrips(func(write bool, d time.Duration, err error) {
		if d < time.Millisecond {
			t.Errorf("duration %s of a round trip begun a millisecond ago", d)
		}
		second = append(second, trip{write, err})
	})
	r.Observe(false, time.Now().Add(-time.Millisecond), nil)
	r.ObserveRoundTrips(nil)
	r.Observe(false, time.Now(), nil)
	if len(first) != 1 || !first[0].write || first[0].err != failed {
		t.Errorf("first observer saw %v, want one failed write", first)
	}
	if len(second) != 1 || second[0].write || second[0].err != nil {
		t.Errorf("second observer saw %v, want one read", second)
	}
}
