package memory

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

// PartnerStore keeps the partner channel: partners, users, companies,
// instances, licences, the terminal activity log, support threads and the
// audit log. One mutex makes every method one atomic step, which is what
// the SQL adapters get from their transactions; a failed call changes
// nothing.
type PartnerStore struct {
	mu        sync.RWMutex
	partners  map[string]partner.Partner
	users     map[string]partner.User
	emailKeys map[string]string // lower-cased e-mail -> user ID
	companies map[string]partner.Company
	threads   map[string]*partnerThread // by company ID
	instances map[string]partner.Instance
	licences  map[string]partner.Licence
	// activity holds event ID n at index n-1; bySerial and byPIN list the
	// IDs of each terminal's events, the memory twin of the SQL indexes.
	activity []partner.ActivityEvent
	bySerial map[string][]int64
	byPIN    map[string][]int64
	messages map[string][]partner.Message // by company ID, in ID order
	msgIDs   map[string]bool
	audit    []partner.AuditRecord
	auditIDs map[string]bool
	nonces   map[string]time.Time // used impersonation nonce -> link expiry

	webhooks partnerWebhooks // endpoints, events, deliveries (partner_webhooks.go)

	apiKeys map[string]partner.APIKey // by ID, made on the first (partner_apikeys.go)
}

// partnerThread is a company's thread state besides its messages.
type partnerThread struct {
	lastMessageAt time.Time
	read          map[partner.Side]string // side -> last message ID read
}

var _ partner.Store = (*PartnerStore)(nil)

func newPartnerStore() *PartnerStore {
	return &PartnerStore{
		partners:  map[string]partner.Partner{},
		users:     map[string]partner.User{},
		emailKeys: map[string]string{},
		companies: map[string]partner.Company{},
		threads:   map[string]*partnerThread{},
		instances: map[string]partner.Instance{},
		licences:  map[string]partner.Licence{},
		bySerial:  map[string][]int64{},
		byPIN:     map[string][]int64{},
		messages:  map[string][]partner.Message{},
		msgIDs:    map[string]bool{},
		auditIDs:  map[string]bool{},
		nonces:    map[string]time.Time{},
	}
}

func partnerNotFound(what, id string) error {
	return fail("%s %s: %w", what, id, bookingkit.ErrNotFound)
}

func partnerConflict(format string, args ...any) error {
	return fail(format+": %w", append(args, bookingkit.ErrConflict)...)
}

// partnerPage cuts items to limit (no limit when limit <= 0).
func partnerPage[T any](items []T, limit int) []T {
	if limit > 0 && len(items) > limit {
		return items[:limit]
	}
	return items
}

// partnerSorted returns m's values in key order.
func partnerSorted[T any](m map[string]T) []T {
	keys := slices.Sorted(maps.Keys(m))
	out := make([]T, len(keys))
	for i, k := range keys {
		out[i] = m[k]
	}
	return out
}

// partnerInPeriod reports whether t is in [from, to); a zero bound is open,
// and with either bound set a zero t is outside.
func partnerInPeriod(t, from, to time.Time) bool {
	if from.IsZero() && to.IsZero() {
		return true
	}
	if t.IsZero() {
		return false
	}
	return (from.IsZero() || !t.Before(from)) && (to.IsZero() || t.Before(to))
}

func partnerStatusIn(inst partner.Instance, statuses []partner.State, now time.Time) bool {
	return len(statuses) == 0 || slices.Contains(statuses, inst.Status(now))
}

// Partners, users and companies.

func (s *PartnerStore) CreatePartner(_ context.Context, p partner.Partner, audit partner.AuditRecord) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.partners[p.ID]; ok {
		return partnerConflict("partner %s exists", p.ID)
	}
	if err := s.checkAuditIDs(audit); err != nil {
		return err
	}
	s.partners[p.ID] = p
	s.addAudit(audit)
	return nil
}

func (s *PartnerStore) GetPartner(_ context.Context, id string) (partner.Partner, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, ok := s.partners[id]
	if !ok {
		return partner.Partner{}, partnerNotFound("partner", id)
	}
	return p, nil
}

func (s *PartnerStore) ListPartners(_ context.Context, q partner.PartnerQuery) ([]partner.Partner, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := []partner.Partner{}
	for _, p := range partnerSorted(s.partners) {
		if p.ID > q.After {
			out = append(out, p)
		}
	}
	return partnerPage(out, q.Limit), nil
}

