package mogu_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/mogu"
)

func TestNewServiceConfig(t *testing.T) {
	keys := mustKeyring(t, testKey(1, 1))
	tests := []struct {
		name  string
		edit  func(*mogu.Config)
		field string
	}{
		{"ok", func(*mogu.Config) {}, ""},
		{"no claim base", func(c *mogu.Config) { c.ClaimURLBase = "" }, "claim_url_base"},
		{"claim base not http", func(c *mogu.Config) { c.ClaimURLBase = "ftp://mogu.example/c/" }, "claim_url_base"},
		{"claim base without slash", func(c *mogu.Config) { c.ClaimURLBase = "https://mogu.example/c" }, "claim_url_base"},
		{"claim base with query", func(c *mogu.Config) { c.ClaimURLBase = "https://mogu.example/c?t=/" }, "claim_url_base"},
		{"claim base with underscore", func(c *mogu.Config) { c.ClaimURLBase = "https://mogu.example/my_claims/" }, "claim_url_base"},
		{"claim base relative", func(c *mogu.Config) { c.ClaimURLBase = "/c/" }, "claim_url_base"},
		{"no services template", func(c *mogu.Config) { c.ServicesURLTemplate = "" }, "services_url_template"},
		{"template without booking", func(c *mogu.Config) { c.ServicesURLTemplate = "https://engine.example/services" }, "services_url_template"},
		{"booking in query", func(c *mogu.Config) { c.ServicesURLTemplate = "https://engine.example/s?b={booking}" }, "services_url_template"},
		{"template relative", func(c *mogu.Config) { c.ServicesURLTemplate = "/booking/{booking}" }, "services_url_template"},
		{"no back office", func(c *mogu.Config) { c.BackOfficeURL = "" }, "back_office_url"},
		{"back office with query", func(c *mogu.Config) { c.BackOfficeURL = "https://mogu.example/bo?x=1" }, "back_office_url"},
		{"negative lifetime", func(c *mogu.Config) { c.TokenLifetimeAfterTrip = -time.Hour }, "token_lifetime_after_trip"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig
			tt.edit(&cfg)
			_, err := mogu.NewService(newFakeStore(), keys, newCountingLimiter(1), cfg)
			if tt.field == "" {
				require.NoError(t, err)
				return
			}
			var ve *bookingkit.ValidationError
			require.ErrorAs(t, err, &ve)
			require.Equal(t, tt.field, ve.Field)
		})
	}
	_, err := mogu.NewService(newFakeStore(), keys, nil, testConfig)
	require.ErrorIs(t, err, bookingkit.ErrInvalid, "claims must be rate-limited")
	_, err = mogu.NewService(newFakeStore(), nil, newCountingLimiter(1), testConfig)
	require.ErrorIs(t, err, bookingkit.ErrInvalid)
	_, err = mogu.NewService(nil, keys, newCountingLimiter(1), testConfig)
	require.ErrorIs(t, err, bookingkit.ErrInvalid)
}

func TestActivationHistory(t *testing.T) {
	e := newEnv(t)
	a, err := e.svc.Activation(ctx, "groups")
	require.NoError(t, err)
	require.Equal(t, mogu.Activation{MicrositeID: "groups"}, a, "never changed: inactive, Seq 0")

	a, err = e.svc.SetActive(ctx, "groups", false, "am1", "")
	require.NoError(t, err)
	require.Equal(t, int64(0), a.Seq, "turning off what was never on records nothing")

	on, err := e.svc.SetActive(ctx, "groups", true, "am1", "signed the group contract")
	require.NoError(t, err)
	require.Equal(t, mogu.Activation{MicrositeID: "groups", Seq: 1, Active: true, By: "am1", At: t0, Note: "signed the group contract"}, on)

	e.clock.Set(t0.Add(time.Hour))
	again, err := e.svc.SetActive(ctx, "groups", true, "am2", "")
	require.NoError(t, err)
	require.Equal(t, on, again, "already on: nothing recorded")

	off, err := e.svc.SetActive(ctx, "groups", false, "am2", "")
	require.NoError(t, err)
	require.Equal(t, int64(2), off.Seq)
	require.Equal(t, t0.Add(time.Hour), off.At)

	hist, err := e.svc.ActivationHistory(ctx, "groups", 0, 0)
	require.NoError(t, err)
	require.Equal(t, []mogu.Activation{off, on}, hist, "newest first")
	hist, err = e.svc.ActivationHistory(ctx, "groups", 2, 10)
	require.NoError(t, err)
	require.Equal(t, []mogu.Activation{on}, hist)

	_, err = e.svc.SetActive(ctx, "", true, "am1", "")
	require.ErrorIs(t, err, bookingkit.ErrInvalid)
	_, err = e.svc.SetActive(ctx, "groups", true, "", "")
	require.ErrorIs(t, err, bookingkit.ErrInvalid, "who is required")
	_, err = e.svc.SetActive(ctx, "groups", true, "am1", strings.Repeat("n", mogu.MaxNoteLen+1))
	require.ErrorIs(t, err, bookingkit.ErrInvalid)
}

