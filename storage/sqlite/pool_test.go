package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// Connections returned to the pool stay open for the next queries, up to
// maxIdleConns, instead of being closed beyond database/sql's default of
// two (which made a busy server open a connection per query).
func TestPoolKeepsIdleConnections(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "pool.db"))
	require.NoError(t, err)
	defer db.Close()

	const concurrent = 32 // fewer than maxIdleConns
	var conns []*sql.Conn
	for range concurrent {
		c, err := db.sql.Conn(ctx)
		require.NoError(t, err)
		conns = append(conns, c)
	}
	for _, c := range conns {
		require.NoError(t, c.Close())
	}
	stats := db.sql.Stats()
	require.Zero(t, stats.MaxIdleClosed, "no connection closed for lack of idle room")
	require.Equal(t, concurrent, stats.Idle)
}
