package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/bookingkit/bookingkit"
)

// DecodeJSON reads the request body as one JSON value into v: the one way
// a JSON route reads its body. It refuses, each with an error that names
// what is wrong (and a field for [ErrorBody]),
//   - a body not declared application/json (or a +json type), matching
//     bookingkit.ErrUnsupportedMediaType (415): a form post or a body
//     without a type is not read as JSON;
//   - a body over the limit of an [http.MaxBytesReader] (see
//     [LimitBodies]), matching bookingkit.ErrTooLarge (413);
//   - a key twice in one object, compared as encoding/json matches struct
//     fields (ignoring case): encoding/json would silently keep the last;
//   - unknown fields and trailing data.
func DecodeJSON(r *http.Request, v any) error {
	if err := requireJSON(r); err != nil {
		return err
	}
	// The body is read whole (the route's body limit bounds it) so that
	// it can be checked for duplicate keys before it is decoded.
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return TooLarge(tooBig.Limit)
		}
		return fmt.Errorf("request body: %w", err)
	}
	if err := duplicateKey(body); err != nil {
		return fmt.Errorf("request body: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("request body: %w", bookingkit.Invalid("body", "", "valid JSON: "+err.Error()))
	}
	if dec.More() {
		return fmt.Errorf("request body: %w", bookingkit.Invalid("body", "", "a single JSON value"))
	}
	return nil
}

// requireJSON refuses a request whose Content-Type is not JSON.
func requireJSON(r *http.Request) error {
	ct := r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json")) {
		return nil
	}
	reason := "application/json"
	if ct == "" {
		reason = "required: application/json"
	}
	return fmt.Errorf("%w: %w", bookingkit.ErrUnsupportedMediaType, bookingkit.Invalid("Content-Type", ct, reason))
}

// duplicateKey returns an error naming the first key that one object of
// body holds twice, keys compared as encoding/json compares them with a
// struct's field names (Unicode case folding). Malformed JSON is left to
// the decoder, which says where it breaks.
func duplicateKey(body []byte) error {
	type object struct {
		keys      map[string]struct{}
		expectKey bool
	}
	var stack []*object // nil for an array
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil // the end, or malformed: the decoder tells
		}
		var top *object
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.expectKey {
			if d, ok := tok.(json.Delim); ok && d == '}' {
				stack = stack[:len(stack)-1]
				continue
			}
			key, _ := tok.(string)
			folded := strings.ToLower(strings.ToUpper(key))
			if _, dup := top.keys[folded]; dup {
				return bookingkit.Invalid(key, "", "appears more than once in the object")
			}
			top.keys[folded] = struct{}{}
			top.expectKey = false
			continue
		}
		if top != nil {
			top.expectKey = true // this value, then the next key
		}
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{':
				stack = append(stack, &object{keys: map[string]struct{}{}, expectKey: true})
			case '[':
				stack = append(stack, nil)
			case ']':
				stack = stack[:len(stack)-1]
				// The array was a value of its parent, which was set to
				// expect a key when the array opened.
			}
		}
	}
}
