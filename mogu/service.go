package mogu

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/bookingkit/bookingkit"
)

// Limiter decides whether one more claim attempt may go ahead. The service
// asks it before checking the token, once per key: the client's network
// address ("mogu.claim.address:" + address) when the caller knows it, and
// the account ("mogu.claim.account:" + account ID). Allow returns nil to
// let the attempt go ahead, or an error matching
// [bookingkit.ErrRateLimited] — ideally a [*bookingkit.RetryAfterError] —
// to refuse it; any other error is passed on as is.
//
// ctx is the claim's: a limiter that keeps its counts in a database (so
// that every server sharing it counts the same attempts, package
// throttle) gives up with the request. A limiter that cannot decide must
// return an error that does not match ErrRateLimited: the claim is then
// refused, never let through unlimited.
//
// Package throttle's *Limiter has this method, whether it counts in a
// database (throttle.New over an adapter's RateLimits store) or in this
// process (throttle.NewMemory), so an engine hands either over as it is.
type Limiter interface {
	Allow(ctx context.Context, key string) error
}

// Config is what an embedding engine tells MOGU about its URLs.
type Config struct {
	// ClaimURLBase is the start of every claim URL; the token is appended.
	// It is used in upper case, and everything in it must be in QR's
	// alphanumeric alphabet (A–Z, 0–9, $%*+-./:) so the whole URL encodes
	// in alphanumeric mode: "HTTPS://MOGU.EXAMPLE/C/". The server behind it
	// must therefore accept its path in upper case. Required; must end
	// with "/".
	ClaimURLBase string
	// ServicesURLTemplate is the engine's own "add services" page of a
	// booking, printed on vouchers that cannot carry MOGU's QR code.
	// "{booking}" in its path is replaced by the path-escaped booking ID:
	// "https://engine.example/booking/{booking}/services". Required.
	ServicesURLTemplate string
	// BackOfficeURL is the root of MOGU's back office, where the "open in
	// MOGU" links point: "{BackOfficeURL}/accounts/{agency}" and
	// "{BackOfficeURL}/accounts/{agency}/bookings/{booking}". Required.
	BackOfficeURL string
	// TokenLifetimeAfterTrip is how long after a trip's End its claim
	// token still works. 0 means DefaultTokenLifetimeAfterTrip.
	TokenLifetimeAfterTrip time.Duration
	// Administrators are the back-office operator IDs that may grant and
	// revoke access to agency accounts ([Service.Grant],
	// [Service.Revoke]). Access to an agency's bookings is what the
	// agency accounts protect, so the operators who hand it out are named
	// here, by whoever configures the engine, and not by the operators
	// themselves. Empty: nobody grants or revokes.
	Administrators []string
}

// DefaultTokenLifetimeAfterTrip: a week after the last arrival, enough to
// look the trip up again, short enough that old vouchers die.
const DefaultTokenLifetimeAfterTrip = 7 * 24 * time.Hour

// Page sizes for the list methods.
const (
	DefaultPageSize = 50
	MaxPageSize     = 500
)

// Service holds MOGU's rules over a [Store]: microsite activation,
// registration of bookings, vouchers, claims, the app's trip lists and the
// back office's agency accounts. It is safe for concurrent use.
type Service struct {
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	store   Store
	keys    atomic.Pointer[Keyring]
	limiter Limiter
	cfg     Config
}

// NewService returns a service over store that signs claim tokens with
// keys and asks limiter before every claim. It checks cfg and returns a
// [*bookingkit.ValidationError] naming a bad setting.
func NewService(store Store, keys *Keyring, limiter Limiter, cfg Config) (*Service, error) {
	if store == nil {
		return nil, bookingkit.Invalid("store", "", "required")
	}
	if keys == nil {
		return nil, bookingkit.Invalid("keys", "", "required")
	}
	if limiter == nil {
		return nil, bookingkit.Invalid("limiter", "", "required: claims must be rate-limited")
	}
	cfg, err := cfg.normalize()
	if err != nil {
		return nil, err
	}
	s := &Service{store: store, limiter: limiter, cfg: cfg}
	s.keys.Store(keys)
	return s, nil
}

