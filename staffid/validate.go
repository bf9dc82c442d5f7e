package staffid

import (
	"fmt"
	"net/mail"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/bookingkit/bookingkit"
	"golang.org/x/text/unicode/norm"
)

// Limits of the list's text fields, in characters (runes after NFC
// composition, so a name typed with combining marks counts as it reads).
const (
	MaxNameLength       = 30  // every name field, native and Latin
	MaxEmployeeIDLength = 10  // EmployeeID
	MaxGUIDLength       = 100 // GUID: the spec sets none; this stops garbage
	MaxRelationLength   = 100 // RelationDegree: likewise
	MaxEmailLength      = 254 // the longest address SMTP can carry
	minYear             = 1900
)

// recordValidator checks one record's fields and turns it into a Person.
// It knows the configuration and today's date; the rules over the whole
// list (groups, duplicates) are checkList's.
type recordValidator struct {
	groupField       field
	required         fieldSet // for every record
	requiredEmployee fieldSet // for employees only
	identity         fieldSet
	registration     fieldSet
	today            Date
}

var baseRequired = fieldSet(0).
	with(fieldLastName).with(fieldFirstName).with(fieldLastNameEng).
	with(fieldFirstNameEng).with(fieldBirthDay).with(fieldSex).
	with(fieldIsEmployee).with(fieldCategoryCode)

func newRecordValidator(cfg Config, today Date) *recordValidator {
	group := fieldEmployeeID
	if cfg.GroupField == FieldGUID {
		group = fieldGUID
	}
	identity := fieldsOf(cfg.IdentityFields)
	registration := fieldsOf(cfg.RegistrationFields)
	return &recordValidator{
		groupField:       group,
		required:         baseRequired | identity | fieldSet(0).with(group),
		requiredEmployee: registration.with(fieldDateOfEmployment),
		identity:         identity,
		registration:     registration,
		today:            today,
	}
}

// validate checks the fields of rec and fills p. It returns whether
// IsEmployee could be read, which the group rules need even when another
// field is wrong. Problems are added to rec.errs.
func (v *recordValidator) validate(rec *rawRecord, p *Person) {
	*p = Person{}
	if rec.notRecord {
		rec.bad = ^fieldSet(0)
		return
	}
	if !rec.set.has(v.groupField) && !rec.bad.has(v.groupField) {
		// The seed's exact message, naming the configured group field.
		rec.addError(v.groupField, "No GUID field found: "+v.groupField.String())
	}
	for f := range numFields {
		if !rec.set.has(f) && !rec.bad.has(f) && f != v.groupField && v.required.has(f) {
			reason := "required"
			if v.identity.has(f) && !baseRequired.has(f) {
				reason = "required: it is an identity field"
			}
			rec.addError(f, bookingkit.Invalid(f.String(), "", reason).Error())
		}
	}
	p.GUID = v.text(rec, fieldGUID, MaxGUIDLength)
	p.LastName = v.nativeName(rec, fieldLastName)
	p.FirstName = v.nativeName(rec, fieldFirstName)
	p.MiddleName = v.nativeName(rec, fieldMiddleName)
	p.LastNameEng = v.latinName(rec, fieldLastNameEng)
	p.FirstNameEng = v.latinName(rec, fieldFirstNameEng)
	p.MiddleNameEng = v.latinName(rec, fieldMiddleNameEng)
	p.BirthDay = v.date(rec, fieldBirthDay, true)
	p.DateOfEmployment = v.date(rec, fieldDateOfEmployment, false)
	p.EmployeeID = v.text(rec, fieldEmployeeID, MaxEmployeeIDLength)
	p.RelationDegree = v.text(rec, fieldRelationDegree, MaxRelationLength)

	if s, ok := v.value(rec, fieldSex); ok {
		switch s {
		case "M", "m":
			p.Sex = "M"
		case "F", "f":
			p.Sex = "F"
		default:
			v.fail(rec, fieldSex, s, "expected M or F")
		}
	}
	if s, ok := v.value(rec, fieldIsEmployee); ok {
		switch s {
		case "1":
			p.IsEmployee = true
		case "0":
		default:
			v.fail(rec, fieldIsEmployee, s, "expected 1 (employee) or 0 (companion)")
		}
	}
	if s, ok := v.value(rec, fieldCategoryCode); ok {
		n, err := strconv.Atoi(s[:min(len(s), 8)])
		if len(s) > 8 {
			err = strconv.ErrRange
		}
		if err != nil || n < 0 || n > 9 || strings.ContainsAny(s, "+-") {
			v.fail(rec, fieldCategoryCode, s, "expected a whole number from 0 to 9")
		} else {
			p.CategoryCode = n
		}
	}
	if s, ok := v.value(rec, fieldEmail); ok {
		if err := checkEmail(s); err != "" {
			v.fail(rec, fieldEmail, s, err)
		} else {
			p.Email = s
		}
	}
	if p.IsEmployee && !rec.bad.has(fieldIsEmployee) {
		for f := range numFields {
			if v.requiredEmployee.has(f) && !rec.set.has(f) && !rec.bad.has(f) && !v.required.has(f) {
				reason := "required for an employee (IsEmployee 1)"
				if v.registration.has(f) && f != fieldDateOfEmployment {
					reason = "required for an employee: it is asked at registration"
				}
				rec.addError(f, bookingkit.Invalid(f.String(), "", reason).Error())
			}
		}
	}
	p.GroupKey = rec.val[v.groupField]
}

// value returns the field's value when it is present and has no error yet.
func (v *recordValidator) value(rec *rawRecord, f field) (string, bool) {
	if !rec.set.has(f) || rec.bad.has(f) {
		return "", false
	}
	return rec.val[f], true
}

