package main

// MOGU's HTTP surface: the traveller app's API (accounts, claims, trips),
// the claim landing page that a voucher's QR code opens, and the back
// office's API (bookings from the engine, vouchers, microsite activation,
// agency accounts). The rules live in package mogu; this file decodes,
// authenticates and encodes.

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/account"
	"github.com/bookingkit/bookingkit/httpapi"
	"github.com/bookingkit/bookingkit/mogu"
	"github.com/bookingkit/bookingkit/mogu/moguhttp"
	"github.com/bookingkit/bookingkit/outbox"
	"github.com/bookingkit/bookingkit/storage"
)

// moguConfig is the "mogu" section of the config file. Every field has a
// default, so the server starts without one; the defaults point at the
// server itself and at placeholder stores, fit for trying it out.
type moguConfig struct {
	// ClaimURLBase starts every claim URL printed in QR codes; the token is
	// appended. It is used in upper case (QR's alphanumeric mode) and must
	// end with "/". This server shows the landing page at /api/mogu/c/ and
	// /API/MOGU/C/; a base with another path needs a proxy that maps it
	// there. Default: <public>/api/mogu/c/, where <public> is
	// BOOKINGKIT_PUBLIC_URL, else http://<addr>. A claim is accepted only
	// under this base, so every server of one database needs the same one:
	// a printed voucher is claimed through whichever server the app
	// reaches.
	ClaimURLBase string `json:"claim_url_base"`
	// ServicesURLTemplate is the engine's own "add services" page, printed
	// on vouchers without MOGU; "{booking}" is replaced by the booking ID.
	// Default: <public>/booking/{booking}/services, a page of this server
	// that sends the traveller to where they booked (servicesLanding).
	ServicesURLTemplate string `json:"services_url_template"`
	// BackOfficeURL is the root of the "open in MOGU" links. Default:
	// http://<addr>/api/backoffice/mogu, whose accounts/… routes land the
	// operator in the agency account.
	BackOfficeURL string `json:"back_office_url"`
	// Administrators are the back-office operator IDs (as the back office
	// sends them in X-Operator) that may grant and revoke operators'
	// access to agency accounts. None by default: then nobody can.
	Administrators []string `json:"administrators"`
	// TokenLifetimeAfterTrip, a Go duration ("168h"), is how long after a
	// trip's end its claim token still works. Default 7 days.
	TokenLifetimeAfterTrip string `json:"token_lifetime_after_trip"`
	// Keys are the claim-signing keys, the current one first, as
	// "ID:base64-secret" (at least 32 bytes). The environment variable
	// BOOKINGKIT_MOGU_KEYS ("2:…,1:…") wins over them. With neither, a key
	// is generated on first start and kept in the database.
	Keys []string `json:"keys"`
	// ClaimsBurst claim attempts are allowed at once per client address and
	// per account, then one per ClaimsInterval (a Go duration). Defaults 10
	// and "1m".
	ClaimsBurst    int    `json:"claims_burst"`
	ClaimsInterval string `json:"claims_interval"`

	// SessionLifetime, a Go duration, is how long the app stays signed in.
	// Default a year: in MOGU a session ends when the traveller signs out
	// (the seed: "la sesión solo se cierra si el viajero escoge cerrarla").
	SessionLifetime string `json:"session_lifetime"`

	// The app: where mailed set-password links point ("{token}" is
	// replaced by the one-time token), the app's deep link for a claim
	// ("{token}" is the claim token), and the stores' pages.
	SetPasswordURL string `json:"set_password_url"`
	AppClaimURL    string `json:"app_claim_url"`
	AppStoreURL    string `json:"app_store_url"`
	PlayStoreURL   string `json:"play_store_url"`

	// Mail for the app's one-time links goes through the server's shared
	// mailer (BOOKINGKIT_SMTP_*, BOOKINGKIT_MAIL_DIR) unless these set
	// MOGU's own: SMTPAddr (host:port; the password comes from
	// BOOKINGKIT_MOGU_SMTP_PASSWORD) or, without it, the development
	// folder MailDir (see moguMailEnv).
	MailFrom     string `json:"mail_from"`
	SMTPAddr     string `json:"smtp_addr"`
	SMTPUsername string `json:"smtp_username"`
	MailDir      string `json:"mail_dir"`
}

