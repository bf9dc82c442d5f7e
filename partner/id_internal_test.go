package partner

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// IDs from one Service sort in the order it made them, within one
// millisecond and when the clock steps back too; a later millisecond starts
// from its own time.
func TestNewIDSortsInCreationOrder(t *testing.T) {
	s := &Service{}
	t0 := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	at := []time.Time{t0, t0, t0.Add(500 * time.Microsecond), t0.Add(-time.Second), t0, t0.Add(time.Millisecond), t0.Add(time.Millisecond)}
	var ids []string
	for i := 0; i < 300; i++ {
		id, err := s.newID("msg", at[i%len(at)])
		require.NoError(t, err)
		if len(ids) > 0 {
			require.Greater(t, id, ids[len(ids)-1], "ID %d", i)
		}
		ids = append(ids, id)
	}

	later, err := s.newID("msg", t0.Add(time.Hour))
	require.NoError(t, err)
	fresh, err := (&Service{}).newID("msg", t0.Add(time.Hour))
	require.NoError(t, err)
	require.Equal(t, fresh[:len("msg_")+9], later[:len("msg_")+9], "a new millisecond: its own time in the first 48 bits (9 characters hold 45 of them)")
	require.NotEqual(t, fresh, later, "and random bits after them")
}
