package storagetest

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/outbox"
)

// RunOutbox holds an [outbox.Store] to the suite: claims lease due
// messages in order, only the lease holder deletes or retries one, and two
// claimers never share a message.
func RunOutbox(t *testing.T, open func(t *testing.T) outbox.Store) {
	ctx := context.Background()
	mail := []string{"mail"}
	enqueue := func(t *testing.T, s outbox.Store, kind, payload string, due time.Time) int64 {
		t.Helper()
		id, err := s.Enqueue(ctx, outbox.Message{Kind: kind, Payload: json.RawMessage(payload), CreatedAt: t0, NextAttempt: due})
		require.NoError(t, err)
		return id
	}

	t.Run("ClaimLeasesDueMessagesInOrder", func(t *testing.T) {
		s := open(t)
		a := enqueue(t, s, "mail", `{"to":"ann@example.com"}`, t0)
		w := enqueue(t, s, "webhook", `{"url":"https://engine.example/hook"}`, t0)
		b := enqueue(t, s, "mail", `{"to":"ben@example.com"}`, t0)
		later := enqueue(t, s, "mail", `{"to":"cy@example.com"}`, t0.Add(time.Hour))
		require.Less(t, a, w)
		require.Less(t, w, b)
		require.Less(t, b, later)

		until := t0.Add(time.Minute)
		got, err := s.Claim(ctx, mail, t0, until, "lease-1", 10)
		require.NoError(t, err)
		require.Equal(t, []outbox.Message{
			{ID: a, Kind: "mail", Payload: json.RawMessage(`{"to":"ann@example.com"}`), CreatedAt: t0, NextAttempt: until, Attempts: 1},
			{ID: b, Kind: "mail", Payload: json.RawMessage(`{"to":"ben@example.com"}`), CreatedAt: t0, NextAttempt: until, Attempts: 1},
		}, got, "due mails, lowest ID first; the webhook and the later mail stay")

		got, err = s.Claim(ctx, mail, t0.Add(30*time.Second), until, "lease-2", 10)
		require.NoError(t, err)
		require.Empty(t, got, "leased messages are not claimed again before the lease ends")

		got, err = s.Claim(ctx, mail, until, until.Add(time.Minute), "lease-3", 1)
		require.NoError(t, err)
		require.Len(t, got, 1, "limit")
		require.Equal(t, a, got[0].ID, "a lease that ran out (a worker died) frees the message")
		require.Equal(t, 2, got[0].Attempts)

		got, err = s.Claim(ctx, []string{"webhook", "mail"}, t0.Add(2*time.Hour), t0.Add(3*time.Hour), "lease-4", 10)
		require.NoError(t, err)
		require.Len(t, got, 4, "every kind asked for, once due")
	})

	t.Run("OnlyTheLeaseHolderDeletesOrRetries", func(t *testing.T) {
		s := open(t)
		id := enqueue(t, s, "mail", `{}`, t0)
		require.ErrorIs(t, s.Delete(ctx, id, ""), bookingkit.ErrNotFound, "an unclaimed message has no lease to present")
		require.ErrorIs(t, s.Retry(ctx, id, "", t0, "x"), bookingkit.ErrNotFound)

		_, err := s.Claim(ctx, mail, t0, t0.Add(time.Minute), "old", 1)
		require.NoError(t, err)
		// The lease runs out and another worker claims the message: the
		// first worker's late answer changes nothing.
		got, err := s.Claim(ctx, mail, t0.Add(time.Minute), t0.Add(2*time.Minute), "new", 1)
		require.NoError(t, err)
		require.Len(t, got, 1)
		require.ErrorIs(t, s.Delete(ctx, id, "old"), bookingkit.ErrNotFound)
		require.ErrorIs(t, s.Retry(ctx, id, "old", t0, "late"), bookingkit.ErrNotFound)

		next := t0.Add(10 * time.Minute)
		require.NoError(t, s.Retry(ctx, id, "new", next, "connection refused"))
		require.ErrorIs(t, s.Delete(ctx, id, "new"), bookingkit.ErrNotFound, "Retry ends the lease")
		got, err = s.Claim(ctx, mail, next.Add(-time.Second), next.Add(time.Hour), "early", 1)
		require.NoError(t, err)
		require.Empty(t, got, "not due before the retry time")
		got, err = s.Claim(ctx, mail, next, next.Add(time.Minute), "retry", 1)
		require.NoError(t, err)
		require.Len(t, got, 1)
		require.Equal(t, "connection refused", got[0].LastError)
		require.Equal(t, 3, got[0].Attempts)

		require.NoError(t, s.Delete(ctx, id, "retry"))
		require.ErrorIs(t, s.Delete(ctx, id, "retry"), bookingkit.ErrNotFound)
		got, err = s.Claim(ctx, mail, t0.Add(24*time.Hour), t0.Add(25*time.Hour), "after", 1)
		require.NoError(t, err)
		require.Empty(t, got, "a delivered message is gone")
	})

	t.Run("Backlog", func(t *testing.T) {
		s := open(t)
		b, err := s.Backlog(ctx)
		require.NoError(t, err)
		require.Equal(t, outbox.Backlog{}, b)
		id := enqueue(t, s, "mail", `{}`, t0)
		_, err = s.Enqueue(ctx, outbox.Message{Kind: "mail", Payload: json.RawMessage(`{}`), CreatedAt: t0.Add(time.Hour), NextAttempt: t0.Add(time.Hour)})
		require.NoError(t, err)
		_, err = s.Claim(ctx, mail, t0, t0.Add(time.Minute), "l", 1)
		require.NoError(t, err)
		require.NoError(t, s.Retry(ctx, id, "l", t0.Add(time.Minute), "refused"))
		b, err = s.Backlog(ctx)
		require.NoError(t, err)
		require.Equal(t, outbox.Backlog{Messages: 2, Failing: 1, Oldest: t0}, b)
	})

	t.Run("ConcurrentClaimsNeverShareAMessage", func(t *testing.T) {
		// Servers sharing the database claim at the same moment: each
		// message goes to exactly one of them.
		s := open(t)
		const messages, workers = 60, 6
		for i := range messages {
			enqueue(t, s, "mail", fmt.Sprintf(`{"n":%d}`, i), t0)
		}
		var mu sync.Mutex
		seen := map[int64]string{}
		var wg sync.WaitGroup
		errs := make(chan error, workers)
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				token := fmt.Sprintf("worker-%d", w)
				for {
					got, err := s.Claim(ctx, mail, t0, t0.Add(time.Hour), token, 3)
					if err != nil {
						errs <- err
						return
					}
					if len(got) == 0 {
						return
					}
					mu.Lock()
					for _, m := range got {
						if other, dup := seen[m.ID]; dup {
							errs <- fmt.Errorf("message %d claimed by %s and %s", m.ID, other, token)
						}
						seen[m.ID] = token
					}
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		require.Len(t, seen, messages)
	})
}
