package staffidhttp

import (
	"net/http"
	"strconv"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/httpapi"
	"github.com/bookingkit/bookingkit/staffid"
)

// ImportChangesPage is the answer of GET /api/staffid/imports/{id}/changes:
// the people an applied import created, updated, blocked and unblocked,
// named ([staffid.ImportChange]).
type ImportChangesPage struct {
	Items []staffid.ImportChange `json:"items"`
	// Next is the cursor= of the next page; absent on the last.
	Next string `json:"next,omitempty"`
}

// listChanges is GET /api/staffid/imports/{id}/changes?kind=&cursor=&limit=
// ([ImportHandler.HistoryRoutes]).
func (h *ImportHandler) listChanges(w http.ResponseWriter, r *http.Request) {
	q, err := readChangesRequest(r, r.PathValue("id"))
	if err != nil {
		httpapi.WriteError(w, r, h.logger, err)
		return
	}
	page, err := h.importer.Changes(r.Context(), q.importID, q.kind, q.cursor, q.limit)
	if err != nil {
		httpapi.WriteError(w, r, h.logger, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, ImportChangesPage{Items: page.Items, Next: page.Next})
}

// changesRequest asks for a page of an import's changes
// ([staffid.Importer.Changes]).
type changesRequest struct {
	importID int64
	kind     staffid.ChangeKind
	cursor   string
	limit    int // 0: the default page size
}

// readChangesRequest reads a request for a page of an import's changes:
// the import's ID, and kind, cursor and limit from the query or the form.
func readChangesRequest(r *http.Request, id string) (changesRequest, error) {
	var q changesRequest
	var err error
	if q.importID, err = strconv.ParseInt(id, 10, 64); err != nil || q.importID < 1 {
		return q, bookingkit.Invalidf("id", id, "expected the positive ID of an import")
	}
	if q.kind, err = staffid.ParseChangeKind(r.FormValue("kind")); err != nil {
		return q, err
	}
	q.cursor = r.FormValue(httpapi.CursorParam)
	if v := r.FormValue("limit"); v != "" {
		if q.limit, err = strconv.Atoi(v); err != nil || q.limit < 1 || q.limit > staffid.MaxPageSize {
			return q, bookingkit.Invalidf("limit", v, "expected a number from 1 to %d", staffid.MaxPageSize)
		}
	}
	return q, nil
}
