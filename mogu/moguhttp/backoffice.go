package moguhttp

import (
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/httpapi"
	"github.com/bookingkit/bookingkit/mogu"
)

// Operators says which back-office operator a request acts for. The
// engine's back office authenticates its people; MOGU records the
// operator as who changed an activation and checks what the operator may
// do (enter an agency account, grant access) against package mogu's
// rules. Operator returns a [*bookingkit.ValidationError] or an error
// matching bookingkit.ErrUnauthorized when the request names nobody.
type Operators interface {
	Operator(r *http.Request) (string, error)
}

// OperatorFunc is a function that is an [Operators].
type OperatorFunc func(r *http.Request) (string, error)

// Operator calls f.
func (f OperatorFunc) Operator(r *http.Request) (string, error) { return f(r) }

// HeaderOperator is the [Operators] of a trusted back office that names
// the operator in the X-Operator header of its server-to-server calls
// (the caller's check, the engine token in the reference server,
// authenticates the back office, not the person).
type HeaderOperator struct{}

// Operator returns the trimmed X-Operator header, or a
// [*bookingkit.ValidationError] when it is absent.
func (HeaderOperator) Operator(r *http.Request) (string, error) {
	op := strings.TrimSpace(r.Header.Get("X-Operator"))
	if op == "" {
		return "", bookingkit.Invalid("X-Operator", "", "header required: the back-office operator's ID")
	}
	return op, nil
}

// BackOfficeOptions configures a [BackOffice].
type BackOfficeOptions struct {
	// Logger takes what no answer shows; slog.Default when nil.
	Logger *slog.Logger
	// Operators says which operator a request acts for;
	// [HeaderOperator] when nil.
	Operators Operators
}

// BackOffice serves the engine's back office: bookings and their vouchers,
// microsite activation, and the agency accounts of B2B operators.
type BackOffice struct {
	svc       *mogu.Service
	logger    *slog.Logger
	operators Operators
}

