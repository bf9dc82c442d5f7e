package main

import (
	"bytes"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/internal/smtptest"
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/staffid/staffidhttp"
	"github.com/bookingkit/bookingkit/storage/storagetest/pgtest"
)

const staffTestImportToken = "staff-test-import-token-0123456789abcdef"

// staffTestList is the seed's group (with Harrison's date corrected and
// moved to a group of his own) as the airline uploads it.
var staffTestList = []map[string]any{
	{"GUID": 0, "LastName": "Lennon", "FirstName": "John", "MiddleNameEng": nil, "BirthDay": "09.10.1940", "Sex": "M",
		"DateOfEmployment": "09.11.1980", "EmployeeID": 884220062, "IsEmployee": 1, "CategoryCode": 5, "MiddleName": nil,
		"LastNameEng": "Lennon", "FirstNameEng": "John", "Email": "it@websky.tech", "RelationDegree": nil},
	{"GUID": 1, "LastName": "Yoko", "FirstName": "Ono", "BirthDay": "18.02.1933", "Sex": "F", "DateOfEmployment": nil,
		"EmployeeID": 884220062, "IsEmployee": 0, "CategoryCode": 1, "LastNameEng": "Yoko", "FirstNameEng": "Ono", "RelationDegree": "wife"},
	{"GUID": 2, "LastName": "McCartney", "FirstName": "Paul", "BirthDay": "18.06.1942", "Sex": "M", "EmployeeID": 884220062,
		"IsEmployee": 0, "CategoryCode": 1, "LastNameEng": "McCartney", "FirstNameEng": "Paul", "Email": "pmc@beatles.com"},
	{"GUID": 4, "LastName": "Starkey", "FirstName": "Richard", "BirthDay": "07.07.1940", "Sex": "M", "EmployeeID": 884220062,
		"IsEmployee": 0, "CategoryCode": 1, "LastNameEng": "Starr", "FirstNameEng": "Ringo"},
	{"GUID": 3, "LastName": "Harrison", "FirstName": "George", "BirthDay": "25.02.1943", "Sex": "M", "DateOfEmployment": "01.03.1975",
		"EmployeeID": 100, "IsEmployee": 1, "CategoryCode": 0, "LastNameEng": "Harrison", "FirstNameEng": "George"},
}

// staffEnvT is a running server with staff travel configured; mail goes
// to an in-process SMTP server.
type staffEnvT struct {
	t    *testing.T
	ts   *testServer
	smtp *smtptest.Server
}

// startStaff starts the server on db; accounts is merged into the
// staff_accounts section.
func startStaff(t *testing.T, db string, accounts map[string]any) *staffEnvT {
	t.Helper()
	smtp := smtptest.Start(t)
	section := map[string]any{}
	maps.Copy(section, accounts)
	raw, err := json.Marshal(map[string]any{
		"staffid":        map[string]any{"standby_passenger_types": []string{"ZED"}, "airline_code": "SU"},
		"staff_accounts": section,
	})
	require.NoError(t, err)
	cfgFile := filepath.Join(t.TempDir(), "bookingkit.json")
	require.NoError(t, os.WriteFile(cfgFile, raw, 0o600))
	ts := startServer(t, map[string]string{
		"BOOKINGKIT_IMPORT_TOKEN": staffTestImportToken,
		"BOOKINGKIT_SMTP_ADDR":    smtp.Addr,
		"BOOKINGKIT_SMTP_FROM":    "staff-travel@airline.test",
		"BOOKINGKIT_PUBLIC_URL":   "https://staff.airline.test",
	}, "-db", db, "-config", cfgFile)
	return &staffEnvT{t: t, ts: ts, smtp: smtp}
}

