package staffidhttp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/httpapi"
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/staffid/staffidhttp"
	"github.com/bookingkit/bookingkit/staffid/staffidtest"
	"github.com/bookingkit/bookingkit/storage/memory"
)

// ?dry_run=true and the page's Preview button report who would change
// and write nothing (issue 17).
func TestImportDryRun(t *testing.T) {
	ctx := context.Background()
	stores := memory.New().Stores()
	importer, err := staffid.NewImporter(staffid.Config{}, stores.StaffID)
	require.NoError(t, err)
	records := staffidtest.GenerateRecords(10, 1)
	_, err = importer.Import(ctx, bytes.NewReader(staffidtest.MarshalList(records)), staffid.FormatJSON, staffid.ImportOptions{})
	require.NoError(t, err)
	tok := staffidhttp.NewImportToken("t")
	h, err := staffidhttp.NewImportHandler(importer, staffidhttp.ImportOptions{Auth: tok, FormAuth: tok})
	require.NoError(t, err)
	mux := http.NewServeMux()
	httpapi.Mount(mux, append(h.Routes(), h.HistoryRoutes()...))
	history := func() int {
		page, err := importer.History(ctx, staffid.HistoryQuery{Limit: 100})
		require.NoError(t, err)
		return len(page.Items)
	}
	before := history()

	// The API: one person fewer, as a preview.
	r := httptest.NewRequest("POST", "/api__airline_employee_upload?dry_run=true", bytes.NewReader(staffidtest.MarshalList(records[:len(records)-1])))
	r.Header.Set("Authorization", "Bearer t")
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, r)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	var report staffid.Report
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &report))
	require.Equal(t, 1, report.Blocked)
	require.Len(t, report.Changes.Blocked, 1)
	require.NotEmpty(t, report.Changes.Blocked[0].Name)
	require.Equal(t, before, history(), "nothing recorded")

	r = httptest.NewRequest("POST", "/api__airline_employee_upload?dry_run=maybe", bytes.NewReader(staffidtest.MarshalList(records)))
	r.Header.Set("Authorization", "Bearer t")
	w = httptest.NewRecorder()
	mux.ServeHTTP(w, r)
	require.Equal(t, http.StatusBadRequest, w.Code)

	// The page's Preview button.
	book, err := staffidtest.XLSX(records[:len(records)-1])
	require.NoError(t, err)
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	require.NoError(t, mw.WriteField("token", "t"))
	require.NoError(t, mw.WriteField("dry_run", "on"))
	fw, err := mw.CreateFormFile("file", "list.xlsx")
	require.NoError(t, err)
	_, err = fw.Write(book)
	require.NoError(t, err)
	require.NoError(t, mw.Close())
	r = httptest.NewRequest("POST", "/settings__airline_staff_id_employee_import", &body)
	r.Header.Set("Content-Type", mw.FormDataContentType())
	w = httptest.NewRecorder()
	mux.ServeHTTP(w, r)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	page := w.Body.String()
	require.Contains(t, page, "Preview: this list would be imported")
	require.Contains(t, page, "<td>blocked</td><td>"+report.Changes.Blocked[0].Name)
	require.Equal(t, before, history(), "nothing recorded")
}