// NewBackOffice returns the back-office handler over svc.
func NewBackOffice(svc *mogu.Service, opts BackOfficeOptions) (*BackOffice, error) {
	if svc == nil {
		return nil, bookingkit.Invalid("svc", "", "required")
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Operators == nil {
		opts.Operators = HeaderOperator{}
	}
	return &BackOffice{svc: svc, logger: opts.Logger, operators: opts.Operators}, nil
}

// Routes returns the back office's routes, unauthenticated: they are the
// engine's server-to-server calls, and the caller wraps each handler with
// its own check (the reference server, with its engine token). Mounted at
// "", they are the reference server's paths.
func (b *BackOffice) Routes() []httpapi.Route {
	return []httpapi.Route{
		{Pattern: "PUT /api/backoffice/mogu/bookings/{booking}", Handler: b.putBooking()},
		{Pattern: "GET /api/backoffice/mogu/bookings/{booking}/status", Handler: b.bookingStatus()},
		{Pattern: "GET /api/backoffice/mogu/bookings/{booking}/voucher", Handler: b.voucher()},
		{Pattern: "GET /api/backoffice/mogu/bookings/{booking}/qr", Handler: b.voucherQR()},
		{Pattern: "POST /api/backoffice/mogu/bookings/{booking}/reissue", Handler: b.reissue()},
		{Pattern: "GET /api/backoffice/mogu/microsites/{microsite}/activation", Handler: b.activation()},
		{Pattern: "PUT /api/backoffice/mogu/microsites/{microsite}/activation", Handler: b.setActivation()},
		{Pattern: "GET /api/backoffice/mogu/microsites/{microsite}/activation/history", Handler: httpapi.PageCursor("before", b.activationHistory())},
		{Pattern: "GET /api/backoffice/mogu/open-link", Handler: b.openLink()},
		{Pattern: "GET /api/backoffice/mogu/operators/{operator}/memberships", Handler: httpapi.PageCursor("after", b.memberships())},
		{Pattern: "PUT /api/backoffice/mogu/operators/{operator}/memberships/{agency}", Handler: b.grant()},
		{Pattern: "DELETE /api/backoffice/mogu/operators/{operator}/memberships/{agency}", Handler: b.revoke()},
		{Pattern: "GET /api/backoffice/mogu/account", Handler: b.currentAccount()},
		{Pattern: "PUT /api/backoffice/mogu/account", Handler: b.enterAccount()},
		{Pattern: "GET /api/backoffice/mogu/account/bookings", Handler: b.accountBookings()},
		{Pattern: "GET /api/backoffice/mogu/account/bookings/{booking}", Handler: b.accountBooking()},
		{Pattern: "GET /api/backoffice/mogu/accounts/{agency}", Handler: b.landInAccount(false)},
		{Pattern: "GET /api/backoffice/mogu/accounts/{agency}/bookings/{booking}", Handler: b.landInAccount(true)},
	}
}

func (b *BackOffice) handler(fn func(w http.ResponseWriter, r *http.Request) error) http.Handler {
	return httpapi.Handler(b.logger, fn)
}

// tripJSON is a registered booking as the back office sees it.
type tripJSON struct {
	BookingID       string    `json:"booking_id"`
	Channel         string    `json:"channel"`
	ContactEmail    string    `json:"contact_email"`
	AgentEmail      string    `json:"agent_email,omitempty"`
	AgencyID        string    `json:"agency_id,omitempty"`
	MicrositeID     string    `json:"microsite_id"`
	Title           string    `json:"title"`
	Travelers       int       `json:"travelers"`
	Start           time.Time `json:"start"`
	End             time.Time `json:"end"`
	ListedByEmail   bool      `json:"listed_by_email"`
	TokenGeneration uint32    `json:"token_generation"`
	Claims          int       `json:"claims"`
	RegisteredAt    time.Time `json:"registered_at"`
	UpdatedAt       time.Time `json:"updated_at"`
}

func tripOut(t mogu.Trip) tripJSON {
	return tripJSON{
		BookingID: t.ID, Channel: t.Channel.String(), ContactEmail: t.ContactEmail, AgentEmail: t.AgentEmail,
		AgencyID: t.AgencyID, MicrositeID: t.MicrositeID, Title: t.Title, Travelers: t.Travelers,
		Start: t.Start, End: t.End, ListedByEmail: t.ListedByEmail, TokenGeneration: t.TokenGeneration,
		Claims: t.Claims, RegisteredAt: t.RegisteredAt, UpdatedAt: t.UpdatedAt,
	}
}

type activationJSON struct {
	MicrositeID string     `json:"microsite_id"`
	Seq         int64      `json:"seq"`
	Active      bool       `json:"active"`
	By          string     `json:"by,omitempty"`
	At          *time.Time `json:"at,omitempty"`
	Note        string     `json:"note,omitempty"`
}

func activationOut(a mogu.Activation) activationJSON {
	out := activationJSON{MicrositeID: a.MicrositeID, Seq: a.Seq, Active: a.Active, By: a.By, Note: a.Note}
	if !a.At.IsZero() {
		out.At = &a.At
	}
	return out
}

type membershipJSON struct {
	OperatorID string    `json:"operator_id"`
	AgencyID   string    `json:"agency_id"`
	GrantedBy  string    `json:"granted_by"`
	GrantedAt  time.Time `json:"granted_at"`
}

func membershipOut(m mogu.Membership) membershipJSON {
	return membershipJSON{OperatorID: m.OperatorID, AgencyID: m.AgencyID, GrantedBy: m.GrantedBy, GrantedAt: m.GrantedAt}
}

func parseChannel(field, s string) (mogu.Channel, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "b2c":
		return mogu.B2C, nil
	case "b2b":
		return mogu.B2B, nil
	}
	return 0, bookingkit.Invalid(field, s, "b2c or b2b")
}

func parseTime(field, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, bookingkit.Invalid(field, "", "required")
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, bookingkit.Invalid(field, s, "an RFC 3339 time such as 2026-12-01T08:00:00Z")
	}
	return t, nil
}

// Back office: bookings and vouchers.

