package partner

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/bookingkit/bookingkit"
)

// MaxTerm is how far in the future an expiry date may lie.
const MaxTerm = 20 * 365 * 24 * time.Hour

// Instance is one installation of a product for a company.
type Instance struct {
	ID        string
	PartnerID string
	CompanyID string
	Type      string // a registered type name, e.g. "WDS"
	Profile   string // the contracted profile; "" for a type without profiles
	// State is the stored life cycle state; read [Instance.Status] to
	// show it, which also says whether it has expired.
	State       State
	CompanyData map[string]string // validated by the type
	Config      map[string]string // validated by the type
	// ConfigVersion goes up by one on every session clear; terminals
	// compare it with theirs and fetch the configuration when it differs.
	ConfigVersion int64
	ExpiresAt     time.Time
	Contract      Contract // generated at provisioning
	Deactivation  Deactivation
	CreatedBy     string
	CreatedAt     time.Time
	ActivatedAt   time.Time // when it was generated; zero before
	UpdatedAt     time.Time
	// Version is the optimistic concurrency counter: the store accepts a
	// change only from the version it holds, and the change increments it.
	Version int64
}

// Deactivation is the latest deactivation request of an instance or a
// licence and what became of it. Earlier requests are in the audit log.
type Deactivation struct {
	Reason      string
	RequestedBy string
	RequestedAt time.Time
	// Decision is "", while the request is open, then "approved",
	// "rejected" or "withdrawn".
	Decision       string
	DecisionReason string
	DecidedBy      string
	DecidedAt      time.Time
}

// The decisions on a deactivation request.
const (
	DecisionApproved  = "approved"
	DecisionRejected  = "rejected"
	DecisionWithdrawn = "withdrawn"
)

// Status returns the state to show at now: the stored state, except that
// an active instance whose expiry date is not after now reads as expired.
func (i Instance) Status(now time.Time) State {
	if i.State == StateActive && !now.Before(i.ExpiresAt) {
		return StateExpired
	}
	return i.State
}

// Clone returns a copy of i that shares no maps with it.
func (i Instance) Clone() Instance {
	i.CompanyData = maps.Clone(i.CompanyData)
	i.Config = maps.Clone(i.Config)
	return i
}

// NewInstance is the input of [Service.CreateInstance].
type NewInstance struct {
	CompanyID   string
	Type        string
	Profile     string
	CompanyData map[string]string
	Config      map[string]string
	ExpiresAt   time.Time
}

// InstanceEdit is the input of [Service.EditInstance]. A nil map leaves
// that part unchanged; a non-nil map replaces it whole.
type InstanceEdit struct {
	CompanyData map[string]string
	Config      map[string]string
	// ExpiresAt may be changed only while the instance is a draft; later
	// use [Service.ExtendExpiry]. Zero leaves it unchanged.
	ExpiresAt time.Time
	// Version, when not zero, is the version the editor read: if the
	// instance changed since, the edit fails with bookingkit.ErrConflict
	// instead of overwriting someone else's change.
	Version int64
}

// InstanceQuery selects instances, ordered by ID (creation order). It is
// both the instance list and the detail list behind a report count.
type InstanceQuery struct {
	PartnerID string // "" for every partner (administrators only)
	CompanyID string
	Type      string
	Profile   string
	// Statuses keeps instances whose status (expired derived at Now) is
	// one of these; empty keeps all.
	Statuses []State
	// ActivatedFrom and ActivatedTo keep instances generated in
	// [ActivatedFrom, ActivatedTo); a zero bound is open. With either
	// set, instances never generated are left out.
	ActivatedFrom, ActivatedTo time.Time
	// Now is the time at which expiry is judged. The service sets it.
	Now   time.Time
	After string // keyset: only instances with an ID greater than this
	Limit int
}

// InstancePage is one page of instances; Next is the After of the next
// page, "" on the last page.
type InstancePage struct {
	Instances []Instance
	Next      string
}

