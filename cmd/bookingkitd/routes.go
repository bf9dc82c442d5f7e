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

		// staffid employee list import (import.go): the airline's upload
		// (import token, allow-list, its own body limit), the control-panel
		// page, and the history with the engine token.
		{pattern: "POST /api__airline_employee_upload", handler: svc.imports.upload(), maxBody: svc.imports.maxUpload},
		{pattern: "GET /settings__airline_staff_id_employee_import", handler: svc.imports.pageForm()},
		{pattern: "POST /settings__airline_staff_id_employee_import", handler: svc.imports.pagePost(), maxBody: svc.imports.maxUpload},
		{pattern: "GET /api/staffid/imports", handler: requireToken(svc.engine, svc.imports.listHistory())},
		{pattern: "GET /api/staffid/imports/{id}", handler: requireToken(svc.engine, svc.imports.getHistory())},

		// staffid employees' own API (staff.go): registration against the
		// list, the mailed link (GET shows the form, POST uses it), sign-in;
		// then, with a session (Authorization: Bearer or the form's cookie),
		// the cabinet: passengers, bookings, standby queues.
		{pattern: "POST /api/staff/register", handler: svc.staff.register()},
		{pattern: "GET /api/staff/password", handler: svc.staff.passwordPage()},
		{pattern: "POST /api/staff/password", handler: svc.staff.setPassword()},
		{pattern: "POST /api/staff/password/reset", handler: svc.staff.resetPassword()},
		{pattern: "POST /api/staff/login", handler: svc.staff.login()},
		{pattern: "POST /api/staff/logout", handler: svc.staff.logout()},
		{pattern: "GET /api/staff/me", handler: svc.staff.me()},
		{pattern: "GET /api/staff/passengers", handler: svc.staff.passengers()},
		{pattern: "POST /api/staff/bookings", handler: svc.staff.createBooking()},
		{pattern: "GET /api/staff/bookings", handler: svc.staff.listBookings()},
		{pattern: "GET /api/staff/bookings/{booking}", handler: svc.staff.getBooking()},
		{pattern: "GET /api/staff/standby/flights/{flight}/queue", handler: svc.staff.standbyQueue()},
		{pattern: "GET /api/staff/standby/flights/{flight}/estimate", handler: svc.staff.standbyEstimate()},

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
		// …the "add services" page of vouchers without MOGU, when the
		// config names no page of the engine (services_url_template)…
		{pattern: "GET /booking/{booking}/services", handler: svc.mogu.servicesLanding()},
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

		// partner (partner*.go): partner users and administrators, signed in
		// with "Authorization: Bearer <session token>"…
		{pattern: "POST /api/partner/login", handler: svc.partner.login()},
		{pattern: "POST /api/partner/logout", handler: svc.partner.logout()},
		{pattern: "POST /api/partner/password", handler: svc.partner.setPassword()},
		{pattern: "POST /api/partner/password/reset", handler: svc.partner.resetPassword()},
		{pattern: "GET /api/partner/profile", handler: svc.partner.profile()},
		{pattern: "GET /api/partner/types", handler: svc.partner.types()},
		{pattern: "GET /api/partner/partners", handler: svc.partner.listPartners()},
		{pattern: "POST /api/partner/partners", handler: svc.partner.createPartner()},
		{pattern: "GET /api/partner/partners/{id}", handler: svc.partner.getPartner()},
		{pattern: "POST /api/partner/users", handler: svc.partner.createUser()},
		{pattern: "GET /api/partner/users/{id}", handler: svc.partner.getUser()},
		{pattern: "POST /api/partner/users/{id}/invitation", handler: svc.partner.inviteUser()},
		{pattern: "GET /api/partner/companies", handler: svc.partner.listCompanies()},
		{pattern: "POST /api/partner/companies", handler: svc.partner.createCompany()},
		{pattern: "GET /api/partner/companies/{id}", handler: svc.partner.getCompany()},
		{pattern: "GET /api/partner/instances", handler: svc.partner.listInstances()},
		{pattern: "POST /api/partner/instances", handler: svc.partner.createInstance()},
		{pattern: "GET /api/partner/instances/{id}", handler: svc.partner.getInstance()},
		{pattern: "PATCH /api/partner/instances/{id}", handler: svc.partner.editInstance()},
		{pattern: "POST /api/partner/instances/{id}/provision", handler: svc.partner.provision()},
		{pattern: "GET /api/partner/instances/{id}/contract", handler: svc.partner.contract()},
		{pattern: "POST /api/partner/instances/{id}/cancel", handler: svc.partner.cancelInstance()},
		{pattern: "POST /api/partner/instances/{id}/generate", handler: svc.partner.generate()},
		{pattern: "POST /api/partner/instances/{id}/expiry", handler: svc.partner.extendExpiry()},
		{pattern: "POST /api/partner/instances/{id}/clear-session", handler: svc.partner.clearSession()},
		{pattern: "POST /api/partner/instances/{id}/deactivation", handler: svc.partner.requestDeactivation()},
		{pattern: "POST /api/partner/instances/{id}/deactivation/withdraw", handler: svc.partner.withdrawDeactivation()},
		{pattern: "POST /api/partner/instances/{id}/deactivation/approve", handler: svc.partner.approveDeactivation()},
		{pattern: "POST /api/partner/instances/{id}/deactivation/reject", handler: svc.partner.rejectDeactivation()},
		{pattern: "GET /api/partner/instances/{id}/licences", handler: svc.partner.listLicences(true)},
		{pattern: "POST /api/partner/instances/{id}/licences", handler: svc.partner.addLicences()},
		{pattern: "GET /api/partner/licences", handler: svc.partner.listLicences(false)},
		{pattern: "GET /api/partner/licences/{id}", handler: svc.partner.getLicence()},
		{pattern: "POST /api/partner/licences/{id}/release", handler: svc.partner.releaseLicence()},
		{pattern: "POST /api/partner/licences/{id}/deactivation", handler: svc.partner.requestLicenceDeactivation()},
		{pattern: "POST /api/partner/licences/{id}/deactivation/withdraw", handler: svc.partner.withdrawLicenceDeactivation()},
		{pattern: "POST /api/partner/licences/{id}/deactivation/approve", handler: svc.partner.approveLicenceDeactivation()},
		{pattern: "POST /api/partner/licences/{id}/deactivation/reject", handler: svc.partner.rejectLicenceDeactivation()},
		{pattern: "POST /api/partner/licences/{id}/impersonation", handler: svc.partner.impersonationLink()},
		{pattern: "GET /api/partner/threads", handler: svc.partner.threads()},
		{pattern: "GET /api/partner/threads/{company}", handler: svc.partner.thread()},
		{pattern: "GET /api/partner/threads/{company}/messages", handler: svc.partner.messages()},
		{pattern: "POST /api/partner/threads/{company}/messages", handler: svc.partner.postMessage()},
		{pattern: "POST /api/partner/threads/{company}/read", handler: svc.partner.markRead()},
		{pattern: "GET /api/partner/activity", handler: svc.partner.searchActivity()},
		{pattern: "GET /api/partner/activity/{id}", handler: svc.partner.activityRecord()},
		{pattern: "GET /api/partner/audit", handler: svc.partner.auditLog()},
		{pattern: "GET /api/partner/reports", handler: svc.partner.report()},
		{pattern: "GET /api/partner/reports/detail", handler: svc.partner.reportDetail()},
		{pattern: "GET /api/partner/reports/monthly", handler: svc.partner.monthly()},
		// …terminals and the product's web panel, with the engine token…
		{pattern: "POST /api/partner/terminal/bind", handler: requireToken(svc.engine, svc.partner.bindTerminal())},
		{pattern: "POST /api/partner/terminal/activity", handler: requireToken(svc.engine, svc.partner.terminalActivity())},
		{pattern: "POST /api/partner/impersonation/open", handler: requireToken(svc.engine, svc.partner.openImpersonation())},
		// …and the pages a person uses in a browser (session in a cookie).
		{pattern: "GET /partner/sign-in", handler: svc.partner.signInPage()},
		{pattern: "POST /partner/sign-in", handler: svc.partner.signInPost()},
		{pattern: "POST /partner/sign-out", handler: svc.partner.signOutPost()},
		{pattern: "GET /partner/set-password", handler: svc.partner.setPasswordPage()},
		{pattern: "POST /partner/set-password", handler: svc.partner.setPasswordPost()},
		{pattern: "GET /partner/reports", handler: svc.partner.reportsPage()},
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