// putBooking registers a booking sent by the engine, or updates it.
func (b *BackOffice) putBooking() http.Handler {
	return b.handler(func(w http.ResponseWriter, r *http.Request) error {
		var in struct {
			Channel      string `json:"channel"`
			ContactEmail string `json:"contact_email"`
			AgentEmail   string `json:"agent_email"`
			AgencyID     string `json:"agency_id"`
			MicrositeID  string `json:"microsite_id"`
			Title        string `json:"title"`
			Travelers    int    `json:"travelers"`
			Start        string `json:"start"`
			End          string `json:"end"`
		}
		if err := httpapi.DecodeJSON(r, &in); err != nil {
			return err
		}
		ch, err := parseChannel("channel", in.Channel)
		if err != nil {
			return err
		}
		start, err := parseTime("start", in.Start)
		if err != nil {
			return err
		}
		end, err := parseTime("end", in.End)
		if err != nil {
			return err
		}
		t, err := b.svc.RegisterBooking(r.Context(), mogu.Trip{
			Booking: mogu.Booking{
				ID: r.PathValue("booking"), Channel: ch, ContactEmail: in.ContactEmail, AgentEmail: in.AgentEmail,
				AgencyID: in.AgencyID, MicrositeID: in.MicrositeID,
			},
			Title: in.Title, Travelers: in.Travelers, Start: start, End: end,
		})
		if err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusOK, tripOut(t))
		return nil
	})
}

// bookingOf is the booking a back-office request names: the ID from the
// path and, for bookings not registered, the microsite to explain.
func bookingOf(r *http.Request) mogu.Booking {
	return mogu.Booking{ID: r.PathValue("booking"), MicrositeID: r.URL.Query().Get("microsite")}
}

type statusJSON struct {
	BookingID   string         `json:"booking_id"`
	MicrositeID string         `json:"microsite_id,omitempty"`
	Registered  bool           `json:"registered"`
	Claimable   bool           `json:"claimable"`
	Reason      string         `json:"reason,omitempty"`
	Activation  activationJSON `json:"activation"`
	Trip        *tripJSON      `json:"trip,omitempty"`
}

func (b *BackOffice) bookingStatus() http.Handler {
	return b.handler(func(w http.ResponseWriter, r *http.Request) error {
		st, err := b.svc.Status(r.Context(), bookingOf(r))
		if err != nil {
			return err
		}
		out := statusJSON{BookingID: st.BookingID, MicrositeID: st.MicrositeID, Registered: st.Registered,
			Claimable: st.Claimable, Reason: st.Reason, Activation: activationOut(st.Activation)}
		if st.Registered {
			t := tripOut(st.Trip)
			out.Trip = &t
		}
		httpapi.WriteJSON(w, http.StatusOK, out)
		return nil
	})
}

type voucherJSON struct {
	BookingID string     `json:"booking_id"`
	Kind      string     `json:"kind"`
	URL       string     `json:"url"`
	Expires   *time.Time `json:"expires,omitempty"`
	Reason    string     `json:"reason,omitempty"`
}

func voucherOut(v mogu.Voucher) voucherJSON {
	out := voucherJSON{BookingID: v.BookingID, Kind: string(v.Kind), URL: v.URL, Reason: v.Reason}
	if !v.Expires.IsZero() {
		out.Expires = &v.Expires
	}
	return out
}

func (b *BackOffice) voucher() http.Handler {
	return b.handler(func(w http.ResponseWriter, r *http.Request) error {
		v, err := b.svc.Voucher(r.Context(), bookingOf(r))
		if err != nil {
			return err
		}
		w.Header().Set("Cache-Control", "no-store")
		httpapi.WriteJSON(w, http.StatusOK, voucherOut(v))
		return nil
	})
}

// voucherQR draws the voucher's QR code: MOGU's claim URL when the booking
// is claimable, otherwise the engine's "add services" page (the header
// X-Mogu-Voucher-Kind says which).
func (b *BackOffice) voucherQR() http.Handler {
	return b.handler(func(w http.ResponseWriter, r *http.Request) error {
		q := r.URL.Query()
		format := mogu.Format(strings.ToLower(q.Get("format")))
		if format == "" {
			format = mogu.PNG
		}
		size, err := httpapi.QueryInt(r, "size", mogu.DefaultPixelsPerModule)
		if err != nil {
			return err
		}
		img, v, err := b.svc.VoucherQR(r.Context(), bookingOf(r), format, size)
		if err != nil {
			return err
		}
		h := w.Header()
		if format == mogu.SVG {
			h.Set("Content-Type", "image/svg+xml")
		} else {
			h.Set("Content-Type", "image/png")
		}
		h.Set("Content-Length", strconv.Itoa(len(img)))
		h.Set("Cache-Control", "no-store")
		h.Set("X-Mogu-Voucher-Kind", string(v.Kind))
		w.WriteHeader(http.StatusOK)
		w.Write(img) //nolint:errcheck // the client has gone; nothing to do
		return nil
	})
}

