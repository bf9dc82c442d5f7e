package memory

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/staffid"
)

// StaffIDStore keeps the staff-travel people and the import history.
//
// Imports are serialised by their own mutex, held for the whole of
// ApplyImport, so the plan is computed against the result of the previous
// import; the data mutex is taken only to read the people's states and,
// briefly, to write the changes, so lookups are not held up while a large
// list is planned.
type StaffIDStore struct {
	importMu sync.Mutex // serialises ApplyImport

	mu      sync.RWMutex
	people  map[string]staffid.Person
	ids     []string                       // every person's ID, ascending: People's keyset order
	groups  map[string]map[string]struct{} // group key -> IDs
	history []storedHistoryEntry           // by ascending ID = index+1
	changes map[int64]*importChanges       // by import ID, applied imports only (staffid_history.go)
}

// storedHistoryEntry keeps the report encoded as JSON, as the SQL adapters
// do, so that a history entry reads back the same from every store (the
// report's fields that JSON does not carry are lost everywhere alike).
type storedHistoryEntry struct {
	entry  staffid.HistoryEntry // Report zero
	report []byte
}

var _ staffid.Store = (*StaffIDStore)(nil)

func newStaffIDStore() *StaffIDStore {
	return &StaffIDStore{people: map[string]staffid.Person{}, groups: map[string]map[string]struct{}{}, changes: map[int64]*importChanges{}}
}

