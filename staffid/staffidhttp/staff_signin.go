package staffidhttp

import (
	"encoding/json"
	"errors"
	"log/slog"
	"mime"
	"net/http"
	"strings"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/account"
	"github.com/bookingkit/bookingkit/httpapi"
	"github.com/bookingkit/bookingkit/staffid"
)

// StaffSessions is bookingkit's own sign-in as [Employees]: the session
// token of an "Authorization: Bearer" header or, without one, of the
// cookie the set-password page sets, authenticated by the staff accounts.
// Another site's page cannot ride the cookie when the server refuses
// cross-origin requests ([httpapi.ProtectCrossOrigin]).
type StaffSessions struct {
	Accounts *staffid.Accounts
	// Cookie is the session cookie of the set-password page's flow
	// (bookingkitd: "bookingkit_staff_session", path /api/staff).
	Cookie httpapi.SessionCookie
}

// staffNotSignedIn answers a request without a session token.
var staffNotSignedIn = bookingkit.Errorf("not signed in: send Authorization: Bearer <session token>: %w", bookingkit.ErrUnauthorized)

// token returns the request's session token: a bearer token, or the
// cookie's.
func (s StaffSessions) token(r *http.Request) string {
	if t := httpapi.Bearer(r); t != "" {
		return t
	}
	return s.Cookie.Value(r)
}

// Employee returns the employee signed in with the request's session
// ([staffid.Accounts.Authenticate]).
func (s StaffSessions) Employee(r *http.Request) (staffid.SignedIn, error) {
	token := s.token(r)
	if token == "" {
		return staffid.SignedIn{}, staffNotSignedIn
	}
	return s.Accounts.Authenticate(r.Context(), token)
}

// StaffSignIn serves bookingkit's own sign-in for employees: registration
// against the imported employee list, the mailed one-time link and its
// set-password page, password reset, login and logout. An engine with a
// sign-in of its own does not mount it. Create it with [NewStaffSignIn]
// and mount its [StaffSignIn.Routes].
//
// Registration and reset are queued ([staffid.Accounts.QueueRegister],
// [staffid.Accounts.QueueReset]): the server's worker completes them
// ([staffid.Accounts.CompleteRegister], [staffid.Accounts.CompleteReset]).
type StaffSignIn struct {
	sessions StaffSessions
	logger   *slog.Logger
}

// NewStaffSignIn returns the sign-in routes of sessions.
func NewStaffSignIn(sessions StaffSessions, opts StaffOptions) (*StaffSignIn, error) {
	if sessions.Accounts == nil {
		return nil, errors.New("staffidhttp: the staff sign-in needs staffid.Accounts")
	}
	return &StaffSignIn{sessions: sessions, logger: opts.logger()}, nil
}

// Routes returns the sign-in's routes, relative to where they are
// mounted: mounted at "", exactly the paths bookingkitd serves. The
// mailed links ([staffid.AccountsConfig].LinkURL) point at
// "GET /api/staff/password" under the mount point.
func (s *StaffSignIn) Routes() []httpapi.Route {
	return []httpapi.Route{
		{Pattern: "POST /api/staff/register", Handler: s.handle(s.register)},
		{Pattern: "GET /api/staff/password", Handler: http.HandlerFunc(s.passwordPage)},
		{Pattern: "POST /api/staff/password", Handler: http.HandlerFunc(s.setPassword)},
		{Pattern: "POST /api/staff/password/reset", Handler: s.handle(s.resetPassword)},
		{Pattern: "POST /api/staff/login", Handler: s.handle(s.login)},
		{Pattern: "POST /api/staff/logout", Handler: s.handle(s.logout)},
	}
}

func (s *StaffSignIn) handle(fn func(w http.ResponseWriter, r *http.Request) error) http.Handler {
	return httpapi.Handler(s.logger, fn)
}

// StaffRegisterAnswer is the one answer to a well-formed registration:
// whether the details match the list, whether the employee or the address
// has an account, is told only to the mailbox of the address given. It
// is said in the request's language.
const StaffRegisterAnswer = "thank you: we have sent a message about your registration to the address you gave; it has a link to choose your password, or says why there is none"

