package bench

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/emnkg/emnkg/internal/neo4jtest"
	"github.com/emnkg/emnkg/internal/sqlite"
	"github.com/emnkg/emnkg/internal/synth"
)

// The generator's seed and batch size: every store gets the same graph.
const (
	genSeed  = 1
	genBatch = 5000
)

// Environment variables of the benchmarks.
const (
	// EnvSizes overrides the graph sizes: a comma-separated list of node
	// counts (for example 10000,100000).
	EnvSizes = "EMNKG_BENCH_SIZES"
	// Env1M adds a graph of a million nodes when set to 1.
	Env1M = "EMNKG_BENCH_1M"
	// EnvNeo4jPID is the process ID of the Neo4j server, whose peak
	// memory is then reported too.
	EnvNeo4jPID = "EMNKG_BENCH_NEO4J_PID"
	// EnvWarmUp overrides how long the queries run, in turn, on each
	// loaded store before they are measured (a Go duration; default
	// defaultWarmUp, 0 for none).
	EnvWarmUp = "EMNKG_BENCH_WARMUP"
)

// defaultWarmUp is how long the queries run before they are measured. A
// server runs for days: what it answers in steady state is measured, not
// how it answers while its JVM compiles Neo4j's query code. Probes on the
// 100k graph found Neo4j's depth-2 neighbourhood still speeding up (43 ms
// to 25-30 ms) after 40 s of that query alone; the embedded store is as
// fast after one run. Each query's first, cold run is reported too.
const defaultWarmUp = 60 * time.Second

// warmUpTime returns how long to warm up (EnvWarmUp or defaultWarmUp).
func warmUpTime(tb testing.TB) time.Duration {
	tb.Helper()
	s := os.Getenv(EnvWarmUp)
	if s == "" {
		return defaultWarmUp
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		tb.Fatalf("%s: bad duration %q", EnvWarmUp, s)
	}
	return d
}

// sizes returns the node counts of the graphs to benchmark.
func sizes(tb testing.TB) []int {
	tb.Helper()
	if s := os.Getenv(EnvSizes); s != "" {
		var out []int
		for _, f := range strings.Split(s, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n < synth.MinNodes {
				tb.Fatalf("%s: bad size %q (want integers of at least %d)", EnvSizes, f, synth.MinNodes)
			}
			out = append(out, n)
		}
		return out
	}
	out := []int{10_000, 100_000}
	if os.Getenv(Env1M) == "1" {
		out = append(out, 1_000_000)
	}
	return out
}

// sizeName names a size: 10k, 100k, 1M.
func sizeName(n int) string {
	switch {
	case n >= 1_000_000 && n%1_000_000 == 0:
		return fmt.Sprintf("%dM", n/1_000_000)
	case n >= 1000 && n%1000 == 0:
		return fmt.Sprintf("%dk", n/1000)
	}
	return strconv.Itoa(n)
}

// storeDef opens an empty store of one kind, closed at the end of the
// benchmark.
type storeDef struct {
	name string
	open func(tb testing.TB) emnkg.Store
}

var stores = []storeDef{
	{"sqlite", func(tb testing.TB) emnkg.Store {
		tb.Helper()
		dir := tb.TempDir()
		s, err := sqlite.Open(context.Background(), dir)
		if err != nil {
			tb.Fatalf("open the embedded store: %v", err)
		}
		tb.Cleanup(func() {
			if info, err := os.Stat(filepath.Join(dir, sqlite.FileName)); err == nil {
				tb.Logf("embedded store file: %.1f MiB", float64(info.Size())/(1<<20))
			}
			if err := s.Close(); err != nil {
				tb.Errorf("close: %v", err)
			}
		})
		return s
	}},
	{"neo4j", func(tb testing.TB) emnkg.Store {
		tb.Helper()
		// Skips when EMNKG_TEST_NEO4J_URI is unset; locks, wipes and
		// migrates the test database.
		return neo4jtest.NewStore(tb)
	}},
}

// load imports the synthetic graph of n nodes into s, batch by batch, and
// logs how long it took.
func load(tb testing.TB, store string, s emnkg.Store, n int) {
	tb.Helper()
	ctx := context.Background()
	nodes, edges := 0, 0
	start := time.Now()
	err := synth.Generate(n, genSeed, func(g *emnkg.Graph) error {
		nodes += len(g.Nodes)
		edges += len(g.Edges)
		_, err := s.ImportGraph(ctx, g)
		return err
	}, genBatch)
	if err != nil {
		tb.Fatalf("load %d nodes into %s: %v", n, store, err)
	}
	d := time.Since(start)
	tb.Logf("LOAD store=%s nodes=%d relationships=%d batch=%d seconds=%.1f nodes/s=%.0f relationships/s=%.0f",
		store, nodes, edges, genBatch, d.Seconds(), float64(nodes)/d.Seconds(), float64(edges)/d.Seconds())
}

