package main

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/account"
	"github.com/bookingkit/bookingkit/httpapi"
	"github.com/bookingkit/bookingkit/partner"
	"github.com/bookingkit/bookingkit/storage"
)

// partnerConfig is the "partner" section of the config file.
type partnerConfig struct {
	// BaseURL is this server's address as partners' browsers reach it
	// ("https://partners.example.com"): mailed set-password links point
	// at BaseURL + /partner/set-password. Empty: BOOKINGKIT_PUBLIC_URL,
	// else the address the request that caused the mail came to.
	BaseURL string `json:"base_url"`
	// PanelURL is the product web panel's impersonation entry point;
	// impersonation links are PanelURL?token=…. Empty: links carry only
	// the token.
	PanelURL string `json:"panel_url"`
	// ImpersonationTTL (a Go duration) is how long an impersonation link
	// stays valid; default 2m.
	ImpersonationTTL string `json:"impersonation_ttl"`
	// SessionLifetime (a Go duration) is how long a sign-in lasts; default 12h.
	SessionLifetime string `json:"session_lifetime"`
	// WebhookURL receives new support messages as signed JSON (secret in
	// BOOKINGKIT_PARTNER_WEBHOOK_SECRET); empty: they are only logged.
	WebhookURL string `json:"webhook_url"`
}

// partnerEnv is the partner module's secrets from the environment.
type partnerEnv struct {
	// ImpersonationKey signs impersonation links: at least 32 bytes, or 64
	// hex digits. Empty: a key generated on first start and kept in the
	// database (servers sharing the database share it).
	ImpersonationKey string // BOOKINGKIT_PARTNER_IMPERSONATION_KEY
	WebhookSecret    string // BOOKINGKIT_PARTNER_WEBHOOK_SECRET
}

func partnerEnvFrom(getenv func(string) string) partnerEnv {
	return partnerEnv{
		ImpersonationKey: getenv("BOOKINGKIT_PARTNER_IMPERSONATION_KEY"),
		WebhookSecret:    getenv("BOOKINGKIT_PARTNER_WEBHOOK_SECRET"),
	}
}

// partnerKeySetting is where a generated impersonation key is kept.
const partnerKeySetting = "partner.impersonation_key"

// partnerCookie carries the session of the server-rendered pages.
const partnerCookie = "bookingkit_partner_session"

// partnerServer holds what the partner handlers need.
type partnerServer struct {
	svc      *partner.Service
	accounts *partner.Accounts
	logger   *slog.Logger
	baseURL  string
	pages    *partnerPages
	cookie   httpapi.SessionCookie // the pages' session
}

// newPartnerServer builds the partner service and its sign-in accounts;
// requests keeps the reset requests for the outbox's worker (handleQueued
// completes them).
func newPartnerServer(ctx context.Context, logger *slog.Logger, cfg Config, stores storage.Stores, mailer account.Mailer, requests account.Queue) (*partnerServer, error) {
	c := cfg.File.Partner
	ttl, err := partnerDuration("partner.impersonation_ttl", c.ImpersonationTTL, partner.DefaultImpersonationTTL)
	if err != nil {
		return nil, err
	}
	sessions, err := partnerDuration("partner.session_lifetime", c.SessionLifetime, 12*time.Hour)
	if err != nil {
		return nil, err
	}
	key, err := partnerImpersonationKey(ctx, logger, cfg.PartnerEnv.ImpersonationKey, stores.Settings)
	if err != nil {
		return nil, err
	}
	for field, v := range map[string]string{"partner.base_url": c.BaseURL, "BOOKINGKIT_PUBLIC_URL": cfg.PublicURL, "partner.panel_url": c.PanelURL, "partner.webhook_url": c.WebhookURL} {
		if v == "" {
			continue
		}
		if u, err := url.Parse(v); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("config %s %q: want an http:// or https:// address", field, v)
		}
	}
	var notifier partner.Notifier = partner.LogNotifier{Logger: logger}
	if c.WebhookURL != "" {
		if len(cfg.PartnerEnv.WebhookSecret) < 16 {
			return nil, errors.New("config partner.webhook_url needs BOOKINGKIT_PARTNER_WEBHOOK_SECRET of at least 16 characters to sign the requests")
		}
		notifier = &partner.WebhookNotifier{URL: c.WebhookURL, Secret: []byte(cfg.PartnerEnv.WebhookSecret)}
	}
	svc := &partner.Service{
		Store:            stores.Partner,
		Notifier:         notifier,
		Logger:           logger,
		ImpersonationKey: key,
		ImpersonationTTL: ttl,
		PanelURL:         c.PanelURL,
	}
	// Sign-in and link attempts count across every server of the database.
	perAddress, perAccount := accountLimits(stores)
	accounts, err := partner.NewAccounts(stores.Accounts, stores.Partner, partner.AccountsConfig{
		Account: account.Config{SessionTTL: sessions, PerAddress: perAddress, PerAccount: perAccount},
		Mailer:  mailer,
		Queue:   requests,
	})
	if err != nil {
		return nil, fmt.Errorf("config partner: %w", err)
	}
	p := &partnerServer{
		svc:      svc,
		accounts: accounts,
		logger:   logger,
		baseURL:  strings.TrimSuffix(cmp.Or(c.BaseURL, cfg.PublicURL), "/"),
		cookie:   httpapi.NewSessionCookie(partnerCookie, "/partner", cmp.Or(c.BaseURL, cfg.PublicURL)),
	}
	if p.pages, err = newPartnerPages(); err != nil {
		return nil, err
	}
	return p, nil
}

