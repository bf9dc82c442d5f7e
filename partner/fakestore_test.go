package partner_test

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/partner"
)

// fakeStore is a small in-memory partner.Store for the domain tests. It
// keeps the Store contract (versions, uniqueness, atomic audit) with one
// mutex and plain scans; the real adapters live under storage/.
type fakeStore struct {
	mu         sync.Mutex
	partners   map[string]partner.Partner
	users      map[string]partner.User
	companies  map[string]partner.Company
	instances  map[string]partner.Instance
	licences   map[string]partner.Licence
	activity   []partner.ActivityEvent
	messages   []partner.Message
	readMarks  map[string]string // companyID + "/" + side -> message ID
	audit      []partner.AuditRecord
	usedNonces map[string]time.Time

	// beforeUpdate, when set, runs before an instance update takes the
	// lock: tests use it to line up concurrent writers.
	beforeUpdate func()
	// getInstanceHook, when set, runs after GetInstance reads.
	getInstanceHook func()
}

var _ partner.Store = (*fakeStore)(nil)

func newFakeStore() *fakeStore {
	return &fakeStore{
		partners:   map[string]partner.Partner{},
		users:      map[string]partner.User{},
		companies:  map[string]partner.Company{},
		instances:  map[string]partner.Instance{},
		licences:   map[string]partner.Licence{},
		readMarks:  map[string]string{},
		usedNonces: map[string]time.Time{},
	}
}

func notFound(what, id string) error {
	return fmt.Errorf("fake: %s %s: %w", what, id, bookingkit.ErrNotFound)
}

func conflict(format string, args ...any) error {
	return fmt.Errorf("fake: "+format+": %w", append(args, bookingkit.ErrConflict)...)
}

func page[T any](items []T, limit int) []T {
	if limit > 0 && len(items) > limit {
		return items[:limit]
	}
	return items
}

func sortedValues[T any](m map[string]T) []T {
	keys := slices.Sorted(maps.Keys(m))
	out := make([]T, len(keys))
	for i, k := range keys {
		out[i] = m[k]
	}
	return out
}

func (s *fakeStore) CreatePartner(_ context.Context, p partner.Partner, audit partner.AuditRecord) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.partners[p.ID]; ok {
		return conflict("partner %s exists", p.ID)
	}
	s.partners[p.ID] = p
	s.audit = append(s.audit, audit)
	return nil
}

func (s *fakeStore) GetPartner(_ context.Context, id string) (partner.Partner, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.partners[id]
	if !ok {
		return partner.Partner{}, notFound("partner", id)
	}
	return p, nil
}

func (s *fakeStore) ListPartners(_ context.Context, q partner.PartnerQuery) ([]partner.Partner, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []partner.Partner
	for _, p := range sortedValues(s.partners) {
		if p.ID > q.After {
			out = append(out, p)
		}
	}
	return page(out, q.Limit), nil
}

func (s *fakeStore) CreateUser(_ context.Context, u partner.User, audit partner.AuditRecord) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, other := range s.users {
		if strings.EqualFold(other.Email, u.Email) {
			return conflict("e-mail %s taken", u.Email)
		}
	}
	s.users[u.ID] = u
	s.audit = append(s.audit, audit)
	return nil
}

func (s *fakeStore) GetUser(_ context.Context, id string) (partner.User, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[id]
	if !ok {
		return partner.User{}, notFound("user", id)
	}
	return u, nil
}

func (s *fakeStore) CreateCompany(_ context.Context, c partner.Company, audit partner.AuditRecord) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.partners[c.PartnerID]; !ok {
		return notFound("partner", c.PartnerID)
	}
	s.companies[c.ID] = c
	s.audit = append(s.audit, audit)
	return nil
}

func (s *fakeStore) GetCompany(_ context.Context, id string) (partner.Company, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.companies[id]
	if !ok {
		return partner.Company{}, notFound("company", id)
	}
	return c, nil
}

