package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/account"
	"github.com/bookingkit/bookingkit/cmd/internal/config"
	"github.com/bookingkit/bookingkit/internal/secret"
	"github.com/bookingkit/bookingkit/internal/smtptest"
	"github.com/bookingkit/bookingkit/mogu"
	"github.com/bookingkit/bookingkit/storage/memory"
	"github.com/bookingkit/bookingkit/storage/storagetest/pgtest"
)

const moguTestEngineToken = "engine-token-for-tests"

// moguTestKeys is a fixed claim key, so a failing run reproduces.
var moguTestKeys = "1:" + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0x5a}, 32))

// moguEnvT is a running server with MOGU configured: mail goes to an
// in-process SMTP server.
type moguEnvT struct {
	t    *testing.T
	ts   *testServer
	smtp *smtptest.Server
}

// startMogu starts the server on db with the mogu section extra merged
// into the defaults of the tests.
func startMogu(t *testing.T, db string, extra map[string]any) *moguEnvT {
	t.Helper()
	smtp := smtptest.Start(t)
	section := map[string]any{"smtp_addr": smtp.Addr, "mail_from": "mogu@bookingkit.test"}
	for k, v := range extra {
		section[k] = v
	}
	raw, err := json.Marshal(map[string]any{"mogu": section})
	require.NoError(t, err)
	cfgFile := filepath.Join(t.TempDir(), "bookingkit.json")
	require.NoError(t, os.WriteFile(cfgFile, raw, 0o600))
	ts := startServer(t, map[string]string{
		"BOOKINGKIT_ENGINE_TOKEN": moguTestEngineToken,
		"BOOKINGKIT_MOGU_KEYS":    moguTestKeys,
	}, "-db", db, "-config", cfgFile)
	return &moguEnvT{t: t, ts: ts, smtp: smtp}
}

