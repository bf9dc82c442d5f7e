package partnerhttp

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/httpapi"
	"github.com/bookingkit/bookingkit/partner"
)

// Query parameters.

// partnerParams reads query parameters, keeping the first bad one.
type partnerParams struct {
	q   url.Values
	err error
}

func partnerQueryOf(r *http.Request) *partnerParams { return &partnerParams{q: r.URL.Query()} }

func (p *partnerParams) str(name string) string { return strings.TrimSpace(p.q.Get(name)) }

func (p *partnerParams) fail(err error) {
	if p.err == nil {
		p.err = err
	}
}

// int reads a non-negative integer; "" is 0.
func (p *partnerParams) int(name string) int {
	v := p.str(name)
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		p.fail(bookingkit.Invalid(name, v, "a whole number"))
		return 0
	}
	return n
}

func (p *partnerParams) int64(name string) int64 {
	v := p.str(name)
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		p.fail(bookingkit.Invalid(name, v, "a positive whole number"))
	}
	return n
}

// time reads an RFC 3339 time or a date (midnight UTC); "" is zero.
func (p *partnerParams) time(name string) time.Time {
	v := p.str(name)
	t, err := partnerParseTime(name, v)
	if err != nil {
		p.fail(err)
	}
	return t
}

func partnerParseTime(name, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t, nil
	}
	return time.Time{}, bookingkit.Invalid(name, v, "a time such as 2026-03-01T09:00:00Z or a date such as 2026-03-01")
}

// states reads repeated or comma-separated states.
func (p *partnerParams) states(name string) []partner.State {
	var out []partner.State
	for _, v := range p.q[name] {
		for s := range strings.SplitSeq(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, partner.State(s))
			}
		}
	}
	return out
}

// partnerDecodeOptional decodes a JSON body into v when there is one; an
// empty body leaves v as it is.
func partnerDecodeOptional(r *http.Request, v any) error {
	if r.ContentLength == 0 {
		return nil
	}
	return httpapi.DecodeJSON(r, v)
}

// JSON shapes. Times are RFC 3339 in UTC; zero times are left out.

// PartnerJSON is a partner (a reseller).
type PartnerJSON struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

func partnerPartnerOut(p partner.Partner) PartnerJSON {
	return PartnerJSON{ID: p.ID, Name: p.Name, CreatedAt: p.CreatedAt}
}

// UserJSON is a partner user or an administrator.
type UserJSON struct {
	ID        string    `json:"id"`
	PartnerID string    `json:"partner_id,omitempty"`
	Role      string    `json:"role"`
	Name      string    `json:"name"`
	Email     string    `json:"email"`
	CreatedAt time.Time `json:"created_at"`
}

func partnerUserOut(u partner.User) UserJSON {
	return UserJSON{ID: u.ID, PartnerID: u.PartnerID, Role: string(u.Role), Name: u.Name, Email: u.Email, CreatedAt: u.CreatedAt}
}