// TestActivationConflict: a change that lands between read and write is
// refused, not overwritten.
func TestActivationConflict(t *testing.T) {
	st := &racingStore{fakeStore: newFakeStore()}
	svc, err := mogu.NewService(st, mustKeyring(t, testKey(1, 1)), newCountingLimiter(10), testConfig)
	require.NoError(t, err)
	st.race = func() {
		require.NoError(t, st.fakeStore.RecordActivation(ctx, mogu.Activation{MicrositeID: "main", Seq: 1, Active: true, By: "other", At: t0}))
	}
	_, err = svc.SetActive(ctx, "main", true, "me", "")
	require.ErrorIs(t, err, bookingkit.ErrConflict)
	hist, err := svc.ActivationHistory(ctx, "main", 0, 0)
	require.NoError(t, err)
	require.Len(t, hist, 1)
	require.Equal(t, "other", hist[0].By)
}

// racingStore runs race once, right after the first LatestActivation.
type racingStore struct {
	*fakeStore
	race func()
}

func (s *racingStore) LatestActivation(c ctxT, id string) (mogu.Activation, error) {
	a, err := s.fakeStore.LatestActivation(c, id)
	if s.race != nil {
		r := s.race
		s.race = nil
		r()
	}
	return a, err
}

func TestRegisterBooking(t *testing.T) {
	e := newEnv(t)
	trip := b2c("ITT-10593", "  Ana@Example.com ")
	_, err := e.svc.RegisterBooking(ctx, trip)
	var na *mogu.NotActiveError
	require.ErrorAs(t, err, &na)
	require.ErrorIs(t, err, bookingkit.ErrConflict)
	require.Equal(t, "MOGU has never been activated for microsite main", err.Error())
	require.Zero(t, e.store.calls["PutTrip"], "nothing registered")

	e.activate(t, "main")
	got, err := e.svc.RegisterBooking(ctx, trip)
	require.NoError(t, err)
	want := trip
	want.ContactEmail = "Ana@Example.com"
	want.ContactKey = "ana@example.com"
	want.ListedByEmail = true
	want.TokenGeneration = 1
	want.RegisteredAt, want.UpdatedAt = t0, t0
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("registered (-want +got):\n%s", diff)
	}

	// The engine sends it again with a new contact: updated, generation kept.
	e.clock.Set(t0.Add(time.Minute))
	trip.ContactEmail = "bob@example.com"
	trip.Travelers = 3
	got, err = e.svc.RegisterBooking(ctx, trip)
	require.NoError(t, err)
	require.Equal(t, "bob@example.com", got.ContactKey)
	require.Equal(t, 3, got.Travelers)
	require.Equal(t, uint32(1), got.TokenGeneration)
	require.Equal(t, t0, got.RegisteredAt)
	require.Equal(t, t0.Add(time.Minute), got.UpdatedAt)

	agentTrip, err := e.svc.RegisterBooking(ctx, b2b("B2B-1", "AGENT@agency.example"))
	require.NoError(t, err)
	require.False(t, agentTrip.ListedByEmail, "a B2B booking with the agent's email is not listed by email")
	travTrip, err := e.svc.RegisterBooking(ctx, b2b("B2B-2", "ana@example.com"))
	require.NoError(t, err)
	require.True(t, travTrip.ListedByEmail)
}

