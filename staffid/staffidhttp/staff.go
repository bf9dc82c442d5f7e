package staffidhttp

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/bookingkit/bookingkit/httpapi"
	"github.com/bookingkit/bookingkit/idempotency"
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/standby"
)

// Employees tells who the signed-in employee of a request is: the one
// thing the cabinet's routes ([StaffHandler]) need from a sign-in.
// bookingkit's own account sessions are one implementation
// ([StaffSessions]); an engine with its own sign-in passes its own, which
// returns at least SignedIn.Employee (a person of the employee list,
// [staffid.PeopleStore.Person]) and the email to show (Account.Email).
//
// A request without a signed-in employee is an error matching
// bookingkit.ErrUnauthorized (401); any error is answered as
// [httpapi.WriteError] maps it.
type Employees interface {
	Employee(r *http.Request) (staffid.SignedIn, error)
}

// StaffOptions are a [StaffHandler]'s or a [StaffSignIn]'s settings;
// every field has a default.
type StaffOptions struct {
	// Logger receives the errors answered as 500 (their text stays out of
	// the answer); slog.Default() when nil.
	Logger *slog.Logger
	// Idempotency, when set, keeps the Idempotency-Key of POST
	// /api/staff/bookings, each employee's keys apart (package
	// idempotency): a repeat gets the first answer and books nothing.
	// Without it, the header is ignored.
	Idempotency idempotency.Store
}

func (o StaffOptions) logger() *slog.Logger {
	if o.Logger == nil {
		return slog.Default()
	}
	return o.Logger
}

// StaffHandler serves the employees' cabinet: who they are, their
// passengers (themselves and their companions, read-only), their
// bookings, and the standby queue of a flight as staff may see it. The
// rules are [staffid.Bookings]'s; the handler decodes, asks [Employees]
// who is signed in, and encodes. Create it with [NewStaffHandler] and
// mount its [StaffHandler.Routes].
type StaffHandler struct {
	bookings  *staffid.Bookings
	employees Employees
	logger    *slog.Logger
	keys      *idempotency.Keys
}

// NewStaffHandler returns the cabinet over bookings, for the employees
// employees signs in.
func NewStaffHandler(bookings *staffid.Bookings, employees Employees, opts StaffOptions) (*StaffHandler, error) {
	if bookings == nil || employees == nil {
		return nil, errors.New("staffidhttp: the staff cabinet needs staffid.Bookings and Employees")
	}
	h := &StaffHandler{bookings: bookings, employees: employees, logger: opts.logger()}
	if opts.Idempotency != nil {
		h.keys = idempotency.New(opts.Idempotency, idempotency.Config{Logger: h.logger})
	}
	return h, nil
}

// Routes returns the cabinet's routes, relative to where they are
// mounted: mounted at "", exactly the paths bookingkitd serves. Each asks
// the handler's [Employees] for the signed-in employee first.
func (h *StaffHandler) Routes() []httpapi.Route {
	return []httpapi.Route{
		{Pattern: "GET /api/staff/me", Handler: h.employee(h.me)},
		{Pattern: "GET /api/staff/passengers", Handler: h.employee(h.passengers)},
		{Pattern: "POST /api/staff/bookings", Handler: h.employee(h.createBooking)},
		{Pattern: "GET /api/staff/bookings", Handler: httpapi.PageCursor("before", h.employee(h.listBookings))},
		{Pattern: "GET /api/staff/bookings/{booking}", Handler: h.employee(h.getBooking)},
		{Pattern: "GET /api/staff/standby/flights/{flight}/queue", Handler: httpapi.PageCursor("from", h.employee(h.standbyQueue))},
		{Pattern: "GET /api/staff/standby/flights/{flight}/estimate", Handler: h.employee(h.standbyEstimate)},
		{Pattern: "POST /api/staff/standby/estimates", Handler: h.employee(h.standbyResults)},
	}
}

// employee wraps a handler that acts for the signed-in employee.
func (h *StaffHandler) employee(fn func(w http.ResponseWriter, r *http.Request, e staffid.SignedIn) error) http.Handler {
	return httpapi.Handler(h.logger, func(w http.ResponseWriter, r *http.Request) error {
		e, err := h.employees.Employee(r)
		if err != nil {
			return err
		}
		return fn(w, r, e)
	})
}

func (h *StaffHandler) me(w http.ResponseWriter, r *http.Request, e staffid.SignedIn) error {
	httpapi.WriteJSON(w, http.StatusOK, staffMeJSON{Email: e.Account.Email, Employee: staffPersonOut(e.Employee)})
	return nil
}

func (h *StaffHandler) passengers(w http.ResponseWriter, r *http.Request, e staffid.SignedIn) error {
	ps, err := h.bookings.Passengers(r.Context(), e.Employee.ID)
	if err != nil {
		return err
	}
	out := make([]staffPersonJSON, len(ps))
	for i, p := range ps {
		out[i] = staffPersonOut(p)
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"passengers": out})
	return nil
}