// do sends a request and returns the status, headers and body. A non-nil
// in is sent as JSON.
func (e *staffEnvT) do(method, path string, header http.Header, in any) (int, http.Header, []byte) {
	e.t.Helper()
	var body io.Reader
	if in != nil {
		raw, err := json.Marshal(in)
		require.NoError(e.t, err)
		body = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, e.ts.URL+path, body)
	require.NoError(e.t, err)
	maps.Copy(req.Header, header)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(e.t, err)
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	require.NoError(e.t, err)
	return resp.StatusCode, resp.Header, out
}

// call is do for JSON answers: it checks the status and decodes into out.
func (e *staffEnvT) call(method, path string, header http.Header, in any, wantStatus int, out any) {
	e.t.Helper()
	status, _, body := e.do(method, path, header, in)
	require.Equal(e.t, wantStatus, status, "%s %s: %s", method, path, body)
	if out != nil {
		require.NoError(e.t, json.Unmarshal(body, out), "%s %s: %s", method, path, body)
	}
}

// upload imports list through the airline's automated upload, forced:
// the tests block most of a small list on purpose.
func (e *staffEnvT) upload(list []map[string]any) {
	e.t.Helper()
	e.call("POST", "/api__airline_employee_upload?force=true", http.Header{"Authorization": {"Bearer " + staffTestImportToken}}, list, http.StatusOK, nil)
}

func staffAuth(token string) http.Header {
	return http.Header{"Authorization": {"Bearer " + token}}
}

var staffLinkRE = regexp.MustCompile(`https://staff\.airline\.test(/api/staff/password\?token=[A-Za-z0-9_%-]+)`)

// mailedLink waits for the next message, checks it went to email, and
// returns the path and query of its link.
func (e *staffEnvT) mailedLink(email string) string {
	e.t.Helper()
	select {
	case m := <-e.smtp.Messages:
		require.Equal(e.t, []string{email}, m.To)
		require.Equal(e.t, "staff-travel@airline.test", m.From)
		match := staffLinkRE.FindStringSubmatch(m.Body)
		require.NotNil(e.t, match, "no link in %q", m.Body)
		return match[1]
	case <-time.After(10 * time.Second):
		e.t.Fatalf("no mail to %s", email)
		return ""
	}
}

func staffToken(link string) string {
	u, _ := url.Parse(link)
	return u.Query().Get("token")
}

var staffLennonForm = map[string]string{"LastName": "lennon", "FirstName": "John", "BirthDay": "09.10.1940", "EmployeeID": "884220062", "Email": "it@websky.tech"}

type staffSessionT struct {
	SessionToken string `json:"session_token"`
	Email        string `json:"email"`
	Employee     struct {
		ID          string `json:"id"`
		LastNameEng string `json:"last_name_eng"`
	} `json:"employee"`
}

type staffPersonT struct {
	ID          string `json:"id"`
	IsEmployee  bool   `json:"is_employee"`
	LastNameEng string `json:"last_name_eng"`
	BirthDay    string `json:"birth_day"`
}

type staffBookingT struct {
	ID         string `json:"id"`
	FlightKey  string `json:"flight_key"`
	Standby    bool   `json:"standby"`
	Cabin      string `json:"cabin"`
	Passengers []struct {
		PersonID    string `json:"person_id"`
		LastNameEng string `json:"last_name_eng"`
		BirthDay    string `json:"birth_day"`
		Standby     *struct {
			Status      string `json:"status"`
			Position    int    `json:"position"`
			QueueLength int    `json:"queue_length"`
		} `json:"standby"`
	} `json:"passengers"`
}

// passengerIDs signs in and returns the IDs of the passengers by
// passport last name.
func (e *staffEnvT) passengerIDs(session string) map[string]string {
	e.t.Helper()
	var out struct {
		Passengers []staffPersonT `json:"passengers"`
	}
	e.call("GET", "/api/staff/passengers", staffAuth(session), nil, http.StatusOK, &out)
	ids := map[string]string{}
	for _, p := range out.Passengers {
		ids[p.LastNameEng] = p.ID
	}
	return ids
}