func (s *PartnerStore) CreateUser(_ context.Context, u partner.User, audit partner.AuditRecord) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := strings.ToLower(u.Email)
	if _, ok := s.users[u.ID]; ok {
		return partnerConflict("user %s exists", u.ID)
	}
	if _, taken := s.emailKeys[key]; taken {
		return partnerConflict("e-mail %s is taken", u.Email)
	}
	if _, ok := s.partners[u.PartnerID]; u.PartnerID != "" && !ok {
		return partnerNotFound("partner", u.PartnerID)
	}
	if err := s.checkAuditIDs(audit); err != nil {
		return err
	}
	s.users[u.ID] = u
	s.emailKeys[key] = u.ID
	s.addAudit(audit)
	return nil
}

func (s *PartnerStore) GetUser(_ context.Context, id string) (partner.User, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	u, ok := s.users[id]
	if !ok {
		return partner.User{}, partnerNotFound("user", id)
	}
	return u, nil
}

func (s *PartnerStore) CreateCompany(_ context.Context, c partner.Company, audit partner.AuditRecord) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.partners[c.PartnerID]; !ok {
		return partnerNotFound("partner", c.PartnerID)
	}
	if _, ok := s.companies[c.ID]; ok {
		return partnerConflict("company %s exists", c.ID)
	}
	if err := s.checkAuditIDs(audit); err != nil {
		return err
	}
	s.companies[c.ID] = c
	s.threads[c.ID] = &partnerThread{read: map[partner.Side]string{}}
	s.addAudit(audit)
	return nil
}

func (s *PartnerStore) GetCompany(_ context.Context, id string) (partner.Company, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	c, ok := s.companies[id]
	if !ok {
		return partner.Company{}, partnerNotFound("company", id)
	}
	return c, nil
}

func (s *PartnerStore) ListCompanies(_ context.Context, q partner.CompanyQuery) ([]partner.Company, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := []partner.Company{}
	for _, c := range partnerSorted(s.companies) {
		if (q.PartnerID == "" || c.PartnerID == q.PartnerID) && c.ID > q.After {
			out = append(out, c)
		}
	}
	return partnerPage(out, q.Limit), nil
}

// Instances.

func (s *PartnerStore) CreateInstance(_ context.Context, inst partner.Instance, audit partner.AuditRecord) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.companies[inst.CompanyID]; !ok {
		return partnerNotFound("company", inst.CompanyID)
	}
	if _, ok := s.instances[inst.ID]; ok {
		return partnerConflict("instance %s exists", inst.ID)
	}
	if err := s.checkAuditIDs(audit); err != nil {
		return err
	}
	s.instances[inst.ID] = inst.Clone()
	s.addAudit(audit)
	return nil
}

func (s *PartnerStore) GetInstance(_ context.Context, id string) (partner.Instance, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	inst, ok := s.instances[id]
	if !ok {
		return partner.Instance{}, partnerNotFound("instance", id)
	}
	return inst.Clone(), nil
}

func (s *PartnerStore) UpdateInstance(_ context.Context, u partner.InstanceUpdate) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := s.instances[u.Instance.ID]
	if !ok {
		return partnerNotFound("instance", u.Instance.ID)
	}
	if cur.Version != u.PrevVersion {
		return partnerConflict("instance %s is at version %d, not %d", cur.ID, cur.Version, u.PrevVersion)
	}
	if err := s.checkAuditIDs(u.Audit); err != nil {
		return err
	}
	s.instances[u.Instance.ID] = u.Instance.Clone()
	if u.DeactivateLicences {
		for _, l := range partnerSorted(s.licences) {
			if l.InstanceID != u.Instance.ID || l.State == partner.StateDeactivated {
				continue
			}
			if !l.Terminal.IsZero() {
				s.appendActivity(partner.ActivityEvent{
					At: u.Instance.UpdatedAt, Kind: partner.ActivityReleased,
					PartnerID: l.PartnerID, CompanyID: l.CompanyID, InstanceID: l.InstanceID, LicenceID: l.ID,
					Serial: l.Terminal.Serial, PIN: l.Terminal.PIN, UserLogin: l.User.Login,
					Detail: partner.DetailInstanceDeactivated,
				})
			}
			l.State = partner.StateDeactivated
			l.Terminal = partner.Terminal{}
			l.BoundAt = time.Time{}
			l.Version++
			l.UpdatedAt = u.Instance.UpdatedAt
			s.licences[l.ID] = l
		}
	}
	s.addAudit(u.Audit)
	return nil
}

