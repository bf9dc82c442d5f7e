package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	sqlite3 "modernc.org/sqlite"
	sqlite3lib "modernc.org/sqlite/lib"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/staffid"
)

// StaffIDStore keeps the staff-travel people and the import history
// (tables staffid_people and staffid_imports, migration 0100).
type StaffIDStore struct{ db *DB }

var _ staffid.Store = (*StaffIDStore)(nil)

func newStaffIDStore(db *DB) staffid.Store { return &StaffIDStore{db: db} }

// staffidPersonColumns are the columns scanStaffIDPerson reads, in order.
const staffidPersonColumns = `id, group_key, is_employee, guid, last_name, first_name, middle_name,
	last_name_eng, first_name_eng, middle_name_eng, birth_day, sex, date_of_employment, employee_id,
	category_code, email, relation_degree, digest, blocked, created_at, updated_at, blocked_at`

func scanStaffIDPerson(row interface{ Scan(...any) error }) (staffid.Person, error) {
	var (
		p                 staffid.Person
		birth, employment string
		blockedAt         sql.NullTime
	)
	err := row.Scan(&p.ID, &p.GroupKey, &p.IsEmployee, &p.GUID, &p.LastName, &p.FirstName, &p.MiddleName,
		&p.LastNameEng, &p.FirstNameEng, &p.MiddleNameEng, &birth, &p.Sex, &employment, &p.EmployeeID,
		&p.CategoryCode, &p.Email, &p.RelationDegree, &p.Digest, &p.Blocked, &p.CreatedAt, &p.UpdatedAt, &blockedAt)
	if err != nil {
		return staffid.Person{}, err
	}
	if p.BirthDay, err = staffid.ParseISODate(birth); err != nil {
		return staffid.Person{}, fmt.Errorf("person %s: birth_day: %w", p.ID, err)
	}
	if p.DateOfEmployment, err = staffid.ParseISODate(employment); err != nil {
		return staffid.Person{}, fmt.Errorf("person %s: date_of_employment: %w", p.ID, err)
	}
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	if blockedAt.Valid {
		p.BlockedAt = blockedAt.Time.UTC()
	}
	return p, nil
}

