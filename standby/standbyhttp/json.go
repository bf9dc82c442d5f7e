package standbyhttp

import (
	"fmt"
	"strings"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/standby"
)

// The API's JSON shapes (docs/openapi.json documents them).

// entryJSON is one passenger of a booking on one flight.
type entryJSON struct {
	Flight     standby.FlightKey `json:"flight"`
	BookingID  string            `json:"booking_id"`
	Passenger  int               `json:"passenger"`
	Traveller  string            `json:"traveller,omitempty"`
	Employer   string            `json:"employer"`
	Cabin      standby.Cabin     `json:"cabin"`
	Category   int               `json:"category"`
	EmployedOn string            `json:"employed_on"`
	BookedAt   time.Time         `json:"booked_at"`
}

func entryOut(e standby.Entry) entryJSON {
	return entryJSON{
		Flight: e.Flight.Key(), BookingID: e.BookingID, Passenger: e.Passenger, Traveller: e.Traveller, Employer: e.Employer,
		Cabin: e.Cabin, Category: e.Category, EmployedOn: e.EmployedOn.Format(time.DateOnly), BookedAt: e.BookedAt,
	}
}

func entriesOut(entries []standby.Entry) []entryJSON {
	out := make([]entryJSON, len(entries))
	for i, e := range entries {
		out[i] = entryOut(e)
	}
	return out
}

// placementJSON is where one passenger stands: position and queue_length
// only while the status is "active".
type placementJSON struct {
	entryJSON
	Status      standby.Status `json:"status"`
	Position    int            `json:"position,omitempty"`
	QueueLength int            `json:"queue_length,omitempty"`
}

// bookingJSON is the places of a booking's passengers.
type bookingJSON struct {
	BookingID  string          `json:"booking_id"`
	Placements []placementJSON `json:"placements"`
}

func bookingOut(bookingID string, ps []standby.Placement) bookingJSON {
	out := bookingJSON{BookingID: bookingID, Placements: make([]placementJSON, len(ps))}
	for i, p := range ps {
		out.Placements[i] = placementJSON{entryJSON: entryOut(p.Entry), Status: p.Status, Position: p.Position, QueueLength: p.QueueLength}
	}
	return out
}

type estimateJSON struct {
	Flight   standby.FlightKey `json:"flight"`
	Position int               `json:"position"`
}

type cancelledJSON struct {
	BookingID string      `json:"booking_id"`
	Cancelled []entryJSON `json:"cancelled"`
}

type leftJSON struct {
	Entry  entryJSON      `json:"entry"`
	Status standby.Status `json:"status"`
}

type closedJSON struct {
	Flight standby.FlightKey `json:"flight"`
	Closed int               `json:"closed"`
}

// flightJSON is a flight as a request spells it: the operating carrier,
// its flight number as printed ("0100", "SU100", "100A") and the local
// departure date.
type flightJSON struct {
	Carrier string `json:"carrier"`
	Number  string `json:"number"`
	Date    string `json:"date"`
}

// parse reads the flight, naming bad fields under prefix (such as
// "segments[0].flight.").
func (f flightJSON) parse(prefix string) (standby.Flight, error) {
	d, err := parseDate(prefix+"date", f.Date)
	if err != nil {
		return standby.Flight{}, err
	}
	flight, err := standby.Flight{Carrier: f.Carrier, Number: f.Number, Date: d}.Normalize()
	if ve, ok := err.(*bookingkit.ValidationError); ok {
		// Normalize names fields "flight.carrier" and "flight.number".
		return standby.Flight{}, bookingkit.Invalid(prefix+strings.TrimPrefix(ve.Field, "flight."), ve.Value, ve.Reason)
	}
	return flight, err
}

// bookingRequestJSON is a completed standby booking as the engine sends it.
type bookingRequestJSON struct {
	BookingID string `json:"booking_id"`
	BookedAt  string `json:"booked_at"`
	Segments  []struct {
		Flight flightJSON `json:"flight"`
		Cabin  string     `json:"cabin"`
	} `json:"segments"`
	Passengers []struct {
		Employer   string `json:"employer"`
		EmployedOn string `json:"employed_on"`
		Category   *int   `json:"category"`
		// Traveller is the engine's own ID of the person, for the rule of
		// one place per person and flight; optional.
		Traveller string `json:"traveller"`
	} `json:"passengers"`
}

// booking reads the request into a standby.Booking, completed at now()
// when it names no time; the service checks the rest.
func (in bookingRequestJSON) booking(now func() time.Time) (standby.Booking, error) {
	b := standby.Booking{ID: in.BookingID}
	if in.BookedAt == "" {
		b.BookedAt = now()
	} else {
		t, err := parseTime("booked_at", in.BookedAt)
		if err != nil {
			return standby.Booking{}, err
		}
		b.BookedAt = t
	}
	for i, seg := range in.Segments {
		f, err := seg.Flight.parse(fmt.Sprintf("segments[%d].flight.", i))
		if err != nil {
			return standby.Booking{}, err
		}
		cabin, err := standby.ParseCabin(seg.Cabin)
		if err != nil {
			return standby.Booking{}, bookingkit.Invalid(fmt.Sprintf("segments[%d].cabin", i), seg.Cabin, "expected first, business, premium_economy or economy")
		}
		b.Segments = append(b.Segments, standby.Segment{Flight: f, Cabin: cabin})
	}
	for i, p := range in.Passengers {
		employedOn, err := parseDate(fmt.Sprintf("passengers[%d].employed_on", i), p.EmployedOn)
		if err != nil {
			return standby.Booking{}, err
		}
		if p.Category == nil {
			return standby.Booking{}, bookingkit.Invalid(fmt.Sprintf("passengers[%d].category", i), "", "required: the passenger's own category code, 0 to 9")
		}
		b.Passengers = append(b.Passengers, standby.Passenger{Employer: p.Employer, EmployedOn: employedOn, Category: *p.Category, Traveller: p.Traveller})
	}
	return b, nil
}
