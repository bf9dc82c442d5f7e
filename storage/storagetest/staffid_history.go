package storagetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/staffid"
)

// sidChanges pages through one kind of an import's changes, limit at a
// time, and returns them all.
func sidChanges(t *testing.T, s staffid.Store, importID int64, kind staffid.ChangeKind, limit int) []staffid.ImportChange {
	t.Helper()
	all := []staffid.ImportChange{}
	after := ""
	for {
		page, err := s.ImportChanges(context.Background(), staffid.ChangesQuery{ImportID: importID, Kind: kind, AfterID: after, Limit: limit})
		require.NoError(t, err)
		require.LessOrEqual(t, len(page), limit)
		all = append(all, page...)
		if len(page) < limit {
			return all
		}
		after = page[len(page)-1].ID
	}
}

// sidChange is the change the history names for p.
func sidChange(kind staffid.ChangeKind, p *staffid.Person, fields ...string) staffid.ImportChange {
	return staffid.ImportChange{Kind: kind, PersonChange: staffid.PersonChange{ID: p.ID, Name: p.FullName(),
		EmployeeID: p.EmployeeID, IsEmployee: p.IsEmployee, Fields: fields}}
}

// runStaffIDChanges holds a store to the import history's changes (issue
// 17): every person an applied import created, updated, blocked and
// unblocked, named, in pages of any size.
func runStaffIDChanges(t *testing.T, open func(t *testing.T) staffid.Store, t0, t1, t2 time.Time) {
	ctx := context.Background()
	t.Run("ImportChangesNameEveryPerson", func(t *testing.T) {
		s := open(t)
		a, b := sidPerson(t, "v1:a", "1", true), sidPerson(t, "v1:b", "1", false)
		c, d := sidPerson(t, "v1:c", "2", true), sidPerson(t, "v1:d", "2", false)
		first := []*staffid.Person{a, b, c, d}
		for i := range 250 {
			first = append(first, sidPerson(t, fmt.Sprintf("v1:n%03d", i), fmt.Sprint(10+i), true))
		}
		e1 := sidApply(t, s, t0, first, nil, nil)

		// The second import creates e, changes a's last name and email,
		// and blocks b and c.
		e := sidPerson(t, "v1:e", "3", true)
		a2 := *a
		a2.LastName, a2.Email, a2.Digest = "Петрова", "petrova@example.com", "digest-2-a"
		e2 := sidApply(t, s, t1, []*staffid.Person{e}, []*staffid.Person{&a2}, []string{"v1:c", "v1:b"})
		// The third brings b back as it was and c with a new category,
		// and blocks d.
		c3 := *c
		c3.CategoryCode, c3.Digest = 7, "digest-3-c"
		e3 := sidApply(t, s, t2, nil, []*staffid.Person{&c3, b}, []string{"v1:d"})
		refused, err := s.AddImportHistory(ctx, staffid.HistoryEntry{At: t2, Source: staffid.SourceManual,
			Report: staffid.Report{Status: staffid.StatusError, ErrorMsg: "Has invalid records", InvalidRecords: []staffid.InvalidRecord{}}})
		require.NoError(t, err)

		// The first import's people, in pages of 100 and of 7: created
		// people are named as they are stored now (a with her new name).
		var want []staffid.ImportChange
		for _, p := range append([]*staffid.Person{&a2, b, c, d}, first[4:]...) {
			want = append(want, sidChange(staffid.ChangeCreated, p))
		}
		require.Equal(t, want, sidChanges(t, s, e1.ID, staffid.ChangeCreated, 100))
		require.Equal(t, want, sidChanges(t, s, e1.ID, staffid.ChangeCreated, 7))
		for _, k := range []staffid.ChangeKind{staffid.ChangeUpdated, staffid.ChangeBlocked, staffid.ChangeUnblocked} {
			require.Empty(t, sidChanges(t, s, e1.ID, k, 100), "import 1 %s nobody", k)
		}

		// The second: updated with the fields that changed, blocked as
		// they were stored.
		require.Equal(t, []staffid.ImportChange{sidChange(staffid.ChangeCreated, e)}, sidChanges(t, s, e2.ID, staffid.ChangeCreated, 100))
		require.Equal(t, []staffid.ImportChange{sidChange(staffid.ChangeUpdated, &a2, staffid.FieldLastName, staffid.FieldEmail)},
			sidChanges(t, s, e2.ID, staffid.ChangeUpdated, 100))
		blocked := []staffid.ImportChange{sidChange(staffid.ChangeBlocked, b), sidChange(staffid.ChangeBlocked, c)}
		require.Equal(t, blocked, sidChanges(t, s, e2.ID, staffid.ChangeBlocked, 100))
		require.Equal(t, blocked, sidChanges(t, s, e2.ID, staffid.ChangeBlocked, 1), "one at a time")
		require.Empty(t, sidChanges(t, s, e2.ID, staffid.ChangeUnblocked, 100))

		// The third: unblocked, with the fields that changed (none for b).
		require.Empty(t, sidChanges(t, s, e3.ID, staffid.ChangeCreated, 100))
		require.Empty(t, sidChanges(t, s, e3.ID, staffid.ChangeUpdated, 100))
		require.Equal(t, []staffid.ImportChange{sidChange(staffid.ChangeUnblocked, b), sidChange(staffid.ChangeUnblocked, &c3, staffid.FieldCategoryCode)},
			sidChanges(t, s, e3.ID, staffid.ChangeUnblocked, 100))
		require.Equal(t, []staffid.ImportChange{sidChange(staffid.ChangeBlocked, d)}, sidChanges(t, s, e3.ID, staffid.ChangeBlocked, 100))

		// A refused upload changed nobody; an unknown import is not found.
		for _, k := range staffid.ChangeKinds {
			require.Empty(t, sidChanges(t, s, refused.ID, k, 100))
		}
		for _, id := range []int64{0, -1, refused.ID + 1} {
			_, err := s.ImportChanges(ctx, staffid.ChangesQuery{ImportID: id, Kind: staffid.ChangeCreated})
			require.ErrorIs(t, err, bookingkit.ErrNotFound, "import %d", id)
			_, err = s.ImportChanges(ctx, staffid.ChangesQuery{ImportID: id, Kind: staffid.ChangeBlocked})
			require.ErrorIs(t, err, bookingkit.ErrNotFound, "import %d", id)
		}
	})

	t.Run("ImportChangesRollBackWithThePlan", func(t *testing.T) {
		s := open(t)
		a, b := sidPerson(t, "v1:a", "1", true), sidPerson(t, "v1:b", "1", false)
		e1 := sidApply(t, s, t0, []*staffid.Person{a}, nil, nil)
		a2 := *a
		a2.Email, a2.Digest = "other@example.com", "digest-2-a"
		// b is created, a updated, then blocking an unknown ID fails the
		// whole import: none of its changes is kept.
		_, err := s.ApplyImport(ctx, func([]staffid.PersonState) (*staffid.Plan, error) {
			return sidPlan(t1, []*staffid.Person{b}, []*staffid.Person{&a2}, []string{"v1:zz"}), nil
		})
		require.ErrorIs(t, err, bookingkit.ErrNotFound)
		e2 := sidApply(t, s, t2, nil, nil, nil)
		for _, k := range staffid.ChangeKinds {
			require.Empty(t, sidChanges(t, s, e2.ID, k, 100), "the import after the failed one %s nobody", k)
		}
		require.Equal(t, []staffid.ImportChange{sidChange(staffid.ChangeCreated, a)}, sidChanges(t, s, e1.ID, staffid.ChangeCreated, 100))
	})
}
