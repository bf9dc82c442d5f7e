package main

import (
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/staffid/staffidhttp"
	"github.com/bookingkit/bookingkit/staffid/staffidtest"
	"github.com/bookingkit/bookingkit/storage/storagetest/pgtest"
)

func TestImportHistoryNamesEveryChangeOnSQLite(t *testing.T) {
	testImportHistoryNamesEveryChange(t, filepath.Join(t.TempDir(), "bookingkit.db"))
}

func TestImportHistoryNamesEveryChangeOnPostgres(t *testing.T) {
	testImportHistoryNamesEveryChange(t, pgtest.URL(t))
}

// recordChange is how the history names a record's person: kind, name
// and employee ID, and the fields that changed.
func recordChange(kind staffid.ChangeKind, r staffidtest.Record, fields ...string) string {
	name := r.LastName + " " + r.FirstName
	if r.MiddleName != "" {
		name += " " + r.MiddleName
	}
	return fmt.Sprintf("%s|%s|%d|%s", kind, name, r.EmployeeID, strings.Join(fields, ","))
}

// changesOverHTTP pages through GET /api/staffid/imports/{id}/changes
// with query, limit at a time, and returns every change as recordChange
// spells it, checking that each page is in the order the API promises.
func changesOverHTTP(t *testing.T, e *importEnv, id int64, query string, limit int) []string {
	t.Helper()
	var all []string
	cursor := ""
	for pages := 0; ; pages++ {
		require.Less(t, pages, 1000, "paging ends")
		u := fmt.Sprintf("%s/api/staffid/imports/%d/changes?limit=%d&cursor=%s%s", e.ts.URL, id, limit, url.QueryEscape(cursor), query)
		var page staffidhttp.ImportChangesPage
		resp := getWithToken(t, u, testEngineToken, &page)
		require.Equal(t, http.StatusOK, resp.StatusCode, u)
		require.LessOrEqual(t, len(page.Items), limit)
		for _, c := range page.Items {
			all = append(all, fmt.Sprintf("%s|%s|%s|%s", c.Kind, c.Name, c.EmployeeID, strings.Join(c.Fields, ",")))
		}
		if page.Next == "" {
			require.Less(t, len(page.Items), limit+1)
			return all
		}
		require.Len(t, page.Items, limit, "only a full page has a next")
		cursor = page.Next
	}
}

// changesOnPage pages through the import page's list of whom an import
// changed (import "" for the latest), as a manager does: the form with
// the token, then each page's "Next page" form, with the token typed
// again. It returns every change as recordChange spells it.
func changesOnPage(t *testing.T, e *importEnv, id, kind string) []string {
	t.Helper()
	row := regexp.MustCompile(`<tr><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td></tr>`)
	next := regexp.MustCompile(`name="cursor" value="([^"]*)"`)
	kinds := map[string]string{"new": "created", "updated": "updated", "blocked": "blocked", "unblocked": "unblocked"}
	var all []string
	form := url.Values{"token": {testImportToken}, "import": {id}, "kind": {kind}}
	for pages := 0; ; pages++ {
		require.Less(t, pages, 100, "paging ends")
		resp, err := http.PostForm(e.ts.URL+"/settings__airline_staff_id_employee_import/changes", form)
		require.NoError(t, err)
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
		for _, m := range row.FindAllStringSubmatch(string(body), -1) {
			all = append(all, fmt.Sprintf("%s|%s|%s|%s", kinds[m[1]], html.UnescapeString(m[2]), m[3], strings.ReplaceAll(m[4], ", ", ",")))
		}
		m := next.FindStringSubmatch(string(body))
		if m == nil {
			return all
		}
		form.Set("cursor", html.UnescapeString(m[1]))
		form.Set("import", regexp.MustCompile(`name="import" value="(\d+)"`).FindStringSubmatch(string(body))[1])
	}
}

