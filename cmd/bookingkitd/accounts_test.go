package main

// Attacks on the sign-in machinery shared by staff travel and MOGU
// (issue 14, items 1, 2 and 4), played over HTTP on the real server.

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/storage"
	"github.com/bookingkit/bookingkit/storage/postgres"
	"github.com/bookingkit/bookingkit/storage/sqlite"
	"github.com/bookingkit/bookingkit/storage/storagetest/pgtest"
)

// Attack: weak passwords that passed the length rule. The issue's
// 123456789012 (staff) and aaaaaaaaaaaa (MOGU), and one built from the
// employee's own names, are refused with the reason; a passphrase is
// accepted, and a refusal leaves the link usable.
func TestAttackWeakPasswords(t *testing.T) {
	refused := func(t *testing.T, status int, body []byte, reason string) {
		t.Helper()
		require.Equal(t, http.StatusBadRequest, status, "%s", body)
		var eb errorBody
		require.NoError(t, json.Unmarshal(body, &eb))
		require.Equal(t, "password", eb.Field)
		require.Empty(t, eb.Value, "the password is never echoed")
		require.Contains(t, eb.Error, reason)
	}

	t.Run("staff", func(t *testing.T) {
		e := startStaff(t, "memory:", nil)
		e.upload(staffTestList)
		e.call("POST", "/api/staff/register", nil, staffLennonForm, http.StatusAccepted, nil)
		token := staffToken(e.mailedLink("it@websky.tech"))
		status, _, body := e.do("POST", "/api/staff/password", nil, map[string]string{"token": token, "password": "123456789012"})
		refused(t, status, body, "harder to guess")
		status, _, body = e.do("POST", "/api/staff/password", nil, map[string]string{"token": token, "password": "JohnLennon1940"})
		refused(t, status, body, "your own details")
		status, _, body = e.do("POST", "/api/staff/password", nil, map[string]string{"token": token, "password": "ДжонЛеннон"})
		refused(t, status, body, "your own details")
		e.call("POST", "/api/staff/password", nil, map[string]string{"token": token, "password": "white album on a rainy tuesday"}, http.StatusOK, nil)
	})

	t.Run("mogu", func(t *testing.T) {
		e := startMogu(t, "memory:", nil)
		e.call("POST", "/api/mogu/register", nil, map[string]string{"email": "marta.kowalska@example.com"}, http.StatusAccepted, nil)
		token := e.mailedToken("marta.kowalska@example.com")
		status, _, body := e.do("POST", "/api/mogu/password", nil, map[string]string{"token": token, "password": "aaaaaaaaaaaa"})
		refused(t, status, body, "repeats characters")
		status, _, body = e.do("POST", "/api/mogu/password", nil, map[string]string{"token": token, "password": "kowalska2026"})
		refused(t, status, body, "your own details")
		e.call("POST", "/api/mogu/password", nil, map[string]string{"token": token, "password": "Tenerife in December, 2026!"}, http.StatusOK, nil)
	})
}

// staffHarrisonForm is the registration form of the list's employee
// without an email, as a colleague who knows his details types it.
var staffHarrisonForm = map[string]string{"LastName": "Harrison", "FirstName": "George", "BirthDay": "25.02.1943", "EmployeeID": "100"}

// staffListWithEmail is staffTestList where the airline has added
// Harrison's email.
func staffListWithEmail(email string) []map[string]any {
	list := slices.Clone(staffTestList)
	list[4] = maps.Clone(list[4])
	list[4]["Email"] = email
	return list
}

// Attack: takeover by registering first. A colleague registers an
// employee the list has no email for with their own address and sets a
// password; the airline's next list adds the employee's real email. The
// list is the authority: the account moves to the listed address, the
// colleague's session and password end, the real employee gets the link,
// and the colleague's address signs in no more.
func staffTakeoverByRegisteringFirst(t *testing.T, db string) {
	e := startStaff(t, db, nil)
	e.upload(staffTestList)
	form := maps.Clone(staffHarrisonForm)
	form["Email"] = "colleague@example.com"
	e.call("POST", "/api/staff/register", nil, form, http.StatusAccepted, nil)
	link := e.mailedLink("colleague@example.com")
	var colleague staffSessionT
	e.call("POST", "/api/staff/password", nil, map[string]string{"token": staffToken(link), "password": "my colleague's travel perks"}, http.StatusOK, &colleague)
	e.call("GET", "/api/staff/me", staffAuth(colleague.SessionToken), nil, http.StatusOK, nil)
	// A reset link the colleague keeps for later.
	e.call("POST", "/api/staff/password/reset", nil, map[string]string{"email": "colleague@example.com"}, http.StatusAccepted, nil)
	kept := e.mailedLink("colleague@example.com")

	// The airline's next list gives George his own address.
	var report struct {
		Status  string `json:"status"`
		Updated int    `json:"updated"`
	}
	e.call("POST", "/api__airline_employee_upload?force=true", http.Header{"Authorization": {"Bearer " + staffTestImportToken}}, staffListWithEmail("George@Harrison.example"), http.StatusOK, &report)
	require.Equal(t, 1, report.Updated)

	// The account moved: a link to choose the password went to George.
	georgeLink := e.mailedLink("george@harrison.example")
	e.call("GET", "/api/staff/me", staffAuth(colleague.SessionToken), nil, http.StatusUnauthorized, nil)
	e.call("POST", "/api/staff/login", nil, map[string]string{"email": "colleague@example.com", "password": "my colleague's travel perks"}, http.StatusUnauthorized, nil)
	e.call("POST", "/api/staff/password", nil, map[string]string{"token": staffToken(kept), "password": "taking it back again"}, http.StatusUnauthorized, nil)

	var george staffSessionT
	e.call("POST", "/api/staff/password", nil, map[string]string{"token": staffToken(georgeLink), "password": "something in the way she moves"}, http.StatusOK, &george)
	require.Equal(t, "george@harrison.example", george.Email)
	require.Equal(t, "Harrison", george.Employee.LastNameEng)
	e.call("POST", "/api/staff/login", nil, map[string]string{"email": "george@harrison.example", "password": "something in the way she moves"}, http.StatusOK, nil)

	// And the forgotten-password form now serves George's address.
	e.call("POST", "/api/staff/password/reset", nil, map[string]string{"email": "george@harrison.example"}, http.StatusAccepted, nil)
	e.mailedLink("george@harrison.example")
	e.call("POST", "/api/staff/password/reset", nil, map[string]string{"email": "colleague@example.com"}, http.StatusAccepted, nil)
	e.noMail()
}

