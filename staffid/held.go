package staffid

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/bookingkit/bookingkit"
)

// A held list is Entra ID's accidental-deletion quarantine brought to the
// employee list: when the mass-block guard stops a list that was not
// forced, the importer keeps it as pending instead of refusing it, tells
// the managers ([Importer.OnHold]), and a manager looks at its preview
// ([Importer.Held]: the people it would create, update, block and
// unblock, by name) and approves ([Importer.ApproveHeld]) or rejects
// ([Importer.RejectHeld]) it. One list at most is held: the newest. A
// newer upload that is held replaces it, and one that is imported
// (forced or not) supersedes it, since a list older than the stored one
// must never be applied over it.
//
// The held list is kept as its people, decoded and checked, written as
// the export's JSON list; approving it reads them again with the same
// rules and plans them against the people stored at that moment, under
// the import lock. It is applied only when the stored people are exactly
// those it was held against (the basis, a digest of every stored
// person's ID, digest and state) and it plans the same changes: then
// what is applied is what the manager saw. Otherwise a newer import ran in
// between (or the settings changed), the held list is older than what is
// stored, and it is superseded: not applied, not held again, and the
// approval answers [ErrHeldStale]. The history records every step: the
// held upload (report status "Held"), and an entry for its approval (the
// import it applied), rejection or supersession, each naming the held
// list in Report.Held.

// StatusHeld is the report status of a list the mass-block guard held for
// a manager's decision: neither imported ("Ok") nor refused ("Error").
const StatusHeld = "Held"

// Decision says what became of a held list.
type Decision string

// Decisions on a held list.
const (
	// DecisionApproved: a manager approved it and it was imported.
	DecisionApproved Decision = "approved"
	// DecisionRejected: a manager rejected it; nothing was imported.
	DecisionRejected Decision = "rejected"
	// DecisionSuperseded: a newer list was held or imported, or the
	// stored people changed before the approval; nothing was imported.
	DecisionSuperseded Decision = "superseded"
)

// HeldNote is the held list's part of a report: on the answer to the
// upload that was held, and on the history's entries that decide it.
type HeldNote struct {
	// ID is the held list's: the ID of the held upload's history entry.
	ID int64 `json:"id"`
	// Decision is what became of it; empty while it is held.
	Decision Decision `json:"decision,omitempty"`
}

// ErrHeld: the list would block more than Config.MassBlockThreshold of
// the active people and was held for a manager's decision instead of
// being imported (the report's status is "Held"). It matches ErrMassBlock,
// and so bookingkit.ErrConflict: nothing was imported.
var ErrHeld error = &importError{"mass blocking held for a manager's approval", ErrMassBlock}

// ErrHeldStale: a held list could not be approved because the stored
// people changed since it was held (a newer list was imported) or it no
// longer plans as it did; it is superseded. Matches bookingkit.ErrConflict.
var ErrHeldStale error = &importError{"the held list is stale", bookingkit.ErrConflict}

// HeldList is a list the mass-block guard held.
type HeldList struct {
	// ID is the ID of the held upload's history entry.
	ID     int64     `json:"id"`
	At     time.Time `json:"at"` // when it was uploaded
	Source Source    `json:"source"`
	Actor  string    `json:"actor,omitempty"`
	// Counts are what approving it would do, as planned when it was held.
	Counts SyncCounts `json:"counts"`
	// Report is the answer the upload got, with the preview: Changes
	// names the people it would create, update, block and unblock.
	Report Report `json:"report"`
	// Basis is the digest of the stored people it was planned against.
	Basis string `json:"-"`
	// List is its people as the export's JSON list. [HeldListStore.Held]
	// may leave it out; [HeldListStore.TakeHeld] returns it.
	List []byte `json:"-"`
}

// HeldListStore keeps the held list, at most one. The adapters under
// storage/ implement it beside the [Store].
type HeldListStore interface {
	// Hold keeps l as the held list. An older one held (a smaller ID) is
	// replaced; when a newer one is held already, l is not kept. It
	// returns the ID of the list that is no longer held because of the
	// call, the replaced one or l's own, or 0.
	Hold(ctx context.Context, l HeldList) (dropped int64, err error)
	// Held returns the held list, its List possibly empty, or an error
	// matching bookingkit.ErrNotFound.
	Held(ctx context.Context) (HeldList, error)
	// TakeHeld removes the held list with the ID and returns it whole, or
	// returns an error matching bookingkit.ErrNotFound when it is not
	// the one held. Of two calls at once, one takes it.
	TakeHeld(ctx context.Context, id int64) (HeldList, error)
	// DropHeld removes the held list when its ID is below before, and
	// returns its ID (0 when none was dropped).
	DropHeld(ctx context.Context, before int64) (dropped int64, err error)
}

