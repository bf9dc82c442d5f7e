package partner

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/account"
	"github.com/bookingkit/bookingkit/outbox"
)

// KindWebhook is the outbox kind of one webhook delivery: its payload
// names the delivery, which [Webhooks.Deliver] sends.
const KindWebhook = "partner.webhook"

// The Standard Webhooks headers (https://www.standardwebhooks.com) every
// webhook request carries. The signature is "v1," and the base64 of
// HMAC-SHA256(key, id + "." + timestamp + "." + body), where key is the
// base64-decoded part of the endpoint's secret after "whsec_" and
// timestamp is the webhook-timestamp header (Unix seconds).
const (
	WebhookIDHeader        = "webhook-id"
	WebhookTimestampHdr    = "webhook-timestamp"
	WebhookSignatureHdr    = "webhook-signature"
	defaultWebhookGiveUp   = 48 * time.Hour
	maxWebhookErrorInLog   = 300
	webhookAnswerReadLimit = 4096
)

// Webhooks records the partners' events and delivers them to their
// endpoints through the outbox: [Service] calls Publish after each change
// partners follow; the outbox's worker calls Deliver for each message of
// kind [KindWebhook] ([NewWebhooks] registers it on an outbox given as
// its Queue).
//
// # Delivery
//
// Publish stores the event and one delivery per endpoint of the partner
// (and the catch-all) in one transaction, then enqueues one outbox
// message per delivery. The outbox retries a failed delivery with its
// backoff (Config.RetryFirst doubling up to RetryMax), so a receiver that
// is down for an hour gets everything once it answers. Every attempt is
// logged on the delivery (time, status code, error), readable through
// the partner API, for Retention (30 days). An endpoint that gives no
// answer at all is paused for Pause on this server, so that it holds the
// outbox's worker, which also sends the mails, for one timeout at most
// per pause. Deliver gives a delivery up (state failed) once it is
// GiveUpAfter old; keep it below the outbox's own Config.GiveUpAfter (72 h
// by default).
//
// # Order
//
// The outbox delivers in ID order, but a retry goes back in the queue, so
// a later event could overtake an earlier one. Deliver therefore sends a
// delivery only when no earlier delivery to the same endpoint about the
// same object (instance, licence, company thread) is still pending;
// otherwise it fails with "waits for delivery N" and the outbox tries it
// again later. The earlier one being delivered or given up unblocks it.
// The order is the order in which the events were recorded, which is the
// order of the changes (an object's changes are serialised by its
// version) except for two changes of one object on two servers within
// the moment between a change and its event: receivers may compare the
// data's version.
//
// Delivery is at least once: a receiver drops a webhook-id it has seen.
type Webhooks struct {
	Store WebhookStore
	// Queue is the outbox the deliveries are enqueued in.
	Queue account.Queue
	// Client sends the requests; nil means one with a 10 s timeout that
	// does not follow redirects.
	Client *http.Client
	// GiveUpAfter is the age at which a delivery still failing is given
	// up; 0 means 48 hours.
	GiveUpAfter time.Duration
	// AllowHTTP lets partners register http:// URLs (development, tests);
	// otherwise only https.
	AllowHTTP bool
	// Pause is how long an endpoint that gave no answer at all (a
	// timeout, a refused connection) is left alone on this server: its
	// other deliveries fail at once meanwhile, without a request, so
	// that a dead endpoint does not hold the outbox's worker (and the
	// mails behind it) for a timeout per delivery. 0 means 30 s.
	Pause time.Duration
	// Retention is how long the delivery log keeps an event with its
	// deliveries once none is pending; 0 means 30 days. The worker
	// prunes the log at most once an hour.
	Retention time.Duration
	Logger    *slog.Logger
	Now       func() time.Time

	mu        sync.Mutex
	downUntil map[string]time.Time // endpoint ID -> end of its pause
	pruned    time.Time            // when this process last pruned the log

	// legacyKey signs the catch-all's requests also with the headers of
	// the former single webhook ([SignWebhook]).
	legacyKey []byte
}

// WebhooksConfig is the input of [NewWebhooks].
type WebhooksConfig struct {
	Store WebhookStore
	// Queue is the outbox the deliveries are enqueued in. When it also
	// registers handlers, as *outbox.Outbox does, NewWebhooks registers
	// [Webhooks.Deliver] on it for [KindWebhook].
	Queue account.Queue
	// CatchAllURL, when set, receives every partner's events (the server's
	// partner.webhook_url), signed with CatchAllSecret: a "whsec_" secret,
	// or any string of at least 16 characters, whose bytes are then the key
	// (BOOKINGKIT_PARTNER_WEBHOOK_SECRET as before).
	CatchAllURL    string
	CatchAllSecret string
	AllowHTTP      bool
	Logger         *slog.Logger
}