// moguEnv is MOGU's secrets from the environment.
type moguEnv struct {
	Keys         string // BOOKINGKIT_MOGU_KEYS
	SMTPPassword string // BOOKINGKIT_MOGU_SMTP_PASSWORD
}

func moguEnvFrom(getenv func(string) string) moguEnv {
	return moguEnv{Keys: getenv("BOOKINGKIT_MOGU_KEYS"), SMTPPassword: getenv("BOOKINGKIT_MOGU_SMTP_PASSWORD")}
}

// moguKeysSetting is where a generated claim key is kept.
const moguKeysSetting = "mogu.claim_keys"

// moguServer holds MOGU's service and its handlers: the traveller side
// (package moguhttp) and the back office (below).
type moguServer struct {
	svc      *mogu.Service
	accounts *mogu.Accounts
	// app serves the app's claims and trips and the landing pages;
	// sessions is its sign-in (bookingkit's own app sessions).
	app      *moguhttp.Handler
	sessions *moguhttp.Sessions
	logger   *slog.Logger
}

// newMoguServer builds MOGU's service and the app's accounts from the
// config, loading or generating the claim keys. mailer takes the app's
// one-time links (the outbox's moguMailKind, mailer.go); requests keeps
// the sign-ups and resets for the outbox's worker (handleQueued completes
// them), so the requests do the same writes whether or not the address
// has an account.
func newMoguServer(ctx context.Context, logger *slog.Logger, cfg Config, stores storage.Stores, mailer account.Mailer, requests account.Queue) (*moguServer, error) {
	c := cfg.File.Mogu
	// Printed vouchers outlive the process that printed them and are read
	// back by any server of the database: their URLs start at the one
	// configured public address, not at this server's listening address.
	origin, err := staffPublicURL(cfg)
	if err != nil {
		return nil, err
	}
	def := func(v, d string) string {
		if strings.TrimSpace(v) == "" {
			return d
		}
		return v
	}
	if c.ClaimURLBase == "" && cfg.PublicURL == "" {
		logger.Warn("mogu: neither mogu.claim_url_base nor BOOKINGKIT_PUBLIC_URL is set; vouchers print this server's listening address, and only servers listening there accept their claims", "claim_url_base", origin+"/api/mogu/c/")
	}
	lifetime, err := moguDuration("mogu.token_lifetime_after_trip", c.TokenLifetimeAfterTrip, mogu.DefaultTokenLifetimeAfterTrip)
	if err != nil {
		return nil, err
	}
	interval, err := moguDuration("mogu.claims_interval", c.ClaimsInterval, time.Minute)
	if err != nil {
		return nil, err
	}
	burst := c.ClaimsBurst
	switch {
	case burst == 0:
		burst = 10
	case burst < 0:
		return nil, fmt.Errorf("config mogu.claims_burst %d: want a positive number", burst)
	}
	sessions, err := moguDuration("mogu.session_lifetime", c.SessionLifetime, 365*24*time.Hour)
	if err != nil {
		return nil, err
	}
	keys, err := moguKeyring(ctx, logger, cfg.MoguEnv.Keys, c.Keys, stores.Settings)
	if err != nil {
		return nil, err
	}
	if c.ServicesURLTemplate == "" {
		logger.Warn("mogu: services_url_template is not configured; vouchers without MOGU point at this server's page that sends travellers back to where they booked", "services_url", origin+"/booking/{booking}/services")
	}
	svc, err := mogu.NewService(stores.Mogu, keys, newLimiter(stores, interval, burst), mogu.Config{
		ClaimURLBase:           def(c.ClaimURLBase, origin+"/api/mogu/c/"),
		ServicesURLTemplate:    def(c.ServicesURLTemplate, origin+"/booking/{booking}/services"),
		BackOfficeURL:          def(c.BackOfficeURL, origin+"/api/backoffice/mogu"),
		TokenLifetimeAfterTrip: lifetime,
		Administrators:         c.Administrators,
	})
	if err != nil {
		if c.ClaimURLBase == "" && cfg.PublicURL != "" {
			return nil, fmt.Errorf("config mogu: the claim URLs start at BOOKINGKIT_PUBLIC_URL when mogu.claim_url_base is unset: %w", err)
		}
		return nil, fmt.Errorf("config mogu: %w", err)
	}
	if base, err := url.Parse(svc.ClaimURL("")); err == nil && !strings.EqualFold(base.Path, "/api/mogu/c/") {
		logger.Warn("mogu: claim_url_base has another path than /api/mogu/c/; route it to this server's /API/MOGU/C/", "claim_url_base", svc.ClaimURL(""))
	}

	setPasswordURL := def(c.SetPasswordURL, "mogu://set-password?token={token}")
	appClaimURL := def(c.AppClaimURL, "mogu://claim/{token}")
	for field, tpl := range map[string]string{"set_password_url": setPasswordURL, "app_claim_url": appClaimURL} {
		if !strings.Contains(tpl, "{token}") {
			return nil, fmt.Errorf("config mogu.%s %q: must contain {token}", field, tpl)
		}
	}
	// Sign-in and link attempts count across every server of the database.
	perAddress, perAccount := accountLimits(stores)
	accounts, err := mogu.NewAccounts(stores.Accounts, mogu.AccountsConfig{
		Account: account.Config{SessionTTL: sessions, PerAddress: perAddress, PerAccount: perAccount},
		Mailer:  mailer,
		LinkURL: setPasswordURL,
		Queue:   requests,
	})
	if err != nil {
		return nil, fmt.Errorf("config mogu: %w", err)
	}
	m := &moguServer{svc: svc, accounts: accounts, sessions: moguhttp.NewSessions(accounts, logger), logger: logger}
	m.app, err = moguhttp.NewHandler(svc, m.sessions, moguhttp.Options{
		Logger:       logger,
		AppClaimURL:  appClaimURL,
		AppStoreURL:  def(c.AppStoreURL, "https://apps.apple.com/"),
		PlayStoreURL: def(c.PlayStoreURL, "https://play.google.com/store/apps"),
	})
	if err != nil {
		return nil, fmt.Errorf("config mogu: %w", err)
	}
	return m, nil
}

