package moguhttp

import (
	"time"

	"github.com/bookingkit/bookingkit/mogu"
)

// appTripJSON is a trip as the traveller's app sees it: what the trip is,
// and how it is tied to the account; no agent or agency details.
type appTripJSON struct {
	BookingID string     `json:"booking_id"`
	Title     string     `json:"title"`
	Travelers int        `json:"travelers"`
	Start     time.Time  `json:"start"`
	End       time.Time  `json:"end"`
	Link      string     `json:"link"`
	Claimed   bool       `json:"claimed"`
	LinkedAt  *time.Time `json:"linked_at,omitempty"`
}

func appTripOut(at mogu.AccountTrip) appTripJSON {
	out := appTripJSON{BookingID: at.ID, Title: at.Title, Travelers: at.Travelers, Start: at.Start, End: at.End, Link: string(at.Link), Claimed: at.Claimed}
	if !at.LinkedAt.IsZero() {
		out.LinkedAt = &at.LinkedAt
	}
	return out
}

// page is one page of a list; Next is the cursor of the following page,
// absent on the last.
type page[T any] struct {
	Items []T    `json:"items"`
	Next  string `json:"next,omitempty"`
}

func mapAll[T, U any](in []T, f func(T) U) []U {
	out := make([]U, 0, len(in))
	for _, v := range in {
		out = append(out, f(v))
	}
	return out
}
