package main

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/partner"
)

// The server's partner.webhook_url is the catch-all webhook endpoint: the
// outbox's worker posts every partner's events there, signed with the
// Standard Webhooks headers and the former ones.
func TestPartnerWebhookURLIsTheCatchAll(t *testing.T) {
	const secret = "a-webhook-secret-of-the-operator"
	got := make(chan *http.Request, 10)
	bodies := make(chan []byte, 10)
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- r
		bodies <- b
	}))
	defer recv.Close()
	dir := t.TempDir()
	dsn := filepath.Join(dir, "bookingkit.db")
	cfg := filepath.Join(dir, "bookingkit.json")
	require.NoError(t, os.WriteFile(cfg, []byte(`{"partner": {"webhook_url": "`+recv.URL+`/all"}}`), 0o600))
	adminToken := partnerBootstrap(t, dsn, "root@vendor.example", "Root Admin")
	ts := startServer(t, map[string]string{"BOOKINGKIT_ENGINE_TOKEN": partnerTestEngineToken, "BOOKINGKIT_PARTNER_WEBHOOK_SECRET": secret},
		"-db", dsn, "-config", cfg)
	anon := &partnerClient{t: t, base: ts.URL}
	var sess partnerSessionJSON
	anon.do("POST", "/api/partner/password", map[string]string{"token": adminToken, "password": "correct horse battery staple"}, http.StatusOK, &sess)
	admin := anon.as(sess.SessionToken)

	var pa partnerPartnerJSON
	admin.do("POST", "/api/partner/partners", map[string]string{"name": "Iberia Resellers"}, http.StatusCreated, &pa)
	var company partnerCompanyJSON
	admin.do("POST", "/api/partner/companies", map[string]string{"partner_id": pa.ID, "name": "Acme Logistics"}, http.StatusCreated, &company)
	admin.do("POST", "/api/partner/threads/"+company.ID+"/messages", map[string]string{"body": "Welcome aboard."}, http.StatusCreated, nil)

	select {
	case r := <-got:
		body := <-bodies
		require.Equal(t, "/all", r.URL.Path)
		key := "whsec_" + base64.StdEncoding.EncodeToString([]byte(secret))
		require.NoError(t, partner.VerifyStandardWebhook(key, r.Header, body, time.Now(), time.Minute))
		require.NoError(t, partner.VerifyWebhookSignature([]byte(secret), r.Header.Get(partner.WebhookTimestampHeader), r.Header.Get(partner.WebhookSignatureHeader), body, time.Now(), time.Minute))
		var ev partner.WebhookBody
		require.NoError(t, json.Unmarshal(body, &ev))
		require.Equal(t, partner.WebhookSupportMessagePosted, ev.Type)
		require.Equal(t, pa.ID, ev.PartnerID)
		require.Equal(t, company.ID, ev.ObjectID)
	case <-time.After(15 * time.Second):
		t.Fatal("the catch-all got nothing")
	}

	// Administrators see the catch-all and its delivery log.
	var log struct {
		Deliveries []struct {
			State     string `json:"state"`
			EventType string `json:"event_type"`
		} `json:"deliveries"`
	}
	require.Eventually(t, func() bool {
		admin.do("GET", "/api/partner/webhooks/"+partner.CatchAllEndpointID+"/deliveries", nil, http.StatusOK, &log)
		return len(log.Deliveries) == 1 && log.Deliveries[0].State == "delivered"
	}, 10*time.Second, 20*time.Millisecond)
}
