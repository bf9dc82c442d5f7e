package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bookingkit/bookingkit/staffid"
)

// endpoint is one read path and the requests the clients send to it, in
// turn: the same path for several sessions or several bookings.
type endpoint struct {
	name     string // as printed: the route's pattern
	requests []request
}

type request struct {
	path  string
	token string // bearer token; empty for none
}

// endpoints are the five read paths of the issue over what s seeded.
func endpoints(o options, s *seeded) []endpoint {
	eps := []endpoint{
		{name: "GET /healthz", requests: []request{{path: "/healthz"}}},
		{name: "GET /api/staff/passengers"},
		{name: "GET /api/standby/bookings/{booking}"},
		{name: "GET /api/mogu/trips"},
		{name: "GET /api/partner/activity"},
	}
	for _, t := range s.staffSessions {
		eps[1].requests = append(eps[1].requests, request{path: "/api/staff/passengers", token: t})
	}
	for _, id := range s.standbyBookings {
		eps[2].requests = append(eps[2].requests, request{path: "/api/standby/bookings/" + url.PathEscape(id), token: o.engineToken})
	}
	for _, t := range s.moguSessions {
		eps[3].requests = append(eps[3].requests, request{path: "/api/mogu/trips", token: t})
	}
	for _, serial := range s.serials {
		eps[4].requests = append(eps[4].requests, request{path: "/api/partner/activity?serial=" + url.QueryEscape(serial), token: s.partnerSession})
	}
	return eps
}

// failure is one failed request, kept to be printed.
type failure struct {
	endpoint string
	path     string
	status   int // 0: no answer
	detail   string
}

// maxFailuresShown bounds the failures printed in full.
const maxFailuresShown = 5

// failures counts every failure and keeps the first few.
type failures struct {
	mu    sync.Mutex
	first []failure
}

func (f *failures) add(x failure) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.first) < maxFailuresShown {
		f.first = append(f.first, x)
	}
}

// clientStats is what one client saw, by endpoint; each client has its
// own, so recording takes no lock.
type clientStats struct {
	latencies [][]time.Duration
	errors    []int
}

// importRun is one upload of the employee list during the load.
type importRun struct {
	version  string // "A" or "B"
	duration time.Duration
	status   int
	report   staffid.Report
	err      error
}

// result is the whole load's outcome.
type result struct {
	endpoints []endpoint
	elapsed   time.Duration // from the clients' start to the last one's end
	latencies [][]time.Duration
	errors    []int
	failures  []failure
	imports   []importRun
}

// load runs o.clients clients over the read paths until o.duration has
// passed or o.maxRequests were sent, while one more client imports the
// employee list, list B and list A in turn, until the readers stop (the
// upload in flight then finishes).
func load(ctx context.Context, c *api, o options, s *seeded) *result {
	eps := endpoints(o, s)
	var budget atomic.Int64
	budget.Store(o.maxRequests)
	var fails failures
	stats := make([]clientStats, o.clients)
	readersDone := make(chan struct{})
	importsDone := make(chan []importRun)
	go func() { importsDone <- importLoop(ctx, c, o, s, readersDone) }()

	start := time.Now()
	deadline := start.Add(o.duration)
	var wg sync.WaitGroup
	for i := range o.clients {
		st := &stats[i]
		st.latencies = make([][]time.Duration, len(eps))
		st.errors = make([]int, len(eps))
		wg.Go(func() {
			for n := 0; ctx.Err() == nil && time.Now().Before(deadline) && budget.Add(-1) >= 0; n++ {
				// Clients start at different paths and each walks every
				// path in turn, so each path gets a fifth of the requests.
				k := (i + n) % len(eps)
				ep := eps[k]
				req := ep.requests[(i/len(eps)+n/len(eps))%len(ep.requests)]
				var header http.Header
				if req.token != "" {
					header = bearer(req.token)
				}
				t0 := time.Now()
				status, body, err := c.do(ctx, "GET", req.path, header, nil, "", readTimeout)
				st.latencies[k] = append(st.latencies[k], time.Since(t0))
				if err != nil || status/100 != 2 {
					st.errors[k]++
					detail := strings.TrimSpace(truncate(body, errorBodyLimit))
					if err != nil {
						detail = err.Error()
					}
					fails.add(failure{endpoint: ep.name, path: req.path, status: status, detail: detail})
				}
			}
		})
	}
	wg.Wait()
	res := &result{endpoints: eps, elapsed: time.Since(start), failures: fails.first}
	close(readersDone)
	res.imports = <-importsDone

	res.latencies = make([][]time.Duration, len(eps))
	res.errors = make([]int, len(eps))
	for _, st := range stats {
		for k := range eps {
			res.latencies[k] = append(res.latencies[k], st.latencies[k]...)
			res.errors[k] += st.errors[k]
		}
	}
	for _, l := range res.latencies {
		slices.Sort(l)
	}
	return res
}

