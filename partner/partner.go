package partner

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/bookingkit/bookingkit"
)

// Role is what a signed-in user may do.
type Role string

const (
	// RolePartnerUser works for one partner and sees only that partner's
	// companies, instances, licences, threads, reports and activity.
	RolePartnerUser Role = "partner_user"
	// RoleAdministrator is vendor staff: sees every partner, answers support
	// threads and approves or rejects deactivation requests.
	RoleAdministrator Role = "administrator"
)

// Actor is the signed-in user on whose behalf a call is made. The caller
// (the server, after authenticating the user) builds it, usually with
// [User.Actor]; every [Service] method that reads or changes partner data
// takes one and checks it.
type Actor struct {
	UserID    string
	Role      Role
	PartnerID string // the user's partner; "" for an administrator
}

// check reports whether a is a well-formed actor: a known role, a user, and
// a partner exactly when the role is partner user.
func (a Actor) check() error {
	switch {
	case a.UserID == "":
		return fmt.Errorf("partner: actor without a user: %w", bookingkit.ErrUnauthorized)
	case a.Role == RolePartnerUser && a.PartnerID == "":
		return fmt.Errorf("partner: partner user %s without a partner: %w", a.UserID, bookingkit.ErrUnauthorized)
	case a.Role == RoleAdministrator && a.PartnerID != "":
		return fmt.Errorf("partner: administrator %s bound to partner %s: %w", a.UserID, a.PartnerID, bookingkit.ErrUnauthorized)
	case a.Role != RolePartnerUser && a.Role != RoleAdministrator:
		return fmt.Errorf("partner: unknown role %q: %w", a.Role, bookingkit.ErrUnauthorized)
	}
	return nil
}

// IsAdministrator reports whether a is vendor staff.
func (a Actor) IsAdministrator() bool { return a.Role == RoleAdministrator }

// canSee reports whether a may see objects of the partner. A partner user
// sees only their own partner.
func (a Actor) canSee(partnerID string) bool {
	return a.Role == RoleAdministrator || (a.PartnerID != "" && a.PartnerID == partnerID)
}

// scope returns the partner a list or report is limited to. An
// administrator may name any partner or "" for all; a partner user always
// gets their own partner, and naming another one reads as not found.
func (a Actor) scope(requested string) (string, error) {
	if err := a.check(); err != nil {
		return "", err
	}
	if a.Role == RoleAdministrator {
		return requested, nil
	}
	if requested != "" && requested != a.PartnerID {
		return "", fmt.Errorf("partner %s: %w", requested, bookingkit.ErrNotFound)
	}
	return a.PartnerID, nil
}

// mustAdmin fails unless a is an administrator.
func (a Actor) mustAdmin(what bookingkit.Message) error {
	if err := a.check(); err != nil {
		return err
	}
	if a.Role != RoleAdministrator {
		return bookingkit.Errorf("partner: only an administrator may %s: %w", what, bookingkit.ErrForbidden)
	}
	return nil
}

// notFound is the error for an object a may not see or that does not exist;
// the two read the same so that nobody learns another partner's IDs.
func notFound(object bookingkit.Message, id string) error {
	return bookingkit.Errorf("%s %s: %w", object, id, bookingkit.ErrNotFound)
}

// Partner is a reseller of the vendor's products.
type Partner struct {
	ID        string
	Name      string
	CreatedAt time.Time
}

// User is a person who signs in to the partner panel.
type User struct {
	ID        string
	PartnerID string // "" for an administrator
	Role      Role
	Name      string
	Email     string
	CreatedAt time.Time
}

// Actor returns the actor that acts as u.
func (u User) Actor() Actor { return Actor{UserID: u.ID, Role: u.Role, PartnerID: u.PartnerID} }

// Company is a customer of a partner. Each company has one support thread
// and runs instances.
type Company struct {
	ID        string
	PartnerID string
	Name      string
	CreatedAt time.Time
}

// NewPartner is the input of [Service.CreatePartner].
type NewPartner struct {
	Name string
}

// NewUser is the input of [Service.CreateUser].
type NewUser struct {
	PartnerID string // required for a partner user, empty for an administrator
	Role      Role
	Name      string
	Email     string
}

