package postgres

import (
	"bytes"
	"context"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/staffid/staffidtest"
	"github.com/bookingkit/bookingkit/storage/storagetest/pgtest"
)

// staffidBenchList is the list: 100 000 generated records.
var staffidBenchList = sync.OnceValue(func() []byte { return staffidtest.GenerateList(100_000, 1) })

func openStaffID(tb testing.TB, url string) *DB {
	tb.Helper()
	db, err := Open(context.Background(), url)
	require.NoError(tb, err)
	tb.Cleanup(func() { db.Close() })
	return db
}

func staffidImport(tb testing.TB, db *DB, list []byte, at time.Time) *staffid.Report {
	tb.Helper()
	im, err := staffid.NewImporter(staffid.Config{}, db.Stores().StaffID)
	require.NoError(tb, err)
	im.Now = func() time.Time { return at }
	report, err := im.Import(context.Background(), bytes.NewReader(list), staffid.FormatJSON, staffid.ImportOptions{})
	require.NoError(tb, err)
	return report
}

// countStaffIDWrites installs a trigger that counts every row inserted,
// updated or deleted in staffid_people from now on, and returns a function
// reading the count. Unlike comparing updated_at, it also catches an
// UPDATE that writes the same values back.
func countStaffIDWrites(tb testing.TB, db *DB) func() int {
	tb.Helper()
	ctx := context.Background()
	for _, q := range []string{
		"CREATE TABLE test_staffid_writes (n BIGINT NOT NULL)",
		"INSERT INTO test_staffid_writes VALUES (0)",
		`CREATE FUNCTION test_staffid_count() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN UPDATE test_staffid_writes SET n = n + 1; RETURN NULL; END $$`,
		`CREATE TRIGGER test_staffid_writes AFTER INSERT OR UPDATE OR DELETE ON staffid_people
			FOR EACH ROW EXECUTE FUNCTION test_staffid_count()`,
	} {
		_, err := db.sql.ExecContext(ctx, q)
		require.NoError(tb, err, q)
	}
	return func() int {
		var n int
		require.NoError(tb, db.sql.QueryRowContext(ctx, "SELECT n FROM test_staffid_writes").Scan(&n))
		return n
	}
}

// People staged while a list is read are not stored when the import is
// refused after reading (here: it would block every stored person), nor
// when the list turns out invalid after them.
func TestStaffIDRefusedImportStoresNoStagedPerson(t *testing.T) {
	db := openStaffID(t, pgtest.URL(t))
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	require.Equal(t, 500, staffidImport(t, db, staffidtest.GenerateList(500, 7), t0).Created)
	count := func() (n int) {
		require.NoError(t, db.sql.QueryRow("SELECT COUNT(*) FROM staffid_people").Scan(&n))
		return n
	}
	im, err := staffid.NewImporter(staffid.Config{}, db.Stores().StaffID)
	require.NoError(t, err)
	_, err = im.Import(context.Background(), bytes.NewReader(staffidtest.GenerateList(300, 8)), staffid.FormatJSON, staffid.ImportOptions{})
	require.ErrorIs(t, err, staffid.ErrMassBlock)
	require.Equal(t, 500, count())

	records := staffidtest.GenerateRecords(300, 9)
	records[299].Sex = "X"
	_, err = im.Import(context.Background(), bytes.NewReader(staffidtest.MarshalList(records)), staffid.FormatJSON, staffid.ImportOptions{Force: true})
	require.ErrorIs(t, err, staffid.ErrInvalidRecords)
	require.Equal(t, 500, count())

	report, err := im.Import(context.Background(), bytes.NewReader(staffidtest.MarshalList(records[:299])), staffid.FormatJSON, staffid.ImportOptions{Force: true})
	require.NoError(t, err)
	require.Equal(t, staffid.SyncCounts{Created: 299, Blocked: 500}, *report.SyncCounts)
	require.Equal(t, 799, count())
}

