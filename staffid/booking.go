package staffid

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/standby"
)

// Booking is a staff booking: one flight, one fare, one cabin, and the
// passengers of the employee's group it was made for.
type Booking struct {
	// ID is made by [Bookings.Create]: "SB" and 16 characters of base32.
	ID string
	// Seq is given by the store, increasing with every booking stored: the
	// order of the list of bookings (newest first) and its page cursor.
	Seq int64
	// BookedBy is the ID of the employee who made the booking, GroupKey
	// their group's key at the time.
	BookedBy string
	GroupKey string
	// Flight is normalised ([standby.Flight.Normalize]): its date is
	// midnight UTC of the local departure date.
	Flight        standby.Flight
	FareBasis     string // the fare's basis code, e.g. "ZED1"; may be empty
	PassengerType string // the fare's passenger type code, e.g. "ADT", "ZED"
	Cabin         standby.Cabin
	// Standby is true when the fare's passenger type is one of
	// [Config.StandbyPassengerTypes]: the passengers stand in the flight's
	// standby queue instead of holding seats.
	Standby    bool
	Passengers []BookedPassenger
	CreatedAt  time.Time // UTC, microseconds
}

// BookingQuery selects a page of bookings, newest first.
type BookingQuery struct {
	// People: bookings made by one of them or carrying one of them as a
	// passenger. Required; at most [MaxPageSize] IDs.
	People []string
	// Flight, when not empty, keeps only the bookings on that flight.
	Flight standby.FlightKey
	// BeforeSeq, when positive, keeps only bookings with a smaller Seq:
	// the Seq of the last booking of the previous page.
	BeforeSeq int64
	Limit     int // see [NormalizeLimit]
}

// BookingStore keeps staff bookings. The storage adapters implement it and
// run the same conformance cases (storage/storagetest).
type BookingStore interface {
	// CreateBooking stores b and its passengers (in their order) in one
	// transaction, gives it the next Seq, and returns it so. A booking
	// with the ID of a stored one is refused with bookingkit.ErrConflict.
	CreateBooking(ctx context.Context, b Booking) (Booking, error)

	// DeleteBooking removes a booking and its passengers. [Bookings] uses
	// it only to take back a booking whose standby queue entry failed. (A
	// process that dies between storing a booking and queueing it leaves
	// the booking without its place; [Bookings.Reconcile] repairs that.)
	// An unknown ID is bookingkit.ErrNotFound.
	DeleteBooking(ctx context.Context, id string) error

	// Booking returns one booking with its passengers, or
	// bookingkit.ErrNotFound.
	Booking(ctx context.Context, id string) (Booking, error)

	// Bookings returns the bookings that q selects, each once, with their
	// passengers, by descending Seq, at most NormalizeLimit(q.Limit). An
	// empty q.People selects nothing; more than MaxPageSize IDs is
	// bookingkit.ErrInvalid.
	Bookings(ctx context.Context, q BookingQuery) ([]Booking, error)

	// StandbyBookings returns the standby bookings (Standby true) that q
	// selects, with their passengers, by ascending Seq, at most
	// NormalizeLimit(q.Limit): the pages [Bookings.Reconcile] walks.
	StandbyBookings(ctx context.Context, q StandbyBookingQuery) ([]Booking, error)
}

// StandbyBookingQuery selects a page of standby bookings, oldest first.
type StandbyBookingQuery struct {
	// FlightsFrom keeps only the bookings on flights dated that day or
	// later (only its year, month and day count). The zero time keeps all.
	FlightsFrom time.Time
	// AfterSeq keeps only bookings with a greater Seq: the Seq of the last
	// booking of the previous page, 0 for the first.
	AfterSeq int64
	Limit    int // see [NormalizeLimit]
}

// StandbyQueue is the seam to the standby queues: a *standby.Service
// satisfies it. [Bookings] adds a standby booking's passengers to their
// flight's queue with AddBooking and shows their places with Placements;
// it estimates an employee's passengers' places with Estimate
// ([Bookings.Estimate]) and a results page's with Outlooks
// ([Bookings.EstimateFares]), and shows a flight's queue with View
// ([Bookings.QueueView]).
type StandbyQueue interface {
	AddBooking(ctx context.Context, b standby.Booking) ([]standby.Entry, error)
	Placements(ctx context.Context, bookingID string) ([]standby.Placement, error)
	Estimate(ctx context.Context, e standby.Entry) (int, error)
	Outlooks(ctx context.Context, asks []standby.PartyOnFlight) ([]standby.Outlook, error)
	View(ctx context.Context, flight standby.Flight, from, limit int, viewerBookingID string) (standby.QueueView, error)
}

