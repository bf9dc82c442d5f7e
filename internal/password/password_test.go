package password

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
)

// cheap keeps the tests fast; the OWASP parameters are checked by name.
var cheap = Params{MemoryKiB: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

func TestHashVerify(t *testing.T) {
	h, err := Hash("correct horse battery staple", cheap)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$"), h)

	ok, rehash, err := Verify("correct horse battery staple", h, cheap)
	require.NoError(t, err)
	require.True(t, ok)
	require.False(t, rehash)

	ok, _, err = Verify("correct horse battery stapler", h, cheap)
	require.NoError(t, err)
	require.False(t, ok)

	h2, err := Hash("correct horse battery staple", cheap)
	require.NoError(t, err)
	require.NotEqual(t, h, h2, "each hash has its own salt")
}

func TestVerifyAsksForRehashWhenParamsChange(t *testing.T) {
	h, err := Hash("a long enough pass", cheap)
	require.NoError(t, err)
	stronger := cheap
	stronger.Time = 3
	ok, rehash, err := Verify("a long enough pass", h, stronger)
	require.NoError(t, err)
	require.True(t, ok, "an old hash still verifies")
	require.True(t, rehash, "and is flagged for upgrade")
}

func TestOWASPParameters(t *testing.T) {
	require.Equal(t, uint32(19456), OWASP.MemoryKiB)
	require.Equal(t, uint32(2), OWASP.Time)
	require.Equal(t, uint8(1), OWASP.Threads)
	h, err := Hash("x", OWASP)
	require.NoError(t, err)
	require.Contains(t, h, "$m=19456,t=2,p=1$")
}

func TestVerifyRefusesMalformedHashes(t *testing.T) {
	for _, h := range []string{"", "plain", "$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5", "$argon2id$v=18$m=64,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5", "$argon2id$v=19$m=0,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5", "$argon2id$v=19$m=64,t=1,p=1$!!$a2V5"} {
		_, _, err := Verify("x", h, cheap)
		require.ErrorIs(t, err, ErrMalformedHash, h)
	}
}

func TestPolicy(t *testing.T) {
	p := Policy{}
	tests := []struct {
		pw, email, wantReason string
	}{
		{"short", "", "at least 8 characters"},
		{"password", "", "commonly used"},
		{"PassWord123", "", "commonly used"},
		{"ringo.starr@beatles.com", "Ringo.Starr@beatles.com", "not your email address"},
		{"ringostarr", "ringostarr@beatles.com", "name part of your email"},
		{strings.Repeat("x", 257), "", "at most 256"},
		{"длинный пароль", "", ""}, // 14 characters, any script
		{"correct horse battery staple", "a@b.c", ""},
	}
	for _, tt := range tests {
		err := p.Check(tt.pw, tt.email)
		if tt.wantReason == "" {
			require.NoError(t, err, tt.pw)
			continue
		}
		require.ErrorIs(t, err, bookingkit.ErrInvalid, tt.pw)
		require.ErrorContains(t, err, tt.wantReason, tt.pw)
		var ve *bookingkit.ValidationError
		require.ErrorAs(t, err, &ve)
		require.Empty(t, ve.Value, "the password is never echoed")
	}
	require.ErrorContains(t, Policy{MinLength: 12}.Check("elevenchars", ""), "at least 12")
}
