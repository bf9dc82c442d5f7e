package postgres

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/mogu"
)

// MoguStore keeps MOGU's microsite activations, registered trips and the
// accounts that claimed them, and operators' agency accounts (tables
// mogu_*, migration 0300).
type MoguStore struct{ db *DB }

var _ mogu.Store = (*MoguStore)(nil)

func newMoguStore(db *DB) mogu.Store { return &MoguStore{db: db} }

type moguRowScanner interface{ Scan(...any) error }

// Activations.

func moguScanActivation(row moguRowScanner) (mogu.Activation, error) {
	var a mogu.Activation
	err := row.Scan(&a.MicrositeID, &a.Seq, &a.Active, &a.By, &a.At, &a.Note)
	a.At = a.At.UTC()
	return a, err
}

const moguActivationColumns = "microsite_id, seq, active, changed_by, changed_at, note"

// LatestActivation returns the microsite's latest change, or ErrNotFound.
func (s *MoguStore) LatestActivation(ctx context.Context, micrositeID string) (mogu.Activation, error) {
	a, err := moguScanActivation(s.db.sql.QueryRowContext(ctx, "SELECT "+moguActivationColumns+
		" FROM mogu_activations WHERE microsite_id = $1 ORDER BY seq DESC LIMIT 1", micrositeID))
	if err != nil {
		return mogu.Activation{}, fail("mogu activation of microsite %s: %w", micrositeID, translate(err))
	}
	return a, nil
}

// RecordActivation appends a if a.Seq follows the latest change, in one
// conditional insert; two writers of the same Seq meet at the primary key,
// and the loser gets ErrConflict.
func (s *MoguStore) RecordActivation(ctx context.Context, a mogu.Activation) error {
	res, err := s.db.sql.ExecContext(ctx, `INSERT INTO mogu_activations (`+moguActivationColumns+`)
		SELECT $1::text, $2::bigint, $3::boolean, $4::text, $5::timestamptz, $6::text
		WHERE (SELECT COALESCE(MAX(seq), 0) FROM mogu_activations WHERE microsite_id = $1) = $2::bigint - 1`,
		a.MicrositeID, a.Seq, a.Active, a.By, a.At.UTC(), a.Note)
	if err := oneRow(res, err, "record mogu activation"); err != nil {
		if errors.Is(err, bookingkit.ErrNotFound) || errors.Is(err, bookingkit.ErrInvalid) {
			return fail("mogu activation %d of microsite %s does not follow the latest: %w", a.Seq, a.MicrositeID, bookingkit.ErrConflict)
		}
		return err
	}
	return nil
}

