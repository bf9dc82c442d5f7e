package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/staffid/staffidtest"
)

// What the seed makes besides the employee list. Small numbers: the reads
// under load, not the seeding, are measured, and each account costs a
// password hash and counts against the server's per-address limit of
// sign-up attempts (10 a minute by default).
const (
	standbyBookings    = 100 // on one flight, one to three passengers each
	moguOwnTrips       = 3   // B2C bookings per traveller, theirs by contact email
	moguClaimedTrips   = 2   // B2B vouchers each traveller claims
	partnerTerminals   = 10  // licences bound to a terminal
	terminalEvents     = 10  // activity records per terminal
	listSeed           = 1   // the generated employee list's seed: the same people every run
	listDiff           = 10  // people in list A and not in list B
	loadPassword       = "bookingkit load test password"
	moguMicrosite      = "load"
	moguOperatorHeader = "bookingkit-load"
)

// seeded is what the load reads, and the two versions of the employee list
// it imports meanwhile.
type seeded struct {
	listA, listB    []byte // list B is list A without listDiff companions
	staffSessions   []string
	standbyBookings []string
	moguSessions    []string
	partnerSession  string
	serials         []string
}

// seed makes the data the read paths read, through the API, printing a
// line per step to out.
func seed(ctx context.Context, c *api, o options, out io.Writer) (*seeded, error) {
	box, err := openMailbox(o.mailDir)
	if err != nil {
		return nil, err
	}
	// run tells this run's bookings, accounts and partner from earlier
	// runs' in the same database.
	var b [4]byte
	rand.Read(b[:])
	run := hex.EncodeToString(b[:])
	s := &seeded{}
	steps := []struct {
		name string
		do   func() error
	}{
		{"employee list", func() error { return s.employees(ctx, c, o, box, out) }},
		{"standby", func() error { return s.standby(ctx, c, o, run, out) }},
		{"mogu", func() error { return s.mogu(ctx, c, o, box, run, out) }},
		{"partner", func() error { return s.partner(ctx, c, o, box, run, out) }},
	}
	for _, step := range steps {
		if err := step.do(); err != nil {
			return nil, fmt.Errorf("%s: %w", step.name, err)
		}
	}
	return s, nil
}

// upload imports list and returns the server's report.
func upload(ctx context.Context, c *api, token string, list []byte) (int, staffid.Report, error) {
	status, raw, err := c.do(ctx, "POST", "/api__airline_employee_upload", bearer(token), list, "application/json", uploadTimeout)
	if err != nil {
		return status, staffid.Report{}, err
	}
	var report staffid.Report
	if status == http.StatusOK {
		if err := json.Unmarshal(raw, &report); err != nil {
			return status, report, fmt.Errorf("POST /api__airline_employee_upload: %w in %s", err, truncate(raw, errorBodyLimit))
		}
		return status, report, nil
	}
	return status, report, fmt.Errorf("POST /api__airline_employee_upload: status %d: %s", status, truncate(raw, errorBodyLimit))
}

