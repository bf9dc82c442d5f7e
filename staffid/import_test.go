package staffid_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/staffid/staffidtest"
	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

// rec is a record of a test list, as a JSON object.
type rec map[string]any

func employee(id int, last, first, birthday string) rec {
	return rec{
		"GUID": fmt.Sprintf("g-%d-%s", id, first), "LastName": last, "FirstName": first,
		"LastNameEng": translit(last), "FirstNameEng": translit(first),
		"BirthDay": birthday, "Sex": "M", "DateOfEmployment": "01.02.2010",
		"EmployeeID": id, "IsEmployee": 1, "CategoryCode": 3,
	}
}

func companion(id int, last, first, birthday string) rec {
	r := employee(id, last, first, birthday)
	r["IsEmployee"], r["DateOfEmployment"], r["Sex"], r["RelationDegree"] = 0, nil, "F", "wife"
	return r
}

func translit(s string) string {
	table := map[rune]string{'И': "I", 'в': "v", 'а': "a", 'н': "n", 'о': "o", 'П': "P", 'е': "e", 'т': "t", 'р': "r", 'М': "M", 'и': "i", 'я': "ia", 'С': "S", 'м': "m", 'ё': "e", 'Ф': "F", 'д': "d", 'Е': "E", 'л': "l", 'Г': "G", 'г': "g", 'й': "i", 'Н': "N", 'к': "k", 'с': "s", 'А': "A", 'ь': "", 'Ё': "E", 'Т': "T", 'ф': "f", 'у': "u", 'Ю': "Iu", 'ю': "iu"}
	var b strings.Builder
	for _, r := range s {
		if t, ok := table[r]; ok {
			b.WriteString(t)
		} else if r < 128 {
			b.WriteRune(r)
		} else {
			b.WriteString("x")
		}
	}
	return b.String()
}

