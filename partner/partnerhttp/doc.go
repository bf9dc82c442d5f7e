// Package partnerhttp is the HTTP API of the partner module (package
// partner), for a booking engine to mount in its own server under any
// prefix: the partner users' and administrators' API, the reports page,
// the calls of the terminals and the product's web panel, and bookingkit's
// own sign-in of partner users. Each handler is built only from package
// partner's services and its own options, and offers its endpoints as
// [httpapi.Route] values with patterns relative to the mount point (the
// reference server, cmd/bookingkitd, mounts them at ""); [httpapi.WithPrefix]
// and [httpapi.Mount] put them on the engine's *http.ServeMux. The rules
// are [partner.Service]'s; the handlers decode, authenticate, call it and
// encode JSON ([InstanceJSON], [LicenceJSON] and the other *JSON shapes).
// Errors are answered as [httpapi.WriteError] maps them.
//
// # The API and the reports
//
// [NewHandler] serves a [partner.Service] for the people a [Users] names:
//
//   - [Handler.Routes]: /api/partner/... (profile, partners, users,
//     companies, instances and their life cycle, licences, support
//     threads, terminal activity, the audit log, the reports) and the
//     reports page GET /partner/reports, charts drawn as inline SVG under
//     a nonce content security policy ([httpapi.Page]): each bar a link a
//     keyboard reaches, named by its figure ("Enterprise: 2 instances"),
//     each chart with a table of the same figures, and the monthly series
//     told apart by pattern as well as colour. Who is signed in
//     is asked of the [Users] (the API) and of [Options.PageUsers] (the
//     page, which sends nobody signed in to a sign-in). With
//     [Options.Invitations] (an [Inviter] such as [*partner.Accounts]) a
//     new user is mailed a link to choose a password, and POST
//     /api/partner/users/{id}/invitation mails another.
//   - [Handler.EngineRoutes]: the terminals' POST
//     /api/partner/terminal/bind and /api/partner/terminal/activity and
//     the web panel's POST /api/partner/impersonation/open, returned
//     unauthenticated: the engine wraps them with its own check (the
//     reference server with its engine token).
//
// # bookingkit's own sign-in
//
// [NewSessions] serves [partner.Accounts]: [Sessions] is a [Users] (the
// session token as "Authorization: Bearer <token>"; the API takes no
// cookie, so another site cannot make a browser call it) and
// [Sessions.Pages] a [PageUsers] (the session in the HttpOnly cookie
// [Cookie]). [Sessions.Routes] are its sign-in routes: POST
// /api/partner/login, /logout, /password and /password/reset (queued,
// [partner.Accounts.QueueReset]), and the pages GET and POST
// /partner/sign-in, POST /partner/sign-out, GET and POST
// /partner/set-password (where the mailed links point,
// [partner.SetPasswordPath]). An engine with a sign-in of its own passes
// its own [Users] and mounts only [Handler.Routes] (see the example).
//
// With [SessionsOptions.APIKeys], [Sessions] also takes partners' API keys
// as bearer tokens ("Authorization: Bearer bkp_…"): a key acts as a user of
// its partner, a read-only key is refused (403) on anything but GET and
// HEAD, and a revoked or unknown one is 401. [Sessions.Routes] then serves
// the keys: GET and POST /api/partner/api-keys, GET
// /api/partner/api-keys/{id} and POST /api/partner/api-keys/{id}/revoke
// (administrators create and revoke; a partner's users list their own).
//
// # CSV
//
// GET /api/partner/reports, /api/partner/licences,
// /api/partner/instances/{id}/licences, /api/partner/activity and the
// reports page answer CSV with format=csv: a list whole, page by page, its
// cells written by [partner.CSVWriter].
package partnerhttp
