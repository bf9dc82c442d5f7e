package main

// The staff-travel module's employees' API (package staffid/staffidhttp)
// as this server wires it: from the staff_accounts config section, the staff
// accounts and bookings over the server's stores, bookingkit's own sign-in
// (session tokens and the set-password page's cookie) and the cabinet,
// and the outbox's worker completing queued registrations and resets.

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/bookingkit/bookingkit/account"
	"github.com/bookingkit/bookingkit/cmd/internal/config"
	"github.com/bookingkit/bookingkit/httpapi"
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/staffid/staffidhttp"
	"github.com/bookingkit/bookingkit/storage"
)

// staffCookie carries the session of the set-password page's flow.
const staffCookie = "bookingkit_staff_session"

// staffPasswordPath is where mailed links point: GET shows the form, POST
// sets the password (staffidhttp.StaffSignIn).
const staffPasswordPath = "/api/staff/password"

// staffServer is the staff accounts and bookings with their HTTP API:
// signIn (registration, the password page, login, logout) and cabinet
// (me, passengers, bookings, standby queue and estimate).
type staffServer struct {
	accounts *staffid.Accounts
	bookings *staffid.Bookings
	logger   *slog.Logger
	signIn   *staffidhttp.StaffSignIn
	cabinet  *staffidhttp.StaffHandler
}

// newStaffServer builds the staff accounts and bookings over stores, with
// the list's settings sid, the shared mailer and the standby queues.
// requests keeps the registrations and resets for the outbox's worker
// (staffServer.handleQueued completes them); queue is the standby
// service staff bookings join.
func newStaffServer(logger *slog.Logger, cfg Config, sid staffid.Config, stores storage.Stores, mailer account.Mailer, requests account.Queue, queue *standbyServer) (*staffServer, error) {
	c, err := cfg.File.StaffAccounts.SignIn()
	if err != nil {
		return nil, err
	}
	base, err := config.PublicURL(cfg.PublicURL, cfg.Addr)
	if err != nil {
		return nil, err
	}
	if cfg.PublicURL == "" {
		logger.Info("staff: mailed links point at "+base+"; set BOOKINGKIT_PUBLIC_URL to the address employees' browsers reach", "link_base", base)
	}
	accounts, err := staffid.NewAccounts(sid, stores.StaffID, stores.Accounts, staffid.AccountsConfig{
		Account: account.Config{
			LinkTTL:           c.LinkLifetime,
			SessionTTL:        c.SessionLifetime,
			MinPasswordLength: c.MinPasswordLength,
			PerAddress:        newLimiter(stores, c.AttemptInterval, c.AttemptsPerAddress),
			PerAccount:        newLimiter(stores, c.AttemptInterval, c.AttemptsPerAccount),
		},
		Mailer:    mailer,
		Queue:     requests,
		Templates: c.Templates,
		LinkURL:   base + staffPasswordPath + "?token={token}",
		Logger:    logger,
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
	sessions := staffidhttp.StaffSessions{Accounts: accounts, Cookie: httpapi.NewSessionCookie(staffCookie, "/api/staff", cfg.PublicURL)}
	opts := staffidhttp.StaffOptions{Logger: logger, Idempotency: stores.Idempotency}
	signIn, err := staffidhttp.NewStaffSignIn(sessions, opts)
	if err != nil {
		return nil, err
	}
	cabinet, err := staffidhttp.NewStaffHandler(bookings, sessions, opts)
	if err != nil {
		return nil, err
	}
	return &staffServer{accounts: accounts, bookings: bookings, logger: logger, signIn: signIn, cabinet: cabinet}, nil
}

// followList is the importer's AfterImport: the accounts of employees the
// list now gives another email move to it ([staffid.Accounts.FollowList]).
// The import is stored whatever happens here, so failures are logged, not
// answered; the accounts they concern stay shut (staffid.Gate) until they
// move when next used or when the employee registers with the listed
// address.
func (s *staffServer) followList(ctx context.Context, changed []*staffid.Person) {
	moved, err := s.accounts.FollowList(ctx, changed)
	if moved > 0 {
		s.logger.InfoContext(ctx, "staff: accounts moved to the addresses the employee list now gives", "moved", moved)
	}
	if err != nil {
		s.logger.ErrorContext(ctx, "staff: some accounts could not move to the addresses the employee list now gives", "error", err)
	}
}

// reconcile puts back into the standby queues the staff bookings that a
// crash between storing and queueing left without their place
// ([staffid.Bookings.Reconcile]); run at start, once the queues are
// rebuilt. Several servers may run it at once on one database. It logs only
// when it repaired or could not repair something.
func (s *staffServer) reconcile(ctx context.Context) error {
	start := time.Now()
	report, err := s.bookings.Reconcile(ctx)
	if err != nil {
		return fmt.Errorf("staff: put lost standby bookings back into their queues: %w", err)
	}
	if report.Queued > 0 {
		s.logger.Info("staff: standby bookings that had lost their place put back into their queues",
			"queued", report.Queued, "checked", report.Checked, "duration", time.Since(start).Round(time.Millisecond))
	}
	for _, r := range report.Refused {
		s.logger.Warn("staff: a standby booking without its place could not be queued again", "booking", r.BookingID, "error", r.Err)
	}
	return nil
}
