package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// Helpers that run the real bookingkitd binary as a child process, for
// tests that must hit a process the way the outside world does: kill it
// with SIGKILL mid-request, or run two servers on one database. (The
// in-process startServer of main_test.go cannot be killed that way.)

// builtBinary is the bookingkitd binary built once for this test binary,
// in a directory TestMain removes.
var builtBinary struct {
	once sync.Once
	dir  string
	path string
	err  error
	took time.Duration
}

// TestMain removes the binary built by bookingkitdBinary when every test
// has run.
func TestMain(m *testing.M) {
	code := m.Run()
	if builtBinary.dir != "" {
		os.RemoveAll(builtBinary.dir)
	}
	os.Exit(code)
}

// bookingkitdBinary builds ./cmd/bookingkitd (this package) once per test
// binary, with the go command that runs the tests and without -race (the
// child is the product as shipped; only the test process is raced), and
// returns its path.
func bookingkitdBinary(t testing.TB) string {
	t.Helper()
	b := &builtBinary
	b.once.Do(func() {
		goCmd, err := exec.LookPath("go")
		if err != nil {
			goCmd = filepath.Join(runtime.GOROOT(), "bin", "go")
		}
		if b.dir, err = os.MkdirTemp("", "bookingkitd-test-"); err != nil {
			b.err = err
			return
		}
		b.path = filepath.Join(b.dir, "bookingkitd")
		start := time.Now()
		out, err := exec.Command(goCmd, "build", "-o", b.path, ".").CombinedOutput()
		b.took = time.Since(start)
		if err != nil {
			b.err = fmt.Errorf("go build ./cmd/bookingkitd: %v\n%s", err, out)
		}
	})
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b.path
}

// serverProcess is a bookingkitd child process that has printed the
// address it listens on.
type serverProcess struct {
	URL    string
	cmd    *exec.Cmd
	stdout *syncBuffer
	stderr *syncBuffer
	exited chan struct{} // closed when the process has been waited for
	err    error         // the process's exit error; read after exited
	// signalled is set when the test itself sent a signal (Signal), so
	// an exit by that signal is not reported as an unclean stop.
	signalled atomic.Bool
}

// listeningLine is the line bookingkitd prints on stdout once it serves.
var listeningLine = regexp.MustCompile(`listening on (http://\S+)`)

// startProcess runs the bookingkitd binary with -addr 127.0.0.1:0 and
// args, in an environment of the test's own minus every BOOKINGKIT_
// variable (so a developer's settings do not leak in) plus env, and waits
// up to a minute for its "listening on http://…" line. The process is
// stopped (SIGTERM, then SIGKILL) when the test ends, if still running.
func startProcess(t testing.TB, env map[string]string, args ...string) *serverProcess {
	t.Helper()
	cmd := exec.Command(bookingkitdBinary(t), append([]string{"-addr", "127.0.0.1:0"}, args...)...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "BOOKINGKIT_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	p := &serverProcess{cmd: cmd, stdout: &syncBuffer{}, stderr: &syncBuffer{}, exited: make(chan struct{})}
	cmd.Stderr = p.stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start bookingkitd: %v", err)
	}
	urls := make(chan string, 1)
	go func() {
		// Watch stdout for the address, keep the rest, and reap the
		// process once its output is closed.
		lines := bufio.NewScanner(out)
		for lines.Scan() {
			fmt.Fprintln(p.stdout, lines.Text())
			if m := listeningLine.FindStringSubmatch(lines.Text()); m != nil {
				urls <- m[1]
			}
		}
		io.Copy(p.stdout, out) //nolint:errcheck // a line too long for the scanner
		p.err = cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		if err := p.Stop(); err != nil && !p.killed() && !p.signalled.Load() {
			t.Errorf("bookingkitd did not stop cleanly: %v\nstderr:\n%s", err, p.Stderr())
		} else if t.Failed() {
			t.Logf("bookingkitd %s stderr (the last 4 KB):\n%s", p.URL, lastBytes(p.Stderr(), 4096))
		}
	})
	select {
	case p.URL = <-urls:
		return p
	case <-p.exited:
		t.Fatalf("bookingkitd exited before listening: %v\nstdout:\n%s\nstderr:\n%s", p.err, p.stdout, p.stderr)
	case <-time.After(time.Minute):
		t.Fatalf("bookingkitd did not print its address within a minute\nstdout:\n%s\nstderr:\n%s", p.stdout, p.stderr)
	}
	return nil
}

// Kill sends SIGKILL, as a crash or the OOM killer does, and waits until
// the process is gone.
func (p *serverProcess) Kill() {
	p.cmd.Process.Signal(syscall.SIGKILL) //nolint:errcheck // already gone is fine
	<-p.exited
}

// Signal sends sig to the process, as an operator would (SIGTERM, SIGINT).
func (p *serverProcess) Signal(t testing.TB, sig os.Signal) {
	t.Helper()
	p.signalled.Store(true)
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatalf("signal %s: %v", sig, err)
	}
}

// Wait waits up to timeout for the process to exit and returns how it
// exited.
func (p *serverProcess) Wait(t testing.TB, timeout time.Duration) *os.ProcessState {
	t.Helper()
	select {
	case <-p.exited:
		return p.cmd.ProcessState
	case <-time.After(timeout):
		t.Fatalf("bookingkitd did not exit within %s; stderr:\n%s", timeout, lastBytes(p.Stderr(), 4096))
		return nil
	}
}

// killed reports whether the process ended by SIGKILL.
func (p *serverProcess) killed() bool {
	var exit *exec.ExitError
	if !errors.As(p.err, &exit) {
		return false
	}
	status, ok := exit.Sys().(syscall.WaitStatus)
	return ok && status.Signaled() && status.Signal() == syscall.SIGKILL
}

// Stop sends SIGTERM (a graceful stop: requests in flight finish) and
// returns the process's exit error, nil for exit status 0. A process still
// running after 30 s is killed. Stopping a process that has ended returns
// how it ended.
func (p *serverProcess) Stop() error {
	select {
	case <-p.exited:
		return p.err
	default:
	}
	p.cmd.Process.Signal(syscall.SIGTERM) //nolint:errcheck // already gone is fine
	select {
	case <-p.exited:
		return p.err
	case <-time.After(30 * time.Second):
		p.Kill()
		return errors.New("bookingkitd did not stop within 30 s of SIGTERM; killed")
	}
}

// Stderr returns what the process has logged so far.
func (p *serverProcess) Stderr() string { return p.stderr.String() }

// Stdout returns what the process has printed so far.
func (p *serverProcess) Stdout() string { return p.stdout.String() }

// lastBytes returns the end of s, at most n bytes of it.
func lastBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
