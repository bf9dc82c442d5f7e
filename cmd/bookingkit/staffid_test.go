package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/cmd/internal/backend"
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/staffid/staffidtest"
)

// writeFile writes data to name in a temporary folder and returns the path.
func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(path, data, 0o600))
	return path
}

func seedList(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("../../staffid/testdata/seed_upload.json")
	require.NoError(t, err)
	return b
}

// correctedSeed is the seed's list with George Harrison's date fixed.
func correctedSeed(t *testing.T) []byte {
	t.Helper()
	return []byte(strings.Replace(string(seedList(t)), "25..02.1943", "25.02.1943", 1))
}

func decodeReport(t *testing.T, out string) staffid.Report {
	t.Helper()
	var r staffid.Report
	require.NoError(t, json.Unmarshal([]byte(out), &r), out)
	return r
}

func TestStaffIDValidate(t *testing.T) {
	// The seed as printed: refused, exit status 1, the report says why.
	out, _, err := runTool(t, nil, "staffid", "validate", writeFile(t, "seed.json", seedList(t)))
	require.ErrorIs(t, err, exitError(1))
	r := decodeReport(t, out)
	require.Equal(t, "Error", r.Status)
	require.Equal(t, "Has invalid records", r.ErrorMsg)
	require.Len(t, r.InvalidRecords, 1)
	require.Equal(t, "Invalid date 25..02.1943, the format is d.m.Y", r.InvalidRecords[0].Error)

	// Corrected: valid, 1 employee and 4 companions, exit status 0.
	out, _, err = runTool(t, nil, "staffid", "validate", writeFile(t, "seed.json", correctedSeed(t)))
	require.NoError(t, err)
	r = decodeReport(t, out)
	require.Equal(t, staffid.Report{Status: "Ok", InputRecordsCount: 5, ImportedTotal: 5, EmployeesImported: 1, CompanionsImported: 4, InvalidRecords: []staffid.InvalidRecord{}}, r)

	// A workbook, told by its extension; flags after the file.
	book, err := staffidtest.XLSX(staffidtest.GenerateRecords(40, 3))
	require.NoError(t, err)
	cfg := writeFile(t, "bookingkit.json", []byte(`{"mogu": {"anything": 1}, "staffid": {"group_field": "EmployeeID", "import_allow_list": ["10.0.0.0/8"]}}`))
	out, _, err = runTool(t, nil, "staffid", "validate", writeFile(t, "list.xlsx", book), "-config", cfg)
	require.NoError(t, err)
	require.Equal(t, 40, decodeReport(t, out).InputRecordsCount)

	// A legacy .xls: refused with the message to save it as .xlsx.
	legacy := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 100)...)
	out, _, err = runTool(t, nil, "staffid", "validate", writeFile(t, "list.xls", legacy))
	require.ErrorIs(t, err, exitError(1))
	require.Contains(t, decodeReport(t, out).ErrorMsg, "save it as an Excel Workbook (.xlsx)")

	// An empty list is refused as the import refuses it unforced.
	out, _, err = runTool(t, nil, "staffid", "validate", writeFile(t, "empty.json", []byte("[]")))
	require.ErrorIs(t, err, exitError(1))
	require.Contains(t, decodeReport(t, out).ErrorMsg, "empty")
}

func TestStaffIDValidateUsage(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"staffid", "validate"}, "want one FILE"},
		{[]string{"staffid", "validate", "a.json", "b.json"}, "want one FILE"},
		{[]string{"staffid", "validate", filepath.Join(t.TempDir(), "missing.json")}, "no such file"},
		{[]string{"staffid", "validate", "x.json", "-config", filepath.Join(t.TempDir(), "missing.json")}, "config file"},
		{[]string{"staffid", "validate", "x.json", "-config", writeFile(t, "c.json", []byte(`{"staffid": {"group_field": "Email"}}`))}, "GroupField"},
		{[]string{"staffid", "validate", "x.json", "-config", writeFile(t, "c.json", []byte(`{"staffid": {"typo": 1}}`))}, "typo"},
		{[]string{"staffid", "frobnicate"}, `unknown command "frobnicate"`},
	} {
		_, _, err := runTool(t, nil, c.args...)
		require.ErrorContains(t, err, c.want, "%v", c.args)
	}
	_, errOut, err := runTool(t, nil, "staffid", "import", "-h")
	require.NoError(t, err)
	require.Contains(t, errOut, "-force")
	require.Contains(t, errOut, "-db")
}

