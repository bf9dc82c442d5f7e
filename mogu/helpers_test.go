package mogu_test

import (
	"bytes"
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/mogu"
)

// t0 is the tests' "now": trips start after it.
var t0 = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

// testKey returns a 32-byte key with every byte b: fixed, so failures
// reproduce.
func testKey(id uint16, b byte) mogu.Key {
	return mogu.Key{ID: id, Secret: bytes.Repeat([]byte{b}, mogu.MinKeyLen)}
}

// clock is a settable time source.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// countingLimiter allows max attempts per key and counts them all.
type countingLimiter struct {
	mu       sync.Mutex
	max      int
	attempts map[string]int
}

func newCountingLimiter(max int) *countingLimiter {
	return &countingLimiter{max: max, attempts: map[string]int{}}
}

func (l *countingLimiter) Allow(_ context.Context, key string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.attempts[key]++
	if l.attempts[key] > l.max {
		return &bookingkit.RetryAfterError{Seconds: 60}
	}
	return nil
}

var testConfig = mogu.Config{
	ClaimURLBase:        "https://mogu.example/c/",
	ServicesURLTemplate: "https://engine.example/booking/{booking}/services",
	BackOfficeURL:       "https://mogu.example/backoffice/",
	Administrators:      []string{"admin"},
}

// env is a service over a fake store with a settable clock.
type env struct {
	svc   *mogu.Service
	store *fakeStore
	clock *clock
	keys  *mogu.Keyring
	lim   mogu.Limiter
}

func newEnv(t testing.TB) *env {
	t.Helper()
	return newEnvWith(t, newCountingLimiter(1000))
}

func newEnvWith(t testing.TB, lim mogu.Limiter) *env {
	t.Helper()
	keys, err := mogu.NewKeyring(testKey(1, 0xA1))
	require.NoError(t, err)
	st := newFakeStore()
	svc, err := mogu.NewService(st, keys, lim, testConfig)
	require.NoError(t, err)
	c := &clock{now: t0}
	svc.Now = c.Now
	return &env{svc: svc, store: st, clock: c, keys: keys, lim: lim}
}

var ctx = context.Background()

// ctxT shortens context.Context in wrapper stores' signatures.
type ctxT = context.Context

// activate turns MOGU on for a microsite.
func (e *env) activate(t testing.TB, microsite string) {
	t.Helper()
	_, err := e.svc.SetActive(ctx, microsite, true, "am@engine.example", "")
	require.NoError(t, err)
}

// b2c returns a valid B2C trip on microsite "main", starting in 10 days.
func b2c(id, contact string) mogu.Trip {
	return mogu.Trip{
		Booking:   mogu.Booking{ID: id, Channel: mogu.B2C, ContactEmail: contact, MicrositeID: "main"},
		Title:     "Madrid – Tenerife",
		Travelers: 2,
		Start:     t0.Add(10 * 24 * time.Hour),
		End:       t0.Add(17 * 24 * time.Hour),
	}
}

// b2b returns a valid B2B trip of agency AG1 made by agent@agency.example.
func b2b(id, contact string) mogu.Trip {
	t := b2c(id, contact)
	t.Channel = mogu.B2B
	t.AgentEmail = "agent@agency.example"
	t.AgencyID = "AG1"
	return t
}

// register activates the trip's microsite and registers it.
func (e *env) register(t testing.TB, trip mogu.Trip) mogu.Trip {
	t.Helper()
	a, err := e.svc.Activation(ctx, trip.MicrositeID)
	require.NoError(t, err)
	if !a.Active {
		e.activate(t, trip.MicrositeID)
	}
	got, err := e.svc.RegisterBooking(ctx, trip)
	require.NoError(t, err)
	return got
}

// token returns the claim token printed on the booking's voucher.
func (e *env) token(t testing.TB, bookingID string) string {
	t.Helper()
	v, err := e.svc.Voucher(ctx, mogu.Booking{ID: bookingID})
	require.NoError(t, err)
	require.Equal(t, mogu.VoucherMOGU, v.Kind, v.Reason)
	tok, err := e.svc.TokenFromClaimURL(v.URL)
	require.NoError(t, err)
	return tok
}

// tripIDs lists the booking IDs of an account's upcoming trips.
func (e *env) tripIDs(t testing.TB, acct mogu.Account) []string {
	t.Helper()
	var ids []string
	cursor := ""
	for {
		p, err := e.svc.UpcomingTrips(ctx, acct, cursor, 2)
		require.NoError(t, err)
		for _, tr := range p.Trips {
			ids = append(ids, tr.ID)
		}
		if p.Next == "" {
			return ids
		}
		cursor = p.Next
	}
}
