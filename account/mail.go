package account

import (
	"context"
	"strings"

	"github.com/bookingkit/bookingkit"
)

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

// Queue stores a request for a worker to complete outside the request
// path, so that the request itself does the same work whatever the
// accounts hold: a reset for an unknown address and one for an account
// both store one queued request, and the worker issues the link (or
// nothing). Package outbox's *Outbox is one: its Enqueue stores payload as
// JSON, and the handler registered for kind completes it.
type Queue interface {
	Enqueue(ctx context.Context, kind string, payload any) error
}

// ParseMessage reads a rendered mail template, named name in errors: a
// first line "Subject: …", an empty line, then the body. When link is not
// empty the body must show it. It returns the message without its To, or
// a *bookingkit.ValidationError for field name saying what the template
// lacks. The modules' replaceable mail templates (staffid's, mogu's) all
// have this shape.
func ParseMessage(name, rendered, link string) (Message, error) {
	text := strings.ReplaceAll(rendered, "\r\n", "\n")
	head, body, ok := strings.Cut(text, "\n\n")
	subject, isSubject := strings.CutPrefix(head, "Subject:")
	if !ok || !isSubject || strings.Contains(head, "\n") {
		return Message{}, bookingkit.Invalid(name, "", `a first line "Subject: …", then an empty line, then the body`)
	}
	subject = strings.TrimSpace(subject)
	if subject == "" || strings.TrimSpace(body) == "" {
		return Message{}, bookingkit.Invalid(name, "", "a non-empty subject and body")
	}
	if link != "" && !strings.Contains(body, link) {
		return Message{}, bookingkit.Invalid(name, "", "a body that shows the link ({{.Link}})")
	}
	return Message{Subject: subject, Body: body}, nil
}
