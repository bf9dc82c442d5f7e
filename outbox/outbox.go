package outbox

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/textproto"
	"slices"
	"sync"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/account"
)

// KindMail is the kind of the messages [Outbox.Mailer] stores by default:
// an [account.Message] that [MailHandler] sends.
const KindMail = "mail"

// Message is one stored message waiting for delivery.
type Message struct {
	// ID is given by the store, larger than every ID given before: the
	// order messages are delivered in.
	ID int64
	// Kind names the [Handler] that delivers the message ("mail",
	// "partner.webhook"). A worker claims only the kinds it has handlers
	// for, so a process that does not know a kind leaves it to one that
	// does.
	Kind string
	// Payload is the handler's input, JSON (stored as text).
	Payload json.RawMessage
	// CreatedAt is when the message was enqueued.
	CreatedAt time.Time
	// NextAttempt is when the message is due: at enqueueing, the time it
	// was stored; while it is leased, the end of the lease; after a
	// failure, the time of the next try.
	NextAttempt time.Time
	// Attempts is how many times a worker has claimed the message.
	Attempts int
	// LastError is why the last attempt failed ("" before any failure).
	LastError string
}

// Backlog is what the stored messages look like to an operator.
type Backlog struct {
	Messages int       // stored, not yet delivered
	Failing  int       // of which at least one attempt failed
	Oldest   time.Time // CreatedAt of the oldest; zero when none
}

// Store keeps the messages. Implementations must be safe for concurrent
// use, also by several processes sharing one database.
type Store interface {
	// Enqueue stores m (Kind, Payload, CreatedAt, NextAttempt; the rest
	// is ignored) and returns its ID.
	Enqueue(ctx context.Context, m Message) (int64, error)
	// Claim leases up to limit messages whose Kind is one of kinds and
	// whose NextAttempt is at or before now, lowest ID first: each gets
	// token as its lease, NextAttempt until and one more Attempt, and is
	// returned so. A message one Claim returned is not returned by
	// another before until, even when both run at once in different
	// processes.
	Claim(ctx context.Context, kinds []string, now, until time.Time, token string, limit int) ([]Message, error)
	// Delete removes message id if it is still leased under token. It
	// returns an error matching bookingkit.ErrNotFound when it is not
	// (the lease ran out and another worker claimed it, or it is gone).
	Delete(ctx context.Context, id int64, token string) error
	// Retry ends the lease token holds on message id and makes it due
	// again at next, with lastError. It returns an error matching
	// bookingkit.ErrNotFound when the message is not leased under token.
	Retry(ctx context.Context, id int64, token string, next time.Time, lastError string) error
	// Backlog counts the stored messages.
	Backlog(ctx context.Context) (Backlog, error)
}

// Handler delivers one message's payload. An error makes the outbox try
// again later, unless it is [Permanent]. The context ends before the
// message's lease does; a handler must return by then.
type Handler func(ctx context.Context, payload json.RawMessage) error

// Permanent marks err as a failure that trying again cannot mend (a mail
// server refusing the recipient): the message is dropped at once.
func Permanent(err error) error { return &permanentError{err} }

type permanentError struct{ err error }

// Completing is the handler of the requests a form queues to be completed
// by the worker (the account.Queue of staffid's, mogu's and partner's
// accounts layers): it decodes the payload as a T and calls complete. A
// payload that does not decode, or a request complete finds invalid
// (bookingkit.ErrInvalid), will not get better and is dropped; other
// errors are tried again. kind names the message in errors.
func Completing[T any](kind string, complete func(ctx context.Context, req T) error) Handler {
	return func(ctx context.Context, payload json.RawMessage) error {
		var req T
		if err := json.Unmarshal(payload, &req); err != nil {
			return Permanent(fmt.Errorf("%s: unreadable request: %w", kind, err))
		}
		err := complete(ctx, req)
		if errors.Is(err, bookingkit.ErrInvalid) {
			return Permanent(err)
		}
		return err
	}
}

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// Config tunes an [Outbox]. Zero values take the defaults.
type Config struct {
	// Lease is how long a claimed message is kept from other workers; a
	// delivery is cancelled after half of it. A worker that dies while
	// delivering delays its message by at most Lease. Default 2 minutes.
	Lease time.Duration
	// RetryFirst is the delay after the first failure; it doubles with
	// each failure up to RetryMax. Defaults 10 s and 10 minutes.
	RetryFirst time.Duration
	RetryMax   time.Duration
	// GiveUpAfter is the age at which a message that still fails is
	// dropped (and logged). Default 72 hours: a mailed link is dead long
	// before (24 h by default).
	GiveUpAfter time.Duration
	// Poll is how often Run looks for messages other processes stored
	// and retries that fell due. Messages enqueued through this Outbox
	// wake it at once. Default 2 s.
	Poll time.Duration
	// Logger receives one line per failed or dropped delivery; never a
	// payload. slog.Default() when nil.
	Logger *slog.Logger
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// Outbox stores messages and delivers them through its handlers. Build it
// with [New], register handlers with [Outbox.Handle], and start
// [Outbox.Run] once per process.
type Outbox struct {
	store Store
	cfg   Config
	wake  chan struct{}

	mu       sync.Mutex
	handlers map[string]Handler
}

// New returns an Outbox over store.
func New(store Store, cfg Config) *Outbox {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&cfg.Lease, 2*time.Minute)
	def(&cfg.RetryFirst, 10*time.Second)
	def(&cfg.RetryMax, 10*time.Minute)
	def(&cfg.GiveUpAfter, 72*time.Hour)
	def(&cfg.Poll, 2*time.Second)
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Outbox{store: store, cfg: cfg, wake: make(chan struct{}, 1), handlers: map[string]Handler{}}
}

