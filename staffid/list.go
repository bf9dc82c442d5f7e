package staffid

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/bookingkit/bookingkit"
)

// entry is one record of an upload after its own fields were checked.
type entry struct {
	person Person
	errs   []string // nil when valid
	bad    fieldSet // fields that have an error
	echo   echoRef  // the record as sent
}

// list is a decoded and validated upload. Its entries and echoes are kept
// in fixed-size chunks rather than in slices grown by append: 100 000
// records would otherwise be copied again at every growth, several times
// their final size in all.
type list struct {
	chunks  [][]entry // each of capacity entryChunk
	n       int       // entries
	echoes  echoArena // compact copies of the records, for the report
	invalid int       // entries with errors
}

const entryChunk = 1024

func (l *list) len() int { return l.n }

// at returns entry i; its address never changes.
func (l *list) at(i int) *entry { return &l.chunks[i/entryChunk][i%entryChunk] }

// add appends the record just read: its fields become a Person, its
// problems the entry's errors, echo (the record as sent) is kept for the
// report.
func (l *list) add(v *recordValidator, rec *rawRecord, echo []byte) {
	if l.n%entryChunk == 0 {
		l.chunks = append(l.chunks, make([]entry, 0, entryChunk))
	}
	last := &l.chunks[len(l.chunks)-1]
	*last = append(*last, entry{echo: l.echoes.add(echo)})
	l.n++
	e := &(*last)[len(*last)-1]
	v.validate(rec, &e.person)
	e.bad = rec.bad
	if len(rec.errs) > 0 {
		e.errs = append([]string(nil), rec.errs...)
	}
}

// echoArena keeps the records' echoes back to back in blocks of 1 MiB.
type echoArena struct {
	blocks [][]byte
}

// echoRef locates one echo in an echoArena.
type echoRef struct {
	block    int32
	from, to int32
}

const echoBlock = 1 << 20

func (a *echoArena) add(b []byte) echoRef {
	n := len(a.blocks)
	if n == 0 || cap(a.blocks[n-1])-len(a.blocks[n-1]) < len(b) {
		a.blocks = append(a.blocks, make([]byte, 0, max(echoBlock, len(b))))
		n++
	}
	blk := &a.blocks[n-1]
	from := len(*blk)
	*blk = append(*blk, b...)
	return echoRef{block: int32(n - 1), from: int32(from), to: int32(len(*blk))}
}

func (a *echoArena) get(r echoRef) []byte { return a.blocks[r.block][r.from:r.to] }

