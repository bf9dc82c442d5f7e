package mogu

import (
	"strconv"
	"strings"
)

// Channel is where a booking was made.
type Channel int

// The two channels. The zero value is no channel: [Decide] treats it like a
// booking whose contact email is not known to be the traveller's, and
// [Service.RegisterBooking] refuses it.
const (
	B2C Channel = iota + 1 // the traveller booked on the engine's public site
	B2B                    // a travel-agency agent booked for the traveller
)

// String returns "b2c", "b2b" or "channel(N)".
func (c Channel) String() string {
	switch c {
	case B2C:
		return "b2c"
	case B2B:
		return "b2b"
	}
	return "channel(" + strconv.Itoa(int(c)) + ")"
}

// Booking is what the linking rules need to know about a booking of the
// engine.
type Booking struct {
	ID           string
	Channel      Channel
	ContactEmail string
	AgentEmail   string // the agent who made a B2B booking; empty for B2C
	AgencyID     string // empty for B2C
	MicrositeID  string
}

// ContactIsTraveler reports whether b's contact email is the traveller's
// own: always for B2C, and for B2B when the agent did not type their own
// email as the contact. Only then may the trip be listed by email.
func (b Booking) ContactIsTraveler() bool {
	switch b.Channel {
	case B2C:
		return true
	case B2B:
		return !SameEmail(b.ContactEmail, b.AgentEmail)
	}
	return false
}

// Viewer is the person who receives the voucher, as the app sees them.
type Viewer struct {
	HasApp   bool
	SignedIn bool   // meaningful only with HasApp: without the app nobody is signed in
	Email    string // the app account's email (or the one they will register with)
}

// Step is one screen the person goes through in the app.
type Step string

// The steps, in the order they can occur.
const (
	StepStore    Step = "store"    // redirected to the app store to install
	StepRegister Step = "register" // creates the account
	StepSignIn   Step = "sign_in"
	StepOpenTrip Step = "open_trip"
)

// Link is how a trip is tied to an app account.
type Link string

// The ways a trip can be tied to an account.
const (
	LinkNone       Link = ""
	LinkByEmail    Link = "email"    // the account's email is the booking's contact email, and it is the traveller's
	LinkAsTraveler Link = "traveler" // the account scanned the voucher: the QR is the proof
)

// Valid reports whether l is one of the declared links.
func (l Link) Valid() bool {
	return l == LinkNone || l == LinkByEmail || l == LinkAsTraveler
}

// Outcome is what happens when a person meets a booking.
type Outcome struct {
	Steps  []Step // in order; empty when nothing happens
	Link   Link   // how the trip ends up tied to the account, if at all
	Listed bool   // afterwards, the trip is in the account's upcoming trips
}

// Decide applies the trip-linking rules of MOGU to booking b, person v and
// whether they scanned the voucher's QR code. It is a pure function: it
// reads nothing and changes nothing; [Service.Claim] and the trip lists
// apply the same rules to stored data.
//
// If v scanned, the app walks them to the trip (store and registration
// without the app, sign-in when signed out, nothing more when signed in)
// and the trip is linked to their account: by email when their email is the
// contact email and the contact email is the traveller's
// ([Booking.ContactIsTraveler]), otherwise as traveller of the booking.
//
// If v did not scan, the trip is listed by email exactly when v is signed
// in, v's email is the contact email, and the contact email is the
// traveller's; otherwise nothing happens. A B2B booking that carries the
// agent's email therefore never shows up until someone scans.
//
// Emails compare case-insensitively, ignoring surrounding spaces
// ([SameEmail]); an empty email matches nothing.
func Decide(b Booking, v Viewer, scanned bool) Outcome {
	emailMatches := b.ContactIsTraveler() && SameEmail(v.Email, b.ContactEmail)
	signedIn := v.HasApp && v.SignedIn
	if !scanned {
		if signedIn && emailMatches {
			return Outcome{Link: LinkByEmail, Listed: true}
		}
		return Outcome{}
	}
	var steps []Step
	switch {
	case !v.HasApp:
		steps = []Step{StepStore, StepRegister, StepOpenTrip}
	case !v.SignedIn:
		steps = []Step{StepSignIn, StepOpenTrip}
	default:
		steps = []Step{StepOpenTrip}
	}
	link := LinkAsTraveler
	if emailMatches {
		link = LinkByEmail
	}
	return Outcome{Steps: steps, Link: link, Listed: true}
}

// EmailKey returns the form in which emails are compared and stored for
// look-up: surrounding spaces removed, lower case.
func EmailKey(email string) string {
	return strings.ToLower(strings.TrimSpace(email))
}

// SameEmail reports whether a and b are the same email address, ignoring
// case and surrounding spaces. An empty address is the same as nothing.
func SameEmail(a, b string) bool {
	ka := EmailKey(a)
	return ka != "" && ka == EmailKey(b)
}
