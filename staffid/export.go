package staffid

import (
	"archive/zip"
	"bufio"
	"compress/flate"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"

	"github.com/bookingkit/bookingkit"
)

// An export writes the stored employee list — every person, blocked ones
// marked — so that an airline can check what bookingkit holds against its
// HR system. Its columns are the list's own fields under the list's own
// names, in the order of [ExportColumns], then Blocked and the person's
// identity hash: a JSON export of the active people, uploaded again, is
// read by the import as the same list (the import ignores the two extra
// fields), and changes nothing.

// ExportFormat is the encoding of an export.
type ExportFormat string

// Formats of an export.
const (
	// ExportJSON is a JSON array of records, as an upload's: the list's
	// fields as strings, IsEmployee, CategoryCode and Blocked as numbers.
	// Values are written as they are stored (JSON holds no formula).
	ExportJSON ExportFormat = "json"
	// ExportXLSX is an Excel workbook: row 1 the field names, one person
	// per row, as an upload's; written by excelize's StreamWriter.
	ExportXLSX ExportFormat = "xlsx"
	// ExportCSV is comma-separated text (RFC 4180, UTF-8): row 1 the
	// field names, one person per row.
	ExportCSV ExportFormat = "csv"
)

// ContentTypeCSV is the media type of a CSV export.
const ContentTypeCSV = "text/csv; charset=utf-8"

// ParseExportFormat reads a format's name: json (also the empty string),
// xlsx or csv. Any other value is a bookingkit.ErrInvalid naming param.
func ParseExportFormat(param, s string) (ExportFormat, error) {
	switch f := ExportFormat(s); f {
	case "":
		return ExportJSON, nil
	case ExportJSON, ExportXLSX, ExportCSV:
		return f, nil
	}
	return "", bookingkit.Invalid(param, s, "expected json, xlsx or csv")
}

// ContentType is f's media type, for an HTTP answer.
func (f ExportFormat) ContentType() string {
	switch f {
	case ExportXLSX:
		return ContentTypeXLSX
	case ExportCSV:
		return ContentTypeCSV
	}
	return ContentTypeJSON + "; charset=utf-8"
}

// Names of the export's columns beyond the list's fields.
const (
	// FieldBlocked is 1 for a person absent from the latest list, else 0.
	FieldBlocked = "Blocked"
	// FieldID is the person's identity hash ([Person.ID]), "v1:…".
	FieldID = "ID"
)

// ExportColumns are the columns of an export, in order: the list's fields,
// then Blocked and ID.
var ExportColumns = append(fieldNames[:numFields:numFields], FieldBlocked, FieldID)

// ExportOptions select what [Export] writes and how.
type ExportOptions struct {
	Format ExportFormat // ExportJSON when empty
	// State selects the people: AnyState (every person, the default),
	// OnlyActive (the list as of the latest import; its JSON export
	// imports again unchanged) or OnlyBlocked.
	State StateQuery
	// PageSize is how many people are read from the store at a time
	// (MaxPageSize when zero; at most MaxPageSize).
	PageSize int
	// AfterPage, when set, is called after each page is written with the
	// number of people written so far: a server extends its write
	// deadline there, a command may show progress.
	AfterPage func(people int)
}

// ExportSummary counts what an export wrote.
type ExportSummary struct {
	People  int // rows (records) written
	Blocked int // of which blocked
}

// maxExportRows is the most people an .xlsx export holds: an Excel sheet
// has 1 048 576 rows, one of which is the header.
const maxExportRows = excelize.TotalRows - 1

