package staffid

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/account"
	"github.com/bookingkit/bookingkit/locale"
	"github.com/bookingkit/bookingkit/outbox"
)

// StaffRealm is the account realm of the airline's staff: their accounts
// are apart from any other module's users, even under the same email.
const StaffRealm account.Realm = "staff"

// Errors of registration and sign-in. Each matches a sentinel of package
// bookingkit under errors.Is.
var (
	// ErrBlocked: the person is not on the airline's current list (or is
	// not an employee), so they may not sign in. Matches
	// bookingkit.ErrForbidden.
	ErrBlocked error = &importError{"your staff travel access is blocked: you are not on your airline's current employee list; ask your staff travel office", bookingkit.ErrForbidden}
)

// ErrAddressNotListed: the account's email is not the one the airline's
// list now gives the employee. The list is the authority on who owns an
// employee's account: the account has moved to the listed address (see
// [Accounts.FollowList]), whose owner gets a link to choose the password.
// Matches bookingkit.ErrForbidden.
var ErrAddressNotListed error = &importError{"this address no longer signs in to staff travel: your airline's employee list gives you another address, and a link to choose a password has been sent there; ask your staff travel office if that is wrong", bookingkit.ErrForbidden}

// Gate is the [account.Gate] of staff accounts: only a listed, unblocked
// employee gets in, and only with the email the list gives them when it
// gives one. The account service asks it at every sign-in and every
// request, so an import that blocks an employee ends their sessions at
// once and one that lists them again lets their old password work; and an
// account whose email the list has since changed signs in no more, on any
// server of the database, even if the import that changed it did not move
// it (a crash, an import by the command-line tool).
type Gate struct {
	People PeopleStore

	// follow, when set, moves an account the list gives another address
	// to that address and mails the link (Accounts.follow; a failure goes
	// to AccountsConfig.Unanswered): the first server that notices
	// applies the list.
	follow func(ctx context.Context, p Person, acct account.Account)
}

var _ account.Gate = Gate{}

// Allowed returns nil for an active employee signing in with the list's
// email (or any email when the list has none), [ErrBlocked] for anyone
// else who is not an active employee, [ErrAddressNotListed] for an account
// whose email differs from the list's, or the store's error.
func (g Gate) Allowed(ctx context.Context, acct account.Account) error {
	p, err := g.People.Person(ctx, acct.Subject)
	if errors.Is(err, bookingkit.ErrNotFound) {
		return ErrBlocked
	}
	if err != nil {
		return fmt.Errorf("staffid: check person %s: %w", acct.Subject, err)
	}
	if p.Blocked || !p.IsEmployee {
		return ErrBlocked
	}
	if listed := listedEmail(p); listed != "" && listed != acct.Email {
		if g.follow != nil {
			// Whether or not the move succeeds (a concurrent one may
			// have come first), this account's address is not the
			// list's: refuse it.
			g.follow(ctx, p, acct)
		}
		return ErrAddressNotListed
	}
	return nil
}

// listedEmail is the email the list gives p, normalised, or "".
func listedEmail(p Person) string {
	return strings.ToLower(strings.TrimSpace(p.Email))
}

// AccountsConfig configures [Accounts].
type AccountsConfig struct {
	// Account configures the sign-in machinery: link and session
	// lifetimes, the minimum password length, rate limits, the clock.
	// Realm defaults to [StaffRealm]; Gate is always [Gate] over the
	// people, whatever is set here.
	Account account.Config
	// Mailer sends the one-time links. Required.
	Mailer account.Mailer
	// Templates are the messages' texts; [DefaultMailTemplates] when nil.
	Templates *MailTemplates
	// LinkURL is the URL mailed for a one-time link, with "{token}" where
	// the token goes, e.g.
	// "https://staff.example.com/api/staff/password?token={token}".
	LinkURL string
	// Unanswered, when set, is told of failures no caller sees: the gate
	// refuses an account whose address the list no longer gives whether
	// or not it could move it to the listed one (another account has that
	// address, the store or the mail failed), so the reason goes here, for
	// the operator's log. The account stays shut and the move is tried
	// again at its next use.
	Unanswered func(ctx context.Context, err error)
	// Queue, when set, stores the registrations and resets that
	// [Accounts.QueueRegister] and [Accounts.QueueReset] take, for a
	// worker to complete ([Accounts.CompleteRegister],
	// [Accounts.CompleteReset]): package outbox's *Outbox, with handlers
	// for [KindRegister] and [KindReset]. The queued requests hold what
	// the form gave (names, birth date, personnel number, email) until
	// the worker completes them.
	Queue account.Queue
	// Logger receives the outcome of each registration the worker
	// completes (never the address or the form); slog.Default() when nil.
	Logger *slog.Logger
}

