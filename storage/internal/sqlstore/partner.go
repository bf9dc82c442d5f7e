package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/partner"
)

// PartnerStore is the [partner.Store] of tables partner_* (migrations
// 0400, 0540, 0550).
type PartnerStore struct{ db *DB }

// partnerQuery builds a statement's WHERE and arguments.
type partnerQuery struct {
	args  []any
	where []string
}

func (q *partnerQuery) arg(v any) string {
	q.args = append(q.args, v)
	return "$" + strconv.Itoa(len(q.args))
}

func (q *partnerQuery) cond(c string) { q.where = append(q.where, c) }

// opt adds the condition "column op v" unless v is "" or the zero time.
func (q *partnerQuery) opt(column, op string, v any) {
	switch x := v.(type) {
	case string:
		if x == "" {
			return
		}
	case time.Time:
		if x.IsZero() {
			return
		}
		v = x.UTC()
	}
	q.cond(column + " " + op + " " + q.arg(v))
}

func (q *partnerQuery) in(vs []partner.State) (ph string) {
	ph, q.args = dollarList(q.args, vs)
	return "(" + ph + ")"
}

func (q *partnerQuery) whereSQL() string {
	if len(q.where) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(q.where, " AND ")
}

// partnerUpdateSQL sets every column but the first, id ($1), to $2, …
// where the row is still at the version bound after them.
func partnerUpdateSQL(table, columns string) string {
	n := strings.Count(columns, ",")
	_, rest, _ := strings.Cut(columns, ",")
	return "UPDATE " + table + " SET (" + rest + ") = (" + Placeholders(2, n, 1) + ") WHERE id = $1 AND version = $" + strconv.Itoa(n+2)
}

func (s *PartnerStore) fail(what string, err error) error { return s.db.Err(err, "partner %s", what) }

const partnerAuditColumns = "id, at, actor_id, actor_role, partner_id, object, object_id, action, reason, detail"

func partnerAuditArgs(r partner.AuditRecord) []any {
	return []any{r.ID, r.At.UTC(), r.ActorID, string(r.ActorRole), r.PartnerID, r.Object, r.ObjectID, r.Action, r.Reason, r.Detail}
}

func insertPartnerAudit(ctx context.Context, tx querier, r partner.AuditRecord) error {
	_, err := tx.ExecContext(ctx, insertSQL("partner_audit", partnerAuditColumns), partnerAuditArgs(r)...)
	return err
}

// change runs fn and inserts audit in one transaction.
func (s *PartnerStore) change(ctx context.Context, what string, audit partner.AuditRecord, fn func(*sql.Tx) error) error {
	return s.fail(what, s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return insertPartnerAudit(ctx, tx, audit)
	}))
}

// partnerOne reads with scan the row query finds, its error as fail's.
func partnerOne[T any](ctx context.Context, s *PartnerStore, what string, scan func(scanner) (T, error), query string, args ...any) (T, error) {
	v, err := scan(s.db.SQL.QueryRowContext(ctx, query, args...))
	return v, s.fail(what, err)
}

// exists returns ErrNotFound unless table has a row with id.
func (s *PartnerStore) exists(ctx context.Context, tx querier, table, what, id string) error {
	_, err := scanOne[int](tx.QueryRowContext(ctx, "SELECT 1 FROM "+table+" WHERE id = $1", id))
	if isNoRows(err) {
		return s.db.Fail("%s %s: %w", what, id, bookingkit.ErrNotFound)
	}
	return err
}

// insertUnder inserts into table the row of columns that args are, if
// parent has a row with id; ErrNotFound names that one (what id) otherwise.
func (s *PartnerStore) insertUnder(ctx context.Context, tx querier, parent, what, id, table, columns string, args ...any) error {
	n, err := execEach(ctx, tx, []string{"INSERT INTO " + table + " (" + columns + ") SELECT " + Placeholders(1, len(args), 1) +
		" WHERE EXISTS (SELECT 1 FROM " + parent + " WHERE id = $" + strconv.Itoa(len(args)+1) + ")"}, append(args, id)...)
	if err != nil || n > 0 {
		return err
	}
	return s.db.Fail("%s %s: %w", what, id, bookingkit.ErrNotFound)
}

