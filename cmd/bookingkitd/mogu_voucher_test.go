package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/internal/smtptest"
	"github.com/bookingkit/bookingkit/storage/storagetest/pgtest"
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

// With BOOKINGKIT_PUBLIC_URL, the voucher URLs (MOGU's claim URL and the
// services page) start at the public address, not the listening one.
func TestMoguVoucherURLsStartAtThePublicAddress(t *testing.T) {
	smtp := smtptest.Start(t)
	cfgFile := filepath.Join(t.TempDir(), "bookingkit.json")
	raw, err := json.Marshal(map[string]any{"mogu": map[string]any{"smtp_addr": smtp.Addr}})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(cfgFile, raw, 0o600))
	ts := startServer(t, map[string]string{
		"BOOKINGKIT_ENGINE_TOKEN": moguTestEngineToken,
		"BOOKINGKIT_MOGU_KEYS":    moguTestKeys,
		"BOOKINGKIT_PUBLIC_URL":   "https://trips.example.com/",
	}, "-db", "memory:", "-config", cfgFile)
	e := &moguEnvT{t: t, ts: ts, smtp: smtp}
	e.activate("main", true)
	e.call("PUT", "/api/backoffice/mogu/bookings/ITT-1", engine(""), moguBookingBody("b2c", "ana@example.com", "", "", "main"), http.StatusOK, nil)
	v := e.voucher("ITT-1")
	require.Equal(t, "mogu", v.Kind)
	require.True(t, strings.HasPrefix(v.URL, "HTTPS://TRIPS.EXAMPLE.COM/API/MOGU/C/"), v.URL)
	var s moguTestVoucher
	e.call("GET", "/api/backoffice/mogu/bookings/G1/voucher?microsite=groups", engine(""), nil, http.StatusOK, &s)
	require.Equal(t, "https://trips.example.com/booking/G1/services", s.URL)
	require.NotContains(t, ts.stderr.String(), "neither mogu.claim_url_base nor BOOKINGKIT_PUBLIC_URL")
}

// Attack (issue 14, item 17): a voucher printed by one server was refused
// by another, because the claim URL carried the printing server's
// listening address and the claim compared it. Two real server processes
// on one PostgreSQL database, with the one public address they serve
// behind: a voucher printed by A is claimed through B.
func TestMoguVoucherPrintedByOneServerClaimedOnAnother(t *testing.T) {
	db := pgtest.URL(t)
	smtp := smtptest.Start(t)
	env := map[string]string{
		"BOOKINGKIT_ENGINE_TOKEN": moguTestEngineToken,
		"BOOKINGKIT_PUBLIC_URL":   "https://trips.example.com",
		"BOOKINGKIT_SMTP_ADDR":    smtp.Addr,
	}
	// No claim keys are given: A generates one in the database and B uses
	// the same.
	a := &moguEnvT{t: t, ts: &testServer{URL: startProcess(t, env, "-db", db).URL}, smtp: smtp}
	b := &moguEnvT{t: t, ts: &testServer{URL: startProcess(t, env, "-db", db).URL}, smtp: smtp}
	require.NotEqual(t, a.ts.URL, b.ts.URL)

	a.activate("main", true)
	a.call("PUT", "/api/backoffice/mogu/bookings/ITT-10593", engine(""), moguBookingBody("b2c", "ana@example.com", "", "", "main"), http.StatusOK, nil)
	printed := a.voucher("ITT-10593")
	require.Equal(t, "mogu", printed.Kind)
	require.True(t, strings.HasPrefix(printed.URL, "HTTPS://TRIPS.EXAMPLE.COM/API/MOGU/C/"), printed.URL)
	require.Equal(t, printed.URL[:len("HTTPS://TRIPS.EXAMPLE.COM/API/MOGU/C/")], b.voucher("ITT-10593").URL[:len("HTTPS://TRIPS.EXAMPLE.COM/API/MOGU/C/")], "both print one base")

	ana := b.signUp("ana@example.com")
	var claimed moguTestTrip
	b.call("POST", "/api/mogu/claims", session(ana), map[string]string{"url": printed.URL}, http.StatusOK, &claimed)
	require.Equal(t, "ITT-10593", claimed.BookingID)
	require.True(t, claimed.Claimed)
	require.Equal(t, []string{"ITT-10593"}, a.tripIDs(ana), "A sees the claim made through B")

	// The landing page of the printed code answers on either server (the
	// proxy may send the phone to either).
	for _, s := range []*moguEnvT{a, b} {
		status, _, page := s.do("GET", claimPath(t, printed.URL), nil, nil)
		require.Equal(t, http.StatusOK, status, "%s", page)
	}
}
