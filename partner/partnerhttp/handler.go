package partnerhttp

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/httpapi"
	"github.com/bookingkit/bookingkit/partner"
)

// Users tells who the partner user or administrator signed in to a request
// is. An unknown or missing sign-in is an error matching
// bookingkit.ErrUnauthorized. [Sessions] is bookingkit's own; an engine
// with its own sign-in passes its own.
type Users interface {
	Actor(r *http.Request) (partner.Actor, error)
}

// PageUsers is [Users] for the browser pages, which answer a request that
// nobody is signed in to by sending the person to a sign-in (SignIn).
type PageUsers interface {
	Users
	SignIn(w http.ResponseWriter, r *http.Request)
}

// Inviter mails a partner user a one-time link to choose a password, under
// base (the server's address as browsers reach it). [*partner.Accounts]
// is one.
type Inviter interface {
	Invite(ctx context.Context, u partner.User, base string) error
}

// Options configures [NewHandler].
type Options struct {
	// Logger receives the errors the answers do not show; nil means
	// [slog.Default].
	Logger *slog.Logger
	// PageUsers tells who is signed in to the reports page; nil means
	// the users passed to [NewHandler], and a page request nobody is
	// signed in to is answered 401.
	PageUsers PageUsers
	// Invitations mails a new user their link to choose a password
	// (POST /api/partner/users) and serves POST
	// /api/partner/users/{id}/invitation; nil: the engine invites its
	// users itself, and that route is not served.
	Invitations Inviter
	// BaseURL is this server's address as partners' browsers reach it, for
	// the mailed links; "" means the address the request came to.
	BaseURL string
}

// base is what the API and the sign-in share: logging, the pages, and
// where links point.
type base struct {
	logger  *slog.Logger
	pages   *partnerPages
	baseURL string
}

func newBase(logger *slog.Logger, baseURL string) (base, error) {
	if logger == nil {
		logger = slog.Default()
	}
	pages, err := newPartnerPages()
	if err != nil {
		return base{}, err
	}
	return base{logger: logger, pages: pages, baseURL: strings.TrimSuffix(baseURL, "/")}, nil
}

// handler adapts a function that returns an error to an http.Handler.
func (p *base) handler(fn func(w http.ResponseWriter, r *http.Request) error) http.Handler {
	return httpapi.Handler(p.logger, fn)
}

