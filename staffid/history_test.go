package staffid_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/staffid"
)

// allChanges pages through Importer.Changes limit at a time and returns
// every change.
func allChanges(t *testing.T, im *staffid.Importer, id int64, kind staffid.ChangeKind, limit int) []staffid.ImportChange {
	t.Helper()
	var all []staffid.ImportChange
	cursor := ""
	for range 1000 {
		page, err := im.Changes(context.Background(), id, kind, cursor, limit)
		require.NoError(t, err)
		require.LessOrEqual(t, len(page.Items), limit)
		all = append(all, page.Items...)
		if page.Next == "" {
			return all
		}
		require.Len(t, page.Items, limit, "only a full page has a next")
		cursor = page.Next
	}
	t.Fatal("paging does not end")
	return nil
}

// The history of an applied import names whom it changed, as its dry run
// did before it (issue 17): every kind in one list, page after page.
func TestImportHistoryNamesTheChanges(t *testing.T) {
	ctx := context.Background()
	c := newImportCase(t, staffid.Config{})
	people := tenPeople()
	c.ok(people...)
	c.ok(people[:8]...) // the Sidorovs leave

	next := append([]rec{}, people[:7]...)             // Jill leaves
	next[1] = next[1].with("RelationDegree", "spouse") // Maria's data change
	next = append(next, people[8], people[9].with("LastNameEng", "Sidorova-Ivanova"))
	next = append(next, employee(1005, "Новиков", "Антон", "11.11.1985")) // a newcomer
	preview, err := c.run(staffid.ImportOptions{DryRun: true}, next...)
	require.NoError(t, err)
	c.ok(next...)
	history, err := c.store.ImportHistory(ctx, staffid.HistoryQuery{})
	require.NoError(t, err)
	require.Len(t, history, 3)
	last, first := history[0].ID, history[2].ID

	var want []staffid.ImportChange
	for _, k := range []struct {
		kind staffid.ChangeKind
		list []staffid.PersonChange
	}{
		{staffid.ChangeCreated, preview.Changes.Created}, {staffid.ChangeUpdated, preview.Changes.Updated},
		{staffid.ChangeBlocked, preview.Changes.Blocked}, {staffid.ChangeUnblocked, preview.Changes.Unblocked},
	} {
		for _, p := range k.list {
			want = append(want, staffid.ImportChange{Kind: k.kind, PersonChange: p})
		}
	}
	for _, limit := range []int{1, 2, 3, 100} {
		got := allChanges(t, c.im, last, "", limit)
		require.ElementsMatch(t, want, got, "pages of %d", limit)
		for i := 1; i < len(got); i++ {
			if got[i-1].Kind == got[i].Kind {
				require.Less(t, got[i-1].ID, got[i].ID, "each kind by ID")
			}
		}
	}
	unblocked := allChanges(t, c.im, last, staffid.ChangeUnblocked, 1)
	require.Len(t, unblocked, 2)
	for _, u := range unblocked {
		if u.Name == "Сидорова Юлия" {
			require.Equal(t, []string{staffid.FieldLastNameEng}, u.Fields, "back with a field changed")
		} else {
			require.Empty(t, u.Fields, "back as he was")
		}
	}
	require.Equal(t, []string{"RelationDegree"}, allChanges(t, c.im, last, staffid.ChangeUpdated, 10)[0].Fields)
	require.Len(t, allChanges(t, c.im, first, staffid.ChangeCreated, 3), 10, "the first import created all ten")
	require.Empty(t, allChanges(t, c.im, first, staffid.ChangeBlocked, 3))

	// A cursor goes on only within what was asked.
	page, err := c.im.Changes(ctx, last, "", "", 1)
	require.NoError(t, err)
	_, err = c.im.Changes(ctx, last, staffid.ChangeBlocked, page.Next, 1)
	require.ErrorIs(t, err, bookingkit.ErrInvalid, "a created person's cursor for the blocked ones")
	for _, cursor := range []string{"x", "created:", "renamed:v1:x"} {
		_, err = c.im.Changes(ctx, last, "", cursor, 1)
		require.ErrorIs(t, err, bookingkit.ErrInvalid, cursor)
	}
	_, err = c.im.Changes(ctx, last, "renamed", "", 1)
	require.ErrorIs(t, err, bookingkit.ErrInvalid)
	_, err = c.im.Changes(ctx, last+1, "", "", 1)
	require.ErrorIs(t, err, bookingkit.ErrNotFound)
}

// Plan.Changes tells updated people from unblocked ones by what was
// stored, and names blocked people as they were stored.
func TestPlanChanges(t *testing.T) {
	stored := map[string]staffid.Person{
		"v1:a": {ID: "v1:a", LastName: "Old", FirstName: "A", Email: "a@x"},
		"v1:b": {ID: "v1:b", LastName: "Blocked", FirstName: "B", Blocked: true},
		"v1:c": {ID: "v1:c", LastName: "Gone", FirstName: "C", EmployeeID: "7", IsEmployee: true},
	}
	pl := &staffid.Plan{
		Update: []*staffid.Person{{ID: "v1:a", LastName: "New", FirstName: "A", Email: "a@y"}, {ID: "v1:b", LastName: "Blocked", FirstName: "B"}},
		Block:  []string{"v1:c"},
	}
	got, err := pl.Changes(func(id string) (staffid.Person, error) { return stored[id], nil })
	require.NoError(t, err)
	require.Equal(t, []staffid.ImportChange{
		{Kind: staffid.ChangeUpdated, PersonChange: staffid.PersonChange{ID: "v1:a", Name: "New A", Fields: []string{staffid.FieldLastName, staffid.FieldEmail}}},
		{Kind: staffid.ChangeUnblocked, PersonChange: staffid.PersonChange{ID: "v1:b", Name: "Blocked B"}},
		{Kind: staffid.ChangeBlocked, PersonChange: staffid.PersonChange{ID: "v1:c", Name: "Gone C", EmployeeID: "7", IsEmployee: true}},
	}, got)
	_, err = pl.Changes(func(id string) (staffid.Person, error) { return staffid.Person{}, bookingkit.ErrNotFound })
	require.ErrorIs(t, err, bookingkit.ErrNotFound)
}