// do sends a request and returns the status, the headers and the body.
// A non-nil in is sent as JSON.
func (e *moguEnvT) do(method, path string, header http.Header, in any) (int, http.Header, []byte) {
	e.t.Helper()
	var body io.Reader
	if in != nil {
		raw, err := json.Marshal(in)
		require.NoError(e.t, err)
		body = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, e.ts.URL+path, body)
	require.NoError(e.t, err)
	for k, v := range header {
		req.Header[k] = v
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(e.t, err)
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	require.NoError(e.t, err)
	return resp.StatusCode, resp.Header, out
}

// call is do for JSON answers: it checks the status and decodes into out.
func (e *moguEnvT) call(method, path string, header http.Header, in any, wantStatus int, out any) {
	e.t.Helper()
	status, _, body := e.do(method, path, header, in)
	require.Equal(e.t, wantStatus, status, "%s %s: %s", method, path, body)
	if out != nil {
		require.NoError(e.t, json.Unmarshal(body, out), "%s %s: %s", method, path, body)
	}
}

// engine returns the headers of the back office acting for operator ("":
// the engine itself).
func engine(operator string) http.Header {
	h := http.Header{"Authorization": {"Bearer " + moguTestEngineToken}}
	if operator != "" {
		h.Set("X-Operator", operator)
	}
	return h
}

func session(token string) http.Header {
	return http.Header{"Authorization": {"Bearer " + token}}
}

// signUp registers an app account through the mailed link and returns
// its session token.
func (e *moguEnvT) signUp(email string) string {
	e.t.Helper()
	e.call("POST", "/api/mogu/register", nil, map[string]string{"email": email}, http.StatusAccepted, nil)
	token := e.mailedToken(email)
	var s struct {
		SessionToken string `json:"session_token"`
		Account      struct{ ID, Email string }
	}
	e.call("POST", "/api/mogu/password", nil, map[string]string{"token": token, "password": "Tenerife in December, 2026!"}, http.StatusOK, &s)
	require.Equal(e.t, strings.ToLower(email), s.Account.Email)
	require.NotEmpty(e.t, s.SessionToken)
	return s.SessionToken
}

var moguLinkToken = regexp.MustCompile(`token=(\S+)`)

// mailedToken waits for the link mailed to email and returns its token.
func (e *moguEnvT) mailedToken(email string) string {
	e.t.Helper()
	select {
	case m := <-e.smtp.Messages:
		require.Equal(e.t, []string{strings.ToLower(email)}, m.To)
		match := moguLinkToken.FindStringSubmatch(m.Body)
		require.NotNil(e.t, match, "no link in %q", m.Body)
		token, err := url.QueryUnescape(match[1])
		require.NoError(e.t, err)
		return token
	case <-time.After(10 * time.Second):
		e.t.Fatalf("no mail to %s", email)
		return ""
	}
}

type moguTestTrip struct {
	BookingID string `json:"booking_id"`
	Link      string `json:"link"`
	Claimed   bool   `json:"claimed"`
}

// tripIDs returns the booking IDs of the account's upcoming trips.
func (e *moguEnvT) tripIDs(sessionToken string) []string {
	e.t.Helper()
	var page struct {
		Items []moguTestTrip
		Next  string
	}
	e.call("GET", "/api/mogu/trips", session(sessionToken), nil, http.StatusOK, &page)
	ids := []string{}
	for _, tr := range page.Items {
		ids = append(ids, tr.BookingID)
	}
	return ids
}

func (e *moguEnvT) activate(microsite string, active bool) {
	e.t.Helper()
	e.call("PUT", "/api/backoffice/mogu/microsites/"+microsite+"/activation", engine("am@engine.example"), map[string]any{"active": active}, http.StatusOK, nil)
}

func moguBookingBody(channel, contact, agent, agency, microsite string) map[string]any {
	start := time.Now().UTC().Add(10 * 24 * time.Hour).Truncate(time.Second)
	b := map[string]any{
		"channel": channel, "contact_email": contact, "microsite_id": microsite, "title": "Madrid – Tenerife",
		"travelers": 2, "start": start.Format(time.RFC3339), "end": start.Add(7 * 24 * time.Hour).Format(time.RFC3339),
	}
	if agent != "" {
		b["agent_email"], b["agency_id"] = agent, agency
	}
	return b
}

type moguTestVoucher struct {
	Kind, URL, Reason string
}

func (e *moguEnvT) voucher(booking string) moguTestVoucher {
	e.t.Helper()
	var v moguTestVoucher
	e.call("GET", "/api/backoffice/mogu/bookings/"+booking+"/voucher", engine(""), nil, http.StatusOK, &v)
	return v
}

// claimPath is the path of a voucher's claim URL, as printed.
func claimPath(t *testing.T, claimURL string) string {
	t.Helper()
	u, err := url.Parse(claimURL)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(u.Path, "/API/MOGU/C/"), claimURL)
	return u.Path
}

