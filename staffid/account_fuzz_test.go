package staffid

import (
	"testing"
	"time"
)

// FuzzParseFormDate: a date typed in a form (registration, passenger data)
// is either refused or read as the calendar date it spells, in either of
// its two spellings.
func FuzzParseFormDate(f *testing.F) {
	for _, s := range []string{"09.10.1940", "9.1.1940", "1940-10-09", "29.02.2001", "2000-02-29", "", "1940-1-9", "31.04.2020", "٠٩.١٠.١٩٤٠"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := parseFormDate(s)
		if err != nil {
			if !d.IsZero() {
				t.Fatalf("%q: error %v with a date %v", s, err, d)
			}
			return
		}
		if d.IsZero() {
			t.Fatalf("%q: no error and no date", s)
		}
		if back, err := parseFormDate(d.String()); err != nil || back != d {
			t.Fatalf("%q read as %v, whose DD.MM.YYYY reads back as %v, %v", s, d, back, err)
		}
		if back, err := parseFormDate(d.ISO()); err != nil || back != d {
			t.Fatalf("%q read as %v, whose ISO form reads back as %v, %v", s, d, back, err)
		}
		if _, perr := ParseDate(s); perr != nil {
			if iso, terr := time.Parse(time.DateOnly, s); terr != nil || DateOf(iso) != d {
				t.Fatalf("%q read as %v but is neither DD.MM.YYYY nor YYYY-MM-DD", s, d)
			}
		}
	})
}
