// Package storage describes how bookingkit keeps its data; the adapters live
// in its sub-packages, each named after its technology:
//
//   - [github.com/bookingkit/bookingkit/storage/memory]: everything in the process's memory; for tests and embedding.
//   - [github.com/bookingkit/bookingkit/storage/sqlite]: one SQLite file (pure Go, no cgo); the embedded default.
//   - [github.com/bookingkit/bookingkit/storage/postgres]: PostgreSQL through pgx, for deployments that outgrow one machine.
//
// The domain packages (staffid, standby, mogu, partner) each declare the
// storage interface they need; the adapters import the domain packages and
// implement those interfaces, never the other way round. Every adapter runs
// the same conformance suite, [github.com/bookingkit/bookingkit/storage/storagetest],
// and translates its driver's errors into the sentinels of package
// [github.com/bookingkit/bookingkit] (a unique violation is ErrConflict, a
// missing row ErrNotFound), which the suite checks. The adapters wrap
// their errors with [Fail] and translate the driver's with [Refused]: a
// *bookingkit.StorageError, whose text keeps the driver's detail for logs
// and whose Message says in the domain's words what a caller may know
// ("a licence with this login, serial or PIN on the instance already
// exists"), never SQL, a table or the adapter's name.
//
// # Schema migrations
//
// The SQL adapters embed their schema as ordered files
// (migrations/NNNN_name.sql) and apply the missing ones when opened, each in
// its own transaction, recorded in the table schema_migrations. Version
// ranges by module: 0001–0099 platform, 0100–0199 staffid, 0200–0299 standby,
// 0300–0399 mogu, 0400–0499 partner.
package storage
