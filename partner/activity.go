package partner

import (
	"context"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/bookingkit/bookingkit"
)

// ActivityKind is what a terminal did.
type ActivityKind string

// The kinds of terminal activity.
const (
	ActivitySignIn      ActivityKind = "sign_in"
	ActivityConfigFetch ActivityKind = "config_fetch"
	ActivityBound       ActivityKind = "licence_bound"
	ActivityReleased    ActivityKind = "licence_released"
)

// ActivityEvent is one record of the append-only terminal activity log.
type ActivityEvent struct {
	// ID is assigned by the store when the event is appended, increasing
	// in append order; with At it orders the log.
	ID         int64
	At         time.Time
	Kind       ActivityKind
	PartnerID  string
	CompanyID  string
	InstanceID string
	LicenceID  string
	Serial     string // the terminal's serial, upper case; "" if unknown
	PIN        string // the terminal's PIN, upper case; "" if unknown
	UserLogin  string // the licence's user
	Detail     string
}

// DetailInstanceDeactivated is the Detail of the release events a store
// appends when an instance's deactivation ends its licences.
const DetailInstanceDeactivated = "instance deactivated"

// MaxActivityDetail bounds the free text of an activity event.
const MaxActivityDetail = 500

func activityFor(l Licence, kind ActivityKind, at time.Time, detail string) ActivityEvent {
	return ActivityEvent{
		At: at, Kind: kind,
		PartnerID: l.PartnerID, CompanyID: l.CompanyID, InstanceID: l.InstanceID, LicenceID: l.ID,
		Serial: l.Terminal.Serial, PIN: l.Terminal.PIN, UserLogin: l.User.Login,
		Detail: detail,
	}
}

// ActivityCursor is the position of an event in the log's newest-first
// order: a page continues with events strictly older than (At, ID).
type ActivityCursor struct {
	At time.Time
	ID int64
}

