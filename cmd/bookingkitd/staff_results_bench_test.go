package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/standby"
	"github.com/bookingkit/bookingkit/storage/sqlite"
)

// BenchmarkStaffResultsPageHTTP measures a search results page of 50
// standby fares for an employee and three companions through the whole
// server on SQLite, over loopback HTTP with a real staff session: one
// POST /api/staff/standby/estimates ("batch") against the 50 GET
// …/estimate round trips it replaces ("single-x50"), each flight's queue
// holding 40 waiting passengers. It reports the batch's time over the
// 50 round trips' ("batch/single-x50"; issue 19's target: under 0.1).
func BenchmarkStaffResultsPageHTTP(b *testing.B) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	stores := db.Stores()
	logger := slog.New(slog.DiscardHandler)
	cfg := testConfig()
	cfg.EngineToken, cfg.ImportToken = "bench-engine-token", "bench-import-token"
	cfg.File.StaffID.StandbyPassengerTypes, cfg.File.StaffID.AirlineCode = []string{"ZED"}, "SU"
	svc, err := newServices(ctx, logger, cfg, stores, io.Discard)
	if err != nil {
		b.Fatal(err)
	}
	list, err := json.Marshal(staffTestList)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := svc.imports.importer.Import(ctx, bytes.NewReader(list), staffid.FormatJSON, staffid.ImportOptions{Force: true}); err != nil {
		b.Fatal(err)
	}
	people, err := stores.StaffID.People(ctx, staffid.PeopleQuery{})
	if err != nil {
		b.Fatal(err)
	}
	var party []string
	for _, p := range people {
		if p.EmployeeID == "884220062" {
			if p.IsEmployee {
				party = append([]string{p.ID}, party...)
			} else {
				party = append(party, p.ID)
			}
		}
	}
	_, token, err := svc.staff.accounts.Service().Create(ctx, "it@websky.tech", party[0])
	if err != nil {
		b.Fatal(err)
	}
	signed, err := svc.staff.accounts.SetPassword(ctx, token, "yellow submarine 1966")
	if err != nil {
		b.Fatal(err)
	}
	fares := make([]map[string]any, 50)
	keys := make([]string, 50)
	for f := range fares {
		flight := standby.Flight{Carrier: "SU", Number: fmt.Sprint(100 + f%10), Date: time.Now().AddDate(0, 0, 7+f/10)}
		keys[f] = string(flight.Key())
		fares[f] = map[string]any{"flight": map[string]string{"carrier": "SU", "number": flight.Number, "date": flight.Date.Format(time.DateOnly)},
			"cabin": "economy", "passenger_type": "ZED", "open_seats": 10, "expected_no_shows": 2}
		for i := range 40 {
			if _, err := svc.standby.AddBooking(ctx, standby.Booking{ID: fmt.Sprintf("W%03d%03d", f, i), BookedAt: time.Now(),
				Segments:   []standby.Segment{{Flight: flight, Cabin: standby.Economy}},
				Passengers: []standby.Passenger{{Employer: "SU", EmployedOn: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), Category: i % 10}}}); err != nil {
				b.Fatal(err)
			}
		}
	}
	ts := httptest.NewServer(NewServer(logger, cfg, svc))
	b.Cleanup(ts.Close)
	page, err := json.Marshal(map[string]any{"passengers": party, "fares": fares})
	if err != nil {
		b.Fatal(err)
	}
	do := func(method, url string, body []byte) {
		req, _ := http.NewRequest(method, url, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+signed.Session)
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		out, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatal(method, url, resp.Status, string(out))
		}
	}
	batch := func() { do("POST", ts.URL+"/api/staff/standby/estimates", page) }
	query := "/estimate?cabin=economy&passengers=" + strings.Join(party, ",")
	singles := func() {
		for _, key := range keys {
			do("GET", ts.URL+"/api/staff/standby/flights/"+key+query, nil)
		}
	}
	b.Run("batch", func(b *testing.B) {
		for b.Loop() {
			batch()
		}
	})
	b.Run("single-x50", func(b *testing.B) {
		for b.Loop() {
			singles()
		}
	})
	// Both in one loop, for a ratio that a loaded machine slows alike.
	b.Run("ratio", func(b *testing.B) {
		var inBatch, inSingles time.Duration
		for b.Loop() {
			start := time.Now()
			batch()
			inBatch += time.Since(start)
			start = time.Now()
			singles()
			inSingles += time.Since(start)
		}
		b.ReportMetric(float64(inBatch)/float64(inSingles), "batch/single-x50")
	})
}
