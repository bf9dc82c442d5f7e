package staffid_test

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/account"
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/storage"
	"github.com/bookingkit/bookingkit/storage/memory"
	"github.com/bookingkit/bookingkit/throttle"
)

// acctFast hashing parameters keep the tests quick; production uses OWASP's.
var acctFast = account.HashParams{MemoryKiB: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// acctList is the seed's group (corrected) plus a second employee without
// an email in the list.
var acctList = []map[string]any{
	{"GUID": 0, "LastName": "Леннон", "FirstName": "Джон", "LastNameEng": "Lennon", "FirstNameEng": "John",
		"BirthDay": "09.10.1940", "Sex": "M", "DateOfEmployment": "09.11.1980", "EmployeeID": 884220062,
		"IsEmployee": 1, "CategoryCode": 5, "Email": "it@websky.tech"},
	{"GUID": 1, "LastName": "Оно", "FirstName": "Йоко", "LastNameEng": "Ono", "FirstNameEng": "Yoko",
		"BirthDay": "18.02.1933", "Sex": "F", "EmployeeID": 884220062, "IsEmployee": 0, "CategoryCode": 1, "RelationDegree": "wife"},
	{"GUID": 2, "LastName": "Маккартни", "FirstName": "Пол", "LastNameEng": "McCartney", "FirstNameEng": "Paul",
		"BirthDay": "18.06.1942", "Sex": "M", "EmployeeID": 884220062, "IsEmployee": 0, "CategoryCode": 1, "Email": "pmc@beatles.com"},
	{"GUID": 4, "LastName": "Старки", "FirstName": "Ричард", "LastNameEng": "Starr", "FirstNameEng": "Ringo",
		"BirthDay": "07.07.1940", "Sex": "M", "EmployeeID": 884220062, "IsEmployee": 0, "CategoryCode": 2},
	{"GUID": 5, "LastName": "Харрисон", "FirstName": "Джордж", "MiddleName": "Гарольдович", "LastNameEng": "Harrison", "FirstNameEng": "George",
		"BirthDay": "25.02.1943", "Sex": "M", "DateOfEmployment": "01.03.1975", "EmployeeID": "100", "IsEmployee": 1, "CategoryCode": 0},
}

// acctClock is a settable clock.
type acctClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *acctClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *acctClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// acctMailer keeps the messages it is given.
type acctMailer struct {
	mu   sync.Mutex
	sent []account.Message
	fail error
}

func (m *acctMailer) Send(_ context.Context, msg account.Message) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return m.fail
	}
	m.sent = append(m.sent, msg)
	return nil
}

var acctTokenRE = regexp.MustCompile(`token=([A-Za-z0-9_-]+)`)

// lastToken returns the token of the last message to `to`.
func (m *acctMailer) lastToken(t testing.TB, to string) string {
	t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := len(m.sent) - 1; i >= 0; i-- {
		if m.sent[i].To == to {
			match := acctTokenRE.FindStringSubmatch(m.sent[i].Body)
			require.NotNil(t, match, "message has a link: %s", m.sent[i].Body)
			return match[1]
		}
	}
	t.Fatalf("no message to %s", to)
	return ""
}

func (m *acctMailer) count() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.sent)
}

// acctEnv is a memory store with acctList imported and the accounts
// service over it.
type acctEnv struct {
	stores   storage.Stores
	importer *staffid.Importer
	accounts *staffid.Accounts
	mailer   *acctMailer
	clock    *acctClock
	cfg      staffid.Config
}

func newAcctEnv(t *testing.T, cfg staffid.Config, ac account.Config) *acctEnv {
	t.Helper()
	return newAcctEnvWith(t, cfg, ac, acctList)
}

// newAcctEnvWith is newAcctEnv with another list imported first.
func newAcctEnvWith(t testing.TB, cfg staffid.Config, ac account.Config, list []map[string]any) *acctEnv {
	t.Helper()
	e := &acctEnv{stores: memory.New().Stores(), mailer: &acctMailer{}, clock: &acctClock{t: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)}, cfg: cfg}
	im, err := staffid.NewImporter(cfg, e.stores.StaffID)
	require.NoError(t, err)
	im.Now = e.clock.Now
	e.importer = im
	e.importList(t, list)
	ac.HashParams, ac.Now = acctFast, e.clock.Now
	if ac.PerAddress == nil {
		ac.PerAddress = throttle.NewMemory(time.Second, 1000)
	}
	if ac.PerAccount == nil {
		ac.PerAccount = throttle.NewMemory(time.Second, 1000)
	}
	e.accounts, err = staffid.NewAccounts(cfg, e.stores.StaffID, e.stores.Accounts, staffid.AccountsConfig{
		Account: ac, Mailer: e.mailer, LinkURL: "https://staff.example.com/set-password?token={token}",
	})
	require.NoError(t, err)
	return e
}