// createBooking books under the request's Idempotency-Key, if it has one:
// a repeat gets the first answer (the same booking) again.
func (h *StaffHandler) createBooking(w http.ResponseWriter, r *http.Request, e staffid.SignedIn) error {
	return h.keys.Serve(w, r, "staff:"+e.Employee.ID, func(w http.ResponseWriter, r *http.Request) error {
		return h.book(w, r, e)
	})
}

func (h *StaffHandler) book(w http.ResponseWriter, r *http.Request, e staffid.SignedIn) error {
	var in staffBookingRequestJSON
	if err := httpapi.DecodeJSON(r, &in); err != nil {
		return err
	}
	flight, err := in.Flight.parse()
	if err != nil {
		return err
	}
	cabin, err := standby.ParseCabin(in.Cabin)
	if err != nil {
		return err
	}
	req := staffid.BookingRequest{Flight: flight, FareBasis: in.FareBasis, PassengerType: in.PassengerType, Cabin: cabin}
	for _, p := range in.Passengers {
		req.Passengers = append(req.Passengers, staffid.PassengerInput(p))
	}
	v, err := h.bookings.Create(r.Context(), e.Employee.ID, req)
	if err != nil {
		return err
	}
	// The booking's own route, under wherever the routes are mounted.
	w.Header().Set("Location", strings.TrimSuffix(r.URL.Path, "/")+"/"+url.PathEscape(v.ID))
	httpapi.WriteJSON(w, http.StatusCreated, staffBookingOut(v))
	return nil
}

// listBookings answers a page of the bookings made for the employee and
// their companions, newest first; "next" is the "before" of the next page.
func (h *StaffHandler) listBookings(w http.ResponseWriter, r *http.Request, e staffid.SignedIn) error {
	limit, err := httpapi.QueryInt(r, "limit", 0)
	if err != nil {
		return err
	}
	before, err := httpapi.QueryInt(r, "before", 0)
	if err != nil {
		return err
	}
	var flight standby.FlightKey
	if v := r.URL.Query().Get("flight"); v != "" {
		f, err := standby.ParseFlightKey(v)
		if err != nil {
			return err
		}
		flight = f.Key()
	}
	page, err := h.bookings.List(r.Context(), e.Employee.ID, flight, int64(before), limit)
	if err != nil {
		return err
	}
	out := struct {
		Items []staffBookingJSON `json:"items"`
		Next  int64              `json:"next,omitempty"`
	}{Items: make([]staffBookingJSON, len(page.Bookings)), Next: page.Next}
	for i, b := range page.Bookings {
		out.Items[i] = staffBookingOut(b)
	}
	httpapi.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (h *StaffHandler) getBooking(w http.ResponseWriter, r *http.Request, e staffid.SignedIn) error {
	v, err := h.bookings.Get(r.Context(), e.Employee.ID, r.PathValue("booking"))
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusOK, staffBookingOut(v))
	return nil
}

// standbyQueue answers a page of a flight's standby queue, anonymised
// (position, cabin, category, whether the airline's staff), with the rows
// of the employee's group's passengers marked, and their places listed
// ([staffid.Bookings.QueueView]). Query: from (1-based position, default
// 1), limit (default 50; at most the standby service's MaxViewLimit).
func (h *StaffHandler) standbyQueue(w http.ResponseWriter, r *http.Request, e staffid.SignedIn) error {
	f, err := standby.ParseFlightKey(r.PathValue("flight"))
	if err != nil {
		return err
	}
	from, limit, err := httpapi.QueryWindow(r, 50)
	if err != nil {
		return err
	}
	view, err := h.bookings.QueueView(r.Context(), e.Employee.ID, f, from, limit)
	if err != nil {
		return err
	}
	own := make([]staffOwnPlaceJSON, len(view.Yours))
	for i, p := range view.Yours {
		own[i] = staffOwnPlaceJSON(p)
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"queue": view.Queue, "yours": own})
	return nil
}

// standbyEstimate answers the place each of the employee's passengers
// would get in a flight's standby queue if booked now, each on their own
// ([staffid.Bookings.Estimate]): the figure beside a standby fare. Query:
// cabin (default economy), passengers (comma-separated person IDs;
// default the employee).
func (h *StaffHandler) standbyEstimate(w http.ResponseWriter, r *http.Request, e staffid.SignedIn) error {
	if !h.bookings.OffersStandby() {
		return staffid.ErrNoStandbyFares
	}
	f, err := standby.ParseFlightKey(r.PathValue("flight"))
	if err != nil {
		return err
	}
	cabin := standby.Economy
	if v := r.URL.Query().Get("cabin"); v != "" {
		if cabin, err = standby.ParseCabin(v); err != nil {
			return err
		}
	}
	var wanted []string
	if v := r.URL.Query().Get("passengers"); v != "" {
		wanted = strings.Split(v, ",")
	}
	estimates, err := h.bookings.Estimate(r.Context(), e.Employee.ID, f, cabin, wanted)
	if err != nil {
		return err
	}
	out := make([]staffEstimateJSON, len(estimates))
	for i, est := range estimates {
		out[i] = staffEstimateJSON(est)
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"flight": f.Key(), "cabin": cabin, "estimates": out})
	return nil
}
