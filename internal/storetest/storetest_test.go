package storetest_test

import (
	"testing"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/emnkg/emnkg/internal/storetest"
)

// TestMemStore runs the suite against its reference model.
func TestMemStore(t *testing.T) {
	storetest.Run(t, func(tb testing.TB) emnkg.Store {
		s := storetest.NewMemStore()
		tb.Cleanup(func() {
			if err := s.Close(); err != nil {
				tb.Errorf("Close: %v", err)
			}
		})
		return s
	})
}
