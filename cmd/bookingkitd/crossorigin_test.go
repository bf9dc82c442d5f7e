package main

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// browserPost sends body to url as a browser does: with the Origin and
// Sec-Fetch-Site headers given (empty: not sent) and the cookie.
func browserPost(t *testing.T, rawURL, contentType string, body io.Reader, origin, fetchSite string, cookie *http.Cookie) (int, string) {
	t.Helper()
	req, err := http.NewRequest("POST", rawURL, body)
	require.NoError(t, err)
	req.Header.Set("Content-Type", contentType)
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	if fetchSite != "" {
		req.Header.Set("Sec-Fetch-Site", fetchSite)
	}
	if cookie != nil {
		req.AddCookie(&http.Cookie{Name: cookie.Name, Value: cookie.Value})
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(out)
}

// Attack: another site's page posts a form to the staff logout with the
// employee's cookie (logout CSRF), and to the cabinet. Refused whether the
// browser says so with Sec-Fetch-Site or only with Origin; the session
// still works. The server's own pages (same origin, or the public address
// a proxy serves them at) and non-browser clients with a bearer token
// still get through.
func TestStaffCookieRoutesRefuseCrossSiteForms(t *testing.T) {
	e := startStaff(t, "memory:", nil)
	e.upload(staffTestList)
	e.call("POST", "/api/staff/register", nil, staffLennonForm, http.StatusAccepted, nil)
	token := staffToken(e.mailedLink("it@websky.tech"))
	resp := postForm(t, e.ts.URL+"/api/staff/password", url.Values{"token": {token}, "password": {"yellow submarine 1966"}, "confirm": {"yellow submarine 1966"}}, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	cookie := sessionCookieOf(t, resp, staffCookie)
	withCookie := http.Header{"Cookie": {cookie.Name + "=" + cookie.Value}}
	const form = "application/x-www-form-urlencoded"

	for _, attack := range []struct{ name, origin, fetchSite string }{
		{"Sec-Fetch-Site cross-site", "", "cross-site"},
		{"Sec-Fetch-Site same-site", "", "same-site"},
		{"Origin of another site", "https://evil.example", ""},
		{"Origin null", "null", ""},
		{"both", "https://evil.example", "cross-site"},
	} {
		status, body := browserPost(t, e.ts.URL+"/api/staff/logout", form, strings.NewReader(""), attack.origin, attack.fetchSite, cookie)
		require.Equal(t, http.StatusForbidden, status, "%s: logout: %s", attack.name, body)
		require.Contains(t, body, "another site")
		status, body = browserPost(t, e.ts.URL+"/api/staff/bookings", "text/plain", strings.NewReader(`{"flight":"x"}`), attack.origin, attack.fetchSite, cookie)
		require.Equal(t, http.StatusForbidden, status, "%s: booking: %s", attack.name, body)
		e.call("GET", "/api/staff/me", withCookie, nil, http.StatusOK, nil)
	}

	// The server's own page (Sec-Fetch-Site same-origin; or, from an older
	// browser, Origin of this host or of the public address) logs out.
	status, body := browserPost(t, e.ts.URL+"/api/staff/logout", form, strings.NewReader(""), "https://staff.airline.test", "", cookie)
	require.Equal(t, http.StatusNoContent, status, "from the public address (BOOKINGKIT_PUBLIC_URL) behind a proxy: %s", body)
	e.call("GET", "/api/staff/me", withCookie, nil, http.StatusUnauthorized, nil)

	var s staffSessionT
	e.call("POST", "/api/staff/login", nil, map[string]string{"email": "it@websky.tech", "password": "yellow submarine 1966"}, http.StatusOK, &s)
	sameOrigin := &http.Cookie{Name: staffCookie, Value: s.SessionToken}
	status, body = browserPost(t, e.ts.URL+"/api/staff/logout", form, strings.NewReader(""), e.ts.URL, "same-origin", sameOrigin)
	require.Equal(t, http.StatusNoContent, status, body)

	// A script with a bearer token and no browser headers.
	e.call("POST", "/api/staff/login", nil, map[string]string{"email": "it@websky.tech", "password": "yellow submarine 1966"}, http.StatusOK, &s)
	e.call("POST", "/api/staff/logout", staffAuth(s.SessionToken), nil, http.StatusNoContent, nil)
	e.call("GET", "/api/staff/me", staffAuth(s.SessionToken), nil, http.StatusUnauthorized, nil)
}

// Attack: the import page's form posted from a page without an origin
// ("Origin: null": a sandboxed frame, a data: URL) went through the old
// hand-written check. Now refused, like any cross-site post, even with the
// right token; the manager's own post and the airline's upload work.
func TestImportPageRefusesCrossSiteAndNullOrigin(t *testing.T) {
	e := startImportServer(t, filepath.Join(t.TempDir(), "bookingkit.db"), "")
	pageURL := e.ts.URL + "/settings__airline_staff_id_employee_import"
	workbook := xlsxOf(t, seedRecords(t))
	post := func(origin, fetchSite string) (int, string) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		require.NoError(t, mw.WriteField("token", testImportToken))
		fw, err := mw.CreateFormFile("file", "employees.xlsx")
		require.NoError(t, err)
		_, err = fw.Write(workbook)
		require.NoError(t, err)
		require.NoError(t, mw.Close())
		return browserPost(t, pageURL, mw.FormDataContentType(), &buf, origin, fetchSite, nil)
	}
	for _, attack := range []struct{ name, origin, fetchSite string }{
		{"Origin null", "null", ""},
		{"Origin of another site", "https://evil.example", ""},
		{"Sec-Fetch-Site cross-site", "", "cross-site"},
		{"Sec-Fetch-Site cross-site with this Origin", e.ts.URL, "cross-site"},
	} {
		status, body := post(attack.origin, attack.fetchSite)
		require.Equal(t, http.StatusForbidden, status, "%s: %s", attack.name, body)
		require.Empty(t, e.people(t), attack.name)
	}
	status, body := post(e.ts.URL, "same-origin")
	require.Equal(t, http.StatusOK, status, body)
	require.Len(t, e.people(t), 5)
	status, body = post("", "")
	require.Equal(t, http.StatusOK, status, "a client that is not a browser: %s", body)
	code, report := e.uploadJSON(t, seedRecords(t), "")
	require.Equal(t, http.StatusOK, code, "the airline's upload: %+v", report)
}

// The partner pages' forms: sign-in from another site's page is refused
// (login CSRF would sign the victim into the attacker's account), and so
// is sign-out; the pages' own posts work.
func TestPartnerPagesRefuseCrossSiteForms(t *testing.T) {
	w := startPartnerWorld(t, filepath.Join(t.TempDir(), "bookingkit.db"))
	signIn := url.Values{"email": {"root@vendor.example"}, "password": {"correct horse battery staple"}}.Encode()
	const form = "application/x-www-form-urlencoded"
	status, body := browserPost(t, w.ts.URL+"/partner/sign-in", form, strings.NewReader(signIn), "", "cross-site", nil)
	require.Equal(t, http.StatusForbidden, status, body)
	status, body = browserPost(t, w.ts.URL+"/partner/sign-in", form, strings.NewReader(signIn), "null", "", nil)
	require.Equal(t, http.StatusForbidden, status, body)

	resp := postForm(t, w.ts.URL+"/partner/sign-in", url.Values{"email": {"root@vendor.example"}, "password": {"correct horse battery staple"}}, nil)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	cookie := sessionCookieOf(t, resp, partnerCookie)
	status, body = browserPost(t, w.ts.URL+"/partner/sign-out", form, strings.NewReader(""), "https://evil.example", "", cookie)
	require.Equal(t, http.StatusForbidden, status, body)
	status, _ = browserPost(t, w.ts.URL+"/partner/sign-out", form, strings.NewReader(""), w.ts.URL, "same-origin", cookie)
	require.Equal(t, http.StatusSeeOther, status)
}
