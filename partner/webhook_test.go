package partner_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/partner"
	"github.com/bookingkit/bookingkit/storage/memory"
)

// queue keeps what the webhooks enqueue, for the tests to deliver.
type queue struct {
	mu   sync.Mutex
	msgs []json.RawMessage
}

func (q *queue) Enqueue(_ context.Context, kind string, payload any) error {
	if kind != partner.KindWebhook {
		return fmt.Errorf("unexpected kind %s", kind)
	}
	raw, err := json.Marshal(payload)
	q.mu.Lock()
	defer q.mu.Unlock()
	q.msgs = append(q.msgs, raw)
	return err
}

func (q *queue) take() []json.RawMessage {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := q.msgs
	q.msgs = nil
	return out
}

// hookedWorld is a world whose service records webhook events for one
// endpoint of partner A.
func hookedWorld(t *testing.T, url string) (*world, *partner.Webhooks, *queue, partner.WebhookEndpoint) {
	t.Helper()
	w := newWorld(t)
	q := &queue{}
	hooks, err := partner.NewWebhooks(w.ctx, partner.WebhooksConfig{Store: w.store, Queue: q, AllowHTTP: true, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	hooks.Now = w.clock.Now
	w.svc.Webhooks = hooks
	e, err := w.svc.CreateWebhookEndpoint(w.ctx, w.alice, partner.NewWebhookEndpoint{URL: url})
	require.NoError(t, err)
	return w, hooks, q, e
}

func eventsOf(t *testing.T, w *world, endpointID string) []partner.WebhookBody {
	t.Helper()
	ds, err := w.store.ListWebhookDeliveries(w.ctx, partner.WebhookDeliveryQuery{EndpointID: endpointID, Limit: 100})
	require.NoError(t, err)
	var out []partner.WebhookBody
	for i := len(ds) - 1; i >= 0; i-- {
		ev, err := w.store.GetWebhookEvent(w.ctx, ds[i].EventID)
		require.NoError(t, err)
		body, err := ev.Body()
		require.NoError(t, err)
		var b partner.WebhookBody
		require.NoError(t, json.Unmarshal(body, &b))
		out = append(out, b)
	}
	return out
}

// Every change partners follow is an event, and only those: an edit or
// a session clear that leaves the status alone is none.
func TestWebhookEventsOfChanges(t *testing.T) {
	w, _, q, e := hookedWorld(t, "https://erp.example/hooks")
	inst := w.active(t, w.alice, w.companyA)              // provision, generate
	_, err := w.svc.ClearSession(w.ctx, w.alice, inst.ID) // none
	require.NoError(t, err)
	lics := w.licences(t, w.alice, inst, "ana") // none
	_, err = w.svc.RequestLicenceDeactivation(w.ctx, w.alice, lics[0].ID, "left")
	require.NoError(t, err)
	_, err = w.svc.WithdrawLicenceDeactivation(w.ctx, w.alice, lics[0].ID, "came back")
	require.NoError(t, err)
	w.clock.Advance(400 * 24 * time.Hour) // the instance expires
	_, err = w.svc.ExtendExpiry(w.ctx, w.admin, inst.ID, w.clock.Now().AddDate(1, 0, 0), "renewed")
	require.NoError(t, err)
	_, err = w.svc.RequestDeactivation(w.ctx, w.alice, inst.ID, "closing")
	require.NoError(t, err)
	_, err = w.svc.ApproveDeactivation(w.ctx, w.admin, inst.ID, "ok")
	require.NoError(t, err)
	_, err = w.svc.PostMessage(w.ctx, w.admin, w.companyA.ID, "Your   instance\nis closed.")
	require.NoError(t, err)
	_, err = w.svc.PostMessage(w.ctx, w.bob, w.companyB.ID, "Partner B's: not for partner A's endpoint.")
	require.NoError(t, err)

	got := eventsOf(t, w, e.ID)
	type row struct{ typ, object, from, to string }
	var rows []row
	for _, b := range got {
		var d partner.WebhookStateData
		require.NoError(t, json.Unmarshal(b.Data, &d))
		rows = append(rows, row{b.Type, b.Object, string(d.From), string(d.To)})
		require.Equal(t, w.partnerA.ID, b.PartnerID)
	}
	require.Equal(t, []row{
		{partner.WebhookInstanceStateChanged, "instance", "draft", "provisioned"},
		{partner.WebhookInstanceStateChanged, "instance", "provisioned", "active"},
		{partner.WebhookLicenceDeactivationRequested, "licence", "active", "deactivation_requested"},
		{partner.WebhookLicenceDeactivationWithdrawn, "licence", "deactivation_requested", "active"},
		{partner.WebhookInstanceStateChanged, "instance", "expired", "active"},
		{partner.WebhookInstanceDeactivationRequested, "instance", "active", "deactivation_requested"},
		{partner.WebhookInstanceDeactivationApproved, "instance", "deactivation_requested", "deactivated"},
		{partner.WebhookSupportMessagePosted, "company", "", "partner"}, // data.to: the side told
	}, rows)
	var approved partner.WebhookStateData
	require.NoError(t, json.Unmarshal(got[6].Data, &approved))
	require.True(t, approved.LicencesDeactivated)
	require.Equal(t, w.admin.UserID, approved.ActorID)
	require.Equal(t, "ok", approved.Reason)
	var msg partner.WebhookMessageData
	require.NoError(t, json.Unmarshal(got[7].Data, &msg))
	require.Equal(t, partner.WebhookMessageData{To: partner.SidePartner, CompanyID: w.companyA.ID, CompanyName: w.companyA.Name,
		MessageID: msg.MessageID, Direction: partner.FromSupport, At: msg.At, Preview: "Your instance is closed."}, msg)
	require.Len(t, q.take(), len(got), "one outbox message per delivery")
}

// Partners manage only their own endpoints; administrators name one.
func TestWebhookEndpointRules(t *testing.T) {
	w, hooks, _, e := hookedWorld(t, "https://erp.example/hooks")
	ctx := w.ctx
	require.True(t, len(e.Secret) > len("whsec_")+30, e.Secret)

	_, err := w.svc.CreateWebhookEndpoint(ctx, w.alice, partner.NewWebhookEndpoint{PartnerID: w.partnerB.ID, URL: "https://x.example"})
	require.ErrorIs(t, err, bookingkit.ErrNotFound, "another partner's")
	_, err = w.svc.CreateWebhookEndpoint(ctx, w.admin, partner.NewWebhookEndpoint{URL: "https://x.example"})
	require.ErrorIs(t, err, bookingkit.ErrInvalid, "an administrator names the partner")
	for _, bad := range []string{"", "x.example/hook", "ftp://x.example", "https://user:pw@x.example", "https://x.example/#f"} {
		_, err = w.svc.CreateWebhookEndpoint(ctx, w.alice, partner.NewWebhookEndpoint{URL: bad})
		require.ErrorIs(t, err, bookingkit.ErrInvalid, bad)
	}
	hooks.AllowHTTP = false
	_, err = w.svc.CreateWebhookEndpoint(ctx, w.alice, partner.NewWebhookEndpoint{URL: "http://x.example"})
	require.ErrorIs(t, err, bookingkit.ErrInvalid, "https only")

	_, err = w.svc.WebhookEndpoint(ctx, w.bob, e.ID)
	require.ErrorIs(t, err, bookingkit.ErrNotFound)
	require.ErrorIs(t, w.svc.DeleteWebhookEndpoint(ctx, w.bob, e.ID), bookingkit.ErrNotFound)
	got, err := w.svc.WebhookEndpoint(ctx, w.admin, e.ID)
	require.NoError(t, err)
	require.Empty(t, got.Secret, "shown once")
	list, err := w.svc.WebhookEndpoints(ctx, w.admin, w.partnerA.ID)
	require.NoError(t, err)
	require.Len(t, list, 1)
	require.Empty(t, list[0].Secret)

	for i := 1; i < partner.MaxWebhookEndpoints; i++ {
		_, err = w.svc.CreateWebhookEndpoint(ctx, w.admin, partner.NewWebhookEndpoint{PartnerID: w.partnerA.ID, URL: "https://x.example/" + strconv.Itoa(i)})
		require.NoError(t, err)
	}
	_, err = w.svc.CreateWebhookEndpoint(ctx, w.alice, partner.NewWebhookEndpoint{URL: "https://x.example/one-more"})
	require.ErrorIs(t, err, bookingkit.ErrConflict)

	require.NoError(t, w.svc.DeleteWebhookEndpoint(ctx, w.alice, e.ID))
	audit, err := w.svc.AuditLog(ctx, w.alice, partner.AuditQuery{ObjectID: e.ID})
	require.NoError(t, err)
	require.Len(t, audit, 2, "created and deleted")
}

// A delivery waits while an earlier one about the same object is
// pending, and is sent once that one is given up.
func TestWebhookDeliveryWaitsForTheEarlierOneAndGivesUp(t *testing.T) {
	var mu sync.Mutex
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var body partner.WebhookBody
		_ = json.Unmarshal(b, &body)
		mu.Lock()
		got = append(got, body.Type)
		mu.Unlock()
	}))
	defer srv.Close()
	w, hooks, q, e := hookedWorld(t, srv.URL)
	inst := w.draft(t, w.alice, w.companyA)
	_, err := w.svc.Provision(w.ctx, w.alice, inst.ID)
	require.NoError(t, err)
	w.clock.Advance(47 * time.Hour)
	_, err = w.svc.Cancel(w.ctx, w.alice, inst.ID, "no")
	require.NoError(t, err)
	msgs := q.take()
	require.Len(t, msgs, 2)

	// The second is tried first (a retry overtook it): it waits.
	err = hooks.Deliver(w.ctx, msgs[1])
	require.ErrorContains(t, err, "waits for delivery")
	require.Empty(t, got)

	// Two days on, the first is given up; the second goes.
	w.clock.Advance(time.Hour)
	require.NoError(t, hooks.Deliver(w.ctx, msgs[1]))
	require.Equal(t, []string{partner.WebhookInstanceStateChanged}, got)
	page, err := w.svc.WebhookDeliveries(w.ctx, w.alice, partner.WebhookDeliveryQuery{EndpointID: e.ID})
	require.NoError(t, err)
	require.Len(t, page.Deliveries, 2)
	require.Equal(t, partner.WebhookDelivered, page.Deliveries[0].State)
	require.Equal(t, 200, page.Deliveries[0].LastStatus)
	require.Equal(t, partner.WebhookFailed, page.Deliveries[1].State)
	require.Contains(t, page.Deliveries[1].LastError, "given up")
	require.NoError(t, hooks.Deliver(w.ctx, msgs[0]), "a failed delivery is not sent")
	require.Len(t, got, 1)

	// A message that cannot be read is permanent; one whose endpoint is
	// gone is done.
	var perm interface{ Unwrap() error }
	require.ErrorAs(t, hooks.Deliver(w.ctx, json.RawMessage(`{"nope"`)), &perm)
	require.NoError(t, w.svc.DeleteWebhookEndpoint(w.ctx, w.alice, e.ID))
	require.NoError(t, hooks.Deliver(w.ctx, msgs[1]))
}

