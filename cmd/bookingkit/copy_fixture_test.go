package main

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/account"
	"github.com/bookingkit/bookingkit/idempotency"
	"github.com/bookingkit/bookingkit/mogu"
	"github.com/bookingkit/bookingkit/outbox"
	"github.com/bookingkit/bookingkit/partner"
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/standby"
	"github.com/bookingkit/bookingkit/storage"
)

// A database with rows in every table, written through the stores as the
// services write them, and read back through the stores: what copy must
// carry over. Times are whole microseconds, the precision PostgreSQL keeps.

var copyT0 = time.Date(2026, 11, 23, 9, 30, 0, 123456000, time.UTC)

// copyAt is copyT0 plus m minutes.
func copyAt(m int) time.Time { return copyT0.Add(time.Duration(m) * time.Minute) }

func copyDate(t *testing.T, y int, m time.Month, d int) staffid.Date {
	t.Helper()
	date, ok := staffid.NewDate(y, m, d)
	require.True(t, ok)
	return date
}

// The fixture's keys, which readEveryTable reads back.
var (
	copySettings  = map[string]string{"import_token_hash": "sha256:3f1c…", "mogu_keys": `{"current":"k2","keys":{"k1":"c2VjcmV0MQ==","k2":"c2VjcmV0Mg=="}}`}
	copyFlightA   = standby.Flight{Carrier: "SU", Number: "100", Date: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}
	copyFlightB   = standby.Flight{Carrier: "AF", Number: "1234", Date: time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)}
	copyPeople    = []string{"v1:anna", "v1:boris", "v1:vera"}
	copyBookings  = []string{"SB-1", "SB-2", "SB-3"} // SB-3 is deleted
	copyTrips     = []string{"ITT-1", "ITT-2"}
	copyOperators = []string{"op-1", "op-2"}
)

