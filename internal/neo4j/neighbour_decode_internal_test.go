package neo4j

import (
	"reflect"
	"testing"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// sampleNodeMap returns a nodeMap projection of a synthetic document as the
// driver decodes it.
func sampleNodeMap() map[string]any {
	return map[string]any{
		"id":     "syn-doc-0001939",
		"labels": []any{"Node", "Document"},
		"props": map[string]any{
			"_search": nil, "_version": int64(3), "id": "syn-doc-0001939",
			"abstract":  "This synthetic progress report covers loka pelo.",
			"date":      "2008-06-20",
			"kind":      "progress-report",
			"publisher": "Rimi National network on tesa neka",
			"synthetic": true,
			"title":     "Progress Report: vekansa pelo rilolo in Tuneovia, 2008",
			"year":      int64(2008),
		},
	}
}

// TestDecodeNodeWith checks that decoding in place with cached definitions
// gives what normalising a copy gives.
func TestDecodeNodeWith(t *testing.T) {
	raw := sampleNodeMap()["props"].(map[string]any)
	want, err := normalize(emnkg.NodeProps(emnkg.KindDocument), raw)
	if err != nil {
		t.Fatal(err)
	}
	defs := propDefs{}
	for range 2 {
		n, err := decodeNodeWith(sampleNodeMap(), defs)
		if err != nil {
			t.Fatal(err)
		}
		if n.id != "syn-doc-0001939" || n.kind != emnkg.KindDocument || n.version != 3 || !reflect.DeepEqual(n.props, want) {
			t.Errorf("got %+v, want props %v", n, want)
		}
	}
	if len(defs) != 1 {
		t.Errorf("%d kinds cached", len(defs))
	}
}

// BenchmarkDecodeNode times decoding a node of a GetNodes answer (the
// projection is built anew each time, as each node is decoded once).
func BenchmarkDecodeNode(b *testing.B) {
	b.ReportAllocs()
	defs := propDefs{}
	for b.Loop() {
		if _, err := decodeNodeWith(sampleNodeMap(), defs); err != nil {
			b.Fatal(err)
		}
	}
}
