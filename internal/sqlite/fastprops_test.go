package sqlite

import (
	"reflect"
	"strings"
	"testing"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/emnkg/emnkg/internal/seed"
	"github.com/emnkg/emnkg/internal/storetest"
	"github.com/emnkg/emnkg/internal/synth"
)

// checkFastDecode checks that decodeFast answers as decodeProps does for
// one stored text: the same properties, or an error for both.
func checkFastDecode(t *testing.T, idx propIndex, defs []emnkg.PropDef, text string) {
	t.Helper()
	want, wantErr := decodeProps(defs, "node", "x", text)
	got, gotErr := decodeFast(idx, defs, "node", "x", text)
	if (wantErr != nil) != (gotErr != nil) || !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n fast %#v (%v)\n want %#v (%v)", text, got, gotErr, want, wantErr)
	}
}

// TestFastDecodeMatches compares the fast decoder with decodeProps on the
// properties of every fixture, the factual seed and a synthetic graph, and
// on hand-made texts that it must leave to decodeProps.
func TestFastDecodeMatches(t *testing.T) {
	graphs := []*emnkg.Graph{storetest.Fixture(), storetest.ExploreFixture(), storetest.Generated()}
	if g, err := seed.Graph(); err == nil {
		graphs = append(graphs, g)
	} else {
		t.Fatal(err)
	}
	err := synth.Generate(synth.MinNodes, 7, func(g *emnkg.Graph) error {
		graphs = append(graphs, g)
		return nil
	}, 0)
	if err != nil {
		t.Fatal(err)
	}
	edgeIdx, edgeDefs := newPropIndex(emnkg.EdgeProps()), emnkg.EdgeProps()
	fast := 0
	for _, g := range graphs {
		for _, n := range g.Nodes {
			defs := emnkg.NodeProps(n.Kind)
			props, err := emnkg.NormalizeProps(defs, n.Props)
			if err != nil {
				t.Fatal(err)
			}
			text, err := encodeProps("Node", n.ID, props)
			if err != nil {
				t.Fatal(err)
			}
			idx := newPropIndex(defs)
			checkFastDecode(t, idx, defs, text)
			if _, ok := scanProps(idx, defs, text); ok {
				fast++
			}
		}
		for _, e := range g.Edges {
			props, err := emnkg.NormalizeProps(edgeDefs, e.Props)
			if err != nil {
				t.Fatal(err)
			}
			text, err := encodeProps("Relationship", e.ID, props)
			if err != nil {
				t.Fatal(err)
			}
			checkFastDecode(t, edgeIdx, edgeDefs, text)
		}
	}
	if fast == 0 {
		t.Error("the fast path never applied")
	}
	defs := emnkg.NodeProps(emnkg.KindGlossaryTerm)
	idx := newPropIndex(defs)
	for _, text := range []string{
		`{}`, ` { } `, `{"scheme":"a","scheme":null}`, `{"scheme":null}`, `{"scheme":"a\"b"}`,
		`{"scheme":"\u00e9"}`, `{"scheme":"line\nbreak"}`, `{"prefLabel_en":"x","prefLabel_xx":"y"}`,
		`{"prefLabel_eng":"x"}`, `{"prefLabel":"x"}`, `{"colour":"red"}`, `{"uncertain":1}`,
		`{"uncertain":true,"synthetic":false}`, `{"altLabels_en":[]}`, `{"altLabels_en":["a","b"]}`,
		`{"altLabels_en":["a",null]}`, `{"altLabels_en":["a",1]}`, `{"altLabels_en":"a"}`, `{"scheme":["a"]}`,
		`{"scheme":{"a":1}}`, `{"scheme":"a"}x`, `{"scheme":"a"`, `{"scheme" "a"}`, `{"scheme":"a",}`,
		`[]`, `null`, ``, `{"scheme":tru}`, `{"uncertain":nul}`, "{\"scheme\":\"\xff\"}",
		`{ "scheme" : "a" , "note" : "b" }`,
	} {
		checkFastDecode(t, idx, defs, text)
	}
	ddefs := emnkg.NodeProps(emnkg.KindDocument)
	didx := newPropIndex(ddefs)
	long := strings.Repeat("x", emnkg.MaxIndexedLength)
	for _, text := range []string{
		`{"title":"` + long + `"}`, `{"title":"` + long + `y"}`, `{"abstract":"` + long + `y"}`,
		`{"year":2020}`, `{"year":-5}`, `{"year":2020.0}`, `{"year":2e3}`, `{"year":"2020"}`,
		`{"year":9007199254740993}`, `{"year":99999999999999999999}`, `{"year":-}`, `{"year":1,"title":"t"}`,
	} {
		checkFastDecode(t, didx, ddefs, text)
	}
}

// BenchmarkDecodeProps compares the two decoders on a document's
// properties.
func BenchmarkDecodeProps(b *testing.B) {
	defs := emnkg.NodeProps(emnkg.KindDocument)
	idx := newPropIndex(defs)
	text := `{"abstract":"A synthetic abstract about return and reintegration.","kind":"study","languages":["de","en"],` +
		`"source":"synthetic: emnkg generate seed=1","synthetic":true,"title":"Synthetic document 000001","year":2020}`
	b.Run("fast", func(b *testing.B) {
		for b.Loop() {
			if _, ok := scanProps(idx, defs, text); !ok {
				b.Fatal("not fast")
			}
		}
	})
	b.Run("json", func(b *testing.B) {
		for b.Loop() {
			if _, err := decodeProps(defs, "node", "x", text); err != nil {
				b.Fatal(err)
			}
		}
	})
}
