package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/bookingkit/bookingkit/cmd/internal/backend"
	"github.com/bookingkit/bookingkit/storage/postgres"
	"github.com/bookingkit/bookingkit/storage/sqlite"
)

// migrationsTable is the adapters' schema version table
// (storage/internal/migrate.Table): each database keeps its own, so copy
// leaves it out.
const migrationsTable = "schema_migrations"

// runCopy moves every row of one bookingkit database into another, empty
// one: a SQLite file into PostgreSQL, or back.
func runCopy(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "bookingkit copy", "-from SOURCE -to DESTINATION",
		"Copies every row of a bookingkit database into another one: a SQLite file into\n"+
			"PostgreSQL (to run several servers on one database), PostgreSQL into a SQLite\n"+
			"file, or between two of a kind. Settings move too, so the generated tokens and\n"+
			"QR keys stay valid. Both databases are first brought to the current schema.\n"+
			"The destination must be empty (every bookingkit table without rows): a new\n"+
			"database, a new schema, or a SQLite file that does not exist yet. The source\n"+
			"is read as one consistent snapshot and the destination written in one\n"+
			"transaction: a copy that fails writes no row. Stop the servers first: rows\n"+
			"written to the source after the copy starts are not copied.\n"+
			"Prints the rows copied per table.")
	from := fs.String("from", "", "the database to read: a SQLite `file` or a postgres:// URL (required)")
	to := fs.String("to", "", "the empty database to fill: a postgres:// `URL`, or a SQLite file, created when missing (required)")
	if ok, err := parse(fs, args); !ok {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("copy: unexpected argument %q", strings.Join(fs.Args(), " "))
	}
	if *from == "" || *to == "" {
		fs.Usage()
		return errors.New("copy: both -from and -to are required")
	}
	if *from == *to {
		return fmt.Errorf("copy: -from and -to are the same database (%s)", backend.Describe(*from))
	}
	src, err := openCopyDB(ctx, "-from", *from, true)
	if err != nil {
		return err
	}
	defer src.close()
	dst, err := openCopyDB(ctx, "-to", *to, false)
	if err != nil {
		return err
	}
	defer dst.close()

	counts, err := copyDatabase(ctx, src, dst)
	if err != nil {
		return fmt.Errorf("copy: %w; no row was copied", err)
	}
	printCopyCounts(e.stdout, counts)
	fmt.Fprintf(e.stdout, "copied %d rows in %d tables from %s to %s\n", totalRows(counts), len(counts), src.desc, dst.desc)
	return nil
}

// printCopyCounts prints one line per table, in the order copied: the
// name, then the rows right-aligned.
func printCopyCounts(w io.Writer, counts []tableCount) {
	nameWidth, rowsWidth := len("TABLE"), len(fmt.Sprint(totalRows(counts)))
	for _, c := range counts {
		nameWidth = max(nameWidth, len(c.table))
	}
	fmt.Fprintf(w, "%-*s  %*s\n", nameWidth, "TABLE", rowsWidth, "ROWS")
	for _, c := range counts {
		fmt.Fprintf(w, "%-*s  %*d\n", nameWidth, c.table, rowsWidth, c.rows)
	}
}

func totalRows(counts []tableCount) int64 {
	var n int64
	for _, c := range counts {
		n += c.rows
	}
	return n
}

// copyDB is one side of a copy: a database opened (and migrated) by its
// adapter, seen as plain tables.
type copyDB struct {
	desc    string // names it in messages, without a password
	dialect copyDialect
	sql     *sql.DB
	close   func() error
}

func openCopyDB(ctx context.Context, flag, dsn string, source bool) (*copyDB, error) {
	desc := backend.Describe(dsn)
	switch {
	case backend.IsPostgres(dsn):
		db, err := postgres.Open(ctx, dsn)
		if err != nil {
			return nil, fmt.Errorf("copy: %s %s: %w", flag, desc, err)
		}
		return &copyDB{desc: "postgres " + desc, dialect: postgresDialect{}, sql: db.SQL(), close: db.Close}, nil
	case dsn == "memory:":
		return nil, fmt.Errorf("copy: %s memory: is an in-memory store that no other process can read or keep: copy works on SQLite files and PostgreSQL databases", flag)
	default:
		if source {
			// sqlite.Open would create a missing file, and copy nothing.
			if _, err := os.Stat(dsn); err != nil {
				return nil, fmt.Errorf("copy: %s: %w", flag, err)
			}
		}
		db, err := sqlite.Open(ctx, dsn)
		if err != nil {
			return nil, fmt.Errorf("copy: %s %s: %w", flag, desc, err)
		}
		return &copyDB{desc: "sqlite " + desc, dialect: sqliteDialect{}, sql: db.SQL(), close: db.Close}, nil
	}
}

// tableCount is how many rows copy wrote to one table.
type tableCount struct {
	table string
	rows  int64
}

