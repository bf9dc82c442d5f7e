package storagetest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/partner"
)

// testPartnerWebhooks covers the webhook part of [partner.Store]:
// endpoints with the catch-all, events fanned out to deliveries in one
// write, the order check, attempts and the delivery log.
func testPartnerWebhooks(t *testing.T, open func(t *testing.T) partner.Store) {
	ctx := context.Background()
	endpoint := func(id, partnerID string) partner.WebhookEndpoint {
		return partner.WebhookEndpoint{ID: id, PartnerID: partnerID, URL: "https://hooks.example/" + id, Description: "d " + id,
			Secret: "whsec_c2VjcmV0c2VjcmV0c2VjcmV0", CreatedBy: "usr_alice", CreatedAt: ptnAt(3)}
	}
	event := func(id, partnerID, objectID string, at time.Time) partner.WebhookEvent {
		return partner.WebhookEvent{ID: id, Type: partner.WebhookInstanceStateChanged, PartnerID: partnerID, Object: partner.ObjectInstance,
			ObjectID: objectID, At: at, Data: json.RawMessage(`{"to":"active","n":"✓"}`)}
	}

	t.Run("WebhookEndpoints", func(t *testing.T) {
		w := newPtnWorld(t, open)
		a1, a2, b1 := endpoint("whe_a1", "ptn_a"), endpoint("whe_a2", "ptn_a"), endpoint("whe_b1", "ptn_b")
		for _, e := range []partner.WebhookEndpoint{a2, a1, b1} {
			require.NoError(t, w.s.CreateWebhookEndpoint(ctx, e, w.ptnAudit(e.PartnerID, partner.ObjectWebhook, e.ID, "create", e.CreatedAt)))
		}
		require.ErrorIs(t, w.s.CreateWebhookEndpoint(ctx, a1, w.ptnAudit("ptn_a", partner.ObjectWebhook, a1.ID, "create", ptnAt(3))), bookingkit.ErrConflict)
		got, err := w.s.GetWebhookEndpoint(ctx, "whe_a1")
		require.NoError(t, err)
		requireEqual(t, a1, got, "GetWebhookEndpoint")
		_, err = w.s.GetWebhookEndpoint(ctx, "whe_none")
		require.ErrorIs(t, err, bookingkit.ErrNotFound)
		list, err := w.s.ListWebhookEndpoints(ctx, "ptn_a")
		require.NoError(t, err)
		requireEqual(t, []partner.WebhookEndpoint{a1, a2}, list, "partner A's endpoints by ID")
		require.Len(t, w.auditOf(t, "whe_a1"), 1, "the creation is audited")

		// The catch-all: inserted, replaced, listed under partner "", removed.
		ca := partner.WebhookEndpoint{ID: partner.CatchAllEndpointID, URL: "https://all.example/1", Secret: "whsec_b2xk", CreatedBy: "configuration", CreatedAt: ptnAt(4)}
		require.NoError(t, w.s.SetWebhookCatchAll(ctx, ca))
		ca2 := ca
		ca2.URL, ca2.Secret, ca2.CreatedAt = "https://all.example/2", "whsec_bmV3", ptnAt(9)
		require.NoError(t, w.s.SetWebhookCatchAll(ctx, ca2))
		list, err = w.s.ListWebhookEndpoints(ctx, "")
		require.NoError(t, err)
		want := ca
		want.URL, want.Secret = ca2.URL, ca2.Secret
		requireEqual(t, []partner.WebhookEndpoint{want}, list, "the catch-all keeps its creation, takes the new URL and secret")
		require.NoError(t, w.s.SetWebhookCatchAll(ctx, partner.WebhookEndpoint{}))
		_, err = w.s.GetWebhookEndpoint(ctx, partner.CatchAllEndpointID)
		require.ErrorIs(t, err, bookingkit.ErrNotFound)
		require.NoError(t, w.s.SetWebhookCatchAll(ctx, partner.WebhookEndpoint{}), "removing no catch-all is fine")

		require.NoError(t, w.s.DeleteWebhookEndpoint(ctx, "whe_a2", w.ptnAudit("ptn_a", partner.ObjectWebhook, "whe_a2", "delete", ptnAt(5))))
		require.ErrorIs(t, w.s.DeleteWebhookEndpoint(ctx, "whe_a2", w.ptnAudit("ptn_a", partner.ObjectWebhook, "whe_a2", "delete", ptnAt(5))), bookingkit.ErrNotFound)
		list, err = w.s.ListWebhookEndpoints(ctx, "ptn_a")
		require.NoError(t, err)
		requireEqual(t, []partner.WebhookEndpoint{a1}, list, "after the delete")
	})

	t.Run("WebhookEventsAndDeliveries", func(t *testing.T) {
		w := newPtnWorld(t, open)
		for _, e := range []partner.WebhookEndpoint{endpoint("whe_a1", "ptn_a"), endpoint("whe_a2", "ptn_a"), endpoint("whe_b1", "ptn_b")} {
			require.NoError(t, w.s.CreateWebhookEndpoint(ctx, e, w.ptnAudit(e.PartnerID, partner.ObjectWebhook, e.ID, "create", e.CreatedAt)))
		}
		require.NoError(t, w.s.SetWebhookCatchAll(ctx, partner.WebhookEndpoint{ID: partner.CatchAllEndpointID, URL: "https://all.example", Secret: "whsec_b2xk", CreatedBy: "configuration", CreatedAt: ptnAt(4)}))

		ev1 := event("evt_1", "ptn_a", "ins_1", ptnAt(10))
		ds, err := w.s.RecordWebhookEvent(ctx, ev1)
		require.NoError(t, err)
		require.Len(t, ds, 3, "partner A's two endpoints and the catch-all, not partner B's")
		for i, d := range ds {
			require.Positive(t, d.ID)
			if i > 0 {
				require.Greater(t, d.ID, ds[i-1].ID, "deliveries by ID")
			}
			requireEqual(t, partner.WebhookDelivery{ID: d.ID, EndpointID: d.EndpointID, EventID: "evt_1", EventType: ev1.Type, ObjectID: "ins_1",
				State: partner.WebhookPending, CreatedAt: ev1.At}, d, "a new delivery")
		}
		require.Equal(t, []string{"whe_a1", "whe_a2", partner.CatchAllEndpointID}, []string{ds[0].EndpointID, ds[1].EndpointID, ds[2].EndpointID})
		_, err = w.s.RecordWebhookEvent(ctx, ev1)
		require.ErrorIs(t, err, bookingkit.ErrConflict, "an event is recorded once")
		got, err := w.s.GetWebhookEvent(ctx, "evt_1")
		require.NoError(t, err)
		requireEqual(t, ev1, got, "GetWebhookEvent")
		_, err = w.s.GetWebhookEvent(ctx, "evt_none")
		require.ErrorIs(t, err, bookingkit.ErrNotFound)

		// Order: the second event's delivery to whe_a1 about ins_1 has the
		// first one before it while that is pending; another object's
		// does not.
		ds2, err := w.s.RecordWebhookEvent(ctx, event("evt_2", "ptn_a", "ins_1", ptnAt(11)))
		require.NoError(t, err)
		ds3, err := w.s.RecordWebhookEvent(ctx, event("evt_3", "ptn_a", "ins_2", ptnAt(11)))
		require.NoError(t, err)
		earlier, err := w.s.EarlierWebhookDelivery(ctx, ds2[0])
		require.NoError(t, err)
		require.Equal(t, ds[0].ID, earlier.ID)
		_, err = w.s.EarlierWebhookDelivery(ctx, ds3[0])
		require.ErrorIs(t, err, bookingkit.ErrNotFound, "another object")
		_, err = w.s.EarlierWebhookDelivery(ctx, ds[0])
		require.ErrorIs(t, err, bookingkit.ErrNotFound, "the first has none")

		// Attempts: a refusal keeps it pending, then delivered.
		d, err := w.s.RecordWebhookAttempt(ctx, partner.WebhookAttempt{DeliveryID: ds[0].ID, At: ptnAt(12), StatusCode: 503, Error: "answered 503", Duration: 25 * time.Millisecond}, partner.WebhookPending)
		require.NoError(t, err)
		require.Equal(t, 1, d.Attempts)
		require.Equal(t, partner.WebhookPending, d.State)
		d, err = w.s.RecordWebhookAttempt(ctx, partner.WebhookAttempt{DeliveryID: ds[0].ID, At: ptnAt(13), StatusCode: 204, Duration: 7 * time.Millisecond}, partner.WebhookDelivered)
		require.NoError(t, err)
		want := ds[0]
		want.State, want.Attempts, want.LastAttemptAt, want.LastStatus, want.DeliveredAt = partner.WebhookDelivered, 2, ptnAt(13), 204, ptnAt(13)
		requireEqual(t, want, d, "after two attempts")
		got2, err := w.s.GetWebhookDelivery(ctx, ds[0].ID)
		require.NoError(t, err)
		requireEqual(t, want, got2, "GetWebhookDelivery")
		_, err = w.s.EarlierWebhookDelivery(ctx, ds2[0])
		require.ErrorIs(t, err, bookingkit.ErrNotFound, "the earlier one is delivered")
		_, err = w.s.RecordWebhookAttempt(ctx, partner.WebhookAttempt{DeliveryID: 1 << 40, At: ptnAt(13)}, partner.WebhookFailed)
		require.ErrorIs(t, err, bookingkit.ErrNotFound)
		attempts, err := w.s.ListWebhookAttempts(ctx, ds[0].ID, 10)
		require.NoError(t, err)
		requireEqual(t, []partner.WebhookAttempt{
			{DeliveryID: ds[0].ID, At: ptnAt(13), StatusCode: 204, Duration: 7 * time.Millisecond},
			{DeliveryID: ds[0].ID, At: ptnAt(12), StatusCode: 503, Error: "answered 503", Duration: 25 * time.Millisecond},
		}, attempts, "attempts, newest first")
		attempts, err = w.s.ListWebhookAttempts(ctx, ds[0].ID, 1)
		require.NoError(t, err)
		require.Len(t, attempts, 1)

		// A redelivery is a new delivery after the others.
		re, err := w.s.AddWebhookDelivery(ctx, "whe_a1", "evt_1", ptnAt(14))
		require.NoError(t, err)
		require.Greater(t, re.ID, ds3[len(ds3)-1].ID)
		requireEqual(t, partner.WebhookDelivery{ID: re.ID, EndpointID: "whe_a1", EventID: "evt_1", EventType: ev1.Type, ObjectID: "ins_1",
			State: partner.WebhookPending, CreatedAt: ptnAt(14)}, re, "a redelivery")
		_, err = w.s.AddWebhookDelivery(ctx, "whe_a1", "evt_none", ptnAt(14))
		require.ErrorIs(t, err, bookingkit.ErrNotFound)
		_, err = w.s.AddWebhookDelivery(ctx, "whe_none", "evt_1", ptnAt(14))
		require.ErrorIs(t, err, bookingkit.ErrNotFound)

		// The log of whe_a1, newest first, in pages.
		log, err := w.s.ListWebhookDeliveries(ctx, partner.WebhookDeliveryQuery{EndpointID: "whe_a1", Limit: 10})
		require.NoError(t, err)
		require.Equal(t, []int64{re.ID, ds3[0].ID, ds2[0].ID, ds[0].ID}, deliveryIDs(log))
		log, err = w.s.ListWebhookDeliveries(ctx, partner.WebhookDeliveryQuery{EndpointID: "whe_a1", Before: ds3[0].ID, Limit: 1})
		require.NoError(t, err)
		require.Equal(t, []int64{ds2[0].ID}, deliveryIDs(log))

		// Deleting an endpoint takes its log with it.
		require.NoError(t, w.s.DeleteWebhookEndpoint(ctx, "whe_a1", w.ptnAudit("ptn_a", partner.ObjectWebhook, "whe_a1", "delete", ptnAt(15))))
		_, err = w.s.GetWebhookDelivery(ctx, ds[0].ID)
		require.ErrorIs(t, err, bookingkit.ErrNotFound)
		attempts, err = w.s.ListWebhookAttempts(ctx, ds[0].ID, 10)
		require.NoError(t, err)
		require.Empty(t, attempts)
		_, err = w.s.GetWebhookDelivery(ctx, ds[1].ID)
		require.NoError(t, err, "another endpoint's delivery stays")
	})

	t.Run("WebhookLogPruned", func(t *testing.T) {
		w := newPtnWorld(t, open)
		ds, err := w.s.RecordWebhookEvent(ctx, event("evt_0", "ptn_a", "ins_1", ptnAt(10)))
		require.NoError(t, err)
		require.Empty(t, ds, "no endpoint: nothing stored")
		_, err = w.s.GetWebhookEvent(ctx, "evt_0")
		require.ErrorIs(t, err, bookingkit.ErrNotFound)

		e := endpoint("whe_a1", "ptn_a")
		require.NoError(t, w.s.CreateWebhookEndpoint(ctx, e, w.ptnAudit("ptn_a", partner.ObjectWebhook, e.ID, "create", e.CreatedAt)))
		old, err := w.s.RecordWebhookEvent(ctx, event("evt_old", "ptn_a", "ins_1", ptnAt(10)))
		require.NoError(t, err)
		stuck, err := w.s.RecordWebhookEvent(ctx, event("evt_stuck", "ptn_a", "ins_2", ptnAt(11)))
		require.NoError(t, err)
		recent, err := w.s.RecordWebhookEvent(ctx, event("evt_new", "ptn_a", "ins_1", ptnAt(30)))
		require.NoError(t, err)
		for _, d := range []partner.WebhookDelivery{old[0], recent[0]} {
			_, err = w.s.RecordWebhookAttempt(ctx, partner.WebhookAttempt{DeliveryID: d.ID, At: d.CreatedAt, StatusCode: 200}, partner.WebhookDelivered)
			require.NoError(t, err)
		}
		n, err := w.s.PruneWebhookLog(ctx, ptnAt(20))
		require.NoError(t, err)
		require.Equal(t, 1, n, "the old delivered event; not the pending one, nor the recent one")
		_, err = w.s.GetWebhookEvent(ctx, "evt_old")
		require.ErrorIs(t, err, bookingkit.ErrNotFound)
		_, err = w.s.GetWebhookDelivery(ctx, old[0].ID)
		require.ErrorIs(t, err, bookingkit.ErrNotFound)
		attempts, err := w.s.ListWebhookAttempts(ctx, old[0].ID, 10)
		require.NoError(t, err)
		require.Empty(t, attempts)
		for _, id := range []string{"evt_stuck", "evt_new"} {
			_, err = w.s.GetWebhookEvent(ctx, id)
			require.NoError(t, err, id)
		}
		log, err := w.s.ListWebhookDeliveries(ctx, partner.WebhookDeliveryQuery{EndpointID: e.ID, Limit: 10})
		require.NoError(t, err)
		require.Equal(t, []int64{recent[0].ID, stuck[0].ID}, deliveryIDs(log))
		n, err = w.s.PruneWebhookLog(ctx, ptnAt(20))
		require.NoError(t, err)
		require.Zero(t, n)
	})
}

func deliveryIDs(ds []partner.WebhookDelivery) []int64 {
	out := []int64{}
	for _, d := range ds {
		out = append(out, d.ID)
	}
	return out
}
