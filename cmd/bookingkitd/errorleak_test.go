package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/storage/storagetest/pgtest"
)

// Every error answer that the tests of this package receive is checked
// for storage internals: the SQL driver's or adapter's name, SQL words,
// table names. A request that receives one fails with an error naming
// the word, so every test over HTTP doubles as a test of the error
// bodies, whatever it is about. (Clients with a Transport of their own,
// such as the shutdown tests', are not checked.)

func init() {
	http.DefaultTransport = &leakCheckingTransport{next: http.DefaultTransport, leak: storageWords()}
}

// storageWords matches what no answer may name: the adapters and drivers,
// SQL and its errors, and every table of the migrations (read from the
// adapters' migration files, so a new table is covered when it is added).
func storageWords() *regexp.Regexp {
	words := []string{`(?i:sqlite)`, `(?i:postgres)`, `(?i:\bpgx)`, `(?i:pgconn)`, `\bSQL\b`, `(?i:\bsql:)`, `(?i:sqlstate)`,
		`(?i:constraint)`, `(?i:no rows)`, `(?i:database/sql)`, `(?i:\bmemory:)`, `(?i:\bsyntax error)`, `(?i:\bduplicate key)`, `(?i:\bviolates\b)`}
	tables := map[string]bool{}
	create := regexp.MustCompile(`(?i)create\s+table\s+(?:if\s+not\s+exists\s+)?([a-z_][a-z0-9_]*)`)
	for _, dir := range []string{"../../storage/sqlite/migrations", "../../storage/postgres/migrations"} {
		files, err := fs.Glob(os.DirFS(dir), "*.sql")
		if err != nil || len(files) == 0 {
			panic(fmt.Sprintf("no migrations in %s: %v", dir, err))
		}
		for _, f := range files {
			raw, err := os.ReadFile(filepath.Join(dir, f))
			if err != nil {
				panic(err)
			}
			for _, m := range create.FindAllStringSubmatch(string(raw), -1) {
				// Tables named with an underscore (partner_licences,
				// standby_entries): a plain word such as "accounts" is
				// also a word of the domain.
				if strings.Contains(m[1], "_") {
					tables[strings.ToLower(m[1])] = true
				}
			}
		}
	}
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for n := range tables {
			if !yield(n) {
				return
			}
		}
	}) {
		words = append(words, `(?i:\b`+regexp.QuoteMeta(name)+`\b)`)
	}
	return regexp.MustCompile(strings.Join(words, "|"))
}

// leakCheckingTransport reads the body of every answer with an error
// status and refuses the answer when it names storage internals.
type leakCheckingTransport struct {
	next http.RoundTripper
	leak *regexp.Regexp
}