// fillEveryTable writes rows into every bookingkit table.
func fillEveryTable(t *testing.T, s storage.Stores) {
	t.Helper()
	ctx := context.Background()

	for k, v := range copySettings {
		require.NoError(t, s.Settings.PutSetting(ctx, k, v))
	}

	// accounts, account_links (one used), account_sessions
	require.NoError(t, s.Accounts.CreateAccount(ctx, account.Account{ID: "acc-1", Realm: "staffid", Email: "anna@example.com",
		Subject: "v1:anna", PasswordHash: "$argon2id$v=19$…", CreatedAt: copyAt(0)}))
	require.NoError(t, s.Accounts.CreateAccount(ctx, account.Account{ID: "acc-2", Realm: "mogu", Email: "ivan@example.com", CreatedAt: copyAt(1)}))
	require.NoError(t, s.Accounts.CreateLink(ctx, account.Link{TokenHash: "link-open", AccountID: "acc-2", Purpose: account.PurposeSetPassword,
		CreatedAt: copyAt(1), ExpiresAt: copyAt(60 * 24)}))
	require.NoError(t, s.Accounts.CreateLink(ctx, account.Link{TokenHash: "link-used", AccountID: "acc-1", Purpose: account.PurposeResetPassword,
		CreatedAt: copyAt(2), ExpiresAt: copyAt(62)}))
	_, err := s.Accounts.UseLink(ctx, "link-used", copyAt(3), "$argon2id$v=19$new")
	require.NoError(t, err)
	require.NoError(t, s.Accounts.CreateSession(ctx, account.Session{TokenHash: "sess-1", AccountID: "acc-1", CreatedAt: copyAt(4), ExpiresAt: copyAt(4 + 60*24*30)}))

	// staffid_people and staffid_imports: an import, a second one that
	// updates and blocks, and a refused upload. Vera has no employment date.
	person := func(id string, employee bool, birth staffid.Date) *staffid.Person {
		p := &staffid.Person{ID: id, GroupKey: "884220062", IsEmployee: employee, GUID: "guid-" + id,
			LastName: "Ёлкина", FirstName: "Анна", MiddleName: "Сергеевна", LastNameEng: "Yolkina", FirstNameEng: "Anna", MiddleNameEng: "Sergeevna",
			BirthDay: birth, Sex: "F", EmployeeID: "884220062", CategoryCode: 3, Email: id[3:] + "@example.com", Digest: "d1-" + id}
		if employee {
			p.DateOfEmployment = copyDate(t, 2010, time.September, 1)
		} else {
			p.RelationDegree = "daughter"
		}
		return p
	}
	anna := person("v1:anna", true, copyDate(t, 1984, time.February, 29))
	boris := person("v1:boris", false, copyDate(t, 2010, time.January, 2))
	vera := person("v1:vera", false, copyDate(t, 2012, time.March, 3))
	plan := func(at time.Time, create, update []*staffid.Person, block []string) *staffid.Plan {
		counts := staffid.SyncCounts{Created: len(create), Updated: len(update), Blocked: len(block)}
		return &staffid.Plan{At: at, Create: create, Update: update, Block: block, Counts: counts,
			Entry: staffid.HistoryEntry{At: at, Source: staffid.SourceAPI, Actor: "token",
				Report: staffid.Report{Status: staffid.StatusOk, InputRecordsCount: 3, ImportedTotal: 3, EmployeesImported: 1, CompanionsImported: 2,
					InvalidRecords: []staffid.InvalidRecord{}, SyncCounts: &counts}}}
	}
	_, err = s.StaffID.ApplyImport(ctx, func([]staffid.PersonState) (*staffid.Plan, error) {
		return plan(copyAt(10), []*staffid.Person{anna, boris, vera}, nil, nil), nil
	})
	require.NoError(t, err)
	boris2 := *boris
	boris2.FirstNameEng, boris2.Digest = "Boris", "d2-v1:boris"
	_, err = s.StaffID.ApplyImport(ctx, func([]staffid.PersonState) (*staffid.Plan, error) {
		return plan(copyAt(20), nil, []*staffid.Person{&boris2}, []string{"v1:vera"}), nil
	})
	require.NoError(t, err)
	_, err = s.StaffID.AddImportHistory(ctx, staffid.HistoryEntry{At: copyAt(30), Source: staffid.SourceManual, Actor: "manager@example.com", Forced: true,
		InvalidRecordsOmitted: 4, Report: staffid.Report{Status: staffid.StatusError, ErrorMsg: "too many people would be blocked",
			InvalidRecords: []staffid.InvalidRecord{{Record: json.RawMessage(`{"guid": "x",  "birth_day":"31.02.1990"}`), Error: "birth_day: no such date"}}}})
	require.NoError(t, err)
	// staffid_held: a list the guard held, its people kept as bytes.
	heldEntry, err := s.StaffID.AddImportHistory(ctx, staffid.HistoryEntry{At: copyAt(31), Source: staffid.SourceAPI, Actor: "token",
		Report: staffid.Report{Status: staffid.StatusHeld, ErrorMsg: "mass blocking held", InvalidRecords: []staffid.InvalidRecord{}}})
	require.NoError(t, err)
	_, err = s.StaffIDHeld.Hold(ctx, staffid.HeldList{ID: heldEntry.ID, At: copyAt(31), Source: staffid.SourceAPI, Actor: "token",
		Counts: staffid.SyncCounts{Unchanged: 1, Blocked: 2}, Report: heldEntry.Report, Basis: "basis", List: []byte("[{\"LastName\":\"Ёлкина\"}]\x00\xff")})
	require.NoError(t, err)

	// staffid_bookings and staffid_booking_passengers: three bookings, the
	// last deleted, so that SQLite's sequence is past the largest seq.
	for i, id := range copyBookings {
		b := staffid.Booking{ID: id, BookedBy: "v1:anna", GroupKey: "884220062", Flight: copyFlightA, FareBasis: "ZED1", PassengerType: "ZED",
			Cabin: standby.Business, Standby: i%2 == 0, CreatedAt: copyAt(40 + i),
			Passengers: []staffid.BookedPassenger{
				{PersonID: "v1:anna", IsEmployee: true, LastNameEng: "Yolkina", FirstNameEng: "Anna", BirthDay: anna.BirthDay, Sex: "F", CategoryCode: 3},
				{PersonID: "v1:boris", LastNameEng: "O'Neil", FirstNameEng: "Boris", MiddleNameEng: "J", BirthDay: boris.BirthDay, Sex: "M", CategoryCode: 5},
			}}
		_, err := s.StaffBookings.CreateBooking(ctx, b)
		require.NoError(t, err)
	}
	require.NoError(t, s.StaffBookings.DeleteBooking(ctx, "SB-3"))

	// standby_flights and standby_entries: two flights, one passenger
	// boarded, the second flight closed.
	entry := func(f standby.Flight, booking string, passenger int, cabin standby.Cabin) standby.Entry {
		return standby.Entry{BookingID: booking, Passenger: passenger, Flight: f, Employer: "SU", Cabin: cabin, Category: passenger + 1,
			EmployedOn: time.Date(2011, 4, 2, 0, 0, 0, 0, time.UTC), BookedAt: copyAt(50 + passenger)}
	}
	require.NoError(t, s.Standby.AddEntries(ctx, []standby.Entry{
		entry(copyFlightA, "PNR-1", 0, standby.Economy), entry(copyFlightA, "PNR-1", 1, standby.Economy),
		entry(copyFlightA, "PNR-2", 0, standby.First), entry(copyFlightB, "PNR-3", 0, standby.Business),
	}, copyAt(55)))
	_, err = s.Standby.RemoveEntry(ctx, standby.EntryID{Flight: copyFlightA.Key(), BookingID: "PNR-2", Passenger: 0}, standby.StatusBoarded, copyAt(56))
	require.NoError(t, err)
	_, err = s.Standby.CloseFlight(ctx, copyFlightB.Key(), copyAt(57))
	require.NoError(t, err)

	// mogu: activations, a B2C and a B2B trip, a rotated token, a claim,
	// memberships and a current agency.
	require.NoError(t, s.Mogu.RecordActivation(ctx, mogu.Activation{MicrositeID: "main", Seq: 1, Active: true, By: "am@vendor.example", At: copyAt(60), Note: "launch"}))
	require.NoError(t, s.Mogu.RecordActivation(ctx, mogu.Activation{MicrositeID: "main", Seq: 2, Active: false, By: "am@vendor.example", At: copyAt(61)}))
	for i, id := range copyTrips {
		tr := mogu.Trip{Booking: mogu.Booking{ID: id, Channel: mogu.B2C, ContactEmail: "Ivan@Example.com", MicrositeID: "main"},
			Title: "Madrid – Tenerife", Travelers: 2, Start: copyAt(60 * 24 * (10 + i)), End: copyAt(60 * 24 * (17 + i))}
		if i == 1 {
			tr.Channel, tr.AgentEmail, tr.AgencyID = mogu.B2B, "agent@agency.example", "agency-1"
		}
		tr, err := tr.Normalize()
		require.NoError(t, err)
		_, err = s.Mogu.PutTrip(ctx, tr, copyAt(62))
		require.NoError(t, err)
	}
	rotated, err := s.Mogu.RotateToken(ctx, "ITT-1", copyAt(63))
	require.NoError(t, err)
	_, created, err := s.Mogu.AddLink(ctx, mogu.TripLink{BookingID: "ITT-1", AccountID: "acc-2", EmailKey: "ivan@example.com",
		Link: mogu.LinkAsTraveler, Generation: rotated.TokenGeneration, At: copyAt(64)})
	require.NoError(t, err)
	require.True(t, created)
	for _, op := range copyOperators {
		require.NoError(t, s.Mogu.AddMembership(ctx, mogu.Membership{OperatorID: op, AgencyID: "agency-1", GrantedBy: "admin", GrantedAt: copyAt(65)}))
	}
	require.NoError(t, s.Mogu.SetCurrentAgency(ctx, "op-1", "agency-1", copyAt(66)))

	// partner: every table.
	audit := func(n int, partnerID, object, id, action string) partner.AuditRecord {
		return partner.AuditRecord{ID: "aud_" + string(rune('a'+n)), At: copyAt(70 + n), ActorID: "usr_admin", ActorRole: partner.RoleAdministrator,
			PartnerID: partnerID, Object: object, ObjectID: id, Action: action, Detail: "detail ✓"}
	}
	ptn := partner.Partner{ID: "ptn_a", Name: "Partner A", CreatedAt: copyAt(70)}
	require.NoError(t, s.Partner.CreatePartner(ctx, ptn, audit(0, "ptn_a", partner.ObjectPartner, "ptn_a", "create")))
	for i, u := range []partner.User{
		{ID: "usr_admin", Role: partner.RoleAdministrator, Name: "Root", Email: "root@vendor.example", CreatedAt: copyAt(71)},
		{ID: "usr_alice", PartnerID: "ptn_a", Role: partner.RolePartnerUser, Name: "Alice", Email: "Alice@A.example", CreatedAt: copyAt(72)},
	} {
		require.NoError(t, s.Partner.CreateUser(ctx, u, audit(1+i, u.PartnerID, partner.ObjectUser, u.ID, "create")))
	}
	company := partner.Company{ID: "cmp_a", PartnerID: "ptn_a", Name: "Acme Logistics", CreatedAt: copyAt(73)}
	require.NoError(t, s.Partner.CreateCompany(ctx, company, audit(3, "ptn_a", partner.ObjectCompany, "cmp_a", "create")))
	inst := partner.Instance{ID: "ins_1", PartnerID: "ptn_a", CompanyID: "cmp_a", Type: "WDS", Profile: "basic", State: partner.StateActive,
		CompanyData: map[string]string{"legal_name": "Acme S.L.", "country": "ES"}, Config: map[string]string{"max_terminals": "25", "quote": `a "b" \ c`},
		ExpiresAt: copyAt(60 * 24 * 365), Contract: partner.Contract{Text: "CONTRACT €", SHA256: partner.Digest("CONTRACT €"), GeneratedAt: copyAt(74)},
		Deactivation: partner.Deactivation{Reason: "moving", RequestedBy: "usr_alice", RequestedAt: copyAt(75), Decision: partner.DecisionRejected,
			DecisionReason: "no", DecidedBy: "usr_admin", DecidedAt: copyAt(76)},
		CreatedBy: "usr_alice", CreatedAt: copyAt(74), ActivatedAt: copyAt(74), UpdatedAt: copyAt(76), Version: 1}
	require.NoError(t, s.Partner.CreateInstance(ctx, inst, audit(4, "ptn_a", partner.ObjectInstance, "ins_1", "create")))
	licence := func(id, login string) partner.Licence {
		return partner.Licence{ID: id, PartnerID: "ptn_a", CompanyID: "cmp_a", InstanceID: "ins_1", InstanceType: "WDS", Profile: "basic",
			State: partner.StateActive, User: partner.LicenceUser{Name: "User " + login, Login: login, Email: login + "@acme.example"},
			CreatedBy: "usr_alice", CreatedAt: copyAt(77), UpdatedAt: copyAt(77), Version: 1}
	}
	free, bound := licence("lic_1", "ana"), licence("lic_2", "ben")
	require.NoError(t, s.Partner.CreateLicences(ctx, partner.LicenceBatch{InstanceID: "ins_1", InstanceVersion: 1, Licences: []partner.Licence{free, bound},
		Audit: []partner.AuditRecord{audit(5, "ptn_a", partner.ObjectLicence, "lic_1", "create"), audit(6, "ptn_a", partner.ObjectLicence, "lic_2", "create")}}))
	next := bound
	next.Terminal, next.BoundAt, next.UpdatedAt, next.Version = partner.Terminal{Serial: "SN-1", PIN: "1111"}, copyAt(78), copyAt(78), 2
	require.NoError(t, s.Partner.UpdateLicence(ctx, partner.LicenceUpdate{Licence: next, PrevVersion: 1,
		Activity: &partner.ActivityEvent{At: copyAt(78), Kind: partner.ActivityBound, PartnerID: "ptn_a", CompanyID: "cmp_a", InstanceID: "ins_1",
			LicenceID: "lic_2", Serial: "SN-1", PIN: "1111", UserLogin: "ben"}}))
	_, err = s.Partner.AppendActivity(ctx, partner.ActivityEvent{At: copyAt(79), Kind: partner.ActivitySignIn, PartnerID: "ptn_a", CompanyID: "cmp_a",
		InstanceID: "ins_1", LicenceID: "lic_2", Serial: "SN-1", PIN: "1111", UserLogin: "ben", Detail: "app 2.1 ✓"})
	require.NoError(t, err)
	for _, m := range []partner.Message{
		{ID: "msg_1", PartnerID: "ptn_a", CompanyID: "cmp_a", Direction: partner.FromPartner, AuthorID: "usr_alice", Body: "hello\nsecond line ✓", At: copyAt(80)},
		{ID: "msg_2", PartnerID: "ptn_a", CompanyID: "cmp_a", Direction: partner.FromSupport, AuthorID: "usr_admin", Body: "hi", At: copyAt(81)},
	} {
		require.NoError(t, s.Partner.PostMessage(ctx, m))
	}
	require.NoError(t, s.Partner.MarkThreadRead(ctx, "cmp_a", partner.SidePartner, "msg_1"))
	require.NoError(t, s.Partner.AppendAudit(ctx, audit(7, "ptn_a", partner.ObjectInstance, "ins_1", "clear_session")))
	require.NoError(t, s.Partner.UseImpersonation(ctx, "nonce-1", copyAt(60*24*365), audit(8, "ptn_a", partner.ObjectLicence, "lic_1", "impersonation_open")))
	for i, k := range []partner.APIKey{
		{ID: "key_1", PartnerID: "ptn_a", Name: "ERP ✓", ReadOnly: true, Hash: "5e88…", CreatedBy: "usr_admin", CreatedAt: copyAt(82), LastUsedAt: copyAt(83)},
		{ID: "key_2", PartnerID: "ptn_a", Name: "Old", Hash: "6b86…", CreatedBy: "usr_admin", CreatedAt: copyAt(82), RevokedAt: copyAt(84), RevokedBy: "usr_admin"},
	} {
		require.NoError(t, s.Partner.CreateAPIKey(ctx, k, audit(9+i, "ptn_a", partner.ObjectAPIKey, k.ID, "create")))
	}

	// partner webhooks: an endpoint, an event with its delivery, and one
	// failed attempt.
	hook := partner.WebhookEndpoint{ID: "whe_1", PartnerID: "ptn_a", URL: "https://hooks.example/a", Description: "ERP ✓",
		Secret: "whsec_c2VjcmV0c2VjcmV0c2VjcmV0", CreatedBy: "usr_admin", CreatedAt: copyAt(85)}
	require.NoError(t, s.Partner.CreateWebhookEndpoint(ctx, hook, audit(11, "ptn_a", partner.ObjectWebhook, hook.ID, "create")))
	deliveries, err := s.Partner.RecordWebhookEvent(ctx, partner.WebhookEvent{ID: "evt_1", Type: partner.WebhookInstanceStateChanged,
		PartnerID: "ptn_a", Object: partner.ObjectInstance, ObjectID: "ins_1", At: copyAt(86), Data: json.RawMessage(`{"to":"active","n":"✓"}`)})
	require.NoError(t, err)
	require.Len(t, deliveries, 1)
	_, err = s.Partner.RecordWebhookAttempt(ctx, partner.WebhookAttempt{DeliveryID: deliveries[0].ID, At: copyAt(87), StatusCode: 503,
		Error: "answered 503", Duration: 25 * time.Millisecond}, partner.WebhookPending)
	require.NoError(t, err)

	// idempotency_keys: a booking's answer kept for its key, bytes and all.
	_, _, err = s.Idempotency.Begin(ctx, idempotency.Record{Scope: "staff:p1", Key: "k-1", Fingerprint: "f1", Token: "t1",
		CreatedAt: copyAt(88), LockedUntil: copyAt(89), ExpiresAt: copyAt(60 * 24 * 365)})
	require.NoError(t, err)
	require.NoError(t, s.Idempotency.Complete(ctx, "staff:p1", "k-1", "t1", idempotency.Answer{Status: 201,
		Location: "/api/staff/bookings/SB1", ContentType: "application/json", Body: []byte("{\"id\":\"SB1\",\"n\":\"✓\"}\x00\xff")}))

	// outbox: two mails waiting, one of which failed once.
	for i, to := range []string{"anna@example.com", "boris@example.com"} {
		_, err := s.Outbox.Enqueue(ctx, outbox.Message{Kind: outbox.KindMail, Payload: json.RawMessage(`{"to":"` + to + `","subject":"Ссылка ✓"}`),
			CreatedAt: copyAt(90 + i), NextAttempt: copyAt(90 + i)})
		require.NoError(t, err)
	}
	claimed, err := s.Outbox.Claim(ctx, []string{outbox.KindMail}, copyAt(91), copyAt(92), "lease", 1)
	require.NoError(t, err)
	require.Len(t, claimed, 1)
	require.NoError(t, s.Outbox.Retry(ctx, claimed[0].ID, "lease", copyAt(95), "connection refused"))

	// rate_limits: two keys' arrival times.
	for i, key := range []string{"staff:login:addr:203.0.113.7", "mogu.claim.account:acc-2"} {
		require.NoError(t, s.RateLimits.Update(ctx, key, func(time.Time) (time.Time, bool) { return copyAt(100 + i), true }))
	}
}

