package reliability

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Module is the import path of the emnkg command.
const Module = "github.com/emnkg/emnkg/cmd/emnkg"

// Build builds the emnkg binary into dir and returns its path; with race
// it is built with the race detector (so that a test running with -race
// reuses the packages it compiled).
func Build(ctx context.Context, dir string, race bool) (string, error) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		if root := os.Getenv("GOROOT"); root != "" {
			goBin = filepath.Join(root, "bin", "go")
		} else {
			return "", fmt.Errorf("go not found: %w", err)
		}
	}
	out := filepath.Join(dir, "emnkg")
	// No symbol table nor DWARF: the link is a third faster.
	args := []string{"build", "-ldflags=-s -w", "-o", out}
	if race {
		args = append(args, "-race")
	}
	cmd := exec.CommandContext(ctx, goBin, append(args, Module)...)
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %w\n%s", err, b)
	}
	return out, nil
}

// CreateAPIKey runs 'emnkg apikey create' with the store flags args and
// returns the new key's secret.
func CreateAPIKey(ctx context.Context, bin, role, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, bin, append([]string{"apikey", "create", "--role", role, "--name", name, "--log-level", "warn"}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("emnkg apikey create: %w: %s", err, stderr.String())
	}
	m := regexp.MustCompile(`(?m)^Secret\s+(\S+)`).FindSubmatch(out)
	if m == nil {
		return "", fmt.Errorf("emnkg apikey create printed no secret")
	}
	return string(m[1]), nil
}

// Process is an emnkg serve process.
type Process struct {
	// Addr is the address it serves on, host:port.
	Addr string
	// URL is its base URL, http://Addr.
	URL string
	// Started is when the process was started; Ready when /readyz first
	// answered 200.
	Started, Ready time.Time

	cmd  *exec.Cmd
	done chan struct{}
	err  error
	logs *tail
}

// Start starts 'bin serve --log-format json' with args (which should set
// --addr to a loopback address; 127.0.0.1:0 picks a free port) and waits
// until /readyz answers 200, for at most timeout.
func Start(ctx context.Context, bin string, timeout time.Duration, args ...string) (*Process, error) {
	cmd := exec.Command(bin, append([]string{"serve", "--log-format", "json"}, args...)...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	p := &Process{cmd: cmd, done: make(chan struct{}), logs: &tail{max: 64 << 10}}
	p.Started = time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	addrc := make(chan string, 1)
	go p.readLogs(stderr, addrc)
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	fail := func(err error) (*Process, error) {
		p.Kill()
		return nil, fmt.Errorf("%w\nserver log:\n%s", err, p.Logs())
	}
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	select {
	case p.Addr = <-addrc:
	case <-p.done:
		return fail(fmt.Errorf("emnkg serve exited: %v", p.err))
	case <-deadline.C:
		return fail(fmt.Errorf("emnkg serve did not start within %s", timeout))
	case <-ctx.Done():
		return fail(ctx.Err())
	}
	p.URL = "http://" + p.Addr
	c, err := NewClient(p.URL, "")
	if err != nil {
		return fail(err)
	}
	for !c.Ready(ctx) {
		select {
		case <-p.done:
			return fail(fmt.Errorf("emnkg serve exited: %v", p.err))
		case <-deadline.C:
			return fail(fmt.Errorf("emnkg serve was not ready within %s", timeout))
		case <-ctx.Done():
			return fail(ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
	p.Ready = time.Now()
	return p, nil
}

// readLogs keeps the end of the server's log and sends the address it
// announces to addrc.
func (p *Process) readLogs(r io.Reader, addrc chan<- string) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	sent := false
	for sc.Scan() {
		line := sc.Bytes()
		p.logs.Write(append(line, '\n'))
		if sent {
			continue
		}
		var rec struct {
			Msg     string `json:"msg"`
			GraphQL string `json:"graphql"`
		}
		if json.Unmarshal(line, &rec) == nil && rec.Msg == "emnkg is serving" {
			addr := strings.TrimSuffix(strings.TrimPrefix(rec.GraphQL, "http://"), "/graphql")
			addrc <- addr
			sent = true
		}
	}
}

// Pid returns the process ID.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Logs returns the end of the server's log.
func (p *Process) Logs() string { return p.logs.String() }

// Kill kills the process with SIGKILL (kill -9) and waits for it.
func (p *Process) Kill() {
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// Stop sends SIGTERM and waits for the process to exit, for at most
// timeout (then it kills it); it returns the process's exit error.
func (p *Process) Stop(timeout time.Duration) error {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
		return p.err
	case <-time.After(timeout):
		p.Kill()
		return errors.New("did not stop in time: killed")
	}
}

// Exited tells whether the process has exited.
func (p *Process) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// RSS returns the resident set size of process pid in bytes, from
// /proc/<pid>/status (Linux).
func RSS(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(rest)
			if len(f) < 1 {
				break
			}
			kb, err := strconv.ParseInt(f[0], 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no VmRSS for process %d", pid)
}

// tail keeps the last max bytes written to it.
type tail struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tail) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, b...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(b), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}
