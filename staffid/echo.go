package staffid

import (
	"strconv"
	"unicode/utf8"
)

// The import report echoes each invalid record "as sent", but an upload
// can make one record's echo as large as it likes: a 7.7 KB workbook whose
// cells all point at one 32 000-character shared string made a 257 MB
// report. The echo only has to tell which record is meant, so it is cut:
// each string (key or value) after maxEchoString bytes, each nested
// object or array after maxEchoNested, each record after maxEchoRecord,
// with echoCut marking every cut. The values the validator reads are the
// whole ones; only the echo is cut.
const (
	maxEchoString = 200
	maxEchoNested = 1024
	maxEchoRecord = 4096
	// echoTailRoom is kept free at the end of a record's echo for the
	// member that says how many fields were left out.
	echoTailRoom = 64
)

// echoCut ends every cut string of an echo, and names the member that
// counts the fields left out of a cut record.
const echoCut = "…[cut]"

// echoBuilder writes the echo of one record, an object, member by member,
// within maxEchoRecord bytes. Once a member does not fit, it and every
// later one are left out, and a last member "…[cut]": "N more fields"
// counts them.
type echoBuilder struct {
	buf     []byte
	members int // members written
	cut     int // members left out
}

// reset starts a new object in buf's storage.
func (e *echoBuilder) reset(buf []byte) {
	e.buf = append(buf[:0], '{')
	e.members, e.cut = 0, 0
}

// begin starts a member and returns where it starts, for end.
func (e *echoBuilder) begin() int {
	mark := len(e.buf)
	if e.members > 0 {
		e.buf = append(e.buf, ',')
	}
	return mark
}

// end keeps the member begun at mark, or takes it back when the record's
// echo has no room left for it.
func (e *echoBuilder) end(mark int) {
	if e.cut > 0 || len(e.buf) > maxEchoRecord-echoTailRoom {
		e.buf = e.buf[:mark]
		e.cut++
		return
	}
	e.members++
}

// finish closes the object and returns it.
func (e *echoBuilder) finish() []byte {
	if e.cut > 0 {
		if e.members > 0 {
			e.buf = append(e.buf, ',')
		}
		e.buf = appendQuoted(e.buf, echoCut)
		e.buf = append(e.buf, ':', '"')
		e.buf = strconv.AppendInt(e.buf, int64(e.cut), 10)
		if e.cut == 1 {
			e.buf = append(e.buf, " more field"...)
		} else {
			e.buf = append(e.buf, " more fields"...)
		}
		e.buf = append(e.buf, '"')
	}
	e.buf = append(e.buf, '}')
	return e.buf
}

// cutAt returns the largest i <= max that does not split a UTF-8
// sequence of s.
func cutAt(s string, max int) int {
	i := max
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return i
}

// appendEchoString appends s as a JSON string, cut after maxEchoString
// bytes.
func appendEchoString(dst []byte, s string) []byte {
	if len(s) <= maxEchoString {
		return appendQuoted(dst, s)
	}
	return appendQuoted(dst, s[:cutAt(s, maxEchoString)]+echoCut)
}

// appendEchoJSON appends the JSON value v (valid JSON, as json.Decoder
// hands it over) compacted and cut: a string after maxEchoString bytes, a
// number longer than that becomes a cut string, an object or array whose
// compact form passes maxEchoNested bytes becomes the string "{…}[cut]"
// or "[…][cut]".
func appendEchoJSON(dst, v []byte, kind jsonKind) []byte {
	switch kind {
	case kindString:
		return appendEchoJSONString(dst, v)
	case kindObject, kindArray:
		mark := len(dst)
		if out, ok := appendEchoCompact(dst, v, mark+maxEchoNested); ok {
			return out
		}
		if kind == kindObject {
			return appendQuoted(dst[:mark], "{…}[cut]")
		}
		return appendQuoted(dst[:mark], "[…][cut]")
	}
	if len(v) > maxEchoString {
		return appendQuoted(dst, string(v[:maxEchoString])+echoCut)
	}
	return append(dst, v...)
}

// appendEchoJSONString appends the JSON string token v (quotes included),
// cut after about maxEchoString bytes of its text as written, never inside
// an escape sequence or a UTF-8 sequence.
func appendEchoJSONString(dst, v []byte) []byte {
	body := v[1 : len(v)-1]
	if len(body) <= maxEchoString {
		return append(dst, v...)
	}
	i := 0
	for i < len(body) {
		step := 1
		if body[i] == '\\' {
			step = 2
			if i+1 < len(body) && body[i+1] == 'u' {
				step = 6
			}
		}
		if i+step > maxEchoString {
			break
		}
		i += step
	}
	for i > 0 && i < len(body) && !utf8.RuneStart(body[i]) {
		i--
	}
	dst = append(dst, '"')
	dst = append(dst, body[:i]...)
	dst = append(dst, echoCut...)
	return append(dst, '"')
}

// appendEchoCompact appends the object or array v without white space
// outside its strings and with every string cut as appendEchoJSONString
// cuts it. It gives up (false) once dst would pass limit bytes.
func appendEchoCompact(dst, v []byte, limit int) ([]byte, bool) {
	for i := 0; i < len(v); {
		if len(dst) > limit {
			return dst, false
		}
		switch c := v[i]; c {
		case ' ', '\t', '\n', '\r':
			i++
		case '"':
			end, _ := scanString(v, i)
			if end < 0 {
				return dst, false // not valid JSON; json.Decoder hands over no such value
			}
			dst = appendEchoJSONString(dst, v[i:end])
			i = end
		default:
			dst = append(dst, c)
			i++
		}
	}
	return dst, len(dst) <= limit
}
