package staffidtest

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestGenerateList(t *testing.T) {
	a := GenerateList(1000, 7)
	require.Equal(t, a, GenerateList(1000, 7), "the same seed gives the same list")
	require.NotEqual(t, a, GenerateList(1000, 8))

	var records []Record
	require.NoError(t, json.Unmarshal(a, &records))
	require.Equal(t, GenerateRecords(1000, 7), records, "the JSON decodes back into the records")

	employees := 0
	for _, r := range records {
		employees += r.IsEmployee
	}
	require.InDelta(t, 250, employees, 40, "about one employee to three companions")
	require.Equal(t, 1, records[0].IsEmployee, "a list starts with an employee")
}
