package config

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/storage/memory"
)

func TestHostPort(t *testing.T) {
	for addr, want := range map[string]string{
		"127.0.0.1:8080": "127.0.0.1:8080",
		":8080":          "localhost:8080",
		"0.0.0.0:80":     "localhost:80",
		"[::1]:8080":     "localhost:8080",
		"example.com:81": "example.com:81",
		"garbage":        "localhost:8080",
	} {
		require.Equal(t, want, HostPort(addr), addr)
	}
}

// MOGU's mails follow the server's shared mail settings, and the mogu
// section's own settings replace them where it sets them.
func TestMoguMailEnv(t *testing.T) {
	shared := MailEnv{SMTPAddr: "smtp.example:587", SMTPFrom: "noreply@example", SMTPUsername: "u", SMTPPassword: "p", Dir: "/var/mail/bk"}
	secrets := MoguEnv{SMTPPassword: "mogu-secret"}
	tests := []struct {
		name string
		c    Mogu
		want MailEnv
	}{
		{"nothing of its own", Mogu{}, shared},
		{"own sender", Mogu{MailFrom: "mogu@example"},
			MailEnv{SMTPAddr: "smtp.example:587", SMTPFrom: "mogu@example", SMTPUsername: "u", SMTPPassword: "p", Dir: "/var/mail/bk"}},
		{"own SMTP server and login", Mogu{SMTPAddr: "mogu-smtp:25", SMTPUsername: "m"},
			MailEnv{SMTPAddr: "mogu-smtp:25", SMTPFrom: "noreply@example", SMTPUsername: "m", SMTPPassword: "mogu-secret", Dir: "/var/mail/bk"}},
		{"own folder wins over the shared SMTP", Mogu{MailDir: "mogu-mail"},
			MailEnv{SMTPFrom: "noreply@example", SMTPUsername: "u", SMTPPassword: "p", Dir: "mogu-mail"}},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, tt.c.MailEnv(shared, secrets), tt.name)
	}
	require.Equal(t, MailEnv{Dir: "shared-dir"}, Mogu{}.MailEnv(MailEnv{Dir: "shared-dir"}, secrets), "a development server's MOGU mail lands in BOOKINGKIT_MAIL_DIR")
}

// The config file refuses unknown keys; one section can be read alone,
// leaving the others to their own readers.
func TestLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bookingkit.json")
	require.NoError(t, os.WriteFile(path, []byte(`{"mogu": {"claims_burst": 3}, "standby": {"max_queue_page": 9}, "nonsense": 1}`), 0o600))
	_, err := Load(path)
	require.ErrorContains(t, err, `unknown field "nonsense"`)

	var m Mogu
	require.NoError(t, LoadSection(path, "mogu", &m))
	require.Equal(t, 3, m.ClaimsBurst)
	var p Partner
	require.NoError(t, LoadSection(path, "partner", &p), "an absent section keeps the defaults")
	require.NoError(t, os.WriteFile(path, []byte(`{"mogu": {"claim_burst": 3}}`), 0o600))
	require.ErrorContains(t, LoadSection(path, "mogu", &m), `section mogu: json: unknown field "claim_burst"`)

	f, err := Load("")
	require.NoError(t, err)
	require.Equal(t, File{}, f, "no file: every default")
	_, err = Load(filepath.Join(t.TempDir(), "missing.json"))
	require.ErrorContains(t, err, "config file")
}

func TestDurationAndPositive(t *testing.T) {
	d, err := Duration("mail.lease", "", time.Minute)
	require.NoError(t, err)
	require.Equal(t, time.Minute, d)
	d, err = Duration("mail.lease", "90s", time.Minute)
	require.NoError(t, err)
	require.Equal(t, 90*time.Second, d)
	for _, bad := range []string{"a week", "-1h", "0s"} {
		_, err = Duration("mail.lease", bad, time.Minute)
		require.ErrorContains(t, err, `config mail.lease "`+bad+`": want a positive Go duration`)
	}
	n, err := Positive("mogu.claims_burst", 0, 10)
	require.NoError(t, err)
	require.Equal(t, 10, n)
	_, err = Positive("mogu.claims_burst", -1, 10)
	require.ErrorContains(t, err, "config mogu.claims_burst -1: want a positive number")
}

// Servers starting at once on one database keep one generated secret:
// the first to store it wins, and only it says so.
func TestGeneratedKeepsTheFirstStored(t *testing.T) {
	ctx := context.Background()
	settings := memory.New().Stores().Settings
	n := 0
	gen := func() (string, error) { n++; return fmt.Sprint("secret-", n), nil }
	first, mine, err := Generated(ctx, settings, "k", gen)
	require.NoError(t, err)
	require.True(t, mine)
	second, mine, err := Generated(ctx, settings, "k", gen)
	require.NoError(t, err)
	require.False(t, mine)
	require.Equal(t, first, second)
	require.Equal(t, 1, n, "a stored secret is not generated again")
}

// The tool never generates a claim key: without one it says so, where the
// server generates and stores one that both then use.
func TestMoguKeyring(t *testing.T) {
	ctx := context.Background()
	settings := memory.New().Stores().Settings
	_, _, err := Mogu{}.Keyring(ctx, "", settings, false)
	require.ErrorIs(t, err, ErrNoMoguKeys)
	_, generated, err := Mogu{}.Keyring(ctx, "", settings, true)
	require.NoError(t, err)
	require.True(t, generated)
	stored, err := settings.Setting(ctx, MoguKeysSetting)
	require.NoError(t, err)
	require.Contains(t, stored, "1:", "key ID 1")
	kr, generated, err := Mogu{}.Keyring(ctx, "", settings, false)
	require.NoError(t, err)
	require.False(t, generated)
	require.NotNil(t, kr, "the stored key is used")
	_, _, err = Mogu{Keys: []string{"0:abc"}}.Keyring(ctx, "", settings, true)
	require.ErrorContains(t, err, "claim keys from config mogu.keys")
}

// MOGU's app stays signed in until the traveller signs out unless the
// section sets a lifetime.
func TestMoguAppSessionUntilSignOut(t *testing.T) {
	a, err := Mogu{}.App()
	require.NoError(t, err)
	require.Zero(t, a.SessionLifetime, "until sign-out")
	a, err = Mogu{SessionLifetime: "720h"}.App()
	require.NoError(t, err)
	require.Equal(t, 720*time.Hour, a.SessionLifetime)
}
