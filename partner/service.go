package partner

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"text/template"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/bookingkit/bookingkit"
)

// Service holds the partner module's rules: who may see and change what,
// the life cycles of instances and licences, and what is written to the
// audit and activity logs. It keeps no state of its own beyond its
// configuration, so one Service may serve any number of goroutines.
//
// Only Store is required; every other field has a working default.
type Service struct {
	// Store keeps partners, instances, licences, messages and logs.
	Store Store
	// Types is the registry of instance types; nil means [DefaultRegistry].
	Types *Registry
	// Notifier is told about new support messages; nil means nobody is told.
	Notifier Notifier
	// Webhooks records the events partners' webhook endpoints receive
	// (webhook_events.go) and sends them; nil means no events.
	Webhooks *Webhooks
	// Logger receives what the caller cannot act on, such as a notifier
	// failing after the message was stored; nil means [slog.Default].
	Logger *slog.Logger
	// Now is the clock; nil means [time.Now]. Times are kept in UTC with
	// microsecond precision, the finest that every storage adapter keeps.
	Now func() time.Time
	// Rand is the source of identifiers and link nonces; nil means
	// [crypto/rand.Reader].
	Rand io.Reader
	// ContractTemplate renders an instance's contract at provisioning; nil
	// means [DefaultContractTemplate]. It is executed with a [ContractData].
	ContractTemplate *template.Template
	// ImpersonationKey signs impersonation links (HMAC-SHA256). It must be
	// at least 32 bytes; without it [Service.ImpersonationLink] fails.
	ImpersonationKey []byte
	// ImpersonationTTL is how long an impersonation link stays valid;
	// zero means [DefaultImpersonationTTL].
	ImpersonationTTL time.Duration
	// PanelURL is the web panel address that impersonation links point at,
	// for example "https://panel.example.com/impersonate". The token is
	// added as the query parameter "token".
	PanelURL string

	idMu   sync.Mutex
	lastID [16]byte // the last ID's bytes, for newID's order within a millisecond
}

// Limits on sizes of free text and pages.
const (
	// MaxReasonLength is the longest reason, in characters, that a
	// deactivation request or another change may carry.
	MaxReasonLength = 2000
	// MaxMessageLength is the longest support message, in characters.
	MaxMessageLength = 10000
	// MaxNameLength is the longest partner, company or user name.
	MaxNameLength = 200
	// DefaultPageSize is the page size of a list when the caller asks for none.
	DefaultPageSize = 50
	// MaxPageSize is the largest page a list returns.
	MaxPageSize = 500
)

func (s *Service) now() time.Time {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	return canonicalTime(now())
}

// canonicalTime is t in UTC at microsecond precision: PostgreSQL keeps no
// finer, and a keyset cursor must compare equal on every adapter.
func canonicalTime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Microsecond)
}

func (s *Service) types() *Registry {
	if s.Types != nil {
		return s.Types
	}
	return defaultRegistry
}

func (s *Service) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

func (s *Service) random(b []byte) error {
	r := s.Rand
	if r == nil {
		r = rand.Reader
	}
	if _, err := io.ReadFull(r, b); err != nil {
		return fmt.Errorf("partner: reading randomness: %w", err)
	}
	return nil
}

// idEncoding is base32 with the "extended hex" alphabet in lower case: its
// characters sort in the same order as the bytes they encode, so IDs sort
// by creation time.
var idEncoding = base32.NewEncoding("0123456789abcdefghijklmnopqrstuv").WithPadding(base32.NoPadding)

// newID returns prefix + "_" + 26 characters: 48 bits of milliseconds since
// the Unix epoch, then 80 random bits. IDs made later sort after earlier
// ones, which gives lists (the audit log, a thread's messages) a stable
// creation order and lets keyset pagination use the ID alone. Within one
// millisecond (or if the clock steps back) the Service adds one to the
// previous ID instead of drawing new random bits, as ULID's monotonic mode
// does, so its IDs sort in the order it made them; IDs from several servers
// sort by their millisecond only.
func (s *Service) newID(prefix string, at time.Time) (string, error) {
	s.idMu.Lock()
	defer s.idMu.Unlock()
	var b [16]byte
	var ms [8]byte
	binary.BigEndian.PutUint64(ms[:], uint64(at.UnixMilli()))
	if s.lastID != ([16]byte{}) && bytes.Compare(ms[2:], s.lastID[:6]) <= 0 {
		b = s.lastID
		for i := len(b) - 1; i >= 0; i-- { // b + 1, big-endian
			b[i]++
			if b[i] != 0 {
				break
			}
		}
	} else {
		copy(b[:6], ms[2:])
		if err := s.random(b[6:]); err != nil {
			return "", err
		}
	}
	s.lastID = b
	return prefix + "_" + idEncoding.EncodeToString(b[:]), nil
}

// pageLimit turns a requested page size into the one used.
func pageLimit(n int) (int, error) {
	switch {
	case n == 0:
		return DefaultPageSize, nil
	case n < 0 || n > MaxPageSize:
		return 0, bookingkit.Invalidf("limit", fmt.Sprint(n), "between 1 and %d", MaxPageSize)
	}
	return n, nil
}

// cleanText trims s and checks it is between min and max characters of
// printable text (newlines and tabs allowed when multiline).
func cleanText(field, s string, min, max int, multiline bool) (string, error) {
	s = strings.TrimSpace(s)
	if !utf8.ValidString(s) {
		return "", bookingkit.Invalidf(field, "", "not valid UTF-8")
	}
	n := utf8.RuneCountInString(s)
	if n < min {
		if min == 1 {
			return "", bookingkit.Invalidf(field, s, "required")
		}
		return "", bookingkit.Invalidf(field, s, "at least %d characters", min)
	}
	if n > max {
		return "", bookingkit.Invalidf(field, truncate(s, 40), "at most %d characters", max)
	}
	for _, r := range s {
		if unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\t' || r == '\r')) {
			return "", bookingkit.Invalidf(field, truncate(s, 40), "control characters are not allowed")
		}
	}
	return s, nil
}

// cleanReason checks a reason: required when required is set.
func cleanReason(reason string, required bool) (string, error) {
	min := 0
	if required {
		min = 1
	}
	return cleanText("reason", reason, min, MaxReasonLength, true)
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

// audit builds the audit record of a change that actor makes now.
func (s *Service) audit(a Actor, at time.Time, partnerID, object, objectID, action, reason, detail string) (AuditRecord, error) {
	id, err := s.newID("aud", at)
	if err != nil {
		return AuditRecord{}, err
	}
	return AuditRecord{
		ID:        id,
		At:        at,
		ActorID:   a.UserID,
		ActorRole: a.Role,
		PartnerID: partnerID,
		Object:    object,
		ObjectID:  objectID,
		Action:    action,
		Reason:    reason,
		Detail:    detail,
	}, nil
}

// AuditLog returns audit records, newest first. A partner user sees only
// their own partner's records; q.PartnerID names the partner for an
// administrator ("" for all).
func (s *Service) AuditLog(ctx context.Context, a Actor, q AuditQuery) ([]AuditRecord, error) {
	partnerID, err := a.scope(q.PartnerID)
	if err != nil {
		return nil, err
	}
	q.PartnerID = partnerID
	if q.Limit, err = pageLimit(q.Limit); err != nil {
		return nil, err
	}
	return s.Store.ListAudit(ctx, q)
}
