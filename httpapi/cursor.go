package httpapi

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/bookingkit/bookingkit"
)

// CursorParam is the one query parameter that carries the cursor of a
// paged list on every route: the "next" of the page before. Its name says
// nothing of the list's order or of what the cursor holds (an ID, a key, a
// position in a queue), which differ from list to list, so a client pages
// every list the same way and treats the value as opaque. The names the
// routes took before (after, before, from) name a direction or a position,
// and are still accepted as deprecated aliases ([PageCursor]).
const CursorParam = "cursor"

// PageCursor serves a paged route whose handler reads its cursor under its
// older name alias: a request that sends [CursorParam] reaches h with that
// value under alias instead, so the route takes both names. A request that
// sends both with different values is invalid input (400), and a cursor
// the route refuses is one too, naming cursor, as the client sent it.
func PageCursor(alias string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		cursor := q.Get(CursorParam)
		if cursor == "" {
			h.ServeHTTP(w, r)
			return
		}
		if old := q.Get(alias); old != "" && old != cursor {
			WriteError(w, r, nil, bookingkit.Invalid(CursorParam, cursor, "one cursor: "+alias+" is its deprecated alias, and gives another"))
			return
		}
		q.Del(CursorParam)
		q.Set(alias, cursor)
		// WithContext makes a shallow copy, which keeps the path values.
		r2 := r.WithContext(context.WithValue(r.Context(), cursorAliasKey{}, alias))
		r2.URL = new(url.URL)
		*r2.URL = *r.URL
		r2.URL.RawQuery = q.Encode()
		h.ServeHTTP(w, r2)
	})
}

type cursorAliasKey struct{}

// cursorError renames, for [WriteError], the field of an invalid cursor
// that [PageCursor] handed to the route under its older name.
func cursorError(r *http.Request, err error) error {
	alias, ok := r.Context().Value(cursorAliasKey{}).(string)
	var ve *bookingkit.ValidationError
	if ok && errors.As(err, &ve) && ve.Field == alias {
		return bookingkit.Invalid(CursorParam, ve.Value, ve.Reason)
	}
	return err
}
