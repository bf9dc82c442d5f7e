package memory

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/bookingkit/bookingkit/staffid"
)

// importChanges is what the history keeps of one applied import's
// changes: the IDs of the people it created (named from the people as
// stored now, as the SQL adapters join them) and the others as the import
// left them, each kind by ascending ID.
type importChanges struct {
	created []string
	others  map[staffid.ChangeKind][]staffid.ImportChange
}

// planChangesLocked returns what the history keeps of pl, read from the
// people before pl is applied; s.mu is held.
func (s *StaffIDStore) planChangesLocked(pl *staffid.Plan) (*importChanges, error) {
	others, err := pl.Changes(func(id string) (staffid.Person, error) {
		p, ok := s.people[id]
		if !ok {
			return staffid.Person{}, notFound("staffid person " + id)
		}
		return p, nil
	})
	if err != nil {
		return nil, err
	}
	c := &importChanges{created: make([]string, len(pl.Create)), others: map[staffid.ChangeKind][]staffid.ImportChange{}}
	for i, p := range pl.Create {
		c.created[i] = p.ID
	}
	slices.Sort(c.created)
	for _, ch := range others {
		c.others[ch.Kind] = append(c.others[ch.Kind], ch)
	}
	for _, list := range c.others {
		slices.SortFunc(list, func(a, b staffid.ImportChange) int { return cmp.Compare(a.ID, b.ID) })
	}
	return c, nil
}

// ImportChanges returns a page of one kind of an import's changes.
func (s *StaffIDStore) ImportChanges(ctx context.Context, q staffid.ChangesQuery) ([]staffid.ImportChange, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if q.ImportID < 1 || q.ImportID > int64(len(s.history)) {
		return nil, notFound(fmt.Sprintf("staffid import %d", q.ImportID))
	}
	limit := staffid.NormalizeLimit(q.Limit)
	out := []staffid.ImportChange{}
	c := s.changes[q.ImportID]
	if c == nil {
		return out, nil
	}
	if q.Kind == staffid.ChangeCreated {
		for i := sort.SearchStrings(c.created, q.AfterID); i < len(c.created) && len(out) < limit; i++ {
			if id := c.created[i]; id != q.AfterID {
				p := s.people[id]
				out = append(out, staffid.ImportChange{Kind: staffid.ChangeCreated,
					PersonChange: staffid.PersonChange{ID: p.ID, Name: p.FullName(), EmployeeID: p.EmployeeID, IsEmployee: p.IsEmployee}})
			}
		}
		return out, nil
	}
	list := c.others[q.Kind]
	i, _ := slices.BinarySearchFunc(list, q.AfterID, func(ch staffid.ImportChange, id string) int { return cmp.Compare(ch.ID, id) })
	for ; i < len(list) && len(out) < limit; i++ {
		if ch := list[i]; ch.ID != q.AfterID {
			ch.Fields = slices.Clone(ch.Fields)
			out = append(out, ch)
		}
	}
	return out, nil
}
