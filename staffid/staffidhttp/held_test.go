package staffidhttp_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/httpapi"
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/staffid/staffidhttp"
	"github.com/bookingkit/bookingkit/storage/memory"
)

// The held list's routes are there only when the importer holds lists;
// they answer as the upload is authenticated, and the page's form needs
// the token (issue 17).
func TestHeldRoutes(t *testing.T) {
	stores := memory.New().Stores()
	importer, err := staffid.NewImporter(staffid.Config{}, stores.StaffID)
	require.NoError(t, err)
	tok := staffidhttp.NewImportToken("t")
	patterns := func(h *staffidhttp.ImportHandler) []string {
		var out []string
		for _, r := range h.Routes() {
			out = append(out, r.Pattern)
		}
		return out
	}
	h, err := staffidhttp.NewImportHandler(importer, staffidhttp.ImportOptions{Auth: tok, FormAuth: tok})
	require.NoError(t, err)
	require.NotContains(t, patterns(h), "GET /api/staffid/held", "an importer that holds nothing has no held list")

	importer.HeldStore = stores.StaffIDHeld
	require.Subset(t, patterns(h), []string{
		"GET /api/staffid/held",
		"POST /api/staffid/held/{id}/approve",
		"POST /api/staffid/held/{id}/reject",
		"POST /settings__airline_staff_id_employee_import/held",
	})

	mux := http.NewServeMux()
	httpapi.Mount(mux, h.Routes())
	call := func(method, path, token string, form url.Values) *httptest.ResponseRecorder {
		var req *http.Request
		if form != nil {
			req = httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		} else {
			req = httptest.NewRequest(method, path, nil)
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, req)
		return w
	}
	require.Equal(t, http.StatusUnauthorized, call("GET", "/api/staffid/held", "", nil).Code)
	w := call("GET", "/api/staffid/held", "t", nil)
	require.Equal(t, http.StatusNotFound, w.Code)
	require.Contains(t, w.Body.String(), "no employee list is held")
	require.Equal(t, http.StatusBadRequest, call("POST", "/api/staffid/held/x/approve", "t", nil).Code)
	require.Equal(t, http.StatusNotFound, call("POST", "/api/staffid/held/7/reject", "t", nil).Code)

	page := call("POST", "/settings__airline_staff_id_employee_import/held", "", url.Values{"token": {"wrong"}, "action": {"show"}})
	require.Equal(t, http.StatusUnauthorized, page.Code)
	page = call("POST", "/settings__airline_staff_id_employee_import/held", "", url.Values{"token": {"t"}, "action": {"dance"}})
	require.Equal(t, http.StatusBadRequest, page.Code)
	page = call("POST", "/settings__airline_staff_id_employee_import/held", "", url.Values{"token": {"t"}, "action": {"approve"}, "id": {fmt.Sprint(7)}})
	require.Equal(t, http.StatusNotFound, page.Code)
	require.Contains(t, page.Body.String(), "held list 7 is not held")
}
