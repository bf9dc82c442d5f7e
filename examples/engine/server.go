package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/account"
	"github.com/bookingkit/bookingkit/httpapi"
	"github.com/bookingkit/bookingkit/mogu"
	"github.com/bookingkit/bookingkit/mogu/moguhttp"
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/staffid/staffidhttp"
	"github.com/bookingkit/bookingkit/standby"
	"github.com/bookingkit/bookingkit/storage/memory"
	"github.com/bookingkit/bookingkit/throttle"
)

// This file is the engine's web server: its own router (a plain
// *http.ServeMux), its own sign-in (its users, its session cookie, its
// keys for partner systems), and three of bookingkit's route groups
// mounted under its own prefixes:
//
//	/hr/api__airline_employee_upload          the airline's staff-list upload (staffidhttp, UploadRoutes)
//	/travel/api/staff/...                     the employees' cabinet (staffidhttp, StaffHandler)
//	/app/api/mogu/claims, /app/api/mogu/trips  MOGU's claims and trips (moguhttp, Handler)
//
// bookingkit's own sign-in routes and its import token are not mounted:
// the packages ask the engine who is signed in through the small
// interfaces they declare (staffidhttp.ImportAuth, staffidhttp.Employees,
// moguhttp.Travellers), and the engine answers from its own records.

// user is one of the engine's own accounts. An employee's record names
// them on the airline's staff list by personnel number (the list's
// EmployeeID, which groups an employee with their companions: staffid
// makes the person IDs itself, from the list's names and identity
// fields, when the list is imported); anyone may have a MOGU account,
// the one their trips are claimed into.
type user struct {
	passwordHash    [sha256.Size]byte // a real engine keeps a slow hash (bcrypt, argon2)
	email           string
	personnelNumber string       // empty: not airline staff
	app             mogu.Account // zero: no MOGU account
}

// system is a partner system the engine knows, by its key: the airline's
// HR system may replace the staff list.
type system struct {
	name          string
	mayUploadList bool
}

// sessionCookie is the engine's own session cookie.
const sessionCookie = "engine_session"

// server is the engine's web server.
type server struct {
	users   map[string]user              // by login
	systems map[[sha256.Size]byte]system // by SHA-256 of the key
	people  staffid.PeopleStore

	mu       sync.Mutex
	sessions map[string]string // session token → login

	handler http.Handler
}

// services are what the engine's server serves, over its own store (the
// staff list, the staff bookings and the standby queues) and
// storage/memory's MOGU store (the engine has written no MOGU store of
// its own).
type services struct {
	store    *Store
	bookings *staffid.Bookings
	standby  *standby.Service
	mogu     *mogu.Service
	importer *staffid.Importer
}

// newServices builds staffid's importer and bookings, the standby queues
// and MOGU, on the clock now.
func newServices(now func() time.Time) (*services, error) {
	store := NewStore()
	// ZED fares are standby fares: the queue orders the airline's staff.
	cfg := staffid.Config{AirlineCode: airline, StandbyPassengerTypes: []string{"ZED"}}
	im, err := staffid.NewImporter(cfg, store)
	if err != nil {
		return nil, err
	}
	im.Now = now
	queue := standby.NewService(store)
	queue.Now = now
	if _, err := queue.Rebuild(context.Background()); err != nil {
		return nil, err
	}
	bookings, err := staffid.NewBookings(cfg, store, store, queue)
	if err != nil {
		return nil, err
	}
	bookings.Now = now
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return nil, err
	}
	keys, err := mogu.NewKeyring(mogu.Key{ID: 1, Secret: secret})
	if err != nil {
		return nil, err
	}
	app, err := mogu.NewService(memory.New().Stores().Mogu, keys, throttle.NewMemory(time.Minute, 10), mogu.Config{
		ClaimURLBase:        "https://engine.example/app/api/mogu/c/",
		ServicesURLTemplate: "https://engine.example/booking/{booking}/services",
		BackOfficeURL:       "https://engine.example/backoffice/mogu",
	})
	if err != nil {
		return nil, err
	}
	app.Now = now
	return &services{store: store, bookings: bookings, standby: queue, mogu: app, importer: im}, nil
}