// CreateInstance records a new instance in state draft, its data checked
// by its type. Nothing is generated yet: see [Service.Provision].
func (s *Service) CreateInstance(ctx context.Context, a Actor, in NewInstance) (Instance, error) {
	if err := a.check(); err != nil {
		return Instance{}, err
	}
	company, err := s.Company(ctx, a, in.CompanyID)
	if err != nil {
		return Instance{}, err
	}
	spec, err := s.types().Type(in.Type)
	if err != nil {
		return Instance{}, err
	}
	profile, err := spec.Profile(in.Profile)
	if err != nil {
		return Instance{}, err
	}
	now := s.now()
	inst := Instance{
		PartnerID: company.PartnerID,
		CompanyID: company.ID,
		Type:      spec.Name,
		Profile:   profile.Name,
		State:     StateDraft,
		CreatedBy: a.UserID,
		CreatedAt: now,
		UpdatedAt: now,
		Version:   1,
	}
	var errs []error
	var e1, e2, e3 error
	inst.CompanyData, e1 = spec.CheckCompany(in.CompanyData)
	inst.Config, e2 = spec.CheckConfig(in.Config)
	inst.ExpiresAt, e3 = checkExpiry(in.ExpiresAt, now, time.Time{})
	errs = append(errs, e1, e2, e3)
	if err := errors.Join(errs...); err != nil {
		return Instance{}, err
	}
	if inst.ID, err = s.newID("ins", now); err != nil {
		return Instance{}, err
	}
	rec, err := s.audit(a, now, inst.PartnerID, ObjectInstance, inst.ID, "create", "", inst.Type+" "+inst.Profile)
	if err != nil {
		return Instance{}, err
	}
	if err := s.Store.CreateInstance(ctx, inst, rec); err != nil {
		return Instance{}, err
	}
	return inst, nil
}

// checkExpiry checks a requested expiry: after now (and after previous,
// when set), within MaxTerm.
func checkExpiry(t, now, previous time.Time) (time.Time, error) {
	t = canonicalTime(t)
	switch {
	case t.IsZero():
		return time.Time{}, bookingkit.Invalidf("expires_at", "", "required")
	case !t.After(now):
		return time.Time{}, bookingkit.Invalidf("expires_at", t.Format(time.RFC3339), "a time in the future")
	case !previous.IsZero() && !t.After(previous):
		return time.Time{}, bookingkit.Invalidf("expires_at", t.Format(time.RFC3339), "later than the current expiry %s", previous.Format(time.RFC3339))
	case t.Sub(now) > MaxTerm:
		return time.Time{}, bookingkit.Invalidf("expires_at", t.Format(time.RFC3339), "at most 20 years ahead")
	}
	return t, nil
}

// Instance returns one instance the actor may see.
func (s *Service) Instance(ctx context.Context, a Actor, id string) (Instance, error) {
	if err := a.check(); err != nil {
		return Instance{}, err
	}
	inst, err := s.Store.GetInstance(ctx, id)
	if errors.Is(err, bookingkit.ErrNotFound) {
		return Instance{}, notFound(bookingkit.Msg("instance"), id)
	}
	if err != nil {
		return Instance{}, err
	}
	if !a.canSee(inst.PartnerID) {
		return Instance{}, notFound(bookingkit.Msg("instance"), id)
	}
	return inst, nil
}

// Instances lists instances: a partner user's own, or for an administrator
// those of q.PartnerID ("" for all partners).
func (s *Service) Instances(ctx context.Context, a Actor, q InstanceQuery) (InstancePage, error) {
	var err error
	if q.PartnerID, err = a.scope(q.PartnerID); err != nil {
		return InstancePage{}, err
	}
	if q.Limit, err = pageLimit(q.Limit); err != nil {
		return InstancePage{}, err
	}
	if q.Type, q.Profile, err = s.checkTypeFilter(q.Type, q.Profile); err != nil {
		return InstancePage{}, err
	}
	if err := checkStates(q.Statuses, InstanceStates); err != nil {
		return InstancePage{}, err
	}
	if err := checkPeriod(q.ActivatedFrom, q.ActivatedTo); err != nil {
		return InstancePage{}, err
	}
	q.ActivatedFrom, q.ActivatedTo = canonicalTime(q.ActivatedFrom), canonicalTime(q.ActivatedTo)
	q.Now = s.now()
	limit := q.Limit
	q.Limit++
	list, err := s.Store.ListInstances(ctx, q)
	if err != nil {
		return InstancePage{}, err
	}
	page := InstancePage{Instances: list}
	if len(list) > limit {
		page.Instances = list[:limit]
		page.Next = list[limit-1].ID
	}
	return page, nil
}