func (e *acctEnv) importList(t testing.TB, list []map[string]any) {
	t.Helper()
	raw, err := json.Marshal(list)
	require.NoError(t, err)
	_, err = e.importer.Import(context.Background(), strings.NewReader(string(raw)), staffid.FormatJSON, staffid.ImportOptions{Force: true})
	require.NoError(t, err)
}

// lennon is the registration form of the seed's employee, as typed.
func lennon() staffid.RegistrationForm {
	return staffid.RegistrationForm{
		Fields: map[string]string{"LastName": "леннон", "FirstName": " ДЖОН ", "BirthDay": "09.10.1940", "EmployeeID": "884220062"},
		Email:  "IT@websky.tech",
	}
}

func harrison() staffid.RegistrationForm {
	return staffid.RegistrationForm{
		Fields: map[string]string{"lastname": "Харрисон", "firstname": "Джордж", "birthday": "1943-02-25", "employeeid": "100"},
		Email:  "george@example.com",
	}
}

// register registers form, sets pw through the mailed link and returns
// the session.
func (e *acctEnv) register(t *testing.T, form staffid.RegistrationForm, pw string) staffid.SignedIn {
	t.Helper()
	ctx := context.Background()
	_, err := e.accounts.Register(ctx, form, "10.0.0.1")
	require.NoError(t, err)
	token := e.mailer.lastToken(t, strings.ToLower(form.Email))
	s, err := e.accounts.SetPassword(ctx, token, pw)
	require.NoError(t, err)
	return s
}

func TestRegisterSetPasswordLoginLogout(t *testing.T) {
	ctx := context.Background()
	e := newAcctEnv(t, staffid.Config{}, account.Config{})

	reg, err := e.accounts.Register(ctx, lennon(), "10.0.0.1")
	require.NoError(t, err)
	require.Equal(t, staffid.RegisterLinkSent, reg.Outcome)
	require.Equal(t, 1, e.mailer.count())
	msg := e.mailer.sent[0]
	require.Equal(t, "it@websky.tech", msg.To)
	require.Equal(t, "Your staff travel account", msg.Subject)
	require.Contains(t, msg.Body, "Hello Джон,")
	require.Contains(t, msg.Body, "within 24 hours")
	token := e.mailer.lastToken(t, "it@websky.tech")

	// Opening the link does not use it; a refused password neither.
	for range 3 {
		a, err := e.accounts.CheckLink(ctx, token)
		require.NoError(t, err)
		require.Equal(t, reg.PersonID, a.Subject)
	}
	_, err = e.accounts.SetPassword(ctx, token, "password")
	require.ErrorIs(t, err, bookingkit.ErrInvalid, "a common password is refused")
	_, err = e.accounts.SetPassword(ctx, token, "it@websky.tech")
	require.ErrorIs(t, err, bookingkit.ErrInvalid, "the email is refused as password")

	s, err := e.accounts.SetPassword(ctx, token, "yellow submarine 1966")
	require.NoError(t, err)
	require.NotEmpty(t, s.Session)
	require.Equal(t, reg.PersonID, s.Employee.ID)
	require.Equal(t, "Lennon", s.Employee.LastNameEng)

	// Replaying the used link fails.
	_, err = e.accounts.SetPassword(ctx, token, "another long password")
	require.ErrorIs(t, err, account.ErrBadLink)
	_, err = e.accounts.CheckLink(ctx, token)
	require.ErrorIs(t, err, account.ErrBadLink)

	got, err := e.accounts.Authenticate(ctx, s.Session)
	require.NoError(t, err)
	require.Equal(t, "it@websky.tech", got.Account.Email)
	require.Equal(t, "Lennon", got.Employee.LastNameEng)

	l, err := e.accounts.Login(ctx, " It@Websky.tech", "yellow submarine 1966", "10.0.0.2")
	require.NoError(t, err)
	require.NotEqual(t, s.Session, l.Session)
	_, err = e.accounts.Login(ctx, "it@websky.tech", "yellow submarine 1967", "10.0.0.2")
	require.ErrorIs(t, err, account.ErrBadCredentials)

	require.NoError(t, e.accounts.Logout(ctx, l.Session))
	_, err = e.accounts.Authenticate(ctx, l.Session)
	require.ErrorIs(t, err, bookingkit.ErrUnauthorized)
	_, err = e.accounts.Authenticate(ctx, s.Session)
	require.NoError(t, err, "logging out one session keeps the others")

	// Registering again: no error, and the mail points to the sign-in
	// and the reset.
	reg, err = e.accounts.Register(ctx, lennon(), "10.0.0.1")
	require.NoError(t, err)
	require.Equal(t, staffid.RegisterAlready, reg.Outcome)
	msg = e.mailer.sent[e.mailer.count()-1]
	require.Equal(t, "it@websky.tech", msg.To)
	require.Contains(t, msg.Body, "Hello Джон,")
	require.Contains(t, msg.Body, "already has a staff travel account")
	require.Contains(t, msg.Body, "Forgot password")
	require.NotContains(t, msg.Body, "token=")
}

