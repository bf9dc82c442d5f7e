package httpapi

import (
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"

	"github.com/bookingkit/bookingkit"
)

// ClientAddress is the address a request came from, for rate limits and
// logs: the host of the connection's remote address (r.RemoteAddr whole
// if it has no port). Forwarding headers (X-Forwarded-For, Forwarded) are
// not read: anyone can send them, and a client could pick the address its
// attempts count against. Behind a proxy, every client has the proxy's
// address unless the engine sets r.RemoteAddr from a header its proxy
// writes before the handlers run.
func ClientAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// ClientIP is [ClientAddress] as an IP address, an IPv4 address mapped
// into IPv6 unmapped and any zone dropped, so that it compares with the
// prefixes of an allow-list; false when the remote address is not an IP
// address.
func ClientIP(r *http.Request) (netip.Addr, bool) {
	a, err := netip.ParseAddr(ClientAddress(r))
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap().WithZone(""), true
}

// Bearer returns the token of an "Authorization: Bearer <token>" header,
// trimmed, or "" when the request carries none (no header, or another
// scheme).
func Bearer(r *http.Request) string {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return ""
	}
	return strings.TrimSpace(token)
}

// QueryWindow reads the window of a paged list: from (1-based, default 1)
// and limit (default def); what the window may be is the service's to say.
func QueryWindow(r *http.Request, def int) (from, limit int, err error) {
	if from, err = QueryInt(r, "from", 1); err != nil {
		return 0, 0, err
	}
	limit, err = QueryInt(r, "limit", def)
	return from, limit, err
}

// QueryInt reads the query parameter name as a whole number, def when it
// is absent or empty. Anything else is a *bookingkit.ValidationError
// naming the parameter (400).
func QueryInt(r *http.Request, name string, def int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, bookingkit.Invalid(name, v, "a whole number")
	}
	return n, nil
}