func (s *fakeStore) ListCompanies(_ context.Context, q partner.CompanyQuery) ([]partner.Company, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []partner.Company
	for _, c := range sortedValues(s.companies) {
		if (q.PartnerID == "" || c.PartnerID == q.PartnerID) && c.ID > q.After {
			out = append(out, c)
		}
	}
	return page(out, q.Limit), nil
}

func (s *fakeStore) CreateInstance(_ context.Context, inst partner.Instance, audit partner.AuditRecord) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.companies[inst.CompanyID]; !ok {
		return notFound("company", inst.CompanyID)
	}
	s.instances[inst.ID] = inst.Clone()
	s.audit = append(s.audit, audit)
	return nil
}

func (s *fakeStore) GetInstance(_ context.Context, id string) (partner.Instance, error) {
	s.mu.Lock()
	inst, ok := s.instances[id]
	s.mu.Unlock()
	if !ok {
		return partner.Instance{}, notFound("instance", id)
	}
	if s.getInstanceHook != nil {
		s.getInstanceHook()
	}
	return inst.Clone(), nil
}

func (s *fakeStore) UpdateInstance(_ context.Context, u partner.InstanceUpdate) error {
	if s.beforeUpdate != nil {
		s.beforeUpdate()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := s.instances[u.Instance.ID]
	if !ok {
		return notFound("instance", u.Instance.ID)
	}
	if cur.Version != u.PrevVersion {
		return conflict("instance %s is at version %d, not %d", cur.ID, cur.Version, u.PrevVersion)
	}
	s.instances[u.Instance.ID] = u.Instance.Clone()
	if u.DeactivateLicences {
		for id, l := range s.licences {
			if l.InstanceID == u.Instance.ID && l.State != partner.StateDeactivated {
				if !l.Terminal.IsZero() {
					s.appendActivity(partner.ActivityEvent{At: u.Instance.UpdatedAt, Kind: partner.ActivityReleased,
						PartnerID: l.PartnerID, CompanyID: l.CompanyID, InstanceID: l.InstanceID, LicenceID: l.ID,
						Serial: l.Terminal.Serial, PIN: l.Terminal.PIN, UserLogin: l.User.Login, Detail: partner.DetailInstanceDeactivated})
				}
				l.State = partner.StateDeactivated
				l.Terminal = partner.Terminal{}
				l.BoundAt = time.Time{}
				l.Version++
				l.UpdatedAt = u.Instance.UpdatedAt
				s.licences[id] = l
			}
		}
	}
	s.audit = append(s.audit, u.Audit)
	return nil
}

func matchStatus(inst partner.Instance, statuses []partner.State, now time.Time) bool {
	return len(statuses) == 0 || slices.Contains(statuses, inst.Status(now))
}

func inPeriod(t, from, to time.Time) bool {
	if from.IsZero() && to.IsZero() {
		return true
	}
	if t.IsZero() {
		return false
	}
	return (from.IsZero() || !t.Before(from)) && (to.IsZero() || t.Before(to))
}

func (s *fakeStore) ListInstances(_ context.Context, q partner.InstanceQuery) ([]partner.Instance, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []partner.Instance
	for _, inst := range sortedValues(s.instances) {
		if inst.ID <= q.After ||
			(q.PartnerID != "" && inst.PartnerID != q.PartnerID) ||
			(q.CompanyID != "" && inst.CompanyID != q.CompanyID) ||
			(q.Type != "" && inst.Type != q.Type) ||
			(q.Profile != "" && inst.Profile != q.Profile) ||
			!matchStatus(inst, q.Statuses, q.Now) ||
			!inPeriod(inst.ActivatedAt, q.ActivatedFrom, q.ActivatedTo) {
			continue
		}
		out = append(out, inst.Clone())
	}
	return page(out, q.Limit), nil
}

// terminalTaken reports whether another live licence of the instance holds
// the terminal's serial or PIN.
func (s *fakeStore) terminalTaken(l partner.Licence) bool {
	for _, other := range s.licences {
		if other.ID == l.ID || other.InstanceID != l.InstanceID {
			continue
		}
		if (l.Terminal.Serial != "" && other.Terminal.Serial == l.Terminal.Serial) ||
			(l.Terminal.PIN != "" && other.Terminal.PIN == l.Terminal.PIN) {
			return true
		}
	}
	return false
}

func (s *fakeStore) loginTaken(l partner.Licence) bool {
	for _, other := range s.licences {
		if other.ID != l.ID && other.InstanceID == l.InstanceID && other.State != partner.StateDeactivated && other.User.Login == l.User.Login {
			return true
		}
	}
	return false
}

func (s *fakeStore) CreateLicences(_ context.Context, b partner.LicenceBatch) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	inst, ok := s.instances[b.InstanceID]
	if !ok {
		return notFound("instance", b.InstanceID)
	}
	if inst.Version != b.InstanceVersion {
		return conflict("instance %s is at version %d, not %d", inst.ID, inst.Version, b.InstanceVersion)
	}
	for _, l := range b.Licences {
		if s.loginTaken(l) {
			return conflict("login %s taken in instance %s", l.User.Login, l.InstanceID)
		}
	}
	for _, l := range b.Licences {
		s.licences[l.ID] = l
	}
	s.audit = append(s.audit, b.Audit...)
	return nil
}

