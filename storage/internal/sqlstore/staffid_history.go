package sqlstore

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"github.com/bookingkit/bookingkit/staffid"
)

// reserveHistory inserts the import's history entry for keepHistory to
// complete: its ID marks the people the import creates before the plan is
// known. A rolled-back import takes the entry along.
func (s *StaffIDStore) reserveHistory(ctx context.Context, tx *sql.Tx) (int64, error) {
	id, err := scanOne[int64](tx.QueryRowContext(ctx, `INSERT INTO staffid_imports (at, source, report) VALUES ($1, '', '{}') RETURNING id`,
		time.Unix(0, 0).UTC()))
	return id, s.db.Err(err, "staffid: add import history")
}

// planChanges reads pl's updated and blocked people as stored before pl is
// written, for [staffid.Plan.Changes].
func (s *StaffIDStore) planChanges(ctx context.Context, tx *sql.Tx, pl *staffid.Plan) ([]staffid.ImportChange, error) {
	ids := make([]string, 0, len(pl.Update)+len(pl.Block))
	for _, p := range pl.Update {
		ids = append(ids, p.ID)
	}
	ids = append(ids, pl.Block...)
	before := make(map[string]staffid.Person, len(ids))
	for chunk := range slices.Chunk(ids, 500) {
		in, args := dollarList(nil, chunk)
		err := each(ctx, tx, scanStaffIDPerson, func(p staffid.Person) error {
			before[p.ID] = p
			return nil
		}, staffidSelectPerson+"WHERE id IN ("+in+")", args...)
		if err != nil {
			return nil, s.db.Err(err, "staffid: read changed people")
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

// keepHistory completes reserveHistory's entry with e and stores the
// changes.
func (s *StaffIDStore) keepHistory(ctx context.Context, tx *sql.Tx, id int64, e staffid.HistoryEntry, changes []staffid.ImportChange) (staffid.HistoryEntry, error) {
	e.ID, e.At = id, e.At.UTC()
	_, err := tx.ExecContext(ctx, `UPDATE staffid_imports SET at = $1, source = $2, actor = $3, forced = $4, invalid_records_omitted = $5, report = $6
		WHERE id = $7`, e.At, string(e.Source), e.Actor, e.Forced, e.InvalidRecordsOmitted, jsonText{e.Report}, id)
	if err != nil {
		return staffid.HistoryEntry{}, s.db.Err(err, "staffid: add import history")
	}
	err = s.db.Dialect.InsertRows(ctx, tx, "staffid_import_changes", "import_id, kind, person_id, name, employee_id, is_employee, fields",
		len(changes), func(i int) []any {
			c := changes[i]
			return []any{id, string(c.Kind), c.ID, c.Name, c.EmployeeID, c.IsEmployee, strings.Join(c.Fields, ",")}
		})
	return e, s.db.Err(err, "staffid: keep the import's changes")
}

// ImportChanges reads created people from staffid_people (named as
// [staffid.Person.FullName] does), the others from staffid_import_changes.
func (s *StaffIDStore) ImportChanges(ctx context.Context, q staffid.ChangesQuery) ([]staffid.ImportChange, error) {
	query, args := `SELECT person_id, name, employee_id, is_employee, fields FROM staffid_import_changes
		WHERE import_id = $1 AND person_id > $2 AND kind = $4 ORDER BY person_id LIMIT $3`,
		[]any{q.ImportID, q.AfterID, staffid.NormalizeLimit(q.Limit), string(q.Kind)}
	if q.Kind == staffid.ChangeCreated {
		query, args = `SELECT id, last_name || ' ' || first_name || CASE WHEN middle_name = '' THEN '' ELSE ' ' || middle_name END,
			employee_id, is_employee, '' FROM staffid_people WHERE created_import = $1 AND id > $2 ORDER BY id LIMIT $3`, args[:3]
	}
	out, err := list(ctx, s.db, "staffid: import changes", func(r scanner) (staffid.ImportChange, error) {
		c := staffid.ImportChange{Kind: q.Kind}
		var fields string
		err := r.Scan(&c.ID, &c.Name, &c.EmployeeID, &c.IsEmployee, &fields)
		if fields != "" {
			c.Fields = strings.Split(fields, ",")
		}
		return c, err
	}, query, args...)
	if err != nil || len(out) > 0 {
		return out, err
	}
	// Nobody: an import that changed no one of the kind, or no import.
	_, err = scanOne[int](s.db.SQL.QueryRowContext(ctx, "SELECT 1 FROM staffid_imports WHERE id = $1", q.ImportID))
	return out, s.db.Err(err, "staffid: import %d", q.ImportID)
}
