package main

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Attack (issue 14, item 14): the "add services" QR code of a default
// voucher led to a 404. The URL printed on a voucher without MOGU now
// opens a page, on this server, that names the booking and says where
// services are added.
func TestMoguDefaultServicesVoucherOpensAPage(t *testing.T) {
	e := startMogu(t, "memory:", nil)
	for _, booking := range []string{"G1", "ITT/30 001"} {
		var v moguTestVoucher
		e.call("GET", "/api/backoffice/mogu/bookings/"+url.PathEscape(booking)+"/voucher?microsite=groups", engine(""), nil, http.StatusOK, &v)
		require.Equal(t, "services", v.Kind)
		require.True(t, strings.HasPrefix(v.URL, e.ts.URL+"/"), "the default points at this server: %s", v.URL)

		resp, err := http.Get(v.URL) // what a phone does with the scanned code
		require.NoError(t, err)
		raw, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.NoError(t, err)
		page := string(raw)
		require.Equal(t, http.StatusOK, resp.StatusCode, "%s: %s", v.URL, page)
		require.Contains(t, resp.Header.Get("Content-Type"), "text/html")
		require.Contains(t, page, "Add services to your booking")
		require.Contains(t, page, "<code>"+booking+"</code>")
	}
	status, _, body := e.do("GET", "/booking/"+strings.Repeat("x", 300)+"/services", nil, nil)
	require.Equal(t, http.StatusBadRequest, status, "%s", body)
}
