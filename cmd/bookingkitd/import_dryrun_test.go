package main

import (
	"database/sql"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/storage/storagetest/pgtest"
)

func TestDryRunWritesNothingOnSQLite(t *testing.T) {
	db := filepath.Join(t.TempDir(), "bookingkit.db")
	testDryRunWritesNothing(t, db, "sqlite", "file:"+db)
}

func TestDryRunWritesNothingOnPostgres(t *testing.T) {
	dsn := pgtest.URL(t)
	testDryRunWritesNothing(t, dsn, "pgx", dsn)
}

// testDryRunWritesNothing is issue 17's done-when for the preview: a dry
// run, of a list that would create, update and block people and of one
// the guard would hold, names them and leaves every table's row count as
// it was (and the people as they were).
func testDryRunWritesNothing(t *testing.T, dsn, driver, rawDSN string) {
	e := startImportServer(t, dsn, "")
	list := heldTestList()
	status, _ := e.uploadJSON(t, list, "")
	require.Equal(t, http.StatusOK, status)
	raw, err := sql.Open(driver, rawDSN)
	require.NoError(t, err)
	t.Cleanup(func() { raw.Close() })
	before := tableRows(t, raw, driver)
	people := e.people(t)

	// One person more, one updated, two gone: 20 %, under the guard.
	changed := append([]map[string]any{}, list[:8]...)
	changed[0] = map[string]any{}
	for k, v := range list[0] {
		changed[0][k] = v
	}
	changed[0]["CategoryCode"] = 2
	changed = append(changed, map[string]any{
		"LastName": "Fedorov", "FirstName": "Ivan", "LastNameEng": "Fedorov", "FirstNameEng": "Ivan",
		"BirthDay": "01.01.1981", "Sex": "M", "DateOfEmployment": "01.01.2011",
		"EmployeeID": 2000, "IsEmployee": 1, "CategoryCode": 1,
	})
	status, report := e.uploadJSON(t, changed, "?dry_run=true")
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, staffid.StatusOk, report.Status)
	require.NotNil(t, report.Changes)
	require.Len(t, report.Changes.Created, 1)
	require.Equal(t, "Fedorov Ivan", report.Changes.Created[0].Name)
	require.Len(t, report.Changes.Updated, 1)
	require.Equal(t, []string{"CategoryCode"}, report.Changes.Updated[0].Fields)
	require.Len(t, report.Changes.Blocked, 2)

	// A list the guard would hold: previewed, not held.
	status, report = e.uploadJSON(t, list[:6], "?dry_run=true")
	require.Equal(t, http.StatusConflict, status)
	require.Equal(t, staffid.StatusError, report.Status)
	require.Len(t, report.Changes.Blocked, 4)

	require.Equal(t, before, tableRows(t, raw, driver), "a dry run writes no row")
	require.Equal(t, people, e.people(t))
}