// ActivationHistory returns up to limit changes below beforeSeq (0: from
// the newest), newest first.
func (s *MoguStore) ActivationHistory(ctx context.Context, micrositeID string, beforeSeq int64, limit int) ([]mogu.Activation, error) {
	rows, err := s.db.sql.QueryContext(ctx, "SELECT "+moguActivationColumns+` FROM mogu_activations
		WHERE microsite_id = $1 AND ($2::bigint = 0 OR seq < $2) ORDER BY seq DESC LIMIT $3`, micrositeID, beforeSeq, limit)
	if err != nil {
		return nil, fail("mogu activation history: %w", translate(err))
	}
	defer rows.Close()
	out := []mogu.Activation{}
	for rows.Next() {
		a, err := moguScanActivation(rows)
		if err != nil {
			return nil, fail("mogu activation history: %w", translate(err))
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fail("mogu activation history: %w", translate(err))
	}
	return out, nil
}

// Trips.

// moguTripColumns are read with the table aliased as t.
const moguTripColumns = `t.booking_id, t.channel, t.contact_email, t.agent_email, COALESCE(t.agency_id, ''), t.microsite_id,
	t.title, t.travelers, t.start_at, t.end_at, t.contact_key, t.listed_by_email,
	t.token_generation, t.claims, t.registered_at, t.updated_at`

// moguTripRow receives moguTripColumns: the integer columns come as int64, which
// pgx does not convert into mogu's own integer types.
type moguTripRow struct {
	t          mogu.Trip
	channel    int64
	generation int64
}

func (r *moguTripRow) dest() []any {
	t := &r.t
	return []any{&t.ID, &r.channel, &t.ContactEmail, &t.AgentEmail, &t.AgencyID, &t.MicrositeID,
		&t.Title, &t.Travelers, &t.Start, &t.End, &t.ContactKey, &t.ListedByEmail,
		&r.generation, &t.Claims, &t.RegisteredAt, &t.UpdatedAt}
}

func (r *moguTripRow) trip() mogu.Trip {
	t := r.t
	t.Channel, t.TokenGeneration = mogu.Channel(r.channel), uint32(r.generation)
	t.Start, t.End = t.Start.UTC(), t.End.UTC()
	t.RegisteredAt, t.UpdatedAt = t.RegisteredAt.UTC(), t.UpdatedAt.UTC()
	return t
}

func moguScanTrip(row moguRowScanner) (mogu.Trip, error) {
	var r moguTripRow
	err := row.Scan(r.dest()...)
	return r.trip(), err
}

// moguScanAccountTrip reads moguTripColumns followed by the link's link,
// linked_at and whether a link exists.
func moguScanAccountTrip(row moguRowScanner) (mogu.AccountTrip, error) {
	var r moguTripRow
	var at mogu.AccountTrip
	var link string
	var linkedAt sql.NullTime
	err := row.Scan(append(r.dest(), &link, &linkedAt, &at.Claimed)...)
	at.Trip, at.Link = r.trip(), mogu.Link(link)
	if linkedAt.Valid {
		at.LinkedAt = linkedAt.Time.UTC()
	}
	return at, err
}

// PutTrip inserts t or updates the trip with its ID, keeping the token
// generation, the registration time and the claims.
func (s *MoguStore) PutTrip(ctx context.Context, t mogu.Trip, now time.Time) (mogu.Trip, error) {
	now = now.UTC()
	got, err := moguScanTrip(s.db.sql.QueryRowContext(ctx, `INSERT INTO mogu_trips AS t (booking_id, channel, contact_email, agent_email,
			agency_id, microsite_id, title, travelers, start_at, end_at, contact_key, listed_by_email,
			token_generation, claims, registered_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1, 0, $13, $13)
		ON CONFLICT (booking_id) DO UPDATE SET channel = excluded.channel, contact_email = excluded.contact_email,
			agent_email = excluded.agent_email, agency_id = excluded.agency_id, microsite_id = excluded.microsite_id,
			title = excluded.title, travelers = excluded.travelers, start_at = excluded.start_at, end_at = excluded.end_at,
			contact_key = excluded.contact_key, listed_by_email = excluded.listed_by_email, updated_at = excluded.updated_at
		RETURNING `+moguTripColumns,
		t.ID, int64(t.Channel), t.ContactEmail, t.AgentEmail, nullIfEmpty(t.AgencyID), t.MicrositeID, t.Title, t.Travelers,
		t.Start.UTC(), t.End.UTC(), t.ContactKey, t.ListedByEmail, now))
	if err != nil {
		return mogu.Trip{}, fail("put mogu trip %s: %w", t.ID, translate(err))
	}
	return got, nil
}

// Trip returns the registered trip, or ErrNotFound.
func (s *MoguStore) Trip(ctx context.Context, bookingID string) (mogu.Trip, error) {
	t, err := moguScanTrip(s.db.sql.QueryRowContext(ctx, "SELECT "+moguTripColumns+" FROM mogu_trips t WHERE t.booking_id = $1", bookingID))
	if err != nil {
		return mogu.Trip{}, fail("mogu trip %s: %w", bookingID, translate(err))
	}
	return t, nil
}

// RotateToken adds one to the trip's token generation; the row lock makes
// concurrent rotations add one each.
func (s *MoguStore) RotateToken(ctx context.Context, bookingID string, now time.Time) (mogu.Trip, error) {
	t, err := moguScanTrip(s.db.sql.QueryRowContext(ctx, `UPDATE mogu_trips AS t SET token_generation = t.token_generation + 1, updated_at = $1
		WHERE t.booking_id = $2 RETURNING `+moguTripColumns, now.UTC(), bookingID))
	if err != nil {
		return mogu.Trip{}, fail("rotate token of mogu trip %s: %w", bookingID, translate(err))
	}
	return t, nil
}

const moguLinkColumns = "account_id, booking_id, email_key, link, generation, linked_at"

func moguScanLink(row moguRowScanner) (mogu.TripLink, error) {
	var l mogu.TripLink
	var link string
	var generation int64
	err := row.Scan(&l.AccountID, &l.BookingID, &l.EmailKey, &link, &generation, &l.At)
	l.Link, l.Generation, l.At = mogu.Link(link), uint32(generation), l.At.UTC()
	return l, err
}

// AddLink records a claim in one transaction that first locks the trip's
// row (SELECT … FOR UPDATE): claims of one trip, and a rotation of its
// token, take turns, so of two claims for the last place the second sees
// the first's count.
func (s *MoguStore) AddLink(ctx context.Context, l mogu.TripLink) (mogu.TripLink, bool, error) {
	var out mogu.TripLink
	created := false
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		var generation int64
		var travelers, claims int
		err := tx.QueryRowContext(ctx, "SELECT token_generation, travelers, claims FROM mogu_trips WHERE booking_id = $1 FOR UPDATE", l.BookingID).
			Scan(&generation, &travelers, &claims)
		if err != nil {
			return err
		}
		if generation != int64(l.Generation) {
			return mogu.ErrGenerationChanged
		}
		out, err = moguScanLink(tx.QueryRowContext(ctx, "SELECT "+moguLinkColumns+" FROM mogu_trip_links WHERE account_id = $1 AND booking_id = $2", l.AccountID, l.BookingID))
		if err == nil {
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if claims >= travelers {
			return mogu.ErrClaimsExhausted
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO mogu_trip_links ("+moguLinkColumns+") VALUES ($1, $2, $3, $4, $5, $6)",
			l.AccountID, l.BookingID, l.EmailKey, string(l.Link), int64(l.Generation), l.At.UTC()); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE mogu_trips SET claims = claims + 1 WHERE booking_id = $1", l.BookingID); err != nil {
			return err
		}
		out, created = l, true
		return nil
	})
	if err != nil {
		return mogu.TripLink{}, false, fail("add mogu link of trip %s: %w", l.BookingID, err)
	}
	return out, created, nil
}