// linkBase is where links in mails point: the configured base URL, or
// the address of the request that causes the mail.
func (p *base) linkBase(r *http.Request) string {
	if p.baseURL != "" {
		return p.baseURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// Handler serves the partner module's API: partner users' and
// administrators' calls (signed in as [Users] says), the reports page, and
// the terminals' and web panel's calls ([Handler.EngineRoutes]).
type Handler struct {
	base
	svc         *partner.Service
	users       Users
	pageUsers   PageUsers
	invitations Inviter
}

// NewHandler returns the partner API over svc, for the users signed in as
// users says.
func NewHandler(svc *partner.Service, users Users, opts Options) (*Handler, error) {
	if svc == nil || users == nil {
		return nil, bookingkit.Invalid("partnerhttp.NewHandler", "", "a partner.Service and the Users are required")
	}
	b, err := newBase(opts.Logger, opts.BaseURL)
	if err != nil {
		return nil, err
	}
	h := &Handler{base: b, svc: svc, users: users, pageUsers: opts.PageUsers, invitations: opts.Invitations}
	if h.pageUsers == nil {
		h.pageUsers = unauthorizedPages{users: users, logger: h.logger}
	}
	return h, nil
}

// unauthorizedPages answers a page request nobody is signed in to 401.
type unauthorizedPages struct {
	users  Users
	logger *slog.Logger
}

func (u unauthorizedPages) Actor(r *http.Request) (partner.Actor, error) { return u.users.Actor(r) }

func (u unauthorizedPages) SignIn(w http.ResponseWriter, r *http.Request) {
	httpapi.WriteError(w, r, u.logger, fmt.Errorf("sign in first: %w", bookingkit.ErrUnauthorized))
}

// user wraps a handler that acts for the signed-in user.
func (p *Handler) user(fn func(w http.ResponseWriter, r *http.Request, a partner.Actor) error) http.Handler {
	return p.handler(func(w http.ResponseWriter, r *http.Request) error {
		a, err := p.users.Actor(r)
		if err != nil {
			return err
		}
		return fn(w, r, a)
	})
}

// Routes returns the API of signed-in partner users and administrators
// and the reports page, with patterns relative to the mount point.
func (p *Handler) Routes() []httpapi.Route {
	routes := []httpapi.Route{
		{Pattern: "GET /api/partner/profile", Handler: p.profile()},
		{Pattern: "GET /api/partner/types", Handler: p.types()},
		{Pattern: "GET /api/partner/partners", Handler: httpapi.PageCursor("after", p.listPartners())},
		{Pattern: "POST /api/partner/partners", Handler: p.createPartner()},
		{Pattern: "GET /api/partner/partners/{id}", Handler: p.getPartner()},
		{Pattern: "POST /api/partner/users", Handler: p.createUser()},
		{Pattern: "GET /api/partner/users/{id}", Handler: p.getUser()},
	}
	if p.invitations != nil {
		routes = append(routes, httpapi.Route{Pattern: "POST /api/partner/users/{id}/invitation", Handler: p.inviteUser()})
	}
	routes = append(routes, p.webhookRoutes()...)
	return append(routes, []httpapi.Route{
		{Pattern: "GET /api/partner/companies", Handler: httpapi.PageCursor("after", p.listCompanies())},
		{Pattern: "POST /api/partner/companies", Handler: p.createCompany()},
		{Pattern: "GET /api/partner/companies/{id}", Handler: p.getCompany()},
		{Pattern: "GET /api/partner/instances", Handler: httpapi.PageCursor("after", p.listInstances())},
		{Pattern: "POST /api/partner/instances", Handler: p.createInstance()},
		{Pattern: "GET /api/partner/instances/{id}", Handler: p.getInstance()},
		{Pattern: "PATCH /api/partner/instances/{id}", Handler: p.editInstance()},
		{Pattern: "POST /api/partner/instances/{id}/provision", Handler: p.provision()},
		{Pattern: "GET /api/partner/instances/{id}/contract", Handler: p.contract()},
		{Pattern: "POST /api/partner/instances/{id}/cancel", Handler: p.cancelInstance()},
		{Pattern: "POST /api/partner/instances/{id}/generate", Handler: p.generate()},
		{Pattern: "POST /api/partner/instances/{id}/expiry", Handler: p.extendExpiry()},
		{Pattern: "POST /api/partner/instances/{id}/clear-session", Handler: p.clearSession()},
		{Pattern: "POST /api/partner/instances/{id}/deactivation", Handler: p.requestDeactivation()},
		{Pattern: "POST /api/partner/instances/{id}/deactivation/withdraw", Handler: p.withdrawDeactivation()},
		{Pattern: "POST /api/partner/instances/{id}/deactivation/approve", Handler: p.approveDeactivation()},
		{Pattern: "POST /api/partner/instances/{id}/deactivation/reject", Handler: p.rejectDeactivation()},
		{Pattern: "GET /api/partner/instances/{id}/licences", Handler: httpapi.PageCursor("after", p.listLicences(true))},
		{Pattern: "POST /api/partner/instances/{id}/licences", Handler: p.addLicences()},
		{Pattern: "GET /api/partner/licences", Handler: httpapi.PageCursor("after", p.listLicences(false))},
		{Pattern: "GET /api/partner/licences/{id}", Handler: p.getLicence()},
		{Pattern: "POST /api/partner/licences/{id}/release", Handler: p.releaseLicence()},
		{Pattern: "POST /api/partner/licences/{id}/deactivation", Handler: p.requestLicenceDeactivation()},
		{Pattern: "POST /api/partner/licences/{id}/deactivation/withdraw", Handler: p.withdrawLicenceDeactivation()},
		{Pattern: "POST /api/partner/licences/{id}/deactivation/approve", Handler: p.approveLicenceDeactivation()},
		{Pattern: "POST /api/partner/licences/{id}/deactivation/reject", Handler: p.rejectLicenceDeactivation()},
		{Pattern: "POST /api/partner/licences/{id}/impersonation", Handler: p.impersonationLink()},
		{Pattern: "GET /api/partner/threads", Handler: p.threads()},
		{Pattern: "GET /api/partner/threads/{company}", Handler: p.thread()},
		{Pattern: "GET /api/partner/threads/{company}/messages", Handler: httpapi.PageCursor("before", p.messages())},
		{Pattern: "POST /api/partner/threads/{company}/messages", Handler: p.postMessage()},
		{Pattern: "POST /api/partner/threads/{company}/read", Handler: p.markRead()},
		{Pattern: "GET /api/partner/activity", Handler: p.searchActivity()},
		{Pattern: "GET /api/partner/activity/{id}", Handler: p.activityRecord()},
		{Pattern: "GET /api/partner/audit", Handler: httpapi.PageCursor("before", p.auditLog())},
		{Pattern: "GET /api/partner/reports", Handler: p.report()},
		{Pattern: "GET /api/partner/reports/detail", Handler: httpapi.PageCursor("after", p.reportDetail())},
		{Pattern: "GET /api/partner/reports/monthly", Handler: p.monthly()},
		{Pattern: "GET /partner/reports", Handler: httpapi.PageCursor("after", p.reportsPage())},
	}...)
}

// EngineRoutes returns the calls of the terminals and the product's web
// panel, unauthenticated: the caller wraps them with its engine token
// check.
func (p *Handler) EngineRoutes() []httpapi.Route {
	return []httpapi.Route{
		{Pattern: "POST /api/partner/terminal/bind", Handler: p.bindTerminal()},
		{Pattern: "POST /api/partner/terminal/activity", Handler: p.terminalActivity()},
		{Pattern: "POST /api/partner/impersonation/open", Handler: p.openImpersonation()},
	}
}
