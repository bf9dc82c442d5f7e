package partnerhttp

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/partner"
)

// CSV exports. The report (GET /api/partner/reports and the reports page
// GET /partner/reports), the licence lists (GET /api/partner/licences,
// GET /api/partner/instances/{id}/licences) and the activity search (GET
// /api/partner/activity) answer CSV instead of JSON when asked with the
// query parameter format=csv (format=json, the default, answers JSON): a
// link on the reports page downloads it, and a script needs no header. A
// list is exported whole — every page the filters select, from the cursor
// on when one is given — written page by page as it is read. Cells are
// written by [partner.CSVWriter], which neutralises formula cells.

// wantsCSV reads the format parameter: true for "csv", false for "" or
// "json", and any other value is invalid.
func wantsCSV(r *http.Request) (bool, error) {
	switch v := r.URL.Query().Get("format"); v {
	case "csv":
		return true, nil
	case "", "json":
		return false, nil
	default:
		return false, bookingkit.Invalid("format", v, "json or csv")
	}
}

// csvAnswer starts a CSV download named name-<date>.csv and returns its
// writer.
func csvAnswer(w http.ResponseWriter, name string) *partner.CSVWriter {
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+name+"-"+time.Now().UTC().Format(time.DateOnly)+`.csv"`)
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	return partner.NewCSVWriter(w)
}

// writeReportCSV answers the report's table ([partner.Report.Table]).
func writeReportCSV(w http.ResponseWriter, rep partner.Report) error {
	c := csvAnswer(w, "report-"+string(rep.Filter.Subject))
	for _, row := range rep.Table() {
		if err := c.Write(row); err != nil {
			return err
		}
	}
	return c.Flush()
}

// csvPages answers a paged list as CSV: the first page is read before
// anything is written, so that its error is answered as any other; a
// later page's error cuts the download short (the client sees a body
// without its end) and is logged.
func csvPages[T any](ctx context.Context, p *Handler, w http.ResponseWriter, name string, header []string, record func(T) []string,
	page func(cursor string) ([]T, string, error), cursor string) error {
	items, next, err := page(cursor)
	if err != nil {
		return err
	}
	c := csvAnswer(w, name)
	if err := c.Write(header); err != nil {
		return err
	}
	for {
		for _, it := range items {
			if err := c.Write(record(it)); err != nil {
				return err
			}
		}
		if err := c.Flush(); err != nil || next == "" {
			return err
		}
		if items, next, err = page(next); err != nil {
			p.logger.ErrorContext(ctx, "partner: CSV export cut short", "export", name, "error", err)
			return nil
		}
	}
}

// writeLicencesCSV exports every licence lq selects, from lq.After on.
func (p *Handler) writeLicencesCSV(w http.ResponseWriter, r *http.Request, a partner.Actor, lq partner.LicenceQuery) error {
	lq.Limit = partner.MaxPageSize
	return csvPages(r.Context(), p, w, "licences", partner.LicenceCSVHeader, partner.LicenceCSVRecord, func(after string) ([]partner.Licence, string, error) {
		lq.After = after
		page, err := p.svc.Licences(r.Context(), a, lq)
		return page.Licences, page.Next, err
	}, lq.After)
}

// writeActivityCSV exports every event the search selects, newest first.
func (p *Handler) writeActivityCSV(w http.ResponseWriter, r *http.Request, a partner.Actor, in partner.ActivitySearch) error {
	in.Limit = partner.MaxPageSize
	return csvPages(r.Context(), p, w, "activity", partner.ActivityCSVHeader, partner.ActivityCSVRecord, func(cursor string) ([]partner.ActivityEvent, string, error) {
		in.Cursor = cursor
		page, err := p.svc.SearchActivity(r.Context(), a, in)
		return page.Events, page.Next, err
	}, in.Cursor)
}

// reportCSVHref is the reports page's address with the same query,
// answered as CSV.
func reportCSVHref(q url.Values) string {
	v := url.Values{}
	for k, vs := range q {
		if k != "after" {
			v[k] = vs
		}
	}
	v.Set("format", "csv")
	return "/partner/reports?" + v.Encode()
}
