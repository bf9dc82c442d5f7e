package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/internal/smtptest"
	"github.com/bookingkit/bookingkit/storage/storagetest/pgtest"
)

// startStaffWithEngine is startStaff with a known engine token, for tests
// that also act as the booking engine (closing a flight, reading a queue).
func startStaffWithEngine(t *testing.T, db string) *staffEnvT {
	t.Helper()
	smtp := smtptest.Start(t)
	raw, err := json.Marshal(map[string]any{
		"staffid": map[string]any{"standby_passenger_types": []string{"ZED"}, "airline_code": "SU"},
	})
	require.NoError(t, err)
	cfgFile := filepath.Join(t.TempDir(), "bookingkit.json")
	require.NoError(t, os.WriteFile(cfgFile, raw, 0o600))
	ts := startServer(t, map[string]string{
		"BOOKINGKIT_ENGINE_TOKEN": standbyTestToken,
		"BOOKINGKIT_IMPORT_TOKEN": staffTestImportToken,
		"BOOKINGKIT_SMTP_ADDR":    smtp.Addr,
		"BOOKINGKIT_SMTP_FROM":    "staff-travel@airline.test",
		"BOOKINGKIT_PUBLIC_URL":   "https://staff.airline.test",
	}, "-db", db, "-config", cfgFile)
	return &staffEnvT{t: t, ts: ts, smtp: smtp}
}

func engineAuth() http.Header {
	return http.Header{"Authorization": {"Bearer " + standbyTestToken}}
}

// flightDays is the key of SU 100 days days from today (negative: ago).
func flightDays(days int) string {
	return "SU-100-" + time.Now().UTC().AddDate(0, 0, days).Format(time.DateOnly)
}

// Attack (issue 14, item 13): the estimate offered place 1 on a closed or
// departed flight, where booking is refused. Both estimates, the engine's
// and the employee's, now say the flight takes no standby passengers.
func TestStandbyEstimateSaysClosedOrDepartedFlightsTakeNobody(t *testing.T) {
	e := startStaffWithEngine(t, "memory:")
	session, ids := e.signUp()
	open, closed, departed := flightDays(10), flightDays(11), flightDays(-2)
	e.call("POST", "/api/standby/flights/"+closed+"/close", engineAuth(), nil, http.StatusOK, nil)

	engineEstimate := func(key string) (int, errorBody) {
		t.Helper()
		var body errorBody
		status, _, raw := e.do("GET", "/api/standby/flights/"+key+"/estimate?cabin=economy&employer=SU&category=3&employed_on=2010-01-01", engineAuth(), nil)
		if status != http.StatusOK {
			require.NoError(t, json.Unmarshal(raw, &body), "%s", raw)
		}
		return status, body
	}
	staffEstimate := func(key string) (int, errorBody) {
		t.Helper()
		var body errorBody
		status, _, raw := e.do("GET", "/api/staff/standby/flights/"+key+"/estimate?passengers="+ids["Yoko"], staffAuth(session), nil)
		if status != http.StatusOK {
			require.NoError(t, json.Unmarshal(raw, &body), "%s", raw)
		}
		return status, body
	}
	for name, estimate := range map[string]func(string) (int, errorBody){"engine": engineEstimate, "staff": staffEstimate} {
		status, _ := estimate(open)
		require.Equal(t, http.StatusOK, status, "%s: an open flight has a place to offer", name)
		status, body := estimate(closed)
		require.Equal(t, http.StatusConflict, status, name)
		require.Contains(t, body.Error, "flight "+closed+" takes no standby passengers: it is closed", name)
		status, body = estimate(departed)
		require.Equal(t, http.StatusConflict, status, name)
		require.Contains(t, body.Error, "flight "+departed+" takes no standby passengers: it has departed", name)
	}

	// Booking agrees with the estimate: refused on both, taken on the open one.
	book := func(key string) (int, []byte) {
		f, err := time.Parse(time.DateOnly, key[len("SU-100-"):])
		require.NoError(t, err)
		status, _, raw := e.do("POST", "/api/staff/bookings", staffAuth(session), map[string]any{
			"flight": map[string]string{"carrier": "SU", "number": "100", "date": f.Format(time.DateOnly)}, "fare_basis": "ZED1", "passenger_type": "ZED", "cabin": "economy",
			"passengers": []map[string]string{{"person_id": ids["Yoko"], "birth_day": "18.02.1933"}},
		})
		return status, raw
	}
	status, raw := book(closed)
	require.Equal(t, http.StatusConflict, status, "%s", raw)
	require.Contains(t, string(raw), "it is closed")
	status, raw = book(departed)
	require.Equal(t, http.StatusBadRequest, status, "%s", raw)
	require.Contains(t, string(raw), "the flight has already left")
	status, raw = book(open)
	require.Equal(t, http.StatusCreated, status, "%s", raw)
	// And the engine's own booking call refuses what its estimate refuses.
	for _, key := range []string{closed, departed} {
		status, _, raw := e.do("POST", "/api/standby/bookings", engineAuth(), standbyBookingBody("ENGINE-"+key, "",
			[]map[string]any{{"flight": map[string]any{"carrier": "SU", "number": "100", "date": key[len("SU-100-"):]}, "cabin": "economy"}},
			pax("SU", "2010-01-01", 3)))
		require.Equal(t, http.StatusConflict, status, "%s", raw)
		require.Contains(t, string(raw), "takes no standby passengers")
	}
}

