package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/httpapi"
)

func TestPageCursor(t *testing.T) {
	mux := http.NewServeMux()
	mux.Handle("GET /flights/{flight}/queue", httpapi.PageCursor("from", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		from, err := httpapi.QueryInt(r, "from", 1)
		if err != nil {
			httpapi.WriteError(w, r, nil, err)
			return
		}
		httpapi.WriteJSON(w, http.StatusOK, map[string]any{"flight": r.PathValue("flight"), "from": from,
			"cursor": r.URL.Query().Get("cursor"), "limit": r.URL.Query().Get("limit")})
	})))
	get := func(query string) (int, map[string]any) {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/flights/SU-100/queue"+query, nil))
		var body map[string]any
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &body), rec.Body.String())
		return rec.Code, body
	}
	for query, want := range map[string]float64{
		"":                         1,
		"?cursor=21":               21, // the one name
		"?from=21":                 21, // its deprecated alias, as before
		"?cursor=21&from=21":       21, // both, agreeing
		"?cursor=&from=21":         21, // an empty cursor is no cursor
		"?cursor=21&limit=5":       21,
		"?limit=5&cursor=21&x=%20": 21,
	} {
		code, body := get(query)
		require.Equal(t, http.StatusOK, code, query)
		require.Equal(t, want, body["from"], query)
		require.Equal(t, "SU-100", body["flight"], "path values survive: %s", query)
		require.Empty(t, body["cursor"], "the handler reads its old name only: %s", query)
	}
	_, body := get("?cursor=21&limit=5")
	require.Equal(t, "5", body["limit"], "other parameters are kept")

	code, body := get("?cursor=21&from=41")
	require.Equal(t, http.StatusBadRequest, code)
	require.Equal(t, "cursor", body["field"])
	require.Equal(t, "21", body["value"])
	code, body = get("?cursor=abc")
	require.Equal(t, http.StatusBadRequest, code, "the handler's own checks still apply")
	require.Equal(t, "cursor", body["field"], "named as the client sent it")
	require.Equal(t, "abc", body["value"])
	require.Contains(t, body["error"], `cursor "abc"`)
	code, body = get("?from=abc")
	require.Equal(t, http.StatusBadRequest, code)
	require.Equal(t, "from", body["field"], "the alias's errors name the alias")
}

// A paged route keeps reading its older parameter name; PageCursor lets
// clients send the cursor under the one name every route takes.
func ExamplePageCursor() {
	list := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Println("after =", r.URL.Query().Get("after"))
	})
	h := httpapi.PageCursor("after", list)
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/api/partner/partners?cursor=ptn_2&limit=10", nil))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/api/partner/partners?after=ptn_2", nil))
	// Output:
	// after = ptn_2
	// after = ptn_2
}
