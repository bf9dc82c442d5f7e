package httpapi_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/httpapi"
)

// A 429 describes the limit that refused in the fields of
// draft-ietf-httpapi-ratelimit-headers-11, beside Retry-After.
func TestRateLimitHeadersBesideRetryAfter(t *testing.T) {
	refuse := func(err error) http.Header {
		rec := httptest.NewRecorder()
		httpapi.WriteError(rec, httptest.NewRequest("POST", "/login", nil), nil, err)
		require.Equal(t, http.StatusTooManyRequests, rec.Code)
		return rec.Header()
	}
	h := refuse(&bookingkit.RetryAfterError{Seconds: 42, Policy: "login", Quota: 5, Window: 5 * time.Minute})
	require.Equal(t, "42", h.Get("Retry-After"))
	require.Equal(t, `"login";q=5;w=300`, h.Get("RateLimit-Policy"))
	require.Equal(t, `"login";r=0;t=42`, h.Get("RateLimit"))

	// Whole seconds, at least one; the name a Structured Field String.
	h = refuse(&bookingkit.RetryAfterError{Seconds: 0, Policy: `a "b" \c`, Quota: 1, Window: 1500 * time.Millisecond})
	require.Equal(t, `"a \"b\" \\c";q=1;w=2`, h.Get("RateLimit-Policy"))
	require.Equal(t, `"a \"b\" \\c";r=0;t=1`, h.Get("RateLimit"))
	h = refuse(&bookingkit.RetryAfterError{Seconds: 3, Quota: 10, Window: time.Minute})
	require.Equal(t, `"default";q=10;w=60`, h.Get("RateLimit-Policy"), "an unnamed limit is the default policy")

	// A refusal that does not know its limit says only when to retry.
	h = refuse(&bookingkit.RetryAfterError{Seconds: 3})
	require.Equal(t, "3", h.Get("Retry-After"))
	require.Empty(t, h.Values("RateLimit-Policy"))
	require.Empty(t, h.Values("RateLimit"))
}
