package main

// The airline staff's own HTTP surface under /api/staff/: registration
// against the imported employee list, the mailed one-time link and its
// set-password page, sign-in, the employee's passengers (themself and their
// companions, read-only), their bookings, and the standby queue of a flight
// as staff may see it. The rules live in package staffid (Accounts,
// Bookings) and standby; this file decodes, authenticates and encodes.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/account"
	"github.com/bookingkit/bookingkit/httpapi"
	"github.com/bookingkit/bookingkit/outbox"
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/standby"
	"github.com/bookingkit/bookingkit/storage"
)

// staffAccountsConfig is the "staff_accounts" section of the config file:
// how employees sign in. The list's own settings (registration fields,
// standby passenger types, airline code) are the staffid section's. Every
// field has a default.
type staffAccountsConfig struct {
	// LinkLifetime (a Go duration) is how long a mailed one-time link
	// works; default 24h.
	LinkLifetime string `json:"link_lifetime"`
	// SessionLifetime (a Go duration) is how long a sign-in lasts; default
	// 7 days.
	SessionLifetime string `json:"session_lifetime"`
	// MinPasswordLength is the shortest password accepted; default 8.
	MinPasswordLength int `json:"min_password_length"`
	// TemplatesDir is a folder with the deployment's own message texts
	// (staff_register.txt, staff_reset.txt, staff_moved.txt,
	// staff_already_registered.txt, staff_registered_elsewhere.txt,
	// staff_register_refused.txt: text/templates rendering
	// "Subject: …", an empty line, the body); a file absent there keeps
	// the built-in text.
	TemplatesDir string `json:"templates_dir"`
	// Registration, sign-in and link requests: AttemptsPerAddress at once
	// from one client address and AttemptsPerAccount for one account (or
	// one employee's details), then one more per AttemptInterval (a Go
	// duration). Defaults 10, 5 and "1m".
	AttemptsPerAddress int    `json:"attempts_per_address"`
	AttemptsPerAccount int    `json:"attempts_per_account"`
	AttemptInterval    string `json:"attempt_interval"`
}

// staffCookie carries the session of the set-password page's flow.
const staffCookie = "bookingkit_staff_session"

// staffPasswordPath is where mailed links point: GET shows the form, POST
// sets the password.
const staffPasswordPath = "/api/staff/password"

// staffServer holds what the staff handlers need.
type staffServer struct {
	accounts *staffid.Accounts
	bookings *staffid.Bookings
	queue    *standby.Service
	cfg      staffid.Config
	logger   *slog.Logger
	maxPage  int                   // largest page of a queue view
	minLen   int                   // shortest password, shown on the form
	cookie   httpapi.SessionCookie // the set-password page's session
}

