package httpapi_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/httpapi"
)

type flight struct {
	Carrier string `json:"carrier"`
	Number  string `json:"number"`
	Seats   []struct {
		Row int `json:"row"`
	} `json:"seats"`
}

func decode(contentType, body string, limit int64) (flight, error) {
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if limit > 0 {
		req.Body = http.MaxBytesReader(httptest.NewRecorder(), req.Body, limit)
	}
	var f flight
	err := httpapi.DecodeJSON(req, &f)
	return f, err
}

func TestDecodeJSON(t *testing.T) {
	f, err := decode("application/json; charset=utf-8", `{"carrier":"SU","number":"0100","seats":[{"row":1},{"row":2}]}`, 0)
	require.NoError(t, err)
	require.Equal(t, "SU", f.Carrier)
	require.Len(t, f.Seats, 2)
	_, err = decode("application/merge-patch+json", `{"carrier":"SU"}`, 0)
	require.NoError(t, err, "a +json type is JSON")

	refused := []struct {
		contentType, body string
		status            int
		field             string
	}{
		{"", `{}`, http.StatusUnsupportedMediaType, "Content-Type"},
		{"application/x-www-form-urlencoded", `carrier=SU`, http.StatusUnsupportedMediaType, "Content-Type"},
		{"application/json", `{"carrier":"SU","Carrier":"XX"}`, http.StatusBadRequest, "Carrier"},
		{"application/json", `{"seats":[{"row":1,"row":2}]}`, http.StatusBadRequest, "row"},
		{"application/json", `{"carrier":"SU","pilot":"me"}`, http.StatusBadRequest, "body"},
		{"application/json", `{"carrier":"SU"} {}`, http.StatusBadRequest, "body"},
		{"application/json", `{"carrier":`, http.StatusBadRequest, "body"},
	}
	for _, tt := range refused {
		_, err := decode(tt.contentType, tt.body, 0)
		require.Error(t, err, tt.body)
		require.Equal(t, tt.status, httpapi.StatusOf(err), "%s: %v", tt.body, err)
		var ve *bookingkit.ValidationError
		require.True(t, errors.As(err, &ve), "%v", err)
		require.Equal(t, tt.field, ve.Field, "%v", err)
	}

	// Two objects may each hold the same key.
	_, err = decode("application/json", `{"seats":[{"row":1},{"row":2}],"carrier":"SU"}`, 0)
	require.NoError(t, err)

	_, err = decode("application/json", `{"carrier":"`+strings.Repeat("S", 100)+`"}`, 20)
	require.ErrorIs(t, err, bookingkit.ErrTooLarge)
	require.ErrorContains(t, err, "limit of 20 bytes")
}
