package staffidhttp_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/httpapi"
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/staffid/staffidhttp"
	"github.com/bookingkit/bookingkit/storage/memory"
)

func TestParseImportAllowList(t *testing.T) {
	l, err := staffidhttp.ParseImportAllowList([]string{"203.0.113.7", "10.1.0.0/16", "::ffff:192.0.2.1", "2001:db8::/32"})
	require.NoError(t, err)
	for _, c := range []struct {
		remote string
		ok     bool
	}{
		{"203.0.113.7:5000", true},
		{"203.0.113.8:5000", false},
		{"10.1.200.3:1", true},
		{"10.2.0.1:1", false},
		{"192.0.2.1:80", true},
		{"[::ffff:203.0.113.7]:80", true},
		{"[2001:db8:1::5]:443", true},
		{"[2001:db9::5]:443", false},
		{"garbage", false},
	} {
		r := &http.Request{RemoteAddr: c.remote}
		err := l.CheckAddress(r)
		require.Equal(t, c.ok, err == nil, c.remote)
		if err != nil {
			require.ErrorIs(t, err, bookingkit.ErrForbidden)
		}
	}
	var empty staffidhttp.ImportAllowList
	require.NoError(t, empty.CheckAddress(&http.Request{RemoteAddr: "198.51.100.1:1"}), "an empty list allows any address")

	for _, bad := range []string{"not-an-address", "10.0.0.0/33", ""} {
		_, err := staffidhttp.ParseImportAllowList([]string{bad})
		require.ErrorIs(t, err, bookingkit.ErrInvalid, bad)
		require.ErrorContains(t, err, "import_allow_list", bad)
	}
}

func TestImportToken(t *testing.T) {
	sum := sha256.Sum256([]byte("s3cret"))
	fromHash, err := staffidhttp.ImportTokenHash(hex.EncodeToString(sum[:]))
	require.NoError(t, err)
	bearer := func(v string) *http.Request {
		r := httptest.NewRequest(http.MethodPost, "/", nil)
		if v != "" {
			r.Header.Set("Authorization", "Bearer "+v)
		}
		return r
	}
	upload := func(tok staffidhttp.ImportToken, r *http.Request) error {
		_, err := tok.AuthorizeUpload(r)
		return err
	}
	form := func(tok staffidhttp.ImportToken, typed string) error {
		_, err := tok.AuthorizeForm(bearer(""), typed)
		return err
	}
	for _, tok := range []staffidhttp.ImportToken{staffidhttp.NewImportToken("s3cret"), fromHash} {
		actor, err := tok.AuthorizeUpload(bearer("s3cret"))
		require.NoError(t, err)
		require.Equal(t, "import token from 192.0.2.1:1234", actor, "the history names the door and the address")
		require.EqualError(t, upload(tok, bearer("")), "missing bearer token (Authorization: Bearer <import token>): unauthorized")
		require.EqualError(t, upload(tok, bearer("s3cre")), "wrong import token: unauthorized")
		actor, err = tok.AuthorizeForm(bearer(""), " s3cret\n")
		require.NoError(t, err, "spaces around a typed token are ignored")
		require.Equal(t, "control panel from 192.0.2.1:1234", actor)
		for _, typed := range []string{"", "  ", "S3CRET"} {
			require.EqualError(t, form(tok, typed), "wrong import token: unauthorized", typed)
		}
	}
	var zero staffidhttp.ImportToken
	require.ErrorIs(t, upload(zero, bearer("x")), bookingkit.ErrUnauthorized, "the zero token accepts nothing")
	require.Error(t, form(zero, "x"))
	for _, bad := range []string{"", "s3cret", strings.Repeat("g", 64), hex.EncodeToString(sum[:31])} {
		_, err := staffidhttp.ImportTokenHash(bad)
		require.Error(t, err, bad)
	}
}

func TestNewImportHandler(t *testing.T) {
	importer, err := staffid.NewImporter(staffid.Config{}, memory.New().Stores().StaffID)
	require.NoError(t, err)
	_, err = staffidhttp.NewImportHandler(importer, staffidhttp.ImportOptions{})
	require.Error(t, err, "no authentication")
	_, err = staffidhttp.NewImportHandler(nil, staffidhttp.ImportOptions{Auth: staffidhttp.NewImportToken("t")})
	require.Error(t, err, "no importer")
	_, err = staffidhttp.NewImportHandler(importer, staffidhttp.ImportOptions{Auth: staffidhttp.NewImportToken("t"), MaxUploadBytes: -1})
	require.ErrorIs(t, err, bookingkit.ErrInvalid)

	// Without a check of the page's form there is no page.
	h, err := staffidhttp.NewImportHandler(importer, staffidhttp.ImportOptions{Auth: staffidhttp.NewImportToken("t")})
	require.NoError(t, err)
	require.Empty(t, h.PageRoutes())
	require.Len(t, h.Routes(), 1, "the upload alone")

	tok := staffidhttp.NewImportToken("t")
	h, err = staffidhttp.NewImportHandler(importer, staffidhttp.ImportOptions{Auth: tok, FormAuth: tok})
	require.NoError(t, err)
	var got []string
	for _, r := range append(h.Routes(), h.HistoryRoutes()...) {
		got = append(got, fmt.Sprintf("%s %d", r.Pattern, r.MaxBody))
	}
	require.Equal(t, []string{
		"POST /api__airline_employee_upload 67108864",
		"GET /settings__airline_staff_id_employee_import 0",
		"POST /settings__airline_staff_id_employee_import 67108864",
		"POST /settings__airline_staff_id_employee_import/changes 0",
		"GET /api/staffid/imports 0",
		"GET /api/staffid/imports/{id} 0",
		"GET /api/staffid/imports/{id}/changes 0",
	}, got)
}

