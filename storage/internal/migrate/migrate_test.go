package migrate_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite"

	"github.com/bookingkit/bookingkit/storage/internal/migrate"
)

var sqliteDialect = migrate.Dialect{}

func openSQLite(t *testing.T) *sql.DB {
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "m.db")+"?_txlock=immediate")
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

func TestLoadSortsAndRejectsBadNames(t *testing.T) {
	ms, err := migrate.Load(fstest.MapFS{
		"0010_b.sql": {Data: []byte("B")},
		"0002_a.sql": {Data: []byte("A")},
		"README.md":  {Data: []byte("ignored")},
	})
	require.NoError(t, err)
	require.Equal(t, []int{2, 10}, []int{ms[0].Version, ms[1].Version})

	_, err = migrate.Load(fstest.MapFS{"init.sql": {Data: []byte("x")}})
	require.ErrorContains(t, err, "NNNN_description.sql")
	_, err = migrate.Load(fstest.MapFS{"0001_a.sql": {}, "001_b.sql": {}})
	require.ErrorContains(t, err, "same version")
}

func TestApplyRunsEachStepOnceAndRollsBackAFailedStep(t *testing.T) {
	ctx := context.Background()
	db := openSQLite(t)
	good := []migrate.Migration{
		{Version: 1, Name: "0001_t.sql", SQL: "CREATE TABLE t (x INTEGER)"},
		{Version: 2, Name: "0002_u.sql", SQL: "CREATE TABLE u (y INTEGER); INSERT INTO u VALUES (1)"},
	}
	n, err := migrate.Apply(ctx, db, sqliteDialect, good)
	require.NoError(t, err)
	require.Equal(t, 2, n)
	n, err = migrate.Apply(ctx, db, sqliteDialect, good)
	require.NoError(t, err)
	require.Zero(t, n, "a second run applies nothing")

	// A step that fails halfway leaves neither its tables nor its version.
	bad := append(good, migrate.Migration{Version: 3, Name: "0003_bad.sql", SQL: "CREATE TABLE v (z INTEGER); INSERT INTO nowhere VALUES (1)"})
	_, err = migrate.Apply(ctx, db, sqliteDialect, bad)
	require.ErrorContains(t, err, "0003_bad.sql")
	var count int
	require.NoError(t, db.QueryRow("SELECT COUNT(*) FROM sqlite_master WHERE name = 'v'").Scan(&count))
	require.Zero(t, count, "the failed step's table must be rolled back")
	vs, err := migrate.Versions(ctx, db)
	require.NoError(t, err)
	require.Equal(t, []int{1, 2}, vs)
}
