package main

// Graceful shutdown under load (issue 8): "in-flight requests finish,
// nothing accepted is lost". These tests build the real bookingkitd, run
// it as a child process and stop it with real signals, so the signal path
// of main is part of what is tested. Helpers are prefixed sd.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/cmd/internal/backend"
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/staffid/staffidtest"
	"github.com/bookingkit/bookingkit/storage/storagetest/pgtest"
)

const (
	sdEngineToken = "engine-token-for-shutdown-tests"
	sdImportToken = "import-token-for-shutdown-tests"
	// sdImportSize is the employee list uploaded while the signal comes:
	// big enough that the import is still being applied when it comes.
	sdImportSize = 20_000
)

// sdStart runs the bookingkitd binary on dsn with the test tokens, a mail
// folder of the test's own and args, and waits until it listens.
func sdStart(t *testing.T, dsn string, args ...string) *serverProcess {
	t.Helper()
	env := map[string]string{"BOOKINGKIT_ENGINE_TOKEN": sdEngineToken, "BOOKINGKIT_IMPORT_TOKEN": sdImportToken, "BOOKINGKIT_MAIL_DIR": t.TempDir()}
	return startProcess(t, env, append([]string{"-db", dsn}, args...)...)
}

// sdResult is one request as its client saw it.
type sdResult struct {
	requestID  string // sent as X-Request-ID, so the server's access log names it
	start, end time.Time
	status     int    // 0 when no answer came
	body       []byte // the whole answer
	closeConn  bool   // the server said Connection: close
	err        error  // no answer, or not all of it
}

