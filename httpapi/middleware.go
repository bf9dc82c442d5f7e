package httpapi

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/locale"
)

type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the server's writer.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// LogRequests writes one structured log line per request: its ID
// ([RequestID]), method, path, status, bytes written, duration and the
// connection's address.
//
// secretPrefixes are routes whose path goes on with a bearer secret (a
// claim token printed on a voucher's QR code, say): the line keeps the
// prefix and shows the rest as "[redacted]", so that a log reader cannot
// use the secret. They are compared ignoring case, as a client may send
// them in either.
func LogRequests(logger *slog.Logger, next http.Handler, secretPrefixes ...string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		logger.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("request_id", RequestID(r.Context())),
			slog.String("method", r.Method),
			slog.String("path", loggedPath(r.URL.Path, secretPrefixes)),
			slog.Int("status", rec.status),
			slog.Int("bytes", rec.bytes),
			slog.Duration("duration", time.Since(start)),
			slog.String("remote", r.RemoteAddr),
		)
	})
}

// loggedPath returns path as the access log may show it.
func loggedPath(path string, secretPrefixes []string) string {
	for _, prefix := range secretPrefixes {
		if len(path) > len(prefix) && strings.EqualFold(path[:len(prefix)], prefix) {
			return path[:len(prefix)] + "[redacted]"
		}
	}
	return path
}

// Recover turns a handler's panic into a logged 500 with an [ErrorBody]
// instead of a dropped connection. http.ErrAbortHandler, which a handler
// panics with to abort on purpose, goes on up.
func Recover(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				logger.ErrorContext(r.Context(), "handler panicked", "request_id", RequestID(r.Context()), "panic", v)
				SetContentLanguage(w.Header(), locale.Request(r).String())
				WriteJSON(w, http.StatusInternalServerError, ErrorBody{Error: Text(r, "internal error"), RequestID: RequestID(r.Context())})
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// LimitBodies caps every request body at def bytes, or at the limit that
// limits gives the pattern of mux that the request goes to (an upload
// route takes more). A body declared larger is refused at once with 413
// ([TooLarge]); one that turns out larger fails its read with an
// *http.MaxBytesError, which [StatusOf] also answers 413.
func LimitBodies(mux *http.ServeMux, def int64, limits map[string]int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := def
		if _, pattern := mux.Handler(r); pattern != "" {
			if l, ok := limits[pattern]; ok {
				limit = l
			}
		}
		if r.ContentLength > limit {
			WriteError(w, r, nil, TooLarge(limit))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r)
	})
}

// ProtectCrossOrigin refuses, with 403, every state-changing request (any
// method but GET, HEAD and OPTIONS) that a browser sends on behalf of
// another site's page: a form or a script there cannot ride a session
// cookie (logging someone out, changing a booking), nor post a page's
// form. It is net/http's CrossOriginProtection: the browser's
// Sec-Fetch-Site header, or for browsers without it the Origin header
// against Host. An "Origin: null" (a sandboxed frame, a data: URL, some
// redirects) is refused: a page with no origin is not this server's.
//
// Requests that carry neither header are not a browser's: a booking
// engine, an upload script with a bearer token. They pass, and their token
// is what authorises them.
//
// Guarding a whole server rather than a list of routes guards a route
// added later with a cookie or a form without anyone remembering to.
// publicURLs are the addresses browsers reach the server at, trusted as
// origins: behind a proxy that does not pass the browser's Host on, the
// pages' forms still post. Empty and malformed ones are skipped.
func ProtectCrossOrigin(logger *slog.Logger, next http.Handler, publicURLs ...string) http.Handler {
	c := http.NewCrossOriginProtection()
	for _, public := range publicURLs {
		if u, err := url.Parse(public); err == nil && u.Scheme != "" && u.Host != "" {
			// Only the scheme and host make the origin.
			c.AddTrustedOrigin(u.Scheme + "://" + u.Host) //nolint:errcheck // well-formed by construction
		}
	}
	c.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if logger != nil {
			logger.WarnContext(r.Context(), "cross-origin request refused", "request_id", RequestID(r.Context()),
				"origin", r.Header.Get("Origin"), "sec_fetch_site", r.Header.Get("Sec-Fetch-Site"))
		}
		WriteError(w, r, logger, fmt.Errorf("this request was sent by another site's page; send it from this server's own pages, or without a browser: %w", bookingkit.ErrForbidden))
	}))
	return c.Handler(next)
}