// engineAuth is an engine's own sign-in for the upload: a header its
// gateway sets, and a form token of its own. It names who uploads, and the
// history keeps those names.
type engineAuth struct{}

func (engineAuth) AuthorizeUpload(r *http.Request) (string, error) {
	if r.Header.Get("X-Engine-User") != "hr-robot" {
		return "", fmt.Errorf("not the HR robot: %w", bookingkit.ErrUnauthorized)
	}
	return "the engine's HR robot", nil
}

func (engineAuth) AuthorizeForm(r *http.Request, token string) (string, error) {
	if token != "one-time-code" {
		return "", fmt.Errorf("wrong code: %w", bookingkit.ErrUnauthorized)
	}
	return "a manager with a one-time code", nil
}

// engineAddresses lets in one address.
type engineAddresses string

func (a engineAddresses) CheckAddress(r *http.Request) error {
	if httpapi.ClientAddress(r) != string(a) {
		return fmt.Errorf("not from %s: %w", string(a), bookingkit.ErrForbidden)
	}
	return nil
}

const twoPeople = `[
  {"LastName": "Lennon", "FirstName": "John", "LastNameEng": "Lennon", "FirstNameEng": "John",
   "BirthDay": "09.10.1940", "Sex": "M", "DateOfEmployment": "01.06.1962", "EmployeeID": 7,
   "IsEmployee": 1, "CategoryCode": 5},
  {"LastName": "Ono", "FirstName": "Yoko", "LastNameEng": "Ono", "FirstNameEng": "Yoko",
   "BirthDay": "18.02.1933", "Sex": "F", "EmployeeID": 7, "IsEmployee": 0, "CategoryCode": 1}
]`

