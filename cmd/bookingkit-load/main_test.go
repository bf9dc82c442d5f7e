package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/account"
	"github.com/bookingkit/bookingkit/mail"
	"github.com/bookingkit/bookingkit/storage/storagetest/pgtest"
)

const (
	testEngineToken   = "load-test-engine-token-0123456789"
	testImportToken   = "load-test-import-token-0123456789"
	testAdminEmail    = "root@vendor.example"
	testAdminPassword = "correct horse battery staple"
)

// binaries are the server (raced when this test binary is) and the
// command-line tool, built once for every test in a folder TestMain
// removes.
var binaries struct {
	once        sync.Once
	dir         string
	server, cli string
	err         error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binaries.dir != "" {
		os.RemoveAll(binaries.dir)
	}
	os.Exit(code)
}

// buildBinaries builds bookingkitd and bookingkit once and returns their
// paths.
func buildBinaries(t *testing.T) (server, cli string) {
	t.Helper()
	b := &binaries
	b.once.Do(func() {
		start := time.Now()
		goCmd, err := exec.LookPath("go")
		if err != nil {
			b.err = fmt.Errorf("the go command builds the server: %w", err)
			return
		}
		if b.dir, err = os.MkdirTemp("", "bookingkit-load-test-"); err != nil {
			b.err = err
			return
		}
		build := func(pkg string, race bool) string {
			bin := filepath.Join(b.dir, filepath.Base(pkg))
			args := []string{"build", "-o", bin}
			if race {
				args = append(args, "-race")
			}
			if out, err := exec.Command(goCmd, append(args, pkg)...).CombinedOutput(); err != nil && b.err == nil {
				b.err = fmt.Errorf("go build %s: %v\n%s", pkg, err, out)
			}
			return bin
		}
		b.server = build("github.com/bookingkit/bookingkit/cmd/bookingkitd", raceEnabled)
		b.cli = build("github.com/bookingkit/bookingkit/cmd/bookingkit", false)
		t.Logf("built the server (race %v) and the tool in %s", raceEnabled, time.Since(start).Round(time.Millisecond))
	})
	require.NoError(t, b.err)
	return b.server, b.cli
}

// serverProcess is a bookingkitd child process.
type serverProcess struct {
	url    string
	cmd    *exec.Cmd
	stderr string // file with the server's log
	exited chan error
}

// startServer runs the bookingkitd binary bin on 127.0.0.1:0 with the
// environment env (added to this process's) and waits for the address it
// prints.
func startServer(t *testing.T, bin string, env []string, args ...string) *serverProcess {
	t.Helper()
	p := &serverProcess{stderr: filepath.Join(t.TempDir(), "server.log"), exited: make(chan error, 1)}
	logFile, err := os.Create(p.stderr)
	require.NoError(t, err)
	defer logFile.Close()
	p.cmd = exec.Command(bin, append([]string{"-addr", "127.0.0.1:0"}, args...)...)
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stderr = logFile
	stdout, err := p.cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, p.cmd.Start())
	t.Cleanup(func() { p.cmd.Process.Kill() }) // when the test failed before stop

	listening := regexp.MustCompile(`listening on (http://\S+)`)
	lines := bufio.NewScanner(stdout)
	for lines.Scan() {
		if m := listening.FindStringSubmatch(lines.Text()); m != nil {
			p.url = m[1]
			break
		}
	}
	go func() {
		io.Copy(io.Discard, stdout)
		p.exited <- p.cmd.Wait()
	}()
	if p.url == "" {
		t.Fatalf("the server did not start: %v\n%s", <-p.exited, p.log(t))
	}
	return p
}

func (p *serverProcess) log(t *testing.T) string {
	raw, err := os.ReadFile(p.stderr)
	require.NoError(t, err)
	return string(raw)
}