func TestStaffIDImport(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "bookingkit.db")
	env := map[string]string{"BOOKINGKIT_DB": db, "USER": "ops"}

	// Refused: nothing stored, exit status 1.
	out, _, err := runTool(t, env, "staffid", "import", writeFile(t, "seed.json", seedList(t)))
	require.ErrorIs(t, err, exitError(1))
	require.Equal(t, "Has invalid records", decodeReport(t, out).ErrorMsg)

	// Imported.
	out, _, err = runTool(t, env, "staffid", "import", writeFile(t, "seed.json", correctedSeed(t)))
	require.NoError(t, err)
	r := decodeReport(t, out)
	require.Equal(t, staffid.SyncCounts{Created: 5}, *r.SyncCounts)

	// The guard: only the employee left would block 4 of 5, so the list
	// is held for a manager's decision; -force imports it at once.
	var records []map[string]any
	require.NoError(t, json.Unmarshal(correctedSeed(t), &records))
	onlyLennon, err := json.Marshal(records[:1])
	require.NoError(t, err)
	list := writeFile(t, "lennon.json", onlyLennon)
	out, _, err = runTool(t, env, "staffid", "import", list)
	require.ErrorIs(t, err, exitError(1))
	held := decodeReport(t, out)
	require.Equal(t, staffid.StatusHeld, held.Status)
	require.Contains(t, held.ErrorMsg, fmt.Sprintf("bookingkit staffid held approve|reject %d", held.Held.ID))
	// -dry-run previews the forced import: whom it would block, nothing written.
	out, _, err = runTool(t, env, "staffid", "import", "-force", "-dry-run", list)
	require.NoError(t, err)
	preview := decodeReport(t, out)
	require.Equal(t, staffid.SyncCounts{Unchanged: 1, Blocked: 4}, *preview.SyncCounts)
	require.Len(t, preview.Changes.Blocked, 4)
	require.NotEmpty(t, preview.Changes.Blocked[0].Name)
	out, _, err = runTool(t, env, "staffid", "import", "-force", list)
	require.NoError(t, err)
	require.Equal(t, staffid.SyncCounts{Unchanged: 1, Blocked: 4}, *decodeReport(t, out).SyncCounts, "the preview wrote nothing")

	stores, err := backend.Open(ctx, db)
	require.NoError(t, err)
	defer stores.Close()
	active, err := stores.StaffID.People(ctx, staffid.PeopleQuery{State: staffid.OnlyActive})
	require.NoError(t, err)
	require.Len(t, active, 1)
	require.Equal(t, "Lennon", active[0].LastName)
	history, err := stores.StaffID.ImportHistory(ctx, staffid.HistoryQuery{})
	require.NoError(t, err)
	require.Len(t, history, 5)
	require.Equal(t, &staffid.HeldNote{ID: held.Held.ID, Decision: staffid.DecisionSuperseded}, history[0].Report.Held, "the forced import superseded the held list")
	require.Equal(t, staffid.SourceCLI, history[1].Source)
	require.True(t, history[1].Forced)
	require.Equal(t, "bookingkit staffid import by ops", history[1].Actor)

	// From standard input.
	var outBuf, errBuf strings.Builder
	err = run(ctx, []string{"bookingkit", "staffid", "import", "-db", db, "-"}, func(k string) string { return "" },
		strings.NewReader(string(onlyLennon)), &outBuf, &errBuf)
	require.NoError(t, err)
	require.Equal(t, staffid.SyncCounts{Unchanged: 1}, *decodeReport(t, outBuf.String()).SyncCounts)
}

// A held list is shown, approved and rejected from the command line
// (issue 17).
func TestStaffIDHeld(t *testing.T) {
	db := filepath.Join(t.TempDir(), "bookingkit.db")
	env := map[string]string{"BOOKINGKIT_DB": db, "USER": "ops"}
	_, _, err := runTool(t, env, "staffid", "import", writeFile(t, "seed.json", correctedSeed(t)))
	require.NoError(t, err)
	var records []map[string]any
	require.NoError(t, json.Unmarshal(correctedSeed(t), &records))
	two, err := json.Marshal(records[:2])
	require.NoError(t, err)
	list := writeFile(t, "two.json", two)

	_, _, err = runTool(t, env, "staffid", "held", "show")
	require.Error(t, err, "nothing held")
	out, _, err := runTool(t, env, "staffid", "import", list)
	require.ErrorIs(t, err, exitError(1))
	id := decodeReport(t, out).Held.ID

	out, _, err = runTool(t, env, "staffid", "held", "show")
	require.NoError(t, err)
	var held staffid.HeldList
	require.NoError(t, json.Unmarshal([]byte(out), &held))
	require.Equal(t, id, held.ID)
	require.Equal(t, staffid.SyncCounts{Unchanged: 2, Blocked: 3}, held.Counts)
	require.Len(t, held.Report.Changes.Blocked, 3)
	require.NotEmpty(t, held.Report.Changes.Blocked[0].Name)

	out, _, err = runTool(t, env, "staffid", "held", "reject", fmt.Sprint(id))
	require.NoError(t, err)
	require.Equal(t, staffid.DecisionRejected, decodeReport(t, out).Held.Decision)
	_, _, err = runTool(t, env, "staffid", "held", "approve", fmt.Sprint(id))
	require.ErrorContains(t, err, "not held")

	out, _, err = runTool(t, env, "staffid", "import", list)
	require.ErrorIs(t, err, exitError(1))
	id = decodeReport(t, out).Held.ID
	out, _, err = runTool(t, env, "staffid", "held", "approve", fmt.Sprint(id))
	require.NoError(t, err)
	approved := decodeReport(t, out)
	require.Equal(t, staffid.SyncCounts{Unchanged: 2, Blocked: 3}, *approved.SyncCounts)
	require.Equal(t, staffid.DecisionApproved, approved.Held.Decision)

	stores, err := backend.Open(context.Background(), db)
	require.NoError(t, err)
	defer stores.Close()
	history, err := stores.StaffID.ImportHistory(context.Background(), staffid.HistoryQuery{Limit: 1})
	require.NoError(t, err)
	require.Equal(t, "bookingkit staffid held approve by ops", history[0].Actor)
	require.Equal(t, staffid.SourceCLI, history[0].Source)
}
