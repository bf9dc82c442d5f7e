// Package sqlite stores bookingkit's data in one SQLite file, through the
// pure-Go driver modernc.org/sqlite (no cgo). It is the reference server's
// default backend.
//
// [Open] creates the file when it is missing and applies the embedded schema
// migrations. [DB.Stores] returns the database behind the domain packages'
// storage interfaces.
//
// # Concurrency
//
// The file runs in WAL mode: readers never wait for the writer and the
// writer never waits for readers. Foreign keys are enforced. Every
// transaction begins IMMEDIATE, so one that reads and then writes cannot
// deadlock on upgrading its lock, and waits up to 10 s for the write lock,
// so concurrent writers queue rather than fail with SQLITE_BUSY; an employee-list import, which can hold the
// lock for seconds, waits for another as long as its context allows.
//
// One server per file: a server keeps state in memory beside the file (the
// standby queues), so a second server on it would drift apart from the
// first. [LockServer] claims a file for one process (an exclusive flock on
// a lock file beside it, dropped by the kernel when the process ends); the
// reference server takes it at start, tools that open the file for a job
// do not. Several servers sharing data need PostgreSQL.
//
// # Backup
//
// Copy the file only while no server has it open, or use [Backup] (the
// tool's "bookingkit backup"), the sqlite3 shell's ".backup" command or
// VACUUM INTO on a live database; a plain copy of a live WAL database can
// miss the last commits, which live in the -wal file.
package sqlite
