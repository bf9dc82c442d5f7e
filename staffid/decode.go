package staffid

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"slices"
	"strings"

	"github.com/bookingkit/bookingkit"
	"github.com/xuri/excelize/v2"
)

// Format is the encoding of an uploaded list.
type Format string

// Formats of an upload.
const (
	// FormatAuto tells the format from the first bytes: a zip container
	// is a workbook, anything else JSON.
	FormatAuto Format = ""
	FormatJSON Format = "json"
	FormatXLSX Format = "xlsx"
)

// Media types of the two formats.
const (
	ContentTypeJSON = "application/json"
	ContentTypeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	contentTypeXLS  = "application/vnd.ms-excel"
)

// FormatForContentType maps an HTTP Content-Type to a Format.
// application/octet-stream gives FormatAuto (the body says what it is); a
// legacy Excel type gives ErrLegacyXLS; anything else that is not JSON or
// .xlsx, and no type at all, gives ErrUnsupportedFormat: a body without a
// type is not taken for JSON.
func FormatForContentType(contentType string) (Format, error) {
	if strings.TrimSpace(contentType) == "" {
		return "", fmt.Errorf("%w: the Content-Type is missing; send %s or %s", ErrUnsupportedFormat, ContentTypeJSON, ContentTypeXLSX)
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return "", fmt.Errorf("%w (Content-Type %q)", ErrUnsupportedFormat, contentType)
	}
	switch {
	case mt == ContentTypeJSON || mt == "text/json" || strings.HasSuffix(mt, "+json"):
		return FormatJSON, nil
	case mt == ContentTypeXLSX:
		return FormatXLSX, nil
	case mt == contentTypeXLS:
		return "", ErrLegacyXLS
	case mt == "application/octet-stream":
		return FormatAuto, nil
	}
	return "", fmt.Errorf("%w (Content-Type %q)", ErrUnsupportedFormat, contentType)
}

var (
	zipMagic  = []byte("PK\x03\x04")
	ole2Magic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	utf8BOM   = []byte{0xEF, 0xBB, 0xBF}
)

// listReader reads an upload into a list, validating each record as it
// comes so that only its Person (and its compact echo) is kept.
type listReader struct {
	ctx       context.Context
	limits    Limits
	validator *recordValidator
	list      list
	rec       rawRecord
	echo      echoBuilder // the current workbook row as a JSON object
}

// read decodes and validates every record of r. On a failure to read the
// list as a whole (not a record's problem) it returns the error with the
// records read until then.
func (lr *listReader) read(r io.Reader, format Format) error {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(len(ole2Magic))
	if bytes.HasPrefix(head, utf8BOM) {
		// Windows tools start UTF-8 text with a byte order mark, which
		// encoding/json refuses.
		br.Discard(len(utf8BOM))
		head, _ = br.Peek(len(ole2Magic))
	}
	switch {
	case bytes.HasPrefix(head, ole2Magic):
		return ErrLegacyXLS
	case bytes.HasPrefix(head, zipMagic):
		if format == FormatJSON {
			return fmt.Errorf("%w: the body is a zip file (an Excel workbook?), not JSON; send a workbook as %s", ErrMalformed, ContentTypeXLSX)
		}
		return lr.readXLSX(br)
	case format == FormatXLSX:
		return fmt.Errorf("%w: not an Excel .xlsx workbook (an .xlsx file is a zip archive; this body is not)", ErrMalformed)
	}
	return lr.readJSON(br)
}

// next is called before each record: it stops on cancellation and on too
// many records.
func (lr *listReader) next() error {
	n := lr.list.len()
	if n%1024 == 0 {
		if err := lr.ctx.Err(); err != nil {
			return err
		}
	}
	if n >= lr.limits.MaxRecords {
		return fmt.Errorf("the list holds more than %d records: %w", lr.limits.MaxRecords, bookingkit.ErrTooLarge)
	}
	return nil
}

