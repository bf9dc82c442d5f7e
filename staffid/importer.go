package staffid

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/bookingkit/bookingkit"
)

// Limits bound what one upload may cost. The zero value of each field means
// its default.
type Limits struct {
	// MaxRecords is the most records a list may hold (default 1 000 000).
	MaxRecords int
	// MaxUnzipSize is the most bytes a workbook may unpack to, all parts
	// together (default 256 MiB): a zip bomb stops here, before inflating.
	MaxUnzipSize int64
	// MaxUnzipXMLSize is the size above which a worksheet is unpacked to a
	// temporary file instead of memory (default 16 MiB).
	MaxUnzipXMLSize int64
	// MaxReportBytes bounds the invalid records a report lists, echoes
	// and errors together (default 8 MiB); Report.InvalidRecordsOmitted
	// counts the ones left out. It also bounds what the import keeps of
	// invalid records while it reads (twice this).
	MaxReportBytes int
	// MaxEchoBytes bounds the echoes of valid records kept while the list
	// is read, in case a rule over the whole list makes them invalid
	// (default 64 MiB, the default upload limit of the server: a JSON
	// list's echoes are never larger than the list). A record read past
	// it that turns invalid is echoed from its fields.
	MaxEchoBytes int
}

func (l Limits) withDefaults() Limits {
	if l.MaxRecords <= 0 {
		l.MaxRecords = 1_000_000
	}
	if l.MaxUnzipSize <= 0 {
		l.MaxUnzipSize = 256 << 20
	}
	if l.MaxUnzipXMLSize <= 0 {
		l.MaxUnzipXMLSize = 16 << 20
	}
	l.MaxUnzipXMLSize = min(l.MaxUnzipXMLSize, l.MaxUnzipSize)
	if l.MaxReportBytes <= 0 {
		l.MaxReportBytes = 8 << 20
	}
	if l.MaxEchoBytes <= 0 {
		l.MaxEchoBytes = 64 << 20
	}
	return l
}

// ImportOptions say who imports and how.
type ImportOptions struct {
	// Source is the door the list came through (default SourceAPI).
	Source Source
	// Actor names who uploaded, for the history (free text).
	Actor string
	// Force overrides the mass-block guard: an empty list, or one that
	// blocks more than Config.MassBlockThreshold of the active people, is
	// imported anyway.
	Force bool
	// DryRun previews the import: the list is read, checked and planned
	// against the stored people as an import would, and the report says
	// what would happen (a refusal included) with the people named
	// (Report.Changes); nothing is written, not even the history.
	DryRun bool
}

// Importer imports employee lists: decode, validate, hash, plan, guard,
// apply. It is safe for concurrent use; the store serialises the imports
// themselves.
type Importer struct {
	store ImportStore
	cfg   Config

	// Limits bound one upload; set them before the first import.
	Limits Limits
	// Now is the clock (default time.Now).
	Now func() time.Time
	// AfterImport, when set, is called once an import is stored, with the
	// people it updated or unblocked (its Plan.Update), under a context
	// that the caller's cancellation does not end: what the import
	// committed is followed through. Staff accounts use it to move to the
	// addresses the list now gives ([Accounts.FollowList]).
	AfterImport func(ctx context.Context, changed []*Person)
	// Observe, when set, is told of every [Importer.Import] and
	// [Importer.ApproveHeld]: its report (nil when the list was not
	// judged) and error as returned, and how long it took. Servers count
	// imports with it (package metrics).
	Observe func(report *Report, err error, took time.Duration)
	// Logger receives what goes wrong after an import is stored, which
	// does not undo it (superseding a held list); slog.Default() when nil.
	Logger *slog.Logger
	// HeldStore, when set, keeps the lists the mass-block guard stops
	// instead of refusing them, for a manager to approve or reject (see
	// [HeldList]); without it they are refused with ErrMassBlock. Set it
	// before the first import.
	HeldStore HeldListStore
	// OnHold, when set, is called once a list is held, with the held list
	// and its preview (HeldList.List empty), under a context that the
	// caller's cancellation does not end: servers mail the managers
	// ([HeldMail]).
	OnHold func(ctx context.Context, held HeldList)
}

