package partner_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/partner"
	"github.com/bookingkit/bookingkit/storage/memory"
)

func TestAddLicences(t *testing.T) {
	w := newWorld(t)
	inst := w.active(t, w.alice, w.companyA)
	lics, err := w.svc.AddLicences(w.ctx, w.alice, inst.ID, []partner.NewLicence{
		{UserName: "Ana García", Login: " Ana.Garcia ", Email: "ana@ACME.example"},
	})
	require.NoError(t, err)
	require.Equal(t, "ana.garcia", lics[0].User.Login)
	require.Equal(t, "ana@acme.example", lics[0].User.Email)
	require.Equal(t, "WDS", lics[0].InstanceType)
	require.Equal(t, "professional", lics[0].Profile)
	require.Equal(t, partner.StateActive, lics[0].State)

	tests := []struct {
		name   string
		in     []partner.NewLicence
		target error
		fields []string
	}{
		{"none", nil, bookingkit.ErrInvalid, []string{"licences"}},
		{"bad values", []partner.NewLicence{{UserName: "", Login: "no spaces", Email: "x"}}, bookingkit.ErrInvalid,
			[]string{"licences[0].user_name", "licences[0].login", "licences[0].email"}},
		{"same login twice", []partner.NewLicence{{UserName: "A", Login: "dup"}, {UserName: "B", Login: "DUP"}}, bookingkit.ErrInvalid,
			[]string{"licences[1].login"}},
		{"login taken", []partner.NewLicence{{UserName: "New", Login: "new"}, {UserName: "Ana again", Login: "ana.garcia"}}, bookingkit.ErrConflict, nil},
		{"too many", make([]partner.NewLicence, partner.MaxLicencesPerCall+1), bookingkit.ErrInvalid, []string{"licences"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := snapshot(t, w)
			_, err := w.svc.AddLicences(w.ctx, w.alice, inst.ID, tc.in)
			require.ErrorIs(t, err, tc.target)
			if tc.fields != nil {
				require.Equal(t, tc.fields, invalidFields(err))
			}
			requireUnchanged(t, w, before, "all or nothing")
		})
	}

	// A deactivated licence frees its login.
	_, err = w.svc.RequestLicenceDeactivation(w.ctx, w.alice, lics[0].ID, "left")
	require.NoError(t, err)
	_, err = w.svc.ApproveLicenceDeactivation(w.ctx, w.admin, lics[0].ID, "")
	require.NoError(t, err)
	_, err = w.svc.AddLicences(w.ctx, w.alice, inst.ID, []partner.NewLicence{{UserName: "Ana García", Login: "ana.garcia"}})
	require.NoError(t, err)
}

// instanceReadHook is the memory store that, when afterGet is set, runs it
// after each successful GetInstance: a test uses it to change the instance
// between a service's read and its write.
type instanceReadHook struct {
	partner.Store
	afterGet func()
}

func (s *instanceReadHook) GetInstance(ctx context.Context, id string) (partner.Instance, error) {
	inst, err := s.Store.GetInstance(ctx, id)
	if err == nil && s.afterGet != nil {
		s.afterGet()
	}
	return inst, err
}

