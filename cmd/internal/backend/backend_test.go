package backend

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestOpenPicksBackendByDSN(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, "memory:")
	require.NoError(t, err)
	require.Equal(t, "memory", s.Backend)

	s, err = Open(ctx, filepath.Join(t.TempDir(), "x.db"))
	require.NoError(t, err)
	defer s.Close()
	require.Equal(t, "sqlite", s.Backend)
}

func TestDescribeHidesPassword(t *testing.T) {
	require.Equal(t, "postgres://bk:***@db:5432/bk", Describe("postgres://bk:secret@db:5432/bk"))
	require.Equal(t, "postgres://postgres@127.0.0.1/test", Describe("postgres://postgres@127.0.0.1/test"))
	require.Equal(t, "bookingkit.db", Describe(""))
}

func TestIsPostgres(t *testing.T) {
	require.True(t, IsPostgres("postgres://bk@db/bk"))
	require.True(t, IsPostgres("postgresql://bk@db/bk"))
	require.False(t, IsPostgres("bookingkit.db"))
	require.False(t, IsPostgres("memory:"))
	require.False(t, IsPostgres("postgres.db"))
}