func TestRegisterWithoutEmailInListTakesAnyEmail(t *testing.T) {
	e := newAcctEnv(t, staffid.Config{}, account.Config{})
	s := e.register(t, harrison(), "while my guitar gently weeps")
	require.Equal(t, "george@example.com", s.Account.Email)
	require.Equal(t, "Harrison", s.Employee.LastNameEng)
}

func TestRegisterAgainBeforeSettingPasswordSendsANewLink(t *testing.T) {
	ctx := context.Background()
	e := newAcctEnv(t, staffid.Config{}, account.Config{})
	_, err := e.accounts.Register(ctx, harrison(), "10.0.0.1")
	require.NoError(t, err)
	first := e.mailer.lastToken(t, "george@example.com")
	_, err = e.accounts.Register(ctx, harrison(), "10.0.0.1")
	require.NoError(t, err)
	second := e.mailer.lastToken(t, "george@example.com")
	require.NotEqual(t, first, second)
	_, err = e.accounts.SetPassword(ctx, second, "here comes the sun")
	require.NoError(t, err)

	// Another email for the same employee: told by mail that the
	// account has another address.
	other := harrison()
	other.Email = "someone@example.com"
	reg, err := e.accounts.Register(ctx, other, "10.0.0.1")
	require.NoError(t, err)
	require.Equal(t, staffid.RegisterElsewhere, reg.Outcome)
	msg := e.mailer.sent[e.mailer.count()-1]
	require.Equal(t, "someone@example.com", msg.To)
	require.Contains(t, msg.Body, "under another address")
	require.NotContains(t, msg.Body, "george@example.com", "the other address is not told")
}

func TestRegisterEmailOfAnotherAccount(t *testing.T) {
	e := newAcctEnv(t, staffid.Config{}, account.Config{})
	e.register(t, lennon(), "yellow submarine 1966")
	form := harrison()
	form.Email = "it@websky.tech"
	reg, err := e.accounts.Register(context.Background(), form, "10.0.0.1")
	require.NoError(t, err)
	require.Equal(t, staffid.RegisterEmailTaken, reg.Outcome)
	msg := e.mailer.sent[e.mailer.count()-1]
	require.Equal(t, "it@websky.tech", msg.To)
	require.Contains(t, msg.Body, "already has a staff travel account")
	require.NotContains(t, msg.Body, "Джордж", "the address's owner is not told whose details were typed")
}

func TestRegisterFormErrorsNameTheField(t *testing.T) {
	e := newAcctEnv(t, staffid.Config{}, account.Config{})
	tests := []struct {
		name  string
		edit  func(f *staffid.RegistrationForm)
		field string
	}{
		{"no email", func(f *staffid.RegistrationForm) { f.Email = "" }, "email"},
		{"bad email", func(f *staffid.RegistrationForm) { f.Email = "john at websky" }, "email"},
		{"missing field", func(f *staffid.RegistrationForm) { delete(f.Fields, "BirthDay") }, "BirthDay"},
		{"blank field", func(f *staffid.RegistrationForm) { f.Fields["LastName"] = "  " }, "LastName"},
		{"unknown field", func(f *staffid.RegistrationForm) { f.Fields["Sex"] = "M" }, "Sex"},
		{"not a date", func(f *staffid.RegistrationForm) { f.Fields["BirthDay"] = "9 Oct 1940" }, "BirthDay"},
		{"no such date", func(f *staffid.RegistrationForm) { f.Fields["BirthDay"] = "31.02.1940" }, "BirthDay"},
		{"twice", func(f *staffid.RegistrationForm) { f.Fields["lastname"] = "Леннон" }, "lastname"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form := lennon()
			tt.edit(&form)
			_, err := e.accounts.Register(context.Background(), form, "10.0.0.1")
			var ve *bookingkit.ValidationError
			require.ErrorAs(t, err, &ve)
			if tt.field == "lastname" {
				require.Contains(t, []string{"LastName", "lastname"}, ve.Field)
			} else {
				require.Equal(t, tt.field, ve.Field)
			}
		})
	}
	require.Zero(t, e.mailer.count())
}

