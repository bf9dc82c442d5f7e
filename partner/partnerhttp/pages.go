package partnerhttp

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/language"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/account"
	"github.com/bookingkit/bookingkit/httpapi"
	"github.com/bookingkit/bookingkit/locale"
	"github.com/bookingkit/bookingkit/partner"
)

// The pages a partner user works with in a browser: sign-in, choosing a
// password from a mailed link, and the reports with their charts drawn as
// inline SVG. The session is the same as the JSON API's, carried in an
// HttpOnly, SameSite=Strict cookie; forms post only to this server, and
// the server refuses those another site's page posts (httpapi.ProtectCrossOrigin).

//go:embed partner_pages.html
var partnerPagesHTML string

// partnerPages are the pages' templates, one per language.
type partnerPages struct {
	tmpl locale.PerLanguage[*template.Template]
}

func newPartnerPages() (*partnerPages, error) {
	t, err := httpapi.ParsePage("partner", partnerPagesHTML, nil)
	if err != nil {
		return nil, fmt.Errorf("partner pages: %w", err)
	}
	return &partnerPages{tmpl: t}, nil
}

// render writes page name with data in the request's language, under a
// content security policy that lets only this response's own style and
// script run; the set-password page carries its token in the URL, which
// no Referer may take along.
func (p *base) render(w http.ResponseWriter, r *http.Request, status int, name string, data map[string]any) {
	page := httpapi.Page{Languages: p.pages.tmpl, Scripts: true, NoReferrer: true, Logger: p.logger}
	page.Render(w, r, status, name, func(nonce string) any { data["Nonce"] = nonce; return data })
}

// partnerPageForm parses a posted form. A form posted from another site
// does not get here: the server's cross-origin protection (httpapi.ProtectCrossOrigin)
// refuses it.
func partnerPageForm(r *http.Request) error {
	return httpapi.ParseForm(r)
}

// pageSession returns the session token of a page request: the cookie,
// or a bearer token for scripts.
func (p *Sessions) pageSession(r *http.Request) string {
	if t := httpapi.Bearer(r); t != "" {
		return t
	}
	return p.cookie.Value(r)
}

// partnerNext keeps a redirect target on this server's partner pages.
func partnerSafeNext(next string) string {
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(u.Path, "/partner/") || strings.HasPrefix(next, "//") {
		return "/partner/reports"
	}
	return u.RequestURI()
}

func (p *Sessions) signInPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.render(w, r, http.StatusOK, "signin", map[string]any{"Title": httpapi.Text(r, "Sign in"), "Next": partnerSafeNext(r.URL.Query().Get("next"))})
	})
}

func (p *Sessions) signInPost() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := partnerPageForm(r); err != nil {
			httpapi.WriteError(w, r, p.logger, err)
			return
		}
		email, next := r.PostForm.Get("email"), partnerSafeNext(r.PostForm.Get("next"))
		_, token, err := p.accounts.Service().Login(r.Context(), email, r.PostForm.Get("password"), httpapi.ClientAddress(r))
		if err != nil {
			status := httpapi.StatusOf(err)
			if status == http.StatusInternalServerError {
				p.logger.ErrorContext(r.Context(), "partner: sign-in failed", "error", err)
			}
			msg := httpapi.Text(r, "E-mail or password is wrong.")
			if errors.Is(err, bookingkit.ErrRateLimited) {
				msg = httpapi.Text(r, "Too many attempts; wait a minute and try again.")
			}
			p.render(w, r, status, "signin", map[string]any{"Title": httpapi.Text(r, "Sign in"), "Next": next, "Email": email, "Error": msg})
			return
		}
		p.cookie.Set(w, r, token)
		http.Redirect(w, r, next, http.StatusSeeOther)
	})
}

func (p *Sessions) signOutPost() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := partnerPageForm(r); err != nil {
			httpapi.WriteError(w, r, p.logger, err)
			return
		}
		if token := p.pageSession(r); token != "" {
			if err := p.accounts.Logout(r.Context(), token); err != nil {
				httpapi.WriteError(w, r, p.logger, err)
				return
			}
		}
		p.cookie.Clear(w, r)
		http.Redirect(w, r, "/partner/sign-in", http.StatusSeeOther)
	})
}

