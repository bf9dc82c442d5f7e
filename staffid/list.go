package staffid

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bookingkit/bookingkit"
)

// entry is one record of an upload after its own fields were checked.
type entry struct {
	// person is the record's person, nil once the store took it while
	// the list was read (see [list.stream]) unless the list keeps taken
	// people: the list then keeps only what the rules over the whole list
	// and the plan need, in id, digest and isEmployee.
	person     *Person
	taken      bool    // by the store, as the list was read
	id, digest hashKey // of a taken person
	isEmployee bool
	errs       []string // nil when valid, or when dropped
	bad        fieldSet // fields that have an error
	echo       echoRef  // the record as sent; noEcho when not kept
	// dropped is set on an invalid record whose errors and echo were not
	// kept: the list's budget for them was spent (see list.keep).
	dropped bool
}

func (e *entry) isInvalid() bool { return e.errs != nil || e.dropped }

// list is a decoded and validated upload. Its entries, their people and
// the echoes are kept in fixed-size chunks rather than in slices grown by
// append: 100 000 records would otherwise be copied again at every
// growth, several times their final size in all.
//
// What the list keeps for the report is bounded, whatever the upload: the
// echoes of valid records (which a rule over the whole list may still
// make invalid) up to maxValidEcho bytes, the errors and echoes of invalid
// records up to maxDetail bytes. Past those, a valid record keeps no echo
// (its report entry is rebuilt from its fields, all valid) and an invalid
// one is only counted.
type list struct {
	chunks  [][]entry // each of capacity entryChunk
	persons []Person  // the people of the last chunk's entries
	n       int       // entries
	echoes  echoArena // compact copies of the records, for the report
	invalid int       // entries with errors

	maxValidEcho, maxDetail int
	validEcho, detail       int      // bytes kept so far
	checked                 *checked // the state of check, once it began
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
		l.persons = make([]Person, entryChunk)
	}
	last := &l.chunks[len(l.chunks)-1]
	*last = append(*last, entry{person: &l.persons[len(*last)], echo: noEcho})
	l.n++
	e := &(*last)[len(*last)-1]
	v.validate(rec, e.person)
	e.bad, e.isEmployee = rec.bad, e.person.IsEmployee
	if len(rec.errs) == 0 {
		// A record the store took is valid for good: no rule can make it
		// invalid, and it needs no echo.
		if !l.advance() && l.validEcho+len(echo) <= l.maxValidEcho {
			l.validEcho += len(echo)
			e.echo = l.echoes.add(echo)
		}
		return
	}
	if l.checked != nil {
		l.checked.stage = nil // the stream stops at the first invalid record
	}
	size := len(echo)
	for _, msg := range rec.errs {
		size += len(msg)
	}
	if !l.keep(e, size) {
		return
	}
	e.errs = append([]string(nil), rec.errs...)
	e.echo = l.echoes.add(echo)
}

// keep reports whether size more bytes of e's errors (and echo) fit in
// the list's budget for invalid records, and takes them; when they do not
// fit, e is dropped: counted as invalid, its errors and echo forgotten.
// The report could not show them anyway: it stops at MaxReportBytes, and
// the budget is twice that.
func (l *list) keep(e *entry, size int) bool {
	if e.dropped {
		return false
	}
	if l.detail+size > l.maxDetail {
		e.dropped, e.errs, e.echo = true, nil, noEcho
		return false
	}
	l.detail += size
	return true
}

// echoArena keeps the records' echoes back to back in blocks of up to
// 1 MiB.
type echoArena struct {
	blocks [][]byte
}

// echoRef locates one echo in an echoArena.
type echoRef struct {
	block    int32
	from, to int32
}

// noEcho is the echoRef of a record whose echo was not kept.
var noEcho = echoRef{block: -1}

const echoBlock = 1 << 20