// newStaffServer builds the staff accounts and bookings over stores, with
// the list's settings sid, the shared mailer and the standby queues.
// requests keeps the registrations and resets for the outbox's worker
// (staffServer.handleQueued completes them).
func newStaffServer(logger *slog.Logger, cfg Config, sid staffid.Config, stores storage.Stores, mailer account.Mailer, requests account.Queue, queue *standbyServer) (*staffServer, error) {
	c := cfg.File.StaffAccounts
	linkTTL, err := staffDuration("staff_accounts.link_lifetime", c.LinkLifetime, 24*time.Hour)
	if err != nil {
		return nil, err
	}
	sessionTTL, err := staffDuration("staff_accounts.session_lifetime", c.SessionLifetime, 7*24*time.Hour)
	if err != nil {
		return nil, err
	}
	interval, err := staffDuration("staff_accounts.attempt_interval", c.AttemptInterval, time.Minute)
	if err != nil {
		return nil, err
	}
	perAddress, err := staffPositive("staff_accounts.attempts_per_address", c.AttemptsPerAddress, 10)
	if err != nil {
		return nil, err
	}
	perAccount, err := staffPositive("staff_accounts.attempts_per_account", c.AttemptsPerAccount, 5)
	if err != nil {
		return nil, err
	}
	minLen, err := staffPositive("staff_accounts.min_password_length", c.MinPasswordLength, 8)
	if err != nil {
		return nil, err
	}
	var templates *staffid.MailTemplates
	if c.TemplatesDir != "" {
		if templates, err = staffid.ParseMailTemplates(os.DirFS(c.TemplatesDir)); err != nil {
			return nil, fmt.Errorf("config staff_accounts.templates_dir %s: %w", c.TemplatesDir, err)
		}
	}
	base, err := staffPublicURL(cfg)
	if err != nil {
		return nil, err
	}
	if cfg.PublicURL == "" {
		logger.Info("staff: mailed links point at "+base+"; set BOOKINGKIT_PUBLIC_URL to the address employees' browsers reach", "link_base", base)
	}
	accounts, err := staffid.NewAccounts(sid, stores.StaffID, stores.Accounts, staffid.AccountsConfig{
		Account: account.Config{
			LinkTTL:           linkTTL,
			SessionTTL:        sessionTTL,
			MinPasswordLength: minLen,
			PerAddress:        newLimiter(stores, interval, perAddress),
			PerAccount:        newLimiter(stores, interval, perAccount),
		},
		Mailer:    mailer,
		Queue:     requests,
		Templates: templates,
		LinkURL:   base + staffPasswordPath + "?token={token}",
		Unanswered: func(ctx context.Context, err error) {
			logger.ErrorContext(ctx, "staff: an account the employee list gives another address could not move there; it stays shut", "error", err)
		},
	})
	if err != nil {
		return nil, fmt.Errorf("staff accounts: %w", err)
	}
	bookings, err := staffid.NewBookings(sid, stores.StaffID, stores.StaffBookings, queue.Service)
	if err != nil {
		return nil, fmt.Errorf("staff bookings: %w", err)
	}
	return &staffServer{accounts: accounts, bookings: bookings, queue: queue.Service, cfg: sid.WithDefaults(), logger: logger, maxPage: queue.maxPage, minLen: minLen,
		cookie: httpapi.NewSessionCookie(staffCookie, "/api/staff", cfg.PublicURL)}, nil
}

// staffPublicURL is the root of the links mailed to employees:
// BOOKINGKIT_PUBLIC_URL, or this server's listening address.
func staffPublicURL(cfg Config) (string, error) {
	if cfg.PublicURL == "" {
		return "http://" + moguHostPort(cfg.Addr), nil
	}
	u, err := url.Parse(cfg.PublicURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("BOOKINGKIT_PUBLIC_URL %q: want an http:// or https:// address such as https://staff.example.com", cfg.PublicURL)
	}
	return strings.TrimSuffix(cfg.PublicURL, "/"), nil
}

func staffDuration(field, s string, def time.Duration) (time.Duration, error) {
	if s == "" {
		return def, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("config %s %q: want a positive Go duration such as \"24h\"", field, s)
	}
	return d, nil
}

func staffPositive(field string, n, def int) (int, error) {
	switch {
	case n == 0:
		return def, nil
	case n < 0:
		return 0, fmt.Errorf("config %s %d: want a positive number", field, n)
	}
	return n, nil
}

// JSON shapes.

// staffPersonJSON is a person of the list as the employee sees them.
type staffPersonJSON struct {
	ID               string `json:"id"`
	IsEmployee       bool   `json:"is_employee"`
	LastName         string `json:"last_name"`
	FirstName        string `json:"first_name"`
	MiddleName       string `json:"middle_name,omitempty"`
	LastNameEng      string `json:"last_name_eng"`
	FirstNameEng     string `json:"first_name_eng"`
	MiddleNameEng    string `json:"middle_name_eng,omitempty"`
	BirthDay         string `json:"birth_day"`
	Sex              string `json:"sex"`
	CategoryCode     int    `json:"category_code"`
	RelationDegree   string `json:"relation_degree,omitempty"`
	EmployeeID       string `json:"employee_id,omitempty"`
	DateOfEmployment string `json:"date_of_employment,omitempty"`
}

func staffPersonOut(p staffid.Person) staffPersonJSON {
	out := staffPersonJSON{
		ID: p.ID, IsEmployee: p.IsEmployee, LastName: p.LastName, FirstName: p.FirstName, MiddleName: p.MiddleName,
		LastNameEng: p.LastNameEng, FirstNameEng: p.FirstNameEng, MiddleNameEng: p.MiddleNameEng,
		BirthDay: p.BirthDay.String(), Sex: p.Sex, CategoryCode: p.CategoryCode, RelationDegree: p.RelationDegree,
	}
	if p.IsEmployee {
		out.EmployeeID, out.DateOfEmployment = p.EmployeeID, p.DateOfEmployment.String()
	}
	return out
}

