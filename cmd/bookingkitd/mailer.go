package main

import (
	"log/slog"

	"github.com/bookingkit/bookingkit/account"
	"github.com/bookingkit/bookingkit/internal/mail"
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