func (s *PartnerStore) ListInstances(_ context.Context, q partner.InstanceQuery) ([]partner.Instance, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := []partner.Instance{}
	for _, inst := range partnerSorted(s.instances) {
		if inst.ID <= q.After ||
			(q.PartnerID != "" && inst.PartnerID != q.PartnerID) ||
			(q.CompanyID != "" && inst.CompanyID != q.CompanyID) ||
			(q.Type != "" && inst.Type != q.Type) ||
			(q.Profile != "" && inst.Profile != q.Profile) ||
			!partnerStatusIn(inst, q.Statuses, q.Now) ||
			!partnerInPeriod(inst.ActivatedAt, q.ActivatedFrom, q.ActivatedTo) {
			continue
		}
		out = append(out, inst.Clone())
		if q.Limit > 0 && len(out) == q.Limit {
			break
		}
	}
	return out, nil
}

// Licences.

// partnerTerminalTaken reports whether another licence of l's instance
// holds l's terminal serial or PIN.
func partnerTerminalTaken(licences map[string]partner.Licence, l partner.Licence) bool {
	if l.Terminal.IsZero() {
		return false
	}
	for _, other := range licences {
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

func (s *PartnerStore) CreateLicences(_ context.Context, b partner.LicenceBatch) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	inst, ok := s.instances[b.InstanceID]
	if !ok {
		return partnerNotFound("instance", b.InstanceID)
	}
	if inst.Version != b.InstanceVersion {
		return partnerConflict("instance %s is at version %d, not %d", inst.ID, inst.Version, b.InstanceVersion)
	}
	// The live logins of each instance the batch touches, batch included.
	live := map[[2]string]bool{}
	for _, l := range s.licences {
		if l.State != partner.StateDeactivated {
			live[[2]string{l.InstanceID, l.User.Login}] = true
		}
	}
	ids := map[string]bool{}
	for _, l := range b.Licences {
		if _, exists := s.licences[l.ID]; exists || ids[l.ID] {
			return partnerConflict("licence %s exists", l.ID)
		}
		ids[l.ID] = true
		if _, ok := s.instances[l.InstanceID]; !ok {
			return partnerNotFound("instance", l.InstanceID)
		}
		key := [2]string{l.InstanceID, l.User.Login}
		if l.State != partner.StateDeactivated {
			if live[key] {
				return partnerConflict("login %s is taken in instance %s", l.User.Login, l.InstanceID)
			}
			live[key] = true
		}
	}
	// Terminals of new licences (normally none) follow the same rule,
	// against the stored licences and the batch's earlier ones.
	batch := map[string]partner.Licence{}
	for _, l := range b.Licences {
		if partnerTerminalTaken(s.licences, l) || partnerTerminalTaken(batch, l) {
			return partnerConflict("terminal %+v is taken in instance %s", l.Terminal, l.InstanceID)
		}
		batch[l.ID] = l
	}
	if err := s.checkAuditIDs(b.Audit...); err != nil {
		return err
	}
	maps.Copy(s.licences, batch)
	s.addAudit(b.Audit...)
	return nil
}

func (s *PartnerStore) GetLicence(_ context.Context, id string) (partner.Licence, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	l, ok := s.licences[id]
	if !ok {
		return partner.Licence{}, partnerNotFound("licence", id)
	}
	return l, nil
}

func (s *PartnerStore) UpdateLicence(_ context.Context, u partner.LicenceUpdate) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := s.licences[u.Licence.ID]
	if !ok {
		return partnerNotFound("licence", u.Licence.ID)
	}
	if cur.Version != u.PrevVersion {
		return partnerConflict("licence %s is at version %d, not %d", cur.ID, cur.Version, u.PrevVersion)
	}
	if partnerTerminalTaken(s.licences, u.Licence) {
		return partnerConflict("terminal %+v is taken in instance %s", u.Licence.Terminal, u.Licence.InstanceID)
	}
	if u.Licence.State != partner.StateDeactivated {
		for _, other := range s.licences {
			if other.ID != u.Licence.ID && other.InstanceID == u.Licence.InstanceID &&
				other.State != partner.StateDeactivated && other.User.Login == u.Licence.User.Login {
				return partnerConflict("login %s is taken in instance %s", u.Licence.User.Login, u.Licence.InstanceID)
			}
		}
	}
	if u.Audit != nil {
		if err := s.checkAuditIDs(*u.Audit); err != nil {
			return err
		}
	}
	s.licences[u.Licence.ID] = u.Licence
	if u.Audit != nil {
		s.addAudit(*u.Audit)
	}
	if u.Activity != nil {
		s.appendActivity(*u.Activity)
	}
	return nil
}

