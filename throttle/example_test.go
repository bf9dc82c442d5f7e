package throttle_test

import (
	"context"
	"fmt"
	"time"

	"github.com/bookingkit/bookingkit/account"
	"github.com/bookingkit/bookingkit/storage/memory"
	"github.com/bookingkit/bookingkit/throttle"
)

// An engine running several processes on one database hands the account
// service limiters over the database's rate-limit store (here the memory
// adapter's, for the example): 2 attempts per account, then one a minute.
func Example() {
	store := memory.New().Stores().RateLimits // or the SQL adapters' Stores().RateLimits
	cfg := account.Config{
		PerAddress: throttle.New(store, time.Minute, 10),
		PerAccount: throttle.New(store, time.Minute, 2),
	}
	for i := range 3 {
		fmt.Println(i+1, cfg.PerAccount.Allow(context.Background(), "login:ann@example.com"))
	}
	// Output:
	// 1 <nil>
	// 2 <nil>
	// 3 rate limited: retry after 60 s
}

// A program that runs one process counts in its own memory: the limiter
// that package account uses when its Config names none, and one that
// mogu.NewService (which refuses a nil limiter) can be given.
func ExampleNewMemory() {
	claims := throttle.NewMemory(time.Minute, 2) // 2 claims at once, then one a minute
	ctx := context.Background()
	for i := range 3 {
		fmt.Println(i+1, claims.Allow(ctx, "mogu.claim.address:203.0.113.7"))
	}
	fmt.Println(claims.Allow(ctx, "mogu.claim.address:198.51.100.1"))
	// Output:
	// 1 <nil>
	// 2 <nil>
	// 3 rate limited: retry after 60 s
	// <nil>
}
