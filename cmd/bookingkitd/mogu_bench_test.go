package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/bookingkit/bookingkit/mogu"
	"github.com/bookingkit/bookingkit/storage"
	"github.com/bookingkit/bookingkit/storage/memory"
	"github.com/bookingkit/bookingkit/storage/sqlite"
)

// BenchmarkMoguVoucherQRHTTP serves a voucher's QR code through the whole
// server handler (NewServer: request ID, access log, body limit, engine
// token, booking and activation reads, token signing, PNG encoding) and,
// in the same loop, the floor: a bare qrcode.Encode of the same URL at
// the same level and size. It reports the handler's time over the
// floor's ("x-floor"; target at most 1.3), which stays meaningful when
// other work on the machine slows the run. Over memory and over SQLite.
func BenchmarkMoguVoucherQRHTTP(b *testing.B) {
	for _, backend := range []string{"memory", "sqlite"} {
		b.Run(backend, func(b *testing.B) {
			var stores storage.Stores
			if backend == "memory" {
				stores = memory.New().Stores()
			} else {
				db, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
				if err != nil {
					b.Fatal(err)
				}
				b.Cleanup(func() { db.Close() })
				stores = db.Stores()
			}
			for _, format := range []mogu.Format{mogu.PNG, mogu.SVG} {
				b.Run(string(format), func(b *testing.B) { benchVoucherQR(b, stores, format) })
			}
		})
	}
}

func benchVoucherQR(b *testing.B, stores storage.Stores, format mogu.Format) {
	ctx := context.Background()
	logger := slog.New(slog.DiscardHandler)
	cfg := testConfig()
	cfg.EngineToken = moguTestEngineToken
	cfg.MoguEnv.Keys = moguTestKeys
	svc, err := newServices(ctx, logger, cfg, stores, io.Discard)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := svc.mogu.svc.SetActive(ctx, "main", true, "am", ""); err != nil {
		b.Fatal(err)
	}
	start := time.Now().Add(24 * time.Hour)
	trip := mogu.Trip{
		Booking:   mogu.Booking{ID: "ITT-10593", Channel: mogu.B2C, ContactEmail: "ana@example.com", MicrositeID: "main"},
		Travelers: 2, Start: start, End: start.Add(7 * 24 * time.Hour),
	}
	if _, err := svc.mogu.svc.RegisterBooking(ctx, trip); err != nil {
		b.Fatal(err)
	}
	v, err := svc.mogu.svc.Voucher(ctx, trip.Booking)
	if err != nil || v.Kind != mogu.VoucherMOGU {
		b.Fatal(err, v)
	}
	h := NewServer(logger, cfg, svc)
	req := httptest.NewRequest("GET", "/api/backoffice/mogu/bookings/ITT-10593/qr?format="+string(format), nil)
	req.Header.Set("Authorization", "Bearer "+moguTestEngineToken)
	const ppm = mogu.DefaultPixelsPerModule
	floor := func() {
		if format == mogu.PNG {
			if _, err := qrcode.Encode(v.URL, qrcode.High, -ppm); err != nil {
				b.Fatal(err)
			}
			return
		}
		q, err := qrcode.New(v.URL, qrcode.High)
		if err != nil {
			b.Fatal(err)
		}
		q.Bitmap()
	}
	serve := func() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || rec.Header().Get("X-Mogu-Voucher-Kind") != "mogu" {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
	// The two alternate which goes first, so that neither always pays for
	// the garbage the other left.
	var floorTime, serverTime time.Duration
	odd := false
	for b.Loop() {
		first, second := floor, serve
		if odd {
			first, second = serve, floor
		}
		t0 := time.Now()
		first()
		t1 := time.Now()
		second()
		d1, d2 := t1.Sub(t0), time.Since(t1)
		if odd {
			d1, d2 = d2, d1
		}
		floorTime += d1
		serverTime += d2
		odd = !odd
	}
	b.ReportMetric(float64(serverTime)/float64(floorTime), "x-floor")
	b.ReportMetric(float64(floorTime.Nanoseconds())/float64(b.N), "floor-ns/op")
	b.ReportMetric(float64(serverTime.Nanoseconds())/float64(b.N), "server-ns/op")
}
