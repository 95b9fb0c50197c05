package synth

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/emnkg/emnkg/internal/seed"
)

// collect generates a graph and returns its batches.
func collect(tb testing.TB, nodes int, s int64, batch int) []*emnkg.Graph {
	tb.Helper()
	var out []*emnkg.Graph
	if err := Generate(nodes, s, func(b *emnkg.Graph) error {
		out = append(out, b)
		return nil
	}, batch); err != nil {
		tb.Fatalf("Generate(%d, %d): %v", nodes, s, err)
	}
	return out
}

// digest hashes the batches' nodes in order and their relationships in
// order (JSON sorts map keys, so equal graphs hash equally).
func digest(tb testing.TB, batches []*emnkg.Graph) string {
	tb.Helper()
	nodes, edges := sha256.New(), sha256.New()
	nenc, eenc := json.NewEncoder(nodes), json.NewEncoder(edges)
	for _, b := range batches {
		for _, n := range b.Nodes {
			if err := nenc.Encode(n); err != nil {
				tb.Fatal(err)
			}
		}
		for _, e := range b.Edges {
			if err := eenc.Encode(e); err != nil {
				tb.Fatal(err)
			}
		}
	}
	return hex.EncodeToString(nodes.Sum(nil)) + hex.EncodeToString(edges.Sum(nil))
}

func TestGenerateIsDeterministic(t *testing.T) {
	a := digest(t, collect(t, 3000, 42, 500))
	if b := digest(t, collect(t, 3000, 42, 500)); a != b {
		t.Fatalf("same nodes and seed gave different graphs: %s != %s", a, b)
	}
	// The batch size cuts the same stream differently.
	if b := digest(t, collect(t, 3000, 42, 77)); a != b {
		t.Errorf("batch size changed the graph: %s != %s", a, b)
	}
	if b := digest(t, collect(t, 3000, 43, 500)); a == b {
		t.Errorf("seeds 42 and 43 gave the same graph")
	}
}

// relCombo is a relationship type with the kinds of its ends.
type relCombo struct {
	t        emnkg.RelType
	from, to emnkg.Kind
}

// seedShape returns the relationship combinations and the document,
// organisation and network kinds of the factual graph.
func seedShape(tb testing.TB) (combos map[relCombo]int, kinds map[string]map[string]bool) {
	tb.Helper()
	g, err := seed.Graph()
	if err != nil {
		tb.Fatal(err)
	}
	kindOf := map[string]emnkg.Kind{}
	kinds = map[string]map[string]bool{}
	for _, n := range g.Nodes {
		kindOf[n.ID] = n.Kind
		if k := n.String("kind"); k != "" {
			if kinds[string(n.Kind)] == nil {
				kinds[string(n.Kind)] = map[string]bool{}
			}
			kinds[string(n.Kind)][k] = true
		}
	}
	combos = map[relCombo]int{}
	for _, e := range g.Edges {
		combos[relCombo{e.Type, kindOf[e.From], kindOf[e.To]}]++
	}
	return combos, kinds
}

func TestGenerateShape(t *testing.T) {
	seedCombos, seedKinds := seedShape(t)
	sizes := []int{MinNodes, 2000, 20000}
	if testing.Short() {
		sizes = sizes[:2]
	}
	for _, size := range sizes {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			const batch = 1000
			const s = 7
			src := Source(s)
			kinds := map[string]emnkg.Kind{}
			edgeIDs := map[string]bool{}
			byKind := map[emnkg.Kind]int{}
			combos := map[relCombo]int{}
			edges := 0
			termLangs := 0
			nbatch := 0
			err := Generate(size, s, func(b *emnkg.Graph) error {
				nbatch++
				if len(b.Nodes) > batch {
					t.Errorf("batch %d has %d nodes, more than %d", nbatch, len(b.Nodes), batch)
				}
				// Every batch is a valid import on its own, given the
				// earlier ones.
				missing, err := emnkg.ValidateGraph(b)
				if err != nil {
					t.Fatalf("batch %d does not validate: %v", nbatch, err)
				}
				for _, n := range b.Nodes {
					if _, dup := kinds[n.ID]; dup {
						t.Fatalf("node %s generated twice", n.ID)
					}
					kinds[n.ID] = n.Kind
					byKind[n.Kind]++
					checkSynthetic(t, n.ID, n.Props, src)
					if !strings.HasPrefix(n.ID, IDPrefix) {
						t.Fatalf("node ID %s lacks the prefix %s", n.ID, IDPrefix)
					}
					checkNode(t, n, seedKinds)
					if l, _ := n.Props["languages"].([]string); n.Kind == emnkg.KindGlossaryTerm && len(l) >= 15 {
						termLangs++
					}
				}
				for _, id := range missing {
					if _, ok := kinds[id]; !ok {
						t.Fatalf("batch %d: a relationship ends at %s, not emitted before", nbatch, id)
					}
				}
				if err := emnkg.CheckEdgeEnds(b, kinds); err != nil {
					t.Fatalf("batch %d: %v", nbatch, err)
				}
				for _, e := range b.Edges {
					if edgeIDs[e.ID] {
						t.Fatalf("relationship %s generated twice", e.ID)
					}
					edgeIDs[e.ID] = true
					edges++
					checkSynthetic(t, e.ID, e.Props, src)
					combos[relCombo{e.Type, kinds[e.From], kinds[e.To]}]++
					if e.Type == emnkg.RelHostedBy && (e.Props["since"] == nil || e.Props["status"] == nil) {
						t.Errorf("HOSTED_BY %s lacks since or status: %v", e.ID, e.Props)
					}
					if e.Type == emnkg.RelHostedBy && e.Props["status"] == "former" && e.Props["until"] == nil {
						t.Errorf("former HOSTED_BY %s lacks until", e.ID)
					}
				}
				return nil
			}, batch)
			if err != nil {
				t.Fatal(err)
			}
			total := len(kinds)
			if total < size*9/10 || total > size*11/10 {
				t.Errorf("%d nodes, want %d ±10%%", total, size)
			}
			perNode := float64(edges) / float64(total)
			t.Logf("%d nodes, %d relationships (%.2f per node), %d batches; %v", total, edges, perNode, nbatch, byKind)
			if perNode < 4.5 || perNode > 5.5 {
				t.Errorf("%.2f relationships per node, want about 5", perNode)
			}
			p := PlanFor(size)
			want := map[emnkg.Kind]int{emnkg.KindCountry: p.Countries, emnkg.KindNationalContactPoint: p.NCPs,
				emnkg.KindFund: p.Funds, emnkg.KindNetwork: p.Networks, emnkg.KindOrganisation: p.Organisations,
				emnkg.KindPerson: p.People, emnkg.KindGlossaryTerm: p.Terms, emnkg.KindDocument: p.Documents}
			for k, n := range want {
				if byKind[k] != n {
					t.Errorf("%d %s nodes, plan says %d", byKind[k], k, n)
				}
			}
			if byKind[emnkg.KindCountry] < 2 || byKind[emnkg.KindCountry] > 40 {
				t.Errorf("%d countries, want a few dozen at most", byKind[emnkg.KindCountry])
			}
			if combos[relCombo{emnkg.RelRepresents, emnkg.KindNationalContactPoint, emnkg.KindCountry}] != byKind[emnkg.KindCountry] {
				t.Errorf("not one NCP per country: %d REPRESENTS for %d countries",
					combos[relCombo{emnkg.RelRepresents, emnkg.KindNationalContactPoint, emnkg.KindCountry}], byKind[emnkg.KindCountry])
			}
			if termLangs == 0 {
				t.Errorf("no glossary term has labels in 15 languages or more")
			}
			// The same relationship mix as the factual graph: the same
			// types between the same kinds (the rare ones may be absent
			// from the smallest graphs).
			for c := range combos {
				if seedCombos[c] == 0 {
					t.Errorf("%s %s->%s is not in the factual graph", c.t, c.from, c.to)
				}
			}
			if size >= 10000 {
				for c := range seedCombos {
					if combos[c] == 0 {
						t.Errorf("%s %s->%s of the factual graph never occurs", c.t, c.from, c.to)
					}
				}
			}
		})
	}
}