type staffMeJSON struct {
	Email    string          `json:"email"`
	Employee staffPersonJSON `json:"employee"`
}

type staffSessionJSON struct {
	SessionToken string `json:"session_token"`
	staffMeJSON
}

func staffSessionOut(s staffid.SignedIn) staffSessionJSON {
	return staffSessionJSON{SessionToken: s.Session, staffMeJSON: staffMeJSON{Email: s.Account.Email, Employee: staffPersonOut(s.Employee)}}
}

// staffPlaceJSON is where a standby passenger stands; position and
// queue_length only while waiting.
type staffPlaceJSON struct {
	Status      standby.Status `json:"status"`
	Position    int            `json:"position,omitempty"`
	QueueLength int            `json:"queue_length,omitempty"`
}

type staffPassengerJSON struct {
	PersonID      string          `json:"person_id"`
	IsEmployee    bool            `json:"is_employee"`
	LastNameEng   string          `json:"last_name_eng"`
	FirstNameEng  string          `json:"first_name_eng"`
	MiddleNameEng string          `json:"middle_name_eng,omitempty"`
	BirthDay      string          `json:"birth_day"`
	Sex           string          `json:"sex"`
	CategoryCode  int             `json:"category_code"`
	Standby       *staffPlaceJSON `json:"standby,omitempty"`
}

type staffBookingJSON struct {
	ID            string               `json:"id"`
	Flight        standbyFlightJSON    `json:"flight"`
	FlightKey     standby.FlightKey    `json:"flight_key"`
	FareBasis     string               `json:"fare_basis,omitempty"`
	PassengerType string               `json:"passenger_type"`
	Cabin         standby.Cabin        `json:"cabin"`
	Standby       bool                 `json:"standby"`
	BookedBy      string               `json:"booked_by"`
	CreatedAt     time.Time            `json:"created_at"`
	Passengers    []staffPassengerJSON `json:"passengers"`
}

func staffBookingOut(v staffid.BookingView) staffBookingJSON {
	out := staffBookingJSON{
		ID: v.ID, FlightKey: v.Flight.Key(),
		Flight:    standbyFlightJSON{Carrier: v.Flight.Carrier, Number: v.Flight.Number, Date: v.Flight.Date.Format(time.DateOnly)},
		FareBasis: v.FareBasis, PassengerType: v.PassengerType, Cabin: v.Cabin, Standby: v.Standby,
		BookedBy: v.BookedBy, CreatedAt: v.CreatedAt, Passengers: make([]staffPassengerJSON, len(v.Passengers)),
	}
	for i, p := range v.Passengers {
		out.Passengers[i] = staffPassengerJSON{
			PersonID: p.PersonID, IsEmployee: p.IsEmployee, LastNameEng: p.LastNameEng, FirstNameEng: p.FirstNameEng,
			MiddleNameEng: p.MiddleNameEng, BirthDay: p.BirthDay.String(), Sex: p.Sex, CategoryCode: p.CategoryCode,
		}
	}
	for _, pl := range v.Placements {
		if i := pl.Entry.Passenger; i >= 0 && i < len(out.Passengers) {
			out.Passengers[i].Standby = &staffPlaceJSON{Status: pl.Status, Position: pl.Position, QueueLength: pl.QueueLength}
		}
	}
	return out
}

// Request helpers.

// session returns the request's session token: a bearer token, or
// the cookie set by the set-password page.
func (s *staffServer) session(r *http.Request) string {
	if t := httpapi.Bearer(r); t != "" {
		return t
	}
	return s.cookie.Value(r)
}

func (s *staffServer) handler(fn func(w http.ResponseWriter, r *http.Request) error) http.Handler {
	return httpapi.Handler(s.logger, fn)
}

// employee wraps a handler that acts for the signed-in employee. Another
// site's page cannot ride the session cookie: the server's cross-origin
// protection (httpapi.ProtectCrossOrigin) refuses what a browser sends on its behalf.
func (s *staffServer) employee(fn func(w http.ResponseWriter, r *http.Request, e staffid.SignedIn) error) http.Handler {
	return s.handler(func(w http.ResponseWriter, r *http.Request) error {
		token := s.session(r)
		if token == "" {
			return fmt.Errorf("not signed in: send Authorization: Bearer <session token>: %w", bookingkit.ErrUnauthorized)
		}
		e, err := s.accounts.Authenticate(r.Context(), token)
		if err != nil {
			return err
		}
		return fn(w, r, e)
	})
}

