package neo4j_test

import (
	"testing"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/emnkg/emnkg/internal/neo4jtest"
	"github.com/emnkg/emnkg/internal/storetest"
)

func openStore(tb testing.TB) emnkg.Store { return neo4jtest.NewStore(tb) }

func TestConformance(t *testing.T) {
	storetest.Run(t, openStore)
}

func TestExplorerConformance(t *testing.T) {
	storetest.RunExplorer(t, openStore)
}

func TestEditorConformance(t *testing.T) {
	storetest.RunEditor(t, openStore)
}