// handleQueued makes ob's worker complete the sign-ups and resets the
// requests queued (mogu.Accounts.CompleteRegister and CompleteReset),
// without their rate limits: the request took them.
func (m *moguServer) handleQueued(ob *outbox.Outbox) {
	ob.Handle(mogu.KindRegister, completing(mogu.KindRegister, m.accounts.CompleteRegister))
	ob.Handle(mogu.KindReset, completing(mogu.KindReset, m.accounts.CompleteReset))
}

// moguMailEnv is the mail settings of MOGU's mails: the server's shared
// ones (BOOKINGKIT_SMTP_*, BOOKINGKIT_MAIL_DIR), with whatever the mogu
// section sets of its own in their place. An own smtp_addr brings its own
// login; an own mail_dir alone means the development folder even when the
// shared settings name an SMTP server.
func moguMailEnv(shared mailEnv, c moguConfig, secrets moguEnv) mailEnv {
	e := shared
	if c.MailFrom != "" {
		e.SMTPFrom = c.MailFrom
	}
	switch {
	case c.SMTPAddr != "":
		e.SMTPAddr, e.SMTPUsername, e.SMTPPassword = c.SMTPAddr, c.SMTPUsername, secrets.SMTPPassword
	case c.MailDir != "":
		e.SMTPAddr, e.Dir = "", c.MailDir
	}
	return e
}