// Attack: someone who knows a colleague's details registers them with
// their own email, but the list holds the colleague's email.
func TestAttackRegisterWithAnotherEmailWhenListHasOne(t *testing.T) {
	e := newAcctEnv(t, staffid.Config{}, account.Config{})
	form := lennon()
	form.Email = "attacker@evil.example"
	reg, err := e.accounts.Register(context.Background(), form, "10.6.6.6")
	require.NoError(t, err)
	require.Equal(t, staffid.RegisterRefused, reg.Outcome)
	require.Empty(t, reg.PersonID)
	require.Equal(t, 1, e.mailer.count())
	require.Contains(t, e.mailer.sent[0].Body, "do not match")
	require.NotContains(t, e.mailer.sent[0].Body, "token=")
	_, err = e.stores.Accounts.AccountByEmail(context.Background(), staffid.StaffRealm, "attacker@evil.example")
	require.ErrorIs(t, err, bookingkit.ErrNotFound, "no account was made")
}

// Attack: probing the list field by field gets the same answer whatever
// is wrong, and whether or not the person exists: no error, and one mail
// that names nobody.
func TestAttackProbingRegistrationFieldByField(t *testing.T) {
	e := newAcctEnv(t, staffid.Config{}, account.Config{})
	// Harrison leaves the list: a blocked employee.
	e.importList(t, acctList[:4])
	probes := map[string]func(f *staffid.RegistrationForm){
		"wrong last name":     func(f *staffid.RegistrationForm) { f.Fields["LastName"] = "Ленон" },
		"wrong first name":    func(f *staffid.RegistrationForm) { f.Fields["FirstName"] = "Джонни" },
		"wrong birth day":     func(f *staffid.RegistrationForm) { f.Fields["BirthDay"] = "10.10.1940" },
		"unknown employee ID": func(f *staffid.RegistrationForm) { f.Fields["EmployeeID"] = "884220063" },
		"wrong email":         func(f *staffid.RegistrationForm) { f.Email = "john@example.com" },
		"a companion's data": func(f *staffid.RegistrationForm) {
			f.Fields["LastName"], f.Fields["FirstName"], f.Fields["BirthDay"] = "Оно", "Йоко", "18.02.1933"
		},
		"a blocked employee": func(f *staffid.RegistrationForm) { *f = harrison() },
		"everything wrong": func(f *staffid.RegistrationForm) {
			f.Fields = map[string]string{"LastName": "Нет", "FirstName": "Никого", "BirthDay": "01.01.1970", "EmployeeID": "1"}
		},
	}
	var first string
	for name, edit := range probes {
		form := lennon()
		edit(&form)
		n := e.mailer.count()
		reg, err := e.accounts.Register(context.Background(), form, "10.6.6.6")
		require.NoError(t, err, name)
		require.Equal(t, staffid.Registration{Outcome: staffid.RegisterRefused}, reg, name)
		require.Equal(t, n+1, e.mailer.count(), name)
		msg := e.mailer.sent[n]
		require.Equal(t, strings.ToLower(form.Email), msg.To, name)
		body := strings.ReplaceAll(msg.Body, msg.To, "EMAIL")
		if first == "" {
			first = body
		}
		require.Equal(t, first, body, "%s: the same mail every time", name)
	}
	require.Contains(t, first, "do not match")
}

// Probing one employee is rate-limited whatever the address; probing from
// one address whatever the employee.
func TestRegistrationIsRateLimited(t *testing.T) {
	ctx := context.Background()
	e := newAcctEnv(t, staffid.Config{}, account.Config{
		PerAddress: throttle.NewMemory(time.Hour, 5),
		PerAccount: throttle.NewMemory(time.Hour, 3),
	})
	bad := lennon()
	bad.Fields["BirthDay"] = "01.01.1941"
	for i := range 3 {
		reg, err := e.accounts.Register(ctx, bad, "10.0.0."+string(rune('1'+i)))
		require.NoError(t, err)
		require.Equal(t, staffid.RegisterRefused, reg.Outcome)
	}
	_, err := e.accounts.Register(ctx, lennon(), "10.0.0.9")
	require.ErrorIs(t, err, bookingkit.ErrRateLimited, "the fourth try for one employee, even right and from elsewhere")
	var ra *bookingkit.RetryAfterError
	require.ErrorAs(t, err, &ra)
	require.Positive(t, ra.Seconds)

	for i := range 5 {
		form := harrison()
		form.Fields["employeeid"] = string(rune('a' + i))
		form.Email = string(rune('a'+i)) + "@example.com"
		reg, err := e.accounts.Register(ctx, form, "10.9.9.9")
		require.NoError(t, err)
		require.Equal(t, staffid.RegisterRefused, reg.Outcome)
	}
	_, err = e.accounts.Register(ctx, harrison(), "10.9.9.9")
	require.ErrorIs(t, err, bookingkit.ErrRateLimited, "the sixth try from one address")
	require.Equal(t, 8, e.mailer.count(), "a mail for each try within the limits, none beyond")
}