// Accounts registers the airline's employees and signs them in. It builds
// on [account.Service] (realm [StaffRealm]), whose subject is the person's
// ID, and adds the staff rules: only a listed, unblocked employee who types
// details that match the list registers, and only with the list's email
// when it has one.
//
// Registration, links and sign-in attempts are rate-limited per client
// address and per account by the account service's limiters.
type Accounts struct {
	cfg       Config
	people    PeopleStore
	svc       *account.Service
	mailer    account.Mailer
	templates *MailTemplates
	linkURL   string
	linkTTL   time.Duration
	lookup    registrationLookup
	// unanswered: AccountsConfig.Unanswered, or nothing.
	unanswered func(ctx context.Context, err error)
	queue      account.Queue
	logger     *slog.Logger
}

// registrationLookup says how a registration form finds its employee.
type registrationLookup int

const (
	lookupByGroup    registrationLookup = iota + 1 // the group field is asked: GroupPeople
	lookupByIdentity                               // every identity part is asked: Person(IdentityID)
)

// NewAccounts returns the staff accounts service for cfg (after
// [Config.WithDefaults]) over the people and the account store.
//
// The registration fields must let the form find the employee: they must
// include the group field (EmployeeID by default, which the default
// registration fields ask), or the whole native name (LastName, FirstName,
// MiddleName) and every identity field.
func NewAccounts(cfg Config, people PeopleStore, accounts account.Store, ac AccountsConfig) (*Accounts, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	a := &Accounts{cfg: cfg, people: people, mailer: ac.Mailer, templates: ac.Templates, linkURL: ac.LinkURL, unanswered: ac.Unanswered, queue: ac.Queue, logger: ac.Logger}
	if a.logger == nil {
		a.logger = slog.Default()
	}
	switch {
	case slices.Contains(cfg.RegistrationFields, cfg.GroupField):
		a.lookup = lookupByGroup
	case containsAll(cfg.RegistrationFields, append([]string{FieldLastName, FieldFirstName, FieldMiddleName}, cfg.IdentityFields...)):
		a.lookup = lookupByIdentity
	default:
		return nil, bookingkit.Invalid("RegistrationFields", strings.Join(cfg.RegistrationFields, ","),
			"must include the group field ("+cfg.GroupField+"), or LastName, FirstName, MiddleName and every identity field, so that the form finds the employee")
	}
	if a.mailer == nil {
		return nil, bookingkit.Invalid("Mailer", "", "a mailer is required to send the one-time links")
	}
	if strings.Count(a.linkURL, "{token}") != 1 {
		return nil, bookingkit.Invalid("LinkURL", a.linkURL, `must contain "{token}" once, where the one-time token goes`)
	}
	if a.templates == nil {
		a.templates = DefaultMailTemplates()
	}
	acfg := ac.Account
	if acfg.Realm == "" {
		acfg.Realm = StaffRealm
	}
	acfg.Gate = Gate{People: people, follow: func(ctx context.Context, p Person, acct account.Account) {
		if err := a.follow(ctx, p, acct); err != nil && a.unanswered != nil {
			a.unanswered(ctx, err)
		}
	}}
	acfg.UserInputs = a.userInputs
	a.linkTTL = acfg.LinkTTL
	if a.linkTTL == 0 {
		a.linkTTL = 24 * time.Hour // account.Service's default
	}
	a.svc = account.New(accounts, acfg)
	return a, nil
}

func containsAll(set, want []string) bool {
	for _, w := range want {
		if !slices.Contains(set, w) {
			return false
		}
	}
	return true
}

