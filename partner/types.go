package partner

import (
	"cmp"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/bookingkit/bookingkit"
)

// FieldKind says how a company data or configuration value is checked and
// written.
type FieldKind string

// The field kinds.
const (
	KindText    FieldKind = "text"    // printable text up to Field.MaxLength characters, optionally matching Field.Pattern
	KindEmail   FieldKind = "email"   // an address like name@example.com; the domain is lower-cased
	KindInteger FieldKind = "integer" // a decimal integer between Field.Min and Field.Max
	KindBool    FieldKind = "bool"    // true/false (also yes/no, 1/0, on/off); written "true" or "false"
	KindChoice  FieldKind = "choice"  // one of Field.Choices, compared ignoring case
	KindURL     FieldKind = "url"     // an absolute https URL
)

// defaultMaxLength bounds a text field that declares no MaxLength, and
// maxValueLength bounds every value, whatever its kind.
const (
	defaultMaxLength = 200
	maxValueLength   = 1000
)

// Field declares one value of an instance's company data or configuration.
type Field struct {
	Name     string // key in the data, lower snake case, e.g. "tax_id"
	Label    string // human name, for forms and the contract
	Kind     FieldKind
	Required bool
	// Default is used when the value is missing or blank. A field with a
	// default is never missing, so Required adds nothing to it.
	Default     string
	MaxLength   int            // KindText: most characters; 0 means 200
	Pattern     *regexp.Regexp // KindText: the whole value must match, when set
	PatternHint string         // KindText: what Pattern expects, in words, for the error
	Min, Max    int64          // KindInteger: inclusive bounds
	Choices     []string       // KindChoice: the allowed values, as written
	// Check, when set, is a last rule on a value that passed its kind's
	// checks and Pattern, for what a pattern cannot say (that a time zone
	// exists: [CheckTimeZone]). Its error's text is the reason given.
	Check func(value string) error
}

// Profile is a contracted variant of an instance type (WDS has several);
// reports split the type's counts by profile.
type Profile struct {
	Name   string // as stored, e.g. "basic"
	Title  string
	Colour string // chart colour, "#rrggbb"
}

// TypeSpec declares an instance type: its name, its profiles if it has
// any, and the fields of its company data and configuration. Adding a type
// to a [Registry] is all it takes to sell it.
type TypeSpec struct {
	Name     string // "WDS"; upper-case letters and digits
	Title    string // "Working Day Suite"
	Colour   string // chart colour of the type, "#rrggbb"
	Profiles []Profile
	Company  []Field // company data: who the customer is
	Config   []Field // configuration that terminals fetch
}

// Registry is the set of instance types on sale. It is read-only once
// built, so one Registry may be shared freely.
type Registry struct {
	specs  []TypeSpec
	byName map[string]int
}

var (
	typeNamePattern  = regexp.MustCompile(`^[A-Z][A-Z0-9]{1,15}$`)
	fieldNamePattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)
	colourPattern    = regexp.MustCompile(`^#[0-9a-f]{6}$`)
)

// NewRegistry returns a registry of the given types, in that order (the
// order of charts and forms). It checks each spec: well-formed unique
// names, a colour, and fields whose kind has what it needs.
func NewRegistry(specs ...TypeSpec) (*Registry, error) {
	r := &Registry{byName: make(map[string]int, len(specs))}
	for _, t := range specs {
		if err := t.check(); err != nil {
			return nil, err
		}
		if _, dup := r.byName[t.Name]; dup {
			return nil, fmt.Errorf("partner: instance type %s declared twice", t.Name)
		}
		r.byName[t.Name] = len(r.specs)
		r.specs = append(r.specs, t.clone())
	}
	return r, nil
}

// MustRegistry is [NewRegistry] for specs written in the program: it
// panics on a malformed spec.
func MustRegistry(specs ...TypeSpec) *Registry {
	r, err := NewRegistry(specs...)
	if err != nil {
		panic(err)
	}
	return r
}

// Types returns the registered types in order. Do not modify them.
func (r *Registry) Types() []TypeSpec { return slices.Clone(r.specs) }

