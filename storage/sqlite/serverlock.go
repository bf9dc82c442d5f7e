package sqlite

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/gofrs/flock"

	"github.com/bookingkit/bookingkit"
)

// ServerLock is a server's claim on a SQLite file, so that one server
// serves it (the package doc says why): an exclusive OS lock
// (github.com/gofrs/flock) on the lock file beside the database, which the
// kernel drops when the process ends however it ends. Tools that open the
// file for a job do not take it.
type ServerLock struct{ f *flock.Flock }

// LockPath returns the lock file of the database at path.
func LockPath(path string) string { return path + ".lock" }

// LockServer claims the database at path for this process. It fails with
// an error matching bookingkit.ErrConflict, naming the file and the
// holder's process ID, when another process holds the claim.
func LockServer(path string) (*ServerLock, error) {
	if path == "" {
		return nil, bookingkit.Invalid("path", path, "a SQLite file name is required")
	}
	lockPath := LockPath(path)
	f := flock.New(lockPath, flock.SetFlag(os.O_CREATE|os.O_RDWR), flock.SetPermissions(0o644))
	locked, err := f.TryLock()
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if !locked {
		owner := "another process"
		if b, err := os.ReadFile(lockPath); err == nil {
			if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && pid > 0 {
				owner = fmt.Sprintf("another process (pid %d)", pid)
			}
		}
		return nil, fmt.Errorf("the SQLite file %s is in use by %s, which holds %s: "+
			"stop that server first, or give this one another database file; "+
			"several servers can share one database only on PostgreSQL "+
			"(the bookingkit command-line tool works beside a running server): %w",
			path, owner, lockPath, bookingkit.ErrConflict)
	}
	// The holder's process ID, for the message above and for an operator
	// who looks at the file; the lock itself is what counts.
	os.WriteFile(lockPath, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644) //nolint:errcheck // informative only
	return &ServerLock{f: f}, nil
}

// Release gives the claim up. The lock file stays: removing it could let
// two processes lock two different files of the same name.
func (l *ServerLock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := l.f.Unlock()
	l.f = nil
	return err
}
