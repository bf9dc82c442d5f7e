package partner

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bookingkit/bookingkit"
)

// MaxLicencesPerCall is the most licences one [Service.AddLicences] call adds.
const MaxLicencesPerCall = 1000

// Licence lets one user work on one terminal of an instance.
type Licence struct {
	ID           string
	PartnerID    string
	CompanyID    string
	InstanceID   string
	InstanceType string // the instance's type, kept here for reports
	Profile      string // the instance's profile, kept here for reports
	State        State  // active, deactivation_requested or deactivated
	User         LicenceUser
	// Terminal is the device using the licence; zero while the licence
	// is free.
	Terminal     Terminal
	BoundAt      time.Time // when Terminal was bound; zero while free
	Deactivation Deactivation
	CreatedBy    string
	CreatedAt    time.Time
	UpdatedAt    time.Time
	Version      int64 // optimistic concurrency counter, as for Instance
}

// LicenceUser is the person a licence is for.
type LicenceUser struct {
	Name  string
	Login string // unique among an instance's licences that are not deactivated
	Email string
}

// Terminal identifies a device by its serial number, its PIN, or both.
type Terminal struct {
	Serial string // upper case
	PIN    string // upper case
}

// IsZero reports whether t names no terminal.
func (t Terminal) IsZero() bool { return t.Serial == "" && t.PIN == "" }

// NewLicence is one licence to add with [Service.AddLicences].
type NewLicence struct {
	UserName string
	Login    string
	Email    string
}

// LicenceQuery selects licences, ordered by ID (creation order). It is
// both the licence list of an instance, its search, and the detail list
// behind a report count.
type LicenceQuery struct {
	PartnerID  string // "" for every partner (administrators only)
	InstanceID string
	Type       string
	Profile    string
	States     []State
	// CreatedFrom and CreatedTo keep licences added in [CreatedFrom,
	// CreatedTo) — the licence's activation; a zero bound is open.
	CreatedFrom, CreatedTo time.Time
	Login                  string // exact login
	Serial                 string // exact terminal serial
	PIN                    string // exact terminal PIN
	// Search keeps licences whose user name, login, e-mail, serial or PIN
	// contains it, ignoring case. It needs InstanceID: a substring search
	// cannot use an index, so it is kept to one instance's licences.
	Search string
	After  string // keyset: only licences with an ID greater than this
	Limit  int
}

// LicencePage is one page of licences; Next is the After of the next
// page, "" on the last page.
type LicencePage struct {
	Licences []Licence
	Next     string
}

var (
	loginPattern  = regexp.MustCompile(`^[a-z0-9][a-z0-9._@\-]{0,63}$`)
	serialPattern = regexp.MustCompile(`^[A-Z0-9][A-Z0-9._:\-]{0,63}$`)
	pinPattern    = regexp.MustCompile(`^[A-Z0-9]{4,16}$`)
)

// NormalizeSerial returns a terminal serial number in its stored form
// (trimmed, upper case) or a validation error naming field.
func NormalizeSerial(field, s string) (string, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if !serialPattern.MatchString(s) {
		return "", bookingkit.Invalidf(field, truncate(s, 40), "1 to 64 letters, digits, dots, colons, hyphens and underscores")
	}
	return s, nil
}

// NormalizePIN returns a terminal PIN in its stored form (trimmed, upper
// case) or a validation error naming field.
func NormalizePIN(field, s string) (string, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if !pinPattern.MatchString(s) {
		return "", bookingkit.Invalidf(field, truncate(s, 40), "4 to 16 letters and digits")
	}
	return s, nil
}

// Normalize checks t and returns it in stored form: at least one of
// serial and PIN, each well-formed.
func (t Terminal) Normalize() (Terminal, error) {
	var out Terminal
	var errs []error
	var err error
	if strings.TrimSpace(t.Serial) != "" {
		out.Serial, err = NormalizeSerial("terminal.serial", t.Serial)
		errs = append(errs, err)
	}
	if strings.TrimSpace(t.PIN) != "" {
		out.PIN, err = NormalizePIN("terminal.pin", t.PIN)
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return Terminal{}, err
	}
	if out.IsZero() {
		return Terminal{}, bookingkit.Invalidf("terminal", "", "a serial number or a PIN")
	}
	return out, nil
}

func normalizeLogin(field, s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if !loginPattern.MatchString(s) {
		return "", bookingkit.Invalidf(field, truncate(s, 40), "1 to 64 letters, digits, dots, @, hyphens and underscores")
	}
	return s, nil
}

