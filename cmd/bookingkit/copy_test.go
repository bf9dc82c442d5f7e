package main

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/cmd/internal/backend"
	"github.com/bookingkit/bookingkit/partner"
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/standby"
	"github.com/bookingkit/bookingkit/storage"
	"github.com/bookingkit/bookingkit/storage/sqlite"
	"github.com/bookingkit/bookingkit/storage/storagetest/pgtest"
)

// copySource makes a SQLite file with rows in every table.
func copySource(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "source.db")
	db, err := sqlite.Open(context.Background(), path)
	require.NoError(t, err)
	defer db.Close()
	fillEveryTable(t, db.Stores())
	return path
}

// openStores opens dsn through its adapter until the test ends.
func openStores(t *testing.T, dsn string) storage.Stores {
	t.Helper()
	s, err := backend.Open(context.Background(), dsn)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

// tableRows counts the rows of every bookingkit table of dsn.
func tableRows(t *testing.T, dsn string) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	db, err := openCopyDB(ctx, "-db", dsn, true)
	require.NoError(t, err)
	defer db.close()
	names, err := db.dialect.tables(ctx, db.sql)
	require.NoError(t, err)
	rows := map[string]int64{}
	for _, name := range names {
		if name == migrationsTable {
			continue
		}
		var n int64
		require.NoError(t, db.sql.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+quoteIdent(name)).Scan(&n))
		rows[name] = n
	}
	return rows
}

// requireSameData fails unless the stores of both databases read the
// same.
func requireSameData(t *testing.T, wantDSN, gotDSN string) {
	t.Helper()
	want := readEveryTable(t, openStores(t, wantDSN))
	for name, v := range want {
		rv := reflect.ValueOf(v)
		require.False(t, rv.IsZero(), "%s read nothing", name)
		if rv.Kind() == reflect.Slice {
			require.Positive(t, rv.Len(), "%s read nothing", name)
		}
	}
	got := readEveryTable(t, openStores(t, gotDSN))
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("read back from %s and %s differ (-%s +%s):\n%s", wantDSN, gotDSN, wantDSN, gotDSN, d)
	}
}

// copyReport reads the per-table counts that copy prints.
func copyReport(t *testing.T, out string) map[string]int64 {
	t.Helper()
	rows := map[string]int64{}
	for _, m := range regexp.MustCompile(`(?m)^\s*([a-z_]+)\s+(\d+)\s*$`).FindAllStringSubmatch(out, -1) {
		n, err := strconv.ParseInt(m[2], 10, 64)
		require.NoError(t, err)
		rows[m[1]] = n
	}
	return rows
}

// checkCopy copies from into the empty to and checks that every table
// has the source's rows, that the stores read the same from both, and
// that new rows get the numbers that they would get in the source.
func checkCopy(t *testing.T, from, to string) {
	t.Helper()
	out, _, err := runTool(t, nil, "copy", "-from", from, "-to", to)
	require.NoError(t, err)

	want := tableRows(t, from)
	require.Len(t, want, 35, "every bookingkit table")
	for table, n := range want {
		require.Positive(t, n, "the fixture leaves no table empty: %s", table)
	}
	require.Equal(t, want, tableRows(t, to), "rows per table")
	require.Equal(t, want, copyReport(t, out), "copy prints the rows it copied per table")
	require.Contains(t, out, fmt.Sprintf("copied %d rows in 35 tables", sum(want)))

	requireSameData(t, from, to)

	// The numbered tables continue where the source would.
	ctx := context.Background()
	bookingID := fmt.Sprintf("SB-new-%d", sum(want)) // unused in this source: its row count grows with each new row
	newRows := func(dsn string) []int64 {
		s := openStores(t, dsn)
		b, err := s.StaffBookings.CreateBooking(ctx, staffid.Booking{ID: bookingID, BookedBy: "v1:anna", GroupKey: "884220062", Flight: copyFlightA,
			PassengerType: "ZED", Cabin: standby.Economy, CreatedAt: copyAt(500)})
		require.NoError(t, err)
		h, err := s.StaffID.AddImportHistory(ctx, staffid.HistoryEntry{At: copyAt(500), Source: staffid.SourceCLI,
			Report: staffid.Report{Status: staffid.StatusError, ErrorMsg: "empty list", InvalidRecords: []staffid.InvalidRecord{}}})
		require.NoError(t, err)
		ev, err := s.Partner.AppendActivity(ctx, partner.ActivityEvent{At: copyAt(500), Kind: partner.ActivitySignIn, PartnerID: "ptn_a",
			CompanyID: "cmp_a", InstanceID: "ins_1", LicenceID: "lic_2", Serial: "SN-1", UserLogin: "ben"})
		require.NoError(t, err)
		return []int64{b.Seq, h.ID, ev.ID}
	}
	require.Equal(t, newRows(from), newRows(to), "staff booking seq, import ID, activity ID of a new row")
}