// The catch-all is made, replaced and removed from the configuration.
func TestWebhookCatchAllFollowsTheConfiguration(t *testing.T) {
	ctx := context.Background()
	store := memory.New().Stores().Partner
	_, err := partner.NewWebhooks(ctx, partner.WebhooksConfig{Store: store, Queue: &queue{}, CatchAllURL: "https://all.example", CatchAllSecret: "short"})
	require.ErrorContains(t, err, "BOOKINGKIT_PARTNER_WEBHOOK_SECRET")
	_, err = partner.NewWebhooks(ctx, partner.WebhooksConfig{Store: store, Queue: &queue{}, CatchAllURL: "https://all.example", CatchAllSecret: "0123456789abcdef"})
	require.NoError(t, err)
	e, err := store.GetWebhookEndpoint(ctx, partner.CatchAllEndpointID)
	require.NoError(t, err)
	require.Equal(t, "https://all.example", e.URL)
	require.Equal(t, "whsec_MDEyMzQ1Njc4OWFiY2RlZg==", e.Secret)
	_, err = partner.NewWebhooks(ctx, partner.WebhooksConfig{Store: store, Queue: &queue{}})
	require.NoError(t, err)
	_, err = store.GetWebhookEndpoint(ctx, partner.CatchAllEndpointID)
	require.ErrorIs(t, err, bookingkit.ErrNotFound)
}

