// Package backend opens the storage backend that a -db flag names; the
// reference server and the command-line tool share it.
package backend

import (
	"context"
	"strings"

	"github.com/bookingkit/bookingkit/storage"
	"github.com/bookingkit/bookingkit/storage/memory"
	"github.com/bookingkit/bookingkit/storage/postgres"
	"github.com/bookingkit/bookingkit/storage/sqlite"
)

// DefaultDB is the -db value when none is given: a SQLite file in the
// working directory.
const DefaultDB = "bookingkit.db"

// Open opens the backend that dsn names:
//
//   - "postgres://…" or "postgresql://…": PostgreSQL;
//   - "memory:": an empty in-memory store, lost at exit (for trials and tests);
//   - anything else: the path of a SQLite file, created when missing.
func Open(ctx context.Context, dsn string) (storage.Stores, error) {
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		db, err := postgres.Open(ctx, dsn)
		if err != nil {
			return storage.Stores{}, err
		}
		return db.Stores(), nil
	case dsn == "memory:":
		return memory.New().Stores(), nil
	default:
		if dsn == "" {
			dsn = DefaultDB
		}
		db, err := sqlite.Open(ctx, dsn)
		if err != nil {
			return storage.Stores{}, err
		}
		return db.Stores(), nil
	}
}

// Describe returns dsn without its password, for logs.
func Describe(dsn string) string {
	if dsn == "" {
		dsn = DefaultDB
	}
	if !strings.Contains(dsn, "://") {
		return dsn
	}
	scheme, rest, _ := strings.Cut(dsn, "://")
	userinfo, host, ok := strings.Cut(rest, "@")
	if !ok {
		return dsn
	}
	if user, _, hasPassword := strings.Cut(userinfo, ":"); hasPassword {
		return scheme + "://" + user + ":***@" + host
	}
	return dsn
}
