package bookingkit

// SpreadsheetCell returns cell with a leading single quote when a
// spreadsheet would take it for a formula: when it starts with =, +, -, @,
// a tab or a carriage return (OWASP's advice against CSV injection). Any
// other cell is returned as it is. Every CSV and .xlsx export (the staff
// list's, the partner reports') writes its text cells through it.
func SpreadsheetCell(cell string) string {
	if cell == "" {
		return cell
	}
	switch cell[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + cell
	}
	return cell
}