// query is one benchmarked query; run returns its answer.
type query struct {
	name string
	run  func(ctx context.Context) (any, error)
}

// summarize returns the size of an answer and a digest of the IDs (and
// counts) in it, in order, so that the answers of the two stores can be
// compared: they must be the same.
func summarize(answer any) (int, string) {
	h := sha256.New()
	size := 0
	switch a := answer.(type) {
	case []emnkg.SearchHit:
		size = len(a)
		for _, hit := range a {
			fmt.Fprintf(h, "%s %.6f %s\n", hit.Node.ID, hit.Score, hit.Field)
		}
	case *emnkg.Subgraph:
		size = len(a.Nodes)
		for _, n := range a.Nodes {
			fmt.Fprintln(h, n.ID)
		}
		for _, e := range a.Edges {
			fmt.Fprintln(h, e.ID)
		}
	case []emnkg.Path:
		if len(a) > 0 {
			size = len(a[0].Edges)
		}
		for _, p := range a {
			for _, e := range p.Edges {
				fmt.Fprintln(h, e.ID)
			}
		}
	case *emnkg.PatternPage:
		size = len(a.Rows)
		for _, r := range a.Rows {
			for _, n := range r.Nodes {
				fmt.Fprint(h, n.ID, " ")
			}
			fmt.Fprintln(h)
		}
	case *emnkg.NodePage:
		size = len(a.Nodes)
		for _, n := range a.Nodes {
			fmt.Fprintln(h, n.ID)
		}
	case []emnkg.FacetBucket:
		size = len(a)
		for _, b := range a {
			fmt.Fprintln(h, b.Values, b.Count)
		}
	}
	return size, hex.EncodeToString(h.Sum(nil))[:12]
}

// benchReader is what the benchmarked queries read: the traversal calls
// and pages of nodes.
type benchReader interface {
	emnkg.GraphReader
	FindNodes(ctx context.Context, q emnkg.NodeQuery) (*emnkg.NodePage, error)
}

// queries returns the benchmarked queries on g, a loaded synthetic graph.
func queries(g benchReader) []query {
	search := func(word string) func(ctx context.Context) (any, error) {
		tokens := emnkg.Tokenize(word)
		return func(ctx context.Context) (any, error) {
			// As the GraphQL search does: candidates from the store's
			// index, ranked in Go.
			cands, err := g.SearchCandidates(ctx, emnkg.SearchCandidatesQuery{Tokens: tokens, Limit: emnkg.MaxSearchLimit})
			if err != nil {
				return nil, err
			}
			return emnkg.RankSearch(cands.Nodes, word, nil), nil
		}
	}
	neighbourhood := func(id string) func(ctx context.Context) (any, error) {
		return func(ctx context.Context) (any, error) {
			return emnkg.Neighbourhood(ctx, g, emnkg.NeighbourhoodQuery{IDs: []string{id}, Depth: 2, Limit: 500})
		}
	}
	return []query{
		// The most common word of the generated labels (capped at
		// MaxSearchLimit candidates), and a rarer one.
		{"Search/common", search(synth.Word("en", 0))},
		{"Search/rare", search(synth.Word("en", 400))},
		// A typical node (a document) and a hub (an NCP, which
		// contributes to a share of all documents).
		{"Neighbourhood2/document", neighbourhood(synth.DocumentID(500))},
		{"Neighbourhood2/ncp", neighbourhood(synth.NCPID(0))},
		{"ShortestPath/ncp-ncp", func(ctx context.Context) (any, error) {
			return emnkg.ShortestPaths(ctx, g, emnkg.PathQuery{From: synth.NCPID(0), To: synth.NCPID(1)}, false)
		}},
		{"Pattern3", func(ctx context.Context) (any, error) {
			return g.MatchPattern(ctx, emnkg.PatternQuery{
				NodeSteps: []emnkg.NodeStep{{Kind: emnkg.KindCountry}, {Kind: emnkg.KindNationalContactPoint},
					{Kind: emnkg.KindDocument}, {Kind: emnkg.KindGlossaryTerm}},
				RelSteps: []emnkg.RelStep{
					{Types: []emnkg.RelType{emnkg.RelRepresents}, Direction: emnkg.DirectionIn},
					{Types: []emnkg.RelType{emnkg.RelContributedTo}, Direction: emnkg.DirectionOut},
					{Types: []emnkg.RelType{emnkg.RelUsesTerm}, Direction: emnkg.DirectionOut}},
				Limit: 50})
		}},
		{"Facets/document-kind-year", func(ctx context.Context) (any, error) {
			return g.Facets(ctx, emnkg.FacetQuery{Kind: emnkg.KindDocument,
				GroupBy: []emnkg.GroupKey{{Field: "kind"}, {Field: "year"}}, Limit: 1000})
		}},
		// The first page of a document list, by title and newest first.
		{"Page/documents-by-title", func(ctx context.Context) (any, error) {
			return g.FindNodes(ctx, emnkg.NodeQuery{Kind: emnkg.KindDocument, Sort: []emnkg.SortField{{Field: "title"}}, Limit: 20})
		}},
		{"Page/documents-newest", func(ctx context.Context) (any, error) {
			return g.FindNodes(ctx, emnkg.NodeQuery{Kind: emnkg.KindDocument, Sort: []emnkg.SortField{{Field: "year", Desc: true}}, Limit: 20})
		}},
	}
}

