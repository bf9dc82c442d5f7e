package main

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/partner"
	"github.com/bookingkit/bookingkit/storage/sqlite"
)

func TestBackupWhileWriting(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path, to := filepath.Join(dir, "live.db"), filepath.Join(dir, "backup.db")
	db, err := sqlite.Open(ctx, path)
	require.NoError(t, err)
	defer db.Close()
	fillEveryTable(t, db.Stores())
	want := readEveryTable(t, db.Stores())

	// A writer appends terminal activity (serial SN-W, which
	// readEveryTable does not read) until the backup is done.
	var (
		written []int64 // activity IDs, in append order
		mu      sync.Mutex
		stop    atomic.Bool
		wg      sync.WaitGroup
	)
	wg.Go(func() {
		for i := 0; !stop.Load(); i++ {
			ev, err := db.Stores().Partner.AppendActivity(ctx, partner.ActivityEvent{At: copyAt(1000 + i), Kind: partner.ActivityConfigFetch,
				PartnerID: "ptn_a", CompanyID: "cmp_a", InstanceID: "ins_1", LicenceID: "lic_2", Serial: "SN-W", UserLogin: "ben"})
			if err != nil {
				t.Errorf("writer: %v", err)
				return
			}
			mu.Lock()
			written = append(written, ev.ID)
			mu.Unlock()
		}
	})
	writtenSoFar := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(written)
	}
	require.Eventually(t, func() bool { return writtenSoFar() >= 20 }, 10*time.Second, time.Millisecond, "the writer is writing")

	out, _, err := runTool(t, nil, "backup", "-db", path, "-to", to)
	require.NoError(t, err)
	afterBackup := writtenSoFar()
	require.Eventually(t, func() bool { return writtenSoFar() >= afterBackup+20 }, 10*time.Second, time.Millisecond, "the writer went on after the backup")
	stop.Store(true)
	wg.Wait()
	require.Contains(t, out, "backed up "+path+" to "+to)
	require.NoFileExists(t, to+"-wal", "the backup is one file")

	backup, err := sqlite.Open(ctx, to)
	require.NoError(t, err)
	defer backup.Close()
	versions, err := backup.SchemaVersions(ctx)
	require.NoError(t, err)
	current, err := db.SchemaVersions(ctx)
	require.NoError(t, err)
	require.Equal(t, current, versions, "the backup has every migration")

	if d := cmp.Diff(want, readEveryTable(t, backup.Stores())); d != "" {
		t.Fatalf("the backup reads differently (-live +backup):\n%s", d)
	}
	// The writer's rows in the backup are the first ones it wrote, none
	// missing in between: one moment of the database.
	evs, err := backup.Stores().Partner.SearchActivity(ctx, partner.ActivityQuery{Serial: "SN-W", Limit: 1000})
	require.NoError(t, err)
	var ids []int64
	for i := len(evs) - 1; i >= 0; i-- { // newest first
		ids = append(ids, evs[i].ID)
	}
	require.GreaterOrEqual(t, len(ids), 20, "the rows written before the backup began")
	require.Less(t, len(ids), len(written), "not the rows written after it ended")
	t.Logf("in backup %d, written when backup returned %d, total %d", len(ids), afterBackup, len(written))
	require.Equal(t, written[:len(ids)], ids)
}

func TestBackupRefuses(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bk.db")
	_, _, err := runTool(t, nil, "migrate", "-db", path)
	require.NoError(t, err)
	existing := filepath.Join(dir, "existing.db")
	require.NoError(t, os.WriteFile(existing, []byte("keep me"), 0o600))
	missing := filepath.Join(dir, "missing.db")

	for _, tt := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"-db", path, "-to", existing}, nil, "already exists"},
		{[]string{"-db", path}, nil, "-to is required"},
		{[]string{"-db", "postgres://bk:secret@db/bk", "-to", filepath.Join(dir, "x.db")}, nil, "postgres://bk:***@db/bk is a PostgreSQL database: back it up with pg_dump"},
		{[]string{"-to", filepath.Join(dir, "x.db")}, map[string]string{"BOOKINGKIT_DB": "postgresql://db/bk"}, "pg_dump"},
		{[]string{"-db", "memory:", "-to", filepath.Join(dir, "x.db")}, nil, "nothing to back up"},
		{[]string{"-db", path, "-to", "postgres://db/bk"}, nil, "use bookingkit copy"},
		{[]string{"-db", missing, "-to", filepath.Join(dir, "x.db")}, nil, "no such file"},
		{[]string{"-db", path, "-to", filepath.Join(dir, "x.db"), "now"}, nil, `unexpected argument "now"`},
	} {
		_, _, err := runTool(t, tt.env, append([]string{"backup"}, tt.args...)...)
		require.ErrorContains(t, err, tt.want, "backup %v", tt.args)
	}
	content, err := os.ReadFile(existing)
	require.NoError(t, err)
	require.Equal(t, "keep me", string(content), "an existing file is left alone")
	require.NoFileExists(t, missing, "a missing database is not created")
	require.NoFileExists(t, filepath.Join(dir, "x.db"))

	_, errOut, err := runTool(t, nil, "backup", "-h")
	require.NoError(t, err)
	require.Contains(t, errOut, "-to")
}
