package partnerhttp

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/httpapi"
	"github.com/bookingkit/bookingkit/partner"
)

// Partners' API keys (partner.Service.CreateAPIKey): with
// [SessionsOptions.APIKeys] set, [Sessions] signs in a request whose bearer
// token starts with [partner.APIKeyPrefix] as the key's partner, and
// [Sessions.Routes] serves the keys' routes.

// APIKeyJSON is an API key as the API shows it: never the key itself.
type APIKeyJSON struct {
	ID         string    `json:"id"`
	PartnerID  string    `json:"partner_id"`
	Name       string    `json:"name"`
	ReadOnly   bool      `json:"read_only"`
	CreatedBy  string    `json:"created_by"`
	CreatedAt  time.Time `json:"created_at"`
	LastUsedAt time.Time `json:"last_used_at,omitzero"`
	RevokedAt  time.Time `json:"revoked_at,omitzero"`
	RevokedBy  string    `json:"revoked_by,omitempty"`
}

func partnerAPIKeyOut(k partner.APIKey) APIKeyJSON {
	return APIKeyJSON{ID: k.ID, PartnerID: k.PartnerID, Name: k.Name, ReadOnly: k.ReadOnly, CreatedBy: k.CreatedBy,
		CreatedAt: k.CreatedAt, LastUsedAt: k.LastUsedAt, RevokedAt: k.RevokedAt, RevokedBy: k.RevokedBy}
}

// NewAPIKeyJSON is the answer of a key's creation: the key, shown this
// once, and what is stored of it.
type NewAPIKeyJSON struct {
	Key    string     `json:"key"`
	APIKey APIKeyJSON `json:"api_key"`
}

// keyActor returns who an API key signs in to r: the key's partner with
// the key's scope. A read-only key may only read (GET, HEAD): anything
// else is forbidden.
func (p *Sessions) keyActor(r *http.Request, token string) (partner.Actor, error) {
	if p.keys == nil {
		return partner.Actor{}, fmt.Errorf("API keys are not accepted here: %w", bookingkit.ErrUnauthorized)
	}
	k, err := p.keys.AuthenticateAPIKey(r.Context(), token)
	if err != nil {
		return partner.Actor{}, err
	}
	if k.ReadOnly && r.Method != http.MethodGet && r.Method != http.MethodHead {
		return partner.Actor{}, fmt.Errorf("API key %s is read-only: %w", k.ID, bookingkit.ErrForbidden)
	}
	return k.Actor(), nil
}

// isAPIKey reports whether a bearer token is an API key rather than a
// session token.
func isAPIKey(token string) bool { return strings.HasPrefix(token, partner.APIKeyPrefix) }

// apiKeyRoutes are the keys' routes: administrators create and revoke a
// partner's keys; a partner's users list and read their own partner's.
func (p *Sessions) apiKeyRoutes() []httpapi.Route {
	if p.keys == nil {
		return nil
	}
	return []httpapi.Route{
		{Pattern: "GET /api/partner/api-keys", Handler: p.listAPIKeys()},
		{Pattern: "POST /api/partner/api-keys", Handler: p.createAPIKey()},
		{Pattern: "GET /api/partner/api-keys/{id}", Handler: p.getAPIKey()},
		{Pattern: "POST /api/partner/api-keys/{id}/revoke", Handler: p.revokeAPIKey()},
	}
}

// keyUser wraps a handler of the keys' routes that acts for whoever signed
// in to the API request.
func (p *Sessions) keyUser(fn func(w http.ResponseWriter, r *http.Request, a partner.Actor) error) http.Handler {
	return p.handler(func(w http.ResponseWriter, r *http.Request) error {
		a, err := p.Actor(r)
		if err != nil {
			return err
		}
		return fn(w, r, a)
	})
}

func (p *Sessions) listAPIKeys() http.Handler {
	return p.keyUser(func(w http.ResponseWriter, r *http.Request, a partner.Actor) error {
		q := partnerQueryOf(r)
		kq := partner.APIKeyQuery{PartnerID: q.str("partner_id"), After: q.str("cursor"), Limit: q.int("limit")}
		if q.err != nil {
			return q.err
		}
		page, err := p.keys.APIKeys(r.Context(), a, kq)
		if err != nil {
			return err
		}
		partnerList(w, "api_keys", page.Keys, page.Next, partnerAPIKeyOut)
		return nil
	})
}

func (p *Sessions) createAPIKey() http.Handler {
	return p.keyUser(func(w http.ResponseWriter, r *http.Request, a partner.Actor) error {
		var in struct {
			PartnerID string `json:"partner_id"`
			Name      string `json:"name"`
			ReadOnly  bool   `json:"read_only"`
		}
		if err := httpapi.DecodeJSON(r, &in); err != nil {
			return err
		}
		k, key, err := p.keys.CreateAPIKey(r.Context(), a, partner.NewAPIKey{PartnerID: in.PartnerID, Name: in.Name, ReadOnly: in.ReadOnly})
		if err != nil {
			return err
		}
		w.Header().Set("Cache-Control", "no-store")
		httpapi.WriteJSON(w, http.StatusCreated, NewAPIKeyJSON{Key: key, APIKey: partnerAPIKeyOut(k)})
		return nil
	})
}

func (p *Sessions) getAPIKey() http.Handler {
	return p.keyUser(func(w http.ResponseWriter, r *http.Request, a partner.Actor) error {
		k, err := p.keys.APIKey(r.Context(), a, r.PathValue("id"))
		if err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusOK, partnerAPIKeyOut(k))
		return nil
	})
}

func (p *Sessions) revokeAPIKey() http.Handler {
	return p.keyUser(func(w http.ResponseWriter, r *http.Request, a partner.Actor) error {
		k, err := p.keys.RevokeAPIKey(r.Context(), a, r.PathValue("id"))
		if err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusOK, partnerAPIKeyOut(k))
		return nil
	})
}
