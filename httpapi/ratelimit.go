package httpapi

import (
	"cmp"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/bookingkit/bookingkit"
)

// SetRateLimit sets, beside a refusal's Retry-After, the RateLimit-Policy
// and RateLimit fields of the IETF draft "RateLimit header fields for
// HTTP" (draft-ietf-httpapi-ratelimit-headers-11) from what the limiter
// knows of its limit: the quota of attempts (q) per window (w, in
// seconds), none of them remaining (r=0) for the next t seconds:
//
//	RateLimit-Policy: "default";q=5;w=300
//	RateLimit: "default";r=0;t=42
//
// It sets nothing when ra does not know its limit (Quota 0). [WriteError]
// calls it for every *bookingkit.RetryAfterError.
func SetRateLimit(h http.Header, ra *bookingkit.RetryAfterError) {
	if ra.Quota <= 0 {
		return
	}
	name := sfString(cmp.Or(ra.Policy, "default"))
	window := max(int64(math.Ceil(ra.Window.Seconds())), 1)
	h.Set("RateLimit-Policy", name+";q="+strconv.Itoa(ra.Quota)+";w="+strconv.FormatInt(window, 10))
	h.Set("RateLimit", name+";r=0;t="+strconv.Itoa(max(ra.Seconds, 1)))
}

// sfString writes s as a Structured Field String (RFC 9651, 3.3.3):
// quoted, with \ and " escaped; characters outside printable ASCII become
// '?'.
func sfString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := range len(s) {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
		case c < ' ' || c > '~':
			c = '?'
		}
		b.WriteByte(c)
	}
	b.WriteByte('"')
	return b.String()
}
