package staffid_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/staffid/staffidtest"
	"github.com/stretchr/testify/require"
)

func workbook(t testing.TB, rows ...[]any) []byte {
	t.Helper()
	b, err := staffidtest.Workbook(rows)
	require.NoError(t, err)
	return b
}

// A workbook and the JSON of the same records give the same people.
func TestImportXLSX(t *testing.T) {
	records := staffidtest.GenerateRecords(60, 2)
	book, err := staffidtest.XLSX(records)
	require.NoError(t, err)

	fromJSON := newFakeStore()
	_, err = newImporter(t, staffid.Config{}, fromJSON).Import(context.Background(), bytes.NewReader(staffidtest.MarshalList(records)), staffid.FormatJSON, staffid.ImportOptions{})
	require.NoError(t, err)

	for _, format := range []staffid.Format{staffid.FormatXLSX, staffid.FormatAuto} {
		fromXLSX := newFakeStore()
		report, err := newImporter(t, staffid.Config{}, fromXLSX).Import(context.Background(), bytes.NewReader(book), format, staffid.ImportOptions{Source: staffid.SourceManual})
		require.NoError(t, err)
		require.Equal(t, 60, report.Created)
		require.Equal(t, fromJSON.snapshot(), fromXLSX.snapshot())
	}
}

func TestImportXLSXCells(t *testing.T) {
	header := []any{" lastname ", "FirstName", "LastNameEng", "FirstNameEng", "BirthDay", "Sex", "DateOfEmployment", "EmployeeID", "IsEmployee", "CategoryCode", "Note", ""}
	book := workbook(t,
		header,
		[]any{"Иванов", "Иван", "Ivanov", "Ivan", time.Date(1970, 1, 31, 0, 0, 0, 0, time.UTC), "M", "01.02.2010", 1001, true, 3, "a note", "no header"},
		[]any{},
		[]any{"Иванова", "Мария", "Ivanova", "Mariia", "29.02.2001", "F", "", "1001", 0, "1", "", ""},
		[]any{"", "", "", "", "", "", "", "", "", "", "", ""},
		[]any{"Иванова", "Анна", "Ivanova", "Anna", "03.03.2000", "F", nil, 1001, 0, 1},
	)
	store := newFakeStore()
	im := newImporter(t, staffid.Config{}, store)
	report, err := im.Import(context.Background(), bytes.NewReader(book), staffid.FormatXLSX, staffid.ImportOptions{})
	require.ErrorIs(t, err, staffid.ErrInvalidRecords)
	require.Equal(t, 3, report.InputRecordsCount, "blank rows are skipped")
	require.Len(t, report.InvalidRecords, 1)
	require.Equal(t, 2, report.InvalidRecords[0].Index)
	require.Equal(t, "Invalid date 29.02.2001, the format is d.m.Y", report.InvalidRecords[0].Error)
	require.JSONEq(t, `{"lastname":"Иванова","FirstName":"Мария","LastNameEng":"Ivanova","FirstNameEng":"Mariia","BirthDay":"29.02.2001","Sex":"F","EmployeeID":"1001","IsEmployee":"0","CategoryCode":"1"}`,
		string(report.InvalidRecords[0].Record), "the row's non-empty cells under the header's names")

	fixed := bytes.NewReader(workbook(t, header,
		[]any{"Иванов", "Иван", "Ivanov", "Ivan", time.Date(1970, 1, 31, 0, 0, 0, 0, time.UTC), "M", time.Date(2010, 2, 1, 0, 0, 0, 0, time.UTC), 1001, true, 3, "a note"},
		[]any{"Иванова", "Мария", "Ivanova", "Mariia", "28.02.2001", "F", "", "1001", 0, "1"},
	))
	report, err = im.Import(context.Background(), fixed, staffid.FormatXLSX, staffid.ImportOptions{})
	require.NoError(t, err)
	require.Equal(t, 2, report.Created)
	ivan := store.byName()["Иванов Иван"]
	require.Equal(t, "31.01.1970", ivan.BirthDay.String(), "a date cell is read as its date")
	require.Equal(t, "01.02.2010", ivan.DateOfEmployment.String())
	require.True(t, ivan.IsEmployee, "a boolean cell TRUE is 1")
	require.Equal(t, "1001", ivan.EmployeeID)
	require.Equal(t, "01.02.2010", store.byName()["Иванова Мария"].DateOfEmployment.String())
}

