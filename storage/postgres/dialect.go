package postgres

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/storage"
	"github.com/bookingkit/bookingkit/storage/internal/sqlstore"
)

// dialect is PostgreSQL's side of the SQL written once in storage/internal/sqlstore.
type dialect struct{}

func (dialect) Name() string { return "postgres" }

// Lock takes an advisory lock within the current schema (lockKey).
func (dialect) Lock(ctx context.Context, tx *sql.Tx, name string) error {
	_, err := tx.ExecContext(ctx, lockKey(name))
	return err
}

func (dialect) RowLocks() bool { return true }

// insertChunk is the most rows of one multi-row INSERT: 25 columns each
// stay well under PostgreSQL's 65535 parameters.
const insertChunk = 1000

// InsertRows writes one multi-row INSERT per chunk: a round trip per
// chunk, not per row.
func (dialect) InsertRows(ctx context.Context, tx *sql.Tx, table, columns string, n int, row func(int) []any) error {
	width := strings.Count(columns, ",") + 1
	for start := 0; start < n; start += insertChunk {
		end := min(n, start+insertChunk)
		args := make([]any, 0, (end-start)*width)
		for i := start; i < end; i++ {
			args = append(args, row(i)...)
		}
		values := sqlstore.Placeholders(1, end-start, width)
		if _, err := tx.ExecContext(ctx, "INSERT INTO "+table+" ("+columns+") VALUES "+values, args...); err != nil {
			return err
		}
	}
	return nil
}

func (dialect) TimeText(column string) string {
	return "to_char(" + column + " AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"
}

func (dialect) TimesAsText() bool { return false }

func (dialect) Position(text, sub string) string { return "strpos(" + text + ", " + sub + ")" }

// StandbyBookings: the standby bookings come from the index on
// (right(flight_key, 10), seq); "seq + 0" keeps the planner from walking
// the primary key in seq order instead.
func (dialect) StandbyBookings() string {
	return "right(flight_key, 10) >= $1 AND seq + 0 > $2 ORDER BY seq + 0 LIMIT $3"
}

// Translate names PostgreSQL's error codes in the domain's words.
func (dialect) Translate(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "23505": // unique_violation
			return storage.Refused(bookingkit.ErrConflict, storage.Exists(pe.TableName), err)
		case pe.Code == "40001", pe.Code == "40P01": // serialization_failure, deadlock_detected
			return storage.Refused(bookingkit.ErrConflict, storage.Concurrent, err)
		case pe.Code == "23503": // foreign_key_violation
			return storage.Refused(bookingkit.ErrInvalid, storage.Dangling(pe.TableName), err)
		case strings.HasPrefix(pe.Code, "23"): // other integrity violations
			return storage.Refused(bookingkit.ErrInvalid, storage.OutOfRange, err)
		case pe.Code == "22001", pe.Code == "22007", pe.Code == "22008", pe.Code == "22P02": // bad data
			return storage.Refused(bookingkit.ErrInvalid, storage.OutOfRange, err)
		}
	}
	return err
}
