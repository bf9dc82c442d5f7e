package storage_test

import (
	"database/sql"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/storage"
)

// An adapter's error keeps the driver's detail in its text (for logs) and
// matches its sentinel, while its Message says only what a caller may
// know, in the domain's words.
func TestStorageErrorsKeepTheDetailForLogsOnly(t *testing.T) {
	driver := errors.New("constraint failed: UNIQUE constraint failed: partner_licences.instance_id, partner_licences.login (2067)")
	err := storage.Fail(fmt.Errorf("sqlite: partner create licences: %w", storage.Refused(bookingkit.ErrConflict, storage.Exists("partner_licences"), driver)))
	require.ErrorIs(t, err, bookingkit.ErrConflict)
	require.ErrorIs(t, err, driver)
	require.Contains(t, err.Error(), "UNIQUE constraint failed", "the log keeps the detail")
	var se *bookingkit.StorageError
	require.ErrorAs(t, err, &se)
	require.Equal(t, "a licence with this login, serial or PIN on the instance already exists", se.Message())

	// A missing row: the sentinel's word only.
	err = storage.Fail(fmt.Errorf("postgres: staffid: import %d: %w", 9, storage.Refused(bookingkit.ErrNotFound, "", sql.ErrNoRows)))
	require.ErrorIs(t, err, bookingkit.ErrNotFound)
	require.ErrorAs(t, err, &se)
	require.Equal(t, "not found", se.Message())

	// A refusal the adapter made for a reason of the domain keeps its words.
	err = storage.Fail(fmt.Errorf("sqlite: add standby entries: %w", fmt.Errorf("flight %s is closed: %w", "SU-100-2027-11-23", bookingkit.ErrConflict)))
	require.ErrorAs(t, err, &se)
	require.Equal(t, "flight SU-100-2027-11-23 is closed: conflict", se.Message())

	// An adapter's own refusal, in its words, without its name.
	err = storage.Failf("postgres", "instance %s is at version %d, not %d: %w", "ins_1", 3, 2, bookingkit.ErrConflict)
	require.ErrorIs(t, err, bookingkit.ErrConflict)
	require.ErrorAs(t, err, &se)
	require.Equal(t, "postgres: instance ins_1 is at version 3, not 2: conflict", err.Error())
	require.Equal(t, "instance ins_1 is at version 3, not 2: conflict", se.Message())
	err = storage.Failf("sqlite", "partner create licences: %w", storage.Refused(bookingkit.ErrConflict, storage.Exists("partner_licences"), driver))
	require.ErrorAs(t, err, &se)
	require.Equal(t, "a licence with this login, serial or PIN on the instance already exists", se.Message(), "a translated cause speaks for itself")

	// A failure: nothing of it is the caller's to read.
	err = storage.Fail(fmt.Errorf("sqlite: scan standby entries: %w", errors.New("sql: Scan error on column index 3")))
	require.ErrorAs(t, err, &se)
	require.Equal(t, "internal error", se.Message())
	require.NotErrorIs(t, err, bookingkit.ErrConflict)
}