// NewImporter returns an Importer for cfg (after [Config.WithDefaults])
// that keeps people and history in store.
func NewImporter(cfg Config, store ImportStore) (*Importer, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Importer{store: store, cfg: cfg, Now: time.Now}, nil
}

// Config returns the configuration in use, defaults filled in.
func (im *Importer) Config() Config { return im.cfg }

// Import reads a whole employee list from r and makes the stored people
// match it, all or nothing:
//   - a list that cannot be read gives an error matching ErrMalformed,
//     ErrUnsupportedFormat or bookingkit.ErrTooLarge;
//   - a list with invalid records gives ErrInvalidRecords and a report
//     listing them;
//   - an empty list gives ErrEmptyList, and a list that would block more
//     than Config.MassBlockThreshold of the active people ErrMassBlock,
//     unless opts.Force;
//   - otherwise the plan is applied and the report has status "Ok".
//
// Every one of these is recorded in the import history, and the report
// (non-nil) says what happened in the seed's shape. Other errors (the
// body's reader failing, the context ending, the store failing) come back
// unchanged with a nil report; nothing was imported then, and a failing
// store may have missed the history entry too.
func (im *Importer) Import(ctx context.Context, r io.Reader, format Format, opts ImportOptions) (*Report, error) {
	start := time.Now()
	report, err := im.importList(ctx, r, format, opts)
	if im.Observe != nil && !opts.DryRun {
		im.Observe(report, err, time.Since(start))
	}
	return report, err
}

func (im *Importer) importList(ctx context.Context, r io.Reader, format Format, opts ImportOptions) (*Report, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	now := im.now()
	// A list the guard may hold is copied to a temporary file while it is
	// read, and read again whole from there if the guard holds it: the
	// import itself forgets the people the store takes, so that memory
	// stays bounded by what the list needs (issue 16).
	var spool *os.File
	if im.holding() && !opts.Force && !opts.DryRun {
		if spool, err = os.CreateTemp("", "bookingkit-list-*"); err != nil {
			return nil, fmt.Errorf("keeping a copy of the list while it is read: %w", err)
		}
		defer func() {
			spool.Close()
			os.Remove(spool.Name())
		}()
		r = io.TeeReader(r, spool)
	}
	var (
		l          *list
		readReport *Report // a list refused before planning
		readErr    error
	)
	read := func(stage func(*Person) bool) error {
		var err error
		l, err = im.read(ctx, r, format, now, stage)
		if err != nil && !isRefusal(err) {
			return err
		}
		readReport, readErr = refuse(l, err, opts.Force, im.Limits.withDefaults())
		if readReport != nil {
			return errRefusedList
		}
		return nil
	}
	var (
		report  *Report
		refusal error
		applied *Plan         // the plan stored, unless refused
		planned *Plan         // the plan made, refused or not
		held    []PersonState // the stored people, when the guard holds the list
	)
	plan := func(current []PersonState) (*Plan, error) {
		employees, companions := l.counts()
		l.echoes = echoArena{} // no record is invalid: the echoes are not needed any more
		n := l.len()
		plan := l.plan(current, now)
		planned = plan
		refusal = nil
		if !opts.Force {
			refusal = plan.CheckMassBlock(im.cfg.MassBlockThreshold)
		}
		applied, held = nil, nil
		if refusal != nil {
			report = errorReport(refusal.Error(), n)
			if im.holding() && !opts.DryRun && errors.Is(refusal, ErrMassBlock) {
				report = heldReport(plan, im.cfg.MassBlockThreshold, n)
				held = current
			}
			return &Plan{At: now, Active: plan.Active, Entry: newHistoryEntry(now, opts, report)}, nil
		}
		counts := plan.Counts
		report = &Report{
			Status:             StatusOk,
			InputRecordsCount:  n,
			ImportedTotal:      n,
			EmployeesImported:  employees,
			CompanionsImported: companions,
			InvalidRecords:     []InvalidRecord{},
			SyncCounts:         &counts,
		}
		plan.Entry = newHistoryEntry(now, opts, report)
		applied = plan
		return plan, nil
	}
	if opts.DryRun {
		// A preview: the list is read and planned under the import lock
		// as an import's would be, then rolled back; a refused list is
		// not recorded.
		if err = read(nil); readReport != nil {
			return readReport, readErr
		} else if err != nil {
			return nil, err
		}
		_, err = im.store.ApplyImport(ctx, func(current []PersonState) (*Plan, error) {
			if _, err := plan(current); err != nil {
				return nil, err
			}
			return nil, errDryRun
		})
		if !errors.Is(err, errDryRun) {
			return nil, err
		}
		people, _ := im.store.(PeopleStore)
		if report.Changes, err = describeChanges(ctx, people, planned); err != nil {
			return nil, err
		}
		return report, refusal
	}
	var entry HistoryEntry
	if ss, ok := im.store.(StreamingImportStore); ok {
		entry, err = ss.ApplyImportStream(ctx, now, read, plan)
	} else if err = read(nil); err == nil {
		entry, err = im.store.ApplyImport(ctx, plan)
	}
	if readReport != nil {
		return im.recordRefusal(ctx, now, opts, readReport, readErr)
	}
	if err != nil {
		return nil, err
	}
	if held != nil {
		draft, err := im.draftHeld(ctx, spool, format, now, held)
		if err != nil {
			return nil, err
		}
		return im.hold(ctx, entry, opts, report, draft)
	}
	if applied != nil && refusal == nil {
		if im.AfterImport != nil {
			im.AfterImport(context.WithoutCancel(ctx), applied.Update)
		}
		if im.holding() {
			// A list held before this one is older than what is stored
			// now. Failing to say so does not undo the import: approving
			// that list later re-plans it and applies nothing stale
			// (ErrHeldStale), so the import's answer stands.
			if err := im.dropHeld(context.WithoutCancel(ctx), entry, opts); err != nil {
				im.logger().Warn("staffid: the list is imported, but superseding the held list failed", "import", entry.ID, "err", err)
			}
		}
	}
	return report, refusal
}