// BenchmarkQueries loads the synthetic graph of each size once into each
// store and runs the queries on it.
func BenchmarkQueries(b *testing.B) {
	for _, sd := range stores {
		b.Run(sd.name, func(b *testing.B) {
			for _, n := range sizes(b) {
				b.Run(sizeName(n), func(b *testing.B) {
					benchStore(b, sd, n)
				})
			}
		})
	}
}

// benchStore loads a graph of n nodes into a store and benchmarks every
// query on it.
func benchStore(b *testing.B, sd storeDef, n int) {
	s := sd.open(b)
	load(b, sd.name, s, n)
	if _, ok := s.(emnkg.Explorer); !ok {
		b.Skipf("the %s store (%T) does not implement emnkg.Explorer yet: loaded, but no query to benchmark", sd.name, s)
	}
	g := s.(benchReader)
	ctx := context.Background()
	timed := &timedReader{g: g}
	profiled := queries(timed)
	qs := queries(g)
	// A first, cold run of each query checks it and tells the answer's
	// size and digest (which must be the same on both stores).
	errs := make([]error, len(qs))
	answerSizes := make([]int, len(qs))
	for i, q := range qs {
		start := time.Now()
		answer, err := q.run(ctx)
		cold := time.Since(start)
		if errs[i] = err; err == nil {
			var digest string
			answerSizes[i], digest = summarize(answer)
			b.Logf("QUERY store=%s size=%s query=%s answer=%d digest=%s cold=%s", sd.name, sizeName(n), q.name, answerSizes[i],
				digest, cold.Round(time.Microsecond))
		}
	}
	warmUp(b, sd.name, n, qs, errs)
	for i, q := range qs {
		if errs[i] == nil {
			// A warm run tells where the time goes, store method by
			// store method.
			timed.reset()
			start := time.Now()
			if _, err := profiled[i].run(ctx); err == nil {
				b.Logf("CALLS store=%s size=%s query=%s warm=%s %s", sd.name, sizeName(n), q.name,
					time.Since(start).Round(time.Microsecond), timed)
			}
		}
		b.Run(q.name, func(b *testing.B) {
			if errs[i] != nil {
				b.Fatalf("%s on %s: %v", q.name, sd.name, errs[i])
			}
			if answerSizes[i] == 0 {
				b.Fatalf("%s on %s found nothing: the benchmark measures nothing useful", q.name, sd.name)
			}
			runQuery(b, q, sd.name == "neo4j")
		})
	}
}

// warmUp runs the queries that worked (errs[i] == nil), in turn, for the
// warm-up time (see defaultWarmUp), and logs how many ran.
func warmUp(b *testing.B, store string, n int, qs []query, errs []error) {
	b.Helper()
	d := warmUpTime(b)
	ctx := context.Background()
	runs := 0
	for start := time.Now(); time.Since(start) < d; {
		for i, q := range qs {
			if errs[i] != nil {
				continue
			}
			if _, err := q.run(ctx); err != nil {
				b.Fatalf("warm-up: %s on %s: %v", q.name, store, err)
			}
			runs++
		}
		if runs == 0 {
			return
		}
	}
	b.Logf("WARMUP store=%s size=%s ran %d queries in turn for %s", store, sizeName(n), runs, d)
}