// AccountTrip returns the trip as the account sees it: linked, or listed
// by email to its email key; otherwise ErrNotFound.
func (s *MoguStore) AccountTrip(ctx context.Context, accountID, emailKey, bookingID string) (mogu.AccountTrip, error) {
	at, err := moguScanAccountTrip(s.db.sql.QueryRowContext(ctx, "SELECT "+moguTripColumns+`,
			COALESCE(l.link, 'email'), l.linked_at, l.account_id IS NOT NULL
		FROM mogu_trips t LEFT JOIN mogu_trip_links l ON l.booking_id = t.booking_id AND l.account_id = $1
		WHERE t.booking_id = $2 AND (l.account_id IS NOT NULL OR (t.listed_by_email AND t.contact_key = $3))`,
		accountID, bookingID, emailKey))
	if err != nil {
		return mogu.AccountTrip{}, fail("mogu trip %s of account %s: %w", bookingID, accountID, translate(err))
	}
	return at, nil
}

// moguKeyset returns the cursor's position, or for the first page one before
// every trip (trips have a non-zero start): one query text serves every
// page, and its row comparison is an index range, not a filter.
func moguKeyset(c *mogu.TripCursor) (start time.Time, bookingID string) {
	if c == nil {
		return time.Time{}, ""
	}
	return c.Start.UTC(), c.BookingID
}

