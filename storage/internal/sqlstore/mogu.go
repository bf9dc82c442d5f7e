package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/mogu"
)

// MoguStore is the [mogu.Store] of tables mogu_* (migration 0300).
type MoguStore struct {
	db *DB
	// stmts holds, by query, the prepared reads of every voucher and trip view:
	// SQLite parses such a query longer than it runs it (pgx caches anyway).
	stmts sync.Map
}

// queryRow runs a one-row read through stmts, or directly when preparing fails.
func (s *MoguStore) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	st, ok := s.stmts.Load(query)
	if !ok {
		prepared, err := s.db.SQL.PrepareContext(context.Background(), query)
		if err != nil {
			return s.db.SQL.QueryRowContext(ctx, query, args...)
		}
		if st, ok = s.stmts.LoadOrStore(query, prepared); ok {
			prepared.Close()
		}
	}
	return st.(*sql.Stmt).QueryRowContext(ctx, args...)
}

func moguScanActivation(r scanner) (a mogu.Activation, err error) {
	return a, r.Scan(&a.MicrositeID, &a.Seq, &a.Active, &a.By, utc{&a.At}, &a.Note)
}

const moguActivationColumns = "microsite_id, seq, active, changed_by, changed_at, note"

func (s *MoguStore) LatestActivation(ctx context.Context, micrositeID string) (mogu.Activation, error) {
	a, err := moguScanActivation(s.queryRow(ctx, "SELECT "+moguActivationColumns+
		" FROM mogu_activations WHERE microsite_id = $1 ORDER BY seq DESC LIMIT 1", micrositeID))
	return a, s.db.Err(err, "mogu activation of microsite %s", micrositeID)
}

// Of two writers of one Seq, the second fails at the primary key or, queued
// by SQLite's write lock, at the condition.
func (s *MoguStore) RecordActivation(ctx context.Context, a mogu.Activation) error {
	err := s.db.one(ctx, "record mogu activation", `INSERT INTO mogu_activations (`+moguActivationColumns+`)
		SELECT $1, $2, $3, $4, $5, $6
		WHERE (SELECT COALESCE(MAX(seq), 0) FROM mogu_activations WHERE microsite_id = $1) = $7`,
		a.MicrositeID, a.Seq, a.Active, a.By, a.At.UTC(), a.Note, a.Seq-1)
	if errors.Is(err, bookingkit.ErrNotFound) || errors.Is(err, bookingkit.ErrInvalid) {
		return s.db.Fail("mogu activation %d of microsite %s does not follow the latest: %w", a.Seq, a.MicrositeID, bookingkit.ErrConflict)
	}
	return err
}

func (s *MoguStore) ActivationHistory(ctx context.Context, micrositeID string, beforeSeq int64, limit int) ([]mogu.Activation, error) {
	// seq < $2 comes first: PostgreSQL then reads $2 as a BIGINT.
	return list(ctx, s.db, "mogu activation history", moguScanActivation, "SELECT "+moguActivationColumns+` FROM mogu_activations
		WHERE microsite_id = $1 AND (seq < $2 OR $2 = 0) ORDER BY seq DESC LIMIT $3`, micrositeID, beforeSeq, limit)
}

const moguTripColumns = `t.booking_id, t.channel, t.contact_email, t.agent_email, COALESCE(t.agency_id, ''), t.microsite_id,
	t.title, t.travelers, t.start_at, t.end_at, t.contact_key, t.listed_by_email,
	t.token_generation, t.claims, t.registered_at, t.updated_at`

// moguTripReturning is moguTripColumns without the alias, which SQLite
// refuses in RETURNING.
var moguTripReturning = strings.ReplaceAll(moguTripColumns, "t.", "")

func moguTripDest(t *mogu.Trip) []any {
	return []any{&t.ID, &t.Channel, &t.ContactEmail, &t.AgentEmail, &t.AgencyID, &t.MicrositeID,
		&t.Title, &t.Travelers, utc{&t.Start}, utc{&t.End}, &t.ContactKey, &t.ListedByEmail,
		&t.TokenGeneration, &t.Claims, utc{&t.RegisteredAt}, utc{&t.UpdatedAt}}
}

func moguScanTrip(r scanner) (t mogu.Trip, err error) { return t, r.Scan(moguTripDest(&t)...) }

// moguScanAccountTrip reads moguTripColumns, link, linked_at and claimed.
func moguScanAccountTrip(r scanner) (at mogu.AccountTrip, err error) {
	return at, r.Scan(append(moguTripDest(&at.Trip), &at.Link, utc{&at.LinkedAt}, &at.Claimed)...)
}

