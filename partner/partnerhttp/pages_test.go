package partnerhttp_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/partner/partnerhttp"
)

// engineCall calls the engine as user id and decodes the answer into out.
func engineCall(t *testing.T, mux http.Handler, id, method, path string, body any, want int, out any) string {
	t.Helper()
	var raw []byte
	if body != nil {
		var err error
		raw, err = json.Marshal(body)
		require.NoError(t, err)
	}
	req := httptest.NewRequest(method, path, bytes.NewReader(raw))
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("X-Engine-User", id)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	require.Equal(t, want, rec.Code, "%s %s: %s", method, path, rec.Body.String())
	if out != nil {
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), out))
	}
	return rec.Body.String()
}

// chartCard returns the card of the chart whose heading has the id.
func chartCard(t *testing.T, page, id string) string {
	t.Helper()
	start := strings.Index(page, `<h2 id="`+id+`">`)
	require.GreaterOrEqual(t, start, 0, "no chart %s", id)
	end := strings.Index(page[start:], "</details>")
	require.GreaterOrEqual(t, end, 0, "chart %s has no table", id)
	return page[start : start+end]
}

type pageFigure struct{ Name, Count, Href, AccessibleName string }

var (
	svgBarLink = regexp.MustCompile(`<a href="([^"]+)" aria-label="([^"]+)"><title>[^<]*</title>\s*<text[^>]*>[^<]*</text>\s*<rect[^>]*/>\s*<text[^>]*>(\d+)</text></a>`)
	tableRow   = regexp.MustCompile(`<tr><th scope="row">([^<]+)</th><td class="num"><a href="([^"]+)" aria-label="([^"]+)">(\d+)</a></td></tr>`)
	svgElement = regexp.MustCompile(`(?s)<svg\b[^>]*>.*?</svg>`)
)

