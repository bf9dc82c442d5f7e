// Package standbyhttp is the HTTP API of the standby queues (package
// [standby]) for a booking engine's servers: the estimated place beside a
// standby fare in search results, the places of a booking's passengers, a
// flight's queue anonymised for staff, and the calls that keep the queues
// true (a standby booking completed or cancelled, a passenger boarded, a
// flight closed). The rules live in package standby; this package decodes
// requests and encodes answers.
//
// # Mounting
//
// [NewHandler] builds a [Handler] over a [standby.Service] alone, and
// [Handler.Routes] returns its endpoints as [httpapi.Route] values,
// relative to where an engine mounts them: mounted at "" they are exactly
// the paths of the reference server, bookingkitd. An engine mounts them on
// its own mux under any prefix with [httpapi.WithPrefix] and
// [httpapi.Mount]:
//
//	svc := &standby.Service{Store: stores.Standby}
//	if _, err := svc.Rebuild(ctx); err != nil { ... } // before serving
//	h, err := standbyhttp.NewHandler(svc, standbyhttp.Options{Logger: logger})
//	routes := h.Routes()
//	for i := range routes {
//		routes[i].Handler = engineOnly(routes[i].Handler)
//	}
//	httpapi.Mount(mux, httpapi.WithPrefix("/standby", routes))
//
// The same *standby.Service can serve other modules in the process (staff
// travel's bookings put their passengers into the queues through it), so
// the engine builds it once and passes it to each.
//
// # Authentication
//
// Every route is a server-to-server call of the booking engine, and none
// checks its caller: the engine wraps each route's handler in its own
// check, as engineOnly above. bookingkitd wraps them in its engine token
// ("Authorization: Bearer").
//
// # Endpoints
//
// Flights in paths are canonical keys such as SU-100-2026-11-23
// ([standby.FlightKey]).
//
//	GET  /api/standby/flights/{flight}/estimate  the place a booking made now would get
//	GET  /api/standby/flights/{flight}/queue     a page of the queue, anonymised
//	POST /api/standby/flights/{flight}/leave     one passenger boarded or cancelled
//	POST /api/standby/flights/{flight}/close     the flight closed: everyone leaves
//	POST /api/standby/bookings                   a completed standby booking joins its queues (201)
//	GET  /api/standby/bookings/{booking}         where each passenger of a booking stands
//	POST /api/standby/bookings/{booking}/cancel  a booking cancelled: its waiting passengers leave
//
// With [Options] Idempotency, POST /api/standby/bookings honours the
// Idempotency-Key header (package idempotency): a repeat gets the first
// answer and adds nothing, also when sent to another server of the same
// database.
//
// bookingkitd's docs/openapi.json describes each request and answer. The
// service's settings apply as they are: its clock ([standby.Service] Now)
// stamps a booking sent without booked_at and decides which flights have
// departed, and its MaxViewLimit bounds a page of the queue.
//
// # Errors
//
// Errors are answered by [httpapi.WriteError]: a bad field is a 400 that
// names it, an unknown booking or passenger 404, a passenger queued twice
// or a closed or departed flight 409, a failure of storage 500 (its detail
// only in the log of [Options].Logger).
package standbyhttp
