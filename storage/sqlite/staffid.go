package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	sqlite3 "modernc.org/sqlite"
	sqlite3lib "modernc.org/sqlite/lib"

	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/storage/internal/sqlstore"
)

func newStaffIDStore(db *DB) staffid.Store { return sqlstore.NewStaffIDStore(db.core, staffidBulk{}) }

// staffidBulk writes an import's people with one prepared statement per
// kind of change, reused for every row. Its stage is a temporary table of
// the import's connection, which takes none of the database's locks, so
// the import holds the write lock only once the list is read.
type staffidBulk struct{}

var _ sqlstore.StaffIDEarlyStage = staffidBulk{}

// Busy reports whether err is SQLite's "database is locked".
func (staffidBulk) Busy(err error) bool {
	var se *sqlite3.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3lib.SQLITE_BUSY
}

// staffidStageColumns are a Person's columns of the list, which the stage keeps.
const staffidStageColumns = `id, group_key, is_employee, guid, last_name, first_name, middle_name,
	last_name_eng, first_name_eng, middle_name_eng, birth_day, sex, date_of_employment, employee_id,
	category_code, email, relation_degree, digest`

// staffidListed appends p's staffidStageColumns to row, reused for every person.
func staffidListed(row []any, p *staffid.Person) []any {
	return append(row, p.ID, p.GroupKey, p.IsEmployee, p.GUID, p.LastName, p.FirstName, p.MiddleName,
		p.LastNameEng, p.FirstNameEng, p.MiddleNameEng, p.BirthDay.ISO(), p.Sex, p.DateOfEmployment.ISO(), p.EmployeeID,
		p.CategoryCode, p.Email, p.RelationDegree, p.Digest)
}

// Create inserts the people in ID order, which fills the primary key's
// B-tree page after page instead of touching pages at random.
func (staffidBulk) Create(ctx context.Context, _ *sql.Conn, tx *sql.Tx, people []*staffid.Person, at time.Time, importID int64) error {
	sorted := slices.SortedFunc(slices.Values(people), func(a, b *staffid.Person) int { return strings.Compare(a.ID, b.ID) })
	var row []any
	return dialect{}.InsertRows(ctx, tx, "staffid_people", staffidStageColumns+", blocked, created_at, updated_at, created_import",
		len(sorted), func(i int) []any {
			row = append(staffidListed(row[:0], sorted[i]), false, at, at, importID)
			return row
		})
}

func (staffidBulk) Update(ctx context.Context, _ *sql.Conn, tx *sql.Tx, people []*staffid.Person, at time.Time) (sql.Result, error) {
	stmt, err := tx.PrepareContext(ctx, `UPDATE staffid_people SET (`+strings.TrimPrefix(staffidStageColumns, "id, ")+`) =
		($2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18),
		blocked = FALSE, updated_at = $19, blocked_at = NULL WHERE id = $1`)
	if err != nil {
		return nil, err
	}
	defer stmt.Close()
	var row []any
	var updated driver.RowsAffected // sqlstore counts the people found
	for _, p := range people {
		row = append(staffidListed(row[:0], p), at)
		res, err := stmt.ExecContext(ctx, row...)
		if err != nil {
			return nil, err
		}
		n, _ := res.RowsAffected() // SQLite's driver always knows
		updated += driver.RowsAffected(n)
	}
	return updated, nil
}

func (staffidBulk) Block(ctx context.Context, tx *sql.Tx, ids []string, at time.Time) (sql.Result, error) {
	list, _ := json.Marshal(ids) // strings always encode
	return tx.ExecContext(ctx, `UPDATE staffid_people SET blocked = TRUE, blocked_at = $1, updated_at = $1
		WHERE id IN (SELECT value FROM json_each($2))`, at, string(list))
}

// Stage appends to temp.staffid_stage, without an index or column types, so that
// Staged copies each value into staffid_people as if bound there, in one statement.
func (staffidBulk) Stage(ctx context.Context, conn *sql.Conn, _ *sql.Tx, next func() *staffid.Person, _ time.Time, _ int64) error {
	for _, q := range []string{staffidImportCache, "CREATE TEMP TABLE IF NOT EXISTS staffid_stage (" + staffidStageColumns + ")",
		"DELETE FROM temp.staffid_stage", "SAVEPOINT staffid_stage"} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	stmt, err := conn.PrepareContext(ctx, `INSERT INTO temp.staffid_stage VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	var row []any
	for p := next(); p != nil; p = next() {
		row = staffidListed(row[:0], p)
		if _, err := stmt.ExecContext(ctx, row...); err != nil {
			return err
		}
	}
	_, err = conn.ExecContext(ctx, "RELEASE staffid_stage")
	return err
}

func (staffidBulk) DataVersion(ctx context.Context, conn *sql.Conn) (v int64, err error) {
	err = conn.QueryRowContext(ctx, "PRAGMA data_version").Scan(&v)
	return v, err
}

// staffidImportCache: the people's B-trees' page cache (Unstage restores 2 MiB); it
// also bounds the memory of sorting the stage, so the server's (docs/performance.md).
const staffidImportCache = "PRAGMA cache_size = -16384"

// Staged copies the stage into staffid_people in ID order, without the people
// another connection stored since it began.
func (staffidBulk) Staged(ctx context.Context, _ *sql.Conn, tx *sql.Tx, staged, create int, at time.Time, importID int64) error {
	if create == 0 {
		return nil
	}
	where := ""
	if create != staged {
		where = "WHERE NOT EXISTS (SELECT 1 FROM staffid_people p WHERE p.id = s.id) "
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO staffid_people (`+staffidStageColumns+`, blocked, created_at, updated_at, blocked_at, created_import)
		SELECT `+staffidStageColumns+`, FALSE, $1, $1, NULL, $2 FROM temp.staffid_stage s `+where+`ORDER BY id`, at, importID)
	if err != nil {
		return err
	}
	if got, err := res.RowsAffected(); err != nil || got != int64(create) {
		return fmt.Errorf("%d of %d staged people copied (%v)", got, create, err)
	}
	return nil
}

func (staffidBulk) StagedPeople() string {
	return `SELECT ` + staffidStageColumns + ` FROM temp.staffid_stage WHERE id IN (SELECT value FROM json_each($1)) ORDER BY id`
}

// Unstage ends a stage that failed half-way and drops the table.
func (staffidBulk) Unstage(ctx context.Context, conn *sql.Conn) {
	for _, q := range []string{"ROLLBACK TO staffid_stage", "RELEASE staffid_stage", "DROP TABLE IF EXISTS temp.staffid_stage",
		"PRAGMA cache_size = -2000", "PRAGMA shrink_memory"} {
		conn.ExecContext(ctx, q) //nolint:errcheck // no savepoint left is the usual case
	}
}
