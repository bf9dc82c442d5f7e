package standbyhttp_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/httpapi"
	"github.com/bookingkit/bookingkit/standby"
	"github.com/bookingkit/bookingkit/standby/standbyhttp"
	"github.com/bookingkit/bookingkit/storage/memory"
)

var testNow = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// newMux returns the routes mounted at "" over a fresh in-memory service.
func newMux(t *testing.T, configure func(*standby.Service)) *http.ServeMux {
	t.Helper()
	svc := &standby.Service{Store: memory.New().Stores().Standby, Now: func() time.Time { return testNow }}
	if configure != nil {
		configure(svc)
	}
	_, err := svc.Rebuild(context.Background())
	require.NoError(t, err)
	h, err := standbyhttp.NewHandler(svc, standbyhttp.Options{})
	require.NoError(t, err)
	mux := http.NewServeMux()
	httpapi.Mount(mux, h.Routes())
	return mux
}

func call(t *testing.T, mux http.Handler, method, path, body string) (int, map[string]any) {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	var out map[string]any
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &out), rec.Body.String())
	return rec.Code, out
}

const su100 = "/api/standby/flights/SU-100-2026-11-23"

func TestNewHandlerNeedsAServiceWithAStore(t *testing.T) {
	_, err := standbyhttp.NewHandler(nil, standbyhttp.Options{})
	require.Error(t, err)
	_, err = standbyhttp.NewHandler(&standby.Service{}, standbyhttp.Options{})
	require.Error(t, err)
}

func TestRoutesAreTheServersPaths(t *testing.T) {
	h, err := standbyhttp.NewHandler(standby.NewService(memory.New().Stores().Standby), standbyhttp.Options{})
	require.NoError(t, err)
	var patterns []string
	for _, r := range h.Routes() {
		require.NotNil(t, r.Handler, r.Pattern)
		patterns = append(patterns, r.Pattern)
	}
	require.Equal(t, []string{
		"GET /api/standby/flights/{flight}/estimate",
		"GET /api/standby/flights/{flight}/queue",
		"POST /api/standby/flights/{flight}/leave",
		"POST /api/standby/flights/{flight}/close",
		"POST /api/standby/bookings",
		"GET /api/standby/bookings/{booking}",
		"POST /api/standby/bookings/{booking}/cancel",
	}, patterns)
}

// A booking sent without booked_at was completed at the service's clock.
func TestAddBookingWithoutTimeTakesTheServiceClock(t *testing.T) {
	mux := newMux(t, nil)
	code, out := call(t, mux, "POST", "/api/standby/bookings", `{"booking_id":"BK1",
		"segments":[{"flight":{"carrier":"su","number":"SU0100","date":"2026-11-23"},"cabin":"economy"}],
		"passengers":[{"employer":"SU","employed_on":"2012-04-02","category":3,"traveller":"P1"}]}`)
	require.Equal(t, http.StatusCreated, code, out)
	placement := out["placements"].([]any)[0].(map[string]any)
	require.Equal(t, testNow.Format(time.RFC3339), placement["booked_at"])
	require.Equal(t, "P1", placement["traveller"])
	require.Equal(t, "SU-100-2026-11-23", placement["flight"])

	code, out = call(t, mux, "POST", "/api/standby/bookings", `{"booking_id":"BK2",
		"segments":[{"flight":{"carrier":"SU","number":"AF100","date":"2026-11-23"},"cabin":"economy"}],
		"passengers":[{"employer":"SU","employed_on":"2012-04-02","category":3}]}`)
	require.Equal(t, http.StatusBadRequest, code)
	require.Equal(t, "segments[0].flight.number", out["field"])
}

// The statuses a single passenger leaves with are the service's rule; the
// answer carries its words.
func TestLeaveStatusIsTheServicesRule(t *testing.T) {
	mux := newMux(t, nil)
	code, _ := call(t, mux, "POST", "/api/standby/bookings", `{"booking_id":"BK1","booked_at":"2026-11-19T08:00:00Z",
		"segments":[{"flight":{"carrier":"SU","number":"100","date":"2026-11-23"},"cabin":"business"}],
		"passengers":[{"employer":"AF","employed_on":"2001-01-01","category":1}]}`)
	require.Equal(t, http.StatusCreated, code)

	code, out := call(t, mux, "POST", su100+"/leave", `{"booking_id":"BK1","passenger":0,"status":"closed"}`)
	require.Equal(t, http.StatusBadRequest, code)
	require.Equal(t, "status", out["field"])
	require.Equal(t, `status "closed": boarded or cancelled; close the flight to take everyone out`, out["error"])

	code, out = call(t, mux, "POST", su100+"/leave", `{"booking_id":"BK1","status":"boarded"}`)
	require.Equal(t, http.StatusBadRequest, code)
	require.Equal(t, "passenger", out["field"])

	code, out = call(t, mux, "POST", su100+"/leave", `{"booking_id":"BK1","passenger":0,"status":"boarded"}`)
	require.Equal(t, http.StatusOK, code, out)
	require.Equal(t, "boarded", out["status"])
	require.Equal(t, "BK1", out["entry"].(map[string]any)["booking_id"])
}

// A page of the queue is bounded by the service's MaxViewLimit.
func TestQueuePageIsBoundedByTheService(t *testing.T) {
	mux := newMux(t, func(s *standby.Service) { s.MaxViewLimit = 2 })
	code, out := call(t, mux, "GET", su100+"/queue?limit=2", "")
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, map[string]any{"flight": "SU-100-2026-11-23", "total": 0.0, "rows": []any{}}, out)

	code, out = call(t, mux, "GET", su100+"/queue?limit=3", "")
	require.Equal(t, http.StatusBadRequest, code)
	require.Equal(t, "limit", out["field"])
	require.Equal(t, `limit "3": at most 2`, out["error"])
}

func TestEstimateNeedsACategory(t *testing.T) {
	mux := newMux(t, nil)
	code, out := call(t, mux, "GET", su100+"/estimate?cabin=economy&employer=SU&employed_on=2020-01-01", "")
	require.Equal(t, http.StatusBadRequest, code)
	require.Equal(t, "category", out["field"])

	code, out = call(t, mux, "GET", su100+"/estimate?cabin=economy&employer=SU&category=2&employed_on=2020-01-01", "")
	require.Equal(t, http.StatusOK, code, out)
	require.Equal(t, map[string]any{"flight": "SU-100-2026-11-23", "position": 1.0}, out)
}