// moguHostPort turns a listen address into the host:port of URLs to this
// server: an unspecified or IPv6 host becomes localhost, which stays in
// QR's alphanumeric alphabet.
func moguHostPort(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "localhost:8080"
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && (ip.IsUnspecified() || ip.To4() == nil) {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

func moguDuration(field, s string, def time.Duration) (time.Duration, error) {
	if s == "" {
		return def, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("config %s %q: want a positive Go duration such as \"168h\"", field, s)
	}
	return d, nil
}

// moguKeyring builds the claim keyring from the environment, else the
// config file, else the key stored in settings; on the very first start it
// generates one and stores it (in plain: signing needs it back).
func moguKeyring(ctx context.Context, logger *slog.Logger, env string, file []string, settings storage.SettingsStore) (*mogu.Keyring, error) {
	source, spec := "BOOKINGKIT_MOGU_KEYS", strings.TrimSpace(env)
	if spec == "" {
		source, spec = "config mogu.keys", strings.Join(file, ",")
	}
	if spec == "" {
		source = "setting " + moguKeysSetting
		stored, err := settings.Setting(ctx, moguKeysSetting)
		switch {
		case err == nil:
		case errors.Is(err, bookingkit.ErrNotFound):
			secret := make([]byte, mogu.MinKeyLen)
			if _, err := rand.Read(secret); err != nil {
				return nil, err
			}
			mine := mogu.FormatKey(mogu.Key{ID: 1, Secret: secret})
			if stored, err = settings.PutSettingIfAbsent(ctx, moguKeysSetting, mine); err != nil {
				return nil, fmt.Errorf("store the generated MOGU claim key: %w", err)
			}
			if stored == mine {
				logger.Info("mogu: generated a claim-signing key (ID 1) and stored it in the database; set BOOKINGKIT_MOGU_KEYS to manage and rotate keys yourself", "setting", moguKeysSetting)
			}
		default:
			return nil, fmt.Errorf("read the MOGU claim keys: %w", err)
		}
		spec = stored
	}
	kr, err := mogu.ParseKeyring(spec)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	return kr, nil
}

// JSON shapes.

// moguTripJSON is a registered booking as the back office sees it.
type moguTripJSON struct {
	BookingID       string    `json:"booking_id"`
	Channel         string    `json:"channel"`
	ContactEmail    string    `json:"contact_email"`
	AgentEmail      string    `json:"agent_email,omitempty"`
	AgencyID        string    `json:"agency_id,omitempty"`
	MicrositeID     string    `json:"microsite_id"`
	Title           string    `json:"title"`
	Travelers       int       `json:"travelers"`
	Start           time.Time `json:"start"`
	End             time.Time `json:"end"`
	ListedByEmail   bool      `json:"listed_by_email"`
	TokenGeneration uint32    `json:"token_generation"`
	Claims          int       `json:"claims"`
	RegisteredAt    time.Time `json:"registered_at"`
	UpdatedAt       time.Time `json:"updated_at"`
}

func moguTripOut(t mogu.Trip) moguTripJSON {
	return moguTripJSON{
		BookingID: t.ID, Channel: t.Channel.String(), ContactEmail: t.ContactEmail, AgentEmail: t.AgentEmail,
		AgencyID: t.AgencyID, MicrositeID: t.MicrositeID, Title: t.Title, Travelers: t.Travelers,
		Start: t.Start, End: t.End, ListedByEmail: t.ListedByEmail, TokenGeneration: t.TokenGeneration,
		Claims: t.Claims, RegisteredAt: t.RegisteredAt, UpdatedAt: t.UpdatedAt,
	}
}

type moguActivationJSON struct {
	MicrositeID string     `json:"microsite_id"`
	Seq         int64      `json:"seq"`
	Active      bool       `json:"active"`
	By          string     `json:"by,omitempty"`
	At          *time.Time `json:"at,omitempty"`
	Note        string     `json:"note,omitempty"`
}

func moguActivationOut(a mogu.Activation) moguActivationJSON {
	out := moguActivationJSON{MicrositeID: a.MicrositeID, Seq: a.Seq, Active: a.Active, By: a.By, Note: a.Note}
	if !a.At.IsZero() {
		out.At = &a.At
	}
	return out
}

type moguMembershipJSON struct {
	OperatorID string    `json:"operator_id"`
	AgencyID   string    `json:"agency_id"`
	GrantedBy  string    `json:"granted_by"`
	GrantedAt  time.Time `json:"granted_at"`
}

func moguMembershipOut(m mogu.Membership) moguMembershipJSON {
	return moguMembershipJSON{OperatorID: m.OperatorID, AgencyID: m.AgencyID, GrantedBy: m.GrantedBy, GrantedAt: m.GrantedAt}
}

// Request helpers.

// moguOperator returns the back-office operator named by X-Operator, which
// the trusted back office sets (the engine token authenticates the back
// office, not the person).
func moguOperator(r *http.Request) (string, error) {
	op := strings.TrimSpace(r.Header.Get("X-Operator"))
	if op == "" {
		return "", bookingkit.Invalid("X-Operator", "", "header required: the back-office operator's ID")
	}
	return op, nil
}

func moguParseChannel(field, s string) (mogu.Channel, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "b2c":
		return mogu.B2C, nil
	case "b2b":
		return mogu.B2B, nil
	}
	return 0, bookingkit.Invalid(field, s, "b2c or b2b")
}

func moguParseTime(field, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, bookingkit.Invalid(field, "", "required")
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, bookingkit.Invalid(field, s, "an RFC 3339 time such as 2026-12-01T08:00:00Z")
	}
	return t, nil
}

