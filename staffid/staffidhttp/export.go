package staffidhttp

import (
	"cmp"
	"log/slog"
	"net/http"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/httpapi"
	"github.com/bookingkit/bookingkit/staffid"
)

// ExportHandler serves the export of the stored employee list
// ([staffid.Export]): every person, blocked ones marked, for an airline to
// check what bookingkit holds against its HR system. Create it with
// [NewExportHandler] and mount its routes behind the engine's own
// authentication, as the import history's.
type ExportHandler struct {
	store  staffid.PeopleStore
	logger *slog.Logger
	now    func() time.Time
}

// NewExportHandler returns the export's handler over store; logger
// receives one line per export and the errors (slog.Default() when nil).
func NewExportHandler(store staffid.PeopleStore, logger *slog.Logger) *ExportHandler {
	if logger == nil {
		logger = slog.Default()
	}
	return &ExportHandler{store: store, logger: logger, now: time.Now}
}

// Routes returns the export:
//
//	GET /api/staffid/export[?format=json|xlsx|csv][&state=all|active|blocked]
//
// The answer is a download (Content-Disposition: attachment, named
// staff-list[-active|-blocked]-YYYY-MM-DD.json, .xlsx or .csv) of the
// people state selects (all by default), in ascending ID order, with the
// list's own field names, Blocked (1 or 0) and ID (the identity hash):
// format json (the default) is a JSON array of records as an upload's,
// xlsx a workbook, csv comma-separated text; CSV and workbook cells that
// start with =, +, -, @, tab or CR carry a leading single quote. The JSON
// export of state=active, uploaded again, changes nothing.
//
// The list is read page by page and JSON and CSV go out as they are read:
// an error after the first bytes aborts the connection, so that a client
// never takes a cut export for a whole one. A bad format or state is 400.
// The route is returned unauthenticated: the caller wraps it with its own
// authentication (the reference server with its engine token).
func (h *ExportHandler) Routes() []httpapi.Route {
	return []httpapi.Route{{Pattern: "GET /api/staffid/export", Handler: http.HandlerFunc(h.export)}}
}

// exportWriteWindow is how long the server waits for the client to take
// the next page of an export: each page written extends the write
// deadline by it, so that a long list is not cut at the server's
// WriteTimeout.
const exportWriteWindow = 2 * time.Minute

// exportStates are the values of state=.
var exportStates = map[string]staffid.StateQuery{"": staffid.AnyState, "all": staffid.AnyState, "active": staffid.OnlyActive, "blocked": staffid.OnlyBlocked}

func (h *ExportHandler) export(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	format, err := staffid.ParseExportFormat("format", q.Get("format"))
	if err != nil {
		httpapi.WriteError(w, r, h.logger, err)
		return
	}
	stateName := q.Get("state")
	state, ok := exportStates[stateName]
	if !ok {
		httpapi.WriteError(w, r, h.logger, bookingkit.Invalid("state", stateName, "expected all, active or blocked"))
		return
	}
	name := "staff-list-"
	if state != staffid.AnyState {
		name += stateName + "-"
	}
	name += h.now().UTC().Format(time.DateOnly) + "." + string(format)

	rc := http.NewResponseController(w)
	rc.SetWriteDeadline(time.Now().Add(exportWriteWindow)) //nolint:errcheck // not every writer has one
	out := &exportAnswer{w: w, format: format, name: name}
	sum, err := staffid.Export(r.Context(), h.store, out, staffid.ExportOptions{
		Format: format,
		State:  state,
		AfterPage: func(int) {
			rc.SetWriteDeadline(time.Now().Add(exportWriteWindow)) //nolint:errcheck // as above
		},
	})
	attrs := []any{"request_id", httpapi.RequestID(r.Context()), "format", format, "state", cmp.Or(stateName, "all"), "people", sum.People, "blocked", sum.Blocked}
	if err == nil {
		h.logger.InfoContext(r.Context(), "staffid: employee list export", attrs...)
		return
	}
	if !out.started {
		httpapi.WriteError(w, r, h.logger, err)
		return
	}
	h.logger.ErrorContext(r.Context(), "staffid: employee list export cut short", append(attrs, "error", err)...)
	panic(http.ErrAbortHandler)
}

// exportAnswer starts the download at the first byte: until then an
// error can still be answered as such.
type exportAnswer struct {
	w       http.ResponseWriter
	format  staffid.ExportFormat
	name    string
	started bool
}

func (a *exportAnswer) Write(p []byte) (int, error) {
	if !a.started {
		a.started = true
		h := a.w.Header()
		h.Set("Content-Type", a.format.ContentType())
		h.Set("Content-Disposition", `attachment; filename="`+a.name+`"`)
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		a.w.WriteHeader(http.StatusOK)
	}
	return a.w.Write(p)
}
