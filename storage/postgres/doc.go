// Package postgres stores bookingkit's data in PostgreSQL, through pgx
// (github.com/jackc/pgx/v5) behind database/sql. It is the backend for
// deployments that outgrow one machine: several reference servers can share
// one database.
//
// [Open] connects and applies the embedded schema migrations. [DB.Stores]
// returns the database behind the domain packages' storage interfaces.
//
// # Several servers, one database
//
// Work that must not interleave (schema migrations, employee-list imports)
// takes a PostgreSQL advisory lock inside its transaction, scoped to the
// current schema, rather than a lock inside one process: a second server
// waits for the first one's transaction to end.
//
// # Tests
//
// The tests read the connection string from BOOKINGKIT_TEST_POSTGRES and skip
// when it is unset; see [github.com/bookingkit/bookingkit/storage/storagetest/pgtest].
package postgres