// BookingRequest is a booking as the employee asks for it.
type BookingRequest struct {
	Flight        standby.Flight
	FareBasis     string
	PassengerType string
	Cabin         standby.Cabin
	Passengers    []PassengerInput
}

// BookingView is a booking with, for a standby booking, where each of its
// passengers stands in the flight's queue (by passenger index).
type BookingView struct {
	Booking
	Placements []standby.Placement
}

// Bookings makes and lists staff bookings: an active employee books for
// themself and the active companions of their group, with the passenger
// data of the airline's list; a standby fare puts the passengers into the
// flight's standby queue, ordered by the rules of package standby (a
// companion with the employee's employer and employment date and their own
// category).
type Bookings struct {
	cfg    Config
	people PeopleStore
	store  BookingStore
	queue  StandbyQueue

	// Now is the clock (default time.Now); Rand the source of booking IDs
	// (default crypto/rand).
	Now  func() time.Time
	Rand io.Reader
}

// NewBookings returns the bookings service for cfg (after
// [Config.WithDefaults]). queue may be nil only when cfg has no standby
// passenger types; with them, cfg must name the airline (AirlineCode),
// whose employees the queue puts first on its own flights.
func NewBookings(cfg Config, people PeopleStore, store BookingStore, queue StandbyQueue) (*Bookings, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if len(cfg.StandbyPassengerTypes) > 0 {
		if queue == nil {
			return nil, bookingkit.Invalid("StandbyQueue", "", "standby passenger types are configured, so standby bookings need the standby queue")
		}
		if cfg.AirlineCode == "" {
			return nil, bookingkit.Invalid("AirlineCode", "", "required with standby passenger types: the queue puts the airline's own staff first")
		}
	}
	return &Bookings{cfg: cfg, people: people, store: store, queue: queue, Now: time.Now}, nil
}

// IsStandbyFare reports whether a fare's passenger type code is one of the
// configured standby types (compared in upper case).
func (s *Bookings) IsStandbyFare(passengerType string) bool {
	return slices.Contains(s.cfg.StandbyPassengerTypes, strings.ToUpper(strings.TrimSpace(passengerType)))
}

// Passengers returns the people the employee may book for: see [Passengers].
func (s *Bookings) Passengers(ctx context.Context, employeeID string) ([]Person, error) {
	return Passengers(ctx, s.people, employeeID)
}

// Create books req for the active employee employeeID. The passengers are
// checked against the employee's group ([CheckPassengers]) and stored with
// the list's data. A standby fare's booking is then added to the flight's
// standby queue; if that fails (the flight is closed, say), the booking is
// taken back and the error returned. If the process dies between storing
// and queueing, the booking stays stored without its place until
// [Bookings.Reconcile] adds it; should Reconcile (on another server) add it
// while Create is still running, Create's own add is refused as a
// duplicate and Create finds the places there and keeps the booking.
func (s *Bookings) Create(ctx context.Context, employeeID string, req BookingRequest) (BookingView, error) {
	emp, group, err := groupOf(ctx, s.people, employeeID)
	if err != nil {
		return BookingView{}, err
	}
	now := s.now()
	b, err := s.newBooking(emp, req, now)
	if err != nil {
		return BookingView{}, err
	}
	if b.Passengers, err = CheckPassengers(group, req.Passengers); err != nil {
		return BookingView{}, err
	}
	var sb standby.Booking
	if b.Standby {
		sb = s.standbyBooking(emp, b)
		// Check the queue's own rules before storing anything.
		if _, err := sb.Entries(); err != nil {
			return BookingView{}, err
		}
	}
	stored, err := s.store.CreateBooking(ctx, b)
	if err != nil {
		return BookingView{}, fmt.Errorf("staffid: store booking: %w", err)
	}
	view := BookingView{Booking: stored}
	if !b.Standby {
		return view, nil
	}
	if _, err := s.queue.AddBooking(ctx, sb); err != nil {
		if errors.Is(err, bookingkit.ErrConflict) {
			// A Reconcile may have queued the booking meanwhile.
			if ps, perr := s.placements(ctx, b.ID); perr == nil && len(ps) > 0 {
				view.Placements = ps
				return view, nil
			}
		}
		if derr := s.store.DeleteBooking(context.WithoutCancel(ctx), b.ID); derr != nil {
			// Neither error is the caller's: the booking is stored
			// without a place, which only an operator (or Reconcile)
			// repairs. Wrapping neither makes it an internal error, so
			// an answer shows neither text and the log keeps both.
			return BookingView{}, fmt.Errorf("staffid: booking %s stored but not queued (%v), and could not be taken back: %v", b.ID, err, derr)
		}
		var queued *standby.AlreadyQueuedError
		if errors.As(err, &queued) {
			for _, p := range b.Passengers {
				if p.PersonID == queued.Traveller {
					// Name the passenger: the queue knows only their ID.
					return BookingView{}, fmt.Errorf("staffid: passenger %s %s: %w", p.FirstNameEng, p.LastNameEng, queued)
				}
			}
		}
		return BookingView{}, fmt.Errorf("staffid: standby queue: %w", err)
	}
	view.Placements, err = s.placements(ctx, b.ID)
	return view, err
}

