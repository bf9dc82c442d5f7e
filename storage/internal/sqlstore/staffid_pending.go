package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"fmt"

	"github.com/bookingkit/bookingkit/staffid"
)

// StaffIDHeldStore keeps the held employee list (table staffid_held,
// migration 0570). Each method is one transaction holding the lock
// "staffid.held", so of two calls at once one sees the other's result (on
// SQLite every transaction holds the write lock already).
type StaffIDHeldStore struct{ db *DB }

// jsonText is a JSON text column: an argument written as v encoded, or a
// destination that decodes into v (a pointer).
type jsonText struct{ v any }

func (j jsonText) Value() (driver.Value, error) {
	b, err := json.Marshal(j.v)
	return string(b), err
}

func (j jsonText) Scan(src any) error {
	var text sql.NullString
	if err := text.Scan(src); err != nil {
		return err
	}
	return json.Unmarshal([]byte(text.String), j.v)
}

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

// dropOlder deletes the held list if it is older than id and returns its
// ID, 0 when it deleted none.
func dropOlder(ctx context.Context, tx *sql.Tx, id int64) (int64, error) {
	dropped, err := scanOne[int64](tx.QueryRowContext(ctx, "DELETE FROM staffid_held WHERE id < $1 RETURNING id", id))
	if isNoRows(err) {
		return 0, nil
	}
	return dropped, err
}

func (s *StaffIDHeldStore) Hold(ctx context.Context, l staffid.HeldList) (dropped int64, err error) {
	list := l.List
	if list == nil {
		list = []byte{}
	}
	err = s.inTx(ctx, "hold the list", func(tx *sql.Tx) (err error) {
		if dropped, err = dropOlder(ctx, tx, l.ID); err != nil {
			return err
		}
		_, err = scanOne[int64](tx.QueryRowContext(ctx, `INSERT INTO staffid_held (`+staffidHeldColumns+`, list)
			SELECT $1, $2, $3, $4, $5, $6, $7, $8 WHERE NOT EXISTS (SELECT 1 FROM staffid_held) RETURNING id`,
			l.ID, l.At.UTC(), string(l.Source), l.Actor, l.Basis, jsonText{l.Counts}, jsonText{l.Report}, list))
		if isNoRows(err) { // a list as new as l, or newer, is held
			dropped, err = l.ID, nil
		}
		return err
	})
	return dropped, err
}

const staffidHeldColumns = "id, at, source, actor, basis, counts, report"

// scanHeld reads a held list, withList from the query's last column.
func scanHeld(row scanner, withList bool) (l staffid.HeldList, err error) {
	dest := []any{&l.ID, utc{&l.At}, &l.Source, &l.Actor, &l.Basis, jsonText{&l.Counts}, jsonText{&l.Report}}
	if withList {
		dest = append(dest, &l.List)
	}
	return l, row.Scan(dest...)
}

func (s *StaffIDHeldStore) Held(ctx context.Context) (staffid.HeldList, error) {
	l, err := scanHeld(s.db.SQL.QueryRowContext(ctx, "SELECT "+staffidHeldColumns+" FROM staffid_held"), false)
	return l, s.db.Err(err, "staffid: held list")
}

func (s *StaffIDHeldStore) TakeHeld(ctx context.Context, id int64) (l staffid.HeldList, err error) {
	err = s.inTx(ctx, fmt.Sprintf("take held list %d", id), func(tx *sql.Tx) (err error) {
		l, err = scanHeld(tx.QueryRowContext(ctx, "DELETE FROM staffid_held WHERE id = $1 RETURNING "+staffidHeldColumns+", list", id), true)
		return err
	})
	return l, err
}

func (s *StaffIDHeldStore) DropHeld(ctx context.Context, before int64) (dropped int64, err error) {
	err = s.inTx(ctx, "drop the held list", func(tx *sql.Tx) (err error) {
		dropped, err = dropOlder(ctx, tx, before)
		return err
	})
	return dropped, err
}
