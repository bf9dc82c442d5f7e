package postgres

import (
	"context"
	"database/sql"
	"slices"
	"time"

	"github.com/bookingkit/bookingkit/outbox"
)

// OutboxStore keeps the messages waiting for delivery in table outbox.
type OutboxStore struct{ db *DB }

var _ outbox.Store = (*OutboxStore)(nil)

func newOutboxStore(db *DB) outbox.Store { return &OutboxStore{db: db} }

func (s *OutboxStore) Enqueue(ctx context.Context, m outbox.Message) (int64, error) {
	var id int64
	err := s.db.sql.QueryRowContext(ctx, `INSERT INTO outbox (kind, payload, created_at, next_attempt_at) VALUES ($1, $2, $3, $4) RETURNING id`,
		m.Kind, string(m.Payload), m.CreatedAt.UTC(), m.NextAttempt.UTC()).Scan(&id)
	if err != nil {
		return 0, fail("enqueue a message: %w", translate(err))
	}
	return id, nil
}

// Claim leases the due messages in one statement. FOR UPDATE SKIP LOCKED
// makes a worker pass over the rows another worker is claiming at the same
// moment instead of waiting for them and then taking them too: servers
// sharing the database each get other messages.
func (s *OutboxStore) Claim(ctx context.Context, kinds []string, now, until time.Time, token string, limit int) ([]outbox.Message, error) {
	if len(kinds) == 0 || limit <= 0 {
		return nil, nil
	}
	rows, err := s.db.sql.QueryContext(ctx, `UPDATE outbox SET next_attempt_at = $1, lease_token = $2, attempts = attempts + 1
		WHERE id IN (SELECT id FROM outbox WHERE kind = ANY($3) AND next_attempt_at <= $4
			ORDER BY id LIMIT $5 FOR UPDATE SKIP LOCKED)
		RETURNING id, kind, payload, created_at, next_attempt_at, attempts, last_error`,
		until.UTC(), token, kinds, now.UTC(), limit)
	if err != nil {
		return nil, fail("claim messages: %w", translate(err))
	}
	defer rows.Close()
	var out []outbox.Message
	for rows.Next() {
		var m outbox.Message
		var payload string
		if err := rows.Scan(&m.ID, &m.Kind, &payload, &m.CreatedAt, &m.NextAttempt, &m.Attempts, &m.LastError); err != nil {
			return nil, fail("claim messages: %w", err)
		}
		m.Payload = []byte(payload)
		m.CreatedAt, m.NextAttempt = m.CreatedAt.UTC(), m.NextAttempt.UTC()
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fail("claim messages: %w", translate(err))
	}
	slices.SortFunc(out, func(a, b outbox.Message) int { return int(a.ID - b.ID) })
	return out, nil
}

func (s *OutboxStore) Delete(ctx context.Context, id int64, token string) error {
	res, err := s.db.sql.ExecContext(ctx, "DELETE FROM outbox WHERE id = $1 AND lease_token = $2 AND lease_token <> ''", id, token)
	return oneRow(res, err, "delete a delivered message")
}

func (s *OutboxStore) Retry(ctx context.Context, id int64, token string, next time.Time, lastError string) error {
	res, err := s.db.sql.ExecContext(ctx, "UPDATE outbox SET next_attempt_at = $1, last_error = $2, lease_token = '' WHERE id = $3 AND lease_token = $4 AND lease_token <> ''",
		next.UTC(), lastError, id, token)
	return oneRow(res, err, "reschedule a message")
}

func (s *OutboxStore) Backlog(ctx context.Context) (outbox.Backlog, error) {
	var b outbox.Backlog
	var oldest sql.NullTime
	err := s.db.sql.QueryRowContext(ctx, "SELECT COUNT(*), COUNT(*) FILTER (WHERE last_error <> ''), MIN(created_at) FROM outbox").
		Scan(&b.Messages, &b.Failing, &oldest)
	if err != nil {
		return outbox.Backlog{}, fail("count the messages: %w", translate(err))
	}
	if oldest.Valid {
		b.Oldest = oldest.Time.UTC()
	}
	return b, nil
}