// testImportHistoryNamesEveryChange is issue 17's done-when over HTTP:
// the history of an import names every person it created, updated (with
// the fields that changed), blocked and unblocked, page after page.
func testImportHistoryNamesEveryChange(t *testing.T, dsn string) {
	e := startImportServer(t, dsn, "")
	// Whole groups (an employee and their companions), so that every list
	// is valid.
	var groups [][]staffidtest.Record
	for _, r := range staffidtest.GenerateRecords(420, 17) {
		if r.IsEmployee == 1 {
			groups = append(groups, nil)
		}
		groups[len(groups)-1] = append(groups[len(groups)-1], r)
	}
	groups = groups[:len(groups)-1] // the last one may be cut short
	flat := func(gs ...[][]staffidtest.Record) []staffidtest.Record {
		var out []staffidtest.Record
		for _, g := range gs {
			for _, group := range g {
				out = append(out, group...)
			}
		}
		return out
	}
	upload := func(records []staffidtest.Record) staffid.SyncCounts {
		t.Helper()
		status, out := e.upload(t, staffidtest.MarshalList(records), "application/json", "?force=true", testImportToken)
		require.Equal(t, http.StatusOK, status, "%s", out)
		var page historyPage
		getWithToken(t, e.ts.URL+"/api/staffid/imports?limit=1", testEngineToken, &page)
		return *page.Items[0].Report.SyncCounts
	}
	n := len(groups)
	known, fresh := groups[:n-10], groups[n-10:]

	// Import 1 creates the known people; import 2 blocks groups 0-2.
	first := flat(known)
	require.Equal(t, staffid.SyncCounts{Created: len(first)}, upload(first))
	second := flat(known[3:])
	require.Equal(t, len(flat(known[:3])), upload(second).Blocked)

	// Import 3 creates the fresh groups, changes the email of the
	// employees of groups 6 and 7 and the category and email of group 8's
	// employee (updated), blocks groups 3-5 and brings back groups 0-2
	// (unblocked), group 0's employee with a new email.
	var third []staffidtest.Record
	var want []string
	for i, group := range known {
		for j, r := range group {
			switch {
			case i >= 3 && i < 6:
				want = append(want, recordChange(staffid.ChangeBlocked, r))
				continue
			case i == 0 && j == 0:
				r.Email = "back.again@airline.example"
				want = append(want, recordChange(staffid.ChangeUnblocked, r, staffid.FieldEmail))
			case i < 3:
				want = append(want, recordChange(staffid.ChangeUnblocked, r))
			case (i == 6 || i == 7) && j == 0:
				r.Email = fmt.Sprintf("new.address%d@airline.example", i)
				want = append(want, recordChange(staffid.ChangeUpdated, r, staffid.FieldEmail))
			case i == 8 && j == 0:
				r.Email, r.CategoryCode = "promoted@airline.example", (r.CategoryCode+1)%10
				want = append(want, recordChange(staffid.ChangeUpdated, r, staffid.FieldCategoryCode, staffid.FieldEmail))
			}
			third = append(third, r)
		}
	}
	for _, r := range flat(fresh) {
		want = append(want, recordChange(staffid.ChangeCreated, r))
	}
	third = append(third, flat(fresh)...)
	counts := upload(third)
	require.Equal(t, len(flat(fresh)), counts.Created)
	require.Equal(t, 3, counts.Updated)
	require.Equal(t, len(flat(known[3:6])), counts.Blocked)
	require.Equal(t, len(flat(known[:3])), counts.Unblocked)

	var page historyPage
	getWithToken(t, e.ts.URL+"/api/staffid/imports", testEngineToken, &page)
	require.Len(t, page.Items, 3)
	id3, id1 := page.Items[0].ID, page.Items[2].ID

	// Every kind, 7 at a time: every person named, in kind order.
	got := changesOverHTTP(t, e, id3, "", 7)
	require.ElementsMatch(t, want, got)
	rank := map[string]int{"created": 0, "updated": 1, "blocked": 2, "unblocked": 3}
	for i := 1; i < len(got); i++ {
		a, b := strings.SplitN(got[i-1], "|", 2)[0], strings.SplitN(got[i], "|", 2)[0]
		require.LessOrEqual(t, rank[a], rank[b], "created, then updated, blocked and unblocked")
	}
	// One kind, 5 at a time, and the default page size.
	var blocked []string
	for _, w := range want {
		if strings.HasPrefix(w, "blocked|") {
			blocked = append(blocked, w)
		}
	}
	require.ElementsMatch(t, blocked, changesOverHTTP(t, e, id3, "&kind=blocked", 5))
	require.ElementsMatch(t, want, changesOverHTTP(t, e, id3, "", 100))

	// The first import created them all, named as they are now (group 0's
	// employee with the email the third list gave; emails are not names).
	var created []string
	for _, r := range first {
		created = append(created, recordChange(staffid.ChangeCreated, r))
	}
	require.ElementsMatch(t, created, changesOverHTTP(t, e, id1, "&kind=created", 100))
	require.ElementsMatch(t, created, changesOverHTTP(t, e, id1, "", 1000))

	// The import page names them too, a page of 100 at a time: the
	// latest import when none is given.
	require.ElementsMatch(t, want, changesOnPage(t, e, "", ""))
	require.ElementsMatch(t, blocked, changesOnPage(t, e, fmt.Sprint(id3), "blocked"))
	require.ElementsMatch(t, created, changesOnPage(t, e, fmt.Sprint(id1), ""))
	req, err := http.NewRequest(http.MethodPost, e.ts.URL+"/settings__airline_staff_id_employee_import/changes",
		strings.NewReader(url.Values{"token": {testImportToken}, "import": {fmt.Sprint(id3)}}.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept-Language", "ru")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	require.Contains(t, string(body), fmt.Sprintf("Импорт %d: кого он затронул", id3), "in Russian")
	resp, err = http.PostForm(e.ts.URL+"/settings__airline_staff_id_employee_import/changes", url.Values{"token": {"wrong"}})
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode, "the page asks for the import token")

	for _, c := range []struct {
		path, token string
		want        int
	}{
		{fmt.Sprintf("/api/staffid/imports/%d/changes", id3), "", http.StatusUnauthorized},
		{fmt.Sprintf("/api/staffid/imports/%d/changes", id3+1), testEngineToken, http.StatusNotFound},
		{"/api/staffid/imports/x/changes", testEngineToken, http.StatusBadRequest},
		{fmt.Sprintf("/api/staffid/imports/%d/changes?kind=renamed", id3), testEngineToken, http.StatusBadRequest},
		{fmt.Sprintf("/api/staffid/imports/%d/changes?cursor=nonsense", id3), testEngineToken, http.StatusBadRequest},
		{fmt.Sprintf("/api/staffid/imports/%d/changes?kind=blocked&cursor=created:v1:x", id3), testEngineToken, http.StatusBadRequest},
		{fmt.Sprintf("/api/staffid/imports/%d/changes?limit=1001", id3), testEngineToken, http.StatusBadRequest},
	} {
		resp := getWithToken(t, e.ts.URL+c.path, c.token, nil)
		require.Equal(t, c.want, resp.StatusCode, c.path)
	}
}
