package synth

import (
	"testing"

	"github.com/emnkg/emnkg/internal/emnkg"
)

func BenchmarkGenerate100k(b *testing.B) {
	for b.Loop() {
		if err := Generate(100000, 1, func(*emnkg.Graph) error { return nil }, 5000); err != nil {
			b.Fatal(err)
		}
	}
}
