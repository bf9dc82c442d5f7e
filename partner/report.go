package partner

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bookingkit/bookingkit"
)

// Subject is what a report counts.
type Subject string

const (
	SubjectInstances Subject = "instances"
	SubjectLicences  Subject = "licences"
)

// ReportFilter chooses what a report counts. The same filter, narrowed to
// one [Bucket], gives the detail list behind a count (see
// [ReportFilter.InstanceQuery] and [ReportFilter.LicenceQuery]).
type ReportFilter struct {
	Subject   Subject
	PartnerID string // administrators: "" for every partner
	Type      string // "" for every type
	// ActivatedFrom and ActivatedTo keep objects activated in [From, To):
	// instances by the time they were generated, licences by the time
	// they were added. A zero bound is open; with either set, instances
	// never generated are left out.
	ActivatedFrom, ActivatedTo time.Time
	// States keeps objects in one of these states (instances: by status,
	// expired derived at Now); empty keeps all.
	States []State
	// Now is when expiry is judged. The service sets it.
	Now time.Time
}

// CountRow is one group of a report as the store counts it (GROUP BY
// type, profile, state).
type CountRow struct {
	Type    string
	Profile string // "" for a type without profiles
	State   State  // for instances the status, expired derived at Now
	Count   int64
}

// MonthRow is one group of a monthly series as the store counts it (GROUP
// BY the UTC month of activation, type, profile).
type MonthRow struct {
	Month   string // "2006-01", UTC
	Type    string
	Profile string
	Count   int64
}

// Bucket names the objects behind one count: the detail list's filter on
// top of the report's. Empty fields do not narrow.
type Bucket struct {
	Type    string
	Profile string
	State   State
}

// Bar is one count of a chart.
type Bar struct {
	Key    string // stable identifier, e.g. "WDS" or "WDS/basic" or "active"
	Label  string // for people, e.g. "Working Day Suite — Basic"
	Colour string // "#rrggbb"; from the registry for types and profiles
	Count  int64
	Bucket Bucket // what to list behind this bar
}

// Report is a report's counts, in the shapes the charts and the table need.
type Report struct {
	Filter ReportFilter
	// Rows are the store's groups, in registry order of type and profile,
	// then life cycle order of state.
	Rows  []CountRow
	Total int64
	// ByType has one bar per registered type, zeros included, so each
	// type keeps its colour from chart to chart.
	ByType []Bar
	// ByProfile has one bar per profile of each type that has profiles
	// (WDS), zeros included.
	ByProfile []Bar
	// ByState has one bar per state of the subject, zeros included.
	ByState []Bar
}

// Table returns the report as text rows for a terminal or a CSV file: a
// header, one row per group, and a total.
func (r Report) Table() [][]string {
	out := [][]string{{"type", "profile", "state", "count"}}
	for _, row := range r.Rows {
		out = append(out, []string{row.Type, row.Profile, string(row.State), strconv.FormatInt(row.Count, 10)})
	}
	return append(out, []string{"total", "", "", strconv.FormatInt(r.Total, 10)})
}

// Series is a monthly series: how many objects were activated each month,
// one line per type (and per profile of a type that has profiles).
type Series struct {
	Filter ReportFilter
	Months []string // "2006-01", every month of the period in order
	Lines  []SeriesLine
}

// SeriesLine is one line of a [Series]: a count per month.
type SeriesLine struct {
	Key    string // "WDS/basic", "MCRM"
	Label  string
	Colour string
	Bucket Bucket
	Counts []int64 // aligned with Series.Months
}

// MaxSeriesMonths is the longest monthly series.
const MaxSeriesMonths = 240

// InstanceQuery returns the detail list behind bucket b of an instances
// report.
func (f ReportFilter) InstanceQuery(b Bucket) InstanceQuery {
	q := InstanceQuery{
		PartnerID: f.PartnerID, Type: cmp.Or(b.Type, f.Type), Profile: b.Profile,
		Statuses: f.States, ActivatedFrom: f.ActivatedFrom, ActivatedTo: f.ActivatedTo,
	}
	if b.State != "" {
		q.Statuses = []State{b.State}
	}
	return q
}

// LicenceQuery returns the detail list behind bucket b of a licences
// report.
func (f ReportFilter) LicenceQuery(b Bucket) LicenceQuery {
	q := LicenceQuery{
		PartnerID: f.PartnerID, Type: cmp.Or(b.Type, f.Type), Profile: b.Profile,
		States: f.States, CreatedFrom: f.ActivatedFrom, CreatedTo: f.ActivatedTo,
	}
	if b.State != "" {
		q.States = []State{b.State}
	}
	return q
}