// employees imports list A and registers the first o.staff employees of
// it: the mailed link, the password, a session. Employees registered by an
// earlier run sign in.
func (s *seeded) employees(ctx context.Context, c *api, o options, box *mailbox, out io.Writer) error {
	records := staffidtest.GenerateRecords(o.listSize, listSeed)
	var staff []staffidtest.Record
	staffGroups := map[int64]bool{}
	for _, r := range records {
		if len(staff) == o.staff {
			break
		}
		if r.IsEmployee == 1 && r.Email != "" {
			staff = append(staff, r)
			staffGroups[r.EmployeeID] = true
		}
	}
	if len(staff) < o.staff {
		return fmt.Errorf("a list of %d people has only %d employees with an email; want -staff %d", o.listSize, len(staff), o.staff)
	}
	// List B leaves out the last listDiff companions outside the staff's
	// groups: the imports alternate between blocking and unblocking them,
	// and the registered employees stay signed in.
	drop := map[int]bool{}
	for i := len(records) - 1; i >= 0 && len(drop) < listDiff; i-- {
		if records[i].IsEmployee == 0 && !staffGroups[records[i].EmployeeID] {
			drop[i] = true
		}
	}
	listB := make([]staffidtest.Record, 0, len(records)-len(drop))
	for i, r := range records {
		if !drop[i] {
			listB = append(listB, r)
		}
	}
	s.listA, s.listB = staffidtest.MarshalList(records), staffidtest.MarshalList(listB)

	start := time.Now()
	_, report, err := upload(ctx, c, o.importToken, s.listA)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "  employee list of %d people (%.1f MB of JSON) imported in %s: %s\n",
		o.listSize, float64(len(s.listA))/1e6, time.Since(start).Round(time.Millisecond), counts(report))

	for _, r := range staff {
		form := map[string]string{"LastName": r.LastName, "FirstName": r.FirstName, "BirthDay": r.BirthDay,
			"EmployeeID": strconv.FormatInt(r.EmployeeID, 10), "Email": r.Email}
		status, raw, err := c.send(ctx, "POST", "/api/staff/register", nil, form)
		if err != nil {
			return err
		}
		var session struct {
			SessionToken string `json:"session_token"`
		}
		if status != http.StatusAccepted {
			return fmt.Errorf("POST /api/staff/register %s: status %d: %s", r.Email, status, truncate(raw, errorBodyLimit))
		}
		// The answer is the same whether or not the employee registered
		// in an earlier run; the mail tells.
		token, already, err := box.registration(ctx, r.Email)
		switch {
		case err != nil:
			return err
		case already:
			if err := c.call(ctx, "POST", "/api/staff/login", nil, map[string]string{"email": r.Email, "password": loadPassword}, http.StatusOK, &session); err != nil {
				return err
			}
		default:
			if err := c.call(ctx, "POST", "/api/staff/password", nil, map[string]string{"token": token, "password": loadPassword}, http.StatusOK, &session); err != nil {
				return err
			}
		}
		var passengers struct {
			Passengers []struct{} `json:"passengers"`
		}
		if err := c.call(ctx, "GET", "/api/staff/passengers", bearer(session.SessionToken), nil, http.StatusOK, &passengers); err != nil {
			return err
		}
		if len(passengers.Passengers) == 0 {
			return fmt.Errorf("employee %s signed in but has no passengers", r.Email)
		}
		s.staffSessions = append(s.staffSessions, session.SessionToken)
	}
	fmt.Fprintf(out, "  %d staff employees registered and signed in\n", len(s.staffSessions))
	return nil
}

// standby puts standbyBookings bookings on one flight a month ahead: the
// airline's own staff and other airlines', in various cabins and
// categories, so their places differ.
func (s *seeded) standby(ctx context.Context, c *api, o options, run string, out io.Writer) error {
	date := time.Now().UTC().AddDate(0, 1, 0).Format(time.DateOnly)
	employers := []string{"SU", "SU", "SU", "AF", "KL"}
	cabins := []string{"economy", "economy", "business", "first"}
	bookedAt := time.Now().UTC().Add(-time.Duration(standbyBookings) * time.Minute)
	places := 0
	for i := range standbyBookings {
		var passengers []map[string]any
		for p := range 1 + i%3 {
			passengers = append(passengers, map[string]any{
				"employer":    employers[(i+p)%len(employers)],
				"employed_on": time.Date(1985+i%35, time.Month(1+i%12), 1+p, 0, 0, 0, 0, time.UTC).Format(time.DateOnly),
				"category":    (i + p) % 10,
			})
		}
		id := fmt.Sprintf("LOAD-%s-%03d", run, i)
		body := map[string]any{
			"booking_id": id,
			"booked_at":  bookedAt.Add(time.Duration(i) * time.Minute).Format(time.RFC3339),
			"segments": []map[string]any{{
				"flight": map[string]string{"carrier": "SU", "number": "900", "date": date},
				"cabin":  cabins[i%len(cabins)],
			}},
			"passengers": passengers,
		}
		if err := c.call(ctx, "POST", "/api/standby/bookings", bearer(o.engineToken), body, http.StatusCreated, nil); err != nil {
			return err
		}
		s.standbyBookings = append(s.standbyBookings, id)
		places += len(passengers)
	}
	fmt.Fprintf(out, "  %d standby bookings (%d passengers) on SU 900 of %s\n", standbyBookings, places, date)
	return nil
}