func (s *PartnerStore) CreatePartner(ctx context.Context, p partner.Partner, audit partner.AuditRecord) error {
	return s.change(ctx, "create partner", audit, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO partner_partners (id, name, created_at) VALUES ($1, $2, $3)", p.ID, p.Name, p.CreatedAt.UTC())
		return err
	})
}

func scanPartner(r scanner) (p partner.Partner, err error) {
	return p, r.Scan(&p.ID, &p.Name, utc{&p.CreatedAt})
}

func (s *PartnerStore) GetPartner(ctx context.Context, id string) (partner.Partner, error) {
	return partnerOne(ctx, s, "partner "+id, scanPartner, "SELECT id, name, created_at FROM partner_partners WHERE id = $1", id)
}

func (s *PartnerStore) ListPartners(ctx context.Context, q partner.PartnerQuery) ([]partner.Partner, error) {
	return list(ctx, s.db, "partner list partners", scanPartner, "SELECT id, name, created_at FROM partner_partners WHERE id > $1 ORDER BY id LIMIT $2", q.After, q.Limit)
}

func (s *PartnerStore) CreateUser(ctx context.Context, u partner.User, audit partner.AuditRecord) error {
	return s.change(ctx, "create user", audit, func(tx *sql.Tx) error {
		const cols = "id, partner_id, role, name, email, email_key, created_at"
		args := []any{u.ID, NullIfEmpty(u.PartnerID), string(u.Role), u.Name, u.Email, strings.ToLower(u.Email), u.CreatedAt.UTC()}
		if u.PartnerID != "" {
			return s.insertUnder(ctx, tx, "partner_partners", "partner", u.PartnerID, "partner_users", cols, args...)
		}
		_, err := tx.ExecContext(ctx, insertSQL("partner_users", cols), args...)
		return err
	})
}

func (s *PartnerStore) GetUser(ctx context.Context, id string) (partner.User, error) {
	return partnerOne(ctx, s, "user "+id, func(r scanner) (u partner.User, err error) {
		return u, r.Scan(&u.ID, &u.PartnerID, &u.Role, &u.Name, &u.Email, utc{&u.CreatedAt})
	}, "SELECT id, COALESCE(partner_id, ''), role, name, email, created_at FROM partner_users WHERE id = $1", id)
}

func (s *PartnerStore) CreateCompany(ctx context.Context, c partner.Company, audit partner.AuditRecord) error {
	return s.change(ctx, "create company", audit, func(tx *sql.Tx) error {
		err := s.insertUnder(ctx, tx, "partner_partners", "partner", c.PartnerID, "partner_companies", "id, partner_id, name, created_at",
			c.ID, c.PartnerID, c.Name, c.CreatedAt.UTC())
		if err != nil {
			return err
		}
		// Without messages, the zero time sorts the thread last.
		_, err = tx.ExecContext(ctx, "INSERT INTO partner_threads (company_id, partner_id, last_message_at) VALUES ($1, $2, $3)",
			c.ID, c.PartnerID, time.Time{})
		return err
	})
}

func scanPartnerCompany(r scanner) (c partner.Company, err error) {
	return c, r.Scan(&c.ID, &c.PartnerID, &c.Name, utc{&c.CreatedAt})
}

func (s *PartnerStore) GetCompany(ctx context.Context, id string) (partner.Company, error) {
	return partnerOne(ctx, s, "company "+id, scanPartnerCompany, "SELECT id, partner_id, name, created_at FROM partner_companies WHERE id = $1", id)
}

func (s *PartnerStore) ListCompanies(ctx context.Context, q partner.CompanyQuery) ([]partner.Company, error) {
	var b partnerQuery
	b.cond("id > " + b.arg(q.After))
	b.opt("partner_id", "=", q.PartnerID)
	query := "SELECT id, partner_id, name, created_at FROM partner_companies" + b.whereSQL() + " ORDER BY id LIMIT " + b.arg(q.Limit)
	return list(ctx, s.db, "partner list companies", scanPartnerCompany, query, b.args...)
}

// PartnerInstanceColumns are the columns, in order, of [PartnerInstanceArgs].
const PartnerInstanceColumns = `id, partner_id, company_id, type, profile, state, company_data, config, config_version, expires_at,
	contract_text, contract_sha256, contract_generated_at,
	deact_reason, deact_requested_by, deact_requested_at, deact_decision, deact_decision_reason, deact_decided_by, deact_decided_at,
	created_by, created_at, activated_at, updated_at, version`

