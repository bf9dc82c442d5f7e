package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	sqlite3 "modernc.org/sqlite"
	sqlite3lib "modernc.org/sqlite/lib"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/storage"
)

// dialect is SQLite's side of the SQL written once in storage/internal/sqlstore.
type dialect struct{}

func (dialect) Name() string { return "sqlite" }

func (dialect) Lock(context.Context, *sql.Tx, string) error { return nil }

func (dialect) RowLocks() bool { return false }

// InsertRows runs one prepared statement per row: SQLite's parse of a
// multi-row INSERT grows with the square of its $N parameters.
func (dialect) InsertRows(ctx context.Context, tx *sql.Tx, table, columns string, n int, row func(int) []any) error {
	if n == 0 {
		return nil
	}
	ph := strings.TrimSuffix(strings.Repeat("?, ", strings.Count(columns, ",")+1), ", ")
	ins, err := tx.PrepareContext(ctx, "INSERT INTO "+table+" ("+columns+") VALUES ("+ph+")")
	if err != nil {
		return err
	}
	defer ins.Close()
	for i := range n {
		args := row(i)
		if _, err := ins.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("%s %v: %w", table, args[0], err)
		}
	}
	return nil
}

// TimeText is the column itself: the driver stores times as UTC text.
func (dialect) TimeText(column string) string { return column }
func (dialect) TimesAsText() bool             { return true }

func (dialect) Position(text, sub string) string { return "instr(" + text + ", " + sub + ")" }

// StandbyBookings: the standby bookings come from the index on
// (substr(flight_key, -10), seq); the unary plus keeps the planner from
// walking the seq range instead.
func (dialect) StandbyBookings() string { return standbyBookings }

const standbyBookings = "substr(flight_key, -10) >= $1 AND +seq > $2 ORDER BY seq LIMIT $3"

// Translate names SQLite's constraint violations in the domain's words.
func (dialect) Translate(err error) error {
	var se *sqlite3.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3lib.SQLITE_CONSTRAINT_UNIQUE, sqlite3lib.SQLITE_CONSTRAINT_PRIMARYKEY:
			return storage.Refused(bookingkit.ErrConflict, storage.Exists(constraintTable(se)), err)
		case sqlite3lib.SQLITE_CONSTRAINT_FOREIGNKEY:
			// SQLite does not say which table or key.
			return storage.Refused(bookingkit.ErrInvalid, storage.Dangling(""), err)
		case sqlite3lib.SQLITE_CONSTRAINT_CHECK, sqlite3lib.SQLITE_CONSTRAINT_NOTNULL:
			return storage.Refused(bookingkit.ErrInvalid, storage.OutOfRange, err)
		}
	}
	return err
}

// constraintTable returns the table that a UNIQUE or PRIMARY KEY
// violation names ("UNIQUE constraint failed: partner_licences.instance_id,
// partner_licences.login"), or "".
func constraintTable(se *sqlite3.Error) string {
	const words = "constraint failed: " // twice in the driver's text
	msg := se.Error()
	if i := strings.LastIndex(msg, words); i >= 0 {
		if table, _, ok := strings.Cut(msg[i+len(words):], "."); ok {
			return table
		}
	}
	return ""
}
