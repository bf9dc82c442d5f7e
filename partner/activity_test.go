package partner_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/partner"
)

func TestSearchActivityPaging(t *testing.T) {
	w := newWorld(t)
	inst := w.active(t, w.alice, w.companyA)
	lic := w.licences(t, w.alice, inst, "ana")[0]
	_, err := w.svc.BindTerminal(w.ctx, lic.ID, partner.Terminal{Serial: "SN-1", PIN: "4321"})
	require.NoError(t, err)
	// 11 more events: pairs share a timestamp, so pages must break ties by ID.
	for i := range 11 {
		if i%2 == 0 {
			w.clock.Advance(time.Second)
		}
		_, err := w.svc.RecordTerminalActivity(w.ctx, partner.TerminalEvent{LicenceID: lic.ID, Kind: partner.ActivityConfigFetch, Terminal: partner.Terminal{Serial: "SN-1", PIN: "4321"}})
		require.NoError(t, err)
	}
	// A different terminal's events never show.
	_, err = w.svc.RecordTerminalActivity(w.ctx, partner.TerminalEvent{LicenceID: lic.ID, Kind: partner.ActivitySignIn, Terminal: partner.Terminal{Serial: "SN-2"}})
	require.NoError(t, err)

	var all []partner.ActivityEvent
	cursor := ""
	for {
		p, err := w.svc.SearchActivity(w.ctx, w.alice, partner.ActivitySearch{Serial: "sn-1", Limit: 5, Cursor: cursor})
		require.NoError(t, err)
		all = append(all, p.Events...)
		if p.Next == "" {
			break
		}
		cursor = p.Next
	}
	require.Len(t, all, 12)
	for i := 1; i < len(all); i++ {
		prev, cur := all[i-1], all[i]
		require.True(t, cur.At.Before(prev.At) || (cur.At.Equal(prev.At) && cur.ID < prev.ID), "newest first, no repeats")
	}
	require.Equal(t, partner.ActivityBound, all[len(all)-1].Kind)

	// By PIN, and within a window.
	byPIN, err := w.svc.SearchActivity(w.ctx, w.alice, partner.ActivitySearch{PIN: "4321"})
	require.NoError(t, err)
	require.Len(t, byPIN.Events, 12)
	window, err := w.svc.SearchActivity(w.ctx, w.alice, partner.ActivitySearch{Serial: "SN-1", From: t0.Add(time.Second), To: t0.Add(3 * time.Second)})
	require.NoError(t, err)
	require.Len(t, window.Events, 4)

	bad := []partner.ActivitySearch{
		{},
		{Serial: "SN-1", PIN: "4321"},
		{Serial: "SN 1"},
		{PIN: "12"},
		{Serial: "SN-1", Cursor: "garbage"},
		{Serial: "SN-1", From: t0, To: t0},
		{Serial: "SN-1", Limit: -1},
	}
	for _, in := range bad {
		_, err := w.svc.SearchActivity(w.ctx, w.alice, in)
		require.ErrorIs(t, err, bookingkit.ErrInvalid, "%+v", in)
	}
}

func TestRecordTerminalActivity(t *testing.T) {
	w := newWorld(t)
	inst := w.active(t, w.alice, w.companyA)
	lic := w.licences(t, w.alice, inst, "ana")[0]
	ev, err := w.svc.RecordTerminalActivity(w.ctx, partner.TerminalEvent{LicenceID: lic.ID, Kind: partner.ActivitySignIn, Terminal: partner.Terminal{PIN: "9999"}, Detail: "app 4.2"})
	require.NoError(t, err)
	require.Equal(t, partner.ActivityEvent{ID: ev.ID, At: t0, Kind: partner.ActivitySignIn, PartnerID: w.partnerA.ID, CompanyID: w.companyA.ID,
		InstanceID: inst.ID, LicenceID: lic.ID, PIN: "9999", UserLogin: "ana", Detail: "app 4.2"}, ev)
	_, err = w.svc.RecordTerminalActivity(w.ctx, partner.TerminalEvent{LicenceID: lic.ID, Kind: partner.ActivityBound, Terminal: partner.Terminal{PIN: "9999"}})
	require.ErrorIs(t, err, bookingkit.ErrInvalid, "bindings are logged by BindTerminal")
	_, err = w.svc.RecordTerminalActivity(w.ctx, partner.TerminalEvent{LicenceID: "lic_none", Kind: partner.ActivitySignIn, Terminal: partner.Terminal{PIN: "9999"}})
	require.ErrorIs(t, err, bookingkit.ErrNotFound)
}

func TestActivityCursorRoundTrip(t *testing.T) {
	c := partner.ActivityCursor{At: time.Date(2026, 5, 1, 10, 0, 0, 123456000, time.UTC), ID: 987654321}
	got, err := partner.ParseActivityCursor(c.String())
	require.NoError(t, err)
	require.Equal(t, c, got)
	for _, bad := range []string{"", "x", "MTIzNA", "MS4tMQ", c.String() + "A"} {
		_, err := partner.ParseActivityCursor(bad)
		require.ErrorIs(t, err, bookingkit.ErrInvalid, bad)
	}
}

func FuzzParseActivityCursor(f *testing.F) {
	f.Add(partner.ActivityCursor{At: t0, ID: 1}.String())
	f.Add("MTc3MjQ0MjAwMDAwMDAwMC4x")
	f.Add("")
	f.Add("LTk5OTk5OTk5OTk5OTk5OTk5OTkuMQ")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := partner.ParseActivityCursor(s)
		if err != nil {
			require.ErrorIs(t, err, bookingkit.ErrInvalid)
			return
		}
		require.Equal(t, s, c.String(), "only canonical cursors parse")
		require.GreaterOrEqual(t, c.ID, int64(0))
	})
}

func FuzzParseThreadCursor(f *testing.F) {
	f.Add(partner.ThreadCursor{LastMessageAt: t0, CompanyID: "cmp_1"}.String())
	f.Add(partner.ThreadCursor{CompanyID: "cmp_1"}.String())
	f.Add("Lg")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := partner.ParseThreadCursor(s)
		if err != nil {
			require.ErrorIs(t, err, bookingkit.ErrInvalid)
			return
		}
		require.Equal(t, s, c.String())
	})
}
