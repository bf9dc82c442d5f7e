package moguhttp_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/httpapi"
	"github.com/bookingkit/bookingkit/mogu"
	"github.com/bookingkit/bookingkit/mogu/moguhttp"
	"github.com/bookingkit/bookingkit/storage/memory"
	"github.com/bookingkit/bookingkit/throttle"
)

// An engine with its own router and its own sign-in mounts MOGU's claim
// routes under "/app". Its sign-in is a header naming the traveller's
// account (a real engine reads its session cookie); MOGU's own sign-in
// routes are not mounted. A traveller scans the voucher of a booking and
// the app posts the token read.
func Example() {
	ctx := context.Background()
	keys, _ := mogu.NewKeyring(mogu.Key{ID: 1, Secret: bytes.Repeat([]byte{7}, 32)}) // use crypto/rand
	svc, err := mogu.NewService(memory.New().Stores().Mogu, keys, throttle.NewMemory(time.Minute, 10), mogu.Config{
		ClaimURLBase:        "https://engine.example/app/api/mogu/c/",
		ServicesURLTemplate: "https://engine.example/booking/{booking}/services",
		BackOfficeURL:       "https://engine.example/backoffice/mogu",
	})
	if err != nil {
		panic(err)
	}
	svc.Now = func() time.Time { return time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC) }

	// The engine's accounts, and its sign-in.
	accounts := map[string]string{"u-17": "ana@example.com"}
	signIn := moguhttp.TravellerFunc(func(r *http.Request) (mogu.Account, error) {
		id := r.Header.Get("X-Engine-Account")
		email, ok := accounts[id]
		if !ok {
			return mogu.Account{}, fmt.Errorf("sign in first: %w", bookingkit.ErrUnauthorized)
		}
		return mogu.Account{ID: id, Email: email}, nil
	})
	h, err := moguhttp.NewHandler(svc, signIn, moguhttp.Options{
		AppClaimURL:  "mogu://claim/{token}",
		AppStoreURL:  "https://apps.apple.com/",
		PlayStoreURL: "https://play.google.com/store/apps",
	})
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	httpapi.Mount(mux, httpapi.WithPrefix("/app", h.Routes()))
	engine := httptest.NewServer(mux)
	defer engine.Close()

	// The engine's back office switches MOGU on and registers a booking.
	_, _ = svc.SetActive(ctx, "main", true, "am@engine.example", "")
	booking := mogu.Booking{ID: "ITT-10593", Channel: mogu.B2C, ContactEmail: "bob@example.com", MicrositeID: "main"}
	_, err = svc.RegisterBooking(ctx, mogu.Trip{
		Booking: booking, Title: "Tenerife", Travelers: 2,
		Start: time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC), End: time.Date(2026, 12, 8, 20, 0, 0, 0, time.UTC),
	})
	if err != nil {
		panic(err)
	}
	voucher, _ := svc.Voucher(ctx, booking)
	token, _ := svc.TokenFromClaimURL(voucher.URL)

	claim := func(account string) {
		req, _ := http.NewRequest("POST", engine.URL+"/app/api/mogu/claims", strings.NewReader(`{"token":"`+token+`"}`))
		req.Header.Set("Content-Type", "application/json")
		if account != "" {
			req.Header.Set("X-Engine-Account", account)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		fmt.Print(resp.StatusCode, " ", string(body))
	}
	claim("")
	claim("u-17")
	// Output:
	// 401 {"error":"sign in first: unauthorized"}
	// 200 {"booking_id":"ITT-10593","title":"Tenerife","travelers":2,"start":"2026-12-01T08:00:00Z","end":"2026-12-08T20:00:00Z","link":"traveler","claimed":true,"linked_at":"2026-11-23T09:00:00Z"}
}
