package sqlstore

import (
	"context"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/idempotency"
)

// IdempotencyStore keeps the idempotency keys in table idempotency_keys.
type IdempotencyStore struct{ db *DB }

// Begin's upsert returns a row only when it claims the key (its WHERE).
// Concurrent upserts of a key wait for each other (PostgreSQL's row lock;
// SQLite's write lock): one wins; a loser reads the stored row, and upserts
// again should it be gone.
func (s *IdempotencyStore) Begin(ctx context.Context, r idempotency.Record) (idempotency.Record, bool, error) {
	r.CreatedAt, r.LockedUntil, r.ExpiresAt = r.CreatedAt.UTC(), r.LockedUntil.UTC(), r.ExpiresAt.UTC()
	r.Answer = idempotency.Answer{}
	for range 3 {
		_, err := scanOne[string](s.db.SQL.QueryRowContext(ctx, `INSERT INTO idempotency_keys AS k
				(scope, key, fingerprint, token, created_at, locked_until, expires_at, status, location, content_type, body)
			VALUES ($1, $2, $3, $4, $5, $6, $7, 0, '', '', NULL)
			ON CONFLICT (scope, key) DO UPDATE SET fingerprint = excluded.fingerprint, token = excluded.token,
				created_at = excluded.created_at, locked_until = excluded.locked_until, expires_at = excluded.expires_at,
				status = 0, location = '', content_type = '', body = NULL
			WHERE k.expires_at <= excluded.created_at OR (k.status = 0 AND k.locked_until <= excluded.created_at)
			RETURNING token`,
			r.Scope, r.Key, r.Fingerprint, r.Token, r.CreatedAt, r.LockedUntil, r.ExpiresAt))
		if !isNoRows(err) {
			return r, err == nil, s.db.Err(err, "begin idempotency key")
		}
		stored := idempotency.Record{Scope: r.Scope, Key: r.Key}
		err = s.db.SQL.QueryRowContext(ctx, `SELECT fingerprint, token, created_at, locked_until, expires_at,
				status, location, content_type, body
			FROM idempotency_keys WHERE scope = $1 AND key = $2`, r.Scope, r.Key).Scan(
			&stored.Fingerprint, &stored.Token, utc{&stored.CreatedAt}, utc{&stored.LockedUntil}, utc{&stored.ExpiresAt},
			&stored.Answer.Status, &stored.Answer.Location, &stored.Answer.ContentType, &stored.Answer.Body)
		if !isNoRows(err) {
			return stored, false, s.db.Err(err, "read idempotency key")
		}
	}
	return idempotency.Record{}, false, s.db.Fail("begin idempotency key: it kept changing: %w", bookingkit.ErrConflict)
}

func (s *IdempotencyStore) Complete(ctx context.Context, scope, key, token string, a idempotency.Answer) error {
	body := a.Body
	if body == nil {
		body = []byte{}
	}
	return s.db.one(ctx, "complete idempotency key", `UPDATE idempotency_keys SET status = $4, location = $5, content_type = $6, body = $7
		WHERE scope = $1 AND key = $2 AND token = $3 AND status = 0`, scope, key, token, a.Status, a.Location, a.ContentType, body)
}

func (s *IdempotencyStore) Release(ctx context.Context, scope, key, token string) error {
	return s.db.one(ctx, "release idempotency key", `DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND token = $3 AND status = 0`,
		scope, key, token)
}

func (s *IdempotencyStore) Expire(ctx context.Context, before time.Time) (int64, error) {
	return s.db.exec(ctx, "expire idempotency keys", "DELETE FROM idempotency_keys WHERE expires_at < $1", before.UTC())
}
