package sqlstore

import (
	"context"
	"fmt"
)

// SettingsStore keeps the server's own small values in table settings.
type SettingsStore struct{ db *DB }

// Setting returns the value stored under key, or an error matching
// bookingkit.ErrNotFound.
func (s *SettingsStore) Setting(ctx context.Context, key string) (string, error) {
	v, err := scanOne[string](s.db.SQL.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = $1", key))
	return v, s.db.Err(err, "setting %q", key)
}

// PutSettingIfAbsent stores value under key unless the key already has a
// value, and returns the value that is stored afterwards: the upsert's
// no-op update returns the stored row.
func (s *SettingsStore) PutSettingIfAbsent(ctx context.Context, key, value string) (string, error) {
	stored, err := scanOne[string](s.db.SQL.QueryRowContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)
		ON CONFLICT (key) DO UPDATE SET key = excluded.key RETURNING value`, key, value))
	return stored, s.db.Err(err, "put setting %q", key)
}

// PutSetting stores value under key, replacing any earlier value.
func (s *SettingsStore) PutSetting(ctx context.Context, key, value string) error {
	return s.db.run(ctx, fmt.Sprintf("put setting %q", key), `INSERT INTO settings (key, value) VALUES ($1, $2)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = CURRENT_TIMESTAMP`, key, value)
}
