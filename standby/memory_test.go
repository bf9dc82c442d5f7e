package standby_test

import (
	"github.com/bookingkit/bookingkit/standby"
	"github.com/bookingkit/bookingkit/storage/memory"
)

// The package's own tests run on storage/memory's store (fakestore_test.go),
// which they cannot import themselves: it imports standby.
func init() {
	standby.NewMemoryStore = func() standby.Store { return memory.New().Stores().Standby }
}
