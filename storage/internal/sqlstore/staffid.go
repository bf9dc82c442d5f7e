package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"math"
	"strings"
	"sync/atomic"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/staffid"
)

// StaffIDStore keeps the staff-travel people and the import history
// (tables staffid_people and staffid_imports, migration 0100).
type StaffIDStore struct {
	db   *DB
	bulk StaffIDBulk
}

var _ staffid.Store = (*StaffIDStore)(nil)

// NewStaffIDStore returns the staffid store on db, writing an import's
// people with bulk.
func NewStaffIDStore(db *DB, bulk StaffIDBulk) *StaffIDStore {
	return &StaffIDStore{db: db, bulk: bulk}
}

// StaffIDBulk writes an import's people the adapter's fastest way (COPY on
// PostgreSQL, a prepared statement reused for every row on SQLite), inside
// the import's transaction tx, which is open on conn. Each method gets a
// non-empty slice and returns an error for any person it could not write
// (an ID to update or block that is not stored matches ErrNotFound).
type StaffIDBulk interface {
	// Create inserts people with CreatedAt = UpdatedAt = at, active,
	// created by the import importID (column created_import).
	Create(ctx context.Context, conn *sql.Conn, tx *sql.Tx, people []*staffid.Person, at time.Time, importID int64) error
	// Update overwrites the people's fields and digests, unblocks them
	// and sets UpdatedAt = at.
	Update(ctx context.Context, conn *sql.Conn, tx *sql.Tx, people []*staffid.Person, at time.Time) error
	// Block blocks the people with the IDs: BlockedAt = UpdatedAt = at.
	Block(ctx context.Context, tx *sql.Tx, ids []string, at time.Time) error
	// Busy reports whether an import failed only because another writer
	// held the database past the driver's wait; ApplyImport then runs it
	// again until ctx ends.
	Busy(err error) bool

	// Stage writes, on a goroutine of its own while the list is read, the
	// people next returns until it returns nil, with CreatedAt = UpdatedAt = at:
	// people that were not stored when the import began. When StageInTx,
	// it writes them in the import's transaction tx, after the lock,
	// created by the import importID; otherwise before it (tx nil,
	// importID 0), somewhere of conn's own that takes no lock. On an
	// error it returns at once.
	Stage(ctx context.Context, conn *sql.Conn, tx *sql.Tx, next func() *staffid.Person, at time.Time, importID int64) error
	StageInTx() bool
	// DataVersion is a number that changes when another connection
	// commits, where Stage runs before the transaction (SQLite's PRAGMA
	// data_version): when it did not change, the people read before the
	// lock are still those stored.
	DataVersion(ctx context.Context, q interface {
		QueryRowContext(context.Context, string, ...any) *sql.Row
	}) (int64, error)
	// Staged ends the stage of staged people in tx, once the plan is
	// known: it stores, at at, the create of them that are not stored
	// now (all of them when create == staged; none when it is 0, and
	// then forgets them), created by the import importID. Where Stage
	// runs in tx, the people stored now are those stored when it began,
	// so create is staged or 0.
	Staged(ctx context.Context, conn *sql.Conn, tx *sql.Tx, staged, create int, at time.Time, importID int64) error
	// StagedPeople reads back, in tx, the staged people with the IDs,
	// where Stage runs before the transaction (otherwise it is never
	// called): people another connection stored meanwhile, which the
	// import updates.
	StagedPeople(ctx context.Context, tx *sql.Tx, ids []string) ([]*staffid.Person, error)
	// Unstage frees what Stage kept on conn, after the transaction.
	Unstage(ctx context.Context, conn *sql.Conn)
}

const staffidSelectPerson = `SELECT id, group_key, is_employee, guid, last_name, first_name, middle_name,
	last_name_eng, first_name_eng, middle_name_eng, birth_day, sex, date_of_employment, employee_id,
	category_code, email, relation_degree, digest, blocked, created_at, updated_at, blocked_at FROM staffid_people `

// staffidDate scans a date column: ISO text (SQLite, "" for none), a DATE
// (PostgreSQL) or NULL.
type staffidDate struct{ d *staffid.Date }

