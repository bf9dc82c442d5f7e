package main

import (
	"bytes"
	"context"
	"net/http/httptest"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/storage/memory"
)

func TestGeneratedTokenIsPrintedOnceAndStoredHashed(t *testing.T) {
	ctx := context.Background()
	settings := memory.New().Stores().Settings
	var out bytes.Buffer
	tok, err := loadToken(ctx, settings, "engine", "", &out)
	require.NoError(t, err)
	m := regexp.MustCompile(`generated the engine token \(shown only now; keep it\): (\S+)`).FindStringSubmatch(out.String())
	require.NotNil(t, m, out.String())
	plain := m[1]

	stored, err := settings.Setting(ctx, "token.engine.sha256")
	require.NoError(t, err)
	require.NotContains(t, stored, plain, "only the hash is stored")

	out.Reset()
	again, err := loadToken(ctx, settings, "engine", "", &out)
	require.NoError(t, err)
	require.Empty(t, out.String(), "a second start prints nothing")
	require.Equal(t, tok, again)

	req := httptest.NewRequest("GET", "/", nil)
	require.ErrorIs(t, again.Check(req), bookingkit.ErrUnauthorized)
	req.Header.Set("Authorization", "Bearer wrong")
	require.ErrorIs(t, again.Check(req), bookingkit.ErrUnauthorized)
	req.Header.Set("Authorization", "Bearer "+plain)
	require.NoError(t, again.Check(req))
}

func TestTokenFromEnvironmentIsNotStored(t *testing.T) {
	ctx := context.Background()
	settings := memory.New().Stores().Settings
	var out bytes.Buffer
	tok, err := loadToken(ctx, settings, "engine", "s3cret-from-env", &out)
	require.NoError(t, err)
	require.Empty(t, out.String())
	_, err = settings.Setting(ctx, "token.engine.sha256")
	require.ErrorIs(t, err, bookingkit.ErrNotFound)
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("Authorization", "Bearer s3cret-from-env")
	require.NoError(t, tok.Check(req))
}