func (r rec) with(kv ...any) rec {
	out := rec{}
	for k, v := range r {
		out[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		if kv[i+1] == deleteField {
			delete(out, kv[i].(string))
			continue
		}
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

var deleteField = &struct{}{}

func listJSON(t testing.TB, records ...rec) []byte {
	t.Helper()
	if records == nil {
		records = []rec{}
	}
	b, err := json.Marshal(records)
	require.NoError(t, err)
	return b
}

// tenPeople is a list of ten people in four groups.
func tenPeople() []rec {
	return []rec{
		employee(1001, "Иванов", "Иван", "01.01.1970"),
		companion(1001, "Иванова", "Мария", "02.02.1972"),
		companion(1001, "Иванова", "Анна", "03.03.2000"),
		employee(1002, "Петров", "Пётр", "04.04.1980"),
		companion(1002, "Петрова", "Ольга", "05.05.1982"),
		employee(1003, "Smith", "John", "06.06.1975"),
		companion(1003, "Smith", "Jane", "07.07.1977"),
		companion(1003, "Smith", "Jill", "08.08.2005"),
		employee(1004, "Сидоров", "Семён", "09.09.1990"),
		companion(1004, "Сидорова", "Юлия", "10.10.1991"),
	}
}

type importCase struct {
	t     *testing.T
	store *fakeStore
	im    *staffid.Importer
	now   time.Time
}

func newImportCase(t *testing.T, cfg staffid.Config) *importCase {
	c := &importCase{t: t, store: newFakeStore(), now: testNow}
	c.im = newImporter(t, cfg, c.store)
	c.im.Now = func() time.Time { return c.now }
	return c
}

func (c *importCase) run(opts staffid.ImportOptions, records ...rec) (*staffid.Report, error) {
	c.t.Helper()
	c.now = c.now.Add(time.Hour)
	return c.im.Import(context.Background(), bytes.NewReader(listJSON(c.t, records...)), staffid.FormatJSON, opts)
}

func (c *importCase) ok(records ...rec) staffid.SyncCounts {
	c.t.Helper()
	report, err := c.run(staffid.ImportOptions{}, records...)
	require.NoError(c.t, err)
	require.Equal(c.t, staffid.StatusOk, report.Status)
	require.Equal(c.t, len(records), report.ImportedTotal)
	require.Equal(c.t, report.ImportedTotal, report.EmployeesImported+report.CompanionsImported)
	counts := *report.SyncCounts
	require.Equal(c.t, len(records), counts.Created+counts.Updated+counts.Unchanged+counts.Unblocked)
	return counts
}

func TestImportScenarios(t *testing.T) {
	t.Run("re-import of the same list writes no person", func(t *testing.T) {
		c := newImportCase(t, staffid.Config{})
		require.Equal(t, staffid.SyncCounts{Created: 10}, c.ok(tenPeople()...))
		before := c.store.snapshot()
		require.Equal(t, staffid.SyncCounts{Unchanged: 10}, c.ok(tenPeople()...))
		require.Zero(t, c.store.writes)
		require.Equal(t, before, c.store.snapshot())
		require.Len(t, c.store.history(), 2)
	})

	t.Run("absent people are blocked, never deleted, and unblocked when back", func(t *testing.T) {
		c := newImportCase(t, staffid.Config{})
		c.ok(tenPeople()...)
		list := tenPeople()
		withoutPetrovs := append(list[:3:3], list[5:]...)
		require.Equal(t, staffid.SyncCounts{Unchanged: 8, Blocked: 2}, c.ok(withoutPetrovs...))
		blockedAt := c.now.Truncate(time.Microsecond)
		people := c.store.byName()
		require.Len(t, people, 10, "blocked people stay stored")
		petrov := people["Петров Пётр"]
		require.True(t, petrov.Blocked)
		require.Equal(t, blockedAt, petrov.BlockedAt)
		require.Equal(t, "04.04.1980", petrov.BirthDay.String(), "their data stays")
		require.False(t, people["Иванов Иван"].Blocked)

		// A blocked person is not blocked again.
		require.Equal(t, staffid.SyncCounts{Unchanged: 8}, c.ok(withoutPetrovs...))
		require.Equal(t, blockedAt, c.store.byName()["Петров Пётр"].BlockedAt)

		// Back in the list: unblocked, one of them with changed data.
		list = tenPeople()
		list[4] = list[4].with("CategoryCode", 1)
		require.Equal(t, staffid.SyncCounts{Unchanged: 8, Unblocked: 2}, c.ok(list...))
		people = c.store.byName()
		require.False(t, people["Петров Пётр"].Blocked)
		require.True(t, people["Петров Пётр"].BlockedAt.IsZero())
		require.Equal(t, 1, people["Петрова Ольга"].CategoryCode)
		require.Equal(t, petrov.ID, people["Петров Пётр"].ID)
	})

	t.Run("a change of another field updates the same person", func(t *testing.T) {
		c := newImportCase(t, staffid.Config{})
		c.ok(tenPeople()...)
		created := c.store.byName()["Smith John"]
		list := tenPeople()
		list[5] = list[5].with("Email", "john.smith@airline.example", "CategoryCode", "0", "LastNameEng", "Smyth", "DateOfEmployment", "01.03.2011")
		// John's companions inherit his new hiring date: they change too.
		require.Equal(t, staffid.SyncCounts{Updated: 3, Unchanged: 7}, c.ok(list...))
		require.Equal(t, 3, c.store.writes)
		john := c.store.byName()["Smith John"]
		require.Equal(t, created.ID, john.ID)
		require.Equal(t, "john.smith@airline.example", john.Email)
		require.Equal(t, "Smyth", john.LastNameEng)
		require.Equal(t, 0, john.CategoryCode)
		require.Equal(t, created.CreatedAt, john.CreatedAt)
		require.True(t, john.UpdatedAt.After(created.UpdatedAt))
		require.NotEqual(t, created.Digest, john.Digest)
		// The companions' inherited hiring date follows the employee's.
		require.Equal(t, "01.03.2011", c.store.byName()["Smith Jill"].DateOfEmployment.String())
	})

	t.Run("a change of the name or an identity field makes a new person", func(t *testing.T) {
		c := newImportCase(t, staffid.Config{})
		c.ok(tenPeople()...)
		old := c.store.byName()["Иванова Анна"]
		list := tenPeople()
		list[2] = list[2].with("BirthDay", "03.03.2001")
		require.Equal(t, staffid.SyncCounts{Created: 1, Unchanged: 9, Blocked: 1}, c.ok(list...))
		got, err := c.store.Person(context.Background(), old.ID)
		require.NoError(t, err)
		require.True(t, got.Blocked, "the old person is blocked")
		require.Len(t, c.store.snapshot(), 11)

		list[2] = list[2].with("FirstName", "Анастасия")
		require.Equal(t, staffid.SyncCounts{Created: 1, Unchanged: 9, Blocked: 1}, c.ok(list...))
	})

	t.Run("case, spaces and ё do not make a new person", func(t *testing.T) {
		c := newImportCase(t, staffid.Config{})
		c.ok(tenPeople()...)
		before := c.store.byName()["Петров Пётр"]
		list := tenPeople()
		list[3] = list[3].with("LastName", "  ПЕТРОВ ", "FirstName", "Петр")
		require.Equal(t, staffid.SyncCounts{Updated: 1, Unchanged: 9}, c.ok(list...))
		after, err := c.store.Person(context.Background(), before.ID)
		require.NoError(t, err)
		require.Equal(t, "ПЕТРОВ", after.LastName, "the stored spelling is the latest, trimmed")
		require.Equal(t, "Петр", after.FirstName)
	})

	t.Run("an identity field of the configuration", func(t *testing.T) {
		c := newImportCase(t, staffid.Config{IdentityFields: []string{staffid.FieldBirthDay, staffid.FieldEmployeeID}})
		c.ok(tenPeople()...)
		// Namesakes with the same birth day in two groups are two people.
		list := append(tenPeople(), employee(1005, "Иванов", "Иван", "01.01.1970"))
		require.Equal(t, staffid.SyncCounts{Created: 1, Unchanged: 10}, c.ok(list...))
	})

	t.Run("mass-block guard", func(t *testing.T) {
		c := newImportCase(t, staffid.Config{})
		c.ok(tenPeople()...)
		list := tenPeople()
		// Three of ten (30%) may go: not more than the threshold.
		require.Equal(t, staffid.SyncCounts{Unchanged: 7, Blocked: 3}, c.ok(list[:7]...))

		c = newImportCase(t, staffid.Config{})
		c.ok(tenPeople()...)
		before := c.store.snapshot()
		report, err := c.run(staffid.ImportOptions{}, list[:6]...)
		require.ErrorIs(t, err, staffid.ErrMassBlock)
		require.ErrorIs(t, err, bookingkit.ErrConflict)
		require.Equal(t, "mass blocking refused: the list would block 4 of the 10 active people (40%), more than the allowed 30%; check that the list is complete, or force the import to block them", err.Error())
		require.Equal(t, staffid.StatusError, report.Status)
		require.Equal(t, err.Error(), report.ErrorMsg)
		require.Zero(t, report.ImportedTotal)
		require.Nil(t, report.SyncCounts)
		require.Equal(t, before, c.store.snapshot(), "nothing changed")
		last := c.store.lastHistory()
		require.Equal(t, *report, last.Report, "the refusal is in the history")

		// Forced, it goes through.
		report, err = c.run(staffid.ImportOptions{Force: true}, list[:6]...)
		require.NoError(t, err)
		require.Equal(t, staffid.SyncCounts{Unchanged: 6, Blocked: 4}, *report.SyncCounts)
		require.True(t, c.store.lastHistory().Forced)

		// The threshold is the configuration's.
		c = newImportCase(t, staffid.Config{MassBlockThreshold: 0.5})
		c.ok(tenPeople()...)
		require.Equal(t, staffid.SyncCounts{Unchanged: 6, Blocked: 4}, c.ok(list[:6]...))
	})

	t.Run("an empty list is refused unless forced", func(t *testing.T) {
		c := newImportCase(t, staffid.Config{})
		c.ok(tenPeople()...)
		before := c.store.snapshot()
		report, err := c.run(staffid.ImportOptions{})
		require.ErrorIs(t, err, staffid.ErrEmptyList)
		require.ErrorIs(t, err, bookingkit.ErrInvalid)
		require.Equal(t, err.Error(), report.ErrorMsg)
		require.Equal(t, before, c.store.snapshot())

		report, err = c.run(staffid.ImportOptions{Force: true})
		require.NoError(t, err)
		require.Equal(t, staffid.SyncCounts{Blocked: 10}, *report.SyncCounts)
		active, err := c.store.People(context.Background(), staffid.PeopleQuery{State: staffid.OnlyActive})
		require.NoError(t, err)
		require.Empty(t, active)
	})

	t.Run("a failing store imports nothing", func(t *testing.T) {
		c := newImportCase(t, staffid.Config{})
		c.ok(tenPeople()...)
		before := c.store.snapshot()
		c.store.failApply = errors.New("disk full")
		list := tenPeople()
		list[0] = list[0].with("CategoryCode", 9)
		report, err := c.run(staffid.ImportOptions{}, list...)
		require.EqualError(t, err, "disk full")
		require.Nil(t, report)
		require.Equal(t, before, c.store.snapshot())
	})

	t.Run("a failing history keeps the refusal's report", func(t *testing.T) {
		c := newImportCase(t, staffid.Config{})
		c.store.failHistory = errors.New("disk full")
		report, err := c.run(staffid.ImportOptions{}, tenPeople()[1])
		require.ErrorContains(t, err, "disk full")
		require.NotNil(t, report)
		require.Len(t, report.InvalidRecords, 1)
	})
}

// Each bad upload is refused with a clear message, and the stored list
// stays as it was.
func TestImportBadInput(t *testing.T) {
	good := tenPeople()
	name30 := strings.Repeat("Щ", 30)
	name31 := strings.Repeat("Ы", 31)
	tests := []struct {
		name    string
		body    string
		limits  staffid.Limits
		wantErr error
		// wantMsg is the report's error_msg; wantRecords the errors of its
		// invalid records by record number.
		wantMsg     string
		wantRecords map[int]string
	}{
		{name: "malformed JSON", body: `[{"LastName": "Иванов",}]`, wantErr: staffid.ErrMalformed,
			wantMsg: "the list cannot be read: malformed JSON at byte 29 (after 0 complete records): invalid character '}' looking for beginning of object key string"},
		{name: "truncated JSON", body: string(listJSON(t, good...))[:700], wantErr: staffid.ErrMalformed,
			wantMsg: "the list cannot be read: the JSON ends too early, after 2 complete records (truncated upload?)"},
		{name: "empty body", body: "", wantErr: staffid.ErrMalformed,
			wantMsg: `the list cannot be read: the body is empty; expected a JSON array of records: [{"LastName": ...}, ...]`},
		{name: "top-level object", body: string(listJSON(t, good[0]))[1 : len(listJSON(t, good[0]))-1], wantErr: staffid.ErrMalformed,
			wantMsg: `the list cannot be read: expected a JSON array of records: [{"LastName": ...}, ...], got an object`},
		{name: "top-level string", body: `"hello"`, wantErr: staffid.ErrMalformed,
			wantMsg: `the list cannot be read: expected a JSON array of records: [{"LastName": ...}, ...], got a string`},
		{name: "data after the list", body: `[] []`, wantErr: staffid.ErrMalformed,
			wantMsg: `the list cannot be read: unexpected "[" after the end of the list`},
		{name: "empty list", body: `[]`, wantErr: staffid.ErrEmptyList,
			wantMsg: "the list is empty: importing it would block every person; force the import to do that on purpose"},
		{name: "a workbook sent as JSON", body: "PK\x03\x04rest of a zip", wantErr: staffid.ErrMalformed,
			wantMsg: "the list cannot be read: the body is a zip file (an Excel workbook?), not JSON; send a workbook as application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
		{name: "legacy xls", body: "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 rest of an OLE2 file", wantErr: staffid.ErrLegacyXLS,
			wantMsg: "the file is a legacy Excel .xls workbook (or a password-protected one), which cannot be read: open it in Excel and save it as an Excel Workbook (.xlsx) without a password"},
		{name: "too many records", body: string(listJSON(t, good...)), limits: staffid.Limits{MaxRecords: 9}, wantErr: bookingkit.ErrTooLarge,
			wantMsg: "the list holds more than 9 records: too large"},

		{name: "wrong types", wantErr: staffid.ErrInvalidRecords, body: string(listJSON(t,
			good[0].with("LastName", map[string]any{"x": 1}),
			good[1].with("IsEmployee", "yes"),
			good[2].with("CategoryCode", 12, "Sex", true),
			good[3].with("BirthDay", []int{1, 2}),
		)) + "", wantRecords: map[int]string{
			1: "LastName: expected a string or a number, got an object",
			2: `IsEmployee "yes": expected 1 (employee) or 0 (companion)`,
			3: `Sex: expected a string or a number, got true; CategoryCode "12": expected a whole number from 0 to 9`,
			4: "BirthDay: expected a string or a number, got an array",
		}},
		{name: "a record that is not an object", wantErr: staffid.ErrInvalidRecords,
			body:        `[` + string(listJSON(t, good[0]))[1:len(listJSON(t, good[0]))-1] + `, "Иванов", 42, null]`,
			wantRecords: map[int]string{2: "a record must be a JSON object with the list's fields, got a string", 3: "a record must be a JSON object with the list's fields, got a number", 4: "a record must be a JSON object with the list's fields, got null"}},
		{name: "31-character name", wantErr: staffid.ErrInvalidRecords, body: string(listJSON(t, good[0], good[1].with("FirstName", name31), good[2].with("MiddleName", name30))),
			wantRecords: map[int]string{2: `FirstName "` + name31 + `": at most 30 characters, got 31`}},
		{name: "impossible dates", wantErr: staffid.ErrInvalidRecords, body: string(listJSON(t, good[0], good[1].with("BirthDay", "29.02.2001"), good[2].with("BirthDay", "25..02.1943"), good[3].with("DateOfEmployment", "31.04.2010"), good[4].with("BirthDay", "01.01.2026"), good[5].with("BirthDay", "01.01.1899"))),
			wantRecords: map[int]string{
				2: "Invalid date 29.02.2001, the format is d.m.Y", 3: "Invalid date 25..02.1943, the format is d.m.Y",
				4: "Invalid date 31.04.2010, the format is d.m.Y", 5: `BirthDay "01.01.2026": must not be in the future`,
				6: `BirthDay "01.01.1899": expected a year from 1900 on`,
			}},
		{name: "companion without employee", wantErr: staffid.ErrInvalidRecords, body: string(listJSON(t, good[1], good[2], good[3])),
			wantRecords: map[int]string{
				1: `EmployeeID "1001": no employee in this group; a companion needs a record with IsEmployee 1 and the same EmployeeID`,
				2: `EmployeeID "1001": no employee in this group; a companion needs a record with IsEmployee 1 and the same EmployeeID`,
			}},
		{name: "two employees in a group", wantErr: staffid.ErrInvalidRecords, body: string(listJSON(t, good[0], good[1], good[3].with("EmployeeID", "1001"))),
			wantRecords: map[int]string{3: `EmployeeID "1001": a second employee in this group (record 1 is its employee); a group holds exactly one record with IsEmployee 1`}},
		{name: "duplicate person", wantErr: staffid.ErrInvalidRecords, body: string(listJSON(t, good[0], good[1], good[2], good[2].with("LastName", "ИВАНОВА ", "GUID", "other"))),
			wantRecords: map[int]string{4: "the same person as record 3: equal LastName, FirstName, MiddleName, BirthDay"}},
		{name: "field rules", wantErr: staffid.ErrInvalidRecords, body: string(listJSON(t,
			good[0].with("LastNameEng", "Иванов", "Email", "ivanov@", "Sex", "X"),
			good[1].with("LastNameEng", deleteField, "FirstName", ""),
			good[2].with("EmployeeID", "10010010010", "MiddleNameEng", "O'Neil-Smith Jr"),
			good[3].with("DateOfEmployment", nil, "LastName", "123"),
			companion(1001, "Иванова", "Вера", "01.01.1990").with("DateOfEmployment", "01.01.2000"),
		)), wantRecords: map[int]string{
			1: `LastNameEng "Иванов": expected Latin letters as in the passport (A–Z, space, hyphen, apostrophe); Sex "X": expected M or F; Email "ivanov@": expected an email address like name@example.com`,
			2: "FirstName: required; LastNameEng: required",
			3: `EmployeeID "10010010010": at most 10 characters, got 11`,
			4: `LastName "123": expected a name with at least one letter; DateOfEmployment: required for an employee (IsEmployee 1)`,
			5: `DateOfEmployment "01.01.2000": a companion carries its employee's value 01.02.2010 (record 1)`,
		}},
		{name: "a field twice", wantErr: staffid.ErrInvalidRecords,
			body:        `[` + strings.Replace(string(listJSON(t, good[0]))[1:len(listJSON(t, good[0]))-1], `"Sex":"M"`, `"Sex":"M","sex":"F"`, 1) + `]`,
			wantRecords: map[int]string{1: "Sex: appears more than once in the record"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newImportCase(t, staffid.Config{})
			c.ok(good...)
			before := c.store.snapshot()
			history := len(c.store.history())
			c.im.Limits = tt.limits

			report, err := c.im.Import(context.Background(), strings.NewReader(tt.body), staffid.FormatJSON, staffid.ImportOptions{})
			require.ErrorIs(t, err, tt.wantErr)
			if tt.wantErr != bookingkit.ErrTooLarge {
				require.ErrorIs(t, err, bookingkit.ErrInvalid, "every bad input is a client error")
			}
			require.Equal(t, staffid.StatusError, report.Status)
			require.Zero(t, report.ImportedTotal)
			if tt.wantRecords == nil {
				require.Equal(t, tt.wantMsg, report.ErrorMsg)
				require.Empty(t, report.InvalidRecords)
			} else {
				require.Equal(t, staffid.MsgInvalidRecords, report.ErrorMsg)
				got := map[int]string{}
				for _, r := range report.InvalidRecords {
					got[r.Index] = r.Error
					require.True(t, json.Valid(r.Record))
				}
				require.Empty(t, cmp.Diff(tt.wantRecords, got))
			}
			require.Equal(t, before, c.store.snapshot(), "the stored list is unchanged")
			require.Len(t, c.store.history(), history+1, "the refusal is in the history")
		})
	}
}

// An error of the body's reader is not the list's fault: it comes back as
// it is, without a report.
func TestImportReaderError(t *testing.T) {
	c := newImportCase(t, staffid.Config{})
	broken := io.MultiReader(strings.NewReader(`[{"LastName":"x"},`), iotestErrReader{errors.New("connection reset")})
	report, err := c.im.Import(context.Background(), broken, staffid.FormatJSON, staffid.ImportOptions{})
	require.EqualError(t, err, "connection reset")
	require.Nil(t, report)
	require.Empty(t, c.store.history())

	_, err = c.im.Import(context.Background(), strings.NewReader("[]"), staffid.FormatJSON, staffid.ImportOptions{Source: "email"})
	require.EqualError(t, err, `Source "email": expected api, manual or cli`)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	report, err = c.im.Import(ctx, bytes.NewReader(staffidtest.GenerateList(10, 1)), staffid.FormatJSON, staffid.ImportOptions{})
	require.ErrorIs(t, err, context.Canceled)
	require.Nil(t, report)
}

type iotestErrReader struct{ err error }

func (r iotestErrReader) Read([]byte) (int, error) { return 0, r.err }

// A byte order mark before the JSON, as Windows tools write it, is fine.
func TestImportJSONWithByteOrderMark(t *testing.T) {
	c := newImportCase(t, staffid.Config{})
	body := append([]byte("\xEF\xBB\xBF"), listJSON(t, tenPeople()...)...)
	report, err := c.im.Import(context.Background(), bytes.NewReader(body), staffid.FormatAuto, staffid.ImportOptions{})
	require.NoError(t, err)
	require.Equal(t, 10, report.Created)
}

func TestValidate(t *testing.T) {
	im := newImporter(t, staffid.Config{}, nil)
	report, err := im.Validate(context.Background(), bytes.NewReader(staffidtest.GenerateList(1000, 3)), staffid.FormatAuto)
	require.NoError(t, err)
	require.Equal(t, staffid.StatusOk, report.Status)
	require.Equal(t, 1000, report.InputRecordsCount)
	require.Equal(t, 1000, report.EmployeesImported+report.CompanionsImported)
	require.Nil(t, report.SyncCounts, "no store, no success counts")

	report, err = im.Validate(context.Background(), strings.NewReader(`[{}]`), staffid.FormatAuto)
	require.ErrorIs(t, err, staffid.ErrInvalidRecords)
	require.Equal(t, "No GUID field found: EmployeeID; LastName: required; FirstName: required; LastNameEng: required; FirstNameEng: required; BirthDay: required; Sex: required; IsEmployee: required; CategoryCode: required", report.InvalidRecords[0].Error)
}

// Uploads running at once through one Importer never interleave: each
// plan is computed under the store's lock from what the previous upload
// left, so the stored list always matches one whole upload.
func TestConcurrentImports(t *testing.T) {
	c := newImportCase(t, staffid.Config{MassBlockThreshold: 1})
	c.ok(tenPeople()...)
	lists := [][]rec{tenPeople()[:5], tenPeople()[5:], tenPeople()}
	done := make(chan error)
	for i := range 12 {
		go func() {
			_, err := c.im.Import(context.Background(), bytes.NewReader(listJSON(t, lists[i%3]...)), staffid.FormatJSON, staffid.ImportOptions{})
			done <- err
		}()
	}
	for range 12 {
		require.NoError(t, <-done)
	}
	active, err := c.store.People(context.Background(), staffid.PeopleQuery{State: staffid.OnlyActive})
	require.NoError(t, err)
	last := c.store.lastHistory().Report
	require.Len(t, active, last.ImportedTotal, "the active people are exactly the last upload's")
	total := 0
	for _, e := range c.store.history()[1:] {
		s := e.Report.SyncCounts
		total += s.Created + s.Updated + s.Unchanged + s.Unblocked
		require.Equal(t, e.Report.ImportedTotal, s.Created+s.Updated+s.Unchanged+s.Unblocked)
	}
	require.Equal(t, 4*(5+5+10), total)
}
