package config

import (
	"log/slog"
	"time"

	"github.com/bookingkit/bookingkit/account"
	"github.com/bookingkit/bookingkit/mail"
	"github.com/bookingkit/bookingkit/outbox"
)

// MailEnv is the server's shared mail settings, from the environment. The
// modules that mail one-time sign-in links without a mail setting of
// their own (partner, staffid) send through the mailer built from it.
type MailEnv struct {
	SMTPAddr     string // BOOKINGKIT_SMTP_ADDR, host:port; empty: the development folder mailer
	SMTPFrom     string // BOOKINGKIT_SMTP_FROM; default bookingkit@localhost
	SMTPUsername string // BOOKINGKIT_SMTP_USERNAME
	SMTPPassword string // BOOKINGKIT_SMTP_PASSWORD
	Dir          string // BOOKINGKIT_MAIL_DIR: the development mailer's folder; default "mail"
}

// MailEnvFrom reads the shared mail settings from the environment.
func MailEnvFrom(getenv func(string) string) MailEnv {
	return MailEnv{
		SMTPAddr:     getenv("BOOKINGKIT_SMTP_ADDR"),
		SMTPFrom:     getenv("BOOKINGKIT_SMTP_FROM"),
		SMTPUsername: getenv("BOOKINGKIT_SMTP_USERNAME"),
		SMTPPassword: getenv("BOOKINGKIT_SMTP_PASSWORD"),
		Dir:          getenv("BOOKINGKIT_MAIL_DIR"),
	}
}

// Mailer is the mailer e describes: SMTP when it names a server, else the
// development mailer, which writes each message to a folder and the log.
func (e MailEnv) Mailer(logger *slog.Logger) account.Mailer {
	from := orDefault(e.SMTPFrom, "bookingkit@localhost")
	if e.SMTPAddr != "" {
		return &mail.SMTP{Addr: e.SMTPAddr, From: from, Username: e.SMTPUsername, Password: e.SMTPPassword}
	}
	dir := orDefault(e.Dir, "mail")
	logger.Info("mail: no BOOKINGKIT_SMTP_ADDR; messages are written to a folder and the log (development mailer)", "dir", dir)
	return &mail.Dir{Path: dir, From: from, Logger: logger}
}

// Mail is the "mail" section of the config file: how the outbox retries.
// Durations are Go durations ("10s", "72h").
type Mail struct {
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

// Outbox returns the outbox's settings; those not set stay zero, which
// the outbox reads as its defaults.
func (c Mail) Outbox() (outbox.Config, error) {
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
		v, err := Duration(d.key, d.v, 0)
		if err != nil {
			return oc, err
		}
		*d.to = v
	}
	return oc, nil
}
