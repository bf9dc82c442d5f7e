package staffidhttp_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/account"
	"github.com/bookingkit/bookingkit/httpapi"
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/staffid/staffidhttp"
	"github.com/bookingkit/bookingkit/standby"
	"github.com/bookingkit/bookingkit/storage/memory"
)

// staffMailer keeps the last mailed link's token.
type staffMailer struct{ token string }

func (m *staffMailer) Send(_ context.Context, msg account.Message) error {
	if t := regexp.MustCompile(`token=(\S+)`).FindStringSubmatch(msg.Body); t != nil {
		m.token = t[1]
	}
	return nil
}

// staffQueue keeps the queued registrations.
type staffQueue struct{ forms []staffid.RegistrationForm }

func (q *staffQueue) Enqueue(_ context.Context, kind string, payload any) error {
	if f, ok := payload.(staffid.RegistrationForm); ok {
		q.forms = append(q.forms, f)
	}
	return nil
}

// TestStaffRoutesUnderAPrefix runs bookingkit's own sign-in and the
// cabinet mounted under "/travel": the set-password page posts, and a new
// booking's Location points, under the prefix; the page's cookie and a
// bearer token both sign in; logout ends the session.
func TestStaffRoutesUnderAPrefix(t *testing.T) {
	ctx := context.Background()
	stores := memory.New().Stores()
	cfg := staffid.Config{StandbyPassengerTypes: []string{"ZED"}, AirlineCode: "SU"}
	importer, err := staffid.NewImporter(cfg, stores.StaffID)
	require.NoError(t, err)
	list := `[{"LastName": "Lennon", "FirstName": "John", "LastNameEng": "Lennon", "FirstNameEng": "John", "BirthDay": "09.10.1940",
	  "Sex": "M", "DateOfEmployment": "09.11.1980", "EmployeeID": 884220062, "IsEmployee": 1, "CategoryCode": 5, "Email": "it@websky.tech"}]`
	_, err = importer.Import(ctx, strings.NewReader(list), staffid.FormatJSON, staffid.ImportOptions{})
	require.NoError(t, err)
	mailer, queued := &staffMailer{}, &staffQueue{}
	accounts, err := staffid.NewAccounts(cfg, stores.StaffID, stores.Accounts, staffid.AccountsConfig{
		Account: account.Config{HashParams: account.HashParams{MemoryKiB: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, MinPasswordLength: 12},
		Mailer:  mailer, Queue: queued, LinkURL: "https://engine.example/travel/api/staff/password?token={token}",
	})
	require.NoError(t, err)
	queue := standby.NewService(stores.Standby)
	bookings, err := staffid.NewBookings(cfg, stores.StaffID, stores.StaffBookings, queue)
	require.NoError(t, err)

	sessions := staffidhttp.StaffSessions{Accounts: accounts, Cookie: httpapi.NewSessionCookie("staff", "/travel/api/staff", "https://engine.example")}
	signIn, err := staffidhttp.NewStaffSignIn(sessions, staffidhttp.StaffOptions{})
	require.NoError(t, err)
	cabinet, err := staffidhttp.NewStaffHandler(bookings, sessions, staffidhttp.StaffOptions{})
	require.NoError(t, err)
	_, err = staffidhttp.NewStaffHandler(nil, sessions, staffidhttp.StaffOptions{})
	require.Error(t, err)
	mux := http.NewServeMux()
	httpapi.Mount(mux, httpapi.WithPrefix("/travel", append(signIn.Routes(), cabinet.Routes()...)))
	do := func(method, path, contentType, body string, header http.Header) *http.Response {
		r := httptest.NewRequest(method, path, strings.NewReader(body))
		for k, v := range header {
			r.Header[k] = v
		}
		if contentType != "" {
			r.Header.Set("Content-Type", contentType)
		}
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, r)
		return w.Result()
	}
	read := func(resp *http.Response) string {
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return string(b)
	}

	resp := do("GET", "/travel/api/staff/me", "", "", nil)
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	require.Contains(t, read(resp), "not signed in")

	resp = do("POST", "/travel/api/staff/register", "application/json",
		`{"LastName": "lennon", "FirstName": "John", "BirthDay": "09.10.1940", "EmployeeID": 884220062, "Email": "it@websky.tech"}`, nil)
	require.Equal(t, http.StatusAccepted, resp.StatusCode)
	require.JSONEq(t, `{"status": "`+staffidhttp.StaffRegisterAnswer+`"}`, read(resp))
	// The request was queued; complete it as the server's worker does.
	require.Len(t, queued.forms, 1)
	_, err = accounts.CompleteRegister(ctx, queued.forms[0])
	require.NoError(t, err)
	require.NotEmpty(t, mailer.token)

	resp = do("GET", "/travel/api/staff/password?token="+url.QueryEscape(mailer.token), "", "", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	page := read(resp)
	require.Contains(t, page, `action="/travel/api/staff/password"`)
	require.Contains(t, page, `minlength="12"`, "the accounts' own policy")

	form := url.Values{"token": {mailer.token}, "password": {"yellow submarine 1966"}, "confirm": {"yellow submarine 1966"}}
	resp = do("POST", "/travel/api/staff/password", "application/x-www-form-urlencoded", form.Encode(), nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, read(resp), "Your password is set")
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "staff" {
			cookie = c
		}
	}
	require.NotNil(t, cookie)
	require.Equal(t, "/travel/api/staff", cookie.Path)
	require.True(t, cookie.Secure)

	resp = do("GET", "/travel/api/staff/me", "", "", http.Header{"Cookie": {cookie.Name + "=" + cookie.Value}})
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, read(resp), `"email":"it@websky.tech"`)

	resp = do("POST", "/travel/api/staff/login", "application/json", `{"email": "it@websky.tech", "password": "yellow submarine 1966"}`, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var signed struct {
		SessionToken string `json:"session_token"`
		Employee     struct {
			ID string `json:"id"`
		} `json:"employee"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&signed))
	bearer := http.Header{"Authorization": {"Bearer " + signed.SessionToken}}

	date := time.Now().AddDate(0, 0, 7).Format(time.DateOnly)
	resp = do("POST", "/travel/api/staff/bookings", "application/json",
		`{"flight": {"carrier": "SU", "number": "100", "date": "`+date+`"}, "passenger_type": "ZED", "cabin": "economy",
		  "passengers": [{"person_id": "`+signed.Employee.ID+`"}]}`, bearer)
	body := read(resp)
	require.Equal(t, http.StatusCreated, resp.StatusCode, body)
	require.Regexp(t, `^/travel/api/staff/bookings/SB[A-Z2-7]{16}$`, resp.Header.Get("Location"))
	require.Equal(t, http.StatusOK, do("GET", resp.Header.Get("Location"), "", "", bearer).StatusCode)

	flight := "SU-100-" + date
	resp = do("GET", "/travel/api/staff/standby/flights/"+flight+"/queue", "", "", bearer)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, read(resp), `"yours":[{"booking_id":"SB`)
	resp = do("GET", "/travel/api/staff/standby/flights/"+flight+"/estimate?passengers=v1:nobody", "", "", bearer)
	require.Equal(t, http.StatusBadRequest, resp.StatusCode)
	require.Contains(t, read(resp), "not one of your passengers")

	resp = do("POST", "/travel/api/staff/logout", "", "", bearer)
	require.Equal(t, http.StatusNoContent, resp.StatusCode)
	require.Equal(t, http.StatusUnauthorized, do("GET", "/travel/api/staff/me", "", "", bearer).StatusCode)
}
