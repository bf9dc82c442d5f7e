package staffid_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/staffid"
)

// A dry run reports what an import would do, names the people, and
// writes nothing, not even the history; a refused list's preview names
// whom it would block (issue 17).
func TestDryRunNamesTheChangesAndWritesNothing(t *testing.T) {
	ctx := context.Background()
	c := newImportCase(t, staffid.Config{})
	people := tenPeople()
	c.ok(people...)
	// Semyon Sidorov leaves, then comes back in the list below.
	c.ok(people[:8]...)

	next := append([]rec{}, people[:7]...)                                // Jill leaves
	next[1] = next[1].with("RelationDegree", "spouse")                    // Maria's data change
	next = append(next, people[8], people[9])                             // the Sidorovs come back
	next = append(next, employee(1005, "Новиков", "Антон", "11.11.1985")) // a newcomer
	before, err := c.store.People(ctx, staffid.PeopleQuery{Limit: 100})
	require.NoError(t, err)
	history, err := c.store.ImportHistory(ctx, staffid.HistoryQuery{Limit: 100})
	require.NoError(t, err)

	report, err := c.run(staffid.ImportOptions{DryRun: true}, next...)
	require.NoError(t, err)
	require.Equal(t, staffid.StatusOk, report.Status)
	require.Equal(t, staffid.SyncCounts{Created: 1, Updated: 1, Unchanged: 6, Blocked: 1, Unblocked: 2}, *report.SyncCounts)
	preview := report
	ch := report.Changes
	require.NotNil(t, ch)
	names := func(list []staffid.PersonChange) []string {
		var out []string
		for _, p := range list {
			out = append(out, p.Name)
		}
		return out
	}
	require.Equal(t, []string{"Новиков Антон"}, names(ch.Created))
	require.Equal(t, []string{"Иванова Мария"}, names(ch.Updated))
	require.Equal(t, []string{"RelationDegree"}, ch.Updated[0].Fields)
	require.Equal(t, []string{"Smith Jill"}, names(ch.Blocked))
	require.ElementsMatch(t, []string{"Сидоров Семён", "Сидорова Юлия"}, names(ch.Unblocked))
	require.Empty(t, ch.Unblocked[0].Fields, "back as they were")

	after, err := c.store.People(ctx, staffid.PeopleQuery{Limit: 100})
	require.NoError(t, err)
	require.Equal(t, before, after, "a dry run writes no person")
	historyAfter, err := c.store.ImportHistory(ctx, staffid.HistoryQuery{Limit: 100})
	require.NoError(t, err)
	require.Equal(t, history, historyAfter, "nor the history")

	// A list that would block most people: the preview says it would be
	// refused, and whom it would block.
	report, err = c.run(staffid.ImportOptions{DryRun: true}, people[0])
	require.ErrorIs(t, err, staffid.ErrMassBlock)
	require.Len(t, report.Changes.Blocked, 7)
	historyAfter, err = c.store.ImportHistory(ctx, staffid.HistoryQuery{Limit: 100})
	require.NoError(t, err)
	require.Equal(t, history, historyAfter, "a refused preview is not recorded")

	// The real import afterwards does what the preview said.
	counts := c.ok(next...)
	require.Equal(t, *preview.SyncCounts, counts)
}