// newServer returns the engine's server over svc, for its users and the
// partner systems' keys.
func newServer(svc *services, users map[string]user, systemKeys map[string]system, logger *slog.Logger) (*server, error) {
	s := &server{users: users, systems: map[[sha256.Size]byte]system{}, people: svc.store, sessions: map[string]string{}}
	for key, sys := range systemKeys {
		s.systems[sha256.Sum256([]byte(key))] = sys
	}

	imports, err := staffidhttp.NewImportHandler(svc.importer, staffidhttp.ImportOptions{Auth: airlineSystems{s}, Logger: logger})
	if err != nil {
		return nil, err
	}
	cabinet, err := staffidhttp.NewStaffHandler(svc.bookings, staffTravel{s}, staffidhttp.StaffOptions{Logger: logger})
	if err != nil {
		return nil, err
	}
	claims, err := moguhttp.NewHandler(svc.mogu, travellers{s}, moguhttp.Options{
		Logger:       logger,
		AppClaimURL:  "mogu://claim/{token}",
		AppStoreURL:  "https://apps.apple.com/",
		PlayStoreURL: "https://play.google.com/store/apps",
	})
	if err != nil {
		return nil, err
	}

	mux := http.NewServeMux()
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("POST /logout", s.logout)
	upload := httpapi.WithPrefix("/hr", imports.UploadRoutes())
	httpapi.Mount(mux, upload)
	httpapi.Mount(mux, httpapi.WithPrefix("/travel", cabinet.Routes()))
	httpapi.Mount(mux, httpapi.WithPrefix("/app", claims.Routes()))
	httpapi.Mount(mux, httpapi.WithPrefix("/app", claims.LandingRoutes()))
	// 64 KiB for every body but the upload's, which carries its own limit.
	s.handler = httpapi.WithRequestID(httpapi.LimitBodies(mux, 64<<10, httpapi.BodyLimits(upload), mux))
	return s, nil
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// errSignIn is the engine's answer to a request without its session.
var errSignIn = fmt.Errorf("engine: sign in first (POST /login): %w", bookingkit.ErrUnauthorized)

// login is the engine's own sign-in: a login and password as JSON, and
// a session cookie in return.
func (s *server) login(w http.ResponseWriter, r *http.Request) {
	var in struct{ Login, Password string }
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		http.Error(w, "engine: expected {\"login\": ..., \"password\": ...}", http.StatusBadRequest)
		return
	}
	u, ok := s.users[in.Login]
	got := sha256.Sum256([]byte(in.Password))
	if !ok || subtle.ConstantTimeCompare(got[:], u.passwordHash[:]) != 1 {
		http.Error(w, "engine: wrong login or password", http.StatusUnauthorized)
		return
	}
	token := rand.Text()
	s.mu.Lock()
	s.sessions[token] = in.Login
	s.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
	w.WriteHeader(http.StatusNoContent)
}

func (s *server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		s.mu.Lock()
		delete(s.sessions, c.Value)
		s.mu.Unlock()
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Path: "/", MaxAge: -1})
	w.WriteHeader(http.StatusNoContent)
}

// user returns the signed-in user of a request, by the engine's session
// cookie.
func (s *server) user(r *http.Request) (string, user, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return "", user{}, errSignIn
	}
	s.mu.Lock()
	login, ok := s.sessions[c.Value]
	s.mu.Unlock()
	if !ok {
		return "", user{}, errSignIn
	}
	return login, s.users[login], nil
}

// airlineSystems is the engine's check of the staff-list upload, as
// staffidhttp.ImportAuth: the airline's HR system sends the key the
// engine gave it, in the engine's own header, and the import history
// names the system. The control-panel page is not mounted (no
// ImportOptions.FormAuth), so nothing uploads through a form.
type airlineSystems struct{ s *server }

func (a airlineSystems) AuthorizeUpload(r *http.Request) (string, error) {
	key := r.Header.Get("X-Engine-Key")
	if key == "" {
		return "", fmt.Errorf("engine: partner systems send their key in X-Engine-Key: %w", bookingkit.ErrUnauthorized)
	}
	sys, ok := a.s.systems[sha256.Sum256([]byte(key))]
	if !ok {
		return "", fmt.Errorf("engine: unknown key: %w", bookingkit.ErrUnauthorized)
	}
	if !sys.mayUploadList {
		return "", fmt.Errorf("engine: %s may not replace the staff list: %w", sys.name, bookingkit.ErrForbidden)
	}
	return sys.name, nil
}

// staffTravel is the engine's sign-in as staffidhttp.Employees: the
// signed-in user's personnel number names their group on the staff list,
// whose active employee they are.
type staffTravel struct{ s *server }

func (t staffTravel) Employee(r *http.Request) (staffid.SignedIn, error) {
	login, u, err := t.s.user(r)
	if err != nil {
		return staffid.SignedIn{}, err
	}
	notStaff := fmt.Errorf("engine: %s travels on no airline staff rights: %w", login, bookingkit.ErrForbidden)
	if u.personnelNumber == "" {
		return staffid.SignedIn{}, notStaff
	}
	group, err := t.s.people.GroupPeople(r.Context(), u.personnelNumber)
	if err != nil {
		return staffid.SignedIn{}, err
	}
	for _, p := range group {
		if p.IsEmployee && !p.Blocked {
			return staffid.SignedIn{Employee: p, Account: account.Account{Email: u.email}}, nil
		}
	}
	return staffid.SignedIn{}, notStaff
}

