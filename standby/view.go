package standby

// ViewRow is one place in a queue as staff may see it: nothing that names
// a passenger or another passenger's booking.
type ViewRow struct {
	Position int   `json:"position"`
	Cabin    Cabin `json:"cabin"`
	Category int   `json:"category"`
	// OperatorStaff is true for staff of the operating carrier (and their
	// companions), who go before everyone else; without it the order of
	// the rows would look wrong.
	OperatorStaff bool `json:"operator_staff"`
	// Yours marks the passengers of the viewer's own booking.
	Yours bool `json:"yours,omitempty"`
}

// QueueView is a page of a flight's anonymised queue.
type QueueView struct {
	Flight FlightKey `json:"flight"`
	Total  int       `json:"total"` // entries in the whole queue
	Rows   []ViewRow `json:"rows"`
}

// Anonymize turns entries in queue order, the first of which stands at
// position first, into rows that show only position, cabin, category and
// whether the passenger is operating-carrier staff. Rows of the booking
// viewerBookingID are marked Yours; pass "" when the viewer has none.
func Anonymize(entries []Entry, first int, viewerBookingID string) []ViewRow {
	rows := make([]ViewRow, len(entries))
	for i, e := range entries {
		rows[i] = ViewRow{
			Position:      first + i,
			Cabin:         e.Cabin,
			Category:      e.Category,
			OperatorStaff: worksForOperator(e),
			Yours:         viewerBookingID != "" && e.BookingID == viewerBookingID,
		}
	}
	return rows
}