func staffDone(t *testing.T, db string) {
	e := startStaff(t, db, nil)
	e.upload(staffTestList)

	// Register: the link comes through SMTP.
	var reg map[string]string
	form := map[string]any{}
	for k, v := range staffLennonForm {
		form[k] = v
	}
	form["EmployeeID"] = 884220062 // a number, as the list carries it
	e.call("POST", "/api/staff/register", nil, form, http.StatusAccepted, &reg)
	require.Equal(t, staffidhttp.StaffRegisterAnswer, reg["status"])
	link := e.mailedLink("it@websky.tech")

	// Opening the link shows the form, as often as it is opened.
	for range 2 {
		status, h, body := e.do("GET", link, nil, nil)
		require.Equal(t, http.StatusOK, status, "%s", body)
		require.Contains(t, h.Get("Content-Type"), "text/html")
		require.Equal(t, "no-referrer", h.Get("Referrer-Policy"))
		require.Contains(t, string(body), `name="token" value="`+staffToken(link)+`"`)
		require.Contains(t, string(body), "it@websky.tech")
	}

	// Setting the password uses the link and signs in.
	var s staffSessionT
	e.call("POST", "/api/staff/password", nil, map[string]string{"token": staffToken(link), "password": "yellow submarine 1966"}, http.StatusOK, &s)
	require.NotEmpty(t, s.SessionToken)
	require.Equal(t, "Lennon", s.Employee.LastNameEng)
	// Attack: replaying the used link.
	e.call("POST", "/api/staff/password", nil, map[string]string{"token": staffToken(link), "password": "another password 2"}, http.StatusUnauthorized, nil)
	status, _, _ := e.do("GET", link, nil, nil)
	require.Equal(t, http.StatusUnauthorized, status, "a used link shows no form")

	// Log in with email and password.
	var login staffSessionT
	e.call("POST", "/api/staff/login", nil, map[string]string{"email": "IT@websky.tech", "password": "yellow submarine 1966"}, http.StatusOK, &login)
	session := login.SessionToken
	var me staffSessionT
	e.call("GET", "/api/staff/me", staffAuth(session), nil, http.StatusOK, &me)
	require.Equal(t, "it@websky.tech", me.Email)

	// The passengers: himself first, then his companions.
	var passengers struct {
		Passengers []staffPersonT `json:"passengers"`
	}
	e.call("GET", "/api/staff/passengers", staffAuth(session), nil, http.StatusOK, &passengers)
	require.Len(t, passengers.Passengers, 4)
	require.Equal(t, "Lennon", passengers.Passengers[0].LastNameEng)
	require.True(t, passengers.Passengers[0].IsEmployee)
	ids := e.passengerIDs(session)

	// Book for himself, then standby for his companion.
	flight := map[string]string{"carrier": "SU", "number": "0100", "date": time.Now().AddDate(0, 0, 10).Format(time.DateOnly)}
	var own, companion staffBookingT
	e.call("POST", "/api/staff/bookings", staffAuth(session), map[string]any{
		"flight": flight, "fare_basis": "Y", "passenger_type": "ADT", "cabin": "economy",
		"passengers": []map[string]string{{"person_id": ids["Lennon"], "last_name_eng": "LENNON", "first_name_eng": "JOHN", "birth_day": "09.10.1940", "sex": "M"}},
	}, http.StatusCreated, &own)
	require.False(t, own.Standby)
	e.call("POST", "/api/staff/bookings", staffAuth(session), map[string]any{
		"flight": flight, "fare_basis": "ZED1", "passenger_type": "ZED", "cabin": "business",
		"passengers": []map[string]string{{"person_id": ids["Yoko"], "birth_day": "18.02.1933"}},
	}, http.StatusCreated, &companion)
	require.True(t, companion.Standby)
	require.Equal(t, "active", companion.Passengers[0].Standby.Status)
	require.Equal(t, 1, companion.Passengers[0].Standby.Position)

	// Both bookings, newest first.
	var list struct {
		Items []staffBookingT `json:"items"`
	}
	e.call("GET", "/api/staff/bookings", staffAuth(session), nil, http.StatusOK, &list)
	require.Len(t, list.Items, 2)
	require.Equal(t, companion.ID, list.Items[0].ID)
	require.Equal(t, own.ID, list.Items[1].ID)
	require.Equal(t, "Yoko", list.Items[0].Passengers[0].LastNameEng)
	require.Equal(t, 1, list.Items[0].Passengers[0].Standby.Position)
	var one staffBookingT
	e.call("GET", "/api/staff/bookings/"+own.ID, staffAuth(session), nil, http.StatusOK, &one)
	require.Equal(t, own.ID, one.ID)

	// The flight's queue as staff see it, with his companion's place.
	var queue struct {
		Queue struct {
			Total int `json:"total"`
			Rows  []struct {
				Position int    `json:"position"`
				Cabin    string `json:"cabin"`
				Yours    bool   `json:"yours"`
			} `json:"rows"`
		} `json:"queue"`
		Yours []struct {
			BookingID string `json:"booking_id"`
			PersonID  string `json:"person_id"`
			Position  int    `json:"position"`
		} `json:"yours"`
	}
	e.call("GET", "/api/staff/standby/flights/"+companion.FlightKey+"/queue", staffAuth(session), nil, http.StatusOK, &queue)
	require.Equal(t, 1, queue.Queue.Total)
	require.True(t, queue.Queue.Rows[0].Yours)
	require.Equal(t, "business", queue.Queue.Rows[0].Cabin)
	require.Equal(t, companion.ID, queue.Yours[0].BookingID)
	require.Equal(t, ids["Yoko"], queue.Yours[0].PersonID)

	// A new list without him: signed out at once, and no sign-in.
	e.upload(staffTestList[4:])
	e.call("GET", "/api/staff/me", staffAuth(session), nil, http.StatusUnauthorized, nil)
	e.call("POST", "/api/staff/login", nil, map[string]string{"email": "it@websky.tech", "password": "yellow submarine 1966"}, http.StatusForbidden, nil)
	e.call("POST", "/api/staff/register", nil, staffLennonForm, http.StatusAccepted, nil)
	require.Contains(t, e.mailedText("it@websky.tech"), "do not match", "a blocked employee is told so by mail only")

	// Listed again: the old password works, the bookings are still there.
	e.upload(staffTestList)
	e.call("POST", "/api/staff/login", nil, map[string]string{"email": "it@websky.tech", "password": "yellow submarine 1966"}, http.StatusOK, &login)
	e.call("GET", "/api/staff/bookings", staffAuth(login.SessionToken), nil, http.StatusOK, &list)
	require.Len(t, list.Items, 2)
	e.call("GET", "/api/staff/me", staffAuth(session), nil, http.StatusUnauthorized, nil)

	e.call("POST", "/api/staff/logout", staffAuth(login.SessionToken), nil, http.StatusNoContent, nil)
	e.call("GET", "/api/staff/me", staffAuth(login.SessionToken), nil, http.StatusUnauthorized, nil)
}

