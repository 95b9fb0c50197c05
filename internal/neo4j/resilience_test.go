package neo4j_test

import (
	"strings"
	"testing"
	"time"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/emnkg/emnkg/internal/neo4j"
	"github.com/emnkg/emnkg/internal/neo4jtest"
)

// TestPingWantsAMigratedDatabase checks that Ping (and so /readyz) fails
// while a constraint or index of Migrate is missing, without making the
// store refuse calls: Neo4j answers.
func TestPingWantsAMigratedDatabase(t *testing.T) {
	s := neo4jtest.NewStore(t)
	ctx := t.Context()
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("Ping on a migrated store: %v", err)
	}
	recs := neo4jtest.Exec(t, "SHOW INDEXES YIELD name, type, owningConstraint "+
		"WHERE type = 'RANGE' AND owningConstraint IS NULL AND name STARTS WITH 'node_' RETURN name LIMIT 1", nil).Records
	if len(recs) != 1 {
		t.Fatal("no range index of the store found")
	}
	name := recs[0].Values[0].(string)
	neo4jtest.Exec(t, "DROP INDEX "+name, nil)
	err := s.Ping(ctx)
	if emnkg.ErrorCode(err) != emnkg.EUNAVAILABLE || !strings.Contains(emnkg.ErrorMessage(err), "migrate") {
		t.Errorf("Ping without %s: %v, want EUNAVAILABLE asking for a migration", name, err)
	}
	if _, err := s.Available(); err != nil {
		t.Errorf("Available without %s: %v, want available (Neo4j answers)", name, err)
	}
	if _, err := s.Stats(ctx); err != nil {
		t.Errorf("Stats without %s: %v", name, err)
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Ping(ctx); err != nil {
		t.Errorf("Ping after Migrate: %v", err)
	}
}

func TestOpenRefusesNegativeResilienceSettings(t *testing.T) {
	for _, cfg := range []neo4j.Config{
		{URI: "bolt://127.0.0.1:1", RetryTime: -time.Second},
		{URI: "bolt://127.0.0.1:1", ProbeInterval: -time.Second},
		{URI: "bolt://127.0.0.1:1", HoldTime: -time.Second},
	} {
		if _, err := neo4j.Open(t.Context(), cfg); emnkg.ErrorCode(err) != emnkg.EINVALID {
			t.Errorf("%+v: %v, want EINVALID", cfg, err)
		}
	}
}
