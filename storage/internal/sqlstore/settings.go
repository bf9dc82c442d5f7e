package sqlstore

import (
	"context"
	"fmt"
)

// SettingsStore keeps the server's own small values in table settings.
type SettingsStore struct{ db *DB }

func (s *SettingsStore) Setting(ctx context.Context, key string) (string, error) {
	v, err := scanOne[string](s.db.SQL.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = $1", key))
	return v, s.db.Err(err, "setting %q", key)
}

// PutSettingIfAbsent's no-op update makes the upsert return the stored row.
func (s *SettingsStore) PutSettingIfAbsent(ctx context.Context, key, value string) (string, error) {
	stored, err := scanOne[string](s.db.SQL.QueryRowContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)
		ON CONFLICT (key) DO UPDATE SET key = excluded.key RETURNING value`, key, value))
	return stored, s.db.Err(err, "put setting %q", key)
}

func (s *SettingsStore) PutSetting(ctx context.Context, key, value string) error {
	return s.db.run(ctx, fmt.Sprintf("put setting %q", key), `INSERT INTO settings (key, value) VALUES ($1, $2)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = CURRENT_TIMESTAMP`, key, value)
}