// A receiver checks a webhook with the endpoint's secret, the three
// Standard Webhooks headers and the raw body.
func ExampleVerifyStandardWebhook() {
	secret := "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" // as answered by POST /api/partner/webhooks
	body := []byte(`{"id":"evt_1","type":"instance.state_changed"}`)
	sent := time.Unix(1_800_000_000, 0)
	sig, _ := partner.SignStandardWebhook(secret, "evt_1", sent.Unix(), body)

	h := http.Header{}
	h.Set("webhook-id", "evt_1")
	h.Set("webhook-timestamp", strconv.FormatInt(sent.Unix(), 10))
	h.Set("webhook-signature", sig)
	fmt.Println(partner.VerifyStandardWebhook(secret, h, body, sent.Add(time.Minute), 5*time.Minute))
	fmt.Println(partner.VerifyStandardWebhook(secret, h, []byte(`{}`), sent.Add(time.Minute), 5*time.Minute) != nil)
	fmt.Println(partner.VerifyStandardWebhook(secret, h, body, sent.Add(time.Hour), 5*time.Minute) != nil)
	// Output:
	// <nil>
	// true
	// true
}

// An endpoint that gives no answer is left alone for a while: its other
// deliveries wait without a request, so a dead endpoint does not hold the
// outbox's worker for a timeout each.
func TestWebhookEndpointWithoutAnswerIsPaused(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	url := srv.URL
	srv.Close() // connections are refused from now on
	w, hooks, q, e := hookedWorld(t, url)
	w.active(t, w.alice, w.companyA)
	w.active(t, w.alice, w.companyA)
	msgs := q.take()
	require.Len(t, msgs, 4)
	attempts := func() int {
		page, err := w.svc.WebhookDeliveries(w.ctx, w.alice, partner.WebhookDeliveryQuery{EndpointID: e.ID})
		require.NoError(t, err)
		n := 0
		for _, d := range page.Deliveries {
			n += d.Attempts
		}
		return n
	}
	require.Error(t, hooks.Deliver(w.ctx, msgs[0]))
	require.Equal(t, 1, attempts())
	err := hooks.Deliver(w.ctx, msgs[2]) // the second instance's first event
	require.ErrorContains(t, err, "gave no answer moments ago")
	require.Equal(t, 1, attempts(), "no request while paused")
	w.clock.Advance(31 * time.Second)
	require.Error(t, hooks.Deliver(w.ctx, msgs[2]))
	require.Equal(t, 2, attempts(), "tried again after the pause")
}