// register checks the form's syntax and the rate limits and queues it;
// the worker compares it with the employee list and mails the one-time
// link, or why there is none. The body holds the configured registration
// fields by the list's names and the email: {"LastName": …, "BirthDay":
// "09.10.1940", …, "Email": …}.
func (s *StaffSignIn) register(w http.ResponseWriter, r *http.Request) error {
	var in map[string]json.RawMessage
	if err := httpapi.DecodeJSON(r, &in); err != nil {
		return err
	}
	form := staffid.RegistrationForm{Fields: map[string]string{}}
	for k, raw := range in {
		// A string, or a number as the list itself may carry it
		// ("EmployeeID": 884220062).
		var v string
		if err := json.Unmarshal(raw, &v); err != nil {
			var n json.Number
			if err := json.Unmarshal(raw, &n); err != nil {
				return bookingkit.Invalid(k, "", "a string")
			}
			v = n.String()
		}
		if strings.EqualFold(k, "email") {
			form.Email = v
		} else {
			form.Fields[k] = v
		}
	}
	// The request checks the form and the limits and queues it; the
	// worker reads the list and the accounts, so every form does the
	// same writes here.
	if err := s.sessions.Accounts.QueueRegister(r.Context(), form, httpapi.ClientAddress(r)); err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusAccepted, map[string]string{"status": httpapi.Text(r, StaffRegisterAnswer)})
	return nil
}

func (s *StaffSignIn) login(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}
	if err := httpapi.DecodeJSON(r, &in); err != nil {
		return err
	}
	signed, err := s.sessions.Accounts.Login(r.Context(), in.Email, in.Password, httpapi.ClientAddress(r))
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusOK, staffSessionOut(signed))
	return nil
}

func (s *StaffSignIn) logout(w http.ResponseWriter, r *http.Request) error {
	token := s.sessions.token(r)
	if token == "" {
		return staffNotSignedIn
	}
	if err := s.sessions.Accounts.Logout(r.Context(), token); err != nil {
		return err
	}
	s.sessions.Cookie.Clear(w, r)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// resetPassword mails a link to choose a new password; the answer is the
// same whether or not the address has an account.
func (s *StaffSignIn) resetPassword(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Email string `json:"email"`
	}
	if err := httpapi.DecodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.sessions.Accounts.QueueReset(r.Context(), in.Email, httpapi.ClientAddress(r)); err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusAccepted, map[string]string{"status": httpapi.Text(r, "if this address has a staff travel account, a link to choose a new password has been sent to it")})
	return nil
}

// staffPasswordPage posts to Action: the path the page was served at.
var staffPasswordPage = must(httpapi.ParsePage("password", `<!doctype html>
<html lang="{{lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{{t "Staff travel: choose your password"}}</title>
<style nonce="{{.Nonce}}">body{font:1.1rem/1.5 system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem}label,input,button{display:block;width:100%;margin:.3rem 0}input{padding:.5rem}button{padding:.7rem;margin-top:1rem}.error{color:#b00}</style>
</head>
<body>
{{if .Done}}<h1>{{t "Your password is set"}}</h1>
<p>{{t "You are signed in as %s. From now on, sign in with this email and your password." .Email}}</p>
{{else}}<h1>{{t "Choose your password"}}</h1>
{{if .Error}}<p class="error">{{.Error}}</p>{{end}}
{{if .Token}}<form method="post" action="{{.Action}}">
<p>{{t "For %s. At least %d characters; a phrase of a few words is easy to remember and hard to guess." .Email .MinLength}}</p>
<input type="hidden" name="token" value="{{.Token}}">
<label for="password">{{t "New password"}}</label>
<input id="password" name="password" type="password" autocomplete="new-password" required minlength="{{.MinLength}}">
<label for="confirm">{{t "The same again"}}</label>
<input id="confirm" name="confirm" type="password" autocomplete="new-password" required>
<button type="submit">{{t "Set password"}}</button>
</form>{{else}}<p>{{t "Ask for a new link with “Forgot password” on the sign-in page."}}</p>{{end}}
{{end}}
</body>
</html>
`, nil))