func sum(m map[string]int64) int64 {
	var n int64
	for _, v := range m {
		n += v
	}
	return n
}

func TestCopySQLiteToSQLite(t *testing.T) {
	checkCopy(t, copySource(t), filepath.Join(t.TempDir(), "copy.db"))
}

func TestCopySQLiteToPostgresAndBack(t *testing.T) {
	pg := pgtest.URL(t)
	src := copySource(t)
	checkCopy(t, src, pg)
	// PostgreSQL → SQLite: the same data again, in a new file.
	checkCopy(t, pg, filepath.Join(t.TempDir(), "back.db"))
}

// copyDestinations runs a test against a SQLite destination and, when
// BOOKINGKIT_TEST_POSTGRES is set, a PostgreSQL one.
func copyDestinations(t *testing.T, test func(t *testing.T, dst string)) {
	t.Run("sqlite", func(t *testing.T) { test(t, filepath.Join(t.TempDir(), "dst.db")) })
	t.Run("postgres", func(t *testing.T) { test(t, pgtest.URL(t)) })
}

func TestCopyRefusesNonEmptyDestination(t *testing.T) {
	src := copySource(t)
	copyDestinations(t, func(t *testing.T, dst string) {
		// One setting is enough: a server started on the destination
		// writes its generated token first.
		s, err := backend.Open(context.Background(), dst)
		require.NoError(t, err)
		require.NoError(t, s.Settings.PutSetting(context.Background(), "import_token_hash", "the destination's own"))
		require.NoError(t, s.Close())
		before := tableRows(t, dst)

		_, _, err = runTool(t, nil, "copy", "-from", src, "-to", dst)
		require.ErrorContains(t, err, "the destination is not empty: table settings has rows")
		require.Equal(t, before, tableRows(t, dst), "a refused copy writes nothing")

		// A second copy into a copy's destination is refused alike.
		fresh := dst + "-second"
		if backend.IsPostgres(dst) {
			fresh = pgtest.URL(t)
		}
		_, _, err = runTool(t, nil, "copy", "-from", src, "-to", fresh)
		require.NoError(t, err)
		before = tableRows(t, fresh)
		_, _, err = runTool(t, nil, "copy", "-from", src, "-to", fresh)
		require.ErrorContains(t, err, "the destination is not empty")
		require.ErrorContains(t, err, "accounts")
		require.Equal(t, before, tableRows(t, fresh), "a refused copy writes nothing")
		requireSameData(t, src, fresh)
	})
}

// corruptSource writes raw SQL into the SQLite file at path, past the
// adapter's checks.
func corruptSource(t *testing.T, path, query string) {
	t.Helper()
	db, err := sqlite.Open(context.Background(), path)
	require.NoError(t, err)
	defer db.Close()
	_, err = db.SQL().ExecContext(context.Background(), query)
	require.NoError(t, err)
}

func requireEmptyTables(t *testing.T, dsn string) {
	t.Helper()
	for table, n := range tableRows(t, dsn) {
		require.Zero(t, n, "table %s after a failed copy", table)
	}
}

func TestCopyFailingHalfWayLeavesDestinationEmpty(t *testing.T) {
	copyDestinations(t, func(t *testing.T, dst string) {
		// standby_entries is the last table copied: every other table has
		// been written when its bad row is read.
		src := copySource(t)
		corruptSource(t, src, "UPDATE standby_entries SET booked_at = 'not a time' WHERE booking_id = 'PNR-3'")
		_, _, err := runTool(t, nil, "copy", "-from", src, "-to", dst)
		require.ErrorContains(t, err, "table standby_entries: row 1 (flight_key=AF-1234-2026-12-02, booking_id=PNR-3, passenger=0): column booked_at")
		require.ErrorContains(t, err, `"not a time" is not a time`)
		requireEmptyTables(t, dst)
	})
}

