package outbox_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/textproto"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/account"
	"github.com/bookingkit/bookingkit/outbox"
	"github.com/bookingkit/bookingkit/storage/memory"
	"github.com/bookingkit/bookingkit/storage/postgres"
	"github.com/bookingkit/bookingkit/storage/sqlite"
	"github.com/bookingkit/bookingkit/storage/storagetest/pgtest"
)

// backends runs test on each backend's outbox store. connect opens one
// more connection pool to the same database, as another server process
// sharing it would (memory has only the one).
func backends(t *testing.T, test func(t *testing.T, connect func() outbox.Store)) {
	t.Run("memory", func(t *testing.T) {
		s := memory.New().Stores().Outbox
		test(t, func() outbox.Store { return s })
	})
	t.Run("sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "bookingkit.db")
		test(t, func() outbox.Store {
			db, err := sqlite.Open(context.Background(), path)
			require.NoError(t, err)
			t.Cleanup(func() { db.Close() })
			return db.Stores().Outbox
		})
	})
	t.Run("postgres", func(t *testing.T) {
		url := pgtest.URL(t)
		test(t, func() outbox.Store {
			db, err := postgres.Open(context.Background(), url)
			require.NoError(t, err)
			t.Cleanup(func() { db.Close() })
			return db.Stores().Outbox
		})
	})
}

// clock is a settable time source.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.now = c.now.Add(d) }

func newClock() *clock { return &clock{now: time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC)} }

// mailbox is a mailer that records what it sends and fails while down.
type mailbox struct {
	mu    sync.Mutex
	down  error
	got   []account.Message
	tries int
}

func (m *mailbox) Send(_ context.Context, msg account.Message) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.tries++
	if m.down != nil {
		return m.down
	}
	m.got = append(m.got, msg)
	return nil
}

func (m *mailbox) setDown(err error) { m.mu.Lock(); defer m.mu.Unlock(); m.down = err }

func (m *mailbox) attempts() int { m.mu.Lock(); defer m.mu.Unlock(); return m.tries }

func (m *mailbox) sent() []account.Message {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]account.Message(nil), m.got...)
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func TestMailIsStoredThenDeliveredInOrder(t *testing.T) {
	backends(t, func(t *testing.T, connect func() outbox.Store) {
		ctx := context.Background()
		box := &mailbox{}
		o := outbox.New(connect(), outbox.Config{Logger: quiet})
		o.Handle(outbox.KindMail, outbox.MailHandler(box))
		for _, to := range []string{"ann@example.com", "ben@example.com"} {
			require.NoError(t, o.Mailer("").Send(ctx, account.Message{To: to, Subject: "Your link", Body: "https://x.example/?token=" + to}))
		}
		require.Empty(t, box.sent(), "Send only stores the mail")
		b, err := o.Backlog(ctx)
		require.NoError(t, err)
		require.Equal(t, 2, b.Messages)

		n, err := o.DeliverDue(ctx)
		require.NoError(t, err)
		require.Equal(t, 2, n)
		require.Equal(t, []account.Message{
			{To: "ann@example.com", Subject: "Your link", Body: "https://x.example/?token=ann@example.com"},
			{To: "ben@example.com", Subject: "Your link", Body: "https://x.example/?token=ben@example.com"},
		}, box.sent())
		b, err = o.Backlog(ctx)
		require.NoError(t, err)
		require.Zero(t, b.Messages, "delivered mails (and their links) are deleted")
	})
}

