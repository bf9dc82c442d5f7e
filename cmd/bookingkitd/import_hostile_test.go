package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/staffid/staffidtest"
	"github.com/bookingkit/bookingkit/storage/storagetest/pgtest"
)

// Issue 14, item 8: small workbooks that unpack to a great deal, played
// against the real binary over HTTP. Before the fix a 7.7 KB workbook
// whose cells all point at one 32 000-character shared string got a
// 257 MB report and took 1 GB; a 57 KB one killed the server. Now every
// answer (the upload's report, the control-panel page, the history row)
// stays bounded, and so does the server's memory (its peak resident set,
// VmHWM, read from /proc).
func TestImportHostileWorkbooksSQLite(t *testing.T) {
	testImportHostileWorkbooks(t, filepath.Join(t.TempDir(), "bookingkit.db"))
}

func TestImportHostileWorkbooksPostgres(t *testing.T) {
	testImportHostileWorkbooks(t, pgtest.URL(t))
}

// reportCap is the importer's default Limits.MaxReportBytes, plus room for
// the report's own fields.
const reportCap = 8<<20 + 4<<10

// maxServerMemory is the peak resident set the server may reach over the
// whole test. The workbooks below took it past 1 GB, or killed it.
const maxServerMemory = 300 << 20

func testImportHostileWorkbooks(t *testing.T, dsn string) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("needs /proc to read the server's peak memory")
	}
	server := startProcess(t, map[string]string{
		"BOOKINGKIT_IMPORT_TOKEN": testImportToken,
		"BOOKINGKIT_ENGINE_TOKEN": testEngineToken,
		"BOOKINGKIT_MAIL_DIR":     t.TempDir(),
	}, "-db", dsn)
	xlsx := staffid.ContentTypeXLSX

	// 300 rows × 15 cells × 32 000 characters: 144 MB as the rows read,
	// once a 144 MB report. Each record is echoed cut.
	book := staffidtest.SharedStringBomb(300, 0, 32000)
	require.Less(t, len(book), 8<<10)
	status, body := postUpload(t, server.URL, book, xlsx)
	require.Equal(t, http.StatusBadRequest, status, "%.300s", body)
	require.Less(t, len(body), 2<<20, "the report of 300 invalid rows")
	report := decodeReport(t, body)
	require.Len(t, report.InvalidRecords, 300)
	for _, r := range report.InvalidRecords {
		require.LessOrEqual(t, len(r.Record), 4096)
		require.Contains(t, string(r.Record), "…[cut]")
		require.Contains(t, r.Error, "…[cut], the format is d.m.Y", "the seed's date error, its value cut")
	}

	// Many invalid rows: the report stops at its cap and counts the rest.
	status, body = postUpload(t, server.URL, staffidtest.SharedStringBomb(3000, 0, 3000), xlsx)
	require.Equal(t, http.StatusBadRequest, status)
	require.LessOrEqual(t, len(body), reportCap)
	report = decodeReport(t, body)
	require.Positive(t, report.InvalidRecordsOmitted)
	require.Equal(t, 3000, len(report.InvalidRecords)+report.InvalidRecordsOmitted)

	// The workbook that killed the server: refused before it is read.
	status, body = postUpload(t, server.URL, staffidtest.SharedStringBomb(600, 0, 32000), xlsx)
	require.Equal(t, http.StatusRequestEntityTooLarge, status, "%.300s", body)
	require.Contains(t, decodeReport(t, body).ErrorMsg, "cells unpack to more than")

	// 4 million header cells: refused at once. Only the request is timed
	// (building the workbook takes seconds under -race).
	wide := staffidtest.WideSheet(4 << 20)
	start := time.Now()
	status, body = postUpload(t, server.URL, wide, xlsx)
	took := time.Since(start)
	require.Equal(t, http.StatusBadRequest, status)
	require.Contains(t, decodeReport(t, body).ErrorMsg, "more than 16384 cells")
	t.Logf("4M header cells refused in %v", took)
	require.Less(t, took, 10*time.Second, "refused before excelize parses the rows (they took 28 s)")

	// The control-panel page: the same workbook, the page bounded too.
	status, page := postImportPage(t, server.URL, staffidtest.SharedStringBomb(3000, 0, 3000))
	require.Equal(t, http.StatusBadRequest, status)
	require.Less(t, len(page), 8<<20, "the page lists at most 1 MiB of records, escaped")
	require.Contains(t, page, "more are not")

	// The history keeps each refused upload, bounded.
	var history struct {
		Items []json.RawMessage `json:"items"`
	}
	resp := getWithToken(t, server.URL+"/api/staffid/imports?limit=10", testEngineToken, &history)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Len(t, history.Items, 5)
	for _, item := range history.Items {
		require.Less(t, len(item), 1<<20, "%.300s", item)
	}

	peak := peakMemory(t, server.cmd.Process.Pid)
	t.Logf("server's peak resident set: %d MiB", peak>>20)
	require.Less(t, peak, int64(maxServerMemory))
}

func postUpload(t *testing.T, base string, body []byte, contentType string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, base+"/api__airline_employee_upload", bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Authorization", "Bearer "+testImportToken)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	// Read at most a little past the cap: an unbounded answer fails here
	// instead of filling the test's memory.
	out, err := io.ReadAll(io.LimitReader(resp.Body, 4*reportCap))
	require.NoError(t, err)
	return resp.StatusCode, out
}

func postImportPage(t *testing.T, base string, file []byte) (int, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	require.NoError(t, mw.WriteField("token", testImportToken))
	fw, err := mw.CreateFormFile("file", "employees.xlsx")
	require.NoError(t, err)
	_, err = fw.Write(file)
	require.NoError(t, err)
	require.NoError(t, mw.Close())
	resp, err := http.Post(base+"/settings__airline_staff_id_employee_import", mw.FormDataContentType(), &buf)
	require.NoError(t, err)
	defer resp.Body.Close()
	page, err := io.ReadAll(io.LimitReader(resp.Body, 4*reportCap))
	require.NoError(t, err)
	return resp.StatusCode, string(page)
}

func decodeReport(t *testing.T, body []byte) staffid.Report {
	t.Helper()
	var r staffid.Report
	require.NoError(t, json.Unmarshal(body, &r), "%.300s", body)
	return r
}

// peakMemory returns the peak resident set of process pid, in bytes.
func peakMemory(t *testing.T, pid int) int64 {
	t.Helper()
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	require.NoError(t, err)
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			require.NoError(t, err)
			return kb << 10
		}
	}
	t.Fatal("no VmHWM in /proc/pid/status")
	return 0
}
