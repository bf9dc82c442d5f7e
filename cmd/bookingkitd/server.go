package main

import (
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/bookingkit/bookingkit/httpapi"
)

// NewServer returns the reference server's handler: every route of
// routes.go behind request IDs, access logs, panic recovery, cross-origin
// protection (crossorigin.go) and body limits.
func NewServer(logger *slog.Logger, cfg Config, svc *services) http.Handler {
	mux := http.NewServeMux()
	rs := routes(logger, cfg, svc)
	addRoutes(mux, rs)
	var h http.Handler = mux
	h = limitBodies(mux, cfg.MaxBodyBytes, bodyLimits(rs), h)
	h = protectCrossOrigin(logger, cfg, h)
	h = recoverPanics(logger, h)
	h = logRequests(logger, h)
	h = httpapi.WithRequestID(h)
	return h
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += n
	return n, err
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// logRequests writes one structured log line per request.
func logRequests(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		logger.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("request_id", httpapi.RequestID(r.Context())),
			slog.String("method", r.Method),
			slog.String("path", loggedPath(r.URL.Path)),
			slog.Int("status", rec.status),
			slog.Int("bytes", rec.bytes),
			slog.Duration("duration", time.Since(start)),
			slog.String("remote", r.RemoteAddr),
		)
	})
}

// secretPathPrefixes are routes whose last path segment is a bearer
// secret (a MOGU claim token on a voucher's QR code): logs keep the route
// and drop the secret, so a log reader cannot claim someone's trip.
var secretPathPrefixes = []string{"/api/mogu/c/"}

// loggedPath returns path as the access log may show it.
func loggedPath(path string) string {
	for _, prefix := range secretPathPrefixes {
		if len(path) > len(prefix) && strings.EqualFold(path[:len(prefix)], prefix) {
			return path[:len(prefix)] + "[redacted]"
		}
	}
	return path
}

// recoverPanics turns a handler's panic into a logged 500 instead of a
// dropped connection.
func recoverPanics(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				logger.ErrorContext(r.Context(), "handler panicked", "request_id", httpapi.RequestID(r.Context()), "panic", v)
				httpapi.WriteJSON(w, http.StatusInternalServerError, httpapi.ErrorBody{Error: "internal error", RequestID: httpapi.RequestID(r.Context())})
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// limitBodies caps every request body at the default limit, or at the
// larger limit that routes.go gives the route (uploads).
func limitBodies(mux *http.ServeMux, def int64, limits map[string]int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := def
		if _, pattern := mux.Handler(r); pattern != "" {
			if l, ok := limits[pattern]; ok {
				limit = l
			}
		}
		if r.ContentLength > limit {
			httpapi.WriteError(w, r, nil, httpapi.TooLarge(limit))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r)
	})
}
