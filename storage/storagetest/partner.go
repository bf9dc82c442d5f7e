package storagetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/partner"
)

// The partner cases (see [partner.Store]) work on a small world: two
// partners A and B, a user and a company each, and an administrator. IDs
// are fixed and sort in creation order, as the service's do.

// ptnAt returns the suite's clock n minutes after t0.
func ptnAt(n int) time.Time { return t0.Add(time.Duration(n) * time.Minute) }

type ptnWorld struct {
	s        partner.Store
	partnerA partner.Partner
	partnerB partner.Partner
	admin    partner.User
	alice    partner.User
	bob      partner.User
	companyA partner.Company
	companyB partner.Company
	auditSeq int
}

// ptnAudit returns a new audit record about object id, with a fresh ID.
func (w *ptnWorld) ptnAudit(partnerID, object, id, action string, at time.Time) partner.AuditRecord {
	w.auditSeq++
	return partner.AuditRecord{
		ID: fmt.Sprintf("aud_%05d", w.auditSeq), At: at, ActorID: w.alice.ID, ActorRole: partner.RolePartnerUser,
		PartnerID: partnerID, Object: object, ObjectID: id, Action: action, Reason: "because", Detail: "detail " + action,
	}
}

func newPtnWorld(t *testing.T, open func(t *testing.T) partner.Store) *ptnWorld {
	t.Helper()
	ctx := context.Background()
	w := &ptnWorld{s: open(t)}
	require.NotNil(t, w.s, "open returned a nil partner.Store")
	w.partnerA = partner.Partner{ID: "ptn_a", Name: "Partner A", CreatedAt: ptnAt(0)}
	w.partnerB = partner.Partner{ID: "ptn_b", Name: "Partner B", CreatedAt: ptnAt(0)}
	for _, p := range []partner.Partner{w.partnerA, w.partnerB} {
		require.NoError(t, w.s.CreatePartner(ctx, p, w.ptnAudit(p.ID, partner.ObjectPartner, p.ID, "create", p.CreatedAt)))
	}
	w.admin = partner.User{ID: "usr_admin", Role: partner.RoleAdministrator, Name: "Root", Email: "root@vendor.example", CreatedAt: ptnAt(0)}
	w.alice = partner.User{ID: "usr_alice", PartnerID: w.partnerA.ID, Role: partner.RolePartnerUser, Name: "Alice", Email: "Alice@a.example", CreatedAt: ptnAt(1)}
	w.bob = partner.User{ID: "usr_bob", PartnerID: w.partnerB.ID, Role: partner.RolePartnerUser, Name: "Bob", Email: "bob@b.example", CreatedAt: ptnAt(1)}
	for _, u := range []partner.User{w.admin, w.alice, w.bob} {
		require.NoError(t, w.s.CreateUser(ctx, u, w.ptnAudit(u.PartnerID, partner.ObjectUser, u.ID, "create", u.CreatedAt)))
	}
	w.companyA = partner.Company{ID: "cmp_a", PartnerID: w.partnerA.ID, Name: "Acme Logistics", CreatedAt: ptnAt(2)}
	w.companyB = partner.Company{ID: "cmp_b", PartnerID: w.partnerB.ID, Name: "Bravo Foods", CreatedAt: ptnAt(2)}
	for _, c := range []partner.Company{w.companyA, w.companyB} {
		require.NoError(t, w.s.CreateCompany(ctx, c, w.ptnAudit(c.PartnerID, partner.ObjectCompany, c.ID, "create", c.CreatedAt)))
	}
	return w
}

// instance returns an active WDS instance of company, generated at
// activated (zero: a draft) and expiring at expires.
func ptnInstance(id string, c partner.Company, typ, profile string, state partner.State, activated, expires time.Time) partner.Instance {
	inst := partner.Instance{
		ID: id, PartnerID: c.PartnerID, CompanyID: c.ID, Type: typ, Profile: profile, State: state,
		CompanyData: map[string]string{"legal_name": "Acme Logistics S.L.", "country": "ES"},
		Config:      map[string]string{"max_terminals": "25", "time_zone": "Europe/Madrid"},
		ExpiresAt:   expires, CreatedBy: "usr_alice", CreatedAt: ptnAt(3), UpdatedAt: ptnAt(3), Version: 1,
		ActivatedAt: activated,
	}
	if !activated.IsZero() {
		inst.Contract = partner.Contract{Text: "CONTRACT " + id, SHA256: partner.Digest("CONTRACT " + id), GeneratedAt: activated.Add(-time.Minute)}
	}
	return inst
}

func (w *ptnWorld) createInstance(t *testing.T, inst partner.Instance) partner.Instance {
	t.Helper()
	require.NoError(t, w.s.CreateInstance(context.Background(), inst, w.ptnAudit(inst.PartnerID, partner.ObjectInstance, inst.ID, "create", inst.CreatedAt)))
	return inst
}

// ptnLicence returns a free active licence of inst for login.
func ptnLicence(id string, inst partner.Instance, login string, created time.Time) partner.Licence {
	return partner.Licence{
		ID: id, PartnerID: inst.PartnerID, CompanyID: inst.CompanyID, InstanceID: inst.ID,
		InstanceType: inst.Type, Profile: inst.Profile, State: partner.StateActive,
		User:      partner.LicenceUser{Name: "User " + login, Login: login, Email: login + "@acme.example"},
		CreatedBy: "usr_alice", CreatedAt: created, UpdatedAt: created, Version: 1,
	}
}