// SetKeyring replaces the keys, for rotation (see [Keyring]). Tokens signed
// afterwards use the new current key; tokens signed with a key left out no
// longer verify.
func (s *Service) SetKeyring(keys *Keyring) error {
	if keys == nil {
		return bookingkit.Invalid("keys", "", "required")
	}
	s.keys.Store(keys)
	return nil
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// ClaimURL returns the claim URL of token under base, the way [Service]
// prints it on vouchers: base in upper case, then the token. The base must
// be an absolute http or https URL ending in "/" and, once in upper case,
// stay inside QR's alphanumeric alphabet (A-Z 0-9 $%*+-./: and space), so
// the whole URL encodes in the QR code's compact alphanumeric mode; the
// server behind it must accept its path in upper case. An engine printing
// vouchers without a Service uses it to build the same URLs.
func ClaimURL(base, token string) (string, error) {
	norm := strings.ToUpper(strings.TrimSpace(base))
	if err := checkHTTPURL("claim_url_base", norm); err != nil {
		return "", err
	}
	if !strings.HasSuffix(norm, "/") {
		return "", bookingkit.Invalid("claim_url_base", base, `must end with "/"; the token is appended`)
	}
	for _, r := range norm {
		if !strings.ContainsRune(qrAlphanumeric, r) {
			return "", bookingkit.Invalid("claim_url_base", base, fmt.Sprintf("character %q is outside QR's alphanumeric alphabet (A-Z 0-9 $%%*+-./:)", r))
		}
	}
	return norm + token, nil
}

func (cfg Config) normalize() (Config, error) {
	base, err := ClaimURL(cfg.ClaimURLBase, "")
	if err != nil {
		return Config{}, err
	}
	cfg.ClaimURLBase = base

	tpl := strings.TrimSpace(cfg.ServicesURLTemplate)
	i := strings.Index(tpl, "{booking}")
	if i < 0 {
		return Config{}, bookingkit.Invalid("services_url_template", tpl, `must contain "{booking}"`)
	}
	if q := strings.IndexAny(tpl, "?#"); q >= 0 && q < i {
		return Config{}, bookingkit.Invalid("services_url_template", tpl, `"{booking}" must be in the path, before any "?" or "#"`)
	}
	if err := checkHTTPURL("services_url_template", strings.ReplaceAll(tpl, "{booking}", "B")); err != nil {
		return Config{}, err
	}
	cfg.ServicesURLTemplate = tpl

	bo := strings.TrimRight(strings.TrimSpace(cfg.BackOfficeURL), "/")
	if err := checkHTTPURL("back_office_url", bo); err != nil {
		return Config{}, err
	}
	if strings.ContainsAny(bo, "?#") {
		return Config{}, bookingkit.Invalid("back_office_url", bo, "must have no query or fragment")
	}
	cfg.BackOfficeURL = bo

	admins := make([]string, 0, len(cfg.Administrators))
	for _, id := range cfg.Administrators {
		if err := validateID("administrators", id); err != nil {
			return Config{}, err
		}
		admins = append(admins, id)
	}
	cfg.Administrators = admins

	switch {
	case cfg.TokenLifetimeAfterTrip == 0:
		cfg.TokenLifetimeAfterTrip = DefaultTokenLifetimeAfterTrip
	case cfg.TokenLifetimeAfterTrip < 0:
		return Config{}, bookingkit.Invalid("token_lifetime_after_trip", cfg.TokenLifetimeAfterTrip.String(), "must not be negative")
	}
	return cfg, nil
}

func checkHTTPURL(field, s string) error {
	if s == "" {
		return bookingkit.Invalid(field, "", "required")
	}
	u, err := url.Parse(s)
	if err != nil || (!strings.EqualFold(u.Scheme, "https") && !strings.EqualFold(u.Scheme, "http")) || u.Host == "" {
		return bookingkit.Invalid(field, s, "expected an absolute http or https URL")
	}
	return nil
}

// RegisterBooking registers a booking in MOGU, or updates a registered one
// (the engine sends it again when the contact email, travellers or dates
// change). The booking's microsite must have MOGU active: otherwise it
// returns a [*NotActiveError] (matching [bookingkit.ErrConflict]) and
// registers nothing; the voucher then carries the engine's own QR code.
// Bad fields give a [*bookingkit.ValidationError] ([Trip.Normalize]).
//
// Updating keeps the token generation and the accounts that claimed the
// trip; lowering Travelers below the claims made stops further claims but
// unlinks nobody.
func (s *Service) RegisterBooking(ctx context.Context, t Trip) (Trip, error) {
	t, err := t.Normalize()
	if err != nil {
		return Trip{}, err
	}
	a, err := s.Activation(ctx, t.MicrositeID)
	if err != nil {
		return Trip{}, err
	}
	if !a.Active {
		return Trip{}, &NotActiveError{Activation: a}
	}
	stored, err := s.store.PutTrip(ctx, t, s.now().UTC().Truncate(time.Microsecond))
	if err != nil {
		return Trip{}, fmt.Errorf("mogu: register booking %s: %w", t.ID, err)
	}
	return stored, nil
}

// ReissueVoucher rotates the booking's claim token: tokens printed before
// stop working, and the next [Service.Voucher] carries a new one. Accounts
// that already claimed the trip keep it. ErrNotFound when the booking is
// not registered.
func (s *Service) ReissueVoucher(ctx context.Context, bookingID string) (Trip, error) {
	if err := validateBookingID(bookingID); err != nil {
		return Trip{}, err
	}
	t, err := s.store.RotateToken(ctx, bookingID, s.now().UTC().Truncate(time.Microsecond))
	if err != nil {
		return Trip{}, fmt.Errorf("mogu: reissue voucher of booking %s: %w", bookingID, err)
	}
	return t, nil
}

// Status is the answer to "is this booking in MOGU, and if not, why?".
type Status struct {
	BookingID   string
	MicrositeID string // the registered booking's, else the one asked about
	Registered  bool
	Trip        Trip       // when Registered
	Activation  Activation // the microsite's latest change; Seq 0 when it never changed
	// Claimable: registered and MOGU active, so the voucher carries MOGU's
	// QR code and travellers can claim the trip.
	Claimable bool
	// Reason says in words why the booking is not claimable, for support
	// staff; empty when it is.
	Reason string
}

// Status tells whether booking b is registered in MOGU and claimable, and
// if not, why: typically "MOGU is not active for microsite X since <when>
// by <who>" or "MOGU has never been activated for microsite X". Only
// b.ID and b.MicrositeID are read; a registered booking's stored microsite
// takes precedence.
func (s *Service) Status(ctx context.Context, b Booking) (Status, error) {
	if err := validateBookingID(b.ID); err != nil {
		return Status{}, err
	}
	st := Status{BookingID: b.ID, MicrositeID: b.MicrositeID}
	t, err := s.store.Trip(ctx, b.ID)
	switch {
	case err == nil:
		st.Registered, st.Trip, st.MicrositeID = true, t, t.MicrositeID
	case errors.Is(err, bookingkit.ErrNotFound):
	default:
		return Status{}, fmt.Errorf("mogu: status of booking %s: %w", b.ID, err)
	}
	if st.MicrositeID == "" {
		st.Reason = fmt.Sprintf("booking %s is not registered in MOGU, and no microsite was given to check its activation", b.ID)
		return st, nil
	}
	if st.Activation, err = s.Activation(ctx, st.MicrositeID); err != nil {
		return Status{}, err
	}
	switch {
	case st.Registered && st.Activation.Active:
		st.Claimable = true
	case st.Registered:
		st.Reason = fmt.Sprintf("booking %s is registered in MOGU but cannot be claimed: %s", b.ID, st.Activation.describe())
	case st.Activation.Active:
		st.Reason = fmt.Sprintf("booking %s is not registered in MOGU although %s: the engine has not sent it (perhaps it was made before the activation); register it", b.ID, st.Activation.describe())
	default:
		st.Reason = fmt.Sprintf("booking %s is not registered in MOGU: %s", b.ID, st.Activation.describe())
	}
	return st, nil
}

// VoucherKind says which QR code a voucher carries.
type VoucherKind string

// The two kinds of voucher QR code.
const (
	VoucherMOGU     VoucherKind = "mogu"     // MOGU's claim URL
	VoucherServices VoucherKind = "services" // the engine's own "add services" page
)

// Voucher is what to print on a booking's voucher.
type Voucher struct {
	BookingID string
	Kind      VoucherKind
	URL       string    // what the QR code encodes
	Expires   time.Time // when the claim token expires; zero for VoucherServices
	Reason    string    // for VoucherServices: why not MOGU's (see [Status])
}

// Voucher chooses the QR code of booking b's voucher: MOGU's claim URL,
// with a fresh token, when the booking is claimable ([Status]), otherwise
// the engine's "add services" URL with the reason. It reads two rows and
// writes nothing, so it can run for every voucher printed or served.
func (s *Service) Voucher(ctx context.Context, b Booking) (Voucher, error) {
	st, err := s.Status(ctx, b)
	if err != nil {
		return Voucher{}, err
	}
	if !st.Claimable {
		return Voucher{BookingID: b.ID, Kind: VoucherServices, URL: s.ServicesURL(b.ID), Reason: st.Reason}, nil
	}
	expires := st.Trip.End.Add(s.cfg.TokenLifetimeAfterTrip).Truncate(time.Second)
	token, err := s.keys.Load().Sign(Claim{BookingID: b.ID, Generation: st.Trip.TokenGeneration, Expires: expires})
	if err != nil {
		return Voucher{}, fmt.Errorf("mogu: voucher of booking %s: %w", b.ID, err)
	}
	return Voucher{BookingID: b.ID, Kind: VoucherMOGU, URL: s.ClaimURL(token), Expires: expires.UTC()}, nil
}

// VoucherQR is [Service.Voucher] drawn as a QR code in format f with
// pixelsPerModule pixels (PNG) or user units (SVG) per module.
func (s *Service) VoucherQR(ctx context.Context, b Booking, f Format, pixelsPerModule int) ([]byte, Voucher, error) {
	if err := checkQROptions(f, pixelsPerModule); err != nil {
		return nil, Voucher{}, err
	}
	v, err := s.Voucher(ctx, b)
	if err != nil {
		return nil, Voucher{}, err
	}
	img, err := EncodeQR(v.URL, f, pixelsPerModule)
	if err != nil {
		return nil, Voucher{}, err
	}
	return img, v, nil
}

// ClaimURL returns the claim URL of token: the configured base, in upper
// case, followed by the token.
func (s *Service) ClaimURL(token string) string { return s.cfg.ClaimURLBase + token }

// ServicesURL returns the engine's "add services" URL of a booking.
func (s *Service) ServicesURL(bookingID string) string {
	return strings.ReplaceAll(s.cfg.ServicesURLTemplate, "{booking}", url.PathEscape(bookingID))
}

// TokenFromClaimURL returns the token at the end of a claim URL (the path
// is matched case-insensitively, as printed in upper case). It returns
// ErrInvalidToken when the URL does not start with the configured base;
// the token itself is checked by [Service.Claim].
func (s *Service) TokenFromClaimURL(claimURL string) (string, error) {
	base := s.cfg.ClaimURLBase
	if len(claimURL) <= len(base) || !strings.EqualFold(claimURL[:len(base)], base) {
		return "", ErrInvalidToken
	}
	return claimURL[len(base):], nil
}

// Claim links account acct to the booking named by a claim token — what
// happens when a signed-in traveller scans the voucher. address is the
// client's network address for the rate limiter ("" when unknown). The
// link is by email when the account's email is the booking's contact email
// and the contact is the traveller's, otherwise as traveller ([Decide]).
// Claiming a trip the account already claimed returns it again.
//
// It refuses, changing nothing:
//   - too many attempts ([Limiter]): an error matching ErrRateLimited;
//   - a forged, altered, truncated, expired or superseded token, or one
//     signed with a removed key: [ErrInvalidToken], the same each time;
//   - an account whose email is the booking's agent's: ErrForbidden —
//     agents work in MOGU's back office, the app is for travellers;
//   - a booking whose microsite no longer has MOGU: a [*NotActiveError];
//   - a trip already claimed by as many accounts as it has travellers:
//     [ErrClaimsExhausted].
func (s *Service) Claim(ctx context.Context, acct Account, token, address string) (AccountTrip, error) {
	if err := acct.validate(); err != nil {
		return AccountTrip{}, err
	}
	if address != "" {
		if err := s.limiter.Allow(ctx, "mogu.claim.address:"+address); err != nil {
			return AccountTrip{}, err
		}
	}
	if err := s.limiter.Allow(ctx, "mogu.claim.account:"+acct.ID); err != nil {
		return AccountTrip{}, err
	}
	now := s.now()
	c, err := s.keys.Load().Verify(token, now)
	if err != nil {
		return AccountTrip{}, err
	}
	t, err := s.store.Trip(ctx, c.BookingID)
	if errors.Is(err, bookingkit.ErrNotFound) {
		return AccountTrip{}, ErrInvalidToken
	}
	if err != nil {
		return AccountTrip{}, fmt.Errorf("mogu: claim: %w", err)
	}
	if t.TokenGeneration != c.Generation {
		return AccountTrip{}, ErrInvalidToken
	}
	if SameEmail(acct.Email, t.AgentEmail) {
		return AccountTrip{}, bookingkit.Errorf("mogu: %s is the email of the agent who made booking %s; agents use MOGU's back office, not the app: %w", EmailKey(acct.Email), t.ID, bookingkit.ErrForbidden)
	}
	a, err := s.Activation(ctx, t.MicrositeID)
	if err != nil {
		return AccountTrip{}, err
	}
	if !a.Active {
		return AccountTrip{}, &NotActiveError{Activation: a}
	}
	out := Decide(t.Booking, Viewer{HasApp: true, SignedIn: true, Email: acct.Email}, true)
	l, created, err := s.store.AddLink(ctx, TripLink{
		BookingID:  t.ID,
		AccountID:  acct.ID,
		EmailKey:   EmailKey(acct.Email),
		Link:       out.Link,
		Generation: c.Generation,
		At:         now.UTC().Truncate(time.Microsecond),
	})
	switch {
	case errors.Is(err, bookingkit.ErrNotFound), errors.Is(err, ErrGenerationChanged):
		return AccountTrip{}, ErrInvalidToken
	case errors.Is(err, ErrClaimsExhausted):
		return AccountTrip{}, bookingkit.Errorf("mogu: booking %s has %d travellers: %w", t.ID, t.Travelers, ErrClaimsExhausted)
	case err != nil:
		return AccountTrip{}, fmt.Errorf("mogu: claim booking %s: %w", t.ID, err)
	}
	if created {
		t.Claims++
	}
	return AccountTrip{Trip: t, Link: l.Link, Claimed: true, LinkedAt: l.At}, nil
}

// TripPage is one page of a trip list. Next is the cursor of the following
// page, empty on the last.
type TripPage[T any] struct {
	Trips []T
	Next  string
}

// UpcomingTrips lists the account's trips that have not ended: the ones it
// claimed, and the ones whose contact email is its email and is the
// traveller's. A B2B booking carrying the agent's email is never among
// them until claimed. Trips come soonest first; cursor is "" or the Next
// of the previous page; limit 0 means DefaultPageSize.
func (s *Service) UpcomingTrips(ctx context.Context, acct Account, cursor string, limit int) (TripPage[AccountTrip], error) {
	if err := acct.validate(); err != nil {
		return TripPage[AccountTrip]{}, err
	}
	after, err := ParseTripCursor(cursor)
	if err != nil {
		return TripPage[AccountTrip]{}, err
	}
	limit, err = pageLimit(limit)
	if err != nil {
		return TripPage[AccountTrip]{}, err
	}
	trips, err := s.store.ListAccountTrips(ctx, AccountTripQuery{
		AccountID: acct.ID,
		EmailKey:  EmailKey(acct.Email),
		EndsAfter: s.now().UTC().Truncate(time.Microsecond),
		After:     after,
		Limit:     limit + 1,
	})
	if err != nil {
		return TripPage[AccountTrip]{}, fmt.Errorf("mogu: upcoming trips of account %s: %w", acct.ID, err)
	}
	return page(trips, limit, func(t AccountTrip) Trip { return t.Trip }), nil
}

// TripDetail returns one trip for an account that may see it: one that
// claimed it, or whose email is its contact email when that is the
// traveller's. Any other account gets ErrNotFound, the same as for a
// booking that does not exist.
func (s *Service) TripDetail(ctx context.Context, acct Account, bookingID string) (AccountTrip, error) {
	if err := acct.validate(); err != nil {
		return AccountTrip{}, err
	}
	if err := validateBookingID(bookingID); err != nil {
		return AccountTrip{}, err
	}
	t, err := s.store.AccountTrip(ctx, acct.ID, EmailKey(acct.Email), bookingID)
	if err != nil {
		return AccountTrip{}, fmt.Errorf("mogu: trip %s of account %s: %w", bookingID, acct.ID, err)
	}
	return t, nil
}

func pageLimit(limit int) (int, error) {
	switch {
	case limit == 0:
		return DefaultPageSize, nil
	case limit < 0 || limit > MaxPageSize:
		return 0, bookingkit.Invalid("limit", strconv.Itoa(limit), fmt.Sprintf("from 1 to %d", MaxPageSize))
	}
	return limit, nil
}

// page trims a list fetched with limit+1 rows and sets Next when there was
// more.
func page[T any](rows []T, limit int, trip func(T) Trip) TripPage[T] {
	if len(rows) <= limit {
		return TripPage[T]{Trips: rows}
	}
	rows = rows[:limit]
	last := trip(rows[limit-1])
	return TripPage[T]{Trips: rows, Next: TripCursor{Start: last.Start, BookingID: last.ID}.String()}
}

// String encodes the cursor for a client to send back: opaque, URL-safe.
func (c TripCursor) String() string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(c.Start.UnixMicro(), 10) + "." + c.BookingID))
}

// ParseTripCursor reads a cursor written by [TripCursor.String]. "" gives
// nil (the first page); anything malformed a [*bookingkit.ValidationError].
func ParseTripCursor(s string) (*TripCursor, error) {
	if s == "" {
		return nil, nil
	}
	bad := bookingkit.Invalid("cursor", s, "not a cursor returned by this list")
	if len(s) > 2*(MaxBookingIDLen+24) {
		bad.Value = ""
		return nil, bad
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(s)
	// The decoder skips \r and \n even in strict mode, so "M\nC50" read as
	// "MC50": one cursor, several spellings. Only the one String writes is
	// a cursor.
	if err != nil || base64.RawURLEncoding.EncodeToString(raw) != s {
		return nil, bad
	}
	micros, id, ok := strings.Cut(string(raw), ".")
	if !ok {
		return nil, bad
	}
	n, err := strconv.ParseInt(micros, 10, 64)
	if err != nil || strconv.FormatInt(n, 10) != micros || validateBookingID(id) != nil {
		return nil, bad
	}
	return &TripCursor{Start: time.UnixMicro(n).UTC(), BookingID: id}, nil
}
