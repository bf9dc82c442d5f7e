package postgres_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/storage"
	"github.com/bookingkit/bookingkit/storage/postgres"
	"github.com/bookingkit/bookingkit/storage/storagetest"
	"github.com/bookingkit/bookingkit/storage/storagetest/pgtest"
)

func openFresh(t *testing.T) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(context.Background(), pgtest.URL(t))
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

func TestConformance(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Stores {
		return openFresh(t).Stores()
	})
}

// Two servers starting at once against a new database must both come up,
// with every migration applied exactly once.
func TestConcurrentOpenMigratesOnce(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	const n = 4
	dbs := make([]*postgres.DB, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { dbs[i], errs[i] = postgres.Open(ctx, url) })
	}
	wg.Wait()
	for i := range n {
		require.NoError(t, errs[i], "open %d", i)
		defer dbs[i].Close()
	}
	versions, err := dbs[0].SchemaVersions(ctx)
	require.NoError(t, err)
	require.NotEmpty(t, versions)
	for i := 1; i < len(versions); i++ {
		require.Less(t, versions[i-1], versions[i], "each version recorded once")
	}
}

func TestOpenUnreachableFails(t *testing.T) {
	pgtest.URL(t) // skip like the others when PostgreSQL is not configured
	_, err := postgres.Open(context.Background(), "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2")
	require.Error(t, err)
}
