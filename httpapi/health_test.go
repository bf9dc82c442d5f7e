package httpapi_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/httpapi"
)

func TestHealth(t *testing.T) {
	for _, tt := range []struct {
		ping func(context.Context) error
		code int
		body string
	}{
		{func(context.Context) error { return nil }, 200, `{"status":"ok","storage":"sqlite"}`},
		{func(context.Context) error { return errors.New("dial tcp 10.0.0.5:5432: refused") }, 503, `{"status":"unavailable","storage":"sqlite","error":"storage does not answer"}`},
	} {
		w := httptest.NewRecorder()
		httpapi.Health(slog.New(slog.DiscardHandler), "sqlite", tt.ping).ServeHTTP(w, httptest.NewRequest("GET", "/healthz", nil))
		require.Equal(t, tt.code, w.Code)
		require.JSONEq(t, tt.body, w.Body.String(), "the cause stays in the log")
	}
}
