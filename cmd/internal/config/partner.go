package config

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"time"

	"github.com/bookingkit/bookingkit/partner"
	"github.com/bookingkit/bookingkit/storage"
)

// Partner is the "partner" section of the config file.
type Partner struct {
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
	// WebhookURL is the catch-all webhook endpoint: it receives every
	// partner's events (package partner, Webhooks) signed with
	// BOOKINGKIT_PARTNER_WEBHOOK_SECRET; empty: none. Partners add their
	// own endpoints through the API.
	WebhookURL string `json:"webhook_url"`
}

// PartnerEnv is the partner module's secrets from the environment.
type PartnerEnv struct {
	// ImpersonationKey signs impersonation links: at least 32 bytes, or 64
	// hex digits. Empty: a key generated on first start and kept in the
	// database (servers sharing the database share it).
	ImpersonationKey string // BOOKINGKIT_PARTNER_IMPERSONATION_KEY
	WebhookSecret    string // BOOKINGKIT_PARTNER_WEBHOOK_SECRET
}

// PartnerEnvFrom reads the partner module's secrets from the environment.
func PartnerEnvFrom(getenv func(string) string) PartnerEnv {
	return PartnerEnv{
		ImpersonationKey: getenv("BOOKINGKIT_PARTNER_IMPERSONATION_KEY"),
		WebhookSecret:    getenv("BOOKINGKIT_PARTNER_WEBHOOK_SECRET"),
	}
}

// PartnerKeySetting is where a generated impersonation key is kept.
const PartnerKeySetting = "partner.impersonation_key"

// Lifetimes returns how long an impersonation link and a sign-in last.
func (c Partner) Lifetimes() (impersonation, session time.Duration, err error) {
	if impersonation, err = Duration("partner.impersonation_ttl", c.ImpersonationTTL, partner.DefaultImpersonationTTL); err != nil {
		return 0, 0, err
	}
	session, err = Duration("partner.session_lifetime", c.SessionLifetime, 12*time.Hour)
	return impersonation, session, err
}

// CheckURLs checks the section's addresses and the public one.
func (c Partner) CheckURLs(public string) error {
	for field, v := range map[string]string{"partner.base_url": c.BaseURL, "BOOKINGKIT_PUBLIC_URL": public, "partner.panel_url": c.PanelURL, "partner.webhook_url": c.WebhookURL} {
		if v == "" {
			continue
		}
		if u, err := url.Parse(v); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("config %s %q: want an http:// or https:// address", field, v)
		}
	}
	return nil
}

// Key returns the key that signs impersonation links: the
// environment's (hex or raw), else the one stored in settings, generated
// and stored on the first start (generated says so).
func (e PartnerEnv) Key(ctx context.Context, settings storage.SettingsStore) (key []byte, generated bool, err error) {
	if env := e.ImpersonationKey; env != "" {
		if b, err := hex.DecodeString(env); err == nil && len(b) >= partner.MinImpersonationKeyLength {
			return b, false, nil
		}
		if len(env) < partner.MinImpersonationKeyLength {
			return nil, false, fmt.Errorf("BOOKINGKIT_PARTNER_IMPERSONATION_KEY: want at least %d bytes (or %d hex digits)", partner.MinImpersonationKeyLength, 2*partner.MinImpersonationKeyLength)
		}
		return []byte(env), false, nil
	}
	stored, generated, err := Generated(ctx, settings, PartnerKeySetting, func() (string, error) {
		b := make([]byte, partner.MinImpersonationKeyLength)
		_, err := rand.Read(b)
		return hex.EncodeToString(b), err
	})
	if err != nil {
		return nil, false, fmt.Errorf("impersonation key: %w", err)
	}
	b, err := hex.DecodeString(stored)
	if err != nil || len(b) < partner.MinImpersonationKeyLength {
		return nil, false, fmt.Errorf("setting %s: not %d hex bytes", PartnerKeySetting, partner.MinImpersonationKeyLength)
	}
	return b, generated, nil
}