func (w *ptnWorld) createLicences(t *testing.T, inst partner.Instance, ls ...partner.Licence) {
	t.Helper()
	var audit []partner.AuditRecord
	for _, l := range ls {
		audit = append(audit, w.ptnAudit(l.PartnerID, partner.ObjectLicence, l.ID, "create", l.CreatedAt))
	}
	require.NoError(t, w.s.CreateLicences(context.Background(), partner.LicenceBatch{
		InstanceID: inst.ID, InstanceVersion: inst.Version, Licences: ls, Audit: audit,
	}))
}

// bind writes l bound to terminal at `at`, with its activity, and returns
// the stored licence.
func (w *ptnWorld) bind(t *testing.T, l partner.Licence, term partner.Terminal, at time.Time) partner.Licence {
	t.Helper()
	next := l
	next.Terminal, next.BoundAt, next.UpdatedAt, next.Version = term, at, at, l.Version+1
	ev := partner.ActivityEvent{At: at, Kind: partner.ActivityBound, PartnerID: l.PartnerID, CompanyID: l.CompanyID,
		InstanceID: l.InstanceID, LicenceID: l.ID, Serial: term.Serial, PIN: term.PIN, UserLogin: l.User.Login}
	require.NoError(t, w.s.UpdateLicence(context.Background(), partner.LicenceUpdate{Licence: next, PrevVersion: l.Version, Activity: &ev}))
	return next
}

// auditOf returns the IDs of the audit records about objectID, oldest first.
func (w *ptnWorld) auditOf(t *testing.T, objectID string) []string {
	t.Helper()
	recs, err := w.s.ListAudit(context.Background(), partner.AuditQuery{ObjectID: objectID, Limit: 1000})
	require.NoError(t, err)
	var ids []string
	for _, r := range recs {
		ids = append(ids, r.ID)
	}
	slices.Reverse(ids)
	return ids
}

func requireEqual(t *testing.T, want, got any, msg string) {
	t.Helper()
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("%s (-want +got):\n%s", msg, d)
	}
}