// String encodes c as an opaque token for a URL.
func (c ActivityCursor) String() string {
	raw := strconv.FormatInt(c.At.UnixMicro(), 10) + "." + strconv.FormatInt(c.ID, 10)
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// ParseActivityCursor reads a token made by [ActivityCursor.String]. A
// malformed token is a validation error on field "cursor".
func ParseActivityCursor(s string) (ActivityCursor, error) {
	bad := bookingkit.Invalidf("cursor", truncate(s, 40), "a cursor returned by an earlier search")
	if len(s) > 64 {
		return ActivityCursor{}, bad
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return ActivityCursor{}, bad
	}
	us, id, ok := strings.Cut(string(raw), ".")
	if !ok {
		return ActivityCursor{}, bad
	}
	micros, err1 := strconv.ParseInt(us, 10, 64)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if err1 != nil || err2 != nil || n < 0 || micros < minCursorMicros || micros > maxCursorMicros {
		return ActivityCursor{}, bad
	}
	c := ActivityCursor{At: time.UnixMicro(micros).UTC(), ID: n}
	if c.String() != s {
		// Only the canonical spelling is accepted ("+1", "01" are not).
		return ActivityCursor{}, bad
	}
	return c, nil
}

// The range of times a cursor may carry: years 1 to 9999.
var (
	minCursorMicros = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro()
	maxCursorMicros = time.Date(9999, 12, 31, 23, 59, 59, 999999000, time.UTC).UnixMicro()
)

// ActivityQuery is a search of the activity log as the store runs it:
// the events of one terminal, newest first. Exactly one of Serial and PIN
// is set. The store must answer from an index on (serial, at, id) and
// (pin, at, id) so that the cost does not grow with the log.
type ActivityQuery struct {
	PartnerID string // "" for every partner (administrators only)
	Serial    string
	PIN       string
	// From and To bound the window: From <= At < To; a zero bound is open.
	From, To time.Time
	// Before, when set, keeps only events older than it in the order
	// (At desc, ID desc): (At, ID) < (Before.At, Before.ID).
	Before *ActivityCursor
	Limit  int
}

// ActivitySearch is the input of [Service.SearchActivity].
type ActivitySearch struct {
	PartnerID string // administrators: "" for every partner
	Serial    string // a terminal serial number, or
	PIN       string // a terminal PIN
	From, To  time.Time
	Cursor    string // Next of the previous page, "" for the first page
	Limit     int    // 0 means DefaultPageSize
}

// ActivityPage is one page of a search; Next continues it ("" on the last
// page).
type ActivityPage struct {
	Events []ActivityEvent
	Next   string
}

// ActivityDetail is one event with the licence it concerns as it is now,
// from which the licence can be released.
type ActivityDetail struct {
	Event   ActivityEvent
	Licence Licence
}

// SearchActivity finds a terminal's activity by serial or PIN within a
// time window, newest first. A partner user sees only their own partner's
// events, so another partner's terminal shows nothing.
func (s *Service) SearchActivity(ctx context.Context, a Actor, in ActivitySearch) (ActivityPage, error) {
	q := ActivityQuery{From: canonicalTime(in.From), To: canonicalTime(in.To)}
	var err error
	if q.PartnerID, err = a.scope(in.PartnerID); err != nil {
		return ActivityPage{}, err
	}
	if q.Limit, err = pageLimit(in.Limit); err != nil {
		return ActivityPage{}, err
	}
	switch serial, pin := strings.TrimSpace(in.Serial), strings.TrimSpace(in.PIN); {
	case serial != "" && pin != "":
		return ActivityPage{}, bookingkit.Invalidf("pin", pin, "search by serial or by PIN, not both")
	case serial != "":
		if q.Serial, err = NormalizeSerial("serial", serial); err != nil {
			return ActivityPage{}, err
		}
	case pin != "":
		if q.PIN, err = NormalizePIN("pin", pin); err != nil {
			return ActivityPage{}, err
		}
	default:
		return ActivityPage{}, bookingkit.Invalidf("serial", "", "a terminal serial or PIN to search for")
	}
	if err := checkPeriod(q.From, q.To); err != nil {
		return ActivityPage{}, err
	}
	if in.Cursor != "" {
		c, err := ParseActivityCursor(in.Cursor)
		if err != nil {
			return ActivityPage{}, err
		}
		q.Before = &c
	}
	limit := q.Limit
	q.Limit++
	events, err := s.Store.SearchActivity(ctx, q)
	if err != nil {
		return ActivityPage{}, err
	}
	page := ActivityPage{Events: events}
	if len(events) > limit {
		page.Events = events[:limit]
		last := events[limit-1]
		page.Next = ActivityCursor{At: last.At, ID: last.ID}.String()
	}
	return page, nil
}

// ActivityRecord returns one event of the log with its licence.
func (s *Service) ActivityRecord(ctx context.Context, a Actor, id int64) (ActivityDetail, error) {
	if err := a.check(); err != nil {
		return ActivityDetail{}, err
	}
	ev, err := s.Store.GetActivity(ctx, id)
	if errors.Is(err, bookingkit.ErrNotFound) || (err == nil && !a.canSee(ev.PartnerID)) {
		return ActivityDetail{}, notFound(bookingkit.Msg("activity record"), strconv.FormatInt(id, 10))
	}
	if err != nil {
		return ActivityDetail{}, err
	}
	l, err := s.Licence(ctx, a, ev.LicenceID)
	if err != nil {
		return ActivityDetail{}, err
	}
	return ActivityDetail{Event: ev, Licence: l}, nil
}

// TerminalEvent is the input of [Service.RecordTerminalActivity].
type TerminalEvent struct {
	LicenceID string
	Kind      ActivityKind // ActivitySignIn or ActivityConfigFetch
	Terminal  Terminal
	Detail    string
}

// RecordTerminalActivity appends a sign-in or a configuration fetch to the
// activity log. Like [Service.BindTerminal] it is called on behalf of an
// authenticated terminal, not a user. Bindings and releases are logged by
// the calls that make them.
func (s *Service) RecordTerminalActivity(ctx context.Context, in TerminalEvent) (ActivityEvent, error) {
	if in.Kind != ActivitySignIn && in.Kind != ActivityConfigFetch {
		return ActivityEvent{}, bookingkit.Invalidf("kind", string(in.Kind), "%s or %s", ActivitySignIn, ActivityConfigFetch)
	}
	t, err := in.Terminal.Normalize()
	if err != nil {
		return ActivityEvent{}, err
	}
	detail, err := cleanText("detail", in.Detail, 0, MaxActivityDetail, false)
	if err != nil {
		return ActivityEvent{}, err
	}
	l, err := s.Store.GetLicence(ctx, in.LicenceID)
	if err != nil {
		return ActivityEvent{}, err
	}
	l.Terminal = t
	ev := activityFor(l, in.Kind, s.now(), detail)
	return s.Store.AppendActivity(ctx, ev)
}