// CompanyJSON is a partner's customer company.
type CompanyJSON struct {
	ID        string    `json:"id"`
	PartnerID string    `json:"partner_id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

func partnerCompanyOut(c partner.Company) CompanyJSON {
	return CompanyJSON{ID: c.ID, PartnerID: c.PartnerID, Name: c.Name, CreatedAt: c.CreatedAt}
}

// DeactivationJSON is an instance's or licence's deactivation request and its decision.
type DeactivationJSON struct {
	Reason         string    `json:"reason"`
	RequestedBy    string    `json:"requested_by"`
	RequestedAt    time.Time `json:"requested_at"`
	Decision       string    `json:"decision,omitempty"`
	DecisionReason string    `json:"decision_reason,omitempty"`
	DecidedBy      string    `json:"decided_by,omitempty"`
	DecidedAt      time.Time `json:"decided_at,omitzero"`
}

func partnerDeactivationOut(d partner.Deactivation) *DeactivationJSON {
	if d.RequestedBy == "" {
		return nil
	}
	return &DeactivationJSON{Reason: d.Reason, RequestedBy: d.RequestedBy, RequestedAt: d.RequestedAt,
		Decision: d.Decision, DecisionReason: d.DecisionReason, DecidedBy: d.DecidedBy, DecidedAt: d.DecidedAt}
}

// ContractRefJSON names an instance's contract.
type ContractRefJSON struct {
	SHA256      string    `json:"sha256"`
	GeneratedAt time.Time `json:"generated_at"`
}

// InstanceJSON is a product instance, with its status now and the actions it allows.
type InstanceJSON struct {
	ID            string            `json:"id"`
	PartnerID     string            `json:"partner_id"`
	CompanyID     string            `json:"company_id"`
	Type          string            `json:"type"`
	Profile       string            `json:"profile,omitempty"`
	State         string            `json:"state"`
	Status        string            `json:"status"`
	Actions       []string          `json:"actions"`
	CompanyData   map[string]string `json:"company_data"`
	Config        map[string]string `json:"config"`
	ConfigVersion int64             `json:"config_version"`
	ExpiresAt     time.Time         `json:"expires_at"`
	Contract      *ContractRefJSON  `json:"contract,omitempty"`
	Deactivation  *DeactivationJSON `json:"deactivation,omitempty"`
	CreatedBy     string            `json:"created_by"`
	CreatedAt     time.Time         `json:"created_at"`
	ActivatedAt   time.Time         `json:"activated_at,omitzero"`
	UpdatedAt     time.Time         `json:"updated_at"`
	Version       int64             `json:"version"`
}

func partnerInstanceOut(inst partner.Instance, now time.Time) InstanceJSON {
	out := InstanceJSON{
		ID: inst.ID, PartnerID: inst.PartnerID, CompanyID: inst.CompanyID, Type: inst.Type, Profile: inst.Profile,
		State: string(inst.State), Status: string(inst.Status(now)), Actions: []string{},
		CompanyData: inst.CompanyData, Config: inst.Config, ConfigVersion: inst.ConfigVersion, ExpiresAt: inst.ExpiresAt,
		Deactivation: partnerDeactivationOut(inst.Deactivation),
		CreatedBy:    inst.CreatedBy, CreatedAt: inst.CreatedAt, ActivatedAt: inst.ActivatedAt, UpdatedAt: inst.UpdatedAt, Version: inst.Version,
	}
	for _, e := range partner.InstanceEvents(inst.Status(now)) {
		out.Actions = append(out.Actions, string(e))
	}
	if !inst.Contract.IsZero() {
		out.Contract = &ContractRefJSON{SHA256: inst.Contract.SHA256, GeneratedAt: inst.Contract.GeneratedAt}
	}
	if out.CompanyData == nil {
		out.CompanyData = map[string]string{}
	}
	if out.Config == nil {
		out.Config = map[string]string{}
	}
	return out
}

// TerminalJSON is the device a licence is bound to.
type TerminalJSON struct {
	Serial string `json:"serial,omitempty"`
	PIN    string `json:"pin,omitempty"`
}

// LicenceUserJSON is a licence's user.
type LicenceUserJSON struct {
	Name  string `json:"name"`
	Login string `json:"login"`
	Email string `json:"email,omitempty"`
}

// LicenceJSON is a licence, with the actions a person may take on it.
type LicenceJSON struct {
	ID           string            `json:"id"`
	PartnerID    string            `json:"partner_id"`
	CompanyID    string            `json:"company_id"`
	InstanceID   string            `json:"instance_id"`
	InstanceType string            `json:"instance_type"`
	Profile      string            `json:"profile,omitempty"`
	State        string            `json:"state"`
	Actions      []string          `json:"actions"`
	User         LicenceUserJSON   `json:"user"`
	Terminal     *TerminalJSON     `json:"terminal,omitempty"`
	BoundAt      time.Time         `json:"bound_at,omitzero"`
	Deactivation *DeactivationJSON `json:"deactivation,omitempty"`
	CreatedBy    string            `json:"created_by"`
	CreatedAt    time.Time         `json:"created_at"`
	UpdatedAt    time.Time         `json:"updated_at"`
	Version      int64             `json:"version"`
}

func partnerLicenceOut(l partner.Licence) LicenceJSON {
	out := LicenceJSON{
		ID: l.ID, PartnerID: l.PartnerID, CompanyID: l.CompanyID, InstanceID: l.InstanceID, InstanceType: l.InstanceType, Profile: l.Profile,
		State: string(l.State), Actions: []string{},
		User:    LicenceUserJSON{Name: l.User.Name, Login: l.User.Login, Email: l.User.Email},
		BoundAt: l.BoundAt, Deactivation: partnerDeactivationOut(l.Deactivation),
		CreatedBy: l.CreatedBy, CreatedAt: l.CreatedAt, UpdatedAt: l.UpdatedAt, Version: l.Version,
	}
	for _, e := range partner.LicenceActions(l) {
		out.Actions = append(out.Actions, string(e))
	}
	if !l.Terminal.IsZero() {
		out.Terminal = &TerminalJSON{Serial: l.Terminal.Serial, PIN: l.Terminal.PIN}
	}
	return out
}

// ActivityJSON is one record of the terminal activity log.
type ActivityJSON struct {
	ID         int64     `json:"id"`
	At         time.Time `json:"at"`
	Kind       string    `json:"kind"`
	PartnerID  string    `json:"partner_id"`
	CompanyID  string    `json:"company_id"`
	InstanceID string    `json:"instance_id"`
	LicenceID  string    `json:"licence_id"`
	Serial     string    `json:"serial,omitempty"`
	PIN        string    `json:"pin,omitempty"`
	UserLogin  string    `json:"user_login"`
	Detail     string    `json:"detail,omitempty"`
}

func partnerActivityOut(ev partner.ActivityEvent) ActivityJSON {
	return ActivityJSON{ID: ev.ID, At: ev.At, Kind: string(ev.Kind), PartnerID: ev.PartnerID, CompanyID: ev.CompanyID,
		InstanceID: ev.InstanceID, LicenceID: ev.LicenceID, Serial: ev.Serial, PIN: ev.PIN, UserLogin: ev.UserLogin, Detail: ev.Detail}
}

// MessageJSON is a message of a company's support thread.
type MessageJSON struct {
	ID        string    `json:"id"`
	PartnerID string    `json:"partner_id"`
	CompanyID string    `json:"company_id"`
	Direction string    `json:"direction"`
	AuthorID  string    `json:"author_id"`
	Body      string    `json:"body"`
	At        time.Time `json:"at"`
}

func partnerMessageOut(m partner.Message) MessageJSON {
	return MessageJSON{ID: m.ID, PartnerID: m.PartnerID, CompanyID: m.CompanyID, Direction: string(m.Direction), AuthorID: m.AuthorID, Body: m.Body, At: m.At}
}

// ThreadJSON is a company's support thread, summed up.
type ThreadJSON struct {
	CompanyID       string    `json:"company_id"`
	CompanyName     string    `json:"company_name"`
	PartnerID       string    `json:"partner_id"`
	Messages        int64     `json:"messages"`
	LastMessageAt   time.Time `json:"last_message_at,omitzero"`
	UnreadByPartner int64     `json:"unread_by_partner"`
	UnreadBySupport int64     `json:"unread_by_support"`
	// Unread is the count of the side of whoever asks.
	Unread int64 `json:"unread"`
}

func partnerThreadOut(t partner.ThreadSummary, a partner.Actor) ThreadJSON {
	return ThreadJSON{CompanyID: t.CompanyID, CompanyName: t.CompanyName, PartnerID: t.PartnerID, Messages: t.Messages,
		LastMessageAt: t.LastMessageAt, UnreadByPartner: t.UnreadByPartner, UnreadBySupport: t.UnreadBySupport, Unread: t.Unread(a.Side())}
}

// AuditJSON is one record of the audit log.
type AuditJSON struct {
	ID        string    `json:"id"`
	At        time.Time `json:"at"`
	ActorID   string    `json:"actor_id"`
	ActorRole string    `json:"actor_role,omitempty"`
	PartnerID string    `json:"partner_id,omitempty"`
	Object    string    `json:"object"`
	ObjectID  string    `json:"object_id"`
	Action    string    `json:"action"`
	Reason    string    `json:"reason,omitempty"`
	Detail    string    `json:"detail,omitempty"`
}

func partnerAuditOut(r partner.AuditRecord) AuditJSON {
	return AuditJSON{ID: r.ID, At: r.At, ActorID: r.ActorID, ActorRole: string(r.ActorRole), PartnerID: r.PartnerID,
		Object: r.Object, ObjectID: r.ObjectID, Action: r.Action, Reason: r.Reason, Detail: r.Detail}
}

// partnerList answers a page of items as {"<name>": [...], "next": "…"}.
func partnerList[T, J any](w http.ResponseWriter, name string, items []T, next string, out func(T) J) {
	list := make([]J, len(items))
	for i, it := range items {
		list[i] = out(it)
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{name: list, "next": next})
}