// Attack: a link that expired is refused, opened or used.
func TestAttackExpiredLink(t *testing.T) {
	ctx := context.Background()
	e := newAcctEnv(t, staffid.Config{}, account.Config{LinkTTL: time.Hour})
	_, err := e.accounts.Register(ctx, lennon(), "10.0.0.1")
	require.NoError(t, err)
	require.Contains(t, e.mailer.sent[0].Body, "within 1 hour")
	token := e.mailer.lastToken(t, "it@websky.tech")
	e.clock.Add(time.Hour)
	_, err = e.accounts.CheckLink(ctx, token)
	require.ErrorIs(t, err, account.ErrBadLink)
	_, err = e.accounts.SetPassword(ctx, token, "yellow submarine 1966")
	require.ErrorIs(t, err, account.ErrBadLink)
}

// Attack: a link mailed before the employee was blocked does not work.
func TestAttackLinkOfBlockedEmployee(t *testing.T) {
	ctx := context.Background()
	e := newAcctEnv(t, staffid.Config{}, account.Config{})
	_, err := e.accounts.Register(ctx, harrison(), "10.0.0.1")
	require.NoError(t, err)
	token := e.mailer.lastToken(t, "george@example.com")
	e.importList(t, acctList[:4]) // Harrison leaves the list
	_, err = e.accounts.CheckLink(ctx, token)
	require.ErrorIs(t, err, account.ErrBadLink)
	_, err = e.accounts.SetPassword(ctx, token, "here comes the sun")
	require.ErrorIs(t, err, account.ErrBadLink)
	// Nor can a new one be asked for.
	require.NoError(t, e.accounts.RequestReset(ctx, "george@example.com", "10.0.0.1"))
	require.Equal(t, 1, e.mailer.count(), "no reset link for a blocked employee")
}

// Attack: a blocked employee cannot sign in, and their sessions end; back
// on the list, the old password works again.
func TestAttackLoginWhileBlocked(t *testing.T) {
	ctx := context.Background()
	e := newAcctEnv(t, staffid.Config{}, account.Config{})
	s := e.register(t, harrison(), "while my guitar gently weeps")

	e.importList(t, acctList[:4])
	_, err := e.accounts.Authenticate(ctx, s.Session)
	require.ErrorIs(t, err, bookingkit.ErrUnauthorized, "the session ended with the block")
	_, err = e.accounts.Login(ctx, "george@example.com", "while my guitar gently weeps", "10.0.0.1")
	require.ErrorIs(t, err, staffid.ErrBlocked)
	require.ErrorIs(t, err, bookingkit.ErrForbidden)
	_, err = e.accounts.Login(ctx, "george@example.com", "wrong password!", "10.0.0.1")
	require.ErrorIs(t, err, account.ErrBadCredentials, "a wrong password says nothing about the block")
	reg, err := e.accounts.Register(ctx, harrison(), "10.0.0.1")
	require.NoError(t, err)
	require.Equal(t, staffid.RegisterRefused, reg.Outcome, "nor can they register")

	e.importList(t, acctList)
	again, err := e.accounts.Login(ctx, "george@example.com", "while my guitar gently weeps", "10.0.0.1")
	require.NoError(t, err)
	_, err = e.accounts.Authenticate(ctx, again.Session)
	require.NoError(t, err)
	_, err = e.accounts.Authenticate(ctx, s.Session)
	require.ErrorIs(t, err, bookingkit.ErrUnauthorized, "the old session stays ended")
}

// Attack: guessing a password stops at the rate limit, even with the
// right password last.
func TestAttackBruteForcePassword(t *testing.T) {
	ctx := context.Background()
	e := newAcctEnv(t, staffid.Config{}, account.Config{PerAccount: throttle.NewMemory(time.Minute, 5)})
	e.register(t, lennon(), "yellow submarine 1966")
	var limited error
	for i := range 20 {
		_, err := e.accounts.Login(ctx, "it@websky.tech", "guess number "+string(rune('a'+i)), "10.6.6."+string(rune('0'+i%10)))
		if errors.Is(err, bookingkit.ErrRateLimited) {
			limited = err
			require.Equal(t, 5, i, "five guesses, then the limit")
			break
		}
		require.ErrorIs(t, err, account.ErrBadCredentials)
	}
	require.Error(t, limited)
	_, err := e.accounts.Login(ctx, "it@websky.tech", "yellow submarine 1966", "10.6.6.6")
	require.ErrorIs(t, err, bookingkit.ErrRateLimited, "the right password does not get through the limit either")
}

