package httpapi_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/httpapi"
)

func TestClientAddress(t *testing.T) {
	for remote, want := range map[string]string{
		"203.0.113.7:52100":          "203.0.113.7",
		"[2001:db8::1]:443":          "2001:db8::1",
		"[::ffff:203.0.113.7]:52100": "203.0.113.7",
		"[fe80::1%eth0]:80":          "fe80::1",
	} {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.RemoteAddr = remote
		req.Header.Set("X-Forwarded-For", "198.51.100.1")
		ip, ok := httpapi.ClientIP(req)
		require.True(t, ok, remote)
		require.Equal(t, netip.MustParseAddr(want), ip, remote)
		require.NotEqual(t, "198.51.100.1", httpapi.ClientAddress(req), "a header the client writes is not its address")
	}
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.RemoteAddr = "203.0.113.7:1"
	require.Equal(t, "203.0.113.7", httpapi.ClientAddress(req))
	req.RemoteAddr = "@unix-socket"
	require.Equal(t, "@unix-socket", httpapi.ClientAddress(req))
	_, ok := httpapi.ClientIP(req)
	require.False(t, ok)
}

func TestBearer(t *testing.T) {
	for header, want := range map[string]string{
		"Bearer abc.def ": "abc.def",
		"Bearer ":         "",
		"":                "",
		"Basic dXNlcjpw":  "",
		"bearer abc":      "",
	} {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		if header != "" {
			req.Header.Set("Authorization", header)
		}
		require.Equal(t, want, httpapi.Bearer(req), header)
	}
}

func TestQueryInt(t *testing.T) {
	get := func(target string) (int, error) {
		return httpapi.QueryInt(httptest.NewRequest(http.MethodGet, target, nil), "limit", 50)
	}
	n, err := get("/x?limit=7")
	require.NoError(t, err)
	require.Equal(t, 7, n)
	n, err = get("/x?limit=")
	require.NoError(t, err)
	require.Equal(t, 50, n)
	n, err = get("/x")
	require.NoError(t, err)
	require.Equal(t, 50, n)
	_, err = get("/x?limit=ten")
	var ve *bookingkit.ValidationError
	require.True(t, errors.As(err, &ve))
	require.Equal(t, bookingkit.ValidationError{Field: "limit", Value: "ten", Reason: "a whole number"}, *ve)
	require.Equal(t, http.StatusBadRequest, httpapi.StatusOf(err))
}
