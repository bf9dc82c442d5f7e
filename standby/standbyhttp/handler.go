package standbyhttp

import (
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/httpapi"
	"github.com/bookingkit/bookingkit/idempotency"
	"github.com/bookingkit/bookingkit/standby"
)

// Options are a [Handler]'s settings; every field has a default.
type Options struct {
	// Logger receives the errors answered as 500 (their text stays out of
	// the answer) and the refusals of storage; slog.Default() when nil.
	Logger *slog.Logger
	// Idempotency, when set, keeps the Idempotency-Key of POST
	// /api/standby/bookings, the booking engine's (package idempotency):
	// a repeat gets the first answer and adds nothing. Without it, the
	// header is ignored.
	Idempotency idempotency.Store
}

// Handler serves the standby queues' HTTP API for the booking engine over
// a [standby.Service]. Create it with [NewHandler] and mount its
// [Handler.Routes].
type Handler struct {
	svc    *standby.Service
	logger *slog.Logger
	keys   *idempotency.Keys
}

// NewHandler returns the handler of svc's HTTP API. svc is used as it is:
// its Store, clock (Now), Shared and MaxViewLimit settings apply, and the
// caller rebuilds its queues ([standby.Service.Rebuild]) before serving.
func NewHandler(svc *standby.Service, opts Options) (*Handler, error) {
	if svc == nil || svc.Store == nil {
		return nil, errors.New("standbyhttp: a standby.Service with a Store is required")
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.Default()
	}
	h := &Handler{svc: svc, logger: logger}
	if opts.Idempotency != nil {
		h.keys = idempotency.New(opts.Idempotency, idempotency.Config{Logger: logger})
	}
	return h, nil
}

// Routes returns the API's routes, relative to where they are mounted:
// mounted at "", exactly the paths bookingkitd serves. None authenticates
// its caller: the caller wraps each route's handler in its own check of
// the booking engine (bookingkitd: the engine token).
func (h *Handler) Routes() []httpapi.Route {
	return []httpapi.Route{
		{Pattern: "GET /api/standby/flights/{flight}/estimate", Handler: h.handle(h.estimate)},
		{Pattern: "GET /api/standby/flights/{flight}/queue", Handler: httpapi.PageCursor("from", h.handle(h.queue))},
		{Pattern: "POST /api/standby/flights/{flight}/leave", Handler: h.handle(h.leave)},
		{Pattern: "POST /api/standby/flights/{flight}/close", Handler: h.handle(h.closeFlight)},
		{Pattern: "POST /api/standby/bookings", Handler: h.handle(h.addBooking)},
		{Pattern: "GET /api/standby/bookings/{booking}", Handler: h.handle(h.placements)},
		{Pattern: "POST /api/standby/bookings/{booking}/cancel", Handler: h.handle(h.cancelBooking)},
	}
}

func (h *Handler) handle(fn func(w http.ResponseWriter, r *http.Request) error) http.Handler {
	return httpapi.Handler(h.logger, fn)
}

// now is the service's clock.
func (h *Handler) now() time.Time {
	if h.svc.Now != nil {
		return h.svc.Now()
	}
	return time.Now()
}

// estimate answers the place a prospective passenger would get on a flight
// if they booked now: the figure beside a standby fare in search results.
// Query: cabin, employer, category, employed_on (a companion's
// employee's), and optionally booked_at (RFC 3339; default now). A flight
// that takes no standby passengers (closed or departed) answers 409, as
// booking it would: the rule is standby.Service's, for both.
func (h *Handler) estimate(w http.ResponseWriter, r *http.Request) error {
	f, err := pathFlight(r)
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
	employedOn, err := parseDate("employed_on", q.Get("employed_on"))
	if err != nil {
		return err
	}
	var bookedAt time.Time
	if v := q.Get("booked_at"); v != "" {
		if bookedAt, err = parseTime("booked_at", v); err != nil {
			return err
		}
	}
	pos, err := h.svc.Estimate(r.Context(), standby.Entry{
		Flight: f, Employer: q.Get("employer"), Cabin: cabin, Category: category, EmployedOn: employedOn, BookedAt: bookedAt,
	})
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusOK, estimateJSON{f.Key(), pos})
	return nil
}