// NewWebhooks returns the webhooks over cfg.Store and makes the catch-all
// endpoint what cfg says (removing it when CatchAllURL is empty).
func NewWebhooks(ctx context.Context, cfg WebhooksConfig) (*Webhooks, error) {
	w := &Webhooks{Store: cfg.Store, Queue: cfg.Queue, AllowHTTP: cfg.AllowHTTP, Logger: cfg.Logger}
	catchAll := WebhookEndpoint{ID: CatchAllEndpointID, URL: cfg.CatchAllURL, Description: "partner.webhook_url: every partner's events",
		CreatedBy: "configuration", CreatedAt: w.now()}
	if cfg.CatchAllURL != "" {
		if len(cfg.CatchAllSecret) < 16 {
			return nil, errors.New("config partner.webhook_url needs BOOKINGKIT_PARTNER_WEBHOOK_SECRET of at least 16 characters to sign the requests")
		}
		catchAll.Secret = cfg.CatchAllSecret
		if !strings.HasPrefix(catchAll.Secret, webhookSecretPrefix) {
			catchAll.Secret = webhookSecretPrefix + base64.StdEncoding.EncodeToString([]byte(cfg.CatchAllSecret))
		}
		key, err := webhookKey(catchAll.Secret)
		if err != nil {
			return nil, fmt.Errorf("BOOKINGKIT_PARTNER_WEBHOOK_SECRET: %w", err)
		}
		w.legacyKey = key
	}
	if err := w.Store.SetWebhookCatchAll(ctx, catchAll); err != nil {
		return nil, fmt.Errorf("partner: set the catch-all webhook endpoint: %w", err)
	}
	if ob, ok := cfg.Queue.(interface{ Handle(string, outbox.Handler) }); ok {
		ob.Handle(KindWebhook, w.Deliver)
	}
	return w, nil
}

func (w *Webhooks) now() time.Time {
	if w.Now != nil {
		return canonicalTime(w.Now())
	}
	return canonicalTime(time.Now())
}

func (w *Webhooks) logger() *slog.Logger {
	if w.Logger != nil {
		return w.Logger
	}
	return slog.Default()
}

// webhookMessage is the outbox payload of a delivery.
type webhookMessage struct {
	Delivery int64 `json:"delivery"`
}

// Publish records ev with a delivery for each of its partner's endpoints
// and the catch-all, and enqueues them. A delivery that cannot be queued
// is marked failed (it can be redelivered).
func (w *Webhooks) Publish(ctx context.Context, ev WebhookEvent) error {
	ds, err := w.Store.RecordWebhookEvent(ctx, ev)
	if err != nil {
		return err
	}
	return w.enqueue(ctx, ds...)
}

func (w *Webhooks) enqueue(ctx context.Context, ds ...WebhookDelivery) error {
	var errs []error
	for _, d := range ds {
		if err := w.Queue.Enqueue(ctx, KindWebhook, webhookMessage{Delivery: d.ID}); err != nil {
			errs = append(errs, err)
			if _, ferr := w.Store.RecordWebhookAttempt(ctx, WebhookAttempt{DeliveryID: d.ID, At: w.now(), Error: "not queued: " + err.Error()}, WebhookFailed); ferr != nil {
				errs = append(errs, ferr)
			}
		}
	}
	return errors.Join(errs...)
}

func (w *Webhooks) redeliver(ctx context.Context, endpointID, eventID string, at time.Time) (WebhookDelivery, error) {
	d, err := w.Store.AddWebhookDelivery(ctx, endpointID, eventID, at)
	if err != nil {
		return WebhookDelivery{}, err
	}
	return d, w.enqueue(context.WithoutCancel(ctx), d)
}

func (w *Webhooks) giveUpAfter() time.Duration {
	if w.GiveUpAfter > 0 {
		return w.GiveUpAfter
	}
	return defaultWebhookGiveUp
}

