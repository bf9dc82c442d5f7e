package mogu

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/bookingkit/bookingkit"
)

// Activation is one change of MOGU's state on a microsite: who turned it on
// or off, and when. The account manager activates MOGU per microsite; the
// history is kept because "why is this booking not in MOGU?" is answered
// by it.
type Activation struct {
	MicrositeID string
	Seq         int64 // 1 for the microsite's first change, then one more each time; 0 means it never changed
	Active      bool
	By          string    // who changed it (the account manager's user ID or email)
	At          time.Time // when
	Note        string    // optional: why
}

// MaxNoteLen bounds [Activation.Note].
const MaxNoteLen = 500

// describe says the activation state in words, for reasons and logs:
// "MOGU is not active for microsite X since <when> by <who>".
func (a Activation) describe() string {
	switch {
	case a.Seq == 0:
		return fmt.Sprintf("MOGU has never been activated for microsite %s", a.MicrositeID)
	case a.Active:
		return fmt.Sprintf("MOGU is active for microsite %s since %s by %s", a.MicrositeID, a.At.UTC().Format(time.RFC3339), a.By)
	default:
		return fmt.Sprintf("MOGU is not active for microsite %s since %s by %s", a.MicrositeID, a.At.UTC().Format(time.RFC3339), a.By)
	}
}

// NotActiveError says that MOGU is not active for a booking's microsite, so
// the booking is not registered and cannot be claimed. It matches
// [bookingkit.ErrConflict]: the request is fine, the microsite's state does
// not allow it.
type NotActiveError struct {
	Activation Activation // the microsite's latest change; Seq 0 when it never changed
}

func (e *NotActiveError) Error() string { return e.Activation.describe() }

// Is makes a *NotActiveError match bookingkit.ErrConflict.
func (e *NotActiveError) Is(target error) bool { return target == bookingkit.ErrConflict }

// SetActive turns MOGU on or off for a microsite and records who did it and
// when. Setting the state the microsite already has records nothing and
// returns the latest change. If another change lands between the read and
// the write, it returns an error matching [bookingkit.ErrConflict] and
// records nothing: read the state again and decide.
//
// Turning MOGU off stops new registrations and claims for the microsite's
// bookings; accounts that already hold a trip keep it.
func (s *Service) SetActive(ctx context.Context, micrositeID string, active bool, by, note string) (Activation, error) {
	if err := validateID("microsite_id", micrositeID); err != nil {
		return Activation{}, err
	}
	if err := validateText("by", by, MaxEmailLen); err != nil {
		return Activation{}, err
	}
	note = strings.TrimSpace(note)
	if len(note) > MaxNoteLen {
		return Activation{}, bookingkit.Invalid("note", "", fmt.Sprintf("at most %d bytes", MaxNoteLen))
	}
	if note != "" {
		if err := validateText("note", note, MaxNoteLen); err != nil {
			return Activation{}, err
		}
	}
	latest, err := s.Activation(ctx, micrositeID)
	if err != nil {
		return Activation{}, err
	}
	if latest.Active == active {
		return latest, nil
	}
	a := Activation{
		MicrositeID: micrositeID,
		Seq:         latest.Seq + 1,
		Active:      active,
		By:          by,
		At:          s.now().UTC().Truncate(time.Microsecond),
		Note:        note,
	}
	if err := s.store.RecordActivation(ctx, a); err != nil {
		return Activation{}, fmt.Errorf("mogu: set microsite %s active=%t: %w", micrositeID, active, err)
	}
	return a, nil
}

// Activation returns the microsite's latest change. For a microsite that
// never changed it returns an inactive Activation with Seq 0 and no error:
// MOGU is off until someone turns it on.
func (s *Service) Activation(ctx context.Context, micrositeID string) (Activation, error) {
	if err := validateID("microsite_id", micrositeID); err != nil {
		return Activation{}, err
	}
	a, err := s.store.LatestActivation(ctx, micrositeID)
	if errors.Is(err, bookingkit.ErrNotFound) {
		return Activation{MicrositeID: micrositeID}, nil
	}
	if err != nil {
		return Activation{}, fmt.Errorf("mogu: activation of microsite %s: %w", micrositeID, err)
	}
	return a, nil
}

// ActivationHistory returns up to limit changes of the microsite, newest
// first, older than beforeSeq (0: from the newest; pass the last Seq of a
// page to get the next). limit is capped at [MaxPageSize].
func (s *Service) ActivationHistory(ctx context.Context, micrositeID string, beforeSeq int64, limit int) ([]Activation, error) {
	if err := validateID("microsite_id", micrositeID); err != nil {
		return nil, err
	}
	if beforeSeq < 0 {
		return nil, bookingkit.Invalid("before", fmt.Sprint(beforeSeq), "0 or a Seq of the history")
	}
	limit, err := pageLimit(limit)
	if err != nil {
		return nil, err
	}
	return s.store.ActivationHistory(ctx, micrositeID, beforeSeq, limit)
}