func (b *BackOffice) reissue() http.Handler {
	return b.handler(func(w http.ResponseWriter, r *http.Request) error {
		t, err := b.svc.ReissueVoucher(r.Context(), r.PathValue("booking"))
		if err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusOK, tripOut(t))
		return nil
	})
}

// Back office: microsite activation.

func (b *BackOffice) activation() http.Handler {
	return b.handler(func(w http.ResponseWriter, r *http.Request) error {
		a, err := b.svc.Activation(r.Context(), r.PathValue("microsite"))
		if err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusOK, activationOut(a))
		return nil
	})
}

// setActivation turns MOGU on or off for a microsite; X-Operator is
// recorded as who did it.
func (b *BackOffice) setActivation() http.Handler {
	return b.handler(func(w http.ResponseWriter, r *http.Request) error {
		by, err := b.operators.Operator(r)
		if err != nil {
			return err
		}
		var in struct {
			Active *bool  `json:"active"`
			Note   string `json:"note"`
		}
		if err := httpapi.DecodeJSON(r, &in); err != nil {
			return err
		}
		if in.Active == nil {
			return bookingkit.Invalid("active", "", "required: true or false")
		}
		a, err := b.svc.SetActive(r.Context(), r.PathValue("microsite"), *in.Active, by, in.Note)
		if err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusOK, activationOut(a))
		return nil
	})
}

func (b *BackOffice) activationHistory() http.Handler {
	return b.handler(func(w http.ResponseWriter, r *http.Request) error {
		before, err := httpapi.QueryInt(r, "before", 0)
		if err != nil {
			return err
		}
		limit, err := httpapi.QueryInt(r, "limit", 0)
		if err != nil {
			return err
		}
		h, err := b.svc.ActivationHistory(r.Context(), r.PathValue("microsite"), int64(before), limit)
		if err != nil {
			return err
		}
		out := page[activationJSON]{Items: mapAll(h, activationOut)}
		if limit == 0 {
			limit = mogu.DefaultPageSize
		}
		if len(h) == limit && h[len(h)-1].Seq > 1 {
			out.Next = strconv.FormatInt(h[len(h)-1].Seq, 10)
		}
		httpapi.WriteJSON(w, http.StatusOK, out)
		return nil
	})
}

// Back office: agency accounts.

// openLink answers whether the "open in MOGU" button is shown to a
// back-office user and where it leads: on a booking (booking, with its
// channel and agency) or on the agencies page (agency alone). A B2B
// booking without an agency (400), or with another agency or channel than
// MOGU registered it with (409), is refused: the link would open no
// account or the wrong one.
func (b *BackOffice) openLink() http.Handler {
	return b.handler(func(w http.ResponseWriter, r *http.Request) error {
		q := r.URL.Query()
		userChannel, err := parseChannel("user_channel", q.Get("user_channel"))
		if err != nil {
			return err
		}
		user := mogu.BackOfficeUser{ID: q.Get("user"), Channel: userChannel}
		var link string
		var shown bool
		if booking := q.Get("booking"); booking != "" {
			ch, err := parseChannel("booking_channel", q.Get("booking_channel"))
			if err != nil {
				return err
			}
			link, shown, err = b.svc.OpenBookingLink(r.Context(), user, mogu.Booking{ID: booking, Channel: ch, AgencyID: q.Get("agency")})
			if err != nil {
				return err
			}
		} else {
			link, shown = b.svc.OpenAgencyLink(user, q.Get("agency"))
		}
		out := struct {
			Shown bool   `json:"shown"`
			URL   string `json:"url,omitempty"`
		}{shown, link}
		httpapi.WriteJSON(w, http.StatusOK, out)
		return nil
	})
}

func (b *BackOffice) memberships() http.Handler {
	return b.handler(func(w http.ResponseWriter, r *http.Request) error {
		limit, err := httpapi.QueryInt(r, "limit", 0)
		if err != nil {
			return err
		}
		list, err := b.svc.Memberships(r.Context(), r.PathValue("operator"), r.URL.Query().Get("after"), limit)
		if err != nil {
			return err
		}
		out := page[membershipJSON]{Items: mapAll(list, membershipOut)}
		if limit == 0 {
			limit = mogu.DefaultPageSize
		}
		if len(list) == limit {
			out.Next = list[len(list)-1].AgencyID
		}
		httpapi.WriteJSON(w, http.StatusOK, out)
		return nil
	})
}

