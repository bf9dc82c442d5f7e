package staffid_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/staffid/staffidtest"
	"github.com/stretchr/testify/require"
)

// FuzzValidateJSON: whatever the body, validation ends with an Ok report
// or a client error and a report, never a panic; an Ok report counts every
// record; every echoed record is valid JSON.
func FuzzValidateJSON(f *testing.F) {
	f.Add(staffidtest.GenerateList(6, 1))
	f.Add([]byte(`[{"LastName":"Иванов","EmployeeID":1,"IsEmployee":1},{"EmployeeID":1,"IsEmployee":0}]`))
	f.Add([]byte(`[] x`))
	f.Add([]byte(`{"a":1}`))
	f.Add([]byte("[\"\xff\", 1, null, {\"LastName\": \"\xfe\"}]"))
	im := newImporter(f, staffid.Config{}, nil)
	f.Fuzz(func(t *testing.T, body []byte) {
		report, err := im.Validate(context.Background(), bytes.NewReader(body), staffid.FormatJSON)
		if err != nil {
			require.True(t, errors.Is(err, bookingkit.ErrInvalid) || errors.Is(err, bookingkit.ErrTooLarge), "%v", err)
			require.Equal(t, staffid.StatusError, report.Status)
			require.Zero(t, report.ImportedTotal)
		} else {
			require.Equal(t, report.InputRecordsCount, report.EmployeesImported+report.CompanionsImported)
		}
		out, err := json.Marshal(report)
		require.NoError(t, err)
		require.True(t, json.Valid(out))
		for _, r := range report.InvalidRecords {
			require.True(t, json.Valid(r.Record), "%q", r.Record)
		}
	})
}