// errHeldStale ends an approval's transaction when the stored people are
// no longer those the list was held against.
var errHeldStale = errors.New("staffid: the held list is stale")

// heldDraft is what the plan of a list to hold keeps for [Importer.hold].
type heldDraft struct {
	people []*Person
	counts SyncCounts
	basis  string
	plan   *Plan
}

// draftHeld reads a list the guard holds again, whole, from the copy
// kept while it was read, and plans it against current, the people
// stored when the guard held it: the held list and its preview.
func (im *Importer) draftHeld(ctx context.Context, spool *os.File, format Format, now time.Time, current []PersonState) (*heldDraft, error) {
	if spool == nil {
		return nil, errors.New("staffid: a held list was not kept while it was read")
	}
	if _, err := spool.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("reading the held list again: %w", err)
	}
	l, err := im.read(ctx, spool, format, now, nil)
	if err != nil {
		return nil, fmt.Errorf("reading the held list again: %w", err)
	}
	people := l.people()
	plan := PlanSync(current, people, now)
	return &heldDraft{people: people, counts: plan.Counts, basis: heldBasis(current), plan: plan}, nil
}

// heldBasis is a digest of the stored people's states, whatever order the
// store reads them in: the sum, lane by lane, of each state's SHA-256.
func heldBasis(current []PersonState) string {
	var lanes [4]uint64
	for _, s := range current {
		h := sha256.New()
		h.Write([]byte(s.ID))
		h.Write([]byte{0})
		h.Write([]byte(s.Digest))
		if s.Blocked {
			h.Write([]byte{1})
		}
		var sum [sha256.Size]byte
		for i, b := 0, h.Sum(sum[:0]); i < 4; i++ {
			lanes[i] += binary.BigEndian.Uint64(b[8*i:])
		}
	}
	out := make([]byte, 0, 40)
	out = binary.BigEndian.AppendUint64(out, uint64(len(current)))
	for _, l := range lanes {
		out = binary.BigEndian.AppendUint64(out, l)
	}
	return hex.EncodeToString(out)
}

// heldReport is the answer to an upload that is held.
func heldReport(plan *Plan, threshold float64, input int) *Report {
	r := errorReport(fmt.Sprintf("%s: %s; it waits for a manager to approve or reject it", ErrHeld, plan.blockShare(threshold)), input)
	r.Status = StatusHeld
	return r
}

