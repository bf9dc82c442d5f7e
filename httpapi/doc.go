// Package httpapi is the HTTP machinery that bookingkit's handlers share:
// how a domain error becomes a status and a JSON body, how a JSON body is
// read, how a request is identified in answers and logs, the middleware
// around a server's routes, and the pages a server renders itself. The module
// handler packages and the reference server (cmd/bookingkitd) use it, and
// an engine that mounts bookingkit's handlers in its own server can use it
// for its own routes, so that both answer alike.
//
// # Errors
//
// Domain packages speak in the sentinels of package bookingkit
// (bookingkit.ErrInvalid, bookingkit.ErrNotFound, ...). [StatusOf] maps
// them to HTTP statuses in one place, and [WriteError] answers an error
// with its status and an [ErrorBody]: the error's text, the field and
// value of a *bookingkit.ValidationError, and the request's ID; a 429
// tells when to retry and the limit ([SetRateLimit]). A 500 says only
// "internal error" and the log keeps the detail; an error from storage
// (*bookingkit.StorageError) shows only the words the domain and the
// adapter chose for the caller ([PublicMessage]). [WriteJSON] writes every
// other answer, and [Handler] lets a handler return its error instead of
// answering it.
//
// The error's text is in the request's language (package locale: its
// Accept-Language, or the deployment's default the server's middleware
// stores) when the catalogue has it: an error made with bookingkit.Errorf
// or bookingkit.Invalidf, or a text that is itself a key
// ([RequestMessage]); any other keeps its English text, and the answer's
// Content-Language says which. [Text] is a fixed text of an answer in the
// request's language, and [ParsePage] parses a page once per language for
// [Page.Languages].
//
// # Reading a request
//
// [DecodeJSON] reads a JSON body strictly: it must be declared JSON (415
// otherwise), hold one value, no unknown field and no key twice in one
// object (encoding/json would silently keep the last). A body over its
// limit is [TooLarge] (413). [QueryInt] reads a whole number from the
// query, [Bearer] the token of an "Authorization: Bearer" header, and
// [ClientAddress] and [ClientIP] the address a request came from for rate
// limits and allow-lists (the connection's, never a forwarding header a
// client can write).
//
// # Request IDs
//
// [WithRequestID] gives every request an ID, kept from a well-formed
// X-Request-ID header or made up, and echoes it; [RequestID] reads it for
// logs and error bodies.
//
// # Routes
//
// A module's handler package offers its endpoints as a list of [Route]
// values (pattern, handler, own body limit), relative to wherever an
// engine mounts them. [WithPrefix] moves them under the engine's prefix,
// [Mount] registers them on a *http.ServeMux, and [BodyLimits] collects
// their body limits for [LimitBodies]. The reference server builds its
// whole surface this way, in cmd/bookingkitd/routes.go.
//
// # Middleware
//
// A server wraps its routes, from the inside out, in [LimitBodies] (a
// default body limit and larger ones per route), [ProtectCrossOrigin]
// (another site's page cannot post with the browser's cookies),
// [Recover] (a panic is a logged 500), [LogRequests] (one line per
// request, with the routes whose path carries a secret redacted) and
// [WithRequestID]:
//
//	var h http.Handler = mux
//	h = httpapi.LimitBodies(mux, 1<<20, map[string]int64{"POST /upload": 32 << 20}, h)
//	h = httpapi.ProtectCrossOrigin(logger, h, "https://book.example.com")
//	h = httpapi.Recover(logger, h)
//	h = httpapi.LogRequests(logger, h, "/claim/")
//	h = httpapi.WithRequestID(h)
//
// A page that keeps a session in the browser does so with a
// [SessionCookie]: HttpOnly, SameSite=Strict, and Secure whenever the
// public address is an https:// one, also behind a TLS-terminating proxy.
//
// # Pages
//
// A [Page] renders an html/template under a content security policy with
// a nonce made for each answer: only the page's own inline style (and
// scripts, if it has any) runs, its forms post only to the server, no
// other site frames it, and a page whose URL carries a mailed token keeps
// it out of Referer headers.
package httpapi
