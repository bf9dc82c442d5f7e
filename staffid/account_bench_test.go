package staffid_test

import (
	"context"
	"testing"
	"time"

	"github.com/bookingkit/bookingkit/account"
	"github.com/bookingkit/bookingkit/internal/password"
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/throttle"
)

// BenchmarkLogin signs an employee in with OWASP's argon2id parameters
// (19 MiB, t=2), beside its floor: verifying the password hash alone. A
// sign-in is meant to cost about one hash; the rest (account and person
// lookups in memory, the session) should not show.
func BenchmarkLogin(b *testing.B) {
	ctx := context.Background()
	e := newAcctEnvWith(b, staffid.Config{}, account.Config{
		PerAddress: throttle.NewMemory(time.Nanosecond, 1<<30),
		PerAccount: throttle.NewMemory(time.Nanosecond, 1<<30),
	}, acctList)
	accounts, err := staffid.NewAccounts(staffid.Config{}, e.stores.StaffID, e.stores.Accounts, staffid.AccountsConfig{
		Account: account.Config{
			HashParams: account.OWASPHashParams,
			PerAddress: throttle.NewMemory(time.Nanosecond, 1<<30),
			PerAccount: throttle.NewMemory(time.Nanosecond, 1<<30),
		},
		Mailer: e.mailer, LinkURL: "https://x.example/?token={token}",
	})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := accounts.Register(ctx, lennon(), "10.0.0.1"); err != nil {
		b.Fatal(err)
	}
	if _, err := accounts.SetPassword(ctx, e.mailer.lastToken(b, "it@websky.tech"), "yellow submarine 1966"); err != nil {
		b.Fatal(err)
	}
	hash, err := password.Hash("yellow submarine 1966", password.OWASP)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("Login", func(b *testing.B) {
		for b.Loop() {
			if _, err := accounts.Login(ctx, "it@websky.tech", "yellow submarine 1966", "10.0.0.1"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Floor", func(b *testing.B) {
		for b.Loop() {
			if ok, _, err := password.Verify("yellow submarine 1966", hash, password.OWASP); !ok || err != nil {
				b.Fatal(ok, err)
			}
		}
	})
}
