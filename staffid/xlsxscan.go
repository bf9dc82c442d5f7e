package staffid

import (
	"errors"
	"fmt"
	"math"

	"github.com/bookingkit/bookingkit"
)

// A workbook costs more to read than its size says: excelize hands over
// each cell that points at a shared string as a fresh copy of that
// string, so a 57 KB file whose cells all point at one 32 000-character
// string unpacks, row by row, into gigabytes; and a row of 4 million
// cells took it 28 s to parse. checkZip therefore follows the XML of
// every part while it checks the zip, before excelize reads anything, and
// refuses a workbook when
//   - a row holds more than MaxColumns cells, or a cell past column XFD;
//   - the rows span more than maxSheetCells cells in all: excelize hands
//     over a row as wide as its last cell's column, so a row of one cell
//     in column XFD (30 bytes of XML) costs 16 384 cells;
//   - a row's cells would unpack to more than maxRowText bytes of text;
//   - all the cells together would unpack to more than the unzip limit
//     (the bound a zip bomb meets too);
//   - its table of shared strings holds more than maxSharedStrings.
//
// A cell's text is counted at what excelize pays to read it: its bytes,
// plus, for every "_x" in it, half of them again, because excelize decodes
// the _xHHHH_ escapes of a string by appending to a Go string in a loop:
// a 1 MB cell of "_x0041_" made it copy gigabytes.
//
// The scanner reads tags, not a document tree, and errs on the side of
// counting too much: a cell whose shared-string index it cannot read
// plainly counts as the costliest shared string; markup quoted in a
// comment counts as markup; a character reference next to an underscore
// or an x counts as an "_x".

// MaxColumns is the most columns a sheet may have: Excel's own limit
// (column XFD).
const MaxColumns = 16384

// maxRowText bounds the text of one row's cells, shared strings
// expanded: a row of the list is some hundreds of bytes.
const maxRowText = 4 << 20

// maxSheetCells bounds the cells the rows of all sheets span, each row
// as wide as its rightmost cell: a list of a million people in 60 columns
// spans less. Reading them costs excelize about 20 ns each.
const maxSheetCells = 64 << 20

// maxSharedStrings bounds the workbook's table of shared strings: a list
// of a million people has fewer distinct texts.
const maxSharedStrings = 4_000_000

// sharedStringsPart is where excelize reads the shared strings from
// (the name compared ignoring case, as excelize does).
const sharedStringsPart = "xl/sharedStrings.xml"

var (
	errTooManyColumns = errors.New("too many cells in a row")
	errRowTooLarge    = errors.New("a row unpacks to too much text")
	errCellsTooLarge  = errors.New("the cells unpack to too much text")
	errSheetTooWide   = errors.New("the rows span too many cells")
	errTooManyStrings = errors.New("too many shared strings")
	errDeclaration    = errors.New("a markup declaration")
)

// scanError turns a scanner's refusal of part into the upload's error.
func scanError(part string, err error, limit int64) error {
	switch {
	case errors.Is(err, errTooManyColumns):
		return fmt.Errorf("%w: part %s has a row of more than %d cells, the most columns an Excel sheet has", ErrMalformed, shorten(part), MaxColumns)
	case errors.Is(err, errRowTooLarge):
		return fmt.Errorf("part %s has a row whose cells unpack to more than %d bytes of text: %w", shorten(part), maxRowText, bookingkit.ErrTooLarge)
	case errors.Is(err, errSheetTooWide):
		return fmt.Errorf("the workbook's rows span more than %d cells, each row as wide as its rightmost cell: %w", maxSheetCells, bookingkit.ErrTooLarge)
	case errors.Is(err, errCellsTooLarge):
		return fmt.Errorf("the workbook's cells unpack to more than %d bytes of text: %w", limit, bookingkit.ErrTooLarge)
	case errors.Is(err, errTooManyStrings):
		return fmt.Errorf("the workbook holds more than %d shared strings: %w", maxSharedStrings, bookingkit.ErrTooLarge)
	case errors.Is(err, errDeclaration):
		return fmt.Errorf("%w: part %s holds a markup declaration (<!DOCTYPE or <!ENTITY), which no Excel workbook has", ErrMalformed, shorten(part))
	}
	return err
}