func (s *PartnerStore) ListLicences(_ context.Context, q partner.LicenceQuery) ([]partner.Licence, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	search := strings.ToLower(q.Search)
	out := []partner.Licence{}
	for _, l := range partnerSorted(s.licences) {
		if l.ID <= q.After ||
			(q.PartnerID != "" && l.PartnerID != q.PartnerID) ||
			(q.InstanceID != "" && l.InstanceID != q.InstanceID) ||
			(q.Type != "" && l.InstanceType != q.Type) ||
			(q.Profile != "" && l.Profile != q.Profile) ||
			(len(q.States) > 0 && !slices.Contains(q.States, l.State)) ||
			!partnerInPeriod(l.CreatedAt, q.CreatedFrom, q.CreatedTo) ||
			(q.Login != "" && l.User.Login != q.Login) ||
			(q.Serial != "" && l.Terminal.Serial != q.Serial) ||
			(q.PIN != "" && l.Terminal.PIN != q.PIN) {
			continue
		}
		if search != "" && !partnerSearchMatches(l, search) {
			continue
		}
		out = append(out, l)
		if q.Limit > 0 && len(out) == q.Limit {
			break
		}
	}
	return out, nil
}

// partnerSearchMatches reports whether the licence's user name, login,
// e-mail, terminal serial or PIN contains search (lower case), ignoring
// case.
func partnerSearchMatches(l partner.Licence, search string) bool {
	for _, v := range []string{l.User.Name, l.User.Login, l.User.Email, l.Terminal.Serial, l.Terminal.PIN} {
		if strings.Contains(strings.ToLower(v), search) {
			return true
		}
	}
	return false
}

// Activity.

func (s *PartnerStore) appendActivity(ev partner.ActivityEvent) partner.ActivityEvent {
	ev.ID = int64(len(s.activity) + 1)
	s.activity = append(s.activity, ev)
	if ev.Serial != "" {
		s.bySerial[ev.Serial] = append(s.bySerial[ev.Serial], ev.ID)
	}
	if ev.PIN != "" {
		s.byPIN[ev.PIN] = append(s.byPIN[ev.PIN], ev.ID)
	}
	return ev
}

func (s *PartnerStore) AppendActivity(_ context.Context, ev partner.ActivityEvent) (partner.ActivityEvent, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.appendActivity(ev), nil
}

func (s *PartnerStore) GetActivity(_ context.Context, id int64) (partner.ActivityEvent, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if id < 1 || id > int64(len(s.activity)) {
		return partner.ActivityEvent{}, partnerNotFound("activity record", fmt.Sprint(id))
	}
	return s.activity[id-1], nil
}