var partnerInstanceUpdate = partnerUpdateSQL("partner_instances", PartnerInstanceColumns)

// PartnerInstanceArgs are inst's values of [PartnerInstanceColumns].
func PartnerInstanceArgs(inst partner.Instance) ([]any, error) {
	data, err1 := json.Marshal(inst.CompanyData)
	config, err2 := json.Marshal(inst.Config)
	if err := errors.Join(err1, err2); err != nil {
		return nil, err
	}
	d := inst.Deactivation
	return []any{
		inst.ID, inst.PartnerID, inst.CompanyID, inst.Type, inst.Profile, string(inst.State), string(data), string(config), inst.ConfigVersion, inst.ExpiresAt.UTC(),
		inst.Contract.Text, inst.Contract.SHA256, nullTime(inst.Contract.GeneratedAt),
		d.Reason, d.RequestedBy, nullTime(d.RequestedAt), d.Decision, d.DecisionReason, d.DecidedBy, nullTime(d.DecidedAt),
		inst.CreatedBy, inst.CreatedAt.UTC(), nullTime(inst.ActivatedAt), inst.UpdatedAt.UTC(), inst.Version,
	}, nil
}

func scanPartnerInstance(r scanner) (inst partner.Instance, err error) {
	var data, config []byte
	d := &inst.Deactivation
	if err := r.Scan(&inst.ID, &inst.PartnerID, &inst.CompanyID, &inst.Type, &inst.Profile, &inst.State, &data, &config, &inst.ConfigVersion, utc{&inst.ExpiresAt},
		&inst.Contract.Text, &inst.Contract.SHA256, utc{&inst.Contract.GeneratedAt},
		&d.Reason, &d.RequestedBy, utc{&d.RequestedAt}, &d.Decision, &d.DecisionReason, &d.DecidedBy, utc{&d.DecidedAt},
		&inst.CreatedBy, utc{&inst.CreatedAt}, utc{&inst.ActivatedAt}, utc{&inst.UpdatedAt}, &inst.Version); err != nil {
		return inst, err
	}
	return inst, errors.Join(json.Unmarshal(data, &inst.CompanyData), json.Unmarshal(config, &inst.Config))
}

func (s *PartnerStore) CreateInstance(ctx context.Context, inst partner.Instance, audit partner.AuditRecord) error {
	args, err := PartnerInstanceArgs(inst)
	if err != nil {
		return s.fail("create instance", err)
	}
	return s.change(ctx, "create instance", audit, func(tx *sql.Tx) error {
		return s.insertUnder(ctx, tx, "partner_companies", "company", inst.CompanyID, "partner_instances", PartnerInstanceColumns, args...)
	})
}

func (s *PartnerStore) GetInstance(ctx context.Context, id string) (partner.Instance, error) {
	return partnerOne(ctx, s, "instance "+id, scanPartnerInstance, "SELECT "+PartnerInstanceColumns+" FROM partner_instances WHERE id = $1", id)
}

// update runs query, a partnerUpdateSQL of table, on args (id first) and
// prev. When it touches no row, the row is missing or at another version.
func (s *PartnerStore) update(ctx context.Context, tx *sql.Tx, query, table, what string, args []any, prev int64) error {
	n, err := execEach(ctx, tx, []string{query}, append(args, prev)...)
	if err != nil || n > 0 {
		return err
	}
	return s.atVersion(ctx, tx, table, what, args[0].(string), prev, "")
}

// atVersion returns ErrNotFound or ErrConflict, naming what id, unless
// table's row id is at version want; lock ends the SELECT that reads it.
func (s *PartnerStore) atVersion(ctx context.Context, tx *sql.Tx, table, what, id string, want int64, lock string) error {
	var cur int64
	err := tx.QueryRowContext(ctx, "SELECT version FROM "+table+" WHERE id = $1"+lock, id).Scan(&cur)
	if isNoRows(err) {
		return s.db.Fail("%s %s: %w", what, id, bookingkit.ErrNotFound)
	}
	if err == nil && cur != want {
		return s.db.Fail("%s %s is at version %d, not %d: %w", what, id, cur, want, bookingkit.ErrConflict)
	}
	return err
}

