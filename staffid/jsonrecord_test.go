package staffid

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRecordParser(t *testing.T) {
	var p recordParser
	var rec rawRecord
	in := `{ "GUID": 0, "LastName": " Lennon ", "extra": { "a": [1, 2, {"b": " x "}] },
		"birthday": "09.11.1940", "IsEmployee": 1, "Email": null, "FirstName": "J\u00f6hn \"Jo\"\/" }`
	require.NoError(t, p.parse([]byte(in), &rec))
	require.Empty(t, rec.errs)
	require.Equal(t, "0", rec.val[fieldGUID])
	require.Equal(t, "Lennon", rec.val[fieldLastName], "outer spaces trimmed")
	require.Equal(t, "09.11.1940", rec.val[fieldBirthDay], "field names match case-insensitively")
	require.Equal(t, "1", rec.val[fieldIsEmployee])
	require.Equal(t, `Jöhn "Jo"/`, rec.val[fieldFirstName])
	require.True(t, rec.seen.has(fieldEmail))
	require.False(t, rec.set.has(fieldEmail), "null is absent")
	require.Equal(t, `{"GUID":0,"LastName":" Lennon ","extra":{"a":[1,2,{"b":" x "}]},"birthday":"09.11.1940","IsEmployee":1,"Email":null,"FirstName":"J\u00f6hn \"Jo\"\/"}`, string(p.echo))

	require.NoError(t, p.parse([]byte(`{"LastName":{"x":1},"Sex":false,"BirthDay":[],"Sex":"M"}`), &rec))
	require.Equal(t, []string{
		"LastName: expected a string or a number, got an object",
		"Sex: expected a string or a number, got false",
		"BirthDay: expected a string or a number, got an array",
	}, rec.errs)

	require.NoError(t, p.parse([]byte(`{"Sex":"M","SEX":"F"}`), &rec))
	require.Equal(t, []string{"Sex: appears more than once in the record"}, rec.errs)

	// Issue 14, item 9: a key that folds to a field's name as
	// encoding/json folds it ("ſ" is a long s) is that field, so a second
	// spelling is a duplicate, not an unknown field after which the first
	// silently wins.
	require.NoError(t, p.parse([]byte(`{"Sex":"M","ſex":"F"}`), &rec))
	require.Equal(t, []string{"Sex: appears more than once in the record"}, rec.errs)
	require.NoError(t, p.parse([]byte(`{"ſex":"F"}`), &rec))
	require.Empty(t, rec.errs)
	require.Equal(t, "F", rec.val[fieldSex])

	// Item 9: IsEmployee is 1 or 0, not a JSON boolean.
	for _, b := range []string{"true", "false"} {
		require.NoError(t, p.parse([]byte(`{"IsEmployee":`+b+`}`), &rec))
		require.Equal(t, []string{`IsEmployee "` + b + `": expected 1 (employee) or 0 (companion), not a JSON boolean`}, rec.errs)
		require.True(t, rec.bad.has(fieldIsEmployee))
	}

	require.NoError(t, p.parse([]byte(` "a string" `), &rec))
	require.True(t, rec.notRecord)
	require.Equal(t, `"a string"`, string(p.echo))

	require.ErrorIs(t, p.parse([]byte(`{"a":`), &rec), errBadJSON)
}

// FuzzRecordParser: on any valid JSON value (json.Decoder hands over no
// other), the parser reads each field of the list exactly as encoding/json
// reads it, and echoes the value compacted.
func FuzzRecordParser(f *testing.F) {
	for _, s := range []string{
		`{"LastName":"Иванов","FirstName":"Иван","BirthDay":"01.01.1970","EmployeeID":884220062,"IsEmployee":1}`,
		`{"GUID": "a\"b\\c\/d\u00e9\ud83d\ude00\ud800x", "lastname": "x", "LastName": "y"}`,
		`{"Email": null, "IsEmployee": true, "Sex": false, "extra": {"a": [1, {"b": "}"}]}}`,
		`[1, 2]`, `"str"`, `12.5e3`, `null`, `{}`, "{\"LastName\":\"\xff\xfe\"}",
		`{"CategoryCode": -0.5E+2, "BirthDay": [], "Sex": {}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if !json.Valid(b) {
			return
		}
		var p recordParser
		var rec rawRecord
		require.NoError(t, p.parse(b, &rec))

		var compact bytes.Buffer
		require.NoError(t, json.Compact(&compact, b))
		if compact.Len() <= maxEchoString {
			require.Equal(t, compact.String(), string(p.echo), "nothing to cut")
		} else {
			require.True(t, json.Valid(p.echo), "%q", p.echo)
			require.LessOrEqual(t, len(p.echo), maxEchoRecord+maxEchoString, "the echo is bounded")
		}

		var obj map[string]any
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		if dec.Decode(&obj) != nil || obj == nil {
			require.True(t, rec.notRecord)
			require.Len(t, rec.errs, 1)
			return
		}
		require.False(t, rec.notRecord)
		for f := range numFields {
			var keys []string
			for k := range obj {
				if strings.EqualFold(k, f.String()) {
					keys = append(keys, k)
				}
			}
			if len(keys) != 1 {
				// Absent, or present under two spellings (a duplicate key of
				// the same spelling encoding/json silently merges; both are
				// reported as appearing more than once, when the parser saw
				// the key twice).
				if len(keys) > 1 {
					require.True(t, rec.bad.has(f), "field %s twice", f)
				}
				continue
			}
			if rec.bad.has(f) && strings.Contains(strings.Join(rec.errs, "|"), f.String()+": appears more than once") {
				continue // the same key twice: encoding/json keeps the last
			}
			switch v := obj[keys[0]].(type) {
			case string:
				require.Equal(t, strings.TrimSpace(v), rec.val[f], "field %s", f)
				require.Equal(t, rec.val[f] != "", rec.set.has(f))
			case json.Number:
				require.Equal(t, string(v), rec.val[f])
				require.True(t, rec.set.has(f))
			case nil:
				require.False(t, rec.set.has(f))
				require.True(t, rec.seen.has(f))
			case bool:
				require.True(t, rec.bad.has(f), "field %s holds a JSON boolean", f)
			default:
				require.True(t, rec.bad.has(f), "field %s holds %T", f, v)
			}
		}
	})
}
