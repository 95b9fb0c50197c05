package neo4j_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/emnkg/emnkg/internal/neo4j"
	"github.com/emnkg/emnkg/internal/synth"
)

// timedReader is an emnkg.GraphReader that records the time of each call
// of the methods a neighbourhood uses.
type timedReader struct {
	*neo4j.Store
	mu    sync.Mutex
	calls []string
	times []time.Duration
}

func (r *timedReader) record(name string, start time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, name)
	r.times = append(r.times, time.Since(start))
}

func (r *timedReader) GetNodes(ctx context.Context, ids []string) ([]*emnkg.Node, error) {
	defer r.record(fmt.Sprintf("GetNodes(%d)", len(ids)), time.Now())
	return r.Store.GetNodes(ctx, ids)
}

func (r *timedReader) Neighbours(ctx context.Context, q emnkg.ExpandQuery) ([]string, error) {
	defer r.record(fmt.Sprintf("Neighbours(%d)", len(q.NodeIDs)), time.Now())
	return r.Store.Neighbours(ctx, q)
}

func (r *timedReader) EdgesAmong(ctx context.Context, ids []string, types []emnkg.RelType) ([]*emnkg.Edge, error) {
	defer r.record(fmt.Sprintf("EdgesAmong(%d)", len(ids)), time.Now())
	return r.Store.EdgesAmong(ctx, ids, types)
}

