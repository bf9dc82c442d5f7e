package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	sqlite3 "modernc.org/sqlite"
	sqlite3lib "modernc.org/sqlite/lib"

	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/storage/internal/sqlstore"
)

func newStaffIDStore(db *DB) staffid.Store { return sqlstore.NewStaffIDStore(db.core, staffidBulk{}) }

// staffidBulk writes an import's people with one prepared statement per
// kind of change, reused for every row.
type staffidBulk struct{}

// Busy reports whether err is SQLite's "database is locked".
func (staffidBulk) Busy(err error) bool {
	var se *sqlite3.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3lib.SQLITE_BUSY
}

func (staffidBulk) Create(ctx context.Context, _ *sql.Conn, tx *sql.Tx, people []*staffid.Person, at time.Time, importID int64) error {
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO staffid_people (`+staffidStageColumns+`, blocked, created_at, updated_at, blocked_at, created_import)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, FALSE, ?, ?, NULL, ?)`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	// Inserting in key order fills the primary key's B-tree page after
	// page instead of touching pages at random.
	sorted := slices.Clone(people)
	slices.SortFunc(sorted, func(a, b *staffid.Person) int { return cmp.Compare(a.ID, b.ID) })
	for _, p := range sorted {
		if _, err := stmt.ExecContext(ctx, p.ID, p.GroupKey, p.IsEmployee, p.GUID, p.LastName, p.FirstName, p.MiddleName,
			p.LastNameEng, p.FirstNameEng, p.MiddleNameEng, p.BirthDay.ISO(), p.Sex, p.DateOfEmployment.ISO(), p.EmployeeID,
			p.CategoryCode, p.Email, p.RelationDegree, p.Digest, at, at, importID); err != nil {
			return fmt.Errorf("person %s: %w", p.ID, err)
		}
	}
	return nil
}

func (staffidBulk) Update(ctx context.Context, _ *sql.Conn, tx *sql.Tx, people []*staffid.Person, at time.Time) error {
	stmt, err := tx.PrepareContext(ctx, `UPDATE staffid_people SET
		group_key = ?, is_employee = ?, guid = ?, last_name = ?, first_name = ?, middle_name = ?,
		last_name_eng = ?, first_name_eng = ?, middle_name_eng = ?, birth_day = ?, sex = ?, date_of_employment = ?,
		employee_id = ?, category_code = ?, email = ?, relation_degree = ?, digest = ?,
		blocked = FALSE, updated_at = ?, blocked_at = NULL
		WHERE id = ?`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, p := range people {
		res, err := stmt.ExecContext(ctx, p.GroupKey, p.IsEmployee, p.GUID, p.LastName, p.FirstName, p.MiddleName,
			p.LastNameEng, p.FirstNameEng, p.MiddleNameEng, p.BirthDay.ISO(), p.Sex, p.DateOfEmployment.ISO(),
			p.EmployeeID, p.CategoryCode, p.Email, p.RelationDegree, p.Digest, at, p.ID)
		if err := oneRow(res, err, "staffid: update person "+p.ID); err != nil {
			return err
		}
	}
	return nil
}

func (staffidBulk) Block(ctx context.Context, tx *sql.Tx, ids []string, at time.Time) error {
	stmt, err := tx.PrepareContext(ctx, "UPDATE staffid_people SET blocked = TRUE, blocked_at = ?, updated_at = ? WHERE id = ?")
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, id := range ids {
		res, err := stmt.ExecContext(ctx, at, at, id)
		if err := oneRow(res, err, "staffid: block person "+id); err != nil {
			return err
		}
	}
	return nil
}

// StageInTx is false: the stage goes into a temporary table of the
// connection, which takes none of the database's locks, so the import
// holds the write lock only once the list is read.
func (staffidBulk) StageInTx() bool { return false }

// staffidStageColumns are the columns of a Person that the stage keeps.
const staffidStageColumns = `id, group_key, is_employee, guid, last_name, first_name, middle_name,
	last_name_eng, first_name_eng, middle_name_eng, birth_day, sex, date_of_employment, employee_id,
	category_code, email, relation_degree, digest`

// Stage inserts the people into temp.staffid_stage, columns without a
// type, so that each value goes into staffid_people later as if bound
// there. The table has no index: each row is appended, and the
// B-trees of staffid_people are filled later in ID order, in one
// statement (Staged).
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
	for p := next(); p != nil; p = next() {
		if _, err := stmt.ExecContext(ctx, p.ID, p.GroupKey, p.IsEmployee, p.GUID, p.LastName, p.FirstName, p.MiddleName,
			p.LastNameEng, p.FirstNameEng, p.MiddleNameEng, p.BirthDay.ISO(), p.Sex, p.DateOfEmployment.ISO(), p.EmployeeID,
			p.CategoryCode, p.Email, p.RelationDegree, p.Digest); err != nil {
			return err
		}
	}
	_, err = conn.ExecContext(ctx, "RELEASE staffid_stage")
	return err
}

// DataVersion is PRAGMA data_version, which changes when another
// connection commits.
func (staffidBulk) DataVersion(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}) (v int64, err error) {
	return v, q.QueryRowContext(ctx, "PRAGMA data_version").Scan(&v)
}

// staffidImportCache gives the import's connection a page cache of 16 MiB
// (SQLite's default is 2 MiB, and Unstage brings it back): more of the
// people's B-trees stay in memory while they are written, instead of
// pages going to the WAL and being read back again and again. It is also
// how much the sort of the staged people into the table holds in memory
// before it spills to a temporary file, so it bounds the server's memory
// during an import: with 64 MiB, a 500 000-person upload peaked at 513 MB,
// with 16 MiB at 285 MB (docs/performance.md).
const staffidImportCache = "PRAGMA cache_size = -16384"

// Staged copies the stage into staffid_people in ID order: all of it, or,
// when another connection stored some of its people since the stage
// began, those that are not stored.
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

// StagedPeople reads staged people back from the stage.
func (staffidBulk) StagedPeople(ctx context.Context, tx *sql.Tx, ids []string) ([]*staffid.Person, error) {
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+staffidStageColumns+` FROM temp.staffid_stage
		WHERE id IN (SELECT value FROM json_each($1)) ORDER BY id`, string(list))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var people []*staffid.Person
	for rows.Next() {
		var (
			p             staffid.Person
			birth, joined string
		)
		if err := rows.Scan(&p.ID, &p.GroupKey, &p.IsEmployee, &p.GUID, &p.LastName, &p.FirstName, &p.MiddleName,
			&p.LastNameEng, &p.FirstNameEng, &p.MiddleNameEng, &birth, &p.Sex, &joined, &p.EmployeeID,
			&p.CategoryCode, &p.Email, &p.RelationDegree, &p.Digest); err != nil {
			return nil, err
		}
		if p.BirthDay, err = staffid.ParseISODate(birth); err == nil {
			p.DateOfEmployment, err = staffid.ParseISODate(joined)
		}
		if err != nil {
			return nil, fmt.Errorf("staged person %s: %w", p.ID, err)
		}
		people = append(people, &p)
	}
	return people, rows.Err()
}

// Unstage ends a stage that failed half-way and drops the table.
func (staffidBulk) Unstage(ctx context.Context, conn *sql.Conn) {
	for _, q := range []string{"ROLLBACK TO staffid_stage", "RELEASE staffid_stage", "DROP TABLE IF EXISTS temp.staffid_stage",
		"PRAGMA cache_size = -2000", "PRAGMA shrink_memory"} {
		conn.ExecContext(ctx, q) //nolint:errcheck // no savepoint left is the usual case
	}
}
