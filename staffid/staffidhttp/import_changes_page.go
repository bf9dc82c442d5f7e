package staffidhttp

import (
	"net/http"
	"strconv"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/staffid"
)

// changesPagePath is the control-panel page's form for whom an import
// changed.
const changesPagePath = "/settings__airline_staff_id_employee_import/changes"

// importChangesView is one page of an import's changes on the import
// page.
type importChangesView struct {
	Entry staffid.HistoryEntry
	Kind  staffid.ChangeKind // "" for every kind
	Items []staffid.ImportChange
	Next  string // the cursor of the next page; "" on the last
}

// pageChanges is POST /settings__airline_staff_id_employee_import/changes:
// the manager types the token and an import's ID (none for the latest),
// and reads a page of whom it created, updated, blocked and unblocked;
// the page's form asks for the next one.
func (h *ImportHandler) pageChanges(w http.ResponseWriter, r *http.Request) {
	if _, ok := h.authorizePageForm(w, r, "token, import, kind and cursor"); !ok {
		return
	}
	id := r.PostFormValue("import")
	if id == "" {
		latest, err := h.importer.History(r.Context(), staffid.HistoryQuery{Limit: 1})
		if err != nil {
			h.pageError(w, r, err)
			return
		}
		if len(latest.Items) == 0 {
			h.pageError(w, r, bookingkit.Errorf("no list has been imported yet: %w", bookingkit.ErrNotFound))
			return
		}
		id = strconv.FormatInt(latest.Items[0].ID, 10)
	}
	q, err := readChangesRequest(r, id)
	if err != nil {
		h.pageError(w, r, err)
		return
	}
	entry, err := h.importer.HistoryEntry(r.Context(), q.importID)
	if err != nil {
		h.pageError(w, r, err)
		return
	}
	page, err := h.importer.Changes(r.Context(), q.importID, q.kind, q.cursor, q.limit)
	if err != nil {
		h.pageError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, importPageData{Changed: &importChangesView{Entry: entry, Kind: q.kind, Items: page.Items, Next: page.Next}})
}