// Handle makes h deliver the messages of kind, replacing any earlier
// handler of kind.
func (o *Outbox) Handle(kind string, h Handler) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.handlers[kind] = h
}

// HandleAll registers each handler of handlers under its kind, such as
// the QueuedHandlers of staffid's, mogu's and partner's accounts.
func (o *Outbox) HandleAll(handlers map[string]Handler) {
	for kind, h := range handlers {
		o.Handle(kind, h)
	}
}

func (o *Outbox) handler(kind string) Handler {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.handlers[kind]
}

func (o *Outbox) kinds() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Sorted(maps.Keys(o.handlers))
}

// Enqueue stores a message of kind with payload encoded as JSON, due at
// once, and wakes this process's worker. It returns when the message is
// stored, not when it is delivered.
func (o *Outbox) Enqueue(ctx context.Context, kind string, payload any) error {
	if kind == "" {
		return bookingkit.Invalid("kind", kind, "required")
	}
	raw, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("outbox: encode a %s message: %w", kind, err)
	}
	now := o.cfg.Now().UTC()
	if _, err := o.store.Enqueue(ctx, Message{Kind: kind, Payload: raw, CreatedAt: now, NextAttempt: now}); err != nil {
		return fmt.Errorf("outbox: store a %s message: %w", kind, err)
	}
	select {
	case o.wake <- struct{}{}:
	default: // already woken
	}
	return nil
}

// Backlog counts the messages waiting for delivery, for operators.
func (o *Outbox) Backlog(ctx context.Context) (Backlog, error) { return o.store.Backlog(ctx) }

// Start runs [Outbox.Run] in the background, first logging the messages
// left waiting by an earlier process, and returns the function that stops
// it. A server defers stop after its requests in flight have finished
// (their messages are stored) and before its store closes; stop waits up
// to grace for a message being sent, which is otherwise sent again once
// its lease runs out.
func (o *Outbox) Start(grace time.Duration) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if b, err := o.Backlog(ctx); err == nil && b.Messages > 0 {
			o.cfg.Logger.Info("outbox: messages waiting to be sent", "messages", b.Messages, "failing", b.Failing, "oldest", b.Oldest)
		}
		o.Run(ctx) //nolint:errcheck // returns nil once stopped
	}()
	return func() {
		cancel()
		select {
		case <-done:
		case <-time.After(grace):
			o.cfg.Logger.Warn("outbox: a message was still being sent when stopped; it is sent again once its lease runs out")
		}
	}
}