func TestPasswordReset(t *testing.T) {
	ctx := context.Background()
	e := newAcctEnv(t, staffid.Config{}, account.Config{})
	first := e.register(t, lennon(), "yellow submarine 1966")
	n := e.mailer.count()
	require.NoError(t, e.accounts.RequestReset(ctx, "nobody@example.com", "10.0.0.1"), "an unknown email is answered the same")
	require.Equal(t, n, e.mailer.count())
	require.ErrorIs(t, e.accounts.RequestReset(ctx, "not an email", "10.0.0.1"), bookingkit.ErrInvalid)

	require.NoError(t, e.accounts.RequestReset(ctx, "IT@websky.tech", "10.0.0.1"))
	require.Equal(t, n+1, e.mailer.count())
	require.Equal(t, "Your staff travel password", e.mailer.sent[n].Subject)
	token := e.mailer.lastToken(t, "it@websky.tech")
	s, err := e.accounts.SetPassword(ctx, token, "strawberry fields forever")
	require.NoError(t, err)
	_, err = e.accounts.Authenticate(ctx, first.Session)
	require.ErrorIs(t, err, bookingkit.ErrUnauthorized, "a new password ends the old sessions")
	_, err = e.accounts.Authenticate(ctx, s.Session)
	require.NoError(t, err)
	_, err = e.accounts.Login(ctx, "it@websky.tech", "yellow submarine 1966", "10.0.0.1")
	require.ErrorIs(t, err, account.ErrBadCredentials)
}

func TestRegisterByIdentityWhenGroupFieldIsNotAsked(t *testing.T) {
	// Every employee must carry the registration fields: give Lennon a
	// middle name.
	list := slices.Clone(acctList)
	list[0] = maps.Clone(list[0])
	list[0]["MiddleName"] = "Уинстонович"
	cfg := staffid.Config{RegistrationFields: []string{"LastName", "FirstName", "MiddleName", "BirthDay", "Sex"}}
	e := newAcctEnvWith(t, cfg, account.Config{}, list)
	form := staffid.RegistrationForm{
		Fields: map[string]string{"LastName": "харрисон", "FirstName": "джордж", "MiddleName": "гарольдович", "BirthDay": "25.02.1943", "Sex": "m"},
		Email:  "george@example.com",
	}
	s := e.register(t, form, "here comes the sun")
	require.Equal(t, "Harrison", s.Employee.LastNameEng)

	form.Fields["Sex"] = "F"
	form.Email = "other@example.com"
	reg, err := e.accounts.Register(context.Background(), form, "10.0.0.1")
	require.NoError(t, err)
	require.Equal(t, staffid.RegisterRefused, reg.Outcome)
}

func TestNewAccountsRefusesUnusableSettings(t *testing.T) {
	people := memory.New().Stores()
	ok := staffid.AccountsConfig{Mailer: &acctMailer{}, LinkURL: "https://x.example/{token}"}
	_, err := staffid.NewAccounts(staffid.Config{}, people.StaffID, people.Accounts, ok)
	require.NoError(t, err)

	tests := map[string]struct {
		cfg staffid.Config
		ac  staffid.AccountsConfig
	}{
		"fields cannot find the employee": {staffid.Config{RegistrationFields: []string{"LastName", "BirthDay"}}, ok},
		"no mailer":                       {staffid.Config{}, staffid.AccountsConfig{LinkURL: ok.LinkURL}},
		"no token in the link":            {staffid.Config{}, staffid.AccountsConfig{Mailer: ok.Mailer, LinkURL: "https://x.example/"}},
		"bad config":                      {staffid.Config{GroupField: "Email"}, ok},
	}
	for name, tt := range tests {
		_, err := staffid.NewAccounts(tt.cfg, people.StaffID, people.Accounts, tt.ac)
		require.ErrorIs(t, err, bookingkit.ErrInvalid, name)
	}
}