// NewCompany is the input of [Service.CreateCompany].
type NewCompany struct {
	PartnerID string // "" means the actor's own partner
	Name      string
}

// PartnerQuery selects partners, ordered by ID (creation order).
type PartnerQuery struct {
	After string // keyset: only partners with an ID greater than this
	Limit int
}

// CompanyQuery selects companies, ordered by ID (creation order).
type CompanyQuery struct {
	PartnerID string // "" for every partner (administrators only)
	After     string // keyset: only companies with an ID greater than this
	Limit     int
}

// CreatePartner adds a partner. Administrators only.
func (s *Service) CreatePartner(ctx context.Context, a Actor, in NewPartner) (Partner, error) {
	if err := a.mustAdmin(bookingkit.Msg("create partners")); err != nil {
		return Partner{}, err
	}
	name, err := cleanText("name", in.Name, 1, MaxNameLength, false)
	if err != nil {
		return Partner{}, err
	}
	now := s.now()
	id, err := s.newID("ptn", now)
	if err != nil {
		return Partner{}, err
	}
	p := Partner{ID: id, Name: name, CreatedAt: now}
	rec, err := s.audit(a, now, p.ID, ObjectPartner, p.ID, "create", "", name)
	if err != nil {
		return Partner{}, err
	}
	if err := s.Store.CreatePartner(ctx, p, rec); err != nil {
		return Partner{}, err
	}
	return p, nil
}

// Partner returns one partner. A partner user sees only their own.
func (s *Service) Partner(ctx context.Context, a Actor, id string) (Partner, error) {
	if err := a.check(); err != nil {
		return Partner{}, err
	}
	if !a.canSee(id) {
		return Partner{}, notFound(bookingkit.Msg("partner"), id)
	}
	return s.Store.GetPartner(ctx, id)
}

// Partners lists partners for an administrator's partner selector. A
// partner user gets only their own partner.
func (s *Service) Partners(ctx context.Context, a Actor, q PartnerQuery) ([]Partner, error) {
	if err := a.check(); err != nil {
		return nil, err
	}
	if !a.IsAdministrator() {
		if q.After != "" && q.After >= a.PartnerID {
			return nil, nil
		}
		p, err := s.Store.GetPartner(ctx, a.PartnerID)
		if err != nil {
			return nil, err
		}
		return []Partner{p}, nil
	}
	var err error
	if q.Limit, err = pageLimit(q.Limit); err != nil {
		return nil, err
	}
	return s.Store.ListPartners(ctx, q)
}

// CreateUser adds a user who can sign in. Administrators only: partners
// do not enrol their own staff.
func (s *Service) CreateUser(ctx context.Context, a Actor, in NewUser) (User, error) {
	if err := a.mustAdmin(bookingkit.Msg("create users")); err != nil {
		return User{}, err
	}
	u := User{Role: in.Role, PartnerID: in.PartnerID}
	switch in.Role {
	case RolePartnerUser:
		if in.PartnerID == "" {
			return User{}, bookingkit.Invalidf("partner_id", "", "required for a partner user")
		}
		if _, err := s.Store.GetPartner(ctx, in.PartnerID); err != nil {
			return User{}, err
		}
	case RoleAdministrator:
		if in.PartnerID != "" {
			return User{}, bookingkit.Invalidf("partner_id", in.PartnerID, "an administrator belongs to no partner")
		}
	default:
		return User{}, bookingkit.Invalidf("role", string(in.Role), "partner_user or administrator")
	}
	var err error
	if u.Name, err = cleanText("name", in.Name, 1, MaxNameLength, false); err != nil {
		return User{}, err
	}
	if u.Email, err = cleanEmail("email", in.Email, true); err != nil {
		return User{}, err
	}
	now := s.now()
	u.CreatedAt = now
	if u.ID, err = s.newID("usr", now); err != nil {
		return User{}, err
	}
	rec, err := s.audit(a, now, u.PartnerID, ObjectUser, u.ID, "create", "", string(u.Role)+" "+u.Email)
	if err != nil {
		return User{}, err
	}
	if err := s.Store.CreateUser(ctx, u, rec); err != nil {
		return User{}, err
	}
	return u, nil
}

