package partnerhttp_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/httpapi"
	"github.com/bookingkit/bookingkit/outbox"
	"github.com/bookingkit/bookingkit/partner"
	"github.com/bookingkit/bookingkit/partner/partnerhttp"
	"github.com/bookingkit/bookingkit/storage"
	"github.com/bookingkit/bookingkit/storage/memory"
	"github.com/bookingkit/bookingkit/storage/postgres"
	"github.com/bookingkit/bookingkit/storage/sqlite"
	"github.com/bookingkit/bookingkit/storage/storagetest/pgtest"
)

// receiver is a webhook receiver on loopback that refuses (503) while
// refuse is set and keeps every request it accepts, in order.
type receiver struct {
	*httptest.Server
	mu      sync.Mutex
	refuse  bool
	refused int
	got     []receivedHook
}

type receivedHook struct {
	header http.Header
	body   []byte
}

func newReceiver(t *testing.T, refuse bool) *receiver {
	r := &receiver{refuse: refuse}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.refuse {
			r.refused++
			http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
			return
		}
		r.got = append(r.got, receivedHook{header: req.Header.Clone(), body: body})
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) setRefuse(v bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.refuse = v
}

func (r *receiver) snapshot() (refused int, got []receivedHook) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.refused, append([]receivedHook(nil), r.got...)
}

// verifyAsDocumented checks a request's signature the way docs/openapi.json
// tells a receiver to, without package partner: HMAC-SHA256 under the
// base64-decoded secret after "whsec_", of id.timestamp.body, in base64
// after "v1,".
func verifyAsDocumented(t *testing.T, secret string, h receivedHook) {
	t.Helper()
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	require.NoError(t, err)
	m := hmac.New(sha256.New, key)
	m.Write([]byte(h.header.Get("webhook-id") + "." + h.header.Get("webhook-timestamp") + "."))
	m.Write(h.body)
	require.Equal(t, "v1,"+base64.StdEncoding.EncodeToString(m.Sum(nil)), h.header.Get("webhook-signature"))
	ts, err := strconv.ParseInt(h.header.Get("webhook-timestamp"), 10, 64)
	require.NoError(t, err)
	require.WithinDuration(t, time.Now(), time.Unix(ts, 0), time.Minute)
	require.NoError(t, partner.VerifyStandardWebhook(secret, h.header, h.body, time.Now(), 5*time.Minute))
	bad := bytes.Clone(h.body)
	bad[len(bad)-2] ^= 1
	require.Error(t, partner.VerifyStandardWebhook(secret, h.header, bad, time.Now(), 5*time.Minute), "a changed body fails")
}

// The test: a receiver that refuses for a while gets every event
// once it answers, in order per object, each verifiable with the
// documented signature; the redelivery call resends one; the catch-all
// (partner.webhook_url) gets every partner's events, with the former
// headers too. On each storage adapter.
func TestWebhooksReachARecoveringReceiverInOrder(t *testing.T) {
	t.Run("memory", func(t *testing.T) { testWebhooks(t, memory.New().Stores()) })
	t.Run("sqlite", func(t *testing.T) {
		db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "bk.db"))
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		testWebhooks(t, db.Stores())
	})
	t.Run("postgres", func(t *testing.T) {
		db, err := postgres.Open(context.Background(), pgtest.URL(t))
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		testWebhooks(t, db.Stores())
	})
}

