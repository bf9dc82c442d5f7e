package main

import (
	"log/slog"
	"net/http"
)

// route is one entry of the HTTP surface.
type route struct {
	pattern string // a net/http pattern: "METHOD /path/{param}"
	handler http.Handler
	// maxBody overrides the server's default body limit (-max-body) for
	// this route; zero keeps the default.
	maxBody int64
}

// routes lists every route of the server: this function is the one place to
// read the whole HTTP surface. docs/openapi.json documents the same list, and
// TestOpenAPIMatchesRoutes keeps the two equal.
func routes(logger *slog.Logger, cfg Config, svc *services) []route {
	return []route{
		{pattern: "GET /healthz", handler: handleHealthz(logger, svc)},

		// mogu (mogu.go): the traveller app, signed in with a session token…
		{pattern: "POST /api/mogu/register", handler: svc.mogu.register()},
		{pattern: "POST /api/mogu/password", handler: svc.mogu.setPassword()},
		{pattern: "POST /api/mogu/password/reset", handler: svc.mogu.resetPassword()},
		{pattern: "POST /api/mogu/login", handler: svc.mogu.login()},
		{pattern: "POST /api/mogu/logout", handler: svc.mogu.logout()},
		{pattern: "POST /api/mogu/claims", handler: svc.mogu.claim()},
		{pattern: "GET /api/mogu/trips", handler: svc.mogu.trips()},
		{pattern: "GET /api/mogu/trips/{booking}", handler: svc.mogu.trip()},
		// …the landing page of the QR codes' claim URLs, printed in upper case…
		{pattern: "GET /api/mogu/c/{token}", handler: svc.mogu.landing()},
		{pattern: "GET /API/MOGU/C/{token}", handler: svc.mogu.landing()},
		// …and the engine's back office, with the engine token and X-Operator.
		{pattern: "PUT /api/backoffice/mogu/bookings/{booking}", handler: requireToken(svc.engine, svc.mogu.putBooking())},
		{pattern: "GET /api/backoffice/mogu/bookings/{booking}/status", handler: requireToken(svc.engine, svc.mogu.bookingStatus())},
		{pattern: "GET /api/backoffice/mogu/bookings/{booking}/voucher", handler: requireToken(svc.engine, svc.mogu.voucher())},
		{pattern: "GET /api/backoffice/mogu/bookings/{booking}/qr", handler: requireToken(svc.engine, svc.mogu.voucherQR())},
		{pattern: "POST /api/backoffice/mogu/bookings/{booking}/reissue", handler: requireToken(svc.engine, svc.mogu.reissue())},
		{pattern: "GET /api/backoffice/mogu/microsites/{microsite}/activation", handler: requireToken(svc.engine, svc.mogu.activation())},
		{pattern: "PUT /api/backoffice/mogu/microsites/{microsite}/activation", handler: requireToken(svc.engine, svc.mogu.setActivation())},
		{pattern: "GET /api/backoffice/mogu/microsites/{microsite}/activation/history", handler: requireToken(svc.engine, svc.mogu.activationHistory())},
		{pattern: "GET /api/backoffice/mogu/open-link", handler: requireToken(svc.engine, svc.mogu.openLink())},
		{pattern: "GET /api/backoffice/mogu/operators/{operator}/memberships", handler: requireToken(svc.engine, svc.mogu.memberships())},
		{pattern: "PUT /api/backoffice/mogu/operators/{operator}/memberships/{agency}", handler: requireToken(svc.engine, svc.mogu.grant())},
		{pattern: "DELETE /api/backoffice/mogu/operators/{operator}/memberships/{agency}", handler: requireToken(svc.engine, svc.mogu.revoke())},
		{pattern: "GET /api/backoffice/mogu/account", handler: requireToken(svc.engine, svc.mogu.currentAccount())},
		{pattern: "PUT /api/backoffice/mogu/account", handler: requireToken(svc.engine, svc.mogu.enterAccount())},
		{pattern: "GET /api/backoffice/mogu/account/bookings", handler: requireToken(svc.engine, svc.mogu.accountBookings())},
		{pattern: "GET /api/backoffice/mogu/account/bookings/{booking}", handler: requireToken(svc.engine, svc.mogu.accountBooking())},
		{pattern: "GET /api/backoffice/mogu/accounts/{agency}", handler: requireToken(svc.engine, svc.mogu.landInAccount(false))},
		{pattern: "GET /api/backoffice/mogu/accounts/{agency}/bookings/{booking}", handler: requireToken(svc.engine, svc.mogu.landInAccount(true))},

		// standby (standby.go): the booking engine's calls, with the engine
		// token. Flights in paths are keys such as SU-100-2026-11-23.
		{pattern: "GET /api/standby/flights/{flight}/estimate", handler: requireToken(svc.engine, svc.standby.handleEstimate())},
		{pattern: "GET /api/standby/flights/{flight}/queue", handler: requireToken(svc.engine, svc.standby.handleQueue())},
		{pattern: "POST /api/standby/flights/{flight}/leave", handler: requireToken(svc.engine, svc.standby.handleLeave())},
		{pattern: "POST /api/standby/flights/{flight}/close", handler: requireToken(svc.engine, svc.standby.handleClose())},
		{pattern: "POST /api/standby/bookings", handler: requireToken(svc.engine, svc.standby.handleAddBooking())},
		{pattern: "GET /api/standby/bookings/{booking}", handler: requireToken(svc.engine, svc.standby.handlePlacements())},
		{pattern: "POST /api/standby/bookings/{booking}/cancel", handler: requireToken(svc.engine, svc.standby.handleCancelBooking())},
	}
}

// addRoutes registers rs on mux.
func addRoutes(mux *http.ServeMux, rs []route) {
	for _, r := range rs {
		mux.Handle(r.pattern, r.handler)
	}
}

// bodyLimits returns the routes' own body limits by pattern.
func bodyLimits(rs []route) map[string]int64 {
	limits := map[string]int64{}
	for _, r := range rs {
		if r.maxBody > 0 {
			limits[r.pattern] = r.maxBody
		}
	}
	return limits
}
