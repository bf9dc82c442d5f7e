package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/cmd/internal/backend"
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/staffid/staffidhttp"
	"github.com/bookingkit/bookingkit/staffid/staffidtest"
	"github.com/bookingkit/bookingkit/storage"
	"github.com/bookingkit/bookingkit/storage/storagetest/pgtest"
)

const (
	testImportToken = "import-token-for-tests"
	testEngineToken = "engine-token-for-tests"
)

// historyPage is the answer of GET /api/staffid/imports.
type historyPage = staffidhttp.ImportHistoryPage

// importEnv is a running server and a second handle on its database, to
// look at the stored people behind the HTTP answers.
type importEnv struct {
	ts     *testServer
	stores storage.Stores
}

// startImportServer starts bookingkitd on dsn with the test tokens and,
// when config is not empty, that config file.
func startImportServer(t *testing.T, dsn, config string) *importEnv {
	t.Helper()
	var args []string
	if config != "" {
		path := filepath.Join(t.TempDir(), "bookingkit.json")
		require.NoError(t, os.WriteFile(path, []byte(config), 0o600))
		args = append(args, "-config", path)
	}
	ts := startServer(t, map[string]string{
		"BOOKINGKIT_DB":           dsn,
		"BOOKINGKIT_IMPORT_TOKEN": testImportToken,
		"BOOKINGKIT_ENGINE_TOKEN": testEngineToken,
		"BOOKINGKIT_MAIL_DIR":     t.TempDir(),
	}, args...)
	stores, err := backend.Open(context.Background(), dsn)
	require.NoError(t, err)
	t.Cleanup(func() { stores.Close() })
	return &importEnv{ts: ts, stores: stores}
}

// upload posts body to the upload endpoint and returns the status and body.
func (e *importEnv) upload(t *testing.T, body []byte, contentType, query, token string) (int, []byte) {
	t.Helper()
	return e.request(t, http.MethodPost, "/api__airline_employee_upload"+query, body, contentType, token)
}

// request sends body to path, with token as the bearer, and returns the status
// and body.
func (e *importEnv) request(t *testing.T, method, path string, body []byte, contentType, token string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, e.ts.URL+path, bytes.NewReader(body))
	require.NoError(t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, out
}

// uploadJSON uploads records as a JSON list with the right token.
func (e *importEnv) uploadJSON(t *testing.T, records any, query string) (int, staffid.Report) {
	t.Helper()
	body, err := json.Marshal(records)
	require.NoError(t, err)
	status, out := e.upload(t, body, "application/json", query, testImportToken)
	var report staffid.Report
	require.NoError(t, json.Unmarshal(out, &report), "%s", out)
	return status, report
}

// people returns every stored person by "LastName FirstName" (of two
// namesakes, the active one).
func (e *importEnv) people(t *testing.T) map[string]staffid.Person {
	t.Helper()
	out := map[string]staffid.Person{}
	after := ""
	for {
		page, err := e.stores.StaffID.People(context.Background(), staffid.PeopleQuery{AfterID: after, Limit: staffid.MaxPageSize})
		require.NoError(t, err)
		for _, p := range page {
			if q, ok := out[p.LastName+" "+p.FirstName]; !ok || q.Blocked {
				out[p.LastName+" "+p.FirstName] = p
			}
		}
		if len(page) < staffid.MaxPageSize {
			return out
		}
		after = page[len(page)-1].ID
	}
}

// seedUpload is the seed's example upload exactly as printed.
func seedUpload(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("../../staffid/testdata/seed_upload.json")
	require.NoError(t, err)
	return b
}

// seedRecords is the seed's example as maps, with George Harrison's birth
// date corrected: a valid list of one employee and four companions.
func seedRecords(t *testing.T) []map[string]any {
	t.Helper()
	var records []map[string]any
	require.NoError(t, json.Unmarshal(seedUpload(t), &records))
	records[3]["BirthDay"] = "25.02.1943"
	return records
}