// moguPage is one page of a list; Next is the cursor of the following
// page, absent on the last.
type moguPage[T any] struct {
	Items []T    `json:"items"`
	Next  string `json:"next,omitempty"`
}

func moguMap[T, U any](in []T, f func(T) U) []U {
	out := make([]U, 0, len(in))
	for _, v := range in {
		out = append(out, f(v))
	}
	return out
}

// handler adapts a function that returns an error to an http.Handler that
// answers the error through httpapi.WriteError.
func (m *moguServer) handler(fn func(w http.ResponseWriter, r *http.Request) error) http.Handler {
	return httpapi.Handler(m.logger, fn)
}

// Back office: bookings and vouchers.

// putBooking registers a booking sent by the engine, or updates it.
func (m *moguServer) putBooking() http.Handler {
	return m.handler(func(w http.ResponseWriter, r *http.Request) error {
		var in struct {
			Channel      string `json:"channel"`
			ContactEmail string `json:"contact_email"`
			AgentEmail   string `json:"agent_email"`
			AgencyID     string `json:"agency_id"`
			MicrositeID  string `json:"microsite_id"`
			Title        string `json:"title"`
			Travelers    int    `json:"travelers"`
			Start        string `json:"start"`
			End          string `json:"end"`
		}
		if err := httpapi.DecodeJSON(r, &in); err != nil {
			return err
		}
		ch, err := moguParseChannel("channel", in.Channel)
		if err != nil {
			return err
		}
		start, err := moguParseTime("start", in.Start)
		if err != nil {
			return err
		}
		end, err := moguParseTime("end", in.End)
		if err != nil {
			return err
		}
		t, err := m.svc.RegisterBooking(r.Context(), mogu.Trip{
			Booking: mogu.Booking{
				ID: r.PathValue("booking"), Channel: ch, ContactEmail: in.ContactEmail, AgentEmail: in.AgentEmail,
				AgencyID: in.AgencyID, MicrositeID: in.MicrositeID,
			},
			Title: in.Title, Travelers: in.Travelers, Start: start, End: end,
		})
		if err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusOK, moguTripOut(t))
		return nil
	})
}

// moguBooking is the booking a back-office request names: the ID from the
// path and, for bookings not registered, the microsite to explain.
func moguBooking(r *http.Request) mogu.Booking {
	return mogu.Booking{ID: r.PathValue("booking"), MicrositeID: r.URL.Query().Get("microsite")}
}

