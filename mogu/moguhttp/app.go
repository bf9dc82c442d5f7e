package moguhttp

import (
	"html/template"
	"log/slog"
	"net/http"
	"strings"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/httpapi"
	"github.com/bookingkit/bookingkit/locale"
	"github.com/bookingkit/bookingkit/mogu"
)

// Travellers says who the signed-in traveller of a request is: the engine's
// sign-in, or bookingkit's own app sessions ([Sessions]). Traveller
// returns an error matching bookingkit.ErrUnauthorized when nobody is
// signed in; the account's Email must be one its owner has proved (MOGU
// lists trips by it).
type Travellers interface {
	Traveller(r *http.Request) (mogu.Account, error)
}

// TravellerFunc is a function that is a [Travellers].
type TravellerFunc func(r *http.Request) (mogu.Account, error)

// Traveller calls f.
func (f TravellerFunc) Traveller(r *http.Request) (mogu.Account, error) { return f(r) }

// Options configures a [Handler].
type Options struct {
	// Logger takes what no answer shows; slog.Default when nil.
	Logger *slog.Logger
	// AppClaimURL is the app's deep link for a claim, with "{token}"
	// where the claim token goes: "mogu://claim/{token}". The landing
	// page offers it. Required.
	AppClaimURL string
	// AppStoreURL and PlayStoreURL are the app's pages in the stores, which
	// the landing page offers. Required.
	AppStoreURL  string
	PlayStoreURL string
}

// Handler serves the traveller's side of MOGU: the app's claims and trips
// for the signed-in traveller, the landing page of the claim URLs that
// vouchers print, and the "add services" page of vouchers without MOGU.
type Handler struct {
	svc        *mogu.Service
	travellers Travellers
	logger     *slog.Logger
	opts       Options
}

// NewHandler returns the traveller-side handler over svc; travellers says
// who is signed in. It returns a [*bookingkit.ValidationError] naming a
// missing or bad option.
func NewHandler(svc *mogu.Service, travellers Travellers, opts Options) (*Handler, error) {
	if svc == nil {
		return nil, bookingkit.Invalid("svc", "", "required")
	}
	if travellers == nil {
		return nil, bookingkit.Invalid("travellers", "", "required: who the signed-in traveller is")
	}
	if !strings.Contains(opts.AppClaimURL, "{token}") {
		return nil, bookingkit.Invalid("AppClaimURL", opts.AppClaimURL, "must contain {token}")
	}
	if opts.AppStoreURL == "" || opts.PlayStoreURL == "" {
		return nil, bookingkit.Invalid("AppStoreURL", opts.AppStoreURL+" "+opts.PlayStoreURL, "both store pages are required")
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &Handler{svc: svc, travellers: travellers, logger: opts.Logger, opts: opts}, nil
}

// Routes returns the app's claim and trip routes, each asking the
// [Travellers] for the signed-in traveller. Mounted at "", they are the
// reference server's paths.
func (h *Handler) Routes() []httpapi.Route {
	return []httpapi.Route{
		{Pattern: "POST /api/mogu/claims", Handler: h.claim()},
		{Pattern: "GET /api/mogu/trips", Handler: h.trips()},
		{Pattern: "GET /api/mogu/trips/{booking}", Handler: h.trip()},
	}
}

// LandingRoutes returns the claim URLs' landing page, in lower and upper
// case (QR codes print the URL in upper case): public, for anyone who
// scans a voucher, apart from [Handler.Routes] so that an engine can put
// its own sign-in in front of those without guessing which routes are
// public.
func (h *Handler) LandingRoutes() []httpapi.Route {
	return []httpapi.Route{
		{Pattern: "GET /api/mogu/c/{token}", Handler: h.landing()},
		{Pattern: "GET /API/MOGU/C/{token}", Handler: h.landing()},
	}
}

// ServicesRoutes returns the "add services" page that vouchers without
// MOGU point at when the engine has no page of its own
// ([mogu.Config.ServicesURLTemplate] pointing here).
func (h *Handler) ServicesRoutes() []httpapi.Route {
	return []httpapi.Route{
		{Pattern: "GET /booking/{booking}/services", Handler: h.servicesLanding()},
	}
}

// app wraps a handler that needs the signed-in traveller.
func (h *Handler) app(fn func(w http.ResponseWriter, r *http.Request, acct mogu.Account) error) http.Handler {
	return httpapi.Handler(h.logger, func(w http.ResponseWriter, r *http.Request) error {
		acct, err := h.travellers.Traveller(r)
		if err != nil {
			return err
		}
		return fn(w, r, acct)
	})
}

// claim links the signed-in traveller to the booking of a scanned QR
// code: the body carries the claim URL the app read, or its token.
func (h *Handler) claim() http.Handler {
	return h.app(func(w http.ResponseWriter, r *http.Request, acct mogu.Account) error {
		var in struct {
			URL   string `json:"url"`
			Token string `json:"token"`
		}
		if err := httpapi.DecodeJSON(r, &in); err != nil {
			return err
		}
		token := strings.TrimSpace(in.Token)
		if in.URL != "" {
			t, err := h.svc.TokenFromClaimURL(strings.TrimSpace(in.URL))
			if err != nil {
				return err
			}
			token = t
		}
		if token == "" {
			return bookingkit.Invalidf("token", "", "the claim URL read from the QR code (url) or its token (token) is required")
		}
		at, err := h.svc.Claim(r.Context(), acct, token, httpapi.ClientAddress(r))
		if err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusOK, appTripOut(at))
		return nil
	})
}

