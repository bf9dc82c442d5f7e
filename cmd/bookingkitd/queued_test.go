package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/cmd/internal/backend"
	"github.com/bookingkit/bookingkit/internal/smtptest"
	"github.com/bookingkit/bookingkit/storage/storagetest/pgtest"
)

// Attack (issue 14, item 3): a reset for an existing account wrote a
// one-time link and a mail into the database inside the request, one for
// an unknown address wrote nothing, and a registration made an account
// only for a listed employee: the requests took 1-2 ms against 0.2 ms,
// which tells who has an account. Now each of the five forms checks its
// input and limits and queues one request in the outbox, whatever the
// database holds; the outbox's worker does the rest.

func TestQueuedAccountFormsWriteTheSameRowsOnSQLite(t *testing.T) {
	queuedFormsWriteAlike(t, filepath.Join(t.TempDir(), "bookingkit.db"), "sqlite")
}

func TestQueuedAccountFormsWriteTheSameRowsOnPostgres(t *testing.T) {
	queuedFormsWriteAlike(t, pgtest.URL(t), "pgx")
}

func queuedFormsWriteAlike(t *testing.T, db, driver string) {
	smtp := smtptest.Start(t)
	partnerBootstrap(t, db, "root@vendor.example", "Root Admin")

	// The accounts are made through a whole server, worker and all.
	ts := startAllModules(t, db, smtp.Addr, nil)
	staff := &staffEnvT{t: t, ts: ts, smtp: smtp}
	mogu := &moguEnvT{t: t, ts: ts, smtp: smtp}
	staff.upload(staffTestList)
	staff.call("POST", "/api/staff/register", nil, staffLennonForm, http.StatusAccepted, nil)
	staff.mailedLink("it@websky.tech")
	mogu.signUp("traveller@example.com")
	require.NoError(t, ts.Stop())

	// Then the same database is served by a server whose worker does not
	// run: what a request writes stays there to be counted.
	svc, url := startWithoutWorker(t, db, smtp.Addr)
	e := &staffEnvT{t: t, ts: &testServer{URL: url}, smtp: smtp}
	dsn := db
	if driver == "sqlite" {
		dsn = "file:" + db
	}
	raw, err := sql.Open(driver, dsn)
	require.NoError(t, err)
	t.Cleanup(func() { raw.Close() })

	unknownPerson := map[string]string{"LastName": "Nobody", "FirstName": "Nemo", "BirthDay": "01.01.1970", "EmployeeID": "999999", "Email": "nemo@example.com"}
	george := map[string]string{"Email": "george@example.com"}
	for k, v := range staffHarrisonForm {
		george[k] = v
	}
	for _, f := range []struct {
		name, path, kind  string
		existing, unknown map[string]string
		// What the worker mails: a text the mail holds, or "" for no mail.
		existingMail, unknownMail string
	}{
		{"staff register", "/api/staff/register", "staffid.register", george, unknownPerson, "token=", "do not match"},
		{"staff reset", "/api/staff/password/reset", "staffid.reset",
			map[string]string{"email": "it@websky.tech"}, map[string]string{"email": "nobody.staff@example.com"}, "token=", ""},
		{"mogu register", "/api/mogu/register", "mogu.register",
			map[string]string{"email": "traveller@example.com"}, map[string]string{"email": "new.traveller@example.com"}, "already has an account", "Welcome to MOGU"},
		{"mogu reset", "/api/mogu/password/reset", "mogu.reset",
			map[string]string{"email": "traveller@example.com"}, map[string]string{"email": "nobody.mogu@example.com"}, "token=", ""},
		{"partner reset", "/api/partner/password/reset", "partner.reset",
			map[string]string{"email": "root@vendor.example"}, map[string]string{"email": "nobody.partner@example.com"}, "token=", ""},
	} {
		t.Run(f.name, func(t *testing.T) {
			e.t = t
			send := func(form map[string]string) (int, string, map[string]int, string) {
				before := tableRows(t, raw, driver)
				status, _, body := e.do("POST", f.path, nil, form)
				after := tableRows(t, raw, driver)
				written := map[string]int{}
				for table, n := range after {
					if d := n - before[table]; d != 0 {
						written[table] = d
					}
				}
				var kind string
				require.NoError(t, raw.QueryRow("SELECT kind FROM outbox ORDER BY id DESC LIMIT 1").Scan(&kind))
				// MOGU's answer repeats the address typed.
				email := form["email"] + form["Email"]
				return status, strings.ReplaceAll(string(body), email, "EMAIL"), written, kind
			}
			exStatus, exBody, exWritten, exKind := send(f.existing)
			unStatus, unBody, unWritten, unKind := send(f.unknown)
			require.Equal(t, http.StatusAccepted, exStatus, exBody)
			require.Equal(t, exStatus, unStatus)
			require.Equal(t, exBody, unBody, "the same answer")
			require.Equal(t, map[string]int{"outbox": 1}, exWritten, "an existing account: one queued request, nothing else")
			require.Equal(t, exWritten, unWritten, "an unknown one writes the same rows")
			require.Equal(t, f.kind, exKind)
			require.Equal(t, f.kind, unKind)

			// The worker does the rest, as the request used to.
			_, err := svc.outbox.DeliverDue(context.Background())
			require.NoError(t, err)
			existingEmail := f.existing["email"] + f.existing["Email"]
			unknownEmail := f.unknown["email"] + f.unknown["Email"]
			require.Contains(t, e.mailedText(existingEmail), f.existingMail)
			if f.unknownMail != "" {
				require.Contains(t, e.mailedText(unknownEmail), f.unknownMail)
			}
			e.noMail()
			var left int
			require.NoError(t, raw.QueryRow("SELECT count(*) FROM outbox").Scan(&left))
			require.Zero(t, left, "the queued requests, with the personal data they hold, are gone once completed")
		})
	}
	// The registration made George's account: the link came from the
	// worker, not the request.
	var n int
	require.NoError(t, raw.QueryRow("SELECT count(*) FROM accounts WHERE email = 'george@example.com'").Scan(&n))
	require.Equal(t, 1, n)
}

