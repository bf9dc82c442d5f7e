package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/staffid"
)

// StaffIDStore keeps the staff-travel people and the import history
// (tables staffid_people and staffid_imports, migration 0100).
type StaffIDStore struct{ db *DB }

var _ staffid.Store = (*StaffIDStore)(nil)

func newStaffIDStore(db *DB) staffid.Store { return &StaffIDStore{db: db} }

// staffidPersonColumns are the columns of staffid_people that an import
// writes from a Person, in the order of staffidPersonRow.
var staffidPersonColumns = []string{"id", "group_key", "is_employee", "guid", "last_name", "first_name", "middle_name",
	"last_name_eng", "first_name_eng", "middle_name_eng", "birth_day", "sex", "date_of_employment", "employee_id",
	"category_code", "email", "relation_degree", "digest", "blocked", "created_at", "updated_at", "blocked_at"}

// staffidPersonRow is p as a row of staffidPersonColumns, for COPY.
func staffidPersonRow(p *staffid.Person, at time.Time) []any {
	return []any{p.ID, p.GroupKey, p.IsEmployee, p.GUID, p.LastName, p.FirstName, p.MiddleName,
		p.LastNameEng, p.FirstNameEng, p.MiddleNameEng, staffidDate(p.BirthDay), p.Sex, staffidDate(p.DateOfEmployment), p.EmployeeID,
		int16(p.CategoryCode), p.Email, p.RelationDegree, p.Digest, false, at, at, nil}
}

// staffidDate is d for a DATE column: NULL for the zero Date.
func staffidDate(d staffid.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.Time()
}

const staffidSelectPerson = `SELECT id, group_key, is_employee, guid, last_name, first_name, middle_name,
	last_name_eng, first_name_eng, middle_name_eng, birth_day, sex, date_of_employment, employee_id,
	category_code, email, relation_degree, digest, blocked, created_at, updated_at, blocked_at FROM staffid_people `

func scanStaffIDPerson(row interface{ Scan(...any) error }) (staffid.Person, error) {
	var (
		p                            staffid.Person
		birth, employment, blockedAt sql.NullTime
	)
	err := row.Scan(&p.ID, &p.GroupKey, &p.IsEmployee, &p.GUID, &p.LastName, &p.FirstName, &p.MiddleName,
		&p.LastNameEng, &p.FirstNameEng, &p.MiddleNameEng, &birth, &p.Sex, &employment, &p.EmployeeID,
		&p.CategoryCode, &p.Email, &p.RelationDegree, &p.Digest, &p.Blocked, &p.CreatedAt, &p.UpdatedAt, &blockedAt)
	if err != nil {
		return staffid.Person{}, err
	}
	if birth.Valid {
		p.BirthDay = staffid.DateOf(birth.Time.UTC())
	}
	if employment.Valid {
		p.DateOfEmployment = staffid.DateOf(employment.Time.UTC())
	}
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	if blockedAt.Valid {
		p.BlockedAt = blockedAt.Time.UTC()
	}
	return p, nil
}

// ApplyImport runs one import in one transaction: see
// [staffid.ImportStore.ApplyImport]. A transaction-scoped advisory lock
// serialises imports across every process sharing the schema; the people
// are read after it is taken, so the plan sees the previous import's
// result. New people are loaded with COPY; updated ones are copied into a
// temporary staging table and written by one UPDATE … FROM; blocked ones
// by one UPDATE … WHERE id = ANY(…).
func (s *StaffIDStore) ApplyImport(ctx context.Context, plan func([]staffid.PersonState) (*staffid.Plan, error)) (staffid.HistoryEntry, error) {
	conn, err := s.db.sql.Conn(ctx)
	if err != nil {
		return staffid.HistoryEntry{}, fail("staffid: %w", translate(err))
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return staffid.HistoryEntry{}, fail("staffid: %w", translate(err))
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit

	if _, err := tx.ExecContext(ctx, lockKey("staffid.import")); err != nil {
		return staffid.HistoryEntry{}, fail("staffid: lock: %w", translate(err))
	}
	current, err := staffidStates(ctx, tx)
	if err != nil {
		return staffid.HistoryEntry{}, err
	}
	pl, err := plan(current)
	if err != nil {
		return staffid.HistoryEntry{}, err
	}
	if pl == nil {
		return staffid.HistoryEntry{}, fail("staffid: the plan is nil: %w", bookingkit.ErrInvalid)
	}
	at := pl.At.UTC()
	if err := staffidCopy(ctx, conn, "staffid_people", pl.Create, at); err != nil {
		return staffid.HistoryEntry{}, fail("staffid: create people: %w", translate(err))
	}
	if err := staffidUpdate(ctx, conn, tx, pl.Update, at); err != nil {
		return staffid.HistoryEntry{}, err
	}
	if len(pl.Block) > 0 {
		res, err := tx.ExecContext(ctx, "UPDATE staffid_people SET blocked = TRUE, blocked_at = $1, updated_at = $1 WHERE id = ANY($2)", at, pl.Block)
		if err := staffidRowsAffected(res, err, len(pl.Block), "block people"); err != nil {
			return staffid.HistoryEntry{}, err
		}
	}
	entry, err := staffidAddHistory(ctx, tx, pl.Entry)
	if err != nil {
		return staffid.HistoryEntry{}, err
	}
	if err := tx.Commit(); err != nil {
		return staffid.HistoryEntry{}, fail("staffid: commit: %w", translate(err))
	}
	return entry, nil
}

// staffidStates reads the state of every stored person.
func staffidStates(ctx context.Context, tx *sql.Tx) ([]staffid.PersonState, error) {
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM staffid_people").Scan(&n); err != nil {
		return nil, fail("staffid: count people: %w", translate(err))
	}
	rows, err := tx.QueryContext(ctx, "SELECT id, digest, blocked FROM staffid_people")
	if err != nil {
		return nil, fail("staffid: read people: %w", translate(err))
	}
	defer rows.Close()
	current := make([]staffid.PersonState, 0, n)
	for rows.Next() {
		var st staffid.PersonState
		if err := rows.Scan(&st.ID, &st.Digest, &st.Blocked); err != nil {
			return nil, fail("staffid: read people: %w", err)
		}
		current = append(current, st)
	}
	if err := rows.Err(); err != nil {
		return nil, fail("staffid: read people: %w", translate(err))
	}
	return current, nil
}