// userInputs gives the password check what the list holds of the
// account's employee, so a password built from their names, personnel
// number or birth date is refused (account.Config.UserInputs).
func (a *Accounts) userInputs(ctx context.Context, acct account.Account) ([]string, error) {
	p, err := a.people.Person(ctx, acct.Subject)
	if err != nil {
		return nil, fmt.Errorf("staffid: employee of account %s: %w", acct.ID, err)
	}
	inputs := []string{p.Email, p.EmployeeID, p.GUID, p.BirthDay.String()}
	// Each name alone, and the names run together in the orders people
	// write them.
	for _, n := range [][3]string{{p.FirstName, p.MiddleName, p.LastName}, {p.FirstNameEng, p.MiddleNameEng, p.LastNameEng}} {
		first, middle, last := n[0], n[1], n[2]
		inputs = append(inputs, first, middle, last, first+" "+last, last+" "+first, first+" "+middle, last+" "+first+" "+middle)
	}
	return inputs, nil
}

// Service returns the underlying account service.
func (a *Accounts) Service() *account.Service { return a.svc }

// RegistrationForm is what an employee types to register: the configured
// registration fields, by the list's field names (matched regardless of
// case: "LastName", "lastname"), and an email. Dates are DD.MM.YYYY as in
// the list (YYYY-MM-DD is accepted too).
type RegistrationForm struct {
	Fields map[string]string `json:"fields"`
	Email  string            `json:"email"`
	// Language is the language of the mail that answers the form: the
	// request's (locale.ToQueue), which QueueRegister keeps with the queued
	// form; empty, the worker's default.
	Language string `json:"language,omitempty"`
}

// RegisterOutcome says what a registration did. It is for the log: the
// client's answer must be the same whatever it is, and only the mail to
// the address given differs, so the form tells nobody who is on the list
// or who has an account.
type RegisterOutcome string

// Outcomes of [Accounts.Register].
const (
	// RegisterLinkSent: a new account, or one whose password was never
	// set; the set-password link went to the address.
	RegisterLinkSent RegisterOutcome = "link_sent"
	// RegisterMoved: the employee's account had another address than the
	// one the list gives (and was typed); it moved here with a link.
	RegisterMoved RegisterOutcome = "account_moved"
	// RegisterAlready: the employee's account has this address and a
	// password; the mail says to sign in or reset the password.
	RegisterAlready RegisterOutcome = "already_registered"
	// RegisterElsewhere: the employee's account has another address and
	// the list gives none; the mail says to sign in with that one or ask
	// the staff travel office.
	RegisterElsewhere RegisterOutcome = "registered_with_another_address"
	// RegisterEmailTaken: another employee's account has this address;
	// the mail says so.
	RegisterEmailTaken RegisterOutcome = "email_taken"
	// RegisterRefused: the details do not lead to an employee who may
	// register (unknown, a companion, blocked, a field that differs, or
	// another email than the list's); the mail says they do not match.
	RegisterRefused RegisterOutcome = "refused"
)

// Registration is what [Accounts.Register] did.
type Registration struct {
	Outcome RegisterOutcome
	// PersonID is the employee the details matched; empty when refused.
	PersonID string
}

// Register checks a registration form against the list and mails the
// address given what comes of it: the one-time set-password link when the
// details match an active employee without an account (or whose password
// was never set), and otherwise a message that says why not (already
// registered, registered with another address, the address belongs to
// another account, the details do not match the list). Every well-formed
// form within the rate limits gets a nil error, whatever the list and the
// accounts hold, so the answer to the client can be one: what differs goes
// only to the mailbox of the address typed. addr is the client's address,
// for rate limits.
//
// A form that is incomplete or malformed (a missing field, an unknown one,
// a date that is no date, an email that is no address) is a
// *bookingkit.ValidationError naming the field: that depends on nothing
// stored. A rate limit gives an error matching bookingkit.ErrRateLimited,
// a failing store or mailer another error.
//
// Register does all of it within the call, so the time it takes depends
// on what it finds (an account made and a link stored, or nothing
// written): a server answering strangers uses [Accounts.QueueRegister],
// which leaves the rest to a worker.
func (a *Accounts) Register(ctx context.Context, form RegistrationForm, addr string) (Registration, error) {
	email, typed, err := a.checkRegister(ctx, form, addr)
	if err != nil {
		return Registration{}, err
	}
	return a.completeRegister(ctx, email, typed)
}

