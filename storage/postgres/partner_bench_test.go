package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/bookingkit/bookingkit/partner"
	"github.com/bookingkit/bookingkit/storage/internal/sqlstore"
	"github.com/bookingkit/bookingkit/storage/storagetest/pgtest"
)

func openPartnerBench(tb testing.TB) *DB {
	tb.Helper()
	db, err := Open(context.Background(), pgtest.URL(tb))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// partnerPGPlan returns the text plan of query on one connection, with
// sequential scans discouraged when noSeqScan is set (an empty test table
// would otherwise be scanned whole, which says nothing about big ones).
func partnerPGPlan(tb testing.TB, db *DB, query string, args []any, noSeqScan bool) string {
	tb.Helper()
	ctx := context.Background()
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	defer conn.Close()
	if noSeqScan {
		if _, err := conn.ExecContext(ctx, "SET enable_seqscan = off"); err != nil {
			tb.Fatal(err)
		}
		defer conn.ExecContext(ctx, "RESET enable_seqscan") //nolint:errcheck
	}
	rows, err := conn.QueryContext(ctx, "EXPLAIN "+query, args...)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			tb.Fatal(err)
		}
		lines = append(lines, strings.TrimSpace(line))
	}
	return strings.Join(lines, "\n")
}

// The activity search reads its index in order: no sort, no scan of the
// table, the cursor and window as index conditions.
func TestPartnerActivitySearchPlan(t *testing.T) {
	db := openPartnerBench(t)
	from, to := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		q     partner.ActivityQuery
		index string
	}{
		{partner.ActivityQuery{Serial: "SN-1", Limit: 51}, "partner_activity_serial"},
		{partner.ActivityQuery{Serial: "SN-1", PartnerID: "ptn_a", From: from, To: to, Limit: 51}, "partner_activity_serial"},
		{partner.ActivityQuery{Serial: "SN-1", PartnerID: "ptn_a", From: from, Before: &partner.ActivityCursor{At: to, ID: 7}, Limit: 51}, "partner_activity_serial"},
		{partner.ActivityQuery{PIN: "1234", Before: &partner.ActivityCursor{At: to, ID: 7}, Limit: 51}, "partner_activity_pin"},
	} {
		query, args, err := sqlstore.PartnerSearchActivitySQL(tt.q)
		if err != nil {
			t.Fatal(err)
		}
		plan := partnerPGPlan(t, db, query, args, true)
		if !strings.Contains(plan, "Index Scan using "+tt.index) || strings.Contains(plan, "Sort") {
			t.Errorf("query %s\nplan:\n%s\nwant an index scan of %s without a sort", query, plan, tt.index)
		}
		if tt.q.Before != nil && !strings.Contains(plan, "ROW(at, id) <") {
			t.Errorf("plan:\n%s\nwant the cursor as an index condition", plan)
		}
	}
}

// partnerCopy bulk-loads rows into table with COPY on one connection.
func partnerCopy(tb testing.TB, db *DB, table string, columns []string, rows [][]any) {
	tb.Helper()
	ctx := context.Background()
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		c := dc.(*stdlib.Conn).Conn()
		n, err := c.CopyFrom(ctx, pgx.Identifier{table}, columns, pgx.CopyFromRows(rows))
		if err == nil && n != int64(len(rows)) {
			err = fmt.Errorf("copied %d rows of %d", n, len(rows))
		}
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := db.sql.ExecContext(ctx, "VACUUM ANALYZE "+table); err != nil {
		tb.Fatal(err)
	}
}

// partnerBenchActivity loads n events with COPY: terminals of 100 events
// each, 50 partners, one event every 30 s. It returns the serial and
// partner of a terminal in the middle of the log.
func partnerBenchActivity(b *testing.B, db *DB, n int) (serial, partnerID string) {
	b.Helper()
	const perTerminal = 100
	terminals := max(n/perTerminal, 1)
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	rows := make([][]any, n)
	for i := range rows {
		term := i % terminals
		rows[i] = []any{start.Add(time.Duration(i) * 30 * time.Second), "config_fetch", fmt.Sprintf("ptn_%02d", term%50), "cmp_1", "ins_1",
			fmt.Sprintf("lic_%06d", term), fmt.Sprintf("SN-%06d", term), fmt.Sprintf("%06d", term), "user", ""}
	}
	began := time.Now()
	partnerCopy(b, db, "partner_activity", []string{"at", "kind", "partner_id", "company_id", "instance_id", "licence_id", "serial", "pin", "user_login", "detail"}, rows)
	b.Logf("loaded %d activity events in %v (COPY, then VACUUM ANALYZE as autovacuum would)", n, time.Since(began).Round(time.Millisecond))
	term := terminals / 2
	return fmt.Sprintf("SN-%06d", term), fmt.Sprintf("ptn_%02d", term%50)
}

