package main

import (
	"log/slog"
	"net/http"
)

// route is one entry of the HTTP surface.
type route struct {
	pattern string // a net/http pattern: "METHOD /path/{param}"
	handler http.Handler
	// maxBody overrides the server's default body limit (-max-body) for
	// this route; zero keeps the default.
	maxBody int64
}

// routes lists every route of the server: this function is the one place to
// read the whole HTTP surface. docs/openapi.json documents the same list, and
// TestOpenAPIMatchesRoutes keeps the two equal.
func routes(logger *slog.Logger, cfg Config, svc *services) []route {
	return []route{
		{pattern: "GET /healthz", handler: handleHealthz(logger, svc)},
	}
}

// addRoutes registers rs on mux.
func addRoutes(mux *http.ServeMux, rs []route) {
	for _, r := range rs {
		mux.Handle(r.pattern, r.handler)
	}
}

// bodyLimits returns the routes' own body limits by pattern.
func bodyLimits(rs []route) map[string]int64 {
	limits := map[string]int64{}
	for _, r := range rs {
		if r.maxBody > 0 {
			limits[r.pattern] = r.maxBody
		}
	}
	return limits
}
