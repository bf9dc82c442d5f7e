package partnerhttp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/httpapi"
	"github.com/bookingkit/bookingkit/partner"
	"github.com/bookingkit/bookingkit/partner/partnerhttp"
	"github.com/bookingkit/bookingkit/storage/memory"
)

func newEngine(t *testing.T, opts partnerhttp.Options) (*http.ServeMux, partner.User) {
	t.Helper()
	ctx := context.Background()
	store := memory.New().Stores().Partner
	svc := &partner.Service{Store: store}
	root := partner.User{ID: "usr_root", Role: partner.RoleAdministrator, Name: "Root", Email: "root@vendor.example", CreatedAt: time.Now().UTC()}
	require.NoError(t, store.CreateUser(ctx, root, partner.AuditRecord{ID: "aud_0", At: root.CreatedAt, ActorID: "bootstrap", Object: partner.ObjectUser, ObjectID: root.ID, Action: "create"}))
	h, err := partnerhttp.NewHandler(svc, engineSignIn{svc}, opts)
	require.NoError(t, err)
	mux := http.NewServeMux()
	httpapi.Mount(mux, httpapi.WithPrefix("/p", append(h.Routes(), h.EngineRoutes()...)))
	return mux, root
}

// Without Options.Invitations the engine invites its users itself: a new
// user is answered as not invited, and there is no invitation route.
func TestHandlerWithoutInvitations(t *testing.T) {
	mux, root := newEngine(t, partnerhttp.Options{})
	req := httptest.NewRequest("POST", "/p/api/partner/users", bytes.NewReader([]byte(`{"role":"administrator","name":"Eve","email":"eve@vendor.example"}`)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Engine-User", root.ID)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	var out map[string]any
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &out))
	require.Equal(t, false, out["invitation_sent"])
	require.NotContains(t, out, "invitation_error")

	req = httptest.NewRequest("POST", "/p/api/partner/users/"+out["id"].(string)+"/invitation", nil)
	req.Header.Set("X-Engine-User", root.ID)
	rec = httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	require.Equal(t, http.StatusNotFound, rec.Code)
}

// The reports page answers 401 to nobody signed in when the engine gives
// no PageUsers, and draws the reports for whoever is.
func TestHandlerReportsPage(t *testing.T) {
	mux, root := newEngine(t, partnerhttp.Options{})
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", "/p/partner/reports", nil))
	require.Equal(t, http.StatusUnauthorized, rec.Code)

	req := httptest.NewRequest("GET", "/p/partner/reports", nil)
	req.Header.Set("X-Engine-User", root.ID)
	rec = httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.Contains(t, rec.Body.String(), "Root")
}

func TestNewHandlerNeedsServiceAndUsers(t *testing.T) {
	_, err := partnerhttp.NewHandler(nil, nil, partnerhttp.Options{})
	require.Error(t, err)
	_, err = partnerhttp.NewSessions(nil, partnerhttp.SessionsOptions{})
	require.Error(t, err)
}
