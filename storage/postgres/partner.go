package postgres

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"github.com/bookingkit/bookingkit/partner"
	"github.com/bookingkit/bookingkit/storage/internal/sqlstore"
)

func newPartnerStore(db *DB) partner.Store { return sqlstore.NewPartnerStore(db.core, partnerSQL{}) }

// partnerSQL is PostgreSQL's side of the partner store.
type partnerSQL struct{}

func (partnerSQL) ForShare() string { return " FOR SHARE" }

func (partnerSQL) Month(column string) string {
	return "to_char(" + column + " AT TIME ZONE 'UTC', 'YYYY-MM')"
}

func (partnerSQL) Position(text, sub string) string { return "strpos(" + text + ", " + sub + ")" }

// partnerInsertChunk is the most rows of one multi-row INSERT: 25 columns
// each stay well under PostgreSQL's 65535 parameters.
const partnerInsertChunk = 1000

// InsertRows writes one multi-row INSERT per chunk: a round trip per
// chunk, not per row.
func (partnerSQL) InsertRows(ctx context.Context, tx *sql.Tx, table, columns string, n int, row func(int) []any) error {
	for start := 0; start < n; start += partnerInsertChunk {
		var args []any
		values := make([]string, 0, partnerInsertChunk)
		for i := start; i < min(n, start+partnerInsertChunk); i++ {
			a := row(i)
			ph := make([]string, len(a))
			for j := range a {
				ph[j] = "$" + strconv.Itoa(len(args)+j+1)
			}
			values = append(values, "("+strings.Join(ph, ", ")+")")
			args = append(args, a...)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO "+table+" ("+columns+") VALUES "+strings.Join(values, ", "), args...); err != nil {
			return err
		}
	}
	return nil
}