func TestRegisterBookingRefuses(t *testing.T) {
	e := newEnv(t)
	e.activate(t, "main")
	tests := []struct {
		name  string
		edit  func(*mogu.Trip)
		field string
	}{
		{"no id", func(t *mogu.Trip) { t.ID = "" }, "booking_id"},
		{"id with spaces around", func(t *mogu.Trip) { t.ID = " B1" }, "booking_id"},
		{"id too long", func(t *mogu.Trip) { t.ID = strings.Repeat("1", 65) }, "booking_id"},
		{"no channel", func(t *mogu.Trip) { t.Channel = 0 }, "channel"},
		{"no contact", func(t *mogu.Trip) { t.ContactEmail = "" }, "contact_email"},
		{"contact not an email", func(t *mogu.Trip) { t.ContactEmail = "ana" }, "contact_email"},
		{"contact with space", func(t *mogu.Trip) { t.ContactEmail = "a na@x.io" }, "contact_email"},
		{"B2C with agent", func(t *mogu.Trip) { t.AgentEmail = "agent@agency.example" }, "agent_email"},
		{"B2C with agency", func(t *mogu.Trip) { t.AgencyID = "AG1" }, "agency_id"},
		{"B2B without agent email", func(t *mogu.Trip) { t.Channel = mogu.B2B; t.AgencyID = "AG1" }, "agent_email"},
		{"B2B without agency", func(t *mogu.Trip) { t.Channel = mogu.B2B; t.AgentEmail = "agent@agency.example" }, "agency_id"},
		{"no microsite", func(t *mogu.Trip) { t.MicrositeID = "" }, "microsite_id"},
		{"no travellers", func(t *mogu.Trip) { t.Travelers = 0 }, "travelers"},
		{"too many travellers", func(t *mogu.Trip) { t.Travelers = mogu.MaxTravelers + 1 }, "travelers"},
		{"no start", func(t *mogu.Trip) { t.Start = time.Time{} }, "start"},
		{"no end", func(t *mogu.Trip) { t.End = time.Time{} }, "end"},
		{"ends before it starts", func(t *mogu.Trip) { t.End = t.Start.Add(-time.Hour) }, "end"},
		{"title too long", func(t *mogu.Trip) { t.Title = strings.Repeat("t", mogu.MaxTitleLen+1) }, "title"},
		{"title not UTF-8", func(t *mogu.Trip) { t.Title = "\xff" }, "title"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			trip := b2c("B1", "ana@example.com")
			tt.edit(&trip)
			_, err := e.svc.RegisterBooking(ctx, trip)
			var ve *bookingkit.ValidationError
			require.ErrorAs(t, err, &ve)
			require.Equal(t, tt.field, ve.Field)
			require.Zero(t, e.store.calls["PutTrip"], "nothing registered")
		})
	}
}

func TestStatusReasons(t *testing.T) {
	e := newEnv(t)
	st, err := e.svc.Status(ctx, mogu.Booking{ID: "G1", MicrositeID: "groups"})
	require.NoError(t, err)
	require.False(t, st.Registered)
	require.False(t, st.Claimable)
	require.Equal(t, "booking G1 is not registered in MOGU: MOGU has never been activated for microsite groups", st.Reason)

	// The seed's case: MOGU on for the main site, off for the group site.
	e.activate(t, "main")
	e.clock.Set(t0.Add(time.Hour))
	_, err = e.svc.SetActive(ctx, "groups", true, "am@engine.example", "")
	require.NoError(t, err)
	e.clock.Set(t0.Add(2 * time.Hour))
	_, err = e.svc.SetActive(ctx, "groups", false, "am2@engine.example", "")
	require.NoError(t, err)
	st, err = e.svc.Status(ctx, mogu.Booking{ID: "G1", MicrositeID: "groups"})
	require.NoError(t, err)
	require.Equal(t, "booking G1 is not registered in MOGU: MOGU is not active for microsite groups since 2026-11-23T11:00:00Z by am2@engine.example", st.Reason)
	require.Equal(t, int64(2), st.Activation.Seq)

	st, err = e.svc.Status(ctx, mogu.Booking{ID: "M1", MicrositeID: "main"})
	require.NoError(t, err)
	require.Contains(t, st.Reason, "not registered in MOGU although MOGU is active for microsite main since 2026-11-23T09:00:00Z by am@engine.example")

	_, err = e.svc.RegisterBooking(ctx, b2c("M1", "ana@example.com"))
	require.NoError(t, err)
	st, err = e.svc.Status(ctx, mogu.Booking{ID: "M1"})
	require.NoError(t, err, "a registered booking's microsite is known")
	require.True(t, st.Registered)
	require.True(t, st.Claimable)
	require.Empty(t, st.Reason)
	require.Equal(t, "main", st.MicrositeID)

	_, err = e.svc.SetActive(ctx, "main", false, "am3", "")
	require.NoError(t, err)
	st, err = e.svc.Status(ctx, mogu.Booking{ID: "M1"})
	require.NoError(t, err)
	require.True(t, st.Registered)
	require.False(t, st.Claimable)
	require.Contains(t, st.Reason, "is registered in MOGU but cannot be claimed: MOGU is not active for microsite main since")

	st, err = e.svc.Status(ctx, mogu.Booking{ID: "X9"})
	require.NoError(t, err)
	require.Contains(t, st.Reason, "no microsite was given")

	_, err = e.svc.Status(ctx, mogu.Booking{})
	require.ErrorIs(t, err, bookingkit.ErrInvalid)
}

