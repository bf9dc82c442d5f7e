package partner

import "time"

// The kinds of object an audit record is about.
const (
	ObjectPartner  = "partner"
	ObjectUser     = "user"
	ObjectCompany  = "company"
	ObjectInstance = "instance"
	ObjectLicence  = "licence"
)

// AuditRecord says who changed what, when and why. The store writes it in
// the same transaction as the change it describes, so there is never a
// change without its record nor a record without its change.
type AuditRecord struct {
	ID        string // sorts in time order
	At        time.Time
	ActorID   string
	ActorRole Role   // "" when the actor is known only by ID (an opened impersonation link)
	PartnerID string // the partner the object belongs to
	Object    string // ObjectInstance, ObjectLicence, …
	ObjectID  string
	Action    string // "create" or the life cycle event, e.g. "request_deactivation"
	Reason    string // as the actor wrote it; "" when none was asked for
	Detail    string // what changed, e.g. "expiry 2026-01-01T00:00:00Z -> 2027-01-01T00:00:00Z"
}

// AuditQuery selects audit records, newest first.
type AuditQuery struct {
	PartnerID string // "" for every partner (administrators only)
	ObjectID  string // "" for every object
	Before    string // keyset: only records with an ID less than this
	Limit     int
}