// TestAddLicencesRacesDeactivation: the instance changes between the
// service's check and the write; the store's version check refuses the
// licences rather than adding them to a deactivated instance.
func TestAddLicencesRacesDeactivation(t *testing.T) {
	store := &instanceReadHook{Store: memory.New().Stores().Partner}
	w := newWorldOn(t, store)
	inst := w.active(t, w.alice, w.companyA)
	_, err := w.svc.RequestDeactivation(w.ctx, w.alice, inst.ID, "closing")
	require.NoError(t, err)
	_, err = w.svc.WithdrawDeactivation(w.ctx, w.alice, inst.ID, "")
	require.NoError(t, err)
	fired := false
	store.afterGet = func() {
		if fired {
			return
		}
		fired = true
		// Between AddLicences reading the instance and writing licences,
		// another writer deactivates it.
		cur, err := store.Store.GetInstance(w.ctx, inst.ID)
		require.NoError(t, err)
		next := cur.Clone()
		next.State = partner.StateDeactivated
		next.Version++
		require.NoError(t, store.Store.UpdateInstance(w.ctx, partner.InstanceUpdate{Instance: next, PrevVersion: cur.Version, DeactivateLicences: true,
			Audit: partner.AuditRecord{ID: "aud_race", At: w.clock.Now(), ActorID: "test", Object: partner.ObjectInstance, ObjectID: inst.ID, Action: "deactivate"}}))
	}
	_, err = w.svc.AddLicences(w.ctx, w.alice, inst.ID, []partner.NewLicence{{UserName: "Late", Login: "late"}})
	require.ErrorIs(t, err, bookingkit.ErrConflict)
	page, err := w.svc.Licences(w.ctx, w.alice, partner.LicenceQuery{InstanceID: inst.ID})
	require.NoError(t, err)
	require.Empty(t, page.Licences)
}

func TestTerminalBinding(t *testing.T) {
	w := newWorld(t)
	inst := w.active(t, w.alice, w.companyA)
	lics := w.licences(t, w.alice, inst, "ana", "juan")
	ctx := w.ctx

	l, err := w.svc.BindTerminal(ctx, lics[0].ID, partner.Terminal{Serial: " sn-1 ", PIN: "ab12"})
	require.NoError(t, err)
	require.Equal(t, partner.Terminal{Serial: "SN-1", PIN: "AB12"}, l.Terminal)
	require.Equal(t, w.clock.Now(), l.BoundAt)
	// The same terminal again is no change.
	again, err := w.svc.BindTerminal(ctx, lics[0].ID, partner.Terminal{Serial: "SN-1", PIN: "AB12"})
	require.NoError(t, err)
	require.Equal(t, l.Version, again.Version)
	// Another terminal must wait for a release.
	_, err = w.svc.BindTerminal(ctx, lics[0].ID, partner.Terminal{Serial: "SN-2"})
	require.ErrorIs(t, err, bookingkit.ErrConflict)
	// One terminal holds one licence of an instance.
	_, err = w.svc.BindTerminal(ctx, lics[1].ID, partner.Terminal{Serial: "SN-1"})
	require.ErrorIs(t, err, bookingkit.ErrConflict)
	_, err = w.svc.BindTerminal(ctx, lics[1].ID, partner.Terminal{})
	require.ErrorIs(t, err, bookingkit.ErrInvalid)
	_, err = w.svc.BindTerminal(ctx, lics[1].ID, partner.Terminal{PIN: "1"})
	require.ErrorIs(t, err, bookingkit.ErrInvalid)

	// Release: free, logged with who and why; a free licence cannot be released.
	rel, err := w.svc.ReleaseLicence(ctx, w.alice, lics[0].ID, "broken device")
	require.NoError(t, err)
	require.True(t, rel.Terminal.IsZero())
	require.True(t, rel.BoundAt.IsZero())
	_, err = w.svc.ReleaseLicence(ctx, w.alice, lics[0].ID, "")
	require.ErrorIs(t, err, bookingkit.ErrConflict)
	recs := auditOf(t, w, lics[0].ID)
	last := recs[len(recs)-1]
	require.Equal(t, "release", last.Action)
	require.Equal(t, "broken device", last.Reason)
	require.Equal(t, "terminal serial SN-1 PIN AB12", last.Detail)
	_, err = w.svc.BindTerminal(ctx, lics[1].ID, partner.Terminal{Serial: "SN-1"})
	require.NoError(t, err)

	// An expired instance binds nothing.
	w.clock.Advance(inst.ExpiresAt.Sub(w.clock.Now()) + time.Second)
	_, err = w.svc.BindTerminal(ctx, lics[0].ID, partner.Terminal{Serial: "SN-9"})
	require.ErrorIs(t, err, bookingkit.ErrConflict)
}