// Accounts.

// staffRegisterAnswer is the one answer to a well-formed registration:
// whether the details match the list, whether the employee or the address
// has an account, is told only to the mailbox of the address given.
const staffRegisterAnswer = "thank you: we have sent a message about your registration to the address you gave; it has a link to choose your password, or says why there is none"

// register checks the form's syntax and the rate limits and queues it;
// the outbox's worker compares it with the employee list and mails the
// one-time link, or why there is none (handleQueued). The body holds the configured registration fields by the
// list's names and the email: {"LastName": …, "BirthDay": "09.10.1940",
// …, "Email": …}.
func (s *staffServer) register() http.Handler {
	return s.handler(func(w http.ResponseWriter, r *http.Request) error {
		var in map[string]json.RawMessage
		if err := httpapi.DecodeJSON(r, &in); err != nil {
			return err
		}
		form := staffid.RegistrationForm{Fields: map[string]string{}}
		for k, raw := range in {
			// A string, or a number as the list itself may carry it
			// ("EmployeeID": 884220062).
			var v string
			if err := json.Unmarshal(raw, &v); err != nil {
				var n json.Number
				if err := json.Unmarshal(raw, &n); err != nil {
					return bookingkit.Invalid(k, "", "a string")
				}
				v = n.String()
			}
			if strings.EqualFold(k, "email") {
				form.Email = v
			} else {
				form.Fields[k] = v
			}
		}
		// The request checks the form and the limits and queues it;
		// the outbox's worker reads the list and the accounts
		// (handleQueued), so every form does the same writes here.
		if err := s.accounts.QueueRegister(r.Context(), form, httpapi.ClientAddress(r)); err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusAccepted, map[string]string{"status": staffRegisterAnswer})
		return nil
	})
}

// handleQueued makes ob's worker complete the registrations and resets
// the requests queued: it looks the employee or account up, makes the
// account or issues the link, and mails through the staff mailer.
func (s *staffServer) handleQueued(ob *outbox.Outbox) {
	ob.Handle(staffid.KindRegister, completing(staffid.KindRegister, func(ctx context.Context, form staffid.RegistrationForm) error {
		reg, err := s.accounts.CompleteRegister(ctx, form)
		if err != nil {
			return err
		}
		// The outcome goes to the log and, in words, to the mailbox
		// of the address given; the answer was the same for every
		// form.
		s.logger.InfoContext(ctx, "staff: registration answered by mail", "outcome", reg.Outcome, "person", reg.PersonID)
		return nil
	}))
	ob.Handle(staffid.KindReset, completing(staffid.KindReset, s.accounts.CompleteReset))
}

func (s *staffServer) login() http.Handler {
	return s.handler(func(w http.ResponseWriter, r *http.Request) error {
		var in struct {
			Email    string `json:"email"`
			Password string `json:"password"`
		}
		if err := httpapi.DecodeJSON(r, &in); err != nil {
			return err
		}
		signed, err := s.accounts.Login(r.Context(), in.Email, in.Password, httpapi.ClientAddress(r))
		if err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusOK, staffSessionOut(signed))
		return nil
	})
}

