package main

import (
	"log/slog"

	"github.com/bookingkit/bookingkit/outbox"
	"github.com/bookingkit/bookingkit/storage"
)

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
	oc, err := cfg.File.Mail.Outbox()
	if err != nil {
		return nil, err
	}
	oc.Logger = logger
	ob := outbox.New(stores.Outbox, oc)
	shared := cfg.Mail.Mailer(logger)
	ob.Handle(outbox.KindMail, outbox.MailHandler(shared))
	moguMailer := shared
	if me := cfg.File.Mogu.MailEnv(cfg.Mail, cfg.MoguEnv); me != cfg.Mail {
		moguMailer = me.Mailer(logger)
	}
	ob.Handle(moguMailKind, outbox.MailHandler(moguMailer))
	return ob, nil
}
