package partner

import (
	"github.com/bookingkit/bookingkit"
)

// State is where an instance or a licence is in its life cycle. Licences
// use three of the states: active, deactivation_requested and deactivated.
type State string

// The states. StateExpired is never stored: an active instance whose
// expiry date has passed reads as expired (see [Instance.Status]) until its
// expiry is extended, so the state can never be stale.
const (
	StateDraft                 State = "draft"
	StateProvisioned           State = "provisioned"
	StateCancelled             State = "cancelled"
	StateActive                State = "active"
	StateExpired               State = "expired"
	StateDeactivationRequested State = "deactivation_requested"
	StateDeactivated           State = "deactivated"
)

// InstanceStates lists the statuses an instance can read as, in life
// cycle order: the rows of a report by state.
var InstanceStates = []State{StateDraft, StateProvisioned, StateCancelled, StateActive, StateExpired, StateDeactivationRequested, StateDeactivated}

// LicenceStates lists the states of a licence, in life cycle order.
var LicenceStates = []State{StateActive, StateDeactivationRequested, StateDeactivated}

// Event is something that happens to an instance or a licence.
type Event string

// The events. An instance knows all but bind and release; a licence knows
// bind, release and the deactivation events.
const (
	EventProvision            Event = "provision"
	EventCancel               Event = "cancel"
	EventGenerate             Event = "generate"
	EventEdit                 Event = "edit"
	EventExtendExpiry         Event = "extend_expiry"
	EventClearSession         Event = "clear_session"
	EventAddLicences          Event = "add_licences"
	EventRequestDeactivation  Event = "request_deactivation"
	EventWithdrawDeactivation Event = "withdraw_deactivation"
	EventApproveDeactivation  Event = "approve_deactivation"
	EventRejectDeactivation   Event = "reject_deactivation"
	EventBind                 Event = "bind"
	EventRelease              Event = "release"
)

// transition is one row of a life cycle table.
type transition struct {
	from  State
	event Event
	to    State
	// adminOnly rows may be taken by an administrator only.
	adminOnly bool
}

// instanceTransitions is the instance life cycle, row by row. An event not
// listed for a state is refused. Rows keyed by the instance's status, so
// that an expired instance can be extended or deactivated but not, say,
// given new licences.
//
//	draft --provision--> provisioned --generate--> active --request--> deactivation_requested --approve--> deactivated
//	  |                     |                        ^                           |
//	  +------cancel---------+--> cancelled           +------ reject / withdraw --+
var instanceTransitions = []transition{
	{StateDraft, EventEdit, StateDraft, false},
	{StateDraft, EventProvision, StateProvisioned, false},
	{StateDraft, EventCancel, StateCancelled, false},
	{StateProvisioned, EventCancel, StateCancelled, false},
	{StateProvisioned, EventGenerate, StateActive, false},

	{StateActive, EventEdit, StateActive, false},
	{StateActive, EventExtendExpiry, StateActive, false},
	{StateActive, EventClearSession, StateActive, false},
	{StateActive, EventAddLicences, StateActive, false},
	{StateActive, EventRequestDeactivation, StateDeactivationRequested, false},

	// An expired instance is stored as active: these rows lead back to it.
	{StateExpired, EventEdit, StateActive, false},
	{StateExpired, EventExtendExpiry, StateActive, false},
	{StateExpired, EventRequestDeactivation, StateDeactivationRequested, false},

	{StateDeactivationRequested, EventWithdrawDeactivation, StateActive, false},
	{StateDeactivationRequested, EventApproveDeactivation, StateDeactivated, true},
	{StateDeactivationRequested, EventRejectDeactivation, StateActive, true},
}

// licenceTransitions is the licence life cycle. A licence is created
// active and free; bind and release move its terminal, not its state.
var licenceTransitions = []transition{
	{StateActive, EventBind, StateActive, false},
	{StateActive, EventRelease, StateActive, false},
	{StateActive, EventRequestDeactivation, StateDeactivationRequested, false},
	{StateDeactivationRequested, EventRelease, StateDeactivationRequested, false},
	{StateDeactivationRequested, EventWithdrawDeactivation, StateActive, false},
	{StateDeactivationRequested, EventApproveDeactivation, StateDeactivated, true},
	{StateDeactivationRequested, EventRejectDeactivation, StateActive, true},
}

// TransitionError says that an event is not allowed in an object's current
// state. It matches [bookingkit.ErrConflict] under errors.Is.
type TransitionError struct {
	Object string // "instance" or "licence"
	ID     string
	State  State
	Event  Event
}

func (e *TransitionError) Error() string { return e.Message().String() }

// Message is the error's text for people, to be said in their language;
// the event and the state keep the API's names.
func (e *TransitionError) Message() bookingkit.Message {
	var object any = e.Object
	switch e.Object {
	case "instance":
		object = bookingkit.Msg("instance")
	case "licence":
		object = bookingkit.Msg("licence")
	}
	if e.ID == "" {
		return bookingkit.Msg("%s: %s is not allowed in state %s", object, string(e.Event), string(e.State))
	}
	return bookingkit.Msg("%s %s: %s is not allowed in state %s", object, e.ID, string(e.Event), string(e.State))
}

// Is makes a *TransitionError match bookingkit.ErrConflict.
func (e *TransitionError) Is(target error) bool { return target == bookingkit.ErrConflict }

// NextInstanceState returns the state an instance with the given status
// moves to on event, or a [*TransitionError] when the life cycle does not
// allow the event in that status. It does not check who is asking: see
// [Service] for that.
func NextInstanceState(status State, event Event) (State, error) {
	t, err := lookup(instanceTransitions, "instance", "", status, event)
	return t.to, err
}

// NextLicenceState is [NextInstanceState] for licences.
func NextLicenceState(state State, event Event) (State, error) {
	t, err := lookup(licenceTransitions, "licence", "", state, event)
	return t.to, err
}

func lookup(table []transition, object, id string, from State, event Event) (transition, error) {
	for _, t := range table {
		if t.from == from && t.event == event {
			return t, nil
		}
	}
	return transition{}, &TransitionError{Object: object, ID: id, State: from, Event: event}
}

// InstanceEvents returns the events the instance life cycle allows in status, in
// table order; the server offers these as the instance's actions.
func InstanceEvents(status State) []Event { return events(instanceTransitions, status) }

// LicenceEvents returns the events the licence life cycle allows in state.
func LicenceEvents(state State) []Event { return events(licenceTransitions, state) }

// LicenceActions returns the events a person may take on l, the ones the
// server offers as the licence's actions: the life cycle's events in l's
// state ([LicenceEvents]) except bind, as terminals bind themselves, and
// except release while no terminal holds l.
func LicenceActions(l Licence) []Event {
	var out []Event
	for _, e := range LicenceEvents(l.State) {
		if e == EventBind || (e == EventRelease && l.Terminal.IsZero()) {
			continue
		}
		out = append(out, e)
	}
	return out
}

func events(table []transition, from State) []Event {
	var out []Event
	for _, t := range table {
		if t.from == from {
			out = append(out, t.event)
		}
	}
	return out
}
