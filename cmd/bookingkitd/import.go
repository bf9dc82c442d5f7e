package main

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/httpapi"
	"github.com/bookingkit/bookingkit/internal/secret"
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/storage"
)

// The staff-travel employee list import (package staffid): the airline's
// automated upload, the control-panel page where a manager uploads the
// workbook by hand, and the import history.

// staffidFileConfig is the "staffid" section of the config file: the
// module's settings (staffid.Config: group_field, identity_fields,
// registration_fields, standby_passenger_types, airline_code,
// mass_block_threshold) and the upload's own.
type staffidFileConfig struct {
	staffid.Config
	// ImportAllowList holds the addresses (203.0.113.7) and CIDR ranges
	// (203.0.113.0/24, 2001:db8::/32) allowed to upload the list, through
	// the API or the control-panel page; empty allows any address.
	ImportAllowList []string `json:"import_allow_list,omitempty"`
	// MaxUploadBytes is the largest upload body (default 64 MiB: a
	// 100 000-person list is about 40 MB of JSON).
	MaxUploadBytes int64 `json:"max_upload_bytes,omitempty"`
}

// defaultMaxUploadBytes is the upload limit when the config file sets none.
const defaultMaxUploadBytes = 64 << 20

// multipartMemory is how much of a control-panel upload is held in memory;
// the rest of the file goes to a temporary file until the import reads it.
const multipartMemory = 8 << 20

// maxPageInvalidRecords and maxPageInvalidBytes bound the invalid records
// the control-panel page lists, in number and in bytes of echoes and
// errors (HTML escaping may make them several times longer); the JSON API
// answers as many as its report holds.
const (
	maxPageInvalidRecords = 1000
	maxPageInvalidBytes   = 1 << 20
)

// newStaffIDConfig returns the module's settings from the config file,
// defaults filled in: the one staffid.Config of the whole server.
func newStaffIDConfig(fc staffidFileConfig) (staffid.Config, error) {
	c := fc.Config.WithDefaults()
	if err := c.Validate(); err != nil {
		return staffid.Config{}, fmt.Errorf("config file, section staffid: %w", err)
	}
	return c, nil
}

// importServer serves the list's upload, the control-panel page and the
// history.
type importServer struct {
	logger    *slog.Logger
	importer  *staffid.Importer
	history   staffid.ImportStore
	token     bearerToken
	allow     allowList
	maxUpload int64
	page      httpapi.Page
}

//go:embed import_page.html
var importPageHTML string

func newImportServer(ctx context.Context, logger *slog.Logger, cfg Config, stores storage.Stores, staffidCfg staffid.Config, stdout io.Writer) (*importServer, error) {
	token, err := loadToken(ctx, stores.Settings, "import", cfg.ImportToken, stdout)
	if err != nil {
		return nil, err
	}
	allow, err := parseAllowList(cfg.File.StaffID.ImportAllowList)
	if err != nil {
		return nil, fmt.Errorf("config file, section staffid: %w", err)
	}
	maxUpload := cfg.File.StaffID.MaxUploadBytes
	switch {
	case maxUpload == 0:
		maxUpload = defaultMaxUploadBytes
	case maxUpload < 0:
		return nil, fmt.Errorf("config file, section staffid: %w", bookingkit.Invalid("max_upload_bytes", strconv.FormatInt(maxUpload, 10), "expected a positive number of bytes"))
	}
	importer, err := staffid.NewImporter(staffidCfg, stores.StaffID)
	if err != nil {
		return nil, err
	}
	page, err := template.New("import").Parse(importPageHTML)
	if err != nil {
		return nil, fmt.Errorf("import page: %w", err)
	}
	return &importServer{logger: logger, importer: importer, history: stores.StaffID, token: token, allow: allow, maxUpload: maxUpload, page: httpapi.Page{Template: page, Logger: logger}}, nil
}

// allowList is the addresses and ranges allowed to upload; empty allows all.
type allowList []netip.Prefix

