package partner_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/partner"
)

func TestCSVNeutralisesFormulaCells(t *testing.T) {
	for in, want := range map[string]string{
		"=HYPERLINK(\"http://evil.example\")": "'=HYPERLINK(\"http://evil.example\")",
		"+1+2":                                "'+1+2",
		"-2+3":                                "'-2+3",
		"@SUM(A1)":                            "'@SUM(A1)",
		"\t=1":                                "'\t=1",
		"\r=1":                                "'\r=1",
		"":                                    "",
		"Alice = Bob":                         "Alice = Bob",
		"42":                                  "42",
		"'quoted":                             "'quoted",
	} {
		require.Equal(t, want, bookingkit.SpreadsheetCell(in), "%q", in)
	}
	var b bytes.Buffer
	require.NoError(t, partner.WriteCSV(&b, [][]string{{"name", "login"}, {"=cmd|' /C calc'!A0", "a,b\n\"c\""}}))
	rows, err := csv.NewReader(&b).ReadAll()
	require.NoError(t, err)
	require.Equal(t, [][]string{{"name", "login"}, {"'=cmd|' /C calc'!A0", "a,b\n\"c\""}}, rows, "quoting is CSV's, the formula is text")
}

func TestLicenceCSVRecordMatchesItsHeader(t *testing.T) {
	w := newWorld(t)
	inst := w.active(t, w.alice, w.companyA)
	ls, err := w.svc.AddLicences(w.ctx, w.alice, inst.ID, []partner.NewLicence{{UserName: "=1+1", Login: "u1", Email: "u1@acme.example"}})
	require.NoError(t, err)
	rec := partner.LicenceCSVRecord(ls[0])
	require.Len(t, rec, len(partner.LicenceCSVHeader))
	var b bytes.Buffer
	require.NoError(t, partner.WriteCSV(&b, [][]string{partner.LicenceCSVHeader, rec}))
	rows, err := csv.NewReader(&b).ReadAll()
	require.NoError(t, err)
	byName := map[string]string{}
	for i, h := range rows[0] {
		byName[h] = rows[1][i]
	}
	require.Equal(t, "'=1+1", byName["user_name"])
	require.Equal(t, "u1", byName["login"])
	require.Equal(t, inst.ID, byName["instance_id"])
	require.Equal(t, "2026-03-02T09:00:00Z", byName["created_at"])
	require.Len(t, partner.ActivityCSVRecord(partner.ActivityEvent{}), len(partner.ActivityCSVHeader))
}

func ExampleWriteCSV() {
	_ = partner.WriteCSV(os.Stdout, [][]string{{"type", "count"}, {"=WDS", "3"}})
	fmt.Println("done")
	// Output:
	// type,count
	// '=WDS,3
	// done
}
