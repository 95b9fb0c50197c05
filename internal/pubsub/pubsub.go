// Package pubsub is an in-process broker of events, such as the changes
// applied to the graph, for subscribers such as GraphQL subscriptions.
//
// Publishing never waits for subscribers: every subscriber has a buffer,
// and a subscriber too slow to keep its buffer from filling up is dropped,
// its channel closed, rather than slowing down the publishers or the
// other subscribers. A subscriber that sees its channel closed while it
// still wants events has fallen behind and should subscribe again (and
// catch up from the audit log, for example).
package pubsub

import (
	"context"
	"sync"
	"sync/atomic"
)

// Broker delivers published values to the subscribers whose filter
// accepts them. It is safe for concurrent use. The zero Broker is not
// usable; use New.
type Broker[T any] struct {
	bufferSize int

	// mu guards subs and closed. Publishers hold it for reading while they
	// send, so that no channel is closed while a send may be under way;
	// closing a channel takes it for writing.
	mu     sync.RWMutex
	subs   map[*subscriber[T]]struct{}
	closed bool

	dropped atomic.Int64
}

type subscriber[T any] struct {
	ch     chan T
	filter func(T) bool
	// done is closed when the subscriber is removed, to stop the goroutine
	// that watches its context.
	done chan struct{}
	// full is set by the first publisher that finds the buffer full, so
	// that later values are not delivered after a gap.
	full atomic.Bool
}

// New returns a broker that gives each subscriber a buffer of bufferSize
// values (at least 1).
func New[T any](bufferSize int) *Broker[T] {
	if bufferSize < 1 {
		bufferSize = 1
	}
	return &Broker[T]{bufferSize: bufferSize, subs: map[*subscriber[T]]struct{}{}}
}

// Subscribe returns a channel that receives, in the order they were
// published, the values published from now on that filter accepts (every
// value when filter is nil), and a function that ends the subscription.
// The subscription also ends when ctx is done, when the subscriber falls
// behind by more than the buffer size (see Dropped), and when the broker
// closes; the channel is closed then. The cancel function may be called
// any number of times, from any goroutine.
//
// filter runs on the publisher's goroutine, for every published value; it
// must be fast, must not block and must not call the broker.
func (b *Broker[T]) Subscribe(ctx context.Context, filter func(T) bool) (<-chan T, func()) {
	s := &subscriber[T]{ch: make(chan T, b.bufferSize), filter: filter, done: make(chan struct{})}
	b.mu.Lock()
	if b.closed || ctx.Err() != nil {
		b.mu.Unlock()
		close(s.ch)
		return s.ch, func() {}
	}
	b.subs[s] = struct{}{}
	b.mu.Unlock()
	cancel := func() { b.remove(s, false) }
	if ctx.Done() != nil {
		go func() {
			select {
			case <-ctx.Done():
				cancel()
			case <-s.done:
			}
		}()
	}
	return s.ch, cancel
}

// remove ends a subscription once, whoever asks first.
func (b *Broker[T]) remove(s *subscriber[T], slow bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.subs[s]; !ok {
		return
	}
	delete(b.subs, s)
	close(s.ch)
	close(s.done)
	if slow {
		b.dropped.Add(1)
	}
}

// Publish delivers v to every subscriber whose filter accepts it. It
// never waits for a subscriber: one whose buffer is full is dropped (and
// gets no later values). Only Subscribe, the end of a subscription and
// Close, which never wait either, can hold it up briefly. After Close,
// Publish does nothing.
func (b *Broker[T]) Publish(v T) {
	for _, s := range b.deliver(v) {
		b.remove(s, true)
	}
}

// deliver sends v without waiting and returns the subscribers found full.
func (b *Broker[T]) deliver(v T) (slow []*subscriber[T]) {
	b.mu.RLock()
	defer b.mu.RUnlock() // also when a filter panics
	for s := range b.subs {
		if s.full.Load() || (s.filter != nil && !s.filter(v)) {
			continue
		}
		select {
		case s.ch <- v:
		default:
			if !s.full.Swap(true) {
				slow = append(slow, s)
			}
		}
	}
	return slow
}

// Subscribers returns the number of current subscriptions.
func (b *Broker[T]) Subscribers() int {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return len(b.subs)
}

// Dropped returns the number of subscribers dropped so far for falling
// behind.
func (b *Broker[T]) Dropped() int64 { return b.dropped.Load() }

// Close ends every subscription, closing their channels, and makes later
// Subscribe calls return closed channels and Publish calls do nothing. It
// may be called more than once.
func (b *Broker[T]) Close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return
	}
	b.closed = true
	for s := range b.subs {
		delete(b.subs, s)
		close(s.ch)
		close(s.done)
	}
}