type scanState uint8

const (
	stText  scanState = iota
	stName            // after '<'
	stBang            // after "<!"
	stAttrs           // in a tag, after its name
	stValue           // in a quoted attribute value
	stSkip            // in a comment, CDATA section or processing instruction
)

// xmlScanner is an io.Writer that follows XML markup byte by byte. In
// table mode it measures each shared string (<si>) of the table; in cell
// mode it counts each row's cells (<c>) and adds up the text of those
// that point at a shared string (t="s", the index in <v>).
type xmlScanner struct {
	table  bool     // measuring the shared strings table
	sst    []uint32 // the bytes of each shared string (table mode fills it)
	sstMax uint32   // the longest of them
	limit  int64    // cell mode: the most text all cells may unpack to
	total  int64    // cell mode: the text of every cell so far, every part

	state    scanState
	name     []byte // the tag's local name (its first 16 bytes)
	end      bool   // an end tag
	empty    bool   // an empty-element tag, <c/>
	bang     []byte // what follows "<!"
	attr     []byte // the attribute's local name (its first 8 bytes)
	attrDone bool   // the attribute name has ended
	val      []byte // the attribute's value (its first 8 bytes)
	valLen   int
	ref      bool // the value holds a reference (&...;)
	quote    byte
	skipTo   string // the end of the comment, CDATA section or instruction
	match    int    // bytes of skipTo matched so far
	cdata    bool   // skipping CDATA: its bytes are text

	// text of the current shared string (table mode) or cell (cell mode)
	textLen   int64
	escapes   int64 // "_x" in it
	afterLine bool  // the byte before was '_' (or ended a reference)

	// table mode
	siOpen int // <si> elements open (more than one: irregular)
	depth  int // elements open
	// irregular is set when a shared string is not a child of the
	// table's root (nested, or in an extension): excelize's two readers
	// of the table (in memory, or from a temporary file past
	// MaxUnzipXMLSize) would then number the strings differently, so
	// every shared cell counts as the costliest string.
	irregular bool

	// cell mode
	cells     int   // cells of the current row
	col       int   // the column of its last cell (A is 1)
	width     int   // its rightmost cell's column
	colRef    int   // the column the current <c> start tag's r names
	hasColRef bool  // it has an r
	spanned   int64 // the widths of the rows so far, every part
	rowText   int64 // their text
	shared    bool  // the current <c> start tag says t="s"
	ambiguous bool  // its t holds a reference, which may spell s
	inCell    bool  // inside a cell
	sharedish bool  // the cell is shared, or may be
	inV       bool  // reading a shared cell's <v>
	index     uint64
	digits    int
	plain     bool // the <v> so far is digits and spaces only
}

// startPart makes the scanner ready for another part; the cells' total
// runs on across parts.
func (s *xmlScanner) startPart(table bool) {
	s.table = table
	s.state, s.siOpen, s.depth, s.inCell, s.sharedish, s.inV, s.cells, s.rowText = stText, 0, 0, false, false, false, 0, 0
	s.col, s.width, s.hasColRef = 0, 0, false
	s.startText()
}

func (s *xmlScanner) Write(p []byte) (int, error) {
	for i, b := range p {
		if err := s.byte(b); err != nil {
			return i, err
		}
	}
	return len(p), nil
}

