package partner

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/internal/secret"
)

// API keys let a partner's own systems call the partner API without a
// person's password. An administrator creates a key for one partner
// ([Service.CreateAPIKey]) and revokes it ([Service.RevokeAPIKey]); the key
// is shown once, at creation, and stored only as its SHA-256. A key signs
// in as a partner user of its partner ([APIKey.Actor]): it sees and changes
// only that partner's objects, as the partner's users do, and a read-only
// key ([APIKey.ReadOnly]) only reads. [Service.AuthenticateAPIKey] checks a
// key and keeps its last-used time, writing it at most once a minute.

// APIKeyPrefix starts every API key, so that a key is told apart from a
// session token wherever a bearer token is read.
const APIKeyPrefix = "bkp_"

// ObjectAPIKey is the kind of object of an API key's audit records.
const ObjectAPIKey = "api_key"

// APIKeyIDPrefix starts the ID of every API key ("key_…"), which is also
// the actor ID ([Actor.UserID]) of what the key does.
const APIKeyIDPrefix = "key_"

// LastUsedGranularity is how stale an API key's last-used time may be:
// using a key writes its time only when the stored one is older than this,
// so a busy key costs one write a minute, not one a request.
const LastUsedGranularity = time.Minute

// APIKey is a partner's API key as stored: never the key itself, only its
// hash.
type APIKey struct {
	ID        string // "key_…", sorts in creation order
	PartnerID string
	Name      string // what the partner's administrator called it
	ReadOnly  bool   // the key only reads: every write is forbidden
	Hash      string // SHA-256 of the key, hex ([secret.Hash])
	CreatedBy string
	CreatedAt time.Time
	// LastUsedAt is when the key last signed a request in, to within
	// [LastUsedGranularity]; zero when never.
	LastUsedAt time.Time
	// RevokedAt is when the key was revoked; zero while it is in force.
	RevokedAt time.Time
	RevokedBy string
}

// Revoked reports whether k was revoked.
func (k APIKey) Revoked() bool { return !k.RevokedAt.IsZero() }

// Actor returns the actor that acts with k: a partner user of k's
// partner whose user ID is the key's ID, so the audit log names the key.
func (k APIKey) Actor() Actor {
	return Actor{UserID: k.ID, Role: RolePartnerUser, PartnerID: k.PartnerID}
}

// IsAPIKey reports whether a acts with an API key rather than as a person.
func (a Actor) IsAPIKey() bool { return strings.HasPrefix(a.UserID, APIKeyIDPrefix) }

// NewAPIKey is the input of [Service.CreateAPIKey].
type NewAPIKey struct {
	PartnerID string
	Name      string
	ReadOnly  bool
}

// APIKeyQuery selects API keys, ordered by ID (creation order).
type APIKeyQuery struct {
	PartnerID string // "" for every partner (administrators only)
	After     string // keyset: only keys with an ID greater than this
	Limit     int
}

// APIKeyStore keeps partners' API keys. It is part of [Store].
type APIKeyStore interface {
	// CreateAPIKey inserts k with its audit record. A hash already
	// stored is ErrConflict; an unknown partner is ErrNotFound.
	CreateAPIKey(ctx context.Context, k APIKey, audit AuditRecord) error
	GetAPIKey(ctx context.Context, id string) (APIKey, error)
	// APIKeyByHash returns the key, revoked or not, whose Hash is hash
	// (ErrNotFound when none), from an index.
	APIKeyByHash(ctx context.Context, hash string) (APIKey, error)
	// ListAPIKeys returns the keys of q.PartnerID ("" for all) with
	// ID > q.After, by ID, at most q.Limit.
	ListAPIKeys(ctx context.Context, q APIKeyQuery) ([]APIKey, error)
	// RevokeAPIKey sets the key's RevokedAt to at and RevokedBy to by, and
	// writes audit, in one transaction. A key already revoked is
	// ErrConflict and keeps its first revocation; an unknown one is
	// ErrNotFound.
	RevokeAPIKey(ctx context.Context, id string, at time.Time, by string, audit AuditRecord) error
	// TouchAPIKey sets the key's LastUsedAt to at if it is zero or before
	// staleBefore, and reports whether it did: of several servers using
	// one key within a minute, one writes. An unknown key is ErrNotFound.
	TouchAPIKey(ctx context.Context, id string, at, staleBefore time.Time) (bool, error)
}

// CreateAPIKey makes a new API key for a partner and returns it with the
// key itself, which is stored only as its hash and so shown this once.
// Administrators only: like users, a partner's keys are given by the
// vendor's administrators.
func (s *Service) CreateAPIKey(ctx context.Context, a Actor, in NewAPIKey) (APIKey, string, error) {
	if err := a.mustAdmin(bookingkit.Msg("create API keys")); err != nil {
		return APIKey{}, "", err
	}
	if in.PartnerID == "" {
		return APIKey{}, "", bookingkit.Invalidf("partner_id", "", "required")
	}
	name, err := cleanText("name", in.Name, 1, MaxNameLength, false)
	if err != nil {
		return APIKey{}, "", err
	}
	if _, err := s.Store.GetPartner(ctx, in.PartnerID); err != nil {
		return APIKey{}, "", err
	}
	token, err := secret.NewToken(s.Rand)
	if err != nil {
		return APIKey{}, "", fmt.Errorf("partner: reading randomness: %w", err)
	}
	token = APIKeyPrefix + token
	now := s.now()
	k := APIKey{PartnerID: in.PartnerID, Name: name, ReadOnly: in.ReadOnly, Hash: secret.Hash(token), CreatedBy: a.UserID, CreatedAt: now}
	if k.ID, err = s.newID(strings.TrimSuffix(APIKeyIDPrefix, "_"), now); err != nil {
		return APIKey{}, "", err
	}
	scope := "read-write"
	if k.ReadOnly {
		scope = "read-only"
	}
	rec, err := s.audit(a, now, k.PartnerID, ObjectAPIKey, k.ID, "create", "", scope+" "+name)
	if err != nil {
		return APIKey{}, "", err
	}
	if err := s.Store.CreateAPIKey(ctx, k, rec); err != nil {
		return APIKey{}, "", err
	}
	return k, token, nil
}