// mogu registers o.travellers app accounts, each with moguOwnTrips of its
// own bookings and moguClaimedTrips claimed from an agency's vouchers.
func (s *seeded) mogu(ctx context.Context, c *api, o options, box *mailbox, run string, out io.Writer) error {
	engine := bearer(o.engineToken)
	operator := bearer(o.engineToken)
	operator.Set("X-Operator", moguOperatorHeader)
	if err := c.call(ctx, "PUT", "/api/backoffice/mogu/microsites/"+moguMicrosite+"/activation", operator, map[string]any{"active": true}, http.StatusOK, nil); err != nil {
		return err
	}
	start := time.Now().UTC().AddDate(0, 0, 10).Truncate(time.Second)
	booking := func(id, channel, contact string) error {
		body := map[string]any{
			"channel": channel, "contact_email": contact, "microsite_id": moguMicrosite, "title": "Madrid – Tenerife",
			"travelers": 2, "start": start.Format(time.RFC3339), "end": start.AddDate(0, 0, 7).Format(time.RFC3339),
		}
		if channel == "b2b" {
			body["agent_email"], body["agency_id"] = "desk@agency.example", "LOADAGENCY"
		}
		return c.call(ctx, "PUT", "/api/backoffice/mogu/bookings/"+id, engine, body, http.StatusOK, nil)
	}
	for t := range o.travellers {
		email := fmt.Sprintf("traveller%d.%s@load.example", t, run)
		for i := range moguOwnTrips {
			if err := booking(fmt.Sprintf("LOAD-%s-T%d-OWN%d", run, t, i), "b2c", email); err != nil {
				return err
			}
		}
		if err := c.call(ctx, "POST", "/api/mogu/register", nil, map[string]string{"email": email}, http.StatusAccepted, nil); err != nil {
			return err
		}
		token, err := box.token(ctx, email)
		if err != nil {
			return err
		}
		var session struct {
			SessionToken string `json:"session_token"`
		}
		if err := c.call(ctx, "POST", "/api/mogu/password", nil, map[string]string{"token": token, "password": loadPassword}, http.StatusOK, &session); err != nil {
			return err
		}
		for i := range moguClaimedTrips {
			id := fmt.Sprintf("LOAD-%s-T%d-AG%d", run, t, i)
			if err := booking(id, "b2b", "desk@agency.example"); err != nil {
				return err
			}
			var voucher struct {
				Kind, URL string
			}
			if err := c.call(ctx, "GET", "/api/backoffice/mogu/bookings/"+id+"/voucher", engine, nil, http.StatusOK, &voucher); err != nil {
				return err
			}
			if voucher.Kind != "mogu" {
				return fmt.Errorf("booking %s: voucher of kind %q, want mogu (is the microsite active?)", id, voucher.Kind)
			}
			if err := c.call(ctx, "POST", "/api/mogu/claims", bearer(session.SessionToken), map[string]string{"url": voucher.URL}, http.StatusOK, nil); err != nil {
				return err
			}
		}
		var trips struct {
			Items []struct{} `json:"items"`
		}
		if err := c.call(ctx, "GET", "/api/mogu/trips", bearer(session.SessionToken), nil, http.StatusOK, &trips); err != nil {
			return err
		}
		if want := moguOwnTrips + moguClaimedTrips; len(trips.Items) != want {
			return fmt.Errorf("traveller %s has %d trips, want %d", email, len(trips.Items), want)
		}
		s.moguSessions = append(s.moguSessions, session.SessionToken)
	}
	fmt.Fprintf(out, "  %d MOGU travellers with %d trips each (%d claimed from vouchers)\n", o.travellers, moguOwnTrips+moguClaimedTrips, moguClaimedTrips)
	return nil
}

