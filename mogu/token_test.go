package mogu_test

import (
	"encoding/base32"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/mogu"
)

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

func mustKeyring(t testing.TB, current mogu.Key, older ...mogu.Key) *mogu.Keyring {
	t.Helper()
	kr, err := mogu.NewKeyring(current, older...)
	require.NoError(t, err)
	return kr
}

func TestTokenRoundTrip(t *testing.T) {
	kr := mustKeyring(t, testKey(7, 1))
	exp := t0.Add(30 * 24 * time.Hour)
	for _, id := range []string{"X", "ITT-10593", "día-ñ/€", strings.Repeat("Z", mogu.MaxBookingIDLen)} {
		c := mogu.Claim{BookingID: id, Generation: 42, Expires: exp}
		tok, err := kr.Sign(c)
		require.NoError(t, err)
		require.Regexp(t, `^[A-Z2-7]+$`, tok, "upper-case base32, inside QR's alphanumeric alphabet")
		require.LessOrEqual(t, len(tok), mogu.MaxTokenLen)
		require.Equal(t, (27+len(id))*8/5+btoi((27+len(id))*8%5 != 0), len(tok))

		got, err := kr.Verify(tok, t0)
		require.NoError(t, err)
		want := mogu.Claim{BookingID: id, Generation: 42, Expires: exp, KeyID: 7}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("claim (-want +got):\n%s", diff)
		}
		got, err = kr.Verify(strings.ToLower(tok), t0)
		require.NoError(t, err, "letters in either case")
		require.Equal(t, want, got)

		again, err := kr.Sign(c)
		require.NoError(t, err)
		require.Equal(t, tok, again, "signing is deterministic")
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestTokenTagLength: the tag is 128 bits of HMAC-SHA256, so changing the
// key changes the last 16 bytes and nothing else.
func TestTokenTagLength(t *testing.T) {
	c := mogu.Claim{BookingID: "B1", Generation: 1, Expires: t0.Add(time.Hour)}
	a, err := mustKeyring(t, testKey(1, 1)).Sign(c)
	require.NoError(t, err)
	b, err := mustKeyring(t, testKey(1, 2)).Sign(c)
	require.NoError(t, err)
	ra, err := b32.DecodeString(a)
	require.NoError(t, err)
	rb, err := b32.DecodeString(b)
	require.NoError(t, err)
	n := len(ra) - mogu.TagLen
	require.Equal(t, 16, mogu.TagLen)
	require.Equal(t, ra[:n], rb[:n], "same body")
	for i := n; i < len(ra); i++ {
		if ra[i] != rb[i] {
			return
		}
	}
	t.Fatal("tags equal under different keys")
}

// TestTokenRefusals: every way a token can fail reads the same.
func TestTokenRefusals(t *testing.T) {
	kr := mustKeyring(t, testKey(1, 1))
	c := mogu.Claim{BookingID: "ITT-10593", Generation: 3, Expires: t0.Add(time.Hour)}
	tok, err := kr.Sign(c)
	require.NoError(t, err)
	raw, err := b32.DecodeString(tok)
	require.NoError(t, err)

	// reencode applies f to a copy of the token's bytes.
	reencode := func(f func([]byte) []byte) string {
		return b32.EncodeToString(f(append([]byte(nil), raw...)))
	}
	other := mustKeyring(t, testKey(1, 2))
	forged, err := other.Sign(c)
	require.NoError(t, err)

	cases := map[string]string{
		"empty":                    "",
		"not base32":               strings.Repeat("!", len(tok)),
		"padding":                  tok + "====",
		"truncated by one":         tok[:len(tok)-1],
		"truncated half":           tok[:len(tok)/2],
		"one more char":            tok + "A",
		"two more chars":           tok + "AA",
		"unused bits set":          tok[:len(tok)-1] + string(b32Next(tok[len(tok)-1])),
		"other key, same id":       forged,
		"unknown key id":           reencode(func(b []byte) []byte { b[2] = 9; return b }),
		"generation edited":        reencode(func(b []byte) []byte { b[10] ^= 1; return b }),
		"expiry pushed later":      reencode(func(b []byte) []byte { b[4]++; return b }),
		"version edited":           reencode(func(b []byte) []byte { b[0] = 2; return b }),
		"tag zeroed":               reencode(func(b []byte) []byte { clear(b[len(b)-16:]); return b }),
		"tag dropped":              reencode(func(b []byte) []byte { return b[:len(b)-16] }),
		"tag shortened to 8 bytes": reencode(func(b []byte) []byte { return b[:len(b)-8] }),
		"huge":                     strings.Repeat("A", 1<<20),
		"spaces":                   " " + tok,
	}
	for name, bad := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := kr.Verify(bad, t0)
			require.Same(t, mogu.ErrInvalidToken, err)
		})
	}

	t.Run("every single-character change", func(t *testing.T) {
		const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
		for i := range len(tok) {
			for _, r := range alphabet {
				if byte(r) == tok[i] {
					continue
				}
				bad := tok[:i] + string(r) + tok[i+1:]
				_, err := kr.Verify(bad, t0)
				require.Same(t, mogu.ErrInvalidToken, err, "position %d -> %c", i, r)
			}
		}
	})
	t.Run("every prefix", func(t *testing.T) {
		for i := range len(tok) {
			_, err := kr.Verify(tok[:i], t0)
			require.Same(t, mogu.ErrInvalidToken, err, "prefix of %d", i)
		}
	})
	t.Run("expiry is exclusive", func(t *testing.T) {
		_, err := kr.Verify(tok, c.Expires.Add(-time.Second))
		require.NoError(t, err)
		_, err = kr.Verify(tok, c.Expires)
		require.Same(t, mogu.ErrInvalidToken, err)
		_, err = kr.Verify(tok, c.Expires.Add(24*time.Hour))
		require.Same(t, mogu.ErrInvalidToken, err)
	})
	require.True(t, errors.Is(mogu.ErrInvalidToken, bookingkit.ErrUnauthorized))
}