type moguStatusJSON struct {
	BookingID   string             `json:"booking_id"`
	MicrositeID string             `json:"microsite_id,omitempty"`
	Registered  bool               `json:"registered"`
	Claimable   bool               `json:"claimable"`
	Reason      string             `json:"reason,omitempty"`
	Activation  moguActivationJSON `json:"activation"`
	Trip        *moguTripJSON      `json:"trip,omitempty"`
}

func (m *moguServer) bookingStatus() http.Handler {
	return m.handler(func(w http.ResponseWriter, r *http.Request) error {
		st, err := m.svc.Status(r.Context(), moguBooking(r))
		if err != nil {
			return err
		}
		out := moguStatusJSON{BookingID: st.BookingID, MicrositeID: st.MicrositeID, Registered: st.Registered,
			Claimable: st.Claimable, Reason: st.Reason, Activation: moguActivationOut(st.Activation)}
		if st.Registered {
			t := moguTripOut(st.Trip)
			out.Trip = &t
		}
		httpapi.WriteJSON(w, http.StatusOK, out)
		return nil
	})
}

type moguVoucherJSON struct {
	BookingID string     `json:"booking_id"`
	Kind      string     `json:"kind"`
	URL       string     `json:"url"`
	Expires   *time.Time `json:"expires,omitempty"`
	Reason    string     `json:"reason,omitempty"`
}

func moguVoucherOut(v mogu.Voucher) moguVoucherJSON {
	out := moguVoucherJSON{BookingID: v.BookingID, Kind: string(v.Kind), URL: v.URL, Reason: v.Reason}
	if !v.Expires.IsZero() {
		out.Expires = &v.Expires
	}
	return out
}

func (m *moguServer) voucher() http.Handler {
	return m.handler(func(w http.ResponseWriter, r *http.Request) error {
		v, err := m.svc.Voucher(r.Context(), moguBooking(r))
		if err != nil {
			return err
		}
		w.Header().Set("Cache-Control", "no-store")
		httpapi.WriteJSON(w, http.StatusOK, moguVoucherOut(v))
		return nil
	})
}

// voucherQR draws the voucher's QR code: MOGU's claim URL when the booking
// is claimable, otherwise the engine's "add services" page (the header
// X-Mogu-Voucher-Kind says which).
func (m *moguServer) voucherQR() http.Handler {
	return m.handler(func(w http.ResponseWriter, r *http.Request) error {
		q := r.URL.Query()
		format := mogu.Format(strings.ToLower(q.Get("format")))
		if format == "" {
			format = mogu.PNG
		}
		size, err := httpapi.QueryInt(r, "size", mogu.DefaultPixelsPerModule)
		if err != nil {
			return err
		}
		img, v, err := m.svc.VoucherQR(r.Context(), moguBooking(r), format, size)
		if err != nil {
			return err
		}
		h := w.Header()
		if format == mogu.SVG {
			h.Set("Content-Type", "image/svg+xml")
		} else {
			h.Set("Content-Type", "image/png")
		}
		h.Set("Content-Length", strconv.Itoa(len(img)))
		h.Set("Cache-Control", "no-store")
		h.Set("X-Mogu-Voucher-Kind", string(v.Kind))
		w.WriteHeader(http.StatusOK)
		w.Write(img) //nolint:errcheck // the client has gone; nothing to do
		return nil
	})
}

func (m *moguServer) reissue() http.Handler {
	return m.handler(func(w http.ResponseWriter, r *http.Request) error {
		t, err := m.svc.ReissueVoucher(r.Context(), r.PathValue("booking"))
		if err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusOK, moguTripOut(t))
		return nil
	})
}

// Back office: microsite activation.

func (m *moguServer) activation() http.Handler {
	return m.handler(func(w http.ResponseWriter, r *http.Request) error {
		a, err := m.svc.Activation(r.Context(), r.PathValue("microsite"))
		if err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusOK, moguActivationOut(a))
		return nil
	})
}

