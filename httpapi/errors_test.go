package httpapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/httpapi"
	"github.com/bookingkit/bookingkit/staffid"
)

func TestStatusOf(t *testing.T) {
	tests := []struct {
		err  error
		want int
	}{
		{bookingkit.Invalid("Sex", "X", "M or F"), http.StatusBadRequest},
		{fmt.Errorf("x: %w", bookingkit.ErrUnauthorized), http.StatusUnauthorized},
		{fmt.Errorf("x: %w", bookingkit.ErrForbidden), http.StatusForbidden},
		{fmt.Errorf("x: %w", bookingkit.ErrNotFound), http.StatusNotFound},
		{fmt.Errorf("x: %w", bookingkit.ErrConflict), http.StatusConflict},
		{fmt.Errorf("x: %w", bookingkit.ErrTooLarge), http.StatusRequestEntityTooLarge},
		{&http.MaxBytesError{Limit: 1}, http.StatusRequestEntityTooLarge},
		{&bookingkit.RetryAfterError{Seconds: 3}, http.StatusTooManyRequests},
		{fmt.Errorf("x: %w", bookingkit.ErrUnsupportedMediaType), http.StatusUnsupportedMediaType},
		{fmt.Errorf("x: %w", staffid.ErrUnsupportedFormat), http.StatusUnsupportedMediaType},
		{fmt.Errorf("x: %w", staffid.ErrLegacyXLS), http.StatusUnsupportedMediaType},
		{fmt.Errorf("x: %w", staffid.ErrMalformed), http.StatusBadRequest},
		{errors.New("disk on fire"), http.StatusInternalServerError},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, httpapi.StatusOf(tt.err), "%v", tt.err)
	}
}

// answer runs WriteError for err behind WithRequestID and returns the
// answer, its decoded body and the log.
func answer(t *testing.T, ctx context.Context, err error) (*httptest.ResponseRecorder, httpapi.ErrorBody, string) {
	t.Helper()
	var log strings.Builder
	logger := slog.New(slog.NewTextHandler(&log, nil))
	h := httpapi.WithRequestID(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		httpapi.WriteError(w, r, logger, err)
	}))
	rec := httptest.NewRecorder()
	req := httptest.NewRequestWithContext(ctx, http.MethodGet, "/x", nil)
	req.Header.Set("X-Request-ID", "req-1")
	h.ServeHTTP(rec, req)
	var body httpapi.ErrorBody
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &body))
	require.Equal(t, "application/json; charset=utf-8", rec.Header().Get("Content-Type"))
	require.Equal(t, "req-1", body.RequestID)
	return rec, body, log.String()
}

func TestWriteErrorNamesTheFieldAndTheRetry(t *testing.T) {
	rec, body, _ := answer(t, context.Background(), fmt.Errorf("record 3: %w", bookingkit.Invalid("Sex", "X", "M or F")))
	require.Equal(t, http.StatusBadRequest, rec.Code)
	require.Equal(t, httpapi.ErrorBody{Error: `record 3: Sex "X": M or F`, Field: "Sex", Value: "X", RequestID: "req-1"}, body)

	rec, _, _ = answer(t, context.Background(), &bookingkit.RetryAfterError{Seconds: 0})
	require.Equal(t, http.StatusTooManyRequests, rec.Code)
	require.Equal(t, "1", rec.Header().Get("Retry-After"), "at least one second")
}

func TestWriteErrorKeepsInternalsInTheLog(t *testing.T) {
	rec, body, log := answer(t, context.Background(), errors.New("pq: relation \"secret_table\" does not exist"))
	require.Equal(t, http.StatusInternalServerError, rec.Code)
	require.Equal(t, "internal error", body.Error)
	require.Contains(t, log, "secret_table")
	require.Contains(t, log, "request_id=req-1")

	stored := &bookingkit.StorageError{Public: "a licence with this login already exists", Err: fmt.Errorf("UNIQUE constraint failed: licences.login: %w", bookingkit.ErrConflict)}
	rec, body, log = answer(t, context.Background(), fmt.Errorf("add licence: %w", stored))
	require.Equal(t, http.StatusConflict, rec.Code)
	require.Equal(t, "add licence: a licence with this login already exists", body.Error)
	require.Contains(t, log, "licences.login", "the detail stays in the log")
}

func TestWriteErrorOfACancelledRequestIs503(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rec, body, _ := answer(t, ctx, fmt.Errorf("query: %w", context.Canceled))
	require.Equal(t, http.StatusServiceUnavailable, rec.Code)
	require.Equal(t, "1", rec.Header().Get("Retry-After"))
	require.Equal(t, "request cancelled: the server is shutting down", body.Error)
}

func TestPublicMessage(t *testing.T) {
	require.Equal(t, "not yours: forbidden", httpapi.PublicMessage(fmt.Errorf("not yours: %w", bookingkit.ErrForbidden)))
	se := &bookingkit.StorageError{Err: fmt.Errorf("sql: no rows in table trips: %w", bookingkit.ErrNotFound)}
	require.Equal(t, "trip T1: not found", httpapi.PublicMessage(fmt.Errorf("trip T1: %w", se)))
	require.Equal(t, "not found", httpapi.PublicMessage(fmt.Errorf("%w (saving trip T1)", se)), "context after the storage error is dropped")
}

func TestRequestIDKeepsOnlyShortTokens(t *testing.T) {
	var seen string
	h := httpapi.WithRequestID(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen = httpapi.RequestID(r.Context()) }))
	for sent, kept := range map[string]bool{"abc-123_x.y": true, "": false, "a b": false, "x\nlevel=ERROR": false, strings.Repeat("a", 65): false} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.Header.Set("X-Request-ID", sent)
		h.ServeHTTP(rec, req)
		require.Equal(t, seen, rec.Header().Get("X-Request-ID"))
		if kept {
			require.Equal(t, sent, seen)
		} else {
			require.Regexp(t, "^[0-9a-f]{16}$", seen, "sent %q", sent)
		}
	}
	require.Empty(t, httpapi.RequestID(context.Background()))
}

func TestHandlerAnswersTheReturnedError(t *testing.T) {
	h := httpapi.Handler(nil, func(w http.ResponseWriter, r *http.Request) error {
		if r.URL.Query().Get("id") == "" {
			return bookingkit.Invalid("id", "", "required")
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	require.Equal(t, http.StatusBadRequest, rec.Code)
	require.JSONEq(t, `{"error":"id: required","field":"id"}`, rec.Body.String())
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/?id=1", nil))
	require.Equal(t, http.StatusNoContent, rec.Code)
	require.Empty(t, rec.Body.String())
}