func (s *fakeStore) GetLicence(_ context.Context, id string) (partner.Licence, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, ok := s.licences[id]
	if !ok {
		return partner.Licence{}, notFound("licence", id)
	}
	return l, nil
}

func (s *fakeStore) UpdateLicence(_ context.Context, u partner.LicenceUpdate) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := s.licences[u.Licence.ID]
	if !ok {
		return notFound("licence", u.Licence.ID)
	}
	if cur.Version != u.PrevVersion {
		return conflict("licence %s is at version %d, not %d", cur.ID, cur.Version, u.PrevVersion)
	}
	if s.terminalTaken(u.Licence) {
		return conflict("terminal taken in instance %s", u.Licence.InstanceID)
	}
	s.licences[u.Licence.ID] = u.Licence
	if u.Audit != nil {
		s.audit = append(s.audit, *u.Audit)
	}
	if u.Activity != nil {
		s.appendActivity(*u.Activity)
	}
	return nil
}

func (s *fakeStore) ListLicences(_ context.Context, q partner.LicenceQuery) ([]partner.Licence, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	search := strings.ToLower(q.Search)
	var out []partner.Licence
	for _, l := range sortedValues(s.licences) {
		if l.ID <= q.After ||
			(q.PartnerID != "" && l.PartnerID != q.PartnerID) ||
			(q.InstanceID != "" && l.InstanceID != q.InstanceID) ||
			(q.Type != "" && l.InstanceType != q.Type) ||
			(q.Profile != "" && l.Profile != q.Profile) ||
			(len(q.States) > 0 && !slices.Contains(q.States, l.State)) ||
			!inPeriod(l.CreatedAt, q.CreatedFrom, q.CreatedTo) ||
			(q.Login != "" && l.User.Login != q.Login) ||
			(q.Serial != "" && l.Terminal.Serial != q.Serial) ||
			(q.PIN != "" && l.Terminal.PIN != q.PIN) {
			continue
		}
		if search != "" && !slices.ContainsFunc([]string{l.User.Name, l.User.Login, l.User.Email, l.Terminal.Serial, l.Terminal.PIN},
			func(v string) bool { return strings.Contains(strings.ToLower(v), search) }) {
			continue
		}
		out = append(out, l)
	}
	return page(out, q.Limit), nil
}

func (s *fakeStore) appendActivity(ev partner.ActivityEvent) partner.ActivityEvent {
	ev.ID = int64(len(s.activity) + 1)
	s.activity = append(s.activity, ev)
	return ev
}

func (s *fakeStore) AppendActivity(_ context.Context, ev partner.ActivityEvent) (partner.ActivityEvent, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.appendActivity(ev), nil
}

func (s *fakeStore) GetActivity(_ context.Context, id int64) (partner.ActivityEvent, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id < 1 || id > int64(len(s.activity)) {
		return partner.ActivityEvent{}, notFound("activity", fmt.Sprint(id))
	}
	return s.activity[id-1], nil
}

