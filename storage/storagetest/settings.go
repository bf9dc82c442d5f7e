package storagetest

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
)

func testSettings(t *testing.T, open Open) {
	ctx := context.Background()

	t.Run("MissingKeyIsNotFound", func(t *testing.T) {
		s := open(t).Settings
		_, err := s.Setting(ctx, "nope")
		require.ErrorIs(t, err, bookingkit.ErrNotFound)
	})

	t.Run("PutIfAbsentKeepsFirstValue", func(t *testing.T) {
		s := open(t).Settings
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
		s := open(t).Settings
		require.NoError(t, s.PutSetting(ctx, "k", "one"))
		require.NoError(t, s.PutSetting(ctx, "k", "two"))
		got, err := s.Setting(ctx, "k")
		require.NoError(t, err)
		require.Equal(t, "two", got)
	})

	t.Run("RacingPutIfAbsentAgreeOnOneWinner", func(t *testing.T) {
		s := open(t).Settings
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
