package main

import (
	"cmp"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/httpapi"
)

// protectCrossOrigin refuses every state-changing request (any method but
// GET, HEAD and OPTIONS) that a browser sends on behalf of another site's
// page: a form or a script there cannot ride the session cookie of the
// partner or staff pages (logging someone out, changing a booking), nor
// post the import page's form. It is net/http's CrossOriginProtection:
// the browser's Sec-Fetch-Site header, or for browsers without it the
// Origin header against Host. An "Origin: null" (a sandboxed frame, a
// data: URL, some redirects) is refused: a page with no origin is not
// this server's.
//
// Requests that carry neither header are not a browser's: the booking
// engine, the airline's upload, scripts with a bearer token. They pass, and
// their token is what authorises them.
//
// It guards the whole server rather than a list of routes, so that a route
// added later with a cookie or a form is guarded without anyone
// remembering to. The public addresses (BOOKINGKIT_PUBLIC_URL,
// partner.base_url) are trusted origins: behind a proxy that does not pass
// the browser's Host on, their pages' forms still post.
func protectCrossOrigin(logger *slog.Logger, cfg Config, next http.Handler) http.Handler {
	c := http.NewCrossOriginProtection()
	for _, public := range []string{cfg.PublicURL, cmp.Or(cfg.File.Partner.BaseURL, cfg.PublicURL)} {
		if u, err := url.Parse(public); err == nil && u.Scheme != "" && u.Host != "" {
			// The modules have refused a malformed address at start;
			// only its scheme and host make the origin.
			c.AddTrustedOrigin(u.Scheme + "://" + u.Host) //nolint:errcheck // well-formed by construction
		}
	}
	c.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if logger != nil {
			logger.WarnContext(r.Context(), "cross-origin request refused", "request_id", httpapi.RequestID(r.Context()),
				"origin", r.Header.Get("Origin"), "sec_fetch_site", r.Header.Get("Sec-Fetch-Site"))
		}
		httpapi.WriteError(w, r, logger, fmt.Errorf("this request was sent by another site's page; send it from this server's own pages, or without a browser: %w", bookingkit.ErrForbidden))
	}))
	return c.Handler(next)
}
