package staffid

import (
	"fmt"
	"math"
	"time"
)

// PersonState is what the import needs to know of a stored person to plan
// the next one: who they are, whether their data changed, whether they are
// blocked. Stores read it for every person in one pass.
type PersonState struct {
	ID      string
	Digest  string // Person.Digest as stored
	Blocked bool
}

// Plan is the change that makes the stored people match a new list. A
// store applies it all in one transaction (see [ImportStore.ApplyImport]).
type Plan struct {
	// At is the time of the import: the CreatedAt, UpdatedAt and BlockedAt
	// the store writes.
	At time.Time

	// Create holds the people whose ID is not stored: insert them, with
	// CreatedAt and UpdatedAt = At, Blocked false.
	Create []*Person
	// CreateStaged counts the people the plan creates beside Create: those
	// a [StreamingImportStore] took while the list was read, which are not
	// stored now. The store stores them itself; Counts.Created counts them
	// too.
	CreateStaged int
	// UpdateStaged holds the IDs of people the store took while the list
	// was read (before its lock) that another import stored meanwhile,
	// with other data or blocked: the store updates them as Update says,
	// from what it took, and adds them to Update.
	UpdateStaged []string
	// Update holds stored people whose data changed or who were blocked:
	// overwrite every field of the list, GroupKey, IsEmployee and Digest
	// from the Person; set Blocked false, BlockedAt zero and UpdatedAt =
	// At; keep the stored CreatedAt.
	Update []*Person
	// Block holds the IDs of active stored people absent from the list:
	// set Blocked true and BlockedAt = UpdatedAt = At; change nothing else.
	Block []string

	// Counts are the report's success counts.
	Counts SyncCounts
	// Active is how many stored people were active before the import; the
	// mass-block guard compares len(Block) with it.
	Active int

	// Entry is the import history entry to record with the changes (for
	// a refused import, alone). The store assigns its ID.
	Entry HistoryEntry
}

// PlanSync compares the stored people with a new, valid list and returns
// the changes to make. Every list person is created, updated, unchanged or
// unblocked; every active stored person absent from the list is blocked.
// Unchanged people (same ID and digest, not blocked) cost the store
// nothing: a re-import of the same list writes no person.
func PlanSync(current []PersonState, people []*Person, at time.Time) *Plan {
	plan, stored := newPlan(current, at)
	inList := make(map[string]struct{}, len(people))
	for _, p := range people {
		inList[p.ID] = struct{}{}
		s, ok := stored[p.ID]
		plan.add(p, s, ok)
	}
	plan.block(current, func(id string) bool {
		_, ok := inList[id]
		return ok
	})
	return plan
}

// newPlan starts the plan of an import at at and returns the stored
// people by ID.
func newPlan(current []PersonState, at time.Time) (*Plan, map[string]PersonState) {
	plan := &Plan{At: at}
	stored := make(map[string]PersonState, len(current))
	for _, s := range current {
		stored[s.ID] = s
		if !s.Blocked {
			plan.Active++
		}
	}
	return plan, stored
}

// add plans the list's person p, stored as s when ok: created, updated,
// unchanged or unblocked.
func (plan *Plan) add(p *Person, s PersonState, ok bool) {
	switch {
	case !ok:
		plan.Create = append(plan.Create, p)
		plan.Counts.Created++
	case s.Blocked:
		plan.Update = append(plan.Update, p)
		plan.Counts.Unblocked++
	case s.Digest != p.Digest:
		plan.Update = append(plan.Update, p)
		plan.Counts.Updated++
	default:
		plan.Counts.Unchanged++
	}
}

// block plans to block every active stored person absent from the list.
func (plan *Plan) block(current []PersonState, inList func(id string) bool) {
	for _, s := range current {
		if !s.Blocked && !inList(s.ID) {
			plan.Block = append(plan.Block, s.ID)
		}
	}
	plan.Counts.Blocked = len(plan.Block)
}

// CheckMassBlock returns an error matching [ErrMassBlock] when the plan
// would block more than threshold (a share, 0.3 = 30%) of the people
// active before the import.
func (p *Plan) CheckMassBlock(threshold float64) error {
	if p.Active == 0 || float64(len(p.Block)) <= threshold*float64(p.Active) {
		return nil
	}
	return fmt.Errorf("%w: %s; check that the list is complete, or force the import to block them", ErrMassBlock, p.blockShare(threshold))
}

// blockShare says how many of the active people the plan blocks, beside
// the share the guard allows.
func (p *Plan) blockShare(threshold float64) string {
	return fmt.Sprintf("the list would block %d of the %d active people (%s), more than the allowed %s",
		len(p.Block), p.Active, percent(float64(len(p.Block))/float64(p.Active)), percent(threshold))
}

func percent(share float64) string {
	v := share * 100
	if v == math.Trunc(v) {
		return fmt.Sprintf("%.0f%%", v)
	}
	return fmt.Sprintf("%.1f%%", v)
}