// Export writes the people of store that opts.State selects to w, in
// ascending ID order, in opts.Format. It reads them page by page
// (PeopleStore.People, keyset paging), so that a list of any length is
// never held whole: JSON and CSV go out as each page is read; a workbook
// is built in excelize's stream (in memory up to 16 MiB, then in a
// temporary file) and written to w at the end, as one zip.
//
// The first page is read before anything is written: when it fails, w is
// untouched and the error can still be answered as such. A later failure
// leaves w with a partial export (a JSON export without its closing ]);
// the caller must not present that as whole.
//
// The pages are not read in one transaction: an import that runs during
// the export may show in the pages read after it only.
func Export(ctx context.Context, store PeopleStore, w io.Writer, opts ExportOptions) (ExportSummary, error) {
	var sum ExportSummary
	if opts.Format == "" {
		opts.Format = ExportJSON
	}
	var ew exportWriter
	switch opts.Format {
	case ExportJSON:
		ew = &jsonExport{w: bufio.NewWriterSize(w, 64<<10)}
	case ExportCSV:
		ew = &csvExport{w: csv.NewWriter(w)}
	case ExportXLSX:
		ew = &xlsxExport{w: w}
	default:
		return sum, bookingkit.Invalid("format", string(opts.Format), "expected json, xlsx or csv")
	}
	defer ew.close()
	if opts.PageSize <= 0 {
		opts.PageSize = MaxPageSize
	}
	q := PeopleQuery{State: opts.State, Limit: NormalizeLimit(opts.PageSize)}
	page, err := store.People(ctx, q)
	if err != nil {
		return sum, err
	}
	if err := ew.begin(); err != nil {
		return sum, err
	}
	for len(page) > 0 {
		last := page[len(page)-1].ID
		if last == q.AfterID {
			// A store whose keyset paging does not move on would have
			// the export loop for ever. (The order is the store's: a
			// database's collation, not necessarily Go's.)
			return sum, fmt.Errorf("staffid: export: the store returned person %q again after it", last)
		}
		q.AfterID = last
		for i := range page {
			p := &page[i]
			if err := ew.person(p); err != nil {
				return sum, err
			}
			sum.People++
			if p.Blocked {
				sum.Blocked++
			}
		}
		if err := ew.flush(); err != nil {
			return sum, err
		}
		if opts.AfterPage != nil {
			opts.AfterPage(sum.People)
		}
		if err := ctx.Err(); err != nil {
			return sum, err
		}
		if page, err = store.People(ctx, q); err != nil {
			return sum, err
		}
	}
	return sum, ew.end()
}

// exportWriter writes one format. begin writes the header, person one
// row, flush what is buffered at the end of a page, end the rest; close
// frees what it holds, whether or not end ran.
type exportWriter interface {
	begin() error
	person(p *Person) error
	flush() error
	end() error
	close()
}

// exportText returns the text of p's field f as an export writes it: the
// list's text (dates DD.MM.YYYY), IsEmployee and CategoryCode as numbers.
func exportText(p *Person, f field) string {
	switch f {
	case fieldIsEmployee:
		return flag01(p.IsEmployee)
	case fieldCategoryCode:
		return strconv.Itoa(p.CategoryCode)
	}
	return p.text(f)
}

