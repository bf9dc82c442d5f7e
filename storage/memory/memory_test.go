package memory_test

import (
	"testing"

	"github.com/bookingkit/bookingkit/storage"
	"github.com/bookingkit/bookingkit/storage/memory"
	"github.com/bookingkit/bookingkit/storage/storagetest"
)

func TestConformance(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Stores {
		return memory.New().Stores()
	})
}
