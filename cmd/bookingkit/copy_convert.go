package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// valueKind is what a column holds, whichever way its database spells it.
type valueKind int

const (
	kindUnknown valueKind = iota
	kindText
	kindInteger
	kindBool
	kindTime // an instant: SQLite TIMESTAMP text, PostgreSQL timestamptz
	kindDate // a calendar day: SQLite DATE text YYYY-MM-DD, PostgreSQL date
	kindJSON
	kindBytes // SQLite BLOB, PostgreSQL bytea
)

func (k valueKind) String() string {
	switch k {
	case kindText:
		return "text"
	case kindInteger:
		return "integer"
	case kindBool:
		return "boolean"
	case kindTime:
		return "time"
	case kindDate:
		return "date"
	case kindJSON:
		return "JSON"
	case kindBytes:
		return "bytes"
	}
	return "unknown"
}

// convertValue turns v, as the source's driver read it from column src,
// into what the destination's driver writes to column dst the way the
// destination's adapter writes it. The destination's column kind decides;
// the source's matters only for the one representation that the kinds do
// not tell apart: SQLite keeps some dates (staffid_people.birth_day and
// date_of_employment, staffid_booking_passengers.birth_day) as ISO text,
// the empty string for no date, where PostgreSQL has a nullable date.
//
// The drivers read: modernc.org/sqlite int64, string, and time.Time for
// TIMESTAMP and DATE text it can parse; pgx int64, bool, string, []byte
// for json, and time.Time for timestamptz and date.
func convertValue(v any, src, dst copyColumn) (any, error) {
	if v == nil {
		switch {
		case dst.kind == kindText && src.kind == kindDate && dst.notNull:
			return "", nil // no date, kept as text
		case dst.notNull:
			return nil, fmt.Errorf("NULL in a NOT NULL %s column", dst.typ)
		}
		return nil, nil
	}
	switch dst.kind {
	case kindText:
		switch v := v.(type) {
		case string:
			return v, nil
		case []byte: // json read from PostgreSQL
			return string(v), nil
		case time.Time:
			if src.kind == kindDate {
				return v.Format(time.DateOnly), nil
			}
		}
	case kindInteger:
		if n, ok := v.(int64); ok {
			return n, nil
		}
	case kindBool:
		switch v := v.(type) {
		case bool:
			return v, nil
		case int64: // SQLite BOOLEAN
			if v == 0 || v == 1 {
				return v == 1, nil
			}
		}
	case kindTime:
		switch v := v.(type) {
		case time.Time:
			// UTC, as the adapters write: SQLite compares the time text,
			// which must be spelled alike in every row.
			return v.UTC(), nil
		case string:
			if t, ok := parseTimeText(v); ok {
				return t, nil
			}
			return nil, fmt.Errorf("%q is not a time", v)
		}
	case kindDate:
		switch v := v.(type) {
		case time.Time:
			return v.Format(time.DateOnly), nil
		case string:
			if v == "" {
				if dst.notNull {
					return nil, errors.New(`no date ("") in a NOT NULL date column`)
				}
				return nil, nil // no date
			}
			d, err := time.Parse(time.DateOnly, v)
			if err != nil {
				return nil, fmt.Errorf("%q is not a YYYY-MM-DD date", v)
			}
			return d.Format(time.DateOnly), nil
		}
	case kindBytes:
		switch v := v.(type) {
		case []byte:
			return v, nil
		case string: // a BLOB column holding text
			return []byte(v), nil
		}
	case kindJSON:
		var b []byte
		switch v := v.(type) {
		case string:
			b = []byte(v)
		case []byte:
			b = v
		}
		if b != nil {
			if !json.Valid(b) {
				return nil, fmt.Errorf("%q is not JSON", shorten(string(b)))
			}
			return string(b), nil
		}
	}
	return nil, fmt.Errorf("cannot convert %v (%T from type %s) to type %s", shorten(fmt.Sprint(v)), v, src.typ, dst.typ)
}

// timeLayouts are the time spellings that a SQLite time text may have:
// the driver's (time.Time.String) and SQLite's own. The driver parses
// these already; this is for text it handed over as is.
var timeLayouts = []string{
	"2006-01-02 15:04:05.999999999 -0700 MST",
	time.RFC3339Nano,
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
}

func parseTimeText(s string) (time.Time, bool) {
	if i := strings.Index(s, " m="); i > 0 {
		s = s[:i] // a monotonic clock reading, as time.Time.String writes it
	}
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// shorten cuts s for an error message.
func shorten(s string) string {
	const limit = 80
	if len(s) <= limit {
		return s
	}
	return s[:limit] + "…"
}