// moguDoneWhen is the "done when", over HTTP.
func moguDoneWhen(t *testing.T, db string) {
	e := startMogu(t, db, nil)
	e.activate("main", true)

	// The engine registers an agent's booking that carries the agent's
	// own email, and a traveller's own booking.
	e.call("PUT", "/api/backoffice/mogu/bookings/ITT-10593", engine(""), moguBookingBody("b2b", "Desk@Agency.example", "desk@agency.example", "AG1", "main"), http.StatusOK, nil)
	e.call("PUT", "/api/backoffice/mogu/bookings/ITT-20001", engine(""), moguBookingBody("b2c", "ana@example.com", "", "", "main"), http.StatusOK, nil)

	ana := e.signUp("Ana@Example.com")
	agent := e.signUp("desk@agency.example")
	bob := e.signUp("bob@example.com")

	// A B2C booking is in the traveller's list without scanning; the B2B
	// booking with the agent's email is in nobody's list.
	require.Equal(t, []string{"ITT-20001"}, e.tripIDs(ana))
	require.Empty(t, e.tripIDs(agent), "the agent's email on a booking does not put it in the agent's app")
	require.Empty(t, e.tripIDs(bob))
	for _, who := range []string{ana, agent, bob} {
		e.call("GET", "/api/mogu/trips/ITT-10593", session(who), nil, http.StatusNotFound, nil)
	}

	// The voucher carries MOGU's QR code; opening its URL (as a mail
	// scanner does) shows the landing page and claims nothing.
	v := e.voucher("ITT-10593")
	require.Equal(t, "mogu", v.Kind)
	path := claimPath(t, v.URL)
	status, header, page := e.do("GET", path, nil, nil)
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, string(page), "Open in the MOGU app")
	require.Equal(t, "no-referrer", header.Get("Referrer-Policy"))
	require.Equal(t, "no-store", header.Get("Cache-Control"))
	status, _, _ = e.do("GET", strings.ToLower(path), nil, nil)
	require.Equal(t, http.StatusOK, status, "the lower-case path works too")
	require.Equal(t, []string{"ITT-20001"}, e.tripIDs(ana), "opening the landing page claims nothing")

	// The agent may not claim in the app; the traveller scans and gets it.
	e.call("POST", "/api/mogu/claims", session(agent), map[string]string{"url": v.URL}, http.StatusForbidden, nil)
	var claimed moguTestTrip
	e.call("POST", "/api/mogu/claims", session(ana), map[string]string{"url": v.URL}, http.StatusOK, &claimed)
	require.Equal(t, moguTestTrip{BookingID: "ITT-10593", Link: "traveler", Claimed: true}, claimed)
	require.ElementsMatch(t, []string{"ITT-10593", "ITT-20001"}, e.tripIDs(ana))
	e.call("GET", "/api/mogu/trips/ITT-10593", session(ana), nil, http.StatusOK, nil)
	require.Empty(t, e.tripIDs(agent), "still not the agent's")
	require.Empty(t, e.tripIDs(bob), "nor anyone else's")

	// A booking from a microsite without MOGU: not registered, the
	// engine's own QR code, and the back office is told why.
	var refused errorBody
	e.call("PUT", "/api/backoffice/mogu/bookings/ITT-30001", engine(""), moguBookingBody("b2c", "ana@example.com", "", "", "groups"), http.StatusConflict, &refused)
	require.Contains(t, refused.Error, "MOGU has never been activated for microsite groups")
	var st struct {
		Registered, Claimable bool
		Reason                string
	}
	e.call("GET", "/api/backoffice/mogu/bookings/ITT-30001/status?microsite=groups", engine(""), nil, http.StatusOK, &st)
	require.False(t, st.Registered)
	require.Contains(t, st.Reason, "not registered in MOGU: MOGU has never been activated for microsite groups")
	var gv moguTestVoucher
	e.call("GET", "/api/backoffice/mogu/bookings/ITT-30001/voucher?microsite=groups", engine(""), nil, http.StatusOK, &gv)
	require.Equal(t, "services", gv.Kind)
	require.Contains(t, gv.URL, "/booking/ITT-30001/services")
	status, header, img := e.do("GET", "/api/backoffice/mogu/bookings/ITT-30001/qr?microsite=groups", engine(""), nil)
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, "services", header.Get("X-Mogu-Voucher-Kind"))
	require.Equal(t, "image/png", header.Get("Content-Type"))
	require.True(t, bytes.HasPrefix(img, []byte("\x89PNG")))
	require.NotContains(t, e.tripIDs(ana), "ITT-30001")

	// A registered booking whose microsite is then switched off cannot be
	// claimed any more, and its voucher falls back to the engine's QR.
	e.call("PUT", "/api/backoffice/mogu/bookings/ITT-40001", engine(""), moguBookingBody("b2b", "desk@agency.example", "desk@agency.example", "AG1", "main"), http.StatusOK, nil)
	token := e.voucher("ITT-40001").URL
	e.activate("main", false)
	e.call("POST", "/api/mogu/claims", session(bob), map[string]string{"url": token}, http.StatusConflict, &refused)
	require.Contains(t, refused.Error, "MOGU is not active for microsite main")
	require.Equal(t, "services", e.voucher("ITT-40001").Kind)
	require.Empty(t, e.tripIDs(bob))
	require.ElementsMatch(t, []string{"ITT-10593", "ITT-20001"}, e.tripIDs(ana), "trips claimed before stay")

	var history struct {
		Items []struct {
			Seq    int64
			Active bool
			By     string
		}
	}
	e.call("GET", "/api/backoffice/mogu/microsites/main/activation/history", engine(""), nil, http.StatusOK, &history)
	require.Len(t, history.Items, 2)
	require.Equal(t, "am@engine.example", history.Items[0].By)
	require.False(t, history.Items[0].Active)
}

