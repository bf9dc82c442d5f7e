package partner

import (
	"errors"
	"time"
)

// CheckTimeZone reports whether name is a time zone of the IANA database
// that this process can load, such as Europe/Madrid, or UTC. A name of
// the right shape is not enough: "Mars/Olympus" looks like one, and a
// terminal configured with it would not know its clock.
//
// The zones come from time.LoadLocation: the system's zoneinfo, or the
// copy a program embeds by importing time/tzdata (bookingkitd does, so
// that its answer does not depend on the machine it runs on). A program
// that embeds this package without either refuses every zone but UTC.
// "Local", which names whatever the machine's zone is, is refused.
func CheckTimeZone(name string) error {
	if name == "Local" {
		return errors.New("an IANA time zone such as Europe/Madrid, not Local")
	}
	if _, err := time.LoadLocation(name); err != nil {
		return errors.New("not a time zone of the IANA database; expected one such as Europe/Madrid, or UTC")
	}
	return nil
}