// importLoop uploads list B and list A in turn until stop is closed.
func importLoop(ctx context.Context, c *api, o options, s *seeded, stop <-chan struct{}) []importRun {
	var runs []importRun
	for i := 0; ; i++ {
		select {
		case <-stop:
			return runs
		default:
		}
		if ctx.Err() != nil {
			return runs
		}
		r := importRun{version: "B"}
		list := s.listB
		if i%2 == 1 {
			r.version, list = "A", s.listA
		}
		t0 := time.Now()
		r.status, r.report, r.err = upload(ctx, c, o.importToken, list)
		r.duration = time.Since(t0)
		runs = append(runs, r)
	}
}

// percentile returns the q-quantile (0 < q ≤ 1) of sorted: the smallest
// value at least a share q of the values do not exceed.
func percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[max(i, 0)]
}

// ms prints d in milliseconds, to the microsecond.
func ms(d time.Duration) string {
	return fmt.Sprintf("%.3f", float64(d)/float64(time.Millisecond))
}

func (r *result) total() int {
	n := 0
	for _, l := range r.latencies {
		n += len(l)
	}
	return n + len(r.imports)
}

func (r *result) failed() int {
	n := 0
	for _, e := range r.errors {
		n += e
	}
	for _, im := range r.imports {
		if im.err != nil {
			n++
		}
	}
	return n
}

// print writes the table of the read paths, then the imports, then the
// first failures.
func (r *result) print(w io.Writer) {
	width := len("total")
	for _, ep := range r.endpoints {
		width = max(width, len(ep.name))
	}
	fmt.Fprintf(w, "\nread paths, %s of load (latencies in ms):\n", r.elapsed.Round(time.Millisecond))
	fmt.Fprintf(w, "%-*s %9s %7s %9s %9s %9s %9s %8s\n", width, "path", "requests", "errors", "p50", "p90", "p99", "max", "req/s")
	row := func(name string, l []time.Duration, errs int) {
		fmt.Fprintf(w, "%-*s %9d %7d %9s %9s %9s %9s %8.0f\n", width, name, len(l), errs,
			ms(percentile(l, 0.50)), ms(percentile(l, 0.90)), ms(percentile(l, 0.99)), ms(percentile(l, 1)),
			float64(len(l))/r.elapsed.Seconds())
	}
	var all []time.Duration
	allErrs := 0
	for k, ep := range r.endpoints {
		row(ep.name, r.latencies[k], r.errors[k])
		all = append(all, r.latencies[k]...)
		allErrs += r.errors[k]
	}
	slices.Sort(all)
	row("total", all, allErrs)

	// The imports, by list and outcome: they repeat.
	type group struct {
		what      string
		durations []time.Duration
	}
	var groups []*group
	byWhat := map[string]*group{}
	var failedImports []importRun
	for _, im := range r.imports {
		if im.err != nil {
			failedImports = append(failedImports, im)
			continue
		}
		what := "list " + im.version + ": " + counts(im.report)
		g := byWhat[what]
		if g == nil {
			g = &group{what: what}
			byWhat[what] = g
			groups = append(groups, g)
		}
		g.durations = append(g.durations, im.duration)
	}
	fmt.Fprintf(w, "\nemployee list imports during the load: %d completed, %d failed\n", len(r.imports)-len(failedImports), len(failedImports))
	for _, g := range groups {
		slices.Sort(g.durations)
		fmt.Fprintf(w, "  %3d × %s; took min %s, p50 %s, max %s\n", len(g.durations), g.what, g.durations[0].Round(time.Millisecond),
			percentile(g.durations, 0.5).Round(time.Millisecond), g.durations[len(g.durations)-1].Round(time.Millisecond))
	}
	for _, im := range failedImports {
		fmt.Fprintf(w, "  list %s FAILED after %s: %v\n", im.version, im.duration.Round(time.Millisecond), im.err)
	}

	if len(r.failures) > 0 {
		fmt.Fprintf(w, "\nfirst %d failed requests:\n", len(r.failures))
		for _, f := range r.failures {
			status := "no answer"
			if f.status != 0 {
				status = fmt.Sprintf("status %d", f.status)
			}
			fmt.Fprintf(w, "  %s (%s): %s: %s\n", f.endpoint, f.path, status, f.detail)
		}
	}
}
