package httpapi_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/httpapi"
)

func TestLogRequestsRedactsSecretPaths(t *testing.T) {
	var log strings.Builder
	logger := slog.New(slog.NewTextHandler(&log, nil))
	h := httpapi.WithRequestID(httpapi.LogRequests(logger, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTeapot)
		io.WriteString(w, "12345")
	}), "/api/mogu/c/", "/claim/"))
	for i, path := range []string{"/api/mogu/c/ABCDEFGH234567", "/API/MOGU/C/ABCDEFGH234567", "/claim/SECRET99", "/api/mogu/c/", "/api/mogu/trips"} {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("X-Request-ID", "id-"+strconv.Itoa(i))
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
	lines := strings.Split(strings.TrimSpace(log.String()), "\n")
	require.Len(t, lines, 5)
	require.Contains(t, lines[0], "path=/api/mogu/c/[redacted]")
	require.Contains(t, lines[1], "path=/API/MOGU/C/[redacted]")
	require.Contains(t, lines[2], "path=/claim/[redacted]")
	require.Contains(t, lines[3], "path=/api/mogu/c/ ", "nothing to hide after the prefix")
	require.Contains(t, lines[4], "path=/api/mogu/trips ")
	require.Contains(t, lines[4], "request_id=id-4 method=GET path=/api/mogu/trips status=418 bytes=5 ")
	require.NotContains(t, log.String(), "ABCDEFGH234567")
	require.NotContains(t, log.String(), "SECRET99")
}

func TestRecoverAnswers500(t *testing.T) {
	var log strings.Builder
	logger := slog.New(slog.NewTextHandler(&log, nil))
	h := httpapi.WithRequestID(httpapi.Recover(logger, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("nil map")
	})))
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.Header.Set("X-Request-ID", "p-1")
	h.ServeHTTP(rec, req)
	require.Equal(t, http.StatusInternalServerError, rec.Code)
	require.JSONEq(t, `{"error":"internal error","request_id":"p-1"}`, rec.Body.String())
	require.Contains(t, log.String(), "panic=\"nil map\"")

	abort := httpapi.Recover(logger, http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) }))
	require.PanicsWithValue(t, http.ErrAbortHandler, func() { abort.ServeHTTP(httptest.NewRecorder(), req) })
}

func TestLimitBodiesPerRoute(t *testing.T) {
	mux := http.NewServeMux()
	read := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.ReadAll(r.Body); err != nil {
			httpapi.WriteError(w, r, nil, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	mux.Handle("POST /small", read)
	mux.Handle("POST /upload", read)
	h := httpapi.LimitBodies(mux, 10, map[string]int64{"POST /upload": 100}, mux)

	post := func(path string, n int, declared bool) (int, string) {
		req := httptest.NewRequest(http.MethodPost, path, io.NopCloser(strings.NewReader(strings.Repeat("x", n))))
		if declared {
			req.ContentLength = int64(n)
		} else {
			req.ContentLength = -1
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var body httpapi.ErrorBody
		json.Unmarshal(rec.Body.Bytes(), &body) //nolint:errcheck // empty on success
		return rec.Code, body.Error
	}
	code, _ := post("/small", 10, true)
	require.Equal(t, http.StatusNoContent, code)
	code, msg := post("/small", 11, true)
	require.Equal(t, http.StatusRequestEntityTooLarge, code)
	require.Equal(t, "request body over the limit of 10 bytes: too large", msg)
	code, _ = post("/small", 11, false)
	require.Equal(t, http.StatusRequestEntityTooLarge, code, "an undeclared length is cut at the limit")
	code, _ = post("/upload", 100, true)
	require.Equal(t, http.StatusNoContent, code)
	code, _ = post("/upload", 101, false)
	require.Equal(t, http.StatusRequestEntityTooLarge, code)
}

func TestProtectCrossOrigin(t *testing.T) {
	h := httpapi.ProtectCrossOrigin(nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	}), "https://book.example.com/base", "", "::not a url")
	post := func(header ...string) int {
		req := httptest.NewRequest(http.MethodPost, "http://internal:8080/x", nil)
		for i := 0; i < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	require.Equal(t, http.StatusNoContent, post(), "not a browser: passes")
	require.Equal(t, http.StatusNoContent, post("Sec-Fetch-Site", "same-origin"))
	require.Equal(t, http.StatusForbidden, post("Sec-Fetch-Site", "cross-site"))
	require.Equal(t, http.StatusForbidden, post("Origin", "https://evil.example"))
	require.Equal(t, http.StatusForbidden, post("Origin", "null"))
	require.Equal(t, http.StatusNoContent, post("Origin", "https://book.example.com", "Sec-Fetch-Site", "cross-site"), "a public address is trusted")
}

func TestSessionCookie(t *testing.T) {
	for publicURL, secure := range map[string]bool{"https://partners.example.com": true, "http://localhost:8080": false, "": false} {
		c := httpapi.NewSessionCookie("sid", "/partner", publicURL)
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, "http://behind-proxy/partner/sign-in", nil)
		c.Set(rec, req, "tok")
		set := rec.Result().Cookies()
		require.Len(t, set, 1)
		got := set[0]
		require.Equal(t, "sid", got.Name)
		require.Equal(t, "tok", got.Value)
		require.Equal(t, "/partner", got.Path)
		require.True(t, got.HttpOnly)
		require.Equal(t, http.SameSiteStrictMode, got.SameSite)
		require.Equal(t, secure, got.Secure, publicURL)

		req.AddCookie(got)
		require.Equal(t, "tok", c.Value(req))
		rec = httptest.NewRecorder()
		c.Clear(rec, req)
		require.Equal(t, -1, rec.Result().Cookies()[0].MaxAge)
	}
	tlsReq := httptest.NewRequest(http.MethodGet, "https://direct/", nil)
	rec := httptest.NewRecorder()
	httpapi.NewSessionCookie("sid", "/", "").Set(rec, tlsReq, "tok")
	require.True(t, rec.Result().Cookies()[0].Secure, "a request over TLS gets a Secure cookie")
	require.Empty(t, httpapi.NewSessionCookie("sid", "/", "").Value(httptest.NewRequest(http.MethodGet, "/", nil)))
}