// travellers is the engine's sign-in as moguhttp.Travellers: the signed-in
// user's MOGU account.
type travellers struct{ s *server }

func (t travellers) Traveller(r *http.Request) (mogu.Account, error) {
	login, u, err := t.s.user(r)
	if err != nil {
		return mogu.Account{}, err
	}
	if u.app.ID == "" {
		return mogu.Account{}, fmt.Errorf("engine: %s has no MOGU account: %w", login, bookingkit.ErrForbidden)
	}
	return u.app, nil
}

// The engine's users and partner systems of the demonstration: Ivan
// Ivanov and Anna Petrova of the staff list (E1001 and E2002), both with
// MOGU accounts, and Olga, a customer with a MOGU account only; the
// airline's HR system, and a search partner that may not touch the list.
func demoUsers() map[string]user {
	pw := func(s string) [sha256.Size]byte { return sha256.Sum256([]byte(s)) }
	return map[string]user{
		"ivan": {passwordHash: pw("ivan-pw"), email: "ivan@airline.example", personnelNumber: "E1001", app: mogu.Account{ID: "u-ivan", Email: "ivan@airline.example"}},
		"anna": {passwordHash: pw("anna-pw"), email: "anna@airline.example", personnelNumber: "E2002", app: mogu.Account{ID: "u-anna", Email: "anna@airline.example"}},
		"olga": {passwordHash: pw("olga-pw"), email: "olga@example.com", app: mogu.Account{ID: "u-olga", Email: "olga@example.com"}},
	}
}

func demoSystems() map[string]system {
	return map[string]system{
		"su-hr-key":  {name: "SU HR", mayUploadList: true},
		"search-key": {name: "fare search"},
	}
}

// serve runs the engine's web server on addr, on the real clock, after
// the engine's back office has registered one booking with MOGU: it
// prints the booking's claim token (as its voucher's QR code carries it)
// and the requests to try.
func serve(ctx context.Context, addr string, out io.Writer) error {
	svc, err := newServices(time.Now)
	if err != nil {
		return err
	}
	s, err := newServer(svc, demoUsers(), demoSystems(), slog.Default())
	if err != nil {
		return err
	}
	token, err := registerTrip(ctx, svc.mogu, time.Now().AddDate(0, 0, 10))
	if err != nil {
		return err
	}
	flight := time.Now().AddDate(0, 0, 3).Format(time.DateOnly)
	list := filepath.Join(os.TempDir(), "engine-staff-list.json")
	if err := os.WriteFile(list, []byte(lists[0]), 0o600); err != nil {
		return err
	}
	fmt.Fprintf(out, `engine on http://%[1]s
  curl -H 'X-Engine-Key: su-hr-key' -H 'Content-Type: application/json' --data-binary @%[4]s http://%[1]s/hr/api__airline_employee_upload
  curl -c jar -d '{"login":"ivan","password":"ivan-pw"}' http://%[1]s/login
  curl -b jar http://%[1]s/travel/api/staff/passengers
  curl -b jar -H 'Content-Type: application/json' -d '{"flight":{"carrier":"SU","number":"100","date":"%[2]s"},"passenger_type":"ZED","cabin":"economy","passengers":[{"person_id":"<from passengers>"}]}' http://%[1]s/travel/api/staff/bookings
  curl -b jar http://%[1]s/travel/api/staff/standby/flights/SU-100-%[2]s/queue
  curl -c jar -d '{"login":"olga","password":"olga-pw"}' http://%[1]s/login
  curl -b jar -H 'Content-Type: application/json' -d '{"token":"%[3]s"}' http://%[1]s/app/api/mogu/claims
`, addr, flight, token, list)
	hs := &http.Server{Addr: addr, Handler: s, ReadHeaderTimeout: 10 * time.Second}
	return hs.ListenAndServe()
}

// registerTrip is the engine's back office at work: MOGU is switched on
// for the engine's site, a booking is registered, and its voucher printed;
// it returns the claim token the voucher's QR code carries.
func registerTrip(ctx context.Context, app *mogu.Service, start time.Time) (string, error) {
	if _, err := app.SetActive(ctx, "main", true, "backoffice@engine.example", ""); err != nil {
		return "", err
	}
	b := mogu.Booking{ID: "ITT-10593", Channel: mogu.B2C, ContactEmail: "olga@example.com", MicrositeID: "main"}
	trip := mogu.Trip{Booking: b, Title: "Tenerife", Travelers: 2, Start: start, End: start.AddDate(0, 0, 7)}
	if _, err := app.RegisterBooking(ctx, trip); err != nil {
		return "", err
	}
	voucher, err := app.Voucher(ctx, b)
	if err != nil {
		return "", err
	}
	return app.TokenFromClaimURL(voucher.URL)
}
