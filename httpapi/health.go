package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"time"
)

// Health answers a health check: 200 {"status": "ok", "storage": backend}
// when ping (the storage's) answers within two seconds, 503 {"status":
// "unavailable", …} otherwise, so that load balancers take the server out
// while its database is unreachable. The cause goes to the log only.
func Health(logger *slog.Logger, backend string, ping func(context.Context) error) http.Handler {
	type health struct {
		Status  string `json:"status"`
		Storage string `json:"storage"`
		Error   string `json:"error,omitempty"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := ping(ctx); err != nil {
			logger.WarnContext(r.Context(), "health check failed", "error", err)
			WriteJSON(w, http.StatusServiceUnavailable, health{Status: "unavailable", Storage: backend, Error: "storage does not answer"})
			return
		}
		WriteJSON(w, http.StatusOK, health{Status: "ok", Storage: backend})
	})
}