// runQuery benchmarks one query and reports its latency percentiles and
// the peak memory of the benchmark process (and, for a query on Neo4j, of
// the server when EnvNeo4jPID names it) while it ran.
func runQuery(b *testing.B, q query, onNeo4j bool) {
	ctx := context.Background()
	runtime.GC()
	debug.FreeOSMemory()
	server := ""
	if onNeo4j {
		server = os.Getenv(EnvNeo4jPID)
	}
	selfReset := resetPeak("self")
	serverReset := server != "" && resetPeak(server)
	lat := make([]time.Duration, 0, 1<<16)
	b.ReportAllocs()
	for b.Loop() {
		t := time.Now()
		if _, err := q.run(ctx); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t))
	}
	b.StopTimer()
	slices.Sort(lat)
	if len(lat) > 0 {
		b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
		b.ReportMetric(ms(lat[min(len(lat)-1, len(lat)*99/100)]), "p99-ms")
	}
	if kb, ok := peakKiB("self"); ok && selfReset {
		b.ReportMetric(float64(kb)/1024, "peakRSS-MiB")
	}
	if server != "" {
		if kb, ok := peakKiB(server); ok && serverReset {
			b.ReportMetric(float64(kb)/1024, "serverPeakRSS-MiB")
		}
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// resetPeak resets the peak resident set size (VmHWM) of a process
// ("self" or a process ID) and reports whether it could.
func resetPeak(pid string) bool {
	return os.WriteFile("/proc/"+pid+"/clear_refs", []byte("5"), 0) == nil
}

// peakKiB returns the peak resident set size (VmHWM) of a process in KiB.
func peakKiB(pid string) (int64, bool) {
	f, err := os.Open("/proc/" + pid + "/status")
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb, err == nil
		}
	}
	return 0, false
}

// timedReader is a benchReader that adds up the calls and time of each
// store method it passes on (calls made at the same time each count their
// own time). It is safe for concurrent use.
type timedReader struct {
	g     benchReader
	mu    sync.Mutex
	names []string
	calls map[string]int
	took  map[string]time.Duration
}

func (t *timedReader) reset() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.names, t.calls, t.took = nil, map[string]int{}, map[string]time.Duration{}
}

// done records a call of a method that started at start.
func (t *timedReader) done(method string, start time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.calls == nil {
		t.names, t.calls, t.took = nil, map[string]int{}, map[string]time.Duration{}
	}
	if _, ok := t.calls[method]; !ok {
		t.names = append(t.names, method)
	}
	t.calls[method]++
	t.took[method] += time.Since(start)
}

// String lists the methods called, in the order of their first call, as
// method=calls×total time.
func (t *timedReader) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	parts := make([]string, len(t.names))
	for i, m := range t.names {
		parts[i] = fmt.Sprintf("%s=%dx%s", m, t.calls[m], t.took[m].Round(time.Microsecond))
	}
	return strings.Join(parts, " ")
}

func (t *timedReader) FindNodes(ctx context.Context, q emnkg.NodeQuery) (*emnkg.NodePage, error) {
	defer t.done("FindNodes", time.Now())
	return t.g.FindNodes(ctx, q)
}

func (t *timedReader) GetNodes(ctx context.Context, ids []string) ([]*emnkg.Node, error) {
	defer t.done("GetNodes", time.Now())
	return t.g.GetNodes(ctx, ids)
}

func (t *timedReader) SearchCandidates(ctx context.Context, q emnkg.SearchCandidatesQuery) (*emnkg.SearchCandidateSet, error) {
	defer t.done("SearchCandidates", time.Now())
	return t.g.SearchCandidates(ctx, q)
}

func (t *timedReader) Expand(ctx context.Context, q emnkg.ExpandQuery) (*emnkg.Expansion, error) {
	defer t.done("Expand", time.Now())
	return t.g.Expand(ctx, q)
}

func (t *timedReader) Neighbours(ctx context.Context, q emnkg.ExpandQuery) ([]string, error) {
	defer t.done("Neighbours", time.Now())
	return t.g.Neighbours(ctx, q)
}

func (t *timedReader) EdgesAmong(ctx context.Context, ids []string, types []emnkg.RelType) ([]*emnkg.Edge, error) {
	defer t.done("EdgesAmong", time.Now())
	return t.g.EdgesAmong(ctx, ids, types)
}

func (t *timedReader) MatchPattern(ctx context.Context, q emnkg.PatternQuery) (*emnkg.PatternPage, error) {
	defer t.done("MatchPattern", time.Now())
	return t.g.MatchPattern(ctx, q)
}

func (t *timedReader) Facets(ctx context.Context, q emnkg.FacetQuery) ([]emnkg.FacetBucket, error) {
	defer t.done("Facets", time.Now())
	return t.g.Facets(ctx, q)
}

func (t *timedReader) LanguageCoverage(ctx context.Context, kind emnkg.Kind, property string) ([]emnkg.FacetBucket, error) {
	defer t.done("LanguageCoverage", time.Now())
	return t.g.LanguageCoverage(ctx, kind, property)
}

func (t *timedReader) Degrees(ctx context.Context, q emnkg.DegreeQuery) ([]emnkg.NodeDegree, error) {
	defer t.done("Degrees", time.Now())
	return t.g.Degrees(ctx, q)
}
