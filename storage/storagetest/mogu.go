package storagetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/mogu"
)

// moguDay is the start of the suite's trips: day n of the trip calendar.
func moguDay(n int) time.Time { return t0.Add(time.Duration(n) * 24 * time.Hour) }

// moguTrip returns a normalised trip as the service hands it to the store.
// agent == "" makes it B2C; otherwise B2B of agency.
func moguTrip(t *testing.T, id, contact, agent, agency string, start time.Time) mogu.Trip {
	t.Helper()
	tr := mogu.Trip{
		Booking:   mogu.Booking{ID: id, Channel: mogu.B2C, ContactEmail: contact, MicrositeID: "main"},
		Title:     "Madrid – Tenerife",
		Travelers: 2,
		Start:     start,
		End:       start.Add(7 * 24 * time.Hour),
	}
	if agent != "" {
		tr.Channel, tr.AgentEmail, tr.AgencyID = mogu.B2B, agent, agency
	}
	tr, err := tr.Normalize()
	require.NoError(t, err)
	return tr
}

// moguPut stores trip at now and returns what the store says.
func moguPut(t *testing.T, s mogu.Store, trip mogu.Trip, now time.Time) mogu.Trip {
	t.Helper()
	got, err := s.PutTrip(context.Background(), trip, now)
	require.NoError(t, err)
	return got
}

// moguClaim links account to the trip with the trip's current generation.
func moguClaim(t *testing.T, s mogu.Store, bookingID, accountID, emailKey string, link mogu.Link, at time.Time) mogu.TripLink {
	t.Helper()
	tr, err := s.Trip(context.Background(), bookingID)
	require.NoError(t, err)
	l := mogu.TripLink{BookingID: bookingID, AccountID: accountID, EmailKey: emailKey, Link: link, Generation: tr.TokenGeneration, At: at}
	got, created, err := s.AddLink(context.Background(), l)
	require.NoError(t, err)
	require.True(t, created)
	require.Equal(t, l, got)
	return got
}

func moguIDs[T any](rows []T, id func(T) string) []string {
	out := []string{}
	for _, r := range rows {
		out = append(out, id(r))
	}
	return out
}

func accountTripID(at mogu.AccountTrip) string { return at.ID }
func tripID(t mogu.Trip) string                { return t.ID }