// ListAccountTrips returns the trips the account claimed and the ones
// listed by email to it (without those it claimed), in (start, booking)
// order after the cursor.
func (s *MoguStore) ListAccountTrips(ctx context.Context, q mogu.AccountTripQuery) ([]mogu.AccountTrip, error) {
	afterStart, afterID := moguKeyset(q.After)
	rows, err := s.db.sql.QueryContext(ctx, `SELECT * FROM (
			SELECT `+moguTripColumns+`, l.link, l.linked_at, true
			FROM mogu_trip_links l JOIN mogu_trips t ON t.booking_id = l.booking_id
			WHERE l.account_id = $1 AND t.end_at >= $3
				AND (t.start_at, t.booking_id) > ($4::timestamptz, $5::text COLLATE "C")
			UNION ALL
			SELECT `+moguTripColumns+`, 'email', NULL, false
			FROM mogu_trips t
			WHERE t.listed_by_email AND t.contact_key = $2 AND t.end_at >= $3
				AND (t.start_at, t.booking_id) > ($4::timestamptz, $5::text COLLATE "C")
				AND NOT EXISTS (SELECT 1 FROM mogu_trip_links x WHERE x.account_id = $1 AND x.booking_id = t.booking_id)
		) trips ORDER BY start_at, booking_id LIMIT $6`,
		q.AccountID, q.EmailKey, q.EndsAfter.UTC(), afterStart, afterID, q.Limit)
	if err != nil {
		return nil, fail("mogu trips of account %s: %w", q.AccountID, translate(err))
	}
	defer rows.Close()
	out := []mogu.AccountTrip{}
	for rows.Next() {
		at, err := moguScanAccountTrip(rows)
		if err != nil {
			return nil, fail("mogu trips of account %s: %w", q.AccountID, translate(err))
		}
		out = append(out, at)
	}
	if err := rows.Err(); err != nil {
		return nil, fail("mogu trips of account %s: %w", q.AccountID, translate(err))
	}
	return out, nil
}