func TestMoguDoneWhenOnSQLite(t *testing.T) {
	moguDoneWhen(t, filepath.Join(t.TempDir(), "bookingkit.db"))
}

func TestMoguDoneWhenOnPostgres(t *testing.T) {
	moguDoneWhen(t, pgtest.URL(t))
}

// A flood of claims from one address is cut off with 429 and Retry-After,
// whichever account sends them and whatever the tokens.
func TestMoguClaimFloodFromOneAddressIs429(t *testing.T) {
	e := startMogu(t, "memory:", map[string]any{"claims_burst": 3, "claims_interval": "1h"})
	eve := e.signUp("eve@example.com")
	mallory := e.signUp("mallory@example.com")
	forged := "AEAAAAB2ZGZYTGQ2AEAAAAB2ZGZYTGQ2AEAAAAB2ZGZYTGQ2AEAAAAB2ZG"
	for i := range 3 {
		status, _, body := e.do("POST", "/api/mogu/claims", session(eve), map[string]string{"token": fmt.Sprintf("GUESS%dAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", i)})
		require.Equal(t, http.StatusUnauthorized, status, "attempt %d: %s", i, body)
	}
	for _, who := range []string{eve, mallory} {
		status, header, body := e.do("POST", "/api/mogu/claims", session(who), map[string]string{"token": forged})
		require.Equal(t, http.StatusTooManyRequests, status, "%s", body)
		require.NotEmpty(t, header.Get("Retry-After"))
	}
	// Listing trips is not a claim: it still works.
	require.Empty(t, e.tripIDs(eve))
}

// Claims need a signed-in app account; back-office routes need the
// engine token.
func TestMoguAuthentication(t *testing.T) {
	e := startMogu(t, "memory:", nil)
	for _, tt := range []struct {
		method, path string
		header       http.Header
		body         any
		want         int
	}{
		{"POST", "/api/mogu/claims", nil, map[string]string{"token": "X"}, http.StatusUnauthorized},
		{"POST", "/api/mogu/claims", session("not-a-session"), map[string]string{"token": "X"}, http.StatusUnauthorized},
		{"GET", "/api/mogu/trips", nil, nil, http.StatusUnauthorized},
		{"GET", "/api/backoffice/mogu/account/bookings", http.Header{"X-Operator": {"op-1"}}, nil, http.StatusUnauthorized},
		{"GET", "/api/backoffice/mogu/bookings/ITT-1/qr", http.Header{"Authorization": {"Bearer wrong"}}, nil, http.StatusUnauthorized},
		{"PUT", "/api/backoffice/mogu/microsites/main/activation", engine(""), map[string]bool{"active": true}, http.StatusBadRequest}, // who is missing
		{"GET", "/api/backoffice/mogu/account", engine(""), nil, http.StatusBadRequest},
	} {
		status, _, body := e.do(tt.method, tt.path, tt.header, tt.body)
		require.Equal(t, tt.want, status, "%s %s: %s", tt.method, tt.path, body)
	}
	status, _, body := e.do("POST", "/api/mogu/login", nil, map[string]string{"email": "nobody@example.com", "password": "whatever whatever"})
	require.Equal(t, http.StatusUnauthorized, status, "%s", body)
}

