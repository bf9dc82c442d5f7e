package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// The two database technologies as bookingkit copy sees them: how to list
// the tables, their columns, keys and foreign keys, how to read and write
// in one transaction each, and how each numbers rows (sequences).

// copyTable is one table as a database's catalog describes it.
type copyTable struct {
	name    string
	columns []copyColumn
	key     []string // the primary key's columns, in key order
	refs    []string // the tables its foreign keys reference
	// identity is the column that the database numbers itself (a
	// PostgreSQL identity column, a SQLite INTEGER PRIMARY KEY), "" for none.
	identity string
	// autoincrement: SQLite keeps the largest number ever given out in
	// sqlite_sequence, so numbers of deleted rows are not given again.
	autoincrement bool
}

// copyColumn is one column: its name, its type as the catalog spells it,
// and what that type holds.
type copyColumn struct {
	name    string
	typ     string
	kind    valueKind
	notNull bool
}

func (t copyTable) column(name string) (copyColumn, bool) {
	for _, c := range t.columns {
		if c.name == name {
			return c, true
		}
	}
	return copyColumn{}, false
}

// querier is a transaction, or anything else that answers queries.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// copyDialect is what differs between SQLite and PostgreSQL for copy.
type copyDialect interface {
	// tables returns the names of the database's own tables.
	tables(ctx context.Context, q querier) ([]string, error)
	// describe reads one table from the catalog.
	describe(ctx context.Context, q querier, name string) (copyTable, error)
	// readTx returns the options of a transaction that sees one
	// consistent snapshot and writes nothing.
	readTx() *sql.TxOptions
	// lock keeps other writers out of tables until the transaction ends.
	lock(ctx context.Context, tx *sql.Tx, tables []string) error
	// insert returns an INSERT of rows rows into t's columns.
	insert(t copyTable, rows int) string
	// highWater returns the largest number t's identity column has given
	// out, deleted rows included where the database remembers them.
	highWater(ctx context.Context, q querier, t copyTable) (int64, error)
	// advance makes t's identity column give out numbers above n.
	advance(ctx context.Context, tx *sql.Tx, t copyTable, n int64) error
}

// quoteIdent quotes an SQL identifier; both databases use double quotes.
func quoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

func quoteIdents(names []string) string {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = quoteIdent(n)
	}
	return strings.Join(quoted, ", ")
}

func columnNames(t copyTable) []string {
	names := make([]string, len(t.columns))
	for i, c := range t.columns {
		names[i] = c.name
	}
	return names
}

// insertValues returns "INSERT INTO t (cols) <between> VALUES (…), (…)"
// with rows groups of placeholders numbered by ph.
func insertValues(t copyTable, between string, rows int, ph func(n int) string) string {
	var b strings.Builder
	b.WriteString("INSERT INTO " + quoteIdent(t.name) + " (" + quoteIdents(columnNames(t)) + ") ")
	if between != "" {
		b.WriteString(between + " ")
	}
	b.WriteString("VALUES ")
	n := 0
	for r := range rows {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for c := range t.columns {
			if c > 0 {
				b.WriteString(", ")
			}
			n++
			b.WriteString(ph(n))
		}
		b.WriteByte(')')
	}
	return b.String()
}

