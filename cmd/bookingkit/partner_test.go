package main

import (
	"context"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/account"
	"github.com/bookingkit/bookingkit/cmd/internal/backend"
	"github.com/bookingkit/bookingkit/partner"
)

var partnerLink = regexp.MustCompile(`(https?://\S+)/partner/set-password\?token=(\S+)`)

func TestPartnerAdminAndUserAddPrintWorkingLinks(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "bk.db")

	out, _, err := runTool(t, nil, "partner", "admin", "add", "Root@Vendor.example", "Root", "Admin", "-db", db, "-base-url", "https://partners.example.com/")
	require.NoError(t, err)
	require.Contains(t, out, "added administrator Root Admin <Root@vendor.example>")
	m := partnerLink.FindStringSubmatch(out)
	require.NotNil(t, m, out)
	require.Equal(t, "https://partners.example.com", m[1])
	adminToken, err := url.QueryUnescape(m[2])
	require.NoError(t, err)

	_, _, err = runTool(t, nil, "partner", "admin", "add", "root@vendor.example", "Again", "-db", db)
	require.ErrorIs(t, err, bookingkit.ErrConflict, "an address is one user")
	_, _, err = runTool(t, nil, "partner", "admin", "add", "not-an-address", "X", "-db", db)
	require.ErrorIs(t, err, bookingkit.ErrInvalid)

	out, _, err = runTool(t, nil, "partner", "partners", "add", "-db", db, "Iberia", "Resellers")
	require.NoError(t, err)
	pid := regexp.MustCompile(`\(ID (ptn_\w+)\)`).FindStringSubmatch(out)
	require.NotNil(t, pid, out)
	out, _, err = runTool(t, nil, "partner", "partners", "list", "-db", db)
	require.NoError(t, err)
	require.Contains(t, out, pid[1])
	require.Contains(t, out, "Iberia Resellers")

	_, _, err = runTool(t, nil, "partner", "user", "add", "-db", db, "ana@iberia.example", "Ana")
	require.ErrorContains(t, err, "-partner")
	_, _, err = runTool(t, nil, "partner", "user", "add", "-db", db, "-partner", "ptn_nope", "ana@iberia.example", "Ana")
	require.ErrorIs(t, err, bookingkit.ErrNotFound)
	out, _, err = runTool(t, map[string]string{"BOOKINGKIT_ADDR": "127.0.0.1:9090"}, "partner", "user", "add", "-db", db, "-partner", pid[1], "ana@iberia.example", "Ana García")
	require.NoError(t, err)
	require.Contains(t, out, "added partner user Ana García")
	um := partnerLink.FindStringSubmatch(out)
	require.NotNil(t, um, out)
	require.Equal(t, "http://127.0.0.1:9090", um[1], "links follow BOOKINGKIT_ADDR by default")
	out, _, err = runTool(t, map[string]string{"BOOKINGKIT_ADDR": "127.0.0.1:9090", "BOOKINGKIT_PUBLIC_URL": "https://partners.example.com"},
		"partner", "user", "add", "-db", db, "-partner", pid[1], "luis@iberia.example", "Luis")
	require.NoError(t, err)
	require.Equal(t, "https://partners.example.com", partnerLink.FindStringSubmatch(out)[1], "…and BOOKINGKIT_PUBLIC_URL first")

	// The printed tokens are the accounts' one-time links, subjects the users.
	stores, err := backend.Open(ctx, db)
	require.NoError(t, err)
	defer stores.Close()
	accounts := account.New(stores.Accounts, account.Config{Realm: partner.Realm})
	_, a, err := accounts.CheckLink(ctx, adminToken)
	require.NoError(t, err)
	admin, err := stores.Partner.GetUser(ctx, a.Subject)
	require.NoError(t, err)
	require.Equal(t, partner.RoleAdministrator, admin.Role)
	require.Equal(t, "Root Admin", admin.Name)
	userToken, _ := url.QueryUnescape(um[2])
	_, a, err = accounts.CheckLink(ctx, userToken)
	require.NoError(t, err)
	ana, err := stores.Partner.GetUser(ctx, a.Subject)
	require.NoError(t, err)
	require.Equal(t, pid[1], ana.PartnerID)
}