// checkSynthetic checks the marks of a synthetic node or relationship.
func checkSynthetic(tb testing.TB, id string, props map[string]any, src string) {
	tb.Helper()
	if props["synthetic"] != true || props["source"] != src {
		tb.Fatalf("%s is not marked synthetic with source %q: %v", id, src, props)
	}
}

// checkNode checks the kind-specific facts of a node.
func checkNode(tb testing.TB, n *emnkg.Node, seedKinds map[string]map[string]bool) {
	tb.Helper()
	if k := n.String("kind"); k != "" && !seedKinds[string(n.Kind)][k] {
		tb.Errorf("%s %s has kind %q, not one of the factual graph", n.Kind, n.ID, k)
	}
	switch n.Kind {
	case emnkg.KindDocument:
		y, _ := n.Props["year"].(int64)
		if y < 2000 || y > 2025 {
			tb.Errorf("document %s has year %v", n.ID, n.Props["year"])
		}
		if n.String("title") == "" || n.String("kind") == "" {
			tb.Errorf("document %s lacks a title or kind", n.ID)
		}
	case emnkg.KindGlossaryTerm:
		if n.String("prefLabel_en") == "" {
			tb.Errorf("term %s has no English label", n.ID)
		}
		langs, _ := n.Props["languages"].([]string)
		for _, l := range langs {
			if n.String(emnkg.LangKey("prefLabel", l)) == "" {
				tb.Errorf("term %s lists %s without a label in it", n.ID, l)
			}
		}
	case emnkg.KindCountry:
		if !strings.HasPrefix(n.ID, "syn-c-") {
			tb.Errorf("country ID %s", n.ID)
		}
	}
}

func TestGenerateStopsOnEmitError(t *testing.T) {
	boom := errors.New("boom")
	calls := 0
	err := Generate(5000, 1, func(*emnkg.Graph) error {
		calls++
		return boom
	}, 100)
	if !errors.Is(err, boom) || calls != 1 {
		t.Fatalf("err = %v after %d calls, want boom after 1", err, calls)
	}
}

func TestGenerateRefusesTinyGraphs(t *testing.T) {
	err := Generate(MinNodes-1, 1, func(*emnkg.Graph) error { return nil }, 10)
	if emnkg.ErrorCode(err) != emnkg.EINVALID {
		t.Fatalf("err = %v, want EINVALID", err)
	}
}

func TestWordsAreDistinctPerLanguage(t *testing.T) {
	for _, l := range Languages {
		seen := map[string]int{}
		for i := range 5000 {
			w := Word(l, i)
			if j, dup := seen[w]; dup {
				t.Fatalf("%s: words %d and %d are both %q", l, j, i, w)
			}
			seen[w] = i
		}
	}
	// Translations differ from English and searchable text folds them.
	if Word("de", 3) == Word("en", 3) || len(emnkg.Tokenize(Word("el", 3))) != 1 {
		t.Errorf("de %q en %q el %q", Word("de", 3), Word("en", 3), Word("el", 3))
	}
	if !slices.Contains(Languages, "en") {
		t.Error("no English")
	}
}