func activeNames(people map[string]staffid.Person) []string {
	var out []string
	for name, p := range people {
		if !p.Blocked {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

func TestImportSeedScenariosSQLite(t *testing.T) {
	testImportSeedScenarios(t, filepath.Join(t.TempDir(), "bookingkit.db"))
}

func TestImportSeedScenariosPostgres(t *testing.T) {
	testImportSeedScenarios(t, pgtest.URL(t))
}

// testImportSeedScenarios runs the done-when list over HTTP: the
// seed refused as printed, imported once corrected, then the spec's
// scenarios (block, unblock, update, identity change, guard).
func testImportSeedScenarios(t *testing.T, dsn string) {
	e := startImportServer(t, dsn, "")

	// The seed as printed: George Harrison's "25..02.1943" is invalid, so
	// nothing is imported and the answer has the seed's error shape.
	status, body := e.upload(t, seedUpload(t), "application/json", "", testImportToken)
	require.Equal(t, http.StatusBadRequest, status, "%s", body)
	require.True(t, bytes.HasPrefix(body, []byte(`{"status":"Error","error_msg":"Has invalid records","input_records_count":5,"imported_total":0,"employees_imported":0,"companions_imported":0,"invalid_records":[{"record":{`)),
		"the seed's error shape, in the seed's order: %s", body)
	var refused struct {
		Status         string `json:"status"`
		InvalidRecords []struct {
			Record map[string]any `json:"record"`
			Error  string         `json:"error"`
		} `json:"invalid_records"`
		Created *int `json:"created"`
	}
	require.NoError(t, json.Unmarshal(body, &refused))
	require.Len(t, refused.InvalidRecords, 1)
	var seed []map[string]any
	require.NoError(t, json.Unmarshal(seedUpload(t), &seed))
	require.Empty(t, cmp.Diff(seed[3], refused.InvalidRecords[0].Record), "the record is echoed as sent")
	require.Equal(t, "Invalid date 25..02.1943, the format is d.m.Y", refused.InvalidRecords[0].Error)
	require.Nil(t, refused.Created, "no success counts in a refusal")
	require.Empty(t, e.people(t), "nothing imported")

	// Corrected: 1 employee and 4 companions.
	records := seedRecords(t)
	status, report := e.uploadJSON(t, records, "")
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, staffid.Report{Status: "Ok", InputRecordsCount: 5, ImportedTotal: 5, EmployeesImported: 1, CompanionsImported: 4,
		InvalidRecords: []staffid.InvalidRecord{}, SyncCounts: &staffid.SyncCounts{Created: 5}}, report)
	people := e.people(t)
	require.Equal(t, []string{"Harrison George", "Lennon John", "McCartney Paul", "Starkey Richard", "Yoko Ono"}, activeNames(people))
	lennon := people["Lennon John"]
	require.True(t, lennon.IsEmployee)
	require.Equal(t, "09.11.1980", people["Yoko Ono"].DateOfEmployment.String(), "a companion takes its employee's hiring date")
	group, err := e.stores.StaffID.GroupPeople(context.Background(), "884220062")
	require.NoError(t, err)
	require.Len(t, group, 5)
	require.Equal(t, lennon.ID, group[0].ID, "the employee first")

	// Block: Ringo is absent from the next list.
	status, report = e.uploadJSON(t, records[:4], "")
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, staffid.SyncCounts{Unchanged: 4, Blocked: 1}, *report.SyncCounts)
	ringo := e.people(t)["Starkey Richard"]
	require.True(t, ringo.Blocked, "blocked, not deleted")

	// Unblock: back in the list.
	status, report = e.uploadJSON(t, records, "")
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, staffid.SyncCounts{Unchanged: 4, Unblocked: 1}, *report.SyncCounts)
	require.False(t, e.people(t)["Starkey Richard"].Blocked)
	require.Equal(t, ringo.ID, e.people(t)["Starkey Richard"].ID)

	// Update: a field outside the identity changes; the person stays.
	records[2]["Email"] = "paul@beatles.example"
	status, report = e.uploadJSON(t, records, "")
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, staffid.SyncCounts{Unchanged: 4, Updated: 1}, *report.SyncCounts)
	paul := e.people(t)["McCartney Paul"]
	require.Equal(t, "paul@beatles.example", paul.Email)
	require.Equal(t, people["McCartney Paul"].ID, paul.ID)

	// Identity change: a new birth date is a new person; the old one,
	// absent now, is blocked.
	oldYoko := e.people(t)["Yoko Ono"]
	records[1]["BirthDay"] = "18.02.1934"
	status, report = e.uploadJSON(t, records, "")
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, staffid.SyncCounts{Unchanged: 4, Created: 1, Blocked: 1}, *report.SyncCounts)
	stillOld, err := e.stores.StaffID.Person(context.Background(), oldYoko.ID)
	require.NoError(t, err)
	require.True(t, stillOld.Blocked)
	newYoko, err := e.stores.StaffID.People(context.Background(), staffid.PeopleQuery{State: staffid.OnlyActive})
	require.NoError(t, err)
	require.Len(t, newYoko, 5)
	var found bool
	for _, p := range newYoko {
		if p.LastName == "Yoko" {
			require.NotEqual(t, oldYoko.ID, p.ID, "a new person")
			require.Equal(t, "18.02.1934", p.BirthDay.String())
			found = true
		}
	}
	require.True(t, found)

	// Guard: a list that blocks 3 of the 5 active people is held for a
	// manager's decision, not imported…
	before := e.people(t)
	status, report = e.uploadJSON(t, records[:2], "")
	require.Equal(t, http.StatusAccepted, status)
	require.Equal(t, staffid.StatusHeld, report.Status)
	require.Contains(t, report.ErrorMsg, "3 of the 5 active people")
	require.NotContains(t, report.ErrorMsg, "?force=true", "a held list waits for a manager, not for force")
	require.Equal(t, before, e.people(t), "nothing changed")
	// …and accepted when forced.
	status, report = e.uploadJSON(t, records[:2], "?force=true")
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, staffid.SyncCounts{Unchanged: 2, Blocked: 3}, *report.SyncCounts)
	require.Equal(t, []string{"Lennon John", "Yoko Ono"}, activeNames(e.people(t)))

	// The history has every upload, newest first, with its source.
	var page historyPage
	resp := getWithToken(t, e.ts.URL+"/api/staffid/imports?limit=3", testEngineToken, &page)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Len(t, page.Items, 3)
	require.Equal(t, staffid.DecisionSuperseded, page.Items[0].Report.Held.Decision, "the forced import superseded the held list")
	require.True(t, page.Items[1].Forced)
	require.Equal(t, staffid.SourceAPI, page.Items[1].Source)
	require.Equal(t, staffid.StatusHeld, page.Items[2].Report.Status, "the guard's hold is recorded")
	require.NotEmpty(t, page.Next)
	var all historyPage
	getWithToken(t, e.ts.URL+"/api/staffid/imports", testEngineToken, &all)
	require.Len(t, all.Items, 9, "refused + 7 imports, refusals and holds since, and the held list superseded")
	first := all.Items[len(all.Items)-1]
	require.Equal(t, "Has invalid records", first.Report.ErrorMsg)
	require.Len(t, first.Report.InvalidRecords, 1)
	var one staffid.HistoryEntry
	resp = getWithToken(t, fmt.Sprintf("%s/api/staffid/imports/%d", e.ts.URL, first.ID), testEngineToken, &one)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, first.ID, one.ID)
}

