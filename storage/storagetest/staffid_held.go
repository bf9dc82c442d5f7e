package storagetest

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/staffid"
)

// StaffIDHeld is what [RunStaffIDHeld] tests: the held list's store, and
// the import history whose entries the held lists are.
type StaffIDHeld struct {
	History staffid.ImportStore
	Held    staffid.HeldListStore
}

// sidHeldEntry adds a history entry, as the upload that is held adds
// one, and returns its ID.
func sidHeldEntry(t *testing.T, s staffid.ImportStore, at time.Time) int64 {
	t.Helper()
	report := staffid.Report{Status: staffid.StatusHeld, ErrorMsg: "held", InputRecordsCount: 3, InvalidRecords: []staffid.InvalidRecord{}}
	e, err := s.AddImportHistory(context.Background(), staffid.HistoryEntry{At: at, Source: staffid.SourceAPI, Actor: "token", Report: report})
	require.NoError(t, err)
	return e.ID
}

// sidHeld returns a held list with the ID, its every field set.
func sidHeld(id int64, at time.Time) staffid.HeldList {
	// A list of a few megabytes, every byte value in it.
	list := bytes.Repeat([]byte("[{\"LastName\":\"Ёлкина\"}]\x00\xff"), 100_000)
	return staffid.HeldList{
		ID: id, At: at, Source: staffid.SourceManual, Actor: "control panel from 192.0.2.1",
		Counts: staffid.SyncCounts{Created: 1, Updated: 2, Unchanged: 3, Blocked: 4, Unblocked: 5},
		Report: staffid.Report{
			Status: staffid.StatusHeld, ErrorMsg: "mass blocking held", InputRecordsCount: 11,
			InvalidRecords: []staffid.InvalidRecord{},
			Held:           &staffid.HeldNote{ID: id},
			Changes: &staffid.Changes{
				Created:   []staffid.PersonChange{{ID: "v1:n", Name: "Новая Анна", EmployeeID: "7", IsEmployee: true}},
				Updated:   []staffid.PersonChange{{ID: "v1:u", Name: "O'Neil Ян", Fields: []string{"Email", "CategoryCode"}}},
				Blocked:   []staffid.PersonChange{{ID: "v1:b", Name: "Блок Пётр", EmployeeID: "8", IsEmployee: true}},
				Unblocked: []staffid.PersonChange{},
				Omitted:   2,
			},
		},
		Basis: "basis-" + time.Duration(id).String(),
		List:  list,
	}
}

// RunStaffIDHeld runs the conformance cases of a [staffid.HeldListStore]
// against the stores open returns, fresh and empty for every case.
func RunStaffIDHeld(t *testing.T, open func(t *testing.T) StaffIDHeld) {
	ctx := context.Background()
	t1 := t0.Add(time.Hour + 7*time.Microsecond)

	t.Run("Empty", func(t *testing.T) {
		s := open(t).Held
		_, err := s.Held(ctx)
		require.ErrorIs(t, err, bookingkit.ErrNotFound)
		_, err = s.TakeHeld(ctx, 1)
		require.ErrorIs(t, err, bookingkit.ErrNotFound)
		dropped, err := s.DropHeld(ctx, 100)
		require.NoError(t, err)
		require.Zero(t, dropped)
	})

	t.Run("HoldKeepsEveryField", func(t *testing.T) {
		s := open(t)
		want := sidHeld(sidHeldEntry(t, s.History, t1), t1)
		dropped, err := s.Held.Hold(ctx, want)
		require.NoError(t, err)
		require.Zero(t, dropped)

		got, err := s.Held.Held(ctx)
		require.NoError(t, err)
		require.True(t, got.List == nil || bytes.Equal(got.List, want.List), "Held returns the list whole or not at all")
		withoutList := want
		withoutList.List, got.List = nil, nil
		require.Equal(t, withoutList, got)

		got, err = s.Held.TakeHeld(ctx, want.ID)
		require.NoError(t, err)
		require.Equal(t, want, got, "TakeHeld returns the list whole")
		_, err = s.Held.Held(ctx)
		require.ErrorIs(t, err, bookingkit.ErrNotFound, "taken")
		_, err = s.Held.TakeHeld(ctx, want.ID)
		require.ErrorIs(t, err, bookingkit.ErrNotFound, "taken once")
	})

	t.Run("NewerReplacesOlder", func(t *testing.T) {
		s := open(t)
		older := sidHeld(sidHeldEntry(t, s.History, t1), t1)
		newer := sidHeld(sidHeldEntry(t, s.History, t1.Add(time.Minute)), t1.Add(time.Minute))
		newer.Basis = "another"
		dropped, err := s.Held.Hold(ctx, older)
		require.NoError(t, err)
		require.Zero(t, dropped)
		dropped, err = s.Held.Hold(ctx, newer)
		require.NoError(t, err)
		require.Equal(t, older.ID, dropped, "the newer list replaces the older one")
		dropped, err = s.Held.Hold(ctx, older)
		require.NoError(t, err)
		require.Equal(t, older.ID, dropped, "an older list does not replace a newer one")
		got, err := s.Held.Held(ctx)
		require.NoError(t, err)
		require.Equal(t, newer.ID, got.ID)
		require.Equal(t, "another", got.Basis)
		_, err = s.Held.TakeHeld(ctx, older.ID)
		require.ErrorIs(t, err, bookingkit.ErrNotFound, "the replaced list cannot be taken")
		// Held again after it was taken: the same ID may come back.
		got, err = s.Held.TakeHeld(ctx, newer.ID)
		require.NoError(t, err)
		dropped, err = s.Held.Hold(ctx, got)
		require.NoError(t, err)
		require.Zero(t, dropped)
		again, err := s.Held.TakeHeld(ctx, newer.ID)
		require.NoError(t, err)
		require.Equal(t, got, again)
	})

	t.Run("DropHeldOnlyOlder", func(t *testing.T) {
		s := open(t)
		l := sidHeld(sidHeldEntry(t, s.History, t1), t1)
		_, err := s.Held.Hold(ctx, l)
		require.NoError(t, err)
		dropped, err := s.Held.DropHeld(ctx, l.ID)
		require.NoError(t, err)
		require.Zero(t, dropped, "a list is not older than itself")
		_, err = s.Held.Held(ctx)
		require.NoError(t, err)
		dropped, err = s.Held.DropHeld(ctx, l.ID+1)
		require.NoError(t, err)
		require.Equal(t, l.ID, dropped)
		_, err = s.Held.Held(ctx)
		require.ErrorIs(t, err, bookingkit.ErrNotFound)
	})

	t.Run("OneTakeWins", func(t *testing.T) {
		s := open(t)
		l := sidHeld(sidHeldEntry(t, s.History, t1), t1)
		l.List = []byte("[]")
		_, err := s.Held.Hold(ctx, l)
		require.NoError(t, err)
		const n = 8
		var (
			wg       sync.WaitGroup
			mu       sync.Mutex
			took     int
			notFound int
		)
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := s.Held.TakeHeld(ctx, l.ID)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					took++
				case errors.Is(err, bookingkit.ErrNotFound):
					notFound++
				default:
					t.Errorf("TakeHeld: %v", err)
				}
			}()
		}
		wg.Wait()
		require.Equal(t, 1, took, "one of %d takes at once gets the list", n)
		require.Equal(t, n-1, notFound)
	})
}
