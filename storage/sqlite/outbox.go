package sqlite

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"github.com/bookingkit/bookingkit/outbox"
)

// OutboxStore keeps the messages waiting for delivery in table outbox.
type OutboxStore struct{ db *DB }

var _ outbox.Store = (*OutboxStore)(nil)

func newOutboxStore(db *DB) outbox.Store { return &OutboxStore{db: db} }

func (s *OutboxStore) Enqueue(ctx context.Context, m outbox.Message) (int64, error) {
	res, err := s.db.sql.ExecContext(ctx, `INSERT INTO outbox (kind, payload, created_at, next_attempt_at) VALUES (?, ?, ?, ?)`,
		m.Kind, string(m.Payload), m.CreatedAt.UTC(), m.NextAttempt.UTC())
	if err != nil {
		return 0, fail("enqueue a message: %w", translate(err))
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, fail("enqueue a message: %w", err)
	}
	return id, nil
}

// Claim leases the due messages in one write transaction: SQLite lets one
// writer in at a time (every transaction begins IMMEDIATE), so two
// processes on one file never claim the same row.
func (s *OutboxStore) Claim(ctx context.Context, kinds []string, now, until time.Time, token string, limit int) ([]outbox.Message, error) {
	if len(kinds) == 0 || limit <= 0 {
		return nil, nil
	}
	args := []any{until.UTC(), token}
	for _, k := range kinds {
		args = append(args, k)
	}
	args = append(args, now.UTC(), limit)
	// A worker asks every few seconds, mostly to find nothing: look first
	// without the write lock (a WAL read takes none), so an idle outbox
	// never queues behind an import's lock nor holds others up.
	var due int
	err := s.db.sql.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM outbox WHERE kind IN (?`+strings.Repeat(", ?", len(kinds)-1)+`) AND next_attempt_at <= ? LIMIT 1)`, args[2:len(args)-1]...).Scan(&due)
	if err != nil {
		return nil, fail("look for due messages: %w", translate(err))
	}
	if due == 0 {
		return nil, nil
	}
	var out []outbox.Message
	err = s.db.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `UPDATE outbox SET next_attempt_at = ?, lease_token = ?, attempts = attempts + 1
			WHERE id IN (SELECT id FROM outbox WHERE kind IN (?`+strings.Repeat(", ?", len(kinds)-1)+`) AND next_attempt_at <= ?
				ORDER BY id LIMIT ?)
			RETURNING id, kind, payload, created_at, next_attempt_at, attempts, last_error`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var m outbox.Message
			var payload string
			if err := rows.Scan(&m.ID, &m.Kind, &payload, &m.CreatedAt, &m.NextAttempt, &m.Attempts, &m.LastError); err != nil {
				return err
			}
			m.Payload = []byte(payload)
			m.CreatedAt, m.NextAttempt = m.CreatedAt.UTC(), m.NextAttempt.UTC()
			out = append(out, m)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fail("claim messages: %w", err)
	}
	slices.SortFunc(out, func(a, b outbox.Message) int { return int(a.ID - b.ID) })
	return out, nil
}

func (s *OutboxStore) Delete(ctx context.Context, id int64, token string) error {
	res, err := s.db.sql.ExecContext(ctx, "DELETE FROM outbox WHERE id = ? AND lease_token = ? AND lease_token <> ''", id, token)
	return oneRow(res, err, "delete a delivered message")
}

func (s *OutboxStore) Retry(ctx context.Context, id int64, token string, next time.Time, lastError string) error {
	res, err := s.db.sql.ExecContext(ctx, "UPDATE outbox SET next_attempt_at = ?, last_error = ?, lease_token = '' WHERE id = ? AND lease_token = ? AND lease_token <> ''",
		next.UTC(), lastError, id, token)
	return oneRow(res, err, "reschedule a message")
}

func (s *OutboxStore) Backlog(ctx context.Context) (outbox.Backlog, error) {
	var b outbox.Backlog
	err := s.db.sql.QueryRowContext(ctx, "SELECT COUNT(*), COALESCE(SUM(CASE WHEN last_error <> '' THEN 1 ELSE 0 END), 0) FROM outbox").
		Scan(&b.Messages, &b.Failing)
	if err == nil && b.Messages > 0 {
		// A separate query: SQLite hands MIN(created_at) back as text,
		// a plain column as the time it holds.
		err = s.db.sql.QueryRowContext(ctx, "SELECT created_at FROM outbox ORDER BY created_at, id LIMIT 1").Scan(&b.Oldest)
		b.Oldest = b.Oldest.UTC()
	}
	if err != nil {
		return outbox.Backlog{}, fail("count the messages: %w", translate(err))
	}
	return b, nil
}
