package main

// MOGU's wiring: the service, app accounts and handlers built from the
// config file's mogu section (package config). The rules live in package
// mogu and the HTTP API in package moguhttp; routes.go mounts it.

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strings"

	"github.com/bookingkit/bookingkit/account"
	"github.com/bookingkit/bookingkit/cmd/internal/config"
	"github.com/bookingkit/bookingkit/mogu"
	"github.com/bookingkit/bookingkit/mogu/moguhttp"
	"github.com/bookingkit/bookingkit/storage"
)

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
// the sign-ups and resets for the outbox's worker, so the requests do the
// same writes whether or not the address has an account.
func newMoguServer(ctx context.Context, logger *slog.Logger, cfg Config, stores storage.Stores, mailer account.Mailer, requests account.Queue) (*moguServer, error) {
	c := cfg.File.Mogu
	// Printed vouchers outlive the process that printed them and are read
	// back by any server of the database: their URLs start at the one
	// configured public address, not at this server's listening address.
	origin, err := config.PublicURL(cfg.PublicURL, cfg.Addr)
	if err != nil {
		return nil, err
	}
	if c.ClaimURLBase == "" && cfg.PublicURL == "" {
		logger.Warn("mogu: neither mogu.claim_url_base nor BOOKINGKIT_PUBLIC_URL is set; vouchers print this server's listening address, and only servers listening there accept their claims", "claim_url_base", origin+"/api/mogu/c/")
	}
	if c.ServicesURLTemplate == "" {
		logger.Warn("mogu: services_url_template is not configured; vouchers without MOGU point at this server's page that sends travellers back to where they booked", "services_url", origin+"/booking/{booking}/services")
	}
	svcConfig, err := c.Service(origin)
	if err != nil {
		return nil, err
	}
	app, err := c.App()
	if err != nil {
		return nil, err
	}
	keys, generated, err := c.Keyring(ctx, cfg.MoguEnv.Keys, stores.Settings, true)
	if err != nil {
		return nil, err
	}
	if generated {
		logger.Info("mogu: generated a claim-signing key (ID 1) and stored it in the database; set BOOKINGKIT_MOGU_KEYS to manage and rotate keys yourself", "setting", config.MoguKeysSetting)
	}
	svc, err := mogu.NewService(stores.Mogu, keys, newLimiter(stores, app.ClaimInterval, app.Claims), svcConfig)
	if err != nil {
		if c.ClaimURLBase == "" && cfg.PublicURL != "" {
			return nil, fmt.Errorf("config mogu: the claim URLs start at BOOKINGKIT_PUBLIC_URL when mogu.claim_url_base is unset: %w", err)
		}
		return nil, fmt.Errorf("config mogu: %w", err)
	}
	if base, err := url.Parse(svc.ClaimURL("")); err == nil && !strings.EqualFold(base.Path, "/api/mogu/c/") {
		logger.Warn("mogu: claim_url_base has another path than /api/mogu/c/; route it to this server's /API/MOGU/C/", "claim_url_base", svc.ClaimURL(""))
	}
	// Sign-in and link attempts count across every server of the database.
	perAddress, perAccount := accountLimits(stores)
	accounts, err := mogu.NewAccounts(stores.Accounts, mogu.AccountsConfig{
		Account: account.Config{SessionTTL: app.SessionLifetime, SessionsUntilSignOut: app.SessionLifetime == 0,
			PerAddress: perAddress, PerAccount: perAccount},
		Mailer:  mailer,
		LinkURL: app.SetPasswordURL,
		Queue:   requests,
	})
	if err != nil {
		return nil, fmt.Errorf("config mogu: %w", err)
	}
	m := &moguServer{svc: svc, accounts: accounts, sessions: moguhttp.NewSessions(accounts, logger)}
	m.app, err = moguhttp.NewHandler(svc, m.sessions, moguhttp.Options{
		Logger: logger, AppClaimURL: app.AppClaimURL, AppStoreURL: app.AppStoreURL, PlayStoreURL: app.PlayStoreURL,
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