func TestMailTemplates(t *testing.T) {
	ctx := context.Background()
	fsys := fstest.MapFS{
		staffid.RegisterTemplateFile: {Data: []byte("Subject: Добро пожаловать, {{.FirstName}}\n\nСсылка: {{.Link}}\nДействует {{.ValidFor}}.\n")},
	}
	tpl, err := staffid.ParseMailTemplates(fsys)
	require.NoError(t, err)
	mailer := &acctMailer{}
	e := newAcctEnv(t, staffid.Config{}, account.Config{})
	accounts, err := staffid.NewAccounts(staffid.Config{}, e.stores.StaffID, e.stores.Accounts, staffid.AccountsConfig{
		Account: account.Config{HashParams: acctFast}, Mailer: mailer, Templates: tpl, LinkURL: "https://s.example/p?token={token}",
	})
	require.NoError(t, err)
	_, err = accounts.Register(ctx, lennon(), "10.0.0.1")
	require.NoError(t, err)
	require.Equal(t, "Добро пожаловать, Джон", mailer.sent[0].Subject)
	require.Regexp(t, `^Ссылка: https://s\.example/p\?token=[A-Za-z0-9_-]{43}\nДействует 24 hours\.\n$`, mailer.sent[0].Body)

	bad := map[string]string{
		"no subject":   "Hello\n\n{{.Link}}",
		"no link":      "Subject: x\n\nno link here",
		"unknown key":  "Subject: x\n\n{{.Link}} {{.Nope}}",
		"syntax error": "Subject: x\n\n{{.Link}",
	}
	for name, text := range bad {
		_, err := staffid.ParseMailTemplates(fstest.MapFS{staffid.ResetTemplateFile: {Data: []byte(text)}})
		require.ErrorIs(t, err, bookingkit.ErrInvalid, name)
	}
	// The messages of a registration that makes no account carry no link.
	tpl, err = staffid.ParseMailTemplates(fstest.MapFS{staffid.RefusedTemplateFile: {Data: []byte("Subject: Регистрация\n\nДанные не совпадают ({{.Email}}).\n")}})
	require.NoError(t, err)
	accounts, err = staffid.NewAccounts(staffid.Config{}, e.stores.StaffID, e.stores.Accounts, staffid.AccountsConfig{
		Account: account.Config{HashParams: acctFast}, Mailer: mailer, Templates: tpl, LinkURL: "https://s.example/p?token={token}",
	})
	require.NoError(t, err)
	form := lennon()
	form.Fields["BirthDay"] = "01.01.1941"
	_, err = accounts.Register(ctx, form, "10.0.0.1")
	require.NoError(t, err)
	require.Equal(t, "Данные не совпадают (it@websky.tech).\n", mailer.sent[len(mailer.sent)-1].Body)
}

func TestRegisterReportsAFailedMail(t *testing.T) {
	e := newAcctEnv(t, staffid.Config{}, account.Config{})
	e.mailer.fail = errors.New("smtp down")
	_, err := e.accounts.Register(context.Background(), harrison(), "10.0.0.1")
	require.ErrorContains(t, err, "smtp down")
	require.ErrorContains(t, err, "register again")
	e.mailer.fail = nil
	e.register(t, harrison(), "here comes the sun") // and registering again works
}

// harrisonListed is acctList where the airline has given Harrison an email.
func harrisonListed(email string) []map[string]any {
	list := slices.Clone(acctList)
	list[4] = maps.Clone(list[4])
	list[4]["Email"] = email
	return list
}

// Attack: a colleague registers an employee the list has no email for
// with their own address; the next list gives the employee's address. The
// import moves the account there (FollowList as the importer's
// AfterImport): the colleague's password, sessions and links end, and
// the link goes to the listed address.
func TestAttackTakeoverByRegisteringFirstFollowsTheList(t *testing.T) {
	ctx := context.Background()
	e := newAcctEnv(t, staffid.Config{}, account.Config{})
	var moved int
	e.importer.AfterImport = func(ctx context.Context, changed []*staffid.Person) {
		n, err := e.accounts.FollowList(ctx, changed)
		require.NoError(t, err)
		moved += n
	}
	form := harrison()
	form.Email = "colleague@example.com"
	s := e.register(t, form, "my colleague's travel perks")
	require.NoError(t, e.accounts.RequestReset(ctx, "colleague@example.com", "10.0.0.1"))
	kept := e.mailer.lastToken(t, "colleague@example.com")

	e.importList(t, harrisonListed("George@Harrison.example"))
	require.Equal(t, 1, moved)
	msg := e.mailer.sent[len(e.mailer.sent)-1]
	require.Equal(t, "george@harrison.example", msg.To)
	require.Equal(t, "Your staff travel account now uses this address", msg.Subject)
	require.Contains(t, msg.Body, "Hello Джордж,")

	_, err := e.accounts.Authenticate(ctx, s.Session)
	require.ErrorIs(t, err, bookingkit.ErrUnauthorized, "the colleague's session ended")
	_, err = e.accounts.Login(ctx, "colleague@example.com", "my colleague's travel perks", "10.0.0.1")
	require.ErrorIs(t, err, account.ErrBadCredentials, "the colleague's address signs in no more")
	_, err = e.accounts.SetPassword(ctx, kept, "taking it back again")
	require.ErrorIs(t, err, account.ErrBadLink, "nor does a link mailed to it")

	george, err := e.accounts.SetPassword(ctx, e.mailer.lastToken(t, "george@harrison.example"), "something in the way she moves")
	require.NoError(t, err)
	require.Equal(t, "george@harrison.example", george.Account.Email)
	require.Equal(t, s.Account.ID, george.Account.ID, "the same account: his bookings stay his")

	// A later import that changes nothing about him moves nothing.
	n := e.mailer.count()
	e.importList(t, harrisonListed("george@harrison.example"))
	require.Equal(t, 1, moved)
	require.Equal(t, n, e.mailer.count())
}

