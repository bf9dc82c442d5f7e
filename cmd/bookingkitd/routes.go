package main

import (
	"log/slog"
	"slices"

	"github.com/bookingkit/bookingkit/httpapi"
	"github.com/bookingkit/bookingkit/staffid/staffidhttp"
)

// routes lists every route of the server: this function is the one place to
// read the whole HTTP surface. docs/openapi.json documents the same list, and
// TestOpenAPIMatchesRoutes keeps the two equal.
func routes(logger *slog.Logger, cfg Config, svc *services) []httpapi.Route {
	return slices.Concat(
		[]httpapi.Route{
			{Pattern: "GET /healthz", Handler: httpapi.Health(logger, svc.stores.Backend, svc.stores.Ping)},
			{Pattern: "GET /metrics", Handler: svc.metrics.Handler()},
		},

		// staffid employee list import (package staffidhttp): the airline's
		// upload and the control-panel page (import token, allow-list, their
		// own body limit), and the history and the stored list's export with
		// the engine token.
		svc.imports.Routes(),
		svc.engine.RequireOn(svc.imports.HistoryRoutes()),
		svc.engine.RequireOn(staffidhttp.NewExportHandler(svc.stores.StaffID, logger).Routes()),

		// staffid employees' own API (package staffidhttp): bookingkit's
		// own sign-in (registration against the list, the mailed link: GET
		// shows the form, POST uses it; reset, login, logout); then, with a
		// session (Authorization: Bearer or the form's cookie), the cabinet:
		// me, passengers, bookings, standby queues.
		svc.staff.signIn.Routes(),
		svc.staff.cabinet.Routes(),

		// mogu (package moguhttp): the traveller app's sign-in (bookingkit's
		// own app sessions), its claims and trips with a session token, the
		// landing page of the QR codes' claim URLs (printed in upper case),
		// and the "add services" page of vouchers without MOGU, when the
		// config names no page of the engine (services_url_template); then
		// the engine's back office, with the engine token and X-Operator.
		svc.mogu.sessions.Routes(),
		svc.mogu.app.Routes(),
		svc.mogu.app.LandingRoutes(),
		svc.mogu.app.ServicesRoutes(),
		svc.engine.RequireOn(svc.mogu.backOffice.Routes()),

		// standby (package standbyhttp): the booking engine's calls, with
		// the engine token. Flights in paths are keys such as
		// SU-100-2026-11-23.
		svc.engine.RequireOn(svc.standby.handler.Routes()),

		partnerRoutes(svc),
	)
}

// partnerRoutes lists the partner module's routes (partner/partnerhttp).
func partnerRoutes(svc *services) []httpapi.Route {
	return slices.Concat(
		// partner users and administrators, signed in with
		// "Authorization: Bearer <session token>", and the reports page
		// (session in a cookie)…
		svc.partner.api.Routes(),
		// …terminals and the product's web panel, with the engine token…
		svc.engine.RequireOn(svc.partner.api.EngineRoutes()),
		// …and bookingkit's own sign-in: the API's, and the pages' a
		// person uses in a browser.
		svc.partner.sessions.Routes(),
	)
}
