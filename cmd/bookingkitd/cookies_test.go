package main

import (
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/internal/smtptest"
)

// sessionCookieOf returns the cookie name that resp sets, failing the test
// when it sets none.
func sessionCookieOf(t *testing.T, resp *http.Response, name string) *http.Cookie {
	t.Helper()
	for _, c := range resp.Cookies() {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no %s cookie in %q", name, resp.Header.Values("Set-Cookie"))
	return nil
}

// postForm posts form to url as a browser's form on the same site does
// (no Origin, as from a same-origin page in an older browser), without
// following the redirect, and sends cookie when it is not nil.
func postForm(t *testing.T, rawURL string, form url.Values, cookie *http.Cookie) *http.Response {
	t.Helper()
	req, err := http.NewRequest("POST", rawURL, strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if cookie != nil {
		req.AddCookie(&http.Cookie{Name: cookie.Name, Value: cookie.Value})
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	require.NoError(t, err)
	io.Copy(io.Discard, resp.Body) //nolint:errcheck // only the headers matter
	resp.Body.Close()
	return resp
}

// Attack: behind a TLS-terminating proxy the server sees plain HTTP, so
// the partner pages' session cookie went out without Secure, and a
// browser would send it over plain http:// to the same host too. With an
// https:// public URL the cookie (set and cleared) is Secure; with an
// http:// one it cannot be (the browser would drop it).
func TestPartnerSessionCookieIsSecureBehindATLSProxy(t *testing.T) {
	for publicURL, wantSecure := range map[string]bool{"https://partners.example.com": true, "http://partners.example.com": false} {
		t.Run(publicURL, func(t *testing.T) {
			smtp := smtptest.Start(t)
			w := startPartnerWorldWith(t, filepath.Join(t.TempDir(), "bookingkit.db"), smtp, smtp.Addr,
				map[string]string{"BOOKINGKIT_PUBLIC_URL": publicURL})
			resp := postForm(t, w.ts.URL+"/partner/sign-in", url.Values{"email": {"root@vendor.example"}, "password": {"correct horse battery staple"}}, nil)
			require.Equal(t, http.StatusSeeOther, resp.StatusCode)
			c := sessionCookieOf(t, resp, partnerCookie)
			require.NotEmpty(t, c.Value)
			require.Equal(t, wantSecure, c.Secure, "Set-Cookie: %s", resp.Header.Get("Set-Cookie"))
			require.True(t, c.HttpOnly)

			resp = postForm(t, w.ts.URL+"/partner/sign-out", url.Values{}, c)
			require.Equal(t, http.StatusSeeOther, resp.StatusCode)
			cleared := sessionCookieOf(t, resp, partnerCookie)
			require.Negative(t, cleared.MaxAge)
			require.Equal(t, wantSecure, cleared.Secure, "the cookie that clears the session: %s", resp.Header.Get("Set-Cookie"))
		})
	}
}

// The staff set-password page's cookie, with BOOKINGKIT_PUBLIC_URL
// https://staff.airline.test (startStaff), is Secure too, and so is the
// one logout sends to clear it.
func TestStaffSessionCookieIsSecureBehindATLSProxy(t *testing.T) {
	e := startStaff(t, "memory:", nil)
	e.upload(staffTestList)
	e.call("POST", "/api/staff/register", nil, staffLennonForm, http.StatusAccepted, nil)
	token := staffToken(e.mailedLink("it@websky.tech"))
	resp := postForm(t, e.ts.URL+"/api/staff/password", url.Values{"token": {token}, "password": {"yellow submarine 1966"}, "confirm": {"yellow submarine 1966"}}, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	c := sessionCookieOf(t, resp, staffCookie)
	require.True(t, c.Secure, "Set-Cookie: %s", resp.Header.Get("Set-Cookie"))

	req, err := http.NewRequest("POST", e.ts.URL+"/api/staff/logout", nil)
	require.NoError(t, err)
	req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusNoContent, resp.StatusCode)
	cleared := sessionCookieOf(t, resp, staffCookie)
	require.True(t, cleared.Secure, "Set-Cookie: %s", resp.Header.Get("Set-Cookie"))
}
