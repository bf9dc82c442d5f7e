package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/storage/storagetest/pgtest"
)

const standbyTestToken = "standby-engine-token"

// standbyClient calls one running server with the engine token.
type standbyClient struct {
	t  *testing.T
	ts *testServer
}

func startStandby(t *testing.T, args ...string) standbyClient {
	t.Helper()
	ts := startServer(t, map[string]string{"BOOKINGKIT_ENGINE_TOKEN": standbyTestToken}, args...)
	return standbyClient{t: t, ts: ts}
}

// do sends a request (in, when not nil, as JSON) and decodes a JSON answer
// into out, when not nil. It returns the status and the raw body.
func (c standbyClient) do(method, path string, in, out any) (int, string) {
	c.t.Helper()
	var body io.Reader
	if in != nil {
		raw, err := json.Marshal(in)
		require.NoError(c.t, err)
		body = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, c.ts.URL+path, body)
	require.NoError(c.t, err)
	req.Header.Set("Authorization", "Bearer "+standbyTestToken)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	if out != nil && resp.StatusCode < 300 {
		require.NoError(c.t, json.Unmarshal(raw, out), string(raw))
	}
	return resp.StatusCode, string(raw)
}

// requireError checks an error answer's status and, when field is not
// empty, the field it names.
func (c standbyClient) requireError(method, path string, in any, status int, field string) errorBody {
	c.t.Helper()
	code, raw := c.do(method, path, in, nil)
	require.Equal(c.t, status, code, "%s %s: %s", method, path, raw)
	var body errorBody
	require.NoError(c.t, json.Unmarshal([]byte(raw), &body), raw)
	require.NotEmpty(c.t, body.Error)
	if field != "" {
		require.Equal(c.t, field, body.Field, raw)
	}
	return body
}

type standbyTestBooking struct {
	BookingID  string `json:"booking_id"`
	Placements []struct {
		Flight      string `json:"flight"`
		BookingID   string `json:"booking_id"`
		Passenger   int    `json:"passenger"`
		Employer    string `json:"employer"`
		Cabin       string `json:"cabin"`
		Category    int    `json:"category"`
		EmployedOn  string `json:"employed_on"`
		BookedAt    string `json:"booked_at"`
		Status      string `json:"status"`
		Position    int    `json:"position"`
		QueueLength int    `json:"queue_length"`
	} `json:"placements"`
}

// places returns "status position/length" per passenger.
func (b standbyTestBooking) places() []string {
	var out []string
	for _, p := range b.Placements {
		s := p.Flight + " " + p.Status
		if p.Status == "active" {
			s += " " + strconv.Itoa(p.Position) + "/" + strconv.Itoa(p.QueueLength)
		}
		out = append(out, s)
	}
	return out
}

func standbyBookingBody(id, bookedAt string, flights []map[string]any, passengers ...map[string]any) map[string]any {
	return map[string]any{"booking_id": id, "booked_at": bookedAt, "segments": flights, "passengers": passengers}
}

func su100(cabin string) map[string]any {
	return map[string]any{"flight": map[string]any{"carrier": "su", "number": "SU0100", "date": "2027-11-23"}, "cabin": cabin}
}

func pax(employer, employedOn string, category int) map[string]any {
	return map[string]any{"employer": employer, "employed_on": employedOn, "category": category}
}

const standbyFlight = "/api/standby/flights/SU-100-2027-11-23"

