package mogu_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/account"
	"github.com/bookingkit/bookingkit/mogu"
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

func newTestAccounts(t *testing.T) (*mogu.Accounts, *sentMail, *memQueue) {
	t.Helper()
	mail, queue := &sentMail{}, &memQueue{}
	a, err := mogu.NewAccounts(memory.New().Stores().Accounts, mogu.AccountsConfig{
		Account: account.Config{HashParams: acctFast},
		Mailer:  mail,
		LinkURL: "mogu://set-password?token={token}",
		Queue:   queue,
	})
	require.NoError(t, err)
	return a, mail, queue
}

// complete hands every queued request to the worker's step.
func complete(t *testing.T, a *mogu.Accounts, q *memQueue) {
	t.Helper()
	for _, r := range *q {
		var req mogu.AccountRequest
		require.NoError(t, json.Unmarshal(r.payload, &req))
		switch r.kind {
		case mogu.KindRegister:
			require.NoError(t, a.CompleteRegister(context.Background(), req))
		case mogu.KindReset:
			require.NoError(t, a.CompleteReset(context.Background(), req))
		default:
			t.Fatalf("kind %q", r.kind)
		}
	}
	*q = nil
}

var linkToken = regexp.MustCompile(`token=(\S+)`)

func mailedToken(t *testing.T, m account.Message) string {
	t.Helper()
	match := linkToken.FindStringSubmatch(m.Body)
	require.NotNil(t, match, m.Body)
	token, err := url.QueryUnescape(match[1])
	require.NoError(t, err)
	return token
}

// The sign-up and reset forms queue the same request whatever the accounts
// hold; what differs reaches only the mailbox.
func TestAccountsSameAnswerWhateverExists(t *testing.T) {
	ctx := context.Background()
	a, mail, q := newTestAccounts(t)

	email, err := a.QueueRegister(ctx, " Ana@Example.com ", "192.0.2.1")
	require.NoError(t, err)
	require.Equal(t, "ana@example.com", email)
	require.Equal(t, memQueue{{mogu.KindRegister, []byte(`{"email":"ana@example.com"}`)}}, *q)
	complete(t, a, q)
	require.Len(t, *mail, 1)
	require.Equal(t, "Your MOGU account", (*mail)[0].Subject)
	require.Equal(t, "ana@example.com", (*mail)[0].To)
	require.True(t, strings.HasPrefix((*mail)[0].Body, "Welcome to MOGU. Open this link to choose your password; your trips open right after:\n\nmogu://set-password?token="), (*mail)[0].Body)
	require.True(t, strings.HasSuffix((*mail)[0].Body, "\n\nThe link works once and expires in 24 hours. If you did not ask for it, ignore this message.\n"), (*mail)[0].Body)
	signed, err := a.SetPassword(ctx, mailedToken(t, (*mail)[0]), "Tenerife in December, 2026!")
	require.NoError(t, err)
	require.Equal(t, "ana@example.com", signed.Account.Email)
	got, err := a.Authenticate(ctx, signed.Session)
	require.NoError(t, err)
	require.Equal(t, signed.Account, got)

	// Again for the same address: the same queued request, and a mail
	// that says the account exists, with a link to a new password.
	*mail = nil
	_, err = a.QueueRegister(ctx, "ana@example.com", "192.0.2.2")
	require.NoError(t, err)
	require.Equal(t, memQueue{{mogu.KindRegister, []byte(`{"email":"ana@example.com"}`)}}, *q)
	complete(t, a, q)
	require.Len(t, *mail, 1)
	require.Equal(t, "Your MOGU password", (*mail)[0].Subject)
	require.Contains(t, (*mail)[0].Body, "already has an account")

	// A reset queues one request for an unknown address as for a known
	// one; only the known one gets a mail.
	*mail = nil
	require.NoError(t, a.QueueReset(ctx, "nobody@example.com", "192.0.2.3"))
	require.NoError(t, a.QueueReset(ctx, "ANA@example.com", "192.0.2.3"))
	require.Equal(t, memQueue{{mogu.KindReset, []byte(`{"email":"nobody@example.com"}`)}, {mogu.KindReset, []byte(`{"email":"ana@example.com"}`)}}, *q)
	complete(t, a, q)
	require.Len(t, *mail, 1)
	require.Equal(t, "ana@example.com", (*mail)[0].To)
	require.True(t, strings.HasPrefix((*mail)[0].Body, "Open this link to choose a new MOGU password:"), (*mail)[0].Body)

	_, err = a.Login(ctx, "ana@example.com", "Tenerife in December, 2026!", "192.0.2.4")
	require.NoError(t, err)
	require.NoError(t, a.Logout(ctx, signed.Session))
	_, err = a.Authenticate(ctx, signed.Session)
	require.ErrorIs(t, err, bookingkit.ErrUnauthorized)
}

