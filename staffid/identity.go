package staffid

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// IdentityVersion prefixes every person ID; a new hashing scheme would get
// a new prefix so IDs of both schemes can never be confused.
const IdentityVersion = "v1"

// Normalize returns the form in which text takes part in a person's
// identity (and in which registration compares what an employee types
// with the list): Unicode NFKC, full case folding, NFKC again, "ё" read as
// "е", outer white space trimmed and inner runs of white space collapsed
// to one space. docs/identity-hash.md specifies it with test vectors.
func Normalize(s string) string {
	var n normalizer
	return n.normalize(s)
}

// normalizer holds the state Normalize needs, so the import reuses it
// across 100 000 records. A normalizer is not safe for concurrent use.
type normalizer struct {
	fold cases.Caser
	init bool
	buf  []byte
}

func (n *normalizer) normalize(s string) string {
	if isASCII(s) {
		// NFKC leaves ASCII alone and folds it to lower case; only the
		// spaces need work. This is the path of every Latin name.
		return string(n.collapseASCII(s))
	}
	if !n.init {
		n.fold, n.init = cases.Fold(), true
	}
	t := norm.NFKC.String(s)
	t = n.fold.String(t)
	t = norm.NFKC.String(t)
	return string(n.collapse(t))
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// collapseASCII lowers s and collapses its white space.
func (n *normalizer) collapseASCII(s string) []byte {
	b := n.buf[:0]
	space := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case ' ', '\t', '\n', '\v', '\f', '\r':
			space = true
			continue
		}
		if space && len(b) > 0 {
			b = append(b, ' ')
		}
		space = false
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	n.buf = b
	return b
}

// collapse maps ё to е and collapses white space of already folded text.
func (n *normalizer) collapse(s string) []byte {
	b := n.buf[:0]
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space && len(b) > 0 {
			b = append(b, ' ')
		}
		space = false
		if r == 'ё' {
			r = 'е'
		}
		b = utf8.AppendRune(b, r)
	}
	n.buf = b
	return b
}

// identityHasher computes person IDs for one identity configuration.
type identityHasher struct {
	fields []field // identity fields after the names, sorted by name
	norm   normalizer
	msg    []byte
}

func newIdentityHasher(identityFields []string) *identityHasher {
	names := slices.Clone(identityFields)
	slices.Sort(names)
	h := &identityHasher{}
	for _, name := range slices.Compact(names) {
		if f, ok := fieldByExactName[name]; ok && f != fieldLastName && f != fieldFirstName && f != fieldMiddleName {
			h.fields = append(h.fields, f)
		}
	}
	return h
}

// id returns p's ID: see docs/identity-hash.md.
func (h *identityHasher) id(p *Person) string {
	h.msg = h.msg[:0]
	h.msg = h.component(fieldLastName, p)
	h.msg = h.component(fieldFirstName, p)
	h.msg = h.component(fieldMiddleName, p)
	for _, f := range h.fields {
		h.msg = h.component(f, p)
	}
	sum := sha256.Sum256(h.msg)
	return IdentityVersion + ":" + hex.EncodeToString(sum[:16])
}

// canonical returns the message that id hashes, for the documentation's
// test vectors.
func (h *identityHasher) canonical(p *Person) string {
	h.id(p)
	return string(h.msg)
}

func (h *identityHasher) component(f field, p *Person) []byte {
	var v string
	switch f {
	case fieldBirthDay:
		v = p.BirthDay.ISO()
	case fieldDateOfEmployment:
		v = p.DateOfEmployment.ISO()
	default:
		v = h.norm.normalize(p.text(f))
	}
	return appendComponent(appendComponent(h.msg, f.String()), v)
}

// appendComponent appends s length-prefixed: its length in bytes in
// decimal, a colon, then s.
func appendComponent(b []byte, s string) []byte {
	b = strconv.AppendInt(b, int64(len(s)), 10)
	b = append(b, ':')
	return append(b, s...)
}

// IdentityID returns the ID of the person p under the identity fields of
// cfg (after [Config.WithDefaults]). Equal IDs mean the same person.
func IdentityID(cfg Config, p Person) string {
	return newIdentityHasher(cfg.WithDefaults().IdentityFields).id(&p)
}

// contentDigest returns the digest of every stored field of p: two records
// of the same person with equal digests need no update. It is versioned
// like the ID ("c1:") so a change of scheme reads as "changed" once, never
// as "unchanged" by mistake.
func contentDigest(p *Person, msg []byte) (string, []byte) {
	msg = msg[:0]
	msg = appendComponent(msg, p.GroupKey)
	if p.IsEmployee {
		msg = appendComponent(msg, "1")
	} else {
		msg = appendComponent(msg, "0")
	}
	for f := range numFields {
		switch f {
		case fieldBirthDay:
			msg = appendComponent(msg, p.BirthDay.ISO())
		case fieldDateOfEmployment:
			msg = appendComponent(msg, p.DateOfEmployment.ISO())
		case fieldIsEmployee:
		case fieldCategoryCode:
			msg = appendComponent(msg, strconv.Itoa(p.CategoryCode))
		default:
			msg = appendComponent(msg, p.text(f))
		}
	}
	sum := sha256.Sum256(msg)
	return "c1:" + hex.EncodeToString(sum[:16]), msg
}

// ContentDigest returns the digest of p's data (every field of the list,
// the group key and the employee flag; not the ID, flags or timestamps).
// The import compares it with the stored [PersonState.Digest] to find the
// people that changed.
func (p Person) ContentDigest() string {
	d, _ := contentDigest(&p, nil)
	return d
}
