package main

// The standby queues' HTTP surface, for the booking engine (engine token):
// the estimated place beside a standby fare in search results, the places
// of a booking's passengers, a flight's queue anonymised for staff, and the
// calls that keep the queues true (a standby booking completed or
// cancelled, a passenger boarded, a flight closed). The rules live in
// package standby; this file decodes, authorises and encodes.

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/httpapi"
	"github.com/bookingkit/bookingkit/standby"
	"github.com/bookingkit/bookingkit/storage"
)

// standbyConfig is the "standby" section of the config file. Every field
// has a default.
type standbyConfig struct {
	// Shared says that other servers write the same database, so each read
	// first checks the flight's version in the database and reloads a
	// stale queue. Absent (null), it is true on PostgreSQL and false on
	// SQLite and memory. Set it false on PostgreSQL only when this server
	// is the database's only writer, and true on SQLite when several
	// processes write one file.
	Shared *bool `json:"shared"`
	// MaxQueuePage is the largest limit of one page of a flight's queue
	// view. Default 500.
	MaxQueuePage int `json:"max_queue_page"`
}

// standbyServer is the standby service with its handlers. Its embedded
// *standby.Service is also the seam for other modules: staffid's booking
// flow calls services.standby.AddBooking when a standby booking completes,
// so the passengers join their queues within the same process.
type standbyServer struct {
	*standby.Service
	logger  *slog.Logger
	maxPage int
	now     func() time.Time
}

// newStandbyServer builds the standby service over stores and rebuilds the
// live queues from storage before the server serves: a restart loses no
// place.
func newStandbyServer(ctx context.Context, logger *slog.Logger, cfg Config, stores storage.Stores) (*standbyServer, error) {
	c := cfg.File.Standby
	shared := stores.Backend == "postgres"
	if c.Shared != nil {
		shared = *c.Shared
	}
	maxPage := c.MaxQueuePage
	switch {
	case maxPage == 0:
		maxPage = 500
	case maxPage < 0:
		return nil, fmt.Errorf("config standby.max_queue_page %d: want a positive number", maxPage)
	}
	svc := &standby.Service{Store: stores.Standby, Shared: shared}
	start := time.Now()
	stats, err := svc.Rebuild(ctx)
	if err != nil {
		return nil, fmt.Errorf("standby: rebuild the queues from storage: %w", err)
	}
	logger.Info("standby: queues rebuilt", "flights", stats.Flights, "entries", stats.Entries,
		"duration", time.Since(start).Round(time.Millisecond), "shared", shared)
	return &standbyServer{Service: svc, logger: logger, maxPage: maxPage, now: time.Now}, nil
}

// JSON shapes.

// standbyEntryJSON is one passenger of a booking on one flight.
type standbyEntryJSON struct {
	Flight     standby.FlightKey `json:"flight"`
	BookingID  string            `json:"booking_id"`
	Passenger  int               `json:"passenger"`
	Traveller  string            `json:"traveller,omitempty"`
	Employer   string            `json:"employer"`
	Cabin      standby.Cabin     `json:"cabin"`
	Category   int               `json:"category"`
	EmployedOn string            `json:"employed_on"`
	BookedAt   time.Time         `json:"booked_at"`
}

func standbyEntryOut(e standby.Entry) standbyEntryJSON {
	return standbyEntryJSON{
		Flight: e.Flight.Key(), BookingID: e.BookingID, Passenger: e.Passenger, Traveller: e.Traveller, Employer: e.Employer,
		Cabin: e.Cabin, Category: e.Category, EmployedOn: e.EmployedOn.Format(time.DateOnly), BookedAt: e.BookedAt,
	}
}

func standbyEntriesOut(entries []standby.Entry) []standbyEntryJSON {
	out := make([]standbyEntryJSON, len(entries))
	for i, e := range entries {
		out[i] = standbyEntryOut(e)
	}
	return out
}

// standbyPlacementJSON is where one passenger stands: position and
// queue_length only while the status is "active".
type standbyPlacementJSON struct {
	standbyEntryJSON
	Status      standby.Status `json:"status"`
	Position    int            `json:"position,omitempty"`
	QueueLength int            `json:"queue_length,omitempty"`
}

type standbyBookingJSON struct {
	BookingID  string                 `json:"booking_id"`
	Placements []standbyPlacementJSON `json:"placements"`
}

func standbyBookingOut(bookingID string, ps []standby.Placement) standbyBookingJSON {
	out := standbyBookingJSON{BookingID: bookingID, Placements: make([]standbyPlacementJSON, len(ps))}
	for i, p := range ps {
		out.Placements[i] = standbyPlacementJSON{standbyEntryJSON: standbyEntryOut(p.Entry), Status: p.Status, Position: p.Position, QueueLength: p.QueueLength}
	}
	return out
}

// Request helpers.