func (s *fakeStore) SearchActivity(_ context.Context, q partner.ActivityQuery) ([]partner.ActivityEvent, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []partner.ActivityEvent
	for _, ev := range s.activity {
		if (q.PartnerID != "" && ev.PartnerID != q.PartnerID) ||
			(q.Serial != "" && ev.Serial != q.Serial) ||
			(q.PIN != "" && ev.PIN != q.PIN) ||
			!inPeriod(ev.At, q.From, q.To) {
			continue
		}
		if q.Before != nil && !(ev.At.Before(q.Before.At) || (ev.At.Equal(q.Before.At) && ev.ID < q.Before.ID)) {
			continue
		}
		out = append(out, ev)
	}
	slices.SortFunc(out, func(a, b partner.ActivityEvent) int {
		return cmp.Or(b.At.Compare(a.At), cmp.Compare(b.ID, a.ID))
	})
	return page(out, q.Limit), nil
}

func (s *fakeStore) PostMessage(_ context.Context, m partner.Message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.companies[m.CompanyID]; !ok {
		return notFound("company", m.CompanyID)
	}
	s.messages = append(s.messages, m)
	return nil
}

func (s *fakeStore) ListMessages(_ context.Context, q partner.MessageQuery) ([]partner.Message, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []partner.Message
	for _, m := range s.messages {
		if m.CompanyID == q.CompanyID && (q.Before == "" || m.ID < q.Before) {
			out = append(out, m)
		}
	}
	slices.SortFunc(out, func(a, b partner.Message) int { return strings.Compare(b.ID, a.ID) })
	return page(out, q.Limit), nil
}

func (s *fakeStore) MarkThreadRead(_ context.Context, companyID string, side partner.Side, upTo string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !slices.ContainsFunc(s.messages, func(m partner.Message) bool { return m.CompanyID == companyID && m.ID == upTo }) {
		return notFound("message", upTo)
	}
	key := companyID + "/" + string(side)
	if upTo > s.readMarks[key] {
		s.readMarks[key] = upTo
	}
	return nil
}

func (s *fakeStore) thread(c partner.Company) partner.ThreadSummary {
	t := partner.ThreadSummary{CompanyID: c.ID, CompanyName: c.Name, PartnerID: c.PartnerID}
	partnerMark := s.readMarks[c.ID+"/"+string(partner.SidePartner)]
	supportMark := s.readMarks[c.ID+"/"+string(partner.SideSupport)]
	for _, m := range s.messages {
		if m.CompanyID != c.ID {
			continue
		}
		t.Messages++
		if m.At.After(t.LastMessageAt) {
			t.LastMessageAt = m.At
		}
		if m.Direction == partner.FromSupport && m.ID > partnerMark {
			t.UnreadByPartner++
		}
		if m.Direction == partner.FromPartner && m.ID > supportMark {
			t.UnreadBySupport++
		}
	}
	return t
}

func (s *fakeStore) GetThread(_ context.Context, companyID string) (partner.ThreadSummary, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.companies[companyID]
	if !ok {
		return partner.ThreadSummary{}, notFound("company", companyID)
	}
	return s.thread(c), nil
}

// threadOrder is the list order: newest message first, then company ID
// descending; no messages (zero time) sorts last by itself.
func threadOrder(a, b partner.ThreadSummary) int {
	return cmp.Or(b.LastMessageAt.Compare(a.LastMessageAt), strings.Compare(b.CompanyID, a.CompanyID))
}

func (s *fakeStore) ListThreads(_ context.Context, q partner.ThreadQuery) ([]partner.ThreadSummary, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []partner.ThreadSummary
	for _, c := range s.companies {
		if q.PartnerID != "" && c.PartnerID != q.PartnerID {
			continue
		}
		t := s.thread(c)
		if q.After != nil && threadOrder(t, partner.ThreadSummary{LastMessageAt: q.After.LastMessageAt, CompanyID: q.After.CompanyID}) <= 0 {
			continue
		}
		out = append(out, t)
	}
	slices.SortFunc(out, threadOrder)
	return page(out, q.Limit), nil
}

