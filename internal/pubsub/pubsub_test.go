package pubsub_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/emnkg/emnkg/internal/pubsub"
)

const wait = 10 * time.Second

// receive reads the next value, failing the test after a while.
func receive[T any](tb testing.TB, ch <-chan T) (T, bool) {
	tb.Helper()
	select {
	case v, ok := <-ch:
		return v, ok
	case <-time.After(wait):
		tb.Fatal("timed out waiting for a value")
		var zero T
		return zero, false
	}
}

// drain reads the values until the channel closes, failing the test if it
// does not close.
func drain[T any](tb testing.TB, ch <-chan T) []T {
	tb.Helper()
	var out []T
	for {
		v, ok := receive(tb, ch)
		if !ok {
			return out
		}
		out = append(out, v)
	}
}

// within fails the test unless f returns within the limit.
func within(tb testing.TB, limit time.Duration, what string, f func()) {
	tb.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(limit):
		tb.Fatalf("%s did not return within %v", what, limit)
	}
}

// eventually waits until cond holds.
func eventually(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(wait)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestFilters(t *testing.T) {
	even := func(v int) bool { return v%2 == 0 }
	for _, tc := range []struct {
		name   string
		filter func(int) bool
		values []int
		want   []int
	}{
		{"nil filter gets all", nil, []int{1, 2, 3}, []int{1, 2, 3}},
		{"filter", even, []int{1, 2, 3, 4, 5, 6}, []int{2, 4, 6}},
		{"filter rejects all", even, []int{1, 3}, nil},
		{"order kept", nil, []int{3, 1, 2}, []int{3, 1, 2}},
		{"nothing published", nil, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := pubsub.New[int](16)
			ch, cancel := b.Subscribe(context.Background(), tc.filter)
			for _, v := range tc.values {
				b.Publish(v)
			}
			cancel()
			if got := drain(t, ch); !slices.Equal(got, tc.want) {
				t.Errorf("received %v, want %v", got, tc.want)
			}
			if n := b.Subscribers(); n != 0 {
				t.Errorf("%d subscribers after cancel", n)
			}
		})
	}
}

func TestSubscriptionEnds(t *testing.T) {
	for _, tc := range []struct {
		name string
		// end ends the subscription after one value was published.
		end func(b *pubsub.Broker[string], cancel, ctxCancel func())
	}{
		{"cancel", func(_ *pubsub.Broker[string], cancel, _ func()) { cancel() }},
		{"cancel twice", func(_ *pubsub.Broker[string], cancel, _ func()) { cancel(); cancel() }},
		{"context", func(_ *pubsub.Broker[string], _, ctxCancel func()) { ctxCancel() }},
		{"context then cancel", func(_ *pubsub.Broker[string], cancel, ctxCancel func()) { ctxCancel(); cancel() }},
		{"close", func(b *pubsub.Broker[string], _, _ func()) { b.Close() }},
		{"close then cancel", func(b *pubsub.Broker[string], cancel, _ func()) { b.Close(); cancel(); b.Close() }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := pubsub.New[string](4)
			ctx, ctxCancel := context.WithCancel(context.Background())
			defer ctxCancel()
			ch, cancel := b.Subscribe(ctx, nil)
			other, otherCancel := b.Subscribe(context.Background(), nil)
			defer otherCancel()
			if n := b.Subscribers(); n != 2 {
				t.Fatalf("%d subscribers, want 2", n)
			}
			b.Publish("before")
			tc.end(b, cancel, ctxCancel)
			if got := drain(t, ch); !slices.Equal(got, []string{"before"}) {
				t.Errorf("received %v, want [before]", got)
			}
			b.Publish("after")
			if v, _ := receive(t, other); v != "before" {
				t.Errorf("other subscriber got %q first", v)
			}
			eventually(t, "the subscription is gone", func() bool { return b.Subscribers() <= 1 })
			if b.Dropped() != 0 {
				t.Errorf("Dropped = %d, want 0: ending a subscription is not dropping it", b.Dropped())
			}
		})
	}
}

