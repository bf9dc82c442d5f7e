package partner_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/partner"
)

// storeState is everything a partner.Store lets a reader see, read through
// the interface alone, so that "a refused call changed nothing" is checked
// against the store's real contents rather than its internals.
//
// Three things are not fully readable through partner.Store and so are
// only as visible as their traces: users (there is no ListUsers; the users
// are those the audit log's user records name), used impersonation nonces
// (no read method; using one writes an audit record in the same
// transaction) and thread read marks (seen only as the unread counts of
// the thread summaries).
type storeState struct {
	Partners  []partner.Partner
	Users     []partner.User
	Companies []partner.Company
	Threads   []partner.ThreadSummary
	Messages  []partner.Message
	Instances []partner.Instance
	Licences  []partner.Licence
	Activity  []partner.ActivityEvent
	Audit     []partner.AuditRecord
}

// statePage is the page size snapshot reads with; smaller than the worlds
// the tests build, so paging is exercised too.
const statePage = 7

// snapshot reads the whole visible state of w's store.
func snapshot(t testing.TB, w *world) storeState {
	t.Helper()
	ctx, s := w.ctx, w.store
	var st storeState
	st.Partners = readAll(t, func(after string) ([]partner.Partner, error) {
		return s.ListPartners(ctx, partner.PartnerQuery{After: after, Limit: statePage})
	}, func(p partner.Partner) string { return p.ID })
	st.Companies = readAll(t, func(after string) ([]partner.Company, error) {
		return s.ListCompanies(ctx, partner.CompanyQuery{After: after, Limit: statePage})
	}, func(c partner.Company) string { return c.ID })
	st.Instances = readAll(t, func(after string) ([]partner.Instance, error) {
		return s.ListInstances(ctx, partner.InstanceQuery{After: after, Limit: statePage})
	}, func(inst partner.Instance) string { return inst.ID })
	st.Licences = readAll(t, func(after string) ([]partner.Licence, error) {
		return s.ListLicences(ctx, partner.LicenceQuery{After: after, Limit: statePage})
	}, func(l partner.Licence) string { return l.ID })
	st.Audit = readAll(t, func(before string) ([]partner.AuditRecord, error) {
		return s.ListAudit(ctx, partner.AuditQuery{Before: before, Limit: statePage})
	}, func(r partner.AuditRecord) string { return r.ID })

	for _, c := range st.Companies {
		thread, err := s.GetThread(ctx, c.ID)
		require.NoError(t, err)
		st.Threads = append(st.Threads, thread)
		st.Messages = append(st.Messages, readAll(t, func(before string) ([]partner.Message, error) {
			return s.ListMessages(ctx, partner.MessageQuery{CompanyID: c.ID, Before: before, Limit: statePage})
		}, func(m partner.Message) string { return m.ID })...)
	}

	var userIDs []string
	for _, r := range st.Audit {
		if r.Object == partner.ObjectUser && !slices.Contains(userIDs, r.ObjectID) {
			userIDs = append(userIDs, r.ObjectID)
		}
	}
	slices.Sort(userIDs)
	for _, id := range userIDs {
		u, err := s.GetUser(ctx, id)
		require.NoError(t, err, "user %s of the audit log", id)
		st.Users = append(st.Users, u)
	}

	// Activity can only be searched by a terminal, so read it by ID: IDs
	// are assigned 1, 2, 3… in append order (as the memory store and SQL
	// sequences do), and the first missing one is the end of the log.
	for id := int64(1); ; id++ {
		ev, err := s.GetActivity(ctx, id)
		if errors.Is(err, bookingkit.ErrNotFound) {
			break
		}
		require.NoError(t, err)
		st.Activity = append(st.Activity, ev)
	}
	return st
}

// readAll pages through a keyset list until a short page: list returns the
// page that follows cursor ("" for the first), and cursorOf gives the
// cursor an item leaves behind.
func readAll[T any](t testing.TB, list func(cursor string) ([]T, error), cursorOf func(T) string) []T {
	t.Helper()
	var all []T
	cursor := ""
	for {
		page, err := list(cursor)
		require.NoError(t, err)
		require.LessOrEqual(t, len(page), statePage, "a list ignored its limit")
		all = append(all, page...)
		if len(page) < statePage {
			return all
		}
		cursor = cursorOf(page[len(page)-1])
	}
}

// requireUnchanged fails t with the difference when w's store no longer
// reads as before.
func requireUnchanged(t testing.TB, w *world, before storeState, msgAndArgs ...any) {
	t.Helper()
	if diff := cmp.Diff(before, snapshot(t, w)); diff != "" {
		require.Fail(t, "the store changed (-before +after):\n"+diff, msgAndArgs...)
	}
}

// auditOf returns the audit records about objectID, oldest first: the
// service's IDs sort in the order it made them.
func auditOf(t testing.TB, w *world, objectID string) []partner.AuditRecord {
	t.Helper()
	recs := readAll(t, func(before string) ([]partner.AuditRecord, error) {
		return w.store.ListAudit(w.ctx, partner.AuditQuery{ObjectID: objectID, Before: before, Limit: statePage})
	}, func(r partner.AuditRecord) string { return r.ID })
	slices.Reverse(recs)
	return recs
}

