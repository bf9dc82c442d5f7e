package staffid_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/staffid"
)

// An upload whose MIME type names no format the importer reads is refused
// as a list it cannot read is: a report, an entry in the history with who
// sent it, nothing imported. It used to be the upload handler that wrote
// that history entry.
func TestImportContentType(t *testing.T) {
	c := newImportCase(t, staffid.Config{})
	opts := staffid.ImportOptions{Source: staffid.SourceAPI, Actor: "import token from 192.0.2.1:5000", Force: true}
	for _, ct := range []string{"text/csv", "", "application/vnd.ms-excel", "nonsense;;"} {
		report, err := c.im.ImportContentType(context.Background(), strings.NewReader("LastName;FirstName\n"), ct, opts)
		require.ErrorIs(t, err, staffid.ErrUnsupportedFormat, ct)
		require.ErrorIs(t, err, bookingkit.ErrUnsupportedMediaType, ct)
		require.Equal(t, &staffid.Report{Status: staffid.StatusError, ErrorMsg: err.Error(), InvalidRecords: []staffid.InvalidRecord{}}, report, ct)
	}
	history := c.store.history()
	require.Len(t, history, 4)
	for _, e := range history {
		require.Equal(t, staffid.SourceAPI, e.Source)
		require.Equal(t, opts.Actor, e.Actor)
		require.True(t, e.Forced)
		require.Equal(t, staffid.StatusError, e.Report.Status)
		require.Equal(t, testNow, e.At)
	}
	require.Contains(t, history[0].Report.ErrorMsg, `(Content-Type "text/csv")`)
	require.Empty(t, c.store.snapshot(), "nothing imported")

	// A type the importer reads is an Import in that format.
	report, err := c.im.ImportContentType(context.Background(), bytes.NewReader(listJSON(t, tenPeople()...)), "application/json; charset=utf-8", staffid.ImportOptions{})
	require.NoError(t, err)
	require.Equal(t, 10, report.Created)

	// The source is checked as Import checks it, before anything is kept.
	_, err = c.im.ImportContentType(context.Background(), strings.NewReader(""), "text/csv", staffid.ImportOptions{Source: "email"})
	require.EqualError(t, err, `Source "email": expected api, manual or cli`)
	require.Len(t, c.store.history(), 5)

	// A history that cannot be written is the caller's failure, with the
	// report of the refusal.
	c.store.failHistory = errors.New("disk full")
	report, err = c.im.ImportContentType(context.Background(), strings.NewReader(""), "text/csv", staffid.ImportOptions{})
	require.EqualError(t, err, "recording the refused import in the history: disk full")
	require.Equal(t, staffid.StatusError, report.Status)
}

func TestForceable(t *testing.T) {
	require.True(t, staffid.Forceable(staffid.ErrEmptyList))
	require.True(t, staffid.Forceable(fmt.Errorf("%w: 3 of the 5 active people", staffid.ErrMassBlock)))
	for _, err := range []error{nil, staffid.ErrInvalidRecords, staffid.ErrMalformed, staffid.ErrUnsupportedFormat, bookingkit.ErrTooLarge, errors.New("disk full")} {
		require.False(t, staffid.Forceable(err), "%v", err)
	}
}

// The history's pages: newest first, a Next on every full page, none on
// the last, and never a nil slice of items.
func TestImportHistoryPages(t *testing.T) {
	c := newImportCase(t, staffid.Config{})
	page, err := c.im.History(context.Background(), staffid.HistoryQuery{})
	require.NoError(t, err)
	require.Equal(t, staffid.HistoryPage{Items: []staffid.HistoryEntry{}}, page)

	for range 5 {
		_, err := c.run(staffid.ImportOptions{Force: true})
		require.NoError(t, err)
	}
	var ids []int64
	q := staffid.HistoryQuery{Limit: 2}
	for pages := 0; ; pages++ {
		require.Less(t, pages, 4)
		page, err := c.im.History(context.Background(), q)
		require.NoError(t, err)
		for _, e := range page.Items {
			ids = append(ids, e.ID)
		}
		if page.Next == 0 {
			require.Len(t, page.Items, 1, "the last page is not full")
			break
		}
		require.Len(t, page.Items, 2)
		require.Equal(t, page.Items[1].ID, page.Next)
		q.BeforeID = page.Next
	}
	require.Len(t, ids, 5)
	for i := 1; i < len(ids); i++ {
		require.Greater(t, ids[i-1], ids[i], "newest first")
	}

	e, err := c.im.HistoryEntry(context.Background(), ids[0])
	require.NoError(t, err)
	require.Equal(t, ids[0], e.ID)
	require.True(t, e.Forced)
	_, err = c.im.HistoryEntry(context.Background(), 999)
	require.ErrorIs(t, err, bookingkit.ErrNotFound)
}