func (a *echoArena) add(b []byte) echoRef {
	n := len(a.blocks)
	if n == 0 || cap(a.blocks[n-1])-len(a.blocks[n-1]) < len(b) {
		// The first blocks are small, so that a short list does not
		// clear a whole megabyte: 16 KiB, doubling up to echoBlock.
		size := min(echoBlock, 16<<10<<min(n, 6))
		a.blocks = append(a.blocks, make([]byte, 0, max(size, len(b))))
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
//
// When the list streams (see [list.advance]), the records staged while it
// was read were checked already, and check goes on after them with what
// they left in l.checked.
func (l *list) check(v *recordValidator, h *identityHasher) {
	c := l.checkState(v, h)
	groupKnown := func(e *entry) bool {
		return e.person != nil && e.person.GroupKey != "" && !e.bad.has(v.groupField) && !e.bad.has(fieldIsEmployee)
	}
	for i := c.from; i < l.n; i++ {
		e := l.at(i)
		if !groupKnown(e) || !e.person.IsEmployee {
			continue
		}
		if first, ok := c.employeeOf[e.person.GroupKey]; ok {
			l.addError(e, fieldIsEmployee, bookingkit.Invalid(v.groupField.String(), shorten(e.person.GroupKey),
				fmt.Sprintf("a second employee in this group (record %d is its employee); a group holds exactly one record with IsEmployee 1", first.at+1)).Error())
			continue
		}
		c.addEmployee(i, e.person)
	}
	for i := c.from; i < l.n; i++ {
		e := l.at(i)
		if !groupKnown(e) || e.person.IsEmployee {
			continue
		}
		employee, ok := c.employeeOf[e.person.GroupKey]
		if !ok {
			l.addError(e, v.groupField, bookingkit.Invalid(v.groupField.String(), shorten(e.person.GroupKey),
				"no employee in this group; a companion needs a record with IsEmployee 1 and the same "+v.groupField.String()).Error())
			continue
		}
		emp := employee.at
		inherit := func(f field, own *string, theirs string) {
			switch {
			case e.bad.has(f) || theirs == "":
			case *own == "":
				*own = theirs
			case *own != theirs:
				l.addError(e, f, bookingkit.Invalid(f.String(), *own,
					fmt.Sprintf("a companion carries its employee's value %s (record %d)", theirs, emp+1)).Error())
			}
		}
		inherit(fieldEmployeeID, &e.person.EmployeeID, employee.employeeID)
		if !e.bad.has(fieldDateOfEmployment) && !employee.dateOfEmployment.IsZero() {
			own := e.person.DateOfEmployment
			switch {
			case own.IsZero():
				e.person.DateOfEmployment = employee.dateOfEmployment
			case own != employee.dateOfEmployment:
				l.addError(e, fieldDateOfEmployment, bookingkit.Invalid(FieldDateOfEmployment, own.String(),
					fmt.Sprintf("a companion carries its employee's value %s (record %d)", employee.dateOfEmployment, emp+1)).Error())
			}
		}
	}

	identityFields := fieldSet(0).with(fieldLastName).with(fieldFirstName).with(fieldMiddleName) | v.identity
	for i := c.from; i < l.n; i++ {
		e := l.at(i)
		if e.bad&identityFields == 0 {
			e.person.ID = h.id(e.person)
			key := mustHashKey(e.person.ID)
			if first, ok := c.byID[key]; ok {
				l.addError(e, numFields, fmt.Sprintf("the same person as record %d: equal %s", first+1, identityNames(v.identity)))
			} else {
				c.byID[key] = int32(i)
			}
		}
		if e.isInvalid() {
			l.invalid++
			continue
		}
		e.person.Digest, c.digestBuf = contentDigest(e.person, c.digestBuf)
	}
	c.from = l.n
}

// checked is what [list.check] knows of the records before from: the
// employee of each group and the first record of each person.
type checked struct {
	from       int
	employeeOf map[string]employeeRef // by group key
	byID       map[hashKey]int32      // person ID -> index
	digestBuf  []byte
	v          *recordValidator
	h          *identityHasher
	stage      func(*Person) bool // nil unless the list streams
}

// employeeRef is what a group's companions take from its employee: the
// employee's record (for messages) and the values a companion inherits.
// The strings are copies, so that the employee's record is not kept for
// them once the store took it.
type employeeRef struct {
	at               int32
	employeeID       string
	dateOfEmployment Date
}

func (c *checked) addEmployee(i int, p *Person) {
	ref := employeeRef{at: int32(i), employeeID: strings.Clone(p.EmployeeID), dateOfEmployment: p.DateOfEmployment}
	group := ref.employeeID
	if p.GroupKey != group {
		group = strings.Clone(p.GroupKey)
	}
	c.employeeOf[group] = ref
}

func (l *list) checkState(v *recordValidator, h *identityHasher) *checked {
	if l.checked == nil {
		l.checked = &checked{employeeOf: make(map[string]employeeRef, l.n/3+1), byID: make(map[hashKey]int32, l.n), v: v, h: h}
	}
	return l.checked
}

// stream makes the list pass each record to stage as soon as no later
// record can change it or make it invalid, while every record before it
// is valid too: stage gets a prefix of the list's people, final (their ID
// and digest set), in the list's order, and check goes on after them.
// When stage reports that the store took a person, the list keeps only
// the person's ID, digest and kind (see [list.plan]).
func (l *list) stream(v *recordValidator, h *identityHasher, stage func(*Person) bool) {
	l.checkState(v, h).stage = stage
}

// advance stages the record just added when the rules of check, applied
// to it now, find nothing: it is valid, an employee whose group has none
// yet, or a companion whose employee came before it without a conflicting
// value, and the first record of its person. Any other record stops the
// stream: check then sees it, and all the records after it, as it would
// without streaming, with the same results. It reports whether the store
// took the record's person.
func (l *list) advance() bool {
	c := l.checked
	if c == nil || c.stage == nil {
		return false
	}
	i := l.n - 1
	e := l.at(i)
	if c.from != i || e.isInvalid() || e.bad != 0 || e.person.GroupKey == "" {
		c.stage = nil
		return false
	}
	p := *e.person
	employee, hasEmployee := c.employeeOf[p.GroupKey]
	if p.IsEmployee == hasEmployee {
		c.stage = nil // a second employee, or a companion before its employee
		return false
	}
	if !p.IsEmployee {
		if employee.employeeID != "" {
			if p.EmployeeID != "" && p.EmployeeID != employee.employeeID {
				c.stage = nil
				return false
			}
			p.EmployeeID = employee.employeeID
		}
		if !employee.dateOfEmployment.IsZero() {
			if !p.DateOfEmployment.IsZero() && p.DateOfEmployment != employee.dateOfEmployment {
				c.stage = nil
				return false
			}
			p.DateOfEmployment = employee.dateOfEmployment
		}
	}
	p.ID = c.h.id(&p)
	key := mustHashKey(p.ID)
	if _, dup := c.byID[key]; dup {
		c.stage = nil
		return false
	}
	if p.IsEmployee {
		c.addEmployee(i, &p)
	}
	c.byID[key] = int32(i)
	p.Digest, c.digestBuf = contentDigest(&p, c.digestBuf)
	*e.person = p
	c.from = l.n
	if !c.stage(e.person) {
		return false
	}
	e.taken, e.id, e.digest = true, key, mustHashKey(p.Digest)
	e.person = nil
	return true
}

// addError notes a problem of field f (numFields: of the whole record)
// found by a rule over the whole list.
func (l *list) addError(e *entry, f field, msg string) {
	if f < numFields {
		e.bad.add(f)
	}
	size := len(msg)
	if e.errs == nil && e.echo != noEcho {
		// A valid record's echo now belongs to an invalid one.
		size += int(e.echo.to - e.echo.from)
	}
	if l.keep(e, size) {
		e.errs = append(e.errs, msg)
	}
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
		if l.at(i).isEmployee {
			employees++
		} else {
			companions++
		}
	}
	return employees, companions
}

// invalidRecords returns the report's entries of the invalid records, in
// the list's order, as many as fit in maxBytes (echoes and errors
// together), and how many invalid records it left out: those past the
// limit and those the list dropped.
func (l *list) invalidRecords(maxBytes int) ([]InvalidRecord, int) {
	out := make([]InvalidRecord, 0, min(l.invalid, 1024))
	size, omitted, full := 0, 0, false
	for i := range l.n {
		e := l.at(i)
		if !e.isInvalid() {
			continue
		}
		if full || e.dropped {
			omitted++
			continue
		}
		var raw []byte
		if e.echo == noEcho {
			raw = personEcho(e.person)
		} else {
			raw = l.echoes.get(e.echo)
		}
		// Strings may carry invalid UTF-8 as sent; a report must be
		// valid JSON text, so those bytes read as U+FFFD.
		if !utf8.Valid(raw) {
			raw = bytes.ToValidUTF8(raw, []byte("\ufffd"))
		}
		if !json.Valid(raw) {
			raw = appendQuoted(nil, string(raw)) // cannot happen; never emit broken JSON
		}
		msg := strings.Join(e.errs, "; ")
		// 21: {"record":,"error":} and the comma before the entry.
		if size += len(raw) + quotedLen(msg) + 21; size > maxBytes {
			full = true
			omitted++
			continue
		}
		out = append(out, InvalidRecord{Record: json.RawMessage(raw), Error: msg, Index: i + 1})
	}
	return out, omitted
}

// quotedLen is the length of s as encoding/json writes it, quoted and
// escaped (HTML characters left as they are, as the report is written).
func quotedLen(s string) int {
	n := 2
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t':
				n += 2
			case c < 0x20:
				n += 6
			default:
				n++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			n += 6 // \ufffd
		case r == '\u2028' || r == '\u2029':
			n += 6
		default:
			n += size
		}
		i += size
	}
	return n
}

