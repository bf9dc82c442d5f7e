package memory

import (
	"context"
	"sync"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/account"
)

// AccountStore keeps accounts, one-time links and sessions.
type AccountStore struct {
	mu       sync.Mutex
	accounts map[string]account.Account // by ID
	links    map[string]account.Link    // by token hash
	sessions map[string]account.Session // by token hash
}

var _ account.Store = (*AccountStore)(nil)

func newAccountStore() *AccountStore {
	return &AccountStore{accounts: map[string]account.Account{}, links: map[string]account.Link{}, sessions: map[string]account.Session{}}
}

func notFound(what string) error { return fail("%s: %w", what, bookingkit.ErrNotFound) }

func (s *AccountStore) CreateAccount(_ context.Context, a account.Account) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, b := range s.accounts {
		if b.ID == a.ID || b.Realm == a.Realm && (b.Email == a.Email || a.Subject != "" && b.Subject == a.Subject) {
			return fail("account %s in %s exists: %w", a.Email, a.Realm, bookingkit.ErrConflict)
		}
	}
	s.accounts[a.ID] = a
	return nil
}

func (s *AccountStore) Account(_ context.Context, id string) (account.Account, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[id]
	if !ok {
		return account.Account{}, notFound("account")
	}
	return a, nil
}

func (s *AccountStore) find(match func(account.Account) bool) (account.Account, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, a := range s.accounts {
		if match(a) {
			return a, nil
		}
	}
	return account.Account{}, notFound("account")
}

func (s *AccountStore) AccountByEmail(_ context.Context, realm account.Realm, email string) (account.Account, error) {
	return s.find(func(a account.Account) bool { return a.Realm == realm && a.Email == email })
}

func (s *AccountStore) AccountBySubject(_ context.Context, realm account.Realm, subject string) (account.Account, error) {
	return s.find(func(a account.Account) bool { return a.Realm == realm && a.Subject == subject && subject != "" })
}

func (s *AccountStore) SetPasswordHash(_ context.Context, accountID, hash string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[accountID]
	if !ok {
		return notFound("account")
	}
	a.PasswordHash = hash
	s.accounts[accountID] = a
	return nil
}

func (s *AccountStore) MoveAccount(_ context.Context, id, from, to string) (account.Account, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[id]
	if !ok || a.Email != from {
		return account.Account{}, notFound("account with that email")
	}
	for _, b := range s.accounts {
		if b.ID != id && b.Realm == a.Realm && b.Email == to {
			return account.Account{}, fail("account %s in %s exists: %w", to, a.Realm, bookingkit.ErrConflict)
		}
	}
	a.Email, a.PasswordHash = to, ""
	s.accounts[id] = a
	s.deleteSessionsLocked(id)
	for k, l := range s.links {
		if l.AccountID == id {
			delete(s.links, k)
		}
	}
	return a, nil
}

func (s *AccountStore) CreateLink(_ context.Context, l account.Link) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.accounts[l.AccountID]; !ok {
		return fail("link for unknown account: %w", bookingkit.ErrInvalid)
	}
	if _, ok := s.links[l.TokenHash]; ok {
		return fail("link exists: %w", bookingkit.ErrConflict)
	}
	s.links[l.TokenHash] = l
	return nil
}

func (s *AccountStore) Link(_ context.Context, tokenHash string) (account.Link, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, ok := s.links[tokenHash]
	if !ok {
		return account.Link{}, notFound("link")
	}
	return l, nil
}

func (s *AccountStore) UseLink(_ context.Context, tokenHash string, now time.Time, passwordHash string) (account.Account, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, ok := s.links[tokenHash]
	if !ok || !l.UsedAt.IsZero() || !now.Before(l.ExpiresAt) {
		return account.Account{}, notFound("usable link")
	}
	a, ok := s.accounts[l.AccountID]
	if !ok {
		return account.Account{}, notFound("account")
	}
	l.UsedAt = now
	s.links[tokenHash] = l
	a.PasswordHash = passwordHash
	s.accounts[a.ID] = a
	s.deleteSessionsLocked(a.ID)
	return a, nil
}

func (s *AccountStore) CreateSession(_ context.Context, sess account.Session) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.accounts[sess.AccountID]; !ok {
		return fail("session for unknown account: %w", bookingkit.ErrInvalid)
	}
	if _, ok := s.sessions[sess.TokenHash]; ok {
		return fail("session exists: %w", bookingkit.ErrConflict)
	}
	s.sessions[sess.TokenHash] = sess
	return nil
}

func (s *AccountStore) Session(_ context.Context, tokenHash string) (account.Session, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.sessions[tokenHash]
	if !ok {
		return account.Session{}, notFound("session")
	}
	return sess, nil
}

func (s *AccountStore) DeleteSession(_ context.Context, tokenHash string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.sessions, tokenHash)
	return nil
}

func (s *AccountStore) DeleteSessions(_ context.Context, accountID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deleteSessionsLocked(accountID)
	return nil
}

func (s *AccountStore) deleteSessionsLocked(accountID string) {
	for k, sess := range s.sessions {
		if sess.AccountID == accountID {
			delete(s.sessions, k)
		}
	}
}
