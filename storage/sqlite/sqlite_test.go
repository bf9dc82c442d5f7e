package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/storage"
	"github.com/bookingkit/bookingkit/storage/sqlite"
	"github.com/bookingkit/bookingkit/storage/storagetest"
)

func openTemp(t *testing.T) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "bookingkit.db"))
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

func TestConformance(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Stores {
		return openTemp(t).Stores()
	})
}

func TestReopenAppliesNothingTwice(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "bookingkit.db")
	db, err := sqlite.Open(ctx, path)
	require.NoError(t, err)
	first, err := db.SchemaVersions(ctx)
	require.NoError(t, err)
	require.NotEmpty(t, first)
	require.NoError(t, db.Stores().Settings.PutSetting(ctx, "kept", "yes"))
	require.NoError(t, db.Close())

	db, err = sqlite.Open(ctx, path)
	require.NoError(t, err)
	defer db.Close()
	again, err := db.SchemaVersions(ctx)
	require.NoError(t, err)
	require.Equal(t, first, again)
	v, err := db.Stores().Settings.Setting(ctx, "kept")
	require.NoError(t, err)
	require.Equal(t, "yes", v, "data must survive a reopen")
}

func TestOpenRefusesEmptyPath(t *testing.T) {
	_, err := sqlite.Open(context.Background(), "")
	require.Error(t, err)
}

// An idle outbox's worker asks for due messages every few seconds: with
// none due, Claim answers without SQLite's write lock, so it neither waits
// behind a long import nor holds one up.
func TestOutboxClaimOfNothingTakesNoWriteLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bookingkit.db")
	db, err := sqlite.Open(context.Background(), path)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	other, err := sql.Open("sqlite", "file:"+path+"?_txlock=immediate")
	require.NoError(t, err)
	defer other.Close()
	tx, err := other.Begin() // BEGIN IMMEDIATE: the write lock, as an import holds it
	require.NoError(t, err)
	defer tx.Rollback() //nolint:errcheck // only releases the lock

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	start := time.Now()
	got, err := db.Stores().Outbox.Claim(ctx, []string{"mail"}, time.Now(), time.Now().Add(time.Minute), "lease", 10)
	require.NoError(t, err)
	require.Empty(t, got)
	require.Less(t, time.Since(start), time.Second, "answered without waiting for the lock")
}
