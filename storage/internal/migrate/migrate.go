// Package migrate applies ordered SQL files, embedded in the binary, to a
// database and records each applied version in a table.
//
// Files are named NNNN_description.sql; NNNN is the version. Each file runs in
// its own transaction together with the row that records it, so a failed step
// leaves no half-applied schema and the next start retries it. Before reading
// the version table, every transaction runs the dialect's lock statement (a
// PostgreSQL advisory transaction lock): two processes opening the same
// database at once apply each step exactly once. SQLite needs no statement:
// its transactions begin IMMEDIATE, which already serialises writers.
package migrate

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
)

// Migration is one SQL file.
type Migration struct {
	Version int
	Name    string // the file name, e.g. "0001_init.sql"
	SQL     string
}

// Dialect holds what differs between databases. Both drivers bind $1,
// $2, … by position.
type Dialect struct {
	// Lock, when not empty, runs first in every migration transaction and
	// must block until no other process is migrating the same database.
	Lock string
}

// Table is the name of the version table.
const Table = "schema_migrations"

// Load reads every *.sql file at the top of fsys, sorted by version.
// Two files with the same version are an error.
func Load(fsys fs.FS) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("migrate: read migrations: %w", err)
	}
	var ms []Migration
	for _, e := range entries {
		if e.IsDir() || path.Ext(e.Name()) != ".sql" {
			continue
		}
		prefix, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(prefix)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migrate: file %q: name must be NNNN_description.sql", e.Name())
		}
		body, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			return nil, fmt.Errorf("migrate: read %s: %w", e.Name(), err)
		}
		ms = append(ms, Migration{Version: v, Name: e.Name(), SQL: string(body)})
	}
	slices.SortFunc(ms, func(a, b Migration) int { return a.Version - b.Version })
	for i := 1; i < len(ms); i++ {
		if ms[i].Version == ms[i-1].Version {
			return nil, fmt.Errorf("migrate: %s and %s have the same version", ms[i-1].Name, ms[i].Name)
		}
	}
	return ms, nil
}

// Apply runs every migration whose version is not yet recorded, in order,
// and returns how many it ran.
func Apply(ctx context.Context, db *sql.DB, d Dialect, ms []Migration) (int, error) {
	create := "CREATE TABLE IF NOT EXISTS " + Table + ` (
	version    INTEGER PRIMARY KEY,
	name       TEXT NOT NULL,
	applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
)`
	if err := inTx(ctx, db, d, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, create)
		return err
	}); err != nil {
		return 0, fmt.Errorf("migrate: create %s: %w", Table, err)
	}
	applied := 0
	for _, m := range ms {
		ran := false
		err := inTx(ctx, db, d, func(tx *sql.Tx) error {
			var n int
			q := "SELECT COUNT(*) FROM " + Table + " WHERE version = $1"
			if err := tx.QueryRowContext(ctx, q, m.Version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil // applied earlier, or by another process while we waited
			}
			if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
				return err
			}
			ins := "INSERT INTO " + Table + " (version, name) VALUES ($1, $2)"
			if _, err := tx.ExecContext(ctx, ins, m.Version, m.Name); err != nil {
				return err
			}
			ran = true
			return nil
		})
		if err != nil {
			return applied, fmt.Errorf("migrate: %s: %w", m.Name, err)
		}
		if ran {
			applied++
		}
	}
	return applied, nil
}

// Versions returns the recorded versions in ascending order.
func Versions(ctx context.Context, db *sql.DB) ([]int, error) {
	rows, err := db.QueryContext(ctx, "SELECT version FROM "+Table+" ORDER BY version")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var vs []int
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		vs = append(vs, v)
	}
	return vs, rows.Err()
}

func inTx(ctx context.Context, db *sql.DB, d Dialect, fn func(*sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	if d.Lock != "" {
		if _, err := tx.ExecContext(ctx, d.Lock); err != nil {
			return fmt.Errorf("take migration lock: %w", err)
		}
	}
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}
