package partner_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/account"
	"github.com/bookingkit/bookingkit/partner"
	"github.com/bookingkit/bookingkit/storage/memory"
)

var acctFast = account.HashParams{MemoryKiB: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

type sentMail []account.Message

func (m *sentMail) Send(_ context.Context, msg account.Message) error {
	*m = append(*m, msg)
	return nil
}

type queued struct {
	kind    string
	payload []byte
}

type memQueue []queued

func (q *memQueue) Enqueue(_ context.Context, kind string, payload any) error {
	b, err := json.Marshal(payload)
	if err != nil {
		return err
	}
	*q = append(*q, queued{kind, b})
	return nil
}

// accountsWorld is newWorld's users with sign-in accounts over the same
// memory database.
type accountsWorld struct {
	*world
	accounts *partner.Accounts
	mail     *sentMail
	queue    *memQueue
}

func newAccountsWorld(t *testing.T) *accountsWorld {
	t.Helper()
	db := memory.New().Stores()
	w := &accountsWorld{world: newWorldOn(t, db.Partner), mail: &sentMail{}, queue: &memQueue{}}
	var err error
	w.accounts, err = partner.NewAccounts(db.Accounts, db.Partner, partner.AccountsConfig{
		Account: account.Config{HashParams: acctFast},
		Mailer:  w.mail,
		Queue:   w.queue,
	})
	require.NoError(t, err)
	return w
}

var linkToken = regexp.MustCompile(`https://partners\.example\.com/partner/set-password\?token=(\S+)`)

// lastToken is the one-time token of the last mail, which went to to.
func (w *accountsWorld) lastToken(t *testing.T, to, subject string) string {
	t.Helper()
	require.NotEmpty(t, *w.mail)
	m := (*w.mail)[len(*w.mail)-1]
	require.Equal(t, to, m.To)
	require.Equal(t, subject, m.Subject)
	require.Contains(t, m.Body, "The link works once and expires in 24 hours.")
	sub := linkToken.FindStringSubmatch(m.Body)
	require.NotNil(t, sub, "no link in %q", m.Body)
	token, err := url.QueryUnescape(sub[1])
	require.NoError(t, err)
	return token
}

func (w *accountsWorld) user(t *testing.T, a partner.Actor) partner.User {
	t.Helper()
	u, err := w.svc.User(w.ctx, w.admin, a.UserID)
	require.NoError(t, err)
	return u
}

func TestAccountsInviteThenSignIn(t *testing.T) {
	w := newAccountsWorld(t)
	alice := w.user(t, w.alice)
	require.NoError(t, w.accounts.Invite(w.ctx, alice, "https://partners.example.com/"))
	token := w.lastToken(t, "alice@a.example", "Your PartnerApp account")
	require.Contains(t, (*w.mail)[0].Body, "An account has been opened for you in PartnerApp.")

	in, err := w.accounts.SetPassword(w.ctx, token, "correct horse battery")
	require.NoError(t, err)
	require.Equal(t, alice.ID, in.User.ID)
	require.Equal(t, w.alice, in.User.Actor())
	u, err := w.accounts.Authenticate(w.ctx, in.Session)
	require.NoError(t, err)
	require.Equal(t, alice.ID, u.ID)

	in, err = w.accounts.Login(w.ctx, "ALICE@a.example", "correct horse battery", "192.0.2.1")
	require.NoError(t, err)
	require.Equal(t, alice.ID, in.User.ID)
	_, err = w.accounts.Login(w.ctx, "alice@a.example", "wrong password", "192.0.2.1")
	require.ErrorIs(t, err, account.ErrBadCredentials)

	require.NoError(t, w.accounts.Logout(w.ctx, in.Session))
	_, err = w.accounts.Authenticate(w.ctx, in.Session)
	require.ErrorIs(t, err, bookingkit.ErrUnauthorized)
}

// Inviting again mails a link to choose a new password, with words that
// say so.
func TestAccountsInviteAgain(t *testing.T) {
	w := newAccountsWorld(t)
	alice := w.user(t, w.alice)
	require.NoError(t, w.accounts.Invite(w.ctx, alice, "https://partners.example.com"))
	require.NoError(t, w.accounts.Invite(w.ctx, alice, "https://partners.example.com"))
	require.Len(t, *w.mail, 2)
	token := w.lastToken(t, "alice@a.example", "Your PartnerApp password")
	require.Contains(t, (*w.mail)[1].Body, "Open this link to choose a new PartnerApp password:")
	in, err := w.accounts.SetPassword(w.ctx, token, "correct horse battery")
	require.NoError(t, err)
	require.Equal(t, alice.ID, in.User.ID)
}

// An address whose account belongs to someone else is a conflict, and no
// mail leaves.
func TestAccountsInviteConflict(t *testing.T) {
	w := newAccountsWorld(t)
	_, _, err := w.accounts.Service().Create(w.ctx, "alice@a.example", "usr_someone_else")
	require.NoError(t, err)
	err = w.accounts.Invite(w.ctx, w.user(t, w.alice), "https://partners.example.com")
	require.ErrorIs(t, err, bookingkit.ErrConflict)
	require.Contains(t, err.Error(), "the address alice@a.example already has an account of another user")
	require.Empty(t, *w.mail)
}

// A session signs in only the partner user its account names.
func TestAccountsAuthenticateNeedsAUser(t *testing.T) {
	w := newAccountsWorld(t)
	_, err := w.accounts.Authenticate(w.ctx, "no such session")
	require.ErrorIs(t, err, bookingkit.ErrUnauthorized)

	for _, subject := range []string{"", "usr_gone"} {
		email := "x" + subject + "@example.com"
		_, token, err := w.accounts.Service().Create(w.ctx, email, subject)
		require.NoError(t, err)
		_, session, err := w.accounts.Service().SetPassword(w.ctx, token, "correct horse battery")
		require.NoError(t, err)
		_, err = w.accounts.Authenticate(w.ctx, session)
		require.ErrorIs(t, err, bookingkit.ErrUnauthorized, "subject %q", subject)
		_, err = w.accounts.Login(w.ctx, email, "correct horse battery", "192.0.2.1")
		require.ErrorIs(t, err, bookingkit.ErrUnauthorized, "subject %q", subject)
	}
}

// A reset is queued alike whether or not the address has an account; the
// worker's step mails only an address that has one.
func TestAccountsReset(t *testing.T) {
	w := newAccountsWorld(t)
	alice := w.user(t, w.alice)
	require.NoError(t, w.accounts.Invite(w.ctx, alice, "https://partners.example.com"))
	*w.mail = nil

	require.NoError(t, w.accounts.QueueReset(w.ctx, " Alice@A.example ", "192.0.2.1", "https://partners.example.com"))
	require.NoError(t, w.accounts.QueueReset(w.ctx, "nobody@a.example", "192.0.2.1", "https://partners.example.com"))
	require.Len(t, *w.queue, 2)
	require.Empty(t, *w.mail, "the request mails nothing itself")
	for _, q := range *w.queue {
		require.Equal(t, partner.KindReset, q.kind)
		var req partner.ResetRequest
		require.NoError(t, json.Unmarshal(q.payload, &req))
		require.Equal(t, "https://partners.example.com", req.LinkBase)
		require.NoError(t, w.accounts.CompleteReset(w.ctx, req))
	}
	require.Len(t, *w.mail, 1)
	token := w.lastToken(t, "alice@a.example", "Your PartnerApp password")
	in, err := w.accounts.SetPassword(w.ctx, token, "a new password")
	require.NoError(t, err)
	require.Equal(t, alice.ID, in.User.ID)

	err = w.accounts.QueueReset(w.ctx, "not an address", "192.0.2.1", "https://partners.example.com")
	require.ErrorIs(t, err, bookingkit.ErrInvalid)
}

func TestAccountsResetNeedsAQueue(t *testing.T) {
	db := memory.New().Stores()
	a, err := partner.NewAccounts(db.Accounts, db.Partner, partner.AccountsConfig{Mailer: &sentMail{}})
	require.NoError(t, err)
	err = a.QueueReset(context.Background(), "alice@a.example", "192.0.2.1", "https://partners.example.com")
	require.Error(t, err)
	require.True(t, strings.Contains(err.Error(), "Queue"), err.Error())
}

func TestNewAccountsChecksItsSettings(t *testing.T) {
	db := memory.New().Stores()
	_, err := partner.NewAccounts(db.Accounts, db.Partner, partner.AccountsConfig{})
	var ve *bookingkit.ValidationError
	require.True(t, errors.As(err, &ve), "%v", err)
	require.Equal(t, "Mailer", ve.Field)
	_, err = partner.NewAccounts(nil, db.Partner, partner.AccountsConfig{Mailer: &sentMail{}})
	require.ErrorIs(t, err, bookingkit.ErrInvalid)
	_, err = partner.NewAccounts(db.Accounts, nil, partner.AccountsConfig{Mailer: &sentMail{}})
	require.ErrorIs(t, err, bookingkit.ErrInvalid)
}

func TestSetPasswordLink(t *testing.T) {
	require.Equal(t, "https://p.example/partner/set-password?token=a%2Bb", partner.SetPasswordLink("https://p.example/", "a+b"))
}
