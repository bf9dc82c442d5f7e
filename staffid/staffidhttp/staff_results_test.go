package staffidhttp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/httpapi"
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/staffid/staffidhttp"
	"github.com/bookingkit/bookingkit/standby"
	"github.com/bookingkit/bookingkit/storage/memory"
)

// oneEmployee signs in every request as the same employee: an engine's
// own sign-in, as simple as it gets.
type oneEmployee struct{ p staffid.Person }

func (o oneEmployee) Employee(*http.Request) (staffid.SignedIn, error) {
	return staffid.SignedIn{Employee: o.p}, nil
}

// resultsEnv is an employee with three companions, and flights whose
// standby queues hold waiting passengers, behind the cabinet's routes.
type resultsEnv struct {
	server *httptest.Server
	queue  *standby.Service
	party  []string // the employee first
	dates  []string // the flights' keys
}

func newResultsEnv(t testing.TB, flights, waiting int) *resultsEnv {
	ctx := context.Background()
	stores := memory.New().Stores()
	cfg := staffid.Config{StandbyPassengerTypes: []string{"ZED"}, AirlineCode: "SU"}
	importer, err := staffid.NewImporter(cfg, stores.StaffID)
	require.NoError(t, err)
	list := `[{"LastName": "Lennon", "FirstName": "John", "LastNameEng": "Lennon", "FirstNameEng": "John", "BirthDay": "09.10.1940",
	  "Sex": "M", "DateOfEmployment": "09.11.1980", "EmployeeID": 884220062, "IsEmployee": 1, "CategoryCode": 5, "Email": "it@websky.tech"},
	 {"LastName": "Ono", "FirstName": "Yoko", "LastNameEng": "Ono", "FirstNameEng": "Yoko", "BirthDay": "18.02.1933", "Sex": "F",
	  "EmployeeID": 884220062, "IsEmployee": 0, "CategoryCode": 1},
	 {"LastName": "Lennon", "FirstName": "Julian", "LastNameEng": "Lennon", "FirstNameEng": "Julian", "BirthDay": "08.04.1963", "Sex": "M",
	  "EmployeeID": 884220062, "IsEmployee": 0, "CategoryCode": 2},
	 {"LastName": "Lennon", "FirstName": "Sean", "LastNameEng": "Lennon", "FirstNameEng": "Sean", "BirthDay": "09.10.1975", "Sex": "M",
	  "EmployeeID": 884220062, "IsEmployee": 0, "CategoryCode": 7}]`
	_, err = importer.Import(ctx, strings.NewReader(list), staffid.FormatJSON, staffid.ImportOptions{})
	require.NoError(t, err)
	e := &resultsEnv{queue: standby.NewService(stores.Standby)}
	bookings, err := staffid.NewBookings(cfg, stores.StaffID, stores.StaffBookings, e.queue)
	require.NoError(t, err)
	people, err := stores.StaffID.People(ctx, staffid.PeopleQuery{})
	require.NoError(t, err)
	var employee staffid.Person
	for _, p := range people {
		if p.IsEmployee {
			employee = p
		}
	}
	group, err := bookings.Passengers(ctx, employee.ID)
	require.NoError(t, err)
	for _, p := range group {
		e.party = append(e.party, p.ID)
	}
	// Each flight's queue: waiting passengers of categories 0 to 9.
	for f := range flights {
		date := time.Now().AddDate(0, 0, 7+f/10)
		flight := standby.Flight{Carrier: "SU", Number: fmt.Sprint(100 + f%10), Date: date}
		e.dates = append(e.dates, string(flight.Key()))
		for i := range waiting {
			_, err := e.queue.AddBooking(ctx, standby.Booking{ID: fmt.Sprintf("W%03d%03d", f, i), BookedAt: time.Now(),
				Segments:   []standby.Segment{{Flight: flight, Cabin: standby.Economy}},
				Passengers: []standby.Passenger{{Employer: "SU", EmployedOn: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), Category: i % 10}}})
			require.NoError(t, err)
		}
	}
	cabinet, err := staffidhttp.NewStaffHandler(bookings, oneEmployee{employee}, staffidhttp.StaffOptions{})
	require.NoError(t, err)
	mux := http.NewServeMux()
	httpapi.Mount(mux, cabinet.Routes())
	e.server = httptest.NewServer(mux)
	t.Cleanup(e.server.Close)
	return e
}

// fare is one fare of a results page, the flight's key parsed back.
func (e *resultsEnv) fare(t testing.TB, f int, ptc string, seats ...int) map[string]any {
	key, err := standby.ParseFlightKey(e.dates[f])
	require.NoError(t, err)
	out := map[string]any{"flight": map[string]string{"carrier": key.Carrier, "number": key.Number, "date": key.Date.Format(time.DateOnly)},
		"cabin": "economy", "passenger_type": ptc}
	if len(seats) > 0 {
		out["open_seats"] = seats[0]
	}
	if len(seats) > 1 {
		out["expected_no_shows"] = seats[1]
	}
	return out
}

