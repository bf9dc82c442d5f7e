package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/account"
	"github.com/bookingkit/bookingkit/cmd/internal/backend"
	"github.com/bookingkit/bookingkit/internal/smtptest"
	"github.com/bookingkit/bookingkit/partner"
	"github.com/bookingkit/bookingkit/storage/storagetest/pgtest"
)

const partnerTestEngineToken = "engine-token-for-partner-tests-0123456789"

// partnerWorld is a running server with a signed-in administrator.
type partnerWorld struct {
	t     *testing.T
	ts    *testServer
	smtp  *smtptest.Server
	admin *partnerClient
	// lastLink is the set-password link of the last mail read.
	lastLink string
}

// partnerClient calls the JSON API as one session (or none).
type partnerClient struct {
	t     *testing.T
	base  string
	token string
}

// do sends body (JSON unless nil) and checks the status; out receives the
// JSON answer.
func (c *partnerClient) do(method, path string, body any, want int, out any) {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(c.t, err)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	require.NoError(c.t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	require.Equal(c.t, want, resp.StatusCode, "%s %s answered %s", method, path, raw)
	if out != nil {
		require.NoError(c.t, json.Unmarshal(raw, out), "%s %s: %s", method, path, raw)
	}
}

func (c *partnerClient) as(token string) *partnerClient {
	return &partnerClient{t: c.t, base: c.base, token: token}
}

// partnerBootstrap creates the first administrator in the database, as
// `bookingkit partner admin add` does, and returns the one-time token.
func partnerBootstrap(t *testing.T, dsn, email, name string) string {
	t.Helper()
	ctx := context.Background()
	stores, err := backend.Open(ctx, dsn)
	require.NoError(t, err)
	defer stores.Close()
	svc := &partner.Service{Store: stores.Partner}
	u, err := svc.CreateUser(ctx, partner.Actor{UserID: "bookingkit-cli", Role: partner.RoleAdministrator},
		partner.NewUser{Role: partner.RoleAdministrator, Name: name, Email: email})
	require.NoError(t, err)
	_, token, err := account.New(stores.Accounts, account.Config{Realm: partner.Realm}).Create(ctx, u.Email, u.ID)
	require.NoError(t, err)
	return token
}

func startPartnerWorld(t *testing.T, dsn string) *partnerWorld {
	t.Helper()
	smtp := smtptest.Start(t)
	return startPartnerWorldWith(t, dsn, smtp, smtp.Addr, nil)
}

// startPartnerWorldWith starts the server mailing through smtpAddr, with
// more environment variables.
func startPartnerWorldWith(t *testing.T, dsn string, smtp *smtptest.Server, smtpAddr string, env map[string]string) *partnerWorld {
	t.Helper()
	adminToken := partnerBootstrap(t, dsn, "root@vendor.example", "Root Admin")
	vars := map[string]string{
		"BOOKINGKIT_ENGINE_TOKEN": partnerTestEngineToken,
		"BOOKINGKIT_SMTP_ADDR":    smtpAddr,
		"BOOKINGKIT_SMTP_FROM":    "partners@vendor.example",
	}
	for k, v := range env {
		vars[k] = v
	}
	ts := startServer(t, vars, "-db", dsn)
	w := &partnerWorld{t: t, ts: ts, smtp: smtp}
	anon := &partnerClient{t: t, base: ts.URL}
	var sess partnerSessionJSON
	anon.do("POST", "/api/partner/password", map[string]string{"token": adminToken, "password": "correct horse battery staple"}, http.StatusOK, &sess)
	require.Equal(t, "administrator", sess.User.Role)
	w.admin = anon.as(sess.SessionToken)
	return w
}

var partnerLinkToken = regexp.MustCompile(`/partner/set-password\?token=(\S+)`)

// mailedToken waits for the set-password mail to `to` and returns its token.
func (w *partnerWorld) mailedToken(to string) string {
	w.t.Helper()
	select {
	case m := <-w.smtp.Messages:
		require.Equal(w.t, []string{to}, m.To)
		match := partnerLinkToken.FindStringSubmatch(m.Body)
		require.NotNil(w.t, match, "no link in %q", m.Body)
		w.lastLink = regexp.MustCompile(`\S+/partner/set-password\?token=\S+`).FindString(m.Body)
		token, err := url.QueryUnescape(match[1])
		require.NoError(w.t, err)
		return token
	case <-time.After(10 * time.Second):
		w.t.Fatalf("no mail to %s", to)
		return ""
	}
}

// partnerUser has the administrator create a user, then signs them in
// through the mailed link.
func (w *partnerWorld) partnerUser(partnerID, name, email string) (*partnerClient, partnerUserJSON) {
	w.t.Helper()
	var u partnerUserJSON
	w.admin.do("POST", "/api/partner/users", map[string]string{"partner_id": partnerID, "role": "partner_user", "name": name, "email": email}, http.StatusCreated, &u)
	token := w.mailedToken(email)
	var sess partnerSessionJSON
	w.admin.as("").do("POST", "/api/partner/password", map[string]string{"token": token, "password": "a long password for " + name}, http.StatusOK, &sess)
	require.Equal(w.t, u.ID, sess.User.ID)
	return w.admin.as(sess.SessionToken), u
}

func TestPartnerSeedFlowOverHTTPOnSQLite(t *testing.T) {
	partnerSeedFlow(t, filepath.Join(t.TempDir(), "bookingkit.db"))
}

func TestPartnerSeedFlowOverHTTPOnPostgres(t *testing.T) {
	partnerSeedFlow(t, pgtest.URL(t))
}

// partnerSeedFlow: a partner user walks the seed's flows — creates a WDS
// instance (provision, read the contract, generate), adds licences,
// releases one from a terminal found by serial in the activity search,
// requests deactivation of a licence and of the instance with reasons,
// which an administrator approves — and a second partner sees none of it.
func partnerSeedFlow(t *testing.T, dsn string) {
	w := startPartnerWorld(t, dsn)
	admin := w.admin
	var pa, pb partnerPartnerJSON
	admin.do("POST", "/api/partner/partners", map[string]string{"name": "Iberia Resellers"}, http.StatusCreated, &pa)
	admin.do("POST", "/api/partner/partners", map[string]string{"name": "Bravo Channel"}, http.StatusCreated, &pb)
	// Every paged route takes its cursor as "cursor"; "after" stays, as
	// its deprecated alias.
	type partnersPage struct {
		Partners []partnerPartnerJSON `json:"partners"`
		Next     string               `json:"next"`
	}
	var first, byCursor, byAfter partnersPage
	admin.do("GET", "/api/partner/partners?limit=1", nil, http.StatusOK, &first)
	require.Len(t, first.Partners, 1)
	require.NotEmpty(t, first.Next)
	admin.do("GET", "/api/partner/partners?limit=1&cursor="+url.QueryEscape(first.Next), nil, http.StatusOK, &byCursor)
	admin.do("GET", "/api/partner/partners?limit=1&after="+url.QueryEscape(first.Next), nil, http.StatusOK, &byAfter)
	require.Len(t, byCursor.Partners, 1)
	require.NotEqual(t, first.Partners[0].ID, byCursor.Partners[0].ID, "cursor reads the next page")
	require.Equal(t, byAfter, byCursor)
	alice, aliceUser := w.partnerUser(pa.ID, "Alice", "alice@iberia.example")
	bob, _ := w.partnerUser(pb.ID, "Bob", "bob@bravo.example")

	var profile struct {
		User    partnerUserJSON    `json:"user"`
		Partner partnerPartnerJSON `json:"partner"`
	}
	alice.do("GET", "/api/partner/profile", nil, http.StatusOK, &profile)
	require.Equal(t, aliceUser.ID, profile.User.ID)
	require.Equal(t, "Iberia Resellers", profile.Partner.Name)

	// A company and its WDS instance: the data, then provision.
	var company partnerCompanyJSON
	alice.do("POST", "/api/partner/companies", map[string]string{"name": "Acme Logistics"}, http.StatusCreated, &company)
	require.Equal(t, pa.ID, company.PartnerID)
	expires := time.Now().UTC().AddDate(1, 0, 0).Truncate(time.Second)
	var inst partnerInstanceJSON
	alice.do("POST", "/api/partner/instances", map[string]any{
		"company_id": company.ID, "type": "WDS", "profile": "professional",
		"company_data": map[string]string{"legal_name": "Acme Logistics S.L.", "tax_id": "B-12345678", "contact_email": "it@acme.example", "country": "ES"},
		"config":       map[string]string{"max_terminals": "25", "time_zone": "Europe/Madrid"},
		"expires_at":   expires,
	}, http.StatusCreated, &inst)
	require.Equal(t, "draft", inst.Status)
	var bad errorBody
	alice.do("POST", "/api/partner/instances", map[string]any{"company_id": company.ID, "type": "WDS", "profile": "professional",
		"company_data": map[string]string{"legal_name": "X"}, "config": map[string]string{"max_terminals": "0", "time_zone": "Europe/Madrid"}, "expires_at": expires},
		http.StatusBadRequest, &bad)
	require.NotEmpty(t, bad.Field, "a bad value is named: %+v", bad)

	alice.do("POST", "/api/partner/instances/"+inst.ID+"/provision", nil, http.StatusOK, &inst)
	require.Equal(t, "provisioned", inst.Status)
	require.Contains(t, inst.Actions, "cancel")
	var contract struct {
		Text   string `json:"text"`
		SHA256 string `json:"sha256"`
	}
	alice.do("GET", "/api/partner/instances/"+inst.ID+"/contract", nil, http.StatusOK, &contract)
	require.Contains(t, contract.Text, "Acme Logistics S.L.")
	require.Contains(t, contract.Text, "Working Day Suite (WDS), profile Professional")
	require.Equal(t, partner.Digest(contract.Text), contract.SHA256)
	alice.do("POST", "/api/partner/instances/"+inst.ID+"/generate", map[string]string{"contract_sha256": strings.Repeat("0", 64)}, http.StatusBadRequest, nil)
	alice.do("POST", "/api/partner/instances/"+inst.ID+"/generate", map[string]string{"contract_sha256": contract.SHA256}, http.StatusOK, &inst)
	require.Equal(t, "active", inst.Status)
	require.False(t, inst.ActivatedAt.IsZero())
	alice.do("POST", "/api/partner/instances/"+inst.ID+"/cancel", nil, http.StatusConflict, &bad)
	require.Contains(t, bad.Error, "cancel is not allowed in state active")

	// Licences: add, list, search.
	var added struct {
		Licences []partnerLicenceJSON `json:"licences"`
	}
	alice.do("POST", "/api/partner/instances/"+inst.ID+"/licences", map[string]any{"licences": []map[string]string{
		{"user_name": "Ana García", "login": "ana.garcia", "email": "ana@acme.example"},
		{"user_name": "Juan Pérez", "login": "juan.perez"},
		{"user_name": "Luis Gómez", "login": "luis"},
	}}, http.StatusCreated, &added)
	require.Len(t, added.Licences, 3)
	lics := added.Licences
	var listed struct {
		Licences []partnerLicenceJSON `json:"licences"`
		Next     string               `json:"next"`
	}
	alice.do("GET", "/api/partner/instances/"+inst.ID+"/licences?search=P%C3%89REZ", nil, http.StatusOK, &listed)
	require.Len(t, listed.Licences, 1)
	require.Equal(t, "juan.perez", listed.Licences[0].User.Login)

	// A terminal signs in with the first licence (server to server).
	terminal := alice.as(partnerTestEngineToken)
	var bound partnerLicenceJSON
	terminal.do("POST", "/api/partner/terminal/bind", map[string]string{"licence_id": lics[0].ID, "serial": "wds-t1-0042"}, http.StatusOK, &bound)
	require.Equal(t, "WDS-T1-0042", bound.Terminal.Serial)
	terminal.do("POST", "/api/partner/terminal/activity", map[string]string{"licence_id": lics[0].ID, "kind": "sign_in", "serial": "WDS-T1-0042"}, http.StatusCreated, nil)
	alice.do("POST", "/api/partner/terminal/bind", map[string]string{"licence_id": lics[1].ID, "serial": "X1"}, http.StatusUnauthorized, nil)

	// Found by serial in the activity search; released from the record.
	var acts struct {
		Events []partnerActivityJSON `json:"events"`
		Next   string                `json:"next"`
	}
	alice.do("GET", "/api/partner/activity?serial=wds-t1-0042&from="+url.QueryEscape(time.Now().UTC().Add(-time.Hour).Format(time.RFC3339)), nil, http.StatusOK, &acts)
	require.Len(t, acts.Events, 2)
	require.Equal(t, "sign_in", acts.Events[0].Kind)
	require.Equal(t, "licence_bound", acts.Events[1].Kind)
	var page1 struct {
		Events []partnerActivityJSON `json:"events"`
		Next   string                `json:"next"`
	}
	alice.do("GET", "/api/partner/activity?serial=WDS-T1-0042&limit=1", nil, http.StatusOK, &page1)
	require.Len(t, page1.Events, 1)
	require.NotEmpty(t, page1.Next)
	alice.do("GET", "/api/partner/activity?serial=WDS-T1-0042&limit=1&cursor="+page1.Next, nil, http.StatusOK, &page1)
	require.Equal(t, acts.Events[1].ID, page1.Events[0].ID, "the cursor continues with the older event")
	var record struct {
		Event   partnerActivityJSON `json:"event"`
		Licence partnerLicenceJSON  `json:"licence"`
	}
	alice.do("GET", fmt.Sprintf("/api/partner/activity/%d", acts.Events[0].ID), nil, http.StatusOK, &record)
	require.Equal(t, "ana.garcia", record.Licence.User.Login)
	require.Contains(t, record.Licence.Actions, "release")
	var released partnerLicenceJSON
	alice.do("POST", "/api/partner/licences/"+record.Licence.ID+"/release", map[string]string{"reason": "terminal replaced"}, http.StatusOK, &released)
	require.Nil(t, released.Terminal)
	alice.do("GET", "/api/partner/activity?serial=WDS-T1-0042", nil, http.StatusOK, &acts)
	require.Equal(t, "licence_released", acts.Events[0].Kind)
	terminal.do("POST", "/api/partner/terminal/bind", map[string]string{"licence_id": lics[0].ID, "serial": "WDS-T1-0043"}, http.StatusOK, nil)

	// Deactivation of a licence and of the instance, with reasons.
	var lic partnerLicenceJSON
	alice.do("POST", "/api/partner/licences/"+lics[2].ID+"/deactivation", map[string]string{}, http.StatusBadRequest, nil)
	alice.do("POST", "/api/partner/licences/"+lics[2].ID+"/deactivation", map[string]string{"reason": "Luis left the company"}, http.StatusOK, &lic)
	require.Equal(t, "deactivation_requested", lic.State)
	alice.do("POST", "/api/partner/instances/"+inst.ID+"/deactivation", map[string]string{"reason": "Customer moves to another product"}, http.StatusOK, &inst)
	require.Equal(t, "deactivation_requested", inst.Status)
	alice.do("POST", "/api/partner/instances/"+inst.ID+"/deactivation/approve", nil, http.StatusForbidden, nil)

	// The administrator sees the requests and approves both.
	var pending struct {
		Instances []partnerInstanceJSON `json:"instances"`
	}
	admin.do("GET", "/api/partner/instances?state=deactivation_requested", nil, http.StatusOK, &pending)
	require.Len(t, pending.Instances, 1)
	require.Equal(t, "Customer moves to another product", pending.Instances[0].Deactivation.Reason)
	admin.do("POST", "/api/partner/licences/"+lics[2].ID+"/deactivation/approve", map[string]string{"reason": "ok"}, http.StatusOK, &lic)
	require.Equal(t, "deactivated", lic.State)
	admin.do("POST", "/api/partner/instances/"+inst.ID+"/deactivation/approve", map[string]string{"reason": "confirmed with the customer"}, http.StatusOK, &inst)
	require.Equal(t, "deactivated", inst.Status)
	require.Equal(t, "approved", inst.Deactivation.Decision)
	alice.do("GET", "/api/partner/instances/"+inst.ID+"/licences", nil, http.StatusOK, &listed)
	require.Len(t, listed.Licences, 3)
	for _, l := range listed.Licences {
		require.Equal(t, "deactivated", l.State, "licence %s outlived its instance", l.User.Login)
		require.Nil(t, l.Terminal)
	}
	alice.do("GET", "/api/partner/activity?serial=WDS-T1-0043", nil, http.StatusOK, &acts)
	require.Equal(t, "licence_released", acts.Events[0].Kind)
	require.Equal(t, partner.DetailInstanceDeactivated, acts.Events[0].Detail)

	// The audit log tells the story, with the reasons.
	var audit struct {
		Records []partnerAuditJSON `json:"records"`
	}
	alice.do("GET", "/api/partner/audit?object_id="+inst.ID, nil, http.StatusOK, &audit)
	// Newest first by ID, which orders only to the millisecond: read them
	// in time order.
	recs := partnerByTime(audit.Records)
	var actions []string
	for _, r := range recs {
		actions = append(actions, r.Action)
	}
	require.Equal(t, []string{"create", "provision", "generate", "request_deactivation", "approve_deactivation"}, actions)
	require.Equal(t, "Customer moves to another product", recs[3].Reason)
	require.Equal(t, aliceUser.ID, recs[3].ActorID)

	// Reports: counts, the list behind a bar, the monthly series.
	var rep struct {
		Total   int64            `json:"total"`
		ByType  []partnerBarJSON `json:"by_type"`
		ByState []partnerBarJSON `json:"by_state"`
	}
	alice.do("GET", "/api/partner/reports?subject=instances", nil, http.StatusOK, &rep)
	require.EqualValues(t, 1, rep.Total)
	require.Equal(t, "WDS", rep.ByType[0].Key)
	require.Equal(t, "#1f77b4", rep.ByType[0].Colour)
	alice.do("GET", "/api/partner/reports?subject=licences&state=deactivated", nil, http.StatusOK, &rep)
	require.EqualValues(t, 3, rep.Total)
	var detail struct {
		Instances []partnerInstanceJSON `json:"instances"`
	}
	alice.do("GET", "/api/partner/reports/detail?subject=instances&bucket_type=WDS&bucket_profile=professional&bucket_state=deactivated", nil, http.StatusOK, &detail)
	require.Len(t, detail.Instances, 1)
	var series struct {
		Months []string `json:"months"`
	}
	alice.do("GET", "/api/partner/reports/monthly?subject=instances", nil, http.StatusOK, &series)
	require.Equal(t, []string{time.Now().UTC().Format("2006-01")}, series.Months)

	// Support: one thread per company, unread counts per side.
	var msg partnerMessageJSON
	alice.do("POST", "/api/partner/threads/"+company.ID+"/messages", map[string]string{"body": "Hello, please confirm the deactivation."}, http.StatusCreated, &msg)
	require.Equal(t, "from_partner", msg.Direction)
	var reply partnerMessageJSON
	admin.do("POST", "/api/partner/threads/"+company.ID+"/messages", map[string]string{"body": "Done."}, http.StatusCreated, &reply)
	require.Equal(t, "from_support", reply.Direction)
	var threads struct {
		Threads []partnerThreadJSON `json:"threads"`
	}
	alice.do("GET", "/api/partner/threads", nil, http.StatusOK, &threads)
	require.Len(t, threads.Threads, 1)
	require.EqualValues(t, 1, threads.Threads[0].Unread)
	var th partnerThreadJSON
	alice.do("POST", "/api/partner/threads/"+company.ID+"/read", map[string]string{"up_to": reply.ID}, http.StatusOK, &th)
	require.EqualValues(t, 0, th.Unread)

	// The second partner sees none of it: not found, or empty.
	for _, path := range []string{
		"/api/partner/instances/" + inst.ID, "/api/partner/instances/" + inst.ID + "/contract", "/api/partner/instances/" + inst.ID + "/licences",
		"/api/partner/licences/" + lics[0].ID, "/api/partner/companies/" + company.ID, "/api/partner/threads/" + company.ID,
		"/api/partner/threads/" + company.ID + "/messages", fmt.Sprintf("/api/partner/activity/%d", acts.Events[0].ID),
		"/api/partner/partners/" + pa.ID, "/api/partner/users/" + aliceUser.ID,
		"/api/partner/instances?partner_id=" + pa.ID, "/api/partner/reports?partner_id=" + pa.ID,
	} {
		bob.do("GET", path, nil, http.StatusNotFound, nil)
	}
	for path, body := range map[string]any{
		"/api/partner/instances/" + inst.ID + "/deactivation":    map[string]string{"reason": "mine"},
		"/api/partner/instances/" + inst.ID + "/expiry":          map[string]any{"expires_at": time.Now().AddDate(5, 0, 0)},
		"/api/partner/instances/" + inst.ID + "/licences":        map[string]any{"licences": []map[string]string{{"user_name": "Mallory", "login": "mallory"}}},
		"/api/partner/licences/" + lics[1].ID + "/release":       nil,
		"/api/partner/licences/" + lics[1].ID + "/impersonation": nil,
		"/api/partner/threads/" + company.ID + "/messages":       map[string]string{"body": "hi"},
		"/api/partner/threads/" + company.ID + "/read":           map[string]string{"up_to": msg.ID},
	} {
		bob.do("POST", path, body, http.StatusNotFound, nil)
	}
	bob.do("PATCH", "/api/partner/instances/"+inst.ID, map[string]any{"config": map[string]string{"max_terminals": "1", "time_zone": "UTC"}}, http.StatusNotFound, nil)
	var empty struct {
		Instances []partnerInstanceJSON `json:"instances"`
		Licences  []partnerLicenceJSON  `json:"licences"`
		Events    []partnerActivityJSON `json:"events"`
		Threads   []partnerThreadJSON   `json:"threads"`
		Records   []partnerAuditJSON    `json:"records"`
		Companies []partnerCompanyJSON  `json:"companies"`
	}
	for _, path := range []string{"/api/partner/instances", "/api/partner/licences", "/api/partner/licences?login=ana.garcia",
		"/api/partner/activity?serial=WDS-T1-0042", "/api/partner/activity?serial=WDS-T1-0043", "/api/partner/threads", "/api/partner/companies",
		"/api/partner/reports/detail?subject=licences&bucket_type=WDS", "/api/partner/audit?object_id=" + inst.ID} {
		bob.do("GET", path, nil, http.StatusOK, &empty)
		require.Empty(t, empty.Instances, path)
		require.Empty(t, empty.Licences, path)
		require.Empty(t, empty.Events, path)
		require.Empty(t, empty.Threads, path)
		require.Empty(t, empty.Records, path)
		require.Empty(t, empty.Companies, path)
	}
	for _, subject := range []string{"instances", "licences"} {
		bob.do("GET", "/api/partner/reports?subject="+subject, nil, http.StatusOK, &rep)
		require.Zero(t, rep.Total, subject)
	}
	// …while the administrator sees it all.
	admin.do("GET", "/api/partner/reports?subject=licences", nil, http.StatusOK, &rep)
	require.EqualValues(t, 3, rep.Total)
}

// TestPartnerSignInAndSessions: login, bad passwords, logout, the
// one-time link used once, an invitation sent again.
func TestPartnerSignInAndSessions(t *testing.T) {
	w := startPartnerWorld(t, filepath.Join(t.TempDir(), "bookingkit.db"))
	anon := w.admin.as("")
	anon.do("GET", "/api/partner/profile", nil, http.StatusUnauthorized, nil)
	w.admin.as("forged").do("GET", "/api/partner/profile", nil, http.StatusUnauthorized, nil)

	var pt partnerPartnerJSON
	w.admin.do("POST", "/api/partner/partners", map[string]string{"name": "P"}, http.StatusCreated, &pt)
	var u partnerUserJSON
	w.admin.do("POST", "/api/partner/users", map[string]string{"partner_id": pt.ID, "role": "partner_user", "name": "Carla", "email": "Carla@P.example"}, http.StatusCreated, &u)
	first := w.mailedToken("Carla@p.example")
	require.Contains(t, w.lastLink, w.ts.URL+"/partner/set-password?token=", "without a public URL, links point where the request came")
	w.admin.do("POST", "/api/partner/users/"+u.ID+"/invitation", nil, http.StatusAccepted, nil)
	second := w.mailedToken("Carla@p.example")
	require.NotEqual(t, first, second)

	anon.do("POST", "/api/partner/password", map[string]string{"token": second, "password": "short"}, http.StatusBadRequest, nil)
	var sess partnerSessionJSON
	anon.do("POST", "/api/partner/password", map[string]string{"token": second, "password": "carla's long password"}, http.StatusOK, &sess)
	anon.do("POST", "/api/partner/password", map[string]string{"token": second, "password": "carla's long password"}, http.StatusUnauthorized, nil)

	anon.do("POST", "/api/partner/login", map[string]string{"email": "carla@p.example", "password": "wrong password"}, http.StatusUnauthorized, nil)
	var login partnerSessionJSON
	anon.do("POST", "/api/partner/login", map[string]string{"email": "CARLA@p.example", "password": "carla's long password"}, http.StatusOK, &login)
	require.Equal(t, u.ID, login.User.ID)
	carla := anon.as(login.SessionToken)
	carla.do("GET", "/api/partner/profile", nil, http.StatusOK, nil)
	carla.do("POST", "/api/partner/partners", map[string]string{"name": "Mine"}, http.StatusForbidden, nil)
	carla.do("POST", "/api/partner/users/"+u.ID+"/invitation", nil, http.StatusForbidden, nil)
	carla.do("POST", "/api/partner/logout", nil, http.StatusNoContent, nil)
	carla.do("GET", "/api/partner/profile", nil, http.StatusUnauthorized, nil)

	anon.do("POST", "/api/partner/password/reset", map[string]string{"email": "nobody@p.example"}, http.StatusAccepted, nil)
	anon.do("POST", "/api/partner/password/reset", map[string]string{"email": "carla@p.example"}, http.StatusAccepted, nil)
	require.NotEmpty(t, w.mailedToken("carla@p.example"))
}

// TestPartnerInvitationWaitsOutAMailServerOutage: the mail server is
// down when a user is created. The invitation is stored all the same (the
// answer does not wait for the mail server), tried again while the server
// is down, and arrives once it is back: no link is lost.
func TestPartnerInvitationWaitsOutAMailServerOutage(t *testing.T) {
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := closed.Addr().String()
	require.NoError(t, closed.Close())
	cfgFile := filepath.Join(t.TempDir(), "bookingkit.json")
	require.NoError(t, os.WriteFile(cfgFile, []byte(`{"mail": {"retry_first": "50ms", "retry_max": "200ms"}}`), 0o600))
	w := startPartnerWorldWith(t, filepath.Join(t.TempDir(), "bookingkit.db"), nil, addr, map[string]string{"BOOKINGKIT_CONFIG": cfgFile})
	var pt partnerPartnerJSON
	w.admin.do("POST", "/api/partner/partners", map[string]string{"name": "P"}, http.StatusCreated, &pt)
	var created struct {
		ID              string `json:"id"`
		InvitationSent  bool   `json:"invitation_sent"`
		InvitationError string `json:"invitation_error"`
	}
	w.admin.do("POST", "/api/partner/users", map[string]string{"partner_id": pt.ID, "role": "partner_user", "name": "Fede", "email": "fede@p.example"}, http.StatusCreated, &created)
	require.True(t, created.InvitationSent, "stored for sending")
	require.Empty(t, created.InvitationError)
	require.Eventually(t, func() bool { return strings.Count(w.ts.stderr.String(), "delivery failed; trying again later") >= 2 }, 10*time.Second, 10*time.Millisecond,
		"the outbox tries again while the mail server is down")

	w.smtp = smtptest.StartWith(t, smtptest.Options{Addr: addr})
	w.mailedToken("fede@p.example")
}

// TestPartnerLinksFollowThePublicURL: mailed links point at
// BOOKINGKIT_PUBLIC_URL when it is set.
func TestPartnerLinksFollowThePublicURL(t *testing.T) {
	smtp := smtptest.Start(t)
	w := startPartnerWorldWith(t, filepath.Join(t.TempDir(), "bookingkit.db"), smtp, smtp.Addr,
		map[string]string{"BOOKINGKIT_PUBLIC_URL": "https://partners.example.com/"})
	var pt partnerPartnerJSON
	w.admin.do("POST", "/api/partner/partners", map[string]string{"name": "P"}, http.StatusCreated, &pt)
	w.admin.do("POST", "/api/partner/users", map[string]string{"partner_id": pt.ID, "role": "partner_user", "name": "Gil", "email": "gil@p.example"}, http.StatusCreated, nil)
	w.mailedToken("gil@p.example")
	require.True(t, strings.HasPrefix(w.lastLink, "https://partners.example.com/partner/set-password?token="), w.lastLink)
}

// TestPartnerImpersonationOverHTTP: the link opens once, with the engine
// token, and is logged.
func TestPartnerImpersonationOverHTTP(t *testing.T) {
	w := startPartnerWorld(t, filepath.Join(t.TempDir(), "bookingkit.db"))
	var pt partnerPartnerJSON
	w.admin.do("POST", "/api/partner/partners", map[string]string{"name": "P"}, http.StatusCreated, &pt)
	var company partnerCompanyJSON
	w.admin.do("POST", "/api/partner/companies", map[string]string{"partner_id": pt.ID, "name": "C"}, http.StatusCreated, &company)
	var inst partnerInstanceJSON
	w.admin.do("POST", "/api/partner/instances", map[string]any{"company_id": company.ID, "type": "MCRM",
		"company_data": map[string]string{"legal_name": "C S.A.", "tax_id": "A1", "contact_email": "c@c.example", "country": "PT"},
		"config":       map[string]string{"max_users": "3"}, "expires_at": time.Now().AddDate(0, 6, 0)}, http.StatusCreated, &inst)
	w.admin.do("POST", "/api/partner/instances/"+inst.ID+"/provision", nil, http.StatusOK, &inst)
	w.admin.do("POST", "/api/partner/instances/"+inst.ID+"/generate", map[string]string{"contract_sha256": inst.Contract.SHA256}, http.StatusOK, &inst)
	var added struct {
		Licences []partnerLicenceJSON `json:"licences"`
	}
	w.admin.do("POST", "/api/partner/instances/"+inst.ID+"/licences", map[string]any{"licences": []map[string]string{{"user_name": "Dora", "login": "dora"}}}, http.StatusCreated, &added)
	var link struct {
		Token     string    `json:"token"`
		ExpiresAt time.Time `json:"expires_at"`
	}
	w.admin.do("POST", "/api/partner/licences/"+added.Licences[0].ID+"/impersonation", nil, http.StatusCreated, &link)
	require.NotEmpty(t, link.Token)
	panel := w.admin.as(partnerTestEngineToken)
	w.admin.do("POST", "/api/partner/impersonation/open", map[string]string{"token": link.Token}, http.StatusUnauthorized, nil) // a session is not the engine token
	var opened struct {
		Licence partnerLicenceJSON `json:"licence"`
	}
	panel.do("POST", "/api/partner/impersonation/open", map[string]string{"token": link.Token}, http.StatusOK, &opened)
	require.Equal(t, "dora", opened.Licence.User.Login)
	panel.do("POST", "/api/partner/impersonation/open", map[string]string{"token": link.Token}, http.StatusUnauthorized, nil)
	panel.do("POST", "/api/partner/impersonation/open", map[string]string{"token": link.Token[:len(link.Token)-2] + "xx"}, http.StatusUnauthorized, nil)
	var audit struct {
		Records []partnerAuditJSON `json:"records"`
	}
	w.admin.do("GET", "/api/partner/audit?object_id="+added.Licences[0].ID, nil, http.StatusOK, &audit)
	recs := partnerByTime(audit.Records)
	require.Len(t, recs, 3)
	require.Equal(t, []string{"create", "impersonation_link", "impersonation_open"}, []string{recs[0].Action, recs[1].Action, recs[2].Action})
}

// TestPartnerReportsPage: the browser's way in — set-password page, the
// cookie, the charts as SVG, the list behind a bar, sign-out.
func TestPartnerReportsPage(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "bookingkit.db")
	w := startPartnerWorld(t, dsn)
	pt, instances := partnerThreeInstances(w)
	for _, inst := range instances {
		w.admin.do("POST", "/api/partner/instances/"+inst.ID+"/provision", nil, http.StatusOK, &inst)
		w.admin.do("POST", "/api/partner/instances/"+inst.ID+"/generate", map[string]string{"contract_sha256": inst.Contract.SHA256}, http.StatusOK, &inst)
	}
	var u partnerUserJSON
	w.admin.do("POST", "/api/partner/users", map[string]string{"partner_id": pt.ID, "role": "partner_user", "name": "Eva", "email": "eva@p.example"}, http.StatusCreated, &u)
	token := w.mailedToken("eva@p.example")

	jar := &partnerJar{cookies: map[string]*http.Cookie{}}
	client := &http.Client{Jar: nil, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(path string) (*http.Response, string) {
		req, _ := http.NewRequest("GET", w.ts.URL+path, nil)
		jar.add(req)
		resp, err := client.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		jar.keep(resp)
		return resp, string(b)
	}
	post := func(path string, form url.Values, origin string) (*http.Response, string) {
		req, _ := http.NewRequest("POST", w.ts.URL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		jar.add(req)
		resp, err := client.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		jar.keep(resp)
		return resp, string(b)
	}

	resp, _ := get("/partner/reports")
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	require.Equal(t, "/partner/sign-in?next=%2Fpartner%2Freports", resp.Header.Get("Location"))

	resp, body := get("/partner/set-password?token=" + url.QueryEscape(token))
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, body, "eva@p.example")
	require.Contains(t, resp.Header.Get("Content-Security-Policy"), "default-src 'none'")
	resp, body = post("/partner/set-password", url.Values{"token": {token}, "password": {"eva's long password"}, "confirm": {"eva's other password"}}, "")
	require.Equal(t, http.StatusBadRequest, resp.StatusCode)
	require.Contains(t, body, "The two passwords differ")
	resp, _ = post("/partner/set-password", url.Values{"token": {token}, "password": {"eva's long password"}, "confirm": {"eva's long password"}}, "https://evil.example")
	require.Equal(t, http.StatusForbidden, resp.StatusCode, "a form posted from another site")
	resp, _ = post("/partner/set-password", url.Values{"token": {token}, "password": {"eva's long password"}, "confirm": {"eva's long password"}}, w.ts.URL)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	require.Equal(t, "/partner/reports", resp.Header.Get("Location"))
	c := jar.cookies[partnerCookie]
	require.NotNil(t, c)
	require.True(t, c.HttpOnly)
	require.Equal(t, http.SameSiteStrictMode, c.SameSite)

	resp, body = get("/partner/reports")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, body, "<svg")
	require.Contains(t, body, `fill="#1f77b4"`, "WDS in its colour")
	require.Contains(t, body, `fill="#17456e"`, "WDS enterprise in its profile's colour")
	require.Contains(t, body, "By contracted profile (WDS)")
	require.Contains(t, body, ">Enterprise</text>")
	require.Contains(t, body, "3 instances match the filter")
	require.NotContains(t, body, "All partners", "a partner user has no partner selector")

	resp, body = get("/partner/reports?subject=instances&bucket_type=WDS&bucket_profile=enterprise&bucket_state=")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, 2, strings.Count(body, "<details>"), "the two enterprise instances are listed")
	require.Contains(t, body, "Acme")

	resp, body = get("/partner/reports?subject=instances&from=2001-01-01&to=2001-12-31")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, body, "0 instances match the filter")
	resp, body = get("/partner/reports?from=yesterday")
	require.Equal(t, http.StatusBadRequest, resp.StatusCode)
	require.Contains(t, body, "from")

	resp, _ = post("/partner/sign-out", url.Values{}, w.ts.URL)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	resp, _ = get("/partner/reports")
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, "signed out")

	resp, _ = post("/partner/sign-in", url.Values{"email": {"eva@p.example"}, "password": {"wrong"}}, "")
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	resp, _ = post("/partner/sign-in", url.Values{"email": {"eva@p.example"}, "password": {"eva's long password"}, "next": {"https://evil.example/"}}, "")
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	require.Equal(t, "/partner/reports", resp.Header.Get("Location"), "no redirect off the site")
	resp, _ = get("/partner/reports")
	require.Equal(t, http.StatusOK, resp.StatusCode)
}

// partnerByTime returns audit records oldest first.
func partnerByTime(recs []partnerAuditJSON) []partnerAuditJSON {
	out := slices.Clone(recs)
	slices.SortStableFunc(out, func(a, b partnerAuditJSON) int { return a.At.Compare(b.At) })
	return out
}

// partnerJar keeps cookies by name, whatever their path (the test server
// is one host).
type partnerJar struct{ cookies map[string]*http.Cookie }

func (j *partnerJar) add(req *http.Request) {
	for _, c := range j.cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
}

func (j *partnerJar) keep(resp *http.Response) {
	for _, c := range resp.Cookies() {
		if c.MaxAge < 0 {
			delete(j.cookies, c.Name)
			continue
		}
		j.cookies[c.Name] = c
	}
}
