package memory

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/mogu"
)

// MoguStore keeps MOGU's microsite activations, registered trips and the
// accounts that claimed them, and operators' agency accounts. One mutex
// makes every method one atomic step, which is what the SQL adapters get
// from their transactions.
type MoguStore struct {
	mu          sync.Mutex
	activations map[string][]mogu.Activation // by microsite, oldest first: index i holds Seq i+1
	trips       map[string]mogu.Trip         // by booking ID; Claims kept up to date
	links       map[string]map[string]mogu.TripLink
	// linksByAccount and byContact are the indexes the app's list reads:
	// account -> booking IDs it claimed, contact key -> booking IDs listed
	// by email.
	linksByAccount map[string]map[string]struct{}
	byContact      map[string]map[string]struct{}
	memberships    map[[2]string]mogu.Membership // {operator, agency}
	current        map[string]string             // operator -> agency
}

var _ mogu.Store = (*MoguStore)(nil)

func newMoguStore() *MoguStore {
	return &MoguStore{
		activations:    map[string][]mogu.Activation{},
		trips:          map[string]mogu.Trip{},
		links:          map[string]map[string]mogu.TripLink{},
		linksByAccount: map[string]map[string]struct{}{},
		byContact:      map[string]map[string]struct{}{},
		memberships:    map[[2]string]mogu.Membership{},
		current:        map[string]string{},
	}
}

func addToSet(m map[string]map[string]struct{}, k, v string) {
	if m[k] == nil {
		m[k] = map[string]struct{}{}
	}
	m[k][v] = struct{}{}
}

func removeFromSet(m map[string]map[string]struct{}, k, v string) {
	delete(m[k], v)
	if len(m[k]) == 0 {
		delete(m, k)
	}
}

// LatestActivation returns the microsite's latest change, or ErrNotFound.
func (s *MoguStore) LatestActivation(_ context.Context, micrositeID string) (mogu.Activation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.activations[micrositeID]
	if len(h) == 0 {
		return mogu.Activation{}, notFound("mogu activation of microsite " + micrositeID)
	}
	return h[len(h)-1], nil
}

// RecordActivation appends a, whose Seq must follow the latest change's.
func (s *MoguStore) RecordActivation(_ context.Context, a mogu.Activation) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.activations[a.MicrositeID]
	if a.Seq != int64(len(h))+1 {
		return fail("mogu activation %d of microsite %s: latest is %d: %w", a.Seq, a.MicrositeID, len(h), bookingkit.ErrConflict)
	}
	s.activations[a.MicrositeID] = append(h, a)
	return nil
}

// ActivationHistory returns up to limit changes with Seq below beforeSeq
// (0: from the newest), newest first.
func (s *MoguStore) ActivationHistory(_ context.Context, micrositeID string, beforeSeq int64, limit int) ([]mogu.Activation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.activations[micrositeID]
	end := int64(len(h))
	if beforeSeq > 0 {
		end = min(end, beforeSeq-1)
	}
	out := []mogu.Activation{}
	for i := end - 1; i >= 0 && len(out) < limit; i-- {
		out = append(out, h[i])
	}
	return out, nil
}

// PutTrip registers t or updates the registered trip with its ID.
func (s *MoguStore) PutTrip(_ context.Context, t mogu.Trip, now time.Time) (mogu.Trip, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.trips[t.ID]; ok {
		t.TokenGeneration, t.RegisteredAt, t.Claims = old.TokenGeneration, old.RegisteredAt, old.Claims
		if old.ListedByEmail {
			removeFromSet(s.byContact, old.ContactKey, old.ID)
		}
	} else {
		t.TokenGeneration, t.RegisteredAt, t.Claims = 1, now, 0
	}
	t.UpdatedAt = now
	s.trips[t.ID] = t
	if t.ListedByEmail {
		addToSet(s.byContact, t.ContactKey, t.ID)
	}
	return t, nil
}

// Trip returns the registered trip, or ErrNotFound.
func (s *MoguStore) Trip(_ context.Context, bookingID string) (mogu.Trip, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.trips[bookingID]
	if !ok {
		return mogu.Trip{}, notFound("mogu trip " + bookingID)
	}
	return t, nil
}

// RotateToken adds one to the trip's token generation.
func (s *MoguStore) RotateToken(_ context.Context, bookingID string, now time.Time) (mogu.Trip, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.trips[bookingID]
	if !ok {
		return mogu.Trip{}, notFound("mogu trip " + bookingID)
	}
	t.TokenGeneration++
	t.UpdatedAt = now
	s.trips[bookingID] = t
	return t, nil
}

// AddLink records a claim, checking the trip, the generation, an existing
// link and the number of travellers, in that order.
func (s *MoguStore) AddLink(_ context.Context, l mogu.TripLink) (mogu.TripLink, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.trips[l.BookingID]
	switch {
	case !ok:
		return mogu.TripLink{}, false, notFound("mogu trip " + l.BookingID)
	case t.TokenGeneration != l.Generation:
		return mogu.TripLink{}, false, mogu.ErrGenerationChanged
	}
	if old, ok := s.links[l.BookingID][l.AccountID]; ok {
		return old, false, nil
	}
	if t.Claims >= t.Travelers {
		return mogu.TripLink{}, false, mogu.ErrClaimsExhausted
	}
	if s.links[l.BookingID] == nil {
		s.links[l.BookingID] = map[string]mogu.TripLink{}
	}
	s.links[l.BookingID][l.AccountID] = l
	addToSet(s.linksByAccount, l.AccountID, l.BookingID)
	t.Claims++
	s.trips[l.BookingID] = t
	return l, true, nil
}

