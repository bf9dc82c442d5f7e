package main

import (
	"log/slog"
	"slices"

	"github.com/bookingkit/bookingkit/httpapi"
)

// routes lists every route of the server: this function is the one place to
// read the whole HTTP surface. docs/openapi.json documents the same list, and
// TestOpenAPIMatchesRoutes keeps the two equal.
func routes(logger *slog.Logger, cfg Config, svc *services) []httpapi.Route {
	return slices.Concat(
		[]httpapi.Route{{Pattern: "GET /healthz", Handler: handleHealthz(logger, svc)}},

		// staffid employee list import (package staffidhttp): the airline's
		// upload and the control-panel page (import token, allow-list, their
		// own body limit), and the history with the engine token.
		svc.imports.Routes(),
		requireTokenOn(svc.engine, svc.imports.HistoryRoutes()),

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
		requireTokenOn(svc.engine, svc.mogu.backOffice.Routes()),

		// standby (package standbyhttp): the booking engine's calls, with
		// the engine token. Flights in paths are keys such as
		// SU-100-2026-11-23.
		requireTokenOn(svc.engine, svc.standby.handler.Routes()),

		partnerRoutes(svc),
	)
}

// partnerRoutes lists the partner module's routes, still served by this
// package's handlers (partner*.go).
func partnerRoutes(svc *services) []httpapi.Route {
	return []httpapi.Route{
		// partner (partner*.go): partner users and administrators, signed in
		// with "Authorization: Bearer <session token>"…
		{Pattern: "POST /api/partner/login", Handler: svc.partner.login()},
		{Pattern: "POST /api/partner/logout", Handler: svc.partner.logout()},
		{Pattern: "POST /api/partner/password", Handler: svc.partner.setPassword()},
		{Pattern: "POST /api/partner/password/reset", Handler: svc.partner.resetPassword()},
		{Pattern: "GET /api/partner/profile", Handler: svc.partner.profile()},
		{Pattern: "GET /api/partner/types", Handler: svc.partner.types()},
		{Pattern: "GET /api/partner/partners", Handler: svc.partner.listPartners()},
		{Pattern: "POST /api/partner/partners", Handler: svc.partner.createPartner()},
		{Pattern: "GET /api/partner/partners/{id}", Handler: svc.partner.getPartner()},
		{Pattern: "POST /api/partner/users", Handler: svc.partner.createUser()},
		{Pattern: "GET /api/partner/users/{id}", Handler: svc.partner.getUser()},
		{Pattern: "POST /api/partner/users/{id}/invitation", Handler: svc.partner.inviteUser()},
		{Pattern: "GET /api/partner/companies", Handler: svc.partner.listCompanies()},
		{Pattern: "POST /api/partner/companies", Handler: svc.partner.createCompany()},
		{Pattern: "GET /api/partner/companies/{id}", Handler: svc.partner.getCompany()},
		{Pattern: "GET /api/partner/instances", Handler: svc.partner.listInstances()},
		{Pattern: "POST /api/partner/instances", Handler: svc.partner.createInstance()},
		{Pattern: "GET /api/partner/instances/{id}", Handler: svc.partner.getInstance()},
		{Pattern: "PATCH /api/partner/instances/{id}", Handler: svc.partner.editInstance()},
		{Pattern: "POST /api/partner/instances/{id}/provision", Handler: svc.partner.provision()},
		{Pattern: "GET /api/partner/instances/{id}/contract", Handler: svc.partner.contract()},
		{Pattern: "POST /api/partner/instances/{id}/cancel", Handler: svc.partner.cancelInstance()},
		{Pattern: "POST /api/partner/instances/{id}/generate", Handler: svc.partner.generate()},
		{Pattern: "POST /api/partner/instances/{id}/expiry", Handler: svc.partner.extendExpiry()},
		{Pattern: "POST /api/partner/instances/{id}/clear-session", Handler: svc.partner.clearSession()},
		{Pattern: "POST /api/partner/instances/{id}/deactivation", Handler: svc.partner.requestDeactivation()},
		{Pattern: "POST /api/partner/instances/{id}/deactivation/withdraw", Handler: svc.partner.withdrawDeactivation()},
		{Pattern: "POST /api/partner/instances/{id}/deactivation/approve", Handler: svc.partner.approveDeactivation()},
		{Pattern: "POST /api/partner/instances/{id}/deactivation/reject", Handler: svc.partner.rejectDeactivation()},
		{Pattern: "GET /api/partner/instances/{id}/licences", Handler: svc.partner.listLicences(true)},
		{Pattern: "POST /api/partner/instances/{id}/licences", Handler: svc.partner.addLicences()},
		{Pattern: "GET /api/partner/licences", Handler: svc.partner.listLicences(false)},
		{Pattern: "GET /api/partner/licences/{id}", Handler: svc.partner.getLicence()},
		{Pattern: "POST /api/partner/licences/{id}/release", Handler: svc.partner.releaseLicence()},
		{Pattern: "POST /api/partner/licences/{id}/deactivation", Handler: svc.partner.requestLicenceDeactivation()},
		{Pattern: "POST /api/partner/licences/{id}/deactivation/withdraw", Handler: svc.partner.withdrawLicenceDeactivation()},
		{Pattern: "POST /api/partner/licences/{id}/deactivation/approve", Handler: svc.partner.approveLicenceDeactivation()},
		{Pattern: "POST /api/partner/licences/{id}/deactivation/reject", Handler: svc.partner.rejectLicenceDeactivation()},
		{Pattern: "POST /api/partner/licences/{id}/impersonation", Handler: svc.partner.impersonationLink()},
		{Pattern: "GET /api/partner/threads", Handler: svc.partner.threads()},
		{Pattern: "GET /api/partner/threads/{company}", Handler: svc.partner.thread()},
		{Pattern: "GET /api/partner/threads/{company}/messages", Handler: svc.partner.messages()},
		{Pattern: "POST /api/partner/threads/{company}/messages", Handler: svc.partner.postMessage()},
		{Pattern: "POST /api/partner/threads/{company}/read", Handler: svc.partner.markRead()},
		{Pattern: "GET /api/partner/activity", Handler: svc.partner.searchActivity()},
		{Pattern: "GET /api/partner/activity/{id}", Handler: svc.partner.activityRecord()},
		{Pattern: "GET /api/partner/audit", Handler: svc.partner.auditLog()},
		{Pattern: "GET /api/partner/reports", Handler: svc.partner.report()},
		{Pattern: "GET /api/partner/reports/detail", Handler: svc.partner.reportDetail()},
		{Pattern: "GET /api/partner/reports/monthly", Handler: svc.partner.monthly()},
		// …terminals and the product's web panel, with the engine token…
		{Pattern: "POST /api/partner/terminal/bind", Handler: requireToken(svc.engine, svc.partner.bindTerminal())},
		{Pattern: "POST /api/partner/terminal/activity", Handler: requireToken(svc.engine, svc.partner.terminalActivity())},
		{Pattern: "POST /api/partner/impersonation/open", Handler: requireToken(svc.engine, svc.partner.openImpersonation())},
		// …and the pages a person uses in a browser (session in a cookie).
		{Pattern: "GET /partner/sign-in", Handler: svc.partner.signInPage()},
		{Pattern: "POST /partner/sign-in", Handler: svc.partner.signInPost()},
		{Pattern: "POST /partner/sign-out", Handler: svc.partner.signOutPost()},
		{Pattern: "GET /partner/set-password", Handler: svc.partner.setPasswordPage()},
		{Pattern: "POST /partner/set-password", Handler: svc.partner.setPasswordPost()},
		{Pattern: "GET /partner/reports", Handler: svc.partner.reportsPage()},
	}
}
