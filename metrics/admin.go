package metrics

import (
	"net/http"
	"net/http/pprof"
)

// AdminHandler serves what an operator's own network may see and the
// public must not: the figures at /metrics and Go's profiler at
// /debug/pprof/ (CPU and heap profiles, goroutine dumps, traces). Serve it
// on a separate address reachable only from there; bookingkitd does so
// with -admin-addr, off by default.
func (m *Metrics) AdminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	mux.HandleFunc("GET /debug/pprof/", pprof.Index)
	mux.HandleFunc("GET /debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("POST /debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	return mux
}