// staffidCopy loads people into table with COPY, on conn's connection and
// so inside the transaction open on it.
func staffidCopy(ctx context.Context, conn *sql.Conn, table string, people []*staffid.Person, at time.Time) error {
	if len(people) == 0 {
		return nil
	}
	return conn.Raw(func(dc any) error {
		c := dc.(*stdlib.Conn).Conn()
		n, err := c.CopyFrom(ctx, pgx.Identifier{table}, staffidPersonColumns, pgx.CopyFromSlice(len(people), func(i int) ([]any, error) {
			return staffidPersonRow(people[i], at), nil
		}))
		if err != nil {
			return err
		}
		if n != int64(len(people)) {
			return fmt.Errorf("copied %d of %d people", n, len(people))
		}
		return nil
	})
}

// staffidUpdate overwrites the people's fields from a staging table, all
// in one statement, and unblocks them.
func staffidUpdate(ctx context.Context, conn *sql.Conn, tx *sql.Tx, people []*staffid.Person, at time.Time) error {
	if len(people) == 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE staffid_stage (LIKE staffid_people INCLUDING DEFAULTS) ON COMMIT DROP`); err != nil {
		return fail("staffid: staging table: %w", translate(err))
	}
	if err := staffidCopy(ctx, conn, "staffid_stage", people, at); err != nil {
		return fail("staffid: stage updates: %w", translate(err))
	}
	res, err := tx.ExecContext(ctx, `UPDATE staffid_people p SET
		group_key = s.group_key, is_employee = s.is_employee, guid = s.guid,
		last_name = s.last_name, first_name = s.first_name, middle_name = s.middle_name,
		last_name_eng = s.last_name_eng, first_name_eng = s.first_name_eng, middle_name_eng = s.middle_name_eng,
		birth_day = s.birth_day, sex = s.sex, date_of_employment = s.date_of_employment, employee_id = s.employee_id,
		category_code = s.category_code, email = s.email, relation_degree = s.relation_degree, digest = s.digest,
		blocked = FALSE, blocked_at = NULL, updated_at = s.updated_at
		FROM staffid_stage s WHERE p.id = s.id`)
	if err := staffidRowsAffected(res, err, len(people), "update people"); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "DROP TABLE staffid_stage"); err != nil {
		return fail("staffid: drop staging table: %w", translate(err))
	}
	return nil
}

// staffidRowsAffected checks that a bulk UPDATE touched every one of the
// want rows: fewer means some ID is not stored.
func staffidRowsAffected(res sql.Result, err error, want int, what string) error {
	if err != nil {
		return fail("staffid: %s: %w", what, translate(err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fail("staffid: %s: %w", what, err)
	}
	if n != int64(want) {
		return fail("staffid: %s: %d of %d found: %w", what, n, want, bookingkit.ErrNotFound)
	}
	return nil
}

type queryRower interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func staffidAddHistory(ctx context.Context, db queryRower, e staffid.HistoryEntry) (staffid.HistoryEntry, error) {
	report, err := json.Marshal(e.Report)
	if err != nil {
		return staffid.HistoryEntry{}, fail("staffid: encoding the report: %w", err)
	}
	e.At = e.At.UTC()
	err = db.QueryRowContext(ctx, `INSERT INTO staffid_imports (at, source, actor, forced, invalid_records_omitted, report)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, e.At, string(e.Source), e.Actor, e.Forced, e.InvalidRecordsOmitted, string(report)).Scan(&e.ID)
	if err != nil {
		return staffid.HistoryEntry{}, fail("staffid: add import history: %w", translate(err))
	}
	return e, nil
}