func (s *staffServer) logout() http.Handler {
	return s.handler(func(w http.ResponseWriter, r *http.Request) error {
		token := s.session(r)
		if token == "" {
			return fmt.Errorf("not signed in: send Authorization: Bearer <session token>: %w", bookingkit.ErrUnauthorized)
		}
		if err := s.accounts.Logout(r.Context(), token); err != nil {
			return err
		}
		s.cookie.Clear(w, r)
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
}

// resetPassword mails a link to choose a new password; the answer is the
// same whether or not the address has an account.
func (s *staffServer) resetPassword() http.Handler {
	return s.handler(func(w http.ResponseWriter, r *http.Request) error {
		var in struct {
			Email string `json:"email"`
		}
		if err := httpapi.DecodeJSON(r, &in); err != nil {
			return err
		}
		if err := s.accounts.QueueReset(r.Context(), in.Email, httpapi.ClientAddress(r)); err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusAccepted, map[string]string{"status": "if this address has a staff travel account, a link to choose a new password has been sent to it"})
		return nil
	})
}

var staffPasswordPage = template.Must(template.New("password").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Staff travel: choose your password</title>
<style nonce="{{.Nonce}}">body{font:1.1rem/1.5 system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem}label,input,button{display:block;width:100%;margin:.3rem 0}input{padding:.5rem}button{padding:.7rem;margin-top:1rem}.error{color:#b00}</style>
</head>
<body>
{{if .Done}}<h1>Your password is set</h1>
<p>You are signed in as {{.Email}}. From now on, sign in with this email and your password.</p>
{{else}}<h1>Choose your password</h1>
{{if .Error}}<p class="error">{{.Error}}</p>{{end}}
{{if .Token}}<form method="post" action="/api/staff/password">
<p>For {{.Email}}. At least {{.MinLength}} characters; a phrase of a few words is easy to remember and hard to guess.</p>
<input type="hidden" name="token" value="{{.Token}}">
<label for="password">New password</label>
<input id="password" name="password" type="password" autocomplete="new-password" required minlength="{{.MinLength}}">
<label for="confirm">The same again</label>
<input id="confirm" name="confirm" type="password" autocomplete="new-password" required>
<button type="submit">Set password</button>
</form>{{else}}<p>Ask for a new link with "Forgot password" on the sign-in page.</p>{{end}}
{{end}}
</body>
</html>
`))

// render writes the set-password page with a content security policy
// that lets only its own style run; its URL carries the token.
func (s *staffServer) render(w http.ResponseWriter, r *http.Request, status int, data map[string]any) {
	page := httpapi.Page{Template: staffPasswordPage, NoReferrer: true, Logger: s.logger}
	page.Render(w, r, status, "", func(nonce string) any {
		data["Nonce"], data["MinLength"] = nonce, s.minLen
		return data
	})
}

const staffBadLinkText = "This link is invalid, already used or expired."

// passwordPage opens a mailed link: it shows the set-password form and
// never uses the link up (mail scanners open links by themselves).
func (s *staffServer) passwordPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token := r.URL.Query().Get("token")
		a, err := s.accounts.CheckLink(r.Context(), token)
		if err != nil {
			s.render(w, r, httpapi.StatusOf(err), map[string]any{"Error": staffBadLinkText})
			return
		}
		s.render(w, r, http.StatusOK, map[string]any{"Token": token, "Email": a.Email})
	})
}

// setPassword uses a one-time link to set the password and signs the
// employee in. A JSON body ({"token", "password"}) gets the session as
// JSON; the page's form post gets a page and the session in an HttpOnly
// cookie.
func (s *staffServer) setPassword() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "application/x-www-form-urlencoded" {
			s.setPasswordForm(w, r)
			return
		}
		var in struct {
			Token    string `json:"token"`
			Password string `json:"password"`
		}
		if err := httpapi.DecodeJSON(r, &in); err != nil {
			httpapi.WriteError(w, r, s.logger, err)
			return
		}
		signed, err := s.accounts.SetPassword(r.Context(), in.Token, in.Password)
		if err != nil {
			httpapi.WriteError(w, r, s.logger, err)
			return
		}
		httpapi.WriteJSON(w, http.StatusOK, staffSessionOut(signed))
	})
}

func (s *staffServer) setPasswordForm(w http.ResponseWriter, r *http.Request) {
	if err := partnerPageForm(r); err != nil { // same-origin form check and parsing, shared with the partner pages
		httpapi.WriteError(w, r, s.logger, err)
		return
	}
	token, pw := r.PostForm.Get("token"), r.PostForm.Get("password")
	data := map[string]any{"Token": token}
	a, err := s.accounts.CheckLink(r.Context(), token)
	if err != nil {
		s.render(w, r, httpapi.StatusOf(err), map[string]any{"Error": staffBadLinkText})
		return
	}
	data["Email"] = a.Email
	if pw != r.PostForm.Get("confirm") {
		data["Error"] = "The two passwords differ."
		s.render(w, r, http.StatusBadRequest, data)
		return
	}
	signed, err := s.accounts.SetPassword(r.Context(), token, pw)
	if err != nil {
		var ve *bookingkit.ValidationError
		switch {
		case errors.As(err, &ve):
			data["Error"] = "The password must be " + ve.Reason + "."
		case errors.Is(err, account.ErrBadLink):
			data = map[string]any{"Error": staffBadLinkText}
		case httpapi.StatusOf(err) == http.StatusInternalServerError:
			s.logger.ErrorContext(r.Context(), "staff: set password failed", "error", err)
			data["Error"] = "Something went wrong; try again."
		default:
			data["Error"] = httpapi.PublicMessage(err)
		}
		s.render(w, r, httpapi.StatusOf(err), data)
		return
	}
	s.cookie.Set(w, r, signed.Session)
	s.render(w, r, http.StatusOK, map[string]any{"Done": true, "Email": signed.Account.Email})
}

// The cabinet.

func (s *staffServer) me() http.Handler {
	return s.employee(func(w http.ResponseWriter, r *http.Request, e staffid.SignedIn) error {
		httpapi.WriteJSON(w, http.StatusOK, staffMeJSON{Email: e.Account.Email, Employee: staffPersonOut(e.Employee)})
		return nil
	})
}

func (s *staffServer) passengers() http.Handler {
	return s.employee(func(w http.ResponseWriter, r *http.Request, e staffid.SignedIn) error {
		ps, err := s.bookings.Passengers(r.Context(), e.Employee.ID)
		if err != nil {
			return err
		}
		out := make([]staffPersonJSON, len(ps))
		for i, p := range ps {
			out[i] = staffPersonOut(p)
		}
		httpapi.WriteJSON(w, http.StatusOK, map[string]any{"passengers": out})
		return nil
	})
}

// staffBookingRequestJSON is a booking as the engine sends it.
type staffBookingRequestJSON struct {
	Flight        standbyFlightJSON `json:"flight"`
	FareBasis     string            `json:"fare_basis"`
	PassengerType string            `json:"passenger_type"`
	Cabin         string            `json:"cabin"`
	Passengers    []struct {
		PersonID      string `json:"person_id"`
		LastNameEng   string `json:"last_name_eng"`
		FirstNameEng  string `json:"first_name_eng"`
		MiddleNameEng string `json:"middle_name_eng"`
		BirthDay      string `json:"birth_day"`
		Sex           string `json:"sex"`
	} `json:"passengers"`
}

func (s *staffServer) createBooking() http.Handler {
	return s.employee(func(w http.ResponseWriter, r *http.Request, e staffid.SignedIn) error {
		var in staffBookingRequestJSON
		if err := httpapi.DecodeJSON(r, &in); err != nil {
			return err
		}
		flight, err := in.Flight.parse("flight.")
		if err != nil {
			return err
		}
		cabin, err := standby.ParseCabin(in.Cabin)
		if err != nil {
			return err
		}
		req := staffid.BookingRequest{Flight: flight, FareBasis: in.FareBasis, PassengerType: in.PassengerType, Cabin: cabin}
		for _, p := range in.Passengers {
			req.Passengers = append(req.Passengers, staffid.PassengerInput{
				PersonID: p.PersonID, LastNameEng: p.LastNameEng, FirstNameEng: p.FirstNameEng,
				MiddleNameEng: p.MiddleNameEng, BirthDay: p.BirthDay, Sex: p.Sex,
			})
		}
		v, err := s.bookings.Create(r.Context(), e.Employee.ID, req)
		if err != nil {
			return err
		}
		w.Header().Set("Location", "/api/staff/bookings/"+url.PathEscape(v.ID))
		httpapi.WriteJSON(w, http.StatusCreated, staffBookingOut(v))
		return nil
	})
}

// listBookings answers a page of the bookings made for the employee and
// their companions, newest first; "next" is the "before" of the next page.
func (s *staffServer) listBookings() http.Handler {
	return s.employee(func(w http.ResponseWriter, r *http.Request, e staffid.SignedIn) error {
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
		page, err := s.bookings.List(r.Context(), e.Employee.ID, flight, int64(before), limit)
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
	})
}

func (s *staffServer) getBooking() http.Handler {
	return s.employee(func(w http.ResponseWriter, r *http.Request, e staffid.SignedIn) error {
		v, err := s.bookings.Get(r.Context(), e.Employee.ID, r.PathValue("booking"))
		if err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusOK, staffBookingOut(v))
		return nil
	})
}

// Standby.

// staffOwnPlaceJSON is one of the employee's passengers waiting on the
// flight.
type staffOwnPlaceJSON struct {
	BookingID   string `json:"booking_id"`
	PersonID    string `json:"person_id"`
	Position    int    `json:"position"`
	QueueLength int    `json:"queue_length"`
}

// standbyQueue answers a page of a flight's standby queue, anonymised
// (position, cabin, category, whether the airline's staff), with the rows
// of the employee's group's passengers marked, and their places listed.
// Query: from (1-based position, default 1), limit (default 50).
func (s *staffServer) standbyQueue() http.Handler {
	return s.employee(func(w http.ResponseWriter, r *http.Request, e staffid.SignedIn) error {
		f, err := standby.ParseFlightKey(r.PathValue("flight"))
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
		view, err := s.queue.View(r.Context(), f, from, limit, "")
		if err != nil {
			return err
		}
		page, err := s.bookings.List(r.Context(), e.Employee.ID, f.Key(), 0, staffid.MaxPageSize)
		if err != nil {
			return err
		}
		own := []staffOwnPlaceJSON{}
		mine := map[int]bool{}
		for _, b := range page.Bookings {
			for _, pl := range b.Placements {
				if pl.Status != standby.StatusActive || pl.Position == 0 {
					continue
				}
				person := ""
				if i := pl.Entry.Passenger; i >= 0 && i < len(b.Passengers) {
					person = b.Passengers[i].PersonID
				}
				own = append(own, staffOwnPlaceJSON{BookingID: b.ID, PersonID: person, Position: pl.Position, QueueLength: pl.QueueLength})
				mine[pl.Position] = true
			}
		}
		for i := range view.Rows {
			view.Rows[i].Yours = mine[view.Rows[i].Position]
		}
		httpapi.WriteJSON(w, http.StatusOK, map[string]any{"queue": view, "yours": own})
		return nil
	})
}

// standbyEstimate answers the place each of the employee's passengers
// would get in a flight's standby queue if booked now, each on their own:
// the figure beside a standby fare. Query: cabin (default economy),
// passengers (comma-separated person IDs; default the employee).
func (s *staffServer) standbyEstimate() http.Handler {
	return s.employee(func(w http.ResponseWriter, r *http.Request, e staffid.SignedIn) error {
		if len(s.cfg.StandbyPassengerTypes) == 0 {
			return fmt.Errorf("no standby fares are configured (staffid standby_passenger_types): %w", bookingkit.ErrNotFound)
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
		group, err := s.bookings.Passengers(r.Context(), e.Employee.ID)
		if err != nil {
			return err
		}
		wanted := []string{e.Employee.ID}
		if v := r.URL.Query().Get("passengers"); v != "" {
			wanted = strings.Split(v, ",")
		}
		if len(wanted) > staffid.MaxBookingPassengers {
			return bookingkit.Invalid("passengers", strconv.Itoa(len(wanted)), fmt.Sprintf("at most %d", staffid.MaxBookingPassengers))
		}
		rights := standby.Employee{Employer: s.cfg.AirlineCode, EmployedOn: e.Employee.DateOfEmployment.Time(), Category: e.Employee.CategoryCode}
		type estimate struct {
			PersonID string `json:"person_id"`
			Position int    `json:"position"`
		}
		out := make([]estimate, 0, len(wanted))
		for i, id := range wanted {
			id = strings.TrimSpace(id)
			var pax *standby.Passenger
			for _, p := range group {
				if p.ID != id {
					continue
				}
				x := rights.Companion(p.CategoryCode)
				if p.ID == e.Employee.ID {
					x = rights.Self()
				}
				pax = &x
			}
			if pax == nil {
				return bookingkit.Invalid(fmt.Sprintf("passengers[%d]", i), id, "not one of your passengers")
			}
			pos, err := s.queue.Estimate(r.Context(), standby.Entry{Flight: f, Employer: pax.Employer, Cabin: cabin, Category: pax.Category, EmployedOn: pax.EmployedOn})
			if err != nil {
				return err
			}
			out = append(out, estimate{PersonID: id, Position: pos})
		}
		httpapi.WriteJSON(w, http.StatusOK, map[string]any{"flight": f.Key(), "cabin": cabin, "estimates": out})
		return nil
	})
}