func (s *fakeStore) AppendAudit(_ context.Context, rec partner.AuditRecord) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.audit = append(s.audit, rec)
	return nil
}

func (s *fakeStore) ListAudit(_ context.Context, q partner.AuditQuery) ([]partner.AuditRecord, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []partner.AuditRecord
	for _, r := range s.audit {
		if (q.PartnerID == "" || r.PartnerID == q.PartnerID) && (q.ObjectID == "" || r.ObjectID == q.ObjectID) && (q.Before == "" || r.ID < q.Before) {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b partner.AuditRecord) int { return strings.Compare(b.ID, a.ID) })
	return page(out, q.Limit), nil
}

func (s *fakeStore) UseImpersonation(_ context.Context, nonce string, expiresAt time.Time, audit partner.AuditRecord) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, used := s.usedNonces[nonce]; used {
		return conflict("impersonation nonce used")
	}
	s.usedNonces[nonce] = expiresAt
	s.audit = append(s.audit, audit)
	return nil
}

func (s *fakeStore) CountReport(_ context.Context, f partner.ReportFilter) ([]partner.CountRow, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	counts := map[partner.CountRow]int64{}
	switch f.Subject {
	case partner.SubjectInstances:
		for _, inst := range s.instances {
			if (f.PartnerID != "" && inst.PartnerID != f.PartnerID) || (f.Type != "" && inst.Type != f.Type) ||
				!matchStatus(inst, f.States, f.Now) || !inPeriod(inst.ActivatedAt, f.ActivatedFrom, f.ActivatedTo) {
				continue
			}
			counts[partner.CountRow{Type: inst.Type, Profile: inst.Profile, State: inst.Status(f.Now)}]++
		}
	case partner.SubjectLicences:
		for _, l := range s.licences {
			if (f.PartnerID != "" && l.PartnerID != f.PartnerID) || (f.Type != "" && l.InstanceType != f.Type) ||
				(len(f.States) > 0 && !slices.Contains(f.States, l.State)) || !inPeriod(l.CreatedAt, f.ActivatedFrom, f.ActivatedTo) {
				continue
			}
			counts[partner.CountRow{Type: l.InstanceType, Profile: l.Profile, State: l.State}]++
		}
	}
	var out []partner.CountRow
	for k, n := range counts {
		k.Count = n
		out = append(out, k)
	}
	return out, nil
}

func (s *fakeStore) CountByMonth(_ context.Context, f partner.ReportFilter) ([]partner.MonthRow, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	counts := map[partner.MonthRow]int64{}
	switch f.Subject {
	case partner.SubjectInstances:
		for _, inst := range s.instances {
			if inst.ActivatedAt.IsZero() || (f.PartnerID != "" && inst.PartnerID != f.PartnerID) || (f.Type != "" && inst.Type != f.Type) ||
				!matchStatus(inst, f.States, f.Now) || !inPeriod(inst.ActivatedAt, f.ActivatedFrom, f.ActivatedTo) {
				continue
			}
			counts[partner.MonthRow{Month: inst.ActivatedAt.Format("2006-01"), Type: inst.Type, Profile: inst.Profile}]++
		}
	case partner.SubjectLicences:
		for _, l := range s.licences {
			if (f.PartnerID != "" && l.PartnerID != f.PartnerID) || (f.Type != "" && l.InstanceType != f.Type) ||
				(len(f.States) > 0 && !slices.Contains(f.States, l.State)) || !inPeriod(l.CreatedAt, f.ActivatedFrom, f.ActivatedTo) {
				continue
			}
			counts[partner.MonthRow{Month: l.CreatedAt.Format("2006-01"), Type: l.InstanceType, Profile: l.Profile}]++
		}
	}
	var out []partner.MonthRow
	for k, n := range counts {
		k.Count = n
		out = append(out, k)
	}
	return out, nil
}

// auditOf returns the audit records about objectID, oldest first.
func (s *fakeStore) auditOf(objectID string) []partner.AuditRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []partner.AuditRecord
	for _, r := range s.audit {
		if r.ObjectID == objectID {
			out = append(out, r)
		}
	}
	return out
}