// ApplyImport runs one import in one transaction: see
// [staffid.ImportStore.ApplyImport]. The transaction begins IMMEDIATE, so
// it holds SQLite's write lock from before it reads the people until it
// commits: a second import waits and then plans against the first one's
// result. It waits as long as ctx allows (as on PostgreSQL), not only the
// connection's 10 s busy timeout, which a 100 000-person import can
// outlast on a loaded machine. Creates and updates each go through one
// prepared statement reused for every row.
func (s *StaffIDStore) ApplyImport(ctx context.Context, plan func([]staffid.PersonState) (*staffid.Plan, error)) (staffid.HistoryEntry, error) {
	var entry staffid.HistoryEntry
	apply := func(tx *sql.Tx) error {
		current, err := staffidStates(ctx, tx)
		if err != nil {
			return err
		}
		pl, err := plan(current)
		if err != nil {
			return err
		}
		if pl == nil {
			return fail("staffid: the plan is nil: %w", bookingkit.ErrInvalid)
		}
		if err := staffidCreate(ctx, tx, pl.Create, pl.At); err != nil {
			return err
		}
		if err := staffidUpdate(ctx, tx, pl.Update, pl.At); err != nil {
			return err
		}
		if err := staffidBlock(ctx, tx, pl.Block, pl.At); err != nil {
			return err
		}
		entry, err = staffidAddHistory(ctx, tx, pl.Entry)
		return err
	}
	for {
		err := s.db.inTx(ctx, apply)
		if !isBusy(err) {
			if err != nil {
				return staffid.HistoryEntry{}, err
			}
			return entry, nil
		}
		// Still locked after the busy timeout: the whole transaction
		// again (the plan has no side effects), until ctx ends.
		select {
		case <-ctx.Done():
			return staffid.HistoryEntry{}, fail("staffid: waiting for another import: %w", err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// isBusy reports whether err is SQLite's "database is locked".
func isBusy(err error) bool {
	var se *sqlite3.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3lib.SQLITE_BUSY
}

// staffidStates reads the state of every stored person.
func staffidStates(ctx context.Context, tx *sql.Tx) ([]staffid.PersonState, error) {
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM staffid_people").Scan(&n); err != nil {
		return nil, fail("staffid: count people: %w", err)
	}
	rows, err := tx.QueryContext(ctx, "SELECT id, digest, blocked FROM staffid_people")
	if err != nil {
		return nil, fail("staffid: read people: %w", err)
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
		return nil, fail("staffid: read people: %w", err)
	}
	return current, nil
}

func staffidCreate(ctx context.Context, tx *sql.Tx, people []*staffid.Person, at time.Time) error {
	if len(people) == 0 {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO staffid_people (
		id, group_key, is_employee, guid, last_name, first_name, middle_name,
		last_name_eng, first_name_eng, middle_name_eng, birth_day, sex, date_of_employment, employee_id,
		category_code, email, relation_degree, digest, blocked, created_at, updated_at, blocked_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, FALSE, ?, ?, NULL)`)
	if err != nil {
		return fail("staffid: prepare insert: %w", err)
	}
	defer stmt.Close()
	// Inserting in key order fills the primary key's B-tree page after
	// page instead of touching pages at random.
	sorted := slices.Clone(people)
	slices.SortFunc(sorted, func(a, b *staffid.Person) int { return cmp.Compare(a.ID, b.ID) })
	ts := at.UTC()
	for _, p := range sorted {
		if _, err := stmt.ExecContext(ctx, p.ID, p.GroupKey, p.IsEmployee, p.GUID, p.LastName, p.FirstName, p.MiddleName,
			p.LastNameEng, p.FirstNameEng, p.MiddleNameEng, p.BirthDay.ISO(), p.Sex, p.DateOfEmployment.ISO(), p.EmployeeID,
			p.CategoryCode, p.Email, p.RelationDegree, p.Digest, ts, ts); err != nil {
			return fail("staffid: create person %s: %w", p.ID, translate(err))
		}
	}
	return nil
}

func staffidUpdate(ctx context.Context, tx *sql.Tx, people []*staffid.Person, at time.Time) error {
	if len(people) == 0 {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, `UPDATE staffid_people SET
		group_key = ?, is_employee = ?, guid = ?, last_name = ?, first_name = ?, middle_name = ?,
		last_name_eng = ?, first_name_eng = ?, middle_name_eng = ?, birth_day = ?, sex = ?, date_of_employment = ?,
		employee_id = ?, category_code = ?, email = ?, relation_degree = ?, digest = ?,
		blocked = FALSE, updated_at = ?, blocked_at = NULL
		WHERE id = ?`)
	if err != nil {
		return fail("staffid: prepare update: %w", err)
	}
	defer stmt.Close()
	ts := at.UTC()
	for _, p := range people {
		res, err := stmt.ExecContext(ctx, p.GroupKey, p.IsEmployee, p.GUID, p.LastName, p.FirstName, p.MiddleName,
			p.LastNameEng, p.FirstNameEng, p.MiddleNameEng, p.BirthDay.ISO(), p.Sex, p.DateOfEmployment.ISO(),
			p.EmployeeID, p.CategoryCode, p.Email, p.RelationDegree, p.Digest, ts, p.ID)
		if err := oneRow(res, err, "staffid: update person "+p.ID); err != nil {
			return err
		}
	}
	return nil
}

func staffidBlock(ctx context.Context, tx *sql.Tx, ids []string, at time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, "UPDATE staffid_people SET blocked = TRUE, blocked_at = ?, updated_at = ? WHERE id = ?")
	if err != nil {
		return fail("staffid: prepare block: %w", err)
	}
	defer stmt.Close()
	ts := at.UTC()
	for _, id := range ids {
		res, err := stmt.ExecContext(ctx, ts, ts, id)
		if err := oneRow(res, err, "staffid: block person "+id); err != nil {
			return err
		}
	}
	return nil
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func staffidAddHistory(ctx context.Context, db execer, e staffid.HistoryEntry) (staffid.HistoryEntry, error) {
	report, err := json.Marshal(e.Report)
	if err != nil {
		return staffid.HistoryEntry{}, fail("staffid: encoding the report: %w", err)
	}
	res, err := db.ExecContext(ctx, `INSERT INTO staffid_imports (at, source, actor, forced, invalid_records_omitted, report)
		VALUES (?, ?, ?, ?, ?, ?)`, e.At.UTC(), string(e.Source), e.Actor, e.Forced, e.InvalidRecordsOmitted, string(report))
	if err != nil {
		return staffid.HistoryEntry{}, fail("staffid: add import history: %w", translate(err))
	}
	if e.ID, err = res.LastInsertId(); err != nil {
		return staffid.HistoryEntry{}, fail("staffid: add import history: %w", err)
	}
	e.At = e.At.UTC()
	return e, nil
}

// AddImportHistory appends an entry for an upload refused before planning.
func (s *StaffIDStore) AddImportHistory(ctx context.Context, e staffid.HistoryEntry) (staffid.HistoryEntry, error) {
	return staffidAddHistory(ctx, s.db.sql, e)
}

const staffidHistoryColumns = "id, at, source, actor, forced, invalid_records_omitted, report"

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
	rows, err := s.db.sql.QueryContext(ctx, "SELECT "+staffidHistoryColumns+" FROM staffid_imports WHERE id < ? ORDER BY id DESC LIMIT ?",
		before, staffid.NormalizeLimit(q.Limit))
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
		return nil, fail("staffid: import history: %w", err)
	}
	return out, nil
}

// ImportEntry returns one history entry.
func (s *StaffIDStore) ImportEntry(ctx context.Context, id int64) (staffid.HistoryEntry, error) {
	e, err := scanStaffIDHistory(s.db.sql.QueryRowContext(ctx, "SELECT "+staffidHistoryColumns+" FROM staffid_imports WHERE id = ?", id))
	if err != nil {
		return staffid.HistoryEntry{}, fail("staffid: import %d: %w", id, translate(err))
	}
	return e, nil
}

// Person returns the person with the ID.
func (s *StaffIDStore) Person(ctx context.Context, id string) (staffid.Person, error) {
	p, err := scanStaffIDPerson(s.db.sql.QueryRowContext(ctx, "SELECT "+staffidPersonColumns+" FROM staffid_people WHERE id = ?", id))
	if err != nil {
		return staffid.Person{}, fail("staffid: person %s: %w", id, translate(err))
	}
	return p, nil
}

// GroupPeople returns a group's people: the employee first, then by ID.
func (s *StaffIDStore) GroupPeople(ctx context.Context, groupKey string) ([]staffid.Person, error) {
	return s.queryPeople(ctx, "group", "SELECT "+staffidPersonColumns+" FROM staffid_people WHERE group_key = ? ORDER BY is_employee DESC, id", groupKey)
}

// People returns a keyset page of people in ascending ID order.
func (s *StaffIDStore) People(ctx context.Context, q staffid.PeopleQuery) ([]staffid.Person, error) {
	where := "id > ?"
	switch q.State {
	case staffid.OnlyActive:
		where = "blocked = FALSE AND id > ?"
	case staffid.OnlyBlocked:
		where = "blocked = TRUE AND id > ?"
	}
	return s.queryPeople(ctx, "people", "SELECT "+staffidPersonColumns+" FROM staffid_people WHERE "+where+" ORDER BY id LIMIT ?",
		q.AfterID, staffid.NormalizeLimit(q.Limit))
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
		return nil, fail("staffid: %s: %w", what, err)
	}
	return out, nil
}
