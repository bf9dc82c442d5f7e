package main

import (
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/partner/partnerhttp"
	"github.com/bookingkit/bookingkit/storage/storagetest/pgtest"
)

func TestPartnerAPIKeysOverHTTPOnSQLite(t *testing.T) {
	partnerAPIKeysFlow(t, filepath.Join(t.TempDir(), "bookingkit.db"))
}

func TestPartnerAPIKeysOverHTTPOnPostgres(t *testing.T) {
	partnerAPIKeysFlow(t, pgtest.URL(t))
}

// partnerAPIKeysFlow: an administrator gives partner A an API key and a
// read-only one; A's system reads and acts with its key only within A (B's
// objects are not found), the read-only key only reads (403 on writes), a
// partner user may see but not make or revoke keys, and a revoked key is
// answered 401 from then on.
func partnerAPIKeysFlow(t *testing.T, dsn string) {
	w := startPartnerWorld(t, dsn)
	admin := w.admin
	var pa, pb partnerPartnerJSON
	admin.do("POST", "/api/partner/partners", map[string]string{"name": "Iberia Resellers"}, http.StatusCreated, &pa)
	admin.do("POST", "/api/partner/partners", map[string]string{"name": "Bravo Channel"}, http.StatusCreated, &pb)
	alice, _ := w.partnerUser(pa.ID, "Alice", "alice@iberia.example")
	bob, _ := w.partnerUser(pb.ID, "Bob", "bob@bravo.example")
	var companyB partnerCompanyJSON
	bob.do("POST", "/api/partner/companies", map[string]string{"name": "Bravo Foods"}, http.StatusCreated, &companyB)

	// Only an administrator makes keys.
	var bad errorBody
	alice.do("POST", "/api/partner/api-keys", map[string]any{"partner_id": pa.ID, "name": "Mine"}, http.StatusForbidden, &bad)
	admin.do("POST", "/api/partner/api-keys", map[string]any{"partner_id": pa.ID, "name": ""}, http.StatusBadRequest, &bad)
	require.Equal(t, "name", bad.Field)
	var rw, ro partnerhttp.NewAPIKeyJSON
	admin.do("POST", "/api/partner/api-keys", map[string]any{"partner_id": pa.ID, "name": "ERP sync"}, http.StatusCreated, &rw)
	admin.do("POST", "/api/partner/api-keys", map[string]any{"partner_id": pa.ID, "name": "Dashboard", "read_only": true}, http.StatusCreated, &ro)
	require.True(t, strings.HasPrefix(rw.Key, "bkp_"), rw.Key)
	require.False(t, rw.APIKey.ReadOnly)
	require.True(t, ro.APIKey.ReadOnly)
	require.Equal(t, pa.ID, rw.APIKey.PartnerID)
	require.True(t, rw.APIKey.LastUsedAt.IsZero())

	// The key acts as a user of partner A, and only there.
	erp := admin.as(rw.Key)
	var profile struct {
		User    partnerUserJSON    `json:"user"`
		Partner partnerPartnerJSON `json:"partner"`
	}
	erp.do("GET", "/api/partner/profile", nil, http.StatusOK, &profile)
	require.Equal(t, rw.APIKey.ID, profile.User.ID)
	require.Equal(t, "partner_user", profile.User.Role)
	require.Equal(t, pa.ID, profile.Partner.ID)
	var companyA partnerCompanyJSON
	erp.do("POST", "/api/partner/companies", map[string]string{"name": "Acme Logistics"}, http.StatusCreated, &companyA)
	require.Equal(t, pa.ID, companyA.PartnerID)
	erp.do("POST", "/api/partner/companies", map[string]string{"partner_id": pb.ID, "name": "Elsewhere"}, http.StatusNotFound, &bad)
	erp.do("GET", "/api/partner/companies/"+companyB.ID, nil, http.StatusNotFound, &bad)
	var companies struct {
		Companies []partnerCompanyJSON `json:"companies"`
	}
	erp.do("GET", "/api/partner/companies", nil, http.StatusOK, &companies)
	require.Equal(t, []partnerCompanyJSON{companyA}, companies.Companies)
	erp.do("GET", "/api/partner/companies?partner_id="+pb.ID, nil, http.StatusNotFound, &bad)
	erp.do("POST", "/api/partner/api-keys", map[string]any{"partner_id": pa.ID, "name": "Another"}, http.StatusForbidden, &bad)
	var audit struct {
		Records []partnerAuditJSON `json:"records"`
	}
	admin.do("GET", "/api/partner/audit?object_id="+url.QueryEscape(companyA.ID), nil, http.StatusOK, &audit)
	require.Len(t, audit.Records, 1)
	require.Equal(t, rw.APIKey.ID, audit.Records[0].ActorID, "the audit log names the key")

	// The read-only key reads, and every write is forbidden.
	dash := admin.as(ro.Key)
	dash.do("GET", "/api/partner/companies/"+companyA.ID, nil, http.StatusOK, nil)
	dash.do("GET", "/api/partner/companies/"+companyB.ID, nil, http.StatusNotFound, &bad)
	dash.do("POST", "/api/partner/companies", map[string]string{"name": "Not allowed"}, http.StatusForbidden, &bad)
	require.Contains(t, bad.Error, "read-only")
	require.Len(t, dash.getCSV("/api/partner/reports?format=csv"), 2, "an export is a read: the header and the total")

	// The keys are listed without the keys themselves; a partner's users
	// see theirs, and another partner's see none of them.
	type keysPage struct {
		APIKeys []partnerhttp.APIKeyJSON `json:"api_keys"`
		Next    string                   `json:"next"`
	}
	var keys keysPage
	alice.do("GET", "/api/partner/api-keys", nil, http.StatusOK, &keys)
	require.Len(t, keys.APIKeys, 2)
	require.Equal(t, rw.APIKey.ID, keys.APIKeys[0].ID)
	require.False(t, keys.APIKeys[0].LastUsedAt.IsZero(), "the key's use is kept")
	bob.do("GET", "/api/partner/api-keys", nil, http.StatusOK, &keys)
	require.Empty(t, keys.APIKeys)
	bob.do("GET", "/api/partner/api-keys/"+rw.APIKey.ID, nil, http.StatusNotFound, &bad)
	admin.do("GET", "/api/partner/api-keys?limit=1&partner_id="+pa.ID, nil, http.StatusOK, &keys)
	require.Len(t, keys.APIKeys, 1)
	admin.do("GET", "/api/partner/api-keys?cursor="+url.QueryEscape(keys.Next), nil, http.StatusOK, &keys)
	require.Equal(t, ro.APIKey.ID, keys.APIKeys[0].ID)

	// Revoked: 401 from then on, for reads and writes alike.
	alice.do("POST", "/api/partner/api-keys/"+rw.APIKey.ID+"/revoke", nil, http.StatusForbidden, &bad)
	erp.do("GET", "/api/partner/companies", nil, http.StatusOK, nil)
	var revoked partnerhttp.APIKeyJSON
	admin.do("POST", "/api/partner/api-keys/"+rw.APIKey.ID+"/revoke", nil, http.StatusOK, &revoked)
	require.False(t, revoked.RevokedAt.IsZero())
	erp.do("GET", "/api/partner/companies", nil, http.StatusUnauthorized, &bad)
	erp.do("POST", "/api/partner/companies", map[string]string{"name": "Too late"}, http.StatusUnauthorized, &bad)
	erp.do("GET", "/api/partner/profile", nil, http.StatusUnauthorized, &bad)
	dash.do("GET", "/api/partner/companies/"+companyA.ID, nil, http.StatusOK, nil)
	admin.as("bkp_"+strings.Repeat("x", 43)).do("GET", "/api/partner/companies", nil, http.StatusUnauthorized, &bad)
}
