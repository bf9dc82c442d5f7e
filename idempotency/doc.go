// Package idempotency honours the Idempotency-Key request header on the
// POSTs that create something (bookingkit's booking routes), as the IETF
// draft "The Idempotency-Key HTTP Header Field"
// (draft-ietf-httpapi-idempotency-key-header-07) describes: a client that
// did not get an answer sends the request again with the same key, and the
// server answers it as it answered the first time, without doing it twice.
//
// # Rules
//
// A key belongs to a caller (the scope: the signed-in employee, the booking
// engine) and is a Structured Field String, Idempotency-Key: "8e03978e…"
// (a bare token is accepted too), of 1 to 255 characters. [Keys.Serve]
// applies the rules:
//
//   - the first request with a key runs; its answer, when 2xx, is kept
//     with the key for 24 hours ([Config.TTL]); any other answer frees the
//     key, since the request had no effect;
//   - a repeat with the same method, path and body (byte for byte: the
//     request's fingerprint) gets the kept answer again: status, Location,
//     Content-Type and body;
//   - a repeat with another body or route is 422;
//   - a repeat while the first is still running is 409; a request in flight
//     holds its key for at most 5 minutes ([Config.Lock]), after which the
//     key is free again, as when the server running it stopped;
//   - a request without the header is served as it is.
//
// # Several servers
//
// The keys are kept in a [Store]: with the SQL adapters (storage/sqlite,
// storage/postgres) in the database, so a repeat sent to another server
// sharing it is answered the same, and of two servers receiving the same
// key at once one runs the request. [Store.Begin] claims a key in one
// atomic step; the conformance suite (storage/storagetest.RunIdempotency)
// holds every adapter to the rules.
//
// The answer is stored after the request's work is done, in a separate
// step: a server that stops between the two leaves the key in flight until
// its lock passes, and a repeat after that runs the request again.
package idempotency
