package main

// MOGU's wiring: the config file's mogu section, the claim keys, and the
// service, app accounts and handlers built from them. The rules live in
// package mogu and the HTTP API in package moguhttp; routes.go mounts it.

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/account"
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

// moguServer holds MOGU's service and its handlers (package moguhttp):
// the traveller side and the back office.
type moguServer struct {
	svc      *mogu.Service
	accounts *mogu.Accounts
	// app serves the app's claims and trips and the landing pages;
	// sessions is its sign-in (bookingkit's own app sessions).
	app      *moguhttp.Handler
	sessions *moguhttp.Sessions
	// backOffice serves the engine's back office; routes.go wraps its
	// routes with the engine token, and the operator is X-Operator's.
	backOffice *moguhttp.BackOffice
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
	m := &moguServer{svc: svc, accounts: accounts, sessions: moguhttp.NewSessions(accounts, logger)}
	m.app, err = moguhttp.NewHandler(svc, m.sessions, moguhttp.Options{
		Logger:       logger,
		AppClaimURL:  appClaimURL,
		AppStoreURL:  def(c.AppStoreURL, "https://apps.apple.com/"),
		PlayStoreURL: def(c.PlayStoreURL, "https://play.google.com/store/apps"),
	})
	if err != nil {
		return nil, fmt.Errorf("config mogu: %w", err)
	}
	m.backOffice, err = moguhttp.NewBackOffice(svc, moguhttp.BackOfficeOptions{Logger: logger})
	if err != nil {
		return nil, err
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
