package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/bookingkit/bookingkit/account"
)

// AccountStore keeps accounts, one-time links and sessions.
type AccountStore struct{ db *DB }

var _ account.Store = (*AccountStore)(nil)

func newAccountStore(db *DB) account.Store { return &AccountStore{db: db} }

const accountColumns = "id, realm, email, COALESCE(subject, ''), password_hash, created_at"

func scanAccount(row interface{ Scan(...any) error }) (account.Account, error) {
	var a account.Account
	var realm string
	err := row.Scan(&a.ID, &realm, &a.Email, &a.Subject, &a.PasswordHash, &a.CreatedAt)
	a.Realm = account.Realm(realm)
	a.CreatedAt = a.CreatedAt.UTC()
	return a, err
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (s *AccountStore) CreateAccount(ctx context.Context, a account.Account) error {
	_, err := s.db.sql.ExecContext(ctx, `INSERT INTO accounts (id, realm, email, subject, password_hash, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`, a.ID, string(a.Realm), a.Email, nullIfEmpty(a.Subject), a.PasswordHash, a.CreatedAt.UTC())
	if err != nil {
		return fail("create account: %w", translate(err))
	}
	return nil
}

func (s *AccountStore) queryAccount(ctx context.Context, where string, args ...any) (account.Account, error) {
	a, err := scanAccount(s.db.sql.QueryRowContext(ctx, "SELECT "+accountColumns+" FROM accounts WHERE "+where, args...))
	if err != nil {
		return account.Account{}, fail("account: %w", translate(err))
	}
	return a, nil
}

func (s *AccountStore) Account(ctx context.Context, id string) (account.Account, error) {
	return s.queryAccount(ctx, "id = ?", id)
}

func (s *AccountStore) AccountByEmail(ctx context.Context, realm account.Realm, email string) (account.Account, error) {
	return s.queryAccount(ctx, "realm = ? AND email = ?", string(realm), email)
}

func (s *AccountStore) AccountBySubject(ctx context.Context, realm account.Realm, subject string) (account.Account, error) {
	return s.queryAccount(ctx, "realm = ? AND subject = ?", string(realm), subject)
}

func (s *AccountStore) SetPasswordHash(ctx context.Context, accountID, hash string) error {
	res, err := s.db.sql.ExecContext(ctx, "UPDATE accounts SET password_hash = ? WHERE id = ?", hash, accountID)
	return oneRow(res, err, "set password hash")
}

func (s *AccountStore) MoveAccount(ctx context.Context, id, from, to string) (account.Account, error) {
	var a account.Account
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		a, err = scanAccount(tx.QueryRowContext(ctx, "UPDATE accounts SET email = ?, password_hash = '' WHERE id = ? AND email = ? RETURNING "+accountColumns, to, id, from))
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM account_sessions WHERE account_id = ?", id); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "DELETE FROM account_links WHERE account_id = ?", id)
		return err
	})
	if err != nil {
		return account.Account{}, fail("move account: %w", err)
	}
	return a, nil
}

func (s *AccountStore) CreateLink(ctx context.Context, l account.Link) error {
	_, err := s.db.sql.ExecContext(ctx, `INSERT INTO account_links (token_hash, account_id, purpose, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?)`, l.TokenHash, l.AccountID, string(l.Purpose), l.CreatedAt.UTC(), l.ExpiresAt.UTC())
	if err != nil {
		return fail("create link: %w", translate(err))
	}
	return nil
}

func (s *AccountStore) Link(ctx context.Context, tokenHash string) (account.Link, error) {
	var l account.Link
	var purpose string
	var used sql.NullTime
	err := s.db.sql.QueryRowContext(ctx, `SELECT token_hash, account_id, purpose, created_at, expires_at, used_at
		FROM account_links WHERE token_hash = ?`, tokenHash).Scan(&l.TokenHash, &l.AccountID, &purpose, &l.CreatedAt, &l.ExpiresAt, &used)
	if err != nil {
		return account.Link{}, fail("link: %w", translate(err))
	}
	l.Purpose = account.Purpose(purpose)
	l.CreatedAt, l.ExpiresAt = l.CreatedAt.UTC(), l.ExpiresAt.UTC()
	if used.Valid {
		l.UsedAt = used.Time.UTC()
	}
	return l, nil
}

func (s *AccountStore) UseLink(ctx context.Context, tokenHash string, now time.Time, passwordHash string) (account.Account, error) {
	var a account.Account
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		var accountID string
		err := tx.QueryRowContext(ctx, `UPDATE account_links SET used_at = ?
			WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING account_id`, now.UTC(), tokenHash, now.UTC()).Scan(&accountID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE accounts SET password_hash = ? WHERE id = ?", passwordHash, accountID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM account_sessions WHERE account_id = ?", accountID); err != nil {
			return err
		}
		a, err = scanAccount(tx.QueryRowContext(ctx, "SELECT "+accountColumns+" FROM accounts WHERE id = ?", accountID))
		return err
	})
	if err != nil {
		return account.Account{}, fail("use link: %w", err)
	}
	return a, nil
}

func (s *AccountStore) CreateSession(ctx context.Context, sess account.Session) error {
	_, err := s.db.sql.ExecContext(ctx, `INSERT INTO account_sessions (token_hash, account_id, created_at, expires_at)
		VALUES (?, ?, ?, ?)`, sess.TokenHash, sess.AccountID, sess.CreatedAt.UTC(), sess.ExpiresAt.UTC())
	if err != nil {
		return fail("create session: %w", translate(err))
	}
	return nil
}

func (s *AccountStore) Session(ctx context.Context, tokenHash string) (account.Session, error) {
	var sess account.Session
	err := s.db.sql.QueryRowContext(ctx, `SELECT token_hash, account_id, created_at, expires_at
		FROM account_sessions WHERE token_hash = ?`, tokenHash).Scan(&sess.TokenHash, &sess.AccountID, &sess.CreatedAt, &sess.ExpiresAt)
	if err != nil {
		return account.Session{}, fail("session: %w", translate(err))
	}
	sess.CreatedAt, sess.ExpiresAt = sess.CreatedAt.UTC(), sess.ExpiresAt.UTC()
	return sess, nil
}

func (s *AccountStore) DeleteSession(ctx context.Context, tokenHash string) error {
	_, err := s.db.sql.ExecContext(ctx, "DELETE FROM account_sessions WHERE token_hash = ?", tokenHash)
	if err != nil {
		return fail("delete session: %w", translate(err))
	}
	return nil
}

func (s *AccountStore) DeleteSessions(ctx context.Context, accountID string) error {
	_, err := s.db.sql.ExecContext(ctx, "DELETE FROM account_sessions WHERE account_id = ?", accountID)
	if err != nil {
		return fail("delete sessions: %w", translate(err))
	}
	return nil
}