// ImportContentType imports a list sent with a MIME type, such as an HTTP
// upload's Content-Type: [FormatForContentType] chooses the format. A
// type that names no format the importer reads (no type at all, CSV, a
// legacy .xls) is refused as Import refuses a list it cannot read: a
// report in the seed's shape, an entry in the import history, and an
// error matching ErrUnsupportedFormat. Otherwise it is [Importer.Import].
func (im *Importer) ImportContentType(ctx context.Context, r io.Reader, contentType string, opts ImportOptions) (*Report, error) {
	format, refusal := FormatForContentType(contentType)
	if refusal == nil {
		return im.Import(ctx, r, format, opts)
	}
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	return im.recordRefusal(ctx, im.now(), opts, errorReport(refusal.Error(), 0), refusal)
}

// withDefaults returns opts with the default source, or an error for an
// unknown one.
func (opts ImportOptions) withDefaults() (ImportOptions, error) {
	switch opts.Source {
	case "":
		opts.Source = SourceAPI
	case SourceAPI, SourceManual, SourceCLI:
	default:
		return opts, bookingkit.Invalid("Source", string(opts.Source), "expected api, manual or cli")
	}
	return opts, nil
}

// recordRefusal keeps an upload refused before planning in the history
// and returns its report and refusal.
func (im *Importer) recordRefusal(ctx context.Context, now time.Time, opts ImportOptions, report *Report, refusal error) (*Report, error) {
	if _, err := im.store.AddImportHistory(ctx, newHistoryEntry(now, opts, report)); err != nil {
		return report, fmt.Errorf("recording the refused import in the history: %w", err)
	}
	return report, refusal
}

// Forceable reports whether err is a refusal that [ImportOptions.Force]
// overrides (an empty list, a mass block): the one case where an answer
// should say how to force the import. A held list is not one: it waits
// for a manager's decision instead.
func Forceable(err error) bool {
	return (errors.Is(err, ErrMassBlock) || errors.Is(err, ErrEmptyList)) && !errors.Is(err, ErrHeld)
}

// HistoryPage is a page of the import history, newest first.
type HistoryPage struct {
	Items []HistoryEntry
	// Next is the [HistoryQuery.BeforeID] of the next (older) page; 0
	// on the last page.
	Next int64
}