// setActivation turns MOGU on or off for a microsite; X-Operator is
// recorded as who did it.
func (m *moguServer) setActivation() http.Handler {
	return m.handler(func(w http.ResponseWriter, r *http.Request) error {
		by, err := moguOperator(r)
		if err != nil {
			return err
		}
		var in struct {
			Active *bool  `json:"active"`
			Note   string `json:"note"`
		}
		if err := httpapi.DecodeJSON(r, &in); err != nil {
			return err
		}
		if in.Active == nil {
			return bookingkit.Invalid("active", "", "required: true or false")
		}
		a, err := m.svc.SetActive(r.Context(), r.PathValue("microsite"), *in.Active, by, in.Note)
		if err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusOK, moguActivationOut(a))
		return nil
	})
}

func (m *moguServer) activationHistory() http.Handler {
	return m.handler(func(w http.ResponseWriter, r *http.Request) error {
		before, err := httpapi.QueryInt(r, "before", 0)
		if err != nil {
			return err
		}
		limit, err := httpapi.QueryInt(r, "limit", 0)
		if err != nil {
			return err
		}
		h, err := m.svc.ActivationHistory(r.Context(), r.PathValue("microsite"), int64(before), limit)
		if err != nil {
			return err
		}
		out := moguPage[moguActivationJSON]{Items: moguMap(h, moguActivationOut)}
		if limit == 0 {
			limit = mogu.DefaultPageSize
		}
		if len(h) == limit && h[len(h)-1].Seq > 1 {
			out.Next = strconv.FormatInt(h[len(h)-1].Seq, 10)
		}
		httpapi.WriteJSON(w, http.StatusOK, out)
		return nil
	})
}

// Back office: agency accounts.

// openLink answers whether the "open in MOGU" button is shown to a
// back-office user and where it leads: on a booking (booking, with its
// channel and agency) or on the agencies page (agency alone). A B2B
// booking without an agency (400), or with another agency or channel than
// MOGU registered it with (409), is refused: the link would open no
// account or the wrong one.
func (m *moguServer) openLink() http.Handler {
	return m.handler(func(w http.ResponseWriter, r *http.Request) error {
		q := r.URL.Query()
		userChannel, err := moguParseChannel("user_channel", q.Get("user_channel"))
		if err != nil {
			return err
		}
		user := mogu.BackOfficeUser{ID: q.Get("user"), Channel: userChannel}
		var link string
		var shown bool
		if booking := q.Get("booking"); booking != "" {
			ch, err := moguParseChannel("booking_channel", q.Get("booking_channel"))
			if err != nil {
				return err
			}
			link, shown, err = m.svc.OpenBookingLink(r.Context(), user, mogu.Booking{ID: booking, Channel: ch, AgencyID: q.Get("agency")})
			if err != nil {
				return err
			}
		} else {
			link, shown = m.svc.OpenAgencyLink(user, q.Get("agency"))
		}
		out := struct {
			Shown bool   `json:"shown"`
			URL   string `json:"url,omitempty"`
		}{shown, link}
		httpapi.WriteJSON(w, http.StatusOK, out)
		return nil
	})
}

func (m *moguServer) memberships() http.Handler {
	return m.handler(func(w http.ResponseWriter, r *http.Request) error {
		limit, err := httpapi.QueryInt(r, "limit", 0)
		if err != nil {
			return err
		}
		list, err := m.svc.Memberships(r.Context(), r.PathValue("operator"), r.URL.Query().Get("after"), limit)
		if err != nil {
			return err
		}
		out := moguPage[moguMembershipJSON]{Items: moguMap(list, moguMembershipOut)}
		if limit == 0 {
			limit = mogu.DefaultPageSize
		}
		if len(list) == limit {
			out.Next = list[len(list)-1].AgencyID
		}
		httpapi.WriteJSON(w, http.StatusOK, out)
		return nil
	})
}

