package sqlite

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// at is the time of the change sets of these tests.
var at = time.Date(2025, 6, 1, 12, 0, 0, 123456789, time.UTC)

func mustApply(tb testing.TB, s *Store, changes ...emnkg.Change) *emnkg.ApplyResult {
	tb.Helper()
	res, err := s.Apply(context.Background(), emnkg.ChangeSet{Actor: "tester", Time: at, Changes: changes})
	if err != nil {
		tb.Fatalf("Apply: %v", err)
	}
	return res
}

// search returns the IDs, sorted, of the search candidates for tokens.
func search(tb testing.TB, s *Store, tokens ...string) []string {
	tb.Helper()
	set, err := s.SearchCandidates(context.Background(), emnkg.SearchCandidatesQuery{Tokens: tokens, Limit: 100})
	if err != nil {
		tb.Fatalf("SearchCandidates: %v", err)
	}
	ids := nodeIDs(set.Nodes)
	slices.Sort(ids)
	return ids
}

// TestMigrateFromVersion1 opens a database written by the first schema
// version: Migrate adds the new tables and indexes every stored node for
// search, and the store then reads, searches and edits it.
func TestMigrateFromVersion1(t *testing.T) {
	dir := t.TempDir()
	writeOldDatabase(t, dir, 1,
		`INSERT INTO nodes (id, kind, version, props) VALUES
			('syn-t1', 'GlossaryTerm', 3, '{"prefLabel_de":"Rückkehr","prefLabel_en":"return","synthetic":true}'),
			('syn-d1', 'Document', 1, '{"synthetic":true,"title":"Return study"}'),
			('syn-d2', 'Document', 1, '{"title":"Overlong `+strings.Repeat("x", emnkg.MaxIndexedLength)+`"}')`,
		`INSERT INTO edges (id, type, src, dst, props) VALUES ('syn-d1|USES_TERM|syn-t1', 'USES_TERM', 'syn-d1', 'syn-t1', '{}')`)

	s := openTestStore(t, dir)
	var version int
	if err := s.rdb.QueryRow(`SELECT version FROM schema_version`).Scan(&version); err != nil || version != len(migrations()) {
		t.Fatalf("schema version %d (%v), want %d", version, err, len(migrations()))
	}
	if got := search(t, s, "ruckk"); !slicesEqual(got, []string{"syn-t1"}) {
		t.Errorf("search ruckk: %q", got)
	}
	if got := search(t, s, "return"); !slicesEqual(got, []string{"syn-d1", "syn-t1"}) {
		t.Errorf("search return: %q", got)
	}
	// A node that today's rules refuse (a sortable title longer than
	// MaxIndexedLength) is indexed all the same.
	var n int
	if err := s.rdb.QueryRow(`SELECT count(*) FROM node_search WHERE node_search MATCH '"overlong"*'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("overlong title indexed %d times (%v)", n, err)
	}
	res := mustApply(t, s, emnkg.Change{Op: emnkg.OpUpdateNode, NodeID: "syn-t1", ExpectedVersion: 3,
		Props: map[string]any{"prefLabel_fr": "retour"}})
	if res.Nodes[0].Version != 4 || res.Records[0].Seq != 1 {
		t.Errorf("update after migration: %+v %+v", res.Nodes[0], res.Records[0])
	}
	if got := search(t, s, "retour"); !slicesEqual(got, []string{"syn-t1"}) {
		t.Errorf("search retour: %q", got)
	}
	// Migrating again changes nothing.
	if err := s.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := search(t, s, "r"); !slicesEqual(got, []string{"syn-d1", "syn-t1"}) {
		t.Errorf("search r after a second Migrate: %q", got)
	}
}

func slicesEqual(a, b []string) bool { return strings.Join(a, "\x00") == strings.Join(b, "\x00") }

// TestApplyRules checks the content rules Apply adds to the suite's: the
// patch of an UPDATE without a kind is checked against the stored kind,
// the merged properties as a whole, and times must have a fixed-width
// form.
func TestApplyRules(t *testing.T) {
	s := newTestStore(t)
	mustImport(t, s, &emnkg.Graph{Nodes: []*emnkg.Node{
		node("syn-t1", emnkg.KindGlossaryTerm, "prefLabel_en", "return"),
		node("syn-c1", emnkg.KindCountry, "name", "Aland"),
	}})
	ctx := t.Context()
	tests := []struct {
		name   string
		change emnkg.Change
		code   string
	}{
		{"patch of the stored kind", emnkg.Change{Op: emnkg.OpUpdateNode, NodeID: "syn-t1",
			Props: map[string]any{"prefLabel_xx": "x"}}, emnkg.EINVALID},
		{"merged: the only prefLabel removed", emnkg.Change{Op: emnkg.OpUpdateNode, NodeID: "syn-t1",
			Props: map[string]any{"prefLabel_en": nil}}, emnkg.EINVALID},
		{"merged: SKOS", emnkg.Change{Op: emnkg.OpUpdateNode, NodeID: "syn-t1",
			Props: map[string]any{"altLabels_en": []string{"Return"}}}, emnkg.EINVALID},
		{"required name", emnkg.Change{Op: emnkg.OpUpdateNode, NodeID: "syn-c1", Props: map[string]any{"name": nil}},
			emnkg.EINVALID},
		{"country code", emnkg.Change{Op: emnkg.OpCreateNode, NodeID: "XX", Kind: emnkg.KindCountry,
			Props: map[string]any{"name": "Nowhere"}}, emnkg.EINVALID},
		{"another kind", emnkg.Change{Op: emnkg.OpUpdateNode, NodeID: "syn-t1", Kind: emnkg.KindCountry},
			emnkg.ECONFLICT},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.Apply(ctx, emnkg.ChangeSet{Actor: "tester", Time: at, Changes: []emnkg.Change{tt.change}})
			if emnkg.ErrorCode(err) != tt.code {
				t.Errorf("error %v, want code %s", err, tt.code)
			}
		})
	}
	for _, when := range []time.Time{time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(0, 12, 31, 0, 0, 0, 0, time.UTC)} {
		_, err := s.Apply(ctx, emnkg.ChangeSet{Actor: "tester", Time: when, Changes: []emnkg.Change{
			{Op: emnkg.OpUpdateNode, NodeID: "syn-t1", Props: map[string]any{"scheme": "emn"}}}})
		if emnkg.ErrorCode(err) != emnkg.EINVALID {
			t.Errorf("time %v: error %v", when, err)
		}
	}
	p, err := s.Changes(ctx, emnkg.ChangeQuery{Limit: 10})
	if err != nil || len(p.Records) != 0 {
		t.Errorf("records after failures: %+v, %v", p, err)
	}
	mustApply(t, s, emnkg.Change{Op: emnkg.OpUpdateNode, NodeID: "syn-c1", Props: map[string]any{"note": "edited"}})
	// Query bounds beyond the years a record can have select all or none.
	far, early := time.Date(12000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(-5, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		q    emnkg.ChangeQuery
		want int
	}{
		{emnkg.ChangeQuery{Since: far, Limit: 10}, 0}, {emnkg.ChangeQuery{Until: far, Limit: 10}, 1},
		{emnkg.ChangeQuery{Since: early, Limit: 10}, 1}, {emnkg.ChangeQuery{Until: early, Limit: 10}, 0},
		{emnkg.ChangeQuery{Since: at, Until: at.Add(time.Nanosecond), Limit: 10}, 1},
		{emnkg.ChangeQuery{Since: at.Add(time.Nanosecond), Limit: 10}, 0},
	} {
		p, err := s.Changes(ctx, tt.q)
		if err != nil || len(p.Records) != tt.want {
			t.Errorf("Changes(since %v, until %v): %d records (%v), want %d", tt.q.Since, tt.q.Until, len(p.Records), err, tt.want)
		}
	}
	// An update that keeps the rules passes, and search follows it.
	mustApply(t, s, emnkg.Change{Op: emnkg.OpUpdateNode, NodeID: "syn-t1", Props: map[string]any{"altLabels_en": []string{"repatriation"}}})
	if got := search(t, s, "repat"); !slicesEqual(got, []string{"syn-t1"}) {
		t.Errorf("search repat: %q", got)
	}
}

// TestConcurrentApply applies change sets from several goroutines while
// others read: every set is applied whole, sequence numbers are unique and
// every record is listed once.
func TestConcurrentApply(t *testing.T) {
	s := newTestStore(t)
	ctx := t.Context()
	const writers, sets = 4, 15
	var wg sync.WaitGroup
	errs := make(chan error, writers*sets+16)
	for w := range writers {
		wg.Go(func() {
			for i := range sets {
				id := fmt.Sprintf("syn-w%d-%02d", w, i)
				_, err := s.Apply(ctx, emnkg.ChangeSet{Actor: fmt.Sprint("writer", w), Time: at, Changes: []emnkg.Change{
					{Op: emnkg.OpCreateNode, NodeID: id, Kind: emnkg.KindDocument, Props: map[string]any{"title": "Parallel " + id}},
					{Op: emnkg.OpUpdateNode, NodeID: id, ExpectedVersion: 1, Props: map[string]any{"year": int64(2020)}},
				}})
				if err != nil {
					errs <- err
				}
			}
		})
	}
	for range 2 {
		wg.Go(func() {
			for range 20 {
				if _, err := s.SearchCandidates(ctx, emnkg.SearchCandidatesQuery{Tokens: []string{"parallel"}, Limit: 1000}); err != nil {
					errs <- err
				}
				if _, err := s.Changes(ctx, emnkg.ChangeQuery{Limit: 50}); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := search(t, s, "parallel"); len(got) != writers*sets {
		t.Errorf("search finds %d nodes, want %d", len(got), writers*sets)
	}
	p, err := s.Changes(ctx, emnkg.ChangeQuery{Limit: emnkg.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Records) != 2*writers*sets {
		t.Fatalf("%d records, want %d", len(p.Records), 2*writers*sets)
	}
	for i := 1; i < len(p.Records); i++ {
		if p.Records[i].Seq <= p.Records[i-1].Seq {
			t.Fatalf("records out of order: %d after %d", p.Records[i].Seq, p.Records[i-1].Seq)
		}
	}
}

// crashDirEnv tells TestCrashHelper, run as a child process, where its
// store is.
const crashDirEnv = "EMNKG_SQLITE_CRASH_DIR"

// TestCrashHelper is the child process of TestApplySurvivesKill: it
// applies change sets and prints the ID of each as soon as Apply returns,
// until it is killed.
func TestCrashHelper(t *testing.T) {
	dir := os.Getenv(crashDirEnv)
	if dir == "" {
		t.Skip("run by TestApplySurvivesKill")
	}
	s, err := Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; ; i++ {
		id := fmt.Sprintf("syn-crash-%05d", i)
		_, err := s.Apply(context.Background(), emnkg.ChangeSet{Actor: "crash", Time: at, Changes: []emnkg.Change{
			{Op: emnkg.OpCreateNode, NodeID: id, Kind: emnkg.KindDocument, Props: map[string]any{"title": "Durable " + id}},
		}})
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintln(os.Stdout, "applied", i)
	}
}

// TestApplySurvivesKill kills a process with SIGKILL while it applies
// change sets, and checks that every change set it acknowledged is in the
// store, with its audit record and its search entry.
func TestApplySurvivesKill(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashHelper$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashDirEnv+"="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	acked := -1
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if n, ok := strings.CutPrefix(sc.Text(), "applied "); ok {
			if acked, err = strconv.Atoi(n); err != nil {
				t.Fatal(err)
			}
			if acked == 40 {
				break
			}
		}
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if acked < 40 {
		t.Fatalf("the child acknowledged %d change sets before it stopped", acked+1)
	}

	s := openTestStore(t, dir)
	ids := make([]string, acked+1)
	for i := range ids {
		ids[i] = fmt.Sprintf("syn-crash-%05d", i)
	}
	ns, err := s.GetNodes(t.Context(), ids)
	if err != nil {
		t.Fatal(err)
	}
	if len(ns) != len(ids) {
		t.Errorf("%d of %d acknowledged nodes survived", len(ns), len(ids))
	}
	p, err := s.Changes(t.Context(), emnkg.ChangeQuery{Actor: "crash", Limit: emnkg.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Records) < len(ids) {
		t.Errorf("%d records for %d acknowledged change sets", len(p.Records), len(ids))
	}
	if got := search(t, s, "durable"); len(got) < len(ids) || len(got) != len(p.Records) {
		t.Errorf("search finds %d nodes, %d records, %d acknowledged", len(got), len(p.Records), len(ids))
	}
}