// checkReportFilter scopes and checks f for a, and sets its clock.
func (s *Service) checkReportFilter(a Actor, f ReportFilter) (ReportFilter, []State, error) {
	var err error
	if f.PartnerID, err = a.scope(f.PartnerID); err != nil {
		return ReportFilter{}, nil, err
	}
	var states []State
	switch f.Subject {
	case SubjectInstances:
		states = InstanceStates
	case SubjectLicences:
		states = LicenceStates
	default:
		return ReportFilter{}, nil, bookingkit.Invalidf("subject", string(f.Subject), "instances or licences")
	}
	if f.Type, _, err = s.checkTypeFilter(f.Type, ""); err != nil {
		return ReportFilter{}, nil, err
	}
	if err := checkStates(f.States, states); err != nil {
		return ReportFilter{}, nil, err
	}
	if err := checkPeriod(f.ActivatedFrom, f.ActivatedTo); err != nil {
		return ReportFilter{}, nil, err
	}
	f.ActivatedFrom, f.ActivatedTo = canonicalTime(f.ActivatedFrom), canonicalTime(f.ActivatedTo)
	f.Now = s.now()
	return f, states, nil
}

// Report counts instances or licences by type, profile and state. The
// store does the counting; this arranges the counts for charts.
func (s *Service) Report(ctx context.Context, a Actor, f ReportFilter) (Report, error) {
	f, states, err := s.checkReportFilter(a, f)
	if err != nil {
		return Report{}, err
	}
	rows, err := s.Store.CountReport(ctx, f)
	if err != nil {
		return Report{}, err
	}
	return buildReport(s.types(), f, states, rows), nil
}

func buildReport(reg *Registry, f ReportFilter, states []State, rows []CountRow) Report {
	r := Report{Filter: f}
	typeRank, profileRank := ranks(reg)
	stateRank := map[State]int{}
	for i, st := range states {
		stateRank[st] = i
	}
	// Sort by registry and life cycle order, ranks computed once per row;
	// names break ties between unknown types, profiles or states.
	type keyed struct {
		row                 CountRow
		typ, profile, state int
	}
	sorted := make([]keyed, len(rows))
	for i, row := range rows {
		sorted[i] = keyed{row, rankOf(typeRank, row.Type), rankOf(profileRank, typeProfile{row.Type, row.Profile}), rankOf(stateRank, row.State)}
	}
	slices.SortFunc(sorted, func(x, y keyed) int {
		if c := cmp.Compare(x.typ, y.typ); c != 0 {
			return c
		}
		if c := strings.Compare(x.row.Type, y.row.Type); c != 0 {
			return c
		}
		if c := cmp.Compare(x.profile, y.profile); c != 0 {
			return c
		}
		if c := strings.Compare(x.row.Profile, y.row.Profile); c != 0 {
			return c
		}
		if c := cmp.Compare(x.state, y.state); c != 0 {
			return c
		}
		return strings.Compare(string(x.row.State), string(y.row.State))
	})
	r.Rows = make([]CountRow, len(sorted))
	for i, k := range sorted {
		r.Rows[i] = k.row
	}
	byType := map[string]int64{}
	byProfile := map[typeProfile]int64{}
	byState := map[State]int64{}
	for _, row := range r.Rows {
		r.Total += row.Count
		byType[row.Type] += row.Count
		byProfile[typeProfile{row.Type, row.Profile}] += row.Count
		byState[row.State] += row.Count
	}
	for _, t := range reg.specs {
		if f.Type != "" && t.Name != f.Type {
			continue
		}
		r.ByType = append(r.ByType, Bar{Key: t.Name, Label: t.Title, Colour: t.Colour, Count: byType[t.Name], Bucket: Bucket{Type: t.Name}})
		delete(byType, t.Name)
		for _, p := range t.Profiles {
			r.ByProfile = append(r.ByProfile, Bar{Key: t.Name + "/" + p.Name, Label: t.Title + " — " + p.Title, Colour: p.Colour,
				Count: byProfile[typeProfile{t.Name, p.Name}], Bucket: Bucket{Type: t.Name, Profile: p.Name}})
		}
	}
	// Types no longer registered still hold objects: show them, in grey.
	for _, name := range sortedKeys(byType) {
		r.ByType = append(r.ByType, Bar{Key: name, Label: name, Colour: unknownColour, Count: byType[name], Bucket: Bucket{Type: name}})
	}
	for _, st := range states {
		r.ByState = append(r.ByState, Bar{Key: string(st), Label: stateLabel(st), Colour: stateColours[st], Count: byState[st], Bucket: Bucket{State: st}})
	}
	return r
}

// MonthlySeries counts activations per month and type (and WDS profile)
// over the filter's period. A zero ActivatedFrom starts at the first
// month with data; a zero ActivatedTo ends with the current month.
func (s *Service) MonthlySeries(ctx context.Context, a Actor, f ReportFilter) (Series, error) {
	f, _, err := s.checkReportFilter(a, f)
	if err != nil {
		return Series{}, err
	}
	rows, err := s.Store.CountByMonth(ctx, f)
	if err != nil {
		return Series{}, err
	}
	return buildSeries(s.types(), f, rows)
}