// readJSON reads a JSON list in one pass over its bytes: each record is
// found in the buffer, checked and parsed by recordParser, without
// encoding/json's scanner going over it first. Anything that is not a
// well-formed list (or a reader's error) hands the list over, from the
// record where it happened, to readJSONSlowly, which reads it with
// encoding/json as before, so that the answer is the same to the byte:
// the same records read, the same message, at the same offset.
func (lr *listReader) readJSON(r io.Reader) error {
	in := jsonInput{r: r, buf: make([]byte, 0, 64<<10)}
	var parser recordParser
	i := in.skipSpace(0)
	if i >= len(in.buf) || in.buf[i] != '[' {
		return lr.readJSONSlowly(in.replay(0, 0, len(in.buf)))
	}
	var (
		counted int64 // what encoding/json's scanner would have counted
		at      int   // where the next record's bytes begin
		end     int   // where the last record's bytes end
	)
	for n := 0; ; n++ {
		// The next record, or the end of the list.
		at = i + 1 // after '[' or ','
		i = in.skipSpace(at)
		if i >= len(in.buf) {
			return lr.readJSONSlowly(in.replay(n, counted, end))
		}
		if in.buf[i] == ']' && n == 0 {
			break
		}
		if n == 0 {
			at = i // encoding/json counts the first record from its first byte
		}
		if err := lr.next(); err != nil {
			return err
		}
		vend := in.valueEnd(i)
		if vend < 0 {
			return lr.readJSONSlowly(in.replay(n, counted, end))
		}
		if err := parser.parse(in.buf[i:vend], &lr.rec); err != nil {
			return lr.readJSONSlowly(in.replay(n, counted, end))
		}
		lr.list.add(lr.validator, &lr.rec, parser.echo)
		counted += int64(vend - at)
		end = in.done(vend) // the buffer may move on
		if i = in.skipSpace(end); i >= len(in.buf) || in.buf[i] != ',' {
			if i < len(in.buf) && in.buf[i] == ']' {
				break
			}
			return lr.readJSONSlowly(in.replay(n+1, counted, end))
		}
	}
	// After the closing ] only white space may follow.
	if j := in.skipSpace(i + 1); j < len(in.buf) || in.err != io.EOF {
		return lr.readJSONSlowly(in.replay(lr.list.len(), counted, end))
	}
	return nil
}

// readJSONSlowly reads the list from dec on, encoding/json's way: either
// from the start (dec's first token is the list's '['), or after the
// records already read (see jsonInput.replay).
func (lr *listReader) readJSONSlowly(dec *json.Decoder, fromStart bool) error {
	if fromStart {
		tok, err := dec.Token()
		if err == io.EOF {
			return fmt.Errorf("%w: the body is empty; expected a JSON array of records: [{\"LastName\": ...}, ...]", ErrMalformed)
		}
		if err != nil {
			return lr.jsonError(dec, err)
		}
		if d, ok := tok.(json.Delim); !ok || d != '[' {
			return fmt.Errorf("%w: expected a JSON array of records: [{\"LastName\": ...}, ...], got %s", ErrMalformed, tokenKind(tok))
		}
	}
	var (
		raw    json.RawMessage
		parser recordParser
	)
	for dec.More() {
		if err := lr.next(); err != nil {
			return err
		}
		if err := dec.Decode(&raw); err != nil {
			return lr.jsonError(dec, err)
		}
		if err := parser.parse(raw, &lr.rec); err != nil {
			return fmt.Errorf("%w: record %d: %v", ErrMalformed, lr.list.len()+1, err)
		}
		lr.list.add(lr.validator, &lr.rec, parser.echo)
	}
	if _, err := dec.Token(); err != nil { // the closing ]
		return lr.jsonError(dec, err)
	}
	if tok, err := dec.Token(); err != io.EOF {
		if err != nil {
			return lr.jsonError(dec, err)
		}
		return fmt.Errorf("%w: unexpected %s after the end of the list", ErrMalformed, tokenKind(tok))
	}
	return nil
}

// jsonInput is the buffered body of a JSON list that readJSON reads.
type jsonInput struct {
	r   io.Reader
	buf []byte // the bytes read and not yet done with
	off int64  // the body's offset of buf[0]
	err error  // the reader's error, once it gave one (io.EOF at the end)
}

