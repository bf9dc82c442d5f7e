package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/staffid"
)

// The engine's web server (server.go), started on a real listener and
// driven over HTTP as the airline's HR system, two employees and a
// customer would: every request goes through the engine's own router and
// its own sign-in to bookingkit's handlers mounted under its prefixes.
func TestServer(t *testing.T) {
	svc, err := newServices(func() time.Time { return now })
	require.NoError(t, err)
	s, err := newServer(svc, demoUsers(), demoSystems(), slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	engine := httptest.NewServer(s)
	defer engine.Close()

	anonymous := &client{t: t, url: engine.URL, http: engine.Client()}

	// The staff-list upload answers to the engine's keys for partner
	// systems, not to bookingkit's import token.
	upload := func(header ...string) (int, string) {
		return anonymous.do("POST", "/hr/api__airline_employee_upload", lists[0], append([]string{"Content-Type", "application/json"}, header...)...)
	}
	code, body := upload()
	require.Equal(t, http.StatusUnauthorized, code, body)
	require.Contains(t, body, "engine: partner systems send their key in X-Engine-Key")
	code, body = upload("Authorization", "Bearer su-hr-key")
	require.Equal(t, http.StatusUnauthorized, code, body)
	code, body = upload("X-Engine-Key", "search-key")
	require.Equal(t, http.StatusForbidden, code, body)
	require.Contains(t, body, "fare search may not replace the staff list")
	code, body = upload("X-Engine-Key", "su-hr-key")
	require.Equal(t, http.StatusOK, code, body)
	require.Contains(t, body, `"created":5`)
	history, err := svc.importer.History(context.Background(), staffid.HistoryQuery{Limit: 1})
	require.NoError(t, err)
	require.Equal(t, "SU HR", history.Items[0].Actor, "the history names whom the engine's check let in")

	// Without the engine's session, the mounted routes answer the
	// engine's own 401.
	for _, path := range []string{"/travel/api/staff/passengers", "/travel/api/staff/bookings", "/app/api/mogu/trips"} {
		code, body := anonymous.do("GET", path, "")
		require.Equal(t, http.StatusUnauthorized, code, path)
		require.Contains(t, body, "engine: sign in first (POST /login)", path)
	}
	code, _ = anonymous.do("POST", "/app/api/mogu/claims", `{"token":"x"}`, "Content-Type", "application/json")
	require.Equal(t, http.StatusUnauthorized, code)
	code, _ = anonymous.do("POST", "/login", `{"login":"ivan","password":"wrong"}`)
	require.Equal(t, http.StatusUnauthorized, code)

	// Ivan Ivanov signs in with the engine and books a standby (ZED) fare
	// on SU 100 for himself and his wife.
	ivan := signIn(t, engine, "ivan", "ivan-pw")
	ids := map[string]string{}
	for _, p := range passengersOf(t, ivan) {
		ids[p.name] = p.id
	}
	require.Len(t, ids, 3, "Ivan, his wife and his son")
	flight := `{"carrier":"SU","number":"100","date":"2026-11-23"}`
	var ivans struct {
		ID         string `json:"id"`
		Standby    bool   `json:"standby"`
		Passengers []struct {
			FirstNameEng string `json:"first_name_eng"`
			Standby      struct {
				Status   string `json:"status"`
				Position int    `json:"position"`
			} `json:"standby"`
		} `json:"passengers"`
	}
	// The search results page asks once for all its fares: the standby
	// fare is flagged, with each passenger's place and, for the two seats
	// the engine sees open, the party's chance of boarding.
	var results struct {
		Fares []struct {
			Standby bool `json:"standby"`
			Places  []struct {
				Position int `json:"position"`
			} `json:"places"`
			Chance *struct {
				Level string `json:"level"`
			} `json:"chance"`
		} `json:"fares"`
	}
	ivan.json("POST", "/travel/api/staff/standby/estimates",
		`{"passengers":["`+ids["Ivan"]+`","`+ids["Mariia"]+`"],"fares":[{"flight":`+flight+`,"passenger_type":"ADT","cabin":"economy"},`+
			`{"flight":`+flight+`,"passenger_type":"ZED","cabin":"economy","open_seats":2}]}`, http.StatusOK, &results)
	require.Len(t, results.Fares, 2)
	require.False(t, results.Fares[0].Standby)
	require.True(t, results.Fares[1].Standby)
	require.Len(t, results.Fares[1].Places, 2)
	require.Equal(t, 1, results.Fares[1].Places[0].Position, "an empty queue")
	require.Equal(t, "likely", results.Fares[1].Chance.Level)

	_, created := ivan.json("POST", "/travel/api/staff/bookings",
		`{"flight":`+flight+`,"fare_basis":"ZED1","passenger_type":"ZED","cabin":"economy","passengers":[{"person_id":"`+ids["Ivan"]+`"},{"person_id":"`+ids["Mariia"]+`"}]}`,
		http.StatusCreated, &ivans)
	require.True(t, ivans.Standby)
	require.Equal(t, "/travel/api/staff/bookings/"+ivans.ID, created.Get("Location"), "the booking's address is under the engine's prefix")
	require.Len(t, ivans.Passengers, 2)
	require.Equal(t, "Mariia", ivans.Passengers[1].FirstNameEng)
	require.Equal(t, "active", ivans.Passengers[0].Standby.Status)
	require.Equal(t, 1, ivans.Passengers[0].Standby.Position, "first in the queue, for now")

	// Anna Petrova (category 1, ahead of Ivan's 2) books the same flight
	// for herself.
	anna := signIn(t, engine, "anna", "anna-pw")
	annaPassengers := passengersOf(t, anna)
	require.Len(t, annaPassengers, 1)
	var annas struct {
		ID string `json:"id"`
	}
	anna.json("POST", "/travel/api/staff/bookings",
		`{"flight":`+flight+`,"passenger_type":"ZED","cabin":"economy","passengers":[{"person_id":"`+annaPassengers[0].id+`"}]}`,
		http.StatusCreated, &annas)

	// Ivan sees the queue, anonymised, his two passengers marked.
	var queue struct {
		Yours []struct {
			BookingID   string `json:"booking_id"`
			PersonID    string `json:"person_id"`
			Position    int    `json:"position"`
			QueueLength int    `json:"queue_length"`
		} `json:"yours"`
	}
	raw, _ := ivan.json("GET", "/travel/api/staff/standby/flights/SU-100-2026-11-23/queue", "", http.StatusOK, &queue)
	require.NotContains(t, raw, annas.ID, "the others' bookings are anonymised")
	require.Len(t, queue.Yours, 2, raw)
	require.Equal(t, ivans.ID, queue.Yours[0].BookingID)
	require.Equal(t, ids["Ivan"], queue.Yours[0].PersonID)
	require.Equal(t, 2, queue.Yours[0].Position, "after Anna, category 1")
	require.Equal(t, 3, queue.Yours[1].Position)
	require.Equal(t, 3, queue.Yours[0].QueueLength)

	// Another employee's booking is not Anna's to see, nor to list.
	code, _ = anna.do("GET", "/travel/api/staff/bookings/"+ivans.ID, "")
	require.Equal(t, http.StatusNotFound, code)
	listed, _ := anna.json("GET", "/travel/api/staff/bookings", "", http.StatusOK, nil)
	require.Contains(t, listed, annas.ID)
	require.NotContains(t, listed, ivans.ID)
	ivan.json("GET", "/travel/api/staff/bookings/"+ivans.ID, "", http.StatusOK, nil)

	// Olga is the engine's customer, not staff: no cabinet for her. The
	// engine's back office registers her trip with MOGU and prints its
	// voucher; she scans the code and the app claims it in her MOGU
	// account, signed in with the engine.
	olga := signIn(t, engine, "olga", "olga-pw")
	code, body = olga.do("GET", "/travel/api/staff/passengers", "")
	require.Equal(t, http.StatusForbidden, code, body)
	token, err := registerTrip(context.Background(), svc.mogu, time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	// The voucher's claim URL opens the landing page under /app, signed
	// in or not.
	code, body = anonymous.do("GET", "/app/api/mogu/c/"+token, "")
	require.Equal(t, http.StatusOK, code)
	require.Contains(t, body, "mogu://claim/")
	claim := `{"token":"` + token + `"}`
	var trip struct {
		BookingID string `json:"booking_id"`
		Title     string `json:"title"`
		Claimed   bool   `json:"claimed"`
	}
	olga.json("POST", "/app/api/mogu/claims", claim, http.StatusOK, &trip)
	require.Equal(t, "ITT-10593", trip.BookingID)
	require.True(t, trip.Claimed)
	olga.json("GET", "/app/api/mogu/trips/ITT-10593", "", http.StatusOK, &trip)
	require.Equal(t, "Tenerife", trip.Title)
	trips, _ := olga.json("GET", "/app/api/mogu/trips", "", http.StatusOK, nil)
	require.Contains(t, trips, `"booking_id":"ITT-10593"`)
	// Her trip is not Ivan's.
	code, _ = ivan.do("GET", "/app/api/mogu/trips/ITT-10593", "")
	require.Equal(t, http.StatusNotFound, code)

	// Signed out, Olga's cookie opens nothing.
	code, _ = olga.do("POST", "/logout", "")
	require.Equal(t, http.StatusNoContent, code)
	code, _ = olga.do("GET", "/app/api/mogu/trips", "")
	require.Equal(t, http.StatusUnauthorized, code)
}

// client makes requests to the engine with its own cookies.
type client struct {
	t    *testing.T
	url  string
	http *http.Client
}

// signIn returns a client signed in with the engine as login.
func signIn(t *testing.T, engine *httptest.Server, login, password string) *client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	hc := *engine.Client()
	hc.Jar = jar
	c := &client{t: t, url: engine.URL, http: &hc}
	code, body := c.do("POST", "/login", `{"login":"`+login+`","password":"`+password+`"}`)
	require.Equal(t, http.StatusNoContent, code, body)
	return c
}

// do makes a request with header's name, value pairs and returns the
// status and body.
func (c *client) do(method, path, body string, header ...string) (int, string) {
	code, out, _ := c.request(method, path, body, header...)
	return code, out
}

func (c *client) request(method, path, body string, header ...string) (int, string, http.Header) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.url+path, strings.NewReader(body))
	require.NoError(c.t, err)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.http.Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	return resp.StatusCode, string(b), resp.Header
}

// json makes a request (a JSON body, when not empty), requires status,
// decodes the answer into out (when not nil) and returns the answer and
// its header.
func (c *client) json(method, path, body string, status int, out any) (string, http.Header) {
	c.t.Helper()
	var header []string
	if body != "" {
		header = []string{"Content-Type", "application/json"}
	}
	code, text, h := c.request(method, path, body, header...)
	require.Equal(c.t, status, code, text)
	if out != nil {
		require.NoError(c.t, json.Unmarshal([]byte(text), out), text)
	}
	return text, h
}

type passenger struct{ id, name string }

// passengersOf returns the signed-in employee's passengers, with their
// first names in English.
func passengersOf(t *testing.T, c *client) []passenger {
	t.Helper()
	var out struct {
		Passengers []struct {
			ID           string `json:"id"`
			FirstNameEng string `json:"first_name_eng"`
		} `json:"passengers"`
	}
	c.json("GET", "/travel/api/staff/passengers", "", http.StatusOK, &out)
	ps := make([]passenger, len(out.Passengers))
	for i, p := range out.Passengers {
		ps[i] = passenger{p.ID, p.FirstNameEng}
	}
	return ps
}