func flag01(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// isNumberField reports whether f is written as a number.
func isNumberField(f field) bool { return f == fieldIsEmployee || f == fieldCategoryCode }

// jsonExport writes a JSON array of records, one per line.
type jsonExport struct {
	w     *bufio.Writer
	buf   []byte
	count int
}

func (e *jsonExport) begin() error {
	_, err := e.w.WriteString("[")
	return err
}

func (e *jsonExport) person(p *Person) error {
	b := e.buf[:0]
	if e.count > 0 {
		b = append(b, ',')
	}
	b = append(b, "\n{"...)
	for f := range numFields {
		if f > 0 {
			b = append(b, ',')
		}
		b = appendQuoted(b, fieldNames[f])
		b = append(b, ':')
		if isNumberField(f) {
			b = append(b, exportText(p, f)...)
		} else {
			b = appendQuoted(b, exportText(p, f))
		}
	}
	b = append(b, ',')
	b = appendQuoted(b, FieldBlocked)
	b = append(b, ':')
	b = append(b, flag01(p.Blocked)...)
	b = append(b, ',')
	b = appendQuoted(b, FieldID)
	b = append(b, ':')
	b = appendQuoted(b, p.ID)
	b = append(b, '}')
	e.buf = b
	e.count++
	_, err := e.w.Write(b)
	return err
}

func (e *jsonExport) flush() error { return e.w.Flush() }
func (e *jsonExport) close()       {}

func (e *jsonExport) end() error {
	if e.count > 0 {
		e.w.WriteString("\n")
	}
	e.w.WriteString("]\n")
	return e.w.Flush()
}

// csvExport writes CSV, every cell neutralised.
type csvExport struct {
	w   *csv.Writer
	row []string
}

func (e *csvExport) begin() error { return e.w.Write(ExportColumns) }

func (e *csvExport) person(p *Person) error {
	e.row = e.row[:0]
	for f := range numFields {
		e.row = append(e.row, bookingkit.SpreadsheetCell(exportText(p, f)))
	}
	e.row = append(e.row, flag01(p.Blocked), bookingkit.SpreadsheetCell(p.ID))
	return e.w.Write(e.row)
}

func (e *csvExport) flush() error {
	e.w.Flush()
	return e.w.Error()
}

func (e *csvExport) end() error { return e.flush() }
func (e *csvExport) close()     {}

// xlsxExport writes a workbook through excelize's StreamWriter: text
// cells neutralised, IsEmployee, CategoryCode and Blocked as numbers.
type xlsxExport struct {
	w    io.Writer
	file *excelize.File
	sw   *excelize.StreamWriter
	rows int
	row  []any
}

// xlsxSheet is the export's one sheet.
const xlsxSheet = "People"

func (e *xlsxExport) begin() error {
	e.file = excelize.NewFile()
	if err := e.file.SetSheetName("Sheet1", xlsxSheet); err != nil {
		return err
	}
	sw, err := e.file.NewStreamWriter(xlsxSheet)
	if err != nil {
		return err
	}
	e.sw = sw
	// The header stays in view while scrolling.
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	header := make([]any, len(ExportColumns))
	for i, c := range ExportColumns {
		header[i] = c
	}
	return e.add(header)
}

func (e *xlsxExport) add(row []any) error {
	e.rows++
	if e.rows > excelize.TotalRows {
		return fmt.Errorf("%w: an Excel sheet holds at most %d people; export this list as CSV or JSON", bookingkit.ErrTooLarge, maxExportRows)
	}
	cell, err := excelize.CoordinatesToCellName(1, e.rows)
	if err == nil {
		err = e.sw.SetRow(cell, row)
	}
	return err
}

func (e *xlsxExport) person(p *Person) error {
	e.row = e.row[:0]
	for f := range numFields {
		switch f {
		case fieldIsEmployee:
			e.row = append(e.row, b01(p.IsEmployee))
		case fieldCategoryCode:
			e.row = append(e.row, p.CategoryCode)
		default:
			if s := p.text(f); s != "" {
				e.row = append(e.row, bookingkit.SpreadsheetCell(s))
			} else {
				e.row = append(e.row, nil)
			}
		}
	}
	e.row = append(e.row, b01(p.Blocked), bookingkit.SpreadsheetCell(p.ID))
	return e.add(e.row)
}

func b01(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (e *xlsxExport) flush() error { return nil }

func (e *xlsxExport) end() error {
	if err := e.sw.Flush(); err != nil {
		return err
	}
	// The zip goes straight to w: File.Write would first build the whole
	// workbook in a bytes.Buffer (70 MB for 500 000 people). Deflate at
	// its fastest level: the sheet is most of the time spent.
	e.file.SetZipWriter(func(io.Writer) excelize.ZipWriter {
		zw := zip.NewWriter(e.w)
		zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
			return flate.NewWriter(out, flate.BestSpeed)
		})
		return zw
	})
	_, err := e.file.WriteToBuffer()
	if cerr := e.file.Close(); err == nil {
		err = cerr
	}
	e.file = nil
	return err
}

// close closes the workbook, which removes its temporary files.
func (e *xlsxExport) close() {
	if e.file != nil {
		e.file.Close()
		e.file = nil
	}
}
