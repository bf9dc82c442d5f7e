package staffid_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/staffid/staffidtest"
)

// streamStore is a fakeStore that takes the people staged while the list
// is read (staffid.StreamingImportStore) that it does not store, and
// checks the promise made about them: final, and created by the plan
// (Plan.CreateStaged) but for those stored meanwhile.
type streamStore struct {
	*fakeStore
	t      *testing.T
	staged []staffid.Person
}

func (s *streamStore) ApplyImportStream(ctx context.Context, at time.Time, read func(func(*staffid.Person) bool) error, plan func([]staffid.PersonState) (*staffid.Plan, error)) (staffid.HistoryEntry, error) {
	stored := s.snapshot()
	var ptrs []*staffid.Person
	s.staged = nil
	err := read(func(p *staffid.Person) bool {
		if _, ok := stored[p.ID]; ok {
			return false
		}
		ptrs, s.staged = append(ptrs, p), append(s.staged, *p)
		return true
	})
	if err != nil {
		return staffid.HistoryEntry{}, err
	}
	return s.fakeStore.ApplyImport(ctx, func(current []staffid.PersonState) (*staffid.Plan, error) {
		pl, err := plan(current)
		if err != nil || pl.CreateStaged == 0 {
			return pl, err
		}
		require.True(s.t, pl.At.Equal(at))
		require.Equal(s.t, len(s.staged), pl.CreateStaged, "nobody was stored meanwhile")
		for i, p := range ptrs {
			require.Equal(s.t, s.staged[i], *p, "a staged person changed")
			require.NotContains(s.t, pl.Create, p, "Create holds no staged person")
		}
		create := make([]*staffid.Person, len(s.staged))
		for i := range s.staged {
			create[i] = &s.staged[i]
		}
		pl.Create = append(create, pl.Create...)
		return pl, nil
	})
}

// An import through a streaming store gives the same reports and stores
// the same people as through a plain one, whatever in the list stops the
// stream (an invalid record, a companion before its employee, a second
// employee, a duplicate, a companion with a conflicting value).
func TestImportStreamsSameResults(t *testing.T) {
	base := staffidtest.GenerateRecords(400, 11)
	companion := func(rs []staffidtest.Record) int {
		for i, r := range rs {
			if i > 0 && r.IsEmployee == 0 {
				return i
			}
		}
		panic("no companion")
	}
	lists := map[string]func([]staffidtest.Record) []staffidtest.Record{
		"valid": func(rs []staffidtest.Record) []staffidtest.Record { return rs },
		"invalid record": func(rs []staffidtest.Record) []staffidtest.Record {
			rs[200].Sex = "X"
			return rs
		},
		"companion first": func(rs []staffidtest.Record) []staffidtest.Record {
			i := companion(rs[100:]) + 100
			rs[i-1], rs[i] = rs[i], rs[i-1] // the companion just before... its employee or a sibling
			for rs[i].IsEmployee == 0 && i > 0 {
				rs[i-1], rs[i] = rs[i], rs[i-1]
				i--
			}
			return rs
		},
		"second employee": func(rs []staffidtest.Record) []staffidtest.Record {
			rs[150].IsEmployee = 1
			return rs
		},
		"duplicate": func(rs []staffidtest.Record) []staffidtest.Record {
			return append(rs[:300:300], append([]staffidtest.Record{rs[10]}, rs[300:]...)...)
		},
		"conflicting companion": func(rs []staffidtest.Record) []staffidtest.Record {
			i := companion(rs[50:]) + 50
			rs[i].DateOfEmployment = "01.01.2001"
			return rs
		},
	}
	ctx := context.Background()
	at := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	for name, edit := range lists {
		t.Run(name, func(t *testing.T) {
			list := staffidtest.MarshalList(edit(append([]staffidtest.Record(nil), base...)))
			plain, streaming := newFakeStore(), &streamStore{fakeStore: newFakeStore(), t: t}
			results := make([]string, 2)
			for i, store := range []staffid.ImportStore{plain, streaming} {
				im, err := staffid.NewImporter(staffid.Config{}, store)
				require.NoError(t, err)
				im.Now = func() time.Time { return at }
				// twice: a first import, then the same list again
				for range 2 {
					report, err := im.Import(ctx, bytes.NewReader(list), staffid.FormatJSON, staffid.ImportOptions{})
					b, jerr := json.Marshal(report)
					require.NoError(t, jerr)
					results[i] += fmt.Sprintf("%s %v\n", b, err)
				}
				people, err := store.(interface {
					People(context.Context, staffid.PeopleQuery) ([]staffid.Person, error)
				}).People(ctx, staffid.PeopleQuery{Limit: staffid.MaxPageSize})
				require.NoError(t, err)
				b, err := json.Marshal(people)
				require.NoError(t, err)
				results[i] += string(b)
			}
			require.True(t, results[0] == results[1], "the reports or the people differ:\n%s\n%s", results[0][:min(len(results[0]), 2000)], results[1][:min(len(results[1]), 2000)])
		})
	}

	// The whole of a generated list streams.
	streaming := &streamStore{fakeStore: newFakeStore(), t: t}
	im, err := staffid.NewImporter(staffid.Config{}, streaming)
	require.NoError(t, err)
	_, err = im.Import(ctx, bytes.NewReader(staffidtest.GenerateList(1000, 5)), staffid.FormatJSON, staffid.ImportOptions{})
	require.NoError(t, err)
	require.Len(t, streaming.staged, 1000)
	// A list whose first record is invalid stages nobody.
	records := staffidtest.GenerateRecords(100, 5)
	records[0].Sex = ""
	_, err = im.Import(ctx, bytes.NewReader(staffidtest.MarshalList(records)), staffid.FormatJSON, staffid.ImportOptions{})
	require.ErrorIs(t, err, staffid.ErrInvalidRecords)
	require.Empty(t, streaming.staged)
}