// An operator sees only the account they are in; another agency's
// bookings are refused or read as not found.
func TestMoguOperatorCannotReadAnotherAgency(t *testing.T) {
	e := startMogu(t, "memory:", map[string]any{"administrators": []string{"admin"}})
	e.activate("main", true)
	e.call("PUT", "/api/backoffice/mogu/bookings/AG1-1", engine(""), moguBookingBody("b2b", "ana@example.com", "desk@ag1.example", "AG1", "main"), http.StatusOK, nil)
	e.call("PUT", "/api/backoffice/mogu/bookings/AG2-1", engine(""), moguBookingBody("b2b", "bob@example.com", "desk@ag2.example", "AG2", "main"), http.StatusOK, nil)
	e.call("PUT", "/api/backoffice/mogu/bookings/B2C-1", engine(""), moguBookingBody("b2c", "eve@example.com", "", "", "main"), http.StatusOK, nil)

	// Before any grant the operator is in no account.
	e.call("GET", "/api/backoffice/mogu/account/bookings", engine("op-1"), nil, http.StatusForbidden, nil)
	e.call("GET", "/api/backoffice/mogu/accounts/AG1", engine("op-1"), nil, http.StatusForbidden, nil)

	e.call("PUT", "/api/backoffice/mogu/operators/op-1/memberships/AG1", engine("admin"), nil, http.StatusCreated, nil)
	e.call("PUT", "/api/backoffice/mogu/operators/op-1/memberships/AG1", engine("admin"), nil, http.StatusConflict, nil)

	// The "open in MOGU" link is for B2B users, names the agency account,
	// and lands the operator in it.
	var link struct {
		Shown bool
		URL   string
	}
	e.call("GET", "/api/backoffice/mogu/open-link?user_channel=b2c&booking=AG1-1&booking_channel=b2b&agency=AG1", engine(""), nil, http.StatusOK, &link)
	require.False(t, link.Shown)
	e.call("GET", "/api/backoffice/mogu/open-link?user_channel=b2b&booking=AG1-1&booking_channel=b2b&agency=AG1", engine(""), nil, http.StatusOK, &link)
	require.True(t, link.Shown)
	u, err := url.Parse(link.URL)
	require.NoError(t, err)
	require.Equal(t, "/api/backoffice/mogu/accounts/AG1/bookings/AG1-1", u.Path)
	var landed struct {
		BookingID string `json:"booking_id"`
	}
	e.call("GET", u.Path, engine("op-1"), nil, http.StatusOK, &landed)
	require.Equal(t, "AG1-1", landed.BookingID)
	var current struct {
		AgencyID string `json:"agency_id"`
	}
	e.call("GET", "/api/backoffice/mogu/account", engine("op-1"), nil, http.StatusOK, &current)
	require.Equal(t, "AG1", current.AgencyID)

	var page struct {
		Items []struct {
			BookingID string `json:"booking_id"`
		}
	}
	e.call("GET", "/api/backoffice/mogu/account/bookings", engine("op-1"), nil, http.StatusOK, &page)
	require.Len(t, page.Items, 1)
	require.Equal(t, "AG1-1", page.Items[0].BookingID)

	// Another agency: by ID, by switching, by its link.
	e.call("GET", "/api/backoffice/mogu/account/bookings/AG2-1", engine("op-1"), nil, http.StatusNotFound, nil)
	e.call("GET", "/api/backoffice/mogu/account/bookings/B2C-1", engine("op-1"), nil, http.StatusNotFound, nil)
	var refused errorBody
	e.call("PUT", "/api/backoffice/mogu/account", engine("op-1"), map[string]string{"agency_id": "AG2"}, http.StatusForbidden, &refused)
	require.Contains(t, refused.Error, "has no access to agency account AG2")
	e.call("GET", "/api/backoffice/mogu/accounts/AG2/bookings/AG2-1", engine("op-1"), nil, http.StatusForbidden, nil)
	e.call("GET", "/api/backoffice/mogu/account", engine("op-1"), nil, http.StatusOK, &current)
	require.Equal(t, "AG1", current.AgencyID, "a refused switch leaves the operator where they were")
	// Another operator's header does not carry op-1's access.
	e.call("GET", "/api/backoffice/mogu/account/bookings", engine("op-2"), nil, http.StatusForbidden, nil)

	// Revoking takes the operator out at once.
	e.call("DELETE", "/api/backoffice/mogu/operators/op-1/memberships/AG1", engine("admin"), nil, http.StatusNoContent, nil)
	e.call("GET", "/api/backoffice/mogu/account/bookings", engine("op-1"), nil, http.StatusForbidden, nil)
	e.call("DELETE", "/api/backoffice/mogu/operators/op-1/memberships/AG1", engine("admin"), nil, http.StatusNotFound, nil)
}

