package sqlite

import (
	"testing"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/emnkg/emnkg/internal/storetest"
)

// openConformance opens a fresh store for the conformance suites.
func openConformance(tb testing.TB) emnkg.Store { return newTestStore(tb) }

func TestConformance(t *testing.T) {
	storetest.Run(t, openConformance)
}

// TestExplorerConformance runs the shared emnkg.Explorer suite.
func TestExplorerConformance(t *testing.T) {
	storetest.RunExplorer(t, openConformance)
}

// TestEditorConformance runs the shared emnkg.Editor suite.
func TestEditorConformance(t *testing.T) {
	storetest.RunEditor(t, openConformance)
}
