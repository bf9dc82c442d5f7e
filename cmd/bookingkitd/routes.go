package main

import (
	"log/slog"
	"net/http"
)

// addRoutes registers every route of the server: this file is the one place
// to read the whole HTTP surface (docs/openapi.yaml documents it).
func addRoutes(mux *http.ServeMux, logger *slog.Logger, cfg Config, svc *services) {
	mux.Handle("GET /healthz", handleHealthz(logger, svc))
}

// bodyLimits lists the routes whose bodies may exceed cfg.MaxBodyBytes, by
// their pattern in addRoutes; every other route gets the default.
func bodyLimits(cfg Config) map[string]int64 {
	return map[string]int64{}
}