// Bad input to the back office is refused naming the field, and nothing
// is registered.
func TestMoguBookingInputIsValidated(t *testing.T) {
	e := startMogu(t, "memory:", nil)
	e.activate("main", true)
	good := moguBookingBody("b2b", "ana@example.com", "desk@ag1.example", "AG1", "main")
	for _, tt := range []struct {
		change func(map[string]any)
		field  string
	}{
		{func(b map[string]any) { b["channel"] = "b2x" }, "channel"},
		{func(b map[string]any) { b["start"] = "tomorrow" }, "start"},
		{func(b map[string]any) { delete(b, "agent_email") }, "agent_email"},
		{func(b map[string]any) { b["travelers"] = 0 }, "travelers"},
		{func(b map[string]any) { b["end"] = "2000-01-01T00:00:00Z" }, "end"},
		{func(b map[string]any) { b["contact_email"] = "not an email" }, "contact_email"},
		{func(b map[string]any) { b["booking_id"] = "ITT-9" }, "body"},
	} {
		b := map[string]any{}
		for k, v := range good {
			b[k] = v
		}
		tt.change(b)
		var eb errorBody
		e.call("PUT", "/api/backoffice/mogu/bookings/ITT-9", engine(""), b, http.StatusBadRequest, &eb)
		require.Equal(t, tt.field, eb.Field, eb.Error)
	}
	var st struct{ Registered bool }
	e.call("GET", "/api/backoffice/mogu/bookings/ITT-9/status", engine(""), nil, http.StatusOK, &st)
	require.False(t, st.Registered, "nothing was stored")

	for _, q := range []string{"format=gif", "size=0", "size=41", "size=x"} {
		status, _, body := e.do("GET", "/api/backoffice/mogu/bookings/ITT-9/qr?microsite=main&"+q, engine(""), nil)
		require.Equal(t, http.StatusBadRequest, status, "%s: %s", q, body)
	}
	status, header, svg := e.do("GET", "/api/backoffice/mogu/bookings/ITT-9/qr?microsite=main&format=svg&size=4", engine(""), nil)
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, "image/svg+xml", header.Get("Content-Type"))
	require.Contains(t, string(svg), "<svg")
}

// The landing page refuses what cannot be a token and never echoes
// markup.
func TestMoguLandingPage(t *testing.T) {
	e := startMogu(t, "memory:", map[string]any{"app_claim_url": "mogu://claim/{token}"})
	status, _, page := e.do("GET", "/API/MOGU/C/AEAAAAB2ZGZYTGQ2AEAAAAB2ZGZYTGQ2", nil, nil)
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, string(page), `href="mogu://claim/AEAAAAB2ZGZYTGQ2AEAAAAB2ZGZYTGQ2"`)
	for _, bad := range []string{"%3Cscript%3E", "short", strings.Repeat("A", mogu.MaxTokenLen+1), "AEAAAAB2ZGZYTGQ2AEAAAAB2ZGZYTGQ1"} {
		status, _, page := e.do("GET", "/API/MOGU/C/"+bad, nil, nil)
		require.Equal(t, http.StatusNotFound, status, bad)
		require.NotContains(t, string(page), "<script>")
		require.NotContains(t, string(page), "mogu://claim")
	}
}