// Contract returns the contract of an instance, checked against its digest.
func (s *Service) Contract(ctx context.Context, a Actor, id string) (Contract, error) {
	inst, err := s.Instance(ctx, a, id)
	if err != nil {
		return Contract{}, err
	}
	if inst.Contract.IsZero() {
		return Contract{}, fmt.Errorf("instance %s has no contract until it is provisioned: %w", id, bookingkit.ErrNotFound)
	}
	if err := inst.Contract.Verify(); err != nil {
		return Contract{}, fmt.Errorf("instance %s: %w", id, err)
	}
	return inst.Contract, nil
}

// instanceChange describes one life cycle step for [Service.change].
type instanceChange struct {
	event   Event
	reason  string
	version int64 // expected version; 0 accepts the one loaded
	// apply changes the copy of the instance (whose State is already the
	// new state) and returns the audit detail.
	apply func(inst *Instance, now time.Time) (string, error)
	// deactivateLicences ends the instance's licences in the same write.
	deactivateLicences bool
}

// change runs one life cycle step: load, check the actor may see the
// instance and take the step in its current status, apply it, and write it
// with its audit record in one store call that checks the version. Any
// failure leaves the stored instance as it was.
func (s *Service) change(ctx context.Context, a Actor, id string, c instanceChange) (Instance, error) {
	cur, err := s.Instance(ctx, a, id)
	if err != nil {
		return Instance{}, err
	}
	if c.version != 0 && c.version != cur.Version {
		return Instance{}, fmt.Errorf("instance %s changed since version %d (now %d): %w", id, c.version, cur.Version, bookingkit.ErrConflict)
	}
	now := s.now()
	t, err := lookup(instanceTransitions, "instance", id, cur.Status(now), c.event)
	if err != nil {
		return Instance{}, err
	}
	if t.adminOnly && !a.IsAdministrator() {
		return Instance{}, fmt.Errorf("instance %s: only an administrator may %s: %w", id, strings.ReplaceAll(string(c.event), "_", " "), bookingkit.ErrForbidden)
	}
	next := cur.Clone()
	next.State = t.to
	next.UpdatedAt = now
	next.Version = cur.Version + 1
	detail := ""
	if c.apply != nil {
		if detail, err = c.apply(&next, now); err != nil {
			return Instance{}, err
		}
	}
	rec, err := s.audit(a, now, cur.PartnerID, ObjectInstance, id, string(c.event), c.reason, detail)
	if err != nil {
		return Instance{}, err
	}
	err = s.Store.UpdateInstance(ctx, InstanceUpdate{
		Instance:           next,
		PrevVersion:        cur.Version,
		Audit:              rec,
		DeactivateLicences: c.deactivateLicences,
	})
	if err != nil {
		return Instance{}, err
	}
	s.instanceChanged(ctx, a, cur, next, c.event, c.reason, now)
	return next, nil
}

// Provision generates the contract of a draft instance from its data and
// keeps it with its digest; the instance is then provisioned. The partner
// reads it with [Service.Contract] and either generates the instance or
// cancels.
func (s *Service) Provision(ctx context.Context, a Actor, id string) (Instance, error) {
	return s.change(ctx, a, id, instanceChange{event: EventProvision, apply: func(inst *Instance, now time.Time) (string, error) {
		data, err := s.contractData(ctx, *inst, a, now)
		if err != nil {
			return "", err
		}
		c, err := RenderContract(s.ContractTemplate, data)
		if err != nil {
			return "", err
		}
		inst.Contract = c
		return "contract sha256 " + c.SHA256, nil
	}})
}

func (s *Service) contractData(ctx context.Context, inst Instance, a Actor, now time.Time) (ContractData, error) {
	p, err := s.Store.GetPartner(ctx, inst.PartnerID)
	if err != nil {
		return ContractData{}, err
	}
	c, err := s.Store.GetCompany(ctx, inst.CompanyID)
	if err != nil {
		return ContractData{}, err
	}
	spec, err := s.types().Type(inst.Type)
	if err != nil {
		return ContractData{}, fmt.Errorf("instance %s has type %s, which is not registered: %w", inst.ID, inst.Type, err)
	}
	profile, err := spec.Profile(inst.Profile)
	if err != nil {
		return ContractData{}, err
	}
	return ContractData{
		Partner:     p,
		Company:     c,
		Type:        spec,
		Profile:     profile,
		Instance:    inst,
		CompanyData: labeled(spec.Company, inst.CompanyData),
		Config:      labeled(spec.Config, inst.Config),
		At:          now,
		ActorID:     a.UserID,
	}, nil
}