func partnerDuration(field, s string, def time.Duration) (time.Duration, error) {
	if s == "" {
		return def, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("config %s %q: want a positive Go duration such as \"2m\"", field, s)
	}
	return d, nil
}

// partnerImpersonationKey returns the key from the environment (64 hex
// digits, or any text of at least 32 bytes), else the one stored in the
// database, generating and storing it on the very first start.
func partnerImpersonationKey(ctx context.Context, logger *slog.Logger, env string, settings storage.SettingsStore) ([]byte, error) {
	if env != "" {
		if b, err := hex.DecodeString(env); err == nil && len(b) >= partner.MinImpersonationKeyLength {
			return b, nil
		}
		if len(env) < partner.MinImpersonationKeyLength {
			return nil, fmt.Errorf("BOOKINGKIT_PARTNER_IMPERSONATION_KEY: want at least %d bytes (or %d hex digits)", partner.MinImpersonationKeyLength, 2*partner.MinImpersonationKeyLength)
		}
		return []byte(env), nil
	}
	stored, err := settings.Setting(ctx, partnerKeySetting)
	if errors.Is(err, bookingkit.ErrNotFound) {
		b := make([]byte, partner.MinImpersonationKeyLength)
		if _, err := rand.Read(b); err != nil {
			return nil, err
		}
		mine := hex.EncodeToString(b)
		if stored, err = settings.PutSettingIfAbsent(ctx, partnerKeySetting, mine); err != nil {
			return nil, fmt.Errorf("store the generated impersonation key: %w", err)
		}
		if stored == mine {
			logger.Info("partner: generated the impersonation link key and stored it in the database; set BOOKINGKIT_PARTNER_IMPERSONATION_KEY to manage it yourself", "setting", partnerKeySetting)
		}
	} else if err != nil {
		return nil, fmt.Errorf("read the impersonation key: %w", err)
	}
	b, err := hex.DecodeString(stored)
	if err != nil || len(b) < partner.MinImpersonationKeyLength {
		return nil, fmt.Errorf("setting %s: not %d hex bytes", partnerKeySetting, partner.MinImpersonationKeyLength)
	}
	return b, nil
}

// Authentication.

// handler adapts a function that returns an error to an http.Handler.
func (p *partnerServer) handler(fn func(w http.ResponseWriter, r *http.Request) error) http.Handler {
	return httpapi.Handler(p.logger, fn)
}

// user wraps a handler that acts for the signed-in user, who sends the
// session token as "Authorization: Bearer <token>". The JSON API takes no
// cookie, so another site cannot make a browser call it.
func (p *partnerServer) user(fn func(w http.ResponseWriter, r *http.Request, a partner.Actor) error) http.Handler {
	return p.handler(func(w http.ResponseWriter, r *http.Request) error {
		token := httpapi.Bearer(r)
		if token == "" {
			return fmt.Errorf("missing session token (Authorization: Bearer <session token>): %w", bookingkit.ErrUnauthorized)
		}
		u, err := p.accounts.Authenticate(r.Context(), token)
		if err != nil {
			return err
		}
		return fn(w, r, u.Actor())
	})
}