// Kinds of the requests [Accounts.QueueRegister] and [Accounts.QueueReset]
// store in [AccountsConfig.Queue]; the worker hands their payloads to
// [Accounts.CompleteRegister] and [Accounts.CompleteReset].
const (
	KindRegister = "staffid.register"
	KindReset    = "staffid.reset"
)

// ResetRequest is the payload of a queued reset ([KindReset]).
type ResetRequest struct {
	Email    string `json:"email"`              // normalised
	Language string `json:"language,omitempty"` // of the mail, as in RegistrationForm
}

// QueueRegister is [Accounts.Register] for a form whose answer must take
// as long whatever the list and the accounts hold: it checks the form's
// syntax and takes the rate limits, as Register does, then stores the form
// in [AccountsConfig.Queue] as a [KindRegister] request and returns,
// having read neither the list nor the accounts. Every form it lets
// through does the same writes: one queued request. The worker completes
// it with [Accounts.CompleteRegister]. The errors are Register's, without
// the outcomes that depend on stored data.
func (a *Accounts) QueueRegister(ctx context.Context, form RegistrationForm, addr string) error {
	if a.queue == nil {
		return errors.New("staffid: no AccountsConfig.Queue to store the registration in")
	}
	email, _, err := a.checkRegister(ctx, form, addr)
	if err != nil {
		return err
	}
	if err := a.queue.Enqueue(ctx, KindRegister, RegistrationForm{Fields: form.Fields, Email: email, Language: locale.ToQueue(ctx)}); err != nil {
		return fmt.Errorf("staffid: register: %w", err)
	}
	return nil
}

// CompleteRegister does the rest of a registration [Accounts.QueueRegister]
// stored: it finds the employee, makes or finds the account, and mails the
// address what came of it, as [Accounts.Register] does, without taking
// the rate limits again. A form that no longer passes the checks (the
// registration fields changed since) is a *bookingkit.ValidationError:
// trying again cannot mend it. Any other error is worth another try (a
// repeated registration mails again, as registering twice does).
func (a *Accounts) CompleteRegister(ctx context.Context, form RegistrationForm) (Registration, error) {
	email, err := account.NormaliseEmail(form.Email)
	if err != nil {
		return Registration{}, err
	}
	typed, err := a.readForm(form.Fields)
	if err != nil {
		return Registration{}, err
	}
	return a.completeRegister(locale.Queued(ctx, form.Language), email, typed)
}

// QueuedHandlers returns the outbox handlers that complete the requests
// QueueRegister and QueueReset store, by kind: register them on the
// outbox given as AccountsConfig.Queue ([outbox.Outbox.HandleAll]). The
// outcome of a registration goes to the log and, in words, to the
// mailbox of the address given; the request's answer was the same for
// every form.
func (a *Accounts) QueuedHandlers() map[string]outbox.Handler {
	return map[string]outbox.Handler{
		KindRegister: outbox.Completing(KindRegister, func(ctx context.Context, form RegistrationForm) error {
			reg, err := a.CompleteRegister(ctx, form)
			if err == nil {
				a.logger.InfoContext(ctx, "staff: registration answered by mail", "outcome", reg.Outcome, "person", reg.PersonID)
			}
			return err
		}),
		KindReset: outbox.Completing(KindReset, a.CompleteReset),
	}
}

// checkRegister is what a registration does before reading anything
// stored: the form's syntax and the rate limits.
func (a *Accounts) checkRegister(ctx context.Context, form RegistrationForm, addr string) (string, []typedField, error) {
	email, err := account.NormaliseEmail(form.Email)
	if err != nil {
		return "", nil, err
	}
	typed, err := a.readForm(form.Fields)
	if err != nil {
		return "", nil, err
	}
	key := a.lookupKey(typed)
	// Both limits are taken before the list is read: probing one
	// employee's details field by field is limited however many addresses
	// it comes from, and probing from one address however many employees.
	if err := a.svc.Limit(ctx, "register", addr, "employee:"+Normalize(key)); err != nil {
		return "", nil, err
	}
	if err := a.svc.Limit(ctx, "register", "", "email:"+email); err != nil {
		return "", nil, err
	}
	return email, typed, nil
}

