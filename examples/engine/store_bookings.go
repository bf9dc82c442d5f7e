package main

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/staffid"
)

// The staff bookings (staffid.BookingStore): what employees book through
// the cabinet of the engine's web server (server.go), kept in the same
// store as the staff list and the queues.

// CreateBooking stores b with the next Seq; an ID already stored is a
// conflict.
func (s *Store) CreateBooking(_ context.Context, b staffid.Booking) (staffid.Booking, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.bookings[b.ID]; ok {
		return staffid.Booking{}, fmt.Errorf("booking %s: %w", b.ID, bookingkit.ErrConflict)
	}
	s.bookingSeq++
	b.Seq = s.bookingSeq
	b.Passengers = slices.Clone(b.Passengers)
	s.bookings[b.ID] = b
	return copyBooking(b), nil
}

// DeleteBooking removes a booking.
func (s *Store) DeleteBooking(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.bookings[id]; !ok {
		return fmt.Errorf("booking %s: %w", id, bookingkit.ErrNotFound)
	}
	delete(s.bookings, id)
	return nil
}

// Booking returns one booking.
func (s *Store) Booking(_ context.Context, id string) (staffid.Booking, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.bookings[id]
	if !ok {
		return staffid.Booking{}, fmt.Errorf("booking %s: %w", id, bookingkit.ErrNotFound)
	}
	return copyBooking(b), nil
}

// Bookings returns the bookings made by or carrying one of q.People,
// newest first.
func (s *Store) Bookings(_ context.Context, q staffid.BookingQuery) ([]staffid.Booking, error) {
	if len(q.People) > staffid.MaxPageSize {
		return nil, bookingkit.Invalid("people", strconv.Itoa(len(q.People)), fmt.Sprintf("at most %d person IDs", staffid.MaxPageSize))
	}
	return s.selectBookings(func(b staffid.Booking) bool {
		if q.Flight != "" && b.Flight.Key() != q.Flight || q.BeforeSeq > 0 && b.Seq >= q.BeforeSeq {
			return false
		}
		if slices.Contains(q.People, b.BookedBy) {
			return true
		}
		return slices.ContainsFunc(b.Passengers, func(p staffid.BookedPassenger) bool { return slices.Contains(q.People, p.PersonID) })
	}, true, q.Limit), nil
}

// StandbyBookings returns the standby bookings on flights from
// q.FlightsFrom's day on, oldest first.
func (s *Store) StandbyBookings(_ context.Context, q staffid.StandbyBookingQuery) ([]staffid.Booking, error) {
	var from time.Time
	if !q.FlightsFrom.IsZero() {
		y, m, d := q.FlightsFrom.Date()
		from = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	return s.selectBookings(func(b staffid.Booking) bool {
		return b.Standby && b.Seq > q.AfterSeq && !b.Flight.Date.Before(from)
	}, false, q.Limit), nil
}

// selectBookings returns the bookings keep keeps, by Seq (descending when
// newestFirst), at most staffid.NormalizeLimit(limit).
func (s *Store) selectBookings(keep func(staffid.Booking) bool, newestFirst bool, limit int) []staffid.Booking {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []staffid.Booking{}
	for _, b := range s.bookings {
		if keep(b) {
			out = append(out, copyBooking(b))
		}
	}
	slices.SortFunc(out, func(a, b staffid.Booking) int {
		if newestFirst {
			a, b = b, a
		}
		return cmp.Compare(a.Seq, b.Seq)
	})
	return out[:min(len(out), staffid.NormalizeLimit(limit))]
}

// copyBooking returns b with its own passengers, so that no caller
// changes what is stored.
func copyBooking(b staffid.Booking) staffid.Booking {
	b.Passengers = slices.Clone(b.Passengers)
	return b
}
