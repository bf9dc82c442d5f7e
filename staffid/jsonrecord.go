package staffid

import (
	"encoding/json"
	"errors"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/bookingkit/bookingkit"
)

// recordParser reads one record from the bytes of one JSON value. It
// keeps the values of the known fields and appends a compact copy of the
// whole value, unknown fields included, from which the import report
// echoes invalid records "as sent". It checks that the bytes are one
// valid JSON value as encoding/json reads it, so that the list can be
// read without encoding/json's scanner going over it first (see
// listReader.readJSON).
type recordParser struct {
	vbuf []byte            // values of the current record, back to back
	offs [numFields][2]int // where each value lies in vbuf
	echo []byte            // compact (and cut) copy of the current record
	eb   echoBuilder       // writes echo
	key  []byte            // scratch for keys with escapes
}

var errBadJSON = errors.New("malformed JSON value")

// parse reads the JSON value b into rec and its compact copy, cut as
// echo.go says, into p.echo. A value that is not an object is a record
// error, not a parse error: the list is still readable. The error is for
// bytes that are not exactly one valid JSON value.
func (p *recordParser) parse(b []byte, rec *rawRecord) error {
	rec.reset()
	p.vbuf = p.vbuf[:0]
	p.echo = p.echo[:0]
	i := skipSpace(b, 0)
	if i >= len(b) {
		return errBadJSON
	}
	if b[i] != '{' {
		end, kind := scanValue(b, i)
		if end < 0 || skipSpace(b, end) != len(b) {
			return errBadJSON
		}
		rec.notRecord = true
		rec.errs = append(rec.errs, "a record must be a JSON object with the list's fields, got "+kind.String())
		p.echo = appendEchoJSON(p.echo, b[i:end], kind)
		return nil
	}
	p.eb.reset(p.echo)
	i++
	first := true
	for {
		i = skipSpace(b, i)
		if i >= len(b) {
			return errBadJSON
		}
		if b[i] == '}' {
			break
		}
		if !first {
			if b[i] != ',' {
				return errBadJSON
			}
			i = skipSpace(b, i+1)
			if i >= len(b) {
				return errBadJSON
			}
		}
		if b[i] != '"' {
			return errBadJSON
		}
		keyStart := i
		keyEnd, escaped := scanString(b, i)
		if keyEnd < 0 {
			return errBadJSON
		}
		key := b[keyStart+1 : keyEnd-1]
		if escaped {
			p.key = appendUnquoted(p.key[:0], key)
			key = p.key
		}
		i = skipSpace(b, keyEnd)
		if i >= len(b) || b[i] != ':' {
			return errBadJSON
		}
		i = skipSpace(b, i+1)
		valEnd, kind := scanValue(b, i)
		if valEnd < 0 {
			return errBadJSON
		}
		first = false
		if p.eb.cut > 0 {
			p.eb.cut++ // the echo is full: count the member, do not write it
		} else {
			mark := p.eb.begin()
			p.eb.buf = appendEchoJSONString(p.eb.buf, b[keyStart:keyEnd])
			p.eb.buf = append(p.eb.buf, ':')
			p.eb.buf = appendEchoJSON(p.eb.buf, b[i:valEnd], kind)
			p.eb.end(mark)
		}
		if f, ok := lookupField(key); ok {
			p.setField(rec, f, b[i:valEnd], kind)
		}
		i = valEnd
	}
	if skipSpace(b, i+1) != len(b) {
		return errBadJSON
	}
	p.echo = p.eb.finish()
	// One string for all values of the record: one allocation, not fifteen.
	all := string(p.vbuf)
	for f := range numFields {
		if rec.seen.has(f) && !rec.bad.has(f) {
			o := p.offs[f]
			rec.setValue(f, all[o[0]:o[1]])
		}
	}
	return nil
}