// queue answers a page of a flight's queue, anonymised: position, cabin,
// category and whether the passenger is operating-carrier staff. Query:
// from (1-based, default 1), limit (default 50, at most the service's
// MaxViewLimit), booking (the viewer's own booking, whose rows are marked
// "yours").
func (h *Handler) queue(w http.ResponseWriter, r *http.Request) error {
	f, err := pathFlight(r)
	if err != nil {
		return err
	}
	from, limit, err := httpapi.QueryWindow(r, 50)
	if err != nil {
		return err
	}
	view, err := h.svc.View(r.Context(), f, from, limit, r.URL.Query().Get("booking"))
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusOK, view)
	return nil
}

// addBooking puts a completed standby booking's passengers into the
// queues of its flights, all or none, and answers their places. A booking
// without booked_at was completed now. Under an Idempotency-Key, a repeat
// gets the first answer again.
func (h *Handler) addBooking(w http.ResponseWriter, r *http.Request) error {
	return h.keys.Serve(w, r, "standby", h.joinQueues)
}

func (h *Handler) joinQueues(w http.ResponseWriter, r *http.Request) error {
	var in bookingRequestJSON
	if err := httpapi.DecodeJSON(r, &in); err != nil {
		return err
	}
	b, err := in.booking(h.now)
	if err != nil {
		return err
	}
	if _, err := h.svc.AddBooking(r.Context(), b); err != nil {
		return err
	}
	placements, err := h.svc.Placements(r.Context(), b.ID)
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusCreated, bookingOut(b.ID, placements))
	return nil
}

// placements answers where each passenger of a booking stands on each of
// its flights.
func (h *Handler) placements(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("booking")
	placements, err := h.svc.Placements(r.Context(), id)
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusOK, bookingOut(id, placements))
	return nil
}

// cancelBooking takes every waiting passenger of a booking out of every
// queue. A retry answers an empty list.
func (h *Handler) cancelBooking(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("booking")
	cancelled, err := h.svc.CancelBooking(r.Context(), id)
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusOK, cancelledJSON{id, entriesOut(cancelled)})
	return nil
}

// leave takes one passenger out of a flight's queue, with the status the
// engine names (standby.Service.Remove decides which statuses a single
// passenger may leave with).
func (h *Handler) leave(w http.ResponseWriter, r *http.Request) error {
	f, err := pathFlight(r)
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
	e, err := h.svc.Remove(r.Context(), standby.EntryID{Flight: f.Key(), BookingID: in.BookingID, Passenger: *in.Passenger}, status)
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusOK, leftJSON{entryOut(e), status})
	return nil
}

// closeFlight closes a flight: everyone still waiting leaves the queue and
// no standby passenger can be added any more.
func (h *Handler) closeFlight(w http.ResponseWriter, r *http.Request) error {
	f, err := pathFlight(r)
	if err != nil {
		return err
	}
	n, err := h.svc.CloseFlight(r.Context(), f)
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusOK, closedJSON{f.Key(), n})
	return nil
}

// pathFlight reads the {flight} path parameter: a canonical flight key
// such as SU-100-2026-11-23.
func pathFlight(r *http.Request) (standby.Flight, error) {
	return standby.ParseFlightKey(r.PathValue("flight"))
}

func parseDate(field, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, bookingkit.Invalid(field, "", "required, as YYYY-MM-DD")
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, bookingkit.Invalid(field, s, "a date as YYYY-MM-DD")
	}
	return d, nil
}

func parseTime(field, s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, bookingkit.Invalid(field, s, "an RFC 3339 time such as 2026-11-20T09:30:00Z")
	}
	return t, nil
}
