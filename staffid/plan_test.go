package staffid_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/bookingkit/bookingkit/staffid"
	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

func TestPlanSync(t *testing.T) {
	at := testNow
	person := func(id, digest string) *staffid.Person { return &staffid.Person{ID: id, Digest: digest} }
	state := func(id, digest string, blocked bool) staffid.PersonState {
		return staffid.PersonState{ID: id, Digest: digest, Blocked: blocked}
	}
	tests := []struct {
		name    string
		current []staffid.PersonState
		list    []*staffid.Person
		want    staffid.Plan
	}{
		{name: "empty store", list: []*staffid.Person{person("a", "1"), person("b", "1")},
			want: staffid.Plan{At: at, Create: []*staffid.Person{person("a", "1"), person("b", "1")}, Counts: staffid.SyncCounts{Created: 2}}},
		{name: "same list", current: []staffid.PersonState{state("a", "1", false), state("b", "1", false)}, list: []*staffid.Person{person("b", "1"), person("a", "1")},
			want: staffid.Plan{At: at, Counts: staffid.SyncCounts{Unchanged: 2}, Active: 2}},
		{name: "every kind", current: []staffid.PersonState{
			state("same", "1", false), state("changed", "1", false), state("gone", "1", false),
			state("back", "1", true), state("back-changed", "1", true), state("still-gone", "1", true),
		}, list: []*staffid.Person{person("same", "1"), person("changed", "2"), person("back", "1"), person("back-changed", "2"), person("new", "1")},
			want: staffid.Plan{At: at,
				Create: []*staffid.Person{person("new", "1")},
				Update: []*staffid.Person{person("changed", "2"), person("back", "1"), person("back-changed", "2")},
				Block:  []string{"gone"},
				Counts: staffid.SyncCounts{Created: 1, Updated: 1, Unchanged: 1, Blocked: 1, Unblocked: 2},
				Active: 3,
			}},
		{name: "empty list", current: []staffid.PersonState{state("a", "1", false), state("b", "1", true)},
			want: staffid.Plan{At: at, Block: []string{"a"}, Counts: staffid.SyncCounts{Blocked: 1}, Active: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := staffid.PlanSync(tt.current, tt.list, at)
			require.Empty(t, cmp.Diff(&tt.want, got))
		})
	}
}

func TestCheckMassBlock(t *testing.T) {
	tests := []struct {
		active, blocked int
		threshold       float64
		want            string
	}{
		{active: 0, blocked: 0, threshold: 0.3},
		{active: 10, blocked: 3, threshold: 0.3},
		{active: 10, blocked: 4, threshold: 0.3, want: "mass blocking refused: the list would block 4 of the 10 active people (40%), more than the allowed 30%; check that the list is complete, or force the import to block them"},
		{active: 3, blocked: 1, threshold: 0.3, want: "mass blocking refused: the list would block 1 of the 3 active people (33.3%), more than the allowed 30%; check that the list is complete, or force the import to block them"},
		{active: 100000, blocked: 30000, threshold: 0.3},
		{active: 100000, blocked: 30001, threshold: 0.3, want: "mass blocking refused: the list would block 30001 of the 100000 active people (30.0%), more than the allowed 30%; check that the list is complete, or force the import to block them"},
		{active: 7, blocked: 7, threshold: 1},
	}
	for _, tt := range tests {
		p := &staffid.Plan{Active: tt.active, Block: make([]string, tt.blocked)}
		err := p.CheckMassBlock(tt.threshold)
		if tt.want == "" {
			require.NoError(t, err)
			continue
		}
		require.EqualError(t, err, tt.want)
		require.ErrorIs(t, err, staffid.ErrMassBlock)
	}
}

