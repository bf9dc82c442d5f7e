package main

// The partner module's wiring: its service, accounts and HTTP API
// (package partnerhttp) from the config file's partner section.

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"

	"github.com/bookingkit/bookingkit/account"
	"github.com/bookingkit/bookingkit/cmd/internal/config"
	"github.com/bookingkit/bookingkit/partner"
	"github.com/bookingkit/bookingkit/partner/partnerhttp"
	"github.com/bookingkit/bookingkit/storage"
)

// partnerServer is the partner module's HTTP API (api: the users' and
// administrators' routes, the reports page and the engine's terminal and
// panel routes) and bookingkit's own sign-in for it (sessions).
type partnerServer struct {
	api      *partnerhttp.Handler
	sessions *partnerhttp.Sessions
	accounts *partner.Accounts
}

// newPartnerServer builds the partner service, its accounts (invitations
// mailed through mailer, resets queued on requests) and its handlers.
func newPartnerServer(ctx context.Context, logger *slog.Logger, cfg Config, stores storage.Stores, mailer account.Mailer, requests account.Queue) (*partnerServer, error) {
	c := cfg.File.Partner
	ttl, sessions, err := c.Lifetimes()
	if err != nil {
		return nil, err
	}
	if err := c.CheckURLs(cfg.PublicURL); err != nil {
		return nil, err
	}
	key, generated, err := cfg.PartnerEnv.Key(ctx, stores.Settings)
	if err != nil {
		return nil, err
	}
	if generated {
		logger.Info("partner: generated the impersonation link key and stored it in the database; set BOOKINGKIT_PARTNER_IMPERSONATION_KEY to manage it yourself", "setting", config.PartnerKeySetting)
	}
	// Partners' webhooks leave through the outbox (requests), partner.webhook_url as every partner's catch-all endpoint.
	webhooks, err := partner.NewWebhooks(ctx, partner.WebhooksConfig{Store: stores.Partner, Queue: requests, CatchAllURL: c.WebhookURL, CatchAllSecret: cfg.PartnerEnv.WebhookSecret, Logger: logger})
	if err != nil {
		return nil, err
	}
	svc := &partner.Service{
		Store:            stores.Partner,
		Notifier:         partner.LogNotifier{Logger: logger},
		Webhooks:         webhooks,
		Logger:           logger,
		ImpersonationKey: key,
		ImpersonationTTL: ttl,
		PanelURL:         c.PanelURL,
	}
	perAddress, perAccount := accountLimits(stores)
	accounts, err := partner.NewAccounts(stores.Accounts, stores.Partner, partner.AccountsConfig{
		Account: account.Config{SessionTTL: sessions, PerAddress: perAddress, PerAccount: perAccount},
		Mailer:  mailer,
		Queue:   requests,
	})
	if err != nil {
		return nil, fmt.Errorf("config partner: %w", err)
	}
	// Mailed links point at the partners' address (partner.base_url, else
	// BOOKINGKIT_PUBLIC_URL, else the request's own).
	base := cmp.Or(c.BaseURL, cfg.PublicURL)
	sessionsH, err := partnerhttp.NewSessions(accounts, partnerhttp.SessionsOptions{Logger: logger, BaseURL: base, APIKeys: svc})
	if err != nil {
		return nil, err
	}
	api, err := partnerhttp.NewHandler(svc, sessionsH, partnerhttp.Options{Logger: logger, PageUsers: sessionsH.Pages(), Invitations: accounts, BaseURL: base})
	if err != nil {
		return nil, err
	}
	return &partnerServer{api: api, sessions: sessionsH, accounts: accounts}, nil
}
