package partner

import (
	"context"
	"encoding/base64"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/bookingkit/bookingkit"
)

// Direction says which side wrote a support message. The partner's panel
// shows FromPartner as sent and FromSupport as received; the vendor's the
// other way round.
type Direction string

const (
	FromPartner Direction = "from_partner" // written by a partner user
	FromSupport Direction = "from_support" // written by an administrator (vendor support)
)

// Side is a reader of a thread: the partner or support. Each side has its
// own unread count.
type Side string

const (
	SidePartner Side = "partner"
	SideSupport Side = "support"
)

// Side returns the side of a support thread a reads for: support for an
// administrator, the partner for a partner user.
func (a Actor) Side() Side {
	side, _ := sideOf(a)
	return side
}

// sideOf returns the side a acts for and the direction of what a writes.
func sideOf(a Actor) (Side, Direction) {
	if a.IsAdministrator() {
		return SideSupport, FromSupport
	}
	return SidePartner, FromPartner
}

// Message is one message of a company's support thread.
type Message struct {
	ID        string // sorts in posting order
	PartnerID string
	CompanyID string
	Direction Direction
	AuthorID  string
	Body      string
	At        time.Time
}

// ThreadSummary is a company's support thread as the thread list shows it.
type ThreadSummary struct {
	CompanyID     string
	CompanyName   string
	PartnerID     string
	Messages      int64
	LastMessageAt time.Time // zero when nobody has written yet
	// UnreadByPartner counts messages from support the partner has not
	// read; UnreadBySupport the other way round.
	UnreadByPartner int64
	UnreadBySupport int64
}

// Unread returns the unread count of side.
func (t ThreadSummary) Unread(side Side) int64 {
	if side == SideSupport {
		return t.UnreadBySupport
	}
	return t.UnreadByPartner
}

// ThreadCursor is the position of a thread in the thread list, which is
// ordered by last message, newest first, then by company ID descending;
// threads without messages come last.
type ThreadCursor struct {
	LastMessageAt time.Time
	CompanyID     string
}

// String encodes c as an opaque token for a URL.
func (c ThreadCursor) String() string {
	us := "0"
	if !c.LastMessageAt.IsZero() {
		us = strconv.FormatInt(c.LastMessageAt.UnixMicro(), 10)
	}
	return base64.RawURLEncoding.EncodeToString([]byte(us + "." + c.CompanyID))
}

// ParseThreadCursor reads a token made by [ThreadCursor.String].
func ParseThreadCursor(s string) (ThreadCursor, error) {
	bad := bookingkit.Invalidf("cursor", truncate(s, 40), "a cursor returned by an earlier list")
	if len(s) > 200 {
		return ThreadCursor{}, bad
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return ThreadCursor{}, bad
	}
	us, id, ok := strings.Cut(string(raw), ".")
	if !ok || id == "" {
		return ThreadCursor{}, bad
	}
	micros, err := strconv.ParseInt(us, 10, 64)
	if err != nil || micros < 0 || micros > maxCursorMicros {
		return ThreadCursor{}, bad
	}
	c := ThreadCursor{CompanyID: id}
	if micros != 0 {
		c.LastMessageAt = time.UnixMicro(micros).UTC()
	}
	if c.String() != s {
		return ThreadCursor{}, bad
	}
	return c, nil
}

// ThreadQuery selects threads for the thread list.
type ThreadQuery struct {
	PartnerID string        // "" for every partner (administrators only)
	After     *ThreadCursor // keyset: only threads after this one in list order
	Limit     int
}

// ThreadList is the input of [Service.Threads].
type ThreadList struct {
	PartnerID string // administrators: the partner picked in the selector, "" for all
	Cursor    string // Next of the previous page
	Limit     int
}

// ThreadPage is one page of the thread list.
type ThreadPage struct {
	Threads []ThreadSummary
	Next    string
}

// MessageQuery selects a thread's messages, newest first.
type MessageQuery struct {
	CompanyID string
	Before    string // keyset: only messages with an ID less than this
	Limit     int
}

// MessagePage is one page of a thread, newest first; Next is the Before
// of the next (older) page.
type MessagePage struct {
	Messages []Message
	Next     string
}

// Notification tells the other side of a thread about a new message.
type Notification struct {
	To          Side
	PartnerID   string
	CompanyID   string
	CompanyName string
	MessageID   string
	Direction   Direction
	At          time.Time
	Preview     string // the start of the message, at most 140 characters
}

// Notifier delivers notifications: a webhook, a mobile push service or the
// log. It is called after the message is stored, so a failing notifier
// loses no message.
type Notifier interface {
	Notify(ctx context.Context, n Notification) error
}

// LogNotifier writes notifications to a structured log; useful in
// development and as the fallback when nothing else is configured.
type LogNotifier struct {
	Logger *slog.Logger // nil means slog.Default()
}

