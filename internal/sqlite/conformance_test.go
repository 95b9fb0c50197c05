package sqlite

import (
	"testing"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/emnkg/emnkg/internal/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(tb testing.TB) emnkg.Store { return newTestStore(tb) })
}