func TestStaffAttackTakeoverByRegisteringFirstOnSQLite(t *testing.T) {
	staffTakeoverByRegisteringFirst(t, filepath.Join(t.TempDir(), "bookingkit.db"))
}

func TestStaffAttackTakeoverByRegisteringFirstOnPostgres(t *testing.T) {
	staffTakeoverByRegisteringFirst(t, pgtest.URL(t))
}

// The safety net: an import that does not move accounts (the command-line
// tool's, beside the running server, here the staffid importer on the same
// database) still shuts the colleague out at their next request, and that
// request moves the account and mails the listed address.
func staffTakeoverAfterAnImportBesideTheServer(t *testing.T, db string, open func() (storage.Stores, func() error)) {
	e := startStaff(t, db, nil)
	e.upload(staffTestList)
	form := maps.Clone(staffHarrisonForm)
	form["Email"] = "colleague@example.com"
	e.call("POST", "/api/staff/register", nil, form, http.StatusAccepted, nil)
	link := e.mailedLink("colleague@example.com")
	var colleague staffSessionT
	e.call("POST", "/api/staff/password", nil, map[string]string{"token": staffToken(link), "password": "my colleague's travel perks"}, http.StatusOK, &colleague)

	stores, closeStores := open()
	im, err := staffid.NewImporter(staffid.Config{StandbyPassengerTypes: []string{"ZED"}, AirlineCode: "SU"}, stores.StaffID)
	require.NoError(t, err)
	raw, err := json.Marshal(staffListWithEmail("george@harrison.example"))
	require.NoError(t, err)
	report, err := im.Import(context.Background(), bytes.NewReader(raw), staffid.FormatJSON, staffid.ImportOptions{Source: staffid.SourceCLI, Force: true})
	require.NoError(t, err)
	require.Equal(t, 1, report.SyncCounts.Updated)
	require.NoError(t, closeStores())
	e.noMail() // nothing moved yet

	e.call("GET", "/api/staff/me", staffAuth(colleague.SessionToken), nil, http.StatusUnauthorized, nil)
	georgeLink := e.mailedLink("george@harrison.example")
	e.call("POST", "/api/staff/login", nil, map[string]string{"email": "colleague@example.com", "password": "my colleague's travel perks"}, http.StatusUnauthorized, nil)
	e.call("POST", "/api/staff/password", nil, map[string]string{"token": staffToken(georgeLink), "password": "something in the way she moves"}, http.StatusOK, nil)
}

func TestStaffAttackTakeoverAfterAnImportBesideTheServerOnSQLite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bookingkit.db")
	staffTakeoverAfterAnImportBesideTheServer(t, path, func() (storage.Stores, func() error) {
		db, err := sqlite.Open(context.Background(), path)
		require.NoError(t, err)
		return db.Stores(), db.Close
	})
}

func TestStaffAttackTakeoverAfterAnImportBesideTheServerOnPostgres(t *testing.T) {
	url := pgtest.URL(t)
	staffTakeoverAfterAnImportBesideTheServer(t, url, func() (storage.Stores, func() error) {
		db, err := postgres.Open(context.Background(), url)
		require.NoError(t, err)
		return db.Stores(), db.Close
	})
}

// mailedText waits for the next message, checks it went to email, and
// returns its subject and body.
func (e *staffEnvT) mailedText(email string) string {
	e.t.Helper()
	select {
	case m := <-e.smtp.Messages:
		require.Equal(e.t, []string{strings.ToLower(email)}, m.To)
		return m.Subject + "\n\n" + m.Body
	case <-time.After(10 * time.Second):
		e.t.Fatalf("no mail to %s", email)
		return ""
	}
}