func (s *xmlScanner) byte(b byte) error {
	switch s.state {
	case stText:
		if b == '<' {
			s.state, s.name, s.end, s.empty = stName, s.name[:0], false, false
			return nil
		}
		s.text(b)
	case stName:
		switch {
		case len(s.name) == 0 && !s.end && b == '/':
			s.end = true
		case len(s.name) == 0 && !s.end && b == '?':
			s.skip("?>", false)
		case len(s.name) == 0 && !s.end && b == '!':
			s.state, s.bang = stBang, s.bang[:0]
		case b == ' ' || b == '\t' || b == '\n' || b == '\r':
			s.state, s.attr, s.attrDone = stAttrs, s.attr[:0], false
		case b == '/':
			s.state, s.attr, s.attrDone, s.empty = stAttrs, s.attr[:0], false, true
		case b == '>':
			return s.tagEnd()
		case b == ':':
			s.name = s.name[:0] // a namespace prefix, however long
		default:
			if len(s.name) < 16 {
				s.name = append(s.name, b)
			}
		}
	case stBang:
		s.bang = append(s.bang, b)
		switch string(s.bang) {
		case "--":
			s.skip("-->", false)
		case "[CDATA[":
			if s.inV {
				s.plain = false // a value the scanner does not read as digits
			}
			s.skip("]]>", true)
		case "-", "[", "[C", "[CD", "[CDA", "[CDAT", "[CDATA":
		default:
			return errDeclaration
		}
	case stAttrs:
		switch b {
		case '>':
			return s.tagEnd()
		case '/':
			s.empty = true
		case '"', '\'':
			s.state, s.quote, s.val, s.valLen, s.ref = stValue, b, s.val[:0], 0, false
		case ' ', '\t', '\n', '\r', '=':
			s.attrDone = len(s.attr) > 0
		case ':':
			s.attr = s.attr[:0]
		default:
			if s.attrDone {
				s.attr, s.attrDone = s.attr[:0], false
			}
			if len(s.attr) < 8 {
				s.attr = append(s.attr, b)
			}
		}
	case stValue:
		switch b {
		case s.quote:
			s.state = stAttrs
			s.attribute()
			s.attr, s.attrDone = s.attr[:0], false
		case '&':
			s.ref = true
		default:
			s.valLen++
			if len(s.val) < 8 {
				s.val = append(s.val, b)
			}
		}
	case stSkip:
		if s.cdata {
			s.text(b) // CDATA is text; its end marker counts too, which only adds
		}
		switch {
		case b == s.skipTo[s.match]:
			s.match++
			if s.match == len(s.skipTo) {
				s.state = stText
			}
		case s.match == 2 && b == s.skipTo[1]:
			// "]]]" or "---": the last two still begin the end marker
			// (both three-byte markers begin with one byte twice).
		case b == s.skipTo[0]:
			s.match = 1
		default:
			s.match = 0
		}
	}
	return nil
}

func (s *xmlScanner) skip(to string, cdata bool) {
	s.state, s.skipTo, s.match, s.cdata = stSkip, to, 0, cdata
}

// attribute handles an attribute of the current tag: t of a cell.
func (s *xmlScanner) attribute() {
	if s.table || s.end || string(s.name) != "c" {
		return
	}
	if string(s.attr) == "r" {
		s.colRef, s.hasColRef = s.column(), true
		return
	}
	if string(s.attr) != "t" {
		return
	}
	// As encoding/xml, the last t of a tag wins.
	s.shared = !s.ref && s.valLen == 1 && s.val[0] == 's'
	s.ambiguous = s.ref
}

// column reads the column of a cell reference (r="XFD12"): its letters,
// in either case. A reference the scanner cannot read plainly (no
// letters, a character reference) counts as column XFD; more than three
// letters as past it, which excelize refuses too.
func (s *xmlScanner) column() int {
	if s.ref {
		return MaxColumns
	}
	n, letters := 0, 0
	for _, c := range s.val {
		switch {
		case c >= 'A' && c <= 'Z':
			n = n*26 + int(c-'A'+1)
		case c >= 'a' && c <= 'z':
			n = n*26 + int(c-'a'+1)
		default:
			if letters == 0 {
				return MaxColumns
			}
			return n
		}
		if letters++; letters > 3 {
			return MaxColumns + 1
		}
	}
	if letters == 0 {
		return MaxColumns
	}
	return n
}

