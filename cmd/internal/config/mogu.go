package config

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/mogu"
	"github.com/bookingkit/bookingkit/storage"
)

// Mogu is the "mogu" section of the config file. Every field has a
// default, so the server starts without one; the defaults point at the
// server itself and at placeholder stores, fit for trying it out.
type Mogu struct {
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
	// that sends the traveller to where they booked (moguhttp.Handler.ServicesRoutes).
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

	// SessionLifetime, a Go duration, is how long the app stays signed
	// in. Default: until the traveller signs out, as the seed says ("la
	// sesión solo se cierra si el viajero escoge cerrarla"); a blocked or
	// deleted account still ends it.
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
	// folder MailDir (see [Mogu.MailEnv]).
	MailFrom     string `json:"mail_from"`
	SMTPAddr     string `json:"smtp_addr"`
	SMTPUsername string `json:"smtp_username"`
	MailDir      string `json:"mail_dir"`
}

// MoguEnv is MOGU's secrets from the environment.
type MoguEnv struct {
	Keys         string // BOOKINGKIT_MOGU_KEYS
	SMTPPassword string // BOOKINGKIT_MOGU_SMTP_PASSWORD
}

// MoguEnvFrom reads MOGU's secrets from the environment.
func MoguEnvFrom(getenv func(string) string) MoguEnv {
	return MoguEnv{Keys: getenv("BOOKINGKIT_MOGU_KEYS"), SMTPPassword: getenv("BOOKINGKIT_MOGU_SMTP_PASSWORD")}
}

// MoguKeysSetting is where a generated claim key is kept.
const MoguKeysSetting = "mogu.claim_keys"

// Service returns the settings of MOGU's service, their URLs defaulting
// to this server's pages under origin (PublicURL).
func (c Mogu) Service(origin string) (mogu.Config, error) {
	lifetime, err := Duration("mogu.token_lifetime_after_trip", c.TokenLifetimeAfterTrip, mogu.DefaultTokenLifetimeAfterTrip)
	if err != nil {
		return mogu.Config{}, err
	}
	return mogu.Config{
		ClaimURLBase:           orDefault(c.ClaimURLBase, origin+"/api/mogu/c/"),
		ServicesURLTemplate:    orDefault(c.ServicesURLTemplate, origin+"/booking/{booking}/services"),
		BackOfficeURL:          orDefault(c.BackOfficeURL, origin+"/api/backoffice/mogu"),
		TokenLifetimeAfterTrip: lifetime,
		Administrators:         c.Administrators,
	}, nil
}

// MoguApp is the app's side of the mogu section, defaults filled in.
type MoguApp struct {
	// Claims claim attempts at once, then one per ClaimInterval, per
	// client address and per account.
	Claims        int
	ClaimInterval time.Duration
	// SessionLifetime is how long the app stays signed in; 0: until the
	// traveller signs out.
	SessionLifetime time.Duration
	// The links: each template holds "{token}".
	SetPasswordURL, AppClaimURL string
	AppStoreURL, PlayStoreURL   string
}

// App returns the app's settings, defaults filled in.
func (c Mogu) App() (MoguApp, error) {
	a := MoguApp{
		SetPasswordURL: orDefault(c.SetPasswordURL, "mogu://set-password?token={token}"),
		AppClaimURL:    orDefault(c.AppClaimURL, "mogu://claim/{token}"),
		AppStoreURL:    orDefault(c.AppStoreURL, "https://apps.apple.com/"),
		PlayStoreURL:   orDefault(c.PlayStoreURL, "https://play.google.com/store/apps"),
	}
	var err error
	if a.ClaimInterval, err = Duration("mogu.claims_interval", c.ClaimsInterval, time.Minute); err != nil {
		return a, err
	}
	if a.Claims, err = Positive("mogu.claims_burst", c.ClaimsBurst, 10); err != nil {
		return a, err
	}
	if a.SessionLifetime, err = Duration("mogu.session_lifetime", c.SessionLifetime, 0); err != nil {
		return a, err
	}
	for field, tpl := range map[string]string{"set_password_url": a.SetPasswordURL, "app_claim_url": a.AppClaimURL} {
		if !strings.Contains(tpl, "{token}") {
			return a, fmt.Errorf("config mogu.%s %q: must contain {token}", field, tpl)
		}
	}
	return a, nil
}

// ErrNoMoguKeys says that no claim keys are configured and none is stored.
var ErrNoMoguKeys = errors.New("no claim keys")

// MoguKeyring returns the claim keyring from the environment (env), else
// the config file, else the key stored in settings. With none anywhere,
// generate (the server's first start) makes one and stores it, in plain:
// signing needs it back; without generate (the tool) it is ErrNoMoguKeys.
// generated says that this call stored a new key.
func (c Mogu) Keyring(ctx context.Context, env string, settings storage.SettingsStore, generate bool) (kr *mogu.Keyring, generated bool, err error) {
	source, spec := "BOOKINGKIT_MOGU_KEYS", strings.TrimSpace(env)
	if spec == "" {
		source, spec = "config mogu.keys", strings.Join(c.Keys, ",")
	}
	if spec == "" {
		source = "setting " + MoguKeysSetting
		newKey := func() (string, error) {
			if !generate {
				return "", ErrNoMoguKeys
			}
			secret := make([]byte, mogu.MinKeyLen)
			if _, err := rand.Read(secret); err != nil {
				return "", err
			}
			return mogu.FormatKey(mogu.Key{ID: 1, Secret: secret}), nil
		}
		if spec, generated, err = Generated(ctx, settings, MoguKeysSetting, newKey); err != nil {
			if errors.Is(err, bookingkit.ErrNotFound) || errors.Is(err, ErrNoMoguKeys) {
				return nil, false, err
			}
			return nil, false, fmt.Errorf("MOGU claim keys: %w", err)
		}
	}
	kr, err = mogu.ParseKeyring(spec)
	if err != nil {
		return nil, false, fmt.Errorf("claim keys from %s: %w", source, err)
	}
	return kr, generated, nil
}

// MailEnv is the mail settings of MOGU's mails: the server's shared ones,
// with whatever the section sets of its own in their place. An own
// smtp_addr brings its own login; an own mail_dir alone means the
// development folder even when the shared settings name an SMTP server.
func (c Mogu) MailEnv(shared MailEnv, secrets MoguEnv) MailEnv {
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