// copyDatabase copies every table of src but the migrations table into
// dst, in one read transaction on src and one write transaction on dst,
// and returns the rows copied per table in the order written. On error
// dst's transaction is rolled back.
func copyDatabase(ctx context.Context, src, dst *copyDB) ([]tableCount, error) {
	wtx, err := dst.sql.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("destination: %w", err)
	}
	defer wtx.Rollback() //nolint:errcheck // a no-op after Commit
	dstTables, err := readCatalog(ctx, dst.dialect, wtx)
	if err != nil {
		return nil, fmt.Errorf("destination: %w", err)
	}
	names := slices.Sorted(maps.Keys(dstTables))
	if err := dst.dialect.lock(ctx, wtx, names); err != nil {
		return nil, fmt.Errorf("destination: lock the tables: %w", err)
	}
	if err := requireEmpty(ctx, wtx, names); err != nil {
		return nil, err
	}

	rtx, err := src.sql.BeginTx(ctx, src.dialect.readTx())
	if err != nil {
		return nil, fmt.Errorf("source: %w", err)
	}
	defer rtx.Rollback() //nolint:errcheck // read only: nothing to commit
	srcTables, err := readCatalog(ctx, src.dialect, rtx)
	if err != nil {
		return nil, fmt.Errorf("source: %w", err)
	}
	if err := sameTables(srcTables, dstTables); err != nil {
		return nil, err
	}
	order, err := dependencyOrder(dstTables)
	if err != nil {
		return nil, err
	}

	counts := make([]tableCount, 0, len(order))
	for _, name := range order {
		n, err := copyRows(ctx, rtx, wtx, srcTables[name], dstTables[name], dst.dialect)
		if err != nil {
			return nil, fmt.Errorf("table %s: %w", name, err)
		}
		// The count of the same snapshot: a check that every row arrived.
		var want, got int64
		if err := rtx.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+quoteIdent(name)).Scan(&want); err != nil {
			return nil, fmt.Errorf("table %s: count the source's rows: %w", name, err)
		}
		if err := wtx.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+quoteIdent(name)).Scan(&got); err != nil {
			return nil, fmt.Errorf("table %s: count the destination's rows: %w", name, err)
		}
		if want != n || got != n {
			return nil, fmt.Errorf("table %s: the source has %d rows, %d were read and the destination has %d", name, want, n, got)
		}
		counts = append(counts, tableCount{table: name, rows: n})
	}
	for _, name := range order {
		if err := advanceIdentity(ctx, rtx, wtx, srcTables[name], dstTables[name], src.dialect, dst.dialect); err != nil {
			return nil, fmt.Errorf("table %s: %w", name, err)
		}
	}
	if err := wtx.Commit(); err != nil {
		return nil, fmt.Errorf("destination: commit: %w", err)
	}
	return counts, nil
}

// readCatalog describes every table but the migrations table.
func readCatalog(ctx context.Context, d copyDialect, q querier) (map[string]copyTable, error) {
	names, err := d.tables(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("list the tables: %w", err)
	}
	tables := map[string]copyTable{}
	for _, name := range names {
		if name == migrationsTable {
			continue
		}
		t, err := d.describe(ctx, q, name)
		if err != nil {
			return nil, err
		}
		tables[name] = t
	}
	return tables, nil
}

// requireEmpty refuses a destination that holds rows: copy fills a new
// database, it does not merge two.
func requireEmpty(ctx context.Context, q querier, tables []string) error {
	var full []string
	for _, name := range tables {
		var has bool
		if err := q.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM "+quoteIdent(name)+")").Scan(&has); err != nil {
			return fmt.Errorf("destination: table %s: %w", name, err)
		}
		if has {
			full = append(full, name)
		}
	}
	if len(full) > 0 {
		return fmt.Errorf("the destination is not empty: table %s has rows; copy fills an empty database only "+
			"(a new PostgreSQL database or schema, a SQLite file that does not exist)", strings.Join(full, ", "))
	}
	return nil
}

