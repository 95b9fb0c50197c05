package neo4j_test

import (
	"testing"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/emnkg/emnkg/internal/neo4jtest"
	"github.com/emnkg/emnkg/internal/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(tb testing.TB) emnkg.Store { return neo4jtest.NewStore(tb) })
}
