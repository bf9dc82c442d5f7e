package staffid_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/staffid/staffidtest"
	"github.com/stretchr/testify/require"
)

// Issue 14, item 9: bidirectional formatting characters are refused in
// every free-text field of the list, not only in names: an override
// shows one text and holds another.
func TestImportRefusesBidiControls(t *testing.T) {
	im := newImporter(t, staffid.Config{}, nil)
	for _, field := range []string{"LastName", "FirstName", "MiddleName", "GUID", "EmployeeID", "RelationDegree", "Email"} {
		for _, r := range []rune{'\u202A', '\u202E', '\u2066', '\u2069', '\u200E', '\u200F', '\u061C'} {
			records := staffidtest.GenerateRecords(1, 9)
			raw, err := json.Marshal(records)
			require.NoError(t, err)
			var list []map[string]any
			require.NoError(t, json.Unmarshal(raw, &list))
			value := "ab" + string(r) + "c"
			if field == "Email" {
				value = "a" + string(r) + "b@example.com"
			}
			list[0][field] = value
			raw, err = json.Marshal(list)
			require.NoError(t, err)
			report, err := im.Validate(context.Background(), strings.NewReader(string(raw)), staffid.FormatJSON)
			require.ErrorIs(t, err, staffid.ErrInvalidRecords, "%s U+%04X", field, r)
			require.Contains(t, report.InvalidRecords[0].Error, field, "%s U+%04X", field, r)
		}
	}
}