func (v *recordValidator) fail(rec *rawRecord, f field, value, reason string) {
	rec.addError(f, bookingkit.Invalid(f.String(), shorten(value), reason).Error())
}

// text checks a free text field: no control characters, at most max
// characters.
func (v *recordValidator) text(rec *rawRecord, f field, max int) string {
	s, ok := v.value(rec, f)
	if !ok {
		return ""
	}
	if len(s) > maxBytesPerChar*max {
		// Surely too long, and too long to scan for every record of an
		// upload that repeats it (a workbook's shared string).
		v.fail(rec, f, s, fmt.Sprintf("at most %d characters, got %d bytes", max, len(s)))
		return ""
	}
	if hasControl(s) {
		v.fail(rec, f, s, "must not contain control characters")
		return ""
	}
	if r, ok := bidiControl(s); ok {
		v.fail(rec, f, s, fmt.Sprintf("must not contain bidirectional formatting characters (U+%04X)", r))
		return ""
	}
	if n := charCount(s); n > max {
		v.fail(rec, f, s, fmt.Sprintf("at most %d characters, got %d", max, n))
		return ""
	}
	return s
}

// nativeName checks a name in native spelling (any script): at most 30
// characters, at least one letter, no control characters.
func (v *recordValidator) nativeName(rec *rawRecord, f field) string {
	s := v.text(rec, f, MaxNameLength)
	if s == "" {
		return ""
	}
	if strings.IndexFunc(s, unicode.IsLetter) < 0 {
		v.fail(rec, f, s, "expected a name with at least one letter")
		return ""
	}
	return s
}

// latinName checks a name as in the passport: Latin letters, spaces,
// hyphens and apostrophes, at most 30 characters, at least one letter.
func (v *recordValidator) latinName(rec *rawRecord, f field) string {
	s, ok := v.value(rec, f)
	if !ok {
		return ""
	}
	if len(s) > maxBytesPerChar*MaxNameLength {
		v.fail(rec, f, s, fmt.Sprintf("at most %d characters, got %d bytes", MaxNameLength, len(s)))
		return ""
	}
	letters := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z':
			letters++
		case c == ' ' || c == '-' || c == '\'':
		default:
			v.fail(rec, f, s, "expected Latin letters as in the passport (A–Z, space, hyphen, apostrophe)")
			return ""
		}
	}
	if letters == 0 {
		v.fail(rec, f, s, "expected Latin letters as in the passport (A–Z, space, hyphen, apostrophe)")
		return ""
	}
	if len(s) > MaxNameLength {
		v.fail(rec, f, s, fmt.Sprintf("at most %d characters, got %d", MaxNameLength, len(s)))
		return ""
	}
	return s
}

// date checks a DD.MM.YYYY date from 1900 on; a birth date must not be
// in the future.
func (v *recordValidator) date(rec *rawRecord, f field, past bool) Date {
	s, ok := v.value(rec, f)
	if !ok {
		return Date{}
	}
	d, err := ParseDate(s)
	if err != nil {
		rec.addError(f, err.Error()) // the seed's exact message
		return Date{}
	}
	if d.Year() < minYear {
		v.fail(rec, f, s, fmt.Sprintf("expected a year from %d on", minYear))
		return Date{}
	}
	if past && v.today.Before(d) {
		v.fail(rec, f, s, "must not be in the future")
		return Date{}
	}
	return d
}

func checkEmail(s string) string {
	if len(s) > MaxEmailLength {
		return fmt.Sprintf("at most %d characters", MaxEmailLength)
	}
	a, err := mail.ParseAddress(s)
	at := strings.LastIndexByte(s, '@')
	if _, bidi := bidiControl(s); err != nil || a.Address != s || at < 1 || !strings.Contains(s[at:], ".") || hasControl(s) || bidi {
		return "expected an email address like name@example.com"
	}
	return ""
}

func hasControl(s string) bool {
	for _, r := range s {
		if unicode.IsControl(r) {
			return true
		}
	}
	return false
}

// bidiControl returns the first bidirectional formatting character of s:
// the embeddings and overrides U+202A–U+202E, the isolates U+2066–U+2069
// and the marks U+200E, U+200F and U+061C. None belongs in a name, a
// personnel number or an address, and an override shows one text while
// holding another ("Иванов" followed by U+202E reads backwards wherever
// the name is shown: the cabinet, a boarding list, a mail).
func bidiControl(s string) (rune, bool) {
	for _, r := range s {
		switch {
		case r >= '\u202A' && r <= '\u202E', r >= '\u2066' && r <= '\u2069', r == '\u200E', r == '\u200F', r == '\u061C':
			return r, true
		}
	}
	return 0, false
}

// charCount counts characters as a person reads them: runes after NFC
// composition, so "й" typed as и + combining breve is one.
func charCount(s string) int {
	if isASCII(s) {
		return len(s)
	}
	if isBasicRussian(s) { // already NFC
		return utf8.RuneCountInString(s)
	}
	if !norm.NFC.IsNormalString(s) {
		s = norm.NFC.String(s)
	}
	return utf8.RuneCountInString(s)
}

// shorten cuts a value quoted in a message to a readable length; the
// report echoes the record anyway. It looks at no more than the first 65
// characters, however long s is.
func shorten(s string) string {
	const max = 64
	i := 0
	for n := 0; n < max && i < len(s); n++ {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	if i >= len(s) {
		return s
	}
	return s[:i] + "…"
}

// maxBytesPerChar bounds the bytes of one character as charCount counts
// it (a Hangul syllable typed as three jamo is 9 bytes, a letter with
// combining marks more); a value longer than maxBytesPerChar × the
// field's limit is refused on its length alone, before any scan.
const maxBytesPerChar = 16
