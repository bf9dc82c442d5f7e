package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/staffid/staffidtest"
	"github.com/bookingkit/bookingkit/storage/storagetest/pgtest"
)

func TestStaffListExportSQLite(t *testing.T) {
	testStaffListExport(t, filepath.Join(t.TempDir(), "bookingkit.db"))
}

func TestStaffListExportPostgres(t *testing.T) {
	testStaffListExport(t, pgtest.URL(t))
}

// testStaffListExport: the stored list's export is behind the engine
// token; it marks the blocked people, and the JSON of the active ones,
// uploaded again, changes nothing.
func testStaffListExport(t *testing.T, dsn string) {
	e := startImportServer(t, dsn, "")
	records := staffidtest.GenerateRecords(30, 17)
	status, _ := e.upload(t, staffidtest.MarshalList(records), "application/json", "", testImportToken)
	require.Equal(t, http.StatusOK, status)
	var kept []staffidtest.Record
	for i, r := range records {
		if r.IsEmployee == 1 || i >= 8 {
			kept = append(kept, r)
		}
	}
	blocked := len(records) - len(kept)
	status, _ = e.upload(t, staffidtest.MarshalList(kept), "application/json", "?force=true", testImportToken)
	require.Equal(t, http.StatusOK, status)

	export := func(query, token string) (*http.Response, []byte) {
		req, err := http.NewRequest(http.MethodGet, e.ts.URL+"/api/staffid/export"+query, nil)
		require.NoError(t, err)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp, body
	}
	for _, token := range []string{"", testImportToken} {
		resp, _ := export("?format=csv", token)
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode, "token %q", token)
	}
	resp, _ := export("?format=doc", testEngineToken)
	require.Equal(t, http.StatusBadRequest, resp.StatusCode)

	resp, body := export("?format=csv", testEngineToken)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.True(t, strings.HasPrefix(resp.Header.Get("Content-Disposition"), `attachment; filename="staff-list-`))
	rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 1+len(records))
	marked := 0
	for _, row := range rows[1:] {
		if row[len(row)-2] == "1" {
			marked++
		}
	}
	require.Equal(t, blocked, marked)

	resp, body = export("?format=xlsx", testEngineToken)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, staffid.ContentTypeXLSX, resp.Header.Get("Content-Type"))
	require.True(t, bytes.HasPrefix(body, []byte("PK\x03\x04")))

	resp, body = export("?state=active", testEngineToken)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	status, out := e.upload(t, body, "application/json", "", testImportToken)
	require.Equal(t, http.StatusOK, status, "%s", out)
	var report staffid.Report
	require.NoError(t, json.Unmarshal(out, &report))
	require.Equal(t, staffid.SyncCounts{Unchanged: len(kept)}, *report.SyncCounts)
}
