// Package metrics exposes a bookingkit server's figures to Prometheus
// (github.com/prometheus/client_golang): requests by route, employee-list
// imports, the standby queues and the outbox. A server builds one
// [Metrics], wraps its router with [Metrics.Instrument], tells it of its
// services ([Metrics.ObserveImports], [Metrics.WatchStandby],
// [Metrics.WatchOutbox]) and serves [Metrics.Handler] at /metrics.
//
// # Figures
//
//   - bookingkit_http_requests_total{method, route, code} and
//     bookingkit_http_request_duration_seconds{method, route}: route is
//     the pattern that served the request ("GET /api/staff/me"), or
//     "unmatched", so the label set stays small whatever the paths sent;
//   - bookingkit_staffid_imports_total{status}, bookingkit_staffid_import_duration_seconds
//     and bookingkit_staffid_import_people_total{change}: change is created,
//     updated, blocked or unblocked;
//   - bookingkit_standby_flights, bookingkit_standby_waiting and
//     bookingkit_standby_longest_queue: this server's live queues;
//   - bookingkit_outbox_messages, bookingkit_outbox_failing and
//     bookingkit_outbox_oldest_age_seconds: the messages waiting in the
//     database, read at each scrape;
//   - the Go runtime's and the process's own (go_*, process_*).
package metrics

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/bookingkit/bookingkit/outbox"
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/standby"
)

// Metrics holds a server's figures in a registry of its own, so that two
// servers in one process (tests) do not share counters.
type Metrics struct {
	reg           *prometheus.Registry
	requests      *prometheus.CounterVec
	latency       *prometheus.HistogramVec
	imports       *prometheus.CounterVec
	importSeconds prometheus.Histogram
	people        *prometheus.CounterVec
}

// New returns the figures, with the Go runtime's and the process's.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bookingkit_http_requests_total", Help: "HTTP requests answered, by method, route pattern and status code.",
		}, []string{"method", "route", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "bookingkit_http_request_duration_seconds", Help: "Time to answer an HTTP request, by method and route pattern.",
			Buckets: prometheus.DefBuckets,
		}, []string{"method", "route"}),
		imports: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bookingkit_staffid_imports_total", Help: "Employee-list imports, by the report's status (Ok, Error) or error when the list was not judged.",
		}, []string{"status"}),
		importSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "bookingkit_staffid_import_duration_seconds", Help: "Time an employee-list import took.",
			Buckets: []float64{0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120},
		}),
		people: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bookingkit_staffid_import_people_total", Help: "People changed by applied imports, by change.",
		}, []string{"change"}),
	}
	m.reg.MustRegister(m.requests, m.latency, m.imports, m.importSeconds, m.people,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the figures in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// Instrument counts and times the requests next answers, by the route
// pattern that served them. next must be the *http.ServeMux itself (or a
// handler that passes it the same request): the mux writes the pattern
// into the request it routes.
func (m *Metrics) Instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		next.ServeHTTP(sw, r)
		route := r.Pattern
		if route == "" {
			route = "unmatched"
		}
		m.requests.WithLabelValues(r.Method, route, strconv.Itoa(sw.code)).Inc()
		m.latency.WithLabelValues(r.Method, route).Observe(time.Since(start).Seconds())
	})
}

// statusWriter remembers the status code written.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	w.code = code
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// ObserveImports counts im's imports ([staffid.Importer.Observe]),
// keeping any Observe set before.
func (m *Metrics) ObserveImports(im *staffid.Importer) {
	before := im.Observe
	im.Observe = func(report *staffid.Report, err error, took time.Duration) {
		if before != nil {
			before(report, err, took)
		}
		status := "error"
		if report != nil {
			status = report.Status
		}
		m.imports.WithLabelValues(status).Inc()
		m.importSeconds.Observe(took.Seconds())
		if report != nil && report.SyncCounts != nil {
			c := report.SyncCounts
			m.people.WithLabelValues("created").Add(float64(c.Created))
			m.people.WithLabelValues("updated").Add(float64(c.Updated))
			m.people.WithLabelValues("blocked").Add(float64(c.Blocked))
			m.people.WithLabelValues("unblocked").Add(float64(c.Unblocked))
		}
	}
}

// WatchStandby reports the sizes of s's live queues at each scrape.
func (m *Metrics) WatchStandby(s *standby.Service) {
	gauge := func(name, help string, value func(standby.Sizes) int) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, func() float64 { return float64(value(s.Sizes())) })
	}
	m.reg.MustRegister(
		gauge("bookingkit_standby_flights", "Flights with passengers waiting in this server's live standby queues.", func(z standby.Sizes) int { return z.Flights }),
		gauge("bookingkit_standby_waiting", "Passengers waiting in this server's live standby queues.", func(z standby.Sizes) int { return z.Waiting }),
		gauge("bookingkit_standby_longest_queue", "The longest of this server's live standby queues.", func(z standby.Sizes) int { return z.Longest }),
	)
}

// WatchOutbox reports o's backlog at each scrape, read from the database
// (within 2 s; a failed read leaves the figures out of that scrape).
func (m *Metrics) WatchOutbox(o *outbox.Outbox) {
	m.reg.MustRegister(&outboxCollector{o: o})
}

var (
	outboxMessages = prometheus.NewDesc("bookingkit_outbox_messages", "Messages (mails, queued requests) waiting to be delivered.", nil, nil)
	outboxFailing  = prometheus.NewDesc("bookingkit_outbox_failing", "Waiting messages whose delivery failed at least once.", nil, nil)
	outboxOldest   = prometheus.NewDesc("bookingkit_outbox_oldest_age_seconds", "Age of the oldest waiting message; 0 when none waits.", nil, nil)
)

type outboxCollector struct{ o *outbox.Outbox }

func (c *outboxCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- outboxMessages
	ch <- outboxFailing
	ch <- outboxOldest
}

func (c *outboxCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	b, err := c.o.Backlog(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(outboxMessages, err)
		return
	}
	age := 0.0
	if b.Messages > 0 && !b.Oldest.IsZero() {
		age = time.Since(b.Oldest).Seconds()
	}
	ch <- prometheus.MustNewConstMetric(outboxMessages, prometheus.GaugeValue, float64(b.Messages))
	ch <- prometheus.MustNewConstMetric(outboxFailing, prometheus.GaugeValue, float64(b.Failing))
	ch <- prometheus.MustNewConstMetric(outboxOldest, prometheus.GaugeValue, age)
}