// Attack (issue 14, item 12): two staff bookings for Paul on one flight
// gave him two places in its standby queue (total 2). One person, one
// place per flight: the second booking is refused with 409, and the
// queue keeps one place.
func staffOnePlacePerPerson(t *testing.T, db string) {
	e := startStaffWithEngine(t, db)
	session, ids := e.signUp()
	date := time.Now().UTC().AddDate(0, 0, 10).Format(time.DateOnly)
	key := "SU-100-" + date
	book := func(people ...string) (int, []byte) {
		t.Helper()
		var passengers []map[string]string
		for _, p := range people {
			passengers = append(passengers, map[string]string{"person_id": ids[p]})
		}
		status, _, raw := e.do("POST", "/api/staff/bookings", staffAuth(session), map[string]any{
			"flight": map[string]string{"carrier": "SU", "number": "100", "date": date}, "fare_basis": "ZED1", "passenger_type": "ZED", "cabin": "economy",
			"passengers": passengers,
		})
		return status, raw
	}
	queueTotal := func() int {
		t.Helper()
		var view struct {
			Total int `json:"total"`
		}
		e.call("GET", "/api/standby/flights/"+key+"/queue", engineAuth(), nil, http.StatusOK, &view)
		return view.Total
	}

	status, raw := book("McCartney")
	require.Equal(t, http.StatusCreated, status, "%s", raw)
	var first staffBookingT
	require.NoError(t, json.Unmarshal(raw, &first))

	status, raw = book("McCartney")
	require.Equal(t, http.StatusConflict, status, "%s", raw)
	var refused errorBody
	require.NoError(t, json.Unmarshal(raw, &refused))
	require.Contains(t, refused.Error, "passenger Paul McCartney")
	require.Contains(t, refused.Error, "already stands in the standby queue of "+key+" with booking "+first.ID)
	require.Contains(t, refused.Error, "one place per person and flight")
	// With a companion, all or none: Yoko gets no place from the refused booking.
	status, raw = book("Yoko", "McCartney")
	require.Equal(t, http.StatusConflict, status, "%s", raw)
	require.Equal(t, 1, queueTotal(), "Paul stands once")
	var list struct {
		Items []staffBookingT `json:"items"`
	}
	e.call("GET", "/api/staff/bookings", staffAuth(session), nil, http.StatusOK, &list)
	require.Len(t, list.Items, 1, "the refused bookings were taken back")

	// Once his place is given up he may book again.
	e.call("POST", "/api/standby/bookings/"+first.ID+"/cancel", engineAuth(), nil, http.StatusOK, nil)
	status, raw = book("McCartney")
	require.Equal(t, http.StatusCreated, status, "%s", raw)
	require.Equal(t, 1, queueTotal())

	// The engine's own bookings follow the same rule when they name the
	// traveller.
	engineBooking := func(id string) (int, string) {
		status, _, raw := e.do("POST", "/api/standby/bookings", engineAuth(), standbyBookingBody(id, "",
			[]map[string]any{{"flight": map[string]any{"carrier": "SU", "number": "200", "date": date}, "cabin": "economy"}},
			map[string]any{"employer": "AF", "employed_on": "2010-01-01", "category": 3, "traveller": "AF-PROFILE-77"}))
		return status, string(raw)
	}
	status, body := engineBooking("ENGINE-1")
	require.Equal(t, http.StatusCreated, status, body)
	require.Contains(t, body, `"traveller":"AF-PROFILE-77"`)
	status, body = engineBooking("ENGINE-2")
	require.Equal(t, http.StatusConflict, status, body)
	var engineRefused errorBody
	require.NoError(t, json.Unmarshal([]byte(body), &engineRefused))
	require.Equal(t, "standby: traveller AF-PROFILE-77 already stands in the standby queue of SU-200-"+date+" with booking ENGINE-1: one place per person and flight; cancel that booking first", engineRefused.Error,
		"the queue's words, on SQLite and PostgreSQL alike")
}

func TestStaffOnePlacePerPersonOnSQLite(t *testing.T) {
	staffOnePlacePerPerson(t, filepath.Join(t.TempDir(), "bookingkit.db"))
}

func TestStaffOnePlacePerPersonOnPostgres(t *testing.T) {
	staffOnePlacePerPerson(t, pgtest.URL(t))
}
