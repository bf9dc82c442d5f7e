package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bookingkit/bookingkit/partner"
	"github.com/bookingkit/bookingkit/storage/internal/sqlstore"
)

// The activity search must read its index, not the table, whatever the
// filters; the plan says so.
func TestPartnerActivitySearchPlan(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "plan.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	from, to := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		q     partner.ActivityQuery
		index string
	}{
		{partner.ActivityQuery{Serial: "SN-1", Limit: 51}, "partner_activity_serial"},
		{partner.ActivityQuery{Serial: "SN-1", PartnerID: "ptn_a", From: from, To: to, Limit: 51}, "partner_activity_serial"},
		{partner.ActivityQuery{Serial: "SN-1", PartnerID: "ptn_a", Before: &partner.ActivityCursor{At: to, ID: 7}, Limit: 51}, "partner_activity_serial"},
		{partner.ActivityQuery{PIN: "1234", From: from, Before: &partner.ActivityCursor{At: to, ID: 7}, Limit: 51}, "partner_activity_pin"},
	} {
		query, args, err := sqlstore.PartnerSearchActivitySQL(tt.q)
		if err != nil {
			t.Fatal(err)
		}
		plan := partnerSQLitePlan(t, db.sql, query, args)
		if !strings.Contains(plan, "USING INDEX "+tt.index) || strings.Contains(plan, "TEMP B-TREE") {
			t.Errorf("query %s\nplan:\n%s\nwant a search of %s without a sort", query, plan, tt.index)
		}
	}
}

// The reports stream their groups out of a covering index: no table, no
// sort.
func TestPartnerReportPlan(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "plan.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		f     partner.ReportFilter
		index string
	}{
		{partner.ReportFilter{Subject: partner.SubjectInstances, Now: now}, "partner_instances_report_all"},
		{partner.ReportFilter{Subject: partner.SubjectInstances, PartnerID: "ptn_a", Now: now, ActivatedFrom: now.AddDate(-1, 0, 0)}, "partner_instances_report"},
		{partner.ReportFilter{Subject: partner.SubjectInstances, PartnerID: "ptn_a", Now: now, States: []partner.State{partner.StateExpired}}, "partner_instances_report"},
		{partner.ReportFilter{Subject: partner.SubjectLicences, Now: now}, "partner_licences_report_all"},
		{partner.ReportFilter{Subject: partner.SubjectLicences, PartnerID: "ptn_a", Now: now, ActivatedTo: now}, "partner_licences_report"},
	} {
		query, args, err := sqlstore.PartnerCountReportSQL(tt.f)
		if err != nil {
			t.Fatal(err)
		}
		plan := partnerSQLitePlan(t, db.sql, query, args)
		if !strings.Contains(plan, "USING COVERING INDEX "+tt.index+" ") && !strings.HasSuffix(plan, "USING COVERING INDEX "+tt.index) || strings.Contains(plan, "TEMP B-TREE") {
			t.Errorf("query %s\nplan:\n%s\nwant %s without a sort", query, plan, tt.index)
		}
	}
}

func partnerSQLitePlan(t testing.TB, db *sql.DB, query string, args []any) string {
	t.Helper()
	rows, err := db.Query("EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, detail)
	}
	return strings.Join(lines, "\n")
}

