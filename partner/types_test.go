package partner_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/partner"
)

func TestRegistryTypes(t *testing.T) {
	reg := partner.DefaultRegistry()
	var names []string
	for _, ts := range reg.Types() {
		names = append(names, ts.Name)
	}
	require.Equal(t, []string{"WDS", "MCRM", "S360", "WTA"}, names)
	wds, err := reg.Type(" wds ")
	require.NoError(t, err)
	require.Equal(t, "Working Day Suite", wds.Title)
	_, err = reg.Type("ERP")
	var ve *bookingkit.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "type", ve.Field)
	require.Equal(t, "ERP", ve.Value)
	require.Contains(t, ve.Reason, "WDS, MCRM, S360, WTA")
}

func TestCheckConfig(t *testing.T) {
	tests := []struct {
		typ     partner.TypeSpec
		in      map[string]string
		want    map[string]string
		invalid []string
	}{
		{partner.WDS, map[string]string{"max_terminals": "5", "time_zone": "UTC"},
			map[string]string{"max_terminals": "5", "time_zone": "UTC", "clock_in_mode": "terminal", "geolocation": "false", "language": "es"}, nil},
		{partner.WDS, map[string]string{"max_terminals": "+007", "time_zone": "America/Argentina/Buenos_Aires", "clock_in_mode": "MOBILE", "geolocation": "On", "language": "EN"},
			map[string]string{"max_terminals": "7", "time_zone": "America/Argentina/Buenos_Aires", "clock_in_mode": "mobile", "geolocation": "true", "language": "en"}, nil},
		{partner.WDS, map[string]string{"max_terminals": "100001", "time_zone": "Madrid", "geolocation": "maybe"}, nil,
			[]string{"config.max_terminals", "config.geolocation", "config.time_zone"}},
		{partner.WDS, map[string]string{}, nil, []string{"config.max_terminals", "config.time_zone"}},
		{partner.MCRM, map[string]string{"max_users": "10", "currency": "usd"}, nil, []string{"config.currency"}},
		{partner.MCRM, map[string]string{"max_users": "10", "currency": "USD", "sync_interval_minutes": ""},
			map[string]string{"max_users": "10", "currency": "USD", "sync_interval_minutes": "15", "language": "es"}, nil},
		{partner.S360, map[string]string{"warehouse_code": "MAD-01"},
			map[string]string{"warehouse_code": "MAD-01", "allow_offline": "true", "language": "es"}, nil},
		{partner.WTA, map[string]string{"portal_url": "http://insecure.example", "max_employees": "5"}, nil, []string{"config.portal_url"}},
		{partner.WTA, map[string]string{"portal_url": "https://portal.example/acme", "max_employees": "5", "sso": "true"}, nil, []string{"config.sso"}},
	}
	for _, tc := range tests {
		t.Run(tc.typ.Name, func(t *testing.T) {
			got, err := tc.typ.CheckConfig(tc.in)
			if tc.invalid != nil {
				require.ErrorIs(t, err, bookingkit.ErrInvalid)
				require.Equal(t, tc.invalid, invalidFields(err))
				return
			}
			require.NoError(t, err)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestCheckCompany(t *testing.T) {
	ok := map[string]string{"legal_name": "Acme S.L.", "tax_id": "B12345678", "contact_email": "it@Acme.Example", "country": "ES", "phone": "+34 600 000 000"}
	got, err := partner.WDS.CheckCompany(ok)
	require.NoError(t, err)
	require.Equal(t, "it@acme.example", got["contact_email"])
	_, err = partner.WDS.CheckCompany(map[string]string{"legal_name": "Acme\x00", "tax_id": "<script>", "contact_email": "Bob <bob@x.example>", "country": "es"})
	require.Equal(t, []string{"company.legal_name", "company.tax_id", "company.contact_email", "company.country"}, invalidFields(err))
}

func TestNewRegistryRejectsBadSpecs(t *testing.T) {
	good := partner.TypeSpec{Name: "NEW", Colour: "#123456", Config: []partner.Field{{Name: "x", Kind: partner.KindText}}}
	_, err := partner.NewRegistry(good)
	require.NoError(t, err)
	tests := map[string]func(ts *partner.TypeSpec){
		"lower-case name":  func(ts *partner.TypeSpec) { ts.Name = "new" },
		"no colour":        func(ts *partner.TypeSpec) { ts.Colour = "" },
		"bad field name":   func(ts *partner.TypeSpec) { ts.Config = []partner.Field{{Name: "X Y", Kind: partner.KindText}} },
		"unknown kind":     func(ts *partner.TypeSpec) { ts.Config = []partner.Field{{Name: "x", Kind: "date"}} },
		"choice no values": func(ts *partner.TypeSpec) { ts.Config = []partner.Field{{Name: "x", Kind: partner.KindChoice}} },
		"min above max": func(ts *partner.TypeSpec) {
			ts.Config = []partner.Field{{Name: "x", Kind: partner.KindInteger, Min: 5, Max: 1}}
		},
		"bad default": func(ts *partner.TypeSpec) {
			ts.Config = []partner.Field{{Name: "x", Kind: partner.KindBool, Default: "perhaps"}}
		},
		"field twice": func(ts *partner.TypeSpec) {
			ts.Config = []partner.Field{{Name: "x", Kind: partner.KindText}, {Name: "x", Kind: partner.KindBool}}
		},
		"duplicate profile": func(ts *partner.TypeSpec) {
			ts.Profiles = []partner.Profile{{Name: "a", Colour: "#000000"}, {Name: "a", Colour: "#000000"}}
		},
	}
	for name, change := range tests {
		t.Run(name, func(t *testing.T) {
			ts := good
			change(&ts)
			_, err := partner.NewRegistry(ts)
			require.Error(t, err)
		})
	}
	_, err = partner.NewRegistry(good, good)
	require.Error(t, err, "a type declared twice")
}

// TestAddingATypeTouchesOnlyTheRegistry: a registry with a fifth type is
// all a Service needs to sell it and count it.
func TestAddingATypeTouchesOnlyTheRegistry(t *testing.T) {
	kiosk := partner.TypeSpec{Name: "KIOSK", Title: "Kiosk", Colour: "#9467bd",
		Company: []partner.Field{{Name: "legal_name", Label: "Legal name", Kind: partner.KindText, Required: true}},
		Config:  []partner.Field{{Name: "screens", Label: "Screens", Kind: partner.KindInteger, Min: 1, Max: 10, Default: "1"}},
	}
	w := newWorld(t)
	w.svc.Types = partner.MustRegistry(partner.WDS, partner.MCRM, partner.S360, partner.WTA, kiosk)
	inst, err := w.svc.CreateInstance(w.ctx, w.alice, partner.NewInstance{
		CompanyID: w.companyA.ID, Type: "kiosk", CompanyData: map[string]string{"legal_name": "Acme"}, ExpiresAt: t0.AddDate(1, 0, 0),
	})
	require.NoError(t, err)
	require.Equal(t, "KIOSK", inst.Type)
	inst, err = w.svc.Provision(w.ctx, w.alice, inst.ID)
	require.NoError(t, err)
	require.Contains(t, inst.Contract.Text, "Screens: 1")
	rep, err := w.svc.Report(w.ctx, w.alice, partner.ReportFilter{Subject: partner.SubjectInstances})
	require.NoError(t, err)
	last := rep.ByType[len(rep.ByType)-1]
	require.Equal(t, partner.Bar{Key: "KIOSK", Label: "Kiosk", Colour: "#9467bd", Count: 1, Bucket: partner.Bucket{Type: "KIOSK"}}, last)
}

// FuzzCheckConfig: any input either fails with validation errors only, or
// comes back normalised such that checking it again changes nothing.
func FuzzCheckConfig(f *testing.F) {
	f.Add("max_terminals", "25", "time_zone", "Europe/Madrid", "geolocation", "yes")
	f.Add("max_terminals", "-1", "clock_in_mode", "BOTH", "language", "\xff")
	f.Add("max_terminals", "9223372036854775808", "time_zone", "UTC", "x", "")
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2, k3, v3 string) {
		in := map[string]string{k1: v1, k2: v2, k3: v3}
		for _, ts := range partner.DefaultRegistry().Types() {
			out, err := ts.CheckConfig(in)
			if err != nil {
				if !errors.Is(err, bookingkit.ErrInvalid) {
					t.Fatalf("%s: non-validation error %v", ts.Name, err)
				}
				var ve *bookingkit.ValidationError
				if !errors.As(err, &ve) || ve.Field == "" {
					t.Fatalf("%s: error names no field: %v", ts.Name, err)
				}
				continue
			}
			again, err := ts.CheckConfig(out)
			if err != nil {
				t.Fatalf("%s: normalised config %v no longer valid: %v", ts.Name, out, err)
			}
			if diff := cmp.Diff(out, again); diff != "" {
				t.Fatalf("%s: normalising twice differs:\n%s", ts.Name, diff)
			}
		}
	})
}
