package partner_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/bookingkit/bookingkit/partner"
)

// Each benchmark runs beside its physical floor — the work no
// implementation can avoid — so the ratio is meaningful on a busy machine:
//
//	go test -run '^$' -bench . -benchtime 2000x ./partner/

var sink any

func BenchmarkVerifyImpersonation(b *testing.B) {
	token := partner.SignImpersonation(testKey, partner.ImpersonationClaims{
		LicenceID: "lic_06earhkqg3b8f55br7gp6i4lpo", ActorID: "usr_06earhkqg3b8f55br7gp6i4lpo", ExpiresAt: t0.Add(time.Minute), Nonce: "fc6hR-YaG96TOQpOkQ7FRQ",
	})
	b.Run("verify", func(b *testing.B) {
		for b.Loop() {
			c, err := partner.VerifyImpersonation(testKey, token, t0)
			if err != nil {
				b.Fatal(err)
			}
			sink = c
		}
	})
	// Floor: one HMAC-SHA256 over the signed part and a constant-time compare.
	payload, _, _ := strings.Cut(token, ".")
	want := hmac.New(sha256.New, testKey)
	want.Write([]byte(payload))
	sum := want.Sum(nil)
	b.Run("floor_hmac", func(b *testing.B) {
		for b.Loop() {
			m := hmac.New(sha256.New, testKey)
			m.Write([]byte(payload))
			sink = hmac.Equal(m.Sum(nil), sum)
		}
	})
}

func BenchmarkRenderContract(b *testing.B) {
	inst := partner.Instance{ID: "ins_06earhkqg3b8f55br7gp6i4lpo", Type: "WDS", Profile: "professional", ExpiresAt: t0.AddDate(1, 0, 0)}
	data := partner.ContractData{
		Partner: partner.Partner{ID: "ptn_1", Name: "Iberia Resellers"}, Company: partner.Company{ID: "cmp_1", Name: "Acme Logistics"},
		Type: partner.WDS, Profile: partner.WDS.Profiles[1], Instance: inst, At: t0, ActorID: "usr_1",
		CompanyData: []partner.LabeledValue{{Label: "Legal name", Value: "Acme Logistics S.L."}, {Label: "Tax ID", Value: "B12345678"}, {Label: "Country", Value: "ES"}},
		Config:      []partner.LabeledValue{{Label: "Terminals allowed", Value: "25"}, {Label: "Time zone", Value: "Europe/Madrid"}},
	}
	c, err := partner.RenderContract(nil, data)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("render", func(b *testing.B) {
		for b.Loop() {
			c, err := partner.RenderContract(nil, data)
			if err != nil {
				b.Fatal(err)
			}
			sink = c
		}
	})
	// Floor: hashing the finished text; the template must at least do that.
	text := []byte(c.Text)
	b.Run("floor_sha256", func(b *testing.B) {
		for b.Loop() {
			sink = sha256.Sum256(text)
		}
	})
}

func BenchmarkCheckConfig(b *testing.B) {
	in := map[string]string{"max_terminals": "25", "time_zone": "Europe/Madrid", "clock_in_mode": "mobile", "geolocation": "yes", "language": "en"}
	b.Run("check", func(b *testing.B) {
		for b.Loop() {
			out, err := partner.WDS.CheckConfig(in)
			if err != nil {
				b.Fatal(err)
			}
			sink = out
		}
	})
	// Floor: building the output map of the same five entries.
	b.Run("floor_map_copy", func(b *testing.B) {
		for b.Loop() {
			sink = maps.Clone(in)
		}
	})
}

// stubStore answers the two calls the hot read paths make with canned
// rows, so the benchmarks time the service alone.
type stubStore struct {
	partner.Store
	events []partner.ActivityEvent
	rows   []partner.CountRow
}

func (s *stubStore) SearchActivity(_ context.Context, q partner.ActivityQuery) ([]partner.ActivityEvent, error) {
	return s.events[:min(q.Limit, len(s.events))], nil
}

func (s *stubStore) CountReport(context.Context, partner.ReportFilter) ([]partner.CountRow, error) {
	return s.rows, nil
}

func BenchmarkSearchActivityService(b *testing.B) {
	st := &stubStore{}
	for i := range 60 {
		st.events = append(st.events, partner.ActivityEvent{ID: int64(1000 - i), At: t0.Add(-time.Duration(i) * time.Second), Kind: partner.ActivitySignIn,
			PartnerID: "ptn_1", Serial: "SN-1", LicenceID: "lic_1"})
	}
	svc := &partner.Service{Store: st, Now: func() time.Time { return t0 }}
	actor := partner.Actor{UserID: "usr_1", Role: partner.RolePartnerUser, PartnerID: "ptn_1"}
	ctx := context.Background()
	b.Run("first_page_50", func(b *testing.B) {
		for b.Loop() {
			p, err := svc.SearchActivity(ctx, actor, partner.ActivitySearch{Serial: "sn-1"})
			if err != nil {
				b.Fatal(err)
			}
			sink = p
		}
	})
	// Floor: what any store must do at least, hand 50 events over (here a
	// copy into a fresh slice); the service's own share sits beside it.
	b.Run("floor_store_copy_50", func(b *testing.B) {
		for b.Loop() {
			out := make([]partner.ActivityEvent, 50)
			copy(out, st.events)
			sink = out
		}
	})
}

func BenchmarkReportService(b *testing.B) {
	st := &stubStore{}
	for _, t := range partner.DefaultRegistry().Types() {
		profiles := []string{""}
		if len(t.Profiles) > 0 {
			profiles = nil
			for _, p := range t.Profiles {
				profiles = append(profiles, p.Name)
			}
		}
		for _, p := range profiles {
			for i, s := range partner.InstanceStates {
				st.rows = append(st.rows, partner.CountRow{Type: t.Name, Profile: p, State: s, Count: int64(1000 * (i + 1))})
			}
		}
	}
	svc := &partner.Service{Store: st, Now: func() time.Time { return t0 }}
	admin := partner.Actor{UserID: "usr_1", Role: partner.RoleAdministrator}
	ctx := context.Background()
	b.Run("arrange_42_groups", func(b *testing.B) {
		for b.Loop() {
			r, err := svc.Report(ctx, admin, partner.ReportFilter{Subject: partner.SubjectInstances})
			if err != nil {
				b.Fatal(err)
			}
			sink = r
		}
	})
	// Floor: one pass summing the groups.
	b.Run("floor_sum", func(b *testing.B) {
		for b.Loop() {
			var total int64
			for _, r := range st.rows {
				total += r.Count
			}
			sink = total
		}
	})
}
