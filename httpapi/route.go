package httpapi

import (
	"net/http"
	"strings"
)

// Route is one endpoint of a module's HTTP API, as its handler package
// offers it: the engine decides where to mount it ([Mount]) and what runs
// in front of it (its own sign-in, logs, limits).
type Route struct {
	// Pattern is a net/http pattern, "METHOD /path/{param}", relative to
	// where the routes are mounted.
	Pattern string
	Handler http.Handler
	// MaxBody is the route's own request body limit in bytes (uploads);
	// zero leaves the server's default. [BodyLimits] collects them for
	// [LimitBodies].
	MaxBody int64
}

// WithPrefix returns routes with prefix put before each pattern's path:
// "POST /register" under "/staff" becomes "POST /staff/register". An empty
// prefix returns routes as they are. The prefix must start with "/" and
// not end with one.
func WithPrefix(prefix string, routes []Route) []Route {
	if prefix == "" {
		return routes
	}
	out := make([]Route, len(routes))
	for i, r := range routes {
		method, path, ok := strings.Cut(r.Pattern, " ")
		if !ok {
			method, path = "", r.Pattern
		}
		r.Pattern = strings.TrimSpace(method + " " + prefix + path)
		out[i] = r
	}
	return out
}

// Mount registers routes on mux, each under its pattern.
func Mount(mux *http.ServeMux, routes []Route) {
	for _, r := range routes {
		mux.Handle(r.Pattern, r.Handler)
	}
}

// BodyLimits returns the routes' own body limits by pattern, for
// [LimitBodies].
func BodyLimits(routes []Route) map[string]int64 {
	limits := map[string]int64{}
	for _, r := range routes {
		if r.MaxBody > 0 {
			limits[r.Pattern] = r.MaxBody
		}
	}
	return limits
}