// BenchmarkPartnerActivitySearch: a terminal's first page of 50, by serial,
// in logs of 10 000 and 1 000 000 events, each beside its floor: reading
// 51 consecutive rows by primary key.
//
//	BOOKINGKIT_TEST_POSTGRES=… go test -run '^$' -bench PartnerActivitySearch -benchtime 2000x ./storage/postgres/
func BenchmarkPartnerActivitySearch(b *testing.B) {
	ctx := context.Background()
	for _, n := range []int{10_000, 1_000_000} {
		db := openPartnerBench(b)
		serial, partnerID := partnerBenchActivity(b, db, n)
		store := db.Stores().Partner
		q := partner.ActivityQuery{Serial: serial, PartnerID: partnerID, Limit: partner.DefaultPageSize + 1}
		query, args, _ := sqlstore.PartnerSearchActivitySQL(q)
		b.Logf("log %d plan: %s", n, strings.ReplaceAll(partnerPGPlan(b, db, query, args, false), "\n", "; "))
		b.Run(fmt.Sprintf("log=%d/search_serial_page50", n), func(b *testing.B) {
			for b.Loop() {
				evs, err := store.SearchActivity(ctx, q)
				if err != nil || len(evs) != partner.DefaultPageSize+1 {
					b.Fatalf("got %d events, %v", len(evs), err)
				}
			}
		})
		b.Run(fmt.Sprintf("log=%d/floor_pk_range_50", n), func(b *testing.B) {
			mid := int64(n / 2)
			for b.Loop() {
				rows, err := db.sql.QueryContext(ctx, "SELECT "+sqlstore.PartnerActivityColumns+" FROM partner_activity WHERE id > $1 ORDER BY id LIMIT 51", mid)
				if err != nil {
					b.Fatal(err)
				}
				got, err := partnerScanFloor(rows)
				if err != nil || got != 51 {
					b.Fatalf("got %d rows, %v", got, err)
				}
			}
		})
	}
}

