package partnerhttp

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/httpapi"
	"github.com/bookingkit/bookingkit/partner"
)

// Cookie is the name of the cookie that carries the pages' session.
const Cookie = "bookingkit_partner_session"

// SessionsOptions configures [NewSessions].
type SessionsOptions struct {
	// Logger receives the errors the answers do not show; nil means
	// [slog.Default].
	Logger *slog.Logger
	// BaseURL is this server's address as partners' browsers reach it
	// ("https://partners.example.com"): mailed links point under it, and
	// an https address makes the pages' cookie Secure. "" means the
	// address the request came to.
	BaseURL string
	// APIKeys, when set, also signs in partners' systems by the API keys
	// it keeps ([partner.Service.CreateAPIKey]): a bearer token that starts
	// [partner.APIKeyPrefix] acts as the key's partner, and the keys'
	// routes are among [Sessions.Routes].
	APIKeys *partner.Service
}

// Sessions is bookingkit's own sign-in of partner users, over
// [partner.Accounts]: the session token of POST /api/partner/login, sent
// as "Authorization: Bearer <token>" to the API (which takes no cookie, so
// another site cannot make a browser call it), and the pages' session in
// an HttpOnly cookie ([Sessions.Pages]). Its routes ([Sessions.Routes])
// sign in and out and set passwords.
type Sessions struct {
	base
	accounts *partner.Accounts
	cookie   httpapi.SessionCookie
	keys     *partner.Service
}

// NewSessions returns the sign-in over accounts.
func NewSessions(accounts *partner.Accounts, opts SessionsOptions) (*Sessions, error) {
	if accounts == nil {
		return nil, bookingkit.Invalid("partnerhttp.NewSessions", "", "the partner.Accounts are required")
	}
	b, err := newBase(opts.Logger, opts.BaseURL)
	if err != nil {
		return nil, err
	}
	return &Sessions{base: b, accounts: accounts, cookie: httpapi.NewSessionCookie(Cookie, "/partner", opts.BaseURL), keys: opts.APIKeys}, nil
}

// Actor returns who signed in to the API request r, by its bearer token:
// a session token, or an API key ([SessionsOptions.APIKeys]).
func (p *Sessions) Actor(r *http.Request) (partner.Actor, error) {
	token := httpapi.Bearer(r)
	if token == "" {
		return partner.Actor{}, fmt.Errorf("missing session token (Authorization: Bearer <session token>): %w", bookingkit.ErrUnauthorized)
	}
	if isAPIKey(token) {
		return p.keyActor(r, token)
	}
	u, err := p.accounts.Authenticate(r.Context(), token)
	if err != nil {
		return partner.Actor{}, err
	}
	return u.Actor(), nil
}

// Pages returns who signed in to a page request: by the cookie, or a
// bearer token for scripts; nobody signed in is sent to the sign-in page.
func (p *Sessions) Pages() PageUsers { return sessionPages{p} }

type sessionPages struct{ p *Sessions }

func (s sessionPages) Actor(r *http.Request) (partner.Actor, error) {
	u, err := s.p.accounts.Authenticate(r.Context(), s.p.pageSession(r))
	if err != nil {
		return partner.Actor{}, err
	}
	return u.Actor(), nil
}

func (s sessionPages) SignIn(w http.ResponseWriter, r *http.Request) {
	s.p.cookie.Clear(w, r)
	http.Redirect(w, r, "/partner/sign-in?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
}

// Routes returns the sign-in's routes: the API's sign-in, sign-out,
// set-password and reset, the pages' sign-in, sign-out and set-password,
// and with [SessionsOptions.APIKeys] the API keys' routes.
func (p *Sessions) Routes() []httpapi.Route {
	return append(p.apiKeyRoutes(), []httpapi.Route{
		{Pattern: "POST /api/partner/login", Handler: p.login()},
		{Pattern: "POST /api/partner/logout", Handler: p.logout()},
		{Pattern: "POST /api/partner/password", Handler: p.setPassword()},
		{Pattern: "POST /api/partner/password/reset", Handler: p.resetPassword()},
		{Pattern: "GET /partner/sign-in", Handler: p.signInPage()},
		{Pattern: "POST /partner/sign-in", Handler: p.signInPost()},
		{Pattern: "POST /partner/sign-out", Handler: p.signOutPost()},
		{Pattern: "GET /partner/set-password", Handler: p.setPasswordPage()},
		{Pattern: "POST /partner/set-password", Handler: p.setPasswordPost()},
	}...)
}
