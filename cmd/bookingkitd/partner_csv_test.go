package main

import (
	"encoding/csv"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/partner"
)

// getCSV sends GET path as c and returns the answer's CSV records, after
// checking it is a CSV download.
func (c *partnerClient) getCSV(path string) [][]string {
	c.t.Helper()
	req, err := http.NewRequest("GET", c.base+path, nil)
	require.NoError(c.t, err)
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	require.Equal(c.t, http.StatusOK, resp.StatusCode, "GET %s answered %s", path, raw)
	require.Equal(c.t, "text/csv; charset=utf-8", resp.Header.Get("Content-Type"), path)
	require.True(c.t, strings.HasPrefix(resp.Header.Get("Content-Disposition"), `attachment; filename="`), resp.Header.Get("Content-Disposition"))
	records, err := csv.NewReader(strings.NewReader(string(raw))).ReadAll()
	require.NoError(c.t, err, "%s", raw)
	return records
}

// TestPartnerCSVExportsOverHTTP: a partner's licences, activity and report
// download as CSV with format=csv, every page in one file, formula cells
// neutralised; the reports page links its own CSV; another partner's rows
// are not in it.
func TestPartnerCSVExportsOverHTTP(t *testing.T) {
	w := startPartnerWorld(t, filepath.Join(t.TempDir(), "bookingkit.db"))
	admin := w.admin
	var pa, pb partnerPartnerJSON
	admin.do("POST", "/api/partner/partners", map[string]string{"name": "Iberia Resellers"}, http.StatusCreated, &pa)
	admin.do("POST", "/api/partner/partners", map[string]string{"name": "Bravo Channel"}, http.StatusCreated, &pb)
	alice, _ := w.partnerUser(pa.ID, "Alice", "alice@iberia.example")
	bob, _ := w.partnerUser(pb.ID, "Bob", "bob@bravo.example")
	active := func(c *partnerClient) partnerInstanceJSON {
		var company partnerCompanyJSON
		c.do("POST", "/api/partner/companies", map[string]string{"name": "Acme"}, http.StatusCreated, &company)
		var inst partnerInstanceJSON
		c.do("POST", "/api/partner/instances", map[string]any{"company_id": company.ID, "type": "WDS", "profile": "basic",
			"company_data": map[string]string{"legal_name": "Acme S.L.", "tax_id": "B1", "contact_email": "a@acme.example", "country": "ES"},
			"config":       map[string]string{"max_terminals": "5", "time_zone": "UTC"}, "expires_at": time.Now().AddDate(1, 0, 0)}, http.StatusCreated, &inst)
		c.do("POST", "/api/partner/instances/"+inst.ID+"/provision", nil, http.StatusOK, &inst)
		c.do("POST", "/api/partner/instances/"+inst.ID+"/generate", map[string]string{"contract_sha256": inst.Contract.SHA256}, http.StatusOK, &inst)
		return inst
	}
	inst := active(alice)
	var added struct {
		Licences []partnerLicenceJSON `json:"licences"`
	}
	alice.do("POST", "/api/partner/instances/"+inst.ID+"/licences", map[string]any{"licences": []map[string]string{
		{"user_name": `=HYPERLINK("http://evil.example","Click")`, "login": "mallory"},
		{"user_name": "Ana García", "login": "ana", "email": "ana@acme.example"},
		{"user_name": "@SUM(1+1)", "login": "carl"},
	}}, http.StatusCreated, &added)
	instB := active(bob)
	bob.do("POST", "/api/partner/instances/"+instB.ID+"/licences", map[string]any{"licences": []map[string]string{{"user_name": "Bea", "login": "bea"}}}, http.StatusCreated, nil)
	terminal := alice.as(partnerTestEngineToken)
	terminal.do("POST", "/api/partner/terminal/bind", map[string]string{"licence_id": added.Licences[1].ID, "serial": "T-1"}, http.StatusOK, nil)
	terminal.do("POST", "/api/partner/terminal/activity", map[string]string{"licence_id": added.Licences[1].ID, "kind": "sign_in", "serial": "T-1"}, http.StatusCreated, nil)

	// Licences: every page (limit is not taken), in ID order, formulas as text.
	for _, path := range []string{"/api/partner/licences?format=csv&limit=1", "/api/partner/instances/" + inst.ID + "/licences?format=csv"} {
		recs := alice.getCSV(path)
		require.Equal(t, partner.LicenceCSVHeader, recs[0], path)
		require.Len(t, recs, 4, "%s: the header and the 3 licences of partner A: %q", path, recs)
		byLogin := map[string][]string{}
		for _, r := range recs[1:] {
			byLogin[r[8]] = r
		}
		require.Equal(t, `'=HYPERLINK("http://evil.example","Click")`, byLogin["mallory"][7])
		require.Equal(t, "'@SUM(1+1)", byLogin["carl"][7])
		require.Equal(t, "Ana García", byLogin["ana"][7])
		require.Equal(t, "T-1", byLogin["ana"][10])
	}
	require.Len(t, admin.getCSV("/api/partner/licences?format=csv"), 5, "an administrator exports every partner's")

	// Activity: the terminal's events.
	recs := alice.getCSV("/api/partner/activity?serial=T-1&format=csv")
	require.Equal(t, partner.ActivityCSVHeader, recs[0])
	require.Len(t, recs, 3, "bound and signed in: %q", recs)
	require.Equal(t, "sign_in", recs[1][2], "newest first")
	require.Equal(t, "ana", recs[1][9])
	require.Len(t, bob.getCSV("/api/partner/activity?serial=T-1&format=csv"), 1, "another partner's terminal: the header alone")

	// The report's table, as the CLI prints it.
	recs = alice.getCSV("/api/partner/reports?subject=licences&format=csv")
	require.Equal(t, []string{"type", "profile", "state", "count"}, recs[0])
	require.Equal(t, []string{"total", "", "", "3"}, recs[len(recs)-1])

	var bad errorBody
	alice.do("GET", "/api/partner/licences?format=xml", nil, http.StatusBadRequest, &bad)
	require.Equal(t, "format", bad.Field)
	alice.do("GET", "/api/partner/reports?format=xlsx", nil, http.StatusBadRequest, &bad)

	// The reports page links its CSV, which the page's sign-in downloads.
	req, err := http.NewRequest("GET", w.ts.URL+"/partner/reports?subject=licences", nil)
	require.NoError(t, err)
	req.AddCookie(&http.Cookie{Name: partnerCookie, Value: alice.token})
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, string(page), `href="/partner/reports?format=csv&amp;subject=licences"`)
	recs = alice.getCSV("/partner/reports?format=csv&subject=licences")
	require.Equal(t, []string{"total", "", "", "3"}, recs[len(recs)-1])
}
