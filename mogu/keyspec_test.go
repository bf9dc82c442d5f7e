package mogu_test

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/mogu"
)

func TestParseKeyring(t *testing.T) {
	k1, k2 := testKey(1, 0x11), testKey(2, 0x22)
	std := base64.StdEncoding.EncodeToString(k2.Secret) // padded, may hold + and /
	for _, tt := range []struct {
		name    string
		spec    string
		current uint16
		ids     []uint16
		wantErr string
	}{
		{"one key", mogu.FormatKey(k1), 1, []uint16{1}, ""},
		{"rotation: current first", mogu.FormatKey(k2) + "," + mogu.FormatKey(k1), 2, []uint16{1, 2}, ""},
		{"spaces and empty parts", " " + mogu.FormatKey(k1) + " , ,", 1, []uint16{1}, ""},
		{"standard base64 with padding", "2:" + std, 2, []uint16{2}, ""},
		{"empty", " , ", 0, nil, "at least one"},
		{"no id", base64.RawURLEncoding.EncodeToString(k1.Secret), 0, nil, "ID:base64-secret"},
		{"id 0", "0:" + base64.RawURLEncoding.EncodeToString(k1.Secret), 0, nil, "ID from 1"},
		{"id too big", "65536:" + base64.RawURLEncoding.EncodeToString(k1.Secret), 0, nil, "ID from 1"},
		{"not base64", "1:***", 0, nil, "not base64"},
		{"short secret", "1:" + base64.RawURLEncoding.EncodeToString([]byte("short")), 0, nil, "at least 32 bytes"},
		{"duplicate id", mogu.FormatKey(k1) + "," + mogu.FormatKey(k1), 0, nil, "used by another key"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			kr, err := mogu.ParseKeyring(tt.spec)
			if tt.wantErr != "" {
				require.ErrorIs(t, err, bookingkit.ErrInvalid)
				require.ErrorContains(t, err, tt.wantErr)
				for _, part := range strings.Split(tt.spec, ",") {
					if _, secret, ok := strings.Cut(part, ":"); ok && len(secret) > 3 {
						require.NotContains(t, err.Error(), secret, "errors never repeat a secret")
					}
				}
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.current, kr.CurrentKeyID())
			require.Equal(t, tt.ids, kr.KeyIDs())
		})
	}
}

// A keyring read back from its written form signs tokens the original
// verifies.
func TestFormatKeyRoundTrip(t *testing.T) {
	k := mogu.Key{ID: 7, Secret: bytes.Repeat([]byte{0xfb, 0xff}, 20)}
	orig, err := mogu.NewKeyring(k)
	require.NoError(t, err)
	parsed, err := mogu.ParseKeyring(mogu.FormatKey(k))
	require.NoError(t, err)
	tok, err := parsed.Sign(mogu.Claim{BookingID: "ITT-1", Generation: 1, Expires: t0.Add(1e12)})
	require.NoError(t, err)
	c, err := orig.Verify(tok, t0)
	require.NoError(t, err)
	require.Equal(t, uint16(7), c.KeyID)
}

func FuzzParseKeyring(f *testing.F) {
	f.Add(mogu.FormatKey(testKey(1, 1)))
	f.Add(mogu.FormatKey(testKey(2, 2)) + "," + mogu.FormatKey(testKey(1, 1)))
	f.Add("1:" + strings.Repeat("A", 43) + "=")
	f.Add("65535:,")
	f.Add(":::,,,")
	f.Fuzz(func(t *testing.T, spec string) {
		kr, err := mogu.ParseKeyring(spec)
		if err != nil {
			require.ErrorIs(t, err, bookingkit.ErrInvalid, "every refusal is a validation error")
			return
		}
		ids := kr.KeyIDs()
		require.NotEmpty(t, ids)
		require.Contains(t, ids, kr.CurrentKeyID())
	})
}
