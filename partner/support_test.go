package partner_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/partner"
)

// recordingNotifier keeps what it is told and fails when told to.
type recordingNotifier struct {
	mu   sync.Mutex
	got  []partner.Notification
	fail error
}

func (r *recordingNotifier) Notify(_ context.Context, n partner.Notification) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, n)
	return r.fail
}

func TestSupportThread(t *testing.T) {
	w := newWorld(t)
	notes := &recordingNotifier{}
	w.svc.Notifier = notes
	ctx := w.ctx

	m1, err := w.svc.PostMessage(ctx, w.alice, w.companyA.ID, "  The terminal at the gate does not sync.  ")
	require.NoError(t, err)
	require.Equal(t, partner.FromPartner, m1.Direction)
	require.Equal(t, "The terminal at the gate does not sync.", m1.Body)
	w.clock.Advance(time.Minute)
	m2, err := w.svc.PostMessage(ctx, w.admin, w.companyA.ID, "Please clear the session\nand try again.")
	require.NoError(t, err)
	require.Equal(t, partner.FromSupport, m2.Direction)
	w.clock.Advance(time.Minute)
	m3, err := w.svc.PostMessage(ctx, w.alice, w.companyA.ID, "Works now, thanks.")
	require.NoError(t, err)

	require.Len(t, notes.got, 3)
	require.Equal(t, partner.SideSupport, notes.got[0].To)
	require.Equal(t, partner.SidePartner, notes.got[1].To)
	require.Equal(t, "Please clear the session and try again.", notes.got[1].Preview)
	require.Equal(t, "Acme Logistics", notes.got[1].CompanyName)

	th, err := w.svc.Thread(ctx, w.alice, w.companyA.ID)
	require.NoError(t, err)
	require.EqualValues(t, 3, th.Messages)
	require.EqualValues(t, 1, th.UnreadByPartner)
	require.EqualValues(t, 2, th.UnreadBySupport)
	require.Equal(t, m3.At, th.LastMessageAt)

	// Support reads up to m1: m3 stays unread. Marks never go back.
	require.NoError(t, w.svc.MarkRead(ctx, w.admin, w.companyA.ID, m1.ID))
	th, _ = w.svc.Thread(ctx, w.admin, w.companyA.ID)
	require.EqualValues(t, 1, th.UnreadBySupport)
	require.NoError(t, w.svc.MarkRead(ctx, w.admin, w.companyA.ID, m3.ID))
	require.NoError(t, w.svc.MarkRead(ctx, w.admin, w.companyA.ID, m1.ID))
	th, _ = w.svc.Thread(ctx, w.admin, w.companyA.ID)
	require.Zero(t, th.UnreadBySupport)
	require.EqualValues(t, 1, th.UnreadByPartner, "the partner's count is its own")
	err = w.svc.MarkRead(ctx, w.alice, w.companyA.ID, "msg_zzzzzzzzzzzzzzzzzzzzzzzzzz")
	require.ErrorIs(t, err, bookingkit.ErrNotFound, "a mark must be a message of the thread")

	// Newest first, paged.
	p, err := w.svc.Messages(ctx, w.alice, partner.MessageQuery{CompanyID: w.companyA.ID, Limit: 2})
	require.NoError(t, err)
	require.Equal(t, []string{m3.ID, m2.ID}, []string{p.Messages[0].ID, p.Messages[1].ID})
	p, err = w.svc.Messages(ctx, w.alice, partner.MessageQuery{CompanyID: w.companyA.ID, Limit: 2, Before: p.Next})
	require.NoError(t, err)
	require.Len(t, p.Messages, 1)
	require.Equal(t, m1.ID, p.Messages[0].ID)
	require.Empty(t, p.Next)

	// Bad bodies.
	for _, body := range []string{"", "   ", strings.Repeat("x", partner.MaxMessageLength+1), "bell\a"} {
		_, err := w.svc.PostMessage(ctx, w.alice, w.companyA.ID, body)
		require.ErrorIs(t, err, bookingkit.ErrInvalid)
	}
}

func TestNotifierFailureLosesNoMessage(t *testing.T) {
	w := newWorld(t)
	var logged bytes.Buffer
	w.svc.Logger = slog.New(slog.NewTextHandler(&logged, nil))
	w.svc.Notifier = &recordingNotifier{fail: errors.New("push service down")}
	m, err := w.svc.PostMessage(w.ctx, w.alice, w.companyA.ID, "Hello?")
	require.NoError(t, err)
	p, err := w.svc.Messages(w.ctx, w.admin, partner.MessageQuery{CompanyID: w.companyA.ID})
	require.NoError(t, err)
	require.Equal(t, []partner.Message{m}, p.Messages)
	require.Contains(t, logged.String(), "push service down")
}