// APIKey returns one API key: any for an administrator, only their own
// partner's for a partner user.
func (s *Service) APIKey(ctx context.Context, a Actor, id string) (APIKey, error) {
	if err := a.check(); err != nil {
		return APIKey{}, err
	}
	k, err := s.Store.GetAPIKey(ctx, id)
	if err != nil {
		return APIKey{}, err
	}
	if !a.canSee(k.PartnerID) {
		return APIKey{}, notFound(bookingkit.Msg("API key"), id)
	}
	return k, nil
}

// APIKeyPage is a page of API keys and the keyset position of the next.
type APIKeyPage struct {
	Keys []APIKey
	Next string // "" on the last page
}

// APIKeys lists API keys, revoked ones included, of the actor's partner
// for a partner user.
func (s *Service) APIKeys(ctx context.Context, a Actor, q APIKeyQuery) (APIKeyPage, error) {
	var err error
	if q.PartnerID, err = a.scope(q.PartnerID); err != nil {
		return APIKeyPage{}, err
	}
	limit, err := pageLimit(q.Limit)
	if err != nil {
		return APIKeyPage{}, err
	}
	q.Limit = limit + 1
	keys, err := s.Store.ListAPIKeys(ctx, q)
	if err != nil {
		return APIKeyPage{}, err
	}
	page := APIKeyPage{Keys: keys}
	if len(keys) > limit {
		page.Keys = keys[:limit]
		page.Next = page.Keys[limit-1].ID
	}
	return page, nil
}

// RevokeAPIKey revokes an API key at once: from then on it signs nobody
// in. Administrators only. Revoking a revoked key changes nothing and
// returns it as it is.
func (s *Service) RevokeAPIKey(ctx context.Context, a Actor, id string) (APIKey, error) {
	if err := a.mustAdmin(bookingkit.Msg("revoke API keys")); err != nil {
		return APIKey{}, err
	}
	k, err := s.Store.GetAPIKey(ctx, id)
	if err != nil || k.Revoked() {
		return k, err
	}
	now := s.now()
	rec, err := s.audit(a, now, k.PartnerID, ObjectAPIKey, k.ID, "revoke", "", k.Name)
	if err != nil {
		return APIKey{}, err
	}
	err = s.Store.RevokeAPIKey(ctx, id, now, a.UserID, rec)
	if err != nil && !errors.Is(err, bookingkit.ErrConflict) { // a conflict: revoked meanwhile
		return APIKey{}, err
	}
	return s.Store.GetAPIKey(ctx, id)
}

// AuthenticateAPIKey returns the API key that token is, in force. A token
// that is no key, an unknown key and a revoked one all match
// bookingkit.ErrUnauthorized. It stores the key's last-used time when the
// stored one is older than [LastUsedGranularity]; a failure to store it is
// logged, not returned.
func (s *Service) AuthenticateAPIKey(ctx context.Context, token string) (APIKey, error) {
	if !strings.HasPrefix(token, APIKeyPrefix) {
		return APIKey{}, fmt.Errorf("not an API key (they start %q): %w", APIKeyPrefix, bookingkit.ErrUnauthorized)
	}
	k, err := s.Store.APIKeyByHash(ctx, secret.Hash(token))
	if errors.Is(err, bookingkit.ErrNotFound) {
		return APIKey{}, fmt.Errorf("unknown API key: %w", bookingkit.ErrUnauthorized)
	}
	if err != nil {
		return APIKey{}, err
	}
	if k.Revoked() {
		return APIKey{}, fmt.Errorf("API key %s was revoked: %w", k.ID, bookingkit.ErrUnauthorized)
	}
	now := s.now()
	if stale := now.Add(-LastUsedGranularity); k.LastUsedAt.Before(stale) {
		if _, err := s.Store.TouchAPIKey(ctx, k.ID, now, stale); err != nil {
			s.logger().WarnContext(ctx, "partner: storing an API key's last use", "key", k.ID, "error", err)
		} else {
			k.LastUsedAt = now
		}
	}
	return k, nil
}

// apiKeyProfile is [Service.Profile] of an actor that is an API key: the
// key as a partner user, while it is in force and still that partner's.
func (s *Service) apiKeyProfile(ctx context.Context, a Actor) (User, error) {
	k, err := s.Store.GetAPIKey(ctx, a.UserID)
	if errors.Is(err, bookingkit.ErrNotFound) || (err == nil && (k.Revoked() || k.Actor() != a)) {
		return User{}, fmt.Errorf("partner: actor does not match API key %s: %w", a.UserID, bookingkit.ErrUnauthorized)
	}
	if err != nil {
		return User{}, err
	}
	return User{ID: k.ID, PartnerID: k.PartnerID, Role: RolePartnerUser, Name: k.Name, CreatedAt: k.CreatedAt}, nil
}
