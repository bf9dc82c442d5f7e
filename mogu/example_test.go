package mogu_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/mogu"
	"github.com/bookingkit/bookingkit/storage/memory"
)

// A B2B booking on which the agent typed their own email: signed in is
// not enough, the traveller has to scan.
func ExampleDecide() {
	b := mogu.Booking{
		ID:           "ITT-10593",
		Channel:      mogu.B2B,
		ContactEmail: "desk@agency.example",
		AgentEmail:   "Desk@Agency.example",
		AgencyID:     "AG1",
		MicrositeID:  "main",
	}
	ana := mogu.Viewer{HasApp: true, SignedIn: true, Email: "ana@example.com"}
	fmt.Printf("%+v\n", mogu.Decide(b, ana, false))
	fmt.Printf("%+v\n", mogu.Decide(b, ana, true))

	newcomer := mogu.Viewer{HasApp: false, Email: "bob@example.com"}
	fmt.Printf("%+v\n", mogu.Decide(b, newcomer, true))
	// Output:
	// {Steps:[] Link: Listed:false}
	// {Steps:[open_trip] Link:traveler Listed:true}
	// {Steps:[store register open_trip] Link:traveler Listed:true}
}

// Keys are rotated by building a new keyring that still holds the old key
// while its vouchers are in circulation.
func ExampleKeyring() {
	oldKey := mogu.Key{ID: 1, Secret: bytes.Repeat([]byte{1}, 32)} // use crypto/rand
	newKey := mogu.Key{ID: 2, Secret: bytes.Repeat([]byte{2}, 32)}
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

	v1, _ := mogu.NewKeyring(oldKey)
	token, _ := v1.Sign(mogu.Claim{BookingID: "ITT-10593", Generation: 1, Expires: now.Add(30 * 24 * time.Hour)})
	fmt.Println(len(token), "characters of upper-case base32")

	v2, _ := mogu.NewKeyring(newKey, oldKey)
	c, err := v2.Verify(token, now)
	fmt.Println(c.BookingID, c.KeyID, err)

	v3, _ := mogu.NewKeyring(newKey)
	_, err = v3.Verify(token, now)
	fmt.Println(err)
	fmt.Println(errors.Is(err, bookingkit.ErrUnauthorized))
	// Output:
	// 58 characters of upper-case base32
	// ITT-10593 1 <nil>
	// mogu: claim token is not valid: unauthorized
	// true
}

// newExampleService builds a service over the in-memory adapter; an
// application passes storage/sqlite or storage/postgres the same way, and
// a rate limiter shared by its servers.
func newExampleService() *mogu.Service {
	keys, err := mogu.NewKeyring(mogu.Key{ID: 1, Secret: bytes.Repeat([]byte{7}, 32)})
	if err != nil {
		panic(err)
	}
	store := memory.New().Stores().Mogu
	svc, err := mogu.NewService(store, keys, newCountingLimiter(10), mogu.Config{
		ClaimURLBase:        "https://mogu.example/c/",
		ServicesURLTemplate: "https://engine.example/booking/{booking}/services",
		BackOfficeURL:       "https://mogu.example/backoffice",
		Administrators:      []string{"admin"},
	})
	if err != nil {
		panic(err)
	}
	svc.Now = func() time.Time { return time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC) }
	return svc
}

// The seed's support case: the group microsite never had MOGU, so its
// vouchers carry the engine's own QR code, and the back office can say why.
func ExampleService_Voucher() {
	ctx := context.Background()
	svc := newExampleService()
	_, _ = svc.SetActive(ctx, "main", true, "am@engine.example", "")

	trip := mogu.Trip{
		Booking:   mogu.Booking{ID: "ITT-10593", Channel: mogu.B2C, ContactEmail: "ana@example.com", MicrositeID: "main"},
		Travelers: 2,
		Start:     time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC),
		End:       time.Date(2026, 12, 8, 20, 0, 0, 0, time.UTC),
	}
	if _, err := svc.RegisterBooking(ctx, trip); err != nil {
		panic(err)
	}
	v, _ := svc.Voucher(ctx, trip.Booking)
	fmt.Println(v.Kind, strings.HasPrefix(v.URL, "HTTPS://MOGU.EXAMPLE/C/"), v.Expires)

	group := mogu.Trip{
		Booking:   mogu.Booking{ID: "ITT-20001", Channel: mogu.B2C, ContactEmail: "bob@example.com", MicrositeID: "groups"},
		Travelers: 30,
		Start:     trip.Start,
		End:       trip.End,
	}
	_, err := svc.RegisterBooking(ctx, group)
	fmt.Println(err)
	v, _ = svc.Voucher(ctx, group.Booking)
	fmt.Println(v.Kind, v.URL)
	fmt.Println(v.Reason)

	png, _, _ := svc.VoucherQR(ctx, group.Booking, mogu.PNG, mogu.DefaultPixelsPerModule)
	fmt.Println(string(png[1:4]))
	// Output:
	// mogu true 2026-12-15 20:00:00 +0000 UTC
	// MOGU has never been activated for microsite groups
	// services https://engine.example/booking/ITT-20001/services
	// booking ITT-20001 is not registered in MOGU: MOGU has never been activated for microsite groups
	// PNG
}

