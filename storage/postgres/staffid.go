package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/storage/internal/sqlstore"
)

func newStaffIDStore(db *DB) staffid.Store { return sqlstore.NewStaffIDStore(db.core, staffidBulk{}) }

// staffidBulk writes with COPY, and updates and blocks in one statement each. Its
// stage is a COPY into staffid_people in the import's transaction, after the
// advisory lock, which stops only other imports.
type staffidBulk struct{}

// staffidPersonColumns are the columns an import writes, in staffidRow's order.
var staffidPersonColumns = []string{"id", "group_key", "is_employee", "guid", "last_name", "first_name", "middle_name",
	"last_name_eng", "first_name_eng", "middle_name_eng", "birth_day", "sex", "date_of_employment", "employee_id",
	"category_code", "email", "relation_degree", "digest", "blocked", "created_at", "updated_at", "blocked_at", "created_import"}

// staffidRow writes p into row, which pgx encodes before it asks for the next:
// the strings go by pointer, so a row costs no allocation but its dates'.
func staffidRow(row []any, p *staffid.Person, at, importID any) []any {
	return append(row[:0], &p.ID, &p.GroupKey, &p.IsEmployee, &p.GUID, &p.LastName, &p.FirstName, &p.MiddleName,
		&p.LastNameEng, &p.FirstNameEng, &p.MiddleNameEng, staffidDate(p.BirthDay), &p.Sex, staffidDate(p.DateOfEmployment),
		&p.EmployeeID, int16(p.CategoryCode), &p.Email, &p.RelationDegree, &p.Digest, false, at, at, nil, importID)
}

// staffidDate is d for a DATE column: NULL for the zero Date.
func staffidDate(d staffid.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.Time()
}

func (staffidBulk) Create(ctx context.Context, conn *sql.Conn, _ *sql.Tx, people []*staffid.Person, at time.Time, importID int64) error {
	return staffidCopy(ctx, conn, "staffid_people", people, at, importID)
}

// staffidCopy loads people into table with COPY, on conn's connection and
// so inside the transaction open on it.
func staffidCopy(ctx context.Context, conn *sql.Conn, table string, people []*staffid.Person, at time.Time, importID int64) error {
	row, ts, importIDArg := make([]any, 0, len(staffidPersonColumns)), any(at), any(importID)
	return conn.Raw(func(dc any) error {
		n, err := dc.(*stdlib.Conn).Conn().CopyFrom(ctx, pgx.Identifier{table}, staffidPersonColumns, pgx.CopyFromSlice(len(people), func(i int) ([]any, error) {
			return staffidRow(row, people[i], ts, importIDArg), nil
		}))
		if err == nil && n != int64(len(people)) {
			err = fmt.Errorf("copied %d of %d people", n, len(people))
		}
		return err
	})
}

// Update copies the people into a temporary table to write them in one UPDATE.
func (staffidBulk) Update(ctx context.Context, conn *sql.Conn, tx *sql.Tx, people []*staffid.Person, at time.Time) (sql.Result, error) {
	if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE staffid_stage (LIKE staffid_people INCLUDING DEFAULTS) ON COMMIT DROP`); err != nil {
		return nil, fmt.Errorf("staging table: %w", err)
	}
	if err := staffidCopy(ctx, conn, "staffid_stage", people, at, 0); err != nil {
		return nil, fmt.Errorf("stage updates: %w", err)
	}
	return tx.ExecContext(ctx, `UPDATE staffid_people p SET
		group_key = s.group_key, is_employee = s.is_employee, guid = s.guid,
		last_name = s.last_name, first_name = s.first_name, middle_name = s.middle_name,
		last_name_eng = s.last_name_eng, first_name_eng = s.first_name_eng, middle_name_eng = s.middle_name_eng,
		birth_day = s.birth_day, sex = s.sex, date_of_employment = s.date_of_employment, employee_id = s.employee_id,
		category_code = s.category_code, email = s.email, relation_degree = s.relation_degree, digest = s.digest,
		blocked = FALSE, blocked_at = NULL, updated_at = s.updated_at
		FROM staffid_stage s WHERE p.id = s.id`)
}

func (staffidBulk) Block(ctx context.Context, tx *sql.Tx, ids []string, at time.Time) (sql.Result, error) {
	return tx.ExecContext(ctx, "UPDATE staffid_people SET blocked = TRUE, blocked_at = $1, updated_at = $1 WHERE id = ANY($2)", at, ids)
}

// Stage copies the people straight into staffid_people, after a savepoint.
func (staffidBulk) Stage(ctx context.Context, conn *sql.Conn, tx *sql.Tx, next func() *staffid.Person, at time.Time, importID int64) error {
	if _, err := tx.ExecContext(ctx, "SAVEPOINT staffid_stage"); err != nil {
		return err
	}
	row, ts, importIDArg := make([]any, 0, len(staffidPersonColumns)), any(at), any(importID)
	return conn.Raw(func(dc any) error {
		_, err := dc.(*stdlib.Conn).Conn().CopyFrom(ctx, pgx.Identifier{"staffid_people"}, staffidPersonColumns, pgx.CopyFromFunc(func() ([]any, error) {
			if p := next(); p != nil {
				return staffidRow(row, p, ts, importIDArg), nil
			}
			return nil, nil
		}))
		return err
	})
}

// Staged forgets the people copied unless the plan creates them all: the stage
// ran after the lock, so none of them is stored now.
func (staffidBulk) Staged(ctx context.Context, _ *sql.Conn, tx *sql.Tx, staged, create int, _ time.Time, _ int64) error {
	switch create {
	case staged:
		return nil
	case 0:
		_, err := tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT staffid_stage")
		return err
	}
	return fmt.Errorf("the plan creates %d of the %d people staged after the lock", create, staged)
}