// completeRegister is what a registration does once checked: it reads
// the list and the accounts and mails the outcome.
func (a *Accounts) completeRegister(ctx context.Context, email string, typed []typedField) (Registration, error) {
	p, found, err := a.find(ctx, typed)
	if err != nil {
		return Registration{}, err
	}
	if !found || !matches(p, typed, email) {
		// No name in this mail: the details may be anyone's.
		return Registration{Outcome: RegisterRefused}, a.send(ctx, a.templates.refused, Person{}, email, "")
	}
	reg := Registration{PersonID: p.ID}
	existing, err := a.svc.AccountBySubject(ctx, p.ID)
	switch {
	case err == nil && existing.Email != email && listedEmail(p) != "":
		// The list gives the employee this address (matches checked
		// it) and the account has another: someone registered them
		// first with their own. The account follows the list, and its
		// link comes here.
		reg.Outcome = RegisterMoved
		err := a.follow(ctx, p, existing)
		if errors.Is(err, bookingkit.ErrConflict) {
			// Another account has the listed address.
			reg.Outcome = RegisterEmailTaken
			return reg, a.send(ctx, a.templates.already, Person{}, email, "")
		}
		return reg, err
	case err == nil && existing.Email != email:
		reg.Outcome = RegisterElsewhere
		return reg, a.send(ctx, a.templates.elsewhere, p, email, "")
	case err == nil && existing.PasswordHash != "":
		reg.Outcome = RegisterAlready
		return reg, a.send(ctx, a.templates.already, p, email, "")
	case err == nil:
		// Registered, but the link was lost before a password was set:
		// send a fresh one.
		token, err := a.svc.IssueLink(ctx, existing, account.PurposeSetPassword)
		if err != nil {
			return Registration{}, fmt.Errorf("staffid: register: %w", err)
		}
		reg.Outcome = RegisterLinkSent
		return reg, a.send(ctx, a.templates.register, p, email, token)
	case !errors.Is(err, bookingkit.ErrNotFound):
		return Registration{}, fmt.Errorf("staffid: register: %w", err)
	}

	_, token, err := a.svc.Create(ctx, email, p.ID)
	if errors.Is(err, bookingkit.ErrConflict) {
		// Another employee's account has the address, or a concurrent
		// registration of this employee came first (and mails its own
		// link): either way the address has an account now.
		reg.Outcome = RegisterEmailTaken
		if other, err := a.svc.AccountBySubject(ctx, p.ID); err == nil && other.Email == email {
			reg.Outcome = RegisterAlready
		}
		return reg, a.send(ctx, a.templates.already, Person{}, email, "")
	}
	if err != nil {
		return Registration{}, fmt.Errorf("staffid: register: %w", err)
	}
	reg.Outcome = RegisterLinkSent
	if err := a.send(ctx, a.templates.register, p, email, token); err != nil {
		return Registration{}, fmt.Errorf("%w (register again to get a new link)", err)
	}
	return reg, nil
}

// follow moves acct to the email the list gives its employee p and mails
// the set-password link there ([account.Service.Move]: the password,
// sessions and links of the old address end). A move another request or
// server made first is not an error: that one mails the link.
func (a *Accounts) follow(ctx context.Context, p Person, acct account.Account) error {
	moved, token, err := a.svc.Move(ctx, acct, p.Email)
	switch {
	case errors.Is(err, bookingkit.ErrNotFound):
		return nil
	case errors.Is(err, bookingkit.ErrConflict):
		return fmt.Errorf("staffid: the list gives employee %s the address %s, which another staff account has; the account stays shut until the list or that account changes: %w", p.ID, listedEmail(p), err)
	case err != nil:
		return fmt.Errorf("staffid: move the account of employee %s to the list's address: %w", p.ID, err)
	}
	return a.send(ctx, a.templates.moved, p, moved.Email, token)
}