func (s *PartnerStore) SearchActivity(_ context.Context, q partner.ActivityQuery) ([]partner.ActivityEvent, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var ids []int64
	switch {
	case q.Serial != "":
		ids = s.bySerial[q.Serial]
	case q.PIN != "":
		ids = s.byPIN[q.PIN]
	default:
		return nil, bookingkit.Invalid("serial", "", "a serial or a PIN to search for")
	}
	out := []partner.ActivityEvent{}
	for _, id := range ids {
		ev := s.activity[id-1]
		if (q.PartnerID != "" && ev.PartnerID != q.PartnerID) ||
			(q.Serial != "" && ev.Serial != q.Serial) ||
			(q.PIN != "" && ev.PIN != q.PIN) ||
			(!q.From.IsZero() && ev.At.Before(q.From)) ||
			(!q.To.IsZero() && !ev.At.Before(q.To)) {
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
	return partnerPage(out, q.Limit), nil
}

// Support.

func (s *PartnerStore) PostMessage(_ context.Context, m partner.Message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	th, ok := s.threads[m.CompanyID]
	if !ok {
		return partnerNotFound("company", m.CompanyID)
	}
	if s.msgIDs[m.ID] {
		return partnerConflict("message %s exists", m.ID)
	}
	msgs := s.messages[m.CompanyID]
	i, _ := slices.BinarySearchFunc(msgs, m.ID, func(x partner.Message, id string) int { return strings.Compare(x.ID, id) })
	s.messages[m.CompanyID] = slices.Insert(msgs, i, m)
	s.msgIDs[m.ID] = true
	if m.At.After(th.lastMessageAt) {
		th.lastMessageAt = m.At
	}
	return nil
}

func (s *PartnerStore) ListMessages(_ context.Context, q partner.MessageQuery) ([]partner.Message, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	msgs := s.messages[q.CompanyID]
	out := []partner.Message{}
	for i := len(msgs) - 1; i >= 0; i-- {
		if q.Before != "" && msgs[i].ID >= q.Before {
			continue
		}
		out = append(out, msgs[i])
		if q.Limit > 0 && len(out) == q.Limit {
			break
		}
	}
	return out, nil
}

func (s *PartnerStore) MarkThreadRead(_ context.Context, companyID string, side partner.Side, upTo string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	th, ok := s.threads[companyID]
	if !ok {
		return partnerNotFound("company", companyID)
	}
	if !slices.ContainsFunc(s.messages[companyID], func(m partner.Message) bool { return m.ID == upTo }) {
		return partnerNotFound("message", upTo)
	}
	if side != partner.SidePartner && side != partner.SideSupport {
		return bookingkit.Invalid("side", string(side), "partner or support")
	}
	if upTo > th.read[side] {
		th.read[side] = upTo
	}
	return nil
}

func (s *PartnerStore) summary(c partner.Company) partner.ThreadSummary {
	th := s.threads[c.ID]
	t := partner.ThreadSummary{CompanyID: c.ID, CompanyName: c.Name, PartnerID: c.PartnerID, LastMessageAt: th.lastMessageAt}
	for _, m := range s.messages[c.ID] {
		t.Messages++
		if m.Direction == partner.FromSupport && m.ID > th.read[partner.SidePartner] {
			t.UnreadByPartner++
		}
		if m.Direction == partner.FromPartner && m.ID > th.read[partner.SideSupport] {
			t.UnreadBySupport++
		}
	}
	return t
}

func (s *PartnerStore) GetThread(_ context.Context, companyID string) (partner.ThreadSummary, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	c, ok := s.companies[companyID]
	if !ok {
		return partner.ThreadSummary{}, partnerNotFound("company", companyID)
	}
	return s.summary(c), nil
}

// partnerThreadOrder is the thread list order: newest message first, then
// company ID descending; a thread without messages has the zero time and
// so sorts after every other.
func partnerThreadOrder(a, b partner.ThreadSummary) int {
	return cmp.Or(b.LastMessageAt.Compare(a.LastMessageAt), strings.Compare(b.CompanyID, a.CompanyID))
}

func (s *PartnerStore) ListThreads(_ context.Context, q partner.ThreadQuery) ([]partner.ThreadSummary, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := []partner.ThreadSummary{}
	for _, c := range s.companies {
		if q.PartnerID != "" && c.PartnerID != q.PartnerID {
			continue
		}
		t := partner.ThreadSummary{CompanyID: c.ID, LastMessageAt: s.threads[c.ID].lastMessageAt}
		if q.After != nil && partnerThreadOrder(t, partner.ThreadSummary{LastMessageAt: q.After.LastMessageAt, CompanyID: q.After.CompanyID}) <= 0 {
			continue
		}
		out = append(out, t)
	}
	slices.SortFunc(out, partnerThreadOrder)
	out = partnerPage(out, q.Limit)
	for i, t := range out {
		out[i] = s.summary(s.companies[t.CompanyID])
	}
	return out, nil
}

// Audit.

// checkAuditIDs refuses records whose ID is already used, as the SQL
// primary key does. Called before anything changes.
func (s *PartnerStore) checkAuditIDs(recs ...partner.AuditRecord) error {
	seen := map[string]bool{}
	for _, r := range recs {
		if seen[r.ID] || s.auditIDs[r.ID] {
			return partnerConflict("audit record %s exists", r.ID)
		}
		seen[r.ID] = true
	}
	return nil
}

// addAudit appends checked records.
func (s *PartnerStore) addAudit(recs ...partner.AuditRecord) {
	for _, r := range recs {
		s.audit = append(s.audit, r)
		s.auditIDs[r.ID] = true
	}
}

func (s *PartnerStore) AppendAudit(_ context.Context, rec partner.AuditRecord) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.checkAuditIDs(rec); err != nil {
		return err
	}
	s.addAudit(rec)
	return nil
}

func (s *PartnerStore) ListAudit(_ context.Context, q partner.AuditQuery) ([]partner.AuditRecord, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := []partner.AuditRecord{}
	for _, r := range s.audit {
		if (q.PartnerID == "" || r.PartnerID == q.PartnerID) && (q.ObjectID == "" || r.ObjectID == q.ObjectID) && (q.Before == "" || r.ID < q.Before) {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b partner.AuditRecord) int { return strings.Compare(b.ID, a.ID) })
	return partnerPage(out, q.Limit), nil
}

func (s *PartnerStore) UseImpersonation(_ context.Context, nonce string, expiresAt time.Time, audit partner.AuditRecord) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, used := s.nonces[nonce]; used {
		return partnerConflict("impersonation link %s was used", nonce)
	}
	if err := s.checkAuditIDs(audit); err != nil {
		return err
	}
	// Forget nonces whose links have expired: their signature refuses them.
	for n, exp := range s.nonces {
		if exp.Before(audit.At) {
			delete(s.nonces, n)
		}
	}
	s.nonces[nonce] = expiresAt
	s.addAudit(audit)
	return nil
}