// The reports page is usable without seeing the charts: each bar chart is a
// group of links (not an image, which would hide them), each link named by
// its label and figure; a table with a caption and headers gives the same
// figures and links; the monthly chart's series differ by pattern as well as
// colour and its table gives each month's figures; the page loads nothing
// from elsewhere and runs only its own nonce'd style and script.
func TestReportsPageAccessibleCharts(t *testing.T) {
	mux, root := newEngine(t, partnerhttp.Options{})
	var pt struct{ ID string }
	engineCall(t, mux, root.ID, "POST", "/p/api/partner/partners", map[string]string{"name": "P"}, http.StatusCreated, &pt)
	var company struct{ ID string }
	engineCall(t, mux, root.ID, "POST", "/p/api/partner/companies", map[string]string{"partner_id": pt.ID, "name": "Acme"}, http.StatusCreated, &company)
	for _, profile := range []string{"basic", "enterprise", "enterprise", ""} {
		kind, data, config := "WDS", map[string]string{"legal_name": "Acme S.L.", "tax_id": "B1", "contact_email": "a@acme.example", "country": "ES"}, map[string]string{"max_terminals": "2", "time_zone": "UTC"}
		if profile == "" {
			kind, config = "MCRM", map[string]string{"max_users": "3"}
		}
		var inst struct {
			ID       string
			Contract struct {
				SHA256 string `json:"sha256"`
			}
		}
		engineCall(t, mux, root.ID, "POST", "/p/api/partner/instances", map[string]any{"company_id": company.ID, "type": kind, "profile": profile,
			"company_data": data, "config": config, "expires_at": time.Now().AddDate(1, 0, 0)}, http.StatusCreated, &inst)
		engineCall(t, mux, root.ID, "POST", "/p/api/partner/instances/"+inst.ID+"/provision", nil, http.StatusOK, &inst)
		engineCall(t, mux, root.ID, "POST", "/p/api/partner/instances/"+inst.ID+"/generate", map[string]string{"contract_sha256": inst.Contract.SHA256}, http.StatusOK, nil)
	}
	var rep struct {
		ByType    []partnerhttp.BarJSON `json:"by_type"`
		ByProfile []partnerhttp.BarJSON `json:"by_profile"`
		ByState   []partnerhttp.BarJSON `json:"by_state"`
	}
	engineCall(t, mux, root.ID, "GET", "/p/api/partner/reports?subject=instances", nil, http.StatusOK, &rep)
	var series struct {
		Months []string
		Lines  []struct {
			Label  string
			Counts []int64
		}
	}
	engineCall(t, mux, root.ID, "GET", "/p/api/partner/reports/monthly?subject=instances", nil, http.StatusOK, &series)
	require.NotEmpty(t, series.Months)

	req := httptest.NewRequest("GET", "/p/partner/reports?subject=instances", nil)
	req.Header.Set("X-Engine-User", root.ID)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	page := rec.Body.String()

	for _, chart := range []struct {
		id, heading string
		bars        []partnerhttp.BarJSON
	}{{"chart-type", "Type", rep.ByType}, {"chart-profile", "Profile", rep.ByProfile}, {"chart-state", "State", rep.ByState}} {
		card := chartCard(t, page, chart.id)
		svg := svgElement.FindString(card)
		require.Contains(t, svg, `role="group" aria-labelledby="`+chart.id+`"`, chart.id)
		require.NotContains(t, svg, `role="img"`, chart.id)
		var inChart, inTable []pageFigure
		for _, m := range svgBarLink.FindAllStringSubmatch(svg, -1) {
			name := html.UnescapeString(m[2])
			inChart = append(inChart, pageFigure{Name: strings.SplitN(name, ": ", 2)[0], Count: m[3], Href: html.UnescapeString(m[1]), AccessibleName: name})
		}
		for _, m := range tableRow.FindAllStringSubmatch(card, -1) {
			inTable = append(inTable, pageFigure{Name: html.UnescapeString(m[1]), Count: m[4], Href: html.UnescapeString(m[2]), AccessibleName: html.UnescapeString(m[3])})
		}
		require.Len(t, inChart, len(chart.bars), "%s: a link per bar:\n%s", chart.id, svg)
		require.Equal(t, inChart, inTable, "%s: the table has the chart's figures and links", chart.id)
		require.Contains(t, card, `<caption>`, chart.id)
		require.Contains(t, card, `<th scope="col">`+chart.heading+`</th><th scope="col" class="num">Instances</th>`, chart.id)
		for i, b := range chart.bars {
			want := b.Label
			if chart.id == "chart-profile" {
				_, want, _ = strings.Cut(b.Label, " — ")
			}
			unit := "instances"
			if b.Count == 1 {
				unit = "instance"
			}
			require.Equal(t, fmt.Sprintf("%s: %d %s. List them", want, b.Count, unit), inChart[i].AccessibleName, chart.id)
			require.Equal(t, strconv.FormatInt(b.Count, 10), inChart[i].Count, chart.id)
			require.Contains(t, inChart[i].Href, "bucket_type="+b.Type, chart.id)
			require.Contains(t, inChart[i].Href, "#detail", chart.id)
		}
	}
	require.Contains(t, page, "Working Day Suite: 3 instances. List them")
	require.Contains(t, page, "Enterprise: 2 instances. List them")

	// No image role hides a link.
	for _, svg := range svgElement.FindAllString(page, -1) {
		if strings.Contains(svg, `role="img"`) {
			require.NotContains(t, svg, "<a ", "an image's links reach nobody who cannot see it")
		}
	}

	// The monthly chart: a table row per month with each series' count, and
	// the series after the first drawn with a pattern over their colour,
	// the same in the chart and its legend.
	start := strings.Index(page, `<h2 id="chart-monthly">`)
	require.GreaterOrEqual(t, start, 0)
	monthly := page[start:]
	monthly = monthly[:strings.Index(monthly, "</details>")]
	require.Contains(t, monthly, `role="img" aria-labelledby="chart-monthly" aria-describedby="chart-monthly-note"`)
	require.Contains(t, monthly, `<caption>Instances generated per month: Instances per month</caption>`)
	head := `<th scope="col">Month</th>`
	for _, l := range series.Lines {
		head += `<th scope="col" class="num">` + escapeText(l.Label) + `</th>`
	}
	require.Contains(t, monthly, head+`<th scope="col" class="num">Total</th>`)
	for i, m := range series.Months {
		row, total := `<tr><th scope="row">`+m+`</th>`, int64(0)
		for _, l := range series.Lines {
			row += fmt.Sprintf(`<td class="num">%d</td>`, l.Counts[i])
			total += l.Counts[i]
		}
		require.Contains(t, monthly, row+fmt.Sprintf(`<td class="num">%d</td></tr>`, total), m)
	}
	legend := regexp.MustCompile(`<span><svg[^>]*aria-hidden="true"><rect[^>]*fill="(#[0-9a-f]{6})"[^>]*/>(?:<rect[^>]*fill="url\(#(pattern-[a-z]+)\)"/>)?</svg>`).FindAllStringSubmatch(monthly, -1)
	require.Len(t, legend, len(series.Lines))
	require.Empty(t, legend[0][2], "the first series is plain")
	for i := 1; i < len(legend); i++ {
		require.NotEmpty(t, legend[i][2], "series %d has a pattern", i)
		require.NotEqual(t, legend[i-1][2], legend[i][2], "neighbouring series differ by pattern")
		require.Contains(t, monthly, `<pattern id="`+legend[i][2]+`"`)
	}
	require.Contains(t, monthly, `fill="url(#pattern-`, "the chart's segments carry the patterns")

	// Nothing from elsewhere; style and script only with this response's nonce.
	csp := rec.Header().Get("Content-Security-Policy")
	nonce := regexp.MustCompile(`'nonce-([^']+)'`).FindStringSubmatch(csp)
	require.NotNil(t, nonce, csp)
	for _, m := range regexp.MustCompile(`<(style|script)\b[^>]*>`).FindAllString(page, -1) {
		require.Equal(t, nonce[1], html.UnescapeString(regexp.MustCompile(`nonce="([^"]*)"`).FindStringSubmatch(m + `nonce=""`)[1]), m)
	}
	require.NotContains(t, page, ` style="`, "a style attribute would be refused by the policy")
	require.NotRegexp(t, `(?:src|href)="(?:https?:)?//`, page)
}

// escapeText escapes s as html/template writes text.
func escapeText(s string) string { return html.EscapeString(s) }