// more reads more of the body into buf, growing it when full, and reports
// whether it got any.
func (in *jsonInput) more() bool {
	if in.err != nil {
		return false
	}
	if len(in.buf) == cap(in.buf) {
		in.buf = slices.Grow(in.buf, cap(in.buf))
	}
	n, err := io.ReadFull(in.r, in.buf[len(in.buf):cap(in.buf)])
	in.buf = in.buf[:len(in.buf)+n]
	if err == io.ErrUnexpectedEOF {
		err = io.EOF
	}
	in.err = err
	return n > 0
}

// done drops the bytes before i, once it is past the buffer's first half,
// and returns where i is then.
func (in *jsonInput) done(i int) int {
	if i < cap(in.buf)/2 {
		return i
	}
	n := copy(in.buf, in.buf[i:])
	in.buf, in.off = in.buf[:n], in.off+int64(i)
	return 0
}

// skipSpace returns the index of the first byte from i on that is not
// white space, len(buf) when the body ends first.
func (in *jsonInput) skipSpace(i int) int {
	for {
		if i = skipSpace(in.buf, i); i < len(in.buf) || !in.more() {
			return i
		}
	}
}

// valueEnd returns the index after the value starting at buf[i], or -1
// when the body ends (or fails) first.
func (in *jsonInput) valueEnd(i int) int {
	for {
		if end := valueEnd(in.buf, i); end >= 0 || !in.more() {
			return end
		}
	}
}

// replay returns a json.Decoder that reads the rest of the body as
// readJSONSlowly would have read it from encoding/json had it read the
// whole list: after the n records read so far, which end at buf[end], the
// decoder's scanner having counted counted bytes (its error offsets).
// With no record read, it is the body from its start. Otherwise the
// decoder reads "[", then white space and a value that its scanner counts
// as the records before, then white space up to the records' end at its
// offset in the body, then the rest of the body: what follows, its errors
// and its offsets are those of the list. It reports whether the decoder
// starts at the list's start.
func (in *jsonInput) replay(n int, counted int64, end int) (*json.Decoder, bool) {
	rest := io.Reader(bytes.NewReader(in.buf[end:]))
	if in.err != io.EOF {
		rest = io.MultiReader(rest, in.r)
		if in.err != nil {
			rest = io.MultiReader(rest, errReader{in.err})
		}
	}
	if n == 0 {
		dec := json.NewDecoder(io.MultiReader(bytes.NewReader(in.buf[:end]), rest))
		dec.UseNumber()
		return dec, true
	}
	filler := "0"
	if counted > 1 {
		filler = "{}"
	}
	gap := in.off + int64(end) - 1 - counted // spaces after the value
	dec := json.NewDecoder(io.MultiReader(strings.NewReader("["), &spaces{counted - int64(len(filler))},
		strings.NewReader(filler), &spaces{gap}, rest))
	dec.UseNumber()
	var skip any
	dec.Token()       //nolint:errcheck // "["
	dec.Decode(&skip) //nolint:errcheck // the filler value
	return dec, false
}

// spaces reads as n spaces.
type spaces struct{ n int64 }

func (s *spaces) Read(b []byte) (int, error) {
	if s.n <= 0 {
		return 0, io.EOF
	}
	b = b[:min(int64(len(b)), s.n)]
	for i := range b {
		b[i] = ' '
	}
	s.n -= int64(len(b))
	return len(b), nil
}

// errReader fails with err.
type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

func (lr *listReader) jsonError(dec *json.Decoder, err error) error {
	n := lr.list.len()
	var syntax *json.SyntaxError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF) || err == io.EOF:
		return fmt.Errorf("%w: the JSON ends too early, after %d complete records (truncated upload?)", ErrMalformed, n)
	case errors.As(err, &syntax):
		return fmt.Errorf("%w: malformed JSON at byte %d (after %d complete records): %v", ErrMalformed, syntax.Offset, n, err)
	}
	if lr.ctx.Err() != nil {
		return lr.ctx.Err()
	}
	// A read error of the body itself (a size limit, a broken connection):
	// pass it on unchanged so that the caller can tell it.
	return err
}