// zipEntry is one file of a zip archive built by zipOf, which stores it
// with its real size unless declared says otherwise.
type zipEntry struct {
	name     string
	data     []byte
	declared uint64 // uncompressed size to declare; 0 = the real one
}

func zipOf(t testing.TB, entries ...zipEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		if e.declared == 0 {
			w, err := zw.Create(e.name)
			require.NoError(t, err)
			_, err = w.Write(e.data)
			require.NoError(t, err)
			continue
		}
		// Stored (not deflated) data under a false uncompressed size.
		w, err := zw.CreateRaw(&zip.FileHeader{Name: e.name, Method: zip.Store, CRC32: crc32.ChecksumIEEE(e.data), CompressedSize64: uint64(len(e.data)), UncompressedSize64: e.declared})
		require.NoError(t, err)
		_, err = w.Write(e.data)
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

// unzipped returns the entries of a workbook.
func unzipped(t testing.TB, book []byte) []zipEntry {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(book), int64(len(book)))
	require.NoError(t, err)
	var out []zipEntry
	for _, f := range zr.File {
		rc, err := f.Open()
		require.NoError(t, err)
		data, err := io.ReadAll(rc)
		require.NoError(t, err)
		out = append(out, zipEntry{name: f.Name, data: data})
	}
	return out
}