func getWithToken(t *testing.T, url, token string, into any) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	if into != nil {
		require.NoError(t, json.NewDecoder(resp.Body).Decode(into))
	}
	return resp
}

func TestImportHistoryErrors(t *testing.T) {
	e := startImportServer(t, filepath.Join(t.TempDir(), "bookingkit.db"), "")
	for _, c := range []struct {
		url, token string
		want       int
	}{
		{"/api/staffid/imports", "", http.StatusUnauthorized},
		{"/api/staffid/imports", testImportToken, http.StatusUnauthorized},
		{"/api/staffid/imports/1", testEngineToken, http.StatusNotFound},
		{"/api/staffid/imports/x", testEngineToken, http.StatusBadRequest},
		{"/api/staffid/imports?limit=0", testEngineToken, http.StatusBadRequest},
		{"/api/staffid/imports?limit=1001", testEngineToken, http.StatusBadRequest},
		{"/api/staffid/imports?before=-1", testEngineToken, http.StatusBadRequest},
		{"/api/staffid/imports", testEngineToken, http.StatusOK},
	} {
		resp := getWithToken(t, e.ts.URL+c.url, c.token, nil)
		require.Equal(t, c.want, resp.StatusCode, "%s with %q", c.url, c.token)
	}
	var page historyPage
	getWithToken(t, e.ts.URL+"/api/staffid/imports", testEngineToken, &page)
	require.NotNil(t, page.Items)
	require.Empty(t, page.Items)
	require.Empty(t, page.Next)
}

