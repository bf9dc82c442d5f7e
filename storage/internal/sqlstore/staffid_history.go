package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"github.com/bookingkit/bookingkit/staffid"
)

// Who each import changed (migration 0560): the people it created carry
// its ID in staffid_people.created_import, written with their insert; the
// people it updated, blocked and unblocked are rows of
// staffid_import_changes, with the fields that changed.

// staffidChangesBatch is how many people one statement reads or writes
// for the changes: 7 parameters a row stays well within both databases'
// limits.
const staffidChangesBatch = 500

// reserveHistory inserts the history entry of the import under way, to
// be completed by keepHistory, and returns its ID: the people the import
// creates are marked with it as they are written, before the plan (and
// so the entry) is known. A rolled-back import takes its entry with it.
func (s *StaffIDStore) reserveHistory(ctx context.Context, tx *sql.Tx) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO staffid_imports (at, source, report) VALUES ($1, '', '{}') RETURNING id`,
		time.Unix(0, 0).UTC()).Scan(&id)
	if err != nil {
		return 0, s.db.Fail("staffid: add import history: %w", s.db.Translate(err))
	}
	return id, nil
}

// planChanges returns what the history keeps of pl's updated, unblocked
// and blocked people ([staffid.Plan.Changes]), reading them as they are
// stored before pl is written.
func (s *StaffIDStore) planChanges(ctx context.Context, tx *sql.Tx, pl *staffid.Plan) ([]staffid.ImportChange, error) {
	if len(pl.Update) == 0 && len(pl.Block) == 0 {
		return nil, nil
	}
	ids := make([]any, 0, len(pl.Update)+len(pl.Block))
	for _, p := range pl.Update {
		ids = append(ids, p.ID)
	}
	for _, id := range pl.Block {
		ids = append(ids, id)
	}
	before := make(map[string]staffid.Person, len(ids))
	for start := 0; start < len(ids); start += staffidChangesBatch {
		batch := ids[start:min(start+staffidChangesBatch, len(ids))]
		people, err := staffidQuery(ctx, s, tx, "read changed people", scanStaffIDPerson,
			staffidSelectPerson+"WHERE id IN ("+placeholders(1, len(batch), 1)+")", batch...)
		if err != nil {
			return nil, err
		}
		for _, p := range people {
			before[p.ID] = p
		}
	}
	return pl.Changes(func(id string) (staffid.Person, error) {
		p, ok := before[id]
		if !ok {
			return staffid.Person{}, s.db.Fail("staffid: person %s: %w", id, s.db.Translate(sql.ErrNoRows))
		}
		return p, nil
	})
}

// keepHistory completes the entry reserveHistory inserted with e and
// stores the changes, in the import's transaction.
func (s *StaffIDStore) keepHistory(ctx context.Context, tx *sql.Tx, id int64, e staffid.HistoryEntry, changes []staffid.ImportChange) (staffid.HistoryEntry, error) {
	report, err := json.Marshal(e.Report)
	if err != nil {
		return staffid.HistoryEntry{}, s.db.Fail("staffid: encoding the report: %w", err)
	}
	e.ID, e.At = id, e.At.UTC()
	_, err = tx.ExecContext(ctx, `UPDATE staffid_imports SET at = $1, source = $2, actor = $3, forced = $4, invalid_records_omitted = $5, report = $6
		WHERE id = $7`, e.At, string(e.Source), e.Actor, e.Forced, e.InvalidRecordsOmitted, string(report), id)
	if err != nil {
		return staffid.HistoryEntry{}, s.db.Fail("staffid: add import history: %w", s.db.Translate(err))
	}
	for start := 0; start < len(changes); start += staffidChangesBatch {
		batch := changes[start:min(start+staffidChangesBatch, len(changes))]
		args := make([]any, 0, 7*len(batch))
		for _, c := range batch {
			args = append(args, id, string(c.Kind), c.ID, c.Name, c.EmployeeID, c.IsEmployee, strings.Join(c.Fields, ","))
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO staffid_import_changes (import_id, kind, person_id, name, employee_id, is_employee, fields)
			VALUES `+placeholders(1, len(batch), 7), args...); err != nil {
			return staffid.HistoryEntry{}, s.db.Fail("staffid: keep the import's changes: %w", s.db.Translate(err))
		}
	}
	return e, nil
}

// ImportChanges returns a page of one kind of an import's changes: the
// people it created, read from staffid_people, or the others from
// staffid_import_changes.
func (s *StaffIDStore) ImportChanges(ctx context.Context, q staffid.ChangesQuery) ([]staffid.ImportChange, error) {
	limit := staffid.NormalizeLimit(q.Limit)
	var (
		out []staffid.ImportChange
		err error
	)
	if q.Kind == staffid.ChangeCreated {
		out, err = staffidQuery(ctx, s, s.db.SQL, "import changes", func(row interface{ Scan(...any) error }) (staffid.ImportChange, error) {
			var p staffid.Person
			err := row.Scan(&p.ID, &p.LastName, &p.FirstName, &p.MiddleName, &p.EmployeeID, &p.IsEmployee)
			return staffid.ImportChange{Kind: staffid.ChangeCreated,
				PersonChange: staffid.PersonChange{ID: p.ID, Name: p.FullName(), EmployeeID: p.EmployeeID, IsEmployee: p.IsEmployee}}, err
		}, `SELECT id, last_name, first_name, middle_name, employee_id, is_employee FROM staffid_people
			WHERE created_import = $1 AND id > $2 ORDER BY id LIMIT $3`, q.ImportID, q.AfterID, limit)
	} else {
		out, err = staffidQuery(ctx, s, s.db.SQL, "import changes", func(row interface{ Scan(...any) error }) (staffid.ImportChange, error) {
			c := staffid.ImportChange{Kind: q.Kind}
			var fields string
			err := row.Scan(&c.ID, &c.Name, &c.EmployeeID, &c.IsEmployee, &fields)
			if fields != "" {
				c.Fields = strings.Split(fields, ",")
			}
			return c, err
		}, `SELECT person_id, name, employee_id, is_employee, fields FROM staffid_import_changes
			WHERE import_id = $1 AND kind = $2 AND person_id > $3 ORDER BY person_id LIMIT $4`, q.ImportID, string(q.Kind), q.AfterID, limit)
	}
	if err != nil || len(out) > 0 {
		return out, err
	}
	// Nobody: an import that changed no one of the kind, or no import.
	var one int
	if err := s.db.SQL.QueryRowContext(ctx, "SELECT 1 FROM staffid_imports WHERE id = $1", q.ImportID).Scan(&one); err != nil {
		return nil, s.db.Fail("staffid: import %d: %w", q.ImportID, s.db.Translate(err))
	}
	return out, nil
}
