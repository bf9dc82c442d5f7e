// Package backend opens the storage backend that a -db flag names; the
// reference server and the command-line tool share it. It is wiring, so it
// sits under cmd/: an engine that embeds the modules opens its adapter
// (storage/sqlite, storage/postgres, storage/memory) or its own store
// directly.
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

// OpenServer opens dsn as Open does, for a server: it first claims a
// SQLite file for this process (sqlite.LockServer) and fails, saying which
// file and what to do, when another server holds it; Close gives the claim
// up. A server keeps the standby queues in its memory, so two on one SQLite
// file would diverge; PostgreSQL servers share them through the database
// and the memory store is the process's own, so neither is claimed.
// Tools that open the file for one job use Open and work beside a server.
func OpenServer(ctx context.Context, dsn string) (storage.Stores, error) {
	if IsPostgres(dsn) || dsn == "memory:" {
		return Open(ctx, dsn)
	}
	if dsn == "" {
		dsn = DefaultDB
	}
	lock, err := sqlite.LockServer(dsn)
	if err != nil {
		return storage.Stores{}, err
	}
	stores, err := Open(ctx, dsn)
	if err != nil {
		lock.Release() //nolint:errcheck // the open error is the one to report
		return storage.Stores{}, err
	}
	closeDB := stores.Close
	stores.Close = func() error {
		// The claim outlives the database handle: another server may
		// open the file only once this one no longer writes to it.
		err := closeDB()
		if lerr := lock.Release(); err == nil {
			err = lerr
		}
		return err
	}
	return stores, nil
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
