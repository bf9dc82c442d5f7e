package staffidhttp

import (
	_ "embed"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/httpapi"
	"github.com/bookingkit/bookingkit/staffid"
)

// importMultipartMemory is how much of a control-panel upload is held in
// memory; the rest of the file goes to a temporary file until the import
// reads it.
const importMultipartMemory = 8 << 20

// importPageMaxInvalidRecords and importPageMaxInvalidBytes bound the
// invalid records the control-panel page lists, in number and in bytes of
// echoes and errors (HTML escaping may make them several times longer);
// the JSON API answers as many as its report holds.
const (
	importPageMaxInvalidRecords = 1000
	importPageMaxInvalidBytes   = 1 << 20
)

//go:embed import_page.html
var importPageHTML string

// importPage renders import_page.html in the request's language under a
// nonce content security policy that lets only its own inline style run
// and forms post only to the server.
type importPage struct{ httpapi.Page }

func newImportPage(logger *slog.Logger) (importPage, error) {
	t, err := httpapi.ParsePage("import", importPageHTML, nil)
	if err != nil {
		return importPage{}, fmt.Errorf("import page: %w", err)
	}
	return importPage{httpapi.Page{Languages: t, Logger: logger}}, nil
}

// importPageData is what import_page.html shows.
type importPageData struct {
	Nonce   string
	Error   string // a refusal before any import (token, address, form)
	Report  *staffid.Report
	Invalid []staffid.InvalidRecord // the first ones, within the page's bounds
	Omitted int                     // invalid records not listed
	Forced  bool
	// Held is the held list shown, with the form to decide on it.
	Held *staffid.HeldList
	// Path is the page's own path, where its forms post (the held list's
	// form to Path + "/held"), under the engine's prefix.
	Path string
	// Holding says the importer holds the lists the guard stops: the
	// page offers to show the held list.
	Holding bool
	// Changed is a page of whom an import changed (import_changes_page.go).
	Changed *importChangesView
}

// render renders the page with what every answer of it shows: where its
// forms post, and whether it offers the held list.
func (h *ImportHandler) render(w http.ResponseWriter, r *http.Request, status int, data importPageData) {
	data.Path = strings.TrimSuffix(strings.TrimSuffix(r.URL.Path, "/held"), "/changes")
	data.Holding = h.importer.HeldStore != nil
	h.page.render(w, r, status, data)
}

func (p importPage) render(w http.ResponseWriter, r *http.Request, status int, data importPageData) {
	p.Render(w, r, status, "", func(nonce string) any { data.Nonce = nonce; return data })
}

// PageRoutes returns the control-panel page where a manager uploads the
// employee list's workbook by hand:
//
//	GET  /settings__airline_staff_id_employee_import       the form
//	POST /settings__airline_staff_id_employee_import       multipart/form-data: token, file, force, dry_run
//	POST /settings__airline_staff_id_employee_import/held  token, action (show, approve, reject), id: the held list, when the importer holds lists
//	POST /settings__airline_staff_id_employee_import/changes  token, import (none: the latest), kind, cursor: whom an import changed, a page of them
//
// The POST imports with source "manual" and answers the report as a page,
// with the status the upload would have. The manager proves the right to
// import with the token typed into the form ([ImportFormAuth.AuthorizeForm]):
// bookingkit's server has no control-panel login of its own, and the
// import token is already the secret that allows an upload. Typed by the
// person, it also keeps other sites from posting the form with the
// manager's browser (they do not know it). Without ImportOptions.FormAuth
// there is no page: PageRoutes returns none.
func (h *ImportHandler) PageRoutes() []httpapi.Route {
	if h.formAuth == nil {
		return nil
	}
	routes := []httpapi.Route{
		{Pattern: "GET /settings__airline_staff_id_employee_import", Handler: http.HandlerFunc(h.pageForm)},
		{Pattern: "POST /settings__airline_staff_id_employee_import", Handler: http.HandlerFunc(h.pagePost), MaxBody: h.maxUpload},
		{Pattern: "POST " + changesPagePath, Handler: http.HandlerFunc(h.pageChanges)},
	}
	if h.importer.HeldStore != nil {
		routes = append(routes, httpapi.Route{Pattern: "POST " + heldPagePath, Handler: http.HandlerFunc(h.pageHeld)})
	}
	return routes
}

// pageError renders the form again with err's message and status.
func (h *ImportHandler) pageError(w http.ResponseWriter, r *http.Request, err error) {
	status := httpapi.StatusOf(err)
	msg, _ := httpapi.RequestMessage(r, err)
	if status == http.StatusInternalServerError {
		h.logger.ErrorContext(r.Context(), "staffid: import page failed", "request_id", httpapi.RequestID(r.Context()), "error", err)
		msg = httpapi.Text(r, "internal error (request %s)", httpapi.RequestID(r.Context()))
	}
	h.render(w, r, status, importPageData{Error: msg})
}

// pageForm is GET /settings__airline_staff_id_employee_import.
func (h *ImportHandler) pageForm(w http.ResponseWriter, r *http.Request) {
	if err := h.checkAddress(r); err != nil {
		h.pageError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, importPageData{})
}

// pagePost is POST /settings__airline_staff_id_employee_import.
func (h *ImportHandler) pagePost(w http.ResponseWriter, r *http.Request) {
	if err := h.checkAddress(r); err != nil {
		h.pageError(w, r, err)
		return
	}
	if err := r.ParseMultipartForm(importMultipartMemory); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			h.pageError(w, r, httpapi.TooLarge(tooBig.Limit))
			return
		}
		h.pageError(w, r, bookingkit.Invalidf("form", "", "a multipart/form-data upload with the fields token, file and force"))
		return
	}
	defer r.MultipartForm.RemoveAll() //nolint:errcheck // temporary files; nothing to do
	actor, err := h.formAuth.AuthorizeForm(r, r.FormValue("token"))
	if err != nil {
		h.pageError(w, r, err)
		return
	}
	file, _, err := r.FormFile("file")
	if err != nil {
		h.pageError(w, r, bookingkit.Invalidf("file", "", "choose the employee list's Excel workbook (.xlsx)"))
		return
	}
	defer file.Close()
	force := r.FormValue("force") != ""
	// The Preview button sends dry_run: the report of what the upload
	// would do, the people named, nothing written.
	opts := staffid.ImportOptions{Source: staffid.SourceManual, Actor: actor, Force: force, DryRun: r.FormValue("dry_run") != ""}
	report, err := h.importer.Import(r.Context(), file, staffid.FormatAuto, opts)
	h.logImport(r, opts, report, err)
	if report == nil {
		h.pageError(w, r, err)
		return
	}
	importForceHint(report, err, "to import it anyway, tick “Force” and upload it again")
	data := importPageData{Report: report, Invalid: importPageInvalid(report.InvalidRecords), Forced: force}
	data.Omitted = len(report.InvalidRecords) - len(data.Invalid) + report.InvalidRecordsOmitted
	h.render(w, r, importStatus(err), data)
}

// importPageInvalid returns the first invalid records, as many as the page
// lists.
func importPageInvalid(all []staffid.InvalidRecord) []staffid.InvalidRecord {
	size := 0
	for i, rec := range all {
		if size += len(rec.Record) + len(rec.Error); i == importPageMaxInvalidRecords || size > importPageMaxInvalidBytes {
			return all[:i]
		}
	}
	return all
}
