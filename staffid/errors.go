package staffid

import "github.com/bookingkit/bookingkit"

// Errors of the import. Each matches one of the shared sentinels of package
// bookingkit under errors.Is, so a server maps them in one place; the more
// precise ones exist where a caller answers them differently (HTTP 415 for
// a format it cannot read, 409 for the mass-block guard). Their texts are
// written for the person who uploaded the list: the report's error_msg is
// the error's text.
var (
	// ErrInvalidRecords: at least one record of the list is invalid; the
	// report lists them. Nothing was imported. Matches bookingkit.ErrInvalid.
	ErrInvalidRecords error = &importError{MsgInvalidRecords, bookingkit.ErrInvalid}

	// ErrMalformed: the upload is not a readable JSON array or workbook
	// (syntax error, truncated body, top-level object, corrupt zip).
	// Matches bookingkit.ErrInvalid.
	ErrMalformed error = &importError{"the list cannot be read", bookingkit.ErrInvalid}

	// ErrUnsupportedFormat: the upload's format is neither JSON nor .xlsx.
	// Matches bookingkit.ErrUnsupportedMediaType (HTTP 415), and so
	// bookingkit.ErrInvalid.
	ErrUnsupportedFormat error = &importError{"unsupported format: send a JSON array of records or an Excel workbook (.xlsx)", bookingkit.ErrUnsupportedMediaType}

	// ErrLegacyXLS: the upload is a legacy binary Excel file (.xls, or an
	// encrypted workbook, which uses the same container). Matches
	// ErrUnsupportedFormat.
	ErrLegacyXLS error = &importError{"the file is a legacy Excel .xls workbook (or a password-protected one), which cannot be read: open it in Excel and save it as an Excel Workbook (.xlsx) without a password", ErrUnsupportedFormat}

	// ErrEmptyList: the list holds no record. Importing it would block
	// everyone, so it is refused unless forced. Matches bookingkit.ErrInvalid.
	ErrEmptyList error = &importError{"the list is empty: importing it would block every person; force the import to do that on purpose", bookingkit.ErrInvalid}

	// ErrMassBlock: the list would block more than the configured share of
	// the active people; refused unless forced. Matches bookingkit.ErrConflict.
	ErrMassBlock error = &importError{"mass blocking refused", bookingkit.ErrConflict}
)

// importError is a sentinel with a message of its own that still matches
// a more general sentinel.
type importError struct {
	msg  string
	kind error
}

func (e *importError) Error() string { return e.msg }
func (e *importError) Unwrap() error { return e.kind }
