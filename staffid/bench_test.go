package staffid_test

import (
	"bytes"
	"context"
	"encoding/json"
	"sync"
	"testing"

	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/staffid/staffidtest"
)

// benchList is the benchmarks' list: 100 000 generated records, about one
// employee to three companions, Cyrillic and Latin names. Both benchmarks
// read the same bytes, so their ratio is the cost of the import beyond
// plain JSON decoding.
var benchList = sync.OnceValue(func() []byte { return staffidtest.GenerateList(100_000, 1) })

// BenchmarkDecodeFloor is the physical floor of the import: encoding/json
// decoding the list into a slice of plain structs, nothing checked.
func BenchmarkDecodeFloor(b *testing.B) {
	list := benchList()
	b.SetBytes(int64(len(list)))
	b.ReportAllocs()
	for b.Loop() {
		var records []staffidtest.Record
		if err := json.NewDecoder(bytes.NewReader(list)).Decode(&records); err != nil {
			b.Fatal(err)
		}
		if len(records) != 100_000 {
			b.Fatal(len(records))
		}
	}
}

// BenchmarkImport is the import of the same list against an empty store:
// decode, validate every field and the groups, hash every identity, plan.
// The store keeps the plan instead of applying it, so that the figure is
// the domain's work; writing the people is the storage adapters' (see
// BenchmarkImportApply and the adapters' own benchmarks).
func BenchmarkImport(b *testing.B) {
	list := benchList()
	b.SetBytes(int64(len(list)))
	b.ReportAllocs()
	for b.Loop() {
		store := &planOnlyStore{fakeStore: newFakeStore()}
		im := newImporter(b, staffid.Config{}, store)
		report, err := im.Import(context.Background(), bytes.NewReader(list), staffid.FormatJSON, staffid.ImportOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if report.Created != 100_000 || len(store.plan.Create) != 100_000 {
			b.Fatal(report.Created)
		}
	}
}

// BenchmarkImportApply is BenchmarkImport applied to storage/memory's
// store, for comparison.
func BenchmarkImportApply(b *testing.B) {
	list := benchList()
	b.SetBytes(int64(len(list)))
	b.ReportAllocs()
	for b.Loop() {
		im := newImporter(b, staffid.Config{}, newFakeStore())
		report, err := im.Import(context.Background(), bytes.NewReader(list), staffid.FormatJSON, staffid.ImportOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if report.Created != 100_000 {
			b.Fatal(report.Created)
		}
	}
}

// BenchmarkReimport imports the same list again: every person unchanged.
func BenchmarkReimport(b *testing.B) {
	list := benchList()
	store := newFakeStore()
	im := newImporter(b, staffid.Config{}, store)
	if _, err := im.Import(context.Background(), bytes.NewReader(list), staffid.FormatJSON, staffid.ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(list)))
	b.ReportAllocs()
	for b.Loop() {
		report, err := im.Import(context.Background(), bytes.NewReader(list), staffid.FormatJSON, staffid.ImportOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if report.Unchanged != 100_000 {
			b.Fatal(report.Unchanged)
		}
	}
}

// planOnlyStore is an empty store that keeps the last plan it is given.
type planOnlyStore struct {
	*fakeStore
	plan *staffid.Plan
}

func (s *planOnlyStore) ApplyImport(ctx context.Context, plan func([]staffid.PersonState) (*staffid.Plan, error)) (staffid.HistoryEntry, error) {
	p, err := plan(nil)
	if err != nil {
		return staffid.HistoryEntry{}, err
	}
	s.plan = p
	return p.Entry, nil
}
