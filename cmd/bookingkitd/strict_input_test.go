package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/staffid"
)

// Issue 14, item 9: lax parsing, played over HTTP. Each input used to be
// accepted, or read as something else; each is now refused with 400 or
// 415 naming what is wrong.

// copyList returns a deep copy of the staff tests' list.
func copyList() []map[string]any {
	out := make([]map[string]any, len(staffTestList))
	for i, r := range staffTestList {
		out[i] = map[string]any{}
		for k, v := range r {
			out[i][k] = v
		}
	}
	return out
}

func TestStrictEmployeeListOverHTTP(t *testing.T) {
	e := startStaff(t, filepath.Join(t.TempDir(), "bookingkit.db"), nil)
	upload := func(body []byte, contentType string) (int, staffid.Report) {
		t.Helper()
		req, err := http.NewRequest(http.MethodPost, e.ts.URL+"/api__airline_employee_upload", bytes.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+staffTestImportToken)
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		raw, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		var report staffid.Report
		require.NoError(t, json.Unmarshal(raw, &report), "%s", raw)
		return resp.StatusCode, report
	}
	marshal := func(list []map[string]any) []byte {
		b, err := json.Marshal(list)
		require.NoError(t, err)
		return b
	}

	// "IsEmployee": true: the spec says 0 or 1.
	list := copyList()
	list[4]["IsEmployee"] = true // Harrison, alone in his group
	status, report := upload(marshal(list), "application/json")
	require.Equal(t, http.StatusBadRequest, status)
	require.Len(t, report.InvalidRecords, 1)
	require.Contains(t, report.InvalidRecords[0].Error, `IsEmployee "true": expected 1 (employee) or 0 (companion), not a JSON boolean`)

	// One field twice in a record, under a spelling encoding/json folds
	// to it (ſ is a long s): no longer an unknown field after which the
	// first silently wins.
	body := bytes.Replace(marshal(copyList()), []byte(`"Sex":"M"}`), []byte(`"Sex":"M","ſex":"F"}`), 1)
	require.Contains(t, string(body), "ſex")
	status, report = upload(body, "application/json")
	require.Equal(t, http.StatusBadRequest, status)
	require.Contains(t, report.InvalidRecords[0].Error, "Sex: appears more than once in the record")

	// Bidirectional formatting characters in names.
	for _, r := range []rune{'\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069', '\u200E', '\u200F', '\u061C'} {
		list := copyList()
		list[1]["FirstName"] = "Ono" + string(r) + "ykoY"
		status, report := upload(marshal(list), "application/json")
		require.Equal(t, http.StatusBadRequest, status, "U+%04X", r)
		require.Len(t, report.InvalidRecords, 1)
		require.Contains(t, report.InvalidRecords[0].Error, "FirstName")
		require.Contains(t, report.InvalidRecords[0].Error, "must not contain bidirectional formatting characters")
	}

	// No Content-Type: not taken for JSON.
	status, report = upload(marshal(copyList()), "")
	require.Equal(t, http.StatusUnsupportedMediaType, status)
	require.Contains(t, report.ErrorMsg, "Content-Type is missing")

	// The list as it should be is still imported.
	status, report = upload(marshal(copyList()), "application/json")
	require.Equal(t, http.StatusOK, status, "%+v", report)
}

func TestStrictJSONBodiesOverHTTP(t *testing.T) {
	e := startStaff(t, filepath.Join(t.TempDir(), "bookingkit.db"), nil)
	post := func(path, contentType, body string) (int, errorBody) {
		t.Helper()
		req, err := http.NewRequest(http.MethodPost, e.ts.URL+path, strings.NewReader(body))
		require.NoError(t, err)
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		var out errorBody
		raw, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		if resp.StatusCode >= 400 {
			require.NoError(t, json.Unmarshal(raw, &out), "%s", raw)
		}
		return resp.StatusCode, out
	}
	form := `{"LastName":"Lennon","FirstName":"John","BirthDay":"09.10.1940","EmployeeID":"884220062","Email":"it@websky.tech"}`

	// A JSON route reads no body without a JSON Content-Type: 415 naming it.
	for _, ct := range []string{"", "text/plain", "application/x-www-form-urlencoded"} {
		status, body := post("/api/staff/register", ct, form)
		require.Equal(t, http.StatusUnsupportedMediaType, status, "Content-Type %q", ct)
		require.Equal(t, "Content-Type", body.Field)
	}
	for _, path := range []string{"/api/staff/login", "/api/partner/password", "/api/mogu/login"} {
		status, body := post(path, "", `{}`)
		require.Equal(t, http.StatusUnsupportedMediaType, status, path)
		require.Equal(t, "Content-Type", body.Field, path)
	}

	// A key twice in one object, in any case: 400 naming it, where
	// encoding/json kept the last.
	for _, dup := range []string{
		`{"Email":"x@example.com","LastName":"Lennon","FirstName":"John","BirthDay":"09.10.1940","EmployeeID":"884220062","Email":"it@websky.tech"}`,
		`{"email":"x@example.com","LastName":"Lennon","FirstName":"John","BirthDay":"09.10.1940","EmployeeID":"884220062","Email":"it@websky.tech"}`,
	} {
		status, body := post("/api/staff/register", "application/json; charset=utf-8", dup)
		require.Equal(t, http.StatusBadRequest, status, dup)
		require.Equal(t, "Email", body.Field)
		require.Contains(t, body.Error, "appears more than once")
	}
}

func TestStrictStaffBookingsPagingOverHTTP(t *testing.T) {
	e := startStaff(t, filepath.Join(t.TempDir(), "bookingkit.db"), nil)
	session, _ := e.signUp()
	for _, tt := range []struct{ query, field string }{
		{"limit=-1", "limit"},
		{"limit=1001", "limit"},
		{"before=-5", "before"},
		{"before=x", "before"},
		{"cursor=x", "cursor"},
		{"cursor=-5", "cursor"},
		{"cursor=1&before=2", "cursor"},
	} {
		status, _, raw := e.do("GET", "/api/staff/bookings?"+tt.query, staffAuth(session), nil)
		require.Equal(t, http.StatusBadRequest, status, "%s: %s", tt.query, raw)
		var body errorBody
		require.NoError(t, json.Unmarshal(raw, &body))
		require.Equal(t, tt.field, body.Field, tt.query)
	}
	e.call("GET", "/api/staff/bookings?limit=1000", staffAuth(session), nil, http.StatusOK, nil)
	e.call("GET", "/api/staff/bookings", staffAuth(session), nil, http.StatusOK, nil)
}
