package mogu_test

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/mogu"
)

// fakeStore is a small in-memory mogu.Store for the package's tests,
// written from the Store's method comments. The real adapters live under
// storage/ and are held to the conformance suite.
type fakeStore struct {
	mu          sync.Mutex
	activations map[string][]mogu.Activation // by microsite, oldest first
	trips       map[string]mogu.Trip
	links       map[string]map[string]mogu.TripLink // booking -> account -> link
	memberships map[[2]string]mogu.Membership       // {operator, agency}
	current     map[string]string                   // operator -> agency

	calls map[string]int // method name -> calls, to show what a path reads
}

var _ mogu.Store = (*fakeStore)(nil)

func newFakeStore() *fakeStore {
	return &fakeStore{
		activations: map[string][]mogu.Activation{},
		trips:       map[string]mogu.Trip{},
		links:       map[string]map[string]mogu.TripLink{},
		memberships: map[[2]string]mogu.Membership{},
		current:     map[string]string{},
		calls:       map[string]int{},
	}
}

func (s *fakeStore) count(method string) {
	s.calls[method]++
}

func (s *fakeStore) LatestActivation(_ context.Context, micrositeID string) (mogu.Activation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.count("LatestActivation")
	h := s.activations[micrositeID]
	if len(h) == 0 {
		return mogu.Activation{}, bookingkit.ErrNotFound
	}
	return h[len(h)-1], nil
}

func (s *fakeStore) RecordActivation(_ context.Context, a mogu.Activation) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.count("RecordActivation")
	h := s.activations[a.MicrositeID]
	if a.Seq != int64(len(h))+1 {
		return bookingkit.ErrConflict
	}
	s.activations[a.MicrositeID] = append(h, a)
	return nil
}

func (s *fakeStore) ActivationHistory(_ context.Context, micrositeID string, beforeSeq int64, limit int) ([]mogu.Activation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []mogu.Activation
	h := s.activations[micrositeID]
	for i := len(h) - 1; i >= 0 && len(out) < limit; i-- {
		if beforeSeq == 0 || h[i].Seq < beforeSeq {
			out = append(out, h[i])
		}
	}
	return out, nil
}

func (s *fakeStore) withClaims(t mogu.Trip) mogu.Trip {
	t.Claims = len(s.links[t.ID])
	return t
}

func (s *fakeStore) PutTrip(_ context.Context, t mogu.Trip, now time.Time) (mogu.Trip, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.count("PutTrip")
	if old, ok := s.trips[t.ID]; ok {
		t.TokenGeneration, t.RegisteredAt = old.TokenGeneration, old.RegisteredAt
	} else {
		t.TokenGeneration, t.RegisteredAt = 1, now
	}
	t.UpdatedAt = now
	t.Claims = 0
	s.trips[t.ID] = t
	return s.withClaims(t), nil
}

func (s *fakeStore) Trip(_ context.Context, bookingID string) (mogu.Trip, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.count("Trip")
	t, ok := s.trips[bookingID]
	if !ok {
		return mogu.Trip{}, bookingkit.ErrNotFound
	}
	return s.withClaims(t), nil
}

func (s *fakeStore) RotateToken(_ context.Context, bookingID string, now time.Time) (mogu.Trip, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.trips[bookingID]
	if !ok {
		return mogu.Trip{}, bookingkit.ErrNotFound
	}
	t.TokenGeneration++
	t.UpdatedAt = now
	s.trips[bookingID] = t
	return s.withClaims(t), nil
}

func (s *fakeStore) AddLink(_ context.Context, l mogu.TripLink) (mogu.TripLink, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.count("AddLink")
	t, ok := s.trips[l.BookingID]
	switch {
	case !ok:
		return mogu.TripLink{}, false, bookingkit.ErrNotFound
	case t.TokenGeneration != l.Generation:
		return mogu.TripLink{}, false, mogu.ErrGenerationChanged
	}
	if old, ok := s.links[l.BookingID][l.AccountID]; ok {
		return old, false, nil
	}
	if len(s.links[l.BookingID]) >= t.Travelers {
		return mogu.TripLink{}, false, mogu.ErrClaimsExhausted
	}
	if s.links[l.BookingID] == nil {
		s.links[l.BookingID] = map[string]mogu.TripLink{}
	}
	s.links[l.BookingID][l.AccountID] = l
	return l, true, nil
}

