package main

import (
	"context"
	"fmt"
	"io"

	"github.com/bookingkit/bookingkit/cmd/internal/config"
	"github.com/bookingkit/bookingkit/httpapi"
	"github.com/bookingkit/bookingkit/internal/secret"
	"github.com/bookingkit/bookingkit/storage"
)

// loadToken returns the server-to-server token called name (the airline's
// import token, the booking engine's token). When value is set (from a
// flag or the environment) it is used as is and nothing is stored.
// Otherwise the hash stored in settings is used; on the very first start a
// new random token is generated, stored hashed, and printed once to
// stdout: the operator must copy it then, since the server cannot show it
// again.
func loadToken(ctx context.Context, settings storage.SettingsStore, name, value string, stdout io.Writer) (httpapi.Token, error) {
	if value != "" {
		return httpapi.NewToken(name, value), nil
	}
	var token string
	hash, generated, err := config.Generated(ctx, settings, "token."+name+".sha256", func() (string, error) {
		var err error
		token, err = secret.NewToken(nil)
		return secret.Hash(token), err
	})
	if err != nil {
		return httpapi.Token{}, fmt.Errorf("%s token: %w", name, err)
	}
	if generated { // we won: another server starting at once did not
		fmt.Fprintf(stdout, "generated the %s token (shown only now; keep it): %s\n", name, token)
	}
	return httpapi.TokenFromHash(name, hash)
}
