package main

import (
	"strings"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/standby"
)

// standbyFlightJSON is a flight as a staff booking spells it (staff.go);
// it goes when staff.go's handlers move to staffid/staffidhttp, which has
// its own.
type standbyFlightJSON struct {
	Carrier string `json:"carrier"`
	Number  string `json:"number"`
	Date    string `json:"date"`
}

func (f standbyFlightJSON) parse(prefix string) (standby.Flight, error) {
	if f.Date == "" {
		return standby.Flight{}, bookingkit.Invalid(prefix+"date", "", "required, as YYYY-MM-DD")
	}
	d, err := time.Parse(time.DateOnly, f.Date)
	if err != nil {
		return standby.Flight{}, bookingkit.Invalid(prefix+"date", f.Date, "a date as YYYY-MM-DD")
	}
	flight, err := standby.Flight{Carrier: f.Carrier, Number: f.Number, Date: d}.Normalize()
	if ve, ok := err.(*bookingkit.ValidationError); ok {
		return standby.Flight{}, bookingkit.Invalid(prefix+strings.TrimPrefix(ve.Field, "flight."), ve.Value, ve.Reason)
	}
	return flight, err
}