// stop sends SIGTERM, as an operator's service manager does, and requires
// a clean exit and a log without a data race.
func (p *serverProcess) stop(t *testing.T) {
	t.Helper()
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
	select {
	case err := <-p.exited:
		require.NoError(t, err, "the server exits 0 on SIGTERM; its log:\n%s", tail(p.log(t), 4000))
	case <-time.After(60 * time.Second):
		t.Fatalf("the server did not stop within 60 s of SIGTERM")
	}
	require.NotContains(t, p.log(t), "DATA RACE")
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// partnerAdminToken makes the first partner administrator in the
// database dsn with the command-line tool, as an operator does, and
// returns the one-time token of the link it prints.
func partnerAdminToken(t *testing.T, cli, dsn string) string {
	t.Helper()
	out, err := exec.Command(cli, "partner", "admin", "add", testAdminEmail, "Load Admin", "-db", dsn).CombinedOutput()
	require.NoError(t, err, "%s", out)
	m := regexp.MustCompile(`/partner/set-password\?token=(\S+)`).FindSubmatch(out)
	require.NotNil(t, m, "no link in %s", out)
	token, err := url.QueryUnescape(string(m[1]))
	require.NoError(t, err)
	return token
}

// loadOnce runs the whole program for a few seconds against a bookingkitd
// child process on dsn (raced when this test is), and requires no failed
// request, every read path and the imports exercised, no data race in the
// server and a clean exit on SIGTERM.
func loadOnce(t *testing.T, dsn string) {
	server, cli := buildBinaries(t)

	adminToken := partnerAdminToken(t, cli, dsn)
	mailDir := filepath.Join(t.TempDir(), "mail") // every module's mail, MOGU's too
	srv := startServer(t, server, []string{
		"BOOKINGKIT_ENGINE_TOKEN=" + testEngineToken,
		"BOOKINGKIT_IMPORT_TOKEN=" + testImportToken,
		"BOOKINGKIT_MAIL_DIR=" + mailDir,
		"BOOKINGKIT_SMTP_ADDR=",
		"BOOKINGKIT_PUBLIC_URL=",
	}, "-db", dsn)

	ctx := context.Background()
	c := newAPI(srv.url, 1)
	require.NoError(t, c.call(ctx, "POST", "/api/partner/password", nil, map[string]string{"token": adminToken, "password": testAdminPassword}, 200, nil))

	env := map[string]string{
		"BOOKINGKIT_ENGINE_TOKEN":          testEngineToken,
		"BOOKINGKIT_IMPORT_TOKEN":          testImportToken,
		"BOOKINGKIT_LOAD_PARTNER_PASSWORD": testAdminPassword,
	}
	var out, errOut bytes.Buffer
	err := run(ctx, []string{"bookingkit-load", "-url", srv.url, "-mail-dir", mailDir, "-partner-email", testAdminEmail,
		"-clients", "8", "-duration", "3s", "-list-size", "2000", "-staff", "2", "-travellers", "1"}, func(k string) string { return env[k] }, &out, &errOut)
	t.Logf("bookingkit-load printed:\n%s%s", out.String(), errOut.String())
	require.NoError(t, err)

	for _, path := range []string{"GET /healthz", "GET /api/staff/passengers", "GET /api/standby/bookings/{booking}", "GET /api/mogu/trips", "GET /api/partner/activity", "total"} {
		m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(path) + `\s+(\d+)\s+(\d+)\s`).FindStringSubmatch(out.String())
		require.NotNil(t, m, "no row for %s", path)
		requests, _ := strconv.Atoi(m[1])
		require.Positive(t, requests, path)
		require.Equal(t, "0", m[2], "errors on %s", path)
	}
	m := regexp.MustCompile(`imports during the load: (\d+) completed, 0 failed`).FindStringSubmatch(out.String())
	require.NotNil(t, m, "the imports' line")
	imports, _ := strconv.Atoi(m[1])
	require.Positive(t, imports, "the list was imported during the load")

	srv.stop(t)
}

func TestLoadOnSQLite(t *testing.T) {
	loadOnce(t, filepath.Join(t.TempDir(), "bookingkit.db"))
}

func TestLoadOnPostgres(t *testing.T) {
	loadOnce(t, pgtest.URL(t))
}

