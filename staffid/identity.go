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

// digestVersion prefixes every content digest, as IdentityVersion IDs.
const digestVersion = "c1"

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
	if b, ok := n.fast(s); ok {
		return string(b)
	}
	if !n.init {
		n.fold, n.init = cases.Fold(), true
	}
	t := s
	if !norm.NFKC.IsNormalString(t) {
		t = norm.NFKC.String(t)
	}
	t = n.fold.String(t)
	if !norm.NFKC.IsNormalString(t) {
		t = norm.NFKC.String(t)
	}
	return string(n.collapse(t))
}

// fast normalises text made only of ASCII and the basic Russian alphabet
// (А–я, Ё, ё), nearly every name of the list, without the Unicode tables:
// such text is already NFKC, and its full case folding is plain lower
// case. It reports false for anything else. A test checks it against the
// general path for every one of these characters.
func (n *normalizer) fast(s string) ([]byte, bool) {
	b := n.buf[:0]
	space := false
	for i := 0; i < len(s); {
		c := s[i]
		var r rune
		if c < utf8.RuneSelf {
			switch c {
			case ' ', '\t', '\n', '\v', '\f', '\r':
				space = true
				i++
				continue
			}
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			r = rune(c)
			i++
		} else {
			var size int
			r, size = utf8.DecodeRuneInString(s[i:])
			switch {
			case r >= 'А' && r <= 'Я':
				r += 'а' - 'А'
			case r >= 'а' && r <= 'я':
			case r == 'Ё' || r == 'ё':
				r = 'е'
			default:
				return nil, false
			}
			i += size
		}
		if space && len(b) > 0 {
			b = append(b, ' ')
		}
		space = false
		b = utf8.AppendRune(b, r)
	}
	n.buf = b
	return b, true
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
	return versionedHash(IdentityVersion, h.msg)
}

// versionedHash returns version + ":" + the lowercase hex of the first 16
// bytes of SHA-256(msg).
func versionedHash(version string, msg []byte) string {
	sum := sha256.Sum256(msg)
	var b [8 + 32]byte
	n := copy(b[:], version)
	b[n] = ':'
	hex.Encode(b[n+1:], sum[:16])
	return string(b[:n+1+32])
}

// canonical returns the message that id hashes, for the documentation's
// test vectors.
func (h *identityHasher) canonical(p *Person) string {
	h.id(p)
	return string(h.msg)
}

func (h *identityHasher) component(f field, p *Person) []byte {
	msg := appendComponent(h.msg, f.String())
	switch f {
	case fieldBirthDay:
		return appendDateComponent(msg, p.BirthDay)
	case fieldDateOfEmployment:
		return appendDateComponent(msg, p.DateOfEmployment)
	}
	if b, ok := h.norm.fast(p.text(f)); ok {
		return appendComponentBytes(msg, b)
	}
	return appendComponent(msg, h.norm.normalize(p.text(f)))
}

// appendComponent appends s length-prefixed: its length in bytes in
// decimal, a colon, then s.
func appendComponent(b []byte, s string) []byte {
	b = strconv.AppendInt(b, int64(len(s)), 10)
	b = append(b, ':')
	return append(b, s...)
}

func appendComponentBytes(b, s []byte) []byte {
	b = strconv.AppendInt(b, int64(len(s)), 10)
	b = append(b, ':')
	return append(b, s...)
}

// appendDateComponent appends d as a component in ISO form, "" when zero.
func appendDateComponent(b []byte, d Date) []byte {
	if d.IsZero() {
		return append(b, "0:"...)
	}
	b = append(b, "10:"...)
	return d.appendISO(b)
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
			msg = appendDateComponent(msg, p.BirthDay)
		case fieldDateOfEmployment:
			msg = appendDateComponent(msg, p.DateOfEmployment)
		case fieldIsEmployee:
		case fieldCategoryCode:
			msg = append(msg, "1:"...)
			msg = strconv.AppendInt(msg, int64(p.CategoryCode), 10)
		default:
			msg = appendComponent(msg, p.text(f))
		}
	}
	return versionedHash(digestVersion, msg), msg
}

// ContentDigest returns the digest of p's data (every field of the list,
// the group key and the employee flag; not the ID, flags or timestamps).
// The import compares it with the stored [PersonState.Digest] to find the
// people that changed.
func (p Person) ContentDigest() string {
	d, _ := contentDigest(&p, nil)
	return d
}

// isBasicRussian reports whether s holds only ASCII and А–я, Ё, ё.
func isBasicRussian(s string) bool {
	for _, r := range s {
		if r >= utf8.RuneSelf && !(r >= 'А' && r <= 'я' || r == 'Ё' || r == 'ё') {
			return false
		}
	}
	return true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
