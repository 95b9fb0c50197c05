package reliability_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/emnkg/emnkg/internal/reliability"
)

// buildEmnkg builds the emnkg binary for the test.
func buildEmnkg(tb testing.TB) string {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	start := time.Now()
	bin, err := reliability.Build(ctx, tb.TempDir(), reliability.RaceEnabled)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Logf("built emnkg in %s", time.Since(start).Round(time.Millisecond))
	return bin
}

// startServer starts emnkg serve with args on a free loopback port; it is
// killed at the end of the test if still running.
func startServer(tb testing.TB, bin string, args ...string) *reliability.Process {
	tb.Helper()
	p, err := reliability.Start(context.Background(), bin, 2*time.Minute, append([]string{"--addr", "127.0.0.1:0"}, args...)...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if !p.Exited() {
			p.Kill()
		}
	})
	return p
}

// writeLoad runs n writers against c until ctx is done, recording the
// acknowledged writes in l; it returns the count of writes per outcome.
func writeLoad(ctx context.Context, c *reliability.Client, l *reliability.Ledger, prefix string, n int) map[string]int {
	var mu sync.Mutex
	classes := map[string]int{}
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := &reliability.Writer{Client: c, Ledger: l, Prefix: fmt.Sprintf("%s-w%d", prefix, i), UpdateShare: 0.3}
			for ctx.Err() == nil {
				out, _ := w.Write(ctx)
				mu.Lock()
				classes[out.Class]++
				mu.Unlock()
				if out.Class != "ok" {
					time.Sleep(5 * time.Millisecond) // the server is gone: do not spin
				}
			}
		}()
	}
	wg.Wait()
	return classes
}
