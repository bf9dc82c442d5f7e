package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/staffid"
)

// builtTool is the command-line tool (cmd/bookingkit), built once beside
// the bookingkitd binary (TestMain removes both).
var builtTool struct {
	once sync.Once
	path string
	err  error
}

// bookingkitToolBinary builds ./cmd/bookingkit once per test binary and
// returns its path.
func bookingkitToolBinary(t testing.TB) string {
	t.Helper()
	dir := filepath.Dir(bookingkitdBinary(t))
	builtTool.once.Do(func() {
		builtTool.path = filepath.Join(dir, "bookingkit")
		out, err := exec.Command("go", "build", "-o", builtTool.path, "../bookingkit").CombinedOutput()
		if err != nil {
			builtTool.err = fmt.Errorf("go build ./cmd/bookingkit: %v\n%s", err, out)
		}
	})
	if builtTool.err != nil {
		t.Fatal(builtTool.err)
	}
	return builtTool.path
}

// runToExit runs binary with args in the test's environment minus every
// BOOKINGKIT_ variable plus env, waits up to a minute for it to end, and
// returns its exit code, stdout and stderr.
func runToExit(t *testing.T, binary string, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "BOOKINGKIT_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("%s %v did not end within a minute; stderr:\n%s", filepath.Base(binary), args, stderr.String())
	}
	code := 0
	if exit, ok := err.(*exec.ExitError); ok {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatalf("run %s: %v", binary, err)
	}
	return code, stdout.String(), stderr.String()
}

// Attack: a second bookingkitd started on the SQLite file a running one
// serves started silently, and the standby queues each keeps in memory
// diverged. Now it exits 1 before listening, naming the file, the holder
// and what to do, and the first goes on serving; the command-line tool
// still imports beside it. Once the first stops (SIGTERM), or is killed
// with SIGKILL (the kernel drops the lock), a new server starts.
func TestSecondServerOnOneSQLiteFileRefusesToStart(t *testing.T) {
	dir := t.TempDir()
	dsn := filepath.Join(dir, "bookingkit.db")
	env := resilienceEnv(t)
	first := startProcess(t, env, "-db", dsn)

	code, stdout, stderr := runToExit(t, bookingkitdBinary(t), env, "-addr", "127.0.0.1:0", "-db", dsn)
	require.Equal(t, 1, code, "the second server exits 1\nstdout:\n%s\nstderr:\n%s", stdout, stderr)
	require.NotContains(t, stdout, "listening on", "it never serves")
	for _, want := range []string{dsn, "in use", "pid " + strconv.Itoa(first.cmd.Process.Pid), dsn + ".lock", "stop that server first", "PostgreSQL", "command-line tool"} {
		require.Contains(t, stderr, want)
	}
	t.Logf("the second server said: %s", strings.TrimSpace(stderr))
	resp := getJSON(t, first.URL+"/healthz", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, "the first server goes on")

	// The command-line tool works beside the running server, on its file.
	list := filepath.Join(dir, "employees.json")
	raw, err := json.Marshal(seedRecords(t))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(list, raw, 0o600))
	code, stdout, stderr = runToExit(t, bookingkitToolBinary(t), nil, "staffid", "import", "-db", dsn, list)
	require.Equal(t, 0, code, "bookingkit staffid import beside the server\nstdout:\n%s\nstderr:\n%s", stdout, stderr)
	var history historyPage
	resp = getWithToken(t, first.URL+"/api/staffid/imports", testEngineToken, &history)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Len(t, history.Items, 1)
	require.Equal(t, staffid.SourceCLI, history.Items[0].Source, "the server reads what the tool imported")

	// Stopped gracefully, the file is free.
	require.NoError(t, first.Stop())
	second := startProcess(t, env, "-db", dsn)
	resp = getJSON(t, second.URL+"/healthz", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)

	// Killed, it is free too: no stale lock to remove by hand.
	second.Kill()
	third := startProcess(t, env, "-db", dsn)
	resp = getJSON(t, third.URL+"/healthz", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.NoError(t, third.Stop())
}