// ListAgencyTrips returns the agency's trips in (start, booking) order
// after the cursor.
func (s *MoguStore) ListAgencyTrips(ctx context.Context, q mogu.AgencyTripQuery) ([]mogu.Trip, error) {
	afterStart, afterID := moguKeyset(q.After)
	rows, err := s.db.sql.QueryContext(ctx, "SELECT "+moguTripColumns+` FROM mogu_trips t
		WHERE t.agency_id = $1 AND (t.start_at, t.booking_id) > ($2::timestamptz, $3::text COLLATE "C")
		ORDER BY t.start_at, t.booking_id LIMIT $4`, q.AgencyID, afterStart, afterID, q.Limit)
	if err != nil {
		return nil, fail("mogu trips of agency %s: %w", q.AgencyID, translate(err))
	}
	defer rows.Close()
	out := []mogu.Trip{}
	for rows.Next() {
		t, err := moguScanTrip(rows)
		if err != nil {
			return nil, fail("mogu trips of agency %s: %w", q.AgencyID, translate(err))
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fail("mogu trips of agency %s: %w", q.AgencyID, translate(err))
	}
	return out, nil
}

// Agency accounts.

// AddMembership grants access, or ErrConflict when granted already.
func (s *MoguStore) AddMembership(ctx context.Context, m mogu.Membership) error {
	_, err := s.db.sql.ExecContext(ctx, "INSERT INTO mogu_memberships (operator_id, agency_id, granted_by, granted_at) VALUES ($1, $2, $3, $4)",
		m.OperatorID, m.AgencyID, m.GrantedBy, m.GrantedAt.UTC())
	if err != nil {
		return fail("add mogu membership: %w", translate(err))
	}
	return nil
}

// RemoveMembership deletes the membership; the foreign key of
// mogu_current_agencies takes the operator out of the account in the same
// statement.
func (s *MoguStore) RemoveMembership(ctx context.Context, operatorID, agencyID string) error {
	res, err := s.db.sql.ExecContext(ctx, "DELETE FROM mogu_memberships WHERE operator_id = $1 AND agency_id = $2", operatorID, agencyID)
	return oneRow(res, err, "remove mogu membership of operator "+operatorID+" in agency "+agencyID)
}

// Membership returns the membership, or ErrNotFound.
func (s *MoguStore) Membership(ctx context.Context, operatorID, agencyID string) (mogu.Membership, error) {
	var m mogu.Membership
	err := s.db.sql.QueryRowContext(ctx, `SELECT operator_id, agency_id, granted_by, granted_at FROM mogu_memberships
		WHERE operator_id = $1 AND agency_id = $2`, operatorID, agencyID).Scan(&m.OperatorID, &m.AgencyID, &m.GrantedBy, &m.GrantedAt)
	if err != nil {
		return mogu.Membership{}, fail("mogu membership: %w", translate(err))
	}
	m.GrantedAt = m.GrantedAt.UTC()
	return m, nil
}

// Memberships returns the operator's memberships after afterAgencyID.
func (s *MoguStore) Memberships(ctx context.Context, operatorID, afterAgencyID string, limit int) ([]mogu.Membership, error) {
	rows, err := s.db.sql.QueryContext(ctx, `SELECT operator_id, agency_id, granted_by, granted_at FROM mogu_memberships
		WHERE operator_id = $1 AND agency_id > $2 ORDER BY agency_id LIMIT $3`, operatorID, afterAgencyID, limit)
	if err != nil {
		return nil, fail("mogu memberships: %w", translate(err))
	}
	defer rows.Close()
	out := []mogu.Membership{}
	for rows.Next() {
		var m mogu.Membership
		if err := rows.Scan(&m.OperatorID, &m.AgencyID, &m.GrantedBy, &m.GrantedAt); err != nil {
			return nil, fail("mogu memberships: %w", translate(err))
		}
		m.GrantedAt = m.GrantedAt.UTC()
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fail("mogu memberships: %w", translate(err))
	}
	return out, nil
}

// SetCurrentAgency puts the operator in the agency's account in one
// statement that inserts only when the membership exists (ErrNotFound when
// not). The foreign key locks the membership row until commit, so a
// revocation racing with the switch either waits and then removes the row
// again, or wins and makes the switch fail.
func (s *MoguStore) SetCurrentAgency(ctx context.Context, operatorID, agencyID string, now time.Time) error {
	res, err := s.db.sql.ExecContext(ctx, `INSERT INTO mogu_current_agencies (operator_id, agency_id, entered_at)
		SELECT m.operator_id, m.agency_id, $1::timestamptz FROM mogu_memberships m WHERE m.operator_id = $2 AND m.agency_id = $3
		ON CONFLICT (operator_id) DO UPDATE SET agency_id = excluded.agency_id, entered_at = excluded.entered_at`,
		now.UTC(), operatorID, agencyID)
	err = oneRow(res, err, "operator "+operatorID+" enters agency "+agencyID)
	if errors.Is(err, bookingkit.ErrInvalid) { // the membership went between the read and the write
		return fail("operator %s enters agency %s: no membership: %w", operatorID, agencyID, bookingkit.ErrNotFound)
	}
	return err
}

// CurrentAgency returns the agency whose account the operator is in, or
// ErrNotFound.
func (s *MoguStore) CurrentAgency(ctx context.Context, operatorID string) (string, error) {
	var agency string
	err := s.db.sql.QueryRowContext(ctx, "SELECT agency_id FROM mogu_current_agencies WHERE operator_id = $1", operatorID).Scan(&agency)
	if err != nil {
		return "", fail("current mogu agency of operator %s: %w", operatorID, translate(err))
	}
	return agency, nil
}
