package partner

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/bookingkit/bookingkit"
)

// DefaultImpersonationTTL is how long an impersonation link stays valid
// when [Service.ImpersonationTTL] is zero: long enough to click it.
const DefaultImpersonationTTL = 2 * time.Minute

// MinImpersonationKeyLength is the shortest accepted signing key, in bytes.
const MinImpersonationKeyLength = 32

// ImpersonationClaims is what an impersonation link says: who may open the
// web panel as which licence's user, until when. Nonce makes each link
// unique, so that it can be used once.
type ImpersonationClaims struct {
	LicenceID string
	ActorID   string // the partner user or administrator who made the link
	ExpiresAt time.Time
	Nonce     string
}

// ImpersonationLink is a link made by [Service.ImpersonationLink].
type ImpersonationLink struct {
	URL       string // PanelURL with the token as query parameter "token"
	Token     string
	ExpiresAt time.Time
}

// Impersonation is an opened link: the panel signs its bearer in as the
// licence's user.
type Impersonation struct {
	Claims  ImpersonationClaims
	Licence Licence
}

const tokenVersion = "p1"

// SignImpersonation returns the token for claims, signed with key. The
// token is "<payload>.<signature>", both base64url: the payload holds the
// claims separated by "|", the signature is HMAC-SHA256 of the encoded
// payload.
func SignImpersonation(key []byte, c ImpersonationClaims) string {
	payload := strings.Join([]string{tokenVersion, c.LicenceID, c.ActorID, strconv.FormatInt(c.ExpiresAt.Unix(), 10), c.Nonce}, "|")
	p := base64.RawURLEncoding.EncodeToString([]byte(payload))
	return p + "." + base64.RawURLEncoding.EncodeToString(tokenMAC(key, p))
}

func tokenMAC(key []byte, encodedPayload string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(encodedPayload))
	return m.Sum(nil)
}

// maxTokenLength bounds what is parsed: the longest real token is well
// under it.
const maxTokenLength = 512

// VerifyImpersonation checks token's signature with key (in constant
// time) and its expiry at now, and returns its claims. Every failure —
// malformed, forged, expired — matches bookingkit.ErrUnauthorized. It does
// not check single use; [Service.OpenImpersonation] does.
func VerifyImpersonation(key []byte, token string, now time.Time) (ImpersonationClaims, error) {
	bad := func(why string) error {
		return fmt.Errorf("partner: impersonation link %s: %w", why, bookingkit.ErrUnauthorized)
	}
	if len(token) > maxTokenLength {
		return ImpersonationClaims{}, bad("too long")
	}
	p, sig, ok := strings.Cut(token, ".")
	if !ok {
		return ImpersonationClaims{}, bad("malformed")
	}
	got, err := base64.RawURLEncoding.Strict().DecodeString(sig)
	if err != nil {
		return ImpersonationClaims{}, bad("malformed")
	}
	if !hmac.Equal(got, tokenMAC(key, p)) {
		return ImpersonationClaims{}, bad("has a bad signature")
	}
	c, err := parseClaims(p)
	if err != nil {
		return ImpersonationClaims{}, bad("malformed")
	}
	if !now.Before(c.ExpiresAt) {
		return ImpersonationClaims{}, bad("expired at " + c.ExpiresAt.Format(time.RFC3339))
	}
	return c, nil
}

// parseClaims reads the encoded payload of a token (signature not checked).
func parseClaims(encoded string) (ImpersonationClaims, error) {
	raw, err := base64.RawURLEncoding.DecodeString(encoded)
	if err != nil {
		return ImpersonationClaims{}, err
	}
	parts := strings.Split(string(raw), "|")
	if len(parts) != 5 || parts[0] != tokenVersion {
		return ImpersonationClaims{}, errors.New("wrong number of fields or version")
	}
	for _, p := range parts[1:] {
		if p == "" {
			return ImpersonationClaims{}, errors.New("empty field")
		}
	}
	exp, err := strconv.ParseInt(parts[3], 10, 64)
	if err != nil || exp <= 0 || exp > maxCursorMicros/1e6 {
		return ImpersonationClaims{}, errors.New("bad expiry")
	}
	return ImpersonationClaims{LicenceID: parts[1], ActorID: parts[2], ExpiresAt: time.Unix(exp, 0).UTC(), Nonce: parts[4]}, nil
}