func TestStandbyOverHTTPOnSQLite(t *testing.T) {
	db := filepath.Join(t.TempDir(), "bookingkit.db")
	c := startStandby(t, "-db", db)

	// Only the engine may call.
	resp, err := http.Get(c.ts.URL + standbyFlight + "/queue")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)

	estimate := func(query string) int {
		t.Helper()
		var out struct {
			Flight   string `json:"flight"`
			Position int    `json:"position"`
		}
		code, raw := c.do("GET", standbyFlight+"/estimate?"+query, nil, &out)
		require.Equal(t, http.StatusOK, code, raw)
		require.Equal(t, "SU-100-2027-11-23", out.Flight)
		return out.Position
	}
	su4 := "cabin=economy&employer=SU&category=4&employed_on=2020-01-01"
	require.Equal(t, 1, estimate(su4), "nobody waits yet")

	// Another airline's employee, then an SU employee with a companion.
	var b1, b2 standbyTestBooking
	code, raw := c.do("POST", "/api/standby/bookings", standbyBookingBody("BK1", "2027-11-19T08:00:00Z",
		[]map[string]any{su100("business")}, pax("AF", "1999-05-01", 1)), &b1)
	require.Equal(t, http.StatusCreated, code, raw)
	require.Equal(t, []string{"SU-100-2027-11-23 active 1/1"}, b1.places())
	code, raw = c.do("POST", "/api/standby/bookings", standbyBookingBody("BK2", "2027-11-20T09:30:00.123456Z",
		[]map[string]any{su100("economy"), {"flight": map[string]any{"carrier": "SU", "number": "101", "date": "2027-11-30"}, "cabin": "economy"}},
		pax("SU", "2012-04-02", 3), pax("SU", "2012-04-02", 5)), &b2)
	require.Equal(t, http.StatusCreated, code, raw)
	require.Equal(t, []string{
		"SU-100-2027-11-23 active 1/3", "SU-100-2027-11-23 active 2/3",
		"SU-101-2027-11-30 active 1/2", "SU-101-2027-11-30 active 2/2",
	}, b2.places())
	p := b2.Placements[0]
	require.Equal(t, "BK2", p.BookingID)
	require.Equal(t, "economy", p.Cabin)
	require.Equal(t, "2012-04-02", p.EmployedOn)
	require.Equal(t, "2027-11-20T09:30:00.123456Z", p.BookedAt)

	require.Equal(t, 2, estimate(su4), "behind the category-3 employee, ahead of the category-5 companion")
	require.Equal(t, 4, estimate("cabin=economy&employer=KL&category=0&employed_on=1980-01-01"), "other airlines' staff after the operator's")
	require.Equal(t, 3, estimate("cabin=first&employer=KL&category=0&employed_on=1980-01-01"), "first before business")

	var got standbyTestBooking
	code, raw = c.do("GET", "/api/standby/bookings/BK1", nil, &got)
	require.Equal(t, http.StatusOK, code, raw)
	require.Equal(t, []string{"SU-100-2027-11-23 active 3/3"}, got.places(), "BK1 moved back behind SU staff")

	// The queue for staff: no names, no other bookings' IDs.
	var view struct {
		Flight string `json:"flight"`
		Total  int    `json:"total"`
		Rows   []struct {
			Position      int    `json:"position"`
			Cabin         string `json:"cabin"`
			Category      int    `json:"category"`
			OperatorStaff bool   `json:"operator_staff"`
			Yours         bool   `json:"yours"`
		} `json:"rows"`
	}
	code, raw = c.do("GET", standbyFlight+"/queue?booking=BK1&from=2&limit=5", nil, &view)
	require.Equal(t, http.StatusOK, code, raw)
	require.Equal(t, 3, view.Total)
	require.Len(t, view.Rows, 2)
	require.Equal(t, 2, view.Rows[0].Position)
	require.Equal(t, 5, view.Rows[0].Category)
	require.True(t, view.Rows[0].OperatorStaff)
	require.False(t, view.Rows[0].Yours)
	require.Equal(t, "business", view.Rows[1].Cabin)
	require.True(t, view.Rows[1].Yours)
	fromRaw := raw
	code, raw = c.do("GET", standbyFlight+"/queue?booking=BK1&cursor=2&limit=5", nil, &view)
	require.Equal(t, http.StatusOK, code, raw)
	require.JSONEq(t, fromRaw, raw, "cursor is the queue's page parameter; from, its deprecated alias")
	for _, secret := range []string{"BK2", "booking_id", "employer", "employed_on", "2012-04-02"} {
		require.NotContains(t, raw, secret, "the staff view shows nothing that names a passenger or another booking")
	}
	code, raw = c.do("GET", "/api/standby/flights/SU-7-2027-11-23/queue", nil, &view)
	require.Equal(t, http.StatusOK, code, raw)
	require.Zero(t, view.Total)
	require.NotNil(t, view.Rows)

	// Bad input names its field and changes nothing.
	body := c.requireError("GET", "/api/standby/flights/SU-0100-2027-11-23/queue", nil, http.StatusBadRequest, "flight")
	require.Contains(t, body.Error, `"SU-100-2027-11-23"`, "the answer names the canonical key")
	c.requireError("GET", standbyFlight+"/estimate?cabin=coach&employer=SU&category=1&employed_on=2020-01-01", nil, http.StatusBadRequest, "cabin")
	c.requireError("GET", standbyFlight+"/estimate?cabin=economy&employer=SU&employed_on=2020-01-01", nil, http.StatusBadRequest, "category")
	c.requireError("GET", standbyFlight+"/estimate?cabin=economy&employer=SU&category=12&employed_on=2020-01-01", nil, http.StatusBadRequest, "category")
	c.requireError("GET", standbyFlight+"/estimate?cabin=economy&employer=SUN&category=1&employed_on=2020-01-01", nil, http.StatusBadRequest, "employer")
	c.requireError("GET", standbyFlight+"/estimate?cabin=economy&employer=SU&category=1&employed_on=1.1.2020", nil, http.StatusBadRequest, "employed_on")
	c.requireError("GET", standbyFlight+"/queue?limit=100000", nil, http.StatusBadRequest, "limit")
	c.requireError("GET", standbyFlight+"/queue?from=0", nil, http.StatusBadRequest, "from")
	bad := standbyBookingBody("BK3", "", []map[string]any{su100("coach")}, pax("SU", "2012-04-02", 3))
	c.requireError("POST", "/api/standby/bookings", bad, http.StatusBadRequest, "segments[0].cabin")
	bad = standbyBookingBody("BK3", "", []map[string]any{{"flight": map[string]any{"carrier": "SU", "number": "AF100", "date": "2027-11-23"}, "cabin": "economy"}}, pax("SU", "2012-04-02", 3))
	c.requireError("POST", "/api/standby/bookings", bad, http.StatusBadRequest, "segments[0].flight.number")
	bad = standbyBookingBody("BK3", "", []map[string]any{su100("economy")}, pax("SU", "2012-04-02", 3), map[string]any{"employer": "SU", "employed_on": "2012-04-02"})
	c.requireError("POST", "/api/standby/bookings", bad, http.StatusBadRequest, "passengers[1].category")
	bad = standbyBookingBody("BK3", "", []map[string]any{su100("economy")}, pax("SU", "2012-04-02", 10))
	c.requireError("POST", "/api/standby/bookings", bad, http.StatusBadRequest, "passengers[0].category")
	bad = standbyBookingBody("", "", []map[string]any{su100("economy")}, pax("SU", "2012-04-02", 1))
	c.requireError("POST", "/api/standby/bookings", bad, http.StatusBadRequest, "booking_id")
	bad = standbyBookingBody("BK3", "", []map[string]any{su100("economy")}, pax("SU", "2012-04-02", 1))
	bad["seat"] = "12A"
	c.requireError("POST", "/api/standby/bookings", bad, http.StatusBadRequest, "body")
	c.requireError("GET", "/api/standby/bookings/BK3", nil, http.StatusNotFound, "")
	// A passenger already waiting: 409, and the other segment stays empty.
	dup := standbyBookingBody("BK2", "", []map[string]any{{"flight": map[string]any{"carrier": "SU", "number": "102", "date": "2027-11-30"}, "cabin": "economy"}, su100("economy")}, pax("SU", "2012-04-02", 3))
	c.requireError("POST", "/api/standby/bookings", dup, http.StatusConflict, "")
	code, _ = c.do("GET", "/api/standby/flights/SU-102-2027-11-30/queue", nil, &view)
	require.Equal(t, http.StatusOK, code)
	require.Zero(t, view.Total, "all or none")

	// A booking ID with a slash travels path-escaped.
	code, raw = c.do("POST", "/api/standby/bookings", standbyBookingBody("PNR/7 Ж", "2027-11-21T10:00:00Z", []map[string]any{su100("economy")}, pax("S7", "2015-01-01", 0)), nil)
	require.Equal(t, http.StatusCreated, code, raw)
	code, raw = c.do("GET", "/api/standby/bookings/"+url.PathEscape("PNR/7 Ж"), nil, &got)
	require.Equal(t, http.StatusOK, code, raw)
	require.Equal(t, "PNR/7 Ж", got.BookingID)
	require.Equal(t, []string{"SU-100-2027-11-23 active 4/4"}, got.places())

	// Boarding and cancelling.
	leave := func(booking string, passenger int, status string) (int, string) {
		return c.do("POST", standbyFlight+"/leave", map[string]any{"booking_id": booking, "passenger": passenger, "status": status}, nil)
	}
	code, raw = leave("BK2", 0, "boarded")
	require.Equal(t, http.StatusOK, code, raw)
	require.Contains(t, raw, `"status":"boarded"`)
	code, _ = leave("BK2", 0, "boarded")
	require.Equal(t, http.StatusConflict, code, "no longer waiting")
	code, _ = leave("BK9", 0, "boarded")
	require.Equal(t, http.StatusNotFound, code)
	c.requireError("POST", standbyFlight+"/leave", map[string]any{"booking_id": "BK2", "passenger": 1, "status": "closed"}, http.StatusBadRequest, "status")
	c.requireError("POST", standbyFlight+"/leave", map[string]any{"booking_id": "BK2", "status": "boarded"}, http.StatusBadRequest, "passenger")

	var cancelled struct {
		BookingID string `json:"booking_id"`
		Cancelled []struct {
			Flight    string `json:"flight"`
			Passenger int    `json:"passenger"`
		} `json:"cancelled"`
	}
	code, raw = c.do("POST", "/api/standby/bookings/BK1/cancel", nil, &cancelled)
	require.Equal(t, http.StatusOK, code, raw)
	require.Len(t, cancelled.Cancelled, 1)
	code, raw = c.do("POST", "/api/standby/bookings/BK1/cancel", nil, &cancelled)
	require.Equal(t, http.StatusOK, code, raw)
	require.Empty(t, cancelled.Cancelled, "a retried cancel is harmless")
	c.requireError("POST", "/api/standby/bookings/BK404/cancel", nil, http.StatusNotFound, "")

	var before standbyTestBooking
	code, _ = c.do("GET", "/api/standby/bookings/BK2", nil, &before)
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, []string{
		"SU-100-2027-11-23 boarded", "SU-100-2027-11-23 active 1/2",
		"SU-101-2027-11-30 active 1/2", "SU-101-2027-11-30 active 2/2",
	}, before.places())

	// A restart on the same file keeps every place.
	require.NoError(t, c.ts.Stop())
	restarted := startStandby(t, "-db", db)
	require.Contains(t, restarted.ts.stderr.String(), "standby: queues rebuilt")
	require.Contains(t, restarted.ts.stderr.String(), "entries=4")
	var after standbyTestBooking
	code, _ = restarted.do("GET", "/api/standby/bookings/BK2", nil, &after)
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, before.places(), after.places())
	code, _ = restarted.do("GET", "/api/standby/bookings/"+url.PathEscape("PNR/7 Ж"), nil, &got)
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, []string{"SU-100-2027-11-23 active 2/2"}, got.places())

	// Closing the flight.
	var closed struct {
		Flight string `json:"flight"`
		Closed int    `json:"closed"`
	}
	code, raw = restarted.do("POST", standbyFlight+"/close", nil, &closed)
	require.Equal(t, http.StatusOK, code, raw)
	require.Equal(t, 2, closed.Closed)
	code, _ = restarted.do("POST", standbyFlight+"/close", nil, &closed)
	require.Equal(t, http.StatusOK, code)
	require.Zero(t, closed.Closed)
	restarted.requireError("POST", "/api/standby/bookings", standbyBookingBody("BK5", "", []map[string]any{su100("economy")}, pax("SU", "2012-04-02", 1)), http.StatusConflict, "")
	code, _ = restarted.do("GET", "/api/standby/bookings/BK2", nil, &after)
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, []string{
		"SU-100-2027-11-23 boarded", "SU-100-2027-11-23 closed",
		"SU-101-2027-11-30 active 1/2", "SU-101-2027-11-30 active 2/2",
	}, after.places())
}

