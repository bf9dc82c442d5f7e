package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/bookingkit/bookingkit/storage"
)

// SettingsStore keeps the server's own small values in table settings.
type SettingsStore struct{ db *DB }

var _ storage.SettingsStore = (*SettingsStore)(nil)

// Setting returns the value stored under key, or an error matching
// bookingkit.ErrNotFound.
func (s *SettingsStore) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := s.db.SQL.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = $1", key).Scan(&v)
	return v, s.db.Err(err, "setting %q", key)
}

// PutSettingIfAbsent stores value under key unless the key already has a
// value, and returns the value that is stored afterwards.
func (s *SettingsStore) PutSettingIfAbsent(ctx context.Context, key, value string) (string, error) {
	var stored string
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING", key, value); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = $1", key).Scan(&stored)
	})
	return stored, s.db.Err(err, "put setting %q", key)
}

// PutSetting stores value under key, replacing any earlier value.
func (s *SettingsStore) PutSetting(ctx context.Context, key, value string) error {
	_, err := s.db.exec(ctx, fmt.Sprintf("put setting %q", key), `INSERT INTO settings (key, value) VALUES ($1, $2)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = CURRENT_TIMESTAMP`, key, value)
	return err
}
