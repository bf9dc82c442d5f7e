package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/storage/sqlite"
)

func TestBackupOfAnOpenDatabase(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t) // open, in WAL mode: the setting below may be in the -wal file only
	require.NoError(t, db.Stores().Settings.PutSetting(ctx, "import_token_hash", "h1"))
	to := filepath.Join(t.TempDir(), "backup.db")

	require.NoError(t, sqlite.Backup(ctx, db.Path(), to))
	require.NoFileExists(t, to+"-wal")
	backup, err := sqlite.Open(ctx, to)
	require.NoError(t, err)
	defer backup.Close()
	v, err := backup.Stores().Settings.Setting(ctx, "import_token_hash")
	require.NoError(t, err)
	require.Equal(t, "h1", v)
	want, err := db.SchemaVersions(ctx)
	require.NoError(t, err)
	got, err := backup.SchemaVersions(ctx)
	require.NoError(t, err)
	require.Equal(t, want, got)

	// Never over an existing file, never from a missing one.
	err = sqlite.Backup(ctx, db.Path(), to)
	require.ErrorIs(t, err, bookingkit.ErrConflict)
	require.ErrorContains(t, err, "already exists")
	missing := filepath.Join(t.TempDir(), "missing.db")
	require.ErrorIs(t, sqlite.Backup(ctx, missing, filepath.Join(t.TempDir(), "x.db")), os.ErrNotExist)
	require.NoFileExists(t, missing)
	require.ErrorIs(t, sqlite.Backup(ctx, db.Path(), ""), bookingkit.ErrInvalid)
}
