package idempotency_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/bookingkit/bookingkit/httpapi"
	"github.com/bookingkit/bookingkit/idempotency"
	"github.com/bookingkit/bookingkit/storage/memory"
)

// A POST that creates a booking runs under its caller's Idempotency-Key:
// the repeat gets the first answer and books nothing; the key with another
// body is 422. An engine passes the store of its database (an adapter's
// Stores().Idempotency), so that every server answers a repeat alike.
func Example() {
	keys := idempotency.New(&memory.IdempotencyStore{}, idempotency.Config{})
	booked := 0
	h := httpapi.Handler(nil, func(w http.ResponseWriter, r *http.Request) error {
		caller := "engine" // the authenticated caller: its keys are its own
		return keys.Serve(w, r, caller, func(w http.ResponseWriter, r *http.Request) error {
			booked++
			w.Header().Set("Location", fmt.Sprintf("/bookings/%d", booked))
			httpapi.WriteJSON(w, http.StatusCreated, map[string]int{"booking": booked})
			return nil
		})
	})
	send := func(body string) {
		r := httptest.NewRequest(http.MethodPost, "/bookings", strings.NewReader(body))
		r.Header.Set("Idempotency-Key", `"3f1c6d2e-booking"`)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		fmt.Println(w.Code, w.Header().Get("Location"), strings.TrimSpace(w.Body.String()))
	}
	send(`{"seat":"12A"}`)
	send(`{"seat":"12A"}`)
	send(`{"seat":"14C"}`)
	fmt.Println("booked:", booked)
	// Output:
	// 201 /bookings/1 {"booking":1}
	// 201 /bookings/1 {"booking":1}
	// 422  {"error":"this Idempotency-Key was used for another request (another body or route); use a new key for a new request","field":"Idempotency-Key"}
	// booked: 1
}
