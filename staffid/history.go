package staffid

import (
	"context"
	"fmt"
	"strings"

	"github.com/bookingkit/bookingkit"
)

// ChangeKind says what an import did to a person.
type ChangeKind string

// The kinds of change, as the history and its API spell them.
const (
	ChangeCreated   ChangeKind = "created"
	ChangeUpdated   ChangeKind = "updated"
	ChangeBlocked   ChangeKind = "blocked"
	ChangeUnblocked ChangeKind = "unblocked"
)

// ChangeKinds are the kinds of change in the order an import's changes
// are listed.
var ChangeKinds = []ChangeKind{ChangeCreated, ChangeUpdated, ChangeBlocked, ChangeUnblocked}

// ParseChangeKind reads a kind of change as the API spells it; "" is no
// kind (every kind).
func ParseChangeKind(s string) (ChangeKind, error) {
	for _, k := range ChangeKinds {
		if string(k) == s {
			return k, nil
		}
	}
	if s == "" {
		return "", nil
	}
	return "", bookingkit.Invalidf("kind", s, "expected created, updated, blocked or unblocked")
}

// ImportChange is one person an applied import changed, as its history
// keeps them (Entra ID's provisioning log, Okta's import results): the
// person, named, and for an updated or unblocked one the list's fields
// that changed.
type ImportChange struct {
	Kind ChangeKind `json:"kind"`
	PersonChange
}

// ChangesQuery selects a page of one kind of an import's changes.
type ChangesQuery struct {
	ImportID int64
	Kind     ChangeKind // one kind, not ""
	AfterID  string     // only people with a greater ID; "" = from the start
	Limit    int        // at most this many; see [NormalizeLimit]
}

// Changes returns what the import history keeps of the plan's updated,
// unblocked and blocked people, given each one as stored before the plan
// (before returns an error matching bookingkit.ErrNotFound for an ID that
// is not stored). The people the plan creates are not among them: a store
// keeps them as its own rows, marked with the import that created them,
// so that a new list of 100 000 people costs no second row per person.
// Updated and unblocked people are named as the list gives them, blocked
// ones as they were stored.
func (p *Plan) Changes(before func(id string) (Person, error)) ([]ImportChange, error) {
	out := make([]ImportChange, 0, len(p.Update)+len(p.Block))
	for _, listed := range p.Update {
		old, err := before(listed.ID)
		if err != nil {
			return nil, err
		}
		c := ImportChange{Kind: ChangeUpdated, PersonChange: personChange(listed)}
		if old.Blocked {
			c.Kind = ChangeUnblocked
		}
		c.Fields = changedFields(&old, listed)
		out = append(out, c)
	}
	for _, id := range p.Block {
		old, err := before(id)
		if err != nil {
			return nil, err
		}
		out = append(out, ImportChange{Kind: ChangeBlocked, PersonChange: personChange(&old)})
	}
	return out, nil
}

// ChangesPage is a page of an import's changes.
type ChangesPage struct {
	Items []ImportChange
	// Next is the cursor of the next page; "" on the last. A full page
	// has one, which may lead to an empty page.
	Next string
}

// Changes returns a page of the people the import with the ID changed:
// of one kind, or of every kind when kind is "" (the created people
// first, then the updated, blocked and unblocked ones), each kind in
// ascending ID order; from cursor, the Next of the page before ("" from
// the start); at most [NormalizeLimit] of limit. There is no cap: every
// person is on some page. An unknown import gives an error matching
// bookingkit.ErrNotFound; a refused import changed nobody.
func (im *Importer) Changes(ctx context.Context, importID int64, kind ChangeKind, cursor string, limit int) (ChangesPage, error) {
	kinds := ChangeKinds
	if kind != "" {
		if _, err := ParseChangeKind(string(kind)); err != nil {
			return ChangesPage{}, err
		}
		kinds = []ChangeKind{kind}
	}
	var afterID string
	if cursor != "" {
		k, id, ok := strings.Cut(cursor, ":")
		at := -1
		for i, c := range kinds {
			if string(c) == k {
				at = i
			}
		}
		if !ok || at < 0 || id == "" {
			return ChangesPage{}, bookingkit.Invalidf("cursor", cursor, "expected the next of the page before")
		}
		kinds, afterID = kinds[at:], id
	}
	limit = NormalizeLimit(limit)
	page := ChangesPage{Items: []ImportChange{}}
	for _, k := range kinds {
		items, err := im.store.ImportChanges(ctx, ChangesQuery{ImportID: importID, Kind: k, AfterID: afterID, Limit: limit - len(page.Items)})
		if err != nil {
			return ChangesPage{}, err
		}
		page.Items = append(page.Items, items...)
		if len(page.Items) == limit {
			last := page.Items[limit-1]
			page.Next = fmt.Sprintf("%s:%s", last.Kind, last.ID)
			break
		}
		afterID = ""
	}
	return page, nil
}