// xlsxOf returns a workbook of the seed's records (corrected), with change
// applied to the rows (header excluded) first.
func xlsxOf(t *testing.T, records []map[string]any) []byte {
	t.Helper()
	header := []any{}
	for _, h := range staffidtest.Header {
		header = append(header, h)
	}
	rows := [][]any{header}
	for _, r := range records {
		row := []any{}
		for _, h := range staffidtest.Header {
			if v, ok := r[h]; ok && v != nil {
				row = append(row, v)
			} else {
				row = append(row, "")
			}
		}
		rows = append(rows, row)
	}
	b, err := staffidtest.Workbook(rows)
	require.NoError(t, err)
	return b
}

// zipBomb returns a workbook whose sheet claims to unpack to 10 GiB.
func zipBomb(t *testing.T, good []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(good), int64(len(good)))
	require.NoError(t, err)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		raw, err := f.OpenRaw()
		require.NoError(t, err)
		h := f.FileHeader
		if strings.HasPrefix(f.Name, "xl/worksheets/sheet1") {
			h.UncompressedSize64 = 10 << 30
		}
		w, err := zw.CreateRaw(&h)
		require.NoError(t, err)
		_, err = io.Copy(w, raw)
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

// Every kind of bad upload is refused with a clear answer, and the stored
// list stays as it was.
func TestImportBadInputOverHTTP(t *testing.T) {
	e := startImportServer(t, filepath.Join(t.TempDir(), "bookingkit.db"),
		`{"staffid": {"max_upload_bytes": 65536, "import_allow_list": ["127.0.0.1", "::1", "10.0.0.0/8"]}}`)
	status, _ := e.uploadJSON(t, seedRecords(t), "")
	require.Equal(t, http.StatusOK, status)
	stored := e.people(t)
	require.Len(t, stored, 5)

	with := func(i int, field string, value any) []map[string]any {
		rs := seedRecords(t)
		if value == nil {
			delete(rs[i], field)
		} else {
			rs[i][field] = value
		}
		return rs
	}
	mustJSON := func(v any) []byte {
		b, err := json.Marshal(v)
		require.NoError(t, err)
		return b
	}
	goodBook := xlsxOf(t, seedRecords(t))
	xlsType := "application/vnd.ms-excel"
	legacy := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...)
	twoEmployees := with(1, "IsEmployee", 1)
	twoEmployees[1]["DateOfEmployment"] = "01.01.2000"
	duplicate := append(seedRecords(t), seedRecords(t)[2])
	longName := strings.Repeat("a", 31)

	for _, c := range []struct {
		name        string
		body        []byte
		contentType string
		token       string
		want        int
		wantInBody  string
	}{
		{"malformed JSON", []byte(`[{"LastName": "Lennon",`), "application/json", testImportToken, 400, "the JSON ends too early"},
		{"syntax error", []byte(`[{"LastName" "Lennon"}]`), "application/json", testImportToken, 400, "malformed JSON"},
		{"top-level object", []byte(`{"LastName": "Lennon"}`), "application/json", testImportToken, 400, "expected a JSON array"},
		{"wrong type: object as a name", mustJSON(with(0, "LastName", map[string]any{"x": 1})), "application/json", testImportToken, 400, "LastName"},
		{"wrong type: IsEmployee yes", mustJSON(with(1, "IsEmployee", "yes")), "application/json", testImportToken, 400, "IsEmployee"},
		{"empty list", []byte(`[]`), "application/json", testImportToken, 400, "?force=true"},
		{"31-character name", mustJSON(with(2, "LastName", longName)), "application/json", testImportToken, 400, "30"},
		{"29 February 2001", mustJSON(with(2, "BirthDay", "29.02.2001")), "application/json", testImportToken, 400, "Invalid date 29.02.2001, the format is d.m.Y"},
		{"25..02.1943", seedUpload(t), "application/json", testImportToken, 400, "Invalid date 25..02.1943, the format is d.m.Y"},
		{"companion without employee", mustJSON(with(4, "EmployeeID", 1234)), "application/json", testImportToken, 400, "Has invalid records"},
		{"no group field", mustJSON(with(4, "EmployeeID", nil)), "application/json", testImportToken, 400, "No GUID field found: EmployeeID"},
		{"two employees in a group", mustJSON(twoEmployees), "application/json", testImportToken, 400, "Has invalid records"},
		{"duplicate person", mustJSON(duplicate), "application/json", testImportToken, 400, "Has invalid records"},
		{"truncated workbook", goodBook[:len(goodBook)/2], staffid.ContentTypeXLSX, testImportToken, 400, "Error"},
		{"zip bomb workbook", zipBomb(t, goodBook), staffid.ContentTypeXLSX, testImportToken, 413, "Error"},
		{"legacy xls by type", legacy, xlsType, testImportToken, 415, "save it as an Excel Workbook (.xlsx)"},
		{"legacy xls by content", legacy, "application/octet-stream", testImportToken, 415, "save it as an Excel Workbook (.xlsx)"},
		{"unknown content type", []byte("LastName;FirstName\n"), "text/csv", testImportToken, 415, "unsupported format"},
		{"workbook sent as JSON", goodBook, "application/json", testImportToken, 400, "zip file"},
		{"body over the limit", append(append([]byte("["), bytes.Repeat([]byte(" "), 70000)...), ']'), "application/json", testImportToken, 413, "limit"},
		{"missing token", mustJSON(seedRecords(t)), "application/json", "", 401, "missing bearer token"},
		{"wrong token", mustJSON(seedRecords(t)), "application/json", "not-the-token", 401, "wrong import token"},
	} {
		t.Run(c.name, func(t *testing.T) {
			status, body := e.upload(t, c.body, c.contentType, "", c.token)
			require.Equal(t, c.want, status, "%s", body)
			require.Contains(t, string(body), c.wantInBody)
			require.Equal(t, stored, e.people(t), "the stored list is unchanged")
		})
	}

	t.Run("body over the limit without a length", func(t *testing.T) {
		pr, pw := io.Pipe()
		go func() {
			pw.Write([]byte("["))
			for range 100 {
				pw.Write(bytes.Repeat([]byte(" "), 1000))
			}
			pw.Write([]byte("]"))
			pw.Close()
		}()
		req, err := http.NewRequest(http.MethodPost, e.ts.URL+"/api__airline_employee_upload", pr)
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+testImportToken)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
		require.Equal(t, stored, e.people(t))
	})

	t.Run("bad force", func(t *testing.T) {
		status, body := e.upload(t, mustJSON(seedRecords(t)), "application/json", "?force=maybe", testImportToken)
		require.Equal(t, http.StatusBadRequest, status, "%s", body)
		require.Contains(t, string(body), "force")
	})

	t.Run("30-character Cyrillic name passes", func(t *testing.T) {
		name := strings.Repeat("Щ", 30) // 60 bytes, 30 characters
		status, report := e.uploadJSON(t, with(2, "LastName", name), "")
		require.Equal(t, http.StatusOK, status, "%+v", report)
		require.Equal(t, staffid.SyncCounts{Unchanged: 4, Created: 1, Blocked: 1}, *report.SyncCounts)
		stored = e.people(t)
		require.Contains(t, stored, name+" Paul")
	})

	t.Run("workbook", func(t *testing.T) {
		status, body := e.upload(t, goodBook, staffid.ContentTypeXLSX, "", testImportToken)
		require.Equal(t, http.StatusOK, status, "%s", body)
		var report staffid.Report
		require.NoError(t, json.Unmarshal(body, &report))
		require.Equal(t, staffid.SyncCounts{Unchanged: 4, Unblocked: 1, Blocked: 1}, *report.SyncCounts, "Paul McCartney is back")
	})

	t.Run("refusals are in the history", func(t *testing.T) {
		var page historyPage
		getWithToken(t, e.ts.URL+"/api/staffid/imports?limit=1000", testEngineToken, &page)
		var refused int
		for _, it := range page.Items {
			if it.Report.Status == "Error" {
				refused++
			}
		}
		// Every upload past the token and the address that the server
		// read is recorded (not the bodies over the limit, refused at the
		// door like a wrong token).
		require.Equal(t, 19, refused)
	})
}

