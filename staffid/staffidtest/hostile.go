package staffidtest

import (
	"archive/zip"
	"bytes"
	"fmt"
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
	return handWorkbook(sheet.String(), sst.String())
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
	return handWorkbook(sheet.String(), "")
}

const (
	sheetStart = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`
	sheetEnd   = `</sheetData></worksheet>`
)

// handWorkbook zips the parts of a one-sheet workbook around sheet (and
// sharedStrings, unless empty).
func handWorkbook(sheet, sharedStrings string) []byte {
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
		w, err := zw.Create(p.name)
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