// grant gives an operator access to an agency account; X-Operator is who
// grants it, and must be one of the config's mogu.administrators (the
// rule is package mogu's: Service.Grant checks it).
func (m *moguServer) grant() http.Handler {
	return m.handler(func(w http.ResponseWriter, r *http.Request) error {
		by, err := moguOperator(r)
		if err != nil {
			return err
		}
		ms, err := m.svc.Grant(r.Context(), by, r.PathValue("operator"), r.PathValue("agency"))
		if err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusCreated, moguMembershipOut(ms))
		return nil
	})
}

// revoke withdraws an operator's access to an agency account; X-Operator
// must be one of mogu.administrators, as for grant.
func (m *moguServer) revoke() http.Handler {
	return m.handler(func(w http.ResponseWriter, r *http.Request) error {
		by, err := moguOperator(r)
		if err != nil {
			return err
		}
		if err := m.svc.Revoke(r.Context(), by, r.PathValue("operator"), r.PathValue("agency")); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
}

type moguCurrentJSON struct {
	AgencyID string `json:"agency_id"`
}

func (m *moguServer) currentAccount() http.Handler {
	return m.handler(func(w http.ResponseWriter, r *http.Request) error {
		op, err := moguOperator(r)
		if err != nil {
			return err
		}
		agency, err := m.svc.CurrentAccount(r.Context(), op)
		if err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusOK, moguCurrentJSON{AgencyID: agency})
		return nil
	})
}

// enterAccount switches the operator to an agency account.
func (m *moguServer) enterAccount() http.Handler {
	return m.handler(func(w http.ResponseWriter, r *http.Request) error {
		op, err := moguOperator(r)
		if err != nil {
			return err
		}
		var in moguCurrentJSON
		if err := httpapi.DecodeJSON(r, &in); err != nil {
			return err
		}
		if err := m.svc.EnterAccount(r.Context(), op, in.AgencyID); err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusOK, in)
		return nil
	})
}

func (m *moguServer) writeAccountBookings(w http.ResponseWriter, r *http.Request, op string) error {
	limit, err := httpapi.QueryInt(r, "limit", 0)
	if err != nil {
		return err
	}
	p, err := m.svc.AccountBookings(r.Context(), op, r.URL.Query().Get("cursor"), limit)
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusOK, moguPage[moguTripJSON]{Items: moguMap(p.Trips, moguTripOut), Next: p.Next})
	return nil
}

func (m *moguServer) writeAccountBooking(w http.ResponseWriter, r *http.Request, op string) error {
	t, err := m.svc.AccountBooking(r.Context(), op, r.PathValue("booking"))
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusOK, moguTripOut(t))
	return nil
}

// accountBookings lists the bookings of the account the operator is in,
// and only those.
func (m *moguServer) accountBookings() http.Handler {
	return m.handler(func(w http.ResponseWriter, r *http.Request) error {
		op, err := moguOperator(r)
		if err != nil {
			return err
		}
		return m.writeAccountBookings(w, r, op)
	})
}

func (m *moguServer) accountBooking() http.Handler {
	return m.handler(func(w http.ResponseWriter, r *http.Request) error {
		op, err := moguOperator(r)
		if err != nil {
			return err
		}
		return m.writeAccountBooking(w, r, op)
	})
}

// landInAccount is where an "open in MOGU" link leads: the operator enters
// the agency account it names (or is refused, staying where they were) and
// sees its bookings, or the one booking the link names.
func (m *moguServer) landInAccount(oneBooking bool) http.Handler {
	return m.handler(func(w http.ResponseWriter, r *http.Request) error {
		op, err := moguOperator(r)
		if err != nil {
			return err
		}
		if err := m.svc.EnterAccount(r.Context(), op, r.PathValue("agency")); err != nil {
			return err
		}
		if oneBooking {
			return m.writeAccountBooking(w, r, op)
		}
		return m.writeAccountBookings(w, r, op)
	})
}
