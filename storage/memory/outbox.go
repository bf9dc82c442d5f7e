package memory

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/outbox"
)

// OutboxStore keeps the messages waiting for delivery.
type OutboxStore struct {
	mu       sync.Mutex
	lastID   int64
	messages map[int64]*storedMessage
}

type storedMessage struct {
	outbox.Message
	token string
}

var _ outbox.Store = (*OutboxStore)(nil)

func newOutboxStore() *OutboxStore { return &OutboxStore{messages: map[int64]*storedMessage{}} }

func (s *OutboxStore) Enqueue(_ context.Context, m outbox.Message) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastID++
	s.messages[s.lastID] = &storedMessage{Message: outbox.Message{ID: s.lastID, Kind: m.Kind, Payload: slices.Clone(m.Payload),
		CreatedAt: m.CreatedAt.UTC(), NextAttempt: m.NextAttempt.UTC()}}
	return s.lastID, nil
}

func (s *OutboxStore) Claim(_ context.Context, kinds []string, now, until time.Time, token string, limit int) ([]outbox.Message, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var due []*storedMessage
	for _, m := range s.messages {
		if slices.Contains(kinds, m.Kind) && !m.NextAttempt.After(now) {
			due = append(due, m)
		}
	}
	slices.SortFunc(due, func(a, b *storedMessage) int { return int(a.ID - b.ID) })
	var out []outbox.Message
	for _, m := range due[:min(len(due), max(limit, 0))] {
		m.NextAttempt, m.token = until.UTC(), token
		m.Attempts++
		c := m.Message
		c.Payload = slices.Clone(m.Payload)
		out = append(out, c)
	}
	return out, nil
}

// leased returns message id if token holds its lease.
func (s *OutboxStore) leased(id int64, token, what string) (*storedMessage, error) {
	m, ok := s.messages[id]
	if !ok || token == "" || m.token != token {
		return nil, fail("%s: %w", what, bookingkit.ErrNotFound)
	}
	return m, nil
}

func (s *OutboxStore) Delete(_ context.Context, id int64, token string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.leased(id, token, "delete a delivered message"); err != nil {
		return err
	}
	delete(s.messages, id)
	return nil
}

func (s *OutboxStore) Retry(_ context.Context, id int64, token string, next time.Time, lastError string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.leased(id, token, "reschedule a message")
	if err != nil {
		return err
	}
	m.NextAttempt, m.LastError, m.token = next.UTC(), lastError, ""
	return nil
}

func (s *OutboxStore) Backlog(context.Context) (outbox.Backlog, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b outbox.Backlog
	for _, m := range s.messages {
		b.Messages++
		if m.LastError != "" {
			b.Failing++
		}
		if b.Oldest.IsZero() || m.CreatedAt.Before(b.Oldest) {
			b.Oldest = m.CreatedAt
		}
	}
	return b, nil
}
