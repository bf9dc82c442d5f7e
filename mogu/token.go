package mogu

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"hash"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bookingkit/bookingkit"
)

// ErrInvalidToken is the one answer to a claim token that does not hold:
// forged, altered, truncated, signed with a key that was removed, expired,
// or superseded by a reissued voucher. The reasons are not told apart, so a
// caller learns nothing about other bookings or about the keys by trying
// tokens. It matches [bookingkit.ErrUnauthorized].
var ErrInvalidToken = bookingkit.Errorf("mogu: claim token is not valid: %w", bookingkit.ErrUnauthorized)

// Claim token limits and layout.
const (
	// MinKeyLen is the shortest signing key a [Keyring] accepts: 256 bits,
	// the output size of SHA-256.
	MinKeyLen = 32
	// TagLen is the length of a token's truncated HMAC-SHA256 tag: 128 bits.
	TagLen = 16
	// MaxTokenLen bounds the text of a token (with the longest booking ID);
	// longer input is refused before any decoding.
	MaxTokenLen = (tokenFixedLen+MaxBookingIDLen)*8/5 + 1

	tokenVersion  = 1
	tokenHeadLen  = 1 + 2 + 4 + 4 // version, key ID, expiry, generation
	tokenFixedLen = tokenHeadLen + TagLen
	// macDomain separates these MACs from anything else a key might sign.
	macDomain = "bookingkit/mogu/claim\x00"
)

// tokenEncoding writes tokens in upper-case base32 without padding: the
// letters A–Z and digits 2–7 are all in QR's alphanumeric alphabet, so a
// claim URL written in upper case encodes in the denser alphanumeric mode.
var tokenEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// Claim is what a claim token says: which booking, which generation of its
// voucher, and until when it may be claimed.
type Claim struct {
	BookingID  string
	Generation uint32    // the booking's token generation when the voucher was issued ([Trip.TokenGeneration])
	Expires    time.Time // whole seconds, UTC
	KeyID      uint16    // the key that signed it; set by [Keyring.Verify], ignored by [Keyring.Sign]
}

// Key is one claim-signing key. IDs are written into the tokens so that a
// keyring can hold the current key and older ones while vouchers signed
// with them are still in travellers' hands.
type Key struct {
	ID     uint16 // 1..65535; 0 is refused so a forgotten ID is noticed
	Secret []byte // at least MinKeyLen bytes from a cryptographic source
}

// Keyring signs claim tokens with its current key and verifies tokens
// signed with any of its keys. It is immutable and safe for concurrent use:
// to rotate, build a new Keyring whose current key is the new one and whose
// older keys are the ones still to be honoured, and hand it to
// [Service.SetKeyring]. A key left out of the new keyring no longer
// verifies anything.
type Keyring struct {
	current uint16
	keys    map[uint16]*macKey
	// decoy stands in for an unknown key ID so that refusing such a token
	// costs the same time as refusing a bad tag.
	decoy *macKey
}

// macKey pools keyed HMAC states: keying HMAC-SHA256 costs two hash blocks
// and some allocations that a reused state saves.
type macKey struct {
	pool sync.Pool
}

func newMACKey(secret []byte) *macKey {
	secret = slices.Clone(secret)
	return &macKey{pool: sync.Pool{New: func() any { return hmac.New(sha256.New, secret) }}}
}

// sum appends the truncated tag of msg to dst.
func (k *macKey) sum(dst, msg []byte) []byte {
	h := k.pool.Get().(hash.Hash)
	h.Reset()
	h.Write([]byte(macDomain))
	h.Write(msg)
	var full [sha256.Size]byte
	tag := h.Sum(full[:0])
	k.pool.Put(h)
	return append(dst, tag[:TagLen]...)
}

// NewKeyring returns a keyring that signs with current and also verifies
// tokens signed with the older keys. Every key must be at least
// [MinKeyLen] bytes and have its own non-zero ID. The secrets are copied.
func NewKeyring(current Key, older ...Key) (*Keyring, error) {
	kr := &Keyring{current: current.ID, keys: make(map[uint16]*macKey, 1+len(older))}
	for i, k := range append([]Key{current}, older...) {
		field := "keys.current"
		if i > 0 {
			field = "keys.older[" + strconv.Itoa(i-1) + "]"
		}
		if k.ID == 0 {
			return nil, bookingkit.Invalid(field+".id", "0", "key IDs start at 1")
		}
		if len(k.Secret) < MinKeyLen {
			return nil, bookingkit.Invalid(field+".secret", "", fmt.Sprintf("at least %d bytes, got %d", MinKeyLen, len(k.Secret)))
		}
		if _, dup := kr.keys[k.ID]; dup {
			return nil, bookingkit.Invalid(field+".id", strconv.Itoa(int(k.ID)), "used by another key of the keyring")
		}
		kr.keys[k.ID] = newMACKey(k.Secret)
	}
	decoy := make([]byte, MinKeyLen)
	if _, err := rand.Read(decoy); err != nil {
		return nil, fmt.Errorf("mogu: keyring: %w", err)
	}
	kr.decoy = newMACKey(decoy)
	return kr, nil
}

