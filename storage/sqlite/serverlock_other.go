//go:build !unix

package sqlite

import "os"

// lockFile cannot lock on this system: a second server on the same file
// is not detected there.
func lockFile(*os.File) (held bool, err error) { return false, nil }

func unlockFile(*os.File) error { return nil }
