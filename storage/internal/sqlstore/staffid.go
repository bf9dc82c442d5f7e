package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"hash/maphash"
	"math"
	"math/bits"
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
// PostgreSQL, prepared statements on SQLite), in the import's transaction
// tx, open on conn; each method gets a non-empty slice.
type StaffIDBulk interface {
	// Create inserts people, active, with CreatedAt = UpdatedAt = at,
	// created by the import importID (column created_import).
	Create(ctx context.Context, conn *sql.Conn, tx *sql.Tx, people []*staffid.Person, at time.Time, importID int64) error
	// Update overwrites the people's fields and digests, unblocks them
	// and sets UpdatedAt = at; its result counts the people updated.
	Update(ctx context.Context, conn *sql.Conn, tx *sql.Tx, people []*staffid.Person, at time.Time) (sql.Result, error)
	// Block blocks the people with the IDs, BlockedAt = UpdatedAt = at;
	// its result counts the people blocked.
	Block(ctx context.Context, tx *sql.Tx, ids []string, at time.Time) (sql.Result, error)
	// Stage writes, on a goroutine of its own while the list is read, the
	// people next returns until nil, who were not stored when the import
	// began: in tx after the lock, created at at by the import importID;
	// for a [StaffIDEarlyStage], before the transaction (tx nil), somewhere
	// of conn's own that takes no lock. On an error it returns at once.
	Stage(ctx context.Context, conn *sql.Conn, tx *sql.Tx, next func() *staffid.Person, at time.Time, importID int64) error
	// Staged ends the stage in tx once the plan is known: it stores, at at
	// and created by the import importID, the create of the staged people
	// that are not stored now (all when create == staged; none when it is
	// 0, and it forgets them). Where Stage ran in tx, create is staged or 0.
	Staged(ctx context.Context, conn *sql.Conn, tx *sql.Tx, staged, create int, at time.Time, importID int64) error
}

// StaffIDEarlyStage is a [StaffIDBulk] whose Stage runs before the
// import's transaction, where the lock would stop every other writer
// while the list is uploaded (SQLite).
type StaffIDEarlyStage interface {
	// DataVersion, on conn (in the transaction when one is open), changes
	// when another connection commits: when it did not, the people read
	// before the lock are still those stored.
	DataVersion(ctx context.Context, conn *sql.Conn) (int64, error)
	// StagedPeople is the query of the staged people whose IDs are in the
	// JSON array $1 (their columns of the list, those of scanStaffIDListed):
	// people another connection stored meanwhile, which the import updates.
	StagedPeople() string
	// Unstage frees what Stage kept on conn, after the transaction.
	Unstage(ctx context.Context, conn *sql.Conn)
	// Busy reports whether an import failed only because another writer
	// held the database past the driver's wait: it runs again then.
	Busy(err error) bool
}

const staffidSelectPerson = `SELECT id, group_key, is_employee, guid, last_name, first_name, middle_name,
	last_name_eng, first_name_eng, middle_name_eng, birth_day, sex, date_of_employment, employee_id,
	category_code, email, relation_degree, digest, blocked, created_at, updated_at, blocked_at FROM staffid_people `

// staffidDate scans ISO text (SQLite, "" for none), a DATE or NULL.
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

// staffidListed are the scan targets of the first 18 of staffidSelectPerson.
func staffidListed(p *staffid.Person) []any {
	return []any{&p.ID, &p.GroupKey, &p.IsEmployee, &p.GUID, &p.LastName, &p.FirstName, &p.MiddleName,
		&p.LastNameEng, &p.FirstNameEng, &p.MiddleNameEng, staffidDate{&p.BirthDay}, &p.Sex, staffidDate{&p.DateOfEmployment},
		&p.EmployeeID, &p.CategoryCode, &p.Email, &p.RelationDegree, &p.Digest}
}

func scanStaffIDListed(row scanner) (*staffid.Person, error) {
	p := new(staffid.Person)
	return p, row.Scan(staffidListed(p)...)
}

