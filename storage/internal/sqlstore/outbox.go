package sqlstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/bookingkit/bookingkit/outbox"
)

// OutboxStore keeps the messages waiting for delivery in table outbox.
type OutboxStore struct{ db *DB }

func (s *OutboxStore) Enqueue(ctx context.Context, m outbox.Message) (int64, error) {
	id, err := scanOne[int64](s.db.SQL.QueryRowContext(ctx, `INSERT INTO outbox (kind, payload, created_at, next_attempt_at) VALUES ($1, $2, $3, $4) RETURNING id`,
		m.Kind, string(m.Payload), m.CreatedAt.UTC(), m.NextAttempt.UTC()))
	return id, s.db.Err(err, "enqueue a message")
}

// Claim leases in one statement; on PostgreSQL workers skip the rows others
// are claiming. On SQLite, where the claim takes the write lock, a plain
// read (no lock in WAL) first looks for a due message, so an idle outbox
// never queues behind an import's write lock.
func (s *OutboxStore) Claim(ctx context.Context, kinds []string, now, until time.Time, token string, limit int) ([]outbox.Message, error) {
	if len(kinds) == 0 || limit <= 0 {
		return nil, nil
	}
	due, args := dollarList([]any{now.UTC()}, kinds)
	due = "kind IN (" + due + ") AND next_attempt_at <= $1"
	if !s.db.Dialect.RowLocks() {
		found, err := scanOne[int](s.db.SQL.QueryRowContext(ctx, "SELECT count(*) FROM (SELECT 1 FROM outbox WHERE "+due+" LIMIT 1) AS due", args...))
		if err != nil || found == 0 {
			return nil, s.db.Err(err, "look for due messages")
		}
	}
	n := len(args)
	out, err := list(ctx, s.db, "claim messages", func(r scanner) (m outbox.Message, err error) {
		return m, r.Scan(&m.ID, &m.Kind, (*[]byte)(&m.Payload), utc{&m.CreatedAt}, utc{&m.NextAttempt}, &m.Attempts, &m.LastError)
	}, fmt.Sprintf(`UPDATE outbox SET next_attempt_at = $%d, lease_token = $%d, attempts = attempts + 1
		WHERE id IN (SELECT id FROM outbox WHERE %s ORDER BY id LIMIT $%d%s)
		RETURNING id, kind, payload, created_at, next_attempt_at, attempts, last_error`, n+1, n+2, due, n+3, s.db.rowLock(" FOR UPDATE SKIP LOCKED")),
		append(args, until.UTC(), token, limit)...)
	slices.SortFunc(out, func(a, b outbox.Message) int { return cmp.Compare(a.ID, b.ID) }) // out is nil on error
	return out, err
}

func (s *OutboxStore) Delete(ctx context.Context, id int64, token string) error {
	return s.db.one(ctx, "delete a delivered message", "DELETE FROM outbox WHERE id = $1 AND lease_token = $2 AND lease_token <> ''", id, token)
}

func (s *OutboxStore) Retry(ctx context.Context, id int64, token string, next time.Time, lastError string) error {
	return s.db.one(ctx, "reschedule a message", "UPDATE outbox SET next_attempt_at = $1, last_error = $2, lease_token = '' WHERE id = $3 AND lease_token = $4 AND lease_token <> ''",
		next.UTC(), lastError, id, token)
}

func (s *OutboxStore) Backlog(ctx context.Context) (b outbox.Backlog, err error) {
	err = s.db.SQL.QueryRowContext(ctx, "SELECT COUNT(*), COUNT(*) FILTER (WHERE last_error <> '') FROM outbox").Scan(&b.Messages, &b.Failing)
	if err == nil && b.Messages > 0 {
		// Apart: SQLite hands MIN(created_at) back as text, a column as a time.
		err = s.db.SQL.QueryRowContext(ctx, "SELECT created_at FROM outbox ORDER BY created_at, id LIMIT 1").Scan(utc{&b.Oldest})
	}
	return b, s.db.Err(err, "count the messages")
}