// Two servers on one PostgreSQL database see each other's changes at once
// (shared mode, the default on PostgreSQL).
func TestStandbyTwoServersOnPostgres(t *testing.T) {
	db := pgtest.URL(t)
	a := startStandby(t, "-db", db)
	b := startStandby(t, "-db", db)
	require.Contains(t, a.ts.stderr.String(), "shared=true")

	code, raw := a.do("POST", "/api/standby/bookings", standbyBookingBody("BK1", "2027-11-20T09:00:00Z", []map[string]any{su100("economy")}, pax("SU", "2010-01-01", 5)), nil)
	require.Equal(t, http.StatusCreated, code, raw)
	code, raw = b.do("POST", "/api/standby/bookings", standbyBookingBody("BK2", "2027-11-20T10:00:00Z", []map[string]any{su100("economy")}, pax("SU", "2010-01-01", 2)), nil)
	require.Equal(t, http.StatusCreated, code, raw)

	var got standbyTestBooking
	code, _ = a.do("GET", "/api/standby/bookings/BK1", nil, &got)
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, []string{"SU-100-2027-11-23 active 2/2"}, got.places(), "server a sees b's booking ahead")

	code, _ = a.do("POST", standbyFlight+"/leave", map[string]any{"booking_id": "BK2", "passenger": 0, "status": "boarded"}, nil)
	require.Equal(t, http.StatusOK, code)
	code, _ = b.do("GET", "/api/standby/bookings/BK1", nil, &got)
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, []string{"SU-100-2027-11-23 active 1/1"}, got.places(), "server b sees a's boarding")

	// The same passenger added through both servers at once is stored once.
	body := standbyBookingBody("BK3", "2027-11-20T11:00:00Z", []map[string]any{su100("economy")}, pax("SU", "2010-01-01", 1))
	codes := make(chan int, 2)
	for _, c := range []standbyClient{a, b} {
		go func() {
			code, _ := c.do("POST", "/api/standby/bookings", body, nil)
			codes <- code
		}()
	}
	got1, got2 := <-codes, <-codes
	require.ElementsMatch(t, []int{http.StatusCreated, http.StatusConflict}, []int{got1, got2})
}

func TestStandbyConfig(t *testing.T) {
	cfgFile := filepath.Join(t.TempDir(), "c.json")
	require.NoError(t, os.WriteFile(cfgFile, []byte(`{"standby": {"shared": true, "max_queue_page": 2}}`), 0o600))
	c := startStandby(t, "-db", "memory:", "-config", cfgFile)
	require.Contains(t, c.ts.stderr.String(), "shared=true")
	c.requireError("GET", standbyFlight+"/queue?limit=3", nil, http.StatusBadRequest, "limit")
	code, _ := c.do("GET", standbyFlight+"/queue?limit=2", nil, nil)
	require.Equal(t, http.StatusOK, code)

	require.NoError(t, os.WriteFile(cfgFile, []byte(`{"standby": {"max_queue_page": -1}}`), 0o600))
	var out, errOut bytes.Buffer
	err := run(t.Context(), []string{"bookingkitd", "-db", "memory:", "-config", cfgFile}, func(string) string { return "" }, &out, &errOut)
	require.ErrorContains(t, err, "standby.max_queue_page")
}