// sdCall sends one request with body (JSON unless nil or already bytes)
// and reads the whole answer.
func sdCall(client *http.Client, method, url, requestID string, header http.Header, body any) (res sdResult) {
	res = sdResult{requestID: requestID, start: time.Now()}
	defer func() { res.end = time.Now() }()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case io.Reader:
		rd = b
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			panic(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		panic(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Request-ID", requestID)
	resp, err := client.Do(req)
	if err != nil {
		res.err = err
		return res
	}
	defer resp.Body.Close()
	res.status, res.closeConn = resp.StatusCode, resp.Close
	res.body, res.err = io.ReadAll(resp.Body)
	return res
}

func sdEngine() http.Header {
	return http.Header{"Authorization": {"Bearer " + sdEngineToken}}
}

// sdOp is one write of the load and what identifies its effect.
type sdOp struct {
	kind string // standby, mogu, partner or import
	key  string // the booking ID or terminal serial its effect is found by
	sdResult
}

// sdLoad is the fixtures the writers need.
type sdLoad struct {
	url        string
	licenceID  string // a partner licence terminals report activity for
	flightDate string
}

// write sends the n-th write of writer w of kind.
func (l sdLoad) write(client *http.Client, kind string, w, n int) sdOp {
	id := fmt.Sprintf("sd-%s-%d-%d", kind, w, n)
	op := sdOp{kind: kind, key: id}
	switch kind {
	case "standby":
		flight := map[string]any{"flight": map[string]any{"carrier": "SU", "number": "100", "date": l.flightDate}, "cabin": "economy"}
		op.sdResult = sdCall(client, "POST", l.url+"/api/standby/bookings", id, sdEngine(),
			standbyBookingBody(id, time.Now().UTC().Format(time.RFC3339Nano), []map[string]any{flight}, pax("SU", "2012-04-02", 3)))
	case "mogu":
		body := moguBookingBody("b2c", "traveller@example.com", "", "", "main")
		body["title"] = "Trip " + id
		op.sdResult = sdCall(client, "PUT", l.url+"/api/backoffice/mogu/bookings/"+id, id, sdEngine(), body)
	case "partner":
		op.sdResult = sdCall(client, "POST", l.url+"/api/partner/terminal/activity", id, sdEngine(),
			map[string]string{"licence_id": l.licenceID, "kind": "sign_in", "serial": id})
	default:
		panic("unknown kind " + kind)
	}
	return op
}

// sdUploadClient sends bodies only once the handler asks for them: with
// "Expect: 100-continue" the server answers 100 when the handler first
// reads the body, so a body taken by this client proves that the server
// has taken the request (it is not in the listen backlog).
func sdUploadClient() *http.Client {
	return &http.Client{Timeout: time.Minute, Transport: &http.Transport{DisableKeepAlives: true, ExpectContinueTimeout: time.Minute}}
}

func sdUploadHeader() http.Header {
	return http.Header{"Authorization": {"Bearer " + sdImportToken}, "Expect": {"100-continue"}}
}

// sdEOFReader closes sent when its reader is exhausted: the client has
// handed the whole body to the connection.
type sdEOFReader struct {
	r    io.Reader
	sent chan struct{}
	once sync.Once
}

func (e *sdEOFReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err == io.EOF {
		e.once.Do(func() { close(e.sent) })
	}
	return n, err
}

// sdSetUp prepares what the writers need on a running server: MOGU
// active on microsite main, a partner with an active instance and a
// licence, signed-in administrator. It returns the load and the
// administrator's session token (sessions survive a restart).
func sdSetUp(t *testing.T, p *serverProcess, adminToken string) (sdLoad, string) {
	t.Helper()
	client := &http.Client{Timeout: 30 * time.Second}
	res := sdCall(client, "PUT", p.URL+"/api/backoffice/mogu/microsites/main/activation", "sd-setup-mogu",
		http.Header{"Authorization": {"Bearer " + sdEngineToken}, "X-Operator": {"am@engine.example"}}, map[string]any{"active": true})
	require.NoError(t, res.err)
	require.Equal(t, http.StatusOK, res.status, "%s", res.body)

	anon := &partnerClient{t: t, base: p.URL}
	var sess partnerSessionJSON
	anon.do("POST", "/api/partner/password", map[string]string{"token": adminToken, "password": "correct horse battery staple"}, http.StatusOK, &sess)
	admin := anon.as(sess.SessionToken)
	var pa partnerPartnerJSON
	admin.do("POST", "/api/partner/partners", map[string]string{"name": "Shutdown Resellers"}, http.StatusCreated, &pa)
	var company partnerCompanyJSON
	admin.do("POST", "/api/partner/companies", map[string]string{"partner_id": pa.ID, "name": "Acme Logistics"}, http.StatusCreated, &company)
	var inst partnerInstanceJSON
	admin.do("POST", "/api/partner/instances", map[string]any{
		"company_id": company.ID, "type": "WDS", "profile": "professional",
		"company_data": map[string]string{"legal_name": "Acme Logistics S.L.", "tax_id": "B-12345678", "contact_email": "it@acme.example", "country": "ES"},
		"config":       map[string]string{"max_terminals": "25", "time_zone": "Europe/Madrid"},
		"expires_at":   time.Now().UTC().AddDate(1, 0, 0).Truncate(time.Second),
	}, http.StatusCreated, &inst)
	admin.do("POST", "/api/partner/instances/"+inst.ID+"/provision", nil, http.StatusOK, &inst)
	var contract struct {
		SHA256 string `json:"sha256"`
	}
	admin.do("GET", "/api/partner/instances/"+inst.ID+"/contract", nil, http.StatusOK, &contract)
	admin.do("POST", "/api/partner/instances/"+inst.ID+"/generate", map[string]string{"contract_sha256": contract.SHA256}, http.StatusOK, &inst)
	var added struct {
		Licences []partnerLicenceJSON `json:"licences"`
	}
	admin.do("POST", "/api/partner/instances/"+inst.ID+"/licences", map[string]any{"licences": []map[string]string{
		{"user_name": "Ana García", "login": "ana.garcia"},
	}}, http.StatusCreated, &added)
	require.Len(t, added.Licences, 1)
	return sdLoad{url: p.URL, licenceID: added.Licences[0].ID, flightDate: time.Now().UTC().AddDate(0, 1, 0).Format(time.DateOnly)}, sess.SessionToken
}

func TestShutdownUnderLoadOnSQLite(t *testing.T) {
	sdShutdownUnderLoad(t, filepath.Join(t.TempDir(), "bookingkit.db"))
}

func TestShutdownUnderLoadOnPostgres(t *testing.T) {
	sdShutdownUnderLoad(t, pgtest.URL(t))
}

// sdShutdownUnderLoad: writers of standby bookings, MOGU bookings and
// partner terminal activity run against the server, on keep-alive and on
// fresh connections, and a large employee-list import is in flight, when
// SIGTERM comes. Every write answered 2xx must be found after a restart;
// every write the server handled must have had its whole answer; a write
// without an answer (refused, or cut before the server took it) must have
// no effect; the process exits 0 and logs "stopped".
func sdShutdownUnderLoad(t *testing.T, dsn string) {
	adminToken := partnerBootstrap(t, dsn, "root@vendor.example", "Root Admin")
	p := sdStart(t, dsn, "-shutdown-timeout", "30s")
	load, adminSession := sdSetUp(t, p, adminToken)

	var (
		mu        sync.Mutex
		ops       []sdOp
		accepted  atomic.Int64
		signalled atomic.Bool
		stop      atomic.Bool
		writers   sync.WaitGroup
	)
	record := func(op sdOp) {
		mu.Lock()
		ops = append(ops, op)
		mu.Unlock()
	}
	const writersPerKind = 4
	for _, kind := range []string{"standby", "mogu", "partner"} {
		for w := range writersPerKind {
			// Half the writers keep their connection alive between
			// requests, half open a new one each time.
			client := &http.Client{Timeout: time.Minute, Transport: &http.Transport{DisableKeepAlives: w%2 == 1}}
			writers.Add(1)
			go func() {
				defer writers.Done()
				for n := 0; !stop.Load(); n++ {
					op := load.write(client, kind, w, n)
					record(op)
					if op.err == nil && op.status/100 == 2 {
						accepted.Add(1)
					}
					// Before the signal an error fails the test; after it,
					// write on until the closed listener refuses.
					if op.err != nil && (!signalled.Load() || errors.Is(op.err, syscall.ECONNREFUSED)) {
						return
					}
				}
			}()
		}
	}
	deadline := time.Now().Add(20 * time.Second)
	for accepted.Load() < 30 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	require.GreaterOrEqual(t, accepted.Load(), int64(30), "the writers got going; stderr:\n%s", p.Stderr())

	// The import: the signal comes once the handler has read its whole
	// body, while the server is still applying it.
	list := staffidtest.GenerateList(sdImportSize, 8)
	body := &sdEOFReader{r: bytes.NewReader(list), sent: make(chan struct{})}
	imported := make(chan sdOp, 1)
	go func() {
		imported <- sdOp{kind: "import", key: "list", sdResult: sdCall(sdUploadClient(), "POST", load.url+"/api__airline_employee_upload", "sd-import",
			sdUploadHeader(), body)}
	}()
	select {
	case <-body.sent:
	case <-time.After(30 * time.Second):
		t.Fatal("the import's body was not sent within 30 s")
	}

	signalAt := time.Now()
	signalled.Store(true)
	p.Signal(t, syscall.SIGTERM)
	state := p.Wait(t, 45*time.Second)
	exitTook := time.Since(signalAt)
	stop.Store(true)
	writers.Wait()
	importOp := <-imported
	record(importOp)
	stderr := p.Stderr()
	require.Equal(t, 0, state.ExitCode(), "exit status after SIGTERM (%s); stderr tail:\n%s", state, sdTail(stderr))
	require.Contains(t, stderr, "msg=stopped")

	// Judge each write as its client saw it, against the access log of
	// the requests the server handled.
	var (
		refused, cutBeforeTaken, inFlight, inFlightAnswered, closedAfterSignal int
		acceptedByKind                                                         = map[string]int{}
	)
	for _, op := range ops {
		handled := strings.Contains(stderr, "request_id="+op.requestID+" ")
		if op.start.Before(signalAt) && op.end.After(signalAt) {
			inFlight++
			if op.err == nil {
				inFlightAnswered++
			}
		}
		switch {
		case op.err == nil:
			require.True(t, op.status/100 == 2, "%s %s answered %d: %s", op.kind, op.key, op.status, op.body)
			require.True(t, json.Valid(op.body), "%s %s: a whole JSON answer: %q", op.kind, op.key, op.body)
			acceptedByKind[op.kind]++
			if op.closeConn && op.end.After(signalAt) {
				closedAfterSignal++
			}
		case handled:
			t.Errorf("%s %s: the server handled it but the client got no whole answer: %v", op.kind, op.key, op.err)
		case !op.end.After(signalAt):
			t.Errorf("%s %s failed before the signal: %v", op.kind, op.key, op.err)
		case errors.Is(op.err, syscall.ECONNREFUSED):
			refused++
		default:
			// Written to a connection the server closed before reading
			// it: the backlog of the closed listener, or an idle
			// keep-alive connection closed by the shutdown.
			cutBeforeTaken++
		}
	}
	require.NoError(t, importOp.err, "the import in flight at the signal is answered; stderr tail:\n%s", sdTail(stderr))
	require.True(t, importOp.end.After(signalAt), "the import was still in flight when the signal came (make sdImportSize bigger)")
	var report staffid.Report
	require.NoError(t, json.Unmarshal(importOp.body, &report))
	require.Equal(t, "Ok", report.Status, "%s", importOp.body)
	require.NotNil(t, report.SyncCounts)
	require.Equal(t, sdImportSize, report.Created)
	for _, kind := range []string{"standby", "mogu", "partner"} {
		require.Positive(t, acceptedByKind[kind], "some %s writes were accepted", kind)
	}
	t.Logf("writes: %d, accepted (2xx) %v, refused %d, cut before the server took them %d; in flight at SIGTERM %d (%d answered in full, the rest never taken); keep-alive answers after SIGTERM saying Connection: close %d",
		len(ops), acceptedByKind, refused, cutBeforeTaken, inFlight, inFlightAnswered, closedAfterSignal)
	t.Logf("import of %d people: %s, of which %s after SIGTERM; SIGTERM to exit: %s",
		sdImportSize, importOp.end.Sub(importOp.start).Round(time.Millisecond), importOp.end.Sub(signalAt).Round(time.Millisecond), exitTook.Round(time.Millisecond))

	// Restart on the same database: every accepted write is there, no
	// unanswered one is.
	restartAt := time.Now()
	p2 := sdStart(t, dsn)
	sdCheckEffects(t, p2.URL, adminSession, ops)
	t.Logf("restart and read-back of %d writes: %s", len(ops), time.Since(restartAt).Round(time.Millisecond))
	p2.Signal(t, syscall.SIGTERM)
	state = p2.Wait(t, 30*time.Second)
	require.Equal(t, 0, state.ExitCode(), "idle server after SIGTERM (%s)", state)
}

// sdCheckEffects reads back every write through the API of the server at
// url: present when it was answered 2xx, absent when it was not answered.
func sdCheckEffects(t *testing.T, url, adminSession string, ops []sdOp) {
	t.Helper()
	client := &http.Client{Timeout: 30 * time.Second}
	get := func(path string, header http.Header, out any) int {
		t.Helper()
		res := sdCall(client, "GET", url+path, "sd-check", header, nil)
		require.NoError(t, res.err)
		if out != nil && res.status == http.StatusOK {
			require.NoError(t, json.Unmarshal(res.body, out), "%s", res.body)
		}
		return res.status
	}
	for _, op := range ops {
		answered := op.err == nil
		switch op.kind {
		case "standby":
			var b standbyTestBooking
			status := get("/api/standby/bookings/"+op.key, sdEngine(), &b)
			if answered {
				require.Equal(t, http.StatusOK, status, "accepted standby booking %s", op.key)
				require.Len(t, b.Placements, 1, "standby booking %s", op.key)
			} else {
				require.Equal(t, http.StatusNotFound, status, "unanswered standby booking %s", op.key)
			}
		case "mogu":
			var st struct {
				Registered bool `json:"registered"`
				Trip       *struct {
					Title string `json:"title"`
				} `json:"trip"`
			}
			require.Equal(t, http.StatusOK, get("/api/backoffice/mogu/bookings/"+op.key+"/status?microsite=main", sdEngine(), &st))
			require.Equal(t, answered, st.Registered, "MOGU booking %s (answered: %v)", op.key, answered)
			if answered {
				require.Equal(t, "Trip "+op.key, st.Trip.Title)
			}
		case "partner":
			var acts struct {
				Events []partnerActivityJSON `json:"events"`
			}
			require.Equal(t, http.StatusOK, get("/api/partner/activity?serial="+op.key, http.Header{"Authorization": {"Bearer " + adminSession}}, &acts))
			if answered {
				var sent partnerActivityJSON
				require.NoError(t, json.Unmarshal(op.body, &sent))
				require.Len(t, acts.Events, 1, "accepted terminal activity %s", op.key)
				require.Equal(t, sent.ID, acts.Events[0].ID)
			} else {
				require.Empty(t, acts.Events, "unanswered terminal activity %s", op.key)
			}
		case "import":
			var history historyPage
			require.Equal(t, http.StatusOK, get("/api/staffid/imports", sdEngine(), &history))
			var applied []staffid.HistoryEntry
			for _, e := range history.Items {
				if e.Report.SyncCounts != nil {
					applied = append(applied, e)
				}
			}
			if answered {
				require.Len(t, applied, 1, "the accepted import is in the history")
				require.Equal(t, sdImportSize, applied[0].Report.Created)
			} else {
				require.Empty(t, applied, "the unanswered import was not applied")
			}
		}
	}
}

// TestSecondSignalStopsAtOnce: while a shutdown waits for a request in
// flight (an upload whose body is still coming), a second SIGTERM stops
// the process at once; the upload it cut leaves nothing behind and the
// server starts again on the same database.
func TestSecondSignalStopsAtOnce(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "bookingkit.db")
	p := sdStart(t, dsn, "-shutdown-timeout", "1m")

	list := staffidtest.GenerateList(2000, 9)
	pr, pw := io.Pipe()
	uploaded := make(chan sdResult, 1)
	go func() {
		uploaded <- sdCall(sdUploadClient(), "POST", p.URL+"/api__airline_employee_upload", "sd-slow-upload", sdUploadHeader(), pr)
	}()
	_, err := pw.Write(list[:len(list)/2]) // returns once the handler reads the body (sdUploadClient)
	require.NoError(t, err)

	p.Signal(t, syscall.SIGTERM)
	require.Eventually(t, func() bool { return strings.Contains(p.Stderr(), "shutting down") }, 10*time.Second, 10*time.Millisecond)
	select {
	case <-p.exited:
		t.Fatalf("the first SIGTERM did not wait for the upload in flight; stderr:\n%s", p.Stderr())
	case <-time.After(300 * time.Millisecond):
	}
	secondAt := time.Now()
	p.Signal(t, syscall.SIGTERM)
	state := p.Wait(t, 10*time.Second)
	t.Logf("second SIGTERM to exit: %s (%s)", time.Since(secondAt).Round(time.Millisecond), state)
	status, ok := state.Sys().(syscall.WaitStatus)
	require.True(t, ok)
	require.True(t, status.Signaled() && status.Signal() == syscall.SIGTERM, "killed by the second SIGTERM, not a graceful exit: %s", state)
	require.NotContains(t, p.Stderr(), "msg=stopped")
	pw.CloseWithError(errors.New("server gone"))
	res := <-uploaded
	require.Error(t, res.err, "the cut upload has no answer")

	// Nothing of the cut upload was applied, and the server starts again.
	stores, err := backend.Open(context.Background(), dsn)
	require.NoError(t, err)
	people, err := stores.StaffID.People(context.Background(), staffid.PeopleQuery{Limit: 1})
	require.NoError(t, err)
	require.Empty(t, people)
	require.NoError(t, stores.Close())
	p2 := sdStart(t, dsn)
	p2.Signal(t, syscall.SIGINT)
	state = p2.Wait(t, 30*time.Second)
	require.Equal(t, 0, state.ExitCode(), "%s", state)
}

// TestShutdownTimeoutCancelsRequestsInFlight runs the server in-process
// (under the race detector when the tests are): when the shutdown timeout
// expires with an import still being applied, the import is cancelled,
// rolls back and answers in full, and run returns only after it, with an
// error that says so.
func TestShutdownTimeoutCancelsRequestsInFlight(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "bookingkit.db")
	ts := startServer(t, map[string]string{"BOOKINGKIT_IMPORT_TOKEN": sdImportToken, "BOOKINGKIT_MAIL_DIR": t.TempDir()},
		"-db", dsn, "-shutdown-timeout", "1ms")

	body := &sdEOFReader{r: bytes.NewReader(staffidtest.GenerateList(sdImportSize, 10)), sent: make(chan struct{})}
	imported := make(chan sdResult, 1)
	go func() {
		imported <- sdCall(sdUploadClient(), "POST", ts.URL+"/api__airline_employee_upload", "sd-cancelled-import", sdUploadHeader(), body)
	}()
	<-body.sent
	stopAt := time.Now()
	err := ts.Stop()
	stopTook := time.Since(stopAt)
	res := <-imported
	t.Logf("run returned %s after the stop: %v; the import answered %d %s", stopTook.Round(time.Millisecond), err, res.status, res.body)

	require.ErrorContains(t, err, "shutdown: requests still in flight after 1ms were cancelled")
	require.Less(t, stopTook, cancelGrace, "the cancelled import answered within the grace")
	require.NoError(t, res.err, "the cancelled import has a whole answer")
	require.Equal(t, http.StatusServiceUnavailable, res.status, "%s", res.body)
	var answer errorBody
	require.NoError(t, json.Unmarshal(res.body, &answer), "%s", res.body)
	require.Equal(t, "sd-cancelled-import", answer.RequestID)
	require.Contains(t, ts.stderr.String(), "shutdown timeout expired: cancelling the requests in flight")
	require.NotContains(t, ts.stderr.String(), "database is closed", "the stores closed after the handlers, not under them")

	stores, err := backend.Open(context.Background(), dsn)
	require.NoError(t, err)
	defer stores.Close()
	people, err := stores.StaffID.People(context.Background(), staffid.PeopleQuery{Limit: 1})
	require.NoError(t, err)
	require.Empty(t, people, "the cancelled import rolled back")
}

// sdTail is the end of a long log, for failure messages.
func sdTail(s string) string {
	const n = 4000
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}