// Profile returns the signed-in user's own data; for an API key, the key
// as a user of its partner (named as the key, with no e-mail address).
func (s *Service) Profile(ctx context.Context, a Actor) (User, error) {
	if err := a.check(); err != nil {
		return User{}, err
	}
	if a.IsAPIKey() {
		return s.apiKeyProfile(ctx, a)
	}
	u, err := s.Store.GetUser(ctx, a.UserID)
	if err != nil {
		return User{}, err
	}
	if u.Role != a.Role || u.PartnerID != a.PartnerID {
		// The actor does not describe the stored user: a stale session or
		// a forged actor. Do not show anyone's data.
		return User{}, fmt.Errorf("partner: actor does not match user %s: %w", a.UserID, bookingkit.ErrUnauthorized)
	}
	return u, nil
}

// User returns a user who can sign in: any user for an administrator, only
// themselves for a partner user (anyone else reads as not found).
func (s *Service) User(ctx context.Context, a Actor, id string) (User, error) {
	if err := a.check(); err != nil {
		return User{}, err
	}
	if !a.IsAdministrator() && id != a.UserID {
		return User{}, notFound(bookingkit.Msg("user"), id)
	}
	return s.Store.GetUser(ctx, id)
}

// Invitee returns the user a may send a new one-time link to choose a
// password ([Accounts.Invite]): only an administrator invites users, and
// only users they see ([Service.User]).
func (s *Service) Invitee(ctx context.Context, a Actor, id string) (User, error) {
	if !a.IsAdministrator() {
		return User{}, fmt.Errorf("only an administrator invites users: %w", bookingkit.ErrForbidden)
	}
	return s.User(ctx, a, id)
}

// CreateCompany adds a customer company to a partner; its support thread
// exists from then on. A partner user adds companies to their own partner.
func (s *Service) CreateCompany(ctx context.Context, a Actor, in NewCompany) (Company, error) {
	partnerID, err := a.scope(in.PartnerID)
	if err != nil {
		return Company{}, err
	}
	if partnerID == "" {
		return Company{}, bookingkit.Invalidf("partner_id", "", "required")
	}
	if _, err := s.Store.GetPartner(ctx, partnerID); err != nil {
		return Company{}, err
	}
	name, err := cleanText("name", in.Name, 1, MaxNameLength, false)
	if err != nil {
		return Company{}, err
	}
	now := s.now()
	id, err := s.newID("cmp", now)
	if err != nil {
		return Company{}, err
	}
	c := Company{ID: id, PartnerID: partnerID, Name: name, CreatedAt: now}
	rec, err := s.audit(a, now, partnerID, ObjectCompany, id, "create", "", name)
	if err != nil {
		return Company{}, err
	}
	if err := s.Store.CreateCompany(ctx, c, rec); err != nil {
		return Company{}, err
	}
	return c, nil
}

// Company returns one company the actor may see.
func (s *Service) Company(ctx context.Context, a Actor, id string) (Company, error) {
	if err := a.check(); err != nil {
		return Company{}, err
	}
	c, err := s.Store.GetCompany(ctx, id)
	if err != nil {
		return Company{}, err
	}
	if !a.canSee(c.PartnerID) {
		return Company{}, notFound(bookingkit.Msg("company"), id)
	}
	return c, nil
}

// Companies lists companies, of the actor's partner for a partner user.
func (s *Service) Companies(ctx context.Context, a Actor, q CompanyQuery) ([]Company, error) {
	var err error
	if q.PartnerID, err = a.scope(q.PartnerID); err != nil {
		return nil, err
	}
	if q.Limit, err = pageLimit(q.Limit); err != nil {
		return nil, err
	}
	return s.Store.ListCompanies(ctx, q)
}

// cleanEmail checks an address: a bare "local@domain", no display name.
func cleanEmail(field, s string, required bool) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		if required {
			return "", bookingkit.Invalidf(field, "", "required")
		}
		return "", nil
	}
	if len(s) > 254 {
		return "", bookingkit.Invalidf(field, truncate(s, 40), "at most 254 characters")
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Address != s || addr.Name != "" || !strings.Contains(s[strings.LastIndexByte(s, '@')+1:], ".") {
		return "", bookingkit.Invalidf(field, s, "an e-mail address like name@example.com")
	}
	at := strings.LastIndexByte(s, '@')
	return s[:at] + "@" + strings.ToLower(s[at+1:]), nil
}