// TestMailServerOutageLosesNothing: the mail server refuses connections
// for a while; the mail waits in the store, tried again with growing
// delays, and leaves once the server is back.
func TestMailServerOutageLosesNothing(t *testing.T) {
	backends(t, func(t *testing.T, connect func() outbox.Store) {
		ctx := context.Background()
		c := newClock()
		box := &mailbox{}
		box.setDown(errors.New("connect: connection refused"))
		o := outbox.New(connect(), outbox.Config{Logger: quiet, Now: c.Now, RetryFirst: 10 * time.Second, RetryMax: time.Minute})
		o.Handle(outbox.KindMail, outbox.MailHandler(box))
		require.NoError(t, o.Mailer("").Send(ctx, account.Message{To: "ann@example.com", Subject: "s", Body: "b"}))

		deliver := func() {
			t.Helper()
			n, err := o.DeliverDue(ctx)
			require.NoError(t, err)
			require.Zero(t, n)
		}
		deliver()
		require.Equal(t, 1, box.attempts())
		// Then after 10, 20 and 40 s, and every minute (the cap).
		for i, wait := range []time.Duration{10 * time.Second, 20 * time.Second, 40 * time.Second, time.Minute, time.Minute} {
			c.Add(wait - time.Second)
			deliver()
			require.Equal(t, i+1, box.attempts(), "not due yet")
			c.Add(time.Second)
			deliver()
			require.Equal(t, i+2, box.attempts(), "due after %s", wait)
		}
		b, err := o.Backlog(ctx)
		require.NoError(t, err)
		require.Equal(t, outbox.Backlog{Messages: 1, Failing: 1, Oldest: time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC)}, b)

		box.setDown(nil)
		c.Add(time.Minute)
		n, err := o.DeliverDue(ctx)
		require.NoError(t, err)
		require.Equal(t, 1, n)
		require.Len(t, box.sent(), 1)
	})
}

func TestPermanentFailuresAndOldMessagesAreDropped(t *testing.T) {
	backends(t, func(t *testing.T, connect func() outbox.Store) {
		ctx := context.Background()
		c := newClock()
		box := &mailbox{}
		o := outbox.New(connect(), outbox.Config{Logger: quiet, Now: c.Now, GiveUpAfter: time.Hour, RetryMax: 10 * time.Minute})
		o.Handle(outbox.KindMail, outbox.MailHandler(box))

		// A 550 from the mail server (no such recipient) is not tried again.
		box.setDown(&textproto.Error{Code: 550, Msg: "no such user"})
		require.NoError(t, o.Mailer("").Send(ctx, account.Message{To: "nobody@example.com"}))
		_, err := o.DeliverDue(ctx)
		require.NoError(t, err)
		b, err := o.Backlog(ctx)
		require.NoError(t, err)
		require.Zero(t, b.Messages)

		// A 421 (try later) is, until the message is GiveUpAfter old.
		box.setDown(&textproto.Error{Code: 421, Msg: "busy"})
		require.NoError(t, o.Mailer("").Send(ctx, account.Message{To: "ann@example.com"}))
		for range 5 {
			_, err := o.DeliverDue(ctx)
			require.NoError(t, err)
			b, err := o.Backlog(ctx)
			require.NoError(t, err)
			require.Equal(t, 1, b.Messages)
			c.Add(10 * time.Minute)
		}
		c.Add(10 * time.Minute)
		_, err = o.DeliverDue(ctx)
		require.NoError(t, err)
		b, err = o.Backlog(ctx)
		require.NoError(t, err)
		require.Zero(t, b.Messages, "given up after an hour")
	})
}

// TestWorkerCrashMidSendLosesNothing: a worker claims a mail and dies
// while sending it (its handler never returns). Once the lease runs out,
// another worker — another server, or this one restarted — sends it; the
// dead worker's late answer changes nothing.
func TestWorkerCrashMidSendLosesNothing(t *testing.T) {
	backends(t, func(t *testing.T, connect func() outbox.Store) {
		ctx := context.Background()
		c := newClock()
		stuck := make(chan struct{})
		release := make(chan struct{})
		crashed := outbox.New(connect(), outbox.Config{Logger: quiet, Now: c.Now, Lease: time.Minute})
		crashed.Handle(outbox.KindMail, func(ctx context.Context, _ json.RawMessage) error {
			close(stuck)
			<-release
			return nil
		})
		require.NoError(t, crashed.Mailer("").Send(ctx, account.Message{To: "ann@example.com", Subject: "s", Body: "b"}))
		done := make(chan struct{})
		go func() {
			defer close(done)
			crashed.DeliverDue(ctx) //nolint:errcheck
		}()
		<-stuck

		box := &mailbox{}
		other := outbox.New(connect(), outbox.Config{Logger: quiet, Now: c.Now, Lease: time.Minute})
		other.Handle(outbox.KindMail, outbox.MailHandler(box))
		c.Add(59 * time.Second)
		n, err := other.DeliverDue(ctx)
		require.NoError(t, err)
		require.Zero(t, n, "leased to the first worker")
		c.Add(time.Second)
		n, err = other.DeliverDue(ctx)
		require.NoError(t, err)
		require.Equal(t, 1, n, "the lease ran out")
		require.Equal(t, []account.Message{{To: "ann@example.com", Subject: "s", Body: "b"}}, box.sent())

		close(release)
		<-done
		b, err := other.Backlog(ctx)
		require.NoError(t, err)
		require.Zero(t, b.Messages)
	})
}

