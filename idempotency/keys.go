package idempotency

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/httpapi"
)

// Header is the request header field that carries the key.
const Header = "Idempotency-Key"

// MaxKeyLength is the longest key accepted, in bytes.
const MaxKeyLength = 255

// Defaults of [Config].
const (
	DefaultTTL  = 24 * time.Hour
	DefaultLock = 5 * time.Minute
)

// expireEvery is how often one Keys deletes the expired records.
const expireEvery = 10 * time.Minute

// Config configures [New]; every field has a default.
type Config struct {
	// TTL is how long a key and its answer are kept: [DefaultTTL] (24 h)
	// when zero.
	TTL time.Duration
	// Lock is how long a request in flight holds its key: a repeat in
	// that time is 409, after it the key is free again, as when the
	// server that held it stopped mid-request. [DefaultLock] (5 min)
	// when zero; keep it above the longest a request may run.
	Lock time.Duration
	// Logger receives the failures to store an answer, which the client
	// does not see; slog.Default() when nil.
	Logger *slog.Logger
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// Keys applies the Idempotency-Key rules to the requests given to
// [Keys.Serve], with the keys in a [Store]. Safe for concurrent use; a nil
// *Keys serves every request as if it had no key.
type Keys struct {
	store      Store
	cfg        Config
	lastExpire atomic.Int64
}

// New returns the Keys over store.
func New(store Store, cfg Config) *Keys {
	if cfg.TTL <= 0 {
		cfg.TTL = DefaultTTL
	}
	if cfg.Lock <= 0 {
		cfg.Lock = DefaultLock
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Keys{store: store, cfg: cfg}
}

// Serve runs fn, the handler of a request that creates something, under
// the request's Idempotency-Key, which belongs to scope (the caller). A
// request without the header runs fn as it is. With it:
//
//   - the first request with the key runs fn; a 2xx answer is kept for
//     the key's lifetime, anything else frees the key again (the request
//     had no effect, and may be tried again with the same key);
//   - a repeat with the same method, path and body gets the kept answer
//     again (status, Location, Content-Type and body), and fn does not
//     run;
//   - a repeat with another request is 422;
//   - a repeat while the first is still running is 409 (an error matching
//     bookingkit.ErrConflict);
//   - a malformed key is 400 (bookingkit.ErrInvalid).
//
// Errors are returned for the caller to answer ([httpapi.WriteError]); the
// 422 and the replays are answered here. fn's error is returned as it is.
func (k *Keys) Serve(w http.ResponseWriter, r *http.Request, scope string, fn func(http.ResponseWriter, *http.Request) error) error {
	values := r.Header.Values(Header)
	if k == nil || len(values) == 0 {
		return fn(w, r)
	}
	key, err := ParseKey(values)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return err
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	// Whole microseconds: what PostgreSQL keeps of a time.
	now := k.cfg.Now().UTC().Truncate(time.Microsecond)
	rec := Record{
		Scope: scope, Key: key, Fingerprint: Fingerprint(r.Method, r.URL.Path, body), Token: rand.Text(),
		CreatedAt: now, LockedUntil: now.Add(k.cfg.Lock), ExpiresAt: now.Add(k.cfg.TTL),
	}
	stored, won, err := k.store.Begin(r.Context(), rec)
	if err != nil {
		return fmt.Errorf("cannot check the Idempotency-Key: %w", err)
	}
	k.expire(r.Context(), now)
	if !won {
		switch {
		case stored.Fingerprint != rec.Fingerprint:
			httpapi.WriteJSON(w, http.StatusUnprocessableEntity, httpapi.ErrorBody{
				Error:     "this Idempotency-Key was used for another request (another body or route); use a new key for a new request",
				Field:     Header,
				RequestID: httpapi.RequestID(r.Context()),
			})
			return nil
		case stored.InFlight():
			return fmt.Errorf("a request with this Idempotency-Key is still being processed; repeat it later: %w", bookingkit.ErrConflict)
		}
		replay(w, stored.Answer)
		return nil
	}
	rw := &recorder{ResponseWriter: w}
	err = fn(rw, r)
	// The key is settled whatever becomes of the request's context.
	ctx := context.WithoutCancel(r.Context())
	if err != nil || rw.status < 200 || rw.status > 299 {
		if rerr := k.store.Release(ctx, scope, key, rec.Token); rerr != nil {
			k.cfg.Logger.WarnContext(ctx, "idempotency: cannot free a key after a failed request", "request_id", httpapi.RequestID(ctx), "error", rerr)
		}
		return err
	}
	a := Answer{Status: rw.status, Location: rw.location, ContentType: rw.contentType, Body: rw.body.Bytes()}
	if cerr := k.store.Complete(ctx, scope, key, rec.Token, a); cerr != nil {
		k.cfg.Logger.ErrorContext(ctx, "idempotency: cannot keep the answer of a key; a repeat after the lock is run again",
			"request_id", httpapi.RequestID(ctx), "error", cerr)
	}
	return nil
}

// ParseKey reads the Idempotency-Key header's values: one value, a
// Structured Field String ("…", as the draft requires) or, leniently, a
// bare token of visible ASCII, 1 to [MaxKeyLength] bytes. Anything else is
// an error matching bookingkit.ErrInvalid.
func ParseKey(values []string) (string, error) {
	if len(values) != 1 {
		return "", bookingkit.Invalid(Header, "", "send one key")
	}
	v := strings.Trim(values[0], " \t")
	key, ok := v, true
	if strings.HasPrefix(v, `"`) {
		key, ok = unquote(v)
	} else {
		for i := range len(v) {
			ok = ok && v[i] > ' ' && v[i] < 0x7f && v[i] != '"' && v[i] != ','
		}
	}
	if !ok || key == "" || len(key) > MaxKeyLength {
		return "", bookingkit.Invalid(Header, "", fmt.Sprintf(`a quoted string ("…") of 1 to %d printable ASCII characters`, MaxKeyLength))
	}
	return key, nil
}

// unquote reads a Structured Field String (RFC 9651, 3.3.3).
func unquote(v string) (string, bool) {
	if len(v) < 2 || v[len(v)-1] != '"' {
		return "", false
	}
	var b strings.Builder
	for i := 1; i < len(v)-1; i++ {
		c := v[i]
		switch {
		case c == '\\':
			i++
			if i == len(v)-1 || (v[i] != '"' && v[i] != '\\') {
				return "", false
			}
			c = v[i]
		case c == '"' || c < ' ' || c >= 0x7f:
			return "", false
		}
		b.WriteByte(c)
	}
	return b.String(), true
}

// Fingerprint identifies a request for its key: the hex SHA-256 of its
// method, path and body. The body is compared byte for byte: a repeat must
// send the same bytes.
func Fingerprint(method, path string, body []byte) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s %s\n", method, path)
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

// replay answers a kept answer again.
func replay(w http.ResponseWriter, a Answer) {
	if a.Location != "" {
		w.Header().Set("Location", a.Location)
	}
	if a.ContentType != "" {
		w.Header().Set("Content-Type", a.ContentType)
	}
	w.WriteHeader(a.Status)
	w.Write(a.Body) //nolint:errcheck // the client has gone; nothing to do
}

// expire deletes the expired records at most once per expireEvery. A
// failure is ignored: they go at a later request.
func (k *Keys) expire(ctx context.Context, now time.Time) {
	last := k.lastExpire.Load()
	if now.UnixNano()-last < int64(expireEvery) || !k.lastExpire.CompareAndSwap(last, now.UnixNano()) {
		return
	}
	k.store.Expire(ctx, now) //nolint:errcheck // tried again in expireEvery
}

// recorder passes an answer on and keeps what a replay needs of it.
type recorder struct {
	http.ResponseWriter
	status      int
	location    string
	contentType string
	body        bytes.Buffer
}

func (rw *recorder) WriteHeader(status int) {
	if rw.status == 0 {
		rw.status = status
		rw.location = rw.Header().Get("Location")
		rw.contentType = rw.Header().Get("Content-Type")
	}
	rw.ResponseWriter.WriteHeader(status)
}

func (rw *recorder) Write(p []byte) (int, error) {
	if rw.status == 0 {
		rw.WriteHeader(http.StatusOK)
	}
	rw.body.Write(p)
	return rw.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the connection.
func (rw *recorder) Unwrap() http.ResponseWriter { return rw.ResponseWriter }