func TestThreadList(t *testing.T) {
	w := newWorld(t)
	c2, err := w.svc.CreateCompany(w.ctx, w.alice, partner.NewCompany{Name: "Second customer"})
	require.NoError(t, err)
	c3, err := w.svc.CreateCompany(w.ctx, w.alice, partner.NewCompany{Name: "Quiet customer"})
	require.NoError(t, err)
	_, err = w.svc.PostMessage(w.ctx, w.alice, w.companyA.ID, "first")
	require.NoError(t, err)
	w.clock.Advance(time.Minute)
	_, err = w.svc.PostMessage(w.ctx, w.admin, c2.ID, "news for you")
	require.NoError(t, err)

	var got []string
	cursor := ""
	for {
		p, err := w.svc.Threads(w.ctx, w.alice, partner.ThreadList{Limit: 1, Cursor: cursor})
		require.NoError(t, err)
		for _, th := range p.Threads {
			got = append(got, th.CompanyID)
		}
		if p.Next == "" {
			break
		}
		cursor = p.Next
	}
	require.Equal(t, []string{c2.ID, w.companyA.ID, c3.ID}, got, "latest message first, silent threads last")

	// An administrator sees every partner's threads or picks one.
	all, err := w.svc.Threads(w.ctx, w.admin, partner.ThreadList{})
	require.NoError(t, err)
	require.Len(t, all.Threads, 4)
	onlyB, err := w.svc.Threads(w.ctx, w.admin, partner.ThreadList{PartnerID: w.partnerB.ID})
	require.NoError(t, err)
	require.Len(t, onlyB.Threads, 1)
}

func TestWebhookNotifier(t *testing.T) {
	secret := []byte("webhook-secret")
	var mu sync.Mutex
	var received []partner.WebhookPayload
	status := http.StatusNoContent
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		err := partner.VerifyWebhookSignature(secret, r.Header.Get(partner.WebhookTimestampHeader), r.Header.Get(partner.WebhookSignatureHeader), body, t0, 5*time.Minute)
		if err != nil {
			http.Error(rw, err.Error(), http.StatusUnauthorized)
			return
		}
		var p partner.WebhookPayload
		if err := json.Unmarshal(body, &p); err != nil {
			http.Error(rw, err.Error(), http.StatusBadRequest)
			return
		}
		mu.Lock()
		received = append(received, p)
		code := status
		mu.Unlock()
		rw.WriteHeader(code)
	}))
	defer srv.Close()

	n := partner.Notification{To: partner.SideSupport, PartnerID: "ptn_1", CompanyID: "cmp_1", CompanyName: "Acme", MessageID: "msg_1",
		Direction: partner.FromPartner, At: t0, Preview: "Hello"}
	wh := &partner.WebhookNotifier{URL: srv.URL, Secret: secret, Client: srv.Client(), Now: func() time.Time { return t0 }}
	require.NoError(t, wh.Notify(context.Background(), n))
	require.Len(t, received, 1)
	require.Equal(t, partner.WebhookPayload{Type: "support_message", To: partner.SideSupport, PartnerID: "ptn_1", CompanyID: "cmp_1",
		CompanyName: "Acme", MessageID: "msg_1", Direction: partner.FromPartner, At: t0, Preview: "Hello"}, received[0])

	// The receiver refuses a wrong secret, and the notifier reports it.
	bad := &partner.WebhookNotifier{URL: srv.URL, Secret: []byte("guess"), Client: srv.Client(), Now: func() time.Time { return t0 }}
	err := bad.Notify(context.Background(), n)
	require.ErrorContains(t, err, "401")
	// A stale timestamp is refused too.
	old := &partner.WebhookNotifier{URL: srv.URL, Secret: secret, Client: srv.Client(), Now: func() time.Time { return t0.Add(-time.Hour) }}
	require.Error(t, old.Notify(context.Background(), n))
	// Any non-2xx is an error.
	mu.Lock()
	status = http.StatusInternalServerError
	mu.Unlock()
	require.ErrorContains(t, wh.Notify(context.Background(), n), "500")
	require.Error(t, (&partner.WebhookNotifier{}).Notify(context.Background(), n))
}

func TestVerifyWebhookSignature(t *testing.T) {
	secret := []byte("s")
	body := []byte(`{"a":1}`)
	ts := "1772442000" // t0
	sig := partner.SignWebhook(secret, ts, body)
	require.NoError(t, partner.VerifyWebhookSignature(secret, ts, sig, body, t0, time.Minute))
	tests := map[string]struct{ ts, sig, body string }{
		"body changed":    {ts, sig, `{"a":2}`},
		"timestamp moved": {"1772442001", sig, string(body)},
		"no prefix":       {ts, strings.TrimPrefix(sig, "sha256="), string(body)},
		"not hex":         {ts, "sha256=zz", string(body)},
		"not a number":    {"soon", sig, string(body)},
		"too old":         {"1772441000", partner.SignWebhook(secret, "1772441000", body), string(body)},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			err := partner.VerifyWebhookSignature(secret, tc.ts, tc.sig, []byte(tc.body), t0, time.Minute)
			require.ErrorIs(t, err, bookingkit.ErrUnauthorized)
		})
	}
}

// FuzzVerifyWebhookSignature: only the signature SignWebhook makes for
// the same timestamp and body is accepted.
func FuzzVerifyWebhookSignature(f *testing.F) {
	secret := []byte("s")
	f.Add("1772442000", partner.SignWebhook(secret, "1772442000", []byte("{}")), []byte("{}"))
	f.Add("1772442000", "sha256=00", []byte("{}"))
	f.Add("-9223372036854775808", "sha256=", []byte(""))
	f.Fuzz(func(t *testing.T, ts, sig string, body []byte) {
		err := partner.VerifyWebhookSignature(secret, ts, sig, body, t0, time.Hour)
		if err != nil {
			require.ErrorIs(t, err, bookingkit.ErrUnauthorized)
			return
		}
		require.True(t, strings.EqualFold(sig, partner.SignWebhook(secret, ts, body)))
	})
}
