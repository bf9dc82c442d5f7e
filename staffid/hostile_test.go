package staffid_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/staffid/staffidtest"
	"github.com/stretchr/testify/require"
)

// Issue 14, item 8: every cell of a small workbook points at one
// 32 000-character shared string. The report echoes each invalid row cut,
// not 15 copies of 32 000 characters; the seed's error strings keep
// their shape.
func TestImportSharedStringBombIsEchoedCut(t *testing.T) {
	book := staffidtest.SharedStringBomb(100, 0, 32000)
	require.Less(t, len(book), 4<<10, "a few kilobytes")
	report, err := newImporter(t, staffid.Config{}, nil).Validate(context.Background(), bytes.NewReader(book), staffid.FormatXLSX)
	require.ErrorIs(t, err, staffid.ErrInvalidRecords)
	require.Len(t, report.InvalidRecords, 100)
	require.Zero(t, report.InvalidRecordsOmitted)
	out := marshalReport(t, report)
	require.Less(t, len(out), 1<<20, "was 100 × 15 × 32 000 bytes, 48 MB")
	seedDate := regexp.MustCompile(`^Invalid date 9{64}…\[cut\], the format is d\.m\.Y$`)
	for _, r := range report.InvalidRecords {
		require.LessOrEqual(t, len(r.Record), 4096)
		var rec map[string]string
		require.NoError(t, json.Unmarshal(r.Record, &rec))
		require.Equal(t, strings.Repeat("9", 200)+"…[cut]", rec["LastName"], "a value cut after 200 bytes, marked")
		var date string
		for _, e := range strings.Split(r.Error, "; ") {
			if strings.HasPrefix(e, "Invalid date") {
				date = e
			}
		}
		require.Regexp(t, seedDate, date, "the seed's message, its value cut")
		require.Less(t, len(r.Error), 4096)
	}
}

// A record with more fields than fit in 4 KiB keeps its first fields and
// counts the others; JSON keeps the same bound as a workbook.
func TestImportEchoOfALongRecordIsCut(t *testing.T) {
	var b strings.Builder
	b.WriteString(`[{"LastName":"` + strings.Repeat("Ж", 40) + `"`)
	for i := range 100 {
		fmt.Fprintf(&b, `,"note%d":%q`, i, strings.Repeat("x", 100))
	}
	b.WriteString(`,"nested":{"a":[` + strings.Repeat(`"y",`, 1000) + `"y"]},"big":` + strings.Repeat("7", 5000) + `}]`)
	report, err := newImporter(t, staffid.Config{}, nil).Validate(context.Background(), strings.NewReader(b.String()), staffid.FormatJSON)
	require.ErrorIs(t, err, staffid.ErrInvalidRecords)
	echo := report.InvalidRecords[0].Record
	require.LessOrEqual(t, len(echo), 4096)
	var rec map[string]any
	require.NoError(t, json.Unmarshal(echo, &rec))
	require.Equal(t, strings.Repeat("Ж", 40), rec["LastName"], "a short value is echoed whole")
	require.Equal(t, strings.Repeat("x", 100), rec["note0"])
	require.Regexp(t, `^\d+ more fields$`, rec["…[cut]"], "the fields left out are counted")
	require.NotContains(t, rec, "big")
}

// Item 8: the report is bounded as a whole: records past MaxReportBytes
// are counted, not listed, and every invalid record is either listed or
// counted.
func TestImportReportIsBounded(t *testing.T) {
	book := staffidtest.SharedStringBomb(2000, 0, 300)
	im := newImporter(t, staffid.Config{}, nil)
	im.Limits = staffid.Limits{MaxReportBytes: 64 << 10}
	report, err := im.Validate(context.Background(), bytes.NewReader(book), staffid.FormatXLSX)
	require.ErrorIs(t, err, staffid.ErrInvalidRecords)
	require.NotEmpty(t, report.InvalidRecords)
	require.Positive(t, report.InvalidRecordsOmitted)
	require.Equal(t, 2000, len(report.InvalidRecords)+report.InvalidRecordsOmitted)
	out := marshalReport(t, report)
	require.Less(t, len(out), 64<<10+1024)
	require.Contains(t, string(out), `"invalid_records_omitted":`)
}

// A record that only a rule over the whole list makes invalid, read after
// the echoes of valid records passed MaxEchoBytes, is echoed from its
// fields.
func TestImportEchoOfAValidRecordPastTheLimit(t *testing.T) {
	records := staffidtest.GenerateRecords(30, 3)
	records = append(records, records[0]) // the same person twice
	im := newImporter(t, staffid.Config{}, nil)
	im.Limits = staffid.Limits{MaxEchoBytes: 1}
	report, err := im.Validate(context.Background(), bytes.NewReader(staffidtest.MarshalList(records)), staffid.FormatJSON)
	require.ErrorIs(t, err, staffid.ErrInvalidRecords)
	require.Len(t, report.InvalidRecords, 1)
	require.Contains(t, report.InvalidRecords[0].Error, "the same person as record 1")
	var rec map[string]string
	require.NoError(t, json.Unmarshal(report.InvalidRecords[0].Record, &rec))
	require.Equal(t, records[0].LastName, rec["LastName"])
	require.Equal(t, records[0].BirthDay, rec["BirthDay"])
}

