package main

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/account"
	"github.com/bookingkit/bookingkit/outbox"
	"github.com/bookingkit/bookingkit/partner"
	"github.com/bookingkit/bookingkit/partner/partnerhttp"
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

// partnerServer is the partner module's handlers (partner/partnerhttp):
// the API and reports, and bookingkit's own sign-in of partner users.
type partnerServer struct {
	api      *partnerhttp.Handler
	sessions *partnerhttp.Sessions
	accounts *partner.Accounts
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
	base := cmp.Or(c.BaseURL, cfg.PublicURL)
	sessionsH, err := partnerhttp.NewSessions(accounts, partnerhttp.SessionsOptions{Logger: logger, BaseURL: base})
	if err != nil {
		return nil, err
	}
	api, err := partnerhttp.NewHandler(svc, sessionsH, partnerhttp.Options{Logger: logger, PageUsers: sessionsH.Pages(), Invitations: accounts, BaseURL: base})
	if err != nil {
		return nil, err
	}
	return &partnerServer{api: api, sessions: sessionsH, accounts: accounts}, nil
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

// handleQueued makes ob's worker complete the reset requests
// (partner.Accounts.CompleteReset), without their rate limits: the
// request took them.
func (p *partnerServer) handleQueued(ob *outbox.Outbox) {
	ob.Handle(partner.KindReset, completing(partner.KindReset, p.accounts.CompleteReset))
}