// A re-import of the same list writes no person row, only its history
// entry; a changed list writes exactly the rows that changed.
func TestStaffIDReimportWritesNoPerson(t *testing.T) {
	db := openStaffID(t, pgtest.URL(t))
	records := staffidtest.GenerateRecords(2000, 7)
	list := staffidtest.MarshalList(records)
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	require.Equal(t, 2000, staffidImport(t, db, list, t0).Created)

	writes := countStaffIDWrites(t, db)
	report := staffidImport(t, db, list, t0.Add(time.Hour))
	require.Equal(t, staffid.SyncCounts{Unchanged: 2000}, *report.SyncCounts)
	require.Zero(t, writes(), "an unchanged list writes no person row")
	var imports int
	require.NoError(t, db.sql.QueryRow("SELECT COUNT(*) FROM staffid_imports").Scan(&imports))
	require.Equal(t, 2, imports, "the re-import is in the history")

	records[5].Email = "changed@airline.example" // an update
	report = staffidImport(t, db, staffidtest.MarshalList(records[:1999]), t0.Add(2*time.Hour))
	require.Equal(t, staffid.SyncCounts{Unchanged: 1998, Updated: 1, Blocked: 1}, *report.SyncCounts)
	require.Equal(t, 2, writes(), "one update and one block")
}

// Two processes (here: two connection pools) importing into the same
// schema at once are serialised by the advisory lock: the second plans
// against the first one's result.
func TestStaffIDImportsSerialisedAcrossProcesses(t *testing.T) {
	url := pgtest.URL(t)
	a, b := openStaffID(t, url), openStaffID(t, url)
	ctx := context.Background()
	at := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	first := &staffid.Person{ID: "v1:first", GroupKey: "1", IsEmployee: true, LastName: "A", FirstName: "B",
		LastNameEng: "A", FirstNameEng: "B", Sex: "M", Digest: "d"}

	inFirst, firstDone := make(chan struct{}), make(chan error, 1)
	go func() {
		_, err := a.Stores().StaffID.ApplyImport(ctx, func([]staffid.PersonState) (*staffid.Plan, error) {
			close(inFirst)
			time.Sleep(300 * time.Millisecond) // b's import starts meanwhile and must wait
			return &staffid.Plan{At: at, Create: []*staffid.Person{first}, Entry: staffid.HistoryEntry{At: at, Source: staffid.SourceAPI}}, nil
		})
		firstDone <- err
	}()
	<-inFirst
	var seen []staffid.PersonState
	_, err := b.Stores().StaffID.ApplyImport(ctx, func(current []staffid.PersonState) (*staffid.Plan, error) {
		seen = current
		return &staffid.Plan{At: at, Block: []string{"v1:first"}, Entry: staffid.HistoryEntry{At: at, Source: staffid.SourceAPI}}, nil
	})
	require.NoError(t, err)
	require.NoError(t, <-firstDone)
	require.Equal(t, []staffid.PersonState{{ID: "v1:first", Digest: "d"}}, seen)
}