func TestSubscribeWhenDone(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	b := pubsub.New[int](1)
	ch, unsub := b.Subscribe(ctx, nil)
	unsub()
	if got := drain(t, ch); got != nil {
		t.Errorf("received %v from a done context", got)
	}
	b.Close()
	ch, unsub = b.Subscribe(context.Background(), nil)
	b.Publish(1)
	unsub()
	if got := drain(t, ch); got != nil {
		t.Errorf("received %v after Close", got)
	}
	if n := b.Subscribers(); n != 0 {
		t.Errorf("%d subscribers after Close", n)
	}
}

func TestStalledSubscriberDoesNotBlockPublishers(t *testing.T) {
	const buffer, n = 8, 10000
	b := pubsub.New[int](buffer)
	stalled, cancelStalled := b.Subscribe(context.Background(), nil)
	defer cancelStalled()
	live, cancelLive := b.Subscribe(context.Background(), nil)
	defer cancelLive()
	var got []int
	within(t, wait, "publishing past a stalled subscriber", func() {
		for i := range n {
			b.Publish(i)
			// The live subscriber keeps up; the stalled one never reads.
			v, ok := <-live
			if !ok {
				t.Error("the live subscriber was dropped")
				return
			}
			got = append(got, v)
		}
	})
	if len(got) != n || got[n-1] != n-1 {
		t.Errorf("live subscriber got %d values, want %d", len(got), n)
	}
	if d := b.Dropped(); d != 1 {
		t.Errorf("Dropped = %d, want 1", d)
	}
	if s := b.Subscribers(); s != 1 {
		t.Errorf("Subscribers = %d, want 1", s)
	}
	// The stalled subscriber keeps what its buffer held, then sees its
	// channel closed.
	want := []int{0, 1, 2, 3, 4, 5, 6, 7}
	if rest := drain(t, stalled); !slices.Equal(rest, want) {
		t.Errorf("stalled subscriber got %v, want %v", rest, want)
	}
}

func TestBufferSizeAtLeastOne(t *testing.T) {
	for _, size := range []int{-1, 0, 1} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			b := pubsub.New[int](size)
			ch, cancel := b.Subscribe(context.Background(), nil)
			defer cancel()
			b.Publish(1)
			if v, ok := receive(t, ch); !ok || v != 1 {
				t.Fatalf("got %v, %v", v, ok)
			}
			b.Publish(2)
			b.Publish(3)
			if got := drain(t, ch); !slices.Equal(got, []int{2}) || b.Dropped() != 1 {
				t.Errorf("got %v with %d dropped, want [2] and 1", got, b.Dropped())
			}
		})
	}
}

// event is a value of the concurrency test: publisher p's seq-th value.
type event struct{ p, seq int }