func parseAllowList(entries []string) (allowList, error) {
	var l allowList
	for _, e := range entries {
		e = strings.TrimSpace(e)
		if strings.Contains(e, "/") {
			p, err := netip.ParsePrefix(e)
			if err != nil {
				return nil, bookingkit.Invalid("import_allow_list", e, "expected an IP address or a CIDR range such as 203.0.113.0/24")
			}
			if p.Addr().Is4In6() {
				p = netip.PrefixFrom(p.Addr().Unmap(), max(p.Bits()-96, 0))
			}
			l = append(l, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(e)
		if err != nil {
			return nil, bookingkit.Invalid("import_allow_list", e, "expected an IP address or a CIDR range such as 203.0.113.0/24")
		}
		a = a.Unmap().WithZone("")
		l = append(l, netip.PrefixFrom(a, a.BitLen()))
	}
	return l, nil
}

// check returns an error matching bookingkit.ErrForbidden unless the
// request's address is allowed.
func (l allowList) check(r *http.Request) error {
	if len(l) == 0 {
		return nil
	}
	if a, ok := httpapi.ClientIP(r); ok {
		for _, p := range l {
			if p.Contains(a) {
				return nil
			}
		}
	}
	return fmt.Errorf("address %s may not upload the employee list (not on the import allow-list): %w", r.RemoteAddr, bookingkit.ErrForbidden)
}

// tokenMatches compares a token typed in a form with t, in constant time.
func tokenMatches(t bearerToken, value string) bool {
	return value != "" && secret.Equal(secret.Hash(strings.TrimSpace(value)), t.hash)
}

// importStatus is the HTTP status of an import's outcome: 200, or
// httpapi.StatusOf's mapping of the error.
func importStatus(err error) int {
	if err == nil {
		return http.StatusOK
	}
	return httpapi.StatusOf(err)
}

// forceHint is added to the report's message when forcing the import would
// have let it through, saying how to force it at that door.
func forceHint(report *staffid.Report, err error, hint string) {
	if errors.Is(err, staffid.ErrMassBlock) || errors.Is(err, staffid.ErrEmptyList) {
		report.ErrorMsg += " (" + hint + ")"
	}
}

// refuseFormat records an upload whose Content-Type the server cannot read
// in the history, as the importer does for a body it cannot read, and
// returns its report.
func (s *importServer) refuseFormat(ctx context.Context, opts staffid.ImportOptions, err error) (*staffid.Report, error) {
	report := &staffid.Report{Status: staffid.StatusError, ErrorMsg: err.Error(), InvalidRecords: []staffid.InvalidRecord{}}
	e := staffid.HistoryEntry{At: s.importer.Now().UTC().Truncate(time.Microsecond), Source: opts.Source, Actor: opts.Actor, Forced: opts.Force, Report: *report}
	if _, herr := s.history.AddImportHistory(ctx, e); herr != nil {
		return nil, fmt.Errorf("recording the refused import in the history: %w", herr)
	}
	return report, err
}

func (s *importServer) logImport(r *http.Request, opts staffid.ImportOptions, report *staffid.Report, err error) {
	attrs := []any{"request_id", httpapi.RequestID(r.Context()), "source", opts.Source, "actor", opts.Actor, "forced", opts.Force}
	if report != nil {
		attrs = append(attrs, "status", report.Status, "records", report.InputRecordsCount, "invalid", len(report.InvalidRecords))
		if report.SyncCounts != nil {
			c := report.SyncCounts
			attrs = append(attrs, "created", c.Created, "updated", c.Updated, "unchanged", c.Unchanged, "blocked", c.Blocked, "unblocked", c.Unblocked)
		}
	}
	if err != nil {
		attrs = append(attrs, "error", err)
	}
	s.logger.InfoContext(r.Context(), "staffid: employee list import", attrs...)
}

// upload is POST /api__airline_employee_upload: the airline's automated
// upload of its whole employee list, as JSON or as an .xlsx workbook. It
// answers the import report in the seed's shape with 200 (imported), 400
// (invalid records, an unreadable or empty list), 409 (the mass-block
// guard: repeat with ?force=true), 413 (a list over the limits) or 415
// (a format other than JSON and .xlsx); a missing or wrong token, a
// forbidden address and a body over the upload limit get the server's
// usual error body with 401, 403 and 413.
func (s *importServer) upload() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.allow.check(r); err != nil {
			httpapi.WriteError(w, r, s.logger, err)
			return
		}
		if err := s.token.check(r); err != nil {
			httpapi.WriteError(w, r, s.logger, err)
			return
		}
		force, err := parseForce(r.URL.Query().Get("force"))
		if err != nil {
			httpapi.WriteError(w, r, s.logger, err)
			return
		}
		opts := staffid.ImportOptions{Source: staffid.SourceAPI, Actor: "import token from " + r.RemoteAddr, Force: force}
		var report *staffid.Report
		format, err := staffid.FormatForContentType(r.Header.Get("Content-Type"))
		if err != nil {
			report, err = s.refuseFormat(r.Context(), opts, err)
		} else {
			report, err = s.importer.Import(r.Context(), r.Body, format, opts)
		}
		s.logImport(r, opts, report, err)
		if report == nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				err = httpapi.TooLarge(tooBig.Limit)
			}
			httpapi.WriteError(w, r, s.logger, err)
			return
		}
		forceHint(report, err, "to import it anyway, send it again with ?force=true")
		writeReport(w, importStatus(err), report)
	})
}