// On first start without configured keys, a claim key is generated and
// kept in the database; later starts use it, so printed vouchers keep
// working.
func TestMoguClaimKeyIsGeneratedOnceAndKept(t *testing.T) {
	ctx := context.Background()
	stores := memory.New().Stores()
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	first, err := newServices(ctx, logger, testConfig(), stores, io.Discard)
	require.NoError(t, err)
	require.Contains(t, logs.String(), "generated a claim-signing key")
	stored, err := stores.Settings.Setting(ctx, config.MoguKeysSetting)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(stored, "1:"))
	require.NotContains(t, logs.String(), stored[2:], "the key is never logged")

	_, err = first.mogu.svc.SetActive(ctx, "main", true, "am", "")
	require.NoError(t, err)
	_, err = first.mogu.svc.RegisterBooking(ctx, mogu.Trip{
		Booking:   mogu.Booking{ID: "ITT-1", Channel: mogu.B2C, ContactEmail: "ana@example.com", MicrositeID: "main"},
		Travelers: 1, Start: time.Now().Add(time.Hour), End: time.Now().Add(48 * time.Hour),
	})
	require.NoError(t, err)
	v, err := first.mogu.svc.Voucher(ctx, mogu.Booking{ID: "ITT-1"})
	require.NoError(t, err)
	token, err := first.mogu.svc.TokenFromClaimURL(v.URL)
	require.NoError(t, err)

	logs.Reset()
	second, err := newServices(ctx, logger, testConfig(), stores, io.Discard)
	require.NoError(t, err)
	require.NotContains(t, logs.String(), "generated")
	at, err := second.mogu.svc.Claim(ctx, mogu.Account{ID: "acc-ana", Email: "ana@example.com"}, token, "")
	require.NoError(t, err, "a voucher printed before a restart still works")
	require.Equal(t, mogu.LinkByEmail, at.Link)
}

func TestMoguConfigErrors(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		name    string
		env     string
		file    config.Mogu
		wantErr string
	}{
		{"short key", "1:" + base64.StdEncoding.EncodeToString([]byte("short")), config.Mogu{}, "at least 32 bytes"},
		{"no id", base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{1}, 32)), config.Mogu{}, "ID:base64-secret"},
		{"not base64", "1:***", config.Mogu{}, "not base64"},
		{"duplicate id", moguTestKeys + "," + moguTestKeys, config.Mogu{}, "used by another key"},
		{"bad file key", "", config.Mogu{Keys: []string{"0:abc"}}, "config mogu.keys"},
		{"claim base outside QR alphanumerics", "", config.Mogu{ClaimURLBase: "https://mogu.example/c?x=1/"}, "claim_url_base"},
		{"services template without booking", "", config.Mogu{ServicesURLTemplate: "https://engine.example/services"}, "{booking}"},
		{"bad lifetime", "", config.Mogu{TokenLifetimeAfterTrip: "a week"}, "token_lifetime_after_trip"},
		{"link template without token", "", config.Mogu{SetPasswordURL: "https://app.example/set"}, "set_password_url"},
		{"negative burst", "", config.Mogu{ClaimsBurst: -1}, "claims_burst"},
		{"bad session lifetime", "", config.Mogu{SessionLifetime: "-1h"}, "session_lifetime"},
	} {
		cfg := testConfig()
		cfg.MoguEnv.Keys, cfg.File.Mogu = tt.env, tt.file
		_, err := newServices(ctx, slog.New(slog.DiscardHandler), cfg, memory.New().Stores(), io.Discard)
		require.ErrorContains(t, err, tt.wantErr, tt.name)
		if tt.env != "" && strings.Contains(tt.env, ":") {
			require.NotContains(t, err.Error(), tt.env[strings.Index(tt.env, ":")+1:], "%s: the secret is not repeated", tt.name)
		}
	}
}

