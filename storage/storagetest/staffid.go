package storagetest

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/staffid"
)

// sidDate returns a calendar date of the list.
func sidDate(t *testing.T, s string) staffid.Date {
	t.Helper()
	d, err := staffid.ParseDate(s)
	require.NoError(t, err)
	return d
}

// sidPerson returns a person as an import hands it to the store: every
// field of the list set, the store-kept ones (Blocked, times) zero.
func sidPerson(t *testing.T, id, group string, employee bool) *staffid.Person {
	t.Helper()
	p := &staffid.Person{
		ID:               id,
		GroupKey:         group,
		IsEmployee:       employee,
		GUID:             "guid-" + id,
		LastName:         "Ёлкина-Щукина",
		FirstName:        "Анна",
		MiddleName:       "Сергеевна",
		LastNameEng:      "Yolkina-Shchukina",
		FirstNameEng:     "Anna",
		MiddleNameEng:    "Sergeevna",
		BirthDay:         sidDate(t, "29.02.1984"),
		Sex:              "F",
		DateOfEmployment: sidDate(t, "01.09.2010"),
		EmployeeID:       group,
		CategoryCode:     3,
		Email:            "anna@example.com",
		RelationDegree:   "",
		Digest:           "digest-1-" + id,
	}
	if !employee {
		p.RelationDegree = "daughter"
		p.Email = ""
		p.MiddleName, p.MiddleNameEng = "", ""
	}
	return p
}

// sidStored is what the store must return for p created at at.
func sidStored(p *staffid.Person, created, updated time.Time) staffid.Person {
	q := *p
	q.Blocked, q.BlockedAt = false, time.Time{}
	q.CreatedAt, q.UpdatedAt = created, updated
	return q
}

// sidApply applies a plan of the given changes and returns the new entry.
func sidApply(t *testing.T, s staffid.Store, at time.Time, create, update []*staffid.Person, block []string) staffid.HistoryEntry {
	t.Helper()
	e, err := s.ApplyImport(context.Background(), func([]staffid.PersonState) (*staffid.Plan, error) {
		return sidPlan(at, create, update, block), nil
	})
	require.NoError(t, err)
	return e
}

func sidPlan(at time.Time, create, update []*staffid.Person, block []string) *staffid.Plan {
	counts := staffid.SyncCounts{Created: len(create), Updated: len(update), Blocked: len(block)}
	n := len(create) + len(update)
	return &staffid.Plan{
		At: at, Create: create, Update: update, Block: block, Counts: counts,
		Entry: staffid.HistoryEntry{
			At: at, Source: staffid.SourceAPI, Actor: "token",
			Report: staffid.Report{
				Status: staffid.StatusOk, InputRecordsCount: n, ImportedTotal: n, EmployeesImported: n,
				InvalidRecords: []staffid.InvalidRecord{}, SyncCounts: &counts,
			},
		},
	}
}

// sidStates returns the states the next plan will see, by ID.
func sidStates(t *testing.T, s staffid.Store) []staffid.PersonState {
	t.Helper()
	var got []staffid.PersonState
	errStop := errors.New("only looking")
	_, err := s.ApplyImport(context.Background(), func(current []staffid.PersonState) (*staffid.Plan, error) {
		got = slices.Clone(current)
		return nil, errStop
	})
	require.ErrorIs(t, err, errStop)
	slices.SortFunc(got, func(a, b staffid.PersonState) int { return cmp.Compare(a.ID, b.ID) })
	return got
}

// sidAll returns every stored person by ascending ID, paging through People.
func sidAll(t *testing.T, s staffid.Store, state staffid.StateQuery) []staffid.Person {
	t.Helper()
	var all []staffid.Person
	after := ""
	for {
		page, err := s.People(context.Background(), staffid.PeopleQuery{AfterID: after, State: state, Limit: staffid.MaxPageSize})
		require.NoError(t, err)
		all = append(all, page...)
		if len(page) < staffid.MaxPageSize {
			return all
		}
		after = page[len(page)-1].ID
	}
}

func requirePerson(t *testing.T, s staffid.Store, want staffid.Person) {
	t.Helper()
	got, err := s.Person(context.Background(), want.ID)
	require.NoError(t, err)
	if d := gocmp.Diff(want, got); d != "" {
		t.Fatalf("person %s (-want +got):\n%s", want.ID, d)
	}
	require.Equal(t, time.UTC, got.CreatedAt.Location(), "times come back in UTC")
	require.Equal(t, time.UTC, got.UpdatedAt.Location(), "times come back in UTC")
}