// The worker prunes the delivery log of what is older than Retention, at
// most once an hour.
func TestWebhookLogIsPrunedByTheWorker(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer srv.Close()
	w, hooks, q, e := hookedWorld(t, srv.URL)
	hooks.Retention = 24 * time.Hour
	w.active(t, w.alice, w.companyA)
	for _, m := range q.take() {
		require.NoError(t, hooks.Deliver(w.ctx, m))
	}
	count := func() int {
		page, err := w.svc.WebhookDeliveries(w.ctx, w.alice, partner.WebhookDeliveryQuery{EndpointID: e.ID})
		require.NoError(t, err)
		return len(page.Deliveries)
	}
	require.Equal(t, 2, count())
	w.clock.Advance(25 * time.Hour)
	w.active(t, w.alice, w.companyA)
	msgs := q.take()
	require.NoError(t, hooks.Deliver(w.ctx, msgs[0]))
	require.Equal(t, 2, count(), "the two old ones went, the two new ones are there")
	w.clock.Advance(25 * time.Hour)
	require.NoError(t, hooks.Deliver(w.ctx, msgs[1]))
	page, err := w.svc.WebhookDeliveries(w.ctx, w.alice, partner.WebhookDeliveryQuery{EndpointID: e.ID})
	require.NoError(t, err)
	require.Len(t, page.Deliveries, 1, "the delivered one older than a day went; the pending one stayed and was then sent")
	require.Equal(t, partner.WebhookDelivered, page.Deliveries[0].State)
}