// handler adapts a function that returns an error to an http.Handler that
// answers the error through httpapi.WriteError.
func (s *standbyServer) handler(fn func(w http.ResponseWriter, r *http.Request) error) http.Handler {
	return httpapi.Handler(s.logger, fn)
}

// standbyPathFlight reads the {flight} path parameter: a canonical flight
// key such as SU-100-2026-11-23.
func standbyPathFlight(r *http.Request) (standby.Flight, error) {
	return standby.ParseFlightKey(r.PathValue("flight"))
}

func standbyDate(field, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, bookingkit.Invalid(field, "", "required, as YYYY-MM-DD")
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, bookingkit.Invalid(field, s, "a date as YYYY-MM-DD")
	}
	return d, nil
}

// standbyFlightJSON is a flight as a request spells it: the operating
// carrier, its flight number as printed ("0100", "SU100", "100A") and the
// local departure date.
type standbyFlightJSON struct {
	Carrier string `json:"carrier"`
	Number  string `json:"number"`
	Date    string `json:"date"`
}

func (f standbyFlightJSON) parse(prefix string) (standby.Flight, error) {
	d, err := standbyDate(prefix+"date", f.Date)
	if err != nil {
		return standby.Flight{}, err
	}
	flight, err := standby.Flight{Carrier: f.Carrier, Number: f.Number, Date: d}.Normalize()
	if ve, ok := err.(*bookingkit.ValidationError); ok {
		// Normalize names fields "flight.carrier" and "flight.number".
		return standby.Flight{}, bookingkit.Invalid(prefix+strings.TrimPrefix(ve.Field, "flight."), ve.Value, ve.Reason)
	}
	return flight, err
}

// Handlers.

// handleEstimate answers the place a prospective passenger would get on a
// flight if they booked now: the figure beside a standby fare in search
// results. Query: cabin, employer, category, employed_on (a companion's
// employee's), and optionally booked_at (RFC 3339; default now). A flight
// that takes no standby passengers (closed or departed) answers 409, as
// booking it would: the rule is standby.Service's, for both.
func (s *standbyServer) handleEstimate() http.Handler {
	return s.handler(func(w http.ResponseWriter, r *http.Request) error {
		f, err := standbyPathFlight(r)
		if err != nil {
			return err
		}
		q := r.URL.Query()
		cabin, err := standby.ParseCabin(q.Get("cabin"))
		if err != nil {
			return err
		}
		if q.Get("category") == "" {
			return bookingkit.Invalid("category", "", "required: the passenger's category code, 0 to 9")
		}
		category, err := httpapi.QueryInt(r, "category", 0)
		if err != nil {
			return err
		}
		employedOn, err := standbyDate("employed_on", q.Get("employed_on"))
		if err != nil {
			return err
		}
		var bookedAt time.Time
		if v := q.Get("booked_at"); v != "" {
			if bookedAt, err = time.Parse(time.RFC3339Nano, v); err != nil {
				return bookingkit.Invalid("booked_at", v, "an RFC 3339 time such as 2026-11-20T09:30:00Z")
			}
		}
		pos, err := s.Estimate(r.Context(), standby.Entry{
			Flight: f, Employer: q.Get("employer"), Cabin: cabin, Category: category, EmployedOn: employedOn, BookedAt: bookedAt,
		})
		if err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusOK, struct {
			Flight   standby.FlightKey `json:"flight"`
			Position int               `json:"position"`
		}{f.Key(), pos})
		return nil
	})
}

// handleQueue answers a page of a flight's queue, anonymised: position,
// cabin, category and whether the passenger is operating-carrier staff.
// Query: from (1-based, default 1), limit (default 50), booking (the
// viewer's own booking, whose rows are marked "yours").
func (s *standbyServer) handleQueue() http.Handler {
	return s.handler(func(w http.ResponseWriter, r *http.Request) error {
		f, err := standbyPathFlight(r)
		if err != nil {
			return err
		}
		from, err := httpapi.QueryInt(r, "from", 1)
		if err != nil {
			return err
		}
		limit, err := httpapi.QueryInt(r, "limit", 50)
		if err != nil {
			return err
		}
		if limit > s.maxPage {
			return bookingkit.Invalid("limit", strconv.Itoa(limit), fmt.Sprintf("at most %d", s.maxPage))
		}
		view, err := s.View(r.Context(), f, from, limit, r.URL.Query().Get("booking"))
		if err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusOK, view)
		return nil
	})
}