func (p *recordParser) setField(rec *rawRecord, f field, v []byte, kind jsonKind) {
	if rec.seen.has(f) {
		if !rec.bad.has(f) {
			rec.addError(f, f.String()+": appears more than once in the record")
		}
		return
	}
	rec.seen.add(f)
	start := len(p.vbuf)
	switch kind {
	case kindString:
		p.vbuf = appendUnquoted(p.vbuf, v[1:len(v)-1])
	case kindNumber:
		p.vbuf = append(p.vbuf, v...)
	case kindNull:
	case kindTrue, kindFalse:
		// The list's values are strings or numbers; IsEmployee is 1 or 0
		// (the spec), not a JSON boolean, which read as 1 or 0 would
		// give two spellings of one list.
		if f == fieldIsEmployee {
			rec.addError(f, bookingkit.Invalid(f.String(), kind.String(), "expected 1 (employee) or 0 (companion), not a JSON boolean").Error())
			return
		}
		rec.addError(f, f.String()+": expected a string or a number, got "+kind.String())
		return
	default:
		rec.addError(f, f.String()+": expected a string or a number, got "+kind.String())
		return
	}
	p.offs[f] = [2]int{start, len(p.vbuf)}
}

type jsonKind uint8

const (
	kindString jsonKind = iota
	kindNumber
	kindObject
	kindArray
	kindTrue
	kindFalse
	kindNull
)

func (k jsonKind) String() string {
	return [...]string{"a string", "a number", "an object", "an array", "true", "false", "null"}[k]
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// scanString returns the index after the string starting at b[i] == '"'
// and whether it holds escapes, or -1 when it does not end or is not a
// valid JSON string (a control character, an unknown escape).
func scanString(b []byte, i int) (int, bool) {
	escaped := false
	for j := i + 1; j < len(b); j++ {
		switch c := b[j]; {
		case c == '"':
			return j + 1, escaped
		case c == '\\':
			escaped = true
			j++
			if j >= len(b) {
				return -1, false
			}
			switch b[j] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if hex4(b[j+1:]) < 0 {
					return -1, false
				}
				j += 4
			default:
				return -1, false
			}
		case c < 0x20:
			return -1, false
		}
	}
	return -1, false
}

// scanValue returns the index after the value starting at b[i] and its
// kind, or -1 when b does not hold one.
func scanValue(b []byte, i int) (int, jsonKind) {
	if i >= len(b) {
		return -1, 0
	}
	switch c := b[i]; c {
	case '"':
		end, _ := scanString(b, i)
		return end, kindString
	case '{', '[':
		kind := kindObject
		if c == '[' {
			kind = kindArray
		}
		if end := valueEnd(b, i); end > 0 && json.Valid(b[i:end]) {
			// Lists seldom nest values: encoding/json checks them.
			return end, kind
		}
		return -1, 0
	case 't':
		return literal(b, i, "true"), kindTrue
	case 'f':
		return literal(b, i, "false"), kindFalse
	case 'n':
		return literal(b, i, "null"), kindNull
	}
	return scanNumber(b, i), kindNumber
}

// scanNumber returns the index after the JSON number starting at b[i], or
// -1: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?, followed by anything
// but another character of a number.
func scanNumber(b []byte, i int) int {
	digits := func(j int) int { // the index after one or more digits, or -1
		k := j
		for k < len(b) && b[k] >= '0' && b[k] <= '9' {
			k++
		}
		if k == j {
			return -1
		}
		return k
	}
	j := i
	if j < len(b) && b[j] == '-' {
		j++
	}
	switch {
	case j < len(b) && b[j] == '0':
		j++
	case j < len(b) && b[j] >= '1' && b[j] <= '9':
		j = digits(j)
	default:
		return -1
	}
	if j < len(b) && b[j] == '.' {
		if j = digits(j + 1); j < 0 {
			return -1
		}
	}
	if j < len(b) && (b[j] == 'e' || b[j] == 'E') {
		j++
		if j < len(b) && (b[j] == '+' || b[j] == '-') {
			j++
		}
		if j = digits(j); j < 0 {
			return -1
		}
	}
	if j < len(b) && (b[j] >= '0' && b[j] <= '9' || b[j] == '.' || b[j] == 'e' || b[j] == 'E' || b[j] == '+' || b[j] == '-') {
		return -1
	}
	return j
}

