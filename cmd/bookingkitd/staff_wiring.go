package main

// The staff-travel module's employees' API (package staffid/staffidhttp)
// as this server wires it: the staff_accounts config section, the staff
// accounts and bookings over the server's stores, bookingkit's own sign-in
// (session tokens and the set-password page's cookie) and the cabinet,
// and the outbox's worker completing queued registrations and resets.

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/bookingkit/bookingkit/account"
	"github.com/bookingkit/bookingkit/httpapi"
	"github.com/bookingkit/bookingkit/outbox"
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/staffid/staffidhttp"
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
	sessions := staffidhttp.StaffSessions{Accounts: accounts, Cookie: httpapi.NewSessionCookie(staffCookie, "/api/staff", cfg.PublicURL)}
	opts := staffidhttp.StaffOptions{Logger: logger}
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