// writeReport answers an import report with status, written record by
// record (staffid.Report.WriteJSON): the report is bounded by the
// importer's Limits.MaxReportBytes, and is not copied whole into an
// encoder's buffer on the way out.
func writeReport(w http.ResponseWriter, status int, report *staffid.Report) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	report.WriteJSON(w) //nolint:errcheck // the client has gone; nothing to do
}

func parseForce(v string) (bool, error) {
	if v == "" {
		return false, nil
	}
	force, err := strconv.ParseBool(v)
	if err != nil {
		return false, bookingkit.Invalid("force", v, "expected true or false")
	}
	return force, nil
}

// historyPage is the answer of GET /api/staffid/imports.
type historyPage struct {
	Items []staffid.HistoryEntry `json:"items"`
	// Next is the before= of the next (older) page; absent on the last.
	Next string `json:"next,omitempty"`
}

// listHistory is GET /api/staffid/imports?before=&limit=: the import
// history, newest first.
func (s *importServer) listHistory() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var q staffid.HistoryQuery
		if v := r.URL.Query().Get("before"); v != "" {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil || id < 1 {
				httpapi.WriteError(w, r, s.logger, bookingkit.Invalid("before", v, "expected the positive ID of an import"))
				return
			}
			q.BeforeID = id
		}
		if v := r.URL.Query().Get("limit"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > staffid.MaxPageSize {
				httpapi.WriteError(w, r, s.logger, bookingkit.Invalid("limit", v, fmt.Sprintf("expected a number from 1 to %d", staffid.MaxPageSize)))
				return
			}
			q.Limit = n
		}
		items, err := s.history.ImportHistory(r.Context(), q)
		if err != nil {
			httpapi.WriteError(w, r, s.logger, err)
			return
		}
		page := historyPage{Items: items}
		if len(items) == staffid.NormalizeLimit(q.Limit) {
			page.Next = strconv.FormatInt(items[len(items)-1].ID, 10)
		}
		httpapi.WriteJSON(w, http.StatusOK, page)
	})
}

// getHistory is GET /api/staffid/imports/{id}: one import with its report.
func (s *importServer) getHistory() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := r.PathValue("id")
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id < 1 {
			httpapi.WriteError(w, r, s.logger, bookingkit.Invalid("id", v, "expected the positive ID of an import"))
			return
		}
		e, err := s.history.ImportEntry(r.Context(), id)
		if err != nil {
			httpapi.WriteError(w, r, s.logger, err)
			return
		}
		httpapi.WriteJSON(w, http.StatusOK, e)
	})
}