// startWithoutWorker serves db as run does, with the staff, MOGU and
// partner settings of startAllModules, but does not start the outbox's
// worker: the test delivers with DeliverDue.
func startWithoutWorker(t *testing.T, db, smtpAddr string) (*services, string) {
	t.Helper()
	raw, err := json.Marshal(map[string]any{
		"staffid":        map[string]any{"standby_passenger_types": []string{"ZED"}, "airline_code": "SU"},
		"staff_accounts": map[string]any{"attempts_per_address": 1000, "attempts_per_account": 1000},
	})
	require.NoError(t, err)
	cfgFile := filepath.Join(t.TempDir(), "bookingkit.json")
	require.NoError(t, os.WriteFile(cfgFile, raw, 0o600))
	env := map[string]string{
		"BOOKINGKIT_IMPORT_TOKEN": staffTestImportToken,
		"BOOKINGKIT_ENGINE_TOKEN": moguTestEngineToken,
		"BOOKINGKIT_MOGU_KEYS":    moguTestKeys,
		"BOOKINGKIT_SMTP_ADDR":    smtpAddr,
		"BOOKINGKIT_SMTP_FROM":    "staff-travel@airline.test",
		"BOOKINGKIT_PUBLIC_URL":   "https://staff.airline.test",
	}
	cfg, err := parseConfig([]string{"bookingkitd", "-db", db, "-config", cfgFile}, func(k string) string { return env[k] }, io.Discard)
	require.NoError(t, err)
	ctx := context.Background()
	stores, err := backend.OpenServer(ctx, db)
	require.NoError(t, err)
	t.Cleanup(func() { stores.Close() })
	logger := slog.New(slog.DiscardHandler)
	svc, err := newServices(ctx, logger, cfg, stores, io.Discard)
	require.NoError(t, err)
	srv := httptest.NewServer(NewServer(logger, cfg, svc))
	t.Cleanup(srv.Close)
	checkOpenAPI(t, srv.URL)
	return svc, srv.URL
}

// tableRows counts the rows of every table of the database, but the
// rate limiter's: a limit's row is inserted at a key's first attempt and
// updated at the next, so it follows the history of the address typed,
// not whether it has an account (the forms take the limits the same way
// for both).
func tableRows(t *testing.T, db *sql.DB, driver string) map[string]int {
	t.Helper()
	q := "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
	if driver == "pgx" {
		q = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
	}
	rows, err := db.Query(q)
	require.NoError(t, err)
	var tables []string
	for rows.Next() {
		var name string
		require.NoError(t, rows.Scan(&name))
		tables = append(tables, name)
	}
	require.NoError(t, rows.Err())
	rows.Close()
	require.Contains(t, tables, "outbox")
	counts := map[string]int{}
	for _, table := range tables {
		if table == "rate_limits" {
			continue
		}
		var n int
		require.NoError(t, db.QueryRow(`SELECT count(*) FROM "`+table+`"`).Scan(&n))
		counts[table] = n
	}
	return counts
}