// Attack: registration told whether the details were right (409 "already
// registered" with any email, 403 otherwise) and whether an address had an
// account (409 "this email address cannot be used", 202 when free). Every
// well-formed registration now gets the same status and body; only the mail
// to the address typed differs.
func staffRegistrationTellsNothing(t *testing.T, db string) {
	e := startStaff(t, db, map[string]any{"attempts_per_account": 100})
	e.signUp() // Lennon: it@websky.tech, with a password
	with := func(form map[string]string, email string) map[string]string {
		f := maps.Clone(form)
		f["Email"] = email
		return f
	}
	wrong := with(staffLennonForm, "it@websky.tech")
	wrong["LastName"] = "Lenon"
	yoko := map[string]string{"LastName": "Yoko", "FirstName": "Ono", "BirthDay": "18.02.1933", "EmployeeID": "884220062"}
	cases := []struct {
		name, email string
		form        map[string]string
		mail        string // what the mail says
	}{
		{"right details, their own address", "it@websky.tech", staffLennonForm, "already has a staff travel account"},
		{"right details, another address than the list's", "attacker@evil.example", with(staffLennonForm, "attacker@evil.example"), "do not match"},
		{"wrong details, an address with an account", "it@websky.tech", wrong, "do not match"},
		{"wrong details, a free address", "fresh@example.com", with(wrong, "fresh@example.com"), "do not match"},
		{"a companion's details", "yoko@example.com", with(yoko, "yoko@example.com"), "do not match"},
		{"an employee without an account, another's address", "it@websky.tech", with(staffHarrisonForm, "it@websky.tech"), "already has a staff travel account"},
		{"an employee without an account, a free address", "george@example.com", with(staffHarrisonForm, "george@example.com"), "token="},
		{"the same employee, another free address", "george2@example.com", with(staffHarrisonForm, "george2@example.com"), "under another address"},
	}
	var first []byte
	var firstType string
	for _, c := range cases {
		status, h, body := e.do("POST", "/api/staff/register", nil, c.form)
		require.Equal(t, http.StatusAccepted, status, "%s: %s", c.name, body)
		if first == nil {
			first, firstType = body, h.Get("Content-Type")
		}
		require.Equal(t, string(first), string(body), "%s: the same body", c.name)
		require.Equal(t, firstType, h.Get("Content-Type"), c.name)
		require.Contains(t, e.mailedText(c.email), c.mail, c.name)
	}

	// Malformed input still names the field: that depends on nothing
	// stored.
	status, _, body := e.do("POST", "/api/staff/register", nil, with(staffHarrisonForm, "not an address"))
	require.Equal(t, http.StatusBadRequest, status)
	require.Contains(t, string(body), `"field":"email"`)
	bad := with(staffHarrisonForm, "george@example.com")
	bad["BirthDay"] = "1943/02/25"
	status, _, body = e.do("POST", "/api/staff/register", nil, bad)
	require.Equal(t, http.StatusBadRequest, status)
	require.Contains(t, string(body), `"field":"BirthDay"`)
}

func TestStaffAttackRegistrationTellsNothingOnSQLite(t *testing.T) {
	staffRegistrationTellsNothing(t, filepath.Join(t.TempDir(), "bookingkit.db"))
}

func TestStaffAttackRegistrationTellsNothingOnPostgres(t *testing.T) {
	staffRegistrationTellsNothing(t, pgtest.URL(t))
}

// Attack: MOGU's sign-up answered alike for new and existing addresses,
// but reached the reset link's rate limit only for an existing one: after
// five reset requests for an address, registering it answered 429 when it
// had an account and 202 when not. Now both take the same steps.
func TestMoguAttackRegistrationTellsNothing(t *testing.T) {
	e := startMogu(t, "memory:", nil)
	e.signUp("known@example.com")
	for range 5 {
		e.call("POST", "/api/mogu/password/reset", nil, map[string]string{"email": "known@example.com"}, http.StatusAccepted, nil)
		e.mailedToken("known@example.com")
	}
	for range 5 {
		e.call("POST", "/api/mogu/password/reset", nil, map[string]string{"email": "unknown@example.com"}, http.StatusAccepted, nil)
	}
	answer := func(email string) (int, string) {
		status, _, body := e.do("POST", "/api/mogu/register", nil, map[string]string{"email": email})
		return status, strings.ReplaceAll(string(body), email, "EMAIL")
	}
	knownStatus, knownBody := answer("known@example.com")
	unknownStatus, unknownBody := answer("unknown@example.com")
	require.Equal(t, http.StatusAccepted, knownStatus, knownBody)
	require.Equal(t, unknownStatus, knownStatus)
	require.Equal(t, unknownBody, knownBody)
	// The difference is in the mail: a reset link for the account.
	e.mailedToken("known@example.com")
	e.mailedToken("unknown@example.com")
}

// noMail checks that no message leaves within half a second.
func (e *staffEnvT) noMail() {
	e.t.Helper()
	select {
	case m := <-e.smtp.Messages:
		e.t.Fatalf("unexpected mail to %v: %s", m.To, m.Body)
	case <-time.After(500 * time.Millisecond):
	}
}
