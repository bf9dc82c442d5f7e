package sqlstore

import (
	"context"
	"database/sql"
	"time"
)

// RateLimitStore keeps the rate limits' arrival times in table rate_limits.
type RateLimitStore struct{ db *DB }

// Update locks key's row before reading it, in one upsert that gives a new
// key the zero time: another server's upsert of the key waits for this
// transaction (PostgreSQL's row lock; SQLite's write lock, taken at BEGIN
// IMMEDIATE) and then reads what it stored.
func (s *RateLimitStore) Update(ctx context.Context, key string, decide func(time.Time) (time.Time, bool)) error {
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		tat, err := scanOne[time.Time](tx.QueryRowContext(ctx, `INSERT INTO rate_limits (key, tat) VALUES ($1, $2)
			ON CONFLICT (key) DO UPDATE SET key = excluded.key RETURNING tat`, key, time.Time{}))
		if err != nil {
			return err
		}
		if next, store := decide(tat.UTC()); store {
			_, err = tx.ExecContext(ctx, "UPDATE rate_limits SET tat = $2 WHERE key = $1", key, next.UTC())
		}
		return err
	})
	return s.db.Err(err, "rate limit")
}

func (s *RateLimitStore) Expire(ctx context.Context, before time.Time) (int64, error) {
	return s.db.exec(ctx, "expire rate limits", "DELETE FROM rate_limits WHERE tat < $1", before.UTC())
}
