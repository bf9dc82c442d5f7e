package main

import (
	"cmp"
	"log/slog"
	"net/http"

	"github.com/bookingkit/bookingkit/httpapi"
	"github.com/bookingkit/bookingkit/locale"
)

// NewServer returns the reference server's handler: every route of
// routes.go behind request IDs, access logs, the request's language
// (package locale, with the config file's default_language), panic
// recovery, cross-origin protection and body limits (package httpapi).
func NewServer(logger *slog.Logger, cfg Config, svc *services) http.Handler {
	mux := http.NewServeMux()
	rs := routes(logger, cfg, svc)
	httpapi.Mount(mux, rs)
	// Instrument sits right on the mux, which writes the route's
	// pattern into the request it is given.
	h := svc.metrics.Instrument(mux)
	h = httpapi.LimitBodies(mux, cfg.MaxBodyBytes, httpapi.BodyLimits(rs), h)
	// The pages' forms and session cookies (partner pages, the staff
	// set-password page, the import page) are guarded server-wide; the
	// public addresses (BOOKINGKIT_PUBLIC_URL, partner.base_url) are the
	// origins their forms post from.
	h = httpapi.ProtectCrossOrigin(logger, h, cfg.PublicURL, cmp.Or(cfg.File.Partner.BaseURL, cfg.PublicURL))
	h = httpapi.Recover(logger, h)
	h = locale.Languages{Default: cfg.Language}.Middleware(h)
	// A MOGU claim token, printed on a voucher's QR code, is the last
	// segment of its claim route: the access log drops it, so that a log
	// reader cannot claim someone's trip.
	h = httpapi.LogRequests(logger, h, "/api/mogu/c/")
	h = httpapi.WithRequestID(h)
	return h
}
