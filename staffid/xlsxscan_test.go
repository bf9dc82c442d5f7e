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

// The scanner is not led astray by XML's less common spellings: each
// sheet below would cost excelize more than the bounds allow (or is wider
// than Excel), written so that a scanner reading tags naively would miss
// it.
func TestXMLScannerTricks(t *testing.T) {
	long := strings.Repeat("y", 5000)
	sst := `<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>` + long + `</t></si></sst>`
	sharedRow := func(cell string, n int) string { return "<row>" + strings.Repeat(cell, n) + "</row>" }
	tests := []struct {
		name       string
		sst, sheet string
		want       error
	}{
		{"wide after a CDATA section ending in ]]]>", "",
			`<sheetData><row><c t="inlineStr"><is><t><![CDATA[a]]]></t></is></c>` + strings.Repeat("<c/>", MaxColumns) + `</row></sheetData>`, errTooManyColumns},
		{"wide after a comment and an instruction", "",
			`<!-- <row> --><?pi <row>?><sheetData><row>` + strings.Repeat(`<c r="A1"><v>1</v></c>`, MaxColumns+1) + `</row></sheetData>`, errTooManyColumns},
		{"cells under a long namespace prefix", "",
			`<x:sheetData xmlns:x="urn:x"><x:row>` + strings.Repeat(`<averyveryverylongprefix:c/>`, MaxColumns+1) + `</x:row></x:sheetData>`, errTooManyColumns},
		{"shared cells", sst, sharedRow(`<c t="s"><v>0</v></c>`, 1000), errRowTooLarge},
		{"shared cells, t written as a reference", sst, sharedRow(`<c t="&#115;"><v>0</v></c>`, 1000), errRowTooLarge},
		{"shared cells, index written as a reference", sst, sharedRow(`<c t="s"><v>&#48;</v></c>`, 1000), errRowTooLarge},
		{"shared cells, index in CDATA", sst, sharedRow(`<c t='s'><v><![CDATA[0]]></v></c>`, 1000), errRowTooLarge},
		{"shared cells, t after other attributes", sst, sharedRow(`<c r="A1" s="0" x:t="s" xmlns:x="urn:x"><v> 0 </v></c>`, 1000), errRowTooLarge},
		{"a short string before the table's own, in an extension",
			`<sst><extLst><si><t>x</t></si></extLst><si><t>` + long + `</t></si></sst>`, sharedRow(`<c t="s"><v>0</v></c>`, 1000), errRowTooLarge},
		{"escapes written as references", "",
			`<row><c t="inlineStr"><is><t>` + strings.Repeat("&#95;x0041_", 20000) + `</t></is></c></row>`, errRowTooLarge},
		{"a DOCTYPE", "", `<!DOCTYPE x [<!ENTITY a "b">]><row/>`, errDeclaration},
		{"a cell past column XFD", "", `<row><c r="A1"/><c r="XFE1"/></row>`, errTooManyColumns},
		{"a cell after one in column XFD", "", `<row><c r="xfd1"/><c/></row>`, errTooManyColumns},
		// excelize hands over each row as wide as its last cell: 30 bytes
		// of XML, 16 384 cells (300 µs) a row.
		{"rows of one cell in column XFD", "", strings.Repeat(`<row><c r="XFD1"><v>1</v></c></row>`, maxSheetCells/MaxColumns+1), errSheetTooWide},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &xmlScanner{limit: 1 << 30}
			if tt.sst != "" {
				s.startPart(true)
				_, err := s.Write([]byte(tt.sst))
				require.NoError(t, err)
			}
			s.startPart(false)
			_, err := s.Write([]byte(tt.sheet))
			require.ErrorIs(t, err, tt.want)
		})
	}

	// And a plain list is no such thing.
	s := &xmlScanner{limit: 1 << 30}
	s.startPart(true)
	_, err := s.Write([]byte(`<sst><si><t>Иванов</t></si><si><r><t>a</t></r><r><t>b</t></r></si></sst>`))
	require.NoError(t, err)
	s.startPart(false)
	_, err = s.Write([]byte(sharedRow(`<c t="s"><v>0</v></c><c t="s"><v>1</v></c><c><v>12</v></c>`, 1)))
	require.NoError(t, err)
	require.Equal(t, int64(len("Иванов")+2+2), s.total)
}