// personEcho writes the fields of p, a record whose own fields were all
// valid but whose echo was not kept, as its report entry's record.
func personEcho(p *Person) []byte {
	var e echoBuilder
	e.reset(nil)
	str := func(name, v string) {
		if v != "" {
			mark := e.begin()
			e.buf = appendEchoString(e.buf, name)
			e.buf = append(e.buf, ':')
			e.buf = appendEchoString(e.buf, v)
			e.end(mark)
		}
	}
	str(FieldGUID, p.GUID)
	str(FieldLastName, p.LastName)
	str(FieldFirstName, p.FirstName)
	str(FieldMiddleName, p.MiddleName)
	str(FieldLastNameEng, p.LastNameEng)
	str(FieldFirstNameEng, p.FirstNameEng)
	str(FieldMiddleNameEng, p.MiddleNameEng)
	if !p.BirthDay.IsZero() {
		str(FieldBirthDay, p.BirthDay.String())
	}
	str(FieldSex, p.Sex)
	if !p.DateOfEmployment.IsZero() {
		str(FieldDateOfEmployment, p.DateOfEmployment.String())
	}
	str(FieldEmployeeID, p.EmployeeID)
	isEmployee := "0"
	if p.IsEmployee {
		isEmployee = "1"
	}
	str(FieldIsEmployee, isEmployee)
	str(FieldCategoryCode, strconv.Itoa(p.CategoryCode))
	str(FieldEmail, p.Email)
	str(FieldRelationDegree, p.RelationDegree)
	return e.finish()
}

