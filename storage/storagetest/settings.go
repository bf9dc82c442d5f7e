package storagetest

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/storage"
)

// RunSettings holds a [storage.SettingsStore] to the suite: a missing key
// is not found, and of racing first writers every one sees the winner's
// value.
func RunSettings(t *testing.T, open func(t *testing.T) storage.SettingsStore) {
	ctx := context.Background()

	t.Run("MissingKeyIsNotFound", func(t *testing.T) {
		s := open(t)
		_, err := s.Setting(ctx, "nope")
		require.ErrorIs(t, err, bookingkit.ErrNotFound)
	})

	t.Run("PutIfAbsentKeepsFirstValue", func(t *testing.T) {
		s := open(t)
		v, err := s.PutSettingIfAbsent(ctx, "import_token", "first")
		require.NoError(t, err)
		require.Equal(t, "first", v)
		v, err = s.PutSettingIfAbsent(ctx, "import_token", "second")
		require.NoError(t, err)
		require.Equal(t, "first", v, "a second PutSettingIfAbsent must not replace the value")
		got, err := s.Setting(ctx, "import_token")
		require.NoError(t, err)
		require.Equal(t, "first", got)
	})

	t.Run("PutReplaces", func(t *testing.T) {
		s := open(t)
		require.NoError(t, s.PutSetting(ctx, "k", "one"))
		require.NoError(t, s.PutSetting(ctx, "k", "two"))
		got, err := s.Setting(ctx, "k")
		require.NoError(t, err)
		require.Equal(t, "two", got)
	})

	t.Run("RacingPutIfAbsentAgreeOnOneWinner", func(t *testing.T) {
		s := open(t)
		const n = 8
		results := make([]string, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				v, err := s.PutSettingIfAbsent(ctx, "race", string(rune('a'+i)))
				if err != nil {
					t.Errorf("PutSettingIfAbsent %d: %v", i, err)
				}
				results[i] = v
			})
		}
		wg.Wait()
		for i := 1; i < n; i++ {
			require.Equal(t, results[0], results[i], "every racer must see the same stored value")
		}
	})
}