func (s *PartnerStore) UpdateInstance(ctx context.Context, u partner.InstanceUpdate) error {
	args, err := PartnerInstanceArgs(u.Instance)
	if err != nil {
		return s.fail("update instance", err)
	}
	inst := u.Instance
	return s.change(ctx, "update instance", u.Audit, func(tx *sql.Tx) error {
		if err := s.update(ctx, tx, partnerInstanceUpdate, "partner_instances", "instance", args, u.PrevVersion); err != nil || !u.DeactivateLicences {
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO partner_activity ("+partnerActivityData+`)
			SELECT $1, $2, partner_id, company_id, instance_id, id, COALESCE(serial, ''), COALESCE(pin, ''), login, $3
			FROM partner_licences
			WHERE instance_id = $4 AND state <> 'deactivated' AND (serial IS NOT NULL OR pin IS NOT NULL)
			ORDER BY id`,
			inst.UpdatedAt.UTC(), string(partner.ActivityReleased), partner.DetailInstanceDeactivated, inst.ID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE partner_licences
			SET state = 'deactivated', serial = NULL, pin = NULL, bound_at = NULL, version = version + 1, updated_at = $1
			WHERE instance_id = $2 AND state <> 'deactivated'`, inst.UpdatedAt.UTC(), inst.ID)
		return err
	})
}

// partnerInstanceFilters adds the conditions of an instance list or report.
func partnerInstanceFilters(b *partnerQuery, partnerID, companyID, typ, profile string, statuses []partner.State, now, from, to time.Time) {
	b.opt("partner_id", "=", partnerID)
	b.opt("company_id", "=", companyID)
	b.opt("type", "=", typ)
	b.opt("profile", "=", profile)
	if len(statuses) > 0 {
		b.cond("(CASE WHEN state = 'active' AND expires_at <= " + b.arg(now.UTC()) + " THEN 'expired' ELSE state END) IN " + b.in(statuses))
	}
	b.opt("activated_at", ">=", from)
	b.opt("activated_at", "<", to)
}

func (s *PartnerStore) ListInstances(ctx context.Context, q partner.InstanceQuery) ([]partner.Instance, error) {
	var b partnerQuery
	b.cond("id > " + b.arg(q.After))
	partnerInstanceFilters(&b, q.PartnerID, q.CompanyID, q.Type, q.Profile, q.Statuses, q.Now, q.ActivatedFrom, q.ActivatedTo)
	query := "SELECT " + PartnerInstanceColumns + " FROM partner_instances" + b.whereSQL() + " ORDER BY id LIMIT " + b.arg(q.Limit)
	return list(ctx, s.db, "partner list instances", scanPartnerInstance, query, b.args...)
}

const partnerLicenceColumns = `id, partner_id, company_id, instance_id, instance_type, profile, state, user_name, login, email,
	serial, pin, bound_at, search_text,
	deact_reason, deact_requested_by, deact_requested_at, deact_decision, deact_decision_reason, deact_decided_by, deact_decided_at,
	created_by, created_at, updated_at, version`

// partnerLicenceSelect reads partnerLicenceColumns but search_text, with
// NULL terminals as "".
var partnerLicenceSelect = strings.NewReplacer("serial, pin,", "COALESCE(serial, ''), COALESCE(pin, ''),", " search_text,", "").Replace(partnerLicenceColumns)

var partnerLicenceUpdate = partnerUpdateSQL("partner_licences", partnerLicenceColumns)

func partnerLicenceArgs(l partner.Licence) []any {
	d := l.Deactivation
	return []any{
		l.ID, l.PartnerID, l.CompanyID, l.InstanceID, l.InstanceType, l.Profile, string(l.State), l.User.Name, l.User.Login, l.User.Email,
		// search_text: a line a field, so that no match spans two, lower-cased
		// in Go, so that every adapter is case-blind alike.
		NullIfEmpty(l.Terminal.Serial), NullIfEmpty(l.Terminal.PIN), nullTime(l.BoundAt), strings.ToLower(l.User.Name + "\n" + l.User.Login + "\n" + l.User.Email),
		d.Reason, d.RequestedBy, nullTime(d.RequestedAt), d.Decision, d.DecisionReason, d.DecidedBy, nullTime(d.DecidedAt),
		l.CreatedBy, l.CreatedAt.UTC(), l.UpdatedAt.UTC(), l.Version,
	}
}

func scanPartnerLicence(r scanner) (l partner.Licence, err error) {
	d := &l.Deactivation
	return l, r.Scan(&l.ID, &l.PartnerID, &l.CompanyID, &l.InstanceID, &l.InstanceType, &l.Profile, &l.State, &l.User.Name, &l.User.Login, &l.User.Email,
		&l.Terminal.Serial, &l.Terminal.PIN, utc{&l.BoundAt},
		&d.Reason, &d.RequestedBy, utc{&d.RequestedAt}, &d.Decision, &d.DecisionReason, &d.DecidedBy, utc{&d.DecidedAt},
		&l.CreatedBy, utc{&l.CreatedAt}, utc{&l.UpdatedAt}, &l.Version)
}

func (s *PartnerStore) CreateLicences(ctx context.Context, b partner.LicenceBatch) error {
	return s.fail("create licences", s.db.InTx(ctx, func(tx *sql.Tx) error {
		// The instance stays at the version read until the commit (SQLite's write
		// lock; PostgreSQL's FOR SHARE lets batches of one instance run side by side).
		if err := s.atVersion(ctx, tx, "partner_instances", "instance", b.InstanceID, b.InstanceVersion, s.db.rowLock(" FOR SHARE")); err != nil {
			return err
		}
		if err := s.db.Dialect.InsertRows(ctx, tx, "partner_licences", partnerLicenceColumns, len(b.Licences), func(i int) []any { return partnerLicenceArgs(b.Licences[i]) }); err != nil {
			return err
		}
		return s.db.Dialect.InsertRows(ctx, tx, "partner_audit", partnerAuditColumns, len(b.Audit), func(i int) []any { return partnerAuditArgs(b.Audit[i]) })
	}))
}

func (s *PartnerStore) GetLicence(ctx context.Context, id string) (partner.Licence, error) {
	return partnerOne(ctx, s, "licence "+id, scanPartnerLicence, "SELECT "+partnerLicenceSelect+" FROM partner_licences WHERE id = $1", id)
}

// insertPartnerActivity inserts ev and returns it with its new ID.
func insertPartnerActivity(ctx context.Context, tx querier, ev partner.ActivityEvent) (partner.ActivityEvent, error) {
	err := tx.QueryRowContext(ctx, insertSQL("partner_activity", partnerActivityData)+" RETURNING id",
		ev.At.UTC(), string(ev.Kind), ev.PartnerID, ev.CompanyID, ev.InstanceID, ev.LicenceID, ev.Serial, ev.PIN, ev.UserLogin, ev.Detail).Scan(&ev.ID)
	return ev, err
}

func (s *PartnerStore) UpdateLicence(ctx context.Context, u partner.LicenceUpdate) error {
	return s.fail("update licence", s.db.InTx(ctx, func(tx *sql.Tx) error {
		err := s.update(ctx, tx, partnerLicenceUpdate, "partner_licences", "licence", partnerLicenceArgs(u.Licence), u.PrevVersion)
		if err == nil && u.Audit != nil {
			err = insertPartnerAudit(ctx, tx, *u.Audit)
		}
		if err == nil && u.Activity != nil {
			_, err = insertPartnerActivity(ctx, tx, *u.Activity)
		}
		return err
	}))
}

// partnerLicenceFilters adds the conditions of a licence list or report.
func partnerLicenceFilters(b *partnerQuery, partnerID, typ, profile string, states []partner.State, from, to time.Time) {
	b.opt("partner_id", "=", partnerID)
	b.opt("instance_type", "=", typ)
	b.opt("profile", "=", profile)
	if len(states) > 0 {
		b.cond("state IN " + b.in(states))
	}
	b.opt("created_at", ">=", from)
	b.opt("created_at", "<", to)
}

func (s *PartnerStore) ListLicences(ctx context.Context, q partner.LicenceQuery) ([]partner.Licence, error) {
	var b partnerQuery
	b.cond("id > " + b.arg(q.After))
	partnerLicenceFilters(&b, q.PartnerID, q.Type, q.Profile, q.States, q.CreatedFrom, q.CreatedTo)
	b.opt("instance_id", "=", q.InstanceID)
	b.opt("login", "=", q.Login)
	b.opt("serial", "=", q.Serial)
	b.opt("pin", "=", q.PIN)
	if q.Search != "" {
		// A position, not LIKE: the search text is literal, % and _ included.
		search := b.arg(strings.ToLower(q.Search))
		b.cond("(" + s.db.Dialect.Position("search_text", search) + " > 0 OR " + s.db.Dialect.Position("lower(COALESCE(serial, ''))", search) +
			" > 0 OR " + s.db.Dialect.Position("lower(COALESCE(pin, ''))", search) + " > 0)")
	}
	query := "SELECT " + partnerLicenceSelect + " FROM partner_licences" + b.whereSQL() + " ORDER BY id LIMIT " + b.arg(q.Limit)
	return list(ctx, s.db, "partner list licences", scanPartnerLicence, query, b.args...)
}

// PartnerActivityColumns are the columns of partner_activity.
const (
	PartnerActivityColumns = "id, " + partnerActivityData
	partnerActivityData    = "at, kind, partner_id, company_id, instance_id, licence_id, serial, pin, user_login, detail"
)

func scanPartnerActivity(r scanner) (ev partner.ActivityEvent, err error) {
	return ev, r.Scan(&ev.ID, utc{&ev.At}, &ev.Kind, &ev.PartnerID, &ev.CompanyID, &ev.InstanceID, &ev.LicenceID, &ev.Serial, &ev.PIN, &ev.UserLogin, &ev.Detail)
}

func (s *PartnerStore) AppendActivity(ctx context.Context, ev partner.ActivityEvent) (partner.ActivityEvent, error) {
	ev, err := insertPartnerActivity(ctx, s.db.SQL, ev)
	return ev, s.fail("append activity", err)
}

func (s *PartnerStore) GetActivity(ctx context.Context, id int64) (partner.ActivityEvent, error) {
	return partnerOne(ctx, s, "activity record "+strconv.FormatInt(id, 10), scanPartnerActivity, "SELECT "+PartnerActivityColumns+" FROM partner_activity WHERE id = $1", id)
}

// SearchActivity seeks the (serial or pin, at DESC, id DESC) index at the
// window's newest end and stops after Limit rows, whatever the log's size.
func (s *PartnerStore) SearchActivity(ctx context.Context, q partner.ActivityQuery) ([]partner.ActivityEvent, error) {
	query, args, err := PartnerSearchActivitySQL(q)
	if err != nil {
		return nil, err
	}
	return list(ctx, s.db, "partner search activity", scanPartnerActivity, query, args...)
}

// PartnerSearchActivitySQL is SearchActivity's query; the adapters test its plan.
func PartnerSearchActivitySQL(q partner.ActivityQuery) (string, []any, error) {
	var b partnerQuery
	switch {
	case q.Serial != "":
		b.cond("serial = " + b.arg(q.Serial))
	case q.PIN != "":
		b.cond("pin = " + b.arg(q.PIN))
	default:
		return "", nil, bookingkit.Invalid("serial", "", "a serial or a PIN to search for")
	}
	b.opt("partner_id", "=", q.PartnerID)
	b.opt("at", ">=", q.From)
	// A cursor inside the window is the tighter upper bound, and the one
	// the index should seek to: leave To out then, so that the planner
	// cannot pick To and skip page after page of rows.
	if !q.To.IsZero() && (q.Before == nil || !q.Before.At.Before(q.To)) {
		b.cond("at < " + b.arg(q.To.UTC()))
	}
	if q.Before != nil {
		b.cond("(at, id) < (" + b.arg(q.Before.At.UTC()) + ", " + b.arg(q.Before.ID) + ")")
	}
	return "SELECT " + PartnerActivityColumns + " FROM partner_activity" + b.whereSQL() + " ORDER BY at DESC, id DESC LIMIT " + b.arg(q.Limit), b.args, nil
}

func (s *PartnerStore) PostMessage(ctx context.Context, m partner.Message) error {
	return s.fail("post message", s.db.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE partner_threads SET messages = messages + 1,
			last_message_at = CASE WHEN last_message_at < $1 THEN $1 ELSE last_message_at END
			WHERE company_id = $2`, m.At.UTC(), m.CompanyID)
		if err := s.db.OneRow(res, err, "company "+m.CompanyID); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO partner_messages (id, partner_id, company_id, direction, author_id, body, at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, m.ID, m.PartnerID, m.CompanyID, string(m.Direction), m.AuthorID, m.Body, m.At.UTC())
		return err
	}))
}

func (s *PartnerStore) ListMessages(ctx context.Context, q partner.MessageQuery) ([]partner.Message, error) {
	var b partnerQuery
	b.cond("company_id = " + b.arg(q.CompanyID))
	b.opt("id", "<", q.Before)
	query := "SELECT id, partner_id, company_id, direction, author_id, body, at FROM partner_messages" + b.whereSQL() + " ORDER BY id DESC LIMIT " + b.arg(q.Limit)
	return list(ctx, s.db, "partner list messages", func(r scanner) (m partner.Message, err error) {
		return m, r.Scan(&m.ID, &m.PartnerID, &m.CompanyID, &m.Direction, &m.AuthorID, &m.Body, utc{&m.At})
	}, query, b.args...)
}

func (s *PartnerStore) MarkThreadRead(ctx context.Context, companyID string, side partner.Side, upTo string) error {
	col := map[partner.Side]string{partner.SidePartner: "partner_read", partner.SideSupport: "support_read"}[side]
	if col == "" {
		return bookingkit.Invalid("side", string(side), "partner or support")
	}
	// The row is touched whenever the message exists, the mark moved or not.
	return s.db.one(ctx, "message "+upTo+" of company "+companyID, "UPDATE partner_threads SET "+col+" = CASE WHEN "+col+" < $1 THEN $1 ELSE "+col+
		" END WHERE company_id = $2 AND EXISTS (SELECT 1 FROM partner_messages WHERE id = $1 AND company_id = $2)", upTo, companyID)
}

// partnerThreadSelect reads a thread's summary; the unread counts read
// the (company_id, direction, id) index from the side's read mark on.
const partnerThreadSelect = `SELECT c.id, c.name, c.partner_id, t.messages, t.last_message_at,
	(SELECT COUNT(*) FROM partner_messages m WHERE m.company_id = t.company_id AND m.direction = 'from_support' AND m.id > t.partner_read),
	(SELECT COUNT(*) FROM partner_messages m WHERE m.company_id = t.company_id AND m.direction = 'from_partner' AND m.id > t.support_read)
	FROM partner_threads t JOIN partner_companies c ON c.id = t.company_id`

func scanPartnerThread(r scanner) (th partner.ThreadSummary, err error) {
	return th, r.Scan(&th.CompanyID, &th.CompanyName, &th.PartnerID, &th.Messages, utc{&th.LastMessageAt}, &th.UnreadByPartner, &th.UnreadBySupport)
}

func (s *PartnerStore) GetThread(ctx context.Context, companyID string) (partner.ThreadSummary, error) {
	return partnerOne(ctx, s, "thread of company "+companyID, scanPartnerThread, partnerThreadSelect+" WHERE t.company_id = $1", companyID)
}

func (s *PartnerStore) ListThreads(ctx context.Context, q partner.ThreadQuery) ([]partner.ThreadSummary, error) {
	var b partnerQuery
	b.opt("t.partner_id", "=", q.PartnerID)
	if q.After != nil {
		b.cond("(t.last_message_at, t.company_id) < (" + b.arg(q.After.LastMessageAt.UTC()) + ", " + b.arg(q.After.CompanyID) + ")")
	}
	query := partnerThreadSelect + b.whereSQL() + " ORDER BY t.last_message_at DESC, t.company_id DESC LIMIT " + b.arg(q.Limit)
	return list(ctx, s.db, "partner list threads", scanPartnerThread, query, b.args...)
}

func (s *PartnerStore) AppendAudit(ctx context.Context, rec partner.AuditRecord) error {
	return s.fail("append audit", insertPartnerAudit(ctx, s.db.SQL, rec))
}

func (s *PartnerStore) ListAudit(ctx context.Context, q partner.AuditQuery) ([]partner.AuditRecord, error) {
	var b partnerQuery
	b.opt("partner_id", "=", q.PartnerID)
	b.opt("object_id", "=", q.ObjectID)
	b.opt("id", "<", q.Before)
	query := "SELECT " + partnerAuditColumns + " FROM partner_audit" + b.whereSQL() + " ORDER BY id DESC LIMIT " + b.arg(q.Limit)
	return list(ctx, s.db, "partner list audit", func(r scanner) (rec partner.AuditRecord, err error) {
		return rec, r.Scan(&rec.ID, utc{&rec.At}, &rec.ActorID, &rec.ActorRole, &rec.PartnerID, &rec.Object, &rec.ObjectID, &rec.Action, &rec.Reason, &rec.Detail)
	}, query, b.args...)
}

func (s *PartnerStore) UseImpersonation(ctx context.Context, nonce string, expiresAt time.Time, audit partner.AuditRecord) error {
	return s.change(ctx, "use impersonation link", audit, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM partner_used_nonces WHERE expires_at < $1", audit.At.UTC()); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "INSERT INTO partner_used_nonces (nonce, expires_at) VALUES ($1, $2)", nonce, expiresAt.UTC())
		return err
	})
}

// CountReport groups by the stored type, profile and state, so that the
// rows stream out of an index in that order without a sort, and counts
// within each active group how many have expired; Go splits those.
func (s *PartnerStore) CountReport(ctx context.Context, f partner.ReportFilter) ([]partner.CountRow, error) {
	query, args, err := PartnerCountReportSQL(f)
	if err != nil {
		return nil, err
	}
	out := []partner.CountRow{}
	var expired int64
	err = each(ctx, s.db.SQL, func(r scanner) (row partner.CountRow, err error) {
		return row, r.Scan(&row.Type, &row.Profile, &row.State, &row.Count, &expired)
	}, func(row partner.CountRow) error {
		exp := row
		exp.State, exp.Count = partner.StateExpired, expired
		row.Count -= expired
		for _, r := range []partner.CountRow{row, exp} {
			if r.Count > 0 {
				out = append(out, r)
			}
		}
		return nil
	}, query, args...)
	return out, s.fail("count report", err)
}

// PartnerCountReportSQL is CountReport's query; the adapters test its plan.
func PartnerCountReportSQL(f partner.ReportFilter) (string, []any, error) {
	return partnerReportSQL(f, func(b *partnerQuery, instances bool) string {
		if instances {
			return "type, profile, state, COUNT(*), SUM(CASE WHEN state = 'active' AND expires_at <= " + b.arg(f.Now.UTC()) + " THEN 1 ELSE 0 END)"
		}
		return "instance_type, profile, state, COUNT(*), 0"
	})
}

// partnerReportSQL selects cols, grouped by the first three, as f filters.
func partnerReportSQL(f partner.ReportFilter, cols func(b *partnerQuery, instances bool) string) (string, []any, error) {
	var b partnerQuery
	var query string
	switch f.Subject {
	case partner.SubjectInstances:
		query = "SELECT " + cols(&b, true) + " FROM partner_instances"
		partnerInstanceFilters(&b, f.PartnerID, "", f.Type, "", f.States, f.Now, f.ActivatedFrom, f.ActivatedTo)
	case partner.SubjectLicences:
		query = "SELECT " + cols(&b, false) + " FROM partner_licences"
		partnerLicenceFilters(&b, f.PartnerID, f.Type, "", f.States, f.ActivatedFrom, f.ActivatedTo)
	default:
		return "", nil, bookingkit.Invalid("subject", string(f.Subject), "instances or licences")
	}
	return query + b.whereSQL() + " GROUP BY 1, 2, 3", b.args, nil
}

func (s *PartnerStore) CountByMonth(ctx context.Context, f partner.ReportFilter) ([]partner.MonthRow, error) {
	query, args, err := partnerReportSQL(f, func(b *partnerQuery, instances bool) string {
		if instances {
			b.cond("activated_at IS NOT NULL")
			return "substr(" + s.db.Dialect.TimeText("activated_at") + ", 1, 7), type, profile, COUNT(*)"
		}
		return "substr(" + s.db.Dialect.TimeText("created_at") + ", 1, 7), instance_type, profile, COUNT(*)"
	})
	if err != nil {
		return nil, err
	}
	return list(ctx, s.db, "partner count by month", func(r scanner) (row partner.MonthRow, err error) {
		return row, r.Scan(&row.Month, &row.Type, &row.Profile, &row.Count)
	}, query, args...)
}
