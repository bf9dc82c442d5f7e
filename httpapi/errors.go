package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/locale"
)

// ErrorBody is the JSON body of every error answer.
type ErrorBody struct {
	Error     string `json:"error"`
	Field     string `json:"field,omitempty"`
	Value     string `json:"value,omitempty"`
	RequestID string `json:"request_id,omitempty"`
}

// StatusOf maps bookingkit's error sentinels to HTTP statuses: the one
// place where the domain's errors meet HTTP. An error matching none of
// them is a 500.
func StatusOf(err error) int {
	var tooBig *http.MaxBytesError
	switch {
	case errors.Is(err, bookingkit.ErrUnsupportedMediaType):
		// An upload in a format the module cannot read, or a body a JSON
		// route cannot read as JSON: invalid input, which HTTP names
		// apart.
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

// PublicMessage is the text of err that an answer may show. An error that
// came from storage (a *bookingkit.StorageError in its chain) shows the
// words of the domain around it and the storage error's Message, never its
// text: that names the adapter, SQL, tables and constraints.
func PublicMessage(err error) string {
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

// WriteError answers err with its status ([StatusOf]) and an [ErrorBody]:
// the field and value of a *bookingkit.ValidationError, a Retry-After
// header for a *bookingkit.RetryAfterError (with RateLimit-Policy and
// RateLimit, [SetRateLimit]), the request's ID
// ([RequestID]). A 500 hides the error's text from the client (it may
// hold internals) and logs it instead; an error from storage shows only
// its public message ([PublicMessage]) and the log keeps the detail under
// the request ID. A 500 of a request cancelled under the handler (the
// client went away, or the server's shutdown timeout expired) is a 503
// with Retry-After: 1. The text is in the request's language when the
// catalogue has it ([RequestMessage]), named by Content-Language. logger
// may be nil (nothing is logged).
func WriteError(w http.ResponseWriter, r *http.Request, logger *slog.Logger, err error) {
	err = cursorError(r, err)
	status := StatusOf(err)
	msg, lang := RequestMessage(r, err)
	body := ErrorBody{Error: msg, RequestID: RequestID(r.Context())}
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
		SetRateLimit(w.Header(), ra)
	}
	if status == http.StatusInternalServerError && r.Context().Err() != nil {
		// The request was cancelled under the handler: the shutdown
		// timeout expired (the server cancels what is still running) or
		// the client went away. Its transaction rolled back; 503 tells a
		// client that is still there to try again, on another server or
		// after the restart.
		if logger != nil {
			logger.WarnContext(r.Context(), "request cancelled", "request_id", body.RequestID, "error", err)
		}
		w.Header().Set("Retry-After", "1")
		SetContentLanguage(w.Header(), locale.Request(r).String())
		WriteJSON(w, http.StatusServiceUnavailable, ErrorBody{Error: Text(r, "request cancelled: the server is shutting down"), RequestID: body.RequestID})
		return
	}
	if status == http.StatusInternalServerError {
		if logger != nil {
			logger.ErrorContext(r.Context(), "request failed", "request_id", body.RequestID, "error", err)
		}
		body.Error, lang = Text(r, "internal error"), locale.Request(r)
	}
	SetContentLanguage(w.Header(), lang.String())
	WriteJSON(w, status, body)
}

// TooLarge is the error of a request body over limit bytes; it matches
// bookingkit.ErrTooLarge (413).
func TooLarge(limit int64) error {
	return fmt.Errorf("request body over the limit of %d bytes: %w", limit, bookingkit.ErrTooLarge)
}

// WriteJSON answers v as JSON with status. HTML characters are not
// escaped: the answer is JSON, not a page.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v) //nolint:errcheck // the client has gone; nothing to do
}

// Handler adapts a handler that returns its error to an http.Handler that
// answers the error with [WriteError]: a handler then ends in one return,
// whatever went wrong. fn must not have written an answer when it returns
// an error.
func Handler(logger *slog.Logger, fn func(w http.ResponseWriter, r *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			WriteError(w, r, logger, err)
		}
	})
}
