package staffid

import "strings"

// rawRecord is one record as read from the upload, before validation:
// each known field's value as text (JSON numbers and booleans as written,
// strings unescaped, outer spaces trimmed), plus the problems found while
// reading it. The decoder reuses one rawRecord for every record.
type rawRecord struct {
	val  [numFields]string
	set  fieldSet // fields with a non-empty value
	seen fieldSet // fields whose key appeared, even as null
	bad  fieldSet // fields that already have an error
	errs []string
	// notRecord is set when the value is not a record at all (a JSON
	// string in the array): its one error says so, no field is checked.
	notRecord bool
}

func (r *rawRecord) reset() {
	errs := r.errs[:0]
	*r = rawRecord{errs: errs}
}

// addError notes a problem of field f.
func (r *rawRecord) addError(f field, msg string) {
	r.bad.add(f)
	r.errs = append(r.errs, msg)
}

// setValue stores v (already unescaped) as the value of f.
func (r *rawRecord) setValue(f field, v string) {
	v = strings.TrimSpace(v)
	r.val[f] = v
	if v != "" {
		r.set.add(f)
	}
}