// scanStrings runs a query that returns one text column.
func scanStrings(ctx context.Context, q querier, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// sqliteDialect: the catalog is sqlite_schema and the table_info and
// foreign_key_list pragmas; column kinds come from the declared types.
type sqliteDialect struct{}

func (sqliteDialect) tables(ctx context.Context, q querier) ([]string, error) {
	return scanStrings(ctx, q, `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name`)
}

func (sqliteDialect) describe(ctx context.Context, q querier, name string) (copyTable, error) {
	t := copyTable{name: name}
	var create string
	if err := q.QueryRowContext(ctx, "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?", name).Scan(&create); err != nil {
		return t, fmt.Errorf("table %s: %w", name, err)
	}
	rows, err := q.QueryContext(ctx, `SELECT name, type, "notnull", pk FROM pragma_table_info(?) ORDER BY cid`, name)
	if err != nil {
		return t, fmt.Errorf("table %s: columns: %w", name, err)
	}
	defer rows.Close()
	keyAt := map[int]string{}
	for rows.Next() {
		var c copyColumn
		var pk int
		if err := rows.Scan(&c.name, &c.typ, &c.notNull, &pk); err != nil {
			return t, fmt.Errorf("table %s: columns: %w", name, err)
		}
		c.kind = sqliteKind(c.typ)
		t.columns = append(t.columns, c)
		if pk > 0 {
			keyAt[pk] = c.name
		}
	}
	if err := rows.Err(); err != nil {
		return t, fmt.Errorf("table %s: columns: %w", name, err)
	}
	for i := 1; i <= len(keyAt); i++ {
		t.key = append(t.key, keyAt[i])
	}
	// A one-column INTEGER PRIMARY KEY of a rowid table is the rowid: SQLite
	// numbers it (https://sqlite.org/lang_createtable.html#rowid).
	upper := strings.ToUpper(create)
	if len(t.key) == 1 && !strings.Contains(upper, "WITHOUT ROWID") {
		if c, _ := t.column(t.key[0]); strings.EqualFold(c.typ, "INTEGER") {
			t.identity = c.name
			t.autoincrement = strings.Contains(upper, "AUTOINCREMENT")
		}
	}
	if t.refs, err = scanStrings(ctx, q, `SELECT DISTINCT "table" FROM pragma_foreign_key_list(?)`, name); err != nil {
		return t, fmt.Errorf("table %s: foreign keys: %w", name, err)
	}
	return t, nil
}

// sqliteKind maps a declared column type to what it holds, as the
// adapter writes it: BOOLEAN 0 or 1, TIMESTAMP the driver's time text,
// DATE YYYY-MM-DD text.
func sqliteKind(declared string) valueKind {
	t := strings.ToUpper(strings.TrimSpace(declared))
	switch {
	case t == "BOOLEAN" || t == "BOOL":
		return kindBool
	case t == "TIMESTAMP" || t == "DATETIME":
		return kindTime
	case t == "DATE":
		return kindDate
	case t == "JSON":
		return kindJSON
	case t == "BLOB":
		return kindBytes
	case strings.Contains(t, "INT"): // SQLite's own rule for INTEGER affinity
		return kindInteger
	case strings.Contains(t, "TEXT"), strings.Contains(t, "CHAR"), strings.Contains(t, "CLOB"):
		return kindText
	}
	return kindUnknown
}

// readTx: a deferred (not IMMEDIATE) transaction, which in WAL mode reads
// one snapshot without holding up the server's writers.
func (sqliteDialect) readTx() *sql.TxOptions { return &sql.TxOptions{ReadOnly: true} }

// lock: the adapter begins every transaction IMMEDIATE, which already
// holds the database's write lock.
func (sqliteDialect) lock(context.Context, *sql.Tx, []string) error { return nil }

func (sqliteDialect) insert(t copyTable, rows int) string {
	return insertValues(t, "", rows, func(int) string { return "?" })
}

func (sqliteDialect) highWater(ctx context.Context, q querier, t copyTable) (int64, error) {
	if !t.autoincrement {
		return 0, nil // a plain rowid: the next is the largest present plus one
	}
	var n int64
	err := q.QueryRowContext(ctx, "SELECT seq FROM sqlite_sequence WHERE name = ?", t.name).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil // no row ever inserted
	}
	return n, err
}

func (sqliteDialect) advance(ctx context.Context, tx *sql.Tx, t copyTable, n int64) error {
	if !t.autoincrement {
		return nil
	}
	res, err := tx.ExecContext(ctx, "UPDATE sqlite_sequence SET seq = MAX(seq, ?) WHERE name = ?", n, t.name)
	if err != nil {
		return err
	}
	if changed, err := res.RowsAffected(); err != nil || changed > 0 {
		return err
	}
	_, err = tx.ExecContext(ctx, "INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", t.name, n)
	return err
}