// FollowList makes accounts follow the list after an import: each active
// employee of people (those the import created, changed or unblocked: see
// [Importer.AfterImport]) whose account has another email than the one the
// list now gives them gets the account moved to the list's address, with
// the password and sessions ended and a link to choose a password mailed
// there. Someone who registered a colleague first with their own address
// loses the account the moment the airline lists the colleague's.
//
// It returns how many accounts moved, and the failures of the others
// joined; those accounts stay shut anyway ([Gate] refuses an address the
// list does not give) and move when next used or when the employee
// registers with the listed address. The mails are in the deployment's
// default language (locale.DefaultOf): the list's upload is nobody's own
// request.
func (a *Accounts) FollowList(ctx context.Context, people []*Person) (int, error) {
	ctx = locale.WithLanguage(ctx, locale.DefaultOf(ctx))
	moved := 0
	var errs []error
	for _, p := range people {
		if err := ctx.Err(); err != nil {
			return moved, errors.Join(append(errs, err)...)
		}
		listed := listedEmail(*p)
		if listed == "" || !p.IsEmployee || p.Blocked {
			continue
		}
		acct, err := a.svc.AccountBySubject(ctx, p.ID)
		if errors.Is(err, bookingkit.ErrNotFound) {
			continue
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("staffid: account of employee %s: %w", p.ID, err))
			continue
		}
		if acct.Email == listed {
			continue
		}
		if err := a.follow(ctx, *p, acct); err != nil {
			errs = append(errs, err)
			continue
		}
		moved++
	}
	return moved, errors.Join(errs...)
}

// typedField is one registration field as typed.
type typedField struct {
	name  string // the list's field name
	value string // as typed
	date  Date   // for date fields, parsed
}

// readForm checks that the form holds exactly the registration fields,
// each non-empty and well-formed, and returns them in the configured order.
func (a *Accounts) readForm(fields map[string]string) ([]typedField, error) {
	byName := make(map[string]string, len(fields))
	for name, v := range fields {
		canonical := ""
		for _, f := range a.cfg.RegistrationFields {
			if strings.EqualFold(f, strings.TrimSpace(name)) {
				canonical = f
			}
		}
		if canonical == "" {
			return nil, bookingkit.Invalidf(name, "", "not asked at registration; the form asks %s and Email", strings.Join(a.cfg.RegistrationFields, ", "))
		}
		if _, dup := byName[canonical]; dup {
			return nil, bookingkit.Invalidf(name, "", "given twice")
		}
		byName[canonical] = v
	}
	typed := make([]typedField, 0, len(a.cfg.RegistrationFields))
	for _, name := range a.cfg.RegistrationFields {
		v := strings.TrimSpace(byName[name])
		if v == "" {
			return nil, bookingkit.Invalidf(name, "", "required")
		}
		if !utf8.ValidString(v) || utf8.RuneCountInString(v) > 100 {
			return nil, bookingkit.Invalidf(name, "", "at most 100 characters of text")
		}
		t := typedField{name: name, value: v}
		switch name {
		case FieldBirthDay, FieldDateOfEmployment:
			d, err := parseFormDate(v)
			if err != nil {
				return nil, bookingkit.Invalidf(name, v, "a date as DD.MM.YYYY")
			}
			t.date = d
		case FieldSex:
			if s := strings.ToUpper(v); s != "M" && s != "F" {
				return nil, bookingkit.Invalidf(name, v, "M or F")
			}
		}
		typed = append(typed, t)
	}
	return typed, nil
}

// parseFormDate reads DD.MM.YYYY, or YYYY-MM-DD as date inputs send it.
func parseFormDate(s string) (Date, error) {
	if d, err := ParseDate(s); err == nil {
		return d, nil
	}
	if len(s) == len("2006-01-02") {
		if t, err := time.Parse(time.DateOnly, s); err == nil && !DateOf(t).IsZero() {
			return DateOf(t), nil
		}
	}
	return Date{}, invalidDate(s)
}

// lookupKey returns the typed value that finds the employee: the group
// field, or the typed names (for the rate limit only).
func (a *Accounts) lookupKey(typed []typedField) string {
	if a.lookup == lookupByGroup {
		return typedValue(typed, a.cfg.GroupField)
	}
	return typedValue(typed, FieldLastName) + "\x00" + typedValue(typed, FieldFirstName) + "\x00" + typedValue(typed, FieldMiddleName)
}