// newBooking checks the flight and fare of req and returns the booking
// without passengers.
func (s *Bookings) newBooking(emp Person, req BookingRequest, now time.Time) (Booking, error) {
	flight, err := req.Flight.Normalize()
	if err != nil {
		return Booking{}, err
	}
	if flight.Date.Before(earliestFlightDate(now)) {
		return Booking{}, bookingkit.Invalidf("flight.date", flight.Date.Format(time.DateOnly), "the flight has already left")
	}
	ptc := strings.ToUpper(strings.TrimSpace(req.PassengerType))
	if len(ptc) != 3 || !isUpperAlnum(ptc) {
		return Booking{}, bookingkit.Invalidf("passenger_type", req.PassengerType, "the fare's three-character passenger type code, like ADT or ZED")
	}
	basis := strings.ToUpper(strings.TrimSpace(req.FareBasis))
	if len(basis) > 15 || !isUpperAlnum(basis) {
		return Booking{}, bookingkit.Invalidf("fare_basis", req.FareBasis, "a fare basis code of at most 15 letters and digits")
	}
	if !req.Cabin.Valid() {
		return Booking{}, bookingkit.Invalidf("cabin", req.Cabin.String(), "first, business, premium_economy or economy")
	}
	id, err := s.newID()
	if err != nil {
		return Booking{}, err
	}
	return Booking{
		ID: id, BookedBy: emp.ID, GroupKey: emp.GroupKey,
		Flight: flight, FareBasis: basis, PassengerType: ptc, Cabin: req.Cabin,
		Standby:   s.IsStandbyFare(ptc),
		CreatedAt: now.UTC().Truncate(time.Microsecond),
	}, nil
}

// earliestFlightDate returns the date (midnight UTC) of the earliest
// flight that may not have left yet. It is the standby queue's own rule
// (standby.EarliestOpenDate), so a staff booking, the standby queue and
// its estimate agree on which flights have left.
func earliestFlightDate(now time.Time) time.Time {
	return standby.EarliestOpenDate(now)
}

var bookingIDEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

func (s *Bookings) newID() (string, error) {
	r := s.Rand
	if r == nil {
		r = rand.Reader
	}
	var b [10]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return "", fmt.Errorf("staffid: booking ID: %w", err)
	}
	return "SB" + bookingIDEncoding.EncodeToString(b[:]), nil
}

func (s *Bookings) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// standbyBooking returns b as the standby queue takes it: every passenger
// travels on the employee's rights ([Bookings.standbyPassenger]).
func (s *Bookings) standbyBooking(emp Person, b Booking) standby.Booking {
	sb := standby.Booking{
		ID:         b.ID,
		BookedAt:   b.CreatedAt,
		Segments:   []standby.Segment{{Flight: b.Flight, Cabin: b.Cabin}},
		Passengers: make([]standby.Passenger, len(b.Passengers)),
	}
	for i, p := range b.Passengers {
		sb.Passengers[i] = s.standbyPassenger(emp, p.PersonID, p.CategoryCode)
		// The person, whatever booking they are on: the queue gives
		// them one place per flight.
		sb.Passengers[i].Traveller = p.PersonID
	}
	return sb
}

