package httpapi

import (
	"net/http"
	"net/url"
)

// SessionCookie is the one way a server's pages keep a session in a
// browser: HttpOnly, SameSite=Strict, scoped to the module's path, and
// Secure whenever the browser reaches the server over HTTPS.
//
// Behind a TLS-terminating proxy the request arrives over plain HTTP
// (r.TLS is nil) although the browser speaks HTTPS: the configured public
// address is what says so. Without Secure, the browser would also send the
// session over plain HTTP to the same host, where anyone on the path can
// read it.
type SessionCookie struct {
	name string
	path string
	// https is set when the public address the module's links point at
	// is an https:// one.
	https bool
}

// NewSessionCookie returns the session cookie name, scoped to path, for a
// module whose browsers reach it at publicURL (empty: not configured).
func NewSessionCookie(name, path, publicURL string) SessionCookie {
	u, err := url.Parse(publicURL)
	return SessionCookie{name: name, path: path, https: err == nil && u.Scheme == "https"}
}

// secure reports whether the cookie of r's answer is marked Secure.
func (c SessionCookie) secure(r *http.Request) bool { return c.https || r.TLS != nil }

// Set gives the browser the session token.
func (c SessionCookie) Set(w http.ResponseWriter, r *http.Request, token string) {
	http.SetCookie(w, &http.Cookie{Name: c.name, Value: token, Path: c.path, HttpOnly: true, Secure: c.secure(r), SameSite: http.SameSiteStrictMode})
}

// Clear makes the browser forget the session.
func (c SessionCookie) Clear(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: c.name, Value: "", Path: c.path, MaxAge: -1, HttpOnly: true, Secure: c.secure(r), SameSite: http.SameSiteStrictMode})
}

// Value returns the session token r's cookie carries, "" without one.
func (c SessionCookie) Value(r *http.Request) string {
	if ck, err := r.Cookie(c.name); err == nil {
		return ck.Value
	}
	return ""
}