func TestLicenceSearch(t *testing.T) {
	w := newWorld(t)
	inst := w.active(t, w.alice, w.companyA)
	other := w.active(t, w.alice, w.companyA)
	lics := w.licences(t, w.alice, inst, "ana", "juan", "luisa")
	w.licences(t, w.alice, other, "ana")
	_, err := w.svc.BindTerminal(w.ctx, lics[1].ID, partner.Terminal{Serial: "SN-77", PIN: "7777"})
	require.NoError(t, err)

	tests := []struct {
		name string
		q    partner.LicenceQuery
		want []string // logins
	}{
		{"per instance", partner.LicenceQuery{InstanceID: inst.ID}, []string{"ana", "juan", "luisa"}},
		{"search in instance", partner.LicenceQuery{InstanceID: inst.ID, Search: "ANA"}, []string{"ana"}},
		{"search by serial text", partner.LicenceQuery{InstanceID: inst.ID, Search: "n-7"}, []string{"juan"}},
		{"exact serial across instances", partner.LicenceQuery{Serial: "sn-77"}, []string{"juan"}},
		{"exact PIN", partner.LicenceQuery{PIN: "7777"}, []string{"juan"}},
		{"exact login", partner.LicenceQuery{Login: "ANA"}, []string{"ana", "ana"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := w.svc.Licences(w.ctx, w.alice, tc.q)
			require.NoError(t, err)
			var got []string
			for _, l := range p.Licences {
				got = append(got, l.User.Login)
			}
			require.Equal(t, tc.want, got)
		})
	}
	_, err = w.svc.Licences(w.ctx, w.alice, partner.LicenceQuery{Search: "ana"})
	require.ErrorIs(t, err, bookingkit.ErrInvalid, "substring search needs an instance")
	_, err = w.svc.Licences(w.ctx, w.alice, partner.LicenceQuery{Serial: "bad serial!"})
	require.ErrorIs(t, err, bookingkit.ErrInvalid)
	_, err = w.svc.Licences(w.ctx, w.alice, partner.LicenceQuery{States: []partner.State{partner.StateDraft}})
	require.ErrorIs(t, err, bookingkit.ErrInvalid, "draft is not a licence state")
}

func TestLicencesPagination(t *testing.T) {
	w := newWorld(t)
	inst := w.active(t, w.alice, w.companyA)
	var logins []string
	for i := range 12 {
		logins = append(logins, fmt.Sprintf("user%02d", i))
	}
	w.licences(t, w.alice, inst, logins...)
	seen := map[string]bool{}
	cursor := ""
	pages := 0
	for {
		p, err := w.svc.Licences(w.ctx, w.alice, partner.LicenceQuery{InstanceID: inst.ID, Limit: 5, After: cursor})
		require.NoError(t, err)
		pages++
		for _, l := range p.Licences {
			require.False(t, seen[l.ID])
			seen[l.ID] = true
		}
		if p.Next == "" {
			break
		}
		cursor = p.Next
	}
	require.Len(t, seen, 12)
	require.Equal(t, 3, pages)
}

// FuzzTerminalNormalize: a terminal either fails with validation errors or
// comes back in a stored form that normalises to itself.
func FuzzTerminalNormalize(f *testing.F) {
	f.Add("sn-1", "1234")
	f.Add(" ", "")
	f.Add("SN\x00", "12a4")
	f.Add("ǅ", "ß123")
	f.Fuzz(func(t *testing.T, serial, pin string) {
		got, err := partner.Terminal{Serial: serial, PIN: pin}.Normalize()
		if err != nil {
			require.ErrorIs(t, err, bookingkit.ErrInvalid)
			return
		}
		require.False(t, got.IsZero())
		again, err := got.Normalize()
		require.NoError(t, err)
		require.Equal(t, got, again)
	})
}