// placements returns where a standby booking's passengers stand; none when
// the queue does not know the booking.
func (s *Bookings) placements(ctx context.Context, id string) ([]standby.Placement, error) {
	ps, err := s.queue.Placements(ctx, id)
	if errors.Is(err, bookingkit.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("staffid: standby places of %s: %w", id, err)
	}
	return ps, nil
}

// BookingPage is a page of bookings; Next is the BeforeSeq of the next
// page, 0 on the last.
type BookingPage struct {
	Bookings []BookingView
	Next     int64
}

// List returns the bookings made for the employee and their companions
// (blocked ones included: their past bookings stay visible), newest first,
// with the standby places of standby bookings. beforeSeq is 0 for the
// first page, then the previous page's Next. flight, when not empty, keeps
// only the bookings on that flight. limit is from 1 to [MaxPageSize], or 0
// for [DefaultPageSize]. A negative beforeSeq or limit, or a limit over
// MaxPageSize, is refused (bookingkit.ErrInvalid naming "before" or
// "limit", the parameters' names in the API) rather than read as another
// page: one page, one spelling.
func (s *Bookings) List(ctx context.Context, employeeID string, flight standby.FlightKey, beforeSeq int64, limit int) (BookingPage, error) {
	if beforeSeq < 0 {
		return BookingPage{}, bookingkit.Invalidf("before", strconv.FormatInt(beforeSeq, 10), "the next of the previous page, a positive number (absent for the first page)")
	}
	if limit < 0 || limit > MaxPageSize {
		return BookingPage{}, bookingkit.Invalidf("limit", strconv.Itoa(limit), "a number from 1 to %d (absent for %d)", MaxPageSize, DefaultPageSize)
	}
	_, group, err := groupOf(ctx, s.people, employeeID)
	if err != nil {
		return BookingPage{}, err
	}
	ids := make([]string, 0, len(group)+1)
	ids = append(ids, employeeID)
	for _, p := range group {
		if p.ID != employeeID {
			ids = append(ids, p.ID)
		}
	}
	if len(ids) > MaxPageSize {
		ids = ids[:MaxPageSize]
	}
	limit = NormalizeLimit(limit)
	bs, err := s.store.Bookings(ctx, BookingQuery{People: ids, Flight: flight, BeforeSeq: beforeSeq, Limit: limit})
	if err != nil {
		return BookingPage{}, fmt.Errorf("staffid: bookings: %w", err)
	}
	page := BookingPage{Bookings: make([]BookingView, len(bs))}
	for i, b := range bs {
		page.Bookings[i].Booking = b
		if b.Standby && s.queue != nil {
			if page.Bookings[i].Placements, err = s.placements(ctx, b.ID); err != nil {
				return BookingPage{}, err
			}
		}
	}
	if len(bs) == limit {
		page.Next = bs[len(bs)-1].Seq
	}
	return page, nil
}

// Get returns one booking made for the employee or their companions;
// any other is bookingkit.ErrNotFound, as if it did not exist.
func (s *Bookings) Get(ctx context.Context, employeeID, bookingID string) (BookingView, error) {
	_, group, err := groupOf(ctx, s.people, employeeID)
	if err != nil {
		return BookingView{}, err
	}
	notFound := bookingkit.Errorf("staffid: booking %q: %w", bookingID, bookingkit.ErrNotFound)
	b, err := s.store.Booking(ctx, bookingID)
	if errors.Is(err, bookingkit.ErrNotFound) {
		return BookingView{}, notFound
	}
	if err != nil {
		return BookingView{}, fmt.Errorf("staffid: booking %q: %w", bookingID, err)
	}
	if !bookingOfGroup(b, employeeID, group) {
		return BookingView{}, notFound
	}
	view := BookingView{Booking: b}
	if b.Standby && s.queue != nil {
		view.Placements, err = s.placements(ctx, b.ID)
	}
	return view, err
}

// bookingOfGroup reports whether b was made by the employee or carries one
// of the group's people.
func bookingOfGroup(b Booking, employeeID string, group []Person) bool {
	if b.BookedBy == employeeID {
		return true
	}
	for _, p := range b.Passengers {
		for _, g := range group {
			if p.PersonID == g.ID {
				return true
			}
		}
	}
	return false
}
