package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"net/url"
	"os"

	"github.com/bookingkit/bookingkit"
)

// Backup writes a consistent copy of the SQLite database at path into the
// new file to with VACUUM INTO, while a running server keeps reading and
// writing: the database as one read transaction sees it, the -wal file's
// last commits included, as one complete file. It neither creates nor
// migrates path, refuses a to that exists, and removes what it wrote when
// it fails.
func Backup(ctx context.Context, path, to string) error {
	if path == "" {
		return bookingkit.Invalid("path", path, "a SQLite file name is required")
	}
	if to == "" {
		return bookingkit.Invalid("to", to, "the name of the backup file to create is required")
	}
	if _, err := os.Stat(path); err != nil {
		return fail("backup: %w", err)
	}
	if _, err := os.Stat(to); err == nil {
		return fail("backup: %w: %s already exists; a backup never overwrites a file, choose a new name", bookingkit.ErrConflict, to)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fail("backup: %w", err)
	}

	// mode=rw: never create the source. No migration and no write: the
	// connection only reads the source.
	q := url.Values{}
	q.Set("mode", "rw")
	q.Add("_pragma", "busy_timeout(10000)")
	sqldb, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?"+q.Encode())
	if err != nil {
		return fail("backup: open %s: %w", path, err)
	}
	defer sqldb.Close()
	if _, err := sqldb.ExecContext(ctx, "VACUUM INTO ?", to); err != nil {
		// SQLite may have written part of the file; it is ours (it did not
		// exist above), and half a backup is worse than none.
		if rmErr := os.Remove(to); rmErr != nil && !errors.Is(rmErr, fs.ErrNotExist) {
			return fail("backup %s to %s: %w (and removing the partial file: %v)", path, to, err, rmErr)
		}
		return fail("backup %s to %s: %w", path, to, err)
	}
	return nil
}
