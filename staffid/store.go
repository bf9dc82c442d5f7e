package staffid

import (
	"context"
	"time"
)

// Store is everything the module keeps: the people and the import history.
// The adapters in storage/memory, storage/sqlite and storage/postgres
// implement it and run the same conformance cases.
type Store interface {
	ImportStore
	PeopleStore
}

// ImportStore is what the [Importer] needs.
type ImportStore interface {
	// ApplyImport runs one import as one transaction, serialised with
	// every other ApplyImport on the same data, across processes where
	// the backend is shared (PostgreSQL: a transaction-scoped advisory
	// lock; SQLite: BEGIN IMMEDIATE). Inside it the store
	//  1. reads the PersonState of every stored person, blocked or not;
	//  2. calls plan with them, once (or again after a retry of the whole
	//     transaction; plan has no side effects);
	//  3. if plan returns an error, rolls back and returns that error;
	//  4. otherwise inserts Plan.Create, updates Plan.Update and blocks
	//     Plan.Block as their comments say, appends Plan.Entry to the import
	//     history with a new ID, keeps what ImportChanges reads of it (the
	//     people Create inserts, marked as created by the entry, and
	//     [Plan.Changes] of the people as stored before the plan), commits,
	//     and returns the entry with its ID.
	// Either all of it is stored or none. A plan with no people to write
	// (a re-import of the same list, or a refused one) writes only the
	// history entry. Computing the plan under the lock means a concurrent
	// upload can never make it stale.
	ApplyImport(ctx context.Context, plan func(current []PersonState) (*Plan, error)) (HistoryEntry, error)

	// AddImportHistory appends an entry for an upload refused before any
	// plan (an unreadable or invalid list) and returns it with its new ID.
	AddImportHistory(ctx context.Context, e HistoryEntry) (HistoryEntry, error)

	// ImportHistory returns entries newest first (by descending ID): those
	// with an ID below q.BeforeID (all when 0), at most q.Limit of them.
	ImportHistory(ctx context.Context, q HistoryQuery) ([]HistoryEntry, error)

	// ImportEntry returns one entry, or an error matching
	// bookingkit.ErrNotFound.
	ImportEntry(ctx context.Context, id int64) (HistoryEntry, error)

	// ImportChanges returns the people of q.Kind that the import
	// q.ImportID changed: those with an ID above q.AfterID, in ascending
	// ID order, at most q.Limit of them. Created people are named as they
	// are stored now, the others as the import left them
	// ([Plan.Changes]). An unknown import gives an error matching
	// bookingkit.ErrNotFound; a refused one (or one applied before the
	// store kept changes) gives none.
	ImportChanges(ctx context.Context, q ChangesQuery) ([]ImportChange, error)
}

// StreamingImportStore is an ImportStore that can write a list's people
// while the list is still being read: the [Importer] uses it when the
// store has it, so that the database works while the list is decoded.
type StreamingImportStore interface {
	ImportStore

	// ApplyImportStream is ApplyImport for a list that is still to be
	// read. It calls read once, before plan: read decodes the list and
	// passes stage, in the list's order, people that are final (their ID
	// and digest set; they do not change afterwards) and that the list
	// keeps whatever follows. stage reports whether the store took the
	// person: it does when the person was not stored as the import began,
	// and then writes it early, in the import's transaction or in a
	// staging area of its own; the importer may forget a person the store
	// took. The store stores the people it took that are not stored when
	// plan is called, which must be Plan.CreateStaged of them (none for a
	// refused import), and forgets the others; Plan.Create holds none of
	// them. When read returns an error, nothing is stored and
	// ApplyImportStream returns that error. at is the Plan.At that plan
	// will give.
	ApplyImportStream(ctx context.Context, at time.Time, read func(stage func(*Person) bool) error, plan func(current []PersonState) (*Plan, error)) (HistoryEntry, error)
}

// PeopleStore reads the stored people; only imports write them.
type PeopleStore interface {
	// Person returns the person with the ID, blocked or not, or an error
	// matching bookingkit.ErrNotFound.
	Person(ctx context.Context, id string) (Person, error)

	// GroupPeople returns the people of one group (equal GroupKey),
	// blocked ones included: the employee first, then companions by
	// ascending ID. An unknown group gives an empty slice, not an error.
	GroupPeople(ctx context.Context, groupKey string) ([]Person, error)

	// People returns people in ascending ID order, those with an ID above
	// q.AfterID (keyset paging), filtered by q.State, at most q.Limit.
	People(ctx context.Context, q PeopleQuery) ([]Person, error)
}

// HistoryQuery selects a page of the import history.
type HistoryQuery struct {
	BeforeID int64 // only entries with a smaller ID; 0 = from the newest
	Limit    int   // at most this many; see [NormalizeLimit]
}

// PeopleQuery selects a page of people.
type PeopleQuery struct {
	AfterID string     // only IDs greater than this; "" = from the start
	State   StateQuery // which people
	Limit   int        // at most this many; see [NormalizeLimit]
}

// StateQuery filters people by Blocked.
type StateQuery int

// Values of StateQuery.
const (
	AnyState    StateQuery = iota // blocked and active people
	OnlyActive                    // Blocked false
	OnlyBlocked                   // Blocked true
)

// Page sizes of the query methods.
const (
	DefaultPageSize = 100
	MaxPageSize     = 1000
)

// NormalizeLimit returns the page size a store uses for a query's Limit:
// DefaultPageSize when it is zero or negative, at most MaxPageSize.
func NormalizeLimit(limit int) int {
	switch {
	case limit <= 0:
		return DefaultPageSize
	case limit > MaxPageSize:
		return MaxPageSize
	}
	return limit
}
