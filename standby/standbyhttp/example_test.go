package standbyhttp_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/bookingkit/bookingkit/httpapi"
	"github.com/bookingkit/bookingkit/standby"
	"github.com/bookingkit/bookingkit/standby/standbyhttp"
	"github.com/bookingkit/bookingkit/storage/memory"
)

// An engine mounts the standby API on its own mux under "/standby", behind
// its own check of its booking servers, then adds a completed standby
// booking and reads the flight's queue.
func Example() {
	ctx := context.Background()
	svc := &standby.Service{Store: memory.New().Stores().Standby}
	svc.Now = func() time.Time { return time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC) }
	if _, err := svc.Rebuild(ctx); err != nil {
		panic(err)
	}
	h, err := standbyhttp.NewHandler(svc, standbyhttp.Options{})
	if err != nil {
		panic(err)
	}

	// The engine's own authentication of its booking servers.
	engineOnly := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("X-Engine-Key") != "k3y" {
				http.Error(w, "forbidden", http.StatusForbidden)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	routes := h.Routes()
	for i := range routes {
		routes[i].Handler = engineOnly(routes[i].Handler)
	}
	mux := http.NewServeMux()
	httpapi.Mount(mux, httpapi.WithPrefix("/standby", routes))

	call := func(method, path, body string) {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Engine-Key", "k3y")
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		fmt.Print(rec.Code, " ", rec.Body.String())
	}
	// An operating-carrier employee and a companion, on SU100 in economy.
	call("POST", "/standby/api/standby/bookings", `{
		"booking_id": "BK1",
		"booked_at": "2026-11-20T09:30:00Z",
		"segments": [{"flight": {"carrier": "SU", "number": "0100", "date": "2026-11-23"}, "cabin": "economy"}],
		"passengers": [
			{"employer": "SU", "employed_on": "2012-04-02", "category": 3},
			{"employer": "SU", "employed_on": "2012-04-02", "category": 5}
		]
	}`)
	call("GET", "/standby/api/standby/flights/SU-100-2026-11-23/queue?booking=BK1", "")
	// Output:
	// 201 {"booking_id":"BK1","placements":[{"flight":"SU-100-2026-11-23","booking_id":"BK1","passenger":0,"employer":"SU","cabin":"economy","category":3,"employed_on":"2012-04-02","booked_at":"2026-11-20T09:30:00Z","status":"active","position":1,"queue_length":2},{"flight":"SU-100-2026-11-23","booking_id":"BK1","passenger":1,"employer":"SU","cabin":"economy","category":5,"employed_on":"2012-04-02","booked_at":"2026-11-20T09:30:00Z","status":"active","position":2,"queue_length":2}]}
	// 200 {"flight":"SU-100-2026-11-23","total":2,"rows":[{"position":1,"cabin":"economy","category":3,"operator_staff":true,"yours":true},{"position":2,"cabin":"economy","category":5,"operator_staff":true,"yours":true}]}
}
