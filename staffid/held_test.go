package staffid_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/locale"
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/storage/memory"
)

// heldCase is an import case whose importer holds the lists the guard
// stops, and keeps what it told the managers.
type heldCase struct {
	*importCase
	told []staffid.HeldList
}

func newHeldCase(t *testing.T) *heldCase {
	c := &heldCase{importCase: newImportCase(t, staffid.Config{})}
	c.im.HeldStore = &memory.StaffIDHeldStore{}
	c.im.OnHold = func(_ context.Context, h staffid.HeldList) { c.told = append(c.told, h) }
	return c
}

// hold uploads records that the guard holds and returns the held list's ID.
func (c *heldCase) hold(records ...rec) int64 {
	c.t.Helper()
	report, err := c.run(staffid.ImportOptions{Actor: "HR system"}, records...)
	require.ErrorIs(c.t, err, staffid.ErrHeld)
	require.ErrorIs(c.t, err, staffid.ErrMassBlock, "nothing was imported")
	require.False(c.t, staffid.Forceable(err), "a held list's answer does not say how to force it")
	require.Equal(c.t, staffid.StatusHeld, report.Status)
	require.Nil(c.t, report.SyncCounts, "nothing was imported")
	require.NotNil(c.t, report.Held)
	require.Empty(c.t, report.Held.Decision)
	return report.Held.ID
}

// active returns the names of the active people.
func (c *heldCase) active() []string {
	c.t.Helper()
	people, err := c.store.People(context.Background(), staffid.PeopleQuery{State: staffid.OnlyActive, Limit: 100})
	require.NoError(c.t, err)
	var out []string
	for _, p := range people {
		out = append(out, p.FullName())
	}
	return out
}

// newest returns the newest history entry.
func (c *heldCase) newest() staffid.HistoryEntry {
	c.t.Helper()
	h, err := c.store.ImportHistory(context.Background(), staffid.HistoryQuery{Limit: 1})
	require.NoError(c.t, err)
	require.Len(c.t, h, 1)
	return h[0]
}

func changeNames(list []staffid.PersonChange) []string {
	var out []string
	for _, p := range list {
		out = append(out, p.Name)
	}
	return out
}

// The guard holds a list that blocks 40 %: nothing changes, the managers
// are told, the preview names whom it blocks, and an approval blocks them
// (issue 17).
func TestHeldListApproved(t *testing.T) {
	ctx := context.Background()
	c := newHeldCase(t)
	people := tenPeople()
	c.ok(people...)
	all := c.active()

	id := c.hold(people[:6]...)
	require.Equal(t, all, c.active(), "a held list changes nobody")
	entry := c.newest()
	require.Equal(t, id, entry.ID, "the held list is its upload's history entry")
	require.Equal(t, staffid.StatusHeld, entry.Report.Status)
	require.Contains(t, entry.Report.ErrorMsg, "would block 4 of the 10 active people (40%)")

	require.Len(t, c.told, 1, "the managers are told once")
	require.Equal(t, id, c.told[0].ID)
	require.Equal(t, 4, c.told[0].Counts.Blocked)

	held, err := c.im.Held(ctx)
	require.NoError(t, err)
	require.Equal(t, id, held.ID)
	require.Equal(t, "HR system", held.Actor)
	require.Equal(t, staffid.SyncCounts{Unchanged: 6, Blocked: 4}, held.Counts)
	require.ElementsMatch(t, []string{"Smith Jane", "Smith Jill", "Сидоров Семён", "Сидорова Юлия"}, changeNames(held.Report.Changes.Blocked))
	require.Empty(t, held.List, "the preview does not carry the list")

	report, err := c.im.ApproveHeld(ctx, id, staffid.ImportOptions{Source: staffid.SourceManual, Actor: "anna"})
	require.NoError(t, err)
	require.Equal(t, staffid.StatusOk, report.Status)
	require.Equal(t, staffid.SyncCounts{Unchanged: 6, Blocked: 4}, *report.SyncCounts)
	require.Equal(t, &staffid.HeldNote{ID: id, Decision: staffid.DecisionApproved}, report.Held)
	require.Len(t, c.active(), 6, "the four are blocked")
	entry = c.newest()
	require.Equal(t, "anna", entry.Actor)
	require.Equal(t, staffid.SourceManual, entry.Source)
	require.Equal(t, staffid.DecisionApproved, entry.Report.Held.Decision)

	_, err = c.im.Held(ctx)
	require.ErrorIs(t, err, bookingkit.ErrNotFound, "decided")
	_, err = c.im.ApproveHeld(ctx, id, staffid.ImportOptions{})
	require.ErrorIs(t, err, bookingkit.ErrNotFound, "approved once")
}