// BenchmarkStaffIDImport measures the targets on PostgreSQL with
// the 100 000-record list, beside their floors in the same run:
//
//   - Domain: the whole import (decode, validate, hash, plan) against an
//     empty store that keeps the plan: the part no database can make faster;
//   - CopyFloor: the same 100 000 rows loaded with one COPY in one
//     transaction, nothing else: the floor of writing them;
//   - RawCopyFloor: the same rows loaded by a plain COPY, written without
//     the store's code: AllNew's floor (target AllNew ≤ 1.3 × it);
//   - AllNew: the import into an empty schema (target ≤ 3 s);
//   - Reimport: the same list again, nothing changed, with rows-written/op
//     counted by a trigger (must be 0).
//
// It skips, like every PostgreSQL test, when BOOKINGKIT_TEST_POSTGRES is
// unset.
func BenchmarkStaffIDImport(b *testing.B) {
	pgtest.URL(b) // skip early without PostgreSQL
	list := staffidBenchList()
	ctx := context.Background()
	at := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

	b.Run("Domain", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			store := &staffidPlanStore{}
			im, err := staffid.NewImporter(staffid.Config{}, store)
			require.NoError(b, err)
			if _, err := im.Import(ctx, bytes.NewReader(list), staffid.FormatJSON, staffid.ImportOptions{}); err != nil {
				b.Fatal(err)
			}
		}
	})

	b.Run("CopyFloor", func(b *testing.B) {
		store := &staffidPlanStore{}
		im, err := staffid.NewImporter(staffid.Config{}, store)
		require.NoError(b, err)
		_, err = im.Import(ctx, bytes.NewReader(list), staffid.FormatJSON, staffid.ImportOptions{})
		require.NoError(b, err)
		people := store.plan.Create
		b.ReportAllocs()
		for b.Loop() {
			b.StopTimer()
			db := openStaffID(b, pgtest.URL(b))
			b.StartTimer()
			conn, err := db.sql.Conn(ctx)
			require.NoError(b, err)
			tx, err := conn.BeginTx(ctx, nil)
			require.NoError(b, err)
			require.NoError(b, staffidCopy(ctx, conn, "staffid_people", people, at, 0))
			require.NoError(b, tx.Commit())
			conn.Close()
		}
	})

	b.Run("RawCopyFloor", func(b *testing.B) {
		// The same rows loaded by a plain COPY in one transaction, written
		// without the store's code: the floor AllNew is held to
		// (≤ 1.3 × RawCopyFloor, issue 16).
		store := &staffidPlanStore{}
		im, err := staffid.NewImporter(staffid.Config{}, store)
		require.NoError(b, err)
		_, err = im.Import(ctx, bytes.NewReader(list), staffid.FormatJSON, staffid.ImportOptions{})
		require.NoError(b, err)
		date := func(d staffid.Date) any {
			if d.IsZero() {
				return nil
			}
			return d.Time()
		}
		rows := make([][]any, len(store.plan.Create))
		for i, p := range store.plan.Create {
			rows[i] = []any{p.ID, p.GroupKey, p.IsEmployee, p.GUID, p.LastName, p.FirstName, p.MiddleName,
				p.LastNameEng, p.FirstNameEng, p.MiddleNameEng, date(p.BirthDay), p.Sex, date(p.DateOfEmployment),
				p.EmployeeID, int16(p.CategoryCode), p.Email, p.RelationDegree, p.Digest, false, at, at, nil}
		}
		columns := []string{"id", "group_key", "is_employee", "guid", "last_name", "first_name", "middle_name",
			"last_name_eng", "first_name_eng", "middle_name_eng", "birth_day", "sex", "date_of_employment", "employee_id",
			"category_code", "email", "relation_degree", "digest", "blocked", "created_at", "updated_at", "blocked_at"}
		b.ReportAllocs()
		for b.Loop() {
			b.StopTimer()
			url := pgtest.URL(b)
			openStaffID(b, url).Close() // the schema
			b.StartTimer()
			conn, err := pgx.Connect(ctx, url)
			require.NoError(b, err)
			tx, err := conn.Begin(ctx)
			require.NoError(b, err)
			n, err := tx.CopyFrom(ctx, pgx.Identifier{"staffid_people"}, columns, pgx.CopyFromRows(rows))
			require.NoError(b, err)
			require.Equal(b, int64(len(rows)), n)
			require.NoError(b, tx.Commit(ctx))
			require.NoError(b, conn.Close(ctx))
		}
	})

	b.Run("AllNew", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			b.StopTimer()
			db := openStaffID(b, pgtest.URL(b))
			b.StartTimer()
			if r := staffidImport(b, db, list, at); r.Created != 100_000 {
				b.Fatal(r.Created)
			}
		}
	})

	b.Run("Reimport", func(b *testing.B) {
		db := openStaffID(b, pgtest.URL(b))
		staffidImport(b, db, list, at)
		writes := countStaffIDWrites(b, db)
		b.ReportAllocs()
		for b.Loop() {
			if r := staffidImport(b, db, list, at.Add(time.Hour)); r.Unchanged != 100_000 {
				b.Fatal(r.Unchanged)
			}
		}
		b.ReportMetric(float64(writes())/float64(b.N), "rows-written/op")
	})
}

// staffidPlanStore is an empty store that keeps the plan it is given
// instead of applying it: the Domain benchmark's store.
type staffidPlanStore struct{ plan *staffid.Plan }

func (s *staffidPlanStore) ApplyImport(_ context.Context, plan func([]staffid.PersonState) (*staffid.Plan, error)) (staffid.HistoryEntry, error) {
	pl, err := plan(nil)
	if err != nil {
		return staffid.HistoryEntry{}, err
	}
	s.plan = pl
	return pl.Entry, nil
}

func (s *staffidPlanStore) AddImportHistory(_ context.Context, e staffid.HistoryEntry) (staffid.HistoryEntry, error) {
	return e, nil
}

func (s *staffidPlanStore) ImportHistory(context.Context, staffid.HistoryQuery) ([]staffid.HistoryEntry, error) {
	return nil, nil
}

func (s *staffidPlanStore) ImportEntry(context.Context, int64) (staffid.HistoryEntry, error) {
	return staffid.HistoryEntry{}, nil
}

func (s *staffidPlanStore) ImportChanges(context.Context, staffid.ChangesQuery) ([]staffid.ImportChange, error) {
	return nil, nil
}