// The links are read from the files of the server's development mailer,
// quoted-printable and all: a long link is broken over lines there.
func TestMailboxReadsNewLinksOfTheDevelopmentMailer(t *testing.T) {
	dir := t.TempDir()
	mailer := &mail.Dir{Path: dir, From: "bookingkit@localhost"}
	send := func(to, token string) {
		link := "https://staff.example.com/api/staff/password?token=" + url.QueryEscape(token)
		require.NoError(t, mailer.Send(context.Background(), account.Message{To: to, Subject: "Your password", Body: "Open this link to choose your password:\n" + link + "\n"}))
	}
	long := strings.Repeat("Ab3_-", 20) + "=/+" // longer than a quoted-printable line, with characters it and URLs escape
	send("ivan@example.com", "old-token")
	box, err := openMailbox(dir)
	require.NoError(t, err)
	send("olga@example.com", "olga-token")
	send("Ivan@Example.com", long)

	token, err := box.token(context.Background(), "ivan@example.com")
	require.NoError(t, err)
	require.Equal(t, long, token, "the new message, not the one from before")
	token, err = box.token(context.Background(), "olga@example.com")
	require.NoError(t, err)
	require.Equal(t, "olga-token", token)

	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err = box.token(ctx, "ivan@example.com")
	require.ErrorIs(t, err, context.DeadlineExceeded, "each message is read once")
}

// A staff registration is answered by mail: a link, or (registered by an
// earlier run) the text that says the address has an account.
func TestMailboxTellsARegistrationsMail(t *testing.T) {
	dir := t.TempDir()
	mailer := &mail.Dir{Path: dir, From: "bookingkit@localhost"}
	box, err := openMailbox(dir)
	require.NoError(t, err)
	require.NoError(t, mailer.Send(context.Background(), account.Message{To: "ivan@example.com", Subject: "Your staff travel account",
		Body: "Someone, perhaps you, asked to register for staff travel with this address\n(ivan@example.com), which already has a staff travel account.\n"}))
	require.NoError(t, mailer.Send(context.Background(), account.Message{To: "olga@example.com", Subject: "Your staff travel account",
		Body: "Open this link: https://staff.example.com/api/staff/password?token=olga-token\n"}))

	token, already, err := box.registration(context.Background(), "ivan@example.com")
	require.NoError(t, err)
	require.True(t, already)
	require.Empty(t, token)
	token, already, err = box.registration(context.Background(), "olga@example.com")
	require.NoError(t, err)
	require.False(t, already)
	require.Equal(t, "olga-token", token)
}

func TestPercentile(t *testing.T) {
	var sorted []time.Duration
	for i := 1; i <= 200; i++ {
		sorted = append(sorted, time.Duration(i)*time.Millisecond)
	}
	for _, c := range []struct {
		q    float64
		want time.Duration
	}{{0.5, 100 * time.Millisecond}, {0.9, 180 * time.Millisecond}, {0.99, 198 * time.Millisecond}, {1, 200 * time.Millisecond}, {0.001, time.Millisecond}} {
		require.Equal(t, c.want, percentile(sorted, c.q), "q %v", c.q)
	}
	require.Zero(t, percentile(nil, 0.5))
}

func TestBadOptionsAreRefusedClearly(t *testing.T) {
	env := map[string]string{"BOOKINGKIT_ENGINE_TOKEN": "e", "BOOKINGKIT_IMPORT_TOKEN": "i",
		"BOOKINGKIT_LOAD_PARTNER_EMAIL": "a@b.example", "BOOKINGKIT_LOAD_PARTNER_PASSWORD": "p"}
	for _, c := range []struct {
		args  []string
		unset string
		want  string
	}{
		{args: []string{"-url", "127.0.0.1:8080"}, want: "want the server's base URL"},
		{args: []string{"-clients", "0"}, want: "-clients 0"},
		{args: []string{"-duration", "-1s"}, want: "-duration -1s"},
		{args: []string{"-list-size", "99"}, want: "-list-size 99: want at least 100"},
		{args: []string{"extra"}, want: `unexpected argument "extra"`},
		{unset: "BOOKINGKIT_ENGINE_TOKEN", want: "engine token is required"},
		{unset: "BOOKINGKIT_IMPORT_TOKEN", want: "import token is required"},
		{unset: "BOOKINGKIT_LOAD_PARTNER_PASSWORD", want: "bookingkit partner admin add"},
	} {
		getenv := func(k string) string {
			if k == c.unset {
				return ""
			}
			return env[k]
		}
		err := run(context.Background(), append([]string{"bookingkit-load"}, c.args...), getenv, io.Discard, io.Discard)
		require.ErrorContains(t, err, c.want, "%v", c.args)
	}
}
