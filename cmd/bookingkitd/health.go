package main

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/bookingkit/bookingkit/httpapi"
)

// handleHealthz answers 200 when the database answers within two seconds,
// 503 otherwise: load balancers take the server out while its database is
// unreachable.
func handleHealthz(logger *slog.Logger, svc *services) http.Handler {
	type health struct {
		Status  string `json:"status"`
		Storage string `json:"storage"`
		Error   string `json:"error,omitempty"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := svc.stores.Ping(ctx); err != nil {
			logger.WarnContext(r.Context(), "health check failed", "error", err)
			httpapi.WriteJSON(w, http.StatusServiceUnavailable, health{Status: "unavailable", Storage: svc.stores.Backend, Error: "storage does not answer"})
			return
		}
		httpapi.WriteJSON(w, http.StatusOK, health{Status: "ok", Storage: svc.stores.Backend})
	})
}