// importPageData is what import_page.html shows.
type importPageData struct {
	Nonce   string
	Error   string // a refusal before any import (token, address, form)
	Report  *staffid.Report
	Invalid []staffid.InvalidRecord // the first ones, within maxPageInvalidRecords and maxPageInvalidBytes
	Omitted int                     // invalid records not listed
	Forced  bool
}

// renderPage writes the control-panel page, under a content security
// policy that lets only its own inline style run and forms post only here.
func (s *importServer) renderPage(w http.ResponseWriter, r *http.Request, status int, data importPageData) {
	s.page.Render(w, r, status, "", func(nonce string) any { data.Nonce = nonce; return data })
}

// pageError renders the form again with err's message and status.
func (s *importServer) pageError(w http.ResponseWriter, r *http.Request, err error) {
	status := httpapi.StatusOf(err)
	msg := httpapi.PublicMessage(err)
	if status == http.StatusInternalServerError {
		s.logger.ErrorContext(r.Context(), "staffid: import page failed", "request_id", httpapi.RequestID(r.Context()), "error", err)
		msg = "internal error (request " + httpapi.RequestID(r.Context()) + ")"
	}
	s.renderPage(w, r, status, importPageData{Error: msg})
}

// pageForm is GET /settings__airline_staff_id_employee_import: the form.
func (s *importServer) pageForm() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.allow.check(r); err != nil {
			s.pageError(w, r, err)
			return
		}
		s.renderPage(w, r, http.StatusOK, importPageData{})
	})
}

// pagePost is POST /settings__airline_staff_id_employee_import: a
// manager's upload of the workbook (multipart/form-data with the fields
// token, file and force), imported with source "manual"; the answer is the
// report as a page.
//
// The manager proves the right to import with the import token typed into
// the form: the server has no control-panel login of its own, and the
// token is already the secret that allows an upload. Typed by the person,
// it also keeps other sites from posting the form with the manager's
// browser (they do not know it).
func (s *importServer) pagePost() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.allow.check(r); err != nil {
			s.pageError(w, r, err)
			return
		}
		if err := r.ParseMultipartForm(multipartMemory); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				s.pageError(w, r, httpapi.TooLarge(tooBig.Limit))
				return
			}
			s.pageError(w, r, bookingkit.Invalid("form", "", "a multipart/form-data upload with the fields token, file and force"))
			return
		}
		defer r.MultipartForm.RemoveAll() //nolint:errcheck // temporary files; nothing to do
		if !tokenMatches(s.token, r.FormValue("token")) {
			s.pageError(w, r, fmt.Errorf("wrong import token: %w", bookingkit.ErrUnauthorized))
			return
		}
		file, _, err := r.FormFile("file")
		if err != nil {
			s.pageError(w, r, bookingkit.Invalid("file", "", "choose the employee list's Excel workbook (.xlsx)"))
			return
		}
		defer file.Close()
		force := r.FormValue("force") != ""
		opts := staffid.ImportOptions{Source: staffid.SourceManual, Actor: "control panel from " + r.RemoteAddr, Force: force}
		report, err := s.importer.Import(r.Context(), file, staffid.FormatAuto, opts)
		s.logImport(r, opts, report, err)
		if report == nil {
			s.pageError(w, r, err)
			return
		}
		forceHint(report, err, "to import it anyway, tick “Force” and upload it again")
		data := importPageData{Report: report, Invalid: pageInvalid(report.InvalidRecords), Forced: force}
		data.Omitted = len(report.InvalidRecords) - len(data.Invalid) + report.InvalidRecordsOmitted
		s.renderPage(w, r, importStatus(err), data)
	})
}

// pageInvalid returns the first invalid records, as many as the page
// lists.
func pageInvalid(all []staffid.InvalidRecord) []staffid.InvalidRecord {
	size := 0
	for i, rec := range all {
		if size += len(rec.Record) + len(rec.Error); i == maxPageInvalidRecords || size > maxPageInvalidBytes {
			return all[:i]
		}
	}
	return all
}
