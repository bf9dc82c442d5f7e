package staffid

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"time"
)

// Report statuses, as the seed spells them ([StatusHeld] is bookingkit's).
const (
	StatusOk    = "Ok"
	StatusError = "Error"
)

// MsgInvalidRecords is the seed's error_msg for a list with invalid records.
const MsgInvalidRecords = "Has invalid records"

// Report is the answer to an upload, in the seed's JSON shape:
//
//	{ "status": "Error", "error_msg": "Has invalid records", "input_records_count": 5,
//	  "imported_total": 0, "employees_imported": 0, "companions_imported": 0,
//	  "invalid_records": [ { "record": { ...as sent... }, "error": "Invalid date 18.32.1933, the format is d.m.Y" } ] }
//
// A successful import has status "Ok", no error_msg, imported_total =
// employees_imported + companions_imported = input_records_count, an empty
// invalid_records, and the [SyncCounts] besides.
type Report struct {
	Status             string          `json:"status"`
	ErrorMsg           string          `json:"error_msg,omitempty"`
	InputRecordsCount  int             `json:"input_records_count"`
	ImportedTotal      int             `json:"imported_total"`
	EmployeesImported  int             `json:"employees_imported"`
	CompanionsImported int             `json:"companions_imported"`
	InvalidRecords     []InvalidRecord `json:"invalid_records"`
	// InvalidRecordsOmitted counts the invalid records left out of
	// InvalidRecords because the report is bounded (Limits.MaxReportBytes):
	// absent, as in the seed's shape, when none was.
	InvalidRecordsOmitted int `json:"invalid_records_omitted,omitempty"`
	// SyncCounts is set only when an import was applied (status "Ok").
	*SyncCounts
	// Changes names the people the import changes, on a dry run only
	// ([ImportOptions.DryRun]) and a held list's preview
	// ([Importer.Held]); absent otherwise, as in the seed's shape.
	Changes *Changes `json:"changes,omitempty"`
	// Held names the held list, on the answer to an upload the guard held
	// (status "Held") and on the reports of its decision (see
	// [HeldList]); absent otherwise, as in the seed's shape.
	Held *HeldNote `json:"held,omitempty"`
}

// InvalidRecord is one refused record: the record as sent (compacted; for
// a workbook row, an object of its non-empty cells under the header's
// names) and every problem found in it, joined by "; ". The echo is cut to
// a few kilobytes: each string after 200 bytes, each record after 4 KiB,
// every cut marked "…[cut]" (a record's left-out fields are counted in a
// last member "…[cut]": "N more fields").
type InvalidRecord struct {
	Record json.RawMessage `json:"record"`
	Error  string          `json:"error"`
	// Index is the record's position in the list, from 1 (a workbook's
	// data rows count from 1 too, so row N of the sheet is Index N-1).
	// The seed's shape has no such field, so it is not in the JSON.
	Index int `json:"-"`
}

// SyncCounts say what a successful import did, person by person. Every
// record of the list is exactly one of created, updated, unchanged or
// unblocked (a blocked person back in the list, whether or not their data
// changed); blocked counts the active people absent from the list.
type SyncCounts struct {
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	Blocked   int `json:"blocked"`
	Unblocked int `json:"unblocked"`
}

// OK reports whether r is a successful report.
func (r *Report) OK() bool { return r.Status == StatusOk }

// Source says through which door a list came in.
type Source string

// Sources of an import.
const (
	SourceAPI    Source = "api"    // the automated upload endpoint
	SourceManual Source = "manual" // a manager's upload in the control panel
	SourceCLI    Source = "cli"    // the command-line tool
)

// MaxHistoryInvalidRecords bounds the invalid records a history entry
// keeps: the uploader got all of them in the answer; the history needs
// enough to tell what went wrong, not another copy of a broken list.
const MaxHistoryInvalidRecords = 100

// HistoryEntry is one upload as the import history keeps it, whether it
// was applied or refused.
type HistoryEntry struct {
	// ID is assigned by the store, increasing with each entry.
	ID     int64     `json:"id"`
	At     time.Time `json:"at"`
	Source Source    `json:"source"`
	// Actor says who uploaded, as the caller knows them (a manager's
	// login, "token", a client address); free text, may be empty.
	Actor string `json:"actor,omitempty"`
	// Forced is true when the caller overrode the mass-block guard.
	Forced bool   `json:"forced,omitempty"`
	Report Report `json:"report"`
	// InvalidRecordsOmitted counts the invalid records left out of
	// Report.InvalidRecords beyond MaxHistoryInvalidRecords.
	InvalidRecordsOmitted int `json:"invalid_records_omitted,omitempty"`
}

// newHistoryEntry makes the history's copy of report.
func newHistoryEntry(at time.Time, opts ImportOptions, report *Report) HistoryEntry {
	e := HistoryEntry{At: at, Source: opts.Source, Actor: opts.Actor, Forced: opts.Force, Report: *report}
	if n := len(report.InvalidRecords); n > MaxHistoryInvalidRecords {
		e.Report.InvalidRecords = report.InvalidRecords[:MaxHistoryInvalidRecords:MaxHistoryInvalidRecords]
		e.InvalidRecordsOmitted = n - MaxHistoryInvalidRecords
	}
	if report.SyncCounts != nil {
		c := *report.SyncCounts
		e.Report.SyncCounts = &c
	}
	return e
}

// maxErrorMsg bounds a refused upload's error_msg, which may quote the
// upload (a sheet's name, a reader's error).
const maxErrorMsg = 1024

// errorReport is the report of a refused upload.
func errorReport(msg string, input int) *Report {
	if len(msg) > maxErrorMsg {
		msg = msg[:cutAt(msg, maxErrorMsg)] + echoCut
	}
	return &Report{Status: StatusError, ErrorMsg: msg, InputRecordsCount: input, InvalidRecords: []InvalidRecord{}}
}

// WriteJSON writes r as JSON, followed by a newline, as json.Encoder with
// SetEscapeHTML(false) writes it, one invalid record at a time through a
// small buffer: a report of several megabytes is never held twice.
func (r *Report) WriteJSON(w io.Writer) error {
	head := *r
	head.InvalidRecords = []InvalidRecord{}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(&head); err != nil {
		return err
	}
	// The key can only occur once unescaped: inside a string value its
	// quotes would be escaped.
	const key = `"invalid_records":[]`
	all := bytes.Clone(buf.Bytes())
	at := bytes.Index(all, []byte(key))
	if at < 0 {
		return errors.New("staffid: report without invalid_records")
	}
	bw := bufio.NewWriterSize(w, 32<<10)
	bw.Write(all[:at+len(key)-1])
	for i := range r.InvalidRecords {
		if i > 0 {
			bw.WriteByte(',')
		}
		buf.Reset()
		if err := enc.Encode(&r.InvalidRecords[i]); err != nil {
			return err
		}
		bw.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
	}
	bw.Write(all[at+len(key)-1:])
	return bw.Flush()
}