func testWebhooks(t *testing.T, stores storage.Stores) {
	ctx := context.Background()
	quiet := slog.New(slog.DiscardHandler)
	ob := outbox.New(stores.Outbox, outbox.Config{RetryFirst: 10 * time.Millisecond, RetryMax: 80 * time.Millisecond, Poll: 10 * time.Millisecond, Logger: quiet})
	all := newReceiver(t, false)
	const legacySecret = "the-former-global-secret"
	hooks, err := partner.NewWebhooks(ctx, partner.WebhooksConfig{Store: stores.Partner, Queue: ob, CatchAllURL: all.URL,
		CatchAllSecret: legacySecret, AllowHTTP: true, Logger: quiet})
	require.NoError(t, err)
	svc := &partner.Service{Store: stores.Partner, Webhooks: hooks, Logger: quiet}
	root := partner.User{ID: "usr_root", Role: partner.RoleAdministrator, Name: "Root", Email: "root@vendor.example", CreatedAt: time.Now().UTC().Truncate(time.Microsecond)}
	require.NoError(t, stores.Partner.CreateUser(ctx, root, partner.AuditRecord{ID: "aud_0", At: root.CreatedAt, ActorID: "bootstrap", Object: partner.ObjectUser, ObjectID: root.ID, Action: "create"}))
	admin := root.Actor()
	pa, err := svc.CreatePartner(ctx, admin, partner.NewPartner{Name: "Partner A"})
	require.NoError(t, err)
	pb, err := svc.CreatePartner(ctx, admin, partner.NewPartner{Name: "Partner B"})
	require.NoError(t, err)
	aliceU, err := svc.CreateUser(ctx, admin, partner.NewUser{PartnerID: pa.ID, Role: partner.RolePartnerUser, Name: "Alice", Email: "alice@a.example"})
	require.NoError(t, err)
	bobU, err := svc.CreateUser(ctx, admin, partner.NewUser{PartnerID: pb.ID, Role: partner.RolePartnerUser, Name: "Bob", Email: "bob@b.example"})
	require.NoError(t, err)
	alice, bob := aliceU.Actor(), bobU.Actor()
	companyA, err := svc.CreateCompany(ctx, alice, partner.NewCompany{Name: "Acme Logistics"})
	require.NoError(t, err)
	companyB, err := svc.CreateCompany(ctx, bob, partner.NewCompany{Name: "Bravo Foods"})
	require.NoError(t, err)

	h, err := partnerhttp.NewHandler(svc, engineSignIn{svc}, partnerhttp.Options{Logger: quiet})
	require.NoError(t, err)
	mux := http.NewServeMux()
	httpapi.Mount(mux, httpapi.WithPrefix("/p", h.Routes()))
	call := func(method, path, user string, body any, want int) map[string]any {
		t.Helper()
		var rd io.Reader
		if body != nil {
			b, err := json.Marshal(body)
			require.NoError(t, err)
			rd = bytes.NewReader(b)
		}
		req := httptest.NewRequest(method, "/p"+path, rd)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Engine-User", user)
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		require.Equal(t, want, rec.Code, "%s %s: %s", method, path, rec.Body.String())
		out := map[string]any{}
		if rec.Body.Len() > 0 {
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &out))
		}
		return out
	}

	// Alice registers her system; the secret is shown this once.
	recv := newReceiver(t, true)
	created := call("POST", "/api/partner/webhooks", alice.UserID, map[string]string{"url": recv.URL + "/hooks", "description": "ERP"}, http.StatusCreated)
	endpoint, secret := created["id"].(string), created["secret"].(string)
	require.True(t, strings.HasPrefix(secret, "whsec_"), secret)
	require.NotContains(t, call("GET", "/api/partner/webhooks/"+endpoint, alice.UserID, nil, http.StatusOK), "secret")
	call("GET", "/api/partner/webhooks/"+endpoint, bob.UserID, nil, http.StatusNotFound)
	call("POST", "/api/partner/webhooks", alice.UserID, map[string]string{"url": "ftp://example.com"}, http.StatusBadRequest)
	list := call("GET", "/api/partner/webhooks", alice.UserID, nil, http.StatusOK)
	require.Len(t, list["endpoints"], 1)

	stop := ob.Start(5 * time.Second)
	defer stop()

	// The changes partners follow, while the receiver refuses.
	in := partner.NewInstance{CompanyID: companyA.ID, Type: "WDS", Profile: "professional",
		CompanyData: map[string]string{"legal_name": "Acme Logistics S.L.", "tax_id": "B-12345678", "contact_email": "it@acme.example", "country": "ES"},
		Config:      map[string]string{"max_terminals": "25", "time_zone": "Europe/Madrid"}, ExpiresAt: time.Now().AddDate(1, 0, 0)}
	inst, err := svc.CreateInstance(ctx, alice, in)
	require.NoError(t, err)
	inst, err = svc.Provision(ctx, alice, inst.ID)
	require.NoError(t, err)
	inst, err = svc.Generate(ctx, alice, inst.ID, inst.Contract.SHA256)
	require.NoError(t, err)
	lics, err := svc.AddLicences(ctx, alice, inst.ID, []partner.NewLicence{{UserName: "Ana", Login: "ana"}, {UserName: "Ben", Login: "ben"}})
	require.NoError(t, err)
	_, err = svc.RequestLicenceDeactivation(ctx, alice, lics[0].ID, "left the company")
	require.NoError(t, err)
	_, err = svc.PostMessage(ctx, alice, companyA.ID, "Please approve the deactivation.")
	require.NoError(t, err)
	_, err = svc.ApproveLicenceDeactivation(ctx, admin, lics[0].ID, "ok")
	require.NoError(t, err)
	_, err = svc.RequestDeactivation(ctx, alice, inst.ID, "contract ends")
	require.NoError(t, err)
	_, err = svc.RejectDeactivation(ctx, admin, inst.ID, "not yet")
	require.NoError(t, err)
	_, err = svc.PostMessage(ctx, admin, companyA.ID, "Done.")
	require.NoError(t, err)
	_, err = svc.PostMessage(ctx, bob, companyB.ID, "Partner B's message: only the catch-all gets it.")
	require.NoError(t, err)
	want := map[string][]string{
		inst.ID: {partner.WebhookInstanceStateChanged, partner.WebhookInstanceStateChanged,
			partner.WebhookInstanceDeactivationRequested, partner.WebhookInstanceDeactivationRejected},
		lics[0].ID:  {partner.WebhookLicenceDeactivationRequested, partner.WebhookLicenceDeactivationApproved},
		companyA.ID: {partner.WebhookSupportMessagePosted, partner.WebhookSupportMessagePosted},
	}
	const events = 8

	// It refuses for a while: every delivery is tried and refused.
	require.Eventually(t, func() bool { refused, _ := recv.snapshot(); return refused >= 10 }, 10*time.Second, 5*time.Millisecond)
	recv.setRefuse(false)

	// Once it answers, it gets every event.
	require.Eventually(t, func() bool {
		page := call("GET", "/api/partner/webhooks/"+endpoint+"/deliveries", alice.UserID, nil, http.StatusOK)
		ds := page["deliveries"].([]any)
		for _, d := range ds {
			if d.(map[string]any)["state"] != "delivered" {
				return false
			}
		}
		return len(ds) == events
	}, 20*time.Second, 20*time.Millisecond)
	_, got := recv.snapshot()
	seen := map[string]bool{}
	order := map[string][]string{}
	for _, hk := range got {
		verifyAsDocumented(t, secret, hk)
		var body partner.WebhookBody
		require.NoError(t, json.Unmarshal(hk.body, &body))
		require.Equal(t, hk.header.Get("webhook-id"), body.ID)
		require.Equal(t, pa.ID, body.PartnerID, "only partner A's events")
		if seen[body.ID] {
			continue // at least once: a repeat is dropped by its webhook-id
		}
		seen[body.ID] = true
		order[body.ObjectID] = append(order[body.ObjectID], body.Type)
	}
	require.Equal(t, want, order, "every event, in order per object")
	require.Len(t, seen, events)

	// The delivery log shows the refusals and the success.
	page := call("GET", "/api/partner/webhooks/"+endpoint+"/deliveries?limit=3", alice.UserID, nil, http.StatusOK)
	require.Len(t, page["deliveries"], 3)
	require.NotEmpty(t, page["next"])
	page2 := call("GET", "/api/partner/webhooks/"+endpoint+"/deliveries?limit=50&cursor="+page["next"].(string), alice.UserID, nil, http.StatusOK)
	require.Len(t, page2["deliveries"], events-3)
	oldest := page2["deliveries"].([]any)[events-4].(map[string]any)
	require.Equal(t, partner.WebhookInstanceStateChanged, oldest["event_type"])
	one := call("GET", "/api/partner/webhooks/"+endpoint+"/deliveries/"+oldest["id"].(string), alice.UserID, nil, http.StatusOK)
	log := one["attempt_log"].([]any)
	require.GreaterOrEqual(t, len(log), 2, "refused, then delivered")
	require.EqualValues(t, 204, log[0].(map[string]any)["status_code"], "the newest attempt succeeded")
	require.EqualValues(t, 503, log[len(log)-1].(map[string]any)["status_code"], "the first was refused")
	require.EqualValues(t, len(log), one["attempts"])
	call("GET", "/api/partner/webhooks/"+endpoint+"/deliveries/"+oldest["id"].(string), bob.UserID, nil, http.StatusNotFound)

	// Redelivery on request resends that one event, same webhook-id.
	re := call("POST", "/api/partner/webhooks/"+endpoint+"/deliveries/"+oldest["id"].(string)+"/redeliver", alice.UserID, nil, http.StatusAccepted)
	require.Equal(t, oldest["event_id"], re["event_id"])
	require.NotEqual(t, oldest["id"], re["id"])
	require.Eventually(t, func() bool { _, g := recv.snapshot(); return len(g) > len(got) }, 10*time.Second, 5*time.Millisecond)
	require.Eventually(t, func() bool {
		return call("GET", "/api/partner/webhooks/"+endpoint+"/deliveries/"+re["id"].(string), alice.UserID, nil, http.StatusOK)["state"] == "delivered"
	}, 10*time.Second, 5*time.Millisecond)
	_, again := recv.snapshot()
	require.Len(t, again, len(got)+1, "one event resent")
	last := again[len(again)-1]
	require.Equal(t, oldest["event_id"], last.header.Get("webhook-id"))
	verifyAsDocumented(t, secret, last)

	// The catch-all got every partner's events, also under the former
	// headers and secret.
	require.Eventually(t, func() bool { _, g := all.snapshot(); return len(g) >= events+1 }, 10*time.Second, 5*time.Millisecond)
	_, caught := all.snapshot()
	partners := map[string]int{}
	for _, hk := range caught {
		verifyAsDocumented(t, "whsec_"+base64.StdEncoding.EncodeToString([]byte(legacySecret)), hk)
		require.NoError(t, partner.VerifyWebhookSignature([]byte(legacySecret), hk.header.Get(partner.WebhookTimestampHeader),
			hk.header.Get(partner.WebhookSignatureHeader), hk.body, time.Now(), time.Minute))
		var body partner.WebhookBody
		require.NoError(t, json.Unmarshal(hk.body, &body))
		partners[body.PartnerID]++
	}
	require.Equal(t, map[string]int{pa.ID: events, pb.ID: 1}, partners)

	// Deleting the endpoint takes its log; the catch-all is not deleted
	// through the API.
	call("DELETE", "/api/partner/webhooks/"+endpoint, alice.UserID, nil, http.StatusNoContent)
	call("GET", "/api/partner/webhooks/"+endpoint+"/deliveries", alice.UserID, nil, http.StatusNotFound)
	call("DELETE", "/api/partner/webhooks/"+partner.CatchAllEndpointID, root.ID, nil, http.StatusConflict)
	call("GET", "/api/partner/webhooks/"+partner.CatchAllEndpointID, alice.UserID, nil, http.StatusNotFound)
}