// AddLicences adds free licences to an active instance, all or none. A
// login already used by another licence of the instance that is not
// deactivated fails with bookingkit.ErrConflict.
func (s *Service) AddLicences(ctx context.Context, a Actor, instanceID string, in []NewLicence) ([]Licence, error) {
	inst, err := s.Instance(ctx, a, instanceID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if _, err := lookup(instanceTransitions, "instance", instanceID, inst.Status(now), EventAddLicences); err != nil {
		return nil, err
	}
	switch {
	case len(in) == 0:
		return nil, bookingkit.Invalidf("licences", "", "at least one licence")
	case len(in) > MaxLicencesPerCall:
		return nil, bookingkit.Invalidf("licences", strconv.Itoa(len(in)), "at most %d per call", MaxLicencesPerCall)
	}
	// IDs made in the same millisecond sort by their random part: sort
	// them so that the licences list in the order they were given.
	ids := make([]string, len(in))
	for i := range ids {
		if ids[i], err = s.newID("lic", now); err != nil {
			return nil, err
		}
	}
	slices.Sort(ids)
	var errs []error
	seen := make(map[string]int, len(in))
	out := make([]Licence, len(in))
	audit := make([]AuditRecord, len(in))
	for i, nl := range in {
		field := fmt.Sprintf("licences[%d].", i)
		var u LicenceUser
		var e1, e2, e3 error
		u.Name, e1 = cleanText(field+"user_name", nl.UserName, 1, MaxNameLength, false)
		u.Login, e2 = normalizeLogin(field+"login", nl.Login)
		u.Email, e3 = cleanEmail(field+"email", nl.Email, false)
		errs = append(errs, e1, e2, e3)
		if e2 == nil {
			if j, dup := seen[u.Login]; dup {
				errs = append(errs, bookingkit.Invalidf(field+"login", u.Login, "given twice (also licences[%d])", j))
			}
			seen[u.Login] = i
		}
		id := ids[i]
		out[i] = Licence{
			ID: id, PartnerID: inst.PartnerID, CompanyID: inst.CompanyID, InstanceID: inst.ID,
			InstanceType: inst.Type, Profile: inst.Profile, State: StateActive, User: u,
			CreatedBy: a.UserID, CreatedAt: now, UpdatedAt: now, Version: 1,
		}
		var err error
		if audit[i], err = s.audit(a, now, inst.PartnerID, ObjectLicence, id, "create", "", "instance "+inst.ID+", login "+u.Login); err != nil {
			return nil, err
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	err = s.Store.CreateLicences(ctx, LicenceBatch{
		InstanceID:      inst.ID,
		InstanceVersion: inst.Version,
		Licences:        out,
		Audit:           audit,
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Licence returns one licence the actor may see.
func (s *Service) Licence(ctx context.Context, a Actor, id string) (Licence, error) {
	if err := a.check(); err != nil {
		return Licence{}, err
	}
	l, err := s.Store.GetLicence(ctx, id)
	if errors.Is(err, bookingkit.ErrNotFound) || (err == nil && !a.canSee(l.PartnerID)) {
		return Licence{}, notFound(bookingkit.Msg("licence"), id)
	}
	return l, err
}

// Licences lists or searches licences: a partner user's own, or for an
// administrator those of q.PartnerID ("" for all partners).
func (s *Service) Licences(ctx context.Context, a Actor, q LicenceQuery) (LicencePage, error) {
	var err error
	if q.PartnerID, err = a.scope(q.PartnerID); err != nil {
		return LicencePage{}, err
	}
	if q.Limit, err = pageLimit(q.Limit); err != nil {
		return LicencePage{}, err
	}
	if q.Type, q.Profile, err = s.checkTypeFilter(q.Type, q.Profile); err != nil {
		return LicencePage{}, err
	}
	if err := checkStates(q.States, LicenceStates); err != nil {
		return LicencePage{}, err
	}
	if err := checkPeriod(q.CreatedFrom, q.CreatedTo); err != nil {
		return LicencePage{}, err
	}
	q.CreatedFrom, q.CreatedTo = canonicalTime(q.CreatedFrom), canonicalTime(q.CreatedTo)
	if q.Login != "" {
		if q.Login, err = normalizeLogin("login", q.Login); err != nil {
			return LicencePage{}, err
		}
	}
	if q.Serial != "" {
		if q.Serial, err = NormalizeSerial("serial", q.Serial); err != nil {
			return LicencePage{}, err
		}
	}
	if q.PIN != "" {
		if q.PIN, err = NormalizePIN("pin", q.PIN); err != nil {
			return LicencePage{}, err
		}
	}
	if q.Search, err = cleanText("search", q.Search, 0, 100, false); err != nil {
		return LicencePage{}, err
	}
	if q.Search != "" && q.InstanceID == "" {
		return LicencePage{}, bookingkit.Invalidf("search", q.Search, "needs an instance; search other instances by exact login, serial or PIN")
	}
	if q.InstanceID != "" {
		// Checked so that another partner's instance reads as not found
		// rather than as an empty list.
		if _, err := s.Instance(ctx, a, q.InstanceID); err != nil {
			return LicencePage{}, err
		}
	}
	limit := q.Limit
	q.Limit++
	list, err := s.Store.ListLicences(ctx, q)
	if err != nil {
		return LicencePage{}, err
	}
	page := LicencePage{Licences: list}
	if len(list) > limit {
		page.Licences = list[:limit]
		page.Next = list[limit-1].ID
	}
	return page, nil
}

// licenceChange describes one step of a licence for [Service.changeLicence].
type licenceChange struct {
	event  Event
	reason string
	// apply changes the copy of the licence (whose State is already the
	// new state) and returns the audit detail and, when the terminal's
	// binding changed, the activity event to append.
	apply func(l *Licence, now time.Time) (detail string, activity *ActivityEvent, err error)
}

// changeLicence runs one step of a licence's life cycle for a user, like
// [Service.change] does for instances.
func (s *Service) changeLicence(ctx context.Context, a Actor, id string, c licenceChange) (Licence, error) {
	cur, err := s.Licence(ctx, a, id)
	if err != nil {
		return Licence{}, err
	}
	t, err := lookup(licenceTransitions, "licence", id, cur.State, c.event)
	if err != nil {
		return Licence{}, err
	}
	if t.adminOnly && !a.IsAdministrator() {
		return Licence{}, fmt.Errorf("licence %s: only an administrator may %s: %w", id, strings.ReplaceAll(string(c.event), "_", " "), bookingkit.ErrForbidden)
	}
	now := s.now()
	next := cur
	next.State = t.to
	next.UpdatedAt = now
	next.Version = cur.Version + 1
	var detail string
	var activity *ActivityEvent
	if c.apply != nil {
		if detail, activity, err = c.apply(&next, now); err != nil {
			return Licence{}, err
		}
	}
	rec, err := s.audit(a, now, cur.PartnerID, ObjectLicence, id, string(c.event), c.reason, detail)
	if err != nil {
		return Licence{}, err
	}
	if err := s.Store.UpdateLicence(ctx, LicenceUpdate{Licence: next, PrevVersion: cur.Version, Audit: &rec, Activity: activity}); err != nil {
		return Licence{}, err
	}
	s.licenceChanged(ctx, a, cur, next, c.event, c.reason, now)
	return next, nil
}

// release frees l's terminal and returns the activity event that says so,
// or nil when l had none.
func release(l *Licence, now time.Time, by string) *ActivityEvent {
	if l.Terminal.IsZero() {
		return nil
	}
	ev := activityFor(*l, ActivityReleased, now, "released by "+by)
	l.Terminal = Terminal{}
	l.BoundAt = time.Time{}
	return &ev
}

// ReleaseLicence frees a licence from its terminal, so that another
// terminal can use it. The release is written to the activity log.
func (s *Service) ReleaseLicence(ctx context.Context, a Actor, id, reason string) (Licence, error) {
	reason, err := cleanReason(reason, false)
	if err != nil {
		return Licence{}, err
	}
	return s.changeLicence(ctx, a, id, licenceChange{event: EventRelease, reason: reason, apply: func(l *Licence, now time.Time) (string, *ActivityEvent, error) {
		if l.Terminal.IsZero() {
			return "", nil, fmt.Errorf("licence %s is not bound to a terminal: %w", id, bookingkit.ErrConflict)
		}
		detail := "terminal " + terminalText(l.Terminal)
		return detail, release(l, now, a.UserID), nil
	}})
}

func terminalText(t Terminal) string {
	switch {
	case t.Serial != "" && t.PIN != "":
		return "serial " + t.Serial + " PIN " + t.PIN
	case t.Serial != "":
		return "serial " + t.Serial
	}
	return "PIN " + t.PIN
}

// RequestLicenceDeactivation asks for a licence to be deactivated, with a
// written reason; an administrator approves or rejects the request.
func (s *Service) RequestLicenceDeactivation(ctx context.Context, a Actor, id, reason string) (Licence, error) {
	reason, err := cleanReason(reason, true)
	if err != nil {
		return Licence{}, err
	}
	return s.changeLicence(ctx, a, id, licenceChange{event: EventRequestDeactivation, reason: reason, apply: func(l *Licence, now time.Time) (string, *ActivityEvent, error) {
		l.Deactivation = Deactivation{Reason: reason, RequestedBy: a.UserID, RequestedAt: now}
		return "", nil, nil
	}})
}

// WithdrawLicenceDeactivation takes back an open deactivation request.
func (s *Service) WithdrawLicenceDeactivation(ctx context.Context, a Actor, id, reason string) (Licence, error) {
	reason, err := cleanReason(reason, false)
	if err != nil {
		return Licence{}, err
	}
	return s.changeLicence(ctx, a, id, licenceChange{event: EventWithdrawDeactivation, reason: reason, apply: func(l *Licence, now time.Time) (string, *ActivityEvent, error) {
		decide(&l.Deactivation, DecisionWithdrawn, reason, a.UserID, now)
		return "", nil, nil
	}})
}

// ApproveLicenceDeactivation deactivates a licence whose deactivation was
// requested, releasing its terminal. Administrators only, and not the one
// who made the request.
func (s *Service) ApproveLicenceDeactivation(ctx context.Context, a Actor, id, reason string) (Licence, error) {
	reason, err := cleanReason(reason, false)
	if err != nil {
		return Licence{}, err
	}
	return s.changeLicence(ctx, a, id, licenceChange{event: EventApproveDeactivation, reason: reason, apply: func(l *Licence, now time.Time) (string, *ActivityEvent, error) {
		if err := checkNotOwnRequest(a, l.Deactivation, "licence", id); err != nil {
			return "", nil, err
		}
		decide(&l.Deactivation, DecisionApproved, reason, a.UserID, now)
		detail := "requested by " + l.Deactivation.RequestedBy + ": " + truncate(l.Deactivation.Reason, 200)
		return detail, release(l, now, a.UserID), nil
	}})
}

// RejectLicenceDeactivation refuses a licence's deactivation request with
// a reason; the licence is active again. Administrators only.
func (s *Service) RejectLicenceDeactivation(ctx context.Context, a Actor, id, reason string) (Licence, error) {
	reason, err := cleanReason(reason, true)
	if err != nil {
		return Licence{}, err
	}
	return s.changeLicence(ctx, a, id, licenceChange{event: EventRejectDeactivation, reason: reason, apply: func(l *Licence, now time.Time) (string, *ActivityEvent, error) {
		decide(&l.Deactivation, DecisionRejected, reason, a.UserID, now)
		return "", nil, nil
	}})
}

// BindTerminal is called on behalf of a terminal, not a user: the caller
// has authenticated the terminal and found the licence it signs in with.
// It binds the licence to the terminal and logs the binding. A licence
// already bound to this terminal is left as it is; one bound to another
// terminal fails with bookingkit.ErrConflict until it is released. The
// instance must be active (not expired).
func (s *Service) BindTerminal(ctx context.Context, licenceID string, t Terminal) (Licence, error) {
	t, err := t.Normalize()
	if err != nil {
		return Licence{}, err
	}
	cur, err := s.Store.GetLicence(ctx, licenceID)
	if err != nil {
		return Licence{}, err
	}
	inst, err := s.Store.GetInstance(ctx, cur.InstanceID)
	if err != nil {
		return Licence{}, err
	}
	now := s.now()
	if st := inst.Status(now); st != StateActive {
		return Licence{}, &TransitionError{Object: "instance", ID: inst.ID, State: st, Event: EventBind}
	}
	if _, err := lookup(licenceTransitions, "licence", licenceID, cur.State, EventBind); err != nil {
		return Licence{}, err
	}
	if cur.Terminal == t {
		return cur, nil
	}
	if !cur.Terminal.IsZero() {
		return Licence{}, fmt.Errorf("licence %s is in use by terminal %s; release it first: %w", licenceID, terminalText(cur.Terminal), bookingkit.ErrConflict)
	}
	next := cur
	next.Terminal = t
	next.BoundAt = now
	next.UpdatedAt = now
	next.Version = cur.Version + 1
	ev := activityFor(next, ActivityBound, now, "")
	if err := s.Store.UpdateLicence(ctx, LicenceUpdate{Licence: next, PrevVersion: cur.Version, Activity: &ev}); err != nil {
		return Licence{}, err
	}
	return next, nil
}
