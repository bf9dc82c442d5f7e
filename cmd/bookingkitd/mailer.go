package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/account"
	"github.com/bookingkit/bookingkit/mail"
	"github.com/bookingkit/bookingkit/outbox"
	"github.com/bookingkit/bookingkit/storage"
)

// mailEnv is the server's shared mail settings, from the environment. The
// modules that mail one-time sign-in links without a mail setting of
// their own (partner, staffid) send through the mailer built from it.
type mailEnv struct {
	SMTPAddr     string // BOOKINGKIT_SMTP_ADDR, host:port; empty: the development folder mailer
	SMTPFrom     string // BOOKINGKIT_SMTP_FROM; default bookingkit@localhost
	SMTPUsername string // BOOKINGKIT_SMTP_USERNAME
	SMTPPassword string // BOOKINGKIT_SMTP_PASSWORD
	Dir          string // BOOKINGKIT_MAIL_DIR: the development mailer's folder; default "mail"
}

func mailEnvFrom(getenv func(string) string) mailEnv {
	return mailEnv{
		SMTPAddr:     getenv("BOOKINGKIT_SMTP_ADDR"),
		SMTPFrom:     getenv("BOOKINGKIT_SMTP_FROM"),
		SMTPUsername: getenv("BOOKINGKIT_SMTP_USERNAME"),
		SMTPPassword: getenv("BOOKINGKIT_SMTP_PASSWORD"),
		Dir:          getenv("BOOKINGKIT_MAIL_DIR"),
	}
}

// newMailer returns the shared mailer: SMTP when BOOKINGKIT_SMTP_ADDR is
// set, otherwise the development mailer, which writes each message to a
// folder and to the log so that links can be followed without a mail
// server.
func newMailer(e mailEnv, logger *slog.Logger) account.Mailer {
	from := e.SMTPFrom
	if from == "" {
		from = "bookingkit@localhost"
	}
	if e.SMTPAddr != "" {
		return &mail.SMTP{Addr: e.SMTPAddr, From: from, Username: e.SMTPUsername, Password: e.SMTPPassword}
	}
	dir := e.Dir
	if dir == "" {
		dir = "mail"
	}
	logger.Info("mail: no BOOKINGKIT_SMTP_ADDR; messages are written to a folder and the log (development mailer)", "dir", dir)
	return &mail.Dir{Path: dir, From: from, Logger: logger}
}

// mailFileConfig is the "mail" section of the config file: how the
// outbox retries. Durations are Go durations ("10s", "72h").
type mailFileConfig struct {
	// RetryFirst is the wait after a failed delivery; it doubles with
	// each failure up to RetryMax. Defaults "10s" and "10m".
	RetryFirst string `json:"retry_first"`
	RetryMax   string `json:"retry_max"`
	// GiveUpAfter is the age at which a mail that still fails is dropped
	// and logged. Default "72h".
	GiveUpAfter string `json:"give_up_after"`
	// Lease is how long a server that took a mail keeps it from the
	// others; a server that dies while sending delays that mail by at
	// most this. Default "2m".
	Lease string `json:"lease"`
}

// moguMailKind is the outbox kind of MOGU's mails, which go through
// MOGU's own mail settings when its config section names them.
const moguMailKind = "mogu.mail"

// newOutbox returns the server's outbox: the modules' mailers store each
// mail in the database (Mailer(outbox.KindMail), Mailer(moguMailKind)),
// and the worker that run starts sends them through the real mailers
// (SMTP or the development folder), outside any request: the time a
// request takes does not depend on the mail server, and a mail server
// outage delays the mail instead of losing it.
func newOutbox(cfg Config, stores storage.Stores, logger *slog.Logger) (*outbox.Outbox, error) {
	c := cfg.File.Mail
	var oc outbox.Config
	for _, d := range []struct {
		key string
		v   string
		to  *time.Duration
	}{
		{"mail.retry_first", c.RetryFirst, &oc.RetryFirst},
		{"mail.retry_max", c.RetryMax, &oc.RetryMax},
		{"mail.give_up_after", c.GiveUpAfter, &oc.GiveUpAfter},
		{"mail.lease", c.Lease, &oc.Lease},
	} {
		if d.v == "" {
			continue
		}
		v, err := time.ParseDuration(d.v)
		if err != nil || v <= 0 {
			return nil, fmt.Errorf("config %s %q: want a positive Go duration such as \"10s\"", d.key, d.v)
		}
		*d.to = v
	}
	oc.Logger = logger
	ob := outbox.New(stores.Outbox, oc)
	shared := newMailer(cfg.Mail, logger)
	ob.Handle(outbox.KindMail, outbox.MailHandler(shared))
	moguMailer := shared
	if me := moguMailEnv(cfg.Mail, cfg.File.Mogu, cfg.MoguEnv); me != cfg.Mail {
		moguMailer = newMailer(me, logger)
	}
	ob.Handle(moguMailKind, outbox.MailHandler(moguMailer))
	return ob, nil
}

// completing turns the step that completes a queued request of kind (a
// registration or reset the request only checked and stored) into the
// outbox's handler for it: the payload is decoded into a T and handed to
// complete. Bad data is dropped at once (outbox.Permanent): an unreadable
// payload, or a request complete finds invalid (a *ValidationError, such
// as a form the registration fields no longer accept). Any other failure
// (a store, the mail queue) is tried again later.
func completing[T any](kind string, complete func(ctx context.Context, req T) error) outbox.Handler {
	return func(ctx context.Context, payload json.RawMessage) error {
		var req T
		if err := json.Unmarshal(payload, &req); err != nil {
			return outbox.Permanent(fmt.Errorf("%s: unreadable request: %w", kind, err))
		}
		err := complete(ctx, req)
		if errors.Is(err, bookingkit.ErrInvalid) {
			return outbox.Permanent(err)
		}
		return err
	}
}