func TestVoucherChoice(t *testing.T) {
	e := newEnv(t)
	// A booking of a microsite without MOGU: the engine's own QR.
	v, err := e.svc.Voucher(ctx, mogu.Booking{ID: "G 1/x", MicrositeID: "groups"})
	require.NoError(t, err)
	require.Equal(t, mogu.VoucherServices, v.Kind)
	require.Equal(t, "https://engine.example/booking/G%201%2Fx/services", v.URL, "booking ID path-escaped")
	require.Contains(t, v.Reason, "never been activated")
	require.True(t, v.Expires.IsZero())

	trip := e.register(t, b2c("ITT-10593", "ana@example.com"))
	e.store.resetCalls()
	v, err = e.svc.Voucher(ctx, trip.Booking)
	require.NoError(t, err)
	require.Equal(t, map[string]int{"Trip": 1, "LatestActivation": 1}, e.store.resetCalls(), "two reads, no write")
	require.Equal(t, mogu.VoucherMOGU, v.Kind)
	require.True(t, strings.HasPrefix(v.URL, "HTTPS://MOGU.EXAMPLE/C/"), v.URL)
	require.Regexp(t, `^[A-Z0-9$%*+\-./:]+$`, v.URL, "the whole URL in QR's alphanumeric alphabet")
	require.Equal(t, trip.End.Add(mogu.DefaultTokenLifetimeAfterTrip), v.Expires)
	tok, err := e.svc.TokenFromClaimURL(v.URL)
	require.NoError(t, err)
	c, err := e.keys.Verify(tok, t0)
	require.NoError(t, err)
	require.Equal(t, mogu.Claim{BookingID: "ITT-10593", Generation: 1, Expires: v.Expires, KeyID: 1}, c)

	_, err = e.svc.TokenFromClaimURL("https://elsewhere.example/c/" + tok)
	require.Same(t, mogu.ErrInvalidToken, err)
	got, err := e.svc.TokenFromClaimURL(strings.ToLower(v.URL))
	require.NoError(t, err, "the claim path is matched in either case")
	require.Equal(t, strings.ToLower(tok), got)

	// MOGU switched off afterwards: the engine's QR again.
	_, err = e.svc.SetActive(ctx, "main", false, "am", "")
	require.NoError(t, err)
	v, err = e.svc.Voucher(ctx, trip.Booking)
	require.NoError(t, err)
	require.Equal(t, mogu.VoucherServices, v.Kind)
	require.Contains(t, v.Reason, "cannot be claimed")

	img, v, err := e.svc.VoucherQR(ctx, trip.Booking, mogu.SVG, 2)
	require.NoError(t, err)
	require.Equal(t, mogu.VoucherServices, v.Kind)
	require.True(t, strings.HasPrefix(string(img), "<?xml"))
	_, _, err = e.svc.VoucherQR(ctx, trip.Booking, "jpeg", 2)
	require.ErrorIs(t, err, bookingkit.ErrInvalid)
}

