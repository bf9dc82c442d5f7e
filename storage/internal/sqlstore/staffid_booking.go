package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/standby"
)

// StaffBookingStore keeps staff bookings (tables staffid_bookings and
// staffid_booking_passengers, migration 0150).
type StaffBookingStore struct {
	db      *DB
	standby string
}

// NewStaffBookingStore returns the staff booking store on db. standby ends
// the StandbyBookings query (after "WHERE standby AND ") for its $1…$3.
func NewStaffBookingStore(db *DB, standby string) *StaffBookingStore {
	return &StaffBookingStore{db, standby}
}

// StaffBookingColumns are the columns [StaffBookingStore.Query] reads.
const StaffBookingColumns = "seq, id, booked_by, group_key, flight_key, fare_basis, passenger_type, cabin, standby, created_at"

func (s *StaffBookingStore) CreateBooking(ctx context.Context, b staffid.Booking) (staffid.Booking, error) {
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO staffid_bookings
			(id, booked_by, group_key, flight_key, fare_basis, passenger_type, cabin, standby, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING seq`,
			b.ID, b.BookedBy, b.GroupKey, string(b.Flight.Key()), b.FareBasis, b.PassengerType, int(b.Cabin), b.Standby, b.CreatedAt.UTC(),
		).Scan(&b.Seq)
		if err != nil {
			return err
		}
		return s.db.Dialect.InsertRows(ctx, tx, "staffid_booking_passengers", `booking_seq, idx, person_id, is_employee,
			last_name_eng, first_name_eng, middle_name_eng, birth_day, sex, category_code`, len(b.Passengers), func(i int) []any {
			p := b.Passengers[i]
			return []any{b.Seq, i, p.PersonID, p.IsEmployee, p.LastNameEng, p.FirstNameEng, p.MiddleNameEng, p.BirthDay.ISO(), p.Sex, p.CategoryCode}
		})
	})
	if err != nil {
		return staffid.Booking{}, s.db.Fail("create staff booking %s: %w", b.ID, err)
	}
	return b, nil
}

// DeleteBooking's passengers go with the booking (ON DELETE CASCADE).
func (s *StaffBookingStore) DeleteBooking(ctx context.Context, id string) error {
	res, err := s.db.SQL.ExecContext(ctx, "DELETE FROM staffid_bookings WHERE id = $1", id)
	return s.db.OneRow(res, err, "delete staff booking "+id)
}

func (s *StaffBookingStore) Booking(ctx context.Context, id string) (staffid.Booking, error) {
	bs, err := s.Query(ctx, "SELECT "+StaffBookingColumns+" FROM staffid_bookings WHERE id = $1", id)
	if err != nil {
		return staffid.Booking{}, err
	}
	if len(bs) == 0 {
		return staffid.Booking{}, s.db.Fail("staff booking %s: %w", id, bookingkit.ErrNotFound)
	}
	return bs[0], nil
}

// Bookings reads each person's bookings from an index range (booked_by,
// seq) or (person_id, booking_seq) below the cursor.
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
	// $1 the cursor, $2 the flight or "", $3 the limit, then the people.
	in, args := dollarList([]any{before, string(q.Flight), staffid.NormalizeLimit(q.Limit)}, q.People)
	return s.Query(ctx, `SELECT `+StaffBookingColumns+` FROM staffid_bookings WHERE seq IN (
			SELECT booking_seq FROM staffid_booking_passengers WHERE person_id IN (`+in+`) AND booking_seq < $1
			UNION
			SELECT seq FROM staffid_bookings WHERE booked_by IN (`+in+`) AND seq < $1)
		AND (CAST($2 AS TEXT) = '' OR flight_key = $2)
		ORDER BY seq DESC LIMIT $3`, args...)
}

// StandbyBookings reads migration 0160's index on flight date and seq (few
// flights have not left yet), each database by its own text for that plan.
func (s *StaffBookingStore) StandbyBookings(ctx context.Context, q staffid.StandbyBookingQuery) ([]staffid.Booking, error) {
	return s.Query(ctx, "SELECT "+StaffBookingColumns+" FROM staffid_bookings WHERE standby AND "+s.standby,
		q.FlightsFrom.Format(time.DateOnly), q.AfterSeq, staffid.NormalizeLimit(q.Limit))
}

// Query reads the bookings that query selects (its columns
// StaffBookingColumns), then their passengers in one more query.
func (s *StaffBookingStore) Query(ctx context.Context, query string, args ...any) ([]staffid.Booking, error) {
	bookings, err := list(ctx, s.db, "staff bookings", func(r scanner) (b staffid.Booking, err error) {
		var flightKey string
		var cabin int
		if err := r.Scan(&b.Seq, &b.ID, &b.BookedBy, &b.GroupKey, &flightKey, &b.FareBasis, &b.PassengerType, &cabin, &b.Standby, &b.CreatedAt); err != nil {
			return b, err
		}
		if b.Flight, err = standby.ParseFlightKey(flightKey); err != nil {
			return b, s.db.Fail("staff booking %s: flight: %w", b.ID, err)
		}
		b.Cabin, b.CreatedAt, b.Passengers = standby.Cabin(cabin), b.CreatedAt.UTC(), []staffid.BookedPassenger{}
		return b, nil
	}, query, args...)
	if err != nil || len(bookings) == 0 {
		return bookings, err
	}
	bySeq, seqs := make(map[int64]*staffid.Booking, len(bookings)), make([]int64, len(bookings))
	for i := range bookings {
		bySeq[bookings[i].Seq], seqs[i] = &bookings[i], bookings[i].Seq
	}
	in, args := dollarList(nil, seqs)
	var seq int64
	err = each(ctx, s.db.SQL, func(r scanner) (p staffid.BookedPassenger, err error) {
		if err := r.Scan(&seq, &p.PersonID, &p.IsEmployee, &p.LastNameEng, &p.FirstNameEng, &p.MiddleNameEng, staffidDate{&p.BirthDay}, &p.Sex, &p.CategoryCode); err != nil {
			return p, fmt.Errorf("passenger %s: %w", p.PersonID, err)
		}
		return p, nil
	}, func(p staffid.BookedPassenger) error {
		bySeq[seq].Passengers = append(bySeq[seq].Passengers, p)
		return nil
	}, `SELECT booking_seq, person_id, is_employee, last_name_eng, first_name_eng, middle_name_eng, birth_day, sex, category_code
		FROM staffid_booking_passengers WHERE booking_seq IN (`+in+`) ORDER BY booking_seq, idx`, args...)
	if err != nil {
		return nil, s.db.Err(err, "staff booking passengers")
	}
	return bookings, nil
}