// valueEnd returns the index after the JSON value starting at b[i], or -1
// when b ends before it does. It only follows strings and brackets to
// find the end: the value is checked after.
func valueEnd(b []byte, i int) int {
	switch b[i] {
	case '"':
		for j := i + 1; j < len(b); j++ {
			switch b[j] {
			case '\\':
				j++
			case '"':
				return j + 1
			}
		}
		return -1
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				if j = valueEnd(b, j); j < 0 {
					return -1
				}
				j--
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return j + 1
				}
			}
		}
		return -1
	}
	// A number or a literal ends before white space, a comma or a
	// bracket.
	for j := i; j < len(b); j++ {
		switch b[j] {
		case ' ', '\t', '\n', '\r', ',', ']', '}':
			return j
		}
	}
	return -1
}

func literal(b []byte, i int, lit string) int {
	if len(b)-i < len(lit) || string(b[i:i+len(lit)]) != lit {
		return -1
	}
	return i + len(lit)
}

// appendUnquoted appends the contents of a JSON string (between the
// quotes) with its escapes decoded, exactly as encoding/json decodes them:
// invalid UTF-8 and lone surrogates become U+FFFD.
func appendUnquoted(dst, s []byte) []byte {
	// Fast path: nothing to decode.
	simple := true
	for _, c := range s {
		if c == '\\' || c >= utf8.RuneSelf {
			simple = false
			break
		}
	}
	if simple || (!containsBackslash(s) && utf8.Valid(s)) {
		return append(dst, s...)
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			i++
			switch s[i] {
			case '"', '\\', '/':
				dst = append(dst, s[i])
			case 'b':
				dst = append(dst, '\b')
			case 'f':
				dst = append(dst, '\f')
			case 'n':
				dst = append(dst, '\n')
			case 'r':
				dst = append(dst, '\r')
			case 't':
				dst = append(dst, '\t')
			case 'u':
				r := hex4(s[i+1:])
				if r < 0 {
					return append(dst, s[i-1:]...) // not valid JSON; keep as is
				}
				i += 4
				if utf16.IsSurrogate(r) {
					if i+2 < len(s) && s[i+1] == '\\' && s[i+2] == 'u' {
						if r2 := hex4(s[i+3:]); r2 >= 0 {
							if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
								dst = utf8.AppendRune(dst, dec)
								i += 6 + 1
								continue
							}
						}
					}
					r = utf8.RuneError
				}
				dst = utf8.AppendRune(dst, r)
			default:
				dst = append(dst, '\\', s[i])
			}
			i++
		case c < utf8.RuneSelf:
			dst = append(dst, c)
			i++
		default:
			r, size := utf8.DecodeRune(s[i:])
			if r == utf8.RuneError && size == 1 {
				dst = utf8.AppendRune(dst, utf8.RuneError)
			} else {
				dst = append(dst, s[i:i+size]...)
			}
			i += size
		}
	}
	return dst
}

func containsBackslash(s []byte) bool {
	for _, c := range s {
		if c == '\\' {
			return true
		}
	}
	return false
}

// hex4 reads four hex digits, or returns -1.
func hex4(s []byte) rune {
	if len(s) < 4 {
		return -1
	}
	var r rune
	for _, c := range s[:4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}

// appendQuoted appends s as a JSON string.
func appendQuoted(dst []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				dst = append(dst, '\\', c)
			case c == '\n':
				dst = append(dst, '\\', 'n')
			case c == '\r':
				dst = append(dst, '\\', 'r')
			case c == '\t':
				dst = append(dst, '\\', 't')
			case c < 0x20:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			default:
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, "\ufffd"...)
		} else {
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return append(dst, '"')
}
