package staffid_test

import (
	"context"
	"encoding/json"
	"maps"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/account"
	"github.com/bookingkit/bookingkit/staffid"
)

// countingLimiter lets everything through and counts the attempts per key.
type countingLimiter struct {
	mu     sync.Mutex
	counts map[string]int
}

func (l *countingLimiter) Allow(_ context.Context, key string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.counts[key]++
	return nil
}

func (l *countingLimiter) snapshot() map[string]int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return maps.Clone(l.counts)
}

// jsonQueue keeps what is queued as the outbox stores it: JSON.
type jsonQueue struct {
	kinds    []string
	payloads []json.RawMessage
}

func (q *jsonQueue) Enqueue(_ context.Context, kind string, payload any) error {
	raw, err := json.Marshal(payload)
	if err != nil {
		return err
	}
	q.kinds, q.payloads = append(q.kinds, kind), append(q.payloads, raw)
	return nil
}

// The queued forms read nothing stored and take the rate limits once: in
// the request, not again when the worker completes them.
func TestQueuedRegistrationAndResetReadNothingAndLimitOnce(t *testing.T) {
	ctx := context.Background()
	e := newAcctEnv(t, staffid.Config{}, account.Config{})
	limits := &countingLimiter{counts: map[string]int{}}
	q := &jsonQueue{}
	accounts, err := staffid.NewAccounts(e.cfg, e.stores.StaffID, e.stores.Accounts, staffid.AccountsConfig{
		Account: account.Config{HashParams: acctFast, Now: e.clock.Now, PerAddress: limits, PerAccount: limits},
		Mailer:  e.mailer, Queue: q, LinkURL: "https://staff.example.com/set-password?token={token}",
	})
	require.NoError(t, err)

	unknown := harrison()
	unknown.Fields["employeeid"], unknown.Email = "999", "nobody@example.com"
	for _, form := range []staffid.RegistrationForm{harrison(), unknown} {
		require.NoError(t, accounts.QueueRegister(ctx, form, "10.0.0.1"))
	}
	require.NoError(t, accounts.QueueReset(ctx, "George@example.com", "10.0.0.1"))
	require.NoError(t, accounts.QueueReset(ctx, "nobody@example.com", "10.0.0.1"))
	require.Equal(t, []string{staffid.KindRegister, staffid.KindRegister, staffid.KindReset, staffid.KindReset}, q.kinds)
	require.Zero(t, e.mailer.count(), "nothing is mailed before the worker completes")
	_, err = e.stores.Accounts.AccountByEmail(ctx, staffid.StaffRealm, "george@example.com")
	require.ErrorIs(t, err, bookingkit.ErrNotFound, "nor is an account made")
	taken := limits.snapshot()
	require.Equal(t, 2, taken["staff:register:addr:10.0.0.1"])
	require.Equal(t, 2, taken["staff:link:addr:10.0.0.1"])

	// Malformed input is refused in the request, and nothing is queued.
	bad := harrison()
	bad.Fields["birthday"] = "1943/02/25"
	require.ErrorIs(t, accounts.QueueRegister(ctx, bad, "10.0.0.1"), bookingkit.ErrInvalid)
	require.ErrorIs(t, accounts.QueueReset(ctx, "not an address", "10.0.0.1"), bookingkit.ErrInvalid)
	require.Len(t, q.kinds, 4)
	taken = limits.snapshot()

	// The worker's part, from the stored JSON.
	var outcomes []staffid.RegisterOutcome
	for i, kind := range q.kinds {
		switch kind {
		case staffid.KindRegister:
			var form staffid.RegistrationForm
			require.NoError(t, json.Unmarshal(q.payloads[i], &form))
			reg, err := accounts.CompleteRegister(ctx, form)
			require.NoError(t, err)
			outcomes = append(outcomes, reg.Outcome)
		case staffid.KindReset:
			var req staffid.ResetRequest
			require.NoError(t, json.Unmarshal(q.payloads[i], &req))
			require.NoError(t, accounts.CompleteReset(ctx, req))
		}
	}
	require.Equal(t, []staffid.RegisterOutcome{staffid.RegisterLinkSent, staffid.RegisterRefused}, outcomes)
	require.Equal(t, taken, limits.snapshot(), "completing takes no limit again")
	require.Equal(t, 3, e.mailer.count(), "George's link, the refusal, George's reset link; nothing for the unknown reset")
	e.mailer.lastToken(t, "george@example.com")

	// A stored form the fields no longer accept cannot be completed:
	// invalid, so the outbox drops it instead of retrying.
	_, err = accounts.CompleteRegister(ctx, staffid.RegistrationForm{Fields: map[string]string{"Shoe": "42"}, Email: "x@example.com"})
	require.ErrorIs(t, err, bookingkit.ErrInvalid)
}
