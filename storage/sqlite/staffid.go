package sqlite

import (
	"cmp"
	"context"
	"database/sql"
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

func (staffidBulk) Create(ctx context.Context, _ *sql.Conn, tx *sql.Tx, people []*staffid.Person, at time.Time) error {
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO staffid_people (
		id, group_key, is_employee, guid, last_name, first_name, middle_name,
		last_name_eng, first_name_eng, middle_name_eng, birth_day, sex, date_of_employment, employee_id,
		category_code, email, relation_degree, digest, blocked, created_at, updated_at, blocked_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, FALSE, ?, ?, NULL)`)
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
			p.CategoryCode, p.Email, p.RelationDegree, p.Digest, at, at); err != nil {
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