// b32Next returns the base32 letter after c, which differs from c only in
// its lowest bit when c is the last character of a token whose final
// character carries unused bits.
func b32Next(c byte) byte {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	i := strings.IndexByte(alphabet, c)
	return alphabet[i^1]
}

func TestKeyRotation(t *testing.T) {
	k1, k2 := testKey(1, 1), testKey(2, 2)
	old := mustKeyring(t, k1)
	c := mogu.Claim{BookingID: "B1", Generation: 1, Expires: t0.Add(time.Hour)}
	tok1, err := old.Sign(c)
	require.NoError(t, err)

	rotated := mustKeyring(t, k2, k1)
	require.Equal(t, uint16(2), rotated.CurrentKeyID())
	require.Equal(t, []uint16{1, 2}, rotated.KeyIDs())
	got, err := rotated.Verify(tok1, t0)
	require.NoError(t, err, "older keys still verify")
	require.Equal(t, uint16(1), got.KeyID)

	tok2, err := rotated.Sign(c)
	require.NoError(t, err)
	got, err = rotated.Verify(tok2, t0)
	require.NoError(t, err)
	require.Equal(t, uint16(2), got.KeyID, "new tokens use the current key")

	removed := mustKeyring(t, k2)
	_, err = removed.Verify(tok1, t0)
	require.Same(t, mogu.ErrInvalidToken, err, "a removed key verifies nothing")
	_, err = removed.Verify(tok2, t0)
	require.NoError(t, err)
}

func TestNewKeyringRefuses(t *testing.T) {
	tests := []struct {
		name    string
		current mogu.Key
		older   []mogu.Key
		field   string
	}{
		{"short key", mogu.Key{ID: 1, Secret: make([]byte, 31)}, nil, "keys.current.secret"},
		{"no key", mogu.Key{ID: 1}, nil, "keys.current.secret"},
		{"zero id", testKey(0, 1), nil, "keys.current.id"},
		{"duplicate id", testKey(1, 1), []mogu.Key{testKey(1, 2)}, "keys.older[0].id"},
		{"short older key", testKey(1, 1), []mogu.Key{{ID: 2, Secret: []byte("short")}}, "keys.older[0].secret"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := mogu.NewKeyring(tt.current, tt.older...)
			var ve *bookingkit.ValidationError
			require.ErrorAs(t, err, &ve)
			require.Equal(t, tt.field, ve.Field)
		})
	}
}