// AddImportHistory appends an entry for an upload refused before planning.
func (s *StaffIDStore) AddImportHistory(ctx context.Context, e staffid.HistoryEntry) (staffid.HistoryEntry, error) {
	return staffidAddHistory(ctx, s.db.sql, e)
}

const staffidSelectHistory = "SELECT id, at, source, actor, forced, invalid_records_omitted, report FROM staffid_imports "

func scanStaffIDHistory(row interface{ Scan(...any) error }) (staffid.HistoryEntry, error) {
	var (
		e      staffid.HistoryEntry
		source string
		report []byte
	)
	if err := row.Scan(&e.ID, &e.At, &source, &e.Actor, &e.Forced, &e.InvalidRecordsOmitted, &report); err != nil {
		return staffid.HistoryEntry{}, err
	}
	e.Source, e.At = staffid.Source(source), e.At.UTC()
	if err := json.Unmarshal(report, &e.Report); err != nil {
		return staffid.HistoryEntry{}, fmt.Errorf("decoding the report of import %d: %w", e.ID, err)
	}
	return e, nil
}

// ImportHistory returns entries newest first, below q.BeforeID.
func (s *StaffIDStore) ImportHistory(ctx context.Context, q staffid.HistoryQuery) ([]staffid.HistoryEntry, error) {
	before := q.BeforeID
	if before <= 0 {
		before = math.MaxInt64
	}
	rows, err := s.db.sql.QueryContext(ctx, staffidSelectHistory+"WHERE id < $1 ORDER BY id DESC LIMIT $2", before, staffid.NormalizeLimit(q.Limit))
	if err != nil {
		return nil, fail("staffid: import history: %w", translate(err))
	}
	defer rows.Close()
	out := []staffid.HistoryEntry{}
	for rows.Next() {
		e, err := scanStaffIDHistory(rows)
		if err != nil {
			return nil, fail("staffid: import history: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fail("staffid: import history: %w", translate(err))
	}
	return out, nil
}

// ImportEntry returns one history entry.
func (s *StaffIDStore) ImportEntry(ctx context.Context, id int64) (staffid.HistoryEntry, error) {
	e, err := scanStaffIDHistory(s.db.sql.QueryRowContext(ctx, staffidSelectHistory+"WHERE id = $1", id))
	if err != nil {
		return staffid.HistoryEntry{}, fail("staffid: import %d: %w", id, translate(err))
	}
	return e, nil
}

// Person returns the person with the ID.
func (s *StaffIDStore) Person(ctx context.Context, id string) (staffid.Person, error) {
	p, err := scanStaffIDPerson(s.db.sql.QueryRowContext(ctx, staffidSelectPerson+"WHERE id = $1", id))
	if err != nil {
		return staffid.Person{}, fail("staffid: person %s: %w", id, translate(err))
	}
	return p, nil
}

// GroupPeople returns a group's people: the employee first, then by ID.
func (s *StaffIDStore) GroupPeople(ctx context.Context, groupKey string) ([]staffid.Person, error) {
	return s.queryPeople(ctx, "group", staffidSelectPerson+"WHERE group_key = $1 ORDER BY is_employee DESC, id", groupKey)
}

// People returns a keyset page of people in ascending ID order.
func (s *StaffIDStore) People(ctx context.Context, q staffid.PeopleQuery) ([]staffid.Person, error) {
	where := "WHERE id > $1"
	switch q.State {
	case staffid.OnlyActive:
		where = "WHERE NOT blocked AND id > $1"
	case staffid.OnlyBlocked:
		where = "WHERE blocked AND id > $1"
	}
	return s.queryPeople(ctx, "people", staffidSelectPerson+where+" ORDER BY id LIMIT $2", q.AfterID, staffid.NormalizeLimit(q.Limit))
}

func (s *StaffIDStore) queryPeople(ctx context.Context, what, query string, args ...any) ([]staffid.Person, error) {
	rows, err := s.db.sql.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fail("staffid: %s: %w", what, translate(err))
	}
	defer rows.Close()
	out := []staffid.Person{}
	for rows.Next() {
		p, err := scanStaffIDPerson(rows)
		if err != nil {
			return nil, fail("staffid: %s: %w", what, err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fail("staffid: %s: %w", what, translate(err))
	}
	return out, nil
}
