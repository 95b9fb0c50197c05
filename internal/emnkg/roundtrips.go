package emnkg

import (
	"sync/atomic"
	"time"
)

// RoundTripObserver is told of each round trip a store makes to its
// database (one transaction: a store call): whether it wrote, how long it
// took, and its error (nil when it succeeded).
type RoundTripObserver func(write bool, d time.Duration, err error)

// RoundTrips holds the RoundTripObserver of a store. A store embeds it
// and calls Observe at the end of each transaction; whoever serves the
// store (the server, for its metrics) sets the observer once the store is
// open. The zero value observes nothing. It is safe for concurrent use.
type RoundTrips struct {
	observer atomic.Pointer[RoundTripObserver]
}

// ObserveRoundTrips makes o the observer of the store's round trips (nil:
// none), in place of any earlier one.
func (r *RoundTrips) ObserveRoundTrips(o RoundTripObserver) {
	if o == nil {
		r.observer.Store(nil)
		return
	}
	r.observer.Store(&o)
}

// Observe tells the observer, if any, of a round trip that began at
// start and ended now with err.
func (r *RoundTrips) Observe(write bool, start time.Time, err error) {
	if o := r.observer.Load(); o != nil {
		(*o)(write, time.Since(start), err)
	}
}
