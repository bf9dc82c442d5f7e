package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/staffid"
)

func TestStaffIDExport(t *testing.T) {
	db := filepath.Join(t.TempDir(), "bookingkit.db")
	env := map[string]string{"BOOKINGKIT_DB": db}
	_, _, err := runTool(t, env, "staffid", "import", writeFile(t, "seed.json", correctedSeed(t)))
	require.NoError(t, err)
	var records []map[string]any
	require.NoError(t, json.Unmarshal(correctedSeed(t), &records))
	onlyLennon, err := json.Marshal(records[:1])
	require.NoError(t, err)
	_, _, err = runTool(t, env, "staffid", "import", "-force", writeFile(t, "lennon.json", onlyLennon))
	require.NoError(t, err)

	// CSV, told by the file's extension: everyone, the four who left
	// marked blocked; the file is the owner's alone.
	dir := t.TempDir()
	file := filepath.Join(dir, "list.csv")
	out, _, err := runTool(t, env, "staffid", "export", "-o", file)
	require.NoError(t, err)
	require.Equal(t, "wrote "+file+": 5 people (4 blocked) as csv\n", out)
	f, err := os.Open(file)
	require.NoError(t, err)
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	require.NoError(t, err)
	require.Len(t, rows, 6)
	require.Equal(t, staffid.ExportColumns, rows[0])
	blocked := map[string]string{}
	for _, row := range rows[1:] {
		blocked[row[1]] = row[15]
	}
	require.Equal(t, map[string]string{"Lennon": "0", "Yoko": "1", "McCartney": "1", "Harrison": "1", "Starkey": "1"}, blocked)
	info, err := os.Stat(file)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "no temporary file left")

	// The active people as JSON on standard output: imported again, they
	// change nothing.
	out, errOut, err := runTool(t, env, "staffid", "export", "-state", "active")
	require.NoError(t, err)
	require.Equal(t, "exported 1 people (0 blocked) as json\n", errOut)
	out, _, err = runTool(t, env, "staffid", "import", writeFile(t, "again.json", []byte(out)))
	require.NoError(t, err)
	require.Equal(t, staffid.SyncCounts{Unchanged: 1}, *decodeReport(t, out).SyncCounts)

	// A workbook, -format over the extension.
	book := filepath.Join(dir, "list.bin")
	_, _, err = runTool(t, env, "staffid", "export", "-format", "xlsx", "-state", "blocked", "-o", book)
	require.NoError(t, err)
	out, _, err = runTool(t, nil, "staffid", "validate", book)
	require.ErrorIs(t, err, exitError(1), "four companions without their employee: read as a list, and refused")
	require.Equal(t, 4, decodeReport(t, out).InputRecordsCount)

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-format", "pdf"}, `-format "pdf": expected json, xlsx or csv`},
		{[]string{"-state", "gone"}, `-state "gone"`},
		{[]string{"list.csv"}, `unexpected argument "list.csv"`},
		{[]string{"-o", filepath.Join(dir, "missing", "list.csv")}, "no such file"},
	} {
		_, _, err := runTool(t, env, append([]string{"staffid", "export"}, c.args...)...)
		require.ErrorContains(t, err, c.want, "%v", c.args)
	}
	_, errOut, err = runTool(t, nil, "staffid", "export", "-h")
	require.NoError(t, err)
	require.True(t, strings.Contains(errOut, "-format") && strings.Contains(errOut, "-state") && strings.Contains(errOut, "-o"), errOut)
}