func TestKeyringCopiesSecrets(t *testing.T) {
	k := testKey(1, 1)
	kr := mustKeyring(t, k)
	c := mogu.Claim{BookingID: "B1", Generation: 1, Expires: t0.Add(time.Hour)}
	tok, err := kr.Sign(c)
	require.NoError(t, err)
	clear(k.Secret)
	_, err = kr.Verify(tok, t0)
	require.NoError(t, err, "the caller wiping its copy does not change the keyring")
}

func TestSignRefuses(t *testing.T) {
	kr := mustKeyring(t, testKey(1, 1))
	tests := []struct {
		name  string
		c     mogu.Claim
		field string
	}{
		{"no booking", mogu.Claim{Expires: t0}, "booking_id"},
		{"booking too long", mogu.Claim{BookingID: strings.Repeat("x", mogu.MaxBookingIDLen+1), Expires: t0}, "booking_id"},
		{"booking with newline", mogu.Claim{BookingID: "a\nb", Expires: t0}, "booking_id"},
		{"no expiry", mogu.Claim{BookingID: "B1"}, "expires"},
		{"expiry before 1970", mogu.Claim{BookingID: "B1", Expires: time.Date(1969, 1, 1, 0, 0, 0, 0, time.UTC)}, "expires"},
		{"expiry after 2106", mogu.Claim{BookingID: "B1", Expires: time.Date(2107, 1, 1, 0, 0, 0, 0, time.UTC)}, "expires"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := kr.Sign(tt.c)
			var ve *bookingkit.ValidationError
			require.ErrorAs(t, err, &ve)
			require.Equal(t, tt.field, ve.Field)
		})
	}
}

// FuzzVerifyToken: the parser never panics, and whatever it accepts is
// exactly what Sign writes for the claim it returns — no second spelling.
func FuzzVerifyToken(f *testing.F) {
	kr := mustKeyring(f, testKey(1, 1))
	for _, id := range []string{"B1", "ITT-10593", strings.Repeat("Q", 64)} {
		tok, err := kr.Sign(mogu.Claim{BookingID: id, Generation: 9, Expires: t0.Add(time.Hour)})
		require.NoError(f, err)
		f.Add(tok)
		f.Add(strings.ToLower(tok))
		f.Add(tok[:len(tok)-1])
	}
	f.Add("")
	f.Add("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
	f.Add("====")
	f.Fuzz(func(t *testing.T, tok string) {
		c, err := kr.Verify(tok, t0)
		if err != nil {
			if err != mogu.ErrInvalidToken {
				t.Fatalf("refusal %v is not ErrInvalidToken", err)
			}
			return
		}
		again, err := kr.Sign(c)
		if err != nil {
			t.Fatalf("accepted claim %+v does not sign: %v", c, err)
		}
		if again != strings.ToUpper(tok) {
			t.Fatalf("accepted %q, but Sign writes %q", tok, again)
		}
	})
}

// FuzzTokenRoundTrip: whatever Sign accepts, Verify gives back.
func FuzzTokenRoundTrip(f *testing.F) {
	kr := mustKeyring(f, testKey(3, 3))
	f.Add("B1", uint32(1), int64(2000000000))
	f.Add("día", uint32(0), int64(1))
	f.Add("", uint32(7), int64(-5))
	f.Fuzz(func(t *testing.T, id string, gen uint32, exp int64) {
		c := mogu.Claim{BookingID: id, Generation: gen, Expires: time.Unix(exp, 0).UTC()}
		tok, err := kr.Sign(c)
		if err != nil {
			return
		}
		got, err := kr.Verify(tok, c.Expires.Add(-time.Second))
		if err != nil {
			t.Fatalf("Verify(Sign(%+v)): %v", c, err)
		}
		c.KeyID = 3
		if got != c {
			t.Fatalf("got %+v, want %+v", got, c)
		}
	})
}
