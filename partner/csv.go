package partner

import (
	"encoding/csv"
	"io"
	"strconv"
	"time"

	"github.com/bookingkit/bookingkit"
)

// CSV exports: the report's table ([Report.Table]), licences and terminal
// activity, written by a [CSVWriter], which neutralises formula cells.

// CSVWriter writes CSV records (RFC 4180, comma-separated, CRLF-free "\n"
// line ends as encoding/csv writes them) for people to open in a
// spreadsheet. A cell a spreadsheet would run as a formula — one that
// starts with =, +, -, @, a tab or a carriage return — is written with a
// leading single quote, as OWASP advises against CSV injection: a licence
// user's name typed as =HYPERLINK(…) stays text.
type CSVWriter struct {
	w   *csv.Writer
	row []string
}

// NewCSVWriter returns a CSVWriter that writes to w.
func NewCSVWriter(w io.Writer) *CSVWriter { return &CSVWriter{w: csv.NewWriter(w)} }

// Write writes one record, each cell neutralised ([bookingkit.SpreadsheetCell]).
// Records are buffered: call Flush at the end.
func (c *CSVWriter) Write(record []string) error {
	c.row = c.row[:0]
	for _, cell := range record {
		c.row = append(c.row, bookingkit.SpreadsheetCell(cell))
	}
	return c.w.Write(c.row)
}

// Flush writes what is buffered and returns the first error of any write.
func (c *CSVWriter) Flush() error {
	c.w.Flush()
	return c.w.Error()
}

// WriteCSV writes records to w as CSV, formula cells neutralised.
func WriteCSV(w io.Writer, records [][]string) error {
	c := NewCSVWriter(w)
	for _, r := range records {
		if err := c.Write(r); err != nil {
			return err
		}
	}
	return c.Flush()
}

// LicenceCSVHeader is the header of a licences export; [LicenceCSVRecord]
// writes the rows under it.
var LicenceCSVHeader = []string{
	"id", "partner_id", "company_id", "instance_id", "type", "profile", "state",
	"user_name", "login", "email", "serial", "pin", "bound_at", "created_at", "updated_at",
}

// LicenceCSVRecord is l as a row of a licences export.
func LicenceCSVRecord(l Licence) []string {
	return []string{
		l.ID, l.PartnerID, l.CompanyID, l.InstanceID, l.InstanceType, l.Profile, string(l.State),
		l.User.Name, l.User.Login, l.User.Email, l.Terminal.Serial, l.Terminal.PIN,
		csvTime(l.BoundAt), csvTime(l.CreatedAt), csvTime(l.UpdatedAt),
	}
}

// ActivityCSVHeader is the header of an activity export; [ActivityCSVRecord]
// writes the rows under it.
var ActivityCSVHeader = []string{
	"id", "at", "kind", "partner_id", "company_id", "instance_id", "licence_id", "serial", "pin", "login", "detail",
}

// ActivityCSVRecord is ev as a row of an activity export.
func ActivityCSVRecord(ev ActivityEvent) []string {
	return []string{
		strconv.FormatInt(ev.ID, 10), csvTime(ev.At), string(ev.Kind), ev.PartnerID, ev.CompanyID, ev.InstanceID,
		ev.LicenceID, ev.Serial, ev.PIN, ev.UserLogin, ev.Detail,
	}
}

// csvTime is t in RFC 3339 UTC, "" when zero.
func csvTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}