// setPasswordPage opens a mailed link: it shows the form without using
// the link up (mail scanners open links by themselves).
func (p *Sessions) setPasswordPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token := r.URL.Query().Get("token")
		_, a, err := p.accounts.Service().CheckLink(r.Context(), token)
		if err != nil {
			p.render(w, r, httpapi.StatusOf(err), "setpassword", map[string]any{"Title": httpapi.Text(r, "Choose your password"), "Error": httpapi.Text(r, "This link is invalid, already used or expired; ask for a new one.")})
			return
		}
		p.render(w, r, http.StatusOK, "setpassword", map[string]any{"Title": httpapi.Text(r, "Choose your password"), "Token": token, "Email": a.Email})
	})
}

func (p *Sessions) setPasswordPost() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := partnerPageForm(r); err != nil {
			httpapi.WriteError(w, r, p.logger, err)
			return
		}
		token, pw := r.PostForm.Get("token"), r.PostForm.Get("password")
		data := map[string]any{"Title": httpapi.Text(r, "Choose your password"), "Token": token}
		if _, a, err := p.accounts.Service().CheckLink(r.Context(), token); err == nil {
			data["Email"] = a.Email
		}
		if pw != r.PostForm.Get("confirm") {
			data["Error"] = httpapi.Text(r, "The two passwords differ.")
			p.render(w, r, http.StatusBadRequest, "setpassword", data)
			return
		}
		_, session, err := p.accounts.Service().SetPassword(r.Context(), token, pw)
		if err != nil {
			if errors.Is(err, account.ErrBadLink) {
				data["Token"] = ""
			}
			var ve *bookingkit.ValidationError
			if errors.As(err, &ve) {
				data["Error"] = httpapi.Text(r, "Password: %s.", httpapi.Reason(r, ve))
			} else {
				msg, _ := httpapi.RequestMessage(r, err)
				data["Error"] = strings.TrimSuffix(msg, ": "+bookingkit.ErrUnauthorized.Error())
			}
			p.render(w, r, httpapi.StatusOf(err), "setpassword", data)
			return
		}
		p.cookie.Set(w, r, session)
		http.Redirect(w, r, "/partner/reports", http.StatusSeeOther)
	})
}

// Reports page.

type partnerOption struct {
	Value, Label string
	Selected     bool
}

// partnerBarView is one bar of a bar chart. Name is the full label, which
// the chart may shorten (Label); Figure says the count in words ("3
// instances"), for the bar's link and the data table.
type partnerBarView struct {
	Label, Name, Figure, Colour, Href                string
	Count                                            int64
	X, Y, BarWidth, BarHeight, LabelX, CountX, TextY int
}

// partnerChartView is a bar chart and the data table beside it: ID names
// the chart's heading, which labels the chart and captions the table;
// Heading heads the table's first column and Unit its figures.
type partnerChartView struct {
	ID, Title, Heading, Unit  string
	Width, Height, LabelWidth int
	Bars                      []partnerBarView
}

type partnerSegmentView struct {
	X, Y, W, H   int
	Colour, Fill string // Fill is the series' pattern drawn over its colour, "" for none
	Label, Month string
	Count        int64
}

type partnerColumnView struct {
	Month        string
	Total        int64
	Counts       []int64 // one per series, as in the legend: the table's row
	Segments     []partnerSegmentView
	Tick         bool
	TickX, TickY int
}

type partnerMonthlyView struct {
	ID, Title, Unit                       string
	Width, Height, Left, Base, AxisLabelX int
	Max                                   int64
	Columns                               []partnerColumnView
	Legend                                []partnerLegendView
}

// partnerLegendView is a series of the monthly chart: its colour and, so
// that colour is not all that tells the series apart, its pattern.
type partnerLegendView struct{ Label, Colour, Fill string }

// partnerPatterns are the patterns (defined in the "patterns" template)
// laid over the monthly chart's series after the first, in turn, so that
// neighbouring series differ by more than colour.
var partnerPatterns = []string{"", "url(#pattern-diagonal)", "url(#pattern-dots)", "url(#pattern-horizontal)", "url(#pattern-crosshatch)", "url(#pattern-vertical)", "url(#pattern-backslash)"}

type partnerInstanceRow struct {
	ID, PartnerID, Company, Type, Profile, Status, Activated, Expires, Contract, Deactivation string
	CompanyData, Config                                                                       []string
	ConfigVersion, Version                                                                    int64
}

type partnerLicenceRow struct {
	ID, InstanceID, Company, Login, Name, Email, Type, Profile, State, Terminal, Bound, Created, Deactivation string
}