func (h *Handler) trips() http.Handler {
	return h.app(func(w http.ResponseWriter, r *http.Request, acct mogu.Account) error {
		limit, err := httpapi.QueryInt(r, "limit", 0)
		if err != nil {
			return err
		}
		p, err := h.svc.UpcomingTrips(r.Context(), acct, r.URL.Query().Get("cursor"), limit)
		if err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusOK, page[appTripJSON]{Items: mapAll(p.Trips, appTripOut), Next: p.Next})
		return nil
	})
}

func (h *Handler) trip() http.Handler {
	return h.app(func(w http.ResponseWriter, r *http.Request, acct mogu.Account) error {
		at, err := h.svc.TripDetail(r.Context(), acct, r.PathValue("booking"))
		if err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusOK, appTripOut(at))
		return nil
	})
}

// The claim landing page.

var landingPage = mustPage("landing", `<!doctype html>
<html lang="{{lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{{t "Your trip in MOGU"}}</title>
<style>body{font:1.1rem/1.5 system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem}a.button{display:block;margin:1rem 0;padding:.8rem;border-radius:.5rem;background:#0b5;color:#fff;text-align:center;text-decoration:none}</style>
</head>
<body>
{{if .OpenURL}}<h1>{{t "Your trip is waiting in MOGU"}}</h1>
<p>{{t "Open it in the MOGU app; sign in or create your account there and the trip is added to it."}}</p>
<a class="button" href="{{.OpenURL}}">{{t "Open in the MOGU app"}}</a>
<p>{{t "No app yet? Install it, then scan the code on your voucher again:"}}</p>{{else}}<h1>{{t "This is not a MOGU trip code"}}</h1>
<p>{{t "Scan the QR code printed on your voucher with the MOGU app."}}</p>{{end}}
<a class="button" href="{{.AppStoreURL}}" rel="noreferrer">App Store</a>
<a class="button" href="{{.PlayStoreURL}}" rel="noreferrer">Google Play</a>
<p><small>{{t "Opening this page adds nothing to any account: only the signed-in app can."}}</small></p>
</body>
</html>
`)

// pageCSP lets the pages' own inline style run and nothing else.
const pageCSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"

// landing answers a GET of a claim URL — which mail and chat scanners do
// on their own — with a page that offers the app or the stores. It never
// claims and reads nothing from storage; only the token's alphabet and
// length are checked ([mogu.PlausibleToken]), so the page says nothing
// about the booking.
func (h *Handler) landing() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token := r.PathValue("token")
		data := struct {
			OpenURL                   template.URL
			AppStoreURL, PlayStoreURL string
		}{AppStoreURL: h.opts.AppStoreURL, PlayStoreURL: h.opts.PlayStoreURL}
		status := http.StatusNotFound
		if mogu.PlausibleToken(token) {
			status = http.StatusOK
			// Trusted: the template comes from the options and the token
			// is only base32 letters and digits.
			data.OpenURL = template.URL(strings.ReplaceAll(h.opts.AppClaimURL, "{token}", strings.ToUpper(token))) //nolint:gosec
		}
		hd := w.Header()
		hd.Set("Content-Type", "text/html; charset=utf-8")
		hd.Set("Cache-Control", "no-store")
		// The URL carries the token: it must not travel to the stores in a
		// Referer header.
		hd.Set("Referrer-Policy", "no-referrer")
		hd.Set("X-Robots-Tag", "noindex")
		hd.Set("Content-Security-Policy", pageCSP)
		httpapi.SetContentLanguage(hd, locale.Request(r).String())
		w.WriteHeader(status)
		if err := landingPage.In(locale.Request(r)).Execute(w, data); err != nil {
			h.logger.WarnContext(r.Context(), "mogu: landing page", "error", err)
		}
	})
}

var servicesPage = mustPage("services", `<!doctype html>
<html lang="{{lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{{t "Add services to your booking"}}</title>
<style>body{font:1.1rem/1.5 system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem}code{font-size:1.2rem}</style>
</head>
<body>
<h1>{{t "Add services to your booking"}}</h1>
<p>{{t "Your booking reference is"}} <code>{{.}}</code>.</p>
<p>{{t "Seats, baggage, transfers and other services are added where you booked: on the website you booked on, or with your travel agency. Give them this reference."}}</p>
</body>
</html>
`)

// mustPage parses a page once per language with its translation
// functions (locale.Funcs); a page that does not parse is a mistake in
// the source, which every test finds.
func mustPage(name, text string) locale.PerLanguage[*template.Template] {
	t, err := httpapi.ParsePage(name, text, nil)
	if err != nil {
		panic("moguhttp: " + err.Error())
	}
	return t
}

// servicesLanding is the "add services" page that vouchers without MOGU
// point at when the engine names no page of its own: a code printed on
// paper must open something real, on whichever server answers. The page
// tells the traveller their reference and where services are added; it
// reads nothing from storage, so it says nothing about whether the
// booking exists.
func (h *Handler) servicesLanding() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		booking := r.PathValue("booking")
		hd := w.Header()
		hd.Set("Content-Type", "text/html; charset=utf-8")
		hd.Set("X-Robots-Tag", "noindex")
		hd.Set("Content-Security-Policy", pageCSP)
		if err := mogu.ValidateBookingID(booking); err != nil {
			httpapi.WriteError(w, r, h.logger, err)
			return
		}
		httpapi.SetContentLanguage(hd, locale.Request(r).String())
		w.WriteHeader(http.StatusOK)
		if err := servicesPage.In(locale.Request(r)).Execute(w, booking); err != nil {
			h.logger.WarnContext(r.Context(), "mogu: services page", "error", err)
		}
	})
}
