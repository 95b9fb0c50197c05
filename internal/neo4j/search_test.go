package neo4j_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/emnkg/emnkg/internal/neo4jtest"
)

// TestSearchLongWords searches words longer than the full-text index keeps
// whole (255 UTF-16 code units): it indexes them as parts, and a token
// equal to the last part, or starting it, must not find the node.
func TestSearchLongWords(t *testing.T) {
	s := neo4jtest.NewStore(t)
	long := strings.Repeat("x", 255) + "kiwi"
	mustImport(t, s, &emnkg.Graph{Nodes: []*emnkg.Node{
		{ID: "t-long", Kind: emnkg.KindNetwork, Props: map[string]any{"name": long + " network", "synthetic": true}},
		{ID: "t-kiwi", Kind: emnkg.KindNetwork, Props: map[string]any{"name": "Kiwi network", "synthetic": true}},
	}})
	for _, tc := range []struct {
		token string
		want  []string
	}{
		{"kiwi", []string{"t-kiwi"}},
		{"kiw", []string{"t-kiwi"}},
		{"xxxx", []string{"t-long"}},
		{"network", []string{"t-kiwi", "t-long"}},
	} {
		if got := searchIDs(t, s, tc.token); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.token, got, tc.want)
		}
	}
}
