package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/standby"
)

func TestRun(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out))
	text := out.String()

	require.Contains(t, text, "import 1: Ok, 3 employees, 2 companions: created 5, updated 0, unchanged 0, blocked 0, unblocked 0\n")
	require.Contains(t, text, "import 2: Ok, 3 employees, 1 companions: created 0, updated 1, unchanged 3, blocked 1, unblocked 0\n")
	require.Contains(t, text, "blocked: Иванов Пётр (Petr Ivanov)\n")
	// The blocked son is no longer one of his father's passengers.
	require.Contains(t, text, "Иванов Иван (estimated place 2) books economy on SU100 2026-11-23 for Ivan Ivanov, Mariia Ivanova\n")

	// Business first; then category 1 before 2; then a booking's
	// passengers in their order.
	places := regexp.MustCompile(`(?m)^  (\d) of 4  (\S+ \S+)`).FindAllStringSubmatch(text, -1)
	var queue []string
	for i, m := range places {
		require.Equal(t, string(rune('1'+i)), m[1], "positions count up from 1")
		queue = append(queue, m[2])
	}
	require.Equal(t, []string{"Sergei Sidorov", "Anna Petrova", "Ivan Ivanov", "Mariia Ivanova"}, queue)
	require.Contains(t, text, "why after Sergei Sidorov: business goes before economy\n")
	require.True(t, strings.HasSuffix(text, "after a restart: 1 flight, 4 passengers rebuilt from the store\nthe rebuilt queue is the same\n"), text)
}

// TestStoreStandby drives the parts of the store the program does not
// reach through standby.Service: cancelling, boarding, closing a flight.
func TestStoreStandby(t *testing.T) {
	ctx := context.Background()
	store := NewStore()
	svc := standby.NewService(store)
	svc.Now = func() time.Time { return now } // before the flight leaves
	flight := standby.Flight{Carrier: "SU", Number: "0100", Date: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)}
	rights := standby.Employee{Employer: "SU", EmployedOn: time.Date(2001, 3, 15, 0, 0, 0, 0, time.UTC), Category: 2}
	book := func(id string, at time.Time, passengers ...standby.Passenger) error {
		_, err := svc.AddBooking(ctx, standby.Booking{ID: id, BookedAt: at, Segments: []standby.Segment{{Flight: flight, Cabin: standby.Economy}}, Passengers: passengers})
		return err
	}
	require.NoError(t, book("A", now, rights.Self(), rights.Companion(3)))
	require.NoError(t, book("B", now.Add(time.Minute), rights.Self()))
	require.ErrorIs(t, book("A", now, rights.Self()), bookingkit.ErrConflict, "the same passenger twice")

	_, err := svc.Remove(ctx, standby.EntryID{Flight: flight.Key(), BookingID: "A", Passenger: 1}, standby.StatusBoarded)
	require.NoError(t, err)
	cancelled, err := svc.CancelBooking(ctx, "A")
	require.NoError(t, err)
	require.Len(t, cancelled, 1, "only the passenger still waiting")
	pos, err := svc.Position(ctx, standby.EntryID{Flight: flight.Key(), BookingID: "B", Passenger: 0})
	require.NoError(t, err)
	require.Equal(t, 1, pos)

	records, err := store.BookingRecords(ctx, "A")
	require.NoError(t, err)
	require.Len(t, records, 2)
	require.Equal(t, []standby.Status{standby.StatusCancelled, standby.StatusBoarded}, []standby.Status{records[0].Status, records[1].Status})

	closed, err := svc.CloseFlight(ctx, flight)
	require.NoError(t, err)
	require.Equal(t, 1, closed)
	require.ErrorIs(t, book("C", now, rights.Self()), bookingkit.ErrConflict, "a closed flight")
	_, err = svc.CancelBooking(ctx, "nobody")
	require.ErrorIs(t, err, bookingkit.ErrNotFound)
}

// TestStoreImportHistory checks the history the importer writes, refused
// uploads included.
func TestStoreImportHistory(t *testing.T) {
	ctx := context.Background()
	store := NewStore()
	im, err := staffid.NewImporter(staffid.Config{}, store)
	require.NoError(t, err)
	_, err = im.Import(ctx, strings.NewReader(lists[0]), staffid.FormatJSON, staffid.ImportOptions{})
	require.NoError(t, err)
	_, err = im.Import(ctx, strings.NewReader("[]"), staffid.FormatJSON, staffid.ImportOptions{})
	require.ErrorIs(t, err, staffid.ErrEmptyList)

	history, err := store.ImportHistory(ctx, staffid.HistoryQuery{})
	require.NoError(t, err)
	require.Len(t, history, 2)
	require.Equal(t, []int64{2, 1}, []int64{history[0].ID, history[1].ID}, "newest first")
	require.Equal(t, staffid.StatusError, history[0].Report.Status)
	older, err := store.ImportHistory(ctx, staffid.HistoryQuery{BeforeID: 2})
	require.NoError(t, err)
	require.Len(t, older, 1)
	_, err = store.ImportEntry(ctx, 3)
	require.ErrorIs(t, err, bookingkit.ErrNotFound)

	page, err := store.People(ctx, staffid.PeopleQuery{Limit: 2})
	require.NoError(t, err)
	require.Len(t, page, 2)
	rest, err := store.People(ctx, staffid.PeopleQuery{AfterID: page[1].ID})
	require.NoError(t, err)
	require.Len(t, rest, 3, "five people in the list")
	require.Greater(t, rest[0].ID, page[1].ID)
}
