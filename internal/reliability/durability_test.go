package reliability_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/emnkg/emnkg/internal/reliability"
)

// TestKill9LosesNoAcknowledgedWrite runs the emnkg binary on the embedded
// store, sends acknowledged mutations from several clients, kills the
// server with SIGKILL while writes are in flight, restarts it, twice, and
// checks that every acknowledged write is there.
func TestKill9LosesNoAcknowledgedWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the emnkg binary")
	}
	bin := buildEmnkg(t)
	data := filepath.Join(t.TempDir(), "data")
	ctx := context.Background()
	key, err := reliability.CreateAPIKey(ctx, bin, "editor", "durability-test", "--data", data)
	if err != nil {
		t.Fatal(err)
	}
	ledger := reliability.NewLedger()
	const rounds, writers = 2, 4
	p := startServer(t, bin, "--data", data)
	t.Logf("first start (loads the factual dataset) ready in %s", p.Ready.Sub(p.Started).Round(time.Millisecond))
	for round := range rounds {
		c, err := reliability.NewClient(p.URL, key)
		if err != nil {
			t.Fatal(err)
		}
		wctx, stop := context.WithCancel(ctx)
		done := make(chan map[string]int, 1)
		before := ledger.Writes()
		go func() { done <- writeLoad(wctx, c, ledger, fmt.Sprintf("dur-%d", round), writers) }()
		// Kill mid-stream, once some writes were acknowledged.
		deadline := time.Now().Add(30 * time.Second)
		for ledger.Writes()-before < 40 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		killed := time.Now()
		p.Kill()
		time.Sleep(50 * time.Millisecond) // writers see the server gone
		stop()
		classes := <-done
		if ledger.Writes()-before < 40 {
			t.Fatalf("round %d: only %d acknowledged writes: %v\n%s", round, ledger.Writes()-before, classes, p.Logs())
		}
		p = startServer(t, bin, "--data", data)
		t.Logf("round %d: writes by outcome %v; restarted and ready %s after kill -9",
			round, classes, p.Ready.Sub(killed).Round(time.Millisecond))
	}
	c, err := reliability.NewClient(p.URL, "")
	if err != nil {
		t.Fatal(err)
	}
	v, err := reliability.Verify(ctx, c, ledger)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d acknowledged writes on %d documents; %d lost", ledger.Writes(), v.Checked, v.Lost())
	if v.Lost() > 0 {
		t.Errorf("acknowledged writes lost: missing %v, stale %v", v.Missing, v.Stale)
	}
	if err := p.Stop(30 * time.Second); err != nil {
		t.Errorf("graceful stop: %v\n%s", err, p.Logs())
	}
}