// Notify logs n at level Info.
func (l LogNotifier) Notify(ctx context.Context, n Notification) error {
	logger := l.Logger
	if logger == nil {
		logger = slog.Default()
	}
	logger.InfoContext(ctx, "partner: new support message",
		"to", string(n.To), "partner", n.PartnerID, "company", n.CompanyID,
		"message", n.MessageID, "direction", string(n.Direction))
	return nil
}

// PostMessage adds a message to a company's thread: from the partner when
// a partner user writes, from support when an administrator does. The
// other side is notified; if the notifier fails the message is still
// posted and the failure is logged.
func (s *Service) PostMessage(ctx context.Context, a Actor, companyID, body string) (Message, error) {
	company, err := s.Company(ctx, a, companyID)
	if err != nil {
		return Message{}, err
	}
	body, err = cleanText("body", body, 1, MaxMessageLength, true)
	if err != nil {
		return Message{}, err
	}
	now := s.now()
	id, err := s.newID("msg", now)
	if err != nil {
		return Message{}, err
	}
	side, dir := sideOf(a)
	m := Message{ID: id, PartnerID: company.PartnerID, CompanyID: company.ID, Direction: dir, AuthorID: a.UserID, Body: body, At: now}
	if err := s.Store.PostMessage(ctx, m); err != nil {
		return Message{}, err
	}
	s.messagePosted(ctx, m, company, otherSide(side))
	if s.Notifier != nil {
		to := SideSupport
		if side == SideSupport {
			to = SidePartner
		}
		n := Notification{To: to, PartnerID: m.PartnerID, CompanyID: m.CompanyID, CompanyName: company.Name,
			MessageID: m.ID, Direction: dir, At: now, Preview: truncate(strings.Join(strings.Fields(body), " "), 140)}
		if err := s.Notifier.Notify(ctx, n); err != nil {
			s.logger().ErrorContext(ctx, "partner: notifying a support message failed; the message is stored",
				"message", m.ID, "company", m.CompanyID, "error", err)
		}
	}
	return m, nil
}

// Messages returns a company's thread, newest first.
func (s *Service) Messages(ctx context.Context, a Actor, q MessageQuery) (MessagePage, error) {
	if _, err := s.Company(ctx, a, q.CompanyID); err != nil {
		return MessagePage{}, err
	}
	var err error
	if q.Limit, err = pageLimit(q.Limit); err != nil {
		return MessagePage{}, err
	}
	limit := q.Limit
	q.Limit++
	list, err := s.Store.ListMessages(ctx, q)
	if err != nil {
		return MessagePage{}, err
	}
	page := MessagePage{Messages: list}
	if len(list) > limit {
		page.Messages = list[:limit]
		page.Next = list[limit-1].ID
	}
	return page, nil
}

// MarkRead records that the actor's side has read a company's thread up to
// and including message upTo (normally the newest one shown). Reading
// never moves backwards: an older upTo changes nothing.
func (s *Service) MarkRead(ctx context.Context, a Actor, companyID, upTo string) error {
	if _, err := s.Company(ctx, a, companyID); err != nil {
		return err
	}
	if upTo == "" {
		return bookingkit.Invalidf("up_to", "", "the ID of the newest message read")
	}
	side, _ := sideOf(a)
	return s.Store.MarkThreadRead(ctx, companyID, side, upTo)
}

// Thread returns the summary of one company's thread.
func (s *Service) Thread(ctx context.Context, a Actor, companyID string) (ThreadSummary, error) {
	if _, err := s.Company(ctx, a, companyID); err != nil {
		return ThreadSummary{}, err
	}
	return s.Store.GetThread(ctx, companyID)
}

// Threads lists support threads, most recent first: a partner user's own,
// or for an administrator those of the partner picked ("" for all).
func (s *Service) Threads(ctx context.Context, a Actor, in ThreadList) (ThreadPage, error) {
	q := ThreadQuery{}
	var err error
	if q.PartnerID, err = a.scope(in.PartnerID); err != nil {
		return ThreadPage{}, err
	}
	if q.Limit, err = pageLimit(in.Limit); err != nil {
		return ThreadPage{}, err
	}
	if in.Cursor != "" {
		c, err := ParseThreadCursor(in.Cursor)
		if err != nil {
			return ThreadPage{}, err
		}
		q.After = &c
	}
	limit := q.Limit
	q.Limit++
	list, err := s.Store.ListThreads(ctx, q)
	if err != nil {
		return ThreadPage{}, err
	}
	page := ThreadPage{Threads: list}
	if len(list) > limit {
		page.Threads = list[:limit]
		last := list[limit-1]
		page.Next = ThreadCursor{LastMessageAt: last.LastMessageAt, CompanyID: last.CompanyID}.String()
	}
	return page, nil
}