// RunMogu holds a [mogu.Store] to the suite: the activation history, trips
// and their token generations, claims up to the number of travellers (one
// winner of the last place), which trips an account sees, and operators'
// agency memberships.
func RunMogu(t *testing.T, open func(t *testing.T) mogu.Store) {
	ctx := context.Background()

	t.Run("ActivationHistory", func(t *testing.T) {
		s := open(t)
		_, err := s.LatestActivation(ctx, "main")
		require.ErrorIs(t, err, bookingkit.ErrNotFound, "a microsite that never changed has no latest change")
		h, err := s.ActivationHistory(ctx, "main", 0, 10)
		require.NoError(t, err, "no history is not an error")
		require.Empty(t, h)

		on := mogu.Activation{MicrositeID: "main", Seq: 1, Active: true, By: "am@engine.example", At: t0, Note: "contract signed"}
		off := mogu.Activation{MicrositeID: "main", Seq: 2, Active: false, By: "am2@engine.example", At: t0.Add(time.Hour)}
		require.ErrorIs(t, s.RecordActivation(ctx, off), bookingkit.ErrConflict, "seq 2 before seq 1")
		require.ErrorIs(t, s.RecordActivation(ctx, mogu.Activation{MicrositeID: "main", Seq: 0, Active: true, By: "x", At: t0}), bookingkit.ErrConflict)
		require.NoError(t, s.RecordActivation(ctx, on))
		require.ErrorIs(t, s.RecordActivation(ctx, on), bookingkit.ErrConflict, "seq 1 twice")
		require.ErrorIs(t, s.RecordActivation(ctx, mogu.Activation{MicrositeID: "main", Seq: 3, Active: false, By: "x", At: t0}), bookingkit.ErrConflict, "a gap")
		require.NoError(t, s.RecordActivation(ctx, off))
		groups := mogu.Activation{MicrositeID: "groups", Seq: 1, Active: true, By: "am@engine.example", At: t0}
		require.NoError(t, s.RecordActivation(ctx, groups), "microsites count separately")

		latest, err := s.LatestActivation(ctx, "main")
		require.NoError(t, err)
		require.Equal(t, off, latest)

		for _, tt := range []struct {
			before int64
			limit  int
			want   []mogu.Activation
		}{
			{0, 10, []mogu.Activation{off, on}},
			{0, 1, []mogu.Activation{off}},
			{2, 10, []mogu.Activation{on}},
			{1, 10, []mogu.Activation{}},
			{99, 10, []mogu.Activation{off, on}},
		} {
			got, err := s.ActivationHistory(ctx, "main", tt.before, tt.limit)
			require.NoError(t, err)
			if len(tt.want) == 0 {
				require.Empty(t, got, "before %d", tt.before)
				continue
			}
			require.Equal(t, tt.want, got, "before %d limit %d", tt.before, tt.limit)
		}
	})

	t.Run("ActivationConcurrentWritersOneWins", func(t *testing.T) {
		s := open(t)
		var wg sync.WaitGroup
		var mu sync.Mutex
		wins := 0
		for i := range 6 {
			wg.Go(func() {
				err := s.RecordActivation(ctx, mogu.Activation{MicrositeID: "main", Seq: 1, Active: true, By: fmt.Sprintf("am%d", i), At: t0})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					wins++
				case !errors.Is(err, bookingkit.ErrConflict):
					t.Errorf("RecordActivation: %v, want nil or ErrConflict", err)
				}
			})
		}
		wg.Wait()
		require.Equal(t, 1, wins)
		h, err := s.ActivationHistory(ctx, "main", 0, 10)
		require.NoError(t, err)
		require.Len(t, h, 1)
	})

	t.Run("PutTripInsertsThenUpdatesKeepingGenerationAndClaims", func(t *testing.T) {
		s := open(t)
		_, err := s.Trip(ctx, "ITT-1")
		require.ErrorIs(t, err, bookingkit.ErrNotFound)

		in := moguTrip(t, "ITT-1", "ana@example.com", "", "", moguDay(10))
		in.TokenGeneration, in.Claims, in.RegisteredAt = 77, 5, t0.Add(-time.Hour) // ignored by the store
		got := moguPut(t, s, in, t0)
		want := in
		want.TokenGeneration, want.Claims, want.RegisteredAt, want.UpdatedAt = 1, 0, t0, t0
		if d := cmp.Diff(want, got); d != "" {
			t.Fatalf("PutTrip insert (-want +got):\n%s", d)
		}
		read, err := s.Trip(ctx, "ITT-1")
		require.NoError(t, err)
		require.Equal(t, want, read)

		rotated, err := s.RotateToken(ctx, "ITT-1", t0.Add(time.Minute))
		require.NoError(t, err)
		moguClaim(t, s, "ITT-1", "acc-ana", "ana@example.com", mogu.LinkByEmail, t0.Add(2*time.Minute))

		// The engine sends the booking again: now B2B, the agent's email as
		// contact, more travellers, new dates.
		upd := moguTrip(t, "ITT-1", "Desk@Agency.example", "desk@agency.example", "AG1", moguDay(12))
		upd.Travelers, upd.Title = 4, "Madrid – Lanzarote"
		later := t0.Add(time.Hour)
		got = moguPut(t, s, upd, later)
		want = upd
		want.TokenGeneration, want.Claims, want.RegisteredAt, want.UpdatedAt = rotated.TokenGeneration, 1, t0, later
		if d := cmp.Diff(want, got); d != "" {
			t.Fatalf("PutTrip update (-want +got):\n%s", d)
		}
		require.False(t, got.ListedByEmail)
		require.Equal(t, "desk@agency.example", got.ContactKey)
		at, err := s.AccountTrip(ctx, "acc-ana", "ana@example.com", "ITT-1")
		require.NoError(t, err, "the update keeps the links")
		require.True(t, at.Claimed)
	})

	t.Run("RotateToken", func(t *testing.T) {
		s := open(t)
		_, err := s.RotateToken(ctx, "nope", t0)
		require.ErrorIs(t, err, bookingkit.ErrNotFound)
		moguPut(t, s, moguTrip(t, "ITT-1", "ana@example.com", "", "", moguDay(10)), t0)
		var wg sync.WaitGroup
		for range 5 {
			wg.Go(func() {
				if _, err := s.RotateToken(ctx, "ITT-1", t0.Add(time.Second)); err != nil {
					t.Errorf("RotateToken: %v", err)
				}
			})
		}
		wg.Wait()
		got, err := s.RotateToken(ctx, "ITT-1", t0.Add(time.Minute))
		require.NoError(t, err)
		require.Equal(t, uint32(7), got.TokenGeneration, "1 + five concurrent rotations + this one")
		require.Equal(t, t0.Add(time.Minute), got.UpdatedAt)
		require.Equal(t, t0, got.RegisteredAt)
	})

	t.Run("AddLinkChecksInOrder", func(t *testing.T) {
		s := open(t)
		link := func(booking, acct string, gen uint32) mogu.TripLink {
			return mogu.TripLink{BookingID: booking, AccountID: acct, EmailKey: acct + "@example.com", Link: mogu.LinkAsTraveler, Generation: gen, At: t0}
		}
		_, _, err := s.AddLink(ctx, link("nope", "acc-a", 1))
		require.ErrorIs(t, err, bookingkit.ErrNotFound, "no trip")

		trip := moguTrip(t, "ITT-1", "desk@agency.example", "desk@agency.example", "AG1", moguDay(10))
		trip.Travelers = 2
		moguPut(t, s, trip, t0)

		first, created, err := s.AddLink(ctx, link("ITT-1", "acc-a", 1))
		require.NoError(t, err)
		require.True(t, created)
		require.Equal(t, link("ITT-1", "acc-a", 1), first)

		again := link("ITT-1", "acc-a", 1)
		again.At, again.Link = t0.Add(time.Hour), mogu.LinkByEmail
		got, created, err := s.AddLink(ctx, again)
		require.NoError(t, err)
		require.False(t, created, "the account has claimed it already")
		require.Equal(t, first, got, "the existing link comes back unchanged")

		_, err = s.RotateToken(ctx, "ITT-1", t0)
		require.NoError(t, err)
		_, _, err = s.AddLink(ctx, link("ITT-1", "acc-b", 1))
		require.ErrorIs(t, err, mogu.ErrGenerationChanged)
		require.ErrorIs(t, err, bookingkit.ErrConflict)
		_, _, err = s.AddLink(ctx, link("ITT-1", "acc-a", 1))
		require.ErrorIs(t, err, mogu.ErrGenerationChanged, "the generation is checked before the existing link")

		moguClaim(t, s, "ITT-1", "acc-b", "b@example.com", mogu.LinkAsTraveler, t0)
		_, _, err = s.AddLink(ctx, link("ITT-1", "acc-c", 2))
		require.ErrorIs(t, err, mogu.ErrClaimsExhausted)
		require.ErrorIs(t, err, bookingkit.ErrConflict)
		got, created, err = s.AddLink(ctx, link("ITT-1", "acc-b", 2))
		require.NoError(t, err, "an account that claimed it gets its link back even when the places are taken")
		require.False(t, created)
		require.Equal(t, "acc-b", got.AccountID)

		tr, err := s.Trip(ctx, "ITT-1")
		require.NoError(t, err)
		require.Equal(t, 2, tr.Claims)
	})

	t.Run("AddLinkLastPlaceHasOneWinner", func(t *testing.T) {
		s := open(t)
		trip := moguTrip(t, "ITT-1", "desk@agency.example", "desk@agency.example", "AG1", moguDay(10))
		trip.Travelers = 3
		moguPut(t, s, trip, t0)
		moguClaim(t, s, "ITT-1", "acc-0", "a0@example.com", mogu.LinkAsTraveler, t0)
		moguClaim(t, s, "ITT-1", "acc-1", "a1@example.com", mogu.LinkAsTraveler, t0)

		var wg sync.WaitGroup
		var mu sync.Mutex
		var winners []string
		for i := range 8 {
			wg.Go(func() {
				acct := fmt.Sprintf("racer-%d", i)
				l := mogu.TripLink{BookingID: "ITT-1", AccountID: acct, EmailKey: acct + "@example.com", Link: mogu.LinkAsTraveler, Generation: 1, At: t0}
				_, created, err := s.AddLink(ctx, l)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil && created:
					winners = append(winners, acct)
				case !errors.Is(err, mogu.ErrClaimsExhausted):
					t.Errorf("AddLink %s: created=%v err=%v, want a win or ErrClaimsExhausted", acct, created, err)
				}
			})
		}
		wg.Wait()
		require.Len(t, winners, 1, "exactly one account gets the last place")
		tr, err := s.Trip(ctx, "ITT-1")
		require.NoError(t, err)
		require.Equal(t, 3, tr.Claims)
		_, err = s.AccountTrip(ctx, winners[0], "", "ITT-1")
		require.NoError(t, err)
	})

	t.Run("AddLinkSameAccountConcurrentlyCreatesOnce", func(t *testing.T) {
		s := open(t)
		moguPut(t, s, moguTrip(t, "ITT-1", "ana@example.com", "", "", moguDay(10)), t0)
		var wg sync.WaitGroup
		var mu sync.Mutex
		creations := 0
		for range 6 {
			wg.Go(func() {
				l := mogu.TripLink{BookingID: "ITT-1", AccountID: "acc-ana", EmailKey: "ana@example.com", Link: mogu.LinkByEmail, Generation: 1, At: t0}
				_, created, err := s.AddLink(ctx, l)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					t.Errorf("AddLink: %v", err)
				}
				if created {
					creations++
				}
			})
		}
		wg.Wait()
		require.Equal(t, 1, creations)
		tr, err := s.Trip(ctx, "ITT-1")
		require.NoError(t, err)
		require.Equal(t, 1, tr.Claims)
	})

	t.Run("AccountTripVisibility", func(t *testing.T) {
		s := open(t)
		b2c := moguPut(t, s, moguTrip(t, "B2C-1", "Ana@Example.com", "", "", moguDay(10)), t0)
		agentMail := moguPut(t, s, moguTrip(t, "B2B-AGENT", "desk@agency.example", "DESK@agency.example", "AG1", moguDay(11)), t0)
		travellerMail := moguPut(t, s, moguTrip(t, "B2B-TRAV", "ana@example.com", "desk@agency.example", "AG1", moguDay(12)), t0)

		for _, tt := range []struct {
			name             string
			account, key, id string
			want             *mogu.AccountTrip
		}{
			{"B2C by email", "acc-ana", "ana@example.com", "B2C-1", &mogu.AccountTrip{Trip: b2c, Link: mogu.LinkByEmail}},
			{"B2B with the traveller's email", "acc-ana", "ana@example.com", "B2B-TRAV", &mogu.AccountTrip{Trip: travellerMail, Link: mogu.LinkByEmail}},
			{"B2B with the agent's email: not even the agent", "acc-desk", "desk@agency.example", "B2B-AGENT", nil},
			{"B2B with the agent's email: not the traveller before scanning", "acc-ana", "ana@example.com", "B2B-AGENT", nil},
			{"someone else", "acc-eve", "eve@example.com", "B2C-1", nil},
			{"no such booking", "acc-ana", "ana@example.com", "nope", nil},
			{"empty email key", "acc-ana", "", "B2C-1", nil},
		} {
			got, err := s.AccountTrip(ctx, tt.account, tt.key, tt.id)
			if tt.want == nil {
				require.ErrorIs(t, err, bookingkit.ErrNotFound, tt.name)
				continue
			}
			require.NoError(t, err, tt.name)
			if d := cmp.Diff(*tt.want, got); d != "" {
				t.Errorf("%s (-want +got):\n%s", tt.name, d)
			}
		}

		at := t0.Add(time.Hour)
		moguClaim(t, s, "B2B-AGENT", "acc-ana", "ana@example.com", mogu.LinkAsTraveler, at)
		moguClaim(t, s, "B2C-1", "acc-ana", "ana@example.com", mogu.LinkByEmail, at)
		agentMail.Claims, b2c.Claims = 1, 1
		for _, tt := range []struct {
			id   string
			want mogu.AccountTrip
		}{
			{"B2B-AGENT", mogu.AccountTrip{Trip: agentMail, Link: mogu.LinkAsTraveler, Claimed: true, LinkedAt: at}},
			{"B2C-1", mogu.AccountTrip{Trip: b2c, Link: mogu.LinkByEmail, Claimed: true, LinkedAt: at}},
		} {
			got, err := s.AccountTrip(ctx, "acc-ana", "ana@example.com", tt.id)
			require.NoError(t, err)
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("%s after the claim (-want +got):\n%s", tt.id, d)
			}
		}
		got, err := s.AccountTrip(ctx, "acc-ana", "changed@example.com", "B2B-AGENT")
		require.NoError(t, err, "a claimed trip stays with the account whatever its email")
		require.True(t, got.Claimed)
		_, err = s.AccountTrip(ctx, "acc-desk", "desk@agency.example", "B2B-AGENT")
		require.ErrorIs(t, err, bookingkit.ErrNotFound, "the agent still does not see it")
	})

	t.Run("ListAccountTrips", func(t *testing.T) {
		s := open(t)
		const ana, key = "acc-ana", "ana@example.com"
		put := func(id, contact, agent string, start time.Time) {
			agency := ""
			if agent != "" {
				agency = "AG1"
			}
			moguPut(t, s, moguTrip(t, id, contact, agent, agency, start), t0)
		}
		put("E-1", "ana@example.com", "", moguDay(10))                       // by email
		put("b-1", "ANA@example.com", "", moguDay(10))                       // by email; same start, sorts after upper case
		put("A-1", "ana@example.com", "", moguDay(10))                       // by email; same start, sorts first
		put("C-1", "desk@agency.example", "desk@agency.example", moguDay(5)) // claimed as traveller
		put("D-1", "ana@example.com", "", moguDay(20))                       // by email and claimed: listed once
		put("X-1", "bob@example.com", "", moguDay(1))                        // someone else's
		put("X-2", "desk@agency.example", "desk@agency.example", moguDay(2)) // the agent's email, not claimed
		put("OLD-1", "ana@example.com", "", moguDay(-20))                    // ended
		put("OLD-2", "desk@agency.example", "desk@agency.example", moguDay(-30))
		moguClaim(t, s, "C-1", ana, key, mogu.LinkAsTraveler, t0)
		moguClaim(t, s, "D-1", ana, key, mogu.LinkByEmail, t0)
		moguClaim(t, s, "OLD-2", ana, key, mogu.LinkAsTraveler, t0)

		endsAfter := moguDay(-20).Add(7 * 24 * time.Hour) // OLD-1 ends exactly then: still listed
		all, err := s.ListAccountTrips(ctx, mogu.AccountTripQuery{AccountID: ana, EmailKey: key, EndsAfter: endsAfter, Limit: 100})
		require.NoError(t, err)
		require.Equal(t, []string{"OLD-1", "C-1", "A-1", "E-1", "b-1", "D-1"}, moguIDs(all, accountTripID))
		for _, at := range all {
			switch at.ID {
			case "C-1":
				require.Equal(t, mogu.LinkAsTraveler, at.Link)
				require.True(t, at.Claimed)
				require.Equal(t, t0, at.LinkedAt)
				require.Equal(t, 1, at.Claims)
			case "D-1":
				require.True(t, at.Claimed, "a trip both claimed and listed by email comes once, as claimed")
				require.Equal(t, mogu.LinkByEmail, at.Link)
			default:
				require.False(t, at.Claimed, at.ID)
				require.Equal(t, mogu.LinkByEmail, at.Link, at.ID)
				require.True(t, at.LinkedAt.IsZero(), at.ID)
			}
		}

		upcoming, err := s.ListAccountTrips(ctx, mogu.AccountTripQuery{AccountID: ana, EmailKey: key, EndsAfter: t0, Limit: 100})
		require.NoError(t, err)
		require.Equal(t, []string{"C-1", "A-1", "E-1", "b-1", "D-1"}, moguIDs(upcoming, accountTripID))

		// Keyset pages of two give the same list.
		var paged []string
		var after *mogu.TripCursor
		for range 10 {
			page, err := s.ListAccountTrips(ctx, mogu.AccountTripQuery{AccountID: ana, EmailKey: key, EndsAfter: t0, After: after, Limit: 2})
			require.NoError(t, err)
			require.LessOrEqual(t, len(page), 2)
			if len(page) == 0 {
				break
			}
			paged = append(paged, moguIDs(page, accountTripID)...)
			last := page[len(page)-1]
			after = &mogu.TripCursor{Start: last.Start, BookingID: last.ID}
		}
		require.Equal(t, moguIDs(upcoming, accountTripID), paged)

		bob, err := s.ListAccountTrips(ctx, mogu.AccountTripQuery{AccountID: "acc-bob", EmailKey: "bob@example.com", EndsAfter: t0, Limit: 100})
		require.NoError(t, err)
		require.Equal(t, []string{"X-1"}, moguIDs(bob, accountTripID))
		desk, err := s.ListAccountTrips(ctx, mogu.AccountTripQuery{AccountID: "acc-desk", EmailKey: "desk@agency.example", EndsAfter: t0, Limit: 100})
		require.NoError(t, err)
		require.Empty(t, desk, "bookings carrying the agent's email are in nobody's list, the agent's included")
	})

	t.Run("ListAgencyTrips", func(t *testing.T) {
		s := open(t)
		for _, tr := range []struct {
			id, agency string
			day        int
		}{{"a-3", "AG1", 3}, {"B-3", "AG1", 3}, {"A-3", "AG1", 3}, {"Z-1", "AG1", 1}, {"Y-9", "AG1", -9}, {"OTHER-1", "AG2", 1}, {"ag1-lower", "ag1", 1}} {
			moguPut(t, s, moguTrip(t, tr.id, "desk@agency.example", "desk@agency.example", tr.agency, moguDay(tr.day)), t0)
		}
		moguPut(t, s, moguTrip(t, "B2C-1", "ana@example.com", "", "", moguDay(2)), t0)
		moguClaim(t, s, "B-3", "acc-ana", "ana@example.com", mogu.LinkAsTraveler, t0)

		all, err := s.ListAgencyTrips(ctx, mogu.AgencyTripQuery{AgencyID: "AG1", Limit: 100})
		require.NoError(t, err)
		require.Equal(t, []string{"Y-9", "Z-1", "A-3", "B-3", "a-3"}, moguIDs(all, tripID), "by start, then booking ID byte by byte; never another agency's")
		require.Equal(t, 1, all[3].Claims)

		var paged []string
		var after *mogu.TripCursor
		for range 10 {
			page, err := s.ListAgencyTrips(ctx, mogu.AgencyTripQuery{AgencyID: "AG1", After: after, Limit: 2})
			require.NoError(t, err)
			if len(page) == 0 {
				break
			}
			paged = append(paged, moguIDs(page, tripID)...)
			last := page[len(page)-1]
			after = &mogu.TripCursor{Start: last.Start, BookingID: last.ID}
		}
		require.Equal(t, moguIDs(all, tripID), paged)

		for _, agency := range []string{"", "AG9"} {
			got, err := s.ListAgencyTrips(ctx, mogu.AgencyTripQuery{AgencyID: agency, Limit: 100})
			require.NoError(t, err)
			require.Empty(t, got, "agency %q: B2C trips belong to no agency", agency)
		}
	})

	t.Run("Memberships", func(t *testing.T) {
		s := open(t)
		m := func(op, agency string) mogu.Membership {
			return mogu.Membership{OperatorID: op, AgencyID: agency, GrantedBy: "admin", GrantedAt: t0}
		}
		for _, mm := range []mogu.Membership{m("op-1", "AG2"), m("op-1", "AG1"), m("op-1", "ag0"), m("op-2", "AG1")} {
			require.NoError(t, s.AddMembership(ctx, mm))
		}
		require.ErrorIs(t, s.AddMembership(ctx, m("op-1", "AG1")), bookingkit.ErrConflict)

		got, err := s.Membership(ctx, "op-1", "AG1")
		require.NoError(t, err)
		require.Equal(t, m("op-1", "AG1"), got)
		_, err = s.Membership(ctx, "op-2", "AG2")
		require.ErrorIs(t, err, bookingkit.ErrNotFound)

		list, err := s.Memberships(ctx, "op-1", "", 10)
		require.NoError(t, err)
		require.Equal(t, []mogu.Membership{m("op-1", "AG1"), m("op-1", "AG2"), m("op-1", "ag0")}, list)
		list, err = s.Memberships(ctx, "op-1", "AG1", 1)
		require.NoError(t, err)
		require.Equal(t, []mogu.Membership{m("op-1", "AG2")}, list)
		list, err = s.Memberships(ctx, "op-3", "", 10)
		require.NoError(t, err)
		require.Empty(t, list)

		require.ErrorIs(t, s.RemoveMembership(ctx, "op-2", "AG2"), bookingkit.ErrNotFound)
		require.NoError(t, s.RemoveMembership(ctx, "op-1", "AG1"))
		require.ErrorIs(t, s.RemoveMembership(ctx, "op-1", "AG1"), bookingkit.ErrNotFound)
		_, err = s.Membership(ctx, "op-1", "AG1")
		require.ErrorIs(t, err, bookingkit.ErrNotFound)
		_, err = s.Membership(ctx, "op-2", "AG1")
		require.NoError(t, err, "another operator's membership stays")
	})

	t.Run("CurrentAgency", func(t *testing.T) {
		s := open(t)
		for _, mm := range []mogu.Membership{
			{OperatorID: "op-1", AgencyID: "AG1", GrantedBy: "admin", GrantedAt: t0},
			{OperatorID: "op-1", AgencyID: "AG2", GrantedBy: "admin", GrantedAt: t0},
			{OperatorID: "op-2", AgencyID: "AG1", GrantedBy: "admin", GrantedAt: t0},
		} {
			require.NoError(t, s.AddMembership(ctx, mm))
		}
		current := func(op string) (string, error) { return s.CurrentAgency(ctx, op) }

		_, err := current("op-1")
		require.ErrorIs(t, err, bookingkit.ErrNotFound, "in no account yet")
		require.ErrorIs(t, s.SetCurrentAgency(ctx, "op-1", "AG9", t0), bookingkit.ErrNotFound, "no membership")
		_, err = current("op-1")
		require.ErrorIs(t, err, bookingkit.ErrNotFound, "a refused switch changes nothing")

		require.NoError(t, s.SetCurrentAgency(ctx, "op-1", "AG1", t0))
		require.NoError(t, s.SetCurrentAgency(ctx, "op-2", "AG1", t0))
		got, err := current("op-1")
		require.NoError(t, err)
		require.Equal(t, "AG1", got)
		require.ErrorIs(t, s.SetCurrentAgency(ctx, "op-1", "AG9", t0), bookingkit.ErrNotFound)
		got, err = current("op-1")
		require.NoError(t, err)
		require.Equal(t, "AG1", got, "a refused switch leaves the operator where they were")

		require.NoError(t, s.SetCurrentAgency(ctx, "op-1", "AG2", t0.Add(time.Minute)))
		got, err = current("op-1")
		require.NoError(t, err)
		require.Equal(t, "AG2", got)

		require.NoError(t, s.RemoveMembership(ctx, "op-1", "AG1"))
		got, err = current("op-1")
		require.NoError(t, err)
		require.Equal(t, "AG2", got, "removing another membership keeps the current account")

		require.NoError(t, s.RemoveMembership(ctx, "op-1", "AG2"))
		_, err = current("op-1")
		require.ErrorIs(t, err, bookingkit.ErrNotFound, "removing the membership takes the operator out of the account")
		got, err = current("op-2")
		require.NoError(t, err)
		require.Equal(t, "AG1", got, "other operators stay where they are")

		require.NoError(t, s.AddMembership(ctx, mogu.Membership{OperatorID: "op-1", AgencyID: "AG2", GrantedBy: "admin", GrantedAt: t0}))
		_, err = current("op-1")
		require.ErrorIs(t, err, bookingkit.ErrNotFound, "granting again does not put the operator back in")
	})
}