// sameTables checks that both databases have the same tables with the
// same columns, each of a kind copy can convert: both adapters' migrations
// are meant to create exactly that.
func sameTables(src, dst map[string]copyTable) error {
	var problems []string
	for _, name := range slices.Sorted(maps.Keys(src)) {
		if _, ok := dst[name]; !ok {
			problems = append(problems, fmt.Sprintf("table %s is only in the source", name))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(dst)) {
		d := dst[name]
		s, ok := src[name]
		if !ok {
			problems = append(problems, fmt.Sprintf("table %s is only in the destination", name))
			continue
		}
		for _, c := range s.columns {
			if _, ok := d.column(c.name); !ok {
				problems = append(problems, fmt.Sprintf("column %s.%s is only in the source", name, c.name))
			}
		}
		for _, dc := range d.columns {
			sc, ok := s.column(dc.name)
			switch {
			case !ok:
				problems = append(problems, fmt.Sprintf("column %s.%s is only in the destination", name, dc.name))
			case sc.kind == kindUnknown || dc.kind == kindUnknown:
				problems = append(problems, fmt.Sprintf("column %s.%s: copy does not know how to convert %s to %s", name, dc.name, sc.typ, dc.typ))
			}
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("the two databases' schemas differ: %s", strings.Join(problems, "; "))
	}
	return nil
}

// dependencyOrder orders the tables so that every table comes after the
// tables its foreign keys reference; ties in name order.
func dependencyOrder(tables map[string]copyTable) ([]string, error) {
	done := map[string]bool{}
	var order []string
	names := slices.Sorted(maps.Keys(tables))
	for len(order) < len(names) {
		progress := false
		for _, name := range names {
			if done[name] {
				continue
			}
			ready := true
			for _, ref := range tables[name].refs {
				if _, known := tables[ref]; known && ref != name && !done[ref] {
					ready = false
				}
			}
			if ready {
				done[name] = true
				order = append(order, name)
				progress = true
			}
		}
		if !progress {
			var left []string
			for _, name := range names {
				if !done[name] {
					left = append(left, name)
				}
			}
			return nil, fmt.Errorf("the foreign keys of tables %s form a cycle: copy cannot order them", strings.Join(left, ", "))
		}
	}
	return order, nil
}

// copyBatchValues bounds the values in one INSERT, under both databases'
// limits on bind parameters.
const copyBatchValues = 10000

// copyRows reads every row of src's table in key order and inserts it
// into dst's, many rows per INSERT, and returns the number of rows.
func copyRows(ctx context.Context, rtx, wtx *sql.Tx, src, dst copyTable, d copyDialect) (int64, error) {
	srcCols := make([]copyColumn, len(dst.columns))
	for i, dc := range dst.columns {
		srcCols[i], _ = src.column(dc.name) // sameTables checked that it exists
	}
	query := "SELECT " + quoteIdents(columnNames(dst)) + " FROM " + quoteIdent(src.name)
	if len(src.key) > 0 {
		query += " ORDER BY " + quoteIdents(src.key)
	}
	rows, err := rtx.QueryContext(ctx, query)
	if err != nil {
		return 0, fmt.Errorf("read: %w", err)
	}
	defer rows.Close()

	width := len(dst.columns)
	perInsert := max(1, min(500, copyBatchValues/width))
	var full *sql.Stmt // the INSERT of perInsert rows, prepared on first use
	defer func() {
		if full != nil {
			full.Close()
		}
	}()
	batch := make([]any, 0, perInsert*width)
	var n, flushed int64
	flush := func() error {
		k := len(batch) / width
		var err error
		if k == perInsert {
			if full == nil {
				if full, err = wtx.PrepareContext(ctx, d.insert(dst, perInsert)); err != nil {
					return fmt.Errorf("prepare the insert: %w", err)
				}
			}
			_, err = full.ExecContext(ctx, batch...)
		} else {
			_, err = wtx.ExecContext(ctx, d.insert(dst, k), batch...)
		}
		if err != nil {
			return fmt.Errorf("write rows %d to %d: %w", flushed+1, flushed+int64(k), err)
		}
		flushed += int64(k)
		batch = batch[:0]
		return nil
	}

	values := make([]any, width)
	ptrs := make([]any, width)
	for i := range values {
		ptrs[i] = &values[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return n, fmt.Errorf("read row %d: %w", n+1, err)
		}
		n++
		for i, v := range values {
			cv, err := convertValue(v, srcCols[i], dst.columns[i])
			if err != nil {
				return n, fmt.Errorf("row %d%s: column %s: %w", n, rowKey(dst, values), dst.columns[i].name, err)
			}
			batch = append(batch, cv)
		}
		if len(batch) == cap(batch) {
			if err := flush(); err != nil {
				return n, err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("read: %w", err)
	}
	if len(batch) > 0 {
		if err := flush(); err != nil {
			return n, err
		}
	}
	return n, nil
}

// rowKey names a row by its primary key, for error messages.
func rowKey(t copyTable, values []any) string {
	var parts []string
	for _, k := range t.key {
		for i, c := range t.columns {
			if c.name == k {
				parts = append(parts, fmt.Sprintf("%s=%s", k, shorten(fmt.Sprint(values[i]))))
			}
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// advanceIdentity makes dst's numbered column (an identity sequence, a
// SQLite AUTOINCREMENT) continue after the largest number the source has
// given out: new rows must not take a copied row's number, nor, where the
// source remembers them, a deleted row's.
func advanceIdentity(ctx context.Context, rtx, wtx *sql.Tx, src, dst copyTable, sd, dd copyDialect) error {
	if dst.identity == "" {
		return nil
	}
	var largest sql.NullInt64
	if err := wtx.QueryRowContext(ctx, "SELECT MAX("+quoteIdent(dst.identity)+") FROM "+quoteIdent(dst.name)).Scan(&largest); err != nil {
		return fmt.Errorf("largest %s: %w", dst.identity, err)
	}
	next := largest.Int64
	if src.identity == dst.identity {
		hw, err := sd.highWater(ctx, rtx, src)
		if err != nil {
			return fmt.Errorf("the source's last %s: %w", src.identity, err)
		}
		next = max(next, hw)
	}
	if next <= 0 {
		return nil // nothing copied, nothing given out: the sequence starts afresh
	}
	if err := dd.advance(ctx, wtx, dst, next); err != nil {
		return fmt.Errorf("advance the %s sequence to %d: %w", dst.identity, next, err)
	}
	return nil
}