type partnerDetailView struct {
	Title     string
	Instances []partnerInstanceRow
	Licences  []partnerLicenceRow
	Empty     bool
	Next      string
}

// The chart geometry, in SVG pixels.
const (
	partnerChartWidth  = 520
	partnerLabelWidth  = 190
	partnerBarArea     = 270
	partnerRowHeight   = 26
	partnerBarHeight   = 18
	partnerMonthHeight = 200
)

func partnerStamp(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// reportsPage draws the counts of instances or licences as bar charts, one
// colour per type (WDS split by profile) and per state, with the list
// behind a clicked bar below.
func (p *Handler) reportsPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		a, err := p.pageUsers.Actor(r)
		if errors.Is(err, bookingkit.ErrUnauthorized) {
			p.pageUsers.SignIn(w, r)
			return
		}
		var u partner.User
		if err == nil {
			u, err = p.svc.Profile(ctx, a)
		}
		if err != nil {
			httpapi.WriteError(w, r, p.logger, err)
			return
		}
		data, status := p.reportsData(ctx, r, u, a)
		if rep, ok := data["report"].(partner.Report); ok && r.URL.Query().Get("format") == "csv" {
			if err := writeReportCSV(w, rep); err != nil {
				p.logger.WarnContext(ctx, "partner: reports page CSV", "error", err)
			}
			return
		}
		p.render(w, r, status, "reports", data)
	})
}

