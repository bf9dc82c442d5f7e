package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/httpapi"
	"github.com/bookingkit/bookingkit/storage/storagetest/pgtest"
)

// errorBody is the JSON body of every error answer, as the tests read it.
type errorBody = httpapi.ErrorBody

// testServer is a real bookingkitd started by run on a free port.
type testServer struct {
	URL    string
	stop   context.CancelFunc
	done   chan error
	stderr *syncBuffer
}

// startServer runs the server in-process with args (after the program
// name) and the environment env, waits until it listens, and stops it when
// the test ends.
func startServer(t *testing.T, env map[string]string, args ...string) *testServer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	outR, outW := io.Pipe()
	ts := &testServer{stop: cancel, done: make(chan error, 1), stderr: &syncBuffer{}}
	getenv := func(k string) string { return env[k] }
	go func() {
		err := run(ctx, append([]string{"bookingkitd", "-addr", "127.0.0.1:0"}, args...), getenv, outW, ts.stderr)
		outW.CloseWithError(fmt.Errorf("run returned: %v", err))
		ts.done <- err
	}()
	listening := regexp.MustCompile(`listening on (http://\S+)`)
	lines := bufio.NewScanner(outR)
	for lines.Scan() {
		if m := listening.FindStringSubmatch(lines.Text()); m != nil {
			ts.URL = m[1]
			break
		}
	}
	if ts.URL == "" {
		cancel()
		t.Fatalf("server did not start: %v\nstderr:\n%s", lines.Err(), ts.stderr)
	}
	go io.Copy(io.Discard, outR) // keep later prints from blocking
	// Every answer is checked against docs/openapi.json.
	checkOpenAPI(t, ts.URL)
	t.Cleanup(func() {
		if err := ts.Stop(); err != nil {
			t.Errorf("server stopped with error: %v", err)
		}
	})
	return ts
}

// Stop cancels the server's context (as SIGINT does) and returns run's result.
func (ts *testServer) Stop() error {
	ts.stop()
	select {
	case err, ok := <-ts.done:
		if !ok {
			return nil
		}
		close(ts.done)
		return err
	case <-time.After(30 * time.Second):
		return errors.New("server did not stop within 30 s")
	}
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func getJSON(t *testing.T, url string, into any) *http.Response {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	if into != nil {
		require.NoError(t, json.NewDecoder(resp.Body).Decode(into))
	}
	return resp
}

func TestHealthzOnSQLite(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "bookingkit.db")
	ts := startServer(t, map[string]string{"BOOKINGKIT_DB": dbPath})

	var body struct{ Status, Storage string }
	resp := getJSON(t, ts.URL+"/healthz", &body)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, "ok", body.Status)
	require.Equal(t, "sqlite", body.Storage)
	require.NotEmpty(t, resp.Header.Get("X-Request-ID"))
	_, err := os.Stat(dbPath)
	require.NoError(t, err, "the SQLite file must be created")

	require.NoError(t, ts.Stop(), "stopping (as on Ctrl-C) must return nil, so the process exits 0")
}

func TestHealthzOnPostgres(t *testing.T) {
	url := pgtest.URL(t)
	ts := startServer(t, nil, "-db", url)
	var body struct{ Status, Storage string }
	resp := getJSON(t, ts.URL+"/healthz", &body)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, "postgres", body.Storage)
}

func TestRequestIDIsKeptOrMade(t *testing.T) {
	ts := startServer(t, nil, "-db", "memory:")
	req, _ := http.NewRequest("GET", ts.URL+"/healthz", nil)
	req.Header.Set("X-Request-ID", "abc-123")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, "abc-123", resp.Header.Get("X-Request-ID"))

	req.Header.Set("X-Request-ID", "not a token; has spaces")
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Regexp(t, `^[0-9a-f]{16}$`, resp.Header.Get("X-Request-ID"))
	require.Contains(t, ts.stderr.String(), "request_id=abc-123", "access log carries the request id")
}

func TestUnknownRouteIs404AndBodyOverLimitIs413(t *testing.T) {
	ts := startServer(t, nil, "-db", "memory:", "-max-body", "10")
	resp, err := http.Get(ts.URL + "/nope")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusNotFound, resp.StatusCode)

	resp, err = http.Post(ts.URL+"/healthz", "application/json", strings.NewReader(strings.Repeat("x", 11)))
	require.NoError(t, err)
	var body errorBody
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	resp.Body.Close()
	require.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
	require.Contains(t, body.Error, "limit of 10 bytes")
}

func TestBadFlagsAndHelp(t *testing.T) {
	var out, errOut bytes.Buffer
	getenv := func(string) string { return "" }
	require.NoError(t, run(context.Background(), []string{"bookingkitd", "-h"}, getenv, &out, &errOut))
	require.Contains(t, errOut.String(), "-addr")
	require.Contains(t, errOut.String(), "BOOKINGKIT_DB")

	err := run(context.Background(), []string{"bookingkitd", "-log-format", "xml"}, getenv, &out, &errOut)
	require.ErrorContains(t, err, "text or json")

	cfgFile := filepath.Join(t.TempDir(), "c.json")
	require.NoError(t, os.WriteFile(cfgFile, []byte(`{"typo": 1}`), 0o600))
	err = run(context.Background(), []string{"bookingkitd", "-config", cfgFile}, getenv, &out, &errOut)
	require.ErrorContains(t, err, `unknown field "typo"`)
}

// The access log keeps the claim route and drops the token, in whatever
// case the client spells the route.
func TestAccessLogRedactsClaimTokens(t *testing.T) {
	ts := startServer(t, nil, "-db", "memory:")
	for _, path := range []string{"/api/mogu/c/ABCDEFGH234567", "/API/MOGU/C/ABCDEFGH234567", "/api/mogu/trips"} {
		resp, err := http.Get(ts.URL + path)
		require.NoError(t, err)
		resp.Body.Close()
	}
	// A line is written once its answer is out.
	require.Eventually(t, func() bool { return strings.Count(ts.stderr.String(), "msg=request ") == 3 }, 5*time.Second, 10*time.Millisecond)
	log := ts.stderr.String()
	require.Contains(t, log, "path=/api/mogu/c/[redacted]")
	require.Contains(t, log, "path=/API/MOGU/C/[redacted]")
	require.Contains(t, log, "path=/api/mogu/trips")
	require.NotContains(t, log, "ABCDEFGH234567")
}

// A server that cannot take its address fails before it creates the
// database or generates (and prints) tokens nobody would use.
func TestAddressInUseFailsBeforeTouchingStorage(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer taken.Close()
	db := filepath.Join(t.TempDir(), "never.db")
	var stdout, stderr bytes.Buffer
	err = run(context.Background(), []string{"bookingkitd", "-addr", taken.Addr().String(), "-db", db},
		func(string) string { return "" }, &stdout, &stderr)
	require.ErrorContains(t, err, "listen:")
	require.Empty(t, stdout.String(), "no token printed")
	require.NoFileExists(t, db)
}