// A traveller scans the voucher of a B2B booking that carries the agent's
// email: the trip is theirs from then on, and only theirs.
func ExampleService_Claim() {
	ctx := context.Background()
	svc := newExampleService()
	_, _ = svc.SetActive(ctx, "main", true, "am@engine.example", "")
	trip := mogu.Trip{
		Booking: mogu.Booking{
			ID: "ITT-10593", Channel: mogu.B2B, MicrositeID: "main", AgencyID: "AG1",
			ContactEmail: "desk@agency.example", AgentEmail: "desk@agency.example",
		},
		Travelers: 1,
		Start:     time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC),
		End:       time.Date(2026, 12, 8, 20, 0, 0, 0, time.UTC),
	}
	if _, err := svc.RegisterBooking(ctx, trip); err != nil {
		panic(err)
	}
	ana := mogu.Account{ID: "acc-ana", Email: "ana@example.com"}
	agent := mogu.Account{ID: "acc-desk", Email: "desk@agency.example"}

	before, _ := svc.UpcomingTrips(ctx, ana, "", 0)
	fmt.Println("before the scan:", len(before.Trips))

	v, _ := svc.Voucher(ctx, trip.Booking)
	token, _ := svc.TokenFromClaimURL(v.URL) // what the app reads from the QR code
	at, err := svc.Claim(ctx, ana, token, "198.51.100.7")
	fmt.Println(at.ID, at.Link, err)

	after, _ := svc.UpcomingTrips(ctx, ana, "", 0)
	fmt.Println("after the scan:", len(after.Trips))
	agentTrips, _ := svc.UpcomingTrips(ctx, agent, "", 0)
	fmt.Println("the agent's list:", len(agentTrips.Trips))

	_, err = svc.Claim(ctx, mogu.Account{ID: "acc-eve", Email: "eve@example.com"}, "ITT-10593", "203.0.113.5")
	fmt.Println(err)
	// Output:
	// before the scan: 0
	// ITT-10593 traveler <nil>
	// after the scan: 1
	// the agent's list: 0
	// mogu: claim token is not valid: unauthorized
}

// The "open in MOGU" link names the agency account; an operator with
// access lands in it, one without is told why.
func ExampleService_EnterAccount() {
	ctx := context.Background()
	svc := newExampleService()
	operator := mogu.BackOfficeUser{ID: "op-marta", Channel: mogu.B2B}
	booking := mogu.Booking{ID: "ITT-10593", Channel: mogu.B2B, AgencyID: "AG-COLECTIVOS"}

	link, shown, _ := svc.OpenBookingLink(ctx, operator, booking)
	fmt.Println(shown, link)

	err := svc.EnterAccount(ctx, operator.ID, booking.AgencyID)
	fmt.Println(err)

	_, _ = svc.Grant(ctx, "admin", operator.ID, booking.AgencyID)
	err = svc.EnterAccount(ctx, operator.ID, booking.AgencyID)
	current, _ := svc.CurrentAccount(ctx, operator.ID)
	fmt.Println(err, current)
	// Output:
	// true https://mogu.example/backoffice/accounts/AG-COLECTIVOS/bookings/ITT-10593
	// mogu: operator op-marta has no access to agency account AG-COLECTIVOS: ask an administrator to grant it
	// <nil> AG-COLECTIVOS
}

func ExampleEncodeQR() {
	svg, err := mogu.EncodeQR("HTTPS://MOGU.EXAMPLE/C/AEAAAAB2ZGZYTGQ2", mogu.SVG, 4)
	fmt.Println(err, bytes.Contains(svg, []byte(`shape-rendering="crispEdges"`)))
	// Output:
	// <nil> true
}

// ClaimURL builds the URL a voucher's QR code carries, as the Service does:
// the base in upper case so the whole URL fits QR's compact alphanumeric
// mode. A base outside that alphabet is refused.
func ExampleClaimURL() {
	url, err := mogu.ClaimURL("https://mogu.example/c/", "KRUGS4ZANFZSAYJAORSXG5A")
	fmt.Println(url, err)

	_, err = mogu.ClaimURL("https://mogu.example/claim_here/", "KRUGS4ZA")
	fmt.Println(err)
	// Output:
	// HTTPS://MOGU.EXAMPLE/C/KRUGS4ZANFZSAYJAORSXG5A <nil>
	// claim_url_base "https://mogu.example/claim_here/": character '_' is outside QR's alphanumeric alphabet (A-Z 0-9 $%*+-./:)
}
