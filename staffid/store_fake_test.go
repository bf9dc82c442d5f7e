package staffid_test

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/storage/memory"
)

// fakeStore is storage/memory's staffid.Store, which the conformance suite
// holds to the same cases as SQLite and PostgreSQL, with what the
// importer's tests need beyond a store: failures on demand and the count
// of people the last import wrote.
type fakeStore struct {
	staffid.Store
	mu          sync.Mutex
	failApply   error // when set, ApplyImport fails after planning
	failHistory error // when set, AddImportHistory fails
	writes      int   // people written by the last ApplyImport
}

func newFakeStore() *fakeStore {
	return &fakeStore{Store: memory.New().Stores().StaffID}
}

func (s *fakeStore) ApplyImport(ctx context.Context, plan func([]staffid.PersonState) (*staffid.Plan, error)) (staffid.HistoryEntry, error) {
	s.mu.Lock()
	fail := s.failApply
	s.mu.Unlock()
	var writes int
	e, err := s.Store.ApplyImport(ctx, func(current []staffid.PersonState) (*staffid.Plan, error) {
		pl, err := plan(current)
		if err != nil {
			return nil, err
		}
		if fail != nil {
			return nil, fail
		}
		writes = len(pl.Create) + len(pl.Update) + len(pl.Block)
		return pl, nil
	})
	if err == nil {
		s.mu.Lock()
		s.writes = writes
		s.mu.Unlock()
	}
	return e, err
}

func (s *fakeStore) AddImportHistory(ctx context.Context, e staffid.HistoryEntry) (staffid.HistoryEntry, error) {
	s.mu.Lock()
	fail := s.failHistory
	s.mu.Unlock()
	if fail != nil {
		return staffid.HistoryEntry{}, fail
	}
	return s.Store.AddImportHistory(ctx, e)
}

// snapshot returns the stored people by ID, to show that a refused import
// changed nothing.
func (s *fakeStore) snapshot() map[string]staffid.Person {
	out := map[string]staffid.Person{}
	for after := ""; ; {
		page, err := s.People(context.Background(), staffid.PeopleQuery{AfterID: after, Limit: staffid.MaxPageSize})
		if err != nil {
			panic(err)
		}
		if len(page) == 0 {
			return out
		}
		for _, p := range page {
			out[p.ID] = p
		}
		after = page[len(page)-1].ID
	}
}

// byName returns the stored people by "LastName FirstName".
func (s *fakeStore) byName() map[string]staffid.Person {
	out := map[string]staffid.Person{}
	for _, p := range s.snapshot() {
		out[p.LastName+" "+p.FirstName] = p
	}
	return out
}

// history returns the whole import history, oldest first.
func (s *fakeStore) history() []staffid.HistoryEntry {
	var out []staffid.HistoryEntry
	for before := int64(0); ; {
		page, err := s.ImportHistory(context.Background(), staffid.HistoryQuery{BeforeID: before, Limit: staffid.MaxPageSize})
		if err != nil {
			panic(err)
		}
		if len(page) == 0 {
			slices.Reverse(out)
			return out
		}
		out = append(out, page...)
		before = page[len(page)-1].ID
	}
}

// lastHistory returns the newest history entry.
func (s *fakeStore) lastHistory() staffid.HistoryEntry {
	page, err := s.ImportHistory(context.Background(), staffid.HistoryQuery{Limit: 1})
	if err != nil || len(page) == 0 {
		panic(fmt.Sprintf("no import history: %v", err))
	}
	return page[0]
}

// asStored returns invalid records as a store gives them back: it keeps a
// report in its JSON form, which has no Index.
func asStored(records []staffid.InvalidRecord) []staffid.InvalidRecord {
	out := slices.Clone(records)
	for i := range out {
		out[i].Index = 0
	}
	return out
}