// History returns a page of the import history, newest first: the
// entries before q.BeforeID (all when 0), at most [NormalizeLimit] of
// q.Limit. A full page has a Next, which may lead to an empty page.
func (im *Importer) History(ctx context.Context, q HistoryQuery) (HistoryPage, error) {
	items, err := im.store.ImportHistory(ctx, q)
	if err != nil {
		return HistoryPage{}, err
	}
	page := HistoryPage{Items: items}
	if page.Items == nil {
		page.Items = []HistoryEntry{}
	}
	if n := len(items); n > 0 && n == NormalizeLimit(q.Limit) {
		page.Next = items[n-1].ID
	}
	return page, nil
}

// HistoryEntry returns the history's entry with the ID, or an error
// matching bookingkit.ErrNotFound.
func (im *Importer) HistoryEntry(ctx context.Context, id int64) (HistoryEntry, error) {
	return im.store.ImportEntry(ctx, id)
}

// Validate reads and checks a list as Import does, without a store: the
// command-line tool's dry run. Its report counts what Import would import
// (imported_total and the per-kind counts) but has no success counts,
// which depend on the stored people. An empty list is reported as Import
// reports it without Force.
func (im *Importer) Validate(ctx context.Context, r io.Reader, format Format) (*Report, error) {
	l, err := im.read(ctx, r, format, im.now(), nil)
	if err != nil && !isRefusal(err) {
		return nil, err
	}
	if report, refusal := refuse(l, err, false, im.Limits.withDefaults()); report != nil {
		return report, refusal
	}
	employees, companions := l.counts()
	n := l.len()
	return &Report{
		Status:             StatusOk,
		InputRecordsCount:  n,
		ImportedTotal:      n,
		EmployeesImported:  employees,
		CompanionsImported: companions,
		InvalidRecords:     []InvalidRecord{},
	}, nil
}

// refuse returns the report and error of a list refused before planning
// (readErr is nil or a refusal), or a nil report when the list may be
// planned.
func refuse(l *list, readErr error, force bool, limits Limits) (*Report, error) {
	switch {
	case readErr != nil:
		return errorReport(readErr.Error(), l.len()), readErr
	case l.invalid > 0:
		report := errorReport(MsgInvalidRecords, l.len())
		report.InvalidRecords, report.InvalidRecordsOmitted = l.invalidRecords(limits.MaxReportBytes)
		return report, ErrInvalidRecords
	case l.len() == 0 && !force:
		return errorReport(ErrEmptyList.Error(), 0), ErrEmptyList
	}
	return nil, nil
}

// isRefusal tells the upload's own faults, which get a report and a
// history entry, from failures of the machinery around it.
func isRefusal(err error) bool {
	return errors.Is(err, bookingkit.ErrInvalid) || errors.Is(err, bookingkit.ErrTooLarge)
}

// errRefusedList ends an import whose list is refused before planning.
var errRefusedList = errors.New("staffid: the list is refused")

// read decodes and validates the list; with stage non-nil, it passes it
// the people of the list's longest valid prefix as they are read (see
// [list.stream]).
func (im *Importer) read(ctx context.Context, r io.Reader, format Format, now time.Time, stage func(*Person) bool) (*list, error) {
	// A birth date is in the future only when it is after today in every
	// time zone, so nobody born today east of the server is refused.
	today := DateOf(now.In(time.FixedZone("UTC+14", 14*60*60)))
	limits := im.Limits.withDefaults()
	lr := &listReader{ctx: ctx, limits: limits, validator: newRecordValidator(im.cfg, today)}
	lr.list.maxValidEcho, lr.list.maxDetail = limits.MaxEchoBytes, 2*limits.MaxReportBytes
	hasher := newIdentityHasher(im.cfg.IdentityFields)
	if stage != nil {
		lr.list.stream(lr.validator, hasher, stage)
	}
	if err := lr.read(r, format); err != nil {
		return &lr.list, err
	}
	lr.list.check(lr.validator, hasher)
	return &lr.list, nil
}

func (im *Importer) logger() *slog.Logger {
	if im.Logger != nil {
		return im.Logger
	}
	return slog.Default()
}

// now returns the clock's time in UTC, to the microsecond: the precision
// every store keeps, so a time reads back as it was written.
func (im *Importer) now() time.Time {
	clock := im.Now
	if clock == nil {
		clock = time.Now
	}
	return clock().UTC().Truncate(time.Microsecond)
}
