package memory

import (
	"context"
	"encoding/json"
	"slices"
	"sync"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/staffid"
)

// StaffIDHeldStore keeps the held employee list ([staffid.HeldListStore]),
// its report encoded as JSON as the SQL adapters keep it, so that it reads
// back the same from every store.
type StaffIDHeldStore struct {
	mu     sync.Mutex
	held   *staffid.HeldList // Report zero
	report []byte
}

var _ staffid.HeldListStore = (*StaffIDHeldStore)(nil)

// Hold keeps l as the held list unless a newer one is held.
func (s *StaffIDHeldStore) Hold(_ context.Context, l staffid.HeldList) (int64, error) {
	report, err := json.Marshal(l.Report)
	if err != nil {
		return 0, fail("staffid: encoding the held list's report: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var dropped int64
	if s.held != nil {
		if s.held.ID >= l.ID {
			return l.ID, nil
		}
		dropped = s.held.ID
	}
	l.Report, l.List = staffid.Report{}, slices.Clone(l.List)
	l.At = l.At.UTC()
	s.held, s.report = &l, report
	return dropped, nil
}

// Held returns the held list.
func (s *StaffIDHeldStore) Held(context.Context) (staffid.HeldList, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.copyHeld()
}

// copyHeld returns a copy of the held list, or ErrNotFound; s.mu is held.
func (s *StaffIDHeldStore) copyHeld() (staffid.HeldList, error) {
	if s.held == nil {
		return staffid.HeldList{}, fail("staffid: held list: %w", bookingkit.ErrNotFound)
	}
	l := *s.held
	l.List = slices.Clone(l.List)
	if err := json.Unmarshal(s.report, &l.Report); err != nil {
		return staffid.HeldList{}, fail("staffid: decoding the held list's report: %w", err)
	}
	return l, nil
}

// TakeHeld removes and returns the held list with the ID.
func (s *StaffIDHeldStore) TakeHeld(_ context.Context, id int64) (staffid.HeldList, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.held == nil || s.held.ID != id {
		return staffid.HeldList{}, fail("staffid: held list %d: %w", id, bookingkit.ErrNotFound)
	}
	l, err := s.copyHeld()
	if err != nil {
		return staffid.HeldList{}, err
	}
	s.held, s.report = nil, nil
	return l, nil
}

// DropHeld removes the held list when it is older than before.
func (s *StaffIDHeldStore) DropHeld(_ context.Context, before int64) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.held == nil || s.held.ID >= before {
		return 0, nil
	}
	id := s.held.ID
	s.held, s.report = nil, nil
	return id, nil
}
