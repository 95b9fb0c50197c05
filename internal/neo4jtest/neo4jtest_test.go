package neo4jtest

import (
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// recordingTB records Skip and Fatal instead of stopping the test.
type recordingTB struct {
	testing.TB
	skipped, failed bool
}

func (r *recordingTB) Skip(args ...any)  { r.skipped = true }
func (r *recordingTB) Fatal(args ...any) { r.failed = true }

func TestURI(t *testing.T) {
	for _, tt := range []struct {
		uri, ci       string
		skip, failure bool
	}{
		{uri: "bolt://127.0.0.1:7687"},
		{uri: "bolt://127.0.0.1:7687", ci: "true"},
		{skip: true},
		{ci: "false", skip: true},
		{ci: "true", failure: true},
	} {
		t.Setenv(EnvURI, tt.uri)
		t.Setenv("CI", tt.ci)
		r := &recordingTB{TB: t}
		if got := URI(r); got != tt.uri || r.skipped != tt.skip || r.failed != tt.failure {
			t.Errorf("URI=%q CI=%q: got %q, skipped %v, failed %v", tt.uri, tt.ci, got, r.skipped, r.failed)
		}
	}
}

func TestLockFileIsExclusive(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no flock")
	}
	path := filepath.Join(t.TempDir(), "lock")
	release, err := lockFile(path, func() {})
	if err != nil {
		t.Fatal(err)
	}
	waited := make(chan bool, 1)
	acquired := make(chan func(), 1)
	go func() {
		r, err := lockFile(path, func() { waited <- true })
		if err != nil {
			t.Error(err)
		}
		acquired <- r
	}()
	select {
	case <-acquired:
		t.Fatal("a second lock was granted while the first was held")
	case <-time.After(300 * time.Millisecond):
	}
	release()
	select {
	case r := <-acquired:
		r()
	case <-time.After(10 * time.Second):
		t.Fatal("the second lock was not granted after the first was released")
	}
	if len(waited) != 1 {
		t.Error("the second locker was not told that it waits")
	}
}

func TestLockIsShared(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	Lock(t)
	done := make(chan bool)
	t.Run("nested", func(t *testing.T) {
		// A second holder in the same process does not wait.
		go func() { Lock(t); done <- true }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("nested Lock blocked")
		}
	})
}
