// Command emnkg-load is a bounded load generator for an emnkg server on a
// loopback address: many concurrent clients mix reads and editor writes
// for a fixed time, then it prints requests served, errors by class,
// latency percentiles, the server's memory (RSS from /proc) and outages
// seen, and verifies that every acknowledged write is on the server.
//
//	emnkg-load --url http://127.0.0.1:8080 --token-file key --duration 30s \
//	    --clients 16 --write-share 0.2 --pid-file server.pid --ledger acked.jsonl
//	emnkg-load --url http://127.0.0.1:8080 --verify-only --ledger acked.jsonl
//
// It refuses any URL that is not on a loopback address, more than 512
// clients and durations over 10 minutes.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/signal"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/emnkg/emnkg/internal/reliability"
)

// Bounds of a run.
const (
	maxDuration = 10 * time.Minute
	maxClients  = 512
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "emnkg-load: %v\n", err)
		os.Exit(1)
	}
}

// options are the command's flags.
type options struct {
	url, token, tokenFile, label, prefix string
	duration, timeout                    time.Duration
	clients                              int
	writeShare                           float64
	pid                                  int
	pidFile, ledger, jsonOut             string
	verify, verifyOnly, failOnLoss       bool
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("emnkg-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	fs.StringVar(&o.url, "url", "http://127.0.0.1:8080", "base URL of the emnkg server (loopback addresses only)")
	fs.StringVar(&o.token, "token", "", "editor API key (prefer --token-file or EMNKG_LOAD_TOKEN)")
	fs.StringVar(&o.tokenFile, "token-file", "", "file holding the editor API key")
	fs.StringVar(&o.label, "label", "", "name of the run in the output, e.g. the store")
	fs.StringVar(&o.prefix, "prefix", "", "start of the IDs of the documents written (default: load-<time>)")
	fs.DurationVar(&o.duration, "duration", 30*time.Second, "how long to send requests (at most 10m)")
	fs.DurationVar(&o.timeout, "request-timeout", 15*time.Second, "time limit of one request")
	fs.IntVar(&o.clients, "clients", 16, "concurrent clients (at most 512)")
	fs.Float64Var(&o.writeShare, "write-share", 0.2, "share of requests that are writes (0 to 1; needs a token)")
	fs.IntVar(&o.pid, "pid", 0, "process ID of the server, for its memory")
	fs.StringVar(&o.pidFile, "pid-file", "", "file holding the server's process ID, read again at every sample (for restarts)")
	fs.StringVar(&o.ledger, "ledger", "", "file of the acknowledged writes: written after a run, read with --verify-only")
	fs.StringVar(&o.jsonOut, "json", "", "also write the summary as JSON to this file")
	fs.BoolVar(&o.verify, "verify", true, "after the run, check that every acknowledged write is on the server")
	fs.BoolVar(&o.verifyOnly, "verify-only", false, "send no load: verify the writes of --ledger")
	fs.BoolVar(&o.failOnLoss, "fail-on-loss", true, "exit with an error when an acknowledged write is lost")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if err := reliability.CheckLoopback(o.url); err != nil {
		return err
	}
	if o.duration <= 0 || o.duration > maxDuration {
		return fmt.Errorf("--duration must be between 0 and %s", maxDuration)
	}
	if o.clients < 1 || o.clients > maxClients {
		return fmt.Errorf("--clients must be between 1 and %d", maxClients)
	}
	if o.writeShare < 0 || o.writeShare > 1 {
		return errors.New("--write-share must be between 0 and 1")
	}
	if o.token == "" {
		o.token = os.Getenv("EMNKG_LOAD_TOKEN")
	}
	if o.tokenFile != "" {
		b, err := os.ReadFile(o.tokenFile)
		if err != nil {
			return err
		}
		o.token = strings.TrimSpace(string(b))
	}
	if o.prefix == "" {
		o.prefix = "load-" + strconv.FormatInt(time.Now().Unix(), 36)
	}
	client, err := reliability.NewClient(o.url, o.token)
	if err != nil {
		return err
	}
	client.HTTP.Timeout = o.timeout

	var sum summary
	sum.Label = o.label
	ledger := reliability.NewLedger()
	if o.verifyOnly {
		if o.ledger == "" {
			return errors.New("--verify-only needs --ledger")
		}
		if ledger, err = reliability.LoadLedger(o.ledger); err != nil {
			return err
		}
	} else {
		if o.writeShare > 0 && o.token == "" {
			return errors.New("writes need an editor API key: --token-file, --token or EMNKG_LOAD_TOKEN (or --write-share 0)")
		}
		sum = load(ctx, o, client, ledger)
		if o.ledger != "" {
			if err := ledger.Save(o.ledger); err != nil {
				return err
			}
		}
		printSummary(stdout, o, sum)
	}
	if o.verify || o.verifyOnly {
		// The server may have just been restarted: wait for it.
		vctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		for !client.Ready(vctx) && vctx.Err() == nil {
			time.Sleep(100 * time.Millisecond)
		}
		v, err := reliability.Verify(vctx, client, ledger)
		cancel()
		if err != nil {
			return err
		}
		sum.Verified = &verified{Documents: v.Checked, AcknowledgedWrites: ledger.Writes(), Lost: v.Lost(),
			Missing: v.Missing, Stale: v.Stale}
		fmt.Fprintf(stdout, "verify: %d acknowledged writes on %d documents: %d lost\n", ledger.Writes(), v.Checked, v.Lost())
		for _, m := range append(v.Missing, v.Stale...) {
			fmt.Fprintf(stdout, "  lost: %s\n", m)
		}
	}
	if o.jsonOut != "" {
		b, _ := json.MarshalIndent(sum, "", "  ")
		if err := os.WriteFile(o.jsonOut, append(b, '\n'), 0o644); err != nil {
			return err
		}
	}
	if o.failOnLoss && sum.Verified != nil && sum.Verified.Lost > 0 {
		return fmt.Errorf("%d acknowledged writes lost", sum.Verified.Lost)
	}
	return nil
}

// summary is what a run measured.
type summary struct {
	Label         string         `json:"label,omitempty"`
	DurationS     float64        `json:"durationSeconds"`
	Clients       int            `json:"clients"`
	WriteShare    float64        `json:"writeShare"`
	Requests      int            `json:"requests"`
	PerSecond     float64        `json:"requestsPerSecond"`
	OK            int            `json:"ok"`
	Errors        int            `json:"errors"`
	ErrorsByClass map[string]int `json:"errorsByClass"`
	Reads         latency        `json:"reads"`
	Writes        latency        `json:"writes"`
	All           latency        `json:"all"`
	AckedWrites   int            `json:"acknowledgedWrites"`
	RSSStartMiB   float64        `json:"rssStartMiB"`
	RSSMaxMiB     float64        `json:"rssMaxMiB"`
	RSSEndMiB     float64        `json:"rssEndMiB"`
	Outages       int            `json:"outages"`
	LongestOutMS  float64        `json:"longestOutageMs"`
	TotalOutMS    float64        `json:"totalOutageMs"`
	Verified      *verified      `json:"verified,omitempty"`
}

// latency sums up the latencies of answered requests.
type latency struct {
	Count int     `json:"count"`
	P50   float64 `json:"p50Ms"`
	P90   float64 `json:"p90Ms"`
	P99   float64 `json:"p99Ms"`
	Max   float64 `json:"maxMs"`
}

type verified struct {
	Documents          int      `json:"documents"`
	AcknowledgedWrites int      `json:"acknowledgedWrites"`
	Lost               int      `json:"lost"`
	Missing            []string `json:"missing,omitempty"`
	Stale              []string `json:"stale,omitempty"`
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func summarise(ds []time.Duration) latency {
	if len(ds) == 0 {
		return latency{}
	}
	slices.Sort(ds)
	at := func(q float64) float64 { return ms(ds[min(len(ds)-1, int(q*float64(len(ds))))]) }
	return latency{Count: len(ds), P50: at(0.50), P90: at(0.90), P99: at(0.99), Max: ms(ds[len(ds)-1])}
}

// reads are the read requests clients send, chosen at random.
var reads = []struct {
	query string
	vars  func(r *rand.Rand) map[string]any
}{
	{`{ nationalContactPoints(first: 50, orderBy: [{field: COUNTRY_CODE}]) { totalCount nodes { id country { name emnStatus } host { name } } } }`, nil},
	{`query N($id: ID!) { node(id: $id) { id displayName } }`, func(r *rand.Rand) map[string]any {
		ids := []string{"net-emn", "ncp-NO", "ncp-DE", "AT", "fund-amif", "return", "org-dg-home", "32008D0381", "net-emn-steering-board"}
		return map[string]any{"id": ids[r.IntN(len(ids))]}
	}},
	{`query S($q: String!) { search(query: $q, first: 10) { totalCount nodes { id } } }`, func(r *rand.Rand) map[string]any {
		qs := []string{"Rückkehr", "return", "asylum", "migration", "retour", "unaccompanied minor", "integration"}
		return map[string]any{"q": qs[r.IntN(len(qs))]}
	}},
	{`{ documents(first: 20, where: {year: {gte: 2015}}, orderBy: [{field: YEAR, direction: DESC}]) { totalCount nodes { id title year } } }`, nil},
	{`{ neighbourhood(ids: ["net-emn"], depth: 2, limit: 100) { nodes { id } truncated } }`, nil},
	{`{ glossaryTerms(first: 30) { nodes { id prefLabel(language: "de") broader { nodes { id } } } } }`, nil},
	{`{ node(id: "net-emn") { ... on Network { coordinators { nodes { displayName } } fundedBy { nodes { name } } } } }`, nil},
}

// tracker records outcomes from every client.
type tracker struct {
	mu          sync.Mutex
	classes     map[string]int
	outageStart time.Time
	inOutage    bool
	outages     []time.Duration
}

func (t *tracker) record(class string, sent time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.classes[class]++
	// An outage runs from the first failed request (when it was sent)
	// to the next answered one.
	failed := reliability.IsTransportClass(class) || strings.HasPrefix(class, "http_5") ||
		class == "SERVICE_UNAVAILABLE" || class == "INTERNAL" || class == "TIMEOUT"
	switch {
	case failed && !t.inOutage:
		t.inOutage, t.outageStart = true, sent
	case !failed && t.inOutage:
		t.inOutage = false
		t.outages = append(t.outages, time.Since(t.outageStart))
	}
}

func load(ctx context.Context, o options, client *reliability.Client, ledger *reliability.Ledger) summary {
	ctx, cancel := context.WithTimeout(ctx, o.duration)
	defer cancel()
	tr := &tracker{classes: map[string]int{}}
	mem := &memory{}
	sampleDone := make(chan struct{})
	go func() {
		defer close(sampleDone)
		mem.sample(ctx, o.pid, o.pidFile)
	}()
	type result struct{ reads, writes []time.Duration }
	results := make([]result, o.clients)
	start := time.Now()
	var wg sync.WaitGroup
	for i := range o.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(i), uint64(start.UnixNano())))
			w := &reliability.Writer{Client: client, Ledger: ledger, Prefix: fmt.Sprintf("%s-c%d", o.prefix, i), UpdateShare: 0.3}
			res := &results[i]
			for ctx.Err() == nil {
				sent := time.Now()
				var class string
				var retryAfter time.Duration
				write := r.Float64() < o.writeShare
				if write {
					out, _ := w.Write(ctx)
					class, retryAfter = out.Class, out.RetryAfter
				} else {
					q := reads[r.IntN(len(reads))]
					var vars map[string]any
					if q.vars != nil {
						vars = q.vars(r)
					}
					resp, err := client.Do(ctx, q.query, vars)
					if err != nil {
						class = reliability.TransportClass(err)
					} else {
						class, retryAfter = resp.Class(), resp.RetryAfter
					}
				}
				if ctx.Err() != nil && class != "ok" {
					break // the run ended during the request
				}
				took := time.Since(sent)
				tr.record(class, sent)
				if !reliability.IsTransportClass(class) {
					if write {
						res.writes = append(res.writes, took)
					} else {
						res.reads = append(res.reads, took)
					}
				}
				switch {
				case retryAfter > 0: // the server said when to come back
					select {
					case <-ctx.Done():
					case <-time.After(retryAfter):
					}
				case class != "ok":
					time.Sleep(20 * time.Millisecond) // do not spin while the server is away
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	cancel()
	<-sampleDone

	var rs, ws []time.Duration
	for _, res := range results {
		rs = append(rs, res.reads...)
		ws = append(ws, res.writes...)
	}
	s := summary{Label: o.label, DurationS: elapsed.Seconds(), Clients: o.clients, WriteShare: o.writeShare,
		ErrorsByClass: map[string]int{}, AckedWrites: ledger.Writes(),
		Reads: summarise(rs), Writes: summarise(ws), All: summarise(append(append([]time.Duration{}, rs...), ws...))}
	tr.mu.Lock()
	for class, n := range tr.classes {
		s.Requests += n
		if class == "ok" {
			s.OK += n
		} else {
			s.Errors += n
			s.ErrorsByClass[class] = n
		}
	}
	if tr.inOutage {
		tr.outages = append(tr.outages, time.Since(tr.outageStart))
	}
	for _, d := range tr.outages {
		s.Outages++
		s.TotalOutMS += ms(d)
		s.LongestOutMS = max(s.LongestOutMS, ms(d))
	}
	tr.mu.Unlock()
	s.PerSecond = float64(s.Requests) / elapsed.Seconds()
	s.RSSStartMiB, s.RSSMaxMiB, s.RSSEndMiB = mem.start, mem.max, mem.end
	return s
}

// memory samples the server's RSS.
type memory struct{ start, max, end float64 }

func (m *memory) sample(ctx context.Context, pid int, pidFile string) {
	if pid == 0 && pidFile == "" {
		return
	}
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		p := pid
		if pidFile != "" {
			if b, err := os.ReadFile(pidFile); err == nil {
				p, _ = strconv.Atoi(strings.TrimSpace(string(b)))
			}
		}
		if rss, err := reliability.RSS(p); err == nil && p > 0 {
			mib := float64(rss) / (1 << 20)
			if m.start == 0 {
				m.start = mib
			}
			m.max, m.end = max(m.max, mib), mib
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

func printSummary(w io.Writer, o options, s summary) {
	label := ""
	if s.Label != "" {
		label = s.Label + ": "
	}
	fmt.Fprintf(w, "%s%.1fs, %d clients, %.0f%% writes, against %s\n", label, s.DurationS, s.Clients, 100*s.WriteShare, o.url)
	classes := make([]string, 0, len(s.ErrorsByClass))
	for c, n := range s.ErrorsByClass {
		classes = append(classes, fmt.Sprintf("%s %d", c, n))
	}
	sort.Strings(classes)
	fmt.Fprintf(w, "requests: %d (%.1f/s): ok %d, errors %d [%s]\n", s.Requests, s.PerSecond, s.OK, s.Errors, strings.Join(classes, ", "))
	for _, l := range []struct {
		name string
		l    latency
	}{{"reads", s.Reads}, {"writes", s.Writes}, {"all", s.All}} {
		fmt.Fprintf(w, "latency %s (%d answered): p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms\n",
			l.name, l.l.Count, l.l.P50, l.l.P90, l.l.P99, l.l.Max)
	}
	fmt.Fprintf(w, "acknowledged writes: %d\n", s.AckedWrites)
	if s.RSSMaxMiB > 0 {
		fmt.Fprintf(w, "server RSS: start %.0f MiB, max %.0f MiB, end %.0f MiB\n", s.RSSStartMiB, s.RSSMaxMiB, s.RSSEndMiB)
	}
	fmt.Fprintf(w, "outages seen by clients: %d, longest %.0f ms, total %.0f ms\n", s.Outages, s.LongestOutMS, s.TotalOutMS)
}
