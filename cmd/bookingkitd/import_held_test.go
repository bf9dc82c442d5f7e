package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/cmd/internal/backend"
	"github.com/bookingkit/bookingkit/internal/smtptest"
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/storage/storagetest/pgtest"
)

func TestHeldListOverHTTPOnSQLite(t *testing.T) {
	testHeldListOverHTTP(t, filepath.Join(t.TempDir(), "bookingkit.db"))
}

func TestHeldListOverHTTPOnPostgres(t *testing.T) {
	testHeldListOverHTTP(t, pgtest.URL(t))
}

// heldTestList is ten employees, each alone in their group: blocking four
// of them is 40 %.
func heldTestList() []map[string]any {
	var out []map[string]any
	for i, name := range []string{"Ivanov", "Petrov", "Sidorov", "Smirnov", "Kuznetsov", "Popov", "Vasiliev", "Sokolov", "Mikhailov", "Novikov"} {
		out = append(out, map[string]any{
			"LastName": name, "FirstName": "Ivan", "LastNameEng": name, "FirstNameEng": "Ivan",
			"BirthDay": "01.01.1980", "Sex": "M", "DateOfEmployment": "01.01.2010",
			"EmployeeID": 1000 + i, "IsEmployee": 1, "CategoryCode": 1,
		})
	}
	return out
}

// heldCall sends a request of the held list's API with the import token
// and returns the status and body.
func heldCall(t *testing.T, e *importEnv, method, path, token string) (int, []byte) {
	t.Helper()
	return e.request(t, method, path, nil, "", token)
}

// heldPage posts the import page's held-list form.
func heldPage(t *testing.T, e *importEnv, action string, id int64) (int, string) {
	t.Helper()
	form := url.Values{"token": {testImportToken}, "action": {action}}
	if id != 0 {
		form.Set("id", fmt.Sprint(id))
	}
	resp, err := http.PostForm(e.ts.URL+"/settings__airline_staff_id_employee_import/held", form)
	require.NoError(t, err)
	defer resp.Body.Close()
	page, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, "text/html; charset=utf-8", resp.Header.Get("Content-Type"))
	return resp.StatusCode, string(page)
}

