package password

import (
	"fmt"
	"strings"
	"testing"
	"time"

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
		pw         string
		inputs     []string
		wantReason string
	}{
		{"short", nil, "at least 8 characters"},
		{"password", nil, "commonly used"},
		{"PassWord123", nil, "commonly used"},
		{"ringo.starr@beatles.com", []string{"Ringo.Starr@beatles.com"}, "not your email address"},
		{"ringostarr", []string{"ringostarr@beatles.com"}, "name part of your email"},
		{strings.Repeat("x", 257), nil, "at most 256"},
		// The two: accepted before zxcvbn, 12 characters each.
		{"123456789012", nil, "harder to guess"},
		{"aaaaaaaaaaaa", nil, "repeats characters"},
		{"qwertyuiop[]", nil, "keyboard pattern"},
		{"йцукенгшщз", nil, "commonly used"},        // a Russian keyboard walk, from the kept list
		{"аааааааааааа", nil, "repeats characters"}, // Cyrillic а, 12 times
		// Built from the person's own details.
		{"lennon884220062", []string{"it@websky.tech", "Lennon", "John", "884220062"}, "your own details"},
		{"JohnLennon1940", []string{"it@websky.tech", "John Lennon"}, "your own details"},
		{"ДжонЛеннон", []string{"it@websky.tech", "Леннон Джон"}, "your own details"},
		{"ЛеннонДжон1940", []string{"it@websky.tech", "Леннон Джон", "09.10.1940"}, "your own details"},
		{"websky2026!", []string{"it@websky.tech"}, "your own details"},
		{"harrison1943", []string{"Harrison", "George"}, "harder to guess"},
		// Strong ones, in any script.
		{"correct horse battery staple", []string{"a@b.c"}, ""},
		{"белый медведь спит на льдине", nil, ""},
		{"длинный пароль", nil, ""},
		{"café crème brûlée 42", nil, ""},
		{"日本語のパスワードです", nil, ""},
		{"yellow submarine 1966", []string{"it@websky.tech", "Lennon", "John"}, ""},
		{strings.Repeat("correct horse battery staple ", 9)[:256], nil, ""},
	}
	for _, tt := range tests {
		err := p.Check(tt.pw, tt.inputs...)
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

// The person's details make a password weak that is strong for anyone
// else.
func TestPolicyUserInputs(t *testing.T) {
	require.NoError(t, Policy{}.Check("georgeharrison25"))
	require.ErrorContains(t, Policy{}.Check("georgeharrison25", "george@example.com", "George Harrison"), "your own details")
}

// The estimator reads at most 64 characters: a 256-character password
// is judged in milliseconds, not the half second the whole would take.
func TestPolicyLongPasswordIsQuick(t *testing.T) {
	start := time.Now()
	var long strings.Builder
	for i := range 64 {
		fmt.Fprintf(&long, "%c%d", 'a'+(i*7)%26, i%10)
	}
	require.NoError(t, Policy{}.Check(long.String()[:128]+long.String()[:128], "a@b.c"))
	require.Less(t, time.Since(start), 250*time.Millisecond)
}
