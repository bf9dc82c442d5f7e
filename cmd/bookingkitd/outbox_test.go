package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/internal/smtptest"
	"github.com/bookingkit/bookingkit/storage/storagetest/pgtest"
)

// The mail outbox over HTTP (issue 14, item 3): a request stores its mail
// and answers; the server's worker sends it.

// slowSMTP is how long the test mail server waits before greeting: a
// mail server that takes 300 ms, as the one that made a reset for an
// existing account 300 ms slower than for an unknown one.
const slowSMTP = 300 * time.Millisecond

// startAllModules starts a server with staff travel, MOGU and partner,
// mailing through smtpAddr, with the config file's mail section.
func startAllModules(t *testing.T, db, smtpAddr string, mailSection map[string]any) *testServer {
	t.Helper()
	raw, err := json.Marshal(map[string]any{
		"staffid":        map[string]any{"standby_passenger_types": []string{"ZED"}, "airline_code": "SU"},
		"staff_accounts": map[string]any{"attempts_per_address": 1000, "attempts_per_account": 1000},
		"mail":           mailSection,
	})
	require.NoError(t, err)
	cfgFile := filepath.Join(t.TempDir(), "bookingkit.json")
	require.NoError(t, os.WriteFile(cfgFile, raw, 0o600))
	return startServer(t, map[string]string{
		"BOOKINGKIT_IMPORT_TOKEN": staffTestImportToken,
		"BOOKINGKIT_ENGINE_TOKEN": moguTestEngineToken,
		"BOOKINGKIT_MOGU_KEYS":    moguTestKeys,
		"BOOKINGKIT_SMTP_ADDR":    smtpAddr,
		"BOOKINGKIT_SMTP_FROM":    "staff-travel@airline.test",
		"BOOKINGKIT_PUBLIC_URL":   "https://staff.airline.test",
	}, "-db", db, "-config", cfgFile)
}

// median returns the median of n runs of f's duration.
func median(n int, f func()) time.Duration {
	var ds []time.Duration
	for range n {
		start := time.Now()
		f()
		ds = append(ds, time.Since(start))
	}
	slices.Sort(ds)
	return ds[n/2]
}

func TestPasswordResetTakesAsLongWithOrWithoutAnAccountOnSQLite(t *testing.T) {
	resetTiming(t, filepath.Join(t.TempDir(), "bookingkit.db"))
}

func TestPasswordResetTakesAsLongWithOrWithoutAnAccountOnPostgres(t *testing.T) {
	resetTiming(t, pgtest.URL(t))
}

// resetTiming plays the account-enumeration attack on the three reset
// forms: with a mail server that takes 300 ms, a reset for an existing
// account used to answer 300 ms later than one for an unknown address.
// Both must now answer well before the mail server would (median under
// 100 ms), and the mail still arrives.
func resetTiming(t *testing.T, db string) {
	smtp := smtptest.StartWith(t, smtptest.Options{Delay: slowSMTP})
	partnerBootstrap(t, db, "root@vendor.example", "Root Admin")
	ts := startAllModules(t, db, smtp.Addr, nil)
	staff := &staffEnvT{t: t, ts: ts, smtp: smtp}
	mogu := &moguEnvT{t: t, ts: ts, smtp: smtp}

	staff.upload(staffTestList)
	staff.call("POST", "/api/staff/register", nil, staffLennonForm, http.StatusAccepted, nil)
	staff.mailedLink("it@websky.tech")
	mogu.signUp("traveller@example.com")

	// MOGU and partner keep account.New's limits: 5 link requests per
	// account and 10 per client address a minute, so 5 of each.
	const runs = 5
	for _, form := range []struct {
		name, path, existing string
	}{
		{"staff", "/api/staff/password/reset", "it@websky.tech"},
		{"mogu", "/api/mogu/password/reset", "traveller@example.com"},
		{"partner", "/api/partner/password/reset", "root@vendor.example"},
	} {
		t.Run(form.name, func(t *testing.T) {
			reset := func(email string) func() {
				return func() {
					status, _, body := staff.do("POST", form.path, nil, map[string]string{"email": email})
					require.Equal(t, http.StatusAccepted, status, "%s", body)
				}
			}
			unknownN := 0
			existing := median(runs, reset(form.existing))
			unknown := median(runs, func() { unknownN++; reset(fmt.Sprintf("nobody%d@example.com", unknownN))() })
			t.Logf("%s reset, median of %d: existing account %s, unknown address %s (mail server: %s)", form.name, runs, existing, unknown, slowSMTP)
			require.Less(t, existing, 100*time.Millisecond, "a reset for an existing account waits for the mail server")
			require.Less(t, unknown, 100*time.Millisecond)
			for range runs {
				select {
				case m := <-smtp.Messages:
					require.Equal(t, []string{strings.ToLower(form.existing)}, m.To)
					require.Contains(t, m.Body, "token=")
				case <-time.After(10 * time.Second):
					t.Fatalf("the reset mails to %s did not arrive", form.existing)
				}
			}
		})
	}
}

