package memory

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/standby"
)

// StaffBookingStore keeps staff bookings.
type StaffBookingStore struct {
	mu       sync.RWMutex
	seq      int64
	bookings map[string]staffid.Booking
	byPerson map[string]map[string]struct{} // person ID -> IDs of the bookings made by or carrying them
}

var _ staffid.BookingStore = (*StaffBookingStore)(nil)

func newStaffBookingStore() *StaffBookingStore {
	return &StaffBookingStore{bookings: map[string]staffid.Booking{}, byPerson: map[string]map[string]struct{}{}}
}

// bookingPeople returns the people a booking is listed under.
func bookingPeople(b staffid.Booking) []string {
	ids := []string{b.BookedBy}
	for _, p := range b.Passengers {
		ids = append(ids, p.PersonID)
	}
	return ids
}

func cloneBooking(b staffid.Booking) staffid.Booking {
	b.Passengers = slices.Clone(b.Passengers)
	return b
}

// CreateBooking stores b and returns it with its Seq.
func (s *StaffBookingStore) CreateBooking(ctx context.Context, b staffid.Booking) (staffid.Booking, error) {
	if err := ctx.Err(); err != nil {
		return staffid.Booking{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.bookings[b.ID]; dup {
		return staffid.Booking{}, fail("staff booking %s: %w", b.ID, bookingkit.ErrConflict)
	}
	s.seq++
	b = cloneBooking(b)
	if f, err := standby.ParseFlightKey(string(b.Flight.Key())); err == nil {
		b.Flight = f // as the SQL stores read it back from its key
	}
	b.Seq = s.seq
	s.bookings[b.ID] = b
	for _, id := range bookingPeople(b) {
		if s.byPerson[id] == nil {
			s.byPerson[id] = map[string]struct{}{}
		}
		s.byPerson[id][b.ID] = struct{}{}
	}
	return cloneBooking(b), nil
}

// DeleteBooking removes a booking.
func (s *StaffBookingStore) DeleteBooking(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.bookings[id]
	if !ok {
		return notFound("staff booking " + id)
	}
	delete(s.bookings, id)
	for _, pid := range bookingPeople(b) {
		delete(s.byPerson[pid], id)
		if len(s.byPerson[pid]) == 0 {
			delete(s.byPerson, pid)
		}
	}
	return nil
}

// Booking returns one booking.
func (s *StaffBookingStore) Booking(_ context.Context, id string) (staffid.Booking, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	b, ok := s.bookings[id]
	if !ok {
		return staffid.Booking{}, notFound("staff booking " + id)
	}
	return cloneBooking(b), nil
}

// Bookings returns a page of the bookings of q.People, newest first.
func (s *StaffBookingStore) Bookings(_ context.Context, q staffid.BookingQuery) ([]staffid.Booking, error) {
	if len(q.People) > staffid.MaxPageSize {
		return nil, bookingkit.Invalid("People", fmt.Sprint(len(q.People)), fmt.Sprintf("at most %d people", staffid.MaxPageSize))
	}
	limit := staffid.NormalizeLimit(q.Limit)
	s.mu.RLock()
	defer s.mu.RUnlock()
	var matched []staffid.Booking
	seen := map[string]bool{}
	for _, pid := range q.People {
		for id := range s.byPerson[pid] {
			b := s.bookings[id]
			if seen[id] || (q.BeforeSeq > 0 && b.Seq >= q.BeforeSeq) || (q.Flight != "" && b.Flight.Key() != q.Flight) {
				continue
			}
			seen[id] = true
			matched = append(matched, b)
		}
	}
	slices.SortFunc(matched, func(a, b staffid.Booking) int { return cmp.Compare(b.Seq, a.Seq) })
	if len(matched) > limit {
		matched = matched[:limit]
	}
	out := make([]staffid.Booking, len(matched))
	for i, b := range matched {
		out[i] = cloneBooking(b)
	}
	return out, nil
}

// StandbyBookings returns a page of the standby bookings of q, oldest
// first.
func (s *StaffBookingStore) StandbyBookings(_ context.Context, q staffid.StandbyBookingQuery) ([]staffid.Booking, error) {
	limit := staffid.NormalizeLimit(q.Limit)
	from := staffid.DateOf(q.FlightsFrom).Time()
	s.mu.RLock()
	defer s.mu.RUnlock()
	var matched []staffid.Booking
	for _, b := range s.bookings {
		if b.Standby && b.Seq > q.AfterSeq && !b.Flight.Date.Before(from) {
			matched = append(matched, b)
		}
	}
	slices.SortFunc(matched, func(a, b staffid.Booking) int { return cmp.Compare(a.Seq, b.Seq) })
	if len(matched) > limit {
		matched = matched[:limit]
	}
	out := make([]staffid.Booking, len(matched))
	for i, b := range matched {
		out[i] = cloneBooking(b)
	}
	return out, nil
}
