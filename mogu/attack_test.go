package mogu_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/mogu"
	"github.com/bookingkit/bookingkit/throttle"
)

// The shared limiter plugs in as is.
var _ mogu.Limiter = (*throttle.Limiter)(nil)

// garbageRefusal is what a token of random letters gets; every attack on a
// token must get exactly the same.
func garbageRefusal(t *testing.T, e *env) error {
	t.Helper()
	_, err := e.svc.Claim(ctx, mogu.Account{ID: "acc-probe", Email: "probe@example.com"}, strings.Repeat("Q", 58), "")
	require.Same(t, mogu.ErrInvalidToken, err)
	return err
}

// Attack: take the voucher of booking A and edit the token to name booking
// B, keeping or changing its length.
func TestAttackTokenEditedToOtherBooking(t *testing.T) {
	e := newEnv(t)
	e.register(t, b2c("BKG-AAAA", "alice@example.com"))
	e.register(t, b2c("BKG-BBBB", "bob@example.com"))
	e.register(t, b2c("BKG-BB", "carol@example.com"))
	tokA := e.token(t, "BKG-AAAA")
	raw, err := b32.DecodeString(tokA)
	require.NoError(t, err)
	head, tag := raw[:11], raw[len(raw)-16:]
	mallory := mogu.Account{ID: "acc-mallory", Email: "mallory@example.com"}
	want := garbageRefusal(t, e)

	forgeries := map[string][]byte{
		"same length":         join(head, []byte("BKG-BBBB"), tag),
		"shorter ID":          join(head, []byte("BKG-BB"), tag),
		"one character":       join(head, []byte("BKG-AAAB"), tag),
		"tag of A, no change": join(head, []byte("BKG-AAAA"), tag), // control: the real token
	}
	for name, msg := range forgeries {
		t.Run(name, func(t *testing.T) {
			_, err := e.svc.Claim(ctx, mallory, b32.EncodeToString(msg), "")
			if name == "tag of A, no change" {
				require.NoError(t, err, "the unedited token works, so the edits are what fails")
				return
			}
			require.Same(t, want, err, "refused exactly like garbage")
		})
	}
	// Typing a locator is no way in either.
	_, err = e.svc.Claim(ctx, mallory, "BKG-BBBB", "")
	require.Same(t, want, err)

	at, err := e.svc.TripDetail(ctx, mallory, "BKG-AAAA")
	require.NoError(t, err, "only the real token linked mallory, to A")
	require.Equal(t, "BKG-AAAA", at.ID)
	for _, id := range []string{"BKG-BBBB", "BKG-BB"} {
		_, err := e.svc.TripDetail(ctx, mallory, id)
		require.ErrorIs(t, err, bookingkit.ErrNotFound)
	}
	require.Equal(t, []string{"BKG-AAAA"}, e.tripIDs(t, mallory))
}