func buildSeries(reg *Registry, f ReportFilter, rows []MonthRow) (Series, error) {
	first := monthOf(f.ActivatedFrom)
	last := monthOf(f.Now)
	if !f.ActivatedTo.IsZero() {
		last = monthOf(f.ActivatedTo.Add(-time.Microsecond))
	}
	if f.ActivatedFrom.IsZero() {
		first = last
		for _, row := range rows {
			m, err := time.Parse("2006-01", row.Month)
			if err != nil {
				return Series{}, fmt.Errorf("partner: store returned month %q: %w", row.Month, err)
			}
			if m.Before(first) {
				first = m
			}
		}
	}
	n := (last.Year()-first.Year())*12 + int(last.Month()-first.Month()) + 1
	if n > MaxSeriesMonths {
		return Series{}, bookingkit.Invalidf("activated_from", first.Format("2006-01"), "a period of at most %d months", MaxSeriesMonths)
	}
	sr := Series{Filter: f}
	index := map[string]int{}
	for m := first; !m.After(last); m = m.AddDate(0, 1, 0) {
		index[m.Format("2006-01")] = len(sr.Months)
		sr.Months = append(sr.Months, m.Format("2006-01"))
	}
	lineIndex := map[string]int{}
	addLine := func(key, label, colour string, b Bucket) {
		lineIndex[key] = len(sr.Lines)
		sr.Lines = append(sr.Lines, SeriesLine{Key: key, Label: label, Colour: colour, Bucket: b, Counts: make([]int64, len(sr.Months))})
	}
	for _, t := range reg.Types() {
		if f.Type != "" && t.Name != f.Type {
			continue
		}
		if len(t.Profiles) == 0 {
			addLine(t.Name, t.Title, t.Colour, Bucket{Type: t.Name})
		}
		for _, p := range t.Profiles {
			addLine(t.Name+"/"+p.Name, t.Title+" — "+p.Title, p.Colour, Bucket{Type: t.Name, Profile: p.Name})
		}
	}
	for _, row := range rows {
		i, ok := index[row.Month]
		if !ok {
			continue
		}
		key := row.Type
		if row.Profile != "" {
			key += "/" + row.Profile
		}
		if _, ok := lineIndex[key]; !ok {
			addLine(key, key, unknownColour, Bucket{Type: row.Type, Profile: row.Profile})
		}
		sr.Lines[lineIndex[key]].Counts[i] += row.Count
	}
	return sr, nil
}

func monthOf(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

const unknownColour = "#7f7f7f"

var stateColours = map[State]string{
	StateDraft:                 "#c7c7c7",
	StateProvisioned:           "#9edae5",
	StateCancelled:             "#8c564b",
	StateActive:                "#2ca02c",
	StateExpired:               "#ff9896",
	StateDeactivationRequested: "#ffbb78",
	StateDeactivated:           "#7f7f7f",
}

func stateLabel(st State) string {
	s := strings.ReplaceAll(string(st), "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// typeProfile is a (type, profile) pair as a map key.
type typeProfile struct{ typ, profile string }

func ranks(reg *Registry) (types map[string]int, profiles map[typeProfile]int) {
	types, profiles = map[string]int{}, map[typeProfile]int{}
	for i, t := range reg.specs {
		types[t.Name] = i
		profiles[typeProfile{t.Name, ""}] = -1
		for j, p := range t.Profiles {
			profiles[typeProfile{t.Name, p.Name}] = j
		}
	}
	return types, profiles
}

// rankOf orders known keys by rank and unknown ones after them.
func rankOf[K comparable](rank map[K]int, k K) int {
	if r, ok := rank[k]; ok {
		return r
	}
	return 1 << 30
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// checkTypeFilter normalises an optional type and profile filter.
func (s *Service) checkTypeFilter(typ, profile string) (string, string, error) {
	if typ == "" {
		if profile != "" {
			return "", "", bookingkit.Invalidf("profile", profile, "needs a type")
		}
		return "", "", nil
	}
	spec, err := s.types().Type(typ)
	if err != nil {
		return "", "", err
	}
	if profile == "" {
		return spec.Name, "", nil
	}
	p, err := spec.Profile(profile)
	if err != nil {
		return "", "", err
	}
	return spec.Name, p.Name, nil
}

// checkStates checks that every state is one of allowed.
func checkStates(states, allowed []State) error {
	for _, st := range states {
		if !slices.Contains(allowed, st) {
			names := make([]string, len(allowed))
			for i, a := range allowed {
				names[i] = string(a)
			}
			return bookingkit.Invalidf("state", string(st), "one of %s", strings.Join(names, ", "))
		}
	}
	if len(states) > len(allowed) {
		return bookingkit.Invalidf("state", "", "each state at most once")
	}
	return nil
}

// checkPeriod checks that a period, when both ends are set, is not empty.
func checkPeriod(from, to time.Time) error {
	if !from.IsZero() && !to.IsZero() && !from.Before(to) {
		return bookingkit.Invalidf("to", to.Format(time.RFC3339), "after from (%s)", from.Format(time.RFC3339))
	}
	return nil
}