func (s *MoguStore) PutTrip(ctx context.Context, t mogu.Trip, now time.Time) (mogu.Trip, error) {
	got, err := moguScanTrip(s.db.SQL.QueryRowContext(ctx, `INSERT INTO mogu_trips (booking_id, channel, contact_email, agent_email,
			agency_id, microsite_id, title, travelers, start_at, end_at, contact_key, listed_by_email,
			token_generation, claims, registered_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1, 0, $13, $13)
		ON CONFLICT (booking_id) DO UPDATE SET channel = excluded.channel, contact_email = excluded.contact_email,
			agent_email = excluded.agent_email, agency_id = excluded.agency_id, microsite_id = excluded.microsite_id,
			title = excluded.title, travelers = excluded.travelers, start_at = excluded.start_at, end_at = excluded.end_at,
			contact_key = excluded.contact_key, listed_by_email = excluded.listed_by_email, updated_at = excluded.updated_at
		RETURNING `+moguTripReturning,
		t.ID, int64(t.Channel), t.ContactEmail, t.AgentEmail, NullIfEmpty(t.AgencyID),
		t.MicrositeID, t.Title, t.Travelers, t.Start.UTC(), t.End.UTC(), t.ContactKey, t.ListedByEmail, now.UTC()))
	return got, s.db.Err(err, "put mogu trip %s", t.ID)
}

func (s *MoguStore) Trip(ctx context.Context, bookingID string) (mogu.Trip, error) {
	t, err := moguScanTrip(s.queryRow(ctx, "SELECT "+moguTripColumns+" FROM mogu_trips t WHERE t.booking_id = $1", bookingID))
	return t, s.db.Err(err, "mogu trip %s", bookingID)
}

// PostgreSQL's row lock and SQLite's write lock make rotations add one each.
func (s *MoguStore) RotateToken(ctx context.Context, bookingID string, now time.Time) (mogu.Trip, error) {
	t, err := moguScanTrip(s.db.SQL.QueryRowContext(ctx, `UPDATE mogu_trips SET token_generation = token_generation + 1, updated_at = $1
		WHERE booking_id = $2 RETURNING `+moguTripReturning, now.UTC(), bookingID))
	return t, s.db.Err(err, "rotate token of mogu trip %s", bookingID)
}

const moguLinkColumns = "account_id, booking_id, email_key, link, generation, linked_at"

// The trip's row lock (SQLite: the write lock) makes claims and rotations
// take turns: of two claims for the last place the second sees the first's.
func (s *MoguStore) AddLink(ctx context.Context, l mogu.TripLink) (out mogu.TripLink, created bool, err error) {
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		var generation, travelers, claims int64
		err := tx.QueryRowContext(ctx, "SELECT token_generation, travelers, claims FROM mogu_trips WHERE booking_id = $1"+s.db.rowLock(" FOR UPDATE"), l.BookingID).
			Scan(&generation, &travelers, &claims)
		if err != nil {
			return err
		}
		if generation != int64(l.Generation) {
			return mogu.ErrGenerationChanged
		}
		err = tx.QueryRowContext(ctx, "SELECT "+moguLinkColumns+" FROM mogu_trip_links WHERE account_id = $1 AND booking_id = $2", l.AccountID, l.BookingID).
			Scan(&out.AccountID, &out.BookingID, &out.EmailKey, &out.Link, &out.Generation, utc{&out.At})
		if !isNoRows(err) { // nil when the account has claimed the trip already
			return err
		}
		if claims >= travelers {
			return mogu.ErrClaimsExhausted
		}
		if _, err := tx.ExecContext(ctx, insertSQL("mogu_trip_links", moguLinkColumns),
			l.AccountID, l.BookingID, l.EmailKey, string(l.Link), int64(l.Generation), l.At.UTC()); err != nil {
			return err
		}
		out, created = l, true
		_, err = tx.ExecContext(ctx, "UPDATE mogu_trips SET claims = claims + 1 WHERE booking_id = $1", l.BookingID)
		return err
	})
	return out, created, s.db.Err(err, "add mogu link of trip %s", l.BookingID)
}

func (s *MoguStore) AccountTrip(ctx context.Context, accountID, emailKey, bookingID string) (mogu.AccountTrip, error) {
	at, err := moguScanAccountTrip(s.queryRow(ctx, "SELECT "+moguTripColumns+`,
			COALESCE(l.link, 'email'), l.linked_at, l.account_id IS NOT NULL
		FROM mogu_trips t LEFT JOIN mogu_trip_links l ON l.booking_id = t.booking_id AND l.account_id = $1
		WHERE t.booking_id = $2 AND (l.account_id IS NOT NULL OR (t.listed_by_email AND t.contact_key = $3))`,
		accountID, bookingID, emailKey))
	return at, s.db.Err(err, "mogu trip %s of account %s", bookingID, accountID)
}

// moguKeyset is the cursor's position, or one before every trip (starts are
// non-zero): one query text, an index range, serves every page.
func moguKeyset(c *mogu.TripCursor) (start time.Time, bookingID string) {
	if c == nil {
		return time.Time{}, ""
	}
	return c.Start.UTC(), c.BookingID
}