// TestWorkersSharingADatabaseSendEachMessageOnce: three workers on their
// own connection pools (three servers) deliver 40 mails; each is sent once.
func TestWorkersSharingADatabaseSendEachMessageOnce(t *testing.T) {
	backends(t, func(t *testing.T, connect func() outbox.Store) {
		ctx := context.Background()
		var sends sync.Map
		var dup atomic.Int32
		producer := outbox.New(connect(), outbox.Config{Logger: quiet})
		for i := range 40 {
			require.NoError(t, producer.Enqueue(ctx, "mail", account.Message{To: string(rune('a'+i%26)) + "@example.com", Subject: time.Duration(i).String()}))
		}
		var wg sync.WaitGroup
		for range 3 {
			o := outbox.New(connect(), outbox.Config{Logger: quiet})
			o.Handle("mail", func(_ context.Context, payload json.RawMessage) error {
				if _, loaded := sends.LoadOrStore(string(payload), true); loaded {
					dup.Add(1)
				}
				time.Sleep(time.Millisecond) // a mail server's round trip
				return nil
			})
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := o.DeliverDue(ctx)
				require.NoError(t, err)
			}()
		}
		wg.Wait()
		n := 0
		sends.Range(func(any, any) bool { n++; return true })
		require.Equal(t, 40, n)
		require.Zero(t, dup.Load(), "no message sent twice")
	})
}

// TestRunDeliversAtOnceAndStops: Run wakes when this process stores a
// message, without waiting for the poll, and returns when its context ends.
func TestRunDeliversAtOnceAndStops(t *testing.T) {
	box := &mailbox{}
	o := outbox.New(memory.New().Stores().Outbox, outbox.Config{Logger: quiet, Poll: time.Hour})
	o.Handle(outbox.KindMail, outbox.MailHandler(box))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- o.Run(ctx) }()
	require.NoError(t, o.Mailer("").Send(context.Background(), account.Message{To: "ann@example.com"}))
	require.Eventually(t, func() bool { return len(box.sent()) == 1 }, 5*time.Second, 5*time.Millisecond)
	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}
}

// A queued request is decoded and completed; one that cannot be read, or
// that the domain finds invalid, is dropped at once; one that failed for
// another reason stays to be tried again.
func TestCompletingDropsWhatCannotBeCompleted(t *testing.T) {
	type form struct{ Email string }
	ctx := context.Background()
	for _, tt := range []struct {
		payload any
		outcome error
		kept    int
	}{
		{form{Email: "ana@example.com"}, nil, 0},
		{form{Email: "bad"}, bookingkit.Invalid("email", "bad", "not an address"), 0},
		{"not an object", nil, 0},
		{form{Email: "later"}, errors.New("database away"), 1},
	} {
		var got []string
		o := outbox.New(memory.New().Stores().Outbox, outbox.Config{Logger: quiet})
		o.Handle("test.form", outbox.Completing("test.form", func(_ context.Context, f form) error {
			got = append(got, f.Email)
			return tt.outcome
		}))
		require.NoError(t, o.Enqueue(ctx, "test.form", tt.payload))
		_, err := o.DeliverDue(ctx)
		require.NoError(t, err)
		b, err := o.Backlog(ctx)
		require.NoError(t, err)
		require.Equal(t, tt.kept, b.Messages, "%v", tt.payload)
		if f, ok := tt.payload.(form); ok {
			require.Equal(t, []string{f.Email}, got)
		} else {
			require.Empty(t, got, "an unreadable request is not completed")
		}
	}
}

// Start runs the worker until stopped: a message stored meanwhile is sent.
func TestStartSendsUntilStopped(t *testing.T) {
	box := &mailbox{}
	o := outbox.New(memory.New().Stores().Outbox, outbox.Config{Logger: quiet})
	o.Handle(outbox.KindMail, outbox.MailHandler(box))
	stop := o.Start(time.Second)
	require.NoError(t, o.Mailer("").Send(context.Background(), account.Message{To: "ann@example.com", Subject: "hello"}))
	require.Eventually(t, func() bool { return len(box.sent()) == 1 }, 5*time.Second, 10*time.Millisecond)
	stop()
}
