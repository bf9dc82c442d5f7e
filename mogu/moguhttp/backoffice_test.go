package moguhttp_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/account"
	"github.com/bookingkit/bookingkit/httpapi"
	"github.com/bookingkit/bookingkit/mogu"
	"github.com/bookingkit/bookingkit/mogu/moguhttp"
	"github.com/bookingkit/bookingkit/storage/memory"
	"github.com/bookingkit/bookingkit/throttle"
)

func newTestService(t *testing.T) *mogu.Service {
	t.Helper()
	keys, err := mogu.NewKeyring(mogu.Key{ID: 1, Secret: bytes.Repeat([]byte{7}, 32)})
	require.NoError(t, err)
	svc, err := mogu.NewService(memory.New().Stores().Mogu, keys, throttle.NewMemory(time.Minute, 10), mogu.Config{
		ClaimURLBase:        "https://engine.example/api/mogu/c/",
		ServicesURLTemplate: "https://engine.example/booking/{booking}/services",
		BackOfficeURL:       "https://engine.example/bo/mogu",
	})
	require.NoError(t, err)
	return svc
}

func do(t *testing.T, h http.Handler, method, path, body string, header http.Header) (int, string) {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	b, _ := io.ReadAll(rec.Body)
	return rec.Code, string(b)
}

// The back office's routes are the caller's to authenticate; the operator
// is X-Operator's by default, or the engine's own.
func TestBackOfficeOperators(t *testing.T) {
	svc := newTestService(t)
	bo, err := moguhttp.NewBackOffice(svc, moguhttp.BackOfficeOptions{})
	require.NoError(t, err)
	mux := http.NewServeMux()
	httpapi.Mount(mux, httpapi.WithPrefix("/bo", bo.Routes()))

	path := "/bo/api/backoffice/mogu/microsites/main/activation"
	status, body := do(t, mux, "PUT", path, `{"active":true}`, nil)
	require.Equal(t, http.StatusBadRequest, status, body)
	require.Contains(t, body, "X-Operator")
	status, body = do(t, mux, "PUT", path, `{"active":true}`, http.Header{"X-Operator": {" am "}})
	require.Equal(t, http.StatusOK, status, body)
	require.Contains(t, body, `"by":"am"`)

	// An engine that knows its operators from its own session.
	own, err := moguhttp.NewBackOffice(svc, moguhttp.BackOfficeOptions{Operators: moguhttp.OperatorFunc(func(r *http.Request) (string, error) {
		if c, err := r.Cookie("engine_session"); err == nil && c.Value == "s-42" {
			return "op-42", nil
		}
		return "", fmt.Errorf("sign in to the back office: %w", bookingkit.ErrUnauthorized)
	})})
	require.NoError(t, err)
	mux = http.NewServeMux()
	httpapi.Mount(mux, own.Routes())
	path = "/api/backoffice/mogu/microsites/main/activation"
	status, _ = do(t, mux, "PUT", path, `{"active":false}`, http.Header{"X-Operator": {"am"}})
	require.Equal(t, http.StatusUnauthorized, status, "X-Operator means nothing to this engine")
	status, body = do(t, mux, "PUT", path, `{"active":false}`, http.Header{"Cookie": {"engine_session=s-42"}})
	require.Equal(t, http.StatusOK, status, body)
	require.Contains(t, body, `"by":"op-42"`)
}

// Bookingkit's own sessions: the sign-in routes are Sessions', and the
// claim routes answer 401 without a session.
func TestSessionsGuardTheApp(t *testing.T) {
	svc := newTestService(t)
	q := &queue{}
	accounts, err := mogu.NewAccounts(memory.New().Stores().Accounts, mogu.AccountsConfig{Mailer: mailerFunc(func(string) {}), LinkURL: "mogu://p?token={token}", Queue: q})
	require.NoError(t, err)
	sessions := moguhttp.NewSessions(accounts, nil)
	app, err := moguhttp.NewHandler(svc, sessions, moguhttp.Options{AppClaimURL: "mogu://claim/{token}", AppStoreURL: "https://a.example/", PlayStoreURL: "https://p.example/"})
	require.NoError(t, err)
	mux := http.NewServeMux()
	httpapi.Mount(mux, append(append(sessions.Routes(), app.Routes()...), app.LandingRoutes()...))

	// Every route of Routes needs the signed-in traveller, so an engine
	// may put its own sign-in in front of all of them; the landing page
	// is apart.
	for _, r := range app.Routes() {
		method, path, _ := strings.Cut(r.Pattern, " ")
		path = strings.ReplaceAll(path, "{booking}", "B1")
		status, body := do(t, mux, method, path, `{"token":"x"}`, nil)
		require.Equal(t, http.StatusUnauthorized, status, "%s: %s", r.Pattern, body)
	}
	for _, r := range app.LandingRoutes() {
		_, path, _ := strings.Cut(r.Pattern, " ")
		require.True(t, strings.HasPrefix(strings.ToLower(path), "/api/mogu/c/"), r.Pattern)
	}

	status, _ := do(t, mux, "GET", "/api/mogu/trips", "", nil)
	require.Equal(t, http.StatusUnauthorized, status)
	status, body := do(t, mux, "POST", "/api/mogu/register", `{"email":"Ana@Example.com"}`, nil)
	require.Equal(t, http.StatusAccepted, status)
	require.JSONEq(t, `{"status":"a link to set the password has been sent to ana@example.com"}`, body)
	require.Equal(t, []string{mogu.KindRegister}, q.kinds)
	status, _ = do(t, mux, "GET", "/API/MOGU/C/ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", "", nil)
	require.Equal(t, http.StatusOK, status)
	status, _ = do(t, mux, "GET", "/api/mogu/c/not-a-token", "", nil)
	require.Equal(t, http.StatusNotFound, status)

	_, err = moguhttp.NewHandler(svc, sessions, moguhttp.Options{AppClaimURL: "mogu://claim", AppStoreURL: "x", PlayStoreURL: "y"})
	require.ErrorIs(t, err, bookingkit.ErrInvalid)
}

type queue struct{ kinds []string }

func (q *queue) Enqueue(_ context.Context, kind string, _ any) error {
	q.kinds = append(q.kinds, kind)
	return nil
}

type mailerFunc func(to string)

func (f mailerFunc) Send(_ context.Context, m account.Message) error {
	f(m.To)
	return nil
}
