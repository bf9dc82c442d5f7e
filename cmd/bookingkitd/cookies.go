package main

import (
	"net/http"
	"net/url"
)

// sessionCookie is the one way the server's pages keep a session in a
// browser (the partner pages, the staff set-password page): HttpOnly,
// SameSite=Strict, scoped to the module's path, and Secure whenever the
// browser reaches the server over HTTPS.
//
// Behind a TLS-terminating proxy the request arrives over plain HTTP
// (r.TLS is nil) although the browser speaks HTTPS: the configured public
// address (BOOKINGKIT_PUBLIC_URL, or a module's own base URL) is what says
// so. Without Secure, the browser would also send the session over plain
// HTTP to the same host, where anyone on the path can read it.
type sessionCookie struct {
	name string
	path string
	// https is set when the public address the module's links point at
	// is an https:// one.
	https bool
}

// newSessionCookie returns the session cookie name, scoped to path, for a
// module whose browsers reach it at publicURL (empty: not configured).
func newSessionCookie(name, path, publicURL string) sessionCookie {
	u, err := url.Parse(publicURL)
	return sessionCookie{name: name, path: path, https: err == nil && u.Scheme == "https"}
}

// secure reports whether the cookie of r's answer is marked Secure.
func (c sessionCookie) secure(r *http.Request) bool { return c.https || r.TLS != nil }

// set gives the browser the session token.
func (c sessionCookie) set(w http.ResponseWriter, r *http.Request, token string) {
	http.SetCookie(w, &http.Cookie{Name: c.name, Value: token, Path: c.path, HttpOnly: true, Secure: c.secure(r), SameSite: http.SameSiteStrictMode})
}

// clear makes the browser forget the session.
func (c sessionCookie) clear(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: c.name, Value: "", Path: c.path, MaxAge: -1, HttpOnly: true, Secure: c.secure(r), SameSite: http.SameSiteStrictMode})
}

// value returns the session token r's cookie carries, "" without one.
func (c sessionCookie) value(r *http.Request) string {
	if ck, err := r.Cookie(c.name); err == nil {
		return ck.Value
	}
	return ""
}