// Type returns the spec of the named type; name is matched ignoring case.
// An unknown name is a [*bookingkit.ValidationError] on field "type".
func (r *Registry) Type(name string) (TypeSpec, error) {
	if i, ok := r.byName[strings.ToUpper(strings.TrimSpace(name))]; ok {
		return r.specs[i], nil
	}
	return TypeSpec{}, bookingkit.Invalidf("type", name, "one of %s", strings.Join(r.names(), ", "))
}

func (r *Registry) names() []string {
	names := make([]string, len(r.specs))
	for i, t := range r.specs {
		names[i] = t.Name
	}
	return names
}

func (t TypeSpec) clone() TypeSpec {
	t.Profiles = slices.Clone(t.Profiles)
	t.Company = slices.Clone(t.Company)
	t.Config = slices.Clone(t.Config)
	for _, fs := range [][]Field{t.Company, t.Config} {
		for i := range fs {
			fs[i].Choices = slices.Clone(fs[i].Choices)
		}
	}
	return t
}

func (t TypeSpec) check() error {
	if !typeNamePattern.MatchString(t.Name) {
		return fmt.Errorf("partner: instance type name %q: want 2-16 upper-case letters and digits", t.Name)
	}
	if !colourPattern.MatchString(t.Colour) {
		return fmt.Errorf("partner: instance type %s: colour %q: want #rrggbb in lower case", t.Name, t.Colour)
	}
	seen := map[string]bool{}
	for _, p := range t.Profiles {
		if !fieldNamePattern.MatchString(p.Name) || seen[p.Name] {
			return fmt.Errorf("partner: instance type %s: profile name %q: want a unique lower snake case name", t.Name, p.Name)
		}
		if !colourPattern.MatchString(p.Colour) {
			return fmt.Errorf("partner: instance type %s: profile %s: colour %q: want #rrggbb", t.Name, p.Name, p.Colour)
		}
		seen[p.Name] = true
	}
	for group, fields := range map[string][]Field{"company": t.Company, "config": t.Config} {
		seen := map[string]bool{}
		for _, f := range fields {
			if err := f.check(); err != nil {
				return fmt.Errorf("partner: instance type %s: %s field %q: %w", t.Name, group, f.Name, err)
			}
			if seen[f.Name] {
				return fmt.Errorf("partner: instance type %s: %s field %q declared twice", t.Name, group, f.Name)
			}
			seen[f.Name] = true
		}
	}
	return nil
}

func (f Field) check() error {
	if !fieldNamePattern.MatchString(f.Name) {
		return errors.New("want a lower snake case name")
	}
	switch f.Kind {
	case KindText:
		if f.MaxLength < 0 || f.MaxLength > maxValueLength {
			return fmt.Errorf("MaxLength %d: want 0 to %d", f.MaxLength, maxValueLength)
		}
	case KindInteger:
		if f.Min > f.Max {
			return fmt.Errorf("Min %d above Max %d", f.Min, f.Max)
		}
	case KindChoice:
		if len(f.Choices) == 0 {
			return errors.New("a choice field needs Choices")
		}
	case KindEmail, KindBool, KindURL:
	default:
		return fmt.Errorf("unknown kind %q", f.Kind)
	}
	if f.Default != "" {
		if _, err := f.normalize("default", f.Default); err != nil {
			return fmt.Errorf("default: %w", err)
		}
	}
	return nil
}

// Profile returns the named profile of t. A type without profiles accepts
// only ""; a type with profiles requires one of them.
func (t TypeSpec) Profile(name string) (Profile, error) {
	name = strings.ToLower(strings.TrimSpace(name))
	if len(t.Profiles) == 0 {
		if name != "" {
			return Profile{}, bookingkit.Invalidf("profile", name, "%s has no profiles", t.Name)
		}
		return Profile{}, nil
	}
	for _, p := range t.Profiles {
		if p.Name == name {
			return p, nil
		}
	}
	names := make([]string, len(t.Profiles))
	for i, p := range t.Profiles {
		names[i] = p.Name
	}
	if name == "" {
		return Profile{}, bookingkit.Invalidf("profile", "", "%s needs a profile: one of %s", t.Name, strings.Join(names, ", "))
	}
	return Profile{}, bookingkit.Invalidf("profile", name, "one of %s", strings.Join(names, ", "))
}