// accountTrip is the one rule of who sees a trip; callers hold mu.
func (s *MoguStore) accountTrip(accountID, emailKey string, t mogu.Trip) (mogu.AccountTrip, bool) {
	if l, ok := s.links[t.ID][accountID]; ok {
		return mogu.AccountTrip{Trip: t, Link: l.Link, Claimed: true, LinkedAt: l.At}, true
	}
	if t.ListedByEmail && t.ContactKey == emailKey {
		return mogu.AccountTrip{Trip: t, Link: mogu.LinkByEmail}, true
	}
	return mogu.AccountTrip{}, false
}

// AccountTrip returns the trip as the account sees it, or ErrNotFound.
func (s *MoguStore) AccountTrip(_ context.Context, accountID, emailKey, bookingID string) (mogu.AccountTrip, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.trips[bookingID]
	if ok {
		if at, ok := s.accountTrip(accountID, emailKey, t); ok {
			return at, nil
		}
	}
	return mogu.AccountTrip{}, notFound("mogu trip " + bookingID + " of account " + accountID)
}

func moguTripOrder(a, b mogu.Trip) int {
	if c := a.Start.Compare(b.Start); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

// ListAccountTrips returns the account's trips (claimed, or listed by
// email), in trip order after q.After.
func (s *MoguStore) ListAccountTrips(_ context.Context, q mogu.AccountTripQuery) ([]mogu.AccountTrip, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []mogu.AccountTrip{}
	add := func(ids map[string]struct{}, seen map[string]bool) {
		for id := range ids {
			if seen[id] {
				continue
			}
			seen[id] = true
			t := s.trips[id]
			if t.End.Before(q.EndsAfter) || (q.After != nil && !q.After.Before(t)) {
				continue
			}
			if at, ok := s.accountTrip(q.AccountID, q.EmailKey, t); ok {
				out = append(out, at)
			}
		}
	}
	seen := map[string]bool{}
	add(s.linksByAccount[q.AccountID], seen)
	if q.EmailKey != "" {
		add(s.byContact[q.EmailKey], seen)
	}
	slices.SortFunc(out, func(a, b mogu.AccountTrip) int { return moguTripOrder(a.Trip, b.Trip) })
	if len(out) > q.Limit {
		out = out[:q.Limit]
	}
	return out, nil
}

// ListAgencyTrips returns the agency's trips in trip order after q.After.
// An empty AgencyID names no agency: B2C trips belong to none.
func (s *MoguStore) ListAgencyTrips(_ context.Context, q mogu.AgencyTripQuery) ([]mogu.Trip, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []mogu.Trip{}
	if q.AgencyID == "" {
		return out, nil
	}
	for _, t := range s.trips {
		if t.AgencyID == q.AgencyID && (q.After == nil || q.After.Before(t)) {
			out = append(out, t)
		}
	}
	slices.SortFunc(out, moguTripOrder)
	if len(out) > q.Limit {
		out = out[:q.Limit]
	}
	return out, nil
}

// AddMembership grants an operator access to an agency account.
func (s *MoguStore) AddMembership(_ context.Context, m mogu.Membership) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := [2]string{m.OperatorID, m.AgencyID}
	if _, ok := s.memberships[k]; ok {
		return fail("operator %s is a member of agency %s already: %w", m.OperatorID, m.AgencyID, bookingkit.ErrConflict)
	}
	s.memberships[k] = m
	return nil
}

// RemoveMembership withdraws the access and leaves the account if the
// operator is in it.
func (s *MoguStore) RemoveMembership(_ context.Context, operatorID, agencyID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := [2]string{operatorID, agencyID}
	if _, ok := s.memberships[k]; !ok {
		return notFound("membership of operator " + operatorID + " in agency " + agencyID)
	}
	delete(s.memberships, k)
	if s.current[operatorID] == agencyID {
		delete(s.current, operatorID)
	}
	return nil
}

// Membership returns the operator's membership of the agency.
func (s *MoguStore) Membership(_ context.Context, operatorID, agencyID string) (mogu.Membership, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.memberships[[2]string{operatorID, agencyID}]
	if !ok {
		return mogu.Membership{}, notFound("membership of operator " + operatorID + " in agency " + agencyID)
	}
	return m, nil
}

// Memberships returns the operator's memberships after afterAgencyID, by
// agency ID.
func (s *MoguStore) Memberships(_ context.Context, operatorID, afterAgencyID string, limit int) ([]mogu.Membership, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []mogu.Membership{}
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

// SetCurrentAgency puts the operator in the agency's account if they are
// a member.
func (s *MoguStore) SetCurrentAgency(_ context.Context, operatorID, agencyID string, _ time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.memberships[[2]string{operatorID, agencyID}]; !ok {
		return notFound("membership of operator " + operatorID + " in agency " + agencyID)
	}
	s.current[operatorID] = agencyID
	return nil
}

// CurrentAgency returns the agency whose account the operator is in.
func (s *MoguStore) CurrentAgency(_ context.Context, operatorID string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.current[operatorID]
	if !ok {
		return "", notFound("current agency of operator " + operatorID)
	}
	return a, nil
}
