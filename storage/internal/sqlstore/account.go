package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/bookingkit/bookingkit/account"
)

// AccountStore keeps accounts, one-time links and sessions.
type AccountStore struct{ db *DB }

const accountColumns = "id, realm, email, COALESCE(subject, ''), password_hash, created_at"

func scanAccount(r scanner) (a account.Account, err error) {
	return a, r.Scan(&a.ID, &a.Realm, &a.Email, &a.Subject, &a.PasswordHash, utc{&a.CreatedAt})
}

func (s *AccountStore) CreateAccount(ctx context.Context, a account.Account) error {
	return s.db.run(ctx, "create account", `INSERT INTO accounts (id, realm, email, subject, password_hash, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, a.ID, string(a.Realm), a.Email, NullIfEmpty(a.Subject), a.PasswordHash, a.CreatedAt.UTC())
}

func (s *AccountStore) queryAccount(ctx context.Context, where string, args ...any) (account.Account, error) {
	a, err := scanAccount(s.db.SQL.QueryRowContext(ctx, "SELECT "+accountColumns+" FROM accounts WHERE "+where, args...))
	return a, s.db.Err(err, "account")
}

func (s *AccountStore) Account(ctx context.Context, id string) (account.Account, error) {
	return s.queryAccount(ctx, "id = $1", id)
}

func (s *AccountStore) AccountByEmail(ctx context.Context, realm account.Realm, email string) (account.Account, error) {
	return s.queryAccount(ctx, "realm = $1 AND email = $2", string(realm), email)
}

func (s *AccountStore) AccountBySubject(ctx context.Context, realm account.Realm, subject string) (account.Account, error) {
	return s.queryAccount(ctx, "realm = $1 AND subject = $2", string(realm), subject)
}

func (s *AccountStore) SetPasswordHash(ctx context.Context, accountID, hash string) error {
	return s.db.one(ctx, "set password hash", "UPDATE accounts SET password_hash = $1 WHERE id = $2", hash, accountID)
}

func (s *AccountStore) MoveAccount(ctx context.Context, id, from, to string) (a account.Account, err error) {
	err = s.db.InTx(ctx, func(tx *sql.Tx) (err error) {
		if a, err = scanAccount(tx.QueryRowContext(ctx, "UPDATE accounts SET email = $1, password_hash = '' WHERE id = $2 AND email = $3 RETURNING "+accountColumns, to, id, from)); err != nil {
			return err
		}
		_, err = execEach(ctx, tx, []string{"DELETE FROM account_sessions WHERE account_id = $1", "DELETE FROM account_links WHERE account_id = $1"}, id)
		return err
	})
	return a, s.db.Err(err, "move account")
}

func (s *AccountStore) CreateLink(ctx context.Context, l account.Link) error {
	return s.db.run(ctx, "create link", `INSERT INTO account_links (token_hash, account_id, purpose, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5)`, l.TokenHash, l.AccountID, string(l.Purpose), l.CreatedAt.UTC(), l.ExpiresAt.UTC())
}

func (s *AccountStore) Link(ctx context.Context, tokenHash string) (l account.Link, err error) {
	err = s.db.SQL.QueryRowContext(ctx, `SELECT token_hash, account_id, purpose, created_at, expires_at, used_at
		FROM account_links WHERE token_hash = $1`, tokenHash).Scan(&l.TokenHash, &l.AccountID, &l.Purpose, utc{&l.CreatedAt}, utc{&l.ExpiresAt}, utc{&l.UsedAt})
	return l, s.db.Err(err, "link")
}

func (s *AccountStore) UseLink(ctx context.Context, tokenHash string, now time.Time, passwordHash string) (a account.Account, err error) {
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		accountID, err := scanOne[string](tx.QueryRowContext(ctx, `UPDATE account_links SET used_at = $1
			WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING account_id`, now.UTC(), tokenHash))
		if err != nil {
			return err
		}
		if a, err = scanAccount(tx.QueryRowContext(ctx, "UPDATE accounts SET password_hash = $1 WHERE id = $2 RETURNING "+accountColumns, passwordHash, accountID)); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "DELETE FROM account_sessions WHERE account_id = $1", accountID)
		return err
	})
	return a, s.db.Err(err, "use link")
}

func (s *AccountStore) CreateSession(ctx context.Context, sess account.Session) error {
	return s.db.run(ctx, "create session", `INSERT INTO account_sessions (token_hash, account_id, created_at, expires_at)
		VALUES ($1, $2, $3, $4)`, sess.TokenHash, sess.AccountID, sess.CreatedAt.UTC(), sess.ExpiresAt.UTC())
}

func (s *AccountStore) Session(ctx context.Context, tokenHash string) (sess account.Session, err error) {
	err = s.db.SQL.QueryRowContext(ctx, `SELECT token_hash, account_id, created_at, expires_at
		FROM account_sessions WHERE token_hash = $1`, tokenHash).Scan(&sess.TokenHash, &sess.AccountID, utc{&sess.CreatedAt}, utc{&sess.ExpiresAt})
	return sess, s.db.Err(err, "session")
}

func (s *AccountStore) DeleteSession(ctx context.Context, tokenHash string) error {
	return s.db.run(ctx, "delete session", "DELETE FROM account_sessions WHERE token_hash = $1", tokenHash)
}

func (s *AccountStore) DeleteSessions(ctx context.Context, accountID string) error {
	return s.db.run(ctx, "delete sessions", "DELETE FROM account_sessions WHERE account_id = $1", accountID)
}
