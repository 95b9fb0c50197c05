package app

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/emnkg/emnkg/internal/neo4j"
	"github.com/emnkg/emnkg/internal/seed"
	"github.com/emnkg/emnkg/internal/sqlite"
)

// OpenStore opens the store the config names: Neo4j when a URI is set,
// else the embedded store in the data directory. The store is migrated.
func OpenStore(ctx context.Context, c *Config) (emnkg.Store, error) {
	return OpenStoreWithLogger(ctx, c, nil)
}

// OpenStoreWithLogger is OpenStore with a logger for the store's own
// notes, such as Neo4j going away and coming back (nil discards them).
func OpenStoreWithLogger(ctx context.Context, c *Config, logger *slog.Logger) (emnkg.Store, error) {
	var store emnkg.Store
	if c.Neo4jURI != "" {
		s, err := neo4j.Open(ctx, neo4j.Config{URI: c.Neo4jURI, User: c.Neo4jUser,
			Password: c.Neo4jPassword, Database: c.Neo4jDatabase,
			RetryTime: c.Neo4jRetryTime, ProbeInterval: c.Neo4jProbeInterval,
			HoldTime: c.Neo4jHoldTime, Logger: logger})
		if err != nil {
			return nil, err
		}
		store = s
	} else {
		s, err := sqlite.Open(ctx, c.DataDir)
		if err != nil {
			return nil, err
		}
		store = s
	}
	if err := store.Migrate(ctx); err != nil {
		store.Close()
		return nil, fmt.Errorf("migrate: %w", err)
	}
	return store, nil
}

// StoreName describes the configured store for logs, without secrets.
func StoreName(c *Config) string {
	if c.Neo4jURI != "" {
		return "neo4j " + c.Neo4jURI
	}
	return "embedded " + c.DataDir
}

// LoadSeed imports the built-in factual EMN dataset into store. Importing
// is idempotent: a second run changes nothing.
func LoadSeed(ctx context.Context, store emnkg.Store) (*emnkg.ImportResult, error) {
	g, err := seed.Graph()
	if err != nil {
		return nil, fmt.Errorf("build seed: %w", err)
	}
	return store.ImportGraph(ctx, g)
}

// SeedIfEmpty loads the factual dataset when the store holds no node.
func SeedIfEmpty(ctx context.Context, store emnkg.Store, logger *slog.Logger) error {
	stats, err := store.Stats(ctx)
	if err != nil {
		return err
	}
	total := 0
	for _, n := range stats.NodesByKind {
		total += n
	}
	if total > 0 {
		return nil
	}
	res, err := LoadSeed(ctx, store)
	if err != nil {
		return err
	}
	logger.InfoContext(ctx, "loaded the factual EMN dataset into the empty store",
		"nodes", res.NodesCreated, "relationships", res.EdgesCreated)
	return nil
}
