package main

import (
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Issue 14, item 11: a partner instance's time_zone of the right shape
// that is no IANA zone ("Mars/Olympus") was accepted at create and edit.
func TestPartnerInstanceTimeZoneMustExist(t *testing.T) {
	w := startPartnerWorld(t, filepath.Join(t.TempDir(), "bookingkit.db"))
	var pa partnerPartnerJSON
	w.admin.do("POST", "/api/partner/partners", map[string]string{"name": "Iberia Resellers"}, http.StatusCreated, &pa)
	alice, _ := w.partnerUser(pa.ID, "Alice", "alice@iberia.example")
	var company partnerCompanyJSON
	alice.do("POST", "/api/partner/companies", map[string]string{"name": "Acme Logistics"}, http.StatusCreated, &company)
	companyData := map[string]string{"legal_name": "Acme Logistics S.L.", "tax_id": "B-12345678", "contact_email": "it@acme.example", "country": "ES"}
	expires := time.Now().UTC().AddDate(1, 0, 0).Truncate(time.Second)
	create := func(zone string, want int, out any) {
		t.Helper()
		alice.do("POST", "/api/partner/instances", map[string]any{
			"company_id": company.ID, "type": "WDS", "profile": "basic", "company_data": companyData,
			"config": map[string]string{"max_terminals": "5", "time_zone": zone}, "expires_at": expires,
		}, want, out)
	}

	for _, zone := range []string{"Mars/Olympus", "Europe/Atlantis", "America/Argentina"} {
		var bad errorBody
		create(zone, http.StatusBadRequest, &bad)
		require.Equal(t, "config.time_zone", bad.Field, zone)
		require.Equal(t, zone, bad.Value)
		require.Contains(t, bad.Error, "not a time zone of the IANA database")
	}

	var inst partnerInstanceJSON
	create("Asia/Kolkata", http.StatusCreated, &inst)
	var bad errorBody
	alice.do("PATCH", "/api/partner/instances/"+inst.ID, map[string]any{"company_data": companyData,
		"config": map[string]string{"max_terminals": "5", "time_zone": "Mars/Olympus"}, "expires_at": expires, "version": inst.Version},
		http.StatusBadRequest, &bad)
	require.Equal(t, "config.time_zone", bad.Field)
	alice.do("PATCH", "/api/partner/instances/"+inst.ID, map[string]any{"company_data": companyData,
		"config": map[string]string{"max_terminals": "5", "time_zone": "America/Argentina/Buenos_Aires"}, "expires_at": expires, "version": inst.Version},
		http.StatusOK, &inst)
	require.Equal(t, "America/Argentina/Buenos_Aires", inst.Config["time_zone"])
}
