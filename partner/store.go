package partner

import (
	"context"
	"time"
)

// Store is everything the partner module keeps. Storage adapters implement
// it; the [Service] holds the rules. Conventions for every method:
//
//   - A missing object is an error matching bookingkit.ErrNotFound; a
//     unique key already taken, or a version that no longer matches, is
//     bookingkit.ErrConflict.
//   - A method that takes an [AuditRecord] writes it in the same
//     transaction as the change it records: both or neither.
//   - Lists take a Limit (always set by the service, at most
//     [MaxPageSize]+1) and a keyset position, and must be answered from
//     an index, never by reading every row.
//   - Times are UTC with microsecond precision; adapters keep them exactly.
//   - Partner isolation is the service's job, but every list and count
//     filters by PartnerID when it is not "", so that a partner's query
//     never reads another partner's rows.
type Store interface {
	PartnerStore
	InstanceStore
	LicenceStore
	ActivityStore
	SupportStore
	AuditStore
	ReportStore
	WebhookStore
	APIKeyStore
}

// PartnerStore keeps partners, users and companies.
type PartnerStore interface {
	// CreatePartner inserts p with its audit record.
	CreatePartner(ctx context.Context, p Partner, audit AuditRecord) error
	GetPartner(ctx context.Context, id string) (Partner, error)
	// ListPartners returns partners with ID > q.After, by ID, at most q.Limit.
	ListPartners(ctx context.Context, q PartnerQuery) ([]Partner, error)

	// CreateUser inserts u with its audit record. The e-mail address is
	// unique across users (ErrConflict), compared ignoring case.
	CreateUser(ctx context.Context, u User, audit AuditRecord) error
	GetUser(ctx context.Context, id string) (User, error)

	// CreateCompany inserts c with its audit record; its support thread
	// exists from then on, with no messages and nothing unread.
	CreateCompany(ctx context.Context, c Company, audit AuditRecord) error
	GetCompany(ctx context.Context, id string) (Company, error)
	// ListCompanies returns companies of q.PartnerID ("" for all) with
	// ID > q.After, by ID, at most q.Limit.
	ListCompanies(ctx context.Context, q CompanyQuery) ([]Company, error)
}

// InstanceStore keeps instances.
type InstanceStore interface {
	// CreateInstance inserts inst (Version 1) with its audit record.
	CreateInstance(ctx context.Context, inst Instance, audit AuditRecord) error
	GetInstance(ctx context.Context, id string) (Instance, error)
	// UpdateInstance replaces the stored instance with u.Instance if the
	// stored version is still u.PrevVersion, and writes u.Audit, in one
	// transaction; otherwise it changes nothing and returns ErrConflict
	// (ErrNotFound if there is no such instance). u.Instance.Version is
	// u.PrevVersion+1.
	//
	// With u.DeactivateLicences it also, in the same transaction, ends
	// the instance's licences: for every licence of the instance that is
	// not yet deactivated and holds a terminal, it appends an
	// [ActivityEvent] of kind [ActivityReleased] (At u.Instance.UpdatedAt,
	// the licence's partner, company, instance, ID, serial, PIN and login,
	// Detail [DetailInstanceDeactivated]); then it sets every such licence to
	// deactivated, clears its terminal and BoundAt, increments its Version
	// and sets its UpdatedAt to u.Instance.UpdatedAt.
	UpdateInstance(ctx context.Context, u InstanceUpdate) error
	// ListInstances returns the instances that match q, by ID, with
	// ID > q.After, at most q.Limit. Statuses compare against the derived
	// status: "expired" is State active with ExpiresAt <= q.Now, and
	// "active" is State active with ExpiresAt > q.Now.
	ListInstances(ctx context.Context, q InstanceQuery) ([]Instance, error)
}

// InstanceUpdate is one optimistic write of an instance; see
// [InstanceStore.UpdateInstance].
type InstanceUpdate struct {
	Instance           Instance
	PrevVersion        int64
	Audit              AuditRecord
	DeactivateLicences bool
}

// LicenceStore keeps licences.
type LicenceStore interface {
	// CreateLicences inserts b.Licences and b.Audit in one transaction,
	// all or none, provided the instance b.InstanceID is still at version
	// b.InstanceVersion (else ErrConflict: it changed, perhaps was
	// deactivated, since the service checked it; lock its row while
	// checking). A login already used by a licence of the same instance
	// that is not deactivated is ErrConflict.
	CreateLicences(ctx context.Context, b LicenceBatch) error
	GetLicence(ctx context.Context, id string) (Licence, error)
	// UpdateLicence replaces the stored licence with u.Licence if the
	// stored version is still u.PrevVersion (else ErrConflict, changing
	// nothing), and in the same transaction writes u.Audit and appends
	// u.Activity when they are not nil. A terminal serial or PIN bound to
	// another licence of the same instance is ErrConflict.
	UpdateLicence(ctx context.Context, u LicenceUpdate) error
	// ListLicences returns the licences that match q, by ID, with
	// ID > q.After, at most q.Limit. Login, Serial and PIN match exactly;
	// Search (only ever given with InstanceID) matches a substring of user
	// name, login, e-mail, serial or PIN ignoring case.
	ListLicences(ctx context.Context, q LicenceQuery) ([]Licence, error)
}