// Reports.

func (s *PartnerStore) CountReport(_ context.Context, f partner.ReportFilter) ([]partner.CountRow, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	counts := map[partner.CountRow]int64{}
	switch f.Subject {
	case partner.SubjectInstances:
		for _, inst := range s.instances {
			if (f.PartnerID != "" && inst.PartnerID != f.PartnerID) || (f.Type != "" && inst.Type != f.Type) ||
				!partnerStatusIn(inst, f.States, f.Now) || !partnerInPeriod(inst.ActivatedAt, f.ActivatedFrom, f.ActivatedTo) {
				continue
			}
			counts[partner.CountRow{Type: inst.Type, Profile: inst.Profile, State: inst.Status(f.Now)}]++
		}
	case partner.SubjectLicences:
		for _, l := range s.licences {
			if (f.PartnerID != "" && l.PartnerID != f.PartnerID) || (f.Type != "" && l.InstanceType != f.Type) ||
				(len(f.States) > 0 && !slices.Contains(f.States, l.State)) || !partnerInPeriod(l.CreatedAt, f.ActivatedFrom, f.ActivatedTo) {
				continue
			}
			counts[partner.CountRow{Type: l.InstanceType, Profile: l.Profile, State: l.State}]++
		}
	default:
		return nil, bookingkit.Invalid("subject", string(f.Subject), "instances or licences")
	}
	out := []partner.CountRow{}
	for k, n := range counts {
		k.Count = n
		out = append(out, k)
	}
	return out, nil
}

func (s *PartnerStore) CountByMonth(_ context.Context, f partner.ReportFilter) ([]partner.MonthRow, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	counts := map[partner.MonthRow]int64{}
	switch f.Subject {
	case partner.SubjectInstances:
		for _, inst := range s.instances {
			if inst.ActivatedAt.IsZero() || (f.PartnerID != "" && inst.PartnerID != f.PartnerID) || (f.Type != "" && inst.Type != f.Type) ||
				!partnerStatusIn(inst, f.States, f.Now) || !partnerInPeriod(inst.ActivatedAt, f.ActivatedFrom, f.ActivatedTo) {
				continue
			}
			counts[partner.MonthRow{Month: inst.ActivatedAt.UTC().Format("2006-01"), Type: inst.Type, Profile: inst.Profile}]++
		}
	case partner.SubjectLicences:
		for _, l := range s.licences {
			if (f.PartnerID != "" && l.PartnerID != f.PartnerID) || (f.Type != "" && l.InstanceType != f.Type) ||
				(len(f.States) > 0 && !slices.Contains(f.States, l.State)) || !partnerInPeriod(l.CreatedAt, f.ActivatedFrom, f.ActivatedTo) {
				continue
			}
			counts[partner.MonthRow{Month: l.CreatedAt.UTC().Format("2006-01"), Type: l.InstanceType, Profile: l.Profile}]++
		}
	default:
		return nil, bookingkit.Invalid("subject", string(f.Subject), "instances or licences")
	}
	out := []partner.MonthRow{}
	for k, n := range counts {
		k.Count = n
		out = append(out, k)
	}
	return out, nil
}