var defaultWebhooksClient = &http.Client{
	Timeout:       10 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// Deliver is the outbox handler of [KindWebhook]: it sends one delivery,
// once no earlier delivery about the same object to the same endpoint is
// pending, and logs the attempt. Any answer but 2xx, or none, is an error
// that the outbox retries.
func (w *Webhooks) Deliver(ctx context.Context, payload json.RawMessage) error {
	w.prune(ctx)
	var m webhookMessage
	if err := json.Unmarshal(payload, &m); err != nil || m.Delivery <= 0 {
		return outbox.Permanent(fmt.Errorf("partner: unreadable webhook message %q", truncate(string(payload), 80)))
	}
	d, err := w.Store.GetWebhookDelivery(ctx, m.Delivery)
	if errors.Is(err, bookingkit.ErrNotFound) {
		return nil // its endpoint was deleted
	}
	if err != nil {
		return err
	}
	if d.State != WebhookPending {
		return nil // sent by an earlier attempt, or given up
	}
	if stop, err := w.gaveUp(ctx, d); stop || err != nil {
		return err
	}
	for {
		earlier, err := w.Store.EarlierWebhookDelivery(ctx, d)
		if errors.Is(err, bookingkit.ErrNotFound) {
			break
		}
		if err != nil {
			return err
		}
		if stop, err := w.gaveUp(ctx, earlier); err != nil {
			return err
		} else if !stop {
			return fmt.Errorf("partner: webhook delivery %d waits for delivery %d about the same %s", d.ID, earlier.ID, d.ObjectID)
		}
	}
	e, err := w.Store.GetWebhookEndpoint(ctx, d.EndpointID)
	if errors.Is(err, bookingkit.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	ev, err := w.Store.GetWebhookEvent(ctx, d.EventID)
	if err != nil {
		return err
	}
	if until, down := w.paused(e.ID); down {
		return fmt.Errorf("partner: webhook delivery %d waits: endpoint %s gave no answer moments ago; next try after %s", d.ID, e.ID, until.Format(time.RFC3339))
	}
	attempt, sendErr := w.send(ctx, e, ev, d.ID)
	w.pause(e.ID, sendErr != nil && attempt.StatusCode == 0)
	state := WebhookPending
	if sendErr == nil {
		state = WebhookDelivered
	}
	if _, err := w.Store.RecordWebhookAttempt(context.WithoutCancel(ctx), attempt, state); err != nil {
		return errors.Join(sendErr, fmt.Errorf("partner: log webhook delivery %d: %w", d.ID, err))
	}
	return sendErr
}

// prune deletes the events older than Retention that no delivery needs,
// at most once an hour per process (a failure is logged and tried again
// in an hour).
func (w *Webhooks) prune(ctx context.Context) {
	now := w.now()
	w.mu.Lock()
	due := now.Sub(w.pruned) >= time.Hour
	if due {
		w.pruned = now
	}
	w.mu.Unlock()
	if !due {
		return
	}
	keep := w.Retention
	if keep <= 0 {
		keep = 30 * 24 * time.Hour
	}
	n, err := w.Store.PruneWebhookLog(ctx, now.Add(-keep))
	if err != nil {
		w.logger().ErrorContext(ctx, "partner: cannot prune the webhook delivery log; trying again in an hour", "error", err)
	} else if n > 0 {
		w.logger().InfoContext(ctx, "partner: pruned the webhook delivery log", "events", n, "before", now.Add(-keep))
	}
}

// paused reports whether endpoint id is paused, and until when.
func (w *Webhooks) paused(id string) (time.Time, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	until, ok := w.downUntil[id]
	return until, ok && w.now().Before(until)
}

// pause starts a pause of endpoint id when noAnswer, or ends it.
func (w *Webhooks) pause(id string, noAnswer bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !noAnswer {
		delete(w.downUntil, id)
		return
	}
	if w.downUntil == nil {
		w.downUntil = map[string]time.Time{}
	}
	d := w.Pause
	if d <= 0 {
		d = 30 * time.Second
	}
	w.downUntil[id] = w.now().Add(d)
}

// gaveUp marks d failed when it is too old to keep trying, and reports
// whether it did.
func (w *Webhooks) gaveUp(ctx context.Context, d WebhookDelivery) (bool, error) {
	age := w.now().Sub(d.CreatedAt)
	if age < w.giveUpAfter() {
		return false, nil
	}
	why := fmt.Sprintf("given up: still failing after %s", age.Round(time.Second))
	w.logger().ErrorContext(ctx, "partner: webhook delivery given up", "delivery", d.ID, "endpoint", d.EndpointID, "event", d.EventID, "age", age)
	_, err := w.Store.RecordWebhookAttempt(ctx, WebhookAttempt{DeliveryID: d.ID, At: w.now(), Error: why}, WebhookFailed)
	return true, err
}

// send posts ev to e and returns the attempt for the log.
func (w *Webhooks) send(ctx context.Context, e WebhookEndpoint, ev WebhookEvent, deliveryID int64) (WebhookAttempt, error) {
	start := time.Now()
	a := WebhookAttempt{DeliveryID: deliveryID, At: w.now()}
	fail := func(err error) (WebhookAttempt, error) {
		a.Duration = time.Since(start)
		a.Error = truncate(err.Error(), maxWebhookErrorInLog)
		return a, err
	}
	body, err := ev.Body()
	if err != nil {
		return fail(err)
	}
	key, err := webhookKey(e.Secret)
	if err != nil {
		return fail(err)
	}
	ts := a.At.Unix()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.URL, bytes.NewReader(body))
	if err != nil {
		return fail(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "bookingkit-webhooks")
	req.Header.Set(WebhookIDHeader, ev.ID)
	req.Header.Set(WebhookTimestampHdr, strconv.FormatInt(ts, 10))
	req.Header.Set(WebhookSignatureHdr, signStandard(key, ev.ID, ts, body))
	if e.ID == CatchAllEndpointID && w.legacyKey != nil {
		legacyTS := strconv.FormatInt(ts, 10)
		req.Header.Set(WebhookTimestampHeader, legacyTS)
		req.Header.Set(WebhookSignatureHeader, SignWebhook(w.legacyKey, legacyTS, body))
	}
	client := w.Client
	if client == nil {
		client = defaultWebhooksClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return fail(fmt.Errorf("partner: webhook to %s: %w", e.URL, errors.Unwrap(err)))
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, webhookAnswerReadLimit))
	resp.Body.Close()
	a.StatusCode = resp.StatusCode
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		// The answer's body is not kept: the URL is the partner's, the
		// log should not become a way to read what it answers.
		return fail(fmt.Errorf("partner: webhook to %s answered %s", e.URL, resp.Status))
	}
	a.Duration = time.Since(start)
	return a, nil
}