// RunPartner holds a [partner.Store] to the suite: partners, users and
// companies, instances and their licences with version checks, the
// activity and audit logs, support threads and the count reports.
func RunPartner(t *testing.T, open func(t *testing.T) partner.Store) {
	ctx := context.Background()

	t.Run("PartnersUsersCompanies", func(t *testing.T) {
		w := newPtnWorld(t, open)
		s := w.s
		got, err := s.GetPartner(ctx, "ptn_a")
		require.NoError(t, err)
		requireEqual(t, w.partnerA, got, "GetPartner")
		_, err = s.GetPartner(ctx, "ptn_zz")
		require.ErrorIs(t, err, bookingkit.ErrNotFound)
		require.ErrorIs(t, s.CreatePartner(ctx, w.partnerA, w.ptnAudit("ptn_a", partner.ObjectPartner, "ptn_a", "create", t0)), bookingkit.ErrConflict)

		list, err := s.ListPartners(ctx, partner.PartnerQuery{Limit: 10})
		require.NoError(t, err)
		requireEqual(t, []partner.Partner{w.partnerA, w.partnerB}, list, "ListPartners")
		list, err = s.ListPartners(ctx, partner.PartnerQuery{Limit: 1})
		require.NoError(t, err)
		requireEqual(t, []partner.Partner{w.partnerA}, list, "ListPartners limit 1")
		list, err = s.ListPartners(ctx, partner.PartnerQuery{After: "ptn_a", Limit: 10})
		require.NoError(t, err)
		requireEqual(t, []partner.Partner{w.partnerB}, list, "ListPartners after ptn_a")

		for _, u := range []partner.User{w.admin, w.alice, w.bob} {
			got, err := s.GetUser(ctx, u.ID)
			require.NoError(t, err)
			requireEqual(t, u, got, "GetUser")
		}
		_, err = s.GetUser(ctx, "usr_nobody")
		require.ErrorIs(t, err, bookingkit.ErrNotFound)
		sameEmail := partner.User{ID: "usr_x", PartnerID: "ptn_b", Role: partner.RolePartnerUser, Name: "X", Email: "alice@A.EXAMPLE", CreatedAt: t0}
		require.ErrorIs(t, s.CreateUser(ctx, sameEmail, w.ptnAudit("ptn_b", partner.ObjectUser, "usr_x", "create", t0)), bookingkit.ErrConflict,
			"e-mail addresses are unique ignoring case")
		_, err = s.GetUser(ctx, "usr_x")
		require.ErrorIs(t, err, bookingkit.ErrNotFound)
		require.Empty(t, w.auditOf(t, "usr_x"), "a refused user leaves no audit record")
		orphan := partner.User{ID: "usr_y", PartnerID: "ptn_zz", Role: partner.RolePartnerUser, Name: "Y", Email: "y@example.com", CreatedAt: t0}
		require.ErrorIs(t, s.CreateUser(ctx, orphan, w.ptnAudit("ptn_zz", partner.ObjectUser, "usr_y", "create", t0)), bookingkit.ErrNotFound)

		c, err := s.GetCompany(ctx, "cmp_a")
		require.NoError(t, err)
		requireEqual(t, w.companyA, c, "GetCompany")
		_, err = s.GetCompany(ctx, "cmp_zz")
		require.ErrorIs(t, err, bookingkit.ErrNotFound)
		lost := partner.Company{ID: "cmp_lost", PartnerID: "ptn_zz", Name: "Lost", CreatedAt: t0}
		require.ErrorIs(t, s.CreateCompany(ctx, lost, w.ptnAudit("ptn_zz", partner.ObjectCompany, "cmp_lost", "create", t0)), bookingkit.ErrNotFound)
		require.Empty(t, w.auditOf(t, "cmp_lost"))

		a2 := partner.Company{ID: "cmp_a2", PartnerID: "ptn_a", Name: "Acme Two", CreatedAt: ptnAt(5)}
		require.NoError(t, s.CreateCompany(ctx, a2, w.ptnAudit("ptn_a", partner.ObjectCompany, a2.ID, "create", a2.CreatedAt)))
		for _, tt := range []struct {
			q    partner.CompanyQuery
			want []partner.Company
		}{
			{partner.CompanyQuery{Limit: 10}, []partner.Company{w.companyA, a2, w.companyB}},
			{partner.CompanyQuery{PartnerID: "ptn_a", Limit: 10}, []partner.Company{w.companyA, a2}},
			{partner.CompanyQuery{PartnerID: "ptn_a", After: "cmp_a", Limit: 10}, []partner.Company{a2}},
			{partner.CompanyQuery{Limit: 2}, []partner.Company{w.companyA, a2}},
			{partner.CompanyQuery{PartnerID: "ptn_zz", Limit: 10}, []partner.Company{}},
		} {
			got, err := s.ListCompanies(ctx, tt.q)
			require.NoError(t, err)
			requireEqual(t, len(tt.want), len(got), fmt.Sprintf("ListCompanies %+v length", tt.q))
			if len(tt.want) > 0 {
				requireEqual(t, tt.want, got, fmt.Sprintf("ListCompanies %+v", tt.q))
			}
		}

		// A company's thread exists from its creation, empty.
		th, err := s.GetThread(ctx, "cmp_a2")
		require.NoError(t, err)
		requireEqual(t, partner.ThreadSummary{CompanyID: "cmp_a2", CompanyName: "Acme Two", PartnerID: "ptn_a"}, th, "new thread")
		_, err = s.GetThread(ctx, "cmp_zz")
		require.ErrorIs(t, err, bookingkit.ErrNotFound)

		// Every creation above wrote its audit record.
		require.Len(t, w.auditOf(t, "cmp_a2"), 1)
		require.Len(t, w.auditOf(t, "usr_alice"), 1)
	})

	t.Run("InstanceRoundTripAndVersionCheck", func(t *testing.T) {
		w := newPtnWorld(t, open)
		s := w.s
		draft := ptnInstance("ins_1", w.companyA, "WDS", "professional", partner.StateDraft, time.Time{}, ptnAt(60*24*365))
		w.createInstance(t, draft)
		got, err := s.GetInstance(ctx, "ins_1")
		require.NoError(t, err)
		requireEqual(t, draft, got, "GetInstance of a draft")
		got.Config["max_terminals"] = "1" // the caller's copy: the store must not share it
		again, err := s.GetInstance(ctx, "ins_1")
		require.NoError(t, err)
		require.Equal(t, "25", again.Config["max_terminals"])

		_, err = s.GetInstance(ctx, "ins_zz")
		require.ErrorIs(t, err, bookingkit.ErrNotFound)
		require.ErrorIs(t, s.CreateInstance(ctx, draft, w.ptnAudit("ptn_a", partner.ObjectInstance, "ins_1", "create", t0)), bookingkit.ErrConflict)
		noCompany := ptnInstance("ins_2", partner.Company{ID: "cmp_zz", PartnerID: "ptn_a"}, "WDS", "basic", partner.StateDraft, time.Time{}, ptnAt(1000))
		require.ErrorIs(t, s.CreateInstance(ctx, noCompany, w.ptnAudit("ptn_a", partner.ObjectInstance, "ins_2", "create", t0)), bookingkit.ErrNotFound)
		require.Empty(t, w.auditOf(t, "ins_2"))

		// Every field survives an update, zero times and empty maps included.
		full := draft.Clone()
		full.State = partner.StateDeactivationRequested
		full.CompanyData = map[string]string{}
		full.Config = map[string]string{"a": "1", "b": "ünïcödé ✓", "c": `quote " and \ backslash`}
		full.ConfigVersion = 7
		full.ExpiresAt = ptnAt(999999)
		full.Contract = partner.Contract{Text: "Contract\nline 2 €", SHA256: partner.Digest("Contract\nline 2 €"), GeneratedAt: ptnAt(4)}
		full.Deactivation = partner.Deactivation{Reason: "moving", RequestedBy: "usr_alice", RequestedAt: ptnAt(9),
			Decision: partner.DecisionRejected, DecisionReason: "no", DecidedBy: "usr_admin", DecidedAt: ptnAt(10)}
		full.ActivatedAt = ptnAt(5)
		full.UpdatedAt = ptnAt(10)
		full.Version = 2
		rec := w.ptnAudit("ptn_a", partner.ObjectInstance, "ins_1", "edit", ptnAt(10))
		require.NoError(t, s.UpdateInstance(ctx, partner.InstanceUpdate{Instance: full, PrevVersion: 1, Audit: rec}))
		got, err = s.GetInstance(ctx, "ins_1")
		require.NoError(t, err)
		requireEqual(t, full, got, "GetInstance after update")
		require.Equal(t, []string{"aud_00008", rec.ID}, w.auditOf(t, "ins_1"))

		// A stale version changes nothing and writes no audit record.
		stale := full.Clone()
		stale.State, stale.Version = partner.StateActive, 3
		staleRec := w.ptnAudit("ptn_a", partner.ObjectInstance, "ins_1", "withdraw_deactivation", ptnAt(11))
		err = s.UpdateInstance(ctx, partner.InstanceUpdate{Instance: stale, PrevVersion: 1, Audit: staleRec})
		require.ErrorIs(t, err, bookingkit.ErrConflict)
		got, err = s.GetInstance(ctx, "ins_1")
		require.NoError(t, err)
		requireEqual(t, full, got, "instance after a stale update")
		require.Equal(t, []string{"aud_00008", rec.ID}, w.auditOf(t, "ins_1"), "a failed change leaves no audit record")

		missing := stale.Clone()
		missing.ID = "ins_zz"
		require.ErrorIs(t, s.UpdateInstance(ctx, partner.InstanceUpdate{Instance: missing, PrevVersion: 1, Audit: w.ptnAudit("ptn_a", partner.ObjectInstance, "ins_zz", "edit", t0)}), bookingkit.ErrNotFound)
	})

	t.Run("InstanceRacingUpdatesOneWins", func(t *testing.T) {
		w := newPtnWorld(t, open)
		inst := w.createInstance(t, ptnInstance("ins_1", w.companyA, "WDS", "basic", partner.StateActive, ptnAt(4), ptnAt(100000)))
		const racers = 6
		var wg sync.WaitGroup
		var mu sync.Mutex
		wins := 0
		recs := make([]partner.AuditRecord, racers)
		for i := range recs {
			recs[i] = w.ptnAudit("ptn_a", partner.ObjectInstance, "ins_1", "clear_session", ptnAt(5))
		}
		for i := range racers {
			wg.Go(func() {
				next := inst.Clone()
				next.ConfigVersion, next.Version, next.UpdatedAt = int64(100+i), 2, ptnAt(5)
				err := w.s.UpdateInstance(ctx, partner.InstanceUpdate{Instance: next, PrevVersion: 1, Audit: recs[i]})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					wins++
				case !errors.Is(err, bookingkit.ErrConflict):
					t.Errorf("UpdateInstance: %v, want nil or ErrConflict", err)
				}
			})
		}
		wg.Wait()
		require.Equal(t, 1, wins, "exactly one of the racing updates wins")
		got, err := w.s.GetInstance(ctx, "ins_1")
		require.NoError(t, err)
		require.EqualValues(t, 2, got.Version)
		require.Len(t, w.auditOf(t, "ins_1"), 2, "the create and the winner's record, no other")
	})

	t.Run("ListInstances", func(t *testing.T) {
		w := newPtnWorld(t, open)
		now := ptnAt(10000)
		a2 := partner.Company{ID: "cmp_a2", PartnerID: "ptn_a", Name: "Acme Two", CreatedAt: ptnAt(2)}
		require.NoError(t, w.s.CreateCompany(ctx, a2, w.ptnAudit("ptn_a", partner.ObjectCompany, a2.ID, "create", a2.CreatedAt)))
		i1 := w.createInstance(t, ptnInstance("ins_1", w.companyA, "WDS", "basic", partner.StateActive, ptnAt(100), now.Add(time.Hour)))
		i2 := w.createInstance(t, ptnInstance("ins_2", w.companyA, "WDS", "enterprise", partner.StateActive, ptnAt(200), now)) // expired: expiry == now
		i3 := w.createInstance(t, ptnInstance("ins_3", a2, "MCRM", "", partner.StateDraft, time.Time{}, now.Add(time.Hour)))
		i4 := w.createInstance(t, ptnInstance("ins_4", w.companyB, "WDS", "basic", partner.StateActive, ptnAt(150), now.Add(time.Hour)))
		i5 := w.createInstance(t, ptnInstance("ins_5", a2, "S360", "", partner.StateDeactivated, ptnAt(300), now.Add(-time.Hour)))
		ids := func(list []partner.Instance) []string {
			out := []string{}
			for _, i := range list {
				out = append(out, i.ID)
			}
			return out
		}
		for _, tt := range []struct {
			name string
			q    partner.InstanceQuery
			want []string
		}{
			{"all", partner.InstanceQuery{}, []string{"ins_1", "ins_2", "ins_3", "ins_4", "ins_5"}},
			{"partner A", partner.InstanceQuery{PartnerID: "ptn_a"}, []string{"ins_1", "ins_2", "ins_3", "ins_5"}},
			{"partner B", partner.InstanceQuery{PartnerID: "ptn_b"}, []string{"ins_4"}},
			{"unknown partner", partner.InstanceQuery{PartnerID: "ptn_zz"}, []string{}},
			{"company", partner.InstanceQuery{CompanyID: "cmp_a2"}, []string{"ins_3", "ins_5"}},
			{"type", partner.InstanceQuery{Type: "WDS"}, []string{"ins_1", "ins_2", "ins_4"}},
			{"type and profile", partner.InstanceQuery{Type: "WDS", Profile: "basic"}, []string{"ins_1", "ins_4"}},
			{"active is not expired", partner.InstanceQuery{Statuses: []partner.State{partner.StateActive}}, []string{"ins_1", "ins_4"}},
			{"expired is derived", partner.InstanceQuery{Statuses: []partner.State{partner.StateExpired}}, []string{"ins_2"}},
			{"deactivated past expiry stays deactivated", partner.InstanceQuery{Statuses: []partner.State{partner.StateDeactivated}}, []string{"ins_5"}},
			{"two statuses", partner.InstanceQuery{Statuses: []partner.State{partner.StateDraft, partner.StateExpired}}, []string{"ins_2", "ins_3"}},
			{"activated from", partner.InstanceQuery{ActivatedFrom: ptnAt(150)}, []string{"ins_2", "ins_4", "ins_5"}},
			{"activated to (exclusive)", partner.InstanceQuery{ActivatedTo: ptnAt(200)}, []string{"ins_1", "ins_4"}},
			{"activated window", partner.InstanceQuery{ActivatedFrom: ptnAt(150), ActivatedTo: ptnAt(300)}, []string{"ins_2", "ins_4"}},
			{"after", partner.InstanceQuery{After: "ins_2"}, []string{"ins_3", "ins_4", "ins_5"}},
			{"limit", partner.InstanceQuery{PartnerID: "ptn_a", Limit: 2}, []string{"ins_1", "ins_2"}},
			{"after and limit", partner.InstanceQuery{PartnerID: "ptn_a", After: "ins_2", Limit: 1}, []string{"ins_3"}},
		} {
			q := tt.q
			q.Now = now
			if q.Limit == 0 {
				q.Limit = 100
			}
			got, err := w.s.ListInstances(ctx, q)
			require.NoError(t, err, tt.name)
			requireEqual(t, tt.want, ids(got), "ListInstances "+tt.name)
		}
		// Listed instances are whole.
		got, err := w.s.ListInstances(ctx, partner.InstanceQuery{Now: now, Limit: 100})
		require.NoError(t, err)
		requireEqual(t, []partner.Instance{i1, i2, i3, i4, i5}, got, "listed instances")
	})

	t.Run("CreateLicences", func(t *testing.T) {
		w := newPtnWorld(t, open)
		inst := w.createInstance(t, ptnInstance("ins_1", w.companyA, "WDS", "basic", partner.StateActive, ptnAt(4), ptnAt(100000)))
		other := w.createInstance(t, ptnInstance("ins_2", w.companyA, "MCRM", "", partner.StateActive, ptnAt(4), ptnAt(100000)))
		l1 := ptnLicence("lic_1", inst, "ana", ptnAt(5))
		l2 := ptnLicence("lic_2", inst, "juan", ptnAt(5))
		w.createLicences(t, inst, l1, l2)
		for _, l := range []partner.Licence{l1, l2} {
			got, err := w.s.GetLicence(ctx, l.ID)
			require.NoError(t, err)
			requireEqual(t, l, got, "GetLicence")
			require.Len(t, w.auditOf(t, l.ID), 1, "each licence has its audit record")
		}
		_, err := w.s.GetLicence(ctx, "lic_zz")
		require.ErrorIs(t, err, bookingkit.ErrNotFound)

		batch := func(instance partner.Instance, version int64, ls ...partner.Licence) partner.LicenceBatch {
			b := partner.LicenceBatch{InstanceID: instance.ID, InstanceVersion: version, Licences: ls}
			for _, l := range ls {
				b.Audit = append(b.Audit, w.ptnAudit(l.PartnerID, partner.ObjectLicence, l.ID, "create", l.CreatedAt))
			}
			return b
		}
		// All or none: a taken login refuses the whole batch.
		l3 := ptnLicence("lic_3", inst, "luis", ptnAt(6))
		dup := ptnLicence("lic_4", inst, "ana", ptnAt(6))
		require.ErrorIs(t, w.s.CreateLicences(ctx, batch(inst, 1, l3, dup)), bookingkit.ErrConflict)
		for _, id := range []string{"lic_3", "lic_4"} {
			_, err := w.s.GetLicence(ctx, id)
			require.ErrorIs(t, err, bookingkit.ErrNotFound, "nothing of a refused batch is kept")
			require.Empty(t, w.auditOf(t, id), "nor its audit records")
		}
		// The same login twice within one batch.
		require.ErrorIs(t, w.s.CreateLicences(ctx, batch(inst, 1, l3, ptnLicence("lic_5", inst, "luis", ptnAt(6)))), bookingkit.ErrConflict)
		_, err = w.s.GetLicence(ctx, "lic_3")
		require.ErrorIs(t, err, bookingkit.ErrNotFound)
		// The same login in another instance is fine.
		w.createLicences(t, other, ptnLicence("lic_6", other, "ana", ptnAt(6)))

		// The instance's version is checked: it changed since the service read it.
		moved := inst.Clone()
		moved.Version, moved.ConfigVersion = 2, 1
		require.NoError(t, w.s.UpdateInstance(ctx, partner.InstanceUpdate{Instance: moved, PrevVersion: 1, Audit: w.ptnAudit("ptn_a", partner.ObjectInstance, "ins_1", "clear_session", ptnAt(7))}))
		require.ErrorIs(t, w.s.CreateLicences(ctx, batch(inst, 1, l3)), bookingkit.ErrConflict, "stale instance version")
		_, err = w.s.GetLicence(ctx, "lic_3")
		require.ErrorIs(t, err, bookingkit.ErrNotFound)
		require.ErrorIs(t, w.s.CreateLicences(ctx, batch(partner.Instance{ID: "ins_zz"}, 1, l3)), bookingkit.ErrNotFound)
		require.NoError(t, w.s.CreateLicences(ctx, batch(moved, 2, l3)))

		// A deactivated licence's login may be given again.
		deact := l2
		deact.State, deact.Version, deact.UpdatedAt = partner.StateDeactivated, 2, ptnAt(8)
		require.NoError(t, w.s.UpdateLicence(ctx, partner.LicenceUpdate{Licence: deact, PrevVersion: 1}))
		require.NoError(t, w.s.CreateLicences(ctx, batch(moved, 2, ptnLicence("lic_7", inst, "juan", ptnAt(9)))))
	})

	t.Run("UpdateLicence", func(t *testing.T) {
		w := newPtnWorld(t, open)
		inst := w.createInstance(t, ptnInstance("ins_1", w.companyA, "WDS", "basic", partner.StateActive, ptnAt(4), ptnAt(100000)))
		other := w.createInstance(t, ptnInstance("ins_2", w.companyA, "WDS", "basic", partner.StateActive, ptnAt(4), ptnAt(100000)))
		l1 := ptnLicence("lic_1", inst, "ana", ptnAt(5))
		l2 := ptnLicence("lic_2", inst, "juan", ptnAt(5))
		w.createLicences(t, inst, l1, l2)
		l9 := ptnLicence("lic_9", other, "ana", ptnAt(5))
		w.createLicences(t, other, l9)

		// Bind with activity, no audit (a terminal's own binding).
		b1 := w.bind(t, l1, partner.Terminal{Serial: "SN-1", PIN: "1111"}, ptnAt(10))
		got, err := w.s.GetLicence(ctx, "lic_1")
		require.NoError(t, err)
		requireEqual(t, b1, got, "bound licence")
		evs, err := w.s.SearchActivity(ctx, partner.ActivityQuery{Serial: "SN-1", Limit: 10})
		require.NoError(t, err)
		require.Len(t, evs, 1)
		require.Equal(t, partner.ActivityBound, evs[0].Kind)
		require.Len(t, w.auditOf(t, "lic_1"), 1, "only the create")

		// The same serial or PIN on another licence of the instance: conflict,
		// and neither the audit record nor the activity is written.
		for _, term := range []partner.Terminal{{Serial: "SN-1"}, {PIN: "1111"}, {Serial: "SN-2", PIN: "1111"}} {
			next := l2
			next.Terminal, next.BoundAt, next.UpdatedAt, next.Version = term, ptnAt(11), ptnAt(11), 2
			rec := w.ptnAudit("ptn_a", partner.ObjectLicence, "lic_2", "bind", ptnAt(11))
			ev := partner.ActivityEvent{At: ptnAt(11), Kind: partner.ActivityBound, PartnerID: "ptn_a", CompanyID: "cmp_a",
				InstanceID: "ins_1", LicenceID: "lic_2", Serial: term.Serial, PIN: term.PIN, UserLogin: "juan"}
			err := w.s.UpdateLicence(ctx, partner.LicenceUpdate{Licence: next, PrevVersion: 1, Audit: &rec, Activity: &ev})
			require.ErrorIs(t, err, bookingkit.ErrConflict, "terminal %+v", term)
		}
		got, err = w.s.GetLicence(ctx, "lic_2")
		require.NoError(t, err)
		requireEqual(t, l2, got, "licence after refused bindings")
		require.Len(t, w.auditOf(t, "lic_2"), 1)
		for _, q := range []partner.ActivityQuery{{Serial: "SN-2", Limit: 10}, {PIN: "1111", Limit: 10}} {
			evs, err := w.s.SearchActivity(ctx, q)
			require.NoError(t, err)
			require.LessOrEqual(t, len(evs), 1, "no activity from a refused change")
		}
		// The same terminal in another instance is another licence's business.
		w.bind(t, l9, partner.Terminal{Serial: "SN-1"}, ptnAt(12))

		// Stale version: conflict, nothing written.
		rel := b1
		rel.Terminal, rel.BoundAt, rel.UpdatedAt, rel.Version = partner.Terminal{}, time.Time{}, ptnAt(13), 3
		rec := w.ptnAudit("ptn_a", partner.ObjectLicence, "lic_1", "release", ptnAt(13))
		ev := partner.ActivityEvent{At: ptnAt(13), Kind: partner.ActivityReleased, PartnerID: "ptn_a", CompanyID: "cmp_a",
			InstanceID: "ins_1", LicenceID: "lic_1", Serial: "SN-1", PIN: "1111", UserLogin: "ana", Detail: "released by usr_alice"}
		require.ErrorIs(t, w.s.UpdateLicence(ctx, partner.LicenceUpdate{Licence: rel, PrevVersion: 1, Audit: &rec, Activity: &ev}), bookingkit.ErrConflict)
		require.Len(t, w.auditOf(t, "lic_1"), 1)
		// Right version: licence, audit and activity together.
		require.NoError(t, w.s.UpdateLicence(ctx, partner.LicenceUpdate{Licence: rel, PrevVersion: 2, Audit: &rec, Activity: &ev}))
		got, err = w.s.GetLicence(ctx, "lic_1")
		require.NoError(t, err)
		requireEqual(t, rel, got, "released licence")
		require.Len(t, w.auditOf(t, "lic_1"), 2)
		evs, err = w.s.SearchActivity(ctx, partner.ActivityQuery{PIN: "1111", Limit: 10})
		require.NoError(t, err)
		require.Len(t, evs, 2)
		require.Equal(t, partner.ActivityReleased, evs[0].Kind)
		require.Equal(t, "released by usr_alice", evs[0].Detail)
		// Released, the terminal is free for the other licence.
		w.bind(t, l2, partner.Terminal{Serial: "SN-1"}, ptnAt(14))

		// Every field round-trips, deactivation included.
		full := rel
		full.State, full.Version, full.UpdatedAt = partner.StateDeactivationRequested, 4, ptnAt(15)
		full.Deactivation = partner.Deactivation{Reason: "left ✓", RequestedBy: "usr_alice", RequestedAt: ptnAt(15),
			Decision: partner.DecisionWithdrawn, DecisionReason: "oops", DecidedBy: "usr_alice", DecidedAt: ptnAt(16)}
		require.NoError(t, w.s.UpdateLicence(ctx, partner.LicenceUpdate{Licence: full, PrevVersion: 3}))
		got, err = w.s.GetLicence(ctx, "lic_1")
		require.NoError(t, err)
		requireEqual(t, full, got, "licence with a deactivation request")

		missing := full
		missing.ID = "lic_zz"
		require.ErrorIs(t, w.s.UpdateLicence(ctx, partner.LicenceUpdate{Licence: missing, PrevVersion: 4}), bookingkit.ErrNotFound)

		// Racing updates of one licence: one wins.
		var wg sync.WaitGroup
		var mu sync.Mutex
		wins := 0
		for i := range 5 {
			wg.Go(func() {
				next := full
				next.Version, next.UpdatedAt = 5, ptnAt(20+i)
				err := w.s.UpdateLicence(ctx, partner.LicenceUpdate{Licence: next, PrevVersion: 4})
				mu.Lock()
				defer mu.Unlock()
				if err == nil {
					wins++
				} else if !errors.Is(err, bookingkit.ErrConflict) {
					t.Errorf("UpdateLicence: %v", err)
				}
			})
		}
		wg.Wait()
		require.Equal(t, 1, wins)
	})

	t.Run("ListLicences", func(t *testing.T) {
		w := newPtnWorld(t, open)
		i1 := w.createInstance(t, ptnInstance("ins_1", w.companyA, "WDS", "basic", partner.StateActive, ptnAt(4), ptnAt(100000)))
		i2 := w.createInstance(t, ptnInstance("ins_2", w.companyA, "MCRM", "", partner.StateActive, ptnAt(4), ptnAt(100000)))
		i3 := w.createInstance(t, ptnInstance("ins_3", w.companyB, "WDS", "enterprise", partner.StateActive, ptnAt(4), ptnAt(100000)))
		a := ptnLicence("lic_1", i1, "ana.garcia", ptnAt(10))
		a.User.Name = "Ana Gómez"
		b := ptnLicence("lic_2", i1, "juan", ptnAt(20))
		b.User.Email = "JUAN.PEREZ@acme.example"
		c := ptnLicence("lic_3", i2, "ana.garcia", ptnAt(30))
		d := ptnLicence("lic_4", i3, "bob", ptnAt(40))
		w.createLicences(t, i1, a, b)
		w.createLicences(t, i2, c)
		w.createLicences(t, i3, d)
		b = w.bind(t, b, partner.Terminal{Serial: "WDS-T1-0042", PIN: "4242"}, ptnAt(50))
		d = w.bind(t, d, partner.Terminal{Serial: "WDS-T1-0042"}, ptnAt(50))
		c.State, c.Version, c.UpdatedAt = partner.StateDeactivationRequested, 2, ptnAt(60)
		require.NoError(t, w.s.UpdateLicence(ctx, partner.LicenceUpdate{Licence: c, PrevVersion: 1}))
		ids := func(list []partner.Licence) []string {
			out := []string{}
			for _, l := range list {
				out = append(out, l.ID)
			}
			return out
		}
		for _, tt := range []struct {
			name string
			q    partner.LicenceQuery
			want []string
		}{
			{"all", partner.LicenceQuery{}, []string{"lic_1", "lic_2", "lic_3", "lic_4"}},
			{"partner", partner.LicenceQuery{PartnerID: "ptn_a"}, []string{"lic_1", "lic_2", "lic_3"}},
			{"instance", partner.LicenceQuery{InstanceID: "ins_1"}, []string{"lic_1", "lic_2"}},
			{"type", partner.LicenceQuery{Type: "WDS"}, []string{"lic_1", "lic_2", "lic_4"}},
			{"type and profile", partner.LicenceQuery{Type: "WDS", Profile: "enterprise"}, []string{"lic_4"}},
			{"state", partner.LicenceQuery{States: []partner.State{partner.StateDeactivationRequested}}, []string{"lic_3"}},
			{"states", partner.LicenceQuery{States: []partner.State{partner.StateActive, partner.StateDeactivated}}, []string{"lic_1", "lic_2", "lic_4"}},
			{"created window", partner.LicenceQuery{CreatedFrom: ptnAt(20), CreatedTo: ptnAt(40)}, []string{"lic_2", "lic_3"}},
			{"login", partner.LicenceQuery{Login: "ana.garcia"}, []string{"lic_1", "lic_3"}},
			{"login is exact", partner.LicenceQuery{Login: "ana"}, []string{}},
			{"serial", partner.LicenceQuery{Serial: "WDS-T1-0042"}, []string{"lic_2", "lic_4"}},
			{"serial of a partner", partner.LicenceQuery{Serial: "WDS-T1-0042", PartnerID: "ptn_b"}, []string{"lic_4"}},
			{"pin", partner.LicenceQuery{PIN: "4242"}, []string{"lic_2"}},
			{"search name ignoring case", partner.LicenceQuery{InstanceID: "ins_1", Search: "GÓMEZ"}, []string{"lic_1"}},
			{"search e-mail", partner.LicenceQuery{InstanceID: "ins_1", Search: "perez"}, []string{"lic_2"}},
			{"search serial", partner.LicenceQuery{InstanceID: "ins_1", Search: "t1-00"}, []string{"lic_2"}},
			{"search login", partner.LicenceQuery{InstanceID: "ins_1", Search: "garc"}, []string{"lic_1"}},
			{"search is literal", partner.LicenceQuery{InstanceID: "ins_1", Search: "%"}, []string{}},
			{"search within the instance", partner.LicenceQuery{InstanceID: "ins_2", Search: "ana"}, []string{"lic_3"}},
			{"after", partner.LicenceQuery{After: "lic_2"}, []string{"lic_3", "lic_4"}},
			{"limit", partner.LicenceQuery{Limit: 3}, []string{"lic_1", "lic_2", "lic_3"}},
		} {
			q := tt.q
			if q.Limit == 0 {
				q.Limit = 100
			}
			got, err := w.s.ListLicences(ctx, q)
			require.NoError(t, err, tt.name)
			requireEqual(t, tt.want, ids(got), "ListLicences "+tt.name)
		}
		got, err := w.s.ListLicences(ctx, partner.LicenceQuery{Limit: 100})
		require.NoError(t, err)
		requireEqual(t, []partner.Licence{a, b, c, d}, got, "listed licences are whole")
	})

	t.Run("DeactivateLicencesWithTheInstance", func(t *testing.T) {
		w := newPtnWorld(t, open)
		inst := w.createInstance(t, ptnInstance("ins_1", w.companyA, "WDS", "basic", partner.StateDeactivationRequested, ptnAt(4), ptnAt(100000)))
		other := w.createInstance(t, ptnInstance("ins_2", w.companyA, "WDS", "basic", partner.StateActive, ptnAt(4), ptnAt(100000)))
		l1 := ptnLicence("lic_1", inst, "bound-serial", ptnAt(5))
		l2 := ptnLicence("lic_2", inst, "free", ptnAt(5))
		l3 := ptnLicence("lic_3", inst, "requested-pin", ptnAt(5))
		l4 := ptnLicence("lic_4", inst, "already", ptnAt(5))
		w.createLicences(t, inst, l1, l2, l3, l4)
		l5 := ptnLicence("lic_5", other, "bound-serial", ptnAt(5))
		w.createLicences(t, other, l5)
		l1 = w.bind(t, l1, partner.Terminal{Serial: "SN-1"}, ptnAt(6))
		l3 = w.bind(t, l3, partner.Terminal{PIN: "3333"}, ptnAt(6))
		l3.State, l3.Version = partner.StateDeactivationRequested, l3.Version+1
		require.NoError(t, w.s.UpdateLicence(ctx, partner.LicenceUpdate{Licence: l3, PrevVersion: l3.Version - 1}))
		l4.State, l4.Version = partner.StateDeactivated, 2
		require.NoError(t, w.s.UpdateLicence(ctx, partner.LicenceUpdate{Licence: l4, PrevVersion: 1}))
		l5 = w.bind(t, l5, partner.Terminal{Serial: "SN-5"}, ptnAt(6))

		// A stale approval changes neither the instance nor its licences.
		at := ptnAt(30)
		approved := inst.Clone()
		approved.State, approved.UpdatedAt, approved.Version = partner.StateDeactivated, at, 3
		rec := w.ptnAudit("ptn_a", partner.ObjectInstance, "ins_1", "approve_deactivation", at)
		err := w.s.UpdateInstance(ctx, partner.InstanceUpdate{Instance: approved, PrevVersion: 2, Audit: rec, DeactivateLicences: true})
		require.ErrorIs(t, err, bookingkit.ErrConflict)
		got, err := w.s.GetLicence(ctx, "lic_1")
		require.NoError(t, err)
		requireEqual(t, l1, got, "licence after a refused approval")
		evs, err := w.s.SearchActivity(ctx, partner.ActivityQuery{Serial: "SN-1", Limit: 10})
		require.NoError(t, err)
		require.Len(t, evs, 1, "no release written by a refused approval")

		approved.Version = 2
		require.NoError(t, w.s.UpdateInstance(ctx, partner.InstanceUpdate{Instance: approved, PrevVersion: 1, Audit: rec, DeactivateLicences: true}))
		ended := func(l partner.Licence) partner.Licence {
			l.State, l.Terminal, l.BoundAt, l.Version, l.UpdatedAt = partner.StateDeactivated, partner.Terminal{}, time.Time{}, l.Version+1, at
			return l
		}
		for _, want := range []partner.Licence{ended(l1), ended(l2), ended(l3), l4, l5} {
			got, err := w.s.GetLicence(ctx, want.ID)
			require.NoError(t, err)
			requireEqual(t, want, got, "licence "+want.ID+" after the instance's deactivation")
		}
		// The two terminals that held a licence show the release.
		for _, tt := range []struct {
			q       partner.ActivityQuery
			licence partner.Licence
		}{
			{partner.ActivityQuery{Serial: "SN-1", Limit: 10}, l1},
			{partner.ActivityQuery{PIN: "3333", Limit: 10}, l3},
		} {
			evs, err := w.s.SearchActivity(ctx, tt.q)
			require.NoError(t, err)
			require.Len(t, evs, 2)
			want := partner.ActivityEvent{ID: evs[0].ID, At: at, Kind: partner.ActivityReleased, PartnerID: "ptn_a", CompanyID: "cmp_a",
				InstanceID: "ins_1", LicenceID: tt.licence.ID, Serial: tt.licence.Terminal.Serial, PIN: tt.licence.Terminal.PIN,
				UserLogin: tt.licence.User.Login, Detail: partner.DetailInstanceDeactivated}
			requireEqual(t, want, evs[0], "release event")
		}
		evs, err = w.s.SearchActivity(ctx, partner.ActivityQuery{Serial: "SN-5", Limit: 10})
		require.NoError(t, err)
		require.Len(t, evs, 1, "another instance's terminal is untouched")
		require.Contains(t, w.auditOf(t, "ins_1"), rec.ID)

		// The freed logins may be given again (to a new instance's licences).
		inst3 := w.createInstance(t, ptnInstance("ins_3", w.companyA, "WDS", "basic", partner.StateActive, ptnAt(4), ptnAt(100000)))
		w.createLicences(t, inst3, ptnLicence("lic_6", inst3, "bound-serial", ptnAt(31)))
	})
	testPartnerLogs(t, open)
	testPartnerReports(t, open)
	testPartnerWebhooks(t, open)
	testPartnerAPIKeys(t, open)
}