// BenchmarkPartnerCountReport: the instance report over 100 000 instances,
// for all partners and for one of 50, beside counting the same rows.
//
//	BOOKINGKIT_TEST_POSTGRES=… go test -run '^$' -bench PartnerCountReport -benchtime 20x ./storage/postgres/
func BenchmarkPartnerCountReport(b *testing.B) {
	ctx := context.Background()
	db := openPartnerBench(b)
	const n = 100_000
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	if _, err := db.sql.ExecContext(ctx, "INSERT INTO partner_partners (id, name, created_at) VALUES ('ptn_bench', 'Bench', $1)", now); err != nil {
		b.Fatal(err)
	}
	if _, err := db.sql.ExecContext(ctx, "INSERT INTO partner_companies (id, partner_id, name, created_at) VALUES ('cmp_bench', 'ptn_bench', 'Bench', $1)", now); err != nil {
		b.Fatal(err)
	}
	rows := make([][]any, n)
	for i := range rows {
		args, err := sqlstore.PartnerInstanceArgs(partnerBenchInstance(i, now))
		if err != nil {
			b.Fatal(err)
		}
		rows[i] = args
	}
	cols := strings.Split(sqlstore.PartnerInstanceColumns, ",")
	for i := range cols {
		cols[i] = strings.TrimSpace(cols[i])
	}
	began := time.Now()
	partnerCopy(b, db, "partner_instances", cols, rows)
	b.Logf("loaded %d instances in %v (COPY, then VACUUM ANALYZE as autovacuum would)", n, time.Since(began).Round(time.Millisecond))
	store := db.Stores().Partner
	for _, f := range []partner.ReportFilter{{Subject: partner.SubjectInstances, Now: now}, {Subject: partner.SubjectInstances, PartnerID: "ptn_07", Now: now}} {
		query, args, _ := sqlstore.PartnerCountReportSQL(f)
		b.Logf("plan (partner %q): %s", f.PartnerID, strings.ReplaceAll(partnerPGPlan(b, db, query, args, false), "\n", "; "))
	}
	for _, tt := range []struct {
		name string
		f    partner.ReportFilter
	}{
		{"all_partners", partner.ReportFilter{Subject: partner.SubjectInstances, Now: now}},
		{"one_partner", partner.ReportFilter{Subject: partner.SubjectInstances, PartnerID: "ptn_07", Now: now}},
		{"one_partner_activated_2025", partner.ReportFilter{Subject: partner.SubjectInstances, PartnerID: "ptn_07", Now: now,
			ActivatedFrom: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), ActivatedTo: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}},
	} {
		b.Run(tt.name, func(b *testing.B) {
			for b.Loop() {
				rows, err := store.CountReport(ctx, tt.f)
				if err != nil || len(rows) == 0 {
					b.Fatalf("%d rows, %v", len(rows), err)
				}
			}
		})
	}
	b.Run("floor_scan_all", func(b *testing.B) {
		for b.Loop() {
			var c int
			if err := db.sql.QueryRowContext(ctx, "SELECT SUM(CASE WHEN state = 'active' AND expires_at <= $1 THEN 1 ELSE 0 END) FROM partner_instances", now).Scan(&c); err != nil || c == 0 {
				b.Fatal(c, err)
			}
		}
	})
	b.Run("floor_count_all", func(b *testing.B) {
		for b.Loop() {
			var c int
			if err := db.sql.QueryRowContext(ctx, "SELECT COUNT(*) FROM partner_instances").Scan(&c); err != nil || c != n {
				b.Fatal(c, err)
			}
		}
	})
	b.Run("floor_count_one_partner", func(b *testing.B) {
		for b.Loop() {
			var c int
			if err := db.sql.QueryRowContext(ctx, "SELECT COUNT(*) FROM partner_instances WHERE partner_id = $1", "ptn_07").Scan(&c); err != nil || c == 0 {
				b.Fatal(c, err)
			}
		}
	})
}

// partnerBenchInstance is instance i of the report benchmark: 50
// partners, every type and profile, most states, three years of
// activations.
func partnerBenchInstance(i int, now time.Time) partner.Instance {
	types := []struct{ typ, profile string }{{"WDS", "basic"}, {"WDS", "professional"}, {"WDS", "enterprise"}, {"MCRM", ""}, {"S360", ""}, {"WTA", ""}}
	states := []partner.State{partner.StateActive, partner.StateActive, partner.StateActive, partner.StateDraft, partner.StateDeactivationRequested, partner.StateDeactivated}
	t := types[i%len(types)]
	st := states[(i/7)%len(states)]
	activated := now.AddDate(-3, 0, 0).Add(time.Duration(i) * 15 * time.Minute)
	if st == partner.StateDraft {
		activated = time.Time{}
	}
	return partner.Instance{
		ID: fmt.Sprintf("ins_%07d", i), PartnerID: fmt.Sprintf("ptn_%02d", i%50), CompanyID: "cmp_bench",
		Type: t.typ, Profile: t.profile, State: st,
		CompanyData: map[string]string{"legal_name": "Bench S.L."}, Config: map[string]string{"max_terminals": "5"},
		ExpiresAt: now.AddDate(0, 0, (i%720)-360), CreatedBy: "usr_bench", CreatedAt: now, ActivatedAt: activated, UpdatedAt: now, Version: 1,
	}
}

// partnerScanFloor reads rows of sqlstore.PartnerActivityColumns as the
// store does, and closes them.
func partnerScanFloor(rows *sql.Rows) (int, error) {
	defer rows.Close()
	n := 0
	for rows.Next() {
		var ev partner.ActivityEvent
		var kind string
		if err := rows.Scan(&ev.ID, &ev.At, &kind, &ev.PartnerID, &ev.CompanyID, &ev.InstanceID, &ev.LicenceID, &ev.Serial, &ev.PIN, &ev.UserLogin, &ev.Detail); err != nil {
			return n, err
		}
		ev.Kind, ev.At = partner.ActivityKind(kind), ev.At.UTC()
		n++
	}
	return n, rows.Err()
}