// readEveryTable reads back through s everything fillEveryTable wrote,
// keyed by what was read.
func readEveryTable(t *testing.T, s storage.Stores) map[string]any {
	t.Helper()
	ctx := context.Background()
	got := map[string]any{}
	must := func(name string, v any, err error) {
		t.Helper()
		require.NoError(t, err, name)
		got[name] = v
	}

	for k := range copySettings {
		v, err := s.Settings.Setting(ctx, k)
		must("setting "+k, v, err)
	}

	for _, id := range []string{"acc-1", "acc-2"} {
		a, err := s.Accounts.Account(ctx, id)
		must("account "+id, a, err)
	}
	for _, h := range []string{"link-open", "link-used"} {
		l, err := s.Accounts.Link(ctx, h)
		must("link "+h, l, err)
	}
	sess, err := s.Accounts.Session(ctx, "sess-1")
	must("session", sess, err)

	backlog, err := s.Outbox.Backlog(ctx)
	must("outbox", backlog, err)
	for _, key := range []string{"staff:login:addr:203.0.113.7", "mogu.claim.account:acc-2"} {
		var tat time.Time
		require.NoError(t, s.RateLimits.Update(ctx, key, func(t time.Time) (time.Time, bool) { tat = t; return t, false }))
		got["rate limit "+key] = tat
	}

	people, err := s.StaffID.People(ctx, staffid.PeopleQuery{Limit: 100})
	must("people", people, err)
	group, err := s.StaffID.GroupPeople(ctx, "884220062")
	must("group people", group, err)
	history, err := s.StaffID.ImportHistory(ctx, staffid.HistoryQuery{Limit: 100})
	must("import history", history, err)

	bookings, err := s.StaffBookings.Bookings(ctx, staffid.BookingQuery{People: copyPeople, Limit: 100})
	must("staff bookings", bookings, err)
	_, err = s.StaffBookings.Booking(ctx, "SB-3")
	require.ErrorIs(t, err, bookingkit.ErrNotFound, "SB-3 was deleted")

	entries, version, err := s.Standby.ActiveEntries(ctx, copyFlightA.Key())
	must("active entries", entries, err)
	got["flight version"] = version
	version, err = s.Standby.FlightVersion(ctx, copyFlightB.Key())
	must("closed flight version", version, err)
	for _, b := range []string{"PNR-1", "PNR-2", "PNR-3"} {
		recs, err := s.Standby.BookingRecords(ctx, b)
		must("standby records "+b, recs, err)
	}
	// A closed flight refuses entries (and the refusal writes nothing).
	err = s.Standby.AddEntries(ctx, []standby.Entry{{BookingID: "PNR-9", Flight: copyFlightB, Employer: "SU", Cabin: standby.Economy,
		EmployedOn: time.Date(2011, 4, 2, 0, 0, 0, 0, time.UTC), BookedAt: copyAt(1000)}}, copyAt(1000))
	got["flight closed "+string(copyFlightB.Key())] = errors.Is(err, bookingkit.ErrConflict)

	act, err := s.Mogu.ActivationHistory(ctx, "main", 0, 100)
	must("mogu activations", act, err)
	for _, id := range copyTrips {
		tr, err := s.Mogu.Trip(ctx, id)
		must("mogu trip "+id, tr, err)
	}
	at, err := s.Mogu.AccountTrip(ctx, "acc-2", "ivan@example.com", "ITT-1")
	must("mogu account trip", at, err)
	ats, err := s.Mogu.ListAccountTrips(ctx, mogu.AccountTripQuery{AccountID: "acc-2", EmailKey: "ivan@example.com", Limit: 100})
	must("mogu account trips", ats, err)
	agency, err := s.Mogu.ListAgencyTrips(ctx, mogu.AgencyTripQuery{AgencyID: "agency-1", Limit: 100})
	must("mogu agency trips", agency, err)
	for _, op := range copyOperators {
		ms, err := s.Mogu.Memberships(ctx, op, "", 100)
		must("mogu memberships "+op, ms, err)
	}
	cur, err := s.Mogu.CurrentAgency(ctx, "op-1")
	must("mogu current agency", cur, err)

	ps, err := s.Partner.ListPartners(ctx, partner.PartnerQuery{Limit: 100})
	must("partners", ps, err)
	for _, id := range []string{"usr_admin", "usr_alice"} {
		u, err := s.Partner.GetUser(ctx, id)
		must("partner user "+id, u, err)
	}
	cs, err := s.Partner.ListCompanies(ctx, partner.CompanyQuery{Limit: 100})
	must("companies", cs, err)
	is, err := s.Partner.ListInstances(ctx, partner.InstanceQuery{Now: copyAt(100), Limit: 100})
	must("instances", is, err)
	ls, err := s.Partner.ListLicences(ctx, partner.LicenceQuery{Limit: 100})
	must("licences", ls, err)
	found, err := s.Partner.ListLicences(ctx, partner.LicenceQuery{Search: "ben", Limit: 100})
	must("licences found by search text", found, err)
	evs, err := s.Partner.SearchActivity(ctx, partner.ActivityQuery{Serial: "SN-1", Limit: 100})
	must("activity", evs, err)
	msgs, err := s.Partner.ListMessages(ctx, partner.MessageQuery{CompanyID: "cmp_a", Limit: 100})
	must("messages", msgs, err)
	threads, err := s.Partner.ListThreads(ctx, partner.ThreadQuery{Limit: 100})
	must("threads", threads, err)
	hooks, err := s.Partner.ListWebhookEndpoints(ctx, "ptn_a")
	must("webhook endpoints", hooks, err)
	hookEvent, err := s.Partner.GetWebhookEvent(ctx, "evt_1")
	must("webhook event", hookEvent, err)
	hookDeliveries, err := s.Partner.ListWebhookDeliveries(ctx, partner.WebhookDeliveryQuery{EndpointID: "whe_1", Limit: 10})
	must("webhook deliveries", hookDeliveries, err)
	kept, created, err := s.Idempotency.Begin(ctx, idempotency.Record{Scope: "staff:p1", Key: "k-1", Fingerprint: "f1", Token: "t2",
		CreatedAt: copyAt(200), LockedUntil: copyAt(201), ExpiresAt: copyAt(202)})
	require.False(t, created, "the kept answer is found")
	must("idempotency key", kept, err)
	keys, err := s.Partner.ListAPIKeys(ctx, partner.APIKeyQuery{Limit: 100})
	must("partner API keys", keys, err)
	auditLog, err := s.Partner.ListAudit(ctx, partner.AuditQuery{Limit: 100})
	must("audit", auditLog, err)
	counts, err := s.Partner.CountReport(ctx, partner.ReportFilter{Subject: partner.SubjectLicences, Now: copyAt(100)})
	must("licence report", counts, err)
	months, err := s.Partner.CountByMonth(ctx, partner.ReportFilter{Subject: partner.SubjectInstances, Now: copyAt(100)})
	must("instance months", months, err)
	// The used nonce is refused a second time.
	err = s.Partner.UseImpersonation(ctx, "nonce-1", copyAt(60*24*365), partner.AuditRecord{ID: "aud_zz", At: copyAt(200), ActorID: "x",
		PartnerID: "ptn_a", Object: partner.ObjectLicence, ObjectID: "lic_1", Action: "impersonation_open"})
	got["nonce-1 used"] = errors.Is(err, bookingkit.ErrConflict)
	return got
}
