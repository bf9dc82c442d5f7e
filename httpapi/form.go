package httpapi

import (
	"errors"
	"net/http"

	"github.com/bookingkit/bookingkit"
)

// ParseForm parses a page's posted form (r.PostForm): a body over its
// limit is [TooLarge] (413), anything else unreadable a validation error
// on "form" (400). A form posted from another site does not get here when
// the server refuses cross-origin requests ([ProtectCrossOrigin]).
func ParseForm(r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return TooLarge(tooBig.Limit)
		}
		return bookingkit.Invalid("form", "", "a form post")
	}
	return nil
}
