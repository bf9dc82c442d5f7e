package staffid_test

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/staffid"
)

// fakeStore is the tests' in-memory staffid.Store: a map under a mutex,
// applying a plan the way the real adapters must (all of it or nothing).
type fakeStore struct {
	mu      sync.Mutex
	people  map[string]staffid.Person
	history []staffid.HistoryEntry

	failApply   error // when set, ApplyImport fails after planning
	failHistory error // when set, AddImportHistory fails
	applies     int   // ApplyImport calls
	writes      int   // people written by the last ApplyImport
}

var _ staffid.Store = (*fakeStore)(nil)

func newFakeStore() *fakeStore {
	return &fakeStore{people: map[string]staffid.Person{}}
}

func (s *fakeStore) ApplyImport(ctx context.Context, plan func([]staffid.PersonState) (*staffid.Plan, error)) (staffid.HistoryEntry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.applies++
	current := make([]staffid.PersonState, 0, len(s.people))
	for _, p := range s.people {
		current = append(current, staffid.PersonState{ID: p.ID, Digest: p.Digest, Blocked: p.Blocked})
	}
	pl, err := plan(current)
	if err != nil {
		return staffid.HistoryEntry{}, err
	}
	if s.failApply != nil {
		return staffid.HistoryEntry{}, s.failApply
	}
	// Check everything first so that a bad plan changes nothing.
	for _, p := range pl.Create {
		if _, ok := s.people[p.ID]; ok {
			return staffid.HistoryEntry{}, fmt.Errorf("create %s: %w", p.ID, bookingkit.ErrConflict)
		}
	}
	for _, p := range pl.Update {
		if _, ok := s.people[p.ID]; !ok {
			return staffid.HistoryEntry{}, fmt.Errorf("update %s: %w", p.ID, bookingkit.ErrNotFound)
		}
	}
	for _, id := range pl.Block {
		if _, ok := s.people[id]; !ok {
			return staffid.HistoryEntry{}, fmt.Errorf("block %s: %w", id, bookingkit.ErrNotFound)
		}
	}
	s.writes = 0
	for _, p := range pl.Create {
		q := *p
		q.Blocked, q.BlockedAt = false, staffid.Person{}.BlockedAt
		q.CreatedAt, q.UpdatedAt = pl.At, pl.At
		s.people[q.ID] = q
		s.writes++
	}
	for _, p := range pl.Update {
		q := *p
		q.CreatedAt = s.people[q.ID].CreatedAt
		q.UpdatedAt = pl.At
		q.Blocked, q.BlockedAt = false, staffid.Person{}.BlockedAt
		s.people[q.ID] = q
		s.writes++
	}
	for _, id := range pl.Block {
		q := s.people[id]
		q.Blocked, q.BlockedAt, q.UpdatedAt = true, pl.At, pl.At
		s.people[id] = q
		s.writes++
	}
	e := pl.Entry
	e.ID = int64(len(s.history) + 1)
	s.history = append(s.history, e)
	return e, nil
}

func (s *fakeStore) AddImportHistory(ctx context.Context, e staffid.HistoryEntry) (staffid.HistoryEntry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failHistory != nil {
		return staffid.HistoryEntry{}, s.failHistory
	}
	e.ID = int64(len(s.history) + 1)
	s.history = append(s.history, e)
	return e, nil
}

func (s *fakeStore) ImportHistory(ctx context.Context, q staffid.HistoryQuery) ([]staffid.HistoryEntry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []staffid.HistoryEntry
	for i := len(s.history) - 1; i >= 0 && len(out) < staffid.NormalizeLimit(q.Limit); i-- {
		if q.BeforeID == 0 || s.history[i].ID < q.BeforeID {
			out = append(out, s.history[i])
		}
	}
	return out, nil
}

func (s *fakeStore) ImportEntry(ctx context.Context, id int64) (staffid.HistoryEntry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id < 1 || id > int64(len(s.history)) {
		return staffid.HistoryEntry{}, bookingkit.ErrNotFound
	}
	return s.history[id-1], nil
}

func (s *fakeStore) Person(ctx context.Context, id string) (staffid.Person, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.people[id]
	if !ok {
		return staffid.Person{}, bookingkit.ErrNotFound
	}
	return p, nil
}

func (s *fakeStore) GroupPeople(ctx context.Context, key string) ([]staffid.Person, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []staffid.Person{}
	for _, p := range s.people {
		if p.GroupKey == key {
			out = append(out, p)
		}
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

func (s *fakeStore) People(ctx context.Context, q staffid.PeopleQuery) ([]staffid.Person, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []staffid.Person{}
	for _, id := range slices.Sorted(maps.Keys(s.people)) {
		p := s.people[id]
		if id <= q.AfterID || q.State == staffid.OnlyActive && p.Blocked || q.State == staffid.OnlyBlocked && !p.Blocked {
			continue
		}
		if len(out) == staffid.NormalizeLimit(q.Limit) {
			break
		}
		out = append(out, p)
	}
	return out, nil
}

// snapshot returns a copy of the stored people, to show that a refused
// import changed nothing.
func (s *fakeStore) snapshot() map[string]staffid.Person {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.people)
}

// byName returns the stored people by "LastName FirstName".
func (s *fakeStore) byName() map[string]staffid.Person {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]staffid.Person{}
	for _, p := range s.people {
		out[p.LastName+" "+p.FirstName] = p
	}
	return out
}
