package staffidhttp

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/httpapi"
	"github.com/bookingkit/bookingkit/staffid"
)

// HeldRoutes returns the held list's routes ([staffid.HeldList]: a list
// the mass-block guard held for a manager's decision), authenticated as
// the upload is ([ImportAuth], [ImportAddresses]): whoever may replace the
// list may decide on a held one, and the history names them as the actor.
//
//	GET  /api/staffid/held                the held list and its preview (who it creates, updates, blocks, unblocks), 404 when none
//	POST /api/staffid/held/{id}/approve   import it: 200 and the import's report; 409 and a report when it is stale (superseded)
//	POST /api/staffid/held/{id}/reject    discard it: 200 and a report saying so
//
// A list that is not held (decided, replaced by a newer one) is 404. The
// ID in the path is the one the preview showed, so that a decision is
// never taken on a list nobody saw.
func (h *ImportHandler) HeldRoutes() []httpapi.Route {
	return []httpapi.Route{
		{Pattern: "GET /api/staffid/held", Handler: http.HandlerFunc(h.getHeld)},
		{Pattern: "POST /api/staffid/held/{id}/approve", Handler: h.decideHeld(h.importer.ApproveHeld)},
		{Pattern: "POST /api/staffid/held/{id}/reject", Handler: h.decideHeld(h.importer.RejectHeld)},
	}
}

// authorizeHeld checks the address and the upload's authentication, and
// returns who is asking.
func (h *ImportHandler) authorizeHeld(r *http.Request) (string, error) {
	if err := h.checkAddress(r); err != nil {
		return "", err
	}
	return h.auth.AuthorizeUpload(r)
}

// getHeld is GET /api/staffid/held.
func (h *ImportHandler) getHeld(w http.ResponseWriter, r *http.Request) {
	if _, err := h.authorizeHeld(r); err != nil {
		httpapi.WriteError(w, r, h.logger, err)
		return
	}
	held, err := h.importer.Held(r.Context())
	if err != nil {
		httpapi.WriteError(w, r, h.logger, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, held)
}

// heldDecision is [staffid.Importer.ApproveHeld] or RejectHeld.
type heldDecision func(ctx context.Context, id int64, opts staffid.ImportOptions) (*staffid.Report, error)

// decideHeld is POST /api/staffid/held/{id}/approve and …/reject.
func (h *ImportHandler) decideHeld(decide heldDecision) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		actor, err := h.authorizeHeld(r)
		if err != nil {
			httpapi.WriteError(w, r, h.logger, err)
			return
		}
		id, err := heldID(r.PathValue("id"))
		if err != nil {
			httpapi.WriteError(w, r, h.logger, err)
			return
		}
		opts := staffid.ImportOptions{Source: staffid.SourceAPI, Actor: actor}
		report, err := decide(r.Context(), id, opts)
		h.logImport(r, opts, report, err)
		if report == nil {
			httpapi.WriteError(w, r, h.logger, err)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(importStatus(err))
		report.WriteJSON(w) //nolint:errcheck // the client has gone; nothing to do
	})
}

// heldID reads a held list's ID.
func heldID(v string) (int64, error) {
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id < 1 {
		return 0, bookingkit.Invalidf("id", v, "expected the positive ID of a held list")
	}
	return id, nil
}

// heldPagePath is the control-panel page's form for the held list.
const heldPagePath = "/settings__airline_staff_id_employee_import/held"

// pageHeld is POST /settings__airline_staff_id_employee_import/held: the
// manager types the token and shows the held list, or approves or rejects
// the one shown (its ID in the form).
func (h *ImportHandler) pageHeld(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.authorizePageForm(w, r, "token, action and id")
	if !ok {
		return
	}
	action := r.PostFormValue("action")
	if action == "show" {
		held, err := h.importer.Held(r.Context())
		if err != nil {
			h.pageError(w, r, err)
			return
		}
		h.render(w, r, http.StatusOK, importPageData{Report: &held.Report, Held: &held})
		return
	}
	decide := map[string]heldDecision{
		"approve": h.importer.ApproveHeld, "reject": h.importer.RejectHeld,
	}[action]
	if decide == nil {
		h.pageError(w, r, bookingkit.Invalidf("action", action, "expected show, approve or reject"))
		return
	}
	id, err := heldID(r.PostFormValue("id"))
	if err != nil {
		h.pageError(w, r, err)
		return
	}
	opts := staffid.ImportOptions{Source: staffid.SourceManual, Actor: actor}
	report, err := decide(r.Context(), id, opts)
	h.logImport(r, opts, report, err)
	if report == nil {
		h.pageError(w, r, err)
		return
	}
	h.render(w, r, importStatus(err), importPageData{Report: report})
}

// authorizePageForm checks the address of a POST of one of the page's
// small forms (fields named for its error), reads the form and
// authenticates the token typed in it ([ImportFormAuth]). It returns who
// is asking, or answers the page with the error and returns false.
func (h *ImportHandler) authorizePageForm(w http.ResponseWriter, r *http.Request, fields string) (string, bool) {
	if err := h.checkAddress(r); err != nil {
		h.pageError(w, r, err)
		return "", false
	}
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			h.pageError(w, r, httpapi.TooLarge(tooBig.Limit))
			return "", false
		}
		h.pageError(w, r, bookingkit.Invalidf("form", "", "a form with the fields %s", fields))
		return "", false
	}
	actor, err := h.formAuth.AuthorizeForm(r, r.PostFormValue("token"))
	if err != nil {
		h.pageError(w, r, err)
		return "", false
	}
	return actor, true
}
