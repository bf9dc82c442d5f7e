package storagetest

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/partner"
)

// testPartnerLogs covers the activity log, support threads and the audit
// log of [partner.Store].
func testPartnerLogs(t *testing.T, open func(t *testing.T) partner.Store) {
	ctx := context.Background()

	t.Run("ActivityAppendAndGet", func(t *testing.T) {
		w := newPtnWorld(t, open)
		ev := partner.ActivityEvent{At: ptnAt(1), Kind: partner.ActivitySignIn, PartnerID: "ptn_a", CompanyID: "cmp_a",
			InstanceID: "ins_1", LicenceID: "lic_1", Serial: "SN-1", PIN: "", UserLogin: "ana", Detail: "app 2.1 ✓"}
		first, err := w.s.AppendActivity(ctx, ev)
		require.NoError(t, err)
		require.Positive(t, first.ID)
		want := ev
		want.ID = first.ID
		requireEqual(t, want, first, "appended event")
		second, err := w.s.AppendActivity(ctx, ev)
		require.NoError(t, err)
		require.Greater(t, second.ID, first.ID, "IDs increase in append order")
		got, err := w.s.GetActivity(ctx, first.ID)
		require.NoError(t, err)
		requireEqual(t, want, got, "GetActivity")
		_, err = w.s.GetActivity(ctx, second.ID+1000)
		require.ErrorIs(t, err, bookingkit.ErrNotFound)
		_, err = w.s.GetActivity(ctx, 0)
		require.ErrorIs(t, err, bookingkit.ErrNotFound)
	})

	t.Run("ActivitySearchNewestFirstInPages", func(t *testing.T) {
		w := newPtnWorld(t, open)
		// Terminal SN-1 of partner A: 12 events, some at the same instant
		// (ties are ordered by ID), appended out of time order. Noise
		// around it: another terminal, a PIN-only event, and partner B's
		// terminal with the same serial.
		mk := func(at time.Time, serial, pin, partnerID string) partner.ActivityEvent {
			return partner.ActivityEvent{At: at, Kind: partner.ActivityConfigFetch, PartnerID: partnerID, CompanyID: "cmp",
				InstanceID: "ins", LicenceID: "lic", Serial: serial, PIN: pin, UserLogin: "u"}
		}
		minutes := []int{5, 1, 3, 3, 3, 9, 7, 2, 8, 8, 4, 6}
		var mine []partner.ActivityEvent
		for i, m := range minutes {
			ev, err := w.s.AppendActivity(ctx, mk(ptnAt(m), "SN-1", "1111", "ptn_a"))
			require.NoError(t, err)
			mine = append(mine, ev)
			if i%3 == 0 {
				for _, noise := range []partner.ActivityEvent{mk(ptnAt(m), "SN-2", "", "ptn_a"), mk(ptnAt(m), "", "2222", "ptn_a"), mk(ptnAt(m), "SN-1", "", "ptn_b")} {
					_, err := w.s.AppendActivity(ctx, noise)
					require.NoError(t, err)
				}
			}
		}
		slices.SortFunc(mine, func(a, b partner.ActivityEvent) int { return cmp.Or(b.At.Compare(a.At), cmp.Compare(b.ID, a.ID)) })

		// Walk the pages as the service does: Limit+1, cursor at the last shown.
		walk := func(q partner.ActivityQuery, pageSize int) []partner.ActivityEvent {
			var all []partner.ActivityEvent
			for range 100 {
				q.Limit = pageSize + 1
				got, err := w.s.SearchActivity(ctx, q)
				require.NoError(t, err)
				if len(got) <= pageSize {
					return append(all, got...)
				}
				all = append(all, got[:pageSize]...)
				last := got[pageSize-1]
				q.Before = &partner.ActivityCursor{At: last.At, ID: last.ID}
			}
			t.Fatal("pagination does not end")
			return nil
		}
		for _, size := range []int{1, 2, 5, 50} {
			got := walk(partner.ActivityQuery{Serial: "SN-1", PartnerID: "ptn_a"}, size)
			requireEqual(t, mine, got, fmt.Sprintf("SN-1 of partner A in pages of %d", size))
			got = walk(partner.ActivityQuery{PIN: "1111"}, size)
			requireEqual(t, mine, got, fmt.Sprintf("PIN 1111 in pages of %d", size))
		}
		all, err := w.s.SearchActivity(ctx, partner.ActivityQuery{Serial: "SN-1", Limit: 100})
		require.NoError(t, err)
		require.Len(t, all, len(mine)+4, "an administrator's search spans partners")
		none, err := w.s.SearchActivity(ctx, partner.ActivityQuery{Serial: "SN-1", PartnerID: "ptn_zz", Limit: 100})
		require.NoError(t, err)
		require.Empty(t, none)
		none, err = w.s.SearchActivity(ctx, partner.ActivityQuery{Serial: "SN-", Limit: 100})
		require.NoError(t, err)
		require.Empty(t, none, "the serial matches exactly")

		// The window is [From, To).
		var want []partner.ActivityEvent
		for _, ev := range mine {
			if !ev.At.Before(ptnAt(3)) && ev.At.Before(ptnAt(8)) {
				want = append(want, ev)
			}
		}
		got := walk(partner.ActivityQuery{Serial: "SN-1", PartnerID: "ptn_a", From: ptnAt(3), To: ptnAt(8)}, 2)
		requireEqual(t, want, got, "window [3, 8)")
		// A cursor in the middle of a tie continues within the tie.
		var ties []partner.ActivityEvent
		for _, ev := range mine {
			if ev.At.Equal(ptnAt(3)) {
				ties = append(ties, ev)
			}
		}
		require.Len(t, ties, 3)
		got, err = w.s.SearchActivity(ctx, partner.ActivityQuery{PIN: "1111", Before: &partner.ActivityCursor{At: ptnAt(3), ID: ties[0].ID}, Limit: 3})
		require.NoError(t, err)
		requireEqual(t, []partner.ActivityEvent{ties[1], ties[2], mine[len(mine)-2]}, got, "continuing inside a tie")
	})

	t.Run("MessagesAndUnreadCounts", func(t *testing.T) {
		w := newPtnWorld(t, open)
		post := func(id string, dir partner.Direction, at time.Time) partner.Message {
			m := partner.Message{ID: id, PartnerID: "ptn_a", CompanyID: "cmp_a", Direction: dir, AuthorID: "usr_alice", Body: "body of " + id + "\nsecond line ✓", At: at}
			require.NoError(t, w.s.PostMessage(ctx, m))
			return m
		}
		m1 := post("msg_1", partner.FromPartner, ptnAt(10))
		m2 := post("msg_2", partner.FromSupport, ptnAt(11))
		m3 := post("msg_3", partner.FromSupport, ptnAt(12))
		m4 := post("msg_4", partner.FromPartner, ptnAt(13))
		require.ErrorIs(t, w.s.PostMessage(ctx, partner.Message{ID: "msg_9", PartnerID: "ptn_a", CompanyID: "cmp_zz", Direction: partner.FromPartner, AuthorID: "x", Body: "x", At: t0}), bookingkit.ErrNotFound)
		require.ErrorIs(t, w.s.PostMessage(ctx, m1), bookingkit.ErrConflict, "a message ID is used once")

		for _, tt := range []struct {
			q    partner.MessageQuery
			want []partner.Message
		}{
			{partner.MessageQuery{CompanyID: "cmp_a", Limit: 10}, []partner.Message{m4, m3, m2, m1}},
			{partner.MessageQuery{CompanyID: "cmp_a", Limit: 2}, []partner.Message{m4, m3}},
			{partner.MessageQuery{CompanyID: "cmp_a", Before: "msg_3", Limit: 10}, []partner.Message{m2, m1}},
			{partner.MessageQuery{CompanyID: "cmp_a", Before: "msg_1", Limit: 10}, nil},
			{partner.MessageQuery{CompanyID: "cmp_b", Limit: 10}, nil},
		} {
			got, err := w.s.ListMessages(ctx, tt.q)
			require.NoError(t, err)
			if tt.want == nil {
				require.Empty(t, got, "%+v", tt.q)
				continue
			}
			requireEqual(t, tt.want, got, fmt.Sprintf("ListMessages %+v", tt.q))
		}

		thread := func(id string) partner.ThreadSummary {
			th, err := w.s.GetThread(ctx, id)
			require.NoError(t, err)
			return th
		}
		requireEqual(t, partner.ThreadSummary{CompanyID: "cmp_a", CompanyName: "Acme Logistics", PartnerID: "ptn_a", Messages: 4,
			LastMessageAt: ptnAt(13), UnreadByPartner: 2, UnreadBySupport: 2}, thread("cmp_a"), "thread before reading")

		require.NoError(t, w.s.MarkThreadRead(ctx, "cmp_a", partner.SidePartner, "msg_2"))
		require.EqualValues(t, 1, thread("cmp_a").UnreadByPartner)
		require.EqualValues(t, 2, thread("cmp_a").UnreadBySupport, "each side reads for itself")
		require.NoError(t, w.s.MarkThreadRead(ctx, "cmp_a", partner.SidePartner, "msg_1"))
		require.EqualValues(t, 1, thread("cmp_a").UnreadByPartner, "a read mark never moves back")
		require.NoError(t, w.s.MarkThreadRead(ctx, "cmp_a", partner.SideSupport, "msg_4"))
		require.EqualValues(t, 0, thread("cmp_a").UnreadBySupport)
		require.ErrorIs(t, w.s.MarkThreadRead(ctx, "cmp_a", partner.SidePartner, "msg_zz"), bookingkit.ErrNotFound)
		other := partner.Message{ID: "msg_5", PartnerID: "ptn_b", CompanyID: "cmp_b", Direction: partner.FromSupport, AuthorID: "usr_admin", Body: "hi", At: ptnAt(14)}
		require.NoError(t, w.s.PostMessage(ctx, other))
		require.ErrorIs(t, w.s.MarkThreadRead(ctx, "cmp_a", partner.SidePartner, "msg_5"), bookingkit.ErrNotFound, "a message of another thread")
		require.EqualValues(t, 1, thread("cmp_a").UnreadByPartner)
		require.EqualValues(t, 1, thread("cmp_b").UnreadByPartner)

		// An earlier message posted late does not move the thread back.
		post("msg_0", partner.FromSupport, ptnAt(1))
		th := thread("cmp_a")
		require.Equal(t, ptnAt(13), th.LastMessageAt)
		require.EqualValues(t, 5, th.Messages)
		require.EqualValues(t, 1, th.UnreadByPartner, "msg_0 sorts before the partner's read mark")
		_ = m3
	})

	t.Run("ThreadListOrder", func(t *testing.T) {
		w := newPtnWorld(t, open)
		for _, c := range []partner.Company{
			{ID: "cmp_c", PartnerID: "ptn_a", Name: "C", CreatedAt: ptnAt(3)},
			{ID: "cmp_d", PartnerID: "ptn_a", Name: "D", CreatedAt: ptnAt(3)},
			{ID: "cmp_e", PartnerID: "ptn_a", Name: "E", CreatedAt: ptnAt(3)},
		} {
			require.NoError(t, w.s.CreateCompany(ctx, c, w.ptnAudit(c.PartnerID, partner.ObjectCompany, c.ID, "create", c.CreatedAt)))
		}
		post := func(id, company, partnerID string, at time.Time) {
			require.NoError(t, w.s.PostMessage(ctx, partner.Message{ID: id, PartnerID: partnerID, CompanyID: company, Direction: partner.FromPartner, AuthorID: "u", Body: "b", At: at}))
		}
		post("msg_1", "cmp_c", "ptn_a", ptnAt(10))
		post("msg_2", "cmp_a", "ptn_a", ptnAt(20))
		post("msg_3", "cmp_d", "ptn_a", ptnAt(10)) // the same instant as cmp_c: company ID descending
		post("msg_4", "cmp_b", "ptn_b", ptnAt(30))
		// Partner A: cmp_a (20), cmp_d (10), cmp_c (10), then cmp_e without messages.
		wantA := []string{"cmp_a", "cmp_d", "cmp_c", "cmp_e"}
		wantAll := []string{"cmp_b", "cmp_a", "cmp_d", "cmp_c", "cmp_e"}
		walk := func(partnerID string, size int) []string {
			var ids []string
			q := partner.ThreadQuery{PartnerID: partnerID}
			for range 50 {
				q.Limit = size + 1
				got, err := w.s.ListThreads(ctx, q)
				require.NoError(t, err)
				for i, th := range got {
					if i < size {
						ids = append(ids, th.CompanyID)
					}
				}
				if len(got) <= size {
					return ids
				}
				last := got[size-1]
				q.After = &partner.ThreadCursor{LastMessageAt: last.LastMessageAt, CompanyID: last.CompanyID}
			}
			t.Fatal("pagination does not end")
			return nil
		}
		for _, size := range []int{1, 2, 3, 10} {
			requireEqual(t, wantA, walk("ptn_a", size), fmt.Sprintf("partner A's threads in pages of %d", size))
			requireEqual(t, wantAll, walk("", size), fmt.Sprintf("all threads in pages of %d", size))
		}
		// Two threads without messages: company ID descending, after the rest.
		require.NoError(t, w.s.CreateCompany(ctx, partner.Company{ID: "cmp_f", PartnerID: "ptn_a", Name: "F", CreatedAt: ptnAt(3)},
			w.ptnAudit("ptn_a", partner.ObjectCompany, "cmp_f", "create", ptnAt(3))))
		for _, size := range []int{1, 4} {
			requireEqual(t, []string{"cmp_a", "cmp_d", "cmp_c", "cmp_f", "cmp_e"}, walk("ptn_a", size), "empty threads last")
		}
		got, err := w.s.ListThreads(ctx, partner.ThreadQuery{PartnerID: "ptn_a", Limit: 10})
		require.NoError(t, err)
		requireEqual(t, partner.ThreadSummary{CompanyID: "cmp_a", CompanyName: "Acme Logistics", PartnerID: "ptn_a", Messages: 1, LastMessageAt: ptnAt(20), UnreadBySupport: 1}, got[0], "listed summary")
		requireEqual(t, partner.ThreadSummary{CompanyID: "cmp_e", CompanyName: "E", PartnerID: "ptn_a"}, got[4], "empty thread summary")
	})

	t.Run("AuditListAndImpersonation", func(t *testing.T) {
		w := newPtnWorld(t, open)
		created := w.auditSeq
		extra := []partner.AuditRecord{
			w.ptnAudit("ptn_a", partner.ObjectLicence, "lic_1", "impersonation_link", ptnAt(10)),
			w.ptnAudit("ptn_b", partner.ObjectLicence, "lic_2", "impersonation_link", ptnAt(11)),
			w.ptnAudit("ptn_a", partner.ObjectLicence, "lic_1", "impersonation_link", ptnAt(12)),
		}
		extra[1].ActorRole, extra[1].Reason = "", ""
		for _, r := range extra {
			require.NoError(t, w.s.AppendAudit(ctx, r))
		}
		require.ErrorIs(t, w.s.AppendAudit(ctx, extra[0]), bookingkit.ErrConflict, "an audit ID is used once")
		all, err := w.s.ListAudit(ctx, partner.AuditQuery{Limit: 100})
		require.NoError(t, err)
		require.Len(t, all, created+3)
		requireEqual(t, []partner.AuditRecord{extra[2], extra[1], extra[0]}, all[:3], "newest first, whole records")
		for _, tt := range []struct {
			q    partner.AuditQuery
			want []string
		}{
			{partner.AuditQuery{ObjectID: "lic_1", Limit: 10}, []string{extra[2].ID, extra[0].ID}},
			{partner.AuditQuery{PartnerID: "ptn_b", ObjectID: "lic_2", Limit: 10}, []string{extra[1].ID}},
			{partner.AuditQuery{PartnerID: "ptn_a", ObjectID: "lic_2", Limit: 10}, []string{}},
			{partner.AuditQuery{ObjectID: "lic_1", Before: extra[2].ID, Limit: 10}, []string{extra[0].ID}},
			{partner.AuditQuery{Limit: 2}, []string{extra[2].ID, extra[1].ID}},
		} {
			got, err := w.s.ListAudit(ctx, tt.q)
			require.NoError(t, err)
			ids := []string{}
			for _, r := range got {
				ids = append(ids, r.ID)
			}
			requireEqual(t, tt.want, ids, fmt.Sprintf("ListAudit %+v", tt.q))
		}
		partnerB, err := w.s.ListAudit(ctx, partner.AuditQuery{PartnerID: "ptn_b", Limit: 100})
		require.NoError(t, err)
		for _, r := range partnerB {
			require.Equal(t, "ptn_b", r.PartnerID)
		}

		open1 := w.ptnAudit("ptn_a", partner.ObjectLicence, "lic_1", "impersonation_open", ptnAt(20))
		require.NoError(t, w.s.UseImpersonation(ctx, "nonce-1", ptnAt(22), open1))
		replay := w.ptnAudit("ptn_a", partner.ObjectLicence, "lic_1", "impersonation_open", ptnAt(21))
		require.ErrorIs(t, w.s.UseImpersonation(ctx, "nonce-1", ptnAt(22), replay), bookingkit.ErrConflict)
		ids := w.auditOf(t, "lic_1")
		require.Contains(t, ids, open1.ID)
		require.NotContains(t, ids, replay.ID, "a refused use leaves no audit record")
		// Another link is another nonce; long-expired nonces may be forgotten,
		// which must not disturb the use of a fresh one.
		require.NoError(t, w.s.UseImpersonation(ctx, "nonce-2", ptnAt(60*24*30+2), w.ptnAudit("ptn_a", partner.ObjectLicence, "lic_1", "impersonation_open", ptnAt(60*24*30))))
		require.ErrorIs(t, w.s.UseImpersonation(ctx, "nonce-2", ptnAt(60*24*30+2), w.ptnAudit("ptn_a", partner.ObjectLicence, "lic_1", "impersonation_open", ptnAt(60*24*30+1))), bookingkit.ErrConflict)
	})
}