// postgresDialect: the catalog is information_schema and pg_catalog, in
// the connection's current schema (where the adapter creates its tables).
type postgresDialect struct{}

func (postgresDialect) tables(ctx context.Context, q querier) ([]string, error) {
	return scanStrings(ctx, q, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`)
}

func (postgresDialect) describe(ctx context.Context, q querier, name string) (copyTable, error) {
	t := copyTable{name: name}
	rows, err := q.QueryContext(ctx, `SELECT column_name, data_type, is_nullable = 'NO', is_identity = 'YES'
		FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`, name)
	if err != nil {
		return t, fmt.Errorf("table %s: columns: %w", name, err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			c        copyColumn
			identity bool
		)
		if err := rows.Scan(&c.name, &c.typ, &c.notNull, &identity); err != nil {
			return t, fmt.Errorf("table %s: columns: %w", name, err)
		}
		c.kind = postgresKind(c.typ)
		t.columns = append(t.columns, c)
		if identity {
			t.identity = c.name
		}
	}
	if err := rows.Err(); err != nil {
		return t, fmt.Errorf("table %s: columns: %w", name, err)
	}
	rel := quoteIdent(name)
	if t.key, err = scanStrings(ctx, q, `SELECT a.attname FROM pg_index i
		JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
		WHERE i.indrelid = $1::regclass AND i.indisprimary
		ORDER BY array_position(i.indkey::int2[], a.attnum)`, rel); err != nil {
		return t, fmt.Errorf("table %s: primary key: %w", name, err)
	}
	if t.refs, err = scanStrings(ctx, q, `SELECT DISTINCT c.relname FROM pg_constraint k
		JOIN pg_class c ON c.oid = k.confrelid
		WHERE k.contype = 'f' AND k.conrelid = $1::regclass`, rel); err != nil {
		return t, fmt.Errorf("table %s: foreign keys: %w", name, err)
	}
	return t, nil
}

// postgresKind maps information_schema.columns.data_type to what it holds.
func postgresKind(dataType string) valueKind {
	switch dataType {
	case "text", "character varying", "character":
		return kindText
	case "smallint", "integer", "bigint":
		return kindInteger
	case "boolean":
		return kindBool
	case "timestamp with time zone", "timestamp without time zone":
		return kindTime
	case "date":
		return kindDate
	case "json", "jsonb":
		return kindJSON
	case "bytea":
		return kindBytes
	}
	return kindUnknown
}

func (postgresDialect) readTx() *sql.TxOptions {
	return &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
}

// lock: EXCLUSIVE mode lets others read but not write until the copy
// commits, so the tables found empty stay empty but for the copy's rows.
func (postgresDialect) lock(ctx context.Context, tx *sql.Tx, tables []string) error {
	if len(tables) == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, "LOCK TABLE "+quoteIdents(tables)+" IN EXCLUSIVE MODE")
	return err
}

// insert: the identity columns are GENERATED ALWAYS; the copy keeps the
// source's numbers (rows refer to them), which takes OVERRIDING SYSTEM
// VALUE.
func (postgresDialect) insert(t copyTable, rows int) string {
	between := ""
	if t.identity != "" {
		between = "OVERRIDING SYSTEM VALUE"
	}
	return insertValues(t, between, rows, func(n int) string { return fmt.Sprintf("$%d", n) })
}

func (postgresDialect) highWater(ctx context.Context, q querier, t copyTable) (int64, error) {
	var n sql.NullInt64 // NULL: the sequence has not given out a number yet
	err := q.QueryRowContext(ctx, "SELECT pg_sequence_last_value(pg_get_serial_sequence($1, $2)::regclass)",
		quoteIdent(t.name), t.identity).Scan(&n)
	return n.Int64, err
}

func (postgresDialect) advance(ctx context.Context, tx *sql.Tx, t copyTable, n int64) error {
	_, err := tx.ExecContext(ctx, "SELECT setval(pg_get_serial_sequence($1, $2), $3)", quoteIdent(t.name), t.identity, n)
	return err
}