func TestAccountsRefuseBadInput(t *testing.T) {
	ctx := context.Background()
	a, _, q := newTestAccounts(t)
	_, err := a.QueueRegister(ctx, "not an address", "192.0.2.1")
	require.ErrorIs(t, err, bookingkit.ErrInvalid)
	require.ErrorIs(t, a.QueueReset(ctx, "", "192.0.2.1"), bookingkit.ErrInvalid)
	require.Empty(t, *q)

	_, err = mogu.NewAccounts(memory.New().Stores().Accounts, mogu.AccountsConfig{Mailer: &sentMail{}, LinkURL: "mogu://set-password"})
	require.ErrorIs(t, err, bookingkit.ErrInvalid)
	_, err = mogu.NewAccounts(memory.New().Stores().Accounts, mogu.AccountsConfig{LinkURL: "mogu://x?token={token}"})
	require.ErrorIs(t, err, bookingkit.ErrInvalid)

	noQueue, err := mogu.NewAccounts(memory.New().Stores().Accounts, mogu.AccountsConfig{Mailer: &sentMail{}, LinkURL: "mogu://x?token={token}"})
	require.NoError(t, err)
	_, err = noQueue.QueueRegister(ctx, "ana@example.com", "")
	require.Error(t, err)
	require.False(t, errors.Is(err, bookingkit.ErrInvalid))
}

func TestParseMailTemplates(t *testing.T) {
	tpl, err := mogu.ParseMailTemplates(fstest.MapFS{
		mogu.ResetTemplateFile: {Data: []byte("Subject: Tu contraseña\n\nAbre {{.Link}} antes de {{.ValidFor}}.\n")},
	})
	require.NoError(t, err)
	mail := &sentMail{}
	q := &memQueue{}
	a, err := mogu.NewAccounts(memory.New().Stores().Accounts, mogu.AccountsConfig{
		Account: account.Config{HashParams: acctFast}, Mailer: mail, Templates: tpl, LinkURL: "mogu://p?token={token}", Queue: q,
	})
	require.NoError(t, err)
	ctx := context.Background()
	_, err = a.QueueRegister(ctx, "ana@example.com", "")
	require.NoError(t, err)
	require.NoError(t, a.QueueReset(ctx, "ana@example.com", ""))
	complete(t, a, q)
	require.Len(t, *mail, 2)
	require.Equal(t, "Your MOGU account", (*mail)[0].Subject, "a file not given keeps the built-in text")
	require.Equal(t, "Tu contraseña", (*mail)[1].Subject)
	require.True(t, strings.HasPrefix((*mail)[1].Body, "Abre mogu://p?token="))

	for name, text := range map[string]string{
		"no subject":  "Hello\n\n{{.Link}}\n",
		"no link":     "Subject: x\n\nno link here\n",
		"bad field":   "Subject: x\n\n{{.Link}} {{.Name}}\n",
		"not parsing": "Subject: x\n\n{{.Link\n",
	} {
		_, err := mogu.ParseMailTemplates(fstest.MapFS{mogu.RegisterTemplateFile: {Data: []byte(text)}})
		require.ErrorIs(t, err, bookingkit.ErrInvalid, name)
	}
}

func TestPlausibleToken(t *testing.T) {
	keys := mustKeyring(t, testKey(1, 1))
	token, err := keys.Sign(mogu.Claim{BookingID: "ITT-10593", Generation: 1, Expires: time.Date(2026, 12, 15, 0, 0, 0, 0, time.UTC)})
	require.NoError(t, err)
	require.True(t, mogu.PlausibleToken(token))
	require.True(t, mogu.PlausibleToken(strings.ToLower(token)), "either case")
	for _, s := range []string{"", "ABCDEFGHIJKLMNO", strings.Repeat("A", mogu.MaxTokenLen+1), token[:20] + "1", token[:20] + "-"} {
		require.False(t, mogu.PlausibleToken(s), s)
	}
}
