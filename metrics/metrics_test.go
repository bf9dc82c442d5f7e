package metrics_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/account"
	"github.com/bookingkit/bookingkit/metrics"
	"github.com/bookingkit/bookingkit/outbox"
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/standby"
	"github.com/bookingkit/bookingkit/storage/memory"
)

func scrape(t *testing.T, h http.Handler) string {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	require.Equal(t, http.StatusOK, w.Code)
	return w.Body.String()
}

func TestMetrics(t *testing.T) {
	ctx := context.Background()
	stores := memory.New().Stores()
	m := metrics.New()

	// Requests, by the pattern that served them.
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/things/{id}", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) })
	h := m.Instrument(mux)
	for _, path := range []string{"/api/things/1", "/api/things/2", "/nowhere"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", path, nil))
	}

	// An import of a two-person list.
	im, err := staffid.NewImporter(staffid.Config{}, stores.StaffID)
	require.NoError(t, err)
	m.ObserveImports(im)
	list := `[{"LastName": "Lennon", "FirstName": "John", "LastNameEng": "Lennon", "FirstNameEng": "John", "BirthDay": "09.10.1940",
	  "Sex": "M", "DateOfEmployment": "09.11.1980", "EmployeeID": 1, "IsEmployee": 1, "CategoryCode": 5},
	 {"LastName": "Ono", "FirstName": "Yoko", "LastNameEng": "Ono", "FirstNameEng": "Yoko", "BirthDay": "18.02.1933", "Sex": "F",
	  "EmployeeID": 1, "IsEmployee": 0, "CategoryCode": 1}]`
	_, err = im.Import(ctx, strings.NewReader(list), staffid.FormatJSON, staffid.ImportOptions{})
	require.NoError(t, err)
	_, err = im.Import(ctx, strings.NewReader(`[{"nonsense": true}]`), staffid.FormatJSON, staffid.ImportOptions{})
	require.Error(t, err)

	// Three waiting on one flight, and a mail in the outbox.
	sb := standby.NewService(stores.Standby)
	m.WatchStandby(sb)
	flight := standby.Flight{Carrier: "SU", Number: "100", Date: time.Now().AddDate(0, 0, 7)}
	for i, id := range []string{"A", "B", "C"} {
		_, err := sb.AddBooking(ctx, standby.Booking{ID: id, BookedAt: time.Now(), Segments: []standby.Segment{{Flight: flight, Cabin: standby.Economy}},
			Passengers: []standby.Passenger{{Employer: "SU", EmployedOn: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), Category: i}}})
		require.NoError(t, err)
	}
	ob := outbox.New(stores.Outbox, outbox.Config{})
	m.WatchOutbox(ob)
	require.NoError(t, ob.Mailer("").Send(ctx, account.Message{To: "ann@example.com"}))

	out := scrape(t, m.Handler())
	for _, want := range []string{
		`bookingkit_http_requests_total{code="418",method="GET",route="GET /api/things/{id}"} 2`,
		`bookingkit_http_requests_total{code="404",method="GET",route="unmatched"} 1`,
		`bookingkit_http_request_duration_seconds_count{method="GET",route="GET /api/things/{id}"} 2`,
		`bookingkit_staffid_imports_total{status="Ok"} 1`,
		`bookingkit_staffid_imports_total{status="Error"} 1`,
		`bookingkit_staffid_import_duration_seconds_count 2`,
		`bookingkit_staffid_import_people_total{change="created"} 2`,
		`bookingkit_standby_flights 1`,
		`bookingkit_standby_waiting 3`,
		`bookingkit_standby_longest_queue 3`,
		`bookingkit_outbox_messages 1`,
		`bookingkit_outbox_failing 0`,
		`go_goroutines`,
	} {
		require.Contains(t, out, want)
	}

	// The admin address has the figures and the profiler.
	admin := httptest.NewServer(m.AdminHandler())
	defer admin.Close()
	for _, path := range []string{"/metrics", "/debug/pprof/", "/debug/pprof/goroutine?debug=1"} {
		resp, err := http.Get(admin.URL + path)
		require.NoError(t, err)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode, path)
		require.NotEmpty(t, body)
	}
}
