// Package mail delivers the modules' mails, the [account.Message] values
// (one-time sign-in links, MOGU's and partner's notices) that every module
// hands to an [account.Mailer]: [SMTP] sends them through a mail server,
// [Dir] writes them to a folder and the log during development, when no
// mail server is at hand.
//
// # Where it sits
//
// The modules never talk to a mail server themselves: they call the
// account.Mailer they are given. An engine that has a mail service of its
// own implements that one-method interface over it; one that has only an
// SMTP server hands the modules an *SMTP. The reference server puts the
// outbox in between (outbox.Outbox.Mailer in the modules,
// outbox.MailHandler(an *SMTP) in the worker), so that a request never
// waits for the mail server and an outage delays mail instead of losing
// it; an engine may do the same.
//
// The package sits beside account and outbox, not inside account, because
// it is transport: it knows SMTP and files, and nothing of accounts but
// the message they send.
//
// # Format
//
// Both mailers render a message with [Format]: plain UTF-8 text,
// quoted-printable, with the subject encoded so that names in any script
// survive every mail server. SMTP upgrades the connection with STARTTLS
// whenever the server offers it and authenticates only over TLS (or to
// localhost), as net/smtp insists.
//
// # Testing
//
// A test of an engine's mails is best written against its own
// account.Mailer that records the messages, or against the .eml files
// that a [Dir] writes; the project's own SMTP test server stays internal
// (internal/smtptest).
package mail