func (lt *leakCheckingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := lt.next.RoundTrip(req)
	if err != nil || resp.StatusCode < 400 {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if loc := lt.leak.FindIndex(body); loc != nil {
		return nil, fmt.Errorf("the error answer to %s %s names storage internals (%q): %d %s",
			req.Method, req.URL.Path, body[loc[0]:loc[1]], resp.StatusCode, body)
	}
	return resp, nil
}

// rawDo sends a request past the leak check (the test looks at the body
// itself) with the engine token and returns the status, the body and
// the request ID.
func rawDo(t *testing.T, method, url string, token string, in any) (int, errorBody, string) {
	t.Helper()
	var body io.Reader
	if in != nil {
		raw, err := json.Marshal(in)
		require.NoError(t, err)
		body = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, url, body)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultTransport.(*leakCheckingTransport).next.RoundTrip(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var eb errorBody
	if resp.StatusCode >= 400 {
		require.NoError(t, json.Unmarshal(raw, &eb), "%s", raw)
	}
	return resp.StatusCode, eb, resp.Header.Get("X-Request-ID")
}

// requireLogged checks that the server's log holds a line under requestID
// with the storage detail the answer left out.
func requireLogged(t *testing.T, log, requestID string, detail *regexp.Regexp) {
	t.Helper()
	for line := range strings.Lines(log) {
		if strings.Contains(line, "request_id="+requestID) && detail.MatchString(line) {
			return
		}
	}
	t.Errorf("no log line under request_id=%s matches %s; the log:\n%s", requestID, detail, log)
}

func TestErrorsDoNotNameStorageOnSQLite(t *testing.T) {
	errorsDoNotNameStorage(t, filepath.Join(t.TempDir(), "bookingkit.db"))
}

func TestErrorsDoNotNameStorageOnPostgres(t *testing.T) {
	errorsDoNotNameStorage(t, pgtest.URL(t))
}

// Attack: three answers that named storage: a licence added twice to an
// instance ("UNIQUE constraint failed: partner_licences.instance_id…"), an
// import history entry that does not exist ("sql: no rows in result
// set"), a standby booking whose entries the store refused ("postgres: add
// standby entries: …"). Each keeps its status and says what happened in
// the domain's words; the log has the storage detail under the answer's
// request ID.
func errorsDoNotNameStorage(t *testing.T, dsn string) {
	w := startPartnerWorld(t, dsn)
	leak := storageWords()
	check := func(what string, status int, eb errorBody, want int, words string) {
		t.Helper()
		require.Equal(t, want, status, "%s: %+v", what, eb)
		require.NotRegexp(t, leak, eb.Error, what)
		require.Contains(t, eb.Error, words, what)
	}

	// The licence added twice.
	var pt partnerPartnerJSON
	w.admin.do("POST", "/api/partner/partners", map[string]string{"name": "P"}, http.StatusCreated, &pt)
	var company partnerCompanyJSON
	w.admin.do("POST", "/api/partner/companies", map[string]string{"partner_id": pt.ID, "name": "Acme"}, http.StatusCreated, &company)
	var inst partnerInstanceJSON
	w.admin.do("POST", "/api/partner/instances", map[string]any{"company_id": company.ID, "type": "WDS", "profile": "basic",
		"company_data": map[string]string{"legal_name": "Acme S.L.", "tax_id": "B1", "contact_email": "a@acme.example", "country": "ES"},
		"config":       map[string]string{"max_terminals": "2", "time_zone": "UTC"}, "expires_at": time.Now().AddDate(1, 0, 0)}, http.StatusCreated, &inst)
	w.admin.do("POST", "/api/partner/instances/"+inst.ID+"/provision", nil, http.StatusOK, &inst)
	w.admin.do("POST", "/api/partner/instances/"+inst.ID+"/generate", map[string]string{"contract_sha256": inst.Contract.SHA256}, http.StatusOK, &inst)
	ana := map[string]any{"licences": []map[string]string{{"user_name": "Ana García", "login": "ana.garcia"}}}
	w.admin.do("POST", "/api/partner/instances/"+inst.ID+"/licences", ana, http.StatusCreated, nil)
	status, eb, id := rawDo(t, "POST", w.ts.URL+"/api/partner/instances/"+inst.ID+"/licences", w.admin.token, ana)
	check("the licence added twice", status, eb, http.StatusConflict, "a licence with this login")
	requireLogged(t, w.ts.stderr.String(), id, regexp.MustCompile(`UNIQUE constraint failed: partner_licences|duplicate key value violates unique constraint \\"partner_licences`))

	// The import that does not exist.
	status, eb, id = rawDo(t, "GET", w.ts.URL+"/api/staffid/imports/999", partnerTestEngineToken, nil)
	check("an unknown import", status, eb, http.StatusNotFound, "not found")
	requireLogged(t, w.ts.stderr.String(), id, regexp.MustCompile(`no rows in result set`))

	// The standby booking added twice: the second one's entries clash.
	booking := standbyBookingBody("BK1", "2027-11-20T09:30:00Z", []map[string]any{su100("economy")}, pax("SU", "2012-04-02", 1))
	status, eb, _ = rawDo(t, "POST", w.ts.URL+"/api/standby/bookings", partnerTestEngineToken, booking)
	require.Equal(t, http.StatusCreated, status, "%+v", eb)
	status, eb, id = rawDo(t, "POST", w.ts.URL+"/api/standby/bookings", partnerTestEngineToken, booking)
	check("the standby booking added twice", status, eb, http.StatusConflict, "already exists")
	requireLogged(t, w.ts.stderr.String(), id, regexp.MustCompile(`UNIQUE constraint failed: standby_entries|duplicate key value violates unique constraint \\"standby_entries`))
}