func TestPartnerReportPrintsAlignedCounts(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "bk.db")
	out, _, err := runTool(t, nil, "partner", "report", "-db", db)
	require.NoError(t, err)
	require.Equal(t, "type   profile  state  count\ntotal                      0\n", out, "an empty database")

	// Three WDS instances (one expired), an MCRM draft, a licence.
	stores, err := backend.Open(ctx, db)
	require.NoError(t, err)
	now := time.Now()
	svc := &partner.Service{Store: stores.Partner}
	p, err := svc.CreatePartner(ctx, partnerOperator, partner.NewPartner{Name: "P"})
	require.NoError(t, err)
	c, err := svc.CreateCompany(ctx, partnerOperator, partner.NewCompany{PartnerID: p.ID, Name: "C"})
	require.NoError(t, err)
	company := map[string]string{"legal_name": "C S.L.", "tax_id": "B1", "contact_email": "c@c.example", "country": "ES"}
	var first partner.Instance
	for i, profile := range []string{"basic", "basic", "enterprise"} {
		inst, err := svc.CreateInstance(ctx, partnerOperator, partner.NewInstance{CompanyID: c.ID, Type: "WDS", Profile: profile, CompanyData: company,
			Config: map[string]string{"max_terminals": "3", "time_zone": "UTC"}, ExpiresAt: now.Add(time.Duration(i+1) * time.Hour)})
		require.NoError(t, err)
		inst, err = svc.Provision(ctx, partnerOperator, inst.ID)
		require.NoError(t, err)
		inst, err = svc.Generate(ctx, partnerOperator, inst.ID, inst.Contract.SHA256)
		require.NoError(t, err)
		if i == 0 {
			first = inst
		}
	}
	_, err = svc.CreateInstance(ctx, partnerOperator, partner.NewInstance{CompanyID: c.ID, Type: "MCRM", CompanyData: company,
		Config: map[string]string{"max_users": "2"}, ExpiresAt: now.Add(time.Hour)})
	require.NoError(t, err)
	_, err = svc.AddLicences(ctx, partnerOperator, first.ID, []partner.NewLicence{{UserName: "Ana", Login: "ana"}})
	require.NoError(t, err)
	require.NoError(t, stores.Close())

	out, _, err = runTool(t, nil, "partner", "report", "-db", db)
	require.NoError(t, err)
	require.Equal(t, strings.Join([]string{
		"type   profile     state   count",
		"WDS    basic       active      2",
		"WDS    enterprise  active      1",
		"MCRM               draft       1",
		"total                          4",
		"",
	}, "\n"), out)

	out, _, err = runTool(t, nil, "partner", "report", "-db", db, "-subject", "licences", "-csv")
	require.NoError(t, err)
	require.Equal(t, "type,profile,state,count\nWDS,basic,active,1\ntotal,,,1\n", out)

	out, _, err = runTool(t, nil, "partner", "report", "-db", db, "-state", "draft,active", "-type", "wds", "-from", now.Add(-time.Hour).UTC().Format(time.RFC3339))
	require.NoError(t, err)
	require.Contains(t, out, "total                          3")

	for _, bad := range [][]string{
		{"-subject", "companies"}, {"-state", "frozen"}, {"-type", "XYZ"}, {"-from", "yesterday"}, {"-partner", "ptn_nope"}, {"extra"},
	} {
		_, _, err := runTool(t, nil, append([]string{"partner", "report", "-db", db}, bad...)...)
		require.Error(t, err, "%v", bad)
	}

	_, errOut, err := runTool(t, nil, "partner", "report", "-h")
	require.NoError(t, err)
	require.Contains(t, errOut, "-subject")
	out, _, err = runTool(t, nil, "help")
	require.NoError(t, err)
	require.Contains(t, out, "partner")
}