// A report and a history entry survive a JSON round trip, which is how
// stores keep them.
func TestReportJSON(t *testing.T) {
	ok := &staffid.Report{Status: staffid.StatusOk, InputRecordsCount: 3, ImportedTotal: 3, EmployeesImported: 1, CompanionsImported: 2,
		InvalidRecords: []staffid.InvalidRecord{}, SyncCounts: &staffid.SyncCounts{Created: 1, Updated: 1, Unblocked: 1, Blocked: 4}}
	b, err := json.Marshal(ok)
	require.NoError(t, err)
	require.JSONEq(t, `{"status":"Ok","input_records_count":3,"imported_total":3,"employees_imported":1,"companions_imported":2,"invalid_records":[],"created":1,"updated":1,"unchanged":0,"blocked":4,"unblocked":1}`, string(b))

	entry := staffid.HistoryEntry{ID: 7, At: testNow.Truncate(time.Microsecond), Source: staffid.SourceCLI, Actor: "ops", Forced: true, Report: *ok}
	b, err = json.Marshal(entry)
	require.NoError(t, err)
	var back staffid.HistoryEntry
	require.NoError(t, json.Unmarshal(b, &back))
	require.Empty(t, cmp.Diff(entry, back))

	refused := &staffid.Report{Status: staffid.StatusError, ErrorMsg: staffid.MsgInvalidRecords, InputRecordsCount: 1,
		InvalidRecords: []staffid.InvalidRecord{{Record: json.RawMessage(`{"LastName":"x"}`), Error: "bad"}}}
	b, err = json.Marshal(refused)
	require.NoError(t, err)
	require.JSONEq(t, `{"status":"Error","error_msg":"Has invalid records","input_records_count":1,"imported_total":0,"employees_imported":0,"companions_imported":0,"invalid_records":[{"record":{"LastName":"x"},"error":"bad"}]}`, string(b))
	var backReport staffid.Report
	require.NoError(t, json.Unmarshal(b, &backReport))
	require.Nil(t, backReport.SyncCounts)
}

// The history keeps at most MaxHistoryInvalidRecords invalid records and
// counts the others; the uploader's report has them all.
func TestHistoryKeepsSomeInvalidRecords(t *testing.T) {
	records := make([]rec, 150)
	for i := range records {
		records[i] = companion(7, "Иванова", "Анна", "01.01.2000").with("GUID", i)
	}
	c := newImportCase(t, staffid.Config{})
	report, err := c.run(staffid.ImportOptions{}, records...)
	require.ErrorIs(t, err, staffid.ErrInvalidRecords)
	require.Len(t, report.InvalidRecords, 150)
	entry := c.store.history()[0]
	require.Len(t, entry.Report.InvalidRecords, staffid.MaxHistoryInvalidRecords)
	require.Equal(t, 50, entry.InvalidRecordsOmitted)
	require.Equal(t, asStored(report.InvalidRecords[:100]), entry.Report.InvalidRecords)
}

func TestGroupByGUID(t *testing.T) {
	c := newImportCase(t, staffid.Config{GroupField: staffid.FieldGUID})
	list := []rec{
		employee(1, "Smith", "John", "01.01.1970").with("GUID", "family-1"),
		companion(0, "Smith", "Jane", "01.01.1972").with("GUID", "family-1", "EmployeeID", nil),
		employee(2, "Brown", "Bob", "01.01.1980").with("GUID", "family-2"),
	}
	require.Equal(t, staffid.SyncCounts{Created: 3}, c.ok(list...))
	jane := c.store.byName()["Smith Jane"]
	require.Equal(t, "family-1", jane.GroupKey)
	require.Equal(t, "1", jane.EmployeeID, "a companion takes its employee's EmployeeID when empty")

	list[1] = list[1].with("EmployeeID", 2)
	report, err := c.run(staffid.ImportOptions{}, list...)
	require.ErrorIs(t, err, staffid.ErrInvalidRecords)
	require.Equal(t, `EmployeeID "2": a companion carries its employee's value 1 (record 1)`, report.InvalidRecords[0].Error)
}