func typedValue(typed []typedField, name string) string {
	for _, t := range typed {
		if t.name == name {
			return t.value
		}
	}
	return ""
}

// find returns the employee the form points at; found is false when there
// is none (or the group's first person is no employee).
func (a *Accounts) find(ctx context.Context, typed []typedField) (p Person, found bool, err error) {
	if a.lookup == lookupByGroup {
		group, err := a.people.GroupPeople(ctx, typedValue(typed, a.cfg.GroupField))
		if err != nil {
			return Person{}, false, fmt.Errorf("staffid: register: %w", err)
		}
		if len(group) == 0 || !group[0].IsEmployee {
			return Person{}, false, nil
		}
		return group[0], true, nil
	}
	for _, t := range typed {
		f := fieldByExactName[t.name]
		setTyped(&p, f, t)
	}
	got, err := a.people.Person(ctx, IdentityID(a.cfg, p))
	if errors.Is(err, bookingkit.ErrNotFound) {
		return Person{}, false, nil
	}
	if err != nil {
		return Person{}, false, fmt.Errorf("staffid: register: %w", err)
	}
	return got, true, nil
}

// setTyped puts a typed value into the field f of p, for the identity hash.
func setTyped(p *Person, f field, t typedField) {
	switch f {
	case fieldBirthDay:
		p.BirthDay = t.date
	case fieldDateOfEmployment:
		p.DateOfEmployment = t.date
	case fieldGUID:
		p.GUID = t.value
	case fieldLastName:
		p.LastName = t.value
	case fieldFirstName:
		p.FirstName = t.value
	case fieldMiddleName:
		p.MiddleName = t.value
	case fieldLastNameEng:
		p.LastNameEng = t.value
	case fieldFirstNameEng:
		p.FirstNameEng = t.value
	case fieldMiddleNameEng:
		p.MiddleNameEng = t.value
	case fieldSex:
		p.Sex = t.value
	case fieldEmployeeID:
		p.EmployeeID = t.value
	case fieldEmail:
		p.Email = t.value
	}
}

// matches reports whether p may register with the typed fields and email:
// an active employee, every field equal after normalisation, and the
// list's email when it has one. Every check runs whatever the earlier ones
// gave, so the time taken does not tell which one failed.
func matches(p Person, typed []typedField, email string) bool {
	ok := p.IsEmployee && !p.Blocked
	for _, t := range typed {
		f := fieldByExactName[t.name]
		switch f {
		case fieldBirthDay:
			ok = t.date == p.BirthDay && ok
		case fieldDateOfEmployment:
			ok = t.date == p.DateOfEmployment && ok
		default:
			ok = Normalize(t.value) == Normalize(p.text(f)) && ok
		}
	}
	if listed := strings.ToLower(strings.TrimSpace(p.Email)); listed != "" {
		ok = listed == email && ok
	}
	return ok
}

// send renders a message template for p (the zero Person when the
// message must not name anyone) in the language of ctx (locale.Of) and
// mails it to email, with the link of token when there is one.
func (a *Accounts) send(ctx context.Context, tpl *mailTemplate, p Person, email, token string) error {
	d := MailData{Email: email}
	if p.ID != "" {
		d.FirstName, d.FullName = p.FirstName, p.FullName()
	}
	tag := locale.Of(ctx)
	if token != "" {
		d.Link, d.ValidFor = strings.Replace(a.linkURL, "{token}", token, 1), account.ValidFor(tag, a.linkTTL)
	}
	msg, err := tpl.render(tag, d)
	if err != nil {
		return fmt.Errorf("staffid: mail template %s: %w", tpl.name, err)
	}
	msg.To = email
	if err := a.mailer.Send(ctx, msg); err != nil {
		return fmt.Errorf("staffid: could not send the email to %s: %w", email, err)
	}
	return nil
}

