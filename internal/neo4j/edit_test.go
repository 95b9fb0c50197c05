package neo4j_test

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/emnkg/emnkg/internal/neo4j"
	"github.com/emnkg/emnkg/internal/neo4jtest"
)

// TestApplyConcurrentSequence checks that concurrent change sets get
// distinct, consecutive sequence numbers per set, and all their records.
func TestApplyConcurrentSequence(t *testing.T) {
	s := neo4jtest.NewStore(t)
	const sets = 8
	at := time.Date(2025, 1, 2, 3, 4, 5, 6, time.UTC)
	results := make([]*emnkg.ApplyResult, sets)
	errs := make([]error, sets)
	var wg sync.WaitGroup
	for i := range sets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprintf("syn-doc-%d", i)
			results[i], errs[i] = s.Apply(t.Context(), emnkg.ChangeSet{Actor: fmt.Sprintf("actor-%d", i), Time: at,
				Changes: []emnkg.Change{
					{Op: emnkg.OpCreateNode, NodeID: id, Kind: emnkg.KindDocument, Props: map[string]any{"title": "Concurrent"}},
					{Op: emnkg.OpUpdateNode, NodeID: id, Props: map[string]any{"year": int64(2020 + i)}},
				}})
		}()
	}
	wg.Wait()
	var seqs []int64
	for i, res := range results {
		if errs[i] != nil {
			t.Fatalf("set %d: %v", i, errs[i])
		}
		if len(res.Records) != 2 || res.Records[1].Seq != res.Records[0].Seq+1 {
			t.Errorf("set %d: records %+v", i, res.Records)
		}
		for _, r := range res.Records {
			seqs = append(seqs, r.Seq)
			if !r.Time.Equal(at) || r.Actor != fmt.Sprintf("actor-%d", i) {
				t.Errorf("set %d: record %+v", i, r)
			}
		}
	}
	slices.Sort(seqs)
	for i, seq := range seqs {
		if seq != int64(i+1) {
			t.Fatalf("sequence numbers %v", seqs)
		}
	}
	p, err := s.Changes(t.Context(), emnkg.ChangeQuery{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Records) != 2*sets || p.HasMore {
		t.Errorf("Changes: %d records", len(p.Records))
	}
	// Search sees every node at once.
	if got := searchIDs(t, s, "concurrent"); len(got) != sets {
		t.Errorf("search: %q", got)
	}
}

// TestApplyFailsOnce checks that a failing change set runs once: the
// driver does not retry domain errors.
func TestApplyFailsOnce(t *testing.T) {
	s := neo4jtest.NewStore(t)
	var queries []string
	neo4j.SetQueryHook(s, func(cypher string) { queries = append(queries, cypher) })
	_, err := s.Apply(t.Context(), emnkg.ChangeSet{Actor: "a", Time: time.Now(), Changes: []emnkg.Change{
		{Op: emnkg.OpCreateNode, NodeID: "syn-doc-1", Kind: emnkg.KindDocument, Props: map[string]any{"title": "T"}},
		{Op: emnkg.OpUpdateNode, NodeID: "syn-unknown", Props: map[string]any{"note": "x"}},
	}})
	neo4j.SetQueryHook(s, nil)
	if emnkg.ErrorCode(err) != emnkg.ENOTFOUND {
		t.Fatalf("Apply: %v", err)
	}
	// Look up syn-doc-1, create it, look up syn-unknown.
	if len(queries) != 3 {
		t.Errorf("%d queries:\n%s", len(queries), strings.Join(queries, "\n"))
	}
	if got, err := s.GetNodes(t.Context(), []string{"syn-doc-1"}); err != nil || len(got) != 0 {
		t.Errorf("rolled back node: %v, %v", got, err)
	}
}

func TestEditTimes(t *testing.T) {
	s := neo4jtest.NewStore(t)
	early := time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC)
	_, err := s.Apply(t.Context(), emnkg.ChangeSet{Actor: "a", Time: early, Changes: []emnkg.Change{
		{Op: emnkg.OpCreateNode, NodeID: "syn-doc-1", Kind: emnkg.KindDocument, Props: map[string]any{"title": "T"}}}})
	if emnkg.ErrorCode(err) != emnkg.EINVALID {
		t.Errorf("Apply at %v: %v", early, err)
	}
	_, err = s.Changes(t.Context(), emnkg.ChangeQuery{Since: early, Limit: 1})
	if emnkg.ErrorCode(err) != emnkg.EINVALID {
		t.Errorf("Changes since %v: %v", early, err)
	}
	err = s.CreateAPIKey(t.Context(), emnkg.APIKey{ID: "k", Role: emnkg.RoleAdmin, Hash: "h", CreatedAt: early})
	if emnkg.ErrorCode(err) != emnkg.EINVALID {
		t.Errorf("CreateAPIKey at %v: %v", early, err)
	}
	// Audit records and API keys are no graph nodes.
	at := time.Date(2025, 6, 7, 8, 9, 10, 11, time.FixedZone("X", 3600))
	if _, err := s.Apply(t.Context(), emnkg.ChangeSet{Actor: "a", Time: at, Changes: []emnkg.Change{
		{Op: emnkg.OpCreateNode, NodeID: "syn-doc-1", Kind: emnkg.KindDocument, Props: map[string]any{"title": "T"}}}}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateAPIKey(t.Context(), emnkg.APIKey{ID: "k", Role: emnkg.RoleAdmin, Hash: "h", CreatedAt: at}); err != nil {
		t.Fatal(err)
	}
	st, err := s.Stats(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, n := range st.NodesByKind {
		total += n
	}
	if total != 1 {
		t.Errorf("Stats counts %d nodes", total)
	}
	ds, err := s.Degrees(t.Context(), emnkg.DegreeQuery{Direction: emnkg.DirectionBoth, Limit: 10})
	if err != nil || len(ds) != 0 {
		t.Errorf("Degrees: %v, %v", ds, err)
	}
	p, err := s.Changes(t.Context(), emnkg.ChangeQuery{Since: at, Until: at.Add(1), Limit: 10})
	if err != nil || len(p.Records) != 1 || !p.Records[0].Time.Equal(at) {
		t.Errorf("Changes at %v: %+v, %v", at, p, err)
	}
}
