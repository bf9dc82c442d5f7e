package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/bookingkit/bookingkit/partner"
	"github.com/bookingkit/bookingkit/storage/internal/sqlstore"
)

func newPartnerStore(db *DB) partner.Store { return sqlstore.NewPartnerStore(db.core, partnerSQL{}) }

// partnerSQL is SQLite's side of the partner store.
type partnerSQL struct{}

// ForShare is empty: the transaction holds the write lock from its start
// (BEGIN IMMEDIATE), so nothing it reads can change before the commit.
func (partnerSQL) ForShare() string { return "" }

// Month: times are stored as UTC text "2006-01-02 15:04:05…", whose
// month is the first seven characters.
func (partnerSQL) Month(column string) string { return "substr(" + column + ", 1, 7)" }

func (partnerSQL) Position(text, sub string) string { return "instr(" + text + ", " + sub + ")" }

// InsertRows runs one prepared statement per row. Not a multi-row INSERT:
// SQLite looks each $N up by name among the parameters parsed before it,
// so parsing one grows with the square of its parameters (2 s for 1 000
// rows of 25), and ? would not serve PostgreSQL.
func (partnerSQL) InsertRows(ctx context.Context, tx *sql.Tx, table, columns string, n int, row func(int) []any) error {
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