func (e *resultsEnv) post(t testing.TB, body any) (int, []byte) {
	b, err := json.Marshal(body)
	require.NoError(t, err)
	resp, err := http.Post(e.server.URL+"/api/staff/standby/estimates", "application/json", bytes.NewReader(b))
	require.NoError(t, err)
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, out
}

func TestStandbyResultsPage(t *testing.T) {
	e := newResultsEnv(t, 3, 10)
	_, err := e.queue.CloseFlight(context.Background(), mustFlight(t, e.dates[2]))
	require.NoError(t, err)
	status, body := e.post(t, map[string]any{"passengers": e.party, "fares": []any{
		e.fare(t, 0, "ADT"),
		e.fare(t, 0, "ZED"),
		e.fare(t, 1, "zed", 5),
		e.fare(t, 1, "ZED", 20, 2),
		e.fare(t, 2, "ZED", 9),
	}})
	require.Equal(t, http.StatusOK, status, string(body))
	var got struct {
		Fares []struct {
			Standby   bool   `json:"standby"`
			NoStandby string `json:"no_standby"`
			Places    []struct {
				PersonID string `json:"person_id"`
				Position int    `json:"position"`
			} `json:"places"`
			Chance *struct {
				Level     string `json:"level"`
				LastPlace int    `json:"last_place"`
				Fitting   int    `json:"fitting"`
				Reason    string `json:"reason"`
			} `json:"chance"`
		} `json:"fares"`
	}
	require.NoError(t, json.Unmarshal(body, &got))
	require.Len(t, got.Fares, 5)
	require.False(t, got.Fares[0].Standby)
	require.Empty(t, got.Fares[0].Places)

	// The places are one estimate's, in the order asked (the party is
	// split across places: John is category 5, Yoko 1, Julian 2, Sean 7).
	f := got.Fares[1]
	require.True(t, f.Standby)
	require.Len(t, f.Places, 4)
	require.Equal(t, e.party[0], f.Places[0].PersonID)
	positions := []int{f.Places[0].Position, f.Places[1].Position, f.Places[2].Position, f.Places[3].Position}
	resp, err := http.Get(e.server.URL + "/api/staff/standby/flights/" + e.dates[0] + "/estimate?passengers=" + strings.Join(e.party, ","))
	require.NoError(t, err)
	single, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for i, p := range positions {
		require.Contains(t, string(single), fmt.Sprintf(`{"person_id":%q,"position":%d}`, e.party[i], p))
	}
	require.Nil(t, f.Chance, "no seat figures: nothing said of the chance")

	require.Equal(t, "unlikely", got.Fares[2].Chance.Level, "a party split across places, 5 seats")
	require.Contains(t, got.Fares[2].Chance.Reason, "the passenger in the last open seat goes first")
	require.Equal(t, "likely", got.Fares[3].Chance.Level)
	require.Equal(t, "closed", got.Fares[4].NoStandby)
	require.Empty(t, got.Fares[4].Places)

	status, body = e.post(t, map[string]any{"fares": []any{e.fare(t, 0, "ZED", -1)}})
	require.Equal(t, http.StatusBadRequest, status)
	require.Contains(t, string(body), `"field":"fares[0].open_seats"`)
	bad := e.fare(t, 0, "ZED")
	bad["flight"] = map[string]string{"carrier": "SU", "number": "100", "date": "tomorrow"}
	status, body = e.post(t, map[string]any{"fares": []any{e.fare(t, 0, "ADT"), bad}})
	require.Equal(t, http.StatusBadRequest, status)
	require.Contains(t, string(body), `"field":"fares[1].flight.date"`)
}

func mustFlight(t testing.TB, key string) standby.Flight {
	k, err := standby.ParseFlightKey(key)
	require.NoError(t, err)
	return k
}

// BenchmarkStandbyResultsPage measures a results page of 50 flights for a
// party of 4 over HTTP on loopback: one batch request, and the 50 single
// estimates it replaces, each a round trip.
func BenchmarkStandbyResultsPage(b *testing.B) {
	e := newResultsEnv(b, 50, 40)
	fares := make([]any, 50)
	for i := range fares {
		fares[i] = e.fare(b, i, "ZED", 10, 2)
	}
	page := map[string]any{"passengers": e.party, "fares": fares}
	b.Run("batch", func(b *testing.B) {
		for b.Loop() {
			if status, body := e.post(b, page); status != http.StatusOK {
				b.Fatal(status, string(body))
			}
		}
	})
	b.Run("single-x50", func(b *testing.B) {
		query := "/estimate?passengers=" + strings.Join(e.party, ",")
		for b.Loop() {
			for _, key := range e.dates {
				resp, err := http.Get(e.server.URL + "/api/staff/standby/flights/" + key + query)
				if err != nil || resp.StatusCode != http.StatusOK {
					b.Fatal(err, resp.Status)
				}
				io.Copy(io.Discard, resp.Body) //nolint:errcheck
				resp.Body.Close()
			}
		}
	})
}