func TestConcurrentPublishersAndSubscribers(t *testing.T) {
	const publishers, perPublisher, subscribers = 8, 2000, 24
	// Stalled readers read nothing until the publishers are done, so they
	// overflow; the others are usually fast enough not to, but may be
	// dropped too when the scheduler favours the publishers.
	const buffer = publishers * perPublisher / 2
	b := pubsub.New[event](buffer)
	ctx, cancelAll := context.WithCancel(context.Background())
	defer cancelAll()

	type result struct {
		got       []event
		cancelled bool
		stalled   bool
	}
	results := make([]result, subscribers)
	published := make(chan struct{})
	var readers sync.WaitGroup
	subscribe := func(i int, early bool) {
		sctx, scancel := context.WithCancel(ctx)
		var filter func(event) bool
		if i%3 == 1 {
			filter = func(e event) bool { return e.p%2 == 0 }
		}
		r := &results[i]
		r.stalled = early && i%5 == 4
		if r.stalled {
			filter = nil
		}
		ch, cancel := b.Subscribe(sctx, filter)
		readers.Add(1)
		go func() {
			defer readers.Done()
			defer scancel()
			if r.stalled {
				<-published
			}
			for e := range ch {
				r.got = append(r.got, e)
				switch {
				case r.stalled:
				case i%4 == 2 && len(r.got) == 100:
					r.cancelled = true
					cancel()
				case i%4 == 3 && len(r.got) == 50:
					r.cancelled = true
					scancel()
				}
			}
		}()
	}
	for i := range subscribers / 2 {
		subscribe(i, true)
	}
	var pubs sync.WaitGroup
	start := make(chan struct{})
	for p := range publishers {
		pubs.Add(1)
		go func() {
			defer pubs.Done()
			<-start
			for seq := range perPublisher {
				b.Publish(event{p, seq})
				_ = b.Subscribers()
				_ = b.Dropped()
			}
		}()
	}
	close(start)
	// Half the subscribers arrive while the publishers run.
	for i := subscribers / 2; i < subscribers; i++ {
		subscribe(i, false)
	}
	within(t, 2*wait, "the publishers", pubs.Wait)
	close(published)
	b.Close()
	within(t, wait, "the readers", readers.Wait)

	// Each subscriber receives, of each publisher's values that its filter
	// accepts, a run without gaps: after a value is dropped for it, it gets
	// no more. One that subscribed before publishing began gets each run
	// from its start, and all of it unless it was cancelled or dropped.
	var mustDrop, mayDrop int64
	for i, r := range results {
		early := i < subscribers/2
		next := map[int]int{}
		seen := map[int]bool{}
		for _, e := range r.got {
			if i%3 == 1 && !r.stalled && e.p%2 != 0 {
				t.Fatalf("subscriber %d: its filter let %v through", i, e)
			}
			if !seen[e.p] {
				seen[e.p] = true
				next[e.p] = e.seq
				if early && e.seq != 0 {
					t.Errorf("subscriber %d: publisher %d's values start at %d", i, e.p, e.seq)
				}
			}
			if e.seq != next[e.p] {
				t.Fatalf("subscriber %d: got %v, want sequence number %d", i, e, next[e.p])
			}
			next[e.p]++
		}
		complete := true
		for p := range publishers {
			if (i%3 != 1 || p%2 == 0) && next[p] != perPublisher {
				complete = false
			}
		}
		switch {
		case r.stalled:
			mustDrop++
			if len(r.got) != buffer {
				t.Errorf("stalled subscriber %d got %d values, want its buffer's %d", i, len(r.got), buffer)
			}
		case complete:
		case early && !r.cancelled:
			mustDrop++ // nothing else ends it before Close
		default:
			mayDrop++ // cancelled, or arrived late
		}
	}
	if d := b.Dropped(); d < mustDrop || d > mustDrop+mayDrop {
		t.Errorf("Dropped = %d, want between %d and %d", d, mustDrop, mustDrop+mayDrop)
	}
	t.Logf("dropped %d of %d subscribers", b.Dropped(), subscribers)
	if n := b.Subscribers(); n != 0 {
		t.Errorf("%d subscribers after Close", n)
	}
}

func TestPublishWithoutSubscribers(t *testing.T) {
	b := pubsub.New[int](1)
	within(t, wait, "publishing to nobody", func() {
		for i := range 1000 {
			b.Publish(i)
		}
	})
	b.Close()
	b.Publish(1)
}

func TestFilterPanicLeavesBrokerUsable(t *testing.T) {
	b := pubsub.New[int](4)
	_, cancel := b.Subscribe(context.Background(), func(v int) bool {
		if v < 0 {
			panic("negative")
		}
		return true
	})
	func() {
		defer func() {
			if recover() == nil {
				t.Error("the filter's panic did not reach the publisher")
			}
		}()
		b.Publish(-1)
	}()
	within(t, wait, "cancelling after a panic", cancel)
	within(t, wait, "closing after a panic", b.Close)
}

func BenchmarkPublish(b *testing.B) {
	br := pubsub.New[int](1 << 20)
	for range 10 {
		_, cancel := br.Subscribe(context.Background(), nil)
		defer cancel()
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		br.Publish(i)
		i++
	}
}
