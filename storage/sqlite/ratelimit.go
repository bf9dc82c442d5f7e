package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/bookingkit/bookingkit/throttle"
)

// RateLimitStore keeps the rate limits' arrival times in table
// rate_limits.
type RateLimitStore struct{ db *DB }

var _ throttle.Store = (*RateLimitStore)(nil)

func newRateLimitStore(db *DB) throttle.Store { return &RateLimitStore{db: db} }

// Update reads and writes key's row in one write transaction: every
// transaction begins IMMEDIATE, so it holds SQLite's write lock from the
// read on, and no other connection or process updates the row between.
func (s *RateLimitStore) Update(ctx context.Context, key string, decide func(time.Time) (time.Time, bool)) error {
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		var tat time.Time
		err := tx.QueryRowContext(ctx, "SELECT tat FROM rate_limits WHERE key = ?", key).Scan(&tat)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		next, store := decide(tat.UTC())
		if !store {
			return nil
		}
		_, err = tx.ExecContext(ctx, "INSERT INTO rate_limits (key, tat) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET tat = excluded.tat", key, next.UTC())
		return err
	})
	if err != nil {
		return fail("rate limit: %w", err)
	}
	return nil
}

func (s *RateLimitStore) Expire(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.db.sql.ExecContext(ctx, "DELETE FROM rate_limits WHERE tat < ?", before.UTC())
	if err != nil {
		return 0, fail("expire rate limits: %w", translate(err))
	}
	return res.RowsAffected()
}