func scanStaffIDPerson(row scanner) (p staffid.Person, err error) {
	err = row.Scan(append(staffidListed(&p), &p.Blocked, utc{&p.CreatedAt}, utc{&p.UpdatedAt}, utc{&p.BlockedAt})...)
	return p, err
}

func (s *StaffIDStore) ApplyImport(ctx context.Context, plan func([]staffid.PersonState) (*staffid.Plan, error)) (staffid.HistoryEntry, error) {
	return s.ApplyImportStream(ctx, time.Time{}, nil, plan)
}

// ApplyImportStream runs the transaction again, as long as ctx allows,
// where the driver stopped waiting for the lock ([StaffIDEarlyStage.Busy]).
func (s *StaffIDStore) ApplyImportStream(ctx context.Context, at time.Time, read func(stage func(*staffid.Person) bool) error, plan func([]staffid.PersonState) (*staffid.Plan, error)) (staffid.HistoryEntry, error) {
	conn, err := s.db.SQL.Conn(ctx)
	if err != nil {
		return staffid.HistoryEntry{}, s.db.Fail("staffid: %w", s.db.Translate(err))
	}
	defer conn.Close()
	im := &staffidImport{at: at.UTC(), read: read, plan: plan}
	early, _ := s.bulk.(StaffIDEarlyStage)
	if read != nil && early != nil {
		defer early.Unstage(context.WithoutCancel(ctx), conn)
		if im.version, err = early.DataVersion(ctx, conn); err != nil {
			return staffid.HistoryEntry{}, s.db.Fail("staffid: %w", s.db.Translate(err))
		}
		if err := s.stage(ctx, conn, nil, nil, im); err != nil {
			return staffid.HistoryEntry{}, err
		}
	}
	for {
		entry, err := s.applyImport(ctx, conn, early, im)
		if err == nil || early == nil || !early.Busy(err) {
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
	staged int // the people given to Stage
	// current, read by an early stage, is still stored while DataVersion is version.
	current  []staffid.PersonState
	version  int64
	importID int64 // the history entry of the attempt under way
}

// stage calls read and gives bulk.Stage, on another goroutine, the people it
// stages that current (the people stored) lacks. With current nil, that
// goroutine reads it into im.current first; until then the list keeps them all.
func (s *StaffIDStore) stage(ctx context.Context, conn *sql.Conn, tx *sql.Tx, current []staffid.PersonState, im *staffidImport) error {
	im.staged = 0
	var stored atomic.Pointer[staffidFilter] // nil until current is read
	if current != nil {
		stored.Store(newStaffIDFilter(current))
	}
	const batch = 512 // ch's 16 batches: a few thousand people ahead, forgotten soon after
	ch, done := make(chan []*staffid.Person, 16), make(chan error, 1)
	go func() {
		var err error
		if current == nil {
			if im.current, err = s.states(ctx, conn); err == nil {
				stored.Store(newStaffIDFilter(im.current))
			}
		}
		var people []*staffid.Person
		if err == nil {
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
		}
		for range ch { //nolint:revive // drained, so that read never blocks
		}
		done <- err
	}()
	people := make([]*staffid.Person, 0, batch)
	err := im.read(func(p *staffid.Person) bool {
		if f := stored.Load(); f == nil || f.has(p.ID) {
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

// staffidFilter tells whether an ID may be stored: a bit for a hash of
// each stored ID, a table the processor's cache holds. A new person whose
// ID shares a bit with a stored one is not staged: the plan creates it.
type staffidFilter struct {
	seed maphash.Seed
	bits []uint64 // 16 to 32 a stored ID, a power of two of words
}

func newStaffIDFilter(current []staffid.PersonState) *staffidFilter {
	f := &staffidFilter{seed: maphash.MakeSeed(), bits: make([]uint64, 1<<bits.Len(uint(len(current)/4)))}
	for _, st := range current {
		i, bit := f.slot(st.ID)
		f.bits[i] |= bit
	}
	return f
}

func (f *staffidFilter) slot(id string) (int, uint64) {
	h := maphash.String(f.seed, id)
	return int(h>>6) & (len(f.bits) - 1), 1 << (h & 63)
}

func (f *staffidFilter) has(id string) bool {
	i, bit := f.slot(id)
	return f.bits[i]&bit != 0
}

func (s *StaffIDStore) applyImport(ctx context.Context, conn *sql.Conn, early StaffIDEarlyStage, im *staffidImport) (staffid.HistoryEntry, error) {
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
		if v, err := early.DataVersion(ctx, conn); err != nil || v != im.version {
			current = nil
		}
	}
	if current == nil {
		if current, err = s.states(ctx, tx); err != nil {
			return staffid.HistoryEntry{}, err
		}
	}
	if im.read != nil && early == nil {
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
		if early == nil {
			return staffid.HistoryEntry{}, s.db.Fail("staffid: the plan updates staged people, none of whom was stored: %w", bookingkit.ErrInvalid)
		}
		ids, _ := json.Marshal(pl.UpdateStaged) // strings always encode
		people, err := queryAll(ctx, tx, scanStaffIDListed, early.StagedPeople(), string(ids))
		if err == nil && len(people) != len(pl.UpdateStaged) {
			err = fmt.Errorf("%d of the %d people read back", len(people), len(pl.UpdateStaged))
		}
		if err != nil {
			return staffid.HistoryEntry{}, s.db.Err(err, "staffid: read staged people")
		}
		pl.Update, pl.UpdateStaged = append(pl.Update, people...), nil
	}
	at := pl.At.UTC()
	if pl.CreateStaged > 0 && (im.staged == 0 || !at.Equal(im.at)) {
		return staffid.HistoryEntry{}, s.db.Fail("staffid: the plan creates %d staged people at %v, of %d staged at %v: %w",
			pl.CreateStaged, at, im.staged, im.at, bookingkit.ErrInvalid)
	}
	if im.staged > 0 {
		if err := s.bulk.Staged(ctx, conn, tx, im.staged, pl.CreateStaged, at, im.importID); err != nil {
			return staffid.HistoryEntry{}, s.db.Err(err, "staffid: create staged people")
		}
	}
	if len(pl.Create) > 0 {
		if err := s.bulk.Create(ctx, conn, tx, pl.Create, at, im.importID); err != nil {
			return staffid.HistoryEntry{}, s.db.Err(err, "staffid: create people")
		}
	}
	changes, err := s.planChanges(ctx, tx, pl)
	if err != nil {
		return staffid.HistoryEntry{}, err
	}
	if len(pl.Update) > 0 {
		res, err := s.bulk.Update(ctx, conn, tx, pl.Update, at)
		if err := s.allFound(res, err, len(pl.Update), "update people"); err != nil {
			return staffid.HistoryEntry{}, err
		}
	}
	if len(pl.Block) > 0 {
		res, err := s.bulk.Block(ctx, tx, pl.Block, at)
		if err := s.allFound(res, err, len(pl.Block), "block people"); err != nil {
			return staffid.HistoryEntry{}, err
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

// allFound checks that a bulk UPDATE found all of want people.
func (s *StaffIDStore) allFound(res sql.Result, err error, want int, what string) error {
	var n int64
	if err == nil {
		n, err = res.RowsAffected()
	}
	if err == nil && n != int64(want) {
		return s.db.Fail("staffid: %s: %d of %d found: %w", what, n, want, bookingkit.ErrNotFound)
	}
	return s.db.Err(err, "staffid: %s", what)
}

// states reads every stored person as "id digest" or "id digest b" (blocked), all
// in one ','-separated text: row by row costs SQLite's driver several times more.
func (s *StaffIDStore) states(ctx context.Context, q querier) ([]staffid.PersonState, error) {
	var all string
	err := q.QueryRowContext(ctx, `SELECT coalesce(string_agg(id || ' ' || digest || CASE WHEN blocked THEN ' b' ELSE '' END, ','), '')
		FROM staffid_people`).Scan(&all)
	if err != nil || all == "" {
		return []staffid.PersonState{}, s.db.Err(err, "staffid: read people")
	}
	states := make([]staffid.PersonState, 0, strings.Count(all, ",")+1)
	for row := range strings.SplitSeq(all, ",") {
		id, rest, _ := strings.Cut(row, " ")
		digest, flag, _ := strings.Cut(rest, " ")
		if id == "" || digest == "" || (flag != "" && flag != "b") {
			return nil, s.db.Fail("staffid: read people: the stored state %q", row)
		}
		states = append(states, staffid.PersonState{ID: id, Digest: digest, Blocked: flag == "b"})
	}
	return states, nil
}

func (s *StaffIDStore) AddImportHistory(ctx context.Context, e staffid.HistoryEntry) (staffid.HistoryEntry, error) {
	report, err := json.Marshal(e.Report)
	if err != nil {
		return staffid.HistoryEntry{}, s.db.Fail("staffid: encoding the report: %w", err)
	}
	e.At = e.At.UTC()
	err = s.db.SQL.QueryRowContext(ctx, `INSERT INTO staffid_imports (at, source, actor, forced, invalid_records_omitted, report)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, e.At, string(e.Source), e.Actor, e.Forced, e.InvalidRecordsOmitted, string(report)).Scan(&e.ID)
	if err != nil {
		return staffid.HistoryEntry{}, s.db.Err(err, "staffid: add import history")
	}
	return e, nil
}

const staffidSelectHistory = "SELECT id, at, source, actor, forced, invalid_records_omitted, report FROM staffid_imports "

func scanStaffIDHistory(row scanner) (staffid.HistoryEntry, error) {
	var e staffid.HistoryEntry
	var report []byte
	if err := row.Scan(&e.ID, utc{&e.At}, &e.Source, &e.Actor, &e.Forced, &e.InvalidRecordsOmitted, &report); err != nil {
		return staffid.HistoryEntry{}, err
	}
	if err := json.Unmarshal(report, &e.Report); err != nil {
		return staffid.HistoryEntry{}, fmt.Errorf("decoding the report of import %d: %w", e.ID, err)
	}
	return e, nil
}

func (s *StaffIDStore) ImportHistory(ctx context.Context, q staffid.HistoryQuery) ([]staffid.HistoryEntry, error) {
	before := q.BeforeID
	if before <= 0 {
		before = math.MaxInt64
	}
	return list(ctx, s.db, "staffid: import history", scanStaffIDHistory,
		staffidSelectHistory+"WHERE id < $1 ORDER BY id DESC LIMIT $2", before, staffid.NormalizeLimit(q.Limit))
}

func (s *StaffIDStore) ImportEntry(ctx context.Context, id int64) (staffid.HistoryEntry, error) {
	e, err := scanStaffIDHistory(s.db.SQL.QueryRowContext(ctx, staffidSelectHistory+"WHERE id = $1", id))
	return e, s.db.Err(err, "staffid: import %d", id)
}

func (s *StaffIDStore) Person(ctx context.Context, id string) (staffid.Person, error) {
	p, err := scanStaffIDPerson(s.db.SQL.QueryRowContext(ctx, staffidSelectPerson+"WHERE id = $1", id))
	return p, s.db.Err(err, "staffid: person %s", id)
}

func (s *StaffIDStore) GroupPeople(ctx context.Context, groupKey string) ([]staffid.Person, error) {
	return list(ctx, s.db, "staffid: group", scanStaffIDPerson,
		staffidSelectPerson+"WHERE group_key = $1 ORDER BY is_employee DESC, id", groupKey)
}

// People's filters compare with TRUE and FALSE, which SQLite needs to use
// its partial index of blocked people.
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
