package staffid_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

// testNow is the tests' clock: a fixed day, so "not in the future" and the
// stored times are the same on every run.
var testNow = time.Date(2025, 3, 14, 9, 26, 53, 589793000, time.UTC)

func newImporter(t testing.TB, cfg staffid.Config, store staffid.ImportStore) *staffid.Importer {
	t.Helper()
	im, err := staffid.NewImporter(cfg, store)
	require.NoError(t, err)
	im.Now = func() time.Time { return testNow }
	return im
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	require.NoError(t, err)
	return b
}

// reportJSON marshals a report the way a server answers with it.
func reportJSON(t testing.TB, r *staffid.Report) string {
	t.Helper()
	b, err := json.Marshal(r)
	require.NoError(t, err)
	return string(b)
}

// The seed's example upload, exactly as printed, holds George Harrison's
// "25..02.1943": the whole list is refused, with that one record, and
// nothing is stored.
func TestSeedExampleAsPrinted(t *testing.T) {
	store := newFakeStore()
	im := newImporter(t, staffid.Config{}, store)

	report, err := im.Import(context.Background(), bytes.NewReader(readTestdata(t, "seed_upload.json")), staffid.FormatJSON, staffid.ImportOptions{})
	require.ErrorIs(t, err, staffid.ErrInvalidRecords)
	require.ErrorIs(t, err, bookingkit.ErrInvalid)

	want := `{"status":"Error","error_msg":"Has invalid records","input_records_count":5,` +
		`"imported_total":0,"employees_imported":0,"companions_imported":0,"invalid_records":[{"record":` +
		`{"GUID":3,"LastName":"Harrison","FirstName":"George","MiddleNameEng":null,"BirthDay":"25..02.1943","Sex":"M",` +
		`"DateOfEmployment":null,"EmployeeID":884220062,"IsEmployee":0,"CategoryCode":1,"MiddleName":null,` +
		`"LastNameEng":"Harrison","FirstNameEng":"George","Email":null,"RelationDegree":null},` +
		`"error":"Invalid date 25..02.1943, the format is d.m.Y"}]}`
	require.JSONEq(t, want, reportJSON(t, report))
	require.Equal(t, 4, report.InvalidRecords[0].Index)
	require.Empty(t, store.snapshot(), "nothing imported")

	require.Len(t, store.history(), 1, "the refusal is in the history")
	require.Equal(t, staffid.SourceAPI, store.history()[0].Source)
	stored := *report
	stored.InvalidRecords = asStored(report.InvalidRecords)
	require.Equal(t, stored, store.history()[0].Report)
}

// With George Harrison's date corrected, the seed's example imports one
// employee and four companions.
func TestSeedExampleCorrected(t *testing.T) {
	upload := bytes.Replace(readTestdata(t, "seed_upload.json"), []byte("25..02.1943"), []byte("25.02.1943"), 1)
	store := newFakeStore()
	im := newImporter(t, staffid.Config{}, store)

	report, err := im.Import(context.Background(), bytes.NewReader(upload), staffid.FormatJSON, staffid.ImportOptions{Source: staffid.SourceManual, Actor: "manager"})
	require.NoError(t, err)
	require.JSONEq(t, `{"status":"Ok","input_records_count":5,"imported_total":5,"employees_imported":1,`+
		`"companions_imported":4,"invalid_records":[],"created":5,"updated":0,"unchanged":0,"blocked":0,"unblocked":0}`,
		reportJSON(t, report))

	people := store.byName()
	require.Len(t, people, 5)
	lennon := people["Lennon John"]
	require.True(t, lennon.IsEmployee)
	require.Equal(t, "884220062", lennon.GroupKey)
	require.Equal(t, "0", lennon.GUID, "a JSON number is read as its text")
	require.Equal(t, "it@websky.tech", lennon.Email)
	require.Equal(t, 5, lennon.CategoryCode)
	require.Equal(t, testNow.Truncate(time.Microsecond), lennon.CreatedAt)

	ringo := people["Starkey Richard"]
	require.False(t, ringo.IsEmployee)
	require.Equal(t, "Starr", ringo.LastNameEng)
	require.Equal(t, "Ringo", ringo.FirstNameEng)
	require.Equal(t, lennon.DateOfEmployment, ringo.DateOfEmployment, "a companion takes its employee's hiring date when empty")
	require.Equal(t, "09.11.1980", ringo.DateOfEmployment.String())
	require.Equal(t, "wife", people["Yoko Ono"].RelationDegree)

	group, err := store.GroupPeople(context.Background(), "884220062")
	require.NoError(t, err)
	require.Len(t, group, 5)
	require.Equal(t, lennon.ID, group[0].ID, "the employee comes first")

	require.Len(t, store.history(), 1)
	require.Equal(t, staffid.SourceManual, store.history()[0].Source)
	require.Equal(t, "manager", store.history()[0].Actor)
}

// The seed's example error answer: an upload holding the two records it
// shows (Yoko Ono's impossible 18.32.1933, Paul McCartney's record without
// EmployeeID) among three good ones gets exactly that answer.
func TestSeedErrorResponse(t *testing.T) {
	var seedAnswer struct {
		InvalidRecords []struct {
			Record json.RawMessage `json:"record"`
		} `json:"invalid_records"`
	}
	want := readTestdata(t, "seed_error_response.json")
	require.NoError(t, json.Unmarshal(want, &seedAnswer))

	var records []json.RawMessage
	require.NoError(t, json.Unmarshal(bytes.Replace(readTestdata(t, "seed_upload.json"), []byte("25..02.1943"), []byte("25.02.1943"), 1), &records))
	records[1] = seedAnswer.InvalidRecords[0].Record
	records[2] = seedAnswer.InvalidRecords[1].Record
	upload, err := json.Marshal(records)
	require.NoError(t, err)

	store := newFakeStore()
	report, err := newImporter(t, staffid.Config{}, store).Import(context.Background(), bytes.NewReader(upload), staffid.FormatJSON, staffid.ImportOptions{})
	require.ErrorIs(t, err, staffid.ErrInvalidRecords)
	require.JSONEq(t, string(want), reportJSON(t, report))
	require.Empty(t, store.snapshot())
}

// The group field's name is the configured one in the seed's message.
func TestNoGroupFieldMessageNamesConfiguredField(t *testing.T) {
	upload := `[{"LastName":"Lennon","FirstName":"John","LastNameEng":"Lennon","FirstNameEng":"John",` +
		`"BirthDay":"09.11.1940","Sex":"M","DateOfEmployment":"09.11.1980","EmployeeID":884220062,"IsEmployee":1,"CategoryCode":5}]`
	report, err := newImporter(t, staffid.Config{GroupField: staffid.FieldGUID}, newFakeStore()).
		Validate(context.Background(), strings.NewReader(upload), staffid.FormatJSON)
	require.ErrorIs(t, err, staffid.ErrInvalidRecords)
	require.Len(t, report.InvalidRecords, 1)
	require.Equal(t, "No GUID field found: GUID", report.InvalidRecords[0].Error)
	require.Empty(t, cmp.Diff(json.RawMessage(upload[1:len(upload)-1]), report.InvalidRecords[0].Record))
}
