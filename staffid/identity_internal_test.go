package staffid

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// slowNormalize is Normalize without the fast path.
func slowNormalize(s string) string {
	n := normalizer{fold: cases.Fold(), init: true}
	t := norm.NFKC.String(s)
	t = n.fold.String(t)
	t = norm.NFKC.String(t)
	return string(n.collapse(t))
}

// The fast path gives what the general one gives, for every character it
// takes and for random strings of them.
func TestNormalizeFastPath(t *testing.T) {
	var alphabet []rune
	for r := rune(0); r < 0x80; r++ {
		alphabet = append(alphabet, r)
	}
	for r := 'А'; r <= 'я'; r++ {
		alphabet = append(alphabet, r)
	}
	alphabet = append(alphabet, 'Ё', 'ё')
	var n normalizer
	for _, r := range alphabet {
		s := "x" + string(r) + "y"
		got, ok := n.fast(s)
		require.True(t, ok, "%U", r)
		require.Equal(t, slowNormalize(s), string(got), "%U", r)
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	for range 10000 {
		rs := make([]rune, rnd.IntN(12))
		for i := range rs {
			rs[i] = alphabet[rnd.IntN(len(alphabet))]
		}
		s := string(rs)
		require.Equal(t, slowNormalize(s), Normalize(s), "%q", s)
	}
	_, ok := n.fast("Zoë")
	require.False(t, ok, "other letters take the general path")
	require.Equal(t, slowNormalize("Zoë  Straße"), Normalize("Zoë  Straße"))
}