// accountTrip is the one rule of visibility; callers hold mu.
func (s *fakeStore) accountTrip(accountID, emailKey string, t mogu.Trip) (mogu.AccountTrip, bool) {
	if l, ok := s.links[t.ID][accountID]; ok {
		return mogu.AccountTrip{Trip: s.withClaims(t), Link: l.Link, Claimed: true, LinkedAt: l.At}, true
	}
	if t.ListedByEmail && t.ContactKey == emailKey {
		return mogu.AccountTrip{Trip: s.withClaims(t), Link: mogu.LinkByEmail}, true
	}
	return mogu.AccountTrip{}, false
}

func (s *fakeStore) AccountTrip(_ context.Context, accountID, emailKey, bookingID string) (mogu.AccountTrip, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.trips[bookingID]
	if !ok {
		return mogu.AccountTrip{}, bookingkit.ErrNotFound
	}
	at, ok := s.accountTrip(accountID, emailKey, t)
	if !ok {
		return mogu.AccountTrip{}, bookingkit.ErrNotFound
	}
	return at, nil
}

func tripOrder(a, b mogu.Trip) int {
	if c := a.Start.Compare(b.Start); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

func (s *fakeStore) ListAccountTrips(_ context.Context, q mogu.AccountTripQuery) ([]mogu.AccountTrip, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.count("ListAccountTrips")
	var out []mogu.AccountTrip
	for _, t := range s.trips {
		if t.End.Before(q.EndsAfter) || (q.After != nil && !q.After.Before(t)) {
			continue
		}
		if at, ok := s.accountTrip(q.AccountID, q.EmailKey, t); ok {
			out = append(out, at)
		}
	}
	slices.SortFunc(out, func(a, b mogu.AccountTrip) int { return tripOrder(a.Trip, b.Trip) })
	if len(out) > q.Limit {
		out = out[:q.Limit]
	}
	return out, nil
}

func (s *fakeStore) ListAgencyTrips(_ context.Context, q mogu.AgencyTripQuery) ([]mogu.Trip, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []mogu.Trip
	for _, t := range s.trips {
		if t.AgencyID == q.AgencyID && (q.After == nil || q.After.Before(t)) {
			out = append(out, s.withClaims(t))
		}
	}
	slices.SortFunc(out, tripOrder)
	if len(out) > q.Limit {
		out = out[:q.Limit]
	}
	return out, nil
}

func (s *fakeStore) AddMembership(_ context.Context, m mogu.Membership) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := [2]string{m.OperatorID, m.AgencyID}
	if _, ok := s.memberships[k]; ok {
		return bookingkit.ErrConflict
	}
	s.memberships[k] = m
	return nil
}

func (s *fakeStore) RemoveMembership(_ context.Context, operatorID, agencyID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := [2]string{operatorID, agencyID}
	if _, ok := s.memberships[k]; !ok {
		return bookingkit.ErrNotFound
	}
	delete(s.memberships, k)
	if s.current[operatorID] == agencyID {
		delete(s.current, operatorID)
	}
	return nil
}

func (s *fakeStore) Membership(_ context.Context, operatorID, agencyID string) (mogu.Membership, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.memberships[[2]string{operatorID, agencyID}]
	if !ok {
		return mogu.Membership{}, bookingkit.ErrNotFound
	}
	return m, nil
}

func (s *fakeStore) Memberships(_ context.Context, operatorID, afterAgencyID string, limit int) ([]mogu.Membership, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []mogu.Membership
	for k, m := range s.memberships {
		if k[0] == operatorID && k[1] > afterAgencyID {
			out = append(out, m)
		}
	}
	slices.SortFunc(out, func(a, b mogu.Membership) int { return cmp.Compare(a.AgencyID, b.AgencyID) })
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

func (s *fakeStore) SetCurrentAgency(_ context.Context, operatorID, agencyID string, _ time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.memberships[[2]string{operatorID, agencyID}]; !ok {
		return bookingkit.ErrNotFound
	}
	s.current[operatorID] = agencyID
	return nil
}

func (s *fakeStore) CurrentAgency(_ context.Context, operatorID string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.current[operatorID]
	if !ok {
		return "", bookingkit.ErrNotFound
	}
	return a, nil
}