func (s *Service) impersonationKey() ([]byte, error) {
	if len(s.ImpersonationKey) < MinImpersonationKeyLength {
		return nil, fmt.Errorf("partner: Service.ImpersonationKey must be at least %d bytes to sign impersonation links", MinImpersonationKeyLength)
	}
	return s.ImpersonationKey, nil
}

// ImpersonationLink makes a short-lived, single-use, signed link that opens
// the web panel as a licence's user, and logs who made it for which
// licence. The licence must not be deactivated.
func (s *Service) ImpersonationLink(ctx context.Context, a Actor, licenceID string) (ImpersonationLink, error) {
	key, err := s.impersonationKey()
	if err != nil {
		return ImpersonationLink{}, err
	}
	l, err := s.Licence(ctx, a, licenceID)
	if err != nil {
		return ImpersonationLink{}, err
	}
	if l.State == StateDeactivated {
		return ImpersonationLink{}, &TransitionError{Object: "licence", ID: l.ID, State: l.State, Event: "impersonate"}
	}
	now := s.now()
	var nonce [16]byte
	if err := s.random(nonce[:]); err != nil {
		return ImpersonationLink{}, err
	}
	ttl := s.ImpersonationTTL
	if ttl <= 0 {
		ttl = DefaultImpersonationTTL
	}
	c := ImpersonationClaims{
		LicenceID: l.ID,
		ActorID:   a.UserID,
		// Whole seconds, rounded up, so the link lasts at least ttl.
		ExpiresAt: now.Add(ttl + time.Second - 1).Truncate(time.Second),
		Nonce:     base64.RawURLEncoding.EncodeToString(nonce[:]),
	}
	token := SignImpersonation(key, c)
	rec, err := s.audit(a, now, l.PartnerID, ObjectLicence, l.ID, "impersonation_link", "",
		"user "+l.User.Login+", link "+c.Nonce+" valid until "+c.ExpiresAt.Format(time.RFC3339))
	if err != nil {
		return ImpersonationLink{}, err
	}
	if err := s.Store.AppendAudit(ctx, rec); err != nil {
		return ImpersonationLink{}, err
	}
	link := ImpersonationLink{Token: token, ExpiresAt: c.ExpiresAt}
	if s.PanelURL != "" {
		u, err := url.Parse(s.PanelURL)
		if err != nil {
			return ImpersonationLink{}, fmt.Errorf("partner: Service.PanelURL: %w", err)
		}
		q := u.Query()
		q.Set("token", token)
		u.RawQuery = q.Encode()
		link.URL = u.String()
	}
	return link, nil
}

// OpenImpersonation is called by the web panel with a link's token. It
// verifies the signature and the expiry, uses the link up (a second use
// fails) and logs the use, then returns the licence whose user the bearer
// is signed in as. Every refusal matches bookingkit.ErrUnauthorized.
func (s *Service) OpenImpersonation(ctx context.Context, token string) (Impersonation, error) {
	key, err := s.impersonationKey()
	if err != nil {
		return Impersonation{}, err
	}
	now := s.now()
	c, err := VerifyImpersonation(key, token, now)
	if err != nil {
		s.logger().WarnContext(ctx, "partner: impersonation link refused", "error", err)
		return Impersonation{}, err
	}
	l, err := s.Store.GetLicence(ctx, c.LicenceID)
	if errors.Is(err, bookingkit.ErrNotFound) {
		return Impersonation{}, fmt.Errorf("partner: impersonation link for a missing licence: %w", bookingkit.ErrUnauthorized)
	}
	if err != nil {
		return Impersonation{}, err
	}
	if l.State == StateDeactivated {
		return Impersonation{}, fmt.Errorf("partner: impersonation link for deactivated licence %s: %w", l.ID, bookingkit.ErrUnauthorized)
	}
	rec, err := s.audit(Actor{UserID: c.ActorID}, now, l.PartnerID, ObjectLicence, l.ID, "impersonation_open", "",
		"user "+l.User.Login+", link "+c.Nonce)
	if err != nil {
		return Impersonation{}, err
	}
	err = s.Store.UseImpersonation(ctx, c.Nonce, c.ExpiresAt, rec)
	if errors.Is(err, bookingkit.ErrConflict) {
		s.logger().WarnContext(ctx, "partner: impersonation link replayed", "licence", l.ID, "nonce", c.Nonce)
		return Impersonation{}, fmt.Errorf("partner: impersonation link already used: %w", bookingkit.ErrUnauthorized)
	}
	if err != nil {
		return Impersonation{}, err
	}
	return Impersonation{Claims: c, Licence: l}, nil
}