func TestImportForbiddenAddress(t *testing.T) {
	e := startImportServer(t, filepath.Join(t.TempDir(), "bookingkit.db"),
		`{"staffid": {"import_allow_list": ["203.0.113.0/24", "2001:db8::1"]}}`)
	status, body := e.upload(t, []byte(`[]`), "application/json", "", testImportToken)
	require.Equal(t, http.StatusForbidden, status, "%s", body)
	require.Contains(t, string(body), "allow-list")
	status, body = e.upload(t, []byte(`[]`), "application/json", "", "")
	require.Equal(t, http.StatusForbidden, status, "the address is checked before the token: %s", body)

	resp, err := http.Get(e.ts.URL + "/settings__airline_staff_id_employee_import")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusForbidden, resp.StatusCode, "the page is behind the allow-list too")
	require.Empty(t, e.people(t))
	history, err := e.stores.StaffID.ImportHistory(context.Background(), staffid.HistoryQuery{})
	require.NoError(t, err)
	require.Empty(t, history, "a refused caller leaves no history")
}

func TestImportConfigErrors(t *testing.T) {
	for _, c := range []struct{ config, want string }{
		{`{"staffid": {"import_allow_list": ["not-an-address"]}}`, "import_allow_list"},
		{`{"staffid": {"import_allow_list": ["10.0.0.0/33"]}}`, "import_allow_list"},
		{`{"staffid": {"max_upload_bytes": -1}}`, "max_upload_bytes"},
		{`{"staffid": {"group_field": "Email"}}`, "GroupField"},
		{`{"staffid": {"mass_block_threshold": 2}}`, "MassBlockThreshold"},
		{`{"staffid": {"no_such_setting": 1}}`, "no_such_setting"},
	} {
		path := filepath.Join(t.TempDir(), "bookingkit.json")
		require.NoError(t, os.WriteFile(path, []byte(c.config), 0o600))
		err := run(t.Context(), []string{"bookingkitd", "-addr", "127.0.0.1:0", "-db", "memory:", "-config", path},
			func(k string) string { return "" }, io.Discard, io.Discard)
		require.Error(t, err, c.config)
		require.Contains(t, err.Error(), c.want)
	}
}

