package staffidhttp

import (
	"fmt"
	"net/http"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/httpapi"
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/standby"
)

// staffResultsRequestJSON is a page of search results: the employee's
// chosen party and the fares shown.
type staffResultsRequestJSON struct {
	Passengers []string `json:"passengers"`
	Fares      []struct {
		Flight        staffFlightJSON `json:"flight"`
		Cabin         string          `json:"cabin"`
		PassengerType string          `json:"passenger_type"`
		// OpenSeats and ExpectedNoShows are what the engine sees of the
		// cabin; without open_seats nothing is said of the chance.
		OpenSeats       *int `json:"open_seats"`
		ExpectedNoShows int  `json:"expected_no_shows"`
	} `json:"fares"`
}

// staffFareOutlookJSON is the answer for one fare, in the order asked.
type staffFareOutlookJSON struct {
	Standby bool `json:"standby"`
	// NoStandby is "closed" or "departed" for a standby fare on a flight
	// that takes no standby passengers.
	NoStandby string              `json:"no_standby,omitempty"`
	Places    []staffEstimateJSON `json:"places,omitempty"`
	Chance    *staffChanceJSON    `json:"chance,omitempty"`
}

type staffChanceJSON struct {
	Level     standby.ChanceLevel `json:"level"`
	LastPlace int                 `json:"last_place"`
	Fitting   int                 `json:"fitting"`
	Reason    string              `json:"reason"`
}

// standbyResults answers a results page in one call
// ([staffid.Bookings.EstimateFares]): per fare, whether it is a standby
// fare and each passenger's place, with the party's chance of boarding
// when the fare carries open_seats. The passenger-data page asks the
// same for its one fare.
func (h *StaffHandler) standbyResults(w http.ResponseWriter, r *http.Request, e staffid.SignedIn) error {
	var in staffResultsRequestJSON
	if err := httpapi.DecodeJSON(r, &in); err != nil {
		return err
	}
	if len(in.Fares) > staffid.MaxResultFares {
		return bookingkit.Invalid("fares", fmt.Sprint(len(in.Fares)), fmt.Sprintf("at most %d", staffid.MaxResultFares))
	}
	fares := make([]staffid.ResultFare, len(in.Fares))
	for i, f := range in.Fares {
		flight, err := f.Flight.parse()
		if err != nil {
			return bookingkit.InvalidWithin(fmt.Sprintf("fares[%d]", i), err)
		}
		cabin := standby.Economy
		if f.Cabin != "" {
			if cabin, err = standby.ParseCabin(f.Cabin); err != nil {
				return bookingkit.InvalidWithin(fmt.Sprintf("fares[%d]", i), err)
			}
		}
		fares[i] = staffid.ResultFare{Flight: flight, Cabin: cabin, PassengerType: f.PassengerType}
		if f.OpenSeats != nil {
			fares[i].Seats = &standby.Seats{Open: *f.OpenSeats, NoShows: f.ExpectedNoShows}
		}
	}
	outlooks, err := h.bookings.EstimateFares(r.Context(), e.Employee.ID, in.Passengers, fares)
	if err != nil {
		return err
	}
	out := make([]staffFareOutlookJSON, len(outlooks))
	for i, o := range outlooks {
		out[i].Standby = o.Standby
		if o.NoStandby != nil {
			out[i].NoStandby = "departed"
			if o.NoStandby.Closed {
				out[i].NoStandby = "closed"
			}
		}
		for _, p := range o.Places {
			out[i].Places = append(out[i].Places, staffEstimateJSON(p))
		}
		if c := o.Chance; c != nil {
			out[i].Chance = &staffChanceJSON{Level: c.Level, LastPlace: c.LastPlace, Fitting: c.Fitting, Reason: c.Reason}
		}
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"fares": out})
	return nil
}
