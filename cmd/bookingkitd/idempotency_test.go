package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/storage/storagetest/pgtest"
)

// keyedAnswer is one answer to a POST sent with an Idempotency-Key.
type keyedAnswer struct {
	status   int
	location string
	body     string
}

// postWithKey posts in as JSON to baseURL+path with the bearer token and
// the Idempotency-Key key.
func postWithKey(t *testing.T, baseURL, path, token, key string, in any) keyedAnswer {
	t.Helper()
	raw, err := json.Marshal(in)
	require.NoError(t, err)
	req, err := http.NewRequest("POST", baseURL+path, bytes.NewReader(raw))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Idempotency-Key", key)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return keyedAnswer{resp.StatusCode, resp.Header.Get("Location"), string(body)}
}

// TestStaffBookingIdempotencyKeyAcrossTwoServersOnPostgres: two servers
// on one database; a booking repeated with its key, to either server,
// gets the first answer and books once; the key with another body is 422;
// of the same new key sent to both servers at once, one request books.
func TestStaffBookingIdempotencyKeyAcrossTwoServersOnPostgres(t *testing.T) {
	db := pgtest.URL(t)
	a := startStaff(t, db, nil)
	session, ids := a.signUp()
	// The second server starts once the sign-up's mail is read: its
	// outbox worker would otherwise send it through its own SMTP server.
	b := startStaff(t, db, nil)

	flight := map[string]string{"carrier": "SU", "number": "0100", "date": time.Now().AddDate(0, 0, 10).Format(time.DateOnly)}
	booking := func(fare string) map[string]any {
		return map[string]any{"flight": flight, "fare_basis": fare, "passenger_type": "ADT", "cabin": "economy",
			"passengers": []map[string]string{{"person_id": ids["Lennon"]}}}
	}
	first := postWithKey(t, a.ts.URL, "/api/staff/bookings", session, `"booking-1"`, booking("Y"))
	require.Equal(t, http.StatusCreated, first.status, first.body)
	require.NotEmpty(t, first.location)
	for _, srv := range []*staffEnvT{a, b, b} {
		again := postWithKey(t, srv.ts.URL, "/api/staff/bookings", session, `"booking-1"`, booking("Y"))
		require.Equal(t, first, again, "a repeat, to either server, gets the first answer")
	}
	other := postWithKey(t, b.ts.URL, "/api/staff/bookings", session, `"booking-1"`, booking("B"))
	require.Equal(t, http.StatusUnprocessableEntity, other.status, other.body)
	require.Contains(t, other.body, "Idempotency-Key")

	var list struct {
		Items []staffBookingT `json:"items"`
	}
	b.call("GET", "/api/staff/bookings", staffAuth(session), nil, http.StatusOK, &list)
	require.Len(t, list.Items, 1, "booked once")

	// One new key sent to both servers at once: one books, the others
	// get its answer or 409 (still in flight), never a second booking.
	const n = 8
	answers := make([]keyedAnswer, n)
	var wg sync.WaitGroup
	for i := range n {
		srv := []*staffEnvT{a, b}[i%2]
		wg.Go(func() {
			answers[i] = postWithKey(t, srv.ts.URL, "/api/staff/bookings", session, `"booking-2"`, booking("Y"))
		})
	}
	wg.Wait()
	var created []keyedAnswer
	for _, ans := range answers {
		switch ans.status {
		case http.StatusCreated:
			created = append(created, ans)
		case http.StatusConflict:
			require.Contains(t, ans.body, "Idempotency-Key")
		default:
			t.Fatalf("answer %d: %s", ans.status, ans.body)
		}
	}
	require.NotEmpty(t, created)
	for _, c := range created {
		require.Equal(t, created[0], c, "every 201 is the one booking")
	}
	a.call("GET", "/api/staff/bookings", staffAuth(session), nil, http.StatusOK, &list)
	require.Len(t, list.Items, 2, "the concurrent requests booked once")
	require.Equal(t, created[0].location, "/api/staff/bookings/"+list.Items[0].ID)
}

// TestStandbyBookingIdempotencyKeyAcrossTwoServersOnPostgres: the
// engine's standby booking repeated with its key to the other server gets
// the first answer (without the key, a repeat is 409: the passengers are
// stored already); the key with another body is 422.
func TestStandbyBookingIdempotencyKeyAcrossTwoServersOnPostgres(t *testing.T) {
	db := pgtest.URL(t)
	a := startStandby(t, "-db", db)
	b := startStandby(t, "-db", db)
	body := standbyBookingBody("BK1", "2027-11-19T08:00:00Z", []map[string]any{su100("business")}, pax("AF", "1999-05-01", 1))
	first := postWithKey(t, a.ts.URL, "/api/standby/bookings", standbyTestToken, "standby-bk1", body)
	require.Equal(t, http.StatusCreated, first.status, first.body)
	again := postWithKey(t, b.ts.URL, "/api/standby/bookings", standbyTestToken, "standby-bk1", body)
	require.Equal(t, first, again)
	code, raw := b.do("POST", "/api/standby/bookings", body, nil)
	require.Equal(t, http.StatusConflict, code, "without the key, a repeat is refused: %s", raw)

	body["booked_at"] = "2027-11-19T08:00:01Z"
	other := postWithKey(t, a.ts.URL, "/api/standby/bookings", standbyTestToken, "standby-bk1", body)
	require.Equal(t, http.StatusUnprocessableEntity, other.status, other.body)

	var got standbyTestBooking
	code, raw = a.do("GET", "/api/standby/bookings/BK1", nil, &got)
	require.Equal(t, http.StatusOK, code, raw)
	require.Equal(t, []string{"SU-100-2027-11-23 active 1/1"}, got.places(), "one passenger, once")
}
