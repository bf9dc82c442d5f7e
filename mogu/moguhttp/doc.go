// Package moguhttp is MOGU's HTTP API, for an engine to mount in its own
// server under any prefix: the traveller app's side ([Handler] and its
// sign-in, [Sessions]) and the engine's back office ([BackOffice]). It
// decodes, authenticates and encodes; every rule is package mogu's.
//
// # The traveller side
//
// [NewHandler] builds the app's routes over a [mogu.Service]: a claim of
// a scanned voucher (POST /api/mogu/claims, with the claim URL read or its
// token), the traveller's upcoming trips and one trip: [Handler.Routes].
// [Handler.LandingRoutes] is the claim URLs' public landing page (GET
// /api/mogu/c/{token}, and its upper-case twin, since QR codes print the
// URL in upper case), which only offers the app and the stores and never
// claims: mail and chat scanners open such URLs on their own. [Handler.ServicesRoutes] is the
// "add services" page that vouchers without MOGU point at when the engine
// has no page of its own.
//
// # Who is signed in
//
// The claim and trip routes ask a [Travellers] who the signed-in traveller
// is. An engine with its own sign-in passes its own (a [TravellerFunc]
// over its session cookie, say) and mounts [Handler.Routes] and
// [Handler.LandingRoutes].
// bookingkit's own app accounts are the other implementation: [Sessions],
// over [mogu.Accounts], reads "Authorization: Bearer <session token>", and
// [Sessions.Routes] are the sign-up, password, sign-in and sign-out routes
// that make those sessions. The sign-up and reset answers are the same
// whatever the accounts hold; [mogu.Accounts] queues the forms and mails
// the links from a worker.
//
// # The back office
//
// [NewBackOffice] builds the engine's back-office routes (bookings,
// vouchers and their QR codes, microsite activation, agency accounts).
// [BackOffice.Routes] returns them unauthenticated: they are the engine's
// server-to-server calls, and the caller wraps them with its own check
// (the reference server, cmd/bookingkitd, with its engine token). The
// operator a request acts for comes from an [Operators]; [HeaderOperator]
// reads the X-Operator header the trusted back office sets.
//
// # Mounting
//
// Routes are [httpapi.Route] values relative to the mount point; mounted
// at "", they are the reference server's paths:
//
//	mux := http.NewServeMux()
//	httpapi.Mount(mux, httpapi.WithPrefix("/app", h.Routes()))
//	httpapi.Mount(mux, httpapi.WithPrefix("/app", h.LandingRoutes()))
//
// Errors are answered by [httpapi.WriteError], with the statuses of
// package mogu's errors.
package moguhttp
