package mogu_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"testing"
	"time"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/bookingkit/bookingkit/mogu"
)

// BenchmarkToken measures signing and verifying a claim token beside the
// floor: one keyed HMAC-SHA256 over a message of the same length.
func BenchmarkToken(b *testing.B) {
	kr := mustKeyring(b, testKey(1, 1))
	c := mogu.Claim{BookingID: "ITT-10593", Generation: 1, Expires: t0.Add(30 * 24 * time.Hour)}
	tok, err := kr.Sign(c)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("floor-hmac", func(b *testing.B) {
		h := hmac.New(sha256.New, testKey(1, 1).Secret)
		msg := make([]byte, 11+len(c.BookingID)+len("bookingkit/mogu/claim\x00"))
		var sum [sha256.Size]byte
		for b.Loop() {
			h.Reset()
			h.Write(msg)
			h.Sum(sum[:0])
		}
	})
	b.Run("sign", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := kr.Sign(c); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("verify", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := kr.Verify(tok, t0); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("verify-forged", func(b *testing.B) {
		forged := tok[:20] + "A" + tok[21:]
		if forged == tok {
			forged = tok[:20] + "B" + tok[21:]
		}
		for b.Loop() {
			if _, err := kr.Verify(forged, t0); err == nil {
				b.Fatal("forgery accepted")
			}
		}
	})
}

// BenchmarkVoucherQR measures a voucher's QR code through the module —
// status lookup (booking and activation), token, encoding — beside the
// floor of a bare qrcode.Encode of the same URL at the same level and size.
// The store is the tests' in-memory fake, so the figure is the module's own
// overhead, not a database's.
func BenchmarkVoucherQR(b *testing.B) {
	e := newEnv(b)
	trip := e.register(b, b2c("ITT-10593", "ana@example.com"))
	v, err := e.svc.Voucher(ctx, trip.Booking)
	if err != nil || v.Kind != mogu.VoucherMOGU {
		b.Fatal(err, v)
	}
	const ppm = mogu.DefaultPixelsPerModule
	b.Run("png/floor-qrcode.Encode", func(b *testing.B) {
		for b.Loop() {
			if _, err := qrcode.Encode(v.URL, qrcode.High, -ppm); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("png/module", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := e.svc.VoucherQR(ctx, trip.Booking, mogu.PNG, ppm); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("svg/floor-qrcode.Bitmap", func(b *testing.B) {
		for b.Loop() {
			q, err := qrcode.New(v.URL, qrcode.High)
			if err != nil {
				b.Fatal(err)
			}
			q.Bitmap()
		}
	})
	b.Run("svg/module", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := e.svc.VoucherQR(ctx, trip.Booking, mogu.SVG, ppm); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkVoucherQRRatio runs the floor and the module alternately in the
// same loop and reports module time over floor time ("x-floor"), which
// stays meaningful when other work on the machine slows one phase of a
// sequential run: the target is at most 1.3.
func BenchmarkVoucherQRRatio(b *testing.B) {
	e := newEnv(b)
	trip := e.register(b, b2c("ITT-10593", "ana@example.com"))
	v, err := e.svc.Voucher(ctx, trip.Booking)
	if err != nil || v.Kind != mogu.VoucherMOGU {
		b.Fatal(err, v)
	}
	const ppm = mogu.DefaultPixelsPerModule
	for _, f := range []mogu.Format{mogu.PNG, mogu.SVG} {
		b.Run(string(f), func(b *testing.B) {
			var floor, module time.Duration
			for b.Loop() {
				start := time.Now()
				if f == mogu.PNG {
					if _, err := qrcode.Encode(v.URL, qrcode.High, -ppm); err != nil {
						b.Fatal(err)
					}
				} else {
					q, err := qrcode.New(v.URL, qrcode.High)
					if err != nil {
						b.Fatal(err)
					}
					q.Bitmap()
				}
				mid := time.Now()
				if _, _, err := e.svc.VoucherQR(ctx, trip.Booking, f, ppm); err != nil {
					b.Fatal(err)
				}
				floor += mid.Sub(start)
				module += time.Since(mid)
			}
			b.ReportMetric(float64(module)/float64(floor), "x-floor")
			b.ReportMetric(float64(floor.Nanoseconds())/float64(b.N), "floor-ns/op")
			b.ReportMetric(float64(module.Nanoseconds())/float64(b.N), "module-ns/op")
		})
	}
}
