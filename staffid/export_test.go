package staffid_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/staffid/staffidtest"
)

// importList imports records into store and requires it to succeed.
func importList(t *testing.T, im *staffid.Importer, records []staffidtest.Record, force bool) *staffid.Report {
	t.Helper()
	report, err := im.Import(context.Background(), bytes.NewReader(staffidtest.MarshalList(records)), staffid.FormatJSON, staffid.ImportOptions{Force: force})
	require.NoError(t, err)
	return report
}

func export(t *testing.T, store staffid.PeopleStore, opts staffid.ExportOptions) ([]byte, staffid.ExportSummary) {
	t.Helper()
	var buf bytes.Buffer
	sum, err := staffid.Export(context.Background(), store, &buf, opts)
	require.NoError(t, err)
	return buf.Bytes(), sum
}

// An export of the stored list, imported again, is the same list: every
// person unchanged, nobody created, updated, blocked or unblocked. With
// blocked people stored, the export of the active ones is the list of the
// latest import; JSON and .xlsx alike. Pages of 7 make the export read
// the store many times.
func TestExportRoundTrip(t *testing.T) {
	store := newFakeStore()
	im := newImporter(t, staffid.Config{}, store)
	records := staffidtest.GenerateRecords(120, 5)
	importList(t, im, records, false)

	unchanged := func(t *testing.T, body []byte, format staffid.Format, n int) {
		t.Helper()
		before := store.snapshot()
		report, err := im.Import(context.Background(), bytes.NewReader(body), format, staffid.ImportOptions{})
		require.NoError(t, err)
		require.Equal(t, staffid.SyncCounts{Unchanged: n}, *report.SyncCounts)
		require.Equal(t, n, report.ImportedTotal)
		require.Equal(t, 0, store.writes, "the import wrote no person")
		require.Equal(t, before, store.snapshot())
	}

	body, sum := export(t, store, staffid.ExportOptions{Format: staffid.ExportJSON, PageSize: 7})
	require.Equal(t, staffid.ExportSummary{People: 120}, sum)
	unchanged(t, body, staffid.FormatJSON, 120)

	// Companions of the first groups leave: they are blocked, and
	// marked so in the export of everyone.
	var kept, left []staffidtest.Record
	for i, r := range records {
		if r.IsEmployee == 0 && i < 40 {
			left = append(left, r)
		} else {
			kept = append(kept, r)
		}
	}
	require.NotEmpty(t, left)
	report := importList(t, im, kept, true)
	require.Equal(t, len(left), report.Blocked)

	body, sum = export(t, store, staffid.ExportOptions{PageSize: 7})
	require.Equal(t, staffid.ExportSummary{People: 120, Blocked: len(left)}, sum)
	var all []map[string]any
	require.NoError(t, json.Unmarshal(body, &all))
	require.Len(t, all, 120)
	blocked := map[string]bool{}
	for _, rec := range all {
		require.Contains(t, []any{0.0, 1.0}, rec["Blocked"])
		require.True(t, strings.HasPrefix(rec["ID"].(string), "v1:"), rec["ID"])
		if rec["Blocked"] == 1.0 {
			blocked[rec["GUID"].(string)] = true
		}
	}
	for _, r := range left {
		require.True(t, blocked[r.GUID], "%s is marked blocked", r.GUID)
	}
	require.Len(t, blocked, len(left))

	body, sum = export(t, store, staffid.ExportOptions{State: staffid.OnlyActive, PageSize: 7})
	require.Equal(t, staffid.ExportSummary{People: len(kept)}, sum)
	unchanged(t, body, staffid.FormatJSON, len(kept))

	body, sum = export(t, store, staffid.ExportOptions{Format: staffid.ExportXLSX, State: staffid.OnlyActive, PageSize: 7})
	require.Equal(t, len(kept), sum.People)
	unchanged(t, body, staffid.FormatXLSX, len(kept))

	_, sum = export(t, store, staffid.ExportOptions{State: staffid.OnlyBlocked})
	require.Equal(t, staffid.ExportSummary{People: len(left), Blocked: len(left)}, sum)
}

// formulaRecords is a valid list whose text fields start with the
// characters a spreadsheet runs as a formula.
func formulaRecords() []staffidtest.Record {
	records := staffidtest.GenerateRecords(2, 3)
	records[0].LastName = `=HYPERLINK("http://e.x","x")`
	records[0].FirstNameEng = "-Ann"
	records[0].GUID = "+7 900 000"
	records[1].RelationDegree = "@SUM(1+1)"
	return records
}

var neutralised = map[string]string{
	`=HYPERLINK("http://e.x","x")`: `'=HYPERLINK("http://e.x","x")`,
	"-Ann":                         "'-Ann",
	"+7 900 000":                   "'+7 900 000",
	"@SUM(1+1)":                    "'@SUM(1+1)",
}