// webhookKey decodes an endpoint secret "whsec_<base64>".
func webhookKey(secret string) ([]byte, error) {
	b64, ok := strings.CutPrefix(secret, webhookSecretPrefix)
	if !ok {
		return nil, errors.New("a webhook secret starts with whsec_")
	}
	key, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(key) == 0 {
		return nil, errors.New("a webhook secret is whsec_ and base64")
	}
	return key, nil
}

func signStandard(key []byte, id string, ts int64, body []byte) string {
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "%s.%d.", id, ts)
	m.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// SignStandardWebhook returns the webhook-signature header value of a
// body with id sent at timestamp (Unix seconds) under secret
// ("whsec_<base64>").
func SignStandardWebhook(secret, id string, timestamp int64, body []byte) (string, error) {
	key, err := webhookKey(secret)
	if err != nil {
		return "", err
	}
	return signStandard(key, id, timestamp, body), nil
}

// VerifyStandardWebhook checks a received webhook as a receiver should:
// one of the space-separated signatures in webhook-signature is the
// "v1," signature of webhook-id, webhook-timestamp and body under secret
// (compared in constant time), and the timestamp is within tolerance of
// now either way. Failures match bookingkit.ErrUnauthorized.
func VerifyStandardWebhook(secret string, h http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	bad := func(why string) error { return fmt.Errorf("partner: webhook %s: %w", why, bookingkit.ErrUnauthorized) }
	key, err := webhookKey(secret)
	if err != nil {
		return err
	}
	id := h.Get(WebhookIDHeader)
	ts, err := strconv.ParseInt(h.Get(WebhookTimestampHdr), 10, 64)
	if id == "" || err != nil {
		return bad("id or timestamp missing")
	}
	if d := now.Sub(time.Unix(ts, 0)); d > tolerance || d < -tolerance {
		return bad("timestamp is too old or in the future")
	}
	want, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(signStandard(key, id, ts, body), "v1,"))
	for _, sig := range strings.Fields(h.Get(WebhookSignatureHdr)) {
		b64, ok := strings.CutPrefix(sig, "v1,")
		if !ok {
			continue
		}
		if got, err := base64.StdEncoding.DecodeString(b64); err == nil && hmac.Equal(got, want) {
			return nil
		}
	}
	return bad("signature does not match")
}
