package staffidhttp

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/httpapi"
	"github.com/bookingkit/bookingkit/staffid"
)

// ImportMaxUploadBytes is the default upload body limit: a 100 000-person
// list is about 40 MB of JSON.
const ImportMaxUploadBytes = 64 << 20

// ImportOptions are an [ImportHandler]'s settings.
type ImportOptions struct {
	// Auth authenticates the automated upload (required): [ImportToken],
	// or the engine's own [ImportAuth].
	Auth ImportAuth
	// FormAuth authenticates the control-panel page's uploads:
	// [ImportToken], or the engine's own [ImportFormAuth]. Without it the
	// handler offers no page ([ImportHandler.PageRoutes] is empty).
	FormAuth ImportFormAuth
	// Addresses, when set, is checked first on the upload and on the page
	// (GET and POST): [ImportAllowList], or the engine's own. Nil allows
	// any address.
	Addresses ImportAddresses
	// MaxUploadBytes is the largest upload body, the MaxBody of the
	// upload's and the page's POST routes (default ImportMaxUploadBytes).
	// It is enforced where the engine applies the routes' body limits
	// ([httpapi.BodyLimits] and [httpapi.LimitBodies]); the handler
	// answers a body cut there with 413.
	MaxUploadBytes int64
	// Logger receives one line per import and the errors answered as 500
	// (their text stays out of the answer); slog.Default() when nil.
	Logger *slog.Logger
}

// ImportHandler serves the employee list's import: the airline's
// automated upload, the control-panel page where a manager uploads the
// workbook by hand, and the import history. The rules are
// [staffid.Importer]'s; the handler authenticates ([ImportAuth],
// [ImportAddresses]), hands the body over, and answers the report. Create
// it with [NewImportHandler] and mount its routes.
type ImportHandler struct {
	importer  *staffid.Importer
	auth      ImportAuth
	formAuth  ImportFormAuth
	addresses ImportAddresses
	maxUpload int64
	logger    *slog.Logger
	page      importPage
}

// NewImportHandler returns the import's handler over importer.
func NewImportHandler(importer *staffid.Importer, opts ImportOptions) (*ImportHandler, error) {
	if importer == nil || opts.Auth == nil {
		return nil, errors.New("staffidhttp: the import handler needs a staffid.Importer and ImportOptions.Auth")
	}
	switch {
	case opts.MaxUploadBytes == 0:
		opts.MaxUploadBytes = ImportMaxUploadBytes
	case opts.MaxUploadBytes < 0:
		return nil, bookingkit.Invalid("MaxUploadBytes", strconv.FormatInt(opts.MaxUploadBytes, 10), "expected a positive number of bytes")
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	h := &ImportHandler{importer: importer, auth: opts.Auth, formAuth: opts.FormAuth, addresses: opts.Addresses, maxUpload: opts.MaxUploadBytes, logger: opts.Logger}
	var err error
	if h.page, err = newImportPage(opts.Logger); err != nil {
		return nil, err
	}
	return h, nil
}

// Routes returns the routes that authenticate themselves ([ImportAuth],
// [ImportAddresses]): the upload ([ImportHandler.UploadRoutes]), the held
// list's when the importer holds lists ([ImportHandler.HeldRoutes]) and
// the control-panel page ([ImportHandler.PageRoutes]). The history is apart
// ([ImportHandler.HistoryRoutes]): it is the engine's to protect.
func (h *ImportHandler) Routes() []httpapi.Route {
	routes := h.UploadRoutes()
	if h.importer.HeldStore != nil {
		routes = append(routes, h.HeldRoutes()...)
	}
	return append(routes, h.PageRoutes()...)
}

// UploadRoutes returns the airline's automated upload alone:
//
//	POST /api__airline_employee_upload[?force=true][&dry_run=true]
//
// The body is the whole list, a JSON array of records or an .xlsx
// workbook, as its Content-Type says. The answer is the import's report
// in the seed's shape ([staffid.Report]) with 200 (imported), 202 (held:
// the mass-block guard stopped it and it waits for a manager's decision,
// see [ImportHandler.HeldRoutes]; status "Held"), 400 (invalid records, an
// unreadable or empty list), 409 (the mass-block guard, where the
// importer holds no list: send it again with ?force=true), 413 (a list
// over the importer's limits) or
// 415 (a format other than JSON and .xlsx); a forbidden address, a
// missing or wrong token and a body over MaxUploadBytes get
// [httpapi.WriteError]'s body with 403, 401 and 413.
func (h *ImportHandler) UploadRoutes() []httpapi.Route {
	return []httpapi.Route{{Pattern: "POST /api__airline_employee_upload", Handler: http.HandlerFunc(h.upload), MaxBody: h.maxUpload}}
}

// HistoryRoutes returns the import history, newest first, for the booking
// engine's back office:
//
//	GET /api/staffid/imports[?cursor=<id>&limit=<1..1000>]  {"items": [...], "next": "<cursor= of the next page>"} (before= is cursor's deprecated alias)
//	GET /api/staffid/imports/{id}                           one entry with its report
//	GET /api/staffid/imports/{id}/changes[?kind=created|updated|blocked|unblocked&cursor=&limit=<1..1000>]
//	                                                        the people the import changed, named ([ImportChangesPage]):
//	                                                        created, updated (with the fields that changed), blocked and
//	                                                        unblocked, each kind by ID; every one of them, page after page
//
// They are returned unauthenticated: the history holds the refused
// records as sent, so the caller wraps them with its own authentication
// (the reference server with its engine token).
func (h *ImportHandler) HistoryRoutes() []httpapi.Route {
	return []httpapi.Route{
		{Pattern: "GET /api/staffid/imports", Handler: httpapi.PageCursor("before", http.HandlerFunc(h.listHistory))},
		{Pattern: "GET /api/staffid/imports/{id}", Handler: http.HandlerFunc(h.getHistory)},
		{Pattern: "GET /api/staffid/imports/{id}/changes", Handler: http.HandlerFunc(h.listChanges)},
	}
}

// checkAddress applies ImportOptions.Addresses.
func (h *ImportHandler) checkAddress(r *http.Request) error {
	if h.addresses == nil {
		return nil
	}
	return h.addresses.CheckAddress(r)
}

func (h *ImportHandler) logImport(r *http.Request, opts staffid.ImportOptions, report *staffid.Report, err error) {
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
	h.logger.InfoContext(r.Context(), "staffid: employee list import", attrs...)
}

// importStatus is the HTTP status of an import's outcome: 200, 202 for a
// list held for a manager's decision (accepted, not acted on yet), or
// httpapi.StatusOf's mapping of the error.
func importStatus(err error) int {
	switch {
	case err == nil:
		return http.StatusOK
	case errors.Is(err, staffid.ErrHeld):
		return http.StatusAccepted
	}
	return httpapi.StatusOf(err)
}

// importForceHint adds to the report's message how to force the import
// through a door, when forcing would let it through.
func importForceHint(report *staffid.Report, err error, hint string) {
	if staffid.Forceable(err) {
		report.ErrorMsg += " (" + hint + ")"
	}
}

// importTooLarge is err, or a body cut at the route's limit as
// bookingkit.ErrTooLarge with the limit in its text.
func importTooLarge(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return httpapi.TooLarge(tooBig.Limit)
	}
	return err
}

