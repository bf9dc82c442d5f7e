package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/staffid"
)

// errorBody is the JSON body of every error response.
type errorBody struct {
	Error     string `json:"error"`
	Field     string `json:"field,omitempty"`
	Value     string `json:"value,omitempty"`
	RequestID string `json:"request_id,omitempty"`
}

// statusOf maps bookingkit's error sentinels to HTTP statuses: the one place
// where the domain's errors meet HTTP.
func statusOf(err error) int {
	var tooBig *http.MaxBytesError
	switch {
	case errors.Is(err, staffid.ErrUnsupportedFormat), errors.Is(err, errUnsupportedMediaType):
		// An upload in a format the server cannot read (not JSON or
		// xlsx), or a body a JSON route cannot read as JSON, which HTTP
		// names apart from other invalid input.
		return http.StatusUnsupportedMediaType
	case errors.Is(err, bookingkit.ErrInvalid):
		return http.StatusBadRequest
	case errors.Is(err, bookingkit.ErrUnauthorized):
		return http.StatusUnauthorized
	case errors.Is(err, bookingkit.ErrForbidden):
		return http.StatusForbidden
	case errors.Is(err, bookingkit.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, bookingkit.ErrConflict):
		return http.StatusConflict
	case errors.Is(err, bookingkit.ErrTooLarge), errors.As(err, &tooBig):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, bookingkit.ErrRateLimited):
		return http.StatusTooManyRequests
	default:
		return http.StatusInternalServerError
	}
}

// publicMessage is the text of err that an answer may show. An error that
// came from storage (a *bookingkit.StorageError in its chain) shows the
// words of the domain around it and the storage error's Message, never its
// text: that names the adapter, SQL, tables and constraints.
func publicMessage(err error) string {
	var se *bookingkit.StorageError
	if !errors.As(err, &se) {
		return err.Error()
	}
	// The domain's context wraps the storage error with %w, so its text
	// ends with the storage error's; anything else shows only Message.
	if context, ok := strings.CutSuffix(err.Error(), se.Error()); ok {
		return context + se.Message()
	}
	return se.Message()
}

// fromStorage reports whether err came from storage, whose detail only the
// log may hold.
func fromStorage(err error) bool {
	var se *bookingkit.StorageError
	return errors.As(err, &se)
}

// writeError answers err with its status and a JSON body. A 500 hides the
// error's text from the client (it may hold internals) and logs it instead;
// an error from storage shows only its public message (publicMessage) and
// the log keeps the detail under the request ID.
func writeError(w http.ResponseWriter, r *http.Request, logger *slog.Logger, err error) {
	status := statusOf(err)
	body := errorBody{Error: publicMessage(err), RequestID: requestID(r.Context())}
	if status != http.StatusInternalServerError && logger != nil && fromStorage(err) {
		logger.InfoContext(r.Context(), "request refused by storage", "request_id", body.RequestID, "status", status, "error", err)
	}
	var ve *bookingkit.ValidationError
	if errors.As(err, &ve) {
		body.Field, body.Value = ve.Field, ve.Value
	}
	var ra *bookingkit.RetryAfterError
	if errors.As(err, &ra) {
		w.Header().Set("Retry-After", strconv.Itoa(max(ra.Seconds, 1)))
	}
	if status == http.StatusInternalServerError && r.Context().Err() != nil {
		// The request was cancelled under the handler: the shutdown
		// timeout expired (run cancels what is still running) or the
		// client went away. Its transaction rolled back; 503 tells a
		// client that is still there to try again, on another server or
		// after the restart.
		if logger != nil {
			logger.WarnContext(r.Context(), "request cancelled", "request_id", body.RequestID, "error", err)
		}
		w.Header().Set("Retry-After", "1")
		writeJSON(w, http.StatusServiceUnavailable, errorBody{Error: "request cancelled: the server is shutting down", RequestID: body.RequestID})
		return
	}
	if status == http.StatusInternalServerError {
		if logger != nil {
			logger.ErrorContext(r.Context(), "request failed", "request_id", body.RequestID, "error", err)
		}
		body.Error = "internal error"
	}
	writeJSON(w, status, body)
}

func errTooLarge(limit int64) error {
	return fmt.Errorf("request body over the limit of %d bytes: %w", limit, bookingkit.ErrTooLarge)
}

// writeJSON answers v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v) //nolint:errcheck // the client has gone; nothing to do
}

// decodeJSON, the one reader of JSON request bodies, is in jsonbody.go.
