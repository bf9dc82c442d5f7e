// Package staffidhttp is the HTTP API of the airline staff travel module
// (package staffid), for a booking engine to mount in its own server under
// any prefix: the import of the employee list, and the employees' own
// routes. Each handler is built only from staffid's services and its own
// options, and offers its endpoints as [httpapi.Route] values with
// patterns relative to the mount point (the reference server,
// cmd/bookingkitd, mounts them at ""); [httpapi.WithPrefix] and
// [httpapi.Mount] put them on the engine's *http.ServeMux. The rules are
// the domain's; the handlers decode, authenticate, call staffid and encode.
// Errors are answered as [httpapi.WriteError] maps them.
//
// # Importing the employee list
//
// [NewImportHandler] serves a [staffid.Importer] through two doors and
// keeps its history readable:
//
//   - [ImportHandler.UploadRoutes]: the airline's automated upload, POST
//     /api__airline_employee_upload, the whole list as JSON or an .xlsx
//     workbook, answered with the seed's report ([staffid.Report]) and
//     its status (200, 202 for a list held for a manager's decision, 400,
//     409 for the mass-block guard where no list is held, with a hint to
//     send ?force=true, 413, 415). Its route carries its own body limit
//     ([ImportOptions.MaxUploadBytes], 64 MiB by default) for
//     [httpapi.LimitBodies].
//   - [ImportHandler.PageRoutes]: the control-panel page, GET and POST
//     /settings__airline_staff_id_employee_import, where a manager uploads
//     the workbook by hand and reads the report as a page ([httpapi.Page]:
//     a nonce content security policy; the invalid records it lists are
//     bounded, the rest counted).
//   - [ImportHandler.HeldRoutes]: GET /api/staffid/held and POST
//     /api/staffid/held/{id}/approve and …/reject, authenticated as the
//     upload is, when the importer holds the lists the mass-block guard
//     stops ([staffid.HeldList]): the upload then answers 202 with status
//     "Held", and a manager sees whom the list would change and decides;
//     the page offers the same with the token typed in its form.
//   - [ImportHandler.HistoryRoutes]: GET /api/staffid/imports and
//     /api/staffid/imports/{id}, every upload accepted or refused
//     ([staffid.HistoryEntry]), newest first, in pages
//     ([ImportHistoryPage]); and GET /api/staffid/imports/{id}/changes,
//     whom an applied import created, updated (with the fields that
//     changed), blocked and unblocked, by name, every one of them in
//     pages ([ImportChangesPage], [staffid.Importer.Changes]).
//   - [ExportHandler.Routes]: GET /api/staffid/export, the stored list
//     ([staffid.Export]) as a JSON, .xlsx or CSV download, blocked people
//     marked; returned unauthenticated, as the history's.
//
// [ImportHandler.Routes] is the upload, the held list's routes and the
// page: they authenticate themselves. Their authentication is the handler's options: an
// [ImportAuth] asked about each automated upload, an [ImportFormAuth]
// asked about each upload through the page (without one there is no
// page), and, if set, [ImportAddresses] asked first about the address.
// Each check names who it let in, and the import history keeps that name.
// bookingkit's are [ImportToken] (one secret: "Authorization: Bearer" on
// the upload, typed into the page's form) and [ImportAllowList] (addresses
// and CIDR ranges); an engine passes its own to use its own sign-in. The
// history routes are
// returned unauthenticated: they hold the refused records as sent, and
// the engine wraps them with its own authentication (the reference server
// with its engine token). An engine that takes only the upload mounts
// [ImportHandler.UploadRoutes] alone (see the example).
//
// # The employees' routes
//
// The employees' routes come in two sets, so that an engine with a
// sign-in of its own takes only the first:
//
//   - [StaffHandler.Routes] ([NewStaffHandler]): the cabinet, GET
//     /api/staff/me, /api/staff/passengers (the employee and their
//     companions, read-only), POST and GET /api/staff/bookings and GET
//     /api/staff/bookings/{booking}, and a flight's standby queue as staff
//     may see it, GET /api/staff/standby/flights/{flight}/queue (anonymised,
//     the employee's passengers marked) and .../estimate (the place each of
//     their passengers would get), and POST /api/staff/standby/estimates:
//     a whole search results page in one call, each fare flagged standby
//     or not, with the places and, given the seats the engine sees open,
//     the party's chance of boarding. The rules are [staffid.Bookings]'s
//     ([staffid.Bookings.QueueView], [staffid.Bookings.Estimate],
//     [staffid.Bookings.EstimateFares]), which reaches the standby queue
//     through [staffid.StandbyQueue]. With [StaffOptions] Idempotency,
//     POST /api/staff/bookings honours the Idempotency-Key header, each
//     employee's keys apart (package idempotency): a repeat gets the first
//     answer and books nothing.
//   - [StaffSignIn.Routes] ([NewStaffSignIn]): bookingkit's own sign-in,
//     POST /api/staff/register (queued; the worker mails the one-time
//     link, the answer is always [StaffRegisterAnswer]), GET and POST
//     /api/staff/password (the mailed link's page, which posts to itself,
//     and the JSON call), POST /api/staff/password/reset, /api/staff/login
//     and /api/staff/logout.
//
// Who is signed in is an [Employees], asked by every cabinet route: an
// engine passes its own (see the example, where a header set by the
// engine's front door names the employee); bookingkit's account sessions
// are [StaffSessions], a session token from "Authorization: Bearer" or
// the set-password page's [httpapi.SessionCookie], authenticated by
// [staffid.Accounts]. A new booking's Location and the page's form action
// are the request's own path, so both stay under the engine's prefix (the
// engine mounts the routes with the prefix in their patterns, not behind
// http.StripPrefix); the mailed links' address is
// [staffid.AccountsConfig].LinkURL, and the cookie's path the engine's
// choice.
package staffidhttp
