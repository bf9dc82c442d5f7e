package staffidhttp_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/bookingkit/bookingkit/httpapi"
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/staffid/staffidhttp"
	"github.com/bookingkit/bookingkit/staffid/staffidtest"
	"github.com/bookingkit/bookingkit/storage/memory"
)

// exportServer serves the export over store, which holds a list of 40
// people with an injected formula, 6 of them then blocked.
func exportServer(t *testing.T, store staffid.PeopleStore) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	httpapi.Mount(mux, staffidhttp.NewExportHandler(store, slog.New(slog.DiscardHandler)).Routes())
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func storedList(t *testing.T) (staffid.Store, *staffid.Importer, int) {
	t.Helper()
	store := memory.New().Stores().StaffID
	im, err := staffid.NewImporter(staffid.Config{}, store)
	require.NoError(t, err)
	records := staffidtest.GenerateRecords(40, 11)
	records[0].LastName = "=HYPERLINK(1)"
	_, err = im.Import(context.Background(), bytes.NewReader(staffidtest.MarshalList(records)), staffid.FormatJSON, staffid.ImportOptions{})
	require.NoError(t, err)
	var kept []staffidtest.Record
	blocked := 0
	for i, r := range records {
		if r.IsEmployee == 0 && i < 12 {
			blocked++
			continue
		}
		kept = append(kept, r)
	}
	_, err = im.Import(context.Background(), bytes.NewReader(staffidtest.MarshalList(kept)), staffid.FormatJSON, staffid.ImportOptions{Force: true})
	require.NoError(t, err)
	return store, im, blocked
}

func get(t *testing.T, url string) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, body
}

func TestExportOverHTTP(t *testing.T) {
	store, im, blocked := storedList(t)
	srv := exportServer(t, store)
	today := time.Now().UTC().Format(time.DateOnly)

	// CSV: a download, every person, the blocked ones marked, the
	// formula neutralised.
	resp, body := get(t, srv.URL+"/api/staffid/export?format=csv")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, "text/csv; charset=utf-8", resp.Header.Get("Content-Type"))
	require.Equal(t, `attachment; filename="staff-list-`+today+`.csv"`, resp.Header.Get("Content-Disposition"))
	rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 41)
	require.Equal(t, staffid.ExportColumns, rows[0])
	col := map[string]int{}
	for i, c := range rows[0] {
		col[c] = i
	}
	marked, formulas := 0, 0
	for _, row := range rows[1:] {
		if row[col["Blocked"]] == "1" {
			marked++
		}
		if row[col["LastName"]] == "'=HYPERLINK(1)" {
			formulas++
		}
	}
	require.Equal(t, blocked, marked)
	require.Equal(t, 1, formulas)

	// .xlsx: a workbook of the same rows.
	resp, body = get(t, srv.URL+"/api/staffid/export?format=xlsx")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, staffid.ContentTypeXLSX, resp.Header.Get("Content-Type"))
	require.Equal(t, `attachment; filename="staff-list-`+today+`.xlsx"`, resp.Header.Get("Content-Disposition"))
	f, err := excelize.OpenReader(bytes.NewReader(body))
	require.NoError(t, err)
	xrows, err := f.GetRows(f.GetSheetList()[0])
	f.Close()
	require.NoError(t, err)
	require.Len(t, xrows, 41)
	require.Equal(t, staffid.ExportColumns, xrows[0])
	formulas = 0
	for _, row := range xrows[1:] {
		if row[col["LastName"]] == "'=HYPERLINK(1)" {
			formulas++
		}
	}
	require.Equal(t, 1, formulas)

	// JSON of the active people: uploaded again, it changes nothing.
	resp, body = get(t, srv.URL+"/api/staffid/export?state=active")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, "application/json; charset=utf-8", resp.Header.Get("Content-Type"))
	require.Equal(t, `attachment; filename="staff-list-active-`+today+`.json"`, resp.Header.Get("Content-Disposition"))
	var active []map[string]any
	require.NoError(t, json.Unmarshal(body, &active))
	require.Len(t, active, 40-blocked)
	report, err := im.Import(context.Background(), bytes.NewReader(body), staffid.FormatJSON, staffid.ImportOptions{})
	require.NoError(t, err)
	require.Equal(t, staffid.SyncCounts{Unchanged: 40 - blocked}, *report.SyncCounts)

	for _, bad := range []string{"format=pdf", "state=gone"} {
		resp, body = get(t, srv.URL+"/api/staffid/export?"+bad)
		require.Equal(t, http.StatusBadRequest, resp.StatusCode, bad)
		require.Contains(t, string(body), strings.Split(bad, "=")[0], bad)
		require.Empty(t, resp.Header.Get("Content-Disposition"))
	}
}

// pagesThenFail answers its first page and fails on the next.
type pagesThenFail struct {
	staffid.PeopleStore
	calls int
}

func (s *pagesThenFail) People(ctx context.Context, q staffid.PeopleQuery) ([]staffid.Person, error) {
	if s.calls++; s.calls > 1 {
		return nil, errors.New("the database went away")
	}
	return s.PeopleStore.People(ctx, q)
}

// A store failing at the first page is answered 500; failing later, the
// download is aborted (the client's read fails) rather than ended as if
// whole.
func TestExportOverHTTPFails(t *testing.T) {
	store, _, _ := storedList(t)
	resp, body := get(t, exportServer(t, failingPeopleStore{store}).URL+"/api/staffid/export?format=csv")
	require.Equal(t, http.StatusInternalServerError, resp.StatusCode)
	require.NotContains(t, string(body), "database")

	resp, err := http.Get(exportServer(t, &pagesThenFail{PeopleStore: store}).URL + "/api/staffid/export?format=csv")
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	_, err = io.ReadAll(resp.Body)
	require.Error(t, err, "a cut export must not read as whole")
}

type failingPeopleStore struct{ staffid.PeopleStore }

func (failingPeopleStore) People(context.Context, staffid.PeopleQuery) ([]staffid.Person, error) {
	return nil, errors.New("the database went away")
}