func (p *Handler) reportsData(ctx context.Context, r *http.Request, u partner.User, a partner.Actor) (map[string]any, int) {
	q := r.URL.Query()
	f := partner.ReportFilter{Subject: partner.Subject(q.Get("subject")), PartnerID: q.Get("partner_id"), Type: q.Get("type")}
	if f.Subject != partner.SubjectLicences {
		f.Subject = partner.SubjectInstances
	}
	from, to := q.Get("from"), q.Get("to")
	var errs []error
	var e error
	f.ActivatedFrom, e = partnerParseTime("from", from)
	errs = append(errs, e)
	if f.ActivatedTo, e = partnerParseTime("to", to); e == nil && !f.ActivatedTo.IsZero() && len(to) == len(time.DateOnly) {
		f.ActivatedTo = f.ActivatedTo.AddDate(0, 0, 1) // the "to" day is included
	}
	errs = append(errs, e)
	for _, s := range q["state"] {
		f.States = append(f.States, partner.State(s))
	}

	tag := locale.Request(r)
	roleLabel := locale.Sprintf(tag, "partner user")
	if a.IsAdministrator() {
		roleLabel = locale.Sprintf(tag, "administrator")
	}
	subjectLabel := map[partner.Subject]string{partner.SubjectInstances: locale.Sprintf(tag, "instances"), partner.SubjectLicences: locale.Sprintf(tag, "licences")}
	data := map[string]any{
		"Title": locale.Sprintf(tag, "Reports"), "User": u, "RoleLabel": roleLabel, "From": from, "To": to, "SubjectLabel": subjectLabel[f.Subject],
		"Subjects": []partnerOption{
			{Value: string(partner.SubjectInstances), Label: locale.Sprintf(tag, "Instances"), Selected: f.Subject == partner.SubjectInstances},
			{Value: string(partner.SubjectLicences), Label: locale.Sprintf(tag, "Licences"), Selected: f.Subject == partner.SubjectLicences},
		},
	}
	var types []partnerOption
	for _, t := range partner.DefaultRegistry().Types() {
		types = append(types, partnerOption{Value: t.Name, Label: t.Title + " (" + t.Name + ")", Selected: f.Type == t.Name})
	}
	data["Types"] = types
	allStates := partner.InstanceStates
	if f.Subject == partner.SubjectLicences {
		allStates = partner.LicenceStates
	}
	var states []partnerOption
	for _, st := range allStates {
		states = append(states, partnerOption{Value: string(st), Label: partnerState(tag, st), Selected: slices.Contains(f.States, st)})
	}
	data["States"] = states
	if a.IsAdministrator() {
		list, err := p.svc.Partners(ctx, a, partner.PartnerQuery{Limit: partner.MaxPageSize})
		errs = append(errs, err)
		var opts []partnerOption
		for _, pt := range list {
			opts = append(opts, partnerOption{Value: pt.ID, Label: pt.Name, Selected: pt.ID == f.PartnerID})
		}
		data["Partners"] = opts
	}
	fail := func(err error) (map[string]any, int) {
		data["Error"], _ = httpapi.RequestMessage(r, err)
		status := httpapi.StatusOf(err)
		if status == http.StatusInternalServerError {
			p.logger.ErrorContext(ctx, "partner: reports page failed", "error", err)
			data["Error"] = locale.Sprintf(tag, "internal error")
		}
		return data, status
	}
	if err := errors.Join(errs...); err != nil {
		return fail(err)
	}
	rep, err := p.svc.Report(ctx, a, f)
	if err != nil {
		return fail(err)
	}
	data["Total"] = rep.Total
	data["report"], data["CSVHref"] = rep, reportCSVHref(q)

	// Each bar links to the list behind it, keeping the filter.
	base := url.Values{}
	for k, vs := range q {
		if !strings.HasPrefix(k, "bucket_") && k != "after" {
			base[k] = vs
		}
	}
	href := func(b partner.Bucket) string {
		v := url.Values{}
		for k, vs := range base {
			v[k] = vs
		}
		v.Set("bucket_type", b.Type)
		v.Set("bucket_profile", b.Profile)
		v.Set("bucket_state", string(b.State))
		return "/partner/reports?" + v.Encode() + "#detail"
	}
	charts := []partnerChartView{partnerBars(tag, "chart-type", locale.Sprintf(tag, "By type"), locale.Sprintf(tag, "Type"), f.Subject, rep.ByType, href)}
	if len(rep.ByProfile) > 0 {
		// The chart's title names the type; the bars need only the profile.
		profiles := slices.Clone(rep.ByProfile)
		for i, b := range profiles {
			if _, title, ok := strings.Cut(b.Label, " — "); ok {
				profiles[i].Label = title
			}
		}
		charts = append(charts, partnerBars(tag, "chart-profile", locale.Sprintf(tag, "By contracted profile (%s)", partnerProfileTypes(rep.ByProfile)), locale.Sprintf(tag, "Profile"), f.Subject, profiles, href))
	}
	byState := slices.Clone(rep.ByState)
	for i, b := range byState {
		byState[i].Label = partnerCapital(partnerState(tag, b.Bucket.State))
	}
	charts = append(charts, partnerBars(tag, "chart-state", locale.Sprintf(tag, "By state"), locale.Sprintf(tag, "State"), f.Subject, byState, href))
	data["Charts"] = charts

	if series, err := p.svc.MonthlySeries(ctx, a, f); err == nil {
		data["Monthly"] = partnerMonthly(tag, series, f.Subject)
	} else if !errors.Is(err, bookingkit.ErrInvalid) { // a period too long for a series still has its bars
		return fail(err)
	}

	if q.Has("bucket_type") || q.Has("bucket_state") {
		b := partner.Bucket{Type: q.Get("bucket_type"), Profile: q.Get("bucket_profile"), State: partner.State(q.Get("bucket_state"))}
		detail, err := p.detail(ctx, tag, a, f, b, q.Get("after"), func(after string) string {
			v := url.Values{}
			for k, vs := range q {
				v[k] = vs
			}
			v.Set("after", after)
			return "/partner/reports?" + v.Encode() + "#detail"
		})
		if err != nil {
			return fail(err)
		}
		data["Detail"] = detail
	}
	return data, http.StatusOK
}

// partnerProfileTypes names the types whose profiles bars show: "WDS".
func partnerProfileTypes(bars []partner.Bar) string {
	var types []string
	for _, b := range bars {
		if !slices.Contains(types, b.Bucket.Type) {
			types = append(types, b.Bucket.Type)
		}
	}
	return strings.Join(types, ", ")
}

// partnerLabel fits a bar's label in the label column.
func partnerLabel(s string) string {
	const most = 28
	if r := []rune(s); len(r) > most {
		return string(r[:most-1]) + "…"
	}
	return s
}

// partnerUnit is what a report counts, for a table's column: "Instances".
func partnerUnit(tag language.Tag, s partner.Subject) string {
	if s == partner.SubjectLicences {
		return locale.Sprintf(tag, "Licences")
	}
	return locale.Sprintf(tag, "Instances")
}

// partnerFigure says a count in words: "1 instance", "3 instances", "3
// экземпляра".
func partnerFigure(tag language.Tag, n int64, s partner.Subject) string {
	if s == partner.SubjectLicences {
		return locale.Sprintf(tag, "%d licences", n)
	}
	return locale.Sprintf(tag, "%d instances", n)
}