// must returns a page's templates, or panics on a page that does not
// parse: a mistake in the source, found by every test.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// render writes the set-password page with a content security policy
// that lets only its own style run; its URL carries the token. The form
// posts to the path the page was served at (GET and POST share it).
func (s *StaffSignIn) render(w http.ResponseWriter, r *http.Request, status int, data map[string]any) {
	page := httpapi.Page{Languages: staffPasswordPage, NoReferrer: true, Logger: s.logger}
	page.Render(w, r, status, "", func(nonce string) any {
		data["Nonce"], data["MinLength"], data["Action"] = nonce, s.sessions.Accounts.Service().MinPasswordLength(), r.URL.Path
		return data
	})
}

// staffBadLinkText is what the page says of a link it cannot use.
const staffBadLinkText = "This link is invalid, already used or expired."

// passwordPage opens a mailed link: it shows the set-password form and
// never uses the link up (mail scanners open links by themselves).
func (s *StaffSignIn) passwordPage(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("token")
	a, err := s.sessions.Accounts.CheckLink(r.Context(), token)
	if err != nil {
		s.render(w, r, httpapi.StatusOf(err), map[string]any{"Error": httpapi.Text(r, staffBadLinkText)})
		return
	}
	s.render(w, r, http.StatusOK, map[string]any{"Token": token, "Email": a.Email})
}

// setPassword uses a one-time link to set the password and signs the
// employee in. A JSON body ({"token", "password"}) gets the session as
// JSON; the page's form post gets a page and the session in an HttpOnly
// cookie.
func (s *StaffSignIn) setPassword(w http.ResponseWriter, r *http.Request) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "application/x-www-form-urlencoded" {
		s.setPasswordForm(w, r)
		return
	}
	var in struct {
		Token    string `json:"token"`
		Password string `json:"password"`
	}
	if err := httpapi.DecodeJSON(r, &in); err != nil {
		httpapi.WriteError(w, r, s.logger, err)
		return
	}
	signed, err := s.sessions.Accounts.SetPassword(r.Context(), in.Token, in.Password)
	if err != nil {
		httpapi.WriteError(w, r, s.logger, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, staffSessionOut(signed))
}

func (s *StaffSignIn) setPasswordForm(w http.ResponseWriter, r *http.Request) {
	if err := httpapi.ParseForm(r); err != nil {
		httpapi.WriteError(w, r, s.logger, err)
		return
	}
	token, pw := r.PostForm.Get("token"), r.PostForm.Get("password")
	data := map[string]any{"Token": token}
	a, err := s.sessions.Accounts.CheckLink(r.Context(), token)
	if err != nil {
		s.render(w, r, httpapi.StatusOf(err), map[string]any{"Error": httpapi.Text(r, staffBadLinkText)})
		return
	}
	data["Email"] = a.Email
	if pw != r.PostForm.Get("confirm") {
		data["Error"] = httpapi.Text(r, "The two passwords differ.")
		s.render(w, r, http.StatusBadRequest, data)
		return
	}
	signed, err := s.sessions.Accounts.SetPassword(r.Context(), token, pw)
	if err != nil {
		var ve *bookingkit.ValidationError
		switch {
		case errors.As(err, &ve):
			data["Error"] = httpapi.Text(r, "The password must be %s.", httpapi.Reason(r, ve))
		case errors.Is(err, account.ErrBadLink):
			data = map[string]any{"Error": httpapi.Text(r, staffBadLinkText)}
		case httpapi.StatusOf(err) == http.StatusInternalServerError:
			s.logger.ErrorContext(r.Context(), "staff: set password failed", "error", err)
			data["Error"] = httpapi.Text(r, "Something went wrong; try again.")
		default:
			data["Error"], _ = httpapi.RequestMessage(r, err)
		}
		s.render(w, r, httpapi.StatusOf(err), data)
		return
	}
	s.sessions.Cookie.Set(w, r, signed.Session)
	s.render(w, r, http.StatusOK, map[string]any{"Done": true, "Email": signed.Account.Email})
}