func TestClaimFlow(t *testing.T) {
	e := newEnv(t)
	trip := e.register(t, b2b("B2B-1", "agent@agency.example")) // the agent typed their own email
	ana := mogu.Account{ID: "acc-ana", Email: "ana@example.com"}
	bob := mogu.Account{ID: "acc-bob", Email: "bob@example.com"}
	eve := mogu.Account{ID: "acc-eve", Email: "eve@example.com"}

	require.Empty(t, e.tripIDs(t, ana), "not listed before the scan")
	_, err := e.svc.TripDetail(ctx, ana, trip.ID)
	require.ErrorIs(t, err, bookingkit.ErrNotFound)

	tok := e.token(t, trip.ID)
	e.clock.Set(t0.Add(time.Minute))
	got, err := e.svc.Claim(ctx, ana, tok, "198.51.100.7")
	require.NoError(t, err)
	require.Equal(t, mogu.LinkAsTraveler, got.Link)
	require.True(t, got.Claimed)
	require.Equal(t, t0.Add(time.Minute), got.LinkedAt)
	require.Equal(t, 1, got.Claims)
	require.Equal(t, []string{"B2B-1"}, e.tripIDs(t, ana), "listed after the scan")
	detail, err := e.svc.TripDetail(ctx, ana, trip.ID)
	require.NoError(t, err)
	require.Equal(t, got.LinkedAt, detail.LinkedAt)

	again, err := e.svc.Claim(ctx, ana, tok, "198.51.100.7")
	require.NoError(t, err, "claiming again is harmless")
	require.Equal(t, got.LinkedAt, again.LinkedAt)
	require.Equal(t, 1, again.Claims)

	_, err = e.svc.Claim(ctx, bob, strings.ToLower(tok), "")
	require.NoError(t, err, "a voucher serves every traveller")
	_, err = e.svc.Claim(ctx, eve, tok, "")
	require.ErrorIs(t, err, mogu.ErrClaimsExhausted, "two travellers, two accounts")
	require.ErrorIs(t, err, bookingkit.ErrConflict)
	require.Empty(t, e.tripIDs(t, eve))

	// Reissuing the voucher voids the old token and keeps the claims.
	re, err := e.svc.ReissueVoucher(ctx, trip.ID)
	require.NoError(t, err)
	require.Equal(t, uint32(2), re.TokenGeneration)
	_, err = e.svc.Claim(ctx, ana, tok, "")
	require.Same(t, mogu.ErrInvalidToken, err)
	require.Equal(t, []string{"B2B-1"}, e.tripIDs(t, ana))
	newTok := e.token(t, trip.ID)
	require.NotEqual(t, tok, newTok)
	_, err = e.svc.Claim(ctx, ana, newTok, "")
	require.NoError(t, err)

	_, err = e.svc.ReissueVoucher(ctx, "nope")
	require.ErrorIs(t, err, bookingkit.ErrNotFound)
}

func TestClaimLinksByEmail(t *testing.T) {
	e := newEnv(t)
	trip := e.register(t, b2c("B1", "Ana@Example.com"))
	ana := mogu.Account{ID: "acc-ana", Email: "ana@example.COM"}
	require.Equal(t, []string{"B1"}, e.tripIDs(t, ana), "B2C: listed without scanning")
	d, err := e.svc.TripDetail(ctx, ana, "B1")
	require.NoError(t, err)
	require.Equal(t, mogu.LinkByEmail, d.Link)
	require.False(t, d.Claimed)

	got, err := e.svc.Claim(ctx, ana, e.token(t, trip.ID), "")
	require.NoError(t, err)
	require.Equal(t, mogu.LinkByEmail, got.Link, "the contact's own account links by email")
	require.True(t, got.Claimed)
	require.Equal(t, []string{"B1"}, e.tripIDs(t, ana), "listed once")
}

func TestClaimRefusals(t *testing.T) {
	e := newEnv(t)
	trip := e.register(t, b2b("B2B-1", "agent@agency.example"))
	tok := e.token(t, trip.ID)

	_, err := e.svc.Claim(ctx, mogu.Account{ID: "acc-agent", Email: "Agent@Agency.example"}, tok, "")
	require.ErrorIs(t, err, bookingkit.ErrForbidden, "agents use the back office")
	require.Contains(t, err.Error(), "back office")

	_, err = e.svc.Claim(ctx, mogu.Account{ID: "", Email: "ana@example.com"}, tok, "")
	require.ErrorIs(t, err, bookingkit.ErrInvalid)
	_, err = e.svc.Claim(ctx, mogu.Account{ID: "acc", Email: "not-an-email"}, tok, "")
	require.ErrorIs(t, err, bookingkit.ErrInvalid)

	_, err = e.svc.SetActive(ctx, "main", false, "am", "")
	require.NoError(t, err)
	_, err = e.svc.Claim(ctx, mogu.Account{ID: "acc-ana", Email: "ana@example.com"}, tok, "")
	var na *mogu.NotActiveError
	require.ErrorAs(t, err, &na, "MOGU switched off: no claim")
	require.ErrorIs(t, err, bookingkit.ErrConflict)
	requireClaims(t, e, trip.ID, 0)
}

