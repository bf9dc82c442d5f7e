package staffidhttp

import (
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/standby"
)

// The JSON shapes of the employees' routes.

// staffTravellerJSON is what a ticket needs of a person, in a person's
// and a booked passenger's JSON alike.
type staffTravellerJSON struct {
	LastNameEng   string `json:"last_name_eng"`
	FirstNameEng  string `json:"first_name_eng"`
	MiddleNameEng string `json:"middle_name_eng,omitempty"`
	BirthDay      string `json:"birth_day"`
	Sex           string `json:"sex"`
	CategoryCode  int    `json:"category_code"`
}

// staffPersonJSON is a person of the list as the employee sees them.
type staffPersonJSON struct {
	ID         string `json:"id"`
	IsEmployee bool   `json:"is_employee"`
	LastName   string `json:"last_name"`
	FirstName  string `json:"first_name"`
	MiddleName string `json:"middle_name,omitempty"`
	staffTravellerJSON
	RelationDegree   string `json:"relation_degree,omitempty"`
	EmployeeID       string `json:"employee_id,omitempty"`
	DateOfEmployment string `json:"date_of_employment,omitempty"`
}

func staffPersonOut(p staffid.Person) staffPersonJSON {
	out := staffPersonJSON{
		ID: p.ID, IsEmployee: p.IsEmployee, LastName: p.LastName, FirstName: p.FirstName, MiddleName: p.MiddleName,
		staffTravellerJSON: staffTravellerJSON{LastNameEng: p.LastNameEng, FirstNameEng: p.FirstNameEng, MiddleNameEng: p.MiddleNameEng,
			BirthDay: p.BirthDay.String(), Sex: p.Sex, CategoryCode: p.CategoryCode},
		RelationDegree: p.RelationDegree,
	}
	if p.IsEmployee {
		out.EmployeeID, out.DateOfEmployment = p.EmployeeID, p.DateOfEmployment.String()
	}
	return out
}

type staffMeJSON struct {
	Email    string          `json:"email"`
	Employee staffPersonJSON `json:"employee"`
}

type staffSessionJSON struct {
	SessionToken string `json:"session_token"`
	staffMeJSON
}

func staffSessionOut(s staffid.SignedIn) staffSessionJSON {
	return staffSessionJSON{SessionToken: s.Session, staffMeJSON: staffMeJSON{Email: s.Account.Email, Employee: staffPersonOut(s.Employee)}}
}

// staffFlightJSON is a flight as a booking spells it: the operating
// carrier, its flight number as printed ("0100", "SU100", "100A") and the
// local departure date.
type staffFlightJSON struct {
	Carrier string `json:"carrier"`
	Number  string `json:"number"`
	Date    string `json:"date"`
}

// parse returns the flight, normalised; errors name "flight.date",
// "flight.carrier" or "flight.number".
func (f staffFlightJSON) parse() (standby.Flight, error) {
	if f.Date == "" {
		return standby.Flight{}, bookingkit.Invalid("flight.date", "", "required, as YYYY-MM-DD")
	}
	d, err := time.Parse(time.DateOnly, f.Date)
	if err != nil {
		return standby.Flight{}, bookingkit.Invalid("flight.date", f.Date, "a date as YYYY-MM-DD")
	}
	return standby.Flight{Carrier: f.Carrier, Number: f.Number, Date: d}.Normalize()
}

// staffBookingRequestJSON is a booking as the engine sends it.
type staffBookingRequestJSON struct {
	Flight        staffFlightJSON `json:"flight"`
	FareBasis     string          `json:"fare_basis"`
	PassengerType string          `json:"passenger_type"`
	Cabin         string          `json:"cabin"`
	Passengers    []struct {
		PersonID      string `json:"person_id"`
		LastNameEng   string `json:"last_name_eng"`
		FirstNameEng  string `json:"first_name_eng"`
		MiddleNameEng string `json:"middle_name_eng"`
		BirthDay      string `json:"birth_day"`
		Sex           string `json:"sex"`
	} `json:"passengers"`
}

// staffPlaceJSON is where a standby passenger stands; position and
// queue_length only while waiting.
type staffPlaceJSON struct {
	Status      standby.Status `json:"status"`
	Position    int            `json:"position,omitempty"`
	QueueLength int            `json:"queue_length,omitempty"`
}

type staffPassengerJSON struct {
	PersonID   string `json:"person_id"`
	IsEmployee bool   `json:"is_employee"`
	staffTravellerJSON
	Standby *staffPlaceJSON `json:"standby,omitempty"`
}

type staffBookingJSON struct {
	ID            string               `json:"id"`
	Flight        staffFlightJSON      `json:"flight"`
	FlightKey     standby.FlightKey    `json:"flight_key"`
	FareBasis     string               `json:"fare_basis,omitempty"`
	PassengerType string               `json:"passenger_type"`
	Cabin         standby.Cabin        `json:"cabin"`
	Standby       bool                 `json:"standby"`
	BookedBy      string               `json:"booked_by"`
	CreatedAt     time.Time            `json:"created_at"`
	Passengers    []staffPassengerJSON `json:"passengers"`
}

func staffBookingOut(v staffid.BookingView) staffBookingJSON {
	out := staffBookingJSON{
		ID: v.ID, FlightKey: v.Flight.Key(),
		Flight:    staffFlightJSON{Carrier: v.Flight.Carrier, Number: v.Flight.Number, Date: v.Flight.Date.Format(time.DateOnly)},
		FareBasis: v.FareBasis, PassengerType: v.PassengerType, Cabin: v.Cabin, Standby: v.Standby,
		BookedBy: v.BookedBy, CreatedAt: v.CreatedAt, Passengers: make([]staffPassengerJSON, len(v.Passengers)),
	}
	for i, p := range v.Passengers {
		out.Passengers[i] = staffPassengerJSON{
			PersonID: p.PersonID, IsEmployee: p.IsEmployee, staffTravellerJSON: staffTravellerJSON{LastNameEng: p.LastNameEng,
				FirstNameEng: p.FirstNameEng, MiddleNameEng: p.MiddleNameEng, BirthDay: p.BirthDay.String(), Sex: p.Sex, CategoryCode: p.CategoryCode},
		}
	}
	for _, pl := range v.Placements {
		if i := pl.Entry.Passenger; i >= 0 && i < len(out.Passengers) {
			out.Passengers[i].Standby = &staffPlaceJSON{Status: pl.Status, Position: pl.Position, QueueLength: pl.QueueLength}
		}
	}
	return out
}

// staffOwnPlaceJSON is one of the employee's passengers waiting on the
// flight.
type staffOwnPlaceJSON struct {
	BookingID   string `json:"booking_id"`
	PersonID    string `json:"person_id"`
	Position    int    `json:"position"`
	QueueLength int    `json:"queue_length"`
}

type staffEstimateJSON struct {
	PersonID string `json:"person_id"`
	Position int    `json:"position"`
}
