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
// embedders pass their own.
type Mailer interface {
	Send(ctx context.Context, m Message) error
}