// Run delivers due messages until ctx ends: at once when this Outbox
// stores one, every Config.Poll otherwise. A delivery in progress when ctx
// ends is finished (within half the lease), so a stopping server does not
// leave a message leased. Store failures are logged and tried again at the
// next poll. Run returns nil once ctx has ended.
func (o *Outbox) Run(ctx context.Context) error {
	tick := time.NewTicker(o.cfg.Poll)
	defer tick.Stop()
	for {
		if _, err := o.DeliverDue(ctx); err != nil && ctx.Err() == nil {
			o.cfg.Logger.Error("outbox: cannot read the stored messages; trying again later", "error", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		case <-o.wake:
		}
	}
}

// DeliverDue delivers the messages that are due, one at a time, until
// none is left or ctx ends, and returns how many were delivered. Run calls
// it; a program that schedules its own work may call it instead.
func (o *Outbox) DeliverDue(ctx context.Context) (int, error) {
	delivered := 0
	for ctx.Err() == nil {
		ok, claimed, err := o.deliverOne(ctx)
		if err != nil {
			return delivered, err
		}
		if !claimed {
			break
		}
		if ok {
			delivered++
		}
	}
	return delivered, nil
}

// deliverOne claims the next due message and delivers it. claimed is
// false when none was due.
func (o *Outbox) deliverOne(ctx context.Context) (delivered, claimed bool, err error) {
	kinds := o.kinds()
	if len(kinds) == 0 {
		return false, false, nil
	}
	token := rand.Text()
	now := o.cfg.Now().UTC()
	ms, err := o.store.Claim(ctx, kinds, now, now.Add(o.cfg.Lease), token, 1)
	if err != nil || len(ms) == 0 {
		return false, false, err
	}
	m := ms[0]
	// The delivery and its bookkeeping outlive ctx: a server stopping
	// finishes the message it holds instead of leaving it leased.
	detached := context.WithoutCancel(ctx)
	sendCtx, cancel := context.WithTimeout(detached, o.cfg.Lease/2)
	sendErr := o.deliver(sendCtx, m)
	cancel()
	bookCtx, cancel := context.WithTimeout(detached, o.cfg.Lease/2)
	defer cancel()
	log := o.cfg.Logger.With("message", m.ID, "kind", m.Kind, "attempt", m.Attempts)
	if sendErr == nil {
		if err := o.store.Delete(bookCtx, m.ID, token); errors.Is(err, bookingkit.ErrNotFound) {
			log.Warn("outbox: delivered after the lease ran out; another worker may deliver the message again")
		} else if err != nil {
			log.Error("outbox: delivered, but cannot mark the message done; it will be delivered again", "error", err)
		}
		return true, true, nil
	}
	var perm *permanentError
	age := o.cfg.Now().Sub(m.CreatedAt)
	if errors.As(sendErr, &perm) || age >= o.cfg.GiveUpAfter {
		reason := "the failure is permanent"
		if perm == nil {
			reason = fmt.Sprintf("still failing after %s", age.Round(time.Second))
		}
		log.Error("outbox: delivery failed; the message is dropped: "+reason, "error", sendErr, "enqueued", m.CreatedAt)
		if err := o.store.Delete(bookCtx, m.ID, token); err != nil {
			log.Error("outbox: cannot drop the message", "error", err)
		}
		return false, true, nil
	}
	next := o.cfg.Now().UTC().Add(o.backoff(m.Attempts))
	log.Warn("outbox: delivery failed; trying again later", "error", sendErr, "next_attempt", next)
	if err := o.store.Retry(bookCtx, m.ID, token, next, sendErr.Error()); err != nil {
		log.Error("outbox: cannot record the failure; the message is tried again when its lease ends", "error", err)
	}
	return false, true, nil
}

func (o *Outbox) deliver(ctx context.Context, m Message) (err error) {
	h := o.handler(m.Kind)
	if h == nil { // unregistered since the claim
		return fmt.Errorf("outbox: no handler for kind %q", m.Kind)
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("outbox: %s handler panicked: %v", m.Kind, p)
		}
	}()
	return h(ctx, m.Payload)
}

// backoff is the delay after the attempts-th failure: RetryFirst doubled
// attempts-1 times, at most RetryMax.
func (o *Outbox) backoff(attempts int) time.Duration {
	d := o.cfg.RetryFirst
	for i := 1; i < attempts && d < o.cfg.RetryMax; i++ {
		d *= 2
	}
	return min(d, o.cfg.RetryMax)
}

// mailPayload is how a mail is stored: the account.Message's fields under
// stable names.
type mailPayload struct {
	To      string `json:"to"`
	Subject string `json:"subject"`
	Body    string `json:"body"`
}

// Mailer returns an [account.Mailer] that stores each mail as a message of
// kind (KindMail when empty) instead of sending it. Register the
// [MailHandler] of the real mailer for the same kind.
func (o *Outbox) Mailer(kind string) account.Mailer {
	if kind == "" {
		kind = KindMail
	}
	return &outboxMailer{o: o, kind: kind}
}

type outboxMailer struct {
	o    *Outbox
	kind string
}

func (m *outboxMailer) Send(ctx context.Context, msg account.Message) error {
	return m.o.Enqueue(ctx, m.kind, mailPayload{To: msg.To, Subject: msg.Subject, Body: msg.Body})
}

// MailHandler delivers stored mails through mailer (an SMTP mailer, say).
// A mail server's 5xx answer (such as an unknown recipient) is permanent;
// every other failure is tried again.
func MailHandler(mailer account.Mailer) Handler {
	return func(ctx context.Context, payload json.RawMessage) error {
		var p mailPayload
		if err := json.Unmarshal(payload, &p); err != nil {
			return Permanent(fmt.Errorf("outbox: unreadable mail: %w", err))
		}
		err := mailer.Send(ctx, account.Message{To: p.To, Subject: p.Subject, Body: p.Body})
		var reply *textproto.Error
		if errors.As(err, &reply) && reply.Code >= 500 && reply.Code < 600 {
			return Permanent(err)
		}
		return err
	}
}