// partner has the administrator create a reseller and its user; the user
// sets up a company's WDS instance with licences; terminals bind to them
// and record activity.
func (s *seeded) partner(ctx context.Context, c *api, o options, box *mailbox, run string, out io.Writer) error {
	var admin, user struct {
		SessionToken string `json:"session_token"`
	}
	if err := c.call(ctx, "POST", "/api/partner/login", nil, map[string]string{"email": o.partnerEmail, "password": o.partnerPassword}, http.StatusOK, &admin); err != nil {
		return fmt.Errorf("administrator %s: %w", o.partnerEmail, err)
	}
	var reseller, company, inst struct {
		ID string `json:"id"`
	}
	if err := c.call(ctx, "POST", "/api/partner/partners", bearer(admin.SessionToken), map[string]string{"name": "Load reseller " + run}, http.StatusCreated, &reseller); err != nil {
		return err
	}
	email := "reseller." + run + "@load.example"
	if err := c.call(ctx, "POST", "/api/partner/users", bearer(admin.SessionToken),
		map[string]string{"partner_id": reseller.ID, "role": "partner_user", "name": "Load Reseller", "email": email}, http.StatusCreated, nil); err != nil {
		return err
	}
	token, err := box.token(ctx, email)
	if err != nil {
		return err
	}
	if err := c.call(ctx, "POST", "/api/partner/password", nil, map[string]string{"token": token, "password": loadPassword}, http.StatusOK, &user); err != nil {
		return err
	}
	me := bearer(user.SessionToken)
	if err := c.call(ctx, "POST", "/api/partner/companies", me, map[string]string{"name": "Load Logistics " + run}, http.StatusCreated, &company); err != nil {
		return err
	}
	if err := c.call(ctx, "POST", "/api/partner/instances", me, map[string]any{
		"company_id": company.ID, "type": "WDS", "profile": "professional",
		"company_data": map[string]string{"legal_name": "Load Logistics S.L.", "tax_id": "B-12345678", "contact_email": "it@load.example", "country": "ES"},
		"config":       map[string]string{"max_terminals": strconv.Itoa(partnerTerminals + 5), "time_zone": "Europe/Madrid"},
		"expires_at":   time.Now().UTC().AddDate(1, 0, 0).Truncate(time.Second),
	}, http.StatusCreated, &inst); err != nil {
		return err
	}
	if err := c.call(ctx, "POST", "/api/partner/instances/"+inst.ID+"/provision", me, nil, http.StatusOK, nil); err != nil {
		return err
	}
	var contract struct {
		SHA256 string `json:"sha256"`
	}
	if err := c.call(ctx, "GET", "/api/partner/instances/"+inst.ID+"/contract", me, nil, http.StatusOK, &contract); err != nil {
		return err
	}
	if err := c.call(ctx, "POST", "/api/partner/instances/"+inst.ID+"/generate", me, map[string]string{"contract_sha256": contract.SHA256}, http.StatusOK, nil); err != nil {
		return err
	}
	var wanted []map[string]string
	for i := range partnerTerminals {
		wanted = append(wanted, map[string]string{"user_name": fmt.Sprintf("Load User %d", i), "login": fmt.Sprintf("load.user%d", i)})
	}
	var added struct {
		Licences []struct {
			ID string `json:"id"`
		} `json:"licences"`
	}
	if err := c.call(ctx, "POST", "/api/partner/instances/"+inst.ID+"/licences", me, map[string]any{"licences": wanted}, http.StatusCreated, &added); err != nil {
		return err
	}
	terminal := bearer(o.engineToken)
	kinds := []string{"sign_in", "config_fetch"}
	for i, l := range added.Licences {
		serial := fmt.Sprintf("LOAD-%s-T%02d", run, i)
		if err := c.call(ctx, "POST", "/api/partner/terminal/bind", terminal, map[string]string{"licence_id": l.ID, "serial": serial}, http.StatusOK, nil); err != nil {
			return err
		}
		for e := range terminalEvents {
			if err := c.call(ctx, "POST", "/api/partner/terminal/activity", terminal,
				map[string]string{"licence_id": l.ID, "kind": kinds[e%len(kinds)], "serial": serial}, http.StatusCreated, nil); err != nil {
				return err
			}
		}
		s.serials = append(s.serials, serial)
	}
	var found struct {
		Events []struct{} `json:"events"`
	}
	if err := c.call(ctx, "GET", "/api/partner/activity?serial="+url.QueryEscape(s.serials[0]), me, nil, http.StatusOK, &found); err != nil {
		return err
	}
	if len(found.Events) == 0 {
		return errors.New("the activity search finds nothing for a terminal that recorded activity")
	}
	s.partnerSession = user.SessionToken
	fmt.Fprintf(out, "  partner user with %d terminals, %d activity records each (the bind included)\n", len(s.serials), len(found.Events))
	return nil
}

// counts is an import report's sync counts in words.
func counts(r staffid.Report) string {
	if r.SyncCounts == nil {
		return r.Status
	}
	var parts []string
	for _, c := range []struct {
		name string
		n    int
	}{{"created", r.Created}, {"updated", r.Updated}, {"unchanged", r.Unchanged}, {"blocked", r.Blocked}, {"unblocked", r.Unblocked}} {
		if c.n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", c.name, c.n))
		}
	}
	if len(parts) == 0 {
		return "nothing to do"
	}
	return strings.Join(parts, ", ")
}
