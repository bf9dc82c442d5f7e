package staffid

import (
	"context"
	"errors"
)

// errDryRun rolls a dry run's transaction back once its plan is made.
var errDryRun = errors.New("staffid: dry run")

// MaxChangesListed is how many people of each kind of change a dry run's
// report names; the counts are always whole.
const MaxChangesListed = 10000

// Changes names the people an import changes, for a dry run
// ([ImportOptions.DryRun]): what the counts of the report count.
type Changes struct {
	Created   []PersonChange `json:"created"`
	Updated   []PersonChange `json:"updated"`
	Blocked   []PersonChange `json:"blocked"`
	Unblocked []PersonChange `json:"unblocked"`
	// Omitted counts the people left out of the lists above beyond
	// MaxChangesListed of a kind.
	Omitted int `json:"omitted,omitempty"`
}

// PersonChange is one person an import changes.
type PersonChange struct {
	ID         string `json:"id"`
	Name       string `json:"name"` // LastName FirstName MiddleName, as the list spells them
	EmployeeID string `json:"employee_id,omitempty"`
	IsEmployee bool   `json:"is_employee"`
	// Fields are the list's fields that change, for an updated or
	// unblocked person whose data changed too.
	Fields []string `json:"fields,omitempty"`
}

func personChange(p *Person) PersonChange {
	return PersonChange{ID: p.ID, Name: p.FullName(), EmployeeID: p.EmployeeID, IsEmployee: p.IsEmployee}
}

// changedFields lists the list's fields whose text differs between the
// stored person and the list's.
func changedFields(stored, listed *Person) []string {
	var out []string
	for f := range numFields {
		if exportText(stored, f) != exportText(listed, f) {
			out = append(out, f.String())
		}
	}
	return out
}

// describeChanges names the people plan changes, as the history of an
// applied import would ([Plan.Changes]). The stored people come from
// people when the store reads them (every store of this module's
// adapters does); otherwise updated and blocked people are named by ID
// only.
func describeChanges(ctx context.Context, people PeopleStore, plan *Plan) (*Changes, error) {
	c := &Changes{Created: []PersonChange{}, Updated: []PersonChange{}, Blocked: []PersonChange{}, Unblocked: []PersonChange{}}
	add := func(list *[]PersonChange, pc PersonChange) {
		if len(*list) >= MaxChangesListed {
			c.Omitted++
			return
		}
		*list = append(*list, pc)
	}
	for _, p := range plan.Create {
		add(&c.Created, personChange(p))
	}
	changes, err := plan.Changes(func(id string) (Person, error) {
		if people == nil {
			return Person{ID: id}, nil
		}
		return people.Person(ctx, id)
	})
	if err != nil {
		return nil, err
	}
	lists := map[ChangeKind]*[]PersonChange{ChangeUpdated: &c.Updated, ChangeBlocked: &c.Blocked, ChangeUnblocked: &c.Unblocked}
	for _, ch := range changes {
		if people == nil {
			ch.Fields = nil
		}
		add(lists[ch.Kind], ch.PersonChange)
	}
	return c, nil
}