// encodeHeldList writes people as the export's JSON list.
func encodeHeldList(people []*Person) ([]byte, error) {
	var buf bytes.Buffer
	e := &jsonExport{w: bufio.NewWriter(&buf)}
	if err := e.begin(); err != nil {
		return nil, err
	}
	for _, p := range people {
		if err := e.person(p); err != nil {
			return nil, err
		}
	}
	if err := e.end(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// hold keeps the list the plan of entry held, and tells the managers.
func (im *Importer) hold(ctx context.Context, entry HistoryEntry, opts ImportOptions, report *Report, d *heldDraft) (*Report, error) {
	report.Held = &HeldNote{ID: entry.ID}
	list, err := encodeHeldList(d.people)
	if err != nil {
		return nil, fmt.Errorf("keeping the held list: %w", err)
	}
	people, _ := im.store.(PeopleStore)
	preview := *report
	if preview.Changes, err = describeChanges(ctx, people, d.plan); err != nil {
		return nil, fmt.Errorf("keeping the held list: %w", err)
	}
	h := HeldList{ID: entry.ID, At: entry.At, Source: opts.Source, Actor: opts.Actor, Counts: d.counts, Report: preview, Basis: d.basis, List: list}
	dropped, err := im.HeldStore.Hold(ctx, h)
	if err != nil {
		return nil, fmt.Errorf("keeping the held list: %w", err)
	}
	switch dropped {
	case 0:
	case entry.ID: // a newer one was held meanwhile
		if err := im.supersede(ctx, dropped, opts, "a newer list was held"); err != nil {
			return nil, err
		}
	default:
		if err := im.supersede(ctx, dropped, opts, fmt.Sprintf("a newer list was held (held list %d)", entry.ID)); err != nil {
			return nil, err
		}
	}
	if dropped != entry.ID && im.OnHold != nil {
		h.List = nil
		im.OnHold(context.WithoutCancel(ctx), h)
	}
	return report, ErrHeld
}

// dropHeld supersedes a list held before the applied import entry.
func (im *Importer) dropHeld(ctx context.Context, entry HistoryEntry, opts ImportOptions) error {
	dropped, err := im.HeldStore.DropHeld(ctx, entry.ID)
	if err != nil || dropped == 0 {
		return err
	}
	return im.supersede(ctx, dropped, opts, fmt.Sprintf("a newer list was imported (import %d)", entry.ID))
}

// supersede records in the history that the held list id is superseded,
// because of why, by the upload or decision of opts.
func (im *Importer) supersede(ctx context.Context, id int64, opts ImportOptions, why string) error {
	_, err := im.decide(ctx, HeldList{ID: id}, opts, DecisionSuperseded, "superseded: "+why)
	return err
}

// decide records the decision d on the held list h in the history, the
// report's message saying "held list <ID> <what>", and returns the
// entry's report.
func (im *Importer) decide(ctx context.Context, h HeldList, opts ImportOptions, d Decision, what string) (*Report, error) {
	report := errorReport(fmt.Sprintf("held list %d %s; nothing was imported", h.ID, what), h.Report.InputRecordsCount)
	report.Held = &HeldNote{ID: h.ID, Decision: d}
	opts.Force = false // a decision forces nothing, whatever the upload that made it did
	if _, err := im.store.AddImportHistory(ctx, newHistoryEntry(im.now(), opts, report)); err != nil {
		return report, fmt.Errorf("recording the %s held list in the history: %w", d, err)
	}
	return report, nil
}

// holding reports whether the importer holds the lists the guard stops.
func (im *Importer) holding() bool { return im.HeldStore != nil }

// Held returns the held list with its preview (Report.Changes), or an
// error matching bookingkit.ErrNotFound when none is held.
func (im *Importer) Held(ctx context.Context) (HeldList, error) {
	if !im.holding() {
		return HeldList{}, errNoHeld(0)
	}
	h, err := im.HeldStore.Held(ctx)
	if errors.Is(err, bookingkit.ErrNotFound) {
		return HeldList{}, errNoHeld(0)
	} else if err != nil {
		return HeldList{}, err
	}
	h.List = nil
	return h, nil
}

// errNoHeld says that no list is held, or not the one with the ID (when
// not 0), in the language of whoever reads it.
func errNoHeld(id int64) error {
	if id == 0 {
		return bookingkit.Errorf("no employee list is held: %w", bookingkit.ErrNotFound)
	}
	return bookingkit.Errorf("held list %d is not held (approved, rejected or replaced by a newer list): %w", id, bookingkit.ErrNotFound)
}

// ApproveHeld imports the held list with the ID on a manager's decision:
// its people are read again from the kept list and planned against the
// stored people under the import lock, and applied past the mass-block
// guard, since the manager saw whom it blocks, when the stored people
// are those it was held against and the plan is the one previewed. The
// report (status "Ok", Report.Held naming the list as approved) goes to
// the history as an import's, with opts.Source and opts.Actor (who
// approved; Force and DryRun are not used).
//
// A list that is not held (decided, replaced, or never held) gives an
// error matching bookingkit.ErrNotFound. A stale one (see [HeldList]) is
// superseded: the report says so and the error matches ErrHeldStale.
// Other errors (the store failing, ctx ending) leave the list held, so
// that the decision can be made again.
func (im *Importer) ApproveHeld(ctx context.Context, id int64, opts ImportOptions) (*Report, error) {
	start := time.Now()
	report, err := im.approveHeld(ctx, id, opts)
	if im.Observe != nil && (report != nil || err != nil) {
		im.Observe(report, err, time.Since(start))
	}
	return report, err
}

func (im *Importer) approveHeld(ctx context.Context, id int64, opts ImportOptions) (*Report, error) {
	h, opts, err := im.takeHeld(ctx, id, opts)
	if err != nil {
		return nil, err
	}
	now := im.now()
	l, err := im.read(ctx, bytes.NewReader(h.List), FormatJSON, now, nil)
	if err != nil && !isRefusal(err) {
		return nil, im.holdAgain(ctx, h, opts, err)
	}
	if err != nil || l.invalid > 0 {
		return im.staleHeld(ctx, h, opts, "its people no longer pass the import's checks (the settings changed)")
	}
	people := l.people()
	employees, companions := l.counts()
	var (
		report  *Report
		applied *Plan
		why     string
	)
	_, err = im.store.ApplyImport(ctx, func(current []PersonState) (*Plan, error) {
		plan := PlanSync(current, people, now)
		switch {
		case heldBasis(current) != h.Basis:
			why = "the stored list changed since it was held (a newer list was imported)"
			return nil, errHeldStale
		case plan.Counts != h.Counts:
			why = "it no longer plans the changes it was held with (the settings changed)"
			return nil, errHeldStale
		}
		counts := plan.Counts
		report = &Report{
			Status:             StatusOk,
			InputRecordsCount:  len(people),
			ImportedTotal:      len(people),
			EmployeesImported:  employees,
			CompanionsImported: companions,
			InvalidRecords:     []InvalidRecord{},
			SyncCounts:         &counts,
			Held:               &HeldNote{ID: h.ID, Decision: DecisionApproved},
		}
		plan.Entry = newHistoryEntry(now, opts, report)
		applied = plan
		return plan, nil
	})
	switch {
	case errors.Is(err, errHeldStale):
		return im.staleHeld(ctx, h, opts, why)
	case err != nil:
		return nil, im.holdAgain(ctx, h, opts, err)
	}
	if im.AfterImport != nil {
		im.AfterImport(context.WithoutCancel(ctx), applied.Update)
	}
	return report, nil
}

// staleHeld supersedes the held list h that an approval found stale.
func (im *Importer) staleHeld(ctx context.Context, h HeldList, opts ImportOptions, why string) (*Report, error) {
	report, err := im.decide(ctx, h, opts, DecisionSuperseded, "superseded: "+why)
	if err != nil {
		return nil, err
	}
	return report, fmt.Errorf("%w: %s; it is not imported: upload the list again if it is still right", ErrHeldStale, why)
}

// holdAgain puts back the held list h that an approval took and could
// not decide on because of cause, and returns cause.
func (im *Importer) holdAgain(ctx context.Context, h HeldList, opts ImportOptions, cause error) error {
	ctx = context.WithoutCancel(ctx)
	dropped, err := im.HeldStore.Hold(ctx, h)
	if err != nil {
		return fmt.Errorf("%w (and the held list %d could not be kept: %w)", cause, h.ID, err)
	}
	if dropped == h.ID {
		if err := im.supersede(ctx, h.ID, opts, "a newer list was held meanwhile"); err != nil {
			return fmt.Errorf("%w (and %w)", cause, err)
		}
	}
	return cause
}

// RejectHeld discards the held list with the ID on a manager's decision:
// nothing is imported, and the history records the rejection, with
// opts.Source and opts.Actor (who rejected). Its report says so (status
// "Error", Report.Held naming the list as rejected). A list that is not
// held gives an error matching bookingkit.ErrNotFound.
func (im *Importer) RejectHeld(ctx context.Context, id int64, opts ImportOptions) (*Report, error) {
	h, opts, err := im.takeHeld(ctx, id, opts)
	if err != nil {
		return nil, err
	}
	return im.decide(ctx, h, opts, DecisionRejected, "rejected by "+actorName(opts))
}

// takeHeld takes the held list with the ID for a decision by opts
// (defaults filled in): of two decisions at once, one gets it.
func (im *Importer) takeHeld(ctx context.Context, id int64, opts ImportOptions) (HeldList, ImportOptions, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return HeldList{}, opts, err
	}
	if !im.holding() {
		return HeldList{}, opts, errNoHeld(id)
	}
	h, err := im.HeldStore.TakeHeld(ctx, id)
	if errors.Is(err, bookingkit.ErrNotFound) {
		return HeldList{}, opts, errNoHeld(id)
	}
	return h, opts, err
}

// actorName names who decided, for a report's message.
func actorName(opts ImportOptions) string {
	if opts.Actor != "" {
		return opts.Actor
	}
	return "a manager (" + string(opts.Source) + ")"
}