// handleAddBooking puts a completed standby booking's passengers into the
// queues of its flights, all or none, and answers their places.
func (s *standbyServer) handleAddBooking() http.Handler {
	return s.handler(func(w http.ResponseWriter, r *http.Request) error {
		var in struct {
			BookingID string `json:"booking_id"`
			BookedAt  string `json:"booked_at"`
			Segments  []struct {
				Flight standbyFlightJSON `json:"flight"`
				Cabin  string            `json:"cabin"`
			} `json:"segments"`
			Passengers []struct {
				Employer   string `json:"employer"`
				EmployedOn string `json:"employed_on"`
				Category   *int   `json:"category"`
				// Traveller is the engine's own ID of the person, for
				// the rule of one place per person and flight; optional.
				Traveller string `json:"traveller"`
			} `json:"passengers"`
		}
		if err := httpapi.DecodeJSON(r, &in); err != nil {
			return err
		}
		b := standby.Booking{ID: in.BookingID, BookedAt: s.now()}
		if in.BookedAt != "" {
			t, err := time.Parse(time.RFC3339Nano, in.BookedAt)
			if err != nil {
				return bookingkit.Invalid("booked_at", in.BookedAt, "an RFC 3339 time such as 2026-11-20T09:30:00Z")
			}
			b.BookedAt = t
		}
		for i, seg := range in.Segments {
			f, err := seg.Flight.parse(fmt.Sprintf("segments[%d].flight.", i))
			if err != nil {
				return err
			}
			cabin, err := standby.ParseCabin(seg.Cabin)
			if err != nil {
				return bookingkit.Invalid(fmt.Sprintf("segments[%d].cabin", i), seg.Cabin, "expected first, business, premium_economy or economy")
			}
			b.Segments = append(b.Segments, standby.Segment{Flight: f, Cabin: cabin})
		}
		for i, p := range in.Passengers {
			employedOn, err := standbyDate(fmt.Sprintf("passengers[%d].employed_on", i), p.EmployedOn)
			if err != nil {
				return err
			}
			if p.Category == nil {
				return bookingkit.Invalid(fmt.Sprintf("passengers[%d].category", i), "", "required: the passenger's own category code, 0 to 9")
			}
			b.Passengers = append(b.Passengers, standby.Passenger{Employer: p.Employer, EmployedOn: employedOn, Category: *p.Category, Traveller: p.Traveller})
		}
		if _, err := s.AddBooking(r.Context(), b); err != nil {
			return err
		}
		placements, err := s.Placements(r.Context(), b.ID)
		if err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusCreated, standbyBookingOut(b.ID, placements))
		return nil
	})
}

// handlePlacements answers where each passenger of a booking stands on
// each of its flights.
func (s *standbyServer) handlePlacements() http.Handler {
	return s.handler(func(w http.ResponseWriter, r *http.Request) error {
		id := r.PathValue("booking")
		placements, err := s.Placements(r.Context(), id)
		if err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusOK, standbyBookingOut(id, placements))
		return nil
	})
}

// handleCancelBooking takes every waiting passenger of a booking out of
// every queue. A retry answers an empty list.
func (s *standbyServer) handleCancelBooking() http.Handler {
	return s.handler(func(w http.ResponseWriter, r *http.Request) error {
		id := r.PathValue("booking")
		cancelled, err := s.CancelBooking(r.Context(), id)
		if err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusOK, struct {
			BookingID string             `json:"booking_id"`
			Cancelled []standbyEntryJSON `json:"cancelled"`
		}{id, standbyEntriesOut(cancelled)})
		return nil
	})
}

// handleLeave takes one passenger out of a flight's queue: boarded (they
// got a seat) or cancelled (that passenger alone cancelled).
func (s *standbyServer) handleLeave() http.Handler {
	return s.handler(func(w http.ResponseWriter, r *http.Request) error {
		f, err := standbyPathFlight(r)
		if err != nil {
			return err
		}
		var in struct {
			BookingID string `json:"booking_id"`
			Passenger *int   `json:"passenger"`
			Status    string `json:"status"`
		}
		if err := httpapi.DecodeJSON(r, &in); err != nil {
			return err
		}
		if in.Passenger == nil {
			return bookingkit.Invalid("passenger", "", "required: the passenger's index in the booking")
		}
		status := standby.Status(in.Status)
		if status != standby.StatusBoarded && status != standby.StatusCancelled {
			return bookingkit.Invalid("status", in.Status, "boarded or cancelled; close the flight to take everyone out")
		}
		e, err := s.Remove(r.Context(), standby.EntryID{Flight: f.Key(), BookingID: in.BookingID, Passenger: *in.Passenger}, status)
		if err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusOK, struct {
			Entry  standbyEntryJSON `json:"entry"`
			Status standby.Status   `json:"status"`
		}{standbyEntryOut(e), status})
		return nil
	})
}

// handleClose closes a flight: everyone still waiting leaves the queue and
// no standby passenger can be added any more.
func (s *standbyServer) handleClose() http.Handler {
	return s.handler(func(w http.ResponseWriter, r *http.Request) error {
		f, err := standbyPathFlight(r)
		if err != nil {
			return err
		}
		n, err := s.CloseFlight(r.Context(), f)
		if err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusOK, struct {
			Flight standby.FlightKey `json:"flight"`
			Closed int               `json:"closed"`
		}{f.Key(), n})
		return nil
	})
}