// RequestReset mails a one-time link to choose a new password to the
// account with email, when there is one and its employee is active; it
// returns nil whether or not it did, so the answer reveals nothing about
// who has an account. It fails on malformed email (a ValidationError), on
// the rate limits, and when the mail cannot be sent. Its time depends on
// whether the account exists: [Accounts.QueueReset] does not.
func (a *Accounts) RequestReset(ctx context.Context, email, addr string) error {
	email, err := a.svc.CheckReset(ctx, email, addr)
	if err != nil {
		return err
	}
	return a.CompleteReset(ctx, ResetRequest{Email: email})
}

// QueueReset is [Accounts.RequestReset] for a form whose answer must take
// as long whether or not the address has an account: it checks the
// address and takes the link limits, then stores a [KindReset] request in
// [AccountsConfig.Queue] and returns, having read no account. The worker
// completes it with [Accounts.CompleteReset].
func (a *Accounts) QueueReset(ctx context.Context, email, addr string) error {
	return a.svc.QueueReset(ctx, a.queue, KindReset, email, addr, func(email string) any {
		return ResetRequest{Email: email, Language: locale.ToQueue(ctx)}
	})
}

// CompleteReset does the rest of a reset [Accounts.QueueReset] stored,
// without taking the limits again: it mails the reset link when the
// address has an account of an active employee, and does nothing (nil)
// otherwise.
func (a *Accounts) CompleteReset(ctx context.Context, req ResetRequest) error {
	acct, token, err := a.svc.CompleteReset(ctx, req.Email)
	if errors.Is(err, bookingkit.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	p, err := a.people.Person(ctx, acct.Subject)
	if err != nil {
		return fmt.Errorf("staffid: reset: %w", err)
	}
	return a.send(locale.Queued(ctx, req.Language), a.templates.reset, p, acct.Email, token)
}

// SignedIn is an employee with a session.
type SignedIn struct {
	Account  account.Account
	Employee Person
	// Session is the session token, set by the calls that create one.
	Session string
}

// CheckLink tells whether a one-time link is usable and for whom, without
// using it up: opening the link only shows the set-password form.
// [account.ErrBadLink] for a link that is unknown, used, expired, or whose
// employee is blocked.
func (a *Accounts) CheckLink(ctx context.Context, token string) (account.Account, error) {
	_, acct, err := a.svc.CheckLink(ctx, token)
	return acct, err
}

// SetPassword uses a one-time link to set the password (NIST SP 800-63B
// policy, and hard to guess for the zxcvbn estimator, which knows the
// employee's names, personnel number, birth date and email; a refused
// password leaves the link usable), ends the account's other sessions, and
// signs the employee in.
func (a *Accounts) SetPassword(ctx context.Context, token, password string) (SignedIn, error) {
	acct, session, err := a.svc.SetPassword(ctx, token, password)
	if err != nil {
		return SignedIn{}, err
	}
	return a.signedIn(ctx, acct, session)
}

// Login signs an employee in with email and password. Wrong credentials
// are [account.ErrBadCredentials]; a blocked employee with the right
// password gets [ErrBlocked]; too many attempts a rate-limit error.
func (a *Accounts) Login(ctx context.Context, email, password, addr string) (SignedIn, error) {
	acct, session, err := a.svc.Login(ctx, email, password, addr)
	if err != nil {
		return SignedIn{}, err
	}
	return a.signedIn(ctx, acct, session)
}

// Authenticate returns the employee signed in with a session token. An
// unknown or expired session, or an employee blocked since (whose sessions
// this ends), matches bookingkit.ErrUnauthorized.
func (a *Accounts) Authenticate(ctx context.Context, session string) (SignedIn, error) {
	acct, err := a.svc.Authenticate(ctx, session)
	if err != nil {
		return SignedIn{}, err
	}
	return a.signedIn(ctx, acct, "")
}

// Logout ends a session.
func (a *Accounts) Logout(ctx context.Context, session string) error {
	return a.svc.Logout(ctx, session)
}

func (a *Accounts) signedIn(ctx context.Context, acct account.Account, session string) (SignedIn, error) {
	p, err := a.people.Person(ctx, acct.Subject)
	if err != nil {
		return SignedIn{}, fmt.Errorf("staffid: employee of account %s: %w", acct.ID, err)
	}
	return SignedIn{Account: acct, Employee: p, Session: session}, nil
}