// A newer list replaces a held one; a rejection discards it; an import
// supersedes it; force still imports at once (issue 17).
func TestHeldListReplacedRejectedSuperseded(t *testing.T) {
	ctx := context.Background()
	c := newHeldCase(t)
	people := tenPeople()
	c.ok(people...)

	first := c.hold(people[:5]...)
	second := c.hold(people[:3]...)
	require.Greater(t, second, first)
	entry := c.newest()
	require.Equal(t, &staffid.HeldNote{ID: first, Decision: staffid.DecisionSuperseded}, entry.Report.Held, "the history says the first was replaced")
	held, err := c.im.Held(ctx)
	require.NoError(t, err)
	require.Equal(t, second, held.ID)
	_, err = c.im.ApproveHeld(ctx, first, staffid.ImportOptions{})
	require.ErrorIs(t, err, bookingkit.ErrNotFound, "the replaced list cannot be approved")

	report, err := c.im.RejectHeld(ctx, second, staffid.ImportOptions{Actor: "anna"})
	require.NoError(t, err)
	require.Equal(t, staffid.StatusError, report.Status)
	require.Equal(t, &staffid.HeldNote{ID: second, Decision: staffid.DecisionRejected}, report.Held)
	require.Contains(t, report.ErrorMsg, "rejected by anna")
	require.Len(t, c.active(), 10, "a rejected list changes nobody")
	require.Equal(t, staffid.DecisionRejected, c.newest().Report.Held.Decision)
	_, err = c.im.RejectHeld(ctx, second, staffid.ImportOptions{})
	require.ErrorIs(t, err, bookingkit.ErrNotFound)

	// An applied import supersedes the held list: it is older than what
	// is stored now.
	third := c.hold(people[:4]...)
	c.ok(append(people, employee(1005, "Новиков", "Антон", "11.11.1985"))...)
	require.Equal(t, &staffid.HeldNote{ID: third, Decision: staffid.DecisionSuperseded}, c.newest().Report.Held)
	_, err = c.im.Held(ctx)
	require.ErrorIs(t, err, bookingkit.ErrNotFound)

	// Force imports at once, held list or not.
	c.hold(people[:4]...)
	report, err = c.run(staffid.ImportOptions{Force: true}, people[:4]...)
	require.NoError(t, err)
	require.Equal(t, 7, report.SyncCounts.Blocked)
	require.Len(t, c.active(), 4)
	_, err = c.im.Held(ctx)
	require.ErrorIs(t, err, bookingkit.ErrNotFound, "the forced import superseded the held list")
}

// Approving a held list after the stored people changed (an import that
// ran between the approval's taking the list and its lock: here, one of
// an importer that holds nothing) applies nothing: the list is older
// than what is stored, so it is superseded (issue 17).
func TestHeldListStaleApprovalAppliesNothing(t *testing.T) {
	ctx := context.Background()
	c := newHeldCase(t)
	people := tenPeople()
	c.ok(people...)
	id := c.hold(people[:6]...)

	other := newImporter(t, staffid.Config{}, c.store)
	other.Now = func() time.Time { return c.now }
	newcomer := employee(1005, "Новиков", "Антон", "11.11.1985")
	_, err := other.Import(ctx, strings.NewReader(string(listJSON(t, append(people, newcomer)...))), staffid.FormatJSON, staffid.ImportOptions{})
	require.NoError(t, err)
	before := c.active()

	report, err := c.im.ApproveHeld(ctx, id, staffid.ImportOptions{Actor: "anna"})
	require.ErrorIs(t, err, staffid.ErrHeldStale)
	require.ErrorIs(t, err, bookingkit.ErrConflict)
	require.Equal(t, staffid.StatusError, report.Status)
	require.Equal(t, &staffid.HeldNote{ID: id, Decision: staffid.DecisionSuperseded}, report.Held)
	require.Equal(t, before, c.active(), "nothing applied")
	require.Len(t, before, 11)
	require.Equal(t, staffid.DecisionSuperseded, c.newest().Report.Held.Decision)
	_, err = c.im.Held(ctx)
	require.ErrorIs(t, err, bookingkit.ErrNotFound, "not held again")
}

// The managers' mail names the counts and the page, in the deployment's
// default language, and nobody on the list.
func TestHeldMail(t *testing.T) {
	c := newHeldCase(t)
	c.ok(tenPeople()...)
	c.hold(tenPeople()[:6]...)
	h := c.told[0]

	var m acctMailer
	mail := staffid.HeldMail{Mailer: &m, To: []string{"a@example.com", "b@example.com"}, PageURL: "https://staff.example.com/settings__airline_staff_id_employee_import"}
	mail.Send(context.Background(), h)
	require.Len(t, m.sent, 2)
	require.Equal(t, "a@example.com", m.sent[0].To)
	require.Equal(t, "b@example.com", m.sent[1].To)
	require.Equal(t, "Employee list held: it would block 4 people", m.sent[0].Subject)
	require.Contains(t, m.sent[0].Body, mail.PageURL)
	require.Contains(t, m.sent[0].Body, "block 4 and unblock 0 people (6 unchanged)")
	require.NotContains(t, m.sent[0].Body, "Smith", "the mail names nobody")

	m.sent = nil
	mail.Send(locale.WithDefault(context.Background(), locale.Russian), h)
	require.Equal(t, "Список сотрудников задержан: он заблокировал бы 4 человек", m.sent[0].Subject)
	mail.PageURL = ""
	mail.Send(locale.WithDefault(context.Background(), locale.Spanish), h)
	require.Contains(t, m.sent[2].Body, "bookingkit staffid held show")
	require.Contains(t, m.sent[2].Body, "Queda retenida como lista")
}