func join(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// Attack: a voucher signed with a key that has since been removed from the
// keyring (a leaked key, rotated out).
func TestAttackRemovedKey(t *testing.T) {
	e := newEnv(t)
	e.register(t, b2c("B1", "ana@example.com"))
	oldTok := e.token(t, "B1")
	ana := mogu.Account{ID: "acc-ana", Email: "ana@example.com"}
	bob := mogu.Account{ID: "acc-bob", Email: "bob@example.com"}

	// Rotation, old key still honoured: the printed voucher keeps working.
	require.NoError(t, e.svc.SetKeyring(mustKeyring(t, testKey(2, 0xB2), testKey(1, 0xA1))))
	_, err := e.svc.Claim(ctx, ana, oldTok, "")
	require.NoError(t, err)
	newTok := e.token(t, "B1")
	require.NotEqual(t, oldTok, newTok, "new vouchers use the new key")

	// Key 1 removed: its tokens are refused like garbage.
	require.NoError(t, e.svc.SetKeyring(mustKeyring(t, testKey(2, 0xB2))))
	_, err = e.svc.Claim(ctx, bob, oldTok, "")
	require.Same(t, garbageRefusal(t, e), err)
	_, err = e.svc.Claim(ctx, bob, newTok, "")
	require.NoError(t, err)

	// A token minted by someone holding a removed key is refused too.
	leaked := mustKeyring(t, testKey(1, 0xA1))
	minted, err := leaked.Sign(mogu.Claim{BookingID: "B1", Generation: 1, Expires: t0.Add(time.Hour)})
	require.NoError(t, err)
	_, err = e.svc.Claim(ctx, mogu.Account{ID: "acc-m", Email: "m@example.com"}, minted, "")
	require.Same(t, mogu.ErrInvalidToken, err)
}

// Attack: an expired voucher.
func TestAttackExpiredToken(t *testing.T) {
	e := newEnv(t)
	trip := e.register(t, b2c("B1", "ana@example.com"))
	v, err := e.svc.Voucher(ctx, trip.Booking)
	require.NoError(t, err)
	tok, err := e.svc.TokenFromClaimURL(v.URL)
	require.NoError(t, err)
	require.Equal(t, trip.End.Add(7*24*time.Hour), v.Expires)

	e.clock.Set(v.Expires)
	_, err = e.svc.Claim(ctx, mogu.Account{ID: "acc-1", Email: "one@example.com"}, tok, "")
	require.Same(t, garbageRefusal(t, e), err)
	e.clock.Set(v.Expires.Add(365 * 24 * time.Hour))
	_, err = e.svc.Claim(ctx, mogu.Account{ID: "acc-1", Email: "one@example.com"}, tok, "")
	require.Same(t, mogu.ErrInvalidToken, err)

	e.clock.Set(v.Expires.Add(-time.Second))
	_, err = e.svc.Claim(ctx, mogu.Account{ID: "acc-1", Email: "one@example.com"}, tok, "")
	require.NoError(t, err, "a second before, it works")
}

// Attack: a flood of claim attempts from one address, guessing tokens,
// with the project's in-process limiter (package throttle's).
func TestAttackClaimFlood(t *testing.T) {
	c := &clock{now: t0}
	lim := throttle.NewMemory(time.Minute, 5).WithClock(c.Now)
	e := newEnvWith(t, lim)
	e.clock = c
	e.svc.Now = c.Now
	trip := e.register(t, b2c("B1", "ana@example.com"))
	realTok := e.token(t, trip.ID)

	const attacker = "203.0.113.66"
	var invalid, limited int
	for i := range 200 {
		acct := mogu.Account{ID: fmt.Sprintf("acc-%d", i), Email: fmt.Sprintf("bot%d@example.com", i)}
		guess := fmt.Sprintf("%058d", i) // digits are not even base32
		_, err := e.svc.Claim(ctx, acct, guess, attacker)
		switch {
		case errors.Is(err, mogu.ErrInvalidToken):
			invalid++
		case errors.Is(err, bookingkit.ErrRateLimited):
			limited++
			var ra *bookingkit.RetryAfterError
			require.ErrorAs(t, err, &ra)
			require.Positive(t, ra.Seconds)
		default:
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	require.Equal(t, 5, invalid, "the burst reaches the token check")
	require.Equal(t, 195, limited, "the rest is refused before it")

	// Even the real token is refused from the flooding address...
	_, err := e.svc.Claim(ctx, mogu.Account{ID: "acc-x", Email: "x@example.com"}, realTok, attacker)
	require.ErrorIs(t, err, bookingkit.ErrRateLimited)
	// ...while a traveller elsewhere is not affected.
	_, err = e.svc.Claim(ctx, mogu.Account{ID: "acc-ana", Email: "ana@example.com"}, realTok, "198.51.100.7")
	require.NoError(t, err)

	// One account hopping between addresses is limited by account.
	for i := range 5 {
		_, err := e.svc.Claim(ctx, mogu.Account{ID: "acc-hop", Email: "hop@example.com"}, "AAAA", fmt.Sprintf("192.0.2.%d", i))
		require.Same(t, mogu.ErrInvalidToken, err)
	}
	_, err = e.svc.Claim(ctx, mogu.Account{ID: "acc-hop", Email: "hop@example.com"}, "AAAA", "192.0.2.99")
	require.ErrorIs(t, err, bookingkit.ErrRateLimited)

	// The bucket refills with time.
	c.Set(t0.Add(time.Minute))
	_, err = e.svc.Claim(ctx, mogu.Account{ID: "acc-bob", Email: "bob@example.com"}, realTok, attacker)
	require.NoError(t, err)
	requireClaims(t, e, "B1", 2) // only the two real claims linked anything
}

// Attack: a B2B booking carrying the agent's email must not appear in the
// agent's list, nor in anyone's, until the traveller scans; and then only
// in the traveller's.
func TestAttackAgentEmailBookingInvisible(t *testing.T) {
	e := newEnv(t)
	trip := e.register(t, b2b("B2B-7", "Agent@Agency.example ")) // the agent's own email, another spelling
	agent := mogu.Account{ID: "acc-agent", Email: "agent@agency.example"}
	agentUpper := mogu.Account{ID: "acc-agent2", Email: "AGENT@AGENCY.EXAMPLE"}
	traveller := mogu.Account{ID: "acc-ana", Email: "ana@example.com"}
	bystander := mogu.Account{ID: "acc-bob", Email: "bob@example.com"}
	everyone := []mogu.Account{agent, agentUpper, traveller, bystander}

	check := func(visibleTo ...mogu.Account) {
		t.Helper()
		for _, a := range everyone {
			visible := false
			for _, v := range visibleTo {
				visible = visible || v.ID == a.ID
			}
			ids := e.tripIDs(t, a)
			_, err := e.svc.TripDetail(ctx, a, trip.ID)
			if visible {
				require.Equal(t, []string{trip.ID}, ids, a.Email)
				require.NoError(t, err)
			} else {
				require.Empty(t, ids, "%s must not see the trip", a.Email)
				require.ErrorIs(t, err, bookingkit.ErrNotFound, a.Email)
			}
		}
	}
	check()

	tok := e.token(t, trip.ID)
	_, err := e.svc.Claim(ctx, agent, tok, "")
	require.ErrorIs(t, err, bookingkit.ErrForbidden, "the agent scanning the QR does not take the trip")
	_, err = e.svc.Claim(ctx, agentUpper, tok, "")
	require.ErrorIs(t, err, bookingkit.ErrForbidden)
	check()

	at, err := e.svc.Claim(ctx, traveller, tok, "")
	require.NoError(t, err)
	require.Equal(t, mogu.LinkAsTraveler, at.Link)
	check(traveller)
}

// Attack: an operator reading another agency's bookings.
func TestAttackOperatorReadsOtherAgency(t *testing.T) {
	e := newEnv(t)
	for i := range 6 {
		tr := b2b(fmt.Sprintf("AG1-%d", i), "agent@agency.example")
		e.register(t, tr)
		tr = b2b(fmt.Sprintf("AG2-%d", i), "agent@ag2.example")
		tr.AgentEmail, tr.AgencyID = "agent@ag2.example", "AG2"
		tr.Start = tr.Start.Add(-time.Hour) // AG2's trips sort first
		e.register(t, tr)
	}
	_, err := e.svc.Grant(ctx, "admin", "op1", "AG1")
	require.NoError(t, err)
	require.NoError(t, e.svc.EnterAccount(ctx, "op1", "AG1"))

	// Walk every page: only AG1's bookings.
	var seen []string
	cursor := ""
	for {
		p, err := e.svc.AccountBookings(ctx, "op1", cursor, 4)
		require.NoError(t, err)
		for _, tr := range p.Trips {
			require.Equal(t, "AG1", tr.AgencyID)
			seen = append(seen, tr.ID)
		}
		if p.Next == "" {
			break
		}
		cursor = p.Next
	}
	require.Len(t, seen, 6)

	// A cursor forged to point into AG2's rows still lists AG1 only.
	forged := mogu.TripCursor{Start: t0, BookingID: "AG2-0"}.String()
	p, err := e.svc.AccountBookings(ctx, "op1", forged, 100)
	require.NoError(t, err)
	for _, tr := range p.Trips {
		require.Equal(t, "AG1", tr.AgencyID)
	}

	// Asking for an AG2 booking by ID reads as not found.
	_, err = e.svc.AccountBooking(ctx, "op1", "AG2-0")
	require.ErrorIs(t, err, bookingkit.ErrNotFound)

	// Entering AG2's account is refused clearly, and changes nothing.
	err = e.svc.EnterAccount(ctx, "op1", "AG2")
	var fe *mogu.ForbiddenAccountError
	require.ErrorAs(t, err, &fe)
	require.ErrorIs(t, err, bookingkit.ErrForbidden)
	require.Equal(t, "AG2", fe.AgencyID)
	cur, err := e.svc.CurrentAccount(ctx, "op1")
	require.NoError(t, err)
	require.Equal(t, "AG1", cur)

	// An operator of no agency reads nothing at all.
	_, err = e.svc.AccountBookings(ctx, "op2", "", 0)
	require.ErrorIs(t, err, bookingkit.ErrForbidden)
	_, err = e.svc.AccountBooking(ctx, "op2", "AG1-0")
	require.ErrorIs(t, err, bookingkit.ErrForbidden)

	// A stale current account (membership gone behind the store's back)
	// is refused, not trusted.
	e.store.dropMembership("op1", "AG1")
	_, err = e.svc.AccountBookings(ctx, "op1", "", 0)
	require.ErrorIs(t, err, bookingkit.ErrForbidden)
}

// Attack: a token correctly signed for a booking that is not registered
// (or was never meant to be) is refused like any other bad token.
func TestAttackValidTokenUnregisteredBooking(t *testing.T) {
	e := newEnv(t)
	e.register(t, b2c("B1", "ana@example.com"))
	tok, err := e.keys.Sign(mogu.Claim{BookingID: "GHOST", Generation: 1, Expires: t0.Add(time.Hour)})
	require.NoError(t, err)
	_, err = e.svc.Claim(ctx, mogu.Account{ID: "acc-1", Email: "one@example.com"}, tok, "")
	require.Same(t, garbageRefusal(t, e), err)
	// And a generation from the future is no better than one from the past.
	tok, err = e.keys.Sign(mogu.Claim{BookingID: "B1", Generation: 2, Expires: t0.Add(time.Hour)})
	require.NoError(t, err)
	_, err = e.svc.Claim(ctx, mogu.Account{ID: "acc-1", Email: "one@example.com"}, tok, "")
	require.Same(t, mogu.ErrInvalidToken, err)
}