// When no import moved the account (a crash after the import, or an import
// by the command-line tool), the gate refuses the colleague on every
// server and moves the account at the first use; the real employee's
// registration with the listed address moves it too.
func TestGateRefusesAnAddressTheListDoesNotGive(t *testing.T) {
	ctx := context.Background()

	t.Run("at the colleague's next request", func(t *testing.T) {
		e := newAcctEnv(t, staffid.Config{}, account.Config{})
		form := harrison()
		form.Email = "colleague@example.com"
		s := e.register(t, form, "my colleague's travel perks")
		e.importList(t, harrisonListed("george@harrison.example")) // no AfterImport
		n := e.mailer.count()

		_, err := e.accounts.Authenticate(ctx, s.Session)
		require.ErrorIs(t, err, bookingkit.ErrUnauthorized)
		require.Equal(t, n+1, e.mailer.count(), "the link went to the listed address")
		_, err = e.accounts.Login(ctx, "colleague@example.com", "my colleague's travel perks", "10.0.0.1")
		require.ErrorIs(t, err, account.ErrBadCredentials)
		_, err = e.accounts.SetPassword(ctx, e.mailer.lastToken(t, "george@harrison.example"), "something in the way she moves")
		require.NoError(t, err)
	})

	t.Run("at the colleague's sign-in", func(t *testing.T) {
		e := newAcctEnv(t, staffid.Config{}, account.Config{})
		form := harrison()
		form.Email = "colleague@example.com"
		e.register(t, form, "my colleague's travel perks")
		e.importList(t, harrisonListed("george@harrison.example"))
		_, err := e.accounts.Login(ctx, "colleague@example.com", "my colleague's travel perks", "10.0.0.1")
		require.ErrorIs(t, err, staffid.ErrAddressNotListed)
		require.ErrorIs(t, err, bookingkit.ErrForbidden)
		e.mailer.lastToken(t, "george@harrison.example")
	})

	t.Run("at the employee's registration", func(t *testing.T) {
		e := newAcctEnv(t, staffid.Config{}, account.Config{})
		form := harrison()
		form.Email = "colleague@example.com"
		e.register(t, form, "my colleague's travel perks")
		e.importList(t, harrisonListed("george@harrison.example"))
		form.Email = "george@harrison.example"
		s := e.register(t, form, "something in the way she moves")
		require.Equal(t, "george@harrison.example", s.Account.Email)
		_, err := e.accounts.Login(ctx, "colleague@example.com", "my colleague's travel perks", "10.0.0.1")
		require.ErrorIs(t, err, account.ErrBadCredentials)
	})

	t.Run("the listed address has another account", func(t *testing.T) {
		e := newAcctEnv(t, staffid.Config{}, account.Config{})
		form := harrison()
		form.Email = "colleague@example.com"
		s := e.register(t, form, "my colleague's travel perks")
		e.importList(t, harrisonListed("it@websky.tech"))
		e.register(t, lennon(), "yellow submarine 1966")
		_, err := e.accounts.FollowList(ctx, []*staffid.Person{{ID: s.Employee.ID, IsEmployee: true, Email: "it@websky.tech"}})
		require.ErrorIs(t, err, bookingkit.ErrConflict)
		_, err = e.accounts.Authenticate(ctx, s.Session)
		require.ErrorIs(t, err, bookingkit.ErrUnauthorized, "the account stays shut")
		_, err = e.accounts.Login(ctx, "it@websky.tech", "yellow submarine 1966", "10.0.0.1")
		require.NoError(t, err, "the other account is untouched")

		// The gate's failed move reaches the operator's log.
		var unanswered []error
		accounts, err := staffid.NewAccounts(staffid.Config{}, e.stores.StaffID, e.stores.Accounts, staffid.AccountsConfig{
			Account: account.Config{HashParams: acctFast}, Mailer: e.mailer, LinkURL: "https://s.example/p?token={token}",
			Unanswered: func(_ context.Context, err error) { unanswered = append(unanswered, err) },
		})
		require.NoError(t, err)
		_, err = accounts.Login(ctx, "colleague@example.com", "my colleague's travel perks", "10.0.0.1")
		require.ErrorIs(t, err, staffid.ErrAddressNotListed)
		require.Len(t, unanswered, 1)
		require.ErrorIs(t, unanswered[0], bookingkit.ErrConflict)
	})
}
