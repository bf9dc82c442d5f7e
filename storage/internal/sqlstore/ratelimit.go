package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/bookingkit/bookingkit/throttle"
)

// RateLimitStore keeps the rate limits' arrival times in table rate_limits.
type RateLimitStore struct{ db *DB }

var _ throttle.Store = (*RateLimitStore)(nil)

// Update locks key's row for the transaction before reading it. The
// upsert does both, also for a key without a row: a second server's
// upsert of the same key waits for this transaction (for PostgreSQL's row
// lock; for SQLite's write lock, which every transaction takes at BEGIN
// IMMEDIATE) and then reads what it stored, so the read and the write are
// one step across servers.
func (s *RateLimitStore) Update(ctx context.Context, key string, decide func(time.Time) (time.Time, bool)) error {
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		var tat time.Time
		// A new key gets the zero time, which decide reads as "no
		// attempts yet"; ON CONFLICT … DO UPDATE locks an existing row
		// and returns its tat unchanged.
		err := tx.QueryRowContext(ctx, `INSERT INTO rate_limits (key, tat) VALUES ($1, $2)
			ON CONFLICT (key) DO UPDATE SET key = excluded.key RETURNING tat`, key, time.Time{}).Scan(&tat)
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