// RunStaffID holds a [staffid.Store] to the suite: an import's plan is
// applied all or nothing against what is stored, imports never
// interleave, every field and time comes back as written, and the history
// and people pages follow their keysets.
func RunStaffID(t *testing.T, open func(t *testing.T) staffid.Store) {
	ctx := context.Background()
	t1 := t0.Add(time.Hour + 7*time.Microsecond)
	t2 := t1.Add(24 * time.Hour)

	t.Run("Empty", func(t *testing.T) {
		s := open(t)
		_, err := s.Person(ctx, "v1:nobody")
		require.ErrorIs(t, err, bookingkit.ErrNotFound)
		for _, id := range []int64{-1, 0, 1} {
			_, err = s.ImportEntry(ctx, id)
			require.ErrorIs(t, err, bookingkit.ErrNotFound, "import %d", id)
		}
		group, err := s.GroupPeople(ctx, "884220062")
		require.NoError(t, err)
		require.Empty(t, group)
		people, err := s.People(ctx, staffid.PeopleQuery{})
		require.NoError(t, err)
		require.Empty(t, people)
		history, err := s.ImportHistory(ctx, staffid.HistoryQuery{})
		require.NoError(t, err)
		require.Empty(t, history)
		require.Empty(t, sidStates(t, s))
	})

	t.Run("CreateStoresEveryField", func(t *testing.T) {
		s := open(t)
		emp := sidPerson(t, "v1:e1", "884220062", true)
		comp := sidPerson(t, "v1:c1", "884220062", false)
		comp.DateOfEmployment = staffid.Date{} // a zero date is kept as zero
		comp.CategoryCode = 0
		sparse := &staffid.Person{ID: "v1:s1", GroupKey: "7", IsEmployee: true, LastName: "O'Neil", FirstName: "Ян",
			LastNameEng: "O'Neil", FirstNameEng: "Yan", BirthDay: sidDate(t, "1.1.1900"), Sex: "M", Digest: "d"}
		// Whatever the plan's people say of the store-kept fields is ignored.
		odd := sidPerson(t, "v1:o1", "9", true)
		odd.Blocked, odd.BlockedAt, odd.CreatedAt, odd.UpdatedAt = true, t2, t2, t2

		var seen []staffid.PersonState
		e, err := s.ApplyImport(ctx, func(current []staffid.PersonState) (*staffid.Plan, error) {
			seen = current
			return sidPlan(t1, []*staffid.Person{emp, comp, sparse, odd}, nil, nil), nil
		})
		require.NoError(t, err)
		require.Empty(t, seen, "an empty store has no states")
		require.Positive(t, e.ID)
		for _, p := range []*staffid.Person{emp, comp, sparse, odd} {
			requirePerson(t, s, sidStored(p, t1, t1))
		}
		require.Equal(t, []staffid.PersonState{
			{ID: "v1:c1", Digest: comp.Digest}, {ID: "v1:e1", Digest: emp.Digest},
			{ID: "v1:o1", Digest: odd.Digest}, {ID: "v1:s1", Digest: "d"},
		}, sidStates(t, s))
	})

	t.Run("UpdateOverwritesAndKeepsCreatedAt", func(t *testing.T) {
		s := open(t)
		p := sidPerson(t, "v1:p", "100", true)
		other := sidPerson(t, "v1:q", "100", false)
		sidApply(t, s, t1, []*staffid.Person{p, other}, nil, nil)

		changed := *p
		changed.GroupKey, changed.EmployeeID = "200", "200"
		changed.IsEmployee = false
		changed.LastNameEng, changed.FirstNameEng = "Elkina", "Anya"
		changed.MiddleName, changed.MiddleNameEng, changed.Email, changed.GUID = "", "", "", ""
		changed.RelationDegree = "wife"
		changed.DateOfEmployment = staffid.Date{}
		changed.CategoryCode = 9
		changed.Sex = "M"
		changed.Digest = "digest-2"
		changed.CreatedAt, changed.Blocked = t2, true // ignored
		sidApply(t, s, t2, nil, []*staffid.Person{&changed}, nil)

		requirePerson(t, s, sidStored(&changed, t1, t2))
		requirePerson(t, s, sidStored(other, t1, t1)) // untouched
		group, err := s.GroupPeople(ctx, "200")
		require.NoError(t, err)
		require.Len(t, group, 1, "an update moves the person to the new group")
		group, err = s.GroupPeople(ctx, "100")
		require.NoError(t, err)
		require.Len(t, group, 1)
		require.Equal(t, "v1:q", group[0].ID)
	})

	t.Run("BlockAndUnblock", func(t *testing.T) {
		s := open(t)
		a, b := sidPerson(t, "v1:a", "1", true), sidPerson(t, "v1:b", "1", false)
		sidApply(t, s, t0, []*staffid.Person{a, b}, nil, nil)

		sidApply(t, s, t1, nil, nil, []string{"v1:b"})
		blocked := sidStored(b, t0, t1)
		blocked.Blocked, blocked.BlockedAt = true, t1
		requirePerson(t, s, blocked)
		requirePerson(t, s, sidStored(a, t0, t0))
		require.Equal(t, []staffid.PersonState{{ID: "v1:a", Digest: a.Digest}, {ID: "v1:b", Digest: b.Digest, Blocked: true}}, sidStates(t, s))
		group, err := s.GroupPeople(ctx, "1")
		require.NoError(t, err)
		require.Len(t, group, 2, "blocked people stay in their group")

		sidApply(t, s, t2, nil, []*staffid.Person{b}, nil)
		requirePerson(t, s, sidStored(b, t0, t2))
		require.Equal(t, []staffid.PersonState{{ID: "v1:a", Digest: a.Digest}, {ID: "v1:b", Digest: b.Digest}}, sidStates(t, s))
	})

	t.Run("EmptyPlanWritesOnlyHistory", func(t *testing.T) {
		s := open(t)
		a := sidPerson(t, "v1:a", "1", true)
		first := sidApply(t, s, t1, []*staffid.Person{a}, nil, nil)
		again := sidApply(t, s, t2, nil, nil, nil)
		require.Greater(t, again.ID, first.ID)
		requirePerson(t, s, sidStored(a, t1, t1)) // UpdatedAt not touched
		history, err := s.ImportHistory(ctx, staffid.HistoryQuery{})
		require.NoError(t, err)
		require.Len(t, history, 2)
		require.Equal(t, again.ID, history[0].ID)
	})

	t.Run("PlanErrorRollsBack", func(t *testing.T) {
		s := open(t)
		a := sidPerson(t, "v1:a", "1", true)
		sidApply(t, s, t1, []*staffid.Person{a}, nil, nil)
		errPlan := errors.New("plan refused")
		_, err := s.ApplyImport(ctx, func([]staffid.PersonState) (*staffid.Plan, error) { return nil, errPlan })
		require.ErrorIs(t, err, errPlan, "the plan's error comes back as it is")
		requirePerson(t, s, sidStored(a, t1, t1))
		history, err := s.ImportHistory(ctx, staffid.HistoryQuery{})
		require.NoError(t, err)
		require.Len(t, history, 1, "a failed plan records nothing")
	})

	t.Run("BadPlanRollsBack", func(t *testing.T) {
		a, b := sidPerson(t, "v1:a", "1", true), sidPerson(t, "v1:b", "1", false)
		fresh := func(i int) []*staffid.Person {
			var out []*staffid.Person
			for j := range 50 {
				out = append(out, sidPerson(t, fmt.Sprintf("v1:n%d-%03d", i, j), fmt.Sprint(1000+j), true))
			}
			return out
		}
		changedA := *a
		changedA.Digest = "changed"
		for i, c := range []struct {
			name   string
			create []*staffid.Person
			update []*staffid.Person
			block  []string
			want   error
		}{
			{"create an existing person", append(fresh(0), b), []*staffid.Person{&changedA}, nil, bookingkit.ErrConflict},
			{"create a person twice", append(fresh(1), fresh(1)[7]), nil, []string{"v1:a"}, bookingkit.ErrConflict},
			{"update an unknown person", fresh(2), []*staffid.Person{&changedA, sidPerson(t, "v1:zz", "1", false)}, nil, bookingkit.ErrNotFound},
			{"block an unknown person", fresh(3), []*staffid.Person{&changedA}, []string{"v1:zz"}, bookingkit.ErrNotFound},
		} {
			t.Run(c.name, func(t *testing.T) {
				s := open(t)
				sidApply(t, s, t0, []*staffid.Person{a, b}, nil, nil)
				_, err := s.ApplyImport(ctx, func([]staffid.PersonState) (*staffid.Plan, error) {
					return sidPlan(t1, c.create, c.update, c.block), nil
				})
				require.ErrorIs(t, err, c.want, "case %d", i)
				require.Equal(t, []staffid.Person{sidStored(a, t0, t0), sidStored(b, t0, t0)}, sidAll(t, s, staffid.AnyState), "nothing of the plan is stored")
				history, err := s.ImportHistory(ctx, staffid.HistoryQuery{})
				require.NoError(t, err)
				require.Len(t, history, 1, "no history entry for a rolled-back plan")
			})
		}
	})

	t.Run("ImportsAreSerialised", func(t *testing.T) {
		s := open(t)
		// Each import creates the person numbered by how many it sees: if
		// two ever planned against the same state, they would both create
		// the same person and one would fail.
		const n = 6
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				_, errs[i] = s.ApplyImport(ctx, func(current []staffid.PersonState) (*staffid.Plan, error) {
					time.Sleep(5 * time.Millisecond) // widen the window an interleaving would need
					p := sidPerson(t, fmt.Sprintf("v1:%02d", len(current)), "g", len(current) == 0)
					return sidPlan(t1, []*staffid.Person{p}, nil, nil), nil
				})
			})
		}
		wg.Wait()
		for i, err := range errs {
			require.NoError(t, err, "import %d", i)
		}
		states := sidStates(t, s)
		require.Len(t, states, n)
		for i, st := range states {
			require.Equal(t, fmt.Sprintf("v1:%02d", i), st.ID)
		}
		history, err := s.ImportHistory(ctx, staffid.HistoryQuery{})
		require.NoError(t, err)
		require.Len(t, history, n)
	})

	t.Run("SecondImportPlansOnTheFirstsResult", func(t *testing.T) {
		s := open(t)
		inFirst := make(chan struct{})
		secondStarted := make(chan struct{})
		firstDone := make(chan error, 1)
		go func() {
			_, err := s.ApplyImport(ctx, func([]staffid.PersonState) (*staffid.Plan, error) {
				close(inFirst)
				<-secondStarted
				time.Sleep(50 * time.Millisecond) // the second import is waiting now, or about to
				return sidPlan(t1, []*staffid.Person{sidPerson(t, "v1:first", "1", true)}, nil, nil), nil
			})
			firstDone <- err
		}()
		<-inFirst
		var seen []staffid.PersonState
		secondDone := make(chan error, 1)
		go func() {
			close(secondStarted)
			_, err := s.ApplyImport(ctx, func(current []staffid.PersonState) (*staffid.Plan, error) {
				seen = current
				return sidPlan(t2, nil, nil, []string{"v1:first"}), nil
			})
			secondDone <- err
		}()
		require.NoError(t, <-firstDone)
		require.NoError(t, <-secondDone)
		require.Equal(t, []staffid.PersonState{{ID: "v1:first", Digest: "digest-1-v1:first"}}, seen, "the second import waited for the first and saw its result")
		p, err := s.Person(ctx, "v1:first")
		require.NoError(t, err)
		require.True(t, p.Blocked)
	})

	t.Run("HistoryRoundTripAndPaging", func(t *testing.T) {
		s := open(t)
		refused := staffid.HistoryEntry{
			At: t0, Source: staffid.SourceManual, Actor: "manager@example.com",
			Report: staffid.Report{
				Status: staffid.StatusError, ErrorMsg: staffid.MsgInvalidRecords, InputRecordsCount: 5,
				InvalidRecords: []staffid.InvalidRecord{{
					Record: json.RawMessage(`{"GUID":3,"LastName":"Harrison","FirstName":"George","BirthDay":"25..02.1943","Extra":{"a":[1,null]}}`),
					Error:  "Invalid date 25..02.1943, the format is d.m.Y",
				}},
			},
			InvalidRecordsOmitted: 17,
		}
		e1, err := s.AddImportHistory(ctx, refused)
		require.NoError(t, err)
		require.Positive(t, e1.ID)
		want1 := refused
		want1.ID = e1.ID
		require.Empty(t, gocmp.Diff(want1, e1), "AddImportHistory returns the entry with its ID")

		e2 := sidApply(t, s, t1, []*staffid.Person{sidPerson(t, "v1:a", "1", true)}, nil, nil)
		require.Greater(t, e2.ID, e1.ID, "ApplyImport and AddImportHistory share one sequence")
		forced := sidPlan(t2, nil, nil, []string{"v1:a"})
		forced.Entry.Forced, forced.Entry.Source, forced.Entry.Actor = true, staffid.SourceCLI, ""
		e3, err := s.ApplyImport(ctx, func([]staffid.PersonState) (*staffid.Plan, error) { return forced, nil })
		require.NoError(t, err)
		require.Greater(t, e3.ID, e2.ID)
		want3 := forced.Entry
		want3.ID = e3.ID
		require.Empty(t, gocmp.Diff(want3, e3), "ApplyImport returns the entry with its ID")

		for _, want := range []staffid.HistoryEntry{want1, want3} {
			got, err := s.ImportEntry(ctx, want.ID)
			require.NoError(t, err)
			if d := gocmp.Diff(want, got); d != "" {
				t.Fatalf("import %d (-want +got):\n%s", want.ID, d)
			}
			require.Equal(t, time.UTC, got.At.Location())
		}
		got2, err := s.ImportEntry(ctx, e2.ID)
		require.NoError(t, err)
		require.Equal(t, staffid.SyncCounts{Created: 1}, *got2.Report.SyncCounts)
		require.NotNil(t, got2.Report.InvalidRecords, "an empty invalid_records stays an empty list")
		_, err = s.ImportEntry(ctx, e3.ID+1)
		require.ErrorIs(t, err, bookingkit.ErrNotFound)

		ids := func(es []staffid.HistoryEntry) []int64 {
			out := []int64{}
			for _, e := range es {
				out = append(out, e.ID)
			}
			return out
		}
		for _, c := range []struct {
			q    staffid.HistoryQuery
			want []int64
		}{
			{staffid.HistoryQuery{}, []int64{e3.ID, e2.ID, e1.ID}},
			{staffid.HistoryQuery{Limit: 2}, []int64{e3.ID, e2.ID}},
			{staffid.HistoryQuery{BeforeID: e2.ID, Limit: 2}, []int64{e1.ID}},
			{staffid.HistoryQuery{BeforeID: e3.ID}, []int64{e2.ID, e1.ID}},
			{staffid.HistoryQuery{BeforeID: e3.ID + 100}, []int64{e3.ID, e2.ID, e1.ID}},
			{staffid.HistoryQuery{BeforeID: e1.ID}, []int64{}},
			{staffid.HistoryQuery{Limit: -5}, []int64{e3.ID, e2.ID, e1.ID}},
		} {
			got, err := s.ImportHistory(ctx, c.q)
			require.NoError(t, err)
			require.Equal(t, c.want, ids(got), "%+v", c.q)
		}
	})

	t.Run("HistoryPageSize", func(t *testing.T) {
		s := open(t)
		e := staffid.HistoryEntry{At: t0, Source: staffid.SourceAPI, Report: staffid.Report{Status: staffid.StatusError, ErrorMsg: "x", InvalidRecords: []staffid.InvalidRecord{}}}
		for range staffid.DefaultPageSize + 5 {
			_, err := s.AddImportHistory(ctx, e)
			require.NoError(t, err)
		}
		got, err := s.ImportHistory(ctx, staffid.HistoryQuery{})
		require.NoError(t, err)
		require.Len(t, got, staffid.DefaultPageSize, "Limit 0 means the default page")
		got, err = s.ImportHistory(ctx, staffid.HistoryQuery{Limit: staffid.MaxPageSize + 1})
		require.NoError(t, err)
		require.Len(t, got, staffid.DefaultPageSize+5)
	})

	t.Run("GroupPeopleOrder", func(t *testing.T) {
		s := open(t)
		// The employee's ID sorts last: the employee still comes first.
		emp := sidPerson(t, "v1:z-employee", "42", true)
		c1, c2, c3 := sidPerson(t, "v1:B", "42", false), sidPerson(t, "v1:a", "42", false), sidPerson(t, "v1:C", "42", false)
		stranger := sidPerson(t, "v1:0", "43", true)
		sidApply(t, s, t1, []*staffid.Person{c2, emp, c3, stranger, c1}, nil, nil)
		sidApply(t, s, t2, nil, nil, []string{"v1:C"})
		group, err := s.GroupPeople(ctx, "42")
		require.NoError(t, err)
		var got []string
		for _, p := range group {
			got = append(got, p.ID)
		}
		require.Equal(t, []string{"v1:z-employee", "v1:B", "v1:C", "v1:a"}, got, "employee first, then by ID in byte order, blocked included")
		require.True(t, group[2].Blocked)
		group, err = s.GroupPeople(ctx, "4")
		require.NoError(t, err)
		require.Empty(t, group, "group keys match exactly")
	})

	t.Run("PeopleKeyset", func(t *testing.T) {
		s := open(t)
		var create []*staffid.Person
		var want []string
		for i := range staffid.MaxPageSize + 30 {
			id := fmt.Sprintf("v1:%04x", i*7%(staffid.MaxPageSize+30)) // created out of order
			create = append(create, sidPerson(t, id, fmt.Sprint(i/4), i%4 == 0))
			want = append(want, id)
		}
		// Upper and lower case tell byte order from a locale's collation.
		for _, id := range []string{"v1:A", "v1:a", "v1:B", "v1:b"} {
			create = append(create, sidPerson(t, id, id, true))
			want = append(want, id)
		}
		slices.Sort(want)
		sidApply(t, s, t1, create, nil, nil)
		var blocked []string
		for i := 0; i < len(want); i += 3 {
			blocked = append(blocked, want[i])
		}
		sidApply(t, s, t2, nil, nil, blocked)

		ids := func(ps []staffid.Person) []string {
			out := []string{}
			for _, p := range ps {
				out = append(out, p.ID)
			}
			return out
		}
		page, err := s.People(ctx, staffid.PeopleQuery{})
		require.NoError(t, err)
		require.Equal(t, want[:staffid.DefaultPageSize], ids(page), "Limit 0 means the default page")
		page, err = s.People(ctx, staffid.PeopleQuery{Limit: 5000})
		require.NoError(t, err)
		require.Len(t, page, staffid.MaxPageSize, "Limit is capped")
		page, err = s.People(ctx, staffid.PeopleQuery{AfterID: want[10], Limit: 3})
		require.NoError(t, err)
		require.Equal(t, want[11:14], ids(page))
		page, err = s.People(ctx, staffid.PeopleQuery{AfterID: want[10] + "0", Limit: 2})
		require.NoError(t, err)
		require.Equal(t, want[11:13], ids(page), "AfterID need not be a stored ID")
		page, err = s.People(ctx, staffid.PeopleQuery{AfterID: "v1:A", Limit: 10})
		require.NoError(t, err)
		require.Equal(t, []string{"v1:B", "v1:a", "v1:b"}, ids(page), "byte order: upper case before lower case")

		require.Equal(t, want, ids(sidAll(t, s, staffid.AnyState)))
		require.Equal(t, blocked, ids(sidAll(t, s, staffid.OnlyBlocked)))
		var active []string
		for _, id := range want {
			if !slices.Contains(blocked, id) {
				active = append(active, id)
			}
		}
		require.Equal(t, active, ids(sidAll(t, s, staffid.OnlyActive)))
		for _, p := range sidAll(t, s, staffid.OnlyBlocked) {
			require.True(t, p.Blocked && p.BlockedAt.Equal(t2))
		}
	})

	t.Run("BulkImport", func(t *testing.T) {
		// Large enough to take the adapters' bulk paths (prepared
		// statements, COPY into a staging table).
		s := open(t)
		const n = 3000
		var create []*staffid.Person
		for i := range n {
			create = append(create, sidPerson(t, fmt.Sprintf("v1:%05d", i), fmt.Sprint(i/3), i%3 == 0))
		}
		sidApply(t, s, t0, create, nil, nil)
		var update []*staffid.Person
		var block []string
		for i, p := range create {
			switch i % 5 {
			case 0:
				q := *p
				q.Email, q.CategoryCode, q.Digest = fmt.Sprintf("p%d@example.com", i), i%10, "digest-2"
				update = append(update, &q)
			case 1:
				block = append(block, p.ID)
			}
		}
		more := []*staffid.Person{sidPerson(t, "v1:new", "new", true)}
		sidApply(t, s, t1, more, update, block)

		all := sidAll(t, s, staffid.AnyState)
		require.Len(t, all, n+1)
		byID := map[string]staffid.Person{}
		for _, p := range all {
			byID[p.ID] = p
		}
		for i, p := range create {
			want := sidStored(p, t0, t0)
			switch i % 5 {
			case 0:
				want = sidStored(update[i/5], t0, t1)
			case 1:
				want.Blocked, want.BlockedAt, want.UpdatedAt = true, t1, t1
			}
			if d := gocmp.Diff(want, byID[p.ID]); d != "" {
				t.Fatalf("person %d (-want +got):\n%s", i, d)
			}
		}
		require.Empty(t, gocmp.Diff(sidStored(more[0], t1, t1), byID["v1:new"]))
		states := sidStates(t, s)
		require.Len(t, states, n+1)
		blockedStates := 0
		for _, st := range states {
			if st.Blocked {
				blockedStates++
			}
		}
		require.Equal(t, len(block), blockedStates)
	})

	runStaffIDChanges(t, open, t0, t1, t2)
}