// TestClaimRace: the voucher is reissued between the token check and the
// link: the store refuses and the claim reads as an invalid token.
func TestClaimRace(t *testing.T) {
	e := newEnv(t)
	trip := e.register(t, b2c("B1", "ana@example.com"))
	tok := e.token(t, trip.ID)
	rs := &reissuingStore{fakeStore: e.store}
	svc, err := mogu.NewService(rs, e.keys, newCountingLimiter(10), testConfig)
	require.NoError(t, err)
	svc.Now = e.clock.Now
	_, err = svc.Claim(ctx, mogu.Account{ID: "acc-bob", Email: "bob@example.com"}, tok, "")
	require.Same(t, mogu.ErrInvalidToken, err)
	requireClaims(t, e, trip.ID, 0)
}

// reissuingStore rotates the token just before AddLink.
type reissuingStore struct{ *fakeStore }

func (s *reissuingStore) AddLink(c ctxT, l mogu.TripLink) (mogu.TripLink, bool, error) {
	if _, err := s.fakeStore.RotateToken(c, l.BookingID, t0); err != nil {
		return mogu.TripLink{}, false, err
	}
	return s.fakeStore.AddLink(c, l)
}

func TestUpcomingTrips(t *testing.T) {
	e := newEnv(t)
	ana := mogu.Account{ID: "acc-ana", Email: "ana@example.com"}
	day := 24 * time.Hour
	var want []string
	for i, id := range []string{"T5", "T3", "T4", "T1", "T2"} {
		trip := b2c(id, "ana@example.com")
		trip.Start = t0.Add(time.Duration(i%3+1) * day)
		trip.End = trip.Start.Add(day)
		e.register(t, trip)
	}
	// Ordered by start, then booking ID.
	want = []string{"T1", "T5", "T2", "T3", "T4"}
	require.Equal(t, want, e.tripIDs(t, ana))

	past := b2c("OLD", "ana@example.com")
	past.Start, past.End = t0.Add(-10*day), t0.Add(-9*day)
	e.register(t, past)
	require.Equal(t, want, e.tripIDs(t, ana), "ended trips are not upcoming")
	d, err := e.svc.TripDetail(ctx, ana, "OLD")
	require.NoError(t, err, "but their detail stays readable")
	require.Equal(t, "OLD", d.ID)

	e.clock.Set(t0.Add(2*day + time.Hour))
	require.Equal(t, []string{"T2", "T3", "T4"}, e.tripIDs(t, ana), "trips that ended drop out")

	_, err = e.svc.UpcomingTrips(ctx, ana, "garbage!", 0)
	require.ErrorIs(t, err, bookingkit.ErrInvalid)
	_, err = e.svc.UpcomingTrips(ctx, ana, "", mogu.MaxPageSize+1)
	require.ErrorIs(t, err, bookingkit.ErrInvalid)
	_, err = e.svc.UpcomingTrips(ctx, mogu.Account{ID: "x"}, "", 0)
	require.ErrorIs(t, err, bookingkit.ErrInvalid)
}

func TestTripCursor(t *testing.T) {
	c := mogu.TripCursor{Start: time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC), BookingID: "ITT.1-ñ"}
	got, err := mogu.ParseTripCursor(c.String())
	require.NoError(t, err)
	require.Equal(t, c, *got)
	got, err = mogu.ParseTripCursor("")
	require.NoError(t, err)
	require.Nil(t, got)
	for _, bad := range []string{"x", "MTIz", "LjE", "MDEuQg", "MS4", strings.Repeat("A", 1000)} {
		_, err := mogu.ParseTripCursor(bad)
		require.ErrorIs(t, err, bookingkit.ErrInvalid, bad)
	}
}

func FuzzParseTripCursor(f *testing.F) {
	f.Add(mogu.TripCursor{Start: t0, BookingID: "B1"}.String())
	f.Add("")
	f.Add("MS4")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := mogu.ParseTripCursor(s)
		if err != nil {
			if !errors.Is(err, bookingkit.ErrInvalid) {
				t.Fatalf("error %v is not ErrInvalid", err)
			}
			return
		}
		if c == nil {
			if s != "" {
				t.Fatalf("nil cursor for %q", s)
			}
			return
		}
		if c.String() != s {
			t.Fatalf("accepted %q, writes %q", s, c.String())
		}
	})
}

