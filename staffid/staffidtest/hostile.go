package staffidtest

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
)

// Hostile workbooks, written by hand (excelize would not write them):
// small files that unpack to a great deal of work, as an attacker sends
// them to the upload endpoint. Tests of the importer and of the server
// use them to check that what an upload costs is bounded.

// SharedStringBomb returns a workbook whose first sheet has the list's
// header (Header), then extraColumns more header cells, then rows data
// rows of len(Header)+extraColumns cells. Every data cell, and every
// extra header cell, points at one shared string of stringLen
// characters: the file stays a few kilobytes while each row reads as
// (len(Header)+extraColumns) × stringLen characters.
func SharedStringBomb(rows, extraColumns, stringLen int) []byte {
	var sheet strings.Builder
	sheet.WriteString(sheetStart)
	sheet.WriteString("<row>")
	for i := range Header {
		fmt.Fprintf(&sheet, `<c t="s"><v>%d</v></c>`, i+1)
	}
	for range extraColumns {
		sheet.WriteString(`<c t="s"><v>0</v></c>`)
	}
	sheet.WriteString("</row>")
	row := "<row>" + strings.Repeat(`<c t="s"><v>0</v></c>`, len(Header)+extraColumns) + "</row>"
	for range rows {
		sheet.WriteString(row)
	}
	sheet.WriteString(sheetEnd)

	strs := append([]string{strings.Repeat("9", stringLen)}, Header...)
	var sst strings.Builder
	fmt.Fprintf(&sst, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">`, len(strs), len(strs))
	for _, s := range strs {
		fmt.Fprintf(&sst, "<si><t>%s</t></si>", s)
	}
	sst.WriteString("</sst>")
	return handWorkbook(sheet.String(), sst.String(), zip.Deflate)
}

// WideSheet returns a workbook whose first row holds the field LastName
// and then columns-1 more cells, each an inline number, and one data row
// as wide: far past the 16 384 columns Excel allows a sheet.
func WideSheet(columns int) []byte {
	var sheet strings.Builder
	sheet.WriteString(sheetStart)
	cells := strings.Repeat(`<c><v>1</v></c>`, columns-1)
	sheet.WriteString(`<row><c t="inlineStr"><is><t>LastName</t></is></c>` + cells + `</row>`)
	sheet.WriteString(`<row><c t="inlineStr"><is><t>x</t></is></c>` + cells + `</row>`)
	sheet.WriteString(sheetEnd)
	return handWorkbook(sheet.String(), "", zip.Deflate)
}

// CellsWorkbook returns a workbook whose first sheet holds rows of text
// cells, written fast (no compression) for fuzzing: as inline strings, or
// all through a table of shared strings when shared is set. Empty cells
// are left out; text that XML cannot hold is written as U+FFFD (see
// XMLText).
func CellsWorkbook(rows [][]string, shared bool) []byte {
	var sheet, sst strings.Builder
	index := map[string]int{}
	var strs []string
	sheet.WriteString(sheetStart)
	for i, row := range rows {
		fmt.Fprintf(&sheet, `<row r="%d">`, i+1)
		for j, cell := range row {
			if cell == "" {
				continue
			}
			ref := columnLetters(j+1) + strconv.Itoa(i+1)
			if !shared {
				fmt.Fprintf(&sheet, `<c r="%s" t="inlineStr"><is><t xml:space="preserve">`, ref)
				xml.EscapeText(&sheet, []byte(cell)) //nolint:errcheck // a strings.Builder does not fail
				sheet.WriteString(`</t></is></c>`)
				continue
			}
			n, ok := index[cell]
			if !ok {
				n = len(strs)
				index[cell] = n
				strs = append(strs, cell)
			}
			fmt.Fprintf(&sheet, `<c r="%s" t="s"><v>%d</v></c>`, ref, n)
		}
		sheet.WriteString("</row>")
	}
	sheet.WriteString(sheetEnd)
	if !shared {
		return handWorkbook(sheet.String(), "", zip.Store)
	}
	fmt.Fprintf(&sst, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">`, len(strs), len(strs))
	for _, s := range strs {
		sst.WriteString(`<si><t xml:space="preserve">`)
		xml.EscapeText(&sst, []byte(s)) //nolint:errcheck // a strings.Builder does not fail
		sst.WriteString(`</t></si>`)
	}
	sst.WriteString("</sst>")
	return handWorkbook(sheet.String(), sst.String(), zip.Store)
}

// XMLText returns s as a workbook cell made by CellsWorkbook reads back:
// invalid UTF-8 and the characters XML cannot hold become U+FFFD.
func XMLText(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s)) //nolint:errcheck // a strings.Builder does not fail
	var out string
	if err := xml.Unmarshal([]byte("<t>"+b.String()+"</t>"), &out); err != nil {
		return s
	}
	return out
}

// columnLetters is the letters of column n (1 is A).
func columnLetters(n int) string {
	var b []byte
	for ; n > 0; n = (n - 1) / 26 {
		b = append([]byte{byte('A' + (n-1)%26)}, b...)
	}
	return string(b)
}

const (
	sheetStart = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`
	sheetEnd   = `</sheetData></worksheet>`
)

// handWorkbook zips the parts of a one-sheet workbook around sheet (and
// sharedStrings, unless empty), with method (zip.Store or zip.Deflate).
func handWorkbook(sheet, sharedStrings string, method uint16) []byte {
	ct := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
		`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`
	rels := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>`
	if sharedStrings != "" {
		ct += `<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>`
		rels += `<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>`
	}
	ct += `</Types>`
	rels += `</Relationships>`
	parts := []struct{ name, data string }{
		{"[Content_Types].xml", ct},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", rels},
		{"xl/worksheets/sheet1.xml", sheet},
	}
	if sharedStrings != "" {
		parts = append(parts, struct{ name, data string }{"xl/sharedStrings.xml", sharedStrings})
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: p.name, Method: method})
		if err != nil {
			panic(err) // writing to memory does not fail
		}
		w.Write([]byte(p.data)) //nolint:errcheck // writing to memory does not fail
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}