// partnerState names a state of an instance or licence for people:
// "deactivation requested".
func partnerState(tag language.Tag, st partner.State) string {
	if m, ok := partnerStateNames[st]; ok {
		return locale.Sprintf(tag, m.Key, m.Args...)
	}
	return strings.ReplaceAll(string(st), "_", " ")
}

// partnerStateNames are the states' names, keys of the message catalogue.
var partnerStateNames = map[partner.State]bookingkit.Message{
	partner.StateDraft:                 bookingkit.Msg("draft"),
	partner.StateProvisioned:           bookingkit.Msg("provisioned"),
	partner.StateCancelled:             bookingkit.Msg("cancelled"),
	partner.StateActive:                bookingkit.Msg("active"),
	partner.StateExpired:               bookingkit.Msg("expired"),
	partner.StateDeactivationRequested: bookingkit.Msg("deactivation requested"),
	partner.StateDeactivated:           bookingkit.Msg("deactivated"),
}

// partnerCapital writes s with a capital first letter, as a chart's
// label.
func partnerCapital(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// partnerBars lays out a horizontal bar chart: id names its heading, head
// heads the first column of its data table.
func partnerBars(tag language.Tag, id, title, head string, subject partner.Subject, bars []partner.Bar, href func(partner.Bucket) string) partnerChartView {
	var most int64
	for _, b := range bars {
		most = max(most, b.Count)
	}
	c := partnerChartView{ID: id, Title: title, Heading: head, Unit: partnerUnit(tag, subject), Width: partnerChartWidth, LabelWidth: partnerLabelWidth, Height: len(bars)*partnerRowHeight + 6}
	for i, b := range bars {
		width := 0
		if most > 0 {
			width = int(b.Count * partnerBarArea / most)
		}
		if b.Count > 0 {
			width = max(width, 2) // a small count stays visible
		}
		y := 4 + i*partnerRowHeight
		c.Bars = append(c.Bars, partnerBarView{
			Label: partnerLabel(b.Label), Name: b.Label, Figure: partnerFigure(tag, b.Count, subject), Colour: b.Colour, Href: href(b.Bucket), Count: b.Count,
			X: partnerLabelWidth + 1, Y: y, BarWidth: width, BarHeight: partnerBarHeight,
			LabelX: partnerLabelWidth - 6, CountX: partnerLabelWidth + width + 6, TextY: y + 13,
		})
	}
	return c
}

// partnerMonthly lays out the monthly series as stacked columns.
func partnerMonthly(tag language.Tag, s partner.Series, subject partner.Subject) *partnerMonthlyView {
	if len(s.Months) == 0 {
		return nil
	}
	title := locale.Sprintf(tag, "Instances generated per month")
	if subject == partner.SubjectLicences {
		title = locale.Sprintf(tag, "Licences added per month")
	}
	const left, top, bottom = 40, 8, 22
	v := &partnerMonthlyView{ID: "chart-monthly", Title: title, Unit: partnerUnit(tag, subject), Width: partnerChartWidth, Height: partnerMonthHeight, Left: left, Base: partnerMonthHeight - bottom, AxisLabelX: left - 6}
	totals := make([]int64, len(s.Months))
	for _, l := range s.Lines {
		for i, n := range l.Counts {
			totals[i] += n
		}
	}
	for _, t := range totals {
		v.Max = max(v.Max, t)
	}
	step := (partnerChartWidth - left) / len(s.Months)
	colW := max(step*3/4, 1)
	every := max(1, (len(s.Months)+5)/6) // about six month labels
	plot := v.Base - top
	for i, m := range s.Months {
		col := partnerColumnView{Month: m, Total: totals[i], Tick: i%every == 0, TickX: left + i*step + colW/2, TickY: partnerMonthHeight - 6}
		y := v.Base
		for j, l := range s.Lines {
			n := l.Counts[i]
			col.Counts = append(col.Counts, n)
			if n == 0 || v.Max == 0 {
				continue
			}
			h := max(int(n*int64(plot)/v.Max), 1)
			y -= h
			col.Segments = append(col.Segments, partnerSegmentView{X: left + i*step, Y: y, W: colW, H: h, Colour: l.Colour, Fill: partnerPatterns[j%len(partnerPatterns)], Label: l.Label, Month: m, Count: n})
		}
		v.Columns = append(v.Columns, col)
	}
	for j, l := range s.Lines {
		v.Legend = append(v.Legend, partnerLegendView{Label: l.Label, Colour: l.Colour, Fill: partnerPatterns[j%len(partnerPatterns)]})
	}
	return v
}

// detail lists, a page at a time, the objects behind one bar.
func (p *Handler) detail(ctx context.Context, tag language.Tag, a partner.Actor, f partner.ReportFilter, b partner.Bucket, after string, next func(string) string) (*partnerDetailView, error) {
	state := ""
	if b.State != "" {
		state = partnerState(tag, b.State)
	}
	label := strings.TrimSpace(strings.Join([]string{b.Type, b.Profile, state}, " "))
	d := &partnerDetailView{Title: fmt.Sprintf("%s: %s", partnerUnit(tag, f.Subject), label)}
	companies := map[string]string{}
	companyName := func(id string) string {
		if name, ok := companies[id]; ok {
			return name
		}
		name := id
		if c, err := p.svc.Company(ctx, a, id); err == nil {
			name = c.Name
		}
		companies[id] = name
		return name
	}
	now := p.now()
	switch f.Subject {
	case partner.SubjectInstances:
		iq := f.InstanceQuery(b)
		iq.After = after
		page, err := p.svc.Instances(ctx, a, iq)
		if err != nil {
			return nil, err
		}
		for _, inst := range page.Instances {
			row := partnerInstanceRow{ID: inst.ID, PartnerID: inst.PartnerID, Company: companyName(inst.CompanyID), Type: inst.Type, Profile: inst.Profile,
				Status: partnerState(tag, inst.Status(now)), Activated: partnerStamp(inst.ActivatedAt), Expires: partnerStamp(inst.ExpiresAt),
				Contract: inst.Contract.SHA256, ConfigVersion: inst.ConfigVersion, Version: inst.Version,
				CompanyData: partnerPairs(inst.CompanyData), Config: partnerPairs(inst.Config), Deactivation: partnerDeactivationText(tag, inst.Deactivation)}
			if row.Contract == "" {
				row.Contract = "—"
			}
			d.Instances = append(d.Instances, row)
		}
		d.Empty = len(page.Instances) == 0
		if page.Next != "" {
			d.Next = next(page.Next)
		}
	case partner.SubjectLicences:
		lq := f.LicenceQuery(b)
		lq.After = after
		page, err := p.svc.Licences(ctx, a, lq)
		if err != nil {
			return nil, err
		}
		for _, l := range page.Licences {
			term := locale.Sprintf(tag, "free")
			if !l.Terminal.IsZero() {
				term = strings.TrimSpace(locale.Sprintf(tag, "terminal %s %s", l.Terminal.Serial, l.Terminal.PIN))
			}
			d.Licences = append(d.Licences, partnerLicenceRow{ID: l.ID, InstanceID: l.InstanceID, Company: companyName(l.CompanyID),
				Login: l.User.Login, Name: l.User.Name, Email: l.User.Email, Type: l.InstanceType, Profile: l.Profile,
				State: partnerState(tag, l.State), Terminal: term, Bound: partnerStamp(l.BoundAt), Created: partnerStamp(l.CreatedAt),
				Deactivation: partnerDeactivationText(tag, l.Deactivation)})
		}
		d.Empty = len(page.Licences) == 0
		if page.Next != "" {
			d.Next = next(page.Next)
		}
	}
	return d, nil
}

func partnerPairs(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k, v := range m {
		out = append(out, k+": "+v)
	}
	slices.Sort(out)
	return out
}

func partnerDeactivationText(tag language.Tag, d partner.Deactivation) string {
	if d.RequestedBy == "" {
		return ""
	}
	s := locale.Sprintf(tag, "requested by %s on %s: %q", d.RequestedBy, partnerStamp(d.RequestedAt), d.Reason)
	if d.Decision != "" {
		decision := d.Decision
		switch d.Decision {
		case partner.DecisionApproved:
			decision = locale.Sprintf(tag, "approved")
		case partner.DecisionRejected:
			decision = locale.Sprintf(tag, "rejected")
		case partner.DecisionWithdrawn:
			decision = locale.Sprintf(tag, "withdrawn")
		}
		s += locale.Sprintf(tag, "; %s by %s on %s", decision, d.DecidedBy, partnerStamp(d.DecidedAt))
		if d.DecisionReason != "" {
			s += fmt.Sprintf(" (%q)", d.DecisionReason)
		}
	}
	return s
}