// Cancel drops an instance before it is generated (in draft or
// provisioned). Once generated there is no cancelling: deactivate instead.
func (s *Service) Cancel(ctx context.Context, a Actor, id, reason string) (Instance, error) {
	reason, err := cleanReason(reason, false)
	if err != nil {
		return Instance{}, err
	}
	return s.change(ctx, a, id, instanceChange{event: EventCancel, reason: reason})
}

// Generate creates a provisioned instance: it becomes active from now
// until its expiry. contractSHA256 is the digest of the contract the
// partner read (see [Service.Contract]); generating binds the partner to
// exactly that contract, so a different digest is refused.
func (s *Service) Generate(ctx context.Context, a Actor, id, contractSHA256 string) (Instance, error) {
	contractSHA256 = strings.ToLower(strings.TrimSpace(contractSHA256))
	if contractSHA256 == "" {
		return Instance{}, bookingkit.Invalidf("contract_sha256", "", "required: the digest of the contract that was read")
	}
	return s.change(ctx, a, id, instanceChange{event: EventGenerate, apply: func(inst *Instance, now time.Time) (string, error) {
		if err := inst.Contract.Verify(); err != nil {
			return "", fmt.Errorf("instance %s: %w", id, err)
		}
		if contractSHA256 != inst.Contract.SHA256 {
			return "", bookingkit.Invalidf("contract_sha256", contractSHA256, "the digest of the instance's contract, %s", inst.Contract.SHA256)
		}
		inst.ActivatedAt = now
		return "contract sha256 " + inst.Contract.SHA256, nil
	}})
}

// EditInstance changes an instance's company data and configuration,
// checked by its type. Terminals pick up a changed configuration after
// [Service.ClearSession].
func (s *Service) EditInstance(ctx context.Context, a Actor, id string, edit InstanceEdit) (Instance, error) {
	return s.change(ctx, a, id, instanceChange{event: EventEdit, version: edit.Version, apply: func(inst *Instance, now time.Time) (string, error) {
		spec, err := s.types().Type(inst.Type)
		if err != nil {
			return "", fmt.Errorf("instance %s has type %s, which is not registered: %w", id, inst.Type, err)
		}
		var changed []string
		var errs []error
		if edit.CompanyData != nil {
			data, err := spec.CheckCompany(edit.CompanyData)
			errs = append(errs, err)
			changed = append(changed, diffKeys("company.", inst.CompanyData, data)...)
			inst.CompanyData = data
		}
		if edit.Config != nil {
			data, err := spec.CheckConfig(edit.Config)
			errs = append(errs, err)
			changed = append(changed, diffKeys("config.", inst.Config, data)...)
			inst.Config = data
		}
		if !edit.ExpiresAt.IsZero() {
			if inst.State != StateDraft {
				errs = append(errs, bookingkit.Invalidf("expires_at", edit.ExpiresAt.Format(time.RFC3339), "changes only in a draft; extend the expiry instead"))
			} else if t, err := checkExpiry(edit.ExpiresAt, now, time.Time{}); err != nil {
				errs = append(errs, err)
			} else if !t.Equal(inst.ExpiresAt) {
				inst.ExpiresAt = t
				changed = append(changed, "expires_at")
			}
		}
		if err := errors.Join(errs...); err != nil {
			return "", err
		}
		if len(changed) == 0 {
			return "no change", nil
		}
		return "changed " + strings.Join(changed, ", "), nil
	}})
}

// diffKeys names the keys whose values differ between a and b, sorted.
func diffKeys(prefix string, a, b map[string]string) []string {
	var out []string
	for k, v := range b {
		if w, ok := a[k]; !ok || w != v {
			out = append(out, prefix+k)
		}
	}
	for k := range a {
		if _, ok := b[k]; !ok {
			out = append(out, prefix+k)
		}
	}
	slices.Sort(out)
	return out
}

