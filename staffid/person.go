package staffid

import "time"

// Person is one person of the employee list as stored: an employee or a
// companion. The import creates and updates people; it never deletes one.
// Someone absent from a newer list is Blocked, and unblocked when they come
// back.
type Person struct {
	// ID is the identity hash of the native full name and the configured
	// identity fields (see [IdentityID]), e.g. "v1:3f1c…". Stable across
	// imports as long as those fields do not change.
	ID string

	// GroupKey is the value of the configured group field (EmployeeID or
	// GUID): an employee and their companions share it.
	GroupKey string
	// IsEmployee is true for the employee of the group, false for a
	// companion.
	IsEmployee bool

	// The list's fields, trimmed of outer spaces. Sex is "M" or "F".
	// A companion's DateOfEmployment (and EmployeeID) is its employee's.
	GUID             string
	LastName         string
	FirstName        string
	MiddleName       string
	LastNameEng      string
	FirstNameEng     string
	MiddleNameEng    string
	BirthDay         Date
	Sex              string
	DateOfEmployment Date
	EmployeeID       string
	CategoryCode     int // 0–9, the lower the higher the priority
	Email            string
	RelationDegree   string

	// Digest is [Person.ContentDigest] as of the last import that wrote
	// the person; stores keep it so the next import can tell unchanged
	// people without reading their fields.
	Digest string

	// Blocked is true when the person was absent from the latest list.
	Blocked bool
	// CreatedAt is when an import first added the person, UpdatedAt when
	// one last changed them (fields or Blocked), BlockedAt when they were
	// blocked (zero while active).
	CreatedAt time.Time
	UpdatedAt time.Time
	BlockedAt time.Time
}

// text returns the value of a text field of p.
func (p *Person) text(f field) string {
	switch f {
	case fieldGUID:
		return p.GUID
	case fieldLastName:
		return p.LastName
	case fieldFirstName:
		return p.FirstName
	case fieldMiddleName:
		return p.MiddleName
	case fieldLastNameEng:
		return p.LastNameEng
	case fieldFirstNameEng:
		return p.FirstNameEng
	case fieldMiddleNameEng:
		return p.MiddleNameEng
	case fieldSex:
		return p.Sex
	case fieldEmployeeID:
		return p.EmployeeID
	case fieldEmail:
		return p.Email
	case fieldRelationDegree:
		return p.RelationDegree
	case fieldBirthDay:
		return p.BirthDay.String()
	case fieldDateOfEmployment:
		return p.DateOfEmployment.String()
	}
	return ""
}

// FullName returns "LastName FirstName MiddleName" in native spelling.
func (p Person) FullName() string {
	s := p.LastName + " " + p.FirstName
	if p.MiddleName != "" {
		s += " " + p.MiddleName
	}
	return s
}
