// Package password hashes passwords with argon2id and checks new passwords
// against NIST SP 800-63B's rules, with the zxcvbn strength estimator.
//
// Hashes are PHC strings ($argon2id$v=19$m=19456,t=2,p=1$salt$hash), so the
// parameters travel with each hash: raising them later leaves old hashes
// verifiable, and [Verify] says when a hash should be recomputed with the
// current parameters (on the user's next successful login).
package password

import (
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn"
	"golang.org/x/crypto/argon2"
	"golang.org/x/text/unicode/norm"

	"github.com/bookingkit/bookingkit"
)

// Params are argon2id's cost parameters.
type Params struct {
	MemoryKiB uint32
	Time      uint32
	Threads   uint8
	SaltLen   int
	KeyLen    uint32
}

// OWASP is the OWASP Password Storage Cheat Sheet's argon2id minimum:
// 19 MiB of memory, two passes, one thread.
var OWASP = Params{MemoryKiB: 19 * 1024, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

// ErrMalformedHash: a stored hash is not a PHC argon2id string.
var ErrMalformedHash = errors.New("password: malformed hash")

// Hash returns the PHC string of pw under p.
func Hash(pw string, p Params) (string, error) {
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(norm.NFKC.String(pw)), salt, p.Time, p.MemoryKiB, p.Threads, p.KeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.MemoryKiB, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Verify reports whether pw matches the PHC hash, comparing in constant
// time, and whether the hash was made with parameters other than want (so
// the caller should store a new hash now that it knows the password).
func Verify(pw, hash string, want Params) (ok, rehash bool, err error) {
	p, salt, key, err := decode(hash)
	if err != nil {
		return false, false, err
	}
	got := argon2.IDKey([]byte(norm.NFKC.String(pw)), salt, p.Time, p.MemoryKiB, p.Threads, uint32(len(key)))
	if subtle.ConstantTimeCompare(got, key) != 1 {
		return false, false, nil
	}
	rehash = p.MemoryKiB != want.MemoryKiB || p.Time != want.Time || p.Threads != want.Threads || uint32(len(key)) != want.KeyLen
	return true, rehash, nil
}

func decode(hash string) (Params, []byte, []byte, error) {
	// "", "argon2id", "v=19", "m=…,t=…,p=…", salt, key
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return Params{}, nil, nil, ErrMalformedHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return Params{}, nil, nil, ErrMalformedHash
	}
	var p Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.MemoryKiB, &p.Time, &p.Threads); err != nil || p.Time == 0 || p.Threads == 0 || p.MemoryKiB == 0 {
		return Params{}, nil, nil, ErrMalformedHash
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	key, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(salt) < 8 || len(key) < 16 {
		return Params{}, nil, nil, ErrMalformedHash
	}
	return p, salt, key, nil
}

// Policy is what a new password must satisfy (NIST SP 800-63B §5.1.1.2):
// a minimum length, no composition rules, and hard to guess. How hard is
// the zxcvbn estimator's judgement (github.com/trustelem/zxcvbn): it finds
// the words, names, common passwords, keyboard walks, repeats, sequences
// and dates a password is built from, and the person's own details given
// as user inputs, and estimates the guesses an attacker needs. A score
// below 3 (fewer than 10^8 guesses) is refused, as zxcvbn's authors
// advise. A short list of common passwords zxcvbn misses (Russian keyboard
// walks such as йцукен) is refused as well.
type Policy struct {
	MinLength int // in characters; 8 when zero
	MaxLength int // in characters; 256 when zero (argon2 hashes any length, but bodies are finite)
}

// minScore is the lowest zxcvbn score accepted: 3 is "safely
// unguessable: moderate protection from an offline slow-hash scenario"
// (10^8 guesses or more), which argon2id makes.
const minScore = 3

// estimatedLength is how many characters of a password the estimator
// reads. Its cost grows steeply with the length (about 1 ms at 32
// characters, 30-45 ms at 64, 300-450 ms at 256 on the shared CI cores),
// and 64 characters that are hard to guess stay so whatever follows.
const estimatedLength = 64

// Check returns a *bookingkit.ValidationError for field "password" when pw
// breaks the policy, with a reason that says why. userInputs are what is
// known of the person (their email, names, personnel number, birth date):
// a password built from them is refused. The value is never echoed.
func (p Policy) Check(pw string, userInputs ...string) error {
	minLen, maxLen := p.MinLength, p.MaxLength
	if minLen == 0 {
		minLen = 8
	}
	if maxLen == 0 {
		maxLen = 256
	}
	n := utf8.RuneCountInString(pw)
	switch {
	case !utf8.ValidString(pw):
		return bookingkit.Invalidf("password", "", "valid UTF-8 text")
	case n < minLen:
		return bookingkit.Invalidf("password", "", "at least %d characters", minLen)
	case n > maxLen:
		return bookingkit.Invalidf("password", "", "at most %d characters", maxLen)
	case isCommon(pw):
		return bookingkit.Invalidf("password", "", "not one of the commonly used passwords")
	}
	for _, in := range userInputs {
		if !strings.Contains(in, "@") {
			continue
		}
		switch {
		case strings.EqualFold(strings.TrimSpace(pw), strings.TrimSpace(in)):
			return bookingkit.Invalidf("password", "", "not your email address")
		case strings.EqualFold(pw, localPart(in)) && utf8.RuneCountInString(localPart(in)) >= minLen:
			return bookingkit.Invalidf("password", "", "not the name part of your email address")
		}
	}
	if reason := weakness(pw, userInputs); reason.Key != "" {
		return bookingkit.Invalidf("password", "", "harder to guess: %s; a phrase of four or more words that do not belong together is strong and easy to remember", reason)
	}
	return nil
}

// weakness returns why zxcvbn finds pw too easy to guess, or the zero
// Message.
func weakness(pw string, userInputs []string) bookingkit.Message {
	skeleton := asciiSkeleton(norm.NFKC.String(pw))
	if len(skeleton) > estimatedLength {
		skeleton = skeleton[:estimatedLength]
	}
	r := zxcvbn.PasswordStrength(skeleton, inputWords(userInputs))
	if r.Score >= minScore {
		return bookingkit.Message{}
	}
	// Name the weakest kind of part the estimator found: the one the
	// attacker guesses first is what the person should change.
	reasons := map[string]bookingkit.Message{
		"user_inputs": bookingkit.Msg("it is built from your own details (name, email, personnel number or birth date)"),
		"passwords":   bookingkit.Msg("it is built from commonly used passwords"),
		"repeat":      bookingkit.Msg("it repeats characters or groups of characters"),
		"sequence":    bookingkit.Msg("it follows a sequence such as 1234 or abcd"),
		"spatial":     bookingkit.Msg("it follows a keyboard pattern such as qwerty"),
		"date":        bookingkit.Msg("it is built from a date"),
		"regex":       bookingkit.Msg("it is built from a year"),
		"dictionary":  bookingkit.Msg("it is built from a few common words or names"),
	}
	for _, kind := range []string{"user_inputs", "passwords", "repeat", "sequence", "spatial", "date", "regex", "dictionary"} {
		for _, m := range r.Sequence {
			if m.Pattern == kind || m.Pattern == "dictionary" && m.DictionaryName == kind {
				return reasons[kind]
			}
		}
	}
	return bookingkit.Msg("it is too short for the characters it uses")
}

// inputWords turns what is known of the person into the words zxcvbn
// matches: each whole input, its parts (an email's name and domain parts,
// each of several names), and its parts run together (a full name
// "John Lennon" as "johnlennon", a date's digits), all in the password's
// ASCII skeleton form. Whole words matter: zxcvbn rates a password by how
// many parts it has, so "johnlennon1940" made of the names "john" and
// "lennon" and a year passes, made of "johnlennon" and a year does not.
func inputWords(userInputs []string) []string {
	var words []string
	add := func(w string) {
		if w = strings.ToLower(asciiSkeleton(norm.NFKC.String(strings.TrimSpace(w)))); len(w) >= 3 && !slices.Contains(words, w) {
			words = append(words, w)
		}
	}
	for _, in := range userInputs {
		add(in)
		parts := strings.FieldsFunc(in, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		for _, part := range parts {
			add(part)
		}
		if len(parts) > 1 {
			add(strings.Join(parts, ""))
		}
	}
	return words
}

// asciiSkeleton maps a password to ASCII for the estimator, which counts
// bytes as characters and so misjudges other scripts (a 14-letter Russian
// phrase scored 0). Cyrillic letters become the Latin letters of their
// usual transliteration (one each, so "пароль" reads "parol'" and a repeated
// letter stays repeated); Latin letters lose their accents; any other
// character becomes one of a fixed series of letters, the same for the
// same character, so repeats still show and nothing reads as a word.
func asciiSkeleton(s string) string {
	var b strings.Builder
	var others map[rune]byte
	for _, r := range s {
		if r < utf8.RuneSelf {
			b.WriteRune(r)
			continue
		}
		lower := unicode.ToLower(r)
		if t, ok := cyrillic[lower]; ok {
			if lower != r && t >= 'a' && t <= 'z' {
				t -= 'a' - 'A'
			}
			b.WriteByte(t)
			continue
		}
		if base := stripAccents(r); base != 0 {
			b.WriteByte(base)
			continue
		}
		if others == nil {
			others = map[rune]byte{}
		}
		c, ok := others[r]
		if !ok {
			c = otherLetters[len(others)%len(otherLetters)]
			others[r] = c
		}
		b.WriteByte(c)
	}
	return b.String()
}

// otherLetters stand for characters of scripts without a transliteration;
// their order makes no keyboard walk, sequence or word.
const otherLetters = "qzjxkvbpgwyfmcudlhrnsitoae"

// cyrillic is a one-letter transliteration of Russian, Ukrainian and
// Belarusian letters.
var cyrillic = map[rune]byte{
	'а': 'a', 'б': 'b', 'в': 'v', 'г': 'g', 'д': 'd', 'е': 'e', 'ё': 'e', 'ж': 'z', 'з': 'z', 'и': 'i',
	'й': 'j', 'к': 'k', 'л': 'l', 'м': 'm', 'н': 'n', 'о': 'o', 'п': 'p', 'р': 'r', 'с': 's', 'т': 't',
	'у': 'u', 'ф': 'f', 'х': 'h', 'ц': 'c', 'ч': 'c', 'ш': 's', 'щ': 's', 'ъ': '\'', 'ы': 'y', 'ь': '\'',
	'э': 'e', 'ю': 'u', 'я': 'a', 'і': 'i', 'ї': 'i', 'є': 'e', 'ґ': 'g', 'ў': 'u',
}

// stripAccents returns the ASCII base letter of an accented Latin letter
// (é → e), or 0.
func stripAccents(r rune) byte {
	var base byte
	for _, d := range norm.NFKD.String(string(r)) {
		switch {
		case d < utf8.RuneSelf && base == 0:
			base = byte(d)
		case unicode.Is(unicode.Mn, d):
		default:
			return 0
		}
	}
	return base
}

func localPart(email string) string {
	at := strings.LastIndexByte(email, '@')
	if at < 0 {
		return email
	}
	return email[:at]
}

//go:embed common.txt
var commonList string

var common = func() map[string]struct{} {
	m := map[string]struct{}{}
	for _, line := range strings.Split(commonList, "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			m[strings.ToLower(line)] = struct{}{}
		}
	}
	return m
}()

func isCommon(pw string) bool {
	_, ok := common[strings.ToLower(pw)]
	return ok
}