// An engine replaces both checks with its own, and its history routes
// with its own authentication around them; the doors answer as the
// reference server's do.
func TestImportHandlerWithTheEnginesAuthentication(t *testing.T) {
	store := memory.New().Stores().StaffID
	importer, err := staffid.NewImporter(staffid.Config{}, store)
	require.NoError(t, err)
	h, err := staffidhttp.NewImportHandler(importer, staffidhttp.ImportOptions{
		Auth: engineAuth{}, FormAuth: engineAuth{}, Addresses: engineAddresses("192.0.2.1"), MaxUploadBytes: 4096, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	routes := httpapi.WithPrefix("/staff-travel", append(h.Routes(), h.HistoryRoutes()...))
	mux := http.NewServeMux()
	httpapi.Mount(mux, routes)
	server := httpapi.LimitBodies(mux, 1<<10, httpapi.BodyLimits(routes), mux)

	do := func(method, path, from, contentType string, header http.Header, body []byte) (int, string) {
		t.Helper()
		r := httptest.NewRequest(method, "/staff-travel"+path, bytes.NewReader(body))
		r.RemoteAddr = from + ":4000"
		for k, v := range header {
			r.Header[k] = v
		}
		if contentType != "" {
			r.Header.Set("Content-Type", contentType)
		}
		w := httptest.NewRecorder()
		server.ServeHTTP(w, r)
		return w.Code, w.Body.String()
	}
	robot := http.Header{"X-Engine-User": {"hr-robot"}}

	status, body := do("POST", "/api__airline_employee_upload", "203.0.113.9", "application/json", robot, []byte(twoPeople))
	require.Equal(t, http.StatusForbidden, status, body)
	require.Contains(t, body, "not from 192.0.2.1")
	status, body = do("POST", "/api__airline_employee_upload", "192.0.2.1", "application/json", http.Header{"Authorization": {"Bearer t"}}, []byte(twoPeople))
	require.Equal(t, http.StatusUnauthorized, status, body)
	require.Contains(t, body, "not the HR robot")
	status, body = do("POST", "/api__airline_employee_upload", "192.0.2.1", "application/json", robot, bytes.Repeat([]byte(" "), 5000))
	require.Equal(t, http.StatusRequestEntityTooLarge, status, body)
	require.Contains(t, body, "limit of 4096 bytes")
	status, body = do("POST", "/api__airline_employee_upload", "192.0.2.1", "text/csv", robot, []byte("LastName\n"))
	require.Equal(t, http.StatusUnsupportedMediaType, status, body)
	require.True(t, strings.HasPrefix(body, `{"status":"Error","error_msg":"unsupported format`), body)
	status, body = do("POST", "/api__airline_employee_upload", "192.0.2.1", "application/json", robot, []byte(`[]`))
	require.Equal(t, http.StatusBadRequest, status, body)
	require.Contains(t, body, "(to import it anyway, send it again with ?force=true)")
	status, body = do("POST", "/api__airline_employee_upload?force=yes", "192.0.2.1", "application/json", robot, []byte(twoPeople))
	require.Equal(t, http.StatusBadRequest, status, body)
	status, body = do("POST", "/api__airline_employee_upload", "192.0.2.1", "application/json", robot, []byte(twoPeople))
	require.Equal(t, http.StatusOK, status, body)
	require.Contains(t, body, `"created":2`)

	// The page: behind the address check, with the engine's form check.
	status, _ = do("GET", "/settings__airline_staff_id_employee_import", "203.0.113.9", "", nil, nil)
	require.Equal(t, http.StatusForbidden, status)
	status, page := do("GET", "/settings__airline_staff_id_employee_import", "192.0.2.1", "", nil, nil)
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, page, `name="token"`)
	form := func(token string) (string, []byte) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		require.NoError(t, mw.WriteField("token", token))
		fw, err := mw.CreateFormFile("file", "employees.json")
		require.NoError(t, err)
		fw.Write([]byte(twoPeople))
		require.NoError(t, mw.Close())
		return mw.FormDataContentType(), buf.Bytes()
	}
	ct, b := form("t")
	status, page = do("POST", "/settings__airline_staff_id_employee_import", "192.0.2.1", ct, nil, b)
	require.Equal(t, http.StatusUnauthorized, status)
	require.Contains(t, page, "wrong code")
	ct, b = form("one-time-code")
	status, page = do("POST", "/settings__airline_staff_id_employee_import", "192.0.2.1", ct, nil, b)
	require.Equal(t, http.StatusOK, status, page)
	require.Contains(t, page, "Imported")

	// The history: every upload past both checks, the page's as manual.
	status, body = do("GET", "/api/staffid/imports?limit=2", "203.0.113.9", "", nil, nil)
	require.Equal(t, http.StatusOK, status, "the engine's to protect: %s", body)
	var first staffidhttp.ImportHistoryPage
	require.NoError(t, json.Unmarshal([]byte(body), &first))
	require.Len(t, first.Items, 2)
	require.Equal(t, staffid.SourceManual, first.Items[0].Source)
	require.Equal(t, "a manager with a one-time code", first.Items[0].Actor, "the engine's check names who uploaded")
	require.NotEmpty(t, first.Next)
	status, body = do("GET", "/api/staffid/imports?before="+first.Next, "192.0.2.1", "", nil, nil)
	require.Equal(t, http.StatusOK, status, body)
	var rest staffidhttp.ImportHistoryPage
	require.NoError(t, json.Unmarshal([]byte(body), &rest))
	require.Len(t, rest.Items, 2, "the refused format and the empty list")
	require.Empty(t, rest.Next)
	require.Equal(t, "the engine's HR robot", rest.Items[1].Actor)
	status, body = do("GET", fmt.Sprintf("/api/staffid/imports/%d", rest.Items[1].ID), "192.0.2.1", "", nil, nil)
	require.Equal(t, http.StatusOK, status, body)
	require.Contains(t, body, "unsupported format")
	for path, want := range map[string]int{"/api/staffid/imports/99": 404, "/api/staffid/imports/0": 400, "/api/staffid/imports?limit=1001": 400, "/api/staffid/imports?before=x": 400} {
		status, body = do("GET", path, "192.0.2.1", "", nil, nil)
		require.Equal(t, want, status, "%s: %s", path, body)
	}
}

// An import that fails for a reason of the server's (here the store) is a
// 500 without its text, on both doors.
func TestImportHandlerFailingStore(t *testing.T) {
	importer, err := staffid.NewImporter(staffid.Config{}, failingStore{memory.New().Stores().StaffID})
	require.NoError(t, err)
	h, err := staffidhttp.NewImportHandler(importer, staffidhttp.ImportOptions{Auth: staffidhttp.NewImportToken("t"), Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	mux := http.NewServeMux()
	httpapi.Mount(mux, h.Routes())
	r := httptest.NewRequest("POST", "/api__airline_employee_upload", strings.NewReader(twoPeople))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Authorization", "Bearer t")
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, r)
	require.Equal(t, http.StatusInternalServerError, w.Code)
	require.NotContains(t, w.Body.String(), "disk")
}

type failingStore struct{ staffid.Store }

func (failingStore) ApplyImport(_ context.Context, _ func([]staffid.PersonState) (*staffid.Plan, error)) (staffid.HistoryEntry, error) {
	return staffid.HistoryEntry{}, errors.New("disk on fire")
}