// grant gives an operator access to an agency account; X-Operator is who
// grants it, and must be one of the config's mogu.administrators (the
// rule is package mogu's: Service.Grant checks it).
func (b *BackOffice) grant() http.Handler {
	return b.handler(func(w http.ResponseWriter, r *http.Request) error {
		by, err := b.operators.Operator(r)
		if err != nil {
			return err
		}
		ms, err := b.svc.Grant(r.Context(), by, r.PathValue("operator"), r.PathValue("agency"))
		if err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusCreated, membershipOut(ms))
		return nil
	})
}

// revoke withdraws an operator's access to an agency account; X-Operator
// must be one of mogu.administrators, as for grant.
func (b *BackOffice) revoke() http.Handler {
	return b.handler(func(w http.ResponseWriter, r *http.Request) error {
		by, err := b.operators.Operator(r)
		if err != nil {
			return err
		}
		if err := b.svc.Revoke(r.Context(), by, r.PathValue("operator"), r.PathValue("agency")); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
}

type currentJSON struct {
	AgencyID string `json:"agency_id"`
}

func (b *BackOffice) currentAccount() http.Handler {
	return b.handler(func(w http.ResponseWriter, r *http.Request) error {
		op, err := b.operators.Operator(r)
		if err != nil {
			return err
		}
		agency, err := b.svc.CurrentAccount(r.Context(), op)
		if err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusOK, currentJSON{AgencyID: agency})
		return nil
	})
}

// enterAccount switches the operator to an agency account.
func (b *BackOffice) enterAccount() http.Handler {
	return b.handler(func(w http.ResponseWriter, r *http.Request) error {
		op, err := b.operators.Operator(r)
		if err != nil {
			return err
		}
		var in currentJSON
		if err := httpapi.DecodeJSON(r, &in); err != nil {
			return err
		}
		if err := b.svc.EnterAccount(r.Context(), op, in.AgencyID); err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusOK, in)
		return nil
	})
}

func (b *BackOffice) writeAccountBookings(w http.ResponseWriter, r *http.Request, op string) error {
	limit, err := httpapi.QueryInt(r, "limit", 0)
	if err != nil {
		return err
	}
	p, err := b.svc.AccountBookings(r.Context(), op, r.URL.Query().Get("cursor"), limit)
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusOK, page[tripJSON]{Items: mapAll(p.Trips, tripOut), Next: p.Next})
	return nil
}

func (b *BackOffice) writeAccountBooking(w http.ResponseWriter, r *http.Request, op string) error {
	t, err := b.svc.AccountBooking(r.Context(), op, r.PathValue("booking"))
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusOK, tripOut(t))
	return nil
}

// accountBookings lists the bookings of the account the operator is in,
// and only those.
func (b *BackOffice) accountBookings() http.Handler {
	return b.handler(func(w http.ResponseWriter, r *http.Request) error {
		op, err := b.operators.Operator(r)
		if err != nil {
			return err
		}
		return b.writeAccountBookings(w, r, op)
	})
}

func (b *BackOffice) accountBooking() http.Handler {
	return b.handler(func(w http.ResponseWriter, r *http.Request) error {
		op, err := b.operators.Operator(r)
		if err != nil {
			return err
		}
		return b.writeAccountBooking(w, r, op)
	})
}

// landInAccount is where an "open in MOGU" link leads: the operator enters
// the agency account it names (or is refused, staying where they were) and
// sees its bookings, or the one booking the link names.
func (b *BackOffice) landInAccount(oneBooking bool) http.Handler {
	return b.handler(func(w http.ResponseWriter, r *http.Request) error {
		op, err := b.operators.Operator(r)
		if err != nil {
			return err
		}
		if err := b.svc.EnterAccount(r.Context(), op, r.PathValue("agency")); err != nil {
			return err
		}
		if oneBooking {
			return b.writeAccountBooking(w, r, op)
		}
		return b.writeAccountBookings(w, r, op)
	})
}
