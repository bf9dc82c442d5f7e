package account_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/bookingkit/bookingkit/account"
	"github.com/bookingkit/bookingkit/storage/memory"
)

// An engine whose machines have memory to spare hashes passwords with
// more than the OWASP minimum, here OWASP's other setting of equal
// strength: 46 MiB and one pass. Hashes made under the old parameters
// are made again under these at each person's next login.
func ExampleHashParams() {
	svc := account.New(memory.New().Stores().Accounts, account.Config{
		Realm:      "staff",
		HashParams: account.HashParams{MemoryKiB: 46 * 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32},
	})
	ctx := context.Background()
	_, link, err := svc.Create(ctx, "ann@example.com", "")
	if err != nil {
		panic(err)
	}
	a, _, err := svc.SetPassword(ctx, link, "correct horse battery staple")
	if err != nil {
		panic(err)
	}
	fmt.Println(strings.Join(strings.Split(a.PasswordHash, "$")[:4], "$"))
	// Output:
	// $argon2id$v=19$m=47104,t=1,p=1
}
