package idempotency_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/httpapi"
	"github.com/bookingkit/bookingkit/idempotency"
	"github.com/bookingkit/bookingkit/storage/memory"
)

// creator is a handler that creates a numbered thing per request it runs.
type creator struct {
	keys    *idempotency.Keys
	created atomic.Int32
	fail    atomic.Bool
	started chan struct{} // when set, a request says it runs
	gate    chan struct{} // when set, requests wait for it
}

func (c *creator) handler() http.Handler {
	return httpapi.Handler(nil, func(w http.ResponseWriter, r *http.Request) error {
		return c.keys.Serve(w, r, "caller-1", func(w http.ResponseWriter, r *http.Request) error {
			body, err := io.ReadAll(r.Body)
			if err != nil {
				return err
			}
			if c.gate != nil {
				c.started <- struct{}{}
				<-c.gate
			}
			if c.fail.Load() {
				return errors.New("the database is down")
			}
			n := c.created.Add(1)
			w.Header().Set("Location", "/things/"+strconv.Itoa(int(n)))
			httpapi.WriteJSON(w, http.StatusCreated, map[string]any{"n": n, "sent": string(body)})
			return nil
		})
	})
}

func post(h http.Handler, key, body string) *httptest.ResponseRecorder {
	r := httptest.NewRequest("POST", "/things", strings.NewReader(body))
	if key != "" {
		r.Header.Set("Idempotency-Key", key)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func newCreator(now func() time.Time) *creator {
	return &creator{keys: idempotency.New(&memory.IdempotencyStore{}, idempotency.Config{Now: now})}
}

func TestRepeatGetsTheFirstAnswer(t *testing.T) {
	c := newCreator(nil)
	h := c.handler()
	first := post(h, `"k-1"`, `{"a":1}`)
	require.Equal(t, http.StatusCreated, first.Code, first.Body.String())
	again := post(h, `"k-1"`, `{"a":1}`)
	require.Equal(t, http.StatusCreated, again.Code)
	require.Equal(t, "/things/1", again.Header().Get("Location"))
	require.Equal(t, first.Header().Get("Content-Type"), again.Header().Get("Content-Type"))
	require.Equal(t, first.Body.String(), again.Body.String())
	require.EqualValues(t, 1, c.created.Load(), "the repeat created nothing")

	// A bare token is the same key; another key is another request.
	require.Equal(t, first.Body.String(), post(h, `k-1`, `{"a":1}`).Body.String())
	require.Equal(t, "/things/2", post(h, `"k-2"`, `{"a":1}`).Header().Get("Location"))
	// Without a key, every request runs.
	post(h, "", `{"a":1}`)
	post(h, "", `{"a":1}`)
	require.EqualValues(t, 4, c.created.Load())
}

func TestAnotherBodyWithTheKeyIs422(t *testing.T) {
	c := newCreator(nil)
	h := c.handler()
	require.Equal(t, http.StatusCreated, post(h, `"k-1"`, `{"a":1}`).Code)
	w := post(h, `"k-1"`, `{"a": 1}`)
	require.Equal(t, http.StatusUnprocessableEntity, w.Code, w.Body.String())
	require.Contains(t, w.Body.String(), "Idempotency-Key")
	require.EqualValues(t, 1, c.created.Load())
}

func TestARepeatWhileTheFirstRunsIs409(t *testing.T) {
	c := newCreator(nil)
	c.started, c.gate = make(chan struct{}), make(chan struct{})
	h := c.handler()
	var first *httptest.ResponseRecorder
	var wg sync.WaitGroup
	wg.Go(func() { first = post(h, `"k-1"`, `{}`) })
	<-c.started
	w := post(h, `"k-1"`, `{}`)
	require.Equal(t, http.StatusConflict, w.Code, w.Body.String())
	close(c.gate)
	wg.Wait()
	require.Equal(t, http.StatusCreated, first.Code)
	require.Equal(t, http.StatusCreated, post(h, `"k-1"`, `{}`).Code)
	require.EqualValues(t, 1, c.created.Load())
}

func TestAFailedRequestFreesItsKey(t *testing.T) {
	c := newCreator(nil)
	h := c.handler()
	c.fail.Store(true)
	require.Equal(t, http.StatusInternalServerError, post(h, `"k-1"`, `{}`).Code)
	c.fail.Store(false)
	require.Equal(t, http.StatusCreated, post(h, `"k-1"`, `{}`).Code, "tried again with the same key, it runs")
	require.EqualValues(t, 1, c.created.Load())
}

func TestKeysExpire(t *testing.T) {
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	c := newCreator(func() time.Time { return now })
	h := c.handler()
	post(h, `"k-1"`, `{}`)
	now = now.Add(idempotency.DefaultTTL - time.Second)
	require.Equal(t, "/things/1", post(h, `"k-1"`, `{}`).Header().Get("Location"))
	now = now.Add(time.Second)
	require.Equal(t, "/things/2", post(h, `"k-1"`, `{"another":"body"}`).Header().Get("Location"), "an expired key is a new key")
}

func TestMalformedKeysAre400(t *testing.T) {
	c := newCreator(nil)
	h := c.handler()
	for _, key := range []string{`""`, `"unterminated`, `"tab	inside"`, `"bad \n escape"`, `two words`, `"é"`, `"` + strings.Repeat("x", 256) + `"`} {
		w := post(h, key, `{}`)
		require.Equal(t, http.StatusBadRequest, w.Code, "key %q: %s", key, w.Body.String())
	}
	r := httptest.NewRequest("POST", "/things", strings.NewReader(`{}`))
	r.Header.Add("Idempotency-Key", `"a"`)
	r.Header.Add("Idempotency-Key", `"b"`)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	require.Equal(t, http.StatusBadRequest, w.Code, "two keys")
	require.EqualValues(t, 0, c.created.Load())
}

func TestParseKey(t *testing.T) {
	for in, want := range map[string]string{
		`"8e03978e-40d5-43e8-bc93-6894a57f9324"`: "8e03978e-40d5-43e8-bc93-6894a57f9324",
		` "with \"quotes\" and \\ space" `:       `with "quotes" and \ space`,
		`bare-token_1`:                           "bare-token_1",
		`"` + strings.Repeat("x", 255) + `"`:     strings.Repeat("x", 255),
	} {
		got, err := idempotency.ParseKey([]string{in})
		require.NoError(t, err, in)
		require.Equal(t, want, got)
	}
	_, err := idempotency.ParseKey([]string{`"a,b`})
	require.ErrorIs(t, err, bookingkit.ErrInvalid)
}
