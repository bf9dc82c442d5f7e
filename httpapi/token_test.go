package httpapi_test

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/httpapi"
)

func TestToken(t *testing.T) {
	sum := sha256.Sum256([]byte("s3cret"))
	fromHash, err := httpapi.TokenFromHash("engine", hex.EncodeToString(sum[:]))
	require.NoError(t, err)
	_, err = httpapi.TokenFromHash("engine", "not hex")
	require.Error(t, err)

	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	for _, tok := range []httpapi.Token{httpapi.NewToken("engine", "s3cret"), fromHash} {
		routes := tok.RequireOn([]httpapi.Route{{Pattern: "GET /x", Handler: ok}})
		for header, want := range map[string]int{"": 401, "Bearer wrong": 401, "Bearer s3cret": 204, "Basic s3cret": 401} {
			r := httptest.NewRequest("GET", "/x", nil)
			if header != "" {
				r.Header.Set("Authorization", header)
			}
			w := httptest.NewRecorder()
			routes[0].Handler.ServeHTTP(w, r)
			require.Equal(t, want, w.Code, header)
			if want == 401 {
				require.Contains(t, w.Body.String(), "engine token", "the answer says which token")
			}
		}
	}
	require.False(t, httpapi.Token{}.Matches(""), "the zero Token accepts nothing")
}
