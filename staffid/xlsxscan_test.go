package staffid

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/bookingkit/bookingkit/staffid/staffidtest"
)

// FuzzXMLScannerCountsEnough: whatever the cells (inline or shared,
// repeated, escaped), the scanner never counts less text than excelize
// then hands over: the bounds of checkZip rest on it.
func FuzzXMLScannerCountsEnough(f *testing.F) {
	f.Add("LastName\tNote", "Иванов\t_x0041__x005F_", "x\tx", true)
	f.Add("a\tb\tc", "<&>\"'\t\r\n\t\x01", "", false)
	f.Add("a", "b", "b", true)
	f.Fuzz(func(t *testing.T, header, row1, row2 string, shared bool) {
		if len(header)+len(row1)+len(row2) > 512 {
			return
		}
		var rows [][]string
		for _, line := range []string{header, row1, row2} {
			cells := strings.Split(line, "\t")
			for i, c := range cells {
				cells[i] = staffidtest.XMLText(c)
			}
			rows = append(rows, cells)
		}
		book := staffidtest.CellsWorkbook(rows, shared)
		counted, err := checkZip(book, 1<<30)
		require.NoError(t, err)

		x, err := excelize.OpenReader(bytes.NewReader(book))
		require.NoError(t, err)
		defer x.Close()
		sheet, err := x.Rows(x.GetSheetList()[0])
		require.NoError(t, err)
		defer sheet.Close()
		read := 0
		for sheet.Next() {
			cells, err := sheet.Columns(excelize.Options{RawCellValue: true})
			require.NoError(t, err)
			for _, c := range cells {
				read += len(c)
			}
		}
		require.GreaterOrEqual(t, counted, int64(read), "%q", rows)
	})
}
