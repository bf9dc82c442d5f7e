package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/bookingkit/bookingkit/staffid"
)

// StaffIDHeldStore keeps the held employee list ([staffid.HeldListStore];
// table staffid_held, migration 0570): one row at most, the newest. Each
// method is one transaction that takes the lock "staffid.held", so that
// of two calls at once one sees the other's result (on SQLite every
// transaction holds the write lock already).
type StaffIDHeldStore struct{ db *DB }

var _ staffid.HeldListStore = (*StaffIDHeldStore)(nil)

// NewStaffIDHeldStore returns the held list's store on db.
func NewStaffIDHeldStore(db *DB) *StaffIDHeldStore { return &StaffIDHeldStore{db: db} }

// inTx runs fn in a transaction holding the held list's lock.
func (s *StaffIDHeldStore) inTx(ctx context.Context, what string, fn func(*sql.Tx) error) error {
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.db.Dialect.Lock(ctx, tx, "staffid.held"); err != nil {
			return err
		}
		return fn(tx)
	})
	if err != nil {
		return s.db.Fail("staffid: %s: %w", what, err)
	}
	return nil
}

// heldID returns the ID of the held list, 0 when none is held.
func heldID(ctx context.Context, tx *sql.Tx) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, "SELECT id FROM staffid_held").Scan(&id)
	if isNoRows(err) {
		return 0, nil
	}
	return id, err
}

// Hold keeps l as the held list unless a newer one is held.
func (s *StaffIDHeldStore) Hold(ctx context.Context, l staffid.HeldList) (int64, error) {
	counts, err := json.Marshal(l.Counts)
	if err != nil {
		return 0, s.db.Fail("staffid: encoding the held list's counts: %w", err)
	}
	report, err := json.Marshal(l.Report)
	if err != nil {
		return 0, s.db.Fail("staffid: encoding the held list's report: %w", err)
	}
	list := l.List
	if list == nil {
		list = []byte{}
	}
	var dropped int64
	err = s.inTx(ctx, "hold the list", func(tx *sql.Tx) error {
		id, err := heldID(ctx, tx)
		switch {
		case err != nil:
			return err
		case id >= l.ID:
			dropped = l.ID
			return nil
		}
		dropped = id
		if _, err := tx.ExecContext(ctx, "DELETE FROM staffid_held"); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO staffid_held (id, at, source, actor, basis, counts, report, list)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, l.ID, l.At.UTC(), string(l.Source), l.Actor, l.Basis, string(counts), string(report), list)
		return err
	})
	return dropped, err
}

const staffidSelectHeld = "SELECT id, at, source, actor, basis, counts, report "

// scanHeld reads a held list; with list, the query's last column is the
// list's.
func scanHeld(row interface{ Scan(...any) error }, withList bool) (staffid.HeldList, error) {
	var (
		l              staffid.HeldList
		source         string
		counts, report []byte
	)
	dest := []any{&l.ID, &l.At, &source, &l.Actor, &l.Basis, &counts, &report}
	if withList {
		dest = append(dest, &l.List)
	}
	if err := row.Scan(dest...); err != nil {
		return staffid.HeldList{}, err
	}
	l.Source, l.At = staffid.Source(source), l.At.UTC()
	if err := json.Unmarshal(counts, &l.Counts); err != nil {
		return staffid.HeldList{}, fmt.Errorf("decoding the counts of held list %d: %w", l.ID, err)
	}
	if err := json.Unmarshal(report, &l.Report); err != nil {
		return staffid.HeldList{}, fmt.Errorf("decoding the report of held list %d: %w", l.ID, err)
	}
	return l, nil
}

// Held returns the held list, without its List.
func (s *StaffIDHeldStore) Held(ctx context.Context) (staffid.HeldList, error) {
	l, err := scanHeld(s.db.SQL.QueryRowContext(ctx, staffidSelectHeld+"FROM staffid_held"), false)
	if err != nil {
		return staffid.HeldList{}, s.db.Fail("staffid: held list: %w", s.db.Translate(err))
	}
	return l, nil
}

// TakeHeld removes and returns the held list with the ID.
func (s *StaffIDHeldStore) TakeHeld(ctx context.Context, id int64) (staffid.HeldList, error) {
	var l staffid.HeldList
	err := s.inTx(ctx, fmt.Sprintf("take held list %d", id), func(tx *sql.Tx) error {
		var err error
		if l, err = scanHeld(tx.QueryRowContext(ctx, staffidSelectHeld+", list FROM staffid_held WHERE id = $1", id), true); err != nil {
			return s.db.Translate(err)
		}
		_, err = tx.ExecContext(ctx, "DELETE FROM staffid_held WHERE id = $1", id)
		return err
	})
	if err != nil {
		return staffid.HeldList{}, err
	}
	return l, nil
}

// DropHeld removes the held list when it is older than before.
func (s *StaffIDHeldStore) DropHeld(ctx context.Context, before int64) (int64, error) {
	var dropped int64
	err := s.inTx(ctx, "drop the held list", func(tx *sql.Tx) error {
		id, err := heldID(ctx, tx)
		if err != nil || id == 0 || id >= before {
			return err
		}
		dropped = id
		_, err = tx.ExecContext(ctx, "DELETE FROM staffid_held WHERE id = $1", id)
		return err
	})
	return dropped, err
}
