package httpapi

import (
	"fmt"
	"net/http"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/locale"
	"golang.org/x/text/language"
)

// RequestMessage is [PublicMessage] in r's language ([locale.Request]):
// the outermost *bookingkit.Error ([bookingkit.Errorf]) or
// *bookingkit.ValidationError in err's chain, translated by the message
// catalogue, or a text that is itself a key of the catalogue (the
// sentinels' "not found", "internal error"). An error the catalogue does
// not know keeps its English text, as does every error answered in
// English. The second result is the language of the text.
func RequestMessage(r *http.Request, err error) (string, language.Tag) {
	tag := locale.Request(r)
	if tag == locale.English {
		return PublicMessage(err), locale.English
	}
	if s, ok := translateError(tag, err); ok {
		return s, tag
	}
	if s, ok := locale.Translate(tag, PublicMessage(err)); ok {
		return s, tag
	}
	return PublicMessage(err), locale.English
}

// requestText is key in r's language: a fixed text of an answer.
func requestText(r *http.Request, key string, args ...any) string {
	return locale.Sprintf(locale.Request(r), key, args...)
}

// translateError says the outermost translatable error of err's chain in
// tag, and whether there was one the catalogue knows.
func translateError(tag language.Tag, err error) (string, bool) {
	switch e := err.(type) {
	case *bookingkit.Error:
		args := make([]any, len(e.Args))
		for i, a := range e.Args {
			args[i] = a
			if inner, ok := a.(error); ok {
				s, ok := translateError(tag, inner)
				if !ok {
					s = PublicMessage(inner)
				}
				args[i] = s
			}
		}
		if s, ok := locale.Translate(tag, e.Format, args...); ok {
			return s, true
		}
	case *bookingkit.ValidationError:
		reason, ok := locale.Translate(tag, e.Reason)
		if e.Format != "" {
			reason, ok = locale.Translate(tag, e.Format, e.Args...)
		}
		if ok {
			if e.Value == "" {
				return fmt.Sprintf("%s: %s", e.Field, reason), true
			}
			return fmt.Sprintf("%s %q: %s", e.Field, e.Value, reason), true
		}
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		if inner := u.Unwrap(); inner != nil {
			return translateError(tag, inner)
		}
	case interface{ Unwrap() []error }:
		for _, inner := range u.Unwrap() {
			if s, ok := translateError(tag, inner); ok {
				return s, true
			}
		}
	}
	return "", false
}

