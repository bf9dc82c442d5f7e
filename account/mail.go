package account

import "context"

// Message is one plain-text email.
type Message struct {
	To      string
	Subject string
	Body    string
}

// Mailer sends email. The reference server offers an SMTP mailer and a
// development mailer that writes each message to a folder and the log;
// embedders pass their own. The modules call Send inside the request:
// pass them package outbox's Mailer, which only stores the message for a
// worker to send, so that no answer waits for (or is timed by) the mail
// server and a mail server outage loses nothing.
type Mailer interface {
	Send(ctx context.Context, m Message) error
}