// testHeldListOverHTTP runs issue 17's done-when for the held list: a list
// that blocks 40 % is held and the managers are mailed; the manager sees
// its preview by name and approves it, and the people are blocked; a
// newer list replaces a pending one; a rejection discards one; approving
// one that a newer import made stale applies nothing; the history
// records it all.
func testHeldListOverHTTP(t *testing.T, dsn string) {
	smtp := smtptest.Start(t)
	cfgFile := filepath.Join(t.TempDir(), "bookingkit.json")
	require.NoError(t, os.WriteFile(cfgFile, []byte(`{"staffid": {"managers": ["hr-lead@airline.test", "it@airline.test"]}}`), 0o600))
	ts := startServer(t, map[string]string{
		"BOOKINGKIT_DB":           dsn,
		"BOOKINGKIT_IMPORT_TOKEN": testImportToken,
		"BOOKINGKIT_ENGINE_TOKEN": testEngineToken,
		"BOOKINGKIT_SMTP_ADDR":    smtp.Addr,
		"BOOKINGKIT_SMTP_FROM":    "staff-travel@airline.test",
		"BOOKINGKIT_PUBLIC_URL":   "https://staff.airline.test",
	}, "-config", cfgFile)
	stores, err := backend.Open(context.Background(), dsn)
	require.NoError(t, err)
	t.Cleanup(func() { stores.Close() })
	e := &importEnv{ts: ts, stores: stores}

	list := heldTestList()
	status, report := e.uploadJSON(t, list, "")
	require.Equal(t, http.StatusOK, status)
	require.Len(t, activeNames(e.people(t)), 10)

	// A list that blocks 4 of the 10 is held: nothing changes.
	status, report = e.uploadJSON(t, list[:6], "")
	require.Equal(t, http.StatusAccepted, status)
	require.Equal(t, staffid.StatusHeld, report.Status)
	require.Contains(t, report.ErrorMsg, "4 of the 10 active people (40%)")
	require.Nil(t, report.SyncCounts)
	first := report.Held.ID
	require.Len(t, activeNames(e.people(t)), 10, "a held list changes nobody")

	// The managers are mailed, with the page's address and no names.
	mailed := map[string]smtptest.Message{}
	for range 2 {
		select {
		case m := <-smtp.Messages:
			require.Len(t, m.To, 1)
			mailed[m.To[0]] = m
		case <-time.After(15 * time.Second):
			t.Fatalf("the managers were not mailed (got %d)", len(mailed))
		}
	}
	require.Contains(t, mailed, "hr-lead@airline.test")
	require.Contains(t, mailed, "it@airline.test")
	m := mailed["hr-lead@airline.test"]
	require.Equal(t, "Employee list held: it would block 4 people", m.Subject)
	require.Contains(t, m.Body, "https://staff.airline.test/settings__airline_staff_id_employee_import")
	require.Contains(t, m.Body, fmt.Sprintf("held as list %d", first))
	require.NotContains(t, m.Body, "Vasiliev")

	// The preview, by name, for whoever may upload.
	status, _ = heldCall(t, e, "GET", "/api/staffid/held", "")
	require.Equal(t, http.StatusUnauthorized, status)
	status, body := heldCall(t, e, "GET", "/api/staffid/held", testImportToken)
	require.Equal(t, http.StatusOK, status, "%s", body)
	var held staffid.HeldList
	require.NoError(t, json.Unmarshal(body, &held))
	require.Equal(t, first, held.ID)
	require.Equal(t, staffid.SyncCounts{Unchanged: 6, Blocked: 4}, held.Counts)
	var blocked []string
	for _, p := range held.Report.Changes.Blocked {
		blocked = append(blocked, p.Name)
	}
	require.ElementsMatch(t, []string{"Vasiliev Ivan", "Sokolov Ivan", "Mikhailov Ivan", "Novikov Ivan"}, blocked)

	// A newer list replaces the pending one.
	status, report = e.uploadJSON(t, list[:5], "")
	require.Equal(t, http.StatusAccepted, status)
	second := report.Held.ID
	require.Greater(t, second, first)
	status, _ = heldCall(t, e, "POST", fmt.Sprintf("/api/staffid/held/%d/approve", first), testImportToken)
	require.Equal(t, http.StatusNotFound, status, "the replaced list cannot be approved")

	// The page shows it by name, and the manager approves it.
	status, page := heldPage(t, e, "show", 0)
	require.Equal(t, http.StatusOK, status, page)
	require.Contains(t, page, fmt.Sprintf("Held list %d", second))
	require.Contains(t, page, "Popov Ivan")
	require.Contains(t, page, fmt.Sprintf(`name="id" value="%d"`, second))
	status, body = heldCall(t, e, "POST", fmt.Sprintf("/api/staffid/held/%d/approve", second), "wrong")
	require.Equal(t, http.StatusUnauthorized, status)
	status, body = heldCall(t, e, "POST", fmt.Sprintf("/api/staffid/held/%d/approve", second), testImportToken)
	require.Equal(t, http.StatusOK, status, "%s", body)
	require.NoError(t, json.Unmarshal(body, &report))
	require.Equal(t, staffid.StatusOk, report.Status)
	require.Equal(t, staffid.SyncCounts{Unchanged: 5, Blocked: 5}, *report.SyncCounts)
	require.Equal(t, &staffid.HeldNote{ID: second, Decision: staffid.DecisionApproved}, report.Held)
	require.Equal(t, []string{"Ivanov Ivan", "Kuznetsov Ivan", "Petrov Ivan", "Sidorov Ivan", "Smirnov Ivan"}, activeNames(e.people(t)), "the people are blocked")
	status, _ = heldCall(t, e, "GET", "/api/staffid/held", testImportToken)
	require.Equal(t, http.StatusNotFound, status, "decided")

	// Rejected on the page: discarded, nobody blocked.
	status, report = e.uploadJSON(t, list[:3], "")
	require.Equal(t, http.StatusAccepted, status)
	third := report.Held.ID
	status, page = heldPage(t, e, "reject", third)
	require.Equal(t, http.StatusOK, status, page)
	require.Contains(t, page, fmt.Sprintf("held list %d rejected by control panel", third))
	require.Len(t, activeNames(e.people(t)), 5)
	status, _ = heldCall(t, e, "GET", "/api/staffid/held", testImportToken)
	require.Equal(t, http.StatusNotFound, status)

	// Stale: another server imports a newer list between the hold and the
	// approval (before it supersedes the held one); the approval applies
	// nothing.
	status, report = e.uploadJSON(t, list[:3], "")
	require.Equal(t, http.StatusAccepted, status)
	fourth := report.Held.ID
	other, err := staffid.NewImporter(staffid.Config{}, stores.StaffID)
	require.NoError(t, err)
	newer := append(append([]map[string]any{}, list[:5]...), heldTestList()[9])
	raw, err := json.Marshal(newer)
	require.NoError(t, err)
	_, err = other.Import(context.Background(), strings.NewReader(string(raw)), staffid.FormatJSON, staffid.ImportOptions{Actor: "another server"})
	require.NoError(t, err)
	status, body = heldCall(t, e, "POST", fmt.Sprintf("/api/staffid/held/%d/approve", fourth), testImportToken)
	require.Equal(t, http.StatusConflict, status, "%s", body)
	require.NoError(t, json.Unmarshal(body, &report))
	require.Equal(t, &staffid.HeldNote{ID: fourth, Decision: staffid.DecisionSuperseded}, report.Held)
	require.Len(t, activeNames(e.people(t)), 6, "nothing applied: the newer list stands")

	// The history records held, approved, rejected and superseded lists.
	var all historyPage
	getWithToken(t, e.ts.URL+"/api/staffid/imports", testEngineToken, &all)
	byHeld := map[int64][]string{}
	for _, entry := range all.Items {
		switch {
		case entry.Report.Status == staffid.StatusHeld:
			byHeld[entry.ID] = append(byHeld[entry.ID], "held")
		case entry.Report.Held != nil:
			byHeld[entry.Report.Held.ID] = append(byHeld[entry.Report.Held.ID], string(entry.Report.Held.Decision)+" by "+entry.Actor)
		}
	}
	token, panel := "import token from 127.0.0.1", "control panel from 127.0.0.1"
	prefixed := func(id int64) []string {
		var out []string
		for _, s := range byHeld[id] {
			out = append(out, s[:min(len(s), strings.Index(s+":", ":"))])
		}
		return out
	}
	require.Equal(t, []string{"superseded by " + token, "held"}, prefixed(first), "newest first")
	require.Equal(t, []string{"approved by " + token, "held"}, prefixed(second))
	require.Equal(t, []string{"rejected by " + panel, "held"}, prefixed(third))
	require.Equal(t, []string{"superseded by " + token, "held"}, prefixed(fourth))

	// The page's held-list card speaks the reader's language.
	for lang, want := range map[string]string{"ru": "Показать задержанный список", "es": "Ver la lista retenida", "en": "Show the held list"} {
		req, err := http.NewRequest(http.MethodGet, e.ts.URL+"/settings__airline_staff_id_employee_import", nil)
		require.NoError(t, err)
		req.Header.Set("Accept-Language", lang)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		page, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.NoError(t, err)
		require.Contains(t, string(page), want, lang)
	}
}