// CSV and .xlsx exports write a cell that starts with =, +, -, @, tab or
// CR after a single quote; JSON writes it as stored.
func TestExportNeutralisesFormulas(t *testing.T) {
	store := newFakeStore()
	im := newImporter(t, staffid.Config{}, store)
	importList(t, im, formulaRecords(), false)

	body, _ := export(t, store, staffid.ExportOptions{Format: staffid.ExportCSV})
	rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	require.NoError(t, err)
	require.Equal(t, staffid.ExportColumns, rows[0])
	require.Len(t, rows, 3)
	requireNeutralised(t, rows[1:])

	body, _ = export(t, store, staffid.ExportOptions{Format: staffid.ExportXLSX})
	f, err := excelize.OpenReader(bytes.NewReader(body))
	require.NoError(t, err)
	defer f.Close()
	sheet := f.GetSheetList()[0]
	rows, err = f.GetRows(sheet)
	require.NoError(t, err)
	require.Equal(t, staffid.ExportColumns, rows[0])
	require.Len(t, rows, 3)
	requireNeutralised(t, rows[1:])
	for r := 1; r <= len(rows); r++ {
		for c := 1; c <= len(staffid.ExportColumns); c++ {
			cell, _ := excelize.CoordinatesToCellName(c, r)
			formula, err := f.GetCellFormula(sheet, cell)
			require.NoError(t, err)
			require.Empty(t, formula, cell)
		}
	}

	body, _ = export(t, store, staffid.ExportOptions{Format: staffid.ExportJSON})
	for raw := range neutralised {
		want, _ := json.Marshal(raw)
		require.Contains(t, string(body), strings.ReplaceAll(string(want), `\u0026`, "&"), "JSON keeps %s as stored", raw)
	}
	require.NotContains(t, string(body), `"'`)
}

func requireNeutralised(t *testing.T, rows [][]string) {
	t.Helper()
	found := 0
	for _, row := range rows {
		for _, cell := range row {
			if want, ok := neutralised[strings.TrimPrefix(cell, "'")]; ok {
				require.Equal(t, want, cell)
				found++
			}
			if cell != "" {
				require.NotContains(t, "=+-@\t\r", cell[:1], "cell %q", cell)
			}
		}
	}
	require.Equal(t, len(neutralised), found)
}

func TestNeutraliseCell(t *testing.T) {
	for in, want := range map[string]string{
		"": "", "Ivanov": "Ivanov", "=1+2": "'=1+2", "+1": "'+1", "-1": "'-1", "@A1": "'@A1",
		"\tx": "'\tx", "\rx": "'\rx", "a=b": "a=b", "'=x": "'=x",
	} {
		require.Equal(t, want, bookingkit.SpreadsheetCell(in), "%q", in)
	}
}

// The first page's failure comes back before anything is written; a
// format other than the three is refused.
func TestExportErrors(t *testing.T) {
	var buf bytes.Buffer
	boom := errors.New("boom")
	_, err := staffid.Export(context.Background(), failingPeople{err: boom}, &buf, staffid.ExportOptions{Format: staffid.ExportCSV})
	require.ErrorIs(t, err, boom)
	require.Zero(t, buf.Len(), "nothing written")

	// A store whose paging does not move on is an error, not a loop.
	buf.Reset()
	_, err = staffid.Export(context.Background(), samePage{}, &buf, staffid.ExportOptions{})
	require.ErrorContains(t, err, "again")

	_, err = staffid.Export(context.Background(), newFakeStore(), &buf, staffid.ExportOptions{Format: "xls"})
	require.ErrorIs(t, err, bookingkit.ErrInvalid)

	_, err = staffid.ParseExportFormat("format", "pdf")
	require.ErrorIs(t, err, bookingkit.ErrInvalid)
	require.ErrorContains(t, err, "format")
	f, err := staffid.ParseExportFormat("format", "")
	require.NoError(t, err)
	require.Equal(t, staffid.ExportJSON, f)

	// An empty store exports an empty list: [] and a header alone.
	body, sum := export(t, newFakeStore(), staffid.ExportOptions{})
	require.Equal(t, "[]\n", string(body))
	require.Zero(t, sum.People)
	body, _ = export(t, newFakeStore(), staffid.ExportOptions{Format: staffid.ExportCSV})
	require.Equal(t, strings.Join(staffid.ExportColumns, ",")+"\n", string(body))
}

// samePage answers every query with the same person.
type samePage struct{ staffid.PeopleStore }

func (samePage) People(context.Context, staffid.PeopleQuery) ([]staffid.Person, error) {
	return []staffid.Person{{ID: "v1:00"}}, nil
}

type failingPeople struct {
	staffid.PeopleStore
	err error
}

func (f failingPeople) People(context.Context, staffid.PeopleQuery) ([]staffid.Person, error) {
	return nil, f.err
}

func ExampleExport() {
	store := newFakeStore()
	im, _ := staffid.NewImporter(staffid.Config{}, store)
	list := `[{"GUID":"g1","LastName":"Леннон","FirstName":"Джон","LastNameEng":"Lennon","FirstNameEng":"John",
		"BirthDay":"09.10.1940","Sex":"M","DateOfEmployment":"01.02.1980","EmployeeID":"884220062","IsEmployee":1,"CategoryCode":5}]`
	if _, err := im.Import(context.Background(), strings.NewReader(list), staffid.FormatJSON, staffid.ImportOptions{}); err != nil {
		fmt.Println(err)
		return
	}
	var out bytes.Buffer
	sum, err := staffid.Export(context.Background(), store, &out, staffid.ExportOptions{Format: staffid.ExportCSV})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(sum.People, "people,", sum.Blocked, "blocked")
	fmt.Print(strings.Split(out.String(), "\n")[0])
	// Output:
	// 1 people, 0 blocked
	// GUID,LastName,FirstName,MiddleName,LastNameEng,FirstNameEng,MiddleNameEng,BirthDay,Sex,DateOfEmployment,EmployeeID,IsEmployee,CategoryCode,Email,RelationDegree,Blocked,ID
}
