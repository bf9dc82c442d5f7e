package secret

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestNewTokenAndHash(t *testing.T) {
	a, err := NewToken(nil)
	require.NoError(t, err)
	b, err := NewToken(nil)
	require.NoError(t, err)
	require.Len(t, a, 43)
	require.NotEqual(t, a, b)
	require.Len(t, Hash(a), 64)
	require.Equal(t, Hash(a), Hash(a))
	require.NotEqual(t, Hash(a), Hash(b))

	fixed, err := NewToken(bytes.NewReader(make([]byte, 32)))
	require.NoError(t, err)
	require.Equal(t, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", fixed)
	_, err = NewToken(bytes.NewReader(make([]byte, 5)))
	require.Error(t, err, "a short random source is an error, not a weak token")

	require.True(t, Equal("x", "x"))
	require.False(t, Equal("x", "y"))
}