func (s *MoguStore) ListAccountTrips(ctx context.Context, q mogu.AccountTripQuery) ([]mogu.AccountTrip, error) {
	afterStart, afterID := moguKeyset(q.After)
	// ORDER BY 9, 1: start_at, booking_id. No subquery around the UNION:
	// SQLite would lose linked_at's declared type and return it as text.
	return list(ctx, s.db, "mogu trips of account "+q.AccountID, moguScanAccountTrip, `SELECT `+moguTripColumns+`, l.link, l.linked_at, TRUE
			FROM mogu_trip_links l JOIN mogu_trips t ON t.booking_id = l.booking_id
			WHERE l.account_id = $1 AND t.end_at >= $3 AND (t.start_at, t.booking_id) > ($4, $5)
			UNION ALL
			SELECT `+moguTripColumns+`, 'email', NULL, FALSE
			FROM mogu_trips t
			WHERE t.listed_by_email AND t.contact_key = $2 AND t.end_at >= $3 AND (t.start_at, t.booking_id) > ($4, $5)
				AND NOT EXISTS (SELECT 1 FROM mogu_trip_links x WHERE x.account_id = $1 AND x.booking_id = t.booking_id)
		ORDER BY 9, 1 LIMIT $6`,
		q.AccountID, q.EmailKey, q.EndsAfter.UTC(), afterStart, afterID, q.Limit)
}

func (s *MoguStore) ListAgencyTrips(ctx context.Context, q mogu.AgencyTripQuery) ([]mogu.Trip, error) {
	afterStart, afterID := moguKeyset(q.After)
	return list(ctx, s.db, "mogu trips of agency "+q.AgencyID, moguScanTrip, "SELECT "+moguTripColumns+` FROM mogu_trips t
		WHERE t.agency_id = $1 AND (t.start_at, t.booking_id) > ($2, $3)
		ORDER BY t.start_at, t.booking_id LIMIT $4`, q.AgencyID, afterStart, afterID, q.Limit)
}

func (s *MoguStore) AddMembership(ctx context.Context, m mogu.Membership) error {
	return s.db.run(ctx, "add mogu membership", "INSERT INTO mogu_memberships (operator_id, agency_id, granted_by, granted_at) VALUES ($1, $2, $3, $4)",
		m.OperatorID, m.AgencyID, m.GrantedBy, m.GrantedAt.UTC())
}

// The foreign key of mogu_current_agencies takes the operator out.
func (s *MoguStore) RemoveMembership(ctx context.Context, operatorID, agencyID string) error {
	return s.db.one(ctx, "remove mogu membership of operator "+operatorID+" in agency "+agencyID,
		"DELETE FROM mogu_memberships WHERE operator_id = $1 AND agency_id = $2", operatorID, agencyID)
}

const moguMembershipSelect = "SELECT operator_id, agency_id, granted_by, granted_at FROM mogu_memberships "

func moguScanMembership(r scanner) (m mogu.Membership, err error) {
	return m, r.Scan(&m.OperatorID, &m.AgencyID, &m.GrantedBy, utc{&m.GrantedAt})
}

func (s *MoguStore) Membership(ctx context.Context, operatorID, agencyID string) (mogu.Membership, error) {
	m, err := moguScanMembership(s.db.SQL.QueryRowContext(ctx, moguMembershipSelect+"WHERE operator_id = $1 AND agency_id = $2", operatorID, agencyID))
	return m, s.db.Err(err, "mogu membership")
}

func (s *MoguStore) Memberships(ctx context.Context, operatorID, afterAgencyID string, limit int) ([]mogu.Membership, error) {
	return list(ctx, s.db, "mogu memberships", moguScanMembership, moguMembershipSelect+
		"WHERE operator_id = $1 AND agency_id > $2 ORDER BY agency_id LIMIT $3", operatorID, afterAgencyID, limit)
}

// One INSERT … SELECT of the membership. On PostgreSQL the foreign key
// locks the membership row until commit: a racing revocation waits and
// removes the row again, or wins and the switch fails.
func (s *MoguStore) SetCurrentAgency(ctx context.Context, operatorID, agencyID string, now time.Time) error {
	err := s.db.one(ctx, "operator "+operatorID+" enters agency "+agencyID, `INSERT INTO mogu_current_agencies (operator_id, agency_id, entered_at)
		SELECT m.operator_id, m.agency_id, $1 FROM mogu_memberships m WHERE m.operator_id = $2 AND m.agency_id = $3
		ON CONFLICT (operator_id) DO UPDATE SET agency_id = excluded.agency_id, entered_at = excluded.entered_at`,
		now.UTC(), operatorID, agencyID)
	if errors.Is(err, bookingkit.ErrInvalid) { // the membership went between the read and the write
		return s.db.Fail("operator %s enters agency %s: no membership: %w", operatorID, agencyID, bookingkit.ErrNotFound)
	}
	return err
}

func (s *MoguStore) CurrentAgency(ctx context.Context, operatorID string) (string, error) {
	agency, err := scanOne[string](s.db.SQL.QueryRowContext(ctx, "SELECT agency_id FROM mogu_current_agencies WHERE operator_id = $1", operatorID))
	return agency, s.db.Err(err, "current mogu agency of operator %s", operatorID)
}
