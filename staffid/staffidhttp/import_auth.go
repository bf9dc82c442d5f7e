package staffidhttp

import (
	"errors"
	"net/http"
	"net/netip"
	"strings"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/httpapi"
)

// ImportAuth is the automated upload's own authentication: it decides
// whether a request may replace the list. [ImportToken] is bookingkit's
// (one secret shared with the airline's system); an engine with its own
// check of the airline's systems passes its own. An error refuses the
// request with [httpapi.StatusOf]'s status for it
// (bookingkit.ErrUnauthorized: 401) and its text.
type ImportAuth interface {
	// AuthorizeUpload is asked about each automated upload, once its
	// address is allowed and before its body is read. It returns who is
	// uploading, in words for the import history ("HR system"), or the
	// error that refuses the upload.
	AuthorizeUpload(r *http.Request) (actor string, err error)
}

// ImportFormAuth authenticates the control-panel page's uploads, whose
// form carries a token field. [ImportToken] is bookingkit's; an engine
// that does not mount the page needs none.
type ImportFormAuth interface {
	// AuthorizeForm is asked about each upload through the control-panel
	// page, with what the manager typed into the form's token field
	// (empty when nothing), once the form is read and before the file is.
	// It returns who is uploading, for the import history, or the error
	// that refuses the upload.
	AuthorizeForm(r *http.Request, token string) (actor string, err error)
}

// ImportAddresses decides which addresses may upload the list, through
// either door (the page's form too), before anything else is read. An
// error refuses the request (bookingkit.ErrForbidden: 403). [ImportAllowList]
// is bookingkit's.
type ImportAddresses interface {
	CheckAddress(r *http.Request) error
}

// ImportToken is bookingkit's [ImportAuth] and [ImportFormAuth]: one
// secret token ([httpapi.Token]: held only as its SHA-256, compared in
// constant time). The automated upload sends it as "Authorization: Bearer
// <token>"; the manager types it into the page's form. The zero
// ImportToken accepts nothing.
type ImportToken struct{ token httpapi.Token }

// NewImportToken returns the ImportToken that accepts token.
func NewImportToken(token string) ImportToken {
	return ImportToken{httpapi.NewToken("import", token)}
}

// ImportTokenFrom returns the ImportToken that accepts what t accepts: a
// server's own token, kept as it likes.
func ImportTokenFrom(t httpapi.Token) ImportToken { return ImportToken{t} }

// ImportTokenHash returns the ImportToken whose SHA-256 is hash, in hex
// (64 digits): a token kept only as its hash, as the reference server
// keeps one it generated.
func ImportTokenHash(hash string) (ImportToken, error) {
	t, err := httpapi.TokenFromHash("import", hash)
	if err != nil {
		return ImportToken{}, errors.New("staffidhttp: an import token's hash is the hex SHA-256 of the token (64 hex digits)")
	}
	return ImportToken{t}, nil
}

// AuthorizeUpload accepts a request carrying the token as
// "Authorization: Bearer <token>"; the history names it "import token
// from <address>".
func (t ImportToken) AuthorizeUpload(r *http.Request) (string, error) {
	if err := t.token.Check(r); err != nil {
		return "", err
	}
	return "import token from " + r.RemoteAddr, nil
}

// AuthorizeForm accepts the token typed into the form, spaces around it
// ignored; the history names it "control panel from <address>".
func (t ImportToken) AuthorizeForm(r *http.Request, token string) (string, error) {
	if token = strings.TrimSpace(token); token == "" || !t.token.Matches(token) {
		return "", bookingkit.Errorf("wrong import token: %w", bookingkit.ErrUnauthorized)
	}
	return "control panel from " + r.RemoteAddr, nil
}

// ImportAllowList is bookingkit's [ImportAddresses]: the addresses and
// ranges allowed to upload (the connection's address, never a forwarding
// header: [httpapi.ClientIP]). An empty list allows any address.
type ImportAllowList []netip.Prefix

// ParseImportAllowList reads addresses (203.0.113.7, 2001:db8::1) and CIDR
// ranges (203.0.113.0/24, 2001:db8::/32); an IPv4 address written as IPv6
// (::ffff:192.0.2.1) is the IPv4 one. A bad entry is an error matching
// bookingkit.ErrInvalid, named import_allow_list as in the reference
// server's config file.
func ParseImportAllowList(entries []string) (ImportAllowList, error) {
	var l ImportAllowList
	for _, e := range entries {
		e = strings.TrimSpace(e)
		if strings.Contains(e, "/") {
			p, err := netip.ParsePrefix(e)
			if err != nil {
				return nil, importBadAddress(e)
			}
			if p.Addr().Is4In6() {
				p = netip.PrefixFrom(p.Addr().Unmap(), max(p.Bits()-96, 0))
			}
			l = append(l, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(e)
		if err != nil {
			return nil, importBadAddress(e)
		}
		a = a.Unmap().WithZone("")
		l = append(l, netip.PrefixFrom(a, a.BitLen()))
	}
	return l, nil
}

func importBadAddress(entry string) error {
	return bookingkit.Invalid("import_allow_list", entry, "expected an IP address or a CIDR range such as 203.0.113.0/24")
}

// CheckAddress returns an error matching bookingkit.ErrForbidden unless
// the request's address is on the list, or the list is empty.
func (l ImportAllowList) CheckAddress(r *http.Request) error {
	if len(l) == 0 {
		return nil
	}
	if a, ok := httpapi.ClientIP(r); ok {
		for _, p := range l {
			if p.Contains(a) {
				return nil
			}
		}
	}
	return bookingkit.Errorf("address %s may not upload the employee list (not on the import allow-list): %w", r.RemoteAddr, bookingkit.ErrForbidden)
}