// partnerBenchActivity bulk-loads n events in one transaction with one
// prepared statement: terminals of 100 events each, 50 partners, one
// event every 30 s. It returns the serial and partner of a terminal whose
// history is in the middle of the log.
func partnerBenchActivity(b *testing.B, db *DB, n int) (serial, partnerID string) {
	b.Helper()
	ctx := context.Background()
	const perTerminal = 100
	terminals := max(n/perTerminal, 1)
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	began := time.Now()
	err := db.core.InTx(ctx, func(tx *sql.Tx) error {
		ins, err := tx.PrepareContext(ctx, `INSERT INTO partner_activity (at, kind, partner_id, company_id, instance_id, licence_id, serial, pin, user_login, detail)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer ins.Close()
		for i := range n {
			term := i % terminals
			p := fmt.Sprintf("ptn_%02d", term%50)
			_, err := ins.ExecContext(ctx, start.Add(time.Duration(i)*30*time.Second), "config_fetch", p, "cmp_1", "ins_1",
				fmt.Sprintf("lic_%06d", term), fmt.Sprintf("SN-%06d", term), fmt.Sprintf("%06d", term), "user", "")
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.sql.ExecContext(ctx, "ANALYZE"); err != nil {
		b.Fatal(err)
	}
	b.Logf("loaded %d activity events in %v (one transaction, one prepared statement)", n, time.Since(began).Round(time.Millisecond))
	term := terminals / 2
	return fmt.Sprintf("SN-%06d", term), fmt.Sprintf("ptn_%02d", term%50)
}

// BenchmarkPartnerActivitySearch: a terminal's first page of 50, by serial,
// in logs of 10 000 and 1 000 000 events, each beside its floor: reading
// 50 consecutive rows by primary key, the least any page costs.
//
//	go test -run '^$' -bench PartnerActivitySearch -benchtime 2000x ./storage/sqlite/
func BenchmarkPartnerActivitySearch(b *testing.B) {
	ctx := context.Background()
	for _, n := range []int{10_000, 1_000_000} {
		db, err := Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
		if err != nil {
			b.Fatal(err)
		}
		serial, partnerID := partnerBenchActivity(b, db, n)
		store := db.Stores().Partner
		q := partner.ActivityQuery{Serial: serial, PartnerID: partnerID, Limit: partner.DefaultPageSize + 1}
		query, args, _ := sqlstore.PartnerSearchActivitySQL(q)
		b.Logf("log %d plan: %s", n, strings.ReplaceAll(partnerSQLitePlan(b, db.sql, query, args), "\n", "; "))
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
				rows, err := db.sql.QueryContext(ctx, "SELECT "+sqlstore.PartnerActivityColumns+" FROM partner_activity WHERE id > ? ORDER BY id LIMIT 51", mid)
				if err != nil {
					b.Fatal(err)
				}
				got, err := partnerScanFloor(rows)
				if err != nil || got != 51 {
					b.Fatalf("got %d rows, %v", got, err)
				}
			}
		})
		db.Close()
	}
}

// BenchmarkPartnerCountReport: the instance report (GROUP BY type, profile,
// derived status) over 100 000 instances, for all partners and for one of
// 50, beside the floor of counting the same rows without grouping.
//
//	go test -run '^$' -bench PartnerCountReport -benchtime 20x ./storage/sqlite/
func BenchmarkPartnerCountReport(b *testing.B) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	const n = 100_000
	now := partnerBenchInstances(b, db, n)
	store := db.Stores().Partner
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
	// Floor: read every instance's state and expiry from the same index,
	// without grouping.
	b.Run("floor_scan_all", func(b *testing.B) {
		for b.Loop() {
			var c int
			if err := db.sql.QueryRowContext(ctx, "SELECT SUM(CASE WHEN state = 'active' AND expires_at <= ? THEN 1 ELSE 0 END) FROM partner_instances", now).Scan(&c); err != nil || c == 0 {
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
			if err := db.sql.QueryRowContext(ctx, "SELECT COUNT(*) FROM partner_instances WHERE partner_id = ?", "ptn_07").Scan(&c); err != nil || c == 0 {
				b.Fatal(c, err)
			}
		}
	})
}

// partnerBenchInstances bulk-loads n instances of 50 partners, spread over
// types, profiles, states and three years of activation; it returns the
// report's "now".
func partnerBenchInstances(b *testing.B, db *DB, n int) time.Time {
	b.Helper()
	ctx := context.Background()
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	began := time.Now()
	err := db.core.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "INSERT INTO partner_partners (id, name, created_at) VALUES ('ptn_bench', 'Bench', ?)", now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO partner_companies (id, partner_id, name, created_at) VALUES ('cmp_bench', 'ptn_bench', 'Bench', ?)", now); err != nil {
			return err
		}
		ins, err := tx.PrepareContext(ctx, "INSERT INTO partner_instances ("+sqlstore.PartnerInstanceColumns+") VALUES ("+strings.TrimSuffix(strings.Repeat("?, ", 25), ", ")+")")
		if err != nil {
			return err
		}
		defer ins.Close()
		for i := range n {
			inst := partnerBenchInstance(i, now)
			args, err := sqlstore.PartnerInstanceArgs(inst)
			if err != nil {
				return err
			}
			if _, err := ins.ExecContext(ctx, args...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.sql.ExecContext(ctx, "ANALYZE"); err != nil {
		b.Fatal(err)
	}
	b.Logf("loaded %d instances in %v", n, time.Since(began).Round(time.Millisecond))
	return now
}

// partnerBenchInstance is instance i of the report benchmark.
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