// testPartnerReports covers CountReport and CountByMonth.
func testPartnerReports(t *testing.T, open func(t *testing.T) partner.Store) {
	ctx := context.Background()
	sortCounts := func(rows []partner.CountRow) []partner.CountRow {
		out := slices.Clone(rows)
		slices.SortFunc(out, func(a, b partner.CountRow) int {
			return cmp.Or(strings.Compare(a.Type, b.Type), strings.Compare(a.Profile, b.Profile), strings.Compare(string(a.State), string(b.State)))
		})
		if out == nil {
			out = []partner.CountRow{}
		}
		return out
	}
	sortMonths := func(rows []partner.MonthRow) []partner.MonthRow {
		out := slices.Clone(rows)
		slices.SortFunc(out, func(a, b partner.MonthRow) int {
			return cmp.Or(strings.Compare(a.Month, b.Month), strings.Compare(a.Type, b.Type), strings.Compare(a.Profile, b.Profile))
		})
		if out == nil {
			out = []partner.MonthRow{}
		}
		return out
	}

	t.Run("Counts", func(t *testing.T) {
		w := newPtnWorld(t, open)
		now := time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)
		jan := time.Date(2026, 1, 31, 23, 59, 59, 999999000, time.UTC)
		feb := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
		mar := time.Date(2026, 3, 10, 8, 0, 0, 0, time.UTC)
		year := now.AddDate(1, 0, 0)
		insts := []partner.Instance{
			ptnInstance("ins_01", w.companyA, "WDS", "basic", partner.StateActive, jan, year),
			ptnInstance("ins_02", w.companyA, "WDS", "basic", partner.StateActive, feb, year),
			ptnInstance("ins_03", w.companyA, "WDS", "basic", partner.StateActive, feb, now), // expired at now
			ptnInstance("ins_04", w.companyA, "WDS", "enterprise", partner.StateDeactivationRequested, mar, now.Add(-time.Hour)),
			ptnInstance("ins_05", w.companyA, "MCRM", "", partner.StateActive, mar, year),
			ptnInstance("ins_06", w.companyA, "MCRM", "", partner.StateDraft, time.Time{}, year),
			ptnInstance("ins_07", w.companyA, "S360", "", partner.StateCancelled, time.Time{}, year),
			ptnInstance("ins_08", w.companyB, "WDS", "basic", partner.StateActive, jan, year),
			ptnInstance("ins_09", w.companyB, "WTA", "", partner.StateActive, mar, now.Add(-time.Microsecond)),
		}
		for _, inst := range insts {
			w.createInstance(t, inst)
		}
		lics := []partner.Licence{
			ptnLicence("lic_1", insts[0], "a", jan),
			ptnLicence("lic_2", insts[0], "b", feb),
			ptnLicence("lic_3", insts[4], "c", mar),
			ptnLicence("lic_4", insts[7], "d", mar),
		}
		w.createLicences(t, insts[0], lics[0], lics[1])
		w.createLicences(t, insts[4], lics[2])
		w.createLicences(t, insts[7], lics[3])
		l := lics[1]
		l.State, l.Version = partner.StateDeactivated, 2
		require.NoError(t, w.s.UpdateLicence(ctx, partner.LicenceUpdate{Licence: l, PrevVersion: 1}))

		row := func(typ, profile string, st partner.State, n int64) partner.CountRow {
			return partner.CountRow{Type: typ, Profile: profile, State: st, Count: n}
		}
		for _, tt := range []struct {
			name string
			f    partner.ReportFilter
			want []partner.CountRow
		}{
			{"all instances", partner.ReportFilter{Subject: partner.SubjectInstances}, []partner.CountRow{
				row("MCRM", "", partner.StateActive, 1), row("MCRM", "", partner.StateDraft, 1),
				row("S360", "", partner.StateCancelled, 1),
				row("WDS", "basic", partner.StateActive, 3), row("WDS", "basic", partner.StateExpired, 1),
				row("WDS", "enterprise", partner.StateDeactivationRequested, 1),
				row("WTA", "", partner.StateExpired, 1),
			}},
			{"partner A", partner.ReportFilter{Subject: partner.SubjectInstances, PartnerID: "ptn_a"}, []partner.CountRow{
				row("MCRM", "", partner.StateActive, 1), row("MCRM", "", partner.StateDraft, 1),
				row("S360", "", partner.StateCancelled, 1),
				row("WDS", "basic", partner.StateActive, 2), row("WDS", "basic", partner.StateExpired, 1),
				row("WDS", "enterprise", partner.StateDeactivationRequested, 1),
			}},
			{"type", partner.ReportFilter{Subject: partner.SubjectInstances, Type: "WDS", PartnerID: "ptn_a"}, []partner.CountRow{
				row("WDS", "basic", partner.StateActive, 2), row("WDS", "basic", partner.StateExpired, 1),
				row("WDS", "enterprise", partner.StateDeactivationRequested, 1),
			}},
			{"state expired", partner.ReportFilter{Subject: partner.SubjectInstances, States: []partner.State{partner.StateExpired}}, []partner.CountRow{
				row("WDS", "basic", partner.StateExpired, 1), row("WTA", "", partner.StateExpired, 1),
			}},
			{"states active and draft", partner.ReportFilter{Subject: partner.SubjectInstances, States: []partner.State{partner.StateActive, partner.StateDraft}}, []partner.CountRow{
				row("MCRM", "", partner.StateActive, 1), row("MCRM", "", partner.StateDraft, 1), row("WDS", "basic", partner.StateActive, 3),
			}},
			{"activated in February", partner.ReportFilter{Subject: partner.SubjectInstances, ActivatedFrom: feb, ActivatedTo: feb.AddDate(0, 1, 0)}, []partner.CountRow{
				row("WDS", "basic", partner.StateActive, 1), row("WDS", "basic", partner.StateExpired, 1),
			}},
			{"activated before February", partner.ReportFilter{Subject: partner.SubjectInstances, ActivatedTo: feb}, []partner.CountRow{
				row("WDS", "basic", partner.StateActive, 2),
			}},
			{"unknown partner", partner.ReportFilter{Subject: partner.SubjectInstances, PartnerID: "ptn_zz"}, []partner.CountRow{}},
			{"all licences", partner.ReportFilter{Subject: partner.SubjectLicences}, []partner.CountRow{
				row("MCRM", "", partner.StateActive, 1), row("WDS", "basic", partner.StateActive, 2), row("WDS", "basic", partner.StateDeactivated, 1),
			}},
			{"licences of partner B", partner.ReportFilter{Subject: partner.SubjectLicences, PartnerID: "ptn_b"}, []partner.CountRow{
				row("WDS", "basic", partner.StateActive, 1),
			}},
			{"licences deactivated", partner.ReportFilter{Subject: partner.SubjectLicences, States: []partner.State{partner.StateDeactivated}}, []partner.CountRow{
				row("WDS", "basic", partner.StateDeactivated, 1),
			}},
			{"licences added from March", partner.ReportFilter{Subject: partner.SubjectLicences, ActivatedFrom: mar, Type: "WDS"}, []partner.CountRow{
				row("WDS", "basic", partner.StateActive, 1),
			}},
		} {
			f := tt.f
			f.Now = now
			got, err := w.s.CountReport(ctx, f)
			require.NoError(t, err, tt.name)
			requireEqual(t, tt.want, sortCounts(got), "CountReport "+tt.name)
		}

		mrow := func(month, typ, profile string, n int64) partner.MonthRow {
			return partner.MonthRow{Month: month, Type: typ, Profile: profile, Count: n}
		}
		for _, tt := range []struct {
			name string
			f    partner.ReportFilter
			want []partner.MonthRow
		}{
			{"instances by month", partner.ReportFilter{Subject: partner.SubjectInstances}, []partner.MonthRow{
				mrow("2026-01", "WDS", "basic", 2),
				mrow("2026-02", "WDS", "basic", 2),
				mrow("2026-03", "MCRM", "", 1), mrow("2026-03", "WDS", "enterprise", 1), mrow("2026-03", "WTA", "", 1),
			}},
			{"active instances of partner A by month", partner.ReportFilter{Subject: partner.SubjectInstances, PartnerID: "ptn_a", States: []partner.State{partner.StateActive}}, []partner.MonthRow{
				mrow("2026-01", "WDS", "basic", 1), mrow("2026-02", "WDS", "basic", 1), mrow("2026-03", "MCRM", "", 1),
			}},
			{"instances from February", partner.ReportFilter{Subject: partner.SubjectInstances, ActivatedFrom: feb, Type: "WDS"}, []partner.MonthRow{
				mrow("2026-02", "WDS", "basic", 2), mrow("2026-03", "WDS", "enterprise", 1),
			}},
			{"licences by month", partner.ReportFilter{Subject: partner.SubjectLicences}, []partner.MonthRow{
				mrow("2026-01", "WDS", "basic", 1), mrow("2026-02", "WDS", "basic", 1),
				mrow("2026-03", "MCRM", "", 1), mrow("2026-03", "WDS", "basic", 1),
			}},
			{"active licences by month", partner.ReportFilter{Subject: partner.SubjectLicences, States: []partner.State{partner.StateActive}, ActivatedTo: mar}, []partner.MonthRow{
				mrow("2026-01", "WDS", "basic", 1),
			}},
		} {
			f := tt.f
			f.Now = now
			got, err := w.s.CountByMonth(ctx, f)
			require.NoError(t, err, tt.name)
			requireEqual(t, tt.want, sortMonths(got), "CountByMonth "+tt.name)
		}
	})
}
