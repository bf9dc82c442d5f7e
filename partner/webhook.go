package partner

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bookingkit/bookingkit"
)

// The headers of a webhook request. The signature is
// "sha256=" + hex(HMAC-SHA256(secret, timestamp + "." + body)), so a
// receiver can check both who sent the body and that it is fresh.
const (
	WebhookTimestampHeader = "X-Bookingkit-Timestamp"
	WebhookSignatureHeader = "X-Bookingkit-Signature"
)

// WebhookNotifier posts each notification as JSON to a URL, signed with a
// shared secret. A receiver checks it with [VerifyWebhookSignature].
// It posts inside the request and never retries: bookingkitd sends
// partners' events through [Webhooks] instead, whose catch-all endpoint
// also carries these two headers.
type WebhookNotifier struct {
	URL    string
	Secret []byte
	// Client sends the requests; nil means a client with a 10 s timeout.
	Client *http.Client
	// Now is the clock for the timestamp; nil means time.Now.
	Now func() time.Time
}

// WebhookPayload is the JSON body a [WebhookNotifier] posts.
type WebhookPayload struct {
	Type        string    `json:"type"` // "support_message"
	To          Side      `json:"to"`
	PartnerID   string    `json:"partner_id"`
	CompanyID   string    `json:"company_id"`
	CompanyName string    `json:"company_name"`
	MessageID   string    `json:"message_id"`
	Direction   Direction `json:"direction"`
	At          time.Time `json:"at"`
	Preview     string    `json:"preview"`
}

var defaultWebhookClient = &http.Client{Timeout: 10 * time.Second}

// Notify posts n. Any answer but 2xx is an error.
func (w *WebhookNotifier) Notify(ctx context.Context, n Notification) error {
	if w.URL == "" || len(w.Secret) == 0 {
		return fmt.Errorf("partner: webhook notifier needs a URL and a secret")
	}
	body, err := json.Marshal(WebhookPayload{
		Type: "support_message", To: n.To, PartnerID: n.PartnerID, CompanyID: n.CompanyID,
		CompanyName: n.CompanyName, MessageID: n.MessageID, Direction: n.Direction, At: n.At, Preview: n.Preview,
	})
	if err != nil {
		return fmt.Errorf("partner: webhook body: %w", err)
	}
	now := time.Now
	if w.Now != nil {
		now = w.Now
	}
	ts := strconv.FormatInt(now().Unix(), 10)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("partner: webhook request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(WebhookTimestampHeader, ts)
	req.Header.Set(WebhookSignatureHeader, SignWebhook(w.Secret, ts, body))
	client := w.Client
	if client == nil {
		client = defaultWebhookClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("partner: webhook: %w", err)
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("partner: webhook %s answered %s: %s", w.URL, resp.Status, strings.TrimSpace(string(snippet)))
	}
	return nil
}

// SignWebhook returns the signature header value for a body sent at
// timestamp (Unix seconds, as sent in the timestamp header).
func SignWebhook(secret []byte, timestamp string, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(timestamp))
	m.Write([]byte{'.'})
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// VerifyWebhookSignature checks a received webhook: the signature over
// timestamp and body (compared in constant time), and that the timestamp
// is within maxAge of now either way, so an old request cannot be
// replayed. Failures match bookingkit.ErrUnauthorized.
func VerifyWebhookSignature(secret []byte, timestamp, signature string, body []byte, now time.Time, maxAge time.Duration) error {
	bad := func(why string) error {
		return fmt.Errorf("partner: webhook %s: %w", why, bookingkit.ErrUnauthorized)
	}
	sec, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return bad("timestamp is not a number")
	}
	if d := now.Sub(time.Unix(sec, 0)); d > maxAge || d < -maxAge {
		return bad("timestamp is too old or in the future")
	}
	hexSig, ok := strings.CutPrefix(signature, "sha256=")
	if !ok {
		return bad("signature is not sha256=…")
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil {
		return bad("signature is not hex")
	}
	want, _ := hex.DecodeString(strings.TrimPrefix(SignWebhook(secret, timestamp, body), "sha256="))
	if !hmac.Equal(got, want) {
		return bad("signature does not match")
	}
	return nil
}
