// Package graph is the GraphQL layer of emnkg: the schema's generated
// executable code, thin resolvers, and the helpers they share (paging,
// filters, batching loaders, conversion of domain nodes to API types).
package graph

import (
	"log/slog"
	"time"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/emnkg/emnkg/internal/pubsub"
)

//go:generate go run github.com/99designs/gqlgen generate

// Resolver is the root resolver. It holds the dependencies every resolver
// needs; resolvers stay thin and call the domain through it.
type Resolver struct {
	Store  emnkg.Store
	Logger *slog.Logger
	// DefaultPageSize is the page size of a connection asked for without
	// first or last.
	DefaultPageSize int
	// BatchWait is how long a loader waits to gather sibling requests into
	// one store round trip.
	BatchWait time.Duration
	// CypherEnabled allows researchers to run read-only Cypher.
	CypherEnabled bool
	// Changes carries committed change records to subscribers; nil
	// disables live changes.
	Changes *pubsub.Broker[emnkg.ChangeRecord]
	// Clock returns the current time; nil means time.Now.
	Clock func() time.Time
}

// NewResolver returns a resolver over store with default settings.
func NewResolver(store emnkg.Store, logger *slog.Logger) *Resolver {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Resolver{Store: store, Logger: logger, DefaultPageSize: 100, BatchWait: 5 * time.Millisecond,
		Changes: pubsub.New[emnkg.ChangeRecord](256)}
}