// ExtendExpiry moves an active (or expired) instance's expiry to a later
// date, effective at once: an expired instance reads as active again.
func (s *Service) ExtendExpiry(ctx context.Context, a Actor, id string, expiresAt time.Time, reason string) (Instance, error) {
	reason, err := cleanReason(reason, false)
	if err != nil {
		return Instance{}, err
	}
	return s.change(ctx, a, id, instanceChange{event: EventExtendExpiry, reason: reason, apply: func(inst *Instance, now time.Time) (string, error) {
		t, err := checkExpiry(expiresAt, now, inst.ExpiresAt)
		if err != nil {
			return "", err
		}
		detail := "expiry " + inst.ExpiresAt.Format(time.RFC3339) + " -> " + t.Format(time.RFC3339)
		inst.ExpiresAt = t
		return detail, nil
	}})
}

// ClearSession makes the instance's terminals drop their session and fetch
// the configuration again: it increments the configuration version.
func (s *Service) ClearSession(ctx context.Context, a Actor, id string) (Instance, error) {
	return s.change(ctx, a, id, instanceChange{event: EventClearSession, apply: func(inst *Instance, _ time.Time) (string, error) {
		inst.ConfigVersion++
		return fmt.Sprintf("config version %d", inst.ConfigVersion), nil
	}})
}

// RequestDeactivation asks for an instance to be deactivated, with a
// written reason; an administrator approves or rejects the request.
func (s *Service) RequestDeactivation(ctx context.Context, a Actor, id, reason string) (Instance, error) {
	reason, err := cleanReason(reason, true)
	if err != nil {
		return Instance{}, err
	}
	return s.change(ctx, a, id, instanceChange{event: EventRequestDeactivation, reason: reason, apply: func(inst *Instance, now time.Time) (string, error) {
		inst.Deactivation = Deactivation{Reason: reason, RequestedBy: a.UserID, RequestedAt: now}
		return "", nil
	}})
}

// WithdrawDeactivation takes back an open deactivation request; the
// instance is active again.
func (s *Service) WithdrawDeactivation(ctx context.Context, a Actor, id, reason string) (Instance, error) {
	reason, err := cleanReason(reason, false)
	if err != nil {
		return Instance{}, err
	}
	return s.change(ctx, a, id, instanceChange{event: EventWithdrawDeactivation, reason: reason, apply: func(inst *Instance, now time.Time) (string, error) {
		decide(&inst.Deactivation, DecisionWithdrawn, reason, a.UserID, now)
		return "", nil
	}})
}

// ApproveDeactivation deactivates an instance whose deactivation was
// requested, and with it every licence of the instance, in one write.
// Administrators only, and not the one who made the request.
func (s *Service) ApproveDeactivation(ctx context.Context, a Actor, id, reason string) (Instance, error) {
	reason, err := cleanReason(reason, false)
	if err != nil {
		return Instance{}, err
	}
	return s.change(ctx, a, id, instanceChange{event: EventApproveDeactivation, reason: reason, deactivateLicences: true,
		apply: func(inst *Instance, now time.Time) (string, error) {
			if err := checkNotOwnRequest(a, inst.Deactivation, "instance", id); err != nil {
				return "", err
			}
			decide(&inst.Deactivation, DecisionApproved, reason, a.UserID, now)
			return "requested by " + inst.Deactivation.RequestedBy + ": " + truncate(inst.Deactivation.Reason, 200) +
				"; the instance's licences are deactivated with it", nil
		}})
}

// RejectDeactivation refuses a deactivation request with a reason the
// partner reads; the instance is active again. Administrators only.
func (s *Service) RejectDeactivation(ctx context.Context, a Actor, id, reason string) (Instance, error) {
	reason, err := cleanReason(reason, true)
	if err != nil {
		return Instance{}, err
	}
	return s.change(ctx, a, id, instanceChange{event: EventRejectDeactivation, reason: reason, apply: func(inst *Instance, now time.Time) (string, error) {
		decide(&inst.Deactivation, DecisionRejected, reason, a.UserID, now)
		return "", nil
	}})
}

func decide(d *Deactivation, decision, reason, by string, at time.Time) {
	d.Decision, d.DecisionReason, d.DecidedBy, d.DecidedAt = decision, reason, by, at
}

// checkNotOwnRequest keeps the four-eyes rule: whoever asked for a
// deactivation does not approve it.
func checkNotOwnRequest(a Actor, d Deactivation, object, id string) error {
	if d.RequestedBy == a.UserID {
		return fmt.Errorf("%s %s: the deactivation must be approved by someone other than who requested it: %w", object, id, bookingkit.ErrForbidden)
	}
	return nil
}