func TestBackOfficeLinks(t *testing.T) {
	e := newEnv(t)
	b2bUser := mogu.BackOfficeUser{ID: "op1", Channel: mogu.B2B}
	b2cUser := mogu.BackOfficeUser{ID: "op2", Channel: mogu.B2C}
	booking := b2b("ITT-10593", "agent@agency.example").Booking
	booking.AgencyID = "Inter Tours/Groups"

	link, ok, err := e.svc.OpenBookingLink(ctx, b2bUser, booking)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, "https://mogu.example/backoffice/accounts/Inter%20Tours%2FGroups/bookings/ITT-10593", link, "names the agency account")
	_, ok, err = e.svc.OpenBookingLink(ctx, b2cUser, booking)
	require.NoError(t, err)
	require.False(t, ok, "B2B users only")
	_, ok, err = e.svc.OpenBookingLink(ctx, mogu.BackOfficeUser{ID: "op3"}, booking)
	require.NoError(t, err)
	require.False(t, ok)
	_, ok, err = e.svc.OpenBookingLink(ctx, b2bUser, b2c("B1", "ana@example.com").Booking)
	require.NoError(t, err)
	require.False(t, ok, "a B2C booking has no agency account")

	link, ok = e.svc.OpenAgencyLink(b2bUser, "AG1")
	require.True(t, ok)
	require.Equal(t, "https://mogu.example/backoffice/accounts/AG1", link)
	_, ok = e.svc.OpenAgencyLink(b2cUser, "AG1")
	require.False(t, ok)
}

// A link that would open no account or the wrong one is refused, not
// hidden: the back office's booking data is wrong, and it should know.
func TestOpenBookingLinkRefusesWrongAgency(t *testing.T) {
	e := newEnv(t)
	b2bUser := mogu.BackOfficeUser{ID: "op1", Channel: mogu.B2B}

	noAgency := b2b("B2B-1", "agent@agency.example").Booking
	noAgency.AgencyID = ""
	_, ok, err := e.svc.OpenBookingLink(ctx, b2bUser, noAgency)
	require.False(t, ok)
	var ve *bookingkit.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "agency_id", ve.Field)
	require.Contains(t, err.Error(), "booking B2B-1 is B2B, so it belongs to an agency account")

	registered := e.register(t, b2b("B2B-2", "agent@agency.example")) // agency AG1
	wrong := registered.Booking
	wrong.AgencyID = "AG2"
	_, ok, err = e.svc.OpenBookingLink(ctx, b2bUser, wrong)
	require.False(t, ok)
	require.ErrorIs(t, err, bookingkit.ErrConflict)
	var me *mogu.BookingMismatchError
	require.ErrorAs(t, err, &me)
	require.Equal(t, "mogu: booking B2B-2 is registered in MOGU as a B2B booking of agency account AG1, not as a B2B booking of agency account AG2: the link would open the wrong account; correct the booking's agency", err.Error())

	asB2C := registered.Booking
	asB2C.Channel, asB2C.AgencyID = mogu.B2C, ""
	_, _, err = e.svc.OpenBookingLink(ctx, b2bUser, asB2C)
	require.ErrorIs(t, err, bookingkit.ErrConflict, "MOGU's record says B2B")

	link, ok, err := e.svc.OpenBookingLink(ctx, b2bUser, registered.Booking)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, "https://mogu.example/backoffice/accounts/AG1/bookings/B2B-2", link)
}