// Item 8: a sheet wider than Excel's 16 384 columns is refused before
// excelize parses it (4 million cells of one row took 28 s).
func TestImportRefusesSheetsWiderThanExcel(t *testing.T) {
	im := newImporter(t, staffid.Config{}, nil)
	_, err := im.Validate(context.Background(), bytes.NewReader(staffidtest.WideSheet(staffid.MaxColumns)), staffid.FormatXLSX)
	require.ErrorIs(t, err, staffid.ErrInvalidRecords, "16 384 columns are Excel's own: read")

	report, err := im.Validate(context.Background(), bytes.NewReader(staffidtest.WideSheet(4<<20)), staffid.FormatXLSX)
	require.ErrorIs(t, err, staffid.ErrMalformed)
	require.Contains(t, report.ErrorMsg, "more than 16384 cells")
}

// Item 8: a workbook whose shared strings unpack, cell by cell, to more
// than the unzip limit is refused before excelize copies them: the 57 KB
// file that killed the server.
func TestImportRefusesSharedStringsUnpackingPastTheLimit(t *testing.T) {
	book := staffidtest.SharedStringBomb(600, 0, 32000)
	require.Less(t, len(book), 8<<10)
	report, err := newImporter(t, staffid.Config{}, nil).Validate(context.Background(), bytes.NewReader(book), staffid.FormatXLSX)
	require.ErrorIs(t, err, bookingkit.ErrTooLarge)
	require.Contains(t, report.ErrorMsg, "cells unpack to more than")

	// One row of 16 000 such cells: half a gigabyte at once.
	report, err = newImporter(t, staffid.Config{}, nil).Validate(context.Background(), bytes.NewReader(staffidtest.SharedStringBomb(1, 16000, 32000)), staffid.FormatXLSX)
	require.ErrorIs(t, err, bookingkit.ErrTooLarge)
	require.Contains(t, report.ErrorMsg, "a row whose cells unpack to more than")
}

// excelize decodes a string's _xHHHH_ escapes by appending to a Go
// string in a loop: one 1 MB cell of "_x0041_" took it 1.7 s, every time
// a cell pointed at it. Such a cell counts at that cost, and is refused.
func TestImportRefusesCellsCostlyToUnescape(t *testing.T) {
	cell := strings.Repeat("_x0041_", 150000)
	for _, shared := range []bool{false, true} {
		book := staffidtest.CellsWorkbook([][]string{{"LastName", "Note"}, {"x", cell}}, shared)
		report, err := newImporter(t, staffid.Config{}, nil).Validate(context.Background(), bytes.NewReader(book), staffid.FormatXLSX)
		require.ErrorIs(t, err, bookingkit.ErrTooLarge, "shared %v", shared)
		require.Contains(t, report.ErrorMsg, "a row whose cells unpack to more than")
	}
	// A name with an underscore and an x is no such cell.
	book := staffidtest.CellsWorkbook([][]string{{"LastName", "Note"}, {"x", "john_x@example.com " + strings.Repeat("note ", 200)}}, true)
	_, err := newImporter(t, staffid.Config{}, nil).Validate(context.Background(), bytes.NewReader(book), staffid.FormatXLSX)
	require.ErrorIs(t, err, staffid.ErrInvalidRecords)
}

// excelize hands over a row as wide as its rightmost cell: a row of one
// cell in column XFD is 30 bytes of XML and 16 384 cells to read (300 µs).
// Rows that span more than 64M cells in all are refused before reading.
func TestImportRefusesRowsSpanningTooManyCells(t *testing.T) {
	far := make([]string, staffid.MaxColumns)
	far[staffid.MaxColumns-1] = "1"
	rows := [][]string{{"LastName"}}
	for range 64<<20/staffid.MaxColumns + 1 {
		rows = append(rows, far)
	}
	book := staffidtest.CellsWorkbook(rows, false)
	report, err := newImporter(t, staffid.Config{}, nil).Validate(context.Background(), bytes.NewReader(book), staffid.FormatXLSX)
	require.ErrorIs(t, err, bookingkit.ErrTooLarge)
	require.Contains(t, report.ErrorMsg, "rows span more than")
}

// Report.WriteJSON writes what json.Encoder writes, record by record.
func TestReportWriteJSON(t *testing.T) {
	report, _ := newImporter(t, staffid.Config{}, nil).Validate(context.Background(), bytes.NewReader(staffidtest.SharedStringBomb(3, 2, 300)), staffid.FormatXLSX)
	report.ErrorMsg = `a "quoted" "invalid_records":[] <b>`
	for _, r := range []*staffid.Report{report, {Status: staffid.StatusOk, InvalidRecords: []staffid.InvalidRecord{}, SyncCounts: &staffid.SyncCounts{Created: 2}}} {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		require.NoError(t, enc.Encode(r))
		var got bytes.Buffer
		require.NoError(t, r.WriteJSON(&got))
		require.Equal(t, want.String(), got.String())
	}
}

func marshalReport(t *testing.T, r *staffid.Report) []byte {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, r.WriteJSON(&b))
	require.True(t, json.Valid(b.Bytes()))
	return b.Bytes()
}