func (c staffidDate) Scan(v any) (err error) {
	switch v := v.(type) {
	case nil:
		*c.d = staffid.Date{}
	case time.Time:
		*c.d = staffid.DateOf(v.UTC())
	case string:
		*c.d, err = staffid.ParseISODate(v)
	case []byte:
		*c.d, err = staffid.ParseISODate(string(v))
	default:
		err = fmt.Errorf("a date of type %T", v)
	}
	return err
}

func scanStaffIDPerson(row scanner) (staffid.Person, error) {
	var (
		p         staffid.Person
		blockedAt sql.NullTime
	)
	err := row.Scan(&p.ID, &p.GroupKey, &p.IsEmployee, &p.GUID, &p.LastName, &p.FirstName, &p.MiddleName,
		&p.LastNameEng, &p.FirstNameEng, &p.MiddleNameEng, staffidDate{&p.BirthDay}, &p.Sex, staffidDate{&p.DateOfEmployment},
		&p.EmployeeID, &p.CategoryCode, &p.Email, &p.RelationDegree, &p.Digest, &p.Blocked, &p.CreatedAt, &p.UpdatedAt, &blockedAt)
	if err != nil {
		return staffid.Person{}, err
	}
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	if blockedAt.Valid {
		p.BlockedAt = blockedAt.Time.UTC()
	}
	return p, nil
}

// ApplyImport runs one import in one transaction: see
// [staffid.ImportStore.ApplyImport] and [StaffIDStore.ApplyImportStream].
func (s *StaffIDStore) ApplyImport(ctx context.Context, plan func([]staffid.PersonState) (*staffid.Plan, error)) (staffid.HistoryEntry, error) {
	return s.ApplyImportStream(ctx, time.Time{}, nil, plan)
}

