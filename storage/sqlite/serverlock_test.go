package sqlite_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/storage/sqlite"
)

// One server per SQLite file: a second claim fails, naming the file, the
// holder and what to do, while the file itself stays open to other
// connections (the command-line tool beside a server); once released, the
// file can be claimed again.
func TestServerLockIsExclusive(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bookingkit.db")
	first, err := sqlite.LockServer(path)
	require.NoError(t, err)

	_, err = sqlite.LockServer(path)
	require.ErrorIs(t, err, bookingkit.ErrConflict)
	for _, want := range []string{path, fmt.Sprintf("pid %d", os.Getpid()), sqlite.LockPath(path), "stop that server", "PostgreSQL"} {
		require.ErrorContains(t, err, want)
	}

	db, err := sqlite.Open(context.Background(), path)
	require.NoError(t, err, "a tool opens the file beside the server")
	require.NoError(t, db.Ping(context.Background()))
	require.NoError(t, db.Close())

	require.NoError(t, first.Release())
	again, err := sqlite.LockServer(path)
	require.NoError(t, err, "released, the file can be claimed again")
	require.NoError(t, again.Release())
}