// check applies the rules over the whole list, gives every person an ID
// and a digest, and counts the invalid records:
//   - every group holds exactly one employee: a second employee, and a
//     companion whose group has none, are invalid;
//   - a companion's empty DateOfEmployment and EmployeeID take its
//     employee's value; a different one is invalid;
//   - two records of the same person are invalid (the second one).
//
// The group rules look at every record whose group field and IsEmployee
// could be read, even when another field is wrong, so that one typo in an
// employee's record does not make all their companions invalid too.
func (l *list) check(v *recordValidator, h *identityHasher) {
	employeeOf := make(map[string]int, l.n/3+1) // group key -> index
	groupKnown := func(e *entry) bool {
		return e.person.GroupKey != "" && !e.bad.has(v.groupField) && !e.bad.has(fieldIsEmployee)
	}
	for i := range l.n {
		e := l.at(i)
		if !groupKnown(e) || !e.person.IsEmployee {
			continue
		}
		if first, ok := employeeOf[e.person.GroupKey]; ok {
			e.addError(fieldIsEmployee, bookingkit.Invalid(v.groupField.String(), shorten(e.person.GroupKey),
				fmt.Sprintf("a second employee in this group (record %d is its employee); a group holds exactly one record with IsEmployee 1", first+1)).Error())
			continue
		}
		employeeOf[e.person.GroupKey] = i
	}
	for i := range l.n {
		e := l.at(i)
		if !groupKnown(e) || e.person.IsEmployee {
			continue
		}
		emp, ok := employeeOf[e.person.GroupKey]
		if !ok {
			e.addError(v.groupField, bookingkit.Invalid(v.groupField.String(), shorten(e.person.GroupKey),
				"no employee in this group; a companion needs a record with IsEmployee 1 and the same "+v.groupField.String()).Error())
			continue
		}
		employee := &l.at(emp).person
		inherit := func(f field, own *string, theirs string) {
			switch {
			case e.bad.has(f) || theirs == "":
			case *own == "":
				*own = theirs
			case *own != theirs:
				e.addError(f, bookingkit.Invalid(f.String(), *own,
					fmt.Sprintf("a companion carries its employee's value %s (record %d)", theirs, emp+1)).Error())
			}
		}
		inherit(fieldEmployeeID, &e.person.EmployeeID, employee.EmployeeID)
		if !e.bad.has(fieldDateOfEmployment) && !employee.DateOfEmployment.IsZero() {
			own := e.person.DateOfEmployment
			switch {
			case own.IsZero():
				e.person.DateOfEmployment = employee.DateOfEmployment
			case own != employee.DateOfEmployment:
				e.addError(fieldDateOfEmployment, bookingkit.Invalid(FieldDateOfEmployment, own.String(),
					fmt.Sprintf("a companion carries its employee's value %s (record %d)", employee.DateOfEmployment, emp+1)).Error())
			}
		}
	}

	identityFields := fieldSet(0).with(fieldLastName).with(fieldFirstName).with(fieldMiddleName) | v.identity
	byID := make(map[string]int, l.n)
	var digestBuf []byte
	for i := range l.n {
		e := l.at(i)
		if e.bad&identityFields == 0 {
			e.person.ID = h.id(&e.person)
			if first, ok := byID[e.person.ID]; ok {
				e.errs = append(e.errs, fmt.Sprintf("the same person as record %d: equal %s", first+1, identityNames(v.identity)))
			} else {
				byID[e.person.ID] = i
			}
		}
		if e.errs != nil {
			l.invalid++
			continue
		}
		e.person.Digest, digestBuf = contentDigest(&e.person, digestBuf)
	}
}

func (e *entry) addError(f field, msg string) {
	e.bad.add(f)
	e.errs = append(e.errs, msg)
}

func identityNames(identity fieldSet) string {
	names := []string{FieldLastName, FieldFirstName, FieldMiddleName}
	for f := range numFields {
		if identity.has(f) {
			names = append(names, f.String())
		}
	}
	return strings.Join(names, ", ")
}

// counts returns the number of employees and companions.
func (l *list) counts() (employees, companions int) {
	for i := range l.n {
		if l.at(i).person.IsEmployee {
			employees++
		} else {
			companions++
		}
	}
	return employees, companions
}

// invalidRecords returns the report's echo of every invalid record.
func (l *list) invalidRecords() []InvalidRecord {
	out := make([]InvalidRecord, 0, l.invalid)
	for i := range l.n {
		e := l.at(i)
		if e.errs == nil {
			continue
		}
		raw := l.echoes.get(e.echo)
		// Strings may carry invalid UTF-8 as sent; a report must be
		// valid JSON text, so those bytes read as U+FFFD.
		raw = bytes.ToValidUTF8(raw, []byte("\ufffd"))
		if !json.Valid(raw) {
			raw = appendQuoted(nil, string(raw)) // cannot happen; never emit broken JSON
		}
		out = append(out, InvalidRecord{Record: json.RawMessage(raw), Error: strings.Join(e.errs, "; "), Index: i + 1})
	}
	return out
}

// people returns pointers to the persons of a valid list.
func (l *list) people() []*Person {
	out := make([]*Person, l.n)
	for i := range l.n {
		out[i] = &l.at(i).person
	}
	return out
}