// LicenceBatch is the input of [LicenceStore.CreateLicences].
type LicenceBatch struct {
	InstanceID      string
	InstanceVersion int64
	Licences        []Licence
	Audit           []AuditRecord
}

// LicenceUpdate is one optimistic write of a licence; see
// [LicenceStore.UpdateLicence]. Audit is nil for a terminal's own binding;
// Activity is set when the terminal binding changed.
type LicenceUpdate struct {
	Licence     Licence
	PrevVersion int64
	Audit       *AuditRecord
	Activity    *ActivityEvent
}

// ActivityStore keeps the append-only terminal activity log. It must stay
// fast at millions of events: index (serial, at, id), (pin, at, id) —
// adapters may lead them with partner_id for partner users' searches.
type ActivityStore interface {
	// AppendActivity inserts ev, assigning its ID (increasing in append
	// order), and returns it with the ID.
	AppendActivity(ctx context.Context, ev ActivityEvent) (ActivityEvent, error)
	GetActivity(ctx context.Context, id int64) (ActivityEvent, error)
	// SearchActivity returns the events that match q, newest first: by At
	// descending, then ID descending; at most q.Limit.
	SearchActivity(ctx context.Context, q ActivityQuery) ([]ActivityEvent, error)
}

// SupportStore keeps support threads: one per company, with its messages
// and, for each side, the last message that side has read.
type SupportStore interface {
	// PostMessage appends m to its company's thread.
	PostMessage(ctx context.Context, m Message) error
	// ListMessages returns messages of q.CompanyID with ID < q.Before (all
	// when Before is ""), newest (highest ID) first, at most q.Limit.
	ListMessages(ctx context.Context, q MessageQuery) ([]Message, error)
	// MarkThreadRead sets side's read mark of the company's thread to
	// upTo, unless the mark is already later. upTo must be a message of
	// that thread (else ErrNotFound).
	MarkThreadRead(ctx context.Context, companyID string, side Side, upTo string) error
	// GetThread returns the summary of one company's thread. Unread by a
	// side counts messages from the other side with an ID above the
	// side's read mark.
	GetThread(ctx context.Context, companyID string) (ThreadSummary, error)
	// ListThreads returns the thread of every company of q.PartnerID ("" for
	// all), ordered by LastMessageAt descending then CompanyID descending,
	// threads without messages last (as if LastMessageAt were zero), after
	// q.After in that order, at most q.Limit.
	ListThreads(ctx context.Context, q ThreadQuery) ([]ThreadSummary, error)
}

// AuditStore reads the audit log and records what changes no object.
type AuditStore interface {
	// AppendAudit writes one record of an action that changes no stored
	// object, such as making an impersonation link.
	AppendAudit(ctx context.Context, rec AuditRecord) error
	// ListAudit returns the records that match q, newest (highest ID)
	// first, with ID < q.Before when set, at most q.Limit.
	ListAudit(ctx context.Context, q AuditQuery) ([]AuditRecord, error)
	// UseImpersonation marks the impersonation link nonce as used and
	// writes audit, in one transaction. A nonce already used is
	// ErrConflict. The adapter may forget nonces once expiresAt has passed:
	// the link's signature carries the expiry, so an old link is refused
	// before it reaches the store.
	UseImpersonation(ctx context.Context, nonce string, expiresAt time.Time, audit AuditRecord) error
}

// ReportStore counts for reports. Counting is the store's job (GROUP BY),
// never reading every object into memory.
type ReportStore interface {
	// CountReport groups the objects of f.Subject that match f by type,
	// profile and state (for instances the status: expired derived at
	// f.Now as in [InstanceStore.ListInstances]) and returns one row per
	// non-empty group, in any order.
	CountReport(ctx context.Context, f ReportFilter) ([]CountRow, error)
	// CountByMonth groups the activated objects of f.Subject that match f
	// (instances by ActivatedAt, which must be set; licences by CreatedAt)
	// by UTC month ("2006-01"), type and profile, one row per non-empty
	// group, in any order.
	CountByMonth(ctx context.Context, f ReportFilter) ([]MonthRow, error)
}