// TestSnapshotSeesEveryChange keeps requireUnchanged honest: a snapshot
// that missed some part of the store would let a refused call change that
// part unnoticed. Each change goes through the store and must show in the
// part of the snapshot that holds it.
func TestSnapshotSeesEveryChange(t *testing.T) {
	w := newWorld(t)
	ctx, s := w.ctx, w.store
	inst := w.active(t, w.alice, w.companyA)
	lic := w.licences(t, w.alice, inst, "ana")[0]
	_, err := w.svc.BindTerminal(ctx, lic.ID, partner.Terminal{Serial: "SN-1", PIN: "1111"})
	require.NoError(t, err)
	_, err = w.svc.PostMessage(ctx, w.admin, w.companyA.ID, "Hello from support")
	require.NoError(t, err)

	st := snapshot(t, w)
	for part, n := range map[string]int{
		"partners": len(st.Partners), "users": len(st.Users), "companies": len(st.Companies), "threads": len(st.Threads),
		"messages": len(st.Messages), "instances": len(st.Instances), "licences": len(st.Licences),
		"activity": len(st.Activity), "audit": len(st.Audit),
	} {
		require.NotZero(t, n, "the snapshot read no %s", part)
	}
	require.Len(t, st.Users, 4, "root, the second administrator, alice and bob")
	require.Greater(t, len(st.Audit), statePage, "the audit log spans pages")

	audit := func(id, object, objectID string) partner.AuditRecord {
		return partner.AuditRecord{ID: id, At: w.clock.Now(), ActorID: w.admin.UserID, ActorRole: partner.RoleAdministrator,
			Object: object, ObjectID: objectID, Action: "test"}
	}
	changes := []struct {
		part   string
		of     func(storeState) any
		change func() error
	}{
		{"partners", func(s storeState) any { return s.Partners }, func() error {
			return s.CreatePartner(ctx, partner.Partner{ID: "prt_test", Name: "Partner C", CreatedAt: w.clock.Now()}, audit("aud_t1", partner.ObjectPartner, "prt_test"))
		}},
		{"users", func(s storeState) any { return s.Users }, func() error {
			u := partner.User{ID: "usr_test", Role: partner.RoleAdministrator, Name: "Third", Email: "third@vendor.example", CreatedAt: w.clock.Now()}
			return s.CreateUser(ctx, u, audit("aud_t2", partner.ObjectUser, u.ID))
		}},
		{"companies", func(s storeState) any { return s.Companies }, func() error {
			c := partner.Company{ID: "cmp_test", PartnerID: w.partnerA.ID, Name: "Charlie", CreatedAt: w.clock.Now()}
			return s.CreateCompany(ctx, c, audit("aud_t3", partner.ObjectCompany, c.ID))
		}},
		{"messages", func(s storeState) any { return s.Messages }, func() error {
			return s.PostMessage(ctx, partner.Message{ID: "msg_test", PartnerID: w.partnerB.ID, CompanyID: w.companyB.ID,
				Direction: partner.FromPartner, AuthorID: w.bob.UserID, Body: "hi", At: w.clock.Now()})
		}},
		{"threads", func(s storeState) any { return s.Threads }, func() error {
			msgs, err := s.ListMessages(ctx, partner.MessageQuery{CompanyID: w.companyA.ID, Limit: 1})
			if err != nil {
				return err
			}
			return s.MarkThreadRead(ctx, w.companyA.ID, partner.SidePartner, msgs[0].ID)
		}},
		{"instances", func(s storeState) any { return s.Instances }, func() error {
			cur, err := s.GetInstance(ctx, inst.ID)
			if err != nil {
				return err
			}
			next := cur.Clone()
			next.Version++
			next.ConfigVersion++
			return s.UpdateInstance(ctx, partner.InstanceUpdate{Instance: next, PrevVersion: cur.Version, Audit: audit("aud_t4", partner.ObjectInstance, inst.ID)})
		}},
		{"licences", func(s storeState) any { return s.Licences }, func() error {
			cur, err := s.GetLicence(ctx, lic.ID)
			if err != nil {
				return err
			}
			next := cur
			next.Version++
			next.User.Name = "Ana Renamed"
			return s.UpdateLicence(ctx, partner.LicenceUpdate{Licence: next, PrevVersion: cur.Version})
		}},
		{"activity", func(s storeState) any { return s.Activity }, func() error {
			_, err := s.AppendActivity(ctx, partner.ActivityEvent{At: w.clock.Now(), Kind: partner.ActivityReleased, PartnerID: w.partnerA.ID, Serial: "SN-2"})
			return err
		}},
		{"audit", func(s storeState) any { return s.Audit }, func() error {
			return s.AppendAudit(ctx, audit("aud_t5", partner.ObjectLicence, lic.ID))
		}},
	}
	for _, c := range changes {
		t.Run(c.part, func(t *testing.T) {
			before := snapshot(t, w)
			require.NoError(t, c.change())
			require.NotEmpty(t, cmp.Diff(c.of(before), c.of(snapshot(t, w))), "the snapshot missed a change to %s", c.part)
		})
	}
}