func tokenKind(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' {
			return "an object"
		}
		return fmt.Sprintf("%q", string(t))
	case string:
		return "a string"
	case float64, json.Number:
		return "a number"
	case bool:
		return fmt.Sprint(t)
	case nil:
		return "null"
	}
	return fmt.Sprintf("%v", tok)
}

// readXLSX reads the first sheet of a workbook: row 1 holds the field
// names, each further non-empty row one record.
func (lr *listReader) readXLSX(r io.Reader) error {
	body, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if _, err := checkZip(body, lr.limits.MaxUnzipSize); err != nil {
		return err
	}
	f, err := excelize.OpenReader(bytes.NewReader(body), excelize.Options{
		UnzipSizeLimit:    lr.limits.MaxUnzipSize,
		UnzipXMLSizeLimit: lr.limits.MaxUnzipXMLSize,
	})
	if err != nil {
		if strings.Contains(err.Error(), "unzip size exceeds") {
			return fmt.Errorf("the workbook unpacks to more than %d bytes: %w", lr.limits.MaxUnzipSize, bookingkit.ErrTooLarge)
		}
		if errors.Is(err, excelize.ErrWorkbookFileFormat) {
			return ErrLegacyXLS
		}
		if ctxErr := lr.ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		return fmt.Errorf("%w: not a readable .xlsx workbook (%v)", ErrMalformed, err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return fmt.Errorf("%w: the workbook has no sheet", ErrMalformed)
	}
	date1904 := false
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		date1904 = *props.Date1904
	}
	// Sheet names are the workbook's text, of any length: messages quote
	// them shortened.
	sheetName := shorten(sheets[0])
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return fmt.Errorf("%w: cannot read sheet %q (%v)", ErrMalformed, sheetName, err)
	}
	defer rows.Close()

	raw := excelize.Options{RawCellValue: true}
	var (
		header  []string
		columns []int // field index per column, -1 for unknown
		rowNum  int
	)
	for rows.Next() {
		rowNum++
		cells, err := rows.Columns(raw)
		if err != nil {
			return fmt.Errorf("%w: sheet %q row %d (%v)", ErrMalformed, sheetName, rowNum, err)
		}
		if len(cells) > MaxColumns {
			return fmt.Errorf("%w: sheet %q row %d has more than %d columns, the most an Excel sheet has", ErrMalformed, sheetName, rowNum, MaxColumns)
		}
		if header == nil {
			if header, columns, err = xlsxHeader(cells); err != nil {
				return err
			}
			continue
		}
		if isBlankRow(cells) {
			continue
		}
		if err := lr.next(); err != nil {
			return err
		}
		lr.xlsxRecord(header, columns, cells, date1904)
	}
	if err := rows.Error(); err != nil {
		return fmt.Errorf("%w: sheet %q (%v)", ErrMalformed, sheetName, err)
	}
	if header == nil {
		return fmt.Errorf("%w: the first sheet %q is empty; row 1 must hold the field names (%s, ...)", ErrMalformed, sheetName, strings.Join(fieldNames[:4], ", "))
	}
	return nil
}