// postPage posts the control-panel form and returns the status and page.
func postPage(t *testing.T, e *importEnv, token string, file []byte, force bool) (int, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	require.NoError(t, mw.WriteField("token", token))
	if force {
		require.NoError(t, mw.WriteField("force", "on"))
	}
	if file != nil {
		fw, err := mw.CreateFormFile("file", "employees.xlsx")
		require.NoError(t, err)
		_, err = fw.Write(file)
		require.NoError(t, err)
	}
	require.NoError(t, mw.Close())
	resp, err := http.Post(e.ts.URL+"/settings__airline_staff_id_employee_import", mw.FormDataContentType(), &buf)
	require.NoError(t, err)
	defer resp.Body.Close()
	page, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, "text/html; charset=utf-8", resp.Header.Get("Content-Type"))
	return resp.StatusCode, string(page)
}

func TestImportPage(t *testing.T) {
	e := startImportServer(t, filepath.Join(t.TempDir(), "bookingkit.db"), "")

	resp, err := http.Get(e.ts.URL + "/settings__airline_staff_id_employee_import")
	require.NoError(t, err)
	form, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	for _, want := range []string{`enctype="multipart/form-data"`, `name="token"`, `type="file"`, `name="force"`} {
		require.Contains(t, string(form), want)
	}
	require.Contains(t, resp.Header.Get("Content-Security-Policy"), "default-src 'none'")

	// Invalid: the report lists the record, escaped.
	bad := seedRecords(t)
	bad[3]["FirstName"] = "<script>alert(1)</script>"
	bad[3]["BirthDay"] = "25..02.1943"
	status, page := postPage(t, e, testImportToken, xlsxOf(t, bad), false)
	require.Equal(t, http.StatusBadRequest, status)
	require.Contains(t, page, "Not imported")
	require.Contains(t, page, "Has invalid records")
	require.Contains(t, page, "Invalid date 25..02.1943, the format is d.m.Y")
	require.Contains(t, page, "&lt;script&gt;")
	require.NotContains(t, page, "<script>")
	require.Empty(t, e.people(t))

	status, page = postPage(t, e, "wrong", xlsxOf(t, seedRecords(t)), false)
	require.Equal(t, http.StatusUnauthorized, status)
	require.Contains(t, page, "wrong import token")
	status, page = postPage(t, e, testImportToken, nil, false)
	require.Equal(t, http.StatusBadRequest, status)
	require.Contains(t, page, "choose the employee list")
	status, page = postPage(t, e, testImportToken, append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 100)...), false)
	require.Equal(t, http.StatusUnsupportedMediaType, status)
	require.Contains(t, page, "save it as an Excel Workbook (.xlsx)")
	require.Empty(t, e.people(t))

	// Valid: imported with source manual.
	status, page = postPage(t, e, testImportToken, xlsxOf(t, seedRecords(t)), false)
	require.Equal(t, http.StatusOK, status, page)
	require.Contains(t, page, "Imported")
	require.Contains(t, page, "1 employees, 4 companions")
	require.Len(t, e.people(t), 5)

	// The guard holds the list, then forced it is imported.
	status, page = postPage(t, e, testImportToken, xlsxOf(t, seedRecords(t)[:1]), false)
	require.Equal(t, http.StatusAccepted, status)
	require.Contains(t, page, "Held for a manager")
	status, page = postPage(t, e, testImportToken, xlsxOf(t, seedRecords(t)[:1]), true)
	require.Equal(t, http.StatusOK, status, page)
	require.Equal(t, []string{"Lennon John"}, activeNames(e.people(t)))

	history, err := e.stores.StaffID.ImportHistory(context.Background(), staffid.HistoryQuery{})
	require.NoError(t, err)
	require.Equal(t, staffid.DecisionSuperseded, history[0].Report.Held.Decision, "the forced import superseded the held list")
	require.Equal(t, staffid.SourceManual, history[1].Source)
	require.True(t, history[1].Forced)
	require.Contains(t, history[1].Actor, "control panel")

	// A form posted from another site is refused.
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("token", testImportToken)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, e.ts.URL+"/settings__airline_staff_id_employee_import", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", "https://evil.example")
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusForbidden, resp.StatusCode)
}