func TestStaffRegisterBookAndBlockOnSQLite(t *testing.T) {
	staffDone(t, filepath.Join(t.TempDir(), "bookingkit.db"))
}

func TestStaffRegisterBookAndBlockOnPostgres(t *testing.T) {
	staffDone(t, pgtest.URL(t))
}

// signUp registers Lennon and returns his session token and passengers.
func (e *staffEnvT) signUp() (string, map[string]string) {
	e.t.Helper()
	e.upload(staffTestList)
	e.call("POST", "/api/staff/register", nil, staffLennonForm, http.StatusAccepted, nil)
	link := e.mailedLink("it@websky.tech")
	var s staffSessionT
	e.call("POST", "/api/staff/password", nil, map[string]string{"token": staffToken(link), "password": "yellow submarine 1966"}, http.StatusOK, &s)
	return s.SessionToken, e.passengerIDs(s.SessionToken)
}

func TestStaffSetPasswordPageFlow(t *testing.T) {
	e := startStaff(t, "memory:", nil)
	e.upload(staffTestList)
	e.call("POST", "/api/staff/register", nil, staffLennonForm, http.StatusAccepted, nil)
	link := e.mailedLink("it@websky.tech")
	post := func(form url.Values, origin string) (int, *http.Response, string) {
		req, err := http.NewRequest("POST", e.ts.URL+"/api/staff/password", strings.NewReader(form.Encode()))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp, string(body)
	}
	token := staffToken(link)
	status, _, body := post(url.Values{"token": {token}, "password": {"password"}, "confirm": {"password"}}, "")
	require.Equal(t, http.StatusBadRequest, status)
	require.Contains(t, body, "commonly used", "a refused password shows why, and the form again")
	require.Contains(t, body, `value="`+token+`"`)
	status, _, body = post(url.Values{"token": {token}, "password": {"yellow submarine"}, "confirm": {"yellow submarines"}}, "")
	require.Equal(t, http.StatusBadRequest, status)
	require.Contains(t, body, "differ")
	status, _, _ = post(url.Values{"token": {token}, "password": {"yellow submarine 1966"}, "confirm": {"yellow submarine 1966"}}, "https://evil.example")
	require.Equal(t, http.StatusForbidden, status, "a form posted from another site")

	status, resp, body := post(url.Values{"token": {token}, "password": {"yellow submarine 1966"}, "confirm": {"yellow submarine 1966"}}, "")
	require.Equal(t, http.StatusOK, status, body)
	require.Contains(t, body, "Your password is set")
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == staffCookie {
			cookie = c
		}
	}
	require.NotNil(t, cookie)
	require.True(t, cookie.HttpOnly)
	require.Equal(t, http.SameSiteStrictMode, cookie.SameSite)
	withCookie := http.Header{"Cookie": {cookie.Name + "=" + cookie.Value}}
	var me staffSessionT
	e.call("GET", "/api/staff/me", withCookie, nil, http.StatusOK, &me)
	require.Equal(t, "Lennon", me.Employee.LastNameEng)

	// No other site's form can ride the cookie (httpapi.ProtectCrossOrigin).
	req, _ := http.NewRequest("POST", e.ts.URL+"/api/staff/bookings", strings.NewReader("flight=x"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Cookie", cookie.Name+"="+cookie.Value)
	r2, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	r2.Body.Close()
	require.Equal(t, http.StatusForbidden, r2.StatusCode)

	status, _, body = post(url.Values{"token": {token}, "password": {"another password 2"}, "confirm": {"another password 2"}}, "")
	require.Equal(t, http.StatusUnauthorized, status, "replayed link")
	require.Contains(t, body, "invalid, already used or expired")
}

// Attack: probing registration field by field gets one answer, and the
// mail to the address typed says only that the details do not match.
func TestStaffAttackProbingRegistration(t *testing.T) {
	e := startStaff(t, "memory:", map[string]any{"attempts_per_address": 100, "attempts_per_account": 100})
	e.upload(staffTestList)
	// The list's numbers may be typed as numbers.
	status, _, body := e.do("POST", "/api/staff/register", nil, map[string]any{"LastName": []string{"Lennon"}, "FirstName": "John", "BirthDay": "09.10.1940", "EmployeeID": 884220062, "Email": "it@websky.tech"})
	require.Equal(t, http.StatusBadRequest, status)
	require.Contains(t, string(body), `"field":"LastName"`)
	for field, wrong := range map[string]string{"LastName": "Lenon", "FirstName": "Jon", "BirthDay": "10.10.1940", "EmployeeID": "884220061", "Email": "attacker@evil.example"} {
		form := maps.Clone(staffLennonForm)
		form[field] = wrong
		status, _, body := e.do("POST", "/api/staff/register", nil, form)
		require.Equal(t, http.StatusAccepted, status, field)
		require.JSONEq(t, `{"status":"`+staffidhttp.StaffRegisterAnswer+`"}`, string(body), "%s: the same answer for every field", field)
		text := e.mailedText(form["Email"])
		require.Contains(t, text, "do not match", field)
		require.NotContains(t, text, "token=", field)
		require.NotContains(t, text, "John", "%s: the mail names nobody", field)
	}
}

// Attack: brute-forcing a password stops at the rate limit with 429,
// Retry-After and the RateLimit fields.
func TestStaffAttackBruteForceLogin(t *testing.T) {
	e := startStaff(t, "memory:", map[string]any{"attempts_per_account": 3, "attempt_interval": "1h"})
	e.signUp()
	for i := range 3 {
		e.call("POST", "/api/staff/login", nil, map[string]string{"email": "it@websky.tech", "password": "guess " + strconv.Itoa(i)}, http.StatusUnauthorized, nil)
	}
	status, h, _ := e.do("POST", "/api/staff/login", nil, map[string]string{"email": "it@websky.tech", "password": "yellow submarine 1966"})
	require.Equal(t, http.StatusTooManyRequests, status, "even the right password waits")
	retry, err := strconv.Atoi(h.Get("Retry-After"))
	require.NoError(t, err)
	require.Greater(t, retry, 60)
	// The limit, in draft-ietf-httpapi-ratelimit-headers-11's fields: 3
	// attempts per 3 h (the bucket refills one an hour), none left for
	// Retry-After's seconds.
	require.Equal(t, `"default";q=3;w=10800`, h.Get("RateLimit-Policy"))
	require.Equal(t, `"default";r=0;t=`+h.Get("Retry-After"), h.Get("RateLimit"))
}

func TestStaffAttackExpiredLink(t *testing.T) {
	e := startStaff(t, "memory:", map[string]any{"link_lifetime": "1s"})
	e.upload(staffTestList)
	e.call("POST", "/api/staff/register", nil, staffLennonForm, http.StatusAccepted, nil)
	link := e.mailedLink("it@websky.tech")
	time.Sleep(1100 * time.Millisecond)
	status, _, _ := e.do("GET", link, nil, nil)
	require.Equal(t, http.StatusUnauthorized, status)
	e.call("POST", "/api/staff/password", nil, map[string]string{"token": staffToken(link), "password": "yellow submarine 1966"}, http.StatusUnauthorized, nil)
}

func TestStaffAttackBookingOutsideTheGroupOrWithChangedData(t *testing.T) {
	e := startStaff(t, "memory:", nil)
	session, ids := e.signUp()
	flight := map[string]string{"carrier": "SU", "number": "100", "date": time.Now().AddDate(0, 0, 10).Format(time.DateOnly)}
	book := func(passengers []map[string]string) errorBody {
		status, _, body := e.do("POST", "/api/staff/bookings", staffAuth(session), map[string]any{
			"flight": flight, "passenger_type": "ADT", "cabin": "economy", "passengers": passengers,
		})
		require.Equal(t, http.StatusBadRequest, status, "%s", body)
		var eb errorBody
		require.NoError(t, json.Unmarshal(body, &eb))
		return eb
	}
	// Harrison is listed, in another group: his real ID is refused as
	// firmly as an invented one.
	birth, err := staffid.ParseDate("25.02.1943")
	require.NoError(t, err)
	harrison := staffid.IdentityID(staffid.Config{}, staffid.Person{LastName: "Harrison", FirstName: "George", BirthDay: birth})
	require.NotContains(t, ids, "Harrison", "only his own group")
	for _, other := range []string{harrison, "v1:" + strings.Repeat("0", 32)} {
		eb := book([]map[string]string{{"person_id": ids["Lennon"]}, {"person_id": other}})
		require.Equal(t, "passengers[1].person_id", eb.Field)
		require.Contains(t, eb.Error, "not one of your passengers")
	}

	eb := book([]map[string]string{{"person_id": ids["Lennon"]}, {"person_id": ids["Yoko"], "birth_day": "18.02.1943"}})
	require.Equal(t, "passengers[1].birth_day", eb.Field)
	require.Equal(t, "18.02.1943", eb.Value)

	var list struct {
		Items []staffBookingT `json:"items"`
	}
	e.call("GET", "/api/staff/bookings", staffAuth(session), nil, http.StatusOK, &list)
	require.Empty(t, list.Items)

	// Bad requests name the field too.
	status, _, body := e.do("POST", "/api/staff/bookings", staffAuth(session), map[string]any{
		"flight": map[string]string{"carrier": "SU", "number": "100", "date": "01.12.2026"}, "passenger_type": "ADT", "cabin": "economy",
		"passengers": []map[string]string{{"person_id": ids["Lennon"]}},
	})
	require.Equal(t, http.StatusBadRequest, status)
	require.Contains(t, string(body), `"field":"flight.date"`)
	status, _, body = e.do("POST", "/api/staff/bookings", staffAuth(session), map[string]any{
		"flight": flight, "passenger_type": "ADT", "cabin": "cargo", "passengers": []map[string]string{{"person_id": ids["Lennon"]}},
	})
	require.Equal(t, http.StatusBadRequest, status)
	require.Contains(t, string(body), `"field":"cabin"`)
	e.call("GET", "/api/staff/bookings/SBNOSUCHBOOKING", staffAuth(session), nil, http.StatusNotFound, nil)
	e.call("GET", "/api/staff/passengers", nil, nil, http.StatusUnauthorized, nil)
}

func TestStaffStandbyEstimateAndPasswordReset(t *testing.T) {
	e := startStaff(t, "memory:", nil)
	session, ids := e.signUp()
	key := "SU-100-" + time.Now().AddDate(0, 0, 10).Format(time.DateOnly)
	var est struct {
		Flight    string `json:"flight"`
		Estimates []struct {
			PersonID string `json:"person_id"`
			Position int    `json:"position"`
		} `json:"estimates"`
	}
	e.call("GET", "/api/staff/standby/flights/"+key+"/estimate?cabin=business&passengers="+url.QueryEscape(ids["Lennon"]+","+ids["Yoko"]), staffAuth(session), nil, http.StatusOK, &est)
	require.Equal(t, key, est.Flight)
	require.Len(t, est.Estimates, 2)
	require.Equal(t, 1, est.Estimates[0].Position)
	status, _, _ := e.do("GET", "/api/staff/standby/flights/"+key+"/estimate?passengers=v1:other", staffAuth(session), nil)
	require.Equal(t, http.StatusBadRequest, status)

	// A reset link for a known address, the same answer for an unknown one.
	var a, b map[string]string
	e.call("POST", "/api/staff/password/reset", nil, map[string]string{"email": "nobody@example.com"}, http.StatusAccepted, &a)
	e.call("POST", "/api/staff/password/reset", nil, map[string]string{"email": "it@websky.tech"}, http.StatusAccepted, &b)
	require.Equal(t, a, b)
	link := e.mailedLink("it@websky.tech")
	var s staffSessionT
	e.call("POST", "/api/staff/password", nil, map[string]string{"token": staffToken(link), "password": "strawberry fields"}, http.StatusOK, &s)
	e.call("GET", "/api/staff/me", staffAuth(session), nil, http.StatusUnauthorized, nil)
	e.call("POST", "/api/staff/login", nil, map[string]string{"email": "it@websky.tech", "password": "strawberry fields"}, http.StatusOK, nil)

	// Registering again: the same answer, and the mail says to sign in.
	var reg map[string]string
	e.call("POST", "/api/staff/register", nil, staffLennonForm, http.StatusAccepted, &reg)
	require.Equal(t, staffidhttp.StaffRegisterAnswer, reg["status"])
	require.Contains(t, e.mailedText("it@websky.tech"), "already has a staff travel account")
}
