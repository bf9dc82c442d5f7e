package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/standby"
)

// StaffBookingStore keeps staff bookings (tables staffid_bookings and
// staffid_booking_passengers, migration 0150).
type StaffBookingStore struct{ db *DB }

var _ staffid.BookingStore = (*StaffBookingStore)(nil)

func newStaffBookingStore(db *DB) staffid.BookingStore { return &StaffBookingStore{db: db} }

const staffBookingColumns = "seq, id, booked_by, group_key, flight_key, fare_basis, passenger_type, cabin, standby, created_at"

// CreateBooking stores b and its passengers in one transaction.
func (s *StaffBookingStore) CreateBooking(ctx context.Context, b staffid.Booking) (staffid.Booking, error) {
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO staffid_bookings
			(id, booked_by, group_key, flight_key, fare_basis, passenger_type, cabin, standby, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq`,
			b.ID, b.BookedBy, b.GroupKey, string(b.Flight.Key()), b.FareBasis, b.PassengerType, int(b.Cabin), b.Standby, b.CreatedAt.UTC(),
		).Scan(&b.Seq)
		if err != nil {
			return err
		}
		insert, err := tx.PrepareContext(ctx, `INSERT INTO staffid_booking_passengers
			(booking_seq, idx, person_id, is_employee, last_name_eng, first_name_eng, middle_name_eng, birth_day, sex, category_code)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer insert.Close()
		for i, p := range b.Passengers {
			if _, err := insert.ExecContext(ctx, b.Seq, i, p.PersonID, p.IsEmployee, p.LastNameEng, p.FirstNameEng,
				p.MiddleNameEng, p.BirthDay.ISO(), p.Sex, p.CategoryCode); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return staffid.Booking{}, fail("create staff booking %s: %w", b.ID, err)
	}
	return b, nil
}

// DeleteBooking removes a booking; its passengers go with it (ON DELETE
// CASCADE).
func (s *StaffBookingStore) DeleteBooking(ctx context.Context, id string) error {
	res, err := s.db.sql.ExecContext(ctx, "DELETE FROM staffid_bookings WHERE id = ?", id)
	return oneRow(res, err, "delete staff booking "+id)
}

// Booking returns one booking with its passengers.
func (s *StaffBookingStore) Booking(ctx context.Context, id string) (staffid.Booking, error) {
	bs, err := s.query(ctx, "SELECT "+staffBookingColumns+" FROM staffid_bookings WHERE id = ?", id)
	if err != nil {
		return staffid.Booking{}, err
	}
	if len(bs) == 0 {
		return staffid.Booking{}, fail("staff booking %s: %w", id, bookingkit.ErrNotFound)
	}
	return bs[0], nil
}

// Bookings returns a page of the bookings made by or carrying q.People,
// newest first. Each person's bookings come from an index range
// (booked_by, seq) or (person_id, booking_seq) below the cursor.
func (s *StaffBookingStore) Bookings(ctx context.Context, q staffid.BookingQuery) ([]staffid.Booking, error) {
	if len(q.People) > staffid.MaxPageSize {
		return nil, bookingkit.Invalid("People", fmt.Sprint(len(q.People)), fmt.Sprintf("at most %d people", staffid.MaxPageSize))
	}
	if len(q.People) == 0 {
		return []staffid.Booking{}, nil
	}
	before := q.BeforeSeq
	if before <= 0 {
		before = math.MaxInt64
	}
	in := "?" + strings.Repeat(", ?", len(q.People)-1)
	args := make([]any, 0, 2*len(q.People)+5)
	for _, id := range q.People {
		args = append(args, id)
	}
	args = append(args, before)
	for _, id := range q.People {
		args = append(args, id)
	}
	args = append(args, before, string(q.Flight), string(q.Flight), staffid.NormalizeLimit(q.Limit))
	return s.query(ctx, `SELECT `+staffBookingColumns+` FROM staffid_bookings WHERE seq IN (
			SELECT booking_seq FROM staffid_booking_passengers WHERE person_id IN (`+in+`) AND booking_seq < ?
			UNION
			SELECT seq FROM staffid_bookings WHERE booked_by IN (`+in+`) AND seq < ?)
		AND (? = '' OR flight_key = ?)
		ORDER BY seq DESC LIMIT ?`, args...)
}

// StandbyBookings returns a page of the standby bookings of q, oldest
// first, from the index of the standby bookings on
// (substr(flight_key, -10), seq) (migration 0160): the flights that have not
// left yet are few. The unary plus keeps the planner from walking the seq
// range instead, which reads every booking ever made after the cursor.
func (s *StaffBookingStore) StandbyBookings(ctx context.Context, q staffid.StandbyBookingQuery) ([]staffid.Booking, error) {
	return s.query(ctx, `SELECT `+staffBookingColumns+` FROM staffid_bookings
		WHERE standby AND substr(flight_key, -10) >= ? AND +seq > ?
		ORDER BY seq LIMIT ?`, q.FlightsFrom.Format(time.DateOnly), q.AfterSeq, staffid.NormalizeLimit(q.Limit))
}

// query reads bookings, then their passengers in one more query.
func (s *StaffBookingStore) query(ctx context.Context, query string, args ...any) ([]staffid.Booking, error) {
	rows, err := s.db.sql.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fail("staff bookings: %w", translate(err))
	}
	defer rows.Close()
	bookings := []staffid.Booking{}
	bySeq := map[int64]int{}
	for rows.Next() {
		var (
			b         staffid.Booking
			flightKey string
			cabin     int
		)
		if err := rows.Scan(&b.Seq, &b.ID, &b.BookedBy, &b.GroupKey, &flightKey, &b.FareBasis, &b.PassengerType, &cabin, &b.Standby, &b.CreatedAt); err != nil {
			return nil, fail("staff bookings: %w", err)
		}
		if b.Flight, err = standby.ParseFlightKey(flightKey); err != nil {
			return nil, fail("staff booking %s: flight: %w", b.ID, err)
		}
		b.Cabin, b.CreatedAt = standby.Cabin(cabin), b.CreatedAt.UTC()
		b.Passengers = []staffid.BookedPassenger{}
		bySeq[b.Seq] = len(bookings)
		bookings = append(bookings, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fail("staff bookings: %w", translate(err))
	}
	rows.Close()
	if len(bookings) == 0 {
		return bookings, nil
	}
	seqs := make([]any, len(bookings))
	for i, b := range bookings {
		seqs[i] = b.Seq
	}
	prows, err := s.db.sql.QueryContext(ctx, `SELECT booking_seq, person_id, is_employee, last_name_eng, first_name_eng,
			middle_name_eng, birth_day, sex, category_code
		FROM staffid_booking_passengers WHERE booking_seq IN (?`+strings.Repeat(", ?", len(seqs)-1)+`)
		ORDER BY booking_seq, idx`, seqs...)
	if err != nil {
		return nil, fail("staff booking passengers: %w", translate(err))
	}
	defer prows.Close()
	for prows.Next() {
		var (
			seq   int64
			p     staffid.BookedPassenger
			birth string
		)
		if err := prows.Scan(&seq, &p.PersonID, &p.IsEmployee, &p.LastNameEng, &p.FirstNameEng, &p.MiddleNameEng, &birth, &p.Sex, &p.CategoryCode); err != nil {
			return nil, fail("staff booking passengers: %w", err)
		}
		if p.BirthDay, err = staffid.ParseISODate(birth); err != nil {
			return nil, fail("staff booking passenger %s: birth_day: %w", p.PersonID, err)
		}
		i := bySeq[seq]
		bookings[i].Passengers = append(bookings[i].Passengers, p)
	}
	if err := prows.Err(); err != nil {
		return nil, fail("staff booking passengers: %w", translate(err))
	}
	return bookings, nil
}