// tagEnd handles the '>' that ends a tag.
func (s *xmlScanner) tagEnd() error {
	s.state = stText
	if s.end {
		return s.endElement()
	}
	if err := s.startElement(); err != nil {
		return err
	}
	if s.empty {
		return s.endElement()
	}
	return nil
}

func (s *xmlScanner) startElement() error {
	name := string(s.name)
	if s.table {
		s.depth++
		if name == "si" {
			if s.depth != 2 || s.siOpen > 0 {
				s.irregular = true
			}
			if s.siOpen == 0 {
				s.startText()
			}
			s.siOpen++
		}
		return nil
	}
	switch name {
	case "row":
		s.cells, s.rowText, s.col, s.width = 0, 0, 0, 0
	case "c":
		s.cells++
		if s.hasColRef {
			s.col = s.colRef
		} else {
			s.col++
		}
		s.hasColRef = false
		s.width = max(s.width, s.col)
		if s.cells > MaxColumns || s.width > MaxColumns {
			return errTooManyColumns
		}
		s.inCell, s.sharedish = true, s.shared || s.ambiguous
		s.shared = false
		s.startText()
	case "v":
		if s.inCell && s.sharedish {
			s.inV, s.index, s.digits, s.plain = true, 0, 0, true
		}
	}
	return nil
}

func (s *xmlScanner) endElement() error {
	name := string(s.name)
	if s.table {
		s.depth--
		if name == "si" && s.siOpen > 0 {
			if s.siOpen--; s.siOpen > 0 {
				return nil // the outermost one is measured, nested text and all
			}
			if len(s.sst) >= maxSharedStrings {
				return errTooManyStrings
			}
			cost := uint32(min(s.textCost(), math.MaxUint32))
			s.sst = append(s.sst, cost)
			s.sstMax = max(s.sstMax, cost)
		}
		return nil
	}
	switch name {
	case "row":
		if s.spanned += int64(s.width); s.spanned > maxSheetCells {
			return errSheetTooWide
		}
		s.width = 0
	case "v":
		if s.inV {
			s.inV = false
			return s.countCell()
		}
	case "c":
		if !s.inCell {
			return nil
		}
		shared := s.sharedish
		s.inCell, s.sharedish, s.inV, s.ambiguous = false, false, false, false
		if !shared {
			return s.count(s.textCost())
		}
	}
	return nil
}

func (s *xmlScanner) startText() { s.textLen, s.escapes, s.afterLine = 0, 0, false }

// textCost is what reading the text just measured costs excelize.
func (s *xmlScanner) textCost() int64 {
	return s.textLen + s.escapes*s.textLen/2
}

// text handles one byte of character data.
func (s *xmlScanner) text(b byte) {
	if s.siOpen > 0 || s.inCell {
		s.textLen++
		if s.afterLine && (b == 'x' || b == '&') {
			s.escapes++
		}
		s.afterLine = b == '_' || b == ';'
	}
	if s.inV {
		switch {
		case b >= '0' && b <= '9':
			if s.digits < 12 {
				s.index = s.index*10 + uint64(b-'0')
			}
			s.digits++
		case b == ' ' || b == '\t' || b == '\n' || b == '\r':
		default:
			s.plain = false
		}
	}
}

// countCell adds the text of the shared cell whose <v> just ended.
func (s *xmlScanner) countCell() error {
	n := int64(s.sstMax)
	if s.plain && !s.ambiguous && !s.irregular && s.digits > 0 && s.digits <= 10 && s.index < uint64(len(s.sst)) {
		n = int64(s.sst[s.index])
	}
	return s.count(n)
}

// count adds the cost of one cell to its row's and to the workbook's.
func (s *xmlScanner) count(n int64) error {
	s.rowText += n
	s.total += n
	switch {
	case s.rowText > maxRowText:
		return errRowTooLarge
	case s.total > s.limit:
		return errCellsTooLarge
	}
	return nil
}
