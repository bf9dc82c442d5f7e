package postgres

import (
	"context"
	"database/sql"
	"time"

	"github.com/bookingkit/bookingkit/throttle"
)

// RateLimitStore keeps the rate limits' arrival times in table
// rate_limits.
type RateLimitStore struct{ db *DB }

var _ throttle.Store = (*RateLimitStore)(nil)

func newRateLimitStore(db *DB) throttle.Store { return &RateLimitStore{db: db} }

// Update locks key's row for the transaction before reading it. The
// upsert does both, also for a key without a row: a second server's
// upsert of the same key waits for this transaction and then reads what
// it stored, so the read and the write are one step across servers.
func (s *RateLimitStore) Update(ctx context.Context, key string, decide func(time.Time) (time.Time, bool)) error {
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		var tat time.Time
		// A new key gets the zero time, which decide reads as "no
		// attempts yet"; ON CONFLICT … DO UPDATE locks an existing row
		// and returns its tat unchanged.
		err := tx.QueryRowContext(ctx, `INSERT INTO rate_limits (key, tat) VALUES ($1, $2)
			ON CONFLICT (key) DO UPDATE SET key = excluded.key RETURNING tat`, key, time.Time{}).Scan(&tat)
		if err != nil {
			return err
		}
		next, store := decide(tat.UTC())
		if !store {
			return nil
		}
		_, err = tx.ExecContext(ctx, "UPDATE rate_limits SET tat = $2 WHERE key = $1", key, next.UTC())
		return err
	})
	if err != nil {
		return fail("rate limit: %w", err)
	}
	return nil
}

func (s *RateLimitStore) Expire(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.db.sql.ExecContext(ctx, "DELETE FROM rate_limits WHERE tat < $1", before.UTC())
	if err != nil {
		return 0, fail("expire rate limits: %w", translate(err))
	}
	return res.RowsAffected()
}
