package postgres

import "database/sql"

// SQL returns the database's connection pool, for tools that move whole
// tables at once (bookingkit copy). The domain packages go through
// [DB.Stores], which keeps the invariants that the tables alone do not.
func (db *DB) SQL() *sql.DB { return db.sql }