// The import token is generated on first start when BOOKINGKIT_IMPORT_TOKEN
// is unset, printed once, stored hashed, and works.
func TestImportTokenGenerated(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "bookingkit.db")
	logger := slog.New(slog.DiscardHandler)
	var out bytes.Buffer
	for range 2 { // the second start finds the stored hash and prints nothing
		stores, err := backend.Open(t.Context(), dsn)
		require.NoError(t, err)
		_, err = newServices(t.Context(), logger, testConfig(), stores, &out)
		require.NoError(t, err)
		require.NoError(t, stores.Close())
	}
	const prefix = "generated the import token (shown only now; keep it): "
	require.Equal(t, 1, strings.Count(out.String(), prefix), "printed once:\n%s", out.String())
	token := strings.Fields(out.String()[strings.Index(out.String(), prefix)+len(prefix):])[0]

	e := &importEnv{ts: startServer(t, map[string]string{"BOOKINGKIT_DB": dsn})}
	status, body := e.upload(t, seedUpload(t), "application/json", "", token)
	require.Equal(t, http.StatusBadRequest, status, "the generated token is accepted (and the seed refused for its date): %s", body)
	status, _ = e.upload(t, seedUpload(t), "application/json", "", testImportToken)
	require.Equal(t, http.StatusUnauthorized, status)
}