func TestMailSurvivesAServerKilledWhileSendingOnSQLite(t *testing.T) {
	mailSurvivesKill(t, filepath.Join(t.TempDir(), "bookingkit.db"))
}

func TestMailSurvivesAServerKilledWhileSendingOnPostgres(t *testing.T) {
	mailSurvivesKill(t, pgtest.URL(t))
}

// mailSurvivesKill: the server is killed (SIGKILL) while its worker talks
// to the mail server about a reset link. The link is not lost: the next
// server on the database sends it once the dead one's lease has run out,
// and sends it once.
func mailSurvivesKill(t *testing.T, db string) {
	smtp := smtptest.StartWith(t, smtptest.Options{Delay: 2 * time.Second})
	cfgFile := filepath.Join(t.TempDir(), "bookingkit.json")
	// A 6 s lease: the send (2 s here) may take up to 3 s.
	require.NoError(t, os.WriteFile(cfgFile, []byte(`{"mail": {"lease": "6s"}}`), 0o600))
	partnerBootstrap(t, db, "root@vendor.example", "Root Admin")
	env := map[string]string{"BOOKINGKIT_ENGINE_TOKEN": partnerTestEngineToken, "BOOKINGKIT_SMTP_ADDR": smtp.Addr, "BOOKINGKIT_CONFIG": cfgFile}

	first := startProcess(t, env, "-db", db)
	anon := &partnerClient{t: t, base: first.URL}
	anon.do("POST", "/api/partner/password/reset", map[string]string{"email": "root@vendor.example"}, http.StatusAccepted, nil)
	require.Eventually(t, func() bool { return smtp.Accepted() == 1 }, 10*time.Second, 5*time.Millisecond, "the worker connects to the mail server")
	first.Kill()

	startProcess(t, env, "-db", db)
	select {
	case m := <-smtp.Messages:
		require.Equal(t, []string{"root@vendor.example"}, m.To)
		require.Contains(t, m.Body, "/partner/set-password?token=")
	case <-time.After(30 * time.Second):
		t.Fatal("the link the killed server was sending never arrived")
	}
	select {
	case m := <-smtp.Messages:
		t.Fatalf("a second mail: %+v", m)
	case <-time.After(3 * time.Second):
	}
}

// TestTwoServersSendEachMailOnceOnPostgres: two server processes on one
// schema, each with its outbox worker polling the shared table; mails
// stored through both leave once each.
func TestTwoServersSendEachMailOnceOnPostgres(t *testing.T) {
	db := pgtest.URL(t)
	smtp := smtptest.Start(t)
	env := map[string]string{"BOOKINGKIT_ENGINE_TOKEN": moguTestEngineToken, "BOOKINGKIT_MOGU_KEYS": moguTestKeys, "BOOKINGKIT_SMTP_ADDR": smtp.Addr}
	servers := []string{startProcess(t, env, "-db", db).URL, startProcess(t, env, "-db", db).URL}
	want := map[string]bool{}
	for i := range 8 {
		email := fmt.Sprintf("traveller%d@example.com", i)
		want[email] = true
		status, body := postJSON(t, servers[i%2], "/api/mogu/register", nil, map[string]string{"email": email})
		require.Equal(t, http.StatusAccepted, status, "%s", body)
	}
	got := map[string]int{}
	for range want {
		select {
		case m := <-smtp.Messages:
			require.Len(t, m.To, 1)
			got[m.To[0]]++
		case <-time.After(15 * time.Second):
			t.Fatalf("mails received: %v", got)
		}
	}
	select {
	case m := <-smtp.Messages:
		t.Fatalf("a mail too many: %v", m.To)
	case <-time.After(3 * time.Second): // both workers poll every 2 s
	}
	for email := range want {
		require.Equal(t, 1, got[email], email)
	}
}