// ApplyImport runs one import: see [staffid.ImportStore.ApplyImport].
func (s *StaffIDStore) ApplyImport(ctx context.Context, plan func([]staffid.PersonState) (*staffid.Plan, error)) (staffid.HistoryEntry, error) {
	s.importMu.Lock()
	defer s.importMu.Unlock()
	if err := ctx.Err(); err != nil {
		return staffid.HistoryEntry{}, err
	}

	s.mu.RLock()
	current := make([]staffid.PersonState, 0, len(s.people))
	for _, id := range s.ids {
		p := s.people[id]
		current = append(current, staffid.PersonState{ID: p.ID, Digest: p.Digest, Blocked: p.Blocked})
	}
	s.mu.RUnlock()

	pl, err := plan(current)
	if err != nil {
		return staffid.HistoryEntry{}, err
	}
	if pl == nil {
		return staffid.HistoryEntry{}, fail("staffid: the plan is nil: %w", bookingkit.ErrInvalid)
	}
	report, err := json.Marshal(pl.Entry.Report)
	if err != nil {
		return staffid.HistoryEntry{}, fail("staffid: encoding the report: %w", err)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	// Check the whole plan first, so that a bad one changes nothing, as a
	// rolled-back transaction would. Only imports write people and they
	// are serialised, so the people cannot have changed since the read.
	created := make(map[string]struct{}, len(pl.Create))
	for _, p := range pl.Create {
		if _, ok := s.people[p.ID]; ok {
			return staffid.HistoryEntry{}, fail("staffid: create person %s: %w", p.ID, bookingkit.ErrConflict)
		}
		if _, ok := created[p.ID]; ok {
			return staffid.HistoryEntry{}, fail("staffid: person %s created twice: %w", p.ID, bookingkit.ErrConflict)
		}
		created[p.ID] = struct{}{}
	}
	for _, p := range pl.Update {
		if _, ok := s.people[p.ID]; !ok {
			return staffid.HistoryEntry{}, fail("staffid: update person %s: %w", p.ID, bookingkit.ErrNotFound)
		}
	}
	for _, id := range pl.Block {
		if _, ok := s.people[id]; !ok {
			return staffid.HistoryEntry{}, fail("staffid: block person %s: %w", id, bookingkit.ErrNotFound)
		}
	}
	changes, err := s.planChangesLocked(pl)
	if err != nil {
		return staffid.HistoryEntry{}, err
	}

	for _, p := range pl.Create {
		q := *p
		q.Blocked, q.BlockedAt = false, time.Time{}
		q.CreatedAt, q.UpdatedAt = pl.At, pl.At
		s.people[q.ID] = q
		s.ids = append(s.ids, q.ID)
		addToSet(s.groups, q.GroupKey, q.ID)
	}
	if len(pl.Create) > 0 {
		slices.Sort(s.ids)
	}
	for _, p := range pl.Update {
		old := s.people[p.ID]
		q := *p
		q.CreatedAt, q.UpdatedAt = old.CreatedAt, pl.At
		q.Blocked, q.BlockedAt = false, time.Time{}
		s.people[q.ID] = q
		if old.GroupKey != q.GroupKey {
			removeFromSet(s.groups, old.GroupKey, q.ID)
			addToSet(s.groups, q.GroupKey, q.ID)
		}
	}
	for _, id := range pl.Block {
		q := s.people[id]
		q.Blocked, q.BlockedAt, q.UpdatedAt = true, pl.At, pl.At
		s.people[id] = q
	}
	e, err := s.appendHistoryLocked(pl.Entry, report)
	if err == nil {
		s.changes[e.ID] = changes
	}
	return e, err
}

// AddImportHistory appends an entry for an upload refused before planning.
func (s *StaffIDStore) AddImportHistory(ctx context.Context, e staffid.HistoryEntry) (staffid.HistoryEntry, error) {
	if err := ctx.Err(); err != nil {
		return staffid.HistoryEntry{}, err
	}
	report, err := json.Marshal(e.Report)
	if err != nil {
		return staffid.HistoryEntry{}, fail("staffid: encoding the report: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.appendHistoryLocked(e, report)
}

func (s *StaffIDStore) appendHistoryLocked(e staffid.HistoryEntry, report []byte) (staffid.HistoryEntry, error) {
	e.ID = int64(len(s.history) + 1)
	stored := e
	stored.Report = staffid.Report{}
	s.history = append(s.history, storedHistoryEntry{entry: stored, report: report})
	return decodeHistoryEntry(s.history[len(s.history)-1])
}

func decodeHistoryEntry(h storedHistoryEntry) (staffid.HistoryEntry, error) {
	e := h.entry
	if err := json.Unmarshal(h.report, &e.Report); err != nil {
		return staffid.HistoryEntry{}, fail("staffid: decoding the report of import %d: %w", e.ID, err)
	}
	return e, nil
}

// ImportHistory returns entries newest first, below q.BeforeID.
func (s *StaffIDStore) ImportHistory(ctx context.Context, q staffid.HistoryQuery) ([]staffid.HistoryEntry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	limit := staffid.NormalizeLimit(q.Limit)
	i := len(s.history) // entries [0, i) have IDs below i+1
	if q.BeforeID > 0 && q.BeforeID-1 < int64(i) {
		i = int(q.BeforeID - 1)
	}
	out := []staffid.HistoryEntry{}
	for i--; i >= 0 && len(out) < limit; i-- {
		e, err := decodeHistoryEntry(s.history[i])
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// ImportEntry returns one history entry.
func (s *StaffIDStore) ImportEntry(ctx context.Context, id int64) (staffid.HistoryEntry, error) {
	if err := ctx.Err(); err != nil {
		return staffid.HistoryEntry{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if id < 1 || id > int64(len(s.history)) {
		return staffid.HistoryEntry{}, notFound(fmt.Sprintf("staffid import %d", id))
	}
	return decodeHistoryEntry(s.history[id-1])
}

// Person returns the person with the ID.
func (s *StaffIDStore) Person(ctx context.Context, id string) (staffid.Person, error) {
	if err := ctx.Err(); err != nil {
		return staffid.Person{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, ok := s.people[id]
	if !ok {
		return staffid.Person{}, notFound("staffid person " + id)
	}
	return p, nil
}

// GroupPeople returns a group's people: the employee first, then by ID.
func (s *StaffIDStore) GroupPeople(ctx context.Context, groupKey string) ([]staffid.Person, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]staffid.Person, 0, len(s.groups[groupKey]))
	for id := range s.groups[groupKey] {
		out = append(out, s.people[id])
	}
	slices.SortFunc(out, func(a, b staffid.Person) int {
		if a.IsEmployee != b.IsEmployee {
			if a.IsEmployee {
				return -1
			}
			return 1
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out, nil
}

// People returns a keyset page of people in ascending ID order.
func (s *StaffIDStore) People(ctx context.Context, q staffid.PeopleQuery) ([]staffid.Person, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	limit := staffid.NormalizeLimit(q.Limit)
	out := []staffid.Person{}
	for i := sort.SearchStrings(s.ids, q.AfterID); i < len(s.ids) && len(out) < limit; i++ {
		if s.ids[i] == q.AfterID {
			continue
		}
		p := s.people[s.ids[i]]
		if q.State == staffid.OnlyActive && p.Blocked || q.State == staffid.OnlyBlocked && !p.Blocked {
			continue
		}
		out = append(out, p)
	}
	return out, nil
}
