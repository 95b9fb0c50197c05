package storetest_test

import (
	"testing"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/emnkg/emnkg/internal/storetest"
)

// openMem opens a fresh MemStore and closes it when tb ends.
func openMem(tb testing.TB) emnkg.Store {
	s := storetest.NewMemStore()
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return s
}

// TestMemStore runs the suite against its reference model.
func TestMemStore(t *testing.T) {
	storetest.Run(t, openMem)
}

// TestMemStoreExplorer runs the Explorer suite against the reference model.
func TestMemStoreExplorer(t *testing.T) {
	storetest.RunExplorer(t, openMem)
}

// TestMemStoreEditor runs the Editor suite against the reference model.
func TestMemStoreEditor(t *testing.T) {
	storetest.RunEditor(t, openMem)
}