// CheckCompany validates company data against t and returns it normalised:
// values trimmed and written canonically, defaults filled in, blank
// optional values dropped. Every bad value is reported, each as a
// [*bookingkit.ValidationError] on field "company.<name>", joined with
// [errors.Join].
func (t TypeSpec) CheckCompany(data map[string]string) (map[string]string, error) {
	return checkFields("company", t.Company, data)
}

// CheckConfig is [TypeSpec.CheckCompany] for the configuration; errors
// name fields "config.<name>".
func (t TypeSpec) CheckConfig(data map[string]string) (map[string]string, error) {
	return checkFields("config", t.Config, data)
}

func checkFields(group string, fields []Field, data map[string]string) (map[string]string, error) {
	out := make(map[string]string, len(fields))
	var errs []error
	for _, f := range fields {
		name := group + "." + f.Name
		v := strings.TrimSpace(data[f.Name])
		if v == "" {
			v = f.Default
		}
		if v == "" {
			if f.Required {
				errs = append(errs, bookingkit.Invalidf(name, "", "required"))
			}
			continue
		}
		nv, err := f.normalize(name, v)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out[f.Name] = nv
	}
	var unknown []string
	for k := range data {
		if !slices.ContainsFunc(fields, func(f Field) bool { return f.Name == k }) {
			unknown = append(unknown, k)
		}
	}
	slices.Sort(unknown)
	for _, k := range unknown {
		names := make([]string, len(fields))
		for i, f := range fields {
			names[i] = f.Name
		}
		errs = append(errs, bookingkit.Invalidf(group+"."+truncate(k, 40), "", "unknown field; expected one of %s", strings.Join(names, ", ")))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// normalize checks one non-blank value and returns its canonical form.
func (f Field) normalize(name, v string) (string, error) {
	if !utf8.ValidString(v) {
		return "", bookingkit.Invalidf(name, "", "not valid UTF-8")
	}
	if utf8.RuneCountInString(v) > maxValueLength {
		return "", bookingkit.Invalidf(name, truncate(v, 40), "at most %d characters", maxValueLength)
	}
	switch f.Kind {
	case KindText:
		v, err := cleanText(name, v, 1, cmp.Or(f.MaxLength, defaultMaxLength), false)
		if err != nil {
			return "", err
		}
		if f.Pattern != nil && !f.Pattern.MatchString(v) {
			return "", bookingkit.Invalid(name, v, cmp.Or(f.PatternHint, "must match "+f.Pattern.String()))
		}
		if f.Check != nil {
			if err := f.Check(v); err != nil {
				return "", bookingkit.Invalid(name, v, err.Error())
			}
		}
		return v, nil
	case KindEmail:
		return cleanEmail(name, v, true)
	case KindInteger:
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return "", bookingkit.Invalidf(name, v, "a whole number")
		}
		if n < f.Min || n > f.Max {
			return "", bookingkit.Invalidf(name, v, "between %d and %d", f.Min, f.Max)
		}
		return strconv.FormatInt(n, 10), nil
	case KindBool:
		switch strings.ToLower(v) {
		case "true", "yes", "1", "on":
			return "true", nil
		case "false", "no", "0", "off":
			return "false", nil
		}
		return "", bookingkit.Invalidf(name, v, "true or false")
	case KindChoice:
		for _, c := range f.Choices {
			if strings.EqualFold(c, v) {
				return c, nil
			}
		}
		return "", bookingkit.Invalidf(name, v, "one of %s", strings.Join(f.Choices, ", "))
	case KindURL:
		u, err := url.Parse(v)
		if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil {
			return "", bookingkit.Invalidf(name, v, "an https:// address")
		}
		return u.String(), nil
	}
	return "", bookingkit.Invalid(name, v, "field of unknown kind "+string(f.Kind))
}