// checkZip checks a workbook's zip container before excelize reads it:
// the parts may not unpack to more than limit bytes together (checked on
// the declared sizes, before inflating anything, then on the real ones),
// every part must inflate to its declared size and checksum, and the
// sheet's cells must not unpack to more than xlsxscan.go allows. excelize
// checks the declared sizes but reads a damaged part without an error, as
// far as it goes: a sheet cut short would silently drop the rows after
// the damage, and with them people from the list. It returns what the
// cells cost to read, as xlsxscan.go counts it.
func checkZip(body []byte, limit int64) (int64, error) {
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		return 0, fmt.Errorf("%w: not a readable .xlsx workbook (%v)", ErrMalformed, err)
	}
	tooLarge := fmt.Errorf("the workbook unpacks to more than %d bytes: %w", limit, bookingkit.ErrTooLarge)
	var declared uint64
	for _, f := range zr.File {
		declared += f.UncompressedSize64
		if declared > uint64(limit) {
			return 0, tooLarge
		}
	}
	// The shared strings first: the cells are measured by them.
	var sst *zip.File
	for _, f := range zr.File {
		if strings.EqualFold(f.Name, sharedStringsPart) {
			if sst != nil {
				return 0, fmt.Errorf("%w: the workbook has two parts %s", ErrMalformed, sharedStringsPart)
			}
			sst = f
		}
	}
	scan := &xmlScanner{limit: limit}
	buf := make([]byte, 32<<10) // one copy buffer for every part
	check := func(f *zip.File, table bool) error {
		rc, err := f.Open()
		if err == nil {
			// The reader fails on more bytes than declared and on a bad
			// checksum at the end. Every part is scanned, not only the
			// parts named like worksheets: the workbook's relations may
			// put its sheet anywhere.
			scan.startPart(table)
			_, err = io.CopyBuffer(scan, rc, buf)
			rc.Close()
		}
		if err != nil {
			if refusal := scanError(f.Name, err, limit); refusal != err {
				return refusal
			}
			return fmt.Errorf("%w: the workbook is damaged: part %s (%v); save it again from Excel", ErrMalformed, shorten(f.Name), err)
		}
		return nil
	}
	if sst != nil {
		if err := check(sst, true); err != nil {
			return 0, err
		}
	}
	// Then every part for cells, the shared strings' part too: the
	// workbook's relations may make it a sheet.
	for _, f := range zr.File {
		if err := check(f, false); err != nil {
			return 0, err
		}
	}
	return scan.total, nil
}

// xlsxHeader reads the field names of row 1.
func xlsxHeader(cells []string) ([]string, []int, error) {
	header := make([]string, len(cells))
	columns := make([]int, len(cells))
	known := 0
	firstColumn := map[field]int{}
	for i, c := range cells {
		header[i] = strings.TrimSpace(c)
		columns[i] = -1
		f, ok := lookupField([]byte(header[i]))
		if !ok {
			continue
		}
		if j, dup := firstColumn[f]; dup {
			return nil, nil, fmt.Errorf("%w: columns %s and %s of row 1 both name the field %s", ErrMalformed, columnName(j), columnName(i), f)
		}
		firstColumn[f] = i
		columns[i] = int(f)
		known++
	}
	if known == 0 {
		return nil, nil, fmt.Errorf("%w: row 1 of the first sheet must hold the field names (%s, ...); it holds none of them", ErrMalformed, strings.Join(fieldNames[:4], ", "))
	}
	return header, columns, nil
}

func columnName(i int) string {
	name, _ := excelize.ColumnNumberToName(i + 1)
	return name
}

func isBlankRow(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// xlsxRecord turns a row into a record; its echo is an object of the
// non-empty cells under the header's names. A date cell arrives as its
// serial number and is written back as DD.MM.YYYY.
func (lr *listReader) xlsxRecord(header []string, columns []int, cells []string, date1904 bool) {
	rec := &lr.rec
	rec.reset()
	echo := &lr.echo
	echo.reset(echo.buf)
	for i, c := range cells {
		if i >= len(header) || header[i] == "" {
			continue
		}
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		if columns[i] >= 0 {
			f := field(columns[i])
			if f == fieldBirthDay || f == fieldDateOfEmployment {
				if d, ok := excelSerialDate(c, date1904); ok {
					c = d.String()
				}
			}
			rec.seen.add(f)
			rec.setValue(f, c)
		}
		if echo.cut > 0 {
			echo.cut++ // the echo is full: count the cell, do not write it
			continue
		}
		mark := echo.begin()
		echo.buf = appendEchoString(echo.buf, header[i])
		echo.buf = append(echo.buf, ':')
		echo.buf = appendEchoString(echo.buf, c)
		echo.end(mark)
	}
	lr.list.add(lr.validator, rec, echo.finish())
}