// TestExploreNeighbourhoodCalls100k logs, for depth-2 neighbourhoods
// capped at 500 nodes on the 100k-node graph of TestNeighbourhood100k, the
// median time of each store call (after a warm-up). With
// EMNKG_EXPLORE_DUMP set to a file name it also writes the queries of the
// last run and their parameters there, as JSON lines, to PROFILE them.
// It also logs the CPU time each neighbourhood costs this process and,
// with EMNKG_NEO4J_PID set to the Neo4j process's ID (scripts/neo4j.sh
// writes it to <workdir>/neo4j.pid), the Neo4j process by thread group,
// over 100 more neighbourhoods. It runs only when EnvPerf is set.
func TestExploreNeighbourhoodCalls100k(t *testing.T) {
	if os.Getenv(EnvPerf) == "" {
		t.Skip("set " + EnvPerf + "=1 to load 100k nodes and time neighbourhood calls")
	}
	s := openPerfStore(t, 100_000)
	ctx := t.Context()
	var dump []recordedQuery
	for _, id := range []string{synth.DocumentID(500), synth.DocumentID(1000), synth.TermID(10), synth.NCPID(0), synth.CountryID(3)} {
		const runs = 11
		var totals []time.Duration
		perCall := map[string][]time.Duration{}
		var order []string
		for i := range runs {
			r := &timedReader{Store: s}
			var queries []recordedQuery
			if i == runs-1 {
				neo4j.SetQueryParamsHook(s, func(cypher string, params map[string]any) {
					queries = append(queries, recordedQuery{cypher, params})
				})
			}
			start := time.Now()
			_, err := emnkg.Neighbourhood(ctx, r, emnkg.NeighbourhoodQuery{IDs: []string{id}, Depth: 2, Limit: 500})
			totals = append(totals, time.Since(start))
			neo4j.SetQueryParamsHook(s, nil)
			if err != nil {
				t.Fatal(err)
			}
			dump = append(dump, queries...)
			// The last calls run at the same time and may end in either
			// order: a call is known by its name and how many calls of
			// that name came before it.
			seen := map[string]int{}
			for j, c := range r.calls {
				seen[c]++
				key := fmt.Sprintf("%s#%d", c, seen[c])
				if _, ok := perCall[key]; !ok {
					order = append(order, key)
				}
				perCall[key] = append(perCall[key], r.times[j])
			}
		}
		var parts []string
		for _, key := range order {
			times := perCall[key]
			if len(times) > 1 { // the first run warms up
				times = times[1:]
			}
			parts = append(parts, fmt.Sprintf("%s %v", key, median(times)))
		}
		t.Logf("%s: median %v (min %v): %s", id, median(totals[1:]), slices.Min(totals[1:]), strings.Join(parts, ", "))
	}
	for _, id := range []string{synth.DocumentID(500), synth.NCPID(0)} {
		logCPUPerNeighbourhood(t, s, id, 100)
	}
	if name := os.Getenv("EMNKG_EXPLORE_DUMP"); name != "" {
		f, err := os.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		enc := json.NewEncoder(f)
		for _, q := range dump {
			if err := enc.Encode(map[string]any{"cypher": q.cypher, "params": q.params}); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// median returns the median of ds.
func median(ds []time.Duration) time.Duration {
	ds = slices.Clone(ds)
	slices.Sort(ds)
	return ds[len(ds)/2]
}

// logCPUPerNeighbourhood answers the depth-2 neighbourhood capped at 500
// nodes from id runs times and logs the mean CPU time of one: this
// process's (getrusage) and, when EMNKG_NEO4J_PID names the Neo4j process,
// that process's by thread group (/proc/<pid>/task/*/stat).
func logCPUPerNeighbourhood(t *testing.T, s *neo4j.Store, id string, runs int) {
	t.Helper()
	pid := os.Getenv("EMNKG_NEO4J_PID")
	before, beforeNeo4j := selfCPU(t), threadCPU(t, pid)
	start := time.Now()
	for range runs {
		if _, err := emnkg.Neighbourhood(t.Context(), s, emnkg.NeighbourhoodQuery{IDs: []string{id}, Depth: 2, Limit: 500}); err != nil {
			t.Fatal(err)
		}
	}
	wall := time.Since(start) / time.Duration(runs)
	per := func(d time.Duration) time.Duration { return (d / time.Duration(runs)).Round(100 * time.Microsecond) }
	line := fmt.Sprintf("%s: %d neighbourhoods, mean wall %v; CPU per neighbourhood: this process %v",
		id, runs, wall.Round(100*time.Microsecond), per(selfCPU(t)-before))
	if pid != "" {
		after := threadCPU(t, pid)
		var groups []string
		for g := range after {
			groups = append(groups, g)
		}
		slices.SortFunc(groups, func(a, b string) int { return int(after[b] - beforeNeo4j[b] - (after[a] - beforeNeo4j[a])) })
		var total time.Duration
		var parts []string
		for _, g := range groups {
			if d := after[g] - beforeNeo4j[g]; d > 0 {
				total += d
				parts = append(parts, fmt.Sprintf("%s %v", g, per(d)))
			}
		}
		line += fmt.Sprintf(", Neo4j %v (%s)", per(total), strings.Join(parts, ", "))
	}
	t.Log(line)
}

// selfCPU returns the user and system CPU time this process has used.
func selfCPU(t *testing.T) time.Duration {
	t.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// threadCPU returns the user and system CPU time the threads of process
// pid have used, summed by thread name without its trailing digits and
// dashes (a thread group such as "neo4j.BoltWorke"); nil when pid is "".
// Threads that ended are not counted.
func threadCPU(t *testing.T, pid string) map[string]time.Duration {
	t.Helper()
	if pid == "" {
		return nil
	}
	tasks, err := os.ReadDir("/proc/" + pid + "/task")
	if err != nil {
		t.Fatalf("EMNKG_NEO4J_PID=%s: %v", pid, err)
	}
	out := map[string]time.Duration{}
	for _, task := range tasks {
		b, err := os.ReadFile("/proc/" + pid + "/task/" + task.Name() + "/stat")
		if err != nil {
			continue // the thread ended
		}
		// The name is in parentheses and may hold spaces; utime and stime
		// are the 12th and 13th fields after it, in clock ticks (100 a
		// second on Linux).
		open, closing := strings.IndexByte(string(b), '('), strings.LastIndexByte(string(b), ')')
		fields := strings.Fields(string(b[closing+1:]))
		if open < 0 || closing < open || len(fields) < 13 {
			t.Fatalf("unexpected %s/task/%s/stat: %q", pid, task.Name(), b)
		}
		utime, err1 := strconv.ParseInt(fields[11], 10, 64)
		stime, err2 := strconv.ParseInt(fields[12], 10, 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("unexpected %s/task/%s/stat: %q", pid, task.Name(), b)
		}
		group := strings.TrimRight(string(b[open+1:closing]), "0123456789-")
		out[group] += time.Duration(utime+stime) * 10 * time.Millisecond
	}
	return out
}