// upload is POST /api__airline_employee_upload ([ImportHandler.UploadRoutes]).
func (h *ImportHandler) upload(w http.ResponseWriter, r *http.Request) {
	if err := h.checkAddress(r); err != nil {
		httpapi.WriteError(w, r, h.logger, err)
		return
	}
	actor, err := h.auth.AuthorizeUpload(r)
	if err != nil {
		httpapi.WriteError(w, r, h.logger, err)
		return
	}
	force, err := importParseBool("force", r.URL.Query().Get("force"))
	if err != nil {
		httpapi.WriteError(w, r, h.logger, err)
		return
	}
	dryRun, err := importParseBool("dry_run", r.URL.Query().Get("dry_run"))
	if err != nil {
		httpapi.WriteError(w, r, h.logger, err)
		return
	}
	opts := staffid.ImportOptions{Source: staffid.SourceAPI, Actor: actor, Force: force, DryRun: dryRun}
	report, err := h.importer.ImportContentType(r.Context(), r.Body, r.Header.Get("Content-Type"), opts)
	h.logImport(r, opts, report, err)
	if report == nil {
		httpapi.WriteError(w, r, h.logger, importTooLarge(err))
		return
	}
	importForceHint(report, err, "to import it anyway, send it again with ?force=true")
	// The report is written record by record (staffid.Report.WriteJSON):
	// it is bounded by the importer's Limits.MaxReportBytes, and is not
	// copied whole into an encoder's buffer on the way out.
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(importStatus(err))
	report.WriteJSON(w) //nolint:errcheck // the client has gone; nothing to do
}

// importParseBool reads the query parameter name (force, dry_run).
func importParseBool(name, v string) (bool, error) {
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, bookingkit.Invalid(name, v, "expected true or false")
	}
	return b, nil
}

// ImportHistoryPage is the answer of GET /api/staffid/imports.
type ImportHistoryPage struct {
	Items []staffid.HistoryEntry `json:"items"`
	// Next is the before= of the next (older) page; absent on the last.
	Next string `json:"next,omitempty"`
}

// listHistory is GET /api/staffid/imports?before=&limit= ([ImportHandler.HistoryRoutes]).
func (h *ImportHandler) listHistory(w http.ResponseWriter, r *http.Request) {
	var q staffid.HistoryQuery
	if v := r.URL.Query().Get("before"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id < 1 {
			httpapi.WriteError(w, r, h.logger, bookingkit.Invalid("before", v, "expected the positive ID of an import"))
			return
		}
		q.BeforeID = id
	}
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > staffid.MaxPageSize {
			httpapi.WriteError(w, r, h.logger, bookingkit.Invalid("limit", v, fmt.Sprintf("expected a number from 1 to %d", staffid.MaxPageSize)))
			return
		}
		q.Limit = n
	}
	page, err := h.importer.History(r.Context(), q)
	if err != nil {
		httpapi.WriteError(w, r, h.logger, err)
		return
	}
	out := ImportHistoryPage{Items: page.Items}
	if page.Next != 0 {
		out.Next = strconv.FormatInt(page.Next, 10)
	}
	httpapi.WriteJSON(w, http.StatusOK, out)
}

// getHistory is GET /api/staffid/imports/{id} ([ImportHandler.HistoryRoutes]).
func (h *ImportHandler) getHistory(w http.ResponseWriter, r *http.Request) {
	v := r.PathValue("id")
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id < 1 {
		httpapi.WriteError(w, r, h.logger, bookingkit.Invalid("id", v, "expected the positive ID of an import"))
		return
	}
	e, err := h.importer.HistoryEntry(r.Context(), id)
	if err != nil {
		httpapi.WriteError(w, r, h.logger, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, e)
}