func TestImportXLSXBadInput(t *testing.T) {
	good, err := staffidtest.XLSX(staffidtest.GenerateRecords(20, 4))
	require.NoError(t, err)

	// A zip bomb: the sheet claims to unpack to 10 GiB. It is refused on the
	// declared size, before anything is inflated.
	var bomb []zipEntry
	for _, e := range unzipped(t, good) {
		if strings.HasPrefix(e.name, "xl/worksheets/sheet1") {
			e.declared = 10 << 30
		}
		bomb = append(bomb, e)
	}
	// A real one: a sheet of 4 MiB of one repeated row, under a 1 MiB limit.
	var big []zipEntry
	for _, e := range unzipped(t, good) {
		if strings.HasPrefix(e.name, "xl/worksheets/sheet1") {
			row := `<row><c t="inlineStr"><is><t>x</t></is></c></row>`
			e.data = []byte(`<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
				strings.Repeat(row, 4<<20/len(row)) + `</sheetData></worksheet>`)
		}
		big = append(big, e)
	}

	// A liar: the sheet declares 100 bytes and holds more.
	var liar []zipEntry
	for _, e := range unzipped(t, good) {
		if strings.HasPrefix(e.name, "xl/worksheets/sheet1") {
			e.declared = 100
		}
		liar = append(liar, e)
	}

	// Damage: one byte of the stored sheet changed; its checksum fails.
	var stored []zipEntry
	for _, e := range unzipped(t, good) {
		if strings.HasPrefix(e.name, "xl/worksheets/sheet1") {
			e.declared = uint64(len(e.data))
		}
		stored = append(stored, e)
	}
	damaged := zipOf(t, stored...)
	i := bytes.Index(damaged, []byte("<sheetData>"))
	require.Positive(t, i)
	damaged[i+1] = 'S'

	tests := []struct {
		name    string
		body    []byte
		format  staffid.Format
		limits  staffid.Limits
		wantErr error
		wantMsg string
	}{
		{name: "truncated workbook", body: good[:len(good)/2], format: staffid.FormatXLSX, wantErr: staffid.ErrMalformed,
			wantMsg: "the list cannot be read: not a readable .xlsx workbook (zip: not a valid zip file)"},
		{name: "zip bomb by declared size", body: zipOf(t, bomb...), format: staffid.FormatXLSX, wantErr: bookingkit.ErrTooLarge,
			wantMsg: "the workbook unpacks to more than 268435456 bytes: too large"},
		{name: "zip bomb by content", body: zipOf(t, big...), format: staffid.FormatXLSX, limits: staffid.Limits{MaxUnzipSize: 1 << 20}, wantErr: bookingkit.ErrTooLarge,
			wantMsg: "the workbook unpacks to more than 1048576 bytes: too large"},
		{name: "a sheet larger than it declares", body: zipOf(t, liar...), format: staffid.FormatXLSX, wantErr: staffid.ErrMalformed,
			wantMsg: "the list cannot be read: the workbook is damaged: part xl/worksheets/sheet1.xml (zip: not a valid zip file); save it again from Excel"},
		{name: "a damaged sheet", body: damaged, format: staffid.FormatXLSX, wantErr: staffid.ErrMalformed,
			wantMsg: "the list cannot be read: the workbook is damaged: part xl/worksheets/sheet1.xml (zip: checksum error); save it again from Excel"},
		{name: "zip that is no workbook", body: zipOf(t, zipEntry{name: "hello.txt", data: []byte("hello")}), format: staffid.FormatXLSX, wantErr: staffid.ErrMalformed},
		{name: "legacy xls", body: append([]byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), make([]byte, 600)...), format: staffid.FormatXLSX, wantErr: staffid.ErrLegacyXLS,
			wantMsg: staffid.ErrLegacyXLS.Error()},
		{name: "JSON sent as a workbook", body: []byte(`[{"LastName":"x"}]`), format: staffid.FormatXLSX, wantErr: staffid.ErrMalformed,
			wantMsg: "the list cannot be read: not an Excel .xlsx workbook (an .xlsx file is a zip archive; this body is not)"},
		{name: "empty sheet", body: workbook(t), format: staffid.FormatXLSX, wantErr: staffid.ErrMalformed,
			wantMsg: `the list cannot be read: the first sheet "Sheet1" is empty; row 1 must hold the field names (GUID, LastName, FirstName, MiddleName, ...)`},
		{name: "a title row instead of the header", body: workbook(t, []any{"Employees of 2025"}, []any{"LastName"}), format: staffid.FormatXLSX, wantErr: staffid.ErrMalformed,
			wantMsg: "the list cannot be read: row 1 of the first sheet must hold the field names (GUID, LastName, FirstName, MiddleName, ...); it holds none of them"},
		{name: "a field twice in the header", body: workbook(t, []any{"LastName", "FirstName", "lastname"}), format: staffid.FormatXLSX, wantErr: staffid.ErrMalformed,
			wantMsg: "the list cannot be read: columns A and C of row 1 both name the field LastName"},
		{name: "header only", body: workbook(t, []any{"LastName", "FirstName"}), format: staffid.FormatXLSX, wantErr: staffid.ErrEmptyList},
		{name: "too many rows", body: good, format: staffid.FormatAuto, limits: staffid.Limits{MaxRecords: 19}, wantErr: bookingkit.ErrTooLarge,
			wantMsg: "the list holds more than 19 records: too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newImportCase(t, staffid.Config{})
			c.ok(tenPeople()...)
			before := c.store.snapshot()
			c.im.Limits = tt.limits
			tempBefore := excelizeTempFiles(t)

			report, err := c.im.Import(context.Background(), bytes.NewReader(tt.body), tt.format, staffid.ImportOptions{Source: staffid.SourceManual})
			require.ErrorIs(t, err, tt.wantErr)
			require.Equal(t, staffid.StatusError, report.Status)
			if tt.wantMsg != "" {
				require.Equal(t, tt.wantMsg, report.ErrorMsg)
			}
			require.Equal(t, before, c.store.snapshot())
			last := c.store.lastHistory()
			require.Equal(t, report, &last.Report)
			require.Equal(t, tempBefore, excelizeTempFiles(t), "no temporary file left behind")
		})
	}
}

func excelizeTempFiles(t testing.TB) []string {
	names, err := filepath.Glob(filepath.Join(os.TempDir(), "excelize-*"))
	require.NoError(t, err)
	return names
}

func TestFormatForContentType(t *testing.T) {
	tests := []struct {
		in      string
		want    staffid.Format
		wantErr error
	}{
		{"application/json", staffid.FormatJSON, nil},
		{"application/json; charset=utf-8", staffid.FormatJSON, nil},
		{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", staffid.FormatXLSX, nil},
		{"", "", staffid.ErrUnsupportedFormat}, // issue 14, item 9: not read as JSON
		{"  ", "", staffid.ErrUnsupportedFormat},
		{"application/octet-stream", staffid.FormatAuto, nil},
		{"application/vnd.ms-excel", "", staffid.ErrLegacyXLS},
		{"text/csv", "", staffid.ErrUnsupportedFormat},
		{"garbage;;", "", staffid.ErrUnsupportedFormat},
	}
	for _, tt := range tests {
		got, err := staffid.FormatForContentType(tt.in)
		if tt.wantErr != nil {
			require.ErrorIs(t, err, tt.wantErr, tt.in)
			require.ErrorIs(t, err, staffid.ErrUnsupportedFormat)
			continue
		}
		require.NoError(t, err)
		require.Equal(t, tt.want, got, tt.in)
	}
}

// FuzzValidateXLSX fuzzes what a workbook says, not its zip container: a
// header and two rows of tab-separated cells become a small workbook
// (inline strings, or shared strings when shared is set), validated as
// an upload. Fuzzing the container's bytes ran 3-6 inputs a minute, nearly
// all of them refused at the first checksum; this runs thousands, and
// every one reaches the reader, the scanner and the validator. Whatever
// the cells: no panic, a report that is valid JSON with bounded echoes,
// every record counted once, and the same verdict as the same records
// sent as JSON. (Damaged containers are TestImportXLSXBadInput's.)
func FuzzValidateXLSX(f *testing.F) {
	header := strings.Join(staffidtest.Header, "\t")
	for i, r := range staffidtest.GenerateRecords(4, 5) {
		cells := make([]string, len(r.Row()))
		for j, v := range r.Row() {
			cells[j] = fmt.Sprint(v)
		}
		f.Add(header, strings.Join(cells, "\t"), "", i%2 == 0)
	}
	f.Add(" lastname \tBirthDay\tNote\t", "Иванов\t18.32.1933\t_x0041_\tx", "\t \t", false)
	f.Add("LastName\tLastName", "a\tb", "", true)
	f.Add("Sex\tſex\tIsEmployee", "M\tF\ttrue", "F\t\t1", true)
	im := newImporter(f, staffid.Config{}, nil)
	im.Limits = staffid.Limits{MaxUnzipSize: 1 << 20}
	f.Fuzz(func(t *testing.T, header, row1, row2 string, shared bool) {
		if len(header)+len(row1)+len(row2) > 512 {
			return // a list's rows are short; long cells are TestImportHostile*'s
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
		report, err := im.Validate(context.Background(), bytes.NewReader(book), staffid.FormatXLSX)
		require.NotNil(t, report, "%v", err)
		if err != nil {
			require.True(t, errors.Is(err, bookingkit.ErrInvalid) || errors.Is(err, bookingkit.ErrTooLarge), "%v", err)
			require.Equal(t, staffid.StatusError, report.Status)
			require.Zero(t, report.ImportedTotal)
		} else {
			require.Equal(t, report.InputRecordsCount, report.EmployeesImported+report.CompanionsImported)
		}
		if errors.Is(err, staffid.ErrInvalidRecords) {
			n := len(report.InvalidRecords) + report.InvalidRecordsOmitted
			require.Positive(t, n)
			require.LessOrEqual(t, n, report.InputRecordsCount)
		}
		var out bytes.Buffer
		require.NoError(t, report.WriteJSON(&out))
		require.True(t, json.Valid(out.Bytes()))
		for _, r := range report.InvalidRecords {
			require.True(t, json.Valid(r.Record), "%q", r.Record)
			require.LessOrEqual(t, len(r.Record), 4096+200)
		}

		// The same records as JSON get the same verdict, unless the
		// sheet itself is refused (a field named twice in the header,
		// which JSON cannot say) or a cell uses excelize's _xHHHH_
		// escapes, which JSON does not decode.
		if errors.Is(err, staffid.ErrMalformed) || strings.Contains(header+row1+row2, "_x") {
			return
		}
		var list []map[string]string
		for _, row := range rows[1:] {
			rec := map[string]string{}
			for i, c := range row {
				if i < len(rows[0]) && strings.TrimSpace(rows[0][i]) != "" && strings.TrimSpace(c) != "" {
					rec[strings.TrimSpace(rows[0][i])] = c
				}
			}
			if len(rec) > 0 || rowHasText(row) {
				list = append(list, rec)
			}
		}
		body, merr := json.Marshal(list)
		require.NoError(t, merr)
		fromJSON, jerr := im.Validate(context.Background(), bytes.NewReader(body), staffid.FormatJSON)
		require.Equal(t, errors.Is(err, staffid.ErrInvalidRecords), errors.Is(jerr, staffid.ErrInvalidRecords), "xlsx %v, json %v: %s", err, jerr, body)
		require.Equal(t, report.InputRecordsCount, fromJSON.InputRecordsCount, "%s", body)
		require.Equal(t, len(report.InvalidRecords), len(fromJSON.InvalidRecords), "%s", body)
	})
}

func rowHasText(row []string) bool {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return true
		}
	}
	return false
}