// people returns pointers to the persons of a valid list that it keeps:
// all of them but those a [StreamingImportStore] took while the list was
// read.
func (l *list) people() []*Person {
	out := make([]*Person, 0, l.n)
	for i := range l.n {
		if p := l.at(i).person; p != nil {
			out = append(out, p)
		}
	}
	return out
}

// plan is [PlanSync] for the list, valid, whose people the store took
// while it was read are not at hand: the store stores them itself when
// the plan creates them (Plan.CreateStaged counts them), and updates from
// what it took those that another import stored meanwhile (on SQLite,
// where the list is read before the lock) when they changed
// (Plan.UpdateStaged).
func (l *list) plan(current []PersonState, at time.Time) *Plan {
	// Each stored person is looked up among the list's people, by the
	// index check made of them, rather than each of those in a map of
	// the stored people built for it.
	plan := &Plan{At: at}
	stored := make([]int32, l.n) // entry i's stored person: 1 + its index in current, or 0
	for i, s := range current {
		if !s.Blocked {
			plan.Active++
		}
		if key, ok := parseHashKey(s.ID, IdentityVersion); ok {
			if e, ok := l.checked.byID[key]; ok {
				stored[e] = int32(i) + 1
				continue
			}
		}
		if !s.Blocked {
			plan.Block = append(plan.Block, s.ID)
		}
	}
	plan.Counts.Blocked = len(plan.Block)
	for i := range l.n {
		e, s, ok := l.at(i), PersonState{}, stored[i] > 0
		if ok {
			s = current[stored[i]-1]
		}
		if !e.taken {
			plan.add(e.person, s, ok)
			continue
		}
		switch {
		case !ok:
			plan.CreateStaged++
			plan.Counts.Created++
		case s.Blocked:
			plan.UpdateStaged = append(plan.UpdateStaged, s.ID)
			plan.Counts.Unblocked++
		case s.Digest != e.digest.String(digestVersion):
			plan.UpdateStaged = append(plan.UpdateStaged, s.ID)
			plan.Counts.Updated++
		default:
			plan.Counts.Unchanged++
		}
	}
	return plan
}

// hashKey is the 16 bytes of an identity hash or a content digest (see
// versionedHash), which the list keeps instead of their 35-byte text.
type hashKey [16]byte

// parseHashKey reads the hash of s, which versionedHash wrote with
// version; false for any other text.
func parseHashKey(s, version string) (hashKey, bool) {
	var k hashKey
	if len(s) != len(version)+1+2*len(k) || s[:len(version)] != version || s[len(version)] != ':' {
		return k, false
	}
	_, err := hex.Decode(k[:], []byte(s[len(version)+1:]))
	return k, err == nil
}

// mustHashKey is parseHashKey for a hash this package wrote.
func mustHashKey(s string) hashKey {
	i := strings.IndexByte(s, ':')
	k, ok := parseHashKey(s, s[:max(i, 0)])
	if !ok {
		panic("staffid: not a versioned hash: " + s)
	}
	return k
}

func (k hashKey) appendTo(b []byte, version string) []byte {
	b = append(append(b, version...), ':')
	return hex.AppendEncode(b, k[:])
}

func (k hashKey) String(version string) string { return string(k.appendTo(nil, version)) }