// ApplyImportStream runs one import in one transaction: see
// [staffid.StreamingImportStore]. The dialect's lock serialises imports
// (PostgreSQL: an advisory lock across every process sharing the schema;
// SQLite: the write lock its IMMEDIATE transactions hold from their
// start); the people are read after it is taken, so the plan sees the
// previous import's result. A transaction that failed only waiting for the
// lock runs again (the plan has no side effects) as long as ctx allows,
// not only the driver's busy timeout, which a 100 000-person import can
// outlast on a loaded machine.
//
// While read decodes the list, the people it stages that were not stored
// when it began are written on another goroutine (the adapter's
// [StaffIDBulk.Stage]): on the machine's other core, in the transaction
// after the lock, or before it where the lock would stop every other
// writer while the list is uploaded (SQLite).
func (s *StaffIDStore) ApplyImportStream(ctx context.Context, at time.Time, read func(stage func(*staffid.Person) bool) error, plan func([]staffid.PersonState) (*staffid.Plan, error)) (staffid.HistoryEntry, error) {
	conn, err := s.db.SQL.Conn(ctx)
	if err != nil {
		return staffid.HistoryEntry{}, s.db.Fail("staffid: %w", s.db.Translate(err))
	}
	defer conn.Close()
	im := &staffidImport{at: at.UTC(), read: read, plan: plan}
	if read != nil {
		defer s.bulk.Unstage(context.WithoutCancel(ctx), conn)
		if !s.bulk.StageInTx() {
			if im.version, err = s.bulk.DataVersion(ctx, conn); err != nil {
				return staffid.HistoryEntry{}, s.db.Fail("staffid: %w", s.db.Translate(err))
			}
			if err := s.stage(ctx, conn, nil, nil, im); err != nil {
				return staffid.HistoryEntry{}, err
			}
		}
	}
	for {
		entry, err := s.applyImport(ctx, conn, im)
		if err == nil || !s.bulk.Busy(err) {
			return entry, err
		}
		select {
		case <-ctx.Done():
			return staffid.HistoryEntry{}, s.db.Fail("staffid: waiting for another import: %w", err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// staffidImport is one import under way.
type staffidImport struct {
	at     time.Time
	read   func(stage func(*staffid.Person) bool) error
	plan   func([]staffid.PersonState) (*staffid.Plan, error)
	read1  bool // read was called
	staged int  // the people given to Stage
	// Before the transaction: the people read before the list was, and
	// the database's DataVersion before.
	current []staffid.PersonState
	version int64

	// importID is the history entry of the attempt under way, which
	// marks the people it creates (staffid_history.go).
	importID int64
}

// stage calls read and, on another goroutine, gives bulk.Stage the people
// it stages that current, the people stored, does not hold: the store
// takes those, and the list forgets them. With current nil, that
// goroutine reads current first (into im.current) while the list is read,
// and the people staged until then are not taken: the list keeps them,
// and the plan's Create has them.
func (s *StaffIDStore) stage(ctx context.Context, conn *sql.Conn, tx *sql.Tx, current []staffid.PersonState, im *staffidImport) error {
	im.read1, im.staged = true, 0
	// stored holds a hash of each stored ID: two IDs of one hash only
	// keep a new person from being staged (the plan creates it).
	var stored atomic.Pointer[map[uint64]struct{}] // nil until current is read
	seed := maphash.MakeSeed()
	storedOf := func(current []staffid.PersonState) {
		set := make(map[uint64]struct{}, len(current))
		for _, st := range current {
			set[maphash.String(seed, st.ID)] = struct{}{}
		}
		stored.Store(&set)
	}
	if current != nil {
		storedOf(current)
	}
	// The people go over in batches, a few thousand of them ahead: read
	// goes on while the goroutine writes, and the people taken are
	// written, and forgotten, soon after they are read.
	const batch = 512
	ch, done := make(chan []*staffid.Person, 16), make(chan error, 1)
	go func() {
		var err error
		if current == nil {
			if im.current, err = s.states(ctx, conn); err != nil {
				for range ch { //nolint:revive // drained, so that read never blocks
				}
				done <- err
				return
			}
			storedOf(im.current)
		}
		var people []*staffid.Person
		err = s.bulk.Stage(ctx, conn, tx, func() *staffid.Person {
			for len(people) == 0 {
				var ok bool
				if people, ok = <-ch; !ok {
					return nil
				}
			}
			p := people[0]
			people[0], people = nil, people[1:]
			return p
		}, im.at, im.importID)
		for range ch { //nolint:revive // drained, so that read never blocks
		}
		done <- err
	}()
	people := make([]*staffid.Person, 0, batch)
	err := im.read(func(p *staffid.Person) bool {
		if set := stored.Load(); set == nil || has(*set, maphash.String(seed, p.ID)) {
			return false
		}
		im.staged++
		if people = append(people, p); len(people) == batch {
			ch <- people
			people = make([]*staffid.Person, 0, batch)
		}
		return true
	})
	ch <- people
	close(ch)
	if serr := <-done; err == nil && serr != nil {
		err = s.db.Fail("staffid: stage people: %w", s.db.Translate(serr))
	}
	return err
}

func has(set map[uint64]struct{}, key uint64) bool {
	_, ok := set[key]
	return ok
}

func (s *StaffIDStore) applyImport(ctx context.Context, conn *sql.Conn, im *staffidImport) (staffid.HistoryEntry, error) {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return staffid.HistoryEntry{}, s.db.Fail("staffid: begin: %w", s.db.Translate(err))
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit

	if err := s.db.Dialect.Lock(ctx, tx, "staffid.import"); err != nil {
		return staffid.HistoryEntry{}, s.db.Fail("staffid: lock: %w", s.db.Translate(err))
	}
	if im.importID, err = s.reserveHistory(ctx, tx); err != nil {
		return staffid.HistoryEntry{}, err
	}
	current := im.current
	if current != nil {
		// Read while the list was: still the stored people if nobody
		// wrote since.
		if v, err := s.bulk.DataVersion(ctx, tx); err != nil || v != im.version {
			current = nil
		}
	}
	if current == nil {
		if current, err = s.states(ctx, tx); err != nil {
			return staffid.HistoryEntry{}, err
		}
	}
	if im.read != nil && s.bulk.StageInTx() {
		if im.read1 {
			// What was staged went with the first attempt, and the list
			// forgot it.
			return staffid.HistoryEntry{}, s.db.Fail("staffid: an import that staged its people cannot run again")
		}
		if err := s.stage(ctx, conn, tx, current, im); err != nil {
			return staffid.HistoryEntry{}, err
		}
	}
	pl, err := im.plan(current)
	if err != nil {
		return staffid.HistoryEntry{}, err
	}
	if pl == nil {
		return staffid.HistoryEntry{}, s.db.Fail("staffid: the plan is nil: %w", bookingkit.ErrInvalid)
	}
	if len(pl.UpdateStaged) > 0 {
		people, err := s.bulk.StagedPeople(ctx, tx, pl.UpdateStaged)
		if err == nil && len(people) != len(pl.UpdateStaged) {
			err = fmt.Errorf("%d of the %d people read back", len(people), len(pl.UpdateStaged))
		}
		if err != nil {
			return staffid.HistoryEntry{}, s.bulkFail("read staged people", err)
		}
		pl.Update, pl.UpdateStaged = append(pl.Update, people...), nil
	}
	at, create := pl.At.UTC(), pl.Create
	if im.staged > 0 {
		if pl.CreateStaged > 0 && !at.Equal(im.at) {
			return staffid.HistoryEntry{}, s.db.Fail("staffid: the plan creates the staged people at %v, not %v: %w", at, im.at, bookingkit.ErrInvalid)
		}
		if err := s.bulk.Staged(ctx, conn, tx, im.staged, pl.CreateStaged, at, im.importID); err != nil {
			return staffid.HistoryEntry{}, s.bulkFail("create staged people", err)
		}
	} else if pl.CreateStaged > 0 {
		return staffid.HistoryEntry{}, s.db.Fail("staffid: the plan creates %d staged people, none was staged: %w", pl.CreateStaged, bookingkit.ErrInvalid)
	}
	if len(create) > 0 {
		if err := s.bulk.Create(ctx, conn, tx, create, at, im.importID); err != nil {
			return staffid.HistoryEntry{}, s.bulkFail("create people", err)
		}
	}
	changes, err := s.planChanges(ctx, tx, pl)
	if err != nil {
		return staffid.HistoryEntry{}, err
	}
	if len(pl.Update) > 0 {
		if err := s.bulk.Update(ctx, conn, tx, pl.Update, at); err != nil {
			return staffid.HistoryEntry{}, s.bulkFail("update people", err)
		}
	}
	if len(pl.Block) > 0 {
		if err := s.bulk.Block(ctx, tx, pl.Block, at); err != nil {
			return staffid.HistoryEntry{}, s.bulkFail("block people", err)
		}
	}
	entry, err := s.keepHistory(ctx, tx, im.importID, pl.Entry, changes)
	if err != nil {
		return staffid.HistoryEntry{}, err
	}
	if err := tx.Commit(); err != nil {
		return staffid.HistoryEntry{}, s.db.Fail("staffid: commit: %w", s.db.Translate(err))
	}
	return entry, nil
}

// bulkFail returns the error of a bulk write: as it is when the adapter
// made it already (an ID not found), otherwise translated with what.
func (s *StaffIDStore) bulkFail(what string, err error) error {
	var done *bookingkit.StorageError
	if errors.As(err, &done) {
		return err
	}
	return s.db.Fail("staffid: %s: %w", what, s.db.Translate(err))
}

// states reads the state of every stored person, all in one text of
// "id digest" or "id digest b" (blocked) for each, ','-separated: reading
// rows and columns one by one costs SQLite's driver several times more.
func (s *StaffIDStore) states(ctx context.Context, q querier) ([]staffid.PersonState, error) {
	var (
		n   int
		all string
	)
	err := q.QueryRowContext(ctx, `SELECT count(*), coalesce(string_agg(id || ' ' || digest || CASE WHEN blocked THEN ' b' ELSE '' END, ','), '')
		FROM staffid_people`).Scan(&n, &all)
	if err != nil {
		return nil, s.db.Fail("staffid: read people: %w", s.db.Translate(err))
	}
	states := make([]staffid.PersonState, 0, n)
	for row := range strings.SplitSeq(all, ",") {
		if n == 0 {
			break
		}
		id, rest, _ := strings.Cut(row, " ")
		digest, flag, _ := strings.Cut(rest, " ")
		if id == "" || digest == "" || (flag != "" && flag != "b") {
			return nil, s.db.Fail("staffid: read people: the stored state %q", row)
		}
		states = append(states, staffid.PersonState{ID: id, Digest: digest, Blocked: flag == "b"})
	}
	if len(states) != n {
		return nil, s.db.Fail("staffid: read people: %d states of %d people", len(states), n)
	}
	return states, nil
}

func (s *StaffIDStore) addHistory(ctx context.Context, db interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, e staffid.HistoryEntry) (staffid.HistoryEntry, error) {
	report, err := json.Marshal(e.Report)
	if err != nil {
		return staffid.HistoryEntry{}, s.db.Fail("staffid: encoding the report: %w", err)
	}
	e.At = e.At.UTC()
	err = db.QueryRowContext(ctx, `INSERT INTO staffid_imports (at, source, actor, forced, invalid_records_omitted, report)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, e.At, string(e.Source), e.Actor, e.Forced, e.InvalidRecordsOmitted, string(report)).Scan(&e.ID)
	if err != nil {
		return staffid.HistoryEntry{}, s.db.Fail("staffid: add import history: %w", s.db.Translate(err))
	}
	return e, nil
}

// AddImportHistory appends an entry for an upload refused before planning.
func (s *StaffIDStore) AddImportHistory(ctx context.Context, e staffid.HistoryEntry) (staffid.HistoryEntry, error) {
	return s.addHistory(ctx, s.db.SQL, e)
}

const staffidSelectHistory = "SELECT id, at, source, actor, forced, invalid_records_omitted, report FROM staffid_imports "

func scanStaffIDHistory(row scanner) (staffid.HistoryEntry, error) {
	var (
		e      staffid.HistoryEntry
		source string
		report []byte
	)
	if err := row.Scan(&e.ID, &e.At, &source, &e.Actor, &e.Forced, &e.InvalidRecordsOmitted, &report); err != nil {
		return staffid.HistoryEntry{}, err
	}
	e.Source, e.At = staffid.Source(source), e.At.UTC()
	if err := json.Unmarshal(report, &e.Report); err != nil {
		return staffid.HistoryEntry{}, fmt.Errorf("decoding the report of import %d: %w", e.ID, err)
	}
	return e, nil
}

// ImportHistory returns entries newest first, below q.BeforeID.
func (s *StaffIDStore) ImportHistory(ctx context.Context, q staffid.HistoryQuery) ([]staffid.HistoryEntry, error) {
	before := q.BeforeID
	if before <= 0 {
		before = math.MaxInt64
	}
	return list(ctx, s.db, "staffid: import history", scanStaffIDHistory,
		staffidSelectHistory+"WHERE id < $1 ORDER BY id DESC LIMIT $2", before, staffid.NormalizeLimit(q.Limit))
}

// ImportEntry returns one history entry.
func (s *StaffIDStore) ImportEntry(ctx context.Context, id int64) (staffid.HistoryEntry, error) {
	e, err := scanStaffIDHistory(s.db.SQL.QueryRowContext(ctx, staffidSelectHistory+"WHERE id = $1", id))
	if err != nil {
		return staffid.HistoryEntry{}, s.db.Fail("staffid: import %d: %w", id, s.db.Translate(err))
	}
	return e, nil
}

// Person returns the person with the ID.
func (s *StaffIDStore) Person(ctx context.Context, id string) (staffid.Person, error) {
	p, err := scanStaffIDPerson(s.db.SQL.QueryRowContext(ctx, staffidSelectPerson+"WHERE id = $1", id))
	if err != nil {
		return staffid.Person{}, s.db.Fail("staffid: person %s: %w", id, s.db.Translate(err))
	}
	return p, nil
}

// GroupPeople returns a group's people: the employee first, then by ID.
func (s *StaffIDStore) GroupPeople(ctx context.Context, groupKey string) ([]staffid.Person, error) {
	return list(ctx, s.db, "staffid: group", scanStaffIDPerson,
		staffidSelectPerson+"WHERE group_key = $1 ORDER BY is_employee DESC, id", groupKey)
}

// People returns a keyset page of people in ascending ID order. The
// filters compare with TRUE and FALSE, which SQLite needs to use its
// partial index of blocked people; PostgreSQL reads blocked = TRUE as
// blocked.
func (s *StaffIDStore) People(ctx context.Context, q staffid.PeopleQuery) ([]staffid.Person, error) {
	where := "WHERE id > $1"
	switch q.State {
	case staffid.OnlyActive:
		where = "WHERE blocked = FALSE AND id > $1"
	case staffid.OnlyBlocked:
		where = "WHERE blocked = TRUE AND id > $1"
	}
	return list(ctx, s.db, "staffid: people", scanStaffIDPerson,
		staffidSelectPerson+where+" ORDER BY id LIMIT $2", q.AfterID, staffid.NormalizeLimit(q.Limit))
}
