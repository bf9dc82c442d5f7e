// Package httpapi is the HTTP machinery that bookingkit's handlers share:
// how a domain error becomes a status and a JSON body, how a JSON body is
// read, and how a request is identified in answers and logs. The module
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
// value of a *bookingkit.ValidationError, and the request's ID. A 500
// says only "internal error" and the log keeps the detail; an error from
// storage (*bookingkit.StorageError) shows only the words the domain and
// the adapter chose for the caller ([PublicMessage]). [WriteJSON] writes
// every other answer.
//
// # Request bodies
//
// [DecodeJSON] reads a JSON body strictly: it must be declared JSON (415
// otherwise), hold one value, no unknown field and no key twice in one
// object (encoding/json would silently keep the last). A body over its
// limit is [TooLarge] (413).
//
// # Request IDs
//
// [WithRequestID] gives every request an ID, kept from a well-formed
// X-Request-ID header or made up, and echoes it; [RequestID] reads it for
// logs and error bodies.
package httpapi