func TestCopyToPostgresFailingInTheDatabaseLeavesItEmpty(t *testing.T) {
	for _, tt := range []struct {
		name, corrupt, want string
	}{
		// SQLite keeps '' for no date; PostgreSQL's birth_day of a booked
		// passenger is NOT NULL.
		{"no date", "UPDATE staffid_booking_passengers SET birth_day = '' WHERE idx = 1",
			`table staffid_booking_passengers: row 2 (booking_seq=1, idx=1): column birth_day: no date ("") in a NOT NULL date column`},
		// SMALLINT in PostgreSQL, INTEGER in SQLite: refused on writing.
		{"out of range", "UPDATE staffid_people SET category_code = 70000 WHERE id = 'v1:vera'", "table staffid_people: write rows 1 to 3"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dst := pgtest.URL(t)
			src := copySource(t)
			corruptSource(t, src, tt.corrupt)
			_, _, err := runTool(t, nil, "copy", "-from", src, "-to", dst)
			require.ErrorContains(t, err, tt.want)
			require.ErrorContains(t, err, "no row was copied")
			requireEmptyTables(t, dst)
		})
	}
}

func TestCopyRefusesBadArguments(t *testing.T) {
	src := copySource(t)
	missing := filepath.Join(t.TempDir(), "missing.db")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"-from", src}, "both -from and -to are required"},
		{[]string{"-to", src}, "both -from and -to are required"},
		{[]string{"-from", src, "-to", src}, "-from and -to are the same database"},
		{[]string{"-from", missing, "-to", filepath.Join(t.TempDir(), "x.db")}, "no such file"},
		{[]string{"-from", "memory:", "-to", filepath.Join(t.TempDir(), "x.db")}, "in-memory store"},
		{[]string{"-from", src, "-to", "memory:"}, "in-memory store"},
		{[]string{"-from", src, "-to", "x.db", "extra"}, `unexpected argument "extra"`},
	} {
		_, _, err := runTool(t, nil, append([]string{"copy"}, tt.args...)...)
		require.ErrorContains(t, err, tt.want, "copy %v", tt.args)
	}
	require.NoFileExists(t, missing, "a missing source is not created")

	_, errOut, err := runTool(t, nil, "copy", "-h")
	require.NoError(t, err)
	require.Contains(t, errOut, "-from")
	require.Contains(t, errOut, "-to")
}

func TestDependencyOrder(t *testing.T) {
	order, err := dependencyOrder(map[string]copyTable{
		"links":    {name: "links", refs: []string{"accounts"}},
		"accounts": {name: "accounts", refs: []string{"zones", "accounts"}}, // a reference to itself does not wait
		"zones":    {name: "zones", refs: []string{"schema_migrations"}},    // nor one to a table not copied
		"notes":    {name: "notes"},
	})
	require.NoError(t, err)
	require.Equal(t, []string{"notes", "zones", "accounts", "links"}, order)

	_, err = dependencyOrder(map[string]copyTable{
		"x": {name: "x", refs: []string{"y"}},
		"y": {name: "y", refs: []string{"x"}},
		"z": {name: "z"},
	})
	require.ErrorContains(t, err, "the foreign keys of tables x, y form a cycle")
}

func TestSameTablesListsDifferences(t *testing.T) {
	text := copyColumn{name: "id", typ: "TEXT", kind: kindText}
	src := map[string]copyTable{
		"a":   {name: "a", columns: []copyColumn{text, {name: "old", typ: "TEXT", kind: kindText}}},
		"b":   {name: "b", columns: []copyColumn{text, {name: "amount", typ: "REAL"}}},
		"src": {name: "src", columns: []copyColumn{text}},
	}
	dst := map[string]copyTable{
		"a":   {name: "a", columns: []copyColumn{text, {name: "new", typ: "text", kind: kindText}}},
		"b":   {name: "b", columns: []copyColumn{text, {name: "amount", typ: "numeric"}}},
		"dst": {name: "dst", columns: []copyColumn{text}},
	}
	err := sameTables(src, dst)
	require.EqualError(t, err, "the two databases' schemas differ: table src is only in the source; "+
		"column a.old is only in the source; column a.new is only in the destination; "+
		"column b.amount: copy does not know how to convert REAL to numeric; table dst is only in the destination")
	same := map[string]copyTable{"a": dst["a"], "dst": dst["dst"]}
	require.NoError(t, sameTables(same, same))
}