func TestAgencyAccounts(t *testing.T) {
	e := newEnv(t)
	e.register(t, b2b("A1", "agent@agency.example"))
	e.register(t, b2b("A2", "ana@example.com"))
	other := b2b("Z1", "zed@example.com")
	other.AgencyID = "AG2"
	other.AgentEmail = "agent@ag2.example"
	e.register(t, other)
	e.register(t, b2c("C1", "ana@example.com"))

	_, err := e.svc.AccountBookings(ctx, "op1", "", 0)
	var fe *mogu.ForbiddenAccountError
	require.ErrorAs(t, err, &fe, "in no account yet")
	require.Equal(t, "mogu: operator op1 is in no agency account: enter one first", err.Error())

	err = e.svc.EnterAccount(ctx, "op1", "AG1")
	require.ErrorIs(t, err, bookingkit.ErrForbidden)
	require.Equal(t, "mogu: operator op1 has no access to agency account AG1: ask an administrator to grant it", err.Error())

	m, err := e.svc.Grant(ctx, "admin", "op1", "AG1")
	require.NoError(t, err)
	require.Equal(t, mogu.Membership{OperatorID: "op1", AgencyID: "AG1", GrantedBy: "admin", GrantedAt: t0}, m)
	_, err = e.svc.Grant(ctx, "admin", "op1", "AG1")
	require.ErrorIs(t, err, bookingkit.ErrConflict)
	_, err = e.svc.Grant(ctx, "admin", "op1", "AG3")
	require.NoError(t, err)
	ms, err := e.svc.Memberships(ctx, "op1", "", 0)
	require.NoError(t, err)
	require.Len(t, ms, 2)
	ms, err = e.svc.Memberships(ctx, "op1", "AG1", 0)
	require.NoError(t, err)
	require.Equal(t, "AG3", ms[0].AgencyID)

	require.NoError(t, e.svc.EnterAccount(ctx, "op1", "AG1"))
	cur, err := e.svc.CurrentAccount(ctx, "op1")
	require.NoError(t, err)
	require.Equal(t, "AG1", cur)
	p, err := e.svc.AccountBookings(ctx, "op1", "", 1)
	require.NoError(t, err)
	require.Len(t, p.Trips, 1)
	require.Equal(t, "A1", p.Trips[0].ID)
	p, err = e.svc.AccountBookings(ctx, "op1", p.Next, 1)
	require.NoError(t, err)
	require.Equal(t, "A2", p.Trips[0].ID)
	require.Empty(t, p.Next)

	_, err = e.svc.AccountBooking(ctx, "op1", "Z1")
	require.ErrorIs(t, err, bookingkit.ErrNotFound, "another agency's booking reads as not found")
	b, err := e.svc.AccountBooking(ctx, "op1", "A1")
	require.NoError(t, err)
	require.Equal(t, "AG1", b.AgencyID)

	// Switching to an account without access leaves the operator where they were.
	require.ErrorIs(t, e.svc.EnterAccount(ctx, "op1", "AG2"), bookingkit.ErrForbidden)
	cur, err = e.svc.CurrentAccount(ctx, "op1")
	require.NoError(t, err)
	require.Equal(t, "AG1", cur)

	require.NoError(t, e.svc.EnterAccount(ctx, "op1", "AG3"))
	p, err = e.svc.AccountBookings(ctx, "op1", "", 0)
	require.NoError(t, err)
	require.Empty(t, p.Trips, "an agency without bookings shows none, not another's")

	require.NoError(t, e.svc.Revoke(ctx, "admin", "op1", "AG3"))
	_, err = e.svc.AccountBookings(ctx, "op1", "", 0)
	require.ErrorIs(t, err, bookingkit.ErrForbidden, "revoking takes the operator out")
	require.ErrorIs(t, e.svc.Revoke(ctx, "admin", "op1", "AG3"), bookingkit.ErrNotFound)
}

// Attack: an operator grants themself another agency's account, or
// revokes a colleague's. Only the configured administrators grant and
// revoke.
func TestGrantAndRevokeNeedAnAdministrator(t *testing.T) {
	e := newEnv(t)
	_, err := e.svc.Grant(ctx, "op1", "op1", "AG2")
	require.ErrorIs(t, err, bookingkit.ErrForbidden)
	var ne *mogu.NotAdministratorError
	require.ErrorAs(t, err, &ne)
	require.Equal(t, "mogu: operator op1 is not a MOGU administrator: only administrators grant and revoke access to agency accounts", err.Error())
	ms, err := e.svc.Memberships(ctx, "op1", "", 0)
	require.NoError(t, err)
	require.Empty(t, ms, "nothing granted")

	_, err = e.svc.Grant(ctx, "admin", "op2", "AG2")
	require.NoError(t, err)
	require.ErrorIs(t, e.svc.Revoke(ctx, "op1", "op2", "AG2"), bookingkit.ErrForbidden)
	require.NoError(t, e.svc.EnterAccount(ctx, "op2", "AG2"), "op2 keeps the access op1 tried to take away")
	require.True(t, e.svc.IsAdministrator("admin"))
	require.False(t, e.svc.IsAdministrator("op1"))

	_, err = mogu.NewService(e.store, e.keys, e.lim, mogu.Config{
		ClaimURLBase: testConfig.ClaimURLBase, ServicesURLTemplate: testConfig.ServicesURLTemplate,
		BackOfficeURL: testConfig.BackOfficeURL, Administrators: []string{" admin"},
	})
	require.ErrorIs(t, err, bookingkit.ErrInvalid, "an administrator ID is checked like any operator ID")
}
