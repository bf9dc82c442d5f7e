package main

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/staffid"
)

// decodeChanges reads the JSON lines of staffid history -id -json.
func decodeChanges(t *testing.T, out string) []staffid.ImportChange {
	t.Helper()
	var all []staffid.ImportChange
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line == "" {
			continue
		}
		var c staffid.ImportChange
		require.NoError(t, json.Unmarshal([]byte(line), &c), line)
		all = append(all, c)
	}
	return all
}

func changeNames(changes []staffid.ImportChange) []string {
	var names []string
	for _, c := range changes {
		names = append(names, string(c.Kind)+" "+c.Name)
	}
	return names
}

// staffid history lists the imports, and with -id names whom one
// changed, page after page (issue 17).
func TestStaffIDHistory(t *testing.T) {
	db := filepath.Join(t.TempDir(), "bookingkit.db")
	env := map[string]string{"BOOKINGKIT_DB": db}
	_, _, err := runTool(t, env, "staffid", "import", writeFile(t, "seed.json", correctedSeed(t)))
	require.NoError(t, err)
	// The second list keeps John Lennon alone, his email changed: the
	// other four are blocked.
	var records []map[string]any
	require.NoError(t, json.Unmarshal(correctedSeed(t), &records))
	records[0]["Email"] = "john@example.com"
	lennon, err := json.Marshal(records[:1])
	require.NoError(t, err)
	_, _, err = runTool(t, env, "staffid", "import", "-force", writeFile(t, "lennon.json", lennon))
	require.NoError(t, err)

	out, _, err := runTool(t, env, "staffid", "history")
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 3, out)
	require.Regexp(t, `^2\s.*\scli\s+Ok\s+0\s+1\s+0\s+4\s+0\s`, lines[1])
	require.Regexp(t, `^1\s.*\scli\s+Ok\s+5\s+0\s+0\s+0\s+0\s`, lines[2])

	out, _, err = runTool(t, env, "staffid", "history", "-id", "1", "-json")
	require.NoError(t, err)
	require.ElementsMatch(t, []string{"created Lennon John", "created Yoko Ono", "created McCartney Paul", "created Harrison George", "created Starkey Richard"},
		changeNames(decodeChanges(t, out)))

	out, _, err = runTool(t, env, "staffid", "history", "-id", "2", "-json")
	require.NoError(t, err)
	second := decodeChanges(t, out)
	require.Equal(t, "updated Lennon John", changeNames(second)[0], "updated people before blocked ones")
	require.Equal(t, []string{staffid.FieldEmail}, second[0].Fields)
	require.ElementsMatch(t, []string{"blocked Yoko Ono", "blocked McCartney Paul", "blocked Harrison George", "blocked Starkey Richard"}, changeNames(second[1:]))

	out, _, err = runTool(t, env, "staffid", "history", "-id", "2", "-kind", "blocked")
	require.NoError(t, err)
	require.Contains(t, out, "Harrison George")
	require.NotContains(t, out, "Lennon")

	// -limit stops and says how to go on; -cursor goes on.
	out, errOut, err := runTool(t, env, "staffid", "history", "-id", "2", "-limit", "3", "-json")
	require.NoError(t, err)
	first := decodeChanges(t, out)
	require.Len(t, first, 3)
	m := regexp.MustCompile(`more: -cursor (\S+)`).FindStringSubmatch(errOut)
	require.NotNil(t, m, errOut)
	out, _, err = runTool(t, env, "staffid", "history", "-id", "2", "-cursor", m[1], "-json")
	require.NoError(t, err)
	require.Equal(t, second, append(first, decodeChanges(t, out)...))

	_, _, err = runTool(t, env, "staffid", "history", "-id", "3")
	require.ErrorContains(t, err, "not found")
	_, _, err = runTool(t, env, "staffid", "history", "-kind", "sideways")
	require.ErrorContains(t, err, "kind")
}