// CurrentKeyID returns the ID of the key that signs new tokens.
func (kr *Keyring) CurrentKeyID() uint16 { return kr.current }

// KeyIDs returns the IDs of every key that verifies, in increasing order.
func (kr *Keyring) KeyIDs() []uint16 {
	ids := make([]uint16, 0, len(kr.keys))
	for id := range kr.keys {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// Sign returns the claim token for c, signed with the current key: about
// (27 + len(BookingID)) × 8/5 characters of upper-case base32. It returns a
// [*bookingkit.ValidationError] when the booking ID is not a valid ID (see
// [Trip.Normalize]) or Expires cannot be written as seconds from 1970 to
// 2106.
func (kr *Keyring) Sign(c Claim) (string, error) {
	if err := validateBookingID(c.BookingID); err != nil {
		return "", err
	}
	exp := c.Expires.Unix()
	if c.Expires.IsZero() || exp <= 0 || exp > math.MaxUint32 {
		return "", bookingkit.Invalid("expires", c.Expires.UTC().Format(time.RFC3339), "between 1970 and 2106")
	}
	var buf [tokenFixedLen + MaxBookingIDLen]byte
	msg := buf[:0]
	msg = append(msg, tokenVersion)
	msg = binary.BigEndian.AppendUint16(msg, kr.current)
	msg = binary.BigEndian.AppendUint32(msg, uint32(exp))
	msg = binary.BigEndian.AppendUint32(msg, c.Generation)
	msg = append(msg, c.BookingID...)
	msg = kr.keys[kr.current].sum(msg, msg)
	return tokenEncoding.EncodeToString(msg), nil
}

// Verify checks token and returns its claim. Letters may come in either
// case. A token that is not exactly one this package could have written,
// whose key is not in the keyring, whose tag does not match, or that has
// expired at now is refused with [ErrInvalidToken], the same error whatever
// the reason; the tag is compared in constant time and checked before the
// expiry, so neither the answer nor its timing tells a forgery from an
// expired voucher.
//
// Verify does not know the booking's current token generation: the caller
// compares [Claim.Generation] with the stored one ([Service.Claim] does).
func (kr *Keyring) Verify(token string, now time.Time) (Claim, error) {
	msg, ok := decodeToken(token)
	if !ok {
		return Claim{}, ErrInvalidToken
	}
	body, tag := msg[:len(msg)-TagLen], msg[len(msg)-TagLen:]
	keyID := binary.BigEndian.Uint16(body[1:3])
	key, known := kr.keys[keyID]
	if !known {
		key = kr.decoy
	}
	var want [TagLen]byte
	if !hmac.Equal(key.sum(want[:0], body), tag) || !known || body[0] != tokenVersion {
		return Claim{}, ErrInvalidToken
	}
	expires := time.Unix(int64(binary.BigEndian.Uint32(body[3:7])), 0).UTC()
	if !now.Before(expires) {
		return Claim{}, ErrInvalidToken
	}
	return Claim{
		BookingID:  string(body[tokenHeadLen:]),
		Generation: binary.BigEndian.Uint32(body[7:11]),
		Expires:    expires,
		KeyID:      keyID,
	}, nil
}

// decodeToken turns token text into its bytes, accepting only the
// canonical encoding (so that no two texts carry the same bytes) of a
// message long enough to hold the header, a one-byte booking ID and a tag.
func decodeToken(token string) ([]byte, bool) {
	if len(token) > MaxTokenLen || len(token) < (tokenFixedLen+1)*8/5 {
		return nil, false
	}
	upper := strings.ToUpper(token)
	msg, err := tokenEncoding.DecodeString(upper)
	if err != nil || len(msg) < tokenFixedLen+1 || len(msg) > tokenFixedLen+MaxBookingIDLen {
		return nil, false
	}
	// base32 leaves a few unused bits in the last character; a text that
	// sets them decodes to the same bytes but is not what Sign wrote.
	if tokenEncoding.EncodedLen(len(msg)) != len(upper) || tokenEncoding.EncodeToString(msg) != upper {
		return nil, false
	}
	return msg, true
}

// PlausibleToken reports whether s could be a claim token, from its text
// alone: base32 letters and digits (either case) within the length
// bounds. A claim URL's landing page uses it to choose between offering
// the app and saying the code is not MOGU's, without reading storage or
// checking the signature, so the page tells nothing about the booking.
func PlausibleToken(s string) bool {
	if len(s) < 16 || len(s) > MaxTokenLen {
		return false
	}
	for _, c := range s {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '2' && c <= '7') {
			return false
		}
	}
	return true
}
