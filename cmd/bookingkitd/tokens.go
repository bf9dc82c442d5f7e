package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/httpapi"
	"github.com/bookingkit/bookingkit/internal/secret"
	"github.com/bookingkit/bookingkit/storage"
)

// bearerToken is a server-to-server credential (the airline's import token,
// the booking engine's token). Only its hash is held; requests are checked
// in constant time.
type bearerToken struct {
	name string
	hash string
}

// loadToken returns the token called name. When value is set (from a flag
// or the environment) it is used as is and nothing is stored. Otherwise the
// hash stored in settings is used; on the very first start a new random
// token is generated, stored hashed, and printed once to stdout: the
// operator must copy it then, since the server cannot show it again.
func loadToken(ctx context.Context, settings storage.SettingsStore, name, value string, stdout io.Writer) (bearerToken, error) {
	if value != "" {
		return bearerToken{name: name, hash: secret.Hash(value)}, nil
	}
	key := "token." + name + ".sha256"
	stored, err := settings.Setting(ctx, key)
	if err == nil {
		return bearerToken{name: name, hash: stored}, nil
	}
	if !errors.Is(err, bookingkit.ErrNotFound) {
		return bearerToken{}, fmt.Errorf("read %s token: %w", name, err)
	}
	token, err := secret.NewToken(nil)
	if err != nil {
		return bearerToken{}, err
	}
	hash := secret.Hash(token)
	kept, err := settings.PutSettingIfAbsent(ctx, key, hash)
	if err != nil {
		return bearerToken{}, fmt.Errorf("store %s token: %w", name, err)
	}
	if kept == hash { // we won: another server starting at once did not
		fmt.Fprintf(stdout, "generated the %s token (shown only now; keep it): %s\n", name, token)
	}
	return bearerToken{name: name, hash: kept}, nil
}

// check accepts a request carrying the token as "Authorization: Bearer …".
func (t bearerToken) check(r *http.Request) error {
	got := httpapi.Bearer(r)
	if got == "" {
		return fmt.Errorf("missing bearer token (Authorization: Bearer <%s token>): %w", t.name, bookingkit.ErrUnauthorized)
	}
	if !secret.Equal(secret.Hash(got), t.hash) {
		return fmt.Errorf("wrong %s token: %w", t.name, bookingkit.ErrUnauthorized)
	}
	return nil
}

// requireToken lets through only requests carrying t.
func requireToken(t bearerToken, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := t.check(r); err != nil {
			httpapi.WriteError(w, r, nil, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// requireTokenOn returns routes with each handler wrapped in requireToken:
// a module's engine-side routes, which its handler package leaves to the
// caller to authenticate.
func requireTokenOn(t bearerToken, routes []httpapi.Route) []httpapi.Route {
	out := make([]httpapi.Route, len(routes))
	for i, r := range routes {
		r.Handler = requireToken(t, r.Handler)
		out[i] = r
	}
	return out
}