// Reissuing a voucher voids the QR codes printed before; accounts that
// claimed the trip keep it; a voucher is claimed by at most as many
// accounts as the booking has travellers.
func TestMoguReissueAndClaimBound(t *testing.T) {
	e := startMogu(t, "memory:", nil)
	e.activate("main", true)
	body := moguBookingBody("b2b", "desk@agency.example", "desk@agency.example", "AG1", "main")
	body["travelers"] = 1
	e.call("PUT", "/api/backoffice/mogu/bookings/ITT-7", engine(""), body, http.StatusOK, nil)
	old := e.voucher("ITT-7").URL
	ana, bob := e.signUp("ana@example.com"), e.signUp("bob@example.com")

	var trip struct {
		TokenGeneration int `json:"token_generation"`
	}
	e.call("POST", "/api/backoffice/mogu/bookings/ITT-7/reissue", engine(""), nil, http.StatusOK, &trip)
	require.Equal(t, 2, trip.TokenGeneration)
	e.call("POST", "/api/mogu/claims", session(ana), map[string]string{"url": old}, http.StatusUnauthorized, nil)
	fresh := e.voucher("ITT-7").URL
	require.NotEqual(t, old, fresh)
	e.call("POST", "/api/mogu/claims", session(ana), map[string]string{"url": fresh}, http.StatusOK, nil)
	e.call("POST", "/api/mogu/claims", session(ana), map[string]string{"url": strings.ToLower(fresh)}, http.StatusOK, nil)
	var refused errorBody
	e.call("POST", "/api/mogu/claims", session(bob), map[string]string{"url": fresh}, http.StatusConflict, &refused)
	require.Contains(t, refused.Error, "has 1 travellers")
	e.call("POST", "/api/backoffice/mogu/bookings/ITT-7/reissue", engine(""), nil, http.StatusOK, nil)
	require.Equal(t, []string{"ITT-7"}, e.tripIDs(ana), "a reissue does not unlink")
	e.call("POST", "/api/backoffice/mogu/bookings/NOPE/reissue", engine(""), nil, http.StatusNotFound, nil)

	// Signing out ends the session.
	e.call("POST", "/api/mogu/logout", session(ana), nil, http.StatusNoContent, nil)
	e.call("GET", "/api/mogu/trips", session(ana), nil, http.StatusUnauthorized, nil)
}

// The app's session lasts until the traveller signs out (the seed: "la
// sesión solo se cierra si el viajero escoge cerrarla"): its stored end is
// account.UntilSignOut, not a fixed lifetime (issue 19).
func TestMoguSessionLastsUntilSignOut(t *testing.T) {
	ctx := context.Background()
	stores := memory.New().Stores()
	svc, err := newServices(ctx, slog.New(slog.DiscardHandler), testConfig(), stores, io.Discard)
	require.NoError(t, err)
	_, link, err := svc.mogu.accounts.Service().Create(ctx, "ana@example.com", "")
	require.NoError(t, err)
	signed, err := svc.mogu.accounts.SetPassword(ctx, link, "a long trip to Tenerife 2027")
	require.NoError(t, err)
	sess, err := stores.Accounts.Session(ctx, secret.Hash(signed.Session))
	require.NoError(t, err)
	require.True(t, account.UntilSignOut.Equal(sess.ExpiresAt), "%s", sess.ExpiresAt)
	require.NoError(t, svc.mogu.accounts.Logout(ctx, signed.Session))
	_, err = svc.mogu.accounts.Authenticate(ctx, signed.Session)
	require.ErrorIs(t, err, bookingkit.ErrUnauthorized)
}
