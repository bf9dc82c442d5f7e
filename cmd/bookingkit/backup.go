package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/bookingkit/bookingkit/cmd/internal/backend"
	"github.com/bookingkit/bookingkit/storage/sqlite"
)

// runBackup writes a consistent copy of a SQLite database, live or not,
// into a new file (sqlite.Backup: VACUUM INTO).
func runBackup(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "bookingkit backup", "-to FILE",
		"Writes a consistent copy of a SQLite database into a new file, while the server\n"+
			"keeps running: the database as one moment saw it, its last commits included.\n"+
			"The copy is a complete bookingkit database: restore it by stopping the server\n"+
			"and putting the copy in the original's place (remove the original's -wal and\n"+
			"-shm files), or start a server on it with -db. An existing file is never\n"+
			"overwritten. PostgreSQL databases are backed up with pg_dump.")
	db := dbFlag(e, fs)
	to := fs.String("to", "", "the backup `file` to create (required; must not exist)")
	if ok, err := parse(fs, args); !ok {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("backup: unexpected argument %q", strings.Join(fs.Args(), " "))
	}
	switch {
	case backend.IsPostgres(*db):
		return fmt.Errorf("backup: %s is a PostgreSQL database: back it up with pg_dump "+
			"(for example pg_dump --format=custom --file=bookingkit.dump URL); bookingkit backup copies SQLite files", backend.Describe(*db))
	case *db == "memory:":
		return errors.New("backup: memory: is an in-memory store that no other process can read: there is nothing to back up")
	case *to == "":
		fs.Usage()
		return errors.New("backup: -to is required: the name of the backup file to create")
	case backend.IsPostgres(*to):
		return errors.New("backup: -to is a PostgreSQL URL: backup writes a SQLite file; to move the data into PostgreSQL use bookingkit copy")
	}
	if err := sqlite.Backup(ctx, *db, *to); err != nil {
		return err
	}
	info, err := os.Stat(*to)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	fmt.Fprintf(e.stdout, "backed up %s to %s (%d bytes)\n", *db, *to, info.Size())
	return nil
}