// linkBase is where links in mails point: the configured base URL, or
// the address of the request that causes the mail.
func (p *partnerServer) linkBase(r *http.Request) string {
	if p.baseURL != "" {
		return p.baseURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

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

type partnerPartnerJSON struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

func partnerPartnerOut(p partner.Partner) partnerPartnerJSON {
	return partnerPartnerJSON{ID: p.ID, Name: p.Name, CreatedAt: p.CreatedAt}
}

type partnerUserJSON struct {
	ID        string    `json:"id"`
	PartnerID string    `json:"partner_id,omitempty"`
	Role      string    `json:"role"`
	Name      string    `json:"name"`
	Email     string    `json:"email"`
	CreatedAt time.Time `json:"created_at"`
}

func partnerUserOut(u partner.User) partnerUserJSON {
	return partnerUserJSON{ID: u.ID, PartnerID: u.PartnerID, Role: string(u.Role), Name: u.Name, Email: u.Email, CreatedAt: u.CreatedAt}
}

type partnerCompanyJSON struct {
	ID        string    `json:"id"`
	PartnerID string    `json:"partner_id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

func partnerCompanyOut(c partner.Company) partnerCompanyJSON {
	return partnerCompanyJSON{ID: c.ID, PartnerID: c.PartnerID, Name: c.Name, CreatedAt: c.CreatedAt}
}

type partnerDeactivationJSON struct {
	Reason         string    `json:"reason"`
	RequestedBy    string    `json:"requested_by"`
	RequestedAt    time.Time `json:"requested_at"`
	Decision       string    `json:"decision,omitempty"`
	DecisionReason string    `json:"decision_reason,omitempty"`
	DecidedBy      string    `json:"decided_by,omitempty"`
	DecidedAt      time.Time `json:"decided_at,omitzero"`
}

func partnerDeactivationOut(d partner.Deactivation) *partnerDeactivationJSON {
	if d.RequestedBy == "" {
		return nil
	}
	return &partnerDeactivationJSON{Reason: d.Reason, RequestedBy: d.RequestedBy, RequestedAt: d.RequestedAt,
		Decision: d.Decision, DecisionReason: d.DecisionReason, DecidedBy: d.DecidedBy, DecidedAt: d.DecidedAt}
}

type partnerContractRefJSON struct {
	SHA256      string    `json:"sha256"`
	GeneratedAt time.Time `json:"generated_at"`
}

type partnerInstanceJSON struct {
	ID            string                   `json:"id"`
	PartnerID     string                   `json:"partner_id"`
	CompanyID     string                   `json:"company_id"`
	Type          string                   `json:"type"`
	Profile       string                   `json:"profile,omitempty"`
	State         string                   `json:"state"`
	Status        string                   `json:"status"`
	Actions       []string                 `json:"actions"`
	CompanyData   map[string]string        `json:"company_data"`
	Config        map[string]string        `json:"config"`
	ConfigVersion int64                    `json:"config_version"`
	ExpiresAt     time.Time                `json:"expires_at"`
	Contract      *partnerContractRefJSON  `json:"contract,omitempty"`
	Deactivation  *partnerDeactivationJSON `json:"deactivation,omitempty"`
	CreatedBy     string                   `json:"created_by"`
	CreatedAt     time.Time                `json:"created_at"`
	ActivatedAt   time.Time                `json:"activated_at,omitzero"`
	UpdatedAt     time.Time                `json:"updated_at"`
	Version       int64                    `json:"version"`
}

func partnerInstanceOut(inst partner.Instance, now time.Time) partnerInstanceJSON {
	out := partnerInstanceJSON{
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
		out.Contract = &partnerContractRefJSON{SHA256: inst.Contract.SHA256, GeneratedAt: inst.Contract.GeneratedAt}
	}
	if out.CompanyData == nil {
		out.CompanyData = map[string]string{}
	}
	if out.Config == nil {
		out.Config = map[string]string{}
	}
	return out
}

type partnerTerminalJSON struct {
	Serial string `json:"serial,omitempty"`
	PIN    string `json:"pin,omitempty"`
}

type partnerLicenceUserJSON struct {
	Name  string `json:"name"`
	Login string `json:"login"`
	Email string `json:"email,omitempty"`
}

type partnerLicenceJSON struct {
	ID           string                   `json:"id"`
	PartnerID    string                   `json:"partner_id"`
	CompanyID    string                   `json:"company_id"`
	InstanceID   string                   `json:"instance_id"`
	InstanceType string                   `json:"instance_type"`
	Profile      string                   `json:"profile,omitempty"`
	State        string                   `json:"state"`
	Actions      []string                 `json:"actions"`
	User         partnerLicenceUserJSON   `json:"user"`
	Terminal     *partnerTerminalJSON     `json:"terminal,omitempty"`
	BoundAt      time.Time                `json:"bound_at,omitzero"`
	Deactivation *partnerDeactivationJSON `json:"deactivation,omitempty"`
	CreatedBy    string                   `json:"created_by"`
	CreatedAt    time.Time                `json:"created_at"`
	UpdatedAt    time.Time                `json:"updated_at"`
	Version      int64                    `json:"version"`
}

func partnerLicenceOut(l partner.Licence) partnerLicenceJSON {
	out := partnerLicenceJSON{
		ID: l.ID, PartnerID: l.PartnerID, CompanyID: l.CompanyID, InstanceID: l.InstanceID, InstanceType: l.InstanceType, Profile: l.Profile,
		State: string(l.State), Actions: []string{},
		User:    partnerLicenceUserJSON{Name: l.User.Name, Login: l.User.Login, Email: l.User.Email},
		BoundAt: l.BoundAt, Deactivation: partnerDeactivationOut(l.Deactivation),
		CreatedBy: l.CreatedBy, CreatedAt: l.CreatedAt, UpdatedAt: l.UpdatedAt, Version: l.Version,
	}
	for _, e := range partner.LicenceActions(l) {
		out.Actions = append(out.Actions, string(e))
	}
	if !l.Terminal.IsZero() {
		out.Terminal = &partnerTerminalJSON{Serial: l.Terminal.Serial, PIN: l.Terminal.PIN}
	}
	return out
}

type partnerActivityJSON struct {
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

func partnerActivityOut(ev partner.ActivityEvent) partnerActivityJSON {
	return partnerActivityJSON{ID: ev.ID, At: ev.At, Kind: string(ev.Kind), PartnerID: ev.PartnerID, CompanyID: ev.CompanyID,
		InstanceID: ev.InstanceID, LicenceID: ev.LicenceID, Serial: ev.Serial, PIN: ev.PIN, UserLogin: ev.UserLogin, Detail: ev.Detail}
}

type partnerMessageJSON struct {
	ID        string    `json:"id"`
	PartnerID string    `json:"partner_id"`
	CompanyID string    `json:"company_id"`
	Direction string    `json:"direction"`
	AuthorID  string    `json:"author_id"`
	Body      string    `json:"body"`
	At        time.Time `json:"at"`
}

func partnerMessageOut(m partner.Message) partnerMessageJSON {
	return partnerMessageJSON{ID: m.ID, PartnerID: m.PartnerID, CompanyID: m.CompanyID, Direction: string(m.Direction), AuthorID: m.AuthorID, Body: m.Body, At: m.At}
}

type partnerThreadJSON struct {
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

func partnerThreadOut(t partner.ThreadSummary, a partner.Actor) partnerThreadJSON {
	return partnerThreadJSON{CompanyID: t.CompanyID, CompanyName: t.CompanyName, PartnerID: t.PartnerID, Messages: t.Messages,
		LastMessageAt: t.LastMessageAt, UnreadByPartner: t.UnreadByPartner, UnreadBySupport: t.UnreadBySupport, Unread: t.Unread(a.Side())}
}

type partnerAuditJSON struct {
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

func partnerAuditOut(r partner.AuditRecord) partnerAuditJSON {
	return partnerAuditJSON{ID: r.ID, At: r.At, ActorID: r.ActorID, ActorRole: string(r.ActorRole), PartnerID: r.PartnerID,
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
