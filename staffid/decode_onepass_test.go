package staffid

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/staffid/staffidtest"
)

// readBoth reads body with readJSON (one pass) and with readJSONSlowly
// (encoding/json from the start), each through a reader that gives it in
// chunks of chunk bytes and then fails with readErr (nil: ends), and
// returns what each made of it: the error, the records and the invalid
// ones as the report lists them.
func readBoth(t testing.TB, body []byte, chunk int, readErr error) [2]string {
	var out [2]string
	for i := range out {
		lr := &listReader{ctx: context.Background(), limits: Limits{MaxRecords: 40}.withDefaults(),
			validator: newRecordValidator(Config{}.WithDefaults(), DateOf(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)))}
		lr.list.maxValidEcho, lr.list.maxDetail = 1<<20, 1<<20
		var r io.Reader = &chunkReader{b: body, chunk: chunk, err: readErr}
		var err error
		if i == 0 {
			err = lr.readJSON(r)
		} else {
			dec := json.NewDecoder(r)
			dec.UseNumber()
			err = lr.readJSONSlowly(dec, true)
		}
		lr.list.check(lr.validator, newIdentityHasher(nil))
		invalid, omitted := lr.list.invalidRecords(1 << 20)
		report, jerr := json.Marshal(invalid)
		require.NoError(t, jerr)
		out[i] = fmt.Sprintf("error %v\nrecords %d, invalid %d (%d omitted)\n%s", err, lr.list.len(), lr.list.invalid, omitted, report)
	}
	return out
}

// chunkReader gives b chunk bytes at a time, then err (io.EOF when nil).
type chunkReader struct {
	b     []byte
	chunk int
	err   error
}

func (r *chunkReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		if r.err == nil {
			return 0, io.EOF
		}
		return 0, r.err
	}
	n := copy(p[:min(len(p), r.chunk)], r.b)
	r.b = r.b[n:]
	return n, nil
}

// The one-pass reader reads every list, well-formed or not, as
// encoding/json's decoder did: the same records, the same invalid ones,
// the same error to the byte offset. The lists are cut, spoilt and
// followed by other bytes everywhere, and given in small and large
// chunks, ending or failing.
func TestReadJSONOnePassAsEncodingJSON(t *testing.T) {
	records := staffidtest.GenerateRecords(12, 3)
	records[4].Sex = "X"
	list := staffidtest.MarshalList(records)
	bodies := map[string][]byte{
		"list":  list,
		"empty": nil, "space": []byte(" \n"), "empty list": []byte(" [ ] "), "not a list": []byte(`{"a":1}`),
		"values":                    []byte(`[ 1 , "x", null, true, -0.5e+3, [1, {"a": [2]}], {"LastName": {"x": [1, 2]}, "Sex": "M"} ]`),
		"escapes":                   []byte(`[{"LastName": "\u0418\u0432\u0430\u043d\u043e\u0432 \"x\" \\ \/ \b\f\n\r\t", "Last\u004eame": "y"}]`),
		"bad escape":                []byte(`[{"LastName": "x"}, {"LastName": "a\x"}]`),
		"control":                   []byte("[{\"LastName\": \"x\"}, {\"LastName\": \"a\tb\"}]"),
		"numbers":                   []byte(`[{"CategoryCode": 01}, {"CategoryCode": 1.}, {"CategoryCode": -}, {"CategoryCode": 1e}]`),
		"missing comma in a record": []byte(`[{"LastName": "x" "FirstName": "y"}]`),
		"missing comma":             []byte(`[{"LastName": "x"} {"LastName": "y"}]`),
		"trailing comma":            []byte(`[{"LastName": "x"},]`),
		"two lists":                 []byte(`[{"LastName": "x"}] []`),
		"literals":                  []byte(`[tru, nul, falsey]`),
	}
	for i := 0; i < len(list); i += 37 {
		bodies[fmt.Sprintf("cut at %d", i)] = list[:i]
		for _, c := range []string{"}", "{", ",", "]", "x", "\"", " ", "\x01", "1"} {
			b := append(append(append([]byte(nil), list[:i]...), c...), list[i:]...)
			bodies[fmt.Sprintf("%q at %d", c, i)] = b
		}
	}
	for name, body := range bodies {
		for _, chunk := range []int{1, 7, 1 << 20} {
			for _, readErr := range []error{nil, errors.New("connection reset")} {
				got := readBoth(t, body, chunk, readErr)
				require.Equal(t, got[1], got[0], "%s, chunks of %d, %v", name, chunk, readErr)
			}
		}
	}
	require.Contains(t, readBoth(t, bodies["list"], 1<<20, nil)[0], "error <nil>\nrecords 12, invalid 1")
}

// A record longer than the reader's buffer is read whole.
func TestReadJSONOnePassLongRecord(t *testing.T) {
	body := []byte(`[{"LastName": "` + strings.Repeat("Щ", 100_000) + `"}, {"Extra": "` + strings.Repeat("x", 200_000) + `"}]`)
	got := readBoth(t, body, 1<<20, nil)
	require.Equal(t, got[1], got[0])
	require.Contains(t, got[0], "records 2")
}

// FuzzReadJSONOnePass: whatever the body, the one-pass reader and
// encoding/json read it alike.
func FuzzReadJSONOnePass(f *testing.F) {
	f.Add(staffidtest.GenerateList(3, 1), 5)
	f.Add([]byte(`[{"LastName": "x" "FirstName": "y"}] x`), 1)
	f.Add([]byte(`[1, [2, {"a": "\u12"}]]`), 3)
	f.Fuzz(func(t *testing.T, body []byte, chunk int) {
		chunk = 1 + min(max(chunk, 0), 1<<20)
		got := readBoth(t, body, chunk, nil)
		require.Equal(t, got[1], got[0])
	})
}
